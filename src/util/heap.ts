/**
 * Memory on huge inputs. V8 lets the heap grow up to ~4x its live size between full collections on a
 * machine with much memory; with millions of entries (every one a finding) that slack, not the live data,
 * decides the peak RSS. Once the heap in use passes `thresholdBytes`, the growth between full collections
 * is capped at `percent` (V8's --heap-growing-percent): more collections, a lower peak. Below the threshold
 * (the Linux kernel's 84,000 entries stay below it) nothing changes, so ordinary runs pay nothing.
 * Measured: README "Limits".
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';

/**
 * The CLI's setting: past 192 MiB of heap in use, at most 20 % growth between full collections. The Linux
 * kernel (84,000 entries) peaks at ~96 MiB and never reaches it (tightening from the start costs it ~2.6 s of
 * CPU, +20 %); 2,000,000 entries pass it early in the scan, while the heap's limit is still low.
 */
export const HEAP_TIGHT_BYTES = 192 * 1024 * 1024;
export const HEAP_TIGHT_PERCENT = 20;

/** Starts watching (every `everyMs`); returns a function that stops it. `onTighten` is told when it happens. */
export function tightenHeapGrowthPast(thresholdBytes: number, percent: number, everyMs = 250, onTighten: () => void = () => {}): () => void {
  const timer = setInterval(() => {
    if (getHeapStatistics().used_heap_size < thresholdBytes) return;
    setFlagsFromString(`--heap-growing-percent=${percent}`);
    clearInterval(timer);
    onTighten();
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
