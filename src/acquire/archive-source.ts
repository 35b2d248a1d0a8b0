/**
 * Acquire the release archive: a local path (stat only; the scanner reads and hashes it while
 * streaming) or an http(s) URL (downloaded into `<cacheDir>/downloads/`, see download.ts).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DistdiffError } from '../core/errors.js';
import type { Limits } from '../core/limits.js';
import { checkPlainHttp, download, normaliseSha256, type DownloadProgress } from './download.js';

export type { DownloadProgress } from './download.js';

export interface AcquiredArchive {
  /** What the user passed (path or URL). */
  source: string;
  /** Absolute local path of the archive file or directory. For downloads: `<cacheDir>/downloads/<16 hex>-<basename>`. */
  path: string;
  isDirectory: boolean;
  downloaded: boolean;
  /** sha256 of the bytes, when known at acquisition (downloads); for local files the scanner computes it while streaming. */
  sha256?: string;
  /** Bytes (0 for a directory). */
  size: number;
  /** Downloads: the URL the bytes came from after redirects. */
  finalUrl?: string;
  /** Downloads: reused from the cache without network access (only when pinned by expectedSha256). */
  fromCache?: boolean;
}

export interface AcquireOptions {
  cacheDir: string;
  limits: Limits;
  allowHttp?: boolean;
  /**
   * Pin. Downloads: verified here (mismatch → 'checksum' error, file removed) and enables cache reuse.
   * Local files: NOT checked here (the file is not read); the caller compares it with the scanner's sha256.
   */
  expectedSha256?: string;
  progress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Extra trusted CA certificate(s) (PEM) for https downloads. */
  ca?: string | Buffer | Array<string | Buffer>;
}

/** True for `scheme://…` inputs (any scheme of 2+ characters, so `C://` style drive paths stay paths). */
export function isUrl(input: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]+:\/\//.test(input);
}

/** The basename of the URL path, made safe as a file name ('download' when there is none). */
export function urlBasename(url: string): string {
  let seg = '';
  try {
    seg = new URL(url).pathname.split('/').filter(Boolean).pop() ?? '';
  } catch {
    seg = '';
  }
  let name = seg;
  try {
    name = decodeURIComponent(seg);
  } catch {
    name = seg;
  }
  name = name
    .replace(/[^A-Za-z0-9._+-]/g, '_')
    .replace(/^\.+/, '')
    .slice(-200);
  return name === '' ? 'download' : name;
}

/** Cache file name of a URL: `<first 16 hex of sha256(url without fragment)>-<sanitised basename>`. */
export function downloadFileName(url: string): string {
  const u = new URL(url);
  u.hash = '';
  const prefix = createHash('sha256').update(u.href).digest('hex').slice(0, 16);
  return `${prefix}-${urlBasename(u.href)}`;
}

/** Strips the cache prefix of a downloaded file name (for version inference). */
export function originalBasename(fileName: string): string {
  return fileName.replace(/^[0-9a-f]{16}-/, '');
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(path), h);
  return h.digest('hex');
}

/**
 * Local path → stat only. URL → download (or, when pinned and already cached with that sha256, reuse).
 * Without a pin a URL is always downloaded again: the cache cannot know whether the server's file
 * changed, and verifying what is served now is the point.
 */
export async function acquireArchive(input: string, opts: AcquireOptions): Promise<AcquiredArchive> {
  const pin = opts.expectedSha256 !== undefined ? normaliseSha256(opts.expectedSha256, input) : undefined;
  if (isUrl(input)) return acquireUrl(input, pin, opts);
  return acquireLocal(input);
}

async function acquireLocal(input: string): Promise<AcquiredArchive> {
  const path = resolve(input);
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') {
      throw new DistdiffError('not-found', input, 'permission denied', 'check the file permissions');
    }
    if (code === 'ELOOP') throw new DistdiffError('not-found', input, 'too many levels of symbolic links', 'check the path');
    throw new DistdiffError('not-found', input, 'no such file', 'check the path');
  }
  if (!st.isFile() && !st.isDirectory()) {
    throw new DistdiffError('not-found', input, 'not a regular file or directory', 'pass a release archive or an unpacked directory');
  }
  return { source: input, path, isDirectory: st.isDirectory(), downloaded: false, size: st.isFile() ? st.size : 0 };
}

/** Temp files of downloads interrupted by a killed process; removed after a day (best effort). */
export const STALE_PARTIAL_MS = 24 * 60 * 60 * 1000;

/** Deletes `.part-*` files in `dir` older than STALE_PARTIAL_MS; never throws. */
export async function removeStalePartials(dir: string, now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith('.part-')) continue;
    const p = join(dir, name);
    const st = await stat(p).catch(() => undefined);
    if (st?.isFile() && now - st.mtimeMs > STALE_PARTIAL_MS) {
      await unlink(p).then(
        () => removed.push(name),
        () => undefined,
      );
    }
  }
  return removed;
}

async function acquireUrl(input: string, pin: string | undefined, opts: AcquireOptions): Promise<AcquiredArchive> {
  checkPlainHttp(input, opts.allowHttp);
  const path = resolve(join(opts.cacheDir, 'downloads', downloadFileName(input)));
  if (pin !== undefined) {
    const cached = await stat(path).catch(() => undefined);
    if (cached?.isFile() && cached.size <= opts.limits.maxDownload) {
      const sha256 = await sha256File(path).catch(() => undefined);
      if (sha256 === pin) {
        return { source: input, path, isDirectory: false, downloaded: true, sha256, size: cached.size, fromCache: true };
      }
    }
  }
  await removeStalePartials(dirname(path));
  const r = await download(input, path, {
    limits: opts.limits,
    allowHttp: opts.allowHttp,
    expectedSha256: pin,
    progress: opts.progress,
    signal: opts.signal,
    ca: opts.ca,
  });
  return { source: input, path, isDirectory: false, downloaded: true, sha256: r.sha256, size: r.size, finalUrl: r.finalUrl, fromCache: false };
}
