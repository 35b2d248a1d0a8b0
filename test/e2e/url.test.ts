/**
 * A URL download from a real HTTP server on 127.0.0.1 verifies exactly like the local file
 * (same findings, same sha256, same exit code), and a redirect chain ends at the same result.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type TestServer } from '../helpers/http-server.js';
import { tempDir } from '../helpers/tmp.js';

const root = resolve(__dirname, '../..');
const cli = join(root, 'dist', 'cli.js');

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [cli, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c) => (stdout += c));
    p.stderr.on('data', (c) => (stderr += c));
    p.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('tarball from a URL', () => {
  const cache = tempDir();
  let server: TestServer;
  beforeAll(async () => {
    server = await startHttpServer({ 'hello-1.0.tar.gz': readFileSync(join(root, 'samples/hello-1.0.tar.gz')) });
  });
  afterAll(() => server.close());

  it('verifies the same as the local file', async () => {
    const local = await run(['samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--cache-dir', cache, '--format', 'json']);
    const remote = await run([`${server.base}/files/hello-1.0.tar.gz`, '--repo', 'samples/hello.bundle', '--cache-dir', cache, '--format', 'json']);
    expect(remote.stderr).toBe('');
    expect(remote.code).toBe(local.code);
    const a = JSON.parse(local.stdout);
    const b = JSON.parse(remote.stdout);
    expect(b.inputs.tarball.sha256).toBe(a.inputs.tarball.sha256);
    expect(b.inputs.tarball.source).toBe(`${server.base}/files/hello-1.0.tar.gz`);
    expect(b.inputs.revision.tag).toBe('v1.0'); // inferred from the URL's file name
    expect(b.findings).toEqual(a.findings);
    expect(b.counts).toEqual(a.counts);
  });

  it('through a redirect chain, with the digest pinned', async () => {
    const sha = JSON.parse((await run(['samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--cache-dir', cache, '--format', 'json'])).stdout)
      .inputs.tarball.sha256;
    const r = await run([`${server.base}/redirect/3/hello-1.0.tar.gz`, '--repo', 'samples/hello.bundle', '--cache-dir', cache, '--sha256', sha, '--tag', 'v1.0', '--accept-unproved']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^EXPLAINED: 8 tarball-only, 3 git-only, 3 changed/);
  });

  it('a 404 is one line and exit 2', async () => {
    const r = await run([`${server.base}/status/404`, '--repo', 'samples/hello.bundle', '--cache-dir', cache, '--tag', 'v1.0']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^distdiff: http:\/\/127\.0\.0\.1:\d+\/status\/404: HTTP 404/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
