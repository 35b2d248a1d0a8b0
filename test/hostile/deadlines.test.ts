/**
 * Deadlines and decoder environment (issue 9, classes 5 and 6), through the built CLI:
 * - a loopback server that drips one byte every 0.25 s re-arms the no-data timer forever; the minimum
 *   rate (--min-rate, per --timeout window) stops it (--timeout 2: eight drips per window, so a loaded
 *   machine delaying the server's timer does not turn this into the no-data case);
 * - a decompressor that stops producing output (a PATH wrapper standing in for xz/zstd/bzip2, only in
 *   this test's PATH) is killed after --decoder-timeout;
 * - the caller's environment cannot steer the decompressors: BZIP2=<another file> and
 *   XZ_OPT=--single-stream / XZ_DEFAULTS change nothing (the pinned sha256 and trailing-data detection hold).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressFile, rawTarEntry } from '../helpers/archives.js';
import { tempDir } from '../helpers/tmp.js';
import { expectError, expectFindings, makeFixtureRepo, runCli, writePkgTar, type Fixture } from './helpers.js';

const dir = tempDir('distdiff-hostile-deadlines-');
let fx: Fixture;
let server: http.Server;
let base: string;
const sockets = new Set<import('node:net').Socket>();
let n = 0;

beforeAll(async () => {
  fx = makeFixtureRepo(join(dir, 'repo'));
  server = http.createServer((req, res) => {
    if (req.url?.startsWith('/drip/')) {
      // 1 byte every 0.25 s of a body announced as 100000 bytes.
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '100000' });
      const t = setInterval(() => res.write(Buffer.from('x')), 250);
      res.on('close', () => clearInterval(t));
      return;
    }
    res.writeHead(404).end();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server?.close(r));
});

/** A fresh directory holding the clean `hello-1.0.tar` (plus `extra` entries); returns the tar's path. */
function pkg(sub: string, name = 'hello-1.0.tar', extra: Buffer[] = []): string {
  mkdirSync(join(dir, sub), { recursive: true });
  return writePkgTar(join(dir, sub, name), extra);
}

const sha256 = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runCli([...args, '--repo', fx.repo.dir, '--tag', 'v1.0', '--cache-dir', join(dir, `cache-${++n}`)], {
    env: { ...process.env, NO_COLOR: '1', DISTDIFF_DEBUG: '', ...env },
  });

describe.concurrent('download deadline', () => {
  it('a server dripping 1 byte per 0.25 s (never silent for --timeout 2): exit 2, slower than --min-rate', async () => {
    const url = `${base}/drip/hello-1.0.tar`;
    const r = await cli([url, '--timeout', '2']);
    // At most 8 drips land in a 2 s window (more only if the server's timer catches up after a stall).
    expectError(r, url, /^download slower than 1024 bytes\/s \(\d{1,2} bytes in 2 s\); the server is too slow or dripping data/);
  });
});

/** A bin directory with `tool` replaced by a shell script (the real one stays reachable by its path). */
function wrapper(tool: string, script: (real: string) => string): string {
  const bin = join(dir, `bin-${++n}`);
  mkdirSync(bin);
  const real = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
  writeFileSync(join(bin, tool), `#!/bin/sh\n${script(real)}\n`);
  chmodSync(join(bin, tool), 0o755);
  return bin;
}

describe.concurrent('decoder deadline', () => {
  const tools: Array<['xz' | 'zstd' | 'bzip2', 'xz' | 'zstd' | 'bzip2']> = [
    ['xz', 'xz'],
    ['zstd', 'zstd'],
    ['bzip2', 'bzip2'],
  ];
  for (const [tool, compression] of tools) {
    it(`${tool} that never writes a byte: exit 2 after --decoder-timeout 1`, async () => {
      const archive = compressFile(pkg(`silent-${tool}`), compression);
      const bin = wrapper(tool, () => 'exec sleep 60');
      const r = await cli([archive, '--decoder-timeout', '1'], { PATH: `${bin}${delimiter}${process.env.PATH}` });
      expectError(r, archive, new RegExp(`^${tool} produced no output for 1 s and was stopped; the decompressor hung`));
    });
  }

  it('xz that decodes the first 2 KiB and then hangs: exit 2, stopped', async () => {
    const archive = compressFile(pkg('partial'), 'xz');
    const bin = wrapper('xz', (real) => `'${real}' -dc | head -c 2048\nexec sleep 60`);
    const r = await cli([archive, '--decoder-timeout', '1'], { PATH: `${bin}${delimiter}${process.env.PATH}` });
    expectError(r, archive, /^xz produced no output for 1 s and was stopped/);
  });
});

describe.concurrent('the caller cannot steer the decompressors through the environment', () => {
  it('BZIP2=<another .bz2> (bzip2 reads options and file names from it): the pinned file is the one compared', async () => {
    const real = compressFile(pkg('bz'), 'bzip2');
    const other = compressFile(pkg('bz', 'other.tar', [rawTarEntry('hello-1.0/EVIL', 'evil\n')]), 'bzip2');
    const r = await cli([real, '--sha256', sha256(real)], { BZIP2: other, BZIP: other });
    expectFindings(r, []);
    expect(r.json!.inputs.tarball.decoder).toBe('bzip2 (system)');
  });

  it('XZ_OPT=--single-stream and XZ_DEFAULTS=--single-stream do not hide data after the first stream', async () => {
    const xz = compressFile(pkg('xz'), 'xz');
    appendFileSync(xz, 'trailing bytes that are not xz\n');
    const plain = await cli([xz]);
    expectError(plain, xz, /^xz data is corrupt or truncated/);
    for (const env of [{ XZ_OPT: '--single-stream' }, { XZ_DEFAULTS: '--single-stream' }]) {
      const r = await cli([xz], env);
      expectError(r, xz, /^xz data is corrupt or truncated/);
    }
  });

  it('control: a clean .tar.bz2 and .tar.xz with the same variables set compare as identical', async () => {
    const t = pkg('clean');
    const bz = compressFile(t, 'bzip2');
    copyFileSync(t, join(dir, 'clean', 'copy.tar'));
    const xz = compressFile(join(dir, 'clean', 'copy.tar'), 'xz', join(dir, 'clean', 'hello-1.0.tar.xz'));
    expectFindings(await cli([bz], { BZIP2: '-s' }), []);
    expectFindings(await cli([xz], { XZ_OPT: '--single-stream' }), []);
  });
});

