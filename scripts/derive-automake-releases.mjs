#!/usr/bin/env node
// Derives data/automake-releases.json from a clone of automake's git repository (e.g. the
// autotools-mirror/automake mirror): for every final release tag (v1.15 … v1.18.1, no test releases),
// the release year automake and aclocal write into their headers (configure.ac's RELEASE_YEAR, the
// "Copyright (C) 1994-YEAR" of a Makefile.in, "1996-YEAR" of aclocal.m4) and, for each of its own
// macro files (m4/**/*.m4, installed as aclocal-X.Y/…), the byte count and sha256 of the text aclocal copies
// into aclocal.m4 (the file without its `##` lines), and in `between` the same for every other form such a file had
// in the commits since the previous release (with the commit that made it and its date). Nothing of automake's text is kept:
// only these numbers.
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
const digest = (text) => ({ bytes: Buffer.byteLength(text, 'latin1'), sha256: createHash('sha256').update(Buffer.from(text, 'latin1')).digest('hex') });
let prevTag;
for (const tag of tags) {
  const version = tag.slice(1);
  const year = /^RELEASE_YEAR=(\d{4})$/m.exec(git('show', `${tag}:configure.ac`))?.[1];
  const macros = {};
  for (const path of git('ls-tree', '-r', '--name-only', tag, '--', 'm4').split('\n')) {
    if (!path.endsWith('.m4')) continue;
    const text = git('show', `${tag}:${path}`).replace(/^##.*\n/gm, '');
    macros[path.slice('m4/'.length)] = { bytes: Buffer.byteLength(text, 'latin1'), sha256: createHash('sha256').update(Buffer.from(text, 'latin1')).digest('hex') };
  }
  // Every other form a macro file had in the commits from the previous release to this one (distributions
  // backport such changes into the previous release: Fedora's automake 1.16.2 ships python.m4 as commit
  // e21d46fdd made it). The release's own form is in `macros`; the previous release's is left out.
  const between = {};
  if (prevTag) {
    const before = releases[prevTag.slice(1)].macros;
    for (const line of git('log', '--reverse', '--format=%H %cs', `${prevTag}..${tag}`, '--', 'm4').split('\n').filter(Boolean)) {
      const [commit, date] = line.split(' ');
      for (const path of git('diff-tree', '--no-commit-id', '-r', '--name-only', commit, '--', 'm4').split('\n')) {
        if (!path.endsWith('.m4')) continue;
        let text;
        try {
          text = git('show', `${commit}:${path}`).replace(/^##.*\n/gm, '');
        } catch {
          continue; // deleted there
        }
        const name = path.slice('m4/'.length);
        const d = digest(text);
        if (d.sha256 === before[name]?.sha256) continue;
        const list = (between[name] ??= []);
        if (!list.some((x) => x.sha256 === d.sha256)) list.push({ ...d, commit: commit.slice(0, 12), date });
      }
    }
  }
  releases[version] = { tag, commit: git('rev-parse', `${tag}^{commit}`).trim(), year, macros, ...(Object.keys(between).length ? { between } : {}) };
  prevTag = tag;
}
writeFileSync(out, `${JSON.stringify({ source: 'https://git.savannah.gnu.org/git/automake.git (mirror autotools-mirror/automake)', derivedBy: 'scripts/derive-automake-releases.mjs', releases }, null, 1)}\n`);
console.log(`${Object.keys(releases).length} releases → ${out}`);
