#!/usr/bin/env node
// Derives data/gettext-aclocal.json.gz: the macro files a gettext release installs into aclocal's system
// directory (gettext <= 0.19: gettext-tools/m4/Makefile.am's aclocal_DATA; later releases install none and
// leave the macros to autopoint), read from a clone of gettext's git repository at the release tag (e.g. the
// autotools-mirror/gettext mirror). Kept: version, tag, commit, the list and each file's text with its git
// blob id (the files gnulib-tool writes at bootstrap, not in the tag, are listed as `untracked`) — the set a maintainer's `aclocal` saw in /usr/share/aclocal. Used by src/regenerate/gettext-acdir.ts.
//
//   node scripts/derive-gettext-aclocal.mjs GETTEXT.git [VERSION…] [--out OUT.json.gz]
//
// Default VERSION: 0.19.8.1 (the last release that installs them).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const argv = process.argv.slice(2);
const oi = argv.indexOf('--out');
const out = oi >= 0 ? argv.splice(oi, 2)[1] : new URL('../data/gettext-aclocal.json.gz', import.meta.url).pathname;
const [repo, ...versions] = argv;
if (!repo) {
  console.error('usage: derive-gettext-aclocal.mjs GETTEXT.git [VERSION…] [--out OUT.json.gz]');
  process.exit(2);
}
if (!versions.length) versions.push('0.19.8.1');
const git = (...a) => execFileSync('git', ['--git-dir', repo, ...a], { maxBuffer: 64 << 20 }).toString('latin1');
const sets = [];
for (const version of versions) {
  const tag = `v${version}`;
  const commit = git('rev-parse', `${tag}^{commit}`).trim();
  const am = git('show', `${commit}:gettext-tools/m4/Makefile.am`);
  const m = /^aclocal_DATA\s*=((?:.*\\\n)*.*)$/m.exec(am);
  if (!m) {
    console.error(`${tag}: gettext-tools/m4/Makefile.am has no aclocal_DATA`);
    process.exit(2);
  }
  const files = [];
  const untracked = [];
  for (const rel of m[1].replace(/\\\n/g, ' ').split(/\s+/).filter(Boolean)) {
    const path = ['gettext-tools', 'm4', ...rel.split('/')].reduce((acc, s) => (s === '..' ? acc.slice(0, -1) : s === '.' ? acc : [...acc, s]), []).join('/');
    // (gettext-runtime/gnulib-m4/ is written by gnulib-tool at bootstrap: not in the tag, listed as untracked.)
    const listed = git('ls-tree', commit, '--', path).trim();
    if (!listed) {
      untracked.push(path);
      continue;
    }
    const blob = listed.split(/\s+/)[2];
    files.push({ name: path.split('/').pop(), path, blob, text: git('show', `${commit}:${path}`) });
  }
  sets.push({ version, tag, commit, files, untracked });
}
const data = { source: 'https://git.savannah.gnu.org/git/gettext.git (mirror autotools-mirror/gettext)', derivedBy: 'scripts/derive-gettext-aclocal.mjs', sets };
writeFileSync(out, gzipSync(Buffer.from(`${JSON.stringify(data)}\n`, 'latin1'), { level: 9 }));
console.log(`${sets.length} set(s), ${sets.reduce((n, s) => n + s.files.length, 0)} files → ${out}`);
