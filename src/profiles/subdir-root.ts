/**
 * A tarball rooted at a subdirectory of the tag, found from the two trees when no metadata names it: smartmontools
 * 7.3 is an SVN export of the repository's `smartmontools/` directory (the git conversion keeps the directory), the
 * esbuild npm package is the repository's `npm/esbuild/` (its package.json names no repository.directory). Compared
 * with the top, every file of such a tarball is tarball-only and every tracked file git-only.
 *
 *   candidates  each directory D of the tag for which some tarball file F (path after the archive's prefix) is
 *               tracked as D/F
 *   chosen      the D where most tarball files are tracked byte-identical (ties: most tracked at all, then the
 *               shallowest), when that is at least 2 files, more than at the top, more tarball paths are
 *               tracked under D than at the top, and more of the tarball's own top-level files (its manifest, README,
 *               licence) are tracked under D than at the top — a package's root files sit at its root: dayjs' npm
 *               package ships 40 .d.ts files byte-identical to the repository's types/, but its package.json,
 *               README and LICENSE are the top's, so types/ is not its root
 *   evidence    the counts for D and for the top (SubdirRoot): the report says the tarball was compared with D/
 *               and why
 */
import type { SubdirRoot } from '../core/result.js';
import type { GitTree, TreeEntry } from '../core/types.js';

export type { SubdirRoot };

export function subdirRoot(entries: readonly TreeEntry[], prefix: string, whole: GitTree): SubdirRoot | undefined {
  // A directory D counts at most the tracked files under D's first segment: once the top has that many of the
  // tarball's paths present, no D can pass `present > topPresent` below, whichever is best, and the answer is
  // undefined (the Linux kernel: its largest top-level directory tracks 31,599 of 78,000 files, so the count stops
  // less than halfway through the archive). This skips the split of every tracked path at every '/' with a map
  // look-up per split (≈ 0.15 s of CPU on the kernel).
  const limit = largestTopDirectory(whole);
  if (limit === 0) return undefined;
  const files = new Map<string, string | undefined>();
  const pre = prefix ? `${prefix}/` : '';
  let topPresent = 0;
  for (const e of entries) {
    if (e.type !== 'file') continue;
    if (pre && !e.path.startsWith(pre)) continue;
    const p = e.path.slice(pre.length);
    const before = files.size;
    files.set(p, e.oid); // the last entry of a path wins (its id)
    if (files.size === before || whole.entries.get(p)?.type !== 'file') continue;
    if (++topPresent >= limit) return undefined;
  }
  let topIdentical = 0;
  let topRoot = 0;
  for (const [p, oid] of files) {
    const g = whole.entries.get(p);
    if (g?.type !== 'file') continue;
    if (!p.includes('/')) topRoot++;
    if (oid && g.oid === oid) topIdentical++;
  }
  const present = new Map<string, number>();
  const identical = new Map<string, number>();
  const rootFiles = new Map<string, number>();
  for (const [p, g] of whole.entries) {
    if (g.type !== 'file') continue;
    // every split D/F of the tracked path with F a tarball file
    for (let i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) {
      const rest = p.slice(i + 1);
      if (!files.has(rest)) continue;
      const dir = p.slice(0, i);
      present.set(dir, (present.get(dir) ?? 0) + 1);
      if (!rest.includes('/')) rootFiles.set(dir, (rootFiles.get(dir) ?? 0) + 1);
      const oid = files.get(rest);
      if (oid && g.oid === oid) identical.set(dir, (identical.get(dir) ?? 0) + 1);
    }
  }
  let best: SubdirRoot | undefined;
  for (const [dir, n] of present) {
    const same = identical.get(dir) ?? 0;
    const better = !best || same > best.identical || (same === best.identical && (n > best.present || (n === best.present && dir.split('/').length < best.dir.split('/').length)));
    if (better) best = { dir, files: files.size, present: n, identical: same, topPresent, topIdentical };
  }
  if (!best || best.identical < 2 || best.identical <= topIdentical || best.present <= topPresent) return undefined;
  if ((rootFiles.get(best.dir) ?? 0) <= topRoot) return undefined;
  return best;
}

/** The most tracked files under one top-level directory of the tree (files in consecutive paths share one look-up). */
function largestTopDirectory(whole: GitTree): number {
  const counts = new Map<string, number>();
  let seg = '';
  let n = 0;
  let max = 0;
  const flush = () => {
    if (!seg) return;
    const total = (counts.get(seg) ?? 0) + n;
    counts.set(seg, total);
    if (total > max) max = total;
  };
  for (const [p, g] of whole.entries) {
    if (g.type !== 'file') continue;
    const i = p.indexOf('/');
    if (i <= 0) continue;
    if (i === seg.length && p.startsWith(seg)) {
      n++;
      continue;
    }
    flush();
    seg = p.slice(0, i);
    n = 1;
  }
  flush();
  return max;
}
