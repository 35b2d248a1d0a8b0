/**
 * One source of severity: every finding is at its code's registry default unless `escalate` moved it
 * up with a stated reason. Checked three ways: the helper itself, every finding the classify stage and
 * verify() produce on rich inputs (the xz-shaped sample included), and the sources (no severity literal
 * is written onto a finding outside src/core/severity.ts and the user's policy).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/classify/index.js';
import { codeDoc } from '../../src/core/codes.js';
import type { Finding } from '../../src/core/findings.js';
import { escalate, makeFinding, severityProblem } from '../../src/core/severity.js';
import type { PathDiff } from '../../src/core/types.js';
import { severityReasonText } from '../../src/core/wording.js';
import { verify } from '../../src/verify.js';
import { tempDir } from '../helpers/tmp.js';
import { makeCtx } from './ctx-helper.js';
import { EVIL_CONFIGURE, EVIL_M4 } from './xz-fixtures.js';

const root = resolve(__dirname, '../..');

describe('makeFinding and escalate', () => {
  it('makeFinding takes the severity from the registry', () => {
    const f = makeFinding('SOURCE_MODIFIED', 'a.c', { buildAffecting: false });
    expect(f).toEqual({ code: 'SOURCE_MODIFIED', path: 'a.c', severity: 'high', evidence: { buildAffecting: false } });
    expect(f.severity).toBe(codeDoc('SOURCE_MODIFIED').severity);
  });

  it('escalate records the reason and the registry default; the same severity changes nothing', () => {
    const f = makeFinding('SOURCE_MODIFIED', 'configure.ac', { buildAffecting: true });
    const up = escalate(f, 'critical', 'build-affecting');
    expect(up).toEqual({ ...f, severity: 'critical', severityReason: { reason: 'build-affecting', default: 'high' } });
    expect(escalate(f, 'high', 'build-affecting')).toBe(f);
    // A second escalation to the same level keeps the first reason.
    expect(escalate(up, 'critical', 'suspicious-constructs')).toBe(up);
    expect(severityReasonText(up)).toBe('critical, not the default high: build-affecting (the file affects the build)');
    expect(severityReasonText(f)).toBeUndefined();
  });

  it('escalate never lowers', () => {
    const f = makeFinding('SERIAL_AHEAD_OF_UPSTREAM', 'm4/x.m4', { name: 'x.m4', serial: 9, maxUpstream: 3, project: 'gnulib' });
    expect(() => escalate(f, 'high', 'suspicious-constructs')).toThrow('SERIAL_AHEAD_OF_UPSTREAM cannot be lowered from critical to high (suspicious-constructs)');
  });

  it('severityProblem: a severity other than the default without a reason fails; a reason or a policy allowance passes', () => {
    const f = makeFinding('GIT_ONLY', 'x', { type: 'file' });
    expect(severityProblem(f)).toBeUndefined();
    expect(severityProblem({ ...f, severity: 'high' })).toBe('GIT_ONLY at x: high without a reason (registry default low)');
    expect(severityProblem({ ...f, severity: 'info' })).toBe('GIT_ONLY at x: info without a reason (registry default low)');
    expect(severityProblem(escalate(f, 'high', 'build-affecting'))).toBeUndefined();
    expect(severityProblem({ ...f, severity: 'high', severityReason: { reason: 'build-affecting', default: 'medium' } })).toBe(
      'GIT_ONLY at x: reason records default medium, the registry says low',
    );
    expect(severityProblem({ ...f, severity: 'low', severityReason: { reason: 'build-affecting', default: 'low' } })).toBe(
      'GIT_ONLY at x: low with reason build-affecting but not above the default low',
    );
    expect(severityProblem({ ...f, severity: 'info', allowed: { reason: 'ok', originalSeverity: 'low' } })).toBeUndefined();
    expect(severityProblem({ ...f, severity: 'info', allowed: { reason: 'ok', originalSeverity: 'high' } })).toBe('GIT_ONLY at x: high without a reason (registry default low)');
  });
});

const problems = (fs: readonly Finding[]) => fs.map(severityProblem).filter((p) => p !== undefined);
const reasons = (fs: readonly Finding[]) => Object.fromEntries(fs.filter((f) => f.severityReason).map((f) => [f.path, `${f.code} ${f.severity} ${f.severityReason!.reason}`]));

describe('every finding of the classify stage keeps the rule', () => {
  const GIT = {
    'configure.ac': 'AC_INIT([demo], [1.0])\nAC_CONFIG_MACRO_DIR([m4])\ngl_BUILD_TO_HOST([localedir])\nAC_OUTPUT\n',
    'Makefile.am': 'SUBDIRS = src\n',
    'src/main.c': 'int main(void) { return 0; }\n',
    'notes.txt': 'hello\n',
  };
  const TARBALL = {
    ...GIT,
    'Makefile.am': 'SUBDIRS = src lib\n',
    'notes.txt': 'hello again\n',
    'm4/build-to-host.m4': EVIL_M4,
    configure: EVIL_CONFIGURE,
    'build-aux/fetch.sh': '#!/bin/sh\ncat payload | xz -d | sh\n',
    'extra.txt': 'x\n',
  };

  it('the registry default, or above it with a reason (build-affecting, suspicious-constructs, flagged-macro, unverified-content)', async () => {
    const ctx = makeCtx({ git: GIT, tarball: TARBALL });
    const sub: PathDiff = { path: 'vendor/lib', status: 'submodule', git: { path: 'vendor/lib', type: 'submodule', executable: false, size: 0, oid: 'd'.repeat(40) }, tarball: { path: 'vendor/lib', type: 'directory', executable: false, size: 2 } };
    const findings = await classify({ ...ctx, diffs: [...ctx.diffs, sub] });
    expect(problems(findings)).toEqual([]);
    expect(reasons(findings)).toEqual({
      'Makefile.am': 'SOURCE_MODIFIED critical build-affecting',
      'build-aux/fetch.sh': 'TARBALL_ONLY_UNEXPLAINED critical suspicious-constructs',
      configure: 'CARRIES_SUSPICIOUS_EXPANSION critical flagged-macro',
      'vendor/lib': 'SUBMODULE medium unverified-content',
    });
    // The rest sit at their defaults.
    const at = Object.fromEntries(findings.map((f) => [f.path, `${f.code} ${f.severity}`]));
    expect(at).toMatchObject({ 'notes.txt': 'SOURCE_MODIFIED high', 'extra.txt': 'TARBALL_ONLY_UNEXPLAINED high', 'm4/build-to-host.m4': 'SERIAL_AHEAD_OF_UPSTREAM critical' });
  });

  it('the check catches a classifier that sets a severity itself', async () => {
    const ctx = makeCtx({ git: GIT, tarball: TARBALL });
    const rogue = { id: 'rogue', classify: (d: PathDiff) => (d.path === 'extra.txt' ? ({ ...makeFinding('GENERATED_DOCS', d.path, { kind: 'text' }), severity: 'info' } as Finding) : undefined) };
    const findings = await classify(ctx, [rogue], []);
    expect(problems(findings)).toEqual(['GENERATED_DOCS at extra.txt: info without a reason (registry default low)']);
  });
});

describe('verify() on the samples keeps the rule', () => {
  it.each([
    ['samples/hello-1.0.tar.gz', {}],
    ['samples/xzlike/hello-1.0.tar.gz', { configure: 'CARRIES_SUSPICIOUS_EXPANSION critical flagged-macro' }],
  ])('%s', async (tarball, expected) => {
    const r = await verify({ tarball: join(root, tarball), repo: join(root, 'samples/hello.bundle'), cacheDir: tempDir() });
    expect(problems(r.findings)).toEqual([]);
    expect(reasons(r.findings)).toEqual(expected);
  });
});

/** Source files where a finding's severity may be written: the one helper, and the user's policy. */
const MAY_SET_SEVERITY = new Set(['core/severity.ts', 'classify/policy.ts']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
}

/** Lines that write a severity onto an object: `severity: 'high'`, `severity: x ? … : …`, `{ ...f, severity }`. */
export function severityWrites(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => /\bseverity\s*:\s*(?:'|[^'\n,]*[^?]\?\s)|\.\.\.[\w.!]+\s*,\s*severity\s*[,}]|\.severity\s*=[^=]/.test(l) && !/^\s*(?:\/\/|\*|\/\*)/.test(l));
}

describe('no producer writes a severity itself', () => {
  it('the detector finds the forms it is meant to find', () => {
    expect(severityWrites("  return { ...f, severity: 'critical' };\nconst x = { ...f, severity };\nf.severity = 'low';\nif (f.severity === 'high') x();\nseverity: codeDoc(c).severity,")).toEqual([
      "  return { ...f, severity: 'critical' };",
      'const x = { ...f, severity };',
      "f.severity = 'low';",
    ]);
  });

  it('in src/classify, src/profiles, src/regenerate, src/pipeline, src/compare, src/scan (policy and core/severity.ts excepted)', () => {
    const src = join(root, 'src');
    const hits = ['classify', 'profiles', 'regenerate', 'pipeline', 'compare', 'scan']
      .flatMap((d) => sources(join(src, d)))
      .filter((f) => !MAY_SET_SEVERITY.has(relative(src, f)))
      .flatMap((f) => severityWrites(readFileSync(f, 'utf8')).map((l) => `${relative(src, f)}: ${l.trim()}`));
    expect(hits).toEqual([]);
  });
});
