/**
 * The cache is not trusted blindly (issue 9, class 2): entries planted at the predictable cache paths
 * (alternates + core.alternateRefsCommand, url.<x>.insteadOf redirecting the fetch, entries writable by
 * others, symbolic links where distdiff keeps a directory) are refused with exit 2 and run nothing; the
 * report (--output) and downloads never write through a symbolic link planted at their destination.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadFileName } from '../../src/acquire/archive-source.js';
import { cacheName } from '../../src/acquire/repo.js';
import { distrust } from '../../src/util/safe-fs.js';
import { git } from '../helpers/git.js';
import { startHttpServer, type TestServer } from '../helpers/http-server.js';
import { tempDir } from '../helpers/tmp.js';
import { expectError, expectFindings, makeFixtureRepo, runCli, writePkgTar, type Fixture } from './helpers.js';

const dir = tempDir('distdiff-hostile-cache-');
let fx: Fixture;
let evil: Fixture;
let tar: string;
let url: string;
let srv: TestServer;
let n = 0;

beforeAll(async () => {
  fx = makeFixtureRepo(join(dir, 'upstream'));
  // Another repository whose v1.0 has different content: where a redirected fetch would lead.
  evil = makeFixtureRepo(join(dir, 'evil'));
  evil.repo.commit({ README: 'not hello\n' }, 'evil');
  evil.repo.git(['tag', '-f', 'v1.0']);
  tar = writePkgTar(join(dir, 'hello-1.0.tar'));
  url = `file://${fx.repo.dir}`;
  srv = await startHttpServer({ 'hello-1.0.tar': readFileSync(tar) });
});
afterAll(() => srv?.close());

/** A fresh cache directory, and the path of the cache entry for `url` in it. */
function freshCache(): { cache: string; entry: string; markers: string } {
  const cache = join(dir, `cache-${++n}`);
  const markers = join(dir, `markers-${n}`);
  mkdirSync(join(cache, 'repos'), { recursive: true, mode: 0o755 });
  mkdirSync(markers);
  return { cache, entry: join(cache, 'repos', cacheName(url)), markers };
}

function trap(markers: string, what: string): string {
  const p = join(markers, '..', `trap-${++n}.sh`);
  writeFileSync(p, `#!/bin/sh\ntouch '${join(markers, what)}'\n`);
  chmodSync(p, 0o755);
  return p;
}

const run = (cache: string, extra: string[] = []) => runCli([tar, '--repo', url, '--tag', 'v1.0', '--cache-dir', cache, ...extra]);

describe.concurrent('planted cache entries', () => {
  it('control: a clone distdiff made is reused (fetched) on the next run', async () => {
    const { cache } = freshCache();
    expectFindings(await run(cache), []);
    const again = await run(cache);
    expectFindings(again, []);
    expect((again.json!.inputs.repo as { fetched: boolean }).fetched).toBe(true);
  });

  it('objects/info/alternates + core.alternateRefsCommand planted in the entry: exit 2, nothing runs', async () => {
    const { cache, entry, markers } = freshCache();
    git(dir, ['init', '-q', '--bare', entry]);
    writeFileSync(join(entry, 'objects', 'info', 'alternates'), `${join(evil.repo.dir, '.git', 'objects')}\n`);
    git(entry, ['config', 'core.alternateRefsCommand', trap(markers, 'alternate-refs')]);
    const r = await run(cache);
    expect(readdirSync(markers)).toEqual([]);
    expectError(r, entry, /^cache entry for file:\/\/.* was not made by distdiff: it has objects\/info\/alternates/);
  });

  it('url.<other>.insteadOf planted in a real clone (redirects the fetch to another repository): exit 2', async () => {
    const { cache, entry } = freshCache();
    git(dir, ['clone', '-q', '--bare', `file://${evil.repo.dir}`, entry]);
    git(entry, ['config', '--remove-section', 'remote.origin']);
    git(entry, ['config', `url.file://${evil.repo.dir}.insteadOf`, url]);
    const r = await run(cache);
    expectError(r, entry, /was not made by distdiff: its config has url\.file:\/\/.*\.insteadof, which distdiff never writes/);
  });

  it('an entry distdiff made, later made writable by other users: exit 2', async () => {
    const { cache, entry } = freshCache();
    expectFindings(await run(cache), []);
    chmodSync(entry, 0o777);
    const r = await run(cache);
    expectError(r, entry, /was not made by distdiff: the directory is writable by other users/);
  });

  it('the entry is a symbolic link to another repository: exit 2', async () => {
    const { cache, entry } = freshCache();
    symlinkSync(join(evil.repo.dir, '.git'), entry);
    const r = await run(cache);
    expectError(r, entry, /was not made by distdiff: the directory is a symbolic link/);
  });

  it('the repos/ directory is a symbolic link distdiff did not create: exit 2, nothing written through it', async () => {
    const { cache } = freshCache();
    const elsewhere = join(dir, `elsewhere-${++n}`);
    mkdirSync(elsewhere);
    const repos = join(cache, 'repos');
    // replace the directory by a link
    git(dir, ['init', '-q', '--bare', join(elsewhere, 'x')]);
    const { rmSync } = await import('node:fs');
    rmSync(repos, { recursive: true });
    symlinkSync(elsewhere, repos);
    const r = await run(cache);
    expectError(r, repos, /^is a symbolic link distdiff did not create; refusing to follow it/);
    expect(readdirSync(elsewhere)).toEqual(['x']);
  });

  it('the local/ directory (borrowing repositories) is a symbolic link: exit 2', async () => {
    const { cache } = freshCache();
    const elsewhere = join(dir, `elsewhere-${++n}`);
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(cache, 'local'));
    const r = await runCli([tar, '--repo', fx.repo.dir, '--tag', 'v1.0', '--cache-dir', cache]);
    expectError(r, join(cache, 'local'), /^is a symbolic link distdiff did not create/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('the downloads/ directory is a symbolic link: exit 2, nothing written through it', async () => {
    const { cache } = freshCache();
    const elsewhere = join(dir, `elsewhere-${++n}`);
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(cache, 'downloads'));
    const r = await runCli([`${srv.base}/files/hello-1.0.tar`, '--repo', fx.repo.dir, '--tag', 'v1.0', '--cache-dir', cache]);
    expectError(r, join(cache, 'downloads'), /^is a symbolic link distdiff did not create/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('a symbolic link planted at the download destination is replaced, its target untouched', async () => {
    const { cache } = freshCache();
    const u = `${srv.base}/files/hello-1.0.tar`;
    mkdirSync(join(cache, 'downloads'), { mode: 0o755 });
    const victim = join(dir, `victim-${++n}`);
    writeFileSync(victim, 'precious\n');
    const dest = join(cache, 'downloads', downloadFileName(u));
    symlinkSync(victim, dest);
    const r = await runCli([u, '--repo', fx.repo.dir, '--tag', 'v1.0', '--cache-dir', cache]);
    expectFindings(r, []);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(lstatSync(dest).isFile()).toBe(true);
  });
});

describe.concurrent('--output never writes through a link', () => {
  it('a symbolic link at --output: exit 2, the link target untouched', async () => {
    const { cache } = freshCache();
    const victim = join(dir, `victim-${++n}`);
    writeFileSync(victim, 'precious\n');
    const out = join(dir, `report-${n}.json`);
    symlinkSync(victim, out);
    const r = await runCli([tar, '--repo', fx.repo.dir, '--tag', 'v1.0', '--cache-dir', cache, '--output', out]);
    expectError(r, out, /^is a symbolic link; distdiff does not write through links; remove the link/);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(lstatSync(out).isSymbolicLink()).toBe(true);
  });

  it('an existing regular file at --output is replaced by the report; /dev/null works', async () => {
    const { cache } = freshCache();
    const out = join(dir, `report-${++n}.json`);
    writeFileSync(out, 'old');
    const r = await runCli([tar, '--repo', fx.repo.dir, '--tag', 'v1.0', '--cache-dir', cache, '--output', out]);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).verdict).toBe('identical');
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    const devnull = await runCli([tar, '--repo', fx.repo.dir, '--tag', 'v1.0', '--cache-dir', cache, '--output', '/dev/null']);
    expect(devnull.code).toBe(0);
    expect(existsSync('/dev/null') && lstatSync('/dev/null').isCharacterDevice()).toBe(true);
  });
});

describe('ownership rules (distrust)', () => {
  const uid = process.getuid!();
  const st = (o: Partial<Stats>) => ({ uid, gid: process.getgid!(), mode: 0o40755, ...o }) as Stats;
  it('own directory 0755 and 0775 with an own group are trusted', () => {
    expect(distrust(st({}))).toBeUndefined();
    expect(distrust(st({ mode: 0o40775 }))).toBeUndefined();
  });
  it('another owner, other-writable, or writable by a foreign group are not', () => {
    expect(distrust(st({ uid: uid + 1 }))).toMatch(/^owned by uid \d+, not by the current user/);
    expect(distrust(st({ mode: 0o40777 }))).toBe('writable by other users');
    const foreign = 4_000_000;
    expect(distrust(st({ mode: 0o40775, gid: foreign }))).toMatch(/^writable by group 4000000/);
  });
});
