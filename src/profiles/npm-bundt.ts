/**
 * bundt (lukeed/bundt; escalade 3.1.2 builds with `"build": "bundt"` and `"bundt": "1.1.1"`): an exact model of what
 * bundt 1.1.0–1.1.2 writes, read from those releases' index.js (identical in what they write; 1.0.x lacks the .d.ts
 * copy and `export {…}`, 1.1.3+ uses another export regex and rewrite-imports 3) and rewrite-imports 2.0.3 (the one 2.x
 * release the registry holds, what bundt's `^2.0.0` resolves to). Pure functions over text.
 *
 * For each build (every `modes` entry NAME → FILE, or without `modes` src/index.js):
 *   - `module` and `browser` (strings): FILE verbatim;
 *   - `main` (default `dist/NAME.js`): FILE as CommonJS (`bundtCommonJs`);
 *   - a mode's `index.d.ts` (FILE with its extension made `.d.ts`, when that file exists): verbatim;
 * each at the field's path with its directory replaced by the mode name (`dist/index.js` → `sync/index.js`; mode
 * `default` and the plain build keep the path; a declaration goes to `NAME/index.d.ts`, `index.d.ts` for `default`).
 * `unpkg`/`umd:main` (terser-minified UMD) are not modelled.
 */
import { posix } from 'node:path';

const UNNAMED = /(^|;|\s+)import\s*['"]([^'"]+)['"](?=($|;|\s))/gi;
const NAMED = /(^|[;\s]+)?import\s*(\*\s*as)?\s*(\w*?)\s*,?\s*(?:\{([\s\S]*?)\})?\s*from\s*['"]([^'"]+)['"];?/gi;

/** `const { a, b: c } = TARGET;` from the import list `a, b as c` (rewrite-imports 2's destructuring). */
function destructure(names: string[], target: string): string {
  return `const { ${names.map((n) => n.trim().replace(/ as /g, ':')).join(', ')} } = ${target};`;
}

/** rewrite-imports 2.0.3: every `import … from 'M'` a `require('M')` binding, every bare `import 'M'` a `require('M')`. */
export function rewriteImports(src: string): string {
  return src
    .replace(UNNAMED, "$1require('$2')")
    .replace(NAMED, (_m, lead: string | undefined, _star: string | undefined, base: string, list: string | undefined, dep: string) => {
      const call = `require('${dep}')`;
      const names = list ? list.split(',') : [];
      const stmt = names.length && !base ? destructure(names, call) : `const ${base} = ${call};${names.length ? '\n' + destructure(names, base) : ''}`;
      return (lead || '') + stmt;
    });
}

/** bundt 1.1.0–1.1.2's CommonJS output of an ES module (its `main` file). */
export function bundtCommonJs(esm: string): string {
  const keys: string[] = [];
  let cjs = rewriteImports(esm)
    .replace(/(^|\s|;)export default/, '$1module.exports =')
    .replace(/(^|\s|;)export (const|(?:async )?function|class|let|var) (.+?)(?=(\(|\s|=))/gi, (_m, x: string, type: string, name: string) => {
      keys.push(name);
      return `${x}${type} ${name}`;
    })
    .replace(/(^|\s|;)export \{(.+?)}(?=(;|\s|$))/, (_m, x: string, names: string) => {
      for (const n of names.split(',')) keys.push(n.trim());
      return x;
    });
  for (const k of keys.sort()) cjs += `\nexports.${k} = ${k};`;
  return cjs;
}

/** The bundt versions the model is exact for (a devDependency pinned to one of them). */
export const BUNDT_MODELLED = new Set(['1.1.0', '1.1.1', '1.1.2']);

/** Where bundt writes a field's file for a mode (its `write`): the path normalised, its directory replaced by the mode. */
export function bundtPath(file: string, mode: string | undefined): string {
  let f = posix.normalize(file);
  if (/\.d\.ts$/.test(f) && mode !== undefined && mode !== 'default') return posix.join(mode, f);
  if (mode && mode !== 'default') f = posix.normalize(f.replace(posix.dirname(f), mode));
  return f;
}

export interface BundtOutput {
  /** The tracked file it is made from. */
  source: string;
  /** How: verbatim copy or the CommonJS conversion. */
  how: 'copy' | 'commonjs';
}

/**
 * The files bundt writes for a package.json `pkg`, path → source and how; `read(path)` gives a tracked file's text
 * (undefined when git lacks it). Undefined when a build's entry is not tracked or two builds write one path.
 */
export async function bundtOutputs(pkg: Record<string, unknown>, read: (path: string) => Promise<string | undefined>): Promise<Map<string, BundtOutput & { text: string }> | undefined> {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const modes = pkg.modes && typeof pkg.modes === 'object' && !Array.isArray(pkg.modes) ? Object.entries(pkg.modes as Record<string, unknown>) : undefined;
  const builds: [string | undefined, string][] = [];
  if (modes) {
    for (const [k, v] of modes) {
      if (typeof v !== 'string') return undefined;
      builds.push([k, v]);
    }
  } else builds.push([undefined, 'src/index.js']);
  const main = str(pkg.main) ?? `dist/${str(pkg.name) ?? ''}.js`;
  const out = new Map<string, BundtOutput & { text: string }>();
  const put = (path: string, o: BundtOutput & { text: string }) => {
    const had = out.get(path);
    if (had && had.text !== o.text) return false;
    out.set(path, o);
    return true;
  };
  for (const [mode, file] of builds) {
    const entry = posix.normalize(file).replace(/^\.\//, '');
    const esm = await read(entry);
    if (esm === undefined) return undefined;
    if (!put(bundtPath(main, mode), { source: entry, how: 'commonjs', text: bundtCommonJs(esm) })) return undefined;
    for (const f of [str(pkg.module), str(pkg.browser)]) if (f && !put(bundtPath(f, mode), { source: entry, how: 'copy', text: esm })) return undefined;
    if (mode !== undefined) {
      const ext = posix.extname(file);
      const types = posix.normalize(file.replace(ext, '.d.ts')).replace(/^\.\//, '');
      const text = ext ? await read(types) : undefined;
      if (text !== undefined && text !== '' && !put(bundtPath('index.d.ts', mode), { source: types, how: 'copy', text })) return undefined;
    }
  }
  return out;
}
