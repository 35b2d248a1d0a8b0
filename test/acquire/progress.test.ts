import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatProgress } from '../../src/render/progress.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

describe('formatProgress', () => {
  it.each([
    // unknown total: bytes and rate only
    [{ bytes: 0, elapsedMs: 0 }, 80, '0 B -- B/s'],
    [{ bytes: 1536, elapsedMs: 1000 }, 80, '1.5 KiB 1.5 KiB/s'],
    [{ bytes: 3 * GiB, elapsedMs: 4000 }, 80, '3.0 GiB 768.0 MiB/s'],
    // known total: bar fills the width left by the text
    [{ bytes: 5 * MiB, total: 10 * MiB, elapsedMs: 2000 }, 60, '[=========>           ]  50% 5.0/10.0 MiB 2.5 MiB/s ETA 0:02'],
    [{ bytes: 0, total: 100, elapsedMs: 0 }, 40, '[        ]   0% 0/100 B -- B/s ETA --:--'],
    [{ bytes: 100, total: 100, elapsedMs: 50 }, 45, '[=========] 100% 100/100 B 2.0 KiB/s ETA 0:00'],
    [{ bytes: 1 * MiB, total: 10 * GiB, elapsedMs: 1000 }, 70, '[                            ]   0% 0.0/10.0 GiB 1.0 MiB/s ETA 2:50:39'],
    // a server that sends more than it announced: clamped, never > 100 %
    [{ bytes: 150, total: 100, elapsedMs: 1000 }, 40, '[======] 100% 150/100 B 150 B/s ETA 0:00'],
    [{ bytes: 0, total: 0, elapsedMs: 0 }, 30, '100% 0/0 B -- B/s ETA 0:00'],
    // too narrow for the bar: text only; too narrow for the text: cut
    [{ bytes: 1000, total: 1000, elapsedMs: 500 }, 40, '100% 1000/1000 B 2.0 KiB/s ETA 0:00'],
    [{ bytes: 1000, total: 1000, elapsedMs: 500 }, 10, '100% 1000/'],
    [{ bytes: 1000, elapsedMs: 500 }, 0, ''],
  ])('%o at width %i', (p, width, expected) => {
    expect(formatProgress(p, width)).toBe(expected);
  });

  it('draws a full bar at 100 % when there is room', () => {
    expect(formatProgress({ bytes: 100, total: 100, elapsedMs: 1000 }, 50)).toBe('[================] 100% 100/100 B 100 B/s ETA 0:00');
  });

  it('never exceeds the width', () => {
    for (let width = 0; width <= 120; width += 7) {
      for (const bytes of [0, 1, 999, 5 * MiB, 3 * GiB]) {
        for (const total of [undefined, 0, 1000, 10 * GiB]) {
          const line = formatProgress({ bytes, total, elapsedMs: 1234 }, width);
          expect(line.length).toBeLessThanOrEqual(width);
        }
      }
    }
  });
});

describe('formatBytes / formatDuration', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [5 * MiB, '5.0 MiB'],
    [3 * GiB, '3.0 GiB'],
  ])('formatBytes(%i) = %s', (n, s) => expect(formatBytes(n)).toBe(s));

  it.each([
    [0, '0:00'],
    [59.2, '1:00'],
    [61, '1:01'],
    [3600, '1:00:00'],
    [3661, '1:01:01'],
  ])('formatDuration(%d) = %s', (n, s) => expect(formatDuration(n)).toBe(s));
});
