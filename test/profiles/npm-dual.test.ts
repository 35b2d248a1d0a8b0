/**
 * dual-publish (nanoid 3.x's release process): the tracked CommonJS X.js published as an ES module, X.cjs beside it,
 * comments dropped, a package.json written into each source directory. dual-publish is not installed here: the
 * published tree is written as it writes one (the shapes of nanoid 3.3.7) and packed by the real `npm pack`.
 * Each explanation has its tampered twin.
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { directoryStubProblem, dualManifestProblem, esmConversion, specifierResolves } from '../../src/profiles/npm-dual.js';
import { verify } from '../../src/verify.js';
import { makeRepo } from '../helpers/git.js';
import { npmPack } from '../helpers/npm-pack.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-npm-dual-');
const cacheDir = join(root, 'cache');

const GIT_INDEX = `let crypto = require('crypto')

let { urlAlphabet } = require('./url-alphabet')

// A comment dual-publish drops.
let nanoid = (size = 21) => {
  let bytes = crypto.randomBytes(size)
  let id = ''
  while (size--) id += urlAlphabet[bytes[size] & 63]
  return id
}

module.exports = { nanoid, urlAlphabet }
`;
const GIT_ALPHABET = `// The URL-safe alphabet.
let urlAlphabet = 'useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict'

module.exports = { urlAlphabet }
`;
const ESM_INDEX = `import crypto from 'crypto'
import { urlAlphabet } from './url-alphabet/index.js'
let nanoid = (size = 21) => {
  let bytes = crypto.randomBytes(size)
  let id = ''
  while (size--) id += urlAlphabet[bytes[size] & 63]
  return id
}
export { nanoid, urlAlphabet }
`;
const ESM_ALPHABET = `let urlAlphabet = 'useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict'
export { urlAlphabet }
`;
const STUB = JSON.stringify({ type: 'module', main: 'index.cjs', module: 'index.js', 'react-native': 'index.js' }, null, 2);

describe('dual-publish (ES module conversion, directory package.json)', () => {
  const repo = makeRepo(join(root, 'repo'));
  const pkg = { name: 'tinyid', version: '1.0.0', main: 'index.js', license: 'MIT', scripts: { test: 'uvu' }, devDependencies: { 'dual-publish': '^4.0.0' }, eslintConfig: { extends: 'x' } };
  // what dual-publish + clean-publish publish: scripts, devDependencies and tool settings dropped, resolution fields written
  const published = {
    name: 'tinyid', version: '1.0.0', license: 'MIT', type: 'module', main: 'index.cjs', module: 'index.js',
    exports: { '.': { require: './index.cjs', import: './index.js', default: './index.js' }, './package.json': './package.json', './url-alphabet/package.json': './url-alphabet/package.json' },
  };
  repo.commit({ 'package.json': JSON.stringify(pkg, null, 2) + '\n', 'index.js': GIT_INDEX, 'url-alphabet/index.js': GIT_ALPHABET });
  repo.tag('1.0.0');

  /** The published tree as dual-publish writes it, changed by `edit`, packed by npm pack. */
  const publish = (name: string, edit: (dir: string) => void = () => {}) => {
    const dir = join(root, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'url-alphabet'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify(published, null, 2) + '\n');
    writeFileSync(join(dir, 'index.js'), ESM_INDEX);
    writeFileSync(join(dir, 'index.cjs'), GIT_INDEX.replace(/^\/\/.*\n/gm, '')); // comments dropped here too
    writeFileSync(join(dir, 'url-alphabet', 'index.js'), ESM_ALPHABET);
    writeFileSync(join(dir, 'url-alphabet', 'index.cjs'), GIT_ALPHABET.replace(/^\/\/.*\n/gm, ''));
    writeFileSync(join(dir, 'url-alphabet', 'package.json'), STUB);
    edit(dir);
    return npmPack(dir, join(root, `${name}-out`), join(root, 'npm-cache'));
  };

  it('the converted modules and the directory package.json are proved: exit 0', async () => {
    const r = await verify({ tarball: publish('ok'), repo: repo.dir, cacheDir, tag: '1.0.0' });
    const by = (p: string) => r.findings.find((f) => f.path === p);
    expect(by('index.js')).toMatchObject({ code: 'NPM_BUILD_OUTPUT', severity: 'info', evidence: { source: 'index.js', proof: 'esm-conversion' } });
    expect(by('url-alphabet/index.js')).toMatchObject({ code: 'NPM_BUILD_OUTPUT', evidence: { proof: 'esm-conversion' } });
    expect(by('url-alphabet/package.json')).toMatchObject({ code: 'PACKAGE_METADATA', severity: 'info', evidence: { ecosystem: 'npm', kind: 'npm-directory-manifest' } });
    expect(by('index.cjs')).toMatchObject({ code: 'NPM_BUILD_OUTPUT', evidence: { proof: 'tokens' } });
    expect(by('package.json')).toMatchObject({ code: 'NPM_MANIFEST_REWRITE', severity: 'info' });
    expect((by('package.json')!.evidence as { rewrites: { kind: string }[] }).rewrites.every((w) => w.kind === 'dual-publish')).toBe(true);
    expect(r.verdict).toBe('explained');
  });

  it('twin: one code token changed in the converted module stays high', async () => {
    const t = publish('code', (d) => writeFileSync(join(d, 'index.js'), ESM_INDEX.replace('& 63', '& 31')));
    const r = await verify({ tarball: t, repo: repo.dir, cacheDir, tag: '1.0.0' });
    expect(r.findings.find((f) => f.path === 'index.js')).toMatchObject({ code: 'SOURCE_MODIFIED', severity: 'high' });
    expect(r.verdict).toBe('different');
  });

  // Red team 18: a line break after `return` ends the statement (ASI): `return\n  id` returns undefined, every id
  // the same "undefined". Dropped as whitespace, the tokens were git's and the conversion was proved (exit 0).
  it('twin: a line break after return (ASI) in the converted module stays high; the same code re-wrapped elsewhere is proved', async () => {
    const t = publish('asi', (d) => writeFileSync(join(d, 'index.js'), ESM_INDEX.replace('  return id\n', '  return\n    id\n')));
    const r = await verify({ tarball: t, repo: repo.dir, cacheDir, tag: '1.0.0' });
    expect(r.findings.find((f) => f.path === 'index.js')).toMatchObject({ code: 'SOURCE_MODIFIED', severity: 'high' });
    expect(r.verdict).toBe('different');
    const ok = publish('rewrapped', (d) => writeFileSync(join(d, 'index.js'), ESM_INDEX.replace('  let bytes = crypto.randomBytes(size)\n', '  let bytes =\n    crypto.randomBytes(\n      size)\n')));
    const r2 = await verify({ tarball: ok, repo: repo.dir, cacheDir, tag: '1.0.0' });
    expect(r2.findings.find((f) => f.path === 'index.js')).toMatchObject({ code: 'NPM_BUILD_OUTPUT', evidence: { proof: 'esm-conversion' } });
    expect(r2.verdict).toBe('explained');
  });

  it('twin: the published package.json exporting a file git lacks stays high', async () => {
    const t = publish('exports', (d) => {
      writeFileSync(join(d, 'extra.js'), 'export let x = 1\n');
      writeFileSync(join(d, 'package.json'), JSON.stringify({ ...published, exports: { ...published.exports, './extra': './extra.js' } }, null, 2));
    });
    const r = await verify({ tarball: t, repo: repo.dir, cacheDir, tag: '1.0.0' });
    expect(r.findings.find((f) => f.path === 'package.json')).toMatchObject({ code: 'NPM_MANIFEST_CHANGED', severity: 'high' });
  });

  it('twin: an import of another module than git requires stays high', async () => {
    const t = publish('spec', (d) => {
      writeFileSync(join(d, 'index.js'), ESM_INDEX.replace("'./url-alphabet/index.js'", "'./url-alphabet/index.cjs'"));
    });
    const r = await verify({ tarball: t, repo: repo.dir, cacheDir, tag: '1.0.0' });
    expect(r.findings.find((f) => f.path === 'index.js')!.severity).toBe('high');
  });

  it('twin: a directory package.json with a field beyond resolution, or pointing at a file git lacks, stays high', async () => {
    const t = publish('stub', (d) => {
      cpSync(join(d, 'url-alphabet', 'index.cjs'), join(d, 'url-alphabet', 'extra.cjs'));
      writeFileSync(join(d, 'url-alphabet', 'package.json'), JSON.stringify({ type: 'module', main: 'extra.cjs', module: 'index.js' }));
    });
    const r = await verify({ tarball: t, repo: repo.dir, cacheDir, tag: '1.0.0' });
    expect(['high', 'critical']).toContain(r.findings.find((f) => f.path === 'url-alphabet/package.json')!.severity);
    expect(directoryStubProblem('a', JSON.stringify({ type: 'module', main: 'index.cjs', scripts: { postinstall: 'x' } }), () => true)).toBe('field scripts');
    expect(directoryStubProblem('a', STUB, () => true)).toBeUndefined();
    expect(directoryStubProblem('a', JSON.stringify({ browser: { './index.js': './evil.js' } }), (p) => p !== 'a/evil.js')).toBe('target ./evil.js');
  });

  // Red team 30: a stub's target only had to be a shipped file git tracks, anywhere: "main": "../index.cjs" made
  // require('./url-alphabet') load the package's index instead (PACKAGE_METADATA info, exit 0).
  it('twin: a directory package.json pointing out of its directory stays high', async () => {
    const t = publish('escape', (d) => writeFileSync(join(d, 'url-alphabet', 'package.json'), JSON.stringify({ type: 'module', main: '../index.cjs', module: 'index.js' }, null, 2)));
    const r = await verify({ tarball: t, repo: repo.dir, cacheDir, tag: '1.0.0' });
    expect(['high', 'critical']).toContain(r.findings.find((f) => f.path === 'url-alphabet/package.json')!.severity);
    expect(r.verdict).toBe('different');
  });
});

describe('a directory package.json in a package that does not use dual-publish (red team 30)', () => {
  const repo = makeRepo(join(root, 'plain-repo'));
  const pkg = { name: 'plainpkg', version: '1.0.0', main: 'index.js', license: 'MIT' };
  const files = { 'package.json': JSON.stringify(pkg, null, 2) + '\n', 'index.js': "module.exports = require('./lib')\n", 'lib/index.js': 'module.exports = 42\n', 'tools/setup.js': "require('child_process').execSync('id')\n" };
  repo.commit(files);
  repo.tag('1.0.0');
  const pack = (name: string, stub?: string) => {
    const dir = join(root, name);
    rmSync(dir, { recursive: true, force: true });
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(join(dir, p, '..'), { recursive: true });
      writeFileSync(join(dir, p), text);
    }
    if (stub !== undefined) writeFileSync(join(dir, 'lib', 'package.json'), stub);
    return npmPack(dir, join(root, `${name}-out`), join(root, 'npm-cache'));
  };

  it('the package as npm packs it from git: exit 0', async () => {
    const r = await verify({ tarball: pack('plain-ok'), repo: repo.dir, cacheDir, tag: '1.0.0' });
    expect(['identical', 'explained']).toContain(r.verdict);
  });

  it('a tarball-only lib/package.json redirecting require("./lib") to another tracked file stays high', async () => {
    const r = await verify({ tarball: pack('plain-redirect', JSON.stringify({ main: '../tools/setup.js' })), repo: repo.dir, cacheDir, tag: '1.0.0' });
    expect(['high', 'critical']).toContain(r.findings.find((f) => f.path === 'lib/package.json')!.severity);
    expect(r.verdict).toBe('different');
    // the dual-publish shape itself, in a package that does not publish with dual-publish, is no explanation either
    const r2 = await verify({ tarball: pack('plain-stub', JSON.stringify({ type: 'module', main: 'index.js', module: 'index.js' })), repo: repo.dir, cacheDir, tag: '1.0.0' });
    expect(r2.findings.find((f) => f.path === 'lib/package.json')!.code).not.toBe('PACKAGE_METADATA');
  });
});

describe('dualManifestProblem', () => {
  const git = { name: 'a', version: '1.0.0', main: 'index.js', dependencies: { b: '1' }, scripts: { test: 'x' }, devDependencies: { 'dual-publish': '4' }, 'size-limit': [] };
  const tar = { name: 'a', version: '1.0.0', main: 'index.cjs', module: 'index.js', type: 'module', dependencies: { b: '1' }, exports: { '.': { require: './index.cjs', import: './index.js' } } };
  const shipped = (p: string) => ['index.js', 'index.cjs'].includes(p);
  it('dropped tool fields and rewritten resolution fields pointing at shipped files', () => {
    expect(dualManifestProblem(git, tar, shipped)).toBeUndefined();
  });
  it('twins: an export of a file it does not accept, a dependency dropped or added, bin changed, a path leaving the package', () => {
    expect(dualManifestProblem(git, { ...tar, exports: { '.': { import: './evil.js' } } }, shipped)).toBe('exports: ./evil.js');
    expect(dualManifestProblem(git, { ...tar, dependencies: undefined }, shipped)).toBe('dependencies');
    expect(dualManifestProblem(git, { ...tar, dependencies: { b: '1', evil: '1' } }, shipped)).toBe('dependencies');
    expect(dualManifestProblem(git, { ...tar, bin: './index.js' }, shipped)).toBe('bin');
    expect(dualManifestProblem(git, { ...tar, browser: { './index.js': '../x/index.js' } }, () => true)).toBe('browser: ../x/index.js');
    expect(dualManifestProblem(git, { ...tar, type: 'commonjs' }, shipped)).toBe('type');
  });
});

describe('esmConversion', () => {
  const resolves = (g: string, t: string) => specifierResolves('', g, t, (p) => ['x.js', 'lib/index.js'].includes(p));
  it('require/module.exports ↔ import/export, specifiers given the file they resolve to', () => {
    expect(esmConversion("let a = require('x')\nlet { b, c } = require('./lib')\nmodule.exports = { a, b }\n", "import a from 'x'\nimport { b, c } from './lib/index.js'\nexport { a, b }\n", resolves)).toBe(true);
    expect(esmConversion("const y = require('./x')\nmodule.exports = { y }\n", "import y from './x.js'\nexport { y }\n", resolves)).toBe(true);
  });
  it('twins: other names, another module, extra code, nothing converted', () => {
    expect(esmConversion("let a = require('x')\n", "import b from 'x'\n", resolves)).toBe(false);
    expect(esmConversion("let a = require('x')\n", "import a from 'y'\n", resolves)).toBe(false);
    expect(esmConversion("let { b } = require('./lib')\n", "import { b } from './other/index.js'\n", resolves)).toBe(false);
    expect(esmConversion('module.exports = { a, b }\n', 'export { a, b, c }\n', resolves)).toBe(false);
    expect(esmConversion("let a = require('x')\nmodule.exports = { a }\n", "import a from 'x'\nfetch('https://example.org')\nexport { a }\n", resolves)).toBe(false);
    expect(esmConversion('let a = 1\n', 'let a = 1\n', resolves)).toBe(false);
    // red team 17: a call after a comment that ends at U+2028 (node runs it) is extra code, not a conversion
    expect(esmConversion("let a = require('x')\nmodule.exports = { a }\n", "import a from 'x'\n// converted\u2028fetch('https://203.0.113.9/')\nexport { a }\n", resolves)).toBe(false);
    expect(esmConversion("let a = require('x')\nmodule.exports = { a }\n", "import a from 'x'\n// converted\nexport { a }\n", resolves)).toBe(true);
  });
});
