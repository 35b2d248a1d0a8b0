/**
 * A JSON list of a tracked directory's files, written by a tracked build script (dayjs: its `build` script runs
 * `node build`, whose build/index.js reads src/locale/, pushes `{ key: FILE minus ".js", name: the file's
 * `// NAME [` comment }` for each file as its read completes and writes `JSON.stringify(list)` to locale.json — so the
 * order differs from build to build). Pure functions over text; src/profiles/npm.ts reads the files.
 *
 * The list is proved when all of these hold:
 *  - it is a JSON array of objects with the same keys, every value a one-line string of at most 200 characters, and
 *    its bytes are exactly `JSON.stringify(list)` or `JSON.stringify(list, null, 2)` (with or without a final newline):
 *    nothing but the values is free;
 *  - one key's values are exactly the stems of the files git tracks in one directory (every file once, no other
 *    value; all of one extension), and every other value of an entry occurs in the text of that entry's file;
 *  - a tracked script that a script of git's package.json runs with node names the list's file name and the
 *    directory (the rule that writes it; it is read, never run).
 * One value that is not its file's text, one file too many or too few, another layout: not proved.
 */

export interface FileListShape {
  entries: Record<string, string>[];
  keys: string[];
}

const MAX_VALUE = 200;
export const MAX_ENTRIES = 5000;

/** The list's entries when `text` is a canonical JSON array of same-keyed objects of one-line strings, else undefined. */
export function fileListShape(text: string): FileListShape | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(v) || !v.length || v.length > MAX_ENTRIES) return undefined;
  let keys: string[] | undefined;
  for (const e of v) {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) return undefined;
    const k = Object.keys(e).sort();
    if (!k.length) return undefined;
    if (!keys) keys = k;
    else if (k.join('\0') !== keys.join('\0')) return undefined;
    for (const x of Object.values(e as Record<string, unknown>)) if (typeof x !== 'string' || x.length > MAX_VALUE || /[\n\r\u2028\u2029]/.test(x)) return undefined;
  }
  const compact = JSON.stringify(v);
  const pretty = JSON.stringify(v, null, 2);
  if (![compact, `${compact}\n`, pretty, `${pretty}\n`].includes(text)) return undefined;
  return { entries: v as Record<string, string>[], keys: keys! };
}

/** The stem of a file name: its name without the last extension. */
const stemOf = (name: string) => name.replace(/\.[^./]+$/, '');
const extOf = (name: string) => /\.[^./]+$/.exec(name)?.[0] ?? '';

/** The tracked directories by path → their files' names (direct children only). */
export function directoryFiles(gitPaths: Iterable<string>): Map<string, string[]> {
  const dirs = new Map<string, string[]>();
  for (const p of gitPaths) {
    const i = p.lastIndexOf('/');
    const d = i < 0 ? '' : p.slice(0, i);
    const list = dirs.get(d);
    if (list) list.push(p.slice(i + 1));
    else dirs.set(d, [p.slice(i + 1)]);
  }
  return dirs;
}

export interface ListedDirectory {
  /** The tracked directory. */
  directory: string;
  /** The key whose values are its files' stems. */
  key: string;
  /** Each entry's file (the directory's file of that stem), in the list's order. */
  files: string[];
}

/**
 * The tracked directory whose files' stems are exactly the values of one key of the list (each once, all files of
 * one extension), or undefined. A directory at the top (`''`) never counts.
 */
export function listedDirectory(shape: FileListShape, dirs: ReadonlyMap<string, readonly string[]>): ListedDirectory | undefined {
  for (const key of shape.keys) {
    const values = shape.entries.map((e) => e[key]!);
    if (new Set(values).size !== values.length) continue;
    for (const [directory, names] of dirs) {
      if (!directory || names.length !== values.length) continue;
      const ext = extOf(names[0]!);
      if (!ext || names.some((n) => extOf(n) !== ext)) continue;
      const byStem = new Map(names.map((n) => [stemOf(n), n]));
      if (byStem.size !== names.length || !values.every((x) => byStem.has(x))) continue;
      return { directory, key, files: values.map((x) => `${directory}/${byStem.get(x)!}`) };
    }
  }
  return undefined;
}

/** Whether every value of each entry but the key's occurs in the text of that entry's file (`texts`, the list's order). */
export function valuesInFiles(shape: FileListShape, key: string, texts: readonly string[]): boolean {
  return shape.entries.every((e, i) => {
    const t = texts[i];
    return t !== undefined && Object.entries(e).every(([k, x]) => k === key || (x !== '' && t.includes(x)));
  });
}

/**
 * The tracked scripts the scripts of git's package.json run with node (`node build` → build, build.js, build/index.js
 * …, whichever is tracked), each with the package.json script's name. Flags after `node` are skipped; nothing else of
 * the command is read.
 */
export function nodeScripts(scripts: Record<string, unknown>, tracked: ReadonlySet<string>): { path: string; script: string }[] {
  const out: { path: string; script: string }[] = [];
  for (const [name, cmd] of Object.entries(scripts)) {
    if (typeof cmd !== 'string') continue;
    for (const part of cmd.split(/&&|\|\||[;|&]/)) {
      const words = part.trim().split(/\s+/);
      const at = words.indexOf('node');
      if (at < 0) continue;
      const arg = words.slice(at + 1).find((w) => !w.startsWith('-'));
      if (!arg || /[$`"'*?]/.test(arg)) continue;
      const base = arg.replace(/^\.\//, '').replace(/\/$/, '');
      const path = [base, ...['.js', '.cjs', '.mjs'].map((e) => base + e), ...['index.js', 'index.cjs', 'index.mjs'].map((f) => `${base}/${f}`)].find((p) => tracked.has(p));
      if (path && !out.some((o) => o.path === path)) out.push({ path, script: name });
    }
  }
  return out;
}

/** Whether a script's text names both the list's file name (`locale.json`) and the directory (`src/locale`), each as a string's content. */
export function scriptNamesList(text: string, listName: string, directory: string): boolean {
  const strings = [...text.matchAll(/(['"`])((?:\\.|(?!\1)[^\\\n])*)\1/g)].map((m) => m[2]!);
  return strings.some((s) => s === listName || s.endsWith(`/${listName}`)) && strings.some((s) => s === directory || s.endsWith(`/${directory}`) || s.endsWith(`/${directory}/`) || s === `./${directory}`);
}
