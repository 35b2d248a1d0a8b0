/**
 * The strictness word of a Makefile.in's rebuild rule (curl 7.88.1's class), end to end with the real
 * autotools on a project built here: the top Makefile.am says `AUTOMAKE_OPTIONS = foreign`, the
 * sub-directory's says nothing, and the release's `make dist` ran after configure.ac changed, so the top
 * Makefile's rebuild rule re-ran `$(AUTOMAKE) --foreign` over every Makefile.in: sub/Makefile.in says
 * `--foreign`, where a plain `automake` (autoreconf) writes `--gnu`. The regeneration runs automake again
 * with the options the shipped rule names — a real run, never a text edit.
 * Tampered twins, each of which stays high: a sub/Makefile.in whose word matches but that gained a line (the
 * diff then shows that line only), and sub/Makefile.in files naming options no automake run writes there
 * (`--cygnus`, removed in automake 1.13; an extra option; two different words in one file).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rebuildRuleOptions } from '../../src/regenerate/automake-options.js';
import { autotoolsRelease, byPath, editFile } from './release.js';

const fixture = autotoolsRelease({
  prefix: 'distdiff-regen-amopts-',
  name: 'pkg',
  files: {
    // AM_INIT_AUTOMAKE without a strictness: automake's default (gnu) unless the command line says otherwise.
    'configure.ac': 'AC_INIT([pkg], [1.0], [bugs@example.invalid])\nAC_CONFIG_AUX_DIR([build-aux])\nAM_INIT_AUTOMAKE\nAC_CONFIG_FILES([Makefile sub/Makefile])\nAC_OUTPUT\n',
    'Makefile.am': 'AUTOMAKE_OPTIONS = foreign\nSUBDIRS = sub\n',
    'sub/Makefile.am': 'dist_pkgdata_DATA = data.txt\n',
    'sub/data.txt': 'data\n',
  },
  // autoreconf, then configure.ac newer than every generated file: make's rebuild rules run before `dist`
  // (aclocal, autoconf, and the top Makefile's `cd $(srcdir) && $(AUTOMAKE) --foreign` over all Makefile.in).
  build: "autoreconf -fi && ./configure -q && find . -path ./.git -prune -o -type f -exec touch -d '2020-01-01 00:00:00' {} + && touch configure.ac && make -s dist",
});

const { tampered, run } = fixture;
const SUB_RULE = (word: string) => `\techo ' cd $(top_srcdir) && $(AUTOMAKE) ${word} sub/Makefile'; \\\n\t$(am__cd) $(top_srcdir) && \\\n\t  $(AUTOMAKE) ${word} sub/Makefile\n`;

describe("a Makefile.in's rebuild-rule options (automake strictness)", () => {
  it('rebuildRuleOptions: one strictness, optionally --ignore-deps, the same in every $(AUTOMAKE) of the file', () => {
    const top = "\t      echo ' cd $(srcdir) && $(AUTOMAKE) --foreign'; \\\n\t      $(am__cd) $(srcdir) && $(AUTOMAKE) --foreign \\\n\t\t&& exit 0; \\\n";
    expect(rebuildRuleOptions(top + SUB_RULE('--foreign').replaceAll('sub/Makefile', 'Makefile'))).toEqual(['--foreign']);
    expect(rebuildRuleOptions(SUB_RULE('--gnu'))).toEqual(['--gnu']);
    expect(rebuildRuleOptions(SUB_RULE('--gnits --ignore-deps'))).toEqual(['--gnits', '--ignore-deps']);
    // what no automake writes there, or a file that disagrees with itself
    expect(rebuildRuleOptions(SUB_RULE('--cygnus'))).toBeUndefined();
    expect(rebuildRuleOptions(SUB_RULE('--foreign --add-missing'))).toBeUndefined();
    expect(rebuildRuleOptions(SUB_RULE('--ignore-deps --foreign'))).toBeUndefined();
    expect(rebuildRuleOptions(SUB_RULE('--foreign') + SUB_RULE('--gnu'))).toBeUndefined();
    expect(rebuildRuleOptions('AUTOMAKE = @AUTOMAKE@\n')).toBeUndefined();
  });

  it('the fixture is the class: the shipped sub/Makefile.in says --foreign (the top rule ran), its Makefile.am no strictness', () => {
    const sub = readFileSync(join(fixture.distDir, 'pkg-1.0/sub/Makefile.in'), 'latin1');
    expect(rebuildRuleOptions(sub)).toEqual(['--foreign']);
    expect(sub).toContain(SUB_RULE('--foreign'));
  });

  it('reproduces sub/Makefile.in by automake --foreign (procedure step), the top one by the plain run', async () => {
    const r = await run(fixture.tarball);
    expect(r.notes.find((n) => n.code === 'REGENERATION')).toMatchObject({ status: 'done', outputs: 4, reproduced: 4 });
    const by = byPath(r.findings);
    for (const p of ['configure', 'aclocal.m4', 'Makefile.in', 'sub/Makefile.in']) {
      const f = by[p]!;
      if (f.code !== 'GENERATED_BY_AUTOTOOLS' || f.evidence.proof?.method !== 'regenerated' || !f.evidence.proof.proved) throw new Error(`${p}: ${f.code} ${JSON.stringify(f.evidence)}`);
    }
    const sub = by['sub/Makefile.in']!;
    const top = by['Makefile.in']!;
    if (sub.code !== 'GENERATED_BY_AUTOTOOLS' || sub.evidence.proof?.method !== 'regenerated' || !sub.evidence.proof.proved) throw new Error('sub/Makefile.in');
    if (top.code !== 'GENERATED_BY_AUTOTOOLS' || top.evidence.proof?.method !== 'regenerated' || !top.evidence.proof.proved) throw new Error('Makefile.in');
    expect(sub.evidence.proof.procedureSteps).toEqual([{ kind: 'automake-options', args: { options: ['--foreign'] } }]);
    expect(sub.evidence.proof.normalisationSteps).toEqual([]);
    // the top Makefile.am's own AUTOMAKE_OPTIONS already say foreign: no second run for it
    expect(top.evidence.proof.procedureSteps).toEqual([]);
    expect(r.verdict).not.toBe('different');
  }, 300_000);

  it('tampered: the word matches but a line was added; a word no automake run writes; two words in one file: high', async () => {
    const injected = tampered((dir) => editFile(dir, 'sub/Makefile.in', (s) => s.replace(/^(pkgdatadir = .*)$/m, '$1\nCFLAGS += -fno-stack-protector')));
    const cygnus = tampered((dir) => editFile(dir, 'sub/Makefile.in', (s) => s.replace(SUB_RULE('--foreign'), SUB_RULE('--cygnus'))));
    const extra = tampered((dir) => editFile(dir, 'sub/Makefile.in', (s) => s.replace(SUB_RULE('--foreign'), SUB_RULE('--foreign --no-force'))));
    const mixed = tampered((dir) => editFile(dir, 'sub/Makefile.in', (s) => s.replace("$(AUTOMAKE) --foreign sub/Makefile'", "$(AUTOMAKE) --gnits sub/Makefile'")));
    const cases: [string, string[], string[]][] = [
      // the --foreign run is kept (fewer lines differ): the diff is the injected line alone
      [injected, ['+CFLAGS += -fno-stack-protector'], []],
      [cygnus, ['+\techo \' cd $(top_srcdir) && $(AUTOMAKE) --cygnus sub/Makefile\'; \\', '+\t  $(AUTOMAKE) --cygnus sub/Makefile'], ['-\t  $(AUTOMAKE) --gnu sub/Makefile']],
      [extra, ['+\t  $(AUTOMAKE) --foreign --no-force sub/Makefile'], ['-\t  $(AUTOMAKE) --gnu sub/Makefile']],
      [mixed, ["+\techo ' cd $(top_srcdir) && $(AUTOMAKE) --gnits sub/Makefile'; \\", '+\t  $(AUTOMAKE) --foreign sub/Makefile'], []],
    ];
    for (const [tar, added, removed] of cases) {
      const r = await run(tar);
      const f = byPath(r.findings)['sub/Makefile.in']!;
      expect(f).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
      const diff = f.diff?.kind === 'text' ? (f.diff.unified ?? '') : '';
      for (const l of added) expect(diff.split('\n'), l).toContain(l);
      for (const l of removed) expect(diff.split('\n'), l).toContain(l);
      if (tar === injected) {
        expect(diff).not.toContain('--gnu');
        if (f.code === 'REGENERATION_MISMATCH') expect(f.evidence.procedureSteps).toEqual([{ kind: 'automake-options', args: { options: ['--foreign'] } }]);
      }
      expect(r.verdict).toBe('different');
    }
  }, 300_000);
});
