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

/**
 * Archive-level oddities, found while streaming the archive (scan) or comparing names (compare); each
 * becomes a finding, never a crash. Keyed by the finding code each becomes, and each code's evidence IS
 * its EvidenceMap entry (findings.ts takes these entries as they are): produced typed, consumed typed.
 */
export interface AnomalyEvidence {
  /** The same path more than once; the later entry is what extraction yields. */
  DUPLICATE_ENTRY: { count: number; types: EntryType[]; sameContent: boolean };
  UNSAFE_PATH: { raw: string; reason: 'absolute' | 'dotdot' };
  HARDLINK_ENTRY: { target: string };
  /** A device or FIFO. */
  SPECIAL_FILE: { type: EntryType };
  NON_UTF8_NAME: { raw: string };
  /** A symlink or hardlink target leaves the tree. */
  LINK_ESCAPES_TREE: { target: string; link: 'symlink' | 'hardlink' };
  /** A path is both a file and a directory prefix. */
  FILE_DIR_CONFLICT: { other: string };
  /** Paths that differ only in case. */
  CASE_COLLISION: { other: string };
  /** NFC/NFD twins. */
  UNICODE_COLLISION: { other: string; form: 'NFC/NFD' };
  /** A name visually confusable with a tracked path. */
  CONFUSABLE_NAME: { lookalike: string };
  INVISIBLE_CHARACTER: { codepoints: string[] };
  /** C0/C1 controls, DEL, line/paragraph separators. */
  CONTROL_CHARACTER: { codepoints: string[] };
  SPARSE_FILE: { size: number };
  SIZE_MISMATCH: { declared: number; actual: number };
  /** Bytes after the end-of-archive marker, the first non-zero one at `offset` of the decoded stream. */
  TRAILING_DATA: { bytes: number; offset?: number };
  BACKSLASH_PATH: { raw: string };
  /** A file with setuid, setgid or sticky bits (`mode`: the permission bits in octal, 4 digits). */
  SPECIAL_MODE_BITS: { mode: string; bits: Array<'setuid' | 'setgid' | 'sticky'> };
  /**
   * Files and directories of one directory whose mode lets anyone write them (o+w: 0666, 0777, 1777), grouped:
   * one anomaly per directory (`path`: that directory with a trailing '/'), the modes in octal (4 digits,
   * sorted), up to five names in archive order and how many more.
   */
  /**
   * Bytes of a zip archive that no extractor writes to disk (red team 17): the archive comment (`comment`, when it is
   * short UTF-8 text), entry comments, extra fields of ids no zip tool defines, data before the first entry, between
   * entries (beyond a data descriptor) or after the end record. `bytes` in all; up to 8 `regions`.
   */
  ZIP_HIDDEN_DATA: { bytes: number; regions: Array<{ kind: ZipHiddenKind; bytes: number; offset?: number; path?: string }>; comment?: string };
  /** A tar header after the end-of-archive marker: `offset` of its block in the decoded stream, its name field as stored. */
  MEMBERS_AFTER_END: { offset: number; name: string };
  /** A tar entry whose typeflag GNU tar does not know ('Z', '8', 'A' …): it extracts it as a regular file, and so does the scan. */
  UNKNOWN_ENTRY_TYPE: { typeflag: string };
  /**
   * Extended attributes, ACLs or file flags a pax header sets that an extractor restores (bsdtar as root by default,
   * GNU tar with --xattrs/--acls/--selinux): 'xattr NAME', 'acl KIND', 'fflags', sorted; `global` when a pax global
   * header sets them (path '').
   */
  EXTENDED_ATTRIBUTES: { attributes: string[]; global?: boolean };
  WORLD_WRITABLE: { files: number; directories: number; modes: string[]; names: string[]; more: number };
}

export type AnomalyCode = keyof AnomalyEvidence;
export type ZipHiddenKind = 'archive-comment' | 'entry-comment' | 'extra-field' | 'prefix' | 'gap' | 'trailing';

/** One anomaly: discriminated on `code`, so `evidence` is typed per code. */
export type ArchiveAnomaly = {
  [C in AnomalyCode]: {
    code: C;
    /** Normalised path the anomaly concerns (raw when it cannot be normalised; '' for the archive itself). */
    path: string;
    evidence: AnomalyEvidence[C];
    /** 0-based position of the entry in the archive. */
    index?: number;
  };
}[AnomalyCode];

/** An anomaly of `code` (typed evidence), at the entry `index` when given. */
export function anomaly<C extends AnomalyCode>(code: C, path: string, evidence: AnomalyEvidence[C], index?: number): ArchiveAnomaly {
  return (index === undefined ? { code, path, evidence } : { code, path, evidence, index }) as ArchiveAnomaly;
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
  /** Member listings of plain tar archives inside the archive, by the nested archive's blob id (src/scan/nested-tar.ts). */
  nested?: Map<string, { members: { name: string; oid: string; size: number }[]; others: string[]; error?: string }>;
}

/** Bounded store of file contents keyed by blob id. */
export interface ContentStore {
  get(oid: string): Buffer | undefined;
  /** The first bytes (banner) of a wanted file not retained because it is over the per-file limit, when kept. */
  head?(oid: string): Buffer | undefined;
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
  /** The commit's entries of those paths (for a release not made by `git archive`: src/compare/export-ignore.ts). */
  exportIgnoredEntries?: Map<string, TreeEntry>;
  /** export-ignored paths the archive ships all the same, compared as tracked files (src/compare/export-ignore.ts). */
  shippedIgnored?: string[];
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
  /**
   * The archive's entry as scanned (not a copy): its `path` is the name in the archive, before the common
   * prefix is stripped; `path` above is the compared one.
   */
  tarball?: TreeEntry;
  git?: TreeEntry;
  /** Tarball-only file whose content equals a git file at another path. */
  copyOf?: string;
  /** Whether that git file (copyOf) is executable. */
  copyOfExecutable?: boolean;
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
