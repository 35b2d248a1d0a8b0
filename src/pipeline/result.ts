/**
 * Stage 7 of verify(): the result — counts, the verdict against the gate, inputs as they were resolved,
 * findings and notes. What renderers consume and `--format json` prints (core/result.ts).
 */
import type { AcquiredArchive } from '../acquire/archive-source.js';
import type { RepoHandle } from '../acquire/repo.js';
import { codeDoc } from '../core/codes.js';
import type { Finding } from '../core/findings.js';
import { SCHEMA_VERSION, type ChainStep, type ChecksumsReport, type Note, type ProfileReport, type SignatureReport, type SubdirRoot, type VerifyResult } from '../core/result.js';
import { SEVERITIES, severityRank, type ArchiveScan, type CompareResult, type GitTree, type Severity } from '../core/types.js';
import type { ProfileInfo } from '../profiles/index.js';
import type { ChainRevision } from '../profiles/chain.js';
import { VERSION } from '../version.js';

export interface ResultInput {
  archive: AcquiredArchive;
  scan: ArchiveScan & { sha256?: string };
  sha256?: string;
  repo: RepoHandle;
  revision: ChainRevision;
  chain: ChainStep[];
  pathInRepo: string;
  /** pathInRepo found from the trees (src/profiles/subdir-root.ts). */
  subdirRoot?: SubdirRoot;
  profile: ProfileInfo;
  git: GitTree;
  compare: CompareResult;
  findings: Finding[];
  notes: Note[];
  failOn: Severity;
  signature?: SignatureReport;
  tagSignature?: SignatureReport;
  checksums?: ChecksumsReport;
}

export function profileReport(profile: ProfileInfo): ProfileReport {
  return {
    id: profile.id,
    detected: profile.detected,
    ...(profile.name ? { name: profile.name } : {}),
    ...(profile.version ? { version: profile.version } : {}),
    ...(profile.repository ? { repository: profile.repository } : {}),
    ...(profile.directory ? { directory: profile.directory } : {}),
    ...(profile.commit ? { commit: profile.commit } : {}),
    ...(profile.dirty ? { dirty: true } : {}),
  };
}

/** Counts by severity and code, and how many findings are explained (by their code or a policy). */
export function tally(findings: readonly Finding[]): Pick<VerifyResult['counts'], 'bySeverity' | 'byCode' | 'explained' | 'unexplained'> {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byCode: VerifyResult['counts']['byCode'] = {};
  let explained = 0;
  for (const f of findings) {
    bySeverity[f.severity] += 1;
    byCode[f.code] = (byCode[f.code] ?? 0) + 1;
    if (codeDoc(f.code).explained || f.allowed) explained += 1;
  }
  return { bySeverity, byCode, explained, unexplained: findings.length - explained };
}

/** identical (no findings), different (one at or above the gate), review (some unexplained), explained. */
export function verdictOf(findings: readonly Finding[], explained: number, failOn: Severity): VerifyResult['verdict'] {
  const failing = findings.some((f) => severityRank(f.severity) >= severityRank(failOn));
  return findings.length === 0 ? 'identical' : failing ? 'different' : explained < findings.length ? 'review' : 'explained';
}

/** The CLI's exit code for a finished report: 1 when the verdict is `different` (a finding at or above the gate), else 0. */
export function exitCodeOf(verdict: VerifyResult['verdict']): 0 | 1 {
  return verdict === 'different' ? 1 : 0;
}

/** The result's counts: files on each side, differences by kind, findings by severity and code. */
export function countsOf(scan: Pick<ArchiveScan, 'entries'>, git: GitTree, cmp: CompareResult, findings: readonly Finding[]): VerifyResult['counts'] {
  const t = tally(findings);
  // Counted in place (no filtered copies of arrays that may hold millions of entries).
  const by: Record<string, number> = { 'tarball-only': 0, 'git-only': 0, changed: 0, 'export-ignored': 0, submodule: 0 };
  for (const d of cmp.diffs) by[d.status] = (by[d.status] ?? 0) + 1;
  let tarballFiles = 0;
  for (const e of scan.entries) if (e.type !== 'directory') tarballFiles += 1;
  return {
    tarballFiles,
    gitFiles: git.entries.size,
    identical: cmp.identical,
    tarballOnly: by['tarball-only']!,
    gitOnly: by['git-only']!,
    changed: by.changed!,
    exportIgnored: by['export-ignored']!,
    submodules: by.submodule!,
    anomalies: cmp.anomalies.length,
    ...t,
  };
}

export function buildResult(x: ResultInput): VerifyResult {
  const { compare: cmp, findings, scan } = x;
  const counts = countsOf(scan, x.git, cmp, findings);
  const result: VerifyResult = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'distdiff', version: VERSION },
    verdict: verdictOf(findings, counts.explained, x.failOn),
    failOn: x.failOn,
    inputs: {
      tarball: {
        source: x.archive.source,
        path: x.archive.path,
        ...(x.sha256 ? { sha256: x.sha256 } : {}),
        size: x.archive.size,
        container: scan.container,
        compression: scan.compression,
        decoder: scan.decoder,
        prefix: cmp.prefix,
        entries: scan.entries.length,
      },
      repo: { source: x.repo.source, objectFormat: x.repo.objectFormat, cloned: x.repo.cloned, fetched: x.repo.fetched },
      revision: {
        commit: x.revision.commit,
        ...(x.revision.tag ? { tag: x.revision.tag } : {}),
        ...(x.revision.tagType ? { tagType: x.revision.tagType } : {}),
        how: x.revision.how,
        ...(x.revision.version ? { version: x.revision.version } : {}),
        ...(x.revision.date ? { date: x.revision.date } : {}),
        chain: x.chain,
        ...(x.pathInRepo ? { pathInRepo: x.pathInRepo } : {}),
        ...(x.pathInRepo && x.subdirRoot ? { subdirRoot: x.subdirRoot } : {}),
        ...(x.revision.distance !== undefined ? { distance: x.revision.distance } : {}),
      },
      profile: profileReport(x.profile),
    },
    counts,
    findings,
    notes: x.notes,
  };
  if (x.signature) result.inputs.signature = x.signature;
  if (x.tagSignature) result.inputs.tagSignature = x.tagSignature;
  if (x.checksums) result.inputs.checksums = x.checksums;
  return result;
}
