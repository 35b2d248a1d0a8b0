/**
 * Git blob ids: the hash of `blob <size>\0` followed by the content, SHA-1 or SHA-256 depending on the
 * repository's object format.
 */
import { createHash, type Hash } from 'node:crypto';
import type { HashAlgo } from '../core/types.js';

export function blobId(algo: HashAlgo, content: Buffer | Uint8Array | string): string {
  const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const h = createHash(algo);
  h.update(`blob ${buf.length}\0`);
  h.update(buf);
  return h.digest('hex');
}

/** Streaming blob hasher for content of a size known in advance (tar/zip headers declare it). */
export interface BlobHasher {
  update(chunk: Uint8Array): void;
  /** Bytes fed so far. */
  readonly received: number;
  /** The blob id. Throws if the content fed does not have the declared size. */
  digest(): string;
}

/** The id of the empty blob, one string per algorithm (empty files are common: one shared id, no hashing). */
const EMPTY: Record<HashAlgo, string> = { sha1: blobId('sha1', ''), sha256: blobId('sha256', '') };

export function createBlobHasher(algo: HashAlgo, size: number): BlobHasher {
  if (size === 0) return emptyHasher(algo);
  const h: Hash = createHash(algo);
  h.update(`blob ${size}\0`);
  let received = 0;
  return {
    update(chunk) {
      received += chunk.length;
      h.update(chunk);
    },
    get received() {
      return received;
    },
    digest() {
      if (received !== size) throw new Error(`blob hasher: declared ${size} bytes, got ${received}`);
      return h.digest('hex');
    },
  };
}

function emptyHasher(algo: HashAlgo): BlobHasher {
  let received = 0;
  return {
    update(chunk) {
      received += chunk.length;
    },
    get received() {
      return received;
    },
    digest() {
      if (received !== 0) throw new Error(`blob hasher: declared 0 bytes, got ${received}`);
      return EMPTY[algo];
    },
  };
}
