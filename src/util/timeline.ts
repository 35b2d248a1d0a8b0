/**
 * Stage marks for performance work (README "Performance"): off unless the CLI switches them on
 * (DISTDIFF_TIMELINE=1). Each mark records its label, the milliseconds since the process started
 * (performance.now()) and, when the caller gave a CPU clock, the process's CPU milliseconds so far.
 * A mark costs one comparison when the timeline is off.
 */
import { performance } from 'node:perf_hooks';

export interface Mark {
  label: string;
  /** Wall milliseconds since the process started. */
  ms: number;
  /** CPU milliseconds (user + system) of the process so far, when a CPU clock was given. */
  cpuMs?: number;
}

let marks: Mark[] | undefined;
let cpuClock: (() => number) | undefined;

/** `cpu`: the process's CPU time in milliseconds (the CLI passes one from process.cpuUsage()). */
export function enableTimeline(cpu?: () => number): void {
  marks ??= [];
  cpuClock = cpu;
}

export function mark(label: string): void {
  if (marks) marks.push(cpuClock ? { label, ms: performance.now(), cpuMs: cpuClock() } : { label, ms: performance.now() });
}

/** The marks so far, in order (empty when the timeline is off). */
export function timelineMarks(): readonly Mark[] {
  return marks ?? [];
}

/** One line per mark: wall ms since start, CPU ms so far, the wall and CPU ms since the previous mark, the label. */
export function formatTimeline(list: readonly Mark[]): string[] {
  let prev: Mark | undefined;
  return list.map((m) => {
    const cpu = m.cpuMs === undefined ? '' : `cpu ${m.cpuMs.toFixed(0).padStart(6)} ms`;
    const step = prev === undefined ? '' : `+${(m.ms - prev.ms).toFixed(1)} ms${m.cpuMs !== undefined && prev.cpuMs !== undefined ? ` (cpu +${(m.cpuMs - prev.cpuMs).toFixed(0)})` : ''}`;
    prev = m;
    return `${m.ms.toFixed(1).padStart(8)} ms  ${cpu}  ${step.padEnd(24)}  ${m.label}`;
  });
}
