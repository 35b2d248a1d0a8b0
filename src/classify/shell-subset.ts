/**
 * A make recipe written only with `echo`, `cat` and `sed` over tracked files, evaluated without a shell
 * (src/classify/generator-model.ts): libtool's libltdl/Makefile.am, written by a Makefile.am rule as
 * `( sed -n '1,/RE/p' ltdl.mk; { echo '…'; … }; sed -n '/RE/,$p' ltdl.mk | sed -e 's|…|…|' … ) | sed -e … > '$@'`.
 * The grammar is small on purpose — words without expansions (plain, quoted or escaped, as the one tokenizer
 * src/util/shell-tokens.ts reads them), `;` sequences inside groups, `|` pipelines, `( … )` and `{ …; }` groups,
 * one `> $@` at the end of one pipeline, a plain `< FILE` after a command's words as its standard input — and sed is the POSIX subset real rules use: -n, -e, addresses (a
 * line number, `$`, `/RE/`, ranges), the commands p, d and s (any delimiter, flags g and p). perl runs only as
 * `perl -p -e 's/PAT/REPL/;' …` (parseSubstPerl: substitutions of literal text, nothing else). Anything else
 * (variables, command substitutions, `&&`, `||`, other redirections, a `;` list outside a group — whose
 * redirection would bind to its last command only —, other commands or options) is not evaluated: the caller
 * then proves nothing.
 */
import { breToRegExp } from './bre.js';
import { literalWord, tryShellTokens } from '../util/shell-tokens.js';

type Tok = { w: string } | { op: string };

/**
 * Shell words and operators (src/util/shell-tokens.ts, the one tokenizer; a newline is `;`); undefined for what
 * this subset does not evaluate: a word with a `$var` or a command substitution, a file-descriptor redirection,
 * or text the tokenizer refuses.
 */
export function tokens(text: string): Tok[] | undefined {
  const toks = tryShellTokens(text);
  if (!toks) return undefined;
  const out: Tok[] = [];
  for (const t of toks) {
    if ('op' in t) {
      if (t.fd !== undefined) return undefined; // `2>…`: not modelled
      out.push({ op: t.op === '\n' ? ';' : t.op });
      continue;
    }
    const w = literalWord(t.word);
    if (w === undefined) return undefined;
    out.push({ w });
  }
  return out;
}

type Addr = { line: number } | { last: true } | { re: RegExp };
interface SedCmd { a1?: Addr; a2?: Addr; op: 'p' | 'd' | 's'; re?: RegExp; repl?: string; global?: boolean; print?: boolean }

function readDelimited(s: string, i: number, d: string): [string, number] | undefined {
  let out = '';
  for (; i < s.length; i++) {
    if (s[i] === '\\' && s[i + 1] === d) { out += d === '/' ? '\\/' : d; i++; continue; }
    if (s[i] === '\\') { out += s.slice(i, i + 2); i++; continue; }
    if (s[i] === d) return [out, i + 1];
    out += s[i];
  }
  return undefined;
}

/** A sed script of the subset; undefined for anything outside it. */
export function parseSed(script: string): SedCmd[] | undefined {
  const cmds: SedCmd[] = [];
  let i = 0;
  const addr = (): Addr | undefined | null => {
    const num = /^\d+/.exec(script.slice(i));
    if (num) { i += num[0].length; return { line: Number(num[0]) }; }
    if (script[i] === '$') { i++; return { last: true }; }
    if (script[i] === '/') {
      const r = readDelimited(script, i + 1, '/');
      const re = r && breToRegExp(r[0]);
      if (!r || !re) return null;
      i = r[1];
      return { re };
    }
    return undefined;
  };
  while (i < script.length) {
    if (/[\s;]/.test(script[i]!)) { i++; continue; }
    const a1 = addr();
    if (a1 === null) return undefined;
    let a2: Addr | undefined | null;
    if (a1 && script[i] === ',') { i++; a2 = addr(); if (!a2) return undefined; }
    const op = script[i++];
    if (op === 'p' || op === 'd') { cmds.push({ ...(a1 ? { a1 } : {}), ...(a2 ? { a2 } : {}), op }); continue; }
    if (op !== 's') return undefined;
    const d = script[i]!;
    const r1 = readDelimited(script, i + 1, d);
    const r2 = r1 && readDelimited(script, r1[1], d);
    if (!r1 || !r2) return undefined;
    const re = breToRegExp(r1[0]);
    if (!re) return undefined;
    i = r2[1];
    const flags = /^[gp]*/.exec(script.slice(i))![0];
    i += flags.length;
    if (/\\[^1-9&\\n]/.test(r2[0].replace(new RegExp(`\\\\\\${d}`, 'g'), ''))) return undefined;
    cmds.push({ ...(a1 ? { a1 } : {}), ...(a2 ? { a2 } : {}), op: 's', re, repl: r2[0].split(`\\${d}`).join(d), global: flags.includes('g'), print: flags.includes('p') });
  }
  return cmds;
}

function subst(line: string, c: SedCmd): string | undefined {
  const re = new RegExp(c.re!.source, c.global ? 'g' : '');
  let hit = false;
  const out = line.replace(re, (...m: unknown[]) => {
    hit = true;
    const groups = m.slice(0, -2) as (string | undefined)[];
    return c.repl!.replace(/\\([1-9&\\n])|&/g, (t, e: string | undefined) => (e === undefined ? groups[0]! : e === '&' || e === '\\' ? e : e === 'n' ? '\n' : groups[Number(e)] ?? ''));
  });
  return hit ? out : undefined;
}

/** Runs the commands over the input's lines as sed does (-n: no automatic print). */
export function runSed(cmds: readonly SedCmd[], quiet: boolean, input: string): string {
  const lines = input.endsWith('\n') ? input.slice(0, -1).split('\n') : input ? input.split('\n') : [];
  const active = cmds.map(() => false);
  let out = '';
  lines.forEach((orig, n) => {
    let line = orig;
    const last = n === lines.length - 1;
    const is = (a: Addr) => ('line' in a ? a.line === n + 1 : 'last' in a ? last : a.re.test(line));
    let deleted = false;
    for (let k = 0; k < cmds.length && !deleted; k++) {
      const c = cmds[k]!;
      let sel = true;
      if (c.a1 && !c.a2) sel = is(c.a1);
      else if (c.a1 && c.a2) {
        if (active[k]) { sel = true; if (is(c.a2) || ('line' in c.a2 && c.a2.line <= n + 1)) active[k] = false; }
        else if (is(c.a1)) { sel = true; active[k] = !('line' in c.a2 && c.a2.line <= n + 1); }
        else sel = false;
      }
      if (!sel) continue;
      if (c.op === 'p') out += `${line}\n`;
      else if (c.op === 'd') deleted = true;
      else {
        const r = subst(line, c);
        if (r !== undefined) { line = r; if (c.print) out += `${line}\n`; }
      }
    }
    if (!deleted && !quiet) out += `${line}\n`;
  });
  return out;
}

/** Reads a tracked file for the evaluation; undefined when it is not tracked. */
export type ReadFile = (path: string) => Promise<string | undefined>;

/**
 * Evaluates `recipe` (make variables already expanded, `$$` as `$`) when it is a command of the subset whose
 * output goes to `> $@`; returns the text written and the files read, or undefined.
 */
export async function evaluateRecipe(recipe: string, read: ReadFile): Promise<{ text: string; inputs: string[]; perl?: true } | undefined> {
  const toks = tokens(recipe);
  if (!toks || toks.length < 3) return undefined;
  const lastTwo = toks.slice(-2);
  if (!('op' in lastTwo[0]!) || lastTwo[0].op !== '>' || !('w' in lastTwo[1]!) || lastTwo[1].w !== '$@') return undefined;
  const body = toks.slice(0, -2);
  const inputs: string[] = [];
  let perl = false;
  let pos = 0;
  const isOp = (t: Tok | undefined, op: string) => !!t && 'op' in t && t.op === op;
  async function sequence(stdin: string, end?: string): Promise<string | undefined> {
    let out = '';
    while (pos < body.length && !isOp(body[pos], end ?? '\0')) {
      const r = await pipeline(stdin);
      if (r === undefined) return undefined;
      out += r;
      if (isOp(body[pos], ';')) pos++;
      else if (pos < body.length && !isOp(body[pos], end ?? '\0')) return undefined;
    }
    if (end) { if (!isOp(body[pos], end)) return undefined; pos++; }
    return out;
  }
  async function pipeline(stdin: string): Promise<string | undefined> {
    let data = await command(stdin);
    while (data !== undefined && isOp(body[pos], '|')) { pos++; data = await command(data); }
    return data;
  }
  async function command(stdin: string): Promise<string | undefined> {
    const t = body[pos];
    if (isOp(t, '(')) { pos++; return sequence(stdin, ')'); }
    if (isOp(t, '{')) { pos++; return sequence(stdin, '}'); }
    const words: string[] = [];
    while (pos < body.length && 'w' in body[pos]!) words.push((body[pos++] as { w: string }).w);
    if (!words.length) return undefined;
    // a plain `< FILE` after the command's words: the file is its standard input (`sed -e … < in > $@`)
    if (isOp(body[pos], '<')) {
      const f = body[pos + 1];
      if (!f || !('w' in f)) return undefined;
      const t2 = await read(f.w);
      if (t2 === undefined) return undefined;
      inputs.push(f.w);
      stdin = t2;
      pos += 2;
    }
    const [name, ...args] = words;
    if (name === 'echo') return args.some((a) => a.startsWith('-')) ? undefined : `${args.join(' ')}\n`;
    if (name === 'cat') {
      let out = '';
      for (const f of args) { const t2 = await read(f); if (t2 === undefined) return undefined; inputs.push(f); out += t2; }
      return args.length ? out : stdin;
    }
    if (name === 'perl' || name === '$(PERL)') {
      const prog = perlSubstArgs(args);
      if (!prog) return undefined;
      perl = true;
      let input = stdin;
      if (prog.files.length) {
        input = '';
        for (const f of prog.files) { const t2 = await read(f); if (t2 === undefined) return undefined; inputs.push(f); input += t2; }
      }
      return runPerlSubst(prog.substs, input);
    }
    if (name === 'sed' || name === '$(SED)') {
      let quiet = false;
      const scripts: string[] = [];
      const files: string[] = [];
      for (let i = 0; i < args.length; i++) {
        const a = args[i]!;
        if (a === '-n') quiet = true;
        else if (a === '-e') { const s = args[++i]; if (s === undefined) return undefined; scripts.push(s); }
        else if (a.startsWith('-')) return undefined;
        else if (!scripts.length) scripts.push(a);
        else files.push(a);
      }
      const cmds = parseSed(scripts.join('\n'));
      if (!cmds) return undefined;
      let input = stdin;
      if (files.length) {
        input = '';
        for (const f of files) { const t2 = await read(f); if (t2 === undefined) return undefined; inputs.push(f); input += t2; }
      }
      return runSed(cmds, quiet, input);
    }
    return undefined;
  }
  // The redirection binds to the last command of one pipeline: a top-level `a; b > $@` writes only b's output.
  const text = await pipeline('');
  return text === undefined || pos !== body.length ? undefined : { text, inputs, ...(perl ? { perl: true as const } : {}) };
}

/**
 * One `s/PAT/REPL/` of a `perl -p` program, in the restricted form make rules use to rewrite a header (parted's
 * include/parted/Makefile.am: `perl -p -e 's/ _GL_ATTRIBUTE_PURE\b/…\n#endif\n/;'`): PAT is literal text with `\b`
 * (a word boundary: ASCII word characters, as perl reads a byte string) and backslash-escaped punctuation; REPL is
 * literal text with `\n`, `\t` and backslash-escaped punctuation. No flag but `g`. Anything perl would read as more —
 * a metacharacter (`. * + ? | ( ) [ ] { } ^ $`), `@` or `$` (interpolation), another escape (`\d`, `\1`, `\u`, `\x…`),
 * another flag (`e` runs code), a delimiter other than `/ , : ! % ~ =` — is refused: undefined.
 */
export interface PerlSubst { re: RegExp; repl: string; global: boolean }

const PERL_META = '.*+?|()[]{}^$@';

export function parseSubstPerl(program: string): PerlSubst[] | undefined {
  const out: PerlSubst[] = [];
  let i = 0;
  const s = program;
  while (i < s.length) {
    if (/[\s;]/.test(s[i]!)) { i++; continue; }
    if (s[i] !== 's') return undefined;
    const d = s[i + 1];
    // a delimiter perl reads as plain text (not a regex metacharacter: an escaped one would become that metacharacter)
    if (d === undefined || !'/,:!%~='.includes(d)) return undefined;
    i += 2;
    // the pattern: literal text, \b, an escaped punctuation character
    let re = '';
    for (;; i++) {
      const c = s[i];
      if (c === undefined) return undefined;
      if (c === d) break;
      if (c === '\\') {
        const n = s[++i];
        if (n === undefined) return undefined;
        if (n === 'b') re += '\\b';
        else if (/[^\w\s]/.test(n)) re += `\\${n}`;
        else return undefined;
      } else if (PERL_META.includes(c)) return undefined;
      else re += c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
    }
    i++;
    // the replacement: perl's double-quoted string without interpolation
    let repl = '';
    for (;; i++) {
      const c = s[i];
      if (c === undefined) return undefined;
      if (c === d) break;
      if (c === '\\') {
        const n = s[++i];
        if (n === undefined) return undefined;
        if (n === 'n') repl += '\n';
        else if (n === 't') repl += '\t';
        else if (/[^\w\s]/.test(n)) repl += n;
        else return undefined;
      } else if (c === '$' || c === '@') return undefined;
      else repl += c;
    }
    i++;
    const flags = /^\w*/.exec(s.slice(i))![0];
    if (!/^g?$/.test(flags)) return undefined;
    i += flags.length;
    if (i < s.length && !/[\s;]/.test(s[i]!)) return undefined;
    if (!re) return undefined;
    let compiled: RegExp;
    try { compiled = new RegExp(re, flags ? 'g' : ''); } catch { return undefined; }
    out.push({ re: compiled, repl, global: flags === 'g' });
  }
  return out.length ? out : undefined;
}

/**
 * A perl command line of the subset: `-p` (also spelled `-pe PROG`), one or more `-e PROG` (joined by newlines, as
 * perl joins them), `-w`, then the input files; undefined for any other option (`-i` edits in place, `-n`/`-l`/`-0`
 * change what is printed) or a program outside parseSubstPerl's form.
 */
export function perlSubstArgs(args: readonly string[]): { substs: PerlSubst[]; files: string[] } | undefined {
  let p = false;
  const progs: string[] = [];
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (files.length) { if (a.startsWith('-')) return undefined; files.push(a); continue; }
    if (a === '-p' || a === '-w' || a === '-pw' || a === '-wp') { p ||= a.includes('p'); continue; }
    if (a === '-e' || a === '-pe' || a === '-wpe' || a === '-pwe') {
      p ||= a.includes('p');
      const prog = args[++i];
      if (prog === undefined) return undefined;
      progs.push(prog);
      continue;
    }
    if (a === '--') continue;
    if (a.startsWith('-')) return undefined;
    files.push(a);
  }
  const substs = p && progs.length ? parseSubstPerl(progs.join('\n')) : undefined;
  return substs ? { substs, files } : undefined;
}

/** `perl -p` over the input: each line (with its newline) through the substitutions in order, then printed. */
export function runPerlSubst(substs: readonly PerlSubst[], input: string): string {
  let out = '';
  for (const m of input.matchAll(/[^\n]*\n|[^\n]+$/g)) {
    let line = m[0];
    for (const s of substs) line = line.replace(s.re, () => s.repl);
    out += line;
  }
  return out;
}
