/**
 * A tracked man page latex2man made from a tracked LaTeX page, made again by the release (libunwind 1.6.2's
 * doc/unw_get_proc_name.man from doc/unw_get_proc_name.tex: git holds a 2007 rendering, the tarball the one `make
 * dist` wrote). Nothing is run; the page must differ from git's copy only where latex2man writes the run's own data:
 *   - its creation comment `.\" Manual page created with latex2man on DATE` (the tarball's DATE within 60 days of the
 *     tag's commit, and nothing but a date: dateTextMs, since Date.parse takes "(any text) 16 August 2021");
 *   - the date field of the `.TH` line (the third quoted argument: the same date rule), every other field equal;
 *   - newer latex2man's marker comments around an included file, `.\" *** start of \input{F}` / `end of`, F a file the
 *     tracked LaTeX page `\input`s.
 * Both sides must carry latex2man's header and the tracked `STEM.tex` must lie beside the page; any other changed
 * line — one word of the text, an added request — leaves it SOURCE_MODIFIED.
 */
import { makeFinding } from '../core/severity.js';
import { dateTextMs } from './date-text.js';
import { baseOf, dirOf } from './paths.js';
import { admits } from './precheck.js';
import type { Classifier } from './types.js';

const MAX_BYTES = 1024 * 1024;
const NEAR_DAYS = 60;
const PAGE = /^(.+)\.(?:man|[1-9][a-z]*)$/;
const CREATED = /^\.\\" Manual page created with latex2man on (.+)$/;
const MARKER = /^\.\\" \*+ (?:start|end) of \\input\{([^{}]+)\}$/;
const TH = /^(\.TH "(?:[^"\\]|\\.)*" "[^"]*" )"([^"]*)"(.*)$/;
const STAMP = '\u0000';

const candidate: NonNullable<Classifier['candidate']> = (diff) =>
  diff.status === 'changed' && diff.git?.type === 'file' && diff.tarball?.type === 'file' && PAGE.test(baseOf(diff.path));

/** The page with latex2man's run data set aside; undefined when a date is not the release's (tarball side) or a marker names a file the source does not \input. */
function normalised(text: string, inputs: ReadonlySet<string>, near: ((d: string) => boolean) | undefined): { lines: string[]; stamped: number } | undefined {
  const out: string[] = [];
  let stamped = 0;
  for (const line of text.split('\n')) {
    const marker = MARKER.exec(line);
    if (marker) {
      if (!inputs.has(marker[1]!)) return undefined;
      stamped++;
      continue;
    }
    const created = CREATED.exec(line);
    if (created) {
      if (near && !near(created[1]!)) return undefined;
      out.push(`.\\" Manual page created with latex2man on ${STAMP}`);
      stamped++;
      continue;
    }
    const th = TH.exec(line);
    if (th) {
      if (near && !near(th[2]!)) return undefined;
      out.push(`${th[1]}"${STAMP}"${th[3]}`);
      stamped++;
      continue;
    }
    out.push(line);
  }
  return { lines: out, stamped };
}

export const latex2manClassifier: Classifier = {
  id: 'latex2man-regenerated',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const m = PAGE.exec(baseOf(diff.path));
    if (!m || diff.status !== 'changed') return undefined;
    const dir = dirOf(diff.path);
    const source = dir ? `${dir}/${m[1]}.tex` : `${m[1]}.tex`;
    if (!ctx.gitPaths.has(source)) return undefined;
    const t = ctx.content.tarball(diff.path);
    const g = await ctx.content.git(diff.path);
    const s = await ctx.content.git(source);
    if (!t || !g || !s || t.length > MAX_BYTES || g.length > MAX_BYTES || t.includes(0) || g.includes(0)) return undefined;
    const tt = t.toString('latin1');
    const gt = g.toString('latin1');
    if (!tt.split('\n', 8).some((l) => CREATED.test(l)) || !gt.split('\n', 8).some((l) => CREATED.test(l))) return undefined;
    const when = ctx.revision.date ? Date.parse(ctx.revision.date) : NaN;
    if (!Number.isFinite(when)) return undefined;
    const near = (d: string) => {
      const at = dateTextMs(d);
      return Number.isFinite(at) && Math.abs(at - when) <= NEAR_DAYS * 86400_000;
    };
    const inputs = new Set([...s.toString('latin1').matchAll(/\\input\{([^{}]+)\}/g)].map((x) => x[1]!));
    const now = normalised(tt, inputs, near);
    const was = normalised(gt, inputs, undefined);
    if (!now || !was || now.lines.length !== was.lines.length || now.lines.some((l, i) => l !== was.lines[i])) return undefined;
    const had = new Set(gt.split('\n'));
    const added = tt.split('\n').filter((l) => !had.has(l)).length;
    return makeFinding('GENERATED_FROM_SOURCE', diff.path, { how: 'generator', source, generator: 'latex2man', regenerated: true, added });
  },
};
