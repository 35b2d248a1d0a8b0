/**
 * A tracked file whose copy in the dist tree a tracked `make dist` rule rewrites with the date of the run (gdbm's
 * Makefile.am: `dist-hook: ChangeLog set-dist-date`, and
 *
 *   set-dist-date:
 *   	rm -f $(distdir)/src/version.c; \
 *   	d=`date '+%d/%m/%Y'`; \
 *   	sed 's|/\*@DIST_DATE@\*\/|"'"$$d"'"|' $(srcdir)/src/version.c > \
 *   		$(distdir)/src/version.c
 *
 * which turns the tracked placeholder `/*@DIST_DATE@*\/` into `"04/02/2022"` in the tarball). The stamp rule
 * (stamps.ts) cannot take it: a comment becoming a string literal changes code, so it is proved by the rule itself.
 *
 *   rule       a rule of a tracked Makefile.am of the file's directory or one above it that `make dist` runs: `dist-hook`
 *              or a target it depends on (in the same fragment, transitively)
 *   recipe     read, never run: only `rm -f WORD` (no effect on the output), `V=\`date [-u] '+FMT'\`` and
 *              `sed [-e] 'SCRIPT' $(srcdir)/X > $(distdir)/X` (X this file, SCRIPT the subset of shell-subset.ts whose
 *              text may take `"$V"` of such a date variable), joined by `;`, `&&` or newlines; `$(srcdir)`,
 *              `$(top_srcdir)` and `$(distdir)` are the only make variables. Anything else and the rule proves nothing.
 *   content    the tracked file through SCRIPT, each date variable a hole, must be the shipped file byte for byte with
 *              every hole the same text of FMT's shape (%d %m %Y %y %e %H %M %S %b %B %F %T), a date within 60 days of
 *              the tag's commit. Another change anywhere, a date far from the release or of another shape: nothing.
 */
import { posix } from 'node:path';
import { makeFinding } from '../core/severity.js';
import { parseMakefile, recipeJoined } from '../util/makefile.js';
import { literalWord, tryShellTokens, type ShellSeg, type ShellToken } from '../util/shell-tokens.js';
import { changedContent, contentOnlyChange } from './line-endings.js';
import { dirOf } from './paths.js';
import { admits } from './precheck.js';
import { parseSed, runSed } from './shell-subset.js';
import type { Classifier } from './types.js';

const MAX_BYTES = 1024 * 1024;
const MAX_FRAGMENT_BYTES = 1024 * 1024;
const NEAR_DAYS = 60;
const HOLE = '\u0001';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_LONG = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

type Field = 'd' | 'm' | 'Y' | 'y' | 'e' | 'H' | 'M' | 'S' | 'b' | 'B';
const FIELD_RE: Record<Field, string> = {
  d: '(0[1-9]|[12]\\d|3[01])', m: '(0[1-9]|1[0-2])', Y: '(\\d{4})', y: '(\\d{2})', e: '( [1-9]|[12]\\d|3[01])',
  H: '([01]\\d|2[0-3])', M: '([0-5]\\d)', S: '([0-5]\\d)', b: `(${MONTHS.join('|')})`, B: `(${MONTHS_LONG.join('|')})`,
};

/** A `date +FMT` format as a regular expression and its fields in order; undefined for a conversion not read here. */
export function dateFormat(fmt: string): { re: string; fields: Field[] } | undefined {
  let re = '';
  const fields: Field[] = [];
  const f = fmt.replace(/%F/g, '%Y-%m-%d').replace(/%T/g, '%H:%M:%S');
  for (let i = 0; i < f.length; i++) {
    const c = f[i]!;
    if (c !== '%') {
      re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      continue;
    }
    const k = f[++i];
    if (k === '%') re += '%';
    else if (k && k in FIELD_RE) {
      re += FIELD_RE[k as Field];
      fields.push(k as Field);
    } else return undefined;
  }
  return fields.length ? { re, fields } : undefined;
}

/** The day a value of the format names (UTC midnight, ms), or undefined without a full day, month and year. */
function dayOf(values: string[], fields: Field[]): number | undefined {
  let d: number | undefined;
  let m: number | undefined;
  let y: number | undefined;
  fields.forEach((f, i) => {
    const v = values[i]!;
    if (f === 'd' || f === 'e') d = Number(v.trim());
    else if (f === 'm') m = Number(v) - 1;
    else if (f === 'b') m = MONTHS.indexOf(v);
    else if (f === 'B') m = MONTHS_LONG.indexOf(v);
    else if (f === 'Y') y = Number(v);
    else if (f === 'y') y = 2000 + Number(v);
  });
  if (d === undefined || m === undefined || y === undefined) return undefined;
  const t = Date.UTC(y, m, d);
  return new Date(t).getUTCDate() === d ? t : undefined;
}

interface DistEdit {
  /** SCRIPT with each date variable a HOLE, and the formats of the holes (one variable: one format). */
  script: string;
  format: string;
  target: string;
}

/** One command's words, or undefined when a word is not plain text, a date variable in double quotes, or `$(…)`-free. */
function commands(tokens: ShellToken[]): ShellToken[][] | undefined {
  const out: ShellToken[][] = [[]];
  for (const t of tokens) {
    if ('op' in t && (t.op === ';' || t.op === '&&' || t.op === '\n')) out.push([]);
    else out[out.length - 1]!.push(t);
  }
  return out.filter((c) => c.length);
}

/**
 * The edit a rule's recipe makes to `path` of the dist tree (recipe lines joined, make variables expanded by the caller
 * to DISTDIR/SRCDIR markers), or undefined when the recipe does anything else.
 */
export function readDistEdit(recipe: string, path: string, target: string): DistEdit | undefined {
  const tokens = tryShellTokens(recipe);
  if (!tokens) return undefined;
  const cmds = commands(tokens);
  if (!cmds) return undefined;
  const dates = new Map<string, string>();
  let edit: DistEdit | undefined;
  for (const c of cmds) {
    if (c.some((t) => 'op' in t && t.op !== '>')) return undefined;
    const w = c.map((t) => ('word' in t ? t.word : undefined));
    const lit = w.map((x) => (x ? literalWord(x) : undefined));
    // rm -f WORD…: removes the copy the sed writes again
    if (lit[0] === 'rm' && lit[1] === '-f' && c.length > 2 && c.every((t) => 'word' in t)) continue;
    // V=`date [-u] +FMT`
    const first = w[0];
    if (c.length === 1 && first && first.length === 2 && first[0]!.kind === 'text' && first[0]!.quote === '' && /^[A-Za-z_]\w*=$/.test(first[0]!.text) && first[1]!.kind === 'sub') {
      const sub = tryShellTokens(first[1]!.command);
      const sw = sub?.map((t) => ('word' in t ? literalWord(t.word) : undefined));
      if (!sw || sw.some((x) => x === undefined) || sw[0] !== 'date') return undefined;
      const args = sw.slice(1) as string[];
      if (args[0] === '-u') args.shift();
      if (args.length !== 1 || !args[0]!.startsWith('+') || !dateFormat(args[0]!.slice(1))) return undefined;
      dates.set(first[0]!.text.slice(0, -1), args[0]!.slice(1));
      continue;
    }
    // sed [-e] SCRIPT SRCDIR/X > DISTDIR/X
    if (lit[0] === 'sed' && !edit) {
      let k = 1;
      if (lit[1] === '-e') k = 2;
      const scriptWord = w[k];
      if (!scriptWord || c.length !== k + 4 || !('op' in c[k + 2]!) || lit[k + 1] !== `\u0002SRCDIR/${path}` || lit[k + 3] !== `\u0002DISTDIR/${path}`) return undefined;
      let script = '';
      let format: string | undefined;
      for (const s of scriptWord as ShellSeg[]) {
        if (s.kind === 'text') script += s.text;
        else if (s.kind === 'var' && s.quoted && dates.has(s.name) && (format === undefined || format === dates.get(s.name))) {
          script += HOLE;
          format = dates.get(s.name);
        } else return undefined;
      }
      if (!format || script.includes('\u0002')) return undefined;
      edit = { script, format, target };
      continue;
    }
    return undefined;
  }
  return edit;
}

/** The date text when `shipped` is `expected` with every HOLE one same date of the format within NEAR_DAYS of `when`. */
export function holesMatch(expected: string, shipped: string, format: string, when: number): string | undefined {
  const f = dateFormat(format);
  if (!f || !expected.includes(HOLE)) return undefined;
  const parts = expected.split(HOLE).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const m = new RegExp(`^${parts.join(`(${f.re})`)}$`).exec(shipped);
  if (!m) return undefined;
  const n = f.fields.length + 1;
  const values = m.slice(1) as string[];
  for (let i = n; i < values.length; i += n) if (values[i] !== values[0]) return undefined;
  const day = dayOf(values.slice(1, n), f.fields);
  if (day === undefined || !Number.isFinite(when) || Math.abs(day - when) > (NEAR_DAYS + 1) * 86400_000) return undefined;
  return values[0];
}

/** Make variables of the recipe: $$ is $, the dist and source directories become markers; any other one: undefined. */
function expandRecipe(line: string, fragDir: string): string | undefined {
  let bad = false;
  const out = line.replace(/\$(\$|\(([^()]*)\)|\{([^{}]*)\}|.)/g, (all, c: string, p?: string, b?: string) => {
    if (c === '$') return '$';
    const name = p ?? b;
    if (name === 'distdir') return '\u0002DISTDIR';
    if (name === 'srcdir' || name === 'top_srcdir') {
      const base = name === 'srcdir' ? fragDir : '';
      return base ? `\u0002SRCDIR/${base}` : '\u0002SRCDIR';
    }
    bad = true;
    return all;
  });
  if (bad) return undefined;
  // $(srcdir)/a/../b and $(distdir)/./x read as paths from the top
  return out.replace(/\u0002(SRCDIR|DISTDIR)((?:\/[^\s'";|&<>]+)+)/g, (_, k: string, rest: string) => `\u0002${k}/${posix.normalize(rest.slice(1))}`);
}

const candidate: NonNullable<Classifier['candidate']> = (diff) => contentOnlyChange(diff);

export const distDateClassifier: Classifier = {
  id: 'dist-date',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const when = ctx.revision.date ? Date.parse(ctx.revision.date) : NaN;
    if (!Number.isFinite(when)) return undefined;
    const dirs: string[] = [];
    for (let d = dirOf(diff.path); ; d = dirOf(d)) {
      dirs.push(d);
      if (!d) break;
    }
    for (const dir of dirs) {
      const am = dir ? `${dir}/Makefile.am` : 'Makefile.am';
      if (!ctx.gitPaths.has(am)) continue;
      const buf = await ctx.content.git(am);
      if (!buf || buf.length > MAX_FRAGMENT_BYTES || !buf.includes('dist-hook')) continue;
      const mk = parseMakefile(buf.toString('latin1'), am);
      // dist-hook and what it depends on, in this fragment
      const chain = new Set(['dist-hook']);
      for (let grew = true; grew; ) {
        grew = false;
        for (const r of mk.rules) if (r.targets.some((t) => chain.has(t))) for (const p of r.prerequisites) if (!chain.has(p) && /^[\w.-]+$/.test(p)) { chain.add(p); grew = true; }
      }
      for (const rule of mk.rules) {
        const target = rule.targets.find((t) => chain.has(t));
        if (!target) continue;
        for (const raw of rule.recipe) {
          const line = recipeJoined(raw).replace(/^[@-]+/, '');
          if (!line.includes(posix.basename(diff.path))) continue;
          const expanded = expandRecipe(line, dir);
          const edit = expanded && readDistEdit(expanded, diff.path, target);
          if (!edit) continue;
          const cmds = parseSed(edit.script);
          if (!cmds) continue;
          const c = await changedContent(diff, ctx);
          if (!c || c.git.length > MAX_BYTES || c.tarball.length > MAX_BYTES) return undefined;
          const expected = runSed(cmds, false, c.git.toString('latin1'));
          const date = holesMatch(expected, c.tarball.toString('latin1'), edit.format, when);
          if (date === undefined) continue;
          const exp = expected.split('\n');
          const lines = exp.flatMap((l, i) => (l.includes(HOLE) ? [i + 1] : []));
          return makeFinding('VERSION_STAMP', diff.path, { lines, rule: { file: am, target }, date });
        }
      }
    }
    return undefined;
  },
};
