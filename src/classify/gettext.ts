/**
 * Translation catalogs rewritten by `make dist` (msgmerge): a changed `.po`/`.pot` is explained when
 * only what msgmerge touches changed — header dates, `#:` reference lines, comments, fuzzy flags,
 * entries moved to or from obsolete (`#~`), new msgids from the template and dropped msgids. A msgstr
 * that differs for a msgid git already has is a translation change, which msgmerge does not make.
 */
import { makeFinding } from '../core/severity.js';
import { changedContent } from './line-endings.js';
import type { Classifier } from './types.js';

export interface PoEntry {
  msgctxt?: string;
  msgid: string;
  msgidPlural?: string;
  /** msgstr (index 0) or msgstr[n]. */
  msgstr: string[];
  fuzzy: boolean;
  obsolete: boolean;
  /** The `#:` lines, as written. */
  references: string[];
}

export interface PoFile {
  entries: PoEntry[];
  /** Every `#:` line in the file. */
  referenceLines: string[];
}

/** Parse a C-escaped PO string body (between the quotes). */
function unescapePo(s: string): string {
  return s.replace(/\\(["\\abfnrtv]|[0-7]{1,3}|x[0-9a-fA-F]{1,2})/g, (_m, e: string) => {
    const map: Record<string, string> = { '"': '"', '\\': '\\', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
    if (map[e] !== undefined) return map[e]!;
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    return String.fromCharCode(parseInt(e, 8));
  });
}

/** Parse a PO/POT file. Throws on lines it does not understand (the classifier then cannot decide). */
export function parsePo(text: string): PoFile {
  const entries: PoEntry[] = [];
  const referenceLines: string[] = [];
  let cur: PoEntry | undefined;
  let pendingFuzzy = false;
  let pendingRefs: string[] = [];
  let field: { key: 'msgctxt' | 'msgid' | 'msgidPlural' | 'msgstr'; index: number } | undefined;
  let lastKeyword: 'msgctxt' | 'msgid' | 'msgid_plural' | 'msgstr' | undefined;

  const finish = () => {
    if (cur) entries.push(cur);
    cur = undefined;
    field = undefined;
  };
  const start = (obsolete: boolean) => {
    cur = { msgid: '', msgstr: [], fuzzy: pendingFuzzy, obsolete, references: pendingRefs };
    pendingFuzzy = false;
    pendingRefs = [];
  };
  const append = (s: string) => {
    if (!cur || !field) throw new Error('string without a keyword');
    const v = unescapePo(s);
    if (field.key === 'msgstr') cur.msgstr[field.index] = (cur.msgstr[field.index] ?? '') + v;
    else cur[field.key] = (cur[field.key] ?? '') + v;
  };

  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!.replace(/\r$/, '').trim();
    if (line === '') {
      finish();
      lastKeyword = undefined;
      continue;
    }
    let obsolete = false;
    if (line.startsWith('#~')) {
      obsolete = true;
      line = line.slice(2).trim();
      if (line.startsWith('|')) continue; // previous msgid of an obsolete entry
      if (line === '') continue;
    } else if (line.startsWith('#')) {
      if (line.startsWith('#:')) {
        referenceLines.push(line);
        pendingRefs.push(line);
      } else if (line.startsWith('#,')) {
        if (/\bfuzzy\b/.test(line)) pendingFuzzy = true;
      }
      // Other comments (#, #. #|) are kept out of the comparison.
      if (cur && lastKeyword === 'msgstr') finish();
      continue;
    }
    const kw = /^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"$/.exec(line);
    if (kw) {
      const k = kw[1]!;
      if (k === 'msgctxt' || (k === 'msgid' && lastKeyword !== 'msgctxt')) {
        finish();
        start(obsolete);
      }
      if (!cur) throw new Error(`line ${n + 1}: ${k} outside an entry`);
      if (k === 'msgctxt') field = { key: 'msgctxt', index: 0 };
      else if (k === 'msgid') field = { key: 'msgid', index: 0 };
      else if (k === 'msgid_plural') field = { key: 'msgidPlural', index: 0 };
      else field = { key: 'msgstr', index: kw[2] !== undefined ? Number(kw[2]) : 0 };
      if (field.key === 'msgctxt') cur.msgctxt = '';
      if (field.key === 'msgidPlural') cur.msgidPlural = '';
      if (field.key === 'msgstr') cur.msgstr[field.index] = cur.msgstr[field.index] ?? '';
      lastKeyword = k.startsWith('msgstr') ? 'msgstr' : (k as 'msgctxt' | 'msgid' | 'msgid_plural');
      append(kw[3]!);
      continue;
    }
    const cont = /^"(.*)"$/.exec(line);
    if (cont) {
      append(cont[1]!);
      continue;
    }
    throw new Error(`line ${n + 1}: not PO syntax`);
  }
  finish();
  return { entries, referenceLines };
}

const keyOf = (e: PoEntry) => `${e.msgctxt ?? ''}\u0004${e.msgid}\u0004${e.msgidPlural ?? ''}`;
const isHeader = (e: PoEntry) => e.msgid === '' && e.msgctxt === undefined;
const strs = (e: PoEntry) => JSON.stringify(e.msgstr.map((s) => s ?? ''));

/** Header fields msgmerge (or xgettext for templates) rewrites. */
const VOLATILE_HEADER = new Set(['pot-creation-date', 'po-revision-date', 'report-msgid-bugs-to', 'x-generator']);

function headerFields(e: PoEntry | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of (e?.msgstr[0] ?? '').split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) m.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return m;
}

export interface PoComparison {
  headerChanged: boolean;
  /** Header fields other than the volatile ones that changed. */
  headerFieldsChanged: string[];
  referenceLines: number;
  newMsgids: number;
  /** msgids whose translation differs. */
  changedMsgids: string[];
  /** Anything else changed besides header, references and new msgids (fuzzy flags, obsolete moves). */
  otherChanges: number;
}

function multisetAdded(before: string[], after: string[]): number {
  const count = new Map<string, number>();
  for (const l of before) count.set(l, (count.get(l) ?? 0) + 1);
  let added = 0;
  for (const l of after) {
    const c = count.get(l) ?? 0;
    if (c > 0) count.set(l, c - 1);
    else added++;
  }
  return added;
}

export function comparePo(git: PoFile, tarball: PoFile): PoComparison {
  const gHeader = git.entries.find((e) => isHeader(e) && !e.obsolete);
  const tHeader = tarball.entries.find((e) => isHeader(e) && !e.obsolete);
  const gh = headerFields(gHeader);
  const th = headerFields(tHeader);
  const headerFieldsChanged: string[] = [];
  for (const k of new Set([...gh.keys(), ...th.keys()])) if (gh.get(k) !== th.get(k) && !VOLATILE_HEADER.has(k)) headerFieldsChanged.push(k);
  const headerChanged = (gHeader ? strs(gHeader) : '') !== (tHeader ? strs(tHeader) : '') ||
    (gHeader?.fuzzy ?? false) !== (tHeader?.fuzzy ?? false);

  const index = (f: PoFile) => {
    const active = new Map<string, PoEntry>();
    const obsolete = new Map<string, PoEntry>();
    for (const e of f.entries) if (!isHeader(e)) (e.obsolete ? obsolete : active).set(keyOf(e), e);
    return { active, obsolete };
  };
  const g = index(git);
  const t = index(tarball);
  let newMsgids = 0;
  let otherChanges = 0;
  const changedMsgids: string[] = [];
  for (const [k, te] of t.active) {
    const ge = g.active.get(k) ?? g.obsolete.get(k);
    if (!ge) {
      newMsgids++;
      continue;
    }
    if (strs(ge) !== strs(te)) {
      // A fuzzy suggestion for an entry git left untranslated is msgmerge's doing (and msgfmt skips fuzzy
      // entries); any other msgstr change for a known msgid is not.
      if (te.fuzzy && ge.msgstr.every((s) => !s)) otherChanges++;
      else changedMsgids.push(te.msgid);
    } else if (ge.fuzzy !== te.fuzzy || ge.obsolete) otherChanges++;
  }
  // Entries that became (or stayed) obsolete: msgfmt does not compile them, so they are bookkeeping.
  for (const [k, te] of t.obsolete) {
    const ge = g.active.get(k) ?? g.obsolete.get(k);
    if (!ge || !ge.obsolete || strs(ge) !== strs(te)) otherChanges++;
  }
  for (const k of g.active.keys()) if (!t.active.has(k) && !t.obsolete.has(k)) otherChanges++;

  return {
    headerChanged,
    headerFieldsChanged,
    referenceLines: multisetAdded(git.referenceLines, tarball.referenceLines) + multisetAdded(tarball.referenceLines, git.referenceLines),
    newMsgids,
    changedMsgids,
    otherChanges,
  };
}

/** At most this many msgids are listed in PO_TRANSLATION_CHANGED evidence. */
export const MAX_LISTED_MSGIDS = 20;
const MAX_MSGID_CHARS = 120;

export const gettextClassifier: Classifier = {
  id: 'gettext',
  async classify(diff, ctx) {
    const isPot = diff.path.endsWith('.pot');
    if (!isPot && !diff.path.endsWith('.po')) return undefined;
    const c = await changedContent(diff, ctx);
    if (!c) return undefined;
    let cmp: PoComparison;
    try {
      cmp = comparePo(parsePo(c.git.toString('utf8')), parsePo(c.tarball.toString('utf8')));
    } catch {
      return undefined; // not a catalog we understand: cannot decide
    }
    const changed = [...cmp.changedMsgids];
    if (cmp.headerFieldsChanged.length) changed.unshift(`(header: ${cmp.headerFieldsChanged.join(', ')})`);
    if (isPot) {
      // A template is explained only when nothing but its header and references moved.
      if (changed.length || cmp.newMsgids || cmp.otherChanges) return undefined;
      return makeFinding('PO_MSGMERGE_ONLY', diff.path, {
        headerOnly: cmp.referenceLines === 0,
        referenceLines: cmp.referenceLines,
        newMsgids: 0,
      });
    }
    if (changed.length) {
      return makeFinding('PO_TRANSLATION_CHANGED', diff.path, {
        msgids: changed.slice(0, MAX_LISTED_MSGIDS).map((m) => (m.length > MAX_MSGID_CHARS ? `${m.slice(0, MAX_MSGID_CHARS - 1)}…` : m)),
      });
    }
    return makeFinding('PO_MSGMERGE_ONLY', diff.path, {
      headerOnly: cmp.referenceLines === 0 && cmp.newMsgids === 0 && cmp.otherChanges === 0,
      referenceLines: cmp.referenceLines,
      newMsgids: cmp.newMsgids,
    });
  },
};
