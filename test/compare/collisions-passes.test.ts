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
import { cmp, nameCollisions } from '../../src/compare/compare.js';
import { controlCodepoints, invisibleCodepoints } from '../../src/compare/invisible.js';
import { anomaly, type ArchiveAnomaly } from '../../src/core/types.js';

function byRule(names: string[]): ArchiveAnomaly[] {
  const out: ArchiveAnomaly[] = [];
  const byFold = new Map<string, string>();
  const byNfc = new Map<string, string>();
  for (const p of [...names].sort(cmp)) {
    const nfc = p.normalize('NFC');
    const prevNfc = byNfc.get(nfc);
    if (prevNfc !== undefined && prevNfc !== p) out.push(anomaly('UNICODE_COLLISION', p, { other: prevNfc, form: 'NFC/NFD' }));
    else {
      byNfc.set(nfc, p);
      const fold = nfc.toLowerCase();
      const prev = byFold.get(fold);
      if (prev !== undefined && prev !== p) out.push(anomaly('CASE_COLLISION', p, { other: prev }));
      else byFold.set(fold, p);
    }
    const inv = invisibleCodepoints(p);
    if (inv.length > 0) out.push(anomaly('INVISIBLE_CHARACTER', p, { codepoints: inv }));
    const ctl = controlCodepoints(p);
    if (ctl.length > 0) out.push(anomaly('CONTROL_CHARACTER', p, { codepoints: ctl }));
  }
  return out;
}

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
