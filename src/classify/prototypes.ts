/**
 * A header of prototypes collected from the tracked C files by a tracked make rule (less's funcs.h:
 * `grep -h '^public [^;]*$$' ${SRC} | sed 's/$$/;/' > funcs.h`, in Makefile.aut). Build-affecting, so the
 * proof is strict: a tracked makefile beside the header has a rule for it whose recipe greps `'^KEYWORD '`,
 * and the header is, line for line, the KEYWORD lines without a `;` of tracked .c files beside it, each
 * followed by `;` — each contributing file's lines complete and in its order. A line that is not such a
 * definition (a new prototype, a macro, anything) leaves it unexplained.
 */
import { makeFinding } from '../core/severity.js';
import { baseOf, dirOf, pathsBy } from './paths.js';
import type { Classifier, ClassifyContext } from './types.js';
import { admits } from './precheck.js';

const MAX_BYTES = 2 * 1024 * 1024;
const MAKEFILE = /^(?:GNUmakefile|[Mm]akefile(?:\.[\w-]+)?)$/;

/** The keyword the tracked make rule for `name` greps for, and the makefile; undefined without such a rule. */
export function ruleKeyword(makefile: string, name: string): string | undefined {
  const lines = makefile.replace(/\\\n/g, ' ').split('\n');
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const i = lines.findIndex((l) => new RegExp(`^(?:\\$\\{srcdir\\}/|\\$\\(srcdir\\)/)?${esc}\\s*:`).test(l));
  if (i < 0) return undefined;
  for (let j = i + 1; j < lines.length && lines[j]!.startsWith('\t'); j++) {
    const m = /\bgrep\b[^']*'\^(\w+) \[\^;\]\*\$\$?'/.exec(lines[j]!);
    if (m) return m[1];
  }
  return undefined;
}

/** Checks the header against the tracked sources' KEYWORD lines; returns the contributing files, or undefined. */
export function provePrototypes(header: string, sources: ReadonlyMap<string, string>, keyword: string): string[] | undefined {
  const lists = new Map<string, string[]>();
  const re = new RegExp(`^${keyword} [^;]*$`);
  for (const [p, t] of sources) {
    const l = t.split('\n').map((x) => x.replace(/\r$/, '')).filter((x) => re.test(x));
    if (l.length) lists.set(p, l);
  }
  const lines = header.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const used: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const next = [...lists].find(([p, l]) => !used.includes(p) && `${l[0]};` === lines[i]);
    if (!next) return undefined;
    const [p, l] = next;
    for (const x of l) {
      if (lines[i] !== `${x};`) return undefined;
      i++;
    }
    used.push(p);
  }
  return used.length ? used : undefined;
}

async function text(ctx: ClassifyContext, p: string): Promise<string | undefined> {
  const b = await ctx.content.git(p);
  return b && b.length <= MAX_BYTES ? b.toString('utf8') : undefined;
}


/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && diff.path.endsWith('.h');

export const prototypesClassifier: Classifier = {
  id: 'prototypes',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const content = ctx.content.tarball(diff.path);
    if (!content || content.length > MAX_BYTES) return undefined;
    const dir = dirOf(diff.path);
    const siblings = (pathsBy('dir', ctx.gitPaths).get(dir) ?? []).sort();
    let keyword: string | undefined;
    let makefile: string | undefined;
    for (const m of siblings.filter((p) => MAKEFILE.test(baseOf(p)))) {
      const t = await text(ctx, m);
      keyword = t ? ruleKeyword(t, baseOf(diff.path)) : undefined;
      if (keyword) {
        makefile = m;
        break;
      }
    }
    if (!keyword || !makefile) return undefined;
    const sources = new Map<string, string>();
    for (const c of siblings.filter((p) => p.endsWith('.c'))) {
      const t = await text(ctx, c);
      if (t !== undefined) sources.set(c, t);
    }
    const used = provePrototypes(content.toString('utf8'), sources, keyword);
    if (!used) return undefined;
    const total = content.toString('utf8').split('\n').filter(Boolean).length;
    return makeFinding('GENERATED_FROM_SOURCE', diff.path, {
      how: 'extracted',
      generator: `${makefile} rule: grep '^${keyword} '`,
      source: used[0]!,
      found: total,
      total,
      ...(used.length > 1 ? { others: used.slice(1) } : {}),
    });
  },
};
