/**
 * Help files a tracked make rule cuts out of a formatted man page (zsh 5.9's Doc/help/* and Doc/help.txt: the rule
 * `help.txt: zshbuiltins.1` of Doc/Makefile.in runs `perl $(sdir_top)/Util/helpfiles zshbuiltins.1 help help.txt`,
 * which formats the page with `man`/`nroff -man`, `col -bx`, writes each builtin's section to help/NAME, appends a
 * builtin documented as "Same as X"/"Equivalent to X" to X's file and lists those pairs in help.txt). distdiff runs
 * no repository script, so the evidence is the rule and a content trace:
 *  - the rule: a recipe command of a tracked makefile (the file's directory or up to two above) runs a tracked script
 *    (directly or through perl/sh/python) with three plain words: a man page `X.N` of the makefile's directory that
 *    the release ships, the help files' directory (relative to the makefile) and, optionally, a target of the rule
 *    (the alias list);
 *  - a help file: plain text (no NUL, ESC or backspace overstrike) whose text, reduced to letters, digits and
 *    punctuation (blanks, line breaks and a line-end hyphen joining a word dropped), is a concatenation of verbatim
 *    runs of the page's text reduced the same way (the page's text lines and the arguments of its font and heading
 *    macros, escapes undone, every other request dropped): at most one run, plus one per alias the list appends to
 *    the file; each run at least MIN_RUN characters; no URL host and no suspicious construct the page lacks, and every
 *    URL of the file one the page spells out whole (./urls.ts novelUrls: runs spliced at a URL's `/` make a new path
 *    on the page's host; red team 28);
 *  - the alias list: every line `BASE ALIAS`, BASE a help file the release ships in that directory, ALIAS a word
 *    opening a line of BASE's file and no file of the directory.
 * The page is an input only the tarball has: it is named in the evidence (tarballInputs), so the help files stay
 * explained only while the page's own finding explains it below high (src/classify/derived-inputs.ts).
 * Measured on zsh 5.9's 90 help files: 75 one run, the others one run per appended alias or fewer; the shortest run
 * 13 characters ("rSameasfc-e-."). Not caught (documented): a file with fewer runs than its alias budget may gain a
 * verbatim passage of the page itself.
 */
import type { Finding } from '../core/findings.js';
import { makeFinding } from '../core/severity.js';
import type { PathDiff } from '../core/types.js';
import { admits } from './precheck.js';
import { baseOf, dirOf } from './paths.js';
import { findConstructs } from './suspicious.js';
import type { Classifier, ClassifyContext } from './types.js';
import { docSourceUrls, novelUrls, renderedText, urlHosts, wholeUrls } from './urls.js';

const MAX_FILE = 256 * 1024;
const MAX_PAGE = 4 * 1024 * 1024;
const MAX_MAKEFILE = 1024 * 1024;
/** The shortest run a help file may take from the page (zsh 5.9's shortest: 13). */
export const MIN_RUN = 10;
const MAKEFILE = /^(?:Makefile(?:\.am|\.in)?|GNUmakefile|makefile|.+\.mk)$/;
const PAGE = /^[\w+-]+(?:\.[\w+-]+)*\.[1-9][a-z]*$/;
const PLAIN = /^[\w+-]+(?:\.[\w+-]+)*$/;
const INTERPRETER = /^(?:perl|python3?|sh|bash|\$[({](?:PERL|PYTHON|SHELL)[)}])$/;
/** The help files' names (no extension: builtin names) and the list's (`help.txt`). */
const NAME = /^[\w+-]+(?:\.txt)?$/;
/** Macros whose arguments are text a reader sees; every other request is layout. */
const TEXT_MACROS = /^(?:SH|SS|B|I|BR|RB|BI|IB|IR|RI|SM|SB)$/;

export interface SplitRule {
  makefile: string;
  line: number;
  script: string;
  /** The man page the script formats (tree path). */
  page: string;
  /** The help files' directory (tree path). */
  dir: string;
  /** The alias list the rule writes (tree path), when it names one. */
  list?: string;
}

const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

/** What a reader sees of a troff page (see the module comment). */
export function pageText(page: string): string {
  const out: string[] = [];
  for (const l of page.split('\n')) {
    let x = l;
    const req = /^[.']\s*([A-Za-z]+)\s*(.*)$/.exec(l);
    if (req) {
      if (!TEXT_MACROS.test(req[1]!)) continue;
      x = req[2]!.replace(/"/g, '');
    } else if (/^[.']/.test(l)) continue;
    out.push(
      x
        .replace(/\\f(?:\[[^\]]*\]|\(..|.)/g, '')
        .replace(/\\[&%|^:c]/g, '')
        .replace(/\\-/g, '-')
        .replace(/\\e/g, '\\')
        .replace(/\\\(..|\\\[[^\]]*\]/g, ' '),
    );
  }
  return out.join('\n');
}

/** Text reduced to what the trace compares: a line-end hyphen joining a word, blanks and line breaks dropped. */
export function reduced(text: string): string {
  return text.replace(/([A-Za-z])-\n\s*/g, '$1').replace(/\s+/g, '');
}

/** The lengths of the greedy longest verbatim runs of `page` that make up `file` (both reduced); undefined: a character the page lacks. */
export function runsOf(file: string, page: string): number[] | undefined {
  const out: number[] = [];
  let i = 0;
  while (i < file.length) {
    if (!page.includes(file[i]!)) return undefined;
    let lo = 1;
    let hi = file.length - i;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (page.includes(file.slice(i, i + mid))) lo = mid;
      else hi = mid - 1;
    }
    out.push(lo);
    i += lo;
  }
  return out;
}

/** A recipe word naming a tracked file: `$(VAR)/rest` (rest from the top or the makefile's directory), or relative. */
function trackedWord(word: string, mkDir: string, ctx: ClassifyContext): string | undefined {
  const m = /^\$[({]\w+[)}]\/(.+)$/.exec(word);
  const rest = m ? m[1]! : word.replace(/^\.\//, '');
  if (rest.includes('$') || rest.includes('..') || rest.startsWith('/')) return undefined;
  for (const p of m ? [rest, join(mkDir, rest)] : [join(mkDir, rest)]) if (ctx.gitPaths.has(p)) return p;
  return undefined;
}

/** The split rules of one tracked makefile. */
export function splitRules(text: string, makefile: string, ctx: ClassifyContext): SplitRule[] {
  const mkDir = dirOf(makefile);
  const out: SplitRule[] = [];
  const raw = text.split('\n');
  let targets: string[] = [];
  let prereqs: string[] = [];
  for (let n = 0; n < raw.length; n++) {
    const start = n;
    let line = raw[n]!;
    while (line.endsWith('\\') && n + 1 < raw.length) line = `${line.slice(0, -1)} ${raw[++n]!}`;
    if (!line.startsWith('\t')) {
      const rule = /^([^\t#=:][^=:]*?):(?![=:])(.*)$/.exec(line);
      if (rule) {
        targets = rule[1]!.trim().split(/\s+/);
        prereqs = rule[2]!.replace(/;.*$/, '').trim().split(/\s+/).filter(Boolean);
      } else if (line.trim() && !line.startsWith('#')) targets = [];
      continue;
    }
    if (!targets.length) continue;
    for (const cmd of line.trim().replace(/^[@-]+/, '').split(/\|\||&&|;/)) {
      const words = cmd.trim().split(/\s+/).filter(Boolean);
      let i = INTERPRETER.test(words[0] ?? '') ? 1 : 0;
      const script = words[i] !== undefined ? trackedWord(words[i]!, mkDir, ctx) : undefined;
      if (!script) continue;
      i++;
      const args = words.slice(i).map((w) => (w === '$<' ? prereqs[0] ?? w : w === '$@' ? targets[0]! : w));
      if (!args.every((w) => PLAIN.test(w.replace(/\/$/, '')))) continue;
      const page = args.find((w) => PAGE.test(w) && (ctx.tarballPaths.has(join(mkDir, w)) || ctx.gitPaths.has(join(mkDir, w))));
      if (!page) continue;
      const list = args.find((w) => w !== page && targets.includes(w));
      const dirs = args.filter((w) => w !== page && w !== list).map((w) => w.replace(/\/$/, ''));
      if (dirs.length !== 1) continue;
      out.push({ makefile, line: start + 1, script, page: join(mkDir, page), dir: join(mkDir, dirs[0]!), ...(list ? { list: join(mkDir, list) } : {}) });
    }
  }
  return out;
}

const byMakefile = new WeakMap<ClassifyContext, Map<string, Promise<SplitRule[]>>>();
const pages = new WeakMap<ClassifyContext, Map<string, { text: string; reduced: string; urls: Set<string> } | undefined>>();

/** The split rules of the tracked makefiles in `dir` and the two directories above it (read once per run). */
async function rulesNear(dir: string, ctx: ClassifyContext): Promise<SplitRule[]> {
  let cache = byMakefile.get(ctx);
  if (!cache) byMakefile.set(ctx, (cache = new Map()));
  const out: SplitRule[] = [];
  let d: string | undefined = dir;
  for (let up = 0; up < 3 && d !== undefined; up++) {
    for (const name of ['Makefile.in', 'Makefile.am', 'Makefile', 'GNUmakefile', 'makefile']) {
      const mk = join(d, name);
      if (!ctx.gitPaths.has(mk) || !MAKEFILE.test(name)) continue;
      let p = cache.get(mk);
      if (!p) {
        p = (async () => {
          const b = await ctx.content.git(mk);
          if (!b || b.length > MAX_MAKEFILE || b.includes(0)) return [];
          const t = b.toString('utf8');
          // cheap: only a makefile naming a man page in a recipe is parsed
          if (!/^\t.*\.[1-9][a-z]*\b/m.test(t)) return [];
          return splitRules(t, mk, ctx);
        })();
        cache.set(mk, p);
      }
      out.push(...(await p));
    }
    d = d === '' ? undefined : dirOf(d);
  }
  return out;
}

function pageOf(rule: SplitRule, ctx: ClassifyContext): { text: string; reduced: string; urls: Set<string> } | undefined {
  let cache = pages.get(ctx);
  if (!cache) pages.set(ctx, (cache = new Map()));
  if (!cache.has(rule.page)) {
    const b = ctx.content.tarball(rule.page);
    const ok = b && b.length <= MAX_PAGE && !b.includes(0) && /^\.TH\s/m.test(b.toString('utf8', 0, 8192));
    const text = ok ? pageText(b.toString('utf8')) : undefined;
    cache.set(rule.page, text === undefined ? undefined : { text, reduced: reduced(text), urls: new Set([...docSourceUrls(b!.toString('utf8')), ...wholeUrls(text)]) });
  }
  return cache.get(rule.page);
}

function plainText(b: Buffer | undefined): string | undefined {
  if (!b || !b.length || b.length > MAX_FILE || b.includes(0) || b.includes(0x1b) || b.includes(0x08)) return undefined;
  return b.toString('utf8');
}

/** The alias list's pairs (BASE → its aliases); undefined when a line is not `BASE ALIAS` of the rule's directory. */
function aliasPairs(rule: SplitRule, ctx: ClassifyContext): Map<string, string[]> | undefined {
  const pairs = new Map<string, string[]>();
  if (!rule.list) return pairs;
  const text = plainText(ctx.content.tarball(rule.list));
  if (text === undefined) return undefined;
  for (const l of text.split('\n')) {
    if (!l) continue;
    const m = /^([\w+-]+) ([\w+-]+)$/.exec(l);
    if (!m || ctx.tarballPaths.has(join(rule.dir, m[2]!))) return undefined;
    const base = plainText(ctx.content.tarball(join(rule.dir, m[1]!)));
    if (base === undefined || !new RegExp(`^\\s*${m[2]!.replace(/[+-]/g, '\\$&')}\\b`, 'm').test(base)) return undefined;
    pairs.set(m[1]!, [...(pairs.get(m[1]!) ?? []), m[2]!]);
  }
  return pairs;
}

function inputsOf(rule: SplitRule, ctx: ClassifyContext) {
  return {
    source: rule.page, generator: rule.script, inputs: [`${rule.makefile}:${rule.line}`],
    ...(ctx.gitPaths.has(rule.page) ? {} : { tarballInputs: [rule.page] }),
  };
}

async function decide(diff: PathDiff, ctx: ClassifyContext): Promise<Finding | undefined> {
  const text = plainText(ctx.content.tarball(diff.path));
  if (text === undefined || /^[.']\s*[A-Za-z]{1,2}\b/m.test(text)) return undefined;
  const dir = dirOf(diff.path);
  for (const rule of await rulesNear(dir, ctx)) {
    if (rule.list === diff.path) {
      const pairs = aliasPairs(rule, ctx);
      if (!pairs || !pairs.size) continue;
      const total = [...pairs.values()].reduce((s, a) => s + a.length, 0);
      return makeFinding('GENERATED_FROM_SOURCE', diff.path, { how: 'man-split-list', ...inputsOf(rule, ctx), found: pairs.size, total });
    }
    if (rule.dir !== dir) continue;
    const page = pageOf(rule, ctx);
    const pairs = aliasPairs(rule, ctx);
    if (!page || !pairs) continue;
    const budget = 1 + (pairs.get(baseOf(diff.path))?.length ?? 0);
    const runs = runsOf(reduced(text), page.reduced);
    if (!runs || runs.length > budget || runs.some((r) => r < MIN_RUN)) continue;
    const hosts = urlHosts(page.text);
    if ([...urlHosts(text)].some((h) => !hosts.has(h))) continue;
    // the formatter copies the page's URLs (breaking a long one at a hyphen, which novelUrls reads both ways)
    if (novelUrls(renderedText(text), page.urls).length) continue;
    const kinds = new Set(findConstructs(page.text, rule.page).map((c) => c.kind));
    if (findConstructs(text, diff.path).some((c) => !kinds.has(c.kind))) continue;
    return makeFinding('GENERATED_FROM_SOURCE', diff.path, { how: 'man-split', ...inputsOf(rule, ctx), found: runs.length, total: budget });
  }
  return undefined;
}

const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && NAME.test(baseOf(diff.path));

export const manSplitClassifier: Classifier = {
  id: 'man-split',
  candidate,
  classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    return decide(diff, ctx);
  },
};
