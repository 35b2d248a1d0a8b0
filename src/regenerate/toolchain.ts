/**
 * Generator toolchains of an exact version: the system's autoconf/automake when their version matches,
 * otherwise a toolchain built from the GNU release tarball into
 * `<cache>/toolchains/<tool>-<version>` by `distdiff toolchain add FILE|URL`.
 *
 * Building a toolchain runs the release tarball's configure/make — a GNU release (ideally with its
 * OpenPGP signature checked against a keyring), which is trusted input, not the release under test. It
 * still runs inside the sandbox, with only its build directory and its install prefix writable.
 */
import { execFile } from 'node:child_process';
import { decoderEnv } from '../scan/decode.js';
import { createHash } from 'node:crypto';
import { cpSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { acquireArchive } from '../acquire/archive-source.js';
import { archiveSignature, checkAuthOptions, loadAuthKeyring } from '../acquire/authenticity.js';
import { DistdiffError } from '../core/errors.js';
import { DEFAULT_LIMITS } from '../core/limits.js';
import { regenCauseText } from '../core/wording.js';
import { libtoolVersion } from './detect.js';
import { probeSandbox, runSandboxed, SYSTEM_PATH, which } from './sandbox.js';
import { swigVersion } from './swig-version.js';
import { buildToolRevision, isToolVersion, resolveToolRevision, type GitToolchainSource, type GitToolName, type ParserGitTool } from './toolchain-git.js';
import type { Tool, ToolName } from './types.js';
export type { Tool, ToolName } from './types.js';

export const TOOL_NAMES: readonly ToolName[] = ['autoconf', 'automake', 'libtool', 'gettext'];

export function toolchainsDir(cacheDir: string): string {
  return join(cacheDir, 'toolchains');
}

function versionOf(bin: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(bin, ['--version'], { timeout: 20_000, env: { PATH: SYSTEM_PATH, LC_ALL: 'C' } }, (err, stdout) => {
      if (err) return resolve(undefined);
      resolve(/\(GNU (?:Autoconf|automake|libtool|gettext-tools|Bison)\)\s+(\S+)/i.exec(stdout)?.[1] ?? /^GNU gperf (\S+)/.exec(stdout)?.[1] ?? /^flex (\d+(?:\.\d+)+)$/m.exec(stdout)?.[1]);
    });
  });
}

const systemVersions = new Map<string, Promise<string | undefined>>();

/** The program whose --version names a toolchain's version. */
const PROGRAM: Record<ToolName, string> = { autoconf: 'autoconf', automake: 'automake', libtool: 'libtoolize', gettext: 'msgfmt' };

/** The version of the system tool the sandbox would run, or undefined. */
export function systemVersion(name: ToolName): Promise<string | undefined> {
  let p = systemVersions.get(name);
  if (!p) {
    const bin = which(PROGRAM[name], SYSTEM_PATH);
    p = bin ? versionOf(bin) : Promise.resolve(undefined);
    systemVersions.set(name, p);
  }
  return p;
}

/**
 * Every tool of exactly `version`, best first: a cached toolchain (built from the GNU release tarball),
 * then the system's (a distribution's build, which may carry the distribution's patches: Debian's
 * automake 1.16.5 changes python.m4, its autoconf 2.69 adds --runstatedir). Releases are made with
 * either, so the regeneration tries the next one when the first does not reproduce everything.
 *
 * libtool: `version` is ltmain.sh's full VERSION ("2.4.7", "2.4.7 Debian-2.4.7-7~deb12u1"); a tool
 * matches only when the ltmain.sh it installs carries exactly that string.
 */
export async function findTools(name: ToolName, version: string, cacheDir: string): Promise<Tool[]> {
  const out: Tool[] = [];
  // A release (2.72, 2.72a) or a git-describe snapshot (2.72.70-9ff9, built by `toolchain add --git`).
  const release = isToolVersion(version) ? version : undefined;
  const prefix = release && join(toolchainsDir(cacheDir), `${name}-${release}`);
  if (prefix && existsSync(join(prefix, 'bin', PROGRAM[name])) && existsSync(join(prefix, MANIFEST))) {
    const ok = name === 'libtool' ? libtoolVersionAt(prefix) === version : (await versionOf(join(prefix, 'bin', PROGRAM[name]))) === version;
    if (ok) out.push({ name, version, origin: 'cache', prefix });
  }
  const system = name === 'libtool' ? systemLibtoolVersion() : await systemVersion(name);
  if (system === version) out.push({ name, version, origin: 'system' });
  // Last, the release with backported upstream commits (`toolchain add FILE --backport`) and a distribution's binary
  // package of the release (`toolchain add autoconf_2.69-14_all.deb`: Debian's build, its debian/patches applied).
  if (release && name === 'autoconf') {
    const dir = toolchainsDir(cacheDir);
    for (const d of existsSync(dir) ? readdirSync(dir).filter((e) => e.startsWith(`${name}-${release}+`)).sort() : []) {
      const p = join(dir, d);
      try {
        const manifest = JSON.parse(readFileSync(join(p, MANIFEST), 'utf8')) as ToolchainManifest;
        if (manifest.version !== version || !existsSync(join(p, 'bin', PROGRAM[name]))) continue;
        const extra = manifest.backports?.commits.length ? { backports: manifest.backports.commits } : manifest.package?.format === 'deb' ? { package: { name: manifest.package.name, version: manifest.package.version } } : undefined;
        if (extra && (await versionOf(join(p, 'bin', PROGRAM[name]))) === version) out.push({ name, version, origin: 'cache', prefix: p, ...extra });
      } catch {
        // a broken manifest is not a toolchain
      }
    }
  }
  return out;
}

/**
 * For a GNU test release ("2.72e": the version and a letter), the final releases of its series that may stand in
 * for it, nearest first: the same X.Y (autoconf 2.72a–e came before 2.72) and X.(Y+1) (2.69b–e came before 2.70).
 * Whether one does is decided by its output alone — an output made with it must equal the shipped file.
 */
export function finalReleasesFor(version: string): string[] {
  const m = /^(\d+)\.(\d+)[a-z]$/.exec(version);
  return m ? [`${m[1]}.${m[2]}`, `${m[1]}.${Number(m[2]) + 1}`] : [];
}

/** The first available tool that may stand in for the test release `version` (finalReleasesFor), or undefined. */
export async function findStandIn(name: ToolName, version: string, cacheDir: string): Promise<Tool | undefined> {
  for (const v of finalReleasesFor(version)) {
    const t = (await findTools(name, v, cacheDir))[0];
    if (t) return t;
  }
  return undefined;
}

/**
 * For a final automake release ("1.16.2") that is not available, the other releases of the same X.Y series
 * that may stand in for it, nearest first (the newer on a tie): 1.16.2 → 1.16.3, 1.16.1, 1.16.4, 1.16 …
 * `am__api_version` ('1.16') is the series: releases of one series share their macro and template set up to
 * the few changes docs/regeneration.md lists (measured from automake's history). Whether one does stand in
 * is decided by its output alone (./automake-stand-in.ts): equal to the shipped file once its version
 * stamps — and the listed template changes between the two releases — are written back.
 */
export function neighbourReleasesFor(version: string): string[] {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(version);
  if (!m) return [];
  const z = Number(m[3] ?? 0);
  const name = (n: number) => (n === 0 ? `${m[1]}.${m[2]}` : `${m[1]}.${m[2]}.${n}`);
  const out: string[] = [];
  for (let k = 1; k <= 9; k++) {
    out.push(name(z + k));
    if (z - k >= 0) out.push(name(z - k));
  }
  return out;
}

/** The nearest available release of the same series standing in for `version` (neighbourReleasesFor), or undefined. */
export async function findNeighbour(name: ToolName, version: string, cacheDir: string): Promise<Tool[]> {
  for (const v of neighbourReleasesFor(version)) {
    const t = await findTools(name, v, cacheDir);
    if (t.length) return t;
  }
  return [];
}

/** A tool of exactly `version` (the first of findTools). */
export async function findTool(name: ToolName, version: string, cacheDir: string): Promise<Tool | undefined> {
  return (await findTools(name, version, cacheDir))[0];
}

/** The directory of automake's own macro files (aclocal-X.Y) for a tool, or undefined. */
export function automakeMacroDir(tool: Tool): string | undefined {
  const share = tool.prefix ? join(tool.prefix, 'share') : '/usr/share';
  const api = /^(\d+\.\d+)/.exec(tool.version)?.[1];
  const dir = api && join(share, `aclocal-${api}`);
  return dir && existsSync(dir) ? dir : undefined;
}

/** The VERSION of the ltmain.sh a libtool prefix installs. */
function libtoolVersionAt(prefix: string): string | undefined {
  const p = join(prefix, 'share', 'libtool', 'build-aux', 'ltmain.sh');
  return existsSync(p) ? libtoolVersion(readFileSync(p, 'latin1').slice(0, 16384)) : undefined;
}

const MANIFEST = 'distdiff-toolchain.json';

/**
 * The full VERSION of the ltmain.sh the system's libtoolize installs (e.g. "2.4.7 Debian-2.4.7-7~deb12u1"),
 * or undefined without libtoolize. libtoolize is compared only when this string equals the shipped one.
 */
export function systemLibtoolVersion(): string | undefined {
  const bin = which('libtoolize', SYSTEM_PATH);
  if (!bin) return undefined;
  const share = bin.replace(/\/bin\/libtoolize$/, '/share/libtool/build-aux/ltmain.sh');
  for (const p of [share, '/usr/share/libtool/build-aux/ltmain.sh']) {
    if (existsSync(p)) return libtoolVersion(readFileSync(p, 'latin1').slice(0, 16384));
  }
  return undefined;
}

export interface ToolchainManifest {
  /** gperf, bison, flex: built from git only (`toolchain add --git`), for ./generators.ts's gperf proof (gperfToolchains) and ./parsers.ts's (parserToolchains). */
  name: GitToolName;
  version: string;
  source: string;
  sha256: string;
  /** The OpenPGP check the release tarball passed, or 'none' when no signature was given. */
  signature: { status: 'valid'; fingerprint?: string; userId?: string; keyring: string } | { status: 'none' };
  builtAt: string;
  /** Installed from a distribution's binary package (not built from the GNU release): which one. An autoconf package sits beside the GNU build (`autoconf-V+deb-DEBVERSION`) and is tried after it. */
  package?: { format: 'deb'; name: string; version: string };
  /** Built from a git revision of the tool's own repository (`toolchain add --git`): repository, commit, how it was found, the exact steps. `sha256` is then that of the exported tree (git archive). */
  git?: GitToolchainSource;
  /**
   * The release tarball with commits of the tool's own repository applied to lib/ (`toolchain add FILE --backport
   * REPO:C1,C2`): a distribution's backport of later upstream changes (autoconf 2.71 with 2.72's C99 fixes). The
   * commits' full ids, in the order applied; `sha256` stays the tarball's.
   */
  backports?: { repo: string; commits: string[] };
}

export interface AddToolchainOptions {
  cacheDir: string;
  signature?: string;
  keyring?: string;
  allowHttp?: boolean;
  /** --git: the newest commit at or before this date with the version (a version configure.ac names for a range of commits). */
  before?: string;
  /** --git: the revision to build (a tag or commit of a repository without release tags: a vendor's gperf). */
  rev?: string;
  /** --git: a submodule's repository by its path (bison's gnulib=REPO, submodules/autoconf=REPO) instead of .gitmodules' URL. */
  submodules?: ReadonlyMap<string, string>;
  /** --backport REPO:C1,C2: apply these commits of the tool's repository (their lib/ part) to the release before building. */
  backport?: { repo: string; commits: string[] };
}

/** The directory name of a release built with backported commits: the commits' 12-hex prefixes joined. */
export function backportToolchainName(name: string, version: string, commits: readonly string[]): string {
  return `${name}-${version}+${commits.map((c) => c.slice(0, 12)).join('+')}`;
}

/** Full commit ids of `commits` in the git repository `repo` (a local clone), in order; a usage error names one it lacks. */
function resolveCommits(repo: string, commits: readonly string[]): Promise<string[]> {
  return Promise.all(
    commits.map((c) =>
      run('git', ['-C', repo, 'rev-parse', '--verify', '-q', `${c}^{commit}`]).then(
        (o) => o.trim(),
        () => {
          throw new DistdiffError('usage', repo, `no commit ${c} in that repository`, 'pass a local clone of the tool\'s repository and commits it has');
        },
      ),
    ),
  );
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(path), h);
  return h.digest('hex');
}

function run(cmd: string, args: string[], cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, env: decoderEnv(), maxBuffer: 16 * 1024 * 1024, timeout: 300_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${cmd}: ${String(stderr).trim().split('\n').pop() ?? err.message}`)) : resolve(stdout)));
  });
}

/** Build and install a GNU autoconf, automake or libtool release tarball as a cached toolchain. */
export async function addToolchain(source: string, opts: AddToolchainOptions): Promise<{ manifest: ToolchainManifest; prefix: string; reused: boolean }> {
  if (/\.deb$/.test(source) && !/^[a-z]+:\/\//i.test(source)) return addDebToolchain(source, opts);
  checkAuthOptions({ tarball: source, signature: opts.signature, keyring: opts.keyring, cacheDir: opts.cacheDir });
  const limits = DEFAULT_LIMITS;
  const archive = await acquireArchive(source, { cacheDir: opts.cacheDir, limits, allowHttp: opts.allowHttp });
  if (archive.isDirectory) throw new DistdiffError('usage', source, 'a toolchain is built from a GNU release tarball, not a directory', 'pass e.g. autoconf-2.72.tar.xz');
  const keys = await loadAuthKeyring({ tarball: source, keyring: opts.keyring, signature: opts.signature, cacheDir: opts.cacheDir });
  const sig = opts.signature && keys ? await archiveSignature({ tarball: source, signature: opts.signature, keyring: opts.keyring, allowHttp: opts.allowHttp, cacheDir: opts.cacheDir }, archive.path, false, keys, limits) : undefined;
  const sha256 = archive.sha256 ?? (await sha256File(archive.path));

  const sandbox = await probeSandbox();
  if (!sandbox.ok) throw new DistdiffError('usage', source, `cannot build a toolchain: ${regenCauseText(sandbox.cause)}`, 'install bubblewrap (scripts/install-system-deps.sh)');

  const work = mkdtempSync(join(tmpdir(), 'distdiff-toolchain-'));
  try {
    await run('tar', ['-xf', archive.path, '-C', work, '--no-same-owner', '--no-same-permissions']);
    const tops = readdirSync(work);
    const m = tops.length === 1 ? /^(autoconf|automake|libtool|gettext)-(\d+(?:\.\d+)+[a-z]?)$/.exec(tops[0]!) : null;
    if (!m || !existsSync(join(work, tops[0]!, 'configure'))) {
      throw new DistdiffError('usage', source, `not a GNU autoconf, automake, libtool or gettext release tarball (top directory ${tops.join(', ') || 'none'})`, 'pass autoconf-X.tar.xz, automake-X.tar.xz, libtool-X.tar.xz or gettext-X.tar.xz (Debian orig tarballs are the GNU releases)');
    }
    const name = m[1] as ToolName;
    const version = m[2]!;
    const backports = opts.backport ? { repo: resolve(opts.backport.repo), commits: await resolveCommits(opts.backport.repo, opts.backport.commits) } : undefined;
    if (backports && name !== 'autoconf') throw new DistdiffError('usage', source, `--backport is for autoconf releases (this is ${name} ${version})`, 'pass an autoconf release tarball');
    const prefix = join(toolchainsDir(opts.cacheDir), backports ? backportToolchainName(name, version, backports.commits) : `${name}-${version}`);
    const existing = join(prefix, MANIFEST);
    if (existsSync(existing)) {
      const manifest = JSON.parse(readFileSync(existing, 'utf8')) as ToolchainManifest;
      if (manifest.sha256 === sha256 && (manifest.backports?.commits ?? []).join() === (backports?.commits ?? []).join()) return { manifest, prefix, reused: true };
    }
    // Each backported commit's lib/ part (autoconf's macros: what configure scripts are made of), applied in order
    // with patch(1), no fuzz (offsets only); a commit that does not apply is an error, never a partial toolchain.
    for (const c of backports?.commits ?? []) {
      const diff = await run('git', ['-C', backports!.repo, 'show', '--format=', '--no-color', c, '--', 'lib']);
      if (!diff.trim()) throw new DistdiffError('usage', source, `commit ${c.slice(0, 12)} changes nothing under lib/`, 'pass commits that change the macros');
      await new Promise<void>((ok, fail) => {
        const child = execFile('patch', ['-p1', '-N', '-s', '--fuzz=0', '--no-backup-if-mismatch'], { cwd: join(work, tops[0]!) }, (err) =>
          err ? fail(new DistdiffError('usage', source, `commit ${c.slice(0, 12)} does not apply to ${name} ${version}`, 'pass commits that apply to that release, in order')) : ok(),
        );
        child.stdin!.end(diff);
      });
    }
    rmSync(prefix, { recursive: true, force: true });
    mkdirSync(prefix, { recursive: true });
    // automake's configure needs the matching autoconf only for its own tests; both build with m4 + perl
    // (libtool's libltdl also needs a C compiler).
    const r = await runSandboxed(sandbox.bwrap, {
      scratch: work,
      cwd: tops[0]!,
      argv: ['/bin/sh', '-c', `./configure --prefix='${prefix}' >configure.log 2>&1 && make -j2 >make.log 2>&1 && make install >install.log 2>&1`],
      writable: [prefix],
      limits: { wallMs: 900_000, cpuSeconds: 1800, fileBytes: 1024 ** 3, tmpBytes: 1024 ** 3 },
    });
    if (r.code !== 0 || !existsSync(join(prefix, 'bin', PROGRAM[name]))) {
      const logs = ['install.log', 'make.log', 'configure.log'].map((l) => join(work, tops[0]!, l)).filter(existsSync);
      const last = logs.length ? readFileSync(logs[0]!, 'utf8').trim().split('\n').pop() : r.stderr.trim().split('\n').pop();
      rmSync(prefix, { recursive: true, force: true });
      throw new DistdiffError('internal', source, `building ${name} ${version} failed${r.timedOut ? ' (timed out)' : ''}: ${last ?? 'no output'}`, 'check that m4 and perl are installed');
    }
    const manifest: ToolchainManifest = {
      name,
      version,
      source: archive.source,
      sha256,
      signature: sig ? { status: 'valid', ...(sig.fingerprint ? { fingerprint: sig.fingerprint } : {}), ...(sig.userId ? { userId: sig.userId } : {}), keyring: opts.keyring! } : { status: 'none' },
      builtAt: new Date().toISOString(),
      ...(backports ? { backports } : {}),
    };
    writeFileSync(join(prefix, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
    return { manifest, prefix, reused: false };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Build `version` of autoconf or automake from a git revision of the tool's own repository (a path or URL, cloned
 * into the cache like any repository): for a test release or a git-describe snapshot no GNU release tarball
 * carries. Reused when the cached toolchain was built from the same commit as the same version.
 */
export async function addGitToolchain(repo: string, version: string, opts: AddToolchainOptions): Promise<{ manifest: ToolchainManifest; prefix: string; reused: boolean }> {
  if (opts.signature || opts.keyring) throw new DistdiffError('usage', repo, 'a toolchain built from git is the commit the tag or version names, not a signed tarball', 'drop --signature and --keyring (use --verify-tag on the release instead)');
  const r = await resolveToolRevision(repo, version, opts.cacheDir, opts.before, opts.rev, opts.submodules);
  // gperf: one directory per build (the same version number from two sources, GNU's and a vendor's, writes other code);
  // byacc too (OpenBSD's yacc has said 1.9 since 1990, whatever its skeleton writes).
  const prefix = join(toolchainsDir(opts.cacheDir), r.name === 'gperf' || r.name === 'byacc' ? gperfToolchainName(version, r.found.commit, r.name) : `${r.name}-${version}`);
  const existing = join(prefix, MANIFEST);
  if (existsSync(existing)) {
    try {
      const manifest = JSON.parse(readFileSync(existing, 'utf8')) as ToolchainManifest;
      if (manifest.version === version && manifest.git?.commit === r.found.commit && existsSync(join(prefix, 'bin', gitProgram(r.name)))) return { manifest, prefix, reused: true };
    } catch {
      // a broken manifest: build again
    }
  }
  mkdirSync(toolchainsDir(opts.cacheDir), { recursive: true });
  const built = await buildToolRevision(r, prefix, gitProgram(r.name), versionOf);
  const manifest: ToolchainManifest = { name: r.name, version, source: repo, sha256: built.sha256, signature: { status: 'none' }, builtAt: new Date().toISOString(), git: built.git };
  writeFileSync(existing, JSON.stringify(manifest, null, 2) + '\n');
  return { manifest, prefix, reused: false };
}

const gitProgram = (name: GitToolName) => (name === 'gperf' || name === 'bison' || name === 'flex' || name === 'byacc' || name === 'cython' || name === 'swig' || name === 'valac' ? name : PROGRAM[name]);

/** A gperf (or byacc) toolchain's directory: `gperf-<version>-<commit, 12 digits>` (one version may have several sources). */
export function gperfToolchainName(version: string, commit: string, name: 'gperf' | 'byacc' = 'gperf'): string {
  return `${name}-${version}-${commit.slice(0, 12)}`;
}

type CachedToolchain = { prefix: string; manifest: ToolchainManifest };

/**
 * The cached git toolchains of one tool and exactly `version` (`toolchain add --git`): manifest name and version, bin/PROGRAM
 * present and `reported` (how the program states its version; omitted: the build checked the version its output names)
 * giving it; ordered by directory name.
 */
export async function gitToolchainsOf(cacheDir: string, name: string, version: string, reported?: (bin: string) => Promise<string | undefined>): Promise<CachedToolchain[]> {
  const out: CachedToolchain[] = [];
  for (const t of listToolchains(cacheDir)) {
    if (t.manifest.name !== name || t.manifest.version !== version || !t.manifest.git) continue;
    const bin = join(t.prefix, 'bin', name);
    if (existsSync(bin) && (!reported || (await reported(bin)) === version)) out.push(t);
  }
  return out;
}

/** The cached gperf toolchains of exactly `version`; the gperf proof tries each (./generators.ts). */
export const gperfToolchains = (cacheDir: string, version: string): Promise<CachedToolchain[]> => gitToolchainsOf(cacheDir, 'gperf', version, versionOf);

/**
 * The cached bison, flex or byacc toolchains of exactly `version` (OpenBSD's yacc reports none: its build checked the
 * version its parsers name). The parser proof runs each (./parsers.ts).
 */
export const parserToolchains = (cacheDir: string, tool: ParserGitTool, version: string): Promise<CachedToolchain[]> => gitToolchainsOf(cacheDir, tool, version, tool === 'byacc' ? undefined : versionOf);

/** The cached Cython toolchains of exactly `version` (`toolchain add --git`; its build checked the version its C output names). */
export function cythonToolchains(cacheDir: string, version: string): CachedToolchain[] {
  return listToolchains(cacheDir).filter((t) => t.manifest.name === 'cython' && t.manifest.version === version && t.manifest.git && existsSync(join(t.prefix, 'lib', 'cython.py')));
}

/** The cached SWIG toolchains of exactly `version`: `swig -version` printing it (./swig.ts runs each). */
export const swigToolchains = (cacheDir: string, version: string): Promise<CachedToolchain[]> => gitToolchainsOf(cacheDir, 'swig', version, swigVersion);

/** Cached toolchains (with their manifests). */
export function listToolchains(cacheDir: string): { prefix: string; manifest: ToolchainManifest }[] {
  const dir = toolchainsDir(cacheDir);
  if (!existsSync(dir)) return [];
  const out: { prefix: string; manifest: ToolchainManifest }[] = [];
  for (const d of readdirSync(dir).sort()) {
    const f = join(dir, d, MANIFEST);
    if (!existsSync(f)) continue;
    try {
      out.push({ prefix: join(dir, d), manifest: JSON.parse(readFileSync(f, 'utf8')) as ToolchainManifest });
    } catch {
      // a broken manifest is not a toolchain
    }
  }
  return out;
}

/**
 * A Debian binary package of automake (`automake_1%3a1.16.3-2_all.deb`) as a cached toolchain: the
 * distribution's build, for a version whose GNU release tarball is out of reach (Debian's archive mirror here
 * serves bullseye's automake-1.16 1.16.3-2 binary package but not its orig tarball). automake is perl
 * scripts and data (Architecture: all): the package is unpacked with `dpkg-deb -x` (no maintainer script
 * runs), its /usr tree moved under the prefix, and the install paths configure would have written for that
 * prefix (/usr/share/automake-X.Y, /usr/share/aclocal-X.Y, /usr/share/aclocal) rewritten in the scripts
 * and Automake/Config.pm — nothing else changes. The package's integrity is apt's (the signed Release
 * file's hashes); the manifest records its name, version and sha256. Other tools are refused: autoconf's
 * frozen .m4f files and libtool's compiled parts are not relocatable this way.
 */
async function addDebToolchain(source: string, opts: AddToolchainOptions): Promise<{ manifest: ToolchainManifest; prefix: string; reused: boolean }> {
  if (opts.signature || opts.keyring) throw new DistdiffError('usage', source, 'a Debian package is authenticated by apt (the Release file), not by --signature/--keyring', 'drop --signature and --keyring');
  if (opts.backport) throw new DistdiffError('usage', source, '--backport applies commits to a release tarball, not to a Debian package', 'pass an autoconf release tarball with --backport');
  if (!existsSync(source)) throw new DistdiffError('usage', source, 'no such file', 'pass a downloaded .deb (apt-get download automake-1.16)');
  const field = async (f: string) => (await run('dpkg-deb', ['-f', source, f]).catch(() => '')).trim();
  const pkg = await field('Package');
  const debVersion = await field('Version');
  const arch = await field('Architecture');
  const version = /^(?:\d+:)?(\d+(?:\.\d+)+[a-z]?)-[\w.+~]+$/.exec(debVersion)?.[1];
  if (pkg === 'autoconf' && version && arch === 'all') return addDebAutoconf(source, debVersion, version, opts);
  if (!/^automake(?:-\d+\.\d+)?$/.test(pkg) || !version || arch !== 'all') {
    throw new DistdiffError('usage', source, `not a Debian automake or autoconf package (Package ${pkg || 'unreadable'}, Version ${debVersion || '?'}, Architecture ${arch || '?'})`, 'pass a GNU release tarball, or Debian\'s automake or autoconf .deb');
  }
  const api = /^(\d+\.\d+)/.exec(version)![1]!;
  const sha256 = await sha256File(source);
  const prefix = join(toolchainsDir(opts.cacheDir), `automake-${version}`);
  const existing = join(prefix, MANIFEST);
  const installed = installedDeb(existing, sha256);
  if (installed) return { manifest: installed, prefix, reused: true };
  const work = await unpackDeb(source);
  try {
    const usr = join(work, 'usr');
    const scripts = [`bin/aclocal-${api}`, `bin/automake-${api}`, `share/automake-${api}/Automake/Config.pm`];
    if (!scripts.every((f) => existsSync(join(usr, f))) || !existsSync(join(usr, `share/aclocal-${api}`))) {
      throw new DistdiffError('usage', source, `not a Debian automake package: ${scripts.filter((f) => !existsSync(join(usr, f))).map((f) => `/usr/${f}`).join(', ') || `/usr/share/aclocal-${api}`} missing`, 'pass Debian\'s automake .deb');
    }
    rmSync(prefix, { recursive: true, force: true });
    mkdirSync(toolchainsDir(opts.cacheDir), { recursive: true });
    cpSync(usr, prefix, { recursive: true, verbatimSymlinks: true });
    // configure --prefix=P writes P/share/... where Debian's build has /usr/share/... (quoted in perl).
    for (const f of scripts) {
      const p = join(prefix, f);
      const text = readFileSync(p, 'latin1').replace(/(['"])\/usr\/share\/(automake-|aclocal)/g, (_m, q: string, d: string) => `${q}${prefix}/share/${d}`);
      writeFileSync(p, text, 'latin1');
    }
    for (const t of ['aclocal', 'automake']) if (!existsSync(join(prefix, 'bin', t))) symlinkSync(`${t}-${api}`, join(prefix, 'bin', t));
    const reported = await versionOf(join(prefix, 'bin', 'automake'));
    const aclocal = await versionOf(join(prefix, 'bin', 'aclocal'));
    if (reported !== version || aclocal !== version) {
      rmSync(prefix, { recursive: true, force: true });
      throw new DistdiffError('internal', source, `the unpacked automake reports version ${reported ?? '?'} (aclocal ${aclocal ?? '?'}), not ${version}`, 'check that perl is installed');
    }
    const manifest: ToolchainManifest = { name: 'automake', version, source: resolve(source), sha256, signature: { status: 'none' }, builtAt: new Date().toISOString(), package: { format: 'deb', name: pkg, version: debVersion } };
    writeFileSync(existing, JSON.stringify(manifest, null, 2) + '\n');
    return { manifest, prefix, reused: false };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The manifest of a toolchain installed from this very package file (the same sha256) at `manifestPath`, if any. */
function installedDeb(manifestPath: string, sha256: string): ToolchainManifest | undefined {
  if (!existsSync(manifestPath)) return undefined;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ToolchainManifest;
  return manifest.sha256 === sha256 ? manifest : undefined;
}

/** A Debian binary package unpacked with `dpkg-deb -x` (no maintainer script runs) into a new temporary directory; the caller removes it. */
async function unpackDeb(source: string): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), 'distdiff-toolchain-'));
  try {
    await run('dpkg-deb', ['-x', source, work]);
  } catch (e) {
    rmSync(work, { recursive: true, force: true });
    throw e;
  }
  return work;
}

/** autoconf's own programs, whose install paths (`/usr/bin/autom4te`) its scripts name. */
const AUTOCONF_PROGRAMS = ['autoconf', 'autoheader', 'autom4te', 'autoreconf', 'autoscan', 'autoupdate', 'ifnames'];

/** The directory of a distribution's binary package of a release: `autoconf-2.69+deb-2.69-14` (never the GNU build's). */
export function debToolchainName(name: string, version: string, debVersion: string): string {
  return `${name}-${version}+deb-${debVersion.replace(/[^\w.+~-]/g, '_')}`;
}

/**
 * Debian's binary package of autoconf (`autoconf_2.69-14_all.deb`, bullseye's) as a cached toolchain beside the GNU
 * build of the same release: the distribution's build, its debian/patches applied (2.69-14: --runstatedir, the
 * LARGE_OFF_T fix, the AC_FUNC_MMAP leak fix …), for releases whose configure a maintainer made with it. Debian's
 * source package is the better evidence but its debian.tar.xz is out of reach here (the mirror serves the orig
 * tarball and the binary package only); the binary package is what apt authenticated. autoconf is perl and shell
 * scripts, m4 files and frozen .m4f states (Architecture: all); the frozen states hold no install path, so the
 * package is unpacked with `dpkg-deb -x` (no maintainer script runs), its /usr tree copied under the prefix, and
 * only the quoted install paths configure would have written for that prefix rewritten — `'/usr/share/autoconf'`
 * (the scripts and autom4te.cfg) and `'/usr/bin/PROGRAM'` for autoconf's own programs — in bin/ and autom4te.cfg.
 * Installed into `toolchains/autoconf-V+deb-DEBVERSION`, so findTools offers it last, after the GNU build, the
 * system's and a backport build; what it reproduces names the package.
 */
async function addDebAutoconf(source: string, debVersion: string, version: string, opts: AddToolchainOptions): Promise<{ manifest: ToolchainManifest; prefix: string; reused: boolean }> {
  const sha256 = await sha256File(source);
  const prefix = join(toolchainsDir(opts.cacheDir), debToolchainName('autoconf', version, debVersion));
  const existing = join(prefix, MANIFEST);
  const installed = installedDeb(existing, sha256);
  if (installed) return { manifest: installed, prefix, reused: true };
  const work = await unpackDeb(source);
  try {
    const usr = join(work, 'usr');
    const needed = ['bin/autoconf', 'bin/autoheader', 'bin/autom4te', 'bin/autoreconf', 'share/autoconf/autom4te.cfg', 'share/autoconf/autoconf/autoconf.m4f', 'share/autoconf/m4sugar/m4sugar.m4f'];
    const lacking = needed.filter((f) => !existsSync(join(usr, f)));
    if (lacking.length) throw new DistdiffError('usage', source, `not a Debian autoconf package: ${lacking.map((f) => `/usr/${f}`).join(', ')} missing`, 'pass Debian\'s autoconf .deb');
    rmSync(prefix, { recursive: true, force: true });
    mkdirSync(toolchainsDir(opts.cacheDir), { recursive: true });
    cpSync(usr, prefix, { recursive: true, verbatimSymlinks: true });
    const programs = AUTOCONF_PROGRAMS.join('|');
    const installPath = new RegExp(`(['"])/usr/(share/autoconf|bin/(?:${programs}))(?=['"/])`, 'g');
    const scripts = [...readdirSync(join(prefix, 'bin')).map((f) => join(prefix, 'bin', f)), join(prefix, 'share/autoconf/autom4te.cfg')];
    for (const p of scripts) {
      const text = readFileSync(p, 'latin1');
      const moved = text.replace(installPath, (_m, q: string, rest: string) => `${q}${prefix}/${rest}`);
      if (moved !== text) writeFileSync(p, moved, 'latin1');
    }
    const left = scripts.filter((p) => /['"]\/usr\/share\/autoconf/.test(readFileSync(p, 'latin1')));
    const reported = await versionOf(join(prefix, 'bin', 'autoconf'));
    if (left.length || reported !== version) {
      rmSync(prefix, { recursive: true, force: true });
      throw new DistdiffError('internal', source, left.length ? `install paths left in ${left.map((p) => p.slice(prefix.length + 1)).join(', ')}` : `the unpacked autoconf reports version ${reported ?? '?'}, not ${version}`, 'check that perl and m4 are installed');
    }
    const manifest: ToolchainManifest = { name: 'autoconf', version, source: resolve(source), sha256, signature: { status: 'none' }, builtAt: new Date().toISOString(), package: { format: 'deb', name: 'autoconf', version: debVersion } };
    writeFileSync(existing, JSON.stringify(manifest, null, 2) + '\n');
    return { manifest, prefix, reused: false };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
