/**
 * Credentials in URLs (issue 9, class 7): a URL with user:token@ and secret-looking query parameters is
 * downloaded from a loopback server; no output format, error line or cache file name carries the secrets.
 * Plus the redaction function itself on the URL shapes that carry credentials.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactUrls } from '../../src/util/redact.js';
import { startHttpServer, type TestServer } from '../helpers/http-server.js';
import { tempDir } from '../helpers/tmp.js';
import { expectError, makeFixtureRepo, runCli, writePkgTar, type Fixture } from './helpers.js';

const dir = tempDir('distdiff-hostile-creds-');
const SECRETS = ['s3cr3t-pass', 'tok-123', 'sig-456', 'cred-789', 'gitpass-000'];
let fx: Fixture;
let srv: TestServer;
let n = 0;

beforeAll(async () => {
  fx = makeFixtureRepo(join(dir, 'repo'));
  srv = await startHttpServer({ 'hello-1.0.tar': readFileSync(writePkgTar(join(dir, 'hello-1.0.tar'))) });
});
afterAll(() => srv?.close());

/** The server's URL for `path` with userinfo and secret query parameters. */
const secretUrl = (path: string) =>
  `${srv.base.replace('://', '://alice:s3cr3t-pass@')}${path}?token=tok-123&X-Amz-Signature=sig-456&X-Amz-Credential=cred-789&v=1`;
const redacted = (path: string) => `${srv.base.replace('://', '://***@')}${path}?token=***&X-Amz-Signature=***&X-Amz-Credential=***&v=1`;

function expectNoSecret(text: string): void {
  for (const s of SECRETS) expect(text, `leaks ${s}`).not.toContain(s);
}

function walk(d: string): string[] {
  return readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [e.name, ...walk(join(d, e.name))] : [e.name]));
}

describe.concurrent('credentials in URLs are never printed or stored', () => {
  it('a download with user:token@ and signed query parameters: every format shows the URL redacted', async () => {
    const url = secretUrl('/files/hello-1.0.tar');
    const cache = join(dir, `cache-${++n}`);
    const json = await runCli([url, '--repo', fx.repo.dir, '--tag', 'v1.0', '--cache-dir', cache]);
    expect(json.code).toBe(0);
    expect(json.json!.inputs.tarball.source).toBe(redacted('/files/hello-1.0.tar'));
    expectNoSecret(json.stdout + json.stderr);
    for (const format of ['text', 'markdown', 'sarif', 'html']) {
      const r = await runCli([url, '--repo', fx.repo.dir, '--tag', 'v1.0', '--cache-dir', cache, '--format', format], { json: false });
      expect(r.code, `${format}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/(\*\*\*|(&#42;){3}|(\\\*){3})@127\.0\.0\.1/); // the redacted URL (Markdown escapes the asterisks)
      expectNoSecret(r.stdout + r.stderr);
    }
    // The request really carried the credentials (the redaction is in what distdiff shows, not what it sends).
    expect(srv.requests.some((q) => q.headers.authorization === `Basic ${Buffer.from('alice:s3cr3t-pass').toString('base64')}`)).toBe(true);
    expectNoSecret(walk(cache).join('\n'));
  });

  it('an error about such a URL (HTTP 404): the one line names the URL redacted', async () => {
    const url = secretUrl('/status/404');
    const r = await runCli([url, '--repo', fx.repo.dir, '--tag', 'v1.0', '--cache-dir', join(dir, `cache-${++n}`)]);
    expectError(r, redacted('/status/404'), /^HTTP 404/);
    expectNoSecret(r.stderr + r.stdout); // the stderr line and --format json's error object
  });

  it('a repository URL with a password that cannot be reached: git\'s error is redacted too', async () => {
    const url = `http://bob:gitpass-000@127.0.0.1:1/x.git`;
    const r = await runCli([writePkgTar(join(dir, `hello-${++n}.tar`)), '--repo', url, '--tag', 'v1.0', '--cache-dir', join(dir, `cache-${n}`)]);
    expect(r.code).toBe(2);
    expect(r.stderr.startsWith('distdiff: http://***@127.0.0.1:1/x.git: ')).toBe(true);
    expectNoSecret(r.stderr + r.stdout);
  });
});

describe('redactUrls', () => {
  it('removes userinfo and secret-looking query values, keeps everything else', () => {
    expect(redactUrls('https://user:tok@example.org/a/b.tar.gz')).toBe('https://***@example.org/a/b.tar.gz');
    expect(redactUrls('https://TOKEN@github.com/o/r.git')).toBe('https://***@github.com/o/r.git');
    expect(redactUrls('ssh://git@host:22/r.git')).toBe('ssh://***@host:22/r.git');
    expect(redactUrls('https://h/f?access_token=a&api_key=b&sig=c&password=d&client_secret=e&X-Goog-Signature=f&page=2#frag')).toBe(
      'https://h/f?access_token=***&api_key=***&sig=***&password=***&client_secret=***&X-Goog-Signature=***&page=2#frag',
    );
    expect(redactUrls('cannot fetch https://a:b@h/x: refused; see http://h/doc?id=1')).toBe('cannot fetch https://***@h/x: refused; see http://h/doc?id=1');
    expect(redactUrls("fatal: unable to access 'https://u:p@h/r.git/': Could not resolve host")).toBe("fatal: unable to access 'https://***@h/r.git/': Could not resolve host");
    expect(redactUrls('no url here, monkey=1 key=2')).toBe('no url here, monkey=1 key=2');
    expect(redactUrls('https://h/f?monkey=1&keyboard=2')).toBe('https://h/f?monkey=1&keyboard=2');
  });
});
