/**
 * Entry point of the tarball side: sniff what the input is (directory, zip, tar with its compression)
 * and dispatch to its driver (directory.ts, zip.ts, tar-scan.ts), which scans it once and returns every
 * entry with its git blob id, the archive anomalies, and retained content (see entries.ts).
 */
import { open, stat } from 'node:fs/promises';
import { DistdiffError } from '../core/errors.js';
import { scanDirectory } from './directory.js';
import { settleRetain, type ScanOptions, type ScanResult } from './entries.js';
import { detectFormat, SNIFF_BYTES } from './format.js';
import { scanTar } from './tar-scan.js';
import { scanZip } from './zip.js';

export type { RetainFn, ScanOptions, ScanResult } from './entries.js';

export async function scanArchive(path: string, opts: ScanOptions): Promise<ScanResult> {
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DistdiffError(code === 'ENOENT' ? 'not-found' : 'archive', path, code === 'ENOENT' ? 'no such file or directory' : `cannot read: ${(e as Error).message}`, 'check the path');
  }
  if (st.isDirectory()) return scanDirectory(path, await settleRetain(opts));
  if (!st.isFile()) throw new DistdiffError('archive', path, 'not a regular file or directory', 'pass an archive file or an unpacked source directory');
  if (st.size === 0) throw new DistdiffError('archive', path, 'the file is empty (0 bytes)', 'the download may have failed; fetch it again');
  const head = Buffer.alloc(Math.min(SNIFF_BYTES, st.size));
  const fh = await open(path, 'r');
  try {
    await fh.read(head, 0, head.length, 0);
  } finally {
    await fh.close();
  }
  const fmt = detectFormat(head);
  if (fmt.kind === 'zip') return scanZip(path, st.size, await settleRetain(opts));
  if (fmt.kind === 'tar') return scanTar(path, fmt.compression, st.size, opts);
  throw new DistdiffError(
    'archive',
    path,
    fmt.what ? `unsupported archive format: ${fmt.what}` : 'unknown archive format (not tar, gzip, xz, bzip2, zstd or zip)',
    'distdiff reads tar archives (plain, .gz, .xz, .bz2, .zst), zip files and unpacked directories',
  );
}
