/**
 * Sub-packages regenerated the way gettext's autogen.sh makes them, end to end with the real autotools
 * (our own fixture, built outside the sandbox) and distdiff's sandboxed regeneration:
 *   - the top configure.ac runs `autoconf --trace` in its AC_CONFIG_SUBDIRS sub-package through esyscmd
 *     (gettext collects its sub-packages' options so): the sub-package must be regenerated first, its
 *     aclocal.m4 in place — "bottom-up";
 *   - aux files: some copied in before automake ran (gettext copies them from gnulib), so the top
 *     Makefile.in of the sub-package lists them, others installed by `automake --add-missing` while it
 *     processed a later Makefile.am, so it does not: the second automake run removes only those.
 * And the tampered twins, which must stay high: an edited option list in configure, an injected line in a
 * Makefile.in, and a top Makefile.in that lists an aux file it did not list.
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bottomUp, listedFiles } from '../../src/regenerate/regenerate.js';
import { autotoolsRelease, byPath, editFile, sh } from './release.js';



const TOP_AC = `AC_INIT([pkg], [1.0], [bugs@example.invalid])
AC_CONFIG_AUX_DIR([build-aux])
AM_INIT_AUTOMAKE([foreign])
AC_CONFIG_SUBDIRS([sub])
AC_SUBST([SUB_OPTIONS], ['esyscmd([cd sub && autoconf --trace=AC_ARG_ENABLE:\\$1 | tr "\\n" " "])'])
AC_CONFIG_FILES([Makefile])
AC_OUTPUT
`;
const SUB_AC = `AC_INIT([sub], [1.0], [bugs@example.invalid])
AC_CONFIG_AUX_DIR([../build-aux])
AC_CONFIG_MACRO_DIR([m4])
AM_INIT_AUTOMAKE([foreign])
AC_PROG_CC
AC_PROG_RANLIB
AC_PROG_YACC
SUB_FROB_OPTION
AC_CONFIG_FILES([Makefile lib/Makefile])
AC_OUTPUT
`;

const fixture = autotoolsRelease({
  prefix: 'distdiff-regen-subpkg-',
  name: 'pkg',
  files: {
    'configure.ac': TOP_AC,
    'Makefile.am': 'SUBDIRS = sub\n',
    'sub/configure.ac': SUB_AC,
    'sub/Makefile.am': 'ACLOCAL_AMFLAGS = -I m4\nSUBDIRS = lib\n',
    'sub/lib/Makefile.am': 'noinst_LIBRARIES = libx.a\nlibx_a_SOURCES = x.c g.y\n',
    'sub/lib/x.c': 'int x (void) { return 1; }\n',
    'sub/lib/g.y': '%%\ns: ;\n',
    // the sub-package's own macro: `autoconf --trace` in sub/ needs sub/aclocal.m4 to see its option
    'sub/m4/frob.m4': 'AC_DEFUN([SUB_FROB_OPTION], [AC_ARG_ENABLE([frob], [AS_HELP_STRING([--enable-frob], [frobnicate])])])\n',
  },
  // The release as an autogen.sh makes it: aux files copied in first, then each directory bottom-up.
  makeTree: (tree, repoDir) => {
    sh(repoDir, `git archive v1.0 | tar -x -C ${tree}`);
    mkdirSync(join(tree, 'build-aux'));
    for (const f of ['install-sh', 'missing', 'depcomp']) cpSync(join('/usr/share/automake-1.16', f), join(tree, 'build-aux', f));
    sh(join(tree, 'sub'), 'aclocal -I m4 && autoconf && automake --add-missing --copy');
    sh(tree, 'aclocal && autoconf && automake --add-missing --copy');
    for (const d of ['autom4te.cache', 'sub/autom4te.cache']) rmSync(join(tree, d), { recursive: true, force: true });
  },
});
const { tampered, run } = fixture;

describe('sub-packages made bottom-up (gettext)', () => {
  it('order: a configure.ac whose esyscmd enters an AC_CONFIG_SUBDIRS directory comes after it; otherwise top-down', () => {
    const d = (dir: string, acText: string) => ({ dir, acText });
    const top = d('', TOP_AC);
    const sub = d('sub', SUB_AC);
    const other = d('other', 'AC_INIT([o], [1])\n');
    expect(bottomUp([top, other, sub]).map((x) => x.dir)).toEqual(['sub', '', 'other']);
    // the same sub-directories without an esyscmd naming them: the order stays
    const plain = d('', 'AC_INIT([pkg], [1])\nAC_CONFIG_SUBDIRS([sub other])\nm4_esyscmd([build-aux/git-version-gen .tarball-version])\n');
    expect(bottomUp([plain, other, sub]).map((x) => x.dir)).toEqual(['', 'other', 'sub']);
  });

  it('listedFiles resolves DIST_COMMON words against the Makefile.in and the configure directory', () => {
    const text = 'am__DIST_COMMON = $(srcdir)/Makefile.in \\\n\t$(top_srcdir)/../build-aux/compile ../build-aux/depcomp $(VAR)/x \\\n\tREADME\n';
    expect([...listedFiles({ dir: 'sub', makefileIns: ['sub/Makefile.in'] }, () => text)].sort()).toEqual(['build-aux/compile', 'build-aux/depcomp', 'sub/Makefile.in', 'sub/README']);
  });

  it('reproduces every output: the sub-package first, only the aux files its Makefile.in does not list set aside', async () => {
    const r = await run(fixture.tarball);
    const note = r.notes.find((n) => n.code === 'REGENERATION')!;
    expect(note).toMatchObject({ status: 'done', outputs: 7, reproduced: 7 });
    const by = byPath(r.findings);
    for (const p of ['configure', 'aclocal.m4', 'Makefile.in', 'sub/configure', 'sub/aclocal.m4', 'sub/Makefile.in', 'sub/lib/Makefile.in']) {
      const f = by[p]!;
      if (f.code !== 'GENERATED_BY_AUTOTOOLS' || f.evidence.proof?.method !== 'regenerated' || !f.evidence.proof.proved) throw new Error(`${p}: ${f.code} ${JSON.stringify(f.evidence)}`);
    }
    const subIn = by['sub/Makefile.in']!;
    if (subIn.code !== 'GENERATED_BY_AUTOTOOLS' || !subIn.evidence.proof?.proved || subIn.evidence.proof.method !== 'regenerated') throw new Error('sub/Makefile.in not proved');
    // ylwrap was installed while automake processed lib/Makefile.am; compile, depcomp, install-sh and missing existed
    // (the shipped sub/Makefile.in does not list ylwrap: that --add-missing run went first, and reproduced all)
    expect(subIn.evidence.proof.procedureSteps).toEqual([{ kind: 'automake-add-missing', args: { installed: ['../build-aux/ylwrap'], unlisted: ['../build-aux/ylwrap'] } }]);
    expect(r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical')).toEqual([]);
  }, 300_000);

  it('tampered: an option list edited in configure, a line injected into a Makefile.in, an aux file listed that was not: high', async () => {
    const options = tampered((dir) => editFile(dir, 'configure', (s) => s.replace("SUB_OPTIONS='", "SUB_OPTIONS='debug-backdoor ")));
    const injected = tampered((dir) => editFile(dir, 'sub/lib/Makefile.in', (s) => s.replace(/^(CFLAGS = .*)$/m, '$1 -fno-stack-protector')));
    const listed = tampered((dir) => editFile(dir, 'sub/Makefile.in', (s) => s.replace('$(top_srcdir)/../build-aux/missing', '$(top_srcdir)/../build-aux/missing $(top_srcdir)/../build-aux/ylwrap')));
    for (const [tar, path, line] of [
      [options, 'configure', "+SUB_OPTIONS='debug-backdoor "],
      [injected, 'sub/lib/Makefile.in', '-fno-stack-protector'],
      [listed, 'sub/Makefile.in', '$(top_srcdir)/../build-aux/ylwrap'],
    ] as const) {
      const r = await run(tar);
      const f = byPath(r.findings)[path]!;
      expect(f, path).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
      expect(f.diff?.kind === 'text' && f.diff.unified).toContain(line);
      expect(r.verdict).toBe('different');
    }
  }, 300_000);
});
