/**
 * Derived files whose proof read another file only the tarball has (issue 11 d): wget's src/css_.c is a line
 * followed by the shipped src/css.c (flex output, proved on its own by regeneration), less's funcs.h reads the
 * shipped help.c, a gnulib domain's .pot reads the shipped lib/ copies. Such a proof is only as good as its
 * inputs: a finding whose evidence lists `tarballInputs` keeps its explanation only while every one of those
 * inputs is itself explained below high. Otherwise it is raised to high (or the input's worse severity) with
 * the reason `flagged-input`, so a tampered input cannot lend its derived file a clean bill. Chains (a derived
 * input of a derived file) are followed to a fixed point.
 */
import { codeDoc } from '../core/codes.js';
import type { Finding } from '../core/findings.js';
import { escalate, maxSeverity } from '../core/severity.js';
import { severityRank } from '../core/types.js';
import type { PostPass } from './types.js';

/** The tarball-only inputs a finding's proof read, if any. */
export function tarballInputsOf(f: Finding): readonly string[] {
  const ins = (f.evidence as { tarballInputs?: unknown }).tarballInputs;
  return Array.isArray(ins) ? (ins as string[]) : [];
}

/** Whether a finding leaves its file explained and below the default gate. */
const sound = (f: Finding | undefined) => !!f && (codeDoc(f.code).explained || !!f.allowed) && severityRank(f.severity) < severityRank('high');

export function checkDerivedInputs(findings: readonly Finding[]): Finding[] {
  const byPath = new Map(findings.map((f) => [f.path, f]));
  let out = [...findings];
  for (let changed = true, round = 0; changed && round <= findings.length; round++) {
    changed = false;
    out = out.map((f) => {
      const inputs = tarballInputsOf(f);
      if (!inputs.length) return f;
      const flagged = inputs.map((p) => byPath.get(p)).filter((g) => !sound(g));
      if (!flagged.length) return f;
      const severity = flagged.reduce((s, g) => maxSeverity(s, g?.severity ?? 'high'), maxSeverity(f.severity, 'high'));
      if (severity === f.severity) return f;
      const raised = escalate(f, severity, 'flagged-input');
      byPath.set(f.path, raised);
      changed = true;
      return raised;
    });
  }
  return out;
}

export const derivedInputsPostPass: PostPass = { id: 'derived-inputs', run: checkDerivedInputs };
