/**
 * HTML pages a tracked converter renders from a tracked Markdown page (rsync's rsync.1.html, rsyncd.conf.5.html,
 * rsync-ssl.1.html and rrsync.1.html, written by the tracked md-convert — a Python script, never run here —
 * from rsync.1.md …, by the rule `rsync.1: rsync.1.md md-convert version.h Makefile` of the tracked Makefile.in).
 * Not build-affecting; a line check, nothing run:
 *   - the source: a tracked `STEM.md` (nearest to the page `STEM.html`) that a rule of the tracked makefile of the
 *     page's directory making `STEM` or `STEM.html` names as a prerequisite; the converter: another tracked
 *     prerequisite of that rule;
 *   - the head (every line up to the one holding `<body>`): each line is a line of the converter's text, a
 *     `%NAME%` placeholder there standing for text without `<`, `>`;
 *   - the body: every line's text (tags removed, entities decoded, whitespace runs as one blank) is the run of the
 *     Markdown source's text (its emphasis, code and link markup removed, `@VERSION@` the release version, a
 *     `@NAME@` placeholder before a `/` an absolute path) that follows the previous line's run, only blanks, list
 *     markers and `[comment]: # (…)` lines between (the page is its source in order), or the whole line is a
 *     converter line whose `%s` is a short plain value (the footer's date), at most 3 such lines;
 *   - only the tags a Markdown renderer writes, no active content (./html-rendered.ts activeContent: no script,
 *     handler, javascript: link, link to a host neither the source nor the converter names, no construct the
 *     source lacks).
 * One line that is none of these leaves the page to the other classifiers (high when nothing else explains it).
 */
import { makeFinding } from '../core/severity.js';
import { expandLoose, parseMakefile } from '../util/makefile.js';
import { activeContent } from './html-rendered.js';
import { baseOf, dirOf, nearestFirst, pathsBy } from './paths.js';
import type { Classifier, ClassifyContext } from './types.js';
import { admits } from './precheck.js';

const MAX_BYTES = 4 * 1024 * 1024;
const MIN_LINES = 20;
const MAX_FILLED = 3;
const FRAGMENTS = ['Makefile.am', 'Makefile.in', 'GNUmakefile', 'Makefile'];
const TAGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'pre', 'code', 'a', 'b', 'strong', 'em', 'i', 'u', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'blockquote', 'div', 'br', 'hr', 'span', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'body', 'html']);

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: ' ' };
const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A body line's text: tags removed, the word joiner (&#8288;) dropped, entities decoded, blanks collapsed. */
export function lineText(line: string): string {
  return norm(
    line
      .replace(/<[^>]*>/g, '')
      .replace(/&#8288;/g, '')
      .replace(/&([a-z]+);/gi, (all, e: string) => ENTITIES[e.toLowerCase()] ?? all)
      .replace(/&#(\d+);/g, (_a, n: string) => String.fromCodePoint(Number(n)))
      .replace(/&#x([0-9a-f]+);/gi, (_a, n: string) => String.fromCodePoint(parseInt(n, 16))),
  );
}

/** Markdown text as a renderer prints it: links, emphasis, code marks, headings, quote marks and escapes removed, blanks collapsed. */
export function markdownText(md: string, version?: string, links = true): string {
  const outside = (s: string) =>
    s
      .replace(/\\([\\`*_{}[\]()#+\-.!<>|"'~])/g, '$1')
      .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '$1')
      .replace(/(^|[^\w*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\w*])/g, '$1$2')
      .replace(/(^|[^\w])_(?=\S)([^_\n]*?\S)_(?!\w)/g, '$1$2')
      .replace(/<((?:https?:|mailto:)[^>\s]+|[^>\s@]+@[^>\s]+)>/g, '$1');
  let text = (links ? md.replace(/\[([^\][]*)\]\(([^)\s]*)\)/g, '$1') : md)
    .replace(/^[ \t]*>[ \t]?/gm, '')
    .replace(/^#+ /gm, '');
  if (version) text = text.replace(/@VERSION@/g, version);
  return norm(
    text
      .split(/(`+)([\s\S]*?)\1/)
      .map((p, i) => (i % 3 === 0 ? outside(p) : i % 3 === 2 ? p : ''))
      .join(''),
  );
}

/** A word-by-word pattern of a text line: a word with a `/` may stand for `@NAME@` + the rest of its path. */
function linePattern(line: string): string {
  return line
    .split(' ')
    .map((w) => {
      const k = w.indexOf('/');
      if (k < 0) return esc(w);
      const path = w.slice(k);
      const tails = path.split('/').map((_s, j, a) => `/${a.slice(j + 1).join('/')}`).filter((t) => t !== '/' && t !== path);
      return `${esc(w.slice(0, k))}(?:${esc(path)}|@[A-Z_]+@(?:${[...tails.map(esc), '(?=\\s|$)'].join('|')}))`;
    })
    .join(' ');
}

/** Whether a text line is a run of the source text; a word with a `/` may stand for `@NAME@` + the rest of its path. */
export function traced(line: string, source: string): boolean {
  if (source.includes(line)) return true;
  if (!line.split(' ').some((w) => w.includes('/'))) return false;
  return new RegExp(linePattern(line)).test(source);
}

/**
 * What a renderer drops between two text runs it prints: blanks, a list item's marker (`-`, `*`, `+`, `0.`) and
 * a `[comment]: # (…)` line (rsync's md sources keep notes to themselves that way).
 */
const DROPPED = /^(?:\s|[-*+](?=\s)|\d+\.(?=\s)|\[comment\]: # \([^\n]*?\)(?=\s|$))*$/;
/** The farthest the next run is looked for past the last one (a long `[comment]` line is dropped whole). */
const MAX_GAP = 1024;

/**
 * Where the text line is the run of the source text that follows `from` (only DROPPED text between: a page is
 * its source in order, red team 18) — the run's end — or -1. `free`: any text may come first (the first line,
 * or after lines traced another way), up to MAX_GAP characters.
 */
export function tracedFrom(line: string, source: string, from: number, free: boolean): number {
  const ok = (start: number) => start - from <= MAX_GAP && (free || DROPPED.test(source.slice(from, start)));
  for (let at = source.indexOf(line, from); at >= 0 && at - from <= MAX_GAP; at = source.indexOf(line, at + 1)) if (ok(at)) return at + line.length;
  if (!line.split(' ').some((w) => w.includes('/'))) return -1;
  const re = new RegExp(linePattern(line), 'g');
  re.lastIndex = from;
  for (let m = re.exec(source); m && m.index - from <= MAX_GAP; m = re.exec(source)) {
    if (ok(m.index)) return m.index + m[0].length;
    re.lastIndex = m.index + 1;
  }
  return -1;
}

/** A converter line as a pattern: `%NAME%` (and `%s`) any text without `<`, `>`. */
function templates(converter: string): { exact: Set<string>; filled: RegExp[] } {
  const exact = new Set<string>();
  const filled: RegExp[] = [];
  for (const line of converter.split('\n')) {
    const t = line.replace(/^\s*(?:\w+\s*=\s*)?"""\\?/, '');
    exact.add(t);
    if (/%(?:[A-Z_]+%|s)/.test(t)) filled.push(new RegExp(`^${t.split(/(%[A-Z_]+%|%s)/).map((p, i) => (i % 2 ? '([^<>]*)' : esc(p))).join('')}$`));
  }
  return { exact, filled };
}

/** The tracked Markdown source and converter of a page: a rule of the page's directory's makefile naming both. */
async function sourceOf(path: string, ctx: ClassifyContext): Promise<{ md: string; converter: string; fragment: string } | undefined> {
  const stem = baseOf(path).replace(/\.html?$/i, '');
  const mds = nearestFirst(pathsBy('base', ctx.gitPaths).get(`${stem}.md`) ?? [], path);
  if (!mds.length) return undefined;
  const dir = dirOf(path);
  for (const f of FRAGMENTS) {
    const frag = dir ? `${dir}/${f}` : f;
    if (!ctx.gitPaths.has(frag)) continue;
    const text = (await ctx.content.git(frag))?.toString('utf8');
    if (text === undefined) continue;
    const mk = parseMakefile(text, frag);
    for (const rule of mk.rules) {
      // The rule makes the page or the man page of its stem (`rsync.1: rsync.1.md md-convert …` writes both).
      const targets = rule.targets.flatMap((t) => expandLoose(t, mk.vars, dir).split(/\s+/));
      if (!targets.includes(stem) && !targets.includes(baseOf(path))) continue;
      const prereqs = rule.prerequisites
        .flatMap((p) => expandLoose(p, mk.vars, dir).split(/\s+/))
        .map((p) => p.replace(/^\$[({](?:top_)?srcdir[)}]\//, '').replace(/^\.\//, ''))
        .filter((p) => /^[\w./+-]+$/.test(p) && !p.split('/').includes('..'))
        .map((p) => (dir ? `${dir}/${p}` : p));
      const md = mds.find((m) => prereqs.includes(m));
      if (!md) continue;
      for (const converter of prereqs) if (converter !== md && !converter.endsWith('.md') && ctx.gitPaths.has(converter)) return { md, converter, fragment: frag };
    }
  }
  return undefined;
}

/** The page traced, or why not (a short reason). */
export function traceMarkdownHtml(html: string, md: string, converter: string, version?: string): { lines: number; filled: number } | string {
  const lines = html.split('\n');
  const bodyAt = lines.findIndex((l) => /<body\b/i.test(l));
  if (bodyAt < 0) return 'no <body>';
  const { exact, filled } = templates(converter);
  for (const l of lines.slice(0, bodyAt + 1)) if (!exact.has(l) && !filled.some((re) => re.test(l))) return `head line not in the converter: ${l.slice(0, 60)}`;
  const source = markdownText(md, version);
  // A link the renderer left as written (rsync.1.md's `[`--ignore-existing`\n](#opt)` inside a list item).
  let raw: string | undefined;
  const rawText = () => (raw ??= markdownText(md, version, false));
  let n = 0;
  let f = 0;
  // The page is its source in order: each line's run follows the last one's, only DROPPED text between (red team
  // 18: any run anywhere, one word a line, spelled any sentence the source's words allow).
  let at = 0;
  let rawAt = 0;
  let free = true;
  const body = lines.slice(bodyAt + 1);
  for (const l of body) {
    for (const m of l.matchAll(/<\/?([a-zA-Z][\w-]*)/g)) if (!TAGS.has(m[1]!.toLowerCase())) return `tag <${m[1]}>`;
    const t = lineText(l);
    if (!t) continue;
    const end = tracedFrom(t, source, at, free);
    if (end >= 0) {
      at = end;
      free = false;
      n++;
      continue;
    }
    const rawEnd = tracedFrom(t, rawText(), rawAt, true);
    if (rawEnd >= 0) {
      // a run of the text with its link markup kept: the rendered text's place is past it, somewhere
      rawAt = rawEnd;
      free = true;
      n++;
      continue;
    }
    const fill = filled.map((re) => re.exec(l)).find((m) => m && m.slice(1).every((v) => /^[\w .:,/-]{0,40}$/.test(v)));
    if (fill && ++f <= MAX_FILLED) continue;
    return `untraced: ${t.slice(0, 60)}`;
  }
  return n >= MIN_LINES ? { lines: n, filled: f } : 'too few lines';
}

const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && diff.tarball.size <= MAX_BYTES && /\.html?$/i.test(diff.path);

export const markdownHtmlClassifier: Classifier = {
  id: 'markdown-html',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const buf = ctx.content.tarball(diff.path);
    if (!buf || buf.includes(0)) return undefined;
    const src = await sourceOf(diff.path, ctx);
    if (!src) return undefined;
    const [mdBuf, convBuf] = [await ctx.content.git(src.md), await ctx.content.git(src.converter)];
    if (!mdBuf || !convBuf || mdBuf.length > MAX_BYTES || convBuf.length > MAX_BYTES) return undefined;
    const html = buf.toString('utf8');
    const md = mdBuf.toString('utf8');
    const converter = convBuf.toString('utf8');
    if (activeContent(html, `${md}\n${converter}`, diff.path)) return undefined;
    const r = traceMarkdownHtml(html, md, converter, ctx.revision.version);
    if (typeof r === 'string') return undefined;
    return makeFinding('GENERATED_FROM_SOURCE', diff.path, { how: 'markdown-html', source: src.md, generator: src.converter, inputs: [src.fragment], found: r.lines, total: r.lines + r.filled });
  },
};
