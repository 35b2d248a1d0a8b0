/**
 * What the release's own bootstrap did with gnulib-tool, proved from the tag's bootstrap.conf (src/regenerate/
 * bootstrap-conf.ts, src/classify/submodule-copy.ts), with real components only: Debian's gnulib
 * (/usr/share/gnulib) committed into a git repository as the pinned submodule, projects whose release trees are
 * made by that gnulib-tool (and the hook's script) run for real, git, tar and bubblewrap.
 *
 *   hook       bison's shape: bootstrap.conf's bootstrap_post_import_hook runs build-aux/prefix-gnulib-mk (a
 *              gnulib file gnulib-tool copies) on lib/gnulib.mk after gnulib-tool; the run does the same in
 *              the sandbox → proved, the hook named. Twins: a line added to the prefixed gnulib.mk, and the same
 *              release against a tag whose bootstrap.conf has no hook (the hook is read from git, never from
 *              the tarball) → REGENERATION_MISMATCH high.
 *   no record  libtool's shape: the release ships gnulib-comp.m4 but no gnulib-cache.m4 and no "Reproduce
 *              by:" block; gnulib-modules' bootstrap builds the command line from bootstrap.conf → proved
 *              (invocation source bootstrap.conf). Twin: the release imported one module more than the tag's
 *              bootstrap.conf lists → REGENERATION_MISMATCH high.
 *   cache      the second run with the same inputs is served from distdiff's cache (proved with no sandbox at
 *              all); a changed invocation misses (and, without the sandbox, stays unproved).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, repoOfTree, writeFiles, type FileSpec } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const GNULIB = '/usr/share/gnulib';
const cli = resolve(__dirname, '../../dist/cli.js');

function runCli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  expect(existsSync(cli), 'dist/cli.js is missing: run `npm run build` (npm test does)').toBe(true);
  const p = spawnSync(process.execPath, [cli, ...args, '--format', 'json'], { encoding: 'utf8', env: { ...env, NO_COLOR: '1' }, timeout: 300_000 });
  return { code: p.status, stderr: p.stderr, findings: (p.stdout ? JSON.parse(p.stdout).findings : []) as Finding[] };
}

const CONFIGURE_AC = 'AC_INIT([GNU Proj], [1.0])\nAC_CONFIG_AUX_DIR([build-aux])\nAC_CONFIG_MACRO_DIRS([m4])\nAM_INIT_AUTOMAKE([foreign subdir-objects])\nAC_PROG_CC\ngl_EARLY\ngl_INIT\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n';
const MAKEFILE_AM = 'ACLOCAL_AMFLAGS = -I m4\ninclude lib/gnulib.mk\n';
// gnulib's bootstrap as far as the model reads it (the script is tracked, never run)
const GNULIB_BOOTSTRAP = '#! /bin/sh\ngnulib_tool_option_extras=\n  $gnulib_tool $gnulib_tool_options --import $gnulib_modules \\\n    || die "gnulib-tool failed"\nbootstrap_post_import_hook \\\n  || die "bootstrap_post_import_hook failed"\n';
const HOOK_CONF = `gnulib_modules='
  c-ctype
  non-recursive-gnulib-prefix-hack
'
gnulib_tool_option_extras='--symlink --makefile-name=gnulib.mk'
bootstrap_post_import_hook()
{
  # Massage lib/gnulib.mk before using it later in the bootstrapping process.
  build-aux/prefix-gnulib-mk --lib-name="$gnulib_name" "lib/$gnulib_mk"
  # Ensure that ChangeLog exists, for automake.
  test -f ChangeLog || touch ChangeLog
}
`;
const HOOK_ARGS = ['--aux-dir=build-aux', '--doc-base=doc', '--lib=libproj', '--m4-base=m4/', '--source-base=lib/', '--tests-base=tests', '--local-dir=gl', '--makefile-name=gnulib.mk', 'c-ctype', 'non-recursive-gnulib-prefix-hack'];

// gnulib-modules' bootstrap (libtool's gl-mod/bootstrap) as far as the model reads it
const GLMOD_BOOTSTRAP = '#! /bin/sh\nfunc_require_gnulib_tool_base_options ()\n{\n  gnulib_tool_all_options="$gnulib_tool_options $gnulib_tool_option_extras"\n}\n';
const GLMOD_CONF = `gnulib_tool_options=$gnulib_tool_options"
        --macro-prefix=GL
        --no-conditional-dependencies
"
gnulib_modules='
        c-ctype
'
LIBTOOLIZE=true
`;
const GLMOD_ARGS = ['--macro-prefix=GL', '--no-conditional-dependencies', '--aux-dir=build-aux', '--m4-base=m4', '--no-libtool', 'c-ctype'];

describe("gnulib-tool as the release's bootstrap ran it: the tag's bootstrap.conf", { timeout: 300_000 }, () => {
  expect(existsSync(join(GNULIB, 'build-aux/prefix-gnulib-mk')), `${GNULIB} is missing: run scripts/install-system-deps.sh (Debian package gnulib)`).toBe(true);
  const root = tempDir();

  // The pinned gnulib: Debian's gnulib tree committed as it is (fixed dates).
  const { repo: g, commit: pinned } = repoOfTree(join(root, 'gnulib'), GNULIB);

  /** A project pinning gnulib whose tag tracks `files`; its release made by gnulib-tool `args` then `after` in the made tree. */
  function project(name: string, files: Record<string, string>, args: string[], after?: (made: string) => void) {
    const p = makeRepo(join(root, name));
    p.commit({ '.gitmodules': '[submodule "gnulib"]\n\tpath = gnulib\n\turl = git://127.0.0.1:1/gnulib.git\n', ...files });
    p.git(['update-index', '--add', '--cacheinfo', `160000,${pinned},gnulib`]);
    p.git(['commit', '-q', '-m', 'pin gnulib']);
    p.tag('v1.0', { message: 'release 1.0' });
    const made = join(root, `${name}-made`, 'proj-1.0');
    mkdirSync(made, { recursive: true });
    writeFiles(made, files);
    execFileSync(join(GNULIB, 'gnulib-tool'), ['--import', '--no-changelog', ...args], { cwd: made, stdio: 'ignore', env: { ...process.env, LC_ALL: 'C' } });
    after?.(made);
    return { repo: p.dir, made };
  }

  let n = 0;
  function tarball(made: string, change: Record<string, FileSpec> = {}, drop: string[] = []) {
    const dir = join(root, `t${++n}`, 'proj-1.0');
    cpSync(made, dir, { recursive: true });
    writeFiles(dir, change);
    for (const d of drop) rmSync(join(dir, d), { force: true });
    return makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.0.tar.gz') });
  }
  const verify = (t: string, repo: string, cache = join(root, `c${n}`), env?: NodeJS.ProcessEnv) => runCli([t, '--repo', repo, '--cache-dir', cache, '--submodule', `gnulib=${g.dir}`], env);
  const at = (fs: Finding[], path: string) => fs.find((f) => f.path === path);
  const failing = (fs: Finding[]) => fs.filter((f) => f.severity === 'high' || f.severity === 'critical').map((f) => [f.path, f.code, f.severity]);

  const tagFiles = { 'configure.ac': CONFIGURE_AC, 'Makefile.am': MAKEFILE_AM, bootstrap: GNULIB_BOOTSTRAP, 'bootstrap.conf': HOOK_CONF };
  const prefix = (made: string) => {
    execFileSync(join(made, 'build-aux/prefix-gnulib-mk'), ['--lib-name=libproj', 'lib/gnulib.mk'], { cwd: made, stdio: 'ignore', env: { ...process.env, LC_ALL: 'C' } });
    rmSync(join(made, 'lib/gnulib.mk.bak')); // the script's backup: not part of a release
  };
  const hooked = project('hooked', tagFiles, HOOK_ARGS.filter((a) => a !== '--local-dir=gl'), prefix);
  const gnulibMk = readFileSync(join(hooked.made, 'lib/gnulib.mk'), 'utf8');

  it('the fixture: the hook changed what gnulib-tool wrote (prefixed names)', () => {
    expect(gnulibMk).toContain('lib/c-ctype.h');
    expect(gnulibMk).toContain('# Reproduce by:');
  });

  it("post-import hook: gnulib-tool then the hook's script (gnulib's prefix-gnulib-mk) in the sandbox reproduce lib/gnulib.mk; the proof names the hook; exit 0", () => {
    const r = verify(tarball(hooked.made), hooked.repo);
    expect(r.stderr).toBe('');
    expect(failing(r.findings)).toEqual([]);
    expect(r.code).toBe(0);
    for (const o of ['lib/gnulib.mk', 'm4/gnulib-comp.m4', 'm4/gnulib-cache.m4']) {
      expect(at(r.findings, o), o).toMatchObject({
        code: 'GENERATED_BY_AUTOTOOLS',
        evidence: { proof: { proved: true, method: 'gnulib-tool', commit: pinned, invocation: { source: 'm4/gnulib-cache.m4' }, hook: { source: 'bootstrap.conf', commands: [['build-aux/prefix-gnulib-mk', '--lib-name=libproj', 'lib/gnulib.mk']] } } },
      });
    }
  });

  it('tampered twin: one line added to the prefixed lib/gnulib.mk → REGENERATION_MISMATCH high; exit 1', () => {
    const r = verify(tarball(hooked.made, { 'lib/gnulib.mk': gnulibMk.replace('\n## begin gnulib module c-ctype\n', '\n## begin gnulib module c-ctype\nlibproj_a_LDFLAGS = -Wl,--wrap=getenv\n') }), hooked.repo);
    expect(r.code).toBe(1);
    expect(failing(r.findings)).toEqual([['lib/gnulib.mk', 'REGENERATION_MISMATCH', 'high']]);
    expect(at(r.findings, 'lib/gnulib.mk')!.diff?.unified).toContain('+libproj_a_LDFLAGS = -Wl,--wrap=getenv');
  });

  it("the hook is the tag's: the same release against a tag whose bootstrap.conf has no hook → lib/gnulib.mk differs (high); exit 1", () => {
    const conf = HOOK_CONF.replace(/bootstrap_post_import_hook\(\)[\s\S]*$/, '');
    const plain = project('plain', { ...tagFiles, 'bootstrap.conf': conf }, HOOK_ARGS.filter((a) => a !== '--local-dir=gl'));
    const r = verify(tarball(hooked.made, { 'bootstrap.conf': conf }), plain.repo);
    expect(r.code).toBe(1);
    expect(failing(r.findings)).toEqual([['lib/gnulib.mk', 'REGENERATION_MISMATCH', 'high']]);
  });

  const glmodFiles = { 'configure.ac': CONFIGURE_AC, 'Makefile.am': 'ACLOCAL_AMFLAGS = -I m4\nSUBDIRS = lib\n', bootstrap: GLMOD_BOOTSTRAP, 'bootstrap.conf': GLMOD_CONF };
  const glmod = project('glmod', glmodFiles, GLMOD_ARGS);
  // the release records no invocation: no gnulib-cache.m4, no gnulib-tool makefile
  const unrecorded = ['m4/gnulib-cache.m4', 'lib/Makefile.am'];

  it('no recorded invocation: the command line built from the tag\'s bootstrap.conf (gnulib-modules\' bootstrap) reproduces gnulib-comp.m4; exit 0', () => {
    const r = verify(tarball(glmod.made, {}, unrecorded), glmod.repo);
    expect(r.stderr).toBe('');
    expect(failing(r.findings)).toEqual([]);
    expect(r.code).toBe(0);
    expect(at(r.findings, 'm4/gnulib-comp.m4')).toMatchObject({
      code: 'GENERATED_BY_AUTOTOOLS',
      evidence: { proof: { proved: true, method: 'gnulib-tool', invocation: { source: 'bootstrap.conf', args: ['--macro-prefix=GL', '--no-conditional-dependencies', '--aux-dir=build-aux', '--m4-base=m4', '--no-libtool', 'c-ctype'] } } },
    });
  });

  it("tampered twin: the release imported a module the tag's bootstrap.conf does not list → REGENERATION_MISMATCH high; exit 1", () => {
    const more = project('glmod-more', glmodFiles, [...GLMOD_ARGS, 'c-strcase']);
    const r = verify(tarball(more.made, {}, unrecorded), glmod.repo);
    expect(r.code).toBe(1);
    expect(failing(r.findings)).toContainEqual(['m4/gnulib-comp.m4', 'REGENERATION_MISMATCH', 'high']);
  });

  it('cache: a second run with the same inputs is served from the cache (proved without any sandbox); a changed invocation misses', () => {
    const cache = join(root, 'shared-cache');
    const t = tarball(hooked.made);
    const first = verify(t, hooked.repo, cache);
    expect(first.code).toBe(0);
    expect(readdirSync(join(cache, 'gnulib-tool')).filter((f) => f.endsWith('.json'))).toHaveLength(1);
    // no bubblewrap on PATH: only the cache can prove it now
    const bin = join(root, 'bin-no-bwrap');
    mkdirSync(bin, { recursive: true });
    symlinkSync(execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim(), join(bin, 'git'));
    const env = { ...process.env, PATH: bin };
    const second = verify(t, hooked.repo, cache, env);
    expect(second.code).toBe(0);
    expect(at(second.findings, 'lib/gnulib.mk')).toEqual(at(first.findings, 'lib/gnulib.mk'));
    // the recorded invocation changed (one more --avoid): another key, a miss, and without the sandbox no proof
    const cacheM4 = readFileSync(join(hooked.made, 'm4/gnulib-cache.m4'), 'utf8').replace('#  --makefile-name=gnulib.mk \\\n', '#  --makefile-name=gnulib.mk \\\n#  --avoid=dummy \\\n');
    const third = verify(tarball(hooked.made, { 'm4/gnulib-cache.m4': cacheM4 }), hooked.repo, cache, env);
    expect(third.code).toBe(1);
    expect(at(third.findings, '.')).toMatchObject({ code: 'UNPROVED_BUILD_OUTPUTS', evidence: { reason: { kind: 'sandbox-unavailable' } } });
  });

  it('killed by SIGTERM during the gnulib-tool run: exit 143 and its scratch tree removed', async () => {
    const tmp = join(root, 'tmp-signal');
    mkdirSync(tmp, { recursive: true });
    const t = tarball(hooked.made);
    const child = spawn(process.execPath, [cli, t, '--repo', hooked.repo, '--cache-dir', join(root, 'c-signal'), '--submodule', `gnulib=${g.dir}`, '--format', 'json'], { env: { ...process.env, TMPDIR: tmp }, stdio: 'ignore' });
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    let seen: string | undefined;
    for (let i = 0; i < 1200 && !seen; i++) {
      seen = readdirSync(tmp).find((d) => d.startsWith('distdiff-gnulib-') && existsSync(join(tmp, d, 'project')));
      if (!seen) await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen, 'the run never started gnulib-tool').toBeDefined();
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(readdirSync(tmp).filter((d) => d.startsWith('distdiff-gnulib-'))).toEqual([]);
  });
});
