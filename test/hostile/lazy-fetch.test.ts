/**
 * Partial clones and promisor remotes (issue 9, class 1): a local repository that lacks an object and
 * declares a promisor remote makes git fetch it lazily, and that fetch runs the remote's uploadpack, the
 * core.gitProxy, an ext:: URL or a remote helper named by the repository's own config. distdiff must never
 * fetch: a missing object is exit 2 "repository is incomplete", and no marker file ever appears.
 * Real partial clone (git clone --filter=blob:none over file://) and hand-written promisor configs.
 */
import { chmodSync, cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { git } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { expectError, expectFindings, makeFixtureRepo, runCli, writePkgTar, type Fixture } from './helpers.js';

const dir = tempDir('distdiff-hostile-lazy-');
const markers = join(dir, 'markers');
const bin = join(dir, 'bin');
let tar: string;
let fx: Fixture;
let n = 0;

/** A marker directory of its own for one test (tests run concurrently). */
function markerDir(): string {
  const m = join(markers, String(++n));
  mkdirSync(m);
  return m;
}

/** An executable script that leaves marker `what` in `m` (and fails, like a broken transport would). */
function trap(m: string, what: string): string {
  const p = join(bin, `trap-${++n}-${what}`);
  writeFileSync(p, `#!/bin/sh\ntouch '${join(m, what)}'\nexit 1\n`);
  chmodSync(p, 0o755);
  return p;
}

const INCOMPLETE = /^repository is incomplete: object [0-9a-f]{40} \(README\) missing; fetch the missing objects \(git fetch --refetch\) or pass a full clone$/;

/** The CLI with the test's bin directory first on PATH (for the remote helpers git-remote-evil<n>). */
function run(repo: string) {
  return runCli([tar, '--repo', repo, '--tag', 'v1.0', '--cache-dir', join(dir, `cache-${++n}`)], {
    env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH}`, NO_COLOR: '1', DISTDIFF_DEBUG: '' },
  });
}

function expectNothingRan(m: string): void {
  expect(readdirSync(m)).toEqual([]);
}

/** A copy of the fixture repository whose README blob is deleted, armed with `config`. */
function promisorRepo(name: string, config: Array<[string, string]>, opts: { keepBlob?: boolean } = {}): string {
  const repo = join(dir, name);
  cpSync(fx.repo.dir, repo, { recursive: true }); // the fixture's objects are all loose
  if (!opts.keepBlob) {
    const oid = git(repo, ['rev-parse', `${fx.commit}:README`]);
    rmSync(join(repo, '.git', 'objects', oid.slice(0, 2), oid.slice(2)));
  }
  git(repo, ['config', 'core.repositoryformatversion', '1']);
  git(repo, ['config', 'extensions.partialClone', 'origin']);
  git(repo, ['config', 'remote.origin.promisor', 'true']);
  for (const [k, v] of config) git(repo, ['config', '--add', k, v]);
  return repo;
}

beforeAll(() => {
  mkdirSync(markers, { recursive: true });
  mkdirSync(bin, { recursive: true });
  fx = makeFixtureRepo(join(dir, 'upstream'));
  git(fx.repo.dir, ['config', 'uploadpack.allowFilter', 'true']);
  tar = writePkgTar(join(dir, 'hello-1.0.tar'));
});

describe.concurrent('missing objects are an error, never a fetch', () => {
  it('a real partial clone (git clone --filter=blob:none over file://) whose uploadpack leaves a marker: exit 2, incomplete', async () => {
    const m = markerDir();
    const partial = join(dir, 'partial.git');
    git(dir, ['clone', '-q', '--bare', '--filter=blob:none', `file://${fx.repo.dir}`, partial]);
    git(partial, ['config', 'remote.origin.uploadpack', `${trap(m, 'uploadpack-real')}; git-upload-pack`]);
    const r = await run(partial);
    expectNothingRan(m);
    expectError(r, partial, INCOMPLETE);
  });

  it('the same partial clone as a work tree (clone --filter=blob:none --no-checkout): exit 2, incomplete', async () => {
    const m = markerDir();
    const partial = join(dir, 'partial-wt');
    git(dir, ['clone', '-q', '--no-checkout', '--filter=blob:none', `file://${fx.repo.dir}`, partial]);
    git(partial, ['config', 'remote.origin.uploadpack', trap(m, 'uploadpack-wt')]);
    git(partial, ['config', 'core.fsmonitor', trap(m, 'fsmonitor-wt')]);
    const r = await run(partial);
    expectNothingRan(m);
    expectError(r, partial, INCOMPLETE);
  });

  const cases: Array<[string, (m: string) => Array<[string, string]>]> = [
    ['promisor remote whose uploadpack leaves a marker (file:// URL)', (m) => [
      ['remote.origin.url', `file://${fx.repo.dir}`],
      ['remote.origin.uploadpack', trap(m, 'uploadpack')],
      ['remote.origin.receivepack', trap(m, 'receivepack')],
    ]],
    ['promisor remote on git:// through core.gitProxy', (m) => [
      ['remote.origin.url', 'git://127.0.0.1:9/x.git'],
      ['core.gitProxy', trap(m, 'gitproxy')],
    ]],
    ['promisor remote on ssh:// with core.sshCommand and ssh.variant', (m) => [
      ['remote.origin.url', 'ssh://127.0.0.1:9/x.git'],
      ['core.sshCommand', trap(m, 'sshcommand')],
      ['ssh.variant', 'simple'],
    ]],
    ['promisor remote with an ext:: URL and protocol.ext.allow=always', (m) => [
      ['remote.origin.url', `ext::${trap(m, 'ext')} %S`],
      ['protocol.ext.allow', 'always'],
      ['protocol.allow', 'always'],
    ]],
    ['promisor remote with remote.origin.vcs (a remote helper on PATH)', (m) => {
      // git runs git-remote-<vcs> from PATH: the trap itself, named as a helper.
      const helper = `evil${++n}`;
      cpSync(trap(m, 'remote-helper'), join(bin, `git-remote-${helper}`));
      return [
        ['remote.origin.url', `${helper}://x`],
        ['remote.origin.vcs', helper],
      ];
    }],
    ['promisor remote rewritten by url.<ext::…>.insteadOf', (m) => [
      ['remote.origin.url', 'https://127.0.0.1:9/x.git'],
      [`url.ext::${trap(m, 'insteadof')} %S.insteadOf`, 'https://127.0.0.1:9/'],
      ['protocol.ext.allow', 'always'],
    ]],
    ['promisor remote whose config comes from include.path, with alternateRefsCommand and a credential helper', (m) => {
      const inc = join(m, '..', `included-${++n}.cfg`);
      writeFileSync(inc, `[remote "origin"]\n\turl = file://${fx.repo.dir}\n\tuploadpack = ${trap(m, 'uploadpack-included')}\n[core]\n\talternateRefsCommand = ${trap(m, 'alternaterefs')}\n[credential]\n\thelper = !${trap(m, 'credential')}\n`);
      return [['include.path', inc]];
    }],
  ];
  for (const [what, config] of cases) {
    it(`${what}: exit 2, incomplete, nothing runs`, async () => {
      const m = markerDir();
      const repo = promisorRepo(`promisor-${++n}`, config(m));
      const r = await run(repo);
      expectNothingRan(m);
      expectError(r, repo, INCOMPLETE);
    });
  }

  it('control: the same armed promisor config with every object present compares as identical, nothing runs', async () => {
    const m = markerDir();
    const repo = promisorRepo('promisor-complete', [
      ['remote.origin.url', `file://${fx.repo.dir}`],
      ['remote.origin.uploadpack', trap(m, 'uploadpack-complete')],
      ['core.gitProxy', trap(m, 'gitproxy-complete')],
    ], { keepBlob: true });
    const r = await run(repo);
    expectFindings(r, []);
    expectNothingRan(m);
  });
});
