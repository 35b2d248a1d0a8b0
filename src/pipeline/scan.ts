/**
 * Stage 2 of verify(): one scan of the archive with a provisional revision.
 *
 * The archive's metadata (gitHead, .cargo_vcs_info.json, pax header) is only known after the scan, while
 * the scan wants git's blob ids to keep only content git lacks. An explicit or name-inferred revision gives
 * those ids up front; without one every file is kept (within the retention budget). A second pass happens
 * only when the final revision differs and content it needs was not kept (see git-side.ts).
 */
import type { RepoHandle } from '../acquire/repo.js';
import { resolveRevision, type ResolvedRevision } from '../acquire/revision.js';
import type { GitTree, TreeEntry } from '../core/types.js';
import { restoreShippedIgnored, shippedPaths } from '../compare/export-ignore.js';
import { scanArchive, type RetainFn, type ScanOptions, type ScanResult } from '../scan/archive.js';
import { loadGitTree, readGitTree, type GitTreeLoad } from '../scan/git-tree.js';
import type { Inputs } from './acquire.js';
import type { Settings, VerifyOptions } from './options.js';

/** Full git trees by commit, each listed once (the provisional one while the archive decodes). */
export class GitTrees {
  private readonly trees = new Map<string, Promise<GitTree>>();
  private archive: readonly TreeEntry[] | undefined;
  constructor(private readonly repo: RepoHandle) {}

  get(commit: string): Promise<GitTree> {
    let t = this.trees.get(commit);
    if (!t) {
      t = this.shipped(readGitTree(this.repo, commit));
      this.trees.set(commit, t);
    }
    return t;
  }

  set(commit: string, tree: Promise<GitTree>): void {
    this.trees.set(commit, this.shipped(tree));
  }

  /**
   * The archive's entries, once scanned: from then on every tree compares the export-ignored paths the archive
   * ships as tracked files (src/compare/export-ignore.ts), the trees listed before included.
   */
  scanned(entries: readonly TreeEntry[]): void {
    this.archive = entries;
    for (const [c, t] of this.trees) this.trees.set(c, this.shipped(t));
  }

  private shipped(tree: Promise<GitTree>): Promise<GitTree> {
    const entries = this.archive;
    if (!entries) return tree;
    return tree.then((t) => (t.exportIgnored.size > 0 && !t.shippedIgnored ? restoreShippedIgnored(t, shippedPaths(entries, t)) : t));
  }
}

export interface ProvisionalScan {
  scan: ScanResult;
  /** The revision the scan kept content for (undefined: none could be inferred, everything was kept). */
  provisional?: ResolvedRevision;
  trees: GitTrees;
}

/** `watch`: the scan's onFileNamed hook (see ScanOptions). */
export async function scanProvisional(opts: Pick<VerifyOptions, 'tag' | 'commit'>, inputs: Inputs, { limits }: Settings, watch: Pick<ScanOptions, 'onFileNamed'> = {}): Promise<ProvisionalScan> {
  const { repo, archive, names } = inputs;
  const explicit = opts.tag !== undefined || opts.commit !== undefined;
  // The decoder starts while the revision resolves (git processes one after another): what the scan
  // finishes before git's ids are known is held, as while ls-tree runs. A revision error still wins: the
  // scan fails with it (its ids never come), and a scan failure waits for the revision to report first.
  const resolving = explicit ? resolveRevision(repo, { tag: opts.tag, commit: opts.commit, names }) : resolveRevision(repo, { names }).catch(() => undefined);
  const trees = new GitTrees(repo);
  // The tree is read while the archive decodes: the scan only waits for git's blob ids (right after
  // ls-tree unless attributes change the export), not for the rest of the tree.
  let loading: Promise<GitTreeLoad | undefined> | undefined = resolving.then((p) => {
    if (!p) return undefined;
    const load = loadGitTree(repo, p.commit);
    trees.set(p.commit, load.tree);
    return load;
  });
  // Awaited by the scan only once its decoder has started: a failure before that must not be an unhandled
  // rejection (it would end the process with a stack trace); the scan still sees it.
  loading.catch(() => {});
  let ids: Promise<ReadonlyMap<string, string> | undefined> | undefined = loading.then((load) => load?.oids);
  let retain: Promise<RetainFn | undefined> | undefined = ids.then((known) => (known ? (oid: string) => !known.has(oid) : undefined));
  ids.catch(() => {});
  retain.catch(() => {});
  const scan = await scanArchive(archive.path, { algo: repo.objectFormat, limits, ...watch, retain, ids }).catch(async (e: unknown) => {
    // The revision's error, then a git failure, are reported first, as when both were known before the scan.
    const load = await loading;
    if (load) await load.tree;
    throw e;
  });
  const load = await loading;
  if (load) await load.tree;
  trees.scanned(scan.entries);
  const provisional = await resolving;
  // git's id set (a string and a set slot per tracked file) was only for the scan: let it be collected.
  loading = undefined;
  retain = undefined;
  ids = undefined;
  return { scan, trees, ...(provisional ? { provisional } : {}) };
}
