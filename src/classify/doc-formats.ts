/**
 * Documentation formatted from a tracked man page into other formats (issue 11 d): a release script runs
 * the project's troff/mdoc pages through groff -Thtml, nroff | col -b, or an mdoc-to-wiki converter and
 * ships the results in a documentation tree (libarchive's doc/html/bsdtar.1.html, doc/text/bsdtar.1.txt,
 * doc/wiki/ManPageBsdtar1.wiki from tar/bsdtar.1). Not build-affecting files only; the check is structural:
 *
 *   - the name gives the page: `X.N.html`, `X.N.htm`, `X.N.txt` → the tracked `X.N`; `ManPage<Words><N>.wiki`
 *     → the tracked `x_words.N` whose name, split at `_`, `-` and `.` and capitalised, spells <Words>;
 *     the tracked page nearest to the file is the source, and it must be troff (a `.TH`/`.Dd` page);
 *   - a tracked converter script may stand beside the documentation tree (a script in the page's directory
 *     or an ancestor whose name names the format: libarchive's doc/mdoc2wiki.awk): its words and hosts are
 *     the formatter's own, and the evidence names it as the generator;
 *   - the file's text — HTML without comments, style sheets and tags, entities decoded; plain text with
 *     overstrike and SGR undone (./man-rendered.ts); wiki text without its markup (a bare `[[ManPage…]]` link,
 *     what `.Xr` becomes, read as nothing) — has at least 95 % of its distinct words (three letters or more) in
 *     the source (or the converter) or are the formatters' own words (the words of the mdoc macros the page uses
 *     among them), and no more than two words they lack stand in any twelve in a row (./man-rendered.ts novelRun);
 *   - nothing beyond text: no <script>, <iframe>, <object>, <embed>, <form>, on…= handlers or
 *     javascript:/data: URLs, no link to a host the source (or the converter) does not name, and no suspicious construct
 *     (a shell pipe into a decompressor, a download run by a shell …) of a kind the source lacks.
 * A file that fails any of these is left to the other classifiers (and to the fallback: high).
 */
import { makeFinding } from '../core/severity.js';
import { isBuildAffecting } from './build-affecting.js';
import { htmlText } from './html-rendered.js';
import { mdocWords, novelRun, plainRendering, wordsOf } from './man-rendered.js';
import { baseOf, dirOf, nearestFirst, pathsBy } from './paths.js';
import { findConstructs } from './suspicious.js';
import type { Classifier, ClassifyContext } from './types.js';
import { decodeRefs, docSourceUrls, htmlActive, newHosts, novelUrls, renderedText, urlHosts } from './urls.js';
import { admits } from './precheck.js';

const MAX_BYTES = 4 * 1024 * 1024;
const MIN_WORDS = 20;
const MIN_SHARE = 0.95;
const TROFF_PAGE = /^(?:\.TH\s|\.Dd\s)/m;

/** Words the formatters write themselves: page-header section titles, the wiki page title, groff's header. */
const FORMATTER_WORDS = new Set([
  'general', 'commands', 'manual', 'user', 'system', 'manager', 'file', 'formats', 'conventions', 'library', 'functions',
  'calls', 'miscellaneous', 'information', 'games', 'special', 'files', 'administration', 'bsd', 'reference',
  'programmer', 'page', 'see', 'also', 'name', 'synopsis', 'description',
]);
/** Hosts a formatter links to itself (groff's DOCTYPE). */
const FORMATTER_HOSTS = new Set(['www.w3.org']);

type Format = 'html' | 'text' | 'wiki';

/** An HTML page's text (html-rendered's reading of a page, shared). */
export const htmlPageText = htmlText;

/**
 * A MediaWiki/Trac-style page's text: tags, bold/italic quotes, headings and list marks removed, a link
 * read as its label, and a bare link to another man page ([[ManPageTar5]], what `.Xr tar 5` becomes) as nothing.
 */
export function wikiPageText(wiki: string): string {
  return wiki
    .replace(/<\/?[a-z]+[^>]*>/gi, ' ')
    .replace(/\[\[ManPage[A-Za-z0-9]*\]\]/g, ' ')
    .replace(/\[\[(?:[^\]|]*\|)?([^\]]*)\]\]/g, ' $1 ')
    .replace(/'{2,}/g, ' ')
    .replace(/^=+|=+\s*$/gm, ' ')
    .replace(/^[*#:;]+/gm, ' ');
}

/** The CamelCase key mdoc-to-wiki converters give a page: archive_read_new.3 → ArchiveReadNew3. */
export function wikiKey(manName: string): string {
  return manName
    .split(/[_.-]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

const MAN_NAME = /^(.+\.[1-9][a-z]*)$/;

/** The man page a documentation file names, and its format. */
function target(path: string, ctx: ClassifyContext): { format: Format; candidates: string[] } | undefined {
  const base = baseOf(path);
  const byBase = pathsBy('base', ctx.gitPaths);
  const m = /^(.+\.[1-9][a-z]*)\.(html?|txt)$/i.exec(base);
  if (m) return { format: m[2]!.toLowerCase() === 'txt' ? 'text' : 'html', candidates: byBase.get(m[1]!) ?? [] };
  const w = /^ManPage([A-Za-z0-9]+)\.wiki$/.exec(base);
  if (!w) return undefined;
  const candidates: string[] = [];
  for (const [name, paths] of byBase) if (MAN_NAME.test(name) && wikiKey(name) === w[1]) candidates.push(...paths);
  return { format: 'wiki', candidates };
}

/** troff escapes that carry no words (font changes, special characters). */
const troffWords = (t: string) => t.replace(/\\f[BIRP]|\\f\(..|\\[-&|^]|\\\(.{2}|\\e/g, ' ');

async function troffPage(path: string, ctx: ClassifyContext): Promise<string | undefined> {
  const b = await ctx.content.git(path);
  if (!b || b.length > MAX_BYTES || b.subarray(0, 8192).includes(0)) return undefined;
  const t = b.toString('utf8');
  return TROFF_PAGE.test(t) ? t : undefined;
}

/** Names of converter scripts that write a format (mdoc2wiki.awk, man2html.sh …). */
const CONVERTER: Record<Format, RegExp> = { wiki: /wiki/i, html: /html/i, text: /te?xt/i };
const SCRIPT = /\.(?:awk|sh|sed|pl|py)$/;

/**
 * The tracked converter that writes this format, if the project has one: a script in the page's directory
 * or an ancestor, nearest first, whose name names the format (libarchive's doc/mdoc2wiki.awk writes the
 * wiki pages' "manual page" titles and their links to FreeBSD's man page server).
 */
async function converterOf(path: string, format: Format, ctx: ClassifyContext): Promise<{ path: string; text: string } | undefined> {
  const byDir = pathsBy('dir', ctx.gitPaths);
  for (let d = dirOf(path); ; d = dirOf(d)) {
    for (const p of (byDir.get(d) ?? []).filter((q) => SCRIPT.test(q) && CONVERTER[format].test(baseOf(q))).sort()) {
      const b = await ctx.content.git(p);
      if (b && b.length <= MAX_BYTES && !b.subarray(0, 8192).includes(0)) return { path: p, text: b.toString('utf8') };
    }
    if (d === '') return undefined;
  }
}

/** What makes a page more than formatted text, if anything (a short description). */
export function activeContent(raw: string, text: string, sourceText: string, path: string, format: Format): string | undefined {
  if (format === 'html') {
    const m = /<(script|iframe|object|embed|form|applet|meta\s+http-equiv\s*=\s*"?refresh)\b|\son[a-z]+\s*=|(?:href|src|action)\s*=\s*["']?\s*(?:javascript|data|vbscript):/i.exec(raw);
    if (m) return m[0].trim();
  }
  const tags = format === 'html' ? htmlActive(raw) : { hosts: new Set<string>() };
  if ('active' in tags) return tags.active;
  const linkable = new Set([...FORMATTER_HOSTS, ...urlHosts(sourceText)]);
  const hosts = [...newHosts(format === 'html' ? raw.replace(/<!--[\s\S]*?-->/g, ' ').replace(/<!DOCTYPE[^>]*>/i, ' ') : raw, linkable), ...[...tags.hosts].filter((h) => !linkable.has(h))];
  if (hosts.length) return `link to ${hosts[0]}`;
  const known = new Set(findConstructs(sourceText, path).map((c) => c.kind));
  const c = findConstructs(text, path).find((k) => !known.has(k.kind));
  return c ? `${c.kind}: ${c.text}` : undefined;
}


/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && !isBuildAffecting(diff.path);

export const docFormatsClassifier: Classifier = {
  id: 'doc-formats',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const t = target(diff.path, ctx);
    if (!t || t.candidates.length === 0) return undefined;
    const buf = ctx.content.tarball(diff.path);
    if (!buf || buf.length > MAX_BYTES || buf.subarray(0, 8192).includes(0)) return undefined;
    const raw = buf.toString('utf8');
    let source: { path: string; text: string } | undefined;
    for (const p of nearestFirst(t.candidates, diff.path)) {
      const text = await troffPage(p, ctx);
      if (text !== undefined) {
        source = { path: p, text };
        break;
      }
    }
    if (!source) return undefined;
    const conv = await converterOf(diff.path, t.format, ctx);
    const text = t.format === 'html' ? htmlPageText(raw) : t.format === 'wiki' ? wikiPageText(raw) : plainRendering(raw);
    const known = conv ? `${source.text}\n${conv.text}` : source.text;
    if (activeContent(raw, text, known, diff.path, t.format)) return undefined;
    // every URL the page prints spelled out whole in the man page (red team 26: a link moved to another path on a
    // host the page names passed the host check); a converter script's own hosts (mdoc2wiki.awk's links to a man
    // page server, built from the page's name) are the converter's
    const urlText = t.format === 'html' ? decodeRefs(raw.replace(/<!--[\s\S]*?-->/g, ' ')) : t.format === 'wiki' ? raw : text;
    if (novelUrls(renderedText(urlText), docSourceUrls(source.text), [...FORMATTER_HOSTS, ...(conv ? urlHosts(conv.text) : [])]).length) return undefined;
    const have = new Set([...wordsOf(troffWords(known)), ...mdocWords(known)]);
    const words = wordsOf(text);
    if (words.size < MIN_WORDS) return undefined;
    const found = [...words].filter((w) => have.has(w) || FORMATTER_WORDS.has(w)).length;
    if (found < words.size * MIN_SHARE) return undefined;
    const run = novelRun(text, new Set([...have, ...FORMATTER_WORDS]));
    if (run) return undefined;
    return makeFinding('GENERATED_FROM_SOURCE', diff.path, { how: 'rendered', source: source.path, ...(conv ? { generator: conv.path } : {}), found, total: words.size });
  },
};
