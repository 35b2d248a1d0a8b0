/**
 * The zip central directory is read in bounded chunks, bounded by the real file size and --max-entries
 * (issue #9 class 5): a sparse file whose end record claims a 3 GiB central directory, and real zips (made
 * by the zip tool) whose end record lies, give exit 2 with one clear line — the process's peak memory
 * stays small (it used to allocate a buffer of the claimed size).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { expectError, FILES, makeFixtureRepo, PREFIX, runCli, type Fixture } from './helpers.js';

const dir = tempDir('distdiff-zip-bounds-');
let fx: Fixture;
let realZip: Buffer;
let n = 0;

/** Writes process.resourceUsage().maxRSS (KiB) to $DISTDIFF_TEST_RSS when the CLI exits. */
const RSS_HOOK = join(dir, 'rss-hook.cjs');

beforeAll(() => {
  fx = makeFixtureRepo(join(dir, 'repo'));
  const tree = join(dir, 'tree', PREFIX);
  for (const [p, [content, exe]] of Object.entries(FILES)) {
    mkdirSync(join(tree, p, '..'), { recursive: true });
    writeFileSync(join(tree, p), content, { mode: exe ? 0o755 : 0o644 });
  }
  execFileSync('zip', ['-q', '-r', '-X', join(dir, 'real.zip'), PREFIX], { cwd: join(dir, 'tree') });
  realZip = readFileSync(join(dir, 'real.zip'));
  writeFileSync(RSS_HOOK, "process.on('exit', () => require('node:fs').writeFileSync(process.env.DISTDIFF_TEST_RSS, String(process.resourceUsage().maxRSS)));\n");
});

/** Offset of the end of central directory record. */
function eocdAt(z: Buffer): number {
  for (let i = z.length - 22; i >= 0; i--) if (z.readUInt32LE(i) === 0x06054b50) return i;
  throw new Error('no EOCD');
}

function write(bytes: Buffer): string {
  const file = join(dir, `case-${++n}.zip`);
  writeFileSync(file, bytes);
  return file;
}

/** Runs the built CLI under the RSS hook; returns the run and the peak RSS in MiB. */
async function cliWithRss(file: string, extra: string[] = []) {
  const rssFile = join(dir, `rss-${++n}`);
  const r = await runCli([file, '--repo', fx.repo.dir, '--tag', 'v1.0', '--cache-dir', join(dir, 'cache'), ...extra], {
    env: { ...process.env, NO_COLOR: '1', DISTDIFF_DEBUG: '', NODE_OPTIONS: `--require ${RSS_HOOK}`, DISTDIFF_TEST_RSS: rssFile },
  });
  return { r, rssMiB: Number(readFileSync(rssFile, 'utf8')) / 1024 };
}

describe('zip central directory bounds', () => {
  it('control: the real zip compares as identical', async () => {
    const { r } = await cliWithRss(write(realZip));
    expect(r.code, r.stderr).toBe(0);
    expect(r.json?.verdict).toBe('identical');
  });

  it('sparse 3 GiB file whose end record claims a 3 GiB central directory: exit 2, peak RSS stays small', async () => {
    const file = join(dir, 'sparse.zip');
    // A local header signature first (so it is sniffed as a zip), then a 3 GiB hole made by truncate.
    writeFileSync(file, realZip.subarray(0, 64));
    execFileSync('truncate', ['-s', '3G', file]);
    const size = 3 * 1024 ** 3;
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(60000, 8);
    eocd.writeUInt16LE(60000, 10);
    eocd.writeUInt32LE(size - 22 - 64, 12); // central directory size: nearly the whole file
    eocd.writeUInt32LE(64, 16); // ... starting right after the header
    const fd = openSync(file, 'r+');
    writeSync(fd, eocd, 0, 22, size - 22);
    closeSync(fd);
    const { r, rssMiB } = await cliWithRss(file);
    expectError(r, file, /^zip is corrupt: bad central directory entry 0/);
    expect(rssMiB).toBeLessThan(400);
  }, 120_000);

  it('end record claims more entries than its central directory can hold: exit 2', async () => {
    const z = Buffer.from(realZip);
    const e = eocdAt(z);
    z.writeUInt16LE(60000, e + 8);
    z.writeUInt16LE(60000, e + 10);
    const file = write(z);
    expectError((await cliWithRss(file)).r, file, /^zip is corrupt: the end record claims 60000 entries in a \d+-byte central directory;/);
  });

  it('end record claims a central directory beyond the end of the file: exit 2', async () => {
    const z = Buffer.from(realZip);
    z.writeUInt32LE(0x7fffffff, eocdAt(z) + 12);
    const file = write(z);
    expectError((await cliWithRss(file)).r, file, /^zip is corrupt: central directory lies beyond the end of the file/);
  });

  it('end record places the central directory on local data: exit 2', async () => {
    const z = Buffer.from(realZip);
    const e = eocdAt(z);
    const cdSize = z.readUInt32LE(e + 12);
    z.writeUInt32LE(0, e + 16); // offset 0: a local header, not a central directory entry
    z.writeUInt32LE(Math.min(cdSize, e), e + 12);
    const file = write(z);
    expectError((await cliWithRss(file)).r, file, /^zip is corrupt: bad central directory entry 0/);
  });

  it('zip64 end record claiming 2^40 entries: exit 2 at --max-entries, before anything is read', async () => {
    const z = Buffer.from(realZip);
    const e = eocdAt(z);
    const cdSize = z.readUInt32LE(e + 12);
    const cdOffset = z.readUInt32LE(e + 16);
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(0x06064b50, 0);
    rec.writeBigUInt64LE(44n, 4);
    rec.writeUInt16LE(45, 12);
    rec.writeUInt16LE(45, 14);
    rec.writeBigUInt64LE(2n ** 40n, 24);
    rec.writeBigUInt64LE(2n ** 40n, 32);
    rec.writeBigUInt64LE(BigInt(cdSize), 40);
    rec.writeBigUInt64LE(BigInt(cdOffset), 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeBigUInt64LE(BigInt(e), 8);
    loc.writeUInt32LE(1, 16);
    const end = Buffer.from(z.subarray(e, e + 22));
    end.writeUInt16LE(0xffff, 8);
    end.writeUInt16LE(0xffff, 10);
    const file = write(Buffer.concat([z.subarray(0, e), rec, loc, end]));
    expectError((await cliWithRss(file)).r, file, new RegExp(`^more than ${DEFAULT_LIMITS.maxEntries} entries; raise --max-entries`));
  });

  it('a real zip with more members than --max-entries: exit 2', async () => {
    const file = write(realZip);
    expectError((await cliWithRss(file, ['--max-entries', '3'])).r, file, /^more than 3 entries; raise --max-entries/);
  });
});
