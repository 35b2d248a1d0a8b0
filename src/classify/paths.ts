/** Path helpers shared by the classifiers: directory and base name, and git paths grouped by either. */

export const dirOf = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
export const baseOf = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** Normalise a relative path: drop '.' segments, resolve '..' ('' for the top; undefined when it leaves it). */
export function normalisePath(p: string): string | undefined {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!out.length) return undefined;
      out.pop();
    } else out.push(seg);
  }
  return out.join('/');
}

/** Paths ordered by how many leading directories they share with `near`, then by name (code-point order). */
export function nearestFirst(paths: readonly string[], near: string): string[] {
  const b = dirOf(near).split('/');
  const shared = (p: string) => {
    const a = dirOf(p).split('/');
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return i;
  };
  return [...paths].sort((x, y) => shared(y) - shared(x) || (x < y ? -1 : x > y ? 1 : 0));
}

/**
 * Git's (or the archive's) paths grouped by directory or base name, as a Map would give them, built only when a run
 * asks for more than a few groups. The first SCANNED_GETS look-ups each scan the path set for their one key (no
 * string made per path; ≈ 1–2 ms for the kernel's 78,662 paths) — a run with a handful of differences asks a handful
 * — and the index of every group (a string and an array per directory or base name, ≈ 50–200 ms and its garbage for
 * the kernel) is made on the next look-up or an iteration. A group, once returned, is the same array from then on
 * (the index takes over the arrays already handed out), so a caller that sorts it in place sorts it for the next
 * caller too, exactly as with a Map built up front; a missing group is undefined, as Map#get gives.
 */
export class PathGroups {
  private index: Map<string, string[]> | undefined;
  /** Groups scanned before the index exists (undefined values: no path has that key). */
  private readonly scanned = new Map<string, string[] | undefined>();

  constructor(
    private readonly key: 'dir' | 'base',
    private readonly paths: ReadonlySet<string>,
  ) {}

  get(k: string): string[] | undefined {
    if (this.index) return this.index.get(k);
    if (this.scanned.has(k)) return this.scanned.get(k);
    if (this.scanned.size >= SCANNED_GETS) return this.full().get(k);
    const out: string[] = [];
    const n = k.length;
    if (this.key === 'dir') {
      // dirOf(p) === k: p is `k/name` (or has no '/' when k is '').
      for (const p of this.paths) if (n === 0 ? !p.includes('/') : p.length > n && p.charCodeAt(n) === 47 && p.startsWith(k) && p.indexOf('/', n + 1) === -1) out.push(p);
    } else {
      // baseOf(p) === k: p is k, or ends in `/k` (a k with a '/' is no base name).
      if (!k.includes('/')) for (const p of this.paths) if (p.endsWith(k) && (p.length === n || p.charCodeAt(p.length - n - 1) === 47)) out.push(p);
    }
    const got = out.length ? out : undefined;
    this.scanned.set(k, got);
    return got;
  }

  [Symbol.iterator](): IterableIterator<[string, string[]]> {
    return this.full()[Symbol.iterator]();
  }

  private full(): Map<string, string[]> {
    if (this.index) return this.index;
    const of = this.key === 'dir' ? dirOf : baseOf;
    const idx = new Map<string, string[]>();
    const scanned = this.scanned;
    for (const p of this.paths) {
      const k = of(p);
      const list = idx.get(k);
      if (list) {
        if (!scanned.has(k)) list.push(p);
      } else {
        // A group handed out before keeps its identity (and whatever order a caller gave it), in its place.
        idx.set(k, scanned.get(k) ?? [p]);
      }
    }
    scanned.clear();
    return (this.index = idx);
  }
}

/** Look-ups answered by a scan of the path set before the whole index is built (PathGroups). */
export const SCANNED_GETS = 8;

const caches = { dir: new WeakMap<ReadonlySet<string>, PathGroups>(), base: new WeakMap<ReadonlySet<string>, PathGroups>() };

/** The paths grouped by directory or by base name (PathGroups); one per path set. */
export function pathsBy(key: 'dir' | 'base', paths: ReadonlySet<string>): PathGroups {
  let idx = caches[key].get(paths);
  if (!idx) caches[key].set(paths, (idx = new PathGroups(key, paths)));
  return idx;
}
