import { describe, expect, it } from 'vitest';
import { commonTopDir, decodeNameBytes, isValidUtf8, linkEscapesTree, normaliseEntryName, type PathIssue } from '../../src/scan/paths.js';

/** An issue's code, with the reason for UNSAFE_PATH. */
const issueName = (i: PathIssue) => (i.code === 'UNSAFE_PATH' ? `UNSAFE_PATH ${i.evidence.reason}` : i.code);
import { blobId, createBlobHasher } from '../../src/scan/blob-id.js';
import { detectFormat } from '../../src/scan/format.js';
import { BoundedContentStore } from '../../src/scan/content-store.js';

describe('normaliseEntryName', () => {
  const cases: Array<[string, string, string[]]> = [
    ['a/b', 'a/b', []],
    ['./a/b', 'a/b', []],
    ['././a', 'a', []],
    ['a//b', 'a/b', []],
    ['a/./b', 'a/b', []],
    ['a/b/', 'a/b', []],
    ['./', '', []],
    ['/etc/passwd', 'etc/passwd', ['UNSAFE_PATH absolute']],
    ['//x', 'x', ['UNSAFE_PATH absolute']],
    ['a/../b', 'a/../b', ['UNSAFE_PATH dotdot']],
    ['../x', '../x', ['UNSAFE_PATH dotdot']],
    ['/../x', '../x', ['UNSAFE_PATH absolute', 'UNSAFE_PATH dotdot']],
    ['a\\b', 'a\\b', ['BACKSLASH_PATH']],
    ['a..b/c', 'a..b/c', []],
  ];
  for (const [raw, path, kinds] of cases) {
    it(JSON.stringify(raw), () => {
      const n = normaliseEntryName(raw);
      expect(n.path).toBe(path);
      expect(n.issues.map(issueName)).toEqual(kinds);
      expect(n.rawPath).toBe(kinds.length ? raw : undefined);
      const b = normaliseEntryName(Buffer.from(raw));
      expect(b).toEqual(n);
    });
  }
  it('escapes bytes that are not UTF-8, keeps valid multibyte characters', () => {
    const n = normaliseEntryName(Buffer.from([0x61, 0xc3, 0xa9, 0x2f, 0xff, 0xfe, 0xe2, 0x82]));
    expect(n.path).toBe('aé/\\xff\\xfe\\xe2\\x82');
    expect(n.rawPath).toBe('aé/\\xff\\xfe\\xe2\\x82');
    expect(n.issues).toEqual([{ code: 'NON_UTF8_NAME', evidence: { raw: 'aé/\\xff\\xfe\\xe2\\x82' } }]);
  });
  it('every name over a small alphabet normalises as the component rule says (the already-normal shortcut included)', () => {
    // Every string of up to 6 symbols from this alphabet: names that are already normal (the shortcut that
    // makes no split/join), with a trailing '/', with '.', '..', '//', leading './' or '/', and dotted names
    // that are not '.' or '..' ('.x', 'x.', '...'). The path must be what the rule gives, with the issues the
    // rule gives, whichever way the name was computed.
    const alphabet = ['a', '/', '.', 'x'];
    const names: string[] = [''];
    for (let len = 1, level = ['']; len <= 6; len++) {
      level = level.flatMap((p) => alphabet.map((c) => p + c));
      names.push(...level);
    }
    expect(names.length).toBe(5461);
    for (const raw of names) {
      const comps = raw.split('/').filter((c) => c !== '' && c !== '.');
      const kinds = [...(raw.startsWith('/') ? ['UNSAFE_PATH absolute'] : []), ...(comps.includes('..') ? ['UNSAFE_PATH dotdot'] : [])];
      const n = normaliseEntryName(raw);
      expect({ raw, path: n.path, kinds: n.issues.map(issueName), rawPath: n.rawPath }).toEqual({ raw, path: comps.join('/'), kinds, rawPath: kinds.length ? raw : undefined });
      expect(normaliseEntryName(Buffer.from(raw))).toEqual(n);
    }
  });
  it('rejects overlong encodings and surrogates as UTF-8', () => {
    expect(isValidUtf8(Buffer.from([0xc0, 0xaf]))).toBe(false);
    expect(isValidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(false);
    expect(isValidUtf8(Buffer.from('日本', 'utf8'))).toBe(true);
    expect(decodeNameBytes(Buffer.from([0xc0, 0xaf])).text).toBe('\\xc0\\xaf');
  });
});

describe('linkEscapesTree', () => {
  it.each([
    ['p/a', '../x', 'symlink', '', false],
    ['p/a', '../../x', 'symlink', '', true],
    ['p/a', '../x', 'symlink', 'p', true],
    ['p/a', '..', 'symlink', 'p', true],
    ['p/s/a', '../b', 'symlink', 'p', false],
    ['p/a', '/etc/passwd', 'symlink', '', true],
    ['p/a', 'p/b', 'hardlink', 'p', false],
    ['p/a', 'q/b', 'hardlink', 'p', true],
    ['p/a', '../p/b', 'hardlink', '', true],
  ] as const)('%s -> %s (%s, root %j) escapes: %s', (link, target, kind, root, escapes) => {
    expect(linkEscapesTree(link, target, kind, root)).toBe(escapes);
  });
  it('commonTopDir', () => {
    expect(commonTopDir(['p', 'p/a', 'p/b/c'])).toBe('p');
    expect(commonTopDir(['p/a', 'q/a'])).toBe('');
    expect(commonTopDir([])).toBe('');
  });
});

describe('blob ids, format detection, content store', () => {
  it('blobId matches known git ids; streaming equals one-shot; size is enforced', () => {
    expect(blobId('sha1', '')).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
    expect(blobId('sha1', 'hello\n')).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
    expect(blobId('sha256', '')).toBe('473a0f4c3be8a93681a267e3b1e9a7dcda1185436fe141f7749120a303721813');
    const h = createBlobHasher('sha1', 6);
    h.update(Buffer.from('hel'));
    h.update(Buffer.from('lo\n'));
    expect(h.digest()).toBe(blobId('sha1', 'hello\n'));
    const bad = createBlobHasher('sha1', 5);
    bad.update(Buffer.from('abc'));
    expect(() => bad.digest()).toThrow(/declared 5 bytes, got 3/);
  });
  it('detectFormat uses magic bytes only', () => {
    expect(detectFormat(Buffer.from([0x1f, 0x8b, 8, 0]))).toEqual({ kind: 'tar', compression: 'gzip' });
    expect(detectFormat(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0]))).toEqual({ kind: 'tar', compression: 'xz' });
    expect(detectFormat(Buffer.from('BZh9'))).toEqual({ kind: 'tar', compression: 'bzip2' });
    expect(detectFormat(Buffer.from('BZh0'))).toEqual({ kind: 'unknown' });
    expect(detectFormat(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))).toEqual({ kind: 'tar', compression: 'zstd' });
    expect(detectFormat(Buffer.from('PK\x03\x04', 'latin1'))).toEqual({ kind: 'zip' });
    expect(detectFormat(Buffer.from('LZIP'))).toEqual({ kind: 'unknown', what: 'lzip' });
    expect(detectFormat(Buffer.alloc(512))).toEqual({ kind: 'tar', compression: 'none' });
    const notTar = Buffer.alloc(512, 0x41);
    expect(detectFormat(notTar)).toEqual({ kind: 'unknown' });
  });
  it('BoundedContentStore respects per-file and total budgets', () => {
    const s = new BoundedContentStore(10, 15);
    expect(s.offer('a', 8, Buffer.alloc(8))).toBe(true);
    expect(s.offer('b', 11, Buffer.alloc(11))).toBe(false);
    expect(s.offer('c', 8, Buffer.alloc(8))).toBe(false);
    expect(s.offer('d', 7, Buffer.alloc(7))).toBe(true);
    expect(s.offer('a', 8, Buffer.alloc(8))).toBe(true);
    expect([...s.skipped]).toEqual(['b', 'c']);
    expect(s.retainedBytes).toBe(15);
  });
});
