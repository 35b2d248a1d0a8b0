/**
 * Makefile.in classes found on real releases (libtool 2.4.7 regenerated with automake 1.16.3), end to end on a
 * project built here with the real `autoreconf -fi` + `make dist`:
 *   - a sub-package (libltdl's layout) whose Makefile.am the release made (not in git) and whose
 *     ACLOCAL_AMFLAGS (`-I ../m4`) and AC_CONFIG_AUX_DIR (`../build-aux`) point above its directory: aclocal
 *     gets the flags from that Makefile.am, which is then an input of aclocal.m4;
 *   - a common file the release writes after automake ran (libtool's THANKS, by dist-hook): absent from the
 *     shipped DIST_COMMON, so it is set aside while automake runs again;
 * and the tampered twins that must still fail: a tracked NEWS dropped from DIST_COMMON, and an injected line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { distCommonWords } from '../../src/regenerate/regenerate.js';
import { autotoolsRelease, byPath, editFile } from './release.js';

// The sub-package's configure.ac is tracked; its Makefile.am is made by the release (from sub.mk).
const fixture = autotoolsRelease({
  prefix: 'distdiff-regen-classes-',
  name: 'pkg',
  files: {
    'configure.ac': 'AC_INIT([pkg], [1.0], [bugs@example.invalid])\nAC_CONFIG_AUX_DIR([build-aux])\nAC_CONFIG_MACRO_DIR([m4])\nAM_INIT_AUTOMAKE([foreign])\nPKG_GREETING\nAC_CONFIG_SUBDIRS([sub])\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n',
    'Makefile.am': 'ACLOCAL_AMFLAGS = -I m4\nSUBDIRS = sub\nEXTRA_DIST = NEWS\ndist-hook:\n\techo "Thanks to everyone." > $(distdir)/THANKS\n',
    NEWS: 'pkg 1.0\n',
    'm4/greeting.m4': 'AC_DEFUN([PKG_GREETING], [AC_MSG_CHECKING([for a greeting])\nAC_MSG_RESULT([hello])])\n',
    'sub/configure.ac': 'AC_INIT([sub], [1.0], [bugs@example.invalid])\nAC_CONFIG_AUX_DIR([../build-aux])\nAM_INIT_AUTOMAKE([foreign])\nPKG_GREETING\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n',
    'sub/sub.mk': 'EXTRA_DIST = sub.mk\n',
  },
  prepare: (dir) => writeFileSync(join(dir, 'sub/Makefile.am'), 'ACLOCAL_AMFLAGS = -I ../m4\ninclude sub.mk\n'),
});
const { tampered, run } = fixture;

describe('Makefile.in classes from real releases', () => {
  it('the fixture has both shapes: THANKS shipped but not in DIST_COMMON; sub/Makefile.am shipped, not in git', () => {
    const top = readFileSync(join(fixture.distDir, 'pkg-1.0/Makefile.in'), 'latin1');
    expect(readFileSync(join(fixture.distDir, 'pkg-1.0/THANKS'), 'latin1')).toBe('Thanks to everyone.\n');
    const words = distCommonWords(top);
    expect(words.has('NEWS')).toBe(true);
    expect(words.has('THANKS')).toBe(false);
    expect(readFileSync(join(fixture.distDir, 'pkg-1.0/sub/Makefile.am'), 'latin1')).toContain('-I ../m4');
  });

  it('reproduces both directories: aclocal flags from the release-made Makefile.am, THANKS set aside', async () => {
    const r = await run(fixture.tarball);
    const note = r.notes.find((n) => n.code === 'REGENERATION')!;
    expect(note).toMatchObject({ status: 'done' });
    const by = byPath(r.findings);
    for (const p of ['configure', 'aclocal.m4', 'Makefile.in']) {
      const f = by[p]!;
      if (f.code !== 'GENERATED_BY_AUTOTOOLS' || f.evidence.proof?.method !== 'regenerated' || !f.evidence.proof.proved) throw new Error(`${p}: ${f.code} ${JSON.stringify(f.evidence)}`);
    }
    // The sub-package reproduces; what it reproduces from includes the release-made sub/Makefile.am, which
    // nothing explains here, so each output names it (libtool's is explained by its tracked make rule).
    for (const p of ['sub/configure', 'sub/aclocal.m4', 'sub/Makefile.in']) {
      expect(by[p], p).toMatchObject({ code: 'REPRODUCED_WITH_FLAGGED_INPUT', evidence: { flagged: [{ path: 'sub/Makefile.am', code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' }] } });
    }
    const subAclocal = by['sub/aclocal.m4']!;
    if (subAclocal.code !== 'REPRODUCED_WITH_FLAGGED_INPUT') throw new Error('sub/aclocal.m4 not reproduced');
    // sub/Makefile.am gave aclocal its -I ../m4; ../m4/greeting.m4 is an input as a tree path.
    expect(subAclocal.evidence.inputs.map((i) => `${i.path} ${i.origin}`)).toEqual(['m4/greeting.m4 git', 'sub/Makefile.am tarball', 'sub/configure.ac git']);
    const top = by['Makefile.in']!;
    if (top.code !== 'GENERATED_BY_AUTOTOOLS' || top.evidence.proof?.method !== 'regenerated' || !top.evidence.proof.proved) throw new Error('Makefile.in not regenerated');
    expect(top.evidence.proof.procedureSteps).toContainEqual({ kind: 'automake-late-files', args: { files: ['THANKS'] } });
    expect(top.evidence.proof.normalisationSteps).toEqual([]);
  }, 300_000);

  it('a tracked common file dropped from DIST_COMMON, or an injected line, still differs (high, with the diff)', async () => {
    // NEWS is in git, so it existed whenever automake ran: only tarball-only files are set aside.
    const listed = tampered((dir) =>
      editFile(dir, 'Makefile.in', (s) => {
        const t = s.replace('/build-aux/missing NEWS build-aux/install-sh', '/build-aux/missing build-aux/install-sh');
        if (t === s) throw new Error('NEWS not found in am__DIST_COMMON');
        return t;
      }),
    );
    const injected = tampered((dir) => editFile(dir, 'sub/Makefile.in', (s) => s.replace(/^(ACLOCAL_AMFLAGS = .*)$/m, '$1\nCFLAGS += -fno-stack-protector')));
    for (const [tar, path, line] of [
      [listed, 'Makefile.in', '+\t$(top_srcdir)/build-aux/missing build-aux/install-sh'],
      [injected, 'sub/Makefile.in', '+CFLAGS += -fno-stack-protector'],
    ] as const) {
      const r = await run(tar);
      const f = byPath(r.findings)[path]!;
      expect(f).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
      expect(f.diff?.kind === 'text' && f.diff.unified).toContain(line);
      expect(r.verdict).toBe('different');
    }
  }, 300_000);
});
