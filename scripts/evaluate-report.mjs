#!/usr/bin/env node
// Writes docs/evaluation.md (to stdout) from scripts/evaluate's outputs: per release the exit code,
// counts, and every high/critical finding, grouped by code and directory, with the reason recorded in
// scripts/evaluate-notes.tsv (why a finding is there: a false alarm of a known class, or a true finding).
// Usage: node scripts/evaluate-report.mjs <releases.tsv> <out-dir>
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [releasesFile, outDir] = process.argv.slice(2);
if (!releasesFile || !outDir) {
  console.error('usage: evaluate-report.mjs <releases.tsv> <out-dir>');
  process.exit(2);
}
const { CODES } = await import(join(root, 'dist/core/codes.js'));
const read = (f) => (existsSync(f) ? readFileSync(f, 'utf8') : undefined);

const releases = readFileSync(releasesFile, 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => {
    const [id, kind, spec, repo, tag] = l.split('\t');
    return { id, kind, spec, repo, tag };
  });
// notes: id<TAB>glob-or-code<TAB>why   (id '*' = every release). DISTDIFF_EVAL_NOTES names another notes file (tests).
const notes = (read(process.env.DISTDIFF_EVAL_NOTES || join(root, 'scripts/evaluate-notes.tsv')) ?? '')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => {
    const [id, what, why] = l.split('\t');
    return { id, what, why };
  });
const globRe = (g) => new RegExp('^' + g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '.*') + '$');
// A release's own notes first, in file order, then the notes for every release: a general note (`*	lib/**`, gnulib's
// lib/ copies) must not answer for a file its release explains itself (libidn2's lib/idn2.h, perl's lib/Try/Tiny.pm
// were given the gnulib reason because the '*' line came first in the file).
function why(id, f) {
  for (const own of [true, false])
    for (const n of notes) {
      if (own ? n.id !== id : n.id !== '*') continue;
      if (n.what === f.code || globRe(n.what).test(f.path) || n.what === `${f.code}:${f.path}`) return n.why;
    }
  return undefined;
}
const dirOf = (p) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '.');
const message = (f) => {
  try {
    return CODES[f.code].message(f.evidence);
  } catch {
    return '';
  }
};

const rows = [];
const details = [];
const tampered = [];
function load(id) {
  const rc = read(join(outDir, `${id}.rc`));
  if (rc === undefined) return undefined;
  const json = read(join(outDir, `${id}.json`));
  let r;
  try {
    r = json ? JSON.parse(json) : undefined;
  } catch {
    r = undefined;
  }
  const ms = Number(read(join(outDir, `${id}.ms`)) ?? NaN);
  const err = (read(join(outDir, `${id}.err`)) ?? '').trim().split('\n').filter(Boolean).pop() ?? '';
  return { rc: Number(rc), r, ms, err };
}

for (const rel of releases) {
  const x = load(rel.id);
  if (!x) {
    rows.push(`| ${rel.id} | — | — | not run: no result in this run's output (archive or clone unavailable, or the run stopped before it) | | | |`);
    continue;
  }
  const { rc, r, ms, err } = x;
  if (!r || !r.counts) {
    rows.push(`| ${rel.id} | — | **${rc}** | error: ${err.replace(/\|/g, '\\|')} | | | |`);
    continue;
  }
  const c = r.counts;
  const sev = c.bySeverity;
  const rev = r.inputs.revision;
  const how = rev.how === 'tag' || rev.how === 'inferred' ? rev.tag : `${rev.how}${rev.tag ? ' ' + rev.tag : ''} ${rev.commit.slice(0, 10)}`;
  rows.push(
    `| ${rel.id} | ${r.inputs.profile?.id ?? '?'} | ${rc === 0 ? '0' : `**${rc}**`} | ${r.verdict} | ${c.tarballOnly}/${c.gitOnly}/${c.changed} | ${sev.critical}/${sev.high}/${sev.medium}/${sev.low}/${sev.info} | ${how} | ${(ms / 1000).toFixed(1)} s |`,
  );
  const serious = r.findings.filter((f) => f.severity === 'critical' || f.severity === 'high');
  if (serious.length === 0) continue;
  const lines = [`### ${rel.id}`, ''];
  // grouped by code, then directory; every path listed
  const byCode = new Map();
  for (const f of serious) {
    const k = `${f.severity} ${f.code}`;
    if (!byCode.has(k)) byCode.set(k, []);
    byCode.get(k).push(f);
  }
  for (const [k, fs] of [...byCode].sort()) {
    lines.push(`- **${k}** (${fs.length})`);
    const byDir = new Map();
    for (const f of fs) {
      const d = dirOf(f.path);
      if (!byDir.has(d)) byDir.set(d, []);
      byDir.get(d).push(f);
    }
    for (const [d, ds] of [...byDir].sort()) {
      const reasons = new Set(ds.map((f) => why(rel.id, f) ?? ''));
      const names = ds.map((f) => (f.path === d ? f.path : f.path.slice(d === '.' ? 0 : d.length + 1)));
      const shown = ds.length <= 3 ? ds.map((f) => `\`${f.path}\` — ${message(f)}`).join('; ') : `\`${d}/\`: ${names.map((n) => `\`${n}\``).join(', ')}`;
      lines.push(`  - ${shown}${[...reasons].filter(Boolean).length ? ` — *why:* ${[...reasons].filter(Boolean).join(' / ')}` : ' — *why:* not yet analysed'}`);
    }
  }
  // every finding stays listed; a long list is folded so the page stays readable
  if (serious.length > 40) lines.splice(2, 0, `<details><summary>${serious.length} high/critical findings, by code and directory</summary>`, '');
  if (serious.length > 40) lines.push('', '</details>');
  details.push(lines.join('\n'));
}

const VARIANTS = [
  ['payload', 'npm-chalk-5.3.0', 1], ['payload-xz', 'xz-5.4.1', 1], ['payload-go', 'go-cobra-1.8.1', 1],
  ['setuid', 'npm-chalk-5.3.0', 1], ['setuid-xz', 'xz-5.4.1', 1], ['ltmain-xz', 'xz-5.4.1', 1], ['urlhost', 'npm-semver-7.6.0', 1],
  ['urlhost-pypi', 'pypi-idna-3.10', 1], ['symlink', 'json-c-0.16', 1], ['deref', 'json-c-0.16', 0],
  // the base release exits 1 on its own remaining findings: these are decided by the tampered file's finding
  ['gnulib-line', 'coreutils-9.1', 1, 'lib/xmalloc.c', 'high'], ['gnulib-curl', 'coreutils-9.1', 1, 'build-aux/gnupload', 'critical'],
  ['changelog-sh', 'xz-5.4.1', 1], ['changelog-urlhost', 'xz-5.4.1', 1],
  ['changelog-date', 'xz-5.4.1', 1, 'ChangeLog', 'high'], ['changelog-stat', 'xz-5.4.1', 1, 'ChangeLog', 'high'], ['changelog-path', 'xz-5.4.1', 1, 'ChangeLog', 'high'],
  ['doc-sh', 'npm-semver-7.6.0', 1], ['md-heading', 'npm-semver-7.6.0', 1],
  ['doc-trim', 'npm-semver-7.6.0', 0], ['payload-ds', 'fmt-9.1.0', 1],
  ['parser-line', 'bison-3.8.2', 1, 'src/parse-gram.c', 'high'], ['ylwrap-line', 'shadow-4.13', 1, 'libmisc/getdate.c', 'high'], ['itstool-msgid', 'shadow-4.13', 1, 'man/po/shadow-man-pages.pot', 'high'], ['sitemap-gz', 'freetype-2.12.1', 1, 'docs/reference/sitemap.xml.gz', 'high'], ['oldbison-line', 'coreutils-9.1', 1, 'lib/parse-datetime.c', 'high'],
  ['yacc-line', 'tmux-3.5a', 1, 'cmd-parse.c', 'high'], ['svn-author', 'smartmontools-7.3', 1, 'configure.ac', 'critical'], ['rst-words', 'openvpn-2.6.14', 1, 'doc/openvpn.8.html', 'high'], ['man-words', 'openvpn-2.6.14', 1, 'doc/openvpn.8', 'high'], ['rst-url', 'openvpn-2.6.14', 1, 'doc/openvpn.8.html', 'high'], ['help-url', 'curl-8.14.1', 1, 'src/tool_hugehelp.c', 'high'], ['dirindex-strings', 'npm-date-fns-3.6.0', 1, 'addDays.js', 'high'], ['swig-line', 'audit-3.0.9', 1, 'bindings/swig/python3/audit.py', 'high'], ['vala-line', 'enchant-2.8.2', 1, 'lib/api.c', 'high'],
  ['notes-line', 'libtool-2.5.4', 1, 'doc/notes.txt', 'high'], ['ltdl-flag', 'libtool-2.5.4', 1, 'libltdl/Makefile.in', 'high'],
  ['m4-flag', 'xz-5.4.1', 1, 'm4/gettext.m4', 'high'], ['m4-comment', 'xz-5.4.1', 1, 'm4/iconv.m4', 'high'], ['dnl-guess', 'xz-5.4.1', 1, 'build-aux/config.guess', 'critical'], ['install-sh-drop', 'xz-5.4.1', 1, 'build-aux/install-sh', 'high'], ['install-sh-revert', 'xz-5.4.1', 1, 'build-aux/install-sh', 'high'], ['lookalike-m4', 'xz-5.4.1', 1, 'm4/gеttext.m4', 'high'], ['blank-configure', 'xz-5.4.1', 1, 'configure ', 'high'], ['install-sh-comment', 'xz-5.4.1', 1, 'build-aux/install-sh', 'high'], ['backslash-blank', 'xz-5.4.1', 1, 'build-aux/config.guess', 'high'], ['ltmain-version', 'xz-5.4.1', 1, 'build-aux/ltmain.sh', 'high'], ['po-rule', 'sed-4.9', 1, 'po/Makefile.in.in', 'high'],
  ['copy-obj', 'xz-5.4.1', 1, 'src/liblzma/liblzma_la-payload.o', 'high'], ['stamp-var', 'xz-5.4.1', 1, 'CMakeLists.txt', 'critical'], ['stamp-prereq', 'xz-5.4.1', 1, 'configure.ac', 'critical'],
  ['crlf-line', 'xz-5.4.1', 1, 'CMakeLists.txt', 'critical'], ['docs-req', 'libuv-1.44.2', 1, 'docs/requirements.txt', 'high'],
  ['nested-member', 'gettext-0.23.1', 1, 'gettext-tools/misc/archive.dir.tar', 'high'],
  ['gitver-revision', 'libgpg-error-1.51', 1, 'configure', 'high'], ['version-commit', 'libgpg-error-1.51', 1, 'VERSION', 'high'],
  ['payload-meson', 'libxkbcommon-1.5.0', 1],
  ['errcodes-line', 'libgpg-error-1.51', 1, 'src/err-codes.h', 'high'], ['camelcase-header', 'gpgme-1.18.0', 1, 'lang/qt/src/DN', 'high'],
  ['ltmain-moved', 'libarchive-3.7.4', 1, 'build/autoconf/ltmain.sh', 'high'], ['install-sh-hunk', 'libestr-0.1.11', 1, 'install-sh', 'high'], ['config-sub-hunk', 'libopusenc-0.2.1', 1, 'config.sub', 'high'], ['standin-macros-line', 'libxfixes-6.0.0', 1, 'aclocal.m4', 'high'], ['po-format', 'xz-5.4.1', 1, 'po/fr.po', 'high'],
  ['gmo-format', 'sed-4.9', 1, 'po/fr.gmo', 'high'], ['po-fetched-format', 'sed-4.9', 1, 'po/de.po', 'high'],
  ['stamp-code', 'xz-5.4.1', 1, 'src/liblzma/api/lzma/container.h', 'high'], ['help-code', 'less-668', 1, 'help.c', 'high'], ['man-url', 'less-668', 1, 'less.man', 'high'], ['html-url', 'jemalloc-5.3.0', 1, 'doc/jemalloc.html', 'high'],
  ['po-ignore', 'sed-4.9', 1, 'po/Makefile.in.in', 'high'], ['sphinx-pickle', 'libuv-1.44.2', 1, 'docs/build/doctrees/environment.pickle', 'high'],
  ['makefile-libs', 'tmux-3.5a', 1, 'Makefile.in', 'high'],
  ['cargo-dep', 'crate-cfg-if-1.0.4', 1, 'Cargo.toml', 'critical'],
  ['pkginfo-url', 'pypi-markupsafe-2.1.2', 1, 'PKG-INFO', 'high'],
  ['dir-main', 'npm-semver-7.6.0', 1, 'classes/package.json', 'high'], ['stub-escape', 'npm-nanoid-3.3.7', 1, 'url-alphabet/package.json', 'high'],
  ['cargo-lib', 'crate-cfg-if-1.0.4', 1, 'Cargo.toml', 'critical'], ['cargo-feature', 'crate-cfg-if-1.0.4', 1, 'Cargo.toml', 'critical'],
  ['perl-subst', 'parted-3.5', 1, 'include/parted/disk.h', 'high'], ['rst-footer-link', 'geany-2.1', 1, 'doc/geany.html', 'high'],
  ['groff-script', 'nano-5.4', 1, 'doc/nano.1.html', 'high'], ['texi-host', 'libunistring-1.0', 1, 'doc/libunistring_4.html', 'high'],
  ['texi-macro-url', 'libunistring-1.0', 1, 'doc/libunistring_4.html', 'high'],
  ['makefile-in-line', 'gzip-1.12', 1, 'lib/Makefile.in', 'high'], ['configure-line', 'sed-4.9', 1, 'configure', 'high'],
  ['pkginfo-dep', 'pypi-hatchling-1.27.0', 1, 'PKG-INFO', 'high'], ['pyproject-dep', 'pypi-hatchling-1.27.0', 1, 'pyproject.toml', 'critical'],
  ['go-init', 'go-pflag-1.0.10', 1, 'zz_init.go', 'high'],
  ['dist-line', 'npm-ky-1.14.3', 1, 'distribution/index.js', 'high'], ['cython-line', 'pypi-lxml-4.9.2', 1, 'src/lxml/sax.c', 'high'],
  ['gnulib-comp-line', 'sed-4.9', 1, 'm4/gnulib-comp.m4', 'high'],
  ['cargo-lock', 'crate-cfg-if-1.0.4', 1, 'Cargo.lock', 'high'], ['world-writable', 'xz-5.4.1', 0], ['touch-payload', 'msgpack-c-4.0.0', 1, 'AUTHORS', 'high'], ['desdata-line', 'nettle-3.8.1', 1, 'keymap.h', 'high'], ['makemd5-line', 'cyrus-sasl-2.1.28', 1, 'include/md5global.h', 'high'], ['perl-vector', 'mosh-1.4.0', 1, 'src/tests/base64_vector.cc', 'high'], ['idnatest-line', 'libidn2-2.3.3', 1, 'tests/IdnaTest.inc', 'high'], ['tr46-flags', 'libidn2-2.3.3', 1, 'lib/tr46map_data.c', 'high'], ['gzip-eval-extra', 'm4-1.4.18', 1, 'Makefile.in', 'critical'], ['changelog-tab-sh', 'm4-1.4.18', 1, 'ChangeLog', 'high'], ['before-tag-version', 'mc-4.8.33', 1, 'configure', 'high'], ['defsincdate-date', 'gpgme-1.18.0', 1, 'doc/defsincdate', 'high'], ['po-typo-host', 'hello-2.10', 1, 'po/fr.po', 'high'], ['gperf-perl-line', 'parted-3.5', 1, 'libparted/labels/pt-limit.c', 'high'], ['configured-value', 'memcached-1.6.18', 1, 'doc/Makefile', 'high'], ['configured-recipe', 'memcached-1.6.18', 1, 'doc/Makefile', 'high'], ['min-line', 'npm-immer-10.1.1', 1, 'dist/immer.production.mjs', 'high'], ['umd-wrapper', 'npm-mitt-3.0.1', 1, 'dist/mitt.umd.js', 'high'], ['locale-list', 'npm-dayjs-1.11.13', 1, 'locale.json', 'high'], ['min-lsep', 'npm-immer-10.1.1', 1, 'dist/immer.production.mjs', 'high'], ['dts-import', 'npm-date-fns-3.6.0', 1, 'fp/add.d.ts', 'high'],
  ['pdf-payload', 'xz-5.4.1', 1, 'doc/man/pdf-a4/xz-a4.pdf', 'high'], ['txt-payload', 'xz-5.4.1', 1, 'doc/man/txt/xz.txt', 'high'], ['po4a-line', 'xz-5.4.1', 1, 'po4a/man/de/xz.1', 'high'], ['man-script', 'xz-5.4.1', 1, 'src/liblzma/check/zz.1', 'high'], ['man-b64', 'xz-5.4.1', 1, 'src/liblzma/check/zz.1', 'high'], ['slash-member', 'xz-5.4.1', 1, 'src/liblzma/check/crc64_fast.c', 'high'], ['dvi-payload', 'parted-3.5', 1, 'doc/parted.dvi', 'high'], ['changelog-b64', 'xz-5.4.1', 1, 'ChangeLog', 'high'], ['egg-payload', 'pypi-markupsafe-2.1.2', 1, 'src/MarkupSafe.egg-info/payload.bin', 'high'], ['acl-configure', 'xz-5.4.1', 1, 'configure', 'high'], ['xattr-user', 'xz-5.4.1', 0],
  ['pdf-update', 'xz-5.4.1', 1, 'doc/man/pdf-a4/xz-a4.pdf', 'high'], ['pdf-big', 'xz-5.4.1', 1, 'doc/man/pdf-a4/xz-a4.pdf', 'high'], ['png-chunk', 'fuse3-3.14.0', 1, 'doc/html/doc.png', 'high'],
  ['html-script', 'fuse3-3.14.0', 1, 'doc/html/index.html', 'high'], ['js-fetch', 'fuse3-3.14.0', 1, 'doc/html/dynsections.js', 'high'], ['js-lsep', 'fuse3-3.14.0', 1, 'doc/html/dynsections.js', 'high'], ['man-comment', 'xz-5.4.1', 1, 'po4a/man/de/xz.1', 'high'], ['html-comment', 'fuse3-3.14.0', 1, 'doc/html/index.html', 'high'],
  ['help-line', 'bison-3.8.2', 1, 'doc/bison.help', 'high'], ['helptexi-line', 'libidn2-2.3.3', 1, 'doc/idn2-help.texi', 'high'], ['help-order', 'libidn2-2.3.3', 1, 'doc/idn2-help.texi', 'high'], ['init-line', 'cyrus-sasl-2.1.28', 1, 'plugins/plain_init.c', 'high'], ['potfiles-name', 'attr-2.5.1', 1, 'po/POTFILES.in', 'high'], ['dist-date-text', 'gdbm-1.23', 1, 'src/version.c', 'high'], ['mdhtml-line', 'rsync-3.2.7', 1, 'rsync-ssl.1.html', 'high'], ['md-words', 'rsync-3.2.7', 1, 'rsync-ssl.1.html', 'high'], ['date-words', 'less-590', 1, 'less.nro', 'high'], ['flex-debug', 'pcsc-lite-1.9.9', 1, 'src/configfile.c', 'high'], ['gpgme-line', 'wget-1.21.3', 1, 'aclocal.m4', 'high'],
  ['docbook-line', 'fontconfig-2.14.1', 1, 'doc/fontconfig-devel/fcatomiccreate.html', 'high'],
  ['info-node', 'sed-4.9', 1, 'doc/sed.info', 'high'],
  ['info-url', 'sed-4.9', 1, 'doc/sed.info', 'high'], ['po4a-catalog-url', 'xz-5.4.1', 1, 'po4a/man/de/xz.1', 'high'],
  ['man-line', 'ldns-1.8.3', 1, 'doc/man/man3/ldns_axfr_start.3', 'high'],
  ['doxyparse-url', 'ldns-1.8.3', 1, 'doc/man/man3/ldns_axfr_start.3', 'high'],
  ['zsh-help-line', 'zsh-5.9', 1, 'Doc/help/alias', 'high'],
  ['doxy-line', 'libtheora-1.2.0', 1, 'doc/libtheora/latex/codec_8h.tex', 'high'], ['doxy-page', 'libtheora-1.2.0', 1, 'doc/libtheora/html/codec_8h.html', 'high'], ['doxy-extra', 'libtheora-1.2.0', 1, 'doc/libtheora/html/menu_ext.js', 'high'],
  ['gtkdoc-make', 'harfbuzz-6.0.0', 1, 'gtk-doc.make', 'critical'], ['mkenums-line', 'ibus-1.5.32', 1, 'src/ibusenumtypes.c', 'high'], ['potfiles-path', 'mc-4.8.33', 1, 'po/POTFILES.in', 'high'], ['devhelp-link', 'harfbuzz-6.0.0', 1, 'docs/html/harfbuzz.devhelp2', 'high'],
  ['configure-largefile', 'harfbuzz-6.0.0', 1, 'configure', 'high'], ['aclocal-hunk-line', 'libxslt-1.1.35', 1, 'aclocal.m4', 'high'], ['xorg-macros-line', 'libxext-1.3.4', 1, 'aclocal.m4', 'high'],
  ['ggo-line', 'libidn2-2.3.3', 1, 'src/idn2_cmd.c', 'high'], ['asn1-line', 'p11-kit-0.25.5', 1, 'common/pkix.asn.h', 'high'],
  ['gperf-line', 'm4-1.4.19', 1, 'lib/iconv_open-aix.h', 'critical'], ['gperf-swap', 'm4-1.4.19', 1, 'lib/iconv_open-aix.h', 'high'],
  ['gperf303-line', 'bison-3.8.2', 1, 'lib/iconv_open-zos.h', 'high'], ['gperf32-line', 'gettext-0.23.1', 1, 'gettext-runtime/gnulib-lib/iconv_open-solaris.h', 'critical'],
  ['syscalls-entry', 'libseccomp-2.5.4', 1, 'src/syscalls.perf', 'high'], ['syscalls-c-entry', 'libseccomp-2.5.4', 1, 'src/syscalls.perf.c', 'high'], ['xlat-value', 'strace-6.1', 1, 'src/xlat/access_modes.h', 'high'],
  ['cpan-prereq', 'perl-moo-2.005005', 1, 'META.json', 'high'], ['cpan-code', 'perl-try-tiny-0.31', 1, 'lib/Try/Tiny.pm', 'critical'], ['cpan-data', 'perl-path-tiny-0.144', 1, 'lib/Path/Tiny.pm', 'critical'], ['cpan-podblob', 'perl-path-tiny-0.144', 1, 'lib/Path/Tiny.pm', 'critical'], ['esm-code', 'npm-nanoid-3.3.7', 1, 'index.js', 'high'], ['esm-lsep', 'npm-nanoid-3.3.7', 1, 'index.js', 'high'], ['esm-asi', 'npm-nanoid-3.3.7', 1, 'index.js', 'high'], ['dzil-slot', 'perl-try-tiny-0.31', 1, 'xt/author/kwalitee.t', 'high'], ['dzil-pieces', 'perl-path-tiny-0.144', 1, 'xt/author/00-compile.t', 'high'], ['dzil-comment', 'perl-path-tiny-0.144', 1, 't/00-report-prereqs.t', 'high'], ['dzil-abspath', 'perl-path-tiny-0.144', 1, 't/00-report-prereqs.t', 'high'], ['prereqs-dd', 'perl-try-tiny-0.31', 1, 't/00-report-prereqs.dd', 'high'], ['license-line', 'perl-moo-2.005005', 1, 'LICENSE', 'high'], ['license-holder', 'perl-moo-2.005005', 1, 'LICENSE', 'high'], ['readme-notice', 'perl-try-tiny-0.31', 1, 'README', 'high'], ['tshy-stub', 'npm-glob-10.3.10', 1, 'dist/esm/package.json', 'high'], ['crlf-map', 'npm-reselect-5.1.1', 1, 'dist/cjs/reselect.cjs.map', 'high'], ['readme-release-line', 'cppi-1.18', 1, 'README-release', 'high'], ['symdir-extra', 'vnstat-2.13', 1, 'examples/init.d/centos', 'high'], ['status-srcdir', 'gcal-4.1', 1, 'misc/daily/daily', 'high'], ['babel-rest', 'npm-superstruct-0.16.7', 1, 'lib/index.mjs', 'high'], ['potfiles-sorted', 'acl-2.3.2', 1, 'po/POTFILES.in', 'high'],
];
for (const [id, base, want, path, severity] of VARIANTS) {
  const x = load(`tampered-${id}`);
  if (!x) continue;
  if (path) {
    // The file's own finding, or (a build output nothing proved) the UNPROVED_BUILD_OUTPUTS group that names it.
    const own = x.r?.findings?.find((g) => g.path === path);
    const group = x.r?.findings?.find((g) => g.code === 'UNPROVED_BUILD_OUTPUTS' && g.evidence?.files?.includes(path));
    const f = own && ['critical', 'high'].includes(own.severity) ? own : (group ?? own);
    const ok = x.rc === want && f?.severity === severity;
    const shownDiff = f?.diff?.unified ? ` (${(f.diff.unified.split('\n').filter((l) => /^\+[^+]/.test(l)).slice(0, 1).map((l) => `\`${l.replace(/\|/g, '\\|')}\``).join('') || 'no added line')})` : '';
    tampered.push(`| ${id} | ${base} | ${want}, ${severity} at \`${path}\` | ${ok ? String(x.rc) : `**${x.rc}**`} | ${x.r?.verdict ?? 'error'} | ${f ? `${ok ? '' : '**'}${f.severity} ${f.code} \`${f.path}\`${ok ? '' : '**'}${shownDiff}` : '**no finding**'} |`);
    continue;
  }
  const failing = x.r?.findings?.filter((f) => ['critical', 'high'].includes(f.severity)) ?? [];
  const shown = failing.length ? failing : (x.r?.findings ?? []).filter((f) => ['SYMLINK_AS_FILE', 'DOC_EDITED'].includes(f.code));
  const novelOf = (f) => (Array.isArray(f.evidence?.novel) && f.evidence.novel.length ? ` (novel line ${f.evidence.novel[0].line}: \`${String(f.evidence.novel[0].text).trim().replaceAll('|', '\\|').replaceAll('`', "'")}\`${f.evidence.novelLines > 1 ? `, ${f.evidence.novelLines - 1} more` : ''})` : '');
  const which = shown.map((f) => `${f.severity} ${f.code} \`${f.path}\`${novelOf(f)}`).slice(0, 4).join('; ');
  tampered.push(`| ${id} | ${base} | ${want} | ${x.rc === want ? String(x.rc) : `**${x.rc}**`} | ${x.r?.verdict ?? 'error'} | ${which}${shown.length > 4 ? `; … ${shown.length - 4} more` : ''} |`);
}

const ran = releases.map((r) => load(r.id)).filter(Boolean);
// high/critical findings by code across the set: where the remaining false alarms are
const classes = new Map();
for (const rel of releases) {
  const x = load(rel.id);
  for (const f of x?.r?.findings ?? []) {
    if (f.severity !== 'high' && f.severity !== 'critical') continue;
    const c = classes.get(f.code) ?? { n: 0, rel: new Set() };
    c.n++;
    c.rel.add(rel.id);
    classes.set(f.code, c);
  }
}
const classRows = [...classes].sort((a, b) => b[1].n - a[1].n).map(([code, c]) => `| ${code} | ${c.n} | ${[...c.rel].join(', ')} |`);
// When and on what the outputs were measured: out/MEASURED (one paragraph, written by whoever ran the set).
const measured = read(join(outDir, 'MEASURED'))?.trim();
const ok = ran.filter((x) => x.rc === 0).length;
const clean = ran.filter((x) => x.r?.counts && x.r.counts.bySeverity.critical === 0 && x.r.counts.bySeverity.high === 0).length;
const out = `# Evaluation on real releases

Generated by \`scripts/evaluate\` (the release list is \`scripts/evaluate-releases.tsv\`, the reasons in
\`scripts/evaluate-notes.tsv\`); rerun it to reproduce. Each release's archive is the Debian orig tarball
(\`apt-get source --download-only\`) or the npm registry's tarball (\`npm pack\`), compared with a bare clone of
the project's public repository at the given tag, under the **default gate** (\`--fail-on high\`).
${measured ? `\n${measured}\n` : ''}
**${ran.length} releases run, ${ok} exit 0, ${clean} with nothing at high or critical.**

Columns: exit code; verdict; tarball-only / git-only / changed files; findings by severity
(critical/high/medium/low/info); the revision (the tag, or how it was chosen); wall time on a shared 2-core
machine (niced, other jobs running).

| release | profile | exit | verdict | only-tar/only-git/changed | crit/high/med/low/info | revision | time |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}

High and critical findings by code over the whole set:

| code | findings | releases |
|---|---|---|
${classRows.join('\n')}

How the set moved while issue 11 was worked (same 45 releases, default gate, 2026-11-28): with only the strict
gate, 23 exited 0 and coreutils 9.1 had 1,417 high findings, sed 4.9 655, m4 1.4.19 1,266, bison 3.8.2 738,
gettext 0.21 3,145; the blob index of gnulib/gettext/libtool/automake/autoconf copies brought coreutils 9.1
to 131, translations fetched at bootstrap to 43, whole-file stamps, symlinks and produced files to 22 exit 0
(the first recorded table). Then, in one session: the pinned gnulib submodule with gnulib-tool's rewrites
(item a); files rendered from git log — THANKS from THANKS.in/NO-THANKS plus the authors, gitlog-to-changelog
and \`git log --stat\` ChangeLogs, each line traced and the commits since the previous tag found
(\`LOG_DERIVED\`); texinfo version stamps dated by the manual's last commit, examples extracted from a tracked
manual, preformatted man pages, tracked parsers regenerated by the release (\`GENERATED_FROM_SOURCE\`);
documentation edits at medium (\`DOC_EDITED\`); crate symlinks resolved in the whole repository and files
the crate's \`include\` leaves out (\`NOT_PACKAGED\`); and Debian +ds repacks whose pax header names Debian's
own import commit, medium when every content difference is explained (\`METADATA_COMMIT_UNKNOWN\`) — to 28
of 45 exit 0. On 2026-11-29 nine releases from outside GNU joined the set (curl, pcre2, tmux, jq, libarchive,
libpsl; 5 of the 9 exited 1 at first: curl 7.88.1 with 500 high, libarchive 142, curl 8.14.1 5, tmux 3.3a and 3.5a 1 each), and proofs were added for: tests extracted from a
tracked manual's @example blocks (m4's 236 checks, exact), files a tracked make rule writes, computed without
running anything (echo/cat/sed recipes, the commit count, modelled generators such as coreutils' dcgen and
extract-magic), symlinks into a pinned submodule, catalogs built from tracked catalogs entry by entry
(\`PO_FROM_TRACKED_CATALOG\`: gettext's 1,200 example catalogs, en@quot, .gmo), HTML rendered from tracked
texinfo or man pages, moopp's C outputs line by line, headers grepped from tracked sources, test indexes,
distribution libtool copies inside aclocal.m4, release-script stamps (curl's .TH and version macros), a
second log layout (curl's CHANGES), and autotest suites regenerated in the sandbox — to the table above.
Regeneration also runs for more releases now (GNU autoconf 2.69 and 2.71 in the cache), and where it runs
and differs it says so: harfbuzz 6.0.0's configure regenerated with autoconf 2.69 differs in 18 lines
(high), where before it was only labelled. The cached toolchains now also hold automake 1.16.3 (Debian bullseye's
binary package: its GNU orig tarball is not on the archive mirror), 1.16.5, 1.17, autoconf 2.72 and libtool 2.4.7 and
2.5.4 (\`TOOLCHAINS_ONLY=1 scripts/regen-eval-releases.sh\`), so libtool 2.4.7's and m4 1.4.19's Makefile.in files
are regenerated instead of labelled (docs/regeneration.md). Then tables and files computed from tracked generators (never run): coreutils' src/primes.h (a
fingerprinted model of src/make-prime-list.c, exact BigInt inverses) and gnulib's lib/crc-sliceby8.h (the pinned
gnulib module's rule and generator), curl's src/tool_hugehelp.c (a model of src/mkhelp.pl: the whole file from the
text in its gzip array, the text's words in the tracked manual), curl's .vcxproj files filled line by line from
their tracked templates, libarchive's doc/*/Makefile (doc/update.sh's echo loop evaluated), and curl 8.x's docs/RELEASE-TOOLS.md (the
release script's report: version, tag, timestamp checked; package versions only by form): curl 7.88.1 and
libarchive 3.7.4 now exit 0. Generated parsers are regenerated in the sandbox with the generator version their
header names (bison 3.8.2, flex 2.6.4, byacc 20221106 here): bison 3.8.2's six outputs (parse-gram.output was high),
gettext 0.23.1's six, coreutils 9.7's parse-datetime.c and wget's css.c are proved; where that version is not
available (coreutils 9.1, gettext 0.21, tmux) the label stays, at low, saying why. gettext's libtextstyle.sym.in is
computed (gnulib's exported-symbols rule, declared.sh's sed programs modelled), and a member of its nested
misc/archive.dir.tar is also known when an earlier, independently published release carried it at the same path
(data/release-members.json.gz, hashes from gettext's release tarballs on Debian's archive): gettext 0.23.1's 98
members from before gettext's git are as gettext 0.21's release tarball published them. gettext 0.21 cannot be closed
that way — no gettext release older than 0.21 is on this machine's Debian mirror (buster's 0.19.8.1 is gone) — so its
98 stay named at high: 69 of them (intl/VERSION and intl/ChangeLog of each release with a tag) are what that tag's
tracked configure writes (\`echo "GNU gettext library from gettext-$VERSION"\`, a ChangeLog.inst here-document dated by
version.sh's RELEASE_DATE; checked by hand for all 69, not modelled), the other 29 are gettext 0.10.35's files from
before git and nine plural.c outputs of old bison versions. An npm package's dist/ files are
proved by their JavaScript tokens or their source maps, else reported as built but not proved (low); the six npm
releases of the set ship no dist/ and did not change. Three releases stop with exit 2 because each tag tracks a file of 4 MiB or more
(expat's testdata/largefiles/ns_att_test.xml, fribidi's test/unicode-conformance/BidiCharacterTest.txt) and the
repository snapshots this machine can fetch never carry such files (fetched again, still without them): an honest
operational error — distdiff will not compare against an incomplete repository and its error names the missing
file — and these cannot be obtained here. urllib3 2.8.0 stops because the snapshot (fetched again) has neither its
tag nor a release commit after 2.7.0, and three commits match equally. Replacements were tried (json-glib 1.6.6/1.10.6, urllib3
2.3.0/1.26.12, GNU hello/gzip/grep/findutils/diffutils) and were not usable here: this machine's Debian
mirror lacks their orig tarballs, or the fetched clones carry no tags.

## Tampered variants

Built by \`scripts/evaluate\` from the releases above by repacking the tarball with one change each: an added
binary payload file nothing names, a file gaining mode 4755, a version-looking edit that also changes a URL's
host, libtool's \`ltmain.sh\` with one injected decompress-and-eval line (critical, the line shown as the copy's
novel line), a symlink replaced by a file with other content, a generated ChangeLog gaining a \`curl | sh\` line or
a URL on a new host, a README gaining an install-by-pipe line, a payload in a Debian +ds repack whose pax header
names a commit upstream lacks, one \`#define\` changed in bison's generated parser (\`parser-line\`), in shadow's ylwrap-made one (\`ylwrap-line\`) and in coreutils 9.1's bison 3.7.4 parse-datetime.c (\`oldbison-line\`, proved with the bison 3.7.4 toolchain built from its tag) and in tmux 3.5a's OpenBSD-yacc cmd-parse.c (\`yacc-line\`, proved with the byacc 1.9 toolchain built from ibara/yacc), one line of audit 3.0.9's SWIG 4.0.2 Python module (\`swig-line\`, proved with the swig 4.0.2 toolchain built from its tag), one statement added to enchant 2.8.2's valac 0.56.17 C file (\`vala-line\`, proved with the valac 0.56.17 toolchain built from its tag), a line added to
libtool 2.5.4's makeinfo-made doc/notes.txt (\`notes-line\`) and a flag added to its post-edited libltdl/Makefile.in
(\`ltdl-flag\`), and one line added to a member of gettext 0.23.1's nested misc/archive.dir.tar that an earlier release
published (\`nested-member\`) — each must exit
1 under the default gate — and two controls that must exit 0: the same symlink replaced by its target's content
(what make dist does), and README.md with its last line removed (a release-process doc edit, DOC_EDITED at
medium). Two variants of a gnulib project (its gnulib pinned as a submodule and compared with \`--submodule\`): one
line injected into a gnulib lib/ file must stay high, a \`curl … | sh\` injected into a gnulib build-aux/ script
must be critical; their base release exits 1 on its own remaining findings, so the tampered file's finding decides
them.

| variant | built from | expected exit | exit | verdict | findings that decide it |
|---|---|---|---|---|---|
${tampered.join('\n')}

## Every high and critical finding, and why

${details.join('\n\n')}
`;
process.stdout.write(out);
