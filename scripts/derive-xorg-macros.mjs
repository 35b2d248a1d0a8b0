#!/usr/bin/env node
// Derives data/upstream-extra.json.gz: every version of X.org's xorg-macros.m4 (util-macros), which no
// git history holds as a file, and (--xtrans) every version of xtrans.m4 in the xtrans repository's history. util-macros' configure writes it: configure.ac says
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
//   node scripts/derive-xorg-macros.mjs UTIL_MACROS.git [--xtrans XTRANS.git] [--deb bookworm=xutils-dev_1%3a7.7+6_amd64.deb …]
//        [--out data/upstream-extra.json.gz] [--date YYYY-MM-DD]
//
// The repository: https://gitlab.freedesktop.org/xorg/util/macros (any clone; the evaluation machine's is
// /work/.mirror/freedesktop+xorg-macros/repo/.git). Verified on derivation: X.org's libX11 1.8.4 and
// libXext 1.3.4 carry, in aclocal.m4, byte for byte the output of commit d7acec2 (a 1.19.0 snapshot), and
// libxcb 1.15 Debian bookworm's 1.19.3 copy; libX11 1.8.4's xtrans.m4 is xtrans commit 2c0a784's (1.3.3).
// xtrans: https://gitlab.freedesktop.org/xorg/lib/libxtrans (GitHub mirror freedesktop/xorg-libxtrans).
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
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
let xtrans;
const debs = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--out') out = args[++i];
  else if (a === '--date') generated = args[++i];
  else if (a === '--xtrans') xtrans = args[++i];
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
  console.error('usage: derive-xorg-macros.mjs UTIL_MACROS.git [--xtrans XTRANS.git] [--deb SUITE=FILE.deb …] [--out FILE] [--date YYYY-MM-DD]');
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
function outputAt(commit) {
  const configureAc = show(commit, 'configure.ac') ?? show(commit, 'configure.in');
  if (configureAc === undefined) return undefined;
  const inputs = xorgMacrosInputs(configureAc);
  if (!inputs) return show(commit, NAME); // before 1.1.0 the file itself was committed
  const version = acInitVersion(configureAc);
  if (!version) return undefined;
  const parts = inputs.map((p) => show(commit, p));
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
// xtrans.m4 (X.org xtrans, the transport library's macros every X.org library that uses it carries in aclocal.m4):
// a tracked file of the xtrans repository, so every version is one a commit has.
let fromXtrans = 0;
if (xtrans) {
  const xgit = (...a) => execFileSync('git', ['--git-dir', xtrans, ...a], { maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'] }).toString('latin1');
  const xshow = (rev) => {
    try {
      return xgit('show', `${rev}:xtrans.m4`);
    } catch {
      return undefined;
    }
  };
  const xtags = new Map();
  for (const t of xgit('for-each-ref', '--sort=creatordate', '--format=%(refname:short)', 'refs/tags/xtrans-*').split('\n').filter(Boolean)) {
    const text = xshow(t);
    if (text !== undefined && !xtags.has(text)) xtags.set(text, t);
  }
  const xseen = new Set();
  const xcommits = xgit('log', '--all', '--format=%H %cs %ct', '--', 'xtrans.m4')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' '))
    .sort((a, b) => Number(a[2]) - Number(b[2]));
  for (const [hash, date] of xcommits) {
    const text = xshow(hash);
    if (text === undefined || xseen.has(text)) continue;
    xseen.add(text);
    const tag = xtags.get(text);
    files.push({ name: 'xtrans.m4', project: 'xtrans', content: Buffer.from(text, 'latin1'), commit: hash, date, ...(tag ? { tag } : {}) });
    fromXtrans++;
  }
}
const fromGit = files.length - fromXtrans;
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
const raw = rawDbFromContents(files, generated);
const head = git('rev-parse', 'HEAD').toString('latin1').trim();
const repos = {
  [PROJECT]: { repo: 'https://gitlab.freedesktop.org/xorg/util/macros.git (xorg-macros.m4 derived by scripts/derive-xorg-macros.mjs)', head },
  ...(xtrans ? { xtrans: { repo: 'https://gitlab.freedesktop.org/xorg/lib/libxtrans.git (xtrans.m4)', head: execFileSync('git', ['--git-dir', xtrans, 'rev-parse', 'HEAD']).toString('latin1').trim() } } : {}),
};
// rawDbFromContents lists the projects sorted; each keeps its index.
raw.sources = raw.sources.map((src) => ({ project: src.project, ...repos[src.project] }));
raw.derivedBy = 'scripts/derive-xorg-macros.mjs';
writeFileSync(out, gzipSync(`${JSON.stringify(raw)}\n`, { level: 9 }));
console.error(`derive-xorg-macros: ${fromGit} xorg-macros.m4 version(s) from ${commits.length} commit(s) of ${repo}, ${files.length - fromGit - fromXtrans} from Debian package(s), ${fromXtrans} xtrans.m4 version(s) -> ${out}`);
