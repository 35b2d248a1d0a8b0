/**
 * The exit contract on the built CLI (issue #9 class 4): every input kind × a failure injected at each
 * stage ends in exit 2 with exactly one `distdiff:` line on stderr, nothing on stdout, no stack trace —
 * never 0 (identical) or 1 (different).
 *
 * Real components throughout: a real repository with an object deleted (a tree, a blob), archives made by
 * git archive, tar, gzip, xz, bzip2, zstd and zip, a directory unpacked by tar, a loopback HTTP server that
 * cuts a body short, and decoders replaced (in this test's own PATH only) by wrappers that run the real
 * tool and then kill themselves or fall silent mid-stream. Fixtures are built once.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressFile } from '../helpers/archives.js';
import { makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { runCli, type CliRun } from './helpers.js';

const KINDS = ['tar', 'gz', 'xz', 'bz2', 'zst', 'zip', 'directory', 'url'] as const;
type Kind = (typeof KINDS)[number];
/** Input kinds decoded by a child process (the URL serves a .tar.xz). */
const CHILD_DECODED: Partial<Record<Kind, string>> = { xz: 'xz', bz2: 'bzip2', zst: 'zstd', url: 'xz' };

const dir = tempDir('distdiff-exit-');
const repos = { good: join(dir, 'good'), noTree: join(dir, 'no-tree'), noBlob: join(dir, 'no-blob') };
const inputs = {} as Record<Kind, string>;
let server: http.Server;
let base = '';
let killerPath = '';
let hangerPath = '';
let archiveBytes: Buffer;

/** Deterministic, poorly compressible content, so the decoders have a real stream to cut. */
function noise(seed: number, size: number): string {
  let x = seed >>> 0 || 1;
  let s = '';
  while (s.length < size) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    s += x.toString(36);
  }
  return s.slice(0, size) + '\n';
}

function objectPath(repo: string, oid: string): string {
  return join(repo, '.git', 'objects', oid.slice(0, 2), oid.slice(2));
}

beforeAll(async () => {
  const repo = makeRepo(repos.good);
  const files: Record<string, string | { content: string; executable: boolean }> = {
    README: 'pkg\n',
    configure: { content: '#!/bin/sh\necho configuring\n', executable: true },
  };
  for (let i = 0; i < 12; i++) files[`src/part${i}.c`] = noise(i + 1, 40_000);
  for (let i = 0; i < 5; i++) files[`sub/f${i}.txt`] = `${i}\n`;
  repo.commit(files, 'release 1.0');
  repo.tag('v1.0');
  // Damaged copies: the tree of sub/ gone; one blob gone.
  cpSync(repos.good, repos.noTree, { recursive: true });
  rmSync(objectPath(repos.noTree, repo.git(['rev-parse', 'v1.0:sub'])));
  cpSync(repos.good, repos.noBlob, { recursive: true });
  rmSync(objectPath(repos.noBlob, repo.git(['rev-parse', 'v1.0:src/part3.c'])));

  const tar = join(dir, 'pkg-1.0.tar');
  execFileSync('git', ['-C', repos.good, 'archive', '--format=tar', '--prefix=pkg-1.0/', '-o', tar, 'v1.0']);
  inputs.tar = tar;
  inputs.gz = compressFile(tar, 'gzip');
  inputs.xz = compressFile(tar, 'xz');
  inputs.bz2 = compressFile(tar, 'bzip2');
  inputs.zst = compressFile(tar, 'zstd');
  inputs.zip = join(dir, 'pkg-1.0.zip');
  execFileSync('git', ['-C', repos.good, 'archive', '--format=zip', '--prefix=pkg-1.0/', '-o', inputs.zip, 'v1.0']);
  const unpacked = join(dir, 'unpacked');
  mkdirSync(unpacked);
  execFileSync('tar', ['-xf', tar, '-C', unpacked]);
  inputs.directory = join(unpacked, 'pkg-1.0');

  // Decoders that pass on part of the real output, then die by SIGKILL (killer) or fall silent (hanger).
  killerPath = join(dir, 'killer-bin');
  hangerPath = join(dir, 'hanger-bin');
  mkdirSync(killerPath);
  mkdirSync(hangerPath);
  for (const tool of ['xz', 'bzip2', 'zstd']) {
    const real = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
    for (const [binDir, then] of [
      [killerPath, 'kill -KILL $$'],
      [hangerPath, 'exec sleep 60'],
    ]) {
      const w = join(binDir!, tool);
      writeFileSync(w, `#!/bin/sh\n"${real}" "$@" | head -c 30000\n${then}\n`);
      chmodSync(w, 0o755);
    }
  }

  archiveBytes = readFileSync(inputs.xz);
  server = http.createServer((req, res) => {
    if (req.url === '/full/pkg-1.0.tar.xz') {
      res.writeHead(200, { 'content-length': String(archiveBytes.length) });
      res.end(archiveBytes);
    } else if (req.url === '/cut/pkg-1.0.tar.xz') {
      // The whole length announced, half of the body sent, then the connection dropped.
      res.writeHead(200, { 'content-length': String(archiveBytes.length) });
      res.write(archiveBytes.subarray(0, archiveBytes.length >> 1), () => res.destroy());
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  inputs.url = `${base}/full/pkg-1.0.tar.xz`;
}, 120_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

let cacheN = 0;
function run(input: string, repo: string, env: NodeJS.ProcessEnv = {}, extra: string[] = []): Promise<CliRun> {
  cacheN += 1;
  return runCli([input, '--repo', repo, '--tag', 'v1.0', '--cache-dir', join(dir, `cache-${cacheN}`), ...extra], {
    env: { ...process.env, NO_COLOR: '1', DISTDIFF_DEBUG: '', ...env },
  });
}

/** Exit 2, no report on stdout, one `distdiff:` line on stderr matching `problem`, no trace, no internal error. */
function expectExit2(r: CliRun, problem: RegExp): void {
  const where = JSON.stringify({ code: r.code, stderr: r.stderr, stdout: r.stdout.slice(0, 200) });
  expect(r.code, where).toBe(2);
  // No report: with --format json, only the JSON error object (verdict "error"), never a verdict.
  if (r.stdout !== '') expect((JSON.parse(r.stdout) as { verdict: string; error: { kind: string } }).verdict, where).toBe('error');
  if (r.stdout !== '') expect((JSON.parse(r.stdout) as { error: { kind: string } }).error.kind, where).not.toBe('internal');
  expect(r.stderr.endsWith('\n'), where).toBe(true);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, where).toHaveLength(1);
  expect(lines[0]!.startsWith('distdiff: '), where).toBe(true);
  expect(r.stderr, where).not.toMatch(/\n\s+at |internal error|Node\.js v/);
  expect(lines[0], where).toMatch(problem);
}

describe('exit contract: every input kind × a failure at each stage → exit 2, one line', () => {
  it('control: the undamaged repository gives a report (exit 0 or 1) for every input kind', async () => {
    for (const kind of KINDS) {
      const r = await run(inputs[kind], repos.good);
      expect(r.code, `${kind}: ${r.stderr}`).toBe(0);
      expect(r.json?.verdict, kind).toBe('identical');
    }
  }, 120_000);

  for (const kind of KINDS) {
    it(`${kind} × repository tree unreadable (a tree object deleted): exit 2`, async () => {
      expectExit2(await run(inputs[kind], repos.noTree), /git|object|repository/i);
    }, 60_000);

    it(`${kind} × blob missing (a blob object deleted): exit 2`, async () => {
      expectExit2(await run(inputs[kind], repos.noBlob), /git|object|repository/i);
    }, 60_000);

    const tool = CHILD_DECODED[kind];
    if (tool) {
      it(`${kind} × decoder killed mid-stream (${tool} wrapper, SIGKILL): exit 2`, async () => {
        const r = await run(inputs[kind], repos.good, { PATH: `${killerPath}:${process.env.PATH ?? ''}` });
        expectExit2(r, new RegExp(`${tool}.*(killed|SIGKILL|corrupt|truncated)|corrupt or truncated`, 'i'));
      }, 60_000);
      it(`${kind} × decoder hangs mid-stream (${tool} wrapper falls silent, --decoder-timeout 1): exit 2`, async () => {
        const r = await run(inputs[kind], repos.good, { PATH: `${hangerPath}:${process.env.PATH ?? ''}` }, ['--decoder-timeout', '1']);
        expectExit2(r, new RegExp(`${tool} produced no output for 1 s and was stopped`));
      }, 60_000);
    }
    // tar, gz, zip and directories are decoded in-process: no decoder process to kill or to hang.
  }

  it('url × download cut mid-body (Content-Length announced, half sent, connection dropped): exit 2', async () => {
    expectExit2(await run(`${base}/cut/pkg-1.0.tar.xz`, repos.good), /download|connection|closed|incomplete|ended|aborted|socket/i);
  }, 60_000);
});

describe('decoder streams settle after abort() (the root cause of the silent exit 0)', () => {
  // A destroyed stream emits 'close' but neither 'end' nor 'error': `done` used to wait forever, and the CLI,
  // with nothing left to do, exited 0 with no output. Every decoding path must settle.
  const cases: Array<[string, () => string, boolean]> = [
    ['plain tar (file stream)', () => inputs.tar, true],
    ['gzip (zlib)', () => inputs.gz, true],
    ['xz (system decoder)', () => inputs.xz, true],
    ['xz (pure-JS fallback)', () => inputs.xz, false],
    ['zstd (pure-JS fallback)', () => inputs.zst, false],
    ['bzip2 (pure-JS fallback)', () => inputs.bz2, false],
  ];
  for (const [name, file, system] of cases) {
    it(`${name}: abort() before the end rejects done`, async () => {
      const { openDecoded } = await import('../../src/scan/decode.js');
      const { detectFormat, SNIFF_BYTES } = await import('../../src/scan/format.js');
      const fmt = detectFormat(readFileSync(file()).subarray(0, SNIFF_BYTES));
      if (fmt.kind !== 'tar') throw new Error(`fixture is ${fmt.kind}`);
      const dec = await openDecoded(file(), fmt.compression, { systemDecoders: system });
      dec.abort();
      const outcome = await Promise.race([
        dec.done.then(
          () => 'resolved',
          () => 'rejected',
        ),
        new Promise((r) => setTimeout(() => r('still pending after 20 s'), 20_000)),
      ]);
      expect(outcome).toBe('rejected');
    }, 30_000);
  }
});
