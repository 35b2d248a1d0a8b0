/**
 * JSON report: the VerifyResult as is (versioned by `schemaVersion`), keys in a stable order. The one
 * additions are at this edge: each revision-chain step's English `detail`, a SUBMODULE_UNAVAILABLE
 * note's `reason`, the REGENERATION note's `reason`/`partial`/`skipped`/`tools`, and a generation proof's
 * `reason`/`procedure`/`normalisations` (GENERATED_BY_AUTOTOOLS, REGENERATION_MISMATCH) — worded by
 * core/wording.ts from their kinds and arguments, which schema 1 readers expect; the result data itself
 * carries no prose.
 */
import type { VerifyResult, VerifyResultJson } from '../core/result.js';
import { chainStepJson, findingJson, hasWordedEvidence, noteJson } from '../core/wording.js';
import { blocks, jsonChunks } from '../util/json-stream.js';

/** The result as the JSON report carries it. */
export function jsonReport(r: VerifyResult): VerifyResultJson {
  const rev = r.inputs.revision;
  // Replaced in place, so the keys keep their order.
  const revision = rev.chain ? { ...rev, chain: rev.chain.map(chainStepJson) } : (rev as Omit<typeof rev, 'chain'>);
  // Findings are copied only when one has lines to add (a result of millions of findings usually has none).
  const findings = r.findings.some(hasWordedEvidence) ? r.findings.map(findingJson) : r.findings;
  return { ...r, inputs: { ...r.inputs, revision }, findings, notes: r.notes.map(noteJson) };
}

export function renderJson(r: VerifyResult): string {
  return JSON.stringify(jsonReport(r), null, 2) + '\n';
}

/** The same bytes as renderJson, in blocks of about 64 KB, never the whole report as one string. */
export function* streamJson(r: VerifyResult): Generator<string> {
  yield* blocks(jsonChunks(jsonReport(r), 2));
  yield '\n';
}
