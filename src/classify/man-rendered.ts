/**
 * Preformatted man pages (issue 11 d): `less.man` from `less.nro`, OpenSSH's `ssh.0` from `ssh.1`, a
 * `X.cat`, `X.txt` or `X.doc` rendering (gzip's `gzip.doc`) — nroff/mandoc output shipped next to its tracked troff source. The
 * content check: the rendering is plain text (no troff requests; overstrike and SGR bold/underline are
 * undone), and at least 95 % of its distinct words (three letters or more) occur in the tracked source or
 * are the formatter's page-header words ("General Commands Manual").
 * A word from nowhere — a command, a host — beyond that share leaves the file unexplained, and so do more than two
 * words the source lacks in any twelve in a row (novelRun: a paragraph from nowhere is under 5 % of a large page);
 * `cat -v`'s notation is undone first (uncatV) and the words mdoc macros print themselves are the formatter's (mdocWords).
 * A rendering of fewer than 20 such words (a page cut short: lsof 4.95.0's 111-byte `lsof.man`, only the header line
 * and NAME line that support/GenericSubdir's `nroff -man Lsof.8 | colcrt - | cat -s` left) is checked token by token
 * instead (smallRendering): at least 3 tokens, each only letters, digits and `( ) ' . , -`, and every letter run of
 * it (any length) a word of the source or of the formatter's header. The source: the tracked troff file `STEM.*`
 * beside the rendering, else one whose stem differs only in case (`Lsof.8` for `lsof.man`, beside a tracked `lsof.h`).
 */
import { makeFinding } from '../core/severity.js';
import { baseOf, dirOf } from './paths.js';
import type { Classifier, ClassifyContext } from './types.js';
import { admits } from './precheck.js';
import { docSourceUrls, novelUrls, renderedText } from './urls.js';

const RENDERED = /^(.+)\.(?:man|0|cat|catman|txt|doc)$/;
const MAX_BYTES = 4 * 1024 * 1024;
const MIN_WORDS = 20;
const MIN_SHARE = 0.95;
/** Words the formatter adds: the page header's section title (man-db, mandoc, groff). */
const FORMATTER_WORDS = ['general', 'commands', 'manual', 'user', 'system', 'manager', 'file', 'formats', 'conventions', 'library', 'functions', 'calls', 'miscellaneous', 'information', 'games', 'special', 'files', 'administration', 'bsd', 'reference', 'programmer'];
const TROFF = /^(?:\.\\"|'\\"|\.TH\s|\.Dd\s|\.so\s|\.ig\b|\.de\s)/m;

/** What `col -b` leaves of grotty's SGR escapes (it drops ESC and `[`): `1mNAME0m`, `4mfile24m`, `1mz 22mfor` — an opening code glued before a word, a closing one after it or before the next word. */
const SGR_OPEN = /(?<![A-Za-z0-9])(?:1|4|7)m(?=[A-Za-z])/g;
const SGR_CLOSE = /(?<![0-9])(?:0|22|24|27)m(?![0-9])/g;

/**
 * Formatter output as plain text: SGR escapes and backspace overstrikes removed — also what remains of the
 * escapes once `col -b` has dropped ESC and `[` (gzip 1.12's `groff -man -Tascii | col -b`: `1mNAME0m`), when the
 * page has at least 3 such openings (a rendering, not a text mentioning "1m").
 */
export function plainRendering(s: string): string {
  let out = uncatV(s).replace(/\x1b\[[0-9;]*m/g, '').replace(/.\x08/g, '');
  if ((out.match(SGR_OPEN) ?? []).length >= 3) out = out.replace(SGR_OPEN, '').replace(SGR_CLOSE, '');
  return out;
}

/**
 * `cat -v`'s notation for bytes above 127 undone (OpenSSH's `.0` pages are `nroff -mandoc | cat -v`: `M-bM-^@M-^\\dsaM-bM-^@M-^]`
 * is “dsa”): a run of two or more `M-c` / `M-^c` sequences that reads as UTF-8 becomes those characters; any other
 * run is left as it is.
 */
export function uncatV(s: string): string {
  if (!s.includes('M-')) return s;
  return s.replace(/(?:M-(?:\^[@-_?]|[ -~]))(?:M-(?:\^[@-_?]|[ -~]))+/g, (run) => {
    const bytes: number[] = [];
    for (const m of run.matchAll(/M-(\^[@-_?]|[ -~])/g)) {
      const c = m[1]!;
      bytes.push(c.length === 2 ? (c[1] === '?' ? 0xff : 0x80 | (c.charCodeAt(1) ^ 0x40)) : 0x80 | c.charCodeAt(0));
    }
    const t = Buffer.from(bytes).toString('utf8');
    return t.includes('\ufffd') ? run : t;
  });
}

/**
 * Words mdoc macros print that their page does not spell (mandoc and groff's doc package), for the macros the source
 * uses: `.Ex -std` ("The ssh utility exits 0 on success, and >0 if an error occurs"), `.Rv -std`, `.St` (the standards'
 * names), `.At`, `.Bx`/`.Ox`/`.Nx`/`.Fx`/`.Dx`/`.Bsx`/`.Ux` (the systems' names), `.Lb` ("Standard C Library").
 */
const MDOC_WORDS: [RegExp, string][] = [
  [/^\.Ex\b/m, 'the utility utilities exit exits on success and if an error occurs'],
  [/^\.Rv\b/m, 'the function functions return returns value values if successful otherwise is are returned and global variable errno set to indicate error upon completion'],
  [/^\.St\b/m, 'ieee std iso iec ansi posix open portability guide issue xpg version the single unix specification susv information technology programming language'],
  [/^\.At\b/m, 'version system release unix'],
  [/\.(?:Bx|Ox|Nx|Fx|Dx|Bsx|Ux)\b/, 'bsd openbsd netbsd freebsd dragonfly unix'],
  [/^\.Lb\b/m, 'standard library'],
];

/** The words the mdoc macros `source` uses print themselves (MDOC_WORDS). */
export function mdocWords(source: string): string[] {
  return MDOC_WORDS.filter(([re]) => re.test(source)).flatMap(([, w]) => w.split(' '));
}

/** Words of three letters or more in order, lower-cased (a word broken by hyphenation at a line end is rejoined). */
export function wordList(s: string): string[] {
  const joined = s.replace(/([A-Za-z])[-\u2010\u00ad]\n\s*([a-z])/g, '$1$2');
  return (joined.match(/[A-Za-z]{3,}/g) ?? []).map((w) => w.toLowerCase());
}

/** Distinct words of three letters or more (a word broken by hyphenation at a line end is rejoined). */
export function wordsOf(s: string): Set<string> {
  return new Set(wordList(s));
}

/** A rendering's words read in runs of this many (novelRun). */
export const NOVEL_WINDOW = 12;
/** At most this many distinct words a source lacks in any run of NOVEL_WINDOW words of a verbatim rendering. */
export const NOVEL_MOST = 2;

/**
 * The first run of `window` consecutive words of `text` holding more than `most` distinct words `known` lacks, or
 * undefined (red team 22). A share of the distinct words (95 %) bounds how many words from nowhere a page may have,
 * not where they are: openvpn 2.6.14's doc/openvpn.8.html has 2,904 distinct words, so 145 new ones — a paragraph
 * of instructions — passed as long as it named no new host. A renderer that copies its source's text (rst2html,
 * rst2man, asciidoctor, pandoc) leaves a word the source lacks only where the source changed after the page was
 * made (a typo fixed: openvpn's `enacpulating`), where it spells its own markup (tbl's `allbox tab`) or fills in
 * a value (asciidoctor's `{package-docdir}` as /usr/share/doc/util-linux), one or two at a place; a sentence of
 * new words is text from elsewhere. A path (a run of non-blank characters with a `/`) is one word here: its words
 * the source lacks count once.
 */
export function novelRun(text: string, known: ReadonlySet<string>, window = NOVEL_WINDOW, most = NOVEL_MOST): string[] | undefined {
  // a word a formatter broke at a line end without a hyphen (docbook2txt's table cells: fontconfig-devel.txt's
  // `capabil` / `ities`, `fon` / `t format`) is read whole when whole it is a word of the source and a piece is not
  const joined = text
    .replace(/([A-Za-z])[-\u2010\u00ad]\n\s*([a-z])/g, '$1$2')
    .replace(/([A-Za-z]+)\n[ \t]*([A-Za-z]+)/g, (all, a: string, b: string) => {
      const whole = `${a}${b}`.toLowerCase();
      return known.has(whole) && !(known.has(a.toLowerCase()) && known.has(b.toLowerCase())) ? `${a}${b}` : all;
    });
  // each unit: what it reads as, and the key it counts under when the source lacks it
  const units: { text: string; novel?: string }[] = [];
  for (const token of joined.split(/\s+/)) {
    const words = (token.match(/[A-Za-z]{3,}/g) ?? []).map((w) => w.toLowerCase());
    if (!words.length) continue;
    if (token.includes('/')) units.push({ text: token, ...(words.some((w) => !known.has(w)) ? { novel: token.toLowerCase() } : {}) });
    else for (const w of words) units.push({ text: w, ...(known.has(w) ? {} : { novel: w }) });
  }
  const count = new Map<string, number>();
  for (let i = 0; i < units.length; i++) {
    const key = units[i]!.novel;
    if (key !== undefined) count.set(key, (count.get(key) ?? 0) + 1);
    const gone = i - window >= 0 ? units[i - window]!.novel : undefined;
    if (gone !== undefined) {
      const n = count.get(gone)! - 1;
      if (n) count.set(gone, n);
      else count.delete(gone);
    }
    if (count.size > most) return units.slice(Math.max(0, i - window + 1), i + 1).map((u) => u.text);
  }
  return undefined;
}

async function troffSource(path: string, stem: string, ctx: ClassifyContext): Promise<{ path: string; text: string } | undefined> {
  const dir = dirOf(path);
  const beside = [...ctx.gitPaths].filter((p) => dirOf(p) === dir && p !== path);
  const exact = beside.filter((p) => baseOf(p).startsWith(`${stem}.`)).sort();
  // then a troff page whose stem differs only in case (lsof.man beside lsof.h and Lsof.8)
  const folded = beside.filter((p) => !exact.includes(p) && baseOf(p).toLowerCase().startsWith(`${stem.toLowerCase()}.`)).sort();
  for (const p of [...exact, ...folded]) {
    const b = await ctx.content.git(p);
    if (!b || b.length > MAX_BYTES || b.subarray(0, 8192).includes(0)) continue;
    const t = b.toString('utf8');
    if (TROFF.test(t.slice(0, 4096))) return { path: p, text: t };
  }
  return undefined;
}

/** Every word of any length (lower case): what a small rendering's tokens are checked against. */
const allWords = (s: string) => new Set((s.match(/[A-Za-z]+/g) ?? []).map((w) => w.toLowerCase()));

/**
 * A rendering too small for the share rule: at least 3 tokens, each of letters, digits and `( ) ' . , -` only,
 * every letter run of each a word of the source or the formatter's header. The tokens counted, or undefined.
 */
export function smallRendering(text: string, source: string): number | undefined {
  const tokens = text.split(/\s+/).filter(Boolean);
  if (tokens.length < 3) return undefined;
  const have = new Set([...FORMATTER_WORDS, ...allWords(source)]);
  for (const t of tokens) {
    if (!/^[A-Za-z0-9().,'\u2019-]+$/.test(t)) return undefined;
    if (![...allWords(t)].every((w) => have.has(w))) return undefined;
  }
  return tokens.length;
}

/**
 * Whether `buf` is a plain-text rendering of the troff page `source` (see the module comment: no NUL, no troff left,
 * 95 % of its distinct words the source's or the formatter's, no run of words the source lacks, every URL one the
 * source spells out whole): the words found and counted, or undefined. Also what explains a rendering kept away from
 * its source (xz's doc/man/txt/xz.txt of src/xz/xz.1, ./docs.ts).
 */
export function tracedRendering(buf: Buffer, source: string): { found: number; total: number } | undefined {
  if (buf.length > MAX_BYTES || buf.includes(0)) return undefined;
  const text = plainRendering(buf.toString('utf8'));
  if (TROFF.test(text.slice(0, 4096)) || /^\.[A-Za-z]{1,2}(?:\s|$)/m.test(text)) return undefined;
  const plain = source.replace(/\\f[BIRP]|\\f\(..|\\[-&|^]|\\\(.{2}|\\e/g, ' ');
  const have = new Set([...FORMATTER_WORDS, ...mdocWords(source), ...wordsOf(plain)]);
  const words = wordsOf(text);
  if (words.size < MIN_WORDS) {
    const n = smallRendering(text, plain);
    return n === undefined ? undefined : { found: n, total: n };
  }
  const found = [...words].filter((w) => have.has(w)).length;
  if (found < words.size * MIN_SHARE) return undefined;
  if (novelRun(text, have)) return undefined;
  // every URL of the page spelled out whole in the source (red team 26: less 668's less.man with its bug-report
  // link moved to `https://github.com/less-gwsw/less/issues` — no word the source lacks — was explained)
  if (novelUrls(renderedText(text), docSourceUrls(source)).length) return undefined;
  return { found, total: words.size };
}

/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && RENDERED.test(baseOf(diff.path));

export const manRenderedClassifier: Classifier = {
  id: 'man-rendered',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const m = RENDERED.exec(baseOf(diff.path));
    if (!m) return undefined;
    const buf = ctx.content.tarball(diff.path);
    if (!buf || buf.length > MAX_BYTES || buf.subarray(0, 8192).includes(0)) return undefined;
    const src = await troffSource(diff.path, m[1]!, ctx);
    if (!src) return undefined;
    const traced = tracedRendering(buf, src.text);
    return traced && makeFinding('GENERATED_FROM_SOURCE', diff.path, { how: 'rendered', source: src.path, ...traced });
  },
};
