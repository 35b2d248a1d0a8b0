/**
 * Translation catalogs rewritten by `make dist` (msgmerge): a changed `.po`/`.pot` is explained when
 * only what msgmerge touches changed — header dates, `#:` reference lines, comments, fuzzy flags it adds,
 * entries moved to or from obsolete (`#~`, revived with their translation), new msgids from the template
 * (untranslated, or fuzzy with a similar msgid's translation) and dropped msgids. A translation msgfmt
 * would compile (not fuzzy, not empty) that git's catalog does not have for that msgid — a changed msgstr,
 * a new entry that arrives translated, a fuzzy entry made active — is a translation change, which
 * msgmerge does not make (measured with msgmerge 0.21: it keeps fuzzy flags, gives new msgids an empty or
 * fuzzy msgstr). A translation whose printf directives differ from its msgid's is raised to high: the
 * program hands it to printf (`%n` writes memory, `%s` for `%d` reads a pointer).
 */
import { escalate, makeFinding } from '../core/severity.js';
import { changedContent } from './line-endings.js';
import type { Classifier } from './types.js';
import { admits } from './precheck.js';
import { findConstructs } from './suspicious.js';
import { urlHosts } from './urls.js';
import type { Construct } from '../core/findings.js';

export interface PoEntry {
  msgctxt?: string;
  msgid: string;
  msgidPlural?: string;
  /** msgstr (index 0) or msgstr[n]. */
  msgstr: string[];
  fuzzy: boolean;
  /** The `#,` flags other than fuzzy (c-format, no-c-format, python-format …). */
  flags?: string[];
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
  let pendingFlags: string[] = [];
  let pendingRefs: string[] = [];
  let field: { key: 'msgctxt' | 'msgid' | 'msgidPlural' | 'msgstr'; index: number } | undefined;
  let lastKeyword: 'msgctxt' | 'msgid' | 'msgid_plural' | 'msgstr' | undefined;

  const finish = () => {
    if (cur) entries.push(cur);
    cur = undefined;
    field = undefined;
  };
  const start = (obsolete: boolean) => {
    cur = { msgid: '', msgstr: [], fuzzy: pendingFuzzy, ...(pendingFlags.length ? { flags: pendingFlags } : {}), obsolete, references: pendingRefs };
    pendingFuzzy = false;
    pendingFlags = [];
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
        for (const flag of line.slice(2).split(',').map((f) => f.trim())) {
          if (flag === 'fuzzy') pendingFuzzy = true;
          else if (flag) pendingFlags.push(flag);
        }
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
  /** New msgids msgmerge could have brought (untranslated, or fuzzy). */
  newMsgids: number;
  /** msgids whose translation differs, then those that arrive translated (new, or made active from fuzzy). */
  changedMsgids: string[];
  /** How many of changedMsgids are entries git's catalog lacks, or has fuzzy or untranslated. */
  addedTranslations: number;
  /** msgids of changedMsgids whose translation has other printf directives than the msgid. */
  formatChanged: string[];
  /** Anything else changed besides header, references and new msgids (fuzzy flags, obsolete moves). */
  otherChanges: number;
  /**
   * Suspicious constructs (./suspicious.ts: a download piped to a shell, base64 decoding …) in the active translations
   * of changedMsgids that their msgid lacks: a translation the program prints tells the user to run it (red team 27b).
   */
  constructs: Construct[];
  /**
   * URL hosts the active translations of changedMsgids name that neither their msgid nor git's translation of it names
   * (red team 31): a catalog's translation sends the reader — and a page po4a writes from the catalog — to another server.
   */
  newHosts: string[];
}

/** A translation msgfmt compiles: not fuzzy, some msgstr not empty. */
const active = (e: PoEntry) => !e.fuzzy && e.msgstr.some((m) => !!m);

/** printf conversions (C, with POSIX argument numbers, and gettext's `%<PRId64>` macros); `%%` is no directive. */
const DIRECTIVE = /%(?:(\d+)\$)?[-+ #0'I]*(\*(?:\d+\$)?|\d+)?(?:\.(\*(?:\d+\$)?|\d+)?)?(hh|h|ll|l|L|q|j|z|Z|t)?([diouxXeEfFgGaAcspnCSm%]|<PRI[a-zA-Z0-9_]+>)/g;

/** The type class a conversion reads (or writes, for n). */
function conversionClass(length: string, conv: string): string {
  if (/^<PRI/.test(conv)) return `int${conv.slice(4, -1).replace(/^[diouxX]/, '')}`;
  if ('diouxXc'.includes(conv)) return `int${length}`;
  if ('eEfFgGaA'.includes(conv)) return `double${length === 'L' ? 'L' : ''}`;
  return conv === 'S' ? 'ls' : conv === 'C' ? 'lc' : conv;
}

/**
 * The arguments a printf format reads, as "position:type" in position order (unnumbered directives take the
 * next positions, a `*` width or precision an int), and whether it writes (%n). `%m` reads none.
 */
export function formatSignature(s: string): string {
  const out = new Map<number, string>();
  let next = 1;
  for (const m of s.matchAll(DIRECTIVE)) {
    const [, pos, width, prec, length = '', conv] = m;
    if (conv === '%' || conv === 'm') continue;
    for (const star of [width, prec]) {
      if (!star?.startsWith('*')) continue;
      const n = /^\*(\d+)\$$/.exec(star);
      out.set(n ? Number(n[1]) : next++, 'int');
    }
    out.set(pos ? Number(pos) : next++, conversionClass(length, conv!));
  }
  return [...out.entries()].sort((a, b) => a[0] - b[0]).map(([p, t]) => `${p}:${t}`).join(',');
}

/**
 * Whether an entry's translation reads the arguments its msgid reads: each msgstr[i] has the directives of
 * the msgid or of msgid_plural; a plural form may also leave some out, keeping the others at their
 * positions ("un argument" for "%ju arguments", "%s: un argument" for "%s: %ju arguments"), as msgfmt -c allows.
 */
export function sameDirectives(e: PoEntry): boolean {
  const want = [formatSignature(e.msgid), ...(e.msgidPlural !== undefined ? [formatSignature(e.msgidPlural)] : [])];
  return e.msgstr.every((m) => {
    if (!m) return true;
    const sig = formatSignature(m);
    if (want.includes(sig)) return true;
    if (e.msgidPlural === undefined) return false;
    const mine = sig ? sig.split(',') : [];
    return want.some((w) => {
      const args = new Set(w.split(','));
      return mine.every((a) => args.has(a));
    });
  });
}

/**
 * The msgids of a catalog's translations flagged c-format whose printf directives are not their msgid's: the
 * Translation Project accepts a catalog only when `msgfmt -c` does, which checks exactly those entries.
 */
/**
 * The suspicious constructs (./suspicious.ts) of the active translations among `entries` that their msgid lacks: what
 * a program prints from its catalog can tell the user to run something (red team 27b: xz 5.4.1's po/fr.po and sed
 * 4.9's fetched po/fr.po with a message gaining `curl … | sh`, the .gmo compiled again, passed). Fuzzy and obsolete
 * entries are not compiled.
 */
export function translationConstructs(entries: Iterable<PoEntry>, path: string): Construct[] {
  const out: Construct[] = [];
  for (const e of entries) {
    if (e.obsolete || !active(e)) continue;
    const own = new Set(findConstructs([e.msgid, e.msgidPlural ?? ''].join('\n'), path).map((c) => c.kind));
    for (const c of findConstructs(e.msgstr.join('\n'), path)) if (!own.has(c.kind)) out.push(c);
  }
  return out;
}

/**
 * The URL hosts of the active translations among `entries` that neither the entry's msgid nor git's translation of it
 * (`gitActive`/`gitObsolete`, keyed as comparePo keys) names, nor `known` (the hosts git's catalog names anywhere: a
 * translator's link to the Translation Project's team page, which sed 4.9's nb, pt_BR and vi catalogs add), nor a domain
 * of `teams` or one below it (teamDomains: the translation team's site), sorted. A translator translates the text around a link; a
 * link to another server is not a translation (red team 31: xz 5.4.1's tracked po4a/de.po with XZ Utils' home page
 * moved to `https://tukaani-mirror.example/xz/`, and the German man pages po4a writes from it, was
 * PO_TRANSLATION_CHANGED medium and GENERATED_DOCS low, exit 0). A dotless host that is a host of the msgid with its
 * dots dropped is the translator's typo, not another server: no public name is dotless (ICANN does not delegate dotless
 * domains), so it reaches no one (GNU hello 2.10's fetched fr, lv and uk catalogs: `<http://gnuorg/licenses/gpl.html>`
 * for the msgid's `<http://gnu.org/licenses/gpl.html>`); a misspelling that keeps a dot (`gnu.0rg`) is a host.
 */
export function translationHosts(
  entries: Iterable<PoEntry>,
  gitActive: ReadonlyMap<string, PoEntry>,
  gitObsolete: ReadonlyMap<string, PoEntry>,
  known: ReadonlySet<string> = new Set(),
  teams: readonly string[] = [],
): string[] {
  const out = new Set<string>();
  for (const e of entries) {
    // (not the header: its fields are the catalog's metadata, never shown as a translation — make 4.4.1's fetched
    // zh_TW.po names its converter's site, `X-ZhConverter: 繁化姬 … | https://zhconvert.org`)
    if (e.obsolete || !active(e) || isHeader(e)) continue;
    const ge = gitActive.get(keyOf(e)) ?? gitObsolete.get(keyOf(e));
    const own = urlHosts([e.msgid, e.msgidPlural ?? '', ...(ge?.msgstr ?? [])].join('\n'));
    const dotsDropped = new Set([...own].map((h) => h.split('.').join('')));
    for (const h of urlHosts(e.msgstr.join('\n'))) {
      if (own.has(h) || known.has(h) || teams.some((d) => h === d || h.endsWith(`.${d}`))) continue;
      if (!h.includes('.') && dotsDropped.has(h)) continue;
      out.add(h);
    }
  }
  return [...out].sort();
}

/**
 * The domains a catalog's `Language-Team:` header names (an address's or a URL's): the team's own site is where a
 * translator sends readers (gdbm 1.23's fetched da.po: `Language-Team: Danish <dansk@dansk-gruppen.dk>` and "Mere info:
 * http://www.dansk-gruppen.dk" in its translation of the version text).
 */
export function teamDomains(po: PoFile): string[] {
  const h = po.entries.find((e) => isHeader(e) && !e.obsolete)?.msgstr[0] ?? '';
  const team = /^Language-Team:([^\n]*)/m.exec(h)?.[1] ?? '';
  return [...new Set([...[...team.matchAll(/@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)/g)].map((m) => m[1]!.toLowerCase()), ...urlHosts(team)])];
}

export function formatMismatches(po: PoFile): string[] {
  return po.entries.filter((e) => !e.obsolete && active(e) && e.flags?.includes('c-format') && !sameDirectives(e)).map((e) => e.msgid);
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

export function comparePo(git: PoFile, tarball: PoFile, path = 'catalog.po'): PoComparison {
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
  const added: PoEntry[] = [];
  const changed: PoEntry[] = [];
  for (const [k, te] of t.active) {
    const ge = g.active.get(k) ?? g.obsolete.get(k);
    if (!ge) {
      // msgmerge gives a new msgid an empty msgstr, or a similar msgid's translation marked fuzzy
      if (active(te)) added.push(te);
      else newMsgids++;
      continue;
    }
    if (strs(ge) !== strs(te)) {
      // A fuzzy suggestion for an entry git left untranslated is msgmerge's doing (and msgfmt skips fuzzy
      // entries); any other msgstr change for a known msgid is not.
      if (te.fuzzy && ge.msgstr.every((s) => !s)) otherChanges++;
      else if (ge.msgstr.every((s) => !s)) {
        if (active(te)) added.push(te);
        else otherChanges++;
      } else changed.push(te);
    } else if (ge.fuzzy && !te.fuzzy && !ge.obsolete && active(te)) {
      // msgmerge keeps a fuzzy flag; a fuzzy translation made active is the translator's (or a tamperer's)
      added.push(te);
    } else if (ge.fuzzy !== te.fuzzy || ge.obsolete) otherChanges++;
  }
  for (const e of [...changed, ...added]) changedMsgids.push(e.msgid);
  // msgfmt leaves fuzzy entries out of the compiled catalog: only active translations reach printf
  const formatChanged = [...changed, ...added].filter((e) => active(e) && !sameDirectives(e)).map((e) => e.msgid);
  const constructs = translationConstructs([...changed, ...added], path);
  const newHosts = translationHosts([...changed, ...added], g.active, g.obsolete, urlHosts(git.entries.flatMap((e) => [e.msgid, ...e.msgstr]).join('\n')), teamDomains(git));
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
    addedTranslations: added.length,
    formatChanged,
    otherChanges,
    constructs,
    newHosts,
  };
}

/**
 * The messages a compiled catalog (.mo/.gmo) holds, keyed as msgfmt writes them (msgctxt EOT msgid, NUL
 * msgid_plural; the msgstr forms joined with NUL), read as bytes (latin1); undefined when the file is not a
 * well-formed catalog. A minor-revision-1 catalog's system-dependent strings (`%<PRIu64>`: static segments
 * and named segments, each string's last segment ending in its NUL) are read back to the form the .po writes.
 */
export function moMessages(buf: Buffer): Map<string, string> | undefined {
  if (buf.length < 28) return undefined;
  const le = buf.readUInt32LE(0) === 0x950412de;
  if (!le && buf.readUInt32BE(0) !== 0x950412de) return undefined;
  const u32 = (at: number) => (le ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  if (u32(4) >>> 16 > 1) return undefined;
  const n = u32(8);
  const orig = u32(12);
  const trans = u32(16);
  if (orig + n * 8 > buf.length || trans + n * 8 > buf.length) return undefined;
  const str = (table: number, i: number) => {
    const len = u32(table + i * 8);
    const at = u32(table + i * 8 + 4);
    return at + len <= buf.length ? buf.toString('latin1', at, at + len) : undefined;
  };
  const out = new Map<string, string>();
  for (let i = 0; i < n; i++) {
    const k = str(orig, i);
    const v = str(trans, i);
    if (k === undefined || v === undefined || out.has(k)) return undefined;
    out.set(k, v);
  }
  if ((u32(4) & 0xffff) === 0 || buf.length < 48) return out;
  const segments = u32(28);
  const segTable = u32(32);
  const sysdep = u32(36);
  const origSys = u32(40);
  const transSys = u32(44);
  if (segTable + segments * 8 > buf.length || origSys + sysdep * 4 > buf.length || transSys + sysdep * 4 > buf.length) return undefined;
  const segment = (ref: number) => {
    if (ref >= segments) return undefined;
    const len = u32(segTable + ref * 8);
    const at = u32(segTable + ref * 8 + 4);
    return at + len <= buf.length ? buf.toString('latin1', at, at + len).replace(/\0$/, '') : undefined;
  };
  const sysString = (table: number, i: number) => {
    let desc = u32(table + i * 4);
    let at = desc + 4 <= buf.length ? u32(desc) : buf.length;
    desc += 4;
    let text = '';
    for (let parts = 0; parts < 4096 && desc + 8 <= buf.length; parts++) {
      const size = u32(desc);
      const ref = u32(desc + 4);
      desc += 8;
      if (at + size > buf.length) return undefined;
      text += buf.toString('latin1', at, at + size);
      at += size;
      if (ref === 0xffffffff) return text.endsWith('\0') ? text.slice(0, -1) : undefined;
      const name = segment(ref);
      if (name === undefined) return undefined;
      text += `<${name}>`;
    }
    return undefined;
  };
  for (let i = 0; i < sysdep; i++) {
    const k = sysString(origSys, i);
    const v = sysString(transSys, i);
    if (k === undefined || v === undefined || out.has(k)) return undefined;
    out.set(k, v);
  }
  return out;
}

/**
 * The messages msgfmt compiles from a catalog (parse it from latin1 text so that bytes compare as bytes): the
 * header without its POT-Creation-Date line, and every entry neither obsolete nor fuzzy with some msgstr not
 * empty (measured with msgfmt 0.21). `fullHeader` keeps that line: msgfmt before gettext 0.20 copied the header
 * whole (gettext commit d13f165b8, "msgfmt: Remove POT-Creation-Date field from the header in the output", first
 * in v0.20), so a release whose catalogs were compiled with gettext 0.19.8 carries it.
 */
export function poMessages(po: PoFile, fullHeader = false): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of po.entries) {
    if (e.obsolete || e.msgstr.every((m) => !m)) continue;
    if (isHeader(e)) {
      const h = e.msgstr[0] ?? '';
      out.set('', fullHeader ? h : h.replace(/^POT-Creation-Date:[^\n]*\n/m, ''));
      continue;
    }
    if (e.fuzzy) continue;
    const key = `${e.msgctxt !== undefined ? `${e.msgctxt}\u0004` : ''}${e.msgid}${e.msgidPlural !== undefined ? `\0${e.msgidPlural}` : ''}`;
    out.set(key, Array.from(e.msgstr, (m) => m ?? '').join('\0'));
  }
  return out;
}

/**
 * Whether a compiled catalog holds exactly the messages msgfmt compiles from the .po (compared byte for byte).
 * The header entry must be the .po's as one msgfmt or the other writes it: without the POT-Creation-Date line
 * (gettext >= 0.20) or whole (before 0.20); any other header difference (another date, an added field) fails.
 */
export function catalogMatchesPo(gmo: Buffer, po: Buffer): boolean {
  const mo = moMessages(gmo);
  if (!mo) return false;
  let file: PoFile;
  try {
    file = parsePo(po.toString('latin1'));
  } catch {
    return false;
  }
  const want = poMessages(file);
  if (mo.size !== want.size) return false;
  for (const [k, v] of want) {
    if (mo.get(k) === v) continue;
    if (k === '' && want.has('') && mo.get('') === poMessages(file, true).get('')) continue;
    return false;
  }
  return true;
}

/** At most this many msgids are listed in PO_TRANSLATION_CHANGED evidence. */
export const MAX_LISTED_MSGIDS = 20;
const MAX_MSGID_CHARS = 120;


/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.path.endsWith('.pot') || diff.path.endsWith('.po');

export const gettextClassifier: Classifier = {
  id: 'gettext',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const isPot = diff.path.endsWith('.pot');
    const c = await changedContent(diff, ctx);
    if (!c) return undefined;
    let cmp: PoComparison;
    try {
      cmp = comparePo(parsePo(c.git.toString('utf8')), parsePo(c.tarball.toString('utf8')), diff.path);
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
      const clip = (list: string[]) => list.slice(0, MAX_LISTED_MSGIDS).map((m) => (m.length > MAX_MSGID_CHARS ? `${m.slice(0, MAX_MSGID_CHARS - 1)}…` : m));
      const f = makeFinding('PO_TRANSLATION_CHANGED', diff.path, {
        msgids: clip(changed),
        ...(cmp.addedTranslations ? { added: cmp.addedTranslations } : {}),
        ...(cmp.formatChanged.length ? { formatChanged: clip(cmp.formatChanged) } : {}),
        ...(cmp.newHosts.length ? { newHosts: cmp.newHosts.slice(0, MAX_LISTED_MSGIDS) } : {}),
      });
      if (cmp.constructs.length) {
        // the construct's line in the catalog: the first msgstr line holding its text (a msgstr is read unescaped)
        const lines = c.tarball.toString('utf8').split('\n');
        const at = (t: string) => lines.findIndex((l) => /^(?:#~ )?msgstr|^(?:#~ )?"/.test(l) && l.includes(t.trim().slice(0, 30))) + 1;
        return { ...escalate(f, 'high', 'suspicious-constructs'), constructs: cmp.constructs.slice(0, 20).map((k) => ({ ...k, line: at(k.text) || k.line })) };
      }
      if (cmp.formatChanged.length) return escalate(f, 'high', 'format-directives');
      return cmp.newHosts.length ? escalate(f, 'high', 'url-host') : f;
    }
    return makeFinding('PO_MSGMERGE_ONLY', diff.path, {
      headerOnly: cmp.referenceLines === 0 && cmp.newMsgids === 0 && cmp.otherChanges === 0,
      referenceLines: cmp.referenceLines,
      newMsgids: cmp.newMsgids,
    });
  },
};
