/**
 * `distdiff toolchain add npm:esbuild@V`: the esbuild binary a release's lockfile pins, for the minified-bundle
 * rerun (src/profiles/npm-minified.ts). esbuild publishes its binary as `@esbuild/<platform>-<arch>@V`; that
 * package is fetched through the registry's JSON API with the project's downloader, checked against the registry's
 * integrity value (acquireNpm), and only its `package/bin/esbuild` is kept, under `<cache>/npm-tools/esbuild-V/`
 * with a tool.json naming what was installed. Nothing runs here: the binary runs only in the sandbox.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { x as extractTar } from 'tar';
import { acquireNpm } from '../acquire/npm-registry.js';
import { DistdiffError } from '../core/errors.js';
import { DEFAULT_LIMITS } from '../core/limits.js';

export interface NpmToolResult {
  prefix: string;
  version: string;
  /** The platform package installed, e.g. @esbuild/linux-x64. */
  package: string;
  integrity: string;
  reused: boolean;
}

/** Install `npm:esbuild@V` (the only npm tool distdiff reruns) into the cache. */
export async function addNpmTool(spec: string, opts: { cacheDir: string; registry?: string; allowHttp?: boolean }): Promise<NpmToolResult> {
  const m = /^npm:esbuild@(\d+\.\d+\.\d+)$/.exec(spec);
  if (!m) throw new DistdiffError('usage', spec, 'only npm:esbuild@VERSION is an npm toolchain', 'pass e.g. npm:esbuild@0.17.15 (the version the release lockfile pins)');
  const version = m[1]!;
  const pkg = `@esbuild/${process.platform}-${process.arch}`;
  const prefix = join(opts.cacheDir, 'npm-tools', `esbuild-${version}`);
  const manifest = join(prefix, 'tool.json');
  if (existsSync(manifest) && existsSync(join(prefix, 'bin', 'esbuild'))) return { prefix, version, package: pkg, integrity: '', reused: true };
  const got = await acquireNpm(`npm:${pkg}@${version}`, { cacheDir: opts.cacheDir, ...(opts.registry ? { registry: opts.registry } : {}), limits: DEFAULT_LIMITS, ...(opts.allowHttp ? { allowHttp: true } : {}) });
  mkdirSync(join(opts.cacheDir, 'npm-tools'), { recursive: true });
  const tmp = mkdtempSync(join(opts.cacheDir, 'npm-tools', '.esbuild-'));
  chmodSync(tmp, 0o755);
  try {
    await extractTar({ file: got.archive.path, cwd: tmp, filter: (p) => p === 'package/bin/esbuild', strict: true });
    const bin = join(tmp, 'package', 'bin', 'esbuild');
    if (!existsSync(bin)) throw new DistdiffError('download', spec, `${pkg}@${version} has no package/bin/esbuild`, 'check the version and --npm-registry');
    mkdirSync(join(tmp, 'bin'));
    renameSync(bin, join(tmp, 'bin', 'esbuild'));
    chmodSync(join(tmp, 'bin', 'esbuild'), 0o755);
    rmSync(join(tmp, 'package'), { recursive: true, force: true });
    writeFileSync(join(tmp, 'tool.json'), `${JSON.stringify({ name: 'esbuild', version, package: `${pkg}@${version}`, tarball: got.release.tarball, integrity: got.verified }, null, 2)}\n`);
    rmSync(prefix, { recursive: true, force: true });
    renameSync(tmp, prefix);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { prefix, version, package: pkg, integrity: got.verified, reused: false };
}
