/**
 * One-line download progress, pure: (progress, width) → string of at most `width` characters.
 *
 *   known total:   `[=======>            ]  37% 3.7/10.0 MiB 1.2 MiB/s ETA 0:05`
 *   unknown total: `3.7 MiB 1.2 MiB/s`
 *
 * The bar takes whatever width the text leaves (dropped below 5 cells); the text is cut at `width`
 * if even that does not fit. Rate and ETA show `--` until time has elapsed and bytes arrived.
 */
import type { DownloadProgress } from '../acquire/download.js';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** Picks the unit for `n` bytes: index into UNITS. */
function unitIndex(n: number): number {
  let i = 0;
  let v = n;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return i;
}

function inUnit(n: number, i: number): string {
  return i === 0 ? String(Math.round(n)) : (n / 1024 ** i).toFixed(1);
}

/** `1536` → `1.5 KiB`; bytes below 1 KiB are integers. */
export function formatBytes(n: number): string {
  const i = unitIndex(n);
  return `${inUnit(n, i)} ${UNITS[i]}`;
}

/** Seconds → `m:ss` or `h:mm:ss`. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.ceil(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function formatProgress(p: DownloadProgress, width: number): string {
  const bytes = Math.max(0, p.bytes);
  const rate = p.elapsedMs > 0 && bytes > 0 ? bytes / (p.elapsedMs / 1000) : undefined;
  const rateText = rate === undefined ? '-- B/s' : `${formatBytes(rate)}/s`;
  const max = Math.max(0, Math.floor(width));

  let line: string;
  if (p.total === undefined || p.total < 0) {
    line = `${formatBytes(bytes)} ${rateText}`;
  } else {
    const total = p.total;
    const fraction = total === 0 ? 1 : Math.min(1, bytes / total);
    const pct = `${String(Math.floor(fraction * 100)).padStart(3)}%`;
    // both amounts in the unit of the total, so the numbers are comparable
    const u = unitIndex(total);
    const amounts = `${inUnit(bytes, u)}/${inUnit(total, u)} ${UNITS[u]}`;
    const remaining = Math.max(0, total - bytes);
    const eta = remaining === 0 ? formatDuration(0) : rate === undefined ? '--:--' : formatDuration(remaining / rate);
    const text = `${pct} ${amounts} ${rateText} ETA ${eta}`;
    const barWidth = max - text.length - 3; // "[" + bar + "] "
    if (barWidth >= 5) {
      const filled = Math.floor(fraction * barWidth);
      const bar =
        filled >= barWidth ? '='.repeat(barWidth) : filled === 0 ? ' '.repeat(barWidth) : '='.repeat(filled - 1) + '>' + ' '.repeat(barWidth - filled);
      line = `[${bar}] ${text}`;
    } else {
      line = text;
    }
  }
  return line.length > max ? line.slice(0, max) : line;
}
