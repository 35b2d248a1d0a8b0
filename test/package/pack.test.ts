/**
 * The package as a user gets it: `npm pack` of the built project, installed into a fresh project (offline,
 * from the npm cache, with a lockfile derived from ours), imported by name as ESM, the README's library
 * example run there with its documented output, and a consumer file typechecked by tsc against the
 * shipped .d.ts files (skipLibCheck off).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_CODES } from '../../src/core/codes.js';
import { tempDir } from '../helpers/tmp.js';

const root = resolve(__dirname, '../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The text between `<!-- NAME:start -->` and `<!-- NAME:end -->` in the README, without the code fence. */
export function readmeBlock(name: string): string {
  const text = readFileSync(join(root, 'README.md'), 'utf8');
  const m = new RegExp(`<!-- ${name}:start -->\\n\`\`\`\\w*\\n([\\s\\S]*?)\`\`\`\\n<!-- ${name}:end -->`).exec(text);
  if (!m) throw new Error(`README has no ${name} block`);
  return m[1]!;
}

describe('the packed package', () => {
  const dir = tempDir('distdiff-pack-');
  const consumer = join(dir, 'consumer');
  let tarball = '';

  beforeAll(() => {
    // `npm test` builds first; a missing build is a failure here, not a skip.
    expect(existsSync(join(root, 'dist/index.js')), 'dist/index.js (run npm run build)').toBe(true);
    // --ignore-scripts: prepack would rebuild dist/ while other test files run the CLI from it.
    const out = execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const [info] = JSON.parse(out) as [{ filename: string; files: { path: string }[] }];
    tarball = join(dir, info.filename);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages as Record<string, { dev?: boolean; devOptional?: boolean; optional?: boolean }>;
    const spec = `file:../${info.filename}`;
    const packages: Record<string, unknown> = {
      '': { name: 'consumer', dependencies: { distdiff: spec } },
      'node_modules/distdiff': { version: pkg.version, resolved: spec, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
    };
    // Our runtime dependencies, pinned as in our lockfile: `npm ci --offline` takes them from the cache. Optional
    // ones (the batch's results database) are left out, as an install where they are unavailable would.
    for (const [k, v] of Object.entries(lock)) if (k.startsWith('node_modules/') && !v.dev && !v.devOptional && !v.optional) packages[k] = v;
    mkdirSync(consumer);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { distdiff: spec } }));
    writeFileSync(join(consumer, 'package-lock.json'), JSON.stringify({ name: 'consumer', lockfileVersion: 3, requires: true, packages }));
    execFileSync(npm, ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: consumer, stdio: ['ignore', 'pipe', 'pipe'] });
  }, 180_000);

  it('ships the entry point, its types and the CLI, not the sources or tests', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
    expect(files).toEqual(expect.arrayContaining(['package/dist/index.js', 'package/dist/index.d.ts', 'package/dist/cli.js', 'package/dist/bundle/cli.js', 'package/dist/bundle/worker.js', 'package/package.json']));
    expect(files.filter((f) => f.startsWith('package/src/') || f.startsWith('package/test/'))).toEqual([]);
  });

  it('imports by name as ESM; only the entry point is exported', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `
      const m = await import('distdiff');
      console.log([typeof m.verify, typeof m.explain, typeof m.scanStream, typeof m.render, typeof m.formatFinding, typeof m.DistdiffError, typeof m.loadPolicy, Object.keys(m.CODES).length].join(' '));
      try { await import('distdiff/dist/verify.js'); console.log('deep import allowed'); } catch (e) { console.log(e.code); }
    `], { cwd: consumer, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`function function function function function function function ${ALL_CODES.length}\nERR_PACKAGE_PATH_NOT_EXPORTED\n`);
  });

  it('installs the distdiff command (the bundle, dist/bundle/cli.js): it finds its packages and data files where npm put them', () => {
    const distdiff = join(consumer, 'node_modules/.bin/distdiff');
    const args = [join(root, 'samples/hello-1.0.tar.gz'), '--repo', join(root, 'samples/hello.bundle'), '--format', 'json'];
    const r = spawnSync(distdiff, [...args, '--cache-dir', join(dir, 'cache-bin')], { cwd: consumer, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const built = spawnSync(process.execPath, [join(root, 'dist/cli.js'), ...args, '--cache-dir', join(dir, 'cache-tsc')], { cwd: consumer, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stdout).toBe(built.stdout);
  }, 120_000);

  it("runs the README's library example with the documented output", () => {
    writeFileSync(join(consumer, 'example.mjs'), readmeBlock('library-example'));
    const r = spawnSync(process.execPath, ['example.mjs'], { cwd: consumer, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readmeBlock('library-example-output'));
  });

  it('typechecks a consumer against the shipped types (and rejects a wrong use)', () => {
    writeFileSync(
      join(consumer, 'consumer.ts'),
      `import { explain, verify, render, formatFinding, codeDoc, scanStream, DistdiffError, DEFAULT_LIMITS, type EvidenceMap, type Finding, type FindingCode, type VerifyOptions, type VerifyResult } from 'distdiff';
const options: VerifyOptions = { tarball: 'x.tar.gz', repo: '.', cacheDir: '/tmp/c', failOn: 'medium', profile: 'npm', limits: { maxEntries: 10 } };
export async function run(): Promise<string> {
  const result: VerifyResult = await verify(options);
  const e = await explain({ tarball: { 'a/x': 'y' }, git: { x: 'z' } });
  const first: Finding | undefined = e.findings[0];
  if (first?.code === 'SOURCE_MODIFIED') {
    const ev: EvidenceMap['SOURCE_MODIFIED'] = first.evidence;
    console.log(ev.buildAffecting);
  }
  const code: FindingCode = 'GIT_ONLY';
  const scan = await scanStream((async function* () { yield new Uint8Array(512); })(), { algo: 'sha1', limits: { ...DEFAULT_LIMITS, maxDownload: 1, maxEntries: 10, maxRetainFile: 1, maxRetainTotal: 1, timeoutMs: 1000 } });
  console.log(scan.entries.length, codeDoc(code).title, first ? formatFinding(first) : '', new DistdiffError('usage', 'x', 'y').oneLine());
  return render(result, 'sarif');
}
`,
    );
    writeFileSync(join(consumer, 'wrong.ts'), `import { explain } from 'distdiff';\nexport const p = explain({ tarball: 42, git: {} });\n`);
    const tsconfig = (files: string[]) =>
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(root, 'node_modules/@types')] },
        files,
      });
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    writeFileSync(join(consumer, 'tsconfig.json'), tsconfig(['consumer.ts']));
    const ok = spawnSync(process.execPath, [tsc, '-p', '.'], { cwd: consumer, encoding: 'utf8' });
    expect(ok.stdout + ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    writeFileSync(join(consumer, 'tsconfig.json'), tsconfig(['wrong.ts']));
    const bad = spawnSync(process.execPath, [tsc, '-p', '.'], { cwd: consumer, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toMatch(/^wrong\.ts\(2,28\): error TS2322: Type 'number' is not assignable to type /);
  }, 120_000);
});
