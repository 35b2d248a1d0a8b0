/**
 * An autotest suite when more than one build of the stamped autoconf release is available (the GNU build and a
 * distribution's binary package, `toolchain add autoconf_V-N_all.deb`): every generator run then works in a copy of
 * the scratch tree, and the steps after it (autotest's AC_INIT trace, the make replay) must see the kept run's
 * outputs. The release's configure.ac, like libtool's, redefines a macro aclocal.m4 brings (`m4_defn` of
 * AM_INIT_AUTOMAKE) before AC_INIT, so AC_INIT's values can only be traced with the regenerated aclocal.m4 in place.
 * Regression: with a Debian autoconf 2.69 package installed, libtool 2.4.7's tests/package.m4 went unexplained
 * (high) and tests/testsuite was flagged for it (the trace ran on a tree without aclocal.m4). Real git, autoreconf,
 * make dist, dpkg-deb and bubblewrap.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findTools } from '../../src/regenerate/toolchain.js';
import { CLI } from '../hostile/helpers.js';
import { autotoolsRelease, byPath, editFile } from './release.js';

const version = /\(GNU Autoconf\) (\S+)/.exec(execFileSync('autoconf', ['--version'], { encoding: 'utf8' }))![1]!;
const debVersion = `${version}-7`;

const LOCAL_MK = `$(top_srcdir)/%D%/package.m4: $(top_srcdir)/configure
\t$(AM_V_GEN)rm -f $@ $@.tmp
\t$(AM_V_at){ \\
\t  echo 'm4_define([AT_PACKAGE_NAME],      [$(PACKAGE_NAME)])'; \\
\t  echo 'm4_define([AT_PACKAGE_VERSION],   [$(PACKAGE_VERSION)])'; \\
\t  echo 'm4_define([AT_PACKAGE_STRING],    [$(PACKAGE_STRING)])'; \\
\t  echo 'm4_define([AT_PACKAGE_BUGREPORT], [$(PACKAGE_BUGREPORT)])'; \\
\t} >$@.tmp
\t$(AM_V_at)mv $@.tmp $@

EXTRA_DIST += %D%/testsuite.at %D%/package.m4 %D%/testsuite %D%/atlocal.in
TESTSUITE = $(top_srcdir)/%D%/testsuite
$(TESTSUITE): %D%/testsuite.at %D%/package.m4
\t$(AM_V_GEN)$(AUTOM4TE) --language=autotest -I $(top_srcdir)/%D% $(srcdir)/%D%/testsuite.at -o $@.tmp
\t$(AM_V_at)mv $@.tmp $@
`;

const fixture = autotoolsRelease({
  prefix: 'distdiff-autotest-toolsets-',
  name: 'attwo',
  files: {
    // (libtool's configure.ac: m4_define([LT_CONFIG_LTDL_DIR], m4_defn([LT_CONFIG_LTDL_DIR])[…]) before AC_INIT)
    'configure.ac':
      'm4_define([AM_INIT_AUTOMAKE], m4_defn([AM_INIT_AUTOMAKE])[AC_SUBST([am_seen], [yes])])\nAC_INIT([GNU Attwo], [1.0], [bugs@example.invalid])\nAC_CONFIG_AUX_DIR([build-aux])\nAM_INIT_AUTOMAKE([foreign])\nAC_CONFIG_TESTDIR([tests])\nAM_MISSING_PROG([AUTOM4TE], [autom4te])\nAC_CONFIG_FILES([Makefile tests/atlocal])\nAC_OUTPUT\n',
    'Makefile.am': 'EXTRA_DIST =\ninclude tests/local.mk\n',
    'tests/local.mk': LOCAL_MK,
    'tests/atlocal.in': '# atlocal\n',
    'tests/testsuite.at': 'AT_INIT\nAT_SETUP([two])\nAT_CHECK([true])\nAT_CLEANUP\n',
  },
});

/** This machine's autoconf, repacked unchanged as a distribution's binary package and installed into the fixture's cache. */
function installPackage(): void {
  const pkg = join(fixture.root, 'pkg');
  for (const b of ['autoconf', 'autoheader', 'autom4te', 'autoreconf', 'autoscan', 'autoupdate', 'ifnames']) cpSync(`/usr/bin/${b}`, join(pkg, 'usr/bin', b), { dereference: true });
  cpSync('/usr/share/autoconf', join(pkg, 'usr/share/autoconf'), { recursive: true, dereference: true });
  mkdirSync(join(pkg, 'DEBIAN'), { recursive: true });
  writeFileSync(join(pkg, 'DEBIAN', 'control'), `Package: autoconf\nVersion: ${debVersion}\nArchitecture: all\nMaintainer: Test <t@example.invalid>\nDescription: autoconf repacked by the test\n`);
  const deb = join(fixture.root, `autoconf_${debVersion}_all.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', pkg, deb], { stdio: 'ignore' });
  const r = spawnSync(process.execPath, [CLI, 'toolchain', 'add', deb, '--cache-dir', fixture.cache], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`toolchain add: ${r.stderr}`);
}

describe('autotest with two builds of one autoconf release', () => {
  beforeAll(installPackage, 120_000);

  it('two tool sets are tried; package.m4 and the testsuite are still proved (AC_INIT traced with the kept aclocal.m4)', async () => {
    expect((await findTools('autoconf', version, fixture.cache)).map((t) => t.origin)).toEqual(['system', 'cache']);
    const r = await fixture.run(fixture.tarball);
    const by = byPath(r.findings);
    expect(by['tests/package.m4']).toMatchObject({ code: 'GENERATED_BY_AUTOTOOLS', severity: 'info', evidence: { proof: { proved: true, method: 'regenerated', step: 'make-rule' } } });
    expect(by['tests/testsuite']).toMatchObject({ code: 'GENERATED_BY_AUTOTOOLS', severity: 'info', evidence: { proof: { proved: true, method: 'regenerated', step: 'autotest' } } });
    // traced with aclocal.m4 (configure.ac needs its AM_INIT_AUTOMAKE before AC_INIT): aclocal.m4 is an input
    const pkg = by['tests/package.m4']!;
    if (pkg.code !== 'GENERATED_BY_AUTOTOOLS' || !pkg.evidence.proof?.proved || pkg.evidence.proof.method !== 'regenerated') throw new Error('package.m4 not proved');
    expect(pkg.evidence.proof.inputs.map((i) => i.path)).toContain('aclocal.m4');
    expect(r.verdict).toBe('explained');
  }, 300_000);

  it('tampered twin: a package.m4 value that is not AC_INIT\'s stays REGENERATION_MISMATCH, high', async () => {
    const tar = fixture.tampered((d) => editFile(d, 'tests/package.m4', (s) => s.replace('[bugs@example.invalid]', '[bugs@attacker.invalid]')));
    const r = await fixture.run(tar);
    expect(byPath(r.findings)['tests/package.m4']).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
    expect(r.verdict).toBe('different');
  }, 300_000);
});
