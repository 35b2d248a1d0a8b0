#!/usr/bin/env node
/**
 * `npm run demo`: runs distdiff on the bundled samples, offline.
 *   1. a clean release of the sample project  → expected exit 1: its configure, aclocal.m4 and Makefile.in are
 *      hand-written stand-ins stamped autoconf 2.72 that nothing reproduces (UNPROVED_BUILD_OUTPUTS, high, the
 *      remedy first) — the default gate does not take a generated file on its stamp
 *   2. the same with --accept-unproved          → expected exit 0 (differences, all explained or accepted)
 *   3. the same release with an xz-shaped m4    → expected exit 1 (critical finding on m4/build-to-host.m4),
 *      --accept-unproved or not
 * Exits 0 when both runs end as expected. The cache lives in a temporary directory.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');
const cache = mkdtempSync(join(tmpdir(), 'distdiff-demo-'));
const runs = [
  { title: 'Clean release, its generated files unproved: samples/hello-1.0.tar.gz', tarball: 'samples/hello-1.0.tar.gz', extra: [], expect: 1 },
  { title: 'Clean release, unproved build outputs accepted', tarball: 'samples/hello-1.0.tar.gz', extra: ['--accept-unproved'], expect: 0 },
  { title: 'xz-shaped release: samples/xzlike/hello-1.0.tar.gz', tarball: 'samples/xzlike/hello-1.0.tar.gz', extra: ['--accept-unproved'], expect: 1 },
];
let ok = true;
try {
  for (const r of runs) {
    const args = [cli, r.tarball, '--repo', 'samples/hello.bundle', ...r.extra, '--cache-dir', cache];
    console.log(`\n\u001b[1m$ distdiff ${args.slice(1, 4 + r.extra.length).join(' ')}\u001b[0m   # ${r.title}\n`);
    const p = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, FORCE_COLOR: '0' } });
    console.log(`exit code ${p.status} (expected ${r.expect})`);
    if (p.status !== r.expect) ok = false;
  }
} finally {
  rmSync(cache, { recursive: true, force: true });
}
if (!ok) {
  console.error('demo: an exit code was not the expected one');
  process.exit(1);
}
