/**
 * Line-level provenance end to end with real data built by code: small upstream git repositories (fixed
 * dates), a release tarball made with tar and a Debian package made with dpkg-deb; the real builder script
 * (scripts/build-upstream-db.mjs) derives the database from them; copies with changed lines are classified.
 * All file contents are synthetic (made-up shell and m4 that only imitate the shape of the real files).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { provenanceOf } from '../../src/classify/provenance.js';
import { classifyUpstream, createUpstreamClassifier } from '../../src/classify/upstream.js';
import { readUpstreamDb, UpstreamDb } from '../../src/classify/upstream-db.js';
import { readLinesDb } from '../../src/classify/upstream-lines.js';
import type { ClassifyContext } from '../../src/classify/types.js';
import { makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const root = resolve(__dirname, '../..');

// ---- synthetic upstream files ----
const shellBody = (n: number) => Array.from({ length: n }, (_, i) => `func_step_${i} () { demo_var_${i}=$${i % 9}; }`);
const ltmain = (version: string) => ['#! /bin/sh', `# ltmain.sh (synthetic) ${version}`, `VERSION=${version}`, ...shellBody(60), 'exit 0', ''].join('\n');
const libtoolM4 = (serial: number, extra: string[] = []) =>
  [`# libtool.m4 - synthetic test file`, `# serial ${serial} LT_INIT`, 'AC_DEFUN([LT_INIT],', '[', ...shellBody(30).map((l) => `  ${l}`), ...extra, '])', ''].join('\n');
const makefileInIn = (origin: string, extra: string[] = []) =>
  ['# Makefile for PO directory (synthetic test file).', `# Origin: gettext-${origin}`, 'PACKAGE = @PACKAGE@', ...shellBody(40).map((l) => `\t${l}`), 'all: all-@USE_NLS@', ...extra, ''].join('\n');
const buildToHost = (serial: number) =>
  [
    `# build-to-host.m4 serial ${serial}`,
    'dnl Synthetic test file.',
    'AC_DEFUN([gl_BUILD_TO_HOST],',
    '[',
    '  AC_REQUIRE([AC_CANONICAL_BUILD])',
    '  gl_final_[$1]="$[$1]"',
    '  dnl Translate it from build syntax to host syntax.',
    '  case "$build_os" in',
    '    cygwin*) gl_final_[$1]=`cygpath -w "$gl_final_[$1]"` ;;',
    '  esac',
    '  [$1]_c=`echo "$gl_final_[$1]" | sed -e "$gl_sed_double_backslashes"`',
    '])',
    ...(serial >= 2 ? ['AC_DEFUN([gl_BUILD_TO_HOST_INIT], [gl_sed_double_backslashes=\'s/\\\\/\\\\\\\\/g\'])'] : []),
    ...(serial >= 3 ? ['dnl serial 3: quoting fixed'] : []),
    '',
  ].join('\n');
// The xz 5.6 shape (as scripts/regen-eval.sh injects it into a real build-to-host.m4): a recursive binary
// grep over $srcdir for a marker, a tr byte swap, and the sed | tr | xz -d pipeline.
const PAYLOAD = [
  '  gl_am_configmake=`grep -aErls "#{4}[[:alnum:]]{5}#{4}$" $srcdir/ 2>/dev/null`',
  `  gl_path_map='tr "\\t \\-_" " \\t_\\-"'`,
  `  gl_localedir_config='sed "r\\n" $gl_am_configmake | eval $gl_path_map | xz -d 2>/dev/null'`,
];
function xzRecreation(serialLine: string): string {
  const lines = buildToHost(3).split('\n');
  const at = lines.findIndex((l) => l.startsWith('  gl_final_[$1]='));
  lines.splice(at + 1, 0, ...PAYLOAD);
  lines[0] = serialLine;
  return lines.join('\n');
}

let db: UpstreamDb;
const built: { log: string } = { log: '' };

beforeAll(() => {
  const dir = tempDir('distdiff-prov-');
  // gettext: po/Makefile.in.in in 2014 (0.19), 2020 (0.21) and 2026 (1.0, which also has the lines a
  // bootstrap script appends — closer in lines, but dated after a 2022 release).
  const gettext = makeRepo(join(dir, 'gettext'));
  gettext.commit({ 'gettext-runtime/po/Makefile.in.in': makefileInIn('0.19') }, 'v0.19', '2014-06-02T10:00:00Z');
  gettext.tag('v0.19');
  gettext.commit({ 'gettext-runtime/po/Makefile.in.in': makefileInIn('0.21', ['# 0.21 change']) }, 'v0.21', '2020-07-26T10:00:00Z');
  gettext.tag('v0.21');
  // gettext's git also commits libtool 2.4.7's generated ltmain.sh (as real gettext does): still libtool's.
  gettext.commit({ 'build-aux/ltmain.sh': ltmain('2.4.7') }, 'update ltmain.sh', '2022-06-01T10:00:00Z');
  gettext.commit({ 'gettext-runtime/po/Makefile.in.in': makefileInIn('0.19', ['install-dvi:;', 'install-ps:;', 'install-pdf:;']) }, 'v1.0', '2026-01-28T10:00:00Z');
  gettext.tag('v1.0');
  // libtool: m4/libtool.m4 serials 57 and 58; ltmain.sh is not in git (generated from ltmain.in).
  const libtool = makeRepo(join(dir, 'libtool'));
  libtool.commit({ 'm4/libtool.m4': libtoolM4(57), 'build-aux/ltmain.in': '# template\n' }, 'v2.4.6', '2015-02-15T10:00:00Z');
  libtool.tag('v2.4.6');
  libtool.commit({ 'm4/libtool.m4': libtoolM4(58) }, 'v2.4.7', '2022-03-17T10:00:00Z');
  libtool.tag('v2.4.7');
  // gnulib: build-to-host.m4 serials 1–3.
  const gnulib = makeRepo(join(dir, 'gnulib'));
  for (const [s, d] of [[1, '2023-02-18'], [2, '2023-06-03'], [3, '2023-08-17']] as const) gnulib.commit({ 'm4/build-to-host.m4': buildToHost(s) }, `serial ${s}`, `${d}T10:00:00Z`);

  // Release tarball (GNU tar, xz) with the generated ltmain.sh, and a Debian package of libtool's files.
  const rel = join(dir, 'releases');
  const tree = join(dir, 'tree/libtool-2.4.7');
  mkdirSync(join(tree, 'build-aux'), { recursive: true });
  mkdirSync(join(tree, 'm4'), { recursive: true });
  writeFileSync(join(tree, 'build-aux/ltmain.sh'), ltmain('2.4.7'));
  writeFileSync(join(tree, 'm4/libtool.m4'), libtoolM4(58));
  const when = new Date('2022-03-17T12:00:00Z');
  utimesSync(join(tree, 'build-aux/ltmain.sh'), when, when);
  mkdirSync(join(rel, 'orig/bookworm'), { recursive: true });
  execFileSync('tar', ['-C', join(dir, 'tree'), '-cJf', join(rel, 'orig/bookworm/libtool_2.4.7.orig.tar.xz'), 'libtool-2.4.7']);
  const pkg = join(dir, 'deb/libtool');
  mkdirSync(join(pkg, 'DEBIAN'), { recursive: true });
  mkdirSync(join(pkg, 'usr/share/aclocal'), { recursive: true });
  mkdirSync(join(pkg, 'usr/share/libtool/build-aux'), { recursive: true });
  writeFileSync(join(pkg, 'DEBIAN/control'), 'Package: libtool\nVersion: 2.4.7-7~deb12u1\nArchitecture: all\nMaintainer: Test <test@example.invalid>\nDescription: synthetic test package\n');
  writeFileSync(join(pkg, 'usr/share/aclocal/libtool.m4'), libtoolM4(58, ['  dnl Debian: link with --as-needed']));
  writeFileSync(join(pkg, 'usr/share/libtool/build-aux/ltmain.sh'), ltmain('"2.4.7 Debian-2.4.7-7~deb12u1"'));
  mkdirSync(join(rel, 'deb/bookworm'), { recursive: true });
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', pkg, join(rel, 'deb/bookworm/libtool_2.4.7-7~deb12u1_all.deb')], { stdio: 'ignore' });

  const out = join(dir, 'data');
  built.log = execFileSync(
    process.execPath,
    [
      join(root, 'scripts/build-upstream-db.mjs'),
      '--out', join(out, 'db.json.gz'),
      '--lines-out', join(out, 'lines.json.gz'),
      '--blobs-out', join(out, 'blobs.json.gz'),
      '--date', '2026-11-28',
      '--releases', rel,
      `gettext=${gettext.dir}/.git`,
      `libtool=${libtool.dir}/.git`,
      `gnulib=${gnulib.dir}/.git`,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines = readLinesDb(join(out, 'lines.json.gz'));
  expect(lines).not.toBeNull();
  expect(statSync(join(out, 'lines.json.gz')).size).toBeGreaterThan(0);
  db = new UpstreamDb(readUpstreamDb(join(out, 'db.json.gz')), [], () => lines);
}, 120_000);

describe('build-upstream-db --releases: release-only and distribution versions', () => {
  it("records libtool's generated ltmain.sh from the release tarball and Debian's copies as labelled sources", () => {
    const lt = db.byName('ltmain.sh');
    expect(lt.map((v) => [v.project, v.tag, v.date, v.source])).toEqual([
      ['libtool', 'v2.4.7', '2022-03-17', { label: 'libtool 2.4.7 release tarball', kind: 'release' }],
      ['gettext', 'v1.0', '2022-06-01', undefined],
      ['libtool', undefined, expect.any(String), { label: 'Debian bookworm libtool 2.4.7-7~deb12u1', kind: 'distribution' }],
    ]);
    // libtool.m4 serial 58 of the tarball is the git blob: not recorded twice; Debian's patched one is.
    expect(db.byName('libtool.m4').map((v) => v.source?.label ?? v.tag)).toEqual(['v2.4.6', 'v2.4.7', 'Debian bookworm libtool 2.4.7-7~deb12u1']);
  });

  it("an exact copy of the release tarball ltmain.sh is UPSTREAM_COPY of libtool 2.4.7 (release tarball), not gettext's commit of it", () => {
    expect(classifyUpstream('build-aux/ltmain.sh', Buffer.from(ltmain('2.4.7')), db)).toMatchObject({
      code: 'UPSTREAM_COPY',
      severity: 'info',
      evidence: { match: 'exact', upstream: { project: 'libtool', file: 'ltmain.sh', version: 'v2.4.7', source: 'libtool 2.4.7 release tarball' }, others: 1 },
    });
  });

  it("the release being verified is not its own evidence: libtool 2.4.7's tarball copy is then gettext's commit of it", () => {
    expect(classifyUpstream('build-aux/ltmain.sh', Buffer.from(ltmain('2.4.7')), db, { releaseTag: 'v2.4.7' })).toMatchObject({
      code: 'UPSTREAM_COPY',
      evidence: { match: 'exact', upstream: { project: 'gettext', version: 'v1.0', date: '2022-06-01' }, others: 0 },
    });
    const lines = ltmain('2.4.7').split('\n');
    lines.splice(20, 0, '    # built for the release');
    const f = classifyUpstream('build-aux/ltmain.sh', Buffer.from(lines.join('\n')), db, { releaseTag: 'v2.4.7' });
    expect(f).toMatchObject({ code: 'UPSTREAM_COPY', evidence: { match: 'normalised', upstream: { project: 'gettext' } } });
  });

  it("an exact copy of Debian's libtool.m4 is a distribution-patched variant naming the Debian package", () => {
    expect(classifyUpstream('m4/libtool.m4', Buffer.from(libtoolM4(58, ['  dnl Debian: link with --as-needed'])), db)).toMatchObject({
      code: 'UPSTREAM_COPY_VARIANT',
      severity: 'low',
      evidence: { reason: 'distribution-patched', version: 'Debian bookworm libtool 2.4.7-7~deb12u1', nearest: { project: 'libtool', source: 'Debian bookworm libtool 2.4.7-7~deb12u1' } },
    });
  });
});

describe('line-level provenance', () => {
  it('a copy with 4 appended lines is "upstream except these 4 lines", the lines shown, low', () => {
    const copy = makefileInIn('0.19', ['install-dvi:;', 'install-ps:;', 'install-pdf:;', 'install-html:;']);
    const f = classifyUpstream('po/Makefile.in.in', Buffer.from(copy), db, { releaseDate: '2022-04-15' });
    const n = copy.split('\n').length - 1;
    expect(f).toEqual({
      code: 'UPSTREAM_COPY_PATCHED',
      path: 'po/Makefile.in.in',
      severity: 'low',
      evidence: {
        name: 'Makefile.in.in',
        upstream: { project: 'gettext', file: 'Makefile.in.in', version: 'v0.19', commit: expect.stringMatching(/^[0-9a-f]{12}$/), date: '2014-06-02' },
        novelLines: 4,
        removedLines: 0,
        novel: [
          { line: n - 3, text: 'install-dvi:;' },
          { line: n - 2, text: 'install-ps:;' },
          { line: n - 1, text: 'install-pdf:;' },
          { line: n, text: 'install-html:;' },
        ],
      },
    });
  });

  it('the nearest version is dated before the release: the closer 2026 version is not chosen for a 2022 release', () => {
    const copy = Buffer.from(makefileInIn('0.19', ['install-dvi:;', 'install-ps:;', 'install-pdf:;', 'install-html:;']));
    expect(provenanceOf(db, 'Makefile.in.in', copy)?.version.tag).toBe('v1.0');
    expect(provenanceOf(db, 'Makefile.in.in', copy, '2022-04-15')).toMatchObject({ version: { tag: 'v0.19' }, novelLines: 4 });
  });

  it('many novel lines stay UPSTREAM_COPY_UNKNOWN_VERSION high, with the novel lines listed (bounded) and counted', () => {
    const extra = Array.from({ length: 60 }, (_, i) => `local_rule_${i}: ; @echo ${i}`);
    const f = classifyUpstream('po/Makefile.in.in', Buffer.from(makefileInIn('0.19', extra)), db, { releaseDate: '2022-04-15' });
    expect(f).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high', evidence: { novelLines: 60, removedLines: 0, nearest: { version: 'v0.19' } } });
    const e = f!.evidence as { novel: { text: string }[] };
    expect(e.novel).toHaveLength(50);
    expect(e.novel[0]!.text).toBe('local_rule_0: ; @echo 0');
  });

  it('a release-tarball ltmain.sh with an injected construct is critical, the injected line shown', () => {
    const lines = ltmain('2.4.7').split('\n');
    const injected = '    eval "$(sed "r\\n" tests/files/good-1-x86-lzma2.xz | xz -d 2>/dev/null)"';
    lines.splice(20, 0, injected);
    const f = classifyUpstream('build-aux/ltmain.sh', Buffer.from(lines.join('\n')), db, { releaseDate: '2022-04-15' });
    expect(f).toMatchObject({
      code: 'UPSTREAM_COPY_UNKNOWN_VERSION',
      severity: 'critical',
      evidence: { nearest: { project: 'libtool', source: 'libtool 2.4.7 release tarball' }, novelLines: 1, novel: [{ line: 21, text: injected }] },
    });
    expect(f!.constructs?.map((c) => c.kind)).toEqual(expect.arrayContaining(['pipe-to-decompressor', 'sed-read-as-cat']));
    expect(f!.constructs?.every((c) => c.line === 21)).toBe(true);
  });

  // The tamperer's twin of the xz runner: no construct, one flag. "Upstream except 1 line" used to explain it
  // (low, exit 0); a novel code line nothing accounts for keeps it high, the line shown.
  it('the same ltmain.sh with a flag added (no construct) stays UPSTREAM_COPY_UNKNOWN_VERSION high, the line shown', () => {
    const lines = ltmain('2.4.7').split('\n');
    lines.splice(20, 0, '    compile_command="$compile_command -fno-stack-protector"');
    expect(classifyUpstream('build-aux/ltmain.sh', Buffer.from(lines.join('\n')), db, { releaseDate: '2022-04-15' })).toMatchObject({
      code: 'UPSTREAM_COPY_UNKNOWN_VERSION',
      severity: 'high',
      evidence: {
        nearest: { source: 'libtool 2.4.7 release tarball' },
        novelLines: 1,
        unaccountedLines: 1,
        novel: [{ line: 21, text: '    compile_command="$compile_command -fno-stack-protector"' }],
      },
    });
  });

  it('a first line naming the same interpreter in /usr/bin (a distribution\'s shebang rewrite: util-linux 2.38.1\'s config.guess) is accounted for; another interpreter is not', () => {
    const copy = (first: string) => Buffer.from([first, ...ltmain('2.4.7').split('\n').slice(1)].join('\n'));
    expect(classifyUpstream('build-aux/ltmain.sh', copy('#!/usr/bin/sh'), db, { releaseDate: '2022-04-15' })).toMatchObject({ code: 'UPSTREAM_COPY_PATCHED', severity: 'low', evidence: { novelLines: 1 } });
    // What a tamperer would change: the interpreter, its directory, or its arguments.
    for (const first of ['#!/usr/bin/bash', '#!/tmp/sh', '#!/usr/local/bin/sh', '#!/usr/bin/sh -x'])
      expect(classifyUpstream('build-aux/ltmain.sh', copy(first), db, { releaseDate: '2022-04-15' }), first).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high', evidence: { unaccountedLines: 1 } });
  });

  it("appended empty make rules for targets the file lacks are accounted for; one overriding the file's own target is not", () => {
    const override = makefileInIn('0.19', ['install-dvi:;', 'install-ps:;', 'install-pdf:;', 'all:;']);
    const f = classifyUpstream('po/Makefile.in.in', Buffer.from(override), db, { releaseDate: '2022-04-15' });
    expect(f).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high', evidence: { novelLines: 4, unaccountedLines: 1 } });
  });

  it('a code line commented out is that line deleted: high (patched31: red team 27\'s install-sh-drop as `# line` instead of a cut); a comment added beside the code stays low', () => {
    const lines = ltmain('2.4.7').split('\n');
    const at = lines.indexOf('func_step_7 () { demo_var_7=$7; }');
    expect(at).toBeGreaterThan(0);
    const out = (l: string[]) => classifyUpstream('build-aux/ltmain.sh', Buffer.from(l.join('\n')), db, { releaseDate: '2022-04-15' });
    // the tampered twin: the line disabled (with or without a blank after the #), or replaced by a comment of one's own
    for (const c of [`# ${lines[at]}`, `#${lines[at]}`, '# nothing to do here'])
      expect(out([...lines.slice(0, at), c, ...lines.slice(at + 1)]), c).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high', evidence: { novelLines: 1, removedLines: 1, unaccountedLines: 1 } });
    // the benign shape: the same comment added, the code line kept (with a distribution's `#!/usr/bin/sh`, so that it
    // is no comment-normalised match and the lines are accounted for one by one)
    expect(out(['#!/usr/bin/sh', ...lines.slice(1, at), `# ${lines[at]}`, ...lines.slice(at)])).toMatchObject({ code: 'UPSTREAM_COPY_PATCHED', severity: 'low', evidence: { novelLines: 2, removedLines: 1 } });
    expect(out(['#!/usr/bin/sh', ...lines.slice(1, at), `# ${lines[at]}`, ...lines.slice(at + 1)])).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high', evidence: { novelLines: 2, removedLines: 2, unaccountedLines: 1 } });
  });

  it("an appended empty rule for one of make's special targets or a pattern is not accounted for (red team 13: `.IGNORE:;` makes make ignore every recipe's failure)", () => {
    // What a tamperer would append beside the bootstrap's empty rules: a special target that changes how every rule
    // of the makefile runs (.IGNORE ignores errors, .SILENT hides commands, .DEFAULT "makes" any missing file by
    // doing nothing, .SUFFIXES drops suffix rules), or an empty pattern rule that makes every .gmo by doing nothing.
    for (const extra of ['.IGNORE:;', '.SILENT:;', '.DEFAULT:;', '.SUFFIXES:;', '.ONESHELL:;', '%.gmo:;', '$(CATALOGS):;'])
      expect(classifyUpstream('po/Makefile.in.in', Buffer.from(makefileInIn('0.19', ['install-dvi:;', 'install-ps:;', 'install-pdf:;', extra])), db, { releaseDate: '2022-04-15' }), extra).toMatchObject({
        code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high', evidence: { novelLines: 4, unaccountedLines: 1 },
      });
  });

  it('xz 5.6 recreation: the novel lines of the serial-30 build-to-host.m4 are exactly the injected payload and serial line', () => {
    const copy = xzRecreation('# build-to-host.m4 serial 30');
    const f = classifyUpstream('m4/build-to-host.m4', Buffer.from(copy), db, { releaseDate: '2024-02-24' });
    expect(f).toMatchObject({ code: 'SERIAL_AHEAD_OF_UPSTREAM', severity: 'critical', evidence: { serial: 30, maxUpstream: 3, nearest: { project: 'gnulib', serial: 3 }, novelLines: 4, removedLines: 1 } });
    expect((f!.evidence as { novel: { text: string }[] }).novel.map((n) => n.text)).toEqual(['# build-to-host.m4 serial 30', ...PAYLOAD]);
    expect(f!.constructs?.length).toBeGreaterThan(0);
  });

  it('the payload under the real serial (no serial bump) is critical UPSTREAM_COPY_UNKNOWN_VERSION; novel lines = the payload', () => {
    const f = classifyUpstream('m4/build-to-host.m4', Buffer.from(xzRecreation('# build-to-host.m4 serial 3')), db, { releaseDate: '2024-02-24' });
    expect(f).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'critical', evidence: { nearest: { serial: 3 }, novelLines: 3, removedLines: 0 } });
    expect((f!.evidence as { novel: { text: string }[] }).novel.map((n) => n.text)).toEqual(PAYLOAD);
  });

  it('the classifier takes the release date from the revision', async () => {
    const copy = Buffer.from(makefileInIn('0.19', ['install-dvi:;', 'install-ps:;', 'install-pdf:;', 'install-html:;']));
    const c = createUpstreamClassifier(() => db);
    const ctx = (date?: string) => ({ revision: { commit: 'x', date }, content: { tarball: () => copy, git: async () => undefined } }) as unknown as ClassifyContext;
    const diff = { path: 'po/Makefile.in.in', status: 'tarball-only' as const, tarball: { path: 'po/Makefile.in.in', type: 'file' as const, executable: false, size: copy.length } };
    expect(await c.classify(diff, ctx('2022-04-15T10:00:00Z'))).toMatchObject({ code: 'UPSTREAM_COPY_PATCHED', evidence: { upstream: { version: 'v0.19' } } });
    expect(await c.classify(diff, ctx(undefined))).toMatchObject({ code: 'UPSTREAM_COPY_PATCHED', evidence: { upstream: { version: 'v1.0' }, novelLines: 1 } });
  });
});
