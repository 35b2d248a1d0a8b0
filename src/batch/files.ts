/**
 * The batch output directory and its crash-safe writes.
 *
 *   DIR/results/<id>.json   the full JSON report of one release (as `--format json` prints it)
 *   DIR/rows/<id>.json      its summary row; written last, so a row's presence means the release is done
 *   DIR/summary.jsonl       every row, one per line, in manifest order (rebuilt at the end and by merge)
 *   DIR/manifest-errors.jsonl  the manifest lines that were skipped, with their line numbers
 *
 * Every file is written to a temporary name in the same directory, flushed, and renamed into place: a
 * process killed at any moment (SIGKILL included) leaves either the old file or the new one, never half
 * of one. Leftover temporary files are removed at the next start.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';

export const TMP_MARK = '.tmp-';

export function atomicWrite(path: string, data: string | Buffer): void {
  const tmp = `${path}${TMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

export interface OutDirs {
  root: string;
  results: string;
  rows: string;
}

export function outDirs(root: string): OutDirs {
  return { root, results: join(root, 'results'), rows: join(root, 'rows') };
}

export function prepareOutDir(root: string): OutDirs {
  const d = outDirs(root);
  mkdirSync(d.results, { recursive: true });
  mkdirSync(d.rows, { recursive: true });
  return d;
}

/** Remove temporary files a killed run left behind (only ours: the name carries the marker). */
export function removeLeftovers(d: OutDirs): number {
  let n = 0;
  for (const dir of [d.root, d.results, d.rows]) {
    for (const name of readdirSync(dir)) {
      if (name.includes(TMP_MARK)) {
        rmSync(join(dir, name), { force: true });
        n++;
      }
    }
  }
  return n;
}

/** Read every row file of a directory; unreadable ones (there should be none) are returned by name. */
export function readRows<T>(rowsDir: string): { rows: T[]; unreadable: string[] } {
  const rows: T[] = [];
  const unreadable: string[] = [];
  let names: string[];
  try {
    names = readdirSync(rowsDir);
  } catch {
    return { rows, unreadable };
  }
  for (const name of names.sort()) {
    if (!name.endsWith('.json') || name.includes(TMP_MARK)) continue;
    try {
      rows.push(JSON.parse(readFileSync(join(rowsDir, name), 'utf8')) as T);
    } catch {
      unreadable.push(name);
    }
  }
  return { rows, unreadable };
}

/**
 * An exclusive lock between processes, also across hosts sharing a file system: a file created with
 * O_EXCL holding `host pid`. A lock whose holder is a dead process on this host is taken over; one held
 * from another host is waited for (up to `staleMs` since it was last written, then taken over).
 */
export async function withLock<T>(path: string, fn: () => Promise<T>, opts: { staleMs?: number; pollMs?: number } = {}): Promise<T> {
  const staleMs = opts.staleMs ?? 6 * 60 * 60 * 1000;
  const pollMs = opts.pollMs ?? 50;
  const me = `${hostname()} ${process.pid} ${Date.now()}`;
  mkdirSync(dirname(path), { recursive: true });
  for (;;) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      writeSync(fd, me);
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (isStale(path, staleMs)) {
        try {
          unlinkSync(path);
        } catch {
          /* someone else took it over first */
        }
        continue;
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }
  try {
    return await fn();
  } finally {
    try {
      if (readFileSync(path, 'utf8') === me) unlinkSync(path);
    } catch {
      /* already gone */
    }
  }
}

function isStale(path: string, staleMs: number): boolean {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return false; // released meanwhile: retry the open
  }
  const [host, pidText, timeText] = text.split(' ');
  const pid = Number(pidText);
  if (host === hostname() && Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ESRCH';
    }
    return false;
  }
  const t = Number(timeText);
  return !Number.isFinite(t) || Date.now() - t > staleMs;
}
