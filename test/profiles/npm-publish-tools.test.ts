/**
 * Files two publish tools write that git never has: tshy's dialect stubs (dist/commonjs/package.json
 * {"type":"commonjs"}, dist/esm/package.json {"type":"module"}: glob 10.3.10, lru-cache 10.2.0) and the package.json
 * clean-publish publishes (picocolors 1.0.0: scripts, devDependencies and tool settings removed). Neither tool is
 * installed here: the published tree is written as each writes it (the bytes of those releases) and packed by the
 * real `npm pack`. Each explanation has its tampered twin.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanPublishProblem } from '../../src/profiles/npm-dual.js';
import { stringLiterals, tshyDialect } from '../../src/profiles/npm.js';
import { verify } from '../../src/verify.js';
import { makeRepo } from '../helpers/git.js';
import { npmPack } from '../helpers/npm-pack.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-npm-tools-');
const cacheDir = join(root, 'cache');

const SRC = 'export const add = (a: number, b: number): number => a + b\n';
const ESM = 'export const add = (a, b) => a + b;\n';
const CJS = '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.add = void 0;\nconst add = (a, b) => a + b;\nexports.add = add;\n';

describe('tshy dialect stubs', () => {
  const pkg = {
    name: 'adder', version: '1.0.0', type: 'module', license: 'ISC', files: ['dist'],
    tshy: { exports: { '.': './src/index.ts' } },
    exports: { '.': { import: { default: './dist/esm/index.js' }, require: { default: './dist/commonjs/index.js' } } },
    main: './dist/commonjs/index.js',
    scripts: { prepare: 'tshy', test: 'tap' },
    devDependencies: { tshy: '^1.8.0', typescript: '^5.2.2' },
  };
  const repo = makeRepo(join(root, 'tshy-repo'));
  repo.commit({ 'package.json': JSON.stringify(pkg, null, 2) + '\n', 'src/index.ts': SRC });
  repo.tag('v1.0.0');
  const noTshy = makeRepo(join(root, 'plain-repo'));
  noTshy.commit({ 'package.json': JSON.stringify({ ...pkg, scripts: { prepare: 'tsc', test: 'tap' } }, null, 2) + '\n', 'src/index.ts': SRC });
  noTshy.tag('v1.0.0');

  /** The published tree as tshy ≥ 1.8 writes it (stubs pretty-printed), changed by `edit`, packed by npm pack. */
  const publish = (name: string, edit: (dir: string) => void = () => {}) => {
    const dir = join(root, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'dist', 'esm'), { recursive: true });
    mkdirSync(join(dir, 'dist', 'commonjs'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
    writeFileSync(join(dir, 'dist', 'esm', 'index.js'), ESM);
    writeFileSync(join(dir, 'dist', 'commonjs', 'index.js'), CJS);
    writeFileSync(join(dir, 'dist', 'esm', 'package.json'), '{\n  "type": "module"\n}\n');
    writeFileSync(join(dir, 'dist', 'commonjs', 'package.json'), '{\n  "type": "commonjs"\n}\n');
    edit(dir);
    return npmPack(dir, join(root, `${name}-out`), join(root, 'npm-cache'));
  };
  const stub = (r: Awaited<ReturnType<typeof verify>>, p: string) => r.findings.find((f) => f.path === p);

  it('the two stubs of a package git builds with tshy are packaging metadata: nothing at high', async () => {
    const r = await verify({ tarball: publish('ok'), repo: repo.dir, cacheDir, tag: 'v1.0.0' });
    for (const p of ['dist/esm/package.json', 'dist/commonjs/package.json']) {
      expect(stub(r, p)).toMatchObject({ code: 'PACKAGE_METADATA', severity: 'info', evidence: { ecosystem: 'npm', kind: 'tshy-dialect-manifest', source: 'package.json' } });
    }
    expect(r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical')).toEqual([]);
  });

  it("tshy < 1.8's compact stubs are explained too", async () => {
    const t = publish('compact', (d) => {
      writeFileSync(join(d, 'dist', 'esm', 'package.json'), '{"type":"module"}');
      writeFileSync(join(d, 'dist', 'commonjs', 'package.json'), '{"type":"commonjs"}');
    });
    const r = await verify({ tarball: t, repo: repo.dir, cacheDir, tag: 'v1.0.0' });
    expect(stub(r, 'dist/esm/package.json')).toMatchObject({ code: 'PACKAGE_METADATA', evidence: { kind: 'tshy-dialect-manifest' } });
    expect(stub(r, 'dist/commonjs/package.json')).toMatchObject({ code: 'PACKAGE_METADATA', evidence: { kind: 'tshy-dialect-manifest' } });
  });

  it('twins: a stub gaining a field, the other dialect, a folder that is no dialect stay high', async () => {
    const t = publish('tampered', (d) => {
      writeFileSync(join(d, 'dist', 'esm', 'package.json'), '{\n  "type": "module",\n  "main": "./payload.js"\n}\n');
      writeFileSync(join(d, 'dist', 'commonjs', 'package.json'), '{\n  "type": "module"\n}\n');
      mkdirSync(join(d, 'dist', 'other'));
      writeFileSync(join(d, 'dist', 'other', 'package.json'), '{\n  "type": "commonjs"\n}\n');
    });
    const r = await verify({ tarball: t, repo: repo.dir, cacheDir, tag: 'v1.0.0' });
    for (const p of ['dist/esm/package.json', 'dist/commonjs/package.json', 'dist/other/package.json']) {
      expect(stub(r, p)).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    }
    expect(r.verdict).toBe('different');
  });

  it('twin: the same stubs in a package git does not build with tshy stay high', async () => {
    const r = await verify({ tarball: publish('ok'), repo: noTshy.dir, cacheDir, tag: 'v1.0.0' });
    expect(stub(r, 'dist/esm/package.json')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  });

  it('tshyDialect: the dialect folders of git’s tshy configuration', () => {
    const g = { scripts: { build: 'rimraf dist && tshy' }, devDependencies: { tshy: '1' }, tshy: { esmDialects: ['deno'], commonjsDialects: ['legacy'], dialects: ['esm'] } };
    expect(tshyDialect(g, 'esm')).toBe('module');
    expect(tshyDialect(g, 'deno')).toBe('module');
    expect(tshyDialect(g, 'legacy')).toBe('commonjs');
    expect(tshyDialect(g, 'commonjs')).toBeUndefined(); // dialects: ['esm'] only
    expect(tshyDialect({ ...g, scripts: { build: 'tshyx' } }, 'esm')).toBeUndefined();
    expect(tshyDialect({ ...g, devDependencies: {} }, 'esm')).toBeUndefined();
  });
});

describe('clean-publish', () => {
  const git = {
    name: 'colors', version: '1.0.0', main: './colors.js', description: 'x', scripts: { test: 'node tests/test.js' }, files: ['colors.*'], license: 'ISC',
    devDependencies: { 'clean-publish': '^3.0.3', prettier: '^2.4.1' }, prettier: { semi: false }, 'clean-publish': { cleanDocs: true },
  };
  const published = { name: 'colors', version: '1.0.0', main: './colors.js', description: 'x', files: ['colors.*'], license: 'ISC' };
  const repo = makeRepo(join(root, 'cp-repo'));
  repo.commit({ 'package.json': JSON.stringify(git, null, 2) + '\n', 'colors.js': 'module.exports = { red: (s) => `\\x1b[31m${s}\\x1b[39m` }\n' });
  repo.tag('v1.0.0');
  const publish = (name: string, manifest: Record<string, unknown>) => {
    const dir = join(root, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
    writeFileSync(join(dir, 'colors.js'), 'module.exports = { red: (s) => `\\x1b[31m${s}\\x1b[39m` }\n');
    return npmPack(dir, join(root, `${name}-out`), join(root, 'npm-cache'));
  };

  it('the package.json with only what clean-publish removes gone is NPM_MANIFEST_REWRITE (clean-publish): exit-0 verdict', async () => {
    const r = await verify({ tarball: publish('cp-ok', published), repo: repo.dir, cacheDir, tag: 'v1.0.0' });
    const f = r.findings.find((x) => x.path === 'package.json')!;
    expect(f).toMatchObject({ code: 'NPM_MANIFEST_REWRITE', severity: 'info' });
    expect((f.evidence as { rewrites: { kind: string }[] }).rewrites.every((w) => w.kind === 'clean-publish')).toBe(true);
    expect(r.verdict).toBe('explained');
  });

  it('twin: a dependency added under clean-publish stays NPM_MANIFEST_CHANGED (high)', async () => {
    const r = await verify({ tarball: publish('cp-dep', { ...published, dependencies: { 'evil-colors': '1.0.0' } }), repo: repo.dir, cacheDir, tag: 'v1.0.0' });
    expect(r.findings.find((x) => x.path === 'package.json')).toMatchObject({ code: 'NPM_MANIFEST_CHANGED', severity: 'high' });
  });

  it('cleanPublishProblem: removals only, lifecycle scripts kept with git’s commands', () => {
    expect(cleanPublishProblem(git, published)).toBeUndefined();
    const withLife = { ...git, scripts: { test: 't', postpublish: 'echo done' }, dependencies: {} };
    expect(cleanPublishProblem(withLife, { ...published, scripts: { postpublish: 'echo done' } })).toBeUndefined(); // empty object removed too
    expect(cleanPublishProblem(withLife, { ...published, scripts: { postpublish: 'curl x | sh' } })).toBe('scripts.postpublish');
    expect(cleanPublishProblem(withLife, { ...published, scripts: { test: 't' } })).toBe('scripts.test'); // not a script it keeps
    expect(cleanPublishProblem(git, { ...published, main: './other.js' })).toBe('main');
    expect(cleanPublishProblem(git, { ...published, files: undefined })).toBe('files');
    expect(cleanPublishProblem({ ...git, 'clean-publish': { fields: ['files'] } }, { ...published, files: undefined })).toBeUndefined();
    expect(cleanPublishProblem(git, { ...published, bin: './colors.js' })).toBe('bin');
  });
});

// A folder's module-type stub a tracked bundler configuration emits (tiny-invariant 1.3.3, holdout26: its
// rollup.config.mjs `this.emitFile({ fileName: 'package.json', source: `{ "type": "module" }\n` })` for the dist/esm
// build). Built here by a real rollup-compatible bundler (rolldown, vite's, reading the same rollup config) and packed by
// the real npm pack. Before, dist/esm/package.json was TARBALL_ONLY_UNEXPLAINED (high): tiny-invariant exit 1.
describe('a module-type stub a tracked bundler configuration writes', () => {
  const rolldown = join(createRequire(import.meta.url).resolve('rolldown/package.json'), '..', 'bin', 'cli.mjs');
  const CONFIG = `// ESM build for "module": "node16" projects: the folder's type stub, as rollup's own build writes it
const input = 'src/index.js';
export default [
  { input, output: { file: 'dist/tiny.cjs.js', format: 'cjs' } },
  {
    input,
    output: { file: 'dist/esm/tiny.js', format: 'esm' },
    plugins: [
      {
        generateBundle() {
          this.emitFile({ fileName: 'package.json', source: \`{ "type": "module" }\\n\`, type: 'asset' });
        },
        name: 'emit-module-package-file',
      },
    ],
  },
];
`;
  const pkg = { name: 'tiny', version: '1.0.0', license: 'MIT', main: 'dist/tiny.cjs.js', exports: { '.': { import: './dist/esm/tiny.js', default: './dist/tiny.cjs.js' } }, files: ['/dist'], scripts: { build: 'rollup -c' } };
  const files = { 'package.json': JSON.stringify(pkg, null, 2) + '\n', 'rollup.config.mjs': CONFIG, 'src/index.js': 'export default function invariant(c, m) {\n  if (!c) throw new Error(m);\n}\n' };
  const repo = makeRepo(join(root, 'rollup-repo'));
  repo.commit(files);
  repo.tag('v1.0.0');
  const built = join(root, 'rollup-built');
  mkdirSync(built, { recursive: true });
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(built, p, '..'), { recursive: true });
    writeFileSync(join(built, p), text);
  }
  execFileSync(process.execPath, [rolldown, '-c', 'rollup.config.mjs'], { cwd: built, stdio: ['ignore', 'pipe', 'pipe'] });
  let n = 0;
  const publish = (edit: (dir: string) => void = () => {}) => {
    const dir = join(root, `rollup-pub-${++n}`);
    cpSync(built, dir, { recursive: true });
    edit(dir);
    return npmPack(dir, join(root, `rollup-pub-${n}-out`), join(root, 'npm-cache'));
  };
  const stubAt = (r: Awaited<ReturnType<typeof verify>>, p: string) => r.findings.find((f) => f.path === p);

  it('the stub the configuration emits is packaging metadata naming the configuration: nothing at high', async () => {
    expect(readFileSync(join(built, 'dist/esm/package.json'), 'utf8')).toBe('{ "type": "module" }\n');
    const r = await verify({ tarball: publish(), repo: repo.dir, cacheDir, tag: 'v1.0.0' });
    expect(stubAt(r, 'dist/esm/package.json')).toMatchObject({ code: 'PACKAGE_METADATA', severity: 'info', evidence: { ecosystem: 'npm', kind: 'npm-config-literal', source: 'rollup.config.mjs' } });
    expect(r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical')).toEqual([]);
  });

  it('twins stay high: a field added, the other type, the stub in a folder the configuration never names', async () => {
    const t = publish((d) => {
      writeFileSync(join(d, 'dist/esm/package.json'), '{ "type": "module", "main": "./payload.js" }\n');
      mkdirSync(join(d, 'dist/cjs'));
      writeFileSync(join(d, 'dist/cjs/package.json'), '{ "type": "commonjs" }\n');
      mkdirSync(join(d, 'dist/other'));
      writeFileSync(join(d, 'dist/other/package.json'), '{ "type": "module" }\n');
    });
    const r = await verify({ tarball: t, repo: repo.dir, cacheDir, tag: 'v1.0.0' });
    for (const p of ['dist/esm/package.json', 'dist/cjs/package.json', 'dist/other/package.json']) expect([p, stubAt(r, p)?.code, stubAt(r, p)?.severity]).toEqual([p, 'TARBALL_ONLY_UNEXPLAINED', 'high']);
    expect(r.verdict).toBe('different');
  });

  it('stringLiterals: quoted and template literals with their escapes undone; a template with a substitution is none', () => {
    expect(stringLiterals(`a('x\\'y', "p\\"q", \`{ "type": "module" }\\n\`, \`\${evil}\`)`)).toEqual(["x'y", 'p"q', '{ "type": "module" }\n']);
  });
});
