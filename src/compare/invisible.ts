/**
 * Invisible and bidirectional-control characters: zero-width spaces and joiners, soft hyphen, bidi
 * embeddings/overrides/isolates, variation selectors, Hangul fillers, BOM, specials. In a file name
 * they hide a second name behind a familiar one. One definition for the comparer, the confusable-name
 * skeleton and the anomaly findings.
 */
export const INVISIBLE_CHARS =
  /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF0-\uFFF8]/g;

/** The distinct invisible characters in a name, as U+XXXX, in order of first appearance. */
export function invisibleCodepoints(name: string): string[] {
  return [...new Set(name.match(INVISIBLE_CHARS) ?? [])].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
}
