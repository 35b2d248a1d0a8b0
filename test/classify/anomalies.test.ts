import { describe, expect, it } from 'vitest';
import { anomalyFindings, gitArchiveComment } from '../../src/classify/anomalies.js';
import { codeDoc } from '../../src/core/codes.js';
import type { AnomalyCode, ArchiveAnomaly } from '../../src/core/types.js';

describe('anomalyFindings', () => {
  const a: ArchiveAnomaly[] = [
    { code: 'DUPLICATE_ENTRY', path: 'a', evidence: { count: 2, types: ['file', 'file'], sameContent: true }, index: 7 },
    { code: 'UNSAFE_PATH', path: 'etc/passwd', evidence: { raw: '/etc/passwd', reason: 'absolute' } },
    { code: 'UNSAFE_PATH', path: '../x', evidence: { raw: '../x', reason: 'dotdot' } },
    { code: 'HARDLINK_ENTRY', path: 'h', evidence: { target: 'a' } },
    { code: 'SPECIAL_FILE', path: 'dev', evidence: { type: 'fifo' } },
    { code: 'NON_UTF8_NAME', path: 'n', evidence: { raw: 'n\\xff' } },
    { code: 'LINK_ESCAPES_TREE', path: 'l', evidence: { target: '../../etc', link: 'hardlink' } },
    { code: 'FILE_DIR_CONFLICT', path: 'f', evidence: { other: 'f/x' } },
    { code: 'CASE_COLLISION', path: 'README', evidence: { other: 'readme' } },
    { code: 'UNICODE_COLLISION', path: 'é', evidence: { other: 'é', form: 'NFC/NFD' } },
    { code: 'CONFUSABLE_NAME', path: 'cоnfigure', evidence: { lookalike: 'configure' } },
    { code: 'INVISIBLE_CHARACTER', path: 'a\u200bb', evidence: { codepoints: ['U+200B'] } },
    { code: 'CONTROL_CHARACTER', path: 'a\u001bb', evidence: { codepoints: ['U+001B'] } },
    { code: 'SPARSE_FILE', path: 's', evidence: { size: 4096 } },
    { code: 'SIZE_MISMATCH', path: 'm', evidence: { declared: 10, actual: 4 } },
    { code: 'TRAILING_DATA', path: '', evidence: { bytes: 512, offset: 1024 } },
    { code: 'BACKSLASH_PATH', path: 'a\\b', evidence: { raw: 'a\\b' } },
    { code: 'SPECIAL_MODE_BITS', path: 'x', evidence: { mode: '6755', bits: ['setuid', 'setgid'] } },
    { code: 'WORLD_WRITABLE', path: 'lib/', evidence: { files: 2, directories: 0, modes: ['0666'], names: ['a.c', 'b.c'], more: 0 } },
    { code: 'UNKNOWN_ENTRY_TYPE', path: 'z', evidence: { typeflag: 'Z' } },
    { code: 'MEMBERS_AFTER_END', path: '', evidence: { offset: 10240, name: 'p/README' } },
    { code: 'ZIP_HIDDEN_DATA', path: '', evidence: { bytes: 4000, regions: [{ kind: 'archive-comment', bytes: 4000, offset: 900 }] } },
  ];

  it('each anomaly becomes the finding of its code at the registry severity, its evidence as is', () => {
    const f = anomalyFindings(a);
    expect(f.map((x) => [x.code, x.path, x.severity])).toEqual([
      ['DUPLICATE_ENTRY', 'a', 'medium'],
      ['UNSAFE_PATH', 'etc/passwd', 'critical'],
      ['UNSAFE_PATH', '../x', 'critical'],
      ['HARDLINK_ENTRY', 'h', 'low'],
      ['SPECIAL_FILE', 'dev', 'high'],
      ['NON_UTF8_NAME', 'n', 'medium'],
      ['LINK_ESCAPES_TREE', 'l', 'high'],
      ['FILE_DIR_CONFLICT', 'f', 'high'],
      ['CASE_COLLISION', 'README', 'medium'],
      ['UNICODE_COLLISION', 'é', 'high'],
      ['CONFUSABLE_NAME', 'cоnfigure', 'high'],
      ['INVISIBLE_CHARACTER', 'a\u200bb', 'high'],
      ['CONTROL_CHARACTER', 'a\u001bb', 'high'],
      ['SPARSE_FILE', 's', 'medium'],
      ['SIZE_MISMATCH', 'm', 'high'],
      ['TRAILING_DATA', '', 'medium'],
      ['BACKSLASH_PATH', 'a\\b', 'medium'],
      ['SPECIAL_MODE_BITS', 'x', 'high'],
      ['WORLD_WRITABLE', 'lib/', 'medium'],
      ['UNKNOWN_ENTRY_TYPE', 'z', 'medium'],
      ['MEMBERS_AFTER_END', '', 'high'],
      ['ZIP_HIDDEN_DATA', '', 'medium'],
    ]);
    expect(f.map((x) => x.severity)).toEqual(a.map((x) => codeDoc(x.code).severity));
    // The evidence is the anomaly's own object: nothing joined, nothing parsed.
    f.forEach((x, i) => expect(x.evidence).toBe(a[i]!.evidence));
    expect(f[0]).toEqual({ code: 'DUPLICATE_ENTRY', path: 'a', severity: 'medium', evidence: { count: 2, types: ['file', 'file'], sameContent: true } });
    // Every anomaly code is covered by this test.
    expect(new Set<AnomalyCode>(a.map((x) => x.code)).size).toBe(21);
  });

  // A path listed twice with the same entry (npm's packer naming `main` again) changes nothing whichever entry an
  // extractor keeps; entries that differ make the result depend on the extractor (GNU tar keeps the last, -k the first).
  it('a duplicate path is high when its entries differ in kind, content or executable bit, medium when they are the same', () => {
    const dup = (types: Array<'file' | 'symlink'>, sameContent: boolean): ArchiveAnomaly => ({ code: 'DUPLICATE_ENTRY', path: 'd', evidence: { count: types.length, types, sameContent } });
    const [same, differs, kinds] = anomalyFindings([dup(['file', 'file'], true), dup(['file', 'file'], false), dup(['file', 'symlink'], false)]);
    expect(same).toEqual({ code: 'DUPLICATE_ENTRY', path: 'd', severity: 'medium', evidence: { count: 2, types: ['file', 'file'], sameContent: true } });
    expect(differs).toEqual({ code: 'DUPLICATE_ENTRY', path: 'd', severity: 'high', severityReason: { reason: 'duplicate-differs', default: 'medium' }, evidence: { count: 2, types: ['file', 'file'], sameContent: false } });
    expect([kinds!.severity, kinds!.severityReason?.reason]).toEqual(['high', 'duplicate-differs']);
  });

  // Red team 17: git archive --format=zip writes the commit id as the archive comment; only exactly that, alone, is its own.
  it("a zip's hidden data is git archive's own only when it is the revision's commit id as the comment, alone", () => {
    const commit = 'a'.repeat(40);
    const z = (regions: Array<{ kind: 'archive-comment' | 'trailing'; bytes: number }>, comment?: string): ArchiveAnomaly => ({ code: 'ZIP_HIDDEN_DATA', path: '', evidence: { bytes: 40, regions, ...(comment !== undefined ? { comment } : {}) } });
    expect(gitArchiveComment(z([{ kind: 'archive-comment', bytes: 40 }], commit), commit)).toBe(true);
    expect(gitArchiveComment(z([{ kind: 'archive-comment', bytes: 40 }], 'b'.repeat(40)), commit)).toBe(false);
    expect(gitArchiveComment(z([{ kind: 'archive-comment', bytes: 41 }], `${commit}x`), commit)).toBe(false);
    expect(gitArchiveComment(z([{ kind: 'archive-comment', bytes: 40 }, { kind: 'trailing', bytes: 5 }], commit), commit)).toBe(false);
    expect(gitArchiveComment({ code: 'TRAILING_DATA', path: '', evidence: { bytes: 40 } }, commit)).toBe(false);
  });

  // Red team 14: a tarball adding `src/Main.c` beside the tracked `src/main.c` — on a case-insensitive file system the
  // later entry replaces the tracked file, so what extracts is not what was compared. Git tracking both names (the
  // Linux kernel's netfilter headers) is the repository's own choice and stays medium.
  it('a case or Unicode collision git does not track on both sides is high (collision-not-in-git)', () => {
    const tracked = new Set(['src/main.c', 'include/xt_CONNMARK.h', 'include/xt_connmark.h', 'é']);
    const f = anomalyFindings(
      [
        { code: 'CASE_COLLISION', path: 'src/main.c', evidence: { other: 'src/Main.c' } },
        { code: 'CASE_COLLISION', path: 'include/xt_connmark.h', evidence: { other: 'include/xt_CONNMARK.h' } },
        { code: 'UNICODE_COLLISION', path: 'e\u0301', evidence: { other: 'é', form: 'NFC/NFD' } },
      ],
      (p) => tracked.has(p),
    );
    expect(f.map((x) => [x.path, x.severity, x.severityReason?.reason])).toEqual([
      ['src/main.c', 'high', 'collision-not-in-git'],
      ['include/xt_connmark.h', 'medium', undefined],
      ['e\u0301', 'high', undefined], // already high by default
    ]);
  });
});
