/**
 * HTML documentation rendered from a source the release has (issue 11 d): texinfo manuals split or whole
 * (texi2html / makeinfo --html / texi2any: `gettext_12.html`, `autosprintf_all.html` from the tracked
 * `gettext.texi`, `autosprintf.texi`), man pages formatted by `groff -Thtml` (`msgfmt.1.html` from the
 * shipped `msgfmt.1`, `gettext.1.html.in` from `gettext.1.in`) and DocBook pages xsltproc renders with the
 * DocBook XSL stylesheets (jemalloc's `doc/jemalloc.html` from the tracked `doc/jemalloc.xml.in`). Not
 * build-affecting, so a structural check:
 *   - the generator named in the page (meta Generator, groff's Creator comment) is one of those formatters;
 *   - the source: the tracked `STEM.texi` (nearest to the page) with the tracked .texi files beside it, the
 *     man page `X.N` / `X.N.in` beside the page (tracked or shipped), or the tracked DocBook `STEM.xml`
 *     (`.xml.in`, `.docbook`, `.dbk`) beside it;
 *   - at least 95 % of the page's distinct words (tags, comments and style sheets removed) occur in the
 *     source or are the formatter's navigation words ("FastForward", month names), and no more than two words the
 *     source lacks stand in any twelve in a row (./man-rendered.ts novelRun);
 *   - no active content: no <script>, <iframe>, <object>, <embed>, <form>, <base>, no on…= handlers, no refresh, no
 *     javascript:/data: URLs (read as a browser reads the tags: ./urls.ts htmlActive), and every linked host
 *     (`https://h`, `//h`) occurs in the source or is the formatter's own.
 */
import { readFileSync } from 'node:fs';
import { makeFinding } from '../core/severity.js';
import { baseOf, dirOf, nearestFirst, pathsBy } from './paths.js';
import { findConstructs } from './suspicious.js';
import type { Classifier, ClassifyContext } from './types.js';
import { decodeRefs, docSourceUrls, htmlActive, newHosts, novelUrls, renderedText, urlHosts } from './urls.js';
import { admits } from './precheck.js';
import { novelRun } from './man-rendered.js';

const MAX_BYTES = 4 * 1024 * 1024;
const MIN_WORDS = 20;
const MIN_SHARE = 0.95;

/** Words the formatters write themselves: navigation panels, the "About" page, the date of generation. */
const FORMATTER_WORDS = new Set([
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
  'button', 'buttons', 'navigation', 'panel', 'panels', 'fastback', 'fastforward', 'forward', 'back', 'footnotes', 'jump',
  'assumes', 'structure', 'latex', 'contents', 'short', 'table', 'index', 'about', 'this', 'document', 'generated', 'using',
  'texi2html', 'texi', 'html', 'was', 'makeinfo', 'texinfo', 'groff', 'previous', 'next', 'section', 'chapter', 'subsection', 'subsubsection',
  'reading', 'order', 'beginning', 'cover', 'top', 'meaning', 'following', 'have', 'the', 'current', 'position', 'where',
  'example', 'one', 'two', 'three', 'name', 'from', 'same', 'level', 'node', 'sections', 'user', 'commands', 'manual',
]);
/** Hosts the formatters link to themselves (DOCTYPE, their home pages). */
export const FORMATTER_HOSTS = new Set(['www.w3.org', 'www.nongnu.org', 'www.gnu.org']);

const GENERATORS: { re: RegExp; kind: 'texinfo' | 'groff' | 'docbook' }[] = [
  { re: /<meta\s+name="generator"\s+content="(texi2html[^"]*|makeinfo[^"]*|texi2any[^"]*|GNU Texinfo[^"]*)"/i, kind: 'texinfo' },
  { re: /<meta\s+name="generator"\s+content="(groff -Thtml[^"]*)"/i, kind: 'groff' },
  { re: /<meta\s+name="generator"\s+content="(DocBook XSL(?:-NS)? Stylesheets[^"]*)"/i, kind: 'docbook' },
];

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: ' ' };

/** An HTML page's text: comments, style sheets and tags removed, entities decoded (unknown named ones to a space). */
export function htmlText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<style[\s\S]*?<\/style>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&([a-z]+);/gi, (_all, e: string) => ENTITIES[e.toLowerCase()] ?? ' ')
    .replace(/&#(\d+);/g, (_a, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_a, n: string) => String.fromCodePoint(parseInt(n, 16)));
}

export const wordsOf = (s: string): Set<string> => new Set((s.match(/[A-Za-z]{3,}/g) ?? []).map((w) => w.toLowerCase()));

/**
 * What makes a page more than rendered text: active content, a link to a host the source never names, or a
 * suspicious construct (download-to-shell …) of a kind the source does not have.
 */
export function activeContent(html: string, sourceText: string, path: string, extraHosts: Iterable<string> = []): string | undefined {
  const m = /<(script|iframe|object|embed|form|applet|meta\s+http-equiv="refresh")\b|\son[a-z]+\s*=|(?:href|src)\s*=\s*"?\s*(?:javascript|data|vbscript):/i.exec(html);
  if (m) return m[0].trim();
  const tags = htmlActive(html);
  if ('active' in tags) return tags.active;
  const noComments = html.replace(/<!--[\s\S]*?-->/g, ' ').replace(/<!DOCTYPE[^>]*>/i, ' ');
  const linkable = new Set([...FORMATTER_HOSTS, ...urlHosts(sourceText), ...extraHosts]);
  const hosts = [...newHosts(noComments, linkable), ...[...tags.hosts].filter((h) => !linkable.has(h))];
  if (hosts.length) return `link to ${hosts[0]}`;
  const known = new Set(findConstructs(sourceText, path).map((c) => c.kind));
  const c = findConstructs(htmlText(html), path).find((k) => !known.has(k.kind));
  return c ? `${c.kind}: ${c.text}` : undefined;
}

export const HTMLXREF_URL = new URL('../../data/texinfo-htmlxref-hosts.json', import.meta.url);
let htmlxref: Record<string, string[]> | undefined;
/** texinfo's htmlxref.cnf as hosts per manual (data/texinfo-htmlxref-hosts.json, scripts/derive-htmlxref-hosts.mjs); empty when absent. */
function htmlxrefHosts(): Record<string, string[]> {
  if (htmlxref) return htmlxref;
  try {
    htmlxref = (JSON.parse(readFileSync(HTMLXREF_URL, 'utf8')) as { manuals: Record<string, string[]> }).manuals;
  } catch {
    htmlxref = {};
  }
  return htmlxref;
}

/**
 * The hosts makeinfo links a texinfo source's cross-manual references to: for each manual the source names
 * (`@xref{NODE,,TITLE,MANUAL,…}`, `@pxref`, `@ref` — the fourth argument —, `@inforef{NODE,NAME,MANUAL}`), the
 * hosts texinfo's htmlxref.cnf gives that manual.
 */
export function xrefHosts(texinfo: string, table: Record<string, string[]> = htmlxrefHosts()): Set<string> {
  const out = new Set<string>();
  const add = (m: string | undefined) => {
    const name = m?.trim();
    if (name && Object.prototype.hasOwnProperty.call(table, name)) for (const h of table[name]!) out.add(h);
  };
  for (const m of texinfo.matchAll(/@(?:p?x?ref)\{([^{}]*)\}/g)) add(m[1]!.split(',')[3]);
  for (const m of texinfo.matchAll(/@inforef\{([^{}]*)\}/g)) add(m[1]!.split(',')[2]);
  return out;
}

async function texinfoSource(path: string, ctx: ClassifyContext): Promise<{ source: string; text: string } | undefined> {
  const base = baseOf(path).replace(/\.html?$/i, '');
  const stems = [base, base.replace(/_(?:\d+|toc|abt|fot|ovr|all|[a-z]+)$/i, '')];
  for (const stem of [...new Set(stems)]) {
    const candidates = nearestFirst(['texi', 'texinfo', 'txi'].flatMap((e) => pathsBy('base', ctx.gitPaths).get(`${stem}.${e}`) ?? []), path);
    const manual = candidates[0];
    if (!manual) continue;
    // The manual, the tracked .texi files beside it and every tracked file they @include (by name, nearest).
    const texts: string[] = [];
    const queue = (pathsBy('dir', ctx.gitPaths).get(dirOf(manual)) ?? []).filter((p) => /\.(?:texi|texinfo|txi)$/.test(p)).sort();
    const seen = new Set(queue);
    while (queue.length && seen.size < 500) {
      const p = queue.shift()!;
      const b = await ctx.content.git(p);
      if (!b || b.length > MAX_BYTES) continue;
      const t = b.toString('utf8');
      texts.push(t);
      // @include'd texinfo and @verbatiminclude'd files (nettle's sha-example.c), printed into the page.
      if (!/\.(?:texi|texinfo|txi)$/.test(p)) continue;
      for (const inc of t.matchAll(/^@(?:verbatim)?include\s+(\S+)/gm)) {
        const name = baseOf(inc[1]!);
        // a fragment the build generates from a tracked source and names after it (gnutls's `@include core.c.texi`,
        // guile-snarf's documentation of the tracked guile/src/core.c): that source's words
        const hit = nearestFirst(pathsBy('base', ctx.gitPaths).get(name) ?? [], manual)[0] ?? (/\.[a-z]+\.texi$/.test(name) ? nearestFirst(pathsBy('base', ctx.gitPaths).get(name.slice(0, -5)) ?? [], manual)[0] : undefined);
        if (hit && !seen.has(hit)) {
          seen.add(hit);
          queue.push(hit);
        }
      }
    }
    return { source: manual, text: texts.join('\n') };
  }
  return undefined;
}

/** The tracked DocBook source of a page xsltproc rendered with the DocBook XSL stylesheets: STEM.xml (or .xml.in, .docbook, .dbk) beside it. */
async function docbookSource(path: string, ctx: ClassifyContext): Promise<{ source: string; text: string } | undefined> {
  const stem = baseOf(path).replace(/\.html?$/i, '');
  const dir = dirOf(path);
  for (const ext of ['xml', 'xml.in', 'docbook', 'dbk']) {
    const p = dir ? `${dir}/${stem}.${ext}` : `${stem}.${ext}`;
    if (!ctx.gitPaths.has(p)) continue;
    const b = await ctx.content.git(p);
    if (b && b.length <= MAX_BYTES) return { source: p, text: b.toString('utf8') };
  }
  return undefined;
}

async function manSource(path: string, ctx: ClassifyContext): Promise<{ source: string; text: string; raw: string } | undefined> {
  const m = /^(.+\.[1-9][a-z]*)(\.in)?\.html?(\.in)?$/i.exec(baseOf(path));
  if (!m) return undefined;
  const dir = dirOf(path);
  const at = (n: string) => (dir ? `${dir}/${n}` : n);
  for (const name of [m[1]!, `${m[1]}.in`]) {
    const p = at(name);
    const b = ctx.gitPaths.has(p) ? await ctx.content.git(p) : ctx.tarballPaths.has(p) ? ctx.content.tarball(p) : undefined;
    if (b && b.length <= MAX_BYTES) return { source: p, text: b.toString('utf8').replace(/\\f[BIRP]|\\f\(..|\\[-&|^]|\\\(.{2}|\\e/g, ' '), raw: b.toString('utf8') };
  }
  return undefined;
}


/**
 * The URLs of a rendered HTML page (links and text, comments left out, character references read) that its source
 * does not spell out whole (red team 26: a link moved to another path on a host the source names —
 * jemalloc 5.3.0's doc/jemalloc.html sending gperftools' link to `http://code.google.com/p/gperftools-patched/` —
 * passed the host check). `allowedHosts`: the formatter's own and the hosts it makes links to itself (texinfo's
 * cross-manual references through htmlxref.cnf), whose URLs the source does not spell.
 */
export function renderedNovelUrls(html: string, sourceText: string, allowedHosts: Iterable<string>): string[] {
  return novelUrls(renderedText(decodeRefs(html.replace(/<!--[\s\S]*?-->/g, ' '))), docSourceUrls(sourceText), allowedHosts);
}

/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && /\.html?(?:\.in)?$/i.test(diff.path);

export const htmlRenderedClassifier: Classifier = {
  id: 'html-rendered',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const buf = ctx.content.tarball(diff.path);
    if (!buf || buf.length > MAX_BYTES || buf.includes(0)) return undefined;
    const html = buf.toString('utf8');
    const gen = GENERATORS.map((g) => ({ kind: g.kind, m: g.re.exec(html.slice(0, 8192)) })).find((g) => g.m);
    if (!gen) return undefined;
    const src = gen.kind === 'texinfo' ? await texinfoSource(diff.path, ctx) : gen.kind === 'docbook' ? await docbookSource(diff.path, ctx) : await manSource(diff.path, ctx);
    if (!src) return undefined;
    const xref = gen.kind === 'texinfo' ? xrefHosts(src.text) : new Set<string>();
    if (activeContent(html, src.text, diff.path, xref)) return undefined;
    if (renderedNovelUrls(html, (src as { raw?: string }).raw ?? src.text, [...FORMATTER_HOSTS, ...xref]).length) return undefined;
    const have = wordsOf(src.text.replace(/@[a-z]+\{/g, ' '));
    const words = wordsOf(htmlText(html));
    if (words.size < MIN_WORDS) return undefined;
    const found = [...words].filter((w) => have.has(w) || FORMATTER_WORDS.has(w)).length;
    if (found < words.size * MIN_SHARE) return undefined;
    const run = novelRun(htmlText(html), new Set([...have, ...FORMATTER_WORDS]));
    if (run) return undefined;
    return makeFinding('GENERATED_FROM_SOURCE', diff.path, { how: 'rendered', source: src.source, generator: gen.m![1]!, found, total: words.size });
  },
};
