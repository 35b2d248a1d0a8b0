/**
 * Report items of issue 11 through the built CLI: "did you mean" for mistyped options, and a JSON error
 * object on stdout when --format json meets an operational error (exit 2 either way).
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closest, requestedFormat } from '../../src/util/suggest.js';

const root = resolve(__dirname, '../..');
const cli = join(root, 'dist', 'cli.js');
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });

describe('mistyped options', () => {
  it('suggests the closest option, one line, exit 2', () => {
    const r = run(['samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--fial-on', 'high', '--tga', 'v1.0', '--zzzzzzzz']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("distdiff: command line: unknown option --fial-on; did you mean --fail-on?; unknown option --tga; did you mean --tag?; unknown option --zzzzzzzz; see 'distdiff --help'\n");
  });
  it('closest() only answers for near misses', () => {
    expect(closest('fromat', ['format', 'repo'])).toBe('format');
    expect(closest('verbse', ['verbose', 'version'])).toBe('verbose');
    expect(closest('xyz', ['format', 'repo'])).toBeUndefined();
    expect(closest('format', ['format'])).toBeUndefined(); // not a typo
  });
});

describe('--format json on an operational error', () => {
  it('writes a JSON error object to stdout and the one line to stderr, exit 2', () => {
    const r = run(['/nonexistent/foo-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--format', 'json']);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      schemaVersion: 1,
      tool: { name: 'distdiff', version: expect.any(String) },
      verdict: 'error',
      error: { kind: 'not-found', input: '/nonexistent/foo-1.0.tar.gz', message: 'no such file', hint: 'check the path' },
    });
    expect(r.stderr).toBe('distdiff: /nonexistent/foo-1.0.tar.gz: no such file; check the path\n');
  });
  it('a usage error with -fjson is JSON too; text format errors leave stdout empty', () => {
    const j = run(['samples/hello-1.0.tar.gz', '-fjson', '--nope']);
    expect(j.status).toBe(2);
    expect(JSON.parse(j.stdout).error.kind).toBe('usage');
    const t = run(['/nonexistent/foo-1.0.tar.gz', '--repo', 'samples/hello.bundle']);
    expect(t.status).toBe(2);
    expect(t.stdout).toBe('');
  });
  it('requestedFormat reads every spelling', () => {
    expect(requestedFormat(['x', '--format', 'json'])).toBe('json');
    expect(requestedFormat(['x', '--format=sarif'])).toBe('sarif');
    expect(requestedFormat(['x', '-f', 'json'])).toBe('json');
    expect(requestedFormat(['x', '-fjson'])).toBe('json');
    expect(requestedFormat(['x', '--', '--format', 'json'])).toBeUndefined();
  });
});

import { renderText } from '../../src/render/text.js';
import { revisionHow, verdictLine } from '../../src/core/wording.js';
import type { VerifyResult } from '../../src/core/result.js';
import type { Finding } from '../../src/core/findings.js';

function result(findings: Finding[], revision: Partial<VerifyResult['inputs']['revision']> = {}): VerifyResult {
  const bySeverity = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of findings) bySeverity[f.severity]++;
  return {
    schemaVersion: 1,
    tool: { name: 'distdiff', version: '0' },
    verdict: findings.some((f) => f.severity === 'high') ? 'different' : 'identical',
    failOn: 'high',
    inputs: {
      tarball: { source: 'p-1.0.tar.gz', path: 'p-1.0.tar.gz', size: 1, container: 'tar', compression: 'gzip', decoder: 'zlib', prefix: 'p-1.0', entries: 1 },
      repo: { source: 'repo', objectFormat: 'sha1', cloned: false, fetched: false },
      revision: { commit: 'c'.repeat(40), how: 'tag', tag: 'v1.0', ...revision },
    },
    counts: { tarballFiles: 1, gitFiles: 1, identical: 0, tarballOnly: findings.length, gitOnly: 0, changed: 0, exportIgnored: 0, submodules: 0, anomalies: 0, bySeverity, byCode: {}, explained: 0, unexplained: findings.length },
    findings,
    notes: [],
  } as VerifyResult;
}
const added = (path: string): Finding => ({ code: 'TARBALL_ONLY_UNEXPLAINED', path, severity: 'high', evidence: { size: 1, buildAffecting: false } }) as Finding;

describe('the report decides in 10 seconds', () => {
  it('the verdict line names how the revision was chosen when it is not a plain matching tag', () => {
    expect(revisionHow(result([]))).toBe('');
    expect(revisionHow(result([], { how: 'inferred' }))).toBe('');
    expect(verdictLine(result([added('x')], { how: 'nearest', tag: undefined, distance: 427 }))).toBe('DIFFERENT: 1 tarball-only, 0 git-only, 0 changed — 1 high (guessed: nearest commit, 427 differing paths)');
    expect(revisionHow(result([], { how: 'metadata', tag: undefined }))).toBe(" (untagged: commit from the archive's metadata)");
    expect(revisionHow(result([], { how: 'commit', tag: undefined }))).toBe(' (commit given, no tag)');
  });
  it('a long group is bounded and grouped by code and directory, the biggest first; --verbose lists every file', () => {
    const findings = [...Array.from({ length: 40 }, (_, i) => added(`po/l${String(i).padStart(2, '0')}.po`)), ...Array.from({ length: 3 }, (_, i) => added(`lib/f${i}.c`)), added('THANKS')];
    const text = renderText(result(findings));
    expect(text).toContain('    po/ (40)  TARBALL_ONLY_UNEXPLAINED  File only in the tarball, unexplained\n      l00.po, l01.po, l02.po, l03.po, l04.po, … 35 more\n    lib/ (3)  TARBALL_ONLY_UNEXPLAINED');
    expect(text).toContain('THANKS');
    expect(text.split('\n').filter((l) => l.includes('l39.po'))).toEqual([]);
    const verbose = renderText(result(findings), { verbose: true });
    expect(verbose).toContain('l39.po');
    const many = Array.from({ length: 60 }, (_, i) => added(`d${i}/a.c`)).concat(Array.from({ length: 60 }, (_, i) => added(`d${i}/b.c`)));
    expect(renderText(result(many))).toContain('… 30 more groups (--verbose lists every file)');
  });
});
