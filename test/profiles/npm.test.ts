/**
 * npm profile on tarballs made by the real `npm pack` from test repositories, and `npm:NAME@VERSION`
 * against a registry-shaped HTTP server on 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareManifests, registryRange, listedInFiles, outputStem } from '../../src/profiles/npm.js';
import { parseNpmSpec } from '../../src/acquire/npm-registry.js';
import { verify } from '../../src/verify.js';
import { renderText } from '../../src/render/text.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { startHttpServer, type TestServer } from '../helpers/http-server.js';
import { tempDir } from '../helpers/tmp.js';
import { npmPack as npmPackIn } from '../helpers/npm-pack.js';

const root = tempDir('distdiff-npm-');
const cacheDir = join(root, 'cache');

const npmPack = (dir: string, dest: string) => npmPackIn(dir, dest, join(root, 'npm-cache'));

const codes = (r: Awaited<ReturnType<typeof verify>>) => r.findings.map((f) => `${f.path} ${f.code} ${f.severity}`).sort();

const manifest = {
  name: 'demo-pkg',
  version: '1.2.3',
  main: 'dist/index.js',
  files: ['dist'],
  scripts: { build: 'tsc', test: 'node test.js' },
  repository: { type: 'git', url: 'git+https://example.invalid/demo/demo-pkg.git' },
  dependencies: { 'left-pad': '^1.3.0' },
};

describe('npm pack of a package with build output', () => {
  let repoDir: string;
  let commit: string;
  const packs = join(root, 'packs');

  beforeAll(() => {
    repoDir = join(root, 'demo');
    const repo = makeRepo(repoDir);
    commit = repo.commit({
      'package.json': JSON.stringify(manifest, null, 2) + '\n',
      'src/index.ts': 'export const answer = 42;\n',
      'test.js': 'console.log("ok")\n',
      '.gitignore': 'dist/\n',
      'README.md': '# demo\n',
    });
    repo.tag('v1.2.3', { message: 'release 1.2.3' });
    // The build output (not in git, as usual).
    writeFiles(repoDir, { 'dist/index.js': 'exports.answer = 42;\n', 'dist/index.d.ts': 'export declare const answer = 42;\n' });
  });

  it('a clean pack: build output explained by its source, unpublished files are info, tag inferred from the name', async () => {
    const tgz = npmPack(repoDir, packs);
    expect(tgz.endsWith('demo-pkg-1.2.3.tgz')).toBe(true);
    const r = await verify({ tarball: tgz, repo: repoDir, cacheDir });
    expect(r.inputs.profile).toMatchObject({ id: 'npm', detected: true, name: 'demo-pkg', version: '1.2.3', repository: 'https://example.invalid/demo/demo-pkg.git' });
    expect(r.inputs.revision).toMatchObject({ commit, tag: 'v1.2.3', how: 'inferred' });
    expect(r.inputs.tarball.prefix).toBe('package');
    expect(codes(r)).toEqual([
      '.gitignore NOT_PACKAGED info',
      'dist/index.d.ts NPM_BUILD_OUTPUT_UNPROVED low',
      'dist/index.js NPM_BUILD_OUTPUT_UNPROVED low',
      'src/index.ts NOT_PACKAGED info',
      'test.js NOT_PACKAGED info',
    ]);
    expect(r.findings.find((f) => f.path === 'dist/index.js')!.evidence).toEqual({ source: 'src/index.ts', kind: 'script', why: 'compiled' });
    expect(r.verdict).toBe('explained');
    const text = renderText(r);
    expect(text).toMatch(/profile {3}npm \(detected\): demo-pkg 1\.2\.3/);
    expect(text).toMatch(/tag-pattern: chosen — tag v1\.2\.3/);
  });

  it('an added postinstall script is NPM_INSTALL_SCRIPT, an unsourced bundle is NPM_UNSOURCED_OUTPUT', async () => {
    const dir = join(root, 'evil');
    execFileSync('git', ['clone', '-q', repoDir, dir]);
    const evil = { ...manifest, files: ['dist', 'bundle.js'], scripts: { ...manifest.scripts, postinstall: 'node bundle.js' } };
    writeFiles(dir, {
      'package.json': JSON.stringify(evil, null, 2) + '\n',
      'dist/index.js': 'exports.answer = 42;\n',
      'bundle.js': 'var a=' + '"x"+'.repeat(400) + '"y";eval(a)\n',
    });
    const out = join(root, 'packs-evil');
    const tgz = npmPack(dir, out);
    const r = await verify({ tarball: tgz, repo: repoDir, cacheDir, tag: 'v1.2.3' });
    const pkg = r.findings.find((f) => f.path === 'package.json')!;
    expect(pkg.code).toBe('NPM_INSTALL_SCRIPT');
    expect(pkg.severity).toBe('high');
    expect(pkg.evidence).toEqual({ scripts: [{ name: 'postinstall', tarball: 'node bundle.js' }] });
    const bundle = r.findings.find((f) => f.path === 'bundle.js')!;
    expect(bundle).toMatchObject({ code: 'NPM_UNSOURCED_OUTPUT', severity: 'high', evidence: { minified: true, listedInFiles: true } });
    expect(r.verdict).toBe('different');
  });

  it('a changed dependency is NPM_MANIFEST_CHANGED; a gitHead naming another commit than the tag is REVISION_MISMATCH', async () => {
    const dir = join(root, 'dep');
    execFileSync('git', ['clone', '-q', repoDir, dir]);
    const changed = { ...manifest, dependencies: { 'left-pad': '^1.3.0', 'evil-dep': '1.0.0' } };
    writeFiles(dir, { 'package.json': JSON.stringify(changed, null, 2) + '\n', 'dist/index.js': 'exports.answer = 42;\n' });
    const tgz = npmPack(dir, join(root, 'packs-dep'));
    const r = await verify({ tarball: tgz, repo: repoDir, cacheDir, tag: 'v1.2.3' });
    expect(r.findings.find((f) => f.path === 'package.json')).toMatchObject({ code: 'NPM_MANIFEST_CHANGED', evidence: { fields: ['dependencies.evil-dep'] } });

    const bogus = 'ab'.repeat(20);
    const r2 = await verify({ tarball: tgz, repo: repoDir, cacheDir, tag: 'v1.2.3', gitHead: bogus });
    expect(r2.findings.find((f) => f.code === 'REVISION_MISMATCH')).toMatchObject({
      path: 'package.json',
      severity: 'high',
      evidence: { source: 'npm-githead', claimed: bogus, commit, tag: 'v1.2.3', inRepo: false },
    });
    expect(r2.inputs.revision.chain).toContainEqual({ step: 'metadata', outcome: 'conflicts', kind: 'metadata-names', args: { source: 'npm-githead', commit: bogus, inRepo: false } });
  });
});

describe('monorepo package: repository.directory is the path in the repo, gitHead selects the commit', () => {
  it('compares with packages/foo/ at the gitHead commit, though the tag names a later commit', async () => {
    const dir = join(root, 'mono');
    const repo = makeRepo(dir);
    const fooManifest = { name: '@demo/foo', version: '2.0.0', repository: { type: 'git', url: 'https://example.invalid/mono.git', directory: 'packages/foo' } };
    const first = repo.commit({
      'package.json': '{"private":true,"workspaces":["packages/*"]}\n',
      'packages/foo/package.json': JSON.stringify(fooManifest, null, 2) + '\n',
      'packages/foo/index.js': 'module.exports = 1;\n',
      'packages/bar/index.js': 'module.exports = 2;\n',
    });
    const packed = npmPack(join(dir, 'packages/foo'), join(root, 'packs-mono'));
    repo.commit({ 'packages/foo/index.js': 'module.exports = 3;\n' });
    repo.tag('foo-v2.0.0');
    const r = await verify({ tarball: packed, repo: dir, cacheDir, gitHead: first });
    expect(r.inputs.profile).toMatchObject({ id: 'npm', name: '@demo/foo', directory: 'packages/foo' });
    expect(r.inputs.revision).toMatchObject({ commit: first, how: 'metadata', pathInRepo: 'packages/foo' });
    expect(r.findings.map((f) => `${f.path} ${f.code}`)).toEqual(['package.json REVISION_MISMATCH']);
    expect(r.findings[0]!.evidence).toMatchObject({ source: 'npm-githead', claimed: first, tag: 'foo-v2.0.0', inRepo: true });
    expect(r.counts.identical).toBe(2);
  });
});

describe('package.json rewrites', () => {
  it('pnpm workspace:/catalog: versions and publishConfig are rewrites; install scripts are not', () => {
    const git = {
      name: 'x',
      version: '0.0.0-development',
      main: 'src/index.ts',
      publishConfig: { main: 'dist/index.js', access: 'public' },
      dependencies: { a: 'workspace:^', b: 'catalog:', c: '^1.0.0' },
      scripts: { build: 'tsc' },
    };
    const tar = {
      name: 'x',
      version: '1.4.0',
      main: 'dist/index.js',
      dependencies: { a: '^1.4.0', b: '^3.2.1', c: '^1.0.0' },
      scripts: { build: 'tsc' },
      gitHead: 'abc',
    };
    expect(compareManifests(git, tar, '1.4.0')).toEqual({
      install: [],
      changed: [],
      rewrites: [
        { field: 'version', kind: 'version' },
        { field: 'main', kind: 'publish-config' },
        { field: 'publishConfig', kind: 'publish-config' },
        { field: 'dependencies.a', kind: 'workspace-protocol' },
        { field: 'dependencies.b', kind: 'catalog-protocol' },
        { field: 'gitHead', kind: 'npm-internal' },
      ],
    });
    const c = compareManifests({ scripts: { install: 'node-gyp rebuild' } }, { scripts: { install: 'curl x | sh', preinstall: 'node a.js' }, main: 'other.js' });
    expect(c.install).toEqual([
      { name: 'install', git: 'node-gyp rebuild', tarball: 'curl x | sh' },
      { name: 'preinstall', tarball: 'node a.js' },
    ]);
    expect(c.changed).toEqual(['main']);
    // A workspace: version rewritten to another workspace: spec, or a plain version changed, is a change.
    expect(compareManifests({ dependencies: { a: '^1.0.0' } }, { dependencies: { a: '^2.0.0' } }).changed).toEqual(['dependencies.a']);
  });
  it("a workspace:/catalog: spec becomes a registry range only (red team 13: any non-protocol string was a rewrite)", () => {
    // What a tamperer would ship for `workspace:^` / `catalog:`: an alias to another package, a git or tarball URL, a
    // local path, a GitHub shorthand, a dist-tag — npm then installs (and runs the install scripts of) that instead.
    for (const tv of ['npm:evil-pkg@1.0.0', 'git+https://example.invalid/a.git', 'https://example.invalid/a.tgz', 'file:../a', 'user/repo', 'latest', ''])
      expect(compareManifests({ dependencies: { a: 'workspace:^', b: 'catalog:' } }, { dependencies: { a: tv, b: tv } }).changed, tv).toEqual(['dependencies.a', 'dependencies.b']);
    for (const tv of ['1.4.0', '^1.4.0', '~1.4.0-rc.1', '>=1.2.0 <2', '1.x || ^2.0.0', '1.0.0 - 2.0.0', '*'])
      expect(registryRange(tv), tv).toBe(true);
  });

  it('output stems and files patterns', () => {
    expect(outputStem('dist/esm/foo/bar.min.js')).toEqual({ stem: 'foo/bar', inOutputDir: true });
    expect(outputStem('dist/index.d.ts')).toEqual({ stem: 'index', inOutputDir: true });
    expect(outputStem('index.js')).toEqual({ stem: 'index', inOutputDir: false });
    expect(listedInFiles('dist/a/b.js', ['dist'])).toBe(true);
    expect(listedInFiles('distx/a.js', ['dist'])).toBe(false);
    expect(listedInFiles('lib/a.js', ['lib/*.js'])).toBe(true);
    expect(listedInFiles('lib/x/a.js', ['lib/*.js'])).toBe(false);
    expect(listedInFiles('lib/x/a.js', ['lib/**/*.js'])).toBe(true);
  });
});

describe('npm:NAME@VERSION from a registry on 127.0.0.1', () => {
  let server: TestServer;
  let repoDir: string;
  let commit: string;
  let tgzBytes: Buffer;

  beforeAll(async () => {
    repoDir = join(root, 'reg');
    const repo = makeRepo(repoDir);
    commit = repo.commit({ 'package.json': JSON.stringify({ name: '@demo/reg', version: '0.3.0' }, null, 2) + '\n', 'index.js': 'module.exports = 0;\n' });
    repo.commit({ 'index.js': 'module.exports = 1;\n' }); // HEAD moves on; the gitHead names the release commit
    const tgz = npmPack(join(root, 'reg'), join(root, 'packs-reg'));
    tgzBytes = readFileSync(tgz);
    server = await startHttpServer({});
  });
  afterAll(async () => server?.close());

  const packument = (integrity: string) =>
    Buffer.from(
      JSON.stringify({
        name: '@demo/reg',
        'dist-tags': { latest: '0.3.0' },
        versions: { '0.3.0': { name: '@demo/reg', version: '0.3.0', gitHead: commit, dist: { tarball: `${server.base}/files/reg-0.3.0.tgz`, integrity } } },
      }),
    );

  it('resolves the tarball and gitHead through the packument and verifies the integrity', async () => {
    const integrity = `sha512-${createHash('sha512').update(tgzBytes).digest('base64')}`;
    server.files.set('@demo/reg', packument(integrity));
    server.files.set('reg-0.3.0.tgz', tgzBytes);
    const r = await verify({ tarball: 'npm:@demo/reg@0.3.0', repo: repoDir, cacheDir, npmRegistry: `${server.base}/files` });
    expect(r.inputs.revision).toMatchObject({ commit, how: 'metadata' });
    expect(r.inputs.tarball.source).toBe('npm:@demo/reg@0.3.0');
    expect(server.requests.map((q) => q.path)).toEqual(['/files/@demo%2Freg', '/files/reg-0.3.0.tgz']);
    // The tarball was packed from the newer work tree: index.js differs from the gitHead commit.
    expect(r.findings.map((f) => `${f.path} ${f.code}`)).toEqual(['index.js SOURCE_MODIFIED']);
  });

  it('without --repo: exit-2 error that suggests the metadata repository but does not trust it', async () => {
    const integrity = `sha512-${createHash('sha512').update(tgzBytes).digest('base64')}`;
    const doc = JSON.parse(packument(integrity).toString());
    doc.versions['0.3.0'].repository = { type: 'git', url: 'git+https://example.invalid/demo/reg.git' };
    server.files.set('@demo/reg', Buffer.from(JSON.stringify(doc)));
    server.files.set('reg-0.3.0.tgz', tgzBytes);
    await expect(verify({ tarball: 'npm:@demo/reg@0.3.0', cacheDir, npmRegistry: `${server.base}/files` })).rejects.toMatchObject({
      kind: 'usage',
      message: 'no repository to compare with',
      hint: expect.stringContaining("pass --repo; the package's own metadata names https://example.invalid/demo/reg.git"),
    });
  });

  it('an integrity mismatch stops before anything is compared; an unknown version names recent ones', async () => {
    server.files.set('@demo/reg', packument(`sha512-${createHash('sha512').update('other').digest('base64')}`));
    await expect(verify({ tarball: 'npm:@demo/reg@0.3.0', repo: repoDir, cacheDir, npmRegistry: `${server.base}/files` })).rejects.toMatchObject({
      kind: 'checksum',
      message: expect.stringMatching(/^sha512 integrity is sha512-/),
    });
    await expect(verify({ tarball: 'npm:@demo/reg@9.9.9', repo: repoDir, cacheDir, npmRegistry: `${server.base}/files` })).rejects.toMatchObject({
      kind: 'not-found',
      hint: 'recent versions: 0.3.0',
    });
    expect(() => parseNpmSpec('npm:../etc@1')).toThrow(/not an npm package name/);
    expect(parseNpmSpec('npm:@a/b@1.0.0-rc.1')).toEqual({ name: '@a/b', version: '1.0.0-rc.1' });
    expect(parseNpmSpec('npm:left-pad')).toEqual({ name: 'left-pad' });
  });
});
