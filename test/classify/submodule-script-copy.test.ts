/**
 * Files a tracked import script copies out of a pinned submodule that is not gnulib (gnutls 3.7.9's
 * devel/import-minitasn1.sh: devel/libtasn1/lib/coding.c → lib/minitasn1/coding.c). Real repositories built
 * here, real GNU tar. What a tamperer would change — one byte of the copy, the pinned version swapped for a later
 * one, a copy into a directory no tracked script names — stays high.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const V1 = '/* coding.c — the pinned version */\nint asn1_der_coding (void) { return 1; }\n';
const V2 = '/* coding.c — a later version */\nint asn1_der_coding (void) { return 2; }\n';
const IMPORT = '#!/bin/sh\n: ${srcdir=.}\nSRC=$srcdir/devel/libtasn1/lib\nDST=$srcdir/lib/minitasn1\nfor f in coding.c; do cp $SRC/$f $DST/$f; done\n';
const GITMODULES = '[submodule "devel/libtasn1"]\n\tpath = devel/libtasn1\n\turl = ../libtasn1\n';

describe('copies a tracked import script makes from a pinned submodule', () => {
  const root = tempDir();
  const sub = makeRepo(join(root, 'libtasn1'));
  const pinned = sub.commit({ 'lib/coding.c': V1 }, 'v1', '2024-01-10T10:00:00Z');
  sub.commit({ 'lib/coding.c': V2 }, 'v2', '2024-02-10T10:00:00Z');
  const proj = makeRepo(join(root, 'proj'));
  const tracked = { '.gitmodules': GITMODULES, 'devel/import-minitasn1.sh': IMPORT, 'src/main.c': 'int main (void) { return 0; }\n' };
  proj.commit(tracked, 'project', '2024-03-01T10:00:00Z');
  proj.git(['update-index', '--add', '--cacheinfo', `160000,${pinned},devel/libtasn1`]);
  proj.git(['commit', '-q', '-m', 'pin libtasn1']);
  proj.tag('v1.0');
  let n = 0;
  const run = async (files: Record<string, string>) => {
    const dir = join(root, `t${++n}`, 'proj-1.0');
    writeFiles(dir, { ...tracked, ...files });
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.0.tar.gz') }), repo: proj.dir, cacheDir: join(root, `c${n}`), submodules: [{ name: 'devel/libtasn1', repo: sub.dir }] });
    return { r, by: Object.fromEntries(r.findings.map((f) => [f.path, { code: f.code, severity: f.severity, evidence: f.evidence }])) };
  };

  it('the pinned blob of that name, the script naming both directories: SUBMODULE_COPY via script', async () => {
    const { r, by } = await run({ 'lib/minitasn1/coding.c': V1 });
    expect(by['lib/minitasn1/coding.c']).toEqual({
      code: 'SUBMODULE_COPY', severity: 'info',
      evidence: { submodule: 'devel/libtasn1', commit: pinned, file: 'lib/coding.c', via: 'script', script: 'devel/import-minitasn1.sh', rewrites: [] },
    });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('one byte changed, the later version, or a directory no script names: high', async () => {
    const { r, by } = await run({
      'lib/minitasn1/coding.c': V1.replace('return 1', 'return 0'),
      'lib/minitasn1/structure.c': V2.replace('coding.c', 'structure.c'),
      'lib/other/coding.c': V1,
    });
    for (const p of ['lib/minitasn1/coding.c', 'lib/minitasn1/structure.c', 'lib/other/coding.c']) expect(by[p], p).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    // the later version, exactly, under the pinned name: the tag pins v1
    const later = await run({ 'lib/minitasn1/coding.c': V2 });
    expect(later.by['lib/minitasn1/coding.c']).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(exitCodeOf(r.verdict)).toBe(1);
  });
});

/**
 * cpio 2.13's shape: bootstrap.conf copies paxutils' files out of the pinned submodule into other paths, renamed
 * (`copy_files ${PAXUTILS}/paxlib lib pax`: paxlib/error.c → lib/paxerror.c) or at the top (`copy_files ${PAXUTILS} .`).
 */
describe('copies a tracked bootstrap.conf line makes, renamed or at the top', () => {
  const root = tempDir();
  const ERR = '/* error.c — paxutils */\nvoid pax_error (void) { }\n';
  const RULES = '# Make.rules — paxutils\nAM_CPPFLAGS = -I$(top_srcdir)/lib\n';
  const sub = makeRepo(join(root, 'paxutils'));
  const pinned = sub.commit({ 'paxlib/error.c': ERR, 'Make.rules': RULES, 'am/rmt.m4': 'AC_DEFUN([PU_RMT], [:])\n' }, 'paxutils', '2024-01-10T10:00:00Z');
  const CONF = '# bootstrap.conf\nPAXUTILS=paxutils\ncopy_files() { :; }\ncopy_files ${PAXUTILS} .\ncopy_files ${PAXUTILS}/paxlib lib pax\n';
  const project = (name: string, conf: string) => {
    const proj = makeRepo(join(root, name));
    const tracked = { '.gitmodules': '[submodule "paxutils"]\n\tpath = paxutils\n\turl = ../paxutils\n', 'bootstrap.conf': conf, 'src/main.c': 'int main (void) { return 0; }\n' };
    proj.commit(tracked, 'project', '2024-03-01T10:00:00Z');
    proj.git(['update-index', '--add', '--cacheinfo', `160000,${pinned},paxutils`]);
    proj.git(['commit', '-q', '-m', 'pin paxutils']);
    proj.tag('v1.0');
    return { proj, tracked };
  };
  const cpio = project('cpio', CONF);
  let n = 0;
  const run = async (files: Record<string, string>, { proj, tracked } = cpio) => {
    const dir = join(root, `t${++n}`, 'cpio-1.0');
    writeFiles(dir, { ...tracked, ...files });
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'cpio-1.0.tar.gz') }), repo: proj.dir, cacheDir: join(root, `c${n}`), submodules: [{ name: 'paxutils', repo: sub.dir }] });
    return { r, by: Object.fromEntries(r.findings.map((f) => [f.path, { code: f.code, severity: f.severity, evidence: f.evidence }])) };
  };

  it('the pinned blob, one line naming its directory, the copy\'s directory and the prefix: SUBMODULE_COPY with that line', async () => {
    const { r, by } = await run({ 'lib/paxerror.c': ERR, 'Make.rules': RULES });
    expect(by['lib/paxerror.c']).toEqual({
      code: 'SUBMODULE_COPY', severity: 'info',
      evidence: { submodule: 'paxutils', commit: pinned, file: 'paxlib/error.c', via: 'script', script: 'bootstrap.conf', line: 5, prefix: 'pax', rewrites: [] },
    });
    expect(by['Make.rules']).toEqual({
      code: 'SUBMODULE_COPY', severity: 'info',
      evidence: { submodule: 'paxutils', commit: pinned, file: 'Make.rules', via: 'script', script: 'bootstrap.conf', line: 4, rewrites: [] },
    });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('one line changed, another prefix, another directory, or no line naming them together: high', async () => {
    const { r, by } = await run({
      'lib/paxerror.c': ERR.replace('{ }', '{ system ("id"); }'),
      'lib/xerror.c': ERR,
      'src/paxerror.c': ERR,
      'Make.rules': RULES + 'LIBS += -lbackdoor\n',
      'm4/rmt.m4': 'AC_DEFUN([PU_RMT], [:])\n',
    });
    for (const p of ['lib/paxerror.c', 'lib/xerror.c', 'src/paxerror.c', 'Make.rules', 'm4/rmt.m4']) expect(by[p]?.severity, p).toMatch(/^(high|critical)$/);
    expect(exitCodeOf(r.verdict)).toBe(1);
    // the prefix and the directories on different lines, or the submodule's variable assigned twice: nothing names the copy
    const split = await run({ 'lib/paxerror.c': ERR, 'Make.rules': RULES }, project('split', '# bootstrap.conf\nPAXUTILS=paxutils\necho ${PAXUTILS}/paxlib lib\necho pax\nPAXUTILS=other\necho ${PAXUTILS} .\n'));
    for (const p of ['lib/paxerror.c', 'Make.rules']) expect(split.by[p], p).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  });
});
