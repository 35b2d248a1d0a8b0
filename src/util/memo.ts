/**
 * Values computed once per key object and kept while the key lives (a WeakMap): the classifiers' per-tree and per-run
 * caches, keyed by a tree's path set (ctx.gitPaths, ctx.tarballPaths) or the run's ClassifyContext, so nothing outlives
 * the verification that built it. `build` runs on the first call for a key only; what it returns is kept as it is — a
 * Promise too, so callers that ask while it is being built share the one computation (and its failure).
 */

/** A cache of one value per key object: `cached(key, build)`. */
export function oncePer<K extends object, V>(): (key: K, build: () => V) => V {
  const cache = new WeakMap<K, V>();
  return (key, build) => {
    if (cache.has(key)) return cache.get(key) as V;
    const v = build();
    cache.set(key, v);
    return v;
  };
}

/** A cache of one value per key object and name (a path, a variable …): `cached(key, name, build)`. */
export function oncePerName<K extends object, V>(): (key: K, name: string, build: () => V) => V {
  const cache = new WeakMap<K, Map<string, V>>();
  return (key, name, build) => {
    let byName = cache.get(key);
    if (!byName) cache.set(key, (byName = new Map()));
    if (byName.has(name)) return byName.get(name) as V;
    const v = build();
    byName.set(name, v);
    return v;
  };
}
