import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPolicy, globMatch, loadPolicy, parsePolicy } from '../../src/classify/policy.js';
import { DistdiffError } from '../../src/core/errors.js';
import { makeFinding } from '../../src/core/severity.js';
import { tempDir } from '../helpers/tmp.js';

describe('globMatch', () => {
  it.each([
    ['doc/api/**', 'doc/api/a/b.html', true],
    ['doc/api/**', 'doc/apix/a.html', false],
    ['**/*.gmo', 'po/de.gmo', true],
    ['**/*.gmo', 'de.gmo', true],
    ['*.gmo', 'po/de.gmo', false],
    ['po/*.po', 'po/de.po', true],
    ['po/*.po', 'po/sub/de.po', false],
    ['m4/**/x.m4', 'm4/x.m4', true],
    ['m4/{gettext,iconv}.m4', 'm4/iconv.m4', true],
    ['m4/{gettext,iconv}.m4', 'm4/lib.m4', false],
    ['po/?.po', 'po/a.po', true],
    ['po/[!a]*.po', 'po/de.po', true],
    ['po/[!a]*.po', 'po/ar.po', false],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['.github/**', '.github/workflows/ci.yml', true],
    ['*', '.hidden', true],
  ])('%s vs %s → %s', (glob, path, want) => {
    expect(globMatch(glob, path)).toBe(want);
  });
});

describe('parsePolicy', () => {
  const bad = (v: unknown) => {
    try {
      parsePolicy(v, 'p.json');
    } catch (e) {
      expect(e).toBeInstanceOf(DistdiffError);
      expect((e as DistdiffError).kind).toBe('config');
      expect((e as DistdiffError).input).toBe('p.json');
      return (e as DistdiffError).message;
    }
    throw new Error('accepted');
  };

  it('accepts a full policy', () => {
    expect(parsePolicy({ allow: [{ path: 'doc/**', code: 'GENERATED_DOCS', reason: ' Doxygen ' }], severity: { GIT_ONLY: 'info' }, failOn: 'medium' }, 'p.json')).toEqual({
      allow: [{ path: 'doc/**', code: 'GENERATED_DOCS', reason: 'Doxygen' }],
      severity: { GIT_ONLY: 'info' },
      failOn: 'medium',
      source: 'p.json',
    });
    expect(parsePolicy({})).toEqual({ allow: [], severity: {}, source: 'distdiff.config.json' });
  });

  it.each([
    [[], /JSON object/],
    [{ allowed: [] }, /unknown key "allowed"/],
    [{ allow: {} }, /must be an array/],
    [{ allow: [{ path: 'x' }] }, /non-empty "reason"/],
    [{ allow: [{ path: 'x', reason: '  ' }] }, /non-empty "reason"/],
    [{ allow: [{ path: '', reason: 'r' }] }, /non-empty glob/],
    [{ allow: [{ path: 'x', reason: 'r', code: 'NOPE' }] }, /unknown finding code "NOPE"/],
    [{ allow: [{ path: 'x', reason: 'r', why: 1 }] }, /unknown key "why"/],
    [{ allow: [{ path: 'x{a', reason: 'r' }] }, /bad glob/],
    [{ severity: { NOPE: 'low' } }, /unknown finding code "NOPE"/],
    [{ severity: { GIT_ONLY: 'urgent' } }, /not a severity/],
    [{ failOn: 'never' }, /not a severity/],
  ])('rejects %j', (v, re) => {
    expect(bad(v)).toMatch(re);
  });
});

describe('loadPolicy', () => {
  const dir = tempDir();
  it('reads a file and reports missing or malformed files as config errors', () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ failOn: 'critical' }));
    expect(loadPolicy(good)).toEqual({ allow: [], severity: {}, failOn: 'critical', source: good });
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "allow": ');
    expect(() => loadPolicy(broken)).toThrow(/not valid JSON/);
    expect(() => loadPolicy(join(dir, 'missing.json'))).toThrow(/not found/);
  });
});

describe('applyPolicy', () => {
  const docs = makeFinding('GENERATED_DOCS', 'doc/api/a.html', { kind: 'html' });
  const m4 = makeFinding('TARBALL_ONLY_UNEXPLAINED', 'm4/x.m4', { size: 1, buildAffecting: true });
  const gitOnly = makeFinding('GIT_ONLY', '.gitignore', { type: 'file' });

  it('allows matching findings at info with the reason and overrides severities', () => {
    const out = applyPolicy([docs, m4, gitOnly], {
      allow: [
        { path: 'doc/**', code: 'GENERATED_DOCS', reason: 'API docs' },
        { path: 'm4/*.m4', code: 'GENERATED_DOCS', reason: 'wrong code: no match' },
      ],
      severity: { GIT_ONLY: 'info', GENERATED_DOCS: 'medium' },
    });
    expect(out[0]).toEqual({ ...docs, severity: 'info', allowed: { reason: 'API docs', originalSeverity: 'medium' } });
    expect(out[1]).toEqual(m4);
    expect(out[2]).toEqual({ ...gitOnly, severity: 'info' });
    expect(docs.severity).toBe('low'); // inputs untouched
  });

  it('an allowance without a code matches any finding on the path', () => {
    const out = applyPolicy([m4], { allow: [{ path: 'm4/**', reason: 'reviewed' }], severity: {} });
    expect(out[0]!.allowed).toEqual({ reason: 'reviewed', originalSeverity: 'high' });
  });
});
