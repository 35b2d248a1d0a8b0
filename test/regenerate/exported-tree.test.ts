/**
 * A configure.ac whose version script asks git but falls back to a tracked VERSION file without .git (tinyproxy's
 * scripts/version.sh: `git describe --match '[0-9]*.[0-9]*.*'`, which skips the lightweight tag 1.11.1, else
 * `cat VERSION`), released from an EXPORTED tree: the maintainer's configure says 1.0, a checkout's would say
 * 1.0-git. End to end with the real autoconf: the generators try the git checkout first, then the tag's tree
 * without .git, and the configure reproduces there (procedure `exported-tree`); a configure with another version
 * reproduces under neither and stays high.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import { autotoolsRelease, editFile } from './release.js';

const VERSION_SH = `#!/bin/sh
if test -d .git ; then
  gitstr=$(git describe --match '[0-9]*.[0-9]*' 2>/dev/null)
  if test "x$?" != x0 ; then sed 's/$/-git/' < VERSION ; else printf '%s\\n' "$gitstr" ; fi
else
  cat VERSION
fi
`;
const CONFIGURE_AC = `m4_define([demo_version], esyscmd(sh version.sh | tr -d '\\n'))
AC_INIT([demo], [demo_version], [bugs@example.invalid])
AC_CONFIG_SRCDIR([demo.c])
AC_OUTPUT
`;

const fixture = autotoolsRelease({
  prefix: 'distdiff-exported-',
  name: 'demo',
  files: { 'configure.ac': CONFIGURE_AC, 'version.sh': VERSION_SH, VERSION: '1.0\n', 'demo.c': 'int demo(void) { return 42; }\n' },
  // The maintainer bootstraps an exported tree (git archive), not the checkout.
  build:
    'mkdir exp && git archive HEAD | tar -x -C exp && cd exp && autoconf && mkdir demo-1.0 && cp -p VERSION configure configure.ac version.sh demo.c demo-1.0/ && tar -czf ../demo-1.0.tar.gz demo-1.0',
  timeout: 120_000,
});
const configureOf = (fs: Finding[]) => fs.find((f) => f.path === 'configure')!;

describe('regeneration in the exported tree when the git checkout does not reproduce', () => {
  it('the configure of an exported tree (version from VERSION, not git describe) reproduces, the procedure says so', async () => {
    const r = await fixture.run(fixture.tarball);
    const f = configureOf(r.findings);
    expect(f.code).toBe('GENERATED_BY_AUTOTOOLS');
    if (f.code !== 'GENERATED_BY_AUTOTOOLS' || !f.evidence.proof?.proved || f.evidence.proof.method !== 'regenerated') throw new Error('configure not proved');
    expect(f.evidence.proof.procedureSteps).toEqual([{ kind: 'exported-tree', args: { commit: fixture.commit } }]);
    expect(r.verdict).not.toBe('different');
  }, 180_000);

  it('tampered: a configure claiming another version (1.1) reproduces in neither tree and stays high', async () => {
    const tar = fixture.tampered((d) => editFile(d, 'configure', (s) => {
      if (!s.includes("PACKAGE_VERSION='1.0'")) throw new Error('no version in configure');
      return s.replace(/\b1\.0\b/g, '1.1');
    }));
    const r = await fixture.run(tar);
    const f = configureOf(r.findings);
    expect(f).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
    if (f.diff?.kind !== 'text') throw new Error('no text diff');
    expect(f.diff.unified).toContain("+PACKAGE_VERSION='1.1'");
    expect(r.verdict).toBe('different');
  }, 180_000);
});
