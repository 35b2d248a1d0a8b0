/**
 * The escaping every report applies to text that came from the input (mutation testing of
 * src/compare/invisible.ts and mdText in src/render/markdown.ts): which code points are escaped, in which
 * notation at each boundary (\xNN up to U+00FF, \uNNNN up to U+FFFF, \u{…} beyond), and Markdown's
 * character references. Exact strings only.
 */
import { describe, expect, it } from 'vitest';
import { CONTROL_CHARS, controlCodepoints, escapeNonPrinting, invisibleCodepoints } from '../../src/compare/invisible.js';
import { mdText } from '../../src/render/markdown.js';

describe('escapeNonPrinting', () => {
  it.each([
    ['\u0000', '\\x00'],
    ['\t', '\\x09'],
    ['\n', '\\x0a'],
    ['\r', '\\x0d'],
    ['\u001b', '\\x1b'],
    ['\u007f', '\\x7f'],
    ['\u0085', '\\x85'],
    ['\u009f', '\\x9f'],
    ['\u00ad', '\\xad'],
    ['\u034f', '\\u034f'],
    ['\u0378', '\\u0378'],
    ['\u061c', '\\u061c'],
    ['\u200b', '\\u200b'],
    ['\u200e', '\\u200e'],
    ['\u2028', '\\u2028'],
    ['\u2029', '\\u2029'],
    ['\u202e', '\\u202e'],
    ['\u2066', '\\u2066'],
    ['\u3164', '\\u3164'],
    ['\ufe0f', '\\ufe0f'],
    ['\ufeff', '\\ufeff'],
    ['\uffa0', '\\uffa0'],
    ['\ufff9', '\\ufff9'],
    ['\uffff', '\\uffff'],
    ['\ud800', '\\ud800'],
    ['\udfff', '\\udfff'],
    ['\u{e0001}', '\\u{e0001}'],
    ['\u{10ffff}', '\\u{10ffff}'],
  ])('%j → %s', (c, escaped) => {
    expect(escapeNonPrinting(`a${c}b`)).toBe(`a${escaped}b`);
  });
  it('printable text passes unchanged, including non-ASCII letters, symbols and astral characters', () => {
    const s = 'plain ASCII ~!@#$%^&*()_+{}|:"<>? caf\u00e9 \u00ff \u0100 \u4e2d\u6587 \u{1f600} \u{10000} \u00a0';
    expect(escapeNonPrinting(s)).toBe(s);
  });
  it('every occurrence, each in its own notation', () => {
    expect(escapeNonPrinting('\u001b[31mred\u001b[0m\u202e\u{e007f}')).toBe('\\x1b[31mred\\x1b[0m\\u202e\\u{e007f}');
  });
});

describe('controlCodepoints and invisibleCodepoints', () => {
  it('C0, DEL, C1 and the line/paragraph separators are control characters; format characters are not', () => {
    expect(controlCodepoints('a\u0000\u001b\u007f\u0080\u009f\u2028\u2029\u001bz')).toEqual(['U+0000', 'U+001B', 'U+007F', 'U+0080', 'U+009F', 'U+2028', 'U+2029']);
    expect(controlCodepoints('a\u200b\u00ad\u00a0\u0020b')).toEqual([]);
    expect('x\u0085y\u2029'.replace(CONTROL_CHARS, '')).toBe('xy');
  });
  it('invisible characters are not control characters', () => {
    expect(invisibleCodepoints('a\u0001\u200b')).toEqual(['U+200B']);
  });
});

describe('mdText', () => {
  it('each Markdown-active character becomes a character reference', () => {
    expect(mdText('\\`*_[]<>&|~')).toBe('&#92;&#96;&#42;&#95;&#91;&#93;&#60;&#62;&#38;&#124;&#126;');
  });
  it('non-printing characters are escaped first, then the backslash of the escape is made inert', () => {
    expect(mdText('a\nb|c')).toBe('a&#92;x0ab&#124;c');
    expect(mdText('\u202e')).toBe('&#92;u202e');
  });
  it('everything else passes: letters, digits, punctuation Markdown does not act on', () => {
    const s = 'abc XYZ 019 .,;:!?"\'()-+=/#@$%^{} caf\u00e9';
    expect(mdText(s)).toBe(s);
  });
});
