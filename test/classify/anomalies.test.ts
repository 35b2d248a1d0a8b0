import { describe, expect, it } from 'vitest';
import { anomalyFindings } from '../../src/classify/anomalies.js';
import { ALL_CODES } from '../../src/core/codes.js';
import type { AnomalyKind, ArchiveAnomaly } from '../../src/core/types.js';

describe('anomalyFindings', () => {
  it('maps every anomaly kind to its code with evidence from the detail', () => {
    const a: ArchiveAnomaly[] = [
      { kind: 'duplicate-path', path: 'a', detail: { count: 3, types: 'file,symlink', sameContent: false } },
      { kind: 'absolute-path', path: 'etc/passwd', detail: { raw: '/etc/passwd' } },
      { kind: 'dotdot-path', path: '../x', detail: { raw: '../x' } },
      { kind: 'hardlink', path: 'h', detail: { target: 'a' } },
      { kind: 'special-file', path: 'dev', detail: { type: 'fifo' } },
      { kind: 'non-utf8-name', path: 'n', detail: { raw: 'n\\xff' } },
      { kind: 'link-escapes-tree', path: 'l', detail: { target: '../../etc', link: 'hardlink' } },
      { kind: 'file-dir-conflict', path: 'f', detail: { other: 'f/x' } },
      { kind: 'case-collision', path: 'README', detail: { other: 'readme' } },
      { kind: 'unicode-collision', path: 'é', detail: { other: 'é' } },
      { kind: 'confusable-name', path: 'cоnfigure', detail: { lookalike: 'configure' } },
      { kind: 'invisible-character', path: 'a\u200bb' },
      { kind: 'sparse-file', path: 's', detail: { size: 4096 } },
      { kind: 'size-mismatch', path: 'm', detail: { declared: 10, actual: 4 } },
      { kind: 'trailing-data', path: '', detail: { bytes: 512, offset: 1024 } },
      { kind: 'backslash-path', path: 'a\\b', detail: { raw: 'a\\b' } },
    ];
    const f = anomalyFindings(a);
    expect(f.map((x) => [x.code, x.severity, x.evidence])).toEqual([
      ['DUPLICATE_ENTRY', 'high', { count: 3, types: ['file', 'symlink'], sameContent: false }],
      ['UNSAFE_PATH', 'critical', { raw: '/etc/passwd', reason: 'absolute' }],
      ['UNSAFE_PATH', 'critical', { raw: '../x', reason: 'dotdot' }],
      ['HARDLINK_ENTRY', 'low', { target: 'a' }],
      ['SPECIAL_FILE', 'high', { type: 'fifo' }],
      ['NON_UTF8_NAME', 'medium', { raw: 'n\\xff' }],
      ['LINK_ESCAPES_TREE', 'high', { target: '../../etc', link: 'hardlink' }],
      ['FILE_DIR_CONFLICT', 'high', { other: 'f/x' }],
      ['CASE_COLLISION', 'medium', { other: 'readme' }],
      ['UNICODE_COLLISION', 'high', { other: 'é', form: 'NFC/NFD' }],
      ['CONFUSABLE_NAME', 'high', { lookalike: 'configure' }],
      ['INVISIBLE_CHARACTER', 'high', { codepoints: ['U+200B'] }],
      ['SPARSE_FILE', 'medium', { size: 4096 }],
      ['SIZE_MISMATCH', 'high', { declared: 10, actual: 4 }],
      ['TRAILING_DATA', 'medium', { bytes: 512 }],
      ['BACKSLASH_PATH', 'medium', { raw: 'a\\b' }],
    ]);
    expect(f.every((x) => ALL_CODES.includes(x.code))).toBe(true);
    // Every kind is covered by this test.
    const kinds = new Set<AnomalyKind>(a.map((x) => x.kind));
    expect(kinds.size).toBe(16);
  });

  it('falls back to the path and safe defaults when the detail is thin', () => {
    const [dup, abs, inv] = anomalyFindings([
      { kind: 'duplicate-path', path: 'a', detail: { count: 2 } },
      { kind: 'absolute-path', path: '/x' },
      { kind: 'invisible-character', path: 'x', detail: { codepoints: 'U+200B,U+202E' } },
    ]);
    expect(dup!.evidence).toEqual({ count: 2, types: [], sameContent: false });
    expect(abs!.evidence).toEqual({ raw: '/x', reason: 'absolute' });
    expect(inv!.evidence).toEqual({ codepoints: ['U+200B', 'U+202E'] });
  });
});
