/**
 * The pre-check audit's one switch. Each classifier's classify() starts by asking its own pre-check
 * (Classifier.candidate) through `admits`; while `ungated` runs a call, `admits` says yes, so the audit
 * (classify/index.ts, DISTDIFF_AUDIT_PRECHECKS) sees what the rest of classify() would decide without the
 * pre-check. That is the question that matters: a pre-check stricter than the checks after it (a name
 * pattern that misses an output the classifier learned to explain) rejects differences silently, and a
 * classify() that asks the same pre-check first would hide it from any test that calls classify().
 *
 * The switch is on only for the synchronous start of one classify() call (where every gate is asked);
 * classification runs one call at a time, so no other call sees it.
 */
import type { PathDiff } from '../core/types.js';

let open = false;

/** classify()'s first test: its pre-check, unless the audit runs this call without it. */
export function admits(candidate: (diff: PathDiff) => boolean, diff: PathDiff): boolean {
  return open || candidate(diff);
}

/** Runs `call` (one classify() call) with every `admits` saying yes until it returns or first awaits. */
export function ungated<T>(call: () => T): T {
  open = true;
  try {
    return call();
  } finally {
    open = false;
  }
}
