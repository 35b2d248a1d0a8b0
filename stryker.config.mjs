// @ts-check
import { readFileSync } from 'node:fs';
/**
 * Mutation testing (StrykerJS 9.5, vitest runner, TypeScript checker), one module at a time:
 *   npm run mutate -- compare            one module (see MODULES below)
 *   npm run mutate -- compare scan-paths several, one Stryker run each
 *   npm run mutate                       every module in turn (long: run it niced, not in CI)
 * scripts/mutate.mjs picks the module through DISTDIFF_MUTATE_MODULE; running `npx stryker run` by hand
 * needs that variable too. Scores and accepted equivalent mutants: docs/mutation.md.
 *
 * Each module names the files it mutates and the test files that are run against them: the module's own
 * unit tests plus the verify()-level tests that reach it in-process (tests that spawn dist/cli.js run the
 * unmutated build and cannot kill a mutant, so they are left out). test/mutation/vitest.config.ts narrows
 * vitest's `include` to them; per-test coverage (made to work under vitest 4.1 by test/mutation/setup.ts)
 * then runs only the tests that execute a given mutant, and a static mutant runs them all with the module
 * evaluated afresh.
 */

/**
 * `file:start-end` (Stryker's mutation range) covering the lines from the line starting with `from` to the
 * line before the one starting with `to` (or the end of `from`'s function when `to` is omitted): the
 * verdict and escaping logic sit in files other work edits, so the range is found, not hard-coded.
 */
function range(file, from, to) {
  const lines = readFileSync(new URL(file, import.meta.url), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith(from));
  if (start < 0) throw new Error(`stryker.config.mjs: no line starting with ${JSON.stringify(from)} in ${file}`);
  const end = to === undefined ? lines.findIndex((l, i) => i > start && l.startsWith('}')) : lines.findIndex((l, i) => i > start && l.startsWith(to)) - 1;
  if (end < start) throw new Error(`stryker.config.mjs: no end for ${JSON.stringify(from)} in ${file}`);
  return `${file}:${start + 1}-${end + 1}`;
}

/** @type {Record<string, { mutate: string[]; testFiles: string[]; goal?: number }>} */
export const MODULES = {
  // Pairing the two trees and the line diff (the goal module).
  compare: {
    mutate: ['src/compare/compare.ts', 'src/compare/content-diff.ts'],
    // survivors.test.ts: a tarball-only file whose name extends a submodule's path (issue #15), via verify().
    testFiles: ['test/compare/*.test.ts', 'test/e2e/survivors.test.ts'],
    goal: 90,
  },
  // Look-alike and invisible characters in names: mostly module-level tables (see docs/mutation.md).
  'compare-names': {
    mutate: ['src/compare/confusables.ts', 'src/compare/invisible.ts'],
    testFiles: ['test/compare/*.test.ts', 'test/render/escaping.test.ts'],
  },
  'scan-paths': {
    mutate: ['src/scan/paths.ts'],
    testFiles: ['test/scan/paths*.test.ts'],
    goal: 90,
  },
  'scan-attributes': {
    mutate: ['src/scan/attributes.ts'],
    testFiles: ['test/scan/attributes*.test.ts', 'test/git/tree.test.ts'],
    goal: 90,
  },
  'scan-git-tree': {
    mutate: ['src/scan/git-tree.ts'],
    testFiles: ['test/git/tree.test.ts', 'test/e2e/survivors.test.ts'],
  },
  'scan-tar': {
    mutate: ['src/scan/tar.ts', 'src/scan/tar-scan.ts'],
    testFiles: ['test/scan/tar-formats.test.ts', 'test/scan/anomalies.test.ts'],
  },
  'scan-zip': {
    mutate: ['src/scan/zip.ts'],
    testFiles: ['test/scan/anomalies.test.ts', 'test/scan/tar-formats.test.ts'],
  },
  'classify-fallback': {
    mutate: ['src/classify/fallback.ts', 'src/classify/build-affecting.ts'],
    testFiles: ['test/classify/fallback*.test.ts'],
    goal: 90,
  },
  // A file configure writes again, shipped from a configured tree (stop 43): the listing reader, the instantiation
  // search and the plain-value rule decide whether a leaked file stays high.
  'classify-configured': {
    mutate: ['src/classify/configured-output.ts'],
    testFiles: ['test/classify/configured-output.test.ts'],
  },
  // Distributions' published patch series: series grouping, patch(1)-style hunk shapes (fuzz, refreshed replacement).
  'classify-distro-patches': {
    mutate: ['src/classify/distro-patches.ts'],
    testFiles: ['test/classify/distro-patches.test.ts', 'test/classify/distro-libtool.test.ts', 'test/classify/aclocal-copy.test.ts'],
  },
  'classify-m4': {
    mutate: ['src/classify/m4.ts'],
    testFiles: ['test/classify/m4*.test.ts', 'test/classify/upstream.test.ts'],
    goal: 90,
  },
  'classify-upstream': {
    mutate: ['src/classify/upstream.ts', 'src/classify/upstream-db.ts'],
    testFiles: ['test/classify/upstream.test.ts', 'test/classify/upstream-db.test.ts'],
  },
  'classify-suspicious': {
    mutate: ['src/classify/suspicious.ts'],
    testFiles: ['test/classify/suspicious.test.ts'],
  },
  'classify-policy': {
    mutate: ['src/classify/policy.ts'],
    testFiles: ['test/classify/policy.test.ts', 'test/e2e/policy.test.ts'],
  },
  // The verdict against the gate and the exit code it gives (severity order, tally, verdictOf, exitCodeOf).
  verdict: {
    mutate: [
      range('src/pipeline/result.ts', 'export function tally('),
      range('src/pipeline/result.ts', 'export function verdictOf('),
      range('src/pipeline/result.ts', 'export function exitCodeOf('),
      range('src/core/types.ts', 'export function severityRank('),
    ],
    testFiles: ['test/pipeline/verdict.test.ts'],
    goal: 90,
  },
  // What reports escape in text from the input (all renderers use these two).
  'render-escaping': {
    mutate: ['src/compare/invisible.ts', range('src/render/markdown.ts', 'export function mdText(')],
    testFiles: ['test/render/escaping.test.ts', 'test/compare/compare-exact.test.ts'],
  },
};

const name = process.env.DISTDIFF_MUTATE_MODULE;
const mod = name ? MODULES[name] : undefined;
if (name && !mod) throw new Error(`unknown mutation module "${name}"; one of: ${Object.keys(MODULES).join(', ')}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'test/mutation/vitest.config.ts', related: false },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  mutate: mod?.mutate ?? [],
  // The module's test files are selected by test/mutation/vitest.config.ts (vitest `include`), not by
  // Stryker's `testFiles`: with `testFiles` set, StrykerJS 9.5 runs a static mutant with run-time activation
  // (mutant-test-planner: a test filter means 'runtime'), so a mutant in module-level code never takes effect.
  // Two cores shared with other work: two test runners at most (override: npm run mutate -- X -- --concurrency 1).
  concurrency: 2,
  timeoutMS: 20_000,
  timeoutFactor: 2,
  dryRunTimeoutMinutes: 15,
  incremental: true,
  incrementalFile: `reports/mutation/${name ?? 'all'}.incremental.json`,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: `reports/mutation/${name ?? 'all'}.json` },
  htmlReporter: { fileName: `reports/mutation/${name ?? 'all'}.html` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  // One sandbox directory per module under .stryker-tmp/ (ignored by git), and none of them copied into
  // another's sandbox: modules can run side by side (`npm run mutate -- a &  npm run mutate -- b`).
  tempDirName: `.stryker-tmp/${name ?? 'all'}`,
  ignorePatterns: ['/.stryker-tmp'],
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 80, break: null },
};

export default config;
