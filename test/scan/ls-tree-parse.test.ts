/**
 * The two `git ls-tree -r -z` readers of src/scan/git-tree.ts (quickIndex: no sizes; parseLsTree: with -l)
 * find a record's separators by scanning its header byte by byte (splitRecord). Checked here against a
 * model that splits each record the plain way (at its first TAB, then at spaces), on generated records whose
 * paths hold spaces, TABs, non-ASCII and invalid UTF-8, and on malformed output, which must be refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeNameBytes } from '../../src/scan/paths.js';
import { parseLsTree, quickIndex } from '../../src/scan/git-tree.js';

const COMMIT = 'c'.repeat(40);

interface Rec {
  mode: '100644' | '100755' | '120000' | '160000';
  oid: string;
  size: number;
  path: Buffer;
}

const typeOf = (r: Rec) => (r.mode === '160000' ? 'commit' : 'blob');
/** `ls-tree -l` right-aligns the size in 7 columns; a submodule has '-'. */
const sizeText = (r: Rec) => (r.mode === '160000' ? '-' : String(r.size)).padStart(7, ' ');
const record = (r: Rec, long: boolean) =>
  Buffer.concat([Buffer.from(`${r.mode} ${typeOf(r)} ${r.oid}${long ? ` ${sizeText(r)}` : ''}\t`, 'latin1'), r.path, Buffer.from([0])]);

/** The model: what each record must give. */
function expected(r: Rec) {
  const { text, valid } = decodeNameBytes(r.path);
  const type = r.mode === '160000' ? 'submodule' : r.mode === '120000' ? 'symlink' : 'file';
  return { path: text, type, executable: r.mode === '100755', size: type === 'file' ? r.size : 0, oid: r.oid, utf8: valid };
}

const pathBytes = fc
  .array(fc.oneof(fc.constantFrom(0x20, 0x09, 0x2f, 0x61, 0x2e, 0xc3, 0xa9, 0xff), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 40 })
  .map((a) => Buffer.from(a));
const rec: fc.Arbitrary<Rec> = fc.record({
  mode: fc.constantFrom('100644', '100755', '120000', '160000'),
  oid: fc.stringMatching(/^[0-9a-f]{40}$/),
  size: fc.nat({ max: 2 ** 40 }),
  path: pathBytes,
});

describe('ls-tree record parsing', () => {
  it('quickIndex and parseLsTree read every record as the plain split does', () => {
    fc.assert(
      fc.property(fc.array(rec, { minLength: 1, maxLength: 30 }), (recs) => {
        const quick = quickIndex(Buffer.concat(recs.map((r) => record(r, false))), COMMIT);
        expect([...quick.oids.keys()].sort()).toEqual([...new Set(recs.map((r) => r.oid))].sort());
        const attrs = recs.filter((r) => r.mode !== '120000' && r.mode !== '160000' && /(?:^|\/)\.gitattributes$/.test(r.path.toString('latin1')));
        expect(quick.attrOids).toEqual(attrs.map((r) => r.oid));
        const all = parseLsTree(Buffer.concat(recs.map((r) => record(r, true))), COMMIT, quick.oids);
        expect(all.map((e) => ({ ...e.entry, utf8: e.utf8 }))).toEqual(recs.map(expected));
        // The listed id string is the one the quick index holds (one copy per id).
        for (const e of all) expect(e.entry.oid).toBe(quick.oids.get(e.entry.oid!));
      }),
      { numRuns: 300 },
    );
  });

  it('finds .gitattributes blobs only (not symlinks, not other names ending so)', () => {
    const o = (c: string) => c.repeat(40);
    const out = Buffer.from(
      [`100644 blob ${o('1')}\t.gitattributes`, `120000 blob ${o('2')}\tlink/.gitattributes`, `100644 blob ${o('3')}\tx.gitattributes`, `100755 blob ${o('4')}\ta b/.gitattributes`, `160000 commit ${o('5')}\tsub`].join('\0') + '\0',
      'latin1',
    );
    expect(quickIndex(out, COMMIT).attrOids).toEqual([o('1'), o('4')]);
  });

  it('refuses malformed output: no TAB, fewer than two spaces before it, a NUL inside the header', () => {
    const o = 'a'.repeat(40);
    for (const bad of [`100644 blob ${o}    12 no-tab\0`, `100644blob\tx\0`, `100644 blob\0\tx\0`, `100644 blob ${o}\0\tx\0`, `100644 blob ${o}`, `\0`]) {
      const buf = Buffer.from(bad, 'latin1');
      expect(() => quickIndex(buf, COMMIT), bad).toThrow('unexpected git ls-tree output');
      expect(() => parseLsTree(buf, COMMIT), bad).toThrow('unexpected git ls-tree output');
    }
    // A missing blob: ls-tree -l prints BAD for its size.
    expect(() => parseLsTree(Buffer.from(`100644 blob ${o}     BAD\tgone\0`, 'latin1'), COMMIT)).toThrow(/gone|missing|bad/i);
    // A record without a size column (not -l): the id runs to the TAB, the size reads as 0.
    expect(parseLsTree(Buffer.from(`100644 blob ${o}\tnosize\0`, 'latin1'), COMMIT).map((e) => e.entry)).toEqual([{ path: 'nosize', type: 'file', executable: false, size: 0, oid: o }]);
    // The last record may lack its NUL.
    expect(parseLsTree(Buffer.from(`100644 blob ${o}      5\tlast`, 'latin1'), COMMIT).map((e) => e.entry)).toEqual([{ path: 'last', type: 'file', executable: false, size: 5, oid: o }]);
  });
});
