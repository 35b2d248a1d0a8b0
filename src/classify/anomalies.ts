/**
 * Archive anomalies (found while streaming the archive or comparing names) as findings. An anomaly is
 * already keyed by its finding code and carries that code's evidence, typed (core/types.ts,
 * AnomalyEvidence): the finding is the anomaly at its code's registry severity.
 */
import type { Finding } from '../core/findings.js';
import { escalate, makeFinding } from '../core/severity.js';
import type { ArchiveAnomaly } from '../core/types.js';

export function anomalyFinding(a: ArchiveAnomaly): Finding {
  return makeFinding(a.code, a.path, a.evidence);
}

/**
 * One finding per anomaly, in the order given. With `tracked` (whether git has a path at the revision), a case or
 * Unicode collision git does not have itself (one of the two names is not tracked) is high (red team 14): on a
 * case-insensitive file system (macOS, Windows) the later entry replaces the earlier, so a tracked file extracts with
 * the other name's content; a collision both of whose names the repository tracks (the Linux kernel's
 * xt_CONNMARK.h / xt_connmark.h) stays at its default. A path listed more than once is high when its entries differ
 * (kind, content, link target, executable bit): a non-overwriting extractor keeps the first, GNU tar the last.
 */
export function anomalyFindings(anomalies: readonly ArchiveAnomaly[], tracked?: (path: string) => boolean): Finding[] {
  return anomalies.map((a) => {
    const f = anomalyFinding(a);
    if (a.code === 'DUPLICATE_ENTRY' && !a.evidence.sameContent) return escalate(f, 'high', 'duplicate-differs');
    if (tracked && (a.code === 'CASE_COLLISION' || a.code === 'UNICODE_COLLISION') && !(tracked(a.path) && tracked(a.evidence.other))) return escalate(f, 'high', 'collision-not-in-git');
    return f;
  });
}

/**
 * A zip's hidden data that is only the comment `git archive --format=zip` writes: the commit id of the revision it
 * archived, exactly (a tag's or another commit's id is reported).
 */
export function gitArchiveComment(a: ArchiveAnomaly, commit: string): boolean {
  return a.code === 'ZIP_HIDDEN_DATA' && a.evidence.regions.length === 1 && a.evidence.regions[0]!.kind === 'archive-comment' && a.evidence.comment === commit;
}
