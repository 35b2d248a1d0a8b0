/**
 * tsc's CommonJS output of an aliased import (rimraf 5.0.5: `import { promises as fsPromises } from './fs.js'` then
 * `const { lstat, … } = fsPromises` is written `const { lstat, … } = fs_js_1.promises;`, mapped to the source line,
 * whose names lack `promises`: dist/commonjs/rimraf-move-remove.js was NPM_BUILD_OUTPUT_MISMATCH high, the whole exit 1).
 * The real tsc builds such a package (module commonjs, inlineSources), packed by the real npm pack. Twins: a name the
 * import list does not alias, read from the module instead, stays a mismatch.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importAliases } from '../../src/profiles/npm-dist.js';
import { verify } from '../../src/verify.js';
import { makeRepo } from '../helpers/git.js';
import { npmPack as npmPackIn } from '../helpers/npm-pack.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-npm-alias-');
const cacheDir = join(root, 'cache');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

const FS_TS = `export const promises = { lstat: async (p: string) => p.length, unlink: async (p: string) => p };\nexport const exec = (c: string) => c;\n`;
const MOVE_TS = `import { promises as fsPromises } from './fs.js';
const { lstat, unlink } = fsPromises;
export const remove = async (p: string) => (await lstat(p)) > 0 && unlink(p);
`;

let n = 0;
async function release(edit: (text: string) => string) {
  const dir = join(root, `pkg-${++n}`);
  const repo = makeRepo(dir);
  repo.commit({
    'package.json': JSON.stringify({ name: 'rmlike', version: '5.0.5', main: 'dist/move.js', files: ['dist'], scripts: { prepare: 'tsc' } }, null, 2) + '\n',
    'tsconfig.json': JSON.stringify({ compilerOptions: { rootDir: 'src', outDir: 'dist', module: 'commonjs', target: 'es2022', sourceMap: true, inlineSources: true, strict: true }, include: ['src'] }, null, 2) + '\n',
    'src/fs.ts': FS_TS,
    'src/move.ts': MOVE_TS,
    '.gitignore': 'dist/\n',
  });
  repo.tag('v5.0.5');
  execFileSync(process.execPath, [tsc, '-p', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = join(dir, 'dist/move.js');
  writeFileSync(out, edit(readFileSync(out, 'utf8')));
  const packs = join(root, `packs-${n}`);
  mkdirSync(packs);
  const r = await verify({ tarball: npmPackIn(dir, packs, join(root, 'npm-cache')), repo: dir, cacheDir });
  return (path: string) => r.findings.find((f) => f.path === path)!;
}

describe('aliased imports in tsc CommonJS output', () => {
  it('`fs_js_1.promises` for the source\'s `fsPromises`: NPM_BUILD_OUTPUT (source-map)', async () => {
    let built = '';
    const at = await release((t) => (built = t));
    // what the compiler wrote (a tsc writing another shape fails here first)
    expect(built).toContain('const { lstat, unlink } = fs_js_1.promises;');
    expect(at('dist/move.js')).toMatchObject({ code: 'NPM_BUILD_OUTPUT', severity: 'info', evidence: { proof: 'source-map' } });
  }, 60_000);

  it('twin: another export of the module read in its place stays NPM_BUILD_OUTPUT_MISMATCH high', async () => {
    const at = await release((t) => t.replace('const { lstat, unlink } = fs_js_1.promises;', 'const { lstat, unlink } = fs_js_1.exec;'));
    expect(at('dist/move.js')).toMatchObject({ code: 'NPM_BUILD_OUTPUT_MISMATCH', severity: 'high' });
  }, 60_000);

  it('importAliases reads only `import { A as B } from` lists', () => {
    expect([...importAliases("import { promises as fsPromises, stat } from 'fs';\nimport D, { type T as U } from 'x';\nconst { a as b } = c;\nimport { default as d } from 'y';")]).toEqual([['fsPromises', 'promises'], ['U', 'T']]);
  });
});
