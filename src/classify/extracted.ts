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
import { baseOf, dirOf, pathsBy } from './paths.js';
import { findConstructs } from './suspicious.js';
import type { Classifier, ClassifyContext } from './types.js';
import { urlHosts } from './urls.js';
import { admits } from './precheck.js';

const MAX_BYTES = 1024 * 1024;
const MAX_SOURCE_BYTES = 8 * 1024 * 1024;
const MAX_MANUALS = 20;
const MAX_SIBLINGS = 40;
const TEXINFO = /\.(?:texi|texinfo|txi)$/;
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

const CONVERSION = /%[-0-9.]*[sdiu]/;
const escapeRe = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The lines of a script's double-quoted string literals, split at `\n`, escapes (\" \\ \t) undone. */
function literalPieces(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/"((?:[^"\\\n]|\\.)*)"/g))
    for (const piece of m[1]!.split('\\n')) out.push(piece.replace(/\\(["\\t])/g, (_, c: string) => (c === 't' ? '\t' : c)));
  return out;
}

/**
 * A script's printf line formats, exact (not normalised): each conversion (%s, %d, %03d …) becomes a
 * capture of a short single-line value, so the values a printed line carries can be checked one by one.
 */
export function printfFormats(text: string): RegExp[] {
  const out: RegExp[] = [];
  for (const piece of literalPieces(text)) {
    if (!piece.trim() || out.length >= 500) continue;
    const parts = piece.split(CONVERSION);
    if (parts.join('').trim().length < 4) continue; // a bare "%s" proves nothing
    out.push(new RegExp(`^${parts.map((x) => escapeRe(x.replace(/%%/g, '%'))).join('([^\\n]{0,200}?)')}$`));
  }
  return out;
}

/**
 * The lines a script prints: its double-quoted string literals split at `\n`; a printf conversion
 * (%s, %d, %03d …) matches a short single-line value.
 */
export function printedLines(text: string): { exact: Set<string>; patterns: RegExp[] } {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const raw of literalPieces(text)) {
    const n = norm(raw);
    if (!n) continue;
    if (!CONVERSION.test(n)) { exact.add(n); continue; }
    if (patterns.length >= 500) continue;
    const re = n.split(CONVERSION).map(escapeRe).join('[^\\n]{0,200}?');
    if (re.replace(/\[\^\\n\]\{0,200\}\?/g, '').length >= 8) patterns.push(new RegExp(`^${re}$`));
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
  // The directory's tracked files from the shared index (no base name and directory cut out of each of the
  // tree's paths: the kernel's 78,000), in the tree's order as before.
  for (const p of pathsBy('dir', ctx.gitPaths).get(dir) ?? []) {
    if (p === path) continue;
    const b = baseOf(p);
    if (b.length < base.length && base.startsWith(b) && /^[._-]/.test(base.slice(b.length))) primary.add(p);
    else if (siblings.length < MAX_SIBLINGS) siblings.push(p);
  }
  // A texinfo name at the end of the whole path is one at the end of its base name (no '/' in the suffix).
  for (const p of ctx.gitPaths) {
    if (manuals.length >= MAX_MANUALS) break;
    if (TEXINFO.test(p)) manuals.push(p);
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

// ---- an example block named by the file's first line: proved exactly ----

const ORIGIN = /((?:\.\.?\/)*[\w.+-]+(?:\/[\w.+-]+)*\.(?:texi|texinfo|txi)):(\d+)\b/;

/** Texinfo's escapes in an example, undone in the order an extraction script's substitutions apply them. */
export const unescapeExample = (l: string): string =>
  l.replace(/@@/g, '@').replace(/@\{/g, '{').replace(/@\}/g, '}').replace(/@w\{ \}/g, ' ').replace(/@tabchar\{\}/g, '\t');

/**
 * The lines an `@example` block (0-based index of its `@example` line) yields in an extracted test: each line
 * unescaped; the EOF marker `^D` and shell-prompt lines `$ @kbd{…}` (the command that runs the example, not its
 * input) left out; output lines (`@result{}`, `@error{}`) commented with the file's comment leader so the test
 * file keeps them as its expectations. Undefined when the block has no `@end example`.
 */
export function exampleLines(manual: readonly string[], at: number, leader: string): string[] | undefined {
  if (manual[at] !== '@example') return undefined;
  const out: string[] = [];
  for (let i = at + 1; i < manual.length; i++) {
    const l = manual[i]!;
    if (l === '@end example') return out;
    if (l === '^D' || l.startsWith('$ @kbd')) continue;
    out.push((/^@(?:result|error)\{\}/.test(l) ? leader : '') + unescapeExample(l));
  }
  return undefined;
}

/** The `@comment KEY: VALUE` directives between the previous `@example` and this one (a test's options, status …). */
export function directivesBefore(manual: readonly string[], at: number): string[] {
  const out: string[] = [];
  for (let i = at - 1; i >= 0 && manual[i] !== '@example'; i--) {
    const m = /^@comment [\w-]+:(.*)$/.exec(manual[i]!);
    if (m) out.push(m[1]!.trim());
  }
  return out;
}

export interface ExampleProof { source: string; block: number; lines: number; scripts: string[] }

const caches = new WeakMap<object, Map<string, Promise<unknown>>>();
function cached<T>(ctx: ClassifyContext, key: string, make: () => Promise<T>): Promise<T> {
  let m = caches.get(ctx.content);
  if (!m) caches.set(ctx.content, (m = new Map()));
  if (!m.has(key)) m.set(key, make());
  return m.get(key) as Promise<T>;
}
const textOf = (b: Buffer | undefined) => (b && b.length <= MAX_SOURCE_BYTES && !b.subarray(0, 8192).includes(0) ? b.toString('utf8') : undefined);

/**
 * Proves a test file extracted from one `@example` block of a tracked manual: its first line names
 * `MANUAL:LINE`; line LINE of that tracked manual is `@example`; the file ends with exactly the lines that
 * block yields (exampleLines); every line before them is printed by a tracked script beside the file (one of
 * its printf formats), each value filled in being the manual's path as written, the block's line, 0 or empty,
 * or the value of an `@comment KEY: VALUE` directive just before the block. `claimed` is false when the first
 * line names no tracked manual line (the file makes no such claim); otherwise `proof` is undefined when any
 * part differs.
 */
export async function proveExample(path: string, text: string, ctx: ClassifyContext): Promise<{ claimed: boolean; proof?: ExampleProof }> {
  const nl = text.indexOf('\n');
  const first = nl < 0 ? text : text.slice(0, nl);
  const m = ORIGIN.exec(first);
  const leader = /^(\S+)\s/.exec(first)?.[1];
  if (!m || !leader) return { claimed: false };
  const dir = dirOf(path);
  const source = [resolve(dir, m[1]!), resolve('', m[1]!)].find((p): p is string => p !== undefined && ctx.gitPaths.has(p));
  if (!source) return { claimed: false };
  const block = Number(m[2]);
  const manual = await cached(ctx, `lines:${source}`, async () => textOf(await ctx.content.git(source))?.split('\n'));
  if (!manual || !text.endsWith('\n')) return { claimed: true };
  const body = exampleLines(manual, block - 1, `${leader} `);
  if (!body) return { claimed: true };
  const lines = text.slice(0, -1).split('\n');
  const k = lines.length - body.length;
  if (k < 1 || body.some((l, i) => lines[k + i] !== l)) return { claimed: true };
  const allowed = new Set([m[1]!, String(block), '', '0', ...directivesBefore(manual, block - 1)]);
  const siblings = (pathsBy('dir', ctx.gitPaths).get(dir) ?? []).filter((p) => p !== path && p !== source).sort().slice(0, MAX_SIBLINGS);
  const scripts = new Set<string>();
  for (const h of lines.slice(0, k)) {
    let ok = false;
    for (const p of siblings) {
      const formats = await cached(ctx, `formats:${p}`, async () => printfFormats(textOf(await ctx.content.git(p)) ?? ''));
      if (formats.some((re) => re.exec(h)?.slice(1).every((v) => allowed.has(v.trim())))) { scripts.add(p); ok = true; break; }
    }
    if (!ok) return { claimed: true };
  }
  return { claimed: true, proof: { source, block, lines: lines.length, scripts: [...scripts] } };
}


/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file';

export const extractedClassifier: Classifier = {
  id: 'extracted-from-source',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const buf = ctx.content.tarball(diff.path);
    if (!buf || buf.length > MAX_BYTES || buf.subarray(0, 8192).includes(0)) return undefined;
    const text = buf.toString('utf8');
    // A file naming the manual block it came from is judged by that block alone: one differing line leaves it unexplained.
    const ex = await proveExample(diff.path, text, ctx);
    if (ex.claimed) {
      if (!ex.proof) return undefined;
      const { source, block, lines, scripts } = ex.proof;
      return makeFinding('GENERATED_FROM_SOURCE', diff.path, { how: 'extracted', source, block, found: lines, total: lines, ...(scripts.length ? { others: scripts } : {}) });
    }
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
