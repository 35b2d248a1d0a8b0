/**
 * tsc's declarations of inferred types (date-fns 3.6.0: its 524 fp/NAME.d.ts/.d.mts and locale/X/_lib/formatLong
 * declarations were TARBALL_ONLY_UNEXPLAINED high — `export declare const add: import("./types.js").FPFn2<Date,
 * import("../fp.js").Duration, …>` names types of other modules, which the names check found foreign). A tagged
 * repository laid out like date-fns (src/NAME/index.ts, src/fp/NAME/index.ts built by a convertToFP whose return
 * type tsc infers), declarations emitted by the real tsc and flattened to NAME.d.ts as date-fns' build does, packed
 * by the real npm pack. Twins: a name ./types.js does not export, a module that is not relative, a target the
 * package does not ship — each stays high.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { foreignNames } from '../../src/profiles/npm-dist.js';
import { inferredTypeNames } from '../../src/profiles/npm-declaration.js';
import { verify } from '../../src/verify.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { npmPack } from '../helpers/npm-pack.js';
import { tempDir } from '../helpers/tmp.js';

const TSC = resolve(__dirname, '../../node_modules/typescript/bin/tsc');
const root = tempDir('distdiff-npm-dts-inferred-');
const cacheDir = join(root, 'cache');

const SOURCES: Record<string, string> = {
  'src/types.ts': 'export interface Duration {\n  days?: number;\n  hours?: number;\n}\n',
  'src/fp/types.ts': 'export interface FPFn2<Result, Arg2, Arg1> {\n  (arg2: Arg2): (arg1: Arg1) => Result;\n  (arg2: Arg2, arg1: Arg1): Result;\n}\n',
  'src/fp/_lib/convertToFP/index.ts':
    'import type { FPFn2 } from "../../types.js";\n\nexport function convertToFP<Result, Arg1, Arg2>(fn: (arg1: Arg1, arg2: Arg2) => Result, arity: 2): FPFn2<Result, Arg2, Arg1> {\n  const curried = (...args: unknown[]): unknown =>\n    args.length >= arity ? fn(args[1] as Arg1, args[0] as Arg2) : (arg1: Arg1) => fn(arg1, args[0] as Arg2);\n  return curried as FPFn2<Result, Arg2, Arg1>;\n}\n',
  'src/add/index.ts':
    'import type { Duration } from "../types.js";\n\nexport function add(date: Date | number, duration: Duration): Date {\n  const result = new Date(date);\n  result.setDate(result.getDate() + (duration.days ?? 0));\n  return result;\n}\n',
  'src/fp/add/index.ts':
    '// This file is generated automatically by `scripts/build/fp.ts`. Please, don\'t change it.\n\nimport { add as fn } from "../../add/index.js";\nimport { convertToFP } from "../_lib/convertToFP/index.js";\n\nexport const add = convertToFP(fn, 2);\n',
  'src/fp/sub/index.ts': 'import { add as fn } from "../../add/index.js";\nimport { convertToFP } from "../_lib/convertToFP/index.js";\n\nexport const sub = convertToFP(fn, 2);\n',
  'src/fp/mul/index.ts': 'import { add as fn } from "../../add/index.js";\nimport { convertToFP } from "../_lib/convertToFP/index.js";\n\nexport const mul = convertToFP(fn, 2);\n',
  'tsconfig.json': JSON.stringify({ compilerOptions: { declaration: true, emitDeclarationOnly: true, module: 'esnext', moduleResolution: 'bundler', target: 'es2020', strict: true, rootDir: 'src', outDir: 'build' }, include: ['src'] }, null, 2) + '\n',
};

const walk = (dir: string, base = ''): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n), `${base}${n}/`) : [`${base}${n}`]));

/** date-fns' flatten step: X/index.d.ts → X.d.ts, each relative specifier re-pointed from the new place. */
function flatten(build: string): Record<string, string> {
  const out: Record<string, string> = {};
  const moved = (p: string) => p.replace(/\/index\.d\.ts$/, '.d.ts');
  for (const p of walk(build)) {
    const text = readFileSync(join(build, p), 'utf8').replace(/(["'])(\.{1,2}\/[^"']+)\1/g, (_m, q: string, spec: string) => {
      const target = posix.normalize(posix.join(posix.dirname(p), spec)).replace(/\.js$/, '.d.ts');
      const at = moved(walk(build).includes(target) ? target : target.replace(/\.d\.ts$/, '/index.d.ts'));
      let rel = posix.relative(posix.dirname(moved(p)), at).replace(/\.d\.ts$/, '.js');
      if (!rel.startsWith('.')) rel = `./${rel}`;
      return `${q}${rel}${q}`;
    });
    out[moved(p)] = text;
  }
  return out;
}

let n = 0;
async function release(edit?: (built: Record<string, string>) => Record<string, string>) {
  const dir = join(root, `pkg-${++n}`);
  const repo = makeRepo(dir);
  repo.commit({
    'package.json': JSON.stringify({ name: 'datelike', version: '3.6.0', type: 'module', types: './add.d.ts', files: ['*.d.ts', 'fp', '_lib'] }, null, 2) + '\n',
    ...SOURCES,
    '.gitignore': '/build/\n/*.d.ts\n/fp/\n/_lib/\n',
  });
  repo.tag('v3.6.0');
  execFileSync(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: dir });
  const built = flatten(join(dir, 'build'));
  rmSync(join(dir, 'build'), { recursive: true });
  writeFiles(dir, edit ? edit(built) : built);
  const packs = join(root, `packs-${n}`);
  mkdirSync(packs);
  const r = await verify({ tarball: npmPack(dir, packs, join(root, 'npm-cache')), repo: dir, cacheDir });
  return { r, built, at: (path: string) => r.findings.find((f) => f.path === path) };
}

describe('declarations of inferred types: import("./X").NAME where the shipped ./X exports NAME', () => {
  it('tsc writes the inferred type of fp/add with import() types; judged as the output of src/fp/add/index.ts', async () => {
    const { r, built, at } = await release();
    expect(built['fp/add.d.ts']).toMatch(/export declare const add: import\("\.\/types\.js"\)\.FPFn2<Date, import\("\.\.\/types\.js"\)\.Duration, (?:number \| Date|Date \| number)>;/);
    for (const p of ['add', 'sub', 'mul']) expect(at(`fp/${p}.d.ts`)).toMatchObject({ code: 'NPM_BUILD_OUTPUT_UNPROVED', severity: 'low', evidence: { source: `src/fp/${p}/index.ts` } });
    expect(r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical')).toEqual([]);
  }, 120_000);

  it('twins: a name ./types.js does not export, a module that is not relative, an unshipped target stay high', async () => {
    const { at } = await release((b) => ({
      ...b,
      'fp/add.d.ts': b['fp/add.d.ts']!.replace('FPFn2<', 'FPFn9<'),
      'fp/sub.d.ts': b['fp/sub.d.ts']!.replace('import("../types.js").Duration', 'import("child_process").ChildProcess'),
      'fp/mul.d.ts': b['fp/mul.d.ts']!.replace('import("../types.js").Duration', 'import("./hidden.js").Duration'),
    }));
    expect(at('fp/add.d.ts')).toMatchObject({ severity: 'high' });
    expect(at('fp/sub.d.ts')).toMatchObject({ severity: 'high' });
    expect(at('fp/mul.d.ts')).toMatchObject({ severity: 'high' });
  }, 120_000);
});

describe('inferredTypeNames', () => {
  const files: Record<string, string> = {
    'fp/types.d.ts': 'export interface FPFn2<R, A, B> {\n  (a: A): (b: B) => R;\n}\n',
    'types.d.ts': 'export interface Duration {\n  days?: number;\n}\nexport type { Interval } from "./interval.js";\n',
    'interval.d.ts': 'export interface Interval {\n  start: Date;\n}\n',
    'fp.d.ts': 'export * from "./fp/add.js";\nexport type * from "./types.js";\n',
    'fp/add.d.ts': 'export declare const add: number;\n',
  };
  const shipped = (p: string) => files[p];
  it('accepts names the resolved declaration exports, directly, by export {…} or through export * chains', () => {
    const out = 'export declare const f: import("./types.js").FPFn2<Date, import("../fp.js").Duration, import("../types.js").Interval>;\n';
    expect([...inferredTypeNames(out, 'fp/f.d.ts', shipped)].sort()).toEqual(['Duration', 'FPFn2', 'Interval']);
    const intl = 'export declare const g: import("./types.js").FPFn2<string, Intl.DateTimeFormatOptions, Date>;\n';
    expect(foreignNames(intl, 'export const g = 1;\n', true, inferredTypeNames(intl, 'fp/g.d.ts', shipped))).toEqual([]);
    expect([...inferredTypeNames('x: Foo.Intl.Bar', 'fp/g.d.ts', shipped)]).toEqual([]);
    expect(foreignNames(out, 'export const f = 1;\n', true, inferredTypeNames(out, 'fp/f.d.ts', shipped))).toEqual([]);
  });
  it('refuses a name not exported, a module that is not relative, a path outside the package, an unshipped target', () => {
    expect([...inferredTypeNames('x: import("./types.js").Nope', 'fp/f.d.ts', shipped)]).toEqual([]);
    expect([...inferredTypeNames('x: import("fs").Stats', 'fp/f.d.ts', shipped)]).toEqual([]);
    expect([...inferredTypeNames('x: import("../../types.js").Duration', 'fp/f.d.ts', shipped)]).toEqual([]);
    expect([...inferredTypeNames('x: import("./missing.js").Duration', 'fp/f.d.ts', shipped)]).toEqual([]);
    const out = 'export declare const f: import("fs").Stats;\n';
    expect(foreignNames(out, 'export const f = 1;\n', true, inferredTypeNames(out, 'f.d.ts', shipped))).toEqual(['Stats', 'module:fs']);
  });
});
