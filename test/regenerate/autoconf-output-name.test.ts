/**
 * autoconf's output under another name (rsync's shape): the tracked `configure` is a wrapper, and a rule of the
 * tracked Makefile.in writes the real script with `autoconf -o configure.sh`; the maintainer runs the rules in a
 * build directory (rsync's prepare-source: build/ with configure.ac and m4 linked in, srcdir `..`), so the shipped
 * aclocal.m4 reads `m4_include([../m4/demo.m4])`. A real project built here by the real aclocal, autoconf and
 * autoheader, verified with the real pipeline; tampered twins stay high.
 */
import { mkdirSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import { autoconfOutputRule } from '../../src/regenerate/regenerate.js';
import { srcdirAclocalRule, srcdirIncludes } from '../../src/regenerate/srcdir-includes.js';
import { autotoolsRelease, byPath, editFile, sh } from './release.js';

const MAKEFILE_IN = `srcdir = @srcdir@

all: demo

demo: $(srcdir)/demo.c config.h
\tcc -o demo $(srcdir)/demo.c

aclocal.m4: $(srcdir)/m4/*.m4
\taclocal -I $(srcdir)/m4

configure.sh config.h.in: configure.ac aclocal.m4
\tautoconf -o configure.sh
\tautoheader && touch config.h.in
`;
const FILES = {
  configure: { content: '#!/bin/sh\n# The real work is done by configure.sh (made by autoconf -o configure.sh).\nexec "$(dirname "$0")/configure.sh" "$@"\n', executable: true },
  'configure.ac': 'AC_INIT([demo], [1.0], [bugs@example.invalid])\nAC_CONFIG_SRCDIR([demo.c])\nAC_CONFIG_HEADERS([config.h])\nDEMO_CHECK\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n',
  'm4/demo.m4': 'AC_DEFUN([DEMO_CHECK], [AC_DEFINE([DEMO_OK], [1], [Define to 1 for the demo.])])\n',
  'Makefile.in': MAKEFILE_IN,
  'demo.c': '#include "config.h"\nint main(void) { return DEMO_OK - 1; }\n',
};

const fixture = autotoolsRelease({
  prefix: 'distdiff-acname-',
  name: 'demo',
  files: FILES,
  // The maintainer's build directory: configure.ac and m4 linked in, aclocal -I ../m4, autoconf -o, autoheader.
  makeTree: (tree, repoDir) => {
    const build = join(repoDir, 'build');
    mkdirSync(build);
    symlinkSync('../configure.ac', join(build, 'configure.ac'));
    symlinkSync('../m4', join(build, 'm4'));
    sh(build, 'aclocal -I ../m4 && autoconf -o configure.sh && autoheader');
    for (const [p, spec] of Object.entries(FILES)) {
      mkdirSync(join(tree, p, '..'), { recursive: true });
      writeFileSync(join(tree, p), typeof spec === 'string' ? spec : spec.content, { mode: typeof spec === 'string' ? 0o644 : 0o755 });
    }
    for (const f of ['aclocal.m4', 'configure.sh', 'config.h.in']) copyFileSync(join(build, f), join(tree, f));
  },
});

const proofOf = (f: Finding | undefined) => {
  if (f?.code !== 'GENERATED_BY_AUTOTOOLS' || !f.evidence.proof?.proved || f.evidence.proof.method !== 'regenerated') throw new Error(`${f?.path} not proved: ${JSON.stringify(f)}`);
  return f.evidence.proof;
};

describe('autoconf -o NAME by a tracked rule, run in a build directory', () => {
  it('proves configure.sh (autoconf -o, the rule named), aclocal.m4 (its ../m4 includes) and config.h.in', async () => {
    const r = await fixture.run(fixture.tarball);
    const by = byPath(r.findings);
    const configure = proofOf(by['configure.sh']);
    expect(configure).toMatchObject({ step: 'autoconf', tool: 'autoconf' });
    expect(configure.procedureSteps).toEqual([{ kind: 'autoconf-output-name', args: { output: 'configure.sh', rule: 'Makefile.in', line: 12 } }]);
    const aclocal = proofOf(by['aclocal.m4']);
    expect(aclocal.normalisationSteps).toEqual([{ kind: 'srcdir-includes', args: { prefix: '../', lines: 1, rule: 'Makefile.in', line: 9 } }]);
    expect(proofOf(by['config.h.in']).step).toBe('autoheader');
    expect(r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical')).toEqual([]);
  });

  it('tampered twins stay high: a line added to configure.sh, an include of another file in aclocal.m4', async () => {
    const injected = fixture.tampered((d) => editFile(d, 'configure.sh', (s) => s.replace('\nac_unique_file=', '\nLIBS="$LIBS -lpayload"\nac_unique_file=')));
    expect(byPath((await fixture.run(injected)).findings)['configure.sh']).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
    const include = fixture.tampered((d) => {
      writeFileSync(join(d, 'm4/extra.m4'), 'AC_DEFUN([DEMO_EXTRA], [LIBS="$LIBS -lpayload"])\n');
      editFile(d, 'aclocal.m4', (s) => s.replace('m4_include([../m4/demo.m4])', 'm4_include([../m4/demo.m4])\nm4_include([../m4/extra.m4])'));
    });
    expect(byPath((await fixture.run(include)).findings)['aclocal.m4']).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
  });
});

describe('the rules', () => {
  const mk = (text: string) => [{ path: 'Makefile.in', text }];
  it('autoconfOutputRule: only a recipe of a rule for that target, `autoconf -o NAME` with nothing the shell expands', () => {
    expect(autoconfOutputRule('configure.sh', mk(MAKEFILE_IN))).toEqual({ rule: 'Makefile.in', line: 12 });
    expect(autoconfOutputRule('configure.gnu', mk(MAKEFILE_IN))).toBeUndefined();
    expect(autoconfOutputRule('configure.sh', mk('other: configure.ac\n\tautoconf -o configure.sh\n'))).toBeUndefined();
    expect(autoconfOutputRule('configure.sh', mk('configure.sh: configure.ac\n\tautoconf -o $(OUT)\n'))).toBeUndefined();
    expect(autoconfOutputRule('configure.sh', mk('configure.sh: configure.ac\n\tautoconf -o configure.sh; sed -i s/x/y/ configure.sh\n'))).toBeUndefined();
    expect(autoconfOutputRule('configure.sh', mk('configure.sh: configure.ac\n\t@autoconf --output=configure.sh\n'))).toEqual({ rule: 'Makefile.in', line: 2 });
  });

  it('srcdirIncludes: only m4_include lines, one ../ prefix, under a directory the rule names', () => {
    const rule = srcdirAclocalRule(mk(MAKEFILE_IN))!;
    expect(rule).toEqual({ rule: 'Makefile.in', line: 9, dirs: ['m4'] });
    const made = 'x\nm4_include([m4/a.m4])\nm4_include([m4/b.m4])\n';
    expect(srcdirIncludes(made, 'x\nm4_include([../m4/a.m4])\nm4_include([../m4/b.m4])\n', rule)).toEqual({ kind: 'srcdir-includes', args: { prefix: '../', lines: 2, rule: 'Makefile.in', line: 9 } });
    expect(srcdirIncludes(made, made, rule)).toBeUndefined();
    expect(srcdirIncludes(made, 'y\nm4_include([../m4/a.m4])\nm4_include([../m4/b.m4])\n', rule)).toBeUndefined();
    expect(srcdirIncludes(made, 'x\nm4_include([../m4/a.m4])\nm4_include([../../m4/b.m4])\n', rule)).toBeUndefined();
    expect(srcdirIncludes(made, 'x\nm4_include([../m4/a.m4])\nm4_include([../m4/c.m4])\n', rule)).toBeUndefined();
    expect(srcdirIncludes(made, 'x\nm4_include([/tmp/m4/a.m4])\nm4_include([../m4/b.m4])\n', rule)).toBeUndefined();
    expect(srcdirIncludes('m4_include([lib/a.m4])\n', 'm4_include([../lib/a.m4])\n', rule)).toBeUndefined();
    expect(srcdirAclocalRule(mk('aclocal.m4: m4/x.m4\n\taclocal -I m4\n'))).toBeUndefined();
  });
});
