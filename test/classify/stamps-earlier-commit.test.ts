/**
 * A stamp over git-version-gen's name of an earlier commit (src/classify/stamps.ts): util-linux 2.38.1's tracked
 * po/util-linux.pot says `Project-Id-Version: util-linux 2.38.73-eae294` (the catalog was made 73 commits after v2.38,
 * at eae29433, and committed), the release's says `2.38.1` with a later POT-Creation-Date. 2.38.73 is above 2.38.1, so
 * without proof it reads as a version going backwards (red team 28: a bound moved); proved in the repository — a
 * commit the release reaches starts with the ABBREV and `git describe --match 'v*'` of it is vT-N-g… — it is an
 * earlier value of the same field. End to end with a real repository: v1.0, two commits, the catalog naming the second
 * (1.0.2-ABBREV) committed, a maintenance branch, the release v1.0.1.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeDoc } from '../../src/core/codes.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const pot = (version: string, date: string, bugs = 'bugs@example.invalid') =>
  `# Messages of proj.\nmsgid ""\nmsgstr ""\n"Project-Id-Version: proj ${version}\\n"\n"Report-Msgid-Bugs-To: ${bugs}\\n"\n"POT-Creation-Date: ${date}\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "hello"\nmsgstr ""\n`;

const root = tempDir();
const r = makeRepo(join(root, 'proj'));
r.commit({ 'configure.ac': 'AC_INIT([proj], [1.0])\n', README: 'proj\n' });
r.tag('v1.0', { message: 'proj 1.0' });
r.commit({ README: 'proj, after 1.0\n' });
const second = r.commit({ README: 'proj, two after 1.0\n' });
r.git(['checkout', '-q', '-b', 'maint', 'v1.0']);
r.commit({ NEWS: 'maintenance\n' });
const maint = r.commit({ NEWS: 'maintenance, again\n' });
r.git(['checkout', '-q', '-']);
const abbrev = second.slice(0, 6);
const TRACKED = {
  // made at `second` (2 commits after v1.0): git-version-gen says 1.0.2-ABBREV
  'po/proj.pot': pot(`1.0.2-${abbrev}`, '2024-02-24 12:02+0000'),
  // the same commit, a count it is not
  'po/count.pot': pot(`1.0.3-${abbrev}`, '2024-02-24 12:02+0000'),
  // a commit of the maintenance branch, which the release does not reach (2 after v1.0 there too)
  'po/maint.pot': pot(`1.0.2-${maint.slice(0, 6)}`, '2024-02-24 12:02+0000'),
  // a bound above the release, no commit named: red team 28's shape
  'po/bound.pot': pot('1.0.2', '2024-02-24 12:02+0000'),
};
r.commit({ ...TRACKED, 'configure.ac': 'AC_INIT([proj], [1.0.1])\n' });
r.tag('v1.0.1', { message: 'proj 1.0.1' });

let n = 0;
async function run(edit: (files: Record<string, string>) => void = () => {}) {
  const tree = join(root, `t${++n}`, 'proj-1.0.1');
  const files: Record<string, string> = { 'configure.ac': 'AC_INIT([proj], [1.0.1])\n', README: 'proj, two after 1.0\n' };
  for (const p of Object.keys(TRACKED)) files[p] = pot('1.0.1', '2024-02-24 12:30+0000');
  edit(files);
  writeFiles(tree, files);
  const tarball = makeTar(tree, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.0.1.tar.gz') });
  const res = await verify({ tarball, repo: r.dir, tag: 'v1.0.1', cacheDir: join(root, 'cache') });
  return Object.fromEntries(res.findings.map((f) => [f.path, f]));
}

describe("a restamped version where git has git-version-gen's name of an earlier commit", () => {
  it('proved in the repository: VERSION_STAMP (low), the commit named in the evidence and the message', async () => {
    const fs = await run();
    const f = fs['po/proj.pot']!;
    expect(f).toMatchObject({ code: 'VERSION_STAMP', severity: 'low', evidence: { version: '1.0.1', lines: [4, 6], earlier: [{ value: `1.0.2-${abbrev}`, tag: 'v1.0', commit: second, commits: 2 }] } });
    if (f.code !== 'VERSION_STAMP') throw new Error('not a stamp');
    expect(codeDoc('VERSION_STAMP').message(f.evidence)).toBe(`only version/date stamps changed (lines 4, 6); git's 1.0.2-${abbrev} is commit ${second.slice(0, 12)}, 2 after v1.0, which the release reaches`);
  });

  it('a wrong count, a commit the release does not reach, a plain higher version: no stamp', async () => {
    const fs = await run();
    for (const p of ['po/count.pot', 'po/maint.pot', 'po/bound.pot']) expect(fs[p]!.code, p).not.toBe('VERSION_STAMP');
  });

  it('anything else changed beside the proved stamp: no stamp', async () => {
    const fs = await run((files) => {
      files['po/proj.pot'] = pot('1.0.1', '2024-02-24 12:30+0000', 'bugs@elsewhere.invalid');
    });
    expect(fs['po/proj.pot']!.code).not.toBe('VERSION_STAMP');
    // a date far from the release is no stamp either
    const far = await run((files) => {
      files['po/proj.pot'] = pot('1.0.1', '2026-02-24 12:30+0000');
    });
    expect(far['po/proj.pot']!.code).not.toBe('VERSION_STAMP');
  });
});
