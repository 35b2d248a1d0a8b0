import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acquireArchive,
  downloadFileName,
  isUrl,
  originalBasename,
  removeStalePartials,
  STALE_PARTIAL_MS,
  urlBasename,
  type AcquireOptions,
} from '../../src/acquire/archive-source.js';
import { DistdiffError } from '../../src/core/errors.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { startHttpServer, type TestServer } from '../helpers/http-server.js';
import { tempDir } from '../helpers/tmp.js';
import { failure } from '../helpers/errors.js';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

const root = tempDir('distdiff-acq-');
let n = 0;
const cacheDir = () => join(root, `cache${n++}`);
const options = (o: Partial<AcquireOptions> = {}): AcquireOptions => ({ cacheDir: cacheDir(), limits: DEFAULT_LIMITS, ...o });

describe('isUrl', () => {
  it.each([
    ['https://example.org/x.tar.gz', true],
    ['http://127.0.0.1:8080/x', true],
    ['HTTPS://EXAMPLE.ORG/X', true],
    ['ftp://example.org/x', true],
    ['file:///tmp/x.tar.gz', true],
    ['git+ssh://host/x', true],
    ['x.tar.gz', false],
    ['./dir/x.tar.gz', false],
    ['/abs/x.tar.gz', false],
    ['C://x.tar.gz', false],
    ['C:\\x.tar.gz', false],
    ['https:/x', false],
    ['', false],
  ])('%s → %s', (input, expected) => expect(isUrl(input)).toBe(expected));
});

describe('download file names', () => {
  it.each([
    ['https://example.org/releases/xz-5.6.1.tar.gz', 'xz-5.6.1.tar.gz'],
    ['https://example.org/releases/xz-5.6.1.tar.gz?raw=1#frag', 'xz-5.6.1.tar.gz'],
    ['https://example.org/releases/my%20pkg%201.0.tar.gz', 'my_pkg_1.0.tar.gz'],
    ['https://example.org/d/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd', '_.._etc_passwd'],
    ['https://example.org/d/..%2F..%2Fx', '_.._x'],
    ['https://example.org/.hidden.tar', 'hidden.tar'],
    ['https://example.org/', 'download'],
    ['https://example.org', 'download'],
    ['https://example.org/dir/', 'dir'],
    ['https://example.org/%ZZ.tar', '_ZZ.tar'],
    ['https://example.org/p\u00e4ck-1.0.tar.xz', 'p_ck-1.0.tar.xz'],
  ])('%s → %s', (url, name) => {
    expect(urlBasename(url)).toBe(name);
    const file = downloadFileName(url);
    expect(file).toMatch(/^[0-9a-f]{16}-/);
    expect(originalBasename(file)).toBe(name);
  });

  it('keeps the end (the extensions) of an over-long name', () => {
    const name = urlBasename(`https://example.org/${'a'.repeat(500)}-1.0.tar.gz`);
    expect(name.length).toBe(200);
    expect(name.endsWith('a-1.0.tar.gz')).toBe(true);
  });

  it('prefixes with the sha256 of the URL (fragment ignored), so different URLs never share a file', () => {
    const url = 'https://example.org/a/x-1.0.tar.gz';
    expect(downloadFileName(url)).toBe(`${sha(url).slice(0, 16)}-x-1.0.tar.gz`);
    expect(downloadFileName(`${url}#f`)).toBe(downloadFileName(url));
    expect(downloadFileName('https://example.org/b/x-1.0.tar.gz')).not.toBe(downloadFileName(url));
  });
});

describe('acquireArchive: local paths (stat only)', () => {
  it('returns a regular file with its size and no sha256', async () => {
    const file = join(root, 'pkg-1.0.tar.gz');
    writeFileSync(file, 'not really a tarball');
    const a = await acquireArchive(file, options());
    expect(a).toEqual({ source: file, path: file, isDirectory: false, downloaded: false, size: 20 });
  });

  it('resolves a relative path and keeps the input as source', async () => {
    const file = join(root, 'rel.tar');
    writeFileSync(file, 'x');
    const rel = relative(process.cwd(), file);
    expect(isAbsolute(rel)).toBe(false);
    const a = await acquireArchive(rel, options());
    expect(a.source).toBe(rel);
    expect(a.path).toBe(file);
  });

  it('returns a directory', async () => {
    const dir = join(root, 'unpacked');
    mkdirSync(dir);
    const a = await acquireArchive(dir, options());
    expect(a).toEqual({ source: dir, path: dir, isDirectory: true, downloaded: false, size: 0 });
  });

  it('follows a symlink to a file', async () => {
    const target = join(root, 'target.tar');
    writeFileSync(target, 'abc');
    const link = join(root, 'link.tar');
    symlinkSync(target, link);
    const a = await acquireArchive(link, options());
    expect([a.isDirectory, a.size]).toEqual([false, 3]);
  });

  it.each([
    ['a missing file', () => join(root, 'nope.tar.gz')],
    ['a path through a file', () => join(root, 'pkg-1.0.tar.gz', 'inner')],
    ['a dangling symlink', () => {
      const l = join(root, 'dangling');
      symlinkSync(join(root, 'gone'), l);
      return l;
    }],
  ])('refuses %s', async (_what, make) => {
    const p = make();
    const e = await failure(acquireArchive(p, options()));
    expect([e.kind, e.input, e.message, e.hint]).toEqual(['not-found', p, 'no such file', 'check the path']);
  });

  it('refuses a FIFO without opening it', async () => {
    const fifo = join(root, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const e = await failure(acquireArchive(fifo, options()));
    expect([e.kind, e.message]).toEqual(['not-found', 'not a regular file or directory']);
  });

  it('does not check a pin for a local file (the caller compares it with the scan hash)', async () => {
    const file = join(root, 'pinned.tar');
    writeFileSync(file, 'abc');
    const a = await acquireArchive(file, options({ expectedSha256: '0'.repeat(64) }));
    expect(a.sha256).toBeUndefined();
  });

  it('rejects a malformed pin', async () => {
    const e = await failure(acquireArchive(join(root, 'pkg-1.0.tar.gz'), options({ expectedSha256: 'xyz' })));
    expect([e.kind, e.message]).toEqual(['usage', "'xyz' is not a sha256 (64 hex digits)"]);
  });
});

describe('acquireArchive: URLs', () => {
  let server: TestServer;
  const v1 = Buffer.from('release 1.0 bytes\n');
  const v2 = Buffer.from('release 1.0 bytes, re-rolled\n');
  beforeAll(async () => {
    server = await startHttpServer({ 'pkg-1.0.tar.gz': v1 });
  });
  afterAll(() => server.close());

  it('downloads into <cacheDir>/downloads/<prefix>-<basename>', async () => {
    const o = options();
    const url = `${server.base}/redirect/0/pkg-1.0.tar.gz`;
    const a = await acquireArchive(url, o);
    expect(a).toEqual({
      source: url,
      path: resolve(o.cacheDir, 'downloads', downloadFileName(url)),
      isDirectory: false,
      downloaded: true,
      sha256: sha(v1),
      size: v1.length,
      finalUrl: `${server.base}/files/pkg-1.0.tar.gz`,
      fromCache: false,
    });
    expect(originalBasename(basename(a.path))).toBe('pkg-1.0.tar.gz');
    expect(readFileSync(a.path).equals(v1)).toBe(true);
    expect(readdirSync(join(o.cacheDir, 'downloads'))).toEqual([basename(a.path)]);
  });

  it('reuses a pinned cached download without a request', async () => {
    const o = options({ expectedSha256: sha(v1) });
    const url = `${server.base}/files/pkg-1.0.tar.gz`;
    const first = await acquireArchive(url, o);
    expect(first.fromCache).toBe(false);
    const before = server.requests.length;
    const second = await acquireArchive(url, o);
    expect(server.requests.length).toBe(before);
    expect(second).toEqual({ ...first, fromCache: true, finalUrl: undefined });
  });

  it('downloads again without a pin (the server content may have changed)', async () => {
    const o = options();
    const url = `${server.base}/files/pkg-1.0.tar.gz`;
    await acquireArchive(url, o);
    const before = server.requests.length;
    server.files.set('pkg-1.0.tar.gz', v2);
    try {
      const again = await acquireArchive(url, o);
      expect(server.requests.length).toBe(before + 1);
      expect([again.fromCache, again.sha256]).toEqual([false, sha(v2)]);
      expect(readFileSync(again.path).equals(v2)).toBe(true);
    } finally {
      server.files.set('pkg-1.0.tar.gz', v1);
    }
  });

  it('downloads again when the cached file does not match the pin', async () => {
    const o = options({ expectedSha256: sha(v1) });
    const url = `${server.base}/files/pkg-1.0.tar.gz`;
    const first = await acquireArchive(url, o);
    writeFileSync(first.path, 'tampered');
    const again = await acquireArchive(url, o);
    expect(again.fromCache).toBe(false);
    expect(readFileSync(again.path).equals(v1)).toBe(true);
  });

  it('fails with checksum when the served file is not the pinned one, leaving no file', async () => {
    const o = options({ expectedSha256: sha(v2) });
    const url = `${server.base}/files/pkg-1.0.tar.gz`;
    const e = await failure(acquireArchive(url, o));
    expect([e.kind, e.input, e.message]).toEqual(['checksum', url, `sha256 is ${sha(v1)}, expected ${sha(v2)}`]);
    expect(readdirSync(join(o.cacheDir, 'downloads'))).toEqual([]);
  });

  it('refuses plain http to a non-loopback host before any network access', async () => {
    const e = await failure(acquireArchive('http://example.invalid/pkg-1.0.tar.gz', options()));
    expect([e.kind, e.message, e.hint]).toEqual(['usage', 'plain http is not verified in transit', 'use https or pass --allow-http']);
  });

  it.each(['ftp://127.0.0.1/x.tar.gz', 'file:///etc/passwd'])('refuses %s', async (url) => {
    const e = await failure(acquireArchive(url, options()));
    expect([e.kind, e.message]).toEqual(['usage', `unsupported URL scheme ${new URL(url).protocol}`]);
  });

  it('passes download errors through', async () => {
    const o = options();
    const e = await failure(acquireArchive(`${server.base}/status/404`, o));
    expect([e.kind, e.message]).toEqual(['download', 'HTTP 404 Not Found']);
  });
});

describe('removeStalePartials', () => {
  it('deletes only .part- files older than a day', async () => {
    const dir = join(root, 'partials');
    mkdirSync(dir);
    for (const f of ['.part-old-x.tar.gz', '.part-new-x.tar.gz', 'abcdef0123456789-old.tar.gz']) writeFileSync(join(dir, f), 'x');
    const old = new Date(Date.now() - STALE_PARTIAL_MS - 60_000);
    utimesSync(join(dir, '.part-old-x.tar.gz'), old, old);
    utimesSync(join(dir, 'abcdef0123456789-old.tar.gz'), old, old);
    expect(await removeStalePartials(dir)).toEqual(['.part-old-x.tar.gz']);
    expect(readdirSync(dir).sort()).toEqual(['.part-new-x.tar.gz', 'abcdef0123456789-old.tar.gz']);
    expect(await removeStalePartials(join(root, 'no-such-dir'))).toEqual([]);
  });
});
