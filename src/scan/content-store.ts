/**
 * Bounded store of file contents keyed by blob id. Files larger than `maxFile` are never buffered;
 * the total of kept content never exceeds `maxTotal`. Wanted-but-dropped ids are listed in `skipped`.
 */
import type { ContentStore } from '../core/types.js';

export class BoundedContentStore implements ContentStore {
  private readonly map = new Map<string, Buffer>();
  private total = 0;
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
