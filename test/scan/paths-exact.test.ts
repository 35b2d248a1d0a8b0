/**
 * Entry-name normalisation at its edges (mutation testing of src/scan/paths.ts): every UTF-8 boundary
 * (overlong forms, surrogates, the last code point, truncated sequences at the very end), bytes taken from
 * the middle of a larger buffer, the order of reported issues, link targets that end exactly at the root.
 */
import { describe, expect, it } from 'vitest';
import { commonTopDir, decodeNameBytes, isValidUtf8, linkEscapesTree, normaliseEntryName, type PathIssue } from '../../src/scan/paths.js';

/** An issue's code, with the reason for UNSAFE_PATH. */
const issueName = (i: PathIssue) => (i.code === 'UNSAFE_PATH' ? `UNSAFE_PATH ${i.evidence.reason}` : i.code);

const B = (...bytes: number[]) => Buffer.from(bytes);

describe('UTF-8 validity, boundary by boundary', () => {
  const valid: Array<[string, number[]]> = [
    ['ASCII', [0x00, 0x41, 0x7f]],
    ['U+0080 (smallest 2-byte)', [0xc2, 0x80]],
    ['U+07FF (largest 2-byte)', [0xdf, 0xbf]],
    ['U+0800 (smallest 3-byte)', [0xe0, 0xa0, 0x80]],
    ['U+D7FF (below the surrogates)', [0xed, 0x9f, 0xbf]],
    ['U+E000 (above the surrogates)', [0xee, 0x80, 0x80]],
    ['U+FFFF', [0xef, 0xbf, 0xbf]],
    ['U+10000 (smallest 4-byte)', [0xf0, 0x90, 0x80, 0x80]],
    ['U+10FFFF (the last code point)', [0xf4, 0x8f, 0xbf, 0xbf]],
  ];
  const invalid: Array<[string, number[]]> = [
    ['a lone continuation byte 0x80', [0x80]],
    ['a lone continuation byte 0xbf', [0xbf]],
    ['overlong 2-byte 0xc0', [0xc0, 0x80]],
    ['overlong 2-byte 0xc1', [0xc1, 0xbf]],
    // Lead bytes outside each range, followed by what would be a valid tail of a longer sequence.
    ['0xc1 followed by a 3-byte tail', [0xc1, 0xbf, 0xbf]],
    ['a continuation byte followed by a 4-byte tail', [0x80, 0x90, 0x80, 0x80]],
    ['0xc0 followed by a 4-byte tail', [0xc0, 0x90, 0x80, 0x80]],
    ['0xf8 followed by a 4-byte tail', [0xf8, 0x90, 0x80, 0x80]],
    ['0xff followed by a 3-byte tail', [0xff, 0xa0, 0x80]],
    ['overlong 3-byte', [0xe0, 0x9f, 0xbf]],
    ['overlong 4-byte', [0xf0, 0x8f, 0xbf, 0xbf]],
    ['U+D800', [0xed, 0xa0, 0x80]],
    ['U+DFFF', [0xed, 0xbf, 0xbf]],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['lead byte 0xf5', [0xf5, 0x80, 0x80, 0x80]],
    ['lead byte 0xf8', [0xf8, 0x88, 0x80, 0x80, 0x80]],
    ['lead byte 0xff', [0xff]],
    ['2-byte cut off at the end', [0x41, 0xc3]],
    ['3-byte cut off at the end', [0xe2, 0x82]],
    ['4-byte cut off at the end', [0xf0, 0x90, 0x80]],
    ['continuation replaced by ASCII', [0xc3, 0x28]],
    ['continuation replaced by a lead byte', [0xc3, 0xc3, 0xa9]],
    ['third byte not a continuation', [0xe2, 0x82, 0x41]],
    ['fourth byte not a continuation', [0xf0, 0x90, 0x80, 0xc0]],
  ];
  it.each(valid)('%s is valid, also at the very end and after an invalid byte', (_, bytes) => {
    expect(isValidUtf8(B(...bytes))).toBe(true);
    expect(isValidUtf8(B(0x61, ...bytes))).toBe(true);
    // Through the byte-wise decoder (an invalid byte first), the sequence decodes to its character.
    const text = Buffer.from(bytes).toString('utf8');
    expect(decodeNameBytes(B(0xff, ...bytes))).toEqual({ text: `\\xff${text}`, valid: false });
  });
  it.each(invalid)('%s is invalid', (_, bytes) => {
    expect(isValidUtf8(B(...bytes))).toBe(false);
    expect(decodeNameBytes(B(...bytes)).valid).toBe(false);
  });
  it('each invalid byte is escaped alone; what follows is decoded again', () => {
    expect(decodeNameBytes(B(0xc0, 0x80, 0x41)).text).toBe('\\xc0\\x80A');
    expect(decodeNameBytes(B(0xe2, 0x82, 0x41)).text).toBe('\\xe2\\x82A');
    expect(decodeNameBytes(B(0xc3, 0xc3, 0xa9)).text).toBe('\\xc3\u00e9');
    expect(decodeNameBytes(B(0xf4, 0x90, 0x80, 0x80)).text).toBe('\\xf4\\x90\\x80\\x80');
    expect(decodeNameBytes(B(0x41, 0xff, 0x42, 0xfe)).text).toBe('A\\xffB\\xfe');
    expect(decodeNameBytes(B()).text).toBe('');
  });
  it('bytes in the middle of a larger buffer are read from their own offset', () => {
    const big = Buffer.from('XXXXa\u00e9b\u00ffYYYY', 'latin1');
    expect(decodeNameBytes(big.subarray(4, 8))).toEqual({ text: 'a\\xe9b\\xff', valid: false });
    const utf8 = Buffer.concat([Buffer.from('XXXX'), Buffer.from('a\u00e9b'), Buffer.from('YYYY')]);
    expect(decodeNameBytes(utf8.subarray(4, 8))).toEqual({ text: 'a\u00e9b', valid: true });
    expect(normaliseEntryName(utf8.subarray(4, 8)).path).toBe('a\u00e9b');
  });
});

describe('normaliseEntryName', () => {
  it('reports issues in a fixed order: non-UTF-8, backslash, absolute, dot-dot; all name the raw text', () => {
    const raw = Buffer.concat([Buffer.from('/a\\b/../'), B(0xff)]);
    const n = normaliseEntryName(raw);
    const text = '/a\\b/../\\xff';
    expect(n).toEqual({
      path: 'a\\b/../\\xff',
      rawPath: text,
      issues: [
        { code: 'NON_UTF8_NAME', evidence: { raw: text } },
        { code: 'BACKSLASH_PATH', evidence: { raw: text } },
        { code: 'UNSAFE_PATH', evidence: { raw: text, reason: 'absolute' } },
        { code: 'UNSAFE_PATH', evidence: { raw: text, reason: 'dotdot' } },
      ],
    });
  });
  it('a clean name has no rawPath and no issues, whatever cosmetic noise it had', () => {
    expect(normaliseEntryName('./a//b/./c/')).toEqual({ path: 'a/b/c', issues: [] });
    expect(normaliseEntryName(Buffer.from('./a//b/./c/'))).toEqual({ path: 'a/b/c', issues: [] });
    expect(normaliseEntryName('.')).toEqual({ path: '', issues: [] });
    expect(normaliseEntryName('')).toEqual({ path: '', issues: [] });
  });
  it('".." only as a whole component; a backslash only as the byte 0x5c', () => {
    expect(normaliseEntryName('..a/b..').issues).toEqual([]);
    expect(normaliseEntryName('a/..').issues.map(issueName)).toEqual(['UNSAFE_PATH dotdot']);
    expect(normaliseEntryName(B(0xc5, 0x5c)).issues.map(issueName)).toEqual(['NON_UTF8_NAME', 'BACKSLASH_PATH']);
    expect(normaliseEntryName('a/b\\').issues.map(issueName)).toEqual(['BACKSLASH_PATH']);
  });
});

describe('linkEscapesTree', () => {
  it.each([
    // target resolving to the root itself or exactly one level below it stays inside
    ['p/a', '.', 'symlink', 'p', false],
    ['p/a', './b/../c', 'symlink', 'p', false],
    ['p/s/a', '..', 'symlink', 'p', false],
    ['a', '../x', 'symlink', '', true],
    ['a', 'x/../../y', 'symlink', '', true],
    ['p/q/a', '../x', 'symlink', 'p/q', true],
    ['p/q/s/a', '../x', 'symlink', 'p/q', false],
    ['p/a', 'p', 'hardlink', 'p', false],
    ['p/a', 'p/x/../../q', 'hardlink', 'p', true],
    ['p/a', '/p/b', 'hardlink', 'p', true],
    ['x/y/z', 'b', 'hardlink', '', false],
    ['x/y/z', '..', 'hardlink', '', true],
  ] as const)('%s -> %s (%s, root %j) escapes: %s', (path, target, kind, root, escapes) => {
    expect(linkEscapesTree(path, target, kind, root)).toBe(escapes);
  });
  it('the root defaults to the archive root', () => {
    expect(linkEscapesTree('p/a', '../x', 'symlink')).toBe(false);
    expect(linkEscapesTree('p/a', '../../x', 'symlink')).toBe(true);
  });
});

describe('commonTopDir', () => {
  it.each([
    [['p/a', 'p/b/c'], 'p'],
    [['p', 'p/a'], 'p'],
    [['p'], 'p'],
    [['', 'p/a', ''], 'p'],
    [['p/a', 'q/a'], ''],
    [['p/a', 'pq/a'], ''],
    [['a', 'b'], ''],
    [[], ''],
    [[''], ''],
  ])('%j → %j', (paths, top) => {
    expect(commonTopDir(paths)).toBe(top);
  });
});
