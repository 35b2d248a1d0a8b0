/**
 * Hostile repositories and revisions through the built CLI: config, hooks, attribute filters, fsmonitor,
 * sshCommand and submodule URLs that try to run code (marker files prove nothing ran), ambiguous and moved
 * tags, tags on trees and blobs, an empty repository, and repository arguments that smuggle options or
 * transports.
 */
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { git, makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { expectError, expectFindings, FILES, makeFixtureRepo, runCli, writePkgTar, type Fixture } from './helpers.js';

const dir = tempDir('distdiff-hostile-repos-');
const cache = join(dir, 'cache');
const markers = join(dir, 'markers');
let clean: string;
let fx: Fixture;

/** A command that leaves a marker named `what` if it ever runs. */
const touch = (what: string) => `touch ${join(markers, what)}`;

beforeAll(() => {
  mkdirSync(markers, { recursive: true });
  clean = writePkgTar(join(dir, 'hello-1.0.tar'));
  fx = makeFixtureRepo(join(dir, 'plain'));
});

function expectNothingRan(): void {
  expect(readdirSync(markers)).toEqual([]);
}

describe.concurrent('repositories that try to run code', () => {
  let hostile: string;
  let extra: Buffer[];
  beforeAll(async () => {
    const { rawTarEntry } = await import('../helpers/archives.js');
    const repo = makeFixtureRepo(join(dir, 'hostile')).repo;
    const attrs = '* filter=evil diff=evil\n';
    const gitmodules = `[submodule "sub"]\n\tpath = sub\n\turl = ext::sh -c ${touch('submodule-ext').replace(/ /g, '% ')}\n[submodule "sub2"]\n\tpath = sub2\n\turl = ${join(dir, 'plain')}\n`;
    writeFileSync(join(repo.dir, '.gitattributes'), attrs);
    writeFileSync(join(repo.dir, '.gitmodules'), gitmodules);
    repo.git(['add', '.gitattributes', '.gitmodules']);
    repo.git(['update-index', '--add', '--cacheinfo', `160000,${fx.commit},sub`]);
    repo.git(['update-index', '--add', '--cacheinfo', `160000,${fx.commit},sub2`]);
    git(repo.dir, ['commit', '-q', '-m', 'hostile attributes and submodules']);
    repo.git(['tag', '-f', 'v1.0']);
    // Only now arm the traps (committing above must not trip them).
    const cfg: Array<[string, string]> = [
      ['core.fsmonitor', touch('fsmonitor')],
      ['core.sshCommand', touch('sshCommand')],
      ['core.pager', touch('pager')],
      ['core.editor', touch('editor')],
      ['core.hooksPath', join(repo.dir, 'evil-hooks')],
      ['filter.evil.clean', touch('filter-clean')],
      ['filter.evil.smudge', touch('filter-smudge')],
      ['filter.evil.process', touch('filter-process')],
      ['filter.evil.required', 'true'],
      ['diff.evil.textconv', touch('textconv')],
      ['diff.external', touch('diff-external')],
      ['credential.helper', `!${touch('credential')}`],
      ['uploadpack.packObjectsHook', touch('pack-objects-hook')],
      ['submodule.sub.update', `!${touch('submodule-update')}`],
      ['alias.archive', `!${touch('alias')}`],
    ];
    for (const [k, v] of cfg) git(repo.dir, ['config', k, v]);
    for (const hooks of [join(repo.dir, '.git', 'hooks'), join(repo.dir, 'evil-hooks')]) {
      mkdirSync(hooks, { recursive: true });
      for (const h of ['post-checkout', 'post-merge', 'pre-auto-gc', 'reference-transaction', 'post-index-change', 'fsmonitor-watchman', 'pre-push']) {
        writeFileSync(join(hooks, h), `#!/bin/sh\n${touch(`hook-${h}`)}\n`);
        chmodSync(join(hooks, h), 0o755);
      }
    }
    hostile = repo.dir;
    extra = [rawTarEntry('hello-1.0/.gitattributes', attrs), rawTarEntry('hello-1.0/.gitmodules', gitmodules)];
  });

  it('work tree with armed config, hooks, filters and ext:: submodule: compared, nothing runs', async () => {
    const tar = writePkgTar(join(dir, 'hostile-1.0.tar'), extra);
    const r = await runCli([tar, '--repo', hostile, '--tag', 'v1.0', '--cache-dir', cache]);
    expectFindings(r, [
      ['SUBMODULE', 'info', 'sub'],
      ['SUBMODULE', 'info', 'sub2'],
    ]);
    expectNothingRan();
  });

  it('the same repository cloned over file:// into the cache: nothing runs either', async () => {
    const tar = writePkgTar(join(dir, 'hostile-url-1.0.tar'), extra);
    const r = await runCli([tar, '--repo', `file://${hostile}`, '--tag', 'v1.0', '--cache-dir', cache]);
    expectFindings(r, [
      ['SUBMODULE', 'info', 'sub'],
      ['SUBMODULE', 'info', 'sub2'],
    ]);
    expectNothingRan();
  });
});

describe.concurrent('hostile revisions', () => {
  it('a tag and a branch with the same name: --tag means the tag', async () => {
    const repo = makeFixtureRepo(join(dir, 'ambiguous'));
    repo.repo.git(['checkout', '-q', '-b', 'v1.0']);
    const other = repo.repo.commit({ README: 'branch content\n' });
    repo.repo.git(['checkout', '-q', 'main']);
    const r = await runCli([clean, '--repo', repo.repo.dir, '--tag', 'v1.0', '--cache-dir', cache]);
    expectFindings(r, []);
    expect(r.json!.inputs.revision.commit).toBe(repo.commit);
    expect(r.json!.inputs.revision.commit).not.toBe(other);
  });

  it('a tag that moved since the previous run of the same cache: TAG_MOVED (high) with both commits', async () => {
    const up = makeFixtureRepo(join(dir, 'upstream'));
    const ownCache = join(dir, 'cache-moved');
    const first = await runCli([clean, '--repo', `file://${up.repo.dir}`, '--tag', 'v1.0', '--cache-dir', ownCache]);
    expectFindings(first, []);
    expect(first.json!.notes.filter((x) => x.code === 'TAG_MOVED')).toEqual([]);
    const moved = up.repo.commit({ 'src/main.c': 'int main(void) { return 42; }\n' });
    up.repo.git(['tag', '-f', 'v1.0', moved]);
    const second = await runCli([clean, '--repo', `file://${up.repo.dir}`, '--tag', 'v1.0', '--cache-dir', ownCache]);
    expectFindings(second, [
      ['SOURCE_MODIFIED', 'high', 'src/main.c'],
      ['TAG_MOVED', 'high', 'refs/tags/v1.0'],
    ]);
    // Reported as a high finding (it used to be a note) with both commits and where the old one was seen.
    expect(second.json!.findings.find((f) => f.code === 'TAG_MOVED')!.evidence).toEqual({ tag: 'v1.0', previous: up.commit, current: moved, source: 'cache' });
  });

  it('a tag pointing at a tree: exit 2 naming the tag', async () => {
    fx.repo.git(['tag', 'vtree', 'HEAD^{tree}']);
    expectError(await runCli([clean, '--repo', fx.repo.dir, '--tag', 'vtree', '--cache-dir', cache]), 'vtree', /^tag points to a tree, not a commit/);
  });

  it('a tag pointing at a blob: exit 2 naming the tag', async () => {
    fx.repo.git(['tag', 'vblob', 'HEAD:README']);
    expectError(await runCli([clean, '--repo', fx.repo.dir, '--tag', 'vblob', '--cache-dir', cache]), 'vblob', /^tag points to a blob, not a commit/);
  });

  it('an empty repository: exit 2, the tag is not found', async () => {
    const empty = join(dir, 'empty');
    makeRepo(empty);
    const r = await runCli([clean, '--repo', empty, '--tag', 'v1.0', '--cache-dir', cache]);
    expectError(r, 'v1.0', /^no tag named "v1\.0" in /);
  });
});

describe.concurrent('repository arguments that smuggle options or transports', () => {
  const refused: Array<[string, string, RegExp]> = [
    ['--upload-pack= option injection', `--upload-pack=${touch('upload-pack')}`, /^repository looks like a command-line option/],
    ['a name starting with "-"', '-oProxyCommand=x', /^repository looks like a command-line option/],
    ['ssh host that is an option', `ssh://-oProxyCommand=${touch('proxy').replace(/ /g, '%20')}/repo.git`, /option/],
    ['ext:: transport', `ext::sh -c ${touch('ext')}`, /^the ext:: transport is not allowed/],
    ['fd:: transport', 'fd::3', /^the fd:: transport is not allowed/],
    ['unsupported scheme ftp://', 'ftp://127.0.0.1/repo.git', /^unsupported URL scheme "ftp"/],
  ];
  for (const [what, repoArg, problem] of refused) {
    it(`refuses ${what}`, async () => {
      const r = await runCli([clean, `--repo=${repoArg}`, '--tag', 'v1.0', '--cache-dir', cache]);
      expectError(r, repoArg, problem);
      expectNothingRan();
    });
  }

  it('a local path that embeds "--upload-pack=…" (./--upload-pack=touch …) is refused, even though it exists', async () => {
    const name = `--upload-pack=${touch('dir-name').replace(/\//g, '_')}`;
    makeFixtureRepo(join(dir, name));
    const r = await runCli([clean, '--repo', `./${name}`, '--tag', 'v1.0', '--cache-dir', cache], { cwd: dir });
    expectError(r, `./${name}`, /^repository contains a git option; refusing option injection/);
    expectNothingRan();
  });
});
