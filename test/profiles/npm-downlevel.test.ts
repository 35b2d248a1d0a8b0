/**
 * tsc's down-levelling lines (rxjs 7.8.1's 122 dist/ files, mime 4.0.4's Mime.js and mime_cli.js were
 * NPM_BUILD_OUTPUT_MISMATCH high for them): packages built here by the real TypeScript compiler (the project's dev
 * dependency) for ES5 with importHelpers/downlevelIteration and for ES2015 with private `#fields`, packed by the real
 * `npm pack`. The tampered twins are the same package re-packed by GNU tar with one down-levelling line changed or
 * a line added next to one: they stay high.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo } from '../helpers/git.js';
import { npmPack as npmPackIn } from '../helpers/npm-pack.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-npm-downlevel-');
const cacheDir = join(root, 'cache');
const req = createRequire(import.meta.url);
const tsc = req.resolve('typescript/bin/tsc');
const tslib = dirname(req.resolve('tslib/package.json'));

const BASE_TS = `export class Base {
  constructor(public start: number) {}
}
`;
const COUNTER_TS = `import { Base } from './base';

export class Counter extends Base {
  private seen: number[] = [];

  constructor(start: number) {
    super(start);
  }

  get size(): number {
    return this.seen.length;
  }

  add(...values: number[]): number[] {
    for (const v of values) this.seen.push(v);
    return [...this.seen];
  }

  async total(items: Iterable<number>): Promise<number> {
    let sum = 0;
    for (const v of items) {
      sum += await Promise.resolve(v);
    }
    return sum;
  }
}

export class Plain extends Base {}
`;
const STORE_TS = `#!/usr/bin/env node
export class Store {
  #items = new Map<string, number>();
  #count = 0;

  put(key: string, value: number): void {
    this.#items.set(key, value);
    this.#count++;
  }

  get count(): number {
    return this.#count;
  }
}
`;

interface Pkg {
  repo: string;
  tgz: string;
  tampered: (file: string, edit: (text: string) => string) => string;
}

let n = 0;
function tsPackage(name: string, compilerOptions: Record<string, unknown>, files: Record<string, string>): Pkg {
  const repoDir = join(root, name);
  const repo = makeRepo(repoDir);
  repo.commit({
    'package.json': JSON.stringify({ name, version: '1.0.0', main: 'dist/index.js', files: ['dist'], dependencies: { tslib: '^2.0.0' }, scripts: { build: 'tsc' } }, null, 2) + '\n',
    'tsconfig.json': JSON.stringify({ compilerOptions: { rootDir: 'src', outDir: 'dist', strict: true, sourceMap: true, ...compilerOptions }, include: ['src'] }, null, 2) + '\n',
    '.gitignore': 'dist/\nnode_modules/\n',
    ...files,
  });
  repo.tag('v1.0.0');
  // tslib for importHelpers, as npm install would put it (untracked, not packed)
  mkdirSync(join(repoDir, 'node_modules'));
  symlinkSync(tslib, join(repoDir, 'node_modules/tslib'));
  execFileSync(process.execPath, [tsc, '-p', repoDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const tgz = npmPackIn(repoDir, join(root, `${name}-packs`), join(root, 'npm-cache'));
  const unpacked = join(root, `${name}-unpacked`);
  mkdirSync(unpacked);
  execFileSync('tar', ['-xzf', tgz, '-C', unpacked]);
  return {
    repo: repoDir,
    tgz,
    tampered: (file, edit) => {
      const dir = join(root, `tampered-${++n}`, 'package');
      mkdirSync(dir, { recursive: true });
      cpSync(join(unpacked, 'package'), dir, { recursive: true });
      const p = join(dir, file);
      const before = readFileSync(p, 'utf8');
      const after = edit(before);
      if (after === before) throw new Error(`the edit of ${file} changed nothing`);
      writeFileSync(p, after);
      return makeTar(dir, { compress: 'gzip', out: join(root, `tampered-${n}`, `${name}-1.0.0.tgz`) });
    },
  };
}

const run = (tgz: string, repo: string) => verify({ tarball: tgz, repo, cacheDir });
const at = (fs: Finding[], path: string) => fs.find((f) => f.path === path)!;
const scripts = (fs: Finding[]) => fs.filter((f) => /^dist\/.*\.js$/.test(f.path)).map((f) => `${f.path} ${f.code} ${f.severity}`).sort();

describe('ES5 with importHelpers and downlevelIteration (rxjs 7.8.1 dist/esm5 shape)', () => {
  let pkg: Pkg;
  let built: string;
  beforeAll(() => {
    pkg = tsPackage('es5', { target: 'ES5', module: 'ESNext', lib: ['ES2015'], importHelpers: true, moduleResolution: 'node', downlevelIteration: true }, { 'src/base.ts': BASE_TS, 'src/index.ts': COUNTER_TS });
    built = readFileSync(join(pkg.repo, 'dist/index.js'), 'utf8');
  }, 120_000);

  // rxjs's maps embed no source (no inlineSources): built, not proved — before the down-levelling rules, a mismatch
  it('the tsc output has the unmapped down-levelling lines; each script is built, not proved (its map embeds no source), not a mismatch', async () => {
    // what the compiler wrote (a newer tsc writing other shapes fails here first)
    for (const l of ['import { __awaiter, __extends, __generator, __read, __spreadArray, __values } from "tslib";', 'return _this;', 'var e_1, _a;', 'try {', 'catch (e_1_1) { e_1 = { error: e_1_1 }; }', 'finally { if (e_1) throw e_1.error; }', 'return _super !== null && _super.apply(this, arguments) || this;', 'switch (_c.label) {', 'enumerable: false,', 'configurable: true']) {
      expect(built.split('\n').map((x) => x.trim())).toContain(l);
    }
    const r = await run(pkg.tgz, pkg.repo);
    expect(scripts(r.findings)).toEqual(['dist/base.js NPM_BUILD_OUTPUT_UNPROVED low', 'dist/index.js NPM_BUILD_OUTPUT_UNPROVED low']);
    expect(at(r.findings, 'dist/index.js').evidence).toMatchObject({ source: 'src/index.ts', why: 'map-without-sources', map: 'dist/index.js.map' });
    expect(r.verdict).not.toBe('different');
  }, 120_000);

  it('twin: a call added after a for-of\'s `try {` pushes code onto the down-levelling lines\' places (high)', async () => {
    const r = await run(pkg.tampered('dist/index.js', (t) => t.replace(/try \{\n/, 'try {\nfetch("http://198.51.100.7/x");\n')), pkg.repo);
    const f = at(r.findings, 'dist/index.js');
    expect(f).toMatchObject({ code: 'NPM_BUILD_OUTPUT_MISMATCH', severity: 'high', evidence: { capabilities: ['network'] } });
    if (f.code !== 'NPM_BUILD_OUTPUT_MISMATCH') throw new Error(f.code);
    // the added line takes the mapping of the line it pushed down; each line pushed onto the place of an unmapped
    // down-levelling line (the first: the method below the for-of) is code no mapping covers
    expect(f.evidence.unmapped).toBe(9);
    expect(f.evidence.unmappedLines[0]).toEqual({ line: 39, text: 'Counter.prototype.total = function (items) {' });
  }, 120_000);

  it('twins: a down-levelling line with one more statement, a temporaries line shadowing a source name, an unused tslib helper, a method returning `_this` early: high', async () => {
    const edits: [string, (t: string) => string][] = [
      ['catch', (t) => t.replace('catch (e_1_1) { e_1 = { error: e_1_1 }; }', 'catch (e_1_1) { e_1 = { error: e_1_1 }; e_1 = undefined; }')],
      ['shadow', (t) => t.replace('var e_1, _a;', 'var e_1, _a, seen;')],
      ['import', (t) => t.replace('import { __awaiter,', 'import { __assign, __awaiter,')],
      // in place of add()'s unmapped `var e_1, _a;`: the constructor's statement ending a method (valid JavaScript)
      ['return', (t) => t.replace('var e_1, _a;', 'return _this;')],
      ['iterator', (t) => t.replace(/if \((\w+) && !\1\.done && \((\w+) = (\w+)\.return\)\) \2\.call\(\3\);/, 'if ($1 && !$1.done && ($2 = $3.return)) $2.call($3, $1.value);')],
    ];
    for (const [what, edit] of edits) {
      const r = await run(pkg.tampered('dist/index.js', edit), pkg.repo);
      expect(`${what} ${at(r.findings, 'dist/index.js').code} ${at(r.findings, 'dist/index.js').severity}`).toBe(`${what} NPM_BUILD_OUTPUT_MISMATCH high`);
    }
  }, 240_000);
});

describe('ES2015 private #fields, a shebang, a map without embedded sources (mime 4.0.4 shape)', () => {
  let pkg: Pkg;
  beforeAll(() => {
    pkg = tsPackage('es2015', { target: 'ES2015', module: 'CommonJS' }, { 'src/index.ts': STORE_TS });
  }, 120_000);

  it('the WeakMap stores tsc writes for #fields and the source\'s shebang: built, not proved (the map embeds no source), not a mismatch', async () => {
    const built = readFileSync(join(pkg.repo, 'dist/index.js'), 'utf8');
    expect(built).toMatch(/^#!\/usr\/bin\/env node\n/);
    expect(built).toContain('var _Store_items, _Store_count;');
    expect(built).toContain('_Store_items = new WeakMap(), _Store_count = new WeakMap();');
    const r = await run(pkg.tgz, pkg.repo);
    expect(scripts(r.findings)).toEqual(['dist/index.js NPM_BUILD_OUTPUT_UNPROVED low']);
    expect(at(r.findings, 'dist/index.js').evidence).toMatchObject({ why: 'map-without-sources' });
  }, 120_000);

  it('twins: a store no #field declares, a store assigned something else, another shebang: high', async () => {
    const edits: [string, (t: string) => string][] = [
      ['store', (t) => t.replace('var _Store_items, _Store_count;', 'var _Store_items, _Store_count, _Store_hook;')],
      ['assign', (t) => t.replace('_Store_count = new WeakMap();', '_Store_count = new WeakMap(), _Store_items = require("child_process");')],
      ['shebang', (t) => t.replace('#!/usr/bin/env node', '#!/usr/bin/env -S node --require /tmp/x.js')],
    ];
    for (const [what, edit] of edits) {
      const r = await run(pkg.tampered('dist/index.js', edit), pkg.repo);
      expect(`${what} ${at(r.findings, 'dist/index.js').code} ${at(r.findings, 'dist/index.js').severity}`).toBe(`${what} NPM_BUILD_OUTPUT_MISMATCH high`);
    }
  }, 240_000);
});
