/**
 * Minified bundles proved by a rerun of the minifier the release pins (npm25). A minifier's output cannot be
 * proved by its source map line by line (its names are never the source line's, one line maps to hundreds), and
 * a token normalisation of it against a proved unminified sibling does not hold either (measured on immer 10.1.1:
 * esbuild renames by frequency and drops dead code first, 322 of ~6,500 tokens differ). So the bundle is rebuilt:
 *
 *  - the minifier is esbuild, at exactly the version the tracked lockfile of the package pins (yarn.lock v1,
 *    package-lock.json, pnpm-lock.yaml: `esbuildPin`), run from the cache (`distdiff toolchain add npm:esbuild@V`
 *    puts the registry's integrity-checked `@esbuild/linux-<arch>` binary there; nothing is fetched here);
 *  - it runs in the bubblewrap sandbox (no network, read-only toolchain) on a scratch copy of the tag's tracked
 *    sources: `esbuild ENTRY --bundle --minify --format=F`, ENTRY a tracked source the bundle's own source map
 *    names, F the output's module format; `--define:process.env.NODE_ENV="production"` when the sources read
 *    process.env.NODE_ENV and the bundle does not; `--mangle-props=RE` when a tracked build configuration sets
 *    `mangleProps` to the regular expression literal RE. None of these options adds code: define only selects
 *    branches of the sources, property mangling only renames;
 *  - the shipped bundle must equal esbuild's output byte for byte, after dropping its last line's
 *    `//# sourceMappingURL=` comment and, for a CommonJS bundle, tsup's appended `0&&(module.exports={A,B,…});`
 *    (cjs-module-lexer's annotation: names only, after `0&&` never evaluated). One token more is a mismatch.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { ClassifyContext } from '../classify/types.js';
import type { MinifierRerun } from '../core/findings.js';
import type { SourceMap } from './npm-dist.js';

/** The esbuild version a lockfile's text pins (the package `esbuild` itself), or undefined. */
export function esbuildPin(lockfile: string, text: string): string | undefined {
  const base = posix.basename(lockfile);
  if (base === 'yarn.lock') {
    // yarn v1: `esbuild@^0.17.6:` / `"esbuild@^0.17.6", esbuild@~0.17:` then `  version "0.17.15"`; yarn berry: `"esbuild@npm:^0.17.6":` then `  version: 0.17.15`
    const m = /^"?esbuild@[^\n]*:\n(?:[ \t]+[^\n]*\n)*?[ \t]+version:? "?(\d+\.\d+\.\d+)"?\s*$/m.exec(text);
    return m?.[1];
  }
  if (base === 'package-lock.json') {
    try {
      const j = JSON.parse(text) as { packages?: Record<string, { version?: unknown }>; dependencies?: Record<string, { version?: unknown }> };
      const v = j.packages?.['node_modules/esbuild']?.version ?? j.dependencies?.esbuild?.version;
      return typeof v === 'string' && /^\d+\.\d+\.\d+$/.test(v) ? v : undefined;
    } catch {
      return undefined;
    }
  }
  if (base === 'pnpm-lock.yaml') {
    const m = /^\s+'?\/?esbuild@(\d+\.\d+\.\d+)(?:\(|'?:)/m.exec(text);
    return m?.[1];
  }
  return undefined;
}

const LOCKFILES = ['yarn.lock', 'package-lock.json', 'pnpm-lock.yaml'];
const CONFIG = /^(?:tsup|esbuild|build)\.config\.[cm]?[jt]s$|^(?:scripts|build)\/[^/]+\.[cm]?[jt]s$/;
const MANGLE = /\bmangleProps\s*[:=]\s*\/((?:\\.|[^/\\\n[]|\[(?:\\.|[^\]\\\n])*\])+)\/(?![a-z])/;
// the comment ends where JavaScript ends a line comment: at \n, \r, U+2028 or U+2029 (red team 26: `[^\n]*` read code
// after a U+2028 as part of the comment — immer 10.1.1's production bundle gaining a prototype getter there was proved)
const TRAILER = /\n?\/\/# sourceMappingURL=[^\n\r\u2028\u2029]*\n?$/;
const CJS_ANNOTATION = /^0&&\(module\.exports=\{[A-Za-z_$][\w$]*(?:,[A-Za-z_$][\w$]*)*\}\);$/;

/** Whether `shipped` is exactly esbuild's `built` output (see the header: the map comment, tsup's CommonJS annotation). */
export function sameMinifiedOutput(shipped: string, built: string, format: 'esm' | 'cjs'): boolean {
  const body = shipped.replace(TRAILER, (m) => (m.startsWith('\n') ? '\n' : ''));
  if (body === built) return true;
  if (format !== 'cjs' || !built.endsWith('\n') || !body.endsWith('\n')) return false;
  const head = built.slice(0, -1);
  if (!body.startsWith(head)) return false;
  return CJS_ANNOTATION.test(body.slice(head.length, -1));
}

/** The module format of a minified bundle: .mjs/.cjs by name, else CommonJS when it assigns module.exports. */
export function bundleFormat(path: string, text: string): 'esm' | 'cjs' {
  if (/\.mjs$/.test(path)) return 'esm';
  if (/\.cjs$/.test(path)) return 'cjs';
  return /\bmodule\.exports\s*=/.test(text) ? 'cjs' : 'esm';
}

export type EsbuildRerun = MinifierRerun;

/** The cached esbuild binary of exactly `version` (`distdiff toolchain add npm:esbuild@V`): its prefix (bin/esbuild), or undefined. */
export function esbuildToolchain(cacheDir: string, version: string): string | undefined {
  const prefix = join(cacheDir, 'npm-tools', `esbuild-${version}`);
  try {
    const m = JSON.parse(readFileSync(join(prefix, 'tool.json'), 'utf8')) as { name?: unknown; version?: unknown };
    return m.name === 'esbuild' && m.version === version && existsSync(join(prefix, 'bin', 'esbuild')) ? prefix : undefined;
  } catch {
    return undefined;
  }
}

const TREE_FILE = /\.(?:[cm]?[jt]sx?|json)$/;
const MAX_TREE = 64 * 1024 * 1024;
const MAX_OUTPUT = 16 * 1024 * 1024;

/**
 * Rebuild a minified bundle with the pinned esbuild in the sandbox: the rerun that reproduces `text`, or undefined
 * (no pin, no cached esbuild of that version, no sandbox, or no run writes exactly the shipped bytes).
 */
export async function esbuildRerun(path: string, text: string, map: SourceMap, mapAt: string, ctx: ClassifyContext): Promise<EsbuildRerun | undefined> {
  if (!ctx.toolchainCache || ctx.noGenerators || ctx.regeneration?.status === 'off') return undefined;
  let pin: { version: string; lockfile: string } | undefined;
  for (const l of LOCKFILES) {
    if (!ctx.gitPaths.has(l)) continue;
    const v = esbuildPin(l, (await ctx.content.git(l))?.toString('utf8') ?? '');
    if (v) {
      pin = { version: v, lockfile: l };
      break;
    }
  }
  if (!pin) return undefined;
  const prefix = esbuildToolchain(ctx.toolchainCache, pin.version);
  if (!prefix) return undefined;
  // entry candidates: the map's tracked sources, the one named like the bundle first (immer.production.mjs → src/immer.ts)
  const mapDir = posix.dirname(mapAt);
  const sources = (map.sources ?? [])
    .map((s) => (typeof s === 'string' ? posix.normalize(posix.join(mapDir, map.sourceRoot ?? '', s)) : ''))
    .filter((s) => s && !s.startsWith('..') && ctx.gitPaths.has(s) && /\.[cm]?[jt]sx?$/.test(s));
  if (!sources.length) return undefined;
  const stem = posix.basename(path).split('.')[0]!;
  const named = sources.filter((s) => posix.basename(s).replace(/\.[^.]*$/, '') === stem);
  const entries = [...new Set([...named, sources[sources.length - 1]!, sources[0]!])].slice(0, 3);
  const format = bundleFormat(path, text);
  const args = ['--bundle', '--minify', `--format=${format}`];
  const embedded = (map.sourcesContent ?? []).some((c) => typeof c === 'string' && c.includes('process.env.NODE_ENV'));
  if (embedded && !text.includes('process.env.NODE_ENV')) args.push('--define:process.env.NODE_ENV="production"');
  for (const p of [...ctx.gitPaths].filter((q) => CONFIG.test(q)).sort()) {
    const m = MANGLE.exec((await ctx.content.git(p))?.toString('utf8') ?? '');
    if (m) {
      args.push(`--mangle-props=${m[1]}`);
      break;
    }
  }
  const top = [...new Set(sources.map((s) => s.split('/')[0]!))].sort();
  let memo = RUNS.get(ctx.gitPaths);
  if (!memo) RUNS.set(ctx.gitPaths, (memo = new Map()));
  for (const entry of entries) {
    // one sandboxed run per distinct rebuild of a verify: the bundles of one package share their entry and options
    const key = [prefix, entry, ...args, ...top].join('\0');
    let built = memo.get(key);
    if (!built) memo.set(key, (built = runEsbuild(prefix, entry, args, top, ctx)));
    const out = await built;
    if (out !== undefined && sameMinifiedOutput(text, out, format)) return { tool: 'esbuild', version: pin.version, lockfile: pin.lockfile, entry, argv: ['esbuild', entry, ...args] };
  }
  return undefined;
}

/** The esbuild runs of a verify (keyed by its tracked path set): toolchain, entry, options, tree → the output, or undefined. */
const RUNS = new WeakMap<ReadonlySet<string>, Map<string, Promise<string | undefined>>>();

/** Run `esbuild ENTRY ARGS` in the sandbox on a scratch copy of the tracked scripts under `top` and the top directory's files. */
async function runEsbuild(prefix: string, entry: string, args: readonly string[], top: readonly string[], ctx: ClassifyContext): Promise<string | undefined> {
  const { probeSandbox, runSandboxed, writeTrackedTree } = await import('../regenerate/sandbox.js');
  const sandbox = await probeSandbox();
  if (!sandbox.ok) return undefined;
  const scratch = mkdtempSync(join(tmpdir(), 'distdiff-esbuild-'));
  try {
    const tree = join(scratch, 'tree');
    mkdirSync(tree, { recursive: true });
    const tops = new Set(top);
    await writeTrackedTree(tree, [...ctx.gitPaths].sort(), (p) => TREE_FILE.test(p) && (tops.has(p.split('/')[0]!) || !p.includes('/')), (p) => ctx.content.git(p), MAX_TREE);
    const argv = ['esbuild', entry, ...args, '--outfile=../out.js', '--log-level=error'];
    const r = await runSandboxed(sandbox.bwrap, { scratch, cwd: 'tree', argv, toolchains: [prefix], limits: { wallMs: 120_000, cpuSeconds: 120, fileBytes: MAX_OUTPUT } });
    const out = join(scratch, 'out.js');
    return r.code === 0 && existsSync(out) ? readFileSync(out, 'utf8') : undefined;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
