/**
 * `distdiff toolchain add automake_X_all.deb`: Debian's binary package of automake as a cached toolchain,
 * for a version whose GNU release tarball is out of reach (bullseye's automake 1.16.3). The package here is
 * this machine's own automake (its files, as `dpkg -L automake` lists them) packed by the real
 * `dpkg-deb --build`; distdiff unpacks it, moves /usr under the prefix and rewrites the install paths, and
 * the relocated aclocal and automake then report the prefix's directories, not /usr's.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findTools } from '../../src/regenerate/toolchain.js';
import { tempDir } from '../helpers/tmp.js';
import { CLI } from '../hostile/helpers.js';

const root = tempDir('distdiff-toolchain-deb-');
const cache = join(root, 'cache');
const version = /\(GNU automake\) (\S+)/.exec(execFileSync('automake', ['--version'], { encoding: 'utf8' }))![1]!;
const api = /^(\d+\.\d+)/.exec(version)![1]!;
let deb = '';
let other = '';

function pack(dir: string, control: string, out: string): string {
  mkdirSync(join(dir, 'DEBIAN'), { recursive: true });
  writeFileSync(join(dir, 'DEBIAN', 'control'), control);
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', dir, out], { stdio: 'ignore' });
  return out;
}

beforeAll(() => {
  const pkg = join(root, 'pkg');
  for (const p of [`usr/bin/aclocal-${api}`, `usr/bin/automake-${api}`, `usr/share/automake-${api}`, `usr/share/aclocal-${api}`]) cpSync(`/${p}`, join(pkg, p), { recursive: true, dereference: true });
  mkdirSync(join(pkg, 'usr/share/aclocal'), { recursive: true });
  deb = pack(pkg, `Package: automake\nVersion: 1:${version}-9\nArchitecture: all\nMaintainer: Test <t@example.invalid>\nDescription: automake repacked by the test\n`, join(root, `automake_${version}-9_all.deb`));
  const o = join(root, 'other');
  mkdirSync(join(o, 'usr/bin'), { recursive: true });
  writeFileSync(join(o, 'usr/bin/hello'), '#!/bin/sh\necho hello\n');
  other = pack(o, 'Package: hello\nVersion: 1.0-1\nArchitecture: all\nMaintainer: Test <t@example.invalid>\nDescription: not automake\n', join(root, 'hello_1.0-1_all.deb'));
}, 60_000);

const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });

describe('toolchain add (Debian automake package)', () => {
  it('installs the package relocated under the prefix; findTools offers it before the system build', async () => {
    const r = cli(['toolchain', 'add', deb, '--cache-dir', cache]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const prefix = join(cache, 'toolchains', `automake-${version}`);
    expect(r.stdout).toMatch(new RegExp(`^built: automake ${version.replace(/\./g, '\\.')} in ${prefix} \\(sha256 [0-9a-f]{64}; Debian package automake 1:${version.replace(/\./g, '\\.')}-9, authenticated by apt\\)\\n$`));
    const manifest = JSON.parse(readFileSync(join(prefix, 'distdiff-toolchain.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: 'automake', version, signature: { status: 'none' }, package: { format: 'deb', name: 'automake', version: `1:${version}-9` } });
    // The relocated tools name the prefix's directories (what configure --prefix would have written).
    const env = { PATH: '/usr/bin:/bin', LC_ALL: 'C' };
    expect(execFileSync(join(prefix, 'bin', 'automake'), ['--print-libdir'], { encoding: 'utf8', env }).trim()).toBe(join(prefix, 'share', `automake-${api}`));
    expect(execFileSync(join(prefix, 'bin', 'aclocal'), ['--print-ac-dir'], { encoding: 'utf8', env }).trim()).toBe(join(prefix, 'share', 'aclocal'));
    const script = readFileSync(join(prefix, 'bin', `aclocal-${api}`), 'latin1');
    expect(script).toContain(`'${prefix}/share/aclocal-' . $APIVERSION`);
    expect(script).not.toMatch(/['"]\/usr\/share\/(?:automake|aclocal)/);
    const tools = await findTools('automake', version, cache);
    expect(tools.map((t) => t.origin)).toEqual(['cache', 'system']);
    expect(tools[0]!.prefix).toBe(prefix);
    expect(cli(['toolchain', 'add', deb, '--cache-dir', cache]).stdout).toMatch(/^already built: automake /);
    expect(cli(['toolchain', 'list', '--cache-dir', cache]).stdout).toContain(`automake ${version}  ${prefix}  sha256 ${manifest.sha256}  Debian package automake 1:${version}-9\n`);
  }, 120_000);

  it('refuses a package that is not automake, and a --signature for a package (exit 2, nothing installed)', () => {
    const r = cli(['toolchain', 'add', other, '--cache-dir', cache]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^distdiff: .*hello_1\.0-1_all\.deb: not a Debian automake or autoconf package \(Package hello, Version 1\.0-1, Architecture all\)/);
    expect(existsSync(join(cache, 'toolchains', 'automake-1.0'))).toBe(false);
    const s = cli(['toolchain', 'add', deb, '--signature', deb, '--keyring', deb, '--cache-dir', join(root, 'c2')]);
    expect(s.status).toBe(2);
    expect(s.stderr).toMatch(/a Debian package is authenticated by apt \(the Release file\), not by --signature\/--keyring/);
  });
});
