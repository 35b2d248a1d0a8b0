/** Shared by the batch tests: the built CLI and the summary rows it writes. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(__dirname, '../..');
export const cli = join(root, 'dist', 'cli.js');

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const p = spawnSync(process.execPath, [env.DISTDIFF_CLI ?? cli, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 300_000 });
  return { code: p.status, stdout: p.stdout, stderr: p.stderr };
}

export interface Row {
  id: string;
  line: number;
  status: string;
  exitCode: number;
  verdict?: string;
  error?: { kind: string; message: string };
  key: { sha256?: string; commit?: string; version: string; options: string };
  finishedAt: string;
  report?: string;
  shard?: string;
}

export const readSummary = (dir: string): Row[] =>
  readFileSync(join(dir, 'summary.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Row);

/** A row without the fields that describe the run rather than the release. */
export const comparable = (r: Row) => {
  const { durationMs: _d, finishedAt: _f, shard: _s, ...rest } = r as Row & { durationMs?: number };
  return rest;
};

