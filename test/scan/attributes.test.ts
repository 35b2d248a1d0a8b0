/**
 * src/scan/attributes.ts directly (mutation testing): the sandbox repository (refs for `$Format:%d$`,
 * HEAD, sha256, clean-up on failure), check-attr answers per path and attribute, which attributes change
 * exported bytes, and the blob ids of what `git archive` exports — over several argv batches, with names
 * git would otherwise read as pathspec magic. Ground truth is always the real `git archive` of the repository.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRepo } from '../../src/acquire/repo.js';
import { archivedBlobIds, checkAttributes, contentMayChange, openSandbox, type AttrValues } from '../../src/scan/attributes.js';
import { blobId } from '../../src/scan/blob-id.js';
import { gitEnv, makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-attrs-');
const cacheDir = join(root, 'cache');

/** The bytes `git archive` exports for one path of `commit`, in the real repository. */
function archived(dir: string, commit: string, path: string): Buffer {
  const tar = execFileSync('git', ['archive', '--format=tar', commit, '--', path], { cwd: dir, env: gitEnv(), maxBuffer: 1 << 28 });
  return execFileSync('tar', ['-xOf', '-', path], { input: tar, maxBuffer: 1 << 28 });
}

describe('contentMayChange', () => {
  it.each([
    [undefined, undefined],
    [{}, undefined],
    [{ 'export-subst': 'set' }, 'export-subst'],
    [{ 'export-subst': 'unset' }, undefined],
    [{ 'export-subst': 'yes' }, undefined],
    [{ ident: 'set' }, 'export-subst'],
    [{ ident: 'unset' }, undefined],
    [{ eol: 'crlf' }, 'eol'],
    [{ eol: 'lf' }, undefined],
    [{ 'working-tree-encoding': 'UTF-16' }, 'eol'],
    [{ 'working-tree-encoding': 'unspecified' }, undefined],
    [{ 'working-tree-encoding': 'unset' }, undefined],
    [{ 'working-tree-encoding': 'set' }, undefined],
    [{ text: 'set', crlf: 'set', 'export-ignore': 'set' }, undefined],
    [{ 'export-subst': 'set', eol: 'crlf' }, 'export-subst'],
    [{ ident: 'set', eol: 'crlf' }, 'export-subst'],
  ] as Array<[AttrValues | undefined, string | undefined]>)('%j → %s', (attrs, reason) => {
    expect(contentMayChange(attrs)).toBe(reason);
  });
});

describe('the sandbox', () => {
  const r = makeRepo(join(root, 'repo'));
  const files = {
    '.gitattributes': 'refs.txt export-subst\nhash.txt export-subst\n*.bat eol=crlf\nunset.txt -export-ignore -text\nvalue.txt eol=lf\nsub/ export-ignore\n',
    'refs.txt': 'refs:$Format:%d$\n',
    'hash.txt': 'commit:$Format:%H$\n',
    'run.bat': 'a\nb\n',
    'unset.txt': 'u\n',
    'value.txt': 'v\n',
    'plain': 'p\n',
    'sub/x': 'x\n',
  };
  const commit = r.commit(files);
  r.tag('v1.0', { message: 'release' });
  r.tag('light');

  it('checkAttributes: one record per path in input order, unspecified left out, undefined when nothing is set', async () => {
    const repo = await openRepo(r.dir, { cacheDir });
    const sb = await openSandbox(repo, commit);
    try {
      const got = await checkAttributes(sb, ['plain', 'run.bat', 'unset.txt', 'value.txt', 'refs.txt', 'sub/', 'sub/x', 'missing']);
      expect(got).toEqual([
        undefined,
        { eol: 'crlf' },
        { 'export-ignore': 'unset', text: 'unset' },
        { eol: 'lf' },
        { 'export-subst': 'set' },
        { 'export-ignore': 'set' },
        undefined,
        undefined,
      ]);
      expect(await checkAttributes(sb, ['run.bat', 'refs.txt'], ['export-subst'])).toEqual([undefined, { 'export-subst': 'set' }]);
      expect(await checkAttributes(sb, [])).toEqual([]);
      expect(sb.commit).toBe(commit);
      expect(sb.algo).toBe('sha1');
      expect(existsSync(sb.gitDir)).toBe(true);
      expect(existsSync(sb.indexFile)).toBe(true);
    } finally {
      sb.dispose();
    }
    expect(existsSync(sb.dir)).toBe(false);
  });

  it('archivedBlobIds: the ids and sizes of what git archive exports; refs only with withRefs', async () => {
    const repo = await openRepo(r.dir, { cacheDir });
    const paths = ['refs.txt', 'hash.txt', 'run.bat', 'plain'];
    const expected = new Map(paths.map((p) => {
      const b = archived(r.dir, commit, p);
      return [p, { oid: blobId('sha1', b), size: b.length }];
    }));
    expect(archived(r.dir, commit, 'refs.txt').toString()).toBe('refs: (HEAD -> main, tag: v1.0, tag: light)\n');
    expect(archived(r.dir, commit, 'run.bat').toString()).toBe('a\r\nb\r\n');
    const withRefs = await openSandbox(repo, commit, true);
    try {
      expect(await archivedBlobIds(withRefs, paths)).toEqual(expected);
    } finally {
      withRefs.dispose();
    }
    const without = await openSandbox(repo, commit);
    try {
      const ids = await archivedBlobIds(without, ['refs.txt', 'hash.txt']);
      expect(ids.get('refs.txt')).toEqual({ oid: blobId('sha1', 'refs:\n'), size: 6 });
      expect(ids.get('hash.txt')).toEqual(expected.get('hash.txt'));
      expect(await archivedBlobIds(without, [])).toEqual(new Map());
    } finally {
      without.dispose();
    }
  });

  it('a detached HEAD: the sandbox keeps its own HEAD, %d still shows the tags', async () => {
    const d = makeRepo(join(root, 'detached'));
    const c = d.commit({ '.gitattributes': 'refs.txt export-subst\n', 'refs.txt': '$Format:%d$\n' });
    d.tag('v2.0', { message: 'release' });
    d.git(['checkout', '-q', '--detach', c]);
    const repo = await openRepo(d.dir, { cacheDir });
    const sb = await openSandbox(repo, c, true);
    try {
      const want = archived(d.dir, c, 'refs.txt');
      expect(want.toString()).toBe(' (HEAD, tag: v2.0, main)\n');
      const got = (await archivedBlobIds(sb, ['refs.txt'])).get('refs.txt');
      // The sandbox's own HEAD is unborn, so "HEAD" is not among the names; the tag and the branch are.
      expect(got).toEqual({ oid: blobId('sha1', ' (tag: v2.0, main)\n'), size: 19 });
    } finally {
      sb.dispose();
    }
  });

  it('sha256 repositories: the sandbox and the ids use sha256', async () => {
    const s = makeRepo(join(root, 'sha256'), { objectFormat: 'sha256' });
    const c = s.commit({ '.gitattributes': '*.bat eol=crlf\n', 'x.bat': 'x\n' });
    const repo = await openRepo(s.dir, { cacheDir });
    const sb = await openSandbox(repo, c);
    try {
      expect(sb.algo).toBe('sha256');
      expect(await archivedBlobIds(sb, ['x.bat'])).toEqual(new Map([['x.bat', { oid: blobId('sha256', 'x\r\n'), size: 3 }]]));
    } finally {
      sb.dispose();
    }
  });

  it('a bad commit: the error is git\'s, and the sandbox directory is removed', async () => {
    const repo = await openRepo(r.dir, { cacheDir });
    const tmp = join(root, 'tmp-bad');
    mkdirSync(tmp);
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      await expect(openSandbox(repo, 'f'.repeat(40))).rejects.toMatchObject({ kind: 'git' });
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe('archivedBlobIds over several git archive calls', () => {
  it('paths beyond one argv budget (96 KiB) and names that look like pathspec magic', async () => {
    const r = makeRepo(join(root, 'many'));
    const files: Record<string, string> = { '.gitattributes': '*.txt eol=crlf\n' };
    const long = 'd'.repeat(100);
    const names: string[] = [];
    for (let i = 0; i < 1100; i++) {
      const p = `${long}/${String(i).padStart(4, '0')}-${'n'.repeat(40)}.txt`;
      names.push(p);
      files[p] = `line ${i}\n`;
    }
    files[':(glob)*.txt'] = 'magic\n';
    files['*.txt'] = 'star\n';
    names.push(':(glob)*.txt', '*.txt');
    const c = r.commit(files);
    expect(names.reduce((n, p) => n + p.length + 1, 0)).toBeGreaterThan(96 * 1024);
    const repo = await openRepo(r.dir, { cacheDir });
    const sb = await openSandbox(repo, c);
    try {
      const ids = await archivedBlobIds(sb, names);
      expect(ids.size).toBe(names.length);
      expect(ids.get(names[0]!)).toEqual({ oid: blobId('sha1', 'line 0\r\n'), size: 8 });
      expect(ids.get(names[1099]!)).toEqual({ oid: blobId('sha1', 'line 1099\r\n'), size: 11 });
      expect(ids.get(':(glob)*.txt')).toEqual({ oid: blobId('sha1', 'magic\r\n'), size: 7 });
      expect(ids.get('*.txt')).toEqual({ oid: blobId('sha1', 'star\r\n'), size: 6 });
      // Only regular files: the directory entries git archive emits are not in the map.
      expect(ids.has(`${long}/`)).toBe(false);
      expect(ids.has(long)).toBe(false);
    } finally {
      sb.dispose();
    }
  });
});
