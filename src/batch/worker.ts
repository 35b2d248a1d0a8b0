/**
 * Batch worker process: verifies one release at a time for the parent (src/batch/run.ts) over the IPC
 * channel. Each release goes through verify() exactly as `distdiff --format json` does; the full report
 * is written atomically to results/<id>.json and the summary row is sent back. A failure of one release
 * becomes an error row; a crash of this process becomes one in the parent. When the parent goes away
 * (killed, even with SIGKILL), the IPC channel closes and this process exits.
 *
 * An entry point like src/cli.ts: it owns its process.
 */
import { join } from 'node:path';
import { loadPolicy } from '../classify/policy.js';
import { DistdiffError } from '../core/errors.js';
import type { Limits } from '../core/limits.js';
import type { Severity } from '../core/types.js';
import { renderJson } from '../render/json.js';
import { verify } from '../verify.js';
import { atomicWrite, withLock } from './files.js';
import type { ManifestRow } from './manifest.js';
import { cachedRepoLock } from './repo-lock.js';
import type { BatchRow, RowKey } from './row.js';

export interface WorkerOptions {
  cacheDir: string;
  failOn: Severity;
  policyPath?: string;
  allowHttp?: boolean;
  npmRegistry?: string;
  limits?: Partial<Limits>;
  optionsKey: string;
  version: string;
}

export type ToWorker = { type: 'run'; row: ManifestRow; resultsDir: string; opts: WorkerOptions };
export type FromWorker = { type: 'ready' } | { type: 'row'; row: BatchRow };

export async function verifyRow(row: ManifestRow, resultsDir: string, o: WorkerOptions): Promise<BatchRow> {
  const start = Date.now();
  const base = {
    id: row.id,
    line: row.line,
    identity: row.identity,
    tarball: row.tarball,
    repo: row.repo,
    ...(row.tag ? { tag: row.tag } : {}),
    ...(row.commit ? { commit: row.commit } : {}),
  };
  const key: RowKey = { version: o.version, options: o.optionsKey, ...(row.sha256 ? { sha256: row.sha256 } : {}) };
  try {
    const run = () =>
      verify({
        tarball: row.resolved.tarball,
        repo: row.resolved.repo,
        tag: row.tag,
        commit: row.commit,
        sha256: row.sha256,
        profile: row.profile ?? 'auto',
        cacheDir: o.cacheDir,
        failOn: o.failOn,
        policy: o.policyPath ? loadPolicy(o.policyPath) : undefined,
        allowHttp: o.allowHttp,
        ...(o.npmRegistry ? { npmRegistry: o.npmRegistry } : {}),
        limits: o.limits,
      });
    const lock = cachedRepoLock(row, o.cacheDir);
    const r = lock ? await withLock(lock, run) : await run();
    const report = `results/${row.id}.json`;
    atomicWrite(join(resultsDir, `${row.id}.json`), renderJson(r));
    const failed = r.verdict === 'different';
    const k = r.counts;
    return {
      ...base,
      key: { ...key, ...(r.inputs.tarball.sha256 ? { sha256: r.inputs.tarball.sha256 } : {}), commit: r.inputs.revision.commit },
      status: failed ? 'failed' : 'passed',
      exitCode: failed ? 1 : 0,
      verdict: r.verdict,
      revision: { commit: r.inputs.revision.commit, ...(r.inputs.revision.tag ? { tag: r.inputs.revision.tag } : {}), how: r.inputs.revision.how },
      ...(r.inputs.profile ? { profile: r.inputs.profile.id } : {}),
      counts: {
        tarballOnly: k.tarballOnly,
        gitOnly: k.gitOnly,
        changed: k.changed,
        explained: k.explained,
        unexplained: k.unexplained,
        bySeverity: k.bySeverity,
      },
      codes: k.byCode as Record<string, number>,
      report,
      durationMs: Date.now() - start,
      finishedAt: new Date().toISOString(),
    };
  } catch (e) {
    const error =
      e instanceof DistdiffError
        ? { kind: e.kind, message: e.oneLine() }
        : { kind: 'internal', message: `internal error: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}` };
    return { ...base, key, status: 'error', exitCode: 2, error, durationMs: Date.now() - start, finishedAt: new Date().toISOString() };
  }
}

if (process.send && process.argv.includes('--distdiff-batch-worker')) {
  const send = (m: FromWorker) => process.send!(m);
  process.on('disconnect', () => process.exit(0));
  process.on('message', (m: ToWorker) => {
    if (m.type !== 'run') return;
    void verifyRow(m.row, m.resultsDir, m.opts).then((row) => send({ type: 'row', row }));
  });
  send({ type: 'ready' });
}
