/** JSON report: the VerifyResult as is (versioned by `schemaVersion`), keys in a stable order. */
import type { VerifyResult } from '../core/result.js';

export function renderJson(r: VerifyResult): string {
  return JSON.stringify(r, null, 2) + '\n';
}
