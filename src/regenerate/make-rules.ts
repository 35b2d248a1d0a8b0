/**
 * Rules of a Makefile.am (and the fragments it `include`s), read as text so that a file a release makes
 * with its own rule (an autotest `testsuite`, its `package.m4`) can be made again in the sandbox with the
 * recipe from git — never the shipped Makefile.in's. Pure functions over text: nothing here runs.
 *
 *   parse    logical lines (backslash continuations joined), automake's `##` comments and make's `#`
 *            comments dropped, `include` fragments read with %D%/%reldir% and %C%/%canon_reldir%
 *            replaced by the fragment's directory, `if`/`else`/`endif` lines ignored (both branches kept)
 *   expand   $(VAR) / ${VAR} from the definitions (`=`, `:=`, `+=`; the last `=` wins), the caller's
 *            values (configure's substitutions), a few make/automake built-ins; `$$` is `$`; $@ $< $^
 *            are the rule's. Anything else — a make function, a variable nobody defines — is an error
 *            naming it: the rule is then not run, never half-run.
 */
import { posix } from 'node:path';

export interface MakeRule {
  /** Targets and prerequisites as written (unexpanded). */
  targets: string;
  prereqs: string;
  /** Recipe lines (leading tab removed; continuation lines kept with their backslash-newline). */
  recipe: string[];
  /** The file the rule is written in (repository path). */
  file: string;
}

export interface ParsedMakefileAm {
  /** The Makefile.am's directory (repository path, '' for the top). */
  dir: string;
  /** Every file read: the Makefile.am and its included fragments. */
  files: string[];
  vars: Map<string, string>;
  rules: MakeRule[];
}

const MAX_INCLUDE_DEPTH = 10;

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
 * Parse `amPath` (a Makefile.am in the repository) and its included fragments. `read` returns a file's text
 * (undefined when absent).
 */
export function parseMakefileAm(amPath: string, read: (path: string) => string | undefined): ParsedMakefileAm {
  const dir = posix.dirname(amPath) === '.' ? '' : posix.dirname(amPath);
  const out: ParsedMakefileAm = { dir, files: [], vars: new Map(), rules: [] };
  const visit = (path: string, depth: number) => {
    if (depth > MAX_INCLUDE_DEPTH || out.files.includes(path)) return;
    const text = read(path);
    if (text === undefined) return;
    out.files.push(path);
    const fragDir = posix.dirname(path) === '.' ? '' : posix.dirname(path);
    const rel = posix.relative(dir || '.', fragDir || '.') || '.';
    const lines = text.split('\n');
    let rule: MakeRule | undefined;
    for (let i = 0; i < lines.length; i++) {
      let line = lines[i]!;
      if (line.startsWith('##')) continue;
      // A recipe line, with its continuations (each continuation's leading tab removed, as make does).
      if (rule && line.startsWith('\t')) {
        let cmd = line.slice(1);
        while (cmd.endsWith('\\') && i + 1 < lines.length) cmd += '\n' + lines[++i]!.replace(/^\t/, '');
        rule.recipe.push(reldirSubst(cmd, rel));
        continue;
      }
      while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + ' ' + lines[++i]!;
      line = reldirSubst(stripComment(line), rel).trim();
      if (!line) continue;
      if (/^(?:if|else|endif)\b/.test(line)) continue;
      const inc = /^-?include\s+(\S+)$/.exec(line);
      if (inc) {
        rule = undefined;
        const p = includePath(inc[1]!, dir, fragDir);
        if (p) visit(p, depth + 1);
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
      const r = /^([^:=]+?)\s*::?\s*(.*)$/.exec(line);
      if (r) {
        const [prereqs, inline] = r[2]!.split(';', 2) as [string, string | undefined];
        rule = { targets: r[1]!, prereqs: prereqs.trim(), recipe: inline?.trim() ? [inline.trim()] : [], file: path };
        out.rules.push(rule);
        continue;
      }
      rule = undefined;
    }
  };
  visit(amPath, 0);
  return out;
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
 * Expand make references in `s`. Lookup order: `auto` ($@ …), `vars` (the Makefile.am's), `values`
 * (configure's substitutions and the built-ins). Throws MakeExpandError naming what it cannot expand.
 */
export function expandMake(s: string, vars: ReadonlyMap<string, string>, values: ReadonlyMap<string, string>, auto: Record<string, string> = {}, undefinedNames?: Set<string>, depth = 0): string {
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
      let v = expandMake(raw, vars, values, auto, undefinedNames, depth + 1);
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

export interface ResolvedRule {
  rule: MakeRule;
  /** The target as written after expansion (what $@ is). */
  target: string;
  /** Prerequisites as repository paths. */
  prereqs: string[];
  /** Recipe lines, expanded, '@'/'-'/'+' prefixes removed. */
  commands: string[];
  /** Variables the rule uses that nothing defines (expanded to nothing, as make does). */
  undefinedVars: string[];
}

/**
 * The rule making `path` (a repository path) in `am`, expanded with `values`. undefined when no rule
 * names it; throws MakeExpandError when one does but cannot be expanded.
 */
export function resolveRule(am: ParsedMakefileAm, path: string, values: ReadonlyMap<string, string>): ResolvedRule | undefined {
  for (const rule of am.rules) {
    if (!rule.recipe.length || rule.targets.includes('%')) continue;
    let targets: string[];
    try {
      targets = expandMake(rule.targets, am.vars, values, {}, new Set()).split(/\s+/).filter(Boolean);
    } catch {
      continue;
    }
    const target = targets.find((t) => normalizeTarget(t, am.dir) === path);
    if (!target) continue;
    const undefinedNames = new Set<string>();
    const prereqWords = expandMake(rule.prereqs, am.vars, values, {}, undefinedNames).split(/\s+/).filter(Boolean);
    const auto = { '@': target, '<': prereqWords[0] ?? '', '^': [...new Set(prereqWords)].join(' '), '?': [...new Set(prereqWords)].join(' ') };
    const commands = rule.recipe.map((l) => expandMake(l, am.vars, values, auto, undefinedNames).replace(/^[@+-]+/, '').trim()).filter(Boolean);
    const prereqs = prereqWords.map((w) => normalizeTarget(w, am.dir)).filter((p): p is string => !!p);
    return { rule, target, prereqs, commands, undefinedVars: [...undefinedNames].sort() };
  }
  return undefined;
}
