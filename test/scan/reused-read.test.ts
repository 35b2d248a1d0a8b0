/**
 * A child decoder's output read into one reused buffer (src/scan/decode.ts decoderSocket): every chunk is a
 * view of the same 1 MiB of memory, overwritten by the next read, so whatever the scan keeps must be copied
 * before that (FileSink.release). Checked on real archives made by tar + xz/zstd/bzip2 whose files have
 * content no two reads share (a file that kept a view instead of a copy would come out overwritten), kept
 * both after git's ids are known and while they are still pending (held content).
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { openDecoded } from '../../src/scan/decode.js';
import { scanDecodedTar } from '../../src/scan/tar-scan.js';
import type { RetainFn, ScanOptions } from '../../src/scan/entries.js';
import { makeTar, type Compress } from '../helpers/archives.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();
const src = join(dir, 'rel-1.0');
mkdirSync(join(src, 'sub'), { recursive: true });

/** Bytes that never repeat a 1 MiB read's worth of content: sha256 in counter mode. */
function bytes(seed: string, n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  for (let i = 0, k = 0; i < n; k++) i += createHash('sha256').update(`${seed}:${k}`).digest().copy(out, i);
  return out;
}

// A 3 MiB file (several reads), files of 100-700 KiB (across read boundaries), small files between them.
const files: Record<string, Buffer> = {
  'rel-1.0/big.bin': bytes('big', 3 << 20),
  'rel-1.0/README': Buffer.from('hello\n'),
};
for (let i = 0; i < 12; i++) {
  files[`rel-1.0/sub/mid-${i}.dat`] = bytes(`mid${i}`, 100_000 + i * 50_000);
  files[`rel-1.0/sub/small-${i}.txt`] = bytes(`small${i}`, 300 + i * 97);
}
for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);

const opts: ScanOptions = { algo: 'sha1', limits: DEFAULT_LIMITS };
const sha1 = (b: Buffer) => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');

async function scan(file: string, compression: Compress, o: ScanOptions & { reuse?: boolean; retainOnDone?: boolean }) {
  const dec = await openDecoded(file, compression as 'xz' | 'zstd' | 'bzip2', { reuseReadBuffer: o.reuse });
  let retain: ScanOptions['retain'] = () => true;
  // Resolved once the decoder has exited: the files finished before are held with their content.
  if (o.retainOnDone) retain = dec.done.then((): RetainFn => () => true);
  const r = await scanDecodedTar(file, dec, compression as 'xz', () => statSync(file).size, { ...o, retain });
  return { dec, r };
}

const envTmp = process.env.TMPDIR;
afterEach(() => {
  if (envTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = envTmp;
});

describe('reading a child decoder into one reused buffer', () => {
  for (const compress of ['xz', 'zstd', 'bzip2'] as Compress[]) {
    it(`${compress}: every kept file's content and id are its bytes, kept after or before git's ids are known`, async () => {
      const file = makeTar(src, { compress });
      const tmp = join(dir, `tmp-${compress}`);
      mkdirSync(tmp);
      process.env.TMPDIR = tmp;
      for (const retainOnDone of [false, true]) {
        const { dec, r } = await scan(file, compress, { ...opts, retainOnDone });
        expect([dec.reusedChunks, dec.stableChunks]).toEqual([true, false]);
        const got = Object.fromEntries(r.entries.filter((e) => e.type === 'file').map((e) => [e.path, e.oid]));
        expect(got).toEqual(Object.fromEntries(Object.entries(files).map(([p, b]) => [p, sha1(b)])));
        for (const [path, content] of Object.entries(files)) expect(r.content.get(sha1(content))?.equals(content), path).toBe(true);
      }
      // The socket's private directory is gone once the two ends are connected.
      expect(readdirSync(tmp)).toEqual([]);
      // The same scan from the pipe (a fresh Buffer per read, referenced until the file ends).
      const piped = await scan(file, compress, { ...opts, reuse: false });
      expect([piped.dec.reusedChunks, piped.dec.stableChunks]).toEqual([false, true]);
      const reused = await scan(file, compress, opts);
      expect(reused.r.entries).toEqual(piped.r.entries);
      expect([reused.r.uncompressedBytes, reused.r.sha256]).toEqual([piped.r.uncompressedBytes, piped.r.sha256]);
    });
  }

  it('a temporary directory whose path is too long for a socket address: the pipe, with the same scan', async () => {
    const file = makeTar(src, { compress: 'zstd' });
    const long = join(dir, 'x'.repeat(120));
    mkdirSync(long);
    process.env.TMPDIR = long;
    const { dec, r } = await scan(file, 'zstd', opts);
    expect([dec.reusedChunks, dec.stableChunks]).toEqual([false, true]);
    expect(r.content.get(sha1(files['rel-1.0/big.bin']!))?.equals(files['rel-1.0/big.bin']!)).toBe(true);
    expect(readdirSync(long)).toEqual([]);
    // …and no socket bound at a path cut short (libuv truncates a long path silently).
    expect(readdirSync(dir).filter((n) => statSync(join(dir, n)).isSocket())).toEqual([]);
  });

  it('a corrupt stream read through the socket is still an error naming the input, never a partial scan', async () => {
    const good = readFileSync(makeTar(src, { compress: 'zstd' }));
    const cut = join(dir, 'cut.tar.zst');
    writeFileSync(cut, good.subarray(0, good.length >> 1));
    const e = await scan(cut, 'zstd', opts).then(
      () => undefined,
      (err: unknown) => err as { kind: string; input: string; message: string },
    );
    expect([e?.kind, e?.input, e?.message.startsWith('zstd data is corrupt or truncated')]).toEqual(['archive', cut, true]);
  });
});
