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
 * and on 2026-12-03 (stop 44) Gentoo's: the patch files the libtool ebuilds' PATCHES list and gnuconfig's ps2/llvm-libc
 * patches, read from the stored gentoo/gentoo repository (sys-devel/libtool/files, sys-devel/gnuconfig/files; over the
 * mirroring limit) and saved in G=/work/gentoo, sha256 (first 16 hex digits):
 *   1f799ebc4159059d libtool-2.4.3-use-linux-version-in-fbsd.patch  e1fb76a50b4a8112 libtool-2.4.6-link-specs.patch
 *   66269aa61e1d1f8e libtool-2.4.6-link-fsanitize.patch             1c7662f8b992ff41 libtool-2.4.6-link-fuse-ld.patch
 *   7f7c147d437e5f2e libtool-2.4.6-sed-quote-speedup.patch          b7a42855c331fe0a libtool-2.4.6-libtool-m4-for-ppc64le.patch
 *   917c17e7fd05bf54 libtool-2.4.6-mint.patch                       76fa96838c0ef3b2 libtool-2.2.6a-darwin-module-bundle.patch
 *   08e628cd696f3306 libtool-2.4.6-darwin-use-linux-version.patch   0d23c51337573c9c libtool-2.4.6-pthread_bootstrapped.patch
 *   0c2fc93b044dbdf1 libtool-2.4.7-werror-lto.patch                 8a17cd4ba10774dd 1acba34/libtool-2.4.6-darwin20.patch
 *   60340c3cd678f2ca 16e1cde/libtool-2.4.6-darwin20.patch (its later version)
 *   3d24b5eb1185e8b9 gnuconfig-0001-add-ps2-targets-to-config.sub.patch (650e73b)  84eec77d55546786 gnuconfig-20230731-llvm-libc.patch
 *   L6=$G/libtool-2.4.3-use-linux-version-in-fbsd.patch,$G/libtool-2.4.6-link-specs.patch,$G/libtool-2.4.6-link-fsanitize.patch,\
 *      $G/libtool-2.4.6-link-fuse-ld.patch,$G/libtool-2.4.6-sed-quote-speedup.patch,$G/libtool-2.4.6-libtool-m4-for-ppc64le.patch,\
 *      $G/libtool-2.4.6-mint.patch,$G/libtool-2.2.6a-darwin-module-bundle.patch,$G/libtool-2.4.6-darwin-use-linux-version.patch,\
 *      $G/libtool-2.4.6-pthread_bootstrapped.patch
 *   node scripts/derive-distro-patches.mjs --keep data/distro-patches.json --date 2026-12-03 \
 *     --series 'Gentoo libtool 2.4.6-r6 (gentoo/gentoo sys-devel/libtool, darwin20 at 1acba34)' $L6,$G/1acba34/libtool-2.4.6-darwin20.patch \
 *     --series 'Gentoo libtool 2.4.6-r6 (gentoo/gentoo sys-devel/libtool, darwin20 at 16e1cde)' $L6,$G/16e1cde/libtool-2.4.6-darwin20.patch \
 *     --series 'Gentoo libtool 2.4.7-r1 (gentoo/gentoo 2093229 sys-devel/libtool)' $G/libtool-2.4.3-use-linux-version-in-fbsd.patch,\
 *       $G/libtool-2.4.6-libtool-m4-for-ppc64le.patch,$G/libtool-2.4.6-mint.patch,$G/libtool-2.2.6a-darwin-module-bundle.patch,\
 *       $G/libtool-2.4.6-darwin-use-linux-version.patch,$G/libtool-2.4.7-werror-lto.patch,$G/libtool-2.4.6-pthread_bootstrapped.patch \
 *     --series 'Gentoo gnuconfig (gentoo/gentoo 650e73b sys-devel/gnuconfig/files/99999999)' $G/gnuconfig-0001-add-ps2-targets-to-config.sub.patch \
 *     --series 'Gentoo gnuconfig 20230731 (gentoo/gentoo e49db8c sys-devel/gnuconfig)' $G/gnuconfig-20230731-llvm-libc.patch
 * (--keep of the stop-42 corpus: 140 hunks of 62 patch files kept, 190 of 93 written)
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
  // a package version's patch series read from files on disk, in the order its build applies them (a Gentoo ebuild's
  // PATCHES, saved outside this repository from gentoo/gentoo's files/ directory): each hunk's source is
  // "LABEL files/NAME", one series (src/classify/distro-patches.ts seriesOf); FILES comma-separated
  else if (a === '--series') inputs.push({ kind: 'series', label: args[++i], files: args[++i].split(',') });
  // the hunks of an existing corpus kept (sources no longer reachable: the deepin-community packaging mirrors), the
  // inputs' hunks added after them
  else if (a === '--keep') keep = resolve(args[++i]);
  else {
    console.error(`derive-distro-patches: unexpected argument ${a}`);
    process.exit(2);
  }
}
if (inputs.length === 0 || inputs.some((x) => !x.label || (x.kind === 'series' && x.files.some((f) => !f)))) {
  console.error('usage: node scripts/derive-distro-patches.mjs [--out FILE] [--date YYYY-MM-DD] [--keep CORPUS] (--git REPO COMMIT LABEL | --tar DEBIAN_TAR LABEL | --patch-git REPO COMMIT PATH LABEL | --patch-file FILE LABEL | --series LABEL FILE,FILE…)…');
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
/**
 * Records the hunks of one patch file's text whose target is a copied toolchain file, under the source label LABEL
 * (added to `sources` on its first such hunk); `once`: a hunk the file carries twice is kept once (a patch that changes
 * ltmain.in and the ltmain.sh made from it). Returns how many hunks were recorded.
 */
function addPatch(text, label, once = false) {
  const seen = new Set();
  let src;
  let n = 0;
  for (const h of parseUnifiedDiff(text)) {
    const name = landsIn(h.path);
    if (!name) continue;
    const hashes = h.lines.map((l) => lineHash32(l));
    const key = `${name} ${h.ops} ${hashes.join(',')}`;
    if (once && seen.has(key)) continue;
    seen.add(key);
    if (src === undefined) {
      src = sources.length;
      sources.push(label);
    }
    hunks.push({ name, source: src, ops: h.ops, hashes });
    n++;
  }
  return n;
}

for (const input of inputs) {
  if (input.kind === 'series') {
    let n = 0;
    for (const file of input.files) n += addPatch(readFileSync(file, 'latin1'), `${input.label} files/${file.slice(file.lastIndexOf('/') + 1)}`, true);
    console.error(`derive-distro-patches: ${input.label}: ${input.files.length} patches in series, ${n} hunks`);
    continue;
  }
  if (input.kind === 'patch-git' || input.kind === 'patch-file') {
    if (input.kind === 'patch-file') input.path = input.file.slice(input.file.lastIndexOf('/') + 1);
    const text = input.kind === 'patch-file' ? readFileSync(input.file, 'latin1') : execFileSync('git', ['-C', input.repo, 'show', `${input.commit}:${input.path}`], { maxBuffer: 1 << 26 }).toString('latin1');
    const n = addPatch(text, `${input.label} ${input.path}`);
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
    n += addPatch(text, `${input.label} debian/patches/${file}`);
  }
  console.error(`derive-distro-patches: ${input.label}: ${series.length} patches in series, ${n} hunks`);
}
const raw = { schemaVersion: 1, generated: date, sources, hunks };
new PatchCorpus(raw); // validates
writeFileSync(out, `${JSON.stringify(raw)}\n`);
const byName = {};
for (const h of hunks) byName[h.name] = (byName[h.name] ?? 0) + 1;
console.error(`derive-distro-patches: ${hunks.length} hunks of ${sources.length} patch files -> ${out} (${JSON.stringify(byName)})`);
