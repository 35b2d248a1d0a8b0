/**
 * Scanning from a byte stream instead of a path (library callers: an HTTP response body, a pipe, an
 * object-store download): the first bytes say what it is, a tar (plain, gzip, xz, bzip2, zstd) is decoded
 * and parsed as it arrives, nothing is buffered beyond the sniffed header or written to disk. A zip keeps
 * its directory at the end, so it cannot be read this way: write it to a file and use scanArchive.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DistdiffError } from '../core/errors.js';
import type { Compression } from '../core/types.js';
import { consumer, corruptError, decoderEnv, ended, fallbackDecoder, TOOLS, type DecodedStream } from './decode.js';
import { settleRetain, type ScanOptions, type ScanResult } from './entries.js';
import { detectFormat, SNIFF_BYTES } from './format.js';
import { scanDecodedTar } from './tar-scan.js';

/** Any (async) iterable of bytes: a node Readable, a web ReadableStream, an async generator, an array of buffers. */
export type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export interface StreamScanOptions extends ScanOptions {
  /** How the stream is named in errors (default `<stream>`). */
  name?: string;
}

export async function scanStream(source: ByteSource, opts: StreamScanOptions): Promise<ScanResult> {
  const input = opts.name ?? '<stream>';
  const it: AsyncIterator<Uint8Array> | Iterator<Uint8Array> =
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : (source as Iterable<Uint8Array>)[Symbol.iterator]();
  const sha = createHash('sha256');
  let inputBytes = 0;
  const take = (v: Uint8Array): Buffer => {
    const b = Buffer.from(v); // a copy: the source may reuse its buffers
    inputBytes += b.length;
    sha.update(b);
    return b;
  };
  const first: Buffer[] = [];
  let have = 0;
  let ended_ = false;
  try {
    while (have < SNIFF_BYTES) {
      const r = await it.next();
      if (r.done) {
        ended_ = true;
        break;
      }
      const b = take(r.value);
      first.push(b);
      have += b.length;
    }
  } catch (e) {
    throw readFailed(input, e);
  }
  const head = Buffer.concat(first);
  if (head.length === 0) throw new DistdiffError('archive', input, 'the stream is empty (0 bytes)', 'the download may have failed; fetch it again');
  const fmt = detectFormat(head.subarray(0, SNIFF_BYTES));
  if (fmt.kind === 'zip') {
    await it.return?.();
    throw new DistdiffError('usage', input, 'a zip archive cannot be scanned from a stream (its directory is at the end)', 'write it to a file and scan the file');
  }
  if (fmt.kind !== 'tar') {
    await it.return?.();
    throw new DistdiffError(
      'archive',
      input,
      fmt.what ? `unsupported archive format: ${fmt.what}` : 'unknown archive format (not tar, gzip, xz, bzip2 or zstd)',
      'distdiff reads tar streams (plain, .gz, .xz, .bz2, .zst); zip files and directories from a path',
    );
  }
  const raw = Readable.from(
    (async function* () {
      yield head;
      if (ended_) return;
      for (;;) {
        let r: IteratorResult<Uint8Array>;
        try {
          r = await it.next();
        } catch (e) {
          throw readFailed(input, e);
        }
        if (r.done) return;
        yield take(r.value);
      }
    })(),
    { objectMode: false },
  );
  const dec = await decodeStream(input, raw, fmt.compression, opts.systemDecoders !== false, {
    get inputBytes() {
      return inputBytes;
    },
    sha256: () => sha.copy().digest('hex'),
  });
  const settled = await settleRetain(opts).catch((e: unknown) => {
    dec.abort();
    throw e;
  });
  return scanDecodedTar(input, dec, fmt.compression, () => inputBytes, settled);
}

function readFailed(input: string, e: unknown): DistdiffError {
  return e instanceof DistdiffError ? e : new DistdiffError('archive', input, `cannot read the stream: ${e instanceof Error ? e.message : String(e)}`, 'check the source of the stream');
}

type RawInfo = Pick<DecodedStream, 'inputBytes' | 'sha256'>;

async function decodeStream(input: string, raw: Readable, compression: Compression, system: boolean, info: RawInfo): Promise<DecodedStream> {
  const base = (decoder: string, out: Readable, mapErr: (e: unknown) => unknown, abort: () => void, done = ended(out, mapErr)): DecodedStream => ({
    decoder,
    stableChunks: compression !== 'xz' && compression !== 'zstd' && compression !== 'bzip2' ? true : decoder.endsWith('(system)'),
    consume: consumer(out, mapErr),
    done,
    get inputBytes() {
      return info.inputBytes;
    },
    sha256: info.sha256,
    abort,
  });
  const corrupt = (e: unknown) => (e instanceof DistdiffError ? e : corruptError(input, compression, e instanceof Error ? e.message : String(e)));
  if (compression === 'none') return base('none', raw, (e) => readFailed(input, e), () => raw.destroy());
  if (compression === 'gzip') {
    const gunzip = createGunzip({ chunkSize: 1 << 20 });
    raw.on('error', (e) => gunzip.destroy(readFailed(input, e)));
    raw.pipe(gunzip);
    return base('zlib', gunzip, corrupt, () => {
      raw.destroy();
      gunzip.destroy();
    });
  }
  const tool = TOOLS[compression];
  if (system) {
    const child = await new Promise<ReturnType<typeof spawn> | undefined>((resolve, reject) => {
      const c = spawn(tool.cmd, tool.args, { stdio: ['pipe', 'pipe', 'pipe'], env: decoderEnv(), cwd: '/' });
      c.once('spawn', () => resolve(c));
      c.once('error', (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? resolve(undefined) : reject(e)));
    });
    if (child) {
      let stderr = '';
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (s: string) => {
        if (stderr.length < 4096) stderr += s;
      });
      let failure: DistdiffError | undefined;
      raw.on('error', (e) => {
        failure ??= readFailed(input, e);
        child.stdin!.destroy();
      });
      child.stdin!.on('error', () => {}); // EPIPE when the decoder stops early: its exit status says why
      raw.pipe(child.stdin!);
      let aborted = false;
      const done = new Promise<void>((resolve, reject) => {
        child.on('close', (code) => {
          if (failure) reject(failure);
          else if (code === 0) resolve();
          else if (aborted) reject(new DistdiffError('archive', input, `${tool.cmd} was stopped`, ''));
          else reject(corruptError(input, compression, stderr.split('\n').map((l) => l.trim()).filter(Boolean)[0] ?? `${tool.cmd} exited with status ${code}`));
        });
      });
      done.catch(() => {});
      return base(tool.label, child.stdout!, corrupt, () => {
        aborted = true;
        raw.destroy();
        child.kill('SIGTERM');
      }, done);
    }
  }
  const fb = await fallbackDecoder(compression);
  const hashed = new PassThrough({ highWaterMark: 1 << 20 });
  raw.on('error', (e) => hashed.destroy(readFailed(input, e)));
  raw.pipe(hashed);
  const out = fb.decode(hashed);
  return base(`fallback: ${fb.name} (${system ? `${tool.cmd} not found` : 'system decoders disabled'})`, out, corrupt, () => {
    raw.destroy();
    out.destroy();
  });
}
