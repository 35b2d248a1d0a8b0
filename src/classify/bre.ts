/** POSIX basic regular expressions (sed, grep) as JavaScript ones, for the subset make rules use. */

/**
 * A BRE as a JavaScript regular expression; undefined for what this does not model (intervals, back-references).
 * `gnuAlternation`: GNU sed's and grep's `\|` (alternation), which POSIX leaves undefined — only for a caller that
 * models GNU tools.
 */
export function breToRegExp(bre: string, opts: { gnuAlternation?: boolean } = {}): RegExp | undefined {
  let out = '';
  for (let i = 0; i < bre.length; i++) {
    const c = bre[i]!;
    if (c === '\\') {
      const n = bre[++i];
      if (n === '(' || n === ')') out += n;
      else if (n === '|' && opts.gnuAlternation) out += '|';
      else if (n === '.' || n === '*' || n === '[' || n === ']' || n === '\\' || n === '/' || n === '^' || n === '$') out += `\\${n}`;
      else return undefined;
    } else if (c === '[') {
      const end = bre.indexOf(']', i + 2);
      if (end < 0) return undefined;
      out += bre.slice(i, end + 1).replace(/\\/g, '\\\\');
      i = end;
    } else if ('(){}+?|'.includes(c)) out += `\\${c}`;
    else out += c;
  }
  try { return new RegExp(out); } catch { return undefined; }
}
