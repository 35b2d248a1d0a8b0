/**
 * setuptools_scm's version file (`write_to` in setup.py's `use_scm_version`, python-dateutil 2.9.0's shape, or in
 * pyproject.toml's `[tool.setuptools_scm]`, tabulate 0.9.0's): the sdist ships a `_version.py` git lacks. Before
 * (main 3c281ae) it was TARBALL_ONLY_UNEXPLAINED (high) in both releases. The sdists here are made by the real
 * setuptools_scm (Debian's python3-setuptools-scm) through `python3 setup.py sdist` in a tagged clone; the file must be
 * setuptools_scm's own template (data/scm-version-templates.json, hashes) filled with the sdist's version.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchVersionTemplate, pyprojectVersionFile, setupPyVersionFile, versionTupleRepr } from '../../src/profiles/pypi-version-file.js';
import { verify } from '../../src/verify.js';
import { makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-sdist-scm-');
const cacheDir = join(root, 'cache');
const high = (r: Awaited<ReturnType<typeof verify>>) => r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical').map((f) => `${f.path} ${f.code}`).sort();

/** The Python that has setuptools_scm: the one on PATH, else Debian's (scripts/install-system-deps.sh installs it). */
const python = ['python3', '/usr/bin/python3'].find((p) => {
  try {
    execFileSync(p, ['-c', 'import setuptools, setuptools_scm'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

const SETUP_PY = "from setuptools import setup\nsetup(\n    name='demo',\n    packages=['demo'],\n    use_scm_version={\n        'write_to': 'demo/_version.py',\n    },\n)\n";
const PYPROJECT =
  '[build-system]\nrequires = ["setuptools>=61", "setuptools_scm[toml]>=3.4.3"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "demo"\ndynamic = ["version"]\n\n[tool.setuptools]\npackages = ["demo"]\n\n[tool.setuptools_scm]\nwrite_to = "demo/version.py"\n';

let n = 0;
/** A tagged repository of one package configured by `files`, and the real `python3 setup.py sdist` of a clone of it. */
function build(files: Record<string, string>): { repo: string; sdist: string } {
  const dir = join(root, `repo-${++n}`);
  const repo = makeRepo(dir);
  repo.commit({ 'demo/__init__.py': 'X = 1\n', '.gitignore': '/demo/_version.py\n/demo/version.py\n/dist/\n*.egg-info/\n', ...files });
  repo.tag('v1.2.0');
  const w = join(root, `clone-${n}`);
  execFileSync('git', ['clone', '-q', dir, w]);
  execFileSync(python!, ['setup.py', '-q', 'sdist', '--formats=gztar'], { cwd: w, stdio: ['ignore', 'pipe', 'pipe'] });
  return { repo: dir, sdist: join(w, 'dist', 'demo-1.2.0.tar.gz') };
}

/** The sdist extracted, `edit`ed, and packed again by tar (same prefix). */
function repack(sdist: string, edit: (top: string) => void): string {
  const x = join(root, `x-${++n}`);
  mkdirSync(x, { recursive: true });
  execFileSync('tar', ['-xzf', sdist, '-C', x]);
  edit(join(x, 'demo-1.2.0'));
  const out = join(root, `t-${n}`, 'demo-1.2.0.tar.gz');
  mkdirSync(join(root, `t-${n}`));
  execFileSync('tar', ['--owner=0', '--group=0', '-czf', out, '-C', x, 'demo-1.2.0']);
  return out;
}

describe('setuptools_scm version file', () => {
  it('the Python running these tests has setuptools_scm (scripts/install-system-deps.sh: python3-setuptools-scm)', () => {
    expect(python).toBeDefined();
  });

  it("setup.py use_scm_version write_to: the real setuptools_scm's file is PACKAGE_METADATA scm-version-file, nothing high", async () => {
    const { repo, sdist } = build({ 'setup.py': SETUP_PY });
    const r = await verify({ tarball: sdist, repo, cacheDir });
    const f = r.findings.find((x) => x.path === 'demo/_version.py');
    expect(f).toMatchObject({ code: 'PACKAGE_METADATA', severity: 'info', evidence: { ecosystem: 'pypi', kind: 'scm-version-file' } });
    expect((f!.evidence as { source: string }).source).toMatch(/^setup\.py use_scm_version write_to: setuptools_scm .*'s template, version 1\.2\.0$/);
    expect(high(r)).toEqual([]);
  });

  it('pyproject.toml [tool.setuptools_scm] write_to: explained; tampered twins stay high', async () => {
    const { repo, sdist } = build({ 'setup.py': 'from setuptools import setup\nsetup()\n', 'pyproject.toml': PYPROJECT });
    const ok = await verify({ tarball: sdist, repo, cacheDir });
    expect(ok.findings.find((x) => x.path === 'demo/version.py')).toMatchObject({ code: 'PACKAGE_METADATA', evidence: { kind: 'scm-version-file' } });
    expect(high(ok)).toEqual([]);

    // one line of code added to the generated module: the package imports it
    const added = repack(sdist, (t) => writeFileSync(join(t, 'demo/version.py'), `${readFileSync(join(t, 'demo/version.py'), 'utf8')}import os; os.system('id')\n`));
    expect(high(await verify({ tarball: added, repo, cacheDir }))).toEqual(['demo/version.py TARBALL_ONLY_UNEXPLAINED']);
    // another version than the sdist's PKG-INFO
    const other = repack(sdist, (t) => writeFileSync(join(t, 'demo/version.py'), readFileSync(join(t, 'demo/version.py'), 'utf8').replaceAll('1.2.0', '1.2.1').replace('(1, 2, 0)', '(1, 2, 1)')));
    expect(high(await verify({ tarball: other, repo, cacheDir }))).toEqual(['demo/version.py TARBALL_ONLY_UNEXPLAINED']);
    // the same bytes at a path no tracked file configures
    const moved = repack(sdist, (t) => writeFileSync(join(t, 'demo/_build.py'), readFileSync(join(t, 'demo/version.py'))));
    expect(high(await verify({ tarball: moved, repo, cacheDir }))).toEqual(['demo/_build.py TARBALL_ONLY_UNEXPLAINED']);
  });

  it('tampered: a project template (write_to_template) is the project\'s text, not modelled: stays high', async () => {
    const tpl = PYPROJECT.replace('write_to = "demo/version.py"\n', 'write_to = "demo/version.py"\nwrite_to_template = "__version__ = {version!r}\\n"\n');
    const { repo, sdist } = build({ 'setup.py': 'from setuptools import setup\nsetup()\n', 'pyproject.toml': tpl });
    expect(high(await verify({ tarball: sdist, repo, cacheDir }))).toEqual(['demo/version.py TARBALL_ONLY_UNEXPLAINED']);
  });
});

describe('reading the configuration and the template', () => {
  it('pyproject.toml and setup.py forms, hatch-vcs version-file, a template flagged', () => {
    expect(pyprojectVersionFile('[tool.setuptools_scm]\nversion_file = "src/p/_v.py"\n')).toEqual({ path: 'src/p/_v.py', source: 'pyproject.toml [tool.setuptools_scm] version_file', customTemplate: false });
    expect(pyprojectVersionFile("[tool.hatch.build.hooks.vcs]\nversion-file = 'p/_v.py'\ntemplate = 'x'\n")).toMatchObject({ path: 'p/_v.py', customTemplate: true });
    expect(pyprojectVersionFile('[tool.other]\nwrite_to = "p/_v.py"\n')).toBeUndefined();
    expect(setupPyVersionFile("setup(use_scm_version={'write_to': 'p/_v.py', 'write_to_template': 'x'})")).toMatchObject({ path: 'p/_v.py', customTemplate: true });
    expect(setupPyVersionFile("setup(use_scm_version=True)")).toBeUndefined();
  });

  it("setuptools_scm's version tuple: release numbers, devN, local part", () => {
    expect(versionTupleRepr('2.9.0')).toBe('(2, 9, 0)');
    expect(versionTupleRepr('3')).toBe('(3,)');
    expect(versionTupleRepr('1.0.dev4+g1234abc')).toBe("(1, 0, 'dev4', 'g1234abc')");
    expect(versionTupleRepr('not a version')).toBeUndefined();
  });

  it('setuptools_scm 3.x–4.x template (version only), CRLF all or nothing', () => {
    const t = "# coding: utf-8\n# file generated by setuptools_scm\n# don't change, don't track in version control\nversion = '0.5'\n";
    expect(matchVersionTemplate(Buffer.from(t), 'p/_v.py', '0.5')).toMatchObject({ crlf: false });
    expect(matchVersionTemplate(Buffer.from(t.replace(/\n/g, '\r\n')), 'p/_v.py', '0.5')).toMatchObject({ crlf: true });
    expect(matchVersionTemplate(Buffer.from(t.replace('\n', '\r\n')), 'p/_v.py', '0.5')).toBeUndefined();
    expect(matchVersionTemplate(Buffer.from(t), 'p/_v.py', '0.6')).toBeUndefined();
    expect(matchVersionTemplate(Buffer.from('0.5'), 'p/VERSION.txt', '0.5')).toMatchObject({ crlf: false });
  });
});
