import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download, isLoopbackHost, type DownloadOptions, type DownloadProgress } from '../../src/acquire/download.js';
import { DistdiffError } from '../../src/core/errors.js';
import { makeSelfSignedCert, startHttpServer, type TestServer } from '../helpers/http-server.js';
import { tempDir } from '../helpers/tmp.js';
import { failure } from '../helpers/errors.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const MiB = 1024 * 1024;
const limits = { maxDownload: 4 * MiB, timeoutMs: 10_000 };

const root = tempDir('distdiff-dl-');
let server: TestServer;
let tarGz: Buffer;
let big: Buffer;
let n = 0;
/** A fresh, empty destination directory per test. */
function destDir(): string {
  const d = join(root, `d${n++}`);
  mkdirSync(d);
  return d;
}
const opts = (o: Partial<DownloadOptions> = {}): DownloadOptions => ({ limits, ...o });

beforeAll(async () => {
  const src = join(root, 'src');
  mkdirSync(join(src, 'pkg-1.0'), { recursive: true });
  writeFileSync(join(src, 'pkg-1.0', 'README'), 'hello\n');
  writeFileSync(join(src, 'pkg-1.0', 'configure'), '#!/bin/sh\necho hi\n');
  execFileSync('tar', ['-C', src, '--mtime=2024-01-01 00:00Z', '--owner=0', '--group=0', '-czf', join(root, 'pkg-1.0.tar.gz'), 'pkg-1.0']);
  tarGz = readFileSync(join(root, 'pkg-1.0.tar.gz'));
  big = randomBytes(MiB + 12345);
  server = await startHttpServer({ 'pkg-1.0.tar.gz': tarGz, 'big.bin': big });
});
afterAll(() => server.close());

describe('download: success paths', () => {
  it('stores the bytes, returns their sha256, size and URL, sends Accept-Encoding: identity', async () => {
    const dir = destDir();
    const dest = join(dir, 'out.tar.gz');
    const before = server.requests.length;
    const r = await download(`${server.base}/files/pkg-1.0.tar.gz`, dest, opts());
    expect(r).toEqual({ sha256: sha(tarGz), size: tarGz.length, finalUrl: `${server.base}/files/pkg-1.0.tar.gz` });
    expect(readFileSync(dest).equals(tarGz)).toBe(true);
    expect(readdirSync(dir)).toEqual(['out.tar.gz']);
    expect(server.requests.length).toBe(before + 1);
    expect(server.requests[before]!.headers['accept-encoding']).toBe('identity');
  });

  it('downloads a chunked body without Content-Length; progress has no total', async () => {
    const seen: DownloadProgress[] = [];
    const dest = join(destDir(), 'big.bin');
    const r = await download(`${server.base}/chunked/big.bin`, dest, opts({ progress: (p) => seen.push(p) }));
    expect(r.sha256).toBe(sha(big));
    expect(r.size).toBe(big.length);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.every((p) => p.total === undefined)).toBe(true);
    expect(seen.at(-1)!.bytes).toBe(big.length);
  });

  it('reports progress with strictly increasing bytes and the Content-Length as total', async () => {
    const seen: DownloadProgress[] = [];
    await download(`${server.base}/files/big.bin`, join(destDir(), 'big.bin'), opts({ progress: (p) => seen.push({ ...p }) }));
    expect(seen.length).toBeGreaterThan(1);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.bytes).toBeGreaterThan(seen[i - 1]!.bytes);
      expect(seen[i]!.elapsedMs).toBeGreaterThanOrEqual(seen[i - 1]!.elapsedMs);
    }
    expect(seen.every((p) => p.total === big.length)).toBe(true);
    expect(seen.at(-1)!.bytes).toBe(big.length);
  });

  it('accepts a body of exactly maxDownload bytes', async () => {
    const r = await download(`${server.base}/chunked/big.bin`, join(destDir(), 'b'), opts({ limits: { ...limits, maxDownload: big.length } }));
    expect(r.size).toBe(big.length);
  });

  it('follows 5 redirects and reports the final URL', async () => {
    const r = await download(`${server.base}/redirect/4/pkg-1.0.tar.gz`, join(destDir(), 'x.tar.gz'), opts());
    expect(r.finalUrl).toBe(`${server.base}/files/pkg-1.0.tar.gz`);
    expect(r.sha256).toBe(sha(tarGz));
  });

  it('resolves a relative Location against the current URL', async () => {
    const r = await download(`${server.base}/redirect-to?to=${encodeURIComponent('../files/pkg-1.0.tar.gz')}`, join(destDir(), 'x'), opts());
    expect(r.finalUrl).toBe(`${server.base}/files/pkg-1.0.tar.gz`);
  });

  it('replaces an existing destination atomically', async () => {
    const dir = destDir();
    const dest = join(dir, 'x');
    writeFileSync(dest, 'old');
    await download(`${server.base}/files/pkg-1.0.tar.gz`, dest, opts());
    expect(readFileSync(dest).equals(tarGz)).toBe(true);
    expect(readdirSync(dir)).toEqual(['x']);
  });

  it('stores a Content-Encoding: gzip entity as sent, byte-identical to curl -O', async () => {
    const dir = destDir();
    const url = `${server.base}/gzip-encoded/pkg-1.0.tar.gz`;
    const r = await download(url, join(dir, 'pkg-1.0.tar.gz'), opts({ expectedSha256: sha(tarGz) }));
    expect(r.sha256).toBe(sha(tarGz));
    const curlDir = join(dir, 'curl');
    mkdirSync(curlDir);
    // async: the server runs in this process, a synchronous child would deadlock it
    await promisify(execFile)('curl', ['-sS', '--noproxy', '*', '-O', url], { cwd: curlDir });
    expect(sha(readFileSync(join(curlDir, 'pkg-1.0.tar.gz')))).toBe(r.sha256);
  });

  it('accepts a matching pin in upper case', async () => {
    const r = await download(`${server.base}/files/pkg-1.0.tar.gz`, join(destDir(), 'x'), opts({ expectedSha256: sha(tarGz).toUpperCase() }));
    expect(r.sha256).toBe(sha(tarGz));
  });
});

describe('download: failures leave nothing behind', () => {
  it('refuses a 6th redirect', async () => {
    const dir = destDir();
    const before = server.requests.length;
    const e = await failure(download(`${server.base}/redirect/5/pkg-1.0.tar.gz`, join(dir, 'x'), opts()));
    expect(e.kind).toBe('download');
    expect(e.message).toBe('too many redirects (more than 5)');
    expect(server.requests.length - before).toBe(6);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('detects a redirect loop', async () => {
    const e = await failure(download(`${server.base}/loop/a`, join(destDir(), 'x'), opts()));
    expect(e.kind).toBe('download');
    expect(e.message).toBe(`redirect loop at ${server.base}/loop/a`);
    expect(e.input).toBe(`${server.base}/loop/a`);
  });

  it.each([
    ['ftp://127.0.0.1/pkg-1.0.tar.gz', 'ftp:'],
    ['file:///etc/passwd', 'file:'],
  ])('refuses a redirect to %s', async (to, scheme) => {
    const e = await failure(download(`${server.base}/redirect-to?to=${encodeURIComponent(to)}`, join(destDir(), 'x'), opts()));
    expect(e.kind).toBe('download');
    expect(e.message).toBe(`redirect to ${scheme} URL ${to} refused`);
  });

  it('refuses a redirect from loopback http to plain http elsewhere without --allow-http (no request made)', async () => {
    const e = await failure(
      download(`${server.base}/redirect-to?to=${encodeURIComponent('http://example.invalid/x.tar.gz')}`, join(destDir(), 'x'), opts()),
    );
    expect(e.kind).toBe('download');
    expect(e.message).toBe('redirect to plain http http://example.invalid/x.tar.gz refused: plain http is not verified in transit');
    expect(e.hint).toBe('use https or pass --allow-http');
  });

  it.each([
    [404, 'HTTP 404 Not Found', 'check the URL'],
    [500, 'HTTP 500 Internal Server Error', 'the server refused the download; retry later'],
  ])('reports HTTP %i', async (code, message, hint) => {
    const dir = destDir();
    const e = await failure(download(`${server.base}/status/${code}`, join(dir, 'x'), opts()));
    expect([e.kind, e.message, e.hint]).toEqual(['download', message, hint]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('names the final URL when the error status came after a redirect', async () => {
    const e = await failure(download(`${server.base}/redirect-to?to=/status/404`, join(destDir(), 'x'), opts()));
    expect(e.message).toBe(`HTTP 404 Not Found from ${server.base}/status/404`);
  });

  it('deletes the partial file when the body is shorter than Content-Length', async () => {
    const dir = destDir();
    const e = await failure(download(`${server.base}/truncated`, join(dir, 'x'), opts()));
    expect([e.kind, e.message]).toEqual(['download', 'connection closed after 400 of 1000 bytes']);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('deletes the partial file when a chunked body ends without its terminator', async () => {
    const dir = destDir();
    const e = await failure(download(`${server.base}/truncated-chunked`, join(dir, 'x'), opts()));
    expect([e.kind, e.message]).toEqual(['download', 'connection closed after 400 bytes, before the end of the body']);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('times out a stalled body', async () => {
    const dir = destDir();
    const e = await failure(download(`${server.base}/stall`, join(dir, 'x'), opts({ limits: { ...limits, timeoutMs: 300 } })));
    expect([e.kind, e.message]).toEqual(['network', 'no data for 0.3 s']);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('times out a server that never answers', async () => {
    const e = await failure(download(`${server.base}/stall-headers`, join(destDir(), 'x'), opts({ limits: { ...limits, timeoutMs: 200 } })));
    expect([e.kind, e.message]).toEqual(['network', 'no data for 0.2 s']);
  });

  it('refuses a Content-Length above the limit before reading the body', async () => {
    const dir = join(destDir(), 'sub');
    let calls = 0;
    const e = await failure(
      download(`${server.base}/declared-huge?len=${2 ** 40}`, join(dir, 'x'), opts({ limits: { ...limits, maxDownload: MiB }, progress: () => calls++ })),
    );
    expect([e.kind, e.message, e.hint]).toEqual([
      'limit',
      `Content-Length ${2 ** 40} exceeds the download limit of ${MiB} bytes`,
      'raise --max-download if you trust this source',
    ]);
    expect(calls).toBe(0);
    expect(existsSync(dir)).toBe(false);
  });

  it('aborts a body without Content-Length that grows past the limit', async () => {
    const dir = destDir();
    const e = await failure(download(`${server.base}/endless-chunked`, join(dir, 'x'), opts({ limits: { ...limits, maxDownload: MiB } })));
    expect([e.kind, e.message]).toEqual(['limit', `body exceeds the download limit of ${MiB} bytes`]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('aborts when the body exceeds the limit by a single byte', async () => {
    const dir = destDir();
    const e = await failure(download(`${server.base}/chunked/big.bin`, join(dir, 'x'), opts({ limits: { ...limits, maxDownload: big.length - 1 } })));
    expect(e.kind).toBe('limit');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('removes the file on a sha256 mismatch', async () => {
    const dir = destDir();
    const pin = 'ab'.repeat(32);
    const e = await failure(download(`${server.base}/files/pkg-1.0.tar.gz`, join(dir, 'x'), opts({ expectedSha256: pin })));
    expect([e.kind, e.message, e.hint]).toEqual([
      'checksum',
      `sha256 is ${sha(tarGz)}, expected ${pin}`,
      'the file is not the one you pinned; do not use it',
    ]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('rejects a malformed pin before any request', async () => {
    const before = server.requests.length;
    const e = await failure(download(`${server.base}/files/pkg-1.0.tar.gz`, join(destDir(), 'x'), opts({ expectedSha256: 'abc' })));
    expect([e.kind, e.message]).toEqual(['usage', "'abc' is not a sha256 (64 hex digits)"]);
    expect(server.requests.length).toBe(before);
  });

  it('cancels on an abort signal and deletes the partial file', async () => {
    const dir = destDir();
    const ac = new AbortController();
    const e = await failure(download(`${server.base}/stall`, join(dir, 'x'), opts({ signal: ac.signal, progress: () => ac.abort() })));
    expect([e.kind, e.message]).toEqual(['download', 'download cancelled']);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses plain http to a non-loopback host without --allow-http', async () => {
    const e = await failure(download('http://example.invalid/x.tar.gz', join(destDir(), 'x'), opts()));
    expect([e.kind, e.input, e.message, e.hint]).toEqual([
      'usage',
      'http://example.invalid/x.tar.gz',
      'plain http is not verified in transit',
      'use https or pass --allow-http',
    ]);
  });

  it('refuses other schemes', async () => {
    const e = await failure(download('ftp://127.0.0.1/x.tar.gz', join(destDir(), 'x'), opts()));
    expect([e.kind, e.message]).toEqual(['usage', 'unsupported URL scheme ftp:']);
  });

  it('reports a refused connection', async () => {
    const s = await startHttpServer();
    await s.close();
    const e = await failure(download(`${s.base}/files/x`, join(destDir(), 'x'), opts()));
    expect([e.kind, e.message]).toEqual(['network', `cannot connect to 127.0.0.1:${s.port}: connection refused`]);
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.3.4', true],
    ['localhost', true],
    ['LOCALHOST', true],
    ['[::1]', true],
    ['::1', true],
    ['128.0.0.1', false],
    ['127.0.0.1.example.com', false],
    ['localhost.example.com', false],
    ['10.0.0.1', false],
    ['[::2]', false],
    ['127.0.0.256', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });

  it('sees hosts as the URL parser normalises them', () => {
    expect(isLoopbackHost(new URL('http://127.1/').hostname)).toBe(true);
    expect(isLoopbackHost(new URL('http://[0:0:0:0:0:0:0:1]/').hostname)).toBe(true);
    expect(isLoopbackHost(new URL('http://0x7f000001/').hostname)).toBe(true);
  });
});

describe('download over https (self-signed certificate made with openssl)', () => {
  let tlsServer: TestServer;
  let ca: string;
  beforeAll(async () => {
    const certDir = join(root, 'tls');
    mkdirSync(certDir);
    const tls = makeSelfSignedCert(certDir);
    ca = tls.cert;
    tlsServer = await startHttpServer({ 'pkg-1.0.tar.gz': tarGz }, tls);
  });
  afterAll(() => tlsServer.close());

  it('downloads when the CA is trusted', async () => {
    const r = await download(`${tlsServer.base}/files/pkg-1.0.tar.gz`, join(destDir(), 'x'), opts({ ca }));
    expect(r.sha256).toBe(sha(tarGz));
    expect(r.finalUrl).toBe(`${tlsServer.base}/files/pkg-1.0.tar.gz`);
  });

  it('refuses an untrusted certificate', async () => {
    const dir = destDir();
    const e = await failure(download(`${tlsServer.base}/files/pkg-1.0.tar.gz`, join(dir, 'x'), opts()));
    expect(e.kind).toBe('network');
    expect(e.message).toBe(`TLS certificate of 127.0.0.1:${tlsServer.port} not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses an https → http downgrade, even to loopback, unless allowHttp', async () => {
    const to = `${server.base}/files/pkg-1.0.tar.gz`;
    const url = `${tlsServer.base}/redirect-to?to=${encodeURIComponent(to)}`;
    const e = await failure(download(url, join(destDir(), 'x'), opts({ ca })));
    expect([e.kind, e.message, e.hint]).toEqual([
      'download',
      `redirect from https to plain http ${to} refused`,
      'use an https mirror or pass --allow-http',
    ]);
    const r = await download(url, join(destDir(), 'x'), opts({ ca, allowHttp: true }));
    expect(r.finalUrl).toBe(to);
    expect(r.sha256).toBe(sha(tarGz));
  });
});

describe('download: unwritable destination', () => {
  it('reports a cache directory that cannot be created', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const e = await failure(download(`${server.base}/files/pkg-1.0.tar.gz`, join(file, 'sub', 'x'), opts()));
    expect([e.kind, e.message, e.hint]).toEqual(['download', `cannot create ${join(file, 'sub')}: ENOTDIR`, 'check the cache directory']);
  });
});
