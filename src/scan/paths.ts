/**
 * Archive entry name normalisation. Pure functions, no I/O.
 *
 * normaliseEntryName: strips leading './' and '/', collapses '//' and '/./', drops a trailing '/',
 * keeps '..' components visible (and reports them), escapes bytes that are not UTF-8 as \xNN.
 */
import { isUtf8 } from 'node:buffer';
import type { AnomalyEvidence } from '../core/types.js';

/** What a name alone tells: an anomaly code and its evidence (the collector adds the path and position). */
export type PathIssue = { [C in 'NON_UTF8_NAME' | 'BACKSLASH_PATH' | 'UNSAFE_PATH']: { code: C; evidence: AnomalyEvidence[C] } }['NON_UTF8_NAME' | 'BACKSLASH_PATH' | 'UNSAFE_PATH'];

export interface NormalisedName {
  /** '/'-separated, relative, no './' components, no trailing '/'. '' for the archive root itself. */
  path: string;
  /** The stored name (\xNN-escaped when not UTF-8), set only when normalisation reported an issue. */
  rawPath?: string;
  issues: PathIssue[];
}

/** Length of a valid UTF-8 sequence starting at i, or 0 when the bytes there are not valid UTF-8. */
function utf8SeqLen(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  let n: number;
  let min: number;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
    min = 0x80;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    min = 0x800;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    min = 0x10000;
  } else return 0;
  if (i + n > b.length) return 0;
  let cp = c & (0xff >> (n + 1));
  for (let k = 1; k < n; k++) {
    const d = b[i + k]!;
    if ((d & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (d & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

/** Whether the bytes are valid UTF-8. */
export function isValidUtf8(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; ) {
    if (b[i]! < 0x80) {
      i++;
      continue;
    }
    const n = utf8SeqLen(b, i);
    if (n === 0) return false;
    i += n;
  }
  return true;
}

/** Decode bytes as UTF-8, writing each byte that is not part of a valid sequence as \xNN (lower-case hex). */
export function decodeNameBytes(b: Uint8Array): { text: string; valid: boolean } {
  if (isUtf8(b)) return { text: Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf8'), valid: true };
  let out = '';
  let start = 0;
  let i = 0;
  const flush = (end: number) => {
    if (end > start) out += Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('utf8');
  };
  while (i < b.length) {
    const n = utf8SeqLen(b, i);
    if (n === 0) {
      flush(i);
      out += `\\x${b[i]!.toString(16).padStart(2, '0')}`;
      i++;
      start = i;
    } else i += n;
  }
  flush(i);
  return { text: out, valid: false };
}

/**
 * The normalised path when `text` is already normal but for one trailing '/' (a directory entry): no
 * empty, '.' or '..' component. undefined when it needs the full treatment (components()). Nearly every
 * name in a real archive is such a name: this spares a split, an array and a join per entry.
 */
function alreadyNormal(text: string): string | undefined {
  const n = text.length;
  let start = 0;
  for (let i = 0; i <= n; i++) {
    if (i < n && text.charCodeAt(i) !== 0x2f) continue;
    const len = i - start;
    if (len === 0) {
      // an empty component: only a single trailing '/' after a non-empty name is allowed
      if (i === n && start > 0) return text.slice(0, n - 1);
      return undefined;
    }
    if (len <= 2 && text.charCodeAt(start) === 0x2e && (len === 1 || text.charCodeAt(start + 1) === 0x2e)) return undefined;
    start = i + 1;
  }
  return text;
}

/** Whether every byte is ASCII and none is a backslash (such a name reads the same as UTF-8 and as latin1). */
function plainAscii(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c >= 0x80 || c === 0x5c) return false;
  }
  return true;
}

/** An entry with no issue shares this (frozen) array. */
const NO_ISSUES: PathIssue[] = Object.freeze([]) as unknown as PathIssue[];

/** Normalise '/'-separated text: drop empty and '.' components, keep '..'. Returns components. */
function components(text: string): string[] {
  const out: string[] = [];
  for (const c of text.split('/')) if (c !== '' && c !== '.') out.push(c);
  return out;
}

/**
 * Normalise an archive entry name given as raw bytes (tar, zip) or as text (directory walk).
 */
export function normaliseEntryName(raw: Uint8Array | string): NormalisedName {
  let text: string;
  let nonUtf8 = false;
  let hasBackslash: boolean;
  if (typeof raw === 'string') {
    text = raw;
    hasBackslash = raw.includes('\\');
  } else if (plainAscii(raw)) {
    // Nearly every name: one byte loop instead of isUtf8 plus includes (two calls into C++ per entry).
    text = (Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.length)).toString('latin1');
    hasBackslash = false;
  } else {
    if (isUtf8(raw)) text = (Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.length)).toString('utf8');
    else {
      text = decodeNameBytes(raw).text;
      nonUtf8 = true;
    }
    hasBackslash = raw.includes(0x5c);
  }
  if (!nonUtf8 && !hasBackslash) {
    const path = alreadyNormal(text);
    if (path !== undefined) return { path, issues: NO_ISSUES };
  }
  const issues: PathIssue[] = [];
  if (nonUtf8) issues.push({ code: 'NON_UTF8_NAME', evidence: { raw: text } });
  if (hasBackslash) issues.push({ code: 'BACKSLASH_PATH', evidence: { raw: text } });
  const absolute = text.startsWith('/');
  if (absolute) issues.push({ code: 'UNSAFE_PATH', evidence: { raw: text, reason: 'absolute' } });
  const comps = components(text);
  if (comps.includes('..')) issues.push({ code: 'UNSAFE_PATH', evidence: { raw: text, reason: 'dotdot' } });
  const path = comps.join('/');
  const res: NormalisedName = { path, issues };
  // Cosmetic differences ('./', '//', '/./', a trailing '/') do not earn a rawPath: it costs memory per entry.
  if (issues.length > 0) res.rawPath = text;
  return res;
}

/**
 * Whether a link target leaves the tree rooted at `root` ('' for the archive root, or a top-level
 * prefix directory such as 'pkg-1.0').
 *  - symlink: the target is relative to the link's directory; absolute targets always leave.
 *  - hardlink: the target is an archive member name, relative to the archive root.
 */
export function linkEscapesTree(linkPath: string, target: string, link: 'symlink' | 'hardlink', root = ''): boolean {
  if (target.startsWith('/')) return true;
  const rootComps = components(root);
  const stack: string[] =
    link === 'symlink' ? components(linkPath).slice(0, -1) : [];
  for (const c of components(target)) {
    if (c === '..') {
      if (stack.length === 0) return true;
      stack.pop();
    } else stack.push(c);
  }
  if (stack.length < rootComps.length) return true;
  for (let i = 0; i < rootComps.length; i++) if (stack[i] !== rootComps[i]) return true;
  return false;
}

/** The single top-level directory all paths share, or '' when there is none. */
export function commonTopDir(paths: Iterable<string>): string {
  let top: string | undefined;
  let any = false;
  for (const p of paths) {
    if (p === '') continue;
    any = true;
    const slash = p.indexOf('/');
    const first = slash === -1 ? p : p.slice(0, slash);
    if (top === undefined) top = first;
    else if (top !== first) return '';
  }
  return any && top !== undefined ? top : '';
}
