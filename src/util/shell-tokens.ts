/**
 * The one shell tokenizer of distdiff, for every reader of a make recipe's shell: the echo/cat/sed evaluator
 * (classify/shell-subset.ts), the post-edit interpreter (regenerate/post-edit.ts), the makeinfo command reader
 * (regenerate/makeinfo.ts) and the replay's recipe check (regenerate/make-replay.ts). It only splits text into
 * tokens, as POSIX sh does (XCU 2.3 Token Recognition), and never runs anything; each caller then refuses what
 * its own evaluator does not read.
 *
 * The grammar (nothing else):
 *   blank        space and tab separate words; a backslash-newline outside single quotes is removed (a line
 *                continuation, as make hands a continued recipe line to the shell).
 *   newline      a token of its own ({ op: '\n' }): a command separator, like `;`, as the caller decides.
 *   comments     a `#` starting a word begins a comment to the end of the line: dropped, as sh drops it.
 *   operators    `;` `;;` `&&` `||` `|` `&` `>` `>>` `<` `(` `)` (longest first). A run of digits immediately
 *                followed by `<`, `>` or `>>` is that redirection's file descriptor (`2>/dev/null`:
 *                { op: '>', fd: 2 }), not a word.
 *   braces       `{` and `}` are operators only as a whole unquoted word (`{ echo a; }`), as sh's reserved words
 *                are; inside a word (`a{b}`) they are text. (sh reads them as reserved words only where a command
 *                starts; an argument `}` is an operator here too, so a reader refuses it rather than misreads.)
 *   words        runs of anything else, made of segments:
 *                  'text'  quote '' (plain), "'" (single-quoted: literal up to the next `'`), '"' (double-quoted),
 *                          '\\' (one character escaped by a backslash outside quotes, or `\$ \` \" \\` inside
 *                          double quotes — a backslash before any other character there stays as written);
 *                  'var'   `$NAME` or `${NAME}` (NAME an identifier), plain or inside double quotes;
 *                  'sub'   a backquoted command substitution `` `…` `` (its text, not tokenized here).
 *                `""` and `''` are a word with one empty segment (an empty argument).
 * Refused (ShellSyntaxError naming it): an unclosed quote, backquote or `${`; `$(…)`, `$((…))`, special
 * parameters (`$@`, `$1`, `$?` …), `${…}` other than a plain name; here-documents (`<<`); a backslash ending
 * the text.
 */

export type ShellSeg =
  | { kind: 'text'; text: string; quote: '' | "'" | '"' | '\\' }
  | { kind: 'var'; name: string; quoted: boolean }
  | { kind: 'sub'; command: string; quoted: boolean };

export type ShellOp = '\n' | ';' | ';;' | '&&' | '||' | '|' | '&' | '>' | '>>' | '<' | '(' | ')' | '{' | '}';

export type ShellToken = { word: ShellSeg[] } | { op: ShellOp; fd?: number };

export class ShellSyntaxError extends Error {}

const fail = (why: string): never => {
  throw new ShellSyntaxError(why);
};

/** Characters that end a word (sh's metacharacters and the newline). */
const META = ' \t\n;&|<>()';
const OPS: ShellOp[] = [';;', '&&', '||', '>>', ';', '|', '&', '>', '<', '(', ')'];

/** The tokens of `src` (see the header); throws ShellSyntaxError for what the grammar does not read. */
export function shellTokens(src: string): ShellToken[] {
  const out: ShellToken[] = [];
  let i = 0;
  const readVar = (quoted: boolean): ShellSeg => {
    // at '$'
    if (src[i + 1] === '{') {
      const end = src.indexOf('}', i + 2);
      if (end < 0) fail('unclosed ${');
      const name = src.slice(i + 2, end);
      if (!/^[A-Za-z_]\w*$/.test(name)) fail(`\${${name}}`);
      i = end + 1;
      return { kind: 'var', name, quoted };
    }
    const m = /^[A-Za-z_]\w*/.exec(src.slice(i + 1));
    if (!m) return fail(`$${src[i + 1] ?? ''} at ${i}`);
    i += 1 + m[0].length;
    return { kind: 'var', name: m[0], quoted };
  };
  const readBackquote = (quoted: boolean): ShellSeg => {
    const end = src.indexOf('`', i + 1);
    if (end < 0) fail('unclosed backquote');
    const command = src.slice(i + 1, end);
    i = end + 1;
    return { kind: 'sub', command, quoted };
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\' && src[i + 1] === '\n') { i += 2; continue; }
    if (c === ' ' || c === '\t') { i++; continue; }
    if (c === '\n') { out.push({ op: '\n' }); i++; continue; }
    if (c === '<' && src[i + 1] === '<') fail('here-document <<');
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) { out.push({ op }); i += op.length; continue; }
    if (c === '#') {
      // A comment, as sh reads one: from a `#` starting a word to the end of the line.
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    const word: ShellSeg[] = [];
    const text = (t: string, quote: '' | "'" | '"' | '\\') => {
      const last = word[word.length - 1];
      if (last?.kind === 'text' && last.quote === quote && t) last.text += t;
      else word.push({ kind: 'text', text: t, quote });
    };
    while (i < src.length && !META.includes(src[i]!)) {
      const d = src[i]!;
      if (d === "'") {
        const end = src.indexOf("'", i + 1);
        if (end < 0) fail('unclosed quote');
        text(src.slice(i + 1, end), "'");
        i = end + 1;
      } else if (d === '"') {
        i++;
        let lit = '';
        let any = false;
        const flush = () => { if (lit) { text(lit, '"'); any = true; } lit = ''; };
        while (i < src.length && src[i] !== '"') {
          const e = src[i]!;
          if (e === '\\' && src[i + 1] === '\n') i += 2;
          else if (e === '\\' && '$`"\\'.includes(src[i + 1] ?? '')) { flush(); text(src[i + 1]!, '\\'); any = true; i += 2; }
          else if (e === '$') { flush(); word.push(readVar(true)); any = true; }
          else if (e === '`') { flush(); word.push(readBackquote(true)); any = true; }
          else { lit += e; i++; }
        }
        if (src[i] !== '"') fail('unclosed double quote');
        i++;
        if (lit || !any) text(lit, '"');
      } else if (d === '\\') {
        if (src[i + 1] === '\n') { i += 2; continue; }
        if (i + 1 >= src.length) fail('backslash at the end');
        text(src[i + 1]!, '\\');
        i += 2;
      } else if (d === '$') word.push(readVar(false));
      else if (d === '`') word.push(readBackquote(false));
      else { text(d, ''); i++; }
    }
    if (word.length === 1 && word[0]!.kind === 'text' && word[0]!.quote === '' && (word[0]!.text === '{' || word[0]!.text === '}')) { out.push({ op: word[0]!.text }); continue; }
    if ((src[i] === '<' || src[i] === '>') && word.length === 1 && word[0]!.kind === 'text' && word[0]!.quote === '' && /^\d+$/.test(word[0]!.text)) {
      if (src.startsWith('<<', i)) fail('here-document <<');
      const op: ShellOp = src.startsWith('>>', i) ? '>>' : src[i] === '>' ? '>' : '<';
      out.push({ op, fd: Number(word[0]!.text) });
      i += op.length;
      continue;
    }
    out.push({ word });
  }
  return out;
}

/** The tokens, or undefined where shellTokens refuses. */
export function tryShellTokens(src: string): ShellToken[] | undefined {
  try {
    return shellTokens(src);
  } catch (e) {
    if (e instanceof ShellSyntaxError) return undefined;
    throw e;
  }
}

/** A word's value with no expansion to make: its text segments joined; undefined when it has a `$var` or a substitution. */
export function literalWord(word: readonly ShellSeg[]): string | undefined {
  let s = '';
  for (const seg of word) {
    if (seg.kind !== 'text') return undefined;
    s += seg.text;
  }
  return s;
}
