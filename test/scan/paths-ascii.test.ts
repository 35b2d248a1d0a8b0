/**
 * normaliseEntryName reads a plain ASCII name without a backslash (nearly every name) with one byte loop and
 * latin1, skipping isUtf8 and the backslash search. Checked against the text form of the same name (which
 * takes neither shortcut) and the Buffer form against a plain Uint8Array, on generated names full of the bytes
 * that matter: '/', '.', '\\', high bytes, NUL.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseEntryName } from '../../src/scan/paths.js';

const nameBytes = fc.array(fc.oneof(fc.constantFrom(0x2f, 0x2e, 0x5c, 0x61, 0x00, 0x7f, 0x80, 0xc3, 0xa9, 0xff), fc.integer({ min: 0, max: 255 })), { maxLength: 24 });

describe('normaliseEntryName on raw bytes', () => {
  it('gives an ASCII name exactly what its text gives (backslashes, dot components, NUL included)', () => {
    fc.assert(
      fc.property(nameBytes, (a) => {
        const ascii = Uint8Array.from(a.map((c) => c & 0x7f));
        expect(normaliseEntryName(Buffer.from(ascii))).toEqual(normaliseEntryName(Buffer.from(ascii).toString('latin1')));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives a Buffer and a plain Uint8Array of the same bytes the same result, ASCII or not', () => {
    fc.assert(
      fc.property(nameBytes, (a) => {
        const u = Uint8Array.from(a);
        expect(normaliseEntryName(Buffer.from(u))).toEqual(normaliseEntryName(u));
      }),
      { numRuns: 2000 },
    );
  });

  it('still reports a backslash in an ASCII name and escapes bytes that are not UTF-8', () => {
    expect(normaliseEntryName(Buffer.from('a\\b/c', 'latin1')).issues.map((i) => i.code)).toEqual(['BACKSLASH_PATH']);
    expect(normaliseEntryName(Buffer.from([0x61, 0xff, 0x5c]))).toEqual({
      path: 'a\\xff\\',
      rawPath: 'a\\xff\\',
      issues: [
        { code: 'NON_UTF8_NAME', evidence: { raw: 'a\\xff\\' } },
        { code: 'BACKSLASH_PATH', evidence: { raw: 'a\\xff\\' } },
      ],
    });
  });
});
