/**
 * scanStream: the same scan from a byte stream as from the file, for every tar compression, with system
 * decoders and with the pure-JS fallbacks; zip and unknown formats refused with one line.
 */
import { createReadStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { scanArchive } from '../../src/scan/archive.js';
import { scanStream } from '../../src/scan/stream.js';
import { makeTar, makeZip, type Compress } from '../helpers/archives.js';
import { failure } from '../helpers/errors.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();
const src = join(dir, 'rel-1.0');
mkdirSync(join(src, 'sub'), { recursive: true });
writeFileSync(join(src, 'README'), 'hello\n');
writeFileSync(join(src, 'sub', 'big.bin'), Buffer.alloc(3 << 20, 7)); // several decoder chunks
writeFileSync(join(src, 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
const opts = { algo: 'sha1' as const, limits: DEFAULT_LIMITS };

/** The scan without what differs by construction (the decoder's name for the fallback case). */
const shape = (s: Awaited<ReturnType<typeof scanArchive>>) => ({
  entries: s.entries,
  anomalies: s.anomalies,
  compression: s.compression,
  sha256: s.sha256,
  inputBytes: s.inputBytes,
  uncompressedBytes: s.uncompressedBytes,
  readme: s.content.get(s.entries.find((e) => e.path === 'rel-1.0/README')!.oid!)?.toString(),
});

describe('scanStream', () => {
  for (const compress of ['none', 'gzip', 'xz', 'bzip2', 'zstd'] as Compress[]) {
    it(`${compress}: same entries, ids, sha256 and content as scanning the file`, async () => {
      const file = makeTar(src, { compress });
      const fromFile = await scanArchive(file, opts);
      const fromStream = await scanStream(createReadStream(file, { highWaterMark: 1000 }), { ...opts, name: 'upload' });
      expect(shape(fromStream)).toEqual(shape(fromFile));
      expect(fromStream.decoder).toBe(fromFile.decoder);
      const fallback = await scanStream(createReadStream(file), { ...opts, systemDecoders: false });
      expect(shape(fallback)).toEqual(shape(fromFile));
    });
  }

  it('takes any async iterable (a web ReadableStream here)', async () => {
    const file = makeTar(src, { compress: 'gzip' });
    const web = new Blob([readFileSync(file)]).stream();
    expect(shape(await scanStream(web, opts))).toEqual(shape(await scanArchive(file, opts)));
  });

  it('a zip is refused: its directory is at the end', async () => {
    const e = await failure(scanStream(createReadStream(makeZip(src)), { ...opts, name: 'rel.zip' }));
    expect(e.oneLine()).toBe('rel.zip: a zip archive cannot be scanned from a stream (its directory is at the end); write it to a file and scan the file');
  });

  it('an empty stream and an unknown format are errors naming the stream', async () => {
    expect((await failure(scanStream((async function* () {})(), opts))).oneLine()).toBe('<stream>: the stream is empty (0 bytes); the download may have failed; fetch it again');
    const e = await failure(scanStream([Buffer.from('LZIP\x01rest')], { ...opts, name: 'x.lz' }));
    expect([e.kind, e.message]).toEqual(['archive', 'unsupported archive format: lzip']);
  });

  it('a truncated xz stream is corrupt, never a partial scan', async () => {
    const bytes = readFileSync(makeTar(src, { compress: 'xz' }));
    const e = await failure(scanStream((async function* () { yield bytes.subarray(0, bytes.length >> 1); })(), { ...opts, name: 'cut.tar.xz' }));
    expect([e.kind, e.input, e.message.startsWith('xz data is corrupt or truncated')]).toEqual(['archive', 'cut.tar.xz', true]);
  });

  it('a source that fails mid-way is an archive error naming the stream', async () => {
    const bytes = readFileSync(makeTar(src, { compress: 'gzip' }));
    const e = await failure(
      scanStream(
        (async function* () {
          yield bytes.subarray(0, 4096);
          throw new Error('connection reset');
        })(),
        { ...opts, name: 'https://example.invalid/x.tar.gz' },
      ),
    );
    expect(e.oneLine()).toBe('https://example.invalid/x.tar.gz: cannot read the stream: connection reset; check the source of the stream');
  });
});
