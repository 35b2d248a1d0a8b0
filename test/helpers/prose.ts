/**
 * No English inside result data (issue #10): the un-rendered VerifyResult carries kinds with arguments,
 * never sentences; core/wording.ts words them and the JSON report adds the lines at its edge. `proseIn`
 * lists every place of a result that breaks this:
 *   - a string with a space under a key that holds words for people (`reason`, `partial`, `skipped`,
 *     `procedure`, `normalisations`, `detail`, `tools`, `message`), anywhere in notes, findings or the
 *     revision chain — except `allowed.reason`, the policy file's own text;
 *   - a `{ kind, args }` whose kind has no wording.
 * Kinds have no spaces (`too-large`, `suspicious-constructs`), so they pass; data such as paths, versions,
 * command lines and a failure's own message live under other keys (`commands`, `stderr`, `error` …).
 */
import { CHAIN_STEP_WORDING, NORMALISATION_WORDING, PROCEDURE_WORDING, PROOF_CAUSE_WORDING, REGEN_CAUSE_WORDING, REGEN_SKIP_WORDING, REMEDY_WORDING, UNPROVED_REASON_WORDING } from '../../src/core/wording.js';
import type { VerifyResult } from '../../src/core/result.js';

const PROSE_KEYS = new Set(['reason', 'partial', 'skipped', 'procedure', 'normalisations', 'detail', 'tools', 'message']);
const WORDED_KINDS = new Set([CHAIN_STEP_WORDING, REGEN_CAUSE_WORDING, REGEN_SKIP_WORDING, PROOF_CAUSE_WORDING, PROCEDURE_WORDING, NORMALISATION_WORDING, UNPROVED_REASON_WORDING, REMEDY_WORDING].flatMap((w) => Object.keys(w)));

export function proseIn(r: Pick<VerifyResult, 'notes' | 'findings' | 'inputs'>): string[] {
  const out: string[] = [];
  const walk = (v: unknown, path: string, underProseKey: boolean): void => {
    if (typeof v === 'string') {
      if (underProseKey && /\s/.test(v)) out.push(`${path}: ${JSON.stringify(v.slice(0, 80))}`);
      return;
    }
    if (Buffer.isBuffer(v) || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${path}[${i}]`, underProseKey));
      return;
    }
    const o = v as Record<string, unknown>;
    if (typeof o.kind === 'string' && o.args && typeof o.args === 'object' && !WORDED_KINDS.has(o.kind)) out.push(`${path}: kind ${o.kind} has no wording`);
    for (const [k, x] of Object.entries(o)) {
      if (path.endsWith('.allowed') && k === 'reason') continue;
      walk(x, `${path}.${k}`, PROSE_KEYS.has(k));
    }
  };
  walk(r.notes, 'notes', false);
  r.findings.forEach((f) => walk({ evidence: f.evidence, ...(f.allowed ? { allowed: f.allowed } : {}), ...(f.degraded ? { degraded: f.degraded } : {}), ...(f.severityReason ? { severityReason: f.severityReason } : {}) }, `findings[${f.path} ${f.code}]`, false));
  walk(r.inputs.revision, 'inputs.revision', false);
  return out;
}
