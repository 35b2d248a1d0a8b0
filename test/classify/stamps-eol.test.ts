import { describe, expect, it } from 'vitest';
import { lineEndingsClassifier } from '../../src/classify/line-endings.js';
import { stampOnlyChanges, stampsClassifier } from '../../src/classify/stamps.js';
import { diffOf, makeCtx } from './ctx-helper.js';

async function stamp(git: string, tarball: string, version = '5.6.1') {
  const ctx = makeCtx({ git: { f: git }, tarball: { f: tarball }, revision: { version } });
  return stampsClassifier.classify(diffOf(ctx, 'f'), ctx);
}

describe('stampsClassifier', () => {
  it('explains man page .TH and version define stamps, with tarball line numbers', async () => {
    const git = '.\\" comment\n.TH XZ 1 "2023-01-01" "Tukaani" "XZ Utils 5.6.0"\n.SH NAME\n';
    const tar = '.\\" comment\n.TH XZ 1 "2024-03-09" "Tukaani" "XZ Utils 5.6.1"\n.SH NAME\n';
    expect(await stamp(git, tar)).toEqual({ code: 'VERSION_STAMP', path: 'f', severity: 'low', evidence: { version: '5.6.1', lines: [2] } });
    expect(await stamp('#define VERSION "@VERSION@"\nint x;\n', '#define VERSION "5.6.1"\nint x;\n')).toMatchObject({
      evidence: { version: '5.6.1', lines: [1] },
    });
  });
  it('explains texinfo and prose dates without a version', async () => {
    expect(await stamp('@set UPDATED 1 January 2023\n@set UPDATED-MONTH January 2023\n', '@set UPDATED 9 March 2024\n@set UPDATED-MONTH March 2024\n', '')).toEqual({
      code: 'VERSION_STAMP', path: 'f', severity: 'low', evidence: { lines: [1, 2] },
    });
  });
  it('refuses when anything else changed on the line or elsewhere', async () => {
    expect(await stamp('#define VERSION "5.6.0" /* max 10 */\n', '#define VERSION "5.6.1" /* max 11 */\n')).toBeUndefined();
    expect(await stamp('x = 1.5; /* 5.6.0 */\n', 'x = 2.5; /* 5.6.1 */\n')).toBeUndefined();
    expect(await stamp('a\nVERSION=5.6.0\n', 'a\nVERSION=5.6.1\nrm -rf /tmp/x\n')).toBeUndefined();
    expect(await stamp('timeout = 10\n', 'timeout = 99\n')).toBeUndefined();
  });
  it('requires the release version itself, not just any version', async () => {
    expect(await stamp('VERSION=5.6.0\n', 'VERSION=9.9.9\n')).toBeUndefined();
  });
  // libssh2 1.10.0's maketgz: sed rewrites the version defines (collapsing their alignment), the numbers in parts and
  // as 0xMMmmpp, and the timestamp from `date`.
  const SSH_GIT = ['#define LIBSSH2_VERSION                             "1.9.0_DEV"', '#define LIBSSH2_VERSION_MAJOR                       1', '#define LIBSSH2_VERSION_MINOR                       9', '#define LIBSSH2_VERSION_PATCH                       0', 'int x;', '#define LIBSSH2_VERSION_NUM                         0x010900', '#define LIBSSH2_TIMESTAMP "DEV"', ''].join('\n');
  const SSH_TAR = ['#define LIBSSH2_VERSION "1.10.0"', '#define LIBSSH2_VERSION_MAJOR 1', '#define LIBSSH2_VERSION_MINOR 10', '#define LIBSSH2_VERSION_PATCH 0', 'int x;', '#define LIBSSH2_VERSION_NUM 0x010a00', '#define LIBSSH2_TIMESTAMP "Sun 29 Aug 2021 08:37:50 PM UTC"', ''].join('\n');
  const ssh = (tar: string) => {
    const ctx = makeCtx({ git: { f: SSH_GIT }, tarball: { f: tar }, revision: { version: '1.10.0', date: '2021-08-29T20:00:00Z' } });
    return stampsClassifier.classify(diffOf(ctx, 'f'), ctx);
  };
  it("a release script's version defines: alignment collapsed, the version's parts and 0xMMmmpp, a `date` timestamp (libssh2 1.10.0)", async () => {
    expect(await ssh(SSH_TAR)).toEqual({ code: 'VERSION_STAMP', path: 'f', severity: 'low', evidence: { version: '1.10.0', lines: [1, 2, 3, 4, 6, 7] } });
    // What a tamperer would change instead: a part that is not the version's, another encoded number, a blank
    // removed inside a token's place, code beside the timestamp — each is no stamp.
    expect(await ssh(SSH_TAR.replace('MINOR 10', 'MINOR 11'))).toBeUndefined();
    expect(await ssh(SSH_TAR.replace('0x010a00', '0x010b00'))).toBeUndefined();
    expect(await ssh(SSH_TAR.replace('#define LIBSSH2_VERSION_MAJOR 1', '#define LIBSSH2_VERSION_MAJOR1'))).toBeUndefined();
    expect(await ssh(SSH_TAR.replace('08:37:50 PM UTC"', '08:37:50 PM UTC" ; system("x")'))).toBeUndefined();
    expect(await ssh(SSH_TAR.replace('int x;', 'int x = 10;'))).toBeUndefined();
  });
  it("the version's numbers only where a line names the version, going forward (red team: a constant set to the version's encoding)", async () => {
    // What a tamperer would change: a constant of code set to the release's encoding (xz 5.4.1's
    // `LZMA_PRESET_LEVEL_MASK UINT32_C(0x1F)` → 0x050401 was VERSION_STAMP low, exit 0), a number on a line
    // that merely contains "patch"/"minor" (dispatch), an encoded version moved backwards, a decimal made hex.
    expect(await stamp('#define LZMA_PRESET_LEVEL_MASK  UINT32_C(0x1F)\n', '#define LZMA_PRESET_LEVEL_MASK  UINT32_C(0x050401)\n', '5.4.1')).toBeUndefined();
    expect(await stamp('#define BUF_MAX 4096\n', '#define BUF_MAX 50401\n', '5.4.1')).toBeUndefined();
    expect(await ssh(SSH_TAR.replace('int x;', 'int x = 11000;'))).toBeUndefined();
    expect(await stamp('if (dispatch_depth > 16) abort();\n', 'if (dispatch_depth > 1) abort();\n', '5.4.1')).toBeUndefined();
    expect(await stamp('if (__GNUC_MINOR__ >= 3)\n', 'if (__GNUC_MINOR__ >= 4)\n', '5.4.1')).toBeUndefined();
    expect(await stamp('#define X_VERSION_NUM 0x060000\n', '#define X_VERSION_NUM 0x050401\n', '5.4.1')).toBeUndefined();
    expect(await stamp('#define X_VERSION_NUM 50300\n', '#define X_VERSION_NUM 0x050401\n', '5.4.1')).toBeUndefined();
    // The release's own: a part named beside a version word, an encoding that moved forward.
    expect(await stamp('#define JSON_C_MINOR_VERSION 3\n', '#define JSON_C_MINOR_VERSION 4\n', '5.4.1')).toMatchObject({ code: 'VERSION_STAMP', evidence: { lines: [1] } });
    expect(await stamp('set(X_VERSION_NUM 50300) # 0x1F\n', 'set(X_VERSION_NUM 50401) # 0x1F\n', '5.4.1')).toMatchObject({ code: 'VERSION_STAMP', evidence: { lines: [1] } });
    expect(await stamp('set(X_VERSION_NUM 50300) # 0x1F\n', 'set(X_VERSION_NUM 50401) # 0x2F\n', '5.4.1')).toBeUndefined();
  });
  it('exposes the line check', () => {
    expect(stampOnlyChanges('a\nb 2023-01-01\nc\n', 'a\nb 2024-03-09\nc\n')).toEqual({ lines: [2], versionSeen: false });
  });
});

describe('lineEndingsClassifier', () => {
  async function eol(git: string | Buffer, tarball: string | Buffer) {
    const ctx = makeCtx({ git: { f: git }, tarball: { f: tarball } });
    return lineEndingsClassifier.classify(diffOf(ctx, 'f'), ctx);
  }
  it('explains CRLF in the tarball and in git', async () => {
    expect(await eol('a\nb\n', 'a\r\nb\r\n')).toEqual({ code: 'LINE_ENDINGS_ONLY', path: 'f', severity: 'info', evidence: { from: 'lf', to: 'crlf' } });
    expect(await eol('a\r\nb\r\n', 'a\nb\n')).toMatchObject({ evidence: { from: 'crlf', to: 'lf' } });
  });
  it('refuses other changes and unretained content', async () => {
    expect(await eol('a\nb\n', 'a\r\nc\r\n')).toBeUndefined();
    expect(await eol('a\rb\n', 'a\nb\n')).toBeUndefined();
    const ctx = makeCtx({ git: { f: 'a\n' }, tarball: { f: 'a\r\n' }, withheld: ['f'] });
    expect(await lineEndingsClassifier.classify(diffOf(ctx, 'f'), ctx)).toBeUndefined();
  });
  // A tamperer's line-ending "conversion": CR on one line of a build script (`ENABLE_SANDBOX=yes\r` is no longer
  // "yes" to sh), or a whole shell script made CRLF. A converter converts every line; only Windows files gain CRLF.
  it('refuses a partial conversion and CRLF given to a shell script or makefile; Windows files may gain it', async () => {
    const named = async (path: string, git: string, tarball: string) => {
      const ctx = makeCtx({ git: { [path]: git }, tarball: { [path]: tarball } });
      return lineEndingsClassifier.classify(diffOf(ctx, path), ctx);
    };
    expect(await eol('a\nENABLE_SANDBOX=yes\nb\n', 'a\nENABLE_SANDBOX=yes\r\nb\n')).toBeUndefined();
    expect(await eol('a\r\nb\r\nc\r\n', 'a\nb\r\nc\n')).toBeUndefined();
    expect(await named('build-aux/check.sh', 'x=yes\ntest "$x" = yes\n', 'x=yes\r\ntest "$x" = yes\r\n')).toBeUndefined();
    expect(await named('configure.ac', 'AC_INIT\n', 'AC_INIT\r\n')).toBeUndefined();
    expect(await named('build-aux/check.sh', 'x=yes\r\n', 'x=yes\n')).toMatchObject({ code: 'LINE_ENDINGS_ONLY', evidence: { to: 'lf' } });
    expect(await named('winbuild/build.bat', '@echo off\n', '@echo off\r\n')).toMatchObject({ code: 'LINE_ENDINGS_ONLY', evidence: { to: 'crlf' } });
    expect(await named('doc/notes.txt', 'a\nb\n', 'a\r\nb\r\n')).toMatchObject({ code: 'LINE_ENDINGS_ONLY', evidence: { to: 'crlf' } });
  });
  it('refuses when the mode changed too', async () => {
    const ctx = makeCtx({ git: { f: 'a\n' }, tarball: { f: 'a\r\n' } });
    const d = { ...diffOf(ctx, 'f'), changes: ['content', 'mode'] as ('content' | 'mode')[] };
    expect(await lineEndingsClassifier.classify(d, ctx)).toBeUndefined();
  });
});
