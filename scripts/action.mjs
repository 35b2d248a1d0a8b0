#!/usr/bin/env node
/**
 * The GitHub Action's step (action.yml): one verification through the library, then what GitHub reads —
 * the report in the chosen format on stdout (the log), a SARIF file under $RUNNER_TEMP for code scanning,
 * the Markdown report appended to $GITHUB_STEP_SUMMARY, and `verdict` and `sarif` written to $GITHUB_OUTPUT.
 * Inputs come as DISTDIFF_* environment variables (action.yml maps them). Exit codes are the CLI's:
 * 0 passed, 1 findings at or above fail-on, 2 error (one line `distdiff: …`, verdict=error).
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const { verify, render, DistdiffError, FORMATS } = await import(pathToFileURL(join(here, '../dist/index.js')).href);

const env = process.env;
const output = (key, value) => {
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `${key}=${value}\n`);
};

async function main() {
  const format = env.DISTDIFF_FORMAT || 'text';
  if (!FORMATS.includes(format)) throw new DistdiffError('usage', `format ${format}`, 'not a report format', `use one of ${FORMATS.join(', ')}`);
  const temp = env.RUNNER_TEMP || tmpdir();
  const cacheDir = resolve(env.DISTDIFF_CACHE_DIR || join(temp, 'distdiff-cache'));
  mkdirSync(cacheDir, { recursive: true });
  const result = await verify({
    tarball: env.DISTDIFF_TARBALL ?? '',
    repo: env.DISTDIFF_REPO || '.',
    ...(env.DISTDIFF_TAG ? { tag: env.DISTDIFF_TAG } : {}),
    ...(env.DISTDIFF_FAIL_ON ? { failOn: env.DISTDIFF_FAIL_ON } : {}),
    ...(env.DISTDIFF_ACCEPT_UNPROVED === 'true' ? { acceptUnproved: true } : {}),
    cacheDir,
  });
  const sarif = join(temp, 'distdiff.sarif');
  writeFileSync(sarif, render(result, 'sarif'));
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, render(result, 'markdown'));
  process.stdout.write(render(result, format));
  output('verdict', result.verdict);
  output('sarif', sarif);
  process.stderr.write(`distdiff: ${result.verdict.toUpperCase()} — SARIF written to ${sarif}\n`);
  return result.verdict === 'different' ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    const line = err instanceof DistdiffError ? err.oneLine() : `internal error: ${String(err instanceof Error ? err.message : err).split('\n')[0]}; please report this`;
    process.stderr.write(`distdiff: ${line}\n`);
    output('verdict', 'error');
    output('sarif', '');
    process.exitCode = 2;
  },
);
