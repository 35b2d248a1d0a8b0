/**
 * Data files bundled under data/ (JSON derived by scripts/): loaded on first use, once.
 *
 * - lazyGzipJson: gzipped JSON; a missing or unreadable file yields null, and the check that needs it is skipped.
 * - lazyJson: plain JSON; a missing file yields null (the check is skipped), a corrupt one is a config error naming
 *   the file and the script that rebuilds it (a half-read corpus must not silently weaken a check).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DistdiffError } from '../core/errors.js';

export function lazyGzipJson<F, T>(url: URL, make: (file: F) => T): () => T | null {
  let loaded: T | null | undefined;
  return () => {
    if (loaded === undefined) {
      try {
        loaded = make(JSON.parse(gunzipSync(readFileSync(url)).toString('utf8')) as F);
      } catch {
        loaded = null;
      }
    }
    return loaded;
  };
}

/** `what` names the data in the error ("distribution patch corpus"), `remedy` says how to rebuild it. */
export function lazyJson<F, T>(url: URL, make: (file: F) => T, what: string, remedy: string): () => T | null {
  let loaded: T | null | undefined;
  return () => {
    if (loaded !== undefined) return loaded;
    let text: string;
    try {
      text = readFileSync(url, 'utf8');
    } catch {
      return (loaded = null);
    }
    try {
      return (loaded = make(JSON.parse(text) as F));
    } catch (err) {
      if (err instanceof DistdiffError) throw err;
      throw new DistdiffError('config', String(url), `corrupt ${what}: ${(err as Error).message}`, remedy);
    }
  };
}
