/**
 * Pure helpers for m4 macro files and autotools auxiliary scripts: serial parsing as aclocal does it,
 * the comment/whitespace normalisation behind "normalised" upstream matches, version stamps of aux
 * scripts, and compact per-line hashes used to find the nearest known version of a file.
 *
 * scripts/build-upstream-db.mjs imports the compiled copy of this module (dist/classify/m4.js), so the
 * database and the classifier hash content with the very same functions. Changing what any function
 * here computes requires bumping NORMALISATION_VERSION and rebuilding data/upstream-db.json.gz.
 *
 * Content is decoded as latin1 everywhere: one character per byte, no decoding errors, and any
 * non-ASCII byte survives unchanged into the hashes.
 */
import { createHash } from 'node:crypto';

/** Version of the normalisation and line-hash definitions; recorded in the database header. */
export const NORMALISATION_VERSION = 1;

export interface Serial {
  /** The serial as written, e.g. "5" or "3.1". */
  text: string;
  /** Numeric components, compared left to right (aclocal's list comparison). */
  parts: number[];
  /** 'aclocal': a `# serial N` line (what aclocal reads); 'header': the informational `# name.m4 serial N` form. */
  form: 'aclocal' | 'header';
}

/** aclocal.in: `$serial_line_rx = '^#\s*serial\s+(\S*)'`, `$serial_number_rx = '^\d+(?:\.\d+)*$'`. */
const ACLOCAL_SERIAL = /^#[ \t\f\v]*serial[ \t\f\v]+(\S*)/;
const SERIAL_NUMBER = /^\d+(?:\.\d+)*$/;
/** The old gnulib/gettext header form: `# build-to-host.m4 serial 3`, `# gettext.m4 serial 72 (gettext-0.21.1)`. */
const HEADER_SERIAL = /^#[ \t]*[\w.+~-]+\.m4[ \t]+serial[ \t]+(\d+(?:\.\d+)*)(?![\w.])/;
/** Header-form serials are only looked for this early in the file. */
const HEADER_SERIAL_LINES = 20;

function toText(content: Buffer | string): string {
  return typeof content === 'string' ? content : content.toString('latin1');
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * The serial of an m4 file. Like aclocal, every `^#\s*serial\s+N` line counts and the greatest wins
 * (aclocal keeps the greatest serial seen for a base name); ill-formed numbers are ignored. When no
 * such line exists, the first `# <name>.m4 serial N` header line within the first 20 lines is used.
 * Returns undefined when the file declares no serial.
 */
export function parseSerial(content: Buffer | string): Serial | undefined {
  const lines = splitLines(toText(content));
  let best: Serial | undefined;
  for (const raw of lines) {
    const line = raw.replace(/\r$/, '');
    const m = ACLOCAL_SERIAL.exec(line);
    if (!m) continue;
    const text = m[1]!;
    if (!SERIAL_NUMBER.test(text)) continue;
    const s: Serial = { text, parts: text.split('.').map(Number), form: 'aclocal' };
    if (!best || compareSerial(s.parts, best.parts) > 0) best = s;
  }
  if (best) return best;
  for (let i = 0; i < Math.min(lines.length, HEADER_SERIAL_LINES); i++) {
    const m = HEADER_SERIAL.exec(lines[i]!.replace(/\r$/, ''));
    if (m) return { text: m[1]!, parts: m[1]!.split('.').map(Number), form: 'header' };
  }
  return undefined;
}

/** aclocal's list_compare: component-wise, a missing component counts as smaller ("3" < "3.1"). */
export function compareSerial(a: readonly number[], b: readonly number[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Parses a serial text such as "5" or "3.1" into parts; undefined when ill-formed. */
export function serialParts(text: string): number[] | undefined {
  return SERIAL_NUMBER.test(text) ? text.split('.').map(Number) : undefined;
}

/**
 * Whether m4 reads the file, so that a `dnl` line is a comment there: an m4 macro file (`*.m4`, aclocal.m4),
 * configure.ac/configure.in, an autotest (`*.at`) or m4sh (`*.m4sh`, `*.as`) source. Anywhere else — a shell
 * script (config.guess, ltmain.sh, install-sh), a makefile, C — a `dnl` line is code: `dnl || curl … | sh` runs the
 * download once `dnl` is not found (red team 27).
 */
export function readByM4(path: string): boolean {
  return /(?:^|\/)(?:[^/]*\.(?:m4|ac|at|as|m4sh)|configure\.in)$/i.test(path);
}

/**
 * The normalised form of an m4 file or shell script:
 *  1. decode as latin1, split on LF, drop a trailing CR from each line;
 *  2. trim leading and trailing whitespace (space, tab, FF, VT) and collapse inner runs of it to one space;
 *  3. drop empty lines, lines starting with `#`, and lines that are `dnl` alone or `dnl` + whitespace + text;
 *  4. join the remaining lines with LF.
 * Only whole-line comments are removed: a `#` or `dnl` after code may be inside quotes and is kept.
 */
export function normalise(content: Buffer | string): string {
  const out: string[] = [];
  for (const raw of splitLines(toText(content))) {
    const line = raw
      .replace(/\r$/, '')
      .replace(/^[ \t\f\v]+|[ \t\f\v]+$/g, '')
      .replace(/[ \t\f\v]+/g, ' ');
    if (line === '' || line.startsWith('#') || line === 'dnl' || line.startsWith('dnl ')) continue;
    out.push(line);
  }
  return out.join('\n');
}

/**
 * The form aclocal copies a macro file in when it writes aclocal.m4: every line starting with `##` dropped
 * (automake's aclocal reads macro files with `next if /^##/`). A third-party copy inside a shipped
 * aclocal.m4 is this form of the file the maintainer had installed, so the upstream database records the
 * blob id and line hashes of this form too (scripts/build-upstream-db.mjs) for the files where it differs.
 */
export function aclocalForm(text: string): string {
  return text.replace(/^##.*\n/gm, '');
}

/** SHA-256 of the normalised form (latin1 bytes), first 32 hex digits. */
export function normalisedHash(content: Buffer | string): string {
  return createHash('sha256').update(Buffer.from(normalise(content), 'latin1')).digest('hex').slice(0, 32);
}

/** Version stamps of autotools aux scripts: `timestamp='2023-01-01'` (config.guess/sub), `scriptversion=2018-03-07.03`. */
export interface ScriptStamp {
  kind: 'timestamp' | 'scriptversion';
  value: string;
}

export function scriptStamp(content: Buffer | string): ScriptStamp | undefined {
  const text = toText(content).slice(0, 16384);
  const ts = /^timestamp=['"]?([^'"\s]+)['"]?/m.exec(text);
  if (ts) return { kind: 'timestamp', value: ts[1]! };
  const sv = /^scriptversion=['"]?([^'"\s;]+)['"]?/m.exec(text);
  if (sv) return { kind: 'scriptversion', value: sv[1]! };
  return undefined;
}

/** A libtool version string carried by ltmain.sh, ltversion.m4 or libtool.m4. */
export interface LibtoolVersion {
  version: string;
  kind: 'release' | 'snapshot' | 'distribution';
}

/**
 * Finds the libtool version a generated libtool file carries: `VERSION="2.4.7 Debian-2.4.7-5"` or
 * `package_revision=` in ltmain.sh, `macro_version='2.4.7.4-1ec8f-dirty'` in ltversion.m4.
 * Snapshot: more than three numeric components or a `-<hex>` / `-dirty` git suffix.
 * Distribution: a second word naming a distribution build (Debian-…, Ubuntu…, a `-N` package revision).
 */
export function libtoolVersion(content: Buffer | string): LibtoolVersion | undefined {
  const text = toText(content);
  const m =
    /^[ \t]*VERSION=["']?([^"'\n]+?)["']?[ \t]*$/m.exec(text) ??
    /^\[?macro_version=['"]([^'"\n]+)['"]/m.exec(text) ??
    /m4_define\(\[LT_PACKAGE_VERSION\], \[([^\]\n]+)\]\)/.exec(text);
  if (!m) return undefined;
  const version = m[1]!.trim();
  if (!/^\d+(\.\d+)+/.test(version)) return undefined;
  const [base = '', ...rest] = version.split(/\s+/);
  const numeric = base.split('-')[0]!;
  if (/-[0-9a-f]{4,}(-dirty)?$|-dirty$/.test(base) || numeric.split('.').length > 3) return { version, kind: 'snapshot' };
  if (rest.length > 0 || /-\d+$/.test(base) || /debian|ubuntu|fedora|redhat|suse|gentoo|alpine/i.test(version))
    return { version, kind: 'distribution' };
  return { version, kind: 'release' };
}
