#!/usr/bin/env node
// Derives data/upstream-extra-pkgsrc.json.gz: pkgsrc's libtool ltmain.sh as a distribution version of the upstream
// database (merged on load after data/upstream-extra.json.gz, src/classify/upstream-db.ts MORE_EXTRA_URLS). pkgsrc
// (NetBSD's packages; the maintainer's system of file, whose releases ship it) patches the GENERATED ltmain.sh of the
// GNU release directly: devel/libtool/patches/patch-build-aux_ltmain.sh ("Automatically generated using manual-*
// patches and bootstrap"). So its ltmain.sh is GNU's release file with that one patch applied — computed here with
// patch(1), offsets only (--fuzz=0): a patch that does not apply exactly is an error (exit 2), nothing written. The
// GNU file must be a version the upstream database already knows from an upstream source (its blob id; not a
// distribution's copy), so the base is proved, not assumed. Only derived data lands (blob id, hashes, line hashes,
// the label): never the patch or the file.
//
//   npm run build
//   node scripts/derive-pkgsrc-libtool.mjs PKGSRC_LIBTOOL_DIR GNU_LIBTOOL_TREE [--out data/upstream-extra-pkgsrc.json.gz] [--db FILE]
//
// PKGSRC_LIBTOOL_DIR: pkgsrc's devel/libtool directory at the revision wanted (its patches/patch-build-aux_ltmain.sh;
// the `$NetBSD: … ,v REV DATE` line names revision and date). GNU_LIBTOOL_TREE: the GNU release tree the patch is
// for (build-aux/ltmain.sh). As run on 2026-11-30 (copies25): pkgsrc's patch-build-aux_ltmain.sh revision 1.2
// (2018/11/13, for libtool 2.4.6; NetBSD/pkgsrc is too big for this machine's mirror, so the file was saved from the
// public GitHub mirror NetBSD/pkgsrc into /tmp/pkgsrc/devel/libtool/patches) and GNU libtool 2.4.6 from
// deepin-community/libtool b295ce0 (`git archive b295ce0 | tar -x`: the GNU tarball imported unpatched; its ltmain.sh
// is GNU 2.4.6's blob 0f0a2da):
//   node scripts/derive-pkgsrc-libtool.mjs /tmp/pkgsrc/devel/libtool /tmp/libtool-2.4.6
// The result, blob ffabee2, is byte for byte file 5.44's ltmain.sh (Debian's orig tarball, made by its maintainer
// on NetBSD).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dbPath = join(root, 'dist/classify/upstream-db.js');
if (!existsSync(dbPath)) {
  console.error(`derive-pkgsrc-libtool: ${dbPath} is missing; run \`npm run build\` first`);
  process.exit(2);
}
const { rawDbFromContents, readUpstreamDb } = await import(dbPath);
const { blobId } = await import(join(root, 'dist/scan/blob-id.js'));

const fail = (msg) => {
  console.error(`derive-pkgsrc-libtool: ${msg}`);
  process.exit(2);
};
const args = process.argv.slice(2);
let out = join(root, 'data/upstream-extra-pkgsrc.json.gz');
// --db FILE: the upstream database that must know the GNU file (default the bundled data/upstream-db.json.gz; tests).
let dbFile;
const pos = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--out') out = resolve(args[++i]);
  else if (args[i] === '--db') dbFile = resolve(args[++i]);
  else if (args[i].startsWith('--')) fail(`unknown option ${args[i]}`);
  else pos.push(resolve(args[i]));
}
if (pos.length !== 2) fail('usage: node scripts/derive-pkgsrc-libtool.mjs PKGSRC_LIBTOOL_DIR GNU_LIBTOOL_TREE [--out FILE] [--db FILE]');
const [pkgsrc, gnu] = pos;
const patchFile = join(pkgsrc, 'patches/patch-build-aux_ltmain.sh');
const gnuFile = join(gnu, 'build-aux/ltmain.sh');
if (!existsSync(patchFile)) fail(`${patchFile}: no such file (pass pkgsrc's devel/libtool directory)`);
if (!existsSync(gnuFile)) fail(`${gnuFile}: no such file (pass the GNU libtool release tree)`);

const patchText = readFileSync(patchFile, 'latin1');
const id = /^\$NetBSD: patch-build-aux_ltmain\.sh,v (\d+(?:\.\d+)+) (\d{4})\/(\d\d)\/(\d\d) /.exec(patchText);
if (!id) fail(`${patchFile}: no "$NetBSD: patch-build-aux_ltmain.sh,v REV YYYY/MM/DD" line`);
const [, rev, y, m, d] = id;
const date = `${y}-${m}-${d}`;

// The base: GNU libtool's own release file, as the upstream database knows it (not a distribution's copy).
const gnuBuf = readFileSync(gnuFile);
const gnuBlob = blobId('sha1', gnuBuf);
const version = /^VERSION=['"]?([^'"\s]+)/m.exec(gnuBuf.toString('latin1'))?.[1];
const db = dbFile ? readUpstreamDb(dbFile) : readUpstreamDb();
// libtool's git has ltmain.in, not ltmain.sh: GNU 2.4.6's ltmain.sh (blob 0f0a2da) is known from the projects that ship
// it unchanged (gettext 0.19.5's tag) — any upstream source will do, a distribution's copy will not.
const known = (db.files['ltmain.sh']?.v ?? []).find((r) => r[0] === gnuBlob && r[9] !== 'distribution');
if (!version || !known) fail(`${gnuFile} (blob ${gnuBlob.slice(0, 7)}) is not a GNU libtool ltmain.sh the upstream database knows from an upstream source`);

const work = mkdtempSync(join(tmpdir(), 'derive-pkgsrc-libtool-'));
let content;
try {
  mkdirSync(join(work, 'build-aux'));
  copyFileSync(gnuFile, join(work, 'build-aux/ltmain.sh'));
  try {
    execFileSync('patch', ['-p0', '-s', '--fuzz=0', '--no-backup-if-mismatch', '-i', patchFile], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    fail(`${patchFile} does not apply to GNU libtool ${version}'s ltmain.sh exactly: ${String(e.stderr ?? e.message).trim().split('\n').pop()}`);
  }
  content = readFileSync(join(work, 'build-aux/ltmain.sh'));
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (content.equals(gnuBuf)) fail(`${patchFile} changes nothing`);

const label = `pkgsrc libtool ${version} (devel/libtool patches/patch-build-aux_ltmain.sh ${rev}, ${date}: GNU libtool ${version} + pkgsrc's patch)`;
const raw = rawDbFromContents([{ name: 'ltmain.sh', project: 'libtool', content, commit: '', date, source: { label, kind: 'distribution' } }], new Date().toISOString().slice(0, 10));
raw.sources = [{ project: 'libtool', repo: `NetBSD pkgsrc devel/libtool, patches/patch-build-aux_ltmain.sh ${rev} (its git blob id in head) on GNU libtool ${version} (derived by scripts/derive-pkgsrc-libtool.mjs)`, head: blobId('sha1', Buffer.from(patchText, 'latin1')) }];
raw.derivedBy = 'scripts/derive-pkgsrc-libtool.mjs';
writeFileSync(out, gzipSync(`${JSON.stringify(raw)}\n`, { level: 9 }));
console.error(`derive-pkgsrc-libtool: ltmain.sh ${blobId('sha1', content).slice(0, 7)} = GNU ${version} (${gnuBlob.slice(0, 7)}) + pkgsrc patch ${rev} -> ${out}`);
