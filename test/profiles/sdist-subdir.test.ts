/**
 * An sdist built from a subdirectory of its repository (hatchling 1.27.0 is the sdist of the hatch repository's
 * backend/): compared with the one directory whose pyproject.toml (else setup.py) is byte-identical to the sdist's.
 * Before (main 4390414) it was compared with the whole repository: hatchling's 70 files were TARBALL_ONLY (high)
 * and its pyproject.toml SOURCE_MODIFIED (critical, against the monorepo's own). The sdists here are made by the
 * real `python3 setup.py sdist` (setuptools) in the subdirectory of a clone.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TreeEntry } from '../../src/core/types.js';
import { sdistRoot } from '../../src/profiles/pypi.js';
import { verify } from '../../src/verify.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-sdist-subdir-');
const cacheDir = join(root, 'cache');
const list = (r: Awaited<ReturnType<typeof verify>>) => r.findings.filter((f) => f.severity !== 'info').map((f) => `${f.path} ${f.code} ${f.severity}`).sort();

const BACKEND_PYPROJECT = '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n';
const BACKEND_CFG = '[metadata]\nname = backend\nversion = 1.0\n\n[options]\npackage_dir =\n    = src\npackages = find:\n\n[options.packages.find]\nwhere = src\n';

const dir = join(root, 'mono');
const repo = makeRepo(dir);
const commit = repo.commit({
  'README.md': 'the monorepo\n',
  '.gitignore': '*.pyc\n/dist/\n',
  'pyproject.toml': '[project]\nname = "frontend"\nversion = "1.0"\ndependencies = ["backend"]\n',
  'frontend/__init__.py': 'X = 1\n',
  'backend/pyproject.toml': BACKEND_PYPROJECT,
  'backend/setup.cfg': BACKEND_CFG,
  'backend/setup.py': 'from setuptools import setup\nsetup()\n',
  'backend/MANIFEST.in': 'include pyproject.toml\ninclude .gitignore\n',
  'backend/src/backend/__init__.py': 'def build():\n    return 1\n',
  'backend/tests/fixture/pyproject.toml': '[project]\nname = "fixture"\n',
});
repo.tag('v1.0');

let n = 0;
/** `python3 setup.py sdist` in backend/ of a fresh clone, after `edit` (of the clone) */
function sdist(edit: (w: string) => void = () => {}): string {
  const w = join(root, `clone-${++n}`);
  execFileSync('git', ['clone', '-q', dir, w]);
  edit(w);
  execFileSync('python3', ['setup.py', '-q', 'sdist', '--formats=gztar'], { cwd: join(w, 'backend'), stdio: ['ignore', 'pipe', 'pipe'] });
  return join(w, 'backend', 'dist', 'backend-1.0.tar.gz');
}

describe('sdist of a repository subdirectory', () => {
  it('compared with backend/, the directory holding its pyproject.toml byte for byte: nothing above low', async () => {
    const r = await verify({ tarball: sdist(), repo: dir, cacheDir });
    expect(r.inputs.revision).toMatchObject({ commit, tag: 'v1.0', pathInRepo: 'backend' });
    // setuptools does not ship the test fixture (nothing includes it); the monorepo's other files are not compared
    expect(list(r)).toEqual(['tests/fixture/pyproject.toml GIT_ONLY low']);
    expect(r.verdict).not.toBe('different');
  });

  it('tampered: a module added to the sdist stays TARBALL_ONLY_UNEXPLAINED (high), compared with backend/', async () => {
    const r = await verify({ tarball: sdist((w) => writeFiles(w, { 'backend/src/backend/_hook.py': 'import os\nos.system("id")\n' })), repo: dir, cacheDir });
    expect(r.inputs.revision).toMatchObject({ pathInRepo: 'backend' });
    expect(list(r)).toEqual(['src/backend/_hook.py TARBALL_ONLY_UNEXPLAINED high', 'tests/fixture/pyproject.toml GIT_ONLY low']);
    expect(r.verdict).toBe('different');
  });

  it('tampered: pyproject.toml gaining a build requirement matches no anchor; the trees still find backend/ (subdir-root) and the change is critical', async () => {
    const built = sdist();
    const x = join(root, 'repack');
    mkdirSync(x, { recursive: true });
    execFileSync('tar', ['-xzf', built, '-C', x]);
    const p = join(x, 'backend-1.0', 'pyproject.toml');
    writeFileSync(p, readFileSync(p, 'utf8').replace('requires = ["setuptools"]', 'requires = ["setuptools", "setuptools-turbo"]'));
    const tampered = join(root, 'backend-1.0.tar.gz');
    execFileSync('tar', ['--owner=0', '--group=0', '-czf', tampered, '-C', x, 'backend-1.0']);
    const r = await verify({ tarball: tampered, repo: dir, cacheDir });
    // no metadata names the directory now (the anchor differs), but the other files are byte-identical under backend/
    expect(r.inputs.revision).toMatchObject({ pathInRepo: 'backend', subdirRoot: { dir: 'backend' } });
    expect(r.findings.find((f) => f.path === 'pyproject.toml')).toMatchObject({ code: 'SOURCE_MODIFIED', severity: 'critical' });
    expect(r.verdict).toBe('different');
  });
});

describe('files the build took from the rest of the repository', () => {
  it("the repository top's .gitignore shipped at the package top (hatchling does) is COPY_OF_TRACKED of ../.gitignore", async () => {
    const r = await verify({ tarball: sdist((w) => copyFileSync(join(w, '.gitignore'), join(w, 'backend', '.gitignore'))), repo: dir, cacheDir });
    expect(r.inputs.revision).toMatchObject({ pathInRepo: 'backend' });
    expect(r.findings.find((f) => f.path === '.gitignore')).toMatchObject({ code: 'COPY_OF_TRACKED', severity: 'low', evidence: { source: '../.gitignore' } });
    expect(r.verdict).not.toBe('different');
  });

  it('tampered: a module whose content is another tracked module of the repository stays high (a copy that changes role)', async () => {
    const r = await verify({ tarball: sdist((w) => copyFileSync(join(w, 'frontend', '__init__.py'), join(w, 'backend', 'src', 'backend', 'helper.py'))), repo: dir, cacheDir });
    expect(r.findings.find((f) => f.path === 'src/backend/helper.py')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(r.verdict).toBe('different');
  });
});

describe('sdistRoot', () => {
  const file = (path: string, oid: string): TreeEntry => ({ path, type: 'file', executable: false, size: 1, oid });
  const oids = new Map([
    ['pyproject.toml', 'aa'],
    ['a/pyproject.toml', 'bb'],
    ['b/pyproject.toml', 'cc'],
    ['c/pyproject.toml', 'cc'],
    ['d/setup.py', 'dd'],
  ]);
  const at = (entries: TreeEntry[]) => sdistRoot('p-1.0', entries, oids.keys(), (q) => oids.get(q));
  it('the one directory holding the same blob; the top when its file is the same; else the whole repository', () => {
    expect(at([file('p-1.0/pyproject.toml', 'bb')])).toBe('a');
    expect(at([file('p-1.0/pyproject.toml', 'aa')])).toBe('');
    expect(at([file('p-1.0/pyproject.toml', 'cc')])).toBe(''); // two directories: ambiguous
    expect(at([file('p-1.0/pyproject.toml', 'ee')])).toBe('');
    expect(at([file('p-1.0/setup.py', 'dd')])).toBe('d'); // no pyproject.toml: setup.py
    expect(at([file('p-1.0/pyproject.toml', 'ee'), file('p-1.0/setup.py', 'dd')])).toBe(''); // pyproject.toml decides
    expect(at([file('p-1.0/README', 'bb')])).toBe('');
  });
});
