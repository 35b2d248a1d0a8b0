/**
 * make-replay of build programs (src/regenerate/make-replay.ts, buildProgram): a C program the makefile makes from
 * tracked sources of its directory and runs at build time to write a shipped file — cyrus-sasl 2.1.28's
 * `md5global.h: makemd5$(BUILD_EXEEXT) Makefile` / `./$< $@` (noinst_PROGRAMS, makemd5_SOURCES), libidn2 2.3.3's
 * `$(MAKE) gendata$(EXEEXT)` / `$(builddir)/gendata$(EXEEXT) < … > $@.new`, nettle 3.8.1's
 * `f="$(srcdir)/\`basename $@\`"; ./desdata$(EXEEXT_FOR_BUILD) $(@F) > $${f}T; test -s $${f}T && mv -f $${f}T $$f`.
 * The program is compiled in the sandbox by distdiff's own line (never the makefile's compile recipe), then the
 * rule is replayed and its output compared byte for byte. The fixture is made by the real autotools (`make dist`
 * builds and runs both programs). Tampered twins: a shipped table that is not the program's output is
 * REGENERATION_MISMATCH (high); a recipe running a program that is no build program stays refused.
 */
import { describe, expect, it } from 'vitest';
import { codeDoc } from '../../src/core/codes.js';
import type { Finding } from '../../src/core/findings.js';
import { buildProgram, checkRecipe, compileLine, staticWord, withCompileLines, type Seg } from '../../src/regenerate/make-replay.js';
import { parseMakefileAm } from '../../src/util/makefile.js';
import { autotoolsRelease, editFile } from './release.js';

const CONFIGURE_AC = `AC_INIT([demo], [1.0], [bugs@example.invalid])
AM_INIT_AUTOMAKE([foreign])
AC_PROG_CC
AC_CONFIG_FILES([Makefile])
AC_OUTPUT
`;
const MAKEFILE_AM = `noinst_PROGRAMS = mksquares
mksquares_SOURCES = mksquares.c squares.h

BUILT_SOURCES = squares-table.h cubes.h
EXTRA_DIST = squares-table.h cubes.h gencubes.c

# cyrus-sasl's include/Makefile.am: the program writes the file it is given
squares-table.h: mksquares$(BUILD_EXEEXT) Makefile
	-rm -f $@
	./$< $@

# nettle's and libidn2's shape: built by $(MAKE), run with a computed output name
gencubes$(EXEEXT): gencubes.c
	$(CC) $< -o $@
cubes.h: gencubes.c
	$(MAKE) gencubes$(EXEEXT)
	f="$(srcdir)/\`basename $@\`"; ./gencubes$(EXEEXT) $(@F) > $\${f}T; test -s $\${f}T && mv -f $\${f}T $$f
`;
const MKSQUARES = `#include <stdio.h>
#include "squares.h"

int main(int argc, char **argv)
{
  FILE *f;
  int i;
  if (argc != 2 || !(f = fopen(argv[1], "w")))
    return 1;
  fprintf(f, "/* squares-table.h: written by mksquares */\\n");
  for (i = 0; i < SQUARES; i++)
    fprintf(f, "#define SQUARE_%d %d\\n", i, i * i);
  return fclose(f) != 0;
}
`;
const GENCUBES = `#include <stdio.h>

int main(int argc, char **argv)
{
  int i;
  printf("/* %s: written by gencubes */\\n", argc > 1 ? argv[1] : "?");
  for (i = 0; i < 6; i++)
    printf("#define CUBE_%d %d\\n", i, i * i * i);
  return 0;
}
`;

const rel = autotoolsRelease({
  prefix: 'distdiff-replay-buildprog-',
  name: 'demo',
  files: {
    'configure.ac': CONFIGURE_AC,
    'Makefile.am': MAKEFILE_AM,
    'mksquares.c': MKSQUARES,
    'squares.h': '#define SQUARES 5\n',
    'gencubes.c': GENCUBES,
  },
});
const at = (fs: Finding[], path: string) => fs.find((f) => f.path === path)!;

describe('build programs compiled and run by a replayed rule', () => {
  it('both tables are MAKE_RULE_REPLAYED, each program compiled by distdiff\'s line; the release is clean', async () => {
    const r = await rel.run(rel.tarball);
    const sq = at(r.findings, 'squares-table.h');
    expect(sq).toMatchObject({ code: 'MAKE_RULE_REPLAYED', severity: 'info', evidence: { file: 'Makefile.am', dir: '' } });
    if (sq.code !== 'MAKE_RULE_REPLAYED') throw new Error('not replayed');
    expect(sq.evidence.commands).toEqual(['cc -o mksquares -I. mksquares.c -lm', 'rm -f squares-table.h', './mksquares squares-table.h']);
    expect(sq.evidence.inputs.map((i) => i.path)).toEqual(['Makefile.am', 'mksquares.c', 'squares.h']);
    expect(sq.evidence.tools.map((t) => t.name)).toEqual(['cc', 'sh']);
    const cu = at(r.findings, 'cubes.h');
    expect(cu).toMatchObject({ code: 'MAKE_RULE_REPLAYED', severity: 'info' });
    if (cu.code !== 'MAKE_RULE_REPLAYED') throw new Error('not replayed');
    expect(cu.evidence.commands).toEqual(['cc -o gencubes -I. gencubes.c -lm', 'f="./`basename cubes.h`"; ./gencubes cubes.h > ${f}T; test -s ${f}T && mv -f ${f}T $f']);
    expect(r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical')).toEqual([]);
  }, 300_000);

  it('a table that is not the program\'s output is REGENERATION_MISMATCH (high), the changed line shown', async () => {
    const r = await rel.run(rel.tampered((d) => editFile(d, 'squares-table.h', (s) => s.replace('#define SQUARE_3 9', '#define SQUARE_3 10'))));
    const f = at(r.findings, 'squares-table.h');
    expect(f).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
    if (f.diff?.kind !== 'text') throw new Error('no text diff');
    expect(f.diff.unified).toContain('+#define SQUARE_3 10');
    expect(at(r.findings, 'cubes.h').code).toBe('MAKE_RULE_REPLAYED');
    expect(r.verdict).toBe('different');
    const r2 = await rel.run(rel.tampered((d) => editFile(d, 'cubes.h', (s) => `${s}#define CUBE_6 216\n`)));
    expect(at(r2.findings, 'cubes.h')).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
  }, 300_000);
});

// pcsc-lite 1.9.9's shape: `$(srcdir)/pcsc-wirecheck-dist.c: pcsc-wirecheck-gen` / `@if test -f $@ ; then touch $@ ;
// else … ./pcsc-wirecheck-gen > $@.tmp ; mv $@.tmp $@ ; fi`, a program that includes a header configure writes (its
// PCSC/pcsclite.h from pcsclite.h.in): the replay tree has tracked files only, so distdiff's compile line fails, and the
// finding says so with the compiler's own line
const wire = autotoolsRelease({
  prefix: 'distdiff-replay-buildprog-wire-',
  name: 'wire',
  files: {
    'configure.ac': CONFIGURE_AC.replace('[demo]', '[wire]').replace('AC_CONFIG_FILES([Makefile])', 'AC_CONFIG_FILES([Makefile wire.h])'),
    'Makefile.am': `noinst_PROGRAMS = mkwire
mkwire_SOURCES = mkwire.c
BUILT_SOURCES = wire-table.h
EXTRA_DIST = wire-table.h

wire-table.h: mkwire$(EXEEXT)
	@if test -f $@ ; then \\
	\techo "touch $@" ; touch $@ ; \\
	else \\
	\t./mkwire > $@.tmp ; mv $@.tmp $@ ; \\
	fi
`,
    'wire.h.in': '#define WIRE_VERSION "@VERSION@"\n',
    'mkwire.c': '#include <stdio.h>\n#include "wire.h"\n\nint main(void)\n{\n  printf("/* wire-table.h */\\n#define WIRE \\"%s\\"\\n", WIRE_VERSION);\n  return 0;\n}\n',
  },
});

describe('a build program that does not compile from the tracked tree alone', () => {
  it('is REGENERATION_MISMATCH (high), not produced, naming the compiler\'s error line', async () => {
    const r = await wire.run(wire.tarball);
    const f = at(r.findings, 'wire-table.h');
    expect(f).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high', evidence: { step: 'make-replay', produced: false, failure: { timedOut: false, exit: 1 } } });
    if (f.code !== 'REGENERATION_MISMATCH') throw new Error('not a mismatch');
    // `touch $@` of the target is allowed (the rule is replayed, not refused); the compile line is distdiff's
    expect(f.evidence.procedureSteps[0]).toMatchObject({ kind: 'make-rule', args: { commands: ['cc -o mkwire -I. mkwire.c -lm', expect.stringContaining('touch wire-table.h')] } });
    expect(codeDoc('REGENERATION_MISMATCH').message(f.evidence)).toMatch(/did not produce this file from the tag's sources: its commands failed \(exit 1\) — mkwire\.c:2:\d+: fatal error: wire\.h: No such file or directory$/);
  }, 300_000);
});

// libidn2 2.3.3's shape: lib/Makefile.am's `AM_CPPFLAGS += -DIDN2_BUILDING -DSRCDIR=\"$(srcdir)\"` and
// `-I$(top_srcdir)/gl`, a generator that opens SRCDIR "/IdnaMappingTable.txt" and is built by the makefile's own
// `$(CC) $(DEFAULT_INCLUDES) $(AM_CPPFLAGS) $(CFLAGS) $< -o $@`, run by `$(MAKE) gentr46map$(EXEEXT)`: distdiff's
// compile line carries the makefile's -D/-I words (a configure value, an option, a path outside the tree dropped)
const flagged = autotoolsRelease({
  prefix: 'distdiff-replay-buildprog-flags-',
  name: 'flags',
  files: {
    'configure.ac': CONFIGURE_AC.replace('[demo]', '[flags]').replace('AC_CONFIG_FILES([Makefile])', 'AC_CONFIG_FILES([Makefile lib/Makefile])'),
    'Makefile.am': 'SUBDIRS = lib\n',
    'include/tabconf.h': '#define TAB_STEP 3\n',
    'lib/Makefile.am': `AM_CPPFLAGS =
AM_CPPFLAGS += -DTAB_BUILDING -DSRCDIR=\\"$(srcdir)\\" $(NOT_DEFINED_HERE)
AM_CPPFLAGS += -I$(top_srcdir)/include -I/usr/include/nowhere -I../../outside -pthread
BUILT_SOURCES = tab_data.c
EXTRA_DIST = table.txt gentab.c tab_data.c

gentab$(EXEEXT): gentab.c
\t$(CC) $(DEFAULT_INCLUDES) $(AM_CPPFLAGS) $(CFLAGS) $< -o $@
tab_data.c: $(srcdir)/gentab.c table.txt
\t$(MAKE) gentab$(EXEEXT)
\t$(builddir)/gentab$(EXEEXT) > $@.new
\tmv $@.new $@
`,
    'lib/table.txt': 'alpha\nbeta\ngamma\n',
    'lib/gentab.c': `#include <stdio.h>
#include <string.h>
#include "tabconf.h"

#ifndef TAB_BUILDING
# error "built without the makefile's flags"
#endif

int main(void)
{
  char line[64];
  int n = 0;
  FILE *f = fopen(SRCDIR "/table.txt", "r");
  if (!f)
    return 1;
  printf("/* tab_data.c: written by gentab */\\n");
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\\n")] = 0;
    printf("const char tab_%d[] = \\"%s\\"; /* %d */\\n", n, line, n * TAB_STEP);
    n++;
  }
  return fclose(f) != 0;
}
`,
  },
});

describe('a build program compiled with the makefile\'s preprocessor flags', () => {
  it('tab_data.c is MAKE_RULE_REPLAYED with the -D/-I words of AM_CPPFLAGS; the release is clean', async () => {
    const r = await flagged.run(flagged.tarball);
    const f = at(r.findings, 'lib/tab_data.c');
    expect(f).toMatchObject({ code: 'MAKE_RULE_REPLAYED', severity: 'info', evidence: { file: 'lib/Makefile.am', dir: 'lib' } });
    if (f.code !== 'MAKE_RULE_REPLAYED') throw new Error('not replayed');
    expect(f.evidence.commands).toEqual(['cc -o gentab -I. -I.. -DTAB_BUILDING -DSRCDIR=\\".\\" -I../include gentab.c -lm', './gentab > tab_data.c.new', 'mv tab_data.c.new tab_data.c']);
    expect(r.findings.filter((x) => x.severity === 'high' || x.severity === 'critical')).toEqual([]);
  }, 300_000);

  it('a table the program did not write is REGENERATION_MISMATCH (high)', async () => {
    const r = await flagged.run(flagged.tampered((d) => editFile(d, 'lib/tab_data.c', (s) => s.replace('"beta"', '"bete"'))));
    expect(at(r.findings, 'lib/tab_data.c')).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
  }, 300_000);
});

describe('what a build program is', () => {
  const am = parseMakefileAm('Makefile.am', (f) => (f === 'Makefile.am' ? MAKEFILE_AM : undefined));
  const tracked = (p: string) => ['Makefile.am', 'mksquares.c', 'squares.h', 'gencubes.c'].includes(p);
  it('automake NAME_SOURCES of a listed program, else the tracked NAME.c; nothing else', () => {
    expect(buildProgram(am, 'mksquares', tracked, new Map())).toEqual({ name: 'mksquares', sources: ['mksquares.c', 'squares.h'] });
    expect(buildProgram(am, 'gencubes', tracked, new Map())).toEqual({ name: 'gencubes', sources: ['gencubes.c'] });
    // no tracked source, a source outside the directory, a tracked file of that name, a path
    expect(buildProgram(am, 'other', tracked, new Map())).toBeUndefined();
    expect(buildProgram(am, 'mksquares', (p) => p !== 'squares.h' && tracked(p), new Map())).toBeUndefined();
    expect(buildProgram(am, 'gencubes', (p) => p === 'gencubes' || tracked(p), new Map())).toBeUndefined();
    expect(buildProgram(am, '../gencubes', tracked, new Map())).toBeUndefined();
    const am2 = parseMakefileAm('Makefile.am', () => 'noinst_PROGRAMS = gen\ngen_SOURCES = ../lib/gen.c\n');
    expect(buildProgram(am2, 'gen', () => true, new Map())).toBeUndefined();
    // a rule naming the program with another C source: more than its sources
    const am3 = parseMakefileAm('Makefile.am', () => 'gen$(EXEEXT_FOR_BUILD): gen.c gen-help.c gen-help.h\n\t$(CC_FOR_BUILD) -o $@ gen.c gen-help.c\nother$(EXEEXT): other.c\n\t$(CC) $< -o $@\n');
    const values = new Map([['EXEEXT', ''], ['EXEEXT_FOR_BUILD', '']]);
    expect(buildProgram(am3, 'gen', () => true, values)).toBeUndefined();
    expect(buildProgram(am3, 'other', (p) => p !== 'other', values)).toEqual({ name: 'other', sources: ['other.c'] });
    expect(compileLine({ name: 'gen', sources: ['gen.c', 'gen.h', 'help.c'] }, '..')).toBe('cc -o gen -I. -I.. gen.c help.c -lm');
  });
  it('its flags: INCLUDES, then NAME_CPPFLAGS else AM_CPPFLAGS, only literal -D/-U and -I inside the tree', () => {
    const values = new Map([['srcdir', '.'], ['top_srcdir', '..'], ['top_builddir', '..']]);
    const text = [
      'INCLUDES = -I$(top_builddir)/gl',
      'AM_CPPFLAGS = -DBUILDING -DSRCDIR=\\"$(srcdir)\\" -DLEVEL=2 -UNDEBUG $(WARN_CPPFLAGS) -I$(top_srcdir)/include -I/usr/include -I../../up',
      'AM_CPPFLAGS += -DCMD=`id` -DX=$$HOME -D\\"Q\\" -I$(srcdir)/sub -Isub/../../lib -Isub/../../../out -DPATH=\\"a b\\" -include x.h',
      'own_CPPFLAGS = -DOWN',
    ].join('\n');
    const am = parseMakefileAm('lib/Makefile.am', () => text);
    const sources = (p: string) => p.endsWith('.c');
    expect(buildProgram(am, 'gen', sources, values)).toEqual({
      name: 'gen',
      sources: ['gen.c'],
      flags: ['-I../gl', '-DBUILDING', '-DSRCDIR=\\".\\"', '-DLEVEL=2', '-UNDEBUG', '-I../include', '-I./sub', '-Isub/../../lib'],
    });
    // a per-program NAME_CPPFLAGS replaces AM_CPPFLAGS (INCLUDES stays)
    expect(buildProgram(am, 'own', sources, values)?.flags).toEqual(['-I../gl', '-DOWN']);
    expect(compileLine({ name: 'gen', sources: ['gen.c'], flags: ['-DA', '-I../include'] }, '..')).toBe('cc -o gen -I. -I.. -DA -I../include gen.c -lm');
    // nothing kept: no flags key
    expect(buildProgram(parseMakefileAm('Makefile.am', () => 'AM_CPPFLAGS = $(FOO) -pthread\n'), 'gen', sources, values)).toEqual({ name: 'gen', sources: ['gen.c'] });
    // a variable make cannot expand: no flags rather than a guess
    expect(buildProgram(parseMakefileAm('Makefile.am', () => 'AM_CPPFLAGS = -DA $(shell id)\n'), 'gen', sources, values)).toEqual({ name: 'gen', sources: ['gen.c'] });
  });
  it('the recipe may run or make a build program; any other program stays refused', () => {
    const isProgram = (n: string) => n === 'gencubes';
    expect(checkRecipe(['make gencubes', './gencubes cubes.h > cubes.hT', 'mv -f cubes.hT cubes.h'], 'cubes.h', () => undefined, { isProgram })).toEqual({ tools: new Set(['cc']), asksGit: false, programs: new Set(['gencubes']) });
    expect(checkRecipe(['./other cubes.h > cubes.h'], 'cubes.h', () => undefined, { isProgram })).toEqual({ kind: 'command', args: { command: './other' } });
    expect(checkRecipe(['make install'], 'cubes.h', () => undefined, { isProgram })).toEqual({ kind: 'command', args: { command: 'make' } });
    // the program's output still goes to the target only
    expect(checkRecipe(['./gencubes > ../elsewhere.h'], 'cubes.h', () => undefined, { isProgram })).toEqual({ kind: 'redirect', args: { target: '../elsewhere.h' } });
    // without isProgram (every caller before build programs): refused
    expect(checkRecipe(['./gencubes > cubes.h'], 'cubes.h', () => undefined)).toEqual({ kind: 'command', args: { command: './gencubes' } });
  });
  it('a variable the line assigned a static value names the redirection; a conditional assignment does not', () => {
    const seg = (text: string): Seg => ({ text, quoted: false });
    expect(staticWord([seg('./'), { sub: 'basename cubes.h', quoted: true }], new Map())).toBe('./cubes.h');
    expect(staticWord([{ var: 'f', quoted: false }, seg('T')], new Map([['f', './cubes.h']]))).toBe('./cubes.hT');
    expect(staticWord([{ sub: 'cat name', quoted: false }], new Map())).toBeUndefined();
    expect(checkRecipe(['f="./`basename cubes.h`"; echo x > ${f}T; mv -f ${f}T $f'], 'cubes.h', () => undefined)).toEqual({ tools: new Set(['basename']), asksGit: false });
    expect(checkRecipe(['f=cubes.h; true || f=../x.h; echo x > $f'], 'cubes.h', () => undefined)).toEqual({ kind: 'redirect', args: { target: '$' } });
    expect(checkRecipe(['f="`cat name`"; echo x > $f'], 'cubes.h', () => undefined)).toEqual({ kind: 'command', args: { command: 'f=`…`' } });
  });
  it('a `make NAME` line is replaced by the compile line; a program run without one is compiled first', () => {
    const p = { name: 'gen', sources: ['gen.c'] };
    expect(withCompileLines(['make gen', './gen > t.h'], [p], '.')).toEqual(['cc -o gen -I. gen.c -lm', './gen > t.h']);
    expect(withCompileLines(['./gen t.h'], [p], '.')).toEqual(['cc -o gen -I. gen.c -lm', './gen t.h']);
    expect(withCompileLines(['test -f gen || make gen; ./gen > t.h'], [p], '.')).toEqual(['test -f gen || cc -o gen -I. gen.c -lm; ./gen > t.h']);
  });
});
