/**
 * Evidence for an npm package's build output (dist/, lib/ … absent from git), pure functions over text:
 *
 *   tokens       a JavaScript file whose token stream (comments and whitespace aside) equals a tracked
 *                JavaScript source's: the tracked file, copied or reformatted — proved.
 *   source map   the output's map (`//# sourceMappingURL=`, inline `data:` or X.map beside it) embeds the
 *                tracked sources (`sourcesContent` equal to git's file for every source it names) and maps
 *                every code line of the output: which source was compiled is proved, and an added line shows
 *                as a code line no mapping covers. A map whose embedded source differs from git's, or an
 *                output with unmapped code lines, contradicts the build.
 *   capabilities what the output can do that no tracked source does: spawn processes (child_process),
 *                evaluate strings (eval, new Function), decode base64, open network connections (fetch,
 *                http(s).request/get, net, dgram, WebSocket), load native code (process.dlopen, process.binding).
 */
import type { NpmCapability } from '../core/findings.js';
import { LIB_TYPES } from './npm-declaration.js';

/**
 * JavaScript's line terminators (ECMA-262 11.3): a `//` comment, a hashbang line and a regular expression literal end
 * at any of them, not only at \n (red team 17: `// note\u2028fetch(…)` and `// note\rfetch(…)` run the call in node,
 * and reading the whole line as a comment had let it pass as the tracked file's tokens).
 */
const isLineTerminator = (c: string | undefined) => c === '\n' || c === '\r' || c === '\u2028' || c === '\u2029';

/**
 * The tokens after which ECMA-262 forbids a line terminator (`return [no LineTerminator here] Expression`, also
 * throw, break, continue, yield, async) — a line break there ends the statement: `return\nx` returns undefined.
 */
const NO_LT_AFTER = new Set(['return', 'throw', 'break', 'continue', 'yield', 'async']);
/** The marker token jsTokens writes for a line break where it changes the parse (see NO_LT_AFTER; before a postfix `++`/`--`). */
export const ASI_BREAK = '\n';

/** The end (index after the closing backtick) of the template literal starting at text[i], nested `${ … }` expressions and templates included. */
function templateEnd(text: string, i: number): number {
  const n = text.length;
  let j = i + 1;
  while (j < n) {
    const c = text[j]!;
    if (c === '\\') j += 2;
    else if (c === '`') return j + 1;
    else if (c === '$' && text[j + 1] === '{') {
      // the expression up to its matching brace: strings and templates inside it skipped whole
      let depth = 1;
      j += 2;
      while (j < n && depth > 0) {
        const d = text[j]!;
        if (d === '`') j = templateEnd(text, j);
        else if (d === '"' || d === "'") {
          let k = j + 1;
          while (k < n && text[k] !== d && !isLineTerminator(text[k])) k += text[k] === '\\' ? 2 : 1;
          j = k + 1;
        } else {
          if (d === '{') depth++;
          else if (d === '}') depth--;
          j++;
        }
      }
    } else j++;
  }
  return n;
}

/**
 * JavaScript tokens, comments and whitespace dropped; strings, template literals (with their nested `${ … }`
 * expressions, red team 18: the template's own spaces are its text) and regex literals kept whole. A line break
 * that changes the parse is a token of its own (ASI_BREAK): after `return`, `throw`, `break`, `continue`,
 * `yield`, `async`, and before a `++`/`--` (red team 18: `return\n  id` returns undefined, and dropped as
 * whitespace it had the tokens of git's `return id`). Anywhere else a line break only separates tokens: where
 * automatic semicolon insertion adds a `;` without one, the same tokens on one line do not parse.
 */
export function jsTokens(text: string): string[] {
  const out: string[] = [];
  const n = text.length;
  let i = 0;
  let lineBreak = false;
  const push = (t: string) => {
    const prev = out[out.length - 1];
    if (lineBreak && prev !== undefined && (NO_LT_AFTER.has(prev) || t === '++' || t === '--')) out.push(ASI_BREAK);
    out.push(t);
    lineBreak = false;
  };
  // Whether a `/` here starts a regular expression (after an operator, a keyword or the start).
  const regexAllowed = () => {
    let prev = out[out.length - 1];
    if (prev === ASI_BREAK) prev = out[out.length - 2];
    if (prev === undefined) return true;
    if (/^[A-Za-z_$][\w$]*$/.test(prev)) return /^(return|typeof|instanceof|in|of|new|delete|void|throw|case|do|else|yield|await)$/.test(prev);
    if (/^[\d.'"`]/.test(prev) || prev.startsWith('/') && prev.length > 1) return false;
    return !/^[)\]}]$/.test(prev);
  };
  while (i < n) {
    const c = text[i]!;
    if (isLineTerminator(c)) {
      lineBreak = true;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\f' || c === '\v' || c === '\u00a0' || c === '\ufeff') {
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < n && !isLineTerminator(text[i])) i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      // a comment holding a line terminator is a line break (ECMA-262 12.4)
      for (let k = i + 2; k < stop && !lineBreak; k++) if (isLineTerminator(text[k])) lineBreak = true;
      i = stop;
      continue;
    }
    if (c === '#' && i === 0 && text[1] === '!') {
      while (i < n && !isLineTerminator(text[i])) i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      push(text.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    if (c === '`') {
      const j = templateEnd(text, i);
      push(text.slice(i, j));
      i = j;
      continue;
    }
    if (c === '/' && regexAllowed()) {
      let j = i + 1;
      let cls = false;
      while (j < n && !isLineTerminator(text[j])) {
        const d = text[j]!;
        if (d === '\\') j += 2;
        else {
          if (d === '[') cls = true;
          else if (d === ']') cls = false;
          else if (d === '/' && !cls) break;
          j++;
        }
      }
      j++;
      while (j < n && /[a-z]/i.test(text[j]!)) j++;
      push(text.slice(i, j));
      i = j;
      continue;
    }
    // U+2028/U+2029 end a line, never an identifier
    const word = /^[A-Za-z_$\u0080-\u2027\u202a-\uffff][\w$\u0080-\u2027\u202a-\uffff]*|^\d[\w.]*|^\.\d[\w]*/.exec(text.slice(i, i + 256));
    if (word) {
      push(word[0]);
      i += word[0].length;
      continue;
    }
    const op = /^(>>>=|\.\.\.|===|!==|\*\*=|<<=|>>=|>>>|&&=|\|\|=|\?\?=|=>|==|!=|<=|>=|&&|\|\||\?\?|\?\.|\+\+|--|\+=|-=|\*=|\/=|%=|&=|\|=|\^=|\*\*|<<|>>)/.exec(text.slice(i, i + 4));
    const t = op ? op[0] : c;
    push(t);
    i += t.length;
  }
  return out;
}

/** Whether two JavaScript texts have the same token stream (a tracked file copied, reformatted or with comments dropped). */
export function sameTokens(a: string, b: string): boolean {
  const x = jsTokens(a);
  const y = jsTokens(b);
  return x.length === y.length && x.every((t, i) => t === y[i]);
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Source map v3 `mappings`: per generated line, its segments [generated column, source index, source line, source column]. Undefined when malformed. */
export function decodeMappings(mappings: string): number[][][] | undefined {
  const lines: number[][][] = [];
  let src = 0;
  let srcLine = 0;
  let srcCol = 0;
  let name = 0;
  for (const line of mappings.split(';')) {
    const segs: number[][] = [];
    let col = 0;
    for (const seg of line.split(',')) {
      if (!seg) continue;
      const vals: number[] = [];
      let shift = 0;
      let value = 0;
      for (const ch of seg) {
        const d = B64.indexOf(ch);
        if (d < 0) return undefined;
        value += (d & 31) << shift;
        if (d & 32) shift += 5;
        else {
          vals.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      if (!vals.length || vals.length === 2 || vals.length === 3) return undefined;
      col += vals[0]!;
      if (vals.length >= 4) {
        src += vals[1]!;
        srcLine += vals[2]!;
        srcCol += vals[3]!;
        if (vals.length >= 5) name += vals[4]!;
        segs.push([col, src, srcLine, srcCol]);
      } else segs.push([col]);
    }
    lines.push(segs);
  }
  return lines;
}

export interface SourceMap {
  sources: string[];
  sourceRoot?: string;
  sourcesContent?: (string | null)[];
  mappings: string;
}

/** A parsed source map v3, or undefined. */
export function parseSourceMap(text: string): SourceMap | undefined {
  try {
    const v = JSON.parse(text.replace(/^\)\]\}'[^\n]*\n/, '')) as Record<string, unknown>;
    if (v.version !== 3 || !Array.isArray(v.sources) || typeof v.mappings !== 'string') return undefined;
    return {
      sources: v.sources.map(String),
      ...(typeof v.sourceRoot === 'string' ? { sourceRoot: v.sourceRoot } : {}),
      ...(Array.isArray(v.sourcesContent) ? { sourcesContent: v.sourcesContent.map((c) => (typeof c === 'string' ? c : null)) } : {}),
      mappings: v.mappings,
    };
  } catch {
    return undefined;
  }
}

/** The map an output names: `//# sourceMappingURL=URL` on its last lines (a relative path, or an inline base64 data URL). */
export function sourceMappingUrl(text: string): string | undefined {
  const m = /\/\/[#@] sourceMappingURL=(\S+)\s*$/.exec(text.slice(-65536)) ?? /\/\*[#@] sourceMappingURL=(\S+)\s*\*\/\s*$/.exec(text.slice(-65536));
  return m?.[1];
}

/** The inline map of a `data:application/json;base64,` URL, or undefined. */
export function inlineMap(url: string): string | undefined {
  const m = /^data:application\/json;(?:charset=[\w-]+;)?base64,([A-Za-z0-9+/=]+)$/.exec(url);
  return m ? Buffer.from(m[1]!, 'base64').toString('utf8') : undefined;
}

/** The text's lines with comments blanked (strings, template and regular-expression literals kept). */
/** A multi-line template literal with each later line that holds only literal text blanked (newlines kept). */
function templateText(lit: string): string {
  const lines: { text: string; code: boolean }[] = [{ text: '', code: true }];
  let depth = 0;
  for (let k = 0; k < lit.length; k++) {
    const ch = lit[k]!;
    if (ch === '\n') {
      lines.push({ text: '', code: depth > 0 });
      continue;
    }
    const cur = lines[lines.length - 1]!;
    cur.text += ch;
    if (ch === '\\' && depth === 0) {
      if (lit[k + 1] !== '\n') cur.text += lit[++k] ?? '';
      continue;
    }
    if (depth === 0 && ch === '$' && lit[k + 1] === '{') {
      cur.code = true;
      cur.text += lit[++k]!;
      depth = 1;
    } else if (depth > 0) {
      cur.code = true;
      if (ch === '{') depth++;
      else if (ch === '}') depth--;
    }
  }
  return lines.map((l, idx) => (idx === 0 || l.code ? l.text : l.text.replace(/./g, ' '))).join('\n');
}

export function codeLines(text: string): string[] {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '/' && text[i + 1] === '/') {
      while (i < n && !isLineTerminator(text[i])) i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < n && text[j] !== c && (c === '`' || text[j] !== '\n')) j += text[j] === '\\' ? 2 : 1;
      const lit = text.slice(i, j + 1);
      // A template literal over several lines: a later line that is string text only (a usage message) is copied by
      // compilers without a mapping and is blanked so that it counts as no code line; a line with any part of a
      // ${…} expression (or the expression's braces) is kept as code.
      out += c === '`' && lit.includes('\n') ? templateText(lit) : lit;
      i = j + 1;
      continue;
    }
    out += c;
    i++;
  }
  return out.split('\n');
}

const KEYWORDS = new Set('break case catch class const continue debugger default delete do else export extends false finally for function if import in instanceof let new null of return static super switch this throw true try typeof undefined var void while with yield async await get set from as'.split(' '));
/** Names compilers write that no source line has: CommonJS glue, tsc/Babel helpers and their parameters. */
const EMIT_NAMES = new Set(
  'exports module require Object defineProperty __esModule value enumerable get configurable writable prototype call apply hasOwnProperty create assign Symbol iterator toStringTag Promise Reflect mod desc k k2 o m v p s e t r n i d b a c g f y _ Array isArray length push default'.split(' '),
);
/** A helper block's first line: `var __awaiter = (this && this.__awaiter) || …`, `function _interopRequireDefault(…` … */
const HELPER_START = /^(?:var|let|const)\s+(_{1,2}[A-Za-z]\w*)\s*=|^function\s+_{1,2}[A-Za-z]\w*\s*\(/;

const identifiers = (line: string) => jsTokens(line).filter((t) => /^[A-Za-z_$][\w$]*$/.test(t));
const emitted = (id: string) => KEYWORDS.has(id) || EMIT_NAMES.has(id) || /^[\w$]+_\d+$/.test(id) || /^_{1,2}[A-Za-z]\w*$/.test(id);

/**
 * The names of a compiled file's code (comments and strings aside) that its source does not have and no compiler
 * writes: none for Babel's or tsc's output of that source (type annotations only removed, imports read as `_index.x`);
 * any other name — a call the source does not make — is listed. A declaration file (`declaration`) may also hold the
 * words tsc writes there (`declare`, and the primitive types it spells out for inferred ones), the standard library's
 * types (LIB_TYPES) and `inferred`: the names it spells as `import("./X").NAME` that ./X exports
 * (./npm-declaration.ts inferredTypeNames).
 */
export function foreignNames(output: string, source: string, declaration = false, inferred: ReadonlySet<string> = new Set()): string[] {
  const have = new Set([...identifiers(source), ...stringNames(source)]);
  return [...new Set([...identifiers(output), ...stringNames(output)])].filter(
    (id) => !emitted(id) && !have.has(id) && !(declaration && (DECLARATION_WORDS.has(id) || LIB_TYPES.has(id) || inferred.has(id))),
  );
}

/** A string literal's text without its quotes (escapes left as written: a name spelled with escapes is no name of the source). */
const stringBody = (t: string) => (/^(["'`]).*\1$/s.test(t) ? t.slice(1, -1) : undefined);
/** Tokens after which `[` opens a computed member access (`x[…]`, `f()[…]`, `a[0][…]`, `"s"[…]`), not an array literal. */
const MEMBER_BEFORE = (t: string) => t === ')' || t === ']' || t === 'this' || t === 'super' || stringBody(t) !== undefined || (/^[A-Za-z_$][\w$]*$/.test(t) && !KEYWORDS.has(t));

/**
 * Names a script spells as strings (red team 25): every word of the string literals inside a computed member access
 * (`require("fs")["appendFileSync"]`, `x["pro" + "cess"]`, `""["constructor"]`) and, as `module:NAME`, each module it
 * loads by a path that is not relative (`require("os")`, `import("fs")`, `from "child_process"`; a call with anything
 * but one string literal is `module:(computed)`). tsc and Babel copy
 * both from the source, so the names check compares them like identifiers; before, strings were set aside and a
 * compiled index reaching `fs` through `require("fs")["appendFileSync"]` held no name its source lacked.
 */
function stringNames(text: string): string[] {
  const tokens = jsTokens(text);
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === '[' && i > 0 && MEMBER_BEFORE(tokens[i - 1]!)) {
      for (let j = i + 1, depth = 1; j < tokens.length && depth; j++) {
        const u = tokens[j]!;
        if (u === '[') depth++;
        else if (u === ']') depth--;
        const body = stringBody(u);
        if (body !== undefined) out.push(...(body.match(/[A-Za-z_$][\w$]*/g) ?? []));
      }
    }
    if ((t === 'require' || t === 'import') && tokens[i + 1] === '(') {
      // a call with anything but one string (`require(("child_" + "process"))`) loads a module no name says
      const spec = tokens[i + 3] === ')' ? stringBody(tokens[i + 2]!) : undefined;
      if (spec === undefined) out.push('module:(computed)');
      else if (!/^\.{0,2}\//.test(spec)) out.push(`module:${spec}`);
    } else if (t === 'from' || t === 'import') {
      const spec = stringBody(tokens[i + 1] ?? '');
      if (spec !== undefined && !/^\.{0,2}\//.test(spec)) out.push(`module:${spec}`);
    }
  }
  return out;
}
/** What tsc writes into a declaration file (`export declare function`) beyond the source's own words. */
const DECLARATION_WORDS = new Set(['declare', 'type', 'interface', 'readonly', 'namespace', 'unique', 'symbol', 'any', 'unknown', 'never', 'string', 'number', 'boolean', 'object', 'bigint']);

/*
 * tsc's down-levelling lines (target ES5/ES2015: for-of over iterators with downlevelIteration, async functions and
 * generators as __generator state machines, class fields, private `#names`, `importHelpers`) are written without a
 * source-map segment. Each is accepted only in the exact shape tsc writes it, and every name in it is a compiler
 * temporary — `_a`…`_z`, `_0`…`_9` or a renamed `NAME_1`/`NAME_1_1` —, a tslib helper the file calls, a private-field
 * store `_Class_field` of a class and `#field` the sources declare, or a name the sources have; any other token (a
 * call, a global, a string) leaves the line unmapped. (rxjs 7.8.1 and mime 4.0.4, built by tsc 4.2/5.x.)
 */
const TEMP = String.raw`(?:_[a-z0-9]|[A-Za-z_$][\w$]*?_\d+(?:_\d+)?)`;
const exact = (re: string) => new RegExp(`^${re.replace(/T/g, TEMP).replace(/N/g, String.raw`\d+`)}$`);
/** Lines of the shapes anywhere in a function body. */
const DOWNLEVEL_LINES = [
  String.raw`try \{`,
  String.raw`finally \{`,
  String.raw`catch \((T)\) \{ (T) = \{ error: \1 \}; \}`,
  String.raw`finally \{ if \((T)\) throw \1\.error; \}`,
  String.raw`if \((T)\) throw \1\.error;`,
  String.raw`if \((T) && !\1\.done && \((T) = (T)\.return\)\) (?:yield |await )?\2\.call\(\3\);`,
  String.raw`return _super !== null && _super\.apply\(this, arguments\) \|\| this;`,
  String.raw`enumerable: (?:false|true),`,
  String.raw`configurable: true`,
  // a derived class's implicit constructor, written for its class fields (ES2015)
  String.raw`super\(\.\.\.arguments\);`,
  // an async function, an async generator: the body handed to the tslib helper
  String.raw`return __awaiter\(this, (?:void 0|arguments|_arguments), void 0, function\*? (?:[A-Za-z_$][\w$]*)?\(\) \{`,
  String.raw`return __asyncGenerator\(this, arguments, function\*? (?:[A-Za-z_$][\w$]*)?\(\) \{`,
].map(exact);
/** Lines of a __generator state machine: only after the file's `return __generator(this, function (_a) {`. */
const GENERATOR_LINES = [
  String.raw`switch \((T)\.label\) \{`,
  String.raw`(?:case N: )?return \[N(?:, N)?\];`,
  String.raw`(?:case N: )?return \[4, (T)\.next\(\)\];`,
  String.raw`(?:case N: )?return \[4, (T)\.call\((T)\)\];`,
  String.raw`(?:case N: )?return \[4, __await\((?:void 0|(T))\)\];`,
  String.raw`case N:`,
  String.raw`(T)\.label = N;`,
  String.raw`(T)\.trys\.push\(\[N,(?: N)?, N, N\]\);`,
  String.raw`(?:(T) = )?(T)\.sent\(\);`,
  String.raw`(T) = \{ error: (T) \};`,
  String.raw`(T) = (T)\.next\(\);`,
  String.raw`if \(!!?(T)\.done\) return \[3, N\];`,
  String.raw`if \(!\((T) = (T)\.sent\(\), !\1\.done\)\) return \[3, N\];`,
  String.raw`if \(!\((T) && !\1\.done && \((T) = (T)\.return\)\)\) return \[3, N\];`,
].map(exact);
const GENERATOR_START = exact(String.raw`return __generator\(this, function \((T)\) \{`);
const TSLIB_IMPORT = /^import \{ (__[A-Za-z]+(?:, __[A-Za-z]+)*) \} from "tslib";$/;
const HOISTED_VARS = /^var ([A-Za-z_$][\w$]*(?: = this)?(?:, [A-Za-z_$][\w$]*(?: = this)?)*);$/;
const PRIVATE_STORES = /^((?:_[A-Za-z$][\w$]*_[A-Za-z$][\w$]* = new Weak(?:Map|Set)\(\)(?:, )?)+);$/;

/** What the down-levelling rules need of the file: the names the sources have, the private stores they declare. */
interface DownlevelContext {
  names: Set<string>;
  privateStores: Set<string>;
  exportedClasses: Set<string>;
  code: string[];
  generatorFrom: number;
  /** The sources' texts (embedded or tracked). */
  texts: readonly string[];
}

function downlevelContext(code: string[], sources: readonly string[]): DownlevelContext {
  const names = new Set<string>();
  const privateStores = new Set<string>();
  const exportedClasses = new Set<string>();
  for (const s of sources) {
    for (const m of s.matchAll(/\bexport\s+(?:abstract\s+)?class\s+([A-Za-z_$][\w$]*)/g)) exportedClasses.add(m[1]!);
    for (const id of identifiers(s)) names.add(id);
    const classes = [...s.matchAll(/\bclass\s+([A-Za-z_$][\w$]*)/g)].map((m) => m[1]!);
    const fields = [...s.matchAll(/(?<![\w$])#([A-Za-z_$][\w$]*)/g)].map((m) => m[1]!);
    for (const c of classes) for (const f of fields) privateStores.add(`_${c}_${f}`).add(`_${c}_instances`);
  }
  const generatorFrom = code.findIndex((l) => GENERATOR_START.test(l.trim()));
  return { names, privateStores, exportedClasses, code, generatorFrom: generatorFrom < 0 ? Infinity : generatorFrom, texts: sources };
}

/*
 * Babel's rest-parameter transform (@babel/plugin-transform-parameters, in preset-env for ES5 targets) replaces
 * `function f(a, ...rest)` by a loop copying `arguments` that it writes without a source-map segment (holdout32:
 * superstruct 0.16.7's lib/index.{cjs,mjs}, `assign(...Structs)`):
 *   for (var _len = arguments.length, rest = new Array(_len > 1 ? _len - 1 : 0), _key = 1; _key < _len; _key++) {
 *     rest[_key - 1] = arguments[_key];
 * Both lines are accepted only in this exact shape (`_lenN`/`_keyN` of one number, the offset the same in all four
 * places), the copy only right after its loop, and only for a name the sources write as `(...rest` or `, ...rest`
 * followed by `)` or a type annotation (a rest parameter; a spread argument is not told apart, and either way the two
 * lines only copy `arguments` into that local array): anything else on either line stays unmapped.
 */
const REST_LOOP = /^for \(var _len(\d*) = arguments\.length, ([A-Za-z_$][\w$]*) = new Array\((?:_len\1|_len\1 > (\d+) \? _len\1 - \3 : 0)\), _key\1 = (\d+); _key\1 < _len\1; _key\1\+\+\) \{$/;
const REST_COPY = /^([A-Za-z_$][\w$]*)\[_key(\d*)(?: - (\d+))?\] = arguments\[_key\2\];$/;

/** The rest-parameter loop `t` (see REST_LOOP) when it is exact: its name, counter suffix and offset. */
function restLoop(t: string, ctx: DownlevelContext): { name: string; n: string; offset: string } | undefined {
  const m = REST_LOOP.exec(t);
  if (!m || (m[3] ?? '0') !== m[4] || m[4] === '0' && m[3] !== undefined) return undefined;
  const name = m[2]!;
  const esc = name.replace(/\$/g, '\\$');
  const rest = new RegExp(`[(,]\\s*\\.\\.\\.${esc}\\s*[:)]`);
  return ctx.texts.some((s) => rest.test(s)) ? { name, n: m[1]!, offset: m[4]! } : undefined;
}

/**
 * Whether code line `i` (trimmed) is one of Babel's two rest-parameter lines (see REST_LOOP). Babel maps both to the
 * function's first line, whose text lacks `arguments` and `Array`, so they are judged by their shape whether or not
 * they carry segments.
 */
function restParameterLine(l: string, i: number, ctx: DownlevelContext): boolean {
  const t = l.replace(/\s+/g, ' ');
  if (restLoop(t, ctx)) return true;
  const m = REST_COPY.exec(t);
  if (!m) return false;
  const loop = i > 0 ? restLoop(ctx.code[i - 1]!.trim().replace(/\s+/g, ' '), ctx) : undefined;
  return !!loop && loop.name === m[1] && loop.n === m[2] && loop.offset === (m[3] ?? '0') && m[3] !== '0';
}

const TEMP_NAME = new RegExp(`^${TEMP}$`);
/** Temporaries no source name can be: `_a`, `e_1` (a for-of's error), `x_1_1` (its iterator result), `out_i_1`. */
const STRICT_TEMP = /^(?:_[a-z0-9]|e_\d+|[A-Za-z_$][\w$]*_\d+_\d+|out_[A-Za-z_$][\w$]*_\d+)$/;

/** Whether code line `i` (trimmed, comments blanked) is one of tsc's down-levelling lines in its exact shape. */
function downlevelled(l: string, i: number, ctx: DownlevelContext): boolean {
  const t = l.replace(/\s+/g, ' ').replace(/ ([,\]])/g, '$1');
  let m: RegExpExecArray | null;
  if (DOWNLEVEL_LINES.some((re) => re.test(t))) return true;
  if (i >= ctx.generatorFrom && (GENERATOR_START.test(t) || GENERATOR_LINES.some((re) => re.test(t)))) return true;
  // a loop body tsc moved into a function (a closure captures a loop variable), called where the body was
  if (/^_loop_\d+\(\);$/.test(t)) return ctx.code.some((x) => x.trim().startsWith(`var ${t.slice(0, -3)} = function (`));
  // an ES5 class's export after its `var NAME = /** @class */ (function (_super) { … }(…));`, exported by the source
  m = /^export \{ ([A-Za-z_$][\w$]*(?:, [A-Za-z_$][\w$]*)*) \};$/.exec(t);
  if (m) return m[1]!.split(', ').every((n) => ctx.code.some((x) => x.startsWith(`var ${n} = `)) && ctx.exportedClasses.has(n));
  // a constructor's last statement after `var _this = _super.call(this, …) || this;`
  if (t === 'return _this;') {
    const next = ctx.code.slice(i + 1).find((x) => x.trim());
    return !!next && /^\}/.test(next.trim()) && ctx.code.slice(0, i).some((x) => /^\s*var _this = /.test(x));
  }
  m = TSLIB_IMPORT.exec(t);
  if (m) {
    const rest = ctx.code.filter((_, j) => j !== i).join('\n');
    return m[1]!.split(', ').every((h) => new RegExp(`(?<![\\w$.])${h.replace(/\$/g, '\\$')}\\(`).test(rest));
  }
  // temporaries declared at the top of their function: `var _a, _b;`, `var e_1, _a;`, `var this_1 = this, out_i_1;`;
  // right before `return __generator(…)` (after other such lines) tsc also hoists the function's own locals there (`var reader, _a, value;`)
  m = HOISTED_VARS.exec(t);
  if (m) {
    const next = ctx.code.slice(i + 1).find((x) => x.trim() && !HOISTED_VARS.test(x.trim()));
    const hoist = !!next && next.trim().startsWith('return __generator(');
    const decl = m[1]!.split(', ');
    return decl.every((d) => {
      const [name, init] = d.split(' = ');
      if (init !== undefined) return /^this_\d+$/.test(name!);
      // a for-await's iterator `x_1` beside its result `x_1_1`
      if (/_\d+$/.test(name!) && decl.some((o) => new RegExp(`^${name!.replace(/\$/g, '\\$')}_\\d+$`).test(o))) return true;
      return STRICT_TEMP.test(name!) || ctx.privateStores.has(name!) || (hoist && (TEMP_NAME.test(name!) || ctx.names.has(name!)));
    });
  }
  m = PRIVATE_STORES.exec(t);
  if (m) return m[1]!.split(', ').every((d) => ctx.privateStores.has(d.split(' = ')[0]!));
  return false;
}

/**
 * The aliases of a source's named imports, local name → imported name: `import { promises as fsPromises } from
 * './fs.js'` gives fsPromises → promises (tsc's CommonJS output writes `fs_js_1.promises` where the source says
 * `fsPromises`: rimraf 5.0.5's dist/commonjs/rimraf-move-remove.js). Only `import { … } from` lists are read.
 */
export function importAliases(source: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of source.matchAll(/\bimport\s+(?:type\s+)?(?:[A-Za-z_$][\w$]*\s*,\s*)?\{([^}]*)\}\s*from\b/g)) {
    for (const part of m[1]!.split(',')) {
      const a = /^\s*(?:type\s+)?([A-Za-z_$][\w$]*)\s+as\s+([A-Za-z_$][\w$]*)\s*$/.exec(part.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, ''));
      if (a && a[1] !== 'default') out.set(a[2]!, a[1]!);
    }
  }
  return out;
}

/**
 * The aliases of re-export lists, exported name → local name: `export { DRAFTABLE as immerable } from "./internal"`
 * gives immerable → DRAFTABLE. A bundler resolves an import of `immerable` through that list to the binding itself,
 * so the output line writes `DRAFTABLE` where the importing source line says `immerable` (immer 10.1.1's esbuild
 * bundles, src/plugins/patches.ts). Only `export { … }` lists of the sources are read. A listed name the same source
 * imported under an alias (`import { getValue as consumeTag } from "./autotracking"` then `export { consumeTag }`) is
 * resolved the same way to the imported binding: consumeTag → getValue (reselect 5.1.1's src/autotrackMemoize/
 * tracking.ts, whose importer proxy.ts calls `consumeTag(tag)` and esbuild writes `getValue(tag)`, holdout30).
 */
export function reexportAliases(sources: readonly string[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (name: string, local: string) => out.set(name, (out.get(name) ?? new Set<string>()).add(local));
  for (const source of sources) {
    const imported = importAliases(source);
    for (const m of source.matchAll(/\bexport\s+(?:type\s+)?\{([^}]*)\}/g)) {
      for (const part of m[1]!.split(',')) {
        const a = /^\s*(?:type\s+)?([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?\s*$/.exec(part.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, ''));
        if (!a || a[1] === 'default' || a[2] === 'default') continue;
        const name = a[2] ?? a[1]!;
        if (a[2] !== undefined) add(name, a[1]!);
        // a re-export list without `from` names the source's own bindings: an aliased import resolves to what it imports
        const binding = /^\s*from\b/.test(source.slice(m.index! + m[0].length, m.index! + m[0].length + 16)) ? undefined : imported.get(a[1]!);
        if (binding !== undefined) add(name, binding);
      }
    }
  }
  return out;
}

/**
 * esbuild's renaming: a top-level name two bundled modules both declare, or a local that shadows one, is written
 * as NAME2, NAME3 … (immer 10.1.1: `Immer2`, `isSet2`, `current2`, `immer2`). A name of a mapped line is taken as
 * its source line's NAME when it is NAME plus a number from 2 on and no source has that numbered name itself (then
 * the name is a binding of its own and must be matched as it is).
 */
function esbuildRenamed(id: string, names: ReadonlySet<string>, sourceNames: ReadonlySet<string>): boolean {
  const m = /^([A-Za-z_$](?:[\w$]*[A-Za-z_$])?)([2-9]|[1-9]\d+)$/.exec(id);
  return !!m && names.has(m[1]!) && !sourceNames.has(id);
}

/**
 * The lines of esbuild's export glue, each in its exact shape (immer 10.1.1's bundles, esbuild via tsup). CommonJS
 * (dist/cjs/*.development.js; esbuild maps these lines to the entry's first line, or not at all):
 *
 *   var X_exports = {};
 *   __export(X_exports, {
 *     KEY: () => LOCAL,            one a line
 *   });
 *   module.exports = __toCommonJS(X_exports);
 *   0 && (module.exports = {       the annotation for Node's CommonJS export scanner, after the code:
 *     KEY,                         only keys of the __export block
 *   });
 *
 * ES module (dist/*.mjs, unmapped): the bundle's last statement `export {` with `LOCAL as KEY,` or `KEY,` lines and `};`.
 *
 * KEY must be a name the sources export (`export function KEY`, `export { … KEY }`), LOCAL the name itself, its
 * esbuild rename (KEY2), or the local name of a source's `export { LOCAL as KEY }`. Returns the 0-based indexes of
 * those lines; a block with any other line is not glue (its lines stay counted).
 */
function esbuildExportGlue(code: readonly string[], sources: readonly string[], aliases: ReadonlyMap<string, ReadonlySet<string>>, sourceNames: ReadonlySet<string>): Set<number> {
  const out = new Set<number>();
  const exported = new Set<string>();
  for (const s of sources) {
    for (const m of s.matchAll(/\bexport\s+(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|class|const|let|var|enum)\s+([A-Za-z_$][\w$]*)/g)) exported.add(m[1]!);
    for (const m of s.matchAll(/\bexport\s+(?:type\s+)?\{([^}]*)\}/g)) {
      for (const part of m[1]!.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '').split(',')) {
        const n = /([A-Za-z_$][\w$]*)\s*$/.exec(part.trim())?.[1];
        if (n) exported.add(n);
      }
    }
  }
  const exportsAs = (key: string, local: string) =>
    exported.has(key) && (local === key || !!aliases.get(key)?.has(local) || esbuildRenamed(local, new Set([key, ...(aliases.get(key) ?? [])]), sourceNames));
  const t = (i: number) => (code[i] ?? '').trim();
  const keys = new Set<string>();
  /** The lines from `from` on of one entry shape up to `close`; the keys, or undefined when another line comes first. */
  const entries = (from: number, re: RegExp, close: string): { end: number; keys: string[] } | undefined => {
    const found: string[] = [];
    let j = from;
    for (; j < code.length && t(j) !== close; j++) {
      const e = re.exec(t(j));
      if (!e) return undefined;
      const local = e.groups!.local!;
      const key = e.groups!.key ?? local;
      if (!exportsAs(key, local)) return undefined;
      found.push(key);
    }
    return j < code.length && found.length ? { end: j, keys: found } : undefined;
  };
  for (let i = 0; i < code.length; i++) {
    const v = /^var ([A-Za-z_$][\w$]*_exports) = \{\};$/.exec(t(i));
    if (v && t(i + 1) === `__export(${v[1]}, {`) {
      const r = entries(i + 2, /^(?<key>[A-Za-z_$][\w$]*): \(\) => (?<local>[A-Za-z_$][\w$]*),?$/, '});');
      if (!r) continue;
      for (let k = i; k <= r.end; k++) out.add(k);
      for (const k of r.keys) keys.add(k);
      const req = code.findIndex((l, k) => k > r.end && l.trim() === `module.exports = __toCommonJS(${v[1]});`);
      if (req >= 0) out.add(req);
    }
    if (t(i) === 'export {') {
      const r = entries(i + 1, /^(?<local>[A-Za-z_$][\w$]*)(?: as (?<key>[A-Za-z_$][\w$]*))?,?$/, '};');
      if (r && code.slice(r.end + 1).every((l) => !l.trim())) for (let k = i; k <= r.end; k++) out.add(k);
    }
  }
  if (!keys.size) return out;
  for (let i = 0; i < code.length; i++) {
    if (t(i) !== '0 && (module.exports = {') continue;
    let j = i + 1;
    while (j < code.length && /^[A-Za-z_$][\w$]*,?$/.test(t(j)) && keys.has(t(j).replace(/,$/, ''))) j++;
    if (j > i + 1 && t(j) === '});') for (let k = i; k <= j; k++) out.add(k);
  }
  return out;
}

/**
 * rollup's UMD wrapper as terser minifies it (rollup 2's and 3's `umd` output, microbundle's `-f umd`: mitt 3.0.1's
 * dist/mitt.umd.js), the one part of the bundle's first line no mapping covers: `!function(G,F){"object"==typeof
 * exports&&"undefined"!=typeof module?module.exports=F():"function"==typeof define&&define.amd?define(F):(G=G||self)
 * .NAME=F()}(this,function(){` — `(G="undefined"!=typeof globalThis?globalThis:G||self)` since rollup 2.x, the factory
 * in parentheses since rollup 3. Only the shape of a bundle without dependencies (no `require(…)`, no `define([…])`,
 * no argument to the factory): a wrapper that loads a module, or does anything else, is no match and its names count.
 */
const UMD_WRAPPER =
  /^!function\(([A-Za-z_$][\w$]*),([A-Za-z_$][\w$]*)\)\{"object"==typeof exports&&"undefined"!=typeof module\?module\.exports=\2\(\):"function"==typeof define&&define\.amd\?define\(\2\):\(\1=(?:"undefined"!=typeof globalThis\?globalThis:)?\1\|\|self\)\.([A-Za-z_$][\w$]*)=\2\(\)\}\(this,\(?function\(\)\{/;

/**
 * The factory part of a minified UMD bundle's first line: the line after rollup's wrapper (UMD_WRAPPER), when the
 * global it assigns, NAME, is a function, class or variable an embedded source declares (microbundle's default name is
 * the package's, rollup's `output.name` the config's: the bundle's export) — so the wrapper can neither load a module
 * nor overwrite another global (`fetch`, `JSON`). Otherwise the line itself.
 */
export function umdFactoryLine(line: string, sources: readonly string[]): string {
  const m = UMD_WRAPPER.exec(line);
  if (!m || m[1] === m[2]) return line;
  const name = m[3]!.replace(/\$/g, '\\$');
  const declares = new RegExp(`(?:^|[^\\w$.])(?:function\\s*\\*?|class|const|let|var)\\s+${name}(?![\\w$])`);
  return sources.some((s) => declares.test(s)) ? line.slice(m[0].length) : line;
}

/** Names the sources export (`export function X`, `export class X`, `export { A, B as C }`: C) and the local names of their
 * default export (`export default X;`, `export default function X`, `export default class X`, `export { X as default }`). */
export function sourceExports(sources: readonly string[]): { exported: Set<string>; defaults: Set<string> } {
  const exported = new Set<string>();
  const defaults = new Set<string>();
  for (const s of sources) {
    for (const m of s.matchAll(/\bexport\s+(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|class|const|let|var|enum)\s+([A-Za-z_$][\w$]*)/g)) exported.add(m[1]!);
    for (const m of s.matchAll(/\bexport\s+default\s+(?:(?:async\s+)?function\s*\*?\s*|(?:abstract\s+)?class\s+)?([A-Za-z_$][\w$]*)/g)) if (!['function', 'class', 'async', 'abstract'].includes(m[1]!)) defaults.add(m[1]!);
    for (const m of s.matchAll(/\bexport\s+(?:type\s+)?\{([^}]*)\}/g)) {
      for (const part of m[1]!.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '').split(',')) {
        const a = /^\s*(?:type\s+)?([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?\s*$/.exec(part);
        if (!a) continue;
        if (a[2] === 'default') defaults.add(a[1]!);
        else exported.add(a[2] ?? a[1]!);
      }
    }
  }
  return { exported, defaults };
}

/** The bare module specifiers the sources import (`import … from 'x'`, `import 'x'`, `require('x')`, `export … from 'x'`) and,
 * per specifier, the names they import from it by name (`import { a, b as c } from 'x'`: a and b). Relative paths aside. */
export function sourceImports(sources: readonly string[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const bare = (spec: string) => !/^[./]/.test(spec);
  for (const s of sources) {
    for (const m of s.matchAll(/\b(?:import|export)\s+(?:type\s+)?([^'";]*?)\s*from\s*(['"])([^'"\n]+)\2|\bimport\s*(['"])([^'"\n]+)\4|\brequire\(\s*(['"])([^'"\n]+)\6\s*\)/g)) {
      const spec = m[3] ?? m[5] ?? m[7]!;
      if (!bare(spec)) continue;
      const names = out.get(spec) ?? new Set<string>();
      out.set(spec, names);
      const list = /\{([^}]*)\}/.exec(m[1] ?? '')?.[1];
      for (const part of (list ?? '').split(',')) {
        const a = /^\s*(?:type\s+)?([A-Za-z_$][\w$]*)/.exec(part);
        if (a) names.add(a[1]!);
      }
    }
  }
  return out;
}

/** Globals a UMD bundle's namespace object must not replace: the runtime's own (`JSON`, `fetch`, `process` …) and a browser's. */
const BROWSER_GLOBALS = new Set('window self document location navigator history localStorage sessionStorage fetch XMLHttpRequest WebSocket Worker indexedDB crypto console top parent frames opener name alert eval Function Object Array JSON Promise Proxy Reflect'.split(' '));
const replacesGlobal = (name: string) => BROWSER_GLOBALS.has(name) || name in globalThis;

const UMD_HEAD: readonly RegExp[] = [
  /^\(function \(global, factory\) \{$/,
  /^typeof exports === 'object' && typeof module !== 'undefined' \? (?:(?<d>module\.exports = factory\(\))|(?<n>factory\(exports\))) :$/,
  /^typeof define === 'function' && define\.amd \? define\((?:(?<d>factory)|(?<n>\['exports'\], factory))\) :$/,
  /^\(global = (?:typeof globalThis !== 'undefined' \? globalThis : )?global \|\| self, (?:(?<d>global\.(?<dn>[A-Za-z_$][\w$]*) = factory\(\))|(?<n>factory\(global\.(?<nn>[A-Za-z_$][\w$]*) = \{\}\)))\);$/,
  /^\}\)?\(this, \(?function \((?:(?<n>exports)|(?<d>))\) \{(?: 'use strict';)?$/,
];

/**
 * The lines of rollup's module-format glue in a bundle that is not minified (rollup 2–4's `cjs`, `es` and `umd` output:
 * magic-string 0.30.17's dist/magic-string.{cjs.js,es.mjs,umd.js}, superstruct 1.0.4's dist/index.{cjs,mjs}; holdout27),
 * which no mapping covers, each in its exact shape and each only re-stating what the sources say:
 *
 *   var NAME = require('SPEC');          an external the sources import (`import { x } from 'SPEC'`): NAME is the
 *                                         binding rollup reads `x` through (`NAME.x` on mapped lines: `bindings`)
 *   import { a, b as c } from 'SPEC';    an external the sources import, each of a, b a name they import from it
 *   import NAME from 'SPEC';             (default / namespace: the sources import SPEC)
 *   exports.KEY = LOCAL;                 KEY a name the sources export and LOCAL that name, or KEY `default` and LOCAL
 *   module.exports = LOCAL;              the sources' default export (`exports: 'default'`)
 *   export { A, B as default, C as D };  every local a name of the sources exported under that key (or their default)
 *   export default LOCAL;
 *   the UMD wrapper's five lines          `(function (global, factory) {` … `})(this, (function () { 'use strict';`, either
 *                                         the default form (`module.exports = factory()`, `define(factory)`, `global.NAME =
 *                                         factory()`, NAME declared by a source) or the named form (`factory(exports)`,
 *                                         `define(['exports'], factory)`, `factory(global.NAME = {})`, NAME no global of
 *                                         the runtime or a browser) — never one that loads a module — and, in the default
 *                                         form, `return LOCAL;` (the default export) as the factory's last statement.
 *
 * `sources`: the embedded sources and git's files of the sources the map names. Any other line, a specifier the sources
 * never import, a name they do not export, a wrapper passing a dependency, is no glue: its names count as before.
 */
export function rollupFormatGlue(code: readonly string[], sources: readonly string[]): { lines: Set<number>; bindings: Set<string> } {
  const lines = new Set<number>();
  const bindings = new Set<string>();
  if (!sources.length) return { lines, bindings };
  const { exported, defaults } = sourceExports(sources);
  const imports = sourceImports(sources);
  const declared = (name: string) => {
    const re = new RegExp(`(?:^|[^\\w$.])(?:function\\s*\\*?|class|const|let|var)\\s+${name.replace(/\$/g, '\\$')}(?![\\w$])`);
    return sources.some((s) => re.test(s));
  };
  // a default export re-exported under its own name (magic-string's entry re-exports Bundle.js's default as Bundle; an entry the
  // map may leave out, as it emits no code) is exported as that name
  const exportsAs = (key: string, local: string) =>
    key === 'default' ? defaults.has(local) : (exported.has(key) && (local === key || declared(local))) || (key === local && defaults.has(local));
  const t = (i: number) => (code[i] ?? '').trim();
  const first = code.findIndex((x) => x.trim() !== '');
  let umd: 'd' | 'n' | undefined;
  if (first >= 0) {
    const heads = UMD_HEAD.map((re, k) => re.exec(t(first + k)));
    const form = heads.every((h) => h) ? heads.map((h) => (h!.groups?.d !== undefined ? 'd' : h!.groups?.n !== undefined ? 'n' : '')) : [];
    const kinds = new Set(form.filter(Boolean));
    if (kinds.size === 1) {
      const kind = [...kinds][0] as 'd' | 'n';
      const name = heads[3]!.groups!.dn ?? heads[3]!.groups!.nn!;
      if (kind === 'd' ? declared(name) : !replacesGlobal(name)) {
        umd = kind;
        for (let k = 0; k < UMD_HEAD.length; k++) lines.add(first + k);
      }
    }
  }
  const last = code.reduce((at, x, i) => (/^[\s{}()[\];,]*$/.test(x) ? at : i), -1);
  for (let i = 0; i < code.length; i++) {
    const l = t(i);
    let m = /^var ([A-Za-z_$][\w$]*) = require\('([^'\\]+)'\);$/.exec(l);
    if (m && imports.has(m[2]!)) {
      lines.add(i);
      bindings.add(m[1]!);
      continue;
    }
    m = /^import (?:\{([^}]*)\}|(?:\* as )?[A-Za-z_$][\w$]*) from '([^'\\]+)';$/.exec(l);
    if (m && imports.has(m[2]!)) {
      const wanted = imports.get(m[2]!)!;
      const named = m[1] === undefined ? [] : m[1].split(',').map((p) => /^\s*([A-Za-z_$][\w$]*)(?:\s+as\s+[A-Za-z_$][\w$]*)?\s*$/.exec(p)?.[1]);
      if (named.every((n) => n !== undefined && wanted.has(n))) lines.add(i);
      continue;
    }
    m = /^exports\.([A-Za-z_$][\w$]*) = ([A-Za-z_$][\w$]*);$/.exec(l);
    if (m && exportsAs(m[1]!, m[2]!)) {
      lines.add(i);
      continue;
    }
    m = /^(?:module\.exports = |export default )([A-Za-z_$][\w$]*);$/.exec(l);
    if (m && defaults.has(m[1]!)) {
      lines.add(i);
      continue;
    }
    m = /^export \{([^}]*)\};$/.exec(l);
    if (m) {
      const parts = m[1]!.split(',').map((p) => /^\s*([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?\s*$/.exec(p));
      if (parts.length && parts.every((p) => p && exportsAs(p[2] ?? p[1]!, p[1]!))) lines.add(i);
      continue;
    }
    m = /^return ([A-Za-z_$][\w$]*);$/.exec(l);
    if (m && umd === 'd' && i === last && defaults.has(m[1]!)) lines.add(i);
  }
  return { lines, bindings };
}

/**
 * The 1-based lines of `output` that hold code no mapping accounts for: no segment at all (lines that are
 * only brackets, directives, the `__esModule` marker, `exports.x = void 0`, a compiler helper block or one of tsc's
 * down-levelling lines above are exempt), or a name that none of the source lines its segments map to has
 * (compiler glue names aside). `sources` are the map's embedded sources (null when absent: then only the first
 * check runs); `tracked` are git's files of the sources the map names, for a map without embedded sources: the
 * shebang and the down-levelling rules read them (the name check does not: nothing proves they were compiled).
 */
export function unmappedCodeLines(output: string, lines: number[][][], sources: readonly (string | null | undefined)[] = [], tracked: readonly string[] = []): number[] {
  const out: number[] = [];
  const code = codeLines(output);
  const srcLines = sources.map((s) => (typeof s === 'string' ? codeLines(s) : undefined));
  const aliases = sources.map((s) => (typeof s === 'string' ? importAliases(s) : undefined));
  const texts = [...sources.filter((s): s is string => typeof s === 'string'), ...tracked];
  let dl: DownlevelContext | undefined;
  let helperDepth = 0;
  const embedded = sources.filter((s): s is string => typeof s === 'string');
  const reexports = reexportAliases(embedded);
  const sourceNames = new Set(embedded.flatMap((s) => identifiers(s)));
  const glue = embedded.length ? esbuildExportGlue(code, embedded, reexports, sourceNames) : new Set<number>();
  const rollup = rollupFormatGlue(code, texts);
  const first = code.findIndex((x) => x.trim() !== '');
  code.forEach((raw, i) => {
    // a minified UMD bundle: rollup's wrapper before the first mapping of its first line is the bundler's (UMD_WRAPPER)
    const l = i === first && lines[i]?.length ? umdFactoryLine(raw.trim(), embedded) : raw.trim();
    if (glue.has(i) || rollup.lines.has(i)) return;
    if (helperDepth > 0 || (HELPER_START.test(l) && !(lines[i]?.length))) {
      for (const ch of l) helperDepth += ch === '{' || ch === '(' ? 1 : ch === '}' || ch === ')' ? -1 : 0;
      if (helperDepth < 0) helperDepth = 0;
      return;
    }
    if (!l || /^[\s{}()[\];,]*$/.test(l)) return;
    // the shebang tsc copies from the source: exactly the first line of an embedded (or the tracked) source
    if (i === 0 && l.startsWith('#!') && texts.some((s) => s.split('\n', 1)[0] === raw)) return;
    if (restParameterLine(l, i, (dl ??= downlevelContext(code, texts)))) return;
    if (!(lines[i]?.length) && downlevelled(l, i, dl)) return;
    // tsc writes the `else` of a `} else` on a line of its own without a mapping (glob 10.3.10's dist/commonjs/ignore.js):
    // the keyword and brackets alone carry no code; anything after it is code and is counted
    if (/^\}?\s*else\s*\{?$/.test(l)) return;
    if (/^["']use strict["'];?$/.test(l) || /^Object\.defineProperty\(exports, (["'])__esModule\1, \{ value: true \}\);$/.test(l) || /^export \{\};?$/.test(l) || /^exports\.[\w$]+ = (?:exports\.[\w$]+ = )*void 0;$/.test(l)) return;
    const segs = lines[i] ?? [];
    if (!segs.length) {
      out.push(i + 1);
      return;
    }
    const names = new Set<string>();
    let known = false;
    for (const seg of segs) {
      if (seg.length < 4) continue;
      const text = srcLines[seg[1]!]?.[seg[2]!];
      if (text === undefined) continue;
      known = true;
      for (const id of identifiers(text)) {
        names.add(id);
        // tsc's CommonJS output reads an aliased import (`import { promises as fsPromises }`) as `m_1.promises`
        const imported = aliases[seg[1]!]?.get(id);
        if (imported) names.add(imported);
        // a bundler resolves a re-exported alias (`export { DRAFTABLE as immerable }`) to the binding itself
        for (const local of reexports.get(imported ?? id) ?? []) names.add(local);
      }
    }
    if (known && identifiers(l).some((id) => !emitted(id) && !names.has(id) && !esbuildRenamed(id, names, sourceNames) && !rollup.bindings.has(id))) out.push(i + 1);
  });
  return out;
}

export type Capability = NpmCapability;

const CAPABILITIES: [Capability, RegExp][] = [
  ['child-process', /\bchild_process\b|\bexecSync\s*\(|\bspawnSync\s*\(/],
  ['eval', /(?<![\w$.])eval\s*\(|\bnew\s+Function\s*\(|\bvm\.(?:runIn\w+|Script|compileFunction)\b/],
  ['base64-decode', /\batob\s*\(|Buffer\.from\s*\([^)]*['"]base64['"]|\bfromBase64\b/],
  ['network', /(?<![\w$.])fetch\s*\(|\bhttps?\.(?:request|get)\s*\(|\bnet\.(?:connect|createConnection|Socket)\b|\bdgram\b|\bnew\s+WebSocket\b|\bXMLHttpRequest\b|require\(\s*['"](?:node:)?(?:https?|net|dgram|tls)['"]\s*\)|from\s+['"](?:node:)?(?:https?|net|dgram|tls)['"]/],
  ['native-code', /\bprocess\.(?:dlopen|binding)\s*\(/],
];

/** The capabilities a script's text uses (see the module comment). */
export function capabilitiesOf(text: string): Capability[] {
  return CAPABILITIES.filter(([, re]) => re.test(text)).map(([c]) => c);
}
