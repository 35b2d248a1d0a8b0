/**
 * gnulib-tool before gnulib 55c6f22b80 (2015-11-21) wrote its target directory into every invocation it recorded
 * (`gnulib-tool --import --dir=. --local-dir=gl …` in gnulib-cache.m4: GNU hello 2.10, pinned gnulib e8f86ce95e of
 * 2014-10-29). The hold-out (holdout18) found that recorded `--dir=.` refused as "not a gnulib-tool layout option",
 * so hello's gnulib-cache.m4, gnulib-comp.m4 and lib/gnulib.mk stayed UNPROVED_BUILD_OUTPUTS (high).
 *
 * Real components: gnulib's own history (a clone holding e8f86ce95e — the evaluation's mirror of gnulib, as
 * scripts/evaluate-releases.tsv names it), that commit's shell gnulib-tool run for real to make the release tree,
 * git, tar and bubblewrap. A recorded --dir is accepted only when it is the directory the outputs are in (and
 * dropped: the pinned gnulib-tool, run there, records it again). Tampered twins: `--dir=lib` or `--dir=/tmp`
 * recorded → refused (UNPROVED_BUILD_OUTPUTS, high); a line added to gl_INIT → REGENERATION_MISMATCH (high).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FileSpec } from '../helpers/git.js';
import { ARGS, at, failing, importedTree, OUTPUTS, pinnedProject, runCli, tarballs } from '../helpers/gnulib-tool.js';
import { tempDir } from '../helpers/tmp.js';

const GNULIB_REPO = process.env.DISTDIFF_TEST_GNULIB_REPO ?? '/work/.mirror/coreutils+gnulib/repo';
const OLD = 'e8f86ce95e515ef9d2ed7c0cdf203fb31482c3d6';
const HAVE = existsSync(GNULIB_REPO) && spawnSync('git', ['--git-dir', GNULIB_REPO, 'cat-file', '-e', `${OLD}^{commit}`]).status === 0;
if (!HAVE) {
  process.stderr.write(`\n*** SKIPPED (loudly): test/e2e/gnulib-tool-recorded-dir.test.ts needs a clone of gnulib holding ${OLD}\n*** at ${GNULIB_REPO} (or DISTDIFF_TEST_GNULIB_REPO; fetch github:coreutils/gnulib, as scripts/evaluate-releases.tsv does);\n*** without it the recorded --dir=. of gnulib-tool before 2015-11 is not exercised in this run.\n\n`);
}

describe.skipIf(!HAVE)('a gnulib-tool invocation recorded with --dir=. (gnulib before 2015-11): accepted only as the outputs\' own directory', { timeout: 300_000 }, () => {
  // Built in beforeAll, not at collection: vitest collects a skipped describe's body too, and on a machine without
  // the gnulib clone the export below would fail the file instead of skipping it (CI on a fresh machine, stop 40).
  let p: ReturnType<typeof pinnedProject>;
  let made: string;
  let shipped: ReturnType<typeof importedTree>;
  let tars: ReturnType<typeof tarballs>;
  const root = tempDir();
  beforeAll(() => {
    // The project: configure.ac and Makefile.am tracked, gnulib pinned at the 2014 commit (unreachable .gitmodules URL).
    p = pinnedProject(join(root, 'proj'), OLD);
    // The release tree as that gnulib-tool left it: the pinned commit's gnulib-tool, exported and run for real.
    const old = join(root, 'gnulib-old');
    mkdirSync(old, { recursive: true });
    execFileSync('sh', ['-c', `git --git-dir="${GNULIB_REPO}" archive ${OLD} | tar -x -C "${old}"`]);
    made = join(root, 'made', 'proj-1.0');
    shipped = importedTree(made, join(old, 'gnulib-tool'));
    tars = tarballs(root);
  });
  const tarball = (change: Record<string, FileSpec> = {}) => tars.from(made, change);
  const verify = (t: string) => runCli([t, '--repo', p.dir, '--cache-dir', tars.cacheDir(), '--submodule', `gnulib=${GNULIB_REPO}`]);

  it('the fixture records --dir=. (what gnulib-tool of 2014 writes)', () => {
    expect(shipped['m4/gnulib-cache.m4']).toContain('#   gnulib-tool --import --dir=. --lib=libgnu --source-base=lib');
  });

  it('untampered: every output reproduced by the pinned 2014 gnulib-tool, the recorded --dir=. dropped from the invocation; exit 0', () => {
    const r = verify(tarball());
    expect(r.stderr).toBe('');
    expect(failing(r.findings)).toEqual([]);
    expect(r.code).toBe(0);
    for (const o of OUTPUTS) {
      expect(at(r.findings, o), o).toMatchObject({
        code: 'GENERATED_BY_AUTOTOOLS',
        severity: 'info',
        evidence: { tool: 'gnulib-tool', proof: { proved: true, method: 'gnulib-tool', submodule: 'gnulib', commit: OLD, invocation: { source: 'm4/gnulib-cache.m4', args: ARGS } } },
      });
    }
  });

  it('tampered: the invocation recorded with --dir=lib (not where its outputs are) is refused; the outputs are unproved (high); exit 1', () => {
    const cache = shipped['m4/gnulib-cache.m4']!.replace('--import --dir=. ', '--import --dir=lib ');
    const r = verify(tarball({ 'm4/gnulib-cache.m4': cache }));
    expect(r.code).toBe(1);
    expect(failing(r.findings)).toEqual([['.', 'UNPROVED_BUILD_OUTPUTS', 'high']]);
    expect(at(r.findings, '.')!.evidence).toMatchObject({
      files: OUTPUTS,
      reason: { kind: 'not-regenerable', args: { cause: { kind: 'gnulib-tool-label', args: { miss: { kind: 'invocation-refused', source: 'm4/gnulib-cache.m4', arg: '--dir=lib', why: 'target' } } } } },
    });
  });

  it('tampered: --dir=/tmp recorded is refused too (high); exit 1', () => {
    const cache = shipped['m4/gnulib-cache.m4']!.replace('--import --dir=. ', '--import --dir=/tmp ');
    const r = verify(tarball({ 'm4/gnulib-cache.m4': cache }));
    expect(r.code).toBe(1);
    expect(at(r.findings, '.')!.evidence).toMatchObject({ reason: { args: { cause: { args: { miss: { kind: 'invocation-refused', arg: '--dir=/tmp', why: 'target' } } } } } });
  });

  it('tampered: one construct-free line added to gl_INIT → REGENERATION_MISMATCH (high), the other outputs still proved; exit 1', () => {
    const comp = shipped['m4/gnulib-comp.m4']!.replace('AC_DEFUN([gl_INIT],\n[\n', 'AC_DEFUN([gl_INIT],\n[\n  LIBS="$LIBS -lpayload"\n');
    expect(comp).not.toBe(shipped['m4/gnulib-comp.m4']);
    const r = verify(tarball({ 'm4/gnulib-comp.m4': comp }));
    expect(r.code).toBe(1);
    expect(failing(r.findings)).toEqual([['m4/gnulib-comp.m4', 'REGENERATION_MISMATCH', 'high']]);
    expect(at(r.findings, 'm4/gnulib-cache.m4')).toMatchObject({ code: 'GENERATED_BY_AUTOTOOLS', evidence: { proof: { proved: true, commit: OLD } } });
  });
});
