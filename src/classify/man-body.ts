/**
 * A man page a formatter renders from a tracked markup page (asciidoctor from `X.N.adoc` — util-linux —, pandoc or
 * md-convert from `X.md`, rst2man from `X.rst`, asciidoc from `X.N.txt`, ronn, scdoc) was explained by its troff shape
 * and the source's name: its body was never read (red team 16). Now its text must come from the source:
 *  - the page's text: every line after the first `.SH` (before it the formatter's preamble: `.TH`, macro definitions,
 *    string and number registers, link styles), request names, comments, `.de` … `..` bodies and troff escapes
 *    (fonts, colours, strings, special characters) set aside;
 *  - the source's text: the tracked page and the tracked files it includes (`include::F[]`, relative to the page's
 *    directory or the repository's root, as util-linux's `man-common/*.adoc`; reStructuredText's `.. include:: F`,
 *    relative to the including file and nested, as openvpn's doc/man-sections/*.rst);
 *  - at least 95 % of the page's distinct words (three letters or more) occur in the source, and no more than two
 *    words the source lacks stand in any twelve in a row (./man-rendered.ts novelRun, red team 22: the share alone let
 *    a paragraph of new words onto a large page), no URL host the source lacks, no URL the source does not spell out
 *    whole (./urls.ts novelUrls, red team 25), no suspicious construct of a kind the source lacks.
 * Measured on the evaluation set's 138 such pages (util-linux 2.38.1's 131, rsync 3.2.7's 4, flac 1.4.2's 2, wget2
 * 2.2.0's 1): the lowest share is 98.4 % (uuidparse.1: tbl's `allbox`, `tab`). Not caught: a line made of words the
 * source already has (the word trace's limit, as for the other renderings).
 */
import { novelRun, wordsOf } from './man-rendered.js';
import { dirOf, normalisePath } from './paths.js';
import { findConstructs } from './suspicious.js';
import type { ClassifyContext } from './types.js';
import { novelUrls, sourceUrls, urlHosts, wholeUrls } from './urls.js';

/** The markup sources this check reads (a page from another kind of source keeps the shape check). */
export const MARKUP_SOURCE = /\.(?:adoc|asciidoc|md|markdown|rst|txt|ronn|scd)$/i;
const MIN_SHARE = 0.95;
const MAX_BYTES = 4 * 1024 * 1024;
const CONTROL = /^[.']\s*(?:ds|nr|ie|el|if|mso|als|rm|rr|tr|ftr|hy|nh|ad|na|ss|ta|lf|cp|am|de|ig)\b/;

/** The text a reader sees of a troff page's body (see the module comment). */
export function troffBody(page: string): string {
  // groff's .de1/.dei/.am forms too (rst2man's preamble defines its macros with .de1)
  const t = page.replace(/^[.']\s*(?:de1?|dei1?|am1?|ig)\b[\s\S]*?^\.\.[ \t]*$/gm, '');
  const out: string[] = [];
  let body = false;
  for (let l of t.split('\n')) {
    if (/^[.']\s*SH\b/.test(l)) body = true;
    if (/^[.']\s*\\"/.test(l) || CONTROL.test(l)) continue;
    const req = /^[.']\s*[A-Za-z]+\s*(.*)$/.exec(l);
    if (req) {
      if (!body) continue;
      l = req[1]!;
    } else if (/^[.']/.test(l)) continue;
    out.push(
      l
        .replace(/\\f(?:\[[^\]]*\]|\(..|.)/g, '')
        .replace(/\\m(?:\[[^\]]*\]|.)/g, '')
        .replace(/\\\*(?:\[[^\]]*\]|\(..|.)/g, ' ')
        .replace(/\\\(..|\\\[[^\]]*\]/g, ' ')
        .replace(/\\[&%|^:c]/g, '')
        .replace(/\\-/g, '-')
        .replace(/\\e/g, '\\'),
    );
  }
  return out.join('\n');
}

/** Resolve `rel` against `dir` inside the tree; undefined when it leaves it. */
function within(dir: string, rel: string): string | undefined {
  return rel.startsWith('/') ? undefined : normalisePath(dir ? `${dir}/${rel}` : rel);
}

const MAX_INCLUDES = 100;

/**
 * The tracked source and the tracked files it includes: asciidoc `include::F[]` (one level, relative to the page's
 * directory or the repository's root), reStructuredText `.. include:: F` (relative to the including file, nested:
 * openvpn's doc/openvpn.8.rst includes man-sections/client-options.rst, which includes proxy-options.rst).
 */
export async function sourceText(ctx: ClassifyContext, source: string): Promise<string | undefined> {
  const b = await ctx.content.git(source);
  if (!b || b.length > MAX_BYTES) return undefined;
  let text = b.toString('utf8');
  const dir = dirOf(source);
  for (const m of text.matchAll(/^include::([^[\n]+)\[/gm)) {
    const rel = m[1]!.trim();
    if (rel.includes('..') || rel.startsWith('/')) continue;
    const inc = (await ctx.content.git(dir ? `${dir}/${rel}` : rel)) ?? (await ctx.content.git(rel));
    if (inc && inc.length <= MAX_BYTES) text += `\n${inc.toString('utf8')}`;
  }
  if (/\.rst$/i.test(source)) {
    const seen = new Set([source]);
    const queue: [string, string][] = [[source, b.toString('utf8')]];
    while (queue.length) {
      const [file, body] = queue.shift()!;
      for (const m of body.matchAll(/^[ \t]*\.\.[ \t]+include::[ \t]+(\S+)[ \t]*$/gm)) {
        const p = within(dirOf(file), m[1]!);
        if (p === undefined || seen.has(p) || seen.size > MAX_INCLUDES || !ctx.gitPaths.has(p)) continue;
        seen.add(p);
        const inc = await ctx.content.git(p);
        if (!inc || inc.length > MAX_BYTES) continue;
        const t = inc.toString('utf8');
        text += `\n${t}`;
        queue.push([p, t]);
      }
    }
  }
  return text;
}

/**
 * Why a man page rendered from the tracked markup page `source` (with the tracked files `others` of the intermediate
 * its rule renders) has text the sources do not give; undefined: traced.
 */
export async function untracedManBody(ctx: ClassifyContext, path: string, page: Buffer, source: string, others: readonly string[] = []): Promise<string | undefined> {
  let src = await sourceText(ctx, source);
  if (src === undefined) return 'source not read';
  // the other tracked files of an intermediate the page's rule renders (./page-rules.ts intermediateSources)
  for (const o of others) {
    if (o === source) continue;
    const t = await sourceText(ctx, o);
    if (t === undefined) return `${o} not read`;
    src += `\n${t}`;
  }
  const body = troffBody(page.toString('utf8'));
  const known = wordsOf(src);
  // rst2man writes the NAME heading itself (from the document's title and subtitle)
  if (/\.rst$/i.test(source)) known.add('name');
  const words = [...wordsOf(body)];
  const missing = words.filter((w) => !known.has(w));
  if (words.length && missing.length > words.length * (1 - MIN_SHARE)) return `${missing.length} of ${words.length} words not in ${source}: ${missing.slice(0, 5).join(', ')}`;
  const run = novelRun(body, known);
  if (run) return `words not in ${source} together: ${run.join(' ')}`;
  // AsciiDoc's `_ftp://host/path_` emphasis glues the URL to an underscore
  const hosts = new Set([...urlHosts(src), ...urlHosts(src.replace(/_/g, ' '))]);
  for (const h of urlHosts(body)) if (!hosts.has(h)) return `host ${h} not in ${source}`;
  // and every URL one the source spells out whole (red team 25: another path on a host the source names)
  const url = novelUrls(body, new Set([...sourceUrls(src), ...wholeUrls(src.replace(/_/g, ' '))]))[0];
  if (url !== undefined) return `URL ${url} not in ${source}`;
  const kinds = new Set(findConstructs(src, source).map((c) => c.kind));
  const extra = findConstructs(body, path).find((c) => !kinds.has(c.kind));
  if (extra) return `construct ${extra.kind} not in ${source}`;
  return undefined;
}
