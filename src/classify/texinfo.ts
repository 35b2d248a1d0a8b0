/**
 * Texinfo version stamps (issue 11 d): automake's `version.texi` / `stamp-vti` (and `version-X.texi`,
 * `stamp-N` for further manuals), written at release time by mdate-sh as exactly four lines —
 * `@set UPDATED <day month year>`, `@set UPDATED-MONTH <month year>`, `@set EDITION <v>`, `@set VERSION <v>`.
 * Explained when nothing else is in the file, the version is the release's, and the date is the day the
 * tracked manual that includes it was last changed in git (within a day: mdate-sh prints the file's
 * modification time in the release maker's zone), or a day between that change and the release commit (a later
 * checkout moved the modification time). Dates near the tag are the stamps classifier's.
 */
import { makeFinding } from '../core/severity.js';
import { baseOf, dirOf } from './paths.js';
import type { Classifier } from './types.js';
import { admits } from './precheck.js';

const NAME = /^(?:version(?:-[\w.+-]+)?\.texi|stamp-vti|stamp-\d+)$/;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const LINE = /^@set (UPDATED|UPDATED-MONTH|EDITION|VERSION) (.+)$/;

/** The four values of a version.texi, or undefined when the file holds anything else. */
export function parseVersionTexi(text: string): { updated: string; month: string; edition: string; version: string } | undefined {
  const v: Record<string, string> = {};
  for (const l of text.split('\n')) {
    if (!l.trim()) continue;
    const m = LINE.exec(l.trimEnd());
    if (!m || v[m[1]!] !== undefined) return undefined;
    v[m[1]!] = m[2]!;
  }
  const { UPDATED: updated, 'UPDATED-MONTH': month, EDITION: edition, VERSION: version } = v;
  if (!updated || !month || !edition || !version) return undefined;
  const d = /^(\d{1,2}) ([A-Z][a-z]+) (\d{4})$/.exec(updated);
  if (!d || !MONTHS.includes(d[2]!) || month !== `${d[2]} ${d[3]}`) return undefined;
  return { updated, month, edition, version };
}

function isoOf(updated: string): string {
  const [day, month, year] = updated.split(' ');
  return `${year}-${String(MONTHS.indexOf(month!) + 1).padStart(2, '0')}-${day!.padStart(2, '0')}`;
}

const days = (a: string, b: string) => Math.abs(Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / 86400_000;


/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && NAME.test(baseOf(diff.path));

export const texinfoStampClassifier: Classifier = {
  id: 'texinfo-stamp',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff) || !ctx.history) return undefined;
    const buf = ctx.content.tarball(diff.path);
    if (!buf || buf.length > 1024) return undefined;
    const v = parseVersionTexi(buf.toString('utf8'));
    const version = ctx.revision.version;
    if (!v || !version || v.version !== version || v.edition !== version) return undefined;
    // The manual: a tracked .texi beside it that includes this file (version.texi for stamp-vti).
    const dir = dirOf(diff.path);
    const included = baseOf(diff.path).startsWith('stamp-') ? 'version' : baseOf(diff.path).replace(/\.texi$/, '');
    const manuals: string[] = [];
    for (const p of ctx.gitPaths) {
      if (dirOf(p) !== dir || !/\.(?:texi|texinfo|txi)$/.test(p)) continue;
      const t = await ctx.content.git(p);
      if (t && new RegExp(`^@include ${included.replace(/[.+]/g, '\\$&')}(?:\\.texi)?\\s*$`, 'm').test(t.toString('latin1'))) manuals.push(p);
    }
    if (!manuals.length) return undefined;
    const last = await ctx.history.lastChange(manuals);
    const iso = isoOf(v.updated);
    if (!last) return undefined;
    const source = manuals.sort()[0]!;
    if (Math.min(days(iso, last.authorDate), days(iso, last.commitDate)) <= 1) return makeFinding('GENERATED_FROM_SOURCE', diff.path, { how: 'texinfo-stamp', source, commit: last.oid, date: iso, version });
    // mdate-sh prints the manual's modification time in the maintainer's checkout, which a checkout, a rebase or
    // a branch switch moves to any day after the content was committed (GNU hello 2.10: UPDATED 19 July 2014,
    // hello.texi last changed 2014-03-13, released 2014-11-16): a day from the last change of the manual to
    // the release commit (a day's slack each side for the maker's zone), never before it or after the release.
    const changed = (last.authorDate < last.commitDate ? last.authorDate : last.commitDate).slice(0, 10);
    const released = ctx.revision.date?.slice(0, 10);
    if (!released || iso < changed || days(iso, released) > 1 && iso > released) return undefined;
    return makeFinding('GENERATED_FROM_SOURCE', diff.path, { how: 'texinfo-stamp', source, commit: last.oid, date: iso, version, changed, released });
  },
};
