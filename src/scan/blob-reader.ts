/**
 * Reads blobs through one long-lived `git cat-file --batch` process. Requests are answered in order;
 * blobs larger than `maxBytes` are skipped (read and discarded chunk by chunk, never buffered whole).
 * A missing object, or an object that is not a blob, reads as undefined. If git dies, every pending and
 * later read rejects with a DistdiffError; nothing waits forever.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { DistdiffError } from '../core/errors.js';
import { gitArgv, gitEnv } from '../git/run.js';
import type { RepoHandle } from '../acquire/repo.js';

interface Pending {
  oid: string;
  maxBytes: number;
  resolve(b: Buffer | undefined): void;
  reject(e: Error): void;
}

const OID_RE = /^[0-9a-f]{40}$|^[0-9a-f]{64}$/i;

export class BlobReader {
  private readonly repo: RepoHandle;
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly queue: Pending[] = [];
  private failure: Error | undefined;
  private closed = false;
  private exited: Promise<void> | undefined;
  // parser state
  private header = Buffer.alloc(0);
  private body: { size: number; received: number; chunks: Buffer[] | undefined } | undefined;
  private stderr = '';

  constructor(repo: RepoHandle) {
    this.repo = repo;
  }

  /** Content of blob `oid`, or undefined when it is missing, not a blob, or larger than maxBytes. */
  read(oid: string, maxBytes = Number.MAX_SAFE_INTEGER): Promise<Buffer | undefined> {
    if (!OID_RE.test(oid)) return Promise.resolve(undefined);
    if (this.closed) return Promise.reject(new DistdiffError('internal', oid, 'blob reader is closed'));
    if (this.failure) return Promise.reject(this.failure);
    const child = this.start();
    return new Promise((resolve, reject) => {
      this.queue.push({ oid: oid.toLowerCase(), maxBytes, resolve, reject });
      child.stdin.write(`${oid.toLowerCase()}\n`);
    });
  }

  /** Ends the git process after answering what is pending. */
  async close(): Promise<void> {
    if (this.closed) return this.exited;
    this.closed = true;
    if (!this.child) return;
    this.child.stdin.end();
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), 10_000);
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn('git', gitArgv(this.repo.gitDir, ['cat-file', '--batch']), {
      env: gitEnv(),
      cwd: '/',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.on('close', () => resolve()));
    child.stdout.on('data', (c: Buffer) => {
      try {
        this.onData(c);
      } catch (e) {
        this.fail(e as Error);
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (c: Buffer) => {
      if (this.stderr.length < 4096) this.stderr += c.toString('utf8');
    });
    child.stdin.on('error', () => {}); // reported through 'close'
    child.on('error', (e) => this.fail(new DistdiffError('git', this.repo.source, `cannot run git cat-file: ${e.message}`, 'install git')));
    child.on('close', (code, signal) => {
      const why = this.stderr.split('\n').find((l) => l.trim()) ?? (signal ? `killed by ${signal}` : `exit code ${code}`);
      this.fail(new DistdiffError('git', this.repo.source, `git cat-file ended: ${why.replace(/^fatal:\s*/, '')}`, 'check the repository'));
    });
    return child;
  }

  private fail(e: Error): void {
    if (!this.failure) this.failure = e;
    for (const p of this.queue.splice(0)) p.reject(this.failure);
  }

  private onData(chunk: Buffer): void {
    let c = chunk;
    while (c.length > 0) {
      if (this.body) {
        const b = this.body;
        const need = b.size + 1 - b.received; // content plus the trailing LF
        const take = Math.min(need, c.length);
        if (b.chunks) b.chunks.push(c.subarray(0, take));
        b.received += take;
        c = c.subarray(take);
        if (b.received === b.size + 1) {
          this.body = undefined;
          const p = this.queue.shift();
          if (!p) throw new Error('cat-file answered a request nobody made');
          if (b.chunks) p.resolve(Buffer.concat(b.chunks).subarray(0, b.size));
          else p.resolve(undefined);
        }
        continue;
      }
      const nl = c.indexOf(0x0a);
      if (nl < 0) {
        this.header = Buffer.concat([this.header, c]);
        if (this.header.length > 4096) throw new Error('cat-file header too long');
        return;
      }
      const line = Buffer.concat([this.header, c.subarray(0, nl)]).toString('utf8');
      this.header = Buffer.alloc(0);
      c = c.subarray(nl + 1);
      const p = this.queue[0];
      if (!p) throw new Error(`unexpected cat-file output: ${line.slice(0, 100)}`);
      const parts = line.split(' ');
      if (parts.length === 2 && (parts[1] === 'missing' || parts[1] === 'ambiguous')) {
        this.queue.shift();
        p.resolve(undefined);
        continue;
      }
      if (parts.length !== 3 || !/^\d+$/.test(parts[2]!)) throw new Error(`unexpected cat-file output: ${line.slice(0, 100)}`);
      const size = Number(parts[2]);
      const keep = parts[1] === 'blob' && size <= p.maxBytes;
      this.body = { size, received: 0, chunks: keep ? [] : undefined };
    }
  }
}
