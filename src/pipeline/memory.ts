/**
 * The pure core for library callers: explain the differences between two in-memory trees — compare,
 * classify (the detected profile's classifiers, then the generic ones), policy — with no git, no files and
 * no network. Trees are built from a map of path → content; the tarball side may also be a scan
 * (scanArchive, scanStream).
 */
import type { Policy } from '../classify/policy.js';
import type { RevisionInfo } from '../classify/types.js';
import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import type { Note, ProfileReport, VerifyResult } from '../core/result.js';
import type { ArchiveScan, CompareResult, GitTree, HashAlgo, Severity, TreeEntry } from '../core/types.js';
import type { Finding } from '../core/findings.js';
import { classifiersFor, profileOf, readProfile, type ProfileChoice } from '../profiles/index.js';
import { blobId } from '../scan/blob-id.js';
import { EntryCollector, type ScanResult } from '../scan/entries.js';
import { explainTrees } from './explain.js';
import { checkOptions } from './options.js';
import { countsOf, profileReport, verdictOf } from './result.js';

/** A file's content (text is UTF-8), a file with its executable bit, or a symbolic link. */
export type MemoryFile = string | Uint8Array | { content: string | Uint8Array; executable?: boolean } | { symlink: string };
/** path → file. Paths use '/'; directories are implied by the paths under them. */
export type MemoryFiles = Record<string, MemoryFile>;

/** A git side held in memory: the tree and its blobs by id. */
export interface MemoryGitTree {
  tree: GitTree;
  /** Content by blob id. */
  readBlob(oid: string): Promise<Buffer | undefined>;
}

/** The all-zero commit id, for trees that come from no commit. */
export const NO_COMMIT = '0'.repeat(40);

function normalise(f: MemoryFile): { type: 'file' | 'symlink'; bytes: Buffer; executable: boolean; target?: string } {
  if (typeof f === 'string' || f instanceof Uint8Array) return { type: 'file', bytes: Buffer.from(f), executable: false };
  if ('symlink' in f) return { type: 'symlink', bytes: Buffer.from(f.symlink), executable: false, target: f.symlink };
  return { type: 'file', bytes: Buffer.from(f.content), executable: !!f.executable };
}

/** A git tree (as `git archive` would export it: no export-ignore, no conversions) from a map of files. */
export function gitTreeFromFiles(files: MemoryFiles, opts: { algo?: HashAlgo; commit?: string } = {}): MemoryGitTree {
  const algo = opts.algo ?? 'sha1';
  const entries = new Map<string, TreeEntry>();
  const blobs = new Map<string, Buffer>();
  for (const [path, file] of Object.entries(files)) {
    const f = normalise(file);
    const oid = blobId(algo, f.bytes);
    blobs.set(oid, f.bytes);
    const e: TreeEntry = { path, type: f.type, executable: f.executable, size: f.type === 'file' ? f.bytes.length : 0, oid };
    if (f.target !== undefined) e.linkTarget = f.target;
    entries.set(path, e);
  }
  const tree: GitTree = { algo, commit: opts.commit ?? NO_COMMIT, entries, exportIgnored: new Set(), converted: new Map() };
  return { tree, readBlob: async (oid) => blobs.get(oid) };
}

/**
 * The tarball side from a map of files, in the map's order, as if each were an archive entry: names are
 * normalised and checked like an archive's (absolute or `..` paths, duplicates, invisible characters …
 * become anomalies), every file's content is retained within `limits`.
 */
export function archiveFromFiles(files: MemoryFiles, opts: { algo?: HashAlgo; limits?: Partial<Limits> } = {}): ScanResult {
  const col = new EntryCollector('<memory>', { algo: opts.algo ?? 'sha1', limits: { ...DEFAULT_LIMITS, ...opts.limits } });
  let total = 0;
  for (const [path, file] of Object.entries(files)) {
    const f = normalise(file);
    if (f.type === 'symlink') {
      col.add(path, 'symlink', { linkTarget: f.target! });
      continue;
    }
    const oid = blobId(col.algo, f.bytes);
    col.offerContent(oid, f.bytes.length, f.bytes);
    col.add(path, 'file', { executable: f.executable, size: f.bytes.length, oid });
    total += f.bytes.length;
  }
  return col.result('directory', 'none', 'memory', total, 0);
}

export interface ExplainOptions {
  /** The release side: a map of files (see archiveFromFiles), or a scan from scanArchive / scanStream. */
  tarball: MemoryFiles | ArchiveScan;
  /** The git side: a map of files (see gitTreeFromFiles), or a tree with its blobs. */
  git: MemoryFiles | MemoryGitTree;
  /** The revision the git side stands for (dates and versions explain stamps; default: no commit). */
  revision?: Partial<RevisionInfo>;
  /** Ecosystem profile; 'auto' (default) detects it from the tarball's content. */
  profile?: ProfileChoice;
  policy?: Policy;
  /** Lowest severity that makes the verdict `different` (default: the policy's, else high). */
  failOn?: Severity;
  /** Prefix to strip ('' = none); default: detected. */
  stripPrefix?: string;
  /** Hash of blob ids for maps of files (default sha1, as git). */
  algo?: HashAlgo;
}

/** What explain() found: the verdict, counts, findings and notes of a VerifyResult, without its inputs. */
export interface Explained {
  verdict: VerifyResult['verdict'];
  failOn: Severity;
  /** The top-level directory stripped from the tarball's paths ('' when none). */
  prefix: string;
  profile: ProfileReport;
  counts: VerifyResult['counts'];
  /** Sorted by path, then code. */
  findings: Finding[];
  notes: Note[];
  /** The raw differences the findings explain. */
  compare: CompareResult;
}

const isScan = (t: MemoryFiles | ArchiveScan): t is ArchiveScan => Array.isArray((t as ArchiveScan).entries) && typeof (t as ArchiveScan).content?.get === 'function';
const isGit = (t: MemoryFiles | MemoryGitTree): t is MemoryGitTree => typeof (t as MemoryGitTree).readBlob === 'function' && (t as MemoryGitTree).tree?.entries instanceof Map;

/** compare + classify + policy over two trees in memory. Throws DistdiffError for bad options, like verify(). */
export async function explain(opts: ExplainOptions): Promise<Explained> {
  const { failOn } = checkOptions({ tarball: '<memory>', cacheDir: '<none>', ...(opts.failOn ? { failOn: opts.failOn } : {}), ...(opts.policy ? { policy: opts.policy } : {}), ...(opts.profile ? { profile: opts.profile } : {}) });
  const algo = opts.algo ?? 'sha1';
  const archive = isScan(opts.tarball) ? opts.tarball : archiveFromFiles(opts.tarball, { algo });
  const git = isGit(opts.git) ? opts.git : gitTreeFromFiles(opts.git, { algo, ...(opts.revision?.commit ? { commit: opts.revision.commit } : {}) });
  const revision: RevisionInfo = { commit: opts.revision?.commit ?? git.tree.commit, ...opts.revision };
  const readBlob = async (oid: string) => archive.content.get(oid) ?? (await git.readBlob(oid));
  const profile = await readProfile(archive, opts.profile ?? 'auto', readBlob);
  const stripPrefix = opts.stripPrefix ?? profileOf(profile.id).stripPrefix;
  const e = await explainTrees({
    archive,
    git: git.tree,
    revision,
    readGitBlob: git.readBlob,
    classifiers: classifiersFor(profile),
    ...(stripPrefix !== undefined ? { stripPrefix } : {}),
    ...(opts.policy ? { policy: opts.policy } : {}),
  });
  const counts = countsOf(archive, git.tree, e.compare, e.findings);
  return {
    verdict: verdictOf(e.findings, counts.explained, failOn),
    failOn,
    prefix: e.compare.prefix,
    profile: profileReport(profile),
    counts,
    findings: e.findings,
    notes: e.notes,
    compare: e.compare,
  };
}
