/**
 * What the gnulib-tool end-to-end tests share (test/e2e/gnulib-tool*.test.ts): the CLI run, a small project that
 * uses one module (c-ctype) with gnulib pinned as a submodule at an unreachable URL, the release tree a real
 * gnulib-tool makes of it, and its tarballs with changes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import { makeTar } from './archives.js';
import { makeRepo, writeFiles, type FileSpec } from './git.js';

const cli = resolve(__dirname, '../../dist/cli.js');

/** The built CLI with `--format json`: exit code, stderr and the findings. */
export function runCli(args: string[]) {
  expect(existsSync(cli), 'dist/cli.js is missing: run `npm run build` (npm test does)').toBe(true);
  const p = spawnSync(process.execPath, [cli, ...args, '--format', 'json'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 300_000 });
  return { code: p.status, stderr: p.stderr, findings: (p.stdout ? JSON.parse(p.stdout).findings : []) as Finding[] };
}

export const CONFIGURE_AC = 'AC_INIT([proj], [1.0])\nAC_CONFIG_AUX_DIR([build-aux])\nAC_CONFIG_MACRO_DIR([m4])\nAM_INIT_AUTOMAKE([foreign])\nAC_PROG_CC\ngl_EARLY\ngl_INIT\nAC_CONFIG_FILES([Makefile lib/Makefile])\nAC_OUTPUT\n';
export const MAKEFILE_AM = 'SUBDIRS = lib\nACLOCAL_AMFLAGS = -I m4\n';
export const ARGS = ['--lib=libgnu', '--source-base=lib', '--m4-base=m4', '--doc-base=doc', '--tests-base=tests', '--aux-dir=build-aux', '--no-conditional-dependencies', '--no-libtool', '--macro-prefix=gl', 'c-ctype'];
export const OUTPUTS = ['lib/Makefile.am', 'm4/gnulib-cache.m4', 'm4/gnulib-comp.m4'];

/** The project repository (configure.ac, Makefile.am) with gnulib pinned at `commit` behind an unreachable URL, tagged v1.0. */
export function pinnedProject(dir: string, commit: string) {
  const p = makeRepo(dir);
  p.commit({ '.gitmodules': '[submodule "gnulib"]\n\tpath = gnulib\n\turl = git://127.0.0.1:1/gnulib.git\n', 'configure.ac': CONFIGURE_AC, 'Makefile.am': MAKEFILE_AM });
  p.git(['update-index', '--add', '--cacheinfo', `160000,${commit},gnulib`]);
  p.git(['commit', '-q', '-m', 'pin gnulib']);
  p.tag('v1.0', { message: 'release 1.0' });
  return p;
}

/** The release tree `made` as bootstrap leaves it: the project's files plus what the given gnulib-tool --import wrote; returns the shipped outputs. */
export function importedTree(made: string, gnulibTool: string): Record<string, string> {
  mkdirSync(made, { recursive: true });
  writeFiles(made, { 'configure.ac': CONFIGURE_AC, 'Makefile.am': MAKEFILE_AM });
  execFileSync(gnulibTool, ['--import', '--no-changelog', ...ARGS], { cwd: made, stdio: 'ignore', env: { ...process.env, LC_ALL: 'C' } });
  return Object.fromEntries(OUTPUTS.map((o) => [o, readFileSync(join(made, o), 'utf8')]));
}

/** Release tarballs of a made project tree with changes, each in its own directory t<N> of root; cacheDir() is the newest one's distdiff cache. */
export function tarballs(root: string) {
  let n = 0;
  return {
    from(made: string, change: Record<string, FileSpec> = {}) {
      const dir = join(root, `t${++n}`, 'proj-1.0');
      cpSync(made, dir, { recursive: true });
      writeFiles(dir, change);
      return makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.0.tar.gz') });
    },
    cacheDir: () => join(root, `c${n}`),
  };
}

export const at = (fs: Finding[], path: string) => fs.find((f) => f.path === path);
export const failing = (fs: Finding[]) => fs.filter((f) => f.severity === 'high' || f.severity === 'critical').map((f) => [f.path, f.code, f.severity]);
