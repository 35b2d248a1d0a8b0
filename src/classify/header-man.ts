/**
 * Man pages a tracked generator script writes from the doc comments of tracked C headers or sources (ldns'
 * doc/man/man3/*.3 by doc/doxyparse.pl from ldns/*.h; the class of doxygen-, gdoc- and kernel-doc-style man pages
 * drawn from `/** … *\/` comments), the alias links to them and the list of pages the script prints. distdiff runs
 * no repository script, so the evidence is a content trace:
 *  - the rule: a recipe line of a tracked makefile runs a tracked script (path under $(srcdir)/$(top_srcdir) or
 *    relative to the makefile) on tracked .h/.c files (a glob or names), and that makefile names the page's directory;
 *  - the page's shape: troff whose every request (`.TH`, `.SH`, `.PP` …) the script itself writes (the request
 *    appears in its text), whose NAME line lists the page's own name, that name a word of the sources;
 *  - the page's text: every token of every line (arguments of requests too) is a word of the sources, of the script
 *    or of the other tracked files the recipe names (ldns' doc/function_manpages); every text line is a run of the
 *    sources' or script's token pairs with at most one break (where the script glues its own label, `Returns`, to
 *    the comment's text): a sentence or a command the comments lack is not a run;
 *  - no suspicious construct, no URL host the sources and script lack, and every URL of the page one they spell out
 *    whole (./urls.ts novelUrls; red team 28: ldns 1.8.3's bug-report link moved to `http://www.aarongifford.com/bugs/
 *    index.html` — a host a header names, every token the sources', one break — passed the host and run checks).
 * A symlink only the tarball has, beside such a page (or any troff page of its directory) whose NAME line lists the
 * link's name, is the page's alias (the script makes them); the page stays judged by its own finding. A file the
 * recipe writes with `> FILE` whose every line names a page the tarball ships in that directory is the script's list
 * of pages.
 * Limit (documented): a line spliced from two runs of the comments' own words passes.
 */
import type { Finding, PageUntraced } from '../core/findings.js';
import { makeFinding } from '../core/severity.js';
import type { PathDiff } from '../core/types.js';
import { baseOf, dirOf } from './paths.js';
import { findConstructs } from './suspicious.js';
import { docSourceUrls, novelUrls, renderedText, troffReading, urlHosts } from './urls.js';
import type { Classifier, ClassifyContext } from './types.js';
import { admits } from './precheck.js';
import { resolveLink } from './symlinks.js';

const MAX_PAGE = 512 * 1024;
const MAX_SOURCE_BYTES = 1024 * 1024;
const MAX_SOURCES = 2000;
const MAX_MAKEFILES = 400;
const MAN_NAME = /^(.+)\.([1-9])[a-z]*$/;
/** The page list's name: no extension, or .txt/.list (ldns' doc/ldns_manpages). */
const LIST_NAME = /^[\w-]+(?:\.txt|\.list)?$/;
const MAKEFILE = /^(?:Makefile(?:\.am|\.in)?|GNUmakefile|makefile|.+\.mk)$/;

export interface ManRule {
  /** The makefile holding the recipe and its 1-based line. */
  makefile: string;
  line: number;
  /** The tracked script the recipe runs. */
  generator: string;
  /** Other tracked files the recipe names (not sources): data the script reads. */
  inputs: string[];
  /** The tracked .h/.c files the recipe names or globs. */
  sources: string[];
  /** Tree paths the recipe redirects output to (`> doc/ldns_manpages`). */
  writes: string[];
  /** Page directories the makefile names (tree paths). */
  dirs: string[];
}

interface Index {
  rule: ManRule;
  vocab: Set<string>;
  pairs: Set<string>;
  hosts: Set<string>;
  /** The whole URLs the sources, the script and its data spell out (./urls.ts docSourceUrls, and the script's strings as printed). */
  urls: Set<string>;
  genText: string;
  /** Words of the script (and its data): a line opening with one may break after it (the script's label, `Returns `). */
  labels: Set<string>;
}

const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

/** A makefile word naming a tree path: $(srcdir)/, $(top_srcdir)/, ${srcdir}/, ./ prefixes taken off. */
function treePath(word: string, mkDir: string): { path: string; top: boolean } | undefined {
  const w = word.replace(/^['"]|['"]$/g, '');
  let m = /^\$[({](?:abs_)?top_(?:src|build)dir[)}]\/(.+)$/.exec(w);
  if (m) return { path: m[1]!, top: true };
  m = /^\$[({](?:abs_)?(?:src|build)dir[)}]\/(.+)$/.exec(w) ?? /^\.\/(.+)$/.exec(w);
  const rest = m ? m[1]! : w;
  if (rest.includes('$') || rest.startsWith('/') || rest.includes('..')) return undefined;
  return { path: join(mkDir, rest), top: false };
}

function globMatcher(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
}

/** The rules of tracked makefiles that run a tracked script on tracked .h/.c files (read once per run). */
async function manRules(ctx: ClassifyContext): Promise<ManRule[]> {
  const out: ManRule[] = [];
  const makefiles = [...ctx.gitPaths].filter((p) => MAKEFILE.test(baseOf(p))).slice(0, MAX_MAKEFILES);
  for (const mk of makefiles) {
    const b = await ctx.content.git(mk);
    if (!b || b.length > MAX_SOURCE_BYTES) continue;
    const text = b.toString('utf8');
    if (!/\.(?:h|c)\b/.test(text)) continue;
    const mkDir = dirOf(mk);
    const dirs = [...new Set([...text.matchAll(/(?:\$[({](?:top_)?(?:src|build)dir[)}]\/)?([\w.-]+(?:\/[\w.-]+)*\/man\d?\w*)\b/g)].map((m) => join(mkDir, m[1]!)))];
    const raw = text.split('\n');
    for (let i = 0; i < raw.length; i++) {
      const start = i;
      let line = raw[i]!;
      while (line.endsWith('\\') && i + 1 < raw.length) line = `${line.slice(0, -1)} ${raw[++i]!}`;
      if (!/^\t/.test(raw[start]!) && !/^\t/.test(line)) continue;
      const words = line.split(/[\s|;`]+/).filter(Boolean);
      let generator: string | undefined;
      const sources: string[] = [];
      const inputs: string[] = [];
      const writes: string[] = [];
      for (let w = 0; w < words.length; w++) {
        const word = words[w]!;
        if (word === '>' || word === '>>') {
          const t = words[w + 1] ? treePath(words[w + 1]!, mkDir) : undefined;
          if (t) writes.push(t.path);
          w++;
          continue;
        }
        const t = treePath(word, mkDir);
        if (!t) continue;
        if (/\.(?:h|c)$/.test(t.path)) {
          if (t.path.includes('*') || t.path.includes('?')) {
            const re = globMatcher(t.path);
            for (const p of ctx.gitPaths) if (re.test(p)) sources.push(p);
          } else if (ctx.gitPaths.has(t.path)) sources.push(t.path);
          continue;
        }
        if (!ctx.gitPaths.has(t.path)) continue;
        if (generator === undefined && /\.(?:pl|py|sh|awk|rb)$|^[^.]+$/.test(baseOf(t.path))) generator = t.path;
        else inputs.push(t.path);
      }
      if (generator && sources.length) out.push({ makefile: mk, line: start + 1, generator, inputs: inputs.filter((p) => p !== generator), sources: [...new Set(sources)].sort().slice(0, MAX_SOURCES), writes, dirs });
    }
  }
  return out;
}

const rulesCache = new WeakMap<ClassifyContext, Promise<ManRule[]>>();
const indexCache = new WeakMap<ClassifyContext, Map<string, Promise<Index | undefined>>>();

/** Tokens of a line: identifiers and numbers. */
const tokens = (s: string): string[] => s.match(/[A-Za-z0-9_]+/g) ?? [];

/** troff text with font changes, escapes and hyphenation marks taken off (`\fBresolver\fR`, `\%AXFR`, `\-`, `\.br`). */
export function troffText(s: string): string {
  return s
    .replace(/\\f(?:\[[^\]]*\]|\(..|.)/g, '')
    .replace(/\\\(../g, ' ')
    .replace(/\\[%&|^:]/g, '')
    .replace(/\\[-.e\\ ]/g, (m) => (m === '\\e' || m === '\\\\' ? '\\' : m.slice(1)))
    .replace(/\\"/g, ' ');
}

async function indexFor(rule: ManRule, ctx: ClassifyContext): Promise<Index | undefined> {
  let byRule = indexCache.get(ctx);
  if (!byRule) indexCache.set(ctx, (byRule = new Map()));
  const key = `${rule.makefile}:${rule.line}`;
  let p = byRule.get(key);
  if (!p) {
    p = (async () => {
      const vocab = new Set<string>();
      const pairs = new Set<string>();
      const hosts = new Set<string>();
      const urls = new Set<string>();
      let genText = '';
      const scriptWords = new Set<string>();
      const sourceWords = new Set<string>();
      for (const f of [rule.generator, ...rule.inputs, ...rule.sources]) {
        const b = await ctx.content.git(f);
        if (!b || b.length > MAX_SOURCE_BYTES) continue;
        const raw = b.toString('utf8');
        if (f === rule.generator) genText = raw;
        // the script's strings hold troff as the page gets it once printed: `\\fB`, `\n.SH`
        const t = f === rule.generator || rule.inputs.includes(f) ? troffText(raw.replace(/\\\\/g, '\\').replace(/\\[nt]/g, ' ')) : raw;
        const own = f === rule.generator || rule.inputs.includes(f) ? scriptWords : sourceWords;
        for (const h of urlHosts(t)) hosts.add(h);
        for (const u of docSourceUrls(raw)) urls.add(u);
        if (t !== raw) for (const u of docSourceUrls(t)) urls.add(u);
        // pairs run across line ends: a comment's sentence goes on on the next line; a comment's ` * ` leader is no word
        const toks = tokens(t.replace(/^[ \t]*\*(?![/*])/gm, ' '));
        // a compound split at its hyphen and joined again (ldns' `ldns_dnssec-rrs` printed `ldns_dnssecrrs`)
        const joined = /\w-\w/.test(t) ? tokens(t.replace(/(\w)-(?=\w)/g, '$1')) : [];
        for (let i = 0; i < joined.length; i++) {
          vocab.add(joined[i]!);
          if (i + 1 < joined.length) pairs.add(`${joined[i]} ${joined[i + 1]}`);
        }
        for (let i = 0; i < toks.length; i++) {
          vocab.add(toks[i]!);
          own.add(toks[i]!);
          if (i + 1 < toks.length) pairs.add(`${toks[i]} ${toks[i + 1]}`);
        }
      }
      if (!genText || !/\.TH\b/.test(genText)) return undefined;
      const labels = scriptWords;
      return { rule, vocab, pairs, hosts, urls, genText, labels };
    })();
    byRule.set(key, p);
  }
  return p;
}

/** The rule whose makefile names the page's directory and whose script writes troff. */
async function ruleFor(dir: string, ctx: ClassifyContext, writes?: string): Promise<Index | undefined> {
  let rules = rulesCache.get(ctx);
  if (!rules) rulesCache.set(ctx, (rules = manRules(ctx)));
  for (const r of await rules) {
    if (writes !== undefined ? !r.writes.includes(writes) : !r.dirs.includes(dir)) continue;
    const idx = await indexFor(r, ctx);
    if (idx) return idx;
  }
  return undefined;
}

/** The names a troff page's NAME section lists (before `\-`). */
export function nameLine(page: string): string[] | undefined {
  const m = /^\.SH\s+"?NAME"?\s*\n((?:[^.\n][^\n]*\n?)+)/m.exec(page);
  if (!m) return undefined;
  const text = troffText(m[1]!.split('\n').filter((l) => l.trim()).join(' '));
  const names = text.split(/\s+-\s+|\s+\\-\s+/)[0]!;
  return names.split(/[\s,]+/).filter(Boolean);
}

export type TraceResult = { lines: number } | { line: number; text: string; why: PageUntraced };

/** Whether every line of the page traces to the index (see the module comment). */
export function tracePage(page: string, idx: Pick<Index, 'vocab' | 'pairs' | 'genText' | 'labels'>): TraceResult {
  const lines = page.split('\n');
  let traced = 0;
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!;
    if (!raw.trim()) continue;
    const req = /^[.']\s*([A-Za-z]+)?(.*)$/.exec(raw);
    let body = raw;
    if (req) {
      if (req[1] !== undefined) {
        if (!new RegExp(`(?:^|[^A-Za-z\\\\]|\\\\n)\\.${req[1]}\\b`, 'm').test(idx.genText)) return { line: n + 1, text: raw, why: { kind: 'request', request: req[1] } };
      } else if (/^[.']\s*\\"/.test(raw)) {
        body = raw.replace(/^[.']\s*\\"/, '');
      } else if (req[2]!.trim()) return { line: n + 1, text: raw, why: { kind: 'not-request' } };
      body = req[1] !== undefined ? req[2]! : body;
      for (const t of tokens(troffText(body))) if (!idx.vocab.has(t) && !/^\d+$/.test(t)) return { line: n + 1, text: raw, why: { kind: 'word', word: t } };
      traced++;
      continue;
    }
    const toks = tokens(troffText(body));
    let breaks = 0;
    for (let i = 0; i < toks.length; i++) {
      if (!idx.vocab.has(toks[i]!)) return { line: n + 1, text: raw, why: { kind: 'word', word: toks[i]! } };
      // the script's label opening the line (`Returns ` for `\\return`): the pair after it is the script's
      if (i > 0 && !idx.pairs.has(`${toks[i - 1]} ${toks[i]}`) && !(i === 1 && idx.labels.has(toks[0]!))) breaks++;
    }
    if (breaks > 1) return { line: n + 1, text: raw, why: { kind: 'not-a-run' } };
    traced++;
  }
  return { lines: traced };
}

async function decidePage(diff: PathDiff, ctx: ClassifyContext): Promise<Finding | undefined> {
  const b = ctx.content.tarball(diff.path);
  if (!b || b.length > MAX_PAGE || b.includes(0)) return undefined;
  const page = b.toString('utf8');
  if (!/^\.TH\s/m.test(page)) return undefined;
  const stem = MAN_NAME.exec(baseOf(diff.path))![1]!;
  const names = nameLine(page);
  if (!names?.includes(stem)) return undefined;
  const idx = await ruleFor(dirOf(diff.path), ctx);
  if (!idx || !idx.vocab.has(stem)) return undefined;
  // A page that names itself one of the script's pages, in the directory the script writes, and does not trace stays
  // high with the line (the docs classifier after this one would take it by its troff shape alone).
  const untraced = (line: number, text: string, why: PageUntraced) => makeFinding('TARBALL_ONLY_UNEXPLAINED', diff.path, {
    size: b.length, oid: diff.tarball?.oid, buildAffecting: false,
    untracedPage: { generator: idx.rule.generator, rule: `${idx.rule.makefile}:${idx.rule.line}`, line, text, why },
  });
  const r = tracePage(page, idx);
  if (!('lines' in r)) return untraced(r.line, r.text, r.why);
  const constructs = findConstructs(page, diff.path);
  if (constructs.length) return untraced(constructs[0]!.line, constructs[0]!.text, { kind: 'construct', construct: constructs[0]!.kind });
  for (const h of urlHosts(page)) if (!idx.hosts.has(h)) return untraced(page.split('\n').findIndex((l) => l.includes(h)) + 1, page.split('\n').find((l) => l.includes(h)) ?? '', { kind: 'host', host: h });
  // every URL of the page one the sources or the script spell out whole: the script copies the comments' text and its
  // own strings, so a URL they lack — even on a host they name, made of their tokens — is text from elsewhere
  const novel = novelUrls(renderedText(troffReading(page)), idx.urls);
  if (novel.length) {
    const lines = troffReading(page).split('\n');
    const at = Math.max(0, lines.findIndex((l) => l.includes(novel[0]!.split('-')[0]!)));
    return untraced(at + 1, page.split('\n')[at] ?? '', { kind: 'url', url: novel[0]! });
  }
  // the header declaring the page's first name leads the evidence
  let source = idx.rule.sources[0]!;
  for (const s of idx.rule.sources) {
    const c = await ctx.content.git(s);
    if (c && new RegExp(`\\b${stem}\\s*\\(`).test(c.toString('utf8'))) {
      source = s;
      break;
    }
  }
  return makeFinding('GENERATED_FROM_SOURCE', diff.path, {
    how: 'doc-comment-man', source, generator: idx.rule.generator, inputs: [`${idx.rule.makefile}:${idx.rule.line}`, ...idx.rule.inputs],
    files: idx.rule.sources.length, found: r.lines, total: r.lines,
  });
}

async function decideAlias(diff: PathDiff, ctx: ClassifyContext): Promise<Finding | undefined> {
  const target = diff.tarball?.linkTarget;
  if (!target || target.includes('/')) return undefined;
  const resolved = resolveLink(diff.path, target);
  if (!resolved || !MAN_NAME.test(target) || !ctx.tarballPaths.has(resolved) || ctx.gitPaths.has(diff.path)) return undefined;
  const b = ctx.content.tarball(resolved);
  if (!b || b.length > MAX_PAGE || b.includes(0)) return undefined;
  const page = b.toString('utf8');
  if (!/^\.TH\s/m.test(page)) return undefined;
  const stem = MAN_NAME.exec(baseOf(diff.path))![1]!;
  if (!nameLine(page)?.includes(stem)) return undefined;
  return makeFinding('GENERATED_FROM_SOURCE', diff.path, { how: 'man-alias', source: resolved, generator: target });
}

async function decideList(diff: PathDiff, ctx: ClassifyContext): Promise<Finding | undefined> {
  const b = ctx.content.tarball(diff.path);
  if (!b || b.length > MAX_PAGE || b.includes(0)) return undefined;
  const lines = b.toString('utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  // the shape first: only a file of bare names makes the tree's makefiles worth reading (a kernel has thousands)
  if (!lines.length || !lines.every((l) => /^[A-Za-z_]\w*$/.test(l))) return undefined;
  const idx = await ruleFor('', ctx, diff.path);
  if (!idx) return undefined;
  for (const l of lines) {
    if (!idx.vocab.has(l)) return undefined;
    if (!idx.rule.dirs.some((d) => [1, 2, 3, 4, 5, 6, 7, 8, 9].some((s) => ctx.tarballPaths.has(`${d}/${l}.${s}`)))) return undefined;
  }
  return makeFinding('GENERATED_FROM_SOURCE', diff.path, {
    how: 'man-list', source: idx.rule.makefile, generator: idx.rule.generator, inputs: [`${idx.rule.makefile}:${idx.rule.line}`, ...idx.rule.inputs], found: lines.length, total: lines.length,
  });
}

const candidate: NonNullable<Classifier['candidate']> = (diff) => {
  if (diff.status !== 'tarball-only') return false;
  if (diff.tarball?.type === 'symlink') return MAN_NAME.test(baseOf(diff.path));
  return diff.tarball?.type === 'file' && (MAN_NAME.test(baseOf(diff.path)) || LIST_NAME.test(baseOf(diff.path)));
};

export const headerManClassifier: Classifier = {
  id: 'header-man',
  candidate,
  classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    if (diff.tarball?.type === 'symlink') return decideAlias(diff, ctx);
    if (MAN_NAME.test(baseOf(diff.path))) return decidePage(diff, ctx);
    return decideList(diff, ctx);
  },
};
