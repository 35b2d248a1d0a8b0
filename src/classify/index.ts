/**
 * Classification: an ordered registry of classifiers, one file each, the generic fallback last.
 * The first classifier that returns a finding decides a difference. A classifier that throws is
 * skipped and the finding records the degraded check (diffoscope-style), so one broken check never
 * aborts a run. Post passes then see every finding (cross-file evidence such as configure carrying
 * a flagged macro's expansion).
 */
import type { Finding } from '../core/findings.js';
import { fallbackClassifier, fallbackFinding } from './fallback.js';
import type { Classifier, ClassifyContext, PostPass } from './types.js';

/** Ordered; the fallback is appended by `classify` and never listed here. */
export const CLASSIFIERS: Classifier[] = [];

export const POST_PASSES: PostPass[] = [];

export async function classify(
  ctx: ClassifyContext,
  classifiers: readonly Classifier[] = CLASSIFIERS,
  postPasses: readonly PostPass[] = POST_PASSES,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const diff of ctx.diffs) {
    let found: Finding | undefined;
    let degraded: Finding['degraded'];
    for (const c of [...classifiers, fallbackClassifier]) {
      try {
        found = await c.classify(diff, ctx);
      } catch (err) {
        degraded ??= { check: c.id, error: err instanceof Error ? err.message : String(err) };
        found = undefined;
      }
      if (found) break;
    }
    const f = found ?? fallbackFinding(diff);
    findings.push(degraded ? { ...f, degraded } : f);
  }
  let out = findings;
  for (const p of postPasses) {
    try {
      out = await p.run(out, ctx);
    } catch {
      // A failed post pass leaves the findings as they were.
    }
  }
  return out;
}
