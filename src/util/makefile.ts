/**
 * The one Makefile reader of distdiff, for every user of tracked make rules: the classifiers that judge a file
 * by the rule that writes it (classify/make-stamp.ts with its rulesFor lookup, generator-model.ts, help-text.ts,
 * module-rule.ts, cross-options.ts, program-help.ts; regenerate/makeinfo.ts) and the regeneration that makes a
 * file with a rule of the tag's Makefile.am (regenerate/autotest.ts, post-edit.ts, regenerate.ts). Pure
 * functions over text: nothing here runs, nothing is read but through the caller's `read`.
 *
 *   parse    logical lines (backslash continuations joined; in a recipe the backslash-newline is kept, as
 *            make hands it to the shell), make's `#` comments and automake's `##` lines dropped, `if`/`else`/
 *            `endif` lines read through (both branches kept), variables (`=`, `:=`, `::=`, `+=`, `?=`), rules
 *            with their recipe (a tab line after a rule; an inline `; cmd`). parseMakefileAm follows `include`
 *            lines, with automake's %D%/%reldir% and %C%/%canon_reldir% replaced by the fragment's directory
 *            relative to the Makefile.am; parseMakefile reads one fragment and leaves them for `expand`.
 *   expand   expandLoose: `$(VAR)` from the fragment's variables, the `$(srcdir)`-like directories as `.`,
 *            %D% as the fragment's directory, anything unknown left as written (classifiers then decide).
 *            expandMake: strict, as make would for a rule that is to run — the Makefile.am's variables, the
 *            caller's values, `$$`, `$@ $< $^`; a make function (but `$(if …)` and `$(wildcard NAME)` when the
 *            caller passes MakeFunctions) or (without a list to note them in) an undefined variable is a
 *            MakeExpandError naming it, so a rule is never half-run.
 */
import { posix } from 'node:path';

export interface MakeRule {
  /** Targets and prerequisites as written (unexpanded), split at white space. */
  targets: string[];
  prerequisites: string[];
  /**
   * Recipe lines as written, the leading tab removed: a continued line keeps its backslash-newline and the
   * next line's tab (recipeForShell / recipeJoined give the two readings).
   */
  recipe: string[];
  /** The file the rule is written in (the path given to the parser; '' for parseMakefile's text). */
  file: string;
}

export interface Makefile {
  /** The Makefile.am's directory (repository path, '' for the top; parseMakefile: ''). */
  dir: string;
  /** Every file read: the Makefile.am and the fragments it includes, in reading order. */
  files: string[];
  vars: Map<string, string>;
  rules: MakeRule[];
}

const MAX_INCLUDE_DEPTH = 10;

/** A recipe line as make passes it to the shell: backslash-newline kept, the continuation's leading tab removed. */
export const recipeForShell = (line: string): string => line.replace(/\\\n\t/g, '\\\n');
/** A recipe line as one line of text: each backslash-newline a space. */
export const recipeJoined = (line: string): string => line.replace(/\\\n/g, ' ');

/** Automake's %D%-style substitutions for a fragment at `rel` (relative to the Makefile.am's directory). */
function reldirSubst(line: string, rel: string): string {
  const canon = rel === '.' ? '' : rel.replace(/[^A-Za-z0-9_]/g, '_');
  return line.replace(/%(?:D|reldir)%/g, rel).replace(/%(?:C|canon_reldir)%/g, canon);
}

/** Strip a make comment (an unescaped `#`) from a non-recipe line. */
function stripComment(line: string): string {
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '#') return line.slice(0, i);
  }
  return line;
}

const words = (s: string) => s.trim().split(/\s+/).filter(Boolean);

/**
 * Read one file's text into `out`. `rel`: replace %D%-style names with it (a fragment of a Makefile.am);
 * undefined: leave them. `include(arg)`: called for each include line (parseMakefileAm follows it).
 */
function readInto(out: Makefile, text: string, file: string, rel: string | undefined, include?: (arg: string) => void): void {
  const subst = (s: string) => (rel === undefined ? s : reldirSubst(s, rel));
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let rule: MakeRule | undefined;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.startsWith('##')) continue;
    const tab = line.startsWith('\t');
    if (tab && rule) {
      // A recipe line with its continuations.
      let cmd = line.slice(1);
      while (cmd.endsWith('\\') && i + 1 < lines.length) cmd += '\n' + lines[++i]!;
      rule.recipe.push(subst(cmd));
      continue;
    }
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + ' ' + lines[++i]!;
    line = subst(stripComment(line)).trim();
    if (!line) continue;
    // automake's and GNU make's conditionals are read through (both branches; the later assignment wins) and
    // leave an open rule open.
    if (/^(?:if|ifn?eq|ifn?def|else|endif)\b/.test(line)) continue;
    const inc = /^-?include\s+(\S+)$/.exec(line);
    if (inc) {
      rule = undefined;
      include?.(inc[1]!);
      continue;
    }
    const assign = /^([A-Za-z0-9_.@-]+)\s*(\+=|:=|::=|\?=|=)\s*(.*)$/.exec(line);
    if (assign) {
      rule = undefined;
      const [, name, op, value] = assign as unknown as [string, string, string, string];
      const prev = out.vars.get(name);
      if (op === '+=') out.vars.set(name, prev ? `${prev} ${value}` : value);
      else if (op === '?=') {
        if (prev === undefined) out.vars.set(name, value);
      } else out.vars.set(name, value);
      continue;
    }
    // A tab-indented line outside a rule that is no assignment (one inside a conditional is, above): nothing.
    if (tab) {
      rule = undefined;
      continue;
    }
    const r = /^([^:=]+?)\s*::?(?!=)(.*)$/.exec(line);
    if (r) {
      const semi = r[2]!.indexOf(';');
      const inline = semi < 0 ? '' : r[2]!.slice(semi + 1).trim();
      rule = { targets: words(r[1]!), prerequisites: words(semi < 0 ? r[2]! : r[2]!.slice(0, semi)), recipe: inline ? [inline] : [], file };
      out.rules.push(rule);
      continue;
    }
    rule = undefined;
  }
}

/** Variables and rules of one makefile fragment; include lines and %D% are left as written. */
export function parseMakefile(text: string, file = ''): Makefile {
  const out: Makefile = { dir: '', files: [file], vars: new Map(), rules: [] };
  readInto(out, text, file, undefined);
  return out;
}

/** Resolve an `include` argument to a repository path (undefined when it names a variable we cannot resolve). */
function includePath(arg: string, amDir: string, fragDir: string): string | undefined {
  let p = arg;
  if (p.startsWith('$(top_srcdir)/') || p.startsWith('$(srcdir)/')) p = posix.join(amDir || '.', p.slice(p.indexOf('/') + 1));
  else if (p.includes('$')) return undefined;
  else p = posix.join(fragDir || '.', p);
  p = posix.normalize(p);
  return p.startsWith('../') || p.startsWith('/') ? undefined : p.replace(/^\.\//, '');
}

/**
 * Parse `amPath` (a Makefile.am in the repository) and the fragments it includes. `read` returns a file's text
 * (undefined when absent).
 */
export function parseMakefileAm(amPath: string, read: (path: string) => string | undefined): Makefile {
  const dir = posix.dirname(amPath) === '.' ? '' : posix.dirname(amPath);
  const out: Makefile = { dir, files: [], vars: new Map(), rules: [] };
  const visit = (path: string, depth: number) => {
    if (depth > MAX_INCLUDE_DEPTH || out.files.includes(path)) return;
    const text = read(path);
    if (text === undefined) return;
    out.files.push(path);
    const fragDir = posix.dirname(path) === '.' ? '' : posix.dirname(path);
    const rel = posix.relative(dir || '.', fragDir || '.') || '.';
    readInto(out, text, path, rel, (arg) => {
      const p = includePath(arg, dir, fragDir);
      if (p) visit(p, depth + 1);
    });
  };
  visit(amPath, 0);
  return out;
}

// ---- expansion ----

const DIRS = new Set(['srcdir', 'top_srcdir', 'builddir', 'top_builddir', 'abs_srcdir', 'abs_top_srcdir', 'distdir', 'top_distdir']);

/**
 * `s` with `$(VAR)`/`${VAR}` from `vars`, the directory variables as `.` and `%D%`/`%reldir%` as `fragmentDir`
 * expanded; `$$` (make's escaped `$`) and anything unknown are left as written.
 */
export function expandLoose(s: string, vars: ReadonlyMap<string, string>, fragmentDir: string): string {
  // `$$` is make's escaped `$`: kept as it is, never the start of a variable.
  // automake's %D% (the fragment's directory) also inside a variable's value (`X = $(top_srcdir)/%D%/x`).
  const reldir = (t: string) => t.replace(/%(?:D|reldir)%/g, fragmentDir || '.');
  let out = reldir(s).replace(/\$\$/g, '\u0002');
  for (let i = 0; i < 8 && /\$[({][\w.]+(?::[^$(){}=]*=[^$(){}]*)?[)}]/.test(out); i++)
    out = out
      .replace(/\$[({]([\w.]+)[)}]/g, (m, name: string) => (DIRS.has(name) ? '.' : vars.has(name) ? reldir(vars.get(name)!).replace(/\$\$/g, '\u0002') : m))
      .replace(/\$[({]([\w.]+):([^$(){}=]*)=([^$(){}]*)[)}]/g, (m, name: string, from: string, to: string) => {
        const v = vars.get(name);
        return v === undefined || /\$/.test(v) ? m : substRef(reldir(v), from, to);
      });
  return out.replace(/\u0002/g, '$$$$');
}

/** GNU make's substitution reference `$(VAR:FROM=TO)` on a value: `%` patterns, else a suffix replaced word by word. */
export function substRef(value: string, from: string, to: string): string {
  const pct = from.indexOf('%');
  return value
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => {
      if (pct < 0) return from && w.endsWith(from) ? w.slice(0, w.length - from.length) + to : w;
      const [pre, post] = [from.slice(0, pct), from.slice(pct + 1)];
      if (w.length < pre.length + post.length || !w.startsWith(pre) || !w.endsWith(post)) return w;
      const stem = w.slice(pre.length, w.length - post.length);
      return to.includes('%') ? to.replace('%', stem) : to;
    })
    .join(' ');
}

/** $(top_srcdir) for a makefile in `dir`: the way up to the nearest configure directory at or above it among the tracked paths ('.' at the top). */
export function topRelOf(dir: string, tracked: ReadonlySet<string>): string {
  const parts = dir ? dir.split('/') : [];
  for (let n = parts.length; n >= 0; n--) {
    const d = parts.slice(0, n).join('/');
    if (tracked.has(d ? `${d}/configure.ac` : 'configure.ac') || tracked.has(d ? `${d}/configure.in` : 'configure.in')) return parts.length - n === 0 ? '.' : Array(parts.length - n).fill('..').join('/');
  }
  return parts.length ? parts.map(() => '..').join('/') : '.';
}

/** Values make and automake give every Makefile (an in-tree build: builddir = srcdir). */
export function builtinVars(topRel: string): Map<string, string> {
  return new Map([
    ['srcdir', '.'],
    ['builddir', '.'],
    ['top_srcdir', topRel],
    ['top_builddir', topRel],
    ['AM_V_GEN', ''],
    ['AM_V_at', ''],
    ['AM_V_P', ':'],
    ['AUTOM4TE', 'autom4te'],
    ['AUTOTEST', '$(AUTOM4TE) --language=autotest'],
    ['PERL', 'perl'],
    ['SHELL', '/bin/sh'],
    ['SED', 'sed'],
    ['GREP', 'grep'],
    ['M4', 'm4'],
    ['MKDIR_P', 'mkdir -p'],
  ]);
}

export class MakeExpandError extends Error {}

/**
 * The make functions a caller lets expandMake evaluate (without it, any function is a MakeExpandError):
 * `$(if COND,THEN[,ELSE])` (pure: COND expanded, blank or not) and `$(wildcard NAMES)` through `wildcard`, which
 * answers one name (relative to the makefile's directory) with the name when the file is there, '' when it is not,
 * or undefined when it cannot say (a pattern, a file only the maintainer's tree may have): then a MakeExpandError.
 */
export interface MakeFunctions {
  wildcard: (name: string) => string | undefined;
}

/** The arguments of a make function call's text after its name, split at the commas outside parentheses. */
function functionArgs(text: string): string[] {
  const out: string[] = [];
  let level = 0;
  let cur = '';
  for (const c of text) {
    if (c === '(' || c === '{') level++;
    else if (c === ')' || c === '}') level--;
    if (c === ',' && !level) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/**
 * Expand make references in `s`. Lookup order: `auto` ($@ …), `vars` (the Makefile.am's), `values`
 * (configure's substitutions and the built-ins). Throws MakeExpandError naming what it cannot expand; an
 * undefined variable is empty (as in make) and noted in `undefinedNames` when the caller passes one.
 */
export function expandMake(s: string, vars: ReadonlyMap<string, string>, values: ReadonlyMap<string, string>, auto: Record<string, string> = {}, undefinedNames?: Set<string>, depth = 0, fns?: MakeFunctions): string {
  if (depth > 20) throw new MakeExpandError('variables nest too deep');
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '$') {
      out += c;
      continue;
    }
    const n = s[i + 1];
    if (n === '$') {
      out += '$';
      i++;
      continue;
    }
    if (n === '(' || n === '{') {
      const close = n === '(' ? ')' : '}';
      let level = 1;
      let j = i + 2;
      for (; j < s.length && level; j++) {
        if (s[j] === n) level++;
        else if (s[j] === close) level--;
      }
      if (level) throw new MakeExpandError(`unbalanced ${n} in ${JSON.stringify(s.slice(i, i + 40))}`);
      const ref = s.slice(i + 2, j - 1);
      i = j - 1;
      const fn = fns ? /^(if|wildcard)\s+/.exec(ref) : null;
      if (fn) {
        const args = functionArgs(ref.slice(fn[0].length));
        const expand = (t: string) => expandMake(t, vars, values, auto, undefinedNames, depth + 1, fns);
        if (fn[1] === 'if') {
          if (args.length < 2 || args.length > 3) throw new MakeExpandError(`make function $(if …) with ${args.length} argument(s)`);
          out += expand(args[expand(args[0]!).trim() ? 1 : 2] ?? '');
          continue;
        }
        if (args.length !== 1) throw new MakeExpandError('make function $(wildcard …) with a comma');
        const found = words(expand(args[0]!)).map((w) => {
          const r = /[*?[\]\\]/.test(w) ? undefined : fns!.wildcard(w);
          if (r === undefined) throw new MakeExpandError(`make function $(wildcard ${w}), which nothing here can answer`);
          return r;
        });
        out += found.filter(Boolean).join(' ');
        continue;
      }
      if (/\s/.test(ref) || ref.includes(',')) throw new MakeExpandError(`make function $(${ref.split(/\s/)[0]} …)`);
      // $(VAR:a=b) substitution references.
      const subst = /^([^:]+):([^=]*)=(.*)$/.exec(ref);
      const name = subst ? subst[1]! : ref;
      if (name in auto) {
        out += auto[name];
        continue;
      }
      const raw = vars.get(name) ?? values.get(name);
      if (raw === undefined) {
        // make expands an undefined variable to nothing; the caller lists them (a configure substitution
        // we do not know would make the recipe fail or differ, never pass silently).
        if (!undefinedNames) throw new MakeExpandError(`$(${name}), which neither the Makefile.am nor configure's values define here`);
        undefinedNames.add(name);
        continue;
      }
      let v = expandMake(raw, vars, values, auto, undefinedNames, depth + 1, fns);
      if (subst) v = v.split(/\s+/).filter(Boolean).map((w) => (w.endsWith(subst[2]!) ? w.slice(0, w.length - subst[2]!.length) + subst[3]! : w)).join(' ');
      out += v;
      continue;
    }
    if (n !== undefined && '@<^*?+'.includes(n)) {
      if (!(n in auto)) throw new MakeExpandError(`automatic variable $${n}`);
      out += auto[n];
      i++;
      continue;
    }
    throw new MakeExpandError(`single-letter variable $${n ?? ''}`);
  }
  return out;
}

/** A path as make would name it relative to `dir` ("./tests/testsuite" → "tests/testsuite"), or undefined outside. */
export function normalizeTarget(word: string, dir: string): string | undefined {
  const p = posix.normalize(posix.join(dir || '.', word));
  return p.startsWith('../') || p === '..' || p.startsWith('/') ? undefined : p.replace(/^\.\//, '');
}

/** As normalizeTarget, with the directory itself as '' (a repository path, as the tree listing names it). */
export function repoPathIn(dir: string, word: string): string | undefined {
  const p = normalizeTarget(word, dir);
  return p === '.' ? '' : p;
}

/** make's $(@F) and $(@D): the target's file part, and its directory part ('.' when it names none). */
export function targetParts(target: string): { '@F': string; '@D': string } {
  const i = target.lastIndexOf('/');
  return { '@F': i < 0 ? target : target.slice(i + 1), '@D': i < 0 ? '.' : target.slice(0, i) || '/' };
}

export interface ResolvedRule {
  rule: MakeRule;
  /** The target as written after expansion (what $@ is). */
  target: string;
  /** Prerequisites as repository paths. */
  prereqs: string[];
  /** Recipe lines as the shell gets them, expanded, '@'/'-'/'+' prefixes removed. */
  commands: string[];
  /** Variables the rule uses that nothing defines (expanded to nothing, as make does). */
  undefinedVars: string[];
}

/**
 * The rule making `path` (a repository path) in `am`, expanded with `values`. undefined when no rule
 * names it; throws MakeExpandError when one does but cannot be expanded.
 */
export function resolveRule(am: Makefile, path: string, values: ReadonlyMap<string, string>, fns?: MakeFunctions): ResolvedRule | undefined {
  for (const rule of am.rules) {
    if (!rule.recipe.length || rule.targets.some((t) => t.includes('%'))) continue;
    let targets: string[];
    try {
      targets = words(expandMake(rule.targets.join(' '), am.vars, values, {}, new Set(), 0, fns));
    } catch {
      continue;
    }
    const target = targets.find((t) => normalizeTarget(t, am.dir) === path);
    if (!target) continue;
    const undefinedNames = new Set<string>();
    const prereqWords = words(expandMake(rule.prerequisites.join(' '), am.vars, values, {}, undefinedNames, 0, fns));
    const auto = { '@': target, ...targetParts(target), '<': prereqWords[0] ?? '', '^': [...new Set(prereqWords)].join(' '), '?': [...new Set(prereqWords)].join(' ') };
    const commands = rule.recipe.map((l) => expandMake(recipeForShell(l), am.vars, values, auto, undefinedNames, 0, fns).replace(/^[@+-]+/, '').trim()).filter(Boolean);
    const prereqs = prereqWords.map((w) => normalizeTarget(w, am.dir)).filter((p): p is string => !!p);
    return { rule, target, prereqs, commands, undefinedVars: [...undefinedNames].sort() };
  }
  return suffixRule(am, path, values);
}

/**
 * An old-fashioned suffix rule making `path` when no rule with a recipe names it: `.A.B:` with A and B among the
 * suffixes the makefile's SUFFIXES (automake) or `.SUFFIXES:` (make) lists (p11-kit's `SUFFIXES += .h .gnu.c` and `.h.gnu.c:`), the target X.B made
 * from X.A ($< X.A, $@ the target); a rule without a recipe naming the target (`p11-kit/uri.gnu.c: p11-kit/uri.h`)
 * adds its prerequisites, as make does.
 */
function suffixRule(am: Makefile, path: string, values: ReadonlyMap<string, string>): ResolvedRule | undefined {
  let suffixes: string[];
  try {
    // automake's SUFFIXES variable, or make's own `.SUFFIXES: .h .gnu.c`
    const listed = [am.vars.get('SUFFIXES') ?? '', ...am.rules.filter((r) => r.targets.length === 1 && r.targets[0] === '.SUFFIXES').map((r) => r.prerequisites.join(' '))];
    suffixes = words(expandMake(listed.join(' '), am.vars, values, {}, new Set())).filter((w) => /^\.[\w.+-]+$/.test(w));
  } catch {
    return undefined;
  }
  if (!suffixes.length) return undefined;
  const rel = am.dir ? (path.startsWith(`${am.dir}/`) ? path.slice(am.dir.length + 1) : undefined) : path;
  if (rel === undefined) return undefined;
  for (const rule of am.rules) {
    if (!rule.recipe.length || rule.targets.length !== 1 || rule.prerequisites.length) continue;
    const name = rule.targets[0]!;
    for (const to of suffixes) {
      const from = name.endsWith(to) ? name.slice(0, -to.length) : undefined;
      if (!from || !suffixes.includes(from) || !rel.endsWith(to) || rel.length === to.length) continue;
      const source = `${rel.slice(0, -to.length)}${from}`;
      const undefinedNames = new Set<string>();
      const extra: string[] = [];
      for (const r of am.rules) {
        if (r.recipe.length) continue;
        let ts: string[];
        try {
          ts = words(expandMake(r.targets.join(' '), am.vars, values, {}, new Set()));
        } catch {
          continue;
        }
        if (ts.some((t) => normalizeTarget(t, am.dir) === path)) extra.push(...words(expandMake(r.prerequisites.join(' '), am.vars, values, {}, undefinedNames)));
      }
      const prereqWords = [...new Set([source, ...extra])];
      const auto = { '@': rel, ...targetParts(rel), '<': source, '^': prereqWords.join(' '), '?': prereqWords.join(' '), '*': rel.slice(0, -to.length) };
      const commands = rule.recipe.map((l) => expandMake(recipeForShell(l), am.vars, values, auto, undefinedNames).replace(/^[@+-]+/, '').trim()).filter(Boolean);
      const prereqs = prereqWords.map((w) => normalizeTarget(w, am.dir)).filter((q): q is string => !!q);
      return { rule, target: rel, prereqs, commands, undefinedVars: [...undefinedNames].sort() };
    }
  }
  return undefined;
}
