/** A given tag naming another version than the archive (issue 11): a finding, with real git and GNU tar. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tagConflictsWithVersion } from '../../src/profiles/chain.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

describe('--tag conflicting with the archive name', () => {
  it('compares leading numbers only', () => {
    expect(tagConflictsWithVersion('v5.6.0', '5.6.1')).toEqual({ tagVersion: '5.6.0' });
    expect(tagConflictsWithVersion('2025.01.31', '2025.1.31')).toBeUndefined();
    expect(tagConflictsWithVersion('json-c-0.16-20220414', '0.16')).toBeUndefined();
    expect(tagConflictsWithVersion('R_2_5_0', '2.5.0')).toBeUndefined();
    expect(tagConflictsWithVersion('v9.1.0', '9.1.0+ds1')).toBeUndefined();
    expect(tagConflictsWithVersion('release', '1.0')).toBeUndefined();
    expect(tagConflictsWithVersion('v1.0', '2')).toBeUndefined(); // case-2.tar: one number is not a version
  });

  it('proj-1.1.tar.gz with --tag v1.0 is TAG_CONFLICTS_WITH_ARCHIVE (high); with --tag v1.1 nothing', async () => {
    const root = tempDir();
    const repo = makeRepo(join(root, 'repo'));
    repo.commit({ 'README': 'proj\n' });
    repo.tag('v1.0');
    repo.tag('v1.1');
    const dir = join(root, 't', 'proj-1.1');
    writeFiles(dir, { README: 'proj\n' });
    const t = makeTar(dir, { compress: 'gzip', out: join(root, 't', 'proj-1.1.tar.gz') });
    const bad = await verify({ tarball: t, repo: repo.dir, tag: 'v1.0', cacheDir: join(root, 'c') });
    expect(bad.findings.map((f) => ({ code: f.code, path: f.path, severity: f.severity, evidence: f.evidence }))).toEqual([
      { code: 'TAG_CONFLICTS_WITH_ARCHIVE', path: 'proj-1.1.tar.gz', severity: 'high', evidence: { tag: 'v1.0', tagVersion: '1.0', archiveVersion: '1.1', source: 'archive-name' } },
    ]);
    expect(bad.verdict).toBe('different');
    const good = await verify({ tarball: t, repo: repo.dir, tag: 'v1.1', cacheDir: join(root, 'c') });
    expect(good.findings).toEqual([]);
  });
});
