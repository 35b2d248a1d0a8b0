/**
 * distdiff as a library: `import { verify, explain, render } from 'distdiff'`.
 *
 *   verify()     the whole pipeline, as the CLI runs it (archive, repository, revision chain, report data)
 *   explain()    the pure core: compare + classify + policy over two trees in memory — no git, no files
 *   scanStream() / scanArchive()   the tarball side from a byte stream or a path
 *   render*()    pure renderers (result, options) => string
 *
 * Everything exported here is the public API (README "Use as a library"); other modules are internal.
 */
export { verify, REPO_POLICY, type VerifyOptions } from './verify.js';
export {
  explain,
  archiveFromFiles,
  gitTreeFromFiles,
  NO_COMMIT,
  type ExplainOptions,
  type Explained,
  type MemoryFile,
  type MemoryFiles,
  type MemoryGitTree,
} from './pipeline/memory.js';
export { scanArchive, type RetainFn, type ScanOptions, type ScanResult } from './scan/archive.js';
export { scanStream, type ByteSource, type StreamScanOptions } from './scan/stream.js';

export type {
  Verdict,
  VerifyResult,
  Note,
  RevisionReport,
  ChainStep,
  ChainStepArgs,
  ChainStepKind,
  ChainStepJson,
  NeighbourhoodStart,
  VerifyResultJson,
  NoteJson,
  RegenerationNote,
  RegenerationNoteJson,
  ProfileId,
  ProfileReport,
  SignatureReport,
  SignatureStatus,
  ChecksumsReport,
} from './core/result.js';
export { SCHEMA_VERSION } from './core/result.js';
export { SEVERITY_REASONS, type Finding, type EvidenceMap, type FindingCode, type Construct, type ConstructKind, type UpstreamRef, type SeverityReason } from './core/findings.js';
export { makeFinding, escalate, severityProblem } from './core/severity.js';
export { CODES, ALL_CODES, codeDoc, formatFinding, DOCS_BASE, type CodeDoc } from './core/codes.js';
export {
  chainStepText,
  noteText,
  CHAIN_STEP_WORDING,
  REGEN_CAUSE_WORDING,
  REGEN_SKIP_WORDING,
  PROOF_CAUSE_WORDING,
  PROCEDURE_WORDING,
  NORMALISATION_WORDING,
  regenCauseText,
  regenSkipText,
  proofCauseText,
  procedureText,
  normalisationText,
  toolText,
  evidenceJson,
} from './core/wording.js';
export type {
  GeneratorStep,
  ToolRef,
  CommandFailure,
  RegenCause,
  RegenCauseArgs,
  AutoconfOnly,
  RegenSkip,
  RegenSkipArgs,
  ProofCause,
  ProofCauseArgs,
  ProcedureStep,
  ProcedureStepArgs,
  Normalisation,
  NormalisationArgs,
} from './core/regeneration.js';
export type { GenerationProof, GenerationProofJson, RegenerationMismatchJson } from './core/findings.js';
export { DistdiffError, isDistdiffError, type ErrorKind } from './core/errors.js';
export { DEFAULT_LIMITS, type Limits } from './core/limits.js';
export {
  SEVERITIES,
  severityRank,
  type Severity,
  type ArchiveScan,
  type ArchiveAnomaly,
  anomaly,
  type AnomalyCode,
  type AnomalyEvidence,
  type GitTree,
  type TreeEntry,
  type EntryType,
  type PathDiff,
  type CompareResult,
  type ContentDiff,
  type HashAlgo,
} from './core/types.js';
export { render, renderText, renderJson, renderSarif, renderMarkdown, FORMATS, type Format } from './render/index.js';
export type { TextOptions } from './render/text.js';
export { loadPolicy, parsePolicyText, applyPolicy, type Policy, type Allowance } from './classify/policy.js';
export { newPrecheckAudit, type PrecheckAudit, type PrecheckViolation } from './classify/index.js';
export { PROFILE_CHOICES, type ProfileChoice } from './profiles/types.js';
export { VERSION } from './version.js';
