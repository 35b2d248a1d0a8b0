/**
 * The compact path structures explain and compare use instead of per-path Maps and Sets
 * (src/util/path-set.ts), and nameCollisions without a fold per name: same answers as before.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KeySet, PathIndex, SortedPathSet, sortedIndexOf } from '../../src/util/path-set.js';
import { nameCollisions } from '../../src/compare/compare.js';

const pathArb = fc.array(fc.constantFrom('a', 'b', 'B', 'é', '/', '.', '0', '\u{1F600}'), { maxLength: 8 }).map((cs) => cs.join(''));

describe('PathIndex', () => {
  it('finds the last element with each key, and nothing else, like a Map', () => {
    fc.assert(
      fc.property(fc.array(pathArb, { maxLength: 200 }), fc.array(pathArb, { maxLength: 50 }), (keys, probes) => {
        const list = keys.map((k, i) => ({ k, i }));
        const idx = new PathIndex(list, (x) => x.k);
        const map = new Map(list.map((x) => [x.k, x]));
        for (const p of [...keys, ...probes]) expect(idx.get(p)).toBe(map.get(p));
      }),
    );
  });
});

describe('SortedPathSet', () => {
  it('answers has/size/iteration like a Set of the same paths (iteration in byte order), built once on first use', () => {
    fc.assert(
      fc.property(fc.array(pathArb, { maxLength: 200 }), fc.array(pathArb, { maxLength: 50 }), (paths, probes) => {
        let builds = 0;
        const s = new SortedPathSet(() => {
          builds++;
          return [...paths];
        });
        expect(builds).toBe(0);
        const set = new Set(paths);
        for (const p of [...paths, ...probes]) expect(s.has(p)).toBe(set.has(p));
        expect(s.size).toBe(set.size);
        expect([...s]).toEqual([...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
        expect(builds).toBe(1);
      }),
    );
  });
  it('sortedIndexOf: the position in a sorted list, -1 when absent', () => {
    const list = ['a', 'a/b', 'b', 'c'];
    expect(list.map((p) => sortedIndexOf(list, p, (x) => x))).toEqual([0, 1, 2, 3]);
    expect(sortedIndexOf(list, 'a/', (x) => x)).toBe(-1);
    expect(sortedIndexOf([], 'a', (x: string) => x)).toBe(-1);
  });
});

describe('KeySet', () => {
  it('is the keys of its map, in the map\'s order, live', () => {
    const m = new Map([
      ['z', 1],
      ['a', 2],
    ]);
    const s = new KeySet(m);
    expect([...s]).toEqual(['z', 'a']);
    expect(s.has('a') && !s.has('b')).toBe(true);
    m.set('b', 3);
    expect(s.size).toBe(3);
    expect([...s.entries()]).toEqual([
      ['z', 'z'],
      ['a', 'a'],
      ['b', 'b'],
    ]);
    const seen: string[] = [];
    s.forEach((v) => seen.push(v));
    expect(seen).toEqual(['z', 'a', 'b']);
  });
});

describe('nameCollisions without a per-name fold map', () => {
  // The former algorithm (every name's fold counted), as the reference.
  const NON_ASCII = /[^\x00-\x7f]/;
  const UNUSUAL = /[^\x20-\x7e]/;
  function reference(paths: string[]): ReturnType<typeof nameCollisions> {
    const foldOf = (p: string) => (NON_ASCII.test(p) ? p.normalize('NFC').toLowerCase() : p.toLowerCase());
    const folds = new Map<string, number>();
    for (const p of paths) folds.set(foldOf(p), (folds.get(foldOf(p)) ?? 0) + 1);
    const candidates = paths.filter((p) => UNUSUAL.test(p) || folds.get(foldOf(p))! > 1);
    const out: ReturnType<typeof nameCollisions> = [];
    const byFold = new Map<string, string>();
    const byNfc = new Map<string, string>();
    for (const p of candidates.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      const nfc = p.normalize('NFC');
      const prevNfc = byNfc.get(nfc);
      if (prevNfc !== undefined && prevNfc !== p) out.push({ code: 'UNICODE_COLLISION', path: p, evidence: { other: prevNfc, form: 'NFC/NFD' } });
      else {
        byNfc.set(nfc, p);
        const fold = nfc.toLowerCase();
        const prev = byFold.get(fold);
        if (prev !== undefined && prev !== p) out.push({ code: 'CASE_COLLISION', path: p, evidence: { other: prev } });
        else byFold.set(fold, p);
      }
      // invisible and control characters: the same calls as nameCollisions makes, on the same candidates
      for (const a of nameCollisions([p])) out.push(a);
    }
    return out;
  }
  it('reports what the former algorithm reported', () => {
    const name = fc.array(fc.constantFrom('a', 'A', 'k', 'K', '\u212a', '\u00e9', 'e\u0301', '\u00c9', '/', '\u200b', '\x01', 'z'), { minLength: 1, maxLength: 4 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 30 }), (paths) => {
        expect(nameCollisions(paths)).toEqual(reference(paths));
      }),
      { numRuns: 500 },
    );
  });
});
