/**
 * Sharding: which rows of a manifest this process verifies. Pure.
 *
 * A row belongs to shard `hash(identity) mod N`, so adding rows to a manifest never moves a row that was
 * already assigned (and done) to another shard. The shard comes from `--shard I/N` or from the
 * environment of the engine that started the process:
 *
 *   Slurm job array   SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT/MIN/MAX/STEP. `--array=0-9`,
 *                     `--array=1-10` and `--array=0-18:2` are arithmetic ranges: shard (ID-MIN)/STEP of COUNT.
 *                     A list (`--array=1,3,7`) is refused: its ids are not recoverable from the variables.
 *   Kubernetes        JOB_COMPLETION_INDEX (Indexed Job) with DISTDIFF_SHARD_COUNT (or --shard-count):
 *                     Kubernetes does not put the completion count in the environment.
 *   Cloud Run jobs    CLOUD_RUN_TASK_INDEX with CLOUD_RUN_TASK_COUNT.
 *   GitHub Actions    explicit: `--shard ${{ matrix.shard }}/N`.
 */
import { DistdiffError } from '../core/errors.js';

export interface Shard {
  index: number;
  count: number;
  /** Where it came from: 'option', 'slurm', 'kubernetes', 'cloud-run'. */
  source: string;
}

const INT = /^(0|[1-9][0-9]{0,8})$/;

function int(v: string | undefined, name: string, where: string): number {
  if (v === undefined || !INT.test(v.trim())) {
    throw new DistdiffError('usage', where, `${name}=${v ?? '(unset)'} is not a non-negative integer`, 'check the job environment or pass --shard I/N');
  }
  return Number(v.trim());
}

export function parseShard(spec: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(spec);
  if (!m || !INT.test(m[1]!) || !INT.test(m[2]!)) throw new DistdiffError('usage', `--shard ${spec}`, 'not of the form I/N', 'give the shard index and count, e.g. --shard 0/4 (index from 0)');
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new DistdiffError('usage', `--shard ${spec}`, `shard index must be 0 … ${Math.max(0, count - 1)}`, 'index from 0 to N-1, N at least 1');
  return { index, count, source: 'option' };
}

/** The shard named by the environment of a job engine, or undefined when none applies. */
export function shardFromEnv(env: NodeJS.ProcessEnv, opts: { count?: number } = {}): Shard | undefined {
  if (env.SLURM_ARRAY_TASK_ID !== undefined && env.SLURM_ARRAY_TASK_ID !== '') {
    const where = 'Slurm job array';
    const id = int(env.SLURM_ARRAY_TASK_ID, 'SLURM_ARRAY_TASK_ID', where);
    const count = int(env.SLURM_ARRAY_TASK_COUNT, 'SLURM_ARRAY_TASK_COUNT', where);
    const min = int(env.SLURM_ARRAY_TASK_MIN, 'SLURM_ARRAY_TASK_MIN', where);
    const max = int(env.SLURM_ARRAY_TASK_MAX, 'SLURM_ARRAY_TASK_MAX', where);
    const step = env.SLURM_ARRAY_TASK_STEP === undefined ? 1 : int(env.SLURM_ARRAY_TASK_STEP, 'SLURM_ARRAY_TASK_STEP', where);
    if (count < 1 || step < 1 || min + (count - 1) * step !== max) {
      throw new DistdiffError(
        'usage',
        where,
        `array ids ${min}…${max} with step ${step} are not ${count} evenly spaced ids (a list such as --array=1,3,7?), so this task's shard cannot be told from its id`,
        'submit a range (--array=0-N-1, optionally with :step or %limit) or pass --shard I/N',
      );
    }
    if (id < min || id > max || (id - min) % step !== 0) {
      throw new DistdiffError('usage', where, `SLURM_ARRAY_TASK_ID=${id} is not in the array ${min}-${max}:${step}`, 'check the job environment or pass --shard I/N');
    }
    return { index: (id - min) / step, count, source: 'slurm' };
  }
  if (env.JOB_COMPLETION_INDEX !== undefined && env.JOB_COMPLETION_INDEX !== '') {
    const where = 'Kubernetes Indexed Job';
    const index = int(env.JOB_COMPLETION_INDEX, 'JOB_COMPLETION_INDEX', where);
    const rawCount = opts.count !== undefined ? String(opts.count) : env.DISTDIFF_SHARD_COUNT;
    if (rawCount === undefined || rawCount === '') {
      throw new DistdiffError('usage', where, 'JOB_COMPLETION_INDEX is set but the number of shards is not', 'set DISTDIFF_SHARD_COUNT to the Job\'s completions (or pass --shard-count N)');
    }
    const count = int(rawCount, 'DISTDIFF_SHARD_COUNT', where);
    if (count < 1 || index >= count) throw new DistdiffError('usage', where, `completion index ${index} is not below the shard count ${count}`, 'set DISTDIFF_SHARD_COUNT to the Job\'s completions');
    return { index, count, source: 'kubernetes' };
  }
  if (env.CLOUD_RUN_TASK_INDEX !== undefined && env.CLOUD_RUN_TASK_INDEX !== '') {
    const where = 'Cloud Run job';
    const index = int(env.CLOUD_RUN_TASK_INDEX, 'CLOUD_RUN_TASK_INDEX', where);
    const count = int(env.CLOUD_RUN_TASK_COUNT, 'CLOUD_RUN_TASK_COUNT', where);
    if (count < 1 || index >= count) throw new DistdiffError('usage', where, `task index ${index} is not below the task count ${count}`, 'check the job environment or pass --shard I/N');
    return { index, count, source: 'cloud-run' };
  }
  return undefined;
}

/** The shard of a row: its identity (hex sha256) read as a number, mod count. Stable when rows are added. */
export function shardOf(identity: string, count: number): number {
  return Number(BigInt('0x' + identity.slice(0, 16)) % BigInt(count));
}
