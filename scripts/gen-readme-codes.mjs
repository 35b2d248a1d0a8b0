#!/usr/bin/env node
/**
 * Regenerates the "Finding codes" table in README.md from the code registry (dist/core/codes.js),
 * between the markers <!-- codes:start --> and <!-- codes:end -->. Run after `npm run build`.
 * test/docs.test.ts fails when the README is out of date.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The table comes from the built registry: refuse a dist/ older than the registry's sources (a rebase or edit after the
// last build would otherwise write an old table — the lag test/docs.test.ts kept catching on main).
for (const name of ['codes', 'wording']) {
  const src = join(root, `src/core/${name}.ts`);
  const built = join(root, `dist/core/${name}.js`);
  if (!existsSync(built) || statSync(built).mtimeMs < statSync(src).mtimeMs) {
    console.error(`gen-readme-codes: dist/core/${name}.js is older than src/core/${name}.ts — run \`npm run build\` first, then this script again`);
    process.exit(2);
  }
}
const { CODES } = await import(join(root, 'dist/core/codes.js'));

export function codesTable(codes) {
  const rows = ['| code | default | title | what it means |', '|---|---|---|---|'];
  for (const [code, d] of Object.entries(codes)) {
    const anchor = d.docs;
    rows.push(`| <a id="${anchor}"></a>\`${code}\` | ${d.severity}${d.explained ? ' (explained)' : ''} | ${d.title} | ${d.description.replace(/\|/g, '\\|')} |`);
  }
  return rows.join('\n');
}

const readme = join(root, 'README.md');
const text = readFileSync(readme, 'utf8');
const start = '<!-- codes:start -->';
const end = '<!-- codes:end -->';
const i = text.indexOf(start);
const j = text.indexOf(end);
if (i < 0 || j < i) throw new Error('README.md lacks the codes markers');
const next = text.slice(0, i + start.length) + '\n' + codesTable(CODES) + '\n' + text.slice(j);
if (process.argv.includes('--check')) {
  if (next !== text) {
    console.error('README.md finding-code table is out of date: run `npm run build && node scripts/gen-readme-codes.mjs`');
    process.exit(1);
  }
} else {
  writeFileSync(readme, next);
}
