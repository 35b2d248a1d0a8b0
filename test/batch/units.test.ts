/** Pure parts of the batch: manifest parsing, shard assignment from options and engine environments, progress line. */
import { describe, expect, it } from 'vitest';
import { formatBatchProgress } from '../../src/batch/progress.js';
import { parseManifest, splitCsv } from '../../src/batch/manifest.js';
import { parseShard, shardFromEnv, shardOf } from '../../src/batch/shard.js';
import { DistdiffError } from '../../src/core/errors.js';

const oneLine = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof DistdiffError) return e.oneLine();
    throw e;
  }
  throw new Error('did not throw');
};

describe('manifest', () => {
  it('JSONL: resolves relative paths against the manifest, keeps URLs, reports bad lines by number', () => {
    const text = [
      '{"tarball":"t/a-1.0.tar.gz","repo":"../r/a","tag":"v1.0"}',
      '',
      '# comment',
      '{"tarball":"https://example.invalid/b-2.tar.xz","repo":"git@example.invalid:b.git","commit":"ABCDEF0","sha256":"' + 'A'.repeat(64) + '"}',
      '{"tarball":"x.tgz"}',
      'not json',
      '[1]',
      '{"tarball":"x.tgz","repo":"r","tag":"v1","commit":"abcd"}',
      '{"tarball":"x.tgz","repo":"r","profile":"maven"}',
      '{"tarball":"x.tgz","repo":"r","colour":"red"}',
      '{"tarball":"t/a-1.0.tar.gz","repo":"../r/a","tag":"v1.0","id":"again"}',
      '{"tarball":"npm:left-pad@1.3.0","repo":"/abs/r","id":"../evil"}',
      '{"tarball":"x\\u0000y","repo":"r"}',
    ].join('\n');
    const m = parseManifest(text, { name: 'm.jsonl', baseDir: '/data/man' });
    expect(m.format).toBe('jsonl');
    expect(m.rows.map((r) => [r.line, r.resolved.tarball, r.resolved.repo, r.tag ?? r.commit])).toEqual([
      [1, '/data/man/t/a-1.0.tar.gz', '/data/r/a', 'v1.0'],
      [4, 'https://example.invalid/b-2.tar.xz', 'git@example.invalid:b.git', 'abcdef0'],
    ]);
    expect(m.rows[0]!.id).toMatch(/^a-1\.0-[0-9a-f]{12}$/);
    expect(m.rows[1]!.sha256).toBe('a'.repeat(64));
    expect(m.bad).toEqual([
      { line: 5, problem: 'missing field "repo"' },
      { line: 6, problem: expect.stringMatching(/^not valid JSON \(/) },
      { line: 7, problem: 'not a JSON object' },
      { line: 8, problem: 'give "tag" or "commit", not both' },
      { line: 9, problem: 'profile "maven" is not one of auto, autotools, npm, pypi, wheel, crate, cpan, forge, none' },
      { line: 10, problem: 'unknown field "colour" (fields: tarball, repo, tag, commit, sha256, profile, id)' },
      { line: 11, problem: 'same release as line 1' },
      { line: 12, problem: 'id "../evil" must be 1-128 characters of A-Z a-z 0-9 . _ - (it names files)' },
      { line: 13, problem: 'field "tarball" contains a control character' },
    ]);
  });

  it('CSV: header first, quoted fields, wrong field counts reported', () => {
    expect(splitCsv('a,"b,""c""",d')).toEqual(['a', 'b,"c"', 'd']);
    expect(splitCsv('a,"b"x')).toBe('text after a closing quote');
    const m = parseManifest('tarball,repo,tag\r\na.tar.gz,r,v1\r\nb.tar.gz,r\r\n', { name: 'm.csv', baseDir: '/d' });
    expect(m.rows.map((r) => r.resolved.tarball)).toEqual(['/d/a.tar.gz']);
    expect(m.bad).toEqual([{ line: 3, problem: '2 fields, the header has 3' }]);
    expect(parseManifest('a,b\n', { name: 'm.csv', baseDir: '/d' }).bad[0]!.problem).toMatch(/^not a header line/);
  });
});

describe('shards', () => {
  const slurm = (id: number, count: number, min: number, max: number, step: number) => ({
    SLURM_ARRAY_TASK_ID: String(id),
    SLURM_ARRAY_TASK_COUNT: String(count),
    SLURM_ARRAY_TASK_MIN: String(min),
    SLURM_ARRAY_TASK_MAX: String(max),
    SLURM_ARRAY_TASK_STEP: String(step),
  });
  it('Slurm ranges: 0-5, 1-6, 0-10:5 map to 0-based shards', () => {
    expect(shardFromEnv(slurm(3, 6, 0, 5, 1))).toEqual({ index: 3, count: 6, source: 'slurm' });
    expect(shardFromEnv(slurm(1, 6, 1, 6, 1))).toEqual({ index: 0, count: 6, source: 'slurm' });
    expect(shardFromEnv(slurm(10, 3, 0, 10, 5))).toEqual({ index: 2, count: 3, source: 'slurm' });
  });
  it('Slurm lists are refused with what to do', () => {
    expect(oneLine(() => shardFromEnv(slurm(3, 3, 1, 7, 1)))).toBe(
      'Slurm job array: array ids 1…7 with step 1 are not 3 evenly spaced ids (a list such as --array=1,3,7?), so this task\'s shard cannot be told from its id; submit a range (--array=0-N-1, optionally with :step or %limit) or pass --shard I/N',
    );
    expect(oneLine(() => shardFromEnv({ ...slurm(3, 3, 0, 2, 1) }))).toMatch(/SLURM_ARRAY_TASK_ID=3 is not in the array 0-2:1/);
    expect(oneLine(() => shardFromEnv({ ...slurm(1, 3, 0, 2, 1), SLURM_ARRAY_TASK_COUNT: 'x' }))).toMatch(/SLURM_ARRAY_TASK_COUNT=x is not a non-negative integer/);
  });
  it('Kubernetes needs a count; Cloud Run; none', () => {
    expect(oneLine(() => shardFromEnv({ JOB_COMPLETION_INDEX: '2' }))).toMatch(/set DISTDIFF_SHARD_COUNT/);
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '2', DISTDIFF_SHARD_COUNT: '5' })).toEqual({ index: 2, count: 5, source: 'kubernetes' });
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '2' }, { count: 3 })).toEqual({ index: 2, count: 3, source: 'kubernetes' });
    expect(shardFromEnv({ CLOUD_RUN_TASK_INDEX: '0', CLOUD_RUN_TASK_COUNT: '4' })).toEqual({ index: 0, count: 4, source: 'cloud-run' });
    expect(shardFromEnv({})).toBeUndefined();
    expect(parseShard('2/8')).toEqual({ index: 2, count: 8, source: 'option' });
    expect(oneLine(() => parseShard('8/8'))).toMatch(/shard index must be 0 … 7/);
    expect(oneLine(() => parseShard('a/b'))).toMatch(/not of the form I\/N/);
  });
  it('assignment by the row identity: adding rows does not move existing ones', () => {
    const rowsOf = (names: string[]) => parseManifest(names.map((n) => JSON.stringify({ tarball: `${n}.tgz`, repo: 'r' })).join('\n'), { name: 'm.jsonl', baseDir: '/' }).rows;
    const first = rowsOf(Array.from({ length: 200 }, (_, i) => `t${i}`));
    const grown = rowsOf(Array.from({ length: 300 }, (_, i) => (i % 3 === 1 ? `new${i}` : `t${i - Math.floor((i + 1) / 3)}`)));
    const shard = new Map(grown.map((r) => [r.id, shardOf(r.identity, 4)]));
    expect(new Set(first.map((r) => shardOf(r.identity, 4)))).toEqual(new Set([0, 1, 2, 3]));
    for (const r of first) expect(shard.get(r.id)).toBe(shardOf(r.identity, 4));
    expect(first.every((r) => shard.has(r.id))).toBe(true);
  });
});

describe('progress line', () => {
  it('bar, counts, rate and ETA within the width', () => {
    const line = formatBatchProgress({ total: 40, done: 10, failed: 1, skipped: 2, elapsedMs: 120_000 }, 80);
    expect(line).toBe('[=======>                    ] 12/40 done, 1 failed, 2 skipped  5.0/min ETA 5:36');
    expect(line.length).toBeLessThanOrEqual(80);
    expect(formatBatchProgress({ total: 3, done: 0, failed: 0, skipped: 0, elapsedMs: 0 }, 30)).toBe('0/3 done, 0 failed  --/min ETA');
  });
});
