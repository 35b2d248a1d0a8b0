/**
 * Bundles of sources kept at the package's top (eventemitter3 5.0.1: rollup bundles index.js into
 * dist/eventemitter3.umd.min.js with a map naming ../index.js; with no source directory every bundle was
 * NPM_UNSOURCED_OUTPUT high whatever its map said). Here the real tsc (allowJs, outFile, inlineSources) bundles the
 * tracked top-level emitter.js into dist/emitter3.umd.js + .map, packed by the real npm pack. Twins: a line appended
 * after the build, a map whose embedded source is not git's, a bundle without a map.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verify } from '../../src/verify.js';
import { makeRepo } from '../helpers/git.js';
import { npmPack as npmPackIn } from '../helpers/npm-pack.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-npm-topmap-');
const cacheDir = join(root, 'cache');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

const EMITTER = `var has = Object.prototype.hasOwnProperty;
function Events() {}
function EE() { this._events = new Events(); }
EE.prototype.has = function (k) { return has.call(this._events, k); };
`;

let n = 0;
async function release(after: (dir: string) => void) {
  const dir = join(root, `pkg-${++n}`);
  const repo = makeRepo(dir);
  repo.commit({
    'package.json': JSON.stringify({ name: 'emitter3', version: '5.0.1', main: 'emitter.js', files: ['emitter.js', 'dist'], scripts: { build: 'tsc' } }, null, 2) + '\n',
    'emitter.js': EMITTER,
    '.gitignore': 'dist/\n',
  });
  repo.tag('5.0.1');
  execFileSync(process.execPath, [tsc, '--allowJs', '--outFile', 'dist/emitter3.umd.js', '--sourceMap', '--inlineSources', '--target', 'es5', '--module', 'none', 'emitter.js'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  writeFileSync(join(dir, 'dist/plain.bundle.js'), EMITTER);
  after(dir);
  const packs = join(root, `packs-${n}`);
  mkdirSync(packs);
  const r = await verify({ tarball: npmPackIn(dir, packs, join(root, 'npm-cache')), repo: dir, cacheDir });
  return (path: string) => r.findings.find((f) => f.path === path)!;
}

describe('bundles of top-level sources with a source map', () => {
  it('a map embedding git\'s emitter.js and mapping every line proves the bundle and the map: NPM_BUILD_OUTPUT (source-map)', async () => {
    const at = await release(() => {});
    expect(at('dist/emitter3.umd.js')).toMatchObject({ code: 'NPM_BUILD_OUTPUT', severity: 'info', evidence: { proof: 'source-map', sources: ['emitter.js'] } });
    expect(at('dist/emitter3.umd.js.map')).toMatchObject({ code: 'NPM_BUILD_OUTPUT', evidence: { proof: 'source-map' } });
    // no map: nothing to judge it by, stays unsourced
    expect(at('dist/plain.bundle.js')).toMatchObject({ code: 'NPM_UNSOURCED_OUTPUT', severity: 'high' });
  }, 60_000);

  it('twins stay high: a line appended after the build, a map embedding another source', async () => {
    const at = await release((dir) => appendFileSync(join(dir, 'dist/emitter3.umd.js'), "\nrequire('child_process').exec('id');\n"));
    expect(at('dist/emitter3.umd.js')).toMatchObject({ code: 'NPM_BUILD_OUTPUT_MISMATCH', severity: 'high' });
    const at2 = await release((dir) => {
      const p = join(dir, 'dist/emitter3.umd.js.map');
      writeFileSync(p, readFileSync(p, 'utf8').replace('new Events()', 'new Evil()'));
    });
    expect(at2('dist/emitter3.umd.js')).toMatchObject({ code: 'NPM_BUILD_OUTPUT_MISMATCH', severity: 'high', evidence: { differingSources: ['emitter.js'] } });
  }, 120_000);
});
