/**
 * A build run on a checkout that converts line endings (core.autocrlf, Git for Windows' default) embeds CRLF copies of
 * git's LF sources in its source maps: reselect 5.1.1's tsup maps (holdout30), whose 13 embedded sources were all
 * "another src/… than git's" (NPM_BUILD_OUTPUT_MISMATCH, high) though they differ from git only in their line endings.
 * Built here by the real TypeScript compiler (sourceMap + inlineSources) on a work tree whose tracked sources were
 * rewritten with CRLF after the commit, packed by the real npm pack from a real git tag. Twins: the same CRLF checkout
 * with one payload line in the source before the build, and a single changed byte in an embedded source.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { codeDoc } from '../../src/core/codes.js';
import type { Finding, FindingBase } from '../../src/core/findings.js';
import { crlfCheckout } from '../../src/profiles/npm.js';
import { verify } from '../../src/verify.js';
import { makeRepo } from '../helpers/git.js';
import { npmPack, repackNpm } from '../helpers/npm-pack.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-npm-crlf-');
const cacheDir = join(root, 'cache');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

const MATH_TS = `export function add(a: number, b: number): number {
  return a + b;
}

export const twice = (x: number): number => add(x, x);
`;
const INDEX_TS = `import { add, twice } from './math';

export function sum(values: number[]): number {
  return values.reduce((acc, v) => add(acc, v), 0);
}

export { twice };
`;

let n = 0;
/** The package committed with LF sources, its work tree's sources rewritten with CRLF (and `edit`), then built and packed. */
function build(edit: (text: string) => string = (t) => t) {
  const dir = join(root, `pkg-${++n}`);
  const repo = makeRepo(dir);
  repo.commit({
    'package.json': JSON.stringify({ name: 'crlf-math', version: '1.0.0', type: 'module', main: 'dist/index.js', files: ['dist'], scripts: { build: 'tsc' } }, null, 2) + '\n',
    'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'es2019', module: 'esnext', sourceMap: true, inlineSources: true, outDir: 'dist', strict: true }, include: ['src'] }, null, 2) + '\n',
    '.gitignore': 'dist/\n',
    'src/math.ts': MATH_TS,
    'src/index.ts': INDEX_TS,
  });
  repo.tag('v1.0.0');
  for (const f of ['src/math.ts', 'src/index.ts']) writeFileSync(join(dir, f), edit(readFileSync(join(dir, f), 'utf8')).replace(/\n/g, '\r\n'));
  execFileSync(process.execPath, [tsc, '-p', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  return { dir, tgz: npmPack(dir, join(root, `packs-${n}`), join(root, 'npm-cache')) };
}

/** The package re-packed (GNU tar, package/ prefix) with `edit` applied to its unpacked tree. */
const tampered = (tgz: string, edit: (dir: string) => void): string => repackNpm(tgz, join(root, `tampered-${++n}`), 'crlf-math-1.0.0.tgz', edit);

const at = (fs: readonly Finding[], path: string) => fs.find((f) => f.path === path)!;
const high = (fs: readonly Finding[]) => fs.filter((f) => f.path.startsWith('dist/') && f.severity === 'high').map((f) => `${f.path} ${f.code}`);

describe("source maps embedding git's sources with CRLF line endings", () => {
  let pkg: { dir: string; tgz: string };
  beforeAll(() => {
    pkg = build();
  }, 120_000);

  it('the outputs and their maps are proved from git, the CRLF sources named', async () => {
    const map = JSON.parse(readFileSync(join(pkg.dir, 'dist/math.js.map'), 'utf8')) as { sourcesContent: string[] };
    expect(map.sourcesContent[0]).toBe(MATH_TS.replace(/\n/g, '\r\n'));
    const r = await verify({ tarball: pkg.tgz, repo: pkg.dir, cacheDir });
    expect(high(r.findings)).toEqual([]);
    for (const p of ['dist/math.js', 'dist/math.js.map', 'dist/index.js', 'dist/index.js.map'])
      expect([p, at(r.findings, p)]).toMatchObject([p, { code: 'NPM_BUILD_OUTPUT', severity: 'info', evidence: { proof: 'source-map', crlfSources: [p.startsWith('dist/math') ? 'src/math.ts' : 'src/index.ts'] } }]);
    const f = at(r.findings, 'dist/math.js') as FindingBase<'NPM_BUILD_OUTPUT'>;
    expect(codeDoc('NPM_BUILD_OUTPUT').message(f.evidence)).toContain('embeds src/math.ts with CRLF line endings');
    expect(r.verdict).not.toBe('different');
  }, 120_000);

  it('twin: a payload line in the CRLF checkout before the build stays NPM_BUILD_OUTPUT_MISMATCH high', async () => {
    const other = build((t) => (t.includes('export function add') ? `${t}\nexport const ping = () => fetch('https://example.net/x');\n` : t));
    const r = await verify({ tarball: other.tgz, repo: other.dir, cacheDir });
    expect(at(r.findings, 'dist/math.js')).toMatchObject({ code: 'NPM_BUILD_OUTPUT_MISMATCH', severity: 'high', evidence: { differingSources: ['src/math.ts'] } });
    expect(at(r.findings, 'dist/math.js.map')).toMatchObject({ code: 'NPM_BUILD_OUTPUT_MISMATCH', severity: 'high' });
  }, 120_000);

  it('twin: an embedded CRLF source with one changed byte stays NPM_BUILD_OUTPUT_MISMATCH high', async () => {
    const t = tampered(pkg.tgz, (d) => {
      const p = join(d, 'dist/math.js.map');
      const m = JSON.parse(readFileSync(p, 'utf8')) as { sourcesContent: string[] };
      m.sourcesContent[0] = m.sourcesContent[0]!.replace('a + b', 'a - b');
      writeFileSync(p, JSON.stringify(m));
    });
    const r = await verify({ tarball: t, repo: pkg.dir, cacheDir });
    expect(at(r.findings, 'dist/math.js.map')).toMatchObject({ code: 'NPM_BUILD_OUTPUT_MISMATCH', severity: 'high', evidence: { differingSources: ['src/math.ts'] } });
  }, 120_000);
});

describe('crlfCheckout', () => {
  const git = 'a\nb\n';
  it("only git's text with every line ending CRLF", () => {
    expect(crlfCheckout('a\r\nb\r\n', git)).toBe(true);
    expect(crlfCheckout(git, git)).toBe(false); // equal: no conversion to name
    expect(crlfCheckout('a\r\nb\n', git)).toBe(false); // mixed endings: not a checkout's conversion
    expect(crlfCheckout('a\r\nc\r\n', git)).toBe(false);
    expect(crlfCheckout('a\r\nb\r\n\r\n', git)).toBe(false);
    expect(crlfCheckout('a\r\r\nb\r\n', git)).toBe(false);
    expect(crlfCheckout('a\r\nb\r\n', 'a\r\nb\n')).toBe(false); // git's own CRs: nothing converted them
  });
});
