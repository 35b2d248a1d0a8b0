/**
 * The revision chain: which commit an archive is compared with, each step logged.
 *
 *   1. explicit    --tag / --commit, when given, decide; archive metadata is only checked against them
 *   2. metadata    commits the archive names: npm gitHead (package.json, registry, --git-head),
 *                  .cargo_vcs_info.json, the pax header of git archive; when they name different commits
 *                  in the repository the run stops (ambiguity is never resolved silently)
 *   3. tag-pattern tags matching the release version (file name, package metadata); a tag naming another
 *                  commit than the metadata → REVISION_MISMATCH (high)
 *   4. metadata    a ChangeLog generated from git log (weakest: used only when no tag matches)
 *   5. neighbourhood  no tag: commits reachable from the nearest tags and the branch heads, the one whose
 *                  tree differs from the archive in the fewest paths wins; a tie between different trees stops
 *   6. cache       a tag that points elsewhere than the cached clone recorded before this run → TAG_MOVED (high)
 */
import { DistdiffError } from '../core/errors.js';
import type { Finding, MetadataSource } from '../core/findings.js';
import { makeFinding } from '../core/severity.js';
import type { ChainStep, ChainStepArgs, NeighbourhoodStart } from '../core/result.js';
import { readTagMap, type RepoHandle } from '../acquire/repo.js';
import { extractRelease, resolveRevision, type ResolvedRevision } from '../acquire/revision.js';
import { runGit, runGitText } from '../git/run.js';
import { normaliseRepoDir } from './subtree.js';

export interface MetadataClaim {
  source: MetadataSource;
  commit: string;
  /** Archive path (prefix-stripped) of the file that names it; 'pax_global_header' for the pax header. */
  path: string;
}

export interface ChainInput {
  repo: RepoHandle;
  /** Archive file names / top directories (for the version). */
  names: string[];
  tag?: string;
  commit?: string;
  /** Commits named by the archive, strongest first. ChangeLog claims are weak and used last. */
  claims: MetadataClaim[];
  /** Release version from package metadata (npm, Cargo.toml, PKG-INFO), tried after the names. */
  version?: string;
  /** Archive files, prefix-stripped: path → blob id (for the neighbourhood search), or a function building it when needed. */
  archiveFiles?: Map<string, string> | (() => Map<string, string>);
  /** Repository subdirectory the package comes from (for the neighbourhood search). */
  directory?: string;
  /** Bounds of the neighbourhood search. */
  maxCandidates?: number;
}

export interface ChainRevision extends Omit<ResolvedRevision, 'how'> {
  how: 'tag' | 'commit' | 'inferred' | 'metadata' | 'nearest';
  distance?: number;
}

export interface ChainResult {
  revision: ChainRevision;
  steps: ChainStep[];
  findings: Finding[];
}

const short = (c: string) => c.slice(0, 12);

async function tryCommit(repo: RepoHandle, sha: string): Promise<ResolvedRevision | undefined> {
  if (!/^[0-9a-f]{40}$|^[0-9a-f]{64}$/i.test(sha)) return undefined;
  try {
    return await resolveRevision(repo, { commit: sha, names: [] });
  } catch (e) {
    if (e instanceof DistdiffError && e.kind === 'revision') return undefined;
    throw e;
  }
}

/**
 * A commit the archive's metadata names, resolved only when a branch or a tag of the repository reaches it. A
 * commit the object store merely holds proves nothing: a clone of a forge mirror also holds every pull
 * request's commits (refs/pull/*), which anyone can push — `git archive` of such a commit, named for a version
 * no tag has, would otherwise be IDENTICAL to "the repository". Unreached, the claim is treated as naming a
 * commit the repository lacks (REVISION_MISMATCH, or METADATA_COMMIT_UNKNOWN when all content is explained).
 */
async function tryClaimedCommit(repo: RepoHandle, sha: string): Promise<ResolvedRevision | undefined> {
  const rev = await tryCommit(repo, sha);
  if (!rev) return undefined;
  const refs = await runGitText(repo.gitDir, ['for-each-ref', '--count=1', '--format=%(refname)', `--contains=${rev.commit}`, 'refs/heads/', 'refs/tags/']).catch(() => '');
  return refs.trim() ? rev : undefined;
}

/** Why no tag pattern matched, as a chain step's kind and arguments. */
type TagMiss = { kind: 'no-version'; args: ChainStepArgs['no-version'] } | { kind: 'no-tag-matches'; args: ChainStepArgs['no-tag-matches'] };

/**
 * Tag inference; without `rev` when no tag matches (or there is no version): `miss` says why (a chain step),
 * `message` is the error's own line (the run stops with it when nothing else finds the revision).
 * Rethrows ambiguity and other errors.
 */
async function tryTags(repo: RepoHandle, names: string[]): Promise<{ rev: ResolvedRevision } | { rev?: undefined; miss: TagMiss; message: string }> {
  try {
    return { rev: await resolveRevision(repo, { names }) };
  } catch (e) {
    if (e instanceof DistdiffError && e.kind === 'revision' && /^(no tag matches|cannot infer)/.test(e.message)) {
      const version = extractRelease(names).version;
      const miss: TagMiss = version
        ? { kind: 'no-tag-matches', args: { version, tags: (await readTagMap(repo.gitDir)).size, repo: repo.source } }
        : { kind: 'no-version', args: {} };
      return { miss, message: e.message };
    }
    throw e;
  }
}

/** Dotted numeric version components (1.2.3rc1 → [1,2,3]). */
function numeric(v: string): number[] {
  return (v.match(/\d+/g) ?? []).map(Number);
}
function cmpVersion(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

async function treeMap(repo: RepoHandle, commit: string, dir: string): Promise<Map<string, string>> {
  const args = ['ls-tree', '-r', '-z', '--full-tree', commit];
  if (dir) args.push('--', `${dir}/`);
  const out = (await runGit(repo.gitDir, args, { maxBuffer: 1024 ** 3 })).toString('utf8');
  const m = new Map<string, string>();
  const pre = dir ? dir + '/' : '';
  for (const rec of out.split('\0')) {
    if (!rec) continue;
    const tab = rec.indexOf('\t');
    const [, , oid] = rec.slice(0, tab).split(' ');
    const p = rec.slice(tab + 1);
    m.set(p.startsWith(pre) ? p.slice(pre.length) : p, oid!);
  }
  return m;
}

/** Number of paths that differ: changed, archive-only, git-only. */
export function treeDistance(archive: Map<string, string>, git: Map<string, string>): number {
  let d = 0;
  for (const [p, oid] of archive) if (git.get(p) !== oid) d += 1;
  for (const p of git.keys()) if (!archive.has(p)) d += 1;
  return d;
}

export interface NeighbourhoodResult {
  commit: string;
  distance: number;
  searched: number;
  /** Other commits with a different tree at the same distance (ambiguity). */
  ties: string[];
  from: NeighbourhoodStart;
}

/**
 * Commits near `version`: reachable from the nearest higher tag (by version) and every branch head, not
 * reachable from the nearest lower tag's parents; the best match by tree distance, at most `max` commits.
 */
export async function searchNeighbourhood(
  repo: RepoHandle,
  version: string | undefined,
  archive: Map<string, string>,
  dir = '',
  max = 200,
): Promise<NeighbourhoodResult | undefined> {
  const tags = await readTagMap(repo.gitDir);
  const heads = (await runGitText(repo.gitDir, ['for-each-ref', '--format=%(objectname)', 'refs/heads/'])).split('\n').filter(Boolean);
  const from: NeighbourhoodStart = { heads: heads.length };
  const include = new Set<string>(heads);
  const exclude: string[] = [];
  if (version) {
    const want = numeric(version);
    let lower: { tag: string; v: number[] } | undefined;
    let higher: { tag: string; v: number[] } | undefined;
    for (const tag of tags.keys()) {
      const tv = extractRelease([tag]).version;
      if (!tv) continue;
      const v = numeric(tv);
      const c = cmpVersion(v, want);
      if (c < 0 && (!lower || cmpVersion(v, lower.v) > 0)) lower = { tag, v };
      if (c > 0 && (!higher || cmpVersion(v, higher.v) < 0)) higher = { tag, v };
    }
    if (higher) {
      include.add(tags.get(higher.tag)!);
      from.higherTag = higher.tag;
    }
    if (lower) {
      const lc = tags.get(lower.tag)!;
      include.add(lc);
      exclude.push(`^${lc}^@`);
      from.lowerTag = lower.tag;
    }
  }
  if (include.size === 0) return undefined;
  const out = await runGitText(repo.gitDir, ['rev-list', `--max-count=${max}`, '--date-order', '--format=%T', ...include, ...exclude, '--']);
  // Output: "commit <id>\n<tree>\n" per commit.
  const commits: { commit: string; tree: string }[] = [];
  const lines = out.split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const m = /^commit ([0-9a-f]+)$/.exec(lines[i]!);
    if (m) commits.push({ commit: m[1]!, tree: lines[i + 1]!.trim() });
  }
  const byTree = new Map<string, number>();
  let best: { commit: string; tree: string; distance: number } | undefined;
  const scored: { commit: string; tree: string; distance: number }[] = [];
  for (const c of commits) {
    let d = byTree.get(c.tree);
    if (d === undefined) {
      d = treeDistance(archive, await treeMap(repo, c.commit, dir));
      byTree.set(c.tree, d);
    }
    scored.push({ ...c, distance: d });
    if (!best || d < best.distance) best = { ...c, distance: d };
  }
  if (!best) return undefined;
  const ties = [...new Set(scored.filter((s) => s.distance === best!.distance && s.tree !== best!.tree).map((s) => s.commit))];
  return { commit: best.commit, distance: best.distance, searched: commits.length, ties, from };
}

/** Every number in a name, in order ("json-c-0.16-20220414" → 0, 16, 20220414; "2025.01.31" → 2025, 1, 31). */
const numbers = (v: string) => (v.match(/\d+/g) ?? []).map(Number);
const within = (needle: number[], hay: number[]) => hay.some((_, i) => needle.every((n, k) => hay[i + k] === n));

/** Whether a tag names another version than the archive's name: neither's numbers occur as a run in the other's. */
export function tagConflictsWithVersion(tag: string, version: string): { tagVersion: string } | undefined {
  const t = numbers(tag);
  const v = numbers(version);
  // Only dotted versions on both sides: a single number ("case-2.tar", tag "release-7") says too little.
  if (t.length < 2 || v.length < 2 || within(v, t) || within(t, v)) return undefined;
  return { tagVersion: extractRelease([tag]).version ?? tag };
}

function mismatch(claim: MetadataClaim, commit: string, inRepo: boolean, tag?: string): Finding {
  return makeFinding('REVISION_MISMATCH', claim.path, { source: claim.source, claimed: claim.commit, commit, ...(tag ? { tag } : {}), inRepo });
}

export async function resolveChain(input: ChainInput): Promise<ChainResult> {
  const { repo } = input;
  const steps: ChainStep[] = [];
  const findings: Finding[] = [];
  const names = input.version ? [...input.names, `v${input.version}`] : input.names;
  const strong = input.claims.filter((c) => c.source !== 'changelog');
  const weak = input.claims.filter((c) => c.source === 'changelog');
  let revision: ChainRevision | undefined;

  // Resolve every strong claim once.
  const resolved: { claim: MetadataClaim; rev?: ResolvedRevision }[] = [];
  for (const claim of strong) resolved.push({ claim, rev: await tryClaimedCommit(repo, claim.commit) });

  if (input.tag !== undefined || input.commit !== undefined) {
    const r = await resolveRevision(repo, { tag: input.tag, commit: input.commit, names });
    revision = r;
    steps.push(
      input.tag !== undefined
        ? { step: 'explicit', outcome: 'chosen', kind: 'tag-given', args: { tag: input.tag, commit: r.commit } }
        : { step: 'explicit', outcome: 'chosen', kind: 'commit-given', args: { commit: r.commit } },
    );
    // A given tag naming another version than the archive's name is a finding, not only a line of the chain.
    const archiveVersion = extractRelease(input.names).version;
    const conflict = input.tag !== undefined && archiveVersion ? tagConflictsWithVersion(input.tag, archiveVersion) : undefined;
    if (conflict && input.tag !== undefined && archiveVersion) {
      steps.push({ step: 'tag-pattern', outcome: 'conflicts', kind: 'tag-names-other-version', args: { tag: input.tag, tagVersion: conflict.tagVersion, archiveVersion } });
      findings.push(makeFinding('TAG_CONFLICTS_WITH_ARCHIVE', (input.names[0] ?? input.tag).split(/[/\\]/).pop()!, { tag: input.tag, tagVersion: conflict.tagVersion, archiveVersion, source: 'archive-name' }));
    }
    for (const { claim, rev } of resolved) {
      if (rev && rev.commit === r.commit) steps.push({ step: 'metadata', outcome: 'agrees', kind: 'metadata-names', args: { source: claim.source, commit: r.commit, inRepo: true } });
      else {
        steps.push({ step: 'metadata', outcome: 'conflicts', kind: 'metadata-names', args: { source: claim.source, commit: claim.commit, inRepo: rev !== undefined } });
        findings.push(mismatch(claim, r.commit, rev !== undefined, r.tag));
      }
    }
  } else {
    const inRepo = resolved.filter((x) => x.rev);
    for (const { claim, rev } of resolved) {
      if (!rev) steps.push({ step: 'metadata', outcome: 'not-found', kind: 'metadata-missing', args: { source: claim.source, commit: claim.commit } });
    }
    const distinct = [...new Set(inRepo.map((x) => x.rev!.commit))];
    if (distinct.length > 1) {
      throw new DistdiffError(
        'revision',
        'archive metadata',
        `the archive names ${distinct.length} different commits: ${inRepo.map((x) => `${x.claim.source} ${short(x.rev!.commit)}`).join(', ')}`,
        'pass --commit to choose one; an archive should name one commit',
      );
    }
    const tags = await tryTags(repo, names);
    if (distinct.length === 1) {
      const chosen = inRepo[0]!;
      revision = { ...chosen.rev!, how: 'metadata' };
      steps.push({ step: 'metadata', outcome: 'chosen', kind: 'metadata-chosen', args: { sources: inRepo.map((x) => x.claim.source), commit: chosen.rev!.commit } });
      if (tags.rev) {
        if (tags.rev.commit === chosen.rev!.commit) {
          steps.push({ step: 'tag-pattern', outcome: 'agrees', kind: 'tag-found', args: { tag: tags.rev.tag!, commit: tags.rev.commit } });
          revision = { ...revision, tag: tags.rev.tag, tagType: tags.rev.tagType };
        } else {
          steps.push({ step: 'tag-pattern', outcome: 'conflicts', kind: 'tag-other-commit', args: { tag: tags.rev.tag!, commit: tags.rev.commit, archiveCommit: chosen.rev!.commit } });
          findings.push(mismatch(chosen.claim, tags.rev.commit, true, tags.rev.tag));
        }
      } else steps.push({ step: 'tag-pattern', outcome: 'not-found', ...tags.miss });
      // Claims the repository lacks, reported against the chosen commit.
      for (const { claim, rev } of resolved) if (!rev) findings.push(mismatch(claim, chosen.rev!.commit, false));
    } else if (tags.rev) {
      revision = tags.rev;
      const also = tags.rev.candidates && tags.rev.candidates.length > 1 ? tags.rev.candidates.filter((t) => t !== tags.rev!.tag) : undefined;
      steps.push({ step: 'tag-pattern', outcome: 'chosen', kind: 'tag-found', args: { tag: tags.rev.tag!, commit: tags.rev.commit, ...(also ? { also } : {}) } });
      for (const { claim, rev } of resolved) if (!rev) findings.push(mismatch(claim, tags.rev.commit, false, tags.rev.tag));
    } else {
      steps.push({ step: 'tag-pattern', outcome: 'not-found', ...tags.miss });
      for (const claim of weak) {
        const rev = await tryClaimedCommit(repo, claim.commit);
        if (rev) {
          revision = { ...rev, how: 'metadata' };
          steps.push({ step: 'metadata', outcome: 'chosen', kind: 'file-chosen', args: { source: claim.source, path: claim.path, commit: rev.commit } });
          break;
        }
        steps.push({ step: 'metadata', outcome: 'not-found', kind: 'metadata-missing', args: { source: claim.source, commit: claim.commit } });
      }
      if (!revision && input.archiveFiles) {
        const version = extractRelease(names).version;
        const dir = input.directory ? normaliseRepoDir(input.directory) : '';
        const files = typeof input.archiveFiles === 'function' ? input.archiveFiles() : input.archiveFiles;
        const n = await searchNeighbourhood(repo, version, files, dir, input.maxCandidates ?? 200);
        if (n) {
          if (n.ties.length > 0) {
            throw new DistdiffError(
              'revision',
              version ?? 'archive',
              `no tag; ${n.ties.length + 1} commits match the archive equally well (${n.distance} differing paths): ${[n.commit, ...n.ties].slice(0, 5).map(short).join(', ')}`,
              'pass --commit to choose one',
            );
          }
          const rev = (await tryCommit(repo, n.commit))!;
          revision = { ...rev, how: 'nearest', distance: n.distance };
          steps.push({ step: 'neighbourhood', outcome: 'chosen', kind: 'nearest-commit', args: { commit: n.commit, distance: n.distance, searched: n.searched, from: n.from } });
        }
      }
      if (!revision) {
        throw new DistdiffError('revision', extractRelease(names).version ?? names[0] ?? 'archive', tags.message || 'cannot find the revision', 'pass --tag or --commit');
      }
    }
    if (revision.how === 'tag') revision = { ...revision, how: 'inferred' };
  }

  // The ChangeLog claim is checked by the changelog classifier (CHANGELOG_OTHER_COMMIT); log it here.
  for (const claim of weak) {
    if (steps.some((s) => (s.kind === 'file-chosen' || s.kind === 'file-names') && s.args.source === claim.source)) continue;
    steps.push({ step: 'metadata', outcome: claim.commit === revision.commit ? 'agrees' : 'conflicts', kind: 'file-names', args: { source: claim.source, path: claim.path, commit: claim.commit } });
  }

  // A tag that moved since the cached clone last saw it.
  if (revision.tag && repo.previousTags) {
    const prev = repo.previousTags.get(revision.tag);
    if (prev && prev !== revision.commit) {
      steps.push({ step: 'cache', outcome: 'conflicts', kind: 'tag-moved', args: { tag: revision.tag, previous: prev } });
      findings.push(makeFinding('TAG_MOVED', `refs/tags/${revision.tag}`, { tag: revision.tag, previous: prev, current: revision.commit, source: 'cache' }));
    } else if (prev) steps.push({ step: 'cache', outcome: 'agrees', kind: 'tag-unchanged', args: { tag: revision.tag } });
  }
  return { revision, steps, findings };
}
