/**
 * JSON report: the VerifyResult as is (versioned by `schemaVersion`), keys in a stable order. The one
 * addition is at this edge: each revision-chain step's English `detail` (worded by core/wording.ts from
 * its kind and arguments), which schema 1 readers expect; the result data itself carries no prose.
 */
import type { VerifyResult, VerifyResultJson } from '../core/result.js';
import { chainStepJson } from '../core/wording.js';
import { blocks, jsonChunks } from '../util/json-stream.js';

/** The result as the JSON report carries it. */
export function jsonReport(r: VerifyResult): VerifyResultJson {
  const rev = r.inputs.revision;
  if (!rev.chain) return r as VerifyResultJson;
  // Replaced in place, so the keys keep their order.
  const revision = { ...rev, chain: rev.chain.map(chainStepJson) };
  return { ...r, inputs: { ...r.inputs, revision } };
}

export function renderJson(r: VerifyResult): string {
  return JSON.stringify(jsonReport(r), null, 2) + '\n';
}

/** The same bytes as renderJson, in blocks of about 64 KB, never the whole report as one string. */
export function* streamJson(r: VerifyResult): Generator<string> {
  yield* blocks(jsonChunks(jsonReport(r), 2));
  yield '\n';
}
