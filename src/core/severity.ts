/**
 * Where a finding's severity comes from. `makeFinding` gives every finding its code's default severity
 * from the registry (src/core/codes.ts), the only source of severities. A classifier or post pass that
 * rates a finding above the default does so only through `escalate`, which requires a stated reason
 * (SeverityReason) and records it on the finding (`severityReason`: the reason and the default), so JSON
 * and the reports show why. Policy (src/classify/policy.ts) is the user's, not a classifier's, and marks
 * its own changes (`allowed`). `severityProblem` is the invariant the tests check on every finding.
 */
import { codeDoc } from './codes.js';
import type { EvidenceMap, Finding, FindingCode, FindingExtra, SeverityReason } from './findings.js';
import { severityRank, type Severity } from './types.js';

/** A finding of `code` at its registry default severity. */
export function makeFinding<C extends FindingCode>(code: C, path: string, evidence: EvidenceMap[C], extra: FindingExtra<C> = {}): Finding {
  return { code, path, severity: codeDoc(code).severity, evidence, ...extra } as Finding;
}

/**
 * `f` rated at `severity` for `reason`. Only upwards: a severity below the finding's current one is a
 * programming error (throws; the classify stage reports the check as degraded). The same severity
 * returns `f` unchanged (its earlier reason, if any, stays).
 */
export function escalate<F extends Finding>(f: F, severity: Severity, reason: SeverityReason): F {
  if (severity === f.severity) return f;
  if (severityRank(severity) < severityRank(f.severity)) throw new Error(`${f.code} cannot be lowered from ${f.severity} to ${severity} (${reason})`);
  return { ...f, severity, severityReason: { reason, default: codeDoc(f.code).severity } };
}

/** The higher of two severities. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

/**
 * Why a finding's severity breaks the rule, or undefined when it keeps it: the registry default, or above
 * it with a stated reason whose recorded default is the registry's. A policy allowance is checked on the
 * severity it had before the policy (`allowed.originalSeverity`).
 */
export function severityProblem(f: Finding): string | undefined {
  const def = codeDoc(f.code).severity;
  const sev = f.allowed ? f.allowed.originalSeverity : f.severity;
  const r = f.severityReason;
  if (!r) return sev === def ? undefined : `${f.code} at ${f.path}: ${sev} without a reason (registry default ${def})`;
  if (r.default !== def) return `${f.code} at ${f.path}: reason records default ${r.default}, the registry says ${def}`;
  if (severityRank(sev) <= severityRank(def)) return `${f.code} at ${f.path}: ${sev} with reason ${r.reason} but not above the default ${def}`;
  return undefined;
}
