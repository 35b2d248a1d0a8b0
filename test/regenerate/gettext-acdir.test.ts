/**
 * gettext <= 0.19's installed macro set as aclocal's system directory (src/regenerate/gettext-acdir.ts), end to
 * end: a real project whose tracked configure.ac calls AM_GNU_GETTEXT([external]) and autoconf's
 * AC_TYPE_INTMAX_T (which AC_REQUIREs AC_TYPE_LONG_LONG_INT), with gettext's macro files copied into m4/ as
 * autopoint leaves them (not tracked) and longlong.m4 among them. The maintainer's aclocal had gettext
 * 0.19.8.1's installed files (intl.m4 …) in its system directory: gettext.m4 names AM_INTL_SUBDIR, aclocal's
 * scan reaches the system intl.m4, whose AC_REQUIRE([AC_TYPE_LONG_LONG_INT]) makes the local m4/longlong.m4 an
 * m4_include of the shipped aclocal.m4 — which an aclocal without that set does not write (make 4.4.1's
 * shape). The releases are made by the real aclocal/autoconf/automake and `make dist`.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { verify } from '../../src/verify.js';
import { gettextMacroSets } from '../../src/regenerate/gettext-acdir.js';
import { makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { byPath, editFile, sh } from './release.js';
import { makeTar } from '../helpers/archives.js';

const CONFIGURE_AC = `AC_INIT([gt], [1.0])
AC_CONFIG_MACRO_DIR([m4])
AM_INIT_AUTOMAKE([foreign])
AM_GNU_GETTEXT([external])
AM_GNU_GETTEXT_VERSION([0.19.8])
AC_PROG_CC
AC_TYPE_INTMAX_T
AC_CONFIG_FILES([Makefile])
AC_OUTPUT
`;
// gettext's files autopoint copies into m4/ (this machine's installed ones), longlong.m4 from the derived set.
const COPIED = ['gettext', 'iconv', 'intlmacosx', 'lib-ld', 'lib-link', 'lib-prefix', 'nls', 'po', 'progtest', 'host-cpu-c-abi'];

describe('gettext <= 0.19 installed macros in the maintainer\'s aclocal system directory', () => {
  const root = tempDir('distdiff-gettext-acdir-');
  const repoDir = join(root, 'repo');
  const cache = join(root, 'cache');
  const set = gettextMacroSets()[0]!;
  const release = (name: string, acdirFiles: ReadonlyArray<{ name: string; text: string }>) => {
    const dir = join(root, name);
    const acdir = join(root, `${name}-acdir`);
    mkdirSync(acdir, { recursive: true });
    for (const f of acdirFiles) writeFileSync(join(acdir, f.name), f.text, 'latin1');
    cpSync(repoDir, dir, { recursive: true });
    mkdirSync(join(dir, 'm4'), { recursive: true });
    for (const m of COPIED) cpSync(`/usr/share/aclocal/${m}.m4`, join(dir, 'm4', `${m}.m4`));
    writeFileSync(join(dir, 'm4/longlong.m4'), set.files.find((f) => f.name === 'longlong.m4')!.text, 'latin1');
    cpSync('/usr/share/gettext/config.rpath', join(dir, 'config.rpath'));
    sh(dir, `aclocal --system-acdir=${acdir} -I m4 && autoconf && automake --add-missing --copy && ./configure -q && make -s dist`);
    return { tar: join(dir, 'gt-1.0.tar.gz'), dir };
  };
  let good: { tar: string; dir: string };
  beforeAll(() => {
    const repo = makeRepo(repoDir);
    repo.commit({ 'configure.ac': CONFIGURE_AC, 'Makefile.am': 'ACLOCAL_AMFLAGS = -I m4\nSUBDIRS = .\nEXTRA_DIST = README\n', README: 'gt\n' });
    repo.tag('v1.0', { message: 'gt 1.0' });
    good = release('good', set.files);
  }, 120_000);

  it('the shipped aclocal.m4 includes m4/longlong.m4 only because of the system intl.m4 (the fixture is what it claims)', () => {
    const shipped = readFileSync(join(good.dir, 'aclocal.m4'), 'latin1');
    expect(shipped).toContain('m4_include([m4/longlong.m4])');
    const control = release('control', []);
    expect(readFileSync(join(control.dir, 'aclocal.m4'), 'latin1')).not.toContain('m4_include([m4/longlong.m4])');
  }, 120_000);

  it('gives aclocal the derived gettext 0.19.8.1 set: aclocal.m4 and configure proved, the set named', async () => {
    const r = await verify({ tarball: good.tar, repo: repoDir, tag: 'v1.0', cacheDir: cache });
    const by = byPath(r.findings);
    for (const p of ['aclocal.m4', 'configure', 'Makefile.in']) expect([p, by[p]!.code, by[p]!.severity]).toEqual([p, 'GENERATED_BY_AUTOTOOLS', 'info']);
    const acl = by['aclocal.m4']!;
    const proof = acl.code === 'GENERATED_BY_AUTOTOOLS' ? acl.evidence.proof : undefined;
    if (proof?.method !== 'regenerated' || !proof.proved) throw new Error('aclocal.m4 not regenerated');
    expect(proof.procedureSteps).toContainEqual({
      kind: 'gettext-system-macros',
      args: { version: '0.19.8.1', tag: 'v0.19.8.1', commit: set.commit, files: set.files.map((f) => f.name) },
    });
  }, 240_000);

  it('twin: a shipped aclocal.m4 with one more m4_include, which no derived set makes aclocal write, stays REGENERATION_MISMATCH high', async () => {
    // The good release with m4/extra.m4 added and included: the set is tried and dropped (not byte for byte).
    const dir = join(root, 'tamper', 'gt-1.0');
    mkdirSync(dir, { recursive: true });
    sh(join(root, 'tamper'), `tar -xzf ${good.tar}`);
    writeFileSync(join(dir, 'm4/extra.m4'), 'AC_DEFUN([GT_EXTRA], [:])\n');
    editFile(dir, 'aclocal.m4', (s) => s.replace('m4_include([m4/longlong.m4])', 'm4_include([m4/extra.m4])\nm4_include([m4/longlong.m4])'));
    const tar = makeTar(dir, { compress: 'gzip', out: join(root, 'tamper', 'gt-1.0.tar.gz') });
    const r = await verify({ tarball: tar, repo: repoDir, tag: 'v1.0', cacheDir: cache });
    const acl = byPath(r.findings)['aclocal.m4']!;
    expect([acl.code, acl.severity]).toEqual(['REGENERATION_MISMATCH', 'high']);
    expect(JSON.stringify(acl.evidence)).not.toContain('gettext-system-macros');
    expect(r.verdict).toBe('different');
  }, 240_000);
});
