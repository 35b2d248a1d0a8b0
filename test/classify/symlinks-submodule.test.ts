/**
 * Symlinks in git into a submodule, shipped dereferenced (bison's data/m4sugar/m4sugar.m4 ->
 * ../../submodules/autoconf/lib/m4sugar/m4sugar.m4): with the submodule's repository given, the tarball file
 * must be the target's blob at exactly the pinned commit. Real repositories built here, real GNU tar.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { git, makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const V1 = "# m4sugar.m4 -- the pinned version\nm4_define([m4_foo], [1])\n";
const V2 = "# m4sugar.m4 -- a later version\nm4_define([m4_foo], [2])\n";

describe('a symlink into a pinned submodule, shipped as the file', () => {
  const root = tempDir();
  const sub = makeRepo(join(root, 'autoconf'));
  const pinned = sub.commit({ 'lib/m4sugar/m4sugar.m4': V1 }, 'v1', '2024-01-10T10:00:00Z');
  const later = sub.commit({ 'lib/m4sugar/m4sugar.m4': V2 }, 'v2', '2024-02-10T10:00:00Z');
  const blobOf = (commit: string) => git(sub.dir, ['rev-parse', `${commit}:lib/m4sugar/m4sugar.m4`]);
  const proj = makeRepo(join(root, 'proj'));
  proj.commit({
    '.gitmodules': `[submodule "submodules/autoconf"]\n\tpath = submodules/autoconf\n\turl = ${sub.dir}\n`,
    'data/m4sugar/m4sugar.m4': { symlink: '../../submodules/autoconf/lib/m4sugar/m4sugar.m4' },
    'data/m4sugar/gone.m4': { symlink: '../../submodules/autoconf/lib/m4sugar/gone.m4' },
    'src/main.c': 'int main (void) { return 0; }\n',
  }, 'project', '2024-03-01T10:00:00Z');
  proj.git(['update-index', '--add', '--cacheinfo', `160000,${pinned},submodules/autoconf`]);
  proj.git(['commit', '-q', '-m', 'pin autoconf']);
  proj.tag('v1.0');
  let n = 0;
  const run = async (files: Record<string, string>, withSub = true) => {
    const dir = join(root, `t${++n}`, 'proj-1.0');
    writeFiles(dir, { '.gitmodules': `[submodule "submodules/autoconf"]\n\tpath = submodules/autoconf\n\turl = ${sub.dir}\n`, 'src/main.c': 'int main (void) { return 0; }\n', ...files });
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.0.tar.gz') }), repo: proj.dir, cacheDir: join(root, `c${n}`), ...(withSub ? { submodules: [{ name: 'submodules/autoconf', repo: sub.dir }] } : {}) });
    return { r, by: Object.fromEntries(r.findings.map((f) => [f.path, { code: f.code, severity: f.severity, evidence: f.evidence }])) };
  };

  it('the pinned blob explains it, with the link, the commit and the blob', async () => {
    const { r, by } = await run({ 'data/m4sugar/m4sugar.m4': V1 });
    expect(by['data/m4sugar/m4sugar.m4']).toEqual({
      code: 'SYMLINK_AS_FILE', severity: 'info',
      evidence: { target: '../../submodules/autoconf/lib/m4sugar/m4sugar.m4', resolved: 'submodules/autoconf/lib/m4sugar/m4sugar.m4', submodule: 'submodules/autoconf', pinned: { commit: pinned, blob: blobOf(pinned) } },
    });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('another version (even the submodule\'s newer one), a changed line, or a target the pinned tree lacks stays high with what was compared', async () => {
    const { r, by } = await run({ 'data/m4sugar/m4sugar.m4': V2, 'data/m4sugar/gone.m4': V1 });
    expect(by['data/m4sugar/m4sugar.m4']).toEqual({
      code: 'TYPE_CHANGED', severity: 'high',
      evidence: { git: 'symlink', tarball: 'file', compared: { submodule: 'submodules/autoconf', commit: pinned, file: 'lib/m4sugar/m4sugar.m4', blob: blobOf(pinned), tarball: blobOf(later) } },
    });
    expect(by['data/m4sugar/gone.m4']).toMatchObject({ code: 'TYPE_CHANGED', severity: 'high', evidence: { compared: { file: 'lib/m4sugar/gone.m4', tarball: blobOf(pinned) } } });
    expect((by['data/m4sugar/gone.m4']!.evidence as { compared: { blob?: string } }).compared.blob).toBeUndefined();
    expect(exitCodeOf(r.verdict)).toBe(1);
    const oneLine = await run({ 'data/m4sugar/m4sugar.m4': V1.replace('[1]', '[1]) m4_esyscmd([sh -c x])') });
    expect(oneLine.by['data/m4sugar/m4sugar.m4']).toMatchObject({ code: 'TYPE_CHANGED', severity: 'high' });
  });

  it('without the submodule\'s repository (a local .gitmodules URL is not followed) it stays TYPE_CHANGED', async () => {
    const { by } = await run({ 'data/m4sugar/m4sugar.m4': V1 }, false);
    expect(by['data/m4sugar/m4sugar.m4']).toEqual({ code: 'TYPE_CHANGED', severity: 'high', evidence: { git: 'symlink', tarball: 'file' } });
  });
});
