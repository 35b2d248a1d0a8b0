/**
 * A tarball-only file that a rule of a tracked makefile writes with text tools only, made again by replaying
 * that rule in the bubblewrap sandbox and compared byte for byte (issue 11 d, "files produced from tracked
 * sources"): libgpg-error's `$(srcdir)/err-codes.h: Makefile.am mkstrtable.awk err-codes.h.in` rule
 * (`$(AWK) -f $(srcdir)/mkstrtable.awk -v textidx=3 $(srcdir)/err-codes.h.in >$@`), gpgme's CamelCase
 * forwarding headers (`echo -n … > "$@"; echo -n "$@" | tr '[:upper:]' '[:lower:]' >> "$@"`) and its
 * doc/defsincdate (`git log -1 --format='%ct' -- <texinfo files>` when .git exists).
 *
 *   which rule   a rule of the tag's Makefile.am in the file's directory or above (with the fragments it
 *                includes), else a tracked GNUmakefile, Makefile or Makefile.in there, whose target is the
 *                file once make's variables are expanded — the shipped Makefile.in is never read
 *   values       the makefile's own variables, make's and automake's built-ins ($(srcdir) = ., $(top_srcdir)
 *                the way up to the configure directory), and configure's text-tool substitutions mapped to
 *                the system's tools ($(AWK) awk, $(SED) sed, $(GREP) grep, $(EGREP) grep -E, $(FGREP) grep -F;
 *                in a tracked Makefile.in the same as @AWK@ …); with a configure the regeneration reproduced,
 *                autoconf's default directories and the names it assigns once to a literal (configureValues:
 *                cronie's ANACRON_SPOOL_DIR='${localstatedir}/spool/anacron') and LN_S as `ln -s` when AC_PROG_LN_S's
 *                probe alone sets it (lnSFromProbe), a Makefile.am's @NAME@ too; make's $(if …) and $(wildcard NAME)
 *                of a tracked name (MakeFunctions); a
 *                variable nothing defines ($(CC), $(CPP), a computed value …) and the rule is not replayed;
 *                configure's executable suffixes ($(EXEEXT), $(EXEEXT_FOR_BUILD), $(BUILD_EXEEXT)) are empty, as on
 *                every system verified here, and $(MAKE) is make (BUILD_PROGRAM_VALUES)
 *   allow-list   every command of the recipe (after `;`, `&&`, `||`, `|`, `(`, `if`/`then`/`else`/`do` …, in
 *                backquotes too) is a shell built-in or text tool: echo, printf, cat, tr, sed, awk, sort,
 *                cut, grep (and its obsolescent names egrep, fgrep), head, tail, test/[, :, true, false, cd, and git log / describe / rev-parse (read-only;
 *                no --output, -c, -C, --ext-diff, --textconv); mv and rm only on the target or a temporary
 *                name beside it; ln [-s] [-f] of one relative source onto the target ($(LN_S) $< $@: the target is
 *                read through the link, which must resolve to a file of the tree); cp of one relative source (options -p, -f only) onto the target or such a name. An awk program (inline or `-f` a tracked file) that calls system(), pipes
 *                (`| getline`, `print … |`) or redirects its print; a sed script with in-place editing, a
 *                script file, or an e/w/r/R/W command or flag; a redirection to anything but the target, a
 *                temporary name beside it or /dev/null (a plain `< FILE` reads a relative path of the tree, without
 *                `..`: an input of the replay; `<&`, `<>`, `<(…)`, `<<<` and here-documents other than below are
 *                refused); `$(…)` command substitution, a command named by a
 *                variable, a compiler, a built program other than a build program (below), a tracked script run as a program (but a line that is
 *                only a tracked /bin/sh script without arguments stands for its text: inlineScripts, and a tracked
 *                perl script runs: perl scripts, below) — anything else,
 *                and the rule is not replayed (the file keeps its finding; the reason is in its evidence)
 *   build        a build program (buildProgram): a C program the makefile makes from tracked sources of its directory
 *   programs     only, to run at build time — cyrus-sasl's `md5global.h: makemd5$(BUILD_EXEEXT)` / `./$< $@` (automake's
 *                noinst_PROGRAMS, makemd5_SOURCES = makemd5.c), libidn2's `data.c:` / `$(MAKE) gendata$(EXEEXT)` /
 *                `$(builddir)/gendata$(EXEEXT) < $(IDNA_TABLE) > $@.new`, nettle's `./desdata$(EXEEXT_FOR_BUILD)
 *                $(@F)` (make's `%: %.c` of a tracked desdata.c). Its sources are its automake NAME_SOURCES, else the
 *                tracked NAME.c; the program is compiled in the sandbox by a line distdiff writes, never the
 *                makefile's own compile recipe (`cc -o NAME -I. [-ITOP] [FLAGS] SOURCES.c -lm`: FLAGS only the
 *                -D/-U words with a literal value and the -I of a directory of the tree that INCLUDES and its NAME_CPPFLAGS,
 *                else AM_CPPFLAGS, give — libidn2's -DSRCDIR=\"$(srcdir)\" — no other flag, no library, no
 *                source the makefile names besides those), and the recipe may then run it as `./NAME ARGS` (its
 *                output still goes to the target or a temporary name beside it) or build it as `make NAME` (the
 *                compile line stands for that line). A program that needs a configured header, another library or
 *                other flags does not compile or does not reproduce: the file keeps its finding
 *   perl         a tracked perl script the recipe runs (perlScript): `perl [-w] SCRIPT ARGS` or `DIR/SCRIPT ARGS` with a
 *   scripts      perl shebang — mosh's `perl $(srcdir)/genbase64.pl >> base64_vector.cc`, libidn2's
 *                `$(srcdir)/gen-utc-test.pl < $< > $@`; the script is an input, perl (with its version) a tool; it runs
 *                in the sandbox like every replay (the tracked tree, no network), and its output is compared byte for
 *                byte like any other; no other perl option (-e, -n, -i, -M …), no script outside the tracked tree
 *   scripts      a tarball-only file no rule names, written by name by a tracked /bin/sh script of its directory
 *                (memcached's version.sh): the script's text replayed in a tree of its own (planScripts)
 *   inputs       the prerequisites must be tracked, or themselves tarball-only files a replayable rule makes
 *                (replayed first), or the Makefile configure writes from the Makefile.am read (for its date only:
 *                absent from the replay's tree); any other, and it is not replayed. A quoted here-document's body
 *                is data, not commands (withoutHereDocs)
 *   run          in a scratch copy of the tag's tracked files only (no tarball file is present), in the
 *                makefile's directory, each recipe line with /bin/sh -c as make runs it; a rule that asks
 *                git sees the read-only git checkout of the revision (./git-view.ts)
 *   compare      byte for byte with the shipped file; the evidence names the rule (file:line), the commands,
 *                the tool versions the sandbox ran
 */
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { join, posix, sep } from 'node:path';
import type { HashAlgo, TreeEntry } from '../core/types.js';
import type { NotReplayed, ReplayRefusal } from '../core/regeneration.js';
import { blobId } from '../scan/blob-id.js';
import { runMakeCommands } from './autotest.js';
import { viewMounts, writeGitView, type GitCheckout } from './git-view.js';
import { builtinVars, expandMake, MakeExpandError, parseMakefileAm, resolveRule, type MakeFunctions, type Makefile, type ResolvedRule } from '../util/makefile.js';
import { shellTokens, type ShellToken } from '../util/shell-tokens.js';
import { runSandboxed, type SandboxLimits } from './sandbox.js';
import type { RegenInput, RegeneratedOutput } from './types.js';

/** configure's substitutions of text tools, as the system's tools. */
export const TEXT_TOOL_VALUES: ReadonlyMap<string, string> = new Map([
  ['AWK', 'awk'],
  ['SED', 'sed'],
  ['GREP', 'grep'],
  ['EGREP', 'grep -E'],
  ['FGREP', 'grep -F'],
]);

/**
 * autoconf's default installation directories, as a configure run without options writes them into every Makefile
 * (`prefix = /usr/local`, `localstatedir = ${prefix}/var` …; autoconf 2.59 to 2.72 alike, runstatedir since 2.70):
 * make expands them as it would. A name is a value only where the proved configure substitutes it.
 */
export const AUTOCONF_DIR_DEFAULTS: ReadonlyMap<string, string> = new Map([
  ['prefix', '/usr/local'],
  ['exec_prefix', '${prefix}'],
  ['bindir', '${exec_prefix}/bin'],
  ['sbindir', '${exec_prefix}/sbin'],
  ['libexecdir', '${exec_prefix}/libexec'],
  ['datarootdir', '${prefix}/share'],
  ['datadir', '${datarootdir}'],
  ['sysconfdir', '${prefix}/etc'],
  ['sharedstatedir', '${prefix}/com'],
  ['localstatedir', '${prefix}/var'],
  ['runstatedir', '${localstatedir}/run'],
  ['includedir', '${prefix}/include'],
  ['oldincludedir', '/usr/include'],
  ['docdir', '${datarootdir}/doc/${PACKAGE_TARNAME}'],
  ['infodir', '${datarootdir}/info'],
  ['htmldir', '${docdir}'],
  ['dvidir', '${docdir}'],
  ['pdfdir', '${docdir}'],
  ['psdir', '${docdir}'],
  ['libdir', '${exec_prefix}/lib'],
  ['localedir', '${datarootdir}/locale'],
  ['mandir', '${datarootdir}/man'],
]);

/** What a configure substitutes (its ac_subst_vars) and the values a replay may take from it. */
export interface ConfigureValues {
  subst: Set<string>;
  values: Map<string, string>;
}

/**
 * The values of a configure script (one that reproduced byte for byte from the tag's configure.ac, so its text is the
 * tag's) that a replay may use: of the names it substitutes (ac_subst_vars), autoconf's default directories
 * (AUTOCONF_DIR_DEFAULTS) and every name the script assigns exactly once, to a literal — `NAME='text'` (what is in
 * single quotes the shell keeps as written: cronie's `ANACRON_SPOOL_DIR='${localstatedir}/spool/anacron'`, which
 * make then expands), `NAME="text"` or `NAME=word` without `$`, backquote or backslash, nothing after it on the line
 * but a separator. A name assigned twice, from another variable or a command, or by `for`/`read`/`${NAME=…}`, is
 * computed: it is no value here (a rule using it is not replayed).
 */
export function configureValues(configure: string): ConfigureValues {
  const list = /^ac_subst_vars='([^']*)'/m.exec(configure);
  const subst = new Set(list ? list[1]!.split(/\s+/).filter(Boolean) : []);
  const values = new Map<string, string>();
  for (const name of subst) {
    const dir = AUTOCONF_DIR_DEFAULTS.get(name);
    if (dir !== undefined) {
      values.set(name, dir);
      continue;
    }
    if (!/^[A-Za-z_]\w*$/.test(name)) continue;
    if (new RegExp(`\\b(?:for|read)\\s+(?:[^;\\n]*\\s)?${name}\\b|\\$\\{${name}:?[=?+-]`).test(configure)) continue;
    const assigns = [...configure.matchAll(new RegExp(`(?:^|[\\s;&|({\`])${name}=(.*)$`, 'gm'))];
    if (assigns.length !== 1) continue;
    const m = /^(?:'([^']*)'|"([^"$`\\]*)"|([^\s'"$`\\;&|()<>]*))(?=\s*(?:$|;|&&|\|\||\)|#))/.exec(assigns[0]![1]!);
    if (m) values.set(name, m[1] ?? m[2] ?? m[3]!);
  }
  if (subst.has('LN_S') && !values.has('LN_S') && lnSFromProbe(configure)) values.set('LN_S', 'ln -s');
  return { subst, values };
}

/**
 * Whether a configure's LN_S is AC_PROG_LN_S's probe result: `LN_S=$as_ln_s` (autoconf's m4sh sets `as_ln_s` to
 * `ln -s` where symbolic links work, else `ln` or `cp -pR`; libtool's LT_INIT runs the same probe) and nothing
 * else assigns LN_S but libtool's `test -z "$LN_S" && LN_S="ln -s"` and its config.status `LN_S=$lt_LN_S` echo of
 * it (with its delayed-quoting re-echo of the same value). Each of those values gives the target the bytes of its source once make dist's `tar chof` dereferences the
 * link, so a replay may take `ln -s` (the target is then read through the link, which must stay in the tree).
 */
export function lnSFromProbe(configure: string): boolean {
  if (!/^LN_S=\$as_ln_s$/m.test(configure)) return false;
  for (const m of configure.matchAll(/(?:^|[\s;&|({`])as_ln_s=(.*)$/gm)) if (!/^(?:'ln -s'|ln|'cp -pR'|'cp -p')\s*$/.test(m[1]!)) return false;
  for (const m of configure.matchAll(/(?:^|[\s;&|({`])LN_S=(.*)$/gm)) if (!/^(?:\$as_ln_s|"ln -s"|\$lt_LN_S|'`\$ECHO "\$LN_S" \| \$SED "\$delay_single_quote_subst"`')\s*$/.test(m[1]!)) return false;
  return true;
}

/**
 * configure's executable suffixes, empty on every system a release is verified on (no `.exe`), and make itself: the
 * values a rule that builds and runs a build program (buildProgram) is expanded with.
 */
export const BUILD_PROGRAM_VALUES: ReadonlyMap<string, string> = new Map([
  ['EXEEXT', ''],
  ['EXEEXT_FOR_BUILD', ''],
  ['BUILD_EXEEXT', ''],
  ['MAKE', 'make'],
]);

/** A word's `$(EXEEXT)`-like suffix: the empty executable suffixes of BUILD_PROGRAM_VALUES, so the two cannot drift. */
const EXEEXT_SUFFIX = new RegExp(`\\$\\((?:${[...BUILD_PROGRAM_VALUES].filter(([k, v]) => /EXEEXT/.test(k) && v === '').map(([k]) => k).join('|')})\\)$`);

/** A C program a makefile builds from tracked sources of its directory, to run at build time (see the header). */
export interface BuildProgram {
  /** Its name in the makefile's directory (what `./NAME` runs). */
  name: string;
  /** Its sources, relative to that directory: the .c files compiled, the .h files they may include. */
  sources: string[];
  /** The makefile's -D/-U/-I preprocessor flags for it (preprocessorFlags), when it has any. */
  flags?: string[];
}

/**
 * The build program `name` of `am` (relative to its directory), or undefined: a plain name, not itself a file of the
 * tag, whose sources are its automake NAME_SOURCES (the name listed in a *_PROGRAMS variable; each source a tracked
 * .c or .h of the directory, at least one .c) or, without NAME_SOURCES, the tracked NAME.c of the directory (automake's
 * default source; make's `%: %.c`). `tracked` answers repository paths.
 */
export function buildProgram(am: Makefile, name: string, tracked: (path: string) => boolean, values: ReadonlyMap<string, string>): BuildProgram | undefined {
  if (!/^[A-Za-z0-9_][\w+-]*$/.test(name)) return undefined;
  const at = (f: string) => (am.dir ? `${am.dir}/${f}` : f);
  if (tracked(at(name))) return undefined;
  const canon = name.replace(/[^A-Za-z0-9_@]/g, '_');
  const listed = [...am.vars].some(([k, v]) => k.endsWith('_PROGRAMS') && v.split(/\s+/).some((w) => w.replace(EXEEXT_SUFFIX, '') === name));
  const declared = am.vars.get(`${canon}_SOURCES`);
  let sources: string[];
  if (declared !== undefined && listed) {
    try {
      sources = expandMake(declared, am.vars, values).split(/\s+/).filter(Boolean).map((w) => w.replace(/^(?:\$\(srcdir\)|\.)\//, ''));
    } catch {
      return undefined;
    }
  } else if (declared === undefined) sources = [`${name}.c`];
  else return undefined;
  if (!sources.some((f) => f.endsWith('.c'))) return undefined;
  if (!sources.every((f) => /^[\w.+-]+\.[ch]$/.test(f) && tracked(at(f)))) return undefined;
  // a rule of the makefile naming the program with other C sources (libksba's `asn1-gentables$(EXEEXT_FOR_BUILD):
  // asn1-gentables.c asn1-parse.c asn1-func.c gen-help.c`, nettle's `eccdata$(EXEEXT_FOR_BUILD): mini-gmp.c`): the
  // program is more than these sources, so it is none
  for (const rule of am.rules) {
    if (rule.targets.some((t) => t.includes('%'))) continue;
    // (expanded as resolveRule expands targets: an undefined variable is empty; a target list it cannot expand names nothing)
    let targets: string[];
    try {
      targets = expandMake(rule.targets.join(' '), am.vars, values, {}, new Set()).split(/\s+/);
    } catch {
      continue;
    }
    if (!targets.includes(name)) continue;
    try {
      const pre = expandMake(rule.prerequisites.join(' '), am.vars, values, {}, new Set()).split(/\s+/).filter((w) => /\.[ch]$/.test(w)).map((w) => w.replace(/^(?:\$\(srcdir\)|\.)\//, ''));
      if (pre.some((w) => !sources.includes(w))) return undefined;
    } catch {
      return undefined;
    }
  }
  const flags = preprocessorFlags(am, canon, values);
  return { name, sources, ...(flags.length ? { flags } : {}) };
}

/** A -D/-U word whose value is literal (`-DSRCDIR=\\".\\"` as make passes it to the shell), nothing the shell expands. */
const DEFINE_WORD = /^-[DU][A-Za-z_]\w*(?:=(?:[\w.+\/:,-]*|\\"[\w.+\/:,-]*\\"))?$/;

/**
 * The preprocessor flags automake compiles program `canon` with — the makefile's INCLUDES, then its NAME_CPPFLAGS,
 * else AM_CPPFLAGS (libidn2's `AM_CPPFLAGS += -DIDN2_BUILDING -DSRCDIR=\"$(srcdir)\"`, which its gentr46map.c reads) —
 * expanded with the rule's values (an undefined variable is empty), keeping only -D/-U words with a literal value and
 * -I of a directory inside the tree: never a configure value we do not know, an option, a path outside the tree.
 */
function preprocessorFlags(am: Makefile, canon: string, values: ReadonlyMap<string, string>): string[] {
  const raw = [am.vars.get('INCLUDES'), am.vars.get(`${canon}_CPPFLAGS`) ?? am.vars.get('AM_CPPFLAGS')].filter(Boolean).join(' ');
  let text: string;
  try {
    text = expandMake(raw, am.vars, values, {}, new Set());
  } catch {
    return [];
  }
  return text.split(/\s+/).filter((w) => {
    if (DEFINE_WORD.test(w)) return true;
    const dir = /^-I([\w.+\/-]+)$/.exec(w)?.[1];
    if (dir === undefined || dir.startsWith('/')) return false;
    const inTree = posix.normalize(posix.join(am.dir || '.', dir));
    return inTree !== '..' && !inTree.startsWith('../');
  });
}

/** The line distdiff compiles a build program with (in its makefile's directory; `top` the way up to the configure directory). */
export function compileLine(p: BuildProgram, top: string): string {
  const inc = top && top !== '.' ? ` -I${top}` : '';
  const flags = p.flags?.length ? ` ${p.flags.join(' ')}` : '';
  return `cc -o ${p.name} -I.${inc}${flags} ${p.sources.filter((f) => f.endsWith('.c')).join(' ')} -lm`;
}

/** Shell built-ins and keywords a recipe may use. */
const BUILTINS = new Set(['echo', 'printf', 'test', '[', ':', 'true', 'false', 'cd']);
/** Text tools (programs of the system's /usr/bin). */
const TEXT_TOOLS = new Set(['cat', 'tr', 'sed', 'awk', 'sort', 'cut', 'grep', 'egrep', 'fgrep', 'head', 'tail', 'basename', 'dirname']);
const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '{', '}', '!']);
const GIT_READ = new Set(['log', 'describe', 'rev-parse']);
const TMP_SUFFIX = /^(?:[.-]?t(?:mp)?|T|\.new)$/;

export type Seg = { text: string; quoted: boolean } | { sub: string; quoted: boolean } | { var: string; quoted: boolean };
type Tok = { word: Seg[] } | { op: string };

/** What the check found the recipe uses: the external tools, and whether git is asked. */
export interface RecipeUse {
  tools: Set<string>;
  asksGit: boolean;
  /** The files a plain `< FILE` input redirection reads (relative to the recipe's directory), when there are any. */
  reads?: Set<string>;
  /** The build programs the recipe runs (`./NAME`) or builds (`make NAME`), by name, when there are any. */
  programs?: Set<string>;
  /** The tracked perl scripts the recipe runs (perlScript; relative to the recipe's directory), when there are any. */
  perlScripts?: Set<string>;
}

/** A perl script's first line when it is run by its name: `#!/usr/bin/perl`, `#!/usr/bin/env perl`, with -w at most. */
const PERL_SHEBANG = /^#![ \t]*(?:\/usr\/bin\/perl|\/usr\/bin\/env[ \t]+perl)(?:[ \t]+-w)?[ \t]*\r?$/;

/**
 * The tracked perl script a recipe command runs, or undefined: `perl [-w] SCRIPT ARGS…` (mosh's `perl
 * $(srcdir)/genbase64.pl >> base64_vector.cc`) or `DIR/SCRIPT ARGS…` run by a path whose first line is a perl shebang
 * (libidn2's `$(srcdir)/gen-utc-test.pl < $< > $@`); SCRIPT a relative path without `..` that `read` finds among the
 * tag's tracked files. No other perl option (-e, -i, -n, -I, -M …): the program is always a tracked file's text.
 */
export function perlScript(name: string, args: readonly string[], read: (path: string) => string | undefined): string | undefined {
  let script: string | undefined;
  if (name === 'perl') {
    let i = 0;
    while (args[i] === '-w') i++;
    script = args[i];
  } else if (name.includes('/')) script = name;
  if (script === undefined || script === '\u0000' || !/^[\w.+@,=-]+(?:\/[\w.+@,=-]+)*$/.test(script) || script.split('/').includes('..')) return undefined;
  const text = read(script);
  if (text === undefined) return undefined;
  if (name !== 'perl' && !PERL_SHEBANG.test(text.slice(0, text.indexOf('\n') < 0 ? undefined : text.indexOf('\n')))) return undefined;
  return posix.normalize(script);
}

class Refused extends Error {
  constructor(readonly refusal: ReplayRefusal) {
    super(refusal.kind);
  }
}
const refuse = (r: ReplayRefusal): never => {
  throw new Refused(r);
};

/** A token of util/shell-tokens.ts in the form read here: text / var / sub segments, a newline operator as `;`. */
function asTok(t: ShellToken): Tok {
  if ('op' in t) return { op: t.op === '\n' ? ';' : t.op };
  return {
    word: t.word.map((g): Seg => {
      if (g.kind === 'text') return { text: g.text, quoted: g.quote !== '' };
      if (g.kind === 'var') return { var: g.name, quoted: g.quoted };
      return { sub: g.command, quoted: g.quoted };
    }),
  };
}

const literal = (w: Seg[]): string | undefined => (w.every((s) => 'text' in s) ? w.map((s) => (s as { text: string }).text).join('') : undefined);

/**
 * A word's value when it is known without running anything but `basename`/`dirname` of a literal: text, a shell
 * variable the same recipe line assigned such a value before (`known`), a backquoted `basename WORD` or `dirname
 * WORD` of a literal word (nettle's `f="$(srcdir)/\`basename $@\`"; ./desdata $(@F) > $${f}T`). Anything else:
 * undefined (the word is unreadable here, as before).
 */
export function staticWord(w: readonly Seg[], known: ReadonlyMap<string, string>): string | undefined {
  let out = '';
  for (const g of w) {
    if ('text' in g) out += g.text;
    else if ('var' in g) {
      const v = known.get(g.var);
      if (v === undefined) return undefined;
      out += v;
    } else {
      const m = /^\s*(basename|dirname)\s+([\w.\/+@,=-]+)\s*$/.exec(g.sub);
      if (!m) return undefined;
      out += m[1] === 'basename' ? posix.basename(m[2]!) : posix.dirname(m[2]!);
    }
  }
  return out;
}

/** An awk program's text with its string literals and comments removed. */
function awkCode(program: string): string {
  let out = '';
  for (let i = 0; i < program.length; i++) {
    const c = program[i]!;
    if (c === '"') {
      for (i++; i < program.length && program[i] !== '"'; i++) if (program[i] === '\\') i++;
      out += '""';
    } else if (c === '#') {
      while (i < program.length && program[i] !== '\n') i++;
      out += '\n';
    } else out += c;
  }
  return out;
}

/** Why an awk program may not be replayed (it runs commands or writes files), or undefined. */
export function awkProgramProblem(program: string): string | undefined {
  const code = awkCode(program);
  if (/\bsystem\s*\(/.test(code)) return 'system()';
  if (/\|\s*getline\b|\|&/.test(code)) return '| getline';
  for (const m of code.matchAll(/\bprintf?\b/g)) {
    let depth = 0;
    for (let i = m.index! + m[0].length; i < code.length; i++) {
      const c = code[i]!;
      if (c === '\\' && code[i + 1] === '\n') { i++; continue; }
      if (c === '(' || c === '[') depth++;
      else if (c === ')' || c === ']') depth--;
      else if (depth <= 0 && (c === ';' || c === '\n' || c === '}')) break;
      else if (depth === 0 && (c === '>' || c === '|')) return `print ${c}`;
    }
  }
  return undefined;
}

/** Why a sed invocation may not be replayed (in-place, a script file, commands that run or write), or undefined. */
export function sedProblem(args: readonly string[]): string | undefined {
  const scripts: string[] = [];
  let explicit = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-i' || a.startsWith('--in-place') || /^-[nrEsuz]*i/.test(a)) return 'in-place';
    if (a === '-f' || a.startsWith('--file') || /^-[nrEsuz]*f/.test(a)) return 'script file';
    if (a === '-e' || a === '--expression') { scripts.push(args[++i] ?? ''); explicit = true; }
    else if (a.startsWith('--expression=')) { scripts.push(a.slice(13)); explicit = true; }
    else if (/^-[nrEsuz]+$/.test(a) || a === '--posix' || a === '--quiet' || a === '--silent' || a === '--regexp-extended') continue;
    else if (a.startsWith('-')) return `option ${a}`;
    else if (!explicit && !scripts.length) scripts.push(a);
  }
  for (const s of scripts) {
    // A command letter e/w/W/r/R at a command's start (after an address), or an s command's e/w flag.
    if (/(?:^|[;{}\n])\s*(?:(?:\d+|\$|\/(?:\\.|[^/\\])*\/)(?:\s*,\s*(?:\d+|\$|\/(?:\\.|[^/\\])*\/))?\s*!?\s*)?[ewWrR](?:\s|$|;)/.test(s)) return 'e/w/r command';
    for (const m of s.matchAll(/(?:^|[;{}\n\s])s(.)/g)) {
      const d = m[1]!;
      if (/[\s\\\n]/.test(d)) continue;
      let i = m.index! + m[0].length;
      let parts = 0;
      for (; i < s.length && parts < 2; i++) {
        if (s[i] === '\\') i++;
        else if (s[i] === d) parts++;
      }
      const flags = /^[\w]*/.exec(s.slice(i))![0];
      if (/[ew]/.test(flags)) return `s flag ${flags}`;
    }
  }
  return undefined;
}

/**
 * Check the expanded commands of a rule against the allow-list. `target` is the target as make named it ($@);
 * `readProgram` reads an awk -f file (relative to the rule's directory) from the tracked tree.
 */
export function checkRecipe(commands: readonly string[], target: string, readProgram: (path: string) => string | undefined, opts: { inTree?: boolean; isProgram?: (name: string) => boolean } = {}): RecipeUse | ReplayRefusal {
  const use: RecipeUse = { tools: new Set(), asksGit: false };
  // opts.inTree (a release script replayed in a tree of its own, replayScripts): it may write and read any relative
  // path inside that tree — no absolute path, no `..`, no `~`
  const relPath = (w: string) => w !== '\u0000' && /^[\w.+@,=-]+(?:\/[\w.+@,=-]+)*$/.test(w) && !w.split('/').includes('..');
  const treePath = (w: string) => !!opts.inTree && relPath(w);
  const targetish = (w: string) => {
    const t = w.replace(/^\.\//, '');
    const tgt = target.replace(/^\.\//, '');
    return t === tgt || (t.startsWith(tgt) && TMP_SUFFIX.test(t.slice(tgt.length))) || treePath(t);
  };
  const checkCommand = (name: string, args: string[]) => {
    if (BUILTINS.has(name)) return;
    // a build program run by its relative name, or built by `make NAME` (the compile line distdiff writes replaces it)
    const program = name.startsWith('./') ? name.slice(2) : name === 'make' && args.length === 1 ? args[0]! : undefined;
    if (program !== undefined && opts.isProgram?.(program)) {
      (use.programs ??= new Set()).add(program);
      use.tools.add('cc');
      return;
    }
    if (TEXT_TOOLS.has(name)) {
      use.tools.add(name);
      if (name === 'sed') {
        const p = sedProblem(args);
        if (p) refuse({ kind: 'sed-script', args: { problem: p } });
      }
      if (name === 'awk') {
        // Every program text is checked: each `-f FILE` (a tracked file), else the first operand. Options other
        // than -v/-F (gawk's -e/--source/--file/--exec, mawk's -W …) are refused.
        const programs: string[] = [];
        for (let i = 0; i < args.length; i++) {
          const a = args[i]!;
          if (a === '-f') {
            const file = args[++i] ?? '';
            const text = readProgram(file);
            if (text === undefined) refuse({ kind: 'awk-program', args: { problem: `-f ${file} is not a tracked file` } });
            programs.push(text!);
            continue;
          }
          if (a === '-v' || a === '-F') { i++; continue; }
          if (/^-[vF]./.test(a)) continue;
          if (a.startsWith('-')) refuse({ kind: 'awk-program', args: { problem: `option ${a}` } });
          if (!programs.length) programs.push(a);
          break;
        }
        const p = programs.length ? programs.map(awkProgramProblem).find(Boolean) : 'no program';
        if (p) refuse({ kind: 'awk-program', args: { problem: p } });
      }
      if (name === 'sort' && args.some((a) => a === '-o' || a.startsWith('--output') || /^-\w*o/.test(a))) refuse({ kind: 'command', args: { command: `sort ${args.join(' ')}`.slice(0, 120) } });
      return;
    }
    if (name === 'git') {
      const sub = args[0] ?? '';
      if (!GIT_READ.has(sub)) refuse({ kind: 'git-subcommand', args: { subcommand: sub } });
      const bad = args.find((a) => /^--(?:output|ext-diff|textconv|exec|upload-pack)/.test(a) || a === '-c' || a === '-C' || a === '-o');
      if (bad) refuse({ kind: 'git-subcommand', args: { subcommand: `${sub} ${bad}` } });
      use.tools.add('git');
      use.asksGit = true;
      return;
    }
    if (name === 'cp') {
      // `cp [-p|-f] SOURCE TARGET` (libidn2's doc/Makefile.am: `example-toascii.c: $(top_srcdir)/examples/example-toascii.c`
      // / `cp $< $@`): one relative source — in the sandbox only the tracked tree is there — onto the target or a
      // temporary name beside it; no other option (-r, -L, --parents, -t …), no absolute source
      const files = args.filter((a) => !/^-[pf]+$/.test(a));
      if (files.length === 2 && !files[0]!.startsWith('-') && !files[0]!.startsWith('/') && files[0] !== '\u0000' && targetish(files[1]!)) {
        use.tools.add('cp');
        return;
      }
    }
    if (name === 'ln') {
      // `ln [-s] [-f] SOURCE TARGET` ($(LN_S) $< $@, the AC_PROG_LN_S value): one relative source inside the tree onto
      // the target; the target is read through the link (make dist's `tar chof` dereferences it)
      const files = args.filter((a) => !/^-[sf]+$/.test(a));
      if (files.length === 2 && !files[0]!.startsWith('-') && !files[0]!.startsWith('/') && files[0] !== '\u0000' && targetish(files[1]!)) {
        use.tools.add('ln');
        return;
      }
    }
    if (name === 'mv' || name === 'rm') {
      const files = args.filter((a) => !/^-[fv]+$/.test(a));
      if (files.length && files.every(targetish)) return;
    }
    if (name === 'touch') {
      // `touch $@` (pcsc-lite's `if test -f $@; then touch $@; else … ./gen > $@.tmp; mv $@.tmp $@; fi`): only the
      // target or a temporary name beside it, with no option but -c (no -r/-d/-t: a date read from elsewhere). It
      // changes a timestamp, never content: the comparison reads bytes only.
      const files = args.filter((a) => a !== '-c');
      if (files.length && files.every((f) => !f.startsWith('-') && targetish(f))) {
        use.tools.add('touch');
        return;
      }
    }
    const perl = perlScript(name, args, readProgram);
    if (perl !== undefined) {
      (use.perlScripts ??= new Set()).add(perl);
      use.tools.add('perl');
      return;
    }
    refuse({ kind: 'command', args: { command: name.slice(0, 120) } });
  };

  const walk = (raw: string, depth: number) => {
    if (depth > 4) refuse({ kind: 'syntax', args: { construct: 'nested-substitution' } });
    const text = withoutHereDocs(raw);
    if (/\$\(/.test(text.replace(/'[^']*'/g, ''))) refuse({ kind: 'syntax', args: { construct: 'command-substitution' } });
    let toks: Tok[];
    try {
      // stderr sent to /dev/null changes no output: `2>/dev/null` is read as nothing (the command runs as written).
      toks = shellTokens(text.replace(/(^|[\s;&|()])2>\s*\/dev\/null(?=[\s;&|()]|$)/g, '$1')).map(asTok);
    } catch (e) {
      return refuse({ kind: 'syntax', args: { construct: 'tokenizer', text: e instanceof Error ? e.message : String(e) } });
    }
    // shell variables this line assigned a static value (staticWord), for the words after the assignment
    // (only assignments before any `&&`, `||`, `|`, group or keyword: after one, an assignment may not run, so the
    // variable is unknown from there on)
    const known = new Map<string, string>();
    let plain = true;
    let expectCmd = true;
    let forList = false;
    let redirect: false | 'in' | 'out' = false;
    let cmd: { name: string; args: string[] } | undefined;
    const end = () => {
      if (cmd) checkCommand(cmd.name, cmd.args);
      cmd = undefined;
    };
    for (const t of toks) {
      if ('op' in t) {
        // one operator after another (`<>`, `<&`, `>&`, `< (`): no plain redirection
        if (redirect) refuse({ kind: 'redirect', args: { target: t.op } });
        if (t.op === '<') {
          // a plain `< FILE`: the file the command reads, an input operand like its file arguments (nano 5.4's
          // `groff -t -mandoc -Thtml < $? > $@`): a relative path of the replay's tree (below)
          redirect = 'in';
          continue;
        }
        if (t.op === '&') refuse({ kind: 'syntax', args: { construct: 'tokenizer', text: `operator ${t.op}` } });
        if (t.op === '{' || t.op === '}') {
          // Braces as a tokenizer's operators: the group keywords.
          plain = false;
          end();
          expectCmd = t.op === '{';
          continue;
        }
        if (t.op === '>' || t.op === '>>') {
          redirect = 'out';
          continue;
        }
        if (forList && t.op !== ';') refuse({ kind: 'syntax', args: { construct: 'for-list', text: t.op } });
        if (t.op !== ';') plain = false;
        end();
        forList = false;
        expectCmd = t.op !== ')';
        continue;
      }
      for (const s of t.word) if ('sub' in s) walk(s.sub, depth + 1);
      const lit = literal(t.word) ?? staticWord(t.word, known);
      if (redirect) {
        const input = redirect === 'in';
        redirect = false;
        if (input && (lit === undefined || !relPath(lit.replace(/^\.\//, '')))) refuse({ kind: 'redirect', args: { target: `< ${(lit ?? '$').slice(0, 110)}` } });
        if (input) {
          (use.reads ??= new Set()).add(lit!.replace(/^\.\//, ''));
          continue;
        }
        if (lit === undefined || !(targetish(lit) || lit === '/dev/null')) refuse({ kind: 'redirect', args: { target: (lit ?? t.word.map((s) => ('text' in s ? s.text : '$')).join('')).slice(0, 120) } });
        continue;
      }
      if (forList) continue;
      if (cmd) {
        // A file-descriptor number before `>` (2>/dev/null) is no argument.
        cmd.args.push(lit ?? '\u0000');
        continue;
      }
      if (!expectCmd) {
        if (lit !== undefined && /^\d$/.test(lit)) continue;
        refuse({ kind: 'syntax', args: { construct: 'word-after-group', text: lit ?? '$' } });
      }
      if (lit === undefined) refuse({ kind: 'command', args: { command: t.word.map((s) => ('text' in s ? s.text : 'var' in s ? `$${s.var}` : '`…`')).join('').slice(0, 120) } });
      if (KEYWORDS.has(lit!)) {
        plain = false;
        expectCmd = lit !== 'fi' && lit !== 'done' && lit !== '}';
        continue;
      }
      if (lit === 'for') {
        plain = false;
        forList = true;
        continue;
      }
      const assign = /^([A-Za-z_]\w*)=/.exec(lit!);
      if (assign) {
        if (plain) known.set(assign[1]!, lit!.slice(assign[0].length));
        else known.delete(assign[1]!);
        continue;
      }
      cmd = { name: lit!, args: [] };
    }
    if (redirect) refuse({ kind: 'redirect', args: { target: '' } });
    end();
  };
  try {
    for (const c of commands) walk(c, 0);
  } catch (e) {
    if (e instanceof Refused) return e.refusal;
    throw e;
  }
  // Arguments the tokenizer marked as unreadable are fine; a command named by one was refused above.
  return use;
}

/**
 * A recipe line that is nothing but a tracked shell script run without arguments — `./makeREADME.sh`, `sh gen.sh`,
 * `/bin/sh ./gen.sh` (qrencode 4.1.1's `README: $(README_markdown_optional)` / `$(if $(README_markdown_optional),
 * ./makeREADME.sh)`) — stands for the script's text: that text replaces the line, so checkRecipe reads every
 * command of it against the same allow-list and the replay runs it as recipe text with /bin/sh -c (the script file
 * is never run as a program). The script is one of the replay's inputs. Refused: a script that reads its arguments
 * or its own name ($0, $1 …, $@, $*, $#: sh -c would give other values), one with a shebang other than /bin/sh or
 * none that sh reads the same (#!/bin/bash …), a script naming another script line (no nesting). `read` answers a
 * path relative to the makefile's directory with the tracked file's repository path and text, or undefined.
 */
export function inlineScripts(commands: readonly string[], read: (path: string) => { path: string; text: string } | undefined): { commands: string[]; scripts: string[] } | ReplayRefusal {
  const scripts: string[] = [];
  const out: string[] = [];
  for (const c of commands) {
    const m = /^(?:(?:\/bin\/)?sh\s+)?([\w.+-]*\/[\w./+-]*[\w+-]|[\w.+-]+\.sh)$/.exec(c.trim());
    const viaSh = /^(?:\/bin\/)?sh\s/.test(c.trim());
    if (!m || (!viaSh && !m[1]!.includes('/')) || m[1]!.startsWith('/')) {
      out.push(c);
      continue;
    }
    const got = read(m[1]!);
    if (!got) {
      out.push(c);
      continue;
    }
    const shebang = /^#!\s*(\S+)/.exec(got.text);
    if (shebang && shebang[1] !== '/bin/sh') return { kind: 'command', args: { command: `${m[1]} (${shebang[1]} script)`.slice(0, 120) } };
    if (/\$(?:\{#?)?[0-9@*#]/.test(got.text.replace(/'[^']*'/g, "''"))) return { kind: 'command', args: { command: `${m[1]} (reads its arguments)`.slice(0, 120) } };
    scripts.push(got.path);
    out.push(got.text.replace(/\n+$/, ''));
  }
  return { commands: out, scripts };
}

/**
 * Where a recipe of the makefile `files` (the Makefile.am and its fragments) writes `name` (relative to the makefile's
 * directory) into the distribution directory — a redirection to, or the destination of an mv/cp onto,
 * `$(distdir)/NAME` or `$(top_distdir)/NAME` — as the file and its 1-based line; undefined when none does. make dist
 * copies the tree into $(distdir) first and a dist-hook then rewrites the copy (m4 1.4.18's gen-ChangeLog: `mv
 * $(distdir)/cl-t $(distdir)/ChangeLog`), so the shipped file is that recipe's, not the rule's that made it in the tree.
 */
export function distWrittenAt(files: readonly string[], read: (file: string) => string | undefined, name: string): { file: string; line: number } | undefined {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const dest = `"?\\$[({](?:top_)?distdir[)}]/${esc}"?(?=[\\s;|&)]|$)`;
  const re = new RegExp(`(?:>>?\\s*${dest}|\\b(?:mv|cp)(?:\\s+-[A-Za-z]+)*\\s+\\S+\\s+${dest})`);
  for (const f of files) {
    const lines = (read(f) ?? '').split('\n');
    for (let i = 0; i < lines.length; i++) if (lines[i]!.startsWith('\t') && re.test(lines[i]!)) return { file: f, line: i + 1 };
  }
  return undefined;
}

/**
 * `text` with each here-document that has a quoted delimiter (`<<\\END`, `<<'END'`, `<<"END"`; also `<<-`) taken
 * out: its operator, delimiter and body. Such a body is data the command reads on its standard input, never
 * expanded by the shell (no variable, no command substitution), so it runs nothing and the check reads the rest of
 * the line as sh would (cronie's `sed >$@ 's/ *\\$$//' <<\\END #\\` with a body of make-expanded lines). A
 * here-document with an unquoted delimiter (its body is expanded), or without its closing line, is refused.
 */
export function withoutHereDocs(text: string): string {
  let out = '';
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') { out += c + (text[i + 1] ?? ''); i++; continue; }
      if (c === quote) quote = '';
      out += c;
      continue;
    }
    if (c === '\\') { out += c + (text[i + 1] ?? ''); i++; continue; }
    if (c === "'" || c === '"') { quote = c; out += c; continue; }
    if (c === '#' && (i === 0 || /[\s;&|()]/.test(text[i - 1]!))) {
      // a comment: to the end of the line, as sh reads it (a `<<` there is no operator)
      const nl = text.indexOf('\n', i);
      const end = nl < 0 ? text.length : nl;
      out += text.slice(i, end);
      i = end - 1;
      continue;
    }
    if (c !== '<' || text[i + 1] !== '<') { out += c; continue; }
    const m = /^<<(-?)[ \t]*(?:\\([A-Za-z_]\w*)|'([A-Za-z_]\w*)'|"([A-Za-z_]\w*)"|(\S+))/.exec(text.slice(i));
    if (!m || m[5] !== undefined) refuse({ kind: 'syntax', args: { construct: 'tokenizer', text: 'here-document with an unquoted delimiter' } });
    const delim = m![2] ?? m![3] ?? m![4]!;
    const strip = m![1] === '-';
    // The body starts on the line after the operator's and ends at the line that is the delimiter.
    const lineEnd = text.indexOf('\n', i);
    if (lineEnd < 0) refuse({ kind: 'syntax', args: { construct: 'tokenizer', text: 'here-document without a body' } });
    let pos = lineEnd + 1;
    let closed = -1;
    while (pos <= text.length) {
      const nl = text.indexOf('\n', pos);
      const line = text.slice(pos, nl < 0 ? text.length : nl);
      if ((strip ? line.replace(/^\t+/, '') : line) === delim) { closed = nl < 0 ? text.length : nl; break; }
      if (nl < 0) break;
      pos = nl + 1;
    }
    if (closed < 0) refuse({ kind: 'syntax', args: { construct: 'tokenizer', text: `here-document without its ${delim} line` } });
    // keep the rest of the operator's line, drop the body and the delimiter line; a line continued by a backslash
    // (outside a comment) would start the body later than here: refused
    const rest = text.slice(i + m![0].length, lineEnd);
    if (/\\$/.test(rest.replace(/(^|\s)#.*$/, '$1'))) refuse({ kind: 'syntax', args: { construct: 'tokenizer', text: 'here-document operator on a continued line' } });
    out += rest;
    i = closed - 1;
  }
  return out;
}

/** The line (1-based) of `file`'s text where the rule for `targets` starts, if found. */
export function ruleLine(text: string, targets: string): number | undefined {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.startsWith(targets) && /^\s*::?(?!=)/.test(l.slice(targets.length)));
  return i < 0 ? undefined : i + 1;
}

export interface ReplayPlan {
  path: string;
  am: Makefile;
  /** The makefile whose rule it is (repository path) and the rule's line there. */
  file: string;
  line?: number;
  rule: ResolvedRule;
  use: RecipeUse;
  /** Prerequisites that are tarball-only files replayed first. */
  madeFirst: string[];
  /** Tracked scripts whose text stands in the recipe for the line that ran them (inlineScripts). */
  scripts: string[];
  /** A release script's replay (replayScripts): run in a tree of its own, the script's text the one command. */
  ownTree?: boolean;
  /** The proved configure whose values the rule uses (repository path). */
  configure?: string;
  /** Build programs the recipe runs or builds, compiled first (their compile lines are in rule.commands). */
  programs?: BuildProgram[];
  /** A recipe of the makefile that writes the file again into $(distdir) (distWrittenAt). */
  distAgain?: { file: string; line: number };
}

export interface ReplayArgs {
  bwrap: string;
  /** The regeneration's scratch tree (host path): the tracked files are copied from it. */
  base: string;
  /** Where a scratch file came from: only 'git' files are copied. */
  origin: ReadonlyMap<string, RegenInput['origin']>;
  /** Scratch files written empty because their content was not kept in memory: left out of the replay's tree (a rule reading one fails, never reproduces from nothing). */
  placeholders: ReadonlySet<string>;
  /** A directory for the replay's own trees (removed by the caller). */
  work: string;
  algo: HashAlgo;
  /** Tracked paths (the tag's files). */
  tracked: ReadonlySet<string>;
  tarballOnly: ReadonlyMap<string, TreeEntry>;
  tarball: (path: string) => Buffer | undefined;
  /** Outputs already planned by the regeneration: not replayed. */
  outputs: ReadonlySet<string>;
  /** Configure directories (repository paths, '' for the top): $(top_srcdir) is the nearest one above. */
  configureDirs: readonly string[];
  checkout?: GitCheckout;
  limits?: Partial<SandboxLimits>;
  /**
   * The text of the configure script of a configure directory (repository path, '' for the top) when the
   * regeneration reproduced it byte for byte from the tag, else undefined: its literal values (configureValues) are
   * the rules' values there.
   */
  configure?: (dir: string) => string | undefined;
}

export interface ReplayResult {
  outputs: RegeneratedOutput[];
  notReplayed: NotReplayed[];
}

const MAKEFILE_NAMES = ['Makefile.am', 'GNUmakefile', 'Makefile', 'makefile', 'Makefile.in'];

/** Replace a tracked Makefile.in's @VAR@ substitutions (text tools, the directories, configure's literal values). */
function substituteAt(text: string, topRel: string, conf: ConfigureValues | undefined): string {
  const values = new Map<string, string>([...(conf?.values ?? []), ['srcdir', '.'], ['top_srcdir', topRel], ['builddir', '.'], ['top_builddir', topRel], ['SHELL', '/bin/sh'], ...TEXT_TOOL_VALUES, ...BUILD_PROGRAM_VALUES]);
  // An unknown @VAR@ becomes a make variable nothing defines: expansion then names it and the rule is not replayed.
  return text.replace(/@([A-Za-z_]\w*)@/g, (_m, n: string) => values.get(n) ?? `$(${n})`);
}

/**
 * A Makefile.am's `@NAME@` as config.status leaves it in the Makefile (automake copies it to Makefile.in as written):
 * a name the configure substitutes is its literal value, or a make variable nothing defines (so the rule is not
 * replayed) when configure computes it; any other `@word@` stays as written, as config.status leaves it.
 */
function substituteAmAt(text: string, conf: ConfigureValues): string {
  return text.replace(/@([A-Za-z_]\w*)@/g, (m, n: string) => (conf.subst.has(n) ? conf.values.get(n) ?? `$(${n})` : m));
}

/**
 * Plan and run the replays. Each planned file is replayed in a scratch copy of the tracked tree (plus the
 * outputs of replays it depends on).
 */
export async function replayMakeRules(a: ReplayArgs): Promise<ReplayResult> {
  const result: ReplayResult = { outputs: [], notReplayed: [] };
  const readBase = (rel: string): string | undefined => {
    if (a.origin.get(rel) !== 'git' || a.placeholders.has(rel)) return undefined;
    try {
      const full = join(a.base, rel);
      return lstatSync(full).isFile() ? readFileSync(full, 'latin1') : undefined;
    } catch {
      return undefined;
    }
  };
  const topOf = (dir: string): string => {
    for (let d = dir; ; d = posix.dirname(d) === '.' ? '' : posix.dirname(d)) {
      if (a.configureDirs.includes(d)) return d;
      if (!d) return '';
    }
  };
  const confCache = new Map<string, ConfigureValues | undefined>();
  /** The proved configure's values of the configure directory `top`, if its configure reproduced. */
  const confOf = (top: string): ConfigureValues | undefined => {
    if (!confCache.has(top)) {
      const text = a.configure?.(top);
      confCache.set(top, text === undefined ? undefined : configureValues(text));
    }
    return confCache.get(top);
  };
  const parsedCache = new Map<string, Makefile>();
  const parsed = (mk: string, topRel: string, conf: ConfigureValues | undefined): Makefile => {
    let p = parsedCache.get(mk);
    if (!p) {
      const at = mk.endsWith('.in');
      p = parseMakefileAm(mk, (f) => {
        const t = readBase(f);
        return t === undefined ? t : at ? substituteAt(t, topRel, conf) : conf ? substituteAmAt(t, conf) : t;
      });
      parsedCache.set(mk, p);
    }
    return p;
  };
  /**
   * Whether the tracked `d`/Makefile.am is a fragment a Makefile.am above includes (automake's non-recursive
   * layout: p11-kit's top Makefile.am has `include p11-kit/Makefile.am`): make runs its rules from the including
   * makefile's directory ($@ = p11-kit/iter.gnu.c), so it is read there, as part of that makefile, not here.
   */
  const includedFromAbove = (d: string, top: string): boolean => {
    for (let up = d; up && up !== top; ) {
      up = posix.dirname(up) === '.' ? '' : posix.dirname(up);
      const text = readBase(up ? `${up}/Makefile.am` : 'Makefile.am');
      const rel = posix.relative(up || '.', `${d}/Makefile.am`);
      const esc = rel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      if (text !== undefined && new RegExp(`^include\\s+(?:\\$\\((?:top_)?srcdir\\)/)?${esc}\\s*$`, 'm').test(text)) return true;
      if (!up) break;
    }
    return false;
  };
  /** The first tracked makefile (nearest directory first) with a rule for `path`. */
  const findRule = (path: string): { am: Makefile; rule: ResolvedRule; mk: string; topRel: string; values: ReadonlyMap<string, string>; configure?: string } | { refusal: ReplayRefusal; mk: string; file: string } | undefined => {
    const top = topOf(posix.dirname(path) === '.' ? '' : posix.dirname(path));
    for (let d = posix.dirname(path) === '.' ? '' : posix.dirname(path); ; d = posix.dirname(d) === '.' ? '' : posix.dirname(d)) {
      const names = MAKEFILE_NAMES.filter((n) => a.tracked.has(d ? `${d}/${n}` : n) && !(n === 'Makefile.am' && d && d !== top && includedFromAbove(d, top)));
      // A Makefile.in beside a Makefile.am is automake's output: only the Makefile.am is read.
      for (const n of names.includes('Makefile.am') ? names.filter((x) => x !== 'Makefile.in') : names) {
        const mk = d ? `${d}/${n}` : n;
        const topRel = posix.relative(d || '.', top || '.') || '.';
        const conf = confOf(top);
        const am = parsed(mk, topRel, conf);
        const own = new Map([...builtinVars(topRel), ...TEXT_TOOL_VALUES, ...BUILD_PROGRAM_VALUES]);
        // configure's literal values and default directories under make's and automake's own (srcdir = . …)
        const values = conf ? new Map([...conf.values, ...own]) : own;
        // $(wildcard NAME) in the maintainer's tree: NAME when the tag tracks it, else unanswered (the rule is refused)
        const fns: MakeFunctions = { wildcard: (w) => (a.tracked.has(posix.normalize(posix.join(am.dir || '.', w)).replace(/^\.\//, '')) ? w : undefined) };
        try {
          const rule = resolveRule(am, path, values, fns);
          if (rule) {
            // whether configure's values made the rule what it is (then the configure is one of its inputs)
            const bare = conf ? resolveRule(am, path, own, fns) : undefined;
            const usesConfigure = !!bare && (bare.undefinedVars.length > 0 || bare.commands.join('\n') !== rule.commands.join('\n') || bare.prereqs.join(' ') !== rule.prereqs.join(' '));
            return { am, rule, mk, topRel, values, ...(usesConfigure ? { configure: top ? `${top}/configure` : 'configure' } : {}) };
          }
        } catch (e) {
          if (e instanceof MakeExpandError) return { refusal: { kind: 'variable', args: { detail: e.message.slice(0, 200) } }, mk, file: mk };
          throw e;
        }
      }
      if (!d || d === top) break;
    }
    return undefined;
  };

  const plans = new Map<string, ReplayPlan | null>();
  const planFor = (path: string, chain: string[]): ReplayPlan | null => {
    if (plans.has(path)) return plans.get(path)!;
    plans.set(path, null);
    const found = findRule(path);
    if (!found) return null;
    const skip = (refusal: ReplayRefusal, file: string, line?: number): null => {
      result.notReplayed.push({ path, file, ...(line ? { line } : {}), refusal });
      return null;
    };
    if ('refusal' in found) return skip(found.refusal, found.file);
    const { am } = found;
    const file = found.rule.rule.file;
    const text = readBase(file) ?? '';
    const line = ruleLine(text, found.rule.rule.targets.join(' '));
    // a recipe writing the file again into $(distdir): the replay still runs, but what it writes only counts when it is
    // the shipped file (otherwise the file is not replayed, and why — below)
    const again = distWrittenAt(am.files, (f) => readBase(f), path.slice(am.dir ? am.dir.length + 1 : 0));
    if (found.rule.undefinedVars.length) return skip({ kind: 'variable', args: { detail: found.rule.undefinedVars.map((v) => `$(${v})`).join(' ') } }, file, line);
    const inlined = inlineScripts(found.rule.commands, (p) => {
      const rel = posix.normalize(posix.join(am.dir || '.', p)).replace(/^\.\//, '');
      const text = a.tracked.has(rel) ? readBase(rel) : undefined;
      return text === undefined ? undefined : { path: rel, text };
    });
    if ('kind' in inlined) return skip(inlined, file, line);
    const ruleRead = inlined.scripts.length ? { ...found.rule, commands: inlined.commands } : found.rule;
    const programs = new Map<string, BuildProgram | undefined>();
    const programOf = (name: string): BuildProgram | undefined => {
      if (!programs.has(name)) programs.set(name, a.tarballOnly.has(am.dir ? `${am.dir}/${name}` : name) ? undefined : buildProgram(am, name, (p) => a.tracked.has(p), found.values));
      return programs.get(name);
    };
    const use = checkRecipe(ruleRead.commands, ruleRead.target, (p) => readBase(posix.normalize(posix.join(am.dir || '.', p)).replace(/^\.\//, '')), { isProgram: (n) => programOf(n) !== undefined });
    if ('kind' in use) return skip(use, file, line);
    if (use.asksGit && !a.checkout) return skip({ kind: 'git-subcommand', args: { subcommand: 'no repository' } }, file, line);
    const madeFirst: string[] = [];
    // The Makefile config.status writes from the Makefile.am read here (cronie's `anacron-paths.h: Makefile`, a
    // rule to run again when configure's values change): a prerequisite for its date only. It is not in the
    // replay's tree, so a recipe that reads it does not reproduce.
    const configuredMakefile = found.mk.endsWith('/Makefile.am') || found.mk === 'Makefile.am' ? (am.dir ? `${am.dir}/Makefile` : 'Makefile') : undefined;
    for (const pre of ruleRead.prereqs) {
      if (a.tracked.has(pre)) continue;
      if (pre === configuredMakefile && !a.tarballOnly.has(pre)) continue;
      // a build program the rule needs (`md5global.h: makemd5$(BUILD_EXEEXT)`): compiled first
      const rel = am.dir ? (pre.startsWith(`${am.dir}/`) ? pre.slice(am.dir.length + 1) : undefined) : pre;
      if (rel !== undefined && programOf(rel)) {
        (use.programs ??= new Set()).add(rel);
        use.tools.add('cc');
        continue;
      }
      if (a.tarballOnly.has(pre) && !a.outputs.has(pre) && !chain.includes(pre) && planFor(pre, [...chain, path])) {
        madeFirst.push(pre);
        continue;
      }
      return skip({ kind: 'prerequisite', args: { path: pre } }, file, line);
    }
    const built = [...(use.programs ?? [])].sort().map((n) => programOf(n)!);
    const rule = built.length ? { ...ruleRead, commands: withCompileLines(ruleRead.commands, built, found.topRel) } : ruleRead;
    const plan: ReplayPlan = { path, am, file, ...(line ? { line } : {}), ...(again ? { distAgain: again } : {}), rule, use, madeFirst, scripts: inlined.scripts, ...(found.configure ? { configure: found.configure } : {}), ...(built.length ? { programs: built } : {}) };
    plans.set(path, plan);
    return plan;
  };
  const todo: ReplayPlan[] = [];
  const unruled: string[] = [];
  for (const [path, e] of [...a.tarballOnly].sort(([x], [y]) => (x < y ? -1 : 1))) {
    if (e.type !== 'file' || a.outputs.has(path)) continue;
    const before = result.notReplayed.length;
    const p = planFor(path, []);
    if (p) todo.push(p);
    else if (result.notReplayed.length === before && !plans.get(path)) unruled.push(path);
  }
  todo.push(...planScripts(a, unruled, readBase, result));
  if (!todo.length) return result;

  // One scratch tree of the tracked files; replayed outputs are kept in it for the rules that need them.
  const tree = join(a.work, 'tree');
  const copyTracked = (dest: string) => cpSync(a.base, dest, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (src) => {
      const rel = posix.normalize(src.slice(a.base.length).split('\\').join('/')).replace(/^\/+/, '');
      if (!rel || rel === '.') return true;
      // not the git view the generators saw (./git-view.ts: a configure.ac that asks git, gpgme's): its directories
      // would hold no file, and a rule that tests for .git would find it and fail; a rule that asks git gets a view
      // of its own
      if (rel === '.git' || rel.startsWith('.git/')) return false;
      try {
        if (lstatSync(src).isDirectory()) return true;
      } catch {
        return false;
      }
      return a.origin.get(rel) === 'git' && !a.placeholders.has(rel);
    },
  });
  mkdirSync(tree, { recursive: true });
  copyTracked(tree);
  const view = todo.some((p) => p.use.asksGit) && a.checkout ? writeGitView(a.checkout, tree) : undefined;
  let own = 0;
  const versions = await toolVersions(a, tree, new Set(todo.flatMap((p) => [...p.use.tools])));
  const done = new Map<string, RegeneratedOutput>();
  const run = async (p: ReplayPlan): Promise<RegeneratedOutput> => {
    const have = done.get(p.path);
    if (have) return have;
    for (const pre of p.madeFirst) await run(plans.get(pre)!);
    // a release script writes where it likes: a fresh copy of the tracked tree of its own
    const at = p.ownTree ? join(a.work, `script-${++own}`) : tree;
    const ownView = p.ownTree ? (mkdirSync(at, { recursive: true }), copyTracked(at), p.use.asksGit && a.checkout ? writeGitView(a.checkout, at) : undefined) : undefined;
    const gitView = p.ownTree ? ownView : view;
    const out = join(at, p.path);
    rmSync(out, { force: true });
    const failure = await runMakeCommands({ bwrap: a.bwrap, scratch: at, ...(a.limits ? { limits: a.limits } : {}) }, p.am.dir, p.rule.commands, [], p.use.asksGit && gitView ? viewMounts(gitView, at) : []);
    let made: Buffer | undefined;
    try {
      // a symbolic link (ln -s) is read as make dist's `tar chof` packs it: its target's bytes, when that is a
      // file of the replay's tree
      const real = existsSync(out) && lstatSync(out).isSymbolicLink() ? realpathSync(out) : out;
      const inTree = real === out || real.startsWith(realpathSync(at) + sep);
      if (inTree && existsSync(real) && lstatSync(real).isFile()) made = readFileSync(real);
    } catch {
      made = undefined;
    }
    const shipped = a.tarball(p.path);
    const oid = a.tarballOnly.get(p.path)?.oid;
    const same = made !== undefined && (shipped ? made.equals(shipped) : oid !== undefined && blobId(a.algo, made) === oid);
    const status: RegeneratedOutput['status'] = !made ? 'not-produced' : same ? 'reproduced' : 'differs';
    const inputs: RegenInput[] = [];
    const seen = new Set<string>();
    const awkFiles = p.rule.commands.flatMap((c) => [...c.matchAll(/(?:^|\s)-f\s+(\S+)/g)].map((m) => posix.normalize(posix.join(p.am.dir || '.', m[1]!.replace(/^['"]|['"]$/g, ''))).replace(/^\.\//, '')));
    const redirected = [...(p.use.reads ?? [])].map((r) => posix.normalize(posix.join(p.am.dir || '.', r)).replace(/^\.\//, ''));
    const programSources = (p.programs ?? []).flatMap((b) => b.sources.map((f) => (p.am.dir ? `${p.am.dir}/${f}` : f)));
    const perlFiles = [...(p.use.perlScripts ?? [])].map((r) => posix.normalize(posix.join(p.am.dir || '.', r)).replace(/^\.\//, ''));
    for (const i of [...p.am.files, ...p.rule.prereqs, ...awkFiles, ...redirected, ...p.scripts, ...programSources, ...perlFiles]) {
      if (seen.has(i) || i === p.path) continue;
      seen.add(i);
      if (a.tracked.has(i)) inputs.push({ path: i, origin: 'git' });
      else if (done.has(i)) inputs.push({ path: i, origin: 'regenerated' });
    }
    if (p.configure && !seen.has(p.configure)) inputs.push({ path: p.configure, origin: 'regenerated' });
    inputs.sort((x, y) => (x.path < y.path ? -1 : 1));
    const tools = [...p.use.tools, 'sh'].sort().map((t) => ({ name: t, version: versions.get(t) ?? 'unknown' }));
    const o: RegeneratedOutput = {
      path: p.path,
      step: 'make-replay',
      tool: 'make',
      version: versions.get('sh') ?? 'unknown',
      toolOrigin: 'system',
      status,
      ...(status === 'differs' ? { regenerated: made } : {}),
      inputs,
      procedureSteps: [
        ...(p.use.asksGit && gitView && a.checkout ? [{ kind: 'git-checkout' as const, args: { commit: a.checkout.commit, tags: gitView.tags } }] : []),
        { kind: 'make-rule', args: { file: p.file, target: p.rule.target, dir: p.am.dir, commands: p.rule.commands } },
      ],
      normalisationSteps: [],
      replay: { file: p.file, ...(p.line ? { line: p.line } : {}), target: p.rule.target, dir: p.am.dir, commands: p.rule.commands, tools, ...(failure ? { failure } : {}) },
    };
    done.set(p.path, o);
    if (p.ownTree) rmSync(at, { recursive: true, force: true });
    return o;
  };
  for (const p of todo) {
    const o = await run(p);
    // the release wrote the file again into $(distdir): a replay that is not the shipped file says nothing about it
    if (p.distAgain && o.status !== 'reproduced') result.notReplayed.push({ path: p.path, file: p.file, ...(p.line ? { line: p.line } : {}), refusal: { kind: 'dist-overwritten', args: p.distAgain } });
    else result.outputs.push(o);
  }
  return result;
}

/**
 * The recipe with each build program compiled by distdiff's own line (compileLine): a `make NAME` command is replaced
 * by it; a program no such command builds is compiled before the recipe's first line.
 */
export function withCompileLines(commands: readonly string[], programs: readonly BuildProgram[], top: string): string[] {
  const first: string[] = [];
  let out = [...commands];
  for (const p of programs) {
    const esc = p.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const make = new RegExp(`(^|[;&|(]\\s*|\\s)make\\s+${esc}(?=\\s*(?:$|[;&|)]))`, 'g');
    if (out.some((c) => new RegExp(make.source).test(c))) out = out.map((c) => c.replace(make, (_m, pre: string) => `${pre}${compileLine(p, top)}`));
    else first.push(compileLine(p, top));
  }
  return [...first, ...out];
}

/** At most this many release scripts are replayed for one release. */
const MAX_SCRIPTS = 8;

/**
 * Release scripts (replayScripts): a tarball-only file no tracked make rule names, written by a tracked `/bin/sh`
 * script of its directory whose text redirects into it by name — memcached 1.6.18's version.sh, `git describe | sed
 * s/-/_/g > version.num.tmp` … `echo "m4_define([VERSION_NUMBER], [\`tr -d '\n' < version.num\`])" > version.m4`.
 * The script's text is checked as a recipe (checkRecipe, the same allow-list) except that, run in a fresh copy of the
 * tracked tree of its own, it may write and read (`<`) any relative path inside it; one that reads its arguments or
 * name, or has another shebang, is not replayed. Its file and its text are the replay's rule and command.
 */
function planScripts(a: ReplayArgs, unruled: readonly string[], readBase: (rel: string) => string | undefined, result: ReplayResult): ReplayPlan[] {
  const out: ReplayPlan[] = [];
  const byDir = new Map<string, string[]>();
  for (const t of a.tracked) {
    const d = posix.dirname(t) === '.' ? '' : posix.dirname(t);
    const list = byDir.get(d);
    if (list) list.push(t);
    else byDir.set(d, [t]);
  }
  // each directory's /bin/sh scripts, read once, by the names they redirect into
  const scriptsOf = new Map<string, Map<string, { script: string; text: string }[]>>();
  const scriptsIn = (dir: string) => {
    let byName = scriptsOf.get(dir);
    if (!byName) {
      const list: { script: string; text: string }[] = [];
      for (const script of (byDir.get(dir) ?? []).sort()) {
        let size = Infinity;
        try {
          size = lstatSync(join(a.base, script)).size;
        } catch {
          continue;
        }
        const text = size <= 65_536 ? readBase(script) : undefined;
        if (text !== undefined && /^#!\s*\/bin\/sh\s*\n/.test(text)) list.push({ script, text });
      }
      byName = new Map();
      for (const e of list) {
        for (const m of e.text.matchAll(/>\s*(?:\.\/)?([^\s;&|()<>'"$`\\/]+)(?=[\s;&|)]|$)/gm)) {
          const have = byName.get(m[1]!) ?? [];
          if (!have.includes(e)) byName.set(m[1]!, [...have, e]);
        }
      }
      scriptsOf.set(dir, byName);
    }
    return byName;
  };
  for (const path of unruled) {
    if (out.length >= MAX_SCRIPTS) break;
    const dir = posix.dirname(path) === '.' ? '' : posix.dirname(path);
    const name = posix.basename(path);
    const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const { script, text } of scriptsIn(dir).get(name) ?? []) {
      if (!new RegExp(`>\\s*(?:\\./)?${esc}(?=[\\s;&|)]|$)`, 'm').test(text)) continue;
      const line = text.split('\n').findIndex((l) => new RegExp(`>\\s*(?:\\./)?${esc}(?=[\\s;&|)]|$)`).test(l)) + 1;
      const skip = (refusal: ReplayRefusal) => result.notReplayed.push({ path, file: script, ...(line ? { line } : {}), refusal });
      if (/\$(?:\{#?)?[0-9@*#]/.test(text.replace(/'[^']*'/g, "''"))) {
        skip({ kind: 'command', args: { command: `${script} (reads its arguments)` } });
        break;
      }
      const command = text.replace(/\n+$/, '');
      const use = checkRecipe([command], name, (p) => readBase(posix.normalize(posix.join(dir || '.', p)).replace(/^\.\//, '')), { inTree: true });
      if ('kind' in use) {
        skip(use);
        break;
      }
      if (use.asksGit && !a.checkout) {
        skip({ kind: 'git-subcommand', args: { subcommand: 'no repository' } });
        break;
      }
      const am: Makefile = { dir, files: [script], vars: new Map(), rules: [] };
      const rule: ResolvedRule = { rule: { targets: [name], prerequisites: [], recipe: [command], file: script }, target: name, prereqs: [], commands: [command], undefinedVars: [] };
      out.push({ path, am, file: script, ...(line ? { line } : {}), rule, use, madeFirst: [], scripts: [script], ownTree: true });
      break;
    }
  }
  return out;
}

/** The versions of the tools the replays use, as the sandbox runs them ('sh': what /bin/sh is). */
async function toolVersions(a: ReplayArgs, scratch: string, tools: Set<string>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const script = [
    'echo "sh	$(readlink -f /bin/sh)"',
    ...[...tools].sort().map((t) =>
      t === 'awk'
        ? 'echo "awk	$( (awk -W version 2>/dev/null || awk --version 2>/dev/null) | head -n 1)"'
        : t === 'perl'
          ? 'echo "perl	$(perl -v 2>/dev/null | grep -m 1 \'This is perl\')"'
          : `echo "${t}	$(${t} --version 2>/dev/null | head -n 1)"`,
    ),
  ].join('\n');
  const r = await runSandboxed(a.bwrap, { scratch, argv: ['/bin/sh', '-c', script], limits: { wallMs: 15_000 } });
  for (const line of r.stdout.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0 && line.slice(tab + 1).trim()) out.set(line.slice(0, tab), line.slice(tab + 1).trim().slice(0, 80));
  }
  return out;
}
