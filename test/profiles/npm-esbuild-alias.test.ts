/**
 * esbuild resolves a name a module imports under an alias and re-exports (`import { getValue as consumeTag } from
 * './autotracking'` then `export { consumeTag }`) to the binding itself: the importer's `consumeTag(c)` is written
 * `getValue(c)`. reselect 5.1.1's dist/cjs/reselect.cjs (holdout30) had two such lines from src/autotrackMemoize/
 * tracking.ts, read as code no mapping covers (NPM_BUILD_OUTPUT_MISMATCH, high). The re-exporting module must be among the
 * map's sources (it has code of its own, as reselect's has): a module of re-exports only is not in the map and not read. The bundle here is what the real
 * esbuild of this repository's devDependencies writes for the sources below (`--bundle --format=esm --sourcemap
 * --sources-content`), packed by the real npm pack from a real git tag. Twin: the mapped line calling setValue — a binding
 * the module also re-exports, under its own name — where the source says consumeTag stays NPM_BUILD_OUTPUT_MISMATCH high.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reexportAliases } from '../../src/profiles/npm-dist.js';
import { writeFiles } from '../helpers/git.js';
import { npmReleaseMaker } from '../helpers/npm-pack.js';
import { tempDir } from '../helpers/tmp.js';

const SOURCES: Record<string, string> = {
  'src/autotracking.ts': 'export function getValue(c: { v: number }): number {\n  return c.v\n}\n\nexport function setValue(c: { v: number }, v: number): void {\n  c.v = v\n}\n',
  'src/tracking.ts': "import { getValue as consumeTag, setValue } from './autotracking'\n\nexport { consumeTag, setValue }\n\nexport function createCell(v: number): { v: number } {\n  return { v }\n}\n",
  'src/index.ts': "import { consumeTag, createCell, setValue } from './tracking'\n\nexport function read(c: { v: number }): number {\n  return consumeTag(c) + 1\n}\n\nexport function reset(c: { v: number }): { v: number } {\n  setValue(c, 0)\n  return createCell(c.v)\n}\n",
};

const root = tempDir('distdiff-npm-esbuild-alias-');
/** The real esbuild's bundle of SOURCES, built in a scratch directory (nothing of a tarball is run). */
function bundle(): Record<string, string> {
  const dir = tempDir('distdiff-npm-esbuild-alias-src-');
  writeFiles(dir, SOURCES);
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  const r = esbuild.buildSync({ entryPoints: [join(dir, 'src/index.ts')], absWorkingDir: dir, bundle: true, format: 'esm', sourcemap: true, sourcesContent: true, outfile: join(dir, 'dist/index.mjs'), write: false });
  return Object.fromEntries(r.outputFiles.map((f) => [f.path.slice(dir.length + 1), f.text]));
}

const BUILT = bundle();
const release = npmReleaseMaker(root, {
  'package.json': JSON.stringify({ name: 'tracked-cells', version: '1.0.0', type: 'module', main: 'dist/index.mjs', files: ['dist'], scripts: { build: 'esbuild src/index.ts --bundle --format=esm --sourcemap --sources-content=true --outfile=dist/index.mjs' } }, null, 2) + '\n',
  ...SOURCES,
  '.gitignore': 'dist/\n',
}, 'v1.0.0', BUILT);

const ESM = 'dist/index.mjs';

describe('esbuild: an aliased import re-exported by name resolves to its binding', () => {
  it('the bundle as esbuild wrote it (getValue where index.ts says consumeTag): NPM_BUILD_OUTPUT (source-map)', async () => {
    expect(BUILT[ESM]).toContain('return getValue(c) + 1;');
    const at = await release();
    expect(at(ESM)).toMatchObject({ code: 'NPM_BUILD_OUTPUT', severity: 'info', evidence: { proof: 'source-map' } });
  }, 60_000);

  it('twin: the mapped line calling another re-exported binding (setValue) stays NPM_BUILD_OUTPUT_MISMATCH high', async () => {
    const at = await release((p, t) => (p === ESM ? t.replace('return getValue(c) + 1;', 'return setValue(c) + 1;') : t));
    expect(at(ESM)).toMatchObject({ code: 'NPM_BUILD_OUTPUT_MISMATCH', severity: 'high' });
  }, 60_000);

  it('reexportAliases: `export { N }` of `import { X as N }` gives N → X; a re-export list with `from` names no own binding', () => {
    expect(reexportAliases([SOURCES['src/tracking.ts']!])).toEqual(new Map([['consumeTag', new Set(['getValue'])]]));
    expect(reexportAliases(["import { a as b } from './x'\nexport { b } from './y'\n"])).toEqual(new Map());
    expect(reexportAliases(["export { DRAFT as draftable } from './env'\n"])).toEqual(new Map([['draftable', new Set(['DRAFT'])]]));
  });
});
