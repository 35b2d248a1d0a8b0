/** Pure helpers for command-line values. */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DistdiffError } from '../core/errors.js';

export function parseSize(input: string, option: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$/i.exec(input);
  if (!m) throw new DistdiffError('usage', `--${option} ${input}`, 'not a size', 'use a number with an optional K, M, G or T suffix, e.g. 2G');
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.round(Number(m[1]) * mult);
}

export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  if (env.DISTDIFF_CACHE_DIR) return env.DISTDIFF_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'distdiff');
}

