/**
 * One-line batch progress, pure: (state, width) → at most `width` characters.
 *
 *   `[=====>      ]  12/40 done, 1 failed, 2 skipped  3.1/min ETA 9:02`
 */
import { formatDuration } from '../render/progress.js';

export interface BatchProgress {
  /** Rows of this run (shard), skipped ones included. */
  total: number;
  /** Rows finished in this run. */
  done: number;
  /** Of those: failed their gate or errored. */
  failed: number;
  /** Rows already done by an earlier run. */
  skipped: number;
  elapsedMs: number;
}

export function formatBatchProgress(p: BatchProgress, width: number): string {
  const finished = p.done + p.skipped;
  const rate = p.elapsedMs > 0 && p.done > 0 ? p.done / (p.elapsedMs / 60000) : undefined;
  const left = Math.max(0, p.total - finished);
  const eta = left === 0 ? formatDuration(0) : rate === undefined ? '--:--' : formatDuration((left / rate) * 60);
  const text =
    `${String(finished).padStart(String(p.total).length)}/${p.total} done, ${p.failed} failed` +
    `${p.skipped ? `, ${p.skipped} skipped` : ''}  ${rate === undefined ? '--' : rate.toFixed(1)}/min ETA ${eta}`;
  const max = Math.max(0, Math.floor(width));
  const barWidth = max - text.length - 3;
  let line = text;
  if (barWidth >= 5) {
    const fraction = p.total === 0 ? 1 : Math.min(1, finished / p.total);
    const filled = Math.floor(fraction * barWidth);
    const bar = filled >= barWidth ? '='.repeat(barWidth) : filled === 0 ? ' '.repeat(barWidth) : '='.repeat(filled - 1) + '>' + ' '.repeat(barWidth - filled);
    line = `[${bar}] ${text}`;
  }
  return line.length > max ? line.slice(0, max) : line;
}
