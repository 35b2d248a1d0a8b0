import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DistdiffError } from '../../src/core/errors.js';
import { DEFAULT_LIMITS, type Limits } from '../../src/core/limits.js';
import type { ScanOptions } from '../../src/scan/archive.js';
import { scanArchive } from '../../src/scan/archive.js';
import { blobId } from '../../src/scan/blob-id.js';
import { BoundedContentStore, HEAD_BYTES, MAX_HEADS_TOTAL } from '../../src/scan/content-store.js';
import { EntryCollector } from '../../src/scan/entries.js';
import { appendTar, compressFile, makeTar, makeZip, rawPaxEntry, rawTar, rawTarEntry, TAR_END } from '../helpers/archives.js';
import { makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-anom-');
let n = 0;
const opts = (limits: Partial<Limits> = {}, extra: Partial<ScanOptions> = {}): ScanOptions => ({ algo: 'sha1', limits: { ...DEFAULT_LIMITS, ...limits }, ...extra });
function write(name: string, data: Buffer | string): string {
  const p = join(root, `${n++}-${name}`);
  writeFileSync(p, data);
  return p;
}
function dir(files: Record<string, string>): string {
  const d = join(root, `d${n++}`, 'pkg');
  for (const [f, c] of Object.entries(files)) {
    mkdirSync(join(d, f, '..'), { recursive: true });
    writeFileSync(join(d, f), c);
  }
  return d;
}
async function scanError(path: string, o = opts()): Promise<DistdiffError> {
  try {
    await scanArchive(path, o);
  } catch (e) {
    expect(e).toBeInstanceOf(DistdiffError);
    return e as DistdiffError;
  }
  throw new Error('expected the scan to fail');
}

describe('archive anomalies', () => {
  it('duplicate path appended with tar -r: both entries kept, anomaly with count', async () => {
    const d = dir({ 'a.txt': 'one\n', 'b.txt': 'b\n' });
    const t = makeTar(d, { format: 'gnu' });
    writeFileSync(join(d, 'a.txt'), 'two\n');
    appendTar(t, join(d, '..'), ['pkg/a.txt']);
    const r = await scanArchive(t, opts());
    const as = r.entries.filter((e) => e.path === 'pkg/a.txt');
    expect(as.map((e) => e.oid)).toEqual([blobId('sha1', 'one\n'), blobId('sha1', 'two\n')]);
    expect(r.anomalies).toEqual([{ code: 'DUPLICATE_ENTRY', path: 'pkg/a.txt', evidence: { count: 2, types: ['file', 'file'], sameContent: false }, index: as[1]!.index }]);
  });

  it('duplicates say which kinds of entries collided and whether their contents agree (hard links resolved)', () => {
    const col = new EntryCollector('<test>', opts());
    col.add('p/a', 'file', { size: 1, oid: '1'.repeat(40) });
    col.add('p/a', 'file', { size: 1, oid: '1'.repeat(40) });
    col.add('p/b', 'symlink', { linkTarget: 'x' });
    col.add('p/b', 'file', { size: 1, oid: '2'.repeat(40) });
    col.add('p/b', 'symlink', { linkTarget: 'y' });
    col.add('p/c', 'file', { size: 1, oid: '3'.repeat(40) });
    col.add('p/d', 'file', { size: 1, oid: '3'.repeat(40) });
    col.add('p/d', 'hardlink', { linkTarget: 'p/c' });
    col.add('p/e', 'directory');
    col.add('p/e', 'directory');
    // A directory and something else at one path, in either order, is a duplicate (only directories alone are not).
    col.add('p/f', 'directory');
    col.add('p/f', 'file', { size: 0, oid: '4'.repeat(40) });
    col.add('p/g', 'file', { size: 0, oid: '4'.repeat(40) });
    col.add('p/g', 'directory');
    col.add('p/g', 'directory');
    col.finish();
    expect(col.anomalies.filter((a) => a.code === 'DUPLICATE_ENTRY')).toEqual([
      { code: 'DUPLICATE_ENTRY', path: 'p/a', evidence: { count: 2, types: ['file', 'file'], sameContent: true }, index: 1 },
      { code: 'DUPLICATE_ENTRY', path: 'p/b', evidence: { count: 3, types: ['symlink', 'file', 'symlink'], sameContent: false }, index: 4 },
      // The hard link's content is p/c's, the same blob as the first p/d; the types still differ.
      { code: 'DUPLICATE_ENTRY', path: 'p/d', evidence: { count: 2, types: ['file', 'hardlink'], sameContent: false }, index: 7 },
      { code: 'DUPLICATE_ENTRY', path: 'p/f', evidence: { count: 2, types: ['directory', 'file'], sameContent: false }, index: 11 },
      { code: 'DUPLICATE_ENTRY', path: 'p/g', evidence: { count: 3, types: ['file', 'directory', 'directory'], sameContent: false }, index: 14 },
    ]);
  });

  it('a setuid/setgid/sticky file: SPECIAL_MODE_BITS with the octal mode and the bits by name', () => {
    const col = new EntryCollector('<test>', opts());
    col.add('run', 'file', { size: 0, mode: 0o6755 });
    col.add('tmp', 'file', { size: 0, mode: 0o1777 });
    col.add('plain', 'file', { size: 0, mode: 0o755 });
    expect(col.anomalies).toEqual([
      { code: 'SPECIAL_MODE_BITS', path: 'run', evidence: { mode: '6755', bits: ['setuid', 'setgid'] }, index: 0 },
      { code: 'SPECIAL_MODE_BITS', path: 'tmp', evidence: { mode: '1777', bits: ['sticky'] }, index: 1 },
    ]);
  });

  it('world-writable files and directories: one WORLD_WRITABLE anomaly per directory, not one per entry', () => {
    const col = new EntryCollector('<test>', opts());
    col.add('pkg/', 'directory', { mode: 0o755 });
    col.add('pkg/a.c', 'file', { size: 0, mode: 0o666 });
    col.add('pkg/b.c', 'file', { size: 0, mode: 0o644 });
    col.add('pkg/lib/', 'directory', { mode: 0o777 });
    for (const f of ['1', '2', '3', '4', '5', '6']) col.add(`pkg/lib/${f}.c`, 'file', { size: 0, mode: 0o666 });
    col.add('pkg/run', 'file', { size: 0, mode: 0o777 });
    col.add('pkg/link', 'symlink', { linkTarget: 'a.c' }); // a symlink's own bits mean nothing
    col.add('pkg/ro', 'file', { size: 0, mode: 0o664 }); // group-writable only: not anyone
    col.add('top', 'file', { size: 0, mode: 0o646 });
    col.finish();
    expect(col.anomalies).toEqual([
      { code: 'WORLD_WRITABLE', path: 'pkg/', evidence: { files: 2, directories: 1, modes: ['0666', '0777'], names: ['a.c', 'lib/', 'run'], more: 0 }, index: 1 },
      { code: 'WORLD_WRITABLE', path: 'pkg/lib/', evidence: { files: 6, directories: 0, modes: ['0666'], names: ['1.c', '2.c', '3.c', '4.c', '5.c'], more: 1 }, index: 4 },
      { code: 'WORLD_WRITABLE', path: './', evidence: { files: 1, directories: 0, modes: ['0646'], names: ['top'], more: 0 }, index: 13 },
    ]);
  });

  it('absolute path (tar -P): made relative, anomaly with the raw name', async () => {
    const d = dir({ 'abs.txt': 'x' });
    const t = makeTar(d, { args: ['-P'], members: [join(d, 'abs.txt')] });
    const r = await scanArchive(t, opts());
    const rel = join(d, 'abs.txt').slice(1);
    expect(r.entries).toEqual([expect.objectContaining({ path: rel, rawPath: '/' + rel, type: 'file' })]);
    expect(r.anomalies).toEqual([{ code: 'UNSAFE_PATH', path: rel, evidence: { raw: '/' + rel, reason: 'absolute' }, index: 0 }]);
  });

  it("'..' components stay visible; symlink leaving the tree; backslash; non-UTF-8 name", async () => {
    const t = write(
      'hostile.tar',
      rawTar(
        rawTarEntry('pkg/', '', { type: '5' }),
        rawTarEntry('pkg/../../etc/evil', 'x'),
        rawTarEntry('pkg/up', '', { type: '2', linkname: '../../etc/passwd' }),
        rawTarEntry('pkg/ok', '', { type: '2', linkname: 'sub/../evil' }),
        rawTarEntry('pkg/win\\path.txt', 'w'),
        rawTarEntry(Buffer.from([0x70, 0x6b, 0x67, 0x2f, 0x66, 0xff, 0x2e, 0x63]), 'bytes'),
      ),
    );
    const r = await scanArchive(t, opts());
    expect(r.entries.map((e) => e.path)).toEqual(['pkg', 'etc/evil'.replace(/^/, 'pkg/../../'), 'pkg/up', 'pkg/ok', 'pkg/win\\path.txt', 'pkg/f\\xff.c']);
    expect(r.entries[5]).toMatchObject({ rawPath: 'pkg/f\\xff.c', oid: blobId('sha1', 'bytes') });
    expect(r.entries[2]).toMatchObject({ type: 'symlink', linkTarget: '../../etc/passwd', oid: blobId('sha1', '../../etc/passwd') });
    expect(r.anomalies).toEqual([
      { code: 'UNSAFE_PATH', path: 'pkg/../../etc/evil', evidence: { raw: 'pkg/../../etc/evil', reason: 'dotdot' }, index: 1 },
      { code: 'BACKSLASH_PATH', path: 'pkg/win\\path.txt', evidence: { raw: 'pkg/win\\path.txt' }, index: 4 },
      { code: 'NON_UTF8_NAME', path: 'pkg/f\\xff.c', evidence: { raw: 'pkg/f\\xff.c' }, index: 5 },
      { code: 'LINK_ESCAPES_TREE', path: 'pkg/up', evidence: { target: '../../etc/passwd', link: 'symlink' }, index: 2 },
    ]);
  });

  it('hard link made by GNU tar: type hardlink, target content, anomaly', async () => {
    const d = dir({ 'orig.txt': 'shared\n' });
    linkSync(join(d, 'orig.txt'), join(d, 'same.txt'));
    const r = await scanArchive(makeTar(d), opts());
    const h = r.entries.find((e) => e.path === 'pkg/same.txt')!;
    expect(h).toMatchObject({ type: 'hardlink', linkTarget: 'pkg/orig.txt', oid: blobId('sha1', 'shared\n'), size: 7 });
    expect(r.anomalies).toEqual([{ code: 'HARDLINK_ENTRY', path: 'pkg/same.txt', evidence: { target: 'pkg/orig.txt' }, index: h.index }]);
  });

  it('fifo (mkfifo) and a character device: special-file', async () => {
    const d = dir({ 'a.txt': 'a' });
    execFileSync('mkfifo', [join(d, 'pipe')]);
    const t = makeTar(d);
    const r = await scanArchive(t, opts());
    const f = r.entries.find((e) => e.path === 'pkg/pipe')!;
    expect(f.type).toBe('fifo');
    expect(r.anomalies).toEqual([{ code: 'SPECIAL_FILE', path: 'pkg/pipe', evidence: { type: 'fifo' }, index: f.index }]);
    const r2 = await scanArchive(write('chr.tar', rawTar(rawTarEntry('null', '', { type: '3' }))), opts());
    expect(r2.entries[0]!.type).toBe('device');
    expect(r2.anomalies[0]).toMatchObject({ code: 'SPECIAL_FILE', evidence: { type: 'device' } });
  });

  it('file and directory of the same name', async () => {
    const r = await scanArchive(write('fd.tar', rawTar(rawTarEntry('p/a', 'file'), rawTarEntry('p/a/b', 'child'))), opts());
    expect(r.anomalies).toEqual([{ code: 'FILE_DIR_CONFLICT', path: 'p/a', evidence: { other: 'p/a/b' }, index: 0 }]);
  });

  it('GNU sparse entry: sparse-file anomaly, real size', async () => {
    const d = join(root, 'sparse', 'pkg');
    mkdirSync(d, { recursive: true });
    execFileSync('sh', ['-c', 'truncate -s 1M "$1/holes" && printf data | dd of="$1/holes" bs=1 seek=700000 conv=notrunc 2>/dev/null', 'sh', d]);
    for (const format of ['gnu', 'pax'] as const) {
      const r = await scanArchive(makeTar(d, { format, args: ['--sparse'] }), opts());
      const e = r.entries.find((x) => x.path === 'pkg/holes')!;
      expect(e).toMatchObject({ type: 'file', size: 1048576 });
      expect(e.oid).toBeUndefined();
      expect(r.anomalies).toEqual([{ code: 'SPARSE_FILE', path: 'pkg/holes', evidence: { size: 1048576 }, index: e.index }]);
    }
  });

  it('git archive: commit id from the pax global header', async () => {
    const repo = makeRepo(join(root, 'repo'));
    const commit = repo.commit({ 'README': 'hi\n' });
    const out = join(root, 'ga.tar.gz');
    execFileSync('sh', ['-c', 'git -C "$1" archive --format=tar --prefix=p-1/ HEAD | gzip -n > "$2"', 'sh', repo.dir, out]);
    const r = await scanArchive(out, opts());
    expect(r.paxCommit).toBe(commit);
    expect(r.entries.map((e) => e.path)).toEqual(['p-1', 'p-1/README']);
    const r2 = await scanArchive(write('g.tar', rawTar(rawPaxEntry({ comment: 'not a commit' }, true), rawTarEntry('x', 'y'))), opts());
    expect(r2.paxCommit).toBeUndefined();
  });

  it('data after the end-of-archive marker (concatenated archive)', async () => {
    const t = write('trail.tar', Buffer.concat([rawTar(rawTarEntry('a', 'a')), rawTarEntry('hidden', 'h'), TAR_END]));
    const r = await scanArchive(t, opts());
    expect(r.entries.map((e) => e.path)).toEqual(['a']);
    expect(r.anomalies).toEqual([
      { code: 'TRAILING_DATA', path: '', evidence: { bytes: 2048, offset: 2048 } },
      // a tar header in it: what `tar --ignore-zeros` would extract (red team 14)
      { code: 'MEMBERS_AFTER_END', path: '', evidence: { offset: 2048, name: 'hidden' } },
    ]);
    // garbage that is no tar header stays TRAILING_DATA alone, wherever it starts in its block
    const junk = await scanArchive(write('junk.tar', Buffer.concat([rawTar(rawTarEntry('a', 'a')), Buffer.alloc(700), Buffer.from('#!/bin/sh\necho hidden\n'), Buffer.alloc(1000)])), opts());
    expect(junk.anomalies.map((a) => a.code)).toEqual(['TRAILING_DATA']);
    // zero padding (GNU tar's 10 KiB records) is not trailing data
    const padded = await scanArchive(write('pad.tar', Buffer.concat([rawTar(rawTarEntry('a', 'a')), Buffer.alloc(8192)])), opts());
    expect(padded.anomalies).toEqual([]);
  });

  it('pax path and linkpath records override the header fields', async () => {
    const long = 'p/' + 'x'.repeat(150);
    const t = write('pax.tar', rawTar(rawPaxEntry({ path: long }), rawTarEntry('short', 'c'), rawPaxEntry({ linkpath: 'target/' + 'y'.repeat(120) }), rawTarEntry('p/l', '', { type: '2' })));
    const r = await scanArchive(t, opts());
    expect(r.entries).toEqual([
      expect.objectContaining({ path: long, oid: blobId('sha1', 'c') }),
      expect.objectContaining({ path: 'p/l', linkTarget: 'target/' + 'y'.repeat(120) }),
    ]);
  });
});

describe('corrupt, truncated and unknown input is an error naming the file', () => {
  const d = dir({ 'a.txt': 'a'.repeat(300000), 'b.txt': 'hello' });
  const base = makeTar(d, { format: 'gnu' });
  for (const c of ['gzip', 'xz', 'bzip2', 'zstd'] as const) {
    it(`truncated ${c}`, async () => {
      const full = readFileSync(compressFile(base, c, join(root, `${n++}.tar.${c}`)));
      const t = write(`cut.${c}`, full.subarray(0, Math.floor(full.length / 2)));
      const e = await scanError(t);
      expect(e.kind).toBe('archive');
      expect(e.input).toBe(t);
      expect(e.message).toMatch(new RegExp(`^${c} data is corrupt or truncated`));
    });
  }
  it('tar cut off mid-entry, mid-header, and without the end-of-archive marker', async () => {
    const full = readFileSync(base);
    expect((await scanError(write('mid.tar', full.subarray(0, 512 + 1000)))).message).toBe("tar is corrupt: archive is truncated: an entry's data is cut off at offset 1512");
    expect((await scanError(write('hdr.tar', full.subarray(0, 512 * 2 + 300000 + 100 + 200)))).message).toBe('tar is corrupt: archive is truncated: cut off inside a header at offset 301324');
    expect((await scanError(write('noend.tar', rawTarEntry('a', 'a')))).message).toBe('tar is corrupt: archive is truncated: no end-of-archive marker after offset 1024');
  });
  it('header checksum byte flipped', async () => {
    const raw = rawTar(rawTarEntry('a', 'a'), rawTarEntry('b', 'b', { badChecksum: true }));
    const e = await scanError(write('badsum.tar', raw));
    expect(e.message).toBe('tar is corrupt: header checksum mismatch at offset 1024');
  });
  it('zero-byte file, unknown magic, a gzip that holds no tar', async () => {
    expect((await scanError(write('zero', ''))).message).toBe('the file is empty (0 bytes)');
    expect((await scanError(write('junk', 'hello, this is not an archive'))).message).toBe('unknown archive format (not tar, gzip, xz, bzip2, zstd or zip)');
    const gz = compressFile(write('plain.txt', 'x'.repeat(2000)), 'gzip');
    expect((await scanError(gz)).message).toBe('no tar archive inside: the decompressed data does not start with a tar header');
    expect((await scanError(join(root, 'missing.tar'))).kind).toBe('not-found');
  });
  it('zip whose local header name differs from the central directory', async () => {
    const z = readFileSync(makeZip(d));
    const at = z.indexOf('pkg/a.txt');
    z[at + 4] = 0x41; // local header copy only: the central directory comes later
    const e = await scanError(write('mismatch.zip', z));
    expect(e.message).toBe('zip is corrupt: local header name "pkg/A.txt" differs from the central directory\'s "pkg/a.txt"');
  });
});

describe('limits', () => {
  const d = dir({ 'a.txt': 'a', 'b.txt': 'b', 'c.txt': 'c' });
  const t = makeTar(d, { compress: 'gzip' });
  it('maxEntries and maxPathLength', async () => {
    const e = await scanError(t, opts({ maxEntries: 2 }));
    expect([e.kind, e.message]).toEqual(['limit', 'more than 2 entries']);
    const p = await scanError(t, opts({ maxPathLength: 8 }));
    expect([p.kind, p.message]).toEqual(['limit', 'entry name longer than 8 bytes at offset 512']);
  });
  it('maxUncompressed and maxRatio (only past 64 MiB)', async () => {
    const e = await scanError(t, opts({ maxUncompressed: 4096 }));
    expect(e.kind).toBe('limit');
    expect(e.message).toBe('decompressed size exceeds --max-uncompressed (4096 bytes)');
    expect(e.hint).toBe('raise --max-ratio/--max-uncompressed if you trust this archive');
    // small archives compress far beyond the ratio without tripping it
    expect((await scanArchive(t, opts({ maxRatio: 2 }))).entries).toHaveLength(4);
    const bomb = join(root, 'bomb.tar.gz');
    writeFileSync(bomb, execFileSync('gzip', ['-c', '-1'], { input: rawTar(rawTarEntry('zeros', Buffer.alloc(70 * 1024 * 1024))), maxBuffer: 1 << 28 }));
    const b = await scanError(bomb);
    expect([b.kind, b.message]).toEqual(['limit', expect.stringMatching(/^decompressed size exceeds --max-ratio \(200x/)]);
  });
});

describe('content retention', () => {
  const d = dir({ 'small.txt': 'small\n', 'mid.txt': 'm'.repeat(100), 'big.txt': 'b'.repeat(5000) });
  const t = makeTar(d, { compress: 'xz' });
  it('keeps what retain() asks for within the per-file and total budgets', async () => {
    const asked: Array<[string, number]> = [];
    const r = await scanArchive(t, opts({ maxRetainFile: 1000, maxRetainTotal: 104 }, { retain: (oid, size) => (asked.push([oid, size]), true) }));
    const oid = (s: string) => blobId('sha1', s);
    expect(asked.sort((a, b) => a[1] - b[1])).toEqual([[oid('small.txt'.replace('small.txt', 'small\n')), 6], [oid('m'.repeat(100)), 100], [oid('b'.repeat(5000)), 5000]]);
    // archive order is big, mid, small: big is too large, mid fits, small no longer fits the total
    expect(r.content.get(oid('m'.repeat(100)))?.toString()).toBe('m'.repeat(100));
    expect(r.content.get(oid('b'.repeat(5000)))).toBeUndefined();
    expect(r.content.get(oid('small\n'))).toBeUndefined();
    expect([...r.content.skipped].sort()).toEqual([oid('b'.repeat(5000)), oid('small\n')].sort());
  });
  // The scan consumes the archive while git's ids are still listed: whatever it finished before they are
  // known is held and judged when they are, in archive order — the same result as ids known from the start.
  const later = <T>(v: T, ms: number): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(v), ms));
  const many = dir(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${String(i).padStart(2, '0')}.txt`, `${i}`.repeat(300_000 + i)])));
  const inGit = new Set([blobId('sha1', '3'.repeat(300_003)), blobId('sha1', '7'.repeat(300_007))]);
  const keepUnlessInGit = (oid: string) => !inGit.has(oid);
  const summary = (r: Awaited<ReturnType<typeof scanArchive>>) => ({
    entries: r.entries.map((e) => [e.path, e.oid]),
    kept: r.entries.filter((e) => e.oid && r.content.get(e.oid)).map((e) => [e.path, r.content.get(e.oid!)!.equals(Buffer.from(e.path.slice(-6, -4).replace(/^0/, '').repeat(e.size)))]),
    skipped: [...r.content.skipped].sort(),
  });
  for (const [name, compress, system] of [['plain', undefined, true], ['gzip', 'gzip', true], ['xz', 'xz', true], ['xz (in-process decoder)', 'xz', false]] as const) {
    it(`retain and ids settling late give the same result as known ones (${name})`, async () => {
      const t = makeTar(many, compress ? { compress } : {});
      // a budget of 1.5 MB: the held content passes it, so the decoder also pauses until git's ids are known
      const o = (extra: Partial<ScanOptions>) => opts({ maxRetainFile: 400_000, maxRetainTotal: 1_500_000 }, { systemDecoders: system, ...extra });
      const known = summary(await scanArchive(t, o({ retain: keepUnlessInGit })));
      expect(known.kept.map(([p]) => p)).toEqual(['pkg/f00.txt', 'pkg/f01.txt', 'pkg/f02.txt', 'pkg/f04.txt']);
      expect(known.kept.every(([, same]) => same)).toBe(true);
      const ids = new Map([...inGit].map((id) => [id, id]));
      const late = summary(await scanArchive(t, o({ retain: later(keepUnlessInGit, 300), ids: later(ids, 300) })));
      expect(late).toEqual(known);
    });
  }
  it('a retain that fails ends the scan with its error, even while the decoder is paused', async () => {
    for (const compress of [undefined, 'gzip', 'xz'] as const) {
      const t = makeTar(many, compress ? { compress } : {});
      const failing = new Promise<never>((_, reject) => setTimeout(() => reject(new DistdiffError('git', 'repo', 'listing failed', 'fix it')), 300));
      await expect(scanArchive(t, opts({ maxRetainTotal: 1_000_000 }, { retain: failing }))).rejects.toThrow('listing failed');
    }
  });
  // A file over the per-file limit keeps its head (the banner a generator writes) and its blob id, the hash of all
  // of it: a regenerated file is compared with it by id (src/regenerate/shipped.ts).
  const large = dir({ 'gen.c': '/* Generated by X 1.0 */\n' + 'a'.repeat(HEAD_BYTES + 50_000), 'ingit.c': 'g'.repeat(HEAD_BYTES + 10), 'small.c': 'small\n' });
  const genOid = blobId('sha1', '/* Generated by X 1.0 */\n' + 'a'.repeat(HEAD_BYTES + 50_000));
  const gitOid = blobId('sha1', 'g'.repeat(HEAD_BYTES + 10));
  for (const [name, make] of [['tar', () => makeTar(large)], ['tar.xz', () => makeTar(large, { compress: 'xz' })], ['zip', () => makeZip(large)]] as const) {
    it(`a file over the per-file limit keeps its first ${HEAD_BYTES} bytes when wanted, none in git; its id is of all of it (${name})`, async () => {
      const t = make();
      for (const retain of [(oid: string) => oid !== gitOid, later((oid: string) => oid !== gitOid, 300)]) {
        const r = await scanArchive(t, opts({ maxRetainFile: 1000 }, { retain }));
        expect(r.entries.find((e) => e.path === 'pkg/gen.c')?.oid).toBe(genOid);
        expect(r.content.get(genOid)).toBeUndefined();
        const head = r.content.head?.(genOid);
        expect(head?.length).toBe(HEAD_BYTES);
        expect(head?.toString('latin1')).toBe(('/* Generated by X 1.0 */\n' + 'a'.repeat(HEAD_BYTES)).slice(0, HEAD_BYTES));
        expect(r.content.head?.(gitOid)).toBeUndefined();
        expect(r.content.head?.(blobId('sha1', 'small\n'))).toBeUndefined();
        expect(r.content.get(blobId('sha1', 'small\n'))?.toString()).toBe('small\n');
      }
    });
  }
  it(`heads stay within their budget (${MAX_HEADS_TOTAL / 1024 / 1024} MiB): later files over the limit keep none`, () => {
    const store = new BoundedContentStore(10, 1000);
    const n = MAX_HEADS_TOTAL / HEAD_BYTES;
    for (let i = 0; i < n + 3; i++) store.offerHead(`id${i}`, Buffer.alloc(HEAD_BYTES));
    expect(store.head(`id${n - 1}`)?.length).toBe(HEAD_BYTES);
    expect(store.head(`id${n}`)).toBeUndefined();
    expect(store.wantsHead(HEAD_BYTES)).toBe(false);
    expect(new BoundedContentStore(10, 1000).wantsHead(10)).toBe(false); // not over the limit: its content is retained
  });
  it('retain() returning false keeps nothing and skips nothing', async () => {
    const r = await scanArchive(t, opts({}, { retain: () => false }));
    expect(r.content.get(blobId('sha1', 'small\n'))).toBeUndefined();
    expect(r.content.skipped.size).toBe(0);
  });
});

describe('zip specifics', () => {
  it('symlink in a zip leaving the tree; duplicate names are reported', async () => {
    const d = join(root, 'zs', 'pkg');
    mkdirSync(d, { recursive: true });
    symlinkSync('../../outside', join(d, 'esc'));
    writeFileSync(join(d, 'f'), 'f');
    const z = makeZip(d);
    const r = await scanArchive(z, opts());
    expect(r.entries.find((e) => e.path === 'pkg/esc')).toMatchObject({ type: 'symlink', linkTarget: '../../outside' });
    expect(r.anomalies).toEqual([expect.objectContaining({ code: 'LINK_ESCAPES_TREE', path: 'pkg/esc' })]);
  });
});
