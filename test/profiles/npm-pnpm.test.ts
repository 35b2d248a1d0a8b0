/**
 * pnpm publish's exportable manifest (pnpm/pnpm pkg-manifest/exportable-manifest `createExportableManifest`, every
 * release 7.0.0–10.x): the prepublishOnly/prepack/prepare/postpack/publish/postpublish scripts dropped, `scripts`
 * put last, the `pnpm` field (and since 9.0.0 `packageManager`) omitted. vite 5.4.8 (pnpm 9.9.0, packages/vite) was
 * NPM_MANIFEST_CHANGED high for its dropped `prepublishOnly`.
 *
 * The published package.json is written here as createExportableManifest builds it (JSON.stringify of the manifest
 * with those keys omitted and `scripts` re-added last) and the tree packed by the real `npm pack`; the twins are the
 * same tarball against a repository that does not publish with pnpm, and manifests pnpm never writes.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareManifests } from '../../src/profiles/npm.js';
import { verify } from '../../src/verify.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { npmPack as npmPackIn } from '../helpers/npm-pack.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-npm-pnpm-');
const cacheDir = join(root, 'cache');

const PKG = {
  name: '@demo/lib',
  version: '5.4.8',
  type: 'module',
  main: 'index.js',
  files: ['index.js'],
  repository: { type: 'git', url: 'git+https://example.invalid/demo/mono.git', directory: 'packages/lib' },
  scripts: { build: 'node build.js', typecheck: 'tsc --noEmit', prepublishOnly: 'npm run build' },
  dependencies: { picomatch: '^2.3.1' },
  engines: { node: '>=18' },
};

/** createExportableManifest's output: `scripts` omitted, then put back (last) without the prepublish-type scripts. */
function exported(pkg: Record<string, unknown>): Record<string, unknown> {
  const { scripts, pnpm: _pnpm, packageManager: _pm, ...rest } = pkg as { scripts?: Record<string, string>; pnpm?: unknown; packageManager?: unknown };
  const kept = Object.fromEntries(Object.entries(scripts ?? {}).filter(([k]) => !['prepublishOnly', 'prepack', 'prepare', 'postpack', 'publish', 'postpublish'].includes(k)));
  return { ...rest, scripts: kept };
}

let n = 0;
/** A monorepo (root package.json + `top` files) tagged, its packages/lib packed by npm with `published` as package.json. */
function release(top: Record<string, string>, published: Record<string, unknown>, pkg: Record<string, unknown> = PKG) {
  const dir = join(root, `mono-${++n}`);
  const repo = makeRepo(dir);
  repo.commit({
    ...top,
    'packages/lib/package.json': JSON.stringify(pkg, null, 2) + '\n',
    'packages/lib/index.js': 'export const answer = 42;\n',
  });
  repo.tag('v5.4.8');
  writeFiles(dir, { 'packages/lib/package.json': JSON.stringify(published, null, 2) + '\n' });
  const packs = join(root, `packs-${n}`);
  mkdirSync(packs);
  const tgz = npmPackIn(join(dir, 'packages/lib'), packs, join(root, 'npm-cache'));
  return verify({ tarball: tgz, repo: dir, cacheDir });
}

const manifestOf = (r: Awaited<ReturnType<typeof verify>>) => r.findings.find((f) => f.path === 'package.json');
const PNPM_TOP = {
  'package.json': JSON.stringify({ name: 'mono', private: true, packageManager: 'pnpm@9.9.0' }, null, 2) + '\n',
  'pnpm-workspace.yaml': 'packages:\n  - packages/*\n',
  'pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
};

describe("pnpm publish's exportable manifest", () => {
  it('a repository publishing with pnpm (packageManager pnpm@9.9.0): prepublishOnly dropped and scripts moved last are NPM_MANIFEST_REWRITE (pnpm-publish), exit 0', async () => {
    const r = await release(PNPM_TOP, exported(PKG));
    expect(manifestOf(r)).toMatchObject({ code: 'NPM_MANIFEST_REWRITE', severity: 'info', evidence: { rewrites: [{ field: 'scripts.prepublishOnly', kind: 'pnpm-publish' }] } });
    expect(r.verdict).not.toBe('different');
  }, 60_000);

  it('a lockfile alone is the evidence too; the `pnpm` field of the package dropped', async () => {
    const pkg = { ...PKG, pnpm: { overrides: { picomatch: '2.3.1' } } };
    const r = await release({ 'package.json': '{ "private": true }\n', 'pnpm-lock.yaml': "lockfileVersion: '9.0'\n" }, exported(pkg), pkg);
    const f = manifestOf(r)!;
    expect(f).toMatchObject({ code: 'NPM_MANIFEST_REWRITE', severity: 'info' });
    expect(f.evidence).toEqual({ rewrites: expect.arrayContaining([{ field: 'scripts.prepublishOnly', kind: 'pnpm-publish' }, { field: 'pnpm', kind: 'pnpm-publish' }]) });
    expect((f.evidence as { rewrites: unknown[] }).rewrites).toHaveLength(2);
  }, 60_000);

  it('twin: the same manifest from a repository with no pnpm lockfile or packageManager stays NPM_MANIFEST_CHANGED high', async () => {
    const r = await release({ 'package.json': '{ "private": true }\n', 'package-lock.json': '{}\n' }, exported(PKG));
    expect(manifestOf(r)).toMatchObject({ code: 'NPM_MANIFEST_CHANGED', severity: 'high', evidence: { fields: ['scripts.prepublishOnly'] } });
    expect(r.verdict).toBe('different');
  }, 60_000);

  it('twins: a script pnpm keeps dropped, a prepublish script changed stay high; another package manager named is no pnpm', async () => {
    const ex = exported(PKG) as { scripts: Record<string, string> };
    const dropped = await release(PNPM_TOP, { ...ex, scripts: { build: ex.scripts.build } });
    expect(manifestOf(dropped)).toMatchObject({ code: 'NPM_MANIFEST_CHANGED', severity: 'high', evidence: { fields: ['scripts.typecheck'] } });
    const changed = await release(PNPM_TOP, { ...ex, scripts: { ...ex.scripts, prepublishOnly: 'node publish-hook.js' } });
    expect(manifestOf(changed)).toMatchObject({ code: 'NPM_MANIFEST_CHANGED', severity: 'high', evidence: { fields: ['scripts.prepublishOnly'] } });
    const yarn = await release({ 'package.json': JSON.stringify({ private: true, packageManager: 'yarn@4.1.0' }) + '\n', 'pnpm-lock.yaml': "lockfileVersion: '9.0'\n" }, exported(PKG));
    expect(manifestOf(yarn)).toMatchObject({ code: 'NPM_MANIFEST_CHANGED', severity: 'high' });
  }, 120_000);

  it('compareManifests: pnpm >= 9 drops packageManager; < 7 kept the prepublish scripts, < 9 the packageManager field', () => {
    expect(compareManifests({ scripts: { b: 'x', prepare: 'y' }, packageManager: 'pnpm@9.9.0' }, { scripts: { b: 'x' } }, undefined, { major: 9 })).toMatchObject({ changed: [], rewrites: [{ field: 'scripts.prepare', kind: 'pnpm-publish' }, { field: 'packageManager', kind: 'pnpm-publish' }] });
    const git = { scripts: { build: 'x', prepack: 'y' }, packageManager: 'pnpm@8.15.0' };
    expect(compareManifests(git, { scripts: { build: 'x' } }, undefined, { major: 8 })).toMatchObject({ changed: ['packageManager'], rewrites: [{ field: 'scripts.prepack', kind: 'pnpm-publish' }] });
    expect(compareManifests(git, { scripts: { build: 'x' } }, undefined, { major: 6 }).changed).toEqual(['scripts.prepack', 'packageManager']);
    expect(compareManifests(git, { scripts: { build: 'x' } }).changed).toEqual(['scripts.prepack', 'packageManager']);
  });
});
