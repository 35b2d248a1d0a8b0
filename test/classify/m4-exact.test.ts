/**
 * m4 helpers at their edges, as aclocal reads files (mutation testing of src/classify/m4.ts): every kind of
 * blank aclocal accepts around `serial`, the header form's name characters and its end, the 20-line window,
 * ties between serial lines, whole-line comment rules, and the exact hash values the upstream database was
 * built with (data/upstream-db.json.gz stores them; a change here must bump NORMALISATION_VERSION).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compareSerial, libtoolVersion, normalise, normalisedHash, NORMALISATION_VERSION, parseSerial, scriptStamp, serialParts } from '../../src/classify/m4.js';

describe('parseSerial, aclocal form', () => {
  it.each([
    ['# serial 5', '5'],
    ['#serial 5', '5'],
    ['#\tserial\t5', '5'],
    ['#\fserial\f5', '5'],
    ['#\vserial\v5', '5'],
    ['#  \t serial \t 5', '5'],
    ['# serial 10', '10'],
    ['# serial 3.10', '3.10'],
    ['# serial 1.2.3', '1.2.3'],
    ['# serial 5 # a comment', '5'],
  ])('%j → %s', (line, text) => {
    const s = parseSerial(`dnl x\n${line}\nAC_DEFUN([X])\n`);
    expect(s).toEqual({ text, parts: text.split('.').map(Number), form: 'aclocal' });
  });
  it.each(['# serial', '# serial ', '#serial5', '# serialx 5', ' # serial 5', 'x# serial 5', '# serial v5', '# serial 5.', '# serial .5', '# serial 5..1', '# serial 5-1', '# Serial 5'])(
    '%j declares no serial',
    (line) => {
      expect(parseSerial(`${line}\n`)).toBeUndefined();
    },
  );
  it('a tie keeps the first line', () => {
    expect(parseSerial('# serial 7\n# serial 07\n')).toEqual({ text: '7', parts: [7], form: 'aclocal' });
    expect(parseSerial('# serial 07\n# serial 7\n')).toEqual({ text: '07', parts: [7], form: 'aclocal' });
  });
  it('the greatest wins wherever it is, component-wise', () => {
    expect(parseSerial('# serial 3.9\n# serial 3.10\n# serial 3.2\n')?.text).toBe('3.10');
    expect(parseSerial('# serial 10\n# serial 9\n')?.text).toBe('10');
  });
  it('a last line without a newline counts', () => {
    expect(parseSerial('AC_DEFUN([X])\n# serial 4')?.text).toBe('4');
  });
  it('only a line-ending CR is dropped: a CR inside the number ends it, as aclocal\'s (\\S*) does', () => {
    expect(parseSerial('# serial 5\r7\r\n')).toEqual({ text: '5', parts: [5], form: 'aclocal' });
    expect(parseSerial('# serial 5\r7\n')).toEqual({ text: '5', parts: [5], form: 'aclocal' });
  });
});

describe('parseSerial, header form', () => {
  it.each([
    ['# build-to-host.m4 serial 3', '3'],
    ['#build-to-host.m4 serial 3', '3'],
    ['#\tgettext.m4\tserial\t72 (gettext-0.21.1)', '72'],
    ['# a+b~c-d_e.f.m4 serial 3.1', '3.1'],
    ['# x.m4  serial  12', '12'],
    ['# x.m4 serial 4\r', '4'],
  ])('%j → %s', (line, text) => {
    expect(parseSerial(`${line}\nAC_DEFUN([X])\n`)).toEqual({ text, parts: text.split('.').map(Number), form: 'header' });
  });
  it.each(['# x.m4 serial 3a', '# x.m4 serial 3.', '# x.m4 serial 3_', '# x.m4serial 3', '# x.m4 serial', '# .m4 serial 3', '# x.m5 serial 3', '# xm4 serial 3', ' # x.m4 serial 3', 'dnl # x.m4 serial 3', '# x y.m4 serial 3'])(
    '%j declares no serial',
    (line) => {
      expect(parseSerial(`${line}\n`)).toBeUndefined();
    },
  );
  it('is looked for in the first 20 lines only: line 20 counts, line 21 does not', () => {
    expect(parseSerial(`${'dnl x\n'.repeat(19)}# foo.m4 serial 9\n`)).toEqual({ text: '9', parts: [9], form: 'header' });
    expect(parseSerial(`${'dnl x\n'.repeat(20)}# foo.m4 serial 9\n`)).toBeUndefined();
  });
  it('only a line-ending CR is dropped: `# x.m4 serial 5\\r7` declares 5, not 57', () => {
    expect(parseSerial('# x.m4 serial 5\r7\r\n')).toEqual({ text: '5', parts: [5], form: 'header' });
  });
  it('the first header line wins (no maximum, unlike the aclocal form)', () => {
    expect(parseSerial('# a.m4 serial 2\n# b.m4 serial 9\n')?.text).toBe('2');
  });
});

describe('compareSerial and serialParts', () => {
  it('orders component-wise, a missing component is smaller', () => {
    expect(compareSerial([9], [10])).toBe(-1);
    expect(compareSerial([10], [9])).toBe(1);
    expect(compareSerial([3, 1], [3, 2])).toBe(-1);
    expect(compareSerial([3, 2], [3, 1])).toBe(1);
    expect(compareSerial([], [])).toBe(0);
    expect(compareSerial([], [0])).toBe(-1);
    expect(compareSerial([0], [])).toBe(1);
    expect(compareSerial([1, 0], [1, 0])).toBe(0);
  });
  it('serialParts parses well-formed serials only', () => {
    expect(serialParts('5')).toEqual([5]);
    expect(serialParts('3.10')).toEqual([3, 10]);
    for (const bad of ['', 'a', '5a', 'a5', '5.', '.5', '5 ']) expect(serialParts(bad), bad).toBeUndefined();
  });
});

describe('normalise', () => {
  it('trims and collapses spaces, tabs, form feeds and vertical tabs; drops CR at line end only', () => {
    expect(normalise(' \t\f\va \t\f\vb \t\f\v\r\n')).toBe('a b');
    expect(normalise('a\rb\r\n')).toBe('a\rb');
    expect(normalise('a  b\nc\td\n')).toBe('a b\nc d');
  });
  it('drops #-lines, dnl alone and dnl + blank + text, after trimming; keeps dnlfoo and code', () => {
    expect(normalise('  # comment\n\tdnl\ndnl\tcomment\n  dnl x\ndnlx\nx dnl y\n#\n\n   \ncode\n')).toBe('dnlx\nx dnl y\ncode');
  });
  it('keeps a last line without a newline, and an empty input is empty', () => {
    expect(normalise('a\nb')).toBe('a\nb');
    expect(normalise('')).toBe('');
  });
  it('decodes bytes as latin1: every byte survives', () => {
    expect(normalise(Buffer.from([0x61, 0xe9, 0x0a]))).toBe('a\u00e9');
  });
});

describe('hash values (pinned: the upstream database stores them)', () => {
  it('normalisation version 1', () => {
    expect(NORMALISATION_VERSION).toBe(1);
  });
  it('normalisedHash is the first 32 hex digits of sha256 over the latin1 bytes of the normalised form', () => {
    const text = '# serial 1\nAC_DEFUN([X], [y])\n';
    expect(normalisedHash(text)).toBe(createHash('sha256').update('AC_DEFUN([X], [y])').digest('hex').slice(0, 32));
    expect(normalisedHash(text)).toBe('1bc5bbafa90aef809d49851cea4aad3b');
    // latin1, not UTF-8: the byte 0xe9 is hashed as itself.
    expect(normalisedHash(Buffer.from([0x78, 0xe9]))).toBe(createHash('sha256').update(Buffer.from([0x78, 0xe9])).digest('hex').slice(0, 32));
  });
});

describe('scriptStamp', () => {
  it.each([
    ["timestamp='2023-08-22'", { kind: 'timestamp', value: '2023-08-22' }],
    ['timestamp="2023-08-22"', { kind: 'timestamp', value: '2023-08-22' }],
    ['timestamp=2023-08-22', { kind: 'timestamp', value: '2023-08-22' }],
    ["scriptversion='2018-03-07.03'", { kind: 'scriptversion', value: '2018-03-07.03' }],
    ['scriptversion=2018-03-07.03; # UTC', { kind: 'scriptversion', value: '2018-03-07.03' }],
    ['scriptversion="2018-03-07.03"', { kind: 'scriptversion', value: '2018-03-07.03' }],
  ])('%s', (line, stamp) => {
    expect(scriptStamp(`#!/bin/sh\n${line}\necho\n`)).toEqual(stamp);
  });
  it('timestamp wins over scriptversion; only at the start of a line; only in the first 16 KiB', () => {
    expect(scriptStamp("scriptversion=2018-01-01\ntimestamp='2023-01-01'\n")).toEqual({ kind: 'timestamp', value: '2023-01-01' });
    expect(scriptStamp("x timestamp='2023-01-01'\n x scriptversion=1\n")).toBeUndefined();
    expect(scriptStamp(`${'#'.repeat(16384)}\ntimestamp=1\n`)).toBeUndefined();
    expect(scriptStamp(`${'#'.repeat(16370)}\ntimestamp=1\n`)).toEqual({ kind: 'timestamp', value: '1' });
    expect(scriptStamp("timestamp=''\n")).toBeUndefined();
  });
});

describe('libtoolVersion', () => {
  it.each([
    ['VERSION=2.4.7', '2.4.7', 'release'],
    ["  VERSION='2.4.7'  ", '2.4.7', 'release'],
    ['VERSION="2.4.6"', '2.4.6', 'release'],
    ['VERSION=2.4.7-abc', '2.4.7-abc', 'release'],
    ["[macro_version='2.4.7']", '2.4.7', 'release'],
    ["macro_version='2.4.7'", '2.4.7', 'release'],
    ['m4_define([LT_PACKAGE_VERSION], [2.4.7])', '2.4.7', 'release'],
    ['VERSION=2.4.7.4', '2.4.7.4', 'snapshot'],
    ['VERSION=2.4.6-1ec8', '2.4.6-1ec8', 'snapshot'],
    ['VERSION=2.4.6-1ec8f-dirty', '2.4.6-1ec8f-dirty', 'snapshot'],
    ['VERSION=2.4.6-dirty', '2.4.6-dirty', 'snapshot'],
    ['VERSION=2.4.6.42-b88ce', '2.4.6.42-b88ce', 'snapshot'],
    ['VERSION="2.4.7 Debian-2.4.7-5"', '2.4.7 Debian-2.4.7-5', 'distribution'],
    ['VERSION=2.4.7-5', '2.4.7-5', 'distribution'],
    ['VERSION=2.4.7-ubuntu', '2.4.7-ubuntu', 'distribution'],
    ['VERSION=2.4.7-Fedora', '2.4.7-Fedora', 'distribution'],
    ['VERSION=2.4.7-redhat', '2.4.7-redhat', 'distribution'],
    ['VERSION=2.4.7-suse', '2.4.7-suse', 'distribution'],
    ['VERSION=2.4.7-gentoo', '2.4.7-gentoo', 'distribution'],
    ['VERSION=2.4.7-alpine', '2.4.7-alpine', 'distribution'],
    ['VERSION=2.4.7-DEBIAN', '2.4.7-DEBIAN', 'distribution'],
  ] as const)('%s → %s (%s)', (line, version, kind) => {
    expect(libtoolVersion(`#!/bin/sh\n${line}\nexit 0\n`)).toEqual({ version, kind });
  });
  it.each(['VERSION=abc', 'VERSION=2', 'x VERSION=2.4.7', 'VERSION=', "macro_version=2.4.7", 'm4_define([LT_PACKAGE_VERSION], [x2.4])'])('%j is not a libtool version', (line) => {
    expect(libtoolVersion(`${line}\n`)).toBeUndefined();
  });
  it('macro_version counts only at the start of a line (a comment quoting it does not)', () => {
    expect(libtoolVersion("dnl was macro_version='1.5.26'\nm4_define([LT_PACKAGE_VERSION], [2.4.7])\n")).toEqual({ version: '2.4.7', kind: 'release' });
  });
  it('blanks around the version are trimmed before it is read', () => {
    expect(libtoolVersion("macro_version=' 2.4.7 '\n")).toEqual({ version: '2.4.7', kind: 'release' });
    expect(libtoolVersion('m4_define([LT_PACKAGE_VERSION], [2.4.6 ])\n')).toEqual({ version: '2.4.6', kind: 'release' });
  });
  it('VERSION wins over macro_version, macro_version over LT_PACKAGE_VERSION', () => {
    expect(libtoolVersion("m4_define([LT_PACKAGE_VERSION], [1.5.26])\nmacro_version='2.2.6'\nVERSION=2.4.7\n")?.version).toBe('2.4.7');
    expect(libtoolVersion("m4_define([LT_PACKAGE_VERSION], [1.5.26])\nmacro_version='2.2.6'\n")?.version).toBe('2.2.6');
  });
});
