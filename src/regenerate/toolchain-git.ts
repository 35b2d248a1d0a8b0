/**
 * A generator toolchain built from a git revision of the tool's own repository (`distdiff toolchain add
 * --git REPO --version V`): for the versions no GNU release tarball carries — a test release without a
 * tarball here (automake 1.16d, autoconf 2.72a), or a snapshot stamped with a git-describe version
 * (autoconf 2.72.70-9ff9).
 *
 * The repository is input the user names (the GNU tool's own repository), trusted like a GNU release
 * tarball, not the release under test: its bootstrap, configure and make run inside the sandbox, network
 * off, with only the build directory and the install prefix writable.
 *
 * Finding the revision for V is generic (findToolRevision): the tag vV (or V); for a git-describe version
 * X.Y.N-HASH the commit whose id starts with HASH and lies N commits after the tag vX.Y; otherwise the commit
 * that set V as configure.ac's AC_INIT version (a test release's "adjust version for snapshot" commit).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { openRepo, readTagMap } from '../acquire/repo.js';
import { DistdiffError } from '../core/errors.js';
import { DESCRIBE_VERSION as DESCRIBE, RELEASE_VERSION, TEST_RELEASE_VERSION, toolVersionSource } from '../core/tool-version.js';
import { regenCauseText } from '../core/wording.js';
import { runGit, runGitText } from '../git/run.js';
import { aclocalVersions, autoconfVersion, automakeVersion } from './detect.js';
import { namedVersion } from './parser-version.js';
import { swigNamedVersion, swigVersion } from './swig-version.js';
import { valacNamedVersion, valacVersion } from './vala-version.js';
import { probeSandbox, runSandboxed, SYSTEM_PATH, which } from './sandbox.js';
import type { ToolName } from './types.js';

/** How the revision of a version was found. */
export type ToolRevision =
  | { kind: 'tag'; tag: string; commit: string }
  | { kind: 'describe'; base: string; distance: number; commit: string }
  | { kind: 'version-commit'; file: string; commit: string }
  | { kind: 'before'; date: string; file: string; commit: string }
  | { kind: 'rev'; rev: string; commit: string };

/** Whether `version` names something findToolRevision can look for (a release, test release or git-describe version; core/tool-version.ts). */
export function isToolVersion(version: string): boolean {
  return toolVersionSource(version) !== 'none';
}

const show = (gitDir: string, commit: string, path: string) => runGitText(gitDir, ['show', `${commit}:${path}`]).catch(() => undefined);

/**
 * AC_INIT's arguments in a configure.ac text, each unquoted, an `m4_defn([NAME])` replaced by the text
 * `m4_define([NAME], [TEXT])` gives it (autoconf 2.72e names itself that way).
 */
function acInitArgs(acText: string): string[] {
  const m = /^AC_INIT\(/m.exec(acText);
  if (!m) return [];
  const defs = new Map<string, string>();
  for (const d of acText.matchAll(/^m4_define\(\[(\w+)\],\s*\[([^\]]*)\]\)/gm)) defs.set(d[1]!, d[2]!);
  const args: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = m.index + m[0].length; i < acText.length; i++) {
    const ch = acText[i]!;
    if (depth === 0 && (ch === ',' || ch === ')')) {
      args.push(cur);
      cur = '';
      if (ch === ')') break;
      continue;
    }
    if (ch === '[' || ch === '(') depth++;
    else if (ch === ']' || ch === ')') depth--;
    cur += ch;
  }
  return args.map((a) => {
    const t = a.trim();
    const defn = /^m4_defn\(\[(\w+)\]\)$/.exec(t);
    if (defn) return defs.get(defn[1]!) ?? t;
    return /^\[[^[\]]*\]$/.test(t) ? t.slice(1, -1) : t;
  });
}

/** The AC_INIT version of a configure.ac text ("1.16d"), or undefined when it is computed (m4_esyscmd …). */
export function acInitVersion(acText: string): string | undefined {
  const v = acInitArgs(acText)[1];
  return v && /^[\w.+-]+$/.test(v) ? v : undefined;
}

/** The package name of a configure.ac's AC_INIT ("GNU Automake"). */
export function acInitName(acText: string): string | undefined {
  return acInitArgs(acText)[0] || undefined;
}

/**
 * The commit of `version` in a tool's repository, or a DistdiffError (exit 2) saying what was looked for.
 * - a tag vV or V (peeled to its commit);
 * - a git-describe version X.Y.N-HASH: the one commit whose id starts with HASH, N commits after the tag vX.Y;
 * - otherwise the oldest commit that set AC_INIT's version in configure.ac to V (its parent says otherwise).
 */
export async function findToolRevision(gitDir: string, version: string, label = gitDir, before?: string, rev?: string): Promise<ToolRevision> {
  if (rev !== undefined) {
    // --rev: the revision the user names (a tag or commit of a repository without release tags, e.g. a vendor's
    // gperf); its version is checked by the caller against what the tree says.
    if (!/^[\w.+/-]+$/.test(rev) || rev.startsWith('-')) throw new DistdiffError('usage', `--rev ${rev}`, 'not a tag or commit name', 'pass a tag or a commit id');
    const commit = await runGitText(gitDir, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]).catch(() => undefined);
    if (!commit) throw new DistdiffError('usage', label, `no commit ${rev}`, 'pass a tag or commit of that repository');
    return { kind: 'rev', rev, commit };
  }
  if (before !== undefined) return findBefore(gitDir, version, label, before);
  if (!isToolVersion(version)) throw new DistdiffError('usage', `--version ${version}`, 'not a GNU tool version (X.Y[.Z][a-z]) or a git-describe version (X.Y.N-HASH)', 'pass the version the shipped files are stamped with, e.g. 2.72a or 2.72.70-9ff9');
  // Tags by exact name (rev-parse would also read "v2.72-70-g9ff9c567" as a describe name), peeled to their commit.
  const tags = await readTagMap(gitDir);
  const peeled = async (tag: string) => {
    const oid = tags.get(tag);
    return oid ? runGitText(gitDir, ['rev-parse', '--verify', '--quiet', `${oid}^{commit}`]).catch(() => undefined) : undefined;
  };
  for (const tag of [`v${version}`, version, `rel-${version}`]) {
    const commit = await peeled(tag);
    if (commit) return { kind: 'tag', tag, commit };
  }
  const d = DESCRIBE.exec(version);
  if (d) {
    const [, base, n, hash] = d as unknown as [string, string, string, string];
    const baseTag = `v${base}`;
    const baseCommit = await peeled(baseTag);
    if (!baseCommit) throw new DistdiffError('usage', label, `git-describe version ${version}: no tag ${baseTag}`, 'pass the tool\'s own repository with its tags');
    // Every object whose id starts with the hash (git lists them all when the prefix is ambiguous).
    const objects = (await runGitText(gitDir, ['rev-parse', '--disambiguate=' + hash]).catch(() => '')).split('\n').filter(Boolean);
    const hits: string[] = [];
    for (const o of objects) {
      if ((await runGitText(gitDir, ['cat-file', '-t', o]).catch(() => '')) !== 'commit') continue;
      const isAncestor = await runGit(gitDir, ['merge-base', '--is-ancestor', baseCommit, o]).then(() => true, () => false);
      if (isAncestor && Number(await runGitText(gitDir, ['rev-list', '--count', `${baseCommit}..${o}`])) === Number(n)) hits.push(o);
    }
    if (hits.length === 1) return { kind: 'describe', base: baseTag, distance: Number(n), commit: hits[0]! };
    throw new DistdiffError('usage', label, hits.length ? `git-describe version ${version}: ${hits.length} commits match` : `git-describe version ${version}: no commit starting with ${hash} lies ${n} commits after ${baseTag}`, 'pass the tool\'s own repository (a full clone with its history)');
  }
  // A test release without a tag: the commit that set the version (automake's "maint: adjust version for snapshot").
  for (const file of ['configure.ac', 'configure.in']) {
    const log = await runGitText(gitDir, ['log', '--all', '--reverse', '--format=%H', `-S[${version}]`, '--', file]).catch(() => '');
    for (const c of log.split('\n').filter(Boolean)) {
      const now = await show(gitDir, c, file);
      if (!now || acInitVersion(now) !== version) continue;
      const before = await show(gitDir, `${c}^`, file);
      if (before && acInitVersion(before) === version) continue;
      return { kind: 'version-commit', file, commit: c };
    }
  }
  throw new DistdiffError('usage', label, `no revision of version ${version}: no tag v${version}, no commit setting configure.ac's AC_INIT version to ${version}`, 'pass the repository of the tool that made the release, with its tags and history');
}

/**
 * `--before DATE`: the newest commit dated at or before DATE whose configure.ac says `version` in AC_INIT. An
 * automake version names every commit from the one that set it to the one that changed it (1.16i: October 2021
 * to December 2023, the tag v1.16i at the end); a maintainer building automake from git used the one of the
 * release's day — sed 4.9 (November 2022) is stamped 1.16i with that year's copyright line.
 */
async function findBefore(gitDir: string, version: string, label: string, before: string): Promise<ToolRevision> {
  if (!/^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(before)) throw new DistdiffError('usage', `--before ${before}`, 'not a date', 'pass YYYY-MM-DD (the release date)');
  if (!RELEASE_VERSION.test(version) && !TEST_RELEASE_VERSION.test(version)) throw new DistdiffError('usage', `--version ${version}`, '--before finds a version configure.ac names (X.Y[.Z][a-z])', 'drop --before for a git-describe version');
  const list = await runGitText(gitDir, ['rev-list', '--all', '--date-order', `--before=${before}`, '--max-count=400']).catch(() => '');
  for (const c of list.split('\n').filter(Boolean)) {
    for (const file of ['configure.ac', 'configure.in']) {
      const text = await show(gitDir, c, file);
      if (text === undefined) continue;
      if (acInitVersion(text) === version) return { kind: 'before', date: before, file, commit: c };
      break;
    }
  }
  throw new DistdiffError('usage', label, `no commit at or before ${before} (of the 400 newest) has version ${version} in configure.ac's AC_INIT`, 'check the version and the date');
}

/** Which tool a revision builds, from configure.ac's AC_INIT name. */
const TOOLS: Record<string, ToolName | ParserGitTool | 'swig' | 'valac'> = { 'GNU Autoconf': 'autoconf', 'GNU Automake': 'automake', 'GNU Bison': 'bison', 'the fast lexical analyser generator': 'flex', swig: 'swig', vala: 'valac' };

/** A parser generator built from its own repository (./parsers.ts runs it for an output naming its version): GNU Bison, flex, or a Berkeley yacc (OpenBSD's yacc, portable). */
export type ParserGitTool = 'bison' | 'flex' | 'byacc';

/** A tool a git toolchain builds: autoconf/automake, GNU gperf (the generator tool of ./generators.ts), GNU Bison, flex, a Berkeley yacc, Cython (./cython.ts), SWIG (./swig.ts) or the Vala compiler (./vala.ts). */
export type GitToolName = ToolName | 'gperf' | ParserGitTool | 'cython' | 'swig' | 'valac';

/**
 * The steps building the Vala compiler from its exported tree (pure). Vala is written in Vala and its repository
 * keeps no generated C: the system's valac (Debian's `valac`, scripts/install-system-deps.sh) compiles it once —
 * the compiler built is the revision's own code, so what it writes is what that version writes. autoreconf (what
 * its autogen.sh runs), configure without valadoc (graphviz) and with GLib's gir directory given (no
 * gobject-introspection development files needed: only vapigen reads it), then only the compiler's parts — its
 * internal gee, libvala, the C code model and generator, valac — built and installed with the bindings (vapi/) the
 * compiler reads from the prefix (`--pkg gio-2.0` is PREFIX/share/vala-0.56/vapi/gio-2.0.vapi: the version's own).
 */
export function valaBuildSteps(prefix: string): string[] {
  // one command a step: each step's output goes to its own log (buildToolRevision)
  return [
    'mkdir -p m4',
    'touch ChangeLog',
    'autoreconf -v --install',
    `./configure --prefix=${quote(prefix)} --disable-valadoc GI_GIRDIR=/usr/share/gir-1.0`,
    ...['gee', 'vala', 'ccode', 'codegen', 'compiler'].map((d) => `make -C ${d} -j2`),
    ...['vala', 'ccode', 'codegen', 'compiler', 'vapi'].map((d) => `make -C ${d} install`),
  ];
}

/**
 * The steps building SWIG from its exported tree (pure): its autogen.sh (aclocal, autoheader, automake, autoconf —
 * the system's), configure without PCRE (only `%rename("regex:…")` uses it: a .i asking for it fails, it is not
 * written otherwise), without any target language's test-suite probing and without ccache-swig, then make and make
 * install (the program and its Lib/ of .swg/.i files, which the program reads from the prefix).
 */
export function swigBuildSteps(hasConfigure: boolean, prefix: string): string[] {
  return [...(hasConfigure ? [] : ['sh ./autogen.sh']), `./configure --prefix=${quote(prefix)} --without-pcre --without-alllang --disable-ccache`, 'make -j2', 'make install'];
}

/** Cython's version as its tree states it: Cython/Shadow.py's `__version__ = "V"` (what `cython --version` prints and its C output's first line names). */
export function cythonTreeVersion(shadowPy: string): string | undefined {
  return /^__version__ = "([\w.+-]+)"$/m.exec(shadowPy)?.[1];
}

/**
 * The steps installing Cython from its exported tree (pure): nothing is compiled — Cython runs as pure Python (its
 * optional compiled modules are an accelerator; the code it writes is the same) — so the Cython package and cython.py are
 * copied to PREFIX/lib and PREFIX/bin/cython runs it with the system's python3.
 */
export function cythonBuildSteps(prefix: string): string[] {
  const lib = `${prefix}/lib`;
  return [
    `mkdir -p ${quote(lib)} ${quote(`${prefix}/bin`)} && cp -R Cython cython.py ${quote(lib)}/`,
    `printf '#!/bin/sh\nPYTHONPATH=%s exec python3 %s/cython.py "$@"\n' ${quote(lib)} ${quote(lib)} > ${quote(`${prefix}/bin/cython`)} && chmod 755 ${quote(`${prefix}/bin/cython`)}`,
  ];
}

/** gperf's version as its tree states it: src/version.cc's `version_string = "V";` (gperf's configure.ac names none before 3.1). */
export function gperfTreeVersion(versionCc: string): string | undefined {
  return /^const char \*version_string = "([\w.+-]+)";$/m.exec(versionCc)?.[1];
}

/**
 * A Berkeley yacc's version as its tree states it: the `#define YYMAJOR N` / `#define YYMINOR N` (and, when literal,
 * `#define YYPATCH N`) lines its skeleton.c writes into every parser, below `#define YYBYACC 1` — namedVersion's form
 * ("1.9" for OpenBSD's yacc, which writes no YYPATCH). undefined for any other skeleton.c.
 */
export function byaccTreeVersion(skeletonC: string): string | undefined {
  if (!/^\s*"#define YYBYACC 1",\s*$/m.test(skeletonC)) return undefined;
  const def = (n: string) => new RegExp(`^\\s*"#define ${n} (\\d+)",\\s*$`, 'm').exec(skeletonC)?.[1];
  const [major, minor, patch] = [def('YYMAJOR'), def('YYMINOR'), def('YYPATCH')];
  if (!major || !minor) return undefined;
  return patch ? `${major}.${minor} ${patch}` : `${major}.${minor}`;
}

/**
 * The steps building a Berkeley yacc from its exported tree (pure): its own configure when it has one (the portable
 * OpenBSD yacc's is a hand-written script that probes the C compiler and writes Makefile and config.h), `make`, and the
 * program it built (oyacc, yacc or byacc, the first present) copied to PREFIX/bin/byacc — the name the parser proof
 * runs — with PREFIX/bin/yacc linked to it. Its manual and yyfix are not installed.
 */
export function byaccBuildSteps(hasConfigure: boolean, prefix: string): string[] {
  const bin = `${prefix}/bin`;
  return [
    ...(hasConfigure ? ['./configure'] : []),
    'make',
    `mkdir -p ${quote(bin)} && for p in oyacc yacc byacc; do if test -f "$p" && test -x "$p"; then cp "$p" ${quote(`${bin}/byacc`)} && break; fi; done && test -x ${quote(`${bin}/byacc`)} && ln -sf byacc ${quote(`${bin}/yacc`)}`,
  ];
}

/** A part of a tool not built because the program that makes it is not installed. */
export interface SkippedPart {
  part: 'man-pages' | 'info-manual';
  missing: 'help2man' | 'makeinfo';
}

/** "man pages (help2man is not installed)". */
export function skippedText(s: SkippedPart): string {
  return `${s.part.replace('-', ' ')} (${s.missing} is not installed)`;
}

/** How a git toolchain was made: the repository, the revision and the exact steps (what ran in the sandbox). */
export interface GitToolchainSource {
  repo: string;
  commit: string;
  found: ToolRevision;
  /** The commands run in the sandbox, in order (the build dir is the exported tree). */
  steps: string[];
  /** Parts of the tool not built, and why: docs whose generator is not installed. */
  skipped: SkippedPart[];
  /** The submodules the revision pins (bison's gnulib and autoconf), each exported at its pinned commit from the repository named. */
  submodules?: GitSubmoduleSource[];
}

/** A submodule of a tool's revision: its path, the commit the revision pins, the repository it was exported from, and the top-level files that repository lacks (left out: a stored mirror without gnulib's ChangeLog). */
export interface GitSubmoduleSource {
  path: string;
  commit: string;
  repo: string;
  omitted: string[];
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(path), h);
  return h.digest('hex');
}

/** The steps building a tool from its exported tree: bootstrap, configure, make, make install; pure. */
export function gitBuildSteps(tree: { hasBootstrap: boolean; bootstrapText?: string; bootstrapName?: string }, prefix: string, have: { help2man: boolean; makeinfo: boolean }): { steps: string[]; skipped: SkippedPart[] } {
  const skipped: SkippedPart[] = [];
  const overrides: string[] = [];
  if (!have.help2man) {
    // Without the man pages, nothing makes automake's lib/Automake/Config.pm before doc/amhello-1.0.tar.gz (a
    // dist_doc_DATA file whose rule runs the in-tree aclocal, which needs Config.pm): automake 1.15, 1.15.1, 1.16d and
    // 1.16i failed to build from git on a machine without help2man (stop 31). The installed docs are no part of a
    // toolchain, so they are left out with the man pages.
    overrides.push('MANS=', 'man_MANS=', 'dist_man_MANS=', 'man1_MANS=', 'dist_man1_MANS=', 'dist_doc_DATA=');
    skipped.push({ part: 'man-pages', missing: 'help2man' });
  }
  if (!have.makeinfo) {
    overrides.push('INFO_DEPS=');
    skipped.push({ part: 'info-manual', missing: 'makeinfo' });
  }
  // The tool's own bootstrap when it only needs autoconf/automake/perl (automake's regenerates with its own
  // in-tree aclocal and automake); a gnulib bootstrap would fetch gnulib, so autoreconf instead. automake up to
  // 1.15 calls it bootstrap.sh (autoreconf with the system's automake fails on that tree: holdout15, libX11 1.8.4's
  // automake 1.15).
  const own = tree.hasBootstrap && !/gnulib|git clone|wget|curl|rsync/.test(tree.bootstrapText ?? '');
  const o = overrides.length ? ' ' + overrides.join(' ') : '';
  return {
    steps: [own ? `sh ./${tree.bootstrapName ?? 'bootstrap'}` : 'autoreconf -vi', `./configure --prefix=${quote(prefix)}`, `make -j2${o}`, `make install${o}`],
    skipped,
  };
}

/**
 * The steps building gperf from its exported tree (pure): a tree without configure (gperf 3.1 and later keep only
 * configure.ac) first gets automake's four build-aux helpers its autogen.sh would copy from gnulib (install-sh,
 * mkinstalldirs, compile, ar-lib: the system automake's copies; they only install and compile) and its configure
 * scripts from the system autoconf (`make -f Makefile.devel all`: autoconf and autoheader, as autogen.sh does);
 * then configure, and only the program: lib/ and src/ built, src/ installed (the manual is not built).
 */
export function gperfBuildSteps(hasConfigure: boolean, prefix: string): string[] {
  return [
    ...(hasConfigure ? [] : ['for f in install-sh mkinstalldirs compile ar-lib; do test -f build-aux/$f || cp "$(ls -d /usr/share/automake-* | tail -n 1)/$f" build-aux/$f || exit 1; done', 'make -f Makefile.devel all']),
    `./configure --prefix=${quote(prefix)}`,
    '(cd lib && make)',
    '(cd src && make)',
    '(cd src && make install)',
  ];
}

/** A tool revision resolved in its repository: which tool, and whether its version comes from .tarball-version. */
export interface ResolvedToolRevision {
  repo: string;
  gitDir: string;
  name: GitToolName;
  version: string;
  found: ToolRevision;
  /** configure.ac computes the version with git-version-gen, which reads .tarball-version first. */
  usesVersionFile: boolean;
  /** The cache the repositories are cloned into (a submodule's too). */
  cacheDir: string;
  /** A submodule's repository by its path (--submodule PATH=REPO), instead of .gitmodules' URL. */
  submodules?: ReadonlyMap<string, string>;
}

/** Open (or clone into the cache) the tool's repository and find the revision of `version`; exit 2 when it is not an autoconf/automake revision of that version. */
export async function resolveToolRevision(repo: string, version: string, cacheDir: string, before?: string, rev?: string, submodules?: ReadonlyMap<string, string>): Promise<ResolvedToolRevision> {
  const handle = await openRepo(repo, { cacheDir });
  const found = await findToolRevision(handle.gitDir, version, repo, before, rev);
  // Cython: Cython/Shadow.py states the version (tags V).
  const shadow = await show(handle.gitDir, found.commit, 'Cython/Shadow.py');
  const cython = shadow !== undefined && (await show(handle.gitDir, found.commit, 'cython.py')) !== undefined ? cythonTreeVersion(shadow) : undefined;
  if (cython !== undefined) {
    if (cython !== version) throw new DistdiffError('usage', repo, `revision ${found.commit.slice(0, 12)} (${describeRevision(found)}) is Cython ${cython} (Cython/Shadow.py), not ${version}`, 'pass the version that revision was released as');
    return { repo, gitDir: handle.gitDir, name: 'cython', version, found, usesVersionFile: false, cacheDir };
  }
  // A Berkeley yacc (the portable OpenBSD yacc: no configure.ac, no tags but its own): its skeleton.c states the version.
  const skeleton = await show(handle.gitDir, found.commit, 'skeleton.c');
  const byacc = skeleton !== undefined && (await show(handle.gitDir, found.commit, 'reader.c')) !== undefined ? byaccTreeVersion(skeleton) : undefined;
  if (byacc !== undefined) {
    if (byacc !== version) throw new DistdiffError('usage', repo, `revision ${found.commit.slice(0, 12)} (${describeRevision(found)}) is a Berkeley yacc writing YYMAJOR.YYMINOR ${byacc} (skeleton.c), not ${version}`, 'pass the version its parsers name (#define YYMAJOR/YYMINOR)');
    return { repo, gitDir: handle.gitDir, name: 'byacc', version, found, usesVersionFile: false, cacheDir };
  }
  // GNU gperf (or a vendor's copy of it): its tree states the version in src/version.cc.
  const versionCc = await show(handle.gitDir, found.commit, 'src/version.cc');
  const gperf = versionCc !== undefined && (await show(handle.gitDir, found.commit, 'src/output.cc')) !== undefined ? gperfTreeVersion(versionCc) : undefined;
  if (gperf !== undefined) {
    if (gperf !== version) throw new DistdiffError('usage', repo, `revision ${found.commit.slice(0, 12)} (${describeRevision(found)}) is gperf ${gperf} (src/version.cc), not ${version}`, 'pass the version that revision was released as');
    return { repo, gitDir: handle.gitDir, name: 'gperf', version, found, usesVersionFile: false, cacheDir };
  }
  const ac = (await show(handle.gitDir, found.commit, 'configure.ac')) ?? (await show(handle.gitDir, found.commit, 'configure.in')) ?? '';
  const pkg = acInitName(ac);
  const name = pkg ? TOOLS[pkg] : undefined;
  if (!name) throw new DistdiffError('usage', repo, `revision ${found.commit.slice(0, 12)} is not GNU Autoconf, GNU Automake, GNU Bison, flex, GNU gperf, a Berkeley yacc or SWIG (AC_INIT names ${pkg ?? 'nothing'}, no src/version.cc, no yacc skeleton.c)`, 'pass an autoconf, automake, bison, flex, gperf, yacc or SWIG repository');
  const stated = acInitVersion(ac);
  const usesVersionFile = stated === undefined && /\.tarball-version/.test(ac);
  if (!usesVersionFile && stated !== version) {
    throw new DistdiffError('usage', repo, `revision ${found.commit.slice(0, 12)} (${describeRevision(found)}) has version ${stated ?? 'none'} in its configure.ac, not ${version}`, 'pass the version that revision was released as');
  }
  return { repo, gitDir: handle.gitDir, name, version, found, usesVersionFile, cacheDir, ...(submodules?.size ? { submodules } : {}) };
}

/**
 * The steps building GNU Bison or flex from its exported tree (pure). Bison: its own bootstrap with the gnulib the
 * revision pins (exported into gnulib/, as `git submodule update` would check it out), no git and no translations
 * fetched (--no-git --skip-po: the sandbox has no network); configure, make and make install, the man pages and the
 * manual left out when help2man/makeinfo is missing. flex: its autogen.sh (libtoolize + autoreconf), configure, and
 * only the program: lib/ and src/ built, src/ installed (flex 2.6.0's doc/ wants TeX for its PDF manual).
 * A gnulib older than glibc 2.28 (`oldStdio`: its stdio modules test `defined _IO_ftrylockfile`, which glibc 2.28
 * dropped, and none tests `defined _IO_EOF_SEEN`) stops at `#error "Please port gnulib fseterr.c to your platform!"`
 * (bison 3.0.4, 2.7): configure gets STDIO_COMPAT_CPPFLAGS, what gnulib's own port (2018, "all: Port to glibc 2.28")
 * amounts to — the glibc branch chosen, the two flag values glibc no longer exports defined.
 */
export function parserToolBuildSteps(name: ParserGitTool, tree: { bootstrapName?: string; hasAutogen: boolean; hasLib: boolean; oldStdio?: boolean }, prefix: string, have: { help2man: boolean; makeinfo: boolean }): { steps: string[]; skipped: SkippedPart[] } {
  if (name === 'flex') {
    return {
      steps: [tree.hasAutogen ? 'sh ./autogen.sh' : 'autoreconf -vi', `./configure --prefix=${quote(prefix)}`, ...(tree.hasLib ? ['make -C lib'] : []), 'make -C src -j2', 'make -C src install'],
      skipped: [],
    };
  }
  const base = gitBuildSteps({ hasBootstrap: false }, prefix, have);
  const configure = `${base.steps[1]!}${tree.oldStdio ? ` CPPFLAGS=${quote(STDIO_COMPAT_CPPFLAGS)}` : ''}`;
  return { steps: [`sh ./${tree.bootstrapName ?? 'bootstrap'} --no-git --skip-po --gnulib-srcdir=gnulib`, configure, ...base.steps.slice(2)], skipped: base.skipped };
}

/** The flags making a pre-2018 gnulib's stdio modules build against glibc >= 2.28 (parserToolBuildSteps). */
export const STDIO_COMPAT_CPPFLAGS = '-D_IO_ftrylockfile=_IO_ftrylockfile -D_IO_IN_BACKUP=0x100 -D_IO_UNBUFFERED=0x2';

/**
 * Whether an exported gnulib's stdio modules predate glibc 2.28 (pure, over lib/ file texts): some test
 * `defined _IO_ftrylockfile` and none tests `defined _IO_EOF_SEEN` (gnulib's port of 2018 added that test beside each of
 * the former; an older fseeko.c clears the _IO_EOF_SEEN flag, which is no such test).
 */
export function gnulibOldStdio(libTexts: Iterable<string>): boolean {
  let old = false;
  for (const t of libTexts) {
    if (/defined _IO_EOF_SEEN\b/.test(t)) return false;
    if (/defined _IO_ftrylockfile\b/.test(t)) old = true;
  }
  return old;
}

/**
 * The gitlinks (submodules) a revision's tree pins, with the URL .gitmodules gives each: path → { commit, url }.
 */
async function pinnedSubmodules(gitDir: string, commit: string): Promise<{ path: string; commit: string; url?: string }[]> {
  const tree = await runGitText(gitDir, ['ls-tree', '-r', commit]).catch(() => '');
  const links = [...tree.matchAll(/^160000 commit ([0-9a-f]{40})\t(.+)$/gm)].map((m) => ({ path: m[2]!, commit: m[1]! }));
  if (!links.length) return [];
  const modules = (await show(gitDir, commit, '.gitmodules')) ?? '';
  // each [submodule] section's path and url, in either order
  const urls = new Map<string, string>();
  for (const section of modules.split(/^\s*\[submodule\b.*$/m)) {
    const path = /^\s*path\s*=\s*(\S+)\s*$/m.exec(section)?.[1];
    const url = /^\s*url\s*=\s*(\S+)\s*$/m.exec(section)?.[1];
    if (path && url) urls.set(path, url);
  }
  return links.map((l) => ({ ...l, ...(urls.has(l.path) ? { url: urls.get(l.path)! } : {}) }));
}

/**
 * Export each submodule the revision pins into the unpacked tree, at the pinned commit, from the repository the
 * user names for its path (--submodule PATH=REPO) or .gitmodules' URL (cloned into the cache). A top-level file
 * whose blob the repository lacks (a stored mirror without gnulib's ChangeLog) is left out and recorded; a missing
 * blob anywhere else is an error.
 */
async function exportSubmodules(gitDir: string, commit: string, src: string, given: ReadonlyMap<string, string>, cacheDir: string, label: string): Promise<GitSubmoduleSource[]> {
  const out: GitSubmoduleSource[] = [];
  for (const link of await pinnedSubmodules(gitDir, commit)) {
    const repo = given.get(link.path) ?? link.url;
    if (!repo) throw new DistdiffError('usage', label, `submodule ${link.path} (pinned at ${link.commit.slice(0, 12)}) has no URL in .gitmodules`, `pass --submodule ${link.path}=REPO`);
    const handle = await openRepo(repo, { cacheDir });
    const has = await runGitText(handle.gitDir, ['cat-file', '-t', link.commit]).catch(() => '');
    if (has !== 'commit') throw new DistdiffError('usage', repo, `no commit ${link.commit.slice(0, 12)} (the revision's ${link.path} submodule)`, `pass --submodule ${link.path}=REPO with a repository holding it`);
    const listing = await runGitText(handle.gitDir, ['ls-tree', '-r', link.commit]);
    const blobs = [...listing.matchAll(/^\d+ blob ([0-9a-f]{40})\t(.+)$/gm)].map((m) => ({ oid: m[1]!, path: m[2]! }));
    const check = await new Promise<string>((res) => {
      const child = execFile('git', ['--git-dir', handle.gitDir, 'cat-file', '--batch-check'], { maxBuffer: 64 * 1024 * 1024 }, (_err, stdout) => res(stdout));
      child.stdin?.end(blobs.map((b) => b.oid).join('\n') + '\n');
    });
    const missingOids = new Set([...check.matchAll(/^([0-9a-f]{40}) missing$/gm)].map((m) => m[1]!));
    const omitted = blobs.filter((b) => missingOids.has(b.oid)).map((b) => b.path);
    if (omitted.some((p) => p.includes('/'))) throw new DistdiffError('usage', repo, `the repository lacks ${omitted.length} file(s) of ${link.commit.slice(0, 12)} (${omitted.slice(0, 3).join(', ')})`, `pass --submodule ${link.path}=REPO with a complete repository`);
    const top = (await runGitText(handle.gitDir, ['ls-tree', '--name-only', link.commit])).split('\n').filter((n) => n && !omitted.includes(n));
    const tar = join(src, '..', `submodule-${out.length}.tar`);
    await runGit(handle.gitDir, ['archive', '--format=tar', `--output=${tar}`, link.commit, '--', ...top], { label: repo });
    const dest = join(src, link.path);
    mkdirSync(dest, { recursive: true });
    await new Promise<void>((res, rej) => execFile('tar', ['-xf', tar, '-C', dest, '--no-same-owner', '--no-same-permissions'], (err) => (err ? rej(new DistdiffError('internal', repo, `cannot unpack submodule ${link.path}: ${err.message}`)) : res())));
    rmSync(tar);
    out.push({ path: link.path, commit: link.commit, repo, omitted });
  }
  return out;
}

/**
 * Export the revision (git archive), write .tarball-version when the tool uses it, bootstrap, configure, make and
 * make install into `prefix` — all in the sandbox, network off, only the build directory and `prefix` writable.
 * Then check that `program --version` prints the version and that what the tool writes carries it as its stamp.
 */
export async function buildToolRevision(
  r: ResolvedToolRevision,
  prefix: string,
  program: string,
  versionOf: (bin: string) => Promise<string | undefined>,
): Promise<{ sha256: string; git: GitToolchainSource }> {
  const { name, version, found } = r;
  const sandbox = await probeSandbox();
  if (!sandbox.ok) throw new DistdiffError('usage', r.repo, `cannot build a toolchain: ${regenCauseText(sandbox.cause)}`, 'install bubblewrap (scripts/install-system-deps.sh)');
  const work = mkdtempSync(join(tmpdir(), 'distdiff-toolchain-'));
  try {
    const tar = join(work, 'tree.tar');
    await runGit(r.gitDir, ['archive', '--format=tar', `--output=${tar}`, found.commit], { label: r.repo });
    // The manifest's sha256 is that of the exported tree (git archive's tar of the commit).
    const sha256 = await sha256File(tar);
    const top = `${name}-${version}`;
    const src = join(work, top);
    mkdirSync(src);
    await new Promise<void>((res, rej) =>
      execFile('tar', ['-xf', tar, '-C', src, '--no-same-owner', '--no-same-permissions'], (err) => (err ? rej(new DistdiffError('internal', r.repo, `cannot unpack the exported tree: ${err.message}`)) : res())),
    );
    rmSync(tar);
    // git-version-gen reads .tarball-version first: the version the release was made as (git-describe's form for a snapshot).
    if (r.usesVersionFile) writeFileSync(join(src, '.tarball-version'), `${version}\n`);
    const bootstrapName = ['bootstrap', 'bootstrap.sh'].find((n) => existsSync(join(src, n)));
    const bootstrap = bootstrapName ? join(src, bootstrapName) : undefined;
    // The submodules the revision pins (bison: gnulib, and from 3.x autoconf), at their pinned commits.
    const submodules = name === 'bison' || name === 'flex' ? await exportSubmodules(r.gitDir, found.commit, src, r.submodules ?? new Map(), r.cacheDir, r.repo) : [];
    const have = { help2man: !!which('help2man', SYSTEM_PATH), makeinfo: !!which('makeinfo', SYSTEM_PATH) };
    const plan =
      name === 'gperf'
        ? { steps: gperfBuildSteps(existsSync(join(src, 'configure')), prefix), skipped: [] as SkippedPart[] }
        : name === 'byacc'
          ? { steps: byaccBuildSteps(existsSync(join(src, 'configure')), prefix), skipped: [] as SkippedPart[] }
        : name === 'cython'
          ? { steps: cythonBuildSteps(prefix), skipped: [] as SkippedPart[] }
        : name === 'swig'
          ? { steps: swigBuildSteps(existsSync(join(src, 'configure')), prefix), skipped: [] as SkippedPart[] }
        : name === 'valac'
          ? { steps: valaBuildSteps(prefix), skipped: [] as SkippedPart[] }
        : name === 'bison' || name === 'flex'
          ? parserToolBuildSteps(name, { ...(bootstrapName ? { bootstrapName } : {}), hasAutogen: existsSync(join(src, 'autogen.sh')), hasLib: existsSync(join(src, 'lib', 'Makefile.am')), oldStdio: name === 'bison' && gnulibOldStdio(stdioTexts(join(src, 'gnulib', 'lib'))) }, prefix, have)
          : gitBuildSteps(
            { hasBootstrap: !!bootstrap, ...(bootstrap ? { bootstrapText: readFileSync(bootstrap, 'latin1'), bootstrapName } : {}) },
            prefix,
            have,
          );
    rmSync(prefix, { recursive: true, force: true });
    mkdirSync(prefix, { recursive: true });
    const logs = plan.steps.map((_, i) => `distdiff-step-${i + 1}.log`);
    const run = await runSandboxed(sandbox.bwrap, {
      scratch: work,
      cwd: top,
      argv: ['/bin/sh', '-c', plan.steps.map((s, i) => `${s} >${logs[i]} 2>&1`).join(' && ')],
      writable: [prefix],
      // bison's bootstrap (gnulib-tool) and build: 13 minutes at load 13 on 2 cores (measured by hand, 3.7.4)
      // valac's: libvala and the code generator, ~50 MB of generated C compiled at -O2
      limits: { wallMs: name === 'bison' || name === 'valac' ? 2_400_000 : 900_000, cpuSeconds: name === 'bison' || name === 'valac' ? 3600 : 1800, fileBytes: 1024 ** 3, tmpBytes: 1024 ** 3 },
    });
    const fail = (why: string) => {
      rmSync(prefix, { recursive: true, force: true });
      return new DistdiffError('internal', r.repo, `building ${name} ${version} from ${found.commit.slice(0, 12)} failed: ${why}`, 'check that m4, perl and the system autoconf/automake are installed');
    };
    const bin = join(prefix, 'bin', program);
    if (run.code !== 0 || !existsSync(bin)) {
      const last = logs.map((l, i) => [i, join(src, l)] as const).filter(([, p]) => existsSync(p)).pop();
      const lines = last ? readFileSync(last[1], 'utf8').trim().split('\n') : run.stderr.trim().split('\n');
      // the first line saying what failed (a compiler or tool error), not make's closing `*** [X] Error 2`
      // (xgettext's `--flag=error:3:c-format` options in po/ are no error: bison 3.0.4's failure was reported by them)
      const cause = lines.find((l) => /\berror\b|No rule to make target|command not found|not found/i.test(l.replace(/--flag=\S+/g, '')) && !/^g?make(\[\d+\])?: \*\*\*/.test(l));
      const tail = cause ? `${cause.trim().slice(0, 300)} … ${lines.at(-1)}` : lines.at(-1);
      throw fail(`${last ? plan.steps[last[0]] : 'the sandbox'}${run.timedOut ? ' (timed out)' : ''}: ${tail || 'no output'}`);
    }
    // OpenBSD's yacc prints no version (no -V), Cython prints it on stderr, SWIG has only `-version`: what each writes is the stamp checked next.
    const reported = name === 'byacc' || name === 'cython' ? version : name === 'swig' ? await swigVersion(bin) : name === 'valac' ? await valacVersion(bin) : await versionOf(bin);
    if (reported !== version) throw fail(`${program} --version says ${reported ?? 'nothing'}, not ${version}`);
    const stamp = await stampCheck(sandbox.bwrap, name, prefix, work);
    if (stamp !== version) throw fail(`what it writes is stamped ${stamp ?? 'with no version'}, not ${version}`);
    plan.steps.push(
      name === 'autoconf'
        ? `check: autoconf --version prints ${version}; the configure it writes says "Generated by GNU Autoconf ${version}"`
        : name === 'gperf'
          ? `check: gperf --version prints ${version}; the code it writes says "code produced by gperf version ${version}"`
          : name === 'bison'
            ? `check: bison --version prints ${version}; the parser it writes says "A Bison parser, made by GNU Bison ${version}"`
            : name === 'cython'
              ? `check: the C it writes says "Generated by Cython ${version}"`
            : name === 'swig'
              ? `check: swig -version prints SWIG Version ${version}; the Python module it writes says "# Version ${version}"`
            : name === 'valac'
              ? `check: valac --version prints Vala ${version}; the C it writes says "generated by valac ${version}, the Vala compiler"`
            : name === 'byacc'
              ? `check: the parser it writes says #define YYBYACC 1 and YYMAJOR.YYMINOR${version.includes(' ') ? ' YYPATCH' : ''} ${version}`
            : name === 'flex'
              ? `check: flex --version prints ${version}; the scanner it writes defines YY_FLEX_MAJOR/MINOR/SUBMINOR_VERSION as ${version}`
              : `check: automake --version prints ${version}; the aclocal.m4 and Makefile.in it writes say "aclocal ${version}" and "automake ${version}"`,
    );
    return { sha256, git: { repo: r.repo, commit: found.commit, found, steps: plan.steps, skipped: plan.skipped, ...(submodules.length ? { submodules } : {}) } };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The texts of a gnulib lib/ directory's stdio-internals files (stdio-impl.h and the f*.c modules reading FILE's fields). */
function* stdioTexts(lib: string): Iterable<string> {
  if (!existsSync(lib)) return;
  for (const n of readdirSync(lib)) if (n === 'stdio-impl.h' || /^f\w+\.c$/.test(n)) yield readFileSync(join(lib, n), 'latin1');
}

/** "tag v2.72a", "70 commits after v2.72", "the commit setting configure.ac's version". */
export function describeRevision(r: ToolRevision): string {
  switch (r.kind) {
    case 'tag':
      return `tag ${r.tag}`;
    case 'describe':
      return `${r.distance} commits after ${r.base}`;
    case 'version-commit':
      return `the commit setting ${r.file}'s AC_INIT version`;
    case 'before':
      return `the newest commit at or before ${r.date} with that ${r.file} AC_INIT version`;
    case 'rev':
      return `revision ${r.rev}`;
  }
}

/**
 * Run the built tool on a one-line project in the sandbox and read the version its output is stamped with:
 * autoconf → configure's "Generated by GNU Autoconf V"; automake → aclocal.m4's "aclocal V" and Makefile.in's
 * "automake V" (undefined unless both agree).
 */
async function stampCheck(bwrap: string, name: GitToolName, prefix: string, work: string): Promise<string | undefined> {
  const dir = join(work, 'stamp-check');
  mkdirSync(dir);
  if (name === 'cython') {
    writeFileSync(join(dir, 'stamp.pyx'), 'x = 1\n');
    const g = await runSandboxed(bwrap, { scratch: work, cwd: 'stamp-check', argv: ['cython', '-o', 'stamp.c', 'stamp.pyx'], toolchains: [prefix], limits: { wallMs: 120_000, cpuSeconds: 120 } });
    return g.code === 0 && existsSync(join(dir, 'stamp.c')) ? /^\/\* Generated by Cython (\S+) \*\//.exec(readFileSync(join(dir, 'stamp.c'), 'latin1').slice(0, 200))?.[1] : undefined;
  }
  if (name === 'swig') {
    writeFileSync(join(dir, 'stamp.i'), '%module stamp\nint stamp(int);\n');
    const g = await runSandboxed(bwrap, { scratch: work, cwd: 'stamp-check', argv: ['swig', '-python', '-o', 'stamp_wrap.c', 'stamp.i'], toolchains: [prefix], limits: { wallMs: 60_000, cpuSeconds: 60 } });
    return g.code === 0 && existsSync(join(dir, 'stamp.py')) ? swigNamedVersion(readFileSync(join(dir, 'stamp.py'), 'latin1').slice(0, 4096)) : undefined;
  }
  if (name === 'valac') {
    writeFileSync(join(dir, 'stamp.vala'), 'void main () {}\n');
    const g = await runSandboxed(bwrap, { scratch: work, cwd: 'stamp-check', argv: ['valac', '-C', 'stamp.vala'], toolchains: [prefix], limits: { wallMs: 60_000, cpuSeconds: 60 } });
    return g.code === 0 && existsSync(join(dir, 'stamp.c')) ? valacNamedVersion(readFileSync(join(dir, 'stamp.c'), 'latin1').slice(0, 4096)) : undefined;
  }
  if (name === 'byacc') {
    writeFileSync(join(dir, 'stamp.y'), "%%\nstart: 'a';\n");
    const g = await runSandboxed(bwrap, { scratch: work, cwd: 'stamp-check', argv: ['byacc', '-o', 'stamp.c', 'stamp.y'], toolchains: [prefix], limits: { wallMs: 60_000, cpuSeconds: 60 } });
    const text = g.code === 0 && existsSync(join(dir, 'stamp.c')) ? readFileSync(join(dir, 'stamp.c'), 'latin1').slice(0, 65536) : '';
    return /^#define YYBYACC 1$/m.test(text) ? namedVersion('byacc', text) : undefined;
  }
  if (name === 'bison' || name === 'flex') {
    const bison = name === 'bison';
    writeFileSync(join(dir, bison ? 'stamp.y' : 'stamp.l'), bison ? "%%\nstart: 'a';\n" : '%%\na ECHO;\n%%\n');
    const g = await runSandboxed(bwrap, { scratch: work, cwd: 'stamp-check', argv: bison ? ['bison', '-o', 'stamp.c', 'stamp.y'] : ['flex', '-o', 'stamp.c', 'stamp.l'], toolchains: [prefix], limits: { wallMs: 60_000, cpuSeconds: 60 } });
    return g.code === 0 && existsSync(join(dir, 'stamp.c')) ? namedVersion(name, readFileSync(join(dir, 'stamp.c'), 'latin1').slice(0, 65536)) : undefined;
  }
  if (name === 'gperf') {
    writeFileSync(join(dir, 'stamp.gperf'), '%%\nalpha\nbeta\n%%\n');
    const g = await runSandboxed(bwrap, { scratch: work, cwd: 'stamp-check', argv: ['/bin/sh', '-c', 'gperf stamp.gperf > stamp.c'], toolchains: [prefix], limits: { wallMs: 60_000, cpuSeconds: 60 } });
    return g.code === 0 ? /code produced by gperf version (\S+) \*\//.exec(readFileSync(join(dir, 'stamp.c'), 'latin1').slice(0, 4096))?.[1] : undefined;
  }
  const automake = name === 'automake';
  writeFileSync(join(dir, 'configure.ac'), `AC_INIT([stamp], [1])\n${automake ? 'AM_INIT_AUTOMAKE([foreign])\nAC_CONFIG_FILES([Makefile])\n' : ''}AC_OUTPUT\n`);
  if (automake) writeFileSync(join(dir, 'Makefile.am'), '');
  const r = await runSandboxed(bwrap, {
    scratch: work,
    cwd: 'stamp-check',
    argv: ['/bin/sh', '-c', automake ? 'aclocal && automake --add-missing --copy' : 'autoconf'],
    toolchains: [prefix],
    limits: { wallMs: 120_000, cpuSeconds: 120 },
  });
  if (r.code !== 0) return undefined;
  const head = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'latin1').slice(0, 4096) : '');
  if (!automake) return autoconfVersion(head('configure'));
  const a = aclocalVersions(head('aclocal.m4')).aclocal;
  const m = automakeVersion(head('Makefile.in'));
  return a === m ? a : undefined;
}
