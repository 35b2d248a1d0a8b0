/**
 * `distdiff batch`: a layer above verify(). Reads a manifest, keeps this shard's rows, skips the ones an
 * earlier run finished (row.ts), and verifies the rest in a pool of worker processes (worker.ts). Rows of
 * one cloned repository are not handed to two workers at once (their clone is shared and fetched under a
 * lock); different repositories run in parallel.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DistdiffError } from '../core/errors.js';
import { VERSION } from '../version.js';
import { buildDatabase, type DbOutcome } from './db.js';
import { atomicWrite, prepareOutDir, readRows, removeLeftovers, type OutDirs } from './files.js';
import { parseManifest, type BadLine, type ManifestRow } from './manifest.js';
import type { BatchProgress } from './progress.js';
import { cachedRepoLock } from './repo-lock.js';
import { currentKey, optionsKey, stillDone, type BatchRow } from './row.js';
import { shardOf, type Shard } from './shard.js';
import type { FromWorker, ToWorker, WorkerOptions } from './worker.js';

export interface BatchOptions extends Omit<WorkerOptions, 'optionsKey' | 'version'> {
  manifest: string;
  out: string;
  jobs?: number;
  shard?: Shard;
}

export interface BatchIO {
  /** A manifest line that was skipped. */
  badLine?: (b: BadLine, manifest: string) => void;
  progress?: (p: BatchProgress) => void;
  /** A release finished (in this run). */
  row?: (r: BatchRow) => void;
}

export interface BatchSummary {
  /** Rows of the manifest (valid ones). */
  manifestRows: number;
  bad: BadLine[];
  /** Rows of this shard. */
  total: number;
  skipped: number;
  passed: number;
  failed: number;
  errors: number;
  /** 0 every row of the shard passed and no line was bad, 1 otherwise. */
  exitCode: 0 | 1;
  out: OutDirs;
  db: DbOutcome;
}

/** Workers by default: one per core, fewer when memory is short (a large release can take ~1 GiB). */
export function defaultJobs(): number {
  return Math.max(1, Math.min(availableParallelism(), Math.floor(totalmem() / 2 ** 30 / 1.5)));
}

export function workerPath(): string {
  return join(dirname(fileURLToPath(import.meta.url)), 'worker.js');
}

function readManifest(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DistdiffError('not-found', path, code === 'ENOENT' ? 'manifest not found' : `cannot read the manifest (${code ?? 'error'})`, 'give a JSONL or CSV file, one release per line');
  }
}

export async function runBatch(o: BatchOptions, io: BatchIO = {}): Promise<BatchSummary> {
  const manifestPath = resolve(o.manifest);
  const text = readManifest(manifestPath);
  const m = parseManifest(text, { name: basename(manifestPath), baseDir: dirname(manifestPath) });
  for (const b of m.bad) io.badLine?.(b, o.manifest);
  if (m.rows.length === 0 && m.bad.length > 0) {
    throw new DistdiffError('usage', o.manifest, `no valid line (${m.bad.length} bad)`, 'a manifest line is a JSON object (or CSV record) with at least tarball and repo');
  }
  let out: OutDirs;
  try {
    out = prepareOutDir(resolve(o.out));
  } catch (e) {
    throw new DistdiffError('usage', o.out, `cannot create the output directory (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'choose a writable --out directory');
  }
  removeLeftovers(out);
  const badName = o.shard ? `manifest-errors.${o.shard.index}-of-${o.shard.count}.jsonl` : 'manifest-errors.jsonl';
  atomicWrite(join(out.root, badName), m.bad.map((b) => JSON.stringify({ manifest: o.manifest, ...b })).join('\n') + (m.bad.length ? '\n' : ''));

  const mine = o.shard ? m.rows.filter((r) => shardOf(r.identity, o.shard!.count) === o.shard!.index) : m.rows;
  let policyText: string | undefined;
  if (o.policyPath) {
    try {
      policyText = readFileSync(o.policyPath, 'utf8');
    } catch {
      throw new DistdiffError('config', o.policyPath, 'policy file not found', 'check the --config path');
    }
  }
  const optKey = optionsKey({ failOn: o.failOn, ...(policyText !== undefined ? { policyText } : {}) });
  const wopts: WorkerOptions = {
    cacheDir: o.cacheDir,
    failOn: o.failOn,
    ...(o.policyPath ? { policyPath: resolve(o.policyPath) } : {}),
    ...(o.allowHttp ? { allowHttp: true } : {}),
    ...(o.npmRegistry ? { npmRegistry: o.npmRegistry } : {}),
    ...(o.limits ? { limits: o.limits } : {}),
    optionsKey: optKey,
    version: VERSION,
  };

  // ---- resume: rows an earlier run finished and whose key still holds ----
  const recorded = new Map(readRows<BatchRow>(out.rows).rows.map((r) => [r.id, r]));
  const final = new Map<string, BatchRow>();
  const todo: ManifestRow[] = [];
  for (const row of mine) {
    const prev = recorded.get(row.id);
    if (prev && prev.identity === row.identity && stillDone(prev, await currentKey(row, optKey))) final.set(row.id, prev);
    else todo.push(row);
  }
  const skipped = final.size;

  const start = Date.now();
  const state: BatchProgress = { total: mine.length, done: 0, failed: 0, skipped, elapsedMs: 0 };
  const tick = () => io.progress?.({ ...state, elapsedMs: Date.now() - start });
  tick();

  const finish = (r: BatchRow) => {
    if (o.shard) r.shard = `${o.shard.index}/${o.shard.count}`;
    atomicWrite(join(out.rows, `${r.id}.json`), JSON.stringify(r) + '\n');
    final.set(r.id, r);
    state.done++;
    if (r.status !== 'passed') state.failed++;
    io.row?.(r);
    tick();
  };

  if (todo.length > 0) await runPool(todo, Math.max(1, Math.min(o.jobs ?? defaultJobs(), todo.length)), out, wopts, finish, optKey);

  const rows = mine.map((r) => final.get(r.id)).filter((r): r is BatchRow => r !== undefined);
  writeSummary(out, rows);
  // Shards may share one directory: the database is built by `batch merge`, from every shard's rows.
  const db: DbOutcome = o.shard ? { written: false, reason: 'a shard does not build it: distdiff batch merge does' } : await buildDatabase(out, rows);
  const failed = rows.filter((r) => r.status === 'failed').length;
  const errors = rows.filter((r) => r.status === 'error').length;
  return {
    manifestRows: m.rows.length,
    bad: m.bad,
    total: mine.length,
    skipped,
    passed: rows.filter((r) => r.status === 'passed').length,
    failed,
    errors,
    exitCode: failed + errors + m.bad.length > 0 ? 1 : 0,
    out,
    db,
  };
}

/** summary.jsonl: the rows in manifest order. */
export function writeSummary(out: OutDirs, rows: BatchRow[]): void {
  const sorted = [...rows].sort((a, b) => a.line - b.line || a.id.localeCompare(b.id));
  atomicWrite(join(out.root, 'summary.jsonl'), sorted.map((r) => JSON.stringify(r)).join('\n') + (sorted.length ? '\n' : ''));
}

interface Slot {
  child: ChildProcess;
  ready: boolean;
  task?: { row: ManifestRow; lock?: string; started: number };
  stderr: string;
}

function runPool(
  todo: ManifestRow[],
  jobs: number,
  out: OutDirs,
  wopts: WorkerOptions,
  finish: (r: BatchRow) => void,
  optKey: string,
): Promise<void> {
  const queue = [...todo];
  const busyLocks = new Set<string>();
  const slots: Slot[] = [];
  let remaining = todo.length;

  // A worker that cannot start (its file missing from the installation, a syntax error in it) would exit
  // before it says it is ready, and the pool would start the next one for ever: refuse before forking, and
  // stop the pool at the first worker that ends without having been ready.
  const worker = workerPath();
  if (!existsSync(worker)) {
    return Promise.reject(new DistdiffError('internal', worker, 'the batch worker file is missing', 'reinstall distdiff (from a checkout: npm run build)'));
  }
  return new Promise<void>((resolvePool, rejectPool) => {
    let failed = false;
    const fail = (e: DistdiffError) => {
      if (failed) return;
      failed = true;
      for (const s of slots) s.child.kill();
      rejectPool(e);
    };
    const spawnSlot = (): Slot => {
      const child = fork(worker, ['--distdiff-batch-worker'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [] });
      const slot: Slot = { child, ready: false, stderr: '' };
      child.stderr?.on('data', (d: Buffer) => {
        slot.stderr = (slot.stderr + d.toString()).slice(-2000);
      });
      child.on('message', (msg: FromWorker) => {
        if (msg.type === 'ready') slot.ready = true;
        else if (msg.type === 'row' && slot.task) {
          if (slot.task.lock) busyLocks.delete(slot.task.lock);
          slot.task = undefined;
          finish(msg.row);
          remaining--;
        }
        dispatch();
      });
      child.on('error', (e) => fail(new DistdiffError('internal', 'batch worker', `cannot start a worker process (${e.message})`)));
      child.on('exit', (code, signal) => {
        const i = slots.indexOf(slot);
        if (i >= 0) slots.splice(i, 1);
        if (failed) return;
        if (!slot.ready) {
          const why = signal ? `signal ${signal}` : `exit code ${code}`;
          // node's own report of an uncaught error: the `…Error: message` line, not the stack or the version line.
          const report = () => {
            const said = slot.stderr.split('\n').map((l) => l.trim()).find((l) => /^[A-Za-z]*Error\b/.test(l));
            fail(new DistdiffError('internal', worker, `a batch worker ended with ${why} before it was ready${said ? ` (${said})` : ''}`, 'reinstall distdiff (from a checkout: npm run build)'));
          };
          // 'exit' can come before the last of its stderr: read that first.
          if (child.stderr && !child.stderr.closed) child.stderr.once('close', report);
          else report();
          return;
        }
        if (slot.task) {
          // The worker died under a release (out of memory, killed): an error row for it, a fresh worker for the rest.
          const t = slot.task;
          if (t.lock) busyLocks.delete(t.lock);
          slot.task = undefined;
          const why = signal ? `signal ${signal}` : `exit code ${code}`;
          const last = slot.stderr.trim().split('\n').pop();
          finish({
            id: t.row.id,
            line: t.row.line,
            identity: t.row.identity,
            tarball: t.row.tarball,
            repo: t.row.repo,
            ...(t.row.tag ? { tag: t.row.tag } : {}),
            ...(t.row.commit ? { commit: t.row.commit } : {}),
            key: { version: wopts.version, options: optKey },
            status: 'error',
            exitCode: 2,
            error: { kind: 'internal', message: `worker process ended with ${why} while verifying this release${last ? ` (${last})` : ''}` },
            durationMs: Date.now() - t.started,
            finishedAt: new Date().toISOString(),
          });
          remaining--;
        }
        dispatch();
      });
      slots.push(slot);
      return slot;
    };

    const dispatch = () => {
      if (failed) return;
      if (remaining === 0) {
        for (const s of slots) if (s.child.connected) s.child.disconnect();
        resolvePool();
        return;
      }
      while (slots.length < jobs && slots.length < queue.length + slots.filter((s) => s.task).length) spawnSlot();
      for (const s of slots) {
        if (!s.ready || s.task || !s.child.connected) continue;
        const i = queue.findIndex((r) => {
          const l = cachedRepoLock(r, wopts.cacheDir);
          return !l || !busyLocks.has(l);
        });
        if (i < 0) break;
        const row = queue.splice(i, 1)[0]!;
        const lock = cachedRepoLock(row, wopts.cacheDir);
        if (lock) busyLocks.add(lock);
        s.task = { row, started: Date.now(), ...(lock ? { lock } : {}) };
        const msg: ToWorker = { type: 'run', row, resultsDir: out.results, opts: wopts };
        s.child.send(msg);
      }
      if (queue.length === 0) {
        for (const s of slots) if (!s.task && s.ready && s.child.connected) s.child.disconnect();
      }
    };
    dispatch();
  });
}
