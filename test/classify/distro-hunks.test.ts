/**
 * Distribution patch hunks (src/classify/distro-hunks.ts): the corpus derived from several projects' toolchain
 * copies, a copy that is a known version plus corpus hunks only (UPSTREAM_COPY_VARIANT, low, hunks shown), and the
 * tampered twins a tamperer would try — one more line in a known hunk, a known hunk at another place or on another
 * version, a known hunk plus a change of its own — each staying high. Synthetic files, not copies of real ones.
 */
import { describe, expect, it } from 'vitest';
import { changeBlocks, deriveHunkCorpus, HunkCorpus, matchDistroHunks, projectKey, releaseProjectNames, type ReleaseCopy } from '../../src/classify/distro-hunks.js';
import { classifyUpstream } from '../../src/classify/upstream.js';
import { rawDbFromContents, UpstreamDb } from '../../src/classify/upstream-db.js';
import { provenanceFindings } from '../../src/regenerate/provenance.js';
import type { ClassifyContext } from '../../src/classify/types.js';
import { makeFinding } from '../../src/core/severity.js';
import type { RegeneratedOutput, RegenerationReport } from '../../src/regenerate/types.js';

// A made-up libtool.m4 of 40 distinct lines, in two versions.
const base = (tag: string) => ['# libtool.m4 - synthetic', `# serial 58 ${tag}`, ...Array.from({ length: 38 }, (_, i) => `  lt_demo_${i}=${tag}_${i}`)];
const V1 = base('a');
const V2 = base('b');
const text = (lines: string[]) => `${lines.join('\n')}\n`;
/** The distribution's hunk: two lines added before line 21 of V1 and line 21 replaced. */
const HUNK = ['  # Add ABI-specific directories (synthetic)', '  lt_demo_path="/lib64 /usr/lib64"'];
const patch = (lines: string[], at: number, add: string[] = HUNK, replace = 1, by = ['  lt_demo_19="$lt_demo_path"']) => [...lines.slice(0, at), ...add, ...by, ...lines.slice(at + replace)];
const PATCHED = patch(V1, 20);

const db = new UpstreamDb(
  rawDbFromContents([
    { name: 'libtool.m4', project: 'libtool', content: text(V1), commit: '1'.repeat(40), date: '2015-02-15', tag: 'v2.4.6' },
    { name: 'libtool.m4', project: 'libtool', content: text(V2), commit: '2'.repeat(40), date: '2022-03-17', tag: 'v2.4.7' },
  ]),
);
const copy = (project: string, owner: string, lines: string[], date = '2022-05-01'): ReleaseCopy => ({ project, release: `${project} 1.0`, owner, date, name: 'libtool.m4', content: Buffer.from(text(lines)) });
const corpus = new HunkCorpus(
  deriveHunkCorpus(db, [copy('alpha', '1000/1000', PATCHED, '2021-01-02'), copy('beta', 'jdoe/jdoe', PATCHED), copy('gamma', '0/0', PATCHED, '2022-09-30')], { generated: '2026-11-29' }),
);

describe('deriving the corpus', () => {
  it('keeps a block seen identically in 3 projects by 3 people: only keys, counts and labels', () => {
    expect(corpus.raw.derivedFrom).toEqual({ releases: 3, projects: 3, copies: 3 });
    expect(corpus.raw.hunks).toEqual([
      {
        key: expect.stringMatching(/^[0-9a-f]{64}$/),
        name: 'libtool.m4',
        blob: db.byName('libtool.m4')[0]!.blob,
        version: 'libtool v2.4.6',
        at: 21,
        removed: 1,
        added: 3,
        projects: 3,
        people: 3,
        first: '2021-01-02',
        last: '2022-09-30',
        examples: ['alpha 1.0', 'beta 1.0', 'gamma 1.0'],
        // one supporter per project, people as indices (never the owners' names)
        supporters: [
          { names: ['alpha'], people: [0], releases: ['alpha 1.0'], first: '2021-01-02', last: '2021-01-02' },
          { names: ['beta'], people: [1], releases: ['beta 1.0'], first: '2022-05-01', last: '2022-05-01' },
          { names: ['gamma'], people: [2], releases: ['gamma 1.0'], first: '2022-09-30', last: '2022-09-30' },
        ],
      },
    ]);
    expect(JSON.stringify(corpus.raw)).not.toContain('jdoe');
    // no line of the copies is stored
    expect(JSON.stringify(corpus.raw)).not.toContain('lt_demo');
  });

  it('drops a block below the threshold: two projects, or three releases by one named person', () => {
    expect(deriveHunkCorpus(db, [copy('alpha', '1000/1000', PATCHED), copy('beta', 'jdoe/jdoe', PATCHED)], { generated: 'x' }).hunks).toEqual([]);
    const onePerson = [copy('alpha', 'jdoe/staff', PATCHED), copy('beta', 'jdoe/staff', PATCHED), copy('gamma', 'jdoe/staff', PATCHED)];
    expect(deriveHunkCorpus(db, onePerson, { generated: 'x' }).hunks).toEqual([]);
    // the same project's releases are one project
    const oneProject = [copy('alpha', '1000/1000', PATCHED), { ...copy('alpha', '1001/1001', PATCHED), release: 'alpha 2.0' }, copy('beta', '0/0', PATCHED)];
    expect(deriveHunkCorpus(db, oneProject, { generated: 'x' }).hunks).toEqual([]);
  });

  it('places an insertion next to equal lines at its first possible line, whatever the diff chose', () => {
    expect(changeBlocks([1, 2, 2, 3], [1, 2, 2, 2, 3])).toEqual([{ at: 1, removed: 0, from: 1, added: 1 }]);
    expect(changeBlocks([1, 2, 2, 3], [1, 2, 3])).toEqual([{ at: 1, removed: 1, from: 1, added: 0 }]);
  });
});

describe('a copy that is a known version plus known distribution hunks', () => {
  it('is UPSTREAM_COPY_VARIANT (low) naming the version and the hunk, its added lines shown', () => {
    const f = classifyUpstream('m4/libtool.m4', Buffer.from(text(PATCHED)), db, { hunks: corpus });
    expect(f).toMatchObject({
      code: 'UPSTREAM_COPY_VARIANT',
      severity: 'low',
      evidence: {
        reason: 'distribution-patched',
        version: 'libtool v2.4.6',
        nearest: { project: 'libtool', version: 'v2.4.6' },
        hunks: [{ key: corpus.raw.hunks[0]!.key.slice(0, 12), at: 21, removed: 1, line: 21, added: [...HUNK, '  lt_demo_19="$lt_demo_path"'], projects: 3, people: 3, examples: ['alpha 1.0', 'beta 1.0', 'gamma 1.0'] }],
        novelLines: 3,
        removedLines: 1,
        novel: [
          { line: 21, text: HUNK[0] },
          { line: 22, text: HUNK[1] },
          { line: 23, text: '  lt_demo_19="$lt_demo_path"' },
        ],
      },
    });
    // without the corpus the same copy is an unknown version (the corpus is what explains it)
    expect(classifyUpstream('m4/libtool.m4', Buffer.from(text(PATCHED)), db, { hunks: null })).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
  });

  // What a tamperer would change, and that each twin stays at high.
  it('tampered twins stay high: one more line in the hunk, a change of its own, another place, another version', () => {
    const judge = (lines: string[]) => classifyUpstream('m4/libtool.m4', Buffer.from(text(lines)), db, { hunks: corpus });
    // the known hunk plus one extra line
    expect(judge(patch(V1, 20, [...HUNK, '  lt_demo_path="$lt_demo_path /tmp/x"']))).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
    // the known hunk, and elsewhere a line of the tamperer's
    const extra = [...PATCHED.slice(0, 35), '  lt_demo_x=1', ...PATCHED.slice(35)];
    expect(judge(extra)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
    // the known hunk at another position of the same version
    expect(judge(patch(V1, 10, HUNK, 1, ['  lt_demo_19="$lt_demo_path"']))).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
    // the known hunk applied to another version
    expect(judge(patch(V2, 20))).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
    expect(matchDistroHunks(db, corpus, 'libtool.m4', Buffer.from(text(patch(V2, 20))))).toBeUndefined();
  });
});

describe('leave-one-out: a release is never evidence for itself', () => {
  // Four projects carry the hunk; "alpha" also ships it under its upstream's name (its tarball's top directory).
  const four = new HunkCorpus(
    deriveHunkCorpus(
      db,
      [
        { ...copy('alpha', '1000/1000', PATCHED, '2021-01-02'), aka: ['Alpha-Lib-1.0'] },
        copy('beta', 'jdoe/jdoe', PATCHED),
        copy('gamma', '0/0', PATCHED, '2022-09-30'),
        copy('delta', 'asmith/asmith', PATCHED, '2023-03-03'),
      ],
      { generated: '2026-11-30' },
    ),
  );
  const judge = (c: HunkCorpus, project: string[]) => classifyUpstream('m4/libtool.m4', Buffer.from(text(PATCHED)), db, { hunks: c, project });

  it('counts only the other projects: supported by three others it is evidence, with their counts and examples', () => {
    expect(four.raw.hunks[0]!.supporters.map((s) => s.names)).toEqual([['alpha', 'alpha-lib'], ['beta'], ['delta'], ['gamma']]);
    const f = judge(four, releaseProjectNames('alpha-lib-1.0.tar.xz', 'Alpha-Lib-1.0'));
    expect(f).toMatchObject({ code: 'UPSTREAM_COPY_VARIANT', severity: 'low', evidence: { hunks: [{ projects: 3, people: 3, first: '2022-05-01', last: '2023-03-03', examples: ['beta 1.0', 'delta 1.0', 'gamma 1.0'] }] } });
    // an unrelated release sees all four
    expect(judge(four, ['omega'])).toMatchObject({ evidence: { hunks: [{ projects: 4, people: 4, examples: ['alpha 1.0', 'beta 1.0', 'delta 1.0'] }] } });
  });

  it('a hunk supported by the judged project and two others is no evidence for it (UPSTREAM_COPY_UNKNOWN_VERSION, high)', () => {
    // by its Debian name, by its upstream's name (the archive's file name or top directory): the same project
    expect(judge(corpus, releaseProjectNames('gamma_1.0.orig.tar.gz'))).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
    expect(judge(corpus, releaseProjectNames('https://example.org/dl/Gamma-1.0.tar.gz'))).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
    expect(matchDistroHunks(db, corpus, 'libtool.m4', Buffer.from(text(PATCHED)), undefined, undefined, ['gamma'])).toBeUndefined();
    // the corpus's other projects still see it
    expect(judge(corpus, ['omega'])).toMatchObject({ code: 'UPSTREAM_COPY_VARIANT', severity: 'low' });
  });

  it('a hunk only the judged project carried is no hunk; its tampered twin stays high though three others carry the hunk', () => {
    // alpha's releases, made by three people: one project
    const own = deriveHunkCorpus(db, [copy('alpha', '1000/1000', PATCHED), { ...copy('alpha', 'jdoe/jdoe', PATCHED), release: 'alpha 2.0' }, { ...copy('alpha', '0/0', PATCHED), release: 'alpha 3.0' }], { generated: 'x' });
    expect(own.hunks).toEqual([]);
    // its tampered twin: the judged project's own hunk with a line more stays high though three others carry the hunk
    const more = patch(V1, 20, [...HUNK, '  lt_demo_path="$lt_demo_path /tmp/x"']);
    expect(classifyUpstream('m4/libtool.m4', Buffer.from(text(more)), db, { hunks: four, project: ['alpha'] })).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
  });

  it('projectKey and releaseProjectNames: lower case, version and archive suffixes dropped', () => {
    expect(projectKey('libusb-1.0')).toBe('libusb');
    expect(projectKey('libXt-1.2.1')).toBe('libxt');
    expect(projectKey('opus-tools_0.2')).toBe('opus-tools');
    expect(releaseProjectNames('/x/dl/libusb-1.0_1.0.26.orig.tar.bz2', 'libusb-1.0.26', undefined, '')).toEqual(['libusb']);
    expect(releaseProjectNames('https://h/libXt-1.2.1.tar.xz?raw=1')).toEqual(['libxt']);
  });
});

describe('a corpus hunk on another version, matched by its context (portedHunk)', () => {
  // A later release (V3): V1 with lines far from the hunk changed. The distribution applies the same patch to it.
  const V3 = V1.map((l, i) => (i === 5 || i === 35 ? `${l} # v3` : l));
  const db3 = new UpstreamDb(
    rawDbFromContents([
      { name: 'libtool.m4', project: 'libtool', content: text(V1), commit: '1'.repeat(40), date: '2015-02-15', tag: 'v2.4.6' },
      { name: 'libtool.m4', project: 'libtool', content: text(V3), commit: '3'.repeat(40), date: '2016-01-01', tag: 'v2.4.6.3' },
    ]),
  );
  const judge = (lines: string[]) => classifyUpstream('m4/libtool.m4', Buffer.from(text(lines)), db3, { hunks: corpus });

  it('the same lines removed and added, with 3 equal lines of context on either side: UPSTREAM_COPY_VARIANT naming the version the corpus saw it on', () => {
    const f = judge(patch(V3, 20));
    expect(f).toMatchObject({
      code: 'UPSTREAM_COPY_VARIANT',
      severity: 'low',
      evidence: { version: 'libtool v2.4.6.3', hunks: [{ key: corpus.raw.hunks[0]!.key.slice(0, 12), at: 21, removed: 1, added: [...HUNK, '  lt_demo_19="$lt_demo_path"'], projects: 3, on: 'libtool v2.4.6' }] },
    });
  });

  it('tampered twins stay high: one more line, another place, other surroundings', () => {
    expect(judge(patch(V3, 20, [...HUNK, '  lt_demo_path="$lt_demo_path /tmp/x"']))).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
    expect(judge(patch(V3, 10))).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
    // a version whose line two above the hunk differs: the hunk's context is not there
    const V4 = V1.map((l, i) => (i === 18 ? `${l} # v4` : l));
    const db4 = new UpstreamDb(
      rawDbFromContents([
        { name: 'libtool.m4', project: 'libtool', content: text(V1), commit: '1'.repeat(40), date: '2015-02-15', tag: 'v2.4.6' },
        { name: 'libtool.m4', project: 'libtool', content: text(V4), commit: '4'.repeat(40), date: '2016-01-01', tag: 'v2.4.6.4' },
      ]),
    );
    expect(classifyUpstream('m4/libtool.m4', Buffer.from(text(patch(V4, 20))), db4, { hunks: corpus })).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
  });
});

describe('libtoolize outputs and the outputs regenerated from them', () => {
  // libtoolize (the sandbox's libtool) writes V1; the tarball ships V1 + the distribution's hunk; autoconf
  // reproduces configure from it. The copy's explanation stands and configure follows it.
  const out = (path: string, step: RegeneratedOutput['step'], status: RegeneratedOutput['status'], inputs: RegeneratedOutput['inputs']): RegeneratedOutput => ({
    path,
    step,
    tool: step === 'libtoolize' ? 'libtool' : 'autoconf',
    version: step === 'libtoolize' ? '2.4.6' : '2.71',
    toolOrigin: 'cache',
    status,
    ...(status === 'differs' ? { regenerated: Buffer.from(text(V1)) } : {}),
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
        ['m4/libtool.m4', out('m4/libtool.m4', 'libtoolize', 'differs', [])],
        ['configure', out('configure', 'autoconf', 'reproduced', [{ path: 'configure.ac', origin: 'git' }, { path: 'm4/libtool.m4', origin: 'regenerated' }])],
      ]),
    };
    const content = Buffer.from(text(shipped));
    const ctx = { regeneration: report, revision: {}, content: { tarball: (p: string) => (p === 'm4/libtool.m4' ? content : undefined) } } as unknown as ClassifyContext;
    const first = classifyUpstream('m4/libtool.m4', content, db, { hunks: corpus })!;
    return provenanceFindings([first, makeFinding('GENERATED_BY_AUTOTOOLS', 'configure', { tool: 'autoconf' })], ctx);
  };

  it('the copy keeps UPSTREAM_COPY_VARIANT; configure is proved with it as an explained input', () => {
    const [lt, conf] = run(PATCHED);
    expect(lt).toMatchObject({ code: 'UPSTREAM_COPY_VARIANT', severity: 'low' });
    expect(conf).toMatchObject({ code: 'GENERATED_BY_AUTOTOOLS', severity: 'info', evidence: { proof: { proved: true, inputs: [{ path: 'configure.ac', explainedBy: 'git' }, { path: 'm4/libtool.m4', explainedBy: 'UPSTREAM_COPY_VARIANT' }] } } });
  });

  it('a tampered copy is REGENERATION_MISMATCH and configure REPRODUCED_WITH_FLAGGED_INPUT, both high', () => {
    const [lt, conf] = run(patch(V1, 20, [...HUNK, '  lt_demo_path="$lt_demo_path /tmp/x"']));
    expect(lt).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
    expect(conf).toMatchObject({ code: 'REPRODUCED_WITH_FLAGGED_INPUT', severity: 'high', evidence: { flagged: [{ path: 'm4/libtool.m4', code: 'REGENERATION_MISMATCH' }] } });
  });
});

describe("automake's aux scripts (install-sh, mdate-sh …) are toolchain copies too", () => {
  // A made-up install-sh of 30 lines; the distribution's automake changes its scriptversion line and replaces the
  // mkdir -p test's temporary directory (two hunks, as Debian's automake 1.15 did with the /tmp race fix).
  const IV = ['#!/bin/sh', '# install - install a program, script, or datafile (synthetic)', '', 'scriptversion=2013-12-25.23; # UTC', ...Array.from({ length: 26 }, (_, i) => `  demo_step_${i}=$${i}`)];
  const idb = new UpstreamDb(rawDbFromContents([{ name: 'install-sh', project: 'automake', content: text(IV), commit: '5'.repeat(40), date: '2013-12-26', tag: 'v1.15' }]));
  const RACE = ['  $mkdirprog $mkdir_mode "$tmpdir" &&', '  exec $mkdirprog $mkdir_mode -p -- "$tmpdir/a/b"'];
  const FIXED = [...IV.slice(0, 3), 'scriptversion=2014-09-12.12; # UTC', ...IV.slice(4, 15), ...RACE, ...IV.slice(16)];
  const icopy = (project: string, owner: string, lines: string[]): ReleaseCopy => ({ project, release: `${project} 1.0`, owner, date: '2019-01-01', name: 'install-sh', content: Buffer.from(text(lines)) });
  const derived = deriveHunkCorpus(idb, [icopy('alpha', 'jdoe/jdoe', FIXED), icopy('beta', '0/0', FIXED), icopy('gamma', 'root/root', FIXED)], { generated: 'x' });
  const icorpus = new HunkCorpus(derived);
  const judge = (lines: string[]) => classifyUpstream('build-aux/install-sh', Buffer.from(text(lines)), idb, { hunks: icorpus });

  it('the deriver keys their change blocks; a copy that is the version plus those hunks is UPSTREAM_COPY_VARIANT with the hunks', () => {
    expect(derived.hunks.map((h) => [h.name, h.version, h.at, h.removed, h.added, h.projects, h.people])).toEqual([
      ['install-sh', 'automake v1.15', 4, 1, 1, 3, 3],
      ['install-sh', 'automake v1.15', 16, 1, 2, 3, 3],
    ]);
    expect(judge(FIXED)).toMatchObject({
      code: 'UPSTREAM_COPY_VARIANT',
      severity: 'low',
      evidence: {
        reason: 'distribution-patched',
        version: 'automake v1.15',
        hunks: [
          { at: 4, line: 4, added: ['scriptversion=2014-09-12.12; # UTC'] },
          { at: 16, line: 16, added: RACE },
        ],
      },
    });
    // without the corpus: high (the corpus is what explains it)
    expect(classifyUpstream('build-aux/install-sh', Buffer.from(text(FIXED)), idb, { hunks: null })).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
  });

  it('tampered twins stay high: the hunks plus an LD_PRELOAD line, one more line in a hunk, a hunk alone at another place', () => {
    const preload = [...FIXED.slice(0, 25), '  doit="env LD_PRELOAD=/tmp/x.so $doit"', ...FIXED.slice(25)];
    expect(judge(preload)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
    const longer = [...FIXED.slice(0, 17), '  rm -rf "$HOME"', ...FIXED.slice(17)];
    expect(judge(longer)).toMatchObject({ severity: 'high' });
    const moved = [...IV.slice(0, 3), 'scriptversion=2014-09-12.12; # UTC', ...IV.slice(4, 22), ...RACE, ...IV.slice(23)];
    expect(judge(moved)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
  });
});
