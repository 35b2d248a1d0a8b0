/**
 * A tarball rooted at a subdirectory of the tag, found from the trees (src/profiles/subdir-root.ts), and Subversion
 * keywords expanded by `svn export` (src/classify/svn-keywords.ts): smartmontools 7.3 is an SVN export of the
 * repository's smartmontools/ directory with `$Id$` expanded (`$Id: ataprint.cpp 5336 2022-02-26 18:30:35Z dpgilbert $`).
 * End to end: a real git repository, tarballs packed by GNU tar, verify(). Twins: an expansion naming another file,
 * or another change on the keyword's line, stays SOURCE_MODIFIED; a release of the whole repository with a copy of
 * its files in a subdirectory is still compared with the top.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { svnKeywordLines } from '../../src/classify/svn-keywords.js';
import type { Finding } from '../../src/core/findings.js';
import { subdirRoot } from '../../src/profiles/subdir-root.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-subdir-root-');
const repoDir = join(root, 'repo');

const TOOL: Record<string, string> = {
  'tool/README': 'tool: a demo\n$Id$\n',
  'tool/main.c': '/* main.c */\nconst char *main_c_cvsid = "$Id$";\nint main(void) { return 0; }\n',
  'tool/util.c': '/* util.c */\nint util(void) { return 1; }\n',
  'tool/util.h': 'int util(void);\n',
  'tool/win/msg.c': '/* msg.c $Id$ */\nconst char *v = "msg $Revision$";\n',
  'tool/COPYING': 'GPL\n',
};
const TOP: Record<string, string> = {
  'README.md': '# The repository of tool (converted from Subversion)\n',
  'www/index.html': '<html></html>\n',
  'COPYING': 'GPL\n',
};
const EXPANDED: Record<string, string> = {
  README: 'tool: a demo\n$Id: README 5338 2022-02-28 16:34:26Z chrfranke $\n',
  'main.c': '/* main.c */\nconst char *main_c_cvsid = "$Id: main.c 5336 2022-02-26 18:30:35Z dpgilbert $";\nint main(void) { return 0; }\n',
  'win/msg.c': '/* msg.c $Id: msg.c 4941 2019-08-01 10:00:00Z chrfranke $ */\nconst char *v = "msg $Revision: 4941 $";\n',
};

let n = 0;
async function release(files: Record<string, string>, top = 'tool-7.3') {
  const dir = join(root, `t${++n}`, top);
  mkdirSync(dir, { recursive: true });
  writeFiles(dir, files);
  return verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, `${top}.tar.gz`) }), repo: repoDir, tag: 'RELEASE_7_3', cacheDir: join(root, 'cache') });
}
const exported = (): Record<string, string> => ({
  ...Object.fromEntries(Object.entries(TOOL).map(([p, c]) => [p.slice('tool/'.length), c])),
  ...EXPANDED,
});
const at = (fs: Finding[], path: string) => fs.find((f) => f.path === path);

beforeAll(() => {
  const repo = makeRepo(repoDir);
  repo.commit({ ...TOOL, ...TOP }, 'tool 7.3', '2022-03-01T12:00:00+00:00');
  repo.tag('RELEASE_7_3');
}, 60_000);

describe('a tarball rooted at a subdirectory of the tag', () => {
  it('is compared with tool/ (the counts say why) and its expanded $Id$/$Revision$ lines are SVN_KEYWORD_EXPANDED: nothing high', async () => {
    const r = await release(exported());
    expect(r.inputs.revision.pathInRepo).toBe('tool');
    expect(r.inputs.revision.subdirRoot).toEqual({ dir: 'tool', files: 6, present: 6, identical: 3, topPresent: 1, topIdentical: 1 });
    expect(r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical')).toEqual([]);
    expect(at(r.findings, 'main.c')).toMatchObject({ code: 'SVN_KEYWORD_EXPANDED', severity: 'low', evidence: { lines: [2], keywords: ['Id'] } });
    expect(at(r.findings, 'win/msg.c')).toMatchObject({ code: 'SVN_KEYWORD_EXPANDED', evidence: { lines: [1, 2], keywords: ['Id', 'Revision'] } });
    // the rest of the repository is not the package's: no GIT_ONLY for README.md, www/
    expect(at(r.findings, 'www/index.html')).toBeUndefined();
    expect(r.verdict).not.toBe('different');
  }, 120_000);

  it('twins: an $Id$ naming another file, or another change on the line, stays SOURCE_MODIFIED high', async () => {
    const other = await release({ ...exported(), 'main.c': EXPANDED['main.c']!.replace('$Id: main.c', '$Id: evil.c') });
    expect(at(other.findings, 'main.c')).toMatchObject({ code: 'SOURCE_MODIFIED', severity: 'high' });
    const more = await release({ ...exported(), 'main.c': EXPANDED['main.c']!.replace('";', '"; static int x = system("id");') });
    expect(at(more.findings, 'main.c')).toMatchObject({ code: 'SOURCE_MODIFIED', severity: 'high' });
    // an expanded keyword git does not have
    const added = await release({ ...exported(), 'util.c': '/* util.c $Id: util.c 1 2022-01-01 00:00:00Z x $ */\nint util(void) { return 1; }\n' });
    expect(at(added.findings, 'util.c')).toMatchObject({ code: 'SOURCE_MODIFIED', severity: 'high' });
    expect(more.verdict).toBe('different');
  }, 240_000);

  it('a release of the whole repository (a copy of tool/ inside) is compared with the top', async () => {
    const whole = { ...TOP, ...TOOL };
    const r = await release(whole, 'repo-7.3');
    expect(r.inputs.revision.pathInRepo).toBeUndefined();
    expect(r.verdict).toBe('identical');
  }, 120_000);
});

describe('subdirRoot and svnKeywordLines', () => {
  const tree = (files: Record<string, string>) => ({
    algo: 'sha1' as const,
    commit: 'c',
    entries: new Map(Object.entries(files).map(([p, oid]) => [p, { path: p, type: 'file' as const, oid, size: 1, executable: false }])),
    exportIgnored: new Set<string>(),
    converted: new Map(),
  });
  const entries = (files: Record<string, string>) => Object.entries(files).map(([p, oid]) => ({ path: `x-1/${p}`, type: 'file' as const, oid, size: 1, executable: false }));
  it('needs two byte-identical files, more than at the top, more paths tracked there than at the top, and more of the top-level files', () => {
    const git = tree({ 'a/p': '1', 'a/q': '2', 'a/r': '3', p: '9' });
    expect(subdirRoot(entries({ p: '1', q: '2', r: '0' }), 'x-1', git)).toEqual({ dir: 'a', files: 3, present: 3, identical: 2, topPresent: 1, topIdentical: 0 });
    expect(subdirRoot(entries({ p: '1', q: '0' }), 'x-1', git)).toBeUndefined();
    expect(subdirRoot(entries({ p: '9', q: '2', r: '3' }), 'x-1', tree({ 'a/q': '2', 'a/r': '3', p: '9', q: '2', r: '3' }))).toBeUndefined();
    // dayjs' shape: a types/ directory holding byte-identical copies of the package's declaration files, while the
    // package's own top-level files (package.json, README, LICENSE) are the top's: not its root
    const dayjs = tree({ 'package.json': '7', README: '8', LICENSE: '9', 'types/index.d.ts': '1', 'types/locale/a.d.ts': '2', 'types/locale/b.d.ts': '3', 'types/plugin/c.d.ts': '4', 'src/index.js': '5' });
    expect(subdirRoot(entries({ 'package.json': '0', README: '8', LICENSE: '9', 'index.d.ts': '1', 'locale/a.d.ts': '2', 'locale/b.d.ts': '3', 'plugin/c.d.ts': '4', 'locale/a.js': '6' }), 'x-1', dayjs)).toBeUndefined();
  });
  it('a root nested below a top-level directory is found when that directory tracks just more files than the top has present (the early "no directory can win" exit)', () => {
    // a/ tracks 2 files (a/b/p, a/b/q) in two runs of the tree's order, the top has 1 present (p): a/b can still win
    const git = tree({ 'a/b/p': '1', 'z/p': '7', 'a/b/q': '2', p: '9' });
    expect(subdirRoot(entries({ p: '1', q: '2', r: '0' }), 'x-1', git)).toEqual({ dir: 'a/b', files: 3, present: 2, identical: 2, topPresent: 1, topIdentical: 0 });
    // the top has as many present as a/ tracks: no directory can be chosen
    expect(subdirRoot(entries({ p: '1', q: '2', r: '0' }), 'x-1', tree({ 'a/b/p': '1', 'a/b/q': '2', p: '9', q: '8' }))).toBeUndefined();
  });
  it('an expansion is the only change, naming the file itself', () => {
    expect(svnKeywordLines('# $Id$\nx\n', '# $Id: f.sh 5 2022-02-01 18:39:20Z chrfranke $\nx\n', 'f.sh')).toEqual({ lines: [1], keywords: ['Id'] });
    expect(svnKeywordLines('# $HeadURL$\n', '# $HeadURL: https://svn.example.invalid/p/trunk/f.sh $\n', 'f.sh')).toEqual({ lines: [1], keywords: ['HeadURL'] });
    expect(svnKeywordLines('# $Id$\n', '# $Id: g.sh 5 2022-02-01 18:39:20Z chrfranke $\n', 'f.sh')).toBeUndefined();
    expect(svnKeywordLines('# $Id$\n', '# $Id: f.sh 5 2022-02-01 18:39:20Z chrfranke $ x\n', 'f.sh')).toBeUndefined();
    // $Revision$ alone names no file
    expect(svnKeywordLines('v $Revision$\n', 'v $Revision: 4 $\n', 'f.c')).toBeUndefined();
    expect(svnKeywordLines('# $Id$\n', '# $Id: f.sh 5 2022-02-01 18:39:20Z chrfranke $\nextra\n', 'f.sh')).toBeUndefined();
    // the free fields hold only what Subversion writes there: an author, a URL or a path that closes a C string or a
    // shell quote and goes on with code (no space needed: /**/, ;, <) is not an expansion
    expect(svnKeywordLines('s = "$Id$";\n', 's = "$Id: f.c 5 2022-02-01 18:39:20Z x";int/**/y=system("id");//" $";\n', 'f.c')).toBeUndefined();
    expect(svnKeywordLines("t=`echo '$Id$'`\n", "t=`echo '$Id: f.sh 5 2022-02-01 18:39:20Z x';sh<f;echo' $'`\n", 'f.sh')).toBeUndefined();
    expect(svnKeywordLines("t='$HeadURL$'\n", "t='$HeadURL: https://x/';id;'/f.sh $'\n", 'f.sh')).toBeUndefined();
    expect(svnKeywordLines('# $Header$\n', '# $Header: /x`id`/f.sh 5 2022-02-01 18:39:20Z x $\n', 'f.sh')).toBeUndefined();
    expect(svnKeywordLines('# $Id$ $Author$\n', '# $Id: f.sh 5 2022-02-01 18:39:20Z x $ $Author: a|b $\n', 'f.sh')).toBeUndefined();
    // what Subversion writes stays accepted: user names with dots, dashes, @; URLs with ports, %-escapes, ~
    expect(svnKeywordLines('# $Id$ $Author$\n', '# $Id: f.sh 5 2022-02-01 18:39:20Z j.doe-2@example.org $ $Author: j.doe-2@example.org $\n', 'f.sh')).toBeDefined();
    expect(svnKeywordLines('# $HeadURL$\n', '# $HeadURL: svn+ssh://svn.example.org:3690/~p/trunk/a%20b/f.sh $\n', 'f.sh')).toBeDefined();
  });
});
