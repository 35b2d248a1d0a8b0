/**
 * A list of tracked file names a tracked shell script writes (gettext's po/POTFILES.in by util-linux's
 * po/update-potfiles, procps' po/update-potfiles): the script is read, never run, and its one pipeline evaluated as
 * data operations over the tag's tracked tree, then compared byte for byte with the shipped list.
 *
 *   script     a tracked `#!/bin/sh` script of the list's directory or of the top directory whose text redirects into
 *              the list by its path from the top (`> po/POTFILES.in`: it runs from the top directory)
 *   statements `V=$(PIPELINE)`; a subshell `( CMD… ) > LIST` of pipelines and `echo` lines of fixed text (`$0` the
 *              script's path as run from the top; no option, no other expansion); a guard `if [ ! -f "F" ]; then echo …; exit N; fi` (F tracked: not taken); a fallback
 *              `if [ $? -ne 0 ] || [ -z "$V" ]; then … fi` (not taken when V is not empty); `PIPELINE > LIST`;
 *              `echo WORD >> LIST`; `[ … ] || echo … >&2` (prints to stderr only). Anything else proves nothing.
 *   pipeline   `git ls-files [.]` (the tracked files, git's byte order), `find ROOT… -name 'GLOB'` (the tracked files
 *              below the start points, `.` or tracked directories none inside another, whose name matches, `./`-prefixed
 *              under `.`; a matching directory proves nothing), `grep [-v] RE`, `echo "$V"`, `sed` with `/RE/d`, `/RE/!d`
 *              and `s|RE|TEXT|` commands (POSIX BRE plus GNU `\|`), `xargs -r find` (keeps the names of tracked files,
 *              drops others; a directory or a name xargs would split proves nothing), `sort` without options, and
 *              `LC_ALL=C sort` (or `LC_ALL=POSIX`), byte order in every locale
 *   locale     `sort` orders by the maintainer's locale, which the script does not fix: the list is computed for the C
 *              locale (byte order) and for en_US.UTF-8 — glibc's ISO 14651 order, where punctuation is ignored at the
 *              first levels, modelled by ICU's en-US collation with punctuation ignored and ties in byte order, for
 *              ASCII names only — and the locale that gives the shipped bytes is named in the evidence
 *   find order find's names written unsorted (attr's and acl's po/update-potfiles) come in the maintainer's file system's
 *              readdir order, which no checkout reproduces: they are proved as exactly the computed names in an order
 *              find's depth-first walk can print (start points in argument order; every directory's names together, a
 *              directory left never entered again); only filters (grep, sed d) may follow, a rename proves nothing
 */
import { makeFinding } from '../core/severity.js';
import { breToRegExp } from './bre.js';
import { baseOf, dirOf } from './paths.js';
import { admits } from './precheck.js';
import type { Classifier, ClassifyContext } from './types.js';
import { xgettextExtracts } from './xgettext-refs.js';

const MAX_BYTES = 256 * 1024;
const MAX_SCRIPT = 64 * 1024;

export type ListLocale = 'C' | 'en_US.UTF-8';

const EN_US = new Intl.Collator('en-US', { ignorePunctuation: true });
/** Byte order of the names' UTF-8 (what `LC_ALL=C sort` and git print). */
const bytewise = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** `sort` without options in a locale (ASCII names only for en_US.UTF-8); undefined where the model does not reach. */
export function localeSort(lines: readonly string[], locale: ListLocale): string[] | undefined {
  if (locale === 'C') return [...lines].sort(bytewise);
  if (lines.some((l) => /[^\x20-\x7e]/.test(l))) return undefined;
  return [...lines].sort((a, b) => EN_US.compare(a, b) || bytewise(a, b));
}

/** Split shell text into commands at newlines and `;` outside quotes and `$(…)`; continuation lines joined, comments dropped. */
export function shellCommands(text: string): string[] | undefined {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  let quote: string | undefined;
  const src = text.replace(/\\\n/g, ' ');
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quote) {
      cur += c;
      if (c === '\\' && quote === '"') cur += src[++i] ?? '';
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '#' && (cur === '' || /\s$/.test(cur)) && depth === 0) {
      while (i < src.length && src[i] !== '\n') i++;
      i--;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '`') return undefined;
    else if (c === '$' && src[i + 1] === '(') {
      depth++;
      cur += '$(';
      i++;
      continue;
    } else if (c === ')' && depth > 0) depth--;
    else if ((c === '\n' || c === ';') && depth === 0 && !(c === '\n' && /(?:\||&&)\s*$/.test(cur))) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += c;
  }
  if (quote || depth) return undefined;
  if (cur.trim()) out.push(cur.trim());
  // `then CMD` / `else CMD` / `do CMD` on one line: the keyword, then the command
  return out.flatMap((c) => {
    const k = /^(then|else|do)\s+([\s\S]+)$/.exec(c);
    return k ? [k[1]!, k[2]!] : [c];
  });
}

/** Split at `sep` outside quotes and `$(…)`. */
function splitTop(s: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      cur += c;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '$' && s[i + 1] === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    if (depth === 0 && s.startsWith(sep, i) && !(sep === '|' && (s[i + 1] === '|' || s[i - 1] === '|'))) {
      parts.push(cur.trim());
      cur = '';
      i += sep.length - 1;
      continue;
    }
    cur += c;
  }
  parts.push(cur.trim());
  return parts;
}

/** Shell words of a simple command: single and double quotes (`\"` `\\` `\$` unescaped in double quotes; `$V` kept as written). */
function words(s: string): string[] | undefined {
  const out: string[] = [];
  let w: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      if (w !== undefined) out.push(w);
      w = undefined;
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) return undefined;
      w = (w ?? '') + s.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let v = '';
      let j = i + 1;
      for (; j < s.length && s[j] !== '"'; j++) {
        if (s[j] === '\\' && /["\\$`]/.test(s[j + 1] ?? '')) v += s[++j];
        else if (s[j] === '`' || (s[j] === '$' && s[j + 1] === '(')) return undefined;
        else v += s[j];
      }
      if (j >= s.length) return undefined;
      w = (w ?? '') + v;
      i = j;
    } else if (/[\\|;&<>()`]/.test(c)) return undefined;
    else w = (w ?? '') + c;
  }
  if (w !== undefined) out.push(w);
  return out;
}

/** A sed script of `/RE/d`, `/RE/!d`, `s<d>RE<d>TEXT<d>` commands as line operations (`renames`: an `s` command among them). */
function sedOps(scripts: string[]): (((l: string) => string | undefined)[] & { renames?: boolean }) | undefined {
  const ops: ((l: string) => string | undefined)[] & { renames?: boolean } = [];
  for (const cmd of scripts.flatMap((s) => s.split(/[\n;]/)).map((c) => c.trim()).filter(Boolean)) {
    const del = /^\/((?:[^/\\]|\\.)*)\/(!?)d$/.exec(cmd);
    if (del) {
      const re = breToRegExp(del[1]!, { gnuAlternation: true });
      if (!re) return undefined;
      const keep = del[2] === '!';
      ops.push((l) => (re.test(l) === keep ? l : undefined));
      continue;
    }
    const d = cmd[1];
    if (cmd[0] !== 's' || !d || /[\w\s\\\n]/.test(d)) return undefined;
    const parts = cmd.slice(2).split(d);
    if (parts.length !== 3 || parts[2] !== '' || /[&\\]/.test(parts[1]!)) return undefined;
    const re = breToRegExp(parts[0]!, { gnuAlternation: true });
    if (!re) return undefined;
    const text = parts[1]!;
    ops.renames = true;
    ops.push((l) => l.replace(re, () => text));
  }
  return ops;
}

/** A `-name` pattern: letters, digits, `.`, `-`, `*`, `?` and bracket sets of letters, digits and `.` (no ranges). */
const GLOB_CLASS = /^(?:[\w.*?-]|\[[\w.]+\])+$/;
const globRe = (g: string) =>
  new RegExp(`^${g.split(/(\[[\w.]+\])/).map((part, i) => (i % 2 ? `[${part.slice(1, -1).replace(/\./g, '\\.')}]` : part.replace(/[.+^${}()|[\]\\-]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.'))).join('')}$`);

interface Stream {
  lines: string[];
  ordered: boolean;
  /** Unordered lines as `find ROOT…` prints them (only filtered since): the start points, in argument order. */
  find?: string[];
}

/** The directories the tracked paths imply. */
const dirsOf = (tracked: readonly string[]): Set<string> => {
  const out = new Set<string>();
  for (const p of tracked) for (let d = dirOf(p); d && !out.has(d); d = dirOf(d)) out.add(d);
  return out;
};

/**
 * Whether `lines` is an order `find ROOT…` can print them in: the start points in argument order, and below each, every
 * directory's names together (find walks depth first; the order of a directory's entries is its file system's, unknown).
 */
export function inFindOrder(lines: readonly string[], roots: readonly string[]): boolean {
  let at = 0;
  const closed = new Set<string>();
  let chain: string[] = [];
  for (const l of lines) {
    const r = roots.findIndex((x) => l.startsWith(`${x}/`));
    if (r < at) return false;
    if (r > at) {
      at = r;
      chain = [];
    }
    const dirs: string[] = [];
    for (let d = dirOf(l); d.length > roots[r]!.length; d = dirOf(d)) dirs.push(d);
    for (const d of chain) if (!dirs.includes(d)) closed.add(d);
    if (dirs.some((d) => closed.has(d))) return false;
    chain = dirs;
  }
  return true;
}

/**
 * What `find ROOT… -name 'GLOB'` prints over the tracked files, in argument order (unsorted within a root): each root `.`
 * (names `./`-prefixed) or a tracked directory, none inside another; undefined when a directory's name matches (find
 * would print it too) or a root is another word.
 */
function findNames(roots: readonly string[], glob: string, tracked: readonly string[]): string[] | undefined {
  if (!roots.length || !GLOB_CLASS.test(glob)) return undefined;
  const dirs = dirsOf(tracked);
  if (roots.some((r) => r !== '.' && (!/^[\w][\w.-]*(?:\/[\w][\w.-]*)*$/.test(r) || !dirs.has(r)))) return undefined;
  if (roots.some((r, i) => roots.some((o, j) => i !== j && (o === r || o === '.' || r.startsWith(`${o}/`))))) return undefined;
  const re = globRe(glob);
  const under = (p: string, r: string) => r === '.' || p.startsWith(`${r}/`);
  if ([...dirs].some((d) => re.test(baseOf(d)) && roots.some((r) => under(d, r)))) return undefined;
  return roots.flatMap((r) => tracked.filter((p) => under(p, r) && re.test(baseOf(p))).map((p) => (r === '.' ? `./${p}` : p)));
}

/** What one pipeline prints, over the tracked files; undefined where the model does not reach. */
function pipeline(text: string, vars: Map<string, Stream>, tracked: readonly string[], trackedSet: ReadonlySet<string>, locale: ListLocale, inputs: Set<string>, sorts: { used: boolean }): Stream | undefined {
  let s: Stream | undefined;
  for (const stage of splitTop(text, '|')) {
    const w = words(stage.replace(/\s2>\s*\/dev\/null\b/g, ' '));
    if (!w?.length) return undefined;
    if (w[0] === 'git' && w[1] === 'ls-files' && (w.length === 2 || (w.length === 3 && w[2] === '.')) && !s) {
      s = { lines: [...tracked].sort(bytewise), ordered: true };
      inputs.add('git ls-files');
    } else if (w[0] === 'find' && w.length >= 4 && w[w.length - 2] === '-name' && GLOB_CLASS.test(w[w.length - 1]!) && !s) {
      // find ROOT… -name 'GLOB': each root `.` (names `./`-prefixed) or a tracked directory, none inside another;
      // a directory whose name matches would be printed too: proves nothing
      const roots = w.slice(1, -2);
      const lines = findNames(roots, w[w.length - 1]!, tracked);
      if (!lines) return undefined;
      s = { lines, ordered: false, find: roots.map((r) => (r === '.' ? '.' : r)) };
      inputs.add(`find ${roots.join(' ')} -name '${w[w.length - 1]}'`);
    } else if (w[0] === 'grep' && (w.length === 2 || (w.length === 3 && w[1] === '-v')) && !w[w.length - 1]!.startsWith('-') && s) {
      const re = breToRegExp(w[w.length - 1]!, { gnuAlternation: true });
      if (!re) return undefined;
      const keep = w.length === 2;
      s = { ...s, lines: s.lines.filter((l) => re.test(l) === keep) };
    } else if (w[0] === 'echo' && w.length === 2 && /^\$\w+$/.test(w[1]!) && /"\$\w+"/.test(stage) && !s) {
      const v = vars.get(w[1]!.slice(1));
      if (!v) return undefined;
      s = { lines: [...v.lines], ordered: v.ordered };
    } else if (w[0] === 'sed' && s) {
      const scripts: string[] = [];
      const rest = w.slice(1);
      if (rest.length === 1) scripts.push(rest[0]!);
      else for (let i = 0; i < rest.length; i += 2) {
        if (rest[i] !== '-e' || rest[i + 1] === undefined) return undefined;
        scripts.push(rest[i + 1]!);
      }
      const ops = sedOps(scripts);
      if (!ops) return undefined;
      const next: string[] = [];
      for (const l of s.lines) {
        let v: string | undefined = l;
        for (const op of ops) if (v !== undefined) v = op(v);
        if (v !== undefined) next.push(v);
      }
      // a rename keeps the order but not find's shape of the names
      s = { lines: next, ordered: s.ordered, ...(s.find && !ops.renames ? { find: s.find } : {}) };
    } else if (w[0] === 'xargs' && w[1] === '-r' && w[2] === 'find' && w.length === 3 && s) {
      const next: string[] = [];
      for (const l of s.lines) {
        if (/[\s'"\\]/.test(l) || !l) return undefined;
        const p = l.replace(/^\.\//, '');
        if (trackedSet.has(p)) next.push(l);
        else if (tracked.some((t) => t.startsWith(`${p}/`))) return undefined;
      }
      s = { lines: next, ordered: s.ordered };
    } else if (w[0] === 'sort' && w.length === 1 && s) {
      const sorted = localeSort(s.lines, locale);
      if (!sorted) return undefined;
      s = { lines: sorted, ordered: true };
      sorts.used = true;
    } else if ((w[0] === 'LC_ALL=C' || w[0] === 'LC_ALL=POSIX') && w[1] === 'sort' && w.length === 2 && s) {
      // the script fixes the order itself (acl 2.3.2's `| LC_ALL=C sort`, holdout32): byte order whatever the
      // maintainer's locale — LC_ALL overrides LANG and every LC_* (not so LANG=C or LC_COLLATE=C, which a set LC_ALL
      // overrides: those prove nothing)
      s = { lines: [...s.lines].sort(bytewise), ordered: true };
    } else return undefined;
  }
  return s;
}

/** A run of the written list: lines in a known order, or names as `find` prints them (`find`: its start points). */
export interface ListPart {
  lines: string[];
  find?: string[];
  /** Fixed text an echo of the subshell prints (a comment, a blank line), not names. */
  text?: boolean;
}

/** An `echo` of fixed text: no option, `$0` the script as it is run (`self`), no other expansion; undefined otherwise. */
function echoText(cmd: string, self: string): string | undefined {
  if (!/^echo(?:\s|$)/.test(cmd) || /\$(?!0(?!\w))|`/.test(cmd)) return undefined;
  const w = words(cmd);
  if (!w || w.slice(1).some((x) => x.startsWith('-'))) return undefined;
  return w.slice(1).join(' ').replace(/\$0/g, self);
}

/**
 * What a script writes to `target` (its path from the directory it runs in), evaluated over the tracked files in one
 * locale, as runs of lines; `self` is `$0`. Undefined where the script does anything the model does not reach.
 */
export function scriptParts(script: string, target: string, tracked: readonly string[], locale: ListLocale, self = ''): { parts: ListPart[]; inputs: string[]; sorted: boolean } | undefined {
  const cmds = shellCommands(script);
  if (!cmds) return undefined;
  const trackedSet = new Set(tracked);
  const vars = new Map<string, Stream>();
  const inputs = new Set<string>();
  const sorts = { used: false };
  let out: ListPart[] | undefined;
  const esc = target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const written = (st: Stream): ListPart | undefined => (st.ordered ? { lines: st.lines } : st.find ? { lines: st.lines, find: st.find } : undefined);
  for (let i = 0; i < cmds.length; i++) {
    const c = cmds[i]!;
    if (i === 0 && /^set -e$/.test(c)) continue;
    const ifm = /^if (.*)$/.exec(c);
    if (ifm) {
      if (cmds[i + 1] !== 'then') return undefined;
      let j = i + 2;
      while (j < cmds.length && cmds[j] !== 'fi') {
        if (/^(?:if|else|elif)\b/.test(cmds[j]!)) return undefined;
        j++;
      }
      if (j >= cmds.length) return undefined;
      const body = cmds.slice(i + 2, j);
      const cond = ifm[1]!.trim();
      const guard = /^\[ ! -f "?([\w./-]+)"? \]$/.exec(cond);
      const fallback = /^\[ \$\? -ne 0 \] \|\| \[ -z "\$(\w+)" \]$/.exec(cond);
      if (guard) {
        if (!trackedSet.has(guard[1]!) || !body.every((b) => /^(?:echo\b[^|;&`]*(?:>&2)?|exit \d+)$/.test(b))) return undefined;
      } else if (fallback) {
        if (!vars.get(fallback[1]!)?.lines.length) return undefined;
      } else return undefined;
      i = j;
      continue;
    }
    if (/^\[ [^|;&`]* \] \|\| echo [^|;&`]*>&2$/.test(c)) continue;
    // ( CMD… ) > LIST: a subshell whose every command prints fixed text (echo) or a pipeline's names
    if (c === '(') {
      if (out) return undefined;
      const close = new RegExp(`^\\)\\s*>\\s*${esc}$`);
      const parts: ListPart[] = [];
      let j = i + 1;
      for (; j < cmds.length && !close.test(cmds[j]!); j++) {
        const cj = cmds[j]!;
        const text = echoText(cj, self);
        if (text !== undefined) {
          if (text.includes('\n')) return undefined;
          const last = parts[parts.length - 1];
          if (last?.text) last.lines.push(text);
          else parts.push({ lines: [text], text: true });
          continue;
        }
        if (/^echo\b|^\(|^\)/.test(cj)) return undefined;
        const st = pipeline(cj, vars, tracked, trackedSet, locale, inputs, sorts);
        const part = st && written(st);
        if (!part) return undefined;
        parts.push(part);
      }
      if (j >= cmds.length) return undefined;
      out = parts;
      i = j;
      continue;
    }
    const assign = /^(\w+)=\$\(([\s\S]*)\)$/.exec(c);
    if (assign) {
      const s = pipeline(assign[2]!.trim(), vars, tracked, trackedSet, locale, inputs, sorts);
      if (!s) return undefined;
      vars.set(assign[1]!, s);
      continue;
    }
    const write = new RegExp(`^([\\s\\S]*?)\\s*>\\s*${esc}$`).exec(c);
    if (write && !/>$/.test(write[1]!)) {
      if (out) return undefined;
      const s = pipeline(write[1]!, vars, tracked, trackedSet, locale, inputs, sorts);
      const part = s && written(s);
      if (!part) return undefined;
      out = [part];
      continue;
    }
    const append = new RegExp(`^echo\\s+([\\w./-]+)\\s*>>\\s*${esc}$`).exec(c);
    if (append && out) {
      const last = out[out.length - 1]!;
      if (last.find || last.text) out.push({ lines: [append[1]!] });
      else last.lines.push(append[1]!);
      continue;
    }
    return undefined;
  }
  if (!out) return undefined;
  return { parts: out, inputs: [...inputs], sorted: sorts.used };
}

/** Whether the shipped text is what the parts print: fixed runs exactly, a find run in an order find can print it. */
export function partsMatch(parts: readonly ListPart[], shipped: string): boolean {
  if (!shipped.endsWith('\n')) return false;
  const lines = shipped.slice(0, -1).split('\n');
  let at = 0;
  for (const p of parts) {
    const got = lines.slice(at, at + p.lines.length);
    if (got.length !== p.lines.length) return false;
    if (!p.find) {
      if (got.some((l, k) => l !== p.lines[k])) return false;
    } else {
      const a = [...got].sort(bytewise);
      const b = [...p.lines].sort(bytewise);
      if (a.some((l, k) => l !== b[k]) || !inFindOrder(got, p.find)) return false;
    }
    at += p.lines.length;
  }
  return at === lines.length;
}

/**
 * The lines a script writes to `target` when their order is known (every run ordered), evaluated over the tracked files
 * in one locale; undefined where the script does anything the model does not reach, or writes names in find's order.
 */
export function scriptList(script: string, target: string, tracked: readonly string[], locale: ListLocale, self = ''): { text: string; inputs: string[] } | undefined {
  const got = scriptParts(script, target, tracked, locale, self);
  if (!got || got.parts.some((p) => p.find)) return undefined;
  return { text: got.parts.flatMap((p) => p.lines).map((l) => `${l}\n`).join(''), inputs: got.inputs };
}

/** A word of a pipeline as the shell reads it: literal text, or one backquoted command substitution (its text). */
type PipeWord = { text: string; subst?: string };

/**
 * One pipeline statement's stages and its `> FILE` redirect: single and double quotes (double: no `$`, backquote or
 * backslash inside), one backquoted substitution as a whole word, `${NAME:-WORD}` / `${NAME-WORD}` read as WORD (the
 * variable unset: the script's default program), backslash-newline joined. Undefined for anything else.
 */
function lexPipeline(src: string): { stages: PipeWord[][]; redirect: string } | undefined {
  const stages: PipeWord[][] = [[]];
  let w: PipeWord | undefined;
  let redirect: string | undefined;
  let expectRedirect = false;
  const push = () => {
    if (w && expectRedirect) [redirect, expectRedirect] = [w.subst === undefined ? w.text : undefined, false];
    else if (w) stages[stages.length - 1]!.push(w);
    w = undefined;
  };
  const add = (t: string) => (w?.subst !== undefined ? undefined : (w = { text: (w?.text ?? '') + t }));
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\' && src[i + 1] === '\n') {
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      push();
      continue;
    }
    if (redirect !== undefined) return undefined;
    if (c === "'" || c === '"') {
      const end = src.indexOf(c, i + 1);
      if (end < 0 || (c === '"' && /[$`\\]/.test(src.slice(i + 1, end))) || !add(src.slice(i + 1, end))) return undefined;
      i = end;
    } else if (c === '`') {
      const end = src.indexOf('`', i + 1);
      if (end < 0 || w) return undefined;
      w = { text: '', subst: src.slice(i + 1, end) };
      i = end;
    } else if (c === '$') {
      const m = /^\$\{[A-Za-z_]\w*:?-([\w.\/-]+)\}/.exec(src.slice(i, i + 200));
      if (!m || !add(m[1]!)) return undefined;
      i += m[0].length - 1;
    } else if (c === '|') {
      push();
      if (src[i + 1] === '|' || expectRedirect || !stages[stages.length - 1]!.length) return undefined;
      stages.push([]);
    } else if (c === '>') {
      push();
      if (expectRedirect) return undefined;
      expectRedirect = true;
    } else if (/[;&<()\\]/.test(c) || !add(c)) return undefined;
  }
  push();
  return redirect !== undefined && stages.every((st) => st.length) ? { stages, redirect } : undefined;
}

/** sed's program printing the file names of xgettext's `#:` reference lines, one a line (and a blank line after each). */
const XGETTEXT_REFS_SED = /^\/\^#:\/\{s\/#:\/\/;s\/:\[0-9\]\*\/\\\n\/g;s\/ \/\/g;p;?\}$/;

/**
 * The list `xgettext --keyword=K… --output=- \`find ROOT… -name GLOB\` | sed -ne '/^#:/{s/#://;s/:DIGITS/\NL/g;s/ //g;p;}'
 * (DIGITS `[0-9]` and a star) | grep -v '^$' | sort | uniq > LIST` writes (mc's autogen.sh): the C sources among find's names from which xgettext
 * extracts a message (./xgettext-refs.ts, a model: xgettext is never run), `./` dropped as xgettext writes references,
 * each once, sorted in the locale. The statement is the one line (with its continuation lines) redirecting into the
 * list; any other line of the script naming the list may only `touch` it (the empty fallback). Undefined otherwise.
 */
export async function xgettextRefsList(script: string, target: string, tracked: readonly string[], read: (path: string) => Promise<string | undefined>): Promise<{ names: string[]; line: number; inputs: string[] } | undefined> {
  const lines = script.split('\n');
  const esc = target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const names = new RegExp(`(?:^|[\\s>])${esc}(?=\\s|$)`);
  const writes = lines.flatMap((l, i) => (/^\s*#/.test(l) || !names.test(l) ? [] : [i]));
  const at = writes.filter((i) => new RegExp(`>\\s*${esc}\\s*$`).test(lines[i]!));
  if (at.length !== 1) return undefined;
  let start = at[0]!;
  while (start > 0 && /(?:\\|\|)\s*$/.test(lines[start - 1]!)) start--;
  if (writes.some((i) => i !== at[0] && !new RegExp(`^\\s*touch\\s+${esc}\\s*$`).test(lines[i]!))) return undefined;
  const lexed = lexPipeline(lines.slice(start, at[0]! + 1).join('\n'));
  if (!lexed || lexed.redirect !== target) return undefined;
  const st = lexed.stages.map((ws) => ws.map((x) => (x.subst !== undefined ? `\u0000${x.subst}` : x.text)));
  const tail = st.slice(1).map((ws) => ws.join(' '));
  const sed = st[1];
  const sedScript = sed && (sed.length === 3 && sed[1] === '-ne' ? sed[2] : sed.length === 4 && sed[1] === '-n' && sed[2] === '-e' ? sed[3] : undefined);
  if (st.length !== 5 || st[0]![0] !== 'xgettext' || sed![0] !== 'sed' || !sedScript || !XGETTEXT_REFS_SED.test(sedScript.replace(/\s*([;{}])\s*/g, '$1')) || tail[1] !== 'grep -v ^$' || tail[2] !== 'sort' || tail[3] !== 'uniq') return undefined;
  // xgettext's options: extra keywords, output to stdout, and one substitution naming the sources
  const keywords: string[] = [];
  let find: string[] | undefined;
  let stdout = false;
  for (const w of st[0]!.slice(1)) {
    const k = /^--keyword=([A-Za-z_]\w*)$/.exec(w);
    if (k) keywords.push(k[1]!);
    else if (w === '--output=-') stdout = true;
    else if (w.startsWith('\u0000') && !find) find = words(w.slice(1).trim());
    else return undefined;
  }
  if (!stdout || !find || find[0] !== 'find' || find.length < 4 || find[find.length - 2] !== '-name') return undefined;
  const glob = find[find.length - 1]!;
  const sources = findNames(find.slice(1, -2), glob, tracked);
  // C sources only (xgettext picks the language by extension), names the sed keeps whole
  if (!sources || sources.some((p) => !/\.[ch]$/.test(p) || /[\s:]/.test(p))) return undefined;
  const out = new Set<string>();
  for (const p of sources) {
    const rel = p.replace(/^\.\//, '');
    const text = await read(rel);
    if (text === undefined) return undefined;
    const has = xgettextExtracts(text, keywords);
    if (has === undefined) return undefined;
    if (has) out.add(rel);
  }
  return { names: [...out], line: start + 1, inputs: [`find ${find.slice(1, -2).join(' ')} -name '${glob}'`, `xgettext ${keywords.map((k) => `--keyword=${k} `).join('')}(its #: references: the C sources with a message, modelled)`] };
}

const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && diff.tarball.size > 0 && diff.tarball.size <= MAX_BYTES;

/** Each directory's tracked `#!/bin/sh` scripts (name without extension or X.sh, at most 64 KiB), read once per classification. */
const shellScripts = new WeakMap<ClassifyContext, Map<string, Promise<{ script: string; text: string }[]>>>();

function scriptsIn(dir: string, ctx: ClassifyContext): Promise<{ script: string; text: string }[]> {
  let byDir = shellScripts.get(ctx);
  if (!byDir) shellScripts.set(ctx, (byDir = new Map()));
  let got = byDir.get(dir);
  if (!got) {
    got = (async () => {
      const out: { script: string; text: string }[] = [];
      for (const p of [...ctx.gitPaths].filter((x) => dirOf(x) === dir && /^(?:[\w-]+|[\w.-]+\.sh)$/.test(baseOf(x))).sort()) {
        const buf = await ctx.content.git(p);
        if (!buf || buf.length > MAX_SCRIPT) continue;
        const text = buf.toString('latin1');
        if (/^#!\s*\/bin\/sh(?:[ \t]+-e)?[ \t]*\n/.test(text)) out.push({ script: p, text });
      }
      return out;
    })();
    byDir.set(dir, got);
  }
  return got;
}

/** The scripts of the list's directory and of the top directory that redirect into the list by its path from the top. */
async function scriptsFor(path: string, ctx: ClassifyContext): Promise<{ script: string; text: string }[]> {
  const redirect = new RegExp(`>\\s*${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=\\s|$)`, 'm');
  const out: { script: string; text: string }[] = [];
  for (const dir of [...new Set([dirOf(path), ''])]) for (const s of await scriptsIn(dir, ctx)) if (redirect.test(s.text)) out.push(s);
  return out;
}

export const fileListClassifier: Classifier = {
  id: 'file-list',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const buf = ctx.content.tarball(diff.path);
    if (!buf) return undefined;
    const shipped = buf.toString('latin1');
    // a list of names only: every line a relative path, or a comment or blank line (what xgettext skips)
    if (!/^(?:(?:[\w./+-]+|#[^\n]*|)\n)+$/.test(shipped)) return undefined;
    const scripts = await scriptsFor(diff.path, ctx);
    if (!scripts.length) return undefined;
    const tracked = [...ctx.gitPaths];
    for (const { script, text } of scripts) {
      // $0: the script as run from the top directory, by its path or ./path
      for (const self of [script, `./${script}`]) {
        for (const locale of ['C', 'en_US.UTF-8'] as const) {
          const got = scriptParts(text, diff.path, tracked, locale, self);
          if (!got || !partsMatch(got.parts, shipped)) continue;
          const total = got.parts.reduce((n, p) => n + (p.text ? 0 : p.lines.length), 0);
          const order = got.parts.some((p) => p.find) ? { listOrder: 'find' as const } : {};
          return makeFinding('GENERATED_FROM_SOURCE', diff.path, { how: 'file-list', source: script, generator: script, inputs: got.inputs, ...(got.sorted ? { locale } : {}), ...order, total });
        }
      }
      const xg = await xgettextRefsList(text, diff.path, tracked, async (p) => (await ctx.content.git(p))?.toString('latin1'));
      if (!xg) continue;
      for (const locale of ['C', 'en_US.UTF-8'] as const) {
        const sorted = localeSort(xg.names, locale);
        if (!sorted || sorted.map((l) => `${l}\n`).join('') !== shipped) continue;
        return makeFinding('GENERATED_FROM_SOURCE', diff.path, { how: 'file-list', source: script, generator: script, inputs: xg.inputs, locale, total: sorted.length, script: { script, line: xg.line } });
      }
    }
    return undefined;
  },
};
