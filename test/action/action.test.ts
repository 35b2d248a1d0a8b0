/**
 * The GitHub Action (action.yml): its inputs, outputs and steps as declared, and the verification step run
 * the way a runner runs it — the step's `env:` built from the inputs (defaults from action.yml), its `run:`
 * line executed by bash with GITHUB_ACTION_PATH, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and RUNNER_TEMP set —
 * against the bundled samples. Exit codes, outputs, the SARIF file and the job summary are checked.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FORMATS } from '../../src/render/index.js';
import { tempDir } from '../helpers/tmp.js';

const root = resolve(__dirname, '../..');
const text = readFileSync(join(root, 'action.yml'), 'utf8');

/** The lines of a top-level block (`inputs:`, `outputs:`, `runs:`), indentation kept. */
function block(name: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(`${name}:`);
  expect(start, `action.yml has ${name}:`).toBeGreaterThanOrEqual(0);
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (l !== '' && !l.startsWith(' ')) break;
    out.push(l);
  }
  return out;
}

/** name → { default, description } for each input. */
function inputs(): Map<string, { default?: string; required: boolean }> {
  const m = new Map<string, { default?: string; required: boolean }>();
  let cur: string | undefined;
  for (const l of block('inputs')) {
    const name = /^ {2}([\w-]+):$/.exec(l);
    if (name) {
      cur = name[1]!;
      m.set(cur, { required: false });
      continue;
    }
    const kv = /^ {4}(default|required): (.*)$/.exec(l);
    if (kv && cur) {
      if (kv[1] === 'default') m.get(cur)!.default = kv[2] === "''" ? '' : kv[2]!;
      else m.get(cur)!.required = kv[2] === 'true';
    }
  }
  return m;
}

/** The step with `id: verify`: its env (input expressions) and run line. */
function verifyStep(): { env: Record<string, string>; run: string } {
  const steps = block('runs').join('\n').split(/\n {4}- /);
  const step = steps.find((s) => /\n {6}id: verify\n/.test(s));
  expect(step, 'a step with id: verify').toBeDefined();
  const env: Record<string, string> = {};
  for (const m of step!.matchAll(/^ {8}(\w+): (.+)$/gm)) env[m[1]!] = m[2]!;
  const run = /^ {6}run: (.+)$/m.exec(step!)?.[1];
  return { env, run: run! };
}

describe('action.yml', () => {
  it('is a composite action on Node 20 with the documented inputs and outputs', () => {
    expect(text).toMatch(/^runs:\n {2}using: composite\n/m);
    expect(text).toMatch(/uses: actions\/setup-node@v4\n {6}with:\n {8}node-version: 20\n/);
    expect([...inputs()]).toEqual([
      ['tarball', { required: true }],
      ['repo', { required: false, default: '.' }],
      ['tag', { required: false, default: '' }],
      ['accept-unproved', { required: false, default: 'false' }],
      ['fail-on', { required: false, default: 'high' }],
      ['format', { required: false, default: 'text' }],
    ]);
    expect(block('outputs').filter((l) => /^ {4}value:/.test(l))).toEqual(['    value: ${{ steps.verify.outputs.verdict }}', '    value: ${{ steps.verify.outputs.sarif }}']);
    expect(verifyStep()).toEqual({
      env: {
        DISTDIFF_TARBALL: '${{ inputs.tarball }}',
        DISTDIFF_REPO: '${{ inputs.repo }}',
        DISTDIFF_TAG: '${{ inputs.tag }}',
        DISTDIFF_FAIL_ON: '${{ inputs.fail-on }}',
        DISTDIFF_ACCEPT_UNPROVED: '${{ inputs.accept-unproved }}',
        DISTDIFF_FORMAT: '${{ inputs.format }}',
      },
      run: 'node "$GITHUB_ACTION_PATH/scripts/action.mjs"',
    });
  });
});

describe('the verify step, run as a runner runs it', () => {
  const step = verifyStep();
  const defaults = inputs();

  function run(given: Record<string, string>) {
    const dir = tempDir('distdiff-action-');
    const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STEP_SUMMARY: join(dir, 'summary.md') };
    writeFileSync(files.GITHUB_OUTPUT, '');
    writeFileSync(files.GITHUB_STEP_SUMMARY, '');
    const value = (name: string) => given[name] ?? defaults.get(name)?.default ?? '';
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', GITHUB_ACTION_PATH: root, RUNNER_TEMP: dir, GITHUB_WORKSPACE: root, ...files };
    for (const [k, expr] of Object.entries(step.env)) env[k] = value(/^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(expr)![1]!);
    const p = spawnSync('bash', ['-e', '-c', step.run], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
    const outputs = Object.fromEntries(readFileSync(files.GITHUB_OUTPUT, 'utf8').split('\n').filter(Boolean).map((l) => l.split(/=(.*)/s).slice(0, 2)));
    return { code: p.status, stdout: p.stdout, stderr: p.stderr, outputs, summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'), dir };
  }

  it('the xz-shaped sample fails the step: verdict different, SARIF with the critical findings, Markdown summary', () => {
    const r = run({ tarball: 'samples/xzlike/hello-1.0.tar.gz', repo: 'samples/hello.bundle' });
    expect(r.code).toBe(1);
    expect(r.outputs).toEqual({ verdict: 'different', sarif: join(r.dir, 'distdiff.sarif') });
    expect(r.stdout.split('\n')[0]).toMatch(/^DIFFERENT: .* — 2 critical/);
    const sarif = JSON.parse(readFileSync(r.outputs.sarif!, 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    const critical = sarif.runs[0].results.filter((x: { properties: { severity: string } }) => x.properties.severity === 'critical').map((x: { ruleId: string }) => x.ruleId);
    expect(critical.sort()).toEqual(['CARRIES_SUSPICIOUS_EXPANSION', 'SERIAL_AHEAD_OF_UPSTREAM']);
    expect(r.summary.split('\n')[0]).toMatch(/^### distdiff: DIFFERENT: /);
    expect(r.stderr).toBe(`distdiff: DIFFERENT — SARIF written to ${r.outputs.sarif}\n`);
  });

  it('the clean sample fails on its unproved build outputs; accept-unproved passes it; format json prints the JSON report', () => {
    // The sample's configure and Makefile.in are hand-written stand-ins stamped autoconf 2.72: nothing here reproduces them.
    const strict = run({ tarball: 'samples/hello-1.0.tar.gz', repo: 'samples/hello.bundle', format: 'json' });
    expect([strict.code, strict.outputs.verdict]).toEqual([1, 'different']);
    expect(JSON.parse(strict.stdout).findings.filter((f: { severity: string }) => f.severity === 'high').map((f: { code: string; path: string }) => `${f.code} ${f.path}`)).toEqual(['UNPROVED_BUILD_OUTPUTS .']);
    const r = run({ tarball: 'samples/hello-1.0.tar.gz', repo: 'samples/hello.bundle', format: 'json', 'accept-unproved': 'true' });
    expect([r.code, r.outputs.verdict]).toEqual([0, 'explained']);
    expect(JSON.parse(r.stdout).verdict).toBe('explained');
    expect(existsSync(r.outputs.sarif!)).toBe(true);
  });

  it('fail-on and tag are passed through: fail-on info fails the clean sample, a missing tag is an error', () => {
    expect(run({ tarball: 'samples/hello-1.0.tar.gz', repo: 'samples/hello.bundle', 'fail-on': 'info' }).outputs.verdict).toBe('different');
    const r = run({ tarball: 'samples/hello-1.0.tar.gz', repo: 'samples/hello.bundle', tag: 'v9.9' });
    expect([r.code, r.outputs]).toEqual([2, { verdict: 'error', sarif: '' }]);
    expect(r.stderr).toBe('distdiff: v9.9: no tag named "v9.9" in samples/hello.bundle; the repository has 1 tag(s); check the name or pass --commit\n');
  });

  it('bad inputs stop the step with exit 2 and one line', () => {
    const missing = run({ tarball: 'samples/nope.tar.gz', repo: 'samples/hello.bundle' });
    expect([missing.code, missing.outputs.verdict, missing.stderr]).toEqual([2, 'error', 'distdiff: samples/nope.tar.gz: no such file; check the path\n']);
    const format = run({ tarball: 'samples/hello-1.0.tar.gz', repo: 'samples/hello.bundle', format: 'pdf' });
    expect([format.code, format.stderr]).toEqual([2, `distdiff: format pdf: not a report format; use one of ${FORMATS.join(', ')}\n`]);
    const gate = run({ tarball: 'samples/hello-1.0.tar.gz', repo: 'samples/hello.bundle', 'fail-on': 'severe' });
    expect([gate.code, gate.stderr]).toEqual([2, 'distdiff: --fail-on severe: not a severity; use one of critical, high, medium, low, info\n']);
  });
});
