/**
 * The data that flows between distdiff's stages:
 *
 *   acquire  → ArchiveSource / RepoHandle / ResolvedRevision
 *   scan     → ArchiveScan (tarball side), GitTree (git side, as `git archive` would export it)
 *   compare  → PathDiff[]  (raw differences, no judgement)
 *   classify → Finding[]   (typed codes + evidence + severity; no prose)
 *   render   → string      (text, json, sarif, markdown)
 *
 * Everything here is plain data: no I/O, no prose.
 */

export type HashAlgo = 'sha1' | 'sha256';

export type EntryType =
  | 'file'
  | 'symlink'
  | 'directory'
  | 'submodule'
  | 'hardlink'
  | 'device'
  | 'fifo'
  | 'other';

/** One entry of a tree: the tarball side or the git side. */
export interface TreeEntry {
  /** Normalised path relative to the tree root: '/'-separated, no leading './', no trailing '/'. */
  path: string;
  type: EntryType;
  /** Files only: any execute bit set. */
  executable: boolean;
  /** Files: content size in bytes. Others: 0. */
  size: number;
  /** Git object id of the content (blob id for files and symlinks, commit id for submodules). */
  oid?: string;
  /** Target of a symlink or hardlink, as stored. */
  linkTarget?: string;
  /** Archive entries: the name exactly as stored when it differs from `path` (non-UTF-8 bytes escaped as \xNN). */
  rawPath?: string;
  /** Archive entries: 0-based position in the archive. */
  index?: number;
}

/** Archive-level oddities; each becomes a finding, never a crash. */
export type AnomalyKind =
  | 'duplicate-path' // the same path twice; the later entry is what extraction yields
  | 'absolute-path'
  | 'dotdot-path'
  | 'hardlink'
  | 'special-file' // device or fifo
  | 'non-utf8-name'
  | 'link-escapes-tree' // symlink/hardlink target leaves the tree
  | 'file-dir-conflict' // a path is both a file and a directory prefix
  | 'case-collision' // paths that differ only in case
  | 'unicode-collision' // NFC/NFD twins
  | 'confusable-name' // a name visually confusable with a tracked file
  | 'invisible-character'
  | 'control-character' // C0/C1 controls, DEL, line/paragraph separators
  | 'sparse-file'
  | 'size-mismatch'
  | 'trailing-data'
  | 'backslash-path'
  | 'special-mode'; // a file with setuid, setgid or sticky bits

export interface ArchiveAnomaly {
  kind: AnomalyKind;
  /** Normalised path the anomaly concerns (raw when it cannot be normalised). */
  path: string;
  /** Machine-readable details (e.g. the other path, the raw name, the link target). */
  detail?: Record<string, string | number | boolean>;
  index?: number;
}

export type Compression = 'none' | 'gzip' | 'xz' | 'bzip2' | 'zstd';
export type ContainerFormat = 'tar' | 'zip' | 'directory';

/** The tarball side after streaming it once. */
export interface ArchiveScan {
  container: ContainerFormat;
  compression: Compression;
  /** How the stream was decoded, e.g. "xz -T2 (system)", "zlib", "fallback: fzstd". */
  decoder: string;
  /** Every entry in archive order, paths normalised but NOT prefix-stripped. Duplicates included. */
  entries: TreeEntry[];
  anomalies: ArchiveAnomaly[];
  /** Commit id from a pax global header comment (git archive / forge archives). */
  paxCommit?: string;
  /** Bytes of the container after decompression (tar stream size, or total of file sizes). */
  uncompressedBytes: number;
  /** Retained content of files whose blob id is not found on the git side (for diffs and classifiers). */
  content: ContentStore;
}

/** Bounded store of file contents keyed by blob id. */
export interface ContentStore {
  get(oid: string): Buffer | undefined;
  /** Blob ids that were wanted but not retained because of size or budget limits. */
  readonly skipped: ReadonlySet<string>;
}

/** The git side: the tree as `git archive <commit>` would export it. */
export interface GitTree {
  algo: HashAlgo;
  commit: string;
  /** Entries after export-ignore removal, with attribute-converted blob ids where conversion applies. */
  entries: Map<string, TreeEntry>;
  /** Paths removed by export-ignore (present in the commit, absent from `git archive`). */
  exportIgnored: Set<string>;
  /** Paths whose exported content differs from the stored blob (export-subst, eol conversion): path → raw blob id. */
  converted: Map<string, { rawOid: string; reason: 'export-subst' | 'eol' }>;
}

export type DiffStatus = 'tarball-only' | 'git-only' | 'changed' | 'export-ignored' | 'submodule';
export type ChangeAspect = 'content' | 'mode' | 'type' | 'link-target';

/** One raw difference between the two trees. No judgement. */
export interface PathDiff {
  path: string;
  status: DiffStatus;
  /** For 'changed': which aspects differ. */
  changes?: ChangeAspect[];
  tarball?: TreeEntry;
  git?: TreeEntry;
  /** Tarball-only file whose content equals a git file at another path. */
  copyOf?: string;
}

export interface CompareResult {
  /** The top-level directory stripped from archive paths ('' when none). */
  prefix: string;
  diffs: PathDiff[];
  identical: number;
  anomalies: ArchiveAnomaly[];
}

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export function severityRank(s: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(s); // critical=5 … info=1
}

/** A line-level diff between the git and tarball content of one file. */
export interface ContentDiff {
  kind: 'text' | 'binary' | 'unavailable';
  /** Unified diff text ('text' only), possibly truncated. */
  unified?: string;
  truncated?: boolean;
  added?: number;
  removed?: number;
  gitSize?: number;
  tarballSize?: number;
  gitOid?: string;
  tarballOid?: string;
  /** Why content is unavailable ('unavailable' only). */
  reason?: 'too-large' | 'budget' | 'read-failed' | 'diff-timeout';
}
