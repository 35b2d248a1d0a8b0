import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openRepo, type RepoHandle } from '../../src/acquire/repo.js';
import { commitDate, extractRelease, extractVersion, resolveRevision, tagCandidates } from '../../src/acquire/revision.js';
import { DistdiffError } from '../../src/core/errors.js';
import { makeRepo, type RepoBuilder } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

describe('extractVersion', () => {
  it.each([
    [['xz-5.6.1.tar.gz'], '5.6.1'],
    [['curl-7.88.1.tar.xz'], '7.88.1'],
    [['c-ares-1.18.1.tar.gz'], '1.18.1'],
    [['openssh-9.2p1.tar.gz'], '9.2p1'],
    [['foo_1.2.3.orig.tar.xz'], '1.2.3'],
    [['foo_1.2.3+dfsg.orig.tar.xz'], '1.2.3'],
    [['foo_1.2.3+dfsg1.orig.tar.gz'], '1.2.3'],
    [['foo_1.2.3.dfsg.orig.tar.gz'], '1.2.3'],
    [['foo_1.2.3+ds.orig.tar.gz'], '1.2.3'],
    [['foo_1.2.3.orig-docs.tar.gz'], '1.2.3'],
    // a Debian source name ending in -DIGITS: split at the last '_' (libtasn1-6_4.19.0 read as a whole gave 6_4.19.0)
    [['libtasn1-6_4.19.0.orig.tar.gz', 'libtasn1-4.19.0/'], '4.19.0'],
    [['libsigc++-2.0_2.12.0.orig.tar.xz'], '2.12.0'],
    [['db5.3_5.3.28+dfsg2.orig.tar.xz'], '5.3.28'],
    // not a Debian orig name: '_' may separate a version's numbers (c-ares' cares-1_18_1)
    [['cares-1_18_1.tar.gz'], '1_18_1'],
    [['bar-3.3a.tar.bz2'], '3.3a'],
    [['3.3a'], '3.3a'],
    [['v1.4.0.tar.gz'], '1.4.0'],
    [['proj-v2.0.1.zip'], '2.0.1'],
    [['linux-6.1.tgz'], '6.1'],
    [['pkg-1.2.3-rc1.tar.gz'], '1.2.3-rc1'],
    [['pkg-1.2.3-src.tar.gz'], '1.2.3'],
    [['download.tar.gz', 'xz-5.6.1/'], '5.6.1'],
    [['release.tar.gz', 'snapshot'], undefined],
  ] as [string[], string | undefined][])('%j → %s', (names, version) => {
    expect(extractVersion(names)).toBe(version);
  });

  it('returns the project name before the version', () => {
    expect(extractRelease(['c-ares-1.18.1.tar.gz'])).toEqual({ project: 'c-ares', version: '1.18.1' });
    expect(extractRelease(['foo_1.2.3+dfsg.orig.tar.xz'])).toEqual({ project: 'foo', version: '1.2.3' });
    expect(extractRelease(['libtasn1-6_4.19.0.orig.tar.gz'])).toEqual({ project: 'libtasn1-6', version: '4.19.0' });
    expect(extractRelease(['3.3a'])).toEqual({ version: '3.3a' });
  });
});

describe('tagCandidates', () => {
  const matches: [string, string, string?][] = [
    ['5.6.1', 'v5.6.1'],
    ['5.6.1', '5.6.1'],
    ['5.6.1', 'xz-5.6.1', 'xz'],
    ['5.6.1', 'xz_5_6_1', 'xz'],
    ['5.6.1', 'release-5.6.1'],
    ['5.6.1', 'R_5_6_1'],
    ['5.6.1', 'V5.6.1'],
    ['9.2p1', 'V_9_2_P1', 'openssh'],
    ['9.2p1', 'V_9_2_P1'],
    ['9.2p1', 'v9.2p1'],
    ['7.88.1', 'curl-7_88_1', 'curl'],
    ['1.18.1', 'cares-1_18_1', 'c-ares'],
    ['3.3a', 'v3.3a'],
    ['1.2.3-rc1', 'v1.2.3-rc1'],
    ['1.2.3-rc1', 'v1.2.3rc1'],
    ['1.2.3', 'pkg/v1.2.3'],
    ['1.2.3', 'libfoo2-1.2.3'],
  ];
  it.each(matches)('%s matches tag %s', (version, tag, project) => {
    expect(tagCandidates(version, [tag], project)).toEqual([tag]);
  });

  const misses: [string, string][] = [
    ['17.7.2', 'v17.7.2-deno'],
    ['5.6.1', 'v5.6.10'],
    ['5.6.1', 'v15.6.1'],
    ['5.6.1', '1.5.6.1'],
    ['5.6.1', '5.6.1-rc1'],
    ['5.6.1', 'v5.6.1-final'],
    ['5.6.1', 'v5.6'],
    ['5.6.1', 'v561'],
    ['5.6.1', 'v5.6.1.1'],
    ['9.2p1', 'V_9_2_P10'],
    ['9.2p1', 'V_9_2'],
    ['3.3a', 'v3.3'],
    ['1.2.3', 'libfoo21.2.3'],
  ];
  it.each(misses)('%s does not match tag %s', (version, tag) => {
    expect(tagCandidates(version, [tag])).toEqual([]);
  });

  it('prefers a tag naming the project, then generic prefixes', () => {
    const tags = ['bar-1.2.3', 'foo-1.2.3', 'v1.2.3'];
    expect(tagCandidates('1.2.3', tags, 'foo')).toEqual(['foo-1.2.3']);
    expect(tagCandidates('1.2.3', tags, 'baz')).toEqual(['v1.2.3']);
    expect(tagCandidates('1.2.3', tags)).toEqual(['v1.2.3']);
    expect(tagCandidates('1.2.3', ['bar-1.2.3', 'foo-1.2.3'])).toEqual(['bar-1.2.3', 'foo-1.2.3']);
    expect(tagCandidates('1.2.3', ['1.2.3', 'v1.2.3', 'v1.2.30'])).toEqual(['1.2.3', 'v1.2.3']);
  });

  it('formats commit dates like %cI', () => {
    expect(commitDate('tree x\ncommitter A <a@b> 1708776000 +0130\n\nmsg')).toBe('2024-02-24T13:30:00+01:30');
    expect(commitDate('committer A <a@b> 1708776000 -0500')).toBe('2024-02-24T07:00:00-05:00');
  });
});

describe('resolveRevision', () => {
  let r: RepoBuilder;
  let repo: RepoHandle;
  let c1: string;
  let c2: string;
  let c3: string;
  const root = tempDir();

  beforeAll(async () => {
    r = makeRepo(join(root, 'xz'));
    c1 = r.commit({ 'a.txt': 'one\n' });
    r.tag('v5.6.0', { message: 'release 5.6.0' });
    c2 = r.commit({ 'a.txt': 'two\n' });
    r.tag('v5.6.1');
    r.tag('5.6.1'); // same commit, lightweight
    r.tag('xz-5.6.1-rc1', { message: 'rc' });
    c3 = r.commit({ 'a.txt': 'three\n' });
    // A branch named like a tag, pointing elsewhere.
    r.git(['branch', 'v5.6.0', c3]);
    r.git(['tag', 'treetag', `${c1}^{tree}`]);
    r.git(['tag', '-a', '-m', 'tree', 'v9.9.9', `${c1}^{tree}`]);
    r.tag('v2.0');
    r.tag('release-2.0', { target: c1 });
    repo = await openRepo(r.dir, { cacheDir: join(root, 'cache') });
  });

  it('resolves an annotated tag to its commit, not to a same-named branch', async () => {
    const rev = await resolveRevision(repo, { tag: 'v5.6.0', names: ['xz-5.6.0.tar.gz'] });
    expect(rev).toEqual({ commit: c1, tag: 'v5.6.0', tagType: 'annotated', how: 'tag', version: '5.6.0', date: '2024-02-24T12:01:00+00:00' });
  });

  it('resolves a lightweight tag', async () => {
    const rev = await resolveRevision(repo, { tag: 'v5.6.1', names: [] });
    expect(rev).toMatchObject({ commit: c2, tagType: 'lightweight', how: 'tag' });
    expect(rev.version).toBeUndefined();
  });

  it('refuses a tag that points at a tree', async () => {
    for (const tag of ['treetag', 'v9.9.9']) {
      const e = await resolveRevision(repo, { tag, names: [] }).catch((x) => x);
      expect(e).toBeInstanceOf(DistdiffError);
      expect(e.kind).toBe('revision');
      expect(e.message).toBe('tag points to a tree, not a commit');
    }
  });

  it('reports a missing tag with similar names', async () => {
    const e = await resolveRevision(repo, { tag: 'xz-5.6.1', names: [] }).catch((x) => x);
    expect(e.kind).toBe('revision');
    expect(e.message).toBe(`no tag named "xz-5.6.1" in ${r.dir}`);
    expect(e.hint).toBe('similar tags: 5.6.1, v5.6.1');
  });

  it('refuses tag names that look like options or are invalid', async () => {
    expect((await resolveRevision(repo, { tag: '--all', names: [] }).catch((x) => x)).kind).toBe('usage');
    expect((await resolveRevision(repo, { tag: 'a..b', names: [] }).catch((x) => x)).kind).toBe('revision');
  });

  it('resolves full and abbreviated commit ids and refuses non-commits', async () => {
    expect(await resolveRevision(repo, { commit: c2, names: [] })).toEqual({ commit: c2, how: 'commit', date: '2024-02-24T12:02:00+00:00' });
    expect((await resolveRevision(repo, { commit: c2.slice(0, 10).toUpperCase(), names: [] })).commit).toBe(c2);
    const tree = r.git(['rev-parse', `${c1}^{tree}`]);
    const e = await resolveRevision(repo, { commit: tree, names: [] }).catch((x) => x);
    expect([e.kind, e.message]).toEqual(['revision', 'object is a tree, not a commit']);
    const missing = await resolveRevision(repo, { commit: 'deadbeefdeadbeef', names: [] }).catch((x) => x);
    expect(missing.kind).toBe('revision');
    expect((await resolveRevision(repo, { commit: 'HEAD', names: [] }).catch((x) => x)).kind).toBe('usage');
  });

  it('checks --tag against --commit when both are given', async () => {
    const e = await resolveRevision(repo, { tag: 'v5.6.1', commit: c1, names: [] }).catch((x) => x);
    expect(e.kind).toBe('revision');
    expect((await resolveRevision(repo, { tag: 'v5.6.1', commit: c2, names: [] })).commit).toBe(c2);
  });

  it('infers the tag from the archive name; equal candidates on one commit are fine', async () => {
    const rev = await resolveRevision(repo, { names: ['xz-5.6.1.tar.gz', 'xz-5.6.1'] });
    expect(rev).toMatchObject({ commit: c2, how: 'inferred', version: '5.6.1', candidates: ['5.6.1', 'v5.6.1'] });
    // Both are lightweight: the first candidate in order is compared.
    expect([rev.tag, rev.tagType]).toEqual(['5.6.1', 'lightweight']);
    const rc = await resolveRevision(repo, { names: ['xz-5.6.1-rc1.tar.gz'] });
    expect(rc).toMatchObject({ commit: c2, tag: 'xz-5.6.1-rc1', tagType: 'annotated', how: 'inferred' });
  });

  it('refuses ambiguous inference, listing the candidates', async () => {
    const e = await resolveRevision(repo, { names: ['thing-2.0.tar.gz'] }).catch((x) => x);
    expect(e.kind).toBe('revision');
    expect(e.message).toBe('2 tags match version 2.0: release-2.0, v2.0');
    expect(e.hint).toBe('pass --tag to choose one');
  });

  it('refuses when no tag matches or no version is found', async () => {
    const e = await resolveRevision(repo, { names: ['xz-5.6.10.tar.gz'] }).catch((x) => x);
    expect(e.kind).toBe('revision');
    expect(e.message).toBe(`no tag matches version 5.6.10 (8 tag(s) in ${r.dir})`);
    const n = await resolveRevision(repo, { names: ['snapshot.tar.gz'] }).catch((x) => x);
    expect([n.kind, n.message]).toEqual(['revision', 'cannot infer the release version from the archive name']);
  });

  it('asks git once per tag and repository handle (verify resolves it before and after the scan): a copy each time; another handle asks again', async () => {
    r.tag('moving-1', { target: c2 });
    try {
      const run = await openRepo(r.dir, { cacheDir: join(root, 'cache') });
      const first = await resolveRevision(run, { tag: 'moving-1', names: [] });
      expect(first).toMatchObject({ commit: c2, tag: 'moving-1', tagType: 'lightweight' });
      first.commit = 'changed by the caller';
      // The tag moves in the repository the handle reads (its cached copy).
      execFileSync('git', ['--git-dir', run.gitDir, 'tag', '-f', 'moving-1', c1], { stdio: 'ignore' });
      // The same handle: the answer it had, untouched by what the caller did with its copy.
      expect(await resolveRevision(run, { tag: 'moving-1', names: [] })).toMatchObject({ commit: c2 });
      // Another handle on the same repository asks git.
      expect(await resolveRevision({ ...run }, { tag: 'moving-1', names: [] })).toMatchObject({ commit: c1 });
    } finally {
      r.git(['tag', '-d', 'moving-1']);
    }
  });
});
