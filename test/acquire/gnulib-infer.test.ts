/**
 * The gnulib commit inferred from a release's gnulib copies (src/acquire/gnulib-infer.ts), on a real gnulib-shaped
 * repository built here with fixed dates: a history in which each listed file changes at a known commit, and
 * releases shipping the copies of one commit, a tampered copy, a copy from a later commit, too few copies.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inferGnulibCommit, listedCopies } from '../../src/acquire/gnulib-infer.js';
import { git, makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const COMP = (files: string[]) => `# DO NOT EDIT! GENERATED AUTOMATICALLY!
AC_DEFUN([gl_INIT],
[
  gl_m4_base='gnulib-m4'
  gl_source_base='lib'
  gl_source_base='tests'
])

AC_DEFUN([gl_FILE_LIST], [
${files.map((f) => `  ${f}`).join('\n')}
])
`;
const LISTED = ['build-aux/config.rpath', 'lib/a.c', 'lib/b.c', 'lib/c.h', 'lib/d.c', 'm4/a.m4', 'm4/b.m4', 'tests=lib/e.c', 'tests/test-a.c'];

describe('inferGnulibCommit', () => {
  const root = tempDir();
  const g = makeRepo(join(root, 'gnulib'));
  const v = (p: string, n: number) => `/* ${p}, version ${n} */\nint x${n};\n`;
  const all = (n: number) => Object.fromEntries(['build-aux/config.rpath', 'lib/a.c', 'lib/b.c', 'lib/c.h', 'lib/d.c', 'm4/a.m4', 'm4/b.m4', 'lib/e.c', 'tests/test-a.c'].map((p) => [p, v(p, n)]));
  // c1: every file at version 1; c2..c4 change one file each; c5 is dated after the tag
  const c1 = g.commit({ ...all(1), 'modules/a': 'Files:\nlib/a.c\n' }, 'import', '2021-01-01T00:00:00+00:00');
  const c2 = g.commit({ 'lib/a.c': v('lib/a.c', 2) }, 'a 2', '2021-02-01T00:00:00+00:00');
  const c3 = g.commit({ 'ChangeLog': 'unrelated\n' }, 'unrelated', '2021-03-01T00:00:00+00:00');
  const c4 = g.commit({ 'lib/b.c': v('lib/b.c', 2) }, 'b 2', '2021-04-01T00:00:00+00:00');
  const c5 = g.commit({ 'lib/c.h': v('lib/c.h', 2), 'lib/b.c': v('lib/b.c', 3) }, 'after the tag', '2021-06-01T00:00:00+00:00');
  const gitDir = join(g.dir, '.git');
  const oid = (text: string) => execFileSync('git', ['hash-object', '--stdin'], { input: text }).toString().trim();
  /** A release tree: the listed gnulib files as gnulib-tool lays them out (m4 → gnulib-m4/, tests=lib → tests/), at version `at` per file. */
  const release = (at: Record<string, number>, extra: Record<string, string> = {}) => {
    const texts = new Map<string, string>();
    const dest: Record<string, string> = { 'build-aux/config.rpath': 'build-aux/config.rpath', 'lib/a.c': 'lib/a.c', 'lib/b.c': 'lib/b.c', 'lib/c.h': 'lib/c.h', 'lib/d.c': 'lib/d.c', 'm4/a.m4': 'gnulib-m4/a.m4', 'm4/b.m4': 'gnulib-m4/b.m4', 'lib/e.c': 'tests/e.c', 'tests/test-a.c': 'tests/test-a.c' };
    for (const [p, d] of Object.entries(dest)) texts.set(d, v(p, at[p] ?? 1));
    texts.set('gnulib-m4/gnulib-comp.m4', COMP(LISTED));
    texts.set('src/main.c', 'int main (void) { return 0; }\n');
    for (const [p, t] of Object.entries(extra)) texts.set(p, t);
    return { shipped: new Map([...texts].map(([p, t]) => [p, oid(t)])), read: (p: string) => texts.get(p) };
  };
  const before = '2021-05-01T00:00:00+00:00';

  it('lists the shipped copies by gnulib path through the layout of gnulib-comp.m4', () => {
    const r = release({});
    const { wanted, from } = listedCopies(r.shipped, r.read);
    expect(from).toEqual(['gnulib-m4/gnulib-comp.m4']);
    expect([...wanted.keys()].sort()).toEqual(['build-aux/config.rpath', 'lib/a.c', 'lib/b.c', 'lib/c.h', 'lib/d.c', 'lib/e.c', 'm4/a.m4', 'm4/b.m4', 'tests/test-a.c']);
    expect([...wanted.get('m4/a.m4')!]).toEqual([r.shipped.get('gnulib-m4/a.m4')]);
  });

  it('the newest commit not after the tag at which every copy is gnulib’s bytes', async () => {
    // a.c 2, b.c 2: c4 (c5 is after the tag and changes c.h)
    expect(await inferGnulibCommit({ gitDir, before, ...rel({ 'lib/a.c': 2, 'lib/b.c': 2 }) })).toEqual({ commit: c4, matched: 9, compared: 9, from: ['gnulib-m4/gnulib-comp.m4'], ref: 'main', before });
    // a.c 2, b.c 1: c2 and c3 hold those bytes; c3 is the newer
    expect(await inferGnulibCommit({ gitDir, before, ...rel({ 'lib/a.c': 2 }) })).toMatchObject({ commit: c3, matched: 9 });
    // every file at version 1: only c1
    expect(await inferGnulibCommit({ gitDir, before, ...rel({}) })).toMatchObject({ commit: c1, matched: 9 });
    // with the tag after c5, the same release still pins c4 (c5's c.h 2 and b.c 3 are not shipped)
    expect(await inferGnulibCommit({ gitDir, before: '2022-01-01T00:00:00+00:00', ...rel({ 'lib/a.c': 2, 'lib/b.c': 2 }) })).toMatchObject({ commit: c4, matched: 9 });
  });

  it('tampered twin: one changed line in a lib/ copy casts no vote and does not move the commit', async () => {
    const t = release({ 'lib/a.c': 2 }, { 'lib/a.c': v('lib/a.c', 2).replace('int x2;', 'int x2; system("id");') });
    expect(await inferGnulibCommit({ gitDir, before, shipped: t.shipped, read: t.read })).toMatchObject({ commit: c3, matched: 8, compared: 9 });
    // even when the changed copy is the file that separates the commits (a.c: c1 or c2), the rest decide: the newest
    // commit all the others match is c3, which the tampered a.c matches no more than any other
    const t2 = release({}, { 'lib/a.c': v('lib/a.c', 1).replace('int x1;', 'int x1; system("id");') });
    expect(await inferGnulibCommit({ gitDir, before, shipped: t2.shipped, read: t2.read })).toMatchObject({ commit: c3, matched: 8 });
  });

  it('tampered twin: a copy from a newer gnulib than the rest is outvoted (the commit of the rest is inferred)', async () => {
    // every file of c1 but c.h from c5 (after the tag, and after a.c changed): c1 wins with 8 of 9
    const t = release({ 'lib/c.h': 2 });
    expect(await inferGnulibCommit({ gitDir, before: '2022-01-01T00:00:00+00:00', shipped: t.shipped, read: t.read })).toMatchObject({ commit: c1, matched: 8, compared: 9 });
  });

  it('nothing inferred: fewer than 5 listed copies shipped, or no commit matching half of them, or no gnulib-comp.m4', async () => {
    const few = release({});
    for (const p of ['lib/a.c', 'lib/b.c', 'lib/c.h', 'lib/d.c', 'gnulib-m4/a.m4']) few.shipped.delete(p);
    expect(await inferGnulibCommit({ gitDir, before, shipped: few.shipped, read: few.read })).toBeUndefined();
    const own = release({}, Object.fromEntries(['lib/a.c', 'lib/b.c', 'lib/c.h', 'lib/d.c', 'gnulib-m4/a.m4'].map((p) => [p, `/* the project's own ${p} */\n`])));
    expect(await inferGnulibCommit({ gitDir, before, shipped: own.shipped, read: own.read })).toBeUndefined();
    const none = release({});
    none.shipped.delete('gnulib-m4/gnulib-comp.m4');
    expect(await inferGnulibCommit({ gitDir, before, shipped: none.shipped, read: none.read })).toBeUndefined();
    // a tag before gnulib's first commit
    expect(await inferGnulibCommit({ gitDir, before: '2020-01-01T00:00:00+00:00', ...rel({}) })).toBeUndefined();
  });

  it('a branch other than master is walked when named, and a missing branch infers nothing', async () => {
    git(g.dir, ['branch', 'stable-2021', c2]);
    expect(await inferGnulibCommit({ gitDir, before, branch: 'stable-2021', ...rel({ 'lib/a.c': 2, 'lib/b.c': 2 }) })).toMatchObject({ commit: c2, matched: 8, ref: 'stable-2021' });
    expect(await inferGnulibCommit({ gitDir, before, branch: 'nope', ...rel({}) })).toBeUndefined();
  });

  function rel(at: Record<string, number>) {
    const r = release(at);
    return { shipped: r.shipped, read: r.read };
  }
  void c5;
});
