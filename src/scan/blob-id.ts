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
  return size === 0 ? new EmptyHasher(algo) : new StreamHasher(algo, size);
}

// Classes, not closures: one object per file (plus node's Hash) instead of a closure per method and
// their context — a tarball has one hasher per file, and what is allocated per file decides how often
// the young generation is collected.
class StreamHasher implements BlobHasher {
  private readonly h: Hash;
  received = 0;

  constructor(
    algo: HashAlgo,
    private readonly size: number,
  ) {
    this.h = createHash(algo);
    this.h.update(`blob ${size}\0`);
  }

  update(chunk: Uint8Array): void {
    this.received += chunk.length;
    this.h.update(chunk);
  }

  digest(): string {
    if (this.received !== this.size) throw new Error(`blob hasher: declared ${this.size} bytes, got ${this.received}`);
    return this.h.digest('hex');
  }
}

class EmptyHasher implements BlobHasher {
  received = 0;

  constructor(private readonly algo: HashAlgo) {}

  update(chunk: Uint8Array): void {
    this.received += chunk.length;
  }

  digest(): string {
    if (this.received !== 0) throw new Error(`blob hasher: declared 0 bytes, got ${this.received}`);
    return EMPTY[this.algo];
  }
}
