/**
 * npm profile. `npm pack` leaves package.json as it is in git; pnpm and yarn rewrite `workspace:` /
 * `catalog:` versions and apply `publishConfig`. The tarball holds what `files` lists, plus build output.
 *
 *  - package.json changed: install lifecycle scripts added/changed → NPM_INSTALL_SCRIPT (high); any other
 *    field npm/pnpm/yarn would not rewrite → NPM_MANIFEST_CHANGED (high); only rewrites → NPM_MANIFEST_REWRITE
 *    (a `workspace:`/`catalog:` dependency only into a plain registry range: registryRange).
 *  - tarball-only file under an output directory with a source file of the same stem in git (or a source
 *    tree at all: bundles) → NPM_BUILD_OUTPUT (info) when proved (./npm-dist.ts: the tokens of a tracked
 *    script, or a source map embedding exactly the tracked sources and mapping every code line),
 *    NPM_BUILD_OUTPUT_MISMATCH (high) when its map contradicts git or leaves code lines unmapped, else
 *    NPM_BUILD_OUTPUT_UNPROVED (low: built, not proved); a script using a capability no tracked source uses
 *    (child_process, eval, base64 decoding, network, native code) is raised to high. A script with no
 *    source in git → NPM_UNSOURCED_OUTPUT (high).
 *  - git-only files → NOT_PACKAGED (npm only packs what `files` / .npmignore select).
 */
import { isDeepStrictEqual } from 'node:util';
import type { EvidenceMap, Finding, NpmRewriteKind } from '../core/findings.js';
import { baseOf, dirOf, normalisePath } from '../classify/paths.js';
import { echoWrites, heredocWrites, scriptInvocations } from './npm-heredoc.js';
import { BUNDT_MODELLED, bundtOutputs, type BundtOutput } from './npm-bundt.js';
import { cleanPublishProblem, directoryStubProblem, dualManifestProblem, esmConversion, specifierResolves } from './npm-dual.js';
import { capabilitiesOf, decodeMappings, foreignNames, inlineMap, parseSourceMap, sameTokens, sourceMappingUrl, unmappedCodeLines, type Capability, type SourceMap } from './npm-dist.js';
import { esbuildRerun } from './npm-minified.js';
import { directoryFiles, fileListShape, listedDirectory, nodeScripts, scriptNamesList, valuesInFiles } from './npm-file-list.js';
import { inferredTypeNames } from './npm-declaration.js';
import { blobId } from '../scan/blob-id.js';
import { oncePer } from '../util/memo.js';
import { escalate, makeFinding } from '../core/severity.js';
import type { PathDiff } from '../core/types.js';
import type { Classifier, ClassifyContext } from '../classify/types.js';
import type { ProfileInfo } from './types.js';

export const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'] as const;
const DEP_FIELDS = new Set(['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']);

export interface ManifestComparison {
  install: { name: string; git?: string; tarball?: string }[];
  changed: string[];
  rewrites: { field: string; kind: NpmRewriteKind }[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const strOrUndef = (v: unknown) => (typeof v === 'string' ? v : v === undefined ? undefined : JSON.stringify(v));

/**
 * Whether a dependency spec is a plain semver range of the registry — what pnpm/yarn write for `workspace:` (the
 * member's version, `^`/`~` kept) and `catalog:` (the catalog's range): digits, `x`/`*`, operators, `||`, hyphen
 * ranges, prerelease and build tags. Never a URL, a git or file spec, a GitHub `user/repo`, an `npm:other@1` alias
 * or a dist-tag (red team 13: `workspace:^` shipped as `npm:evil-pkg@1.0.0` or `git+https://…` was a rewrite).
 */
export function registryRange(spec: string): boolean {
  const s = spec.trim();
  return s !== '' && !/[:/\\@#]/.test(s) && /^(?:[\s^~<>=|*xX.-]|v?\d[\w.+-]*)+$/.test(s) && /[\d*xX]/.test(s);
}

/**
 * What pnpm's publish drops from the manifest (pnpm/pnpm `createExportableManifest`, pkg-manifest/exportable-manifest:
 * `omit(['pnpm', 'scripts', 'packageManager'])`, then `scripts` put back without its PREPUBLISH_SCRIPTS — the list is
 * the same in every release 7.0.0–10.x; `packageManager` is omitted since 9.0.0, `pnpm` in every release).
 */
export const PNPM_PREPUBLISH_SCRIPTS = ['prepublishOnly', 'prepack', 'prepare', 'postpack', 'publish', 'postpublish'] as const;
export interface PnpmPublish {
  /** pnpm's major version when the repository names it (`packageManager: pnpm@X`), else undefined (a lockfile only). */
  major?: number;
}

/**
 * Field-by-field comparison of git's package.json with the tarball's. `version`: the release version, when known;
 * `pnpm`: the repository is published with pnpm (see pnpmPublish), whose exportable manifest drops fields.
 */
export function compareManifests(git: Obj, tar: Obj, version?: string, pnpm?: PnpmPublish): ManifestComparison {
  const out: ManifestComparison = { install: [], changed: [], rewrites: [] };
  const publishConfig = isObj(git.publishConfig) ? git.publishConfig : {};
  const keys = [...new Set([...Object.keys(git), ...Object.keys(tar)])];
  for (const key of keys) {
    const g = git[key];
    const t = tar[key];
    if (isDeepStrictEqual(g, t)) continue;
    if (key === 'scripts') {
      const gs = isObj(g) ? g : {};
      const ts = isObj(t) ? t : {};
      for (const name of [...new Set([...Object.keys(gs), ...Object.keys(ts)])]) {
        if (isDeepStrictEqual(gs[name], ts[name])) continue;
        // pnpm >= 7 drops the prepublish-type scripts (never adds or changes one)
        if (pnpm && (pnpm.major === undefined || pnpm.major >= 7) && (PNPM_PREPUBLISH_SCRIPTS as readonly string[]).includes(name) && ts[name] === undefined && isObj(t)) {
          out.rewrites.push({ field: `scripts.${name}`, kind: 'pnpm-publish' });
          continue;
        }
        if ((INSTALL_SCRIPTS as readonly string[]).includes(name)) {
          const s: ManifestComparison['install'][number] = { name };
          if (gs[name] !== undefined) s.git = strOrUndef(gs[name]);
          if (ts[name] !== undefined) s.tarball = strOrUndef(ts[name]);
          // A removed install script runs nothing: a change to review, not an install hook.
          if (s.tarball === undefined) out.changed.push(`scripts.${name}`);
          else out.install.push(s);
        } else out.changed.push(`scripts.${name}`);
      }
      if (!isObj(t) && t !== undefined) out.changed.push('scripts');
      continue;
    }
    if (DEP_FIELDS.has(key) && (isObj(g) || g === undefined) && (isObj(t) || t === undefined)) {
      const gd = (g ?? {}) as Obj;
      const td = (t ?? {}) as Obj;
      for (const dep of [...new Set([...Object.keys(gd), ...Object.keys(td)])]) {
        const gv = gd[dep];
        const tv = td[dep];
        if (isDeepStrictEqual(gv, tv)) continue;
        const proto = typeof gv === 'string' ? /^(workspace|catalog):/.exec(gv)?.[1] : undefined;
        if (proto && typeof tv === 'string' && registryRange(tv)) {
          out.rewrites.push({ field: `${key}.${dep}`, kind: proto === 'workspace' ? 'workspace-protocol' : 'catalog-protocol' });
        } else out.changed.push(`${key}.${dep}`);
      }
      continue;
    }
    if (pnpm && t === undefined && (key === 'pnpm' || (key === 'packageManager' && (pnpm.major === undefined || pnpm.major >= 9)))) {
      out.rewrites.push({ field: key, kind: 'pnpm-publish' });
      continue;
    }
    if (key === 'publishConfig' && t === undefined) {
      out.rewrites.push({ field: key, kind: 'publish-config' });
      continue;
    }
    if (key in publishConfig && isDeepStrictEqual(publishConfig[key], t)) {
      out.rewrites.push({ field: key, kind: 'publish-config' });
      continue;
    }
    if (g === undefined && (key.startsWith('_') || key === 'gitHead')) {
      out.rewrites.push({ field: key, kind: 'npm-internal' });
      continue;
    }
    if (key === 'version' && typeof t === 'string' && ((version !== undefined && t === version) || (typeof g === 'string' && /^0\.0\.0(-[\w.]+)?$/.test(g)))) {
      out.rewrites.push({ field: key, kind: 'version' });
      continue;
    }
    out.changed.push(key);
  }
  return out;
}

function parse(buf: Buffer | undefined): Obj | undefined {
  if (!buf) return undefined;
  try {
    const v: unknown = JSON.parse(buf.toString('utf8').replace(/^\uFEFF/, ''));
    return isObj(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

const manifestCache = oncePer<ReadonlySet<string>, Promise<Obj | undefined>>();
/**
 * git's package.json, parsed once per tree: the classifiers below ask for it for every tarball-only file, and a
 * manifest with a large `exports` map (date-fns: thousands of subpaths) parsed per file was half a run's CPU. Shared:
 * read it, never change it.
 */
function gitManifest(ctx: ClassifyContext): Promise<Obj | undefined> {
  return manifestCache(ctx.gitPaths, () => ctx.content.git('package.json').then(parse));
}

/**
 * Whether the repository publishes with pnpm: its top (or the package's directory) tracks `pnpm-lock.yaml`, or a
 * tracked package.json there names `packageManager: pnpm@X` (then X's major is kept). A package manager is not
 * inferred from anything else.
 */
async function pnpmPublish(git: Obj, ctx: ClassifyContext): Promise<PnpmPublish | undefined> {
  const top = ctx.pathInRepo ? parse(await ctx.content.repo?.('package.json')) : git;
  const named = [git, top].map((m) => (typeof m?.packageManager === 'string' ? /^pnpm@(\d+)\./.exec(m.packageManager) : undefined)).find(Boolean);
  if (named) return { major: Number(named[1]) };
  if ([git, top].some((m) => typeof m?.packageManager === 'string')) return undefined; // another package manager named
  if (ctx.gitPaths.has('pnpm-lock.yaml') || (ctx.pathInRepo && (await ctx.content.repo?.('pnpm-lock.yaml')))) return {};
  return undefined;
}

async function manifestFinding(diff: PathDiff, ctx: ClassifyContext): Promise<Finding | undefined> {
  if (diff.path !== 'package.json' || diff.status !== 'changed' || !(diff.changes ?? []).includes('content')) return undefined;
  const tar = parse(ctx.content.tarball(diff.path));
  const git = parse(await ctx.content.git(diff.path));
  if (!tar || !git) return undefined; // unparseable: the fallback reports the change
  const c = compareManifests(git, tar, ctx.revision.version, await pnpmPublish(git, ctx));
  if (c.install.length > 0) return makeFinding('NPM_INSTALL_SCRIPT', diff.path, { scripts: c.install });
  if (c.changed.length > 0 && isObj(git.devDependencies) && 'dual-publish' in git.devDependencies) {
    // dual-publish/clean-publish's rewrite (./npm-dual.ts): only when git's package.json uses the tool, and with evidence
    // a shipped file git tracks, the .cjs/.d.cts copy of a tracked .js/.d.ts, or a package.json (each judged on its own)
    const target = (p: string) =>
      ctx.tarballPaths.has(p) && (ctx.gitPaths.has(p) || /(?:^|\/)package\.json$/.test(p) || [/\.cjs$/, /\.d\.cts$/].some((re) => re.test(p) && ctx.gitPaths.has(p.replace(re, (m) => m.replace('c', '')))));
    if (dualManifestProblem(git, tar, target) === undefined) return makeFinding('NPM_MANIFEST_REWRITE', diff.path, { rewrites: c.changed.map((field) => ({ field, kind: 'dual-publish' as const })) });
  }
  if (c.changed.length > 0 && isObj(git.devDependencies) && 'clean-publish' in git.devDependencies && cleanPublishProblem(git, tar) === undefined) {
    // clean-publish alone (picocolors 1.0.0): only fields dropped, never a field added or rewritten
    return makeFinding('NPM_MANIFEST_REWRITE', diff.path, { rewrites: c.changed.map((field) => ({ field, kind: 'clean-publish' as const })) });
  }
  if (c.changed.length > 0) return makeFinding('NPM_MANIFEST_CHANGED', diff.path, { fields: c.changed });
  const rewrites = c.rewrites.length > 0 ? c.rewrites : [{ field: '(whole file)', kind: 'formatting' as const }];
  return makeFinding('NPM_MANIFEST_REWRITE', diff.path, { rewrites });
}

const OUTPUT_DIRS = new Set(['dist', 'build', 'lib', 'out', 'esm', 'cjs', 'es', 'umd', 'types', 'typings', 'module', 'commonjs', 'browser', 'node', 'bundle', 'min']);
const SOURCE_DIRS = ['src', 'source', 'lib', 'ts', 'packages'];
const SCRIPT_EXT = /\.(c|m)?jsx?$/;
const OUTPUT_EXT = /(\.d\.(c|m)?ts\.map|\.d\.(c|m)?ts|\.(c|m)?jsx?\.map|\.(c|m)?jsx?|\.css\.map|\.css)$/;
/** tsc's declaration map (compilerOptions.declarationMap): X.d.ts.map beside X.d.ts. */
const DECLARATION_MAP = /\.d\.(c|m)?ts\.map$/;
/** The fields tsc writes into a declaration map (sourcesContent only with inlineSources). */
const DECLARATION_MAP_KEYS = new Set(['version', 'file', 'sourceRoot', 'sources', 'names', 'mappings', 'sourcesContent']);
const SOURCE_EXT = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs|coffee|vue|svelte|scss|less|css|flow)$/;

/** Output path → the stem its source would have: dist/esm/foo.min.js → foo. */
export function outputStem(path: string): { stem: string; inOutputDir: boolean } {
  const parts = path.split('/');
  let inOutputDir = false;
  while (parts.length > 1 && OUTPUT_DIRS.has(parts[0]!)) {
    parts.shift();
    inOutputDir = true;
  }
  const stem = parts.join('/').replace(OUTPUT_EXT, '').replace(/\.(min|prod|production|development|dev|umd|esm|cjs|bundle)$/, '');
  return { stem, inOutputDir };
}

/** Source path → stem: src/foo.ts → foo. */
function sourceStem(path: string): string | undefined {
  if (!SOURCE_EXT.test(path) || /\.d\.(c|m)?ts$/.test(path)) return undefined;
  const parts = path.split('/');
  if (parts.length > 1 && SOURCE_DIRS.includes(parts[0]!)) parts.shift();
  return parts.join('/').replace(SOURCE_EXT, '');
}

const sourceIndex = oncePer<ReadonlySet<string>, { stems: Map<string, string>; dirs: string[] }>();
function sourcesOf(gitPaths: ReadonlySet<string>): { stems: Map<string, string>; dirs: string[] } {
  return sourceIndex(gitPaths, () => {
    const stems = new Map<string, string>();
    const dirs = new Set<string>();
    for (const p of gitPaths) {
      const s = sourceStem(p);
      if (!s) continue;
      if (!stems.has(s)) stems.set(s, p);
      const top = p.split('/')[0]!;
      if (p.includes('/') && SOURCE_DIRS.includes(top)) dirs.add(top);
    }
    return { stems, dirs: [...dirs].sort() };
  });
}

/** Minified JavaScript: long lines and little whitespace. */
export function looksMinified(buf: Buffer | undefined): boolean {
  if (!buf || buf.length < 512) return false;
  const text = buf.subarray(0, 256 * 1024).toString('utf8');
  const lines = text.split('\n');
  const longest = Math.max(...lines.map((l) => l.length));
  return longest > 1000 || text.length / lines.length > 300;
}

function filesPatterns(manifest: unknown): string[] | undefined {
  if (!isObj(manifest) || !Array.isArray(manifest.files)) return undefined;
  return manifest.files.filter((f): f is string => typeof f === 'string').map((f) => f.replace(/^\.?\//, '').replace(/\/+$/, ''));
}

const globCache = new Map<string, RegExp>();
/** A `files` entry as a RegExp, compiled once per entry (it is asked for every git-only and tarball-only path). */
function globToRe(glob: string): RegExp {
  let compiled = globCache.get(glob);
  if (!compiled) {
    compiled = compileGlob(glob);
    if (globCache.size > 10_000) globCache.clear();
    globCache.set(glob, compiled);
  }
  return compiled;
}

function compileGlob(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        re += '.*';
        i += 1;
        if (glob[i + 1] === '/') i += 1;
      } else re += '[^/]*';
    } else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}(?:/.*)?$`);
}

/** Whether a path is selected by package.json `files` entries. */
export function listedInFiles(path: string, patterns: string[]): boolean {
  return patterns.some((p) => !p.startsWith('!') && globToRe(p).test(path));
}

type OutputKind = EvidenceMap['NPM_BUILD_OUTPUT_UNPROVED']['kind'];
const kindOf = (path: string): OutputKind => (/\.d\.(c|m)?ts$/.test(path) ? 'declaration' : /\.map$/.test(path) ? 'map' : /\.css$/.test(path) ? 'style' : 'script');
const JS_SOURCE = /\.(c|m)?jsx?$/;
const JS_OR_TS_SOURCE = /\.(?:c|m)?[jt]sx?$/;
const MAX_TEXT = 8 * 1024 * 1024;

/** Capabilities of the tracked sources (scripts under the source directories and at the top), read once per tree. */
const trackedCapabilities = oncePer<ReadonlySet<string>, Promise<Set<Capability>>>();
function sourceCapabilities(ctx: ClassifyContext): Promise<Set<Capability>> {
  return trackedCapabilities(ctx.gitPaths, async () => {
    const caps = new Set<Capability>();
    let bytes = 0;
    for (const path of [...ctx.gitPaths].sort()) {
      if (!SOURCE_EXT.test(path) || /\.(css|scss|less)$/.test(path) || bytes > 64 * 1024 * 1024) continue;
      const b = await ctx.content.git(path);
      if (!b || b.length > MAX_TEXT) continue;
      bytes += b.length;
      for (const c of capabilitiesOf(b.toString('utf8'))) caps.add(c);
    }
    return caps;
  });
}

/** The output's source map: named by its sourceMappingURL (inline or a file of the package), else X.map beside it. */
function mapOf(path: string, text: string, ctx: ClassifyContext): { at: string; map: SourceMap } | undefined {
  if (path.endsWith('.map')) {
    const map = parseSourceMap(text);
    return map ? { at: path, map } : undefined;
  }
  const url = sourceMappingUrl(text);
  const inline = url ? inlineMap(url) : undefined;
  if (inline !== undefined) {
    const map = parseSourceMap(inline);
    return map ? { at: 'inline', map } : undefined;
  }
  const named = url && !/^[a-z]+:/i.test(url) ? normalisePath(`${dirOf(path)}/${decodeURIComponent(url)}`) : undefined;
  for (const at of [named, `${path}.map`]) {
    if (!at) continue;
    const b = ctx.content.tarball(at);
    const map = b && b.length <= MAX_TEXT ? parseSourceMap(b.toString('utf8')) : undefined;
    if (map) return { at, map };
  }
  return undefined;
}

/**
 * A source map's `sourceRoot` that is a forge URL of this very revision's tree (htmlparser2 9.1.0's `tsc --sourceRoot
 * https://raw.githubusercontent.com/fb55/htmlparser2/$(git rev-parse HEAD)/src/`, holdout27): the repository path it
 * names (`src/`), when the URL is `https://raw.githubusercontent.com/OWNER/REPO/REF/PATH`,
 * `https://github.com/OWNER/REPO/(blob|raw|tree)/REF/PATH` or `https://HOST/…/-/(raw|blob|tree)/REF/PATH` and REF is the
 * compared commit (its full id) or its tag — the sources it lists are then paths of the compared tree, read from the
 * top. Any other URL (another commit, a branch, another kind of address) names nothing here: undefined.
 */
export function revisionRoot(root: string, revision: { commit?: string; tag?: string }): string | undefined {
  const m =
    /^https:\/\/raw\.githubusercontent\.com\/[\w.-]+\/[\w.-]+\/([^/]+)\/(.*)$/.exec(root) ??
    /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/(?:blob|raw|tree)\/([^/]+)\/(.*)$/.exec(root) ??
    /^https:\/\/[\w.-]+\/(?:[\w.-]+\/)+-\/(?:raw|blob|tree)\/([^/]+)\/(.*)$/.exec(root);
  if (!m) return undefined;
  const ref = decodeURIComponent(m[1]!);
  if (!((revision.commit && /^[0-9a-f]{40}$/.test(ref) && ref === revision.commit) || (revision.tag && ref === revision.tag))) return undefined;
  const path = m[2]!.replace(/\/+$/, '');
  if (/(^|\/)\.\.?(\/|$)|[?#%\\]/.test(path)) return undefined;
  return path;
}

/** Where a map's sources are read from: `dir` joined with a relative sourceRoot, or the tree path a revisionRoot names;
 * undefined for any other absolute sourceRoot. */
function sourceBase(dir: string, root: string | undefined, ctx: ClassifyContext): string | undefined {
  if (!root) return dir;
  if (!/^[a-z][\w+.-]*:/i.test(root)) return [dir, root].filter(Boolean).join('/');
  return revisionRoot(root, ctx.revision ?? {});
}

/**
 * Whether `embedded` is git's text `git` with every line ending CRLF — what a build on a checkout that converts line
 * endings (core.autocrlf, Git for Windows' default) embeds in its map (reselect 5.1.1's tsup maps, holdout30): git's
 * text has no CR, every LF of the embedded copy follows a CR, and dropping those CRs gives git's text exactly. Nothing
 * but the line endings may differ.
 */
export function crlfCheckout(embedded: string, git: string): boolean {
  return embedded.length > git.length && !git.includes('\r') && !/(?:^|[^\r])\n/.test(embedded) && embedded.replace(/\r\n/g, '\n') === git;
}

/**
 * Each source the map names, resolved to a package path, with whether its embedded content is git's (`crlf`: git's
 * with CRLF line endings, ./crlfCheckout), and the map's embedded sources with those copies read as git's text.
 */
async function mapSources(mapPath: string, outputPath: string, map: SourceMap, ctx: ClassifyContext): Promise<{ matched: string[]; differing: string[]; unresolved: number; tracked: string[]; crlf: string[]; contents: (string | null)[] }> {
  const base = dirOf(mapPath === 'inline' ? outputPath : mapPath);
  const out = { matched: [] as string[], differing: [] as string[], unresolved: 0, tracked: [] as string[], crlf: [] as string[], contents: [...(map.sourcesContent ?? [])] };
  for (const [i, s] of map.sources.entries()) {
    const from = sourceBase(base, map.sourceRoot, ctx) ?? base;
    const rel = /^[a-z][\w+.-]*:/i.test(s) ? undefined : normalisePath([from, s].filter(Boolean).join('/'));
    const embedded = map.sourcesContent?.[i];
    if (!rel || !ctx.gitPaths.has(rel) || typeof embedded !== 'string') {
      out.unresolved++;
      // git's file of a source the map names without its content: the unmapped-line rules read it (a shebang, names)
      const git = rel && ctx.gitPaths.has(rel) && JS_OR_TS_SOURCE.test(rel) ? await ctx.content.git(rel) : undefined;
      if (git && git.length <= MAX_TEXT) out.tracked.push(git.toString('utf8'));
      continue;
    }
    const git = (await ctx.content.git(rel))?.toString('utf8');
    if (git !== undefined && git === embedded) out.matched.push(rel);
    else if (git !== undefined && crlfCheckout(embedded, git)) {
      out.matched.push(rel);
      out.crlf.push(rel);
      out.contents[i] = git;
    } else out.differing.push(rel);
  }
  return out;
}

/**
 * Build output with a tracked source: proved when its tokens are a tracked script's, or when its source map
 * embeds exactly the tracked sources and maps every code line; a mismatch when the map contradicts git or the
 * output; otherwise labelled as built and not proved. Capabilities no tracked source has raise it to high.
 */
/**
 * A declaration map without embedded sources (what tsc writes with declarationMap): it carries no code — the
 * editor's jump from X.d.ts to the source — so it is labelled built when it is exactly that: a version 3 source
 * map of only the fields tsc writes, its `file` the X.d.ts shipped beside it, which names it on its last line, and
 * every source it lists a tracked file, among them the source the output is matched to (or inside the source
 * directory of a bundle). Anything else is no declaration map (undefined: the file keeps its finding).
 */
/**
 * The declaration file a declaration map serves when the build renamed it after tsc wrote both (tshy's dialect
 * overrides: src/X-cjs.cts compiles to X-cjs.d.cts + X-cjs.d.cts.map, then tshy moves the declarations to X.d.ts and
 * leaves the map — jackspeak 3.4.3's dist/commonjs/parse-args-cjs.d.cts.map, holdout26): the map's `file` (its own
 * name without .map) is not shipped, and exactly one declaration file shipped in the map's directory names the map
 * on its sourceMappingURL line. Undefined otherwise.
 */
function renamedDeclaration(path: string, ctx: ClassifyContext): string | undefined {
  const dir = dirOf(path);
  const naming = [...ctx.tarballPaths].filter((p) => dirOf(p) === dir && /\.d\.[cm]?ts$/.test(p) && sourceMappingUrl(ctx.content.tarball(p)?.toString('utf8') ?? '') === baseOf(path));
  return naming.length === 1 ? naming[0] : undefined;
}

function declarationMapOk(path: string, text: string, source: string, direct: boolean, ctx: ClassifyContext): boolean {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return false;
  }
  const map = parseSourceMap(text);
  if (!isObj(raw) || !map || Object.keys(raw).some((k) => !DECLARATION_MAP_KEYS.has(k)) || map.sources.length === 0) return false;
  const own = path.slice(0, -'.map'.length);
  if (raw.file !== baseOf(own)) return false;
  const dts = ctx.tarballPaths.has(own) ? own : renamedDeclaration(path, ctx);
  const dtsText = dts === undefined ? undefined : ctx.content.tarball(dts)?.toString('utf8');
  if (!dtsText || sourceMappingUrl(dtsText) !== baseOf(path)) return false;
  if (raw.names !== undefined && !Array.isArray(raw.names)) return false;
  const from = sourceBase(dirOf(path), map.sourceRoot, ctx);
  if (from === undefined) return false;
  const resolved = map.sources.map((s) => (/^[a-z][\w+.-]*:/i.test(s) ? undefined : normalisePath([from, s].filter(Boolean).join('/'))));
  if (resolved.some((r) => !r || !ctx.gitPaths.has(r))) return false;
  return direct ? resolved.includes(source) : resolved.every((r) => r!.startsWith(source));
}

async function judgeOutput(path: string, source: string, direct: boolean, ctx: ClassifyContext): Promise<Finding | undefined> {
  const kind = kindOf(path);
  const content = ctx.content.tarball(path);
  const unproved = (why: EvidenceMap['NPM_BUILD_OUTPUT_UNPROVED']['why'], extra: { map?: string } = {}) => makeFinding('NPM_BUILD_OUTPUT_UNPROVED', path, { source, kind, why, ...extra });
  if (!content || content.length > MAX_TEXT) return unproved('too-large');
  const text = content.toString('utf8');
  if (DECLARATION_MAP.test(path) && !parseSourceMap(text)?.sourcesContent) return declarationMapOk(path, text, source, direct, ctx) ? unproved('declaration-map', { map: path }) : undefined;
  if (direct && kind === 'script' && JS_SOURCE.test(source)) {
    const git = await ctx.content.git(source);
    if (git && sameTokens(git.toString('utf8'), text)) return makeFinding('NPM_BUILD_OUTPUT', path, { source, proof: 'tokens' });
  }
  let f: Finding;
  const m = kind === 'script' || kind === 'map' ? mapOf(path, text, ctx) : undefined;
  if (!m) f = unproved(direct ? 'compiled' : 'directory');
  else {
    const srcs = await mapSources(m.at, path, m.map, ctx);
    const lines = decodeMappings(m.map.mappings);
    // a map embedding CRLF copies of git's sources is judged on git's text (the build's checkout converted line endings)
    const map = srcs.crlf.length ? { ...m.map, sourcesContent: srcs.contents } : m.map;
    const crlf = srcs.crlf.length ? { crlfSources: srcs.crlf } : {};
    const unmapped = kind === 'script' && lines ? unmappedCodeLines(text, lines, map.sourcesContent ?? [], srcs.tracked) : [];
    const rerun = !srcs.differing.length && unmapped.length && kind === 'script' && srcs.matched.length ? await esbuildRerun(path, text, map, m.at, ctx) : undefined;
    if (rerun) f = makeFinding('NPM_BUILD_OUTPUT', path, { source, proof: 'rerun', map: m.at, sources: srcs.matched, rerun, ...crlf });
    else if (srcs.differing.length || unmapped.length) {
      const all = text.split('\n');
      f = makeFinding('NPM_BUILD_OUTPUT_MISMATCH', path, { source, map: m.at, differingSources: srcs.differing, unmapped: unmapped.length, unmappedLines: unmapped.slice(0, 10).map((line) => ({ line, text: all[line - 1]!.trim().slice(0, 200) })) });
    } else if (srcs.matched.length && !srcs.unresolved && lines) f = makeFinding('NPM_BUILD_OUTPUT', path, { source, proof: 'source-map', map: m.at, sources: srcs.matched, ...crlf });
    else f = unproved(srcs.matched.length ? 'map-partial' : 'map-without-sources', { map: m.at });
  }
  if (kind !== 'script') return f;
  const have = await sourceCapabilities(ctx);
  const novel = capabilitiesOf(text).filter((c) => !have.has(c));
  if (!novel.length) return f;
  if (f.code === 'NPM_BUILD_OUTPUT_MISMATCH') return { ...f, evidence: { ...f.evidence, capabilities: novel } };
  if (f.code === 'NPM_BUILD_OUTPUT_UNPROVED') return escalate({ ...f, evidence: { ...f.evidence, capabilities: novel } }, 'high', 'new-capability');
  return escalate(makeFinding('NPM_BUILD_OUTPUT_UNPROVED', path, { source, kind, why: 'compiled', capabilities: novel }), 'high', 'new-capability');
}

const STRING = /"(?:[^"\\\n]|\\.)*"/y;
/** JSON with comments and trailing commas (tsconfig's dialect) → the value, or undefined. Strings are kept as they are. */
export function parseJsonc(text: string): unknown {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      STRING.lastIndex = i;
      const m = STRING.exec(text);
      if (!m) return undefined;
      out += m[0];
      i += m[0].length - 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return undefined;
      i = end + 1;
      out += ' ';
    } else out += c;
  }
  try {
    return JSON.parse(out.replace(/^\uFEFF/, '').replace(/,(\s*[}\]])/g, '$1'));
  } catch {
    return undefined;
  }
}

/** A TypeScript compiler layout a tracked tsconfig declares: outputs under `out` mirror sources under `root`. */
export interface TscLayout {
  out: string;
  root: string;
  tsconfig: string;
}

const TSCONFIG = /^tsconfig(?:\.[\w.-]+)?\.json$/;
const tscLayoutCache = oncePer<ReadonlySet<string>, Promise<TscLayout[]>>();
/**
 * The output layouts the package's tracked tsconfig*.json files declare (compilerOptions.outDir, with rootDir, or the
 * one directory `include` names): `tsc -p tsconfig.dist.json` writes distribution/core/Ky.js from source/core/Ky.ts,
 * whatever the directories are called. Only a tsconfig of the package's own top directory counts, and only paths
 * inside the package (no `..`, no absolute path); `extends` is not followed.
 */
export function tscLayouts(ctx: ClassifyContext): Promise<TscLayout[]> {
  return tscLayoutCache(ctx.gitPaths, async () => {
    const out: TscLayout[] = [];
    const inside = (d: unknown): string | undefined => {
      return typeof d === 'string' && !d.startsWith('/') ? normalisePath(d) : undefined;
    };
    for (const path of [...ctx.gitPaths].filter((q) => TSCONFIG.test(q)).sort()) {
      const b = await ctx.content.git(path);
      const v = b && b.length <= MAX_TEXT ? parseJsonc(b.toString('utf8')) : undefined;
      const opts = isObj(v) && isObj(v.compilerOptions) ? v.compilerOptions : undefined;
      const o = inside(opts?.outDir);
      if (!o) continue;
      const include = isObj(v) && Array.isArray(v.include) && v.include.length === 1 ? inside(v.include[0]) : undefined;
      const root = opts?.rootDir !== undefined ? inside(opts.rootDir) : include !== undefined && !/[*?]/.test(include) ? include : undefined;
      if (root === undefined || root === o) continue;
      if (!out.some((l) => l.out === o && l.root === root)) out.push({ out: o, root, tsconfig: path });
    }
    return out;
  });
}

const TS_SOURCE_EXTS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/** The first source a shipped script's (or map file's) source map names that git tracks, or undefined. */
async function trackedMapSource(path: string, ctx: ClassifyContext): Promise<string | undefined> {
  if (!SCRIPT_EXT.test(path) && !/\.(c|m)?jsx?\.map$/.test(path)) return undefined;
  const b = ctx.content.tarball(path);
  if (!b || b.length > MAX_TEXT) return undefined;
  const m = mapOf(path, b.toString('utf8'), ctx);
  if (!m) return undefined;
  const base = dirOf(m.at === 'inline' ? path : m.at);
  const root = typeof m.map.sourceRoot === 'string' && m.map.sourceRoot ? `${m.map.sourceRoot.replace(/\/+$/, '')}/` : '';
  for (const s of m.map.sources ?? []) {
    if (typeof s !== 'string' || /^[a-z][\w+.-]*:/i.test(s)) continue;
    const p = normalisePath(`${base ? `${base}/` : ''}${root}${s}`);
    if (p && ctx.gitPaths.has(p)) return p;
  }
  return undefined;
}

/** inferredTypeNames' answers per verify (keyed by its shipped path set): (declaration, name) → exported. */
const DECLARATION_MEMO = oncePer<ReadonlySet<string>, Map<string, boolean>>();
/** A shipped text file of at most MAX_TEXT bytes, or undefined. */
function shippedText(path: string, ctx: ClassifyContext): string | undefined {
  const b = ctx.tarballPaths.has(path) ? ctx.content.tarball(path) : undefined;
  return b && b.length <= MAX_TEXT ? b.toString('utf8') : undefined;
}

async function buildOutputFinding(diff: PathDiff, ctx: ClassifyContext, info: ProfileInfo): Promise<Finding | undefined> {
  if (diff.status !== 'tarball-only' || diff.tarball?.type !== 'file') return undefined;
  if (!OUTPUT_EXT.test(diff.path)) return undefined;
  const { stem, inOutputDir } = outputStem(diff.path);
  const src = sourcesOf(ctx.gitPaths);
  const direct = src.stems.get(stem);
  if (direct) return judgeOutput(diff.path, direct, true, ctx);
  // A source directory's index compiled to the directory's name (date-fns 3: src/addDays/index.ts → addDays.js,
  // addDays.mjs, addDays.d.ts): judged as its output only when every name of the file's code is the source's or one a
  // compiler writes (foreignNames); else it stays unsourced.
  const indexed = src.stems.get(`${stem}/index`);
  if (indexed && !/\.map$/.test(diff.path)) {
    const out = ctx.content.tarball(diff.path);
    const git = out && out.length <= MAX_TEXT ? await ctx.content.git(indexed) : undefined;
    const declaration = /\.d\.(c|m)?ts$/.test(diff.path);
    const text = git ? out!.toString('utf8') : undefined;
    // a declaration's inferred types name the project's other modules: import("./types.js").FPFn2 (npm-declaration.ts)
    const memo = declaration ? DECLARATION_MEMO(ctx.tarballPaths, () => new Map()) : undefined;
    const inferred = declaration && text !== undefined ? inferredTypeNames(text, diff.path, (p) => shippedText(p, ctx), memo) : undefined;
    if (text !== undefined && git && !foreignNames(text, git.toString('utf8'), declaration, inferred).length) return judgeOutput(diff.path, indexed, true, ctx);
  }
  // An output directory a tracked tsconfig names (outDir), its source the file of the same stem under rootDir.
  for (const l of await tscLayouts(ctx)) {
    if (!diff.path.startsWith(`${l.out}/`)) continue;
    const rest = diff.path.slice(l.out.length + 1).replace(OUTPUT_EXT, '');
    const source = TS_SOURCE_EXTS.map((e) => (l.root ? `${l.root}/` : '') + rest + e).find((q) => ctx.gitPaths.has(q) && !/\.d\.(c|m)?ts$/.test(q));
    if (source) return judgeOutput(diff.path, source, true, ctx);
    if (l.root) return judgeOutput(diff.path, `${l.root}/`, false, ctx);
  }
  const files = filesPatterns(info.manifest);
  const listed = files ? listedInFiles(diff.path, files) : false;
  // A bundle or a renamed output: built from the source tree, but no file-to-file evidence.
  if (inOutputDir && src.dirs.length > 0) return judgeOutput(diff.path, `${src.dirs[0]}/`, false, ctx);
  // A bundle of sources kept at the top (eventemitter3: rollup bundles index.js into dist/eventemitter3.umd.min.js):
  // no source directory, but a source map naming tracked files is judged as any map is.
  const mapped = inOutputDir ? await trackedMapSource(diff.path, ctx) : undefined;
  if (mapped) return judgeOutput(diff.path, mapped, false, ctx);
  if (!SCRIPT_EXT.test(diff.path)) return undefined;
  return makeFinding('NPM_UNSOURCED_OUTPUT', diff.path, { minified: looksMinified(ctx.content.tarball(diff.path)), listedInFiles: listed });
}

function notPackagedFinding(diff: PathDiff, info: ProfileInfo): Finding | undefined {
  if (diff.status !== 'git-only') return undefined;
  const files = filesPatterns(info.manifest);
  if (files && listedInFiles(diff.path, files)) return undefined; // `files` selects it: it should be there
  return makeFinding('NOT_PACKAGED', diff.path, { ecosystem: 'npm', reason: files ? 'files-field' : 'not-listed' });
}

/**
 * dual-publish's outputs (./npm-dual.ts): a tracked X.js published as the ES module conversion of git's CommonJS
 * X.js (NPM_BUILD_OUTPUT, proof esm-conversion), and the package.json it writes into a tracked source directory
 * (PACKAGE_METADATA, npm-directory-manifest).
 */
async function dualPublishFinding(diff: PathDiff, ctx: ClassifyContext): Promise<Finding | undefined> {
  if (diff.status === 'changed' && diff.changes?.length === 1 && diff.changes[0] === 'content' && /\.m?js$/.test(diff.path)) {
    const tar = ctx.content.tarball(diff.path);
    const git = await ctx.content.git(diff.path);
    if (!tar || !git || tar.length > MAX_TEXT || git.length > MAX_TEXT) return undefined;
    const dir = dirOf(diff.path);
    const ok = esmConversion(git.toString('utf8'), tar.toString('utf8'), (g, t) => specifierResolves(dir, g, t, (p) => ctx.tarballPaths.has(p)));
    return ok ? makeFinding('NPM_BUILD_OUTPUT', diff.path, { source: diff.path, proof: 'esm-conversion' }) : undefined;
  }
  if (diff.status === 'tarball-only' && diff.tarball?.type === 'file' && /.\/package\.json$/.test(diff.path)) {
    const dir = dirOf(diff.path);
    if (!ctx.gitPaths.has(`${dir}/index.js`)) return undefined;
    // only a package git's package.json publishes with dual-publish, and only the directory's own files (red team 30:
    // any package's tarball-only lib/package.json with `"main": "../other.js"` redirected require('./lib'), info, exit 0)
    const git = await gitManifest(ctx);
    if (!git || !isObj(git.devDependencies) || !('dual-publish' in git.devDependencies)) return undefined;
    const text = ctx.content.tarball(diff.path);
    if (!text || text.length > 65536) return undefined;
    const target = (p: string) => dirOf(p) === dir && ctx.tarballPaths.has(p) && (ctx.gitPaths.has(p) || (/\.cjs$/.test(p) && ctx.gitPaths.has(p.replace(/\.cjs$/, '.js'))));
    return directoryStubProblem(dir, text.toString('utf8'), target) === undefined ? makeFinding('PACKAGE_METADATA', diff.path, { ecosystem: 'npm', kind: 'npm-directory-manifest' }) : undefined;
  }
  return undefined;
}

/** A package.json's script that runs `tshy` as a command (`"prepare": "tshy"`, `"build": "tshy && …"`). */
const RUNS_TSHY = /(?:^|[;&|(]\s*|&&\s*)(?:npx\s+)?tshy(?:\s|$|[;&|)])/;

/**
 * The dialect a tshy build writes into dist/NAME, from git's package.json: 'commonjs' for dist/commonjs and each
 * `tshy.commonjsDialects` name, 'module' for dist/esm and each `tshy.esmDialects` name (tshy's `dialects`, default
 * both, restricts the two standard ones); undefined when the package is not built by tshy or NAME is no dialect.
 */
export function tshyDialect(git: Obj, name: string): 'commonjs' | 'module' | undefined {
  const deps = [git.devDependencies, git.dependencies].some((d) => isObj(d) && 'tshy' in d);
  const scripts = isObj(git.scripts) ? Object.values(git.scripts) : [];
  if (!deps || !scripts.some((s) => typeof s === 'string' && RUNS_TSHY.test(s))) return undefined;
  const cfg = isObj(git.tshy) ? git.tshy : {};
  const names = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const dialects = cfg.dialects === undefined ? ['commonjs', 'esm'] : names(cfg.dialects);
  if ((name === 'commonjs' && dialects.includes('commonjs')) || names(cfg.commonjsDialects).includes(name)) return 'commonjs';
  if ((name === 'esm' && dialects.includes('esm')) || names(cfg.esmDialects).includes(name)) return 'module';
  return undefined;
}

/**
 * tshy's dialect stub (src/set-folder-dialect.ts of isaacs/tshy, every release 1.0–4.x): `dist/<dialect>/package.json`
 * holding `{"type": …}` for the folder's dialect and the package's `imports`; tshy < 1.8 wrote it with
 * JSON.stringify(v), ≥ 1.8 with JSON.stringify(v, null, 2) + '\n'. Explained only when the shipped bytes are exactly one
 * of the two for a package git's package.json builds with tshy and declares no `imports` (tshy rewrites those:
 * not modelled, stays high); any other field, another type or other bytes stay TARBALL_ONLY_UNEXPLAINED.
 */
async function tshyStubFinding(diff: PathDiff, ctx: ClassifyContext): Promise<Finding | undefined> {
  if (diff.status !== 'tarball-only' || diff.tarball?.type !== 'file') return undefined;
  const m = /^dist\/([^/]+)\/package\.json$/.exec(diff.path);
  if (!m) return undefined;
  const git = await gitManifest(ctx);
  if (!git || git.imports !== undefined || (isObj(git.tshy) && git.tshy.imports !== undefined)) return undefined;
  const type = tshyDialect(git, m[1]!);
  if (!type) return undefined;
  const text = ctx.content.tarball(diff.path)?.toString('utf8');
  const v = { type };
  if (text !== JSON.stringify(v) && text !== JSON.stringify(v, null, 2) + '\n') return undefined;
  return makeFinding('PACKAGE_METADATA', diff.path, { ecosystem: 'npm', kind: 'tshy-dialect-manifest', source: 'package.json' });
}

/** Tracked build configurations a bundler reads (rollup.config.mjs, vite.config.ts, tsup.config.js …) and build scripts. */
const BUILD_CONFIG = /^(?:[^/]*\.config\.[cm]?[jt]s|scripts\/[^/]+\.[cm]?[jt]s)$/;

/** The string literals of a JavaScript/TypeScript text: '…', "…" and `…` without `${` substitutions, escapes undone. */
export function stringLiterals(text: string): string[] {
  const out: string[] = [];
  const unescape = (s: string) => s.replace(/\\(?:u\{([0-9a-fA-F]+)\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(.))/gs, (_m, u1: string, u2: string, x: string, c: string) => {
    if (u1 ?? u2 ?? x) return String.fromCodePoint(parseInt((u1 ?? u2 ?? x)!, 16));
    return ({ n: '\n', t: '\t', r: '\r', '0': '\0', '\n': '' } as Record<string, string>)[c] ?? c;
  });
  for (const m of text.matchAll(/'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\$]|\\.|\$(?!\{))*)`/gs)) out.push(unescape((m[1] ?? m[2] ?? m[3])!));
  return out;
}

/**
 * A folder's module-type stub a tracked bundler configuration writes (rollup's emit-module-package-file pattern:
 * tiny-invariant 1.3.3's rollup.config.mjs `this.emitFile({ fileName: 'package.json', source: `{ "type": "module" }\n` })`
 * for its dist/esm build; holdout26): a tarball-only DIR/package.json (never the package's own) whose JSON is exactly
 * `{"type": "module"}` or `{"type": "commonjs"}` and whose bytes are exactly a string literal of a tracked
 * configuration (*.config.{js,mjs,cjs,ts} at the top, scripts/*.{js,ts}) that also names `package.json` and a path
 * under DIR as literals → PACKAGE_METADATA (npm-config-literal, source the configuration). Any other field, other
 * bytes, or a configuration that names neither the file nor the folder: no explanation.
 */
async function configLiteralStubFinding(diff: PathDiff, ctx: ClassifyContext): Promise<Finding | undefined> {
  if (diff.status !== 'tarball-only' || diff.tarball?.type !== 'file') return undefined;
  const m = /^(.+)\/package\.json$/.exec(diff.path);
  if (!m) return undefined;
  const dir = m[1]!;
  const text = ctx.content.tarball(diff.path)?.toString('utf8');
  const json = text === undefined ? undefined : parse(Buffer.from(text, 'utf8'));
  if (!json || Object.keys(json).length !== 1 || (json.type !== 'module' && json.type !== 'commonjs')) return undefined;
  for (const config of [...ctx.gitPaths].filter((p) => BUILD_CONFIG.test(p)).sort()) {
    const buf = await ctx.content.git(config);
    if (!buf || buf.length > MAX_TEXT) continue;
    const literals = stringLiterals(buf.toString('utf8'));
    const names = (v: string) => literals.some((l) => l === v || l.endsWith(`/${v}`));
    const inDir = literals.some((l) => l.replace(/^\.\//, '').startsWith(`${dir}/`));
    if (literals.includes(text!) && names('package.json') && inDir) return makeFinding('PACKAGE_METADATA', diff.path, { ecosystem: 'npm', kind: 'npm-config-literal', source: config });
  }
  return undefined;
}

/** Every path string of an `exports` entry (a target or nested conditions), without its leading `./`. */
function exportTargets(entry: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof entry === 'string') {
    const p = normalisePath(entry);
    if (p) out.add(p);
  }
  else if (Array.isArray(entry)) for (const e of entry) exportTargets(e, out);
  else if (isObj(entry)) for (const v of Object.values(entry)) exportTargets(v, out);
  return out;
}
const STUB_PATH_FIELDS = new Set(['main', 'module', 'types', 'typings', 'es2015']);

/**
 * A subpath alias stub (rxjs 7's tools/generate-alias.js writes `ajax/package.json` … for bundlers that do not read
 * `exports`): a tarball-only `X/package.json` git lacks, when git's package.json exports `./X` and the stub holds only
 * `name` (exactly `NAME/X`), `sideEffects` (false or git's value) and entry points (`main`, `module`, `types`, `typings`,
 * `es2015`), each resolving from X/ to a shipped file that git's `exports["./X"]` names: the stub reaches nothing the
 * tracked manifest does not export for that subpath.
 */
async function subpathStubFinding(diff: PathDiff, ctx: ClassifyContext): Promise<Finding | undefined> {
  if (diff.status !== 'tarball-only' || diff.tarball?.type !== 'file') return undefined;
  const m = /^((?:[^/]+\/)*[^/]+)\/package\.json$/.exec(diff.path);
  if (!m || m[1]!.split('/').some((s) => s === '.' || s === '..')) return undefined;
  const dir = m[1]!;
  const git = await gitManifest(ctx);
  if (!git || typeof git.name !== 'string' || !isObj(git.exports)) return undefined;
  const entry = git.exports[`./${dir}`];
  if (entry === undefined) return undefined;
  const targets = exportTargets(entry);
  const stub = parse(ctx.content.tarball(diff.path));
  if (!stub || Object.keys(stub).length === 0) return undefined;
  for (const [k, v] of Object.entries(stub)) {
    if (k === 'name') {
      if (v !== `${git.name}/${dir}`) return undefined;
    } else if (k === 'sideEffects') {
      if (v !== false && !isDeepStrictEqual(v, git.sideEffects)) return undefined;
    } else if (STUB_PATH_FIELDS.has(k)) {
      if (typeof v !== 'string' || /^[a-z][\w+.-]*:/i.test(v) || v.startsWith('/')) return undefined;
      const p = normalisePath(`${dir}/${v}`);
      if (!p || !targets.has(p) || !ctx.tarballPaths.has(p)) return undefined;
    } else return undefined;
  }
  return makeFinding('PACKAGE_METADATA', diff.path, { ecosystem: 'npm', kind: 'npm-subpath-stub', source: 'package.json' });
}

/**
 * Whether a tarball file's bytes are `expected`: its retained content, or (content identical to a git blob is not
 * retained) its blob id.
 */
function sameBytes(diff: PathDiff, expected: Buffer, ctx: ClassifyContext): boolean {
  const tar = ctx.content.tarball(diff.path);
  if (tar) return tar.equals(expected);
  const oid = diff.tarball?.oid;
  return !!oid && diff.tarball?.size === expected.length && blobId(oid.length === 64 ? 'sha256' : 'sha1', expected) === oid;
}

/**
 * A file a tracked shell script writes with a here-document (./npm-heredoc.ts; signal-exit 4's scripts/fixup.sh, run
 * by its `prepare` script): a tarball-only file whose bytes are exactly the here-document the script writes to that
 * path, the script being one a script of git's package.json runs → PACKAGE_METADATA (npm-script-heredoc, source the
 * script). One byte else, another path, an expanding body or a later command that may touch the file: no explanation.
 */
async function scriptHeredocFinding(diff: PathDiff, ctx: ClassifyContext): Promise<Finding | undefined> {
  if (diff.status !== 'tarball-only' || diff.tarball?.type !== 'file') return undefined;
  for (const { script, body } of (await scriptHeredocs(ctx)).get(diff.path) ?? []) {
    if (sameBytes(diff, Buffer.from(body, 'latin1'), ctx)) {
      return makeFinding('PACKAGE_METADATA', diff.path, { ecosystem: 'npm', kind: 'npm-script-heredoc', source: script });
    }
  }
  return undefined;
}

const heredocCache = oncePer<ReadonlySet<string>, Promise<Map<string, { script: string; body: string }[]>>>();
/**
 * Every here-document the tracked scripts git's package.json runs write, by target path (scripts in sorted order),
 * read once per tree.
 */
function scriptHeredocs(ctx: ClassifyContext): Promise<Map<string, { script: string; body: string }[]>> {
  return heredocCache(ctx.gitPaths, async () => {
    const out = new Map<string, { script: string; body: string }[]>();
    const git = await gitManifest(ctx);
    if (!git || !isObj(git.scripts)) return out;
    const scripts = new Set<string>();
    for (const cmd of Object.values(git.scripts)) if (typeof cmd === 'string') for (const p of scriptInvocations(cmd)) if (ctx.gitPaths.has(p)) scripts.add(p);
    for (const script of [...scripts].sort()) {
      const text = await ctx.content.git(script);
      if (!text || text.length > MAX_TEXT) continue;
      for (const [path, body] of heredocWrites(text.toString('latin1'))) {
        const list = out.get(path) ?? [];
        list.push({ script, body });
        out.set(path, list);
      }
    }
    return out;
  });
}

/**
 * A file a script of git's package.json writes itself with `echo 'TEXT' > PATH` (./npm-heredoc.ts echoWrites;
 * htmlparser2 9.1.0's `build:esm` writes `{"type":"module"}` into lib/esm/package.json after tsc; holdout27): a
 * tarball-only file whose bytes are exactly TEXT and echo's newline → PACKAGE_METADATA (npm-script-echo, source
 * package.json, the script named). One byte else, another path, an expanding text, or a later command of that script
 * that may touch the file: no explanation.
 */
async function scriptEchoFinding(diff: PathDiff, ctx: ClassifyContext): Promise<Finding | undefined> {
  if (diff.status !== 'tarball-only' || diff.tarball?.type !== 'file') return undefined;
  const git = await gitManifest(ctx);
  if (!git || !isObj(git.scripts)) return undefined;
  for (const [name, cmd] of Object.entries(git.scripts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (typeof cmd !== 'string') continue;
    const text = echoWrites(cmd).get(diff.path);
    if (text !== undefined && sameBytes(diff, Buffer.from(text, 'utf8'), ctx)) {
      return makeFinding('PACKAGE_METADATA', diff.path, { ecosystem: 'npm', kind: 'npm-script-echo', source: 'package.json', script: name });
    }
  }
  return undefined;
}

const bundtCache = oncePer<ReadonlySet<string>, Promise<Map<string, BundtOutput & { text: string }> | undefined>>();
/**
 * bundt's outputs (./npm-bundt.ts) for a package git's package.json builds with bundt: a script that is exactly
 * `bundt` and bundt pinned in devDependencies/dependencies to a version the model is exact for. Read once per tree.
 */
function bundtBuild(ctx: ClassifyContext): Promise<Map<string, BundtOutput & { text: string }> | undefined> {
  return bundtCache(ctx.gitPaths, async () => {
    const git = await gitManifest(ctx);
    if (!git || !isObj(git.scripts)) return undefined;
    const pin = [git.devDependencies, git.dependencies].map((d) => (isObj(d) ? d.bundt : undefined)).find((v) => v !== undefined);
    if (typeof pin !== 'string' || !BUNDT_MODELLED.has(pin)) return undefined;
    if (!Object.values(git.scripts).some((c) => typeof c === 'string' && c.trim() === 'bundt')) return undefined;
    return bundtOutputs(git, async (path) => {
      if (!ctx.gitPaths.has(path)) return undefined;
      const b = await ctx.content.git(path);
      return b && b.length <= MAX_TEXT ? b.toString('utf8') : undefined;
    });
  });
}

/**
 * A file bundt writes (./npm-bundt.ts): tarball-only, its bytes exactly the model's for that path → NPM_BUILD_OUTPUT
 * (proof bundt, source the tracked entry or declaration file). Other bytes fall through to the generic rules.
 */
async function bundtFinding(diff: PathDiff, ctx: ClassifyContext): Promise<Finding | undefined> {
  if (diff.status !== 'tarball-only' || diff.tarball?.type !== 'file') return undefined;
  const out = (await bundtBuild(ctx))?.get(diff.path);
  if (!out || !sameBytes(diff, Buffer.from(out.text, 'utf8'), ctx)) return undefined;
  return makeFinding('NPM_BUILD_OUTPUT', diff.path, { source: out.source, proof: 'bundt' });
}

const dirCache = oncePer<ReadonlySet<string>, Map<string, string[]>>();
/**
 * A JSON list of a tracked directory's files (./npm-file-list.ts; dayjs's locale.json, written by build/index.js from
 * src/locale/ in whatever order the reads complete): tarball-only, canonical JSON, one key's values exactly the
 * directory's file stems, every other value text of its entry's file, and a tracked script a package.json script runs
 * with node naming the list and the directory → NPM_BUILD_OUTPUT (proof file-list, source the script).
 */
async function fileListFinding(diff: PathDiff, ctx: ClassifyContext): Promise<Finding | undefined> {
  if (diff.status !== 'tarball-only' || diff.tarball?.type !== 'file' || !diff.path.endsWith('.json')) return undefined;
  const buf = ctx.content.tarball(diff.path);
  if (!buf || buf.length > MAX_TEXT) return undefined;
  const shape = fileListShape(buf.toString('utf8'));
  if (!shape) return undefined;
  const listed = listedDirectory(shape, dirCache(ctx.gitPaths, () => directoryFiles(ctx.gitPaths)));
  if (!listed) return undefined;
  const texts: string[] = [];
  for (const f of listed.files) {
    const b = await ctx.content.git(f);
    if (!b || b.length > MAX_TEXT) return undefined;
    texts.push(b.toString('utf8'));
  }
  if (!valuesInFiles(shape, listed.key, texts)) return undefined;
  const git = await gitManifest(ctx);
  if (!git || !isObj(git.scripts)) return undefined;
  for (const run of nodeScripts(git.scripts, ctx.gitPaths)) {
    if (run.path.startsWith(`${listed.directory}/`)) continue;
    const text = await ctx.content.git(run.path);
    if (text && text.length <= MAX_TEXT && scriptNamesList(text.toString('utf8'), baseOf(diff.path), listed.directory)) {
      return makeFinding('NPM_BUILD_OUTPUT', diff.path, { source: run.path, proof: 'file-list', sources: [`${listed.directory}/`], fileList: { key: listed.key, entries: shape.entries.length, script: run.script } });
    }
  }
  return undefined;
}

export function npmClassifiers(info: ProfileInfo): Classifier[] {
  return [
    { id: 'npm-tshy-stub', classify: tshyStubFinding },
    { id: 'npm-config-literal', classify: configLiteralStubFinding },
    { id: 'npm-script-heredoc', classify: scriptHeredocFinding },
    { id: 'npm-script-echo', classify: scriptEchoFinding },
    { id: 'npm-bundt', classify: bundtFinding },
    { id: 'npm-file-list', classify: fileListFinding },
    { id: 'npm-subpath-stub', classify: subpathStubFinding },
    { id: 'npm-dual-publish', classify: dualPublishFinding },
    { id: 'npm-manifest', classify: manifestFinding },
    { id: 'npm-build-output', classify: (d, ctx) => buildOutputFinding(d, ctx, info) },
    { id: 'npm-not-packaged', classify: (d) => notPackagedFinding(d, info) },
  ];
}
