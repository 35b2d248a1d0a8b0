import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import type { TreeEntry } from '../../src/core/types.js';
import { scanArchive } from '../../src/scan/archive.js';
import { gitHashObject, makeTar, makeZip } from '../helpers/archives.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-scan-');
const LONG = `dir/${'sub-directory-'.repeat(5)}/${'file-name-'.repeat(6)}end.txt`; // > 100 bytes, fits ustar's prefix
const LONGBASE = `${'very-long-base-name-'.repeat(6)}.txt`; // > 100-byte component: gnu/pax only
const src = join(root, 'pkg-1.0');
mkdirSync(join(src, 'dir'), { recursive: true });
writeFileSync(join(src, 'hello.txt'), 'hello\n');
writeFileSync(join(src, 'empty'), '');
writeFileSync(join(src, 'run.sh'), '#!/bin/sh\necho hi\n');
chmodSync(join(src, 'run.sh'), 0o755);
mkdirSync(join(src, LONG, '..'), { recursive: true });
writeFileSync(join(src, LONG), 'long\n');
writeFileSync(join(src, 'dir', 'grüße-日本.txt'), 'non-ascii\n');
writeFileSync(join(src, 'dir', 'big.bin'), Buffer.alloc(3 * 1024 * 1024 + 17, 7));
symlinkSync('hello.txt', join(src, 'link'));

const files = ['hello.txt', 'empty', 'run.sh', LONG, 'dir/grüße-日本.txt', 'dir/big.bin'];
const expected = new Map(files.map((f) => [`pkg-1.0/${f}`, gitHashObject(join(src, f))]));
const linkOid = execFileSync('git', ['hash-object', '--stdin'], { input: 'hello.txt', encoding: 'utf8' }).trim();

function byPath(entries: TreeEntry[]): Map<string, TreeEntry> {
  return new Map(entries.map((e) => [e.path, e]));
}

function checkTree(entries: TreeEntry[]) {
  const m = byPath(entries);
  for (const [p, oid] of expected) {
    expect(m.get(p)?.oid, p).toBe(oid);
    expect(m.get(p)?.type, p).toBe('file');
  }
  expect(m.get('pkg-1.0/run.sh')!.executable).toBe(true);
  expect(m.get('pkg-1.0/hello.txt')!.executable).toBe(false);
  expect(m.get('pkg-1.0/hello.txt')!.size).toBe(6);
  expect(m.get('pkg-1.0/empty')!.size).toBe(0);
  expect(m.get('pkg-1.0/dir/big.bin')!.size).toBe(3 * 1024 * 1024 + 17);
  expect(m.get('pkg-1.0/link')).toMatchObject({ type: 'symlink', linkTarget: 'hello.txt', oid: linkOid, size: 0 });
  expect(m.get('pkg-1.0/dir')).toMatchObject({ type: 'directory', size: 0 });
  expect(m.get('pkg-1.0')).toMatchObject({ type: 'directory' });
  expect(entries.map((e) => e.index)).toEqual(entries.map((_, i) => i));
}

describe('tar formats and compressions made by the real tools', () => {
  for (const format of ['gnu', 'pax', 'ustar'] as const) {
    for (const compress of ['none', 'gzip', 'xz', 'bzip2', 'zstd'] as const) {
      it(`${format} tar, ${compress}`, async () => {
        const file = makeTar(src, { format, compress });
        const r = await scanArchive(file, { algo: 'sha1', limits: DEFAULT_LIMITS });
        expect(r.container).toBe('tar');
        expect(r.compression).toBe(compress);
        expect(r.decoder).toBe({ none: 'none', gzip: 'zlib', xz: 'xz -T2 (system)', bzip2: 'bzip2 (system)', zstd: 'zstd (system)' }[compress]);
        checkTree(r.entries);
        expect(r.anomalies).toEqual([]);
        const sha = execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
        expect(r.sha256).toBe(sha);
        expect(r.inputBytes).toBeGreaterThan(0);
        const tarBytes = compress === 'none' ? r.inputBytes : Number(execFileSync('sh', ['-c', `${compress === 'gzip' ? 'gzip' : compress} -dc < "$1" | wc -c`, 'sh', file], { encoding: 'utf8' }).trim());
        expect(r.uncompressedBytes).toBe(tarBytes);
      });
    }
  }

  for (const format of ['gnu', 'pax'] as const) {
    it(`${format}: a name component longer than 100 bytes`, async () => {
      const d = join(root, `longbase-${format}`);
      mkdirSync(d);
      writeFileSync(join(d, LONGBASE), 'x');
      const r = await scanArchive(makeTar(d, { format, flat: true }), { algo: 'sha1', limits: DEFAULT_LIMITS });
      expect(r.entries.map((e) => e.path)).toEqual([LONGBASE]);
      expect(r.entries[0]!.oid).toBe(gitHashObject(join(d, LONGBASE)));
    });
  }

  it('sha256 object format gives git sha256 blob ids', async () => {
    const file = makeTar(src, { format: 'pax', compress: 'gzip' });
    const r = await scanArchive(file, { algo: 'sha256', limits: DEFAULT_LIMITS });
    const m = byPath(r.entries);
    expect(m.get('pkg-1.0/hello.txt')!.oid).toBe(gitHashObject(join(src, 'hello.txt'), 'sha256'));
    expect(m.get('pkg-1.0/dir/big.bin')!.oid).toBe(gitHashObject(join(src, 'dir/big.bin'), 'sha256'));
    expect(m.get('pkg-1.0/hello.txt')!.oid).toHaveLength(64);
  });

  it('flat archive (./ members) is normalised without rawPath', async () => {
    const file = makeTar(src, { format: 'gnu', flat: true });
    const r = await scanArchive(file, { algo: 'sha1', limits: DEFAULT_LIMITS });
    const m = byPath(r.entries);
    expect(m.get('hello.txt')!.oid).toBe(expected.get('pkg-1.0/hello.txt'));
    expect(m.get('hello.txt')!.rawPath).toBeUndefined();
    expect(m.has('')).toBe(false);
    expect(r.anomalies).toEqual([]);
  });

  for (const compress of ['xz', 'bzip2', 'zstd'] as const) {
    it(`pure-JS fallback decodes ${compress}`, async () => {
      const file = makeTar(src, { format: 'pax', compress });
      const r = await scanArchive(file, { algo: 'sha1', limits: DEFAULT_LIMITS, systemDecoders: false });
      expect(r.decoder).toBe(`fallback: ${{ xz: 'xz-decompress', bzip2: 'unbzip2-stream', zstd: 'fzstd' }[compress]} (system decoders disabled)`);
      checkTree(r.entries);
    });
  }

  it('zip made by Info-ZIP: files, exec bit, symlink, empty, long and non-ASCII names', async () => {
    const file = makeZip(src);
    const r = await scanArchive(file, { algo: 'sha1', limits: DEFAULT_LIMITS });
    expect(r.container).toBe('zip');
    checkTree(r.entries);
    expect(r.anomalies).toEqual([]);
    expect(r.sha256).toBe(execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0]);
  });

  it('zip with deflated entries larger than the one-shot inflate size', async () => {
    const d = join(root, 'bigzip');
    mkdirSync(d);
    const big = Buffer.alloc(9 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big.write(`block ${i}\n`, i);
    writeFileSync(join(d, 'big.txt'), big);
    const rnd = Buffer.allocUnsafe(9 * 1024 * 1024);
    for (let i = 0, x = 1; i < rnd.length; i++) rnd[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
    writeFileSync(join(d, 'rnd.bin'), rnd);
    const file = makeZip(d, { flat: true });
    const r = await scanArchive(file, { algo: 'sha1', limits: DEFAULT_LIMITS });
    const m = byPath(r.entries);
    expect(m.get('big.txt')!.oid).toBe(gitHashObject(join(d, 'big.txt')));
    expect(m.get('rnd.bin')!.oid).toBe(gitHashObject(join(d, 'rnd.bin')));
  });

  it('directory input: walks, hashes, records symlinks without following them', async () => {
    const r = await scanArchive(src, { algo: 'sha1', limits: DEFAULT_LIMITS });
    expect(r.container).toBe('directory');
    expect(r.sha256).toBeUndefined();
    const m = byPath(r.entries);
    for (const f of files) expect(m.get(f)?.oid, f).toBe(expected.get(`pkg-1.0/${f}`));
    expect(m.get('run.sh')!.executable).toBe(true);
    expect(m.get('link')).toMatchObject({ type: 'symlink', linkTarget: 'hello.txt', oid: linkOid });
    expect(m.get('dir')).toMatchObject({ type: 'directory' });
    expect(r.entries.map((e) => e.path)).toEqual([...r.entries.map((e) => e.path)].sort());
  });
});
