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
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { openRepo, readTagMap } from '../acquire/repo.js';
import { DistdiffError } from '../core/errors.js';
import { DESCRIBE_VERSION as DESCRIBE, RELEASE_VERSION, TEST_RELEASE_VERSION, toolVersionSource } from '../core/tool-version.js';
import { regenCauseText } from '../core/wording.js';
import { runGit, runGitText } from '../git/run.js';
import { aclocalVersions, autoconfVersion, automakeVersion } from './detect.js';
import { probeSandbox, runSandboxed, which } from './sandbox.js';
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
  for (const tag of [`v${version}`, version]) {
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
const TOOLS: Record<string, ToolName> = { 'GNU Autoconf': 'autoconf', 'GNU Automake': 'automake' };

/** A tool a git toolchain builds: autoconf/automake, or GNU gperf (the generator tool of ./generators.ts). */
export type GitToolName = ToolName | 'gperf';

/** gperf's version as its tree states it: src/version.cc's `version_string = "V";` (gperf's configure.ac names none before 3.1). */
export function gperfTreeVersion(versionCc: string): string | undefined {
  return /^const char \*version_string = "([\w.+-]+)";$/m.exec(versionCc)?.[1];
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
}

const SYSTEM_PATH = '/usr/local/bin:/usr/bin:/bin';

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
    overrides.push('MANS=', 'man_MANS=', 'dist_man_MANS=', 'man1_MANS=', 'dist_man1_MANS=');
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
}

/** Open (or clone into the cache) the tool's repository and find the revision of `version`; exit 2 when it is not an autoconf/automake revision of that version. */
export async function resolveToolRevision(repo: string, version: string, cacheDir: string, before?: string, rev?: string): Promise<ResolvedToolRevision> {
  const handle = await openRepo(repo, { cacheDir });
  const found = await findToolRevision(handle.gitDir, version, repo, before, rev);
  // GNU gperf (or a vendor's copy of it): its tree states the version in src/version.cc.
  const versionCc = await show(handle.gitDir, found.commit, 'src/version.cc');
  const gperf = versionCc !== undefined && (await show(handle.gitDir, found.commit, 'src/output.cc')) !== undefined ? gperfTreeVersion(versionCc) : undefined;
  if (gperf !== undefined) {
    if (gperf !== version) throw new DistdiffError('usage', repo, `revision ${found.commit.slice(0, 12)} (${describeRevision(found)}) is gperf ${gperf} (src/version.cc), not ${version}`, 'pass the version that revision was released as');
    return { repo, gitDir: handle.gitDir, name: 'gperf', version, found, usesVersionFile: false };
  }
  const ac = (await show(handle.gitDir, found.commit, 'configure.ac')) ?? (await show(handle.gitDir, found.commit, 'configure.in')) ?? '';
  const pkg = acInitName(ac);
  const name = pkg ? TOOLS[pkg] : undefined;
  if (!name) throw new DistdiffError('usage', repo, `revision ${found.commit.slice(0, 12)} is not GNU Autoconf, GNU Automake or GNU gperf (AC_INIT names ${pkg ?? 'nothing'}, no src/version.cc)`, 'pass an autoconf, automake or gperf repository');
  const stated = acInitVersion(ac);
  const usesVersionFile = stated === undefined && /\.tarball-version/.test(ac);
  if (!usesVersionFile && stated !== version) {
    throw new DistdiffError('usage', repo, `revision ${found.commit.slice(0, 12)} (${describeRevision(found)}) has version ${stated ?? 'none'} in its configure.ac, not ${version}`, 'pass the version that revision was released as');
  }
  return { repo, gitDir: handle.gitDir, name, version, found, usesVersionFile };
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
    const plan =
      name === 'gperf'
        ? { steps: gperfBuildSteps(existsSync(join(src, 'configure')), prefix), skipped: [] as SkippedPart[] }
        : gitBuildSteps(
            { hasBootstrap: !!bootstrap, ...(bootstrap ? { bootstrapText: readFileSync(bootstrap, 'latin1'), bootstrapName } : {}) },
            prefix,
            { help2man: !!which('help2man', SYSTEM_PATH), makeinfo: !!which('makeinfo', SYSTEM_PATH) },
          );
    rmSync(prefix, { recursive: true, force: true });
    mkdirSync(prefix, { recursive: true });
    const logs = plan.steps.map((_, i) => `distdiff-step-${i + 1}.log`);
    const run = await runSandboxed(sandbox.bwrap, {
      scratch: work,
      cwd: top,
      argv: ['/bin/sh', '-c', plan.steps.map((s, i) => `${s} >${logs[i]} 2>&1`).join(' && ')],
      writable: [prefix],
      limits: { wallMs: 900_000, cpuSeconds: 1800, fileBytes: 1024 ** 3, tmpBytes: 1024 ** 3 },
    });
    const fail = (why: string) => {
      rmSync(prefix, { recursive: true, force: true });
      return new DistdiffError('internal', r.repo, `building ${name} ${version} from ${found.commit.slice(0, 12)} failed: ${why}`, 'check that m4, perl and the system autoconf/automake are installed');
    };
    const bin = join(prefix, 'bin', program);
    if (run.code !== 0 || !existsSync(bin)) {
      const last = logs.map((l, i) => [i, join(src, l)] as const).filter(([, p]) => existsSync(p)).pop();
      const tail = last ? readFileSync(last[1], 'utf8').trim().split('\n').pop() : run.stderr.trim().split('\n').pop();
      throw fail(`${last ? plan.steps[last[0]] : 'the sandbox'}${run.timedOut ? ' (timed out)' : ''}: ${tail || 'no output'}`);
    }
    const reported = await versionOf(bin);
    if (reported !== version) throw fail(`${program} --version says ${reported ?? 'nothing'}, not ${version}`);
    const stamp = await stampCheck(sandbox.bwrap, name, prefix, work);
    if (stamp !== version) throw fail(`what it writes is stamped ${stamp ?? 'with no version'}, not ${version}`);
    plan.steps.push(
      name === 'autoconf'
        ? `check: autoconf --version prints ${version}; the configure it writes says "Generated by GNU Autoconf ${version}"`
        : name === 'gperf'
          ? `check: gperf --version prints ${version}; the code it writes says "code produced by gperf version ${version}"`
          : `check: automake --version prints ${version}; the aclocal.m4 and Makefile.in it writes say "aclocal ${version}" and "automake ${version}"`,
    );
    return { sha256, git: { repo: r.repo, commit: found.commit, found, steps: plan.steps, skipped: plan.skipped } };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
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
