/**
 * X.org's xorg-macros.m4 (util-macros): configure writes it from two templates, so no git history holds it.
 * scripts/derive-xorg-macros.mjs derives every version from the util-macros history into a supplementary
 * database (data/upstream-extra.json.gz), merged with the main one on load (src/classify/upstream-db.ts
 * mergeRawDbs). Real data built by code: a util-macros-shaped git repository (fixed dates), whose real
 * autoconf-made configure writes the file the copies are compared with, and a Debian package made with
 * dpkg-deb. Synthetic file contents that only imitate the shape of the real ones.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { judgeAclocalCopy } from '../../src/classify/aclocal-copy.js';
import { mergeRawDbs, rawDbFromContents, readUpstreamDb, UpstreamDb } from '../../src/classify/upstream-db.js';
import { LinesDb } from '../../src/classify/upstream-lines.js';
import { blobId } from '../../src/scan/blob-id.js';
import { makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const root = resolve(__dirname, '../..');
/** configure.ac; `automake`: VERSION is substituted (util-macros' AM_INIT_AUTOMAKE AC_SUBSTs it; here without automake's files). */
const configureAc = (version: string, automake = true) =>
  ['AC_PREREQ([2.62])', `AC_INIT([util-macros],`, `        [${version}],`, '        [https://bugs.example.invalid/enter_bug.cgi?product=xorg],', '        [util-macros])', ...(automake ? ['AC_SUBST([VERSION], [$PACKAGE_VERSION]) dnl what AM_INIT_AUTOMAKE does'] : []), 'AC_CONFIG_FILES([xorg-macros.m4:xorg-macros.m4.in:xorgversion.m4])', 'AC_OUTPUT', ''].join('\n');
const macrosIn = (manSuffix: string) =>
  [
    'dnl @configure_input@',
    'dnl',
    'dnl Synthetic test file in the shape of util-macros.',
    '',
    '# XORG_MACROS_VERSION(required-version)',
    'm4_defun([XORG_MACROS_VERSION],[',
    'm4_define([vers_have], [@VERSION@])',
    'm4_if(m4_version_compare(vers_have, [$1]), -1,',
    '    [m4_fatal([xorg-macros version $1 or higher is required but ]vers_have[ found])])',
    'm4_undefine([vers_have])',
    ']) # XORG_MACROS_VERSION',
    '',
    'AC_DEFUN([XORG_MANPAGE_SECTIONS],[',
    'case $host_os in',
    `    solaris*)	FILE_MAN_SUFFIX=${manSuffix}  ;;`,
    '    *)		FILE_MAN_SUFFIX=5  ;;',
    'esac',
    'dnl 	HAVE_DOT = @HAVE_DOT@',
    'AC_SUBST([FILE_MAN_SUFFIX])',
    ']) # XORG_MANPAGE_SECTIONS',
    '',
  ].join('\n');
const xorgversion = ['dnl xorgversion.m4, synthetic', 'AC_DEFUN([XORG_RELEASE_VERSION],[', '\tAC_DEFINE_UNQUOTED([PACKAGE_VERSION_MAJOR], [1], [Major version])', '])', ''].join('\n');

const XTRANS = (n: string) => ['dnl xtrans.m4 (synthetic)', 'AC_DEFUN([XTRANS_TCP_FLAGS],[', ' AC_SEARCH_LIBS(socket, [socket])', ...(n === '2' ? [' AC_CHECK_FUNCS([strcasecmp strlcpy])'] : []), '])', ''].join('\n');

let db: UpstreamDb;
let released: string; // configure's output at the tag
let snapshot: string; // configure's output at the later commit (same version number)
let snapshotCommit: string;
let unsubstituted: string; // configure's output without AM_INIT_AUTOMAKE
let debian: string;
let imported: string; // configure's output in the packaging repository's upstream/
let importCommit: string;
const release = { date: '2023-02-01T10:00:00Z', tag: 'libX11-1.8.4' };

/** Runs the real autoconf and the configure it makes in a checkout of `commit`: config.status writes xorg-macros.m4. */
function configureOutput(repoDir: string, commit: string, work: string): string {
  execFileSync('git', ['-C', repoDir, 'worktree', 'add', '-q', '--detach', work, commit]);
  execFileSync('autoconf', [], { cwd: work, stdio: 'ignore' });
  execFileSync('sh', ['./configure'], { cwd: work, stdio: 'ignore' });
  return readFileSync(join(work, 'xorg-macros.m4'), 'latin1');
}

beforeAll(() => {
  const dir = tempDir('distdiff-xorg-macros-');
  const um = makeRepo(join(dir, 'util-macros'));
  um.commit({ 'configure.ac': configureAc('1.18.0'), 'xorg-macros.m4.in': macrosIn('4'), 'xorgversion.m4': xorgversion }, 'Version bump: 1.18.0', '2013-12-02T10:00:00Z');
  um.tag('util-macros-1.18.0');
  um.commit({ 'configure.ac': configureAc('1.19.0') }, 'Version bump: 1.19.0', '2014-03-27T10:00:00Z');
  um.tag('util-macros-1.19.0');
  // Without AM_INIT_AUTOMAKE nothing defines VERSION: config.status leaves @VERSION@ as written.
  const noAutomake = um.commit({ 'configure.ac': configureAc('1.19.0', false) }, 'no automake', '2014-05-01T10:00:00Z');
  unsubstituted = configureOutput(um.dir, noAutomake, join(dir, 'w-noam'));
  um.commit({ 'configure.ac': configureAc('1.19.0') }, 'automake again', '2014-05-02T10:00:00Z');
  snapshotCommit = um.commit({ 'xorg-macros.m4.in': macrosIn('4 ;; # SysV') }, 'XORG_MANPAGE_SECTIONS: limit SysV sections', '2015-10-28T10:00:00Z');
  released = configureOutput(um.dir, 'util-macros-1.19.0', join(dir, 'w-1.19.0'));
  snapshot = configureOutput(um.dir, snapshotCommit, join(dir, 'w-snap'));

  // Debian's package of a later release, which the history above does not reach.
  debian = snapshot.replace('[1.19.0]', '[1.19.3]');
  const pkg = join(dir, 'deb/xutils-dev');
  mkdirSync(join(pkg, 'DEBIAN'), { recursive: true });
  mkdirSync(join(pkg, 'usr/share/aclocal'), { recursive: true });
  writeFileSync(join(pkg, 'DEBIAN/control'), 'Package: xutils-dev\nVersion: 1:7.7+6\nArchitecture: all\nMaintainer: Test <test@example.invalid>\nDescription: synthetic test package\n');
  writeFileSync(join(pkg, 'usr/share/aclocal/xorg-macros.m4'), debian, 'latin1');
  const built = new Date('2021-12-28T19:38:00Z');
  utimesSync(join(pkg, 'usr/share/aclocal/xorg-macros.m4'), built, built);
  const deb = join(dir, 'xutils-dev_1%3a7.7+6_all.deb');
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', pkg, deb], { stdio: 'ignore' });

  // xtrans.m4: a tracked file of the xtrans repository.
  const xt = makeRepo(join(dir, 'xtrans'));
  xt.commit({ 'xtrans.m4': XTRANS('1') }, 'xtrans 1.3.3', '2013-12-16T10:00:00Z');
  xt.tag('xtrans-1.3.3');
  xt.commit({ 'xtrans.m4': XTRANS('2') }, 'Use strcasecmp', '2018-08-25T10:00:00Z');
  xt.tag('xtrans-1.4.0');

  // A packaging repository that imported a later release's sources under upstream/ (the history above ends before it).
  const imp = makeRepo(join(dir, 'packaging'));
  importCommit = imp.commit(
    { 'upstream/configure.ac': configureAc('1.19.2'), 'upstream/xorg-macros.m4.in': macrosIn('4 ;; # SysV 11.3'), 'upstream/xorgversion.m4': xorgversion, 'rpm/util-macros.spec': 'Version: 1.19.2\n' },
    'first commit',
    '2018-11-08T10:00:00Z',
  );
  execFileSync('git', ['-C', imp.dir, 'worktree', 'add', '-q', '--detach', join(dir, 'w-imp'), importCommit]);
  execFileSync('autoconf', [], { cwd: join(dir, 'w-imp/upstream'), stdio: 'ignore' });
  execFileSync('sh', ['./configure'], { cwd: join(dir, 'w-imp/upstream'), stdio: 'ignore' });
  imported = readFileSync(join(dir, 'w-imp/upstream/xorg-macros.m4'), 'latin1');

  const out = join(dir, 'extra.json.gz');
  execFileSync(
    process.execPath,
    [join(root, 'scripts/derive-xorg-macros.mjs'), join(um.dir, '.git'), '--tracked', `xtrans=${join(xt.dir, '.git')}:xtrans.m4`, '--deb', `bookworm=${deb}`, '--import', `util-macros 1.19.2 import=${join(imp.dir, '.git')}:upstream`, '--out', out, '--date', '2026-11-30'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // The main database: another project's file only (pkg.m4), as the bundled one has no xorg-macros.m4.
  const base = rawDbFromContents([{ name: 'pkg.m4', project: 'pkg-config', content: '# serial 11\nAC_DEFUN([PKG_PROG_PKG_CONFIG], [:])\n', commit: 'a'.repeat(40), date: '2015-09-27' }]);
  const { lines: baseLines, ...baseRaw } = base;
  const { raw, lines } = mergeRawDbs(baseRaw, readUpstreamDb(out));
  db = new UpstreamDb(raw, [], () => new LinesDb(baseLines!).withFiles(lines!));
}, 120_000);

describe('scripts/derive-xorg-macros.mjs', () => {
  it('derives, per commit, what config.status writes (two templates joined, @configure_input@ and @VERSION@ substituted)', () => {
    expect(snapshot.split('\n')[0]).toBe('dnl xorg-macros.m4.  Generated from xorg-macros.m4.in xorgversion.m4 by configure.');
    const v = db.byName('xorg-macros.m4');
    expect(v.map((x) => [x.tag ?? x.source?.label ?? null, x.date])).toEqual([
      ['util-macros-1.18.0', '2013-12-02'],
      ['util-macros-1.19.0', '2014-03-27'],
      [null, '2014-05-01'],
      [null, '2015-10-28'],
      ['Debian bookworm xutils-dev 1:7.7+6', '2021-12-28'],
      [`util-macros 1.19.2 import (${importCommit.slice(0, 7)})`, '2018-11-08'],
    ]);
    expect(db.byName('xtrans.m4').map((x) => [x.tag, x.date])).toEqual([
      ['xtrans-1.3.3', '2013-12-16'],
      ['xtrans-1.4.0', '2018-08-25'],
    ]);
    expect(v[3]!.commit).toBe(snapshotCommit.slice(0, 12));
    expect(unsubstituted).toContain('m4_define([vers_have], [@VERSION@])');
    expect(db.byBlob(blobId('sha1', Buffer.from(unsubstituted, 'latin1'))).map((x) => x.date)).toEqual(['2014-05-01']);
    expect(snapshot).toContain('m4_define([vers_have], [1.19.0])');
    expect(snapshot).toContain('dnl 	HAVE_DOT = @HAVE_DOT@');
  });
});

describe('a copy of xorg-macros.m4 in aclocal.m4', () => {
  it('is explained when it is the output of a util-macros commit: a release, or a snapshot between releases', () => {
    const r = judgeAclocalCopy({ name: 'xorg-macros.m4', content: released }, release, db, null);
    expect(r.explainedBy).toBe('UPSTREAM_COPY');
    expect(r.upstream).toMatchObject({ project: 'util-macros', version: 'util-macros-1.19.0', date: '2014-03-27' });
    const s = judgeAclocalCopy({ name: 'xorg-macros.m4', content: snapshot }, release, db, null);
    expect(s.explainedBy).toBe('UPSTREAM_COPY');
    expect(s.upstream).toMatchObject({ project: 'util-macros', commit: snapshotCommit.slice(0, 12) });
  });

  it("is explained as the release's copy when a packaging repository's import of its sources makes it (--import)", () => {
    expect(imported).toContain('m4_define([vers_have], [1.19.2])');
    const r = judgeAclocalCopy({ name: 'xorg-macros.m4', content: imported }, release, db, null);
    expect(r.explainedBy).toBe('UPSTREAM_COPY');
    expect(r.upstream?.source).toBe(`util-macros 1.19.2 import (${importCommit.slice(0, 7)})`);
    // tampered twin: one LIBS= line added stays high, shown against the import
    const t = judgeAclocalCopy({ name: 'xorg-macros.m4', content: imported.replace('AC_SUBST([FILE_MAN_SUFFIX])\n', 'AC_SUBST([FILE_MAN_SUFFIX])\nLIBS="$LIBS -lpayload"\n') }, release, db, null);
    expect(t.flagged).toEqual({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
    expect(t.lines?.novel.map((l) => l.text)).toEqual(['LIBS="$LIBS -lpayload"']);
  });

  it("is explained as a distribution's copy when only Debian's xutils-dev has it", () => {
    const r = judgeAclocalCopy({ name: 'xorg-macros.m4', content: debian }, release, db, null);
    expect(r.explainedBy).toBe('UPSTREAM_COPY_VARIANT');
    expect(r.upstream?.source).toBe('Debian bookworm xutils-dev 1:7.7+6');
  });

  it('stays high with one line added (tampered twin), the line shown against the nearest version', () => {
    const tampered = snapshot.replace('AC_SUBST([FILE_MAN_SUFFIX])\n', 'AC_SUBST([FILE_MAN_SUFFIX])\nLIBS="$LIBS -lpayload"\n');
    expect(tampered).not.toBe(snapshot);
    const r = judgeAclocalCopy({ name: 'xorg-macros.m4', content: tampered }, release, db, null);
    expect(r.explainedBy).toBeUndefined();
    expect(r.flagged).toEqual({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
    expect(r.upstream).toMatchObject({ project: 'util-macros', commit: snapshotCommit.slice(0, 12) });
    expect(r.lines?.novel.map((l) => l.text)).toEqual(['LIBS="$LIBS -lpayload"']);
  });

  it('stays high when it claims a version no commit made (the version line changed)', () => {
    const r = judgeAclocalCopy({ name: 'xorg-macros.m4', content: snapshot.replace('[1.19.0]', '[1.20.0]') }, release, db, null);
    expect(r.explainedBy).toBeUndefined();
    expect(r.flagged?.severity).toBe('high');
  });
});

describe('xtrans.m4 (--tracked xtrans=…:xtrans.m4): every version in the xtrans history', () => {
  it('a copy of a version is UPSTREAM_COPY naming the xtrans tag; one line added stays high', () => {
    const r = judgeAclocalCopy({ name: 'xtrans.m4', content: XTRANS('1') }, release, db, null);
    expect(r.explainedBy).toBe('UPSTREAM_COPY');
    expect(r.upstream).toMatchObject({ project: 'xtrans', version: 'xtrans-1.3.3', date: '2013-12-16' });
    const t = judgeAclocalCopy({ name: 'xtrans.m4', content: XTRANS('1').replace('])\n', 'LIBS="$LIBS -lpayload"\n])\n') }, release, db, null);
    expect(t.explainedBy).toBeUndefined();
    expect(t.flagged).toEqual({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
  });
});

describe('mergeRawDbs', () => {
  it('adds names, and versions of a name the main database has, ordered by date; a blob is not added twice; the greater serial', () => {
    const base = rawDbFromContents([{ name: 'pkg.m4', project: 'pkg-config', content: '# serial 11\nA\n', commit: 'a'.repeat(40), date: '2015-09-27' }]);
    const extra = rawDbFromContents([
      { name: 'pkg.m4', project: 'util-macros', content: '# serial 99\nB\n', commit: 'b'.repeat(40), date: '2016-01-01' },
      { name: 'xorg-macros.m4', project: 'util-macros', content: 'dnl x\n', commit: 'c'.repeat(40), date: '2016-01-01' },
    ]);
    const again = rawDbFromContents([{ name: 'pkg.m4', project: 'util-macros', content: '# serial 11\nA\n', commit: 'd'.repeat(40), date: '2014-01-01' }]);
    const { raw, lines } = mergeRawDbs(base, extra);
    const merged = new UpstreamDb(raw, [], () => new LinesDb(base.lines!).withFiles(lines!));
    expect(merged.byName('pkg.m4').map((v) => [v.project, v.date])).toEqual([
      ['pkg-config', '2015-09-27'],
      ['util-macros', '2016-01-01'],
    ]);
    expect(merged.maxSerial('pkg.m4')).toMatchObject({ serial: '99', project: 'util-macros' });
    expect(merged.byName('xorg-macros.m4').map((v) => v.project)).toEqual(['util-macros']);
    // line data of both sources, for the same name
    for (const v of merged.byName('pkg.m4')) expect(merged.versionLines(v)).toHaveLength(2);
    expect(new UpstreamDb(mergeRawDbs(base, again).raw).byName('pkg.m4')).toHaveLength(1);
  });
});
