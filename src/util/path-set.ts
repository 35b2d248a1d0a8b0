/**
 * Read-only path sets that cost less than a Set when a tree has millions of paths (a Set slot is ~40 bytes
 * per path; these are 0 or 8):
 *
 * - `KeySet`: the keys of a Map, as a set (no copy at all).
 * - `SortedPathSet`: paths in a sorted array (binary search), made only on first use from `build`.
 *
 * Iteration order: a KeySet's is the map's; a SortedPathSet's is byte (UTF-16 code unit) order.
 */

/** The keys of `map` as a ReadonlySet (a live view). */
export class KeySet<K> implements ReadonlySet<K> {
  constructor(private readonly map: ReadonlyMap<K, unknown>) {}
  get size(): number {
    return this.map.size;
  }
  has(k: K): boolean {
    return this.map.has(k);
  }
  keys(): IterableIterator<K> {
    return this.map.keys();
  }
  values(): IterableIterator<K> {
    return this.map.keys();
  }
  *entries(): IterableIterator<[K, K]> {
    for (const k of this.map.keys()) yield [k, k];
  }
  forEach(cb: (value: K, key: K, set: ReadonlySet<K>) => void, thisArg?: unknown): void {
    // Map#forEach: no iterator result per key (the set may be every path of a tree).
    this.map.forEach((_v, k) => cb.call(thisArg, k, k, this));
  }
  [Symbol.iterator](): IterableIterator<K> {
    return this.map.keys();
  }
}

/** Index of `key` in the sorted array `sorted` (byte order), or -1. */
export function sortedIndexOf<T>(sorted: readonly T[], key: string, keyOf: (t: T) => string): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const k = keyOf(sorted[mid]!);
    if (k < key) lo = mid + 1;
    else if (k > key) hi = mid - 1;
    else return mid;
  }
  return -1;
}

const self = (s: string) => s;

/** A set of paths held as one sorted array, built by `build` (any order, duplicates allowed) on first use. */
export class SortedPathSet implements ReadonlySet<string> {
  private sorted: string[] | undefined;
  constructor(private build: (() => string[]) | undefined) {}

  private paths(): string[] {
    if (this.sorted === undefined) {
      const a = this.build!();
      this.build = undefined;
      a.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
      let n = 0;
      for (let i = 0; i < a.length; i++) if (n === 0 || a[i] !== a[n - 1]) a[n++] = a[i]!;
      a.length = n;
      this.sorted = a;
    }
    return this.sorted;
  }
  get size(): number {
    return this.paths().length;
  }
  has(p: string): boolean {
    return sortedIndexOf(this.paths(), p, self) >= 0;
  }
  keys(): IterableIterator<string> {
    return this.paths()[Symbol.iterator]();
  }
  values(): IterableIterator<string> {
    return this.keys();
  }
  *entries(): IterableIterator<[string, string]> {
    for (const p of this.paths()) yield [p, p];
  }
  forEach(cb: (value: string, key: string, set: ReadonlySet<string>) => void, thisArg?: unknown): void {
    for (const p of this.paths()) cb.call(thisArg, p, p, this);
  }
  [Symbol.iterator](): IterableIterator<string> {
    return this.keys();
  }
}

/**
 * The position of each key in a list, found by hashing (open addressing over an Int32Array: 8–16 bytes per
 * key outside the JS heap, instead of a Map's ~50): `indexOf(key)` is the position of the LAST element with
 * that key, or -1. The list must not change afterwards.
 */
export class PathIndex<T> {
  private readonly slots: Int32Array;
  private readonly mask: number;
  constructor(
    private readonly list: readonly T[],
    private readonly keyOf: (t: T) => string,
  ) {
    let size = 16;
    while (size < list.length * 2) size *= 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    for (let i = 0; i < list.length; i++) {
      const key = keyOf(list[i]!);
      let s = hash(key) & this.mask;
      for (;;) {
        const at = this.slots[s]!;
        if (at < 0 || keyOf(list[at]!) === key) break;
        s = (s + 1) & this.mask;
      }
      this.slots[s] = i;
    }
  }
  indexOf(key: string): number {
    let s = hash(key) & this.mask;
    for (;;) {
      const at = this.slots[s]!;
      if (at < 0) return -1;
      if (this.keyOf(this.list[at]!) === key) return at;
      s = (s + 1) & this.mask;
    }
  }
  get(key: string): T | undefined {
    const i = this.indexOf(key);
    return i < 0 ? undefined : this.list[i];
  }
}

/** FNV-1a over the UTF-16 code units. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
