/**
 * xgettext's output traced to the sources it names (issue 11 d): a tarball-only `.pot` (or a tracked one the release
 * refreshed) — the template of a
 * gnulib/runtime domain such as bison's gnulib-po/bison-gnulib.pot or wget's gnulib_po/wget-gnulib.pot, made at
 * release time from the gnulib copies under lib/ — whose every message is where its `#:` lines say.
 *
 * - every entry but the header has empty msgstrs and at least one `#: FILE:LINE` reference; each FILE is a
 *   file of the tree (tracked, or only in the tarball: a gnulib copy, then listed as `tarballInputs` and
 *   judged by its own finding — src/classify/derived-inputs.ts keeps this file high unless that finding
 *   explains the copy), resolved from the top of the tree or from the .pot's parent directory;
 * - at each referenced line a C string literal starts whose concatenation with the literals adjacent to it
 *   (blanks, newlines and comments between) is exactly the msgid; a msgid_plural or msgctxt is such a
 *   literal sequence within the next lines;
 * - every extracted comment (`#.`, the TRANSLATORS notes xgettext copies) occurs in a referenced source;
 * - the header entry has only the fields xgettext writes, each of its form (a date for POT-Creation-Date,
 *   xgettext's placeholders where it leaves them); the values the maintainer's configuration gives (package
 *   name and version, bug address) are checked only by form.
 *
 * Anything else — a msgid found nowhere, a reference to a file the tree lacks, a translated msgstr, an unknown
 * header field — leaves the file to the next classifier.
 */
import { makeFinding } from '../core/severity.js';
import { parsePo, type PoEntry } from './gettext.js';
import { dirOf } from './paths.js';
import type { Classifier, ClassifyContext } from './types.js';
import { admits } from './precheck.js';

const MAX_BYTES = 4 * 1024 * 1024;
const MAX_SOURCE_BYTES = 4 * 1024 * 1024;
/** Lines after a message's reference in which its msgid_plural / msgctxt literal may start. */
const NEAR = 12;

const HEADER_FIELDS: Record<string, RegExp> = {
  'Project-Id-Version': /^[^\n\\"]{1,120}$/,
  'Report-Msgid-Bugs-To': /^(?:[^\s@<>"\\]+@[A-Za-z0-9.-]+|https?:\/\/[^\s"<>\\]+|)$/,
  'POT-Creation-Date': /^\d{4}-\d\d-\d\d \d\d:\d\d[+-]\d{4}$/,
  'PO-Revision-Date': /^YEAR-MO-DA HO:MI\+ZONE$/,
  'Last-Translator': /^FULL NAME <EMAIL@ADDRESS>$/,
  'Language-Team': /^LANGUAGE <LL@li\.org>$/,
  Language: /^$/,
  'MIME-Version': /^1\.0$/,
  // (a project's own update script may write the charset in lower case: mc 4.8.33's `charset=utf-8`, git's too)
  'Content-Type': /^text\/plain; charset=(?:CHARSET|[Uu][Tt][Ff]-8|ASCII)$/,
  'Content-Transfer-Encoding': /^8bit$/,
  'Plural-Forms': /^nplurals=INTEGER; plural=EXPRESSION;$/,
};

/** The header's fields are xgettext's, each of its form. */
export function headerByForm(msgstr: string): boolean {
  if (!msgstr.endsWith('\n')) return false;
  const seen = new Set<string>();
  for (const line of msgstr.slice(0, -1).split('\n')) {
    const m = /^([A-Za-z-]+): ?(.*)$/.exec(line);
    const form = m && HEADER_FIELDS[m[1]!];
    if (!m || !form || seen.has(m[1]!) || !form.test(m[2]!)) return false;
    seen.add(m[1]!);
  }
  return seen.has('Project-Id-Version') && seen.has('Content-Type');
}

interface Literal { line: number; start: number; end: number; value: string }

const C_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', '"': '"', "'": "'", '?': '?' };

/** The C string literals of a source (line numbers 1-based), comments and character constants skipped. */
export function cStringLiterals(text: string): Literal[] | undefined {
  const out: Literal[] = [];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') { line++; continue; }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return undefined;
      for (let j = i; j < end; j++) if (text[j] === '\n') line++;
      i = end + 1;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') { while (i + 1 < text.length && text[i + 1] !== '\n') i++; continue; }
    if (c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== "'" && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      i = j;
      continue;
    }
    if (c !== '"') continue;
    const start = line;
    let value = '';
    let j = i + 1;
    for (; j < text.length && text[j] !== '"'; j++) {
      const d = text[j]!;
      if (d === '\n') return undefined;
      if (d !== '\\') { value += d; continue; }
      const e = text[++j]!;
      if (e === '\n') { line++; continue; }
      const oct = /^[0-7]{1,3}/.exec(text.slice(j, j + 3));
      const hex = e === 'x' ? /^[0-9a-fA-F]+/.exec(text.slice(j + 1)) : null;
      if (oct) { value += String.fromCharCode(parseInt(oct[0], 8) & 0xff); j += oct[0].length - 1; }
      else if (hex) { value += String.fromCharCode(parseInt(hex[0], 16) & 0xff); j += hex[0].length; }
      else if (C_ESCAPES[e] !== undefined) value += C_ESCAPES[e];
      else return undefined;
    }
    out.push({ line: start, start: i, end: j, value });
    i = j;
  }
  return out;
}

/** Literal sequences (adjacent literals concatenated, only blanks and comments between) starting on lines [from, to]. */
function sequences(text: string, lits: readonly Literal[], from: number, to: number): string[] {
  const out: string[] = [];
  for (let k = 0; k < lits.length; k++) {
    if (lits[k]!.line < from || lits[k]!.line > to) continue;
    let v = lits[k]!.value;
    out.push(v);
    for (let m = k + 1; m < lits.length; m++) {
      const between = text.slice(lits[m - 1]!.end + 1, lits[m]!.start);
      if (!/^(?:\s|\\\n|\/\*[\s\S]*?\*\/)*$/.test(between)) break; // a backslash-newline splice too (a macro's continued line)
      v += lits[m]!.value;
      out.push(v);
    }
  }
  return out;
}

interface Source { path: string; text: string; lits: Literal[]; fromTarball: boolean }

async function readSource(ctx: ClassifyContext, pot: string, ref: string, cache: Map<string, Source | null>): Promise<Source | undefined> {
  if (ref.startsWith('/') || ref.split('/').includes('..')) return undefined;
  const up = dirOf(dirOf(pot));
  for (const path of [ref, up ? `${up}/${ref}` : ref]) {
    if (cache.has(path)) { const c = cache.get(path); if (c) return c; continue; }
    let buf: Buffer | undefined;
    let fromTarball = false;
    if (ctx.gitPaths.has(path)) buf = await ctx.content.git(path);
    else if (ctx.tarballPaths.has(path)) { buf = ctx.content.tarball(path); fromTarball = true; }
    const text = buf && buf.length <= MAX_SOURCE_BYTES && !buf.subarray(0, 8192).includes(0) ? buf.toString('latin1') : undefined;
    const lits = text === undefined ? undefined : cStringLiterals(text);
    const src = text !== undefined && lits ? { path, text, lits, fromTarball } : undefined;
    cache.set(path, src ?? null);
    if (src) return src;
  }
  return undefined;
}

/** The files a tracked POTFILES.in beside the template lists (comments and blank lines skipped), or undefined. */
async function potfiles(ctx: ClassifyContext, pot: string): Promise<string[] | undefined> {
  const dir = dirOf(pot);
  const path = dir ? `${dir}/POTFILES.in` : 'POTFILES.in';
  if (!ctx.gitPaths.has(path)) return undefined;
  const buf = await ctx.content.git(path);
  if (!buf) return undefined;
  return buf.toString('latin1').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
}

/** Whether the entry's strings start at its reference's line (plural and context within the next lines). */
function tracedAt(src: Source, line: number, e: PoEntry): boolean {
  const near = sequences(src.text, src.lits, line, line + NEAR);
  if (!sequences(src.text, src.lits, line, line).includes(e.msgid)) {
    // pgettext ("ctx", "msgid"): the reference's line holds the context, the msgid follows it
    if (e.msgctxt === undefined || !near.includes(e.msgid)) return false;
  }
  if (e.msgctxt !== undefined && !near.includes(e.msgctxt)) return false;
  return e.msgidPlural === undefined || near.includes(e.msgidPlural);
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();


/** The differences classify() can decide at all (the registry skips the rest without calling it). */
// Also a tracked template the release refreshed (xgettext run again at make dist): judged by the same rules, the
// shipped file alone — every msgid at its line of the tag's sources, or, with no #: line at all (xgettext
// --no-location: shadow 4.13's po/shadow.pot), a literal sequence of a source POTFILES.in lists.
export const potCandidate: NonNullable<Classifier['candidate']> = (diff) =>
  (diff.status === 'tarball-only' || (diff.status === 'changed' && diff.git?.type === 'file' && (diff.changes ?? []).every((c) => c === 'content'))) &&
  diff.tarball?.type === 'file' && diff.path.endsWith('.pot') && diff.tarball.size <= MAX_BYTES;

export const potTraceClassifier: Classifier = {
  id: 'pot-trace',
  candidate: potCandidate,
  async classify(diff, ctx) {
    if (!admits(potCandidate, diff)) return undefined;
    const buf = ctx.content.tarball(diff.path);
    if (!buf) return undefined;
    const raw = buf.toString('latin1');
    let po;
    try { po = parsePo(raw); } catch { return undefined; }
    const [header, ...entries] = po.entries;
    if (!header || header.msgid !== '' || header.msgctxt !== undefined || !headerByForm(header.msgstr[0] ?? '') || entries.length === 0) return undefined;
    const cache = new Map<string, Source | null>();
    const used = new Map<string, Source>();
    // xgettext --no-location (shadow 4.13's po/shadow.pot): no entry has a #: line; then every string must be a
    // literal sequence of a source the tracked POTFILES.in beside the template lists (anywhere in it).
    if (entries.every((e) => e.references.length === 0)) {
      const listed = await potfiles(ctx, diff.path);
      if (!listed?.length) return undefined;
      const all = new Set<string>();
      for (const f of listed) {
        const src = await readSource(ctx, diff.path, f, cache);
        if (!src) return undefined;
        used.set(src.path, src);
        // xgettext ends a string at an embedded \0 (shadow's _("**Never logged in**\0"))
        for (const v of sequences(src.text, src.lits, 0, Number.MAX_SAFE_INTEGER)) all.add(v.includes('\0') ? v.slice(0, v.indexOf('\0')) : v);
      }
      for (const e of entries) {
        if (e.obsolete || e.msgid === '' || e.msgstr.some((x) => x !== '')) return undefined;
        if (!all.has(e.msgid) || (e.msgidPlural !== undefined && !all.has(e.msgidPlural)) || (e.msgctxt !== undefined && !all.has(e.msgctxt))) return undefined;
      }
    } else
    for (const e of entries) {
      if (e.obsolete || e.msgid === '' || e.msgstr.some((s) => s !== '') || e.references.length === 0) return undefined;
      for (const refLine of e.references)
        for (const ref of refLine.replace(/^#:\s*/, '').split(/\s+/).filter(Boolean)) {
          const m = /^(.+):(\d+)$/.exec(ref);
          const src = m ? await readSource(ctx, diff.path, m[1]!, cache) : undefined;
          if (!m || !src || !tracedAt(src, Number(m[2]), e)) return undefined;
          used.set(src.path, src);
        }
    }
    // xgettext's extracted comments (#.) are copied from the sources' comments.
    const texts = norm([...used.values()].map((s) => s.text).join('\n'));
    for (const c of raw.split('\n').filter((l) => l.startsWith('#.')).map((l) => norm(l.slice(2))).filter(Boolean))
      if (!texts.includes(c)) return undefined;
    const sources = [...used.keys()].sort();
    const fromTarball = [...used.values()].filter((s) => s.fromTarball).map((s) => s.path).sort();
    return makeFinding('PO_FROM_TRACKED_CATALOG', diff.path, {
      kind: 'traced',
      source: sources[0]!,
      entries: entries.length,
      sources: sources.length,
      ...(fromTarball.length ? { tarballInputs: fromTarball } : {}),
    });
  },
};
