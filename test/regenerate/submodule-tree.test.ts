/**
 * A pinned submodule's files in the regeneration tree (p11-kit 0.25.5's shape: the top Makefile.am includes
 * subprojects/pkcs11-json/Makefile.am from a submodule). Real repositories built here (a project pinning a second
 * repository as the submodule `sub`, fixed dates), the release made by the real `autoreconf -fi` + `make dist` from
 * a recursive checkout, verified with the real pipeline: with the submodule's repository given, automake runs and
 * Makefile.in is proved (the included fragment an input from git); without it, the outputs stay unproved (high);
 * a tampered Makefile.in stays high.
 */
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import { submoduleTreesNeeded, MAX_SUBMODULE_FILES, type SubmoduleTree } from '../../src/regenerate/regenerate.js';
import { verify } from '../../src/verify.js';
import { makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { byPath, distRelease, editFile, releaseCopies, sh } from './release.js';

const root = tempDir('distdiff-regen-sub-');
const subDir = join(root, 'sub-repo');
const repoDir = join(root, 'demo');
const cache = join(root, 'cache');
let tarball = '';
let distDir = '';
const tampered = releaseCopies(root, () => distDir, 'demo-1.0');

beforeAll(() => {
  const sub = makeRepo(subDir);
  const pinned = sub.commit({ 'extra.am': 'EXTRA_DIST += sub/data.json\n', 'data.json': '{ "demo": 1 }\n' });
  const r = makeRepo(repoDir);
  r.commit({
    // an address nothing answers on: only --submodule gives the repository
    '.gitmodules': '[submodule "sub"]\n\tpath = sub\n\turl = git://127.0.0.1:1/sub.git\n',
    'configure.ac': 'AC_INIT([demo], [1.0], [bugs@example.invalid])\nAM_INIT_AUTOMAKE([foreign])\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n',
    'Makefile.am': 'EXTRA_DIST =\ninclude sub/extra.am\n',
  });
  r.git(['update-index', '--add', '--cacheinfo', `160000,${pinned},sub`]);
  r.git(['commit', '-q', '-m', 'pin sub']);
  r.tag('v1.0', { message: 'demo 1.0' });
  // the maintainer's recursive checkout: the submodule's files in sub/
  mkdirSync(join(repoDir, 'sub'), { recursive: true });
  cpSync(join(subDir, 'extra.am'), join(repoDir, 'sub/extra.am'));
  cpSync(join(subDir, 'data.json'), join(repoDir, 'sub/data.json'));
  ({ tarball, distDir } = distRelease(root, repoDir, 'demo-1.0', 'autoreconf -fi && ./configure -q && make -s dist'));
}, 300_000);

const run = (tar: string, withSub: boolean) => verify({ tarball: tar, repo: repoDir, tag: 'v1.0', cacheDir: cache, ...(withSub ? { submodules: [{ name: 'sub', repo: subDir }] } : {}) });
const high = (fs: readonly Finding[]) => fs.filter((f) => f.severity === 'high' || f.severity === 'critical').map((f) => [f.path, f.code]);

describe('a pinned submodule a Makefile.am includes', () => {
  it('with its repository: the submodule tree is in the regeneration tree, Makefile.in, aclocal.m4, configure proved', async () => {
    const r = await run(tarball, true);
    const by = byPath(r.findings);
    for (const p of ['Makefile.in', 'aclocal.m4', 'configure']) {
      const f = by[p]!;
      if (f.code !== 'GENERATED_BY_AUTOTOOLS' || !f.evidence.proof?.proved || f.evidence.proof.method !== 'regenerated') throw new Error(`${p} not proved: ${JSON.stringify(f)}`);
    }
    const mk = by['Makefile.in']!;
    if (mk.code !== 'GENERATED_BY_AUTOTOOLS' || !mk.evidence.proof?.proved || mk.evidence.proof.method !== 'regenerated') throw new Error('not proved');
    expect(mk.evidence.proof.inputs).toContainEqual(expect.objectContaining({ path: 'sub/extra.am', origin: 'git', explainedBy: 'git' }));
    expect(high(r.findings)).toEqual([]);
  }, 120_000);

  it('without it: automake cannot read the fragment, the outputs stay unproved (high)', async () => {
    const r = await run(tarball, false);
    expect(high(r.findings)).toContainEqual(['.', 'UNPROVED_BUILD_OUTPUTS']);
  }, 120_000);

  it('tampered twin: a line added to Makefile.in stays REGENERATION_MISMATCH (high)', async () => {
    const t = tampered((d) => editFile(d, 'Makefile.in', (s) => s.replace('\nEXTRA_DIST = ', '\nLIBS += -lpayload\nEXTRA_DIST = ')));
    const r = await run(t, true);
    expect(byPath(r.findings)['Makefile.in']).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
  }, 120_000);
});

describe('submoduleTreesNeeded', () => {
  const tree = (path: string, n = 2): SubmoduleTree => ({ name: path, path, commit: '0'.repeat(40), files: new Map(Array.from({ length: n }, (_, i) => [`f${i}`, '0'.repeat(40)])), read: async () => undefined });
  it('a submodule some configure.ac or Makefile.am names by its path, and not too large', () => {
    const subs = [tree('subprojects/pkcs11-json'), tree('gnulib', MAX_SUBMODULE_FILES + 1), tree('other')];
    expect(submoduleTreesNeeded(subs, ['include subprojects/pkcs11-json/Makefile.am\n']).map((s) => s.path)).toEqual(['subprojects/pkcs11-json']);
    expect(submoduleTreesNeeded(subs, ['include $(top_srcdir)/subprojects/pkcs11-json/Makefile.am\n']).map((s) => s.path)).toEqual(['subprojects/pkcs11-json']);
    expect(submoduleTreesNeeded(subs, ['SUBDIRS = gnulib lib\n', 'x = otherwise\n', 'y = subprojects/pkcs11-json-old/x\n'])).toEqual([]);
  });
});
