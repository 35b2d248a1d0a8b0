/**
 * Generated parsers and scanners proved by regeneration (issue 11): a bison, flex or Berkeley yacc output
 * that the produced-from-source classifier labelled (its header names the generator, its grammar is
 * tracked) is made again in the bubblewrap sandbox (./sandbox.ts) by the generator of exactly the version
 * its header names, from the tag's grammar, with the options the tag's build rules give, and compared
 * byte for byte with the shipped file.
 *
 *   version      bison: "A Bison parser, made by GNU Bison X"; flex: YY_FLEX_{MAJOR,MINOR,SUBMINOR}_VERSION;
 *                byacc: YYMAJOR.YYMINOR and YYPATCH. The system's tool (/usr/bin) must report exactly it.
 *   names        the shipped #line directives name the grammar and the output as the generator was given
 *                them (`#line 35 "src/parse-gram.y"`, `#line 73 "src/parse-gram.c"`): the run uses the same
 *                spelling from the matching directory, so the directives come out the same. When the
 *                spelling cannot be matched (a `..` path, ylwrap's rename), the file names inside #line
 *                directives are set aside on both sides — a listed normalisation, the only one.
 *   options      from the tag's tracked build rules around the grammar (Makefile.am, *.mk, Makefile,
 *                CMakeLists.txt): YFLAGS/AM_YFLAGS/X_YFLAGS (LFLAGS for flex), BISON_FLAGS, a recipe
 *                line that runs the generator on this grammar, CMake's BISON_TARGET/FLEX_TARGET
 *                COMPILE_FLAGS; options that name files or skeletons are dropped. What the shipped outputs
 *                imply is added and said (a header ships: --defines; no #line: --no-lines).
 *   outputs      every output of one run is compared: the parser, its header, bison's .output report.
 *
 * Nothing here decides severities: the post pass turns each comparison into a finding through the registry.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseOf, dirOf } from '../classify/paths.js';
import { findConstructs } from '../classify/suspicious.js';
import type { ClassifyContext, PostPass } from '../classify/types.js';
import { contentDiff } from '../compare/content-diff.js';
import type { Finding, ParserNormalisation, ParserRun, ParserTool, ParserUnproved, YlwrapRename } from '../core/findings.js';
import { escalate, makeFinding } from '../core/severity.js';
import { addedLines } from './provenance.js';
import { evaluateRecipe } from '../classify/shell-subset.js';
import { builtinVars, normalizeTarget, parseMakefileAm, resolveRule, topRelOf } from '../util/makefile.js';
import { probeSandbox, runSandboxed, which } from './sandbox.js';
import { applyPostEdit, generatorRuleEdits, gnulibModuleSections, plainWords, readRegular } from './generators.js';
import type { ToolPostEdit } from '../core/findings.js';

export const PARSER_TOOLS: readonly ParserTool[] = ['bison', 'flex', 'byacc'];
const isParserTool = (g: string | undefined): g is ParserTool => (PARSER_TOOLS as readonly string[]).includes(g ?? '');

const SYSTEM_PATH = '/usr/local/bin:/usr/bin:/bin';
const MAX_BYTES = 16 * 1024 * 1024;
/** Distinct option sets tried per grammar, at most. */
const MAX_RUNS = 6;
/** Runs through ylwrap tried per grammar, at most (before those). */
const MAX_YLWRAP_RUNS = 4;

import { namedVersion, parseToolVersion } from './parser-version.js';

export { namedVersion, parseToolVersion };

const versions = new Map<ParserTool, Promise<string | undefined>>();
/** The version of the system's generator the sandbox would run (its PATH is /usr/local/bin:/usr/bin:/bin). */
export function systemParserVersion(tool: ParserTool): Promise<string | undefined> {
  let p = versions.get(tool);
  if (!p) {
    const bin = which(tool, SYSTEM_PATH);
    p = bin
      ? new Promise((resolve) => {
          execFile(bin, [tool === 'byacc' ? '-V' : '--version'], { timeout: 20_000, env: { PATH: SYSTEM_PATH, LC_ALL: 'C' } }, (err, stdout, stderr) => resolve(err ? undefined : parseToolVersion(tool, `${stdout}\n${stderr}`)));
        })
      : Promise.resolve(undefined);
    versions.set(tool, p);
  }
  return p;
}

/** Options the generator is run with that name no file of ours (outputs are placed by -o) and load no skeleton. */
function keepOption(tool: ParserTool, w: string): boolean {
  if (!/^-/.test(w) || w.includes('$') || /[`'";|&<>()]/.test(w)) return false;
  if (/^(-o|--output|--outfile|-S|--skeleton|-B|-b|--file-prefix|--header-file|--tables-file|-g|--graph|-x|--xml|-M|--file-prefix-map|--html)/.test(w)) return false;
  if (tool === 'flex') return /^(-[a-zA-Z0-9+]+|--[a-z][a-z-]*(=[\w.-]*)?)$/.test(w);
  return /^(-[dlvtykWy]\S*|-D[\w.]+(=[\w.{}"-]*)?|--(defines|header|no-lines|verbose|report(=[\w,]+)?|yacc|debug|token-table|warnings(=[\w,-]+)?|define=[\w.]+(=[\w.{}-]*)?|locations|name-prefix=\w+|color=\w+|language=[\w+]+|Werror)(=[\w,.-]*)?)$/.test(w) || /^-W[\w,-]*$/.test(w);
}

/** make/CMake text with backslash-continued lines joined. */
const logical = (text: string) => text.replace(/\\\r?\n/g, ' ');

/** Expand $(VAR) / ${VAR} from the same file's plain assignments, a few levels deep (`keep`: a variable the file does not assign stays as written). */
function expander(text: string, keep = false): (s: string) => string {
  const vars = new Map<string, string>();
  for (const m of logical(text).matchAll(/^[ \t]*([A-Za-z_][\w.]*)[ \t]*[:+]?=[ \t]*(.*)$/gm)) {
    const prev = m[0].includes('+=') ? `${vars.get(m[1]!) ?? ''} ` : '';
    vars.set(m[1]!, `${prev}${m[2]!.replace(/#.*$/, '')}`.trim());
  }
  return (s: string) => {
    let out = s;
    for (let i = 0; i < 4; i++) out = out.replace(/\$[({]([A-Za-z_][\w.]*)[)}]/g, (w, n: string) => vars.get(n) ?? (keep ? w : ''));
    return out;
  };
}

export interface RuleOptions {
  /** Option sets, the most specific first (a recipe naming the grammar, then the flag variables). */
  sets: string[][];
  /** The tracked files they came from. */
  files: string[];
}

/**
 * The generator options a project's tracked build rules give for `grammar`, from `rules` (path → text):
 * recipe lines running the generator on it, CMake BISON_TARGET/FLEX_TARGET flags, and the YFLAGS/LFLAGS
 * family (AM_ and per-target prefixes, BISON_FLAGS/FLEX_FLAGS).
 */
export function ruleOptions(tool: ParserTool, grammar: string, rules: ReadonlyMap<string, string>): RuleOptions {
  const sets: string[][] = [];
  const files = new Set<string>();
  const base = baseOf(grammar);
  const stem = base.replace(/\.[^.]+$/, '');
  const yacc = tool !== 'flex';
  const varRe = yacc ? /^[ \t]*((?:\w+_)?YFLAGS|BISON_FLAGS|YACCFLAGS)[ \t]*[:+]?=/m : /^[ \t]*((?:\w+_)?LFLAGS|FLEX_FLAGS|LEXFLAGS)[ \t]*[:+]?=/m;
  // (`lex` as a word, not a file's extension: `css.c: css.lex` is a rule line, not a run of lex)
  const progRe = yacc ? /(?:\bbison\b|\byacc\b|\bbyacc\b|\$[({](?:BISON|YACC)[)}])/ : /(?:\bflex\b|(?<![.\w])lex\b|\$[({](?:FLEX|LEX)[)}])/;
  const add = (words: string[], file: string) => {
    const kept = words.filter((w) => keepOption(tool, w));
    if (!sets.some((s) => s.join('\0') === kept.join('\0'))) sets.push(kept);
    files.add(file);
  };
  for (const [file, text] of [...rules].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const expand = expander(text);
    const lines = logical(text).split('\n');
    // A recipe (or custom command) that runs the generator on this grammar.
    for (const l of lines) {
      if (!l.includes(base) || !progRe.test(l) || /^\s*#/.test(l)) continue;
      add(expand(l).split(/\s+/), file);
    }
    // CMake: BISON_TARGET(name grammar output COMPILE_FLAGS "…") / FLEX_TARGET.
    const target = new RegExp(`${yacc ? 'BISON_TARGET' : 'FLEX_TARGET'}\\s*\\(([^)]*)\\)`, 'gi');
    for (const m of logical(text).matchAll(target)) {
      if (!m[1]!.includes(stem)) continue;
      const flags = /COMPILE_FLAGS\s+"([^"]*)"/.exec(m[1]!)?.[1] ?? '';
      add(expand(flags).split(/\s+/), file);
    }
    // The flag variables: AM_YFLAGS, YFLAGS, prog_YFLAGS … (their union, as make passes them together).
    const words: string[] = [];
    for (const l of lines) {
      const m = varRe.exec(l);
      if (m) words.push(...expand(l.slice(l.indexOf('=') + 1).replace(/#.*$/, '')).split(/\s+/));
    }
    if (words.length) add(words, file);
  }
  add([], '');
  files.delete('');
  return { sets, files: [...files] };
}

/** Where a tracked configure script gives the debugging option the rules cannot say (evidence of an implied -d/-t). */
export interface DebugFlagSource {
  /** The rule file naming the variable, and the variable. */
  rule: string;
  variable: string;
  /** The tracked configure.ac (configure.in) line assigning it the option, and the option. */
  file: string;
  line: number;
  option: string;
}

/**
 * The configure-substituted variable that gives the generator its debugging option: a variable a tracked rule of
 * the grammar passes to the generator (a recipe line running it on the grammar, or the YFLAGS/LFLAGS family) that
 * the rule file does not assign itself ($(V), ${V} or @V@), and that a tracked configure.ac/configure.in of the
 * grammar's directory or above assigns exactly the option (`V=-d`, `V="-t"`: gdbm 1.23's `LFLAGS_DEBUG=-d`,
 * `YFLAGS_DEBUG=-t` under --enable-debug). Without it, debugging instrumentation the output carries is not a
 * run's option but a difference: flex -d prints every token a scanner reads to stderr.
 */
export function debugFlagSource(tool: ParserTool, grammar: string, rules: ReadonlyMap<string, string>, configures: ReadonlyMap<string, string>): DebugFlagSource | undefined {
  if (tool === 'byacc') return undefined;
  const base = baseOf(grammar);
  const yacc = tool !== 'flex';
  const varRe = yacc ? /^[ \t]*((?:\w+_)?YFLAGS|BISON_FLAGS|YACCFLAGS)[ \t]*[:+]?=/ : /^[ \t]*((?:\w+_)?LFLAGS|FLEX_FLAGS|LEXFLAGS)[ \t]*[:+]?=/;
  const progRe = yacc ? /(?:\bbison\b|\byacc\b|\bbyacc\b|\$[({](?:BISON|YACC)[)}])/ : /(?:\bflex\b|(?<![.\w])lex\b|\$[({](?:FLEX|LEX)[)}])/;
  const options = yacc ? ['-t', '--debug', '-Dparse.trace', '--define=parse.trace'] : ['-d', '--debug'];
  for (const [rule, text] of [...rules].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const expand = expander(text, true);
    const names = new Set<string>();
    for (const l of logical(text).split('\n')) {
      if (/^\s*#/.test(l)) continue;
      const words = varRe.test(l) ? l.slice(l.indexOf('=') + 1).replace(/#.*$/, '') : l.includes(base) && progRe.test(l) ? l : undefined;
      if (words === undefined) continue;
      for (const m of expand(words).matchAll(/\$[({]([A-Za-z_]\w*)[)}]|@([A-Za-z_]\w*)@/g)) names.add(m[1] ?? m[2]!);
    }
    for (const variable of [...names].sort()) {
      if (/^(?:BISON|YACC|FLEX|LEX)$/.test(variable)) continue;
      for (const [file, ac] of [...configures].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const lines = ac.split('\n');
        for (let i = 0; i < lines.length; i++) {
          const m = new RegExp(`^[ \\t]*${variable}=(["']?)([^"'\\s;]*)\\1[ \\t]*(?:[;#].*)?$`).exec(lines[i]!);
          if (m && options.includes(m[2]!)) return { rule, variable, file, line: i + 1, option: m[2]! };
        }
      }
    }
  }
  return undefined;
}

/** The file names of a text's #line directives, in order. */
function lineNames(text: string): string[] {
  return [...text.matchAll(/^#line \d+ "([^"]*)"/gm)].map((m) => m[1]!);
}

export interface Invocation {
  /** Working directory below the scratch root ('' = its top). */
  cwd: string;
  grammarArg: string;
  outputArg: string;
  /** The #line file names could not be matched: they are set aside when comparing. */
  renamed: boolean;
}

const plainRel = (p: string) => p !== '' && !p.startsWith('/') && !p.split('/').some((s) => s === '..' || s === '.' || s === '');

/**
 * How the generator was called, read from the shipped output's #line directives: the directory whose
 * relative spelling of the grammar they show, and the output name it was given.
 */
export function invocationOf(outputPath: string, grammarPath: string, shipped: string): Invocation {
  const names = lineNames(shipped);
  const gBase = baseOf(grammarPath);
  const gRef = names.find((n) => baseOf(n) === gBase);
  const oRef = names.find((n) => baseOf(n) !== gBase && /\.(c|cc|cpp|cxx|C|h|hh|hpp)$/.test(n));
  let cwd = dirOf(grammarPath);
  let grammarArg = gBase;
  let renamed = true;
  if (gRef && plainRel(gRef) && (grammarPath === gRef || grammarPath.endsWith(`/${gRef}`))) {
    cwd = grammarPath.slice(0, grammarPath.length - gRef.length).replace(/\/$/, '');
    grammarArg = gRef;
    renamed = false;
  }
  const within = cwd === '' ? outputPath : outputPath.startsWith(`${cwd}/`) ? outputPath.slice(cwd.length + 1) : undefined;
  let outputArg = within ?? baseOf(outputPath);
  if (oRef && plainRel(oRef) && oRef !== outputArg) {
    // The output was written under another name (ylwrap's y.tab.c, a .tab.c renamed by a rule): keep the
    // shipped name, set the #line names aside.
    renamed = true;
  }
  if (within === undefined) renamed = true;
  if (!names.length) renamed = false;
  return { cwd, grammarArg, outputArg, renamed };
}

/** The #line directives' file names blanked (the one normalisation; used only when named in the evidence). */
export function blankLineNames(text: string): string {
  return text.replace(/^(#line \d+) "[^"]*"/gm, '$1 ""');
}

/** Options the shipped outputs imply, added to a rule's set (and named in the evidence). */
/**
 * Whether a bison 3.x parser was written in yacc mode (-y): the token numbers again as `#define NAME N` lines under
 * "/* Tokens.  *\/" after the enum, which bison 3.0–3.5 writes only with -y (2.x always wrote them; 3.8 writes no such
 * comment). Pure: the shipped text and the version it names.
 */
export function yaccModeOutput(text: string, version: string): boolean {
  return /^3\./.test(version) && /^\/\* Tokens\.  \*\/\n#define \w+ \d+$/m.test(text);
}

export function impliedOptions(tool: ParserTool, set: string[], o: { lines: boolean; header: boolean; report: boolean; debug?: boolean }): { options: string[]; implied: string[] } {
  const opts = [...set];
  const implied: string[] = [];
  const has = (re: RegExp) => opts.some((w) => re.test(w));
  const noLines = tool === 'flex' ? /^(-L|--noline)$/ : /^(-l|--no-lines)$/;
  if (o.lines && has(noLines)) {
    for (let i = opts.length - 1; i >= 0; i--) if (noLines.test(opts[i]!)) opts.splice(i, 1);
    implied.push('#line');
  }
  if (!o.lines && !has(noLines)) {
    const w = tool === 'flex' ? '-L' : '-l';
    opts.push(w);
    implied.push(w);
  }
  if (tool !== 'flex' && o.header && !has(/^(-d|--defines|--header)/)) {
    opts.push('-d');
    implied.push('-d');
  }
  if (tool === 'bison' && o.report && !has(/^(-v|--verbose|--report)/)) {
    opts.push('-v');
    implied.push('-v');
  }
  // The debugging instrumentation the output carries and the grammar does not ask for: a configure-substituted
  // flag (gdbm's `AM_LFLAGS = $(LFLAGS_DEBUG)`, `AM_YFLAGS = -dv $(YFLAGS_DEBUG)`) that the tracked rules cannot say.
  if (o.debug && tool !== 'byacc' && !has(tool === 'flex' ? /^(-d|--debug)$/ : /^(-t|--debug|-Dparse\.trace|--define=parse\.trace)\b/)) {
    const w = tool === 'flex' ? '-d' : '-t';
    opts.push(w);
    implied.push(w);
  }
  return { options: opts, implied };
}

/** One output of a grammar's run. */
interface Output {
  path: string;
  finding: Finding;
  /** The output the run's -o names (the parser or scanner itself). */
  primary: boolean;
}

interface RunResult {
  argv: string[];
  cwd: string;
  implied: string[];
  flagsFrom: string[];
  /** path → regenerated content (undefined: not produced) */
  produced: Map<string, Buffer | undefined>;
  /** path → equal (after the listed normalisations) */
  equal: Map<string, boolean>;
  normalisations: Map<string, ParserNormalisation[]>;
  failure?: string;
  ylwrap?: YlwrapRename;
  /** output path → the rule's commands that edited it (a gnulib module's seds) */
  postEditsOf?: Map<string, string[]>;
}

/** Tracked build-rule files around a grammar: its directory and each directory above it. */
/** The tracked configure.ac / configure.in of the grammar's directory and the directories above it. */
function configureFiles(grammar: string, gitPaths: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let d = dirOf(grammar); ; d = dirOf(d)) {
    for (const b of ['configure.ac', 'configure.in']) if (gitPaths.has(d ? `${d}/${b}` : b)) out.push(d ? `${d}/${b}` : b);
    if (d === '') break;
  }
  return out;
}

function ruleFiles(grammar: string, gitPaths: ReadonlySet<string>): string[] {
  const dirs: string[] = [];
  for (let d = dirOf(grammar); ; d = dirOf(d)) {
    dirs.push(d);
    if (d === '') break;
  }
  const out: string[] = [];
  for (const p of gitPaths) {
    const d = dirOf(p);
    if (!dirs.includes(d)) continue;
    const b = baseOf(p);
    if (/^(Makefile(\.am)?|GNUmakefile|makefile|CMakeLists\.txt|meson\.build)$/.test(b) || /\.(mk|am|cmake)$/.test(b)) out.push(p);
  }
  return out.sort();
}

/** The output file a grammar names for itself (flex's `%option outfile="X"`, bison's `%output "X"`), which wins over -o. */
export function grammarOutfile(tool: ParserTool, grammar: string): string | undefined {
  const m = tool === 'flex' ? /^%option\b[^\n]*\boutfile="([^"\n]+)"/m.exec(grammar) : /^%output\s+"([^"\n]+)"/m.exec(grammar);
  return m && plainRel(m[1]!) ? m[1] : undefined;
}

/**
 * Where the run writes each output: the parser at -o (or, without -o, the generator's default name:
 * bison's GRAMMAR.tab.c, yacc's y.tab.c, flex's lex.yy.c; the grammar's own outfile wins over both); a header
 * and a report beside it, by its stem.
 */
function producedPath(tool: ParserTool, inv: Invocation, withOutput: boolean, out: Output, primary: Output, outfile: string | undefined): string[] {
  const dir = withOutput ? dirOf(inv.outputArg) : dirOf(inv.grammarArg);
  const at = (name: string) => [inv.cwd, dir, name].filter(Boolean).join('/');
  const inCwd = (name: string) => [inv.cwd, name].filter(Boolean).join('/');
  const own = outfile ? inCwd(outfile) : undefined;
  const gstem = baseOf(inv.grammarArg).replace(/\.[^.]+$/, '');
  const defaults = tool === 'flex' ? [inCwd('lex.yy.c')] : tool === 'bison' ? [at(`${gstem}.tab.c`), inCwd('y.tab.c')] : [inCwd('y.tab.c')];
  const primaries = withOutput ? [at(baseOf(inv.outputArg))] : defaults;
  if (out === primary) return [...(own ? [own] : []), ...primaries];
  const ext = /\.[^.]+$/.exec(out.path)?.[0] ?? '';
  const stems = (own ? [own] : primaries).map((p) => p.replace(/\.[^./]+$/, ''));
  const cands = [...stems.map((st) => `${st}${ext}`), at(baseOf(out.path))];
  if (ext === '.h' || ext === '.hh') cands.push(inCwd('y.tab.h'));
  return [...new Set(cands)];
}

/** #line directives with their file names, or names and numbers, set aside (the listed normalisations). */
const LEVELS: { normalisations: ParserNormalisation[]; apply: (s: string) => string }[] = [
  { normalisations: [], apply: (s) => s },
  { normalisations: ['line-directive-names'], apply: (s) => blankLineNames(s) },
  { normalisations: ['line-directive-numbers'], apply: (s) => s.replace(/^#line \d+ "/gm, '#line "') },
  { normalisations: ['line-directive-names', 'line-directive-numbers'], apply: (s) => s.replace(/^#line \d+ "[^"]*"/gm, '#line') },
];

/**
 * The least normalisation under which two outputs are equal, or undefined. With `names` (the base names of the
 * grammar and of the run's outputs), the #line file names are set aside only when every shipped name that differs
 * from the run's names one of those files: a #line rewritten to name any other file (which changes __FILE__) is a
 * difference.
 */
export function equalUnder(got: Buffer, shipped: Buffer, names?: ReadonlySet<string>): ParserNormalisation[] | undefined {
  if (got.equals(shipped)) return [];
  const g = got.toString('latin1');
  const t = shipped.toString('latin1');
  const gn = lineNames(g);
  const namesOk = !names || lineNames(t).every((n, i) => n === gn[i] || names.has(baseOf(n)));
  return LEVELS.slice(1).find((l) => (namesOk || !l.normalisations.includes('line-directive-names')) && l.apply(g) === l.apply(t))?.normalisations;
}

/** The base names a parser's #line directives may name: its grammar's and its run's outputs'. */
const ownNames = (grammarPath: string, outputs: readonly Output[]) => new Set([baseOf(grammarPath), ...outputs.map((o) => baseOf(o.path))]);

/** ylwrap's include-guard spelling of a file name (its `guard`): upper case, every other character `_`, runs squeezed. */
export function ylwrapGuard(name: string): string {
  return name.toUpperCase().replace(/[^A-Z]/g, '_').replace(/_+/g, '_');
}

/**
 * ylwrap's edit of a generator's output (automake's build-aux/ylwrap, its `sed -e "/^#/!b" -e "$sed_fix_filenames"
 * -e "$sed_fix_header_guards"`): on lines that start with `#` only, every occurrence of each `from` (literal) becomes
 * its `to`, then each guard(from) guard(to). (Its third edit, of the input's absolute directory back to the spelling
 * make gave, has nothing to do here: the run is given that spelling.)
 */
export function ylwrapEdit(text: string, renames: readonly (readonly [string, string])[]): string {
  return text
    .split('\n')
    .map((line) => {
      if (!line.startsWith('#')) return line;
      let l = line;
      for (const [f, t] of renames) l = l.split(f).join(t);
      for (const [f, t] of renames) l = l.split(ylwrapGuard(f)).join(ylwrapGuard(t));
      return l;
    })
    .join('\n');
}

/** A run of the generator through ylwrap, as the release's make would: the generator's default outputs in `cwd`, renamed. */
export interface YlwrapCall extends YlwrapRename {
  cwd: string;
  grammarArg: string;
  /** The program words make runs (YACC/LEX and what the recipe puts before the flag variables), each to try. */
  programs: string[][];
  /** Options the recipe itself gives (an explicit `$(YLWRAP)` recipe), or undefined: the flag variables' sets. */
  options?: string[];
}

const wordIn = (text: string, word: string) => new RegExp(`(^|[\\s=])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=\\s|$)`, 'm').test(text);
const ancestors = (dir: string): string[] => {
  const out: string[] = [];
  for (let d = dir; ; d = dirOf(d)) {
    out.push(d);
    if (d === '') return out;
  }
};
const under = (dir: string, path: string) => (dir === '' ? path : path.startsWith(`${dir}/`) ? path.slice(dir.length + 1) : undefined);
const joinPath = (dir: string, rel: string) => (dir ? `${dir}/${rel}` : rel);

/** The ylwrap script a shipped Makefile.in runs (`YLWRAP = $(top_srcdir)/X`), when X ships. */
function ylwrapScript(makefileIn: string | undefined, tarballPaths: ReadonlySet<string>): string | undefined {
  const m = makefileIn ? /^YLWRAP\s*=\s*\$\(top_srcdir\)\/(\S+)\s*$/m.exec(makefileIn) : null;
  return m && plainRel(m[1]!) && baseOf(m[1]!) === 'ylwrap' && tarballPaths.has(m[1]!) ? m[1] : undefined;
}

/**
 * How the release's make ran the generator through ylwrap for `output` (the grammar's primary output), when it did:
 *   - a tracked recipe for the output running `$(SHELL) $(YLWRAP) $< FROM $@ [FROM TO]… -- PROGRAM OPTIONS…`
 *     (pcsc-lite's `$(YLWRAP) $< lex.tp.c $@ -- "$(LEX)" -Ptp $(AM_LFLAGS) $(LFLAGS)`);
 *   - automake's suffix rule (`.y.c:` `$(YLWRAP) $< y.tab.c $@ y.tab.h … y.output $*.output -- $(YACCCOMPILE)`,
 *     `.l.c:` `$(YLWRAP) $< $(LEX_OUTPUT_ROOT).c $@ -- $(LEXCOMPILE)`) of the shipped Makefile.in of a directory
 *     whose sources list the grammar, as a tracked Makefile.am (or an included .am fragment) lists it.
 * Either way the shipped Makefile.in names the ylwrap script (`YLWRAP = $(top_srcdir)/X`), which ships.
 */
export function ylwrapCalls(tool: ParserTool, grammarPath: string, output: string, rules: ReadonlyMap<string, string>, tarball: (path: string) => Buffer | undefined, tarballPaths: ReadonlySet<string>): YlwrapCall[] {
  const calls: YlwrapCall[] = [];
  const yacc = tool !== 'flex';
  const makefileIn = (dir: string) => tarball(joinPath(dir, 'Makefile.in'))?.toString('latin1');
  const isProgram = (w: string) => (yacc ? /^(?:bison|yacc|byacc|\$[({](?:YACC|BISON)[)}])$/ : /^(?:flex|lex|\$[({](?:LEX|FLEX)[)}])$/).test(w);
  // A tracked recipe running $(YLWRAP) for the output.
  for (const [file, text] of [...rules].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const expand = expander(text);
    let targets: string[] = [];
    for (const line of logical(text).split('\n')) {
      const head = /^([^\t#\s][^:=]*?)\s*:(?!=)(.*)$/.exec(line);
      if (head) {
        targets = head[1]!.split(/\s+/).filter(Boolean);
        continue;
      }
      if (!line.startsWith('\t') || !/\$[({]YLWRAP[)}]/.test(line)) continue;
      const words = line.trim().split(/\s+/);
      const at = words.findIndex((w) => /\$[({]YLWRAP[)}]$/.test(w));
      const sep = words.indexOf('--', at);
      if (at < 0 || sep < 0) continue;
      const input = words[at + 1] ?? '';
      const pairs = words.slice(at + 2, sep);
      const program = (words[sep + 1] ?? '').replace(/^"(.*)"$/, '$1');
      if (pairs.length < 2 || pairs.length % 2 || !isProgram(program)) continue;
      for (const dir of ancestors(dirOf(file))) {
        const outRel = under(dir, output);
        const gRel = under(dir, grammarPath);
        if (!outRel || !gRel || !targets.some((t) => t === outRel || t === `$(srcdir)/${outRel}`)) continue;
        if (input !== '$<' && input !== gRel && input !== `$(srcdir)/${gRel}`) continue;
        const renames: [string, string][] = [];
        for (let i = 0; i < pairs.length; i += 2) renames.push([pairs[i]!, pairs[i + 1] === '$@' ? outRel : pairs[i + 1]!]);
        if (renames[0]![1] !== outRel || !renames.every(([f, t]) => plainRel(f) && plainRel(t) && !/[$`'"]/.test(f + t))) continue;
        const script = ylwrapScript(makefileIn(dirOf(file)), tarballPaths) ?? ylwrapScript(makefileIn(dir), tarballPaths);
        if (!script) continue;
        const options = words.slice(sep + 2).flatMap((w) => expand(w).split(/\s+/)).filter((w) => keepOption(tool, w));
        calls.push({ script, rule: file, cwd: dir, grammarArg: gRel, programs: [[tool]], options, renames });
        break;
      }
    }
  }
  // automake's suffix rule of the shipped Makefile.in.
  const suffix = yacc
    ? /^\.y\.c:[ \t]*\n\t.*\$\(YLWRAP\) \$< y\.tab\.c \$@ y\.tab\.h .* y\.output \$\*\.output -- \$\(YACCCOMPILE\)/m
    : /^\.l\.c:[ \t]*\n\t.*\$\(YLWRAP\) \$< \$\(LEX_OUTPUT_ROOT\)\.c \$@ -- \$\(LEXCOMPILE\)/m;
  for (const dir of ancestors(dirOf(grammarPath))) {
    const gRel = under(dir, grammarPath)!;
    const outRel = gRel.replace(/\.(y|l)$/, '.c');
    if (outRel === gRel || joinPath(dir, outRel) !== output) continue;
    const mk = makefileIn(dir);
    if (!mk || !suffix.test(mk) || !wordIn(mk, gRel)) continue;
    const script = ylwrapScript(mk, tarballPaths);
    const listedIn = [...rules].find(([f, t]) => /\.am$/.test(f) && (dirOf(f) === dir || under(dir, dirOf(f)) !== undefined) && wordIn(t, gRel))?.[0];
    if (!script || !listedIn) continue;
    const stem = outRel.replace(/\.c$/, '');
    const renames: [string, string][] = yacc ? [['y.tab.c', outRel], ['y.tab.h', `${stem}.h`], ['y.output', `${stem}.output`]] : [['lex.yy.c', outRel]];
    // YACC as configure's AC_PROG_YACC sets it: `bison -y` (autoconf 2.69), `bison -o y.tab.c` (2.70 on); LEX: flex.
    const programs = tool === 'bison' ? [['bison', '-y'], ['bison', '-o', 'y.tab.c']] : [[tool]];
    calls.push({ script, rule: joinPath(dir, 'Makefile.in'), listedIn, cwd: dir, grammarArg: gRel, programs, renames });
    break;
  }
  return calls;
}

/** A sed `s|PAT|REPL|` (any delimiter) whose pattern is literal but for `\\.` (a dot) and `.*` and whose replacement is literal, as a JS edit of one line (its first match, as sed without `g`). */
export function sedLineEdit(script: string): ((line: string) => string) | undefined {
  const d = script[1];
  if (script[0] !== 's' || !d || /[\w\s\\]/.test(d)) return undefined;
  const parts = script.slice(2).split(d);
  if (parts.length !== 3 || parts[2] !== '' || !parts[0]) return undefined;
  const [pat, repl] = [parts[0]!, parts[1]!];
  if (/[&\\]/.test(repl)) return undefined;
  let re = '';
  for (let i = 0; i < pat.length; i++) {
    const c = pat[i]!;
    if (c === '\\' && pat[i + 1] === '.') {
      re += '\\.';
      i++;
    } else if (c === '.' && pat[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (/[\w"\/,:+=-]/.test(c)) re += c.replace(/[+]/g, '\\+');
    else return undefined;
  }
  const rx = new RegExp(re);
  return (line) => line.replace(rx, () => repl);
}

/** A gnulib module's rule writing a grammar's outputs: its bison command's options, and per output the file bison writes and the rule's sed scripts. */
export interface GnulibGrammarRule {
  command: string;
  options: string[];
  /** output name (in the module's lib/ directory) → the bison output it is made from and the sed scripts applied */
  outputs: Map<string, { from: string; scripts: string[]; sed: string }>;
}

/**
 * The `Makefile.am:` section of a gnulib module read for the rule that runs bison (`$(X_BISON)`, `$(BISON)`, `$(YACC)`,
 * `bison`) on `$(srcdir)/GRAMMAR` and writes its outputs by `sed -e 'S'… < FROM > TMP` and `mv TMP $(srcdir)/OUT`
 * (parse-datetime's generate-parse-datetime, which renames parse-datetime.tab.[ch] into parse-datetime.c and
 * parse-datetime-gen.h). Only `test`, `rm -f` of other files and those commands are accepted; undefined otherwise.
 */
export function gnulibGrammarRule(section: string, grammarBase: string): GnulibGrammarRule | undefined {
  const lines = logical(section).split('\n').filter((l) => l.startsWith('\t'));
  const line = lines.find((l) => /\$\((?:\w+_)?BISON\)|\$\(YACC\)|\bbison\b/.test(l) && l.includes(`$(srcdir)/${grammarBase}`));
  if (!line) return undefined;
  const cmds = line.trim().split(/\s*(?:&&|\|\||;|(?<![\w'"|])[{}](?![\w'"|]))\s*/).filter((c) => c !== '');
  // $(srcdir)/ as \u0002 (make's only variable in these commands besides the program's)
  const words = (c: string) => plainWords(c.replace(/\$\(srcdir\)\//g, '\u0002').replace(/\s*<\s*(\S+)/g, ' \u0003$1').replace(/\s*>\s*(\S+)/g, ' \u0001$1'));
  const first = cmds[0]!.replace(/^\$\(AM_V_\w+\)/, '').trim().split(/\s+/);
  if (!/^(?:\$\((?:\w+_)?BISON\)|\$\(YACC\)|bison)$/.test(first[0]!) || first[first.length - 1] !== `$(srcdir)/${grammarBase}`) return undefined;
  const options = first.slice(1, -1).filter((w) => !/^\$\(\w+\)$/.test(w));
  if (!options.every((w) => keepOption('bison', w))) return undefined;
  const seds = new Map<string, { from: string; scripts: string[]; sed: string }>();
  const outputs = new Map<string, { from: string; scripts: string[]; sed: string }>();
  for (const c of cmds.slice(1)) {
    const w = words(c);
    if (!w) return undefined;
    if (w[0] === 'test') continue;
    if (w[0] === 'rm' && w.slice(1).every((x) => x === '-f' || !x.startsWith('\u0002'))) continue;
    if (w[0] === 'sed') {
      const scripts: string[] = [];
      let i = 1;
      while (w[i] === '-e' && w[i + 1] !== undefined) (scripts.push(w[i + 1]!), (i += 2));
      const rest = w.slice(i);
      const input = rest.find((x) => x.startsWith('\u0003'))?.slice(1);
      const output = rest.find((x) => x.startsWith('\u0001'))?.slice(1);
      if (!scripts.length || rest.length !== 2 || !input || !output || !plainRel(input) || !scripts.every((x) => sedLineEdit(x))) return undefined;
      seds.set(output, { from: input, scripts, sed: c.replace(/\s+/g, ' ').slice(0, 300) });
      continue;
    }
    if (w[0] === 'mv') {
      const rest = w.slice(1).filter((x) => x !== '-f');
      const sed = seds.get(rest[0] ?? '');
      const to = /^\u0002(.+)$/.exec(rest[1] ?? '')?.[1];
      if (rest.length !== 2 || !sed || !to || !plainRel(to)) return undefined;
      outputs.set(to, sed);
      continue;
    }
    return undefined;
  }
  return outputs.size ? { command: cmds[0]!.replace(/\s+/g, ' '), options, outputs } : undefined;
}

/** The pinned gnulib module listing `file` (lib/X.y) in its Files: — modules/X first — and its rule for the grammar. */
async function gnulibModuleRule(sub: NonNullable<ClassifyContext['submodules']>[number], file: string): Promise<{ module: string; rule: GnulibGrammarRule } | undefined> {
  const stem = baseOf(file).replace(/\.[^.]+$/, '');
  const names = [`modules/${stem}`, ...[...sub.files.keys()].filter((f) => f.startsWith('modules/') && f.includes(stem) && f !== `modules/${stem}`).sort()];
  for (const module of names) {
    if (!sub.files.has(module)) continue;
    const buf = await sub.read(module);
    if (!buf || buf.length > 1024 * 1024) continue;
    const sections = gnulibModuleSections(buf.toString('utf8'));
    if (!(sections.get('Files') ?? '').split('\n').some((l) => l.trim() === file)) continue;
    const rule = gnulibGrammarRule(sections.get('Makefile.am') ?? '', baseOf(file));
    if (rule) return { module, rule };
  }
  return undefined;
}

/**
 * One sandboxed run of `argv` in `cwd` over a scratch tree holding only the grammar; each output is what
 * `made(scratch, output)` reads from it, compared byte for byte with the shipped file (no normalisation).
 */
async function runInScratch(gen: Generator, grammarPath: string, grammar: Buffer, argv: string[], cwd: string, outputs: Output[], ctx: ClassifyContext, made: (scratch: string, o: Output) => Buffer | undefined): Promise<RunResult> {
  const scratch = mkdtempSync(join(tmpdir(), 'distdiff-parser-'));
  const result: RunResult = { argv, cwd, implied: [], flagsFrom: [], produced: new Map(), equal: new Map(), normalisations: new Map() };
  try {
    const gFull = join(scratch, grammarPath);
    mkdirSync(join(gFull, '..'), { recursive: true });
    writeFileSync(gFull, grammar);
    mkdirSync(join(scratch, cwd), { recursive: true });
    const r = await runSandboxed(gen.bwrap, { scratch, argv, ...(cwd ? { cwd } : {}), ...(gen.prefix ? { toolchains: [gen.prefix] } : {}), limits: { wallMs: 60_000, cpuSeconds: 60 } });
    if (r.code !== 0) result.failure = `${r.timedOut ? 'timed out' : `exit ${r.code ?? r.signal}`}: ${r.stderr.trim().split('\n').slice(-2).join(' | ').slice(0, 300)}`;
    for (const o of outputs) {
      const shipped = ctx.content.tarball(o.path);
      const got = made(scratch, o);
      result.produced.set(o.path, got);
      result.equal.set(o.path, !!got && !!shipped && got.equals(shipped));
      if (got && shipped && got.equals(shipped)) result.normalisations.set(o.path, []);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return result;
}

/** One run of bison as the gnulib module's rule runs it in the grammar's directory, its outputs edited by the rule's seds. */
function runGnulibRule(gen: Generator, grammarPath: string, grammar: Buffer, rule: GnulibGrammarRule, argv: string[], outputs: Output[], ctx: ClassifyContext): Promise<RunResult> {
  const cwd = dirOf(grammarPath);
  return runInScratch(gen, grammarPath, grammar, argv, cwd, outputs, ctx, (scratch, o) => {
    const made = dirOf(o.path) === cwd ? rule.outputs.get(baseOf(o.path)) : undefined;
    const raw = made ? readRegular(join(scratch, cwd, made.from)) : undefined;
    const edits = (made?.scripts ?? []).map((x) => sedLineEdit(x)!);
    return raw ? Buffer.from(raw.toString('latin1').split('\n').map((l) => edits.reduce((t, e) => e(t), l)).join('\n'), 'latin1') : undefined;
  });
}

/** One run through ylwrap: the program in the call's directory, its default outputs read and renamed as ylwrap does
 *  (byte for byte: ylwrap's rename is the rule's own, no #line normalisation on top of it). */
function runYlwrap(gen: Generator, grammarPath: string, grammar: Buffer, call: YlwrapCall, argv: string[], outputs: Output[], ctx: ClassifyContext): Promise<RunResult> {
  return runInScratch(gen, grammarPath, grammar, argv, call.cwd, outputs, ctx, (scratch, o) => {
    const pair = call.renames.find(([, to]) => joinPath(call.cwd, to) === o.path);
    const raw = pair ? readRegular(join(scratch, call.cwd, pair[0])) : undefined;
    return raw ? Buffer.from(ylwrapEdit(raw.toString('latin1'), call.renames), 'latin1') : undefined;
  });
}

async function runOnce(gen: Generator, tool: ParserTool, grammarPath: string, grammar: Buffer, inv: Invocation, withOutput: boolean, options: string[], outputs: Output[], primary: Output, ctx: ClassifyContext, edits: readonly ToolPostEdit[]): Promise<RunResult> {
  const scratch = mkdtempSync(join(tmpdir(), 'distdiff-parser-'));
  const argv = [tool, ...options, ...(withOutput ? ['-o', inv.outputArg] : []), inv.grammarArg];
  const result: RunResult = { argv, cwd: inv.cwd, implied: [], flagsFrom: [], produced: new Map(), equal: new Map(), normalisations: new Map() };
  const outfile = grammarOutfile(tool, grammar.toString('latin1'));
  try {
    const gFull = join(scratch, grammarPath);
    mkdirSync(join(gFull, '..'), { recursive: true });
    writeFileSync(gFull, grammar);
    const outDir = join(scratch, inv.cwd, dirOf(inv.outputArg));
    mkdirSync(outDir, { recursive: true });
    const r = await runSandboxed(gen.bwrap, { scratch, argv, ...(inv.cwd ? { cwd: inv.cwd } : {}), ...(gen.prefix ? { toolchains: [gen.prefix] } : {}), limits: { wallMs: 60_000, cpuSeconds: 60 } });
    if (r.code !== 0) result.failure = `${r.timedOut ? 'timed out' : `exit ${r.code ?? r.signal}`}: ${r.stderr.trim().split('\n').slice(-2).join(' | ').slice(0, 300)}`;
    for (const o of outputs) {
      const shipped = ctx.content.tarball(o.path);
      let got: Buffer | undefined;
      for (const p of producedPath(tool, inv, withOutput, o, primary, outfile)) {
        got = readRegular(join(scratch, p));
        if (got) break;
      }
      // The rule's literal edits of this output after the generator (wget2's sed of fprintf), applied as make would.
      const mine = edits.filter((e) => e.file === o.path);
      if (got && mine.length) got = Buffer.from(mine.reduce((t, e) => applyPostEdit(t, e), got.toString('latin1')), 'latin1');
      result.produced.set(o.path, got);
      const under = got && shipped ? equalUnder(got, shipped, ownNames(grammarPath, outputs)) : undefined;
      result.equal.set(o.path, under !== undefined);
      if (under) result.normalisations.set(o.path, under);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return result;
}

/** The generator a grammar's runs use: the sandbox, and a cached toolchain's prefix (its bin/ first on PATH) or none (the system's). */
interface Generator {
  bwrap: string;
  prefix?: string;
  toolchain?: ParserRun['toolchain'];
}

/**
 * A labelled output nothing here reproduced: unexplained (high), as an unproved gperf output is — a banner naming an
 * old version is no evidence (an edited parser under its old banner would otherwise pass). The evidence says why and
 * which toolchain would prove it.
 */
const unproved = (f: Finding, why: ParserUnproved, ctx: ClassifyContext): Finding => {
  if (f.code !== 'GENERATED_FROM_SOURCE') return f;
  const source = f.evidence.source;
  return {
    ...makeFinding('TARBALL_ONLY_UNEXPLAINED', f.path, { size: ctx.content.tarball(f.path)?.length ?? 0, ...(f.tarballOid ? { oid: f.tarballOid } : {}), buildAffecting: true, parserProof: { ...why, ...(source ? { source } : {}) } }),
    ...(f.change ? { change: f.change } : {}),
    ...(f.tarballOid ? { tarballOid: f.tarballOid } : {}),
    ...(f.tarballMode ? { tarballMode: f.tarballMode } : {}),
  } as Finding;
};

type SourceCopy = { submodule: string; commit: string; file: string };

/** The grammar: the tracked file, or (gnulib's) the pinned submodule's file gnulib-tool copies to that path. */
async function grammarOf(path: string, copy: SourceCopy | undefined, ctx: ClassifyContext): Promise<Buffer | undefined> {
  if (!copy) return ctx.content.git(path);
  const sub = ctx.submodules?.find((s) => s.name === copy.submodule && s.commit === copy.commit);
  return sub?.read(copy.file);
}

/** Prove (or fail to reproduce) one grammar's outputs; returns the findings that replace theirs. */
async function proveGrammar(tool: ParserTool, grammarPath: string, sourceCopy: SourceCopy | undefined, outputs: Output[], ctx: ClassifyContext): Promise<Map<string, Finding>> {
  const out = new Map<string, Finding>();
  const primary = outputs.find((o) => o.primary) ?? outputs[0]!;
  const labelled = (why: ParserUnproved) => {
    for (const o of outputs) out.set(o.path, unproved(o.finding, why, ctx));
    return out;
  };
  const shippedPrimary = ctx.content.tarball(primary.path);
  if (!shippedPrimary || shippedPrimary.length > MAX_BYTES) return labelled({ why: 'not-retained', tool });
  const text = shippedPrimary.toString('latin1');
  const wanted = namedVersion(tool, text.slice(0, 65536)) ?? namedVersion(tool, text);
  if (!wanted) return labelled({ why: 'no-version', tool });
  const have = await systemParserVersion(tool);
  // Not the system's version: a cached toolchain of exactly it, built from the tool's own repository (`distdiff
  // toolchain add --git`). The toolchain modules load on demand, as the gperf proof loads them
  // (test/regenerate/applicable.test.ts): a run with no such output never loads them.
  let cached: { prefix: string; toolchain: NonNullable<ParserRun['toolchain']> } | undefined;
  if (have !== wanted && ctx.toolchainCache) {
    const [{ parserToolchains }, { describeRevision }] = await Promise.all([import('./toolchain.js'), import('./toolchain-git.js')]);
    const t = (await parserToolchains(ctx.toolchainCache, tool, wanted))[0];
    if (t) cached = { prefix: t.prefix, toolchain: { name: baseOf(t.prefix), repo: t.manifest.git!.repo, commit: t.manifest.git!.commit, revision: describeRevision(t.manifest.git!.found) } };
  }
  if (have !== wanted && !cached) return labelled({ why: have ? 'version-unavailable' : 'tool-missing', tool, wanted, ...(have ? { available: have } : {}) });
  if (!ctx.regeneration || ctx.regeneration.status === 'off') return labelled({ why: ctx.regeneration ? 'regeneration-off' : 'not-attempted', tool, wanted });
  const sandbox = await probeSandbox();
  if (!sandbox.ok) return labelled({ why: 'no-sandbox', tool, wanted });
  const gen: Generator = { bwrap: sandbox.bwrap, ...(cached ? { prefix: cached.prefix, toolchain: cached.toolchain } : {}) };
  const grammar = await grammarOf(grammarPath, sourceCopy, ctx);
  if (!grammar || grammar.length > MAX_BYTES) return labelled({ why: 'grammar-unavailable', tool, wanted });

  const rules = new Map<string, string>();
  for (const p of ruleFiles(grammarPath, ctx.gitPaths)) {
    const b = await ctx.content.git(p);
    if (b && b.length <= 2 * 1024 * 1024) rules.set(p, b.toString('latin1'));
  }
  const ro = ruleOptions(tool, grammarPath, rules);
  const configures = new Map<string, string>();
  for (const p of configureFiles(grammarPath, ctx.gitPaths)) {
    const b = await ctx.content.git(p);
    if (b && b.length <= 2 * 1024 * 1024) configures.set(p, b.toString('latin1'));
  }
  // A rule naming the output that runs the generator once and then edits the output with literal substitutions
  // (./generators.ts): the edits are applied to the run's output and named in the evidence.
  const isProgram = (w: string) => (tool === 'flex' ? /^(?:flex|lex|\$[({](?:LEX|FLEX)[)}])$/ : /^(?:bison|yacc|byacc|\$[({](?:YACC|BISON)[)}])$/).test(w);
  const found = await generatorRuleEdits(primary.path, isProgram, tool === 'flex' ? ['LEX', 'flex'] : ['YACC', 'BISON', 'bison', 'yacc'], ctx);
  const edits = found && 'edits' in found ? found.edits : [];
  const inv = invocationOf(primary.path, grammarPath, text);
  const gtext = grammar.toString('latin1');
  const shape = {
    lines: /^#line \d+ "/m.test(text),
    header: outputs.some((o) => /\.(h|hh|hpp)$/.test(o.path)),
    report: outputs.some((o) => o.path.endsWith('.output')),
    // flex -d writes `int yy_flex_debug = 1;`, bison -t `# define YYDEBUG 1` (unless the grammar asks for it itself)
    debug: tool === 'flex' ? /^int yy_flex_debug = 1;$/m.test(text) && !/^%option\b[^\n]*\bdebug\b/m.test(gtext) : tool === 'bison' && /^# define YYDEBUG 1$/m.test(text) && !/^%(?:debug\b|define\s+parse\.trace\b)/m.test(gtext),
  };
  // ... and implied only where a tracked configure gives it through a variable the rules pass (red team 20: an
  // output made with -d/-t that nothing tracked asks for was proved; flex -d prints every token to stderr).
  const debugFrom = shape.debug ? debugFlagSource(tool, grammarPath, rules, configures) : undefined;
  shape.debug = debugFrom !== undefined;
  const tried = new Set<string>();
  const ylwrapRuns = () => [...tried].filter((k) => k.startsWith('ylwrap\0')).length;
  let best: RunResult | undefined;
  /** Per output, the first run that reproduced it. */
  const provedBy = new Map<string, RunResult>();
  const score = (r: RunResult) => [...r.equal.values()].filter(Boolean).length * 2 + (r.equal.get(primary.path) ? 1 : 0) - (r.failure ? 100 : 0);
  // Each option set with -o (the shipped name), then without (the generator's default names, which a rule
  // may rename afterwards: gettext's `bison -d X.y` + sed of X.tab.c); until every output is reproduced.
  // gnulib's own rule for a grammar it ships (parse-datetime): bison in the module's directory, then its seds.
  let gnulibRules: Map<string, string[]> | undefined;
  const gsub = sourceCopy && tool === 'bison' ? ctx.submodules?.find((x) => x.name === sourceCopy.submodule && x.commit === sourceCopy.commit) : undefined;
  const gmod = gsub && sourceCopy ? await gnulibModuleRule(gsub, sourceCopy.file) : undefined;
  if (gmod && gsub) {
    const { options, implied } = impliedOptions(tool, gmod.rule.options, { ...shape, header: false });
    // make runs it in the build directory, srcdir `.`: the grammar as $(srcdir)/GRAMMAR
    const argv = ['bison', ...options, `./${baseOf(grammarPath)}`];
    tried.add(`gnulib\0${argv.join('\0')}`);
    const r = await runGnulibRule(gen, grammarPath, grammar, gmod.rule, argv, outputs, ctx);
    r.implied = implied;
    r.flagsFrom = [`${gsub.name}@${gsub.commit.slice(0, 12)}:${gmod.module}`];
    gnulibRules = new Map([...gmod.rule.outputs].map(([name, m]) => [joinPath(dirOf(grammarPath), name), [m.sed]]));
    best = r;
    for (const o of outputs) if (r.equal.get(o.path) && !provedBy.has(o.path)) provedBy.set(o.path, r);
    r.postEditsOf = gnulibRules;
  }
  // The release's make ran the generator through ylwrap (automake): its own call first, its rename applied.
  const calls = ylwrapCalls(tool, grammarPath, primary.path, rules, (p) => ctx.content.tarball(p), ctx.tarballPaths);
  ylwrap: for (const call of calls) {
    for (const program of call.programs) {
      for (const set of call.options ? [call.options] : ro.sets) {
        if (tried.size >= MAX_YLWRAP_RUNS) break ylwrap;
        const { options, implied } = impliedOptions(tool, set, shape);
        const argv = [...program, ...options, call.grammarArg];
        const key = `ylwrap\0${call.cwd}\0${argv.join('\0')}`;
        if (tried.has(key)) continue;
        tried.add(key);
        const r = await runYlwrap(gen, grammarPath, grammar, call, argv, outputs, ctx);
        r.implied = implied;
        r.flagsFrom = call.options ? [call.rule] : set.length ? ro.files : [];
        const { cwd: _c, grammarArg: _g, programs: _p, options: _o, ...rename } = call;
        r.ylwrap = rename;
        if (!best || score(r) > score(best)) best = r;
        for (const o of outputs) if (r.equal.get(o.path) && !provedBy.has(o.path)) provedBy.set(o.path, r);
        if (provedBy.size === outputs.length) break ylwrap;
      }
    }
  }
  // bison's yacc mode (-y, as automake's YACC = `bison -y` runs it through a rule the tag does not track: gnulib.mk's
  // .y.c) writes the tokens again as `#define` lines under "/* Tokens.  */" — bison 3.x only then (2.x always did):
  // tried after the rules' own sets, named as implied.
  const yaccMode = tool === 'bison' && yaccModeOutput(text, wanted);
  const variants = [...ro.sets.map((set) => ({ set, extra: [] as string[] })), ...(yaccMode ? ro.sets.filter((set) => !set.some((w) => /^(-y|--yacc)$/.test(w))).map((set) => ({ set, extra: ['-y'] })) : [])];
  runs: for (const withOutput of [true, false]) {
    if (provedBy.size === outputs.length) break;
    for (const { set, extra } of variants) {
      const { options, implied: fromShape } = impliedOptions(tool, [...set, ...extra], shape);
      const implied = [...extra, ...fromShape];
      const key = `${withOutput}\0${options.join('\0')}`;
      if (tried.has(key)) continue;
      if (tried.size >= MAX_RUNS + ylwrapRuns()) break runs;
      tried.add(key);
      const r = await runOnce(gen, tool, grammarPath, grammar, inv, withOutput, options, outputs, primary, ctx, edits);
      r.implied = implied;
      r.flagsFrom = set.length ? ro.files : [];
      if (!best || score(r) > score(best)) best = r;
      for (const o of outputs) if (r.equal.get(o.path) && !provedBy.has(o.path)) provedBy.set(o.path, r);
      if (provedBy.size === outputs.length) break runs;
    }
  }
  const run = best!;
  const editsOf = (path: string) => edits.filter((e) => e.file === path).map((e) => e.command);
  const describe = (r: RunResult, path: string) => ({ tool, version: wanted, source: grammarPath, ...(sourceCopy ? { sourceCopy } : {}), command: r.argv, cwd: r.cwd, flagsFrom: r.flagsFrom, implied: r.implied, ...(debugFrom && r.implied.includes(tool === 'flex' ? '-d' : '-t') ? { debugFrom } : {}), ...(editsOf(path).length ? { postEdits: editsOf(path) } : r.postEditsOf?.get(path) ? { postEdits: r.postEditsOf.get(path) } : {}), ...(r.ylwrap ? { ylwrap: r.ylwrap } : {}), ...(gen.toolchain ? { toolchain: gen.toolchain } : {}) });
  for (const o of outputs) {
    const prev = o.finding;
    const by = provedBy.get(o.path);
    if (by) {
      const same = outputs.filter((x) => provedBy.get(x.path) === by).map((x) => x.path);
      out.set(o.path, makeFinding('GENERATED_PARSER_PROVED', o.path, { ...describe(by, o.path), normalisations: by.normalisations.get(o.path) ?? [], outputs: same }));
      continue;
    }
    const shipped = ctx.content.tarball(o.path);
    // an output a tracked rule makes by sed from another output of this run that is proved (gettext's po-gram-gen2.h)
    const from = shipped ? await sedOfProvedOutput(o.path, outputs.filter((x) => provedBy.has(x.path)).map((x) => x.path), ctx) : undefined;
    if (from && shipped && Buffer.from(from.text, 'latin1').equals(shipped)) {
      const by = provedBy.get(from.file)!;
      out.set(o.path, makeFinding('GENERATED_PARSER_PROVED', o.path, { ...describe(by, from.file), normalisations: by.normalisations.get(from.file) ?? [], derivedFrom: { file: from.file, rule: from.rule, command: from.command }, outputs: [o.path] }));
      continue;
    }
    const got = run.produced.get(o.path);
    if (run.failure && !got) {
      // The generator failed on the tag's grammar with these options: no claim either way.
      out.set(o.path, unproved(prev, { why: 'failed', tool, wanted, error: run.failure }, ctx));
      continue;
    }
    let constructs = prev.constructs ?? [];
    let differingLines = 0;
    if (shipped && got) {
      const s = shipped.toString('latin1');
      const added = addedLines(got.toString('latin1'), s);
      differingLines = added?.size ?? 0;
      constructs = added ? findConstructs(s, o.path).filter((c) => added.has(c.line)) : findConstructs(s, o.path);
    }
    const diff = contentDiff(o.path, got ?? Buffer.alloc(0), shipped, { tarballOid: undefined }, { labels: ['regenerated', 'tarball'] });
    const f = makeFinding('GENERATED_PARSER_MISMATCH', o.path, { ...describe(run, o.path), normalisations: [], produced: !!got, differingLines, tried: tried.size }, { ...(constructs.length ? { constructs } : {}), diff });
    out.set(o.path, constructs.length ? escalate(f, 'critical', 'suspicious-constructs') : f);
  }
  return out;
}

/**
 * The text a tracked rule writes to `path` by sed from another output of the run that is proved (gen22): gettext
 * 0.21's `po-gram-gen2.h: po-gram-gen.h` / `$(SED) -e 's/yy/po_gram_/g' -e 's/extern /extern DLL_VARIABLE /'
 * $(srcdir)/po-gram-gen.h > po-gram-gen2.h-tmp && mv po-gram-gen2.h-tmp $(srcdir)/po-gram-gen2.h`. The rule is the
 * Makefile.am's of the file's directory, one command expanded by make's rules: `CMD > TMP && mv [-f] TMP TARGET` or
 * `CMD > TARGET`, TARGET the file; CMD is evaluated by ../classify/shell-subset.ts (sed's subset, cat), never run,
 * over the SHIPPED text of the proved outputs it names — a file it names that is not a proved output of this run and
 * the rule proves nothing (undefined).
 */
async function sedOfProvedOutput(path: string, proved: readonly string[], ctx: ClassifyContext): Promise<{ file: string; rule: string; command: string; text: string } | undefined> {
  if (!proved.length) return undefined;
  const dir = dirOf(path);
  const amPath = dir ? `${dir}/Makefile.am` : 'Makefile.am';
  if (!ctx.gitPaths.has(amPath)) return undefined;
  const amText = (await ctx.content.git(amPath))?.toString('latin1');
  if (amText === undefined) return undefined;
  const am = parseMakefileAm(amPath, (p) => (p === amPath ? amText : undefined));
  let r;
  try {
    r = resolveRule(am, path, builtinVars(topRelOf(dir, ctx.gitPaths)));
  } catch {
    return undefined;
  }
  if (!r || r.commands.length !== 1 || r.undefinedVars.length) return undefined;
  // a backslash-newline inside the recipe is the shell's line continuation: removed, as the shell removes it
  const cmd = r.commands[0]!.replace(/\\\n/g, ' ');
  const isPath = (w: string) => normalizeTarget(w, am.dir) === path;
  let body: string | undefined;
  const viaTmp = /^(.*?)\s*>\s*(\S+)\s*&&\s*mv\s+(?:-f\s+)?(\S+)\s+(\S+)$/.exec(cmd);
  if (viaTmp && viaTmp[2] === viaTmp[3] && isPath(viaTmp[4]!) && !isPath(viaTmp[2]!)) body = viaTmp[1];
  else {
    const direct = /^(.*?)\s*>\s*(\S+)$/.exec(cmd);
    if (direct && isPath(direct[2]!)) body = direct[1];
  }
  if (!body || body.includes('>') || body.includes('&&')) return undefined;
  const evaluated = await evaluateRecipe(`${body} > '$@'`, async (f) => {
    const p = normalizeTarget(f, am.dir);
    return p && proved.includes(p) ? ctx.content.tarball(p)?.toString('latin1') : undefined;
  });
  if (!evaluated || evaluated.inputs.length !== 1) return undefined;
  const file = normalizeTarget(evaluated.inputs[0]!, am.dir)!;
  return { file, rule: amPath, command: r.rule.recipe.join(' ').replace(/\s*\\\n\s*/g, ' ').trim(), text: evaluated.text };
}

/** The outputs of the same run that carry no generator header of their own (a report, a yacc header). */
const COMPANIONS: Record<ParserTool, readonly string[]> = { bison: ['.output', '.h', '.hh'], byacc: ['.h'], flex: [] };

/**
 * The post pass: groups the labelled bison/flex/byacc outputs by grammar (with bison's .output report
 * beside the parser, when it ships), proves each group, and replaces their findings.
 */
export async function parserFindings(findings: Finding[], ctx: ClassifyContext): Promise<Finding[]> {
  const groups = new Map<string, { tool: ParserTool; grammar: string; sourceCopy?: SourceCopy; outputs: Output[] }>();
  for (const f of findings) {
    if (f.code !== 'GENERATED_FROM_SOURCE' || f.evidence.how !== 'generator' || !isParserTool(f.evidence.generator)) continue;
    const tool = f.evidence.generator;
    const key = `${tool}\0${f.evidence.source}`;
    const g = groups.get(key) ?? { tool, grammar: f.evidence.source, ...(f.evidence.sourceCopy ? { sourceCopy: f.evidence.sourceCopy } : {}), outputs: [] };
    g.outputs.push({ path: f.path, finding: f, primary: /\.(c|cc|cpp|cxx|C)$/.test(f.path) });
    groups.set(key, g);
  }
  if (!groups.size) return findings;
  // Index only the paths a group can touch (its outputs and their companions): a per-path map of every
  // finding costs ~50 bytes a finding, ~100 MB with 2,000,000 of them.
  const wanted = new Set<string>();
  for (const g of groups.values())
    for (const o of g.outputs) {
      wanted.add(o.path);
      const stem = o.path.replace(/\.[^./]+$/, '');
      for (const ext of COMPANIONS[g.tool]) wanted.add(`${stem}${ext}`);
    }
  const byPath = new Map<string, number>();
  findings.forEach((f, i) => {
    if (wanted.has(f.path)) byPath.set(f.path, i);
  });
  const out = [...findings];
  for (const g of groups.values()) {
    // One parser per group leads (the .c); a second .c of the same grammar is its own run.
    const primaries = g.outputs.filter((o) => o.primary);
    const runs: Output[][] = primaries.length > 1 ? primaries.map((p) => [p, ...g.outputs.filter((o) => !o.primary && baseOf(o.path).replace(/\.[^.]+$/, '') === baseOf(p.path).replace(/\.[^.]+$/, ''))]) : [g.outputs];
    for (const outputs of runs) {
      const primary = outputs.find((o) => o.primary) ?? outputs[0]!;
      // Outputs of the same run that carry no generator header of their own, when they ship unexplained:
      // bison's report (`-v`, `--report`) and a yacc header (byacc's has no banner) beside the parser.
      const stemPath = primary.path.replace(/\.[^./]+$/, '');
      for (const ext of COMPANIONS[g.tool]) {
        const p = `${stemPath}${ext}`;
        const i = byPath.get(p);
        if (i === undefined || !ctx.content.tarball(p) || outputs.some((o) => o.path === p)) continue;
        if (out[i]!.code === 'TARBALL_ONLY_UNEXPLAINED') outputs.push({ path: p, finding: out[i]!, primary: false });
      }
      let proved: Map<string, Finding>;
      try {
        proved = await proveGrammar(g.tool, g.grammar, g.sourceCopy, outputs, ctx);
      } catch (e) {
        proved = new Map(outputs.map((o) => [o.path, unproved(o.finding, { why: 'failed', tool: g.tool, error: e instanceof Error ? e.message : String(e) }, ctx)]));
      }
      for (const [path, f] of proved) {
        const i = byPath.get(path);
        if (i === undefined) continue;
        const prev = out[i]!;
        // A report that did not reproduce keeps its own finding (it was unexplained before: it stays so).
        if (prev.code === 'TARBALL_ONLY_UNEXPLAINED' && f.code !== 'GENERATED_PARSER_PROVED' && f.code !== 'GENERATED_PARSER_MISMATCH') continue;
        out[i] = { ...f, ...(prev.change ? { change: prev.change } : {}), ...(prev.degraded ? { degraded: prev.degraded } : {}) } as Finding;
      }
    }
  }
  return out;
}

export const parserPostPass: PostPass = { id: 'parsers', run: parserFindings };
