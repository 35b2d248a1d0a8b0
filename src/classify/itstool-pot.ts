/**
 * itstool's template of XML documents traced to the elements it names (issue 11 d): a `.pot` that itstool wrote from
 * tracked DocBook (or any XML) files — shadow 4.13's man/po/shadow-man-pages.pot, refreshed at `make dist` by the
 * tracked man/po/Makefile.in (`itstool -d -o $(DOMAIN).po $$files` over `$$file.out` copies of the man pages that one
 * sed line gave an entity declaration, every other line kept) — judged by the shipped file alone:
 *
 * - every entry but the header has empty msgstrs, at least one `#: FILE:LINE` reference and an itstool
 *   `#. (itstool) path: …/NAME` comment; FILE is a tracked file of the tree (from the top or the template's parent
 *   directory), or `X.out` for a tracked X when a tracked makefile beside the template runs itstool on `.out` copies;
 * - at each reference an element named by one of the entry's paths starts (its start tag ends on that line, libxml2's
 *   line), and its content is the msgid as itstool writes it: blanks collapsed, comments dropped, each child element
 *   either verbatim or itstool's placeholder `<_:NAME-K/>` for that element; an entity reference either verbatim
 *   (itstool -d) or its value: a DocBook character entity (`&nbsp;` …) or one a referenced source or a tracked
 *   `*.xml.in`/`*.ent` beside it declares with a literal value, a configure placeholder in that value read as the
 *   release version (`@VERSION@`) or one token of letters, digits and `._-` (`@GROUP_NAME_MAX_LENGTH@`);
 * - every other extracted `#.` comment occurs in a referenced source; the header has only gettext's fields, each of
 *   its form (./pot-trace.ts headerByForm).
 *
 * So every word, URL and command of the template is spelled in the element its reference names; a msgid found
 * nowhere, a reference to another line or file, a translated msgstr or a header field from nowhere leaves the file to
 * the next classifier (SOURCE_MODIFIED / TARBALL_ONLY_UNEXPLAINED, high).
 */
import { makeFinding } from '../core/severity.js';
import { parsePo, type PoEntry } from './gettext.js';
import { makefilesOf } from './makefile-rules.js';
import { baseOf, dirOf } from './paths.js';
import { headerByForm, potCandidate } from './pot-trace.js';
import { admits } from './precheck.js';
import type { Classifier, ClassifyContext } from './types.js';

const MAX_SOURCE_BYTES = 4 * 1024 * 1024;
/** How far before its reference's line an element's start tag may begin (a start tag spread over lines). */
const TAG_SPAN = 400;

/** DocBook's character entities a template may carry as the character. */
const CHAR_ENTITIES: Record<string, string> = {
  nbsp: '\u00a0', mdash: '\u2014', ndash: '\u2013', hellip: '\u2026', copy: '\u00a9', reg: '\u00ae', trade: '\u2122',
  lsquo: '\u2018', rsquo: '\u2019', ldquo: '\u201c', rdquo: '\u201d', laquo: '\u00ab', raquo: '\u00bb', times: '\u00d7',
};

const TAG_SOURCE = /<(\/?)([A-Za-z][\w.:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/.source;
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
/** Literal text as a pattern: blanks collapsed to one, which itstool may drop next to a tag. */
const lit = (s: string) => esc(s.replace(/\s+/g, ' ')).replace(/ /g, ' ?');

/** The contents of the elements named `name` whose start tag ends on line `line` (1-based) of `text`. */
export function elementsAt(text: string, line: number, name: string): string[] {
  let off = 0;
  for (let i = 1; i < line; i++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return [];
    off = nl + 1;
  }
  const nl = text.indexOf('\n', off);
  const lineEnd = nl < 0 ? text.length : nl;
  const out: string[] = [];
  const tags = new RegExp(TAG_SOURCE, 'g');
  tags.lastIndex = Math.max(0, off - TAG_SPAN);
  for (let m = tags.exec(text); m && m.index <= lineEnd; m = tags.exec(text)) {
    const end = m.index + m[0].length;
    if (m[1] || m[4] || m[2] !== name || end - 1 < off || end - 1 > lineEnd) continue;
    const close = new RegExp(TAG_SOURCE, 'g');
    close.lastIndex = end;
    let depth = 1;
    let c: RegExpExecArray | null;
    while ((c = close.exec(text))) {
      if (c[2] !== name || c[4]) continue;
      depth += c[1] ? -1 : 1;
      if (!depth) break;
    }
    if (c) out.push(text.slice(end, c.index));
  }
  return out;
}

/** Entity declarations with a literal value (`<!ENTITY NAME 'value'>`, no references inside). */
export function entityDeclarations(text: string, into: Map<string, string>): void {
  for (const m of text.matchAll(/<!ENTITY\s+([\w.-]+)\s+(?:"([^"%&<]*)"|'([^'%&<]*)')\s*>/g)) if (!into.has(m[1]!)) into.set(m[1]!, m[2] ?? m[3]!);
}

/** A run of an element's text as a pattern: entity references verbatim or as their value (see the module comment). */
function textPattern(s: string, decl: ReadonlyMap<string, string>, version: string | undefined): string {
  let out = '';
  let last = 0;
  for (const m of s.matchAll(/&([A-Za-z][\w.-]*);/g)) {
    out += lit(s.slice(last, m.index));
    const v = CHAR_ENTITIES[m[1]!] ?? decl.get(m[1]!);
    const value = v === undefined ? undefined
      : v.split(/(@[A-Za-z_]\w*@)/).map((p, i) => (i % 2 === 0 ? lit(p) : version && /^@(?:PACKAGE_)?VERSION@$/.test(p) ? esc(version) : '[A-Za-z0-9._-]{1,40}')).join('');
    out += value === undefined ? lit(m[0]) : `(?:${lit(m[0])}|${value})`;
    last = m.index + m[0].length;
  }
  return out + lit(s.slice(last));
}

/** The msgids itstool writes for an element with this content, as a pattern; undefined when its markup does not nest. */
export function contentPattern(content: string, decl: ReadonlyMap<string, string>, version?: string): RegExp | undefined {
  const c = content.replace(/<!--[\s\S]*?-->/g, '');
  const child = (name: string, markup: string) => `(?:<_:${esc(name)}-\\d+/>|${lit(norm(markup))})`;
  let re = '';
  let last = 0;
  let depth = 0;
  let start = 0;
  let name = '';
  const tags = new RegExp(TAG_SOURCE, 'g');
  for (let m = tags.exec(c); m; m = tags.exec(c)) {
    if (depth === 0) {
      if (m[1]) return undefined;
      re += textPattern(c.slice(last, m.index), decl, version);
      if (m[4]) {
        re += child(m[2]!, m[0]);
        last = m.index + m[0].length;
      } else {
        depth = 1;
        start = m.index;
        name = m[2]!;
      }
      continue;
    }
    if (m[4]) continue;
    depth += m[1] ? -1 : 1;
    if (depth === 0) {
      re += child(name, c.slice(start, m.index + m[0].length));
      last = m.index + m[0].length;
    }
  }
  if (depth) return undefined;
  re += textPattern(c.slice(last), decl, version);
  return new RegExp(`^ ?${re.replace(/^(?: \?)+|(?: \?)+$/g, '')} ?$`);
}

interface Block { entry: PoEntry; paths: string[]; comments: string[] }

/** The template's entries with their `#.` comments: itstool's path names, and any other extracted comment. */
function blocksOf(raw: string): Block[] | undefined {
  const out: Block[] = [];
  for (const part of raw.split(/\n[ \t]*\n/)) {
    if (!part.trim()) continue;
    let po;
    try { po = parsePo(part); } catch { return undefined; }
    if (po.entries.length !== 1) return undefined;
    const paths: string[] = [];
    const comments: string[] = [];
    for (const line of part.split('\n').filter((l) => l.startsWith('#.'))) {
      const p = /^#\. \(itstool\) path: (\S+)$/.exec(line);
      if (p) paths.push(p[1]!.split('/').pop()!);
      else if (norm(line.slice(2))) comments.push(norm(line.slice(2)));
    }
    out.push({ entry: po.entries[0]!, paths, comments });
  }
  return out;
}

/** Whether a tracked makefile beside the template runs itstool on `.out` copies (`$$file.out`). */
async function itstoolOnCopies(ctx: ClassifyContext, pot: string): Promise<boolean> {
  const dir = dirOf(pot);
  const mk = await makefilesOf(dir, ctx);
  return !!mk?.rules.some((r) => /(?:^|[\s;|&(])itstool\s/.test(r.recipe) && /\.out\b/.test(r.recipe));
}

interface Source { path: string; text: string }

/** The same differences as pot-trace's: a `.pot` the release added or refreshed (one predicate, pot-trace.ts). */
const candidate = potCandidate;

export const itstoolPotClassifier: Classifier = {
  id: 'itstool-pot',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const buf = ctx.content.tarball(diff.path);
    if (!buf || buf.subarray(0, 8192).includes(0)) return undefined;
    const raw = buf.toString('utf8');
    if (!raw.includes('#. (itstool) path: ')) return undefined;
    const blocks = blocksOf(raw);
    if (!blocks?.length) return undefined;
    const [header, ...entries] = blocks;
    if (!header || header.entry.msgid !== '' || header.entry.msgctxt !== undefined || header.paths.length || !headerByForm(header.entry.msgstr[0] ?? '') || !entries.length) return undefined;
    const copies = await itstoolOnCopies(ctx, diff.path);
    const up = dirOf(dirOf(diff.path));
    const cache = new Map<string, Source | null>();
    const read = async (ref: string): Promise<Source | undefined> => {
      if (ref.startsWith('/') || ref.split('/').includes('..')) return undefined;
      const names = [ref, ...(copies && ref.endsWith('.out') ? [ref.slice(0, -4)] : [])];
      for (const path of names.flatMap((n) => [n, up ? `${up}/${n}` : n])) {
        if (cache.has(path)) { const c = cache.get(path); if (c) return c; continue; }
        let src: Source | undefined;
        if (ctx.gitPaths.has(path)) {
          const b = await ctx.content.git(path);
          if (b && b.length <= MAX_SOURCE_BYTES && !b.subarray(0, 8192).includes(0)) src = { path, text: b.toString('utf8') };
        }
        cache.set(path, src ?? null);
        if (src) return src;
      }
      return undefined;
    };
    // the references first, so that the declarations of every referenced source are known
    const resolved: { block: Block; refs: { src: Source; line: number }[] }[] = [];
    for (const block of entries) {
      const e = block.entry;
      if (e.obsolete || e.msgid === '' || e.msgidPlural !== undefined || e.msgstr.some((s) => s !== '') || !block.paths.length || !e.references.length) return undefined;
      const refs: { src: Source; line: number }[] = [];
      for (const refLine of e.references)
        for (const ref of refLine.replace(/^#:\s*/, '').split(/\s+/).filter(Boolean)) {
          const m = /^(.+):(\d+)$/.exec(ref);
          const src = m ? await read(m[1]!) : undefined;
          if (!m || !src) return undefined;
          refs.push({ src, line: Number(m[2]) });
        }
      resolved.push({ block, refs });
    }
    const used = new Map<string, Source>();
    for (const { refs } of resolved) for (const r of refs) used.set(r.src.path, r.src);
    const decl = new Map<string, string>();
    for (const s of used.values()) entityDeclarations(s.text, decl);
    const dirs = new Set([...used.keys()].map(dirOf));
    for (const p of [...ctx.gitPaths].filter((q) => dirs.has(dirOf(q)) && /\.(?:xml\.in|ent|ent\.in)$/.test(baseOf(q))).sort()) {
      const b = await ctx.content.git(p);
      if (b && b.length <= MAX_SOURCE_BYTES) entityDeclarations(b.toString('utf8'), decl);
    }
    const patterns = new Map<string, RegExp | null>();
    for (const { block, refs } of resolved) {
      const msgid = norm(block.entry.msgid);
      for (const { src, line } of refs) {
        let hit = false;
        for (const name of new Set(block.paths)) {
          for (const content of elementsAt(src.text, line, name)) {
            let re = patterns.get(content);
            if (re === undefined) { re = contentPattern(content, decl, ctx.revision.version) ?? null; patterns.set(content, re); }
            if (re?.test(msgid)) { hit = true; break; }
          }
          if (hit) break;
        }
        if (!hit) return undefined;
      }
    }
    // any other extracted comment (a translators' note) is the sources' text
    const texts = norm([...used.values()].map((s) => s.text).join('\n'));
    if (entries.some((b) => b.comments.some((c) => !texts.includes(c)))) return undefined;
    const sources = [...used.keys()].sort();
    return makeFinding('PO_FROM_TRACKED_CATALOG', diff.path, { kind: 'itstool', source: sources[0]!, entries: entries.length, sources: sources.length });
  },
};
