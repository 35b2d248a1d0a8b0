/**
 * dual-publish (ai's tool, nanoid and kin): a CommonJS package published as both ES modules and CommonJS. It
 * rewrites each tracked `X.js` into an ES module and writes the CommonJS original beside it as `X.cjs` (judged by
 * the build-output rules), drops comments (clean-publish), and writes a `package.json` into every source directory
 * pointing bundlers at the two. Evidence, pure functions over text:
 *
 *   esmConversion  the archive's X.js is git's X.js with only the module system changed: their token streams
 *                  (comments and whitespace aside, npm-dist.ts `jsTokens`) are equal once
 *                    `let|const|var NAME = require('M')`        ↔ `import NAME from 'M'`
 *                    `let|const|var { a, b } = require('M')`    ↔ `import { a, b } from 'M'`
 *                    `module.exports = { a, b }`                ↔ `export { a, b }`
 *                  with 'M' a bare name kept as it is, or a relative path given the file it resolves to
 *                  ('../url-alphabet' → '../url-alphabet/index.js', './x' → './x.js'), a file the package ships.
 *                  Any other token changed is no conversion.
 *   directoryStub  a `DIR/package.json` git lacks, in a directory whose `index.js` git tracks, holding only the
 *                  resolution fields (`type: "module"`, main, module, types, react-native, browser) and every
 *                  path in them a shipped file that git tracks or the `.cjs` copy of a tracked `.js`.
 */
import { jsTokens } from './npm-dist.js';

type Tok = readonly string[];
const DECL = new Set(['let', 'const', 'var']);
const IDENT = /^[A-Za-z_$][\w$]*$/;
const STRING = /^(['"])(.*)\1$/s;

/** `{ a, b, }` at t[i] (t[i] === '{'): the names and the index after '}', or undefined. */
function nameList(t: Tok, i: number): { names: string[]; next: number } | undefined {
  if (t[i] !== '{') return undefined;
  const names: string[] = [];
  let k = i + 1;
  while (k < t.length && t[k] !== '}') {
    if (!IDENT.test(t[k]!)) return undefined;
    names.push(t[k]!);
    k++;
    if (t[k] === ',') k++;
    else if (t[k] !== '}') return undefined;
  }
  return k < t.length && names.length ? { names, next: k + 1 } : undefined;
}

const sameNames = (a: string[], b: string[]) => a.length === b.length && a.every((n, i) => n === b[i]);

/**
 * Whether the ES module `esm` is the CommonJS `cjs` with only the module system changed (see the module comment).
 * `resolves(git, tar)`: whether the specifier `tar` is `git` itself (a bare name) or `git` given the shipped file
 * it resolves to.
 */
export function esmConversion(cjs: string, esm: string, resolves: (git: string, tar: string) => boolean): boolean {
  const g = jsTokens(cjs);
  const t = jsTokens(esm);
  let i = 0;
  let j = 0;
  let converted = 0;
  const spec = (a: string | undefined, b: string | undefined) => {
    const x = a !== undefined ? STRING.exec(a) : null;
    const y = b !== undefined ? STRING.exec(b) : null;
    return !!x && !!y && x[1] === y[1] && resolves(x[2]!, y[2]!);
  };
  while (i < g.length || j < t.length) {
    // let NAME = require('M')  ↔  import NAME from 'M'
    if (DECL.has(g[i]!) && IDENT.test(g[i + 1] ?? '') && g[i + 2] === '=' && g[i + 3] === 'require' && g[i + 4] === '(' && g[i + 6] === ')' && t[j] === 'import' && t[j + 1] === g[i + 1] && t[j + 2] === 'from' && spec(g[i + 5], t[j + 3])) {
      i += 7;
      j += 4;
      converted++;
      continue;
    }
    // let { a, b } = require('M')  ↔  import { a, b } from 'M'
    if (DECL.has(g[i]!) && g[i + 1] === '{' && t[j] === 'import' && t[j + 1] === '{') {
      const a = nameList(g, i + 1);
      const b = nameList(t, j + 1);
      if (a && b && sameNames(a.names, b.names) && g[a.next] === '=' && g[a.next + 1] === 'require' && g[a.next + 2] === '(' && g[a.next + 4] === ')' && t[b.next] === 'from' && spec(g[a.next + 3], t[b.next + 1])) {
        i = a.next + 5;
        j = b.next + 2;
        converted++;
        continue;
      }
    }
    // module.exports = { a, b }  ↔  export { a, b }
    if (g[i] === 'module' && g[i + 1] === '.' && g[i + 2] === 'exports' && g[i + 3] === '=' && t[j] === 'export') {
      const a = nameList(g, i + 4);
      const b = nameList(t, j + 1);
      if (a && b && sameNames(a.names, b.names)) {
        i = a.next;
        j = b.next;
        converted++;
        continue;
      }
    }
    if (i >= g.length || j >= t.length || g[i] !== t[j]) return false;
    i++;
    j++;
  }
  return converted > 0;
}

/** A relative specifier as dual-publish rewrites it: the file it resolves to (`./x.js`, `./dir/index.js`). */
export function specifierResolves(fromDir: string, git: string, tar: string, shipped: (path: string) => boolean): boolean {
  if (git === tar) return !git.startsWith('.') || shipped(join(fromDir, git)) ;
  if (!git.startsWith('.') || (tar !== `${git}.js` && tar !== `${git.replace(/\/$/, '')}/index.js`)) return false;
  return shipped(join(fromDir, tar));
}

/** `dir` joined with a relative path, `.` and `..` resolved ('' for the top); undefined above the top. */
export function join(dir: string, rel: string): string {
  const parts = dir ? dir.split('/') : [];
  for (const p of rel.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return parts.join('/');
}

const STUB_KEYS = new Set(['type', 'main', 'module', 'types', 'typings', 'react-native', 'browser', 'sideEffects']);

/**
 * The problem with a directory's package.json as dual-publish writes it, or undefined when it is one: only resolution
 * fields, `type` "module" when present, every target a file `target(path)` accepts.
 */
export function directoryStubProblem(dir: string, text: string, target: (path: string) => boolean): string | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'not an object';
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!STUB_KEYS.has(k)) return `field ${k}`;
  if (o.type !== undefined && o.type !== 'module' && o.type !== 'commonjs') return 'type';
  if (o.sideEffects !== undefined && typeof o.sideEffects !== 'boolean') return 'sideEffects';
  const paths: string[] = [];
  for (const k of ['main', 'module', 'types', 'typings']) {
    if (o[k] === undefined) continue;
    if (typeof o[k] !== 'string') return k;
    paths.push(o[k] as string);
  }
  for (const k of ['react-native', 'browser']) {
    const f = o[k];
    if (f === undefined) continue;
    if (typeof f === 'string') paths.push(f);
    else if (f && typeof f === 'object' && !Array.isArray(f)) {
      for (const [from, to] of Object.entries(f as Record<string, unknown>)) {
        if (to !== false && typeof to !== 'string') return k;
        paths.push(from);
        if (typeof to === 'string') paths.push(to);
      }
    } else return k;
  }
  for (const p of paths) if (!/^\.{0,2}\/?[\w./-]+$/.test(p) || !target(join(dir, p))) return `target ${p}`;
  return undefined;
}

/** package.json fields npm, Node or a bundler acts on: clean-publish may not drop these (every other field is tool configuration). */
const ACTING = new Set([
  'name', 'version', 'dependencies', 'peerDependencies', 'peerDependenciesMeta', 'optionalDependencies', 'bundleDependencies', 'bundledDependencies',
  'bin', 'main', 'module', 'exports', 'imports', 'browser', 'react-native', 'type', 'types', 'typings', 'engines', 'os', 'cpu', 'libc', 'files',
  'directories', 'man', 'overrides', 'workspaces', 'publishConfig', 'sideEffects', 'gypfile', 'config', 'funding', 'license',
]);
/** Resolution fields dual-publish writes or rewrites; every path in them must be `target`'s. */
const RESOLUTION = new Set(['type', 'main', 'module', 'exports', 'browser', 'react-native', 'types', 'typings']);

/** Every path string of an `exports`/`browser`/`react-native` value (keys of path maps too), or undefined when not of that shape. */
function resolutionPaths(v: unknown, keysArePaths: boolean): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (v === false || v === null) return [];
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const out: string[] = [];
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (keysArePaths && k.startsWith('.')) out.push(k);
    const sub = resolutionPaths(x, keysArePaths);
    if (!sub) return undefined;
    out.push(...sub);
  }
  return out;
}

/**
 * The problem with the published package.json as dual-publish and clean-publish make it from git's, or undefined:
 * fields nothing acts on (tool configuration: eslintConfig, size-limit …) and `scripts`/`devDependencies` dropped;
 * the resolution fields (`type` "module", main, module, exports, browser, react-native, types) added or rewritten
 * with every path in them a file `target` accepts; every other field as in git.
 */
export function dualManifestProblem(git: Record<string, unknown>, tar: Record<string, unknown>, target: (path: string) => boolean): string | undefined {
  for (const key of new Set([...Object.keys(git), ...Object.keys(tar)])) {
    const g = git[key];
    const t = tar[key];
    if (JSON.stringify(g) === JSON.stringify(t)) continue;
    if (t === undefined && (key === 'scripts' || key === 'devDependencies' || !ACTING.has(key))) continue;
    if (!RESOLUTION.has(key)) return key;
    if (key === 'type') {
      if (t !== 'module') return key;
      continue;
    }
    // browser/react-native map files to files; exports maps subpaths ('.', './async') and conditions to files
    const paths = resolutionPaths(t, key === 'browser' || key === 'react-native');
    if (!paths) return key;
    for (const p of paths) if (!/^(?:\.\/)?[\w./-]+$/.test(p) || p.includes('..') || !target(join('', p))) return `${key}: ${p}`;
  }
  return undefined;
}

/**
 * The fields clean-publish removes from the published package.json: the union of its exception/ignore-fields.js
 * over its releases 2.0.0–7.1.0 (shashkovdanil/clean-publish; each release removes a subset of these), all tool
 * configuration npm and Node do not act on.
 */
const CLEAN_PUBLISH_FIELDS = new Set([
  'babel', 'browserslist', 'c8', 'clean-publish', 'commitlint', 'devDependencies', 'eslintConfig', 'eslintIgnore', 'husky', 'jest',
  'lint-staged', 'nano-staged', 'pnpm', 'pre-commit', 'prettier', 'pwmetrics', 'remarkConfig', 'renovate', 'resolutions', 'sharec',
  'simple-git-hooks', 'simple-pre-commit', 'size-limit', 'typeCoverage', 'yaspeller',
]);
/** The scripts clean-publish keeps (exception/npm-scripts.js, union over the same releases; `prepare` since 7.x). */
const CLEAN_PUBLISH_SCRIPTS = new Set(['postinstall', 'postpack', 'postpublish', 'postversion', 'prepare', 'prepublish', 'publish', 'uninstall', 'version']);

const emptyContainer = (v: unknown): boolean => typeof v === 'object' && v !== null && Object.keys(v).length === 0;

/**
 * The problem with the published package.json as clean-publish alone makes it from git's, or undefined: every field
 * kept as in git but those clean-publish removes (CLEAN_PUBLISH_FIELDS, the `fields` its `clean-publish` config in
 * git's package.json names, a field left an empty object), `scripts` cut to the lifecycle scripts it keeps with git's
 * commands; nothing added, nothing rewritten.
 */
export function cleanPublishProblem(git: Record<string, unknown>, tar: Record<string, unknown>): string | undefined {
  const cfg = git['clean-publish'];
  const extra = new Set(cfg && typeof cfg === 'object' && Array.isArray((cfg as { fields?: unknown }).fields) ? ((cfg as { fields: unknown[] }).fields.filter((f) => typeof f === 'string') as string[]) : []);
  for (const key of new Set([...Object.keys(git), ...Object.keys(tar)])) {
    const g = git[key];
    const t = tar[key];
    if (JSON.stringify(g) === JSON.stringify(t)) continue;
    if (g === undefined) return key; // added
    if (key === 'scripts' && !extra.has(key)) {
      if (t === undefined) continue; // every script removed
      if (typeof t !== 'object' || t === null || Array.isArray(t) || typeof g !== 'object' || g === null) return key;
      for (const [name, cmd] of Object.entries(t)) if (!CLEAN_PUBLISH_SCRIPTS.has(name) || (g as Record<string, unknown>)[name] !== cmd) return `scripts.${name}`;
      continue;
    }
    if (t === undefined && (CLEAN_PUBLISH_FIELDS.has(key) || extra.has(key) || emptyContainer(g))) continue;
    return key;
  }
  return undefined;
}
