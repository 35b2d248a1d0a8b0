#!/usr/bin/env node
// Derives the libtool files (build-aux/ltmain.sh, m4/libtool.m4, m4/lt*.m4) that a distribution's libtool package
// installs, from the distribution's packaging repository and the GNU release tarball, for a distribution whose
// binary packages are not reachable here: MSYS2 (msys2/MSYS2-packages, libtool/PKGBUILD and its patches).
// A maintainer who runs autoreconf on MSYS2 ships these files (libass 0.17.1: its ltmain.sh, libtool.m4 and
// ltoptions.m4 are MSYS2's libtool 2.4.7, 118 lines of ltmain.sh away from GNU's).
//
// For every commit of the packaging repository that changes SUBDIR/ (PKGBUILD or a patch), the PKGBUILD's
// pkgver, pkgrel and prepare()'s patch list (in order: `apply_patch_with_msg A B …` or `patch … ${srcdir}/A`) are
// read; each distinct (version, patches) state whose GNU release tarball is in --release DIR (libtool_V.orig.tar.*
// — Debian's orig tarballs are the GNU releases — or libtool-V.tar.*) is rebuilt as the PKGBUILD's build() does:
// the tarball extracted, the patches applied with patch(1) as MSYS2 applies them (`patch -Nbp1`), then, in the
// bubblewrap sandbox (nothing of the tarball or the patches runs outside it), `./configure` and
// `make build-aux/ltmain.sh` — libtool's rule makes ltmain.sh from the patched build-aux/ltmain.in (inline-source,
// then its version substitutions); a patch to a configure input makes make re-run the sandbox's autoconf first, as
// it did on MSYS2 (their libtool 2.4.7's home-page URL is autoconf >= 2.70's https default); libtool 2.5.x's
// configure inputs need autoconf 2.72 and automake 1.17, which the sandbox gets with --toolchain PREFIX (cached
// toolchains of `distdiff toolchain add`, mounted read-only, their bin/ first on PATH). Verified on
// derivation: libass 0.17.1's ltmain.sh, m4/libtool.m4, ltoptions.m4, ltsugar.m4, ltversion.m4 and lt~obsolete.m4
// are byte for byte the files of state 0cc7cada5 (libtool 2.4.7-3).
//
// Writes a JSON list of the files that differ from the unpatched release's (name, project 'libtool', date = the
// commit's, label, content in base64) for scripts/derive-xorg-macros.mjs --contents, which records them in
// data/upstream-extra.json.gz as distribution versions — only derived data (blob ids, hashes, line hashes) lands.
//
//   npm run build
//   node scripts/derive-distro-libtool.mjs MSYS2-PACKAGES.git --subdir libtool --release DIR \
//        [--distribution MSYS2] [--repo-name msys2/MSYS2-packages] [--toolchain PREFIX …] --out FILE.json
// As run on 2026-11-30 (copies22): the repository fetched to /work/.mirror/msys2+MSYS2-packages/repo (head 4fc19935),
// DIR holding libtool_2.4.7.orig.tar.xz, libtool_2.5.4.orig.tar.xz and libtool_2.6.2.orig.tar.xz (`apt-get source
// --download-only libtool=…` from bookworm, trixie, sid; libtool 2.4.6's orig tarball is no longer in the archive):
//   node scripts/derive-distro-libtool.mjs /work/.mirror/msys2+MSYS2-packages/repo --release DIR \
//     --toolchain ~/.cache/distdiff-eval/distdiff/toolchains/autoconf-2.72 \
//     --toolchain ~/.cache/distdiff-eval/distdiff/toolchains/automake-1.17 --out msys2-libtool.json
// 67 commits, 22 states: 5 built (2.4.7-1, 2.4.7-2, 2.5.4-1, 2.5.4-2, 2.5.4-4) -> 10 distinct files; 16 states of
// 2.4.2-2.4.6 have no tarball here; 2.6.2-1's build fails in the sandbox (cause not investigated).
// Added by libtool22 the same day: libtool 2.4.6's release tree, which Debian's archive no longer has, from
// deepin-community/libtool commit b295ce0 (the GNU 2.4.6 tarball imported unpatched beside debian/; checked: its
// ltmain.sh is GNU 2.4.6's, blob 0f0a2da, and ltmain.in/libtool.m4/lt*.m4/configure.ac/Makefile.am are tag v2.4.6's):
//   git -C DEEPIN-LIBTOOL archive --prefix=libtool-2.4.6/ b295ce0 -- . ':!debian' | gzip -n > DIR2/libtool-2.4.6.tar.gz
//   node scripts/derive-distro-libtool.mjs /work/.mirror/msys2+MSYS2-packages/repo --release DIR2 \
//     --toolchain ~/.cache/distdiff-eval/distdiff/toolchains/autoconf-2.71 \
//     --toolchain ~/.cache/distdiff-eval/distdiff/toolchains/automake-1.15 --out msys2-libtool-246.json
// (patched libtool.m4 makes make re-run aclocal-1.15 and autoconf) 10 of the 11 2.4.6 states built (9c60a0507: a
// patch does not apply) -> 12 files; flac 1.4.2's ltmain.sh, libtool.m4, ltoptions.m4 are byte for byte three of them.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const sandboxPath = join(root, 'dist/regenerate/sandbox.js');
if (!existsSync(sandboxPath)) {
  console.error(`derive-distro-libtool: ${sandboxPath} is missing; run \`npm run build\` first`);
  process.exit(2);
}
const { probeSandbox, runSandboxed } = await import(sandboxPath);

const args = process.argv.slice(2);
let repo;
let subdir = 'libtool';
let releaseDir;
let out;
let distribution = 'MSYS2';
let repoName = 'msys2/MSYS2-packages';
const toolchains = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--subdir') subdir = args[++i];
  else if (a === '--release') releaseDir = args[++i];
  else if (a === '--out') out = args[++i];
  else if (a === '--distribution') distribution = args[++i];
  else if (a === '--repo-name') repoName = args[++i];
  else if (a === '--toolchain') toolchains.push(resolve(args[++i]));
  else if (!repo) repo = a;
  else {
    console.error(`derive-distro-libtool: unexpected argument ${a}`);
    process.exit(2);
  }
}
if (!repo || !releaseDir || !out) {
  console.error('usage: derive-distro-libtool.mjs PACKAGING.git --release DIR --out FILE.json [--subdir libtool] [--distribution MSYS2] [--repo-name OWNER/NAME] [--toolchain PREFIX …]');
  process.exit(2);
}
for (const t of toolchains) {
  if (!existsSync(join(t, 'bin'))) {
    console.error(`derive-distro-libtool: --toolchain ${t}: no bin/ there (a prefix of \`distdiff toolchain add\`)`);
    process.exit(2);
  }
}
const git = (...a) => execFileSync('git', ['--git-dir', repo, ...a], { maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'] });

/** pkgver, pkgrel and prepare()'s patches, in order, of a PKGBUILD; undefined when it names no version. */
export function pkgbuildState(text) {
  const pkgver = /^pkgver=['"]?([\w.]+)/m.exec(text)?.[1];
  const pkgrel = /^pkgrel=['"]?(\w+)/m.exec(text)?.[1];
  if (!pkgver) return undefined;
  const body = /^prepare\s*\(\)\s*\{([\s\S]*?)^\}/m.exec(text)?.[1] ?? '';
  const patches = [];
  for (const line of body.split('\n')) {
    const code = line.replace(/#.*$/, '');
    for (const m of code.matchAll(/([\w.+-]+\.(?:patch|diff))\b/g)) patches.push(m[1]);
  }
  return { pkgver, pkgrel, patches };
}

const FILES = ['build-aux/ltmain.sh', 'm4/libtool.m4', 'm4/ltoptions.m4', 'm4/ltsugar.m4', 'm4/ltversion.m4', 'm4/lt~obsolete.m4'];
const tarballFor = (v) => readdirSync(releaseDir).find((f) => f.startsWith(`libtool_${v}.orig.tar.`) || f.startsWith(`libtool-${v}.tar.`));

const sandbox = await probeSandbox();
if (!sandbox.ok) {
  console.error(`derive-distro-libtool: the sandbox cannot start (${sandbox.cause.kind}): install bubblewrap`);
  process.exit(2);
}

const commits = git('log', '--reverse', '--format=%H %cs', '--', `${subdir}/`).toString('latin1').split('\n').filter(Boolean).map((l) => l.split(' '));
const states = new Map();
for (const [hash, date] of commits) {
  let pkgbuild;
  try {
    pkgbuild = git('show', `${hash}:${subdir}/PKGBUILD`).toString('latin1');
  } catch {
    continue;
  }
  const s = pkgbuildState(pkgbuild);
  if (!s) continue;
  const blobs = s.patches.map((p) => {
    try {
      return git('rev-parse', `${hash}:${subdir}/${p}`).toString('latin1').trim();
    } catch {
      return '';
    }
  });
  if (blobs.includes('')) continue; // a patch the commit does not carry
  const key = `${s.pkgver}\0${s.patches.join(',')}\0${blobs.join(',')}`;
  if (!states.has(key)) states.set(key, { ...s, commit: hash, date, blobs });
}

const results = [];
let built = 0;
let skipped = 0;
for (const s of states.values()) {
  const tarball = tarballFor(s.pkgver);
  if (!tarball) {
    skipped++;
    console.error(`derive-distro-libtool: ${s.commit.slice(0, 9)} libtool ${s.pkgver}-${s.pkgrel}: no release tarball in ${releaseDir}, skipped`);
    continue;
  }
  const work = mkdtempSync(join(tmpdir(), 'derive-distro-libtool-'));
  try {
    execFileSync('tar', ['-xf', join(releaseDir, tarball), '-C', work, '--no-same-owner']);
    const top = readdirSync(work)[0];
    const plain = new Map(FILES.map((f) => [f, existsSync(join(work, top, f)) ? readFileSync(join(work, top, f)) : undefined]));
    let failed;
    for (const p of s.patches) {
      const text = git('show', `${s.commit}:${subdir}/${p}`);
      try {
        execFileSync('patch', ['-Nbp1', '-s'], { cwd: join(work, top), input: text, stdio: ['pipe', 'ignore', 'ignore'] });
      } catch {
        failed = p;
        break;
      }
    }
    if (failed) {
      skipped++;
      console.error(`derive-distro-libtool: ${s.commit.slice(0, 9)} libtool ${s.pkgver}-${s.pkgrel}: ${failed} does not apply, skipped`);
      continue;
    }
    const r = await runSandboxed(sandbox.bwrap, {
      scratch: work,
      cwd: top,
      argv: ['/bin/sh', '-c', './configure --prefix=/usr >configure.log 2>&1 && make build-aux/ltmain.sh >make.log 2>&1'],
      toolchains,
      limits: { wallMs: 900_000, cpuSeconds: 1800, fileBytes: 1024 ** 3, tmpBytes: 1024 ** 3 },
    });
    if (r.code !== 0) {
      skipped++;
      console.error(`derive-distro-libtool: ${s.commit.slice(0, 9)} libtool ${s.pkgver}-${s.pkgrel}: the build failed, skipped`);
      continue;
    }
    built++;
    const label = `${distribution} libtool ${s.pkgver}-${s.pkgrel} (${repoName} ${s.commit.slice(0, 9)}: GNU libtool ${s.pkgver} + ${s.patches.length} patches, rebuilt as its PKGBUILD does)`;
    for (const f of FILES) {
      const p = join(work, top, f);
      if (!existsSync(p)) continue;
      const content = readFileSync(p);
      const before = plain.get(f);
      if (before && before.equals(content)) continue;
      results.push({ name: f.slice(f.lastIndexOf('/') + 1), project: 'libtool', date: s.date, label, content: content.toString('base64') });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
// The same file from several states: the oldest state's label.
const seen = new Set();
const files = results.filter((f) => {
  const k = `${f.name}\0${f.content}`;
  if (seen.has(k)) return false;
  seen.add(k);
  return true;
});
writeFileSync(out, `${JSON.stringify({ derivedBy: 'scripts/derive-distro-libtool.mjs', repo: repoName, head: git('rev-parse', 'HEAD').toString('latin1').trim(), files }, null, 1)}\n`);
console.error(`derive-distro-libtool: ${commits.length} commit(s), ${states.size} state(s), ${built} built, ${skipped} skipped -> ${files.length} distinct patched file(s) -> ${out}`);
