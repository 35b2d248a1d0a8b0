/**
 * Hostile compressed streams through the built CLI: truncated and corrupt gzip/xz/bzip2/zstd, wrong magic,
 * empty files, decompression bombs (ratio and absolute limits), a million tiny entries, a header that
 * declares a multi-GB file and then stops.
 */
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { compressFile, rawTar, rawTarHeader, TAR_END, type Compress } from '../helpers/archives.js';
import { tempDir } from '../helpers/tmp.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { scanArchive } from '../../src/scan/archive.js';
import { baseEntries, expectError, expectFindings, makeFixtureRepo, PREFIX, runCli, writePkgTar, type Fixture } from './helpers.js';

const dir = tempDir('distdiff-hostile-streams-');
const cache = join(dir, 'cache');
let fx: Fixture;
let n = 0;
let cleanTar: string;

beforeAll(() => {
  fx = makeFixtureRepo(join(dir, 'repo'));
  cleanTar = writePkgTar(join(dir, 'clean.tar'));
});

function cli(file: string, args: string[] = []) {
  return runCli([file, '--repo', fx.repo.dir, '--tag', 'v1.0', '--cache-dir', cache, ...args]);
}
function writeCase(bytes: Buffer, ext: string): string {
  const file = join(dir, `case-${++n}${ext}`);
  writeFileSync(file, bytes);
  return file;
}

const KINDS: Array<[Exclude<Compress, 'none'>, string]> = [
  ['gzip', '.tar.gz'],
  ['xz', '.tar.xz'],
  ['bzip2', '.tar.bz2'],
  ['zstd', '.tar.zst'],
];

describe.concurrent('hostile compressed streams', () => {
  for (const [kind, ext] of KINDS) {
    it(`${kind}: the intact stream is identical (control)`, async () => {
      const full = compressFile(cleanTar, kind, join(dir, `ok-${kind}${ext}`));
      expectFindings(await cli(full), []);
    });

    it(`${kind}: truncated to half its length → exit 2, corrupt or truncated`, async () => {
      const full = readFileSync(compressFile(cleanTar, kind, join(dir, `t-${kind}${ext}`)));
      const file = writeCase(full.subarray(0, Math.floor(full.length / 2)), ext);
      expectError(await cli(file), file, new RegExp(`^(${kind === 'bzip2' ? 'bzip2' : kind} data is corrupt or truncated|tar is corrupt: archive is truncated)`));
    });

    it(`${kind}: one byte flipped in the middle → exit 2, never a partial comparison`, async () => {
      const full = Buffer.from(readFileSync(compressFile(cleanTar, kind, join(dir, `c-${kind}${ext}`))));
      const mid = Math.floor(full.length / 2);
      full[mid] = full[mid]! ^ 0x55;
      const file = writeCase(full, ext);
      expectError(await cli(file), file, /^((gzip|xz|bzip2|zstd) data is corrupt or truncated|tar is corrupt: )/);
    });
  }

  it('wrong magic (an ELF header) → exit 2, unknown or unsupported format', async () => {
    const file = writeCase(Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(2000, 7)]), '.tar.gz');
    expectError(await cli(file), file, /^(unknown archive format|unsupported archive format)/);
  });

  it('zero-byte file → exit 2, empty', async () => {
    const file = writeCase(Buffer.alloc(0), '.tar.gz');
    expectError(await cli(file), file, /^the file is empty \(0 bytes\)/);
  });

  it('gzip that holds no tar → exit 2', async () => {
    const file = writeCase(gzipSync(Buffer.from('just some text, not a tar archive\n'.repeat(50))), '.tar.gz');
    expectError(await cli(file), file, /^no tar archive inside/);
  });

  it('absolute decompression limit: --max-uncompressed 8K stops a 20 KiB tar with exit 2 naming the limit', async () => {
    const file = writeCase(gzipSync(rawTar(...baseEntries(), Buffer.concat([rawTarHeader(`${PREFIX}/pad`, 16384), Buffer.alloc(16384)]))), '.tar.gz');
    expectError(await cli(file, ['--max-uncompressed', '8K']), file, /^decompressed size exceeds --max-uncompressed \(8192 bytes\)/);
  });
});

describe('decompression bomb and volume', () => {
  let bomb: string;
  beforeAll(async () => {
    // 96 MiB of zeros inside one tar member: gzip makes it ~100 KiB (ratio ~1000:1).
    const size = 96 * 1024 * 1024;
    bomb = join(dir, 'bomb.tar.gz');
    const parts = function* () {
      for (const e of baseEntries()) yield e;
      yield rawTarHeader(`${PREFIX}/zeros.bin`, size);
      const chunk = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < size / chunk.length; i++) yield chunk;
      yield TAR_END;
    };
    await pipeline(Readable.from(parts()), createGzip({ level: 1 }), createWriteStream(bomb));
  });

  it('ratio limit (default 200x) stops the bomb with exit 2 naming --max-ratio', async () => {
    expectError(await cli(bomb), bomb, /^decompressed size exceeds --max-ratio \(200x the \d+-byte input\)/);
  });

  it('ratio limit is an option: --max-ratio 20 names 20x', async () => {
    expectError(await cli(bomb, ['--max-ratio', '20']), bomb, /^decompressed size exceeds --max-ratio \(20x the \d+-byte input\)/);
  });

  // CI size: 250k entries (~10 s); DISTDIFF_HOSTILE_ENTRIES=1000000 for the full million (~30 s, ~1 GB RSS).
  const MANY = Number(process.env.DISTDIFF_HOSTILE_ENTRIES ?? 250_000);
  it(`many tiny entries (${MANY}): --max-entries 1000 stops at the limit with exit 2; unlimited, all are read`, async () => {
    const file = join(dir, 'million.tar.gz');
    await writeManyEntries(file, MANY);
    expectError(await cli(file, ['--max-entries', '1000']), file, /^more than 1000 entries/);
    // With a limit that admits them all, every entry is read (scanner directly: a report of that many findings is not the point).
    const scan = await scanArchive(file, { algo: 'sha1', limits: { ...DEFAULT_LIMITS, maxEntries: MANY + 5 }, retain: () => false });
    expect(scan.entries).toHaveLength(MANY + 5);
    expect(scan.entries[scan.entries.length - 1]!.path).toBe(`${PREFIX}/m/${String(MANY - 1).padStart(8, '0')}`);
    expect(scan.anomalies).toEqual([]);
  });

  it('a header declaring an 8 GiB file followed by a few bytes → exit 2 truncated, nothing allocated up front', async () => {
    const file = writeCase(Buffer.concat([...baseEntries(), rawTarHeader(`${PREFIX}/huge.iso`, 8 * 1024 ** 3), Buffer.alloc(4096, 1)]), '.tar');
    expectError(await cli(file), file, /^tar is corrupt: archive is truncated: an entry's data is cut off at offset \d+/);
  });
});

/** Stream a gzip'd tar of the release plus `count` empty files (generated, never held in memory). */
async function writeManyEntries(file: string, count: number): Promise<void> {
  const template = rawTarHeader(`${PREFIX}/m/00000000`, 0);
  const nameAt = `${PREFIX}/m/`.length;
  function* blocks() {
    for (const e of baseEntries()) yield e;
    const batch = 2048;
    for (let i = 0; i < count; i += batch) {
      const buf = Buffer.alloc(512 * Math.min(batch, count - i));
      for (let k = 0; k * 512 < buf.length; k++) {
        const h = buf.subarray(k * 512, k * 512 + 512);
        template.copy(h);
        h.write(String(i + k).padStart(8, '0'), nameAt, 8, 'latin1');
        h.fill(0x20, 148, 156);
        let sum = 0;
        for (let j = 0; j < 512; j++) sum += h[j]!;
        h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
      }
      yield buf;
    }
    yield TAR_END;
  }
  await pipeline(Readable.from(blocks()), createGzip({ level: 1 }), createWriteStream(file));
}
