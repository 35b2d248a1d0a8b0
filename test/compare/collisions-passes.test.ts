/**
 * nameCollisions (src/compare/compare.ts) drops the names that cannot collide before it sorts, in two passes
 * over the names. The rule it must keep: the anomalies are those of every name, sorted, each checked against
 * the names before it (an NFC twin → UNICODE_COLLISION, else a case-fold twin → CASE_COLLISION; invisible and
 * control characters). Checked here against that rule run on every name, for random lists (duplicates
 * included) over upper/lower-case ASCII, a precomposed and a decomposed é, a zero-width space and a control
 * character.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cmp, collisionsAmong, nameCollisions } from '../../src/compare/compare.js';
import type { ArchiveAnomaly } from '../../src/core/types.js';

/** The rule run on every name: what nameCollisions must give while it passes only the candidates. */
const byRule = (names: string[]): ArchiveAnomaly[] => collisionsAmong([...names].sort(cmp));

describe('nameCollisions keeps only what can collide, with the same result as the rule on every name', () => {
  const piece = fc.constantFrom('a', 'A', 'b', 'B', '/', '\u00e9', 'e\u0301', '\u00c9', '\u200b', '\x01', '.');
  const name = fc.array(piece, { minLength: 1, maxLength: 4 }).map((xs) => xs.join(''));

  it('random name lists (fast-check, 3,000 runs)', () => {
    fc.assert(
      fc.property(fc.array(name, { maxLength: 8 }), (names) => {
        expect(nameCollisions(names)).toEqual(byRule(names));
      }),
      { numRuns: 3000, seed: 14 },
    );
  });

  it('a lower-case name met before and after its upper-case twins, and a lower-case duplicate', () => {
    const names = ['a/readme', 'a/README', 'a/Readme', 'b/x', 'b/x', 'b/X'];
    expect(nameCollisions(names)).toEqual([
      { code: 'CASE_COLLISION', path: 'a/Readme', evidence: { other: 'a/README' } },
      { code: 'CASE_COLLISION', path: 'a/readme', evidence: { other: 'a/README' } },
      // both entries of the duplicate name (compare passes each path once; the rule does not dedupe)
      { code: 'CASE_COLLISION', path: 'b/x', evidence: { other: 'b/X' } },
      { code: 'CASE_COLLISION', path: 'b/x', evidence: { other: 'b/X' } },
    ]);
    expect(nameCollisions(names)).toEqual(byRule(names));
  });
});
