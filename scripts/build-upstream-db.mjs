#!/usr/bin/env node
/**
 * Builds data/upstream-db.json.gz: every historical version of the m4 files and autotools auxiliary
 * scripts of the upstream projects that release tarballs copy them from. Only derived data is written
 * (blob ids, hashes, serials, stamps, commits, dates, tags); no upstream text. Line data — 32-bit hashes of
 * every line of every version, deduplicated per name — goes to data/upstream-lines.json.gz (--lines-out),
 * loaded only when a copy matches no version exactly. `--releases DIR` (scripts/fetch-upstream-releases.sh)
 * adds release-only versions: libtool's generated ltmain.sh, gettext's autopoint archive, and Debian's
 * toolchain copies as a labelled source. For m4 files with `##` lines it also records the form aclocal copies
 * into aclocal.m4 (those lines dropped: its blob id in the version row, its lines in the line data).
 *
 * Usage (after `npm run build`, which compiles src/classify/m4.ts to dist/classify/m4.js):
 *   node scripts/build-upstream-db.mjs [--out data/upstream-db.json.gz] [--date YYYY-MM-DD] \
 *        [project=/path/to/bare.git ...]
 * Without project arguments the SOURCES list below is used, with bare git dirs under $MIRROR_DIR
 * (default /work/.mirror/<owner>+<name>/repo). Missing sources are skipped with a warning.
 * Nothing from the repositories is executed: only git plumbing reads them.
 *
 * It also writes data/upstream-blobs.json.gz (--blobs-out): the blob index, every version of every file
 * that projects copy wholesale from gnulib (lib/, m4/, build-aux/, tests/, top/, config/, doc/*), gettext
 * (po infrastructure, m4/, intl/, build-aux/, ABOUT-NLS …), libtool (libltdl/, m4/, build-aux/), automake
 * (lib/, m4/) and autoconf (build-aux/): 80-bit blob id prefixes with the path each had upstream, found
 * with `git rev-list --objects --all`. `--blobs-only` rebuilds just that file (seconds per project).
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const m4Path = join(root, 'dist/classify/m4.js');
if (!existsSync(m4Path)) {
  console.error(`build-upstream-db: ${m4Path} is missing; run \`npm run build\` first`);
  process.exit(2);
}
const { aclocalForm, normalisedHash, parseSerial, scriptStamp, NORMALISATION_VERSION } = await import(m4Path);
const { LinesDbBuilder } = await import(join(root, 'dist/classify/upstream-lines.js'));
/** Line data of every version (data/upstream-lines.json.gz), filled as versions are described. */
const linesDb = new LinesDbBuilder();

const MIRROR_DIR = process.env.MIRROR_DIR ?? '/work/.mirror';
const SOURCES = [
  { project: 'gnulib', repo: 'coreutils/gnulib' },
  { project: 'gettext', repo: 'autotools-mirror/gettext' },
  { project: 'autoconf', repo: 'autotools-mirror/autoconf' },
  { project: 'automake', repo: 'autotools-mirror/automake' },
  { project: 'libtool', repo: 'autotools-mirror/libtool' },
  { project: 'autoconf-archive', repo: 'autoconf-archive/autoconf-archive' },
  { project: 'pkgconf', repo: 'pkgconf/pkgconf' },
  { project: 'pkg-config', repo: 'freedesktop/pkg-config' },
  { project: 'config', repo: 'gnu-mirror-unofficial/config' },
  // Third-party macro files and aux files that projects copy from the library they build against
  // (gpgme.m4 into aclocal.m4, gtkdocize's gtk-doc.make and gtk-doc.m4): their authors' git histories.
  { project: 'gpgme', repo: 'gpg/gpgme' },
  { project: 'libgpg-error', repo: 'gpg/libgpg-error' },
  { project: 'gtk-doc', repo: 'GNOME/gtk-doc' },
];

/**
 * Third-party sources: only the files the project itself authors and installs for others to copy (its m4/
 * and build-aux/ hold other projects' copies, recorded from their authors' histories instead).
 */
const PROJECT_FILES = {
  gpgme: (p) => p === 'src/gpgme.m4',
  'libgpg-error': (p) => /^src\/(gpg-error|gpgrt)\.m4$/.test(p),
  'gtk-doc': (p) => /^(buildsystems\/autotools\/)?gtk-doc\.(m4|make)$/.test(p),
};

/** Aux scripts and gettext po infrastructure recorded by base name (every *.m4 is recorded too). */
const AUX_NAMES = [
  'config.guess', 'config.sub', 'install-sh', 'depcomp', 'missing', 'compile', 'test-driver', 'ar-lib',
  'ylwrap', 'config.rpath', 'ltmain.sh', 'mkinstalldirs', 'py-compile', 'tap-driver.sh', 'texinfo.tex',
  'mdate-sh', 'elisp-comp', 'Makefile.in.in', 'Rules-quot', 'remove-potcdate.sin', 'quot.sed',
  'boldquot.sed', 'en@quot.header', 'en@boldquot.header', 'insert-header.sin', 'gitlog-to-changelog',
];
/** Templates whose release form is the template with @VERSION@ substituted by the tag's version. */
const TEMPLATES = { 'pkg.m4.in': 'pkg.m4' };

/** Paths whose every version goes into the blob index, per project (files copied wholesale into releases). */
const BLOB_RULES = {
  gnulib: (p) => /^(lib|m4|build-aux|tests|top|config)\//.test(p) || /^doc\/[^/]+$/.test(p),
  gettext: (p) =>
    !/\.(po|gmo)$/.test(p) &&
    (/(^|\/)(m4|build-aux|intl|gnulib-local|misc)\//.test(p) || /(^|\/)po\/[^/]+$/.test(p) || /(^|\/)ABOUT-NLS$/.test(p)),
  libtool: (p) => /^(libltdl|m4|build-aux)\//.test(p),
  automake: (p) => /^(lib|m4)\//.test(p),
  autoconf: (p) => /^build-aux\//.test(p),
};
export const BLOB_PREFIX_BYTES = 10;

/** Every blob ever at a path BLOB_RULES selects: [blob, path] pairs (the path where rev-list first met it). */
function indexBlobs(src) {
  const rule = BLOB_RULES[src.project];
  if (!rule) return [];
  const objs = execFileSync('sh', ['-c', 'git --git-dir="$1" rev-list --objects --all --missing=allow-any', 'sh', src.dir], { maxBuffer: 1 << 30, encoding: 'utf8' });
  const out = [];
  for (const line of objs.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp !== 40) continue; // commits have no path; sha1 ids only
    const path = line.slice(sp + 1);
    if (path && rule(path)) out.push([line.slice(0, 40), path]);
  }
  // rev-list names trees too: keep blobs only
  const types = execFileSync('git', ['--git-dir', src.dir, 'cat-file', '--batch-check=%(objecttype)'], {
    input: out.map(([o]) => o).join('\n') + '\n',
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  }).split('\n');
  return out.filter((_, i) => types[i] === 'blob');
}

function writeBlobIndex(file, sources, date) {
  const paths = [];
  const pathIdx = new Map();
  const rows = new Map(); // prefix hex → path index (first wins)
  const meta = [];
  for (const src of sources) {
    const pairs = indexBlobs(src);
    meta.push({ project: src.project, repo: src.repo, head: src.head, blobs: pairs.length });
    for (const [oid, path] of pairs) {
      const key = `${src.project}\t${path}`;
      let i = pathIdx.get(key);
      if (i === undefined) {
        i = paths.length;
        paths.push(key);
        pathIdx.set(key, i);
      }
      const prefix = oid.slice(0, BLOB_PREFIX_BYTES * 2);
      if (!rows.has(prefix)) rows.set(prefix, i);
    }
    console.error(`  blobs ${src.project}: ${pairs.length}`);
  }
  const keys = [...rows.keys()].sort();
  const ids = Buffer.alloc(keys.length * BLOB_PREFIX_BYTES);
  const idx = Buffer.alloc(keys.length * 4);
  keys.forEach((k, n) => {
    ids.write(k, n * BLOB_PREFIX_BYTES, 'hex');
    idx.writeUInt32LE(rows.get(k), n * 4);
  });
  const json = JSON.stringify({ schemaVersion: 1, generated: date, prefixBytes: BLOB_PREFIX_BYTES, sources: meta, paths, ids: ids.toString('base64'), path: idx.toString('base64') });
  const gz = gzipSync(json, { level: 9 });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, gz);
  console.error(`wrote ${file}: ${keys.length} blobs, ${paths.length} paths, ${(gz.length / 1e6).toFixed(2)} MB gzip`);
}

// ---------------------------------------------------------------------------------------------
// Release-only versions (--releases DIR, as fetched by scripts/fetch-upstream-releases.sh): files that no
// git history holds because a release process made them — libtool's ltmain.sh (generated from ltmain.in),
// the autopoint archive in gettext's release (gettext-tools/misc/archive.dir.tar: po/Makefile.in.in, m4/
// … of every gettext version) — and distributions' toolchain copies (Debian binary packages: /usr/share/
// aclocal, /usr/share/libtool/build-aux, /usr/share/gettext/po …), labelled with the suite and version.
// Only names the git histories already know (or AUX_NAMES) are taken: a release adds versions, not names.
// Archives are read with tar and dpkg-deb only; nothing from them is executed.

const ORIG_PROJECTS = [[/^libtool$/, 'libtool'], [/^gettext$/, 'gettext'], [/^autoconf$/, 'autoconf'], [/^automake(-[\d.]+)?$/, 'automake']];
const DEB_PROJECTS = { libtool: 'libtool', gettext: 'gettext', autopoint: 'gettext', autoconf: 'autoconf', automake: 'automake' };
/**
 * Debian packages of libraries whose macro files (and gtkdocize's gtk-doc.make) projects copy: the project
 * each belongs to. Every *.m4 they install under /usr/share/aclocal is taken, whether or not a git history
 * knows the name (glib's glib-2.0.m4 …), and gtk-doc.make from /usr/share/gtk-doc/data.
 */
const DEB_THIRD_PARTY = {
  'gtk-doc-tools': 'gtk-doc',
  'libgpgme-dev': 'gpgme',
  'libgpg-error-dev': 'libgpg-error',
  'libgcrypt20-dev': 'libgcrypt',
  'libassuan-dev': 'libassuan',
  'libksba-dev': 'libksba',
  'libnpth0-dev': 'npth',
  pkgconf: 'pkgconf',
  'pkg-config': 'pkg-config',
  'libglib2.0-dev': 'glib',
  'libglib2.0-dev-bin': 'glib',
  'gobject-introspection': 'gobject-introspection',
  'libgirepository1.0-dev': 'gobject-introspection',
  intltool: 'intltool',
  'yelp-tools': 'yelp-tools',
  'libsdl2-dev': 'sdl2',
  'libcppunit-dev': 'cppunit',
};
/** Files a third-party package installs for projects to copy, by their place under /usr/share. */
const THIRD_PARTY_FILE = (rel) => /^aclocal\/[^/]+\.m4$/.test(rel) || rel === 'gtk-doc/data/gtk-doc.make';

function walkFiles(dir) {
  const out = [];
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop();
    for (const n of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, n.name);
      if (n.isDirectory()) stack.push(p);
      else if (n.isFile()) out.push(p);
    }
  }
  return out.sort();
}

function sh(script, ...args) {
  return spawnSyncChecked('sh', ['-c', script, 'sh', ...args]);
}
function spawnSyncChecked(cmd, args) {
  try {
    execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
    return true;
  } catch {
    return false; // tar exits 2 when a wildcard matched nothing; what was extracted is used
  }
}

const ARCHIVE_DIR = /^gettext-(\d[\w.]*)$/;

/** Files of interest under an extracted tree, with the autopoint archive expanded in place. */
function collect(tree, known, source, project, tag, out) {
  for (const file of walkFiles(tree)) {
    const name = base(file);
    if (/^archive\.dir\.tar(\.xz)?$/.test(name)) {
      const sub = mkdtempSync(join(tmpdir(), 'distdiff-autopoint-'));
      try {
        sh('tar -xf "$1" -C "$2"', file, sub);
        for (const d of readdirSync(sub)) {
          const m = ARCHIVE_DIR.exec(d);
          if (!m) continue;
          collect(join(sub, d), known, { label: `gettext ${m[1]} as autopoint installs it (from ${source.label})`, kind: source.kind }, 'gettext', `v${m[1]}`, out);
        }
      } finally {
        rmSync(sub, { recursive: true, force: true });
      }
      continue;
    }
    if (!known.has(name) && !AUX_NAMES.includes(name)) continue;
    if (NOT_COPIED.includes(name)) continue;
    const st = statSync(file);
    if (st.size > 4 << 20) continue;
    out.push({ project, name, content: readFileSync(file), time: Math.floor(st.mtimeMs / 1000), tag, source });
  }
}

function releaseFiles(dir, known) {
  const out = [];
  const patterns = ['*.m4', ...AUX_NAMES.map((n) => `*/${n}`), '*/archive.dir.tar'];
  for (const suite of existsSync(join(dir, 'orig')) ? readdirSync(join(dir, 'orig')).sort() : []) {
    for (const f of readdirSync(join(dir, 'orig', suite)).sort()) {
      const m = /^(.+?)_(.+)\.orig\.tar\.(?:xz|gz|bz2)$/.exec(f);
      const project = m && ORIG_PROJECTS.find(([re]) => re.test(m[1]))?.[1];
      if (!project) continue;
      const tmp = mkdtempSync(join(tmpdir(), 'distdiff-release-'));
      try {
        spawnSyncChecked('tar', ['-xf', join(dir, 'orig', suite, f), '-C', tmp, '--wildcards', ...patterns]);
        collect(tmp, known, { label: `${project} ${m[2]} release tarball`, kind: 'release' }, project, `v${m[2]}`, out);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }
  }
  for (const suite of existsSync(join(dir, 'deb')) ? readdirSync(join(dir, 'deb')).sort() : []) {
    for (const f of readdirSync(join(dir, 'deb', suite)).sort()) {
      const m = /^([^_]+)_([^_]+)_[^_]+\.deb$/.exec(f);
      const project = m && (DEB_PROJECTS[m[1]] ?? DEB_THIRD_PARTY[m[1]]);
      if (!project) continue;
      const version = decodeURIComponent(m[2]).replace(/^\d+:/, '');
      const source = { label: `Debian ${suite} ${m[1]} ${version}`, kind: 'distribution' };
      const tmp = mkdtempSync(join(tmpdir(), 'distdiff-deb-'));
      try {
        sh('dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" --wildcards "./usr/share/*"', join(dir, 'deb', suite, f), tmp);
        const share = join(tmp, 'usr/share');
        if (DEB_THIRD_PARTY[m[1]]) {
          for (const file of existsSync(share) ? walkFiles(share) : []) {
            if (!THIRD_PARTY_FILE(file.slice(share.length + 1))) continue;
            const st = statSync(file);
            out.push({ project, name: base(file), content: readFileSync(file), time: Math.floor(st.mtimeMs / 1000), tag: undefined, source });
          }
          continue;
        }
        for (const sub of existsSync(share) ? readdirSync(share) : []) {
          if (!/^(aclocal(-[\d.]+)?|libtool|gettext|autoconf|automake(-[\d.]+)?)$/.test(sub)) continue;
          collect(join(share, sub), known, source, project, undefined, out);
        }
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }
  }
  return out;
}

/**
 * Entries for release-only versions. A project's release file is recorded unless that project's own git
 * history has the blob (libtool 2.4.7's ltmain.sh is also committed in gettext's git: the release still
 * records it as libtool's); a distribution's copy only when no version at all has the blob.
 */
function releaseEntries(files, all) {
  const seen = new Set(all.map((e) => `${e.project}\0${e.name}\0${e.blob}`));
  const anywhere = new Set(all.map((e) => `${e.name}\0${e.blob}`));
  files.sort((a, b) => (a.source.kind === b.source.kind ? a.time - b.time : a.source.kind === 'release' ? -1 : 1));
  const entries = [];
  for (const f of files) {
    const oid = blobSha1(f.content);
    const key = f.source.kind === 'release' ? `${f.project}\0${f.name}\0${oid}` : `${f.name}\0${oid}`;
    if (seen.has(key) || (f.source.kind !== 'release' && anywhere.has(key))) continue;
    seen.add(key);
    anywhere.add(`${f.name}\0${oid}`);
    entries.push(describe(f.project, { name: f.name, oid, commit: '', time: f.time, source: f.source }, f.content, f.tag));
  }
  return entries;
}

function parseArgs(argv) {
  const opts = { out: join(root, 'data/upstream-db.json.gz'), linesOut: join(root, 'data/upstream-lines.json.gz'), blobsOut: join(root, 'data/upstream-blobs.json.gz'), blobsOnly: false, date: new Date().toISOString().slice(0, 10), sources: [], releases: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') opts.out = resolve(argv[++i]);
    else if (a === '--blobs-out') opts.blobsOut = resolve(argv[++i]);
    else if (a === '--lines-out') opts.linesOut = resolve(argv[++i]);
    else if (a === '--releases') opts.releases = resolve(argv[++i]);
    else if (a === '--blobs-only') opts.blobsOnly = true;
    else if (a === '--date') opts.date = argv[++i];
    else if (a.includes('=')) {
      const [project, dir] = a.split('=');
      opts.sources.push({ project, repo: project, dir: resolve(dir) });
    } else {
      console.error(`build-upstream-db: unexpected argument ${a}`);
      process.exit(2);
    }
  }
  if (opts.sources.length === 0)
    opts.sources = SOURCES.map((s) => ({ ...s, dir: join(MIRROR_DIR, s.repo.replace('/', '+'), 'repo') }));
  return opts;
}

function git(dir, args, opts = {}) {
  return execFileSync('git', ['--git-dir', dir, ...args], { maxBuffer: 1 << 30, encoding: 'utf8', ...opts });
}

const base = (p) => p.slice(p.lastIndexOf('/') + 1);
/** m4 files that projects copy: under a directory named m4 (m4/, gl/m4, gettext-runtime/m4, gnulib-m4 …) or pkg.m4. */
const ROOT_M4 = ['pkg.m4'];
const NOT_COPIED = ['aclocal.m4', 'acinclude.m4', 'configure.ac'];
function wanted(path, project) {
  if (PROJECT_FILES[project]) return PROJECT_FILES[project](path);
  const name = base(path);
  if (AUX_NAMES.includes(name) || name in TEMPLATES) return true;
  if (!name.endsWith('.m4') || NOT_COPIED.includes(name)) return false;
  const dirs = path.split('/').slice(0, -1);
  return ROOT_M4.includes(name) || dirs.some((d) => d === 'm4' || d.endsWith('-m4') || d === 'm4macros');
}

/** Reads many blobs with one `git cat-file --batch`; calls onBlob(oid, Buffer) in request order. */
function catBlobs(dir, oids, onBlob) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('git', ['--git-dir', dir, 'cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let buf = Buffer.alloc(0);
    let idx = 0;
    child.stdout.on('data', (chunk) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        const nl = buf.indexOf(10);
        if (nl < 0) return;
        const header = buf.subarray(0, nl).toString();
        const [oid, type, sizeText] = header.split(' ');
        if (type === 'missing') {
          buf = buf.subarray(nl + 1);
          idx++;
          continue;
        }
        const size = Number(sizeText);
        if (buf.length < nl + 1 + size + 1) return;
        onBlob(oid, buf.subarray(nl + 1, nl + 1 + size));
        buf = buf.subarray(nl + 1 + size + 1);
        idx++;
      }
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise(idx) : reject(new Error(`cat-file exited ${code}`))));
    child.stdin.end(oids.map((o) => `${o}\n`).join(''));
  });
}

const versionOfTag = (tag) => tag.replace(/^refs\/tags\//, '');

async function scanSource(src) {
  const t0 = Date.now();
  const head = git(src.dir, ['rev-parse', 'HEAD']).trim();
  /** (name, oid) → { name, oid, commit, time, path } earliest introduction. */
  const occ = new Map();
  const tick = (what) => process.env.DB_VERBOSE && console.error(`    ${src.project} ${what} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  // No pathspec: git's pathspec matching over a 30k-commit history costs minutes; filtering here costs seconds.
  const log = git(src.dir, ['log', '--all', '--raw', '--no-abbrev', '--no-renames', '--format=C %H %ct']);
  let commit = '';
  let time = 0;
  for (const line of log.split('\n')) {
    if (line.startsWith('C ')) {
      [, commit, time] = line.split(' ');
      time = Number(time);
    } else if (line.startsWith(':')) {
      const tab = line.indexOf('\t');
      const fields = line.slice(1, tab).split(' ');
      const newOid = fields[3];
      const newMode = fields[1];
      if (/^0+$/.test(newOid) || !newMode.startsWith('100')) continue;
      const path = line.slice(tab + 1);
      if (!wanted(path, src.project)) continue;
      const name = base(path);
      const key = `${name}\0${newOid}`;
      const prev = occ.get(key);
      if (!prev || time < prev.time || (time === prev.time && commit < prev.commit))
        occ.set(key, { name, oid: newOid, commit, time, path });
    }
  }
  tick('log');
  // Release tags, oldest first by the tagged commit's date: the first tag whose tree holds a blob.
  const tags = git(src.dir, ['for-each-ref', '--format=%(refname) %(*objectname)%(objectname) %(creatordate:unix)', 'refs/tags'])
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [ref] = l.split(' ');
      return ref;
    });
  const tagInfo = [];
  for (const ref of tags) {
    try {
      const c = git(src.dir, ['rev-parse', `${ref}^{commit}`]).trim();
      const ct = Number(git(src.dir, ['show', '-s', '--format=%ct', c]).trim());
      tagInfo.push({ tag: versionOfTag(ref), commit: c, time: ct });
    } catch {
      // A tag of a tree or blob: not a release.
    }
  }
  tagInfo.sort((a, b) => a.time - b.time || (a.tag < b.tag ? -1 : 1));
  const firstTag = new Map(); // key → tag
  const templateVersions = []; // { name, tag, commit, time, templateOid }
  for (const t of tagInfo) {
    const tree = git(src.dir, ['ls-tree', '-r', '--full-tree', t.commit]);
    for (const line of tree.split('\n')) {
      if (!line) continue;
      const tab = line.indexOf('\t');
      const [mode, type, oid] = line.slice(0, tab).split(' ');
      if (type !== 'blob' || !mode.startsWith('100')) continue;
      const path = line.slice(tab + 1);
      if (!wanted(path, src.project)) continue;
      const name = base(path);
      const key = `${name}\0${oid}`;
      if (!firstTag.has(key)) firstTag.set(key, t.tag);
      if (!occ.has(key)) occ.set(key, { name, oid, commit: t.commit, time: t.time, path }); // reached only via a merge
      if (name in TEMPLATES) templateVersions.push({ name, tag: t.tag, commit: t.commit, time: t.time, oid });
    }
  }
  tick('tags');
  const entries = [];
  const byOid = new Map();
  for (const o of occ.values()) {
    if (!byOid.has(o.oid)) byOid.set(o.oid, []);
    byOid.get(o.oid).push(o);
  }
  for (const tv of templateVersions) if (!byOid.has(tv.oid)) byOid.set(tv.oid, []);
  const oids = [...byOid.keys()].sort();
  const contents = new Map(); // template oids only
  const templateOids = new Set(templateVersions.map((t) => t.oid));
  await catBlobs(src.dir, oids, (oid, content) => {
    if (templateOids.has(oid)) contents.set(oid, Buffer.from(content));
    for (const o of byOid.get(oid)) {
      if (o.name in TEMPLATES) continue;
      entries.push(describe(src.project, o, content, firstTag.get(`${o.name}\0${oid}`)));
    }
  });
  tick('blobs');
  // Substituted templates (pkg-config's pkg.m4.in → pkg.m4 as released).
  const seenTemplate = new Set();
  for (const tv of templateVersions) {
    const tmpl = contents.get(tv.oid);
    if (!tmpl) continue;
    const version = tv.tag.replace(/^[^0-9]*/, '').replace(/_/g, '.');
    if (!/^\d/.test(version)) continue;
    const content = Buffer.from(tmpl.toString('latin1').replaceAll('@VERSION@', version), 'latin1');
    const oid = blobSha1(content);
    const key = `${TEMPLATES[tv.name]}\0${oid}`;
    if (seenTemplate.has(key)) continue;
    seenTemplate.add(key);
    entries.push(
      describe(src.project, { name: TEMPLATES[tv.name], oid, commit: tv.commit, time: tv.time }, content, tv.tag),
    );
  }
  console.error(
    `  ${src.project}: ${occ.size} (name, blob) versions, ${tagInfo.length} tags, ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  return { head, entries };
}

import { createHash } from 'node:crypto';
function blobSha1(buf) {
  return createHash('sha1').update(`blob ${buf.length}\0`).update(buf).digest('hex');
}

function describe(project, o, content, tag) {
  linesDb.add(o.name, o.oid, content, String(o.time).padStart(12, '0'));
  // The form aclocal copies into aclocal.m4 ('##' lines dropped), where it differs: its blob id and lines.
  const form = o.name.endsWith('.m4') ? aclocalForm(content.toString('latin1')) : undefined;
  const aclocal = form !== undefined && form.length !== content.length ? blobSha1(Buffer.from(form, 'latin1')) : undefined;
  if (aclocal) linesDb.add(o.name, aclocal, form, String(o.time).padStart(12, '0'));
  const serial = o.name.endsWith('.m4') ? parseSerial(content) : undefined;
  const stamp = o.name.endsWith('.m4') ? undefined : scriptStamp(content);
  return {
    name: o.name,
    project,
    blob: o.oid,
    norm: normalisedHash(content),
    serial: serial?.text,
    serialForm: serial?.form,
    stamp: stamp ? `${stamp.kind}=${stamp.value}` : undefined,
    commit: o.commit,
    date: new Date(o.time * 1000).toISOString().slice(0, 10),
    tag,
    source: o.source,
    aclocal,
  };
}

function cmpSerial(a, b) {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] === undefined) return -1;
    if (y[i] === undefined) return 1;
    if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}


async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  const present = opts.sources.filter((s) => existsSync(s.dir));
  writeBlobIndex(opts.blobsOut, present.map((s) => ({ ...s, head: git(s.dir, ['rev-parse', 'HEAD']).trim() })), opts.date);
  if (opts.blobsOnly) return;
  const sources = [];
  const all = [];
  for (const src of opts.sources) {
    if (!existsSync(src.dir)) {
      console.error(`  ${src.project}: ${src.dir} not found, skipped`);
      continue;
    }
    const { head, entries } = await scanSource(src);
    sources.push({ project: src.project, repo: src.repo, head });
    all.push(...entries);
  }
  if (opts.releases) {
    const known = new Set(all.map((e) => e.name));
    const rel = releaseEntries(releaseFiles(opts.releases, known), all);
    for (const e of rel) if (!sources.some((s) => s.project === e.project)) sources.push({ project: e.project, repo: e.project, head: '0'.repeat(40) });
    all.push(...rel);
    console.error(`  releases: ${rel.length} release-only versions from ${opts.releases}`);
  }
  sources.sort((a, b) => (a.project < b.project ? -1 : 1));
  const projects = sources.map((s) => s.project);
  // Group by file name; within a name sort by date, project, blob.
  const byName = new Map();
  for (const e of all) {
    if (!byName.has(e.name)) byName.set(e.name, []);
    byName.get(e.name).push(e);
  }
  const files = {};
  let versions = 0;
  for (const name of [...byName.keys()].sort()) {
    const list = byName.get(name).sort(
      (a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0) || (a.project < b.project ? -1 : a.project > b.project ? 1 : 0) || (a.blob < b.blob ? -1 : 1),
    );
    const maxSerial = {};
    const v = list.map((e) => {
      if (e.serial !== undefined && (maxSerial[e.project] === undefined || cmpSerial(e.serial, maxSerial[e.project]) > 0))
        maxSerial[e.project] = e.serial;
      // [blob, norm (24 hex), projectIndex, commit (12 hex), date, tag|0, serial|0, stamp|0, source label|0, source kind|0, aclocal-form blob|0]
      const row = [e.blob, e.norm.slice(0, 24), projects.indexOf(e.project), e.commit.slice(0, 12), e.date, e.tag ?? 0, e.serial ?? 0, e.stamp ?? 0];
      if (e.source || e.aclocal) row.push(e.source?.label ?? 0, e.source?.kind ?? 0);
      if (e.aclocal) row.push(e.aclocal);
      return row;
    });
    versions += v.length;
    files[name] = { maxSerial, v };
  }
  const db = {
    schemaVersion: 1,
    normalisation: NORMALISATION_VERSION,
    generated: opts.date,
    sources,
    fields: ['blob', 'norm', 'project', 'commit', 'date', 'tag', 'serial', 'stamp', 'source', 'sourceKind', 'aclocalForm'],
    files,
  };
  const json = JSON.stringify(db);
  const gz = gzipSync(json, { level: 9 });
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, gz);
  const linesGz = gzipSync(JSON.stringify(linesDb.toJSON(opts.date)), { level: 9 });
  writeFileSync(opts.linesOut, linesGz);
  console.error(`wrote ${opts.linesOut}: ${linesDb.versions} versions, ${(linesGz.length / 1e6).toFixed(2)} MB gzip`);
  console.error(
    `wrote ${opts.out}: ${Object.keys(files).length} names, ${versions} versions, ${(json.length / 1e6).toFixed(1)} MB JSON, ${(gz.length / 1e6).toFixed(2)} MB gzip, ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
}

await main();
