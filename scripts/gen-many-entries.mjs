#!/usr/bin/env node
/**
 * Archives with very many entries, for the --max-entries memory and speed measurements (README "Limits").
 *
 *   nice node scripts/gen-many-entries.mjs OUTDIR [ENTRIES] [flat] (default 2,000,000; the README table used 249,500 to 2,000,000)
 *
 * `flat` puts every file in the top directory (many-1.0/fNNNNNNN) instead of 4096 per subdirectory.
 *
 * Writes into OUTDIR:
 *   many-1.0.tar      README plus ENTRIES zero-size files many-1.0/dNNNN/fNNNNNNN (4096 per directory),
 *                     ustar headers written here (512 bytes each, ~1 GB for 2,000,000 entries)
 *   many-1.0.tar.gz   the same, compressed by the real gzip (-n, level 6)
 *   repo/             a git repository whose tag v1.0 holds only README (so every other file is
 *                     tarball-only: one finding per entry, the worst case for the report's size)
 * Then measure, e.g.:
 *   nice node scripts/bench-rss.mjs node dist/cli.js OUTDIR/many-1.0.tar --repo OUTDIR/repo --tag v1.0 \
 *     --format json --cache-dir OUTDIR/cache
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const [out, countArg, layout] = process.argv.slice(2);
const flat = layout === 'flat';
if (!out) {
  process.stderr.write('usage: gen-many-entries.mjs OUTDIR [ENTRIES]\n');
  process.exit(2);
}
const count = countArg === undefined ? 2_000_000 : Number(countArg);
if (!Number.isSafeInteger(count) || count < 0) throw new Error(`bad entry count ${countArg}`);
mkdirSync(out, { recursive: true });

const README = Buffer.from('many entries\n');
const MTIME = 1700000000;

/** One ustar header (name ≤ 100 bytes). */
function header(name, size, type) {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write(type === '5' ? '0000755\0' : '0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write(MTIME.toString(8).padStart(11, '0') + '\0', 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write('ustar\0' + '00', 257);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += h[i];
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

const tarPath = join(out, 'many-1.0.tar');
const fd = openSync(tarPath, 'w');
const BUF = 1 << 20;
let buf = Buffer.alloc(BUF);
let fill = 0;
const put = (b) => {
  if (fill + b.length > BUF) {
    writeSync(fd, buf, 0, fill);
    buf = Buffer.alloc(BUF);
    fill = 0;
  }
  b.copy(buf, fill);
  fill += b.length;
};
put(header('many-1.0/', 0, '5'));
put(header('many-1.0/README', README.length, '0'));
put(Buffer.concat([README, Buffer.alloc(512 - README.length)]));
for (let i = 0; i < count; i++) {
  const sub = flat ? '' : `d${String(i >> 12).padStart(4, '0')}/`;
  if (!flat && i % 4096 === 0) put(header(`many-1.0/${sub}`, 0, '5'));
  put(header(`many-1.0/${sub}f${String(i).padStart(7, '0')}`, 0, '0'));
}
put(Buffer.alloc(1024));
writeSync(fd, buf, 0, fill);
closeSync(fd);

const gz = spawnSync('sh', ['-c', `gzip -n -6 -c "$1" > "$1.gz"`, 'sh', tarPath], { stdio: 'inherit' });
if (gz.status !== 0) throw new Error('gzip failed');

const repo = join(out, 'repo');
rmSync(repo, { recursive: true, force: true });
mkdirSync(repo);
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.invalid',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.invalid',
  GIT_AUTHOR_DATE: '2024-02-24T12:00:00+00:00',
  GIT_COMMITTER_DATE: '2024-02-24T12:00:00+00:00',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};
const git = (...args) => execFileSync('git', ['-c', 'init.defaultBranch=main', ...args], { cwd: repo, env, stdio: ['ignore', 'pipe', 'inherit'] });
git('init', '-q');
writeFileSync(join(repo, 'README'), README);
git('add', 'README');
git('commit', '-q', '-m', 'many 1.0');
git('tag', 'v1.0');
process.stdout.write(`${tarPath} (${count} entries), ${tarPath}.gz, ${repo}\n`);
