#!/usr/bin/env node
/**
 * Regenerates the README's output examples from the real tool (dist/cli.js) on the bundled samples, with a
 * fresh cache directory so nothing depends on earlier runs:
 *   <!-- example:demo:start/end -->  the head of the text report on samples/xzlike (the `npm run demo` run),
 *                                     down to the "Inputs" section
 *   <!-- example:json:start/end -->  `--format json --accept-unproved` on samples/hello-1.0.tar.gz, abridged: the machine's
 *                                     absolute path and long diffs shown as "…", one finding of each list
 *                                     kept; every count is the tool's own
 * Run after `npm run build`:  node scripts/gen-readme-examples.mjs   (rewrites README.md)
 *                             node scripts/gen-readme-examples.mjs --check   (exit 1 when README.md is stale;
 *                             test/docs.test.ts runs this)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');

function run(args, expectCode) {
  const cache = mkdtempSync(join(tmpdir(), 'distdiff-readme-'));
  try {
    const p = spawnSync(process.execPath, [cli, ...args, '--cache-dir', cache], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    if (p.status !== expectCode) {
      throw new Error(`distdiff ${args.join(' ')}: exit ${p.status} (expected ${expectCode}): ${p.stderr || p.error}`);
    }
    return p.stdout;
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

/** The text report of the xz-shaped sample down to its Inputs section (what the README's first block shows). */
export function demoExample() {
  // As the demo's last run: --accept-unproved, so that what fails is the xz-shaped macro alone.
  const out = run(['samples/xzlike/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--accept-unproved'], 1);
  const lines = out.split('\n');
  const inputs = lines.indexOf('Inputs');
  if (inputs < 1) throw new Error('the text report has no "Inputs" section');
  return ['```', ...lines.slice(0, inputs - 1), '…', '```'].join('\n');
}

const WIDTH = 110;
const ELIDED = '…';
const VERDICTS = '"identical" | "explained" | "review" | "different"';

/**
 * JSON with the README's layout: an object or array that fits on one line (at its indentation, under WIDTH
 * characters) is written on one line, others one member per line. `comment(path)` may add a `// …` after a
 * member; `more(path)` a trailing `// …` line inside an array.
 */
function layout(value, indent, path, hooks) {
  const one = JSON.stringify(value, null, 1).replace(/\n\s*/g, ' ').replace(/\[ /g, '[').replace(/ \]/g, ']');
  const pad = '  '.repeat(indent);
  if (value === null || typeof value !== 'object' || (pad.length + one.length <= WIDTH && !hooks.forceOpen(path))) return one;
  const inner = '  '.repeat(indent + 1);
  const items = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  const rows = items.map(([k, v], i) => {
    const member = `${Array.isArray(value) ? '' : `${JSON.stringify(k)}: `}${layout(v, indent + 1, [...path, k], hooks)}`;
    const comma = i < items.length - 1 ? ',' : '';
    const note = hooks.comment([...path, k]);
    return `${inner}${member}${comma}${note ? `  // ${note}` : ''}`;
  });
  const more = Array.isArray(value) ? hooks.more(path) : undefined;
  if (more) rows.push(`${inner}// ${more}`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  const head = hooks.openComment(path);
  return `${open}${head ? `  // ${head}` : ''}\n${rows.join('\n')}\n${pad}${close}`;
}

/** `--format json` on the clean sample, abridged for the README (a jsonc block). */
export function jsonExample() {
  // --accept-unproved: the sample's configure and Makefile.in are hand-written stand-ins nothing reproduces (exit 1 without it).
  const j = JSON.parse(run(['samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--format', 'json', '--accept-unproved'], 0));
  const total = j.findings.length;
  // One finding with evidence and a diff: the first PO_MSGMERGE_ONLY (what the paragraph below describes).
  const shown = j.findings.find((f) => f.code === 'PO_MSGMERGE_ONLY' && f.diff);
  if (!shown) throw new Error('the sample no longer produces a PO_MSGMERGE_ONLY finding with a diff');
  const firstLine = shown.diff.unified.split('\n').find((l) => l.startsWith('--- '));
  const abridged = {
    ...j,
    inputs: { ...j.inputs, tarball: { ...j.inputs.tarball, path: ELIDED } },
    findings: [{ ...shown, diff: { ...shown.diff, unified: `${firstLine}${ELIDED}` } }],
  };
  const hooks = {
    forceOpen: (p) => p.length <= 1 || p.join('.') === 'findings.0',
    comment: (p) => (p.join('.') === 'verdict' ? VERDICTS : p.join('.') === 'inputs.tarball.path' ? 'the absolute path on this machine' : undefined),
    openComment: (p) => (p.join('.') === 'findings' ? `${total} findings, one per path (and per anomaly, and per group of unproved build outputs), sorted by path then code; one shown` : undefined),
    more: (p) => (p.join('.') === 'findings' ? `… ${total - 1} more` : undefined),
  };
  return ['```jsonc', layout(abridged, 0, [], hooks), '```'].join('\n');
}

function replaceBetween(text, name, body) {
  const start = `<!-- example:${name}:start -->`;
  const end = `<!-- example:${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README.md lacks the ${start} … ${end} markers`);
  return text.slice(0, i + start.length) + '\n' + body + '\n' + text.slice(j);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const readme = join(root, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const next = replaceBetween(replaceBetween(text, 'demo', demoExample()), 'json', jsonExample());
  if (process.argv.includes('--check')) {
    if (next !== text) {
      console.error('README.md output examples are out of date: run `npm run build && node scripts/gen-readme-examples.mjs`');
      process.exit(1);
    }
  } else if (next !== text) {
    writeFileSync(readme, next);
    console.log('README.md examples regenerated');
  }
}
