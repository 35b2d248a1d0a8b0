/**
 * A JSON list of a tracked directory's files written by a tracked build script (dayjs 1.11.13's locale.json: its
 * `build` script runs `node build`, and build/index.js pushes `{ key, name }` for each src/locale/*.js as its read
 * completes, then writes JSON.stringify of the list — the order is the reads', not the directory's; it was
 * TARBALL_ONLY_UNEXPLAINED high). A tagged repository with such a script (written here, in the same shape), the list
 * written by running it and packed by the real npm pack. Twins: a value that is not its file's text, an entry for a
 * file git lacks, a file left out, reformatted JSON, a build that does not run the script.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileListShape, listedDirectory, nodeScripts, scriptNamesList, directoryFiles } from '../../src/profiles/npm-file-list.js';
import { verify } from '../../src/verify.js';
import { makeRepo } from '../helpers/git.js';
import { npmPack as npmPackIn } from '../helpers/npm-pack.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-npm-file-list-');
const cacheDir = join(root, 'cache');

const BUILD = `const fs = require('fs')
const path = require('path')

const localePath = path.join(__dirname, '../src/locale')
const nameRegex = /\\/\\/ (.*) \\[/

async function listLocales(files) {
  const list = []
  await Promise.all(files.map(async (f) => {
    const text = await fs.promises.readFile(path.join(localePath, f), 'utf-8')
    list.push({ key: f.slice(0, -3), name: text.match(nameRegex)[1] })
  }))
  fs.writeFileSync(path.join(__dirname, '../locale.json'), JSON.stringify(list), 'utf8')
}

listLocales(fs.readdirSync(localePath))
`;
const LOCALES: Record<string, string> = {
  'src/locale/en.js': "// English [en]\nexport default { name: 'en', weekStart: 0 }\n",
  'src/locale/de-at.js': "// German (Austria) [de-at]\nexport default { name: 'de-at', weekStart: 1 }\n",
  'src/locale/fr.js': "// French [fr]\nexport default { name: 'fr', weekStart: 1 }\n",
};

let n = 0;
async function release(opts: { build?: string; edit?: (list: { key: string; name: string }[]) => string; extraLocale?: boolean } = {}) {
  const dir = join(root, `pkg-${++n}`);
  const repo = makeRepo(dir);
  repo.commit({
    'package.json': JSON.stringify({ name: 'datelike', version: '1.11.13', main: 'src/index.js', files: ['src', 'locale.json'], scripts: { build: opts.build ?? 'cross-env BABEL_ENV=build node build && npm run size' } }, null, 2) + '\n',
    'build/index.js': BUILD,
    'src/index.js': 'export default function datelike() {}\n',
    ...LOCALES,
    '.gitignore': 'locale.json\n',
  });
  repo.tag('v1.11.13');
  // the list as the script writes it (run here: it is this test's own fixture), then optionally edited
  execFileSync(process.execPath, ['build/index.js'], { cwd: dir });
  if (opts.edit) writeFileSync(join(dir, 'locale.json'), opts.edit(JSON.parse(readFileSync(join(dir, 'locale.json'), 'utf8'))));
  if (opts.extraLocale) repo.commit({ 'src/locale/it.js': '// Italian [it]\nexport default {}\n' }); // tracked after the tag: not the tag's
  const packs = join(root, `packs-${n}`);
  mkdirSync(packs);
  const r = await verify({ tarball: npmPackIn(dir, packs, join(root, 'npm-cache')), repo: dir, tag: 'v1.11.13', cacheDir });
  return (path: string) => r.findings.find((f) => f.path === path)!;
}

describe('a JSON list of a tracked directory, written by a tracked script', () => {
  it('the list as the script wrote it, and in another order: NPM_BUILD_OUTPUT (file-list)', async () => {
    const at = await release();
    expect(at('locale.json')).toMatchObject({
      code: 'NPM_BUILD_OUTPUT',
      severity: 'info',
      evidence: { proof: 'file-list', source: 'build/index.js', sources: ['src/locale/'], fileList: { key: 'key', entries: 3, script: 'build' } },
    });
    const reversed = await release({ edit: (l) => JSON.stringify([...l].sort((a, b) => b.key.localeCompare(a.key))) });
    expect(reversed('locale.json')).toMatchObject({ code: 'NPM_BUILD_OUTPUT', evidence: { proof: 'file-list' } });
  }, 90_000);

  it('twins: a value not in its file, an entry for a file git lacks, a file left out stay high', async () => {
    const url = await release({ edit: (l) => JSON.stringify(l.map((e) => (e.key === 'fr' ? { ...e, name: 'https://cdn.example.net/fr.js' } : e))) });
    expect(url('locale.json')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    const extra = await release({ edit: (l) => JSON.stringify([...l, { key: 'it', name: 'Italian' }]), extraLocale: true });
    expect(extra('locale.json')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    const missing = await release({ edit: (l) => JSON.stringify(l.filter((e) => e.key !== 'en')) });
    expect(missing('locale.json')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  }, 120_000);

  it('twins: reformatted JSON, a build that does not run the script stay high', async () => {
    const spaced = await release({ edit: (l) => JSON.stringify(l).replace('[{', '[ {') });
    expect(spaced('locale.json')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    const other = await release({ build: 'rollup -c' });
    expect(other('locale.json')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  }, 120_000);

  it('the pure checks', () => {
    expect(fileListShape('[{"key":"a","name":"A"}]')).toEqual({ entries: [{ key: 'a', name: 'A' }], keys: ['key', 'name'] });
    expect(fileListShape('[{"key":"a","name":"A"},{"key":"b"}]')).toBeUndefined(); // other keys
    expect(fileListShape('[{"key":"a","name":{"x":1}}]')).toBeUndefined(); // not a string
    expect(fileListShape('[{"key":"a","name":"A\\nB"}]')).toBeUndefined(); // two lines
    const dirs = directoryFiles(['src/l/a.js', 'src/l/b.js', 'src/l/c.ts', 'x/a.js', 'x/b.js']);
    expect(listedDirectory(fileListShape('[{"k":"a"},{"k":"b"}]')!, dirs)).toEqual({ directory: 'x', key: 'k', files: ['x/a.js', 'x/b.js'] });
    expect(listedDirectory(fileListShape('[{"k":"a"},{"k":"a"}]')!, dirs)).toBeUndefined(); // a stem twice
    expect(nodeScripts({ build: 'cross-env A=b node build && npm run size', x: 'node --max-old-space-size=4096 scripts/x.js' }, new Set(['build/index.js', 'scripts/x.js']))).toEqual([
      { path: 'build/index.js', script: 'build' },
      { path: 'scripts/x.js', script: 'x' },
    ]);
    expect(scriptNamesList("path.join(__dirname, '../locale.json'); path.join(__dirname, '../src/locale')", 'locale.json', 'src/locale')).toBe(true);
    expect(scriptNamesList("path.join(__dirname, '../locales.json'); '../src/locale'", 'locale.json', 'src/locale')).toBe(false);
  });
});
