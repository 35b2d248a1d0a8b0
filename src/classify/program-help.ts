/**
 * A program's own `--version` / `--help` output, saved by a tracked make rule at release time (issue 11 d):
 * bison's doc/bison.help (`tests/bison --version; tests/bison --help | sed …`, doc/local.mk), shipped so that
 * the manual and the man page can be made without running the program. The program is built from tracked C
 * sources, so every line it prints is a string of those sources; nothing is compiled or run here. The rule
 * must be a tracked one whose target is the file and whose recipe runs `--help`; the C sources read are those
 * of the directories of the rule's prerequisites (src/bison → src/*.c, src/*.h). Each line of the file must
 * then be one of:
 *   - blank;
 *   - a line of a C string literal of those sources (adjacent literals concatenated, escapes decoded), or one
 *     with printf conversions (%s, %d) where each conversion is a value the tracked configure.ac gives
 *     (AC_INIT's arguments, AC_SUBST/AC_DEFINE values), the release version, or the program's name;
 *   - a usage-table line as gnulib's argmatch prints one: two spaces, keys joined by ", " — each the first
 *     string of a `{ "KEY", … }` initializer of those sources — and the documentation string the sources pair
 *     with the first key (`{ "KEY", N_("DOC") }`), after padding on the same line or alone on the next line.
 * and the literal and formatted lines keep the order of the sources' strings (traceHelp).
 * One line that is none of these leaves the file to the other classifiers (high when nothing else explains it).
 */
import { makeFinding } from '../core/severity.js';
import { findConstructs } from './suspicious.js';
import { rulesFor } from './make-stamp.js';
import { baseOf, dirOf, pathsBy } from './paths.js';
import type { Classifier, ClassifyContext } from './types.js';
import { admits } from './precheck.js';

const MAX_BYTES = 256 * 1024;
const MAX_SOURCES = 2000;
const C_SOURCE = /\.(?:c|h)$/;

function unescapeC(s: string): string {
  return s.replace(/\\(?:([0-7]{1,3})|x([0-9a-fA-F]{1,2})|(.))/gs, (_, oct: string | undefined, hex: string | undefined, c: string | undefined) => {
    if (oct !== undefined) return String.fromCharCode(parseInt(oct, 8));
    if (hex !== undefined) return String.fromCharCode(parseInt(hex, 16));
    return c === 'n' ? '\n' : c === 't' ? '\t' : c === '\n' ? '' : c === 'a' ? '\x07' : c === 'r' ? '\r' : c!;
  });
}

/** The string literals of a C text, adjacent ones (only blanks or comments between) concatenated. */
export function stringLiterals(c: string): string[] {
  const out: string[] = [];
  let cur: string | undefined;
  let i = 0;
  while (i < c.length) {
    const ch = c[i]!;
    if (ch === '/' && c[i + 1] === '*') {
      const end = c.indexOf('*/', i + 2);
      i = end < 0 ? c.length : end + 2;
      continue;
    }
    if (ch === '/' && c[i + 1] === '/') {
      const end = c.indexOf('\n', i);
      i = end < 0 ? c.length : end;
      continue;
    }
    if (ch === "'") {
      const m = /^'(?:[^'\\\n]|\\.)*'/.exec(c.slice(i, i + 12));
      i += m ? m[0].length : 1;
      if (cur !== undefined) (out.push(cur), (cur = undefined));
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      while (j < c.length && c[j] !== '"') j += c[j] === '\\' ? 2 : 1;
      const value = unescapeC(c.slice(i + 1, j));
      cur = (cur ?? '') + value;
      i = j + 1;
      continue;
    }
    if (!/\s/.test(ch) && cur !== undefined) (out.push(cur), (cur = undefined));
    i++;
  }
  if (cur !== undefined) out.push(cur);
  return out;
}

/** `{ "KEY", N_("DOC") }` pairs and every `{ "KEY",` initializer key of a C text. */
export function usageTables(c: string): { docs: Map<string, Set<string>>; keys: Set<string> } {
  const docs = new Map<string, Set<string>>();
  const keys = new Set<string>();
  const str = String.raw`"((?:[^"\\\n]|\\.)*)"`;
  for (const m of c.matchAll(new RegExp(String.raw`\{\s*${str}\s*,`, 'g'))) keys.add(unescapeC(m[1]!));
  for (const m of c.matchAll(new RegExp(String.raw`\{\s*${str}\s*,\s*N_\s*\(\s*${str}\s*\)\s*\}`, 'g'))) {
    const k = unescapeC(m[1]!);
    if (!docs.has(k)) docs.set(k, new Set());
    docs.get(k)!.add(unescapeC(m[2]!));
  }
  return { docs, keys };
}

export interface HelpSources {
  /** The C sources' text, concatenated. */
  c: string;
  /** Values a printf conversion may take. */
  values: ReadonlySet<string>;
}

export interface HelpTrace {
  literal: number;
  formatted: number;
  table: number;
  blank: number;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Traces every line of a help text to the sources; undefined when one line is not traced. The lines are placed
 * in the sources' strings (red team 18: any line of any string, anywhere, let an option's description be moved
 * under another option, or a line be put into the middle of a text): a line is the next segment of the string the
 * previous line came from, or a later segment (a filter, `--help | grep '^  *-'`, drops lines), or the first line
 * of a string — usage() calls other functions (argmatch tables, warning_usage ()) whose strings sit elsewhere, and
 * a rule saves --version before --help. So a string's lines are printed once and in their order, and no line of a
 * string's middle comes after a later part of the sources has been printed. Usage-table lines (printed from a table in a loop) and
 * blank lines are not placed.
 */
export function traceHelp(text: string, src: HelpSources): HelpTrace | undefined {
  // every segment of every string: its text, its place, whether it is its string's first line with text
  const exact = new Map<string, { at: number; first: boolean; lit: number }[]>();
  const templates: { re: RegExp; at: number; first: boolean; lit: number }[] = [];
  const alternatives = [...src.values].filter(Boolean).sort((a, b) => b.length - a.length).map(escapeRe).join('|');
  let at = 0;
  let n = 0;
  for (const lit of stringLiterals(src.c)) {
    let first = true;
    n++;
    for (const seg of lit.split('\n')) {
      at++;
      const place = { at, first: first && seg.trim() !== '', lit: n };
      if (seg.trim() !== '') first = false;
      // Printed as is by fputs/puts, or through printf with its conversions.
      const list = exact.get(seg);
      if (list) list.push(place);
      else exact.set(seg, [place]);
      if (!/%[sd]/.test(seg) || /%(?![sd%])/.test(seg) || !alternatives) continue;
      const re = seg
        .split(/(%[sd%])/)
        .map((part) => (part === '%s' || part === '%d' ? `(?:${alternatives})` : part === '%%' ? '%' : escapeRe(part)))
        .join('');
      templates.push({ re: new RegExp(`^${re}$`), ...place });
    }
  }
  // The nearest place after the cursor a line can be, else the first place that starts a string; never a place
  // of a string at or before the last line already placed in that string (a string's lines once, in order).
  let cursor = 0;
  const done = new Map<number, number>();
  const placed = (line: string): 'literal' | 'formatted' | undefined => {
    const places = [
      ...(exact.get(line) ?? []).map((p) => ({ ...p, how: 'literal' as const })),
      ...templates.filter((t) => t.re.test(line)).map((t) => ({ at: t.at, first: t.first, lit: t.lit, how: 'formatted' as const })),
    ]
      .filter((p) => p.at > (done.get(p.lit) ?? 0))
      .sort((a, b) => a.at - b.at);
    const hit = places.find((p) => p.at > cursor) ?? places.find((p) => p.first);
    if (!hit) return undefined;
    cursor = hit.at;
    done.set(hit.lit, hit.at);
    return hit.how;
  };
  const { docs, keys } = usageTables(src.c);
  const tableKeys = (s: string): string | undefined => {
    const m = /^ {2}(\S.*)$/.exec(s);
    if (!m) return undefined;
    const ks = m[1]!.split(', ');
    return ks.every((k) => keys.has(k)) && docs.has(ks[0]!) ? ks[0] : undefined;
  };
  const trace: HelpTrace = { literal: 0, formatted: 0, table: 0, blank: 0 };
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') {
      trace.blank++;
      continue;
    }
    const how = placed(line);
    if (how) {
      trace[how]++;
      continue;
    }
    // A usage-table line: keys, padding, the first key's doc; or keys alone, the doc on the next line.
    const same = /^( {2}\S.*?) {2,}(\S.*)$/.exec(line);
    const first = same ? tableKeys(same[1]!) : undefined;
    if (same && first !== undefined && docs.get(first)!.has(same[2]!)) {
      trace.table++;
      continue;
    }
    const alone = tableKeys(line);
    const next = lines[i + 1];
    const doc = next !== undefined ? /^ {3,}(\S.*)$/.exec(next) : null;
    if (alone !== undefined && doc && docs.get(alone)!.has(doc[1]!)) {
      trace.table += 2;
      i++;
      continue;
    }
    return undefined;
  }
  return trace.literal + trace.formatted + trace.table > 0 ? trace : undefined;
}

/** Values a conversion may print: configure.ac's AC_INIT arguments and AC_SUBST/AC_DEFINE values, bracketed. */
export function configureValues(ac: string): Set<string> {
  const out = new Set<string>();
  const at = ac.search(/\bAC_INIT\(/);
  if (at >= 0) {
    // AC_INIT's arguments up to its closing parenthesis (nested m4 calls such as m4_esyscmd([…]) included).
    let depth = 0;
    let end = at;
    for (let i = ac.indexOf('(', at); i < ac.length; i++) {
      if (ac[i] === '(') depth++;
      else if (ac[i] === ')' && --depth === 0) {
        end = i;
        break;
      }
    }
    for (const a of ac.slice(at, end).matchAll(/\[([^\][]+)\]/g)) out.add(a[1]!);
  }
  for (const m of ac.matchAll(/\bAC_(?:SUBST|DEFINE(?:_UNQUOTED)?)\(\s*\[?\w+\]?\s*,\s*\[([^\][]+)\]/g)) out.add(m[1]!);
  // Literal values only: a shell expansion or a quoted word is not what the program prints.
  for (const v of out) if (/[$"'`\\]/.test(v)) out.delete(v);
  return out;
}

/**
 * What gnulib's version-etc module prints for `emit_bug_reporting_address ()` (lib/version-etc.c, read from
 * the gnulib copies of libtasn1 4.19.0 and libidn2 2.3.3): the bug address (PACKAGE_BUGREPORT), the home page
 * (PACKAGE_NAME, PACKAGE_URL) and the fixed gethelp page. Only these three lines, and only for a program whose
 * tracked sources call the function; each conversion still takes a configure.ac value (see gnuValues).
 */
export const VERSION_ETC_LINES = ['Report bugs to: %s', '%s home page: <%s>', 'General help using GNU software: <%s>'] as const;

/**
 * The values version-etc's lines print that configure.ac does not spell out: autoconf's PACKAGE_URL (AC_INIT's
 * fifth argument or, for a package named "GNU …", `https://www.gnu.org/software/TARNAME/` — TARNAME the fourth
 * argument or the name without "GNU ", lower-cased, other characters than letters, digits, `_` and `-` as `-`;
 * autoconf before 2.70 wrote `http://`) and the gethelp page.
 */
export function gnuValues(ac: string): Set<string> {
  const out = new Set(['https://www.gnu.org/gethelp/', 'http://www.gnu.org/gethelp/']);
  const at = ac.search(/\bAC_INIT\(/);
  if (at < 0) return out;
  const args: string[] = [];
  let depth = 0;
  let cur = '';
  let quote = 0;
  for (let i = ac.indexOf('(', at); i < ac.length; i++) {
    const ch = ac[i]!;
    if (ch === '[') quote++;
    else if (ch === ']') quote--;
    if (quote === 0 && ch === '(') {
      if (depth++ === 0) continue;
    } else if (quote === 0 && ch === ')') {
      if (--depth === 0) {
        args.push(cur);
        break;
      }
    } else if (quote === 0 && depth === 1 && ch === ',') {
      args.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  const plain = (a: string | undefined) => {
    const m = a === undefined ? null : /^\s*\[([^\][$`]*)\]\s*$/.exec(a);
    return m ? m[1]! : undefined;
  };
  const url = plain(args[4]);
  if (url) out.add(url);
  const name = plain(args[0]);
  if (url === undefined && name && /^GNU /.test(name)) {
    const tar = plain(args[3]) ?? name.slice(4).toLowerCase().replace(/[^a-z0-9_-]/g, '-');
    out.add(`https://www.gnu.org/software/${tar}/`).add(`http://www.gnu.org/software/${tar}/`);
  }
  return out;
}

/**
 * The program a recipe line runs with `--help` (`$(top_builddir)/src/idn2$(EXEEXT) --help | $(GREP) …`), as a
 * path from the top: `$(top_builddir)/`/`$(top_srcdir)/` name the top, a bare or `$(builddir)/` path the rule's
 * directory. Undefined when the word is anything else (a variable, a substitution, an absolute path).
 */
export function recipeProgram(line: string, dir: string): string | undefined {
  const m = /(?:^|[\s;&|(])((?:\$\((?:top_)?(?:src|build)dir\)\/)?[\w./-]+?)(?:\$\(EXEEXT\))?\s+--help\b/.exec(line.replace(/^\$\(AM_V_\w+\)/, ' '));
  if (!m) return undefined;
  const word = m[1]!;
  const top = /^\$\(top_(?:src|build)dir\)\//.exec(word);
  const rest = word.replace(/^\$\((?:top_)?(?:src|build)dir\)\//, '').replace(/^(?:\.\/)+/, '');
  if (rest.startsWith('/') || rest.split('/').some((s) => s === '..' || s === '.' || s === '')) return undefined;
  return top || !dir ? rest : `${dir}/${rest}`;
}

/**
 * The tracked rule running `--help` that writes `path`, and the C sources of the program's directory: the
 * program is an untracked prerequisite (bison's `doc/bison.help: src/bison$(EXEEXT)`) or, when the
 * prerequisites name only sources, the word the recipe runs with `--help` (libtasn1's
 * `asn1Coding-help.texi: $(top_srcdir)/src/asn1Coding.c` whose recipe runs `$(top_builddir)/src/asn1Coding$(EXEEXT) --help`).
 */
export async function helpRule(path: string, ctx: ClassifyContext): Promise<{ fragment: string; programs: string[]; sources: string[] } | undefined> {
  for (const rule of await rulesFor(path, ctx)) {
    if (!rule.recipe.some((l) => /\s--help\b/.test(l))) continue;
    let programs = rule.prerequisites
      .map((p) => p.replace(/\$\(EXEEXT\)$/, '').replace(/^\$\((?:top_)?(?:src|build)dir\)\//, ''))
      .filter((p) => /^[\w./-]+$/.test(p) && !ctx.gitPaths.has(p));
    if (programs.length === 0)
      programs = [...new Set(rule.recipe.map((l) => recipeProgram(l, rule.dir)).filter((p): p is string => p !== undefined && !ctx.gitPaths.has(p)))];
    if (programs.length === 0) continue;
    const byDir = pathsBy('dir', ctx.gitPaths);
    const sources = [...new Set(programs.map(dirOf))].flatMap((d) => (byDir.get(d) ?? []).filter((p) => C_SOURCE.test(p))).sort().slice(0, MAX_SOURCES);
    if (sources.length) return { fragment: rule.fragment, programs, sources };
  }
  return undefined;
}

/** The tarball's help file `path` traced through its tracked rule; undefined when any part is missing or untraced. */
export async function tracedHelp(path: string, ctx: ClassifyContext): Promise<{ rule: NonNullable<Awaited<ReturnType<typeof helpRule>>>; trace: HelpTrace } | undefined> {
  const buf = ctx.content.tarball(path);
  if (!buf || buf.length > MAX_BYTES || buf.includes(0)) return undefined;
  const text = buf.toString('latin1');
  if (findConstructs(text, path).length) return undefined;
  const rule = await helpRule(path, ctx);
  if (!rule) return undefined;
  let c = '';
  for (const p of rule.sources) c += `${(await ctx.content.git(p))?.toString('latin1') ?? ''}\n`;
  const ac = (await ctx.content.git('configure.ac'))?.toString('latin1') ?? '';
  const values = new Set([...configureValues(ac), ...rule.programs.map(baseOf)]);
  if (/\bemit_bug_reporting_address\s*\(\s*\)/.test(c)) {
    c += `;\n${VERSION_ETC_LINES.map((l) => `"${l}\\n"`).join(";\n")};\n`;
    for (const v of gnuValues(ac)) values.add(v);
  }
  if (ctx.revision.version) values.add(ctx.revision.version);
  const trace = traceHelp(text, { c, values });
  return trace ? { rule, trace } : undefined;
}


/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && diff.tarball.size <= MAX_BYTES;

export const programHelpClassifier: Classifier = {
  id: 'program-help',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const traced = await tracedHelp(diff.path, ctx);
    if (!traced) return undefined;
    const { rule, trace } = traced;
    const total = trace.literal + trace.formatted + trace.table;
    return makeFinding('GENERATED_FROM_SOURCE', diff.path, {
      how: 'program-help',
      source: rule.fragment,
      generator: rule.programs.join(' '),
      inputs: [...new Set(rule.sources.map(dirOf))].map((d) => `${d ? `${d}/` : ''}*.c`),
      found: total,
      total,
    });
  },
};
