/**
 * Checksum files (`--checksums FILE|URL`) and the small side inputs of authenticity checks (signature
 * and checksum files), read from a path or downloaded with download.ts.
 *
 * Accepted line forms (sha256 only; other digests are recognised and skipped):
 *   <64 hex>  <name>          GNU sha256sum, text mode
 *   <64 hex> *<name>          GNU sha256sum, binary mode
 *   \<64 hex>  <escaped name> GNU escaping for names with '\' or newline
 *   SHA256 (<name>) = <hex>   BSD / `sha256sum --tag`
 * Blank lines and `#` comments are ignored; a file with no usable line is an error.
 */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DistdiffError } from '../core/errors.js';
import type { Limits } from '../core/limits.js';
import { downloadFileName, isUrl } from './archive-source.js';
import { download } from './download.js';

export interface ChecksumEntry {
  name: string;
  sha256: string;
  /** 1-based line number in the file. */
  line: number;
}

/** Largest signature or checksum file accepted. */
export const MAX_SIDE_FILE = 16 * 1024 * 1024;

const GNU = /^(\\?)([0-9a-fA-F]+) ([ *])(.+)$/;
const BSD = /^(\\?)([A-Za-z0-9-]+) ?\((.+)\) ?= ?([0-9a-fA-F]+)$/;

function unescapeGnu(name: string): string {
  return name.replace(/\\(\\|n|r)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : '\\'));
}

/** Parses a SHA256SUMS-style file. Entries of other digest lengths/algorithms are skipped. */
export function parseChecksums(text: string, input: string): ChecksumEntry[] {
  const entries: ChecksumEntry[] = [];
  let recognised = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) continue;
    const bsd = BSD.exec(line);
    if (bsd) {
      recognised += 1;
      if (bsd[2]!.toUpperCase().replace('-', '') !== 'SHA256' || bsd[4]!.length !== 64) continue;
      entries.push({ name: bsd[1] ? unescapeGnu(bsd[3]!) : bsd[3]!, sha256: bsd[4]!.toLowerCase(), line: i + 1 });
      continue;
    }
    const gnu = GNU.exec(line);
    if (gnu) {
      recognised += 1;
      if (gnu[2]!.length !== 64) continue;
      entries.push({ name: gnu[1] ? unescapeGnu(gnu[4]!) : gnu[4]!, sha256: gnu[2]!.toLowerCase(), line: i + 1 });
    }
  }
  if (entries.length === 0) {
    throw new DistdiffError(
      'checksum',
      input,
      recognised > 0 ? 'the checksums file has no sha256 entries' : 'not a checksums file (no "<sha256>  <name>" or "SHA256 (name) = <hex>" lines)',
      'pass the SHA256SUMS file published with the release',
    );
  }
  return entries;
}

const lastSegment = (name: string) => name.replace(/^\.\//, '').split('/').pop() ?? name;

/**
 * The entry for the archive: an exact name match first (ignoring a leading `./`), then a match on
 * the entry's last path segment. Several different digests for one name, or none, is an error.
 */
export function pickChecksum(entries: ChecksumEntry[], names: string[], input: string): ChecksumEntry {
  const wanted = names.filter(Boolean);
  for (const match of [(e: ChecksumEntry, n: string) => e.name.replace(/^\.\//, '') === n, (e: ChecksumEntry, n: string) => lastSegment(e.name) === n]) {
    for (const n of wanted) {
      const hits = entries.filter((e) => match(e, n));
      if (hits.length === 0) continue;
      const digests = new Set(hits.map((h) => h.sha256));
      if (digests.size > 1) {
        throw new DistdiffError('checksum', input, `${hits.length} different sha256 entries for ${n} (lines ${hits.map((h) => h.line).join(', ')})`, 'the checksums file is ambiguous; pin one with --sha256');
      }
      return hits[0]!;
    }
  }
  throw new DistdiffError('checksum', input, `no sha256 entry for ${wanted[0] ?? '(no name)'}`, `the file lists ${entries.length} other name(s); check that it belongs to this release`);
}

/** The archive's file name as the publisher would list it: the URL's last path segment (decoded) or the path's basename. */
export function archiveName(input: string): string {
  if (isUrl(input)) {
    try {
      const seg = new URL(input).pathname.split('/').filter(Boolean).pop() ?? '';
      return decodeURIComponent(seg);
    } catch {
      return '';
    }
  }
  return input.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? input;
}

export interface SideInputOptions {
  cacheDir: string;
  limits: Pick<Limits, 'maxDownload' | 'timeoutMs'>;
  allowHttp?: boolean;
  ca?: string | Buffer | Array<string | Buffer>;
  /** What the file is, for messages ('signature', 'checksums file'). */
  what: string;
}

/**
 * Reads a small side file (signature, checksums) from a path, or downloads it (always afresh; into
 * `<cacheDir>/downloads/`). Larger than MAX_SIDE_FILE → 'limit' error.
 */
export async function readSideInput(input: string, opts: SideInputOptions): Promise<Buffer> {
  const max = Math.min(MAX_SIDE_FILE, opts.limits.maxDownload);
  if (isUrl(input)) {
    const dest = resolve(join(opts.cacheDir, 'downloads', downloadFileName(input)));
    await download(input, dest, { limits: { maxDownload: max, timeoutMs: opts.limits.timeoutMs }, allowHttp: opts.allowHttp, ca: opts.ca });
    return readFile(dest);
  }
  let size: number;
  try {
    const st = await stat(input);
    if (!st.isFile()) throw new DistdiffError('not-found', input, `the ${opts.what} is not a regular file`, `pass the ${opts.what} path or URL`);
    size = st.size;
  } catch (e) {
    if (e instanceof DistdiffError) throw e;
    throw new DistdiffError('not-found', input, `no such ${opts.what}`, 'check the path');
  }
  if (size > max) throw new DistdiffError('limit', input, `the ${opts.what} is ${size} bytes, more than ${max}`, `a ${opts.what} is small; check the file`);
  return readFile(input);
}
