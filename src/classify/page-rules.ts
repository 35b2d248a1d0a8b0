/**
 * The tracked make rules of a generated page's directory, read as make runs them: a makefile the top one includes by
 * its path (`include docs/Makefile`: libxmp 4.5.0) runs from the top, so its paths are the top's. Used by the
 * renderings that trace a page to its sources (./rst-html.ts, ./docs.ts's man pages): which tracked files a rule,
 * or the rule of the untracked intermediate it renders, reads.
 */
import { expandLoose, parseMakefile, repoPathIn } from '../util/makefile.js';
import { dirOf } from './paths.js';
import type { ClassifyContext } from './types.js';

const MAX_BYTES = 4 * 1024 * 1024;
const MAKEFILES = ['Makefile.am', 'GNUmakefile', 'Makefile', 'Makefile.in'];

/** The tracked makefile of directory `dir` a page's rule is read from: Makefile.am, else GNUmakefile, Makefile, Makefile.in. */
export function trackedMakefile(dir: string, ctx: ClassifyContext): string | undefined {
  return MAKEFILES.map((n) => (dir ? `${dir}/${n}` : n)).find((p) => ctx.gitPaths.has(p));
}

/** Whether a tracked makefile of the top directory includes `file` by its path (`include docs/Makefile`, `-include …`). */
export async function includedFromTop(file: string, ctx: ClassifyContext): Promise<boolean> {
  const esc = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^-?include\\s+(?:\\$[({](?:top_)?srcdir[)}]/)?${esc}\\s*$`, 'm');
  for (const n of MAKEFILES) {
    if (!ctx.gitPaths.has(n)) continue;
    const b = await ctx.content.git(n);
    if (b && b.length <= MAX_BYTES && re.test(b.toString('utf8'))) return true;
  }
  return false;
}

/**
 * The tracked files a page is assembled from when its rule renders an untracked intermediate that another rule of the
 * same makefile writes from tracked files (libxmp 4.5.0: `docs/libxmp.3: docs/libxmp.man.rst` by rst2man, and
 * `docs/libxmp.man.rst: docs/libxmp.rst docs/manpage-header.rst docs/Makefile` by cp and sed): those tracked
 * prerequisites, makefiles left out, when `source` is one of them; undefined otherwise.
 */
export async function intermediateSources(ctx: ClassifyContext, page: string, source: string): Promise<string[] | undefined> {
  const dir = dirOf(page);
  const file = trackedMakefile(dir, ctx);
  if (!file) return undefined;
  const b = await ctx.content.git(file);
  if (!b || b.length > MAX_BYTES) return undefined;
  const mk = parseMakefile(b.toString('utf8'), file);
  const from = dir && (await includedFromTop(file, ctx)) ? '' : dir;
  const resolve = (w: string) => repoPathIn(from, expandLoose(w, mk.vars, from));
  const ruleFor = (path: string) => mk.rules.find((r) => r.recipe.length > 0 && r.targets.some((t) => resolve(t) === path));
  const rule = ruleFor(page);
  const mid = rule?.prerequisites.map(resolve).find((p): p is string => p !== undefined && !ctx.gitPaths.has(p));
  if (!mid) return undefined;
  const made = ruleFor(mid);
  if (!made) return undefined;
  const inputs = made.prerequisites.map(resolve).filter((p): p is string => p !== undefined && ctx.gitPaths.has(p) && !MAKEFILES.some((n) => p === n || p.endsWith(`/${n}`)));
  return inputs.includes(source) ? inputs : undefined;
}
