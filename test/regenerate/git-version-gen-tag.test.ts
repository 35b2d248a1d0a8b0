/**
 * A tagless snapshot of a repository whose configure.ac takes its version from gnulib's git-version-gen
 * (`AC_INIT([…], m4_esyscmd([build-aux/git-version-gen .tarball-version]))`, GNU hello 2.10 on gnu-mirror-unofficial's
 * mirror): the maintainer ran autoconf in a checkout of the tag v2.10, the mirror has no tags, so the regeneration's
 * `git describe` found nothing and configure said UNKNOWN. When the user gives the release commit (--commit), the
 * regeneration's own git view gets one lightweight tag at that commit: git-version-gen's tag prefix (its `prefix=`
 * default or the command's --prefix) and the archive's version (src/regenerate/git-view.ts releaseTagName). End to end:
 * a real git repository, the release made by the real autoconf in a checkout of the tag, the tag then deleted from the
 * repository; the twins: a configure claiming another version, and the same release under another version's name.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import { releaseTagName } from '../../src/regenerate/git-view.js';
import { autotoolsRelease, editFile, sh } from './release.js';

// A version script in git-version-gen's shape (written for this test): .tarball-version first, else
// `git describe` of tags with the prefix, else UNKNOWN; the prefix stripped.
const GVG = `#!/bin/sh
prefix=v
case $2 in --prefix) prefix=$3 ;; esac
if test -f "$1"; then
  v=$(cat "$1")
elif test -e .git && v=$(git describe --abbrev=4 --match="$prefix*" HEAD 2>/dev/null); then
  :
else
  v=UNKNOWN
fi
printf %s "$(echo "$v" | sed "s/^$prefix//")"
`;

describe('releaseTagName', () => {
  const read = (p: string) => (p === 'build-aux/git-version-gen' ? GVG : undefined);
  it('is the script\'s prefix (or the command\'s --prefix) and the version', () => {
    expect(releaseTagName(['build-aux/git-version-gen .tarball-version'], read, '2.10')).toBe('v2.10');
    expect(releaseTagName(['./build-aux/git-version-gen .tarball-version'], read, '2.10')).toBe('v2.10');
    expect(releaseTagName(['build-aux/git-version-gen --prefix hello- .tarball-version'], read, '2.10')).toBe('hello-2.10');
    expect(releaseTagName(['build-aux/git-version-gen --prefix=rel_ .tarball-version'], read, '2.10')).toBe('rel_2.10');
  });
  it('is nothing for another script, a script not matching on its prefix, an untracked script or an odd version', () => {
    expect(releaseTagName(['sh ./getver.sh'], (p) => (p === 'getver.sh' ? GVG : undefined), '2.10')).toBeUndefined();
    expect(releaseTagName(['build-aux/git-version-gen .tarball-version'], () => GVG.replace('--match="$prefix*" ', ''), '2.10')).toBeUndefined();
    expect(releaseTagName(['build-aux/git-version-gen .tarball-version'], () => undefined, '2.10')).toBeUndefined();
    expect(releaseTagName(['build-aux/git-version-gen .tarball-version'], read, '2.10;id')).toBeUndefined();
    expect(releaseTagName(['build-aux/git-version-gen --prefix=a/b .tarball-version'], read, '2.10')).toBeUndefined();
  });
});

const fixture = autotoolsRelease({
  prefix: 'distdiff-gvg-tag-',
  name: 'demo',
  files: {
    'configure.ac': 'AC_INIT([demo], m4_esyscmd([build-aux/git-version-gen .tarball-version]), [bugs@example.invalid])\nAC_CONFIG_SRCDIR([demo.c])\nAC_DEFINE([COPYRIGHT_YEAR], [m4_esyscmd([date +%Y])], [year in copyright message])\nAC_OUTPUT\n',
    'build-aux/git-version-gen': { content: GVG, executable: true },
    'demo.c': 'int demo(void) { return 42; }\n',
  },
  // The maintainer's checkout has the tag v1.0: configure says 1.0. No .tarball-version is shipped (hello 2.10).
  // The maintainer ran autoconf in the commit's year (2024, the fixture's dates): `date +%Y` says so, every other
  // date(1) use is the real one.
  build: 'mkdir -p ../fakebin && printf \'#!/bin/sh\\ncase "$1" in +%%Y) echo 2024 ;; *) exec %s "$@" ;; esac\\n\' "$(command -v date)" > ../fakebin/date && chmod +x ../fakebin/date && PATH="$(cd ../fakebin && pwd):$PATH" autoconf && grep -q "COPYRIGHT_YEAR 2024" configure && grep -q "^PACKAGE_VERSION=.1.0.$" configure && mkdir -p demo-1.0/build-aux && cp -p configure configure.ac demo.c demo-1.0/ && cp -p build-aux/git-version-gen demo-1.0/build-aux/ && tar -czf demo-1.0.tar.gz demo-1.0',
  timeout: 120_000,
});
const { tampered, run } = fixture;
const configureOf = (fs: Finding[]) => fs.find((f) => f.path === 'configure')!;
// The snapshot: the same commit, no tag.
beforeAll(() => void sh(fixture.repoDir, `git tag -d ${fixture.tag}`));

describe('a tagless snapshot whose configure.ac asks git-version-gen', () => {
  it('with --commit, the regeneration\'s view has the tag v1.0 at the commit: configure reproduces, the tag named', async () => {
    const r = await run(fixture.tarball, { tag: undefined, commit: fixture.commit });
    const f = configureOf(r.findings);
    if (f.code !== 'GENERATED_BY_AUTOTOOLS' || !f.evidence.proof?.proved || f.evidence.proof.method !== 'regenerated') throw new Error(`configure not proved: ${JSON.stringify(f)}`);
    expect(f.evidence.proof.procedureSteps).toEqual([{ kind: 'git-checkout', args: { commit: fixture.commit, tags: 0, releaseTag: 'v1.0' } }]);
    // COPYRIGHT_YEAR: this run's year regenerated, the commit's year (2024) shipped.
    expect(f.evidence.proof.normalisationSteps).toEqual([{ kind: 'run-year', args: { lines: 1, shipped: '2024', run: String(new Date().getUTCFullYear()), commit: fixture.commit } }]);
    expect(r.verdict).not.toBe('different');
  }, 120_000);

  it('a configure claiming another version, or the release under another version\'s name, still differs (high)', async () => {
    const other = tampered((d) => editFile(d, 'configure', (s) => {
      if (!s.includes("PACKAGE_VERSION='1.0'")) throw new Error('no version in configure');
      return s.replace("PACKAGE_VERSION='1.0'", "PACKAGE_VERSION='1.1'");
    }));
    // The same bytes named demo-1.1: the view's tag is v1.1, and the shipped configure says 1.0 throughout.
    const renamed = join(fixture.root, 'demo-1.1.tar.gz');
    copyFileSync(fixture.tarball, renamed);
    // The year: only the commit's is the maintainer's run; another (an edit of that line) stays.
    const year = tampered((d) => editFile(d, 'configure', (s) => {
      if (!s.includes('COPYRIGHT_YEAR 2024')) throw new Error('no year in configure');
      return s.replace('COPYRIGHT_YEAR 2024', 'COPYRIGHT_YEAR 2023');
    }));
    for (const [tar, line] of [[other, "+PACKAGE_VERSION='1.1'"], [renamed, "+PACKAGE_VERSION='1.0'"], [year, 'COPYRIGHT_YEAR 2023']] as const) {
      const r = await run(tar, { tag: undefined, commit: fixture.commit });
      const f = configureOf(r.findings);
      expect(f.code, tar).toBe('REGENERATION_MISMATCH');
      expect(f.severity).toBe('high');
      if (f.diff?.kind !== 'text') throw new Error('no text diff');
      expect(f.diff.unified).toContain(line);
      expect(r.verdict).toBe('different');
    }
  }, 360_000);

  it('without --commit (the revision found from the archive\'s content, not given) no tag is added: configure says UNKNOWN', async () => {
    const r = await run(fixture.tarball, { tag: undefined });
    expect(r.inputs.revision.commit).toBe(fixture.commit);
    expect(r.inputs.revision.how).not.toBe('commit');
    const f = configureOf(r.findings);
    expect(f).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high', evidence: { procedureSteps: [{ kind: 'git-checkout', args: { commit: fixture.commit, tags: 0 } }] } });
    expect(f.diff?.kind === 'text' && f.diff.unified).toContain("-PACKAGE_VERSION='UNKNOWN'");
  }, 120_000);
});
