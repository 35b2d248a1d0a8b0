/**
 * A directory a tracked script fills with the GitHub archive of a pinned commit (memcached's vendor/fetch.sh:
 * `HASH=<40 hex>`, `wget https://github.com/OWNER/NAME/archive/${HASH}.tar.gz`, `tar -zxf ./${HASH}.tar.gz
 * --strip-components=1`) is read like a submodule pinned there: the tarball's copies are compared with that commit's
 * tree (--submodule PATH=REPO gives the repository). End to end with real git and GNU tar; a changed copy stays high.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fetchScriptPin } from '../../src/acquire/submodule.js';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const script = (hash: string) => `#!/bin/sh\nHASH="${hash}"\nwget https://github.com/example/project-vendor/archive/\${HASH}.tar.gz\ntar -zxf ./\${HASH}.tar.gz --strip-components=1\nrm \${HASH}.tar.gz\n`;
const H = 'a'.repeat(40);

describe('a directory a tracked fetch script fills from a pinned commit', () => {
  it('reads the pin only from the exact shape', () => {
    expect(fetchScriptPin(script(H))).toEqual({ url: 'https://github.com/example/project-vendor', commit: H });
    expect(fetchScriptPin(script(H).replace('--strip-components=1', ''))).toBeUndefined();
    expect(fetchScriptPin(script(H).replace('https://github.com/', 'https://example.invalid/'))).toBeUndefined();
    expect(fetchScriptPin(script(H).replace('HASH="', `OTHER="${'b'.repeat(40)}"\nHASH="`))).toBeUndefined(); // which one?
    expect(fetchScriptPin(script(H).replace('#!/bin/sh', '#!/usr/bin/perl'))).toBeUndefined();
    expect(fetchScriptPin(script('main'))).toBeUndefined(); // a branch pins nothing
  });

  const root = tempDir();
  const vendor = makeRepo(join(root, 'vendor'));
  const pin = vendor.commit({ 'README.md': 'vendored\n', 'lua/lapi.c': 'int lua_api;\n', 'lua/Makefile': 'all:\n' }, 'vendor', '2024-01-02T10:00:00Z');
  const repo = makeRepo(join(root, 'repo'));
  repo.commit({ 'vendor/fetch.sh': { content: script(pin), executable: true }, 'main.c': 'int main;\n' }, 'sources', '2024-03-05T10:00:00Z');
  repo.tag('v1.0');
  let n = 0;
  const run = async (files: Record<string, string>) => {
    const dir = join(root, `t${++n}`, 'proj-1.0');
    writeFiles(dir, { 'vendor/fetch.sh': { content: script(pin), executable: true }, 'main.c': 'int main;\n', ...files });
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.0.tar.gz') }), repo: repo.dir, cacheDir: join(root, `c${n}`), submodules: [{ name: 'vendor', repo: vendor.dir }] });
    return { r, by: Object.fromEntries(r.findings.map((f) => [f.path, f])) };
  };

  it('the vendored files are copies of the pinned tree (exit 0); the note names the script', async () => {
    const { r, by } = await run({ 'vendor/lua/lapi.c': 'int lua_api;\n', 'vendor/lua/Makefile': 'all:\n', 'vendor/README.md': 'vendored\n' });
    expect(by['vendor/lua/lapi.c']).toMatchObject({ code: 'SUBMODULE_COPY', evidence: { submodule: 'vendor', commit: pin, file: 'lua/lapi.c' } });
    expect(by['vendor/lua/Makefile']).toMatchObject({ code: 'SUBMODULE_COPY' });
    expect(r.notes).toContainEqual(expect.objectContaining({ code: 'SUBMODULE_PINNED', name: 'vendor', path: 'vendor', commit: pin, pinnedBy: 'fetch-script', script: 'vendor/fetch.sh' }));
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('twins stay high: a changed vendored file, a file the pinned tree lacks', async () => {
    const { r, by } = await run({ 'vendor/lua/lapi.c': 'int lua_api; int hook;\n', 'vendor/lua/lextra.c': 'int extra;\n' });
    expect(by['vendor/lua/lapi.c']).toMatchObject({ severity: 'high' });
    expect(by['vendor/lua/lextra.c']).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(exitCodeOf(r.verdict)).toBe(1);
  });
});
