/**
 * A parser header a tracked rule makes by sed from another output of the same bison run (gen22, gettext 0.21's
 * po-gram-gen2.h: `$(SED) -e 's/yy/po_gram_/g' -e 's/extern /extern DLL_VARIABLE /' $(srcdir)/po-gram-gen.h >
 * po-gram-gen2.h-tmp && mv po-gram-gen2.h-tmp $(srcdir)/po-gram-gen2.h`): when the source output is proved, the rule
 * is evaluated (never run) on its shipped text and the result compared byte for byte → GENERATED_PARSER_PROVED naming
 * the rule (derivedFrom). Twins: one more changed line in the derived header, and the source header tampered (so
 * nothing proves it), both stay high. The release is made by the real bison and the real sed.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFinding } from '../../src/core/codes.js';
import { autotoolsRelease, byPath, editFile, sh } from './release.js';

const GRAM_Y = `%{
int yylex (void);
void yyerror (char const *);
%}
%union {
  int num;
  char *name;
}
%token <num> NUM
%token <name> NAME
%%
items: %empty | items NUM | items NAME ;
%%
`;
const SED = "$(SED) -e 's/yy/gram_/g' -e 's/extern /extern DLL_VARIABLE /' $(srcdir)/gram.h > gram2.h-tmp";
const MAKEFILE_AM = `gram.c gram.h: gram.y
\tbison -d -o gram.c gram.y
gram2.h: gram.h
\t${SED} \\
\t&& mv gram2.h-tmp $(srcdir)/gram2.h
EXTRA_DIST = gram2.h
`;

const fixture = autotoolsRelease({
  prefix: 'distdiff-parsers-derived-',
  name: 'gram',
  files: { README: 'gram\n', 'configure.ac': 'AC_INIT([gram], [1.0])\nAC_OUTPUT\n', 'src/gram.y': GRAM_Y, 'src/Makefile.am': MAKEFILE_AM },
  makeTree: (tree, repoDir) => {
    sh(repoDir, `git archive --format=tar v1.0 | tar -xf - -C '${tree}'`);
    const src = join(tree, 'src');
    execFileSync('bison', ['-d', '-o', 'gram.c', 'gram.y'], { cwd: src, env: { ...process.env, LC_ALL: 'C' } });
    sh(src, "sed -e 's/yy/gram_/g' -e 's/extern /extern DLL_VARIABLE /' ./gram.h > gram2.h-tmp && mv gram2.h-tmp ./gram2.h");
  },
  timeout: 120_000,
});

describe("a header made by the rule's sed from a proved bison output", () => {
  it('proved naming the rule and the run; one more changed line, or its source tampered: high', async () => {
    const r = await fixture.run(fixture.tarball);
    const by = byPath(r.findings);
    expect(by['src/gram.h']).toMatchObject({ code: 'GENERATED_PARSER_PROVED' });
    const f = by['src/gram2.h']!;
    expect(f).toMatchObject({
      code: 'GENERATED_PARSER_PROVED',
      severity: 'info',
      evidence: { tool: 'bison', source: 'src/gram.y', command: ['bison', '-d', '-o', 'gram.c', 'gram.y'], derivedFrom: { file: 'src/gram.h', rule: 'src/Makefile.am', command: `${SED} && mv gram2.h-tmp $(srcdir)/gram2.h` }, outputs: ['src/gram2.h'] },
    });
    expect(formatFinding(f)).toMatch(/^made from src\/gram\.h by the rule of src\/Makefile\.am: `\$\(SED\) -e 's\/yy\/gram_\/g' .* && mv gram2\.h-tmp \$\(srcdir\)\/gram2\.h` \(evaluated, not run, on the shipped src\/gram\.h, byte for byte\), which is reproduced by bison \d+\.\d+(\.\d+)?: `bison -d -o gram\.c gram\.y` in src\//);
    expect(r.verdict).toBe('explained');

    // twin: one more line changed in the derived header (the sed's lines intact)
    const t1 = fixture.tampered((d) => editFile(d, 'src/gram2.h', (s) => s.replace('extern DLL_VARIABLE int gram_debug;', 'extern DLL_VARIABLE int gram_debug;\n#define gram_parse evil_parse')));
    const r1 = await fixture.run(t1);
    expect(byPath(r1.findings)['src/gram2.h']).toMatchObject({ code: 'GENERATED_PARSER_MISMATCH', severity: 'high' });
    expect(r1.verdict).toBe('different');

    // twin: the source header and the derived one both edited alike: gram.h is not proved, so nothing derives gram2.h
    const t2 = fixture.tampered((d) => {
      editFile(d, 'src/gram.h', (s) => s.replace('int yyparse (void);', 'int yyparse (void);\nint yyevil (void);'));
      editFile(d, 'src/gram2.h', (s) => s.replace('int gram_parse (void);', 'int gram_parse (void);\nint gram_evil (void);'));
    });
    const r2 = byPath((await fixture.run(t2)).findings);
    expect(r2['src/gram.h']).toMatchObject({ code: 'GENERATED_PARSER_MISMATCH', severity: 'high' });
    expect(r2['src/gram2.h']).toMatchObject({ code: 'GENERATED_PARSER_MISMATCH', severity: 'high' });
  }, 300_000);
});
