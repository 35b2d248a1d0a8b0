/**
 * The one reader of a shell script's here-documents, for the rules that judge a file a tracked script writes with
 * `cat >TARGET <<WORD` (or `cat <<WORD >TARGET`): ./script-heredoc.ts (any tracked script, expanding bodies with
 * placeholders, variable targets) and ../profiles/npm-heredoc.ts (scripts a package.json script runs, literal bytes
 * only). Pure: the script is text (decoded as latin1 by the callers), read, never run.
 *
 * The script is read line by line: a line ending in a backslash continues on the next (unless it opens a
 * here-document), a whole-line comment is no command, and every here-document's body is skipped as data — whether a
 * `cat` writes it or another command reads it — up to the line that is exactly its word (`<<-` strips leading tabs
 * from the body and the terminator). A here-string (`<<<`) opens none, nor a `<<` inside a quoted string (`eval 'cat
 * <<EOF`, read on its line) or an arithmetic `((…))`. Reading stops at a here-document it cannot
 * follow (a word it cannot read, or no terminator): nothing after it is listed, and the text says it is incomplete.
 */

/** One here-document. */
export interface Heredoc {
  /** 1-based line of the command that opens it (its first line when continued). */
  line: number;
  /** `TARGET` as written when the command is exactly `cat >TARGET <<WORD` or `cat <<WORD >TARGET`. */
  catTarget?: string;
  /** `<<-`: leading tabs stripped from the body and the terminator. */
  dash: boolean;
  /** WORD as written (`EOF`, `'EOF'`, `"EOF"`, `\EOF`, `!EOF`). */
  word: string;
  /** The terminator line. */
  end: string;
  /** Whether WORD was quoted (then the shell expands nothing in the body). */
  quoted: boolean;
  /** The body, every line with its newline. */
  body: string;
}

export interface ShellCommand {
  /** 1-based line of the command's first line. */
  line: number;
  /** The command line: continuation lines joined. */
  text: string;
  /** The here-document this command opens. */
  heredoc?: Heredoc;
}

export interface ShellText {
  /** Every command line in order (blank and whole-line comment lines dropped; here-document bodies are no commands). */
  commands: ShellCommand[];
  /** The here-documents in order. */
  heredocs: Heredoc[];
  /** False when reading stopped at a here-document it could not follow (see the module comment). */
  complete: boolean;
}

/** `cat >TARGET <<WORD` or `cat <<WORD >TARGET`, the whole command on one line. */
const CAT_HEREDOC = /^\s*cat\s*(?:>\s*([^\s<>]+)\s*<<(-?)\s*(\S+)|<<(-?)\s*([^\s<>]+)\s*>\s*(\S+))\s*$/;
/** A here-document opener anywhere on a line (another command's): its dash and word; not a here-string's `<<<`. */
const ANY_HEREDOC = /(?<!<)<<(?!<)(-?)\s*(['"]?)([^\s'"<>;&|()]+)\2/g;

/** The here-document word as written (`!EOF`, `'EOF'`, `"EOF"`, `\EOF`): its terminator and whether it was quoted. */
function delimiter(word: string): { end: string; quoted: boolean } | undefined {
  const q = /^(['"])([^'"]+)\1$/.exec(word);
  if (q) return { end: q[2]!, quoted: true };
  if (word.startsWith('\\')) return /^\\[^\s'"\\$`]+$/.test(word) ? { end: word.slice(1), quoted: true } : undefined;
  return /^[^\s'"\\$`<>;&|()]+$/.test(word) ? { end: word, quoted: false } : undefined;
}

/** Whether `prefix` ends inside a quoted string or an arithmetic `((…))` (where `<<` is no redirection), read on one line. */
function quotedOrArithmetic(prefix: string): boolean {
  let quote: string | undefined;
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix[i]!;
    if (quote === "'") { if (c === "'") quote = undefined; }
    else if (c === '\\') i++;
    else if (quote === '"') { if (c === '"') quote = undefined; }
    else if (c === "'" || c === '"') quote = c;
  }
  return quote !== undefined || (prefix.match(/\(\(/g)?.length ?? 0) > (prefix.match(/\)\)/g)?.length ?? 0);
}

/** The here-document a line opens: the first `<<` outside a quoted string or an arithmetic expression. */
function opener(code: string): RegExpExecArray | undefined {
  for (const m of code.matchAll(ANY_HEREDOC)) if (!quotedOrArithmetic(code.slice(0, m.index))) return m as RegExpExecArray;
  return undefined;
}

/** The commands and here-documents of a shell script (see the module comment). */
export function readShell(script: string): ShellText {
  const lines = script.split('\n');
  const commands: ShellCommand[] = [];
  const heredocs: Heredoc[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!;
    while (line.endsWith('\\') && i + 1 < lines.length && !opener(line)) line = line.slice(0, -1) + lines[++i]!;
    const code = line.replace(/^\s*#.*$/, '');
    if (code.trim() === '') continue;
    const open = opener(code);
    if (!open) {
      commands.push({ line: start + 1, text: code });
      continue;
    }
    const cat = CAT_HEREDOC.exec(code);
    const dash = cat ? (cat[2] ?? cat[4])! : open[1]!;
    const word = cat ? (cat[3] ?? cat[5])! : `${open[2]}${open[3]}${open[2]}`;
    const d = delimiter(word);
    if (!d) return { commands, heredocs, complete: false };
    const strip = (s: string) => (dash === '-' ? s.replace(/^\t+/, '') : s);
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && strip(lines[j]!) !== d.end) body.push(strip(lines[j++]!));
    if (j >= lines.length) return { commands, heredocs, complete: false };
    const h: Heredoc = { line: start + 1, ...(cat ? { catTarget: (cat[1] ?? cat[6])! } : {}), dash: dash === '-', word, end: d.end, quoted: d.quoted, body: body.length ? body.join('\n') + '\n' : '' };
    heredocs.push(h);
    commands.push({ line: start + 1, text: code, heredoc: h });
    i = j;
  }
  return { commands, heredocs, complete: true };
}
