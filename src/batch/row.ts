/**
 * One summary row per release, and the key that says whether a release is already done.
 *
 * The key is (tarball sha256, resolved commit, distdiff version, options). A rerun skips a row whose
 * recorded key still holds: same version and options, the local archive still hashes to the recorded
 * sha256 (a pinned `sha256` in the manifest counts as the archive's), and the revision still resolves to
 * the recorded commit where that can be told without the network (a commit in the manifest, or a tag of a
 * local repository). Downloads and cached clones are not fetched again just to check: their recorded
 * values stand (rerun with a new --out, or delete the row, to force a check).
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import type { Verdict } from '../core/result.js';
import type { Severity } from '../core/types.js';
import { runGitText } from '../git/run.js';
import { VERSION } from '../version.js';
import { isPathInput, type ManifestRow } from './manifest.js';

export interface RowKey {
  sha256?: string;
  commit?: string;
  version: string;
  /** sha256 of the options that change a verdict (fail-on, policy content, profile). */
  options: string;
}

export type RowStatus = 'passed' | 'failed' | 'error';

export interface BatchRow {
  id: string;
  line: number;
  identity: string;
  tarball: string;
  repo: string;
  tag?: string;
  /** The commit the manifest named (the compared one is revision.commit). */
  commit?: string;
  key: RowKey;
  /** passed: verdict below the gate (exit 0); failed: at or above --fail-on (exit 1); error: no verdict (exit 2). */
  status: RowStatus;
  exitCode: 0 | 1 | 2;
  verdict?: Verdict;
  revision?: { commit: string; tag?: string; how: string };
  profile?: string;
  counts?: {
    tarballOnly: number;
    gitOnly: number;
    changed: number;
    explained: number;
    unexplained: number;
    bySeverity: Record<Severity, number>;
  };
  /** Findings per code. */
  codes?: Record<string, number>;
  error?: { kind: string; message: string };
  /** Relative to the output directory. */
  report?: string;
  durationMs: number;
  finishedAt: string;
  shard?: string;
}

/** Fields that describe how a row was produced rather than what it found (excluded when comparing runs). */
export const RUN_FIELDS = ['durationMs', 'finishedAt', 'shard'] as const;

export function optionsKey(o: { failOn: Severity; policyText?: string; profile?: string }): string {
  return createHash('sha256')
    .update(JSON.stringify({ failOn: o.failOn, policy: o.policyText ?? null, profile: o.profile ?? 'auto' }))
    .digest('hex');
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** The parts of a row's key that can be known now without the network (undefined: cannot tell). */
export async function currentKey(row: ManifestRow, options: string): Promise<RowKey> {
  const key: RowKey = { version: VERSION, options };
  if (row.sha256) key.sha256 = row.sha256;
  else if (isPathInput(row.tarball)) {
    try {
      if (statSync(row.resolved.tarball).isFile()) key.sha256 = await sha256File(row.resolved.tarball);
    } catch {
      /* missing now: the rerun reports it */
    }
  }
  if (isPathInput(row.repo) && (row.tag || row.commit)) {
    try {
      if (statSync(row.resolved.repo).isDirectory()) {
        const rev = row.commit ?? `refs/tags/${row.tag}`;
        key.commit = await runGitText('', ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], { cwd: row.resolved.repo });
      }
    } catch {
      /* not resolvable now: the rerun reports it */
    }
  } else if (row.commit && /^([0-9a-f]{40}|[0-9a-f]{64})$/.test(row.commit)) {
    key.commit = row.commit;
  }
  return key;
}

/** A recorded row is still done when it has a verdict and every part of the key that can be told agrees. */
export function stillDone(recorded: BatchRow, now: RowKey): boolean {
  if (recorded.status === 'error') return false;
  const k = recorded.key;
  if (k.version !== now.version || k.options !== now.options) return false;
  if (now.sha256 !== undefined && k.sha256 !== now.sha256) return false;
  if (now.commit !== undefined && k.commit !== now.commit) return false;
  return true;
}
