/**
 * End-to-end runs of the built CLI (dist/cli.js) on the bundled samples: exact exit codes, verdicts,
 * findings, and snapshots of the text and JSON reports.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

const root = resolve(__dirname, '../..');
const cli = join(root, 'dist', 'cli.js');

function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const p = spawnSync(process.execPath, [cli, ...args], {
    cwd: opts.cwd ?? root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    timeout: 60_000,
  });
  return { code: p.status, stdout: p.stdout, stderr: p.stderr };
}

describe('distdiff CLI on the samples', () => {
  const cache = tempDir();
  it('has been built', () => {
    expect(existsSync(cli)).toBe(true);
  });

  // The sample's configure, aclocal.m4, config.h.in and Makefile.in are hand-written stand-ins stamped autoconf 2.72
  // (scripts/make-samples.mjs): no autoconf here reproduces them, so the default gate fails on them (README "What is proved").
  it('clean release: its unproved build outputs fail the default gate, the remedy first, exit 1', () => {
    const r = runCli(['samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--cache-dir', cache]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('DIFFERENT: 8 tarball-only, 3 git-only, 3 changed — 1 high, 1 low');
    expect(lines.slice(3, 7)).toEqual([
      'Needs review',
      '  HIGH (1)',
      '    .  UNPROVED_BUILD_OUTPUTS',
      '      to prove: distdiff toolchain add autoconf-2.72.tar.xz (the GNU release tarball, from ftp.gnu.org or a mirror) — 2 Makefile.in, aclocal.m4, config.h.in, configure not proved: autoconf 2.72 (the version the files are stamped with) not available here [Makefile.in, aclocal.m4, config.h.in, configure, src/Makefile.in]',
    ]);
    // --no-regenerate does not turn the gate green: the same files, another reason and remedy.
    const off = runCli(['samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--cache-dir', cache, '--no-regenerate']);
    expect(off.code).toBe(1);
    expect(off.stdout.split('\n')[6]).toBe('      to prove: run again without --no-regenerate — 2 Makefile.in, aclocal.m4, config.h.in, configure not proved: regeneration disabled with --no-regenerate [Makefile.in, aclocal.m4, config.h.in, configure, src/Makefile.in]');
  });

  it('clean release with --accept-unproved: differences all explained, exit 0', () => {
    const r = runCli(['samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--cache-dir', cache, '--accept-unproved']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^EXPLAINED: /);
    expect(r.stdout).toMatchSnapshot('text');
  });

  it('clean release JSON: schema, inputs, counts', () => {
    const r = runCli(['samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--cache-dir', cache, '--format', 'json', '--accept-unproved']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.schemaVersion).toBe(1);
    expect(j.verdict).toBe('explained');
    expect(j.inputs.revision).toMatchObject({ tag: 'v1.0', tagType: 'annotated', how: 'inferred', version: '1.0' });
    expect(j.inputs.tarball).toMatchObject({ container: 'tar', compression: 'gzip', prefix: 'hello-1.0' });
    expect(j.inputs.tarball.sha256).toBe(
      createHash('sha256').update(readFileSync(join(root, 'samples/hello-1.0.tar.gz'))).digest('hex'),
    );
    const paths = j.findings.map((f: { path: string }) => f.path);
    expect(paths).toEqual([...paths].sort());
    // The cache location and checkout path differ between machines: snapshot them as placeholders.
    expect(r.stdout.split(root).join('<root>').split(cache).join('<cache>')).toMatchSnapshot('json');
  });

  it('xz-shaped release: the m4 file is critical and configure is flagged, exit 1', () => {
    const r = runCli(['samples/xzlike/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--cache-dir', cache, '--format', 'json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.verdict).toBe('different');
    const m4 = j.findings.find((f: { path: string }) => f.path === 'm4/build-to-host.m4');
    expect(m4).toMatchObject({ severity: 'critical' });
    const text = runCli(['samples/xzlike/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--cache-dir', cache]);
    expect(text.code).toBe(1);
    expect(text.stdout.split('\n')[0]).toMatch(/^DIFFERENT: /);
    expect(text.stdout).toMatchSnapshot('text');
  });

  it('--also writes the same run in other formats: one verification, several reports, the exit code the run\'s', () => {
    const out = tempDir();
    const f = (n: string) => join(out, n);
    const base = ['samples/xzlike/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--cache-dir', cache];
    const r = runCli([...base, '--format', 'json', '--color', '--also', `json=${f('r.json')}`, '--also', `text=${f('r.txt')}`, '--also', `sarif=${f('r.sarif')}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`distdiff: json report written to ${f('r.json')}\ndistdiff: text report written to ${f('r.txt')}\ndistdiff: sarif report written to ${f('r.sarif')}\n`);
    // the same run: the file in the stdout format is byte for byte what stdout got
    expect(readFileSync(f('r.json'), 'utf8')).toBe(r.stdout);
    const j = JSON.parse(r.stdout);
    expect(j.verdict).toBe('different');
    // the text file: never coloured (--color or not), the same verdict and findings
    const text = readFileSync(f('r.txt'), 'utf8');
    expect(text).not.toMatch(/\x1b\[/);
    expect(text.split('\n')[0]).toMatch(/^DIFFERENT: /);
    expect(text).toContain('m4/build-to-host.m4');
    const sarif = JSON.parse(readFileSync(f('r.sarif'), 'utf8'));
    const uris = sarif.runs[0].results.map((x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => x.locations[0]!.physicalLocation.artifactLocation.uri);
    expect(uris).toContain('m4/build-to-host.m4');
  });

  it('--also with a bad value: exit 2 with one line before anything runs', () => {
    const base = ['samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--cache-dir', cache];
    const bad = runCli([...base, '--also', 'yaml=r.yaml']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe('distdiff: --also yaml=r.yaml: expected FORMAT=FILE; FORMAT is one of text, json, sarif, markdown, html, e.g. --also sarif=distdiff.sarif\n');
    expect(runCli([...base, '--also', 'json=']).stderr).toBe('distdiff: --also json=: expected FORMAT=FILE; FORMAT is one of text, json, sarif, markdown, html, e.g. --also sarif=distdiff.sarif\n');
    const twice = runCli([...base, '-o', 'r.json', '--also', 'sarif=./r.json']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toBe('distdiff: --also sarif=./r.json: this file already receives a report; give each report its own file\n');
  });

  it('bad input: one line on stderr, exit 2, no stack trace', () => {
    const r = runCli(['samples/does-not-exist.tar.gz', '--repo', 'samples/hello.bundle', '--cache-dir', cache]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toBe('distdiff: samples/does-not-exist.tar.gz: no such file; check the path\n');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('usage error: exit 2 with one line', () => {
    const r = runCli(['samples/hello-1.0.tar.gz']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toBe('distdiff: samples/hello-1.0.tar.gz: no repository to compare with; pass --repo with the project repository (path, bundle or URL)\n');
  });

  it('--sha256 mismatch stops before comparing', () => {
    const r = runCli(['samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--cache-dir', cache, '--sha256', '0'.repeat(64)]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const sha = createHash('sha256').update(readFileSync(join(root, 'samples/hello-1.0.tar.gz'))).digest('hex');
    expect(r.stderr).toBe(`distdiff: samples/hello-1.0.tar.gz: sha256 is ${sha}, expected ${'0'.repeat(64)}; the file is not the one you pinned; do not use it\n`);
  });

  it('--max-path-length is a limit: exit 2 naming it', () => {
    const r = runCli(['samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--cache-dir', cache, '--max-path-length', '10']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^distdiff: .*hello-1\.0\.tar\.gz: entry name longer than 10 bytes.*raise --max-path-length/);
  });

  it('--help shows examples', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples:/);
    expect(r.stdout).toMatch(/--fail-on/);
  });
});
