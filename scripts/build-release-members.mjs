#!/usr/bin/env node
/**
 * Builds data/release-members.json.gz: the members of the nested archives that published releases ship
 * (gettext's gettext-tools/misc/archive.dir.tar: every earlier gettext version's infrastructure files, as
 * autopoint installs them), one row per (member path, git blob id) with the earliest release that published
 * it. src/classify/nested-archive.ts uses it to know a member "as published in an earlier release of the same
 * project": a release whose archive carries a member byte for byte as an earlier, independently published
 * release did has not changed that member. Only derived data is written (paths, blob ids, release versions,
 * dates, the tarball's sha256); no upstream text.
 *
 * The releases are the Debian orig tarballs that scripts/fetch-upstream-releases.sh fetched (DIR/orig/<suite>/
 * gettext_<version>.orig.tar.*: the GNU release tarballs, the same file in every suite that carries the version).
 * A release's date is the modification time of the nested archive inside its tarball (UTC day): the day the
 * release tree was made. Nothing from the tarballs is executed; tar only lists and extracts.
 *
 * Usage: node scripts/build-release-members.mjs [--releases DIR] [--out data/release-members.json.gz] [--date YYYY-MM-DD]
 *   (DIR defaults to ${XDG_CACHE_HOME:-$HOME/.cache}/distdiff-upstream)
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const opts = {
  releases: join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'distdiff-upstream'),
  out: join(root, 'data/release-members.json.gz'),
  date: new Date().toISOString().slice(0, 10),
};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--releases') opts.releases = resolve(argv[++i]);
  else if (a === '--out') opts.out = resolve(argv[++i]);
  else if (a === '--date') opts.date = argv[++i];
  else {
    console.error(`build-release-members: unexpected argument ${a}`);
    process.exit(2);
  }
}

/** Projects whose release tarballs ship a nested archive, and where. */
const NESTED = [{ project: 'gettext', orig: /^gettext_(.+)\.orig\.tar\.(?:xz|gz|bz2)$/, archive: 'gettext-tools/misc/archive.dir.tar' }];

const blobId = (buf) => createHash('sha1').update(`blob ${buf.length}\0`).update(buf).digest('hex');
const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

function walk(dir, prefix = '') {
  const out = [];
  for (const e of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(dir, rel));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}

// One entry per (project, version): the suites that carry it are noted, the tarball read once.
const found = new Map();
const origDir = join(opts.releases, 'orig');
for (const suite of existsSync(origDir) ? readdirSync(origDir).sort() : []) {
  for (const f of readdirSync(join(origDir, suite)).sort()) {
    for (const n of NESTED) {
      const m = n.orig.exec(f);
      if (!m) continue;
      const key = `${n.project}\0${m[1]}`;
      const file = join(origDir, suite, f);
      const sum = sha256(file);
      const prev = found.get(key);
      if (prev) {
        if (prev.sha256 !== sum) throw new Error(`${f}: differs between suites (${prev.suites.join(', ')} and ${suite})`);
        prev.suites.push(suite);
      } else found.set(key, { ...n, release: m[1], file, name: f, sha256: sum, suites: [suite] });
    }
  }
}

const sources = [];
const rows = []; // [path, blob, sourceIndex, date]
for (const r of [...found.values()]) {
  const tmp = mkdtempSync(join(tmpdir(), 'distdiff-release-members-'));
  try {
    try {
      execFileSync('tar', ['-xf', r.file, '-C', tmp, '--wildcards', `*/${r.archive}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch {
      console.error(`  ${r.name}: no ${r.archive}; skipped`);
      continue;
    }
    const top = readdirSync(tmp)[0];
    const archive = join(tmp, top, r.archive);
    const date = new Date(statSync(archive).mtimeMs).toISOString().slice(0, 10);
    const x = join(tmp, 'x');
    execFileSync('mkdir', ['-p', x]);
    execFileSync('tar', ['-xf', archive, '-C', x, '--no-same-owner', '--no-same-permissions']);
    const index = sources.length;
    const members = walk(x);
    sources.push({ project: r.project, release: r.release, date, archive: r.archive, label: `${r.project} ${r.release} release tarball`, tarball: r.name, sha256: r.sha256, suites: r.suites, members: members.length });
    for (const p of members) rows.push([p, blobId(readFileSync(join(x, p))), index, date]);
    console.error(`  ${r.name} (${r.suites.join(', ')}): ${members.length} members, ${date}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// Earliest source per (path, blob).
rows.sort((a, b) => (a[3] < b[3] ? -1 : a[3] > b[3] ? 1 : a[2] - b[2]));
const members = {};
const seen = new Set();
for (const [p, oid, i] of rows) {
  const k = `${p}\0${oid}`;
  if (seen.has(k)) continue;
  seen.add(k);
  (members[p] ??= []).push([oid, i]);
}
const sorted = Object.fromEntries(Object.keys(members).sort().map((k) => [k, members[k]]));
const json = JSON.stringify({ schemaVersion: 1, generated: opts.date, sources, members: sorted });
const gz = gzipSync(json, { level: 9 });
writeFileSync(opts.out, gz);
console.error(`wrote ${opts.out}: ${sources.length} releases, ${seen.size} (path, blob) rows, ${(gz.length / 1e3).toFixed(0)} kB gzip`);
