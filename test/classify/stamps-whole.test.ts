/**
 * Version and date stamps (issue 11 c): whole-file stamps, variables replaced by the literal version, a
 * URL gaining ?h=<tag> — and the counter-rule: a "stamp" that changes anything else is not one.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stampOnlyChanges, stampsClassifier, wholeFileStamp } from '../../src/classify/stamps.js';
import { gitHistory } from '../../src/git/history.js';
import { makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { makeCtx } from './ctx-helper.js';

const DATE = '2022-04-15T21:40:02+00:00';

describe('whole-file stamps', () => {
  it.each([
    ['.tarball-version', '9.1\n'],
    ['.version', 'v9.1\n'],
    ['.timestamp', '1650058802\n'],
    ['doc/version.texi', '@set UPDATED 15 April 2022\n@set UPDATED-MONTH April 2022\n@set EDITION 9.1\n@set VERSION 9.1\n'],
    ['docs/version.xml', '9.1\n'],
  ])('%s is a stamp', (_, text) => {
    expect(wholeFileStamp(text, '9.1', 'v9.1', DATE)).toBe(true);
  });
  it.each([
    ['another version', '9.2\n'],
    ['a date far from the tag', '@set UPDATED 15 April 2019\n@set VERSION 9.1\n'],
    ['a time far from the tag', '1450058802\n'],
    ['anything else next to the version', '9.1\nrm -rf /\n'],
    ['a command carrying the version', 'echo 9.1\n'],
    ['nothing masked', 'hello\n'],
  ])('%s is not', (_, text) => {
    expect(wholeFileStamp(text, '9.1', 'v9.1', DATE)).toBe(false);
  });

  it('the classifier explains a tarball-only stamp file as VERSION_STAMP (low, explained)', async () => {
    const ctx = makeCtx({ git: {}, tarball: { '.tarball-version': '9.1\n', 'payload.bin': '9.1 and more\n' }, revision: { version: '9.1', tag: 'v9.1', date: DATE } });
    const [a, b] = ctx.diffs;
    expect(await stampsClassifier.classify(a!, ctx)).toEqual({ code: 'VERSION_STAMP', path: '.tarball-version', severity: 'low', evidence: { version: '9.1', lines: [1] } });
    expect(await stampsClassifier.classify(b!, ctx)).toBeUndefined();
  });
});

describe('changed-line stamps', () => {
  it('a CMake variable replaced by the literal version is a stamp (it was reported critical)', () => {
    expect(stampOnlyChanges('SET(X_VERSION "${PROJECT_VERSION}")\n', 'SET(X_VERSION "2.5.0")\n', '2.5.0')).toEqual({ lines: [1], versionSeen: true });
    expect(stampOnlyChanges('V = $(VERSION)\n', 'V = 2.5.0\n', '2.5.0')).toEqual({ lines: [1], versionSeen: true });
  });
  it('the tag itself counts as the version; a URL may gain ?h=<tag>', () => {
    expect(stampOnlyChanges('Release R_2_4_9\n', 'Release R_2_5_0\n', '2.5.0', 'R_2_5_0')).toEqual({ lines: [1], versionSeen: true });
    expect(stampOnlyChanges('see https://git.example.org/cgit/foo.git/tree/NEWS\n', 'see https://git.example.org/cgit/foo.git/tree/NEWS?h=v2.5.0\n', '2.5.0', 'v2.5.0')).toEqual({ lines: [1], versionSeen: true });
  });
  it('a "stamp" that also changes a URL host, a flag or code is not one', () => {
    expect(stampOnlyChanges('get https://example.org/foo-2.4.9.tar.gz\n', 'get https://example-mirror.net/foo-2.5.0.tar.gz\n', '2.5.0')).toBeUndefined();
    expect(stampOnlyChanges('CFLAGS = -O2 # 2.4.9\n', 'CFLAGS = -O0 # 2.5.0\n', '2.5.0')).toBeUndefined();
    expect(stampOnlyChanges('SET(X_VERSION "${PROJECT_VERSION}")\n', 'SET(X_VERSION "2.5.0") ; execute_process(COMMAND sh x)\n', '2.5.0')).toBeUndefined();
  });
  // What a tamperer would change under a stamp's cover: a variable that is not a version (the hardening flags
  // replaced by the version drops them), a date far from the release (an expiry moved). Both stay changes.
  it('only a version or date variable may become the version; any other variable is a change', () => {
    expect(stampOnlyChanges('set(HARDEN ${HARDENING_FLAGS})\n', 'set(HARDEN 2.5.0)\n', '2.5.0')).toBeUndefined();
    expect(stampOnlyChanges('LIBS = $(SECURITY_LIBS)\n', 'LIBS = 2.5.0\n', '2.5.0')).toBeUndefined();
    expect(stampOnlyChanges('URL = @SERVER_URL@\n', 'URL = 2.5.0\n', '2.5.0')).toBeUndefined();
    expect(stampOnlyChanges('project(x VERSION ${PROJECT_VERSION_MAJOR}.0)\n', 'project(x VERSION 2.5.0)\n', '2.5.0')).toBeUndefined();
    expect(stampOnlyChanges('V = @PACKAGE_VERSION@\n', 'V = 2.5.0\n', '2.5.0')).toEqual({ lines: [1], versionSeen: true });
    expect(stampOnlyChanges('D = $(RELEASE_DATE)\n', 'D = 2024-03-01\n', '2.5.0', 'v2.5.0', '2024-03-02T10:00:00Z')).toEqual({ lines: [1], versionSeen: false });
  });
  it("with the tag's date, a date is a stamp only within 60 days of it", () => {
    const release = '2024-03-02T10:00:00Z';
    expect(stampOnlyChanges('set(EXPIRY "2030-01-01")\n', 'set(EXPIRY "2020-01-01")\n', '2.5.0', 'v2.5.0', release)).toBeUndefined();
    // an expiry moved to the release's date is no stamp either (red team 28): git's date is years after the tag's
    expect(stampOnlyChanges('set(EXPIRY "2030-01-01")\n', 'set(EXPIRY "2024-03-01")\n', '2.5.0', 'v2.5.0', release)).toBeUndefined();
    expect(stampOnlyChanges('set(RELEASE_DATE "2023-11-20")\n', 'set(RELEASE_DATE "2024-03-01")\n', '2.5.0', 'v2.5.0', release, 'CMakeLists.txt')).toEqual({ lines: [1], versionSeen: false });
    expect(stampOnlyChanges('.TH x 1 "1 Jan 2020" "x 2.4" "X Manual"\n', '.TH x 1 "1 Jan 2019" "x 2.5.0" "X Manual"\n', '2.5.0', 'v2.5.0', release)).toBeUndefined();
    expect(stampOnlyChanges('.TH x 1 "1 Jan 2020" "x 2.4" "X Manual"\n', '.TH x 1 "March 1, 2024" "x 2.5.0" "X Manual"\n', '2.5.0', 'v2.5.0', release)).toEqual({ lines: [1], versionSeen: true });
  });
  it('red team 28: a bound, a requirement, a value going backwards or a line naming no version/date field is no stamp', () => {
    const release = '2023-01-11T14:00:00Z';
    const stamp = (g: string, t: string, path?: string) => stampOnlyChanges(`a\n${g}\nb\n`, `a\n${t}\nb\n`, '5.4.1', 'v5.4.1', release, path);
    // a file that builds or runs: a literal value must stand in a version/date field and name no bound
    for (const [g, t] of [
      ['MIN_LIBVER = "5.4.0"', 'MIN_LIBVER = "5.4.1"'],
      ['AC_PREREQ([2.69])', 'AC_PREREQ([5.4.1])'],
      ['AM_GNU_GETTEXT_REQUIRE_VERSION([0.19.6])', 'AM_GNU_GETTEXT_REQUIRE_VERSION([5.4.1])'],
      ['timeout = 5.4', 'timeout = 5.4.1'],
      ['openssl_min = "3.0.7"', 'openssl_min = "5.4.1"'],
      ['not_after = 2022-12-01T00:00:00Z', 'not_after = 2023-01-11T00:00:00Z'],
    ]) expect({ g, r: stamp(g!, t!, 'configure.ac') }).toEqual({ g, r: undefined });
    // in any file: a requirement, a version going backwards, a date years after the tag's moved to the release's
    for (const [g, t] of [
      ['PKG_CHECK_MODULES([X], [libfoo >= 6.2.0])', 'PKG_CHECK_MODULES([X], [libfoo >= 5.4.1])'],
      ['Requires: liblzma >= 5.2.0', 'Requires: liblzma >= 5.4.1'],
      ['This is XZ Utils 5.6.0', 'This is XZ Utils 5.4.1'],
      ['#define CERT_EXPIRES "March 2030"', '#define CERT_EXPIRES "January 2023"'],
    ]) expect({ g, r: stamp(g!, t!, 'README') }).toEqual({ g, r: undefined });
    // the legitimate shapes stay stamps: an earlier value of the release's own field
    for (const [g, t, path] of [
      ['#define LZMA_VERSION_STRING "5.4.0"', '#define LZMA_VERSION_STRING "5.4.1"', 'src/liblzma/api/lzma/version.h'],
      ['#define LIBSSH2_VERSION "1.9.0_DEV"', '#define LIBSSH2_VERSION "5.4.1"', 'include/libssh2.h'],
      ['AC_INIT([xz], [5.4.0])', 'AC_INIT([xz], [5.4.1])', 'configure.ac'],
      ['.TH XZ 1 "2022-11-09" "Tukaani" "XZ Utils 5.4.0"', '.TH XZ 1 "2023-01-11" "Tukaani" "XZ Utils 5.4.1"', 'src/xz/xz.1'],
      ['This is XZ Utils 5.4.0', 'This is XZ Utils 5.4.1', 'README'],
      ['Last updated 2022-11-30', 'Last updated 2023-01-11', 'README'],
    ] as const) expect({ g, r: stamp(g, t, path) }).toEqual({ g, r: { lines: [2], versionSeen: expect.any(Boolean) } });
  });
  // curl's maketgz: the -DEV suffix dropped, "[unreleased]" dated, a version macro spelled out, and each man
  // page's .TH line re-dated with an empty line after it.
  it('release scripts: -DEV dropped, [unreleased] dated, a version macro spelled out, a blank line beside a .TH', () => {
    const git = '#define LIBCURL_VERSION "8.14.1-DEV"\nx\n#define LIBCURL_TIMESTAMP "[unreleased]"\n';
    const tar = '#define LIBCURL_VERSION "8.14.1"\nx\n#define LIBCURL_TIMESTAMP "2025-06-04"\n';
    expect(stampOnlyChanges(git, tar, '8.14.1', 'curl-8_14_1')).toEqual({ lines: [1, 3], versionSeen: true });
    expect(stampOnlyChanges('#define CURL_VERSION LIBCURL_VERSION\n', '#define CURL_VERSION "8.14.1"\n', '8.14.1')).toEqual({ lines: [1], versionSeen: true });
    const th = '.\\"\n.TH curl_easy_cleanup 3 "22 Aug 2007" "libcurl 7.17.0" "libcurl Manual"\n.SH NAME\n';
    const thTar = '.\\"\n.TH curl_easy_cleanup 3 "January 02, 2023" "libcurl 7.88.1" "libcurl Manual"\n\n.SH NAME\n';
    expect(stampOnlyChanges(th, thTar, '7.88.1')).toEqual({ lines: [2], versionSeen: true });
    // the source field gains the version it did not have
    expect(stampOnlyChanges('.TH curl_url 3 "6 Aug 2018" "libcurl" "libcurl Manual"\n', '.TH curl_url 3 "January 02, 2023" "libcurl 7.88.1" "libcurl Manual"\n', '7.88.1')).toEqual({ lines: [1], versionSeen: true });
  });
  it('a .TH restamp may not change the title, section, manual or the source beyond the version', () => {
    const g = '.TH curl_url 3 "6 Aug 2018" "libcurl" "libcurl Manual"\n';
    expect(stampOnlyChanges(g, '.TH curl_evil 3 "January 02, 2023" "libcurl 7.88.1" "libcurl Manual"\n', '7.88.1')).toBeUndefined();
    expect(stampOnlyChanges(g, '.TH curl_url 8 "January 02, 2023" "libcurl 7.88.1" "libcurl Manual"\n', '7.88.1')).toBeUndefined();
    expect(stampOnlyChanges(g, '.TH curl_url 3 "January 02, 2023" "libcurl 7.88.1" "Evil Manual"\n', '7.88.1')).toBeUndefined();
    expect(stampOnlyChanges(g, '.TH curl_url 3 "January 02, 2023" "evilcurl 7.88.1" "libcurl Manual"\n', '7.88.1')).toBeUndefined();
    expect(stampOnlyChanges(g, '.TH curl_url 3 "soon" "libcurl 7.88.1" "libcurl Manual"\n', '7.88.1')).toBeUndefined();
  });
  it('those allowances do not stretch: a macro becoming another value, a non-blank added line, a blank-only hunk', () => {
    // the macro replaced by something other than the quoted release version
    expect(stampOnlyChanges('#define CURL_VERSION LIBCURL_VERSION\n', '#define CURL_VERSION "8.14.2"\n', '8.14.1')).toBeUndefined();
    // the version's own macro name rewritten too (both identifiers would have to go)
    expect(stampOnlyChanges('#define CURL_VERSION LIBCURL_VERSION\n', '#define X "8.14.1"\n', '8.14.1')).toBeUndefined();
    // a stamp plus an added line of code
    expect(stampOnlyChanges('.TH x 1 "2007" "x 1.0"\n.SH NAME\n', '.TH x 1 "January 02, 2023" "x 7.88.1"\nsystem("sh")\n.SH NAME\n', '7.88.1')).toBeUndefined();
    // a blank line after a backslash-continued stamp line would split the command in two
    expect(stampOnlyChanges('V=1.0 \\\n  rm -rf x\n', 'V=7.88.1 \\\n\n  rm -rf x\n', '7.88.1')).toBeUndefined();
    expect(stampOnlyChanges('V=1.0\n  rm -rf x\n', 'V=7.88.1\n\n  rm -rf x\n', '7.88.1')).toEqual({ lines: [1], versionSeen: true });
    // only a blank line added: nothing stamped
    expect(stampOnlyChanges('a\nb\n', 'a\n\nb\n', '7.88.1')).toBeUndefined();
    // [unreleased] turned into something that is not a date
    expect(stampOnlyChanges('#define TS "[unreleased]"\n', '#define TS "8.14.1; rm -rf /"\n', '8.14.1')).toBeUndefined();
  });
});

// jemalloc 5.3.0's VERSION: `git describe --long --abbrev=40` of the release commit, written by its autogen/configure.
describe('a whole-file `git describe` of the revision', () => {
  const r = makeRepo(join(tempDir(), 'repo'));
  r.commit({ 'a.c': 'a\n' }, 'first', '2022-05-01T00:00:00Z');
  r.tag('5.2.1');
  r.commit({ 'b.c': 'b\n' }, 'second', '2022-05-02T00:00:00Z');
  const head = r.commit({ 'c.c': 'c\n' }, 'release', '2022-05-06T00:00:00Z');
  r.tag('5.3.0');
  const run = async (text: string) => {
    const ctx = { ...makeCtx({ git: {}, tarball: { VERSION: text }, revision: { commit: head, version: '5.3.0', tag: '5.3.0' } }), history: gitHistory(join(r.dir, '.git'), head) };
    return stampsClassifier.classify(ctx.diffs[0]!, ctx);
  };
  it('is a stamp when the tag, the distance and the commit are the revision\'s', async () => {
    expect(await run(`5.3.0-0-g${head}\n`)).toEqual({ code: 'VERSION_STAMP', path: 'VERSION', severity: 'low', evidence: { version: '5.3.0', lines: [1] } });
    expect(await run(`5.2.1-2-g${head.slice(0, 12)}\n`)).toMatchObject({ code: 'VERSION_STAMP' });
  });
  it('is not when a tamperer changes the distance, the commit, or adds a line', async () => {
    expect(await run(`5.3.0-1-g${head}\n`)).toBeUndefined();
    expect(await run(`5.3.0-0-g${'0'.repeat(40)}\n`)).toBeUndefined();
    expect(await run(`5.3.0-0-g${head}\nrm -rf /\n`)).toBeUndefined();
  });
});
