/**
 * tarChecksumOk sums a header as two branch-free loops (the signed sum derived from the unsigned one);
 * checked here against the definition: the sum of the 512 bytes with the checksum field read as 8 spaces,
 * bytes unsigned (POSIX) or signed (the historical variant), compared with the stored octal number.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tarChecksumOk } from '../../src/scan/format.js';

function sums(block: Uint8Array, off: number): { unsigned: number; signed: number } {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < 512; i++) {
    const c = i >= 148 && i < 156 ? 0x20 : block[off + i]!;
    unsigned += c;
    signed += c > 127 ? c - 256 : c;
  }
  return { unsigned, signed };
}

/** Writes `value` into the checksum field as GNU tar does: 6 octal digits, NUL, space. */
function store(block: Uint8Array, off: number, value: number): void {
  const digits = (value >>> 0).toString(8).padStart(6, '0').slice(-6);
  for (let i = 0; i < 6; i++) block[off + 148 + i] = digits.charCodeAt(i);
  block[off + 154] = 0;
  block[off + 155] = 0x20;
}

describe('tarChecksumOk', () => {
  it('accepts exactly the unsigned and the signed sum, at any offset', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 512, maxLength: 512 }),
        fc.nat({ max: 700 }),
        fc.constantFrom('unsigned', 'signed', 'other'),
        fc.integer({ min: 1, max: 4000 }),
        (bytes, off, which, delta) => {
          const block = new Uint8Array(off + 512 + 3);
          block.set(bytes, off);
          const s = sums(block, off);
          const value = which === 'unsigned' ? s.unsigned : which === 'signed' ? s.signed : s.unsigned + delta;
          if (value < 0 || value >= 8 ** 6) return; // not storable in 6 octal digits (a negative signed sum)
          store(block, off, value);
          const want = value === s.unsigned || value === s.signed;
          expect(tarChecksumOk(block, off)).toBe(want);
          expect(tarChecksumOk(Buffer.from(block.buffer, block.byteOffset, block.length), off)).toBe(want);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('checks a header whose name and mode bytes are above 127 (signed and unsigned sums differ)', () => {
    const block = new Uint8Array(512).fill(0xff, 0, 100);
    const s = sums(block, 0);
    expect(s.signed).not.toBe(s.unsigned);
    store(block, 0, s.signed);
    expect(tarChecksumOk(block)).toBe(true);
    store(block, 0, s.signed + 256);
    expect(tarChecksumOk(block)).toBe(false);
    block[148] = 0x39; // not an octal digit
    expect(tarChecksumOk(block)).toBe(false);
  });
});
