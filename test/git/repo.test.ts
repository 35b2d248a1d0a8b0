import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheName, classifyRepoInput, openRepo } from '../../src/acquire/repo.js';
import { resolveRevision } from '../../src/acquire/revision.js';
import { DistdiffError } from '../../src/core/errors.js';
import { gitEnv, runGit } from '../../src/git/run.js';
import { git, makeRepo, type RepoBuilder } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { startGitDaemon, type GitDaemon } from '../helpers/git-daemon.js';

const root = tempDir('distdiff-repo-');
let src: RepoBuilder;
let c1: string;
let c2: string;

beforeAll(() => {
  src = makeRepo(join(root, 'proj'));
  c1 = src.commit({ 'README': 'hello\n', 'src/main.c': 'int main(void){return 0;}\n' });
  src.tag('v1.0', { message: 'one' });
  c2 = src.commit({ 'README': 'hello again\n' });
  src.tag('v1.1');
});

async function refusal(input: string): Promise<DistdiffError> {
  const e = await openRepo(input, { cacheDir: join(root, 'refused-cache') }).catch((x) => x);
  expect(e).toBeInstanceOf(DistdiffError);
  return e as DistdiffError;
}

describe('runGit and its environment', () => {
  it('drops the caller GIT_* variables and disables global/system config', () => {
    process.env.GIT_DIR = '/nonexistent';
    process.env.GIT_CONFIG_PARAMETERS = "'core.hooksPath'='/tmp/evil'";
    try {
      const env = gitEnv();
      expect(env.GIT_DIR).toBeUndefined();
      expect(env.GIT_CONFIG_PARAMETERS).toBeUndefined();
      expect(env.GIT_CONFIG_GLOBAL).toBe('/dev/null');
      expect(env.GIT_CONFIG_NOSYSTEM).toBe('1');
      expect(env.GIT_TERMINAL_PROMPT).toBe('0');
      expect(env.GIT_SSH_COMMAND).toMatch(/BatchMode=yes/);
    } finally {
      delete process.env.GIT_DIR;
      delete process.env.GIT_CONFIG_PARAMETERS;
    }
  });

  it('rejects with git\'s first stderr line', async () => {
    const e = await runGit(join(src.dir, '.git'), ['cat-file', '-t', 'nope']).catch((x) => x);
    expect(e).toBeInstanceOf(DistdiffError);
    expect(e.kind).toBe('git');
    expect(e.message).toBe('git cat-file failed: Not a valid object name nope');
  });
});

describe('input classification', () => {
  it.each([
    ['-oProxyCommand=touch /tmp/x', 'usage'],
    ['--upload-pack=touch /tmp/x', 'usage'],
    ['https://example.invalid/x.git --upload-pack=evil', 'usage'],
    ['ext::sh -c touch% /tmp/pwned', 'usage'],
    ['fd::3', 'usage'],
    ['ftp://example.invalid/repo.git', 'usage'],
    ['gopher://example.invalid/repo', 'usage'],
    ['ssh://-oProxyCommand=evil/x', 'usage'],
    ['-host:path', 'usage'],
    ['https://example.invalid/a\nb', 'usage'],
    ['', 'usage'],
    ['/definitely/not/here', 'not-found'],
  ])('%j is refused (%s)', async (input, kind) => {
    const e = await refusal(input);
    expect(e.kind).toBe(kind);
  });

  it('accepts the supported URL forms without touching the network', () => {
    for (const url of ['https://example.invalid/a/b.git', 'ssh://git@example.invalid/x.git', 'git://127.0.0.1/x', 'file:///srv/x.git', 'git@example.invalid:org/repo.git', 'example.invalid:repo']) {
      expect(classifyRepoInput(url)).toEqual({ kind: 'remote', url });
    }
  });

  it('names cache entries readably with a hash of the source', () => {
    expect(cacheName('https://example.invalid/org/xz.git')).toMatch(/^xz-[0-9a-f]{12}$/);
    expect(cacheName('git@example.invalid:org/c-ares.git/')).toMatch(/^c-ares-[0-9a-f]{12}$/);
    expect(cacheName('https://a.invalid/x.git')).not.toBe(cacheName('https://b.invalid/x.git'));
  });
});

describe('local repositories', () => {
  it('reads a work tree through a borrowing repository in the cache (its objects, its refs, not its config)', async () => {
    const h = await openRepo(src.dir, { cacheDir: join(root, 'c-local') });
    expect(h).toEqual({ source: src.dir, gitDir: expect.stringMatching(/\/c-local\/local\/proj-[0-9a-f]{12}$/), objectFormat: 'sha1', cloned: false, fetched: false });
    expect(readFileSync(join(h.gitDir, 'objects', 'info', 'alternates'), 'utf8')).toBe(`${realpathSync(join(src.dir, '.git'))}/objects\n`);
    expect(readFileSync(join(h.gitDir, 'packed-refs'), 'utf8')).toMatch(/^[0-9a-f]{40} refs\/tags\/v1\.0$/m);
    expect(readFileSync(join(h.gitDir, 'config'), 'utf8')).not.toMatch(/remote|user/);
    expect(existsSync(join(src.dir, '.git', 'distdiff'))).toBe(false);
  });

  it('reads a bare repository through a borrowing repository too', async () => {
    const bare = join(root, 'bare.git');
    git(root, ['clone', '-q', '--bare', src.dir, bare]);
    const h = await openRepo(bare, { cacheDir: join(root, 'c-local') });
    expect(h.gitDir).toMatch(/\/c-local\/local\/bare\.git-[0-9a-f]{12}$/);
    expect(readFileSync(join(h.gitDir, 'objects', 'info', 'alternates'), 'utf8')).toBe(`${realpathSync(bare)}/objects\n`);
    expect((await resolveRevision(h, { tag: 'v1.0', names: [] })).commit).toBe(c1);
  });

  it('refuses a directory that is not a repository, even inside one', async () => {
    const plain = join(root, 'plain');
    mkdirSync(plain);
    const e = await refusal(plain);
    expect(e.kind).toBe('git');
    expect(e.message).toMatch(/^not a git repository/);
    expect((await refusal(join(src.dir, 'src'))).message).toMatch(/^not a git repository/);
  });

  it('refuses a file that is not a bundle', async () => {
    const f = join(root, 'notes.txt');
    writeFileSync(f, 'hello');
    const e = await refusal(f);
    expect([e.kind, e.message]).toEqual(['git', 'not a git repository or git bundle']);
  });

  it('opens a sha256 repository', async () => {
    const r = makeRepo(join(root, 'sha256'), { objectFormat: 'sha256' });
    const c = r.commit({ 'a': 'a\n' });
    r.tag('v2.0', { message: 'two' });
    const h = await openRepo(r.dir, { cacheDir: join(root, 'c-local') });
    expect(h.objectFormat).toBe('sha256');
    const rev = await resolveRevision(h, { names: ['thing-2.0.tar.gz'] });
    expect(rev.commit).toBe(c);
    expect(rev.commit).toHaveLength(64);
  });
});

describe('bundles and remote clones into the cache', () => {
  it('clones a bundle into the cache', async () => {
    const bundle = join(root, 'proj.bundle');
    src.git(['bundle', 'create', bundle, '--all']);
    const cacheDir = join(root, 'c-bundle');
    const h = await openRepo(bundle, { cacheDir });
    expect(h).toMatchObject({ cloned: true, fetched: false, objectFormat: 'sha1' });
    expect(h.gitDir.startsWith(join(cacheDir, 'repos', 'proj-'))).toBe(true);
    expect((await resolveRevision(h, { tag: 'v1.1', names: [] })).commit).toBe(c2);
    expect((await resolveRevision(h, { tag: 'v1.0', names: [] })).tagType).toBe('annotated');
  });

  it('clones file:// once, then only fetches and reports a moved tag', async () => {
    const up = makeRepo(join(root, 'upstream'));
    const a = up.commit({ 'f': '1\n' });
    up.tag('v1.0');
    up.tag('v0.9', { message: 'old' });
    const url = `file://${up.dir}`;
    const cacheDir = join(root, 'c-file');
    const first = await openRepo(url, { cacheDir });
    expect(first).toMatchObject({ cloned: true, fetched: false });
    expect(first.previousTags).toBeUndefined();
    // No URL (possibly with credentials) is kept in the cached repository's config.
    expect(readFileSync(join(first.gitDir, 'config'), 'utf8')).not.toContain(up.dir);

    const b = up.commit({ 'f': '2\n' });
    up.git(['tag', '-f', 'v1.0', b]);
    up.tag('v1.1');
    up.git(['tag', '-d', 'v0.9']);
    const second = await openRepo(url, { cacheDir });
    expect(second).toMatchObject({ cloned: false, fetched: true, gitDir: first.gitDir });
    expect(second.previousTags?.get('v1.0')).toBe(a);
    expect(second.previousTags?.has('v1.1')).toBe(false);
    expect((await resolveRevision(second, { tag: 'v1.0', names: [] })).commit).toBe(b);
    expect((await resolveRevision(second, { tag: 'v1.1', names: [] })).commit).toBe(b);
    const pruned = await resolveRevision(second, { tag: 'v0.9', names: [] }).catch((x) => x);
    expect(pruned.kind).toBe('revision');
    expect(readdirSync(join(cacheDir, 'repos'))).toHaveLength(1);
  });

  it('clones a sha256 repository over file://', async () => {
    const r = makeRepo(join(root, 'sha256-up'), { objectFormat: 'sha256' });
    const c = r.commit({ 'a': 'a\n' });
    r.tag('v3.0');
    const h = await openRepo(`file://${r.dir}`, { cacheDir: join(root, 'c-sha256') });
    expect(h.objectFormat).toBe('sha256');
    expect((await resolveRevision(h, { tag: 'v3.0', names: [] })).commit).toBe(c);
  });

  it('reports an unreachable file:// repository without prompting', async () => {
    const e = await refusal(`file://${join(root, 'no-such-repo')}`);
    expect(e.kind).toBe('not-found');
    expect(e.message).toMatch(/^git clone failed: /);
    expect(existsSync(join(root, 'refused-cache', 'repos')) ? readdirSync(join(root, 'refused-cache', 'repos')) : []).toEqual([]);
  });
});

describe('git daemon on 127.0.0.1', () => {
  let daemon: GitDaemon | undefined;
  let port = 0;
  const base = join(root, 'daemon');

  beforeAll(async () => {
    mkdirSync(base, { recursive: true });
    git(base, ['clone', '-q', '--bare', src.dir, join(base, 'proj.git')]);
    daemon = await startGitDaemon(base);
    port = daemon.port;
  });

  afterAll(async () => {
    await daemon?.stop();
  });

  it('clones via git:// and resolves tags', async () => {
    const h = await openRepo(`git://127.0.0.1:${port}/proj.git`, { cacheDir: join(root, 'c-daemon') });
    expect(h).toMatchObject({ cloned: true, objectFormat: 'sha1' });
    expect((await resolveRevision(h, { names: ['proj-1.0.tar.gz'] })).commit).toBe(c1);
    const again = await openRepo(`git://127.0.0.1:${port}/proj.git`, { cacheDir: join(root, 'c-daemon') });
    expect(again).toMatchObject({ cloned: false, fetched: true, gitDir: h.gitDir });
    expect([...(again.previousTags?.keys() ?? [])].sort()).toEqual(['v1.0', 'v1.1']);
  });
});
