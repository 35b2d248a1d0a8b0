/**
 * OpenBSD's yacc as a toolchain built from its own repository (`distdiff toolchain add --git REPO --version 1.9 --rev
 * COMMIT`; the portable OpenBSD yacc, github.com/ibara/yacc): tmux writes its cmd-parse.c with it, `#define YYBYACC 1`,
 * YYMAJOR 1, YYMINOR 9 and no YYPATCH — not the system's byacc (Thomas Dickey's, 2.0 YYYYMMDD). Built in the sandbox,
 * it proves a parser it wrote (GENERATED_PARSER_PROVED naming the toolchain); one changed line under the same 1.9
 * defines is a high mismatch; the same release without the toolchain is unexplained (high), naming the command. Nothing
 * is mocked: the parser is what the built yacc writes from the tracked grammar, the release a real tarball.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFinding } from '../../src/core/codes.js';
import { namedVersion } from '../../src/regenerate/parsers.js';
import { byaccBuildSteps, byaccTreeVersion } from '../../src/regenerate/toolchain-git.js';
import { CLI } from '../hostile/helpers.js';
import { autotoolsRelease, byPath, sh } from './release.js';

const CMD_Y = `%{
#include <stdlib.h>
int yylex(void);
void yyerror(const char *);
%}
%token NUMBER
%%
list	: /* empty */
	| list expr '\\n'	{ exit($2 != 0); }
	;
expr	: NUMBER		{ $$ = $1; }
	| expr '+' NUMBER	{ $$ = $1 + $3; }
	;
%%
`;

const MAKEFILE = `YACC = yacc
cmd.c: cmd.y
\t$(YACC) -o cmd.c cmd.y
`;

const fixture = autotoolsRelease({
  prefix: 'distdiff-parser-byacc-',
  name: 'cmd',
  files: { README: 'cmd\n', 'src/cmd.y': CMD_Y, 'src/Makefile': MAKEFILE },
  // the release tree: the tag's files; the parser is written per test by the yacc under test
  makeTree: (tree, repoDir) => {
    sh(repoDir, `git archive --format=tar v1.0 | tar -xf - -C '${tree}'`);
  },
  timeout: 120_000,
});

describe('Berkeley yacc toolchains (pure)', () => {
  it("the version is skeleton.c's YYMAJOR.YYMINOR (and a literal YYPATCH) under #define YYBYACC 1; the build: configure, make, the program copied as byacc", () => {
    const openbsd = 'const char *const banner[] = {\n\t"#include <stdlib.h>",\n\t"#define YYBYACC 1",\n\t"#define YYMAJOR 1",\n\t"#define YYMINOR 9",\n\t"#define YYLEX yylex()",\n\t0\n};\n';
    expect(byaccTreeVersion(openbsd)).toBe('1.9');
    expect(byaccTreeVersion(openbsd.replace('"#define YYLEX', '"#define YYPATCH 20140715",\n\t"#define YYLEX'))).toBe('1.9 20140715');
    // not a yacc skeleton, or no literal version
    expect(byaccTreeVersion(openbsd.replace('YYBYACC', 'YYBISON'))).toBeUndefined();
    expect(byaccTreeVersion(openbsd.replace('"#define YYMINOR 9",', '"#define YYMINOR " MINOR,'))).toBeUndefined();
    expect(byaccBuildSteps(true, '/p')).toEqual([
      './configure',
      'make',
      `mkdir -p '/p/bin' && for p in oyacc yacc byacc; do if test -f "$p" && test -x "$p"; then cp "$p" '/p/bin/byacc' && break; fi; done && test -x '/p/bin/byacc' && ln -sf byacc '/p/bin/yacc'`,
    ]);
    expect(byaccBuildSteps(false, '/p')[0]).toBe('make');
  });
});

// The portable OpenBSD yacc's repository (the evaluation mirror; scripts/evaluate-toolchains.tsv builds it from there).
const YACC_REPO = '/work/.mirror/ibara+yacc/repo';
const REV = '84fb35c';
if (!existsSync(YACC_REPO)) {
  process.stderr.write(`\n*** SKIPPED (loudly): test/regenerate/parsers-toolchain-byacc.test.ts "OpenBSD yacc built from its repository" needs\n*** the portable OpenBSD yacc's git repository at ${YACC_REPO} (fetch github:ibara/yacc, as scripts/evaluate-toolchains.tsv does);\n*** without it the byacc toolchain build is not exercised in this run.\n\n`);
}

describe('OpenBSD yacc 1.9 built from its repository proves what it wrote', () => {
  it.skipIf(!existsSync(YACC_REPO))('proved with the toolchain (named in the evidence); one changed line under the 1.9 defines: high mismatch; without the toolchain: high, naming the command', async () => {
    const cacheTc = join(fixture.root, 'cache-tc');
    const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 600_000 });
    // the tree's skeleton.c says 1.9: another version at that revision is refused (exit 2), nothing built
    const wrong = cli(['toolchain', 'add', '--git', YACC_REPO, '--version', '2.0', '--rev', REV, '--cache-dir', cacheTc]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('is a Berkeley yacc writing YYMAJOR.YYMINOR 1.9 (skeleton.c), not 2.0');
    const built = cli(['toolchain', 'add', '--git', YACC_REPO, '--version', '1.9', '--rev', REV, '--cache-dir', cacheTc]);
    expect(built.stderr).toBe('');
    expect(built.status).toBe(0);
    const commit = sh(YACC_REPO, `git rev-parse ${REV}^{commit}`).toString().trim();
    const prefix = join(cacheTc, 'toolchains', `byacc-1.9-${commit.slice(0, 12)}`);
    expect(built.stdout).toContain(`built: byacc 1.9 in ${prefix} from ${YACC_REPO} ${commit} (revision ${REV};`);
    const manifest = JSON.parse(readFileSync(join(prefix, 'distdiff-toolchain.json'), 'utf8')) as { name: string; git: { steps: string[] } };
    expect(manifest.name).toBe('byacc');
    expect(manifest.git.steps.at(-1)).toBe('check: the parser it writes says #define YYBYACC 1 and YYMAJOR.YYMINOR 1.9');

    // the maintainer's run with OpenBSD's yacc, as the tracked rule says
    const made = spawnSync(join(prefix, 'bin', 'byacc'), ['-o', 'cmd.c', 'cmd.y'], { cwd: join(fixture.repoDir, 'src'), env: { LC_ALL: 'C' } });
    expect(made.status).toBe(0);
    const parser = readFileSync(join(fixture.repoDir, 'src', 'cmd.c'), 'latin1');
    rmSync(join(fixture.repoDir, 'src', 'cmd.c'));
    expect(namedVersion('byacc', parser)).toBe('1.9');
    const withParser = (text: string) => fixture.tampered((d) => writeFileSync(join(d, 'src', 'cmd.c'), text, 'latin1'));

    const proved = byPath((await fixture.run(withParser(parser), { cacheDir: cacheTc })).findings)['src/cmd.c']!;
    expect(proved).toMatchObject({ code: 'GENERATED_PARSER_PROVED', severity: 'info', evidence: { tool: 'byacc', version: '1.9', command: ['byacc', '-o', 'cmd.c', 'cmd.y'], normalisations: [], toolchain: { name: `byacc-1.9-${commit.slice(0, 12)}`, repo: YACC_REPO, commit, revision: `revision ${REV}` } } });
    expect(formatFinding(proved)).toContain(`reproduced by byacc 1.9 built from ${YACC_REPO} ${commit.slice(0, 12)} (revision ${REV}; toolchain byacc-1.9-${commit.slice(0, 12)}): \`byacc -o cmd.c cmd.y\` in src/`);

    // tampered twin: one line changed under the same 1.9 defines
    const twin = parser.replace('{ yyval = yyvsp[-2] + yyvsp[0]; }', '{ yyval = yyvsp[-2] - yyvsp[0]; }');
    expect(twin).not.toBe(parser);
    const r2 = await fixture.run(withParser(twin), { cacheDir: cacheTc });
    expect(byPath(r2.findings)['src/cmd.c']).toMatchObject({ code: 'GENERATED_PARSER_MISMATCH', severity: 'high', evidence: { tool: 'byacc', version: '1.9', differingLines: 1, toolchain: { name: `byacc-1.9-${commit.slice(0, 12)}` } } });
    expect(r2.verdict).toBe('different');

    // the same releases without the toolchain (the fixture's own cache): the system's byacc is Thomas Dickey's 2.0, so
    // neither is explained, each says what proves it
    for (const text of [parser, twin]) {
      const f = byPath((await fixture.run(withParser(text))).findings)['src/cmd.c']!;
      expect(f).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { parserProof: { tool: 'byacc', wanted: '1.9', source: 'src/cmd.y' } } });
      expect(formatFinding(f)).toContain("(OpenBSD's yacc: add it: distdiff toolchain add --git https://github.com/ibara/yacc.git --version 1.9 --rev COMMIT)");
    }
  }, 900_000);
});
