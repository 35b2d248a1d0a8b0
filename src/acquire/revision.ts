/**
 * Which commit the tarball claims to come from: an explicit --tag or --commit, or a tag inferred from the
 * version in the archive's file name and top-level directory.
 *
 * Inference rules (tagCandidates):
 *  - the version's components (digit runs and letter runs: 9.2p1 → 9, 2, p, 1) must be the END of the tag;
 *    between two digit runs one of `.` `_` `-` is required, between digits and letters it is optional;
 *    letters compare case-insensitively (`V_9_2_P1` matches 9.2p1);
 *  - anything after the version disqualifies the tag: `v5.6.1-final`, `5.6.1-rc1`, `v17.7.2-deno`, `v5.6.10`
 *    do not match 5.6.1 / 17.7.2 (decided: a suffix is a different release; pass --tag for those);
 *  - the part before the version must be empty or end in a word (`v`, `xz-`, `release-`, `R_`, `curl-`,
 *    `pkg/v`), never in a digit or a dot after digits (`15.6.1`, `1.5.6.1` do not match 5.6.1);
 *  - several matches are ranked: a prefix naming the project (`xz-`, `cares-` for c-ares, `xz-v`) first,
 *    then generic prefixes (none, `v`, `r`, `rel`, `release`, `version`, `ver`), then the rest; only the
 *    best non-empty rank is returned.
 */
import { DistdiffError } from '../core/errors.js';
import { GitCommandError, runGit, runGitText } from '../git/run.js';
import { readTagMap, type RepoHandle } from './repo.js';

export interface ResolvedRevision {
  commit: string;
  tag?: string;
  tagType?: 'annotated' | 'lightweight';
  how: 'tag' | 'commit' | 'inferred';
  version?: string;
  /** Tags that matched the inferred version (inference only). */
  candidates?: string[];
  /** Commit date, ISO 8601 with the committer's offset (like git's %cI). */
  date?: string;
}

const ARCHIVE_EXT = /\.(tar\.(gz|xz|bz2|zst|zstd|lz|lzma|z)|tgz|txz|tbz2?|tzst|tlz|tar|zip|gz|xz|bz2|zst)$/i;
const DEBIAN_ORIG = /\.orig(-[A-Za-z0-9_-]+)?$/;
const REPACK = /(?:[+~.](?:dfsg|ds|repack)(?:\.?\d+)?)+$/i;
const NOT_VERSION = /[-_.](src|source|sources|dist|full)$/i;
const VERSION_AT_END = /^(?:(.*?)[-_])?v?(\d+(?:[._]\d+)*(?:[a-z]\d*|[-.~]?(?:rc|alpha|beta|pre|dev)\.?\d*)?)$/i;

/**
 * Project name and version from archive file names / top-level directories (first that yields a version). A Debian
 * orig tarball is named SOURCE_UPSTREAMVERSION.orig.tar.*: a source name may end in digits after a hyphen
 * (`libtasn1-6_4.19.0.orig.tar.gz`, `libsigc++-2.0_2.12.0.orig.tar.xz`) and an upstream version never holds `_`
 * (Debian policy 5.6.12), so such a name is split at its last `_` first — read as a whole, `6_4.19.0` was the version.
 */
export function extractRelease(names: string[]): { project?: string; version?: string } {
  for (const raw of names) {
    let base = raw.replace(/[/\\]+$/, '').split(/[/\\]/).pop() ?? '';
    base = base.replace(ARCHIVE_EXT, '');
    const orig = DEBIAN_ORIG.test(base);
    base = base.replace(DEBIAN_ORIG, '').replace(REPACK, '').replace(NOT_VERSION, '');
    const cut = orig ? base.lastIndexOf('_') : -1;
    if (cut > 0) {
      const d = VERSION_AT_END.exec(base.slice(cut + 1));
      if (d && d[2] && !d[1]) return { project: base.slice(0, cut), version: d[2] };
    }
    const m = VERSION_AT_END.exec(base);
    if (m && m[2]) {
      const project = m[1] ? m[1].replace(/[-_.]+$/, '') : undefined;
      return project ? { project, version: m[2] } : { version: m[2] };
    }
  }
  return {};
}

/** The release version in archive file names / top-level directories, e.g. `xz-5.6.1.tar.gz` → 5.6.1. */
export function extractVersion(names: string[]): string | undefined {
  return extractRelease(names).version;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

const GENERIC_PREFIXES = new Set(['', 'v', 'r', 'rel', 'release', 'version', 'ver']);
const key = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Tags naming `version` (see the rules at the top of this file), best-ranked group only, in input order. */
export function tagCandidates(version: string, tags: string[], project?: string): string[] {
  const tokens = version.match(/\d+|[a-z]+/gi);
  if (!tokens || !/^\d/.test(tokens[0]!)) return [];
  let body = '';
  tokens.forEach((t, i) => {
    if (i > 0) body += /\d/.test(t[0]!) && /\d/.test(tokens[i - 1]![0]!) ? '[._-]' : '[._-]?';
    body += escapeRe(t);
  });
  const re = new RegExp(`^(.*?)${body}$`, 'i');
  const pk = project ? key(project) : undefined;
  const tiers: string[][] = [[], [], []];
  for (const tag of tags) {
    const m = re.exec(tag);
    if (!m) continue;
    const prefix = m[1]!;
    if (prefix !== '' && (/\d$/.test(prefix) || !/[A-Za-z][A-Za-z0-9]*[._\-/]?$/.test(prefix))) continue;
    const k = key(prefix);
    const tier = pk && (k === pk || k === `${pk}v` || k === `${pk}release`) ? 0 : GENERIC_PREFIXES.has(k) ? 1 : 2;
    tiers[tier]!.push(tag);
  }
  return tiers.find((t) => t.length > 0) ?? [];
}

const bounded = (xs: string[], n = 10) => (xs.length > n ? `${xs.slice(0, n).join(', ')} … and ${xs.length - n} more` : xs.join(', '));

/** ISO 8601 commit date with offset from a raw commit object. */
export function commitDate(raw: string): string | undefined {
  const m = /^committer .* (\d+) ([+-])(\d\d)(\d\d)$/m.exec(raw);
  if (!m) return undefined;
  const offMin = (m[2] === '-' ? -1 : 1) * (Number(m[3]) * 60 + Number(m[4]));
  const local = new Date(Number(m[1]) * 1000 + offMin * 60_000).toISOString().slice(0, 19);
  return `${local}${m[2]}${m[3]}:${m[4]}`;
}

async function objectInfo(repo: RepoHandle, spec: string): Promise<{ oid: string; type: string } | { missing: 'missing' | 'ambiguous' }> {
  const out = (await runGit(repo.gitDir, ['cat-file', '--batch-check'], { input: `${spec}\n` })).toString('utf8').trim();
  const parts = out.split(' ');
  if (parts.length === 2 && (parts[1] === 'missing' || parts[1] === 'ambiguous')) return { missing: parts[1] };
  if (parts.length !== 3) return { missing: 'missing' };
  return { oid: parts[0]!, type: parts[1]! };
}

async function dateOf(repo: RepoHandle, commit: string): Promise<string | undefined> {
  try {
    return commitDate((await runGit(repo.gitDir, ['cat-file', 'commit', commit])).toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * resolveTag's answers per repository handle (one verify run): the scan resolves the tag before it starts
 * and the revision chain again after it — four git processes each time, forked from a process that by then
 * holds the whole scan. A copy of the answer each time (callers may extend it).
 */
const tagAnswers = new WeakMap<RepoHandle, Map<string, Promise<ResolvedRevision>>>();

function resolveTag(repo: RepoHandle, name: string, tags?: string[]): Promise<ResolvedRevision> {
  let answers = tagAnswers.get(repo);
  if (!answers) tagAnswers.set(repo, (answers = new Map()));
  let p = answers.get(name);
  if (!p) {
    p = readTag(repo, name, tags);
    answers.set(name, p);
  }
  return p.then((r) => ({ ...r }));
}

async function readTag(repo: RepoHandle, name: string, tags?: string[]): Promise<ResolvedRevision> {
  if (name.startsWith('-') || name === '') throw new DistdiffError('usage', name, 'not a valid tag name', 'pass the exact tag name, e.g. --tag v1.2.3');
  try {
    await runGit(repo.gitDir, ['check-ref-format', `refs/tags/${name}`]);
  } catch (e) {
    if (e instanceof GitCommandError && e.exitCode !== null) throw new DistdiffError('revision', name, 'not a valid tag name', 'pass the exact tag name, e.g. --tag v1.2.3');
    throw e;
  }
  const ref = `refs/tags/${name}`;
  const out = await runGitText(repo.gitDir, ['for-each-ref', '--format=%(refname)%09%(objecttype)%09%(objectname)', ref]);
  const line = out.split('\n').find((l) => l.split('\t')[0] === ref);
  if (!line) {
    const all = tags ?? [...(await readTagMap(repo.gitDir)).keys()];
    const v = extractVersion([name]);
    const similar = v ? tagCandidates(v, all) : [];
    throw new DistdiffError(
      'revision',
      name,
      `no tag named "${name}" in ${repo.source}`,
      similar.length ? `similar tags: ${bounded(similar)}` : `the repository has ${all.length} tag(s); check the name or pass --commit`,
    );
  }
  const [, type, oid] = line.split('\t') as [string, string, string];
  let commit = oid;
  if (type !== 'commit') {
    const peeled = type === 'tag' ? await objectInfo(repo, `${oid}^{}`) : { oid, type };
    if ('missing' in peeled || peeled.type !== 'commit') {
      const what = 'missing' in peeled ? 'nothing readable' : `a ${peeled.type}`;
      throw new DistdiffError('revision', name, `tag points to ${what}, not a commit`, 'pass --commit with the release commit');
    }
    commit = peeled.oid;
  }
  return { commit, tag: name, tagType: type === 'tag' ? 'annotated' : 'lightweight', how: 'tag', date: await dateOf(repo, commit) };
}

async function resolveCommit(repo: RepoHandle, sha: string): Promise<ResolvedRevision> {
  if (!/^[0-9a-f]{4,64}$/i.test(sha)) throw new DistdiffError('usage', sha, 'not a commit id', 'pass a full or abbreviated hexadecimal commit id');
  const info = await objectInfo(repo, sha.toLowerCase());
  if ('missing' in info) {
    throw new DistdiffError(
      'revision',
      sha,
      info.missing === 'ambiguous' ? 'abbreviated commit id is ambiguous' : `no such commit in ${repo.source}`,
      info.missing === 'ambiguous' ? 'give more hex digits' : 'check the id, or that the repository has been fetched',
    );
  }
  if (info.type !== 'commit') throw new DistdiffError('revision', sha, `object is a ${info.type}, not a commit`, 'pass a commit id (or --tag for a tag)');
  return { commit: info.oid, how: 'commit', date: await dateOf(repo, info.oid) };
}

export async function resolveRevision(repo: RepoHandle, opts: { tag?: string; commit?: string; names: string[] }): Promise<ResolvedRevision> {
  const { project, version } = extractRelease(opts.names);
  if (opts.tag !== undefined) {
    const r = await resolveTag(repo, opts.tag);
    if (opts.commit !== undefined) {
      const c = await resolveCommit(repo, opts.commit);
      if (c.commit !== r.commit) {
        throw new DistdiffError('revision', opts.tag, `tag points to ${r.commit.slice(0, 12)}, not to ${opts.commit}`, 'the tag may have moved; check which one you mean');
      }
    }
    return version ? { ...r, version } : r;
  }
  if (opts.commit !== undefined) {
    const c = await resolveCommit(repo, opts.commit);
    return version ? { ...c, version } : c;
  }
  if (!version) {
    throw new DistdiffError('revision', opts.names[0] ?? '(no name)', 'cannot infer the release version from the archive name', 'pass --tag or --commit');
  }
  const tags = [...(await readTagMap(repo.gitDir)).keys()].sort();
  const candidates = tagCandidates(version, tags, project);
  if (candidates.length === 0) {
    const first = version.match(/\d+/)![0];
    const near = tags.filter((t) => t.includes(first));
    throw new DistdiffError(
      'revision',
      version,
      `no tag matches version ${version} (${tags.length} tag(s) in ${repo.source})`,
      `pass --tag${near.length ? `; tags mentioning ${first}: ${bounded(near)}` : ''}`,
    );
  }
  const errors: unknown[] = [];
  const resolved = await Promise.all(
    candidates.slice(0, 20).map((t) =>
      resolveTag(repo, t, tags).catch((e: unknown) => {
        errors.push(e);
        return undefined;
      }),
    ),
  );
  const ok = resolved.filter((r): r is ResolvedRevision => r !== undefined);
  if (ok.length === 0 && errors.length > 0) throw errors[0];
  const commits = new Set(ok.map((r) => r.commit));
  if (candidates.length > 20 || commits.size !== 1) {
    throw new DistdiffError('revision', version, `${candidates.length} tags match version ${version}: ${bounded(candidates)}`, 'pass --tag to choose one');
  }
  // Several names for one commit (v1.2 and 1.2): prefer an annotated tag, then the first in order.
  const best = ok.find((r) => r.tagType === 'annotated') ?? ok[0]!;
  return { ...best, how: 'inferred', version, candidates };
}
