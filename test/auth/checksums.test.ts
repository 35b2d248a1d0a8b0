import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveName, MAX_SIDE_FILE, parseChecksums, pickChecksum, readSideInput } from '../../src/acquire/checksums.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { startHttpServer, type TestServer } from '../helpers/http-server.js';
import { tempDir } from '../helpers/tmp.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const dir = tempDir('distdiff-sums-');

describe('parseChecksums', () => {
  it('reads sha256sum output from the real tool: text, binary (*), --tag (BSD) and escaped names', () => {
    writeFileSync(join(dir, 'hello-1.0.tar.gz'), 'x');
    writeFileSync(join(dir, 'back\\slash.tar'), 'y');
    const run = (args: string[]) => execFileSync('sha256sum', args, { cwd: dir }).toString();
    const text = run(['hello-1.0.tar.gz']);
    const binary = run(['-b', 'hello-1.0.tar.gz']);
    const bsd = run(['--tag', 'hello-1.0.tar.gz']);
    const escaped = run(['back\\slash.tar']);
    const x = '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881';
    expect(binary).toContain(' *hello-1.0.tar.gz');
    expect(bsd).toBe(`SHA256 (hello-1.0.tar.gz) = ${x}\n`);
    expect(escaped.startsWith('\\')).toBe(true);
    const entries = parseChecksums(text + binary + bsd + escaped, 'SUMS');
    expect(entries).toEqual([
      { name: 'hello-1.0.tar.gz', sha256: x, line: 1 },
      { name: 'hello-1.0.tar.gz', sha256: x, line: 2 },
      { name: 'hello-1.0.tar.gz', sha256: x, line: 3 },
      { name: 'back\\slash.tar', sha256: 'a1fce4363854ff888cff4b8e7875d600c2682390412a8cf79b37d0b11148b0fa', line: 4 },
    ]);
  });

  it('ignores comments, blank lines, CRLF, upper-case hex and other digests', () => {
    const text = `# SHA256SUMS\r\n\r\n${A.toUpperCase()}  foo.tar.gz\r\n${'c'.repeat(128)}  foo.tar.gz\r\nSHA512 (foo.tar.xz) = ${'d'.repeat(128)}\r\n`;
    expect(parseChecksums(text, 'SUMS')).toEqual([{ name: 'foo.tar.gz', sha256: A, line: 3 }]);
  });

  it('a file without sha256 lines is a checksum error, worded by what it has', () => {
    expect(() => parseChecksums('hello world\n', 'x.txt')).toThrow(/^not a checksums file/);
    expect(() => parseChecksums(`${'c'.repeat(128)}  foo.tar.gz\n`, 'SHA512SUMS')).toThrow('the checksums file has no sha256 entries');
  });
});

describe('pickChecksum', () => {
  const entries = parseChecksums(`${A}  foo-1.0.tar.gz\n${B}  ./sub/bar-2.0.tar.xz\n${A}  dist/baz.zip\n${B}  other/baz.zip\n`, 'SUMS');

  it('exact name, then a leading ./ or directory', () => {
    expect(pickChecksum(entries, ['foo-1.0.tar.gz'], 'SUMS')).toMatchObject({ sha256: A, line: 1 });
    expect(pickChecksum(entries, ['bar-2.0.tar.xz'], 'SUMS')).toMatchObject({ sha256: B, line: 2, name: './sub/bar-2.0.tar.xz' });
  });

  it('missing entry → checksum error naming the file and the wanted name', () => {
    try {
      pickChecksum(entries, ['foo-1.1.tar.gz'], 'https://h/SHA256SUMS');
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ kind: 'checksum', input: 'https://h/SHA256SUMS', message: 'no sha256 entry for foo-1.1.tar.gz' });
    }
  });

  it('two different digests for one basename are ambiguous', () => {
    expect(() => pickChecksum(entries, ['baz.zip'], 'SUMS')).toThrow('2 different sha256 entries for baz.zip (lines 3, 4)');
  });
});

describe('archiveName', () => {
  it('URL last segment decoded, or the path basename', () => {
    expect(archiveName('https://example.org/dl/foo%2B1-1.0.tar.gz?x=1')).toBe('foo+1-1.0.tar.gz');
    expect(archiveName('/tmp/a/b/foo-1.0.tar.gz')).toBe('foo-1.0.tar.gz');
    expect(archiveName('foo-1.0.tar.gz')).toBe('foo-1.0.tar.gz');
  });
});

describe('readSideInput', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startHttpServer({ SHA256SUMS: Buffer.from(`${A}  foo.tar.gz\n`), big: Buffer.alloc(MAX_SIDE_FILE + 1) });
  });
  afterAll(() => server.close());
  const opts = () => ({ cacheDir: join(dir, 'cache'), limits: DEFAULT_LIMITS, what: 'checksums file' });

  it('downloads a URL from a 127.0.0.1 server, and reads a local path', async () => {
    expect((await readSideInput(`${server.base}/files/SHA256SUMS`, opts())).toString()).toBe(`${A}  foo.tar.gz\n`);
    const local = join(dir, 'local.sums');
    writeFileSync(local, 'abc');
    expect((await readSideInput(local, opts())).toString()).toBe('abc');
  });

  it('a 404, a missing path and an oversized file are one-line errors', async () => {
    await expect(readSideInput(`${server.base}/status/404`, opts())).rejects.toMatchObject({ kind: 'download' });
    await expect(readSideInput(join(dir, 'missing'), opts())).rejects.toMatchObject({ kind: 'not-found', message: 'no such checksums file' });
    await expect(readSideInput(`${server.base}/files/big`, opts())).rejects.toMatchObject({ kind: 'limit' });
    const big = join(dir, 'big');
    writeFileSync(big, Buffer.alloc(MAX_SIDE_FILE + 1));
    await expect(readSideInput(big, opts())).rejects.toMatchObject({ kind: 'limit' });
  });
});
