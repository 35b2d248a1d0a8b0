/**
 * File-system writes that an attacker who can plant files cannot redirect.
 *
 * - `writeFileReplacing`: write a temp file beside the destination (created exclusively, never through a
 *   link) and rename it onto the destination. A symbolic link planted at the destination is never
 *   followed: it is replaced (cache files) or refused (`links: 'refuse'`, the report file).
 * - `trustedDir`: the cache's directories must be owned by the current user and not writable by others
 *   (git's safe.directory reasoning); a symbolic link where distdiff keeps a subdirectory is refused.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DistdiffError } from '../core/errors.js';

export interface WriteOptions {
  /** What to do with a symbolic link at the destination: replace the link itself (default) or refuse. */
  links?: 'replace' | 'refuse';
  /** Mode of a new file (before the umask). Default 0o644. */
  mode?: number;
  /** Input named in errors (default the destination). */
  label?: string;
}

function lstatOrUndefined(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Whether anything (a dangling link too) exists at `p`. */
export function lexists(p: string): boolean {
  return lstatOrUndefined(p) !== undefined;
}

function writeAll(fd: number, data: Buffer | Iterable<string>): void {
  if (!Buffer.isBuffer(data)) {
    for (const piece of data) writeAll(fd, Buffer.from(piece, 'utf8'));
    return;
  }
  let off = 0;
  while (off < data.length) off += writeSync(fd, data, off, data.length - off);
}

/**
 * Write `data` to `dest` through a temp file beside it and a rename. Character devices and FIFOs
 * (`/dev/null`, a named pipe) are written in place — never renamed over — opened without following links.
 * `data` may be an iterable of string pieces (a streamed report), written one after the other.
 */
export function writeFileReplacing(dest: string, data: string | Buffer | Iterable<string>, opts: WriteOptions = {}): void {
  const label = opts.label ?? dest;
  // Pieces (a streamed report) are written as they come, never joined.
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fail = (problem: string, hint: string) => new DistdiffError('usage', label, problem, hint);
  const st = lstatOrUndefined(dest);
  if (st?.isSymbolicLink() && opts.links === 'refuse') {
    throw fail('is a symbolic link; distdiff does not write through links', 'remove the link or give the path of a regular file');
  }
  if (st?.isDirectory()) throw fail('is a directory', 'give a file name');
  if (st && (st.isCharacterDevice() || st.isFIFO())) {
    let fd: number;
    try {
      fd = openSync(dest, constants.O_WRONLY | constants.O_NOFOLLOW);
    } catch (e) {
      throw fail(`cannot open for writing: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'check the path and permissions');
    }
    try {
      writeAll(fd, bytes);
    } finally {
      closeSync(fd);
    }
    return;
  }
  const tmp = join(dirname(dest), `.${basename(dest).slice(0, 100)}.tmp-${randomBytes(6).toString('hex')}`);
  let fd: number;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, opts.mode ?? 0o644);
  } catch (e) {
    throw fail(`cannot create a file in ${dirname(dest)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'check that the directory exists and is writable');
  }
  try {
    try {
      writeAll(fd, bytes);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, dest);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw fail(`cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'check the path, free space and permissions');
  }
}

const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
const gids = typeof process.getgroups === 'function' ? new Set([process.getgid!(), ...process.getgroups()]) : undefined;

/**
 * Why a directory (or file) of the cache is not trusted, or undefined when it is: owned by someone else,
 * writable by others, group-writable for a group the user is not in … (`st` from lstat).
 */
export function distrust(st: Stats): string | undefined {
  if (uid === undefined) return undefined; // no ownership on this platform
  if (st.uid !== uid) return `owned by uid ${st.uid}, not by the current user (uid ${uid})`;
  if (st.mode & 0o002) return 'writable by other users';
  // Group-writable only for one of the user's own groups (user private groups under umask 002).
  if (st.mode & 0o020 && gids && !gids.has(st.gid)) return `writable by group ${st.gid}, which the current user is not in`;
  return undefined;
}

/**
 * Make sure `dir` (a directory distdiff keeps in its cache) exists, is a real directory — not a symbolic
 * link — and is trusted (see distrust). Created with mode 0755 when missing. `root` marks the cache
 * directory itself, which the user chose and may be a symbolic link (its target is checked).
 */
export function trustedDir(dir: string, opts: { root?: boolean; create?: boolean } = {}): void {
  const hint = `remove ${dir} (distdiff recreates it) or choose another --cache-dir`;
  let st = lstatOrUndefined(dir);
  if (!st && opts.create !== false) {
    try {
      mkdirSync(dir, { recursive: opts.root === true, mode: 0o755 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new DistdiffError('config', dir, `cannot create the cache directory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'check the path and permissions');
      }
    }
    st = lstatOrUndefined(dir);
  }
  if (!st) throw new DistdiffError('config', dir, 'cache directory missing', hint);
  if (st.isSymbolicLink()) {
    if (!opts.root) throw new DistdiffError('config', dir, 'is a symbolic link distdiff did not create; refusing to follow it', hint);
    const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      st = fstatSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  if (!st.isDirectory()) throw new DistdiffError('config', dir, 'is not a directory', hint);
  const why = distrust(st);
  if (why) throw new DistdiffError('config', dir, `untrusted cache directory: ${why}`, hint);
}
