/**
 * The lock a batch row's cloned repository is fetched under: shared by the pool (src/batch/run.ts), which
 * hands rows of one clone to one worker at a time, and the worker (src/batch/worker.ts), which takes it.
 * Its own module so the pool does not load the worker's code (the worker is a separate entry point).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { cacheName } from '../acquire/repo.js';
import { isPathInput, type ManifestRow } from './manifest.js';

/** The cache entry a repository input is cloned into, when it is cloned (URLs and bundles); undefined for a local directory. */
export function cachedRepoLock(row: ManifestRow, cacheDir: string): string | undefined {
  if (isPathInput(row.repo)) {
    try {
      if (statSync(row.resolved.repo).isDirectory()) return undefined;
    } catch {
      return undefined; // missing: verify reports it
    }
  }
  return join(cacheDir, 'locks', `${cacheName(row.resolved.repo)}.lock`);
}
