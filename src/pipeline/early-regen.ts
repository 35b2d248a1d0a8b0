/**
 * The regeneration started the moment the archive scan ends (issue 12, cost): the generators' inputs are the
 * tag's tree (listed while the archive decodes) and the tarball's own files (all of them known only when the
 * stream ends — a tar archive has no index, so no earlier point is sound). Rather than wait for the revision
 * chain, the git side, the submodules and the comparison of explain, the scan's provisional revision is
 * compared at once and the regeneration starts on it; its scratch tree is written, and its generators run,
 * while those stages proceed.
 *
 * It is used only when explain would have compared exactly the same inputs: the same scan, the same git tree
 * object (the final revision is the provisional one and the package is the whole repository) and the same
 * prefix option. Otherwise it is discarded — awaited, never used — and explain regenerates as before. The
 * comparison it made is handed to explain, so the archive is compared once either way.
 */
import type { RepoHandle } from '../acquire/repo.js';
import { compareTrees } from '../compare/compare.js';
import type { ContentAccess } from '../classify/types.js';
import type { CompareResult, GitTree, PathDiff } from '../core/types.js';
import type { RegenerateMode, RegenerationReport } from '../regenerate/types.js';
import { BlobReader } from '../scan/blob-reader.js';
import type { ScanResult } from '../scan/archive.js';
import { PathIndex } from '../util/path-set.js';

export interface EarlyRegeneration {
  /** What it compared and regenerated from (reuse needs the same three). */
  scan: ScanResult;
  git: GitTree;
  stripPrefix: string | undefined;
  cmp: CompareResult;
  /** The report (rejects only as regenerate() does: --regenerate=require). */
  report: Promise<RegenerationReport>;
  /** Settles once the scratch tree is written and the generators run (or the report is there). */
  started: Promise<void>;
  /** Ends its git reader once the report is there (awaited by verify, used or not). */
  done: Promise<void>;
}

/**
 * Whether the archive is an autotools release regeneration would look at: a shipped `configure` beside a
 * tracked configure.ac / configure.in (the archive's top directory stripped or not). Cheap: one pass over the
 * entries, no comparison — archives that are not (npm, crates, the 2-million-entry benchmark) pay nothing.
 */
export function looksAutotools(scan: ScanResult, git: GitTree): boolean {
  for (const e of scan.entries) {
    if (e.type !== 'file' || !(e.path === 'configure' || e.path.endsWith('/configure'))) continue;
    const dir = e.path.slice(0, -'configure'.length);
    const stripped = dir.includes('/') ? dir.slice(dir.indexOf('/') + 1) : dir;
    for (const d of new Set([dir, stripped])) if (git.entries.has(`${d}configure.ac`) || git.entries.has(`${d}configure.in`)) return true;
  }
  return false;
}

export interface EarlyArgs {
  mode: RegenerateMode;
  cacheDir: string;
  repo: RepoHandle;
  scan: ScanResult;
  /** The provisional revision's whole tree. */
  git: GitTree;
  /** The provisional revision's commit (a git checkout of it when configure.ac's esyscmd asks git). */
  commit?: string;
  /** The archive's version when the user gave the commit (regenerate's releaseVersion). */
  releaseVersion?: string;
  /** The caller's prefix option (undefined: detected). */
  stripPrefix: string | undefined;
  maxRetainFile: number;
}

/** Compare and start regenerating on the provisional revision; undefined when there is nothing to start. */
export function startEarlyRegeneration(a: EarlyArgs): EarlyRegeneration | undefined {
  if (a.mode === 'off' || !looksAutotools(a.scan, a.git)) return undefined;
  const cmp = compareTrees(a.scan, a.git, a.stripPrefix !== undefined ? { stripPrefix: a.stripPrefix } : {});
  const byPath = new PathIndex(cmp.diffs, (d: PathDiff) => d.path);
  const tarball: ContentAccess['tarball'] = (path) => {
    const e = byPath.get(path)?.tarball;
    return e?.oid ? a.scan.content.get(e.oid) : undefined;
  };
  const reader = new BlobReader(a.repo);
  let started = () => {};
  const running = new Promise<void>((resolve) => (started = resolve));
  // The generator code is loaded only here (and by explain's own run): see verify.ts loadRegeneration.
  const report = import('../regenerate/regenerate.js').then(({ regenerate }) => regenerate({ mode: a.mode, cacheDir: a.cacheDir, algo: a.repo.objectFormat, git: a.git, diffs: cmp.diffs, readGit: (oid) => reader.read(oid, a.maxRetainFile), tarball, started, ...(a.commit ? { checkout: { gitDir: a.repo.gitDir, commit: a.commit, objectFormat: a.repo.objectFormat } } : {}), ...(a.commit && a.releaseVersion !== undefined ? { releaseVersion: a.releaseVersion } : {}) }));
  const settled = report.then(() => undefined, () => undefined);
  return {
    scan: a.scan,
    git: a.git,
    stripPrefix: a.stripPrefix,
    cmp,
    report,
    started: Promise.race([running, settled]),
    done: settled.then(() => reader.close()).catch(() => undefined),
  };
}

/** The early run when explain would compare exactly what it compared, else undefined. */
export function reusable(early: EarlyRegeneration | undefined, scan: ScanResult, git: GitTree, stripPrefix: string | undefined): EarlyRegeneration | undefined {
  return early && early.scan === scan && early.git === git && early.stripPrefix === stripPrefix ? early : undefined;
}
