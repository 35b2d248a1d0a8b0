/**
 * Translation catalogs a release builds from catalogs or sources that git tracks — proved entry by entry,
 * never by name:
 *
 * - subset:   a tarball-only `LL.po` made of entries of a tracked `LL.po.in` beside it (libidn 1.33: cfg.mk copies
 *             each po/LL.po.in to po/LL.po, the release's msgmerge refreshes the references) or of a tracked `LL.po`
 *             elsewhere in the tree (gettext's examples: each `hello-*∕po/LL.po` is the tracked `examples/po/LL.po`
 *             filtered to one example's msgids). Every active entry's msgctxt/msgid/msgid_plural/msgstr equals an entry of the tracked
 *             catalog (untranslated entries carry nothing and pass), or is msgmerge's fuzzy match — marked fuzzy
 *             (msgfmt compiles none) and carrying exactly the translation of some tracked entry; only `#:` lines,
 *             comments, obsolete `#~` entries and the header fields msgmerge rewrites (dates, Project-Id-Version,
 *             X-Generator …, and a `Language:` the tracked catalog lacks, equal to the file's LL) may differ.
 * - template: a tarball-only `.pot` (or an xgettext `--omit-header` output such as a test's `X.ok.po`) whose
 *             msgstrs are all empty and each of whose msgids has every word in a tracked source it references
 *             (`#:` lines, resolved from the file's directory or an ancestor; a Pascal resource name
 *             `dir/unit.name` resolves to the tracked `dir/unit.*`) or, without `#:` lines, in the tracked
 *             prerequisites of the Makefile.am rule that makes it.
 * - quot:     `en@quot.po` / `en@boldquot.po`: every msgstr is its msgid (msgid_plural for msgstr[1+]) with only
 *             ASCII quotes turned into typographic ones (`` ` ' "`` → ‘ ’ “ ”) and, for boldquot, the bold
 *             on/off escapes right inside them — the fixed rule of gettext's Rules-quot.
 * - compiled: a `.gmo` whose message table is exactly the compiled form of the shipped `.po` beside it, that
 *             `.po` itself proved by one of the rules above.
 */
import type { EvidenceMap } from '../core/findings.js';
import { makeFinding } from '../core/severity.js';
import { catalogMatchesPo, moMessages, parsePo, type PoEntry, type PoFile } from './gettext.js';
import { baseOf, dirOf, pathsBy } from './paths.js';
import type { Classifier, ClassifyContext } from './types.js';
import { admits } from './precheck.js';
import { oncePerName } from '../util/memo.js';

type Evidence = EvidenceMap['PO_FROM_TRACKED_CATALOG'];

/** Catalogs and sources larger than this are not read. */
const MAX_BYTES = 8 * 1024 * 1024;

const keyOf = (e: PoEntry) => `${e.msgctxt ?? ''}\u0004${e.msgid}\u0004${e.msgidPlural ?? ''}`;
const isHeader = (e: PoEntry) => e.msgid === '' && e.msgctxt === undefined;
const strs = (e: PoEntry) => JSON.stringify(e.msgstr.map((s) => s ?? ''));
const untranslated = (e: PoEntry) => e.msgstr.every((s) => !s);

/** Header fields that msgmerge, msginit or a per-example copy rewrite; any other header field must be equal. */
const VOLATILE_HEADER = new Set(['pot-creation-date', 'po-revision-date', 'report-msgid-bugs-to', 'x-generator', 'project-id-version']);

export function headerFields(e: PoEntry | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of (e?.msgstr[0] ?? '').split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) m.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return m;
}

function tryParse(b: Buffer | undefined): PoFile | undefined {
  if (!b || b.length > MAX_BYTES) return undefined;
  try {
    return parsePo(b.toString('utf8'));
  } catch {
    return undefined;
  }
}

const parsedGit = oncePerName<ClassifyContext, Promise<PoFile | undefined>>();
function gitCatalog(ctx: ClassifyContext, path: string): Promise<PoFile | undefined> {
  return parsedGit(ctx, path, () => ctx.content.git(path).then(tryParse));
}

const commonPrefix = (a: string, b: string) => {
  const x = a.split('/');
  const y = b.split('/');
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return i;
};

/** subset: the tracked LL.po (same name, nearest first) every translated entry of `po` comes from. */
export function subsetOf(po: PoFile, tracked: PoFile, language?: string): { entries: number; untranslated: number; obsolete: number } | undefined {
  const th = po.entries.find((e) => isHeader(e) && !e.obsolete);
  const gh = tracked.entries.find((e) => isHeader(e) && !e.obsolete);
  if (!th || !gh) return undefined;
  const a = headerFields(th);
  const b = headerFields(gh);
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    if (VOLATILE_HEADER.has(k) || a.get(k) === b.get(k)) continue;
    // msgmerge (gettext 0.18+) adds a `Language:` field the catalog lacks, the language of its file name (LL.po)
    if (k === 'language' && !b.has(k) && language !== undefined && a.get(k) === language) continue;
    return undefined;
  }
  const known = new Map<string, PoEntry>();
  for (const e of tracked.entries) if (!isHeader(e) && !(e.obsolete && known.has(keyOf(e)))) known.set(keyOf(e), e);
  // msgmerge's fuzzy matches: a new msgid given the translation of a similar old one, marked fuzzy (msgfmt compiles
  // no fuzzy entry); such an entry must carry exactly the translation of some tracked entry — no text of its own
  const translations = new Set([...known.values()].filter((e) => !untranslated(e)).map(strs));
  let entries = 0;
  let untr = 0;
  let obsolete = 0;
  for (const e of po.entries) {
    if (isHeader(e)) continue;
    if (e.obsolete) {
      obsolete++;
      continue;
    }
    if (untranslated(e)) {
      untr++;
      continue;
    }
    const g = known.get(keyOf(e));
    if (!g || strs(g) !== strs(e)) {
      if (!(e.fuzzy && translations.has(strs(e)))) return undefined;
    }
    entries++;
  }
  return entries > 0 ? { entries, untranslated: untr, obsolete } : undefined;
}

async function proveSubset(path: string, po: PoFile, ctx: ClassifyContext): Promise<Evidence | undefined> {
  const name = baseOf(path);
  // the tracked LL.po.in beside it first (libidn 1.33's po/LL.po.in, which cfg.mk's bootstrap copies to po/LL.po and
  // the release's msgmerge refreshes), then same-named catalogs elsewhere, nearest first
  const beside = ctx.gitPaths.has(`${path}.in`) ? [`${path}.in`] : [];
  const candidates = [
    ...beside,
    ...(pathsBy('base', ctx.gitPaths).get(name) ?? []).filter((g) => g !== path).sort((x, y) => commonPrefix(y, path) - commonPrefix(x, path) || x.localeCompare(y)),
  ];
  for (const c of candidates.slice(0, 8)) {
    const tracked = await gitCatalog(ctx, c);
    if (!tracked) continue;
    const r = subsetOf(po, tracked, name.replace(/\.po$/, ''));
    if (r) return { kind: 'subset', source: c, entries: r.entries, ...(r.untranslated ? { untranslated: r.untranslated } : {}), ...(r.obsolete ? { obsolete: r.obsolete } : {}) };
  }
  return undefined;
}

// ---- template ----

/** The words of a msgid that must occur in its source (letters/digits runs of 2+; format directives drop out). */
export function wordsOf(s: string): string[] {
  return [...new Set(s.match(/[\p{L}\p{N}_]{2,}/gu) ?? [])];
}

/** The file names of `#:` reference lines (`file:line`, `file`), in order. */
export function referencedFiles(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    for (const tok of l.slice(2).trim().split(/\s+/)) {
      if (!tok) continue;
      const m = /^(.*?)(?::\d+)?$/.exec(tok);
      if (m?.[1]) out.push(m[1]);
    }
  }
  return out;
}

const ancestors = (dir: string): string[] => {
  const out: string[] = [];
  let d = dir;
  for (;;) {
    out.push(d);
    if (!d) break;
    d = dirOf(d);
  }
  return out;
};
const join = (dir: string, rel: string) => (dir ? `${dir}/${rel}` : rel).replace(/(^|\/)\.\//g, '$1');

/** A reference resolved to a tracked path: from the template's directory or an ancestor. */
function resolveRef(ref: string, from: string, ctx: ClassifyContext): string | undefined {
  for (const base of ancestors(from)) {
    let p = join(base, ref);
    // collapse "a/../"
    while (/[^/]+\/\.\.\//.test(p)) p = p.replace(/[^/.][^/]*\/\.\.\//, '');
    if (ctx.gitPaths.has(p)) return p;
  }
  // A Pascal resource string `dir/unit.name`: the tracked `dir/unit.*`.
  const m = /^(.*\/)?([^/.]+)\.[A-Za-z_]\w*$/.exec(ref);
  if (m) {
    for (const base of ancestors(from)) {
      const dir = join(base, m[1] ?? '').replace(/\/$/, '');
      const hit = (pathsBy('dir', ctx.gitPaths).get(dir) ?? []).filter((g) => baseOf(g).startsWith(`${m[2]}.`)).sort();
      if (hit.length) return hit[0];
    }
  }
  return undefined;
}

const textCache = oncePerName<ClassifyContext, Promise<string | undefined>>();
function gitText(ctx: ClassifyContext, path: string): Promise<string | undefined> {
  return textCache(ctx, path, () => ctx.content.git(path).then((b) => (b && b.length <= MAX_BYTES ? b.toString('utf8') : undefined)));
}

/** The tracked prerequisites of the Makefile.am rule (in the file's directory) whose target is the file. */
async function makeRulePrerequisites(path: string, ctx: ClassifyContext): Promise<{ makefile: string; sources: string[] } | undefined> {
  const dir = dirOf(path);
  const makefile = join(dir, 'Makefile.am');
  if (!ctx.gitPaths.has(makefile)) return undefined;
  const text = await gitText(ctx, makefile);
  if (!text) return undefined;
  const name = baseOf(path).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const rule = new RegExp(`^(?:\\$\\(srcdir\\)/)?${name}\\s*:([^=\\n][^\\n]*)$`, 'm').exec(text.replace(/\\\n/g, ' '));
  if (!rule) return undefined;
  const sources: string[] = [];
  for (const dep of rule[1]!.trim().split(/\s+/)) {
    const top = ancestors(dir);
    let p: string | undefined;
    if (dep.startsWith('$(top_srcdir)/')) {
      // the package top: the nearest ancestor holding configure.ac (or the repository top)
      const root = top.find((a) => ctx.gitPaths.has(join(a, 'configure.ac'))) ?? '';
      p = join(root, dep.slice('$(top_srcdir)/'.length));
    } else if (dep.startsWith('$(srcdir)/')) p = join(dir, dep.slice('$(srcdir)/'.length));
    else if (!dep.includes('$')) p = join(dir, dep);
    if (p && ctx.gitPaths.has(p)) sources.push(p);
  }
  return sources.length ? { makefile, sources } : undefined;
}

async function proveTemplate(path: string, po: PoFile, ctx: ClassifyContext): Promise<Evidence | undefined> {
  const entries = po.entries.filter((e) => !isHeader(e) && !e.obsolete);
  if (entries.length === 0 || entries.some((e) => !untranslated(e))) return undefined;
  const rule = entries.every((e) => e.references.length === 0) ? await makeRulePrerequisites(path, ctx) : undefined;
  const used = new Set<string>();
  for (const e of entries) {
    const words = wordsOf([e.msgctxt ?? '', e.msgid, e.msgidPlural ?? ''].join(' '));
    let files: string[];
    if (rule) files = rule.sources;
    else {
      const refs = referencedFiles(e.references);
      if (refs.length === 0) return undefined;
      files = [];
      for (const r of refs) {
        const p = resolveRef(r, dirOf(path), ctx);
        if (p) files.push(p);
      }
      if (files.length === 0) return undefined;
    }
    const texts: string[] = [];
    for (const f of files) {
      const t = await gitText(ctx, f);
      if (t !== undefined) texts.push(t);
    }
    const all = texts.join('\n');
    if (!words.every((w) => all.includes(w))) return undefined;
    for (const f of files) used.add(f);
  }
  const sources = [...used].sort();
  return {
    kind: 'template',
    source: rule ? rule.makefile : sources[0]!,
    entries: entries.length,
    sources: sources.length,
    ...(rule ? { via: 'make-rule' as const } : {}),
  };
}

// ---- en@quot / en@boldquot ----

const OPEN = new Set(['‘', '“']);
const CLOSE = new Set(['’', '”']);
const QUOTE_OF: Record<string, string> = { '‘': "`'", '’': "'", '“': '"', '”': '"' };

/** msgstr is msgid with only ASCII quotes made typographic (and, for boldquot, bold escapes just inside them). */
export function isQuotRendering(msgid: string, msgstr: string, bold: boolean): boolean {
  let s = msgstr;
  if (bold) {
    // ESC[1m only right after an opening quote, ESC[0m only right before a closing one
    const chars = [...s];
    const out: string[] = [];
    for (let i = 0; i < chars.length; i++) {
      if (chars[i] === '\x1b') {
        const seq = chars.slice(i, i + 4).join('');
        if (seq === '\x1b[1m' && OPEN.has(out[out.length - 1] ?? '')) {
          i += 3;
          continue;
        }
        if (seq === '\x1b[0m' && CLOSE.has(chars[i + 4] ?? '')) {
          i += 3;
          continue;
        }
        return false;
      }
      out.push(chars[i]!);
    }
    s = out.join('');
  }
  const a = [...msgid];
  const b = [...s];
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    const allowed = QUOTE_OF[b[i]!];
    if (!allowed || !allowed.includes(a[i]!)) return false;
  }
  return true;
}

const STANDARD_HEADER = new Set([
  'project-id-version', 'report-msgid-bugs-to', 'pot-creation-date', 'po-revision-date', 'last-translator', 'language-team',
  'language', 'mime-version', 'content-type', 'content-transfer-encoding', 'plural-forms',
]);

/**
 * gettext before 0.18 (its Rules-quot until commit ea405532e, 2008-09-28) ran `msginit -l $$ll` with
 * `ll` set to `$$lang` without its `@` modifier (a sed substitution), so the catalog's header says `Language: en`; later rules pass
 * `-l $$lang` (`Language: en@quot`). A project that still carries the old rule (GnuPG 2.2's po/Rules-quot)
 * ships `Language: en`: accepted only when the Rules-quot beside the catalog (the tracked one, else the shipped
 * one) has exactly those two lines.
 */
const OLD_RULES_LL = /^\s*ll=`echo \$\$lang \| sed -e 's\/@\.\*\/\/'`; \\$/m;
const OLD_RULES_MSGINIT = /^\s*if \$\(MSGINIT\) (?:\$\(MSGINIT_OPTIONS\) )?-i \$\(DOMAIN\)\.pot --no-translator -l \$\$ll -o - /m;
export function stripsModifier(rulesQuot: string): boolean {
  return OLD_RULES_LL.test(rulesQuot) && OLD_RULES_MSGINIT.test(rulesQuot);
}

async function oldRulesQuot(path: string, ctx: ClassifyContext): Promise<string | undefined> {
  const dir = dirOf(path);
  const rules = dir ? `${dir}/Rules-quot` : 'Rules-quot';
  const text = ctx.gitPaths.has(rules) ? await gitText(ctx, rules) : ctx.content.tarball(rules)?.toString('utf8');
  return text !== undefined && stripsModifier(text) ? rules : undefined;
}

async function proveQuot(path: string, po: PoFile, ctx: ClassifyContext): Promise<Evidence | undefined> {
  const m = /^en@(quot|boldquot)\.po$/.exec(baseOf(path));
  if (!m) return undefined;
  const bold = m[1] === 'boldquot';
  const header = po.entries.find((e) => isHeader(e) && !e.obsolete);
  if (!header) return undefined;
  const fields = headerFields(header);
  if ([...fields.keys()].some((k) => !STANDARD_HEADER.has(k))) return undefined;
  let languageRule: string | undefined;
  if (fields.get('language') !== `en@${m[1]}`) {
    if (fields.get('language') !== 'en' || !(languageRule = await oldRulesQuot(path, ctx))) return undefined;
  }
  const rulesField = languageRule ? { languageRule } : {};
  let entries = 0;
  for (const e of po.entries) {
    if (isHeader(e) || e.obsolete) continue;
    if (untranslated(e)) continue;
    for (let i = 0; i < e.msgstr.length; i++) {
      const id = i === 0 ? e.msgid : e.msgidPlural;
      if (id === undefined || !isQuotRendering(id, e.msgstr[i] ?? '', bold)) return undefined;
    }
    entries++;
  }
  if (entries === 0) return undefined;
  // The template it was made from, when shipped beside it: every msgid must be one of its msgids.
  const pots = (pathsBy('dir', ctx.tarballPaths).get(dirOf(path)) ?? []).filter((p) => p.endsWith('.pot')).sort();
  for (const pot of pots) {
    const t = tryParse(ctx.content.tarball(pot));
    if (!t) continue;
    const ids = new Set(t.entries.filter((e) => !e.obsolete).map(keyOf));
    if (po.entries.every((e) => isHeader(e) || e.obsolete || ids.has(keyOf(e)))) return { kind: 'quot', rule: m[1] as 'quot' | 'boldquot', source: pot, entries, ...rulesField };
  }
  return pots.length ? undefined : { kind: 'quot', rule: m[1] as 'quot' | 'boldquot', source: path, entries, ...rulesField };
}

// ---- compiled .gmo ----

async function provePo(path: string, content: Buffer, ctx: ClassifyContext): Promise<Evidence | undefined> {
  const po = tryParse(content);
  if (!po) return undefined;
  return (await proveQuot(path, po, ctx)) ?? (await proveSubset(path, po, ctx)) ?? (await proveTemplate(path, po, ctx));
}


/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && /\.(po|pot|gmo)$/.test(diff.path);

export const catalogsClassifier: Classifier = {
  id: 'catalogs',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const path = diff.path;
    const content = ctx.content.tarball(path);
    if (!content) return undefined;
    if (path.endsWith('.gmo')) {
      const poPath = `${path.slice(0, -4)}.po`;
      if (!ctx.tarballPaths.has(poPath) || ctx.gitPaths.has(poPath)) return undefined;
      const poContent = ctx.content.tarball(poPath);
      const table = moMessages(content);
      if (!poContent || !table || poContent.length > MAX_BYTES || !catalogMatchesPo(content, poContent)) return undefined;
      const proof = await provePo(poPath, poContent, ctx);
      if (!proof) return undefined;
      return makeFinding('PO_FROM_TRACKED_CATALOG', path, { kind: 'compiled', source: poPath, entries: table.size, of: proof.kind });
    }
    const po = tryParse(content);
    if (!po) return undefined;
    const ev = path.endsWith('.pot') ? await proveTemplate(path, po, ctx) : await provePo(path, content, ctx);
    return ev ? makeFinding('PO_FROM_TRACKED_CATALOG', path, ev) : undefined;
  },
};
