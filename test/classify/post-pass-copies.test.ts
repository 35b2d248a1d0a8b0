/**
 * Every registered post pass, on a run where it has nothing to replace (plain tarball-only files, a
 * build file without constructs, no regeneration report), gives the classified array back itself: no copy
 * and no per-path index of every finding (issue #14: with 2,000,000 findings each copy is ~16 MB and each
 * map ~100 MB at the explain stage's peak; two passes that indexed every finding raised the peak ~10 %).
 * With something to replace, a pass returns a new array and leaves its input as it was.
 */
import { describe, expect, it } from 'vitest';
import { classifyEach, POST_PASSES } from '../../src/classify/index.js';
import type { Finding } from '../../src/core/findings.js';
import { makeCtx } from './ctx-helper.js';

const summary = (fs: readonly Finding[]) => fs.map((f) => `${f.path} ${f.code} ${f.severity}`);

describe('post passes with nothing to replace', () => {
  const tarball: Record<string, string> = { 'configure.ac': 'AC_INIT([p], [1])\n', 'README': 'p\n' };
  for (let i = 0; i < 200; i++) tarball[`data/f${i}.txt`] = `file ${i}\n`;
  const git = { 'configure.ac': 'AC_INIT([p], [1])\n', 'README': 'p\n' };

  for (const pass of POST_PASSES) {
    it(`${pass.id}: returns the same array, findings untouched`, async () => {
      const ctx = makeCtx({ git, tarball });
      const findings = await classifyEach(ctx);
      expect(findings).toHaveLength(200);
      const before = summary(findings);
      const out = await pass.run(findings, ctx);
      expect(out).toBe(findings);
      expect(summary(out)).toEqual(before);
    });
  }

  it('suspicious-constructs: with a construct to flag, a new array; the input stays as classified', async () => {
    const ctx = makeCtx({ git, tarball: { ...tarball, 'm4/evil.m4': 'gl_x=`grep -aErls "#{4}[[:alnum:]]{5}#{4}$" $srcdir/ 2>/dev/null`\n' } });
    const findings = await classifyEach(ctx);
    const before = summary(findings);
    const pass = POST_PASSES.find((p) => p.id === 'suspicious-constructs')!;
    const out = await pass.run(findings, ctx);
    expect(out).not.toBe(findings);
    expect(summary(findings)).toEqual(before);
    expect(summary(out).filter((s) => !s.startsWith('data/'))).toEqual(['m4/evil.m4 TARBALL_ONLY_UNEXPLAINED critical']);
  });
});
