/**
 * pathsBy (src/classify/paths.ts): git's paths grouped by directory or base name, the first few groups found by a
 * scan and the whole index built only after SCANNED_GETS look-ups. Whichever way a group is found, it must be the
 * group a Map built up front gives, and the same array every time it is asked for.
 */
import { describe, expect, it } from 'vitest';
import { baseOf, dirOf, pathsBy, SCANNED_GETS } from '../../src/classify/paths.js';

const PATHS = ['README', 'Makefile', 'a/b', 'a/b/c.h', 'a/b/README', 'ab/c.h', 'a/c.h', 'x/y/z/c.h', 'a/', 'c.h.in', 'dir/README.md', 'aa/b'];

/** The index as a Map built up front (what pathsBy returned before). */
function upFront(key: 'dir' | 'base', paths: readonly string[]): Map<string, string[]> {
  const of = key === 'dir' ? dirOf : baseOf;
  const m = new Map<string, string[]>();
  for (const p of paths) (m.get(of(p)) ?? m.set(of(p), []).get(of(p))!).push(p);
  return m;
}

describe('pathsBy', () => {
  const keys = { dir: ['', 'a', 'a/b', 'ab', 'b', 'x/y/z', 'x', 'x/y', 'dir', 'aa', 'nope', 'a/b/c.h'], base: ['README', 'c.h', 'b', 'README.md', 'c.h.in', '', 'b/c.h', 'nope', 'Makefile', 'a'] };
  for (const key of ['dir', 'base'] as const) {
    it(`${key}: every group as a Map built up front gives it, by scan and then from the index`, () => {
      const set = new Set(PATHS);
      const want = upFront(key, PATHS);
      const idx = pathsBy(key, set);
      expect(keys[key].length).toBeGreaterThan(SCANNED_GETS); // the look-ups past SCANNED_GETS use the index
      for (const k of keys[key]) expect(idx.get(k), `${key} ${JSON.stringify(k)}`).toEqual(want.get(k));
      // Iterating gives the whole index, in the Map's order of groups.
      expect([...pathsBy(key, set)]).toEqual([...want]);
    });
  }

  it('a group is the same array from its first look-up on, before and after the index is built', () => {
    const set = new Set(PATHS);
    const idx = pathsBy('dir', set);
    const first = idx.get('a')!;
    first.sort((x, y) => (x < y ? 1 : -1)); // a caller sorting in place sorts it for the next caller, as with a Map
    expect(idx.get('a')).toBe(first);
    for (let i = 0; i < SCANNED_GETS; i++) idx.get(`k${i}`);
    expect(idx.get('a')).toBe(first);
    expect(idx.get('a')).toEqual(['a/c.h', 'a/b', 'a/']);
    expect(idx.get('a/b')).toEqual(['a/b/c.h', 'a/b/README']);
    expect(pathsBy('dir', set)).toBe(idx); // one per path set
  });

  it('a directory with a name that begins another is not its group (ab/, aa/ are not a/)', () => {
    const idx = pathsBy('dir', new Set(['ab/c', 'a/c', 'a', 'ac', 'a/d/e']));
    expect(idx.get('a')).toEqual(['a/c']);
    expect(idx.get('')).toEqual(['a', 'ac']);
    expect(pathsBy('base', new Set(['xc', 'y/c', 'c', 'y/bc'])).get('c')).toEqual(['y/c', 'c']);
  });
});
