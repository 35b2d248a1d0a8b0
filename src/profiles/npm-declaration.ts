/**
 * The type names tsc writes into a declaration file that its source does not spell (npm26b). For a value whose
 * type the source leaves to inference (`export const add = convertToFP(fn, 2)`), tsc's declaration emit spells the
 * inferred type out, naming each type of another module by a type-only import expression:
 * `export declare const add: import("./types.js").FPFn2<Date, import("../fp.js").Duration, string | number | Date>`
 * (date-fns 3: every fp/NAME.d.ts, locale/X/_lib/formatLong.d.ts). Those names are the project's, not the source
 * file's, so the names check of a compiled declaration (foreignNames) found them foreign.
 *
 * Accepted here, in a declaration only:
 *  - NAME in `import("SPEC").NAME` where SPEC is relative and resolves, beside the declaration in the package, to a
 *    shipped declaration file (SPEC.js → SPEC.d.ts / .d.mts / .d.cts, SPEC without extension → SPEC.d.ts or
 *    SPEC/index.d.ts) that exports NAME — declared there (`export interface NAME`, `export type NAME`,
 *    `export declare const NAME` …, `export { … NAME … }`) or re-exported by an `export [type] * from "./X"` chain of
 *    shipped declarations (at most 6 files deep). A member path (`import("x").NS.T`) accepts only NS;
 *  - the global types of TypeScript's standard library that inference spells out (Date, Promise, Record …) and
 *    the members of its Intl namespace (`Intl.DateTimeFormatOptions`).
 * A module that is not relative (`import("child_process")`), a name the target does not export, or a target the
 * package does not ship leaves the name foreign.
 */
import { posix } from 'node:path';

/** TypeScript's standard library types (lib.es*.d.ts, lib.dom's Date aside) that tsc writes for an inferred type. */
export const LIB_TYPES: ReadonlySet<string> = new Set(
  'Date Intl RegExp Error Promise PromiseLike Array ReadonlyArray ArrayLike Map Set ReadonlyMap ReadonlySet WeakMap WeakSet Record Partial Required Readonly Pick Omit Exclude Extract NonNullable ReturnType Parameters InstanceType ConstructorParameters Awaited Iterable Iterator IterableIterator AsyncIterable AsyncIterator AsyncIterableIterator Generator AsyncGenerator Function'.split(' '),
);

const TYPE_IMPORT = /\bimport\(\s*(["'])(\.{1,2}\/[^"'\n]+)\1\s*\)\s*\.\s*([A-Za-z_$][\w$]*)/g;
const STAR = /^\s*export\s+(?:type\s+)?\*\s+from\s+(["'])(\.{1,2}\/[^"'\n]+)\1/gm;
const INTL_MEMBER = /(?<![\w$.])Intl\s*\.\s*([A-Za-z_$][\w$]*)/g;
const MAX_DEPTH = 6;
/** Declaration files read for one name, in all (date-fns' fp.d.ts re-exports 262 modules). */
const MAX_FILES = 4096;

/** The shipped declaration files a relative module specifier of `from` may name, in tsc's resolution order. */
function declarationsOf(from: string, spec: string): string[] {
  const p = posix.normalize(posix.join(posix.dirname(from), spec));
  if (p.startsWith('../')) return [];
  const m = /\.([cm]?)js$/.exec(p);
  if (m) {
    const base = p.slice(0, -m[0].length);
    return [`${base}.d.${m[1]}ts`, ...(m[1] ? [] : [`${base}.d.mts`, `${base}.d.cts`])];
  }
  return [`${p}.d.ts`, `${p}/index.d.ts`];
}

/** Whether the shipped declaration `path` exports NAME, itself or through its `export * from` chain. */
function exportsName(path: string, name: string, shipped: (p: string) => string | undefined, seen: Set<string>, depth = 0): boolean {
  if (seen.has(path) || depth > MAX_DEPTH || seen.size >= MAX_FILES) return false;
  seen.add(path);
  const text = shipped(path);
  if (text === undefined) return false;
  const id = name.replace(/\$/g, '\\$');
  if (new RegExp(String.raw`^\s*export\s+(?:declare\s+)?(?:abstract\s+)?(?:interface|type|class|enum|const|let|var|function|namespace)\s+${id}(?![\w$])`, 'm').test(text)) return true;
  if (new RegExp(String.raw`^\s*export\s+(?:type\s+)?\{[^}]*(?<![\w$])${id}(?![\w$])[^}]*\}`, 'm').test(text)) return true;
  for (const m of text.matchAll(STAR)) {
    for (const d of declarationsOf(path, m[2]!)) if (exportsName(d, name, shipped, seen, depth + 1)) return true;
  }
  return false;
}

/**
 * The names of `output` (a declaration file shipped at `path`) that are types tsc names by `import("./X").NAME`
 * and that the shipped declaration of ./X exports; `shipped` reads a file of the package (undefined: not shipped),
 * `memo` keeps (declaration, name) answers across the declarations of one package.
 */
export function inferredTypeNames(output: string, path: string, shipped: (p: string) => string | undefined, memo = new Map<string, boolean>()): Set<string> {
  const ok = new Set<string>();
  // a type of the standard library's Intl namespace (date-fns' fp/intlFormat.d.ts: Intl.DateTimeFormatOptions)
  for (const m of output.matchAll(INTL_MEMBER)) ok.add(m[1]!);
  for (const m of output.matchAll(TYPE_IMPORT)) {
    const name = m[3]!;
    if (ok.has(name)) continue;
    const exported = (d: string) => {
      const key = `${d}\0${name}`;
      let r = memo.get(key);
      if (r === undefined) memo.set(key, (r = exportsName(d, name, shipped, new Set())));
      return r;
    };
    if (declarationsOf(path, m[2]!).some(exported)) ok.add(name);
  }
  return ok;
}
