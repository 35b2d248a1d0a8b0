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

const caches = { dir: new WeakMap<ReadonlySet<string>, Map<string, string[]>>(), base: new WeakMap<ReadonlySet<string>, Map<string, string[]>>() };

/** The paths grouped by directory or by base name; built once per path set. */
export function pathsBy(key: 'dir' | 'base', paths: ReadonlySet<string>): Map<string, string[]> {
  let idx = caches[key].get(paths);
  if (!idx) {
    const of = key === 'dir' ? dirOf : baseOf;
    idx = new Map();
    for (const p of paths) {
      const k = of(p);
      const list = idx.get(k);
      if (list) list.push(p);
      else idx.set(k, [p]);
    }
    caches[key].set(paths, idx);
  }
  return idx;
}
