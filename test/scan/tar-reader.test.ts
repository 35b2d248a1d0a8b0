import { describe, expect, it } from 'vitest';
import { isNestedTarName } from '../../src/scan/nested-tar.js';
import { TarReader, type TarEntryHeader } from '../../src/scan/tar.js';

/** One ustar header block, checksum computed as tar does (the field counted as spaces). */
function header(name: string, typeflag: string, size: number, linkname = ''): Buffer {
  const b = Buffer.alloc(512);
  b.write(name, 0, 'latin1');
  b.write('0000644\0', 100, 'latin1');
  b.write('0000000\0', 108, 'latin1');
  b.write('0000000\0', 116, 'latin1');
  b.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  b.write('00000000000\0', 136, 'latin1');
  b.write(typeflag, 156, 'latin1');
  b.write(linkname, 157, 'latin1');
  b.write('ustar\0', 257, 'latin1');
  b.write('00', 263, 'latin1');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return b;
}

function read(blocks: Buffer[]): { name: string; kind: string; linkname: string }[] {
  const out: { name: string; kind: string; linkname: string }[] = [];
  const r = new TarReader(
    {
      entry: (h: TarEntryHeader) => out.push({ name: h.name.toString('latin1'), kind: h.kind, linkname: h.linkname.toString('latin1') }),
      data: () => {},
      end: () => {},
    },
    { input: 'test.tar', maxPathLength: 4096 },
  );
  r.write(Buffer.concat([...blocks, Buffer.alloc(1024)]));
  r.end();
  return out;
}

describe('TarReader: the linkname field', () => {
  it('is read for symbolic and hard links only; any other entry has an empty one, whatever its header holds', () => {
    const data = Buffer.alloc(512, 0x61);
    const entries = read([
      header('file-with-stray-linkname', '0', 3, 'stray-target'),
      data,
      header('dir/', '5', 0, 'also-stray'),
      header('sym', '2', 0, 'file-with-stray-linkname'),
      header('hard', '1', 0, 'file-with-stray-linkname'),
      header('fifo', '6', 0, 'stray'),
    ]);
    expect(entries).toEqual([
      { name: 'file-with-stray-linkname', kind: 'file', linkname: '' },
      { name: 'dir/', kind: 'directory', linkname: '' },
      { name: 'sym', kind: 'symlink', linkname: 'file-with-stray-linkname' },
      { name: 'hard', kind: 'hardlink', linkname: 'file-with-stray-linkname' },
      { name: 'fifo', kind: 'fifo', linkname: '' },
    ]);
  });
});

describe('isNestedTarName', () => {
  it('gives the same answer for a raw name as for its text: a name ending in ".tar"', () => {
    const names: [string, boolean][] = [
      ['po/archive.dir.tar', true],
      ['x.tar', true],
      ['.tar', true],
      ['tar', false],
      ['x.tar.gz', false],
      ['x.TAR', false],
      ['x.tar/', false],
      ['x.ta', false],
      ['', false],
      ['d\u00e9j\u00e0.tar', true],
    ];
    for (const [name, nested] of names) {
      expect([name, isNestedTarName(name)]).toEqual([name, nested]);
      expect([name, isNestedTarName(Buffer.from(name, 'utf8'))]).toEqual([name, nested]);
    }
    // Bytes that are not UTF-8 before the suffix
    expect(isNestedTarName(Buffer.from([0xff, 0xfe, 0x2e, 0x74, 0x61, 0x72]))).toBe(true);
    expect(isNestedTarName(Buffer.from([0x2e, 0x74, 0x61, 0x72, 0xff]))).toBe(false);
  });
});

// Red team 14: what GNU tar 1.34 does with these (checked by hand: `tar -tvf`), the reader does too.
describe('TarReader: as GNU tar reads it', () => {
  it("unknown typeflags are regular files (GNU tar: 'extracted as normal file'); D a directory; V, M, N none", () => {
    expect(read([header('z', 'Z', 0), header('eight', '8', 0), header('dump/', 'D', 0), header('label', 'V', 0)]).map((e) => [e.name, e.kind])).toEqual([
      ['z', 'file'],
      ['eight', 'file'],
      ['dump/', 'directory'],
      ['label', 'other'],
    ]);
  });

  it('a tar header after the end is found wherever the chunks of the stream begin and end', () => {
    const member = header('p/README', '0', 5);
    const body = Buffer.concat([header('a', '0', 0), Buffer.alloc(1024), Buffer.alloc(1536), member, Buffer.from('evil\n'), Buffer.alloc(507), Buffer.alloc(1024)]);
    for (const size of [1, 7, 511, 512, 700, 4096, body.length]) {
      const r = new TarReader({ entry: () => {}, data: () => {}, end: () => {} }, { input: 'test.tar', maxPathLength: 4096 });
      for (let at = 0; at < body.length; at += size) r.write(body.subarray(at, at + size));
      expect(r.end(), `chunks of ${size}`).toEqual({ endOffset: 512, trailingBytes: body.length - 1536, firstNonZero: 3072, member: { offset: 3072, name: 'p/README' } });
    }
    // bytes that are no header, and a last partial block: trailing data only
    const junk = Buffer.concat([header('a', '0', 0), Buffer.alloc(1024), Buffer.alloc(100), Buffer.from('xx')]);
    for (const size of [1, 3, 512, junk.length]) {
      const r = new TarReader({ entry: () => {}, data: () => {}, end: () => {} }, { input: 'test.tar', maxPathLength: 4096 });
      for (let at = 0; at < junk.length; at += size) r.write(junk.subarray(at, at + size));
      expect(r.end(), `chunks of ${size}`).toEqual({ endOffset: 512, trailingBytes: 102, firstNonZero: 1636 });
    }
  });
});
