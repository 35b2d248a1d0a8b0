/**
 * Crates from the real `cargo package`, sdists from the real `python3 setup.py sdist` (setuptools; the
 * `build` and `wheel` modules are not installed here, so the wheel is laid out by hand and zipped).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onlyEggInfoAdded, wheelRoot } from '../../src/profiles/pypi.js';
import { cargoVcsInfoShape } from '../../src/profiles/crate.js';
import { parsePkgInfo, pkgInfoRepository } from '../../src/profiles/detect.js';
import { verify } from '../../src/verify.js';
import { makeZip } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-crate-py-');
const cacheDir = join(root, 'cache');
const list = (r: Awaited<ReturnType<typeof verify>>) => r.findings.map((f) => `${f.path} ${f.code} ${f.severity}`).sort();

const CARGO_TOML = '[package]\nname = "foo"\nversion = "0.1.0"\nedition = "2021"\ndescription = "demo"\nlicense = "MIT"\n';

function cargoPackage(dir: string, target: string): string {
  execFileSync('cargo', ['package', '--allow-dirty', '--no-verify', '--offline', '--quiet'], {
    cwd: dir,
    env: { ...process.env, CARGO_TARGET_DIR: target, CARGO_TERM_COLOR: 'never' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return join(target, 'package', 'foo-0.1.0.crate');
}

describe('crates (cargo package)', () => {
  const dir = join(root, 'ws');
  const repo = makeRepo(dir);
  const release = repo.commit({
    '.gitignore': '/target\n',
    'README.md': 'workspace\n',
    'crates/foo/Cargo.toml': CARGO_TOML,
    'crates/foo/src/lib.rs': 'pub fn answer() -> u32 { 42 }\n',
    'crates/bar/src/lib.rs': 'pub fn other() {}\n',
  });
  const crate = cargoPackage(join(dir, 'crates/foo'), join(root, 'target-clean'));

  it('.cargo_vcs_info.json selects the commit and path_in_vcs; cargo-written files are expected', async () => {
    const r = await verify({ tarball: crate, repo: dir, cacheDir });
    expect(r.inputs.profile).toMatchObject({ id: 'crate', detected: true, name: 'foo', version: '0.1.0', commit: release, directory: 'crates/foo' });
    expect(r.inputs.revision).toMatchObject({ commit: release, how: 'metadata', pathInRepo: 'crates/foo' });
    expect(list(r)).toEqual([
      '.cargo_vcs_info.json PACKAGE_METADATA info',
      'Cargo.lock PACKAGE_METADATA info',
      'Cargo.toml PACKAGE_METADATA info',
      'Cargo.toml.orig PACKAGE_METADATA info',
    ]);
    expect(r.findings.find((f) => f.path === 'Cargo.toml')!.evidence).toEqual({ ecosystem: 'crate', kind: 'cargo-toml-normalised' });
    expect(r.counts.identical).toBe(1);
    expect(r.verdict).toBe('explained');
  });

  // Red team 15: .cargo_vcs_info.json was PACKAGE_METADATA info whatever it held.
  it(".cargo_vcs_info.json holding more than cargo writes is no metadata (twin: cargo's own, above, is)", async () => {
    const x = join(root, 'crate-vcs-x');
    mkdirSync(x, { recursive: true });
    execFileSync('tar', ['-xzf', crate, '-C', x]);
    const vcs = join(x, 'foo-0.1.0', '.cargo_vcs_info.json');
    const info = JSON.parse(readFileSync(vcs, 'utf8')) as { git: { sha1: string } };
    writeFileSync(vcs, JSON.stringify({ ...info, payload: Buffer.from('fd377a585a00', 'hex').toString('base64') }, null, 2));
    const tampered = join(root, 'crate-vcs-tampered', 'foo-0.1.0.crate');
    mkdirSync(dirname(tampered), { recursive: true });
    execFileSync('tar', ['--owner=0', '--group=0', '-czf', tampered, '-C', x, 'foo-0.1.0']);
    const r = await verify({ tarball: tampered, repo: dir, cacheDir });
    const f = r.findings.find((g) => g.path === '.cargo_vcs_info.json')!;
    expect(f.code).not.toBe('PACKAGE_METADATA');
    expect(['high', 'critical']).toContain(f.severity);
    expect(r.verdict).toBe('different');
    expect(cargoVcsInfoShape(`{\n  "git": {\n    "sha1": "${info.git.sha1}",\n    "dirty": true\n  },\n  "path_in_vcs": "serde"\n}`)).toBe(true);
    expect(cargoVcsInfoShape(`{"git": {"sha1": "${info.git.sha1}"}}`)).toBe(true); // older cargo: no path_in_vcs
    for (const bad of ['', '[]', '{"git": {"sha1": "xyz"}}', `{"git": {"sha1": "${info.git.sha1}", "dirty": "no"}}`, `{"git": {"sha1": "${info.git.sha1}"}, "path_in_vcs": 1}`]) {
      expect(cargoVcsInfoShape(bad), bad).toBe(false);
    }
  });

  it('a tag on another commit than the crate names is REVISION_MISMATCH; the crate commit is still what is compared', async () => {
    repo.commit({ 'crates/foo/src/lib.rs': 'pub fn answer() -> u32 { 43 }\n' });
    repo.tag('foo-v0.1.0');
    const r = await verify({ tarball: crate, repo: dir, cacheDir });
    expect(r.inputs.revision).toMatchObject({ commit: release, how: 'metadata' });
    const m = r.findings.find((f) => f.code === 'REVISION_MISMATCH')!;
    expect(m).toMatchObject({ path: '.cargo_vcs_info.json', severity: 'high', evidence: { source: 'cargo-vcs-info', claimed: release, tag: 'foo-v0.1.0', inRepo: true } });
    expect(r.inputs.revision.chain?.map((s) => `${s.step}:${s.outcome}`)).toEqual(['metadata:chosen', 'tag-pattern:conflicts']);
    // --tag overrides the metadata: compared with the tag, the mismatch still reported.
    const t = await verify({ tarball: crate, repo: dir, cacheDir, tag: 'foo-v0.1.0' });
    expect(t.inputs.revision.how).toBe('tag');
    expect(list(t)).toContain('src/lib.rs SOURCE_MODIFIED high');
    expect(list(t)).toContain('.cargo_vcs_info.json REVISION_MISMATCH high');
  });

  it('dirty: true is CRATE_DIRTY; a Cargo.toml.orig that differs from git is CRATE_MANIFEST_MISMATCH', async () => {
    const d2 = join(root, 'dirty');
    execFileSync('git', ['clone', '-q', dir, d2]);
    execFileSync('git', ['checkout', '-q', release], { cwd: d2 });
    writeFiles(d2, { 'crates/foo/Cargo.toml': CARGO_TOML + 'build = "build.rs"\n', 'crates/foo/build.rs': 'fn main() {}\n' });
    const dirty = cargoPackage(join(d2, 'crates/foo'), join(root, 'target-dirty'));
    const r = await verify({ tarball: dirty, repo: dir, cacheDir });
    expect(r.inputs.profile?.dirty).toBe(true);
    expect(list(r)).toEqual(
      expect.arrayContaining([
        '.cargo_vcs_info.json CRATE_DIRTY high',
        'Cargo.toml.orig CRATE_MANIFEST_MISMATCH high',
        'build.rs TARBALL_ONLY_UNEXPLAINED high',
      ]),
    );
    // The normalised Cargo.toml is not excused when the original differs.
    expect(r.findings.find((f) => f.path === 'Cargo.toml')!.code).toBe('SOURCE_MODIFIED');
  });
});

describe('PyPI sdist (setup.py sdist)', () => {
  const dir = join(root, 'py');
  const repo = makeRepo(dir);
  const setupCfg =
    '[metadata]\nname = mypkg\nversion = 1.0\nurl = https://example.invalid/home\nproject_urls =\n    Source = https://example.invalid/src/mypkg.git\n\n' +
    '[options]\npackage_dir =\n    = src\npackages = find:\n\n[options.packages.find]\nwhere = src\n';
  const commit = repo.commit({
    'README.md': 'mypkg\n',
    'setup.cfg': setupCfg,
    'setup.py': 'from setuptools import setup\nsetup()\n',
    'src/mypkg/__init__.py': 'X = 1\n',
    'tests/test_x.py': 'def test(): pass\n',
  });
  repo.tag('v1.0');

  function sdist(work: string): string {
    execFileSync('python3', ['setup.py', '-q', 'sdist', '--formats=gztar'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    return join(work, 'dist', 'mypkg-1.0.tar.gz');
  }

  it('PKG-INFO, egg-info and the [egg_info] section are expected; the repository comes from Project-URL', async () => {
    const r = await verify({ tarball: sdist(dir), repo: dir, cacheDir });
    expect(r.inputs.profile).toMatchObject({ id: 'pypi', name: 'mypkg', version: '1.0', repository: 'https://example.invalid/src/mypkg.git' });
    expect(r.inputs.revision).toMatchObject({ commit, tag: 'v1.0', how: 'inferred' });
    expect(list(r)).toEqual([
      'PKG-INFO PACKAGE_METADATA info',
      'setup.cfg PACKAGE_METADATA info',
      'src/mypkg.egg-info/PKG-INFO PACKAGE_METADATA info',
      'src/mypkg.egg-info/SOURCES.txt PACKAGE_METADATA info',
      'src/mypkg.egg-info/dependency_links.txt PACKAGE_METADATA info',
      'src/mypkg.egg-info/top_level.txt PACKAGE_METADATA info',
      'tests/test_x.py GIT_ONLY low',
    ]);
  });

  it('PKG-INFO or requires.txt naming a dependency no tracked build file declares is no metadata (red team 13)', async () => {
    // What a tamperer would add to an sdist's metadata: a Requires-Dist that installers reading PKG-INFO (PEP 643)
    // resolve without building, a requirement in egg-info's requires.txt.
    const w = join(root, 'py-meta');
    execFileSync('git', ['clone', '-q', dir, w]);
    const built = sdist(w);
    const x = join(root, 'py-meta-x');
    mkdirSync(x, { recursive: true });
    execFileSync('tar', ['-xzf', built, '-C', x]);
    const pkgInfo = join(x, 'mypkg-1.0', 'PKG-INFO');
    writeFileSync(pkgInfo, readFileSync(pkgInfo, 'utf8').replace(/^(Version: .*)$/m, '$1\nRequires-Dist: reqeusts>=2'));
    writeFileSync(join(x, 'mypkg-1.0', 'src', 'mypkg.egg-info', 'requires.txt'), 'reqeusts>=2\n');
    const tampered = join(root, 'mypkg-1.0.tar.gz');
    execFileSync('tar', ['--owner=0', '--group=0', '-czf', tampered, '-C', x, 'mypkg-1.0']);
    const r = await verify({ tarball: tampered, repo: dir, cacheDir });
    const f = (p: string) => r.findings.find((g) => g.path === p)!;
    for (const p of ['PKG-INFO', 'src/mypkg.egg-info/requires.txt']) expect(['high', 'critical'], p).toContain(f(p).severity);
    expect(f('src/mypkg.egg-info/SOURCES.txt')).toMatchObject({ code: 'PACKAGE_METADATA', severity: 'info' });
    expect(r.verdict).toBe('different');
  });

  // Red team 15: every name under X.egg-info/ was PACKAGE_METADATA info — markupsafe 2.1.2 gaining
  // src/MarkupSafe.egg-info/payload.bin (a binary nothing names) or an entry_points.txt whose console script no tracked
  // file declares (installers make a command of it) was exit 0.
  it('egg-info: only what setuptools writes, and entry points the tracked setup.cfg declares (twin: setuptools own)', async () => {
    const d = join(root, 'py-ep');
    const ep = makeRepo(d);
    ep.commit({
      'setup.cfg': `${setupCfg}\n[options.entry_points]\nconsole_scripts =\n    mypkg = mypkg:main\n`,
      'setup.py': 'from setuptools import setup\nsetup()\n',
      'src/mypkg/__init__.py': 'def main(): pass\n',
    });
    ep.tag('v1.0');
    const built = sdist(d);
    const ok = await verify({ tarball: built, repo: d, cacheDir });
    expect(ok.findings.find((g) => g.path === 'src/mypkg.egg-info/entry_points.txt')).toMatchObject({ code: 'PACKAGE_METADATA', severity: 'info' });
    expect(ok.verdict).not.toBe('different');
    const x = join(root, 'py-ep-x');
    mkdirSync(x, { recursive: true });
    execFileSync('tar', ['-xzf', built, '-C', x]);
    const egg = join(x, 'mypkg-1.0', 'src', 'mypkg.egg-info');
    writeFileSync(join(egg, 'entry_points.txt'), `${readFileSync(join(egg, 'entry_points.txt'), 'utf8')}pip = mypkg.evil:main\n`);
    writeFileSync(join(egg, 'payload.bin'), Buffer.from('fd377a585a000004e6d6b446', 'hex'));
    writeFileSync(join(egg, 'top_level.txt'), Buffer.from('mypkg\n\0\x01\x02', 'latin1'));
    const tampered = join(root, 'py-ep-tampered', 'mypkg-1.0.tar.gz');
    mkdirSync(dirname(tampered), { recursive: true });
    execFileSync('tar', ['--owner=0', '--group=0', '-czf', tampered, '-C', x, 'mypkg-1.0']);
    const r = await verify({ tarball: tampered, repo: d, cacheDir });
    for (const p of ['src/mypkg.egg-info/entry_points.txt', 'src/mypkg.egg-info/payload.bin', 'src/mypkg.egg-info/top_level.txt']) {
      const f = r.findings.find((g) => g.path === p)!;
      expect(f.code, p).not.toBe('PACKAGE_METADATA');
      expect(['high', 'critical'], p).toContain(f.severity);
    }
    expect(r.findings.find((g) => g.path === 'src/mypkg.egg-info/SOURCES.txt')).toMatchObject({ code: 'PACKAGE_METADATA', severity: 'info' });
    expect(r.verdict).toBe('different');
  });

  // Red team 30: PKG-INFO was checked for Requires-Dist only, the other egg-info files not at all — markupsafe 2.1.2
  // with an install line from another index in its description, its Source Code URL on another owner, another Version,
  // dependency_links.txt naming an index, or top_level.txt naming sitecustomize: exit 0.
  it('metadata says only what the tracked files do: URLs, Version, top-level names (twin of the real sdist)', async () => {
    const w = join(root, 'py-copy');
    execFileSync('git', ['clone', '-q', dir, w]);
    const built = sdist(w);
    const ok = await verify({ tarball: built, repo: dir, cacheDir });
    expect(ok.verdict).not.toBe('different');
    const edits: [string, string, (t: string) => string][] = [
      ['desc-url', 'PKG-INFO', (t) => `${t}\nInstall the fixed build: pip install --index-url https://pkgs.example-mirror.net/simple mypkg\n`],
      ['source-url', 'PKG-INFO', (t) => t.replace('https://example.invalid/src/mypkg.git', 'https://example.invalid/src/mypkg-fix.git')],
      ['version', 'PKG-INFO', (t) => t.replace(/^Version: 1\.0$/m, 'Version: 1.1')],
      ['deplinks', 'src/mypkg.egg-info/dependency_links.txt', () => 'https://pkgs.example-mirror.net/simple/\n'],
      ['toplevel', 'src/mypkg.egg-info/top_level.txt', (t) => `${t}sitecustomize\n`],
    ];
    for (const [name, path, edit] of edits) {
      const x = join(root, `py-copy-${name}`);
      mkdirSync(x, { recursive: true });
      execFileSync('tar', ['-xzf', built, '-C', x]);
      const f = join(x, 'mypkg-1.0', path);
      writeFileSync(f, edit(readFileSync(f, 'utf8')));
      const tampered = join(root, `py-copy-${name}-t`, 'mypkg-1.0.tar.gz');
      mkdirSync(dirname(tampered), { recursive: true });
      execFileSync('tar', ['--owner=0', '--group=0', '-czf', tampered, '-C', x, 'mypkg-1.0']);
      const r = await verify({ tarball: tampered, repo: dir, cacheDir });
      const g = r.findings.find((h) => h.path === path)!;
      expect(g.code, name).not.toBe('PACKAGE_METADATA');
      expect(['high', 'critical'], name).toContain(g.severity);
    }
  });

  it('a changed .py is high, an added .py is high', async () => {
    const w = join(root, 'py-evil');
    execFileSync('git', ['clone', '-q', dir, w]);
    writeFiles(w, { 'src/mypkg/__init__.py': 'X = 1\nimport os; os.system("id")\n', 'src/mypkg/_extra.py': 'Y = 2\n' });
    const r = await verify({ tarball: sdist(w), repo: dir, cacheDir });
    expect(list(r)).toEqual(expect.arrayContaining(['src/mypkg/__init__.py SOURCE_MODIFIED high', 'src/mypkg/_extra.py TARBALL_ONLY_UNEXPLAINED high']));
    expect(r.verdict).toBe('different');
  });

  it('a hand-laid wheel (zip) is compared with src/: dist-info expected, the rest of git not packaged', async () => {
    const w = join(root, 'wheel');
    writeFiles(w, {
      'mypkg/__init__.py': 'X = 1\n',
      'mypkg-1.0.dist-info/METADATA': 'Metadata-Version: 2.1\nName: mypkg\nVersion: 1.0\nProject-URL: Source, https://example.invalid/src/mypkg.git\n\n',
      'mypkg-1.0.dist-info/WHEEL': 'Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\nTag: py3-none-any\n',
      'mypkg-1.0.dist-info/RECORD': '',
    });
    mkdirSync(join(root, 'whl'), { recursive: true });
    const whl = makeZip(w, { out: join(root, 'whl', 'mypkg-1.0-py3-none-any.whl'), flat: true });
    const r = await verify({ tarball: whl, repo: dir, cacheDir });
    expect(r.inputs.profile).toMatchObject({ id: 'wheel', name: 'mypkg', version: '1.0' });
    expect(r.inputs.revision).toMatchObject({ commit, tag: 'v1.0', pathInRepo: 'src' });
    expect(list(r)).toEqual([
      'mypkg-1.0.dist-info/METADATA PACKAGE_METADATA info',
      'mypkg-1.0.dist-info/RECORD PACKAGE_METADATA info',
      'mypkg-1.0.dist-info/WHEEL PACKAGE_METADATA info',
    ]);
    expect(r.counts.identical).toBe(1);
  });

  it('helpers: [egg_info] detection, Project-URL choice, wheel roots', () => {
    expect(onlyEggInfoAdded('[a]\nx = 1\n', '[a]\nx = 1\n\n[egg_info]\ntag_build = \ntag_date = 0\n')).toBe(true);
    expect(onlyEggInfoAdded('[a]\nx = 1\n', '[a]\nx = 2\n\n[egg_info]\ntag_build = \n')).toBe(false);
    expect(onlyEggInfoAdded('[a]\nx = 1\n', '[a]\nx = 1\n\n[egg_info]\negg_base = /tmp\n')).toBe(false);
    expect(onlyEggInfoAdded(undefined, '[egg_info]\ntag_build = \ntag_date = 0\n')).toBe(true);
    const h = parsePkgInfo('Name: a\nHome-page: https://home.example\nProject-URL: Docs, https://docs.example\nProject-URL: Repository, https://git.example/a\n\nbody: x\n');
    expect(pkgInfoRepository(h)).toBe('https://git.example/a');
    expect(pkgInfoRepository(parsePkgInfo('Name: a\nHome-page: https://github.com/o/a\n'))).toBe('https://github.com/o/a');
    expect(wheelRoot(['mypkg'], ['src/mypkg/__init__.py', 'tests/mypkg_test.py'])).toBe('src');
    expect(wheelRoot(['mypkg', 'tool.py'], ['mypkg/__init__.py', 'tool.py'])).toBe('');
    expect(wheelRoot(['mypkg'], ['other/__init__.py'])).toBeUndefined();
  });
});
