/**
 * A Makefile.in made by a distribution's automake that carries upstream's later `ARFLAGS = cr` default (automake
 * 1.16.90, commit 8cdbdda5a; Fedora patched earlier automakes with it: libconfig 1.7.3's tinytest/Makefile.in,
 * automake 1.15), end to end with the real autotools: a project with a static library, released by `make dist`,
 * whose shipped Makefile.in then has `ARFLAGS = cr` where this machine's GNU-default automake (before 1.16.90) writes
 * `ARFLAGS = cru`. The regeneration reproduces it with the one line put back (normalisation automake-arflags-cr);
 * tampered twins stay REGENERATION_MISMATCH: another ARFLAGS value, and `cr` with one more line elsewhere.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { autotoolsRelease, byPath, editFile } from './release.js';

const fixture = autotoolsRelease({
  prefix: 'distdiff-regen-arflags-',
  name: 'arlib',
  files: {
    'configure.ac': 'AC_INIT([arlib], [1.0], [bugs@example.invalid])\nAM_INIT_AUTOMAKE([foreign])\nAC_PROG_CC\nAC_PROG_RANLIB\nAM_PROG_AR\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n',
    'Makefile.am': 'noinst_LIBRARIES = libtiny.a\nlibtiny_a_SOURCES = tiny.c\n',
    'tiny.c': 'int tiny(void) { return 1; }\n',
  },
});
const { tampered, run } = fixture;
const toCr = (dir: string) => editFile(dir, 'Makefile.in', (s) => s.replace('\nARFLAGS = cru\n', '\nARFLAGS = cr\n'));

describe("a distribution automake's `ARFLAGS = cr` (upstream's later default)", () => {
  it('the fixture is the class: this automake writes `ARFLAGS = cru` (a release before 1.16.90)', () => {
    const v = /\d+\.\d+(?:\.\d+)?/.exec(execFileSync('automake', ['--version'], { encoding: 'utf8' }))![0];
    const [major, minor, micro] = v.split('.').map(Number);
    expect(major! * 10000 + minor! * 100 + (micro ?? 0)).toBeLessThan(11690);
    expect(execFileSync('grep', ['-c', '^ARFLAGS = cru$', `${fixture.distDir}/${fixture.top}/Makefile.in`], { encoding: 'utf8' }).trim()).toBe('1');
  });

  it('reproduced with the one line put back: GENERATED_BY_AUTOTOOLS, normalisation automake-arflags-cr', async () => {
    const r = await run(tampered(toCr));
    const f = byPath(r.findings)['Makefile.in']!;
    if (f.code !== 'GENERATED_BY_AUTOTOOLS' || f.evidence.proof?.method !== 'regenerated' || !f.evidence.proof.proved) throw new Error(`Makefile.in: ${f.code} ${JSON.stringify(f.evidence).slice(0, 400)}`);
    expect(f.evidence.proof.normalisationSteps).toEqual([{ kind: 'automake-arflags-cr', args: {} }]);
    expect(r.findings.filter((x) => x.severity === 'high' || x.severity === 'critical')).toEqual([]);
  }, 300_000);

  it('tampered: another ARFLAGS value, or `cr` with one more line: REGENERATION_MISMATCH (high)', async () => {
    const other = tampered((dir) => editFile(dir, 'Makefile.in', (s) => s.replace('\nARFLAGS = cru\n', '\nARFLAGS = crs\n')));
    const more = tampered((dir) => {
      toCr(dir);
      editFile(dir, 'Makefile.in', (s) => s.replace('\nARFLAGS = cr\n', '\nARFLAGS = cr\nCFLAGS += -fno-stack-protector\n'));
    });
    for (const t of [other, more]) {
      const f = byPath((await run(t)).findings)['Makefile.in']!;
      expect(f).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
    }
  }, 300_000);
});
