/**
 * SWIG prerequisites the build makes first (gen22, src/regenerate/text-steps.ts + swig.ts): libcap-ng's
 * `caps.h: cat $(CAPABILITY_HEADER) | grep '^#define CAP' | grep -v '[()]' > caps.h` (CAPABILITY_HEADER configure.ac's
 * default /usr/include/linux/capability.h, a system header) and `capng.h: cat ${top_srcdir}/src/cap-ng.h | grep -v
 * '_state' > capng.h` are read as data, their lines computed (never run), written into SWIG's scratch tree; the module
 * is then proved as any SWIG output. The shipped module is what the system's swig writes after the real grep made the
 * headers (run by the test as make would); the release a real tarball. Twins: one changed line of the module, and a
 * module made from another capability header (one more #define) stay high; a rule of another form is not run.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFinding } from '../../src/core/codes.js';
import { breRegExp, configureDefaultPath, runTextPipeline, textPipeline } from '../../src/regenerate/text-steps.js';
import { autotoolsRelease, byPath, sh } from './release.js';

const HEADER = '/usr/include/linux/capability.h';

describe('grep rules read as data (pure)', () => {
  it("libcap-ng's two rules: the source, the steps, the target", () => {
    expect(textPipeline("cat /usr/include/linux/capability.h | grep '^#define CAP'  | grep -v '[()]' > caps.h")).toEqual({
      source: '/usr/include/linux/capability.h',
      steps: [{ invert: false, pattern: '^#define CAP' }, { invert: true, pattern: '[()]' }],
      target: 'caps.h',
    });
    expect(textPipeline("cat ../../src/cap-ng.h | grep -v '_state' > capng.h")).toEqual({ source: '../../src/cap-ng.h', steps: [{ invert: true, pattern: '_state' }], target: 'capng.h' });
    expect(textPipeline("grep '^#define' x.h > y.h")).toEqual({ source: 'x.h', steps: [{ invert: false, pattern: '^#define' }], target: 'y.h' });
  });
  it('other programs, options, shell syntax and a second input are refused', () => {
    expect(textPipeline("cat x.h | sed 's/a/b/' > y.h")).toEqual({ refused: 'program sed' });
    expect(textPipeline("cat x.h | grep -E 'a|b' > y.h")).toEqual({ refused: 'grep option -E' });
    expect(textPipeline("cat x.h | grep a > y.h; rm -rf z")).toEqual({ refused: 'no `> FILE` output' });
    expect(textPipeline("cat x.h | grep a; touch z > y.h")).toEqual({ refused: 'shell syntax' });
    expect(textPipeline("cat x.h z.h | grep a > y.h")).toEqual({ refused: 'stage cat x.h z.h' });
    expect(textPipeline("cat x.h | grep a")).toEqual({ refused: 'no `> FILE` output' });
    expect(textPipeline("cat x.h > y.h")).toEqual({ refused: 'no grep' });
  });
  it("the read part of basic regular expressions gives GNU grep's lines; the rest is refused", () => {
    const text = Buffer.from('#define CAP_CHOWN 0\n#define CAP_X(a) (a)\nint a_state;\nabc\naxxc\n[x]\n^caret\nend$\nfile.h\nfileXh\n***\nno newline at the end', 'latin1');
    const grepOf = (args: string[]) => spawnSync('grep', args, { input: text, env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' } }).stdout as Buffer;
    for (const pattern of ['^#define CAP', '[()]', '_state', 'a.c', 'ax*c', '^[^#]', 'end$', 'file\\.h', '[]x]', '[a-c]', '^^', '*', '\\*\\*', 'at the end$', '[^a-z#]']) {
      for (const invert of [false, true]) {
        expect(runTextPipeline(text, [{ invert, pattern }]), `${invert ? '-v ' : ''}${pattern}`).toEqual(grepOf([...(invert ? ['-v'] : []), '-e', pattern]));
      }
    }
    expect(breRegExp('\\(a\\)')).toEqual({ refused: 'escape \\(' });
    expect(breRegExp('a\\{2\\}')).toEqual({ refused: 'escape \\{' });
    expect(breRegExp('[[:digit:]]')).toEqual({ refused: 'character class' });
    expect(breRegExp('[abc')).toEqual({ refused: 'unterminated bracket expression' });
    expect(runTextPipeline(Buffer.from('a\0b\n', 'latin1'), [{ invert: false, pattern: 'a' }])).toEqual({ refused: 'the source holds a NUL byte (grep: binary file)' });
  });
  it("configure.ac's default path for a variable: AC_SUBST'ed, one literal absolute path, else only $withval", () => {
    const ac = 'AC_ARG_WITH([capability_header],\n  [AS_HELP_STRING([--with-capability_header=path])],\n  [CAPABILITY_HEADER=$withval],\n  [CAPABILITY_HEADER=/usr/include/linux/capability.h])\nAC_SUBST(CAPABILITY_HEADER)\n';
    expect(configureDefaultPath(ac, 'CAPABILITY_HEADER')).toEqual({ value: '/usr/include/linux/capability.h', line: 4 });
    expect(configureDefaultPath(ac.replace('AC_SUBST(CAPABILITY_HEADER)', ''), 'CAPABILITY_HEADER')).toBeUndefined();
    expect(configureDefaultPath(`${ac}CAPABILITY_HEADER=/usr/include/other.h\n`, 'CAPABILITY_HEADER')).toBeUndefined();
    expect(configureDefaultPath(ac.replace('/usr/include/linux/capability.h', '`pwd`/cap.h'), 'CAPABILITY_HEADER')).toBeUndefined();
    expect(configureDefaultPath(ac, 'OTHER')).toBeUndefined();
  });
});

const CONFIGURE_AC = `AC_INIT([demo], [1.0])
AC_ARG_WITH([capability_header],
        [AS_HELP_STRING([--with-capability_header=path : path to capability.h])],
        [CAPABILITY_HEADER=$withval],
        [CAPABILITY_HEADER=${HEADER}])
AC_SUBST(CAPABILITY_HEADER)
AC_CONFIG_FILES([Makefile bindings/python3/Makefile])
AC_OUTPUT
`;
const rules = (capsRecipe: string) => `SWIG_FLAGS = -python
SWIG_INCLUDES = -I. -I$(top_builddir) $(PYTHON3_INCLUDES)
py3exec_PYTHON = demo.py
nodist__demo_la_SOURCES = demo_wrap.c

demo.py demo_wrap.c: \${srcdir}/../src/demo_swig.i caps.h demo.h
\tswig -o demo_wrap.c \${SWIG_FLAGS} \${SWIG_INCLUDES} \${srcdir}/../src/demo_swig.i
caps.h:
\t${capsRecipe}
demo.h:
\tcat \${top_srcdir}/src/demo.h | grep -v '_state' > demo.h

CLEANFILES = demo.py* demo_wrap.c caps.h demo.h
`;
const CAPS_RULE = "cat $(CAPABILITY_HEADER) | grep '^#define CAP'  | grep -v '[()]' > caps.h";
const DEMO_I = `%module demo
%{
#include "./demo.h"
%}
%include "./caps.h"
%include "./demo.h"
`;
const DEMO_H = `int demo_have(unsigned int capability);
int demo_get_state(void *state);
const char *demo_name(unsigned int capability);
`;

/** The module the system's swig writes after the real `grep` pipelines made caps.h (from `header`) and demo.h, as make runs them. */
function systemModule(repoDir: string, header: string): string {
  const dir = join(repoDir, 'bindings', 'python3');
  sh(dir, `cat '${header}' | grep '^#define CAP'  | grep -v '[()]' > caps.h && cat ../../src/demo.h | grep -v '_state' > demo.h`);
  const r = spawnSync('swig', ['-o', 'demo_wrap.c', '-python', '-I.', '-I../..', './../src/demo_swig.i'], { cwd: dir, encoding: 'utf8', env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' } });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const py = readFileSync(join(dir, 'demo.py'), 'latin1');
  for (const f of ['demo.py', 'demo_wrap.c', 'caps.h', 'demo.h']) rmSync(join(dir, f));
  return py;
}

const release = (prefix: string, capsRecipe: string) =>
  autotoolsRelease({
    prefix,
    name: 'demo',
    files: { 'configure.ac': CONFIGURE_AC, 'Makefile.am': 'SUBDIRS = bindings/python3\n', 'src/demo.h': DEMO_H, 'bindings/src/demo_swig.i': DEMO_I, 'bindings/python3/Makefile.am': rules(capsRecipe) },
    makeTree: (tree, repoDir) => {
      sh(repoDir, `git archive --format=tar v1.0 | tar -xf - -C '${tree}'`);
    },
    timeout: 120_000,
  });
const fixture = release('distdiff-swig-made-', CAPS_RULE);
const sedFixture = release('distdiff-swig-made-sed-', "sed -n '/^#define CAP/p' $(CAPABILITY_HEADER) > caps.h");
const withPy = (f: typeof fixture, text: string) => f.tampered((d) => writeFileSync(join(d, 'bindings/python3/demo.py'), text, 'latin1'));

describe("a SWIG module whose headers the build greps first, with the system's swig and this system's capability.h", () => {
  it('identical: proved, naming both made inputs, the header and its sha256; one changed line, or another header: high', async () => {
    const py = systemModule(fixture.repoDir, HEADER);
    expect(py).toContain('CAP_CHOWN = _demo.CAP_CHOWN');
    expect(py).toContain('def demo_have(capability):');
    expect(py).not.toContain('demo_get_state');
    const sha256 = createHash('sha256').update(readFileSync(HEADER)).digest('hex');

    const r = await fixture.run(withPy(fixture, py));
    const proved = byPath(r.findings)['bindings/python3/demo.py']!;
    expect(proved).toMatchObject({
      code: 'GENERATED_TOOL_PROVED',
      severity: 'info',
      evidence: {
        tool: 'swig',
        source: 'bindings/src/demo_swig.i',
        command: ['swig', '-o', 'demo_wrap.c', '-python', '-I.', '-I../..', './../src/demo_swig.i'],
        madeInputs: [
          { path: 'bindings/python3/caps.h', rule: 'bindings/python3/Makefile.am', command: CAPS_RULE, source: HEADER, system: true, sha256, configure: [`configure.ac:5 CAPABILITY_HEADER=${HEADER}`] },
          { path: 'bindings/python3/demo.h', rule: 'bindings/python3/Makefile.am', command: "cat ${top_srcdir}/src/demo.h | grep -v '_state' > demo.h", source: 'src/demo.h' },
        ],
      },
    });
    expect(formatFinding(proved)).toContain(`; its input bindings/python3/caps.h made first by the rule of bindings/python3/Makefile.am: \`${CAPS_RULE}\` from this system's ${HEADER} (sha256 ${sha256}, the path configure.ac:5 CAPABILITY_HEADER=${HEADER}; another header there gives other lines); its input bindings/python3/demo.h made first by the rule of bindings/python3/Makefile.am: \`cat \${top_srcdir}/src/demo.h | grep -v '_state' > demo.h\` from src/demo.h`);
    expect(r.verdict).toBe('explained');

    // tampered twin: one constant bound to another capability under the same banner
    const twin = py.replace('CAP_CHOWN = _demo.CAP_CHOWN', 'CAP_CHOWN = _demo.CAP_SYS_ADMIN');
    expect(twin).not.toBe(py);
    const r2 = await fixture.run(withPy(fixture, twin));
    expect(byPath(r2.findings)['bindings/python3/demo.py']).toMatchObject({ code: 'GENERATED_TOOL_MISMATCH', severity: 'high', evidence: { tool: 'swig', differingLines: 1, madeInputs: [{ sha256 }, { source: 'src/demo.h' }] } });
    expect(r2.verdict).toBe('different');

    // a module made from another capability header (one more #define): not this system's lines, high
    const other = join(fixture.root, 'capability-other.h');
    writeFileSync(other, `${readFileSync(HEADER, 'latin1')}\n#define CAP_DEMO_EXTRA 99\n`, 'latin1');
    const otherPy = systemModule(fixture.repoDir, other);
    expect(otherPy).toContain('CAP_DEMO_EXTRA');
    const r3 = await fixture.run(withPy(fixture, otherPy));
    const f3 = byPath(r3.findings)['bindings/python3/demo.py']!;
    expect(f3).toMatchObject({ code: 'GENERATED_TOOL_MISMATCH', severity: 'high' });
    expect(formatFinding(f3)).toContain(`from this system's ${HEADER} (sha256 ${sha256}`);
  }, 300_000);

  it('a rule of another form (sed) is not run: the module stays high, saying why', async () => {
    const py = systemModule(sedFixture.repoDir, HEADER);
    const f = byPath((await sedFixture.run(withPy(sedFixture, py))).findings)['bindings/python3/demo.py']!;
    expect(f).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { generatorProof: { why: 'input-unavailable', tool: 'swig', fragment: 'bindings/python3/caps.h, bindings/python3/demo.h', error: "bindings/python3/caps.h: program sed" } } });
    expect(formatFinding(f)).toContain("swig output, not proved: the rule's prerequisite bindings/python3/caps.h, bindings/python3/demo.h is not tracked (a file the build makes first) and not made here: bindings/python3/caps.h: program sed");
  }, 300_000);
});
