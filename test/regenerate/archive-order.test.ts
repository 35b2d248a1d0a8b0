/**
 * The regeneration starts as the archive scan ends (src/pipeline/early-regen.ts), never on part of the
 * tarball's inputs: the same release packed in two member orders — its regeneration inputs (the m4 copy
 * gettext leaves, the aux scripts) first, or last — gives the same proofs and findings; and an input tampered
 * with and packed as the very last member still fails the gate (configure regenerated from it differs from
 * the shipped one). Real autoreconf + make dist, real GNU tar archives with the member order given.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { looksAutotools, reusable, type EarlyRegeneration } from '../../src/pipeline/early-regen.js';
import { renderJson } from '../../src/render/json.js';
import { scanArchive } from '../../src/scan/archive.js';
import type { GitTree } from '../../src/core/types.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { makeTar } from '../helpers/archives.js';
import { autotoolsRelease, byPath, editFile } from './release.js';

/** The inputs the generators read from the tarball (not in git). */
const INPUTS = ['m4/nls.m4', 'build-aux/compile', 'build-aux/depcomp', 'build-aux/install-sh', 'build-aux/missing'];

const fixture = autotoolsRelease({
  prefix: 'distdiff-regen-order-',
  name: 'ord',
  files: {
    'configure.ac': 'AC_INIT([ord], [1.0], [bugs@example.invalid])\nAC_CONFIG_AUX_DIR([build-aux])\nAC_CONFIG_MACRO_DIR([m4])\nAM_INIT_AUTOMAKE([foreign])\nAC_PROG_CC\nAM_NLS\nAC_CONFIG_HEADERS([config.h])\nAC_CONFIG_FILES([Makefile src/Makefile])\nAC_OUTPUT\n',
    'Makefile.am': 'SUBDIRS = src\nACLOCAL_AMFLAGS = -I m4\n',
    'src/Makefile.am': 'bin_PROGRAMS = ord\nord_SOURCES = ord.c\n',
    'src/ord.c': '#include <config.h>\nint main(void) { return 0; }\n',
    'm4/.gitignore': 'nls.m4\n',
  },
  prepare: (repoDir) => cpSync('/usr/share/aclocal/nls.m4', join(repoDir, 'm4/nls.m4')),
});
const { root, top: TOP, run } = fixture;

/** Every file of a tree, sorted (paths relative to it). */
function filesOf(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel))
    .sort()
    .flatMap((n) => {
      const p = rel ? `${rel}/${n}` : n;
      return statSync(join(dir, p)).isDirectory() ? filesOf(dir, p) : [p];
    });
}

let n = 0;
/** A .tar.gz of `dir` (holding TOP/) with its files in the order `order` gives (INPUTS first or last). */
function packed(dir: string, inputs: 'first' | 'last', last?: string): string {
  const files = filesOf(join(dir, TOP));
  const rest = files.filter((f) => !INPUTS.includes(f) && f !== last).reverse();
  const inputsIn = INPUTS.filter((f) => f !== last);
  const order = [...(inputs === 'first' ? [...inputsIn, ...rest] : [...rest, ...inputsIn]), ...(last ? [last] : [])];
  expect(order.length).toBe(files.length);
  const out = join(root, `order-${++n}`, `${TOP}.tar.gz`);
  mkdirSync(join(root, `order-${n}`));
  return makeTar(join(dir, TOP), { members: order.map((f) => `${TOP}/${f}`), args: ['--no-recursion'], compress: 'gzip', out });
}

const members = (tar: string) => execFileSync('tar', ['-tzf', tar], { encoding: 'utf8' }).trim().split('\n');
/** The JSON report without what differs between the two archives (their place, bytes, hash) and the note's seconds. */
function comparable(json: string): unknown {
  const j = JSON.parse(json);
  for (const note of j.notes) delete note.seconds;
  const walk = (o: unknown): void => {
    if (!o || typeof o !== 'object') return;
    if ('container' in o) for (const k of ['path', 'source', 'sha256', 'size']) delete (o as Record<string, unknown>)[k];
    for (const v of Object.values(o)) walk(v);
  };
  walk(j);
  return j;
}

describe('regeneration and the order of the archive members', () => {
  it('inputs first or last: the same proofs and the same findings', async () => {
    const first = packed(fixture.distDir, 'first');
    const last = packed(fixture.distDir, 'last');
    expect(members(first)[0]).toBe(`${TOP}/m4/nls.m4`);
    expect(members(last).slice(-INPUTS.length)).toEqual(INPUTS.map((f) => `${TOP}/${f}`));
    const [a, b] = [await run(first), await run(last)];
    for (const r of [a, b]) {
      expect(r.verdict).toBe('explained');
      const by = byPath(r.findings);
      for (const p of ['configure', 'aclocal.m4', 'config.h.in', 'Makefile.in', 'src/Makefile.in']) {
        const f = by[p]!;
        if (f.code !== 'GENERATED_BY_AUTOTOOLS' || !f.evidence.proof?.proved) throw new Error(`${p}: ${f.code} ${JSON.stringify(f.evidence)}`);
        expect(f.evidence.proof.method, p).toBe('regenerated');
      }
      expect(r.notes).toContainEqual(expect.objectContaining({ code: 'REGENERATION', status: 'done', outputs: 5, reproduced: 5 }));
    }
    expect(comparable(renderJson(b))).toEqual(comparable(renderJson(a)));
  }, 300_000);

  it('a tampered input packed as the very last member still fails: configure made from it differs', async () => {
    const dir = join(root, 'tampered');
    mkdirSync(dir);
    cpSync(join(fixture.distDir, TOP), join(dir, TOP), { recursive: true });
    editFile(join(dir, TOP), 'm4/nls.m4', (s) => s.replace('AC_SUBST([USE_NLS])', 'AC_SUBST([USE_NLS])\n  ord_payload=`cat $srcdir/none 2>/dev/null`'));
    const tar = packed(dir, 'first', 'm4/nls.m4');
    expect(members(tar).at(-1)).toBe(`${TOP}/m4/nls.m4`);
    const r = await run(tar);
    expect(r.verdict).toBe('different');
    const by = byPath(r.findings);
    expect(by['configure']).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
    const diff = by['configure']!.diff;
    expect(diff?.kind === 'text' && diff.unified).toContain('-  ord_payload=`cat $srcdir/none 2>/dev/null`');
    expect(by['m4/nls.m4']!.severity).not.toBe('info');
    // What does not depend on the macro is still proved.
    expect(by['src/Makefile.in']!.code).toBe('GENERATED_BY_AUTOTOOLS');
  }, 300_000);

  it('starts early only on an autotools release, and is used only on exactly the inputs explain compares', async () => {
    const tar = packed(fixture.distDir, 'last');
    const scan = await scanArchive(tar, { algo: 'sha1', limits: DEFAULT_LIMITS });
    const tree = (paths: string[]): GitTree => ({ entries: new Map(paths.map((p) => [p, { path: p, type: 'file' as const, executable: false, size: 0 }])), converted: new Map() }) as unknown as GitTree;
    const git = tree(['configure.ac', 'Makefile.am']);
    expect(looksAutotools(scan, git)).toBe(true); // ord-1.0/configure beside a tracked configure.ac
    expect(looksAutotools(scan, tree(['sub/configure.ac', 'README']))).toBe(false);
    const early = { scan, git, stripPrefix: undefined } as unknown as EarlyRegeneration;
    expect(reusable(early, scan, git, undefined)).toBe(early);
    expect(reusable(early, scan, tree(['configure.ac']), undefined)).toBeUndefined(); // another revision's tree
    expect(reusable(early, scan, git, 'ord-1.0')).toBeUndefined(); // another prefix option
    expect(reusable(undefined, scan, git, undefined)).toBeUndefined();
  });
});
