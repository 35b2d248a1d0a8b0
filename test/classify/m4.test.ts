import { describe, expect, it } from 'vitest';
import {
  compareSerial,
  libtoolVersion,
  normalise,
  normalisedHash,
  parseSerial,
  scriptStamp,
} from '../../src/classify/m4.js';

describe('parseSerial', () => {
  it('reads the aclocal form `# serial N`', () => {
    expect(parseSerial('# serial 5\ndnl foo\nAC_DEFUN([X])\n')).toEqual({ text: '5', parts: [5], form: 'aclocal' });
  });
  it('accepts `#serial N` without a space, as aclocal does', () => {
    expect(parseSerial('#serial 12\n')?.parts).toEqual([12]);
  });
  it('keeps dotted serials and compares them as lists', () => {
    expect(parseSerial('# serial 3.1\n')).toEqual({ text: '3.1', parts: [3, 1], form: 'aclocal' });
    expect(compareSerial([3, 1], [3])).toBe(1);
    expect(compareSerial([3], [3, 1])).toBe(-1);
    expect(compareSerial([10], [9, 9])).toBe(1);
    expect(compareSerial([4, 2], [4, 2])).toBe(0);
  });
  it('takes the first token like aclocal (`# serial 67 LT_INIT`)', () => {
    expect(parseSerial('# serial 67 LT_INIT\n')?.text).toBe('67');
  });
  it('ignores ill-formed serial numbers', () => {
    expect(parseSerial('# serial abc\n')).toBeUndefined();
    expect(parseSerial('# serial 5a\n')).toBeUndefined();
  });
  it('uses the greatest of several serial lines', () => {
    expect(parseSerial('# serial 2\n# serial 7\n# serial 3\n')?.text).toBe('7');
  });
  it('falls back to the old header form `# name.m4 serial N`', () => {
    expect(parseSerial('# build-to-host.m4 serial 30\ndnl Copyright\n')).toEqual({ text: '30', parts: [30], form: 'header' });
    expect(parseSerial('# gettext.m4 serial 72 (gettext-0.21.1)\n')?.parts).toEqual([72]);
  });
  it('prefers the aclocal form over the header form', () => {
    expect(parseSerial('# build-to-host.m4 serial 30\n# serial 4\n')).toEqual({ text: '4', parts: [4], form: 'aclocal' });
  });
  it('does not take a header-form serial after line 20 or in code', () => {
    expect(parseSerial(`${'dnl x\n'.repeat(20)}# foo.m4 serial 9\n`)).toBeUndefined();
    expect(parseSerial('AC_DEFUN([X], [echo "# serial 9"])\n')).toBeUndefined();
  });
  it('handles CRLF line ends and Buffers', () => {
    expect(parseSerial(Buffer.from('# serial 8\r\nAC_DEFUN\r\n'))?.text).toBe('8');
  });
});

describe('normalise', () => {
  it('drops whole-line # and dnl comments, blank lines, and collapses whitespace', () => {
    const text = '# serial 5\ndnl Copyright 2024\ndnl\n\nAC_DEFUN([X],\n  [  a=1\t\tb=2  ])  \n';
    expect(normalise(text)).toBe('AC_DEFUN([X],\n[ a=1 b=2 ])');
  });
  it('keeps comments after code and dnl-prefixed identifiers', () => {
    expect(normalise('foo # not removed\ndnlx\n')).toBe('foo # not removed\ndnlx');
  });
  it('gives the same hash for comment/whitespace/CRLF-only differences, a different one for code', () => {
    const a = normalisedHash('# serial 1\nAC_DEFUN([X], [y])\n');
    expect(normalisedHash('# serial 30\r\ndnl new comment\n  AC_DEFUN([X],   [y])\r\n')).toBe(a);
    expect(normalisedHash('# serial 1\nAC_DEFUN([X], [z])\n')).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('scriptStamp', () => {
  it('reads config.guess timestamps and automake scriptversion', () => {
    expect(scriptStamp("#! /bin/sh\ntimestamp='2023-08-22'\n")).toEqual({ kind: 'timestamp', value: '2023-08-22' });
    expect(scriptStamp('#!/bin/sh\nscriptversion=2018-03-07.03; # UTC\n')).toEqual({ kind: 'scriptversion', value: '2018-03-07.03' });
    expect(scriptStamp('#!/bin/sh\necho hi\n')).toBeUndefined();
  });
});

describe('libtoolVersion', () => {
  it('classifies snapshot, distribution and release versions', () => {
    expect(libtoolVersion("macro_version='2.4.7.4-1ec8f-dirty'\n")).toEqual({ version: '2.4.7.4-1ec8f-dirty', kind: 'snapshot' });
    expect(libtoolVersion('VERSION="2.4.7 Debian-2.4.7-5"\n')).toEqual({ version: '2.4.7 Debian-2.4.7-5', kind: 'distribution' });
    expect(libtoolVersion('VERSION=2.4.7\n')).toEqual({ version: '2.4.7', kind: 'release' });
    expect(libtoolVersion('m4_define([LT_PACKAGE_VERSION], [2.4.6.42-b88ce])\n')?.kind).toBe('snapshot');
    expect(libtoolVersion('echo nothing\n')).toBeUndefined();
  });
});
