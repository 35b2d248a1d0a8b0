/**
 * Subpath alias stubs (rxjs 7.8.1: tools/generate-alias.js writes ajax/, fetch/, operators/, testing/ and webSocket/
 * package.json for bundlers that do not read `exports`; they were TARBALL_ONLY_UNEXPLAINED high). A tagged repository
 * whose package.json exports `./ajax`, the build output and the stub written untracked, packed by the real npm pack.
 * Twins: a stub reaching a file the subpath's export does not name, another name, another field, an unexported subpath.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verify } from '../../src/verify.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { npmPack as npmPackIn } from '../helpers/npm-pack.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-npm-subpath-');
const cacheDir = join(root, 'cache');

const PKG = {
  name: 'rxlike',
  version: '7.8.1',
  main: './dist/cjs/index.js',
  sideEffects: false,
  files: ['dist', 'ajax', 'extra'],
  exports: {
    '.': { node: './dist/cjs/index.js', default: './dist/esm5/index.js' },
    './ajax': { types: './dist/types/ajax/index.d.ts', node: './dist/cjs/ajax/index.js', es2015: './dist/esm/ajax/index.js', default: './dist/esm5/ajax/index.js' },
  },
};
const STUB = {
  name: 'rxlike/ajax',
  types: '../dist/types/ajax/index.d.ts',
  main: '../dist/cjs/ajax/index.js',
  module: '../dist/esm5/ajax/index.js',
  es2015: '../dist/esm/ajax/index.js',
  sideEffects: false,
};
const BUILT: Record<string, string> = {
  'dist/cjs/index.js': 'exports.x = 1;\n',
  'dist/esm5/index.js': 'export var x = 1;\n',
  'dist/cjs/ajax/index.js': 'exports.ajax = 1;\n',
  'dist/esm5/ajax/index.js': 'export var ajax = 1;\n',
  'dist/esm/ajax/index.js': 'export const ajax = 1;\n',
  'dist/types/ajax/index.d.ts': 'export declare const ajax = 1;\n',
};

let n = 0;
async function release(stubs: Record<string, unknown>) {
  const dir = join(root, `pkg-${++n}`);
  const repo = makeRepo(dir);
  repo.commit({
    'package.json': JSON.stringify(PKG, null, 2) + '\n',
    'src/index.ts': 'export const x = 1;\n',
    'src/ajax/index.ts': 'export const ajax = 1;\n',
    '.gitignore': 'dist/\najax/\nextra/\n',
  });
  repo.tag('7.8.1');
  writeFiles(dir, { ...BUILT, ...Object.fromEntries(Object.entries(stubs).map(([p, v]) => [p, JSON.stringify(v, null, 2) + '\n'])) });
  const packs = join(root, `packs-${n}`);
  mkdirSync(packs);
  const r = await verify({ tarball: npmPackIn(dir, packs, join(root, 'npm-cache')), repo: dir, cacheDir });
  return (path: string) => r.findings.find((f) => f.path === path)!;
}

describe('subpath alias stubs', () => {
  it("a stub naming only files git's exports['./ajax'] names: PACKAGE_METADATA (npm-subpath-stub), info", async () => {
    const at = await release({ 'ajax/package.json': STUB });
    expect(at('ajax/package.json')).toMatchObject({ code: 'PACKAGE_METADATA', severity: 'info', evidence: { ecosystem: 'npm', kind: 'npm-subpath-stub', source: 'package.json' } });
  }, 60_000);

  it('twins stay high: the root entry point, another name, a bin field, a subpath git does not export', async () => {
    const at = await release({
      'ajax/package.json': { ...STUB, main: '../dist/cjs/index.js' },
      'extra/package.json': { ...STUB, name: 'rxlike/extra' },
    });
    expect(at('ajax/package.json')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(at('extra/package.json')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    const at2 = await release({ 'ajax/package.json': { ...STUB, name: 'rxlike-evil/ajax' } });
    expect(at2('ajax/package.json')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    const at3 = await release({ 'ajax/package.json': { ...STUB, bin: { ajax: '../dist/cjs/ajax/index.js' } } });
    expect(at3('ajax/package.json')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  }, 120_000);
});
