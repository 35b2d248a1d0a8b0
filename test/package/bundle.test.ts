/**
 * The command line as `distdiff` runs it (package.json "bin"): the bundle scripts/bundle.mjs makes of tsc's
 * output in dist/bundle/ (README "Performance"). It must do what dist/cli.js does — same reports, exit codes,
 * batch worker, data files — and keep the generator and toolchain code out of what every run loads.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { comparable, readSummary } from '../batch/helpers.js';

const root = resolve(__dirname, '../..');
const bundleDir = join(root, 'dist', 'bundle');
const tsc = join(root, 'dist', 'cli.js');
const bin = join(root, (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { distdiff: string } }).bin.distdiff);

function run(cli: string, args: string[], cwd = root) {
  const p = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
  return { code: p.status, stdout: p.stdout, stderr: p.stderr };
}

/** The files a module loads with it: its static `import … from "./x.js"` / `export … from "./x.js"`, transitively. */
function staticClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+"(\.\/[^"]+)"|^import\s+"(\.\/[^"]+)"/gm)) todo.push(join(dirname(f), m[1] ?? m[2]!));
  }
  return seen;
}

const jsFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.js'))
    .map((e) => join(e.parentPath, e.name));

describe('the bundled command line (dist/bundle/)', () => {
  it('is what package.json runs as distdiff, an executable script', () => {
    // `npm test` builds first; a missing bundle is a failure here, not a skip.
    expect(existsSync(bin), `${relative(root, bin)} (run npm run build)`).toBe(true);
    expect(relative(root, bin)).toBe('dist/bundle/cli.js');
    expect(readFileSync(bin, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(run(bin, ['--version'])).toEqual(run(tsc, ['--version']));
  });

  it('writes the same reports with the same exit codes as dist/cli.js on the samples (regeneration included)', () => {
    for (const format of ['json', 'text', 'sarif']) {
      const a = run(tsc, ['samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--cache-dir', tempDir(), '--format', format]);
      const b = run(bin, ['samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--cache-dir', tempDir(), '--format', format]);
      expect(a.code).toBe(1);
      expect(b).toEqual(a);
    }
    // The sample has a configure, so the run went through the generator code (a chunk loaded on demand).
    expect(run(bin, ['samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--cache-dir', tempDir(), '--format', 'json']).stdout).toContain('"code": "REGENERATION"');
    const bad = run(bin, ['samples/no-such.tar.gz', '--repo', 'samples/hello.bundle']);
    expect(bad.code).toBe(2);
    expect(bad).toEqual(run(tsc, ['samples/no-such.tar.gz', '--repo', 'samples/hello.bundle']));
  });

  it('runs the batch worker from the bundle (forked from the directory of the code that forks it)', () => {
    const dir = tempDir();
    const manifest = join(dir, 'm.jsonl');
    writeFileSync(manifest, `${JSON.stringify({ id: 'hello', tarball: join(root, 'samples/hello-1.0.tar.gz'), repo: join(root, 'samples/hello.bundle') })}\n`);
    const rows = (cli: string) => {
      const out = join(dir, `out-${relative(root, cli).replace(/\W/g, '_')}`);
      const r = run(cli, ['batch', manifest, '--out', out, '--jobs', '1', '--cache-dir', join(dir, 'cache')]);
      expect(r.code, r.stderr).toBe(1);
      return readSummary(out).map((row) => ({ ...comparable(row), report: undefined }));
    };
    const b = rows(bin);
    expect(b).toHaveLength(1);
    expect(b[0]!.status).not.toBe('error');
    expect(b).toEqual(rows(tsc));
  });

  it('finds every data file: each `new URL("../../data/…", import.meta.url)` of dist/ is in the bundle and resolves', () => {
    const urls = (files: string[]) => new Set(files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/new URL\(['"](\.\.\/\.\.\/data\/[^'"]+)['"], import\.meta\.url\)/g)].map((m) => m[1]!)));
    const inBundle = urls(jsFiles(bundleDir));
    expect(inBundle.size).toBeGreaterThan(5);
    expect([...inBundle].sort()).toEqual([...urls(jsFiles(join(root, 'dist')).filter((f) => !f.startsWith(bundleDir)))].sort());
    for (const u of inBundle) expect(existsSync(resolve(bundleDir, u)), u).toBe(true);
  });

  it('keeps the generator, toolchain and batch code out of what every run loads (dynamic imports stay chunks)', () => {
    const loaded = [...staticClosure(bin)].map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(loaded).toContain('function verify(');
    expect(loaded).toContain('function nothingToRegenerate(');
    for (const fn of ['regenerate', 'addToolchain', 'addGitToolchain', 'replayMakeRules', 'runBatch']) expect(loaded, fn).not.toMatch(new RegExp(`function ${fn}\\(`));
    // …and they are there, behind an import() of the loaded code.
    const all = jsFiles(bundleDir).map((f) => readFileSync(f, 'utf8')).join('\n');
    for (const fn of ['regenerate', 'addToolchain', 'addGitToolchain', 'runBatch']) expect(all, fn).toMatch(new RegExp(`function ${fn}\\(`));
    expect(loaded).toMatch(/import\("\.\/regenerate-[\w-]+\.js"\)/);
  });
});
