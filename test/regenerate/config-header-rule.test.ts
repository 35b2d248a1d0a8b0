/**
 * Configure headers config.status writes with values AC_INIT and configure.ac define, end to end with the real
 * autoconf and configure (make 4.4.1's src/mkconfig.h, libqb 2.0.8's include/qb/qbconfig.h; config27):
 *  - a header no AC_CONFIG_HEADERS names, made by a tracked make rule running `./config.status --header=$@`
 *    (make's maintMakefile), whose template's `#define PACKAGE_NAME "@PACKAGE_NAME@"` lines config.status rewrote
 *    to the values configure defines (AC_INIT's PACKAGE_* variables, each one literal assignment in configure);
 *  - a version REST define (`""` for a release version with no suffix after its numbers).
 * Tampered twins: an added line, a changed value (the URL, the REST), a header no rule names stay high.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import { configHeaderFill, configureVariableDefine, makeRuleHeaders, versionRest } from '../../src/classify/produced.js';
import { autotoolsRelease, editFile } from './release.js';

const CONFIGURE_AC = `AC_INIT([GNU Demo],[1.2.3],[bug-demo@example.invalid])
AC_CONFIG_SRCDIR([src/demo.c])
AC_CONFIG_HEADERS([src/config.h])
AC_DEFINE_UNQUOTED([PACKAGE], ["$PACKAGE_TARNAME"], [Name of package])
AC_DEFINE_UNQUOTED([DEMO_VER_REST],
                   [$(echo "\${PACKAGE_VERSION}" | sed -e 's|^[[0-9]][[0-9]]*\\(\\.[[0-9]][[0-9]]*\\)\\{0,2\\}\\(.*\\)|"\\2"|' -e t -e 's|.*|""|')],
                   [the version after its numbers])
AC_OUTPUT
`;
const MKCONFIG = `/* Values for the systems that have no configure. */

/* Name of package */
#define PACKAGE "@PACKAGE@"

/* Define to the full name of this package. */
#define PACKAGE_NAME "@PACKAGE_NAME@"

/* Define to the full name and version of this package. */
#define PACKAGE_STRING "@PACKAGE_NAME@ @PACKAGE_VERSION@"

/* Define to the home page for this package. */
#define PACKAGE_URL "@PACKAGE_URL@"

/* Define to the version of this package. */
#define PACKAGE_VERSION "@PACKAGE_VERSION@"

/* the version after its numbers */
#undef DEMO_VER_REST

/* kept as it is: configure never defines it */
#define DEMO_PORTABLE 1
`;
const MAINT = `# the maintainer's rules
all: src/mkconfig.h

src/mkconfig.h: src/mkconfig.h.in config.status
\t./config.status --header=$@
`;

const fixture = autotoolsRelease({
  prefix: 'distdiff-config-header-rule-',
  name: 'demo',
  version: '1.2.3',
  files: {
    'configure.ac': CONFIGURE_AC,
    'maintMakefile': MAINT,
    'src/mkconfig.h.in': MKCONFIG,
    'src/demo.c': '#include "mkconfig.h"\nconst char *demo(void) { return PACKAGE_STRING; }\n',
    'src/other.h.in': MKCONFIG,
  },
  build: 'autoconf && autoheader && ./configure -q && make -s -f maintMakefile src/mkconfig.h && ./config.status --header=src/other.h'
    + ' && mkdir -p demo-1.2.3/src && cp -p configure configure.ac maintMakefile demo-1.2.3/ && cp -p src/demo.c src/mkconfig.h.in src/mkconfig.h src/other.h.in src/other.h demo-1.2.3/src/'
    + ' && tar -czf demo-1.2.3.tar.gz demo-1.2.3',
  timeout: 120_000,
});
const at = (fs: Finding[], p: string) => fs.find((f) => f.path === p)!;

describe('a configure header a tracked make rule has config.status write', () => {
  it('is explained with the values configure defines (AC_INIT\'s PACKAGE_*) and the version REST: config-header, low', async () => {
    const r = await fixture.run(fixture.tarball);
    expect(at(r.findings, 'src/mkconfig.h')).toMatchObject({
      code: 'GENERATED_FROM_SOURCE',
      severity: 'low',
      evidence: {
        how: 'config-header', source: 'src/mkconfig.h.in', generator: 'config.status', script: { script: 'maintMakefile', line: 4, rule: true },
        substitutions: {
          PACKAGE: '"demo"', PACKAGE_NAME: '"GNU Demo"', PACKAGE_STRING: '"GNU Demo 1.2.3"',
          PACKAGE_URL: '"https://www.gnu.org/software/demo/"', PACKAGE_VERSION: '"1.2.3"', DEMO_VER_REST: '""',
        },
      },
    });
    // no rule names src/other.h: the same content proves nothing
    expect(at(r.findings, 'src/other.h')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  }, 120_000);

  it('an added line, another URL, a changed name or a REST the version lacks stays high', async () => {
    const edits: [string, string][] = [
      ['#define DEMO_PORTABLE 1', '#define DEMO_PORTABLE 1\n#define DEMO_HOOK system("sh -c id")'],
      ['#define PACKAGE_URL "https://www.gnu.org/software/demo/"', '#define PACKAGE_URL "https://evil.example/demo/"'],
      ['#define PACKAGE_NAME "GNU Demo"', '#define PACKAGE_NAME "GNU Dem0"'],
      ['#define DEMO_VER_REST ""', '#define DEMO_VER_REST "-evil"'],
      ['#define DEMO_PORTABLE 1', '#define DEMO_PORTABLE 0'],
    ];
    for (const [from, to] of edits) {
      const tar = fixture.tampered((d) => editFile(d, 'src/mkconfig.h', (s) => {
        if (!s.includes(from)) throw new Error(`no ${from} in mkconfig.h`);
        return s.replace(from, to);
      }));
      const r = await fixture.run(tar);
      expect(at(r.findings, 'src/mkconfig.h'), to).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(r.verdict).toBe('different');
    }
  }, 240_000);
});

describe('makeRuleHeaders / configureVariableDefine / versionRest / configHeaderFill with #define lines', () => {
  it('reads `config.status --header` rules: $@, OUT:IN, one target only', () => {
    expect(makeRuleHeaders(MAINT)).toEqual([{ output: 'src/mkconfig.h', template: 'src/mkconfig.h.in', line: 4 }]);
    expect(makeRuleHeaders('x.h: y.in\n\tcd . && ./config.status --header=x.h:y.in\n', 'sub')).toEqual([{ output: 'sub/x.h', template: 'sub/y.in', line: 1 }]);
    expect(makeRuleHeaders('a.h b.h: c\n\t./config.status --header=$@\n')).toEqual([]);
    expect(makeRuleHeaders('x.h:\n\t./config.status --header=$(OUT)\n')).toEqual([]);
    expect(makeRuleHeaders('x.h:\n\t./config.status --header=other.h\n')).toEqual([]);
  });
  it('takes a define through a variable only when configure assigns it one literal', () => {
    const conf = `PACKAGE_NAME='GNU Demo'\nprintf "%s\\n" "#define PACKAGE_NAME \\"$PACKAGE_NAME\\"" >>confdefs.h\n X=a\n X=b\nprintf "%s\\n" "#define XX \\"$X\\"" >>confdefs.h\n`;
    expect(configureVariableDefine(conf, 'PACKAGE_NAME', '"GNU Demo"')).toBe(true);
    expect(configureVariableDefine(conf, 'PACKAGE_NAME', '"GNU Dem0"')).toBe(false);
    expect(configureVariableDefine(conf, 'PACKAGE_NAME', 'GNU Demo')).toBe(false);
    expect(configureVariableDefine(conf, 'XX', '"a"')).toBe(false);
  });
  it('a REST is the version after its numbers, nothing else', () => {
    expect(versionRest('QB_VER_REST', '""', '2.0.8')).toBe(true);
    expect(versionRest('QB_VER_REST', '"-rc1"', '2.0.8-rc1')).toBe(true);
    expect(versionRest('QB_VER_REST', '"-rc1"', '2.0.8')).toBe(false);
    expect(versionRest('QB_REST', '""', '2.0.8')).toBe(false);
    expect(versionRest('QB_VER_MAJOR', '""', '2.0.8')).toBe(false);
  });
  it('a #define line is the template\'s or rewritten as configure defines it', () => {
    const t = '#define A "@A@"\n#define B 1\n';
    const banner = '/* c.h.  Generated from c.h.in by configure.  */\n';
    expect(configHeaderFill(t, `${banner}#define A "x"\n#define B 1\n`, 'c.h', 'c.h.in', (n) => n === 'A')).toEqual({ defined: { A: '"x"' }, undefined: 0 });
    expect(configHeaderFill(t, `${banner}#define A "x"\n#define B 2\n`, 'c.h', 'c.h.in', (n) => n === 'A')).toBeUndefined();
    expect(configHeaderFill(t, `${banner}#define A "@A@"\n#define B 1\n`, 'c.h', 'c.h.in', () => true)).toBeUndefined();
  });
});
