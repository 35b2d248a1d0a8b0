/**
 * libtool's build-time values (src/regenerate/libtool-build.ts): a maintainer's snapshot build of libtool
 * ships its release's ltmain.sh / ltversion.m4 with the version, package revision, home-page URL and
 * ltversion serial changed. The texts here have the shape of libtool 2.5.4's files (the lines that carry
 * those values, among ordinary ones); the real pair (libtool 2.5.4's release vs xz 5.8.1's
 * 2.5.4.1-baa1-dirty copy) is exercised by scripts/regen-eval.sh --releases.
 */
import { describe, expect, it } from 'vitest';
import { aclocalVersions, libtoolSnapshotBase } from '../../src/regenerate/detect.js';
import { applyLibtoolBuild } from '../../src/regenerate/libtool-build.js';
import { normalisationText } from '../../src/core/wording.js';

const ltmain = (v: string, rev: string, url: string, extra = '') => `#! /usr/bin/env sh
## DO NOT EDIT - This file generated from ./build-aux/ltmain.in
##               by inline-source v2019-02-19.15

# libtool (GNU libtool) ${v}
# Provide generalized library-building support services.

PROGRAM=libtool
PACKAGE=libtool
VERSION=${v}
package_revision=${rev}

scriptversion='(GNU libtool) ${v}'
func_mode_link ()
{${extra}
    compile_command=$nonopt
}
GNU libtool home page: <${url}>.
# 2.5.4 is also mentioned in ordinary text: v2.5.4x stays
`;
const ltversion = (v: string, rev: string, serial: number) => `# ltversion.m4 -- version numbers			-*- Autoconf -*-
# serial ${serial} ltversion.m4
m4_define([LT_PACKAGE_VERSION], [${v}])
m4_define([LT_PACKAGE_REVISION], [${rev}])
AC_DEFUN([LTVERSION_VERSION],
[macro_version='${v}'
macro_revision='${rev}'
])
`;

describe('libtoolSnapshotBase', () => {
  it('names the release a snapshot build is made from', () => {
    expect(libtoolSnapshotBase('2.4.7-dirty')).toBe('2.4.7');
    expect(libtoolSnapshotBase('2.5.4.1-baa1-dirty')).toBe('2.5.4');
    expect(libtoolSnapshotBase('2.4.7.4-1ec8f-dirty')).toBe('2.4.7');
    expect(libtoolSnapshotBase('2.4.6.42-b88ce')).toBe('2.4.6');
  });
  it('is undefined for a release or a distribution build', () => {
    expect(libtoolSnapshotBase('2.4.7')).toBeUndefined();
    expect(libtoolSnapshotBase('2.4.7 Debian-2.4.7-7~deb12u1')).toBeUndefined();
    expect(libtoolSnapshotBase('2.4.6 Debian-2.4.6-15build2')).toBeUndefined();
  });
});

describe('applyLibtoolBuild', () => {
  const release = ltmain('2.5.4', '2.5.4', 'https://www.gnu.org/software/libtool/');
  const snapshot = ltmain('2.5.4.1-baa1-dirty', '2.5.4.1', 'https://www.gnu.org/s/libtool/');

  it('writes the snapshot build values into the release file and lists each kind', () => {
    const r = applyLibtoolBuild(release, snapshot);
    expect(r.text).toBe(snapshot);
    expect(r.normalisations).toEqual([
      { kind: 'libtool-build', args: { value: 'version', from: '2.5.4', to: '2.5.4.1-baa1-dirty', lines: 3 } },
      { kind: 'libtool-build', args: { value: 'revision', from: '2.5.4', to: '2.5.4.1', lines: 1 } },
      { kind: 'libtool-build', args: { value: 'url', from: 'https://www.gnu.org/software/libtool/', to: 'https://www.gnu.org/s/libtool/', lines: 1 } },
    ]);
    // Worded by core/wording.ts (the JSON report's `normalisations`).
    expect(r.normalisations.map(normalisationText)).toEqual([
      'libtool snapshot build: version 2.5.4 → 2.5.4.1-baa1-dirty (3 lines)',
      'libtool snapshot build: package revision 2.5.4 → 2.5.4.1 (1 line)',
      'libtool snapshot build: home page URL https://www.gnu.org/software/libtool/ → https://www.gnu.org/s/libtool/ (1 line)',
    ]);
  });

  it('ltversion.m4: version, revision and serial', () => {
    const r = applyLibtoolBuild(ltversion('2.5.4', '2.5.4', 4441), ltversion('2.5.4.1-baa1-dirty', '2.5.4.1', 4442));
    expect(r.text).toBe(ltversion('2.5.4.1-baa1-dirty', '2.5.4.1', 4442));
    expect(r.normalisations.map((n) => n.args)).toEqual([
      { value: 'serial', from: '4441', to: '4442', lines: 1 },
      { value: 'version', from: '2.5.4', to: '2.5.4.1-baa1-dirty', lines: 2 },
      { value: 'revision', from: '2.5.4', to: '2.5.4.1', lines: 2 },
    ]);
    expect(r.normalisations.map(normalisationText)).toEqual([
      'libtool snapshot build: serial 4441 → 4442 (1 line)',
      'libtool snapshot build: version 2.5.4 → 2.5.4.1-baa1-dirty (2 lines)',
      'libtool snapshot build: package revision 2.5.4 → 2.5.4.1 (2 lines)',
    ]);
  });

  it('an edit beyond the build values still differs', () => {
    const edited = ltmain('2.5.4.1-baa1-dirty', '2.5.4.1', 'https://www.gnu.org/s/libtool/', '\n    compile_command="$compile_command -fno-stack-protector"');
    const r = applyLibtoolBuild(release, edited);
    expect(r.text).not.toBe(edited);
    expect(r.text.split('\n').filter((l) => !edited.split('\n').includes(l))).toEqual([]);
    expect(edited.split('\n').filter((l) => !r.text.split('\n').includes(l))).toEqual(['    compile_command="$compile_command -fno-stack-protector"']);
  });

  it('red team 21: a build value that is no version, revision or URL (shell after `VERSION=`) is not written: the lines stay different', () => {
    // `VERSION=2.5.4.1-baa1-dirty;sh<tests/files/x` runs a tracked file each time libtool runs
    const evil = '2.5.4.1-baa1-dirty;sh<tests/files/x';
    const r = applyLibtoolBuild(release, ltmain(evil, '2.5.4.1', 'https://www.gnu.org/s/libtool/'));
    expect(r.text).not.toContain(evil);
    expect(r.normalisations.map((n) => (n.args as { value?: string }).value)).not.toContain('version');
    expect(applyLibtoolBuild(release, ltmain('2.5.4.1-baa1-dirty', '2.5.4.1$(id)', 'https://www.gnu.org/s/libtool/')).text).not.toContain('$(id)');
    expect(applyLibtoolBuild(release, ltmain('2.5.4.1-baa1-dirty', '2.5.4.1', 'https://h/$(id)/')).text).not.toContain('$(id)');
    expect(applyLibtoolBuild(release, ltmain('2.5.4.1-baa1-dirty', '2.5.4.1', 'https://h/`id`/')).text).not.toContain('`id`');
  });

  it('the same version: nothing to write, no normalisation', () => {
    expect(applyLibtoolBuild(release, release)).toEqual({ text: release, normalisations: [] });
  });
});

describe('aclocalVersions', () => {
  it('a development autoconf version at the end of the sentence loses the full stop, not its digits', () => {
    const head = '# generated automatically by aclocal 1.16.5 -*- Autoconf -*-\n[m4_warning([this file was generated for autoconf 2.72.70-9ff9.\nYou have another version';
    expect(aclocalVersions(head)).toEqual({ aclocal: '1.16.5', autoconf: '2.72.70-9ff9' });
    expect(aclocalVersions('[m4_warning([this file was generated for autoconf 2.71.\n')).toEqual({ autoconf: '2.71' });
  });
});
