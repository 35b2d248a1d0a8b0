/**
 * Files a tracked shell script writes with a here-document (signal-exit 4's scripts/fixup.sh, run by its `prepare`
 * script after tsc: `cat >dist/cjs/package.json <<!EOF` … `!EOF`). Pure functions over text:
 *
 *   scriptInvocations  the tracked shell scripts a package.json script runs (`bash ./scripts/fixup.sh`,
 *                      `sh x.sh`, `./x.sh`), each a literal path inside the package; none when the command changes
 *                      directory (`cd`, `pushd`: the script's relative paths would mean something else).
 *   heredocWrites      the files a script writes with `cat >PATH <<WORD` (or `cat <<WORD >PATH`; `<<-` strips
 *                      leading tabs) and the exact bytes it writes: the body, verbatim when WORD is quoted, and when it
 *                      is not only if the body holds nothing the shell expands (`$`, backquote, backslash). A write
 *                      counts only when PATH is a literal relative path inside the package, the script writes it once,
 *                      never changes directory, and no later command names PATH or a directory above it, uses a
 *                      variable or a glob (anything that could change, move or remove the file afterwards) other than
 *                      another such literal here-document write.
 *
 * Bytes are compared as latin1 text, so they are compared exactly whatever the encoding. The script is read by the
 * one here-document reader, ../classify/heredoc.ts readShell.
 */
import { readShell } from '../classify/heredoc.js';

/** A literal relative path inside the package: no variable, glob, quote or `..`; `./` prefixes dropped. */
function literalPath(word: string): string | undefined {
  if (!/^[\w@+.,/=-]+$/.test(word) || word.startsWith('/')) return undefined;
  const parts = word.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..')) return undefined;
  return parts.join('/');
}

const CHANGES_DIR = /(?:^|[;&|(]\s*|\s)(?:cd|pushd|popd)(?:\s|$|;)/;

/** The tracked-script paths a package.json script command runs: `bash|sh [-flags] PATH [args]` or `./PATH [args]`. */
export function scriptInvocations(command: string): string[] {
  if (CHANGES_DIR.test(command)) return [];
  const out: string[] = [];
  for (const seg of command.split(/&&|\|\||;|\|/)) {
    const words = seg.trim().split(/\s+/).filter(Boolean);
    let k = 0;
    while (k < words.length && /^\w+=/.test(words[k]!)) k++; // VAR=value prefixes
    const w = words[k];
    if (w === undefined) continue;
    let p: string | undefined;
    if (w === 'bash' || w === 'sh') {
      k++;
      while (k < words.length && /^-[a-z]+$/.test(words[k]!)) k++;
      p = words[k];
    } else if (w.startsWith('./')) p = w;
    const path = p === undefined ? undefined : literalPath(p);
    if (path) out.push(path);
  }
  return out;
}

/** Words of a command line that could touch `path` after it was written: the path, a directory above it, a variable or a glob. */
function touches(line: string, path: string): boolean {
  if (/[$`*?[\]{}]/.test(line)) return true;
  const above = path.split('/').map((_, i, a) => a.slice(0, i + 1).join('/'));
  for (const raw of line.split(/[\s;&|()<>'"=]+/)) {
    const w = raw.replace(/^(?:\.\/)+/, '').replace(/\/+$/, '');
    if (w === '') continue;
    if (above.includes(w) || w.startsWith(`${path}`)) return true;
  }
  return false;
}

/**
 * The files `script` writes with a literal `cat` here-document, path → exact content (see the module comment).
 * Text is the script decoded as latin1; so is the content.
 */
export function heredocWrites(script: string): Map<string, string> {
  const out = new Map<string, string>();
  const { commands, complete } = readShell(script);
  if (!complete || commands.some((c) => CHANGES_DIR.test(c.text))) return out;
  const writes: { path: string; body: string; at: number }[] = [];
  const written = new Map<string, number>();
  const writeAt = new Map<number, string>();
  commands.forEach((c, at) => {
    const h = c.heredoc;
    const path = h?.catTarget === undefined ? undefined : literalPath(h.catTarget);
    if (!h || !path || !(h.quoted || !/[$`\\]/.test(h.body))) return;
    writes.push({ path, body: h.body, at });
    written.set(path, (written.get(path) ?? 0) + 1);
    writeAt.set(at, path);
  });
  for (const w of writes) {
    if (written.get(w.path) !== 1) continue;
    const later = commands.slice(w.at + 1).map((c, k) => ({ text: c.text, write: writeAt.get(w.at + 1 + k) }));
    if (later.some((c) => (c.write !== undefined ? c.write === w.path : touches(c.text, w.path)))) continue;
    out.set(w.path, w.body);
  }
  return out;
}

/** A command line split at its unquoted `&&`, `||`, `;`, `|` and `&`: the simple commands, in order. */
function simpleCommands(command: string): string[] | undefined {
  const out: string[] = [];
  let cur = '';
  let quote: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') cur += command[i++] ?? '';
      cur += c;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    if (c === ';' || c === '|' || c === '&') {
      out.push(cur);
      cur = '';
      if (command[i + 1] === c) i++;
      continue;
    }
    cur += c;
  }
  if (quote) return undefined;
  out.push(cur);
  return out.map((s) => s.trim()).filter(Boolean);
}

/** `echo 'TEXT' > PATH` (or `"TEXT"` holding nothing the shell expands: no `$`, backquote or backslash; `>PATH` too). */
const ECHO_WRITE = /^echo\s+(?:'([^']*)'|"([^"$`\\]*)")\s*>\s*(\S+)$/;

/**
 * The files one package.json script command writes with `echo 'TEXT' > PATH` (htmlparser2 9.1.0's `build:esm`:
 * `… --outDir lib/esm && echo '{"type":"module"}' > lib/esm/package.json`; holdout27), path → the exact bytes echo
 * writes (TEXT and a newline). A write counts only when PATH is a literal relative path inside the package, the command
 * writes it once, never changes directory, and no later command names PATH or a directory above it, uses a variable or
 * a glob (see `touches`). An unbalanced quote: none.
 */
export function echoWrites(command: string): Map<string, string> {
  const out = new Map<string, string>();
  if (CHANGES_DIR.test(command)) return out;
  const cmds = simpleCommands(command);
  if (!cmds) return out;
  const seen = new Map<string, number>();
  cmds.forEach((c, i) => {
    const m = ECHO_WRITE.exec(c);
    const path = m ? literalPath(m[3]!) : undefined;
    if (!m || !path) return;
    seen.set(path, (seen.get(path) ?? 0) + 1);
    if (cmds.slice(i + 1).some((later) => touches(later, path))) return;
    out.set(path, `${m[1] ?? m[2]}\n`);
  });
  for (const [p, n] of seen) if (n !== 1) out.delete(p);
  return out;
}
