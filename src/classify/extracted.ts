/**
 * Files extracted from a tracked source at release time (issue 11 d): bison's examples/* cut out of
 * doc/bison.texi, m4's checks/* cut out of doc/m4.texi by checks/get-them, a sample config escaped for
 * texinfo inclusion. No generator header names the source, so the content is the evidence: all but a few
 * of the file's non-blank lines occur in one tracked source (texinfo's @@ @{ @} undone, an m4 `dnl `
 * prefix allowed), the remainder possibly in the tracked extraction script beside the file. The lines
 * found nowhere (at most 3, or 2 %) are shown and must carry no suspicious construct and no URL.
 *
 * Candidate sources: tracked files the file's first lines name (`../doc/m4.texi`), a tracked file whose
 * name is a prefix of this one's (`sample.wgetrc` for `sample.wgetrc.munged_for_texi_inclusion`), the
 * tracked texinfo manuals, and (for the remainder only) the tracked files in the same directory.
 */
import { makeFinding } from '../core/severity.js';
import { baseOf, dirOf } from './paths.js';
import { findConstructs } from './suspicious.js';
import type { Classifier, ClassifyContext } from './types.js';
import { urlHosts } from './urls.js';

const MAX_BYTES = 1024 * 1024;
const MAX_SOURCE_BYTES = 8 * 1024 * 1024;
const MAX_MANUALS = 20;
const MAX_SIBLINGS = 40;
const MIN_LINES = 3;

const unescapeTexi = (l: string) => l.replace(/@([@{}])/g, '$1');
const norm = (l: string) => l.trim().replace(/\s+/g, ' ');

/** The forms a line may take in a source. */
function variants(l: string): string[] {
  const n = norm(l);
  const out = [n, norm(unescapeTexi(n))];
  const dnl = /^dnl (.*)$/.exec(n);
  if (dnl) out.push(norm(dnl[1]!), norm(unescapeTexi(dnl[1]!)));
  return out;
}

function lineSet(text: string): Set<string> {
  const s = new Set<string>();
  for (const l of text.split('\n')) {
    const n = norm(l);
    if (!n) continue;
    s.add(n);
    s.add(norm(unescapeTexi(n)));
  }
  return s;
}

/**
 * The lines a script prints: its double-quoted string literals split at `\n`; a printf conversion
 * (%s, %d, %03d …) matches a short single-line value.
 */
export function printedLines(text: string): { exact: Set<string>; patterns: RegExp[] } {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const m of text.matchAll(/"((?:[^"\\\n]|\\.)*)"/g)) {
    for (const piece of m[1]!.split('\\n')) {
      const n = norm(piece.replace(/\\(["\\t])/g, (_, c: string) => (c === 't' ? ' ' : c)));
      if (!n) continue;
      if (!/%[-0-9.]*[sdiu]/.test(n)) { exact.add(n); continue; }
      if (patterns.length >= 500) continue;
      const re = n.split(/%[-0-9.]*[sdiu]/).map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^\\n]{0,200}?');
      if (re.replace(/\[\^\\n\]\{0,200\}\?/g, '').length >= 8) patterns.push(new RegExp(`^${re}$`));
    }
  }
  return { exact, patterns };
}

function resolve(dir: string, rel: string): string | undefined {
  const parts = dir ? dir.split('/') : [];
  for (const seg of rel.split('/')) {
    if (seg === '..') { if (!parts.length) return undefined; parts.pop(); }
    else if (seg && seg !== '.') parts.push(seg);
  }
  return parts.join('/');
}

async function candidates(path: string, text: string, ctx: ClassifyContext): Promise<{ primary: string[]; siblings: string[] }> {
  const dir = dirOf(path);
  const base = baseOf(path);
  const primary = new Set<string>();
  const head = text.split('\n').slice(0, 5).join('\n');
  for (const m of head.matchAll(/(?:\.\.?\/)*[\w.+-]+(?:\/[\w.+-]+)*\.(?:texi|texinfo|txi|md|rst|txt|in)\b/g)) {
    const p = resolve(dir, m[0]);
    if (p && ctx.gitPaths.has(p)) primary.add(p);
  }
  const siblings: string[] = [];
  const manuals: string[] = [];
  for (const p of ctx.gitPaths) {
    const b = baseOf(p);
    if (dirOf(p) === dir && p !== path) {
      if (b.length < base.length && base.startsWith(b) && /^[._-]/.test(base.slice(b.length))) primary.add(p);
      else if (siblings.length < MAX_SIBLINGS) siblings.push(p);
    }
    if (/\.(?:texi|texinfo|txi)$/.test(b) && manuals.length < MAX_MANUALS) manuals.push(p);
  }
  for (const m of manuals.sort()) primary.add(m);
  return { primary: [...primary], siblings: siblings.sort() };
}

export interface Extraction { source: string; others: string[]; found: number; total: number; untraced: { line: number; text: string }[]; filled: string[] }

/** How the file's lines trace to the sources; undefined when no primary source explains most of it. */
export async function traceExtraction(path: string, text: string, ctx: ClassifyContext): Promise<Extraction | undefined> {
  const lines = text.split('\n').map((l, i) => ({ line: i + 1, text: l })).filter((l) => norm(l.text));
  if (lines.length < MIN_LINES) return undefined;
  const { primary, siblings } = await candidates(path, text, ctx);
  const sets = new Map<string, Set<string>>();
  const load = async (p: string) => {
    if (sets.has(p)) return sets.get(p)!;
    const b = await ctx.content.git(p);
    const s = b && b.length <= MAX_SOURCE_BYTES && !b.subarray(0, 8192).includes(0) ? lineSet(b.toString('utf8')) : new Set<string>();
    sets.set(p, s);
    return s;
  };
  let best: { source: string; hits: boolean[]; n: number } | undefined;
  for (const p of primary) {
    const s = await load(p);
    const hits = lines.map((l) => variants(l.text).some((v) => s.has(v)));
    const n = hits.filter(Boolean).length;
    if (!best || n > best.n) best = { source: p, hits, n };
  }
  // Most of the file from one source; a remainder from the extraction script beside it.
  if (!best || best.n * 2 < lines.length) return undefined;
  const others: string[] = [];
  const hits = [...best.hits];
  const printed: number[] = [];
  for (const p of siblings) {
    if (hits.every(Boolean)) break;
    const s = await load(p);
    const b = await ctx.content.git(p);
    const script = b && b.length <= MAX_SOURCE_BYTES && !b.subarray(0, 8192).includes(0) ? printedLines(b.toString('utf8')) : undefined;
    let used = false;
    lines.forEach((l, i) => {
      if (hits[i]) return;
      const n = norm(l.text);
      if (variants(l.text).some((v) => s.has(v)) || script?.exact.has(n)) { hits[i] = true; used = true; }
      else if (script?.patterns.some((re) => re.test(n))) { hits[i] = true; used = true; printed.push(i); }
    });
    if (used) others.push(p);
  }
  // Lines matched through a printf format carry values from elsewhere: scanned like untraced ones.
  const filled = printed.map((i) => norm(lines[i]!.text));
  const untraced = lines.filter((_, i) => !hits[i]).map((l) => ({ line: l.line, text: norm(l.text).slice(0, 200) }));
  return { source: best.source, others, found: lines.length - untraced.length, total: lines.length, untraced, filled };
}

export const extractedClassifier: Classifier = {
  id: 'extracted-from-source',
  async classify(diff, ctx) {
    if (diff.status !== 'tarball-only' || diff.tarball?.type !== 'file') return undefined;
    const buf = ctx.content.tarball(diff.path);
    if (!buf || buf.length > MAX_BYTES || buf.subarray(0, 8192).includes(0)) return undefined;
    const text = buf.toString('utf8');
    const t = await traceExtraction(diff.path, text, ctx);
    if (!t || t.untraced.length > Math.max(3, Math.floor(t.total * 0.02))) return undefined;
    const rest = [...t.untraced.map((u) => u.text), ...t.filled].join('\n');
    if (findConstructs(rest, diff.path).length || urlHosts(rest).size) return undefined;
    return makeFinding('GENERATED_FROM_SOURCE', diff.path, {
      how: 'extracted', source: t.source, found: t.found, total: t.total,
      ...(t.others.length ? { others: t.others } : {}),
      ...(t.untraced.length ? { untraced: t.untraced.slice(0, 5) } : {}),
    });
  },
};
