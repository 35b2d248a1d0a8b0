#!/usr/bin/env node
/**
 * Derives data/distro-patches.json (src/classify/distro-patches.ts): the hunks of distributions' published patch
 * files for the toolchain files maintainers copy into releases — Debian's debian/patches of libtool, automake and
 * autotools-dev. For every patch its package's debian/patches/series applies (commented-out entries are not), each
 * hunk whose target is such a file is recorded: the file name it lands in (libtool's build-aux/ltmain.in,
 * funclib.sh, options-parser and ltmain.m4sh all land in ltmain.sh; m4/X.m4 in X.m4; automake's lib/X and
 * config's X in X), the patch file's label, and per line its operation and 32-bit line hash (lineHash32, over the
 * line as latin1) — no text. Each package version's series is kept whole and in order (a hunk carried from one
 * version to the next is recorded under both): the classifier applies one series at a time. Nothing is executed: patch files are read with git show or tar.
 *
 * Usage (after `npm run build`):
 *   node scripts/derive-distro-patches.mjs [--out data/distro-patches.json] [--date YYYY-MM-DD]
 *     [--git REPO COMMIT LABEL]… [--tar DEBIAN_TAR LABEL]…
 * --git reads REPO's debian/patches at COMMIT (a packaging repository); --tar a Debian source package's
 * *.debian.tar.* (`apt-get source --download-only PKG/SUITE`). LABEL names the package version ("Debian bookworm
 * libtool 2.4.7-7~deb12u1"); each hunk's source is "LABEL debian/patches/FILE".
 *
 * As run on 2026-12-02 (patched31), sources reachable here (the archive serves no 2.4.6 libtool package; the
 * packaging repositories deepin-community/* on GitHub carry Debian's debian/ directories):
 *   node scripts/derive-distro-patches.mjs \
 *     --git /work/.mirror/deepin-community+libtool/repo b295ce0 'Debian libtool 2.4.6-15 (deepin-community/libtool b295ce0, with deepin 2.4.6.1-1+dde)' \
 *     --git /work/.mirror/deepin-community+libtool/repo f08cb6a 'Debian libtool 2.4.7-7 (deepin-community/libtool f08cb6a, deepin 2.4.7-7deepin2)' \
 *     --tar bookworm/libtool_2.4.7-7~deb12u1.debian.tar.xz 'Debian bookworm libtool 2.4.7-7~deb12u1' \
 *     --tar sid/libtool_2.6.2-3.debian.tar.xz 'Debian sid libtool 2.6.2-3' \
 *     --tar bookworm/automake-1.16_1.16.5-1.3.debian.tar.xz 'Debian bookworm automake-1.16 1:1.16.5-1.3' \
 *     --git /work/.mirror/deepin-community+automake-1.16/repo 85fbbf5 'Debian automake-1.16 1:1.16.5.1 (deepin-community/automake-1.16 85fbbf5, deepin 1:1.16.5.1-1+dde)'
 * and on 2026-12-03 (stop 42), that corpus kept and gnulib's build-aux/test-driver.diff added at the three commits that
 * changed it (G = a clone of coreutils/gnulib):
 *   node scripts/derive-distro-patches.mjs --keep data/distro-patches.json --date 2026-12-03 \
 *     --patch-git G 425ee42259 build-aux/test-driver.diff 'gnulib-tool (coreutils/gnulib 425ee42259, 2019-01-23)' \
 *     --patch-git G 63c809ade9 build-aux/test-driver.diff 'gnulib-tool (coreutils/gnulib 63c809ade9, 2020-11-21)' \
 *     --patch-git G 6ccfbd6495 build-aux/test-driver.diff 'gnulib-tool (coreutils/gnulib 6ccfbd6495, 2021-08-08)' \
 *     --patch-file /work/suse/0001-correct-parameter-parsing-in-test-driver-script.patch \
 *       'openSUSE automake 1.16.5 (bmwiedemann/openSUSE 2397400c9219 packages/a/automake)'
 * (the openSUSE patch read from the GitHub snapshot of openSUSE's packages, bmwiedemann/openSUSE at 2397400c9219, and
 * saved outside the repository: 1,668 bytes, sha256 e39c6724713c8d4834793bccb104aed4b350a74226e34bdb165f522458ce48b9; the
 * snapshot is over the mirroring limit, so it is not fetched whole)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (m) => join(root, 'dist', m);
if (!existsSync(dist('classify/distro-patches.js'))) {
  console.error('derive-distro-patches: dist/ is missing; run `npm run build` first');
  process.exit(2);
}
const { parseUnifiedDiff, PatchCorpus } = await import(dist('classify/distro-patches.js'));
const { lineHash32 } = await import(dist('classify/upstream-lines.js'));
const { KNOWN_AUX_NAMES } = await import(dist('classify/upstream.js'));

const args = process.argv.slice(2);
let out = join(root, 'data/distro-patches.json');
let date = new Date().toISOString().slice(0, 10);
let keep;
const inputs = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--out') out = resolve(args[++i]);
  else if (a === '--date') date = args[++i];
  else if (a === '--git') inputs.push({ kind: 'git', repo: args[++i], commit: args[++i], label: args[++i] });
  else if (a === '--tar') inputs.push({ kind: 'tar', file: args[++i], label: args[++i] });
  // one patch file of a repository at a commit (gnulib's build-aux/test-driver.diff, which gnulib-tool applies to
  // automake's test-driver): its hunks under LABEL PATH, a series of its own
  else if (a === '--patch-git') inputs.push({ kind: 'patch-git', repo: args[++i], commit: args[++i], path: args[++i], label: args[++i] });
  // one patch file on disk (a distribution's patch read from its packaging repository and saved outside this one:
  // openSUSE's automake patches, whose repository snapshot is over the mirroring limit): LABEL FILE's name
  else if (a === '--patch-file') inputs.push({ kind: 'patch-file', file: args[++i], label: args[++i] });
  // the hunks of an existing corpus kept (sources no longer reachable: the deepin-community packaging mirrors), the
  // inputs' hunks added after them
  else if (a === '--keep') keep = resolve(args[++i]);
  else {
    console.error(`derive-distro-patches: unexpected argument ${a}`);
    process.exit(2);
  }
}
if (inputs.length === 0 || inputs.some((x) => !x.label)) {
  console.error('usage: node scripts/derive-distro-patches.mjs [--out FILE] [--date YYYY-MM-DD] [--keep CORPUS] (--git REPO COMMIT LABEL | --tar DEBIAN_TAR LABEL | --patch-git REPO COMMIT PATH LABEL | --patch-file FILE LABEL)…');
  process.exit(2);
}

const LTMAIN_PARTS = new Set(['ltmain.in', 'ltmain.sh', 'funclib.sh', 'options-parser', 'ltmain.m4sh']);
/** The copied file a patched path lands in, or undefined (tests, docs, the tools' own programs). */
function landsIn(path) {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (/(?:^|\/)(?:build-aux|libltdl\/config|config)\//.test(path) && LTMAIN_PARTS.has(base)) return 'ltmain.sh';
  if (/(?:^|\/)m4\/[^/]+\.m4$/.test(path)) return base;
  if (KNOWN_AUX_NAMES.has(base) && base !== 'ltmain.sh' && !/(?:^|\/)(?:t|tests?|doc)\//.test(path)) return base;
  return undefined;
}

function reader(input) {
  if (input.kind === 'git') return (p) => execFileSync('git', ['-C', input.repo, 'show', `${input.commit}:${p}`], { maxBuffer: 1 << 26 });
  return (p) => execFileSync('tar', ['-xOf', input.file, p], { maxBuffer: 1 << 26 });
}

const sources = [];
const hunks = [];
if (keep) {
  const kept = JSON.parse(readFileSync(keep, 'utf8'));
  sources.push(...kept.sources);
  hunks.push(...kept.hunks);
  console.error(`derive-distro-patches: kept ${kept.hunks.length} hunks of ${kept.sources.length} patch files from ${keep}`);
}
for (const input of inputs) {
  if (input.kind === 'patch-git' || input.kind === 'patch-file') {
    if (input.kind === 'patch-file') input.path = input.file.slice(input.file.lastIndexOf('/') + 1);
    const text = input.kind === 'patch-file' ? readFileSync(input.file, 'latin1') : execFileSync('git', ['-C', input.repo, 'show', `${input.commit}:${input.path}`], { maxBuffer: 1 << 26 }).toString('latin1');
    let src;
    let n = 0;
    for (const h of parseUnifiedDiff(text)) {
      const name = landsIn(h.path);
      if (!name) continue;
      if (src === undefined) {
        src = sources.length;
        sources.push(`${input.label} ${input.path}`);
      }
      hunks.push({ name, source: src, ops: h.ops, hashes: h.lines.map((l) => lineHash32(l)) });
      n++;
    }
    console.error(`derive-distro-patches: ${input.label}: ${input.path}, ${n} hunks`);
    continue;
  }
  const read = reader(input);
  const series = read('debian/patches/series').toString('latin1').split('\n').map((l) => l.replace(/#.*$/, '').trim().split(/\s+/)[0]).filter(Boolean);
  let n = 0;
  for (const file of series) {
    let text;
    try {
      text = read(`debian/patches/${file}`).toString('latin1');
    } catch {
      console.error(`derive-distro-patches: ${input.label}: debian/patches/${file} is missing`);
      continue;
    }
    let src;
    for (const h of parseUnifiedDiff(text)) {
      const name = landsIn(h.path);
      if (!name) continue;
      const hashes = h.lines.map((l) => lineHash32(l));
      if (src === undefined) {
        src = sources.length;
        sources.push(`${input.label} debian/patches/${file}`);
      }
      hunks.push({ name, source: src, ops: h.ops, hashes });
      n++;
    }
  }
  console.error(`derive-distro-patches: ${input.label}: ${series.length} patches in series, ${n} hunks`);
}
const raw = { schemaVersion: 1, generated: date, sources, hunks };
new PatchCorpus(raw); // validates
writeFileSync(out, `${JSON.stringify(raw)}\n`);
const byName = {};
for (const h of hunks) byName[h.name] = (byName[h.name] ?? 0) + 1;
console.error(`derive-distro-patches: ${hunks.length} hunks of ${sources.length} patch files -> ${out} (${JSON.stringify(byName)})`);
