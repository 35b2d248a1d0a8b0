/**
 * `distdiff toolchain add|list`: a GNU-style release tarball (configure, make, make install) is built in the
 * sandbox into <cache>/toolchains/<tool>-<version>, its OpenPGP signature checked against a keyring, and
 * findTool then offers it. The release here is a small stand-in with the layout of a GNU release (the real
 * autoconf 2.72 build is exercised by scripts/regen-eval.sh): its configure also tries to write into the
 * home directory, which the sandbox does not show.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findTool, listToolchains } from '../../src/regenerate/toolchain.js';
import { makeGpgHome } from '../helpers/gpg.js';
import { tempDir } from '../helpers/tmp.js';
import { CLI } from '../hostile/helpers.js';

const root = tempDir('distdiff-toolchain-');
const cache = join(root, 'cache');
const marker = join(homedir(), `distdiff-toolchain-pwned-${process.pid}`);
let tarball = '';
let sig = '';
let keyring = '';
let otherKeyring = '';

const CONFIGURE = `#!/bin/sh
prefix=/usr/local
for a in "$@"; do case $a in --prefix=*) prefix=\${a#--prefix=} ;; esac; done
echo pwned > "${marker}" 2>/dev/null
printf 'prefix = %s\\nall:\\n\\ttrue\\ninstall:\\n\\tmkdir -p $(prefix)/bin\\n\\tcp autoconf.sh $(prefix)/bin/autoconf\\n\\tchmod 755 $(prefix)/bin/autoconf\\n' "$prefix" > Makefile
`;

beforeAll(() => {
  const src = join(root, 'src', 'autoconf-9.99');
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'configure'), CONFIGURE);
  chmodSync(join(src, 'configure'), 0o755);
  writeFileSync(join(src, 'autoconf.sh'), '#!/bin/sh\necho "autoconf (GNU Autoconf) 9.99"\n');
  tarball = join(root, 'autoconf-9.99.tar.gz');
  execFileSync('tar', ['-czf', tarball, '-C', join(root, 'src'), 'autoconf-9.99']);
  const gpg = makeGpgHome(root);
  const fpr = gpg.genKey('Release Manager <rm@example.invalid>');
  const other = gpg.genKey('Someone Else <else@example.invalid>');
  sig = gpg.sign(tarball, fpr, join(root, 'autoconf-9.99.tar.gz.sig'));
  keyring = gpg.exportKeys(join(root, 'keys.gpg'), [fpr]);
  otherKeyring = gpg.exportKeys(join(root, 'other.gpg'), [other]);
}, 60_000);

const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });

describe('toolchain add', () => {
  it('refuses a signature by a key that is not in the keyring (exit 2, nothing built)', () => {
    const r = cli(['toolchain', 'add', tarball, '--signature', sig, '--keyring', otherKeyring, '--cache-dir', cache]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^distdiff: .*autoconf-9\.99\.tar\.gz\.sig: /);
    expect(existsSync(join(cache, 'toolchains', 'autoconf-9.99'))).toBe(false);
  });

  it('builds a signed release in the sandbox into the cache; findTool offers it', async () => {
    const r = cli(['toolchain', 'add', tarball, '--signature', sig, '--keyring', keyring, '--cache-dir', cache]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const prefix = join(cache, 'toolchains', 'autoconf-9.99');
    expect(r.stdout).toMatch(new RegExp(`^built: autoconf 9\\.99 in ${prefix} \\(sha256 [0-9a-f]{64}; signature valid from Release Manager <rm@example\\.invalid>\\)\\n$`));
    expect(existsSync(join(prefix, 'bin', 'autoconf'))).toBe(true);
    expect(existsSync(marker)).toBe(false); // the build ran sandboxed: no home directory to write to
    const manifest = JSON.parse(readFileSync(join(prefix, 'distdiff-toolchain.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: 'autoconf', version: '9.99', signature: { status: 'valid', keyring } });
    expect(await findTool('autoconf', '9.99', cache)).toEqual({ name: 'autoconf', version: '9.99', origin: 'cache', prefix });
    expect(await findTool('autoconf', '9.98', cache)).toBeUndefined();
    expect(listToolchains(cache).map((t) => `${t.manifest.name}-${t.manifest.version}`)).toEqual(['autoconf-9.99']);
    const again = cli(['toolchain', 'add', tarball, '--cache-dir', cache]);
    expect(again.stdout).toMatch(/^already built: autoconf 9\.99/);
    const list = cli(['toolchain', 'list', '--cache-dir', cache]);
    expect(list.stdout).toMatch(/^autoconf 9\.99 {2}.*signature valid/);
  }, 120_000);

  it('rejects a tarball that is not an autoconf, automake, libtool or gettext release', () => {
    const other = join(root, 'other');
    mkdirSync(join(other, 'foo-1.0'), { recursive: true });
    writeFileSync(join(other, 'foo-1.0', 'configure'), '#!/bin/sh\n');
    const t = join(root, 'foo-1.0.tar.gz');
    execFileSync('tar', ['-czf', t, '-C', other, 'foo-1.0']);
    const r = cli(['toolchain', 'add', t, '--cache-dir', cache]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^distdiff: .*foo-1\.0\.tar\.gz: not a GNU autoconf, automake, libtool or gettext release tarball \(top directory foo-1\.0\)/);
  });
});
