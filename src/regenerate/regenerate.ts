/**
 * Regeneration: prove configure, aclocal.m4, the autoheader template and every Makefile.in by running
 * the generators that made them — same versions, in the sandbox — on the tag's tree plus the tarball's
 * own non-generated inputs (m4 copies, aux scripts, ABOUT-NLS …), then comparing each output with the
 * shipped file.
 *
 *   scratch tree   every file of the tag as `git archive` exports it (modes and symlinks kept), plus every
 *                  tarball-only file except the outputs to regenerate
 *   steps          aclocal → autoconf → autoheader → automake in each configure directory (what
 *                  `autoreconf -f` runs), then libtoolize when a libtool of exactly the shipped ltmain.sh
 *                  VERSION is available (cached GNU build or the system's); autopoint is not run (the
 *                  tarball's gettext copies are used, and the upstream classifier vouches for those)
 *   aclocal        its system directory is a fresh one holding only the third-party macro files the
 *                  shipped aclocal.m4 carries as copies (./aclocal-copies.ts): what this machine has in
 *                  /usr/share/aclocal never enters, and each copy is an input of its own
 *   automake       first with every aux file present; when a Makefile.in then differs, once more with the
 *                  aux files automake installs itself removed and `--add-missing --copy` (the top-level
 *                  DIST_COMMON lists the aux files that existed when automake reached it) — the better run
 *                  is kept and named in the evidence; a Makefile.in whose shipped rebuild rule names other
 *                  options (`$(AUTOMAKE) --foreign`: the strictness the release's automake ran with,
 *                  ./automake-options.ts) is made once more by automake with those options
 *   catalogs       every .gmo compiled from its .po (./catalogs.ts) in a sandbox of its own, beside the
 *                  generators
 *   tools          each tool of the stamped version, the cached GNU build first; when both it and the
 *                  system's (a distribution build, possibly patched) exist and the first run does not
 *                  reproduce everything, the whole run is repeated with the other and the better kept
 *
 * Nothing here decides severities: the report goes to the provenance post pass (./provenance.ts).
 */
import { cpSync, lstatSync, statSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { parseConfigureAc, macroFirstArgs } from '../classify/autotools.js';
import { isBuildAffecting } from '../classify/build-affecting.js';
import { baseOf, dirOf } from '../classify/paths.js';
import { DistdiffError } from '../core/errors.js';
import type { GitTree, HashAlgo, PathDiff, TreeEntry } from '../core/types.js';
import { blobId } from '../scan/blob-id.js';
import { detectVersions, gettextVersion, libtoolSnapshotBase, libtoolVersion, type GeneratorVersions } from './detect.js';
import { applyLibtoolBuild } from './libtool-build.js';
import { undoArflagsCr, undoDebianAutoconf, undoGzipEval, undoRunstatedirMakefile } from './distro-patches.js';
import { svnExpandedOutput } from './svn-inputs.js';
import { commitYear, esyscmdAsksGit, releaseTagName, viewMounts, writeGitView, type GitCheckout } from './git-view.js';
import { esyscmdRunsDateYear, runDatesOnly, runYearOnly } from './run-dates.js';
import { sameUpToRuleOrder } from './automake-order.js';
import { rebuildRuleOptions } from './automake-options.js';
import { regenerateCatalogs } from './catalogs.js';
import { regenerateAutotest } from './autotest.js';
import { builtinVars, parseMakefileAm } from '../util/makefile.js';
import { replayMakeRules } from './make-replay.js';
import { findDistHookPerlEdit, findPostEditRule, postEdit, substValues } from './post-edit.js';
import { addedLines } from './provenance.js';
import { commandFailure, probeSandbox, runSandboxed, SandboxCommandError, type SandboxLimits } from './sandbox.js';
import { automakeMacroDir, findNeighbour, findStandIn, findTools, systemVersion, TOOL_NAMES, type Tool, type ToolName } from './toolchain.js';
import { aclocalContent, copiedBlocks, splitCopies } from './aclocal-copies.js';
import { gettextMacroSets, wantsGettextMacroSet } from './gettext-acdir.js';
import { backportAclocal, backportMakefileIn, stampedMacroRanges, stampedMacroStart, type AutomakeStandIn } from './automake-stand-in.js';
import { upstreamDb, type UpstreamDb } from '../classify/upstream-db.js';
import type { RegenInput, RegeneratedOutput, RegenerateMode, RegenerationReport } from './types.js';
import type { PinnedSubmodule } from '../acquire/submodule.js';
import { configureLike, emptyReport, nothingToRegenerate } from './applicable.js';
import { plainRecipeLines, srcdirAclocalRule, srcdirIncludes, type SrcdirAclocalRule } from './srcdir-includes.js';
import type { GeneratorStep } from '../core/findings.js';
import type { AutoconfOnly, Normalisation, NotReplayed, ProcedureStep, RegenCause, RegenSkip } from '../core/regeneration.js';
import { regenCauseText } from '../core/wording.js';
export type { RegenerateMode, RegenerationReport } from './types.js';
export { REGENERATE_MODES } from './types.js';

export interface RegenerateArgs {
  mode: RegenerateMode;
  cacheDir: string;
  algo: HashAlgo;
  git: GitTree;
  diffs: readonly PathDiff[];
  /** Raw blob content from the repository (undefined when larger than the caller's bound). */
  readGit: (oid: string) => Promise<Buffer | undefined>;
  /** Retained tarball content of a tarball-only path (prefix stripped). */
  tarball: (path: string) => Buffer | undefined;
  /** Sandbox limits per generator run. */
  limits?: Partial<SandboxLimits>;
  /** PATH used to look bubblewrap up (default: the process's). */
  path?: string;
  /** Called once the scratch tree is written and the generators are starting (not called when none run). */
  started?: () => void;
  /** The repository and revision, for a read-only git checkout when configure.ac's esyscmd asks git (./git-view.ts). */
  checkout?: GitCheckout;
  /**
   * The release version the archive's name gives, passed only when the user gave the commit (--commit): a
   * checkout without a tag there (a tagless snapshot) then gets the tag git-version-gen looks for (./git-view.ts
   * releaseTagName).
   */
  releaseVersion?: string;
  /** The pinned submodules whose trees could be read (src/acquire/submodule.ts): written into the tree when a build file names them (submoduleTreesNeeded). */
  submodules?: readonly SubmoduleTree[];
}

/** What the regeneration reads of a pinned submodule. */
export type SubmoduleTree = Pick<PinnedSubmodule, 'name' | 'path' | 'commit' | 'files' | 'executable' | 'read'>;

/** A submodule with more files than this is not written into the regeneration tree (gnulib: its own step, ./gnulib-tool.ts). */
export const MAX_SUBMODULE_FILES = 5_000;

/**
 * The pinned submodules the autotools run needs in its tree: those whose path a configure.ac of the run, or a
 * Makefile.am of the tree, names (`include subprojects/pkcs11-json/Makefile.am`, AC_CONFIG_SUBDIRS, m4_include …),
 * at most MAX_SUBMODULE_FILES files each. `texts` yields the text of each such file.
 */
export function submoduleTreesNeeded(subs: readonly SubmoduleTree[], texts: readonly string[]): SubmoduleTree[] {
  return subs.filter((s) => s.files.size <= MAX_SUBMODULE_FILES && texts.some((t) => new RegExp(`(^|[\\s\\[(/=])(?:\\$\\((?:top_)?srcdir\\)/)?${s.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=[/\\s\\])]|$)`, 'm').test(t)));
}

const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
const MAX_TREE_FILES = 200_000;

/**
 * automake's common files: each is listed in a Makefile.in's DIST_COMMON only when it existed when automake
 * ran (libtool 2.4.7's THANKS is written by `make dist`, after automake).
 */
const COMMON_FILES = ['ABOUT-GNU', 'ABOUT-NLS', 'AUTHORS', 'BACKLOG', 'COPYING', 'COPYING.DOC', 'COPYING.LESSER', 'COPYING.LIB', 'ChangeLog', 'INSTALL', 'NEWS', 'README', 'THANKS', 'TODO'];

/** The words of a Makefile.in's DIST_COMMON and am__DIST_COMMON assignments. */
export function distCommonWords(makefileIn: string): Set<string> {
  const words = new Set<string>();
  for (const m of makefileIn.matchAll(/^(?:am__)?DIST_COMMON\s*=((?:.*\\\n)*.*)$/gm)) {
    for (const w of m[1]!.replace(/\\\n/g, ' ').split(/\s+/)) if (w) words.add(w.replace(/^\$\((?:top_)?srcdir\)\//, ''));
  }
  return words;
}

/**
 * Tree paths the DIST_COMMON of the shipped Makefile.in files of a configure directory name: a word is
 * relative to its Makefile.in's directory, `$(top_srcdir)/` to the configure directory, `$(srcdir)/` to
 * the Makefile.in's.
 */
export function listedFiles(d: { dir: string; makefileIns: string[] }, shipped: (m: string) => string | undefined): Set<string> {
  const out = new Set<string>();
  for (const m of d.makefileIns) {
    const text = shipped(m);
    if (text === undefined) continue;
    for (const a of text.matchAll(/^(?:am__)?DIST_COMMON\s*=((?:.*\\\n)*.*)$/gm)) {
      for (const w of a[1]!.replace(/\\\n/g, ' ').split(/\s+/)) {
        if (!w) continue;
        const p = w.startsWith('$(top_srcdir)/') ? inTreeOf(d.dir, w.slice(14)) : w.startsWith('$(srcdir)/') ? inTreeOf(dirOf(m), w.slice(10)) : w.includes('$') ? undefined : inTreeOf(dirOf(m), w);
        if (p !== undefined) out.add(p);
      }
    }
  }
  return out;
}

/** Aux scripts `automake --add-missing` installs itself. */
const AUTOMAKE_AUX = new Set(['compile', 'depcomp', 'install-sh', 'missing', 'test-driver', 'ar-lib', 'ylwrap', 'mdate-sh', 'texinfo.tex', 'py-compile', 'tap-driver.sh', 'mkinstalldirs']);

const inDir = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);
const relTo = (dir: string, p: string) => (dir ? p.slice(dir.length + 1) : p);

/**
 * The aux files of `auxPaths` (repository paths) that the shipped top Makefile.in of configure directory `dir`
 * does not list in its DIST_COMMON: automake writes that file first and DIST_COMMON names every aux file that
 * existed when it did, so one missing there was installed later — by the release's `automake --add-missing`,
 * on a tree that did not have it yet. Undefined when there is no DIST_COMMON to read (no evidence either way).
 */
export function installedLater(dir: string, topMakefileIn: string | undefined, auxPaths: readonly string[]): string[] | undefined {
  if (topMakefileIn === undefined) return undefined;
  const listed = listedFiles({ dir, makefileIns: [inDir(dir, 'Makefile.in')] }, () => topMakefileIn);
  if (![...listed].some((p) => p !== inDir(dir, 'Makefile.in'))) return undefined;
  return auxPaths.filter((p) => !listed.has(p)).sort();
}

/** `p` (relative to `dir`, `..` allowed) as a tree path, or undefined when it leaves the tree. */
export function inTreeOf(dir: string, p: string): string | undefined {
  const out: string[] = [];
  for (const seg of inDir(dir, p).split('/')) {
    if (seg === '..') {
      if (!out.length) return undefined;
      out.pop();
    } else if (seg && seg !== '.') out.push(seg);
  }
  return out.length ? out.join('/') : undefined;
}
const inTree = (dir: string, paths: string[]) => paths.map((p) => inTreeOf(dir, p)).filter((p): p is string => p !== undefined);

interface ConfigureDir {
  dir: string;
  ac: string;
  acText: string;
  configure: string;
  aclocal?: string;
  /** Autoconf-only run (automake unavailable): the shipped aclocal.m4, an input left as shipped. */
  shippedAclocal?: string;
  headers: string[];
  makefileIns: string[];
  /** configure written under another name by a tracked rule (`autoconf -o configure.sh`): where that rule is. */
  outputRule?: { rule: string; line: number };
  /** The tracked rule that runs aclocal with `-I $(srcdir)/DIR` (./srcdir-includes.ts). */
  srcdirRule?: SrcdirAclocalRule;
}


/** A generator run that did not complete: the command that failed in the sandbox, or an error of its own. */
class GeneratorFailure extends Error {
  constructor(readonly regenCause: RegenCause) {
    super(regenCauseText(regenCause));
  }
}

/** `rel` names a place under `root` reached through real directories only (no symlink, no `..`). */
function insideTree(root: string, rel: string): boolean {
  const parts = rel.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return false;
  let cur = root;
  for (const p of parts.slice(0, -1)) {
    cur = join(cur, p);
    if (!lstatSync(cur, { throwIfNoEntry: false })?.isDirectory()) return false;
  }
  return true;
}

/** Write `data` at `rel` under `root`, refusing to pass through a symlink or to leave the tree. */
function safeWrite(root: string, rel: string, write: (full: string) => void): boolean {
  const parts = rel.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return false;
  let cur = root;
  for (const p of parts.slice(0, -1)) {
    cur = join(cur, p);
    try {
      const st = lstatSync(cur);
      if (!st.isDirectory()) return false;
    } catch {
      mkdirSync(cur);
    }
  }
  const full = join(cur, parts[parts.length - 1]!);
  try {
    lstatSync(full);
    return false; // already there (a file and a directory of one name, or a duplicate)
  } catch {
    write(full);
    return true;
  }
}

/** Read a regenerated output: regular files only (a symlink planted by m4 is never followed), bounded. */
function readOutput(root: string, rel: string): Buffer | undefined {
  const full = join(root, rel);
  try {
    const st = lstatSync(full);
    if (!st.isFile() || st.size > MAX_OUTPUT_BYTES) return undefined;
    return readFileSync(full);
  } catch {
    return undefined;
  }
}

/**
 * The tracked make rule that writes autoconf's output under the name `name` in `dir`: a rule of the directory's
 * tracked Makefile.in, Makefile.am, GNUmakefile or Makefile whose targets include `name` and one of whose recipe
 * lines is exactly `autoconf -o NAME` (options allowed, `@`/`-` prefixes; no variable, no shell operator) — rsync's
 * `configure.sh config.h.in: configure.ac aclocal.m4` rule. Undefined when no such rule is tracked.
 */
export function autoconfOutputRule(name: string, makefiles: readonly { path: string; text: string }[]): { rule: string; line: number } | undefined {
  for (const { path, line, words } of plainRecipeLines(name, makefiles)) {
    if (words[0] !== 'autoconf') continue;
    let out: string | undefined;
    for (let k = 1; k < words.length; k++) {
      const w = words[k]!;
      if (w === '-o' || w === '--output') out = words[++k];
      else if (w.startsWith('--output=')) out = w.slice(9);
      else if (w.startsWith('-o') && w.length > 2) out = w.slice(2);
      else if (!w.startsWith('-')) out = undefined; // an input file other than configure.ac: not this rule's shape
    }
    if (out === name) return { rule: path, line };
  }
  return undefined;
}

/**
 * The autoheader templates the shipped configure declares — autoconf writes one `ac_config_headers="$ac_config_headers
 * OUT[:IN…]"` line per AC_CONFIG_HEADERS output, also for a call configure.ac does not spell out (a macro of the
 * project's m4/ files, with a prefix argument: hwloc's `AC_CONFIG_HEADERS(hwloc_config_prefix[include/private/autogen/config.h])`
 * in config/hwloc.m4). Only a name: the template is then made by autoheader and compared byte for byte.
 */
export function shippedHeaderTemplates(configure: Buffer | undefined): string[] {
  if (!configure) return [];
  const out: string[] = [];
  for (const m of configure.toString('latin1').matchAll(/^[ \t]*ac_config_headers="\$ac_config_headers ([^"$`\\\s]+)"$/gm)) {
    const [o, ...inputs] = m[1]!.split(':');
    if (!o) continue;
    if (inputs.length) out.push(...inputs.filter(Boolean).map((x) => x.replace(/^\.\//, '')));
    else out.push(`${o.replace(/^\.\//, '')}.in`);
  }
  return out;
}

function findConfigureDirs(args: RegenerateArgs, tarballOnly: Map<string, TreeEntry>, acTexts: Map<string, string>, outputRules: Map<string, { rule: string; line: number }> = new Map()): ConfigureDir[] {
  const out: ConfigureDir[] = [];
  for (const [path, e] of tarballOnly) {
    if ((baseOf(path) !== 'configure' && !outputRules.has(path)) || e.type !== 'file') continue;
    const dir = dirOf(path);
    // one autoconf output per directory: a tarball-only configure there wins over a configure.X
    if (baseOf(path) !== 'configure' && tarballOnly.get(inDir(dir, 'configure'))?.type === 'file') continue;
    const ac = ['configure.ac', 'configure.in'].map((n) => inDir(dir, n)).find((p) => args.git.entries.get(p)?.type === 'file');
    if (!ac || !acTexts.has(ac)) continue;
    const acText = acTexts.get(ac)!;
    const facts = parseConfigureAc(acText);
    const aclocal = tarballOnly.has(inDir(dir, 'aclocal.m4')) ? inDir(dir, 'aclocal.m4') : undefined;
    const headers = [...new Set([...facts.headerTemplates, ...shippedHeaderTemplates(args.tarball(path))])].map((h) => inDir(dir, h)).filter((h) => tarballOnly.has(h));
    const outputRule = outputRules.get(path);
    out.push({ dir, ac, acText, configure: path, ...(aclocal ? { aclocal } : {}), headers, makefileIns: [], ...(outputRule ? { outputRule } : {}) });
  }
  // Each Makefile.in with its Makefile.am belongs to the nearest configure directory above it. A
  // Makefile.am the release made itself (tarball-only: gnulib-tool's gnulib-tests/Makefile.am, bootstrap's
  // libltdl/Makefile.am) counts when configure.ac's AC_CONFIG_FILES names its Makefile: automake then
  // makes the Makefile.in from it, and the Makefile.am is an input judged by its own finding.
  out.sort((a, b) => b.dir.length - a.dir.length);
  for (const [path] of tarballOnly) {
    if (baseOf(path) !== 'Makefile.in') continue;
    const am = inDir(dirOf(path), 'Makefile.am');
    const owner = out.find((c) => c.dir === '' || path.startsWith(`${c.dir}/`));
    if (!owner) continue;
    const tracked = args.git.entries.get(am)?.type === 'file';
    if (!tracked && !(tarballOnly.get(am)?.type === 'file' && configFileInputs(owner.acText).get(relTo(owner.dir, path.slice(0, -3)))?.includes(relTo(owner.dir, path)))) continue;
    owner.makefileIns.push(path);
  }
  out.sort((a, b) => a.dir.length - b.dir.length || (a.dir < b.dir ? -1 : 1));
  for (const c of out) c.makefileIns.sort();
  return bottomUp(out);
}

/**
 * Top-down (what autoreconf does), except that a configure.ac whose esyscmd commands enter one of its
 * AC_CONFIG_SUBDIRS comes after that subdirectory: gettext's top configure.ac runs `autoconf --trace` in
 * gettext-runtime, libtextstyle and gettext-tools to collect their options, which needs their aclocal.m4
 * (an output, regenerated there first — gettext's autogen.sh says "bottom-up").
 */
export function bottomUp<D extends { dir: string; acText: string }>(dirs: D[]): D[] {
  const after = new Map<D, D[]>();
  for (const d of dirs) {
    const cmds = ['esyscmd', 'm4_esyscmd', 'm4_esyscmd_s'].flatMap((m) => macroFirstArgs(d.acText, m)).join('\n');
    if (!cmds) continue;
    const words = new Set(cmds.split(/[\s;|&<>()'"`]+/).map((w) => w.replace(/^\.\//, '').replace(/\/+$/, '')));
    const subs = macroFirstArgs(d.acText, 'AC_CONFIG_SUBDIRS').flatMap((a) => a.split(/\s+/)).filter((x) => x && !x.includes('$') && words.has(x.replace(/^\.\//, '').replace(/\/+$/, '')));
    const needs = subs.map((x) => inTreeOf(d.dir, x)).flatMap((p) => dirs.filter((o) => o !== d && o.dir === p));
    if (needs.length) after.set(d, needs);
  }
  if (!after.size) return dirs;
  const out: D[] = [];
  const placing = new Set<D>();
  const place = (d: D) => {
    if (out.includes(d) || placing.has(d)) return;
    placing.add(d);
    for (const n of after.get(d) ?? []) place(n);
    out.push(d);
  };
  for (const d of dirs) place(d);
  return out;
}

/**
 * AC_CONFIG_FILES of a configure.ac: each output with its inputs (`X` alone: `X.in`). The obsolete
 * `AC_OUTPUT(FILES…)` form names config files the same way (autoconf and automake read its first argument
 * as AC_CONFIG_FILES: augeas' `AC_OUTPUT(Makefile gnulib/lib/Makefile …)`); its shell line continuations are
 * not words.
 */
export function configFileInputs(acText: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const arg of ['AC_CONFIG_FILES', 'AC_OUTPUT'].flatMap((m) => macroFirstArgs(acText, m))) {
    for (const w of arg.split(/\s+/).filter((x) => x && x !== '\\' && !x.includes('$'))) {
      const [file, ...inputs] = w.split(':');
      if (file) out.set(file.replace(/^\.\//, ''), inputs.length ? inputs.map((i) => i.replace(/^\.\//, '')) : [`${file.replace(/^\.\//, '')}.in`]);
    }
  }
  return out;
}

/**
 * `-I dir` flags for aclocal: AC_CONFIG_MACRO_DIR(S) and ACLOCAL_AMFLAGS, in order, deduplicated. `dir` is
 * the configure directory: a dir above it (libltdl's `-I ../m4`) is kept only while it stays inside the tree.
 */
export function aclocalIncludes(acText: string, makefileAm: string | undefined, dir = ''): string[] {
  const dirs: string[] = [];
  for (const macro of ['AC_CONFIG_MACRO_DIRS', 'AC_CONFIG_MACRO_DIR']) {
    for (const arg of macroFirstArgs(acText, macro)) for (const d of arg.split(/\s+/).filter(Boolean)) if (!d.includes('$')) dirs.push(d);
  }
  const flags = makefileAm ? /^\s*ACLOCAL_AMFLAGS\s*=\s*(.*(?:\\\n.*)*)$/m.exec(makefileAm)?.[1] : undefined;
  if (flags) {
    const words = flags.replace(/\\\n/g, ' ').split(/\s+/).filter(Boolean);
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      if (w === '-I' && words[i + 1]) dirs.push(words[++i]!);
      else if (w.startsWith('-I') && w.length > 2) dirs.push(w.slice(2));
    }
  }
  return [...new Set(dirs.map((d) => d.replace(/\/+$/, '')).filter((d) => d && !d.startsWith('/') && inTreeOf(dir, d) !== undefined))];
}

/** Files m4 pulls in: m4_include / m4_sinclude / sinclude / include arguments, relative to `dir`. */
function m4Includes(text: string): string[] {
  const out: string[] = [];
  for (const macro of ['m4_include', 'm4_sinclude', 'sinclude']) for (const a of macroFirstArgs(text, macro)) if (a && !a.includes('$')) out.push(a);
  return out;
}

/** Paths named inside m4_esyscmd([...]) calls of configure.ac (build-aux/git-version-gen .tarball-version). */
export function esyscmdPaths(text: string): string[] {
  const out: string[] = [];
  for (const a of [...macroFirstArgs(text, 'm4_esyscmd'), ...macroFirstArgs(text, 'm4_esyscmd_s'), ...macroFirstArgs(text, 'esyscmd')]) {
    for (const w of a.split(/[\s;|&<>()'"`]+/)) if (/^[\w.][\w./+-]*$/.test(w) && !w.startsWith('-')) out.push(w.replace(/^\.\//, ''));
  }
  return out;
}

/**
 * Files an m4_esyscmd command of configure.ac writes with a redirection (`echo 1.51 >VERSION`): relative paths
 * only, never a descriptor (`>&5`) or an absolute path (`2>/dev/null`).
 */
export function esyscmdWrites(text: string): string[] {
  const out = new Set<string>();
  // The whole first argument, quoted parts and macro names alike (`[echo ]mym4_version[>VERSION]`), brackets dropped.
  const args: string[] = [];
  for (const m of text.matchAll(/(?<![A-Za-z0-9_])(?:m4_esyscmd_s|m4_esyscmd|esyscmd)\(/g)) {
    let depth = 0;
    let parens = 0;
    let i = m.index + m[0].length;
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (c === '[') depth++;
      else if (c === ']') depth--;
      else if (depth > 0) continue;
      else if (c === '(') parens++;
      else if (c === ')' && parens > 0) parens--;
      else if (c === ')' || (c === ',' && parens === 0)) break;
    }
    args.push(text.slice(m.index + m[0].length, i).replace(/[[\]]/g, ''));
  }
  for (const a of args) {
    for (const m of a.matchAll(/(?:^|[^>&\d])>>?\s*([\w.][\w./+-]*)/g)) if (!m[1]!.split('/').includes('..')) out.add(m[1]!.replace(/^\.\//, ''));
  }
  return [...out];
}

/** `include` lines of a Makefile.am, resolved relative to the repository root. */
function amIncludes(am: string, amDir: string, acDir: string): string[] {
  const out: string[] = [];
  for (const m of am.matchAll(/^\s*-?include\s+(\S+)/gm)) {
    let p = m[1]!;
    if (p.startsWith('$(top_srcdir)/')) p = inDir(acDir, p.slice('$(top_srcdir)/'.length));
    else if (p.startsWith('$(srcdir)/')) p = inDir(amDir, p.slice('$(srcdir)/'.length));
    else if (p.includes('$')) continue;
    else p = inDir(amDir, p.replace(/^\.\//, ''));
    out.push(p);
  }
  return out;
}

/**
 * What regeneration needs before any input is known — whether the sandbox starts, and the versions of the
 * system's autoconf, automake and msgfmt (each a process to spawn) — started early so that it
 * overlaps the archive scan. Both are cached promises that regenerate() awaits again; failures surface there.
 */
export function prepareRegeneration(mode: RegenerateMode, path?: string): void {
  if (mode === 'off') return;
  void probeSandbox(path).catch(() => undefined);
  for (const t of TOOL_NAMES) if (t !== 'libtool') void systemVersion(t).catch(() => undefined);
}

export async function regenerate(args: RegenerateArgs): Promise<RegenerationReport> {
  const t0 = Date.now();
  const nothing = nothingToRegenerate(args.mode, args.diffs);
  if (nothing) return nothing;
  const tarballOnly = new Map<string, TreeEntry>();
  for (const d of args.diffs) if (d.status === 'tarball-only' && d.tarball) tarballOnly.set(d.path, d.tarball);

  // configure.ac texts (from git) for every directory with a tarball-only configure, or a configure.X that a
  // tracked rule of that directory writes with `autoconf -o configure.X` (autoconfOutputRule).
  const acTexts = new Map<string, string>();
  const outputRules = new Map<string, { rule: string; line: number }>();
  const readTracked = async (p: string): Promise<string | undefined> => {
    const g = args.git.entries.get(p);
    if (g?.type !== 'file' || !g.oid) return undefined;
    return (await args.readGit(args.git.converted.get(g.path)?.rawOid ?? g.oid))?.toString('latin1');
  };
  for (const [path, e] of tarballOnly) {
    if (!configureLike(baseOf(path)) || e.type !== 'file') continue;
    const ac = ['configure.ac', 'configure.in'].map((n) => inDir(dirOf(path), n)).find((p) => args.git.entries.get(p)?.type === 'file');
    if (!ac) continue;
    if (baseOf(path) !== 'configure') {
      const makefiles: { path: string; text: string }[] = [];
      for (const n of ['Makefile.in', 'Makefile.am', 'GNUmakefile', 'Makefile']) {
        const text = await readTracked(inDir(dirOf(path), n));
        if (text !== undefined) makefiles.push({ path: inDir(dirOf(path), n), text });
      }
      const rule = autoconfOutputRule(baseOf(path), makefiles);
      if (!rule) continue;
      outputRules.set(path, rule);
    }
    const text = acTexts.has(ac) ? acTexts.get(ac) : await readTracked(ac);
    if (text !== undefined) acTexts.set(ac, text);
  }
  const dirs = findConfigureDirs(args, tarballOnly, acTexts, outputRules);
  // A tracked rule that makes aclocal.m4 with `aclocal -I $(srcdir)/DIR`, for an aclocal.m4 made in a build directory.
  for (const d of dirs) {
    if (!d.aclocal) continue;
    const makefiles: { path: string; text: string }[] = [];
    for (const n of ['Makefile.in', 'Makefile.am', 'GNUmakefile', 'Makefile']) {
      const text = await readTracked(inDir(d.dir, n));
      if (text !== undefined) makefiles.push({ path: inDir(d.dir, n), text });
    }
    const rule = srcdirAclocalRule(makefiles);
    if (rule) d.srcdirRule = rule;
  }
  if (!dirs.length) return emptyReport('not-applicable', { kind: 'no-configure', args: {} }, Date.now() - t0);

  let detected: GeneratorVersions | undefined;
  const unavailable = (cause: RegenCause): RegenerationReport => {
    if (args.mode === 'require') throw new DistdiffError('usage', '--regenerate=require', `cannot regenerate the autotools files: ${regenCauseText(cause)}`, 'install what is missing, or drop --regenerate=require');
    return { ...emptyReport('unavailable', cause, Date.now() - t0), ...(detected ? { versions: detected } : {}) };
  };

  const sandbox = await probeSandbox(args.path);
  if (!sandbox.ok) return unavailable(sandbox.cause);
  if (args.git.entries.size > MAX_TREE_FILES) return unavailable({ kind: 'tree-too-large', args: { files: args.git.entries.size, max: MAX_TREE_FILES } });

  // ---- versions and tools ----
  const head = (p: string) => args.tarball(p)?.subarray(0, 8192).toString('latin1');
  const top = dirs[0]!;
  // po/ infrastructure first: the version its Makefile.in.in names is the likelier msgfmt (gettext.m4 may be newer).
  const gettextFiles = [...tarballOnly.keys()].filter((p) => /(?:^|\/)(?:po\/Makefile\.in\.in|m4\/gettext\.m4)$/.test(p)).sort((a, b) => Number(a.endsWith('.m4')) - Number(b.endsWith('.m4')) || (a < b ? -1 : 1));
  const ltmain = [...tarballOnly.keys()].find((p) => baseOf(p) === 'ltmain.sh');
  const versions = detectVersions(head, { configure: top.configure, ...(top.aclocal ? { aclocal: top.aclocal } : {}), makefileIns: dirs.flatMap((d) => d.makefileIns), ...(ltmain ? { ltmain } : {}), gettext: gettextFiles });
  detected = versions;
  if (!versions.autoconf) return unavailable({ kind: 'no-autoconf-stamp', args: { configure: top.configure } });
  const needAutomake = dirs.some((d) => d.aclocal || d.makefileIns.length);
  const needed: [ToolName, string][] = [['autoconf', versions.autoconf]];
  // Without the stamped automake (1.16.1, 1.16.2 and 1.16.4 are in no Debian release this archive holds) the run is
  // autoconf-only: configure, the autoheader template and autotest suites are made from the shipped
  // aclocal.m4, which keeps its label (and so do the Makefile.in files); the note says so.
  let autoconfOnly: AutoconfOnly | undefined;
  const preSkipped: RegenSkip[] = [];
  // The stamped automake unavailable, the nearest release of its series stands in (./automake-stand-in.ts): its
  // outputs are written back into the stamped release's form and compared byte for byte (never with --regenerate=require).
  let amStandIn: AutomakeStandIn | undefined;
  if (needAutomake) {
    const automake = versions.automake ? await findTools('automake', versions.automake, args.cacheDir) : [];
    // aclocal stamps the autoconf it ran with into aclocal.m4: it must be the same version.
    const mixed = versions.aclocalAutoconf && versions.aclocalAutoconf !== versions.autoconf;
    const neighbour = !automake.length && !mixed && versions.automake && args.mode !== 'require' && (!versions.aclocal || versions.aclocal === versions.automake) ? await findNeighbour('automake', versions.automake, args.cacheDir) : [];
    if (neighbour.length) {
      amStandIn = { stamped: versions.automake!, used: neighbour[0]!.version };
      needed.push(['automake', amStandIn.used]);
    } else if (!automake.length || mixed) {
      const why: AutoconfOnly['why'] = !versions.automake
        ? { kind: 'no-automake-stamp', args: {} }
        : mixed
          ? { kind: 'mixed-autoconf', args: { aclocalAutoconf: versions.aclocalAutoconf!, autoconf: versions.autoconf } }
          : { kind: 'automake-missing', args: { version: versions.automake } };
      if (args.mode === 'require') return unavailable(why);
      const counts = dirs.reduce((n, d) => n + d.makefileIns.filter((m) => args.git.entries.has(inDir(dirOf(m), 'Makefile.am'))).length, 0);
      autoconfOnly = { why, makefileIns: counts };
      // A Makefile.in whose Makefile.am the release made (not in git) has no label to keep: say what it lacks.
      for (const m of dirs.flatMap((d) => d.makefileIns)) {
        const am = inDir(dirOf(m), 'Makefile.am');
        if (args.git.entries.has(am)) continue;
        const amHead = head(am) ?? '';
        const gnulibTool = /gnulib-tool/.test(amHead) || /^## DO NOT EDIT! GENERATED AUTOMATICALLY!/m.test(amHead);
        preSkipped.push({ kind: 'makefile-am-release-made', args: { path: m, why, am, gnulibTool } });
      }
      for (const d of dirs) {
        if (d.aclocal) d.shippedAclocal = d.aclocal;
        delete d.aclocal;
        d.makefileIns = [];
      }
    } else needed.push(['automake', versions.automake!]);
  }
  const candidates: Tool[][] = [];
  const missing: { name: ToolName; version: string }[] = [];
  // A stamped autoconf test release nobody can obtain (libtool 2.5.4's 2.72e): a final release of its series
  // stands in for automake's traces and autotest; the autoconf outputs themselves (configure, the autoheader
  // template, aclocal.m4's version check) would carry the stand-in's version, so they keep their label.
  let standIn: { stamped: string; used: string } | undefined;
  for (const [name, version] of needed) {
    const found = await findTools(name, version, args.cacheDir);
    if (found.length) candidates.push(found);
    else {
      const other = name === 'autoconf' && needAutomake && !autoconfOnly && args.mode !== 'require' ? await findStandIn(name, version, args.cacheDir) : undefined;
      if (other) {
        candidates.push([other]);
        standIn = { stamped: version, used: other.version };
      } else missing.push({ name, version });
    }
  }
  if (missing.length) return unavailable({ kind: 'tools-missing', args: { tools: missing } });
  if (standIn)
    for (const d of dirs) {
      for (const p of [d.configure, ...(d.aclocal ? [d.aclocal] : []), ...d.headers]) preSkipped.push({ kind: 'autoconf-substitute', args: { path: p, ...standIn } });
      if (d.aclocal) d.shippedAclocal = d.aclocal;
      delete d.aclocal;
    }
  // The first tool of each kind; then, when some kind has a second (a GNU build and a distribution's), that one; then
  // a third (a GNU release with backported upstream commits, findTools' last).
  const toolSets: Tool[][] = [candidates.map((c) => c[0]!)];
  const depth = Math.max(1, ...candidates.map((c) => c.length));
  for (let k = 1; k < depth; k++) toolSets.push(candidates.map((c) => c[k] ?? c[0]!));
  // libtoolize is optional: it proves ltmain.sh and the libtool macros when a libtool of exactly the
  // shipped VERSION is available (a cached GNU release, or the system's when its VERSION string is equal).
  // A snapshot build's ltmain.sh ("2.4.7-dirty") is compared with its release's, the build values written in.
  let libtool = versions.libtool ? (await findTools('libtool', versions.libtool, args.cacheDir))[0] : undefined;
  const snapshotBase = versions.libtool ? libtoolSnapshotBase(versions.libtool) : undefined;
  if (!libtool && snapshotBase) libtool = (await findTools('libtool', snapshotBase, args.cacheDir))[0];

  // ---- scratch tree ----
  const outputs = new Set<string>();
  for (const d of dirs) {
    if (!standIn) outputs.add(d.configure);
    // A tarball-only file configure.ac's esyscmd writes (`m4_esyscmd([echo ]VERSION[>VERSION])`): made by autoconf, compared.
    if (!standIn) for (const w of esyscmdWrites(d.acText).map((p) => inDir(d.dir, p))) if (tarballOnly.has(w)) outputs.add(w);
    if (d.aclocal) outputs.add(d.aclocal);
    if (!standIn) for (const h of d.headers) outputs.add(h);
    for (const m of d.makefileIns) outputs.add(m);
  }
  const temp = mkdtempSync(join(tmpdir(), 'distdiff-regen-'));
  const base = join(temp, 'tree');
  mkdirSync(base);
  const origin = new Map<string, RegenInput['origin']>();
  let placeholders = 0;
  const placeholderPaths = new Set<string>();
  let compiling: Promise<CatalogRun> | undefined;
  try {
    const missingInput: string[] = [];
    const symlinks: [string, string][] = [];
    const entries = [...args.git.entries.values()];
    // A symlink of the tag that the release ships as a regular file (make dist dereferences it; its
    // target may lie in a submodule `git archive` leaves empty): the tarball's file, an input judged by
    // its own finding.
    const dereferenced = new Map<string, TreeEntry>();
    for (const d of args.diffs) if (d.git?.type === 'symlink' && d.tarball?.type === 'file') dereferenced.set(d.path, d.tarball);
    const writeFile = (rel: string, content: Buffer | undefined, executable: boolean, from: 'git' | 'tarball') => {
      if (content === undefined) {
        if (isBuildAffecting(rel)) missingInput.push(rel);
        placeholders++;
        placeholderPaths.add(rel);
      }
      if (safeWrite(base, rel, (full) => writeFileSync(full, content ?? Buffer.alloc(0), { mode: executable ? 0o755 : 0o644 }))) origin.set(rel, from);
    };
    // A file whose content git holds under another path — the scan does not keep content git has — is read
    // from git's blob: a tarball-only copy (gettext's gnulib-m4/java.m4 is gnulib-local/m4/java.m4), or a tracked
    // symlink make dist dereferenced (`tar chof`: logrotate 3.21.0's test/test-config.59.in, a link to
    // test-config.58.in, shipped as that file).
    const rawOf = new Map<string, string>();
    for (const e of entries) if (e.type === 'file' && e.oid) rawOf.set(e.oid, args.git.converted.get(e.path)?.rawOid ?? e.oid);
    const fromGitBlob = async (e: TreeEntry): Promise<Buffer | undefined> => {
      const raw = e.oid ? rawOf.get(e.oid) : undefined;
      return raw ? await args.readGit(raw) : undefined;
    };
    // git side, a bounded number of reads in flight
    let next = 0;
    const worker = async () => {
      while (next < entries.length) {
        const e = entries[next++]!;
        const deref = dereferenced.get(e.path);
        if (deref) {
          writeFile(e.path, args.tarball(e.path) ?? (await fromGitBlob(deref)), deref.executable, 'tarball');
          continue;
        }
        if (e.type === 'symlink' && e.linkTarget !== undefined) symlinks.push([e.path, e.linkTarget]);
        if (e.type !== 'file' || !e.oid) continue;
        const oid = args.git.converted.get(e.path)?.rawOid ?? e.oid;
        writeFile(e.path, await args.readGit(oid), e.executable, 'git');
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    // The pinned submodules a build file names, as a recursive checkout of the tag has them: each file of the
    // pinned commit's tree (read from the submodule's own repository) under the submodule's path — p11-kit 0.25.5's
    // top Makefile.am includes subprojects/pkcs11-json/Makefile.am. They are the tag's content (the gitlink pins the
    // commit): origin git. A file already placed is left as it is.
    if (args.submodules?.length) {
      const texts = [...dirs.map((d) => d.acText), ...[...origin.keys()].filter((p) => baseOf(p) === 'Makefile.am').map((p) => readOutput(base, p)?.toString('latin1') ?? '')];
      for (const sub of submoduleTreesNeeded(args.submodules, texts)) {
        if (args.git.entries.get(sub.path)?.type !== 'submodule') continue;
        for (const p of sub.files.keys()) {
          const rel = `${sub.path}/${p}`;
          if (origin.has(rel)) continue;
          const content = await sub.read(p);
          if (content !== undefined) writeFile(rel, content, sub.executable?.has(p) ?? false, 'git');
        }
      }
    }
    // A tarball-only file: its content, or git's blob of the same content (rawOf above).
    for (const [path, e] of tarballOnly) {
      if (outputs.has(path)) continue;
      if (e.type === 'symlink' && e.linkTarget !== undefined) symlinks.push([path, e.linkTarget]);
      if (e.type !== 'file') continue;
      writeFile(path, args.tarball(path) ?? (await fromGitBlob(e)), e.executable, 'tarball');
    }
    // Symlinks last, and only those that stay inside the tree (relative, no climbing above the root).
    for (const [path, target] of symlinks) {
      const depth = path.split('/').length - 1;
      let level = depth;
      let ok = !target.startsWith('/');
      for (const seg of target.split('/')) {
        if (seg === '..') level--;
        else if (seg && seg !== '.') level++;
        if (level < 0) ok = false;
      }
      if (ok && safeWrite(base, path, (full) => symlinkSync(target, full))) origin.set(path, args.git.entries.has(path) ? 'git' : 'tarball');
    }
    if (missingInput.length) {
      return unavailable({ kind: 'inputs-too-large', args: { paths: missingInput.slice(0, 3), more: Math.max(0, missingInput.length - 3) } });
    }

    // .gmo catalogs need only their .po files: compiled in a sandbox of their own while the generators run
    // (the two use both cores); their result joins the report once the generators have succeeded.
    // configure.ac's esyscmd asking git (GnuPG's autogen.sh --find-version): a read-only checkout of the revision.
    const esyscmds = (acText: string) => ['esyscmd', 'm4_esyscmd', 'm4_esyscmd_s'].flatMap((m) => macroFirstArgs(acText, m));
    const asksGit = args.checkout && dirs.some((d) => esyscmdAsksGit(esyscmds(d.acText), (p) => readOutput(base, inDir(d.dir, p))?.toString('latin1')));
    const releaseTag = asksGit && args.releaseVersion !== undefined ? dirs.map((d) => releaseTagName(esyscmds(d.acText), (p) => readOutput(base, inDir(d.dir, p))?.toString('latin1'), args.releaseVersion!)).find((t) => t !== undefined) : undefined;
    const view = asksGit ? writeGitView({ ...args.checkout!, ...(releaseTag !== undefined ? { releaseTag } : {}) }, base) : undefined;
    const gitView = view ? { mounts: view.mounts, step: { kind: 'git-checkout' as const, args: { commit: args.checkout!.commit, tags: view.tags, ...(view.releaseTag !== undefined ? { releaseTag: view.releaseTag } : {}) } } } : undefined;
    compiling = compileCatalogs(args, gettextFiles, head, tarballOnly, join(temp, 'catalogs'), (po) => (origin.get(po) === 'git' ? readOutput(base, po) : undefined), (po) => origin.get(po));
    args.started?.();
    // ---- run the generators, once per tool set; the run that reproduces most is kept ----
    let best: { outputs: Map<string, RegeneratedOutput>; tools: Tool[]; failure?: RegenCause } | undefined;
    /** The tree the kept run wrote (a copy of base when several runs were possible). */
    let bestScratch = base;
    // With a git view, a second variant: the tag's tree without .git (a release bootstrapped in an exported tree,
    // where the version script takes its no-git branch: tinyproxy's scripts/version.sh `cat VERSION`, whose
    // `git describe` skips the lightweight tag 1.11.1). Run only when the checkout does not reproduce everything;
    // either variant is the tag's tracked inputs, and the outputs must still be identical.
    // A third: the checkout of the release commit before it was tagged (the maintainer ran the generators, then tagged:
    // mc 4.8.33's version.sh `git describe --always --abbrev=0` said 4.8.33-pre1) — the view without the tags at the
    // commit; only when the two before did not reproduce everything and some tag points at the commit.
    const variants: (typeof gitView | 'exported' | 'before-tag')[] = gitView ? [gitView, 'exported', 'before-tag'] : [undefined];
    const done = (r: { outputs: Map<string, RegeneratedOutput>; failure?: RegenCause }) =>
      !r.failure && [...r.outputs.values()].every((o) => o.status === 'reproduced' || o.step === 'libtoolize');
    // The runs of each git-view variant (by tool set): an output the kept run did not reproduce but another variant of
    // the same tools did keeps that variant's result — the outputs of one release need not come from one moment (mc
    // 4.8.33: configure made before the tag, mc-version.h, which version.sh writes again at build time, after it).
    const viewRuns: { n: number; outputs: Map<string, RegeneratedOutput> }[] = [];
    let bestN = -1;
    runs: for (const [n, tools] of toolSets.entries()) {
      for (const [k, variant] of variants.entries()) {
        const exported = variant === 'exported';
        const scratch = toolSets.length > 1 || k > 0 ? join(temp, `run-${n}-${k}`) : base;
        if (scratch !== base) cpSync(base, scratch, { recursive: true, verbatimSymlinks: true });
        if (exported) rmSync(join(scratch, '.git'), { recursive: true, force: true }); // the view's .git (writeGitView never replaces a tarball's)
        let untaggedView: ReturnType<typeof writeGitView>;
        if (variant === 'before-tag') {
          rmSync(join(scratch, '.git'), { recursive: true, force: true });
          untaggedView = writeGitView({ ...args.checkout!, beforeTag: true }, scratch);
          if (!untaggedView?.untagged) {
            rmSync(scratch, { recursive: true, force: true });
            continue;
          }
        }
        const acdir = join(temp, `acdir-${n}-${k}`);
        mkdirSync(acdir);
        const view = exported
          ? { mounts: [], step: { kind: 'exported-tree' as const, args: { commit: args.checkout!.commit } } }
          : variant === 'before-tag'
            ? { mounts: untaggedView!.mounts, step: { kind: 'git-checkout-before-tag' as const, args: { commit: args.checkout!.commit, tags: untaggedView!.tags, untagged: untaggedView!.untagged! } } }
            : variant;
        const run = await runGenerators({ args, sandbox: sandbox.bwrap, scratch, acdir, dirs, tools, libtool, tarballOnly, outputs, origin, ...(standIn ? { standIn } : {}), ...(view ? { gitView: view } : {}), ...(amStandIn ? { amStandIn } : {}) });
        const score = (r: typeof run) => (r.failure ? -1 : 0) + [...r.outputs.values()].filter((o) => o.status === 'reproduced').length;
        if (variant !== undefined && !run.failure) viewRuns.push({ n, outputs: run.outputs });
        if (!best || score(run) > score(best)) {
          if (bestScratch !== base) rmSync(bestScratch, { recursive: true, force: true });
          best = run;
          bestN = n;
          bestScratch = scratch;
        } else if (scratch !== base) rmSync(scratch, { recursive: true, force: true });
        // libtoolize's files do not depend on the autoconf/automake build: they do not call for another run.
        if (done(run)) break runs;
      }
    }
    const kept = best!;
    if (!kept.failure)
      for (const [p, o] of kept.outputs) {
        if (o.status === 'reproduced') continue;
        const other = viewRuns.find((r) => r.n === bestN && r.outputs !== kept.outputs && r.outputs.get(p)?.status === 'reproduced')?.outputs.get(p);
        if (other) kept.outputs.set(p, other);
        // A shipped copy the kept run rewrote (found by its mtime) that another view left as it was — a script writing
        // its file only when the value changes (mc's version.sh) saw its own value there: no output of this run, the
        // file keeps the classifiers' finding (mc-version.h: GENERATED_FROM_SOURCE, version.sh's here-document).
        else if (viewRuns.some((r) => r.n === bestN && r.outputs !== kept.outputs && !r.outputs.has(p))) kept.outputs.delete(p);
      }
    // The steps below (autotest's AC_INIT trace reads aclocal.m4, the make replay reads configure) work in base: it
    // gets the kept run's outputs — base itself never ran when several tool sets were tried (a GNU build and a
    // distribution's package of one autoconf release), and then lacked the regenerated aclocal.m4.
    if (bestScratch !== base) {
      for (const p of new Set([...outputs, ...kept.outputs.keys()])) {
        const from = join(bestScratch, p);
        const made = lstatSync(from, { throwIfNoEntry: false })?.isFile();
        if (!safeWrite(base, p, (full) => made && cpSync(from, full)) && insideTree(base, p)) {
          rmSync(join(base, p), { force: true });
          if (made) safeWrite(base, p, (full) => cpSync(from, full));
        }
      }
      rmSync(bestScratch, { recursive: true, force: true });
    }
    if (kept.failure) {
      if (args.mode === 'require') throw new DistdiffError('usage', '--regenerate=require', `regeneration failed: ${regenCauseText(kept.failure)}`, 'see the generator message; drop --regenerate=require to get the report without it');
      return { ...emptyReport('failed', kept.failure), versions, tools: kept.tools, outputs: kept.outputs, placeholders, ms: Date.now() - t0 };
    }
    const ranTools = [...kept.tools, ...(libtool && [...kept.outputs.values()].some((o) => o.step === 'libtoolize') ? [libtool] : [])];
    // Autotest suites and their package.m4, by the tag's Makefile.am rules (./autotest.ts).
    const skips: RegenSkip[] = [...preSkipped];
    const autoconf = kept.tools.find((t) => t.name === 'autoconf')!;
    for (const d of dirs) {
      try {
        const at = await regenerateAutotest({
          bwrap: sandbox.bwrap,
          scratch: base,
          dir: d.dir,
          ac: d.ac,
          algo: args.algo,
          acInputs: [d.ac, ...esyscmdPaths(d.acText).map((p) => inDir(d.dir, p))],
          autoconf,
          cacheDir: args.cacheDir,
          tarballOnly,
          tarball: args.tarball,
          origin,
          outputs,
          ...(args.limits ? { limits: args.limits } : {}),
          ...(standIn ? { standIn } : {}),
        });
        for (const o of at.outputs) kept.outputs.set(o.path, o);
        skips.push(...at.skips);
        for (const t of at.tools) if (!ranTools.some((r) => r.name === t.name && r.version === t.version && r.origin === t.origin)) ranTools.push(t);
      } catch (e) {
        skips.push({ kind: 'suites-failed', args: { dir: d.dir, error: e instanceof Error ? e.message : String(e) } });
      }
    }
    // Tarball-only files a tracked make rule writes with text tools only: that rule replayed (./make-replay.ts).
    const notReplayed: NotReplayed[] = [];
    try {
      const replay = await replayMakeRules({
        bwrap: sandbox.bwrap,
        base,
        origin,
        placeholders: placeholderPaths,
        work: join(temp, 'replay'),
        algo: args.algo,
        tracked: new Set([...args.git.entries.values()].filter((e) => e.type === 'file').map((e) => e.path)),
        tarballOnly,
        tarball: args.tarball,
        outputs,
        configureDirs: dirs.map((d) => d.dir),
        // a configure that reproduced byte for byte: its literal values are the replay's (shipped = regenerated text)
        configure: (dir) => {
          const path = inDir(dir, 'configure');
          if (kept.outputs.get(path)?.status !== 'reproduced') return undefined;
          return (args.tarball(path) ?? readOutput(base, path))?.toString('latin1');
        },
        ...(args.checkout ? { checkout: args.checkout } : {}),
        ...(args.limits ? { limits: args.limits } : {}),
      });
      for (const o of replay.outputs) if (!kept.outputs.has(o.path)) kept.outputs.set(o.path, o);
      notReplayed.push(...replay.notReplayed);
    } catch (e) {
      skips.push({ kind: 'make-replay-failed', args: { error: e instanceof Error ? e.message : String(e) } });
    }
    // .gmo catalogs (compiled beside the generators, above).
    const catalogs = await compiling;
    const catalogFailure = catalogs.failure;
    if (catalogFailure && args.mode === 'require') throw new DistdiffError('usage', '--regenerate=require', `regeneration failed: ${regenCauseText(catalogFailure)}`, 'drop --regenerate=require to get the report without it');
    for (const c of catalogs.outputs) kept.outputs.set(c.path, c);
    if (catalogs.outputs.length && catalogs.tool) ranTools.push(catalogs.tool);
    return { status: 'done', ...(catalogFailure ? { cause: catalogFailure } : {}), ...(autoconfOnly ? { autoconfOnly } : {}), ...(skips.length ? { skips } : {}), ...(notReplayed.length ? { notReplayed } : {}), versions, tools: ranTools, outputs: kept.outputs, placeholders, ms: Date.now() - t0 };
  } finally {
    await compiling; // never rejects; its sandbox writes under temp
    rmSync(temp, { recursive: true, force: true });
  }
}

interface CatalogRun {
  outputs: RegeneratedOutput[];
  /** The gettext whose msgfmt compiled them (none available: no outputs). */
  tool?: Tool;
  /** Why the catalogs were not compiled (the sandbox run failed). */
  failure?: RegenCause;
}

/**
 * Every shipped .gmo compiled again from its .po (./catalogs.ts) with msgfmt of a version the po/
 * infrastructure or gettext.m4 names (the first one available). Never rejects: a failure is returned.
 */
async function compileCatalogs(
  args: RegenerateArgs,
  gettextFiles: string[],
  head: (p: string) => string | undefined,
  tarballOnly: Map<string, TreeEntry>,
  work: string,
  /** A .po the scratch tree holds from git (when the tarball's copy is git's). */
  fromGit: (po: string) => Buffer | undefined,
  originOf: (po: string) => RegenInput['origin'] | undefined,
): Promise<CatalogRun> {
  let gettext: Tool | undefined;
  try {
    for (const v of new Set(gettextFiles.map((p) => gettextVersion(head(p) ?? '')).filter((x): x is string => !!x))) {
      gettext ??= (await findTools('gettext', v, args.cacheDir))[0];
    }
    if (!gettext) return { outputs: [] };
    const sandbox = await probeSandbox(args.path);
    if (!sandbox.ok) return { outputs: [] };
    const outputs = await regenerateCatalogs({
      bwrap: sandbox.bwrap,
      work,
      tool: gettext,
      tarballOnly,
      readPo: (po) => args.tarball(po) ?? fromGit(po),
      poOrigin: (po) => (args.tarball(po) ? 'tarball' : (originOf(po) ?? 'tarball')),
      tarball: args.tarball,
      ...(args.limits ? { limits: args.limits } : {}),
    });
    return { outputs, tool: gettext };
  } catch (e) {
    const failure: RegenCause = e instanceof SandboxCommandError ? { kind: 'msgfmt-failed', args: { failure: e.failure } } : { kind: 'catalogs-error', args: { error: e instanceof Error ? e.message : String(e) } };
    return { outputs: [], ...(gettext ? { tool: gettext } : {}), failure };
  }
}

interface GeneratorRun {
  args: RegenerateArgs;
  sandbox: string;
  /** The scratch tree (host path, mounted at /build). */
  scratch: string;
  /** An empty host directory: aclocal's system directory (holds the shipped aclocal.m4's third-party copies). */
  acdir: string;
  dirs: ConfigureDir[];
  tools: Tool[];
  libtool: Tool | undefined;
  tarballOnly: Map<string, TreeEntry>;
  outputs: Set<string>;
  origin: Map<string, RegenInput['origin']>;
  /** The autoconf that stands in for a stamped test release: autoconf and autoheader are then not run (their outputs keep their label). */
  standIn?: { stamped: string; used: string };
  /** A read-only git checkout the generators see (./git-view.ts): its host paths and the procedure step naming it. */
  gitView?: { mounts: string[]; step: ProcedureStep };
  /** The automake release of the same series that stands in for the stamped one (./automake-stand-in.ts). */
  amStandIn?: AutomakeStandIn;
}

/**
 * The version a regenerated output names: the tool's, and for a release built with backported upstream commits
 * (`toolchain add FILE --backport`) those commits too — "2.71 with upstream commits b27bc3e2, 8b5e2016"; for a
 * distribution's binary package, the package — "2.69 (Debian package autoconf 2.69-14)".
 */
export function toolVersionText(tool: Tool): string {
  if (tool.package) return `${tool.version} (Debian package ${tool.package.name} ${tool.package.version})`;
  return tool.backports?.length ? `${tool.version} with upstream commits ${tool.backports.map((c) => c.slice(0, 8)).join(', ')}` : tool.version;
}

/** aclocal → autoconf → autoheader → automake in each configure directory, then libtoolize. */
async function runGenerators(g: GeneratorRun): Promise<{ outputs: Map<string, RegeneratedOutput>; tools: Tool[]; failure?: RegenCause }> {
  const { args, scratch, dirs, tools, tarballOnly, outputs, origin } = g;
  const result = new Map<string, RegeneratedOutput>();
  const toolOf = (name: ToolName) => tools.find((t) => t.name === name)!;
  const prefixes = [...tools, ...(g.libtool ? [g.libtool] : [])].flatMap((t) => (t.prefix ? [t.prefix] : []));
  const sandboxRun = async (dir: string, argv: string[], toolchains = prefixes, root = scratch) => {
    const r = await runSandboxed(g.sandbox, { scratch: root, cwd: dir || undefined, argv, toolchains, readOnly: [g.acdir, ...(g.gitView ? viewMounts(g.gitView, root) : [])], ...(args.limits ? { limits: args.limits } : {}) });
    if (r.code !== 0) throw new GeneratorFailure({ kind: 'generator-failed', args: { command: argv, dir, failure: commandFailure(r) } });
  };
  // A stand-in automake's own macro files, as aclocal copies them (name under aclocal-X.Y → text).
  let usedMacroTexts: Map<string, string> | undefined;
  const usedMacros = () => (usedMacroTexts ??= macroTexts(automakeMacroDir(toolOf('automake'))));
  const amStandInSteps: ProcedureStep[] = g.amStandIn ? [{ kind: 'automake-substitute', args: g.amStandIn }] : [];
  const record = (path: string, step: GeneratorStep, inputs: RegenInput[], procedureSteps: ProcedureStep[] = [], ran?: Tool, normalisationSteps: Normalisation[] = [], root = scratch) => {
    if (g.gitView && step !== 'libtoolize' && !procedureSteps.some((s) => s.kind === 'git-checkout' || s.kind === 'exported-tree')) procedureSteps = [g.gitView.step, ...procedureSteps];
    const tool = ran ?? toolOf(step === 'aclocal' || step === 'automake' ? 'automake' : 'autoconf');
    if (amStandInSteps.length && (step === 'aclocal' || step === 'automake') && !procedureSteps.some((p) => p.kind === 'automake-substitute')) procedureSteps = [...amStandInSteps, ...procedureSteps];
    let regenerated = readOutput(root, path);
    const shipped = args.tarball(path);
    const entry = tarballOnly.get(path);
    let status: RegeneratedOutput['status'] = 'not-produced';
    if (regenerated) {
      const same = shipped ? regenerated.equals(shipped) : entry?.oid !== undefined && blobId(args.algo, regenerated) === entry.oid;
      status = same ? 'reproduced' : 'differs';
      // A configure from Debian's patched autoconf 2.69 (./distro-patches.ts): the patch undone exactly, or not at all.
      if (!same && shipped && step === 'autoconf' && tool.version === '2.69') {
        const undone = undoDebianAutoconf(shipped.toString('latin1'));
        if (undone && Buffer.from(undone.text, 'latin1').equals(regenerated)) {
          status = 'reproduced';
          normalisationSteps = [...normalisationSteps, ...undone.normalisations];
        }
      }
      // Only the number of empty lines ending the file differs (another m4 ends the last diversion differently:
      // OpenSSH 9.2p1's configure ends "fi\n", GNU m4's autoconf 2.71 writes "fi\n\n"): every line is the same.
      if (status === 'differs' && shipped) {
        const ends = trailingBlankLines(regenerated, shipped);
        if (ends) {
          status = 'reproduced';
          normalisationSteps = [...normalisationSteps, { kind: 'trailing-blank-lines', args: ends }];
        }
      }
      // Lines that differ only in the date a generator writes when it runs (AX_AM_MACROS_STATIC's aminclude_static.am
      // and the Makefile.in files that include it): this run's date in the output, an earlier one shipped (./run-dates.ts).
      if (status === 'differs' && shipped) {
        const dated = runDatesOnly(regenerated, shipped);
        if (dated) {
          status = 'reproduced';
          normalisationSteps = [...normalisationSteps, { kind: 'run-date', args: dated }];
        }
      }
      // configure.ac's `m4_esyscmd([date +%Y])` (GNU hello's COPYRIGHT_YEAR): this run's year in configure, the compared
      // commit's year shipped, every other byte the same (./run-dates.ts runYearOnly).
      if (status === 'differs' && shipped && step === 'autoconf' && args.checkout) {
        const ac = dirs.find((d) => d.configure === path)?.acText;
        const year = ac !== undefined && esyscmdRunsDateYear(['esyscmd', 'm4_esyscmd', 'm4_esyscmd_s'].flatMap((m) => macroFirstArgs(ac, m))) ? commitYear(args.checkout) : undefined;
        const dated = year !== undefined ? runYearOnly(regenerated, shipped, new Date().getUTCFullYear(), year) : undefined;
        if (dated) {
          status = 'reproduced';
          normalisationSteps = [...normalisationSteps, { kind: 'run-year', args: { ...dated, commit: args.checkout.commit } }];
        }
      }
      // An svn export (smartmontools): an input whose $Id$ the tarball has expanded (SVN_KEYWORD_EXPANDED, its own name)
      // and the output copying that line — git's unexpanded keyword regenerated, the input's exact expansion shipped.
      if (status === 'differs' && shipped) {
        const n = svnExpandedOutput(regenerated.toString('latin1'), shipped.toString('latin1'), inputs.filter((i) => i.origin === 'git').map((i) => i.path), (p) => readOutput(root, p)?.toString('latin1'), (p) => args.tarball(p)?.toString('latin1'));
        if (n) {
          status = 'reproduced';
          normalisationSteps = [...normalisationSteps, n];
        }
      }
      // aclocal.m4 made in a build directory by a tracked `aclocal -I $(srcdir)/m4` rule (./srcdir-includes.ts).
      const srcdirRule = step === 'aclocal' ? dirs.find((d) => d.aclocal === path)?.srcdirRule : undefined;
      if (status === 'differs' && shipped && srcdirRule) {
        const n = srcdirIncludes(regenerated.toString('latin1'), shipped.toString('latin1'), srcdirRule);
        if (n) {
          status = 'reproduced';
          normalisationSteps = [...normalisationSteps, n];
        }
      }
      // aclocal.m4 of a stand-in automake, written back into the stamped release's form (./automake-stand-in.ts).
      if (status === 'differs' && shipped && step === 'aclocal' && g.amStandIn) {
        const back = backportAclocal(regenerated.toString('latin1'), shipped.toString('latin1'), g.amStandIn, usedMacros());
        regenerated = Buffer.from(back.text, 'latin1');
        normalisationSteps = [...normalisationSteps, back.normalisation];
        if (regenerated.equals(shipped) && !(back.normalisation.kind === 'automake-stand-in' && back.normalisation.args.notStamped)) status = 'reproduced';
      }
      // A Makefile.in: Debian's 2.69 runstatedir line (./distro-patches.ts), automake's hash-ordered LIBOBJS rules (./automake-order.ts).
      if (status === 'differs' && shipped && step === 'automake') {
        let made = regenerated.toString('latin1');
        let text = shipped.toString('latin1');
        const applied: Normalisation[] = [];
        // A stand-in automake's output first, written back into the stamped release's form (kept for the diff).
        if (g.amStandIn && !normalisationSteps.some((n) => n.kind === 'automake-stand-in')) {
          const back = backportMakefileIn(made, g.amStandIn);
          made = back.text;
          regenerated = Buffer.from(made, 'latin1');
          applied.push(back.normalisation);
          normalisationSteps = [...normalisationSteps, back.normalisation];
          if (made === text) status = 'reproduced';
        }
        // (Not when automake wrote the line itself: gnulib's m4 AC_SUBSTs runstatedir for an autoconf without it.)
        const undone = toolOf('autoconf').version === '2.69' && !/^runstatedir = @runstatedir@$/m.test(made) ? undoRunstatedirMakefile(text) : undefined;
        if (undone) {
          text = undone.text;
          applied.push(undone.normalisation);
        }
        // a distribution's automake with upstream's later `ARFLAGS = cr` default (./distro-patches.ts)
        const ar = undoArflagsCr(made, text);
        if (ar) {
          text = ar.text;
          applied.push(ar.normalisation);
        }
        // … or with 1.15.1's `eval GZIP= gzip $(GZIP_ENV)` dist lines (./distro-patches.ts)
        const gz = undoGzipEval(made, text);
        if (gz) {
          text = gz.text;
          applied.push(gz.normalisation);
        }
        const order = sameUpToRuleOrder(made, text);
        if (order) applied.push(order);
        if (status === 'differs' && applied.length && (text === made || order)) {
          status = 'reproduced';
          normalisationSteps = [...normalisationSteps, ...applied.filter((n) => !normalisationSteps.includes(n))];
        }
      }
    }
    result.set(path, {
      path,
      step,
      tool: tool.name,
      version: toolVersionText(tool),
      toolOrigin: tool.origin,
      status,
      ...(status === 'differs' ? { regenerated } : {}),
      inputs,
      procedureSteps,
      normalisationSteps,
    });
  };
  const inputOf = (p: string): RegenInput | undefined => {
    const o = origin.get(p);
    return o ? { path: p, origin: o } : outputs.has(p) ? { path: p, origin: 'regenerated' } : undefined;
  };
  const uniqInputs = (paths: string[], extra: RegenInput[] = []) => {
    const seen = new Set<string>();
    const out: RegenInput[] = [];
    for (const p of paths) {
      if (seen.has(p)) continue;
      seen.add(p);
      const i = inputOf(p);
      if (i) out.push(i);
    }
    return [...out.sort((a, b) => (a.path < b.path ? -1 : 1)), ...extra];
  };

  // configure's AC_SUBST values per configure directory, traced in the sandbox when a post-edit rule needs them.
  const traced = new Map<string, Map<string, string>>();
  const substOf = async (d: ConfigureDir): Promise<Map<string, string>> => {
    let v = traced.get(d.dir);
    if (!v) {
      const r = await runSandboxed(g.sandbox, { scratch, cwd: d.dir || undefined, argv: ['autoconf', '--trace=AC_SUBST:$1=$2'], toolchains: prefixes, readOnly: [g.acdir, ...(g.gitView ? viewMounts(g.gitView, scratch) : [])], ...(args.limits ? { limits: args.limits } : {}) });
      v = r.code === 0 ? substValues(r.stdout, d.acText) : new Map();
      traced.set(d.dir, v);
    }
    return v;
  };
  /** A tracked Makefile.am (the Makefile.in's directory or one above, inside the tree) whose rule seds `m` in place. */
  const postEditRuleFor = async (m: string) => {
    for (let dir = dirOf(m); ; dir = dirOf(dir)) {
      const am = inDir(dir, 'Makefile.am');
      const text = origin.get(am) === 'git' ? readOutput(scratch, am)?.toString('latin1') : undefined;
      const owner = dirs.filter((c) => c.dir === '' || dir === c.dir || dir.startsWith(`${c.dir}/`)).sort((a, b) => b.dir.length - a.dir.length)[0];
      if (text !== undefined && /\bmv\b/.test(text) && /\bsed\b|\$\(SED\)/.test(text) && owner) {
        const parsed = parseMakefileAm(am, (p) => (origin.get(p) === 'git' ? readOutput(scratch, p)?.toString('latin1') : undefined));
        const topRel = posix.relative(dir || '.', owner.dir || '.') || '.';
        const values = new Map([...builtinVars(topRel), ...(await substOf(owner))]);
        const rule = findPostEditRule(parsed, m, values);
        if (rule) return { rule, amDir: parsed.dir, inputs: [...parsed.files, owner.ac] };
      }
      // A dist-hook's `perl -pi -e 's!…!…!' $(distdir)/Makefile.in` (coreutils' rm_subst), read by ./post-edit.ts.
      if (text !== undefined && /^dist-hook\s*:/m.test(text) && /\bperl -pi -e\b/.test(text) && owner) {
        const parsed = parseMakefileAm(am, (p) => (origin.get(p) === 'git' ? readOutput(scratch, p)?.toString('latin1') : undefined));
        const topRel = posix.relative(dir || '.', owner.dir || '.') || '.';
        const hook = findDistHookPerlEdit(parsed, m, builtinVars(topRel));
        if (hook) return { rule: hook.rule, amDir: parsed.dir, inputs: [...parsed.files, owner.ac], edit: hook.edit };
      }
      if (!dir) return undefined;
    }
  };

  try {
    // automake's own macro files, to find where the shipped aclocal.m4's copies end.
    const amDir = tools.some((t) => t.name === 'automake') ? automakeMacroDir(toolOf('automake')) : undefined;
    const automakeMacros = amDir ? readdirSync(amDir).filter((f) => f.endsWith('.m4')).sort().map((f) => readFileSync(join(amDir, f), 'latin1')) : [];
    for (const d of dirs) {
      const rootAm = inDir(d.dir, 'Makefile.am');
      // The directory's Makefile.am, tracked or made by the release (libtool's libltdl/Makefile.am, from
      // bootstrap): its ACLOCAL_AMFLAGS are what autoreconf passes to aclocal, so it is then an input of aclocal.m4.
      const rootAmText = origin.has(rootAm) ? readOutput(scratch, rootAm)?.toString('latin1') : undefined;
      // (and the `-I $(srcdir)/DIR` directories of a tracked aclocal.m4 rule: aclocal run as that rule runs it)
      const flagIncludes = aclocalIncludes(d.acText, rootAmText, d.dir);
      const includes = [...new Set([...flagIncludes, ...(d.srcdirRule?.dirs.filter((x) => inTreeOf(d.dir, x) !== undefined) ?? [])])];
      const amFlags = rootAmText !== undefined && flagIncludes.join('\0') !== aclocalIncludes(d.acText, undefined, d.dir).join('\0');
      const acFiles = [d.ac, ...inTree(d.dir, m4Includes(d.acText)), ...inTree(d.dir, esyscmdPaths(d.acText))];
      if (args.git.entries.has(inDir(d.dir, 'acinclude.m4')) || origin.has(inDir(d.dir, 'acinclude.m4'))) acFiles.push(inDir(d.dir, 'acinclude.m4'));
      let m4Inputs: string[] = [];
      let copies: RegenInput[] = [];
      const ownerOf = (p: string) => dirs.filter((c) => c.dir === '' || p.startsWith(`${c.dir}/`)).sort((a, b) => b.dir.length - a.dir.length)[0];
      // The modification time of every placed tarball-only file of this directory before aclocal's and autoconf's
      // m4 expansion: a file the expansion writes changes it. (Comparing with a clock reading taken here instead
      // let a file placed just before count as written — file times and Date.now() differ in granularity — so a
      // tarball-only file such as tests/package.m4 became an "autoconf output" reproduced from its own copy.)
      const mtimeBefore = new Map<string, number>();
      for (const [p, e] of tarballOnly) {
        if (e.type !== 'file' || outputs.has(p) || origin.get(p) !== 'tarball' || ownerOf(p) !== d) continue;
        try {
          mtimeBefore.set(p, statSync(join(scratch, p)).mtimeMs);
        } catch {
          // not placed: nothing to compare
        }
      }
      if (d.aclocal) {
        // The third-party macro files the maintainer's aclocal copied in are aclocal's whole system
        // directory here: nothing installed on this machine leaks into the result.
        const shipped = args.tarball(d.aclocal)?.toString('latin1');
        const stamped = g.amStandIn?.stamped;
        const blocks = shipped !== undefined ? copiedBlocks(
                shipped,
                automakeMacros,
                stamped ? (from) => stampedMacroStart(shipped, stamped, from) : undefined,
                stamped ? (from, to) => stampedMacroRanges(shipped, stamped, from, to) : undefined,
              ) : undefined;
        const block = blocks && blocks.system + blocks.user;
        const procedure: ProcedureStep[] = [];
        const acdir = join(g.acdir, String(dirs.indexOf(d)));
        mkdirSync(acdir, { recursive: true });
        // Copies written after automake's files came from an `-I` directory named by absolute path, scanned
        // before automake's: given back as such, last, so that aclocal writes them where the maintainer's did.
        const userAcdir = blocks?.user ? join(g.acdir, `${dirs.indexOf(d)}-I`) : undefined;
        if (block) {
          if (blocks.system) writeFileSync(join(acdir, 'aclocal-copies.m4'), blocks.system.slice(0, -1), 'latin1');
          if (userAcdir) {
            mkdirSync(userAcdir, { recursive: true });
            writeFileSync(join(userAcdir, 'aclocal-copies.m4'), blocks.user.slice(0, -1), 'latin1');
          }
          const parts = splitCopies(block, upstreamDbOrUndefined());
          const systemLines = blocks.system.split('\n').length - 1;
          copies = parts.map((copy) => ({ path: d.aclocal!, origin: 'aclocal-copy' as const, copy }));
          procedure.push({ kind: 'aclocal-copies', args: { aclocal: d.aclocal, files: parts.map((p) => p.name), ...(userAcdir ? { includeDir: parts.filter((p) => p.line > systemLines).map((p) => p.name) } : {}) } });
        }
        const aclocalArgv = ['aclocal', '--force', `--system-acdir=${acdir}`, ...[...includes, ...(userAcdir ? [userAcdir] : [])].flatMap((i) => ['-I', i])];
        await sandboxRun(d.dir, aclocalArgv);
        let text = readOutput(scratch, d.aclocal)?.toString('latin1') ?? '';
        // The shipped aclocal.m4 includes project files this aclocal did not pull in: the maintainer's system
        // directory may have held gettext <= 0.19's installed macros (./gettext-acdir.ts). Each derived set is
        // tried; one is kept only when aclocal then writes the shipped file byte for byte.
        if (shipped !== undefined && wantsGettextMacroSet(d.acText, shipped, text)) {
          for (const set of gettextMacroSets()) {
            for (const f of set.files) writeFileSync(join(acdir, f.name), f.text, 'latin1');
            await sandboxRun(d.dir, aclocalArgv);
            const tried = readOutput(scratch, d.aclocal)?.toString('latin1') ?? '';
            if (tried === shipped) {
              text = tried;
              procedure.push({ kind: 'gettext-system-macros', args: { version: set.version, tag: set.tag, commit: set.commit, files: set.files.map((f) => f.name) } });
              break;
            }
            for (const f of set.files) rmSync(join(acdir, f.name), { force: true });
            await sandboxRun(d.dir, aclocalArgv);
          }
        }
        m4Inputs = inTree(d.dir, m4Includes(text));
        record(d.aclocal, 'aclocal', uniqInputs([...acFiles, ...(amFlags ? [rootAm] : []), ...m4Inputs], copies), procedure);
      } else if (d.shippedAclocal) {
        // Autoconf-only run: the shipped aclocal.m4 and the files it m4_includes are inputs as they are.
        m4Inputs = [d.shippedAclocal, ...inTree(d.dir, m4Includes(args.tarball(d.shippedAclocal)?.toString('latin1') ?? ''))];
      } else if (args.git.entries.has(inDir(d.dir, 'aclocal.m4'))) {
        m4Inputs = [inDir(d.dir, 'aclocal.m4')];
      }
      // (A Makefile.am whose ACLOCAL_AMFLAGS steered aclocal is an input of what is made from aclocal.m4 too.)
      const configureInputs = [...acFiles, ...(d.aclocal ? [d.aclocal] : []), ...(d.aclocal && amFlags ? [rootAm] : []), ...m4Inputs];
      // A stand-in automake: autoconf and autoheader run on the shipped aclocal.m4 (the stamped release's macros,
      // an input that is itself compared above); automake then needs its own release's aclocal.m4 back.
      const ownAclocal = g.amStandIn && d.aclocal ? readOutput(scratch, d.aclocal) : undefined;
      const shippedAclocal = ownAclocal && d.aclocal ? args.tarball(d.aclocal) : undefined;
      // (autom4te's cache is keyed by file times, which one second does not tell apart: dropped at each swap.)
      const swapAclocal = (content: Buffer) => {
        writeFileSync(join(scratch, d.aclocal!), content);
        rmSync(join(scratch, d.dir, 'autom4te.cache'), { recursive: true, force: true });
      };
      if (shippedAclocal) swapAclocal(shippedAclocal);
      if (!g.standIn) {
        const named = d.outputRule ? baseOf(d.configure) : undefined;
        await sandboxRun(d.dir, ['autoconf', '--force', ...(named ? ['-o', named] : [])]);
        record(d.configure, 'autoconf', uniqInputs(configureInputs, copies), named ? [{ kind: 'autoconf-output-name', args: { output: named, ...d.outputRule! } }] : []);
        // Files configure.ac's esyscmd writes while autoconf expands it (libgpg-error's `echo VERSION >VERSION`).
        for (const w of esyscmdWrites(d.acText).map((p) => inDir(d.dir, p))) if (outputs.has(w)) record(w, 'autoconf', uniqInputs(acFiles));
      }
      if (d.headers.length && !g.standIn) {
        await sandboxRun(d.dir, ['autoheader', '--force']);
        for (const h of d.headers) record(h, 'autoheader', uniqInputs(configureInputs, copies));
      }
      // A tarball-only file the m4 expansion itself wrote (a macro's m4_esyscmd redirection, autoconf-archive's
      // AX_AM_MACROS_STATIC writing aminclude_static.am): the copy placed from the tarball was rewritten by this
      // run, so it is an output of autoconf, compared like one.
      for (const [p, before] of mtimeBefore) {
        if (outputs.has(p) || origin.get(p) !== 'tarball') continue;
        let written = false;
        try {
          written = statSync(join(scratch, p)).mtimeMs !== before;
        } catch {
          continue;
        }
        if (!written) continue;
        outputs.add(p);
        record(p, 'autoconf', uniqInputs(configureInputs, copies));
      }
      if (shippedAclocal) swapAclocal(ownAclocal!);
      if (d.makefileIns.length) {
        const amInputs = (m: string) => {
          const amPath = inDir(dirOf(m), 'Makefile.am');
          const text = readOutput(scratch, amPath)?.toString('latin1') ?? '';
          return uniqInputs([amPath, ...amIncludes(text, dirOf(m), d.dir), d.ac]);
        };
        const standInSteps: ProcedureStep[] = g.standIn ? [{ kind: 'autoconf-substitute', args: g.standIn }] : [];
        const reproducedAll = () => d.makefileIns.every((m) => result.get(m)?.status === 'reproduced');
        const snapshot = () => new Map(d.makefileIns.map((m) => [m, result.get(m)!]));
        const plain = async () => {
          await sandboxRun(d.dir, ['automake']);
          for (const m of d.makefileIns) record(m, 'automake', amInputs(m), standInSteps);
        };
        // The aux files automake installs itself, from the tarball: the `--add-missing` run removes them and lets
        // automake add them in its own order (DIST_COMMON then lists what existed when each Makefile.am was
        // processed). Those in this directory, or in its AC_CONFIG_AUX_DIR when that lies outside it (libltdl's
        // ../build-aux).
        const auxArg = macroFirstArgs(d.acText, 'AC_CONFIG_AUX_DIR')[0]?.trim();
        const auxDir = auxArg && !auxArg.includes('$') ? inTreeOf(d.dir, auxArg) : undefined;
        const auxCandidates = [...tarballOnly.keys()].filter((p) => AUTOMAKE_AUX.has(baseOf(p)) && origin.get(p) === 'tarball' && (p.startsWith(`${d.dir}/`) || !d.dir || (auxDir !== undefined && dirOf(p) === auxDir)));
        // Only those the shipped top Makefile.in of this directory does not list: automake writes it first, so
        // an aux file its DIST_COMMON names existed before automake ran (gettext's libtextstyle lists compile
        // and install-sh, not depcomp and mdate-sh, which automake then installed for lib/ and doc/). No
        // DIST_COMMON to read (no top Makefile.in): all of them.
        const topIn = inDir(d.dir, 'Makefile.in');
        const unlisted = installedLater(d.dir, d.makefileIns.includes(topIn) ? args.tarball(topIn)?.toString('latin1') : undefined, auxCandidates);
        const auxOwned = unlisted ?? auxCandidates;
        // Common files the release made after automake ran: tarball-only, and not in the shipped DIST_COMMON.
        const lateOf = (of: readonly string[]) =>
          of.flatMap((m) => {
            const shipped = args.tarball(m)?.toString('latin1');
            if (shipped === undefined) return [];
            const words = distCommonWords(shipped);
            return COMMON_FILES.map((n) => inDir(dirOf(m), n)).filter((p) => origin.get(p) === 'tarball' && tarballOnly.has(p) && !words.has(baseOf(p)));
          });
        // `first`: the aux files the shipped top Makefile.in lacks, when that made this run go first.
        const addMissing = async (late: string[], first?: string[]) => {
          const saved = new Map([...auxOwned, ...late].map((p) => [p, { data: readFileSync(join(scratch, p)), mode: statSync(join(scratch, p)).mode & 0o777 }]));
          for (const p of saved.keys()) rmSync(join(scratch, p), { force: true });
          for (const m of d.makefileIns) rmSync(join(scratch, m), { force: true });
          await sandboxRun(d.dir, ['automake', '--add-missing', '--copy']);
          // (as the configure directory sees them: libltdl's ../build-aux/install-sh)
          const rel = (p: string) => posix.relative(d.dir || '.', p);
          const installed = auxOwned.filter((p) => readOutput(scratch, p) !== undefined).map(rel);
          const procedure: ProcedureStep[] = [...standInSteps, { kind: 'automake-add-missing', args: { installed, ...(first ? { unlisted: first.map(rel) } : {}) } }];
          if (late.length) procedure.push({ kind: 'automake-late-files', args: { files: late } });
          for (const m of d.makefileIns) record(m, 'automake', amInputs(m), procedure);
          // Put the tarball's aux files back (a later run or directory may need them).
          for (const [p, b] of saved) {
            rmSync(join(scratch, p), { force: true });
            writeFileSync(join(scratch, p), b.data, { mode: b.mode });
          }
        };
        if (unlisted?.length) {
          // The shipped top Makefile.in shows the release's automake ran with --add-missing (an aux file the
          // tarball ships did not exist when automake passed it): that run first, and the plain one only when a
          // Makefile.in then differs (xz 5.4.1: one automake run instead of two).
          await addMissing(lateOf(d.makefileIns), unlisted);
          if (!reproducedAll()) {
            const added = snapshot();
            await plain();
            // Each Makefile.in keeps the run that reproduced it; one neither reproduced keeps the plain run's diff.
            for (const [m, o] of added) if (o.status === 'reproduced' && result.get(m)?.status !== 'reproduced') result.set(m, o);
          }
        } else {
          await plain();
          const differing = d.makefileIns.filter((m) => result.get(m)?.status !== 'reproduced');
          const late = lateOf(differing);
          if (differing.length && (auxOwned.length || late.length)) {
            const firstRun = snapshot();
            await addMissing(late);
            // Each Makefile.in keeps the run that reproduced it (both are automake on the same inputs, the aux
            // files present or not); one neither reproduced keeps the first run's diff.
            for (const [m, o] of firstRun) if (o.status === 'reproduced' || result.get(m)?.status !== 'reproduced') result.set(m, o);
          }
        }
        // A Makefile.in whose shipped rebuild rule names other automake options than the plain run wrote
        // (./automake-options.ts: the strictness the release's automake ran with — curl's sub-directory
        // Makefile.in, rewritten by the top Makefile's `$(AUTOMAKE) --foreign`): automake once more with those
        // options on those files, as that rule runs it. Each keeps the run that reproduced it, else the run
        // that leaves fewer lines differing (its diff then shows what the options do not explain).
        const byOptions = new Map<string, string[]>();
        for (const m of d.makefileIns) {
          const o = result.get(m);
          const shipped = args.tarball(m)?.toString('latin1');
          if (o?.status !== 'differs' || !o.regenerated || shipped === undefined) continue;
          const want = rebuildRuleOptions(shipped);
          if (!want || want.join(' ') === rebuildRuleOptions(o.regenerated.toString('latin1'))?.join(' ')) continue;
          byOptions.set(want.join(' '), [...(byOptions.get(want.join(' ')) ?? []), m]);
        }
        for (const [opts, files] of byOptions) {
          const before = new Map(files.map((m) => [m, result.get(m)!]));
          const options = opts.split(' ');
          await sandboxRun(d.dir, ['automake', ...options, ...files.map((m) => posix.relative(d.dir || '.', m).replace(/\.in$/, ''))]);
          for (const m of files) {
            const prev = before.get(m)!;
            record(m, 'automake', amInputs(m), [...prev.procedureSteps, { kind: 'automake-options', args: { options } }]);
            const now = result.get(m)!;
            if (now.status !== 'reproduced' && differingCount(now, args.tarball(m)) >= differingCount(prev, args.tarball(m))) result.set(m, prev);
          }
        }
        // A Makefile.in that a tracked make rule edits in place after automake ran (libtool's $(stamp_mk)): the
        // rule's commands computed over automake's output (./post-edit.ts, never run), then compared again.
        for (const m of d.makefileIns) {
          const first = result.get(m);
          if (first?.status !== 'differs' || !first.regenerated) continue;
          const found = await postEditRuleFor(m);
          if (!found) continue;
          const files = new Set([...origin.keys(), ...outputs]);
          const tracked = (p: string) => (origin.get(p) === 'git' ? readOutput(scratch, p)?.toString('latin1') : undefined);
          const edited = 'edit' in found && found.edit ? found.edit(first.regenerated.toString('latin1')) : postEdit(found.rule, found.amDir, { files, tracked, target: m }, first.regenerated.toString('latin1'));
          if (edited === undefined || edited === first.regenerated.toString('latin1')) continue;
          writeFileSync(join(scratch, m), edited, 'latin1');
          const step: Normalisation = { kind: 'make-rule-post-edit', args: { file: found.rule.file, target: found.rule.target, commands: found.rule.commands } };
          // (A stand-in's write-back is already in the edited text: listed again, not redone.)
          record(m, 'automake', uniqInputs([...first.inputs.map((i) => i.path), ...found.inputs]), first.procedureSteps, undefined, [...first.normalisationSteps.filter((n) => n.kind === 'automake-stand-in'), step]);
          // Still different: the edited output is kept (the rule listed) only when it leaves fewer lines differing, so
          // that the diff shows what the rule does not explain.
          const edited2 = result.get(m)!;
          if (edited2.status !== 'reproduced' && differingCount(edited2, args.tarball(m)) >= differingCount(first, args.tarball(m))) result.set(m, first);
        }
      }
    }
    // libtoolize, only with a libtool whose ltmain.sh carries exactly the shipped VERSION: its files
    // (ltmain.sh and the libtool m4 macros) are then reinstalled and compared with the tarball's copies.
    // On a copy of the tree: libtoolize --force also rewrites aux scripts and removes macro files it does not
    // install (libtool's own m4/ltargz.m4), which later steps (the AC_INIT trace of autotest) still read.
    const ltRoot = `${scratch}-libtoolize`;
    if (g.libtool) {
      cpSync(scratch, ltRoot, { recursive: true, verbatimSymlinks: true });
      for (const d of dirs) {
        const lt = [...tarballOnly.keys()].find((p) => baseOf(p) === 'ltmain.sh' && origin.get(p) === 'tarball' && (!d.dir || p.startsWith(`${d.dir}/`)));
        const shipped = lt ? libtoolVersion(args.tarball(lt)?.subarray(0, 16384).toString('latin1') ?? '') : undefined;
        if (!lt || !shipped || (shipped !== g.libtool.version && libtoolSnapshotBase(shipped) !== g.libtool.version)) continue;
        const ltM4 = [...tarballOnly.keys()].filter((p) => /(?:^|\/)(?:libtool|ltoptions|ltsugar|ltversion|lt~obsolete)\.m4$/.test(p) && origin.get(p) === 'tarball' && (!d.dir || p.startsWith(`${d.dir}/`)));
        for (const p of [lt, ...ltM4]) rmSync(join(ltRoot, p), { force: true });
        // Only libtool's prefix on PATH: libtoolize must not find another libtool's files.
        await sandboxRun(d.dir, ['libtoolize', '--copy', '--force', '--quiet'], g.libtool.prefix ? [g.libtool.prefix] : [], ltRoot);
        for (const p of [lt, ...ltM4]) {
          let normalisations: Normalisation[] = [];
          const produced = readOutput(ltRoot, p);
          const shippedFile = args.tarball(p);
          if (shipped !== g.libtool.version && produced && shippedFile) {
            const applied = applyLibtoolBuild(produced.toString('latin1'), shippedFile.toString('latin1'));
            writeFileSync(join(ltRoot, p), applied.text, 'latin1');
            normalisations = applied.normalisations;
          }
          record(p, 'libtoolize', [], [], g.libtool, normalisations, ltRoot);
        }
      }
      rmSync(ltRoot, { recursive: true, force: true }); // (inside the run's temp directory, removed with it on failure)
    }
  } catch (e) {
    return { outputs: result, tools, failure: e instanceof GeneratorFailure ? e.regenCause : { kind: 'error', args: { error: e instanceof Error ? e.message : String(e) } } };
  }
  return { outputs: result, tools };
}

/** automake's own macro files in its aclocal-X.Y directory (internal/ too), as aclocal copies them: name → text. */
function macroTexts(dir: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!dir) return out;
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const name = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(name);
      else if (e.isFile() && e.name.endsWith('.m4')) out.set(name, aclocalContent(readFileSync(join(dir, name), 'latin1')));
    }
  };
  walk('');
  return out;
}

/** Lines that differ between an output's regenerated content and the shipped file (both directions). */
function differingCount(o: RegeneratedOutput, shipped: Buffer | undefined): number {
  if (!o.regenerated || !shipped) return Number.MAX_SAFE_INTEGER;
  const a = o.regenerated.toString('latin1');
  const b = shipped.toString('latin1');
  return (addedLines(a, b)?.size ?? Number.MAX_SAFE_INTEGER) + (addedLines(b, a)?.size ?? 0);
}

/** The upstream database when it loads (the copies are then named and checked), else undefined. */
function upstreamDbOrUndefined(): UpstreamDb | undefined {
  try {
    return upstreamDb();
  } catch {
    return undefined;
  }
}

/** How many empty lines end each file, when that is all that differs (both end with a newline, at most 3 of them); else undefined. */
export function trailingBlankLines(regenerated: Buffer, shipped: Buffer): { regenerated: number; shipped: number } | undefined {
  const ends = (b: Buffer) => {
    let n = 0;
    while (n < b.length && b[b.length - 1 - n] === 0x0a) n++;
    return n;
  };
  const r = ends(regenerated);
  const s = ends(shipped);
  if (r === s || r === 0 || s === 0 || r > 4 || s > 4) return undefined;
  if (!regenerated.subarray(0, regenerated.length - r).equals(shipped.subarray(0, shipped.length - s))) return undefined;
  return { regenerated: r - 1, shipped: s - 1 };
}
