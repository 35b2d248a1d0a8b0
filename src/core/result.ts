/**
 * The result of one verification: what renderers consume and what `--format json` prints.
 * Bump SCHEMA_VERSION on any incompatible change; additions of optional fields keep it.
 */
import type { Finding, FindingCode } from './findings.js';
import type { Compression, ContainerFormat, HashAlgo, Severity } from './types.js';

export const SCHEMA_VERSION = 1;

export type Verdict = 'identical' | 'explained' | 'different';

export interface RevisionReport {
  commit: string;
  tag?: string;
  tagType?: 'annotated' | 'lightweight';
  /** How the revision was chosen. */
  how: 'tag' | 'commit' | 'inferred' | 'metadata' | 'nearest';
  version?: string;
  date?: string;
  /** Subdirectory of the repository the archive was compared with (npm `directory`, crate `path_in_vcs`, wheel layout). */
  pathInRepo?: string;
  /** how = 'nearest': number of paths that differ between the archive and the chosen commit. */
  distance?: number;
  /** Each step of the revision chain, in order. */
  chain?: ChainStep[];
}

/** One step of the revision chain: archive metadata → tag patterns → neighbourhood search. */
export interface ChainStep {
  step: 'explicit' | 'metadata' | 'tag-pattern' | 'neighbourhood' | 'cache';
  outcome: 'chosen' | 'agrees' | 'conflicts' | 'absent' | 'not-found' | 'ambiguous' | 'skipped';
  detail: string;
}

export type ProfileId = 'autotools' | 'npm' | 'pypi' | 'wheel' | 'crate' | 'forge' | 'none';

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

/** Facts about the run worth showing, as codes with arguments (no prose). */
export type Note =
  | { code: 'PREFIX_STRIPPED'; prefix: string }
  | { code: 'DECODER_FALLBACK'; decoder: string }
  | { code: 'CONTENT_NOT_RETAINED'; files: number }
  | { code: 'PAX_COMMIT'; commit: string; matches: boolean }
  | { code: 'TAG_MOVED'; tag: string; previous: string; current: string }
  | { code: 'SHA256_VERIFIED'; sha256: string }
  | { code: 'POLICY_LOADED'; path: string; allowances: number };

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
