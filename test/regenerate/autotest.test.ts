/**
 * Autotest suites proved by regeneration, end to end on a project built here: a git repository whose
 * Makefile.am includes a tests/local.mk fragment (bison's layout) with the package.m4 rule and the
 * testsuite rule (`$(AUTOTEST) … -o $@.tmp`, a perl post-processing step, `mv`), released by the real
 * `autoreconf -fi` + `make dist` (our fixture, built outside the sandbox). distdiff then remakes
 * tests/package.m4 and tests/testsuite with the tag's rules in the sandbox; tampered copies (an injected
 * line in the testsuite, a changed package.m4 value) fail the gate at high with the diff. A copy whose
 * automake stamp names a version this machine lacks gets the autoconf-only run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import { builtinVars, expandMake, parseMakefileAm, resolveRule } from '../../src/util/makefile.js';
import { autotestVersion, configStatusSubst, leftSubsts, packageValues, standInVersionLines, substLiterals } from '../../src/regenerate/autotest.js';
import { finalReleasesFor } from '../../src/regenerate/toolchain.js';
import { renderJson } from '../../src/render/json.js';
import { procedureText } from '../../src/core/wording.js';
import { proseIn } from '../helpers/prose.js';
import { autotoolsRelease, byPath, editFile } from './release.js';

const LOCAL_MK = `## package.m4, from configure's values.
$(top_srcdir)/%D%/package.m4: $(top_srcdir)/configure
\t$(AM_V_GEN)rm -f $@ $@.tmp
\t$(AM_V_at){ \\
\t  echo '# Signature of the current package.'; \\
\t  echo 'm4_define([AT_PACKAGE_NAME],      [$(PACKAGE_NAME)])'; \\
\t  echo 'm4_define([AT_PACKAGE_TARNAME],   [$(PACKAGE_TARNAME)])'; \\
\t  echo 'm4_define([AT_PACKAGE_VERSION],   [$(PACKAGE_VERSION)])'; \\
\t  echo 'm4_define([AT_PACKAGE_STRING],    [$(PACKAGE_STRING)])'; \\
\t  echo 'm4_define([AT_PACKAGE_BUGREPORT], [$(PACKAGE_BUGREPORT)])'; \\
\t} >$@.tmp
\t$(AM_V_at)mv $@.tmp $@

TESTSUITE_AT = \\
  %D%/testsuite.at \\
  %D%/local.at \\
  %D%/package.m4

EXTRA_DIST += $(TESTSUITE_AT) %D%/testsuite %D%/atlocal.in
TESTSUITE = $(top_srcdir)/%D%/testsuite
AUTOTEST = $(AUTOM4TE) --language=autotest
AUTOTESTFLAGS = -I $(top_srcdir)/%D%
$(TESTSUITE): $(TESTSUITE_AT)
\t$(AM_V_GEN) \\
\t  $(AUTOTEST) $(AUTOTESTFLAGS) $(srcdir)/%D%/testsuite.at -o $@.tmp
\t$(AM_V_at)"$(PERL)" -pi -e 's/\\@tb\\@/\\t/g' $@.tmp
\t$(AM_V_at)mv $@.tmp $@
`;

const fixture = autotoolsRelease({
  prefix: 'distdiff-autotest-',
  name: 'atdemo',
  files: {
    'configure.ac': 'AC_INIT([GNU Atdemo], [1.0], [bugs@example.invalid])\nAC_CONFIG_AUX_DIR([build-aux])\nAM_INIT_AUTOMAKE([foreign])\nAC_CONFIG_TESTDIR([tests])\nAM_MISSING_PROG([AUTOM4TE], [autom4te])\nAC_PATH_PROG([PERL], [perl])\nAC_CONFIG_FILES([Makefile tests/atlocal])\nAC_OUTPUT\n',
    'Makefile.am': 'EXTRA_DIST =\ninclude tests/local.mk\n',
    'tests/local.mk': LOCAL_MK,
    'tests/atlocal.in': '# atlocal\n',
    'tests/local.at': 'm4_define([AT_DEMO_CHECK], [AT_CHECK([echo "$1@tb@x"], [0], [ignore])])\n',
    'tests/testsuite.at': 'm4_include([local.at])\nAT_INIT\nAT_SETUP([demo])\nAT_DEMO_CHECK([hello])\nAT_CLEANUP\n',
  },
});

const edit = editFile;
const { tampered, run } = fixture;

describe('autotest suites', () => {
  it('the fixture is what make dist writes: a stamped testsuite with the tab put in by perl, package.m4 from AC_INIT', () => {
    const suite = readFileSync(join(fixture.distDir, 'atdemo-1.0/tests/testsuite'), 'latin1');
    expect(autotestVersion(suite.slice(0, 512))).toBe('2.71');
    expect(suite).toContain('hello\tx');
    expect(readFileSync(join(fixture.distDir, 'atdemo-1.0/tests/package.m4'), 'latin1')).toBe(
      '# Signature of the current package.\nm4_define([AT_PACKAGE_NAME],      [GNU Atdemo])\nm4_define([AT_PACKAGE_TARNAME],   [atdemo])\nm4_define([AT_PACKAGE_VERSION],   [1.0])\nm4_define([AT_PACKAGE_STRING],    [GNU Atdemo 1.0])\nm4_define([AT_PACKAGE_BUGREPORT], [bugs@example.invalid])\n',
    );
  });

  it('proves tests/testsuite and tests/package.m4 by the tag\'s rules, with their inputs', async () => {
    const r = await run(fixture.tarball);
    const by = byPath(r.findings);
    const suite = by['tests/testsuite']!;
    if (suite.code !== 'GENERATED_BY_AUTOTOOLS' || !suite.evidence.proof?.proved || suite.evidence.proof.method !== 'regenerated') throw new Error(`testsuite: ${suite.code} ${JSON.stringify(suite.evidence)}`);
    expect(suite.severity).toBe('info');
    expect(suite.evidence.tool).toBe('autom4te');
    expect(suite.evidence.proof).toMatchObject({ step: 'autotest', tool: 'autoconf', version: '2.71', normalisationSteps: [] });
    expect(suite.evidence.proof.inputs).toEqual([
      { path: 'Makefile.am', origin: 'git', explainedBy: 'git' },
      { path: 'tests/local.at', origin: 'git', explainedBy: 'git' },
      { path: 'tests/local.mk', origin: 'git', explainedBy: 'git' },
      { path: 'tests/package.m4', origin: 'regenerated', explainedBy: 'reproduced' },
      { path: 'tests/testsuite.at', origin: 'git', explainedBy: 'git' },
    ]);
    expect(suite.evidence.proof.procedureSteps[0]).toEqual({
      kind: 'make-rule',
      args: { file: 'tests/local.mk', target: './tests/testsuite', dir: '', commands: expect.arrayContaining([expect.stringContaining('autom4te --language=autotest')]) },
    });
    expect(procedureText(suite.evidence.proof.procedureSteps[0]!)).toContain("autom4te --language=autotest -I ./tests ./tests/testsuite.at -o ./tests/testsuite.tmp && \"perl\" -pi -e 's/\\@tb\\@/\\t/g' ./tests/testsuite.tmp && mv ./tests/testsuite.tmp ./tests/testsuite");
    const pkg = by['tests/package.m4']!;
    if (pkg.code !== 'GENERATED_BY_AUTOTOOLS' || !pkg.evidence.proof?.proved || pkg.evidence.proof.method !== 'regenerated') throw new Error(`package.m4: ${pkg.code}`);
    expect(pkg.evidence.proof).toMatchObject({ step: 'make-rule', tool: 'autoconf', version: '2.71' });
    expect(pkg.evidence.proof.inputs.map((i) => `${i.path}:${i.explainedBy}`)).toEqual(['Makefile.am:git', 'configure.ac:git', 'tests/local.mk:git']);
    expect(pkg.evidence.proof.procedureSteps.map(procedureText)).toContain(
      "AC_INIT's values traced from configure.ac by autom4te 2.71 without aclocal.m4: PACKAGE_NAME=GNU Atdemo, PACKAGE_TARNAME=atdemo, PACKAGE_VERSION=1.0, PACKAGE_STRING=GNU Atdemo 1.0, PACKAGE_BUGREPORT=bugs@example.invalid, PACKAGE_URL=https://www.gnu.org/software/atdemo/",
    );
    expect(r.verdict).toBe('explained');
    expect(r.notes).toContainEqual(expect.objectContaining({ code: 'REGENERATION', status: 'done', outputs: 5, reproduced: 5 }));
    expect(proseIn(r)).toEqual([]);
  }, 180_000);

  it('one injected line in the testsuite: REGENERATION_MISMATCH high with the diff', async () => {
    const tar = tampered((d) => edit(d, 'tests/testsuite', (s) => s.replace(/^(AUTOTEST_PATH=.*)$/m, '$1\nexport DEMO_FLAG=1')));
    const r = await run(tar);
    expect(r.verdict).toBe('different');
    const f = byPath(r.findings)['tests/testsuite']!;
    expect(f.code).toBe('REGENERATION_MISMATCH');
    expect(f.severity).toBe('high');
    expect(f.evidence).toMatchObject({ step: 'autotest', tool: 'autoconf', version: '2.71', produced: true, differingLines: 1 });
    if (f.diff?.kind !== 'text') throw new Error('no text diff');
    expect(f.diff.unified).toContain('--- a/tests/testsuite\tregenerated');
    expect(f.diff.unified).toContain('+export DEMO_FLAG=1');
    expect([f.diff.added, f.diff.removed]).toEqual([1, 0]);
    // package.m4 is untouched and still proved.
    expect(byPath(r.findings)['tests/package.m4']!.code).toBe('GENERATED_BY_AUTOTOOLS');
  }, 180_000);

  it('an injected decompress-and-run line in the testsuite: critical', async () => {
    const tar = tampered((d) => edit(d, 'tests/testsuite', (s) => s.replace(/^(AUTOTEST_PATH=.*)$/m, '$1\nxz -dc "$at_srcdir/data.xz" | sh')));
    const f = byPath((await run(tar)).findings)['tests/testsuite']!;
    expect(f.code).toBe('REGENERATION_MISMATCH');
    expect(f.severity).toBe('critical');
    expect(f.severityReason).toEqual({ reason: 'suspicious-constructs', default: 'high' });
  }, 180_000);

  it('a package.m4 value that is not AC_INIT\'s: high, and the testsuite made from it is flagged', async () => {
    const tar = tampered((d) => edit(d, 'tests/package.m4', (s) => s.replace('[bugs@example.invalid]', '[bugs@attacker.invalid]')));
    const r = await run(tar);
    const by = byPath(r.findings);
    const pkg = by['tests/package.m4']!;
    expect(pkg.code).toBe('REGENERATION_MISMATCH');
    expect(pkg.severity).toBe('high');
    if (pkg.diff?.kind !== 'text') throw new Error('no text diff');
    expect(pkg.diff.unified).toContain('+m4_define([AT_PACKAGE_BUGREPORT], [bugs@attacker.invalid])');
    expect(r.verdict).toBe('different');
  }, 180_000);

  it('automake stamped at a version this machine lacks, no release of its series either (1.15.1; a neighbour stands in for 1.16.4: automake-stand-in.test.ts): an autoconf-only run proves the suite, configure only from the shipped aclocal.m4', async () => {
    const tar = tampered((d) => {
      for (const p of ['Makefile.in', 'aclocal.m4']) edit(d, p, (s) => s.replace(/(generated (?:automatically )?by (?:automake|aclocal)) 1\.16\.5/, '$1 1.15.1'));
    });
    const r = await run(tar);
    const note = r.notes.find((x) => x.code === 'REGENERATION');
    const autoconfOnly = { why: { kind: 'automake-missing', args: { version: '1.15.1' } }, makefileIns: 1 };
    expect(note).toMatchObject({ status: 'done', autoconfOnly, outputs: 3, reproduced: 3 });
    expect(proseIn(r)).toEqual([]);
    const j = JSON.parse(renderJson(r));
    expect(j.notes.find((n: { code: string }) => n.code === 'REGENERATION')).toMatchObject({
      partial: 'automake 1.15.1 not available (add with: distdiff toolchain add automake-1.15.1.tar.xz): autoconf-only run, from the shipped aclocal.m4; aclocal.m4 and 1 Makefile.in keep their label',
      autoconfOnly,
    });
    const by = byPath(r.findings);
    for (const p of ['tests/testsuite', 'tests/package.m4']) {
      const f = by[p]!;
      expect(f.code, p).toBe('GENERATED_BY_AUTOTOOLS');
      expect(f.code === 'GENERATED_BY_AUTOTOOLS' && f.evidence.proof?.proved, p).toBe(true);
    }
    const conf = by['configure']!;
    if (conf.code !== 'GENERATED_BY_AUTOTOOLS' || !conf.evidence.proof || conf.evidence.proof.proved || conf.evidence.proof.method !== 'regenerated') throw new Error(`configure: ${JSON.stringify(conf.evidence)}`);
    expect(conf.evidence.proof.unproved).toEqual(['aclocal.m4']);
    expect(conf.evidence.proof.cause).toEqual({ kind: 'unproved-inputs', args: { normalised: false, step: 'autoconf', tool: 'autoconf', version: '2.71', inputs: [{ path: 'aclocal.m4', regenerated: false }], autoconfOnly } });
    const jBy = Object.fromEntries(j.findings.map((f: Finding) => [f.path, f]));
    expect(jBy['configure'].evidence.proof.reason).toBe(
      'reproduced byte for byte by autoconf (autoconf 2.71), but from aclocal.m4 (as shipped), not proved: automake 1.15.1 not available (add with: distdiff toolchain add automake-1.15.1.tar.xz): autoconf-only run, from the shipped aclocal.m4; aclocal.m4 and 1 Makefile.in keep their label',
    );
    for (const p of ['aclocal.m4', 'Makefile.in']) {
      expect(by[p]!.evidence).toMatchObject({ proof: { proved: false, method: 'label', cause: { kind: 'autoconf-only', args: { autoconfOnly } } } });
      expect(jBy[p].evidence.proof.reason).toMatch(/^not regenerated: automake 1\.15\.1 not available/);
    }
  }, 180_000);
});

describe('autoconf stamped as a test release this machine lacks (libtool 2.5.4: 2.72e)', () => {
  // The same release, restamped as made with autoconf 2.71a (never obtainable here): configure's and aclocal.m4's
  // stamps and every "GNU Autoconf 2.71" in the suite. The final release 2.71 (the system's) stands in for it.
  const restamp = (d: string) => {
    edit(d, 'configure', (s) => s.replace('Generated by GNU Autoconf 2.71 ', 'Generated by GNU Autoconf 2.71a '));
    edit(d, 'aclocal.m4', (s) => s.replace('[AC_AUTOCONF_VERSION]), [2.71]', '[AC_AUTOCONF_VERSION]), [2.71a]').replace('generated for autoconf 2.71.', 'generated for autoconf 2.71a.'));
    edit(d, 'tests/testsuite', (s) => s.replace(/GNU Autoconf 2\.71\b/g, 'GNU Autoconf 2.71a'));
  };
  const standIn = { stamped: '2.71a', used: '2.71' };

  it('automake and autotest run with 2.71: Makefile.in, the suite (its version lines read back) and package.m4 proved; configure and aclocal.m4 keep their label', async () => {
    const stampLines = readFileSync(join(fixture.distDir, 'atdemo-1.0/tests/testsuite'), 'latin1').split('\n').filter((l) => /GNU Autoconf 2\.71\b/.test(l)).length;
    expect(stampLines).toBeGreaterThan(0);
    const r = await run(tampered(restamp));
    // configure and aclocal.m4 stay unproved (2.71a is not available): the default gate fails on them, one finding.
    expect(r.verdict).toBe('different');
    expect(r.findings.filter((f) => f.severity === 'high').map((f) => [f.code, f.path, f.code === 'UNPROVED_BUILD_OUTPUTS' && f.evidence.files])).toEqual([['UNPROVED_BUILD_OUTPUTS', '.', ['aclocal.m4', 'configure']]]);
    expect(r.notes).toContainEqual(expect.objectContaining({ code: 'REGENERATION', status: 'done', outputs: 3, reproduced: 3 }));
    const by = byPath(r.findings);
    const mk = by['Makefile.in']!;
    if (mk.code !== 'GENERATED_BY_AUTOTOOLS' || !mk.evidence.proof?.proved || mk.evidence.proof.method !== 'regenerated') throw new Error(`Makefile.in: ${mk.code} ${JSON.stringify(mk.evidence)}`);
    expect(mk.evidence.proof).toMatchObject({ step: 'automake', tool: 'automake', version: '1.16.5', normalisationSteps: [] });
    expect(mk.evidence.proof.procedureSteps).toContainEqual({ kind: 'autoconf-substitute', args: standIn });
    const suite = by['tests/testsuite']!;
    if (suite.code !== 'GENERATED_BY_AUTOTOOLS' || !suite.evidence.proof?.proved || suite.evidence.proof.method !== 'regenerated') throw new Error(`testsuite: ${suite.code} ${JSON.stringify(suite.evidence)}`);
    expect(suite.evidence.proof).toMatchObject({ step: 'autotest', tool: 'autoconf', version: '2.71' });
    expect(suite.evidence.proof.normalisationSteps).toEqual([{ kind: 'autoconf-version-line', args: { ...standIn, lines: stampLines } }]);
    expect(suite.evidence.proof.procedureSteps).toContainEqual({ kind: 'autoconf-substitute', args: standIn });
    expect(by['tests/package.m4']!.evidence).toMatchObject({ proof: { proved: true, step: 'make-rule' } });
    for (const p of ['configure', 'aclocal.m4']) {
      expect(by[p]!.code, p).toBe('GENERATED_BY_AUTOTOOLS');
      expect(by[p]!.evidence, p).toMatchObject({ proof: { proved: false, method: 'label', cause: { kind: 'skipped', args: { skip: { kind: 'autoconf-substitute', args: { path: p, ...standIn } } } } } });
    }
    expect(proseIn(r)).toEqual([]);
  }, 180_000);

  it('tampered twins stay high: a flag added to Makefile.in, a line injected into the suite', async () => {
    const r = await run(
      tampered((d) => {
        restamp(d);
        edit(d, 'Makefile.in', (s) => s.replace(/^(AUTOTEST = .*)$/m, '$1 -fno-stack-protector'));
        edit(d, 'tests/testsuite', (s) => s.replace(/^(AUTOTEST_PATH=.*)$/m, '$1\nexport DEMO_FLAG=1'));
      }),
    );
    expect(r.verdict).toBe('different');
    const by = byPath(r.findings);
    // The suite's diff shows its stamp line too: the version is read back only when nothing else differs.
    for (const [p, lines] of [['Makefile.in', 1], ['tests/testsuite', 2]] as const) {
      const f = by[p]!;
      expect(f.code, p).toBe('REGENERATION_MISMATCH');
      expect(f.severity, p).toBe('high');
      expect(f.evidence, p).toMatchObject({ produced: true, differingLines: lines, procedureSteps: expect.arrayContaining([{ kind: 'autoconf-substitute', args: standIn }]) });
    }
    const diff = by['tests/testsuite']!.diff;
    if (diff?.kind !== 'text') throw new Error('no text diff');
    expect(diff.unified).toContain('+export DEMO_FLAG=1');
  }, 180_000);

  it('the version lines are read back only where nothing else differs', () => {
    const made = '#! /bin/sh\n# Generated from testsuite.at by GNU Autoconf 2.72.\nx=1\n';
    expect(standInVersionLines(made, made.replace('2.72.', '2.72e.'), { stamped: '2.72e', used: '2.72' })).toEqual({ text: made.replace('2.72.', '2.72e.'), lines: 1 });
    expect(standInVersionLines(made, made.replace('2.72.', '2.72e!'), { stamped: '2.72e', used: '2.72' })).toBeUndefined();
    expect(standInVersionLines(made, made.replace('x=1', 'x=2'), { stamped: '2.72e', used: '2.72' })).toBeUndefined();
    expect(standInVersionLines(made, `${made}y\n`, { stamped: '2.72e', used: '2.72' })).toBeUndefined();
    expect(standInVersionLines(made, made, { stamped: '2.72e', used: '2.72' })).toBeUndefined();
    expect(finalReleasesFor('2.72e')).toEqual(['2.72', '2.73']);
    expect(finalReleasesFor('2.69e')).toEqual(['2.69', '2.70']);
    expect(finalReleasesFor('2.72')).toEqual([]);
    expect(finalReleasesFor('2.72.70-9ff9')).toEqual([]);
  });
});

// gdbm 1.23, cpio 2.13, cflow 1.7 and tar 1.34 write the package.m4 rule with `@PACKAGE_NAME@` where the autoconf
// manual writes `$(PACKAGE_NAME)`: automake copies the text into Makefile.in and config.status substitutes it in the
// Makefile, so make runs the recipe with the values. The same release process, that spelling.
const atFixture = autotoolsRelease({
  prefix: 'distdiff-autotest-at-',
  name: 'atdemo',
  files: {
    // gdbm's shape: a version part AC_SUBST from an m4 macro, written @ATDEMO_MAJOR@ in the rule
    'configure.ac': 'm4_define([_ATDEMO_MAJOR], 1)\nAC_INIT([GNU Atdemo], [1.0], [bugs@example.invalid])\nAC_CONFIG_AUX_DIR([build-aux])\nAM_INIT_AUTOMAKE([foreign])\nAC_SUBST([ATDEMO_MAJOR], _ATDEMO_MAJOR)\nAC_CONFIG_TESTDIR([tests])\nAM_MISSING_PROG([AUTOM4TE], [autom4te])\nAC_CONFIG_FILES([Makefile tests/atlocal])\nAC_OUTPUT\n',
    'Makefile.am': 'EXTRA_DIST =\ninclude tests/local.mk\n',
    'tests/local.mk': LOCAL_MK.replace(/\$\((PACKAGE_[A-Z]+)\)/g, '@$1@')
      .replace(/\t\$\(AM_V_at\)"\$\(PERL\)".*\n/, '')
      .replace(/(\t  echo 'm4_define\(\[AT_PACKAGE_VERSION\], .*\n)/, "$1\t  echo 'm4_define([AT_PACKAGE_VERSION_MAJOR], [@ATDEMO_MAJOR@])'; \\\n"),
    'tests/atlocal.in': '# atlocal\n',
    'tests/local.at': 'm4_define([AT_DEMO_CHECK], [AT_CHECK([echo "$1"], [0], [ignore])])\n',
    'tests/testsuite.at': 'm4_include([local.at])\nAT_INIT\nAT_SETUP([demo])\nAT_DEMO_CHECK([hello])\nAT_CLEANUP\n',
  },
});

describe('package.m4 written with configure substitutions (@PACKAGE_NAME@)', () => {
  it('the rule is spelled with @…@ and make dist wrote the values', () => {
    expect(readFileSync(join(atFixture.repoDir, 'tests/local.mk'), 'latin1')).toContain("echo 'm4_define([AT_PACKAGE_NAME],      [@PACKAGE_NAME@])'");
    expect(readFileSync(join(atFixture.distDir, 'atdemo-1.0/tests/package.m4'), 'latin1')).toContain('m4_define([AT_PACKAGE_STRING],    [GNU Atdemo 1.0])');
    expect(readFileSync(join(atFixture.repoDir, 'tests/local.mk'), 'latin1')).toContain("echo 'm4_define([AT_PACKAGE_VERSION_MAJOR], [@ATDEMO_MAJOR@])'; \\\n");
    expect(readFileSync(join(atFixture.distDir, 'atdemo-1.0/tests/package.m4'), 'latin1')).toContain('m4_define([AT_PACKAGE_VERSION_MAJOR], [1])');
  });

  it('package.m4 and the testsuite made from it are proved with AC_INIT\'s traced values', async () => {
    const r = await atFixture.run(atFixture.tarball);
    const by = byPath(r.findings);
    for (const p of ['tests/package.m4', 'tests/testsuite']) {
      const f = by[p]!;
      expect(f.code, p).toBe('GENERATED_BY_AUTOTOOLS');
      expect(f.code === 'GENERATED_BY_AUTOTOOLS' && f.evidence.proof?.proved, p).toBe(true);
    }
    const pkg = by['tests/package.m4']!;
    const proof = pkg.code === 'GENERATED_BY_AUTOTOOLS' ? pkg.evidence.proof : undefined;
    if (proof?.method !== 'regenerated' || !proof.proved) throw new Error('package.m4');
    expect(proof.procedureSteps.find((s) => s.kind === 'ac-init-traced')?.args).toMatchObject({ substs: [{ name: 'ATDEMO_MAJOR', value: '1' }] });
    expect(r.verdict).toBe('explained');
  }, 180_000);

  it('twin: a package.m4 whose AC_SUBST value is not configure.ac\'s stays high (REGENERATION_MISMATCH)', async () => {
    const r = await atFixture.run(atFixture.tampered((d) => editFile(d, 'tests/package.m4', (s) => s.replace('[AT_PACKAGE_VERSION_MAJOR], [1]', '[AT_PACKAGE_VERSION_MAJOR], [2]'))));
    const pkg = byPath(r.findings)['tests/package.m4']!;
    expect([pkg.code, pkg.severity]).toEqual(['REGENERATION_MISMATCH', 'high']);
    expect(r.verdict).toBe('different');
  }, 180_000);

  it('twin: a package.m4 whose bug-report address is not AC_INIT\'s stays high (REGENERATION_MISMATCH)', async () => {
    const r = await atFixture.run(atFixture.tampered((d) => editFile(d, 'tests/package.m4', (s) => s.replace('[bugs@example.invalid]', '[bugs@attacker.invalid]'))));
    const pkg = byPath(r.findings)['tests/package.m4']!;
    expect(pkg.code).toBe('REGENERATION_MISMATCH');
    expect(pkg.severity).toBe('high');
    expect(r.verdict).toBe('different');
  }, 180_000);
});

describe('Makefile.am rules (pure)', () => {
  const files: Record<string, string> = {
    'Makefile.am': 'X = a\nX += b\ninclude sub/frag.mk\nif COND\nY = one\nelse\nY = two\nendif\n',
    'sub/frag.mk': '## comment\nOUT = $(top_srcdir)/%D%/out.txt # trailing comment\n$(OUT): %D%/in.txt\n\t@echo $(X) $(UNSET) > $@\n\n\t-cat $< >> $@\n',
  };
  const am = parseMakefileAm('Makefile.am', (p) => files[p]);

  it('reads fragments with %D% replaced, += appended, conditionals flattened (the last = wins)', () => {
    expect(am.files).toEqual(['Makefile.am', 'sub/frag.mk']);
    expect(am.vars.get('X')).toBe('a b');
    expect(am.vars.get('Y')).toBe('two');
    expect(am.vars.get('OUT')).toBe('$(top_srcdir)/sub/out.txt');
  });

  it('resolves the rule making a path, with $@ $< and make\'s empty expansion of undefined variables listed', () => {
    const r = resolveRule(am, 'sub/out.txt', builtinVars('.'))!;
    expect(r.target).toBe('./sub/out.txt');
    expect(r.prereqs).toEqual(['sub/in.txt']);
    expect(r.commands).toEqual(['echo a b  > ./sub/out.txt', 'cat sub/in.txt >> ./sub/out.txt']);
    expect(r.undefinedVars).toEqual(['UNSET']);
    expect(resolveRule(am, 'sub/other.txt', builtinVars('.'))).toBeUndefined();
  });

  it('refuses make functions; $$ is $', () => {
    expect(() => expandMake('$(shell id)', new Map(), new Map())).toThrow(/make function \$\(shell/);
    expect(expandMake('$$HOME $(A:.c=.o)', new Map([['A', 'x.c y.c']]), new Map())).toBe('$HOME x.o y.o');
  });

  it('substitutes @PACKAGE_*@ and the directory variables as config.status does; leaves and names any other @NAME@', () => {
    const values = new Map([['PACKAGE_NAME', 'gdbm'], ['PACKAGE_VERSION', '1.23']]);
    const text = "\techo 'm4_define([AT_PACKAGE_NAME], [@PACKAGE_NAME@])' '@PACKAGE_VERSION@' '@GDBM_VERSION_MAJOR@' '@PACKAGE_URL@' @srcdir@/x \"perl\" -pe 's/\\@tb\\@/\\t/' bug-x@gnu.org\n";
    const out = configStatusSubst(text, values);
    expect(out).toBe("\techo 'm4_define([AT_PACKAGE_NAME], [gdbm])' '1.23' '@GDBM_VERSION_MAJOR@' '@PACKAGE_URL@' $(srcdir)/x \"perl\" -pe 's/\\@tb\\@/\\t/' bug-x@gnu.org\n");
    expect(leftSubsts([out])).toEqual(['@GDBM_VERSION_MAJOR@', '@PACKAGE_URL@']);
  });

  it('substitutes configure.ac\'s literal AC_SUBST values too', () => {
    expect(configStatusSubst("echo '[@GDBM_VERSION_MAJOR@]' @OTHER@\n", new Map(), new Map([['GDBM_VERSION_MAJOR', '1']]))).toBe("echo '[1]' @OTHER@\n");
  });

  it('reads literal AC_SUBST values from a trace; a multi-line, shell-expanded, conflicting, empty or reassigned value is left out', () => {
    const trace = [
      '@@AC_SUBST@@GDBM_VERSION_MAJOR=1@@END@@',
      "@@AC_SUBST@@QUOTED='a b'@@END@@",
      "@@AC_SUBST@@PACKAGE_NAME='gdbm'@@END@@",
      '@@AC_SUBST@@CMD=`uname`@@END@@',
      '@@AC_SUBST@@VAR=$HOME@@END@@',
      '@@AC_SUBST@@TWO=1@@END@@',
      '@@AC_SUBST@@TWO=2@@END@@',
      '@@AC_SUBST@@MULTI=first',
      'second@@END@@',
      '@@AC_SUBST@@SET=1@@END@@',
      '@@AC_SUBST@@EMPTY=@@END@@',
      'AC_SUBST NOTOURS=1',
    ].join('\n');
    expect(substLiterals(trace, 'AC_SUBST([SET], 1)\nif test -n "$x"; then SET=2; fi\n')).toEqual(new Map([['GDBM_VERSION_MAJOR', '1'], ['QUOTED', 'a b']]));
  });

  it('reads AC_INIT values from a trace, the last definition winning', () => {
    expect(Object.fromEntries(packageValues('AC_PACKAGE_NAME=A\nAC_PACKAGE_VERSION=1\nOTHER=x\nAC_PACKAGE_NAME=GNU B\n'))).toEqual({ PACKAGE_NAME: 'GNU B', PACKAGE_VERSION: '1' });
  });
});
