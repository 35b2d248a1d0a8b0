/**
 * Hostile download servers (a real HTTP server on 127.0.0.1) through the built CLI: redirect loops and
 * scheme changes, stalls, lying Content-Length, bodies over --max-download, gzip transfer-encoding of a gzip
 * file, early close. Every failure is exit 2 naming the URL; the one benign oddity compares normally.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressFile } from '../helpers/archives.js';
import { startHttpServer, type TestServer } from '../helpers/http-server.js';
import { tempDir } from '../helpers/tmp.js';
import { expectError, expectFindings, makeFixtureRepo, runCli, writePkgTar, type Fixture } from './helpers.js';

const dir = tempDir('distdiff-hostile-dl-');
let fx: Fixture;
let srv: TestServer;
let n = 0;

beforeAll(async () => {
  fx = makeFixtureRepo(join(dir, 'repo'));
  const tgz = readFileSync(compressFile(writePkgTar(join(dir, 'hello-1.0.tar')), 'gzip'));
  srv = await startHttpServer({ 'hello-1.0.tar.gz': tgz });
});
afterAll(() => srv?.close());

/** Run against a URL with a fresh cache; returns the run and the cache directory. */
async function fetchRun(url: string, args: string[] = []) {
  const cache = join(dir, `cache-${++n}`);
  const r = await runCli([url, '--repo', fx.repo.dir, '--tag', 'v1.0', '--cache-dir', cache, ...args]);
  return { r, cache };
}

/** No partial download left behind in the cache. */
function noPartials(cache: string): void {
  const walk = (d: string): string[] =>
    existsSync(d) ? readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)])) : [];
  expect(walk(cache).filter((f) => !f.includes('/repos/'))).toEqual([]);
}

describe.concurrent('hostile download servers', () => {
  it('control: a plain download over loopback http compares as identical', async () => {
    const { r } = await fetchRun(`${srv.base}/files/hello-1.0.tar.gz`);
    expectFindings(r, []);
  });

  it('redirect loop (/loop/a ↔ /loop/b): exit 2, redirect loop', async () => {
    const url = `${srv.base}/loop/a`;
    const { r, cache } = await fetchRun(url);
    expectError(r, url, /^redirect loop at /);
    noPartials(cache);
  });

  it('redirect to another scheme (file:///etc/passwd): exit 2, refused', async () => {
    const url = `${srv.base}/redirect-to?to=${encodeURIComponent('file:///etc/passwd')}`;
    const { r } = await fetchRun(url);
    expectError(r, url, /^redirect to file: URL file:\/\/\/etc\/passwd refused/);
  });

  it('redirect to ftp: exit 2, refused', async () => {
    const url = `${srv.base}/redirect-to?to=${encodeURIComponent('ftp://127.0.0.1/x.tar.gz')}`;
    const { r } = await fetchRun(url);
    expectError(r, url, /^redirect to ftp: URL ftp:\/\/127\.0\.0\.1\/x\.tar\.gz refused/);
  });

  it('server stalls mid-body: --timeout 1 gives exit 2, no data for 1 s', async () => {
    const url = `${srv.base}/stall`;
    const { r, cache } = await fetchRun(url, ['--timeout', '1']);
    expectError(r, url, /^no data for 1 s/);
    noPartials(cache);
  });

  it('lying Content-Length (1000 declared, 400 sent, socket closed): exit 2, partial file removed', async () => {
    const url = `${srv.base}/truncated`;
    const { r, cache } = await fetchRun(url);
    expect(r.code).toBe(2);
    // How many of the 400 bytes sent arrive before the close is up to the scheduler; the rest is exact.
    expect(r.stderr).toMatch(
      new RegExp(`^distdiff: ${url.replace(/[.?]/g, '\\$&')}: connection closed after \\d+ of 1000 bytes; the transfer is incomplete; retry the download\n$`),
    );
    noPartials(cache);
  });

  it('early close of a chunked body: exit 2, partial file removed', async () => {
    const url = `${srv.base}/truncated-chunked`;
    const { r, cache } = await fetchRun(url);
    expect(r.code).toBe(2);
    expect(r.stdout === '' ? 'error' : JSON.parse(r.stdout).verdict).toBe('error'); // --format json: the error object only
    expect(r.stderr).toMatch(new RegExp(`^distdiff: ${url.replace(/[.?]/g, '\\$&')}: `));
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    noPartials(cache);
  });

  it('declared Content-Length over --max-download: exit 2 before reading the body', async () => {
    const url = `${srv.base}/declared-huge?len=${2 ** 40}`;
    const { r } = await fetchRun(url, ['--max-download', '1M']);
    expectError(r, url, /exceeds the download limit of 1048576 bytes/);
  });

  it('endless chunked body over --max-download: exit 2 at the limit, partial file removed', async () => {
    const url = `${srv.base}/endless-chunked`;
    const { r, cache } = await fetchRun(url, ['--max-download', '1M']);
    expectError(r, url, /exceeds the download limit of 1048576 bytes/);
    noPartials(cache);
  });

  it('gzip Content-Encoding of a .tar.gz: stored as sent (not decoded twice), identical', async () => {
    const { r } = await fetchRun(`${srv.base}/gzip-encoded/hello-1.0.tar.gz`);
    expectFindings(r, []);
    expect(r.json!.inputs.tarball.compression).toBe('gzip');
  });
});
