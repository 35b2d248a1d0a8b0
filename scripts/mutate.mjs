#!/usr/bin/env node
/**
 * `npm run mutate -- <module>...`: StrykerJS on one or more modules of stryker.config.mjs, one run each,
 * niced, then a score table (Markdown rows for docs/mutation.md). No module: all of them, in turn.
 *   npm run mutate -- compare
 *   npm run mutate -- classify/m4 scan/paths      ('/' or '-' both work)
 *   npm run mutate -- --list                      the modules and what they mutate
 *   npm run mutate -- --survivors compare         the surviving mutants of the last run, one per line
 * Extra Stryker options go after `--`: npm run mutate -- compare -- --force   (ignore the incremental file)
 * Reports: reports/mutation/<module>.{json,html}; the incremental files there too (not in git).
 * Exit status: 0 when every run completed (whatever the score), 1 when a run failed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { MODULES } = await import(join(root, 'stryker.config.mjs'));

const argv = process.argv.slice(2);
const sep = argv.indexOf('--');
const names = (sep < 0 ? argv : argv.slice(0, sep)).filter((a) => !a.startsWith('--'));
const extra = sep < 0 ? [] : argv.slice(sep + 1);

if (argv.includes('--survivors')) {
  // Survived and uncovered mutants of the last run of each named module: file:line:column, mutator, replacement.
  for (const n of names.map((x) => x.replace(/\//g, '-'))) {
    const report = JSON.parse(readFileSync(join(root, 'reports', 'mutation', `${n}.json`), 'utf8'));
    for (const [file, f] of Object.entries(report.files)) {
      for (const m of f.mutants) {
        if (m.status !== 'Survived' && m.status !== 'NoCoverage') continue;
        const original = f.source.split('\n')[m.location.start.line - 1].trim();
        console.log(`${file}:${m.location.start.line}:${m.location.start.column} ${m.status} ${m.mutatorName}: ${JSON.stringify(m.replacement ?? '')}\n    ${original}`);
      }
    }
  }
  process.exit(0);
}
if (argv.includes('--list')) {
  for (const [n, m] of Object.entries(MODULES)) console.log(`${n.padEnd(20)} ${m.mutate.join(' ')}   (tests: ${m.testFiles.join(' ')})`);
  process.exit(0);
}
const wanted = names.length ? names.map((n) => n.replace(/^src\//, '').replace(/\.ts$/, '').replace(/\//g, '-')) : Object.keys(MODULES);
const unknown = wanted.filter((n) => !(n in MODULES));
if (unknown.length) {
  console.error(`mutate: unknown module(s) ${unknown.join(', ')}; one of: ${Object.keys(MODULES).join(', ')} (npm run mutate -- --list)`);
  process.exit(2);
}

// Tests that also check the built CLI need dist/ (they fail loudly without it); build once if it is missing.
if (!existsSync(join(root, 'dist', 'cli.js'))) {
  const b = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(1);
}

const stryker = join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');
const rows = [];
let failed = false;
for (const name of wanted) {
  console.log(`\n=== mutation testing: ${name} (${MODULES[name].mutate.join(' ')}) ===\n`);
  const t0 = Date.now();
  const p = spawnSync('nice', ['-n', '10', process.execPath, stryker, 'run', 'stryker.config.mjs', ...extra], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, DISTDIFF_MUTATE_MODULE: name },
  });
  const minutes = ((Date.now() - t0) / 60000).toFixed(1);
  if (p.status !== 0) {
    failed = true;
    rows.push(`| ${name} | run failed (exit ${p.status}) | | | | | ${minutes} min |`);
    continue;
  }
  rows.push(scoreRow(name, minutes));
}
console.log('\n| module | score | killed | survived | no coverage | timeout | wall |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
process.exit(failed ? 1 : 0);

/** Markdown row from the mutation-testing-report-schema JSON Stryker wrote for `name`. */
function scoreRow(name, minutes) {
  const report = JSON.parse(readFileSync(join(root, 'reports', 'mutation', `${name}.json`), 'utf8'));
  const n = { Killed: 0, Survived: 0, NoCoverage: 0, Timeout: 0 };
  for (const f of Object.values(report.files)) for (const m of f.mutants) if (m.status in n) n[m.status] += 1;
  const detected = n.Killed + n.Timeout;
  const valid = detected + n.Survived + n.NoCoverage;
  const score = valid ? ((100 * detected) / valid).toFixed(1) : 'n/a';
  return `| ${name} | ${score} % | ${n.Killed} | ${n.Survived} | ${n.NoCoverage} | ${n.Timeout} | ${minutes} min |`;
}
