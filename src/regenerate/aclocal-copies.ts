/**
 * Third-party macro files copied into a shipped aclocal.m4.
 *
 * aclocal writes m4_include([m4/x.m4]) for the project's own macro directories, but *copies* the content
 * of every macro file it took from outside the project — the maintainer's system directory
 * (/usr/share/aclocal: pkg.m4, autoconf-archive's ax_*.m4, gpgme.m4, libtool.m4 …) — into aclocal.m4,
 * before automake's own macros: preamble, system copies, automake's files, m4_include lines (each copy is
 * the file's content followed by one newline; a directory given as `-I /absolute/path` puts its copies
 * after automake's files). Those files are not in the tag and not in the tarball;
 * the shipped aclocal.m4 is their only record. To regenerate aclocal.m4 (and the configure that expands
 * it) independently of what this machine has installed, the regeneration gives aclocal a system
 * directory that holds exactly the copies before automake's files (and nothing else), and an `-I`
 * directory by absolute path, last, for those after them, and the block becomes an input of its own:
 * split into the files it is made of, each looked up in the upstream database (src/classify/upstream-db)
 * and scanned for suspicious constructs, so an altered copy is named like an altered m4/ file.
 *
 * Pure functions over text.
 */
import { aclocalCopyVersions } from '../classify/aclocal-copy.js';
import { aclocalForm } from '../classify/m4.js';
import { findConstructs } from '../classify/suspicious.js';
import type { UpstreamDb } from '../classify/upstream-db.js';
import type { AclocalCopy } from './types.js';

/** One file copied into aclocal.m4. */

/** automake's preamble ends with the AC_AUTOCONF_VERSION warning, then a blank line (1.14 … 1.18). */
const PREAMBLE_END = /typically [`']autoreconf'\.\]\)\]\)\n\n/;

/** aclocal drops '##' lines of every macro file it reads (`next if /^##/`). */
export function aclocalContent(fileText: string): string {
  return aclocalForm(fileText);
}

/** The copies of a shipped aclocal.m4, by where aclocal found them (see `copiedBlocks`). */
export interface CopiedBlocks {
  /** Copies before automake's first own file: its system directory (/usr/share/aclocal, ACLOCAL_PATH). */
  system: string;
  /** Copies after automake's first own file: an include directory named by an absolute path. */
  user: string;
}

/**
 * The copies: what lies between automake's preamble and the first m4_include line (or the end) that is none
 * of automake's own macro files. aclocal writes the files it read in the reverse of the order it scanned
 * them: its system directory last, so first (preamble, system copies, automake's files); the `-I`
 * directories first, so last — those with a relative path as m4_include lines, one named by an absolute
 * path (X.org's build environment runs `aclocal -I $PREFIX/share/aclocal`: libXrender 0.9.12's pkg.m4 and
 * xorg-macros.m4) copied, after automake's files. Each of automake's files is cut out where its whole
 * aclocal form (with the newline aclocal writes after it) stands: `system` is what precedes the first,
 * `user` the rest, in order. `automakeMacros` are the texts of the automake toolchain's aclocal-X.Y/*.m4;
 * `macroStart`, for a stand-in automake, where the stamped release's own first macro file begins (the
 * copies end there). Undefined when aclocal.m4 does not have the expected shape.
 */
export function copiedBlocks(
  aclocal: string,
  automakeMacros: readonly string[],
  macroStart?: (from: number) => number | undefined,
  stampedFiles?: (from: number, to: number) => ReadonlyArray<readonly [number, number]>,
): CopiedBlocks | undefined {
  const m = PREAMBLE_END.exec(aclocal);
  if (!m) return undefined;
  const start = m.index + m[0].length;
  let end = aclocal.slice(start).search(/^m4_include\(/m);
  end = end < 0 ? aclocal.length : start + end;
  const own: Array<[number, number]> = [];
  // A stand-in automake: the shipped file holds the stamped release's macro files, found by their hashes. When
  // `stampedFiles` finds them one after another (nothing between them that is not one of them) they are
  // automake's files, and the copies after them the `-I` directory's, as below; otherwise the copies end where
  // the first one begins (`macroStart`).
  const stampedRanges = stampedFiles?.(start, end) ?? [];
  const contiguous = stampedRanges.length > 0 && stampedRanges.every(([i], k) => k === 0 || i === stampedRanges[k - 1]![1]);
  if (contiguous) for (const [i, j] of stampedRanges) own.push([i, Math.min(end, j)]);
  else {
    const stamped = macroStart?.(start);
    if (stamped !== undefined && stamped < end) end = stamped;
  }
  for (const text of automakeMacros) {
    const c = aclocalContent(text);
    if (!c) continue;
    const i = aclocal.indexOf(`${c}\n`, start);
    if (i >= 0 && i < end) own.push([i, Math.min(end, i + c.length + 1)]);
  }
  if (!own.length) return { system: aclocal.slice(start, end), user: '' };
  own.sort((a, b) => a[0] - b[0]);
  let user = '';
  let at = own[0]![0];
  for (const [i, j] of own) {
    if (i < at) continue;
    user += aclocal.slice(at, i);
    at = j;
  }
  return { system: aclocal.slice(start, own[0]![0]), user: user + aclocal.slice(at, end) };
}

/** Every copy, in order (`copiedBlocks`' system then user copies); '' when there is none. */
export function copiedBlock(
  aclocal: string,
  automakeMacros: readonly string[],
  macroStart?: (from: number) => number | undefined,
  stampedFiles?: (from: number, to: number) => ReadonlyArray<readonly [number, number]>,
): string | undefined {
  const b = copiedBlocks(aclocal, automakeMacros, macroStart, stampedFiles);
  return b && b.system + b.user;
}

/** A name for a copy from its leading comment lines (`# pkg.m4 - …`, autoconf-archive's URL), or undefined. */
function nameFromHeader(text: string): string | undefined {
  const lines: string[] = [];
  for (const l of text.split('\n', 40)) {
    if (!/^(?:#|dnl\b)/.test(l)) break;
    lines.push(l);
  }
  const head = lines.join('\n');
  const archive = /autoconf-archive\/([\w+-]+)\.html/.exec(head);
  if (archive) return `${archive[1]}.m4`;
  return /(?:^|[\s#])([\w+~-]+\.m4)\b/m.exec(head)?.[1];
}

/** Whether a line can start a copied file (a comment or dnl header, or a macro definition). */
const FILE_START = /^(?:#|dnl\b|AC_DEFUN|m4_define|AU_DEFUN)/;

/**
 * Split the block into the files it was made of. Each copy is "content\n", content itself ending in a
 * newline, so copies end at blank lines: from each start, the shortest prefix ending before a blank line
 * whose git blob id is a version in the upstream database is one copy. When no prefix from a start
 * matches, the start moves to the next blank-line boundary that looks like a file header, and the part
 * skipped belongs to one unknown copy (a new one where a header names another file).
 */
export function splitCopies(block: string, db: UpstreamDb | undefined): AclocalCopy[] {
  const out: AclocalCopy[] = [];
  const lineAt = (() => {
    const starts = [0];
    for (let i = 0; i < block.length; i++) if (block[i] === '\n') starts.push(i + 1);
    return (off: number) => {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= off) lo = mid;
        else hi = mid - 1;
      }
      return lo + 1;
    };
  })();
  // Boundaries: offsets just after a blank line's newline ("\n\n" ends a copy).
  const ends: number[] = [];
  for (let i = block.indexOf('\n\n'); i >= 0; i = block.indexOf('\n\n', i + 1)) ends.push(i + 2);
  if (!ends.includes(block.length) && block.endsWith('\n')) ends.push(block.length);
  const matchAt = (start: number): { end: number; version: ReturnType<UpstreamDb['byBlob']>[number] } | undefined => {
    if (!db) return undefined;
    for (const e of ends) {
      if (e <= start + 1) continue;
      const content = block.slice(start, e - 1);
      const hits = aclocalCopyVersions(db, content);
      if (hits.length) return { end: e, version: hits[0]! };
    }
    return undefined;
  };
  let unknownFrom: number | undefined;
  let unnamed = 0;
  const closeUnknown = (to: number) => {
    if (unknownFrom === undefined || to <= unknownFrom) return;
    // The copy's content, without the newline aclocal wrote after it.
    const text = block.slice(unknownFrom, block[to - 1] === '\n' ? to - 1 : to);
    const name = nameFromHeader(text) ?? `unnamed-${++unnamed}.m4`;
    const constructs = findConstructs(text, name);
    out.push({ name, line: lineAt(unknownFrom), bytes: Buffer.byteLength(text, 'latin1'), content: text, nameKnown: db?.has(name) ?? false, ...(constructs.length ? { constructs } : {}) });
    unknownFrom = undefined;
  };
  let pos = 0;
  while (pos < block.length) {
    const hit = matchAt(pos);
    if (hit) {
      closeUnknown(pos);
      const text = block.slice(pos, hit.end - 1);
      const v = hit.version;
      out.push({ name: v.name, line: lineAt(pos), bytes: Buffer.byteLength(text, 'latin1'), content: text, upstream: { project: v.project, ...(v.tag ? { tag: v.tag } : {}), ...(v.commit ? { commit: v.commit } : {}) } });
      pos = hit.end;
      continue;
    }
    // A header naming another file starts another unknown copy; other boundaries stay inside this one.
    if (unknownFrom !== undefined && pos > unknownFrom) {
      const name = nameFromHeader(block.slice(pos, pos + 1024));
      if (name && name !== nameFromHeader(block.slice(unknownFrom, unknownFrom + 1024))) closeUnknown(pos);
    }
    unknownFrom ??= pos;
    const next = ends.find((e) => e > pos && e < block.length && FILE_START.test(block.slice(e, e + 16)));
    pos = next ?? block.length;
  }
  closeUnknown(block.length);
  return out;
}
