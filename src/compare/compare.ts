/**
 * Compare stage: pairs the tarball's entries with the git tree's, path by path. Pure: no I/O, no judgement.
 *
 * - The common top-level directory of the archive is stripped (auto-detected unless given).
 * - The last archive entry for a path is what extraction yields, so it is the one compared.
 * - Directories are not compared (git does not track them) except where a path is a directory on one
 *   side and something else on the other, or where git has a submodule.
 * - Hard links are compared through the entry they point to.
 */
import {
  anomaly,
  type ArchiveAnomaly,
  type ArchiveScan,
  type ChangeAspect,
  type CompareResult,
  type GitTree,
  type PathDiff,
  type TreeEntry,
} from '../core/types.js';
import { controlCodepoints, invisibleCodepoints } from './invisible.js';
import { confusableNames } from './confusables.js';
import { KeySet } from '../util/path-set.js';

export interface CompareOptions {
  /** Prefix to strip ('' for none); undefined = detect. */
  stripPrefix?: string;
  /**
   * The whole revision's tree when `git` is its subdirectory `dir` (a package built from a subdirectory): a
   * tarball-only file git's subdirectory lacks but the rest of the repository has byte for byte (the repository
   * top's .gitignore or LICENSE a build backend ships) names that file as its copy, relative to the package
   * (`../.gitignore`).
   */
  outside?: { tree: GitTree; dir: string };
}

/** The single top-level directory shared by every entry, or '' when there is none. */
export function detectPrefix(entries: readonly TreeEntry[], git?: GitTree): string {
  let first: string | undefined;
  let sawNested = false;
  for (const e of entries) {
    const p = e.path;
    if (first === undefined) {
      const slash = p.indexOf('/');
      first = slash < 0 ? p : p.slice(0, slash);
    } else if (!(p.length === first.length ? p === first : p.charCodeAt(first.length) === 0x2f && p.startsWith(first))) {
      return ''; // another top-level name
    }
    if (p.length > first.length) sawNested = true;
    else if (e.type !== 'directory') return ''; // a top-level file: no common directory
  }
  if (!first || !sawNested) return '';
  // A git tree whose only top-level entry is the same directory (archive made without a prefix):
  // keep the paths as they are when that matches git better.
  // Only entries under `first/` can be in git unstripped: when git has no such path (nearly always), the
  // count below is 0 and cannot win, so it is not made (two map lookups and a slice per entry).
  if (git && !git.entries.has(first) && someKeyUnder(git.entries, first + '/')) {
    let underHead = 0;
    let stripped = 0;
    for (const e of entries) {
      if (e.type === 'directory') continue;
      if (git.entries.has(e.path)) underHead += 1;
      if (git.entries.has(e.path.slice(first.length + 1))) stripped += 1;
    }
    if (underHead > stripped) return '';
  }
  return first;
}

function someKeyUnder(m: ReadonlyMap<string, unknown>, dir: string): boolean {
  for (const k of m.keys()) if (k.startsWith(dir)) return true;
  return false;
}

/** Paths git lacks that compareTrees lists while it builds its path map (see there). */
export const NOT_IN_GIT_LIST = 65_536;

/** `prefixSlash`: prefix + '/' (made once by the caller, not once per path). */
function strip(path: string, prefix: string, prefixSlash = prefix + '/'): string | undefined {
  if (!prefix) return path;
  if (path === prefix) return '';
  if (path.startsWith(prefixSlash)) return path.slice(prefixSlash.length);
  return undefined;
}

export function compareTrees(scan: ArchiveScan, git: GitTree, opts: CompareOptions = {}): CompareResult {
  const prefix = opts.stripPrefix !== undefined ? opts.stripPrefix.replace(/\/+$/, '') : detectPrefix(scan.entries, git);

  // Final view of the archive: last entry per path wins. Entries outside an explicit prefix keep their path.
  // The map holds the scan's own entries, and so do the differences (no copy per entry: a difference's
  // `tarball` is the archive's entry, its path as stored; the difference's `path` is the compared one).
  // A stripped path that git also has is keyed by git's string: the slice is then garbage at once instead
  // of a second copy of every path living as long as the map.
  const tar = new Map<string, TreeEntry>();
  // The compared paths git does not have, in the map's order: each path is looked up in git's tree once,
  // here, not again when the tarball-only entries are collected below. Past NOT_IN_GIT_LIST paths (an archive
  // of mostly tarball-only entries) the list is dropped and the map is walked as before: no array as long as
  // the archive beside its path map.
  let notInGit: string[] | undefined = [];
  let hardlinks = false;
  const prefixSlash = prefix + '/';
  // Indexed loops and forEach over the maps: no iterator result (and [key, value] pair) per entry.
  const entries = scan.entries;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    let p = strip(e.path, prefix, prefixSlash) ?? e.path;
    if (p === '') continue;
    const g = git.entries.get(p);
    if (g !== undefined && g.path === p) p = g.path; // one string for both sides
    const before = tar.size;
    tar.set(p, e);
    if (g === undefined && notInGit !== undefined && tar.size > before) {
      if (notInGit.length < NOT_IN_GIT_LIST) notInGit.push(p);
      else notInGit = undefined;
    }
    if (e.type === 'hardlink') hardlinks = true;
  }
  // Resolve hard links to the content of their target (as extraction would).
  const byRawPath = new Map<string, TreeEntry>();
  if (hardlinks) for (const e of scan.entries) byRawPath.set(e.path, e);
  for (const [p, e] of hardlinks ? tar : []) {
    if (e.type !== 'hardlink' || e.linkTarget === undefined) continue;
    const target = byRawPath.get(e.linkTarget.replace(/^\.\//, ''));
    if (target && target.type === 'file') {
      tar.set(p, { ...e, type: 'file', oid: target.oid, size: target.size, executable: target.executable });
    }
  }

  const diffs: PathDiff[] = [];
  let identical = 0;

  // Submodules: git records a commit; the archive may have an (empty) directory or files under it.
  const submodules: string[] = [];
  git.entries.forEach((e) => {
    if (e.type === 'submodule') submodules.push(e.path);
  });
  const underSubmodule = (p: string) => submodules.some((s) => p.startsWith(s + '/'));

  git.entries.forEach((g) => {
    const t = tar.get(g.path);
    if (g.type === 'submodule') {
      let files = 0;
      for (const [p, e] of tar) if (p.startsWith(g.path + '/') && e.type !== 'directory') files += 1;
      const tEntry: TreeEntry | undefined = t ? { ...t, path: g.path, size: files } : files > 0 ? { path: g.path, type: 'directory', executable: false, size: files } : undefined;
      diffs.push({ path: g.path, status: 'submodule', git: g, ...(tEntry ? { tarball: tEntry } : {}) });
      return;
    }
    if (!t) {
      diffs.push({ path: g.path, status: 'git-only', git: g });
      return;
    }
    const changes = aspects(g, t);
    if (changes.length === 0) identical += 1;
    else diffs.push({ path: g.path, status: 'changed', changes, git: g, tarball: t });
  });

  for (const p of git.exportIgnored) {
    if (!tar.has(p)) diffs.push({ path: p, status: 'export-ignored' });
  }

  const tarballOnly: PathDiff[] = [];
  if (notInGit !== undefined) {
    for (let i = 0; i < notInGit.length; i++) {
      const p = notInGit[i]!;
      const t = tar.get(p)!; // the last entry of the path (after hard links are resolved)
      if (t.type === 'directory' || underSubmodule(p)) continue;
      tarballOnly.push({ path: p, status: 'tarball-only', tarball: t });
    }
  } else {
    tar.forEach((t, p) => {
      if (git.entries.has(p) || t.type === 'directory' || underSubmodule(p)) return;
      tarballOnly.push({ path: p, status: 'tarball-only', tarball: t });
    });
  }
  if (tarballOnly.length > 0) {
    // A tarball-only file whose content git has elsewhere: name such a git path — one with the copy's own
    // base name when there is one (what src/classify/fallback.ts's role check asks for), else the first in
    // byte order.
    const wanted = new Set<string>();
    for (const d of tarballOnly) if (d.tarball!.type === 'file' && d.tarball!.oid) wanted.add(d.tarball!.oid);
    const oidToGitPath = new Map<string, string>();
    const byOidAndName = new Map<string, string>();
    if (wanted.size > 0) {
      for (const g of git.entries.values()) {
        if (g.type !== 'file' || !g.oid || !wanted.has(g.oid)) continue;
        const prev = oidToGitPath.get(g.oid);
        if (prev === undefined || cmp(g.path, prev) < 0) oidToGitPath.set(g.oid, g.path);
        const key = `${g.oid}/${g.path.slice(g.path.lastIndexOf('/') + 1)}`;
        const named = byOidAndName.get(key);
        if (named === undefined || cmp(g.path, named) < 0) byOidAndName.set(key, g.path);
      }
    }
    const out = opts.outside;
    const outsideExecutable = new Set<string>();
    if (out && out.dir !== '' && wanted.size > 0) {
      // The rest of the repository, for what the package's directory does not have (its paths made relative to it).
      const under = `${out.dir}/`;
      const up = '../'.repeat(out.dir.split('/').length);
      const found = new Set(oidToGitPath.keys());
      for (const g of out.tree.entries.values()) {
        if (g.type !== 'file' || !g.oid || !wanted.has(g.oid) || found.has(g.oid) || g.path.startsWith(under)) continue;
        const rel = up + g.path;
        if (g.executable) outsideExecutable.add(rel);
        const prev = oidToGitPath.get(g.oid);
        if (prev === undefined || cmp(rel, prev) < 0) oidToGitPath.set(g.oid, rel);
        const key = `${g.oid}/${g.path.slice(g.path.lastIndexOf('/') + 1)}`;
        const named = byOidAndName.get(key);
        if (named === undefined || cmp(rel, named) < 0) byOidAndName.set(key, rel);
      }
    }
    for (const d of tarballOnly) {
      const t = d.tarball!;
      if (t.type === 'file' && t.oid) {
        const src = byOidAndName.get(`${t.oid}/${d.path.slice(d.path.lastIndexOf('/') + 1)}`) ?? oidToGitPath.get(t.oid);
        if (src) {
          d.copyOf = src;
          if (git.entries.get(src)?.executable || outsideExecutable.has(src)) d.copyOfExecutable = true;
        }
      }
      diffs.push(d);
    }
  }

  diffs.sort((a, b) => cmp(a.path, b.path));

  // A WORLD_WRITABLE group's path is its directory with a trailing '/': the prefix directory itself is './'.
  const anomalies: ArchiveAnomaly[] = scan.anomalies.map((a) => ({ ...a, path: strip(a.path, prefix) || (a.code === 'WORLD_WRITABLE' && prefix && a.path === `${prefix}/` ? './' : a.path) }));
  anomalies.push(...nameCollisions(new KeySet(tar)));
  anomalies.push(...confusableNames(tar.keys(), new KeySet(git.entries)));
  return { prefix, diffs, identical, anomalies };
}

/** What an identical pair returns: one shared empty array, not one per identical file (frozen: never pushed to). */
const SAME: ChangeAspect[] = Object.freeze([]) as unknown as ChangeAspect[];

function aspects(g: TreeEntry, t: TreeEntry): ChangeAspect[] {
  if (g.type !== t.type) return ['type'];
  if (g.type !== 'symlink' && g.oid === t.oid && (g.type !== 'file' || g.executable === t.executable)) return SAME;
  const out: ChangeAspect[] = [];
  if (g.type === 'symlink') {
    if ((g.linkTarget ?? '') !== (t.linkTarget ?? '') && g.oid !== t.oid) out.push('link-target');
    return out;
  }
  if (g.oid !== t.oid) out.push('content');
  if (g.type === 'file' && g.executable !== t.executable) out.push('mode');
  return out;
}

/** Byte-order comparison of paths (stable across locales). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const NON_ASCII = /[^\x00-\x7f]/;
/** Names worth a closer look: non-ASCII, or ASCII control characters (C0, DEL). */
const UNUSUAL = /[^\x20-\x7e]/;

/** A name that lower-casing or NFC can change, or that holds a control character: not lower-case printable ASCII. */
const MAY_FOLD = /[^\x20-\x40\x5b-\x7e]/;

/**
 * Names that collide on case-insensitive or normalising file systems, and invisible characters. `paths` is
 * iterated up to twice.
 */
export function nameCollisions(paths: Iterable<string>): ArchiveAnomaly[] {
  // Only names that share a case-folded form with another name, or hold a non-ASCII character, can produce
  // an anomaly; the rest (nearly all) are dropped before sorting. NFC and the invisible characters leave
  // ASCII alone, so ASCII names need only the lower-casing. Two lower-case ASCII names never fold alike, so
  // the folds counted are those of the other names (an upper-case letter, non-ASCII, a control character),
  // then a lower-case name counts once more where it equals one of them: no per-name map for the common name.
  // The other names and their folds are kept from the first pass (not folded again), and a lower-case name
  // equal to one of the folds is a candidate as the second pass meets it: no third pass over every name.
  const folds = new Map<string, number>();
  const foldOf = (p: string) => (NON_ASCII.test(p) ? p.normalize('NFC').toLowerCase() : p.toLowerCase());
  const others: string[] = [];
  const othersFolds: string[] = [];
  for (const p of paths) {
    if (!MAY_FOLD.test(p)) continue;
    const f = foldOf(p);
    others.push(p);
    othersFolds.push(f);
    folds.set(f, (folds.get(f) ?? 0) + 1);
  }
  const candidates: string[] = [];
  if (folds.size > 0) {
    for (const p of paths) {
      if (MAY_FOLD.test(p)) continue;
      const n = folds.get(p);
      if (n === undefined) continue;
      folds.set(p, n + 1);
      candidates.push(p); // it shares its fold with at least one other name
    }
    for (let i = 0; i < others.length; i++) {
      const p = others[i]!;
      if (UNUSUAL.test(p) || folds.get(othersFolds[i]!)! > 1) candidates.push(p);
    }
  }

  return collisionsAmong(candidates.sort(cmp));
}

/**
 * The anomalies of `sorted` (names in byte order), each name checked against those before it: an NFC twin →
 * UNICODE_COLLISION, else a case-fold twin → CASE_COLLISION; invisible and control characters. nameCollisions
 * passes only the names that can produce one.
 */
export function collisionsAmong(sorted: readonly string[]): ArchiveAnomaly[] {
  const out: ArchiveAnomaly[] = [];
  const byFold = new Map<string, string>();
  const byNfc = new Map<string, string>();
  for (const p of sorted) {
    const nfc = p.normalize('NFC');
    const prevNfc = byNfc.get(nfc);
    if (prevNfc !== undefined && prevNfc !== p) {
      out.push(anomaly('UNICODE_COLLISION', p, { other: prevNfc, form: 'NFC/NFD' }));
    } else {
      byNfc.set(nfc, p);
      const fold = nfc.toLowerCase();
      const prev = byFold.get(fold);
      if (prev !== undefined && prev !== p) out.push(anomaly('CASE_COLLISION', p, { other: prev }));
      else byFold.set(fold, p);
    }
    const inv = invisibleCodepoints(p);
    if (inv.length > 0) out.push(anomaly('INVISIBLE_CHARACTER', p, { codepoints: inv }));
    const ctl = controlCodepoints(p);
    if (ctl.length > 0) out.push(anomaly('CONTROL_CHARACTER', p, { codepoints: ctl }));
  }
  return out;
}
