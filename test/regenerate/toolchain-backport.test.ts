/**
 * `distdiff toolchain add RELEASE --backport REPO:C1,C2`: an autoconf release with commits of autoconf's own
 * repository applied to lib/ (a distribution's backport of later upstream fixes: autoconf 2.71 with 2.72's C99
 * changes) is built in the sandbox into <cache>/toolchains/autoconf-V+C1+C2, its manifest naming the commits;
 * findTools offers it after the plain release, and the regeneration names the commits (toolText). A commit that does
 * not apply, or one not in the repository, is an error and nothing is built. The release here is a small stand-in
 * with the layout of a GNU release (its install copies lib/autoconf/c.m4), the repository a real git history built
 * by code with fixed dates.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { toolText } from '../../src/core/wording.js';
import { findTools } from '../../src/regenerate/toolchain.js';
import { makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { CLI } from '../hostile/helpers.js';

const root = tempDir('distdiff-toolchain-backport-');
const cache = join(root, 'cache');
let tarball = '';
let repo = '';
let fix1 = '';
let fix2 = '';
let unrelated = '';

const C_M4 = (proto: string, comment: string) => ['# c.m4 (synthetic)', `# which can conflict with char $2 ${proto}; below.`, `# although this is not generally supported in C code${comment} supporting it here`, 'char $2 ();', ''].join('\n');
const CONFIGURE = `#!/bin/sh
prefix=/usr/local
for a in "$@"; do case $a in --prefix=*) prefix=\${a#--prefix=} ;; esac; done
printf 'prefix = %s\\nall:\\n\\ttrue\\ninstall:\\n\\tmkdir -p $(prefix)/bin $(prefix)/share/autoconf\\n\\tcp autoconf.sh $(prefix)/bin/autoconf\\n\\tchmod 755 $(prefix)/bin/autoconf\\n\\tcp lib/autoconf/c.m4 $(prefix)/share/autoconf/c.m4\\n' "$prefix" > Makefile
`;

beforeAll(() => {
  // autoconf's history: the release's c.m4, then two fixes and a change elsewhere.
  const r = makeRepo(join(root, 'autoconf'));
  r.commit({ 'lib/autoconf/c.m4': C_M4('()', ','), 'NEWS': '9.99\n' }, 'Release 9.99', '2021-01-28T10:00:00Z');
  r.tag('v9.99');
  fix1 = r.commit({ 'lib/autoconf/c.m4': C_M4('(void)', ','), 'NEWS': '9.99a\n' }, 'Port to compilers that moan about K&R func decls', '2022-09-01T10:00:00Z');
  unrelated = r.commit({ 'NEWS': '9.99b\n' }, 'NEWS only', '2022-10-01T10:00:00Z');
  fix2 = r.commit({ 'lib/autoconf/c.m4': C_M4('(void)', '') }, 'Cater better to underquoted callers', '2022-11-16T10:00:00Z');
  repo = r.dir;

  const src = join(root, 'src', 'autoconf-9.99');
  mkdirSync(join(src, 'lib/autoconf'), { recursive: true });
  writeFileSync(join(src, 'configure'), CONFIGURE);
  chmodSync(join(src, 'configure'), 0o755);
  writeFileSync(join(src, 'autoconf.sh'), '#!/bin/sh\necho "autoconf (GNU Autoconf) 9.99"\n');
  writeFileSync(join(src, 'lib/autoconf/c.m4'), C_M4('()', ','));
  tarball = join(root, 'autoconf-9.99.tar.gz');
  execFileSync('tar', ['-czf', tarball, '-C', join(root, 'src'), 'autoconf-9.99']);
}, 60_000);

const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });

describe('toolchain add --backport', () => {
  it("builds the release with the commits' lib/ changes applied in order; findTools offers it after the plain release", async () => {
    expect(cli(['toolchain', 'add', tarball, '--cache-dir', cache]).status).toBe(0);
    const r = cli(['toolchain', 'add', tarball, '--backport', `${repo}:${fix1.slice(0, 8)},${fix2.slice(0, 8)}`, '--cache-dir', cache]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const prefix = join(cache, 'toolchains', `autoconf-9.99+${fix1.slice(0, 12)}+${fix2.slice(0, 12)}`);
    expect(r.stdout).toContain(`built: autoconf 9.99 with upstream commits ${fix1.slice(0, 12)}, ${fix2.slice(0, 12)} of ${repo} in ${prefix}`);
    expect(readFileSync(join(prefix, 'share/autoconf/c.m4'), 'utf8')).toBe(C_M4('(void)', ''));
    expect(readFileSync(join(cache, 'toolchains/autoconf-9.99/share/autoconf/c.m4'), 'utf8')).toBe(C_M4('()', ','));
    expect(JSON.parse(readFileSync(join(prefix, 'distdiff-toolchain.json'), 'utf8'))).toMatchObject({ name: 'autoconf', version: '9.99', backports: { repo, commits: [fix1, fix2] } });
    const tools = await findTools('autoconf', '9.99', cache);
    expect(tools.map((t) => [t.prefix, t.backports])).toEqual([
      [join(cache, 'toolchains/autoconf-9.99'), undefined],
      [prefix, [fix1, fix2]],
    ]);
    expect(toolText(tools[1]!)).toBe(`autoconf 9.99 with upstream commits ${fix1.slice(0, 8)}, ${fix2.slice(0, 8)} (cached toolchain)`);
    expect(cli(['toolchain', 'add', tarball, '--backport', `${repo}:${fix1},${fix2}`, '--cache-dir', cache]).stdout).toMatch(/^already built: autoconf 9\.99 with upstream commits/);
  }, 120_000);

  it('a commit that does not apply (out of order), one that changes nothing under lib/, or one the repository lacks: exit 2, nothing built', () => {
    const outOfOrder = cli(['toolchain', 'add', tarball, '--backport', `${repo}:${fix2.slice(0, 8)}`, '--cache-dir', cache]);
    expect(outOfOrder.status).toBe(2);
    expect(outOfOrder.stderr).toMatch(/^distdiff: .*autoconf-9\.99\.tar\.gz: commit [0-9a-f]{12} does not apply to autoconf 9\.99/);
    expect(existsSync(join(cache, 'toolchains', `autoconf-9.99+${fix2.slice(0, 12)}`))).toBe(false);
    const nothing = cli(['toolchain', 'add', tarball, '--backport', `${repo}:${unrelated.slice(0, 8)}`, '--cache-dir', cache]);
    expect(nothing.status).toBe(2);
    expect(nothing.stderr).toMatch(/changes nothing under lib\//);
    const missing = cli(['toolchain', 'add', tarball, '--backport', `${repo}:deadbeef`, '--cache-dir', cache]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no commit deadbeef in that repository/);
    const bad = cli(['toolchain', 'add', tarball, '--backport', 'no-commits-here', '--cache-dir', cache]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^distdiff: --backport: expected REPO:COMMIT/);
  }, 120_000);
});
