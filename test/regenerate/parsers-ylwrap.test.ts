/**
 * Parsers made through automake's ylwrap, and gnulib's own grammar rule (parser18), end to end and unit:
 * a git repository built here tracks a bison grammar listed in lib/Makefile.am's sources (automake's `.y.c`
 * suffix rule) and a flex scanner with a tracked `$(YLWRAP) $< lex.tp.c $@ -- "$(LEX)" -Ptp` recipe (pcsc-lite's);
 * the release ships the Makefile.in rules, automake's own ylwrap script (the system's /usr/share/automake-1.16/ylwrap)
 * and the outputs that script made (run here, as the maintainer's make runs it: the generator in a temporary
 * directory on the grammar's absolute path, its y.tab.c / lex.tp.c renamed on `#` lines). distdiff replays the
 * call in the sandbox and compares byte for byte; one changed line, or a #line renamed to another file, stays high.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFinding } from '../../src/core/codes.js';
import { gnulibModuleSections } from '../../src/regenerate/generators.js';
import { equalUnder, gnulibGrammarRule, sedLineEdit, ylwrapCalls, ylwrapEdit, ylwrapGuard } from '../../src/regenerate/parsers.js';
import { autotoolsRelease, byPath, editFile, sh } from './release.js';

const YLWRAP = '/usr/share/automake-1.16/ylwrap';

const GETDATE_Y = `%{
int yylex (void);
void yyerror (char const *);
%}
%token tNUM tUNIT
%%
spec: %empty | spec item ;
item: tNUM tUNIT | tNUM ;
%%
void yyerror (char const *s) { (void) s; }
`;

const TOK_L = `%option noyywrap nounput noinput
%%
[a-z]+   { return 1; }
.|\\n     ;
%%
`;

const LIB_AM = 'AM_YFLAGS = -d\nnoinst_LIBRARIES = libgd.a\nlibgd_a_SOURCES = getdate.y getdate.h\n';
const SRC_AM = 'bin_PROGRAMS = tok\ntok_SOURCES = tok.l\ntok.c: tok.l\n\t$(SHELL) $(YLWRAP) $< lex.tp.c $@ -- "$(LEX)" -Ptp $(AM_LFLAGS) $(LFLAGS)\n';
// What automake writes into Makefile.in for these (the lines the classifier reads).
const LIB_IN = 'YLWRAP = $(top_srcdir)/build-aux/ylwrap\nYACCCOMPILE = $(YACC) $(AM_YFLAGS) $(YFLAGS)\n.y.c:\n\t$(AM_V_YACC)$(am__skipyacc) $(SHELL) $(YLWRAP) $< y.tab.c $@ y.tab.h `echo $@ | $(am__yacc_c2h)` y.output $*.output -- $(YACCCOMPILE)\n\nlibgd_a_SOURCES = getdate.y getdate.h\n';
const SRC_IN = 'YLWRAP = $(top_srcdir)/build-aux/ylwrap\ntok.c: tok.l\n\t$(SHELL) $(YLWRAP) $< lex.tp.c $@ -- "$(LEX)" -Ptp $(AM_LFLAGS) $(LFLAGS)\n';

const fixture = autotoolsRelease({
  prefix: 'distdiff-ylwrap-',
  name: 'gd',
  files: { 'README': 'gd\n', 'lib/getdate.y': GETDATE_Y, 'lib/Makefile.am': LIB_AM, 'src/tok.l': TOK_L, 'src/Makefile.am': SRC_AM },
  makeTree: (tree, repoDir) => {
    sh(repoDir, `git archive --format=tar v1.0 | tar -xf - -C '${tree}'`);
    mkdirSync(join(tree, 'build-aux'));
    copyFileSync(YLWRAP, join(tree, 'build-aux/ylwrap'));
    writeFileSync(join(tree, 'lib/Makefile.in'), LIB_IN);
    writeFileSync(join(tree, 'src/Makefile.in'), SRC_IN);
    const run = (dir: string, args: string[]) => execFileSync('/bin/sh', args, { cwd: join(tree, dir), env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    // make's commands, as Makefile.in gives them (YACC='bison -y', as autoconf 2.69's AC_PROG_YACC sets it)
    run('lib', ['../build-aux/ylwrap', 'getdate.y', 'y.tab.c', 'getdate.c', 'y.tab.h', 'getdate.h', 'y.output', 'getdate.output', '--', 'bison', '-y', '-d']);
    run('src', ['../build-aux/ylwrap', 'tok.l', 'lex.tp.c', 'tok.c', '--', 'flex', '-Ptp']);
  },
  timeout: 120_000,
});
const release = () => join(fixture.distDir, fixture.top);

describe('parsers made through ylwrap, replayed', () => {
  it('the fixture is ylwrap output: y.tab.c and lex.tp.c renamed on # lines, include guards too', () => {
    const c = readFileSync(join(release(), 'lib/getdate.c'), 'latin1');
    expect(c).toMatch(/^#line \d+ "getdate\.c"$/m);
    expect(c).toMatch(/^#line \d+ "getdate\.y"$/m);
    expect(c).not.toContain('y.tab.c');
    expect(readFileSync(join(release(), 'lib/getdate.h'), 'latin1')).toContain('YY_YY_GETDATE_H_INCLUDED');
    expect(readFileSync(join(release(), 'src/tok.c'), 'latin1')).toMatch(/^#define yylex tplex$/m);
  });

  it('proves the bison parser and header (automake suffix rule) and the flex scanner (tracked recipe), byte for byte', async () => {
    const r = await fixture.run(fixture.tarball);
    const by = byPath(r.findings);
    expect(by['lib/getdate.c']).toMatchObject({ code: 'GENERATED_PARSER_PROVED', severity: 'info' });
    expect(by['lib/getdate.c']!.evidence).toEqual({
      tool: 'bison',
      version: '3.8.2',
      source: 'lib/getdate.y',
      command: ['bison', '-y', '-d', 'getdate.y'],
      cwd: 'lib',
      flagsFrom: ['lib/Makefile.am'],
      implied: [],
      ylwrap: { script: 'build-aux/ylwrap', rule: 'lib/Makefile.in', listedIn: 'lib/Makefile.am', renames: [['y.tab.c', 'getdate.c'], ['y.tab.h', 'getdate.h'], ['y.output', 'getdate.output']] },
      normalisations: [],
      outputs: ['lib/getdate.c', 'lib/getdate.h'],
    });
    expect(formatFinding(by['lib/getdate.c']!)).toBe(
      'reproduced by bison 3.8.2: `bison -y -d getdate.y` in lib/ (options from lib/Makefile.am); then build-aux/ylwrap\'s rename y.tab.c → getdate.c, y.tab.h → getdate.h, y.output → getdate.output (the automake rule of lib/Makefile.in; the grammar listed in lib/Makefile.am), byte for byte; 2 outputs of the run identical',
    );
    expect(by['lib/getdate.h']!.code).toBe('GENERATED_PARSER_PROVED');
    expect(by['src/tok.c']).toMatchObject({
      code: 'GENERATED_PARSER_PROVED',
      evidence: { tool: 'flex', command: ['flex', '-Ptp', 'tok.l'], cwd: 'src', flagsFrom: ['src/Makefile.am'], normalisations: [], ylwrap: { script: 'build-aux/ylwrap', rule: 'src/Makefile.am', renames: [['lex.tp.c', 'tok.c']] } },
    });
  }, 120_000);

  it('tampered twin: one line of the ylwrap-made parser changed stays GENERATED_PARSER_MISMATCH high', async () => {
    const r = await fixture.run(fixture.tampered((d) => editFile(d, 'lib/getdate.c', (s) => s.replace('(void) s;', 'system (s);'))));
    const f = byPath(r.findings)['lib/getdate.c']!;
    expect(f).toMatchObject({ code: 'GENERATED_PARSER_MISMATCH', severity: 'high', evidence: { tool: 'bison', differingLines: 1, ylwrap: { script: 'build-aux/ylwrap' } } });
    if (f.diff?.kind !== 'text') throw new Error('no text diff');
    expect(f.diff.unified).toMatch(/^\+.*system \(s\);/m);
    expect(byPath(r.findings)['lib/getdate.h']!.code).toBe('GENERATED_PARSER_PROVED');
  }, 120_000);

  it('a #line rewritten to name another file (its __FILE__) is not set aside: high', async () => {
    const r = await fixture.run(fixture.tampered((d) => editFile(d, 'src/tok.c', (s) => s.replace(/^#line (\d+) "tok\.c"$/m, '#line $1 "/etc/passwd"'))));
    expect(byPath(r.findings)['src/tok.c']).toMatchObject({ code: 'GENERATED_PARSER_MISMATCH', severity: 'high' });
  }, 120_000);

  it('without the ylwrap script in the release there is no ylwrap call: the yacc-mode parser does not reproduce', async () => {
    const r = await fixture.run(fixture.tampered((d) => editFile(d, 'lib/Makefile.in', (s) => s.replace('build-aux/ylwrap', 'build-aux/missing-ylwrap'))));
    const f = byPath(r.findings)['lib/getdate.c']!;
    expect(f.code).toBe('GENERATED_PARSER_MISMATCH');
    expect(f.evidence).not.toHaveProperty('ylwrap');
  }, 120_000);
});

describe('ylwrap and gnulib rules read', () => {
  it("edits only # lines, every occurrence, then the include guards, as ylwrap's sed does", () => {
    expect(ylwrapGuard('y.tab.h')).toBe('Y_TAB_H');
    expect(ylwrapGuard('sys-utils/hwclock-parse-date.h')).toBe('SYS_UTILS_HWCLOCK_PARSE_DATE_H');
    const renames: [string, string][] = [['y.tab.c', 'gd.c'], ['y.tab.h', 'gd.h']];
    expect(ylwrapEdit('#line 3 "y.tab.c"\n/* y.tab.c */\n#ifndef YY_YY_Y_TAB_H_INCLUDED\n# include "y.tab.h" /* y.tab.h */\n', renames)).toBe('#line 3 "gd.c"\n/* y.tab.c */\n#ifndef YY_YY_GD_H_INCLUDED\n# include "gd.h" /* gd.h */\n');
  });

  it('finds the call: a tracked $(YLWRAP) recipe for the output, or the suffix rule of a Makefile.in listing the grammar; nothing without a shipped script', () => {
    const tarball = (files: Record<string, string>) => (p: string) => (files[p] === undefined ? undefined : Buffer.from(files[p]!));
    const shipped = { 'lib/Makefile.in': LIB_IN, 'src/Makefile.in': SRC_IN };
    const paths = new Set(['build-aux/ylwrap', 'lib/Makefile.in', 'src/Makefile.in']);
    expect(ylwrapCalls('flex', 'src/tok.l', 'src/tok.c', new Map([['src/Makefile.am', SRC_AM]]), tarball(shipped), paths)).toEqual([
      { script: 'build-aux/ylwrap', rule: 'src/Makefile.am', cwd: 'src', grammarArg: 'tok.l', programs: [['flex']], options: ['-Ptp'], renames: [['lex.tp.c', 'tok.c']] },
    ]);
    expect(ylwrapCalls('bison', 'lib/getdate.y', 'lib/getdate.c', new Map([['lib/Makefile.am', LIB_AM]]), tarball(shipped), paths)).toMatchObject([{ rule: 'lib/Makefile.in', listedIn: 'lib/Makefile.am', cwd: 'lib', grammarArg: 'getdate.y', programs: [['bison', '-y'], ['bison', '-o', 'y.tab.c']] }]);
    // the grammar listed in no tracked .am, the script not shipped, another output name: no call
    expect(ylwrapCalls('bison', 'lib/getdate.y', 'lib/getdate.c', new Map([['lib/Makefile.am', 'noinst_LIBRARIES = libgd.a\n']]), tarball(shipped), paths)).toEqual([]);
    expect(ylwrapCalls('bison', 'lib/getdate.y', 'lib/getdate.c', new Map([['lib/Makefile.am', LIB_AM]]), tarball(shipped), new Set(['lib/Makefile.in']))).toEqual([]);
    expect(ylwrapCalls('bison', 'lib/getdate.y', 'lib/other.c', new Map([['lib/Makefile.am', LIB_AM]]), tarball(shipped), paths)).toEqual([]);
  });

  it('sets #line file names aside only when the shipped name is the grammar or an output of the run', () => {
    const b = (s: string) => Buffer.from(s);
    const own = new Set(['scan.l', 'scan.c']);
    expect(equalUnder(b('#line 2 "lex.yy.c"\nint x;\n'), b('#line 2 "src/scan.c"\nint x;\n'), own)).toEqual(['line-directive-names']);
    expect(equalUnder(b('#line 2 "lex.yy.c"\nint x;\n'), b('#line 2 "evil.c"\nint x;\n'), own)).toBeUndefined();
  });

  const MODULE = `Description:
A date parser.

Files:
lib/when.y
lib/when.h

Makefile.am:
make-when:
\t$(AM_V_YACC)$(WHEN_BISON) -d $(YFLAGS) $(AM_YFLAGS) $(srcdir)/when.y \\
\t&& test ':' = '$(WHEN_BISON)' || { \\
\t  sed -e 's|".*/when\\.y"|"when.y"|' -e 's|"when\\.tab\\.c"|"when.c"|' -e 's|"when\\.tab\\.h"|"when-gen.h"|' \\
\t      < when.tab.c > when.c-t \\
\t  && sed -e 's|"when\\.tab\\.h"|"when-gen.h"|' < when.tab.h > when-gen.h-t \\
\t  && rm -f when.tab.c when.tab.h \\
\t  && mv when.c-t $(srcdir)/when.c && mv when-gen.h-t $(srcdir)/when-gen.h; \\
\t}
when.c: when.y
\t@test -f $(srcdir)/when.c || $(MAKE) make-when
EXTRA_DIST += when.c when-gen.h

Include:
"when.h"
`;

  it("reads a gnulib module's grammar rule: bison's options, and per output the file it renames and its seds", () => {
    const section = gnulibModuleSections(MODULE).get('Makefile.am')!;
    expect(section).toContain('make-when:');
    const rule = gnulibGrammarRule(section, 'when.y')!;
    expect(rule.options).toEqual(['-d']);
    expect([...rule.outputs].map(([o, m]) => [o, m.from, m.scripts.length])).toEqual([
      ['when.c', 'when.tab.c', 3],
      ['when-gen.h', 'when.tab.h', 1],
    ]);
    const edit = sedLineEdit(`s|".*/when\\.y"|"when.y"|`)!;
    expect(edit('#line 1 "./when.y"')).toBe('#line 1 "when.y"');
    expect(edit('#line 1 "./whenxy"')).toBe('#line 1 "./whenxy"');
    // anything else in the recipe, or a sed with a back-reference, is refused
    expect(gnulibGrammarRule(section.replace('rm -f when.tab.c', 'cp evil.c $(srcdir)/when.c && rm -f when.tab.c'), 'when.y')).toBeUndefined();
    expect(sedLineEdit('s|\\(when\\)|\\1|')).toBeUndefined();
    expect(sedLineEdit('s|a|&b|')).toBeUndefined();
  });
});
