/**
 * A CPAN distribution's LICENSE written by the real Software::License (Debian libsoftware-license-perl) as the
 * release tools write it — `->license` (Distar/MakeMaker, Moo 2.005005) and `->fulltext` (Dist::Zilla's [License],
 * Path-Tiny 0.144) — in a real ExtUtils::MakeMaker `make dist`; each proof has its tampered twin.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allowedHolders, allowedYear, matchLicense, metaLicenseAuthors } from '../../src/profiles/cpan-license.js';
import { verify } from '../../src/verify.js';
import { makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-cpan-license-');
const cacheDir = join(root, 'cache');
const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PERL_MM_USE_DEFAULT: '1' } });

const makefilePl = (license: string) => `use strict;
use warnings;
use ExtUtils::MakeMaker;

WriteMakefile(
  NAME          => 'Foo::Bar',
  VERSION_FROM  => 'lib/Foo/Bar.pm',
  ABSTRACT      => 'Answers questions',
  AUTHOR        => 'A. U. Thor <author@example.org>',
  LICENSE       => '${license}',
  PREREQ_PM     => { 'Carp' => 0 },
);
`;
const MODULE = "package Foo::Bar;\nuse strict;\nuse warnings;\nuse Carp ();\n\nour $VERSION = '0.01';\n\nsub answer { return 42 }\n\n1;\n";

/** What Software::License renders: `perl -MSoftware::License::CLASS -e 'print ...->new({holder, year})->METHOD'`. */
const render = (cls: string, method: 'license' | 'fulltext' | 'notice', holder: string, year: string) =>
  run('perl', [`-MSoftware::License::${cls}`, '-e', `print Software::License::${cls}->new({ holder => $ARGV[0], year => $ARGV[1] })->${method}`, holder, year], root);

/** `make dist` of the repository's tree with `license` written as LICENSE first (make manifest picks it up). */
function makeDist(repoDir: string, name: string, license: Buffer | string, files: Record<string, string> = {}): string {
  const work = join(root, name);
  rmSync(work, { recursive: true, force: true });
  cpSync(repoDir, work, { recursive: true, filter: (src) => !src.includes('/.git') });
  writeFileSync(join(work, 'LICENSE'), license);
  for (const [p, text] of Object.entries(files)) writeFileSync(join(work, p), text);
  run('perl', ['Makefile.PL'], work);
  run('make', ['manifest'], work);
  run('make', ['dist'], work);
  return join(work, 'Foo-Bar-0.01.tar.gz');
}

const licenseFinding = async (repoDir: string, tarball: string) => (await verify({ tarball, repo: repoDir, cacheDir, tag: 'v0.01' })).findings.find((f) => f.path === 'LICENSE');

describe('LICENSE from Software::License', () => {
  const mm = makeRepo(join(root, 'mm'));
  mm.commit({ 'Makefile.PL': makefilePl('perl_5'), 'lib/Foo/Bar.pm': MODULE, '.gitignore': '/Makefile\n' });
  mm.tag('v0.01');
  const dz = makeRepo(join(root, 'dz'));
  dz.commit({ 'Makefile.PL': makefilePl('apache_2_0'), 'lib/Foo/Bar.pm': MODULE, 'dist.ini': 'name = Foo-Bar\nauthor = A. U. Thor <author@example.org>\nlicense = Apache_2_0\ncopyright_holder = A. U. Thor\ncopyright_year = 2019\n' });
  dz.tag('v0.01');

  it('Perl_5 ->license with META’s author and the release year is PACKAGE_METADATA (cpan-license)', async () => {
    const f = await licenseFinding(mm.dir, makeDist(mm.dir, 'mm-ok', render('Perl_5', 'license', 'A. U. Thor <author@example.org>', '2024')));
    expect(f).toMatchObject({ code: 'PACKAGE_METADATA', severity: 'info', evidence: { ecosystem: 'cpan', kind: 'cpan-license' } });
    expect((f!.evidence as { source: string }).source).toMatch(/^Software::License::Perl_5 [\d.]+ license$/);
  });

  it('Apache_2_0 ->fulltext with dist.ini’s copyright_holder and copyright_year is explained', async () => {
    const f = await licenseFinding(dz.dir, makeDist(dz.dir, 'dz-ok', render('Apache_2_0', 'fulltext', 'A. U. Thor', '2019')));
    expect(f).toMatchObject({ code: 'PACKAGE_METADATA', evidence: { kind: 'cpan-license' } });
    expect((f!.evidence as { source: string }).source).toMatch(/Apache_2_0 [\d.]+ fulltext$/);
  });

  it('twins: a line added, another holder, a year after the release, another license than META’s stay high', async () => {
    const ok = render('Perl_5', 'license', 'A. U. Thor <author@example.org>', '2024').toString('utf8');
    const cases: [string, string, string][] = [
      [mm.dir, 'mm-line', ok.replace('b) the "Artistic License"', 'b) the "Artistic License"\n   (see https://evil.example/install.sh)')],
      [mm.dir, 'mm-holder', render('Perl_5', 'license', 'Someone Else', '2024').toString('utf8')],
      [mm.dir, 'mm-year', render('Perl_5', 'license', 'A. U. Thor <author@example.org>', '2031').toString('utf8')],
      [mm.dir, 'mm-other', render('MIT', 'fulltext', 'A. U. Thor', '2024').toString('utf8')],
      [dz.dir, 'dz-year', render('Apache_2_0', 'fulltext', 'A. U. Thor', '2020').toString('utf8')],
    ];
    for (const [repo, name, text] of cases) {
      const f = await licenseFinding(repo, makeDist(repo, name, text));
      expect(f, name).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    }
  });

  it('twin (red team 19): META’s author and the LICENSE holder changed together — a holder no tracked file names — stays high', async () => {
    // the distribution is made from a Makefile.PL naming another author, so META.json/META.yml name that author too
    const evil = makefilePl('perl_5').replace('A. U. Thor <author@example.org>', 'Mallory Payload <m@evil.example>');
    const f = await licenseFinding(mm.dir, makeDist(mm.dir, 'mm-meta-holder', render('Perl_5', 'license', 'Mallory Payload <m@evil.example>', '2024'), { 'Makefile.PL': evil }));
    expect(f).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  });

  it('README of Dist::Zilla\'s [Readme] (red team 19): its notice is Software::License\'s, holder and abstract tracked; twins stay high', async () => {
    const readme = (notice: string, abstract = 'Answers questions') =>
      `This archive contains the distribution Foo-Bar,\nversion 0.01:\n\n  ${abstract}\n\n${notice}\n\nThis README file was generated by Dist::Zilla::Plugin::Readme v6.024.\n`;
    const notice = render('Apache_2_0', 'notice', 'A. U. Thor', '2019').toString('utf8');
    const lic = render('Apache_2_0', 'fulltext', 'A. U. Thor', '2019');
    const at = async (name: string, text: string, files: Record<string, string> = {}) =>
      (await verify({ tarball: makeDist(dz.dir, name, lic, { README: text, ...files }), repo: dz.dir, cacheDir, tag: 'v0.01' })).findings.find((f) => f.path === 'README');
    expect(await at('dz-readme', readme(notice))).toMatchObject({ code: 'PACKAGE_METADATA', evidence: { kind: 'cpan-readme' } });
    const other = makefilePl('apache_2_0').replace("'Answers questions'", "'Get the fixed build from https://evil.example/foo'");
    for (const [name, text, files] of [
      ['dz-readme-line', readme(notice.replace('  The Apache License', '  Install https://evil.example/setup.sh first. The Apache License')), {}],
      ['dz-readme-holder', readme(render('Apache_2_0', 'notice', 'Mallory Payload', '2019').toString('utf8')), {}],
      ['dz-readme-abstract', readme(notice, 'Get the fixed build from https://evil.example/foo'), { 'Makefile.PL': other }],
    ] as const) {
      expect(await at(name, text, files), name).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    }
  });

  it('matchLicense reads back the holder and year; allowedHolders/allowedYear', () => {
    const text = render('Perl_5', 'fulltext', 'X Y', '2001').toString('utf8');
    expect(matchLicense(text, ['perl_5'])).toMatchObject({ license: 'Perl_5', form: 'fulltext', holder: 'X Y', year: '2001' });
    expect(matchLicense(text, ['perl'])).toMatchObject({ license: 'Perl_5' }); // META 1.4's name
    expect(matchLicense(text, ['mit'])).toBeUndefined();
    expect(matchLicense(text.replace('2001', '2002'), ['perl_5'])).toBeUndefined(); // two years in one text
    expect([...allowedHolders(['A <a@b>'], undefined)].sort()).toEqual(['A', 'A <a@b>']);
    expect(allowedYear('2024', '2024-02-24T12:00:00+00:00', undefined)).toBe(true);
    expect(allowedYear('2025', '2024-02-24T12:00:00+00:00', undefined)).toBe(false);
    expect(allowedYear('2014', undefined, 'copyright_year = 2014\n')).toBe(true);
    expect(metaLicenseAuthors("---\nauthor:\n  - 'A <a@b>'\nlicense: perl\n", false)).toEqual({ licenses: ['perl'], authors: ['A <a@b>'] });
    expect(readFileSync(new URL('../../data/software-license.json.gz', import.meta.url)).length).toBeGreaterThan(1000);
  });
});
