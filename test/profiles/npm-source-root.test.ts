/**
 * A tsc build published as htmlparser2 9.1.0 is (holdout27): `tsc --sourceRoot
 * https://raw.githubusercontent.com/OWNER/REPO/$(git rev-parse HEAD)/src/` (every map's sourceRoot the forge URL of the
 * release commit's src/), declaration maps, a `export default class` whose CommonJS output ends with the unmapped
 * `exports.default = Tokenizer;`, and `build:esm` writing `echo '{"type":"module"}' > lib/esm/package.json`. Before,
 * the declaration maps and the folder stub were TARBALL_ONLY_UNEXPLAINED and lib/Tokenizer.js NPM_BUILD_OUTPUT_MISMATCH,
 * all high: the URL resolved to no tracked file. Built here by the real TypeScript compiler and the real shell's echo,
 * packed by the real npm pack from a real git tag. Twins: a sourceRoot naming another revision, a stub with another
 * byte, a script that touches the stub after writing it.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import { echoWrites } from '../../src/profiles/npm-heredoc.js';
import { revisionRoot } from '../../src/profiles/npm.js';
import { verify } from '../../src/verify.js';
import { makeRepo } from '../helpers/git.js';
import { npmPack, repackNpm } from '../helpers/npm-pack.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-npm-source-root-');
const cacheDir = join(root, 'cache');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

const TOKENIZER_TS = `/** Splits a text into words. */
export default class Tokenizer {
  private words: string[] = [];
  constructor(private readonly text: string) {}
  run(): string[] {
    this.words = this.text.split(/\\s+/).filter(Boolean);
    return this.words;
  }
}
`;
const INDEX_TS = `import Tokenizer from './Tokenizer';

export function tokens(text: string): string[] {
  return new Tokenizer(text).run();
}

export { Tokenizer };
`;
const ESM = `npm run build:cjs -- --module esnext --target es2019 --outDir lib/esm && echo '{"type":"module"}' > lib/esm/package.json`;

let n = 0;
/** The package built with its maps' sourceRoot `https://raw.githubusercontent.com/example/tok/REF/src/` (REF: the tag's commit by default). */
function build(opts: { ref?: (commit: string) => string; esm?: string } = {}) {
  const dir = join(root, `pkg-${++n}`);
  const repo = makeRepo(dir);
  repo.commit({
    'package.json': JSON.stringify({ name: 'tok', version: '1.0.0', main: 'lib/index.js', module: 'lib/esm/index.js', types: 'lib/index.d.ts', files: ['lib/**/*'],
      scripts: { 'build:cjs': 'tsc --sourceRoot https://raw.githubusercontent.com/example/tok/$(git rev-parse HEAD)/src/', 'build:esm': opts.esm ?? ESM } }, null, 2) + '\n',
    'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'es5', module: 'commonjs', lib: ['ES2015'], declaration: true, declarationMap: true, sourceMap: true, outDir: 'lib', strict: true }, include: ['src'] }, null, 2) + '\n',
    '.gitignore': 'lib/\n',
    'src/Tokenizer.ts': TOKENIZER_TS,
    'src/index.ts': INDEX_TS,
  });
  repo.tag('v1.0.0');
  const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
  const sourceRoot = `https://raw.githubusercontent.com/example/tok/${opts.ref ? opts.ref(commit) : commit}/src/`;
  execFileSync(process.execPath, [tsc, '-p', dir, '--sourceRoot', sourceRoot], { stdio: ['ignore', 'pipe', 'pipe'] });
  execFileSync(process.execPath, [tsc, '-p', dir, '--sourceRoot', sourceRoot, '--module', 'esnext', '--target', 'es2019', '--outDir', join(dir, 'lib/esm')], { stdio: ['ignore', 'pipe', 'pipe'] });
  execFileSync('sh', ['-c', `echo '{"type":"module"}' > lib/esm/package.json`], { cwd: dir });
  const tgz = npmPack(dir, join(root, `packs-${n}`), join(root, 'npm-cache'));
  return { dir, tgz };
}

/** The package re-packed (GNU tar, package/ prefix) with `edit` applied to its unpacked tree. */
const tampered = (tgz: string, edit: (dir: string) => void): string => repackNpm(tgz, join(root, `tampered-${++n}`), 'tok-1.0.0.tgz', edit);

const at = (fs: readonly Finding[], path: string) => fs.find((f) => f.path === path)!;
const lib = (fs: readonly Finding[]) => fs.filter((f) => f.path.startsWith('lib/') && f.severity === 'high').map((f) => `${f.path} ${f.code}`);

describe("tsc output whose maps' sourceRoot is the forge URL of the release commit", () => {
  let pkg: { dir: string; tgz: string };
  beforeAll(() => {
    pkg = build();
  }, 120_000);

  it('declaration maps, the CommonJS default export and the echoed folder stub are explained; nothing is high', async () => {
    const r = await verify({ tarball: pkg.tgz, repo: pkg.dir, cacheDir });
    expect(lib(r.findings)).toEqual([]);
    for (const p of ['lib/Tokenizer.d.ts.map', 'lib/index.d.ts.map', 'lib/esm/Tokenizer.d.ts.map', 'lib/esm/index.d.ts.map'])
      expect([p, at(r.findings, p).code, at(r.findings, p).evidence]).toMatchObject([p, 'NPM_BUILD_OUTPUT_UNPROVED', { why: 'declaration-map' }]);
    expect(at(r.findings, 'lib/Tokenizer.js')).toMatchObject({ code: 'NPM_BUILD_OUTPUT_UNPROVED', severity: 'low' });
    expect(readFileSync(join(pkg.dir, 'lib/Tokenizer.js'), 'utf8')).toContain('exports.default = Tokenizer;');
    expect(at(r.findings, 'lib/esm/package.json')).toMatchObject({ code: 'PACKAGE_METADATA', severity: 'info', evidence: { ecosystem: 'npm', kind: 'npm-script-echo', source: 'package.json', script: 'build:esm' } });
    expect(r.verdict).not.toBe('different');
  }, 120_000);

  it('twin: a stub with one more field stays TARBALL_ONLY_UNEXPLAINED high', async () => {
    const r = await verify({ tarball: tampered(pkg.tgz, (d) => writeFileSync(join(d, 'lib/esm/package.json'), '{"type":"module","main":"x.js"}\n')), repo: pkg.dir, cacheDir });
    expect(at(r.findings, 'lib/esm/package.json')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  }, 120_000);

  it('twin: maps naming another revision (a branch) resolve to nothing: the declaration maps stay high', async () => {
    const other = build({ ref: () => 'main' });
    const r = await verify({ tarball: other.tgz, repo: other.dir, cacheDir });
    expect(at(r.findings, 'lib/Tokenizer.d.ts.map')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  }, 120_000);

  it('twin: a build:esm that copies over the stub after writing it explains nothing', async () => {
    const other = build({ esm: `${ESM} && cp stub.json lib/esm/package.json` });
    const r = await verify({ tarball: other.tgz, repo: other.dir, cacheDir });
    expect(at(r.findings, 'lib/esm/package.json')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  }, 120_000);
});

describe('revisionRoot and echoWrites', () => {
  const c = 'e2939a6c7b05d5c4845b4a2e458a4fc0a65a321d';
  it('a forge URL of the compared commit or tag names its path; anything else nothing', () => {
    expect(revisionRoot(`https://raw.githubusercontent.com/fb55/htmlparser2/${c}/src/`, { commit: c })).toBe('src');
    expect(revisionRoot(`https://github.com/o/r/blob/v1.0.0/lib`, { commit: c, tag: 'v1.0.0' })).toBe('lib');
    expect(revisionRoot(`https://gitlab.com/g/sub/r/-/raw/${c}/src/`, { commit: c })).toBe('src');
    expect(revisionRoot(`https://raw.githubusercontent.com/o/r/${c.slice(0, 12)}/src/`, { commit: c })).toBeUndefined();
    expect(revisionRoot(`https://raw.githubusercontent.com/o/r/main/src/`, { commit: c })).toBeUndefined();
    expect(revisionRoot(`https://example.com/o/r/${c}/src/`, { commit: c })).toBeUndefined();
    expect(revisionRoot(`https://raw.githubusercontent.com/o/r/${c}/../etc/`, { commit: c })).toBeUndefined();
  });
  it("echo 'TEXT' > PATH writes TEXT and a newline, unless something touches PATH later", () => {
    expect([...echoWrites(ESM)]).toEqual([['lib/esm/package.json', '{"type":"module"}\n']]);
    expect([...echoWrites(`echo "a b" >out/x.txt; tsc`)]).toEqual([['out/x.txt', 'a b\n']]);
    expect(echoWrites(`echo "$HOME" > x.txt`).size).toBe(0);
    expect(echoWrites(`echo a > x.txt && echo b > x.txt`).size).toBe(0);
    expect(echoWrites(`echo a > lib/x.txt && rm -rf lib`).size).toBe(0);
    expect(echoWrites(`cd lib && echo a > x.txt`).size).toBe(0);
    expect(echoWrites(`echo a > ../x.txt`).size).toBe(0);
  });
});
