/**
 * A generated file that a tracked make rule edits in place after its generator ran (issue 12): libtool's
 * Makefile.am rule `$(stamp_mk): $(lt_Makefile_in)` loops over the aux directory and seds every aux script
 * outside `pkgaux_scripts` out of libltdl/Makefile.in (`sed … FILE > "$T" && mv -f "$T" FILE`). automake's
 * output then differs from the shipped file by exactly what that sed removes.
 *
 * The rule is computed, never run: its recipe (make variables expanded by ../util/makefile.ts with configure's
 * AC_SUBST values) is evaluated by a small shell interpreter over an in-memory copy of the regenerated file.
 * The shell it reads (tokenized by ../util/shell-tokens.ts, the one tokenizer): words with single/double quotes, `$var`/`${var}`, backquoted command substitution;
 * `;`, `&&`, `||`, `|`, newlines; `NAME=value` assignments; `for V in WORDS; do …; done` (a `DIR/*` word
 * lists the tree's files in DIR, as the release's tree had them: the tag's files and the tarball's); `case
 * WORD in PATTERN) …;; esac` (glob patterns, quoted parts literal); `test -f`/`test -d`; `continue`; `:`;
 * `echo`; `sed` of ../classify/shell-subset.ts's subset (-e scripts, p/d/s, addresses) on stdin or on the
 * edited file (as its operand or a plain `< FILE`); `> FILE` into a temporary name and `mv [-f] TMP FILE` back onto the edited file; `echo … > OTHER`
 * (a stamp) is a no-op. Command substitution runs `echo … | sed …`, and a tracked `extract-trace MACRO FILE`
 * (gnulib/libtool's script that prints a macro's traced arguments) is read as the first arguments of MACRO's
 * calls in the tracked FILE (the script itself, in the tree, is never read nor run: what it prints is modelled). Anything else — another command, an unknown file, a redirection elsewhere — and
 * the rule proves nothing.
 */
import { posix } from 'node:path';
import { macroFirstArgs } from '../classify/autotools.js';
import { parseSed, runSed } from '../classify/shell-subset.js';
import { shellTokens as tokenize, ShellSyntaxError, type ShellToken } from '../util/shell-tokens.js';
import { expandMake, MakeExpandError, normalizeTarget, recipeForShell, repoPathIn, type Makefile as ParsedMakefileAm } from '../util/makefile.js';

type Seg = { text: string; quoted: boolean } | { sub: string; quoted: boolean } | { var: string; quoted: boolean };
type Word = Seg[];
type Tok = { word: Word } | { op: string };

class Unsupported extends Error {}
const fail = (why: string): never => {
  throw new Unsupported(why);
};

/** The operators this interpreter reads (a newline is `;`); any other (`&`, `>>`, braces, `2>`) is refused. */
const READ_OPS = new Set([';', ';;', '&&', '||', '|', '>', '<', '(', ')']);

/**
 * Shell tokens (src/util/shell-tokens.ts, the one tokenizer): words with their quoted and expanded parts, and the
 * operators this interpreter reads. Throws Unsupported for anything else.
 */
export function shellTokens(src: string): Tok[] {
  let toks: ShellToken[];
  try {
    toks = tokenize(src);
  } catch (e) {
    if (e instanceof ShellSyntaxError) fail(e.message);
    throw e;
  }
  return toks.map((t): Tok => {
    if ('word' in t) return { word: t.word.map((g): Seg => (g.kind === 'text' ? { text: g.text, quoted: g.quote !== '' } : g.kind === 'var' ? { var: g.name, quoted: g.quoted } : { sub: g.command, quoted: g.quoted })) };
    const op = t.op === '\n' ? ';' : t.op;
    if (t.fd !== undefined) fail(`redirection ${t.fd}${op}`);
    return READ_OPS.has(op) ? { op } : fail(`operator ${op}`);
  });
}

/** What the evaluation may touch: the tree's listing, tracked files, the file being edited. */
export interface PostEditWorld {
  /** Every file path of the tree (repository paths). */
  files: ReadonlySet<string>;
  /** A tracked file's text (for extract-trace). */
  tracked: (path: string) => string | undefined;
  /** The edited file (repository path) and its content, updated by `mv`. */
  target: string;
  content: string;
}

const globRe = (w: Word) =>
  new RegExp(
    `^${w
      .map((s) => {
        const t = 'text' in s ? s.text : '';
        return s.quoted ? t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : t.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]');
      })
      .join('')}$`,
  );

/**
 * Evaluates `script` (run in `cwd`, a repository directory) over `world`; returns the edited content, or
 * throws Unsupported (callers get undefined from postEdit).
 */
function evaluate(script: string, cwd: string, world: PostEditWorld): string {
  const toks = shellTokens(script);
  const vars = new Map<string, string>();
  let pos = 0;
  let steps = 0;
  let tmp: { path: string; content: string } | undefined;
  const rel = (p: string) => {
    const r = repoPathIn(cwd, p);
    return r ?? fail(`path outside the tree: ${p}`);
  };
  const isOp = (t: Tok | undefined, ...ops: string[]) => !!t && 'op' in t && ops.includes(t.op);
  const isWord = (t: Tok | undefined, w?: string) => !!t && 'word' in t && (w === undefined || (t.word.length === 1 && 'text' in t.word[0]! && !t.word[0]!.quoted && t.word[0]!.text === w) || (w !== undefined && t.word.every((s) => 'text' in s && !s.quoted) && t.word.map((s) => ('text' in s ? s.text : '')).join('') === w));
  const expandWord = (w: Word): string => w.map((s) => ('text' in s ? s.text : 'var' in s ? vars.get(s.var) ?? '' : substitute(s.sub))).join('');
  const substitute = (cmd: string): string => {
    const inner = shellTokens(cmd);
    const words = inner.filter((t): t is { word: Word } => 'word' in t).map((t) => expandWord(t.word));
    // `[NAME=value …] PATH/extract-trace MACRO FILE`: MACRO's first arguments in the tracked FILE.
    if (inner.every((t) => 'word' in t)) {
      const args = words.filter((w, k) => !(/^[A-Za-z_]\w*=/.test(w) && words.slice(0, k).every((x) => /^[A-Za-z_]\w*=/.test(x))));
      if (args.length === 3 && posix.basename(args[0]!) === 'extract-trace' && world.files.has(rel(args[0]!)) && /^[A-Z_][A-Z0-9_]*$/.test(args[1]!)) {
        const text = world.tracked(rel(args[2]!));
        if (text === undefined) fail(`extract-trace of an untracked file ${args[2]}`);
        return macroFirstArgs(text!, args[1]!).map((a) => a.trim()).join('\n');
      }
    }
    // `echo WORDS | sed SCRIPT`
    const bar = inner.findIndex((t) => isOp(t, '|'));
    if (bar > 0 && inner.slice(bar + 1).every((t) => 'word' in t) && inner.slice(0, bar).every((t) => 'word' in t)) {
      const left = inner.slice(0, bar).map((t) => expandWord((t as { word: Word }).word));
      const right = inner.slice(bar + 1).map((t) => expandWord((t as { word: Word }).word));
      if (left[0] === 'echo' && right[0] === 'sed') return sed(right.slice(1), `${left.slice(1).join(' ')}\n`).replace(/\n+$/, '');
    }
    return fail(`command substitution \`${cmd}\``);
  };
  const sed = (args: string[], stdin: string): string => {
    const scripts: string[] = [];
    const files: string[] = [];
    let quiet = false;
    for (let k = 0; k < args.length; k++) {
      const a = args[k]!;
      if (a === '-n') quiet = true;
      else if (a === '-e') scripts.push(args[++k] ?? fail('sed -e without a script'));
      else if (a.startsWith('-')) fail(`sed ${a}`);
      else if (!scripts.length) scripts.push(a);
      else files.push(a);
    }
    const cmds = parseSed(scripts.join('\n'));
    if (!cmds) fail(`sed script outside the subset: ${scripts.join(' ; ')}`);
    let input = stdin;
    if (files.length) {
      if (files.length !== 1 || rel(files[0]!) !== world.target) fail(`sed on ${files.join(' ')}`);
      input = world.content;
    }
    return runSed(cmds!, quiet, input);
  };

  type Flow = 'ok' | 'fail' | 'continue';
  // A simple command (with its redirection), or a pipeline of them; returns [status, stdout].
  const simple = (stdin: string): [Flow, string] => {
    const words: Word[] = [];
    let redirect: Word | undefined;
    let input: Word | undefined;
    while (pos < toks.length && !isOp(toks[pos], ';', ';;', '&&', '||', '|', ')')) {
      const t = toks[pos]!;
      if (isOp(t, '<')) {
        // a plain `< FILE`: sed's standard input, the edited file only (as its file operand)
        const from = toks[++pos];
        if (!from || !('word' in from) || input) fail('< without one file');
        input = (from as { word: Word }).word;
        pos++;
        continue;
      }
      if (isOp(t, '>')) {
        const target = toks[++pos];
        if (!target || !('word' in target)) fail('> without a file');
        redirect = (target as { word: Word }).word;
        pos++;
        continue;
      }
      if (!('word' in t)) fail(`operator ${(t as { op: string }).op}`);
      words.push((t as { word: Word }).word);
      pos++;
    }
    if (++steps > 100_000) fail('too many steps');
    const argv = words.map(expandWord);
    // Leading assignments.
    let k = 0;
    while (k < words.length && /^[A-Za-z_]\w*=/.test(argv[k]!) && words[k]![0] && 'text' in words[k]![0]! && !words[k]![0]!.quoted) k++;
    if (k === argv.length) {
      for (const a of argv) vars.set(a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1));
      return ['ok', ''];
    }
    if (k) fail('assignments before a command');
    const [name, ...args] = argv;
    if (input) {
      const from = rel(expandWord(input));
      if (name !== 'sed' || from !== world.target) fail(`${name} < ${from}`);
      stdin = world.content;
    }
    let out: string;
    let status: Flow = 'ok';
    if (name === ':' || name === 'true') out = '';
    else if (name === 'continue') return ['continue', ''];
    else if (name === 'test' || name === '[') {
      const a = name === '[' ? (args[args.length - 1] === ']' ? args.slice(0, -1) : fail('[ without ]')) : args;
      if (a.length !== 2 || !['-f', '-d'].includes(a[0]!)) fail(`test ${a.join(' ')}`);
      const p = rel(a[1]!);
      const isFile = world.files.has(p);
      const isDir = !isFile && [...world.files].some((f) => f.startsWith(`${p}/`));
      status = (a[0] === '-f' ? isFile : isDir) ? 'ok' : 'fail';
      out = '';
    } else if (name === 'echo') out = `${args.join(' ')}\n`;
    else if (name === 'sed') out = sed(args, stdin);
    else if (name === 'mv') {
      const a = args[0] === '-f' ? args.slice(1) : args;
      if (a.length !== 2 || !tmp || rel(a[0]!) !== tmp.path || rel(a[1]!) !== world.target) fail(`mv ${args.join(' ')}`);
      world.content = tmp!.content;
      tmp = undefined;
      out = '';
    } else return fail(`command ${name}`);
    if (redirect) {
      const dest = rel(expandWord(redirect));
      if (name === 'echo' && dest !== world.target) return [status, '']; // a stamp file: not the edited file
      if (name !== 'sed' || dest === world.target) fail(`${name} > ${dest}`);
      tmp = { path: dest, content: out };
      return [status, ''];
    }
    return [status, out];
  };
  const pipeline = (): [Flow, string] => {
    let r = simple('');
    while (isOp(toks[pos], '|')) {
      pos++;
      if (r[0] === 'continue') fail('continue in a pipeline');
      r = simple(r[1]);
    }
    return r;
  };
  /** A list up to one of `ends` (not consumed); returns the flow. `run` false: parse only. */
  const list = (ends: string[], run: boolean): Flow => {
    let flow: Flow = 'ok';
    let skip = !run;
    while (pos < toks.length) {
      const t = toks[pos];
      if (t && 'word' in t && ends.some((e) => isWord(t, e))) break;
      if (isOp(t, ...ends.filter((e) => !/^\w/.test(e)))) break;
      if (isOp(t, ';')) { pos++; skip = !run || flow === 'continue'; continue; }
      let r: Flow;
      if (isWord(t, 'for')) r = forLoop(!skip);
      else if (isWord(t, 'case')) r = caseStmt(!skip);
      else if (skip) { skipCommand(); r = flow; }
      else {
        const p = pipeline();
        if (p[1]) fail('output to the terminal');
        r = p[0];
      }
      if (!skip) flow = r;
      if (isOp(toks[pos], '&&')) { pos++; skip = skip || flow !== 'ok'; continue; }
      if (isOp(toks[pos], '||')) { pos++; skip = skip || flow === 'ok' || flow === 'continue'; if (!skip) flow = 'ok'; continue; }
      if (flow === 'continue') skip = true;
    }
    return flow;
  };
  const skipCommand = () => {
    while (pos < toks.length && !isOp(toks[pos], ';', ';;', '&&', '||', ')')) pos++;
  };
  const forLoop = (run: boolean): Flow => {
    pos++;
    const v = toks[pos++];
    if (!v || !('word' in v)) fail('for without a name');
    const name = expandWord((v as { word: Word }).word);
    if (!isWord(toks[pos++], 'in')) fail('for without in');
    const items: string[] = [];
    while (pos < toks.length && !isOp(toks[pos], ';')) {
      const w = toks[pos++];
      if (!w || !('word' in w)) fail('for list');
      const text = expandWord((w as { word: Word }).word);
      const unquotedStar = (w as { word: Word }).word.some((s) => 'text' in s && !s.quoted && /[*?]/.test(s.text));
      if (unquotedStar) {
        const m = /^(.*)\/\*$/.exec(text);
        if (!m) fail(`glob ${text}`);
        const dir = rel(m![1]!);
        const names = [...new Set([...world.files].filter((f) => f.startsWith(dir ? `${dir}/` : '')).map((f) => f.slice(dir ? dir.length + 1 : 0).split('/')[0]!))].sort();
        items.push(...(names.length ? names.map((n) => `${m![1]}/${n}`) : [text]));
      } else items.push(...text.split(/\s+/).filter(Boolean));
    }
    pos++;
    if (!isWord(toks[pos++], 'do')) fail('for without do');
    const bodyStart = pos;
    list(['done'], false);
    const bodyEnd = pos;
    if (run)
      for (const item of items) {
        vars.set(name, item);
        pos = bodyStart;
        list(['done'], true);
      }
    pos = bodyEnd + 1;
    return 'ok';
  };
  const caseStmt = (run: boolean): Flow => {
    pos++;
    const w = toks[pos++];
    if (!w || !('word' in w)) fail('case without a word');
    const subject = run ? expandWord((w as { word: Word }).word) : '';
    if (!isWord(toks[pos++], 'in')) fail('case without in');
    let matched = false;
    let flow: Flow = 'ok';
    while (pos < toks.length && !isWord(toks[pos], 'esac')) {
      if (isOp(toks[pos], ';')) { pos++; continue; }
      const pats: Word[] = [];
      for (;;) {
        const p = toks[pos++];
        if (!p || !('word' in p)) fail('case pattern');
        pats.push((p as { word: Word }).word);
        if (isOp(toks[pos], '|')) { pos++; continue; }
        if (!isOp(toks[pos++], ')')) fail('case pattern without )');
        break;
      }
      const hit = run && !matched && pats.some((p) => globRe(p.map((s) => ('text' in s ? s : { text: expandWord([s]), quoted: true }))).test(subject));
      const r = list([';;', 'esac'], hit);
      if (hit) { matched = true; flow = r; }
      if (isOp(toks[pos], ';;')) pos++;
    }
    pos++;
    return flow;
  };
  list([], true);
  if (pos !== toks.length) fail('trailing tokens');
  return world.content;
}

export interface PostEditRule {
  /** The makefile fragment the rule is written in. */
  file: string;
  /** Its target as written after expansion. */
  target: string;
  /** Its commands, expanded (data, as make runs them). */
  commands: string[];
}

/**
 * A rule of `am` whose recipe seds `path` in place (`sed … 'path' > TMP` and `mv TMP 'path'`); its commands expanded
 * with `values`. undefined when none, or when it cannot be expanded.
 */
export function findPostEditRule(am: ParsedMakefileAm, path: string, values: ReadonlyMap<string, string>): PostEditRule | undefined {
  for (const rule of am.rules) {
    const recipe = rule.recipe.map(recipeForShell);
    const raw = recipe.join('\n');
    if (!/\bsed\b|\$\(SED\)/.test(raw) || !/\bmv\b/.test(raw)) continue;
    try {
      const targets = expandMake(rule.targets.join(' '), am.vars, values, {}, new Set()).split(/\s+/).filter(Boolean);
      const prereqs = expandMake(rule.prerequisites.join(' '), am.vars, values, {}, new Set()).split(/\s+/).filter(Boolean);
      if (!prereqs.some((p) => normalizeTarget(p, am.dir) === path) && !targets.some((t) => normalizeTarget(t, am.dir) === path)) continue;
      const target = targets[0] ?? '';
      const commands = recipe.map((l) => expandMake(l, am.vars, values, { '@': target, '<': prereqs[0] ?? '', '^': prereqs.join(' ') }).replace(/^[@+-]+/, '').trim()).filter(Boolean);
      const quotedPath = new RegExp(`mv\\s+(?:-f\\s+)?\\S+\\s+['"]?(?:\\./)?${posix.relative(am.dir || '.', path).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]?(?:\\s|;|$)`);
      if (!commands.some((c) => quotedPath.test(c))) continue;
      return { file: rule.file, target, commands };
    } catch (e) {
      if (e instanceof MakeExpandError) continue;
      throw e;
    }
  }
  return undefined;
}

/**
 * `content` (the generator's output for `world.target`) after the rule's commands, evaluated as the header says;
 * undefined when a command is outside what is modelled.
 */
export function postEdit(rule: PostEditRule, cwd: string, world: Omit<PostEditWorld, 'content'>, content: string): string | undefined {
  const w: PostEditWorld = { ...world, content };
  try {
    for (const c of rule.commands) evaluate(c, cwd, w);
    return w.content;
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}

/**
 * configure's substitution values for a rule's expansion: `NAME=VALUE` lines of `autoconf --trace=AC_SUBST:$1=$2`,
 * and for a substitution traced without a value, the one literal shell assignment of configure.ac
 * (`pkgaux_scripts="compile config.guess …"`), when there is exactly one and it expands nothing.
 */
export function substValues(trace: string, acText: string): Map<string, string> {
  const out = new Map<string, string>();
  const names = new Set<string>();
  for (const line of trace.split('\n')) {
    const m = /^([A-Za-z_]\w*)=(.*)$/.exec(line);
    if (!m) continue;
    names.add(m[1]!);
    if (m[2]) out.set(m[1]!, m[2]);
  }
  for (const n of names) {
    if (out.has(n)) continue;
    const all = [...acText.matchAll(new RegExp(`^[ \\t]*${n}=(.*)$`, 'gm'))];
    if (all.length !== 1) continue;
    const v = /^(?:"([^"$`\\]*)"|'([^']*)'|([^\s"'$`\\;&|]*))\s*$/.exec(all[0]![1]!);
    if (v) out.set(n, v[1] ?? v[2] ?? v[3] ?? '');
  }
  return out;
}

/**
 * One Perl substitution `s<d>RE<d>REPL<d>[g]` as a JavaScript function over a line, when both languages read it the
 * same way on one line without its newline (perl -p): the regex made of literal characters, backslash-escaped
 * punctuation, `\b` `\d` `\w` `\S`, groups without `(?`, alternation, quantifiers, `^`, and `$` only as an anchor
 * (before `)` `|` or at the end: Perl interpolates nothing there); no `@`, no character class, nothing that could
 * match the newline Perl keeps (`\s` `\D` `\W`). The replacement: literal text and `$1`…`$9`. undefined otherwise.
 */
export function perlSubst(expr: string): ((line: string) => string) | undefined {
  const m = /^s([!#%,/:|~])/.exec(expr);
  if (!m) return undefined;
  const d = m[1]!;
  const parts: string[] = [];
  let cur = '';
  for (let i = 2; i < expr.length; i++) {
    const c = expr[i]!;
    if (c === '\\' && i + 1 < expr.length) {
      cur += c + expr[++i]!;
      continue;
    }
    if (c === d) {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  parts.push(cur);
  if (parts.length !== 3 || !['', 'g'].includes(parts[2]!)) return undefined;
  const [re, repl, flags] = parts as [string, string, string];
  for (let i = 0; i < re.length; i++) {
    const c = re[i]!;
    if (c === '\\') {
      const n = re[++i];
      if (n === undefined || !(/[^A-Za-z0-9\s]/.test(n) || 'bdwS'.includes(n))) return undefined;
    } else if (c === '$') {
      if (!(i + 1 === re.length || re[i + 1] === ')' || re[i + 1] === '|')) return undefined;
    } else if (c === '(' && re[i + 1] === '?') return undefined;
    else if ('@[]'.includes(c)) return undefined;
  }
  if (/[\\@]/.test(repl) || /\$(?![1-9])/.test(repl)) return undefined;
  let rx: RegExp;
  try {
    rx = new RegExp(re.replaceAll(`\\${d}`, d.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), flags);
  } catch {
    return undefined;
  }
  return (line) => line.replace(rx, repl);
}

/**
 * A `dist-hook` of a tracked Makefile.am that edits `path` of the dist tree with `perl -pi -e 'EXPR'
 * $(distdir)/FILE` (coreutils' `rm_subst` over Makefile.in): `make dist` runs it on the copy it packs, after automake
 * made the file. EXPR (its make variables expanded) must be one substitution perlSubst reads; no other command of
 * the hook may name the file. The rule and the edit, or undefined.
 */
export function findDistHookPerlEdit(am: ParsedMakefileAm, path: string, values: ReadonlyMap<string, string>): { rule: PostEditRule; edit: (content: string) => string } | undefined {
  const rel = posix.relative(am.dir || '.', path);
  for (const rule of am.rules) {
    if (!rule.targets.includes('dist-hook')) continue;
    const edits: ((line: string) => string)[] = [];
    const commands: string[] = [];
    for (const line of rule.recipe.map(recipeForShell)) {
      if (!line.includes(`$(distdir)/${rel}`)) continue;
      const p = /^(?:\$\(AM_V_\w+\))?perl -pi -e '([^']*)' \$\(distdir\)\/(\S+)$/.exec(line.trim());
      if (!p || p[2] !== rel) return undefined;
      let expr: string;
      try {
        expr = expandMake(p[1]!, am.vars, values, { '@': 'dist-hook' });
      } catch (e) {
        if (e instanceof MakeExpandError) return undefined;
        throw e;
      }
      const f = perlSubst(expr);
      if (!f) return undefined;
      edits.push(f);
      commands.push(`perl -pi -e '${expr}' $(distdir)/${rel}`);
    }
    if (!edits.length) continue;
    const edit = (content: string) => content.split('\n').map((l) => edits.reduce((x, f) => f(x), l)).join('\n');
    return { rule: { file: rule.file, target: 'dist-hook', commands }, edit };
  }
  return undefined;
}
