/**
 * Bounded store of file contents keyed by blob id. Files larger than `maxFile` are never buffered;
 * the total of kept content never exceeds `maxTotal`. Wanted-but-dropped ids are listed in `skipped`.
 *
 * A file over `maxFile` keeps its head instead: its first HEAD_BYTES (the banner a generator writes, a
 * metadata block), at most MAX_HEADS_TOTAL of heads in all. Its blob id (the hash of all its bytes, streamed)
 * is what a comparison with a regenerated file uses (src/regenerate/shipped.ts).
 */
import type { ContentStore } from '../core/types.js';

/** Bytes kept of the head of a file over the per-file limit. */
export const HEAD_BYTES = 64 * 1024;
/** Total of kept heads: 256 files over the limit keep theirs, later ones none. */
export const MAX_HEADS_TOTAL = 16 * 1024 * 1024;

export class BoundedContentStore implements ContentStore {
  private readonly map = new Map<string, Buffer>();
  private readonly heads = new Map<string, Buffer>();
  private total = 0;
  private headsTotal = 0;
  readonly skipped = new Set<string>();

  constructor(
    readonly maxFile: number,
    readonly maxTotal: number,
  ) {}

  /** Whether a file of this size should be buffered while streaming (it might be retained). */
  wantsBuffer(size: number): boolean {
    return size <= this.maxFile && this.total + size <= this.maxTotal;
  }

  get(oid: string): Buffer | undefined {
    return this.map.get(oid);
  }

  /** Whether a file of this size keeps its head while streaming (it is over the per-file limit; heads budget left, `pending` bytes of heads not offered yet). */
  wantsHead(size: number, pending = 0): boolean {
    return size > this.maxFile && this.headsTotal + pending + Math.min(size, HEAD_BYTES) <= MAX_HEADS_TOTAL;
  }

  /** The first bytes of a file over the per-file limit (at most HEAD_BYTES), when kept. */
  head(oid: string): Buffer | undefined {
    return this.heads.get(oid);
  }

  /** Offer the head of a file over the per-file limit; kept within the heads budget. */
  offerHead(oid: string, head: Buffer): void {
    if (this.heads.has(oid) || this.headsTotal + head.length > MAX_HEADS_TOTAL) return;
    this.heads.set(oid, head);
    this.headsTotal += head.length;
  }

  has(oid: string): boolean {
    return this.map.has(oid);
  }

  /** Bytes currently retained. */
  get retainedBytes(): number {
    return this.total;
  }

  get size(): number {
    return this.map.size;
  }

  /**
   * Offer content (or just its size when it was not buffered). Returns true when it is (already) kept.
   */
  offer(oid: string, size: number, content: Buffer | undefined): boolean {
    if (this.map.has(oid)) return true;
    if (content === undefined || size > this.maxFile || this.total + size > this.maxTotal) {
      this.skipped.add(oid);
      return false;
    }
    this.map.set(oid, content);
    this.total += size;
    this.skipped.delete(oid);
    return true;
  }
}
