import { defineConfig } from 'vitest/config';
import base from '../../vitest.config.js';

/**
 * The vitest config of mutation runs (stryker.config.mjs): the project's config with
 * - `include` narrowed to the test files of the module under test (MODULES[DISTDIFF_MUTATE_MODULE].testFiles).
 *   Stryker's own `testFiles` option is not used: with it, StrykerJS 9.5 activates a static mutant (one in
 *   module-level code) only at run time, after the module was evaluated, so such a mutant always survives;
 * - the coverage hand-over the vitest runner needs under vitest 4.1 (setup.ts).
 */
const name = process.env.DISTDIFF_MUTATE_MODULE;
const { MODULES } = (await import(new URL('../../stryker.config.mjs', import.meta.url).href)) as {
  MODULES: Record<string, { testFiles: string[] }>;
};
const mod = name === undefined ? undefined : MODULES[name];
if (!mod) throw new Error(`test/mutation/vitest.config.ts: DISTDIFF_MUTATE_MODULE must name a module of stryker.config.mjs (got ${name})`);

// Spread, not mergeConfig: mergeConfig concatenates arrays, and `include` must replace the project's.
export default defineConfig({
  ...base,
  test: { ...base.test, include: mod.testFiles, setupFiles: ['test/mutation/setup.ts'] },
});
