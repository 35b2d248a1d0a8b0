/**
 * SARIF output is valid against the official SARIF 2.1.0 JSON schema (shipped by @microsoft/jest-sarif),
 * has one rule per finding code with help and a default level, and one result per finding.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import ajvDraft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { ALL_CODES } from '../../src/core/codes.js';
import { makeFinding } from '../../src/core/severity.js';
import type { VerifyResult } from '../../src/core/result.js';
import { renderSarif } from '../../src/render/sarif.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';

const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));

export function sampleResult(): VerifyResult {
  const findings = [
    makeFinding('SERIAL_AHEAD_OF_UPSTREAM', 'm4/build-to-host.m4', { name: 'build-to-host.m4', serial: 30, maxUpstream: 5, project: 'gnulib' }, {
      constructs: [{ kind: 'tr-byte-swap', line: 11, text: `gl_path_map='tr "\\t \\-_" " \\t_\\-"'` }],
    }),
    makeFinding('GENERATED_BY_AUTOTOOLS', 'configure', { tool: 'autoconf', source: 'configure.ac' }),
    makeFinding('SOURCE_MODIFIED', 'src/a b.c', { buildAffecting: false }),
  ];
  return {
    schemaVersion: 1,
    tool: { name: 'distdiff', version: '0.1.0' },
    verdict: 'different',
    failOn: 'high',
    inputs: {
      tarball: { source: 'x-1.0.tar.gz', path: '/tmp/x-1.0.tar.gz', sha256: 'a'.repeat(64), size: 10, container: 'tar', compression: 'gzip', decoder: 'zlib', prefix: 'x-1.0', entries: 3 },
      repo: { source: 'x.git', objectFormat: 'sha1', cloned: false, fetched: false },
      revision: { commit: 'c'.repeat(40), tag: 'v1.0', tagType: 'annotated', how: 'inferred', chain: [] },
      profile: { id: 'autotools', detected: true },
    },
    counts: {
      tarballFiles: 3, gitFiles: 2, identical: 1, tarballOnly: 2, gitOnly: 0, changed: 1, exportIgnored: 0, submodules: 0, anomalies: 0,
      bySeverity: { critical: 1, high: 1, medium: 0, low: 0, info: 1 },
      byCode: { SERIAL_AHEAD_OF_UPSTREAM: 1, GENERATED_BY_AUTOTOOLS: 1, SOURCE_MODIFIED: 1 },
      explained: 1, unexplained: 2,
    },
    findings,
    notes: [],
  } as VerifyResult;
}

describe('SARIF', () => {
  const log = JSON.parse(renderSarif(sampleResult()));

  it('validates against the SARIF 2.1.0 schema', () => {
    const Ajv = ajvDraft04.default;
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
    const validate = ajv.compile(schema);
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // The check can fail: a level SARIF does not define is rejected.
    const broken = structuredClone(log);
    broken.runs[0].results[0].level = 'critical';
    expect(validate(broken)).toBe(false);
  });

  it('has one rule per finding code, each with help and a default level', () => {
    const rules = log.runs[0].tool.driver.rules;
    expect(rules.map((r: { id: string }) => r.id)).toEqual(ALL_CODES);
    for (const r of rules) {
      expect(r.help.text.length).toBeGreaterThan(10);
      expect(['error', 'warning', 'note']).toContain(r.defaultConfiguration.level);
    }
  });

  it('has one result per finding, with level, location and rule index', () => {
    const results = log.runs[0].results;
    expect(results.map((r: { ruleId: string; level: string }) => [r.ruleId, r.level])).toEqual([
      ['SERIAL_AHEAD_OF_UPSTREAM', 'error'],
      ['GENERATED_BY_AUTOTOOLS', 'note'],
      ['SOURCE_MODIFIED', 'error'],
    ]);
    expect(results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'm4/build-to-host.m4', uriBaseId: 'RELEASEROOT' }, region: { startLine: 11 } });
    expect(results[2].locations[0].physicalLocation.artifactLocation.uri).toBe('src/a%20b.c');
    expect(log.runs[0].tool.driver.rules[results[0].ruleIndex].id).toBe('SERIAL_AHEAD_OF_UPSTREAM');
  });
});

describe('Markdown and text', () => {
  it('Markdown lists what needs review with links to the code docs, and summarises the rest', () => {
    const md = renderMarkdown(sampleResult());
    expect(md).toContain('### distdiff: DIFFERENT: 2 tarball-only, 0 git-only, 1 changed');
    expect(md).toMatch(/\| 🟥 \| <code>m4\/build-to-host\.m4<\/code> \| \[SERIAL_AHEAD_OF_UPSTREAM\]\(.*#code-serial-ahead-of-upstream\) \| build-to-host\.m4 claims serial 30; gnulib never went past 5 — 1 suspicious construct\(s\), first at line 11 \|/);
    expect(md).toContain('| GENERATED_BY_AUTOTOOLS | 1 | <code>configure</code> |');
  });

  it('Markdown names a verified signer and says what a signature does not prove', () => {
    const r = sampleResult();
    r.inputs.signature = { status: 'valid', source: 'x-1.0.tar.gz.sig', fingerprint: 'ABCD1234ABCD1234ABCD1234ABCD1234ABCD1234', userId: 'Alice <alice@example.org>' } as never;
    const md = renderMarkdown(r);
    // Names and the signer's user id come from the input: shown as <code> and with < > as references.
    expect(md).toContain('Signature: valid by <code>ABCD1234ABCD1234ABCD1234ABCD1234ABCD1234</code> (Alice &#60;alice@example.org&#62;)');
    expect(md).toContain('not that they match git');
    expect(renderMarkdown(sampleResult())).not.toContain('Signature:');
  });

  it('text: verdict first, critical before high, colour only when asked', () => {
    const t = renderText(sampleResult());
    const lines = t.split('\n');
    expect(lines[0]).toBe('DIFFERENT: 2 tarball-only, 0 git-only, 1 changed — 1 critical, 1 high');
    expect(t.indexOf('CRITICAL (1)')).toBeLessThan(t.indexOf('HIGH (1)'));
    expect(t).toContain('line 11 tr-byte-swap:');
    expect(t).not.toContain('\u001b[');
    expect(renderText(sampleResult(), { color: true })).toContain('\u001b[');
  });
});
