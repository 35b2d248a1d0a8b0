#!/usr/bin/env node
// Derives data/upstream-extra.json.gz: every version of X.org's xorg-macros.m4 (util-macros), which no
// git history holds as a file, and (--tracked) every version of other projects' tracked macro files that the main
// database's sources lack: xtrans's xtrans.m4, libassuan's src/libassuan.m4 (the main database has only Debian's).
// xorg-macros.m4: util-macros' configure writes it: configure.ac says
// AC_CONFIG_FILES([… xorg-macros.m4:xorg-macros.m4.in:xorgversion.m4]) (1.1.0: AC_OUTPUT([… xorg-macros.m4])
// from xorg-macros.m4.in alone), so config.status concatenates the inputs and substitutes @configure_input@
// ("xorg-macros.m4.  Generated from xorg-macros.m4.in xorgversion.m4 by configure.", the form of
// autoconf >= 2.62), @PACKAGE_VERSION@ (AC_INIT's version at that commit) and @VERSION@ (the same, when
// AM_INIT_AUTOMAKE defines it — util-macros' configure.ac always calls it; without it config.status keeps it). No other @VAR@ of the
// templates is one util-macros' configure substitutes (the one left, `@HAVE_DOT@`, is inside a comment and
// stays as written: real copies have it so). Before 1.1.0 the file was committed as is.
//
// For every commit of the history (all refs) that changes configure.ac or an input, the output is made
// this way; identical outputs are one version (the oldest commit that makes it, its date, the oldest
// util-macros-* tag whose output it is). Copies installed by Debian's xutils-dev (`--deb SUITE=FILE.deb`,
// read with dpkg-deb and tar, nothing executed) that no commit makes are added as distribution versions
// ("Debian bookworm xutils-dev 1:7.7+6"; the mirror's history ends at 1.19.1, bookworm ships 1.19.3).
// Only derived data is written (blob ids, hashes, line hashes — src/classify/upstream-db.ts rawDbFromContents,
// imported from dist/), never the text. Nothing from the repository is executed.
//
//   npm run build
//   node scripts/derive-xorg-macros.mjs UTIL_MACROS.git [--tracked PROJECT=GITDIR:PATH …] [--deb bookworm=xutils-dev_1%3a7.7+6_amd64.deb …]
//        [--import LABEL=GITDIR:SUBDIR …] [--contents FILE.json …]
//        [--out data/upstream-extra.json.gz] [--date YYYY-MM-DD]
//
// The repository: https://gitlab.freedesktop.org/xorg/util/macros (any clone; the evaluation machine's is
// /work/.mirror/freedesktop+xorg-macros/repo/.git). Verified on derivation: X.org's libX11 1.8.4 and
// libXext 1.3.4 carry, in aclocal.m4, byte for byte the output of commit d7acec2 (a 1.19.0 snapshot), and
// libxcb 1.15 Debian bookworm's 1.19.3 copy; libX11 1.8.4's xtrans.m4 is xtrans commit 2c0a784's (1.3.3),
// wget2 2.2.0's libassuan.m4 libassuan commit b9b7f1c's. As run on 2026-11-30:
//   node scripts/derive-xorg-macros.mjs /work/.mirror/freedesktop+xorg-macros/repo/.git \
//     --tracked xtrans=/work/.mirror/freedesktop+xorg-libxtrans/repo:xtrans.m4 \
//     --tracked libassuan=/work/.mirror/gpg+libassuan/repo:src/libassuan.m4 \
//     --deb 'bookworm=xutils-dev_1%3a7.7+6_amd64.deb' --deb 'trixie=xutils-dev_1%3a7.7+7_amd64.deb' \
//     --import 'util-macros 1.19.2 release sources as imported by neochapay/util-macros (upstream/)=/work/.mirror/neochapay+util-macros/repo:upstream' \
//     --contents msys2-libtool.json --contents msys2-libtool-246.json \
//     --date 2026-11-30
// (--contents added by copies22: msys2-libtool.json is scripts/derive-distro-libtool.mjs's output, see its header —
// MSYS2's libtool 2.4.7 and 2.5.4 files; without --contents the command reproduces the file before it byte for byte.
// msys2-libtool-246.json, MSYS2's 2.4.6 builds, added by libtool22; checked: without it the previous file is
// reproduced byte for byte, with the bookworm .deb of `apt-get download xutils-dev`, xutils-dev_1%3a7.7+6_amd64.deb.)
// (--import added by copies20: util-macros 1.19.2, which neither the mirror's history nor Debian has; its output is
// byte for byte libXfixes 6.0.0's copy. Without --import the command reproduces the previous file byte for byte.)
// (the .debs: `apt-get download xutils-dev/bookworm` and `xutils-dev/trixie`, trixie through an apt configuration with
// trixie's deb lines; trixie's 1:7.7+7 is util-macros 1.20.0)
// (xtrans: GitHub mirror freedesktop/xorg-libxtrans; libassuan: gpg/libassuan.)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dbPath = join(root, 'dist/classify/upstream-db.js');
if (!existsSync(dbPath)) {
  console.error(`derive-xorg-macros: ${dbPath} is missing; run \`npm run build\` first`);
  process.exit(2);
}
const { rawDbFromContents } = await import(dbPath);

const args = process.argv.slice(2);
let repo;
let out = join(root, 'data/upstream-extra.json.gz');
let generated = new Date().toISOString().slice(0, 10);
const tracked = [];
const debs = [];
const imports = [];
const contents = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--out') out = args[++i];
  else if (a === '--date') generated = args[++i];
  else if (a === '--tracked') {
    const m = /^([\w.+-]+)=(.+):([^:]+)$/.exec(args[++i] ?? '');
    if (!m) {
      console.error('derive-xorg-macros: --tracked takes PROJECT=GITDIR:PATH');
      process.exit(2);
    }
    tracked.push({ project: m[1], repo: m[2], path: m[3] });
  }
  else if (a === '--import') {
    // LABEL=GITDIR:SUBDIR — a repository that imported a util-macros release's sources under SUBDIR (a packaging
    // repository): its HEAD's templates made into xorg-macros.m4 exactly as a commit's are, recorded as a release
    // version labelled LABEL when no commit of the history makes the same file.
    const m = /^([^=]+)=(.+):([^:]*)$/.exec(args[++i] ?? '');
    if (!m) {
      console.error('derive-xorg-macros: --import takes LABEL=GITDIR:SUBDIR');
      process.exit(2);
    }
    imports.push({ label: m[1], repo: m[2], dir: m[3] });
  }
  else if (a === '--contents') contents.push(args[++i]);
  else if (a === '--deb') {
    const m = /^([a-z]+)=(.+)$/.exec(args[++i] ?? '');
    if (!m) {
      console.error('derive-xorg-macros: --deb takes SUITE=FILE.deb');
      process.exit(2);
    }
    debs.push({ suite: m[1], file: m[2] });
  } else if (!repo) repo = a;
  else {
    console.error(`derive-xorg-macros: unexpected argument ${a}`);
    process.exit(2);
  }
}
if (!repo) {
  console.error('usage: derive-xorg-macros.mjs UTIL_MACROS.git [--tracked PROJECT=GITDIR:PATH …] [--deb SUITE=FILE.deb …] [--out FILE] [--date YYYY-MM-DD]');
  process.exit(2);
}

const NAME = 'xorg-macros.m4';
const PROJECT = 'util-macros';
const git = (...a) => execFileSync('git', ['--git-dir', repo, ...a], { maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
const show = (commit, path) => {
  try {
    return git('show', `${commit}:${path}`).toString('latin1');
  } catch {
    return undefined;
  }
};

/** AC_INIT's version argument (the second, bracketed or not). */
export function acInitVersion(configureAc) {
  const m = /AC_INIT\(\s*\[?[^,\]]*\]?\s*,\s*\[?\s*([^,\]\s)]+)/.exec(configureAc);
  return m?.[1];
}

/** The inputs config.status reads for xorg-macros.m4, from AC_CONFIG_FILES/AC_OUTPUT; undefined when configure does not make it. */
export function xorgMacrosInputs(configureAc) {
  const text = configureAc.replace(/^\s*(dnl|#).*$/gm, '');
  for (const m of text.matchAll(/AC_(?:CONFIG_FILES|OUTPUT)\(\s*\[([^\]]*)\]/g)) {
    for (const word of m[1].split(/\s+/)) {
      const [target, ...inputs] = word.split(':');
      if (target === NAME) return inputs.length ? inputs : [`${NAME}.in`];
    }
  }
  return undefined;
}

/** xorg-macros.m4 as config.status writes it at one commit; undefined when that commit does not make one. */
function outputAt(commit, read = show) {
  const configureAc = read(commit, 'configure.ac') ?? read(commit, 'configure.in');
  if (configureAc === undefined) return undefined;
  const inputs = xorgMacrosInputs(configureAc);
  if (!inputs) return read(commit, NAME); // before 1.1.0 the file itself was committed
  const version = acInitVersion(configureAc);
  if (!version) return undefined;
  const parts = inputs.map((p) => read(commit, p));
  if (parts.some((p) => p === undefined)) return undefined;
  const configureInput = `${NAME}.  Generated from ${inputs.map((p) => p.slice(p.lastIndexOf('/') + 1)).join(' ')} by configure.`;
  const text = parts.join('').replaceAll('@configure_input@', configureInput).replaceAll('@PACKAGE_VERSION@', version);
  // VERSION is an output variable only when AM_INIT_AUTOMAKE (or an AC_SUBST) defines it; else config.status keeps it.
  return /AM_INIT_AUTOMAKE|AC_SUBST\(\s*\[?VERSION\b/.test(configureAc.replace(/^\s*(dnl|#).*$/gm, '')) ? text.replaceAll('@VERSION@', version) : text;
}

const commits = git('log', '--all', '--reverse', '--date-order', '--format=%H %cs %ct', '--', 'configure.ac', 'configure.in', `${NAME}.in`, 'xorgversion.m4', NAME)
  .toString('latin1')
  .split('\n')
  .filter(Boolean)
  .map((l) => {
    const [hash, date, time] = l.split(' ');
    return { hash, date, time: Number(time) };
  })
  .sort((a, b) => a.time - b.time);
const tags = git('for-each-ref', '--sort=creatordate', '--format=%(refname:short)', 'refs/tags/util-macros-*').toString('latin1').split('\n').filter(Boolean);
const tagOf = new Map();
for (const t of tags) {
  const text = outputAt(t);
  if (text !== undefined && !tagOf.has(text)) tagOf.set(text, t);
}
const seen = new Map();
const files = [];
for (const c of commits) {
  const text = outputAt(c.hash);
  if (text === undefined || seen.has(text)) continue;
  seen.set(text, c.hash);
  const tag = tagOf.get(text);
  files.push({ name: NAME, project: PROJECT, content: Buffer.from(text, 'latin1'), commit: c.hash, date: c.date, ...(tag ? { tag } : {}) });
}
// Tracked macro files of other projects' repositories (--tracked PROJECT=GITDIR:PATH): X.org xtrans's xtrans.m4,
// libassuan's src/libassuan.m4 — every version a commit of any ref has, with the oldest tag whose tree has it.
let fromTracked = 0;
const trackedRepos = {};
for (const t of tracked) {
  const tgit = (...a) => execFileSync('git', ['--git-dir', t.repo, ...a], { maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'] }).toString('latin1');
  const tshow = (rev) => {
    try {
      return tgit('show', `${rev}:${t.path}`);
    } catch {
      return undefined;
    }
  };
  const name = t.path.slice(t.path.lastIndexOf('/') + 1);
  const ttags = new Map();
  for (const tag of tgit('for-each-ref', '--sort=creatordate', '--format=%(refname:short)', 'refs/tags').split('\n').filter(Boolean)) {
    const text = tshow(tag);
    if (text !== undefined && !ttags.has(text)) ttags.set(text, tag);
  }
  const tseen = new Set();
  const tcommits = tgit('log', '--all', '--format=%H %cs %ct', '--', t.path)
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' '))
    .sort((x, y) => Number(x[2]) - Number(y[2]));
  for (const [hash, date] of tcommits) {
    const text = tshow(hash);
    if (text === undefined || tseen.has(text)) continue;
    tseen.add(text);
    const tag = ttags.get(text);
    files.push({ name, project: t.project, content: Buffer.from(text, 'latin1'), commit: hash, date, ...(tag ? { tag } : {}) });
    fromTracked++;
  }
  trackedRepos[t.project] = { repo: `${t.project} git history (${t.path})`, head: tgit('rev-parse', 'HEAD').trim() };
}
const fromGit = files.length - fromTracked;
for (const { suite, file } of debs) {
  const base = file.slice(file.lastIndexOf('/') + 1);
  const m = /^([^_]+)_([^_]+)_[^_]+\.deb$/.exec(base);
  if (!m) {
    console.error(`derive-xorg-macros: ${file}: not a PACKAGE_VERSION_ARCH.deb name`);
    process.exit(2);
  }
  const listing = execFileSync('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -tv ./usr/share/aclocal/xorg-macros.m4', 'sh', file]).toString('latin1');
  const date = /(\d{4}-\d{2}-\d{2}) \d{2}:\d{2}/.exec(listing)?.[1] ?? '1970-01-01';
  const text = execFileSync('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -xO ./usr/share/aclocal/xorg-macros.m4', 'sh', file], { maxBuffer: 64 << 20 }).toString('latin1');
  if (seen.has(text)) continue;
  seen.set(text, base);
  files.push({ name: NAME, project: PROJECT, content: Buffer.from(text, 'latin1'), commit: '', date, source: { label: `Debian ${suite} ${m[1]} ${decodeURIComponent(m[2])}`, kind: 'distribution' } });
}
for (const imp of imports) {
  const igit = (...a) => execFileSync('git', ['--git-dir', imp.repo, ...a], { maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  const ishow = (commit, path) => {
    try {
      return igit('show', `${commit}:${imp.dir ? `${imp.dir}/` : ''}${path}`).toString('latin1');
    } catch {
      return undefined;
    }
  };
  const text = outputAt('HEAD', ishow);
  if (text === undefined) {
    console.error(`derive-xorg-macros: --import ${imp.label}: ${imp.repo}:${imp.dir} makes no ${NAME}`);
    process.exit(2);
  }
  if (seen.has(text)) continue;
  const [hash, date] = igit('log', '-1', '--format=%H %cs', 'HEAD').toString('latin1').trim().split(' ');
  seen.set(text, hash);
  files.push({ name: NAME, project: PROJECT, content: Buffer.from(text, 'latin1'), commit: '', date, source: { label: `${imp.label} (${hash.slice(0, 7)})`, kind: 'release' } });
}
// Files another deriver made (--contents FILE.json: scripts/derive-distro-libtool.mjs's distribution-patched libtool
// files): recorded as distribution versions labelled as that deriver says, each with its date.
let fromContents = 0;
const contentSources = {};
for (const file of contents) {
  const c = JSON.parse(readFileSync(file, 'utf8'));
  for (const f of c.files) {
    files.push({ name: f.name, project: f.project, content: Buffer.from(f.content, 'base64'), commit: '', date: f.date, source: { label: f.label, kind: 'distribution' } });
    fromContents++;
    contentSources[f.project] ??= [];
    if (!contentSources[f.project].some((x) => x.repo === c.repo)) contentSources[f.project].push({ repo: c.repo, head: c.head, derivedBy: c.derivedBy });
  }
}
const raw = rawDbFromContents(files, generated);
const head = git('rev-parse', 'HEAD').toString('latin1').trim();
const repos = {
  [PROJECT]: { repo: 'https://gitlab.freedesktop.org/xorg/util/macros.git (xorg-macros.m4 derived by scripts/derive-xorg-macros.mjs)', head },
  ...trackedRepos,
  ...Object.fromEntries(Object.entries(contentSources).map(([project, list]) => [project, { repo: list.map((x) => `${x.repo} (derived by ${x.derivedBy})`).join('; '), head: list.map((x) => x.head).join(' ') }])),
};
// rawDbFromContents lists the projects sorted; each keeps its index.
raw.sources = raw.sources.map((src) => ({ project: src.project, ...repos[src.project] }));
raw.derivedBy = 'scripts/derive-xorg-macros.mjs';
writeFileSync(out, gzipSync(`${JSON.stringify(raw)}\n`, { level: 9 }));
console.error(`derive-xorg-macros: ${fromGit} xorg-macros.m4 version(s) from ${commits.length} commit(s) of ${repo}, ${files.length - fromGit - fromTracked - fromContents} from Debian package(s) and imports (--import), ${fromTracked} version(s) of tracked files, ${fromContents} from --contents -> ${out}`);
