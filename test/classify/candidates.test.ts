/**
 * The classifiers' pre-checks (Classifier.candidate): the registry skips classify() where the check says no, so a
 * check must never say no where classify() would decide. Every registered classifier with a check runs here on
 * differences of every status, entry type and change kind, over names each check looks at; the findings must be
 * exactly those of the registry without the checks. The audit mode (classifyEach's `audit`, DISTDIFF_AUDIT_PRECHECKS)
 * calls classify() where a check says no and records what decides: it must catch a wrong check, leave the findings
 * alone, and find nothing on the samples' real verify() runs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLASSIFIERS, classifyEach, newPrecheckAudit } from '../../src/classify/index.js';
import { makeFinding } from '../../src/core/severity.js';
import { admits, ungated } from '../../src/classify/precheck.js';
import { verify } from '../../src/verify.js';
import { tempDir } from '../helpers/tmp.js';
import type { Classifier, ClassifyContext } from '../../src/classify/types.js';
import type { ChangeAspect, EntryType, PathDiff, TreeEntry } from '../../src/core/types.js';
import { blobId, REV } from './ctx-helper.js';

const PATHS = [
  'configure', 'configure.ac', 'sub/configure', 'Makefile', 'doc/Makefile', 'Makefile.in', 'po/de.po', 'po/x.pot', 'po/de.gmo',
  'po/LINGUAS', 'po/Makevars', 'po/ChangeLog', 'ChangeLog', 'NEWS', 'AUTHORS', 'THANKS.md', 'doc/x.texi', 'doc/version.texi',
  'doc/stamp-vti', 'src/a.c', 'src/a.h', 'lib/x.inc', 'tests/list.def', 'tests/x.gen.test', 'doc/x.html', 'doc/x.htm.in', 'doc/ls.txt', 'doc/ls.1.man',
  'RELEASE.md', 'doc/html/mod.devhelp2', 'doc/mod-sections.txt', '.version', '.tarball-version', 'm4/libtool.m4', 'build-aux/config.guess', 'build-aux/install-sh',
  'README', 'INSTALL', 'docs/site/sitemap.xml', 'd0001/f0000001', '.github/workflows/ci.yml', '.gitignore',
];
const TEXT = ['', '5.6.1\n'];

function entry(path: string, type: EntryType, text: string, executable = false): TreeEntry {
  const b = Buffer.from(text);
  if (type === 'symlink') return { path, type, executable: false, size: 0, oid: blobId('target'), linkTarget: 'target' };
  if (type === 'directory') return { path, type, executable: false, size: 0 };
  return { path, type, executable, size: b.length, oid: blobId(b) };
}

/** Every status × side type × change kind × content over PATHS. */
function allDiffs(): PathDiff[] {
  const out: PathDiff[] = [];
  const types: EntryType[] = ['file', 'symlink', 'directory'];
  const changes: ChangeAspect[][] = [['content'], ['type'], ['content', 'mode']];
  for (const path of PATHS) {
    for (const text of TEXT) {
      for (const t of types) {
        out.push({ path, status: 'tarball-only', tarball: entry(path, t, text) });
        out.push({ path, status: 'git-only', git: entry(path, t, text) });
        for (const g of t === 'file' ? types : ['file' as EntryType]) for (const ch of changes) out.push({ path, status: 'changed', changes: ch, git: entry(path, g, `${text}old\n`), tarball: entry(path, t, text, ch.includes('mode')) });
      }
    }
    out.push({ path, status: 'tarball-only', tarball: entry(path, 'file', '1.0\n'), copyOf: 'README' });
  }
  return out;
}

function ctxOf(diffs: PathDiff[]): ClassifyContext {
  const text = (p: string) => Buffer.from(`${p} 5.6.1\n`);
  return {
    diffs,
    anomalies: [],
    revision: { commit: REV, tag: 'v5.6.1', version: '5.6.1', date: '2024-03-09T00:00:00Z' },
    gitPaths: new Set(PATHS),
    tarballPaths: new Set(PATHS),
    content: { tarball: text, git: async (p) => text(p) },
  };
}

const withCheck = CLASSIFIERS.filter((c): c is Classifier & { candidate: NonNullable<Classifier['candidate']> } => c.candidate !== undefined);

describe('classifier pre-checks', () => {
  const diffs = allDiffs();

  it('most classifiers have one, and each says yes and no somewhere in the set', () => {
    expect(withCheck.length).toBeGreaterThanOrEqual(30);
    for (const c of withCheck) {
      const yes = diffs.filter((d) => c.candidate(d)).length;
      expect([c.id, yes > 0, yes < diffs.length]).toEqual([c.id, true, true]);
    }
  });

  it('classify() without its pre-check decides nothing (and throws nothing) where the check says no', async () => {
    const ctx = ctxOf(diffs);
    const decided: string[] = [];
    for (const c of withCheck) {
      for (const d of diffs) {
        if (c.candidate(d)) continue;
        const r = await ungated(() => c.classify(d, ctx));
        if (r !== undefined) decided.push(`${c.id}: ${d.status} ${d.path}`);
      }
    }
    expect(decided).toEqual([]);
  });

  it('the registry finds exactly what it finds without the checks', async () => {
    const ctx = ctxOf(diffs);
    const without = CLASSIFIERS.map(({ candidate: _skip, ...c }) => c as Classifier);
    const a = await classifyEach(ctx, CLASSIFIERS);
    const b = await classifyEach(ctx, without);
    expect(a.length).toBe(diffs.length);
    expect(a).toEqual(b);
  });

  it('the registry does not call classify() where the check says no', async () => {
    const calls: string[] = [];
    const probe: Classifier = {
      id: 'probe',
      candidate: (d) => d.path === 'README',
      classify: (d) => {
        calls.push(d.path);
        throw new Error('called');
      },
    };
    const some = [diffs.find((d) => d.path === 'README')!, diffs.find((d) => d.path === 'NEWS')!];
    const found = await classifyEach(ctxOf(some), [probe]);
    expect(calls).toEqual(['README']);
    expect(found.map((f) => [f.path, f.degraded?.check])).toEqual([['README', 'probe'], ['NEWS', undefined]]);
  });
});

describe('the pre-check audit', () => {
  const diffs = allDiffs();
  const readme = diffs.find((d) => d.path === 'README' && d.status === 'tarball-only')!;
  const news = diffs.find((d) => d.path === 'NEWS' && d.status === 'tarball-only')!;
  /** A wrong pre-check, the shape of c35d93d's doc-comment one: classify() asks it first, and what follows would explain README. */
  const pre = (d: PathDiff) => d.path !== 'README';
  const wrong: Classifier = {
    id: 'wrong',
    candidate: pre,
    classify: (d) => (admits(pre, d) && d.path.startsWith('README') ? makeFinding('COPY_OF_TRACKED', d.path, { source: 'README.in' }) : undefined),
  };
  const decider: Classifier = { id: 'decider', classify: (d) => (d.path === 'README' ? makeFinding('DOC_EDITED', d.path, { added: 1, removed: 0 }) : undefined) };
  const thrower: Classifier = {
    id: 'thrower',
    candidate: (d) => d.path === 'README',
    classify: () => {
      throw new Error('boom');
    },
  };

  it('records a pre-check that says no where the rest of classify() decides, before or after the deciding classifier', async () => {
    // Called directly, the gated classify() hides the wrong pre-check: it says no, and so does classify().
    expect(wrong.classify(readme, ctxOf([readme]))).toBeUndefined();
    const audit = newPrecheckAudit();
    const found = await classifyEach(ctxOf([readme, news]), [wrong, thrower], audit);
    expect(audit.violations).toEqual([{ classifier: 'wrong', path: 'README', status: 'tarball-only', code: 'COPY_OF_TRACKED', decisive: true }]);
    // A throw where the pre-check said no is counted, not a violation (the normal run never makes that call).
    expect([audit.calls, audit.threw, audit.thrown]).toEqual([2, 1, [{ classifier: 'thrower', path: 'NEWS', error: 'boom' }]]);
    // The findings are those of the run without the audit (the audited calls' answers only recorded).
    expect(found).toEqual(await classifyEach(ctxOf([readme, news]), [wrong, thrower]));
    expect(found.map((f) => [f.path, f.code, f.degraded?.check])).toEqual([['README', 'TARBALL_ONLY_UNEXPLAINED', 'thrower'], ['NEWS', 'TARBALL_ONLY_UNEXPLAINED', undefined]]);
    // The switch is off again once the call has started.
    expect(admits(pre, readme)).toBe(false);

    const after = newPrecheckAudit();
    const decided = await classifyEach(ctxOf([readme]), [decider, wrong], after);
    expect(after.violations).toEqual([{ classifier: 'wrong', path: 'README', status: 'tarball-only', code: 'COPY_OF_TRACKED', decisive: false }]);
    expect(decided.map((f) => f.code)).toEqual(['DOC_EDITED']);
  });

  it("every classifier's classify() asks its pre-check through admits(), so the audit can open it", () => {
    const dir = resolve(__dirname, '../../src/classify');
    const direct = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && f !== 'precheck.ts' && f !== 'index.ts')
      .filter((f) => /(?<!admits\()\bcandidate\(diff\)/.test(readFileSync(join(dir, f), 'utf8')));
    expect(direct).toEqual([]);
  });

  it('verify() on the samples: every pre-check holds, the result unchanged', async () => {
    const root = resolve(__dirname, '../..');
    for (const tarball of ['samples/hello-1.0.tar.gz', 'samples/xzlike/hello-1.0.tar.gz']) {
      const opts = { tarball: join(root, tarball), repo: join(root, 'samples/hello.bundle'), regenerate: 'off' as const };
      const audit = newPrecheckAudit();
      const audited = await verify({ ...opts, cacheDir: tempDir(), auditPrechecks: audit });
      const plain = await verify({ ...opts, cacheDir: tempDir() });
      expect([tarball, audit.violations]).toEqual([tarball, []]);
      expect(audit.calls).toBeGreaterThan(100);
      expect(audited.findings).toEqual(plain.findings);
      expect(audited.findings.length).toBeGreaterThan(10);
    }
  }, 60_000);
});
