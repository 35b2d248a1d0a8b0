/**
 * "Path in repo": a package made from a subdirectory of the repository (an npm workspace's `directory`, a
 * crate's `path_in_vcs`, a wheel's `src/` layout) is compared with that subdirectory only, its paths made
 * relative to it.
 */
import { DistdiffError } from '../core/errors.js';
import type { GitTree } from '../core/types.js';

/** Normalise a repository subdirectory: '/'-separated, no leading './' or '/', no trailing '/'; refuses '..'. */
export function normaliseRepoDir(dir: string): string {
  const parts = dir.replace(/\\/g, '/').split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) {
    throw new DistdiffError('usage', dir, 'the directory in the repository leaves the repository', 'a package directory must be inside the repository');
  }
  return parts.join('/');
}

/** The part of `tree` under `dir`, with `dir/` removed from every path. `dir` '' returns the tree itself. */
export function subtree(tree: GitTree, dir: string): GitTree {
  const d = normaliseRepoDir(dir);
  if (d === '') return tree;
  const pre = d + '/';
  const strip = (p: string) => (p.startsWith(pre) ? p.slice(pre.length) : undefined);
  const out: GitTree = { algo: tree.algo, commit: tree.commit, entries: new Map(), exportIgnored: new Set(), converted: new Map() };
  for (const [p, e] of tree.entries) {
    const s = strip(p);
    if (s) out.entries.set(s, { ...e, path: s });
  }
  for (const p of tree.exportIgnored) {
    const s = strip(p);
    if (s) out.exportIgnored.add(s);
  }
  for (const [p, c] of tree.converted) {
    const s = strip(p);
    if (s) out.converted.set(s, c);
  }
  if (out.entries.size === 0 && out.exportIgnored.size === 0) {
    throw new DistdiffError('revision', d, `no directory ${d}/ at commit ${tree.commit.slice(0, 12)}`, 'check the package directory, or pass --commit');
  }
  return out;
}
