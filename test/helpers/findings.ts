/** The one finding a test expects at a path: a missing one fails the test with the path named. */
import type { Finding } from '../../src/core/findings.js';

export function findingAt(findings: readonly Finding[], path: string): Finding {
  const f = findings.find((x) => x.path === path);
  if (!f) throw new Error(`no finding for ${path}`);
  return f;
}
