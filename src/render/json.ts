/** JSON report: the VerifyResult as is (versioned by `schemaVersion`), keys in a stable order. */
import type { VerifyResult } from '../core/result.js';
import { blocks, jsonChunks } from '../util/json-stream.js';

export function renderJson(r: VerifyResult): string {
  return JSON.stringify(r, null, 2) + '\n';
}

/** The same bytes as renderJson, in blocks of about 64 KB, never the whole report as one string. */
export function* streamJson(r: VerifyResult): Generator<string> {
  yield* blocks(jsonChunks(r, 2));
  yield '\n';
}
