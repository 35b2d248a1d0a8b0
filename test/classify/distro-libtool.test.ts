/**
 * A distribution's libtool file the upstream database holds byte for byte (MSYS2's libtool 2.4.7, derived by
 * scripts/derive-distro-libtool.mjs): its version string is GNU's ("2.4.7"), so the regeneration's libtoolize runs
 * GNU's libtool and writes other bytes. The exact distribution copy keeps UPSTREAM_COPY_VARIANT (match 'exact', the
 * distribution's label shown) and the outputs regenerated from it are proved; the same copy with one line of its
 * own is REGENERATION_MISMATCH and the outputs made with it are REPRODUCED_WITH_FLAGGED_INPUT, both high.
 * The deriver itself runs on real data built by code: a packaging repository (PKGBUILD and a patch, fixed dates), a
 * release tarball made by tar whose configure and make rule (run in the sandbox) write ltmain.sh from ltmain.in.
 * Synthetic files, not copies of real ones.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { classifyUpstream } from '../../src/classify/upstream.js';
import { mergeRawDbs, rawDbFromContents, readUpstreamDb, UpstreamDb, upstreamDb } from '../../src/classify/upstream-db.js';
import { LinesDb, lineHash32 } from '../../src/classify/upstream-lines.js';
import { PatchCorpus } from '../../src/classify/distro-patches.js';
import { makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { provenanceFindings } from '../../src/regenerate/provenance.js';
import type { ClassifyContext } from '../../src/classify/types.js';
import { makeFinding } from '../../src/core/severity.js';
import type { RegeneratedOutput, RegenerationReport } from '../../src/regenerate/types.js';

const text = (lines: string[]) => `${lines.join('\n')}\n`;
// A made-up ltmain.sh of 40 distinct lines (GNU's), and the distribution's build of it: two case patterns widened.
const GNU = ['#! /bin/sh', 'VERSION=2.4.7', ...Array.from({ length: 38 }, (_, i) => `  lt_step_${i}=gnu_${i}`)];
const DISTRO = GNU.map((l, i) => (i === 10 || i === 30 ? `${l} # case *cygwin* | *msys* | *mingw*` : l));
const LABEL = 'MSYS2 libtool 2.4.7-3 (msys2/MSYS2-packages 0cc7cada5: GNU libtool 2.4.7 + 12 patches, rebuilt as its PKGBUILD does)';

const db = new UpstreamDb(
  rawDbFromContents([
    { name: 'ltmain.sh', project: 'libtool', content: text(GNU), commit: '', date: '2022-03-17', source: { label: 'libtool 2.4.7 release tarball', kind: 'release' } },
    { name: 'ltmain.sh', project: 'libtool', content: text(DISTRO), commit: '', date: '2022-12-03', source: { label: LABEL, kind: 'distribution' } },
  ]),
);

describe("a distribution's libtool file held byte for byte", () => {
  it('is UPSTREAM_COPY_VARIANT (low, match exact) naming the distribution build', () => {
    expect(classifyUpstream('ltmain.sh', Buffer.from(text(DISTRO)), db)).toMatchObject({
      code: 'UPSTREAM_COPY_VARIANT',
      severity: 'low',
      evidence: { reason: 'distribution-patched', version: LABEL, match: 'exact' },
    });
  });

  // The regeneration's libtoolize (GNU's 2.4.7, the same VERSION) writes GNU's ltmain.sh; autoconf reproduces
  // configure with the shipped copy.
  const out = (path: string, step: RegeneratedOutput['step'], status: RegeneratedOutput['status'], inputs: RegeneratedOutput['inputs']): RegeneratedOutput => ({
    path,
    step,
    tool: step === 'libtoolize' ? 'libtool' : 'autoconf',
    version: step === 'libtoolize' ? '2.4.7' : '2.71',
    toolOrigin: 'cache',
    status,
    ...(status === 'differs' ? { regenerated: Buffer.from(text(GNU)) } : {}),
    inputs,
    procedureSteps: [],
    normalisationSteps: [],
  });
  const run = (shipped: string[]) => {
    const report: RegenerationReport = {
      status: 'done',
      tools: [],
      placeholders: 0,
      ms: 0,
      outputs: new Map([
        ['ltmain.sh', out('ltmain.sh', 'libtoolize', 'differs', [])],
        ['configure', out('configure', 'autoconf', 'reproduced', [{ path: 'configure.ac', origin: 'git' }, { path: 'ltmain.sh', origin: 'regenerated' }])],
      ]),
    };
    const content = Buffer.from(text(shipped));
    const ctx = { regeneration: report, revision: {}, content: { tarball: (p: string) => (p === 'ltmain.sh' ? content : undefined) } } as unknown as ClassifyContext;
    const first = classifyUpstream('ltmain.sh', content, db)!;
    return provenanceFindings([first, makeFinding('GENERATED_BY_AUTOTOOLS', 'configure', { tool: 'autoconf' })], ctx);
  };

  it("keeps its explanation over libtoolize's other bytes; configure is proved with it as an explained input", () => {
    const [lt, conf] = run(DISTRO);
    expect(lt).toMatchObject({ code: 'UPSTREAM_COPY_VARIANT', severity: 'low', evidence: { version: LABEL, match: 'exact' } });
    expect(conf).toMatchObject({ code: 'GENERATED_BY_AUTOTOOLS', severity: 'info', evidence: { proof: { proved: true, inputs: [{ path: 'configure.ac', explainedBy: 'git' }, { path: 'ltmain.sh', explainedBy: 'UPSTREAM_COPY_VARIANT' }] } } });
  });

  it('tampered twin: the distribution copy plus one line of its own is REGENERATION_MISMATCH, configure REPRODUCED_WITH_FLAGGED_INPUT, both high', () => {
    const tampered = [...DISTRO.slice(0, 20), '  LD_PRELOAD=/tmp/.x/liblzma.so', ...DISTRO.slice(20)];
    const [lt, conf] = run(tampered);
    expect(lt).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
    expect(conf).toMatchObject({ code: 'REPRODUCED_WITH_FLAGGED_INPUT', severity: 'high', evidence: { flagged: [{ path: 'ltmain.sh', code: 'REGENERATION_MISMATCH' }] } });
  });

  it('tampered twin: a line of the distribution build changed is no exact copy and stays high', () => {
    const changed = DISTRO.map((l, i) => (i === 30 ? '  lt_step_28=gnu_28 # case *cygwin* | *msys* | *mingw* ;; eval "$X"' : l));
    const [lt] = run(changed);
    expect(lt).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
  });
});

// Gentoo's libtool 2.4.7-r1 in acl 2.3.2: VERSION is GNU's "2.4.7" and every novel line is one a hunk of the ebuild's
// published patch series adds (libtool-2.4.6-pthread_bootstrapped.patch): libtoolize of GNU libtool writes other bytes.
describe("a GNU release's libtool file plus a distribution's published patch lines", () => {
  const gnuDb = new UpstreamDb(rawDbFromContents([{ name: 'ltmain.sh', project: 'libtool', content: text(GNU), commit: '', date: '2022-03-17', source: { label: 'libtool 2.4.7 release tarball', kind: 'release' } }]));
  const ADDED = ['  # As we are forced to pass -nostdlib to g++ (synthetic)', '  test "$tagname" = CXX && lt_deplibs="$lt_deplibs -lpthread"'];
  const PATCHED = [...GNU.slice(0, 20), ...ADDED, ...GNU.slice(20)];
  const hunk = [...GNU.slice(17, 20).map((l) => [' ', l]), ...ADDED.map((l) => ['+', l]), ...GNU.slice(20, 23).map((l) => [' ', l])];
  const patches = new PatchCorpus({
    schemaVersion: 1,
    generated: '2026-12-03',
    sources: ['Demo Gentoo libtool 2.4.7-r1 files/libtool-pthread.patch'],
    hunks: [{ name: 'ltmain.sh', source: 0, ops: hunk.map(([o]) => o).join(''), hashes: hunk.map(([, l]) => lineHash32(l!)) }],
  });
  const run = (shipped: string[]) => {
    const gnuOut: RegeneratedOutput = { path: 'ltmain.sh', step: 'libtoolize', tool: 'libtool', version: '2.4.7', toolOrigin: 'cache', status: 'differs', regenerated: Buffer.from(text(GNU)), inputs: [], procedureSteps: [], normalisationSteps: [] };
    const confOut: RegeneratedOutput = { path: 'configure', step: 'autoconf', tool: 'autoconf', version: '2.71', toolOrigin: 'cache', status: 'reproduced', inputs: [{ path: 'configure.ac', origin: 'git' }, { path: 'ltmain.sh', origin: 'regenerated' }], procedureSteps: [], normalisationSteps: [] };
    const report: RegenerationReport = { status: 'done', tools: [], placeholders: 0, ms: 0, outputs: new Map([['ltmain.sh', gnuOut], ['configure', confOut]]) };
    const content = Buffer.from(text(shipped));
    const ctx = { regeneration: report, revision: {}, content: { tarball: (p: string) => (p === 'ltmain.sh' ? content : undefined) } } as unknown as ClassifyContext;
    const first = classifyUpstream('ltmain.sh', content, gnuDb, { patches, hunks: null })!;
    return provenanceFindings([first, makeFinding('GENERATED_BY_AUTOTOOLS', 'configure', { tool: 'autoconf' })], ctx);
  };

  it("keeps UPSTREAM_COPY_PATCHED, the patch file named, over libtoolize's GNU bytes; configure is proved with it", () => {
    const [lt, conf] = run(PATCHED);
    expect(lt).toMatchObject({ code: 'UPSTREAM_COPY_PATCHED', severity: 'low', evidence: { patches: [{ source: 'Demo Gentoo libtool 2.4.7-r1 files/libtool-pthread.patch', lines: [21, 22] }] } });
    expect(conf).toMatchObject({ code: 'GENERATED_BY_AUTOTOOLS', severity: 'info', evidence: { proof: { proved: true, inputs: [{ path: 'configure.ac', explainedBy: 'git' }, { path: 'ltmain.sh', explainedBy: 'UPSTREAM_COPY_PATCHED' }] } } });
  });

  it('tampered twin: one more comment line of its own (still a few accounted lines) is REGENERATION_MISMATCH, configure flagged', () => {
    const [lt, conf] = run([...PATCHED.slice(0, 30), '  # tuned for this machine', ...PATCHED.slice(30)]);
    expect(lt).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
    expect(conf).toMatchObject({ code: 'REPRODUCED_WITH_FLAGGED_INPUT', severity: 'high', evidence: { flagged: [{ path: 'ltmain.sh', code: 'REGENERATION_MISMATCH' }] } });
  });
});

// ---- scripts/derive-distro-libtool.mjs → scripts/derive-xorg-macros.mjs --contents → the merged database ----
const root = resolve(__dirname, '../..');
const LTMAIN_IN = ['#! /bin/sh', 'VERSION=@VERSION@', ...Array.from({ length: 12 }, (_, i) => `  case $host in *cygwin* | *mingw*) lt_step_${i}=dll ;; esac`)];
const LIBTOOL_M4 = ['# libtool.m4 (synthetic)', '# serial 58', ...Array.from({ length: 12 }, (_, i) => `  cygwin* | mingw*) lt_m4_${i}=pe ;;`)];
let derived: { files: { name: string; label: string; date: string; content: string }[] };
let mergedDb: UpstreamDb;
let patchCommit: string;
const patchedLtmain = () => text(LTMAIN_IN.map((l, i) => (i === 5 ? l.replace('*cygwin* |', '*cygwin* | *msys* |') : l)).map((l) => l.replace('@VERSION@', '9.9')));

beforeAll(() => {
  const dir = tempDir('distdiff-distro-libtool-');
  // The GNU release: ltmain.sh as released (made from ltmain.in), and a configure whose Makefile remakes it.
  const rel = join(dir, 'rel/libtool-9.9');
  mkdirSync(join(rel, 'build-aux'), { recursive: true });
  mkdirSync(join(rel, 'm4'), { recursive: true });
  writeFileSync(join(rel, 'build-aux/ltmain.in'), text(LTMAIN_IN));
  writeFileSync(join(rel, 'build-aux/ltmain.sh'), text(LTMAIN_IN.map((l) => l.replace('@VERSION@', '9.9'))));
  writeFileSync(join(rel, 'm4/libtool.m4'), text(LIBTOOL_M4));
  writeFileSync(join(rel, 'm4/ltsugar.m4'), '# ltsugar.m4 (synthetic)\n');
  writeFileSync(join(rel, 'configure'), '#! /bin/sh\ncp Makefile.in Makefile\n', { mode: 0o755 });
  writeFileSync(join(rel, 'Makefile.in'), 'build-aux/ltmain.sh: build-aux/ltmain.in\n\tsed -e s/@VERSION@/9.9/ build-aux/ltmain.in > $@\n');
  const release = join(dir, 'release');
  mkdirSync(release);
  // ltmain.sh older than ltmain.in, as make left it in the release
  execFileSync('touch', ['-d', '2022-03-17 10:00', join(rel, 'build-aux/ltmain.in')]);
  execFileSync('touch', ['-d', '2022-03-17 10:01', join(rel, 'build-aux/ltmain.sh')]);
  execFileSync('tar', ['-cJf', join(release, 'libtool_9.9.orig.tar.xz'), '-C', join(dir, 'rel'), 'libtool-9.9']);

  // The packaging repository: a PKGBUILD whose prepare() applies one patch to ltmain.in and libtool.m4.
  const work = join(dir, 'work');
  execFileSync('cp', ['-r', rel, work]);
  writeFileSync(join(work, 'build-aux/ltmain.in'), text(LTMAIN_IN.map((l, i) => (i === 5 ? l.replace('*cygwin* |', '*cygwin* | *msys* |') : l))));
  writeFileSync(join(work, 'm4/libtool.m4'), text(LIBTOOL_M4.map((l, i) => (i === 7 ? l.replace('cygwin* |', 'cygwin* | msys* |') : l))));
  let diff = '';
  for (const f of ['build-aux/ltmain.in', 'm4/libtool.m4']) {
    try {
      execFileSync('diff', ['-u', '--label', `a/${f}`, '--label', `b/${f}`, join(rel, f), join(work, f)]);
    } catch (e) {
      diff += (e as { stdout: Buffer }).stdout.toString();
    }
  }
  const pkg = makeRepo(join(dir, 'packages'));
  pkg.commit({ 'libtool/PKGBUILD': 'pkgver=9.8\npkgrel=1\nprepare() {\n  cd "${srcdir}/${pkgbase}-${pkgver}"\n}\n' }, 'libtool: 9.8', '2021-01-01T10:00:00Z');
  patchCommit = pkg.commit(
    { 'libtool/PKGBUILD': 'pkgver=9.9\npkgrel=2\nprepare() {\n  cd "${srcdir}/${pkgbase}-${pkgver}"\n  apply_patch_with_msg \\\n    0009-msysize.patch\n  # patch -p1 -i ${srcdir}/0010-unused.patch\n}\n', 'libtool/0009-msysize.patch': diff },
    'libtool: update to 9.9',
    '2022-12-03T10:00:00Z',
  );
  const json = join(dir, 'distro-libtool.json');
  execFileSync(process.execPath, [join(root, 'scripts/derive-distro-libtool.mjs'), join(pkg.dir, '.git'), '--release', release, '--out', json], { stdio: ['ignore', 'pipe', 'pipe'] });
  derived = JSON.parse(readFileSync(json, 'utf8'));

  // Recorded by derive-xorg-macros.mjs --contents in the supplementary database (a one-commit util-macros history).
  const um = makeRepo(join(dir, 'util-macros'));
  um.commit({ 'xorg-macros.m4': 'dnl synthetic\n' }, 'first', '2005-08-15T10:00:00Z');
  const out = join(dir, 'extra.json.gz');
  execFileSync(process.execPath, [join(root, 'scripts/derive-xorg-macros.mjs'), join(um.dir, '.git'), '--contents', json, '--out', out, '--date', '2026-11-30'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const base = rawDbFromContents([{ name: 'ltmain.sh', project: 'libtool', content: readFileSync(join(rel, 'build-aux/ltmain.sh')), commit: '', date: '2022-03-17', source: { label: 'libtool 9.9 release tarball', kind: 'release' } }]);
  const { lines: baseLines, ...baseRaw } = base;
  const { raw, lines } = mergeRawDbs(baseRaw, readUpstreamDb(out));
  mergedDb = new UpstreamDb(raw, [], () => new LinesDb(baseLines!).withFiles(lines!));
}, 120_000);

describe('scripts/derive-distro-libtool.mjs', () => {
  it("rebuilds the PKGBUILD's state (patches applied, ltmain.sh made from the patched ltmain.in in the sandbox): only the files that differ from the release's", () => {
    const label = `MSYS2 libtool 9.9-2 (msys2/MSYS2-packages ${patchCommit.slice(0, 9)}: GNU libtool 9.9 + 1 patches, rebuilt as its PKGBUILD does)`;
    expect(derived.files.map((f) => [f.name, f.label, f.date])).toEqual([
      ['ltmain.sh', label, '2022-12-03'],
      ['libtool.m4', label, '2022-12-03'],
    ]);
    expect(Buffer.from(derived.files[0]!.content, 'base64').toString()).toBe(patchedLtmain());
  });

  it('the merged database knows the rebuilt ltmain.sh as a distribution copy; the same file with a line of its own is no copy of it', () => {
    expect(classifyUpstream('build-aux/ltmain.sh', Buffer.from(patchedLtmain()), mergedDb)).toMatchObject({ code: 'UPSTREAM_COPY_VARIANT', severity: 'low', evidence: { match: 'exact', version: expect.stringContaining('MSYS2 libtool 9.9-2') } });
    const tampered = patchedLtmain().replace('lt_step_5=dll', 'lt_step_5=dll; eval "$(cat /tmp/.x)"');
    expect(classifyUpstream('build-aux/ltmain.sh', Buffer.from(tampered), mergedDb)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
  });
});

// The shipped supplementary database (data/upstream-extra.json.gz, merged by upstreamDb()): MSYS2's libtool 2.4.6
// builds, derived from the GNU 2.4.6 release tree (see README "Release-only and distribution versions"), are there
// as distribution versions beside 2.4.7's. Their one-line twins are the mechanism tests above (a distribution copy
// with a line of its own or a line changed stays high).
describe('the shipped database: MSYS2 libtool 2.4.6 builds', () => {
  const shipped = upstreamDb();
  const labels = (name: string) => shipped.byName(name).filter((v) => v.source?.kind === 'distribution').map((v) => v.source!.label);

  it('holds ltmain.sh, libtool.m4 and ltoptions.m4 of the 2.4.6 states, each a distribution version distinct from GNU 2.4.6', () => {
    expect(labels('ltmain.sh')).toEqual(expect.arrayContaining([expect.stringMatching(/^MSYS2 libtool 2\.4\.6-11 \(msys2\/MSYS2-packages 285308936: GNU libtool 2\.4\.6 \+ \d+ patches/)]));
    expect(labels('libtool.m4')).toEqual(expect.arrayContaining([expect.stringMatching(/^MSYS2 libtool 2\.4\.6-13 \(msys2\/MSYS2-packages c54b9e9fc:/)]));
    expect(labels('ltoptions.m4')).toEqual(expect.arrayContaining([expect.stringMatching(/^MSYS2 libtool 2\.4\.6-1 \(msys2\/MSYS2-packages 5f1dda6cf:/)]));
    const gnu = shipped.byName('ltmain.sh').find((v) => v.blob === '0f0a2da3f9dd10627626bf9725b332d95f314393');
    expect(gnu).toBeDefined();
    for (const v of shipped.byName('ltmain.sh').filter((x) => x.source?.label.startsWith('MSYS2 libtool 2.4.6'))) expect(v.blob).not.toBe(gnu!.blob);
  });
});
