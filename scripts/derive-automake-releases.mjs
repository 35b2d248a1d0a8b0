#!/usr/bin/env node
// Derives data/automake-releases.json from a clone of automake's git repository (e.g. the
// autotools-mirror/automake mirror): for every final release tag (v1.15 … v1.18.1, no test releases),
// the release year automake and aclocal write into their headers (configure.ac's RELEASE_YEAR, the
// "Copyright (C) 1994-YEAR" of a Makefile.in, "1996-YEAR" of aclocal.m4) and, for each of its own
// macro files (m4/**/*.m4, installed as aclocal-X.Y/…), the byte count and sha256 of the text aclocal copies
// into aclocal.m4 (the file without its `##` lines). Nothing of automake's text is kept: only these numbers.
//
//   node scripts/derive-automake-releases.mjs AUTOMAKE.git [OUT.json]
//
// Used by src/regenerate/automake-stand-in.ts: when the stamped automake is not available and a neighbour
// release of its series stands in, a macro file that differs between the two must be, in the shipped
// aclocal.m4, byte for byte the stamped release's own (by these hashes).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';

const [repo, out = new URL('../data/automake-releases.json', import.meta.url).pathname] = process.argv.slice(2);
if (!repo) {
  console.error('usage: derive-automake-releases.mjs AUTOMAKE.git [OUT.json]');
  process.exit(2);
}
const git = (...a) => execFileSync('git', ['--git-dir', repo, ...a], { maxBuffer: 64 << 20 }).toString('latin1');
const tags = git('tag', '--list', 'v1.*')
  .split('\n')
  .filter((t) => /^v1\.(1[5-9])(\.\d+)?$/.test(t) && !/\.9\d$/.test(t))
  .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
const releases = {};
for (const tag of tags) {
  const version = tag.slice(1);
  const year = /^RELEASE_YEAR=(\d{4})$/m.exec(git('show', `${tag}:configure.ac`))?.[1];
  const macros = {};
  for (const path of git('ls-tree', '-r', '--name-only', tag, '--', 'm4').split('\n')) {
    if (!path.endsWith('.m4')) continue;
    const text = git('show', `${tag}:${path}`).replace(/^##.*\n/gm, '');
    macros[path.slice('m4/'.length)] = { bytes: Buffer.byteLength(text, 'latin1'), sha256: createHash('sha256').update(Buffer.from(text, 'latin1')).digest('hex') };
  }
  releases[version] = { tag, commit: git('rev-parse', `${tag}^{commit}`).trim(), year, macros };
}
writeFileSync(out, `${JSON.stringify({ source: 'https://git.savannah.gnu.org/git/automake.git (mirror autotools-mirror/automake)', derivedBy: 'scripts/derive-automake-releases.mjs', releases }, null, 1)}\n`);
console.log(`${Object.keys(releases).length} releases → ${out}`);
