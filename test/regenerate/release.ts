/** Shared by the regeneration tests: a release built by `make dist` and tampered copies of it. */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTar } from '../helpers/archives.js';

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
