#!/usr/bin/env node
/**
 * Derives data/distro-hunks.json, the distribution patch hunk corpus (issue 11 b; src/classify/distro-hunks.ts),
 * from real upstream release tarballs: for every toolchain copy they ship (ltmain.sh, libtool.m4, ltoptions.m4,
 * config.sub, config.guess …) that no known upstream version matches, its change blocks against the version it
 * is nearest to (the upstream database's line data: data/upstream-db.json.gz + upstream-lines.json.gz). A block
 * that occurs identically in the copies of at least --threshold (default 3) projects' releases, made by at least
 * as many people (the tar members' owner: a named owner is one person across projects, a numeric or generic one
 * counts once per project), is a distribution patch hunk. Only keys, line counts and labels are written.
 *
 * Usage (after `npm run build`):
 *   scripts/fetch-distro-hunk-sources.sh [DIR]            # Debian orig tarballs of a hold-out list of projects
 *   node scripts/derive-distro-hunks.mjs DIR/orig [--out data/distro-hunks.json] [--threshold 3] [--date YYYY-MM-DD]
 *     [--names NAME,NAME… --merge data/distro-hunks.json]
 * --names reads only those copies (names of HUNK_FILES); --merge FILE keeps FILE's hunks of every other name and
 * records this derivation under `supplements` (what it read, when): a corpus extended to new names without
 * re-deriving the old ones from tarballs that have changed since (projects that joined the evaluation set, newer
 * sid releases).
 * Every tarball is read, the evaluation set's included (a directory of them, e.g. scripts/evaluate's dl/, can be
 * passed): each hunk records the projects that carried it (Debian source package and the tarball's top
 * directory, projectKey'd) and the judge counts only projects other than the judged release's (leave-one-out,
 * src/classify/distro-hunks.ts HunkCorpus.support), so no release is evidence for itself. Tarballs of the same
 * file name are read once. Archives are read with tar only; nothing is executed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const dist = (m) => join(root, 'dist', m);
if (!existsSync(dist('classify/distro-hunks.js'))) {
  console.error('derive-distro-hunks: dist/ is missing; run `npm run build` first');
  process.exit(2);
}
const { deriveHunkCorpus, HUNK_FILES, HUNK_THRESHOLD } = await import(dist('classify/distro-hunks.js'));
const { UpstreamDb, readUpstreamDb } = await import(dist('classify/upstream-db.js'));
const { bundledLinesDb } = await import(dist('classify/upstream-lines.js'));

const args = process.argv.slice(2);
const opts = { dirs: [], out: join(root, 'data/distro-hunks.json'), threshold: HUNK_THRESHOLD, date: new Date().toISOString().slice(0, 10) };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--out') opts.out = resolve(args[++i]);
  else if (a === '--threshold') opts.threshold = Number(args[++i]);
  else if (a === '--date') opts.date = args[++i];
  else if (a === '--names') opts.names = args[++i].split(',').filter(Boolean);
  else if (a === '--merge') opts.merge = resolve(args[++i]);
  else if (a.startsWith('--')) {
    console.error(`derive-distro-hunks: unknown option ${a}`);
    process.exit(2);
  } else opts.dirs.push(resolve(a));
}
if (opts.dirs.length === 0 || !Number.isInteger(opts.threshold) || opts.threshold < 2 || (opts.merge && !opts.names)) {
  console.error('usage: node scripts/derive-distro-hunks.mjs DIR... [--out FILE] [--threshold N>=2] [--date YYYY-MM-DD] [--names NAME,… [--merge FILE]]');
  process.exit(2);
}
const unknownName = (opts.names ?? []).find((n) => !HUNK_FILES.has(n));
if (unknownName) {
  console.error(`derive-distro-hunks: --names: ${unknownName} is not a toolchain copy the corpus covers (${[...HUNK_FILES].join(', ')})`);
  process.exit(2);
}
const names = opts.names ? new Set(opts.names) : HUNK_FILES;

function tarballs(dir) {
  const out = [];
  for (const n of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, n.name);
    if (n.isDirectory()) out.push(...tarballs(p));
    else if (/\.orig\.tar\.(?:gz|xz|bz2)$/.test(n.name)) out.push(p);
  }
  return out.sort();
}

const copies = [];
const seenTarball = new Set();
for (const file of opts.dirs.flatMap(tarballs)) {
  const base = file.slice(file.lastIndexOf('/') + 1);
  const m = /^([^_]+)_(.+)\.orig\.tar\.\w+$/.exec(base);
  if (!m || seenTarball.has(base)) continue;
  seenTarball.add(base);
  const [, project, version] = m;
  let listing;
  try {
    listing = execFileSync('tar', ['-tvf', file], { maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] }).toString('utf8');
  } catch {
    console.error(`derive-distro-hunks: ${base}: unreadable; skipped`);
    continue;
  }
  const members = [];
  const tops = new Set();
  for (const line of listing.split('\n')) {
    // -rw-r--r-- owner/group size YYYY-MM-DD HH:MM path
    const f = /^-\S+\s+(\S+)\s+\d+\s+(\d{4}-\d\d-\d\d)\s+\S+\s+(.+)$/.exec(line);
    if (f && names.has(f[3].slice(f[3].lastIndexOf('/') + 1))) members.push({ owner: f[1], date: f[2], path: f[3] });
    if (f && f[3].includes('/')) tops.add(f[3].slice(0, f[3].indexOf('/')).replace(/^\.$/, ''));
  }
  // the tarball's top directory ("libusb-1.0.26"): the name its upstream gives the project, for leave-one-out
  const aka = [...tops].filter(Boolean).slice(0, 1);
  if (members.length === 0) continue;
  // One decompression per tarball: the copies are extracted into a private directory, read, and removed.
  const tmp = mkdtempSync(join(tmpdir(), 'distdiff-hunks-'));
  try {
    execFileSync('tar', ['-xf', file, '-C', tmp, '--', ...members.map((m) => m.path)], { stdio: ['ignore', 'ignore', 'ignore'] });
  } catch {
    // tar exits non-zero when a member could not be written; what was extracted is read
  }
  for (const m of members) {
    const p = join(tmp, m.path);
    if (!existsSync(p) || !statSync(p).isFile()) continue;
    const name = m.path.slice(m.path.lastIndexOf('/') + 1);
    copies.push({ project, aka, release: `${project} ${version}`, owner: m.owner, date: m.date, name, content: readFileSync(p) });
  }
  rmSync(tmp, { recursive: true, force: true });
}

const db = new UpstreamDb(readUpstreamDb(), [], bundledLinesDb);
let corpus = deriveHunkCorpus(db, copies, { threshold: opts.threshold, generated: opts.date });
if (opts.merge) {
  // The merged file: its own derivation for every other name, this one's for --names (recorded as a supplement).
  const base = JSON.parse(readFileSync(opts.merge, 'utf8'));
  if (base.schemaVersion !== 2) {
    console.error(`derive-distro-hunks: --merge ${opts.merge}: schema ${base.schemaVersion}, not 2 (its hunks lack their supporters); derive it in full`);
    process.exit(2);
  }
  const supplement = { generated: opts.date, names: [...names], threshold: opts.threshold, derivedFrom: corpus.derivedFrom, hunks: corpus.hunks.length };
  const hunks = [...base.hunks.filter((h) => !names.has(h.name)), ...corpus.hunks];
  hunks.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : a.at - b.at || (a.key < b.key ? -1 : 1)));
  corpus = { ...base, supplements: [...(base.supplements ?? []).filter((x) => !x.names.some((n) => names.has(n))), supplement], hunks };
}
const text = JSON.stringify({ ...corpus, hunks: [] }, null, 2).replace('"hunks": []', `"hunks": [\n${corpus.hunks.map((h) => `    ${JSON.stringify(h)}`).join(',\n')}\n  ]`);
writeFileSync(opts.out, `${text}\n`);
const read = opts.merge ? corpus.supplements[corpus.supplements.length - 1].derivedFrom : corpus.derivedFrom;
console.error(
  `derive-distro-hunks: ${opts.merge ? `${[...names].join(', ')} from ` : ''}${read.releases} releases of ${read.projects} projects ${copies.length} toolchain copies → ${opts.merge ? `${corpus.supplements[corpus.supplements.length - 1].hunks} hunks, merged: ` : ''}${corpus.hunks.length} hunks at threshold ${opts.threshold} → ${opts.out}`,
);
