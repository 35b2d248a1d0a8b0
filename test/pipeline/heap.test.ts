/**
 * The CLI's heap watch (src/util/heap.ts): past the threshold it caps V8's heap growth, once; below it,
 * nothing happens. Its effect on memory is measured by scripts/bench (README "Limits"), not here.
 */
import { describe, expect, it } from 'vitest';
import { getHeapStatistics } from 'node:v8';
import { tightenHeapGrowthPast } from '../../src/util/heap.js';

describe('tightenHeapGrowthPast', () => {
  it('tightens once the heap in use passes the threshold (here: already past it), then stops watching', async () => {
    let told = 0;
    await new Promise<void>((resolve) => {
      tightenHeapGrowthPast(1, 50, 5, () => {
        told++;
        resolve();
      });
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(told).toBe(1);
  });
  it('does nothing below the threshold, and nothing after it is stopped', async () => {
    let told = 0;
    const far = getHeapStatistics().used_heap_size * 100;
    const stop = tightenHeapGrowthPast(far, 50, 5, () => told++);
    await new Promise((r) => setTimeout(r, 50));
    stop();
    const stopped = tightenHeapGrowthPast(1, 50, 5, () => told++);
    stopped();
    await new Promise((r) => setTimeout(r, 50));
    expect(told).toBe(0);
  });
});
