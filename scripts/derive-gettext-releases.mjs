#!/usr/bin/env node
// Derives data/gettext-releases.json from a clone of gettext's git repository (e.g. the
// autotools-mirror/gettext mirror): every release tag vX.Y[.Z[.W]] (no branch points, no pre-releases),
// its commit and the commit's date. Nothing of gettext's text is kept: only version numbers, ids and dates.
//
//   node scripts/derive-gettext-releases.mjs GETTEXT.git [OUT.json]
//
// Used by src/classify/gettextize.ts: gettextize's upgrade (GETTEXTIZE_UPGRADE) is explained only when the
// version it writes into AM_GNU_GETTEXT_VERSION and po/ChangeLog is a gettext release that exists.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const [repo, out = new URL('../data/gettext-releases.json', import.meta.url).pathname] = process.argv.slice(2);
if (!repo) {
  console.error('usage: derive-gettext-releases.mjs GETTEXT.git [OUT.json]');
  process.exit(2);
}
const git = (...a) => execFileSync('git', ['--git-dir', repo, ...a], { maxBuffer: 64 << 20 }).toString('utf8');
const tags = git('tag', '--list', 'v*')
  .split('\n')
  .filter((t) => /^v\d+(\.\d+){1,3}$/.test(t))
  .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
const releases = {};
for (const tag of tags) {
  const [commit, date] = git('log', '-1', '--format=%H %cs', `${tag}^{commit}`).trim().split(' ');
  releases[tag.slice(1)] = { tag, commit, date };
}
writeFileSync(out, `${JSON.stringify({ source: 'https://git.savannah.gnu.org/git/gettext.git (mirror autotools-mirror/gettext)', derivedBy: 'scripts/derive-gettext-releases.mjs', releases }, null, 1)}\n`);
console.log(`${Object.keys(releases).length} releases → ${out}`);
