/**
 * Small files a tracked make rule writes with content that needs no source (issue 11 d): stamp files
 * (`echo stamp >$@` — m4's checks/stamp-checks, libtool's libltdl/stamp-mk; `echo $@ > $@`, the target's own name
 * as the rule spells it — gnutls' doc/stamp_enums; `touch $@.tmp … mv $@.tmp $@` —
 * bison's examples/extracted.stamp) and a commit count (`git log --pretty=oneline | wc -l > $(distdir)/.serial`,
 * libtool's .serial). The proof is the rule, read from a tracked makefile fragment in the file's directory or
 * above it (Makefile.am, *.mk, GNUmakefile …): its target (or a recipe's redirection) names exactly this file
 * once the fragment's variables, `$(srcdir)`-like directories and automake's `%D%` are expanded, and the
 * command writes exactly this content — the echoed word, nothing (touch, `: >`), or the number of commits
 * the tag reaches. Any other command, or any other content, proves nothing. With no rule naming it, an empty
 * file a tracked shell script of its directory or above creates by name (`touch PATH`, `test -f PATH || touch
 * PATH`, `: > PATH`; msgpack-c's makedist.sh, xdg-dbus-proxy's autogen.sh) is explained the same way (how
 * script-touch): the script is read, never run, and a single byte in the file leaves it unexplained.
 */
import { makeFinding } from '../core/severity.js';
import { baseOf, dirOf, pathsBy } from './paths.js';
import type { Classifier, ClassifyContext } from './types.js';
import { expandLoose, parseMakefile, recipeJoined } from '../util/makefile.js';
import { admits } from './precheck.js';

const MAX_BYTES = 64;
const MAX_FRAGMENT_BYTES = 1024 * 1024;
/** A makefile fragment: GNUmakefile, Makefile, Makefile.am, a maintainer's Makefile.NAME (less's Makefile.aut), *.mk, *.am — not automake's Makefile.in (a tracked one with no Makefile.am beside it is read: see fragmentsIn). */
const isFragment = (b: string) => /^(?:GNUmakefile|[Mm]akefile(?:\.(?!in$)[\w-]+)?)$/.test(b) || /\.(?:mk|am)$/.test(b);

/** A temporary name beside the target (`$@-t`, `$@t`, `$@.tmp`, `$@-tmp`, `$@T`) … */
export const MOVED_TMP = /^\$@(?:[.-]?t(?:mp)?|T)$/;
/** … that the recipe moves onto the target. */
export const movesTmp = (recipe: readonly string[]): boolean =>
  recipe.some((l) => /\bmv\s+(?:-f\s+)?(['"]?)\$@(?:[.-]?t(?:mp)?|T)\1\s+(['"]?)\$@\2/.test(l));

/** A fragment as the classifiers read it (src/util/makefile.ts, the one reader): each recipe line one line of text. */
interface Fragment { vars: ReadonlyMap<string, string>; rules: { targets: string[]; prerequisites: string[]; recipe: string[] }[] }
function readFragment(text: string): Fragment {
  const mk = parseMakefile(text);
  return { vars: mk.vars, rules: mk.rules.map((r) => ({ targets: r.targets, prerequisites: r.prerequisites, recipe: r.recipe.map(recipeJoined) })) };
}

const UNKNOWN = '\u0001';

/**
 * Whether a make path (expanded) names `path`, resolved against `base`: quotes dropped, `.`/`..` resolved; a
 * variable the fragment does not define (an AC_SUBST such as `$(ltdl_dir)`) stands for one path segment.
 */
export function namesPath(base: string, p: string, path: string): boolean {
  const clean = p.replace(/^['"]|['"]$/g, '').replace(/\$[({][\w.]+[)}]/g, UNKNOWN);
  if (!clean || clean.startsWith('/') || /[$%*?[\]]/.test(clean)) return false;
  const parts = base ? base.split('/') : [];
  for (const seg of clean.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') { if (!parts.length || parts[parts.length - 1]!.includes(UNKNOWN)) return false; parts.pop(); } else parts.push(seg);
  }
  const want = parts.join('/');
  if (!want.includes(UNKNOWN)) return want === path;
  if (baseOf(want).includes(UNKNOWN)) return false; // the file name itself must be spelled out
  return new RegExp(`^${want.split(UNKNOWN).map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+')}$`).test(path);
}

type Content = { kind: 'word'; word: string } | { kind: 'empty' } | { kind: 'commit-count' };

/** What one shell command writes to its redirection target; undefined for anything but the listed forms. */
export function commandContent(cmd: string): Content | undefined {
  const c = cmd.trim();
  if (c === '' || c === ':' || c === 'true') return { kind: 'empty' };
  const echo = /^echo\s+(['"]?)([\w.+-]+)\1$/.exec(c);
  if (echo) return { kind: 'word', word: echo[2]! };
  if (/^git\s+log\b[^|;&`$()]*\|\s*wc\s+-l\b(?:\s*\|\s*(?:'\$\(SED\)'|\$\(SED\)|sed)\s+(['"])s\|\[[\t ]+\]\|\|g\1)?$/.test(c)) return { kind: 'commit-count' };
  if (/^git\s+rev-list\s+--count\s+HEAD$/.test(c)) return { kind: 'commit-count' };
  return undefined;
}

/**
 * Literal temporary names a recipe moves onto its target (`mv -f x.tmp $@`: libXtst's man/x.stamp, automake's
 * multiple-outputs idiom, whose recipe touches x.tmp before running the tool).
 */
export function movedLiterals(recipe: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const l of recipe) for (const m of l.matchAll(/\bmv\s+(?:-f\s+)?(['"]?)([\w][\w.+-]*)\1\s+(['"]?)\$@\3(?=\s|;|$)/g)) out.add(m[2]!);
  return out;
}

/** The commands of a recipe line: make's echo/silence prefixes dropped, split at `;`, `&&`, `||`. */
function commands(line: string): string[] {
  return line
    .replace(/^(?:\s*(?:[@+-]|\$\(AM_V_[A-Za-z]+\)))+/, '')
    .split(/;|&&|\|\|/)
    .map((c) => c.trim().replace(/^(?:(?:[@+-]|\$\(AM_V_[A-Za-z]+\))+|(?:then|else|do|\{|\()\s+)+/, '').trim())
    .filter(Boolean);
}

export interface RuleProof { fragment: string; command: string; content: Content }

const fragmentLists = new WeakMap<ReadonlySet<string>, Map<string, readonly string[]>>();
const NONE: readonly string[] = [];

/** The tracked makefile fragments of one directory, in name order: listed once per directory and git path set. */
function fragmentsIn(dir: string, gitPaths: ReadonlySet<string>): readonly string[] {
  let byDir = fragmentLists.get(gitPaths);
  if (!byDir) fragmentLists.set(gitPaths, (byDir = new Map()));
  let list = byDir.get(dir);
  if (list === undefined) {
    const here = pathsBy('dir', gitPaths).get(dir) ?? [];
    // A tracked Makefile.in with no Makefile.am beside it is the project's own hand-written makefile (nettle's),
    // not automake's output: its rules are read like any fragment's.
    const am = dir ? `${dir}/Makefile.am` : 'Makefile.am';
    const found = here.filter((p) => isFragment(baseOf(p)) || (baseOf(p) === 'Makefile.in' && !gitPaths.has(am))).sort();
    list = found.length ? found : NONE;
    byDir.set(dir, list);
  }
  return list;
}

/**
 * Whether `path`'s directory or one above holds a tracked makefile fragment: without one no rule can name it, and
 * rulesFor / findWritingRule answer at once (2,000,000 tarball-only files beside a README-only tree).
 */
function mayHaveRule(path: string, gitPaths: ReadonlySet<string>): boolean {
  for (let d = dirOf(path); ; d = dirOf(d)) {
    if (fragmentsIn(d, gitPaths).length) return true;
    if (!d) return false;
  }
}

/** The tracked makefile fragments that may hold a rule for `path`: in its directory and each one above. */
async function* fragmentsFor(path: string, ctx: ClassifyContext): AsyncGenerator<{ frag: string; dir: string; mk: Fragment }> {
  for (let d = dirOf(path); ; d = dirOf(d)) {
    for (const frag of fragmentsIn(d, ctx.gitPaths)) {
      const buf = await ctx.content.git(frag);
      if (!buf || buf.length > MAX_FRAGMENT_BYTES || buf.subarray(0, 8192).includes(0)) continue;
      yield { frag, dir: d, mk: readFragment(buf.toString('utf8')) };
    }
    if (!d) break;
  }
}

/**
 * A tracked rule whose target is `path`: its fragment, the fragment's variables, the recipe. A pattern rule's
 * (patternRuleFor) target and prerequisites are the ones it stands for here, `stem` what its `%` matched.
 */
export interface TargetRule { fragment: string; dir: string; vars: ReadonlyMap<string, string>; target: string; prerequisites: string[]; recipe: string[]; stem?: string; pattern?: string }

/** The rules of tracked makefile fragments (the file's directory and above) whose target names `path`. */
export async function rulesFor(path: string, ctx: ClassifyContext): Promise<TargetRule[]> {
  const out: TargetRule[] = [];
  if (!mayHaveRule(path, ctx.gitPaths)) return out;
  for await (const { frag, dir, mk } of fragmentsFor(path, ctx))
    for (const rule of mk.rules) {
      const target = rule.targets.map((t) => expandLoose(t, mk.vars, dir)).find((e) => namesPath(dir, e, path) || namesPath('', e, path));
      if (target !== undefined) out.push({ fragment: frag, dir, vars: mk.vars, target, prerequisites: rule.prerequisites, recipe: rule.recipe });
    }
  return out;
}

/**
 * The pattern rule make would use to build `path` (`%.h: %.in.h` in parted's include/parted/Makefile.am), as the
 * TargetRule it stands for: only when no tracked rule names `path` with a recipe of its own (`explicit`: rulesFor's
 * answer; an explicit rule wins),
 * only from the fragments of `path`'s own directory (where make runs for it), only a rule whose target is
 * `PREFIX%SUFFIX` without a directory and whose every `%` prerequisite, the stem put in, is a tracked file (make
 * skips a rule whose prerequisite neither exists nor can be made). Of several, make's choice: the shortest stem,
 * then the first written. The prerequisites are returned as the recipe sees them (`$<`): relative to the directory.
 */
export async function patternRuleFor(path: string, ctx: ClassifyContext, explicit: readonly TargetRule[]): Promise<TargetRule | undefined> {
  if (!mayHaveRule(path, ctx.gitPaths)) return undefined;
  if (explicit.some((r) => r.recipe.some((l) => l.trim()))) return undefined;
  const dir = dirOf(path);
  const base = baseOf(path);
  const found: TargetRule[] = [];
  for (const frag of fragmentsIn(dir, ctx.gitPaths)) {
    const buf = await ctx.content.git(frag);
    if (!buf || buf.length > MAX_FRAGMENT_BYTES || buf.subarray(0, 8192).includes(0)) continue;
    const mk = readFragment(buf.toString('utf8'));
    for (const rule of mk.rules) {
      if (!rule.recipe.some((l) => l.trim())) continue;
      for (const t of rule.targets) {
        const e = expandLoose(t, mk.vars, dir);
        const pct = e.indexOf('%');
        if (pct < 0 || e.indexOf('%', pct + 1) >= 0 || e.includes('/') || e.includes('$')) continue;
        const [pre, suf] = [e.slice(0, pct), e.slice(pct + 1)];
        if (base.length <= pre.length + suf.length || !base.startsWith(pre) || !base.endsWith(suf)) continue;
        const stem = base.slice(pre.length, base.length - suf.length);
        const prereqs: string[] = [];
        let ok = true;
        for (const p of rule.prerequisites) {
          const q = expandLoose(p, mk.vars, dir).replace('%', stem);
          const clean = q.startsWith('./') ? q.slice(2) : q;
          if (!p.includes('%')) { prereqs.push(clean); continue; }
          const rel = dir ? `${dir}/${clean}` : clean;
          if (/[$%*?]/.test(clean) || clean.includes('/') || !ctx.gitPaths.has(rel)) { ok = false; break; }
          prereqs.push(clean);
        }
        if (ok && rule.prerequisites.some((p) => p.includes('%'))) found.push({ fragment: frag, dir, vars: mk.vars, target: base, prerequisites: prereqs, recipe: rule.recipe, stem, pattern: `${t}: ${rule.prerequisites.join(' ')}` });
        break;
      }
    }
  }
  return found.sort((a, b) => a.stem!.length - b.stem!.length)[0];
}

/** The tracked rule writing `path` with the content model the command gives; undefined when none is found. */
export async function findWritingRule(path: string, ctx: ClassifyContext): Promise<RuleProof[]> {
  const found: RuleProof[] = [];
  if (!mayHaveRule(path, ctx.gitPaths)) return found;
  for await (const { frag, dir: d, mk } of fragmentsFor(path, ctx)) {
    {
      const names = (raw: string, targets: string[]) =>
        (raw.includes('$@') ? targets.map((t) => raw.split('$@').join(t)) : [raw]).some((r) => {
          const e = expandLoose(r, mk.vars, d);
          return namesPath(d, e, path) || namesPath('', e, path);
        });
      for (const rule of mk.rules) {
        const targets = rule.targets.map((t) => expandLoose(t, mk.vars, d));
        const isTarget = rule.targets.some((t) => names(t, []));
        // make's automatic $@ in a command of this rule is the target being built, as the rule spells it (gnutls'
        // doc/stamp_enums: `echo $@ > $@` writes "stamp_enums").
        const self = rule.targets.find((t) => names(t, []));
        const moved = isTarget && movesTmp(rule.recipe);
        const literals = isTarget ? movedLiterals(rule.recipe) : new Set<string>();
        for (const line of rule.recipe) {
          for (const cmd of commands(line)) {
            const touch = /^touch\s+(\S+)$/.exec(cmd);
            const redir = /^(.*?)\s*>\s*(\S+)$/.exec(cmd);
            const dest = touch?.[1] ?? redir?.[2];
            if (!dest || dest.includes('>')) continue;
            const unq = dest.replace(/^['"]|['"]$/g, '');
            const direct = names(unq, targets);
            const viaTmp = (moved && MOVED_TMP.test(unq)) || literals.has(unq);
            if (!direct && !viaTmp) continue;
            const written = self !== undefined && direct ? redir?.[1]!.split('$@').join(expandLoose(self, mk.vars, d)) : redir?.[1];
            const content = touch ? { kind: 'empty' as const } : commandContent(expandLoose(written!, mk.vars, d));
            if (content) found.push({ fragment: frag, command: cmd.slice(0, 160), content });
            else return []; // the file is also written by a command whose output is not modelled: no proof
          }
        }
      }
    }
  }
  return found;
}


/** A tracked shell script by name: `X.sh`, `X.bash`, or a name without an extension (autogen, bootstrap) whose first line is a shell's `#!`. */
const SCRIPT_NAME = /^(?:[\w.+-]+\.(?:sh|bash)|[\w+-]+)$/;
const SHELL_SHEBANG = /^#!\s*(?:\/usr)?\/bin\/(?:env\s+)?(?:ba|da|k)?sh\b/;
const MAX_SCRIPT_BYTES = 256 * 1024;
/** One word of a touch line: a literal path (quoted or not), optionally under `$srcdir`/`${srcdir}` (the script's own directory, as autogen scripts set it). */
const TOUCH_WORD = /^(?:"?\$\{?srcdir\}?"?\/)?(?:"([\w.+/-]+)"|'([\w.+/-]+)'|([\w.+/-]+))$/;

export interface ScriptTouch { script: string; line: number; command: string }

/**
 * The tracked shell script lines that create `path` empty (`touch PATH`, `test -f PATH || touch PATH`, `: > PATH`):
 * scripts of the file's directory or one above (autogen.sh, bootstrap, makedist.sh …), read, never run; each word
 * of the command a literal path relative to the script's directory. Here-document bodies and comments are not
 * commands; a touch with an option (`-c` creates nothing, `-r` copies a time), a variable or a glob names nothing.
 */
export async function findTouchingScripts(path: string, ctx: ClassifyContext): Promise<ScriptTouch[]> {
  const out: ScriptTouch[] = [];
  const byDir = pathsBy('dir', ctx.gitPaths);
  for (let d = dirOf(path); ; d = dirOf(d)) {
    for (const script of [...(byDir.get(d) ?? [])].sort()) {
      if (!SCRIPT_NAME.test(baseOf(script))) continue;
      const buf = await ctx.content.git(script);
      if (!buf || buf.length > MAX_SCRIPT_BYTES || buf.subarray(0, 8192).includes(0)) continue;
      const text = buf.toString('utf8');
      if (!/\.(?:sh|bash)$/.test(script) && !SHELL_SHEBANG.test(text)) continue;
      const lines = text.split('\n');
      let heredoc: string | undefined;
      for (let i = 0; i < lines.length; i++) {
        const raw = lines[i]!;
        if (heredoc !== undefined) {
          if (raw.replace(/^\t+/, '') === heredoc) heredoc = undefined;
          continue;
        }
        const doc = /<<-?\s*(['"]?)(\w+)\1/.exec(raw);
        if (doc) { heredoc = doc[2]!; continue; }
        const line = raw.trim();
        if (!line || line.startsWith('#') || /\s#/.test(line)) continue;
        for (const part of line.split(/;|&&|\|\|/)) {
          const cmd = part.trim().replace(/^(?:(?:then|else|do|\{|\()\s+)+/, '').replace(/\s*[)}]$/, '').trim();
          const touch = /^touch((?:\s+[^\s-][^\s]*)+)$/.exec(cmd);
          const empty = /^(?::|true)?\s*>\s*([^\s>]+)$/.exec(cmd);
          const words = touch ? touch[1]!.trim().split(/\s+/) : empty ? [empty[1]!] : [];
          for (const w of words) {
            const m = TOUCH_WORD.exec(w);
            const rel = m ? (m[1] ?? m[2] ?? m[3])! : undefined;
            if (rel !== undefined && namesPath(d, rel, path)) out.push({ script, line: i + 1, command: cmd.slice(0, 160) });
          }
        }
      }
    }
    if (!d) break;
  }
  return out;
}

/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && diff.tarball.size <= MAX_BYTES;

export const makeStampClassifier: Classifier = {
  id: 'make-stamp',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const buf = ctx.content.tarball(diff.path);
    if (!buf) return undefined;
    const text = buf.toString('utf8');
    const rules = await findWritingRule(diff.path, ctx);
    for (const r of rules) {
      let ok = false;
      let commits: number | undefined;
      if (r.content.kind === 'empty') ok = text === '';
      else if (r.content.kind === 'word') ok = text === `${r.content.word}\n`;
      else if (/^\d+\n$/.test(text)) {
        commits = await ctx.history?.commitCount();
        ok = commits !== undefined && text === `${commits}\n`;
      }
      if (!ok) continue;
      return makeFinding('GENERATED_FROM_SOURCE', diff.path, { how: 'make-rule', source: r.fragment, generator: r.command, ...(commits !== undefined ? { commits } : {}) });
    }
    // No rule: an empty file a tracked shell script creates by name (msgpack-c's makedist.sh `test -f AUTHORS ||
    // touch AUTHORS`, xdg-dbus-proxy's autogen.sh `touch INSTALL`). Empty only: any byte and the script proves nothing.
    if (text === '' && !rules.length) {
      const t = (await findTouchingScripts(diff.path, ctx))[0];
      if (t) return makeFinding('GENERATED_FROM_SOURCE', diff.path, { how: 'script-touch', source: t.script, generator: t.command, script: { script: t.script, line: t.line } });
    }
    return undefined;
  },
};
