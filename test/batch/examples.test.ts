/** The shipped cluster examples agree with themselves and with the CLI they call. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, runCli } from './helpers.js';

const read = (p: string) => readFileSync(join(root, 'examples', p), 'utf8');

describe('examples', () => {
  it('Kubernetes: an Indexed Job whose DISTDIFF_SHARD_COUNT equals its completions', () => {
    const y = read('kubernetes/distdiff-batch-job.yaml');
    expect(y).toMatch(/^\s+completionMode: Indexed$/m);
    const completions = /^\s+completions: (\d+)$/m.exec(y)![1];
    expect(/name: DISTDIFF_SHARD_COUNT\n\s+value: "(\d+)"/.exec(y)![1]).toBe(completions);
    expect(y).toContain('--out /audit/out/shard-$JOB_COMPLETION_INDEX');
  });
  it('GitHub Actions: the matrix has as many shards as --shard says', () => {
    const w = read('github-actions/distdiff-batch.yml');
    const shards = JSON.parse(/shard: (\[[\d, ]+\])/.exec(w)![1]!) as number[];
    const n = Number(/--shard \$\{\{ matrix\.shard \}\}\/(\d+)/.exec(w)![1]);
    expect(shards).toEqual([...Array(n).keys()]);
    expect(w).toContain('distdiff batch merge out/shard-* --out audit');
  });
  it('every option the examples pass is one distdiff batch accepts', () => {
    const help = runCli(['batch', '--help']).stdout;
    for (const text of [read('slurm/distdiff-batch.sbatch'), read('kubernetes/distdiff-batch-job.yaml'), read('github-actions/distdiff-batch.yml')]) {
      const opts = [...text.matchAll(/distdiff batch (?!merge)[^\n]*(?:\n\s+--[^\n]*)*/gi)].flatMap((m) => [...m[0].matchAll(/ (--[a-z-]+)/g)].map((x) => x[1]!));
      expect(opts.length).toBeGreaterThan(0);
      for (const o of opts) expect(help).toContain(o);
    }
  });
});
