/**
 * The date a generator writes when it runs (issue 11: autoconf-archive's AX_AM_MACROS_STATIC writes
 * aminclude_static.am during autoreconf with "# from AX_AM_MACROS_STATIC on `date`", and every Makefile.in
 * that includes it repeats the line). The regeneration runs now, the maintainer ran at release time: the two
 * copies differ in that date and nothing else.
 *
 * Only date(1)'s default output is recognised (`Wed Oct 27 08:01:08 CEST 2021`), and only where the output
 * of this run has, in the same line, a date of this run (so the generator is shown to write the time it runs)
 * and the shipped file a valid calendar date (weekday matching the day) before it. Every other byte of every
 * line must be the same: a tamperer who changes anything besides the date (a rule, a flag, a path) keeps the
 * mismatch.
 */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** date(1)'s default format in the C locale: weekday, month, day (space-padded), time, zone name or offset, year. */
const DATE = /\b(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ( ?\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([A-Z]{1,6}|[+-]\d{4}) (\d{4})\b/g;
const DAY_MS = 86_400_000;

/** The date's calendar day as a UTC time (the zone ignored), or undefined when it is no real date (a wrong weekday). */
function dayOf(m: RegExpMatchArray): number | undefined {
  const month = MONTHS.indexOf(m[2]!);
  const day = Number(m[3]!.trim());
  const year = Number(m[8]);
  const h = Number(m[4]);
  const min = Number(m[5]);
  const s = Number(m[6]);
  if (h > 23 || min > 59 || s > 60) return undefined;
  const t = Date.UTC(year, month, day);
  const d = new Date(t);
  if (d.getUTCMonth() !== month || d.getUTCDate() !== day || DAYS[d.getUTCDay()] !== m[1]) return undefined;
  return t;
}

export interface RunDates {
  /** Lines that differ only in the date. */
  lines: number;
  /** The shipped file's (first) date, as written. */
  shipped: string;
}

/**
 * Whether `regenerated` (made at `now`, ms) and `shipped` differ only in date(1) dates that this run wrote:
 * the count of such lines and the shipped date, or undefined.
 */
export function runDatesOnly(regenerated: Buffer, shipped: Buffer, now: number = Date.now()): RunDates | undefined {
  const r = regenerated.toString('latin1').split('\n');
  const s = shipped.toString('latin1').split('\n');
  if (r.length !== s.length) return undefined;
  let lines = 0;
  let first: string | undefined;
  for (let i = 0; i < r.length; i++) {
    if (r[i] === s[i]) continue;
    const ours = [...r[i]!.matchAll(DATE)];
    const theirs = [...s[i]!.matchAll(DATE)];
    if (!ours.length || ours.length !== theirs.length) return undefined;
    if (r[i]!.replace(DATE, '\0') !== s[i]!.replace(DATE, '\0')) return undefined;
    for (let k = 0; k < ours.length; k++) {
      const mine = dayOf(ours[k]!);
      const date = dayOf(theirs[k]!);
      // This run's date (a day either side for the zone), and a real date before it in the shipped file.
      if (mine === undefined || Math.abs(mine - now) > 2 * DAY_MS || date === undefined || date > mine) return undefined;
    }
    first ??= theirs[0]![0];
    lines++;
  }
  return lines && first ? { lines, shipped: first } : undefined;
}

/** Whether a configure.ac's esyscmd commands include exactly `date +%Y` (the year autoconf ran, into configure). */
export function esyscmdRunsDateYear(commands: readonly string[]): boolean {
  return commands.some((c) => /^\s*date\s+\+%Y\s*$/.test(c));
}

export interface RunYear {
  /** Lines that differ only in the year. */
  lines: number;
  /** The shipped year (the compared commit's year) and this run's. */
  shipped: string;
  run: string;
}

/**
 * configure.ac's `m4_esyscmd([date +%Y])` (GNU hello's COPYRIGHT_YEAR) puts the year autoconf runs into configure.
 * Whether `regenerated` (made in year `runYear`) and `shipped` differ only there: every differing line the same once
 * this run's year (a whole four-digit word) is read as `commitYear`, the year of the compared commit, in which the
 * maintainer ran autoconf — and in no other year. The count of such lines, or undefined.
 */
export function runYearOnly(regenerated: Buffer, shipped: Buffer, runYear: number, commitYear: number): RunYear | undefined {
  if (!(commitYear < runYear) || commitYear < 1970) return undefined;
  const r = regenerated.toString('latin1').split('\n');
  const s = shipped.toString('latin1').split('\n');
  if (r.length !== s.length) return undefined;
  const mine = new RegExp(`(?<![0-9])${runYear}(?![0-9])`, 'g');
  let lines = 0;
  for (let i = 0; i < r.length; i++) {
    if (r[i] === s[i]) continue;
    if (!mine.test(r[i]!)) return undefined;
    mine.lastIndex = 0;
    if (r[i]!.replace(mine, String(commitYear)) !== s[i]) return undefined;
    lines++;
  }
  return lines ? { lines, shipped: String(commitYear), run: String(runYear) } : undefined;
}
