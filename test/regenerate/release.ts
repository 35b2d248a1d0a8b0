/**
 * Shared by the regeneration tests: a real autotools project built by code — a git repository (one commit,
 * fixed dates, tagged), its release tarball made by the real tools (`autoreconf -fi` + `make dist`, or a tree
 * the test makes itself) — and tampered copies of that release, verified with the real pipeline.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import type { VerifyResult } from '../../src/core/result.js';
import { verify, type VerifyOptions } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, type FileSpec } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * `tampered(edit)`: a copy of the unpacked release `distDir/top` with `edit` applied to its tree, re-packed
 * by GNU tar under `root` (top-level directory kept).
 */
export function releaseCopies(root: string, distDir: () => string, top: string): (edit: (dir: string) => void) => string {
  let n = 0;
  return (edit) => {
    const dir = join(root, `t${++n}`, top);
    mkdirSync(dir, { recursive: true });
    cpSync(join(distDir(), top), dir, { recursive: true });
    edit(dir);
    return makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, `${top}.tar.gz`) });
  };
}

/** Rewrite one file of a tree (latin1, so any bytes survive). */
export function editFile(dir: string, path: string, f: (s: string) => string): void {
  const p = join(dir, path);
  writeFileSync(p, f(readFileSync(p, 'latin1')), 'latin1');
}

const BUILD_ENV = { ...process.env, LC_ALL: 'C', TZ: 'UTC0' };
/** Run a shell command line in `cwd` with a fixed locale and time zone (the fixtures' builds). */
export const sh = (cwd: string, cmd: string): Buffer => execFileSync('/bin/sh', ['-c', cmd], { cwd, env: BUILD_ENV, stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * Build a release in `repoDir` with `build` (which must leave `name`.tar.gz there, e.g. `… && make dist`), copy the
 * tarball under `root` and unpack it into `root`/dist: the paths of both.
 */
export function distRelease(root: string, repoDir: string, name: string, build: string): { tarball: string; distDir: string } {
  sh(repoDir, build);
  const tarball = join(root, `${name}.tar.gz`);
  cpSync(join(repoDir, `${name}.tar.gz`), tarball);
  const distDir = join(root, 'dist');
  mkdirSync(distDir);
  sh(distDir, `tar -xzf ${tarball}`);
  return { tarball, distDir };
}

/** Findings by path (the last one for a path). */
export const byPath = (fs: readonly Finding[]): Record<string, Finding> => Object.fromEntries(fs.map((f) => [f.path, f]));

/** The autotools build most fixtures use: the maintainer's bootstrap, then `make dist`. */
export const MAKE_DIST = 'autoreconf -fi && ./configure -q && make -s dist';

export interface ReleaseSpec {
  /** Prefix of the fixture's temporary directory (removed after the test file). */
  prefix: string;
  /** The package: the repository is ROOT/NAME, the release NAME-VERSION.tar.gz with the top directory NAME-VERSION. */
  name: string;
  /** Default 1.0; the tag is v<version>, annotated "NAME VERSION". */
  version?: string;
  /** The tracked files of the one commit. */
  files: Record<string, FileSpec>;
  /** After the tag, before the build, in the repository: what the release process adds that git lacks. */
  prepare?: (repoDir: string) => void;
  /** The build, run in the repository; it must leave NAME-VERSION.tar.gz there. Default MAKE_DIST. */
  build?: string;
  /**
   * Instead of `build`: make the release tree at `tree` (DIST/NAME-VERSION) yourself, from the repository;
   * the tarball is then packed from it by GNU tar.
   */
  makeTree?: (tree: string, repoDir: string) => void;
  /** The build's time limit (ms); default 300 s. */
  timeout?: number;
}

export interface Release {
  readonly root: string;
  readonly repoDir: string;
  /** distdiff's cache directory for the runs. */
  readonly cache: string;
  /** NAME-VERSION, the release's top directory. */
  readonly top: string;
  readonly tag: string;
  /** The tagged commit, the release tarball and the directory it is unpacked in (holding `top`): set before the tests. */
  readonly commit: string;
  readonly tarball: string;
  readonly distDir: string;
  /** A tampered copy of the release: `edit` applied to a copy of its unpacked tree, packed again. */
  tampered: (edit: (dir: string) => void) => string;
  /** distdiff on `tar` against the fixture's repository and tag. */
  run: (tar: string, opts?: Partial<VerifyOptions>) => Promise<VerifyResult>;
}

/**
 * A release fixture built once for the current test file (in a beforeAll): the repository, the tag, and the
 * tarball the real autotools made.
 */
export function autotoolsRelease(spec: ReleaseSpec): Release {
  const root = tempDir(spec.prefix);
  const version = spec.version ?? '1.0';
  const top = `${spec.name}-${version}`;
  const repoDir = join(root, spec.name);
  const cache = join(root, 'cache');
  const tag = `v${version}`;
  const state = { commit: '', tarball: '', distDir: join(root, 'dist') };
  beforeAll(() => {
    const repo = makeRepo(repoDir);
    state.commit = repo.commit(spec.files);
    repo.tag(tag, { message: `${spec.name} ${version}` });
    spec.prepare?.(repoDir);
    if (spec.makeTree) {
      const tree = join(state.distDir, top);
      mkdirSync(tree, { recursive: true });
      spec.makeTree(tree, repoDir);
      state.tarball = makeTar(tree, { compress: 'gzip', out: join(root, `${top}.tar.gz`) });
    } else state.tarball = distRelease(root, repoDir, top, spec.build ?? MAKE_DIST).tarball;
  }, spec.timeout ?? 300_000);
  return {
    root,
    repoDir,
    cache,
    top,
    tag,
    get commit() { return state.commit; },
    get tarball() { return state.tarball; },
    get distDir() { return state.distDir; },
    tampered: releaseCopies(root, () => state.distDir, top),
    run: (tar, opts = {}) => verify({ tarball: tar, repo: repoDir, tag, cacheDir: cache, ...opts }),
  };
}
