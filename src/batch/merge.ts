/**
 * `distdiff batch merge DIR… --out OUT`: combine the output directories of several shards (or runs) into
 * one: rows and reports copied (atomically), summary.jsonl rebuilt in manifest order, manifest errors
 * de-duplicated. A release present in several inputs keeps the row with a verdict, then the newest.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DistdiffError } from '../core/errors.js';
import { buildDatabase, type DbOutcome } from './db.js';
import { atomicWrite, outDirs, prepareOutDir, readRows, TMP_MARK, type OutDirs } from './files.js';
import type { BatchRow } from './row.js';
import { writeSummary } from './run.js';

export interface MergeSummary {
  inputs: number;
  rows: number;
  conflicts: number;
  out: OutDirs;
  exitCode: 0 | 1;
  db: DbOutcome;
}

function better(a: BatchRow, b: BatchRow): BatchRow {
  if ((a.status === 'error') !== (b.status === 'error')) return a.status === 'error' ? b : a;
  return a.finishedAt >= b.finishedAt ? a : b;
}

export async function mergeOutputs(dirs: string[], outPath: string): Promise<MergeSummary> {
  if (dirs.length === 0) throw new DistdiffError('usage', 'batch merge', 'no directories to merge', 'give the shard output directories');
  const out = prepareOutDir(resolve(outPath));
  const chosen = new Map<string, { row: BatchRow; from: OutDirs }>();
  const badLines = new Map<string, string>();
  let conflicts = 0;
  for (const dir of dirs) {
    const d = outDirs(resolve(dir));
    if (!existsSync(d.rows)) throw new DistdiffError('not-found', dir, 'not a batch output directory (no rows/)', 'give directories written by distdiff batch --out');
    const { rows, unreadable } = readRows<BatchRow>(d.rows);
    if (unreadable.length > 0) throw new DistdiffError('archive', join(dir, 'rows', unreadable[0]!), 'unreadable row file', 'rerun the batch for this shard: it rewrites the row');
    for (const row of rows) {
      const prev = chosen.get(row.id);
      if (prev) {
        conflicts++;
        if (better(prev.row, row) === prev.row) continue;
      }
      chosen.set(row.id, { row, from: d });
    }
    for (const name of readdirSync(d.root)) {
      if (!/^manifest-errors.*\.jsonl$/.test(name) || name.includes(TMP_MARK)) continue;
      for (const l of readFileSync(join(d.root, name), 'utf8').split('\n')) if (l.trim()) badLines.set(l, l);
    }
  }
  for (const { row, from } of chosen.values()) {
    if (from.root !== out.root) {
      if (row.report) {
        const src = join(from.root, row.report);
        if (existsSync(src)) atomicWrite(join(out.root, row.report), readFileSync(src));
      }
    }
    atomicWrite(join(out.rows, `${row.id}.json`), JSON.stringify(row) + '\n');
  }
  const rows = [...chosen.values()].map((c) => c.row);
  writeSummary(out, rows);
  atomicWrite(join(out.root, 'manifest-errors.jsonl'), [...badLines.keys()].sort().map((l) => l + '\n').join(''));
  const db = await buildDatabase(out, rows);
  return {
    db,
    inputs: dirs.length,
    rows: rows.length,
    conflicts,
    out,
    exitCode: rows.some((r) => r.status !== 'passed') || badLines.size > 0 ? 1 : 0,
  };
}
