/**
 * A file a tracked make rule writes in the tree but the release writes again into $(distdir) (m4 1.4.18: `$(srcdir)/ChangeLog:
 * @echo dummy > $@` pacifies automake, and the dist-hook's gen-ChangeLog then does `mv $(distdir)/cl-t
 * $(distdir)/ChangeLog`): the rule's output is not the shipped file, so the rule is not replayed — before, the replay
 * wrote "dummy" and the shipped ChangeLog was REGENERATION_MISMATCH high with 111 lines differing. End to end with a
 * real repository and the real make running the release's rules; the twin without the dist-hook recipe is replayed
 * (and, its output differing, stays a mismatch).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { distWrittenAt } from '../../src/regenerate/make-replay.js';
import { verify } from '../../src/verify.js';
import { makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { distRelease } from './release.js';

const DUMMY_RULE = '$(srcdir)/NOTES:\n\t@echo dummy > $@\n';
const DIST_HOOK = 'dist-hook:\n\tprintf \'%s\\n\' "notes of the release" > $(distdir)/notes-t \\\n\t  && mv $(distdir)/notes-t $(distdir)/NOTES\n';

function release(name: string, am: string, extra: Record<string, string> = {}) {
  const root = tempDir(`distdiff-distover-${name}-`);
  const repoDir = join(root, 'demo');
  const repo = makeRepo(repoDir);
  repo.commit({ 'configure.ac': 'AC_INIT([demo], [1.0])\nAC_OUTPUT\n', 'Makefile.am': am, 'demo.c': 'int demo(void) { return 1; }\n', ...extra });
  repo.tag('v1.0', { message: 'demo 1.0' });
  // the maintainer's make dist, reduced: the tree's NOTES from the dummy rule, then the dist-hook's recipe over the copy
  const { tarball } = distRelease(root, repoDir, 'demo-1.0', `autoconf && mkdir demo-1.0 && make -f Makefile.am srcdir=. NOTES && cp -p configure configure.ac Makefile.am demo.c NOTES ${Object.keys(extra).join(' ')} demo-1.0/ && ${am.includes('dist-hook') ? 'make -f Makefile.am srcdir=. distdir=demo-1.0 dist-hook' : 'printf \'%s\\n\' "notes of the release" > demo-1.0/NOTES'} && tar -czf demo-1.0.tar.gz demo-1.0`);
  return verify({ tarball, repo: repoDir, tag: 'v1.0', cacheDir: join(root, 'cache') });
}

describe('a rule whose file the release writes again into $(distdir)', () => {
  it('is not replayed: the finding names the dist recipe (file and line), not a mismatch of the dummy rule', async () => {
    const r = await release('hook', `EXTRA_DIST = NOTES\n${DUMMY_RULE}\n${DIST_HOOK}`);
    const f = r.findings.find((x) => x.path === 'NOTES')!;
    expect(f).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', evidence: { notReplayed: { file: 'Makefile.am', line: 2, refusal: { kind: 'dist-overwritten', args: { file: 'Makefile.am', line: 7 } } } } });
  }, 120_000);

  it('a replay that writes the shipped file is kept even so (the dist recipe wrote the same bytes)', async () => {
    // a rule only the replay explains (tr over a tracked file), and a dist recipe writing the same text
    const am = 'EXTRA_DIST = NOTES notes.in\n$(srcdir)/NOTES: notes.in\n\ttr a-z A-Z < $(srcdir)/notes.in > $@\n\ndist-hook:\n\ttr a-z A-Z < $(srcdir)/notes.in > $(distdir)/NOTES\n';
    const r = await release('same', am, { 'notes.in': 'notes of the release\n' });
    expect(r.findings.find((x) => x.path === 'NOTES')).toMatchObject({ code: 'MAKE_RULE_REPLAYED', severity: 'info' });
  }, 120_000);

  it('twin: the same shipped file without the dist recipe — the rule is replayed, and what it writes is not what was shipped: a mismatch', async () => {
    const r = await release('plain', `EXTRA_DIST = NOTES\n${DUMMY_RULE}`);
    expect(r.findings.find((x) => x.path === 'NOTES')).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high', evidence: { step: 'make-replay', differingLines: 1 } });
  }, 120_000);
});

describe('distWrittenAt', () => {
  const m4 = [
    'gen-ChangeLog:',
    '\t$(AM_V_GEN)if test -d $(top_srcdir)/.git; then\t\t\t\\',
    "\t  $(top_srcdir)/build-aux/gitlog-to-changelog $$amend_git_log\t\\",
    "\t   --since='$(gen_start_date)' > $(distdir)/cl-t\t\t\\",
    '\t  && rm -f $(distdir)/ChangeLog\t\t\t\t\t\\',
    '\t  && mv $(distdir)/cl-t $(distdir)/ChangeLog;\t\t\t\\',
    '\tfi',
  ].join('\n');
  it("finds m4 1.4.18's mv onto $(distdir)/ChangeLog, a redirection, cp, and $(top_distdir)", () => {
    expect(distWrittenAt(['Makefile.am'], () => m4, 'ChangeLog')).toEqual({ file: 'Makefile.am', line: 6 });
    expect(distWrittenAt(['a.am'], () => 'x:\n\techo 1.0 > $(distdir)/.tarball-version\n', '.tarball-version')).toEqual({ file: 'a.am', line: 2 });
    expect(distWrittenAt(['a.am'], () => 'x:\n\tcp -p $(srcdir)/N.in "$(top_distdir)/N"\n', 'N')).toEqual({ file: 'a.am', line: 2 });
  });
  it('not a read of the file, another name that starts alike, or a line outside a recipe', () => {
    expect(distWrittenAt(['Makefile.am'], () => m4, 'cl')).toBeUndefined();
    expect(distWrittenAt(['a.am'], () => 'x:\n\tcat $(distdir)/ChangeLog > log\n', 'ChangeLog')).toBeUndefined();
    expect(distWrittenAt(['a.am'], () => 'x:\n\techo > $(distdir)/ChangeLog.old\n', 'ChangeLog')).toBeUndefined();
    expect(distWrittenAt(['a.am'], () => 'X = > $(distdir)/ChangeLog\n', 'ChangeLog')).toBeUndefined();
  });
});
