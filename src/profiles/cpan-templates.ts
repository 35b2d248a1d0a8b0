/**
 * Test files Dist::Zilla plugins write from their Data::Section templates (MetaTests' xt/author/distmeta.t,
 * Test::EOL's xt/author/eol.t …). data/dzil-templates.json (scripts/derive-dzil-templates.mjs, from the plugins'
 * repositories) holds each template of each plugin release as the SHA-256 and length of the text between its
 * `{{ … }}` blocks (blocks naming only the plugin itself already filled) and, per block, the hashes of the string
 * constants its code holds. A shipped file is that plugin's output only when it is those segments, byte for byte, in
 * order, and every block's output in between is inert: empty; a version number (after one space); a Perl comment line; a bare file name
 * the template itself quotes ('…{{ }}…'); a list of single-quoted names of files the distribution ships; or one of the
 * block's own string constants. Code of the distribution's choosing can fill no slot.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { UpstreamRef } from '../core/findings.js';

interface Segment {
  h: string;
  n: number;
  head: string;
}
interface TemplateEntry {
  plugin: string;
  section: string;
  repo: string;
  versions: string[];
  segments: Segment[];
  slots: string[][];
}

let table: TemplateEntry[] | undefined;
function templates(): TemplateEntry[] {
  table ??= Object.values((JSON.parse(readFileSync(new URL('../../data/dzil-templates.json', import.meta.url), 'utf8')) as { templates: Record<string, TemplateEntry[]> }).templates).flat();
  return table;
}

const sha = (s: string) => createHash('sha256').update(Buffer.from(s, 'latin1')).digest('hex');
/** The longest a slot's output may be (the file lists of Test::EOL/NoTabs/Compile in a large distribution). */
const MAX_SLOT = 65536;
const NAME = /^[\w./+-]+$/;
const QUOTED_LIST = /^\s*'[\w./+-]+'(?:\s*,\s*'[\w./+-]+')*\s*,?\s*$/;

/** Is `c`, printed by a block between `prev` and `next`, inert? (see the module comment) */
export function inertSlot(c: string, prev: string, next: string, constants: readonly string[], shipped: (p: string) => boolean): boolean {
  if (c === '') return true;
  if (/^ ?v?\d+(?:\.\d+)*(?:_\d+)?$/.test(c)) return true;
  if (/^#[^\n]*$/.test(c)) return true;
  if (prev.endsWith("'") && next.startsWith("'") && NAME.test(c)) return true;
  if (QUOTED_LIST.test(c)) {
    const names = [...c.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
    if (names.every((p) => shipped(p) || shipped(`lib/${p}`))) return true;
  }
  return constants.includes(sha(c));
}

function matchEntry(e: TemplateEntry, text: string, shipped: (p: string) => boolean): boolean {
  const segs = e.segments;
  const at = (k: number, pos: number): boolean => {
    const s = segs[k]!;
    if (pos + s.n > text.length || sha(text.slice(pos, pos + s.n)) !== s.h) return false;
    const end = pos + s.n;
    if (k === segs.length - 1) return end === text.length;
    const next = segs[k + 1]!;
    const prevText = text.slice(Math.max(pos, end - 1), end);
    for (let q = end; q <= Math.min(text.length - next.n, end + MAX_SLOT); q++) {
      if (sha(text.slice(q, q + Math.min(16, next.n))) !== next.head) continue;
      const c = text.slice(end, q);
      if (!inertSlot(c, prevText, text.slice(q, q + 1), e.slots[k]!, shipped)) continue;
      if (at(k + 1, q)) return true;
    }
    return false;
  };
  return at(0, 0);
}

const span = (v: string[]) => (v.length === 1 ? v[0]! : `${v[0]}–${v[v.length - 1]}`);

/** The plugin template `content` (shipped at `path`) was written from, or undefined; `others`: further templates it also matches. */
export function dzilTemplate(content: Buffer, shipped: (p: string) => boolean, path?: string): { upstream: UpstreamRef; others: number } | undefined {
  const text = content.toString('latin1');
  const hits = templates().filter((e) => e.segments.reduce((n, s) => n + s.n, 0) <= text.length && matchEntry(e, text, shipped));
  if (!hits.length) return undefined;
  const e = hits.find((h) => h.section === path) ?? hits[0]!; // the template of that file name, else the first recorded
  return { upstream: { project: e.plugin, file: e.section, version: span(e.versions), source: `template of the plugin's releases (${e.repo})` }, others: hits.length - 1 };
}
