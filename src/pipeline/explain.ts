/**
 * Stage 6 of verify(): explain the differences — compare, classify (the profile's classifiers, then the
 * generic registry, fallback last), archive anomalies, the revision chain's findings, policy, and bounded
 * line diffs of changed files. `explainTrees` needs no git and no files: the git side's content comes
 * through `readGitBlob`, so it runs over in-memory trees as well as over a repository.
 */
import { releaseProjectNames } from '../classify/distro-hunks.js';
import { anomalyFindings, gitArchiveComment } from '../classify/anomalies.js';
import { classifyEach, POST_PASSES, runPostPasses, type PrecheckAudit } from '../classify/index.js';
import { applyPolicy, parsePolicyText, type Policy } from '../classify/policy.js';
import type { Classifier, ClassifyContext, ContentAccess, PostPass, RevisionInfo } from '../classify/types.js';
import { compareTrees } from '../compare/compare.js';
import { contentDiff } from '../compare/content-diff.js';
import { withChange } from '../core/change.js';
import type { Finding } from '../core/findings.js';
import { makeFinding } from '../core/severity.js';
import { codeDoc } from '../core/codes.js';
import type { Note } from '../core/result.js';
import { regenerationNote } from '../regenerate/note.js';
import type { RegenerationReport } from '../regenerate/types.js';
import type { HistoryAccess } from '../git/history.js';
import type { PinnedSubmodule } from '../acquire/submodule.js';
import { severityRank, type ArchiveScan, type CompareResult, type GitTree, type PathDiff } from '../core/types.js';
import { KeySet, PathIndex, SortedPathSet } from '../util/path-set.js';
import { mark } from '../util/timeline.js';

const pathOf = (d: PathDiff): string => d.path;

/** The allowance --accept-unproved gives UNPROVED_BUILD_OUTPUTS findings. */
export const ACCEPT_UNPROVED_REASON = '--accept-unproved: unproved build outputs accepted by the caller';

/** A policy file at the top of the compared revision: the project's own (see README "Policy file"). */
export const REPO_POLICY = 'distdiff.config.json';

export interface ExplainInput {
  /** The tarball side: entries in archive order (not prefix-stripped), anomalies, retained content. */
  archive: ArchiveScan;
  /** The git side, as `git archive` exports the revision. */
  git: GitTree;
  revision: RevisionInfo;
  /** Content of a git blob by id (undefined when it cannot be read). */
  readGitBlob: (oid: string) => Promise<Buffer | undefined>;
  /** Ordered classifiers (the generic fallback is appended by classify). */
  classifiers: readonly Classifier[];
  /** Cross-file passes after classification (default: the registry's, classify/index.ts). */
  postPasses?: readonly PostPass[];
  /** Prefix to strip ('' = none); undefined = detect. */
  stripPrefix?: string;
  /** Findings from earlier stages (the revision chain), judged by the policy like the others. */
  findings?: readonly Finding[];
  /** The packager's policy; without it, the repository's own distdiff.config.json applies (below high only). */
  policy?: Policy;
  /** --accept-unproved: UNPROVED_BUILD_OUTPUTS findings are allowed (info, `allowed`), as a policy allowance would. */
  acceptUnproved?: boolean;
  /** --no-regenerate: no generator runs, gnulib-tool included (the classifiers see it as ClassifyContext.noGenerators). */
  noGenerators?: boolean;
  /** Where gnulib-tool runs are cached (ClassifyContext.gnulibToolCache). */
  gnulibToolCache?: string;
  /** The cache directory of the toolchains (ClassifyContext.toolchainCache). */
  toolchainCache?: string;
  /** The whole revision's tree when `git` is a subdirectory of it (crate, npm workspace), and that subdirectory. */
  repoTree?: GitTree;
  pathInRepo?: string;
  /** The revision's history for classifiers that trace a file to git log (src/git/history.ts). */
  history?: HistoryAccess;
  /**
   * Regeneration of the autotools outputs (src/regenerate), started after compare: its generators run while
   * the classifiers do, and only the post passes wait for its report. It calls `started` once the
   * generators are running (the classifiers wait for that, or for the report).
   */
  regenerate?: (diffs: CompareResult['diffs'], tarball: ContentAccess['tarball'], started: () => void) => Promise<RegenerationReport>;
  /** Submodules pinned by the revision, their pinned trees readable (src/acquire/submodule.ts). */
  submodules?: readonly PinnedSubmodule[];
  /** The comparison of exactly these inputs, already made (./early-regen.ts): not made again. */
  compared?: CompareResult;
  /** The pre-check audit (classify/index.ts PrecheckAudit): filled while classifying; the findings are unchanged. */
  auditPrechecks?: PrecheckAudit;
}

export interface Explanation {
  compare: CompareResult;
  /** Sorted by path, then code. */
  findings: Finding[];
  /** PREFIX_STRIPPED, PAX_COMMIT, POLICY_LOADED, CONTENT_NOT_RETAINED, POST_PASS_FAILED, in that order. */
  notes: Note[];
}

/**
 * Archive metadata naming a commit the repository does not have (a Debian +ds repack made with git archive
 * from Debian's own import commit): the claim cannot be checked, but the content was compared with the chosen
 * revision anyway. When every content difference (tarball-only or changed) is explained, the finding is
 * METADATA_COMMIT_UNKNOWN (medium) instead of REVISION_MISMATCH (high); when anything is not, it stays high.
 */
export function unknownCommitFindings(chain: readonly Finding[], classified: readonly Finding[]): Finding[] {
  const contentExplained = classified.every((f) => (f.change !== 'tarball-only' && f.change !== 'changed') || codeDoc(f.code).explained);
  return chain.map((f) =>
    f.code === 'REVISION_MISMATCH' && !f.evidence.inRepo && contentExplained
      ? makeFinding('METADATA_COMMIT_UNKNOWN', f.path, { source: f.evidence.source, claimed: f.evidence.claimed, commit: f.evidence.commit, ...(f.evidence.tag ? { tag: f.evidence.tag } : {}) })
      : f,
  );
}

export async function explainTrees(input: ExplainInput): Promise<Explanation> {
  const { archive: scan, git, revision } = input;
  const notes: Note[] = [];
  const cmp =
    input.compared ??
    compareTrees(scan, git, {
      ...(input.stripPrefix !== undefined ? { stripPrefix: input.stripPrefix } : {}),
      ...(input.repoTree && input.pathInRepo ? { outside: { tree: input.repoTree, dir: input.pathInRepo } } : {}),
    });
  mark('explain: compared');
  if (cmp.prefix) notes.push({ code: 'PREFIX_STRIPPED', prefix: cmp.prefix });
  if (git.shippedIgnored?.length) notes.push({ code: 'EXPORT_IGNORED_SHIPPED', files: git.shippedIgnored.length, examples: git.shippedIgnored.slice(0, 3) });
  if (scan.paxCommit) notes.push({ code: 'PAX_COMMIT', commit: scan.paxCommit, matches: scan.paxCommit === revision.commit });

  // The differences by path (content lookups, findings' change kinds): a hash index of positions, not a
  // Map (with millions of differences a Map costs ~50 bytes per entry, the index 8–16).
  const byPath = new PathIndex(cmp.diffs, pathOf);
  const diffAt = (path: string): PathDiff | undefined => byPath.get(path);
  const rawOid = (path: string): string | undefined => git.converted.get(path)?.rawOid ?? git.entries.get(path)?.oid;
  const gitCache = new Map<string, Promise<Buffer | undefined>>();
  const content: ContentAccess = {
    tarball: (path) => {
      const e = diffAt(path)?.tarball;
      return e?.oid ? scan.content.get(e.oid) : undefined;
    },
    tarballHead: (path) => {
      const e = diffAt(path)?.tarball;
      const head = e?.oid ? scan.content.head?.(e.oid) : undefined;
      return head && e?.oid ? { head, oid: e.oid, size: e.size, algo: git.algo } : undefined;
    },
    nested: (path) => {
      const e = diffAt(path)?.tarball;
      return e?.oid ? scan.nested?.get(e.oid) : undefined;
    },
    git: (path) => {
      const cached = gitCache.get(path);
      if (cached) return cached;
      // an export-ignored path is still the revision's (strace's bootstrap under `/* export-ignore`)
      const oid = rawOid(path) ?? git.exportIgnoredEntries?.get(path)?.oid;
      const p: Promise<Buffer | undefined> = oid ? input.readGitBlob(oid) : Promise.resolve(undefined);
      gitCache.set(path, p);
      return p;
    },
    ...(input.repoTree
      ? {
          repo: (repoPath: string) => {
            const e = input.repoTree!.entries.get(repoPath);
            return e?.oid && e.type !== 'submodule' ? input.readGitBlob(input.repoTree!.converted.get(repoPath)?.rawOid ?? e.oid) : Promise.resolve(undefined);
          },
        }
      : {}),
  };
  // Made only when a classifier asks (most runs never do), as one sorted array.
  const tarballPaths = new SortedPathSet(() => {
    const paths: string[] = [];
    for (const e of scan.entries) {
      if (e.type === 'directory') continue;
      let p = cmp.prefix && e.path.startsWith(cmp.prefix + '/') ? e.path.slice(cmp.prefix.length + 1) : e.path;
      if (p !== e.path) {
        // git's string, or the difference's: no further copy of the path kept
        const g = git.entries.get(p);
        if (g !== undefined && g.path === p) p = g.path;
        else p = diffAt(p)?.path ?? p;
      }
      paths.push(p);
    }
    return paths;
  });
  // The regeneration runs its generators in sandboxed child processes: started here, it proceeds while the
  // classifiers run, and only the post passes (suspicious constructs, provenance) wait for its report.
  // Its scratch tree is written first (git reads shared with the classifiers): the classifiers start once
  // the generators run.
  let started = () => {};
  const running = new Promise<void>((resolve) => (started = resolve));
  const regenerating = input.regenerate?.(cmp.diffs, content.tarball, started);
  regenerating?.catch(() => {}); // awaited below; a failure must not be an unhandled rejection meanwhile
  if (regenerating) await Promise.race([running, regenerating.then(() => undefined, () => undefined)]);
  const ctx: ClassifyContext = {
    ...(input.history ? { history: input.history } : {}),
    ...(input.pathInRepo ? { pathInRepo: input.pathInRepo } : {}),
    ...(input.submodules?.length ? { submodules: input.submodules } : {}),
    ...(input.noGenerators ? { noGenerators: true } : {}),
    ...(input.gnulibToolCache ? { gnulibToolCache: input.gnulibToolCache } : {}),
    ...(input.toolchainCache ? { toolchainCache: input.toolchainCache } : {}),
    diffs: cmp.diffs,
    anomalies: cmp.anomalies,
    revision: { commit: revision.commit, tag: revision.tag, version: revision.version, date: revision.date, project: releaseProjectNames(...(revision.project ?? []), cmp.prefix) },
    gitPaths: new KeySet(git.entries),
    converted: (path) => git.converted.get(path),
    tarballPaths,
    content,
  };
  // Each finding says what the comparison saw at its path (README "JSON output": change, blob ids, modes).
  const failedPasses: Note[] = [];
  mark('explain: regeneration started or skipped');
  const each = await classifyEach(ctx, input.classifiers, input.auditPrechecks);
  mark('explain: classified');
  // Line diffs for changed files (content from the archive's retained bytes and git's object store): made
  // below for each finding that has none. While the generators still run they are made here, ahead.
  const changedByPath = new Map(cmp.diffs.filter((d) => d.status === 'changed' && d.changes?.includes('content')).map((d) => [d.path, d]));
  const lineDiff = async (d: PathDiff) => {
    const t = d.tarball?.oid ? scan.content.get(d.tarball.oid) : undefined;
    const g = t ? await content.git(d.path) : undefined;
    return { retained: t !== undefined, diff: contentDiff(d.path, g, t, { gitOid: d.git?.oid, tarballOid: d.tarball?.oid, gitSize: d.git?.size, tarballSize: d.tarball?.size }) };
  };
  const ahead = new Map<string, Awaited<ReturnType<typeof lineDiff>>>();
  if (regenerating) {
    for (const d of changedByPath.values()) {
      ahead.set(d.path, await lineDiff(d));
      await new Promise<void>((resolve) => setImmediate(resolve)); // let the generator steps proceed
    }
  }
  const regeneration = regenerating ? await regenerating : undefined;
  const regenNote = regeneration && regenerationNote(regeneration);
  if (regenNote) notes.push(regenNote);
  if (regeneration) ctx.regeneration = regeneration;
  mark('explain: regeneration report');
  const classified = await runPostPasses(each, ctx, input.postPasses ?? POST_PASSES, (pass, error) => failedPasses.push({ code: 'POST_PASS_FAILED', pass, error }));
  mark('explain: post passes');
  // In place: no second array of millions of findings.
  let findings = classified;
  for (let i = 0; i < findings.length; i++) findings[i] = withChange(findings[i]!, diffAt(findings[i]!.path));
  for (const f of anomalyFindings(cmp.anomalies.filter((a) => !gitArchiveComment(a, revision.commit)), (p) => git.entries.has(p))) findings.push(withChange(f, 'anomaly'));
  for (const f of unknownCommitFindings(input.findings ?? [], findings)) findings.push(withChange(f, 'anomaly'));
  if (input.policy) {
    findings = applyPolicy(findings, input.policy);
    notes.push({ code: 'POLICY_LOADED', path: input.policy.source ?? '--config', allowances: input.policy.allow.length });
  } else if (git.entries.get(REPO_POLICY)?.type === 'file') {
    // The project's own policy, from the compared revision. Whoever controls the repository controls it,
    // so it may accept only findings below high: high and critical need the packager's own --config.
    const text = await content.git(REPO_POLICY);
    if (text) {
      const repoPolicy = parsePolicyText(text.toString('utf8'), `${REPO_POLICY} at ${revision.commit.slice(0, 12)}`, 'fix it in the repository or pass your own --config');
      const high = severityRank('high');
      const protectedFindings = findings.filter((f) => severityRank(f.severity) >= high);
      findings = [...applyPolicy(findings.filter((f) => severityRank(f.severity) < high), repoPolicy), ...protectedFindings];
      notes.push({ code: 'POLICY_LOADED', path: repoPolicy.source ?? REPO_POLICY, allowances: repoPolicy.allow.length });
    }
  }

  // --accept-unproved: an allowance of the caller's, as a policy file would give it.
  if (input.acceptUnproved && findings.some((f) => f.code === 'UNPROVED_BUILD_OUTPUTS' && !f.allowed)) {
    findings = applyPolicy(findings, { allow: [{ path: '**', code: 'UNPROVED_BUILD_OUTPUTS', reason: ACCEPT_UNPROVED_REASON }], severity: {} });
  }

  // Line diffs for changed files (those made ahead first, each used once).
  let notRetained = 0;
  for (const f of findings) {
    const d = changedByPath.get(f.path);
    if (!d || f.diff) continue;
    const made = ahead.get(d.path) ?? (await lineDiff(d));
    ahead.delete(d.path);
    if (!made.retained) notRetained += 1;
    f.diff = made.diff;
  }
  if (notRetained > 0) notes.push({ code: 'CONTENT_NOT_RETAINED', files: notRetained });
  notes.push(...failedPasses);

  findings.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return { compare: cmp, findings, notes };
}
