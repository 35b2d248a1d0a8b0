/**
 * Setup file for mutation runs only (test/mutation/vitest.config.ts, used by stryker.config.mjs), loaded after
 * the StrykerJS vitest runner's own setup file.
 *
 * StrykerJS 9.5's vitest-runner hands its results back through `afterAll(({ meta }) => …)`: under vitest 3 the
 * first argument of an afterAll hook was the suite, under vitest 4.1 it is the fixture context and the suite is
 * the second argument, so that hook fails ("FixtureAccessError: The afterAll hook uses fixtures \"meta\"") and
 * Stryker receives no coverage and no hit count. Without coverage every mutant runs the module's whole test
 * selection and is activated only after the test file's imports ran, so a mutant in module-level code (a
 * table, a regex constant) is never active when that code runs and survives whatever the tests assert.
 *
 * This file does the same hand-over through the second argument. Stryker's own hook still fails after it
 * (afterAll hooks run in reverse order of registration, so this one runs first); a failed afterAll marks the
 * file, not its tests, and Stryker reads only the tests' results. Nothing here changes a test's outcome.
 */
import { afterAll, inject } from 'vitest';

// Provided by the Stryker runner ('__stryker__'); the instrumented code counts coverage and hits there.
const key = inject('globalNamespace' as never) as string | undefined;
const ns = (key === undefined ? {} : ((globalThis as Record<string, unknown>)[key] ??= {})) as { mutantCoverage?: unknown; hitCount?: number };

// The empty pattern is required: vitest 4.1 reads a hook's first parameter as the fixtures it uses.
// eslint-disable-next-line no-empty-pattern
afterAll(({}, suite) => {
  const meta = suite.meta as Record<string, unknown>;
  if ((inject('mode' as never) as string) === 'mutant') meta.hitCount = ns.hitCount;
  else meta.mutantCoverage = ns.mutantCoverage;
});
