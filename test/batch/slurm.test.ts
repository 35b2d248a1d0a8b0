/**
 * distdiff batch on a real Slurm cluster: scripts/slurm-cluster.sh starts munged + slurmctld + slurmd under
 * a temporary directory on free loopback ports; the shipped sbatch example runs as a job array over a
 * manifest of 20 real releases; the merged shards equal a local --jobs run row for row. A list-form array
 * is refused by every task with the message.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/batch/manifest.js';
import { shardOf } from '../../src/batch/shard.js';
import { tempDir } from '../helpers/tmp.js';
import { comparable, readSummary, runCli } from './helpers.js';
import { buildBatchFixture, type BatchFixture } from './fixture.js';

const root = resolve(__dirname, '../..');
const script = join(root, 'scripts', 'slurm-cluster.sh');
const sbatchExample = join(root, 'examples', 'slurm', 'distdiff-batch.sbatch');

/** Two consecutive free ports on 127.0.0.1 (slurmctld, slurmd). */
async function freePortPair(): Promise<number> {
  const listen = (port: number) =>
    new Promise<import('node:net').Server | undefined>((res) => {
      const s = createServer();
      s.once('error', () => res(undefined));
      s.listen(port, '127.0.0.1', () => res(s));
    });
  for (let i = 0; i < 50; i++) {
    const a = await listen(0);
    const port = (a!.address() as import('node:net').AddressInfo).port;
    const b = port < 65535 ? await listen(port + 1) : undefined;
    await new Promise((r) => a!.close(r));
    if (b) {
      await new Promise((r) => b.close(r));
      return port;
    }
  }
  throw new Error('no two consecutive free ports');
}

describe('distdiff batch on a Slurm job array', () => {
  const tmp = tempDir('distdiff-slurm-');
  const cluster = join(tmp, 'cluster');
  let env: NodeJS.ProcessEnv;
  let fx: BatchFixture;

  beforeAll(async () => {
    fx = buildBatchFixture(join(tmp, 'fx'), { repos: 4, versions: 3 });
    const port = await freePortPair();
    const up = spawnSync('bash', [script, 'up', cluster], { encoding: 'utf8', env: { ...process.env, SLURM_PORT: String(port), SLURM_CPUS: '4' } });
    if (up.status !== 0) throw new Error(`cluster did not start:\n${up.stderr}`);
    expect(up.stdout.trim()).toBe(`SLURM_CONF=${join(cluster, 'slurm.conf')}`);
    env = { ...process.env, SLURM_CONF: join(cluster, 'slurm.conf'), DISTDIFF: `${process.execPath} ${join(root, 'dist', 'cli.js')}` };
  });
  afterAll(() => {
    spawnSync('bash', [script, 'down', cluster], { encoding: 'utf8' });
  });

  /** Submit the example script as an array, wait until the queue has none of it, return each task's state. */
  async function runArray(array: string, out: string): Promise<{ id: number; state: string; exit: string }[]> {
    const jid = execFileSync('sbatch', ['--parsable', `--array=${array}`, `--output=${out}-log-%a.txt`, `--chdir=${tmp}`, sbatchExample, fx.manifest, out], {
      env,
      encoding: 'utf8',
    }).trim();
    for (;;) {
      const q = execFileSync('squeue', ['-h', '-j', jid], { env, encoding: 'utf8' });
      if (q.trim() === '') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const show = execFileSync('scontrol', ['-o', 'show', 'job', jid], { env, encoding: 'utf8' });
    return show
      .split('\n')
      .filter((l) => l.includes('ArrayTaskId='))
      .map((l) => ({ id: Number(/ArrayTaskId=(\d+)/.exec(l)![1]), state: /JobState=(\S+)/.exec(l)![1]!, exit: /ExitCode=(\S+)/.exec(l)![1]! }))
      .sort((a, b) => a.id - b.id);
  }

  it('sbatch --array=0-6:2 over 20 releases, merged, equals a local --jobs run row for row', async () => {
    expect(fx.releases.length).toBeGreaterThanOrEqual(20);
    const local = runCli(['batch', fx.manifest, '--out', join(tmp, 'local'), '--jobs', '2', '--cache-dir', join(tmp, 'cache-local')]);
    expect(local.code).toBe(1);
    const out = join(tmp, 'slurm');
    const tasks = await runArray('0-6:2', out);
    expect(tasks).toEqual([0, 2, 4, 6].map((id) => ({ id, state: 'COMPLETED', exit: '0:0' })));
    const shards = readdirSync(tmp).filter((n) => n.startsWith('slurm') && !n.includes('log')).sort();
    expect(shards).toEqual(['slurm']);
    const dirs = readdirSync(out).filter((n) => n.startsWith('shard-')).sort();
    expect(dirs).toEqual(['shard-0', 'shard-2', 'shard-4', 'shard-6']);
    for (const id of [0, 2, 4, 6]) {
      expect(readFileSync(`${out}-log-${id}.txt`, 'utf8')).toContain(`(shard ${id / 2}/4 from slurm)`);
    }
    // Each task did exactly its shard's rows (hash(identity) mod 4; the identity holds the fixture's temp
    // paths, so which rows those are differs between runs and a shard may be empty), none twice.
    const manifest = parseManifest(readFileSync(fx.manifest, 'utf8'), { name: fx.manifest, baseDir: dirname(fx.manifest) });
    const expected = [0, 1, 2, 3].map((i) => manifest.rows.filter((r) => shardOf(r.identity, 4) === i).map((r) => r.id).sort());
    const perShard = dirs.map((d) => readSummary(join(out, d)).map((r) => r.id).sort());
    expect(perShard).toEqual(expected);
    expect(perShard.flat().length).toBe(fx.releases.length);
    expect(new Set(perShard.flat()).size).toBe(fx.releases.length);
    const m = runCli(['batch', 'merge', ...dirs.map((d) => join(out, d)), '--out', join(tmp, 'merged')]);
    expect(m.code).toBe(1);
    expect(readSummary(join(tmp, 'merged')).map(comparable)).toEqual(readSummary(join(tmp, 'local')).map(comparable));
    // One clone per bundle repository in the cache the tasks shared.
    const clones = readdirSync(join(out, 'cache', 'repos'));
    expect(clones.map((n) => n.replace(/-[0-9a-f]{12}$/, '')).sort()).toEqual(['proj1', 'proj3']);
  });

  it('a list-form array (--array=1,3,7) is refused by each task with what to do', async () => {
    const out = join(tmp, 'list');
    const tasks = await runArray('1,3,7', out);
    expect(tasks.map((t) => [t.id, t.state])).toEqual([
      [1, 'FAILED'],
      [3, 'FAILED'],
      [7, 'FAILED'],
    ]);
    for (const id of [1, 3, 7]) {
      expect(readFileSync(`${out}-log-${id}.txt`, 'utf8')).toContain(
        'distdiff: Slurm job array: array ids 1…7 with step 1 are not 3 evenly spaced ids (a list such as --array=1,3,7?)',
      );
    }
  });
});
