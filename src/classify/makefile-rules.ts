/**
 * The tracked make rules of a directory, for the classifiers and post passes that look for the rule making a file
 * (./docbook-rendered.ts: a DocBook converter's output; src/regenerate/fig2dev.ts: a PNG drawn from a .fig). The
 * directory's makefile is automake's Makefile.am, else the project's own (GNUmakefile, Makefile, in make's order, else
 * a tracked Makefile.in with no Makefile.am beside it: openldap's doc/guide/admin), with the tracked fragments it
 * includes (`include $(srcdir)/x.mk`, `$(top_srcdir)/…`; a fragment configure makes: its `.in`), at most 10 files.
 * Every rule keeps `FILE:LINE` of its target line. Read once per directory and classification run.
 */
import { parseMakefile, recipeJoined } from '../util/makefile.js';
import { normalisePath } from './paths.js';
import type { ClassifyContext } from './types.js';

/** A makefile larger than this (or with a NUL in its first 8 KiB) is not read. */
const MAX_BYTES = 4 * 1024 * 1024;
const MAX_FILES = 10;
const NAMES = ['Makefile.am', 'GNUmakefile', 'Makefile', 'Makefile.in'];

export interface MakeRule {
  file: string;
  /** 1-based line of the rule's targets in `file` (0: not found). */
  line: number;
  targets: string[];
  prerequisites: string[];
  /** The recipe's lines, continuations joined (recipeJoined). */
  recipeLines: string[];
  /** recipeLines joined with newlines. */
  recipe: string;
}

export interface Makefiles {
  files: string[];
  /** The first assignment of each variable across the files, in reading order. */
  vars: Map<string, string>;
  rules: MakeRule[];
}

const inDir = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

async function textOf(ctx: ClassifyContext, p: string): Promise<string | undefined> {
  const b = await ctx.content.git(p);
  return b && b.length <= MAX_BYTES && !b.subarray(0, 8192).includes(0) ? b.toString('utf8') : undefined;
}

const cache = new WeakMap<ClassifyContext, Map<string, Promise<Makefiles | undefined>>>();

/** The tracked makefile of `dir` and the fragments it includes, parsed (see the module comment); undefined: none. */
export function makefilesOf(dir: string, ctx: ClassifyContext): Promise<Makefiles | undefined> {
  let byDir = cache.get(ctx);
  if (!byDir) cache.set(ctx, (byDir = new Map()));
  let got = byDir.get(dir);
  if (!got) {
    got = readMakefiles(dir, ctx);
    byDir.set(dir, got);
  }
  return got;
}

async function readMakefiles(dir: string, ctx: ClassifyContext): Promise<Makefiles | undefined> {
  const first = NAMES.map((n) => inDir(dir, n)).find((p) => ctx.gitPaths.has(p));
  if (first === undefined) return undefined;
  const out: Makefiles = { files: [], vars: new Map(), rules: [] };
  const queue = [first];
  while (queue.length && out.files.length < MAX_FILES) {
    const file = queue.shift()!;
    const text = await textOf(ctx, file);
    if (text === undefined) continue;
    out.files.push(file);
    const mk = parseMakefile(text, file);
    for (const [k, v] of mk.vars) if (!out.vars.has(k)) out.vars.set(k, v);
    const lines = text.split('\n');
    for (const r of mk.rules) {
      const head = r.targets.join(' ');
      const line = lines.findIndex((l) => l.startsWith(r.targets[0]!) && l.includes(':') && l.replace(/\s+/g, ' ').startsWith(head));
      const recipeLines = r.recipe.map(recipeJoined);
      out.rules.push({ file, line: line + 1, targets: r.targets, prerequisites: r.prerequisites, recipeLines, recipe: recipeLines.join('\n') });
    }
    for (const m of text.matchAll(/^-?include\s+(\S+)\s*$/gm)) {
      const arg = m[1]!;
      const rel = arg.startsWith('$(top_srcdir)/') ? normalisePath(arg.slice(14)) : arg.startsWith('$(srcdir)/') ? normalisePath(inDir(dir, arg.slice(10))) : arg.includes('$') ? undefined : normalisePath(inDir(dir, arg));
      if (rel === undefined) continue;
      const hit = ctx.gitPaths.has(rel) ? rel : ctx.gitPaths.has(`${rel}.in`) ? `${rel}.in` : undefined;
      if (hit && !out.files.includes(hit) && !queue.includes(hit)) queue.push(hit);
    }
  }
  return out;
}

/**
 * The makefiles of `path`'s directory and of each directory above it, nearest first: `dir` the makefile's directory,
 * `sub` the path of the file's directory from there ('' for its own).
 */
export async function* makefilesAbove(path: string, ctx: ClassifyContext): AsyncGenerator<{ dir: string; sub: string; mk: Makefiles }> {
  const slash = path.lastIndexOf('/');
  const parts = slash < 0 ? [] : path.slice(0, slash).split('/');
  for (let up = 0; up <= parts.length; up++) {
    const dir = parts.slice(0, parts.length - up).join('/');
    const mk = await makefilesOf(dir, ctx);
    if (mk) yield { dir, sub: parts.slice(parts.length - up).join('/'), mk };
  }
}
