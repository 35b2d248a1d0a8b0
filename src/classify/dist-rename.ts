/**
 * A file the release's own `dist-hook` renamed from the tracked X.dist to X (curl's and c-ares' Makefile.am):
 *
 *   dist-hook:
 *   	find $(distdir) -name "*.dist" -exec rm {} \;
 *   	(distit=`find $(srcdir) -name "*.dist"`; \
 *   	for file in $$distit; do \
 *   	  strip=`echo $$file | sed -e s/^$(srcdir)// -e s/\.dist//`; \
 *   	  cp $$file $(distdir)$$strip; \
 *   	done)
 *
 * c-ares 1.18.1 ships include/ares_build.h this way (its tracked ares_build.h.dist: "renamed to ares_build.h when
 * the c-ares source code distribution archive file is created"); the fallback's COPY_OF_TRACKED refuses it on
 * purpose, since a header is code and `X.h.dist` is not (a copy that lands where the build compiles it proves
 * nothing by its content alone). Here the evidence is the rule: the tracked dist-hook of a Makefile.am in the file's
 * directory or one above removes every `*.dist` from the distribution and copies each tracked `*.dist` under
 * `$(srcdir)` to its name without `.dist`. Explained only when the tracked `X.dist` exists, the shipped X is byte
 * for byte its content, X.dist itself is not shipped (the hook removed it), X is not executable where X.dist is not,
 * and no `grep -v` filter of the hook leaves X out. Anything else (another content, no such hook, a hook that
 * copies something else) falls to the next classifier and the fallback.
 */
import type { Finding } from '../core/findings.js';
import { makeFinding } from '../core/severity.js';
import type { PathDiff } from '../core/types.js';
import { baseOf, dirOf, pathsBy } from './paths.js';
import type { Classifier, ClassifyContext } from './types.js';
import { admits } from './precheck.js';

const MAX_BYTES = 4 * 1024 * 1024;
const MAX_FRAGMENT_BYTES = 2 * 1024 * 1024;

/** The recipe of the `dist-hook:` rule of a makefile text (continuations joined), and its line; undefined when none. */
export function distHook(text: string): { line: number; recipe: string } | undefined {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^dist-hook\s*:(?!=)/.test(lines[i]!)) continue;
    const recipe: string[] = [];
    for (let j = i + 1; j < lines.length && lines[j]!.startsWith('\t'); j++) {
      let l = lines[j]!;
      while (l.endsWith('\\') && j + 1 < lines.length) l = `${l.slice(0, -1)} ${lines[++j]!.trim()}`;
      recipe.push(l.trim());
    }
    return { line: i + 1, recipe: recipe.join('\n') };
  }
  return undefined;
}

const NAME_DIST = String.raw`-name\s+(?:"\*\.dist"|'\*\.dist'|\\?\*\.dist)`;
/** `find $(distdir) -name "*.dist" -exec rm {} \;` (or `| xargs rm`): every *.dist leaves the distribution. */
const REMOVES = new RegExp(String.raw`\bfind\s+\$\(distdir\)\s+${NAME_DIST}\s+(?:-exec\s+rm(?:\s+-f)?\s+\{\}|\|\s*xargs\s+rm\b)`);
/** `find $(srcdir) -name "*.dist"`: the tracked *.dist files, optionally filtered by `| grep -v PATTERN`. */
const LISTS = new RegExp(String.raw`\bfind\s+\$\(srcdir\)\s+${NAME_DIST}(\s*\|\s*grep\s+-v\s+(\S+))?\s*\``);
/** `sed -e s/^$(srcdir)// -e s/\.dist//`: the name without its directory prefix and .dist. */
const STRIPS = /\bsed\s+-e\s+['"]?s\/\^\$\(srcdir\)\/\/['"]?\s+-e\s+['"]?s\/\\\.dist\/\/['"]?/;
/** `cp [-p] $$file $(distdir)$$strip`: the copy to that name. */
const COPIES = /\bcp\s+(?:-p\s+)?\$\$(\w+)\s+\$\(distdir\)\$\$(\w+)/;

/**
 * Whether a dist-hook recipe renames every tracked *.dist to its name without .dist (see the top of this file), and
 * the `grep -v` filter it applies, if any (a fixed string: '.' and '/' only besides word characters).
 */
export function renamesDist(recipe: string): { exclude?: string } | undefined {
  const listed = LISTS.exec(recipe);
  if (!REMOVES.test(recipe) || !listed || !STRIPS.test(recipe) || !COPIES.test(recipe)) return undefined;
  if (listed[2] === undefined) return {};
  const pattern = listed[2].replace(/^['"]|['"]$/g, '');
  // a filter we cannot read as a fixed string: no proof of which files it keeps
  if (!/^[\w./-]+$/.test(pattern)) return undefined;
  return { exclude: pattern };
}

/** The tracked Makefile.am whose dist-hook renames *.dist under its directory, from `path`'s directory up. */
async function renamingHook(path: string, ctx: ClassifyContext): Promise<string | undefined> {
  const byDir = pathsBy('dir', ctx.gitPaths);
  for (let d = dirOf(path); ; d = dirOf(d)) {
    const mk = (byDir.get(d) ?? []).find((p) => baseOf(p) === 'Makefile.am');
    if (mk) {
      const buf = await ctx.content.git(mk);
      const hook = buf && buf.length <= MAX_FRAGMENT_BYTES ? distHook(buf.toString('latin1')) : undefined;
      const renames = hook ? renamesDist(hook.recipe) : undefined;
      if (hook && renames) {
        // `find $(srcdir)` names a file as ./DIR/X.dist (srcdir '.'); grep -v PATTERN drops the names holding it
        const below = d ? path.slice(d.length + 1) : path;
        const listedAs = `./${below}.dist`;
        const escaped = renames.exclude?.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\./g, '.');
        if (escaped !== undefined && new RegExp(escaped).test(listedAs)) return undefined;
        return `${mk}:${hook.line}`;
      }
    }
    if (!d) return undefined;
  }
}

/** A tarball-only file of a bounded size; copyOf (when set) must be its X.dist — the compare stage names one
 *  tracked file of the same content, preferring the same base name, so another may be named when two are equal. */
const candidate: NonNullable<Classifier['candidate']> = (diff) =>
  diff.status === 'tarball-only' && diff.tarball?.type === 'file' && diff.tarball.size <= MAX_BYTES && !!diff.tarball.oid && diff.copyOf !== undefined;

async function renamed(diff: PathDiff, source: string, ctx: ClassifyContext): Promise<Finding | undefined> {
  const rule = await renamingHook(diff.path, ctx);
  return rule ? makeFinding('COPY_OF_TRACKED', diff.path, { source, rule }) : undefined;
}

export const distRenameClassifier: Classifier = {
  id: 'dist-rename',
  candidate,
  // synchronous "no" for every file without a tracked X.dist (most of them): no promise per difference
  classify(diff: PathDiff, ctx: ClassifyContext): Promise<Finding | undefined> | undefined {
    if (!admits(candidate, diff)) return undefined;
    const source = `${diff.path}.dist`;
    if (!ctx.gitPaths.has(source) || ctx.tarballPaths.has(source)) return undefined;
    // X.dist, not shipped, is a git-only difference: its blob id must be the shipped file's (the scan keeps no bytes
    // of a file whose blob git has, so the ids are compared, as the compare stage found copyOf), and its mode git's
    const tracked = ctx.diffs.find((d) => d.path === source && d.status === 'git-only')?.git;
    if (!tracked?.oid || tracked.oid !== diff.tarball?.oid) return undefined;
    if (diff.tarball.executable && !tracked.executable) return undefined;
    return renamed(diff, source, ctx);
  },
};
