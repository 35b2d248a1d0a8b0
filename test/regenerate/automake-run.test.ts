/**
 * Which automake run comes first (src/regenerate/regenerate.ts installedLater): a release whose top-level
 * Makefile.in does not list an aux file the tarball ships was made by `automake --add-missing` on a tree
 * that did not have that file yet. Checked on real automake output: a fresh tree through `autoreconf -fi`
 * (depcomp is installed only when automake reaches src/Makefile.am, after the top Makefile.am), then plain
 * `automake` on the same tree, where every aux file already exists.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { installedLater } from '../../src/regenerate/regenerate.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-amrun-');
const AUX = ['build-aux/compile', 'build-aux/depcomp', 'build-aux/install-sh', 'build-aux/missing'];
let fresh = '';
let again = '';

beforeAll(() => {
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'configure.ac'), 'AC_INIT([am], [1.0])\nAC_CONFIG_AUX_DIR([build-aux])\nAM_INIT_AUTOMAKE([foreign])\nAC_PROG_CC\nAC_CONFIG_FILES([Makefile src/Makefile])\nAC_OUTPUT\n');
  writeFileSync(join(root, 'Makefile.am'), 'SUBDIRS = src\n');
  writeFileSync(join(root, 'src', 'Makefile.am'), 'bin_PROGRAMS = am\nam_SOURCES = am.c\n');
  writeFileSync(join(root, 'src', 'am.c'), 'int main(void) { return 0; }\n');
  const sh = (cmd: string) => execFileSync('/bin/sh', ['-c', cmd], { cwd: root, env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
  sh('autoreconf -fi');
  fresh = readFileSync(join(root, 'Makefile.in'), 'latin1');
  sh('automake');
  again = readFileSync(join(root, 'Makefile.in'), 'latin1');
}, 120_000);

describe('installedLater: the shipped top Makefile.in shows --add-missing', () => {
  it('a fresh tree through autoreconf -fi: depcomp came after the top Makefile.am', () => {
    expect(fresh).toMatch(/^am__DIST_COMMON = /m);
    expect(installedLater('', fresh, AUX)).toEqual(['build-aux/depcomp']);
    // compile, install-sh and missing existed when automake passed the top Makefile.am: listed.
    expect(installedLater('', fresh, ['build-aux/install-sh', 'build-aux/missing', 'build-aux/compile'])).toEqual([]);
  });

  it('the same release as a configure sub-directory: DIST_COMMON words resolve against it', () => {
    expect(installedLater('pkg', fresh, AUX.map((p) => `pkg/${p}`))).toEqual(['pkg/build-aux/depcomp']);
  });

  it('plain automake on a tree that has every aux file lists them all', () => {
    expect(installedLater('', again, AUX)).toEqual([]);
    expect(again).not.toBe(fresh);
  });

  it('no Makefile.in, or one without DIST_COMMON: no evidence either way', () => {
    expect(installedLater('', undefined, AUX)).toBeUndefined();
    expect(installedLater('', 'all:\n\techo\n', AUX)).toBeUndefined();
    expect(installedLater('', 'am__DIST_COMMON = $(srcdir)/Makefile.in\n', AUX)).toBeUndefined();
  });
});
