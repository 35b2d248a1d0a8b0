/**
 * npm build output in a directory the project names itself (ky 1.14.3: `tsc --project tsconfig.dist.json` with
 * rootDir ./source and outDir ./distribution). The output directory is read from the tracked tsconfig, not guessed
 * from a list of usual names: before this (main 4390414) every distribution/*.js of such a package was
 * NPM_UNSOURCED_OUTPUT (high) and the release exited 1. Built here by the real TypeScript compiler, packed by the real
 * `npm pack`; tampered copies are the package re-packed by GNU tar with one change each.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import { parseJsonc } from '../../src/profiles/npm.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo } from '../helpers/git.js';
import { npmPack } from '../helpers/npm-pack.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-npm-tsconfig-');
const cacheDir = join(root, 'cache');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

const INDEX_TS = `import { wait } from './utils/delay';

export async function fetchLater(url: string): Promise<string> {
  await wait(1);
  return url.toUpperCase();
}
`;
const DELAY_TS = `export function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
`;
// tsconfig's own dialect: a comment, a "$schema" URL holding "//", a trailing comma.
const TSCONFIG_DIST = `{
	// the published build
	"$schema": "https://json.schemastore.org/tsconfig",
	"extends": "./tsconfig",
	"compilerOptions": {
		"sourceMap": true,
		"inlineSources": true,
		"rootDir": "./source",
		"outDir": "./distribution", /* what "files" publishes */
	},
	"include": ["source"]
}
`;

let unpacked = '';
let repoDir = '';
let tgz = '';
let n = 0;
/** The package re-packed (GNU tar, package/ prefix) with `edit` applied to its unpacked tree. */
function tampered(edit: (dir: string) => void): string {
  const dir = join(root, `tampered-${++n}`, 'package');
  mkdirSync(dir, { recursive: true });
  cpSync(join(unpacked, 'package'), dir, { recursive: true });
  edit(dir);
  return makeTar(dir, { compress: 'gzip', out: join(root, `tampered-${n}`, 'waiter-1.0.0.tgz') });
}
const run = (archive: string) => verify({ tarball: archive, repo: repoDir, cacheDir });
const out = (fs: Finding[]) => fs.filter((f) => f.path.startsWith('distribution/')).map((f) => `${f.path} ${f.code} ${f.severity}`).sort();
const at = (fs: Finding[], path: string) => fs.find((f) => f.path === path)!;

beforeAll(() => {
  repoDir = join(root, 'waiter');
  const repo = makeRepo(repoDir);
  repo.commit({
    'package.json': JSON.stringify({ name: 'waiter', version: '1.0.0', main: './distribution/index.js', types: './distribution/index.d.ts', files: ['distribution'], scripts: { build: 'tsc --project tsconfig.dist.json' } }, null, 2) + '\n',
    'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'ES2020', module: 'commonjs', declaration: true, strict: true }, include: ['source'] }, null, 2) + '\n',
    'tsconfig.dist.json': TSCONFIG_DIST,
    '.gitignore': 'distribution/\n',
    'source/index.ts': INDEX_TS,
    'source/utils/delay.ts': DELAY_TS,
  });
  repo.tag('v1.0.0');
  execFileSync(process.execPath, [tsc, '-p', join(repoDir, 'tsconfig.dist.json')], { stdio: ['ignore', 'pipe', 'pipe'] });
  tgz = npmPack(repoDir, join(root, 'packs'), join(root, 'npm-cache'));
  unpacked = join(root, 'unpacked');
  mkdirSync(unpacked);
  execFileSync('tar', ['-xzf', tgz, '-C', unpacked]);
}, 120_000);

describe('outputs in the outDir a tracked tsconfig names', () => {
  it('distribution/ mirrors source/ (tsconfig.dist.json): each script proved by its source map, declarations built', async () => {
    const r = await run(tgz);
    expect(out(r.findings)).toEqual([
      'distribution/index.d.ts NPM_BUILD_OUTPUT_UNPROVED low',
      'distribution/index.js NPM_BUILD_OUTPUT info',
      'distribution/index.js.map NPM_BUILD_OUTPUT info',
      'distribution/utils/delay.d.ts NPM_BUILD_OUTPUT_UNPROVED low',
      'distribution/utils/delay.js NPM_BUILD_OUTPUT info',
      'distribution/utils/delay.js.map NPM_BUILD_OUTPUT info',
    ]);
    expect(at(r.findings, 'distribution/utils/delay.js').evidence).toEqual({ source: 'source/utils/delay.ts', proof: 'source-map', map: 'distribution/utils/delay.js.map', sources: ['source/utils/delay.ts'] });
    expect(r.verdict).not.toBe('different');
  }, 120_000);

  it('tampered: a line added to distribution/index.js — its map no longer covers it: NPM_BUILD_OUTPUT_MISMATCH high', async () => {
    const r = await run(tampered((d) => {
      const p = join(d, 'distribution/index.js');
      writeFileSync(p, readFileSync(p, 'utf8').replace('exports.fetchLater = fetchLater;\n', 'exports.fetchLater = fetchLater;\nglobalThis.fetchLater = fetchLater;\n'));
    }));
    const f = at(r.findings, 'distribution/index.js');
    expect([f.code, f.severity]).toEqual(['NPM_BUILD_OUTPUT_MISMATCH', 'high']);
    expect(r.verdict).toBe('different');
  }, 120_000);

  it('tampered: a script in distribution/ that no source has, running a command — high (a capability no tracked source uses)', async () => {
    const r = await run(tampered((d) => writeFileSync(join(d, 'distribution/setup.js'), "require('child_process').execSync('id');\n")));
    const f = at(r.findings, 'distribution/setup.js');
    expect([f.code, f.severity]).toEqual(['NPM_BUILD_OUTPUT_UNPROVED', 'high']);
    expect(f.evidence).toMatchObject({ source: 'source/', why: 'directory', capabilities: ['child-process'] });
    expect(r.verdict).toBe('different');
  }, 120_000);
});

describe('parseJsonc', () => {
  it('reads comments and trailing commas, keeps "//" inside strings; refuses what JSON refuses', () => {
    expect(parseJsonc(TSCONFIG_DIST)).toEqual({
      $schema: 'https://json.schemastore.org/tsconfig',
      extends: './tsconfig',
      compilerOptions: { sourceMap: true, inlineSources: true, rootDir: './source', outDir: './distribution' },
      include: ['source'],
    });
    expect(parseJsonc('{"a": "x /* y */ z"}')).toEqual({ a: 'x /* y */ z' });
    expect(parseJsonc('{"a": 1 /* unterminated')).toBeUndefined();
    expect(parseJsonc('{"a": }')).toBeUndefined();
  });
});
