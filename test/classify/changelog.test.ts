import { describe, expect, it } from 'vitest';
import { changelogClassifier, newestChangelogEntry, revisionDates } from '../../src/classify/changelog.js';
import { diffOf, makeCtx, REV } from './ctx-helper.js';

const OTHER = '2222222222222222222222222222222222222222';
const gitlog = (id: string) => `commit ${id}\nAuthor: A <a@example.invalid>\nDate:   Sat Mar 9 12:00:00 2024 +0200\n\n    Bump version.\n\ncommit ${OTHER}\nAuthor: A <a@example.invalid>\n`;
const G2CL = '2024-03-09  Jane Doe  <jane@example.invalid>\n\n\tBump version.\n\n2024-03-01  Jane Doe  <jane@example.invalid>\n';

async function run(content: string, opts: { tracked?: string; date?: string; path?: string } = {}) {
  const path = opts.path ?? 'ChangeLog';
  const git = opts.tracked !== undefined ? { [path]: opts.tracked } : {};
  const ctx = makeCtx({ git, tarball: { [path]: content }, revision: { date: opts.date } });
  return changelogClassifier.classify(diffOf(ctx, path), ctx);
}

describe('changelogClassifier', () => {
  it('explains a git-log ChangeLog whose newest commit is the tag', async () => {
    expect(await run(gitlog(REV), { tracked: 'See git log.\n' })).toEqual({
      code: 'CHANGELOG_FROM_GIT', path: 'ChangeLog', severity: 'info', evidence: { commit: REV },
    });
  });
  it('flags a ChangeLog built from another commit', async () => {
    expect(await run(gitlog(OTHER))).toMatchObject({ code: 'CHANGELOG_OTHER_COMMIT', severity: 'high', evidence: { commit: OTHER, expected: REV } });
  });
  it('matches gitlog-to-changelog output by the revision date (own zone or UTC)', async () => {
    expect(await run(G2CL, { date: '2024-03-09T23:30:00-02:00' })).toMatchObject({ code: 'CHANGELOG_FROM_GIT', evidence: { commit: REV } });
    expect(await run(G2CL, { date: '2024-03-08T23:30:00-02:00' })).toMatchObject({ code: 'CHANGELOG_FROM_GIT' });
    expect(await run(G2CL, { date: '2024-03-10T12:00:00Z' })).toBeUndefined();
    expect(await run(G2CL)).toBeUndefined();
  });
  it('cannot decide for hand-written files, other names or a prose mention of a commit', async () => {
    expect(await run('Version 1.0: first release.\n')).toBeUndefined();
    expect(await run(gitlog(REV), { path: 'NEWS' })).toBeUndefined();
    expect(await run(`Fixed in\ncommit ${REV}\nsee above\n`)).toBeUndefined();
    expect(await run(`Release notes\n\n${G2CL}`, { date: '2024-03-09T12:00:00Z' })).toBeUndefined();
  });
  it('accepts ChangeLog.* names', async () => {
    expect(await run(gitlog(REV), { path: 'doc/ChangeLog.old' })).toMatchObject({ code: 'CHANGELOG_FROM_GIT' });
  });
  it('parses helpers', () => {
    expect(revisionDates('2024-03-09T23:30:00-02:00')).toEqual(['2024-03-09', '2024-03-10']);
    expect(newestChangelogEntry(G2CL)).toEqual({ kind: 'date', newest: '2024-03-09' });
  });
});
