/**
 * A regenerated file against the tarball's copy, whatever its size. A retained copy (at most --max-retain-file)
 * is compared byte for byte and both are at hand for a line diff. A larger one was not retained: the scan kept
 * its head (src/scan/content-store.ts) and its blob id, the hash of every byte as it streamed; the regenerated
 * file is then hashed the same way, streamed from disk, and equal ids are equal bytes. Nothing of either large
 * file is held in memory; a differing large file has no line diff (the tarball's bytes are gone).
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import type { ContentAccess } from '../classify/types.js';
import type { HashAlgo } from '../core/types.js';
import { createBlobHasher } from '../scan/blob-id.js';

/** The git blob id of a file on disk, hashed as it streams (bounded memory whatever its size). */
export async function fileBlobId(algo: HashAlgo, file: string): Promise<string> {
  const h = createBlobHasher(algo, statSync(file).size);
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) h.update(chunk as Buffer);
  return h.digest();
}

/** The first `max` bytes of the tarball's copy of `path`: retained content, or the head kept of a larger file. */
export function shippedHead(content: ContentAccess, path: string, max: number): Buffer | undefined {
  return (content.tarball(path) ?? content.tarballHead?.(path)?.head)?.subarray(0, max);
}

export interface ShippedComparison {
  same: boolean;
  /** Whether the regenerated file exists. */
  produced: boolean;
  /** Both sides' bytes, for a line diff: only when the tarball's copy was retained. */
  got?: Buffer;
  shipped?: Buffer;
  /** The tarball's copy was over the per-file limit: compared by blob id. */
  byId?: boolean;
}

/** `file` (regenerated, on disk) against the tarball's `path`; same is false when the tarball's side is unknown. */
export async function compareWithShipped(content: ContentAccess, path: string, file: string): Promise<ShippedComparison> {
  const produced = existsSync(file) && statSync(file).isFile();
  const shipped = content.tarball(path);
  if (shipped !== undefined || !produced) {
    const got = produced ? readFileSync(file) : undefined;
    return { same: !!got && !!shipped && got.equals(shipped), produced, ...(got ? { got } : {}), ...(shipped ? { shipped } : {}) };
  }
  const large = content.tarballHead?.(path);
  if (!large) return { same: false, produced };
  const same = statSync(file).size === large.size && (await fileBlobId(large.algo, file)) === large.oid;
  return { same, produced, byId: true };
}
