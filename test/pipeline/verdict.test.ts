/**
 * The verdict and the exit code it gives, in-process (mutation testing of src/pipeline/result.ts): every
 * severity against every --fail-on gate, explained vs unexplained vs allowed findings, the counts behind
 * them; then through verify() on a real repository and archive, where the gate decides between exit 0 and 1.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import { makeFinding } from '../../src/core/severity.js';
import { SEVERITIES, severityRank, type Severity } from '../../src/core/types.js';
import { exitCodeOf, tally, verdictOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

/** An unexplained finding (TARBALL_ONLY_UNEXPLAINED) at the given severity. */
const unexplained = (severity: Severity, path = 'x'): Finding => ({ ...makeFinding('TARBALL_ONLY_UNEXPLAINED', path, { size: 1, oid: 'a', buildAffecting: false }), severity }) as Finding;
/** An explained finding (GENERATED_BY_AUTOTOOLS) at the given severity. */
const explained = (severity: Severity, path = 'configure'): Finding => ({ ...makeFinding('GENERATED_BY_AUTOTOOLS', path, { tool: 'autoconf', source: 'configure.ac' }), severity }) as Finding;

describe('severityRank', () => {
  it('critical 5 … info 1', () => {
    expect(SEVERITIES.map(severityRank)).toEqual([5, 4, 3, 2, 1]);
  });
});

describe('verdictOf × exit code', () => {
  it('no findings: identical, exit 0, whatever the gate', () => {
    for (const gate of SEVERITIES) {
      expect(verdictOf([], 0, gate)).toBe('identical');
      expect(exitCodeOf('identical')).toBe(0);
    }
  });
  // Every finding severity against every gate: different (exit 1) exactly when severity >= gate.
  const pairs = SEVERITIES.flatMap((sev) => SEVERITIES.map((gate) => [sev, gate] as const));
  it.each(pairs)('an unexplained %s finding, gate %s', (sev, gate) => {
    const fails = severityRank(sev) >= severityRank(gate);
    const v = verdictOf([unexplained(sev)], 0, gate);
    expect(v).toBe(fails ? 'different' : 'review');
    expect(exitCodeOf(v)).toBe(fails ? 1 : 0);
    // An explained finding at the same severity fails the gate just the same (the gate is about severity).
    const e = verdictOf([explained(sev)], 1, gate);
    expect(e).toBe(fails ? 'different' : 'explained');
    expect(exitCodeOf(e)).toBe(fails ? 1 : 0);
  });
  it('one failing finding among passing ones is enough, wherever it is', () => {
    expect(verdictOf([explained('info'), explained('low'), unexplained('high')], 2, 'high')).toBe('different');
    expect(verdictOf([unexplained('critical'), explained('info')], 1, 'critical')).toBe('different');
  });
  it('below the gate: review while any finding is unexplained, explained when all are', () => {
    const fs = [explained('info'), explained('low', 'a'), unexplained('medium')];
    expect(verdictOf(fs, 2, 'high')).toBe('review');
    expect(verdictOf(fs, 3, 'high')).toBe('explained');
    expect(verdictOf(fs, 4, 'high')).toBe('explained');
  });
  it('exit codes: only "different" is 1', () => {
    expect([exitCodeOf('identical'), exitCodeOf('explained'), exitCodeOf('review'), exitCodeOf('different')]).toEqual([0, 0, 0, 1]);
  });
});

describe('tally', () => {
  it('counts by severity (all five keys present) and by code; explained by code or by an allowance', () => {
    const allowed: Finding = { ...unexplained('info', 'NOTES'), allowed: { reason: 'release notes', originalSeverity: 'high' } };
    const t = tally([explained('info'), explained('info', 'Makefile.in'), unexplained('high'), unexplained('medium', 'y'), allowed]);
    expect(t).toEqual({
      bySeverity: { critical: 0, high: 1, medium: 1, low: 0, info: 3 },
      byCode: { GENERATED_BY_AUTOTOOLS: 2, TARBALL_ONLY_UNEXPLAINED: 3 },
      explained: 3,
      unexplained: 2,
    });
    expect(tally([])).toEqual({ bySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0 }, byCode: {}, explained: 0, unexplained: 0 });
  });
});

describe('through verify(): the gate on a real repository and archive', () => {
  const root = tempDir();
  const cacheDir = join(root, 'cache');
  const repo = makeRepo(join(root, 'repo'));
  const files = { 'README': 'proj\n', 'src/main.c': 'int main(void) { return 0; }\n', 'NOTES.txt': 'notes\n' };
  repo.commit(files);
  repo.tag('v1.0', { message: 'release 1.0' });
  let n = 0;
  const tarball = (tree: Record<string, string | null>) => {
    n += 1;
    const dir = join(root, `t${n}`, 'proj-1.0');
    writeFiles(dir, { ...files, ...tree });
    return makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.0.tar.gz') });
  };
  const same = tarball({});
  const gitOnly = tarball({ 'NOTES.txt': null });
  const added = tarball({ 'extra.bin': 'payload\n' });

  it('identical archive: identical, exit 0', async () => {
    const r = await verify({ tarball: same, repo: repo.dir, cacheDir });
    expect([r.verdict, r.failOn, exitCodeOf(r.verdict), r.findings.length]).toEqual(['identical', 'high', 0, 0]);
  });
  it('a git-only file (low): review under the default gate, different under --fail-on low', async () => {
    const r = await verify({ tarball: gitOnly, repo: repo.dir, cacheDir });
    expect([r.verdict, exitCodeOf(r.verdict)]).toEqual(['review', 0]);
    expect(r.counts).toEqual({
      tarballFiles: 2,
      gitFiles: 3,
      identical: 2,
      tarballOnly: 0,
      gitOnly: 1,
      changed: 0,
      exportIgnored: 0,
      submodules: 0,
      anomalies: 0,
      bySeverity: { critical: 0, high: 0, medium: 0, low: 1, info: 0 },
      byCode: { GIT_ONLY: 1 },
      explained: 0,
      unexplained: 1,
    });
    const strict = await verify({ tarball: gitOnly, repo: repo.dir, cacheDir, failOn: 'low' });
    expect([strict.verdict, strict.failOn, exitCodeOf(strict.verdict)]).toEqual(['different', 'low', 1]);
  });
  it('an unexplained added file (high): different, exit 1; --fail-on critical lets it through as review', async () => {
    const r = await verify({ tarball: added, repo: repo.dir, cacheDir });
    expect([r.verdict, exitCodeOf(r.verdict)]).toEqual(['different', 1]);
    expect(r.findings.map((f) => [f.path, f.code, f.severity])).toEqual([['extra.bin', 'TARBALL_ONLY_UNEXPLAINED', 'high']]);
    expect(r.counts).toMatchObject({ tarballFiles: 4, gitFiles: 3, identical: 3, tarballOnly: 1, gitOnly: 0, changed: 0 });
    const loose = await verify({ tarball: added, repo: repo.dir, cacheDir, failOn: 'critical' });
    expect([loose.verdict, exitCodeOf(loose.verdict)]).toEqual(['review', 0]);
  });
});
