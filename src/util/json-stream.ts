/**
 * JSON written as it is produced: the same bytes as `JSON.stringify(value, null, 2)`, yielded in pieces,
 * so a report with millions of findings never exists as one string. Containers near the top are walked
 * here; everything below `depth` levels is handed to JSON.stringify one element at a time and re-indented.
 *
 * A `LazyJsonArray` stands for an array whose elements are made only when they are written (SARIF's
 * results: one object per finding would double the memory of a huge report).
 */

/** An array whose elements are made one at a time while they are written. */
export class LazyJsonArray<T = unknown> {
  constructor(
    readonly length: number,
    private readonly at: (i: number) => T,
  ) {}
  /** Element i (made now). */
  get(i: number): T {
    return this.at(i);
  }
  /** The elements as a real array (JSON.stringify and in-memory callers). */
  toJSON(): T[] {
    return Array.from({ length: this.length }, (_, i) => this.at(i));
  }
}

const PAD: string[] = [''];
const pad = (n: number): string => (PAD[n] ??= ' '.repeat(n));

/** JSON.stringify(v, null, 2) for a value nested `level` levels deep (its continuation lines indented). */
function leaf(v: unknown, level: number): string | undefined {
  const s = JSON.stringify(v, null, 2) as string | undefined;
  if (s === undefined || level === 0 || !s.includes('\n')) return s;
  return s.replace(/\n/g, '\n' + pad(2 * level));
}

const skipped = (v: unknown): boolean => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/**
 * The pieces of `JSON.stringify(value, null, 2)`. Objects and arrays are walked down to `depth` levels
 * (enough to reach the large arrays of a report); deeper values are stringified whole.
 */
export function* jsonChunks(value: unknown, depth = 4, key = '', level = 0): Generator<string> {
  let v = value;
  if (v !== null && typeof v === 'object' && !(v instanceof LazyJsonArray) && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    v = (v as { toJSON: (k: string) => unknown }).toJSON(key);
  }
  if (v === null || typeof v !== 'object' || level >= depth) {
    const s = leaf(v, level);
    if (s !== undefined) yield s;
    return;
  }
  const inner = pad(2 * (level + 1));
  if (v instanceof LazyJsonArray || Array.isArray(v)) {
    const n = v.length;
    if (n === 0) {
      yield '[]';
      return;
    }
    const get = v instanceof LazyJsonArray ? (i: number) => v.get(i) : (i: number) => (v as unknown[])[i];
    for (let i = 0; i < n; i++) {
      yield (i === 0 ? '[\n' : ',\n') + inner;
      const el = get(i);
      // JSON.stringify writes null for elements it cannot represent
      if (skipped(el)) yield 'null';
      else {
        let wrote = false;
        for (const c of jsonChunks(el, depth, String(i), level + 1)) {
          wrote = true;
          yield c;
        }
        if (!wrote) yield 'null';
      }
    }
    yield '\n' + pad(2 * level) + ']';
    return;
  }
  let first = true;
  for (const k of Object.keys(v)) {
    const el = (v as Record<string, unknown>)[k];
    if (skipped(el)) continue;
    const it = jsonChunks(el, depth, k, level + 1);
    const head = it.next();
    if (head.done) continue; // a toJSON that returned undefined
    yield (first ? '{\n' : ',\n') + inner + JSON.stringify(k) + ': ' + head.value;
    first = false;
    for (const c of it) yield c;
  }
  yield first ? '{}' : '\n' + pad(2 * level) + '}';
}

/** Joins small pieces into blocks of about `size` characters (fewer writes). */
export function* blocks(chunks: Iterable<string>, size = 1 << 16): Generator<string> {
  let buf = '';
  for (const c of chunks) {
    buf += c;
    if (buf.length >= size) {
      yield buf;
      buf = '';
    }
  }
  if (buf.length > 0) yield buf;
}
