/**
 * A crate in a subdirectory of its repository (serde's layout), packaged by the real `cargo package`:
 * a license symlinked from the repository root is shipped as the file (cargo dereferences it) and is
 * explained by the target's content in the whole repository; files the manifest's `include` leaves out
 * are NOT_PACKAGED, not GIT_ONLY. A crate whose license file holds other content stays TYPE_CHANGED.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cargoPatternMatches, manifestList } from '../../src/profiles/crate.js';
import { verify } from '../../src/verify.js';
import { makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-crate-subdir-');
const CARGO_TOML = '[package]\nname = "foo"\nversion = "0.1.0"\nedition = "2021"\ndescription = "demo"\nlicense = "MIT"\ninclude = ["src/**/*.rs", "LICENSE-MIT", "README.md"]\n\n[dependencies]\n';

describe('a crate in a repository subdirectory', () => {
  const dir = join(root, 'ws');
  const repo = makeRepo(dir);
  repo.commit({
    '.gitignore': '/target\n',
    'LICENSE-MIT': 'MIT License\n\nCopyright (c) the authors\n',
    'foo/Cargo.toml': CARGO_TOML,
    'foo/README.md': '# foo\n',
    'foo/LICENSE-MIT': { symlink: '../LICENSE-MIT' },
    'foo/.clippy.toml': 'msrv = "1.56"\n',
    'foo/tests/it.rs': '#[test] fn t() {}\n',
    'foo/src/lib.rs': 'pub fn answer() -> u32 { 42 }\n',
  });
  const pack = (target: string) => {
    execFileSync('cargo', ['package', '--allow-dirty', '--no-verify', '--offline', '--quiet'], { cwd: join(dir, 'foo'), env: { ...process.env, CARGO_TARGET_DIR: target, CARGO_TERM_COLOR: 'never' }, stdio: ['ignore', 'pipe', 'pipe'] });
    return join(target, 'package', 'foo-0.1.0.crate');
  };

  it('the symlinked license is SYMLINK_AS_FILE from the repository root; include leaves out NOT_PACKAGED files', async () => {
    const r = await verify({ tarball: pack(join(root, 't1')), repo: dir, cacheDir: join(root, 'cache') });
    const by = Object.fromEntries(r.findings.map((f) => [f.path, `${f.code} ${f.severity}`]));
    expect(by).toMatchObject({ 'LICENSE-MIT': 'SYMLINK_AS_FILE info', '.clippy.toml': 'NOT_PACKAGED info', 'tests/it.rs': 'NOT_PACKAGED info' });
    expect(r.findings.find((f) => f.path === 'LICENSE-MIT')!.evidence).toEqual({ target: '../LICENSE-MIT', resolved: 'LICENSE-MIT', outside: 'foo' });
    expect(r.findings.find((f) => f.path === 'tests/it.rs')!.evidence).toEqual({ ecosystem: 'crate', reason: 'include-field' });
    expect(r.verdict).toBe('explained');
  });

  it('other content behind the license symlink stays TYPE_CHANGED (high)', async () => {
    repo.commit({ 'LICENSE-MIT': 'Proprietary. Do not copy.\n' }); // the crate is packed from this tree; compare with the first commit
    const crate = pack(join(root, 't2'));
    const first = repo.git(['rev-list', '--max-parents=0', 'HEAD']);
    const r = await verify({ tarball: crate, repo: dir, commit: first, cacheDir: join(root, 'cache') });
    expect(r.findings.find((f) => f.path === 'LICENSE-MIT')).toMatchObject({ code: 'TYPE_CHANGED', severity: 'high' });
  });

  it('manifest lists and cargo patterns', () => {
    expect(manifestList(CARGO_TOML, 'include')).toEqual(['src/**/*.rs', 'LICENSE-MIT', 'README.md']);
    expect(manifestList(CARGO_TOML, 'exclude')).toBeUndefined();
    expect(cargoPatternMatches('src/**/*.rs', 'src/a/b.rs')).toBe(true);
    expect(cargoPatternMatches('src/**/*.rs', 'src/b.rs')).toBe(true);
    expect(cargoPatternMatches('src/**/*.rs', 'tests/b.rs')).toBe(false);
    expect(cargoPatternMatches('/benches', 'benches/x.rs')).toBe(true);
    expect(cargoPatternMatches('*.md', 'doc/x.md')).toBe(true);
  });
});
