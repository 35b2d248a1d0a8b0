/**
 * The derived-inputs post pass on its own (src/classify/derived-inputs.ts): a derived file is raised when an
 * input only the tarball has is not explained below high, chains are followed to a fixed point, and a run
 * with no derived file gets its findings back untouched (no copy, no per-path index: issue #14's memory).
 */
import { describe, expect, it } from 'vitest';
import { checkDerivedInputs } from '../../src/classify/derived-inputs.js';
import type { Finding } from '../../src/core/findings.js';
import { makeFinding } from '../../src/core/severity.js';

const derived = (path: string, inputs: string[]): Finding =>
  makeFinding('GENERATED_FROM_SOURCE', path, { how: 'computed', source: 'Makefile.am', generator: 'gen.pl', inputs: ['gen.pl'], tarballInputs: inputs } as never);
const unexplained = (path: string): Finding => makeFinding('TARBALL_ONLY_UNEXPLAINED', path, { size: 1, oid: 'a'.repeat(40), buildAffecting: false });
const explained = (path: string): Finding => makeFinding('NOT_PACKAGED', path, {} as never);
const summary = (fs: readonly Finding[]) => fs.map((f) => `${f.path} ${f.code} ${f.severity}${f.severityReason ? ` ${f.severityReason.reason}` : ''}`);

describe('checkDerivedInputs', () => {
  it('no derived file: the same array comes back, findings untouched', () => {
    const fs = [unexplained('a.c'), explained('b.c'), unexplained('c.c')];
    const before = summary(fs);
    expect(checkDerivedInputs(fs)).toBe(fs);
    expect(summary(fs)).toEqual(before);
  });

  it('an unexplained input raises its derived file to high; an explained one leaves it; the input array is not changed', () => {
    const fs = [unexplained('css.c'), derived('css_.c', ['css.c']), explained('help.c'), derived('funcs.h', ['help.c'])];
    const out = checkDerivedInputs(fs);
    expect(summary(out)).toEqual(['css.c TARBALL_ONLY_UNEXPLAINED high', 'css_.c GENERATED_FROM_SOURCE high flagged-input', 'help.c NOT_PACKAGED info', 'funcs.h GENERATED_FROM_SOURCE low']);
    expect(fs[1]!.severity).toBe('low');
  });

  it('a chain is followed whatever the order: a derived input raised makes what derives from it high', () => {
    // top.h derives from mid.c (listed before it), which derives from the unexplained base.c.
    const fs = [derived('top.h', ['mid.c']), derived('mid.c', ['base.c']), unexplained('base.c'), derived('other.h', ['absent.c'])];
    expect(summary(checkDerivedInputs(fs))).toEqual([
      'top.h GENERATED_FROM_SOURCE high flagged-input',
      'mid.c GENERATED_FROM_SOURCE high flagged-input',
      'base.c TARBALL_ONLY_UNEXPLAINED high',
      // an input with no finding at all proves nothing either
      'other.h GENERATED_FROM_SOURCE high flagged-input',
    ]);
  });

  it('a critical input lends its severity', () => {
    const base = { ...unexplained('base.c'), severity: 'critical' } as Finding;
    expect(summary(checkDerivedInputs([base, derived('d.c', ['base.c'])]))).toEqual(['base.c TARBALL_ONLY_UNEXPLAINED critical', 'd.c GENERATED_FROM_SOURCE critical flagged-input']);
  });
});
