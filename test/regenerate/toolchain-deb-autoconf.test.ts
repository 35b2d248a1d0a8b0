/**
 * `distdiff toolchain add autoconf_V-N_all.deb`: a distribution's binary package of autoconf (Debian bullseye's
 * 2.69-14, its debian/patches applied) installed beside the GNU build as `toolchains/autoconf-V+deb-N`, tried after
 * the GNU build and the system's; what it reproduces names the package. The package here is this machine's own
 * autoconf (the files `dpkg -L autoconf` lists) with one distribution patch — a file autom4te.cfg loads after the
 * frozen state, redefining `_AC_SYS_LARGEFILE_TEST_INCLUDES` with Debian 2.69's `((off_t) 1 << 31) << 31` form —
 * packed by the real `dpkg-deb --build`. End to end with the real pipeline (real git, tar, bubblewrap): a release
 * whose configure that package made is reproduced by it (the system's autoconf alone does not), and its tampered
 * twin — the same configure with one more line — stays REGENERATION_MISMATCH, high.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toolText } from '../../src/core/wording.js';
import { findTools } from '../../src/regenerate/toolchain.js';
import { CLI } from '../hostile/helpers.js';
import { autotoolsRelease, byPath, editFile, sh } from './release.js';

const version = /\(GNU Autoconf\) (\S+)/.exec(execFileSync('autoconf', ['--version'], { encoding: 'utf8' }))![1]!;
const debVersion = `${version}-9`;
const PATCH_LINE = '@%:@define LARGE_OFF_T ((((off_t) 1 << 31) << 31) - 1 + (((off_t) 1 << 31) << 31))';
const SHIPPED_LINE = '#define LARGE_OFF_T ((((off_t) 1 << 31) << 31) - 1 + (((off_t) 1 << 31) << 31))';
const DISTRO_M4 = `# A distribution's patch (test): Debian autoconf 2.69's LARGE_OFF_T form.
m4_define([_AC_SYS_LARGEFILE_TEST_INCLUDES],
[@%:@include <sys/types.h>
 /* Check that off_t can represent 2**63 - 1 correctly.  */
${PATCH_LINE}
  int off_t_is_large[[(LARGE_OFF_T % 2147483629 == 721
		       && LARGE_OFF_T % 2147483647 == 1)
		      ? 1 : -1]];[]dnl
])
`;
const CONFIGURE_AC = 'AC_INIT([dpatch], [1.0])\nAC_PROG_CC\nAC_SYS_LARGEFILE\nAC_OUTPUT\n';

let deb = '';
let prefix = '';

function pack(dir: string, control: string, out: string): string {
  mkdirSync(join(dir, 'DEBIAN'), { recursive: true });
  writeFileSync(join(dir, 'DEBIAN', 'control'), control);
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', dir, out], { stdio: 'ignore' });
  return out;
}

const fixture = autotoolsRelease({
  prefix: 'distdiff-toolchain-deb-autoconf-',
  name: 'dpatch',
  files: { 'configure.ac': CONFIGURE_AC },
  // The maintainer's autoconf is the distribution's package: installed by the CLI, then run on the tag's configure.ac.
  makeTree: (tree, repoDir) => {
    installPackage();
    writeFileSync(join(tree, 'configure.ac'), CONFIGURE_AC);
    sh(repoDir, `PATH='${prefix}/bin':/usr/bin:/bin autoconf && cp configure '${tree}/configure' && chmod 755 '${tree}/configure'`);
  },
});

const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });

function installPackage(): void {
  const pkg = join(fixture.root, 'pkg');
  for (const b of ['autoconf', 'autoheader', 'autom4te', 'autoreconf', 'autoscan', 'autoupdate', 'ifnames']) cpSync(`/usr/bin/${b}`, join(pkg, 'usr/bin', b), { dereference: true });
  cpSync('/usr/share/autoconf', join(pkg, 'usr/share/autoconf'), { recursive: true, dereference: true });
  writeFileSync(join(pkg, 'usr/share/autoconf/autoconf/distro-patch.m4'), DISTRO_M4);
  const cfg = join(pkg, 'usr/share/autoconf/autom4te.cfg');
  const text = readFileSync(cfg, 'utf8');
  const loaded = text.replace('args: autoconf/autoconf.m4f\nargs: acsite.m4?\n', 'args: autoconf/autoconf.m4f\nargs: autoconf/distro-patch.m4\nargs: acsite.m4?\n');
  if (loaded === text) throw new Error('autom4te.cfg: no Autoconf-without-aclocal-m4 block to patch');
  writeFileSync(cfg, loaded);
  deb = pack(pkg, `Package: autoconf\nVersion: ${debVersion}\nArchitecture: all\nMaintainer: Test <t@example.invalid>\nDescription: autoconf repacked with a patch by the test\n`, join(fixture.root, `autoconf_${debVersion}_all.deb`));
  const r = cli(['toolchain', 'add', deb, '--cache-dir', fixture.cache]);
  if (r.status !== 0) throw new Error(`toolchain add: ${r.stderr}`);
  prefix = join(fixture.cache, 'toolchains', `autoconf-${version}+deb-${debVersion}`);
}

describe('toolchain add (Debian autoconf package)', () => {
  it('installs it relocated beside the GNU build; findTools offers it after the system build, the package named', async () => {
    const manifest = JSON.parse(readFileSync(join(prefix, 'distdiff-toolchain.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: 'autoconf', version, signature: { status: 'none' }, package: { format: 'deb', name: 'autoconf', version: debVersion } });
    // Only the quoted install paths are moved: the scripts and autom4te.cfg name the prefix, none names /usr's.
    for (const f of [...readdirSync(join(prefix, 'bin')).map((b) => `bin/${b}`), 'share/autoconf/autom4te.cfg']) expect(readFileSync(join(prefix, f), 'latin1')).not.toMatch(/['"]\/usr\/(?:share\/autoconf|bin\/auto)/);
    expect(readFileSync(join(prefix, 'share/autoconf/autom4te.cfg'), 'utf8')).toContain(`args: --prepend-include '${prefix}/share/autoconf'`);
    expect(readFileSync(join(prefix, 'bin/autom4te'), 'latin1')).toContain(`'${prefix}/share/autoconf'`);
    // The patch is the package's own (the prefix's autom4te.cfg loads it): the shipped configure carries it.
    expect(readFileSync(join(fixture.distDir, fixture.top, 'configure'), 'latin1')).toContain(`\n${SHIPPED_LINE}\n`);
    const tools = await findTools('autoconf', version, fixture.cache);
    expect(tools.map((t) => [t.origin, t.prefix, t.package])).toEqual([
      ['system', undefined, undefined],
      ['cache', prefix, { name: 'autoconf', version: debVersion }],
    ]);
    expect(toolText(tools[1]!)).toBe(`autoconf ${version} (Debian package autoconf ${debVersion}) (cached toolchain)`);
    expect(cli(['toolchain', 'add', deb, '--cache-dir', fixture.cache]).stdout).toMatch(/^already built: autoconf /);
    expect(cli(['toolchain', 'list', '--cache-dir', fixture.cache]).stdout).toContain(`autoconf ${version}  ${prefix}  sha256 ${manifest.sha256}  Debian package autoconf ${debVersion}\n`);
  }, 120_000);

  it("reproduces a configure the package made (the system's autoconf alone does not); one more line stays REGENERATION_MISMATCH, high", async () => {
    const r = await fixture.run(fixture.tarball);
    const configure = byPath(r.findings)['configure'];
    expect(configure).toMatchObject({ code: 'GENERATED_BY_AUTOTOOLS', evidence: { proof: { proved: true, method: 'regenerated', step: 'autoconf', version: `${version} (Debian package autoconf ${debVersion})` } } });
    // Without the package, the system's autoconf regenerates GNU's line: the release is not proved.
    const bare = await fixture.run(fixture.tarball, { cacheDir: join(fixture.root, 'no-package') });
    expect(byPath(bare.findings)['configure']).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
    const twin = fixture.tampered((dir) => editFile(dir, 'configure', (s) => s.replace(`\n${SHIPPED_LINE}\n`, `\n${SHIPPED_LINE}\nexport LD_PRELOAD=/tmp/x.so\n`)));
    const t = await fixture.run(twin);
    expect(byPath(t.findings)['configure']).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
    expect(existsSync(prefix)).toBe(true);
  }, 600_000);

  it('refuses --backport with a package (exit 2)', () => {
    const r = cli(['toolchain', 'add', deb, '--backport', `${fixture.repoDir}:${fixture.commit.slice(0, 8)}`, '--cache-dir', join(fixture.root, 'c2')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--backport applies commits to a release tarball, not to a Debian package/);
  });
});
