/**
 * Text that yodl rendered from tracked `.yo` documents at release time (issue 11 d): zsh's `Etc/FAQ`
 * (`$(YODL2TXT) -o FAQ.txt $<` from the tracked Etc/FAQ.yo) and `META-FAQ` (`$(YODL) -I$(sdir) META-FAQ.yo | sed …`, a
 * rule of Doc/Makefile.in whose target is `../META-FAQ`). Nothing is run; the evidence is the rule and the text:
 *   - the rule: a rule of the tracked makefile of the file's directory or of a directory just below it, whose target
 *     is the file (resolved from the makefile's directory; `@srcdir@`/`@top_srcdir@`-style values read as directories)
 *     and whose recipe runs yodl (`yodl`, `yodl2txt`…, or a `$(YODL…)` variable);
 *   - the source's text: the tracked `.yo` files among the rule's prerequisites (`$<` the first) and the recipe's
 *     words, and every file they include (`includefile(F)`, F or F.yo, from the makefile's directory or a `-I` directory
 *     of the recipe), recursively — an include that is not tracked (a file the build writes) leaves the output to the
 *     next classifier;
 *   - at least 95 % of the output's distinct words (three letters or more; a texinfo output's `@` commands set aside)
 *     occur in that text or are yodl's own ("Table of Contents"), every word when fewer than 20, and no more than two words it lacks in any twelve in a row
 *     (./man-rendered.ts novelRun); every URL of the output one the sources spell out whole (./urls.ts novelUrls; a
 *     yodl macro's parentheses end a URL there: `url(https://x/)(https://x/)`), and no suspicious construct of a kind
 *     the sources lack.
 */
import { makeFinding } from '../core/severity.js';
import { expandLoose } from '../util/makefile.js';
import { makefilesOf, type MakeRule, type Makefiles } from './makefile-rules.js';
import { novelRun, wordsOf } from './man-rendered.js';
import { baseOf, dirOf, normalisePath } from './paths.js';
import { admits } from './precheck.js';
import { findConstructs } from './suspicious.js';
import type { Classifier, ClassifyContext } from './types.js';
import { novelUrls, sourceUrls } from './urls.js';

const MAX_BYTES = 4 * 1024 * 1024;
const MIN_WORDS = 20;
const MIN_SHARE = 0.95;
const MAX_SOURCES = 400;
/** Words yodl's converters write themselves: the table of contents' heading. */
const YODL_WORDS = ['table', 'contents'];

/** yodl in a recipe (expanded or as written): the program, its yodl2* front ends, or a `$(YODL…)` variable. */
const YODL = /(?:^|[\s;|&(`'"/])yodl(?:2[a-z]+)?(?=\s|$)|\$[({]YODL\w*[)}]/;

const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

/** A make word expanded: the makefiles' variables, configure's directory substitutions as `.`, quotes dropped. */
function expand(w: string, mk: Makefiles, dir: string): string {
  return expandLoose(w, mk.vars, dir).replace(/@(?:abs_)?(?:top_)?(?:src|build)dir@/g, '.').replace(/^['"]|['"]$/g, '');
}
const resolve = (dir: string, name: string) => normalisePath(join(dir, name));

interface Found { rule: MakeRule; mk: Makefiles; dir: string }

/** The rule making `path` with yodl, in the makefile of its directory or of a directory just below it. */
async function yodlRule(path: string, ctx: ClassifyContext): Promise<Found | undefined> {
  const dir = dirOf(path);
  const below = new Set<string>();
  for (const p of ctx.gitPaths) {
    const d = dirOf(p);
    if (d !== dir && dirOf(d) === dir && /^(?:Makefile(?:\.am|\.in)?|GNUmakefile)$/.test(baseOf(p))) below.add(d);
  }
  for (const d of [dir, ...[...below].sort()]) {
    const mk = await makefilesOf(d, ctx);
    if (!mk) continue;
    for (const rule of mk.rules) {
      if (!rule.targets.some((t) => resolve(d, expand(t, mk, d)) === path)) continue;
      if (YODL.test(` ${rule.recipe}`) || YODL.test(` ${expand(rule.recipe, mk, d)}`)) return { rule, mk, dir: d };
    }
  }
  return undefined;
}

/** The tracked `.yo` sources of the rule and every file they include; undefined when an include is not tracked. */
async function sources(f: Found, ctx: ClassifyContext): Promise<{ files: string[]; text: string } | undefined> {
  const recipe = expand(f.rule.recipe, f.mk, f.dir).replace(/\$</g, f.rule.prerequisites[0] ?? '');
  const incDirs = [f.dir, ...[...recipe.matchAll(/(?:^|\s)-I\s*(\S+)/g)].map((m) => resolve(f.dir, m[1]!)).filter((d): d is string => d !== undefined)];
  const roots: string[] = [];
  for (const w of [...f.rule.prerequisites.map((p) => expand(p, f.mk, f.dir)), ...recipe.split(/\s+/)]) {
    if (!/\.yo$/.test(w) || w.includes('$')) continue;
    for (const d of incDirs) {
      const p = resolve(d, w);
      if (p !== undefined && ctx.gitPaths.has(p) && !roots.includes(p)) { roots.push(p); break; }
    }
  }
  if (!roots.length) return undefined;
  const files: string[] = [];
  const texts: string[] = [];
  const queue = [...roots];
  const seen = new Set(queue);
  while (queue.length) {
    const p = queue.shift()!;
    const b = await ctx.content.git(p);
    if (!b || b.length > MAX_BYTES || b.subarray(0, 8192).includes(0)) return undefined;
    const t = b.toString('utf8');
    files.push(p);
    texts.push(t);
    for (const m of t.matchAll(/\b(?:includefile|INCLUDEFILE)\(([^()\s]+)\)/g)) {
      const name = m[1]!;
      if (/ARG\d/.test(name)) continue; // a macro's parameter, not a file
      const found = incDirs.flatMap((d) => [resolve(d, name), resolve(d, `${name}.yo`)]).find((c) => c !== undefined && ctx.gitPaths.has(c));
      if (found === undefined) return undefined;
      if (!seen.has(found)) {
        if (seen.size >= MAX_SOURCES) return undefined;
        seen.add(found);
        queue.push(found);
      }
    }
  }
  return { files, text: texts.join('\n') };
}

/** Outputs judged here: a text file without extension (`FAQ`, `META-FAQ`), `.txt`, `.texi`, `.html`. */
const OUTPUT = /^[A-Za-z][\w-]*$|\.(?:txt|texi|html?)$/;
const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && diff.tarball.size <= MAX_BYTES && OUTPUT.test(baseOf(diff.path));

/** Whether the revision tracks any `.yo` file (read once per classification run): without one nothing here applies. */
const tracksYodl = new WeakMap<ClassifyContext, boolean>();
function hasYodl(ctx: ClassifyContext): boolean {
  let v = tracksYodl.get(ctx);
  if (v === undefined) {
    v = false;
    for (const p of ctx.gitPaths) if (p.endsWith('.yo')) { v = true; break; }
    tracksYodl.set(ctx, v);
  }
  return v;
}

export const yodlRenderedClassifier: Classifier = {
  id: 'yodl-rendered',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff) || !hasYodl(ctx)) return undefined;
    const buf = ctx.content.tarball(diff.path);
    if (!buf || buf.length > MAX_BYTES || buf.includes(0)) return undefined;
    const found = await yodlRule(diff.path, ctx);
    if (!found) return undefined;
    const src = await sources(found, ctx);
    if (!src) return undefined;
    const raw = buf.toString('utf8');
    const text = /^\\input texinfo/.test(raw) ? raw.replace(/@[A-Za-z]+/g, ' ').replace(/@[{}@:.,]/g, ' ') : raw;
    // the sources' URLs as written and with yodl's macro parentheses as ends (url(https://x/)(https://x/))
    const urls = new Set([...sourceUrls(src.text), ...sourceUrls(src.text.replace(/[()]/g, ' '))]);
    if (novelUrls(text, urls).length) return undefined;
    const kinds = new Set(findConstructs(src.text, diff.path).map((c) => c.kind));
    if (findConstructs(raw, diff.path).some((c) => !kinds.has(c.kind))) return undefined;
    const have = new Set([...wordsOf(src.text), ...YODL_WORDS]);
    const words = wordsOf(text);
    if (!words.size) return undefined;
    const traced = [...words].filter((w) => have.has(w)).length;
    if (traced < (words.size < MIN_WORDS ? words.size : Math.ceil(words.size * MIN_SHARE))) return undefined;
    if (novelRun(text, have)) return undefined;
    return makeFinding('GENERATED_FROM_SOURCE', diff.path, {
      how: 'rendered',
      source: src.files[0]!,
      generator: 'yodl',
      found: traced,
      total: words.size,
      inputs: [`${found.rule.file}:${found.rule.line}`],
      ...(src.files.length > 1 ? { others: src.files.slice(1, 21), files: src.files.length - 1 } : {}),
    });
  },
};
