/**
 * A configure.ac whose esyscmd asks git, run by the maintainer in the release commit BEFORE tagging it (mc 4.8.33:
 * version.sh's `git describe --always --abbrev=0` said 4.8.33-pre1, so the shipped configure is "4.8.33-pre1-git"),
 * end to end with the real autoconf: the checkout of the tag gives another version, the exported tree none, and the
 * third view — the release commit without the tags that point at it — reproduces configure, named in the evidence
 * (git-checkout-before-tag). Twins: the same project made after tagging reproduces with the checkout of the tag; a
 * configure whose version no view gives still differs.
 */
import { execFileSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import { esyscmdAsksGit } from '../../src/regenerate/git-view.js';
import { autotoolsRelease, editFile } from './release.js';

const CONFIGURE_AC = 'AC_INIT([demo], m4_esyscmd_s([git describe --tags --always]), [bugs@example.invalid])\nAC_CONFIG_SRCDIR([demo.c])\nAC_OUTPUT\n';
const FILES = { 'configure.ac': CONFIGURE_AC, 'demo.c': 'int demo(void) { return 42; }\n' };
const gitIn = (dir: string, args: string[]) =>
  execFileSync('git', ['-C', dir, '-c', 'user.name=Demo Maintainer', '-c', 'user.email=demo@example.invalid', ...args], {
    env: { ...process.env, GIT_COMMITTER_DATE: '2024-01-02T10:00:00Z', GIT_AUTHOR_DATE: '2024-01-02T10:00:00Z' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
const ship = (tree: string, repoDir: string) => {
  for (const f of ['configure', 'configure.ac', 'demo.c']) cpSync(join(repoDir, f), join(tree, f));
};

// The maintainer's process: autoconf in the release commit, the tag made after it.
const before = autotoolsRelease({
  prefix: 'distdiff-beforetag-',
  name: 'demo',
  files: FILES,
  makeTree: (tree, repoDir) => {
    gitIn(repoDir, ['tag', '-d', 'v1.0']);
    execFileSync('autoconf', [], { cwd: repoDir, stdio: 'ignore' });
    gitIn(repoDir, ['tag', '-a', 'v1.0', '-m', 'demo 1.0']);
    ship(tree, repoDir);
  },
  timeout: 120_000,
});
// Twin: autoconf after tagging.
const after = autotoolsRelease({
  prefix: 'distdiff-aftertag-',
  name: 'demo',
  files: FILES,
  makeTree: (tree, repoDir) => {
    execFileSync('autoconf', [], { cwd: repoDir, stdio: 'ignore' });
    ship(tree, repoDir);
  },
  timeout: 120_000,
});
// mc 4.8.33's case: configure.ac's esyscmd also writes VERSION (version.sh writes mc-version.h), which the release's
// build writes again after tagging — configure from before the tag, VERSION from after it.
const MIXED_AC = `m4_esyscmd([git describe --tags --always > VERSION])${CONFIGURE_AC}`;
const mixed = autotoolsRelease({
  prefix: 'distdiff-mixedtag-',
  name: 'demo',
  files: { ...FILES, 'configure.ac': MIXED_AC },
  makeTree: (tree, repoDir) => {
    gitIn(repoDir, ['tag', '-d', 'v1.0']);
    execFileSync('autoconf', [], { cwd: repoDir, stdio: 'ignore' });
    gitIn(repoDir, ['tag', '-a', 'v1.0', '-m', 'demo 1.0']);
    execFileSync('sh', ['-c', 'git describe --tags --always > VERSION'], { cwd: repoDir, stdio: 'ignore' });
    ship(tree, repoDir);
    cpSync(join(repoDir, 'VERSION'), join(tree, 'VERSION'));
  },
  timeout: 120_000,
});
const configureOf = (fs: Finding[]) => fs.find((f) => f.path === 'configure')!;
const stepsOf = (f: Finding) => {
  if (f.code !== 'GENERATED_BY_AUTOTOOLS' || !f.evidence.proof?.proved || f.evidence.proof.method !== 'regenerated') throw new Error(`configure not proved: ${f.code} ${JSON.stringify(f.evidence).slice(0, 300)}`);
  return f.evidence.proof.procedureSteps;
};

describe('generators run in the release commit before it was tagged', () => {
  it('mc 4.8.33\'s version.sh names git after --git-dir: the esyscmd asks git', () => {
    expect(esyscmdAsksGit(['./version.sh .'], (p) => (p === 'version.sh' ? 'new_version=`git --git-dir "${src_top_dir}/.git" describe --always 2>/dev/null`\n' : undefined))).toBe(true);
  });

  it('configure reproduces with the view of the commit without its tag, which the evidence names', async () => {
    const r = await before.run(before.tarball);
    expect(stepsOf(configureOf(r.findings))).toEqual([{ kind: 'git-checkout-before-tag', args: { commit: before.commit, tags: 0, untagged: ['v1.0'] } }]);
    expect(r.verdict).not.toBe('different');
  }, 180_000);

  it('twin: made after tagging, it reproduces with the checkout of the tag', async () => {
    const r = await after.run(after.tarball);
    expect(stepsOf(configureOf(r.findings))).toEqual([{ kind: 'git-checkout', args: { commit: after.commit, tags: 1 } }]);
  }, 180_000);

  it('outputs of two moments: configure from before the tag, VERSION (written again after tagging) from the tag — each keeps the view that reproduced it', async () => {
    const r = await mixed.run(mixed.tarball);
    expect(stepsOf(configureOf(r.findings))).toEqual([{ kind: 'git-checkout-before-tag', args: { commit: mixed.commit, tags: 0, untagged: ['v1.0'] } }]);
    expect(stepsOf(r.findings.find((f) => f.path === 'VERSION')!)).toEqual([{ kind: 'git-checkout', args: { commit: mixed.commit, tags: 1 } }]);
    expect(r.verdict).not.toBe('different');
  }, 180_000);

  it('a configure whose version no view gives still differs (high)', async () => {
    const short = before.commit.slice(0, 7);
    const tar = before.tampered((d) => editFile(d, 'configure', (s) => {
      if (!s.includes(`PACKAGE_VERSION='${short}'`)) throw new Error('no version line');
      return s.split(`PACKAGE_VERSION='${short}'`).join("PACKAGE_VERSION='1.1'");
    }));
    expect(configureOf((await before.run(tar)).findings)).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
  }, 180_000);
});
