/**
 * gnulib-tool's layout (where each gnulib file went) and its listed rewrites, as pure functions over the
 * generated files' text.
 */
import { describe, expect, it } from 'vitest';
import { applyRewrites, availableRewrites, noticeParagraph, noticeRange, rewriteCandidates } from '../../src/classify/gnulib-rewrite.js';
import { gnulibSources, normalisePath, parseGnulibComp } from '../../src/classify/gnulib-layout.js';
import { applyLocalDiff, normaliseUnifiedDiff, parseContextDiff } from '../../src/classify/gnulib-local.js';

const comp = (m4: string, src: string, tests: string, files: string[]) =>
  `# DO NOT EDIT! GENERATED AUTOMATICALLY!\nAC_DEFUN([gl_INIT],\n[\n  gl_m4_base='${m4}'\n  gl_source_base='${src}'\n  gl_source_base='${tests}'\n])\n\nAC_DEFUN([gl_FILE_LIST], [\n${files.map((f) => `  ${f}`).join('\n')}\n])\n`;

describe('parseGnulibComp / gnulibSources', () => {
  it('a top-level layout: lib/, m4/, tests/ (and tests=lib/), build-aux/, doc/, top/', () => {
    const l = parseGnulibComp('m4/gnulib-comp.m4', comp('m4', 'lib', 'gnulib-tests', ['build-aux/gnupload', 'doc/fdl.texi', 'lib/foo.c', 'm4/foo.m4', 'tests/test-foo.c', 'tests=lib/bar.c', 'top/GNUmakefile']))!;
    expect(l).toMatchObject({ dir: '', sourceBase: 'lib', m4Base: 'm4', testsBase: 'gnulib-tests', auxDir: 'build-aux', docBase: 'doc' });
    expect(gnulibSources(l, 'lib/foo.c')).toEqual([{ file: 'lib/foo.c', listed: 'lib/foo.c' }]);
    expect(gnulibSources(l, 'gnulib-tests/test-foo.c')).toEqual([{ file: 'tests/test-foo.c', listed: 'tests/test-foo.c' }]);
    expect(gnulibSources(l, 'gnulib-tests/bar.c')).toEqual([{ file: 'lib/bar.c', listed: 'tests=lib/bar.c' }]);
    expect(gnulibSources(l, 'build-aux/gnupload')).toEqual([{ file: 'build-aux/gnupload', listed: 'build-aux/gnupload' }]);
    expect(gnulibSources(l, 'doc/fdl.texi')).toEqual([{ file: 'doc/fdl.texi', listed: 'doc/fdl.texi' }]);
    expect(gnulibSources(l, 'GNUmakefile')).toEqual([{ file: 'top/GNUmakefile', listed: 'top/GNUmakefile' }]);
    expect(gnulibSources(l, 'm4/gnulib-tool.m4')).toEqual([{ file: 'm4/gnulib-tool.m4', listed: 'm4/gnulib-tool.m4' }]);
    // not listed by gl_FILE_LIST: no source, whatever gnulib has at that path
    expect(gnulibSources(l, 'lib/other.c')).toEqual([]);
    expect(gnulibSources(l, 'src/foo.c')).toEqual([]);
  });

  it("gettext's sub-layouts: an m4 base below the directory, an aux dir above it, gnulib-cache.m4's --lgpl", () => {
    const cache = '# gnulib-tool --import \\\n#  --aux-dir=../build-aux \\\n#  --lgpl=2\ngl_DOC_BASE([doc])\ngl_LGPL([2])\n';
    const l = parseGnulibComp('gettext-tools/libgettextpo/gnulib-m4/gnulib-comp.m4', comp('libgettextpo/gnulib-m4', 'libgettextpo', 'tests', ['lib/xalloc.h', 'build-aux/config.rpath']), cache)!;
    expect(l).toMatchObject({ dir: 'gettext-tools/', sourceBase: 'libgettextpo', auxDir: '../build-aux', lgpl: '2' });
    expect(gnulibSources(l, 'gettext-tools/libgettextpo/xalloc.h')).toEqual([{ file: 'lib/xalloc.h', listed: 'lib/xalloc.h' }]);
    expect(gnulibSources(l, 'build-aux/config.rpath')).toEqual([{ file: 'build-aux/config.rpath', listed: 'build-aux/config.rpath' }]);
    // a shipped gnulib-comp.m4 elsewhere than its m4 base says is not a layout
    expect(parseGnulibComp('gettext-tools/gnulib-m4/gnulib-comp.m4', comp('libgettextpo/gnulib-m4', 'x', 'y', []))).toBeUndefined();
    expect(parseGnulibComp('m4/gnulib-comp.m4', '# nothing generated here\n')).toBeUndefined();
    expect(parseGnulibComp('m4/gnulib-comp.m4', comp('m4', 'lib', 'tests', []), '# cache\n')).toMatchObject({ lgpl: 'none' });
  });

  it('normalisePath', () => {
    expect(normalisePath('gettext-tools/../build-aux')).toBe('build-aux');
    expect(normalisePath('./lib/.')).toBe('lib');
    expect(normalisePath('../x')).toBeUndefined();
  });
});

const LGPL21 = `/* Copyright (C) 2020 Free Software Foundation, Inc.

   This file is free software: you can redistribute it and/or modify
   it under the terms of the GNU Lesser General Public License as
   published by the Free Software Foundation; either version 2.1 of the
   License, or (at your option) any later version.

   You should have received a copy of the GNU Lesser General Public License
   along with this program.  If not, see <https://www.gnu.org/licenses/>.  */

#ifdef HAVE_CONFIG_H
/* see the GNU Lesser General Public License, version 2 or later */
`;

describe('gnulib-tool rewrites', () => {
  it('offered only when the pinned gnulib-tool carries the sed script', () => {
    const old = "s/^#ifdef[\t ]*HAVE_CONFIG_H[\t ]*$/#if 1/\n s/GNU Lesser General/GNU General/g\n s/version 2\\(.1\\)\\{0,1\\}\\([ ,]\\)/version 3\\2/g\n s/General Public License/Lesser General Public License/g\n";
    expect([...availableRewrites(old)].sort()).toEqual(['config-h', 'license-gpl', 'license-lgpl', 'license-version']);
    expect([...availableRewrites("s/^#ifdef[\t ]*HAVE_CONFIG_H[\t ]*$/#if 1/\n")]).toEqual(['config-h']);
    expect([...availableRewrites('')]).toEqual([]);
  });

  it('candidates per gnulib directory: config-h and licenses in lib/, licenses in build-aux/, nothing in m4/', () => {
    const all = new Set(['config-h', 'license-gpl', 'license-version', 'license-names', 'license-lgpl', 'license-lgpl2'] as const);
    expect(rewriteCandidates('m4/foo.m4', all)).toEqual([]);
    expect(rewriteCandidates('build-aux/gnupload', all)).toEqual([['license-gpl'], ['license-gpl', 'license-version'], ['license-gpl', 'license-names'], ['license-gpl', 'license-version', 'license-names']]);
    expect(rewriteCandidates('tests=lib/foo.c', all)).toContainEqual(['config-h', 'license-gpl']);
    // 2 config-h choices × 7 license choices (none, 4 GPL ones, 2 LGPL ones), less the empty combination
    expect(rewriteCandidates('lib/foo.c', all)).toHaveLength(13);
    // with --lgpl=3orGPLv2's rewrite: one more license choice
    expect(rewriteCandidates('lib/foo.c', new Set([...all, 'license-lgpl3orgpl2' as const]))).toHaveLength(15);
    expect(rewriteCandidates('build-aux/gnupload', new Set(['license-lgpl3orgpl2' as const]))).toEqual([]);
  });

  it('license-lgpl3orgpl2: the notice\'s first paragraph replaced by gnulib-tool\'s fixed either/or text (gnutls 3.7.9 lib/unistring/)', () => {
    const pinned = '/* ATTRIBUTE_* macros\n\n   Copyright 2020-2021 Free Software Foundation, Inc.\n\n   This program is free software: you can redistribute it and/or modify it\n   under the terms of the GNU Lesser General Public License as published\n   by the Free Software Foundation; either version 3 of the License, or\n   (at your option) any later version.\n\n   This program is distributed in the hope that it will be useful,\n   but WITHOUT ANY WARRANTY.  If not, see <https://www.gnu.org/licenses/>.  */\n\n#define X 1\n';
    const shipped = '/* ATTRIBUTE_* macros\n\n   Copyright 2020-2021 Free Software Foundation, Inc.\n\n   This program is free software: you can redistribute it and/or\n   modify it under the terms of either:\n\n     * the GNU Lesser General Public License as published by the Free\n       Software Foundation; either version 3 of the License, or (at your\n       option) any later version.\n\n   or\n\n     * the GNU General Public License as published by the Free\n       Software Foundation; either version 2 of the License, or (at your\n       option) any later version.\n\n   or both in parallel, as here.\n   This program is distributed in the hope that it will be useful,\n   but WITHOUT ANY WARRANTY.  If not, see <https://www.gnu.org/licenses/>.  */\n\n#define X 1\n';
    expect(noticeParagraph(pinned.split('\n'))).toEqual([4, 8]);
    expect(applyRewrites(pinned, ['license-lgpl3orgpl2'])).toBe(shipped);
    // a tamperer's edit outside that paragraph is not what the rewrite produces
    expect(applyRewrites(pinned, ['license-lgpl3orgpl2'])).not.toBe(shipped.replace('#define X 1', '#define X 2'));
    // no "This program is free software" line, or no empty line ending its paragraph: nothing replaced
    expect(applyRewrites('/* no notice */\n#define X 1\n', ['license-lgpl3orgpl2'])).toBe('/* no notice */\n#define X 1\n');
    // offered only when the pinned gnulib-tool carries the sed (its case label, its text and its delete range)
    expect(availableRewrites("3orGPLv2)\n   or both in parallel, as here.\n            /^ *This program is free software/,/^$/d\n").has('license-lgpl3orgpl2')).toBe(true);
    expect(availableRewrites('3orGPLv2)\n').has('license-lgpl3orgpl2')).toBe(false);
  });

  it('the license substitutions stay inside the notice paragraph; config-h is one exact line', () => {
    const lines = LGPL21.split('\n');
    expect(noticeRange(lines)).toEqual([2, 8]);
    const gpl = applyRewrites(LGPL21, ['config-h', 'license-gpl']);
    expect(gpl).toContain('terms of the GNU General Public License as');
    expect(gpl).toContain('either version 3 of the');
    expect(gpl).toContain('#if 1\n');
    expect(gpl).toContain('/* see the GNU Lesser General Public License, version 2 or later */');
    expect(applyRewrites(LGPL21, ['license-gpl', 'license-version'])).toContain('/* see the GNU Lesser General Public License, version 3 or later */');
    expect(applyRewrites(LGPL21, ['license-lgpl2'])).toContain('either version 2.1 of the');
    expect(applyRewrites('#ifdef HAVE_CONFIG_H /* x */\n', ['config-h'])).toBe('#ifdef HAVE_CONFIG_H /* x */\n');
    expect(applyRewrites('no notice\nGNU Lesser General Public License\n', ['license-gpl'])).toBe('no notice\nGNU Lesser General Public License\n');
  });

  it('license-names: the notice sed\'s name substitutions on the other lines, nothing else (gettext 0.21 gstrfuncs.c)', () => {
    const withComment = `${LGPL21}   * the GNU Lesser General Public License.\n   * version 2 of the Library General Public License\n`;
    const names = applyRewrites(withComment, ['license-gpl', 'license-names']);
    expect(names.split('\n').slice(-3)).toEqual(['   * the GNU General Public License.', '   * version 2 of the General Public License', '']);
    // the version token outside the notice only with license-version
    expect(applyRewrites(withComment, ['license-gpl', 'license-version', 'license-names']).split('\n').slice(-2, -1)).toEqual(['   * version 3 of the General Public License']);
    // the signature: both name substitutions of gnulib-tool's sed
    expect([...availableRewrites('s/GNU Lesser General/GNU General/g\n s/Lesser General Public License/General Public License/g\n')].sort()).toEqual(['license-gpl', 'license-names']);
  });
});

describe('gnulib-tool --local-dir patches', () => {
  const src = 'a\nb\nc\nd\ne\nf\ng\n';
  it('a context diff (as gettext keeps them) and a unified one, applied at an offset; a misfit is undefined', () => {
    const ctx = '*** gnulib/lib/x.c\t2005-09-23\n--- gettext/lib/x.c\t2006-07-22\n***************\n*** 2,4 ****\n  b\n! c\n  d\n--- 2,5 ----\n  b\n! C\n+ C2\n  d\n';
    expect(parseContextDiff(ctx)?.hunks).toEqual([{ oldStart: 2, oldLines: 3, newStart: 2, newLines: 4, lines: [' b', '-c', '+C', '+C2', ' d'] }]);
    expect(applyLocalDiff(src, ctx)).toBe('a\nb\nC\nC2\nd\ne\nf\ng\n');
    expect(applyLocalDiff(`0\n${src}`, ctx)).toBe('0\na\nb\nC\nC2\nd\ne\nf\ng\n');
    expect(applyLocalDiff(src, '--- a/x\n+++ b/x\n@@ -5,2 +5,2 @@\n e\n-f\n+F\n')).toBe('a\nb\nc\nd\ne\nF\ng\n');
    // GNU patch's default fuzz: up to 2 lines of a hunk may differ; 3 do not fit anywhere
    expect(applyLocalDiff(src, '--- a/x\n+++ b/x\n@@ -3,5 +3,5 @@\n c\n X\n e\n-f\n+F\n g\n')).toBe('a\nb\nc\nd\ne\nF\ng\n');
    expect(applyLocalDiff(src, '--- a/x\n+++ b/x\n@@ -2,6 +2,6 @@\n b\n X\n Y\n Z\n-f\n+F\n g\n')).toBeUndefined();
    expect(applyLocalDiff(src, 'not a patch\n')).toBeUndefined();
  });
  it('a git-made patch as GNU patch reads it: a blank context line without its space, a format-patch signature after the hunk (diffutils 3.8 gl/lib/sh-quote.c.diff)', () => {
    const git = 'diff --git a/lib/x.c b/lib/x.c\nindex e349f40..788989a 100644\n--- a/lib/x.c\n+++ b/lib/x.c\n@@ -2,5 +2,5 @@ a\n b\n\n-d\n+D\n e\n\n--\n2.31.1\n';
    const blank = 'a\nb\n\nd\ne\n';
    expect(normaliseUnifiedDiff(git)).toBe('--- a/lib/x.c\n+++ b/lib/x.c\n@@ -2,5 +2,5 @@ a\n b\n \n-d\n+D\n e\n \n');
    expect(applyLocalDiff(`${blank}\nf\n`, git)).toBe('a\nb\n\nD\ne\n\nf\n');
    // what the signature is not: a line inside the hunk's count that is no hunk line, or a hunk cut short
    expect(normaliseUnifiedDiff('--- a/x\n+++ b/x\n@@ -2,3 +2,3 @@\n b\n--\n e\n')).toBeUndefined();
    expect(normaliseUnifiedDiff('--- a/x\n+++ b/x\n@@ -2,3 +2,3 @@\n b\n-c\n')).toBeUndefined();
    // lines after the counted hunk are not applied: a "+" line there adds nothing (GNU patch ignores it too)
    expect(applyLocalDiff(`${blank}\nf\n`, `${git.replace('--\n2.31.1\n', '')}+evil\n`)).toBe('a\nb\n\nD\ne\n\nf\n');
  });
  it('a context hunk with only additions (no old lines listed)', () => {
    const ctx = '***************\n*** 3 ****\n--- 3,4 ----\n  c\n+ c2\n';
    expect(applyLocalDiff(src, ctx)).toBe('a\nb\nc\nc2\nd\ne\nf\ng\n');
  });
});
