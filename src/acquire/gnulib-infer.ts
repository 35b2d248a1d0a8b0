/**
 * The gnulib commit a release was made from, inferred from the gnulib files it ships, when nothing pins one
 * (no gnulib gitlink, no bootstrap.conf GNULIB_REVISION): libunistring's autogen.sh and many other projects
 * import gnulib from whatever checkout the maintainer had.
 *
 * gnulib-tool records every gnulib file it copied in the generated `<m4base>/gnulib-comp.m4` (gl_FILE_LIST)
 * and where each went (classify/gnulib-layout.ts). Each shipped copy's blob id equals the blob id of its gnulib
 * path over a span of gnulib's history; the commit inferred is the newest commit of gnulib's branch (first
 * parents, not after the tag's commit date) at which the MOST listed copies are byte-identical to gnulib's
 * file. A copy that matches no version (a changed line, a --lgpl rewrite) casts no vote; a copy from a newer
 * gnulib than the rest is outvoted, and is then compared with the inferred tree like any other copy. The
 * inference only chooses which tree the copies are compared with: every copy is still proved (or not) by
 * src/classify/submodule-copy.ts against that tree, and gnulib-tool's outputs by running that commit's
 * gnulib-tool (src/regenerate/gnulib-tool.ts).
 *
 * Cost: the branch's first-parent commits are listed once, the number of matching copies is counted at every
 * SAMPLE-th commit (one `git ls-tree` each), then replayed exactly (one `git log --raw` over the window) around
 * the best samples.
 */
import { destinationOf, parseGnulibComp } from '../classify/gnulib-layout.js';
import { runGit } from '../git/run.js';

export interface GnulibInference {
  commit: string;
  /** Listed copies byte-identical to the inferred commit's file. */
  matched: number;
  /** Listed gnulib files the release ships (the copies compared). */
  compared: number;
  /** The gnulib-comp.m4 file(s) the list was read from. */
  from: string[];
  /** The ref walked and the date the commits were restricted to (the tag's commit date, ISO 8601). */
  ref: string;
  before: string;
}

/** Every SAMPLE-th commit of the branch is counted before the exact replay around the best ones. */
const SAMPLE = 128;
/** Fewer listed copies than this: nothing to infer from. */
const MIN_COMPARED = 5;

/** gnulib path (as in gnulib's tree) → the blob ids of the shipped copies of it, from every shipped gnulib-comp.m4. */
export function listedCopies(shipped: ReadonlyMap<string, string>, read: (path: string) => string | undefined): { wanted: Map<string, Set<string>>; from: string[] } {
  const wanted = new Map<string, Set<string>>();
  const from: string[] = [];
  for (const path of [...shipped.keys()].sort()) {
    if (!(path === 'gnulib-comp.m4' || path.endsWith('/gnulib-comp.m4'))) continue;
    const text = read(path);
    if (text === undefined) continue;
    const cachePath = path.replace(/gnulib-comp\.m4$/, 'gnulib-cache.m4');
    const layout = parseGnulibComp(path, text, shipped.has(cachePath) ? read(cachePath) : undefined);
    if (!layout || !layout.files.size) continue;
    from.push(path);
    for (const listed of layout.files) {
      const dest = destinationOf(layout, listed);
      const oid = dest === undefined ? undefined : shipped.get(dest);
      if (!oid) continue;
      const gnulibPath = listed.replace(/^tests=lib\//, 'lib/');
      const set = wanted.get(gnulibPath) ?? new Set<string>();
      set.add(oid);
      wanted.set(gnulibPath, set);
    }
  }
  return { wanted, from };
}

/** The branch ref to walk: the named branch, else master/main, local or a mirror's remote-tracking one. */
async function branchRef(gitDir: string, branch: string | undefined): Promise<string | undefined> {
  const names = branch ? [branch] : ['master', 'main'];
  for (const n of names) {
    for (const ref of [`refs/heads/${n}`, `refs/remotes/origin/${n}`]) {
      try {
        await runGit(gitDir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
        return ref;
      } catch {
        // next
      }
    }
  }
  return undefined;
}

/**
 * Infer the gnulib commit (see the module comment). `shipped`: the release's files (path → blob id, in the
 * hash of `gitDir`); `read`: a shipped file's text. Undefined when fewer than MIN_COMPARED listed copies are
 * shipped, when no commit matches at least half of them, or when the branch is absent.
 */
export async function inferGnulibCommit(opts: {
  gitDir: string;
  before: string;
  branch?: string;
  shipped: ReadonlyMap<string, string>;
  read: (path: string) => string | undefined;
}): Promise<GnulibInference | undefined> {
  const { wanted, from } = listedCopies(opts.shipped, opts.read);
  if (wanted.size < MIN_COMPARED) return undefined;
  const ref = await branchRef(opts.gitDir, opts.branch);
  if (!ref) return undefined;
  const commits = (await runGit(opts.gitDir, ['rev-list', '--first-parent', `--before=${opts.before}`, ref, '--'])).toString('utf8').split('\n').filter(Boolean);
  if (!commits.length) return undefined;
  const tops = [...new Set([...wanted.keys()].map((p) => p.split('/')[0]!))];

  const stateAt = async (commit: string): Promise<Map<string, string>> => {
    const out = await runGit(opts.gitDir, ['ls-tree', '-r', '-z', '--full-tree', commit, '--', ...tops]);
    const state = new Map<string, string>();
    for (const rec of out.toString('utf8').split('\0')) {
      const m = /^\d{6} blob ([0-9a-f]+)\t(.+)$/s.exec(rec);
      if (m && wanted.has(m[2]!)) state.set(m[2]!, m[1]!);
    }
    return state;
  };
  const count = (state: ReadonlyMap<string, string>) => {
    let n = 0;
    for (const [p, oid] of state) if (wanted.get(p)!.has(oid)) n += 1;
    return n;
  };

  // commits[0] is the newest. Sample, then replay exactly around the three best samples.
  const samples: { index: number; n: number }[] = [];
  for (let i = 0; i < commits.length; i += SAMPLE) samples.push({ index: i, n: count(await stateAt(commits[i]!)) });
  if (samples[samples.length - 1]!.index !== commits.length - 1) samples.push({ index: commits.length - 1, n: count(await stateAt(commits[commits.length - 1]!)) });
  const best = [...samples].sort((a, b) => b.n - a.n || a.index - b.index).slice(0, 3);
  let top: { index: number; n: number } | undefined;
  for (const s of best) {
    const newest = Math.max(0, s.index - SAMPLE);
    const oldest = Math.min(commits.length - 1, s.index + SAMPLE);
    const state = await stateAt(commits[oldest]!);
    let n = count(state);
    const consider = (index: number) => {
      if (!top || n > top.n || (n === top.n && index < top.index)) top = { index, n };
    };
    consider(oldest);
    if (oldest === newest) continue;
    const log = (await runGit(opts.gitDir, ['log', '--first-parent', '--diff-merges=first-parent', '--reverse', '--raw', '--no-abbrev', '--no-renames', '--format=%x01%H', `${commits[oldest]}..${commits[newest]}`, '--'])).toString('utf8');
    const position = new Map<string, number>();
    for (let i = newest; i < oldest; i++) position.set(commits[i]!, i);
    let index: number | undefined;
    for (const line of log.split('\n')) {
      if (line.startsWith('\x01')) {
        if (index !== undefined) consider(index);
        index = position.get(line.slice(1));
        continue;
      }
      const m = /^:\d{6} (\d{6}) [0-9a-f]+ ([0-9a-f]+) \w+\t(.+)$/.exec(line);
      if (!m || !wanted.has(m[3]!)) continue;
      const set = wanted.get(m[3]!)!;
      const before = state.get(m[3]!);
      if (before !== undefined && set.has(before)) n -= 1;
      if (m[1] === '000000') state.delete(m[3]!);
      else {
        state.set(m[3]!, m[2]!);
        if (set.has(m[2]!)) n += 1;
      }
    }
    if (index !== undefined) consider(index);
  }
  if (!top || top.n * 2 < wanted.size) return undefined;
  return { commit: commits[top.index]!, matched: top.n, compared: wanted.size, from, ref: ref.replace(/^refs\/(?:heads|remotes\/origin)\//, ''), before: opts.before };
}
