/**
 * Parser generators of the version an output names, built from the tool's own git tag (`distdiff toolchain add --git
 * REPO --version V`): flex 2.6.0 from westes/flex's tag v2.6.0, built in the sandbox, proves a scanner it made
 * (GENERATED_PARSER_PROVED naming the toolchain); one changed line under that 2.6.0 banner is a high mismatch; the same
 * release without the toolchain is unexplained (high), naming the command that adds it. Nothing is mocked: the
 * scanner is what the built flex 2.6.0 writes from the tracked grammar, the release a real tarball.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFinding } from '../../src/core/codes.js';
import { namedVersion } from '../../src/regenerate/parsers.js';
import { gitBuildSteps, gnulibOldStdio, parserToolBuildSteps, STDIO_COMPAT_CPPFLAGS } from '../../src/regenerate/toolchain-git.js';
import { CLI } from '../hostile/helpers.js';
import { autotoolsRelease, byPath, editFile, sh } from './release.js';

const SCAN_L = `%option noyywrap nounput noinput
%{
#include <stdlib.h>
%}
%%
[0-9]+   { return atoi (yytext); }
[ \\t\\n]+ ;
.        { return -1; }
%%
`;

const MAKEFILE = `scan.c: scan.l
\tflex -o scan.c scan.l
`;

const fixture = autotoolsRelease({
  prefix: 'distdiff-parser-toolchain-',
  name: 'num',
  files: { README: 'num\n', 'src/scan.l': SCAN_L, 'src/Makefile': MAKEFILE },
  // the release tree: the tag's files; the scanner is written per test by the flex under test
  makeTree: (tree, repoDir) => {
    sh(repoDir, `git archive --format=tar v1.0 | tar -xf - -C '${tree}'`);
    execFileSync('flex', ['-o', 'scan.c', 'scan.l'], { cwd: join(tree, 'src'), env: { ...process.env, LC_ALL: 'C' } });
  },
  timeout: 120_000,
});

describe('bison and flex build steps (pure)', () => {
  it('automake from git without help2man: the installed docs are left out with the man pages (amhello-1.0.tar.gz ran the in-tree aclocal before lib/Automake/Config.pm existed)', () => {
    const { steps, skipped } = gitBuildSteps({ hasBootstrap: true, bootstrapText: 'autoreconf\n', bootstrapName: 'bootstrap.sh' }, '/p', { help2man: false, makeinfo: true });
    expect(steps).toEqual(['sh ./bootstrap.sh', "./configure --prefix='/p'", 'make -j2 MANS= man_MANS= dist_man_MANS= man1_MANS= dist_man1_MANS= dist_doc_DATA=', 'make install MANS= man_MANS= dist_man_MANS= man1_MANS= dist_man1_MANS= dist_doc_DATA=']);
    expect(skipped).toEqual([{ part: 'man-pages', missing: 'help2man' }]);
    // with help2man the man pages make Config.pm first: nothing is left out
    expect(gitBuildSteps({ hasBootstrap: true, bootstrapText: 'autoreconf\n', bootstrapName: 'bootstrap.sh' }, '/p', { help2man: true, makeinfo: true }).steps[2]).toBe('make -j2');
  });
  it('bison: its own bootstrap with the pinned gnulib, no git, no translations fetched; flex: autogen.sh, then lib/ and src/ only', () => {
    expect(parserToolBuildSteps('bison', { hasAutogen: false, hasLib: true }, '/p', { help2man: false, makeinfo: true })).toEqual({
      steps: ['sh ./bootstrap --no-git --skip-po --gnulib-srcdir=gnulib', "./configure --prefix='/p'", 'make -j2 MANS= man_MANS= dist_man_MANS= man1_MANS= dist_man1_MANS= dist_doc_DATA=', 'make install MANS= man_MANS= dist_man_MANS= man1_MANS= dist_man1_MANS= dist_doc_DATA='],
      skipped: [{ part: 'man-pages', missing: 'help2man' }],
    });
    // a gnulib older than glibc 2.28 (bison 3.0.4, 2.7): configure gets the compatibility flags, nothing else changes
    const old = parserToolBuildSteps('bison', { hasAutogen: false, hasLib: true, oldStdio: true }, '/p', { help2man: true, makeinfo: true }).steps;
    expect(old[1]).toBe(`./configure --prefix='/p' CPPFLAGS='${STDIO_COMPAT_CPPFLAGS}'`);
    expect(old.filter((_, i) => i !== 1)).toEqual(parserToolBuildSteps('bison', { hasAutogen: false, hasLib: true }, '/p', { help2man: true, makeinfo: true }).steps.filter((_, i) => i !== 1));
    expect(parserToolBuildSteps('flex', { hasAutogen: true, hasLib: true }, '/p', { help2man: false, makeinfo: false })).toEqual({
      steps: ['sh ./autogen.sh', "./configure --prefix='/p'", 'make -C lib', 'make -C src -j2', 'make -C src install'],
      skipped: [],
    });
  });
});

describe('a gnulib older than glibc 2.28 (pure)', () => {
  it("its stdio modules test `defined _IO_ftrylockfile` and none `defined _IO_EOF_SEEN`; gnulib's 2018 port tests both", () => {
    // gnulib 2015 (bison 3.0.4's pin): fseterr.c, and fseeko.c clearing the flag (no test of it)
    const fseterr2015 = '#if defined _IO_ftrylockfile || __GNU_LIBRARY__ == 1 /* GNU libc, BeOS, Haiku, Linux libc5 */\n  fp->_flags |= _IO_ERR_SEEN;\n';
    const fseeko2015 = '#if defined _IO_ftrylockfile || __GNU_LIBRARY__ == 1\n  fp->_flags &= ~_IO_EOF_SEEN;\n';
    expect(gnulibOldStdio([fseterr2015, fseeko2015])).toBe(true);
    // after the port
    expect(gnulibOldStdio([fseterr2015.replace('#if defined _IO_ftrylockfile', '#if defined _IO_EOF_SEEN || defined _IO_ftrylockfile'), fseeko2015])).toBe(false);
    // no stdio module at all
    expect(gnulibOldStdio(['#include <stdio.h>\n'])).toBe(false);
  });
});

// flex's own repository (the evaluation mirror; scripts/evaluate-toolchains.tsv builds flex 2.6.0 from it).
const FLEX_REPO = '/work/.mirror/westes+flex/repo';
if (!existsSync(FLEX_REPO)) {
  process.stderr.write(`\n*** SKIPPED (loudly): test/regenerate/parsers-toolchain.test.ts "flex 2.6.0 built from its tag" needs flex's git\n*** repository at ${FLEX_REPO} (fetch github:westes/flex, as scripts/evaluate-toolchains.tsv does);\n*** without it the flex toolchain build is not exercised in this run.\n\n`);
}

describe('flex 2.6.0 built from its tag proves what it wrote', () => {
  it.skipIf(!existsSync(FLEX_REPO))('proved with the toolchain (named in the evidence); one changed line under the 2.6.0 banner: high mismatch; without the toolchain: high, naming the command', async () => {
    const cacheTc = join(fixture.root, 'cache-tc');
    const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 1_200_000 });
    // the tag's tree says 2.6.0: another version at that revision is refused (exit 2), nothing built
    const wrong = cli(['toolchain', 'add', '--git', FLEX_REPO, '--version', '2.6.1', '--rev', 'v2.6.0', '--cache-dir', cacheTc]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('has version 2.6.0 in its configure.ac, not 2.6.1');
    const built = cli(['toolchain', 'add', '--git', FLEX_REPO, '--version', '2.6.0', '--cache-dir', cacheTc]);
    expect(built.stderr).toBe('');
    expect(built.status).toBe(0);
    const prefix = join(cacheTc, 'toolchains', 'flex-2.6.0');
    expect(built.stdout).toContain(`built: flex 2.6.0 in ${prefix} from ${FLEX_REPO}`);
    expect(built.stdout).toContain('(tag v2.6.0;');
    const manifest = JSON.parse(readFileSync(join(prefix, 'distdiff-toolchain.json'), 'utf8')) as { name: string; git: { steps: string[] } };
    expect(manifest.name).toBe('flex');
    expect(manifest.git.steps.at(-1)).toBe('check: flex --version prints 2.6.0; the scanner it writes defines YY_FLEX_MAJOR/MINOR/SUBMINOR_VERSION as 2.6.0');

    // the maintainer's run with flex 2.6.0, as the tracked rule says
    const made = spawnSync(join(prefix, 'bin', 'flex'), ['-o', 'scan.c', 'scan.l'], { cwd: join(fixture.repoDir, 'src'), env: { LC_ALL: 'C' } });
    expect(made.status).toBe(0);
    const scan = readFileSync(join(fixture.repoDir, 'src', 'scan.c'), 'latin1');
    execFileSync('rm', ['-f', join(fixture.repoDir, 'src', 'scan.c')]);
    expect(namedVersion('flex', scan)).toBe('2.6.0');
    const withScan = (text: string) => fixture.tampered((d) => editFile(d, 'src/scan.c', () => text));

    const proved = byPath((await fixture.run(withScan(scan), { cacheDir: cacheTc })).findings)['src/scan.c']!;
    expect(proved).toMatchObject({ code: 'GENERATED_PARSER_PROVED', severity: 'info', evidence: { tool: 'flex', version: '2.6.0', command: ['flex', '-o', 'scan.c', 'scan.l'], normalisations: [], toolchain: { name: 'flex-2.6.0', repo: FLEX_REPO, revision: 'tag v2.6.0' } } });
    expect(formatFinding(proved)).toMatch(/^reproduced by flex 2\.6\.0 built from \/work\/\.mirror\/westes\+flex\/repo [0-9a-f]{12} \(tag v2\.6\.0; toolchain flex-2\.6\.0\): `flex -o scan\.c scan\.l` in src\//);

    // tampered twin: one line changed under the same 2.6.0 banner
    const twin = scan.replace('return atoi (yytext);', 'return atoi (yytext) + 1;');
    expect(twin).not.toBe(scan);
    const r2 = await fixture.run(withScan(twin), { cacheDir: cacheTc });
    expect(byPath(r2.findings)['src/scan.c']).toMatchObject({ code: 'GENERATED_PARSER_MISMATCH', severity: 'high', evidence: { tool: 'flex', version: '2.6.0', differingLines: 1, toolchain: { name: 'flex-2.6.0' } } });
    expect(r2.verdict).toBe('different');

    // the same releases without the toolchain (the fixture's own cache): neither is explained, each says what proves it
    for (const text of [scan, twin]) {
      const f = byPath((await fixture.run(withScan(text))).findings)['src/scan.c']!;
      expect(f).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { parserProof: { why: 'version-unavailable', tool: 'flex', wanted: '2.6.0', source: 'src/scan.l' } } });
      expect(formatFinding(f)).toContain('(add it: distdiff toolchain add --git https://github.com/westes/flex.git --version 2.6.0)');
    }
  }, 1_500_000);
});
