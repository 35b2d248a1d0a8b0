/**
 * Data files bundled under data/ (gzipped JSON derived by scripts/): loaded on first use, once. A missing or
 * unreadable file yields null, and the check that needs it is skipped.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

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
