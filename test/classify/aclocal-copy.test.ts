/**
 * Macro files copied into a shipped aclocal.m4, judged against the aclocal form of known versions
 * (src/classify/aclocal-copy.ts): aclocal drops `##` lines, so a copy of libtool.m4 never equals the file.
 * Real data built by code: a small libtool git repository (fixed dates) and a Debian package made with
 * dpkg-deb, derived by the real builder script (scripts/build-upstream-db.mjs --releases). Synthetic file
 * contents that only imitate the shape of the real ones.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { judgeAclocalCopy, shortenedVersions } from '../../src/classify/aclocal-copy.js';
import { deriveHunkCorpus, HunkCorpus, withDroppedLines, type ReleaseCopy } from '../../src/classify/distro-hunks.js';
import { PatchCorpus, type RawPatchCorpus } from '../../src/classify/distro-patches.js';
import { aclocalForm } from '../../src/classify/m4.js';
import { readUpstreamDb, UpstreamDb } from '../../src/classify/upstream-db.js';
import { readLinesDb } from '../../src/classify/upstream-lines.js';
import { splitCopies } from '../../src/regenerate/aclocal-copies.js';
import { makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const root = resolve(__dirname, '../..');
const body = Array.from({ length: 30 }, (_, i) => `  func_lt_step_${i} () { lt_var_${i}=$${i % 9}; }`);
const libtoolM4 = (version: string) =>
  ['# libtool.m4 - synthetic test file', '# serial 58 LT_INIT', '', '## ------------------------------------- ##', '## Accumulate code for creating libtool. ##', '## ------------------------------------- ##', '', 'AC_DEFUN([LT_INIT],', '[', ...body.slice(0, 15), '## FIXME: this comment goes', ...body.slice(15), `  macro_version='${version}'`, '])', ''].join('\n');
const UPSTREAM = libtoolM4('2.4.7');
const DEBIAN = libtoolM4('2.4.7 Debian-2.4.7-7');
const release = { date: '2024-04-26T11:22:15+02:00', tag: 'v3.7.4' };
/** The copy as aclocal writes it into aclocal.m4 (followed there by one more newline). */
const copyOf = (text: string) => aclocalForm(text);

let db: UpstreamDb;
beforeAll(() => {
  const dir = tempDir('distdiff-aclocal-copy-');
  const libtool = makeRepo(join(dir, 'libtool'));
  libtool.commit({ 'm4/libtool.m4': UPSTREAM, 'm4/ltsugar.m4': '# ltsugar.m4 - synthetic\nAC_DEFUN([LT_SUGAR], [:])\n' }, 'v2.4.7', '2022-03-17T10:00:00Z');
  libtool.tag('v2.4.7');
  const pkg = join(dir, 'deb/libtool');
  mkdirSync(join(pkg, 'DEBIAN'), { recursive: true });
  mkdirSync(join(pkg, 'usr/share/aclocal'), { recursive: true });
  writeFileSync(join(pkg, 'DEBIAN/control'), 'Package: libtool\nVersion: 2.4.7-7\nArchitecture: all\nMaintainer: Test <test@example.invalid>\nDescription: synthetic test package\n');
  writeFileSync(join(pkg, 'usr/share/aclocal/libtool.m4'), DEBIAN);
  const built = new Date('2023-01-10T12:00:00Z'); // the package's build: its files' date
  utimesSync(join(pkg, 'usr/share/aclocal/libtool.m4'), built, built);
  const rel = join(dir, 'releases');
  mkdirSync(join(rel, 'deb/bookworm'), { recursive: true });
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', pkg, join(rel, 'deb/bookworm/libtool_2.4.7-7_all.deb')], { stdio: 'ignore' });
  const out = join(dir, 'data');
  execFileSync(
    process.execPath,
    [join(root, 'scripts/build-upstream-db.mjs'), '--out', join(out, 'db.json.gz'), '--lines-out', join(out, 'lines.json.gz'), '--blobs-out', join(out, 'blobs.json.gz'), '--date', '2026-11-29', '--releases', rel, `libtool=${libtool.dir}/.git`],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines = readLinesDb(join(out, 'lines.json.gz'));
  db = new UpstreamDb(readUpstreamDb(join(out, 'db.json.gz')), [], () => lines);
}, 120_000);

describe('the builder records the aclocal form of files with ## lines', () => {
  it('for upstream history and distribution copies alike; not for files without ## lines', () => {
    const lt = db.byName('libtool.m4');
    expect(lt.map((v) => [v.source?.label ?? v.tag, v.aclocalBlob !== undefined])).toEqual([
      ['v2.4.7', true],
      ['Debian bookworm libtool 2.4.7-7', true],
    ]);
    expect(db.byAclocalForm(lt[0]!.aclocalBlob!)).toEqual([lt[0]]);
    expect(db.byName('ltsugar.m4')[0]!.aclocalBlob).toBeUndefined();
    expect(db.versionLines(lt[0]!, 'aclocal')!.length).toBe(UPSTREAM.split('\n').length - 1 - 4);
  });
});

describe('judgeAclocalCopy', () => {
  const judge = (text: string, name = 'libtool.m4') => judgeAclocalCopy({ name, content: text }, release, db);

  it('the aclocal form of an upstream version or of a distribution copy: explained, naming it', () => {
    expect(judge(copyOf(UPSTREAM))).toEqual({ explainedBy: 'UPSTREAM_COPY', upstream: expect.objectContaining({ project: 'libtool', version: 'v2.4.7' }) });
    expect(judge(copyOf(DEBIAN))).toEqual({ explainedBy: 'UPSTREAM_COPY_VARIANT', upstream: expect.objectContaining({ project: 'libtool', source: 'Debian bookworm libtool 2.4.7-7' }) });
  });

  it('a rebuild that lengthened a version token (Ubuntu build1): explained, the line shown', () => {
    const j = judge(copyOf(DEBIAN.replace('Debian-2.4.7-7', 'Debian-2.4.7-7build1')));
    expect(j.explainedBy).toBe('UPSTREAM_COPY_PATCHED');
    expect(j.upstream?.source).toBe('Debian bookworm libtool 2.4.7-7');
    expect(j.lines).toEqual({ novelLines: 1, removedLines: 1, novel: [{ line: 37, text: "  macro_version='2.4.7 Debian-2.4.7-7build1'" }] });
  });

  it('tampered twins: one novel line, another version, a construct, an unknown name — flagged, lines shown', () => {
    const added = copyOf(DEBIAN).replace('  func_lt_step_3 ', '  LIBS="$LIBS -lpayload"\n  func_lt_step_3 ');
    expect(judge(added)).toEqual({
      flagged: { code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' },
      upstream: expect.objectContaining({ source: 'Debian bookworm libtool 2.4.7-7' }),
      lines: { novelLines: 1, removedLines: 0, novel: [{ line: 10, text: '  LIBS="$LIBS -lpayload"' }] },
    });
    expect(judge(copyOf(DEBIAN.replace('2.4.7 Debian-2.4.7-7', '2.4.9 Debian-2.4.9-1'))).flagged).toEqual({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
    const construct = copyOf(DEBIAN).replace('  func_lt_step_3 ', '  eval "$(echo ZWNobyBoaQ== | base64 -d)"\n  func_lt_step_3 ');
    expect(judge(construct).flagged).toEqual({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'critical' });
    expect(judgeAclocalCopy({ name: 'mine.m4', content: 'AC_DEFUN([MINE], [:])', nameKnown: false }, release, db)).toEqual({ flagged: { code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' } });
  });

  // A distribution's patch of libtool.m4 seen in 3 unrelated projects' m4/libtool.m4 (the hunk corpus), shipped
  // by a 4th project inside aclocal.m4: there aclocal dropped the version's `##` lines, one of them (the FIXME line)
  // before the hunk, so the copy's lines are numbered differently from the version's.
  const HUNKED = UPSTREAM.replace('  func_lt_step_20 () { lt_var_20=$2; }', '  # Add ABI-specific directories (synthetic)\n  func_lt_step_20 () { lt_var_20="/lib64 $2"; }');
  const rel = (project: string, owner: string, text: string): ReleaseCopy => ({ project, release: `${project} 1.0`, owner, date: '2021-06-01', name: 'libtool.m4', content: Buffer.from(text) });
  const corpusOf = (text: string) => new HunkCorpus(deriveHunkCorpus(db, [rel('alpha', '1000/1000', text), rel('beta', 'jdoe/jdoe', text), rel('gamma', '0/0', text)], { generated: '2026-11-30' }));
  const hunkJudge = (text: string, hunks: HunkCorpus | null) => judgeAclocalCopy({ name: 'libtool.m4', content: text }, release, db, hunks);

  it('the aclocal form of a version plus distribution hunks of the corpus: UPSTREAM_COPY_VARIANT, the hunks shown', () => {
    const corpus = corpusOf(HUNKED);
    expect(corpus.raw.hunks.map((h) => [h.version, h.at, h.removed, h.added])).toEqual([['libtool v2.4.7', 31, 1, 2]]);
    const j = hunkJudge(copyOf(HUNKED), corpus);
    expect(j).toEqual({
      explainedBy: 'UPSTREAM_COPY_VARIANT',
      upstream: expect.objectContaining({ project: 'libtool', version: 'v2.4.7' }),
      lines: { novelLines: 2, removedLines: 1, novel: [{ line: 27, text: '  # Add ABI-specific directories (synthetic)' }, { line: 28, text: '  func_lt_step_20 () { lt_var_20="/lib64 $2"; }' }] },
      hunks: [expect.objectContaining({ key: corpus.raw.hunks[0]!.key.slice(0, 12), at: 31, removed: 1, line: 27, projects: 3, people: 3, examples: ['alpha 1.0', 'beta 1.0', 'gamma 1.0'] })],
    });
    // without the corpus the same copy is an unknown version: the corpus is the evidence
    expect(hunkJudge(copyOf(HUNKED), null).flagged).toEqual({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
  });

  it('tampered twins of that copy stay flagged high: one more line, the hunk elsewhere, a line of its own', () => {
    const corpus = corpusOf(HUNKED);
    const flagged = { code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' };
    // the hunk plus one line
    expect(hunkJudge(copyOf(HUNKED.replace('lt_var_20="/lib64 $2"; }', 'lt_var_20="/lib64 $2"; }\n  LIBS="$LIBS -lpayload"')), corpus).flagged).toEqual(flagged);
    // the hunk's lines at another place of the same version
    const moved = UPSTREAM.replace('  func_lt_step_5 () { lt_var_5=$5; }', '  # Add ABI-specific directories (synthetic)\n  func_lt_step_20 () { lt_var_20="/lib64 $2"; }');
    expect(hunkJudge(copyOf(moved), corpus).flagged).toEqual(flagged);
    // the hunk, and a line of the tamperer's elsewhere
    expect(hunkJudge(copyOf(HUNKED).replace('  func_lt_step_3 ', '  lt_var_x=1\n  func_lt_step_3 '), corpus).flagged).toEqual(flagged);
    // the hunk with a `##` line of the version kept: aclocal never writes that, so it is another block
    expect(hunkJudge(HUNKED, corpus).flagged).toEqual(flagged);
  });

  // A distribution's published patch of libtool.m4 (Gentoo's mint/ppc64le hunks in pixman 0.42.2's aclocal.m4): the
  // patch file names who patched it, so a copy whose every novel line is one its hunks add in place is explained.
  it('the aclocal form of a version plus lines a distribution patch series adds: UPSTREAM_COPY_PATCHED, naming the patch; twins flagged', () => {
    const dir = tempDir('distdiff-aclocal-patch-');
    const patched = UPSTREAM.replace('  func_lt_step_5 () { lt_var_5=$5; }\n', '  func_lt_step_5 () { lt_var_5=$5; }\n  mint*) lt_cv_sys_max_cmd_len=8192 ;;\n');
    for (const [d, t] of [['a', UPSTREAM], ['b', patched]] as const) {
      mkdirSync(join(dir, d, 'm4'), { recursive: true });
      writeFileSync(join(dir, d, 'm4/libtool.m4'), t);
    }
    let diff = '';
    try {
      execFileSync('diff', ['-u', 'a/m4/libtool.m4', 'b/m4/libtool.m4'], { cwd: dir });
    } catch (e) {
      diff = (e as { stdout: Buffer }).stdout.toString();
    }
    expect(diff).toContain('+  mint*)');
    writeFileSync(join(dir, 'libtool-mint.patch'), diff);
    execFileSync(process.execPath, [join(root, 'scripts/derive-distro-patches.mjs'), '--out', join(dir, 'p.json'), '--date', '2026-12-03', '--series', 'Demo Gentoo libtool 2.4.7-r1', join(dir, 'libtool-mint.patch')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const patches = new PatchCorpus(JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8')) as RawPatchCorpus);
    const pj = (text: string, p: PatchCorpus | null) => judgeAclocalCopy({ name: 'libtool.m4', content: text }, release, db, null, p);
    expect(pj(copyOf(patched), patches)).toEqual({
      explainedBy: 'UPSTREAM_COPY_PATCHED',
      upstream: expect.objectContaining({ project: 'libtool', version: 'v2.4.7' }),
      lines: { novelLines: 1, removedLines: 0, novel: [{ line: 13, text: '  mint*) lt_cv_sys_max_cmd_len=8192 ;;' }] },
      patches: [{ source: 'Demo Gentoo libtool 2.4.7-r1 files/libtool-mint.patch', lines: [13] }],
    });
    const flagged = { code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' };
    // without the patch files, the same copy: nothing says who patched it
    expect(pj(copyOf(patched), null).flagged).toEqual(flagged);
    // the patch's line and one more of the copy's own
    expect(pj(copyOf(patched).replace('  func_lt_step_3 ', '  lt_var_x=1\n  func_lt_step_3 '), patches).flagged).toEqual(flagged);
    // the patch's line elsewhere
    expect(pj(copyOf(UPSTREAM.replace('  func_lt_step_9 () { lt_var_9=$0; }\n', '  func_lt_step_9 () { lt_var_9=$0; }\n  mint*) lt_cv_sys_max_cmd_len=8192 ;;\n')), patches).flagged).toEqual(flagged);
  });

  it('withDroppedLines puts the dropped lines back where the version has them', () => {
    // version 1 2 # 3 4 (# dropped by aclocal); the copy replaced 3 by 9
    expect(withDroppedLines([1, 2, 99, 3, 4], [1, 2, 3, 4], [1, 2, 9, 4], ['a', 'b', 'z', 'd'])).toEqual({
      hashes: [1, 2, 99, 9, 4],
      text: ['a', 'b', '\u0000dropped', 'z', 'd'],
      copyLine: [0, 1, -1, 2, 3],
    });
    // a form that is not the version minus some lines
    expect(withDroppedLines([1, 2, 3], [3, 1], [3, 1], ['c', 'a'])).toBeUndefined();
  });

  it('splitCopies finds a copy by its aclocal form', () => {
    const parts = splitCopies(`${copyOf(DEBIAN)}\n# ltsugar.m4 - synthetic\nAC_DEFUN([LT_SUGAR], [:])\n\n`, db);
    expect(parts.map((p) => [p.name, p.upstream?.project])).toEqual([
      ['libtool.m4', 'libtool'],
      ['ltsugar.m4', 'libtool'],
    ]);
  });

  it('shortenedVersions', () => {
    expect(shortenedVersions('V="2.4.6 Debian-2.4.6-15build2"')).toEqual(['V="2.4.6 Debian-2.4.6"', 'V="2.4.6 Debian-2.4.6-15"']);
    expect(shortenedVersions('x 1.16.5+ds y')).toEqual(['x 1.16.5 y']);
    expect(shortenedVersions('x 2.4.6-15build2')).toEqual(['x 2.4.6', 'x 2.4.6-15']);
    expect(shortenedVersions('no version here')).toEqual([]);
  });
});
