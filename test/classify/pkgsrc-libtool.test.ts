/**
 * pkgsrc's libtool ltmain.sh as a distribution version (scripts/derive-pkgsrc-libtool.mjs → data/upstream-extra-pkgsrc.json.gz,
 * merged by upstreamDb() after data/upstream-extra.json.gz). pkgsrc patches the GNU release's generated ltmain.sh
 * directly (devel/libtool/patches/patch-build-aux_ltmain.sh), so its file is GNU's with that patch applied by patch(1).
 * The deriver runs here on data built by code: a made-up GNU ltmain.sh known to a test database as a release's, and a
 * pkgsrc-style patch of it made by the real `diff -u` under a `$NetBSD:` header. The result is an exact distribution
 * copy (UPSTREAM_COPY_VARIANT, low, pkgsrc named); the same file with one line of its own, or with a line of the
 * patch changed, stays UPSTREAM_COPY_UNKNOWN_VERSION, high. A patch that does not apply exactly, or a base no upstream source
 * of the database has, is refused (exit 2, nothing written). The shipped supplement: file 5.44's ltmain.sh blob.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { classifyUpstream } from '../../src/classify/upstream.js';
import { mergeRawDbs, rawDbFromContents, readUpstreamDb, UpstreamDb, upstreamDb } from '../../src/classify/upstream-db.js';
import { LinesDb } from '../../src/classify/upstream-lines.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-pkgsrc-libtool-');
const script = resolve('scripts/derive-pkgsrc-libtool.mjs');
const text = (lines: string[]) => `${lines.join('\n')}\n`;
// A made-up GNU ltmain.sh of 60 distinct lines, and pkgsrc's build of it: three lines unset first, a versuffix2 line added.
const GNU = ['#! /bin/sh', 'VERSION=9.9.1', 'package_revision=9.9.1', ...Array.from({ length: 57 }, (_, i) => `  lt_step_${i}=gnu_${i}`)];
const PKGSRC = [...GNU.slice(0, 10), 'unset CP', 'unset MV', 'unset RM', ...GNU.slice(10, 40), '\tversuffix2=', ...GNU.slice(40)];

let gnuTree = '';
let pkgsrcDir = '';
let dbFile = '';
let merged: UpstreamDb;

/** A pkgsrc patch file: the `$NetBSD:` id line, then `diff -u` of build-aux/ltmain.sh.orig against the patched file. */
function pkgsrcPatch(dir: string, patched: string[], rev: string): void {
  const work = join(root, `p-${rev}`);
  mkdirSync(join(work, 'build-aux'), { recursive: true });
  writeFileSync(join(work, 'build-aux/ltmain.sh.orig'), text(GNU));
  writeFileSync(join(work, 'build-aux/ltmain.sh'), text(patched));
  const d = spawnSync('diff', ['-u', '--label', 'build-aux/ltmain.sh.orig', '--label', 'build-aux/ltmain.sh', 'build-aux/ltmain.sh.orig', 'build-aux/ltmain.sh'], { cwd: work, encoding: 'utf8' });
  mkdirSync(join(dir, 'patches'), { recursive: true });
  writeFileSync(join(dir, 'patches/patch-build-aux_ltmain.sh'), `$NetBSD: patch-build-aux_ltmain.sh,v ${rev} 2018/11/13 21:44:42 someone Exp $\n\nAutomatically generated using manual-* patches and bootstrap.\n\n${d.stdout}`);
}

const derive = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', timeout: 60_000 });

beforeAll(() => {
  gnuTree = join(root, 'libtool-9.9.1');
  mkdirSync(join(gnuTree, 'build-aux'), { recursive: true });
  writeFileSync(join(gnuTree, 'build-aux/ltmain.sh'), text(GNU));
  pkgsrcDir = join(root, 'pkgsrc/devel/libtool');
  pkgsrcPatch(pkgsrcDir, PKGSRC, '1.2');
  const base = rawDbFromContents([{ name: 'ltmain.sh', project: 'gettext', content: text(GNU), commit: 'abcdef012345', date: '2015-03-04', tag: 'v0.19.5' }]);
  dbFile = join(root, 'db.json');
  writeFileSync(dbFile, JSON.stringify(base));
  const out = join(root, 'extra.json.gz');
  const r = derive(pkgsrcDir, gnuTree, '--db', dbFile, '--out', out);
  if (r.status !== 0) throw new Error(`derive: ${r.stderr}`);
  const { lines: baseLines, ...baseRaw } = base;
  const m = mergeRawDbs(baseRaw, readUpstreamDb(out));
  merged = new UpstreamDb(m.raw, [], () => new LinesDb(baseLines!).withFiles(m.lines!));
}, 120_000);

describe('scripts/derive-pkgsrc-libtool.mjs', () => {
  it("records GNU's file with pkgsrc's patch applied as a distribution version, labelled with the patch's revision and date", () => {
    const v = merged.byName('ltmain.sh').filter((x) => x.source?.kind === 'distribution');
    expect(v.map((x) => [x.source!.label, x.date])).toEqual([["pkgsrc libtool 9.9.1 (devel/libtool patches/patch-build-aux_ltmain.sh 1.2, 2018-11-13: GNU libtool 9.9.1 + pkgsrc's patch)", '2018-11-13']]);
  });

  it('an exact copy is UPSTREAM_COPY_VARIANT naming pkgsrc; one more line, or a line of the patch changed, stays high', () => {
    expect(classifyUpstream('ltmain.sh', Buffer.from(text(PKGSRC)), merged)).toMatchObject({ code: 'UPSTREAM_COPY_VARIANT', severity: 'low', evidence: { match: 'exact', version: expect.stringContaining('pkgsrc libtool 9.9.1') } });
    const twin = [...PKGSRC.slice(0, 20), 'eval "$(cat /tmp/.x)"', ...PKGSRC.slice(20)];
    expect(classifyUpstream('ltmain.sh', Buffer.from(text(twin)), merged)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
    const changed = PKGSRC.map((l) => (l === 'unset RM' ? 'unset RM PATH' : l));
    expect(classifyUpstream('ltmain.sh', Buffer.from(text(changed)), merged)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
  });

  it('refuses a patch that does not apply exactly, and a base no upstream source of the database has (exit 2, nothing written)', () => {
    const other = join(root, 'pkgsrc-other/devel/libtool');
    pkgsrcPatch(other, PKGSRC, '1.3');
    const shifted = join(root, 'libtool-shifted');
    mkdirSync(join(shifted, 'build-aux'), { recursive: true });
    writeFileSync(join(shifted, 'build-aux/ltmain.sh'), text(GNU.map((l, i) => (i === 11 ? `${l} # changed` : l))));
    const unknownBase = derive(other, shifted, '--db', dbFile, '--out', join(root, 'x1.json.gz'));
    expect(unknownBase.status).toBe(2);
    expect(unknownBase.stderr).toMatch(/is not a GNU libtool ltmain\.sh the upstream database knows from an upstream source/);
    const shiftedDb = join(root, 'db2.json');
    writeFileSync(shiftedDb, JSON.stringify(rawDbFromContents([{ name: 'ltmain.sh', project: 'libtool', content: text(GNU.map((l, i) => (i === 11 ? `${l} # changed` : l))), commit: '', date: '2015-02-15', tag: 'v9.9.1' }])));
    const noApply = derive(other, shifted, '--db', shiftedDb, '--out', join(root, 'x2.json.gz'));
    expect(noApply.status).toBe(2);
    expect(noApply.stderr).toMatch(/does not apply to GNU libtool 9\.9\.1's ltmain\.sh exactly/);
    expect(existsSync(join(root, 'x1.json.gz')) || existsSync(join(root, 'x2.json.gz'))).toBe(false);
  });
});

describe('the shipped database: pkgsrc libtool 2.4.6', () => {
  it("holds file 5.44's ltmain.sh (GNU 2.4.6 + pkgsrc's patch-build-aux_ltmain.sh 1.2) as a distribution version distinct from GNU 2.4.6", () => {
    const v = upstreamDb().byName('ltmain.sh').find((x) => x.blob === 'ffabee228c138d1ea2e61d841d6fd9fc595e5581');
    expect(v?.source).toEqual({ kind: 'distribution', label: "pkgsrc libtool 2.4.6 (devel/libtool patches/patch-build-aux_ltmain.sh 1.2, 2018-11-13: GNU libtool 2.4.6 + pkgsrc's patch)" });
    expect(upstreamDb().byName('ltmain.sh').some((x) => x.blob === '0f0a2da3f9dd10627626bf9725b332d95f314393')).toBe(true);
  });
});
