/**
 * Which C sources xgettext extracts a message from — the file names its `#:` reference lines carry — computed by a
 * model of xgettext's C scanner over the tracked text, never by running xgettext. Used by ./file-list.ts for a list
 * written by the shell idiom `xgettext --keyword=K… --output=- \`find ROOT -name GLOB\` | sed -ne '/^#:/{…}' | grep -v
 * '^$' | sort | uniq > po/POTFILES.in` (mc's autogen.sh).
 *
 *   scanner   translation phase 2 (backslash-newline removed), comments (block and line) skipped, string literals
 *             (adjacent ones one token) and character literals read with their escapes, identifiers; preprocessor
 *             lines scanned like code (xgettext extracts from `#define` bodies and `#if 0` blocks alike)
 *   keywords  xgettext's default C keywords (gettext, dgettext:2, dcgettext:2, ngettext:1,2, dngettext:2,3,
 *             dcngettext:2,3, gettext_noop, pgettext:1c,2, dpgettext:2c,3, dcpgettext:2c,3, npgettext:1c,2,3,
 *             dnpgettext:2c,3,4, dcnpgettext:2c,3,4) and each `--keyword=ID` (argument 1)
 *   message   a keyword followed by `(` whose msgid argument (and context argument, when the keyword has one) holds a
 *             string literal directly inside the keyword's parentheses (not in a nested call): `_("")` and
 *             `_(c ? "a" : "b")` count, as xgettext 0.21 lists them; `ngettext(s, "b", n)` does not
 *   refused   a file with a NUL byte, an unterminated comment or literal, or a literal outside ASCII that would be
 *             extracted (xgettext stops: "Non-ASCII string … specify the source encoding"): the model gives no answer
 */

/** xgettext's default keywords for C, in its own `NAME:ARGS` spelling (`Nc` the context argument; a plural argument
 * plays no part here): name → [msgid argument, context argument or 0]. */
const DEFAULT_KEYWORDS: ReadonlyMap<string, readonly [number, number]> = new Map(
  'gettext:1 dgettext:2 dcgettext:2 ngettext:1,2 dngettext:2,3 dcngettext:2,3 gettext_noop:1 pgettext:1c,2 dpgettext:2c,3 dcpgettext:2c,3 npgettext:1c,2,3 dnpgettext:2c,3,4 dcnpgettext:2c,3,4'
    .split(' ')
    .map((spec) => {
      const [name, args] = spec.split(':') as [string, string];
      const parts = args.split(',');
      const context = parts.find((x) => x.endsWith('c'));
      return [name, [Number(parts.find((x) => !x.endsWith('c'))), context ? Number(context.slice(0, -1)) : 0] as const];
    }),
);

type Token = { kind: 'id'; text: string } | { kind: 'str'; ascii: boolean } | { kind: 'punct'; text: string };

/** The C tokens xgettext's scanner sees (only what matters here); undefined for text it would not read through. */
function tokens(src: string): Token[] | undefined {
  if (src.includes('\0')) return undefined;
  const s = src.replace(/\\\r?\n/g, '');
  const out: Token[] = [];
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    if (c === '/' && s[i + 1] === '*') {
      const end = s.indexOf('*/', i + 2);
      if (end < 0) return undefined;
      i = end + 2;
    } else if (c === '/' && s[i + 1] === '/') {
      const end = s.indexOf('\n', i);
      i = end < 0 ? s.length : end;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let ascii = true;
      for (; j < s.length && s[j] !== c; j++) {
        if (s[j] === '\n') return undefined;
        if (s[j] === '\\') j++;
        else if (s.charCodeAt(j) > 0x7e) ascii = false;
      }
      if (j >= s.length) return undefined;
      if (c === '"') {
        const prev = out[out.length - 1];
        // adjacent literals are one string (translation phase 6)
        if (prev?.kind === 'str') prev.ascii &&= ascii;
        else out.push({ kind: 'str', ascii });
      } else out.push({ kind: 'punct', text: 'char' });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_]\w*/.exec(s.slice(i, i + 256))!;
      out.push({ kind: 'id', text: m[0] });
      i += m[0].length;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(s[i + 1] ?? ''))) {
      // a preprocessing number: digits, letters, dots, exponent signs
      const m = /^\.?[0-9](?:[eEpP][+-]|[\w.])*/.exec(s.slice(i, i + 256))!;
      out.push({ kind: 'punct', text: 'num' });
      i += m[0].length;
    } else if (/\s/.test(c)) i++;
    else {
      out.push({ kind: 'punct', text: c });
      i++;
    }
  }
  return out;
}

/**
 * Whether xgettext with these extra keywords (`--keyword=ID`, argument 1) extracts at least one message from the C
 * source; undefined where the model gives no answer (see the header).
 */
export function xgettextExtracts(src: string, keywords: readonly string[]): boolean | undefined {
  const toks = tokens(src);
  if (!toks) return undefined;
  const kw = new Map(DEFAULT_KEYWORDS);
  for (const k of keywords) kw.set(k, [1, 0]);
  let found = false;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.kind !== 'id' || !kw.has(t.text)) continue;
    const open = toks[i + 1];
    if (open?.kind !== 'punct' || open.text !== '(') continue;
    const [msgid, context] = kw.get(t.text)!;
    // the string literals directly inside the keyword's parentheses, by argument
    const literal = new Map<number, boolean>();
    let depth = 1;
    let arg = 1;
    for (let j = i + 2; j < toks.length && depth > 0; j++) {
      const u = toks[j]!;
      if (u.kind === 'punct' && (u.text === '(' || u.text === '[' || u.text === '{')) depth++;
      else if (u.kind === 'punct' && (u.text === ')' || u.text === ']' || u.text === '}')) depth--;
      else if (depth === 1 && u.kind === 'punct' && u.text === ',') arg++;
      else if (depth === 1 && u.kind === 'str') literal.set(arg, (literal.get(arg) ?? true) && u.ascii);
    }
    if (!literal.has(msgid) || (context && !literal.has(context))) continue;
    // xgettext stops at a non-ASCII string it would extract
    if (!literal.get(msgid) || (context && !literal.get(context))) return undefined;
    found = true;
  }
  return found;
}
