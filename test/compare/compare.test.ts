import { describe, expect, it } from 'vitest';
import { compareTrees, detectPrefix, nameCollisions } from '../../src/compare/compare.js';
import { contentDiff, isBinary } from '../../src/compare/content-diff.js';
import type { ArchiveScan, GitTree, TreeEntry } from '../../src/core/types.js';

const file = (path: string, oid: string, executable = false): TreeEntry => ({ path, type: 'file', executable, size: oid.length, oid });
const dir = (path: string): TreeEntry => ({ path, type: 'directory', executable: false, size: 0 });

function scan(entries: TreeEntry[], anomalies: ArchiveScan['anomalies'] = []): ArchiveScan {
  return {
    container: 'tar',
    compression: 'none',
    decoder: 'none',
    entries,
    anomalies,
    uncompressedBytes: 0,
    content: { get: () => undefined, skipped: new Set() },
  };
}
function git(entries: TreeEntry[], exportIgnored: string[] = []): GitTree {
  return { algo: 'sha1', commit: 'c'.repeat(40), entries: new Map(entries.map((e) => [e.path, e])), exportIgnored: new Set(exportIgnored), converted: new Map() };
}

describe('detectPrefix', () => {
  it('finds the single top-level directory', () => {
    expect(detectPrefix([dir('p-1'), file('p-1/a', '1'), file('p-1/b/c', '2')])).toBe('p-1');
  });
  it('no prefix when a file sits at the top', () => {
    expect(detectPrefix([file('a', '1'), file('b/c', '2')])).toBe('');
  });
  it('no prefix when there are two top-level directories', () => {
    expect(detectPrefix([file('a/x', '1'), file('b/y', '2')])).toBe('');
  });
  it('keeps a top directory that is part of the git tree', () => {
    const g = git([file('src/a', '1'), file('src/b', '2')]);
    expect(detectPrefix([file('src/a', '1'), file('src/b', '2')], g)).toBe('');
  });
});

describe('compareTrees', () => {
  it('reports identical, tarball-only, git-only, content, mode, copy', () => {
    const s = scan([dir('p'), file('p/same', 'a1'), file('p/changed', 'b2'), file('p/mode', 'c3', true), file('p/new', 'd4'), file('p/Makefile', 'a1')]);
    const g = git([file('same', 'a1'), file('changed', 'b1'), file('mode', 'c3'), file('gone', 'e5')]);
    const r = compareTrees(s, g);
    expect(r.prefix).toBe('p');
    expect(r.identical).toBe(1);
    expect(r.diffs.map((d) => [d.path, d.status, d.changes ?? d.copyOf ?? null])).toEqual([
      ['Makefile', 'tarball-only', 'same'],
      ['changed', 'changed', ['content']],
      ['gone', 'git-only', null],
      ['mode', 'changed', ['mode']],
      ['new', 'tarball-only', null],
    ]);
  });

  it('compares the last of duplicated entries and passes the duplicate on', () => {
    const s = scan([file('p/a', 'old'), file('p/a', 'new')], [{ code: 'DUPLICATE_ENTRY', path: 'p/a', evidence: { count: 2, types: ['file', 'file'], sameContent: false } }]);
    const r = compareTrees(s, git([file('a', 'old')]));
    expect(r.diffs).toHaveLength(1);
    expect(r.diffs[0]).toMatchObject({ path: 'a', status: 'changed', changes: ['content'] });
    expect(r.anomalies).toEqual([{ code: 'DUPLICATE_ENTRY', path: 'a', evidence: { count: 2, types: ['file', 'file'], sameContent: false } }]);
  });

  it('export-ignored paths missing from the tarball are their own status', () => {
    const r = compareTrees(scan([file('a', '1')]), git([file('a', '1')], ['.github/ci.yml']));
    expect(r.diffs).toEqual([{ path: '.github/ci.yml', status: 'export-ignored' }]);
  });

  it('a submodule collects the files under it instead of listing them as tarball-only', () => {
    const sub: TreeEntry = { path: 'vendor/lib', type: 'submodule', executable: false, size: 0, oid: 'f'.repeat(40) };
    const r = compareTrees(scan([file('vendor/lib/x.c', '9'), file('vendor/lib/y.c', '8'), file('a', '1')]), git([sub, file('a', '1')]));
    expect(r.diffs).toHaveLength(1);
    expect(r.diffs[0]).toMatchObject({ path: 'vendor/lib', status: 'submodule', tarball: { size: 2 } });
  });

  it('type and symlink-target changes', () => {
    const link = (p: string, t: string, oid: string): TreeEntry => ({ path: p, type: 'symlink', executable: false, size: 0, linkTarget: t, oid });
    const r = compareTrees(scan([link('l', 'x', 'o1'), file('m', 'o2')]), git([link('l', 'y', 'o3'), link('m', 'z', 'o4')]));
    expect(r.diffs.map((d) => [d.path, d.changes])).toEqual([
      ['l', ['link-target']],
      ['m', ['type']],
    ]);
  });

  it('hard links compare through their target', () => {
    const hl: TreeEntry = { path: 'p/b', type: 'hardlink', executable: false, size: 0, linkTarget: 'p/a' };
    const r = compareTrees(scan([dir('p'), file('p/a', 'x1'), hl]), git([file('a', 'x1'), file('b', 'x1')]));
    expect(r.identical).toBe(2);
    expect(r.diffs).toEqual([]);
  });
});

describe('nameCollisions', () => {
  it('case, NFC/NFD and invisible characters', () => {
    const out = nameCollisions(['README', 'readme', 'caf\u00e9', 'cafe\u0301', 'a\u200bb']);
    // Paths are visited in byte order; the later twin is the one reported, naming the earlier one.
    expect(out.map((a) => [a.code, a.path, a.evidence])).toEqual([
      ['INVISIBLE_CHARACTER', 'a\u200bb', { codepoints: ['U+200B'] }],
      ['UNICODE_COLLISION', 'caf\u00e9', { other: 'cafe\u0301', form: 'NFC/NFD' }],
      ['CASE_COLLISION', 'readme', { other: 'README' }],
    ]);
  });
  it('plain distinct names collide with nothing', () => {
    expect(nameCollisions(['a', 'b', 'c/d'])).toEqual([]);
  });
});

describe('contentDiff', () => {
  it('text diff with counts', () => {
    const d = contentDiff('f', Buffer.from('a\nb\n'), Buffer.from('a\nc\n'), {});
    expect(d).toMatchObject({ kind: 'text', added: 1, removed: 1, truncated: false });
    expect(d.unified).toContain('-b\n+c');
  });
  it('binary when either side has a NUL', () => {
    expect(isBinary(Buffer.from([1, 0, 2]))).toBe(true);
    expect(contentDiff('f', Buffer.from([0]), Buffer.from('x'), {}).kind).toBe('binary');
  });
  it('bounded', () => {
    const big = Array.from({ length: 5000 }, (_, i) => `line ${i}`).join('\n');
    const d = contentDiff('f', Buffer.from(''), Buffer.from(big), {}, { maxBytes: 1000 });
    expect(d.truncated).toBe(true);
    expect(d.unified!.length).toBeLessThanOrEqual(1000);
  });
});
