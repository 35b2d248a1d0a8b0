/**
 * A makefile rule that makes a file by filtering one file's lines through grep (gen22): libcap-ng's
 *
 *   caps.h:   cat $(CAPABILITY_HEADER) | grep '^#define CAP'  | grep -v '[()]' > caps.h
 *   capng.h:  cat ${top_srcdir}/src/cap-ng.h | grep -v '_state' > capng.h
 *
 * read as data, never run: the source (`cat FILE |` or grep's one file operand), each grep's pattern and `-v`, the
 * target (`> FILE`, which must be the rule's own target). Only a small part of POSIX basic regular expressions is
 * read, the part such rules use: literal characters, `.`, `^` at the start, `$` at the end, a bracket expression
 * (`[()]`, `[^a-z]`, no character classes), `*` after one of those, a backslash before a special character. Anything
 * else (another option, another program, a `\(` group, `\{n\}`, a character class) is refused with a reason, and the
 * caller does not run what would need the file. Lines are bytes (grep in the C locale); a last line without a newline
 * gets one, as GNU grep writes it; a source holding a NUL byte (grep's "binary file") is refused.
 */

export interface GrepStep {
  invert: boolean;
  pattern: string;
}

export interface TextPipeline {
  /** The file read, as written after make's expansion (relative to the rule's directory, or absolute). */
  source: string;
  steps: GrepStep[];
  /** The file written (`> FILE`), as written. */
  target: string;
}

/** One shell word of a pipeline stage: a bare word of safe characters or a single-quoted string. */
const WORD = /'([^']*)'|([\w./@+,=:-]+)/y;

function stageWords(stage: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  while (i < stage.length) {
    if (/\s/.test(stage[i]!)) {
      i++;
      continue;
    }
    WORD.lastIndex = i;
    const m = WORD.exec(stage);
    if (!m || (WORD.lastIndex < stage.length && !/\s/.test(stage[WORD.lastIndex]!))) return undefined;
    out.push(m[1] ?? m[2]!);
    i = WORD.lastIndex;
  }
  return out;
}

/** The grep pipeline of an expanded recipe line (pure), or why it is not one. */
export function textPipeline(command: string): TextPipeline | { refused: string } {
  const redirect = /^(.*?)>\s*([\w./+-]+)\s*$/.exec(command);
  if (!redirect) return { refused: 'no `> FILE` output' };
  const body = redirect[1]!;
  // outside single quotes: only `|` separates stages; no other shell syntax
  const unquoted = body.replace(/'[^']*'/g, "''");
  if (/[;&<>`$(){}"\\*?[\]]/.test(unquoted)) return { refused: 'shell syntax' };
  const stages = body.split(/\|(?=(?:[^']*'[^']*')*[^']*$)/).map((s) => s.trim());
  let source: string | undefined;
  const steps: GrepStep[] = [];
  for (let k = 0; k < stages.length; k++) {
    const words = stageWords(stages[k]!);
    if (!words?.length) return { refused: `stage ${stages[k]}` };
    if (words[0] === 'cat') {
      if (k !== 0 || words.length !== 2 || words[1]!.startsWith('-')) return { refused: `stage ${stages[k]}` };
      source = words[1];
      continue;
    }
    if (words[0] !== 'grep') return { refused: `program ${words[0]}` };
    let invert = false;
    let i = 1;
    for (; i < words.length && words[i]!.startsWith('-') && words[i] !== '-'; i++) {
      if (words[i] === '-v') invert = true;
      else if (words[i] !== '--') return { refused: `grep option ${words[i]}` };
      if (words[i] === '--') {
        i++;
        break;
      }
    }
    const rest = words.slice(i);
    if (rest.length === 2 && k === 0 && source === undefined) source = rest[1];
    else if (rest.length !== 1) return { refused: `stage ${stages[k]}` };
    steps.push({ invert, pattern: rest[0]! });
  }
  if (source === undefined) return { refused: 'no input file' };
  if (!steps.length) return { refused: 'no grep' };
  return { source, steps, target: redirect[2]! };
}

const escapeJs = (c: string): string => (/[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c);

/** A basic regular expression of the read subset as a JavaScript RegExp over latin1 text, or why it is not read. */
export function breRegExp(pattern: string): RegExp | { refused: string } {
  let out = '';
  let i = 0;
  let atom = false; // whether the last thing emitted can take a `*`
  if (pattern.startsWith('^')) {
    out += '^';
    i = 1;
  }
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '$' && i === pattern.length - 1) {
      out += '$';
      i++;
      atom = false;
      continue;
    }
    if (c === '*') {
      if (atom) out += '*';
      else out += '\\*'; // a leading `*` is literal in a BRE
      atom = false;
      i++;
      continue;
    }
    if (c === '\\') {
      const n = pattern[i + 1];
      if (n === undefined || !/[.[\]*^$\\/]/.test(n)) return { refused: `escape \\${n ?? ''}` };
      out += escapeJs(n);
      i += 2;
      atom = true;
      continue;
    }
    if (c === '.') {
      out += '[^\\n]';
      i++;
      atom = true;
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      let negate = false;
      if (pattern[j] === '^') {
        negate = true;
        j++;
      }
      const members: string[] = [];
      if (pattern[j] === ']') {
        members.push('\\]');
        j++;
      }
      for (; j < pattern.length && pattern[j] !== ']'; j++) {
        const m = pattern[j]!;
        if (m === '[' && /[:=.]/.test(pattern[j + 1] ?? '')) return { refused: 'character class' };
        if (m === '-' && members.length && pattern[j + 1] !== ']' && pattern[j + 1] !== undefined) {
          const lo = pattern[j - 1]!;
          const hi = pattern[j + 1]!;
          if (lo > hi) return { refused: `range ${lo}-${hi}` };
          members.push('-');
          continue;
        }
        members.push(m === '\\' || m === ']' || m === '[' || m === '^' || m === '-' ? `\\${m}` : m);
      }
      if (j >= pattern.length) return { refused: 'unterminated bracket expression' };
      out += `[${negate ? '^\\n' : ''}${members.join('')}]`;
      i = j + 1;
      atom = true;
      continue;
    }
    if (c === '^') {
      out += '\\^';
      i++;
      atom = true;
      continue;
    }
    out += escapeJs(c);
    i++;
    atom = true;
  }
  return new RegExp(out);
}

/** The pipeline's output from the source's bytes (pure), or why it is not computed. */
export function runTextPipeline(source: Buffer, steps: readonly GrepStep[]): Buffer | { refused: string } {
  if (source.includes(0)) return { refused: 'the source holds a NUL byte (grep: binary file)' };
  const res: RegExp[] = [];
  for (const s of steps) {
    const re = breRegExp(s.pattern);
    if (!(re instanceof RegExp)) return re;
    res.push(re);
  }
  const text = source.toString('latin1');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let kept = lines;
  steps.forEach((s, k) => {
    kept = kept.filter((l) => res[k]!.test(l) !== s.invert);
  });
  return Buffer.from(kept.map((l) => `${l}\n`).join(''), 'latin1');
}

/**
 * The value configure gives a variable nothing in the Makefile.am defines, read from configure.ac (pure): the one
 * literal absolute path it assigns (`CAPABILITY_HEADER=/usr/include/linux/capability.h`, AC_ARG_WITH's default), the
 * variable AC_SUBST'ed, every other assignment `$withval` (the --with option's value, which the default build does not
 * pass). undefined when configure.ac does not say so plainly. The line number is 1-based.
 */
export function configureDefaultPath(configureAc: string, name: string): { value: string; line: number } | undefined {
  if (!/^\w+$/.test(name)) return undefined;
  if (!new RegExp(`AC_SUBST\\(\\[?${name}\\]?\\)`).test(configureAc)) return undefined;
  const lines = configureAc.split('\n');
  let found: { value: string; line: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    for (const m of lines[i]!.matchAll(new RegExp(`(?:^|[\\s\\[;(])${name}=([^\\s\\]);]*)`, 'g'))) {
      const v = m[1]!;
      if (v === '$withval' || v === '"$withval"' || v === '${withval}') continue;
      if (found || !/^\/[\w./+-]+$/.test(v) || v.includes('..')) return undefined;
      found = { value: v, line: i + 1 };
    }
  }
  return found;
}
