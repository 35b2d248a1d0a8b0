/**
 * make-replay with configure's values (src/regenerate/make-replay.ts, configureValues): a rule that writes a
 * tarball-only header from configure's directories and literal AC_SUBSTs — cronie 1.7.2's anacron-paths.h, a sed
 * here-document (`sed >$@ 's/ *\\$$//' <<\END #\`) of `$(ANACRON_SPOOL_DIR)`, configure's default
 * `${localstatedir}/spool/anacron` — made by the real autotools (`./configure && make dist` builds it), replayed
 * with autoconf's default directories and the proved configure's single literal assignments. A value configure
 * computes (`pwd`) is none: that rule stays high, naming it. Tampered twins: the header with another path, the
 * version header with another version, stay REGENERATION_MISMATCH high.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import { checkRecipe, configureValues, withoutHereDocs } from '../../src/regenerate/make-replay.js';
import { autotoolsRelease, editFile } from './release.js';

const CONFIGURE_AC = `AC_INIT([demo], [1.0], [bugs@example.invalid])
AM_INIT_AUTOMAKE([foreign])
AC_ARG_VAR([DEMO_SPOOL], [the spool directory])
if test "$DEMO_SPOOL" = ""; then
	DEMO_SPOOL='\${localstatedir}/spool/demo'
fi
DEMO_BUILT="\`pwd\`/built"
AC_SUBST([DEMO_BUILT])
AC_CONFIG_FILES([Makefile])
AC_OUTPUT
`;
const MAKEFILE_AM = `EXTRA_DIST = demo-paths.h demo-version.h demo-built.h

# cronie's anacron/Makemodule.am: a sed here-document of configure's values, one shell command for make
demo-paths.h: Makefile
	@echo 'creating $@'
	@sed >$@ 's/ *\\\\$$//' <<\\END #\\
	/* This file has been automatically generated.  Do not edit. */ \\
	\\
	#define DEMO_SPOOL "$(DEMO_SPOOL)" \\
	#define DEMO_CONF "$(sysconfdir)/demo.conf" \\
	#define DEMO_DOCS "$(docdir)" \\
	END

# a recipe's @NAME@, which config.status substitutes in the Makefile
demo-version.h: Makefile
	echo '#define DEMO_VERSION "@PACKAGE_VERSION@"' > $@

# a value configure computes: no value here
demo-built.h: Makefile
	echo '#define DEMO_BUILT "$(DEMO_BUILT)"' > $@
`;

const rel = autotoolsRelease({
  prefix: 'distdiff-replay-conf-',
  name: 'demo',
  files: { 'configure.ac': CONFIGURE_AC, 'Makefile.am': MAKEFILE_AM },
});
const at = (fs: Finding[], path: string) => fs.find((f) => f.path === path)!;

describe('a make rule of configure values replayed', () => {
  it('the header of configure default directories and the @PACKAGE_VERSION@ recipe are MAKE_RULE_REPLAYED with the proved configure an input; the computed value stays high', async () => {
    const r = await rel.run(rel.tarball);
    const paths = at(r.findings, 'demo-paths.h');
    expect(paths).toMatchObject({
      code: 'MAKE_RULE_REPLAYED',
      severity: 'info',
      evidence: {
        file: 'Makefile.am',
        line: 4,
        target: 'demo-paths.h',
        inputs: [
          { path: 'Makefile.am', origin: 'git' },
          { path: 'configure', origin: 'regenerated', explainedBy: 'reproduced' },
        ],
      },
    });
    if (paths.code !== 'MAKE_RULE_REPLAYED') throw new Error('not replayed');
    expect(paths.evidence.commands[1]).toContain('#define DEMO_SPOOL "/usr/local/var/spool/demo"');
    expect(paths.evidence.commands[1]).toContain('#define DEMO_DOCS "/usr/local/share/doc/demo"');
    expect(at(r.findings, 'demo-version.h')).toMatchObject({
      code: 'MAKE_RULE_REPLAYED',
      severity: 'info',
      evidence: { commands: ['echo \'#define DEMO_VERSION "1.0"\' > demo-version.h'] },
    });
    expect(at(r.findings, 'demo-built.h')).toMatchObject({
      code: 'TARBALL_ONLY_UNEXPLAINED',
      severity: 'high',
      evidence: { notReplayed: { file: 'Makefile.am', refusal: { kind: 'variable', args: { detail: '$(DEMO_BUILT)' } } } },
    });
  }, 300_000);

  it('a header with another path or version than the rule writes stays high (REGENERATION_MISMATCH, the line shown)', async () => {
    const edits: [string, (s: string) => string, string][] = [
      ['demo-paths.h', (s) => s.replace('/usr/local/var/spool/demo', '/tmp/demo'), '+#define DEMO_SPOOL "/tmp/demo"'],
      ['demo-version.h', (s) => s.replace('"1.0"', '"1.0; rm -rf /"'), '+#define DEMO_VERSION "1.0; rm -rf /"'],
    ];
    for (const [path, edit, line] of edits) {
      const r = await rel.run(rel.tampered((d) => editFile(d, path, edit)));
      const f = at(r.findings, path);
      expect(f.code, path).toBe('REGENERATION_MISMATCH');
      expect(f.severity, path).toBe('high');
      if (f.diff?.kind !== 'text') throw new Error('no text diff');
      expect(f.diff.unified, path).toContain(line);
      expect(r.verdict).toBe('different');
    }
  }, 300_000);
});

describe('configureValues', () => {
  const CONFIGURE = `ac_subst_vars='SPOOL
TWICE
BUILT
EMPTY
PACKAGE_TARNAME
localstatedir
prefix
EXPANDED
LOOPED'
PACKAGE_TARNAME='demo'
prefix=NONE
localstatedir='\${prefix}/var'
SPOOL='\${localstatedir}/spool/demo'
TWICE=a
if test x = y; then TWICE=b; fi
BUILT="\`pwd\`/x"
EMPTY=
EXPANDED="$prefix/x"
for LOOPED in a b; do :; done
LOOPED=c
`;
  it('autoconf default directories and single literal assignments; anything assigned twice or computed is no value', () => {
    const c = configureValues(CONFIGURE);
    expect(c.subst.has('BUILT')).toBe(true);
    expect(Object.fromEntries(c.values)).toEqual({
      SPOOL: '${localstatedir}/spool/demo',
      EMPTY: '',
      PACKAGE_TARNAME: 'demo',
      localstatedir: '${prefix}/var',
      prefix: '/usr/local',
    });
  });
});

describe('here-documents in a recipe', () => {
  it('a quoted delimiter: the body is data, the rest is checked; an unquoted one (its body expanded) is refused', () => {
    const cronie = "sed >h 's/ *\\\\$//' <<\\END #\\\n/* x */ \\\n#define A \"/usr/local/var\" \\\nEND";
    expect(withoutHereDocs(cronie)).toBe("sed >h 's/ *\\\\$//'  #\\");
    expect(checkRecipe([cronie], 'h', () => undefined)).toEqual({ tools: new Set(['sed']), asksGit: false });
    expect(checkRecipe(["cat <<'EOF' > h\n$(id) `id`\nEOF"], 'h', () => undefined)).toEqual({ tools: new Set(['cat']), asksGit: false });
    expect(checkRecipe(['cat <<EOF > h\n`id`\nEOF'], 'h', () => undefined)).toEqual({ kind: 'syntax', args: { construct: 'tokenizer', text: 'here-document with an unquoted delimiter' } });
    expect(checkRecipe(["cat <<'EOF' > h\nno end"], 'h', () => undefined)).toEqual({ kind: 'syntax', args: { construct: 'tokenizer', text: 'here-document without its EOF line' } });
    // what follows the body is checked as any command
    expect(checkRecipe(["cat <<'EOF' > h\nx\nEOF\n./run.sh > h"], 'h', () => undefined)).toEqual({ kind: 'command', args: { command: './run.sh' } });
    // `<<` inside quotes is text
    expect(withoutHereDocs("sed 's/<<x//' a > h")).toBe("sed 's/<<x//' a > h");
  });
});
