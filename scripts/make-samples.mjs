#!/usr/bin/env node
/**
 * Regenerates samples/ deterministically:
 *   samples/hello.bundle               git bundle of a small autotools-style project, tag v1.0
 *   samples/hello-1.0.tar.gz           its release tarball, as `make dist` would shape it
 *   samples/xzlike/hello-1.0.tar.gz    the same release with an xz-2024-shaped m4 macro added
 *
 * Everything is written here by hand (no upstream code): "generated" files imitate the shape of
 * autoconf/automake/gettext output. The malicious-looking macro is harmless: its pipeline only echoes.
 * Fixed dates, owners and ordering make the output byte-identical on every run with the same git/gzip.
 * Needs: git, tar (GNU), gzip, msgfmt (gettext).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'samples');
const work = mkdtempSync(join(tmpdir(), 'distdiff-samples-'));
const DATE0 = Date.parse('2024-02-01T10:00:00Z');
const env = (i) => ({
  ...process.env,
  GIT_AUTHOR_NAME: 'Hello Maintainer',
  GIT_AUTHOR_EMAIL: 'maintainer@hello.invalid',
  GIT_COMMITTER_NAME: 'Hello Maintainer',
  GIT_COMMITTER_EMAIL: 'maintainer@hello.invalid',
  GIT_AUTHOR_DATE: new Date(DATE0 + i * 86400_000).toISOString(),
  GIT_COMMITTER_DATE: new Date(DATE0 + i * 86400_000).toISOString(),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  TZ: 'UTC',
  LC_ALL: 'C',
});
const run = (cmd, args, cwd, i = 0, input) =>
  execFileSync(cmd, args, { cwd, env: env(i), encoding: 'utf8', input, stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });

function write(dir, files) {
  for (const [p, c] of Object.entries(files)) {
    const full = join(dir, p);
    mkdirSync(dirname(full), { recursive: true });
    if (c === null) rmSync(full, { force: true });
    else writeFileSync(full, c);
  }
}

// ---------------------------------------------------------------- the project in git
const repo = join(work, 'hello');
mkdirSync(repo);
run('git', ['-c', 'init.defaultBranch=main', 'init', '-q'], repo);

const PO_HEADER = (lang, date) => `# ${lang} translation for hello.
# This file is distributed under the same license as the hello package.
msgid ""
msgstr ""
"Project-Id-Version: hello 0.9\\n"
"Report-Msgid-Bugs-To: maintainer@hello.invalid\\n"
"POT-Creation-Date: ${date}\\n"
"PO-Revision-Date: 2024-01-20 12:00+0000\\n"
"Language: ${lang}\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
`;
const po = (lang, date, line, greet, bye) => `${PO_HEADER(lang, date)}
#: src/hello.c:${line}
msgid "Hello, world!"
msgstr "${greet}"

#: src/hello.c:${line + 1}
msgid "Goodbye."
msgstr "${bye}"
`;

const commits = [
  {
    msg: 'Initial import',
    files: {
      'README': 'hello: prints a greeting.\n\nBuild: ./configure && make\n',
      'COPYING': 'Permission is granted to use, copy, modify and distribute this sample freely.\n',
      'configure.ac': `AC_INIT([hello], [1.0], [maintainer@hello.invalid])
AC_CONFIG_AUX_DIR([build-aux])
AC_CONFIG_MACRO_DIR([m4])
AM_INIT_AUTOMAKE([foreign])
AC_PROG_CC
AM_GNU_GETTEXT([external])
AM_GNU_GETTEXT_VERSION([0.21])
AC_CONFIG_HEADERS([config.h])
AC_CONFIG_FILES([Makefile src/Makefile po/Makefile.in])
AC_OUTPUT
`,
      'Makefile.am': 'SUBDIRS = src po\nACLOCAL_AMFLAGS = -I m4\ndist_man_MANS = doc/hello.1\nEXTRA_DIST = tests/files/good-1.bin tests/test_files.sh\n',
      'src/Makefile.am': 'bin_PROGRAMS = hello\nhello_SOURCES = hello.c\n',
      'src/hello.c': '#include <config.h>\n#include <stdio.h>\n#include <libintl.h>\n#define _(s) gettext(s)\n\nint main(void)\n{\n  puts(_("Hello, world!"));\n  puts(_("Goodbye."));\n  return 0;\n}\n',
      'po/POTFILES.in': 'src/hello.c\n',
      'po/LINGUAS': 'de fr\n',
      'po/de.po': po('de', '2024-01-10 09:00+0000', 8, 'Hallo, Welt!', 'Auf Wiedersehen.'),
      'po/fr.po': po('fr', '2024-01-10 09:00+0000', 8, 'Bonjour, le monde !', 'Au revoir.'),
      'ChangeLog': 'The ChangeLog is generated from the git history by `make dist`.\n',
      '.gitignore': '*.o\n/configure\nMakefile.in\n/aclocal.m4\n',
      '.github/workflows/ci.yml': 'name: ci\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: autoreconf -fi && ./configure && make check\n',
      'm4/.gitignore': '*.m4\n',
    },
  },
  {
    msg: 'Add the manual page and the test fixtures',
    files: {
      'doc/hello.1.in': '.TH HELLO 1 "@DATE@" "hello @VERSION@"\n.SH NAME\nhello \\- print a greeting\n.SH SYNOPSIS\n.B hello\n',
      'tests/files/good-1.bin': Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04, 0xe6, 0xd6, 0xb4, 0x46, 0x02, 0x00, 0x21, 0x01, 0x16, 0x00, 0x00, 0x00, 0x74, 0x2f, 0xe5, 0xa3, 0x00, 0x00, 0x00, 0x00]),
      'tests/test_files.sh': '#!/bin/sh\n# Decode every good test file.\nfor f in "$srcdir"/files/good-*.bin; do test -s "$f" || exit 1; done\n',
    },
  },
  {
    msg: 'Release 1.0',
    files: {
      'NEWS': '1.0 (2024-02-04)\n\n  * First release.\n',
      'src/hello.c': '#include <config.h>\n#include <stdio.h>\n#include <libintl.h>\n#define _(s) gettext(s)\n\n/* hello 1.0 */\nint main(void)\n{\n  puts(_("Hello, world!"));\n  puts(_("Goodbye."));\n  return 0;\n}\n',
    },
  },
];
commits.forEach((c, i) => {
  write(repo, c.files);
  if (c.files['tests/test_files.sh']) chmodSync(join(repo, 'tests/test_files.sh'), 0o755);
  run('git', ['add', '-A'], repo, i + 1);
  run('git', ['commit', '-q', '-m', c.msg], repo, i + 1);
});
run('git', ['tag', '-a', '-m', 'hello 1.0', 'v1.0'], repo, 3);
const head = run('git', ['rev-parse', 'HEAD'], repo).trim();

// ---------------------------------------------------------------- the release tree (make dist)
function releaseTree(dir) {
  run('git', ['archive', '--format=tar', '--prefix=hello-1.0/', '-o', join(work, 'base.tar'), 'v1.0'], repo);
  mkdirSync(dir, { recursive: true });
  run('tar', ['-xf', join(work, 'base.tar'), '-C', dir]);
  const d = join(dir, 'hello-1.0');
  // git-only: files `make dist` does not ship
  for (const p of ['.gitignore', '.github', 'm4/.gitignore']) rmSync(join(d, p), { recursive: true, force: true });

  const log = run('git', ['log', '--format=commit %H%nAuthor: %an <%ae>%nDate:   %ad%n%n    %s%n', '--date=iso', 'v1.0'], repo);
  write(d, {
    'ChangeLog': log,
    'configure': `#! /bin/sh
# Guess values for system-dependent variables and create Makefiles.
# Generated by GNU Autoconf 2.72 for hello 1.0.
#
# Report bugs to <maintainer@hello.invalid>.
# (distdiff sample: a stand-in with the shape of autoconf output, written for the demo.)

PACKAGE_NAME='hello'
PACKAGE_VERSION='1.0'
ac_unique_file="src/hello.c"
ac_aux_dir=build-aux
srcdir=\${srcdir-.}

for ac_arg
do
  case $ac_arg in
    --prefix=*) prefix=\`expr "x$ac_arg" : 'x[^=]*=\\(.*\\)'\` ;;
    --help) echo "Usage: ./configure [OPTION]..."; exit 0 ;;
  esac
done

test -f "$srcdir/$ac_unique_file" || { echo "configure: error: cannot find sources" >&2; exit 1; }
echo "configure: creating ./config.status"
`,
    'Makefile.in': '# Makefile.in generated by automake 1.16.5 from Makefile.am.\n# (distdiff sample stand-in)\n\nSUBDIRS = src po\nACLOCAL_AMFLAGS = -I m4\ndist_man_MANS = doc/hello.1\n\nall: all-recursive\n',
    'src/Makefile.in': '# Makefile.in generated by automake 1.16.5 from Makefile.am.\n# (distdiff sample stand-in)\n\nbin_PROGRAMS = hello$(EXEEXT)\nhello_SOURCES = hello.c\n',
    'aclocal.m4': '# generated automatically by aclocal 1.16.5 -*- Autoconf -*-\n# (distdiff sample stand-in)\n\nm4_include([m4/gettext.m4])\n',
    'config.h.in': '/* config.h.in.  Generated from configure.ac by autoheader.  */\n\n/* Name of package */\n#undef PACKAGE\n\n/* Version number of package */\n#undef VERSION\n',
    'doc/hello.1': '.TH HELLO 1 "2024-02-04" "hello 1.0"\n.SH NAME\nhello \\- print a greeting\n.SH SYNOPSIS\n.B hello\n',
    'po/de.po': po('de', '2024-02-04 10:00+0000', 9, 'Hallo, Welt!', 'Auf Wiedersehen.'),
    'po/fr.po': po('fr', '2024-02-04 10:00+0000', 9, 'Bonjour, le monde !', 'Au revoir.'),
  });
  for (const lang of ['de', 'fr']) run('msgfmt', ['-o', join(d, `po/${lang}.gmo`), join(d, `po/${lang}.po`)], d);
  chmodSync(join(d, 'configure'), 0o755);
  return d;
}

function tarball(dir, name) {
  const tar = join(work, 'out.tar');
  mkdirSync(dirname(join(out, name)), { recursive: true });
  run('tar', ['--sort=name', '--mtime=2024-02-04 10:00Z', '--owner=0', '--group=0', '--numeric-owner', '--format=ustar', '-cf', tar, '-C', dir, 'hello-1.0']);
  execFileSync('sh', ['-c', `gzip -9 -n -c "${tar}" > "${join(out, name)}"`]);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
run('git', ['bundle', 'create', join(out, 'hello.bundle'), '--all'], repo);

const clean = join(work, 'clean');
releaseTree(clean);
tarball(clean, 'hello-1.0.tar.gz');

// ---------------------------------------------------------------- the xz-shaped variant
const bad = join(work, 'bad');
const d = releaseTree(bad);
write(d, {
  // A harmless imitation of the 2024 pattern: a "serial 30" build-to-host.m4 whose macro finds a
  // marker in the test files, un-swaps it with tr, decompresses it and evaluates it. Here every step
  // is inert: the final stage only echoes.
  'm4/build-to-host.m4': `# build-to-host.m4 serial 30
dnl Copyright (C) 2023-2024 Free Software Foundation, Inc.
dnl This file is free software; the Free Software Foundation
dnl gives unlimited permission to copy and/or distribute it.
dnl (distdiff sample: an inert imitation of the xz-utils 2024 macro.)

AC_DEFUN([gl_BUILD_TO_HOST],
[
  gl_final_[$1]="$[$1]"
  gl_[$1]_prefix=\`echo $gl_am_configmake | sed "s/.*\\.//g"\`
  gl_path_map='tr "\\t \\-_" " \\t_\\-"'
  if test "x$gl_am_configmake" != "x"; then
    gl_localedir_config='sed "r\\n" $gl_am_configmake | eval $gl_path_map | $gl_[$1]_prefix -d 2>/dev/null'
  else
    gl_localedir_config=''
  fi
  _LT_TAGDECL([], [gl_path_map], [2], [echo harmless])
  AC_CONFIG_COMMANDS([build-to-host], [eval $gl_config_gt | $SHELL 2>/dev/null], [gl_config_gt="echo distdiff-sample"])
])

AC_DEFUN([gl_BUILD_TO_HOST_INIT],
[
  gl_am_configmake=\`grep -aErls "#{4}[[:alnum:]]{5}#{4}$" $srcdir/ 2>/dev/null\`
  dnl the tests/files/ fixture carries the (here empty) payload
])
`,
  'aclocal.m4': '# generated automatically by aclocal 1.16.5 -*- Autoconf -*-\n# (distdiff sample stand-in)\n\nm4_include([m4/build-to-host.m4])\nm4_include([m4/gettext.m4])\n',
});
const cfg = readFileSync(join(d, 'configure'), 'utf8').replace(
  'echo "configure: creating ./config.status"',
  `gl_am_configmake=\`grep -aErls "#{4}[[:alnum:]]{5}#{4}$" $srcdir/ 2>/dev/null\`
gl_path_map='tr "\\t \\-_" " \\t_\\-"'
gl_localedir_prefix=\`echo $gl_am_configmake | sed "s/.*\\.//g"\`
gl_localedir_config='sed "r\\n" $gl_am_configmake | eval $gl_path_map | $gl_localedir_prefix -d 2>/dev/null'
echo "configure: creating ./config.status"`,
);
write(d, { configure: cfg });
chmodSync(join(d, 'configure'), 0o755);
tarball(bad, 'xzlike/hello-1.0.tar.gz');

rmSync(work, { recursive: true, force: true });
console.log(`samples regenerated in ${out} (tag v1.0 → ${head})`);
for (const f of ['hello.bundle', 'hello-1.0.tar.gz', 'xzlike/hello-1.0.tar.gz']) {
  const sha = execFileSync('sha256sum', [join(out, f)], { encoding: 'utf8' }).split(' ')[0];
  console.log(`  ${sha}  ${f}`);
}
