/**
 * The classification stage's contract. Classifiers are pure with respect to the outside world: all
 * content they need comes through `ContentAccess`, so they can be tested with plain data.
 */
import type { Finding } from '../core/findings.js';
import type { ArchiveAnomaly, HashAlgo, PathDiff } from '../core/types.js';
import type { RegenerationReport } from '../regenerate/types.js';
import type { HistoryAccess } from '../git/history.js';
import type { PinnedSubmodule } from '../acquire/submodule.js';

export interface RevisionInfo {
  commit: string;
  tag?: string;
  /** Release version inferred from the archive name or tag, e.g. "5.6.1". */
  version?: string;
  /** Commit date of the revision (ISO 8601), for date-stamp detection. */
  date?: string;
  /**
   * The names the judged release goes by (distro-hunks.ts releaseProjectNames: its archive's file name, its top
   * directory): the distribution hunk corpus counts only other projects' tarballs as evidence (leave-one-out).
   */
  project?: readonly string[];
}

export interface ContentAccess {
  /** Tarball content of a (prefix-stripped) path; undefined when not retained (too large / budget). */
  tarball(path: string): Buffer | undefined;
  /**
   * A tarball file not retained because it is over the per-file limit (--max-retain-file): its first bytes
   * (the store's head, src/scan/content-store.ts), its blob id (every byte, hashed as it streamed) and size.
   * A regenerated file is compared with it by blob id (src/regenerate/shipped.ts). Undefined otherwise.
   */
  tarballHead?(path: string): { head: Buffer; oid: string; size: number; algo: HashAlgo } | undefined;
  /** Content of a path at the revision: the committed blob (before any attribute conversion `git archive`
   *  applies, see ClassifyContext.converted); undefined when absent. */
  git(path: string): Promise<Buffer | undefined>;
  /** Member listing (names, sizes, blob ids) of a plain tar archive the tarball ships at `path`, made while it streamed. */
  nested?(path: string): { members: { name: string; oid: string; size: number }[]; others: string[]; error?: string } | undefined;
  /** Content of a path of the whole repository at the revision (for a package in a subdirectory: paths
   *  outside it, e.g. a symlink's target); undefined when absent or not available. */
  repo?(repoPath: string): Promise<Buffer | undefined>;
}

export interface ClassifyContext {
  diffs: readonly PathDiff[];
  anomalies: readonly ArchiveAnomaly[];
  revision: RevisionInfo;
  /** Paths on the git side (after export-ignore). */
  gitPaths: ReadonlySet<string>;
  /** A path whose git side is `git archive`'s attribute-converted content (eol=crlf, export-subst …): the
   *  committed blob's id and the reason; undefined when the committed bytes are what git archive exports. */
  converted?(path: string): { rawOid: string; reason: 'export-subst' | 'eol' } | undefined;
  /** Paths on the tarball side (after prefix strip, last entry wins). */
  tarballPaths: ReadonlySet<string>;
  content: ContentAccess;
  /** What regenerating the autotools outputs in the sandbox proved (src/regenerate); absent when not attempted. */
  regeneration?: RegenerationReport;
  /** The repository subdirectory the compared tree is ('' or absent: the whole repository). */
  pathInRepo?: string;
  /** The revision's history (git log), read lazily; absent for in-memory trees. */
  history?: HistoryAccess;
  /** Submodules pinned by the revision whose pinned tree could be read (src/acquire/submodule.ts). */
  submodules?: readonly PinnedSubmodule[];
  /** --no-regenerate: classifiers run no generator either (gnulib-tool, src/classify/submodule-copy.ts). */
  noGenerators?: boolean;
  /** Directory where gnulib-tool runs are cached (src/regenerate/gnulib-tool.ts), under the cache directory; absent: no cache. */
  gnulibToolCache?: string;
  /** The cache directory whose toolchains/ holds the gperf toolchains (`distdiff toolchain add --git`; src/regenerate/generators.ts). */
  toolchainCache?: string;
}

/** Decides one difference. Returning undefined means "cannot decide": the next classifier runs. */
export interface Classifier {
  id: string;
  /**
   * A test of the difference alone that every difference classify() can decide passes (false: classify would
   * return undefined). The registry does not call classify() for the others: with 2,000,000 differences and
   * ~30 async classifiers, each call is a promise and an await per difference. Never false where classify()
   * could return a finding (test/classify/candidates.test.ts checks every registered classifier).
   */
  candidate?(diff: PathDiff): boolean;
  classify(diff: PathDiff, ctx: ClassifyContext): Promise<Finding | undefined> | Finding | undefined;
}

/** Runs after every difference has a finding; may adjust or add findings (cross-file evidence). */
export interface PostPass {
  id: string;
  run(findings: Finding[], ctx: ClassifyContext): Promise<Finding[]> | Finding[];
}
