/**
 * The regeneration's "nothing to do" decision (src/regenerate/applicable.ts), asked before the generator code
 * is loaded: its report must be exactly regenerate()'s, and a verify run loads ./regenerate.ts only by a
 * dynamic import (README "Performance": a run with no tarball-only configure never loads it).
 */
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nothingToRegenerate } from '../../src/regenerate/applicable.js';
import { regenerate, type RegenerateMode } from '../../src/regenerate/regenerate.js';
import type { GitTree, PathDiff, TreeEntry } from '../../src/core/types.js';

const file = (path: string): TreeEntry => ({ path, type: 'file', executable: false, size: 3, oid: 'a'.repeat(40) });
const link = (path: string): TreeEntry => ({ path, type: 'symlink', executable: false, size: 0, oid: 'b'.repeat(40), linkTarget: 'x' });
const git: GitTree = { algo: 'sha1', commit: 'c'.repeat(40), entries: new Map([['configure.ac', file('configure.ac')]]), exportIgnored: new Set(), converted: new Map() };

const cases: [string, RegenerateMode, PathDiff[], 'off' | 'not-applicable' | undefined][] = [
  ['mode off, even with a tarball-only configure', 'off', [{ path: 'configure', status: 'tarball-only', tarball: file('configure') }], 'off'],
  ['no differences', 'auto', [], 'not-applicable'],
  ['differences, none named configure', 'auto', [{ path: 'Makefile', status: 'changed', changes: ['content'], tarball: file('Makefile'), git: file('Makefile') }, { path: 'scripts/setlocalversion', status: 'tarball-only', tarball: file('scripts/setlocalversion') }], 'not-applicable'],
  ['configure changed (tracked), not tarball-only', 'auto', [{ path: 'configure', status: 'changed', changes: ['content'], tarball: file('configure'), git: file('configure') }], 'not-applicable'],
  ['configure only in git', 'require', [{ path: 'configure', status: 'git-only', git: file('configure') }], 'not-applicable'],
  ['a tarball-only configure that is a symlink', 'auto', [{ path: 'configure', status: 'tarball-only', tarball: link('configure') }], 'not-applicable'],
  ['a name ending in configure is not configure', 'auto', [{ path: 'reconfigure', status: 'tarball-only', tarball: file('reconfigure') }], 'not-applicable'],
  ['a tarball-only configure at the top', 'auto', [{ path: 'configure', status: 'tarball-only', tarball: file('configure') }], undefined],
  ['a tarball-only configure in a subdirectory', 'auto', [{ path: 'x', status: 'tarball-only', tarball: file('x') }, { path: 'sub/dir/configure', status: 'tarball-only', tarball: file('sub/dir/configure') }], undefined],
];

describe('nothingToRegenerate', () => {
  it.each(cases)('%s', (_name, mode, diffs, status) => {
    const r = nothingToRegenerate(mode, diffs);
    if (status === undefined) expect(r).toBeUndefined();
    else expect(r).toEqual({ status, cause: status === 'off' ? { kind: 'disabled', args: {} } : { kind: 'no-configure', args: {} }, tools: [], outputs: new Map(), placeholders: 0, ms: 0 });
  });

  it.each(cases.filter((c) => c[3] !== undefined))('regenerate() reports the same: %s', async (_name, mode, diffs) => {
    const r = await regenerate({ mode, cacheDir: '/nonexistent', algo: 'sha1', git, diffs, readGit: async () => undefined, tarball: () => undefined, path: '/nonexistent' });
    expect({ ...r, ms: 0 }).toEqual(nothingToRegenerate(mode, diffs));
  });
});

describe('the generator code is loaded on demand', () => {
  const SRC = resolve(__dirname, '../../src');
  /** Static imports only (`import … from`, `export … from`): what loading a module loads with it. */
  const staticDeps = (rel: string): string[] =>
    [...readFileSync(resolve(SRC, rel), 'utf8').matchAll(/^(?:import|export)\s(?!type\s)[^;]*?from\s+'(\.{1,2}\/[^']+)\.js'/gm)].map((m) => relative(SRC, resolve(dirname(resolve(SRC, rel)), m[1]! + '.ts')));
  const closure = (start: string): Set<string> => {
    const seen = new Set<string>();
    const todo = [start];
    while (todo.length) {
      const m = todo.pop()!;
      if (seen.has(m)) continue;
      seen.add(m);
      todo.push(...staticDeps(m));
    }
    return seen;
  };

  it('neither the CLI nor verify() loads regenerate.ts, the toolchain builder or their own modules up front', () => {
    const loaded = closure('cli.ts');
    expect(loaded.has('verify.ts')).toBe(true);
    expect(loaded.has('regenerate/applicable.ts')).toBe(true);
    const lazy = ['regenerate/regenerate.ts', 'regenerate/toolchain.ts', 'regenerate/toolchain-git.ts', 'regenerate/make-replay.ts', 'regenerate/autotest.ts', 'regenerate/post-edit.ts', 'regenerate/libtool-build.ts'];
    expect(lazy.filter((m) => loaded.has(m))).toEqual([]);
  });

  it('the closure helper sees a static import (checked on regenerate.ts itself)', () => {
    expect(closure('regenerate/regenerate.ts').has('regenerate/make-replay.ts')).toBe(true);
  });
});
