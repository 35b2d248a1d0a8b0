/**
 * Property-based fuzzing (fast-check) of the archive reader and the path normaliser.
 *
 * Archive reader: valid archives (tar with pax/GNU/link entries, gzip, xz, zstd, bzip2 — system tools and the
 * pure-JS fallbacks — and zip) are mutated (bytes flipped, cut, inserted, overwritten) and fed to scanArchive,
 * which must resolve or reject with a DistdiffError: never another exception, never a hang (inputs are a few
 * KiB; limits are small). Path normaliser: never absolute, '..' only when flagged, no empty or '.' components,
 * idempotent.
 *
 * CI runs a few hundred cases in seconds. Longer runs: DISTDIFF_FUZZ_RUNS=20000 npx vitest run test/hostile/fuzz.test.ts
 * (scales every property; DISTDIFF_FUZZ_SEED=<n> replays a seed). Inputs that once broke something are kept in
 * REGRESSIONS below and run every time.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { DistdiffError } from '../../src/core/errors.js';
import { DEFAULT_LIMITS, type Limits } from '../../src/core/limits.js';
import { scanArchive } from '../../src/scan/archive.js';
import { normaliseEntryName, type PathIssue } from '../../src/scan/paths.js';
import { compressFile, rawPaxEntry, rawTar, rawTarEntry } from '../helpers/archives.js';
import { tempDir } from '../helpers/tmp.js';
import { handZip } from './helpers.js';

/** An issue's code, with the reason for UNSAFE_PATH. */
const issueName = (i: PathIssue) => (i.code === 'UNSAFE_PATH' ? `UNSAFE_PATH ${i.evidence.reason}` : i.code);

const RUNS = Number(process.env.DISTDIFF_FUZZ_RUNS ?? 200);
const SEED = process.env.DISTDIFF_FUZZ_SEED !== undefined ? Number(process.env.DISTDIFF_FUZZ_SEED) : undefined;
const params = (numRuns: number) => ({ numRuns: Math.max(1, Math.round(numRuns)), ...(SEED !== undefined ? { seed: SEED } : {}) });

const dir = tempDir('distdiff-fuzz-');
const limits: Limits = { ...DEFAULT_LIMITS, maxUncompressed: 8 * 1024 * 1024, maxEntries: 5000, maxPathLength: 4096, maxRetainFile: 64 * 1024, maxRetainTotal: 1024 * 1024 };

/** Inputs that once made the reader throw something other than a DistdiffError (hex), with what they are. */
const REGRESSIONS: Array<[string, string]> = [
  // A pax header whose record length field is huge.
  ['pax record length past the header', rawTar(rawTarEntry('PaxHeader', '99999999 path=x\n', { type: 'x' }), rawTarEntry('a', 'a')).toString('hex')],
  // A GNU long name of zero bytes followed directly by the end marker.
  ['empty GNU long name then the end', rawTar(rawTarEntry('././@LongLink', '', { type: 'L', magic: 'gnu' })).toString('hex')],
  // A gzip member with a valid header and nothing else.
  ['gzip header only', gzipSync(Buffer.from('x')).subarray(0, 10).toString('hex')],
];

type Mutation =
  | { op: 'flip'; at: number; mask: number }
  | { op: 'cut'; at: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'overwrite'; at: number; bytes: Uint8Array };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ op: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 600 }) }),
  fc.record({ op: fc.constant('overwrite' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
);

function mutate(base: Buffer, ms: Mutation[]): Buffer {
  let b = Buffer.from(base);
  for (const m of ms) {
    if (b.length === 0) break;
    const at = m.at % b.length;
    if (m.op === 'flip') b[at] = b[at]! ^ m.mask;
    else if (m.op === 'cut') b = b.subarray(0, at);
    else if (m.op === 'insert') b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
    else Buffer.from(m.bytes).copy(b, at);
  }
  return b;
}

let caseNo = 0;
/** scanArchive on the bytes: resolves, or rejects with a DistdiffError. Returns what happened. */
async function scanBytes(bytes: Buffer, ext: string, systemDecoders = true): Promise<'ok' | 'error'> {
  const file = join(dir, `f-${++caseNo}${ext}`);
  writeFileSync(file, bytes);
  try {
    const r = await scanArchive(file, { algo: 'sha1', limits, systemDecoders });
    // Whatever was read is internally consistent: every file has a sha1 blob id, except a sparse file
    // (its content is not read), which is reported as a SPARSE_FILE anomaly on that very path.
    const sparse = new Set(r.anomalies.filter((a) => a.code === 'SPARSE_FILE').map((a) => a.path));
    for (const e of r.entries) {
      expect(e.path.startsWith('/')).toBe(false);
      if (e.type !== 'file') continue;
      if (e.oid === undefined) expect(sparse.has(e.path), `file ${JSON.stringify(e.path)} without a blob id`).toBe(true);
      else expect(e.oid).toMatch(/^[0-9a-f]{40}$/);
    }
    return 'ok';
  } catch (e) {
    if (!(e instanceof DistdiffError)) {
      throw new Error(`non-DistdiffError for ${ext} input ${bytes.toString('hex').slice(0, 4000)}: ${(e as Error)?.stack ?? String(e)}`);
    }
    expect(e.message).not.toMatch(/[\r\n]/);
    return 'error';
  }
}

const seeds: Record<string, Buffer> = {};

beforeAll(() => {
  const tar = rawTar(
    rawTarEntry('pkg-1.0/', '', { type: '5' }),
    rawTarEntry('pkg-1.0/README', 'hello\n'),
    rawPaxEntry({ path: `pkg-1.0/${'p'.repeat(120)}`, comment: 'x' }),
    rawTarEntry('ignored', 'pax named\n'),
    rawTarEntry('././@LongLink', `pkg-1.0/${'l'.repeat(110)}\0`, { type: 'L', magic: 'gnu' }),
    rawTarEntry('short', 'gnu named\n', { magic: 'gnu' }),
    rawTarEntry('pkg-1.0/link', '', { type: '2', linkname: 'README' }),
    rawTarEntry('pkg-1.0/hard', '', { type: '1', linkname: 'pkg-1.0/README' }),
    rawTarEntry('pkg-1.0/run.sh', '#!/bin/sh\necho hi\n', { mode: 0o755 }),
  );
  seeds.tar = tar;
  const tarFile = join(dir, 'seed.tar');
  writeFileSync(tarFile, tar);
  seeds.gz = gzipSync(tar);
  for (const [k, c] of [['xz', 'xz'], ['zst', 'zstd'], ['bz2', 'bzip2']] as const) {
    seeds[k] = Buffer.from(readFileSync(compressFile(tarFile, c, join(dir, `seed.tar.${k}`))));
  }
  seeds.zip = handZip([{ name: 'pkg-1.0/' }, { name: 'pkg-1.0/README', data: 'hello\n' }, { name: 'pkg-1.0/link', data: 'README', mode: 0o120777 }]);
});

describe('fuzz: scanArchive on mutated archives', () => {
  it('the unmutated seeds scan cleanly', async () => {
    for (const [k, b] of Object.entries(seeds)) expect(await scanBytes(b, `.${k}`), k).toBe('ok');
  });

  it('regression corpus: each input resolves or rejects with a DistdiffError', async () => {
    for (const [, hex] of REGRESSIONS) {
      for (const ext of ['.tar', '.tar.gz']) await scanBytes(Buffer.from(hex, 'hex'), ext);
    }
  });

  const plan: Array<[seed: string, ext: string, share: number, system: boolean]> = [
    ['tar', '.tar', 1, true],
    ['gz', '.tar.gz', 0.5, true],
    ['zip', '.zip', 0.5, true],
    ['xz', '.tar.xz', 0.1, true],
    ['zst', '.tar.zst', 0.1, true],
    ['bz2', '.tar.bz2', 0.1, true],
    ['xz', '.tar.xz', 0.15, false],
    ['zst', '.tar.zst', 0.15, false],
    ['bz2', '.tar.bz2', 0.15, false],
  ];
  for (const [seed, ext, share, system] of plan) {
    it(`${seed}${system ? '' : ' (pure-JS fallback decoder)'}: mutated bytes never escape as a raw exception`, async () => {
      let ok = 0;
      let err = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (ms) => {
          const res = await scanBytes(mutate(seeds[seed]!, ms), ext, system);
          if (res === 'ok') ok += 1;
          else err += 1;
        }),
        params(RUNS * share),
      );
      expect(ok + err).toBeGreaterThan(0);
    });
  }

  it('tar: random bytes after a valid first header never escape as a raw exception', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 3000 }), async (tail) => {
        await scanBytes(Buffer.concat([rawTarEntry('a', 'a'), tail]), '.tar');
      }),
      params(RUNS * 0.5),
    );
  });
});

describe('fuzz: normaliseEntryName', () => {
  const pathChars = fc.constantFrom('a', 'b', '/', '.', '..', '\\', '//', './', '../', ' ', '\u00e9', '\u200b', '\0', '\u043e');
  const pathLike = fc.array(pathChars, { maxLength: 24 }).map((a) => a.join(''));
  const anyName = fc.oneof(pathLike, fc.string({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), pathLike.map((s) => Buffer.from(s)));

  it('never absolute, ".." only when flagged, no empty or "." components, idempotent', () => {
    fc.assert(
      fc.property(anyName, (raw) => {
        const n = normaliseEntryName(raw);
        expect(n.path.startsWith('/')).toBe(false);
        const comps = n.path === '' ? [] : n.path.split('/');
        expect(comps.filter((c) => c === '' || c === '.')).toEqual([]);
        if (comps.includes('..')) expect(n.issues.map(issueName)).toContain('UNSAFE_PATH dotdot');
        const again = normaliseEntryName(n.path);
        expect(again.path).toBe(n.path);
        expect(again.issues.map(issueName).filter((k) => k === 'UNSAFE_PATH absolute')).toEqual([]);
      }),
      params(RUNS * 5),
    );
  });

  it('a leading "/" is always reported as UNSAFE_PATH absolute; bytes that are not UTF-8 as NON_UTF8_NAME', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), (raw) => {
        const n = normaliseEntryName(raw);
        if (raw[0] === 0x2f) expect(n.issues.map(issueName)).toContain('UNSAFE_PATH absolute');
        if (!Buffer.from(raw).equals(Buffer.from(Buffer.from(raw).toString('utf8')))) expect(n.issues.map(issueName)).toContain('NON_UTF8_NAME');
      }),
      params(RUNS * 5),
    );
  });
});
