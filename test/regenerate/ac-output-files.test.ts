/**
 * The obsolete `AC_OUTPUT(FILES…)` form (augeas 1.14.0: `AC_OUTPUT(Makefile \ gnulib/lib/Makefile \ …)`) names config
 * files as AC_CONFIG_FILES does. A Makefile.am the release made (gnulib-tool's gnulib/lib/Makefile.am, not in git) whose
 * Makefile is named there is automake's input: its Makefile.in is regenerated and compared, and the Makefile.am is judged
 * by its own finding. End to end: a real git repository, the release made by the real `autoreconf -fi` + `make dist`.
 * The twin: the same Makefile.in with one injected line stays high with the line shown.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFileInputs } from '../../src/regenerate/regenerate.js';
import { autotoolsRelease, byPath, editFile } from './release.js';

describe('configFileInputs', () => {
  it('reads AC_OUTPUT(FILES) like AC_CONFIG_FILES, line continuations and shell variables left out', () => {
    const m = configFileInputs('AC_CONFIG_FILES([a/Makefile b.h:b.in])\nAC_OUTPUT(Makefile \\\n          gnulib/lib/Makefile \\\n   $extra/Makefile)\n');
    expect([...m.entries()]).toEqual([
      ['a/Makefile', ['a/Makefile.in']],
      ['b.h', ['b.in']],
      ['Makefile', ['Makefile.in']],
      ['gnulib/lib/Makefile', ['gnulib/lib/Makefile.in']],
    ]);
    // AC_OUTPUT without arguments names nothing.
    expect([...configFileInputs('AC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n').keys()]).toEqual(['Makefile']);
  });
});

const fixture = autotoolsRelease({
  prefix: 'distdiff-regen-ac-output-',
  name: 'pkg',
  files: {
    'configure.ac': 'AC_INIT([pkg], [1.0], [bugs@example.invalid])\nAC_CONFIG_AUX_DIR([build-aux])\nAM_INIT_AUTOMAKE([foreign])\nAC_OUTPUT(Makefile \\\n          lib/Makefile)\n',
    'Makefile.am': 'SUBDIRS = lib\n',
    'lib/answer.txt': '42\n',
  },
  // What gnulib-tool does at bootstrap: lib/Makefile.am is written by the release process, never committed.
  prepare: (dir) => writeFileSync(join(dir, 'lib/Makefile.am'), 'answerdir = $(datadir)/pkg\nanswer_DATA = answer.txt\nEXTRA_DIST = answer.txt\n'),
});
const { tampered, run } = fixture;

describe('AC_OUTPUT(FILES): a Makefile.in of a release-made Makefile.am', () => {
  it('is regenerated from that Makefile.am (which keeps its own finding) instead of staying unexplained', async () => {
    const r = await run(fixture.tarball);
    const by = byPath(r.findings);
    expect(by['lib/Makefile.am']).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    // Reproduced byte for byte; its input is named, and being unexplained here it flags the output.
    expect(by['lib/Makefile.in']).toMatchObject({ code: 'REPRODUCED_WITH_FLAGGED_INPUT', evidence: { flagged: [{ path: 'lib/Makefile.am', code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' }] } });
    expect(by['Makefile.in']).toMatchObject({ code: 'GENERATED_BY_AUTOTOOLS', evidence: { proof: { proved: true, method: 'regenerated' } } });
  }, 300_000);

  it('the same Makefile.in with an injected line differs (high, the line shown)', async () => {
    const tar = tampered((dir) => editFile(dir, 'lib/Makefile.in', (s) => {
      const t = s.replace(/^(answer_DATA = .*)$/m, '$1\nCFLAGS += -fno-stack-protector');
      if (t === s) throw new Error('no answer_DATA line');
      return t;
    }));
    const r = await run(tar);
    const f = byPath(r.findings)['lib/Makefile.in']!;
    expect(f).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
    expect(f.diff?.kind === 'text' && f.diff.unified).toContain('+CFLAGS += -fno-stack-protector');
    expect(r.verdict).toBe('different');
  }, 300_000);
});
