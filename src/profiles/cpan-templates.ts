/**
 * Test files Dist::Zilla plugins write from their Data::Section templates (MetaTests' xt/author/distmeta.t,
 * Test::EOL's xt/author/eol.t …). data/dzil-templates.json (scripts/derive-dzil-templates.mjs, from the plugins'
 * repositories) holds each template of each plugin release as the SHA-256 and length of the text between its
 * `{{ … }}` blocks (blocks naming only the plugin itself already filled) and, per block, the hashes of the string
 * constants its code holds. A shipped file is that plugin's output only when it is those segments, byte for byte, in
 * order, and every block's output in between is inert: empty; a version number (after one space); a Perl comment line
 * where a line starts (no quote, backquote, brace or backslash in it); a bare relative file name the template itself quotes ('…{{ }}…'); a list of single-quoted names of files the distribution ships; or one of the
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
  /** Hashes of the string constants of the plugin module's own code (outside the template), and the lengths of every constant. */
  consts?: string[];
  lens?: number[];
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

/** What a slot's output may be built from: the plugin's own constants (block's and module's, by hash), their lengths, the plugin class. */
export interface SlotVocabulary {
  constants: ReadonlySet<string>;
  lens: readonly number[];
  plugin: string;
}
const NUMBER = /v?\d+(?:\.\d+)*(?:_\d+)?/y;
const WORD = /[\w./+-]+/y;
const FAT_COMMA = /\s*=>/y;
/** Stopwords after `__DATA__` (Test::PodSpelling): lines of non-blank words Perl never compiles. */
const DATA_WORDS = /__DATA__(?:\n[^\s]+)*\n?$/y;

/**
 * Can `c` be cut into tokens each of which the plugin's code could print with no code of the distribution's choosing?
 * A token is one of the plugin's own string constants (or a literal piece of its interpolated strings), a number, the
 * plugin's class name, the name of a file (or folder) the distribution ships inside quotes, a Perl identifier before ` =>` (the fat
 * comma quotes it), or — from a `__DATA__` line to the end — lines of words Perl never compiles.
 */
export function tokenizable(c: string, v: SlotVocabulary, shipped: (p: string) => boolean, prev = '', next = ''): boolean {
  const before = (i: number) => (i > 0 ? c[i - 1]! : prev.slice(-1));
  const after = (j: number) => (j < c.length ? c[j]! : next.slice(0, 1));
  const ok = new Uint8Array(c.length + 1);
  ok[0] = 1;
  const at = (re: RegExp, i: number) => {
    re.lastIndex = i;
    return re.exec(c)?.[0];
  };
  for (let i = 0; i < c.length; i++) {
    if (!ok[i]) continue;
    if ((i === 0 || c[i - 1] === '\n') && c.startsWith('__DATA__', i) && at(DATA_WORDS, i) !== undefined) return true;
    for (const n of v.lens) if (i + n <= c.length && !ok[i + n] && v.constants.has(sha(c.slice(i, i + n)))) ok[i + n] = 1;
    const num = at(NUMBER, i);
    if (num) ok[i + num.length] = 1;
    if (c.startsWith(v.plugin, i)) ok[i + v.plugin.length] = 1;
    const name = at(WORD, i);
    if (name && !/[\w./+-]/.test(before(i))) {
      const quoted = /^['"]$/.test(before(i)) && after(i + name.length) === before(i); // a string, never a bareword call
      if (quoted && (shipped(name) || shipped(`lib/${name}`) || isShippedDir(name, shipped))) ok[i + name.length] = 1;
      else if (/^\w+$/.test(name) && at(FAT_COMMA, i + name.length) !== undefined) ok[i + name.length] = 1;
    }
  }
  return ok[c.length] === 1;
}
let dirCache: { fn: (p: string) => boolean; dirs: Map<string, boolean> } | undefined;
/** Is `name` a folder some shipped file is under? (asked through `shipped` with the folder's marker paths only) */
function isShippedDir(name: string, shipped: (p: string) => boolean): boolean {
  if (!dirCache || dirCache.fn !== shipped) dirCache = { fn: shipped, dirs: new Map() };
  let hit = dirCache.dirs.get(name);
  if (hit === undefined) {
    hit = shipped(`${name}/`);
    dirCache.dirs.set(name, hit);
  }
  return hit;
}

/** Is `c`, printed by a block between `prev` and `next`, inert? (see the module comment) */
export function inertSlot(c: string, prev: string, next: string, constants: readonly string[], shipped: (p: string) => boolean, vocab?: SlotVocabulary): boolean {
  if (c === '') return true;
  if (/^ ?v?\d+(?:\.\d+)*(?:_\d+)?$/.test(c)) return true;
  // a comment only where a line of code starts (red team 19: inside '…{{ }}…' the slot `#'; system q{…}; '` closed the
  // string and ran code as a "comment"), and with nothing that could close a string or block it sits in
  if (/^#[^\n'"`{}\\]*$/.test(c) && (prev === '' || /\n[ \t]*$/.test(prev))) return true;
  // a name the template quotes, relative and inside the distribution (red team 19: `do '/tmp/x.pl'` in
  // t/00-report-prereqs.t ran a file any local user can plant)
  if (((prev.endsWith("'") && next.startsWith("'")) || (prev.endsWith('"') && next.startsWith('"'))) && NAME.test(c) && !c.startsWith('/') && !c.split('/').includes('..')) return true;
  if (/qw\(\s*$/.test(prev) && /^\s*\)/.test(next) && /^\s*[^()\s\\]+(?:\s+[^()\s\\]+)*\s*$/.test(c)) return true; // words of a qw( ): strings
  if (QUOTED_LIST.test(c)) {
    const names = [...c.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
    if (names.every((p) => shipped(p) || shipped(`lib/${p}`))) return true;
  }
  if (constants.includes(sha(c))) return true;
  return vocab !== undefined && tokenizable(c, vocab, shipped, prev, next);
}

function matchEntry(e: TemplateEntry, text: string, shipped: (p: string) => boolean): boolean {
  const segs = e.segments;
  const vocabs = new Map<number, SlotVocabulary>();
  const vocab = (k: number): SlotVocabulary | undefined => {
    if (!e.lens) return undefined;
    let v = vocabs.get(k);
    if (!v) vocabs.set(k, (v = { constants: new Set([...e.slots[k]!, ...(e.consts ?? [])]), lens: e.lens, plugin: e.plugin }));
    return v;
  };
  const at = (k: number, pos: number): boolean => {
    const s = segs[k]!;
    if (pos + s.n > text.length || sha(text.slice(pos, pos + s.n)) !== s.h) return false;
    const end = pos + s.n;
    if (k === segs.length - 1) return end === text.length;
    const next = segs[k + 1]!;
    // the text before the slot as Perl reads it (the previous slot's output too, when this segment is short)
    const prevText = text.slice(Math.max(0, end - 8), end);
    for (let q = end; q <= Math.min(text.length - next.n, end + MAX_SLOT); q++) {
      if (sha(text.slice(q, q + Math.min(16, next.n))) !== next.head) continue;
      const c = text.slice(end, q);
      if (!inertSlot(c, prevText, text.slice(q, q + 8), e.slots[k]!, shipped, vocab(k))) continue;
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
  // the template of that file name whose releases include the version the file names (`generated by … 2.007005`), else
  // one naming that version (Test::Version 1.07+ calls its section __TEST__), else of that name, else the first recorded: a slot filled with the plugin's version matches every release of the same text
  const names = (h: TemplateEntry) => h.versions.some((v) => new RegExp(`(?<![\\d.])${v.replace(/\./g, '\\.')}(?![\\d.])`).test(text));
  const e = hits.find((h) => h.section === path && names(h)) ?? hits.find(names) ?? hits.find((h) => h.section === path) ?? hits[0]!;
  return { upstream: { project: e.plugin, file: e.section, version: span(e.versions), source: `template of the plugin's releases (${e.repo})` }, others: hits.length - 1 };
}
