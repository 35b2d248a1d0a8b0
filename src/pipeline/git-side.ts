/**
 * Stage 4 of verify(): the git side, as `git archive` exports the chosen revision, restricted to the
 * package's directory (npm `directory`, crate `path_in_vcs`, a wheel's package root). When the revision
 * is not the one the scan kept content for and content it needs was not kept, the archive is read again.
 */
import type { Limits } from '../core/limits.js';
import type { GitTree } from '../core/types.js';
import { profileOf, subtree, type ProfileInfo } from '../profiles/index.js';
import { subdirRoot, type SubdirRoot } from '../profiles/subdir-root.js';
import { scanArchive, type ScanResult } from '../scan/archive.js';
import { treeOids } from '../scan/git-tree.js';
import type { Inputs } from './acquire.js';
import type { ProvisionalScan } from './scan.js';

export interface GitSide {
  /** The compared tree (the package's directory of the revision's export). */
  git: GitTree;
  /** The repository subdirectory compared ('' for the whole tree). */
  pathInRepo: string;
  /** The whole revision's tree (equal to `git` when the package is the whole repository). */
  whole: GitTree;
  /** The scan, read again if the revision changed and content was missing. */
  scan: ScanResult;
  /** pathInRepo found from the trees (no metadata named it): the counts that chose it (../profiles/subdir-root.ts). */
  subdirRoot?: SubdirRoot;
}

export async function listGitSide(inputs: Inputs, scanned: ProvisionalScan, commit: string, profile: ProfileInfo, limits: Limits): Promise<GitSide> {
  let scan = scanned.scan;
  const whole = await scanned.trees.get(commit);
  const named = profileOf(profile.id).pathInRepo(profile, scan.entries, () => whole.entries.keys(), (p) => whole.entries.get(p)?.oid);
  // No metadata names a directory: a tarball rooted at a subdirectory of the tag is found from the trees.
  const found = named ? undefined : subdirRoot(scan.entries, profile.prefix, whole);
  const pathInRepo = named || found?.dir || '';
  const git = pathInRepo ? subtree(whole, pathInRepo) : whole;
  if (!scanned.provisional || scanned.provisional.commit !== commit) {
    const gitOids = treeOids(git);
    const missing = scan.entries.some((e) => e.type === 'file' && e.oid && !gitOids.has(e.oid) && e.size <= limits.maxRetainFile && !scan.content.get(e.oid));
    if (missing) scan = await scanArchive(inputs.archive.path, { algo: inputs.repo.objectFormat, limits, retain: (oid) => !gitOids.has(oid) });
  }
  return { git, pathInRepo, whole, scan, ...(found ? { subdirRoot: found } : {}) };
}
