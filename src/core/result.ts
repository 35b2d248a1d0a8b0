/**
 * The result of one verification: what renderers consume and what `--format json` prints.
 * Bump SCHEMA_VERSION on any incompatible change; additions of optional fields keep it.
 */
import type { Finding, FindingCode, MetadataSource } from './findings.js';
import type { AutoconfOnly, RegenCause, RegenSkip, ToolRef } from './regeneration.js';
import type { Compression, ContainerFormat, HashAlgo, Severity } from './types.js';

export const SCHEMA_VERSION = 1;

/**
 * Why the archive was compared with a subdirectory of the tag that no metadata names: of its `files` (after the
 * prefix), `present` are tracked under dir/ and `identical` byte-identical there; topPresent / topIdentical the same
 * at the repository's top (an SVN export of one directory, an npm package in a monorepo's folder).
 */
export interface SubdirRoot {
  dir: string;
  files: number;
  present: number;
  identical: number;
  topPresent: number;
  topIdentical: number;
}

/**
 * identical: no findings. explained: every finding explains an expected difference (or a policy accepted it).
 * review: some findings stay unexplained, all below --fail-on (exit 0, but a human should read them).
 * different: at least one finding at or above --fail-on (exit 1).
 */
export type Verdict = 'identical' | 'explained' | 'review' | 'different';

export interface RevisionReport {
  commit: string;
  tag?: string;
  tagType?: 'annotated' | 'lightweight';
  /** How the revision was chosen. */
  how: 'tag' | 'commit' | 'inferred' | 'metadata' | 'nearest';
  version?: string;
  date?: string;
  /** Subdirectory of the repository the archive was compared with (npm `directory`, crate `path_in_vcs`, wheel layout, or found from the trees: subdirRoot). */
  pathInRepo?: string;
  /** pathInRepo found from the trees, no metadata naming it (src/profiles/subdir-root.ts): the counts that chose it. */
  subdirRoot?: SubdirRoot;
  /** how = 'nearest': number of paths that differ between the archive and the chosen commit. */
  distance?: number;
  /** Each step of the revision chain, in order. */
  chain?: ChainStep[];
}

/**
 * The arguments of each kind of revision-chain step; the key set of this interface IS the set of kinds.
 * No prose here: src/core/wording.ts words each kind (chainStepText), the renderers print that. (Ambiguity
 * — metadata naming two commits, tags or nearest commits tied — stops the run with an error: no step.)
 */
export interface ChainStepArgs {
  /** --tag given: the commit it names. */
  'tag-given': { tag: string; commit: string };
  /** --commit given (the full id). */
  'commit-given': { commit: string };
  /** --tag names another version than the archive's name (also a TAG_CONFLICTS_WITH_ARCHIVE finding). */
  'tag-names-other-version': { tag: string; tagVersion: string; archiveVersion: string };
  /** Archive metadata names a commit; inRepo false: the repository does not have it. */
  'metadata-names': { source: MetadataSource; commit: string; inRepo: boolean };
  /** Archive metadata names a commit the repository does not have (the chain goes on without it). */
  'metadata-missing': { source: MetadataSource; commit: string };
  /** The commit the archive metadata names (every source that names it). */
  'metadata-chosen': { sources: MetadataSource[]; commit: string };
  /** A file of the archive (a ChangeLog generated from git log) names the commit chosen when no tag matched. */
  'file-chosen': { source: MetadataSource; path: string; commit: string };
  /** A file of the archive names a commit, checked against the chosen one (outcome agrees or conflicts). */
  'file-names': { source: MetadataSource; path: string; commit: string };
  /** The tag matching the release version and its commit; `also`: other tags on the same commit. */
  'tag-found': { tag: string; commit: string; also?: string[] };
  /** The tag matching the release version names another commit than the archive metadata. */
  'tag-other-commit': { tag: string; commit: string; archiveCommit: string };
  /** No release version in the archive's name (nor package metadata), so no tag pattern to try. */
  'no-version': Record<string, never>;
  /** No tag matches the release version; `tags`: how many the repository has. */
  'no-tag-matches': { version: string; tags: number; repo: string };
  /** The neighbourhood search's best commit: paths that differ, commits searched, where the search started. */
  'nearest-commit': { commit: string; distance: number; searched: number; from: NeighbourhoodStart };
  /** The tag named another commit in the cached clone before this run (also a TAG_MOVED finding). */
  'tag-moved': { tag: string; previous: string };
  'tag-unchanged': { tag: string };
}
export type ChainStepKind = keyof ChainStepArgs;

/** Where the neighbourhood search started: the nearest higher tag, after the nearest lower tag, the branch heads. */
export interface NeighbourhoodStart {
  higherTag?: string;
  lowerTag?: string;
  heads: number;
}

/** One step of the revision chain: archive metadata → tag patterns → neighbourhood search; discriminated on `kind`. */
export type ChainStep = {
  [K in ChainStepKind]: {
    step: 'explicit' | 'metadata' | 'tag-pattern' | 'neighbourhood' | 'cache';
    outcome: 'chosen' | 'agrees' | 'conflicts' | 'absent' | 'not-found' | 'ambiguous' | 'skipped';
    kind: K;
    args: ChainStepArgs[K];
  };
}[ChainStepKind];

/** A chain step as `--format json` prints it: `detail` is the English line, kept for schema version 1 readers. */
export type ChainStepJson = ChainStep & { detail: string };

/**
 * The result as `--format json` prints it. Findings are the result's, except that a GENERATED_BY_AUTOTOOLS
 * proof and REGENERATION_MISMATCH evidence also carry their English lines (`reason`, `procedure`,
 * `normalisations`: GenerationProofJson, RegenerationMismatchJson in core/findings.ts).
 */
export type VerifyResultJson = Omit<VerifyResult, 'inputs'> & {
  inputs: Omit<VerifyResult['inputs'], 'revision'> & { revision: Omit<RevisionReport, 'chain'> & { chain?: ChainStepJson[] } };
  notes: NoteJson[];
};

/** Every ecosystem profile (the registry, profiles/registry.ts, has one entry per id). */
export const PROFILE_IDS = ['autotools', 'npm', 'pypi', 'wheel', 'crate', 'cpan', 'forge', 'none'] as const;
export type ProfileId = (typeof PROFILE_IDS)[number];

/** The ecosystem profile the archive was read with, and what its metadata says. */
export interface ProfileReport {
  id: ProfileId;
  /** true when detected from the content (--profile auto). */
  detected: boolean;
  name?: string;
  version?: string;
  /** Repository URL named by the package metadata. */
  repository?: string;
  /** Directory within the repository named by the metadata. */
  directory?: string;
  /** Commit named by the metadata. */
  commit?: string;
  dirty?: boolean;
}

/** Outcome of an OpenPGP signature check (--signature over the archive, --verify-tag over the tag object). */
export type SignatureStatus =
  | 'valid'
  | 'invalid' // the signature does not match the bytes (tampered, or a different file)
  | 'unknown-key' // made by a key that is not in --keyring
  | 'weak-algorithm' // SHA-1/MD5 digest, DSA/ElGamal key, short RSA: refused
  | 'revoked-key'
  | 'expired-key' // made after the key expired
  | 'unsigned' // --verify-tag: lightweight tag or annotated tag without a signature
  | 'unsupported' // SSH or X.509 tag signature
  | 'wrong-tag' // the signed tag object names another tag or object than the one compared
  | 'malformed';

export interface SignatureReport {
  status: SignatureStatus;
  /** The signature file/URL, or `tag <name>`. */
  source: string;
  keyring: string;
  /** Fingerprint of the signer's primary key (upper-case hex), when the key is in the keyring. */
  fingerprint?: string;
  /** Fingerprint of the (sub)key that made the signature, when it is not the primary key. */
  signingKeyFingerprint?: string;
  /** Issuer key id from the signature (16 hex). */
  keyId?: string;
  /** Primary user id of the signer's key. */
  userId?: string;
  /** Signature creation time, ISO 8601 UTC. */
  created?: string;
  hashAlgorithm?: string;
  /** The key has expired since the signature was made (the signature itself was made while it was valid). */
  keyExpired?: string;
  /** Why the status is not 'valid' (one line). */
  reason?: string;
}

/** The checksums file the archive's sha256 was taken from (--checksums). */
export interface ChecksumsReport {
  source: string;
  /** The name the entry was found under, and its 1-based line number. */
  name: string;
  line: number;
  sha256: string;
}

/** Facts about the run worth showing, as codes with arguments (no prose). */
export type Note =
  | { code: 'PREFIX_STRIPPED'; prefix: string }
  | { code: 'DECODER_FALLBACK'; decoder: string }
  | { code: 'CONTENT_NOT_RETAINED'; files: number }
  /** export-ignored paths the archive ships all the same (a release not made by `git archive`): compared as tracked files. */
  | { code: 'EXPORT_IGNORED_SHIPPED'; files: number; examples: string[] }
  | { code: 'PAX_COMMIT'; commit: string; matches: boolean }
  | { code: 'SHA256_VERIFIED'; sha256: string }
  | { code: 'POLICY_LOADED'; path: string; allowances: number }
  /** A cross-file check (e.g. the suspicious-construct scanner) threw: its findings did not change, nothing it would add was added. */
  | { code: 'POST_PASS_FAILED'; pass: string; error: string }
  /**
   * Regeneration of the autotools outputs (src/regenerate): what ran, or why it did not — `cause` (why it
   * did not run or failed; with status done, the part that failed), `autoconfOnly` (automake could not run),
   * `skips` (outputs planned and not made), `toolchain` (the generators that ran), each typed
   * (src/core/regeneration.ts) and worded by core/wording.ts; `stamped`: the versions the release's files
   * name ("autoconf 2.71"). The JSON report adds `reason`, `partial`, `skipped` and `tools` lines beside them.
   */
  | RegenerationNote
  /** A submodule the revision pins, read from its repository: the tarball's copies of its files are compared with this tree. */
  | {
      code: 'SUBMODULE_PINNED';
      name: string;
      path: string;
      commit: string;
      repo: string;
      files: number;
      /** 'shipped-copies': nothing pinned gnulib; `commit` was inferred from the release's gnulib copies (`inferred`). */
      pinnedBy?: 'bootstrap.conf' | 'shipped-copies' | 'fetch-script';
      /** 'fetch-script': the tracked script that fetches the commit's GitHub archive into `path` (acquire/submodule.ts fetchScriptPin). */
      script?: string;
      /** GNULIB_REVISION named this branch: `commit` is its last commit not after the tag's commit date (`before`, ISO 8601) in `repo`. */
      branch?: { name: string; before: string };
      /**
       * The inference (acquire/gnulib-infer.ts): `commit` is the newest commit of branch `ref` (first parents, not after
       * `before`, the tag's commit date) at which `matched` of the `compared` gnulib files listed in `from`'s gl_FILE_LIST
       * and shipped are byte-identical to gnulib's.
       */
      inferred?: { matched: number; compared: number; from: string[]; ref: string; before: string };
    }
  /**
   * A submodule the revision pins whose tree could not be read (offline, refused URL, commit missing): copies
   * judged without it. `cause` says why (worded by core/wording.ts; the JSON report adds that line as `reason`).
   */
  | { code: 'SUBMODULE_UNAVAILABLE'; name: string; path: string; commit: string; cause: SubmoduleMiss };

export interface RegenerationNote {
  code: 'REGENERATION';
  status: 'done' | 'off' | 'unavailable' | 'failed';
  cause?: RegenCause;
  autoconfOnly?: AutoconfOnly;
  skips?: RegenSkip[];
  stamped?: string[];
  toolchain: ToolRef[];
  outputs: number;
  reproduced: number;
  seconds?: number;
}

/** The REGENERATION note as `--format json` prints it: each typed field with its English line(s) under the schema 1 name before it. */
export type RegenerationNoteJson = { code: 'REGENERATION'; status: RegenerationNote['status']; reason?: string; cause?: RegenCause; partial?: string; autoconfOnly?: AutoconfOnly; skipped?: string[]; skips?: RegenSkip[]; stamped?: string[]; tools: string[]; toolchain: ToolRef[]; outputs: number; reproduced: number; seconds?: number };

/**
 * Why a submodule's pinned tree was not read. `error` is the message of the failure it met (git's, or the
 * repository opener's), carried as it came.
 */
export type SubmoduleMiss =
  /**
   * bootstrap.conf's GNULIB_REVISION is a branch or tag name, not a full commit id; `missingIn`: the --submodule
   * repository given has no such branch.
   */
  | { kind: 'pin-not-commit'; revision: string; missingIn?: string }
  | { kind: 'no-url' }
  /** A relative .gitmodules URL while --repo is not a URL. */
  | { kind: 'relative-url'; url: string }
  /** A local path or file:// URL in .gitmodules: not followed. */
  | { kind: 'local-url'; url: string }
  | { kind: 'invalid-url'; url: string; error: string }
  | { kind: 'unreachable'; repo: string; error: string }
  | { kind: 'commit-missing'; repo: string; error: string }
  /** --submodule NAME given, but the compared revision pins no submodule of that name. */
  | { kind: 'not-pinned' };

/** A note as `--format json` prints it: SUBMODULE_UNAVAILABLE also carries its `reason` line, REGENERATION its lines (schema 1 readers expect them). */
export type NoteJson = Exclude<Note, { code: 'SUBMODULE_UNAVAILABLE' | 'REGENERATION' }> | (Extract<Note, { code: 'SUBMODULE_UNAVAILABLE' }> & { reason: string }) | RegenerationNoteJson;

export interface VerifyResult {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: 'distdiff'; version: string };
  verdict: Verdict;
  failOn: Severity;
  inputs: {
    tarball: {
      source: string;
      path: string;
      sha256?: string;
      size: number;
      container: ContainerFormat;
      compression: Compression;
      decoder: string;
      prefix: string;
      entries: number;
    };
    repo: { source: string; objectFormat: HashAlgo; cloned: boolean; fetched: boolean };
    revision: RevisionReport;
    /** --signature: the OpenPGP signature over the archive bytes (only 'valid' reaches a result; anything else stops with exit 2). */
    signature?: SignatureReport;
    /** --verify-tag: the signature of the annotated tag object (only 'valid' reaches a result). */
    tagSignature?: SignatureReport;
    /** --checksums: where the pinned sha256 came from. */
    checksums?: ChecksumsReport;
    profile?: ProfileReport;
  };
  counts: {
    tarballFiles: number;
    gitFiles: number;
    identical: number;
    tarballOnly: number;
    gitOnly: number;
    changed: number;
    exportIgnored: number;
    submodules: number;
    anomalies: number;
    bySeverity: Record<Severity, number>;
    byCode: Partial<Record<FindingCode, number>>;
    /** Findings whose code explains the difference as expected. */
    explained: number;
    unexplained: number;
  };
  /** Sorted by path, then code. */
  findings: Finding[];
  notes: Note[];
}
