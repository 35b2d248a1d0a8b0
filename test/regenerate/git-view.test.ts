/**
 * A configure.ac that asks git for its version while autoconf expands it (GnuPG's `./autogen.sh --find-version`:
 * `git describe` in a checkout, "X.Y-unknown" outside one), end to end: a real git repository, the release made by
 * the real autoconf in a checkout of the tag (the maintainer's process), then distdiff. The generators see a
 * read-only git checkout of the tag (src/regenerate/git-view.ts), so configure reproduces byte for byte and the
 * evidence names the checkout; a tampered configure whose version the tag's git does not give still differs.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import { esyscmdAsksGit } from '../../src/regenerate/git-view.js';
import { esyscmdWrites } from '../../src/regenerate/regenerate.js';
import { autotoolsRelease, editFile } from './release.js';

// The version and the revision come from git when .git exists, as in GnuPG's autogen.sh.
const GETVER = `#!/bin/sh
if test -e .git; then
  v=$(git describe --match 'v[0-9]*' --long 2>/dev/null | sed -e 's/^v//' -e 's/-0-g[0-9a-f]*$//')
  r=$(git rev-parse --short HEAD)
fi
echo "\${v:-1.0-unknown}:\${r:-0000000}:"
`;
const CONFIGURE_AC = `m4_define([demo_verslist], m4_split(m4_esyscmd([sh ./getver.sh]), [:]))
m4_esyscmd([echo ]m4_argn(1, demo_verslist)[ ]m4_argn(2, demo_verslist)[ >VERSION])
AC_INIT([demo], m4_argn(1, demo_verslist), [bugs@example.invalid])
AC_CONFIG_SRCDIR([demo.c])
BUILD_REVISION="m4_argn(2, demo_verslist)"
AC_SUBST([BUILD_REVISION])
AC_OUTPUT
`;

const fixture = autotoolsRelease({
  prefix: 'distdiff-gitview-',
  name: 'demo',
  files: { 'configure.ac': CONFIGURE_AC, 'getver.sh': GETVER, 'demo.c': 'int demo(void) { return 42; }\n' },
  build: 'autoconf && mkdir demo-1.0 && cp -p VERSION configure configure.ac getver.sh demo.c demo-1.0/ && tar -czf demo-1.0.tar.gz demo-1.0',
  timeout: 120_000,
});

const { tampered, run } = fixture;
const configureOf = (fs: Finding[]) => fs.find((f) => f.path === 'configure')!;

describe('a git checkout for configure.ac esyscmd that asks git', () => {
  it('the release (version and revision from git describe) reproduces, with the checkout named in the procedure', async () => {
    const r = await run(fixture.tarball);
    const f = configureOf(r.findings);
    expect(f.code).toBe('GENERATED_BY_AUTOTOOLS');
    if (f.code !== 'GENERATED_BY_AUTOTOOLS' || !f.evidence.proof?.proved || f.evidence.proof.method !== 'regenerated') throw new Error('configure not proved');
    expect(f.evidence.proof.procedureSteps).toEqual([{ kind: 'git-checkout', args: { commit: fixture.commit, tags: 1 } }]);
    expect(f.evidence.proof.normalisationSteps).toEqual([]);
    // VERSION, which configure.ac's esyscmd writes while autoconf runs (libgpg-error's `echo … >VERSION`): made and compared too.
    const v = r.findings.find((x) => x.path === 'VERSION')!;
    expect(v).toMatchObject({ code: 'GENERATED_BY_AUTOTOOLS', severity: 'info', evidence: { tool: 'autoconf', proof: { proved: true, step: 'autoconf', procedureSteps: [{ kind: 'git-checkout', args: { commit: fixture.commit, tags: 1 } }] } } });
    expect(r.verdict).not.toBe('different');
  }, 120_000);

  it('a configure whose version or revision the tag\'s git does not give still differs (high, the lines shown)', async () => {
    // What a tamperer would change: the version string (a release claiming to be 1.1), or the revision it names.
    for (const [from, to] of [["PACKAGE_VERSION='1.0'", "PACKAGE_VERSION='1.1'"], [`BUILD_REVISION="${fixture.commit.slice(0, 7)}"`, 'BUILD_REVISION="deadbee"']] as const) {
      const tar = tampered((d) => editFile(d, 'configure', (s) => {
        if (!s.includes(from)) throw new Error(`no ${from} in configure`);
        return s.replace(from, to);
      }));
      const r = await run(tar);
      const f = configureOf(r.findings);
      expect(f.code, to).toBe('REGENERATION_MISMATCH');
      expect(f.severity).toBe('high');
      if (f.diff?.kind !== 'text') throw new Error('no text diff');
      expect(f.diff.unified).toContain(`+${to}`);
      expect(r.verdict).toBe('different');
    }
    // … or the VERSION file: it differs from what the tag's configure.ac writes.
    const r = await run(tampered((d) => editFile(d, 'VERSION', () => `1.0 ${fixture.commit.slice(0, 7)} https://downloads.example-mirror.invalid/\n`)));
    expect(r.findings.find((x) => x.path === 'VERSION')).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
    expect(r.verdict).toBe('different');
  }, 240_000);
});

describe('esyscmdWrites', () => {
  it('names the relative files an esyscmd command redirects to, never a descriptor, an absolute path or a path above the tree', () => {
    expect(esyscmdWrites('m4_esyscmd([echo ]mym4_version[>VERSION])\nm4_esyscmd([git log 2>/dev/null >&5])\nm4_esyscmd([echo x > ../up])\nm4_esyscmd_s([cat v >> doc/v.txt])\nm4_esyscmd([echo ]m4_argn(1, list)[ >STAMP])')).toEqual(['VERSION', 'doc/v.txt', 'STAMP']);
  });
});

describe('esyscmdAsksGit', () => {
  const files: Record<string, string> = { 'autogen.sh': GETVER, 'build-aux/mkver': '#!/bin/sh\necho 1.0\n' };
  const read = (p: string) => files[p];
  it('is true when a command names git or runs a tree file that calls git describe/rev-parse/log/rev-list', () => {
    expect(esyscmdAsksGit(['git describe --always'], read)).toBe(true);
    expect(esyscmdAsksGit(['./autogen.sh --find-version gpgme 1 18 0'], read)).toBe(true);
    expect(esyscmdAsksGit(['sh ./autogen.sh'], read)).toBe(true);
  });
  it('is false for commands that never reach git', () => {
    expect(esyscmdAsksGit(['echo 1.0', 'printf "0x%02x%02x00" 1 46'], read)).toBe(false);
    expect(esyscmdAsksGit(['build-aux/mkver', 'cat .tarball-version'], read)).toBe(false);
    expect(esyscmdAsksGit(['digits 1.0'], read)).toBe(false);
  });
});

// libnl 3.7.0's idiom: the commit id only when `.git` is a directory and the git directory git finds (holdout15:
// a `gitdir:` file failed `[ -d ./.git/ ]`, so the regenerated configure had `LIBNL_GIT_SHA=` and stayed high).
const SHA_AC = `m4_define([demo_git_sha], [m4_esyscmd([ ( [ -d ./.git/ ] && [ "$(readlink -f ./.git/)" = "$(readlink -f "$(git rev-parse --git-dir 2>/dev/null)" 2>/dev/null)" ] && git rev-parse --verify -q HEAD 2>/dev/null ) || true ])])
AC_INIT([demo], [1.0], [bugs@example.invalid])
AC_CONFIG_SRCDIR([demo.c])
DEMO_GIT_SHA=demo_git_sha
AC_SUBST([DEMO_GIT_SHA])
AC_OUTPUT
`;
const shaFixture = autotoolsRelease({
  prefix: 'distdiff-gitview-dir-',
  name: 'demo',
  files: { 'configure.ac': SHA_AC, 'demo.c': 'int demo(void) { return 42; }\n' },
  build: 'autoconf && mkdir demo-1.0 && cp -p configure configure.ac demo.c demo-1.0/ && tar -czf demo-1.0.tar.gz demo-1.0',
  timeout: 120_000,
});

describe('the git checkout is a .git directory, as in a clone', () => {
  it('a configure.ac that takes the commit id only when .git is a directory reproduces', async () => {
    const r = await shaFixture.run(shaFixture.tarball);
    const f = configureOf(r.findings);
    expect(f.code).toBe('GENERATED_BY_AUTOTOOLS');
    if (f.code !== 'GENERATED_BY_AUTOTOOLS' || !f.evidence.proof?.proved || f.evidence.proof.method !== 'regenerated') throw new Error('configure not proved');
    expect(f.evidence.proof.procedureSteps).toEqual([{ kind: 'git-checkout', args: { commit: shaFixture.commit, tags: 1 } }]);
    expect(r.verdict).not.toBe('different');
  }, 120_000);

  it('the same configure naming another commit stays high', async () => {
    const tar = shaFixture.tampered((d) => editFile(d, 'configure', (s) => {
      const from = `DEMO_GIT_SHA=${shaFixture.commit}`;
      if (!s.includes(from)) throw new Error(`no ${from} in configure`);
      return s.replace(from, `DEMO_GIT_SHA=${'e'.repeat(40)}`);
    }));
    const r = await shaFixture.run(tar);
    const f = configureOf(r.findings);
    expect(f).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
    expect(r.verdict).toBe('different');
  }, 120_000);
});

// xiph's update_version idiom (opus, opusfile, libopusenc): configure.ac takes the version from
// `git describe --tags --match 'v*' --dirty` (holdout19: libopusenc 0.2.1's regenerated configure said
// "0.2.1-dirty" — the view had no index, so every tracked file read as deleted — where the maintainer's clean
// checkout gave "0.2.1"). The view is a clean checkout: the commit's index. NOTES is tracked and not shipped, so the
// sandbox tree lacks a tracked file, as a real release's does.
const DIRTY_AC = `AC_INIT([demo], m4_esyscmd_s([sh ./mkversion.sh]), [bugs@example.invalid])
AC_CONFIG_SRCDIR([demo.c])
AC_OUTPUT
`;
const MKVERSION = `#!/bin/sh
v=$(git describe --tags --match 'v*' --dirty 2>/dev/null) || v=
[ -n "$v" ] || v=unknown
printf '%s' "\${v#v}"
`;
const dirtyFixture = autotoolsRelease({
  prefix: 'distdiff-gitview-dirty-',
  name: 'demo',
  files: { 'configure.ac': DIRTY_AC, 'mkversion.sh': MKVERSION, 'demo.c': 'int demo(void) { return 42; }\n', NOTES: 'not shipped\n' },
  build: 'autoconf && mkdir demo-1.0 && cp -p configure configure.ac mkversion.sh demo.c demo-1.0/ && tar -czf demo-1.0.tar.gz demo-1.0',
  timeout: 120_000,
});

describe('the git checkout is clean, as the maintainer\'s', () => {
  it('a configure.ac taking its version from git describe --dirty reproduces (1.0, not 1.0-dirty)', async () => {
    const r = await dirtyFixture.run(dirtyFixture.tarball);
    const f = configureOf(r.findings);
    expect(f.code).toBe('GENERATED_BY_AUTOTOOLS');
    if (f.code !== 'GENERATED_BY_AUTOTOOLS' || !f.evidence.proof?.proved || f.evidence.proof.method !== 'regenerated') throw new Error('configure not proved');
    expect(f.evidence.proof.procedureSteps).toEqual([{ kind: 'git-checkout', args: { commit: dirtyFixture.commit, tags: 1 } }]);
    expect(r.verdict).not.toBe('different');
  }, 120_000);

  it('a configure made from a modified checkout (1.0-dirty) stays high', async () => {
    const tar = dirtyFixture.tampered((d) => editFile(d, 'configure', (s) => {
      if (!s.includes("PACKAGE_VERSION='1.0'")) throw new Error('no version in configure');
      return s.replace(/\b1\.0\b/g, '1.0-dirty');
    }));
    const r = await dirtyFixture.run(tar);
    const f = configureOf(r.findings);
    expect(f).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
    if (f.diff?.kind !== 'text') throw new Error('no text diff');
    expect(f.diff.unified).toContain("+PACKAGE_VERSION='1.0-dirty'");
    expect(r.verdict).toBe('different');
  }, 120_000);
});
