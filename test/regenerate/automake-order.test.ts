/**
 * Pure parts of the Makefile.in comparison: automake's hash-ordered LIBOBJS dirstamp rules (libtool 2.4.7's
 * lt__argz / lt__strl / lt__dirent, regenerated with the same automake 1.16.3 in another order), Debian's
 * autoconf 2.69 runstatedir line, DIST_COMMON's words, and aclocal's -I dirs above the configure directory.
 */
import { describe, expect, it } from 'vitest';
import { sameUpToRuleOrder } from '../../src/regenerate/automake-order.js';
import { undoArflagsCr, undoGzipEval, undoRunstatedirMakefile } from '../../src/regenerate/distro-patches.js';
import { aclocalIncludes, distCommonWords, inTreeOf } from '../../src/regenerate/regenerate.js';

const RULES = (order: string[]) => order.flatMap((n) => [`libltdl/${n}.$(OBJEXT): libltdl/$(am__dirstamp)`, `libltdl/${n}.lo: libltdl/$(am__dirstamp)`]);
const MAKEFILE = (order: string[]) => ['libltdl/dyld.la: $(libltdl_dyld_la_OBJECTS)', '\t$(AM_V_CCLD)$(libltdl_dyld_la_LINK)', ...RULES(order), 'libltdl/loaders/libltdl_la-preopen.lo:  \\', ''].join('\n');

describe('sameUpToRuleOrder', () => {
  it('accepts the same dirstamp rules in another order, and says how many lines moved', () => {
    expect(sameUpToRuleOrder(MAKEFILE(['lt__dirent', 'lt__strl', 'lt__argz']), MAKEFILE(['lt__argz', 'lt__strl', 'lt__dirent']))).toEqual({ kind: 'automake-rule-order', args: { lines: 4 } });
  });

  it('refuses identical text, a changed rule, an added rule, and reordered lines that are not dirstamp rules', () => {
    const made = MAKEFILE(['lt__dirent', 'lt__strl', 'lt__argz']);
    expect(sameUpToRuleOrder(made, made)).toBeUndefined();
    expect(sameUpToRuleOrder(made, MAKEFILE(['lt__argz', 'lt__strl', 'lt__evil']))).toBeUndefined();
    expect(sameUpToRuleOrder(made, made.replace('libltdl/lt__strl.lo: libltdl/$(am__dirstamp)', 'libltdl/lt__strl.lo: libltdl/$(am__dirstamp) evil.o'))).toBeUndefined();
    expect(sameUpToRuleOrder(made, made.replace('libltdl/lt__argz.lo: libltdl/$(am__dirstamp)\n', 'libltdl/lt__argz.lo: libltdl/$(am__dirstamp)\nlibltdl/x.lo: libltdl/$(am__dirstamp)\n'))).toBeUndefined();
    const flags = 'CFLAGS = -O2\nLDFLAGS = -s\n';
    expect(sameUpToRuleOrder(flags, 'LDFLAGS = -s\nCFLAGS = -O2\n')).toBeUndefined();
  });
});

describe('sameUpToRuleOrder: the empty rules of conditionally defined targets (gettext 0.21 intl/Makefile.in)', () => {
  const made = '@PRELOADABLE_LIBINTL_FALSE@@USE_INCLUDED_LIBINTL_FALSE@install-exec-local:\n@PACKAGE_IS_GETTEXT_TOOLS_FALSE@@PRELOADABLE_LIBINTL_FALSE@@USE_INCLUDED_LIBINTL_FALSE@uninstall-local:\n@PACKAGE_IS_GETTEXT_TOOLS_FALSE@@USE_INCLUDED_LIBINTL_FALSE@install-data-local:\nclean: clean-am\n';
  const lines = made.split('\n');
  const swapped = [lines[0], lines[2], lines[1], ...lines.slice(3)].join('\n');
  it('accepts them in another order within their run', () => {
    expect(sameUpToRuleOrder(made, swapped)).toEqual({ kind: 'automake-rule-order', args: { lines: 2 } });
  });
  it('refuses a recipe or a prerequisite added to one, a changed condition, and a line moved out of the run', () => {
    expect(sameUpToRuleOrder(made, swapped.replace('install-data-local:\n', 'install-data-local: evil\n'))).toBeUndefined();
    expect(sameUpToRuleOrder(made, swapped.replace('@PACKAGE_IS_GETTEXT_TOOLS_FALSE@@USE', '@PACKAGE_IS_GETTEXT_TOOLS_TRUE@@USE'))).toBeUndefined();
    expect(sameUpToRuleOrder(made, [lines[1], lines[0], lines[3], lines[2], ...lines.slice(4)].join('\n'))).toBeUndefined();
  });
});

describe('undoRunstatedirMakefile', () => {
  const plain = 'prefix = @prefix@\nprogram_transform_name = @program_transform_name@\npsdir = @psdir@\nsbindir = @sbindir@\nsrcdir = @srcdir@\n';
  const debian = plain.replace('psdir = @psdir@\n', 'psdir = @psdir@\nrunstatedir = @runstatedir@\n');
  it('removes the one line Debian autoconf 2.69 adds, in its sorted place', () => {
    expect(undoRunstatedirMakefile(debian)?.text).toBe(plain);
    expect(undoRunstatedirMakefile(debian)?.normalisation).toEqual({ kind: 'debian-runstatedir-makefile', args: {} });
  });
  it('does nothing without the line, with it twice, or elsewhere', () => {
    expect(undoRunstatedirMakefile(plain)).toBeUndefined();
    expect(undoRunstatedirMakefile(debian + debian)).toBeUndefined();
    expect(undoRunstatedirMakefile(plain.replace('srcdir = @srcdir@\n', 'srcdir = @srcdir@\nrunstatedir = @runstatedir@\n'))).toBeUndefined();
  });
  it('finds its sorted place whatever the neighbours (gpgme 1.18.0: after pythondir), and nowhere else', () => {
    const python = plain.replace('psdir = @psdir@\n', 'psdir = @psdir@\npyexecdir = @pyexecdir@\npythondir = @pythondir@\n');
    const shipped = python.replace('pythondir = @pythondir@\n', 'pythondir = @pythondir@\nrunstatedir = @runstatedir@\n');
    expect(undoRunstatedirMakefile(shipped)).toEqual({ text: python, normalisation: { kind: 'debian-runstatedir-makefile', args: {} } });
    // What a tamperer would change: the line out of its sorted place, next to a non-substitution line, or a
    // neighbour that is not `NAME = @NAME@` — nothing is undone, so the difference stays.
    expect(undoRunstatedirMakefile(python.replace('prefix = @prefix@\n', 'prefix = @prefix@\nrunstatedir = @runstatedir@\n'))).toBeUndefined();
    expect(undoRunstatedirMakefile(python.replace('pythondir = @pythondir@\n', 'pythondir = @pythondir@\nrunstatedir = @runstatedir@\nCFLAGS += -O0\n'))).toBeUndefined();
    expect(undoRunstatedirMakefile(python.replace('pythondir = @pythondir@\n', 'pythondir = @evil@\nrunstatedir = @runstatedir@\n'))).toBeUndefined();
    expect(undoRunstatedirMakefile('runstatedir = @runstatedir@\nsbindir = @sbindir@\n')).toBeUndefined();
  });
});

describe('undoArflagsCr (automake 1.16.90\'s `ARFLAGS = cr` default in an earlier automake: a distribution\'s backport)', () => {
  const made = 'AR = ar\nARFLAGS = cru\nAM_V_AR = $(am__v_AR_@AM_V@)\n';
  const shipped = made.replace('ARFLAGS = cru', 'ARFLAGS = cr');
  it('puts the one line back as the GNU release writes it', () => {
    expect(undoArflagsCr(made, shipped)).toEqual({ text: made, normalisation: { kind: 'automake-arflags-cr', args: {} } });
  });
  it('does nothing when this automake writes `cr` itself, when either side has the line twice or another value', () => {
    expect(undoArflagsCr(shipped, shipped)).toBeUndefined();
    expect(undoArflagsCr(made, made)).toBeUndefined();
    expect(undoArflagsCr(made + made, shipped + shipped)).toBeUndefined();
    expect(undoArflagsCr(made, shipped + 'ARFLAGS = cru\n')).toBeUndefined();
    expect(undoArflagsCr(made, made.replace('ARFLAGS = cru', 'ARFLAGS = crs'))).toBeUndefined();
    expect(undoArflagsCr(made, made.replace('ARFLAGS = cru', 'ARFLAGS = cr -v'))).toBeUndefined();
  });
});

describe("undoGzipEval (automake 1.15.1's `eval GZIP= gzip $(GZIP_ENV)` in an earlier automake: a distribution's backport)", () => {
  // automake 1.15's lib/am/distdir.am lines as a Makefile.in carries them, and 1.15.1's (commit 749468ac6)
  const made =
    'dist-gzip: distdir\n\ttardir=$(distdir) && $(am__tar) | GZIP=$(GZIP_ENV) gzip -c >$(distdir).tar.gz\n\t$(am__post_remove_distdir)\n' +
    'dist-shar: distdir\n\tshar $(distdir) | GZIP=$(GZIP_ENV) gzip -c >$(distdir).shar.gz\n' +
    "distcheck: dist\n\tcase '$(DIST_ARCHIVES)' in \\\n\t*.tar.gz*) \\\n\t  GZIP=$(GZIP_ENV) gzip -dc $(distdir).tar.gz | $(am__untar) ;;\\\n" +
    '\t*.shar.gz*) \\\n\t  GZIP=$(GZIP_ENV) gzip -dc $(distdir).shar.gz | unshar ;;\\\n';
  const shipped = made.split('GZIP=$(GZIP_ENV) gzip ').join('eval GZIP= gzip $(GZIP_ENV) ');
  it('puts every line back as the stamped GNU release writes it, and counts them', () => {
    expect(shipped).not.toBe(made);
    expect(undoGzipEval(made, shipped)).toEqual({ text: made, normalisation: { kind: 'automake-gzip-eval', args: { lines: 4 } } });
  });
  it('does nothing when this automake writes the new form itself, when only some lines changed, or when the counts differ', () => {
    expect(undoGzipEval(shipped, shipped)).toBeUndefined();
    expect(undoGzipEval(made, made)).toBeUndefined();
    expect(undoGzipEval(made, shipped.replace('eval GZIP= gzip $(GZIP_ENV) ', 'GZIP=$(GZIP_ENV) gzip '))).toBeUndefined();
    expect(undoGzipEval(made, `${shipped}\teval GZIP= gzip $(GZIP_ENV) -c payload.gz | sh\n`)).toBeUndefined();
    expect(undoGzipEval('all:\n', 'all:\n')).toBeUndefined();
  });
  it('leaves every other difference to the whole-text comparison after it', () => {
    const r = undoGzipEval(made, shipped.replace('unshar', 'unshar; sh evil'));
    expect(r?.text).not.toBe(made);
  });
});

describe('distCommonWords', () => {
  it('reads DIST_COMMON and am__DIST_COMMON across continuation lines, without $(srcdir)/ prefixes', () => {
    const text = 'DIST_COMMON = $(srcdir)/Makefile.am $(top_srcdir)/configure \\\n\t$(am__configure_deps) $(am__DIST_COMMON)\nam__DIST_COMMON = $(srcdir)/Makefile.in AUTHORS \\\n\tNEWS README\nOTHER = THANKS\n';
    expect([...distCommonWords(text)].sort()).toEqual(['$(am__DIST_COMMON)', '$(am__configure_deps)', 'AUTHORS', 'Makefile.am', 'Makefile.in', 'NEWS', 'README', 'configure']);
  });
});

describe('aclocal -I dirs above the configure directory', () => {
  it('keeps ../m4 for libltdl (inside the tree), refuses a dir that leaves it', () => {
    expect(aclocalIncludes('AC_INIT([x], [1])\n', 'ACLOCAL_AMFLAGS = -I ../m4\n', 'libltdl')).toEqual(['../m4']);
    expect(aclocalIncludes('AC_INIT([x], [1])\n', 'ACLOCAL_AMFLAGS = -I ../../m4 -I m4\n', 'libltdl')).toEqual(['m4']);
    expect(aclocalIncludes('AC_INIT([x], [1])\n', 'ACLOCAL_AMFLAGS = -I ../m4\n')).toEqual([]);
    expect(inTreeOf('libltdl', '../m4/libtool.m4')).toBe('m4/libtool.m4');
    expect(inTreeOf('', '../m4/libtool.m4')).toBeUndefined();
    expect(inTreeOf('a/b', './../c/./d.m4')).toBe('a/c/d.m4');
  });
});
