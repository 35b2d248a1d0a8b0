/**
 * Whether the regeneration has anything to do, decided from the differences alone: without a tarball-only
 * `configure` (or `configure.X`, see configureLike) it ends at once with "not applicable" (and with mode off, "off"). The caller asks this before it
 * loads the generator code (./regenerate.ts and the 12 modules only it imports), so a run with nothing to
 * regenerate — the Linux kernel — never loads them; regenerate() asks the same first.
 */
import { baseOf } from '../classify/paths.js';
import type { RegenCause } from '../core/regeneration.js';
import type { PathDiff } from '../core/types.js';
import type { RegenerateMode, RegenerationReport } from './types.js';

export function emptyReport(status: RegenerationReport['status'], cause?: RegenCause, ms = 0): RegenerationReport {
  return { status, ...(cause ? { cause } : {}), tools: [], outputs: new Map(), placeholders: 0, ms };
}

/**
 * Whether a file name may be autoconf's output: `configure`, or `configure.X` (not configure.ac/configure.in), which
 * autoconf writes when a tracked make rule runs `autoconf -o configure.X` (rsync's configure.sh behind its tracked
 * configure wrapper; regenerate.ts autoconfOutputRule decides whether one does).
 */
export function configureLike(base: string): boolean {
  return base === 'configure' || (/^configure\.[A-Za-z0-9_-]+$/.test(base) && base !== 'configure.ac' && base !== 'configure.in');
}

/** The report when there is nothing to regenerate (mode off; no tarball-only file configureLike names); else undefined. */
export function nothingToRegenerate(mode: RegenerateMode, diffs: readonly PathDiff[], ms = 0): RegenerationReport | undefined {
  if (mode === 'off') return emptyReport('off', { kind: 'disabled', args: {} });
  for (const d of diffs) if (d.status === 'tarball-only' && d.tarball?.type === 'file' && configureLike(baseOf(d.path))) return undefined;
  return emptyReport('not-applicable', { kind: 'no-configure', args: {} }, ms);
}
