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
  // Most runs have no derived file: then nothing is copied or indexed (a per-path map of every finding
  // costs ~50 bytes a finding, ~100 MB with 2,000,000 of them). Otherwise only the inputs' paths are indexed.
  const derived: number[] = [];
  findings.forEach((f, i) => {
    if (tarballInputsOf(f).length) derived.push(i);
  });
  if (!derived.length) return findings as Finding[];
  const wanted = new Set<string>();
  for (const i of derived) for (const p of tarballInputsOf(findings[i]!)) wanted.add(p);
  const byPath = new Map<string, Finding>();
  for (const f of findings) if (wanted.has(f.path)) byPath.set(f.path, f);
  const out = [...findings];
  for (let changed = true, round = 0; changed && round <= findings.length; round++) {
    changed = false;
    for (const i of derived) {
      const f = out[i]!;
      const flagged = tarballInputsOf(f).map((p) => byPath.get(p)).filter((g) => !sound(g));
      if (!flagged.length) continue;
      const severity = flagged.reduce((s, g) => maxSeverity(s, g?.severity ?? 'high'), maxSeverity(f.severity, 'high'));
      if (severity === f.severity) continue;
      const raised = escalate(f, severity, 'flagged-input');
      if (wanted.has(f.path)) byPath.set(f.path, raised);
      out[i] = raised;
      changed = true;
    }
  }
  return out;
}

export const derivedInputsPostPass: PostPass = { id: 'derived-inputs', run: checkDerivedInputs };
