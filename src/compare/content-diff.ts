/**
 * Line diffs between the git and tarball content of one file (package `diff`), bounded in size and
 * time so a huge rewrite cannot stall a run.
 */
import { structuredPatch, formatPatch } from 'diff';
import type { ContentDiff } from '../core/types.js';

export interface ContentDiffOptions {
  /** Largest unified diff text kept, in bytes. */
  maxBytes?: number;
  /** Give up on a line diff after this many milliseconds (then sizes and hashes only). */
  timeoutMs?: number;
  /** Names of the two sides in the diff header (default git, tarball; regeneration uses regenerated, tarball). */
  labels?: [string, string];
}

/** A file is binary when it holds a NUL byte in its first 8000 bytes (git's heuristic). */
export function isBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8000).includes(0);
}

export function contentDiff(
  path: string,
  git: Buffer | undefined,
  tarball: Buffer | undefined,
  ids: { gitOid?: string; tarballOid?: string; gitSize?: number; tarballSize?: number },
  opts: ContentDiffOptions = {},
): ContentDiff {
  const base = { gitOid: ids.gitOid, tarballOid: ids.tarballOid, gitSize: git?.length ?? ids.gitSize, tarballSize: tarball?.length ?? ids.tarballSize };
  if (!git || !tarball) return { kind: 'unavailable', reason: 'too-large', ...base };
  if (isBinary(git) || isBinary(tarball)) return { kind: 'binary', ...base };
  const [left, right] = opts.labels ?? ['git', 'tarball'];
  const patch = structuredPatch(`a/${path}`, `b/${path}`, git.toString('utf8'), tarball.toString('utf8'), left, right, {
    context: 3,
    timeout: opts.timeoutMs ?? 3000,
  });
  if (!patch) return { kind: 'unavailable', reason: 'diff-timeout', ...base };
  let added = 0;
  let removed = 0;
  for (const h of patch.hunks) {
    for (const l of h.lines) {
      if (l.startsWith('+')) added += 1;
      else if (l.startsWith('-')) removed += 1;
    }
  }
  let unified = formatPatch(patch);
  const max = opts.maxBytes ?? 64 * 1024;
  let truncated = false;
  if (unified.length > max) {
    // Keep whole lines within max bytes: the last newline at index max - 1 or before.
    unified = unified.slice(0, unified.lastIndexOf('\n', max - 1) + 1);
    truncated = true;
  }
  return { kind: 'text', unified, truncated, added, removed, ...base };
}
