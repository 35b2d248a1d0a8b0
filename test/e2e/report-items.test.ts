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
      error: { kind: 'not-found', input: '/nonexistent/foo-1.0.tar.gz', message: expect.any(String), hint: expect.any(String) },
    });
    expect(r.stderr).toMatch(/^distdiff: \/nonexistent\/foo-1\.0\.tar\.gz: .+\n$/);
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
