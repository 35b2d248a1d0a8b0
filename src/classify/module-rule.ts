/**
 * A table a gnulib module's own make rule writes with a C program the module compiles (issue 11 d): coreutils
 * 9.7's lib/crc-sliceby8.h, written by lib/crc-generate-table.c of module crc. The rule and the program are read
 * from the gnulib submodule the tag pins (never from the tarball): gnulib-tool's makefile in the tarball (its
 * `## begin gnulib module NAME` sections) only says which module to read. The rule must compile `PROG.c` (a file
 * the module lists) and run PROG writing the file (a temporary moved onto it, or stdout); the program's output
 * is computed by its model (src/classify/c-generators.ts, fingerprinted on the pinned source) and compared whole.
 */
import { makeFinding } from '../core/severity.js';
import { blobId } from '../scan/blob-id.js';
import { renderProgram } from './c-generators.js';
import { namesPath } from './make-stamp.js';
import { expandLoose, parseMakefile, recipeJoined } from '../util/makefile.js';
import { baseOf, dirOf } from './paths.js';
import type { Classifier, ClassifyContext } from './types.js';
import type { PinnedSubmodule } from '../acquire/submodule.js';
import { admits } from './precheck.js';

const MAX_BYTES = 1024 * 1024;
const GNULIB = new WeakMap<PinnedSubmodule, boolean>();
const isGnulib = (s: PinnedSubmodule) => {
  let v = GNULIB.get(s);
  if (v === undefined) GNULIB.set(s, (v = s.files.has('gnulib-tool') && [...s.files.keys()].some((p) => p.startsWith('modules/'))));
  return v;
};

/** gnulib-tool's module description sections. */
const SECTION = /^(?:Description|Comment|Status|Notice|Applicability|Files|Depends-on|configure\.ac-early|configure\.ac|Makefile\.am|Include|Link|License|Maintainer):\s*$/;

/** The section `name:` of a gnulib module description (up to the next section header). */
export function moduleSection(text: string, name: string): string | undefined {
  const lines = text.split('\n');
  const at = lines.indexOf(`${name}:`);
  if (at < 0) return undefined;
  const end = lines.findIndex((l, i) => i > at && SECTION.test(l));
  return lines.slice(at + 1, end < 0 ? undefined : end).join('\n');
}

/** Per run: directory → the `## begin gnulib module NAME` sections of gnulib-tool's makefiles there (read once). */
const SECTIONS = new WeakMap<ClassifyContext, Map<string, { module: string; body: string }[]>>();

/** The modules of gnulib-tool makefiles in `dir` whose section mentions `name`. */
function modulesNaming(ctx: ClassifyContext, dir: string, name: string): string[] {
  let byDir = SECTIONS.get(ctx);
  if (!byDir) {
    byDir = new Map();
    for (const p of ctx.tarballPaths) {
      if (!/^(?:gnulib\.mk|Makefile\.am|Makefile\.gnulib)$/.test(baseOf(p))) continue;
      const text = ctx.content.tarball(p)?.toString('latin1');
      if (!text?.includes('## begin gnulib module ')) continue;
      const list = byDir.get(dirOf(p)) ?? byDir.set(dirOf(p), []).get(dirOf(p))!;
      for (const m of text.matchAll(/^## begin gnulib module (\S+)\n([\s\S]*?)^## end {3}gnulib module \1$/gm)) list.push({ module: m[1]!, body: m[2]! });
    }
    SECTIONS.set(ctx, byDir);
  }
  return [...new Set((byDir.get(dir) ?? []).filter((x) => x.body.includes(name)).map((x) => x.module))];
}

/** PROG and the words after it, when `recipe` compiles `-o PROG …/PROG.c` and runs PROG writing `dest` or a temporary moved onto it. */
export function compileAndRun(recipe: string, dest: (word: string) => boolean): { prog: string; args: string[] } | undefined {
  const compiled = /\s-o\s+([\w.-]+)\s+\S*?\/?\1\.c(?=[\s)])/.exec(recipe);
  if (!compiled) return undefined;
  const prog = compiled[1]!;
  for (const cmd of recipe.split(/&&|;|\|\||\n/)) {
    const words = cmd.trim().replace(/^\(\s*/, '').split(/\s+/).map((w) => w.replace(/^'|'$/g, ''));
    if (!words.length || !(words[0] === prog || words[0]!.endsWith(`/${prog}`))) continue;
    let args = words.slice(1);
    const redirect = args.indexOf('>');
    if (redirect >= 0) {
      if (redirect !== args.length - 2 || !dest(args[redirect + 1]!)) return undefined;
      args = args.slice(0, redirect);
    } else if (!args.length || !dest(args[args.length - 1]!)) return undefined;
    return { prog, args };
  }
  return undefined;
}


/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && diff.tarball.size <= MAX_BYTES;

export const moduleRuleClassifier: Classifier = {
  id: 'module-rule',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const subs = (ctx.submodules ?? []).filter(isGnulib);
    if (!subs.length) return undefined;
    const dir = dirOf(diff.path);
    const name = baseOf(diff.path);
    const modules = modulesNaming(ctx, dir, name);
    if (!modules.length) return undefined;
    const buf = ctx.content.tarball(diff.path);
    if (!buf) return undefined;
    const text = buf.toString('latin1');
    for (const sub of subs)
      for (const module of modules) {
        const desc = (await sub.read(`modules/${module}`))?.toString('latin1');
        const am = desc && moduleSection(desc, 'Makefile.am');
        const files = desc && moduleSection(desc, 'Files');
        if (!am || !files) continue;
        const mk = parseMakefile(am);
        for (const rule of mk.rules) {
          if (!rule.targets.some((t) => namesPath(dir, expandLoose(t, mk.vars, dir), diff.path))) continue;
          const recipe = expandLoose(rule.recipe.map(recipeJoined).join('\n'), mk.vars, dir);
          const tmp = (w: string) => w.replace(/(?:-t|\.tmp|-tmp)$/, '');
          const run = compileAndRun(recipe, (w) => namesPath(dir, w, diff.path) || (tmp(w) !== w && namesPath(dir, tmp(w), diff.path) && new RegExp(`\\bmv\\s+(?:-f\\s+)?\\S*${baseOf(w).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s`).test(recipe)));
          const source = run && files.split('\n').map((l) => l.trim()).find((f) => f === `lib/${run.prog}.c`);
          if (!run || !source) continue;
          const src = await sub.read(source);
          if (!src || src.length > MAX_BYTES) continue;
          const out = renderProgram(src.toString('latin1'), run.args);
          if (!out?.texts.includes(text)) continue;
          const blob = sub.files.get(source) ?? blobId('sha1', src);
          return makeFinding('GENERATED_FROM_SOURCE', diff.path, {
            how: 'computed', source: `${sub.path}/modules/${module}`, generator: `${sub.path}/${source}`, inputs: [], commit: sub.commit, model: { id: out.model, blob },
          });
        }
      }
    return undefined;
  },
};
