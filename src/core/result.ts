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
  how: 'tag' | 'commit' | 'inferred';
  version?: string;
  date?: string;
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
