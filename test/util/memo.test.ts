/** oncePer / oncePerName (src/util/memo.ts): the per-tree and per-run caches of the classifiers. */
import { describe, expect, it } from 'vitest';
import { oncePer, oncePerName } from '../../src/util/memo.js';

describe('oncePer', () => {
  it('builds once per key object, keeps what build returned (undefined too), and never shares between keys', () => {
    const cached = oncePer<object, number | undefined>();
    const a = {}, b = {};
    let builds = 0;
    expect(cached(a, () => ++builds)).toBe(1);
    expect(cached(a, () => ++builds)).toBe(1);
    expect(cached(b, () => ++builds)).toBe(2);
    const c = {};
    expect(cached(c, () => { builds++; return undefined; })).toBeUndefined();
    expect(cached(c, () => ++builds)).toBeUndefined();
    expect(builds).toBe(3);
  });

  it('shares one pending Promise between callers, and its rejection', async () => {
    const cached = oncePer<object, Promise<string>>();
    const key = {};
    let builds = 0;
    const build = () => { builds++; return new Promise<string>((_, reject) => setTimeout(() => reject(new Error('no')), 5)); };
    const [x, y] = [cached(key, build), cached(key, build)];
    expect(x).toBe(y);
    await expect(x).rejects.toThrow('no');
    expect(builds).toBe(1);
  });
});

describe('oncePerName', () => {
  it('builds once per key object and name', () => {
    const cached = oncePerName<object, string>();
    const a = {}, b = {};
    const seen: string[] = [];
    const build = (k: string) => () => { seen.push(k); return k.toUpperCase(); };
    expect(cached(a, 'x', build('ax'))).toBe('AX');
    expect(cached(a, 'x', build('ax2'))).toBe('AX');
    expect(cached(a, 'y', build('ay'))).toBe('AY');
    expect(cached(b, 'x', build('bx'))).toBe('BX');
    expect(seen).toEqual(['ax', 'ay', 'bx']);
  });
});
