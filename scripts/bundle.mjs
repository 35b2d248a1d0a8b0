#!/usr/bin/env node
// scripts/bundle.mjs — the second step of `npm run build`: bundles tsc's output for the command line into
// dist/bundle/ (README "Performance", "Start-up"). Node's ESM loader resolves, opens and links every module
// of dist/ on its own (≈ 160 files before the first byte is read), which cost ≈ 0.07 s of CPU per run; one
// module with the same code does not. Inputs are the built files (dist/cli.js and the batch worker, which
// src/batch/run.ts forks from the directory of the module that forks it), so the bundle is the code the tests
// run. Packages from node_modules stay imports (installed as dependencies, each under its own licence);
// dynamic imports stay chunks of their own, so the generator and toolchain code still loads only when a run
// needs it (test/package/bundle.test.ts checks both). dist/bundle/ sits one directory below dist/, as every
// module of dist/ does, so the data files (`new URL('../../data/…', import.meta.url)`) resolve the same.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'bundle');
rmSync(out, { recursive: true, force: true });
await build({
  cwd: root,
  input: { cli: join(root, 'dist/cli.js'), worker: join(root, 'dist/batch/worker.js') },
  platform: 'node',
  // Bare specifiers (packages, node: builtins) are left to node; only distdiff's own modules are joined.
  external: (id) => !id.startsWith('.') && !id.startsWith('/'),
  logLevel: 'warn',
  output: { dir: out, format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
});
