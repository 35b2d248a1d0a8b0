/**
 * Characters that do not show as themselves. One definition for the comparer, the confusable-name
 * skeleton, the anomaly findings and the renderers:
 *
 * - INVISIBLE_CHARS: zero-width spaces and joiners, soft hyphen, bidi embeddings/overrides/isolates,
 *   variation selectors, Hangul fillers, BOM, specials. In a file name they hide a second name behind a
 *   familiar one (INVISIBLE_CHARACTER).
 * - CONTROL_CHARS: C0 controls, DEL, C1 controls and the line/paragraph separators. In a name they move
 *   the cursor, clear the screen, end a Markdown table row (CONTROL_CHARACTER).
 * - NON_PRINTING: both, plus every other format (Cf), surrogate (Cs) and unassigned (Cn) code point: what
 *   a report escapes in anything that came from its input.
 */
export const INVISIBLE_CHARS =
  /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF0-\uFFF8]/g;

export const CONTROL_CHARS = /[\p{Cc}\u2028\u2029]/gu;

const NON_PRINTING = new RegExp(`${INVISIBLE_CHARS.source}|[\\p{Cc}\\p{Cf}\\p{Cs}\\p{Cn}\\p{Zl}\\p{Zp}]`, 'gu');

/** A code point as U+XXXX. */
const uPlus = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** The distinct invisible characters in a name, as U+XXXX, in order of first appearance. */
export function invisibleCodepoints(name: string): string[] {
  return [...new Set(name.match(INVISIBLE_CHARS) ?? [])].map(uPlus);
}

/** The distinct control characters in a name, as U+XXXX, in order of first appearance. */
export function controlCodepoints(name: string): string[] {
  return [...new Set(name.match(CONTROL_CHARS) ?? [])].map(uPlus);
}

/**
 * `s` with every non-printing code point written as a visible escape: `\x1b` up to U+00FF, `\u202e` in the
 * BMP, `\u{e0001}` beyond. What is left prints as itself: no cursor movement, no line break, no hidden text.
 */
export function escapeNonPrinting(s: string): string {
  return s.replace(NON_PRINTING, (c) => {
    const n = c.codePointAt(0)!;
    const hex = n.toString(16);
    return n <= 0xff ? `\\x${hex.padStart(2, '0')}` : n <= 0xffff ? `\\u${hex.padStart(4, '0')}` : `\\u{${hex}}`;
  });
}
