/**
 * The third-party copies in a shipped aclocal.m4 (src/regenerate/aclocal-copies.ts): where the block is,
 * and how it splits into files. The aclocal.m4 here is assembled the way aclocal writes it (preamble,
 * copies each followed by a newline, automake's own files with their '##' lines dropped, m4_include
 * lines); the copy matched by the upstream database is this machine's /usr/share/aclocal/pkg.m4, which
 * the database knows (as an upstream version or as the local-system copy).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { upstreamDb } from '../../src/classify/upstream-db.js';
import { createHash } from 'node:crypto';
import { aclocalContent, copiedBlock, copiedBlocks, splitCopies } from '../../src/regenerate/aclocal-copies.js';
import { stampedMacroRanges } from '../../src/regenerate/automake-stand-in.js';

const PREAMBLE = `# generated automatically by aclocal 1.16.5 -*- Autoconf -*-

m4_ifndef([AC_AUTOCONF_VERSION],
  [m4_copy([m4_PACKAGE_VERSION], [AC_AUTOCONF_VERSION])])dnl
m4_if(m4_defn([AC_AUTOCONF_VERSION]), [2.71],,
[m4_warning([this file was generated for autoconf 2.71.
You have another version of autoconf.  It may work, but is not guaranteed to.
If you have problems, you may need to regenerate the build system entirely.
To do so, use the procedure documented by the package, typically 'autoreconf'.])])

`;
const AMVERSION = `## Generated from amversion.in; do not edit by hand.
# Copyright (C) 2002-2021 Free Software Foundation, Inc.

AC_DEFUN([AM_AUTOMAKE_VERSION], [am__api_version='1.16'])
`;
const MINE = `# mine.m4 - the maintainer's own macro
# serial 1

AC_DEFUN([MINE_CHECK], [AC_MSG_CHECKING([mine])

AC_MSG_RESULT([yes])])
`;
const OTHER = `# other.m4 - another one
AC_DEFUN([OTHER_CHECK], [:])
`;
const PKG = readFileSync('/usr/share/aclocal/pkg.m4', 'latin1');

const aclocal = (copies: string[]) => PREAMBLE + copies.map((c) => `${c}\n`).join('') + `${aclocalContent(AMVERSION)}\n` + 'm4_include([m4/local.m4])\n';

describe('copiedBlock', () => {
  it('is everything between the preamble and automake\'s first own file (its ## lines dropped)', () => {
    expect(aclocalContent(AMVERSION).startsWith('# Copyright')).toBe(true);
    expect(copiedBlock(aclocal([MINE, PKG]), [AMVERSION])).toBe(`${MINE}\n${PKG}\n`);
  });

  it('is empty without copies, and undefined for a file that is not aclocal output', () => {
    expect(copiedBlock(aclocal([]), [AMVERSION])).toBe('');
    expect(copiedBlock('dnl hand-written aclocal.m4\n', [AMVERSION])).toBeUndefined();
  });

  it('without automake files in the output, ends at the first m4_include', () => {
    const text = `${PREAMBLE}${MINE}\nm4_include([m4/a.m4])\n`;
    expect(copiedBlock(text, [AMVERSION])).toBe(`${MINE}\n`);
  });
});

describe('copiedBlocks', () => {
  it('copies after automake\'s files (an -I directory by absolute path) are the user block; automake\'s files are cut out', () => {
    const text = PREAMBLE + `${MINE}\n` + `${aclocalContent(AMVERSION)}\n` + `${PKG}\n` + 'm4_include([m4/local.m4])\n';
    expect(copiedBlocks(text, [AMVERSION])).toEqual({ system: `${MINE}\n`, user: `${PKG}\n` });
    expect(copiedBlock(text, [AMVERSION])).toBe(`${MINE}\n${PKG}\n`);
    expect(copiedBlocks(aclocal([MINE, PKG]), [AMVERSION])).toEqual({ system: `${MINE}\n${PKG}\n`, user: '' });
  });
});

describe('copiedBlocks with a stand-in automake (the stamped release is not here: its files are found by their hashes)', () => {
  // automake 1.16.2's files as the shipped aclocal.m4 holds them; the stand-in (1.16.3 here) has other copyright years.
  const OLD1 = aclocalContent(AMVERSION.replace('2002-2021', '2002-2020'));
  const OLD2 = '# Copyright (C) 1996-2020 Free Software Foundation, Inc.\n\nAC_DEFUN([AM_MISSING_PROG], [:])\n';
  const hash = (t: string) => ({ bytes: Buffer.byteLength(t, 'latin1'), sha256: createHash('sha256').update(Buffer.from(t, 'latin1')).digest('hex') });
  const data = { '1.16.2': { macros: { 'amversion.m4': hash(OLD1), 'missing.m4': hash(OLD2) } } };
  const XORG = 'dnl xorg-macros.m4.  Generated from xorg-macros.m4.in xorgversion.m4 by configure.\nAC_DEFUN([XORG_MACROS_VERSION], [:])\n';
  const split = (text: string) =>
    copiedBlocks(
      text,
      [AMVERSION],
      // (stampedMacroStart with this data: the first stamped file at or after `from`)
      (from) => stampedMacroRanges(text, '1.16.2', from, text.length, data)[0]?.[0],
      (from, to) => stampedMacroRanges(text, '1.16.2', from, to, data),
    );

  it("the copies after the stamped release's files (libXfixes 6.0.0: xorg-macros.m4 after automake 1.16.2's) are the user block", () => {
    const text = `${PREAMBLE}${MINE}\n${OLD1}\n${OLD2}\n${XORG}\nm4_include([m4/local.m4])\n`;
    const at = text.indexOf(OLD1);
    expect(stampedMacroRanges(text, '1.16.2', 0, text.length, data)).toEqual([
      [at, at + OLD1.length + 1],
      [at + OLD1.length + 1, at + OLD1.length + OLD2.length + 2],
    ]);
    expect(split(text)).toEqual({ system: `${MINE}\n`, user: `${XORG}\n` });
  });

  it('stamped files with something else between them: the copies end where the first begins, as before', () => {
    const text = `${PREAMBLE}${MINE}\n${OLD1}\n${OTHER}\n${OLD2}\n${XORG}\nm4_include([m4/local.m4])\n`;
    expect(split(text)).toEqual({ system: `${MINE}\n`, user: '' });
    // and without any stamped file found, everything up to the m4_include lines is the system block
    const none = `${PREAMBLE}${MINE}\n${XORG}\nm4_include([m4/local.m4])\n`;
    expect(split(none)).toEqual({ system: `${MINE}\n${XORG}\n`, user: '' });
  });
});

describe('splitCopies', () => {
  const db = upstreamDb();

  it('names the upstream copy, keeps an unknown file whole (blank lines inside) and names it from its header', () => {
    const parts = splitCopies(`${MINE}\n${PKG}\n`, db);
    expect(parts.map((p) => p.name)).toEqual(['mine.m4', 'pkg.m4']);
    expect(parts[0]).toMatchObject({ line: 1, bytes: MINE.length, nameKnown: false });
    expect(parts[0]!.upstream).toBeUndefined();
    expect(parts[1]!.upstream?.project).toBeTruthy();
    expect(parts[1]).toMatchObject({ line: MINE.split('\n').length + 1, bytes: PKG.length });
  });

  it('two unknown files in a row stay two copies; constructs in one are kept with it', () => {
    const bad = OTHER.replace('[:]', '[eval "$(echo ZWNobyBoaQ== | base64 -d)"]');
    const parts = splitCopies(`${MINE}\n${bad}\n${PKG}\n`, db);
    expect(parts.map((p) => p.name)).toEqual(['mine.m4', 'other.m4', 'pkg.m4']);
    expect(parts[0]!.constructs).toBeUndefined();
    expect(parts[1]!.constructs?.map((c) => c.kind)).toContain('base64-decode');
  });

  it('an altered copy of a known file is not an upstream copy, and says the name is known', () => {
    const altered = PKG.replace('PKG_PROG_PKG_CONFIG', 'PKG_PROG_PKG_CONFIG dnl');
    const [p] = splitCopies(`${altered}\n`, db);
    expect(p).toMatchObject({ name: 'pkg.m4', nameKnown: true });
    expect(p!.upstream).toBeUndefined();
  });

  it('without the database every copy is unknown', () => {
    expect(splitCopies(`${MINE}\n${OTHER}\n`, undefined).map((p) => [p.name, p.upstream])).toEqual([
      ['mine.m4', undefined],
      ['other.m4', undefined],
    ]);
  });
});
