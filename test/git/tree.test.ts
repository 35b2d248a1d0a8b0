import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openRepo, type RepoHandle } from '../../src/acquire/repo.js';
import { resolveRevision } from '../../src/acquire/revision.js';
import { blobId } from '../../src/scan/blob-id.js';
import { BlobReader } from '../../src/scan/blob-reader.js';
import { readGitTree } from '../../src/scan/git-tree.js';
import { gitEnv as testGitEnv, git, makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-tree-');

/** Bytes of one file in `git archive --format=tar <commit>` (extracted with the real tar). */
function archivedBytes(dir: string, commit: string, path: string): Buffer {
  const tar = execFileSync('git', ['archive', '--format=tar', commit, '--', path], { cwd: dir, env: testGitEnv() });
  return execFileSync('tar', ['-xOf', '-', path], { input: tar });
}

function hashObject(bytes: Buffer): string {
  return execFileSync('git', ['hash-object', '--stdin', '--no-filters'], { input: bytes, env: testGitEnv() }).toString().trim();
}

describe('readGitTree without attributes', () => {
  let repo: RepoHandle;
  let commit: string;
  let sub: string;
  beforeAll(async () => {
    const r = makeRepo(join(root, 'plain'));
    r.commit({
      'README': 'hello\n',
      'bin/run.sh': { content: '#!/bin/sh\necho hi\n', executable: true },
      'link': { symlink: 'README' },
      'dir/deep/file with space.txt': 'x',
      'weird*[name]?.txt': 'glob chars\n',
    });
    sub = 'a'.repeat(40);
    r.git(['update-index', '--add', '--cacheinfo', `160000,${sub},vendor/lib`]);
    git(r.dir, ['commit', '-q', '-m', 'add submodule']);
    commit = r.git(['rev-parse', 'HEAD']);
    repo = await openRepo(r.dir, { cacheDir: join(root, 'cache') });
  });

  it('lists files, modes, symlinks and submodules with ids and sizes', async () => {
    const t = await readGitTree(repo, commit);
    expect(t.algo).toBe('sha1');
    expect(t.commit).toBe(commit);
    expect([...t.entries.keys()].sort()).toEqual(['README', 'bin/run.sh', 'dir/deep/file with space.txt', 'link', 'vendor/lib', 'weird*[name]?.txt']);
    expect(t.entries.get('README')).toEqual({ path: 'README', type: 'file', executable: false, size: 6, oid: blobId('sha1', 'hello\n') });
    expect(t.entries.get('bin/run.sh')).toMatchObject({ type: 'file', executable: true, size: 18 });
    expect(t.entries.get('link')).toEqual({ path: 'link', type: 'symlink', executable: false, size: 0, oid: blobId('sha1', 'README'), linkTarget: 'README' });
    expect(t.entries.get('vendor/lib')).toEqual({ path: 'vendor/lib', type: 'submodule', executable: false, size: 0, oid: sub });
    expect(t.exportIgnored.size).toBe(0);
    expect(t.converted.size).toBe(0);
  });

  it('refuses something that is not a full commit id', async () => {
    await expect(readGitTree(repo, 'HEAD')).rejects.toMatchObject({ kind: 'internal' });
  });
});

describe('readGitTree with .gitattributes', () => {
  let dir: string;
  let repo: RepoHandle;
  let commit: string;
  beforeAll(async () => {
    const r = makeRepo(join(root, 'attrs'));
    dir = r.dir;
    r.commit({
      '.gitattributes': [
        '/.github export-ignore',
        'tests/fixtures/ export-ignore',
        '.gitignore export-ignore',
        'version.h export-subst',
        '*.bat eol=crlf',
        'docs/** text eol=crlf',
        'docs/*.bin binary',
        'ident.c ident',
        '',
      ].join('\n'),
      '.gitignore': '*.o\n',
      '.github/workflows/ci.yml': 'on: push\n',
      'tests/fixtures/a.dat': 'a',
      'tests/fixtures/deep/b.dat': 'b',
      'tests/run.sh': 'run\n',
      'version.h': '#define COMMIT "$Format:%H$"\n',
      'build.bat': 'echo one\necho two\n',
      'docs/readme.txt': 'line1\nline2\n',
      'docs/sub/notes.md': 'n\n',
      'docs/blob.bin': 'a\nb\n',
      'ident.c': '/* $Id$ */\n',
      'plain.txt': 'plain\n',
      'sub/.gitattributes': 'local.txt export-ignore\n',
      'sub/local.txt': 'l\n',
      'sub/kept.txt': 'k\n',
    });
    r.tag('v1.0');
    commit = r.git(['rev-parse', 'HEAD']);
    repo = await openRepo(r.dir, { cacheDir: join(root, 'cache') });
  });

  it('removes export-ignore files and directories, matching git archive', async () => {
    const t = await readGitTree(repo, commit);
    expect([...t.exportIgnored].sort()).toEqual(['.github/workflows/ci.yml', '.gitignore', 'sub/local.txt', 'tests/fixtures/a.dat', 'tests/fixtures/deep/b.dat']);
    const listed = execFileSync('git', ['archive', '--format=tar', commit], { cwd: dir, env: testGitEnv() });
    const names = execFileSync('tar', ['-tf', '-'], { input: listed }).toString().split('\n').filter((n) => n && !n.endsWith('/'));
    expect([...t.entries.keys()].sort()).toEqual(names.sort());
  });

  it('gives converted files the blob id of the bytes git archive exports', async () => {
    const t = await readGitTree(repo, commit);
    const raw = (p: string) => git(dir, ['rev-parse', `${commit}:${p}`]);
    for (const [path, reason] of [
      ['version.h', 'export-subst'],
      ['build.bat', 'eol'],
      ['docs/readme.txt', 'eol'],
      ['docs/sub/notes.md', 'eol'],
      ['ident.c', 'export-subst'],
    ] as const) {
      const bytes = archivedBytes(dir, commit, path);
      expect(t.entries.get(path)?.oid, path).toBe(hashObject(bytes));
      expect(t.entries.get(path)?.size, path).toBe(bytes.length);
      expect(t.converted.get(path), path).toEqual({ rawOid: raw(path), reason });
    }
    expect(archivedBytes(dir, commit, 'version.h').toString()).toBe(`#define COMMIT "${commit}"\n`);
    expect(archivedBytes(dir, commit, 'build.bat').toString()).toBe('echo one\r\necho two\r\n');
    expect(t.entries.get('build.bat')?.oid).toBe(blobId('sha1', 'echo one\r\necho two\r\n'));
    // binary unsets text: no conversion, and untouched files keep their raw ids.
    expect(t.converted.has('docs/blob.bin')).toBe(false);
    expect(t.entries.get('docs/blob.bin')?.oid).toBe(raw('docs/blob.bin'));
    expect(t.entries.get('plain.txt')?.oid).toBe(raw('plain.txt'));
    expect([...t.converted.keys()].sort()).toEqual(['build.bat', 'docs/readme.txt', 'docs/sub/notes.md', 'ident.c', 'version.h']);
  });

  it('applies `* text eol=crlf` to every text file', async () => {
    const r = makeRepo(join(root, 'allcrlf'));
    const c = r.commit({ '.gitattributes': '* text eol=crlf\n', 'a.txt': 'a\nb\n', 'b/c.txt': 'c\n', 'crlf-already.txt': 'x\r\ny\r\n' });
    const h = await openRepo(r.dir, { cacheDir: join(root, 'cache') });
    const t = await readGitTree(h, c);
    for (const p of ['.gitattributes', 'a.txt', 'b/c.txt', 'crlf-already.txt']) {
      expect(t.entries.get(p)?.oid, p).toBe(hashObject(archivedBytes(r.dir, c, p)));
    }
    expect(t.entries.get('a.txt')?.oid).toBe(blobId('sha1', 'a\r\nb\r\n'));
    // `text` normalised the CRLF file to LF when it was committed; archive turns it back into CRLF.
    expect(git(r.dir, ['cat-file', 'blob', `${c}:crlf-already.txt`])).toBe('x\ny');
    expect([...t.converted.keys()].sort()).toEqual(['.gitattributes', 'a.txt', 'b/c.txt', 'crlf-already.txt']);
  });

  it('ignores a submodule through its directory pattern and scopes nested .gitattributes', async () => {
    const r = makeRepo(join(root, 'attrs-sub'));
    r.commit({ '.gitattributes': 'vendor/lib export-ignore\n', 'a/.gitattributes': '*.txt export-ignore\n', 'a/x.txt': 'x', 'b/x.txt': 'y', 'keep': 'k' });
    r.git(['update-index', '--add', '--cacheinfo', `160000,${'b'.repeat(40)},vendor/lib`]);
    r.git(['update-index', '--add', '--cacheinfo', `160000,${'c'.repeat(40)},vendor/other`]);
    git(r.dir, ['commit', '-q', '-m', 'subs']);
    const c = r.git(['rev-parse', 'HEAD']);
    const t = await readGitTree(await openRepo(r.dir, { cacheDir: join(root, 'cache') }), c);
    expect([...t.exportIgnored].sort()).toEqual(['a/x.txt', 'vendor/lib']);
    expect([...t.entries.keys()].sort()).toEqual(['.gitattributes', 'a/.gitattributes', 'b/x.txt', 'keep', 'vendor/other']);
  });

  it('does no attribute work when no attribute that matters to git archive is named', async () => {
    const r = makeRepo(join(root, 'attrs-irrelevant'));
    // `text` alone does not change exported bytes on a Linux host; `binary` and `diff` never do.
    const c = r.commit({ '.gitattributes': '*.png binary\n* text=auto\n*.c diff=cpp\n', 'a.c': 'int a;\n', 'p.png': Buffer.from([137, 80, 78, 71]) });
    const t = await readGitTree(await openRepo(r.dir, { cacheDir: join(root, 'cache') }), c);
    expect(t.entries.size).toBe(3);
    expect(t.converted.size).toBe(0);
    expect(t.exportIgnored.size).toBe(0);
    expect(t.entries.get('a.c')?.oid).toBe(hashObject(archivedBytes(r.dir, c, 'a.c')));
  });

  it('finds attributes set through a macro', async () => {
    const r = makeRepo(join(root, 'attrs-macro'));
    const c = r.commit({ '.gitattributes': '[attr]dist-skip export-ignore\n[attr]dos text eol=crlf\nnotes dist-skip\n*.cmd dos\n', 'notes': 'n', 'go.cmd': 'a\nb\n' });
    const t = await readGitTree(await openRepo(r.dir, { cacheDir: join(root, 'cache') }), c);
    expect([...t.exportIgnored]).toEqual(['notes']);
    expect(t.entries.get('go.cmd')?.oid).toBe(blobId('sha1', 'a\r\nb\r\n'));
  });

  it('works for sha256 repositories', async () => {
    const r = makeRepo(join(root, 'attrs256'), { objectFormat: 'sha256' });
    const c = r.commit({ '.gitattributes': 'x export-ignore\n*.bat eol=crlf\n', 'x': 'x', 'y.bat': 'y\n' });
    const h = await openRepo(r.dir, { cacheDir: join(root, 'cache') });
    const t = await readGitTree(h, c);
    expect(t.algo).toBe('sha256');
    expect([...t.exportIgnored]).toEqual(['x']);
    expect(t.entries.get('y.bat')?.oid).toBe(blobId('sha256', 'y\r\n'));
  });
});

describe('a hostile local repository runs nothing', () => {
  it('ignores fsmonitor, hooks, sshCommand, filter drivers, textconv, pager and gpg from its config', async () => {
    const base = join(root, 'hostile');
    mkdirSync(base, { recursive: true });
    const marker = join(base, 'PWNED');
    const evil = join(base, 'evil.sh');
    writeFileSync(evil, `#!/bin/sh\necho "$0 $*" >> ${marker}\ncat\n`);
    chmodSync(evil, 0o755);
    const r = makeRepo(join(base, 'repo'));
    r.commit({ '.gitattributes': '* filter=evil diff=evil\n*.txt eol=crlf export-subst\n', 'a.txt': 'A $Format:%H$\n', 'link': { symlink: 'a.txt' } });
    r.tag('v6.6.6', { message: 'evil' });
    const hooks = join(r.dir, '.git', 'hooks');
    for (const h of ['pre-commit', 'post-checkout', 'reference-transaction', 'pre-auto-gc', 'post-index-change', 'fsmonitor-watchman']) {
      writeFileSync(join(hooks, h), `#!/bin/sh\n${evil} hook-${h}\n`);
      chmodSync(join(hooks, h), 0o755);
    }
    const cfg: [string, string][] = [
      ['core.fsmonitor', evil],
      ['core.sshCommand', evil],
      ['core.pager', evil],
      ['core.editor', evil],
      ['core.askPass', evil],
      ['core.hooksPath', hooks],
      ['filter.evil.clean', evil],
      ['filter.evil.smudge', evil],
      ['filter.evil.process', evil],
      ['filter.evil.required', 'true'],
      ['diff.evil.textconv', evil],
      ['diff.external', evil],
      ['gpg.program', evil],
      ['log.showSignature', 'true'],
      ['credential.helper', `!${evil}`],
      ['uploadpack.packObjectsHook', evil],
      ['core.alternateRefsCommand', evil],
    ];
    for (const [k, v] of cfg) r.git(['config', k, v]);

    const h = await openRepo(r.dir, { cacheDir: join(base, 'cache') });
    const rev = await resolveRevision(h, { names: ['hostile-6.6.6.tar.gz'] });
    const t = await readGitTree(h, rev.commit);
    expect(t.entries.get('a.txt')?.oid).toBe(blobId('sha1', `A ${rev.commit}\r\n`));
    expect(t.entries.get('link')?.linkTarget).toBe('a.txt');
    const reader = new BlobReader(h);
    expect((await reader.read(t.converted.get('a.txt')!.rawOid))?.toString()).toBe('A $Format:%H$\n');
    await reader.close();
    // A file:// clone runs upload-pack inside the hostile repository.
    const cloned = await openRepo(`file://${r.dir}`, { cacheDir: join(base, 'cache') });
    await readGitTree(cloned, (await resolveRevision(cloned, { tag: 'v6.6.6', names: [] })).commit);
    await openRepo(`file://${r.dir}`, { cacheDir: join(base, 'cache') });

    // The marker machinery works (so its absence above means something): run git the naive way.
    expect(existsSync(marker)).toBe(false);
    spawnSync('git', ['archive', '--format=tar', '-o', join(base, 'naive.tar'), 'HEAD'], { cwd: r.dir, env: testGitEnv() });
    expect(existsSync(marker)).toBe(true);
  });
});

describe('BlobReader', () => {
  let repo: RepoHandle;
  const big = Buffer.alloc(300_000, 0x61);
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    const r = makeRepo(join(root, 'blobs'));
    r.commit({ 'small': 'small\n', 'empty': '', 'big': big, 'bin': Buffer.from([0, 10, 13, 10, 255]) });
    for (const p of ['small', 'empty', 'big', 'bin']) ids[p] = r.git(['rev-parse', `HEAD:${p}`]);
    ids.tree = r.git(['rev-parse', 'HEAD^{tree}']);
    repo = await openRepo(r.dir, { cacheDir: join(root, 'cache') });
  });

  it('answers many interleaved requests in order, bounded by maxBytes', async () => {
    const reader = new BlobReader(repo);
    const reqs: [string, number | undefined, Buffer | undefined][] = [];
    for (let i = 0; i < 50; i++) {
      reqs.push([ids.small!, undefined, Buffer.from('small\n')]);
      reqs.push([ids.big!, 1000, undefined]);
      reqs.push([ids.empty!, undefined, Buffer.alloc(0)]);
      reqs.push([ids.bin!, 5, Buffer.from([0, 10, 13, 10, 255])]);
      reqs.push(['0123456789012345678901234567890123456789', undefined, undefined]);
      reqs.push([ids.tree!, undefined, undefined]);
    }
    reqs.push([ids.big!, undefined, big]);
    const got = await Promise.all(reqs.map(([oid, max]) => reader.read(oid, max)));
    got.forEach((g, i) => expect(g, String(i)).toEqual(reqs[i]![2]));
    expect(await reader.read('not-an-oid\nHEAD')).toBeUndefined();
    await reader.close();
    await expect(reader.read(ids.small!)).rejects.toMatchObject({ kind: 'internal' });
  });

  it('rejects pending and later reads when git dies, instead of hanging', async () => {
    const gone = { ...repo, gitDir: join(root, 'no-such-git-dir') };
    const reader = new BlobReader(gone);
    await expect(reader.read(ids.small!)).rejects.toMatchObject({ kind: 'git' });
    await expect(reader.read(ids.small!)).rejects.toMatchObject({ kind: 'git' });
    await reader.close();
  });
});
