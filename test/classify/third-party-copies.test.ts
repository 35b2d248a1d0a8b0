/**
 * Third-party copies (issue 11 b): files projects copy from the libraries they build against — gpgme.m4 from
 * gpgme's git (src/gpgme.m4), gtk-doc.make and gtk-doc.m4 from Debian's gtk-doc-tools — recorded by the real
 * builder (scripts/build-upstream-db.mjs) from a gpgme-shaped git repository (fixed dates) and a Debian
 * package made with dpkg-deb. Synthetic contents that only imitate the real files' shape.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { judgeAclocalCopy } from '../../src/classify/aclocal-copy.js';
import { classifyUpstream, mayBeUpstreamFile } from '../../src/classify/upstream.js';
import { readUpstreamDb, UpstreamDb } from '../../src/classify/upstream-db.js';
import { readLinesDb } from '../../src/classify/upstream-lines.js';
import { makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const root = resolve(__dirname, '../..');
const lines = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `  ${prefix}_${i}="$${prefix}_${i} -l${prefix}${i}"`);
const GPGME = ['# gpgme.m4 - synthetic test file', '# Last-changed: 2020-11-20', '', 'AC_DEFUN([AM_PATH_GPGME],', '[', ...lines('gpgme', 20), '])', ''].join('\n');
const GPG_ERROR_COPY = ['# gpg-error.m4 - a copy inside gpgme', '# serial 1', 'AC_DEFUN([AM_PATH_GPG_ERROR], [:])', ''].join('\n');
const GTKDOC_MAKE = ['# -*- mode: makefile -*-', '# gtk-doc.make - synthetic test file', '', ...lines('DOC', 20).map((l) => l.replace(/^ {2}/, '')), ''].join('\n');
const GTKDOC_M4 = ['# gtk-doc.m4 - synthetic test file', '# serial 2', '', 'AC_DEFUN([GTK_DOC_CHECK],', '[', ...lines('gtkdoc', 12), '])', ''].join('\n');
const release = { date: '2022-02-26T12:00:00Z', tag: 'v1.21.3' };

let db: UpstreamDb;
beforeAll(() => {
  const dir = tempDir('distdiff-third-party-');
  const gpgme = makeRepo(join(dir, 'gpgme'));
  gpgme.commit({ 'src/gpgme.m4': GPGME, 'm4/gpg-error.m4': GPG_ERROR_COPY, 'build-aux/config.guess': '#! /bin/sh\ntimestamp=\'2020-01-01\'\n' }, 'gpgme 1.15.1', '2020-11-20T10:00:00Z');
  gpgme.tag('gpgme-1.15.1');
  const pkg = join(dir, 'deb/gtk-doc-tools');
  mkdirSync(join(pkg, 'DEBIAN'), { recursive: true });
  mkdirSync(join(pkg, 'usr/share/aclocal'), { recursive: true });
  mkdirSync(join(pkg, 'usr/share/gtk-doc/data'), { recursive: true });
  writeFileSync(join(pkg, 'DEBIAN/control'), 'Package: gtk-doc-tools\nVersion: 1.33.2-1\nArchitecture: all\nMaintainer: Test <test@example.invalid>\nDescription: synthetic test package\n');
  writeFileSync(join(pkg, 'usr/share/aclocal/gtk-doc.m4'), GTKDOC_M4);
  writeFileSync(join(pkg, 'usr/share/gtk-doc/data/gtk-doc.make'), GTKDOC_MAKE);
  writeFileSync(join(pkg, 'usr/share/gtk-doc/data/gtk-doc.flat.make'), GTKDOC_MAKE.replace('synthetic', 'flat'));
  const built = new Date('2021-01-10T12:00:00Z');
  for (const f of ['usr/share/aclocal/gtk-doc.m4', 'usr/share/gtk-doc/data/gtk-doc.make', 'usr/share/gtk-doc/data/gtk-doc.flat.make']) utimesSync(join(pkg, f), built, built);
  const rel = join(dir, 'releases');
  mkdirSync(join(rel, 'deb/bookworm'), { recursive: true });
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', pkg, join(rel, 'deb/bookworm/gtk-doc-tools_1.33.2-1_all.deb')], { stdio: 'ignore' });
  const out = join(dir, 'data');
  execFileSync(
    process.execPath,
    [join(root, 'scripts/build-upstream-db.mjs'), '--out', join(out, 'db.json.gz'), '--lines-out', join(out, 'lines.json.gz'), '--blobs-out', join(out, 'blobs.json.gz'), '--date', '2026-11-29', '--releases', rel, `gpgme=${gpgme.dir}/.git`],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const ld = readLinesDb(join(out, 'lines.json.gz'));
  db = new UpstreamDb(readUpstreamDb(join(out, 'db.json.gz')), [], () => ld);
}, 120_000);

describe('the builder records third-party copies', () => {
  it("a third-party git source: only the files it authors (src/gpgme.m4), not other projects' copies in its m4/ or build-aux/", () => {
    expect(db.byName('gpgme.m4').map((v) => [v.project, v.tag, v.date])).toEqual([['gpgme', 'gpgme-1.15.1', '2020-11-20']]);
    expect(db.byName('gpg-error.m4')).toEqual([]);
    expect(db.byName('config.guess')).toEqual([]);
  });

  it("a third-party Debian package: every aclocal *.m4 and gtk-doc.make, labelled with suite, package and version; not its other files", () => {
    expect(db.byName('gtk-doc.m4').map((v) => [v.project, v.source])).toEqual([['gtk-doc', { label: 'Debian bookworm gtk-doc-tools 1.33.2-1', kind: 'distribution' }]]);
    expect(db.byName('gtk-doc.make').map((v) => [v.project, v.source?.label])).toEqual([['gtk-doc', 'Debian bookworm gtk-doc-tools 1.33.2-1']]);
    expect(db.byName('gtk-doc.flat.make')).toEqual([]);
  });
});

describe('copies judged against them', () => {
  it('gtk-doc.make is looked up by name like the aux scripts', () => {
    expect(mayBeUpstreamFile('gtk-doc.make')).toBe(true);
    expect(mayBeUpstreamFile('docs/other.make')).toBe(false);
  });

  it('identical: UPSTREAM_COPY from git, UPSTREAM_COPY_VARIANT naming the Debian package', () => {
    expect(classifyUpstream('m4/gpgme.m4', Buffer.from(GPGME), db, { releaseDate: release.date })).toMatchObject({ code: 'UPSTREAM_COPY', severity: 'info', evidence: { upstream: { project: 'gpgme', version: 'gpgme-1.15.1' } } });
    expect(classifyUpstream('gtk-doc.make', Buffer.from(GTKDOC_MAKE), db, { releaseDate: release.date })).toMatchObject({
      code: 'UPSTREAM_COPY_VARIANT',
      severity: 'low',
      evidence: { reason: 'distribution-patched', version: 'Debian bookworm gtk-doc-tools 1.33.2-1' },
    });
  });

  it('a near copy reports its novel lines; one with a construct is critical', () => {
    // a new assignment is new code: reported with its line, high (it was "a patch", low, before)
    const near = GTKDOC_MAKE.replace('DOC_3=', 'DOC_EXTRA="yes"\nDOC_3=');
    expect(classifyUpstream('gtk-doc.make', Buffer.from(near), db, { releaseDate: release.date })).toMatchObject({
      code: 'UPSTREAM_COPY_UNKNOWN_VERSION',
      severity: 'high',
      evidence: { novelLines: 1, removedLines: 0, unaccountedLines: 1, novel: [{ line: 7, text: 'DOC_EXTRA="yes"' }] },
    });
    const payload = GTKDOC_MAKE.replace('DOC_3=', 'DOC_X=$$(echo ZWNobyBoaQ== | base64 -d | sh)\nDOC_3=');
    expect(classifyUpstream('gtk-doc.make', Buffer.from(payload), db, { releaseDate: release.date })).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'critical' });
  });

  it('a copy inside aclocal.m4: explained when identical; a novel line flags it (what REPRODUCED_WITH_FLAGGED_INPUT names)', () => {
    expect(judgeAclocalCopy({ name: 'gpgme.m4', content: GPGME.slice(0, -1) + '\n' }, release, db)).toEqual({ explainedBy: 'UPSTREAM_COPY', upstream: expect.objectContaining({ project: 'gpgme', version: 'gpgme-1.15.1' }) });
    const tampered = GPGME.replace('  gpgme_3=', '  LIBS="$LIBS -lpayload"\n  gpgme_3=');
    expect(judgeAclocalCopy({ name: 'gpgme.m4', content: tampered }, release, db)).toEqual({
      flagged: { code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' },
      upstream: expect.objectContaining({ project: 'gpgme' }),
      lines: { novelLines: 1, removedLines: 0, novel: [{ line: 9, text: '  LIBS="$LIBS -lpayload"' }] },
    });
  });
});
