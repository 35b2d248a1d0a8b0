/**
 * Archive anomalies (found while streaming the archive or comparing names) as findings. An anomaly is
 * already keyed by its finding code and carries that code's evidence, typed (core/types.ts,
 * AnomalyEvidence): the finding is the anomaly at its code's registry severity.
 */
import type { Finding } from '../core/findings.js';
import { makeFinding } from '../core/severity.js';
import type { ArchiveAnomaly } from '../core/types.js';

export function anomalyFinding(a: ArchiveAnomaly): Finding {
  return makeFinding(a.code, a.path, a.evidence);
}

/** One finding per anomaly, in the order given. */
export function anomalyFindings(anomalies: readonly ArchiveAnomaly[]): Finding[] {
  return anomalies.map(anomalyFinding);
}
