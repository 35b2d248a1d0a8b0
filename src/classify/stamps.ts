/**
 * Version and date stamps: a tracked file whose changed lines differ from git only by the release
 * version or a date (man page `.TH` lines, `#define VERSION`, `@set UPDATED`, "Last updated" lines).
 *
 * Each changed line is paired with the git line it replaces. The tarball line must contain the release
 * version or a date; after masking, the two lines must be equal. On the git side any version-looking
 * token, date or `@PLACEHOLDER@` is masked; on the tarball side only the release version and dates, so a
 * number that changed next to a stamp still counts as a change. Git's side may also hold a variable where
 * the tarball has the literal version (`${PROJECT_VERSION}`, `$(VERSION)`, `@VERSION@`); a URL may gain
 * `?h=<tag>`; a man page's `.TH` header may gain the version in its source field ("libcurl" → "libcurl
 * 7.88.1") and a date; `[unreleased]` on git's side may become a date; a version macro (`LIBCURL_VERSION`) may become
 * the quoted release version. A whitespace-only line added or dropped beside a stamp is ignored. Anything else
 * on the line — code, a URL host, a flag — makes it no stamp.
 *
 * Whole-file stamps (tarball-only): a small file whose content, with the release version, the tag, dates
 * within 60 days of the tag's commit and Unix times within that window masked, is nothing but the stamp:
 * `.tarball-version`, `.version`, `.timestamp`, `version.xml`, automake's `doc/version.texi` and
 * `doc/stamp-vti` (`@set UPDATED …`, `@set EDITION …`, `@set VERSION …`); or one line that is `git describe` of the
 * revision, TAG-N-gID checked in the repository (the revision exactly N commits past TAG, ID the start of its
 * commit id: jemalloc's VERSION).
 *
 * A version on git's side above the release's is a bound moved, not a stamp (red team 28) — unless it is
 * git-version-gen's name of an earlier commit: T.N-ABBREV where a commit the release reaches starts with ABBREV and
 * `git describe --match 'v*'` of it is vT-N-g… (a catalog committed during development and restamped at release:
 * util-linux 2.38.1's po/util-linux.pot, `Project-Id-Version: util-linux 2.38.73-eae294` → `2.38.1`). Each such value
 * is proved in the repository (HistoryAccess.describeAncestors) before the lines are compared, and named in the evidence.
 */
import { structuredPatch } from 'diff';
import { makeFinding } from '../core/severity.js';
import { changedContent, contentOnlyChange } from './line-endings.js';
import { describedValues, versionWords } from './produced.js';
import type { EvidenceMap } from '../core/findings.js';
import type { Classifier, ClassifyContext } from './types.js';
import { admits } from './precheck.js';
import { earlierCommitOf } from './version-file.js';
import { isBuildAffecting, isCodePath } from './build-affecting.js';

/** Files larger than this are not line-diffed here. */
const MAX_BYTES = 4 * 1024 * 1024;
const MASK = '\u0000';

const MONTH = String.raw`(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?`;
const DATE_RES: RegExp[] = [
  // 2024-03-09, 2024-03-09T12:00:00Z, 2024-03-09 12:00:00 +0100, 2024/03/09
  /\b\d{4}[-/](?:0[1-9]|1[0-2])[-/](?:0[1-9]|[12]\d|3[01])(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s?(?:Z|[+-]\d{2}:?\d{2}))?)?\b/g,
  // 9 March 2024, March 9, 2024, March 2024, Mar 2024
  new RegExp(String.raw`\b(?:\d{1,2}\s+${MONTH}\s+\d{4}|${MONTH}\s+\d{1,2},?\s+\d{4}|${MONTH}\s+\d{4})\b`, 'gi'),
  // 09/03/2024, 03.09.2024
  /\b\d{1,2}[./]\d{1,2}[./]\d{4}\b/g,
];
/** Git's placeholder for a release date or version not yet set: `[unreleased]`, `UNRELEASED`, a quoted "DEV" (libssh2's LIBSSH2_TIMESTAMP). */
const UNRELEASED = /\[unreleased\]|\bunreleased\b|(?<=")(?:DEV|dev)(?=")/gi;
/** What `date` prints around a date (libssh2's maketgz: "Sun 29 Aug 2021 08:37:50 PM UTC"): the weekday before, the time and zone after. */
const WEEKDAY = /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+\u0000/g;
const TIME_AFTER = /\u0000\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?(?:\s+(?:UTC|GMT|[A-Z]{3,4}|[+-]\d{4}))?/g;
const NUMBER = /\b(?:0x[0-9a-fA-F]+|\d+)\b/g;

/**
 * A line naming the version whose numbers are the release's (libssh2's `#define LIBSSH2_VERSION_MINOR 10`,
 * `#define LIBSSH2_VERSION_NUM 0x010a00`), with git's line holding other numbers there: both lines with those
 * numbers masked, or undefined. The line must have an identifier with a version word (VERSION, VER); a number may
 * be the version encoded (MAJOR*10000+MINOR*100+MICRO, 0xMMmmpp) where git has a smaller number in the same
 * notation (a version goes forward), or, where that identifier also names one part (MAJOR, MINOR, MICRO, PATCH),
 * that part as a whole number, once. Every other number stands as it was: a constant of code that became the
 * version's encoding (`LEVEL_MASK 0x1F` → `0x050401`) or a number next to "dispatch" is no stamp.
 */
function maskVersionNumbers(t: string, g: string, version: string | undefined): { t: string; g: string } | undefined {
  const m = version ? /^(\d+)\.(\d+)(?:\.(\d+))?(?![\d.])/.exec(version) : null;
  if (!m) return undefined;
  const ids = [...t.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)].map((w) => versionWords(w[0])).filter((w) => w.version);
  if (!ids.length) return undefined;
  const nums = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  const codes: string[] = [];
  if (nums[1]! < 100 && nums[2]! < 100) codes.push(String(nums[0]! * 10000 + nums[1]! * 100 + nums[2]!));
  if (nums.every((n) => n < 256)) codes.push(`0x${nums.map((n) => n.toString(16).padStart(2, '0')).join('')}`);
  const parts = new Set(ids.flatMap((w) => (w.part === undefined ? [] : [w.part])));
  const part = parts.size === 1 ? [...parts][0]! : undefined;
  const tn = [...t.matchAll(NUMBER)];
  const gn = [...g.matchAll(NUMBER)];
  if (tn.length !== gn.length) return undefined;
  const value = (w: string) => (/^0x/i.test(w) ? parseInt(w.slice(2), 16) : Number(w));
  const masked = new Set<number>();
  tn.forEach((w, i) => {
    const was = gn[i]![0];
    if (codes.includes(w[0].toLowerCase()) && /^0x/i.test(was) === /^0x/i.test(w[0]) && value(was) < value(w[0])) masked.add(i);
  });
  if (part !== undefined && (part < 2 || m[3] !== undefined)) {
    const want = String(nums[part]);
    const at = tn.flatMap((w, i) => (w[0] === want && !/^0x/i.test(gn[i]![0]) ? [i] : []));
    if (at.length === 1) masked.add(at[0]!);
  }
  if (!masked.size) return undefined;
  const mask = (s: string, ws: RegExpMatchArray[]) => {
    let out = '';
    let from = 0;
    ws.forEach((w, i) => {
      if (!masked.has(i)) return;
      out += s.slice(from, w.index) + MASK;
      from = w.index! + w[0].length;
    });
    return out + s.slice(from);
  };
  return { t: mask(t, tn), g: mask(g, gn) };
}
/** Runs of blanks read as one (a release script's sed rewriting `#define X    "1.9.0_DEV"` as `#define X "1.10.0"`). */
const blanks = (s: string) => s.replace(/[ \t]+/g, ' ');
/** A C/shell identifier naming a version (LIBCURL_VERSION, PACKAGE_VERSION) where the tarball has the quoted literal. */
const VERSION_MACRO = /\b[A-Z][A-Z0-9_]*VERSION[A-Z0-9_]*\b/g;
/**
 * What git's side may hold where the release put its version or date: a version-looking number, or a
 * placeholder or variable one of whose `_`-separated words says it is a version or date (`@VERSION@`,
 * `${PROJECT_VERSION}`, `$(RELEASE_DATE)`, `@PACKAGE_VERSION_MAJOR@`). Any other variable is not a stamp: `set(HARDEN ${HARDENING_FLAGS})` becoming
 * `set(HARDEN 1.2.3)` drops the hardening flags.
 */
const STAMP_NAME = String.raw`(?:[A-Za-z0-9]+_)*(?:VERSION|VER|RELEASE|DATE|YEAR|MONTH|DAY|TIMESTAMP|STAMP|TAG|REVISION|REV)S?(?:_[A-Za-z0-9]+)*`;
const GENERIC_VERSION = new RegExp(
  String.raw`\bv?\d+(?:\.\d+)+(?:[-+~._]?(?:alpha|beta|rc|pre|dev|git|snapshot)\w*|[-+~][0-9A-Za-z.]+)?\b|@${STAMP_NAME}@|\$\{${STAMP_NAME}\}|\$\(${STAMP_NAME}\)`,
  'gi',
);

/** Whether replacing one version macro of git's (masked) line by the quoted (masked) version gives the tarball's. */
function macroBecameVersion(gitMasked: string, tarballMasked: string): boolean {
  for (const m of gitMasked.matchAll(VERSION_MACRO)) {
    if (gitMasked.slice(0, m.index) + `"${MASK}"` + gitMasked.slice(m.index + m[0].length) === tarballMasked) return true;
  }
  return false;
}

/** The arguments of a troff request line (`.TH a "b c" d`): quoted or blank-separated. */
function troffArgs(line: string): string[] {
  return [...line.matchAll(/"((?:[^"]|"")*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

/**
 * A man page's `.TH title section [date [source [manual]]]` header restamped at release: title, section and
 * manual unchanged; the date is a date; the source names the release version and is git's source with at most
 * that version (and a date) added — "libcurl" → "libcurl 7.88.1".
 */
function thRestamped(git: string, tarball: string, versionRe: RegExp | undefined, near: DateFilter): boolean {
  if (!versionRe || !/^\.TH\s/.test(git) || !/^\.TH\s/.test(tarball)) return false;
  const g = troffArgs(git);
  const t = troffArgs(tarball);
  if (g.length !== t.length || t.length < 5 || g[0] !== '.TH') return false;
  if (g[1] !== t[1] || g[2] !== t[2] || g.slice(5).join('\u0001') !== t.slice(5).join('\u0001')) return false;
  if (!hasDate(t[3]!, near) || maskDates(t[3]!, near).trim() !== MASK) return false;
  versionRe.lastIndex = 0;
  const source = t[4]!.replace(versionRe, MASK);
  versionRe.lastIndex = 0;
  if (source === t[4]) return false;
  const gitSource = maskDates(g[4]!).replace(GENERIC_VERSION, MASK);
  return squeeze(source.replace(/\s*\u0000/g, '')) === squeeze(gitSource.replace(/\s*\u0000/g, ''));
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Which dates count: every date, or (for the tarball's side) only those near the release. */
type DateFilter = (text: string) => boolean;
const ANY_DATE: DateFilter = () => true;

function maskDates(line: string, keep: DateFilter = ANY_DATE): string {
  let out = line;
  for (const re of DATE_RES) out = out.replace(re, (m) => (keep(m) ? MASK : m));
  return out;
}

function hasDate(line: string, keep: DateFilter = ANY_DATE): boolean {
  return DATE_RES.some((re) => {
    re.lastIndex = 0;
    const hit = [...line.matchAll(re)].some((m) => keep(m[0]));
    re.lastIndex = 0;
    return hit;
  });
}

/** Collapse runs of masks (a date and a version next to each other read the same either way). */
const squeeze = (s: string) => s.replace(/\u0000(?:[\s,]*\u0000)+/g, MASK);

export interface StampCheck {
  lines: number[];
  versionSeen: boolean;
}

/**
 * Line numbers (tarball side) of the stamp-only changes, or undefined when anything else changed. With the
 * tag's commit date (`date`), a date on the tarball's side is a stamp only within NEAR_DAYS of it: a release
 * stamps its own date, while moving an expiry or a cut-over date (`EXPIRY "2030-01-01"` → "2020-01-01") is
 * a change. Without a date every date counts (the in-memory core without a revision date).
 */
export function stampOnlyChanges(gitText: string, tarballText: string, version?: string, tag?: string, date?: string, path?: string, earlier?: ReadonlySet<string>): StampCheck | undefined {
  const strictField = path !== undefined && (isBuildAffecting(path) || isCodePath(path));
  const when = date ? Date.parse(date) : NaN;
  const near: DateFilter = Number.isFinite(when) ? (m) => nearDate(m, when) : ANY_DATE;
  const alts = [version ? `v?${escapeRe(version)}` : undefined, tag && tag !== version && tag !== `v${version}` ? escapeRe(tag) : undefined].filter(Boolean);
  const versionRe = alts.length ? new RegExp(`(?<![0-9A-Za-z.])(?:${alts.join('|')})(?![0-9A-Za-z])`, 'g') : undefined;
  // git may hold an older tag of the same shape (R_2_4_9 where the release says R_2_5_0)
  const tagShape = tag && /\d/.test(tag) ? new RegExp(`(?<![0-9A-Za-z])${escapeRe(tag).replace(/\d+/g, '\\d+')}(?![0-9A-Za-z])`, 'g') : undefined;
  const patch = structuredPatch('git', 'tarball', gitText, tarballText, undefined, undefined, {
    context: 0,
    maxEditLength: 5000,
  });
  if (!patch || patch.hunks.length === 0) return undefined;
  const lines: number[] = [];
  let versionSeen = false;
  let tarLines_: string[] | undefined;
  for (const h of patch.hunks) {
    let removed = h.lines.filter((l) => l.startsWith('-')).map((l) => l.slice(1));
    let added = h.lines.filter((l) => l.startsWith('+')).map((l) => l.slice(1)).map((text, k) => ({ text, at: h.newStart + k }));
    if (removed.length !== added.length) {
      // A release script that rewrites a stamp line may also add or drop a blank line beside it (curl's
      // maketgz leaves an empty line after each man page's .TH): whitespace-only lines carry nothing, so
      // pair the others.
      // Not after a line continued with a backslash: there a blank line would split one command in two.
      const tarLines = tarLines_ ??= tarballText.split('\n');
      if (added.some((l) => l.text.trim() === '' && /\\\r?$/.test(tarLines[l.at - 2] ?? ''))) return undefined;
      removed = removed.filter((l) => l.trim() !== '');
      added = added.filter((l) => l.text.trim() !== '');
      if (removed.length !== added.length) return undefined;
    }
    if (added.length === 0) return undefined;
    for (let k = 0; k < added.length; k++) {
      const t = added[k]!.text.replace(/\r$/, '');
      const g = removed[k]!.replace(/\r$/, '');
      const hasVersion = versionRe ? (versionRe.lastIndex = 0, versionRe.test(t)) : false;
      const numbers = hasVersion || hasDate(t, near) ? undefined : maskVersionNumbers(t, g, version);
      if (!hasVersion && !hasDate(t, near) && numbers === undefined) return undefined;
      versionSeen ||= hasVersion || numbers !== undefined;
      // a URL gaining ?h=<tag> (cgit links pinned to the release)
      const tn = numbers?.t ?? t;
      const tm = squeeze(maskDates(versionRe ? tn.replace(versionRe, MASK) : tn, near)).replace(/[?&]h=\u0000/g, '').replace(WEEKDAY, MASK).replace(TIME_AFTER, MASK);
      // the previous version's numbers where the release wrote its own: git's number at each masked place
      const gn = numbers?.g ?? g;
      const gm = squeeze(maskDates(tagShape ? gn.replace(tagShape, MASK) : gn).replace(GENERIC_VERSION, MASK).replace(UNRELEASED, MASK));
      // git's side may name the version macro where the tarball has the literal ("8.14.1" for LIBCURL_VERSION)
      if (tm !== gm && blanks(tm) !== blanks(gm) && !macroBecameVersion(gm, tm) && !macroBecameVersion(blanks(gm), blanks(tm)) && !thRestamped(g, t, versionRe, near)) return undefined;
      // git's literal value must be an earlier value of the same field (red team 28: a minimum version, a prerequisite,
      // an expiry date moved to the release's value passed as a stamp)
      if (literalFieldRefusal(g, version, when, strictField, earlier)) return undefined;
      lines.push(added[k]!.at);
    }
  }
  return { lines, versionSeen };
}

/** The leading numbers of a version (`v1.9.0_DEV` → [1, 9, 0]). */
const versionNums = (v: string): number[] => (/\d+(?:\.\d+)*/.exec(v)?.[0] ?? '').split('.').filter(Boolean).map(Number);
function compareNums(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}
/** A word naming the field a version or date stands in (VERSION, RELEASE, DATE …, `.TH`'s header), in any case. */
const FIELD_WORD = /^(?:version|versions|ver|vers|release|released|date|dated|year|month|day|timestamp|stamp|tag|revision|rev|updated|edition|pubdate)$/;
/** A word naming a bound on another thing, not this release's value: a minimum, a prerequisite, an expiry, a timeout. */
const BOUND_WORD = /^(?:min|minimum|max|maximum|least|req|reqs|require|requires|required|requirement|requirements|prereq|prereqs|prerequisite|need|needs|needed|depends|depend|dependency|expire|expires|expiry|expiration|expired|deadline|timeout|until|notafter|notbefore|valid|validity|deprecated|cutoff)$/;
/** The words of a line: identifiers split at `_`, `-`, `.` and camelCase, lower-cased. */
const lineWords = (line: string): string[] => (line.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().match(/[a-z]+/g) ?? []);

/**
 * Why git's literal value at a stamped place is no earlier value of the release's own version or date field (red team
 * 28), or undefined when it is one. Every version-looking token and every date on git's side of a line that passed the
 * masked comparison stands where the tarball has the release's version or date (an unchanged one would have left the
 * two sides unequal), so each is checked: a version above the release's goes backwards (a bound lowered to it); a
 * version after a comparison operator (`libfoo >= 6.2.0`) is a requirement; a date more than NEAR_DAYS after the tag's
 * commit is an expiry or cut-over moved to now (`"2030-01-01"` → the release date). In a file that builds or runs
 * (`strictField`), a literal version or date must also stand in a line naming a version or date field
 * (`LIBSSH2_VERSION`, `@set UPDATED`, `Version:`, autoconf's `AC_INIT`) and no bound (`MIN_LIBVER`, `AC_PREREQ`,
 * `AM_GNU_GETTEXT_REQUIRE_VERSION`, `EXPIRES`): `MIN_LIBVER = "5.4.0"` → `"5.4.1"`, `AC_PREREQ([2.69])` → `[5.4.1]`,
 * `timeout = 5.4` → `5.4.1` are no stamps. A placeholder or variable (`@VERSION@`, `${PROJECT_VERSION}`,
 * `[unreleased]`) names its field itself; `.TH`/`.Dd` headers are the page's date and source fields.
 */
export function literalFieldRefusal(gitLine: string, version: string | undefined, when: number, strictField: boolean, earlier?: ReadonlySet<string>): 'backwards' | 'requirement' | 'future-date' | 'not-a-field' | 'bound' | undefined {
  const literals: string[] = [];
  for (const m of gitLine.matchAll(GENERIC_VERSION)) {
    if (!/^v?\d/i.test(m[0])) continue;
    literals.push(m[0]);
    // (a version above the release's that is git-version-gen's name of an earlier commit the release reaches is not)
    if (version && versionNums(version).length && compareNums(versionNums(m[0]), versionNums(version)) > 0 && !earlier?.has(m[0])) return 'backwards';
    if (/(?:[<>]=?|[=!~]=|~>|\^)\s*\(?\s*$/.test(gitLine.slice(0, m.index))) return 'requirement';
  }
  let dates = 0;
  for (const re of DATE_RES) {
    re.lastIndex = 0;
    for (const m of gitLine.matchAll(re)) {
      dates++;
      const t = Date.parse(m[0].replace(/(\d)(st|nd|rd|th)\b/, '$1'));
      if (Number.isFinite(when) && Number.isFinite(t) && t - when > NEAR_DAYS * 86400_000) return 'future-date';
    }
    re.lastIndex = 0;
  }
  if (!strictField || (!literals.length && !dates) || /^[.'][ \t]*(?:TH|Dd)\b/.test(gitLine)) return undefined;
  const words = lineWords(gitLine);
  if (words.some((w) => BOUND_WORD.test(w))) return 'bound';
  if (!words.some((w) => FIELD_WORD.test(w)) && !/\bAC_INIT\s*\(/.test(gitLine)) return 'not-a-field';
  return undefined;
}

/** Dates and Unix times within this many days of the tag's commit count as the release date. */
const NEAR_DAYS = 60;
const WHOLE_FILE_MAX = 512;
/** What may remain of a whole-file stamp once the stamps are masked, line by line. */
const STAMP_LINE = /^(?:\u0000|@set (?:UPDATED|UPDATED-MONTH|EDITION|VERSION) \u0000|<!ENTITY \w+ "\u0000">|\w+\s*=\s*"?\u0000"?)$/;

function nearDate(text: string, when: number): boolean {
  const t = Date.parse(text.replace(/(\d)(st|nd|rd|th)\b/, '$1'));
  return Number.isFinite(t) && Math.abs(t - when) <= NEAR_DAYS * 86400_000;
}

/** Whether a small tarball-only file is nothing but the release version, tag and date (see the header). */
export function wholeFileStamp(content: string, version: string | undefined, tag: string | undefined, date: string | undefined): boolean {
  const when = date ? Date.parse(date) : NaN;
  let text = content;
  const alts = [version ? `v?${escapeRe(version)}` : undefined, tag ? escapeRe(tag) : undefined].filter(Boolean);
  let masked = false;
  if (alts.length) {
    const re = new RegExp(`(?<![0-9A-Za-z.])(?:${alts.join('|')})(?![0-9A-Za-z])`, 'g');
    masked = re.test(text);
    text = text.replace(re, MASK);
  }
  if (Number.isFinite(when)) {
    for (const re of DATE_RES) {
      text = text.replace(re, (m) => {
        if (!nearDate(m, when)) return m;
        masked = true;
        return MASK;
      });
    }
    text = text.replace(/\b\d{9,10}\b/g, (m) => {
      if (Math.abs(Number(m) * 1000 - when) > NEAR_DAYS * 86400_000) return m;
      masked = true;
      return MASK;
    });
  }
  if (!masked) return false;
  const lines = text.split('\n').map((l) => squeeze(l.trim())).filter(Boolean);
  return lines.length > 0 && lines.every((l) => STAMP_LINE.test(l));
}

/** git-version-gen's form of `git describe` (vT-N-gABBREV → T.N-ABBREV), optionally -dirty, as a token of a line. */
const GVG_VERSION = /(?<![\w.-])(\d+(?:\.\d+)*)\.(\d+)-([0-9a-f]{4,40})(?:-dirty)?(?![\w.-])/g;
/** At most this many distinct such values are looked up in one file (each is a `git describe`). */
const MAX_EARLIER = 4;

/**
 * The git-version-gen versions on the lines of `gitText` the tarball's text lacks that name a commit the release reaches: T.N-ABBREV where some commit the
 * revision reaches starts with ABBREV and `git describe --match 'v*'` of it is vT-N-g<that commit> (as
 * src/classify/version-file.ts proves a shipped .version). None without the repository's history.
 */
async function earlierCommitVersions(gitText: string, tarballText: string, ctx: ClassifyContext): Promise<NonNullable<EvidenceMap['VERSION_STAMP']['earlier']>> {
  const history = ctx.history;
  if (!history?.describeAncestors) return [];
  // only git's lines the tarball does not have: the lines a stamp replaced
  const kept = new Set(tarballText.split('\n'));
  const values = new Map<string, RegExpMatchArray>();
  for (const line of gitText.split('\n')) {
    if (kept.has(line)) continue;
    for (const m of line.matchAll(GVG_VERSION)) {
      if (!values.has(m[0])) values.set(m[0], m);
      if (values.size > MAX_EARLIER) return [];
    }
  }
  const out: NonNullable<EvidenceMap['VERSION_STAMP']['earlier']> = [];
  for (const [value, m] of values) {
    const [, version, count, abbrev] = m;
    const commit = await earlierCommitOf(history, version!, count!, abbrev!);
    if (commit) out.push({ value, tag: `v${version}`, commit, commits: Number(count) });
  }
  return out;
}

/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) =>
  diff.status === 'tarball-only' ? diff.tarball?.type === 'file' && diff.tarball.size > 0 && diff.tarball.size <= WHOLE_FILE_MAX : contentOnlyChange(diff);

export const stampsClassifier: Classifier = {
  id: 'version-stamps',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    if (diff.status === 'tarball-only') {
      const t = diff.tarball;
      if (t?.type !== 'file' || t.size === 0 || t.size > WHOLE_FILE_MAX) return undefined;
      const b = ctx.content.tarball(diff.path);
      if (!b || b.includes(0)) return undefined;
      const text = b.toString('utf8');
      // `git describe --long` of the revision, checked in the repository (jemalloc 5.3.0's VERSION:
      // "5.3.0-0-g54eaed1d8b56…", the tag, the distance 0 and the full commit id): one line of exactly that.
      const line = /^([^\s]+)\n?$/.exec(text)?.[1];
      if (line && (await describedValues({ describe: line }, ctx)).get(line) === '')
        return makeFinding('VERSION_STAMP', diff.path, { ...(ctx.revision.version ? { version: ctx.revision.version } : {}), lines: [1] });
      if (!wholeFileStamp(text, ctx.revision.version, ctx.revision.tag, ctx.revision.date)) return undefined;
      const n = text.split('\n').filter((l) => l.trim()).length;
      return makeFinding('VERSION_STAMP', diff.path, {
        ...(ctx.revision.version ? { version: ctx.revision.version } : {}),
        lines: Array.from({ length: n }, (_, i) => i + 1),
      });
    }
    const c = await changedContent(diff, ctx);
    if (!c || c.git.length > MAX_BYTES || c.tarball.length > MAX_BYTES) return undefined;
    if (c.git.includes(0) || c.tarball.includes(0)) return undefined;
    const gitText = c.git.toString('latin1');
    const tarText = c.tarball.toString('latin1');
    let r = stampOnlyChanges(gitText, tarText, ctx.revision.version, ctx.revision.tag, ctx.revision.date, diff.path);
    let earlier: NonNullable<EvidenceMap['VERSION_STAMP']['earlier']> = [];
    if (!r) {
      // git's side may name the version of an earlier commit, git-version-gen's way: proved, then compared again
      earlier = await earlierCommitVersions(gitText, tarText, ctx);
      if (earlier.length) r = stampOnlyChanges(gitText, tarText, ctx.revision.version, ctx.revision.tag, ctx.revision.date, diff.path, new Set(earlier.map((x) => x.value)));
    }
    if (!r) return undefined;
    return makeFinding('VERSION_STAMP', diff.path, {
      ...(r.versionSeen && ctx.revision.version ? { version: ctx.revision.version } : {}),
      lines: r.lines,
      ...(earlier.length ? { earlier } : {}),
    });
  },
};
