/**
 * Files rendered from the history by the release process (issue 11 e), in any format: THANKS /
 * AUTHORS / CONTRIBUTORS made from a tracked template plus the authors in `git log`, a ChangeLog,
 * CHANGES or NEWS made from the commit messages (gitlog-to-changelog, a project's own script).
 *
 * Evidence is measured, never assumed from the name:
 *  - every line of the file is traced: to the tracked template (X.in, or git's own version of X when
 *    the release rewrote it, or a tracked X-* / X.* sibling such as ChangeLog-2007), to an author of
 *    the revision's history (name or email; a ChangeLog heading `DATE  NAME  <EMAIL>` or `NAME (DATE)`), or
 *    to a line of a commit message (a bullet `- ` / `* ` before it allowed), or — in a names file — to a
 *    translator a .po file's `Last-Translator: NAME <…>` header names (gnutls' AUTHORS rule appends the
 *    Last-Translator names of po/ with sed and sort -u) — a tracked catalog, or one only the tarball has, which is
 *    then an input of the proof (tarballInputs, checked by the derived-inputs post pass); the lines traced to nothing are kept (a few are shown) and scanned for
 *    suspicious constructs;
 *  - the commits between the previous tag and the revision are looked for in the file: their authors
 *    (a list of names) or their subjects (a log), e.g. "94 of 97 commit subjects since v9.0 found".
 * Explained only when at most a small share of the lines is untraceable, none of those carries a
 * construct, and (when the range has commits) most of the range is found. Anything else stays with the
 * fallback (unexplained, high) — except a tracked file the release edited (a NEWS typo fixed after tagging),
 * which is then judged as any documentation edit (./doc-edit.ts: DOC_EDITED, medium, unless constructs or a new URL host).
 */
import type { Finding } from '../core/findings.js';
import { makeFinding } from '../core/severity.js';
import type { PathDiff } from '../core/types.js';
import { normaliseLine } from '../git/history.js';
import { baseOf, dirOf } from './paths.js';
import { newestChangelogEntry } from './changelog.js';
import { applyAmendment, trackedAmendments } from './log-amend.js';
import { docEditClassifier } from './doc-edit.js';
import { fallbackFinding } from './fallback.js';
import { encodedRun, findConstructs } from './suspicious.js';
import { novelUrls, urlHosts, wholeUrls } from './urls.js';
import type { Classifier, ClassifyContext } from './types.js';
import { admits } from './precheck.js';
import { oncePer } from '../util/memo.js';

const MAX_PO_BYTES = 4 * 1024 * 1024;
const MAX_PO_FILES = 2000;
/** The translators the .po files name: those of git's own catalogs, and those of catalogs only the tarball has. */
interface Translators {
  /** lower-cased, trimmed names of the tracked .po files' Last-Translator */
  tracked: Set<string>;
  /** lower-cased name → the tarball-only .po files naming it (gnutls' po/*.po, fetched from the Translation Project) */
  shipped: Map<string, string[]>;
}
const translatorSets = oncePer<ClassifyContext, Promise<Translators>>();

/** The name a catalog's `Last-Translator: NAME <EMAIL>` header gives, as gnutls' sed reads it (the text before `<`). */
function lastTranslator(b: Buffer): string | undefined {
  const m = /^"Last-Translator: *([^<"\n]*?) *<[^\n]*$/m.exec(b.subarray(0, 16 * 1024).toString('utf8'));
  return m?.[1] ? m[1].trim().toLowerCase() : undefined;
}

/**
 * The translators the .po files' `Last-Translator: NAME <EMAIL>` headers name: of the tracked catalogs, and of the
 * catalogs only the tarball has (gnutls' AUTHORS rule reads `po/*.po` of the release tree, whose catalogs its
 * bootstrap fetched). A line traced to a shipped catalog names that catalog as an input of the proof (tarballInputs):
 * the derived-inputs post pass keeps the explanation only while that catalog is itself explained below high.
 */
function translators(ctx: ClassifyContext): Promise<Translators> {
  return translatorSets(ctx, async () => {
    const out: Translators = { tracked: new Set(), shipped: new Map() };
    for (const path of [...ctx.gitPaths].filter((q) => q.endsWith('.po')).sort().slice(0, MAX_PO_FILES)) {
      const b = await ctx.content.git(path);
      const name = b && b.length <= MAX_PO_BYTES ? lastTranslator(b) : undefined;
      if (name) out.tracked.add(name);
    }
    for (const path of [...ctx.tarballPaths].filter((q) => q.endsWith('.po') && !ctx.gitPaths.has(q)).sort().slice(0, MAX_PO_FILES)) {
      const b = ctx.content.tarball(path);
      const name = b && b.length <= MAX_PO_BYTES ? lastTranslator(b) : undefined;
      if (name) out.shipped.set(name, [...(out.shipped.get(name) ?? []), path]);
    }
    return out;
  });
}

const NAMES_FILE = /^(?:THANKS|AUTHORS|CONTRIBUTORS|CREDITS)(?:\.(?:txt|md|rst))?$/i;
const LOG_FILE = /^(?:ChangeLog|CHANGELOG|CHANGES|NEWS|HISTORY)(?:[-.][A-Za-z0-9._-]+)?$/i;
const MAX_BYTES = 16 * 1024 * 1024;
/** At most this share of the non-blank lines may trace to nothing … */
const MAX_UNTRACED_SHARE = 0.05;
/** … or this many lines, whichever is larger. */
const MAX_UNTRACED_LINES = 10;
/** Of the commits since the previous tag, at least this share must be found. */
const MIN_RANGE_SHARE = 0.8;
/** Untraceable lines kept in the evidence. */
const SHOWN = 20;

const EMAIL = /<?([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})>?/g;
/** An address spelled with " at " for "@", in angle brackets. */
const AT_EMAIL = /<([A-Za-z0-9._%+-]+) at ([A-Za-z0-9.-]+\.[A-Za-z]{2,})>/g;
/** Lines `git log --stat` adds around the messages (a commit's date, merge parents, its diffstat). */
const GIT_LOG_STRUCTURE = /^(?:Date: +(?:(?:[A-Z][a-z]{2},? )?(?:[A-Z][a-z]{2} \d{1,2}|\d{1,2} [A-Z][a-z]{2}) (?:\d{2}:\d{2}:\d{2} \d{4}|\d{4} \d{2}:\d{2}:\d{2}) [+-]\d{4}|\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}:\d{2}(?: ?[+-]\d{2}:?\d{2}|Z)?)?|\d+ (?:seconds?|minutes?|hours?|days?|weeks?|months?|years?) ago)|Merge: [0-9a-f]+(?: [0-9a-f]+)+|\d+ files? changed(?:, \d+ insertions?\(\+\))?(?:, \d+ deletions?\(-\))?)$/;
/**
 * A `git log --stat` diffstat line: a path (git's `.../` truncation, a rename `A => B` or `PRE{A => B}POST`), then its
 * counts. Traced only when every path it names is one a commit up to the revision touched (red team 27b: any
 * `TEXT | N +` line was traced, a `curl … | sh` among them).
 */
const DIFFSTAT = /^(\S.*?) +\| +(?:\d+(?: [+-]+)?|Bin(?: \d+ -> \d+ bytes)?)$/;
/**
 * `git log --name-status`: a status letter (a similarity score after R or C) and the path(s), tab-separated, as
 * git prints them unindented. Traced only when every path is one a commit up to the revision touched.
 */
const NAME_STATUS = /^(?:[AMDTU]\t([^\t]+)|[RC]\d{1,3}\t([^\t]+)\t([^\t]+))$/;
const HEADING = /^(\d{4}-\d{2}-\d{2})\s+(.+?)\s+<([^<>\s]+)>(?:\s+\(tiny change\))?$/;
/** Another log layout's author heading, `NAME (DATE)` (curl's log2changes: "Daniel Stenberg (20 Feb 2023)"). */
const NAME_DATE_HEADING = /^(.+?)\s+\((\d{1,2} [A-Z][a-z]{2,8} \d{4}|\d{4}-\d{2}-\d{2})\)$/;
/** git2news (curl, libssh2): the author of a commit someone else committed, "- [Will Cosgrove brought this change]". */
const BROUGHT = /^- \[(.+?) brought this change\]$/;
/** A list bullet a log script puts before a commit's subject ("- subject", "* subject"). */
const BULLET = /^[-*+]\s+/;

type Kind = 'authors' | 'log';

/** Mercurial's changelog template ends each entry with `[NODE] [TAG…] <BRANCH>` (sudo's ChangeLog): structure, no text. */
const HG_NODE_LINE = /^\[[0-9a-f]{12}\](?: \[[^\]\s]+\])*(?: <[^<>\s]+>)?$/;
/** A line that starts a ChangeLog entry's file list, `* FILE…`. */
const ENTRY_START = /^\* \S/;
/** A file list with its blanks removed: paths (no `:`), comma-separated. */
const FILE_LIST_KEY = /^[^,:]+(?:,[^,:]+)*$/;
/** Text compared without any blank: a re-wrapping writer breaks lines where a blank was, after a hyphen or inside a
 * long word or URL (Mercurial's fill68: `Linux-` / `specific`, `https://github.com/sudo-` / `project/…`). */
const squeeze = (s: string) => s.replace(/\s+/g, '');

/**
 * The lines of a GNU-style ChangeLog whose text is a commit message re-wrapped (git2cl: flex's ChangeLog; Mercurial's
 * `changelog` template, `{desc|fill68}`: sudo's): each block of lines between blank lines, headings and the next
 * `* FILES` entry, less a trailing Mercurial node line and, when it starts with `* `, a leading file list up to a
 * `:` (or no list: a merge's `* MESSAGE`), must have exactly the characters of a paragraph of a commit message, or of a whole message, other than
 * blanks (`messageParagraphs`; a final full stop the writer adds allowed). Such a block's lines are traced; any
 * other block is left to the line-by-line trace. Returns the traced line indexes (0-based).
 */
export function refilledBlocks(lines: readonly string[], paragraphs: ReadonlySet<string>): Set<number> {
  const keys = new Set<string>();
  for (const p of paragraphs) keys.add(squeeze(p));
  const known = (k: string) => k !== '' && (keys.has(k) || (k.endsWith('.') && keys.has(k.slice(0, -1))));
  const out = new Set<number>();
  let block: number[] = [];
  const flush = () => {
    if (!block.length) return;
    const norm = (i: number) => normaliseLine(lines[i]!);
    const text = (HG_NODE_LINE.test(norm(block[block.length - 1]!)) ? block.slice(0, -1) : block).map(norm).join(' ');
    let ok = false;
    if (text.startsWith('* ')) {
      // the file list ends at one of the `:`s; the rest is the message
      const k = squeeze(text.slice(2));
      for (let c = k.indexOf(':'); c > 0 && !ok; c = k.indexOf(':', c + 1)) ok = FILE_LIST_KEY.test(k.slice(0, c)) && known(k.slice(c + 1));
      // a commit that changed no file (a merge): `* MESSAGE`; or a message paragraph that is itself a `* FILE: …` line
      ok ||= known(k) || known(squeeze(text));
    } else ok = known(squeeze(text));
    if (ok) for (const i of block) out.add(i);
    block = [];
  };
  lines.forEach((raw, i) => {
    const l = normaliseLine(raw);
    if (!l || HEADING.test(l)) return flush();
    if (block.length && ENTRY_START.test(l)) flush();
    block.push(i);
  });
  flush();
  return out;
}

/**
 * The tracked files whose lines a rendered file may repeat: git's own version when the release rewrote
 * it, and tracked files beside it whose name contains its name (THANKS.in, NO-THANKS, ChangeLog-2007,
 * ChangeLog.0 …).
 */
function templatePaths(path: string, ctx: ClassifyContext, diff: PathDiff): string[] {
  const out: string[] = [];
  if (diff.status === 'changed') out.push(path);
  const dir = dirOf(path);
  const base = baseOf(path);
  for (const p of ctx.gitPaths) {
    if (p === path || dirOf(p) !== dir) continue;
    if (baseOf(p).includes(base)) out.push(p);
  }
  return out.sort().slice(0, 20);
}

export interface LogTrace {
  kind: Kind;
  lines: number;
  traced: number;
  fromTemplate: number;
  untraced: { line: number; text: string }[];
  /**
   * Lines traced by their shape rather than as a line of a source (red team 27b): a heading or a names-file line whose
   * email is an author's but whose name is none, `git log` structure (a `Date:` line, a diffstat line). The text
   * beside the matched part is nobody's, so these lines get the untraced lines' construct and URL checks (whole lines).
   */
  shaped?: { line: number; text: string }[];
  /** Lines traced to a commit message as a tracked amend file corrects it (./log-amend.ts), and those files. */
  amended?: { files: string[]; commits: number; lines: number };
  /** from: the previous tag; since: no earlier tag, the commits from the log's oldest entry (YYYY-MM-DD) on. */
  range?: { from?: string; since?: string; commits: number; found: number; what: 'authors' | 'subjects' };
  templates: string[];
  /** authors: lines traced to a .po file's Last-Translator (tracked, or only in the tarball: then in tarballInputs). */
  translators?: number;
  /** The tarball-only .po files whose Last-Translator traced a line. */
  tarballInputs?: string[];
  /** log: lines traced as part of a block that is a commit message paragraph re-wrapped (refilledBlocks). */
  rewrapped?: number;
  /** log: `git log --name-status` lines (STATUS<TAB>PATH[<TAB>PATH]) whose every path a commit up to the revision touched. */
  nameStatus?: number;
}

/** Traces the file's lines; undefined when the history cannot be read. */
export async function traceLogFile(path: string, text: string, kind: Kind, templates: Map<string, Set<string>>, ctx: ClassifyContext): Promise<LogTrace | undefined> {
  const history = ctx.history;
  if (!history) return undefined;
  const template = new Set<string>();
  for (const s of templates.values()) for (const l of s) template.add(l);
  const authors = await history.authors();
  const lines = text.split('\n');
  // The oldest heading dates the log's start: commit messages from (a week before) then on. A heading the tracked
  // template has is not the script's (findutils appends its tracked ChangeLog-2013 to gitlog-to-changelog --since=2014).
  // Not in `git log` layout (`commit <id>` entries): git log prints the whole history, and a `DATE  NAME  <EMAIL>` line
  // there is a commit message quoting an old ChangeLog entry (desktop-file-utils' ChangeLog), not where a script started.
  let oldest: string | undefined;
  const gitLogLayout = newestChangelogEntry(text.slice(0, 64 * 1024))?.kind === 'commit';
  if (kind === 'log' && !gitLogLayout) for (const l of lines) { const h = HEADING.exec(l.trim()); if (h && !template.has(normaliseLine(l)) && (!oldest || h[1]! < oldest)) oldest = h[1]!; }
  const messages = kind === 'log' ? await history.messageLines(oldest ? shiftDays(oldest, -7) : undefined) : new Set<string>();
  // Commit messages as a tracked amend file corrects them (gitlog-to-changelog --amend=FILE): their lines, none carrying a construct.
  const amendedLines = new Set<string>();
  const amendFiles: string[] = [];
  let amendedCommits = 0;
  if (kind === 'log' && history.message) {
    for (const { file, amendments } of await trackedAmendments(ctx)) {
      let used = false;
      for (const a of amendments) {
        const message = await history.message(a.oid);
        if (message === undefined) continue;
        used = true;
        amendedCommits++;
        for (const l of applyAmendment(message, a).split('\n')) {
          const t = normaliseLine(l);
          if (t && !findConstructs(t, path).length) amendedLines.add(t);
        }
      }
      if (used) amendFiles.push(file);
    }
  }
  // Re-wrapped messages (git2cl, Mercurial's changelog template): whole blocks traced to a message's paragraph.
  const refilled = kind === 'log' && history.messageParagraphs ? refilledBlocks(lines, await history.messageParagraphs(oldest ? shiftDays(oldest, -7) : undefined)) : new Set<number>();
  let rewrapped = 0;
  let amended = 0;
  // `git log --name-status` (desktop-file-utils' meson dist script writes its ChangeLog so): the paths the history touched.
  const touched = kind === 'log' && history.touchedPaths && lines.some((l) => NAME_STATUS.test(l.replace(/\r$/, '')) || DIFFSTAT.test(normaliseLine(l))) ? await history.touchedPaths() : undefined;
  let nameStatus = 0;
  let count = 0;
  let traced = 0;
  let fromTemplate = 0;
  const untraced: LogTrace['untraced'] = [];
  const shaped: LogTrace['shaped'] = [];
  const names = kind === 'authors' ? await translators(ctx) : { tracked: new Set<string>(), shipped: new Map<string, string[]>() };
  let fromTranslators = 0;
  const inputs = new Set<string>();
  const isName = (name: string | undefined) => name !== undefined && authors.names.has(name.trim().toLowerCase());
  const isAuthor = (name: string | undefined, email: string | undefined) => isName(name) || (email !== undefined && authors.emails.has(email.trim().toLowerCase()));
  lines.forEach((raw, i) => {
    const l = normaliseLine(raw);
    if (!l) return;
    count++;
    const byShape = () => void shaped.push({ line: i + 1, text: l });
    if (template.has(l)) {
      traced++;
      fromTemplate++;
      return;
    }
    const h = HEADING.exec(l);
    if (h && isAuthor(h[2], h[3])) {
      if (!isName(h[2])) byShape();
      return void traced++;
    }
    const nd = kind === 'log' ? NAME_DATE_HEADING.exec(l) : null;
    if (nd && isAuthor(nd[1], undefined)) return void traced++;
    // git2news's line for a commit whose author is not its committer: "- [NAME brought this change]"
    const brought = kind === 'log' ? BROUGHT.exec(l) : null;
    if (brought && isAuthor(brought[1], undefined)) return void traced++;
    if (kind === 'authors') {
      // `git shortlog -e | sed 's/@/ at /g'` (gnutls' AUTHORS): "NAME <user at host>" is NAME and user@host.
      const emails = [...l.matchAll(EMAIL)].map((m) => m[1]!).concat([...l.matchAll(AT_EMAIL)].map((m) => `${m[1]}@${m[2]}`));
      const name = l.replace(EMAIL, '').replace(AT_EMAIL, '').trim();
      if (emails.some((e) => isAuthor(undefined, e)) || (name && isAuthor(name, undefined))) {
        if (!(name && isName(name))) byShape();
        return void traced++;
      }
      if (!emails.length && name && names.tracked.has(name.toLowerCase())) {
        fromTranslators++;
        return void traced++;
      }
      const catalogs = !emails.length && name ? names.shipped.get(name.toLowerCase()) : undefined;
      if (catalogs) {
        for (const c of catalogs) inputs.add(c);
        fromTranslators++;
        return void traced++;
      }
    } else {
      // gitlog-to-changelog: the message's lines, tab-indented; --append-dot adds a full stop.
      const bare = l.replace(BULLET, '');
      if (messages.has(l) || messages.has(bare) || (l.endsWith('.') && messages.has(l.slice(0, -1)))) return void traced++;
      const co = coAuthor(l);
      if (co && isAuthor(co.name, co.email)) {
        if (!isName(co.name)) byShape();
        return void traced++;
      }
      if (amendedLines.has(l) || amendedLines.has(bare) || (l.endsWith('.') && amendedLines.has(l.slice(0, -1)))) {
        amended++;
        return void traced++;
      }
      // `git log [--stat]` layout: Author/Date/Merge lines and diffstat lines.
      const author = /^Author: (.+?) <([^<>\s]*)>$/.exec(l);
      if (author ? isAuthor(author[1], author[2]) : GIT_LOG_STRUCTURE.test(l)) {
        if (!(author && isName(author[1]))) byShape();
        return void traced++;
      }
      const stat = touched ? DIFFSTAT.exec(l) : null;
      if (stat && diffstatPaths(stat[1]!)?.every((p) => (p.startsWith('...') ? [...touched!].some((t) => t.length > p.length - 3 && t.endsWith(p.slice(3))) : touched!.has(p)))) return void traced++;
      if (refilled.has(i)) {
        rewrapped++;
        return void traced++;
      }
      const ns = touched ? NAME_STATUS.exec(raw.replace(/\r$/, '')) : null;
      if (ns && [ns[1], ns[2], ns[3]].every((p) => p === undefined || touched!.has(p))) {
        nameStatus++;
        return void traced++;
      }
    }
    untraced.push({ line: i + 1, text: l.slice(0, 200) });
  });
  // A log in a subdirectory covers the commits that touched it.
  const r = await history.range(dirOf(path) || undefined);
  // No earlier tag (a snapshot without tags, or the first release): the range is the whole history, but a log
  // script starts at a date (gitlog-to-changelog --since, GNU's gen_start_date): count the commits from (a week
  // before) the log's oldest entry on — every line must still trace, and most of those commits must be found.
  // So too after a previous tag when a tracked makefile runs gitlog-to-changelog with --since (m4 1.4.18: its
  // gen_start_date 2015-01-01 is after v1.4.17, so the log leaves out that tag's first year of commits by design).
  const since = kind === 'log' && oldest && (!r.previousTag || (await logStartsAtDate(ctx))) ? oldest : undefined;
  const commits = since ? r.commits.filter((c) => c.date >= shiftDays(since, -7)) : r.commits;
  let range: LogTrace['range'];
  if (commits.length) {
    const hay = normaliseLine(text).toLowerCase();
    let found = 0;
    if (kind === 'authors') {
      const people = new Map<string, { name: string; email: string }>();
      for (const c of r.commits) people.set(c.email.toLowerCase(), { name: c.author, email: c.email });
      // The address as written, or with @ spelled " at " (git shortlog -e | sed 's/@/ at /g', gnutls' AUTHORS).
      for (const p of people.values()) {
        const email = p.email.toLowerCase();
        if (hay.includes(email) || hay.includes(email.replace('@', ' at ')) || hay.includes(normaliseLine(p.name).toLowerCase())) found++;
      }
      range = { ...(r.previousTag ? { from: r.previousTag } : {}), commits: people.size, found, what: 'authors' };
    } else {
      for (const c of commits) if (hay.includes(normaliseLine(c.subject).toLowerCase())) found++;
      range = { ...(r.previousTag ? { from: r.previousTag } : {}), ...(since ? { since } : {}), commits: commits.length, found, what: 'subjects' };
    }
  }
  return { kind, lines: count, traced, fromTemplate, untraced, shaped, ...(fromTranslators ? { translators: fromTranslators } : {}), ...(inputs.size ? { tarballInputs: [...inputs].sort() } : {}), ...(amended ? { amended: { files: amendFiles, commits: amendedCommits, lines: amended } } : {}), ...(rewrapped ? { rewrapped } : {}), ...(nameStatus ? { nameStatus } : {}), ...(range ? { range } : {}), templates: [...templates.keys()] };
}

const startsAtDate = oncePer<ClassifyContext, Promise<boolean>>();
/** A tracked top-level makefile (Makefile.am, GNUmakefile, cfg.mk, maint.mk) that runs gitlog-to-changelog with `--since`. */
function logStartsAtDate(ctx: ClassifyContext): Promise<boolean> {
  return startsAtDate(ctx, async () => {
    for (const p of ['Makefile.am', 'GNUmakefile', 'cfg.mk', 'maint.mk']) {
      if (!ctx.gitPaths.has(p)) continue;
      const b = await ctx.content.git(p);
      if (b && /gitlog-to-changelog[^\n]*(?:\\\n[^\n]*){0,4}--since[= ]/.test(b.toString('latin1'))) return true;
    }
    return false;
  });
}

/** The paths a diffstat line's path column names (a rename gives both); undefined when it is not one path or rename. */
function diffstatPaths(column: string): string[] | undefined {
  const brace = /^([^\s{}]*)\{([^\s{}]*) => ([^\s{}]*)\}([^\s{}]*)$/.exec(column);
  if (brace) return [brace[1]! + brace[2]! + brace[4]!, brace[1]! + brace[3]! + brace[4]!].map((p) => p.replace(/\/{2,}/g, '/'));
  const whole = /^([^\s{}]+) => ([^\s{}]+)$/.exec(column);
  if (whole) return [whole[1]!, whole[2]!];
  return /^[^\s{}]+$/.test(column) ? [column] : undefined;
}

/** gitlog-to-changelog turns Co-authored-by: trailers into extra heading lines "NAME  <EMAIL>". */
function coAuthor(l: string): { name: string; email: string } | undefined {
  const m = /^(.+?)\s+<([^<>\s]+)>$/.exec(l);
  return m ? { name: m[1]!, email: m[2]! } : undefined;
}

function shiftDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(t) ? date : new Date(t + days * 86400000).toISOString().slice(0, 10);
}

/** Whether a trace explains the file. */
export function traceExplains(t: LogTrace): boolean {
  if (t.lines === 0 || t.traced === t.fromTemplate) return false; // nothing came from the history
  const limit = Math.max(MAX_UNTRACED_LINES, Math.floor(t.lines * MAX_UNTRACED_SHARE));
  if (t.untraced.length > limit) return false;
  if (t.range && t.range.commits > 0 && t.range.found < t.range.commits * MIN_RANGE_SHARE) return false;
  return true;
}

async function decide(diff: PathDiff, ctx: ClassifyContext): Promise<Finding | undefined> {
  const base = baseOf(diff.path);
  const kind: Kind | undefined = NAMES_FILE.test(base) ? 'authors' : LOG_FILE.test(base) ? 'log' : undefined;
  if (!kind || !ctx.history) return undefined;
  const contentOnly = diff.status === 'changed' && diff.changes?.length === 1 && diff.changes[0] === 'content';
  if (!(diff.status === 'tarball-only' && diff.tarball?.type === 'file') && !contentOnly) return undefined;
  const buf = ctx.content.tarball(diff.path);
  if (!buf || buf.length > MAX_BYTES || buf.subarray(0, 8192).includes(0)) return undefined;
  const templates = new Map<string, Set<string>>();
  for (const p of templatePaths(diff.path, ctx, diff)) {
    const g = await ctx.content.git(p);
    if (!g || g.length > MAX_BYTES) continue;
    templates.set(p, new Set(g.toString('utf8').split('\n').map(normaliseLine).filter(Boolean)));
  }
  const text = buf.toString('utf8');
  // A git-log ChangeLog naming another commit than the revision is the changelog classifier's finding.
  const newest = newestChangelogEntry(text.slice(0, 64 * 1024));
  if (newest?.kind === 'commit' && newest.newest.toLowerCase() !== ctx.revision.commit.toLowerCase()) return undefined;
  const trace = await traceLogFile(diff.path, text, kind, templates, ctx);
  if (!trace) return undefined;
  // Traced and refused: unexplained, so no later, weaker check (a ChangeLog's newest date) explains it. A tracked
  // NEWS or ChangeLog the release edited by hand (a typo fixed after tagging) is documentation: at most medium
  // (DOC_EDITED, unexplained) when the edit carries no construct and no new URL host, as any doc edit (issue 11 g).
  if (!traceExplains(trace)) return (diff.status === 'changed' ? await docEditClassifier.classify(diff, ctx) : undefined) ?? fallbackFinding(diff);
  // The lines that came from nowhere are what a human reads; they must not carry code — nor the lines traced by their
  // shape alone (an author's email beside a name nobody has, a `Date:` or diffstat line), read whole: the text beside
  // the matched part came from nowhere too (red team 27b: gzip 1.12's ChangeLog gaining a `curl … | sh` line as a
  // `Date:` line, a diffstat line or an author heading's name was traced, LOG_DERIVED, exit 0).
  const fileLines = text.split('\n');
  const checked = [...trace.untraced, ...(trace.shaped ?? [])].sort((a, b) => a.line - b.line).map((u) => ({ line: u.line, text: fileLines[u.line - 1] ?? u.text }));
  const checkedText = checked.map((u) => u.text).join('\n');
  const constructs = findConstructs(checkedText, diff.path).map((c) => ({ ...c, line: checked[c.line - 1]?.line ?? c.line }));
  if (constructs.length) return { ...fallbackFinding(diff), constructs } as Finding;
  // … nor encoded data: up to 5 % of a log may trace to nothing, and 52 lines of base64 (an .xz stream) in the newest
  // message of xz 5.4.1's ChangeLog were LOG_DERIVED, exit 0 (red team 30): a line no commit wrote is prose.
  if (checked.some((u) => encodedRun(u.text))) return fallbackFinding(diff);
  // … nor a URL that neither the template nor the history spells out whole (a moved download is not a log line:
  // red team 27b, gzip 1.12's ChangeLog sending distributors to another path of bugs.launchpad.net, a host its
  // history names, was LOG_DERIVED, exit 0 under the host check alone).
  if (urlHosts(checkedText).size) {
    const known = new Set<string>();
    for (const s of templates.values()) for (const l of s) for (const u of wholeUrls(l)) known.add(u);
    for (const l of await ctx.history!.messageLines()) if (l.includes('://')) for (const u of wholeUrls(l)) known.add(u);
    if (novelUrls(checkedText, known).length) return fallbackFinding(diff);
  }
  return makeFinding('LOG_DERIVED', diff.path, {
    kind: trace.kind,
    lines: trace.lines,
    traced: trace.traced,
    fromTemplate: trace.fromTemplate,
    ...(trace.templates.length ? { templates: trace.templates } : {}),
    untraced: trace.untraced.length,
    untracedLines: trace.untraced.slice(0, SHOWN),
    ...(trace.amended ? { amended: trace.amended } : {}),
    ...(trace.rewrapped ? { rewrapped: trace.rewrapped } : {}),
    ...(trace.nameStatus ? { nameStatus: trace.nameStatus } : {}),
    ...(trace.range ? { range: trace.range } : {}),
    ...(trace.translators ? { translators: trace.translators } : {}),
    ...(trace.tarballInputs ? { tarballInputs: trace.tarballInputs } : {}),
  });
}

/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) =>
  (NAMES_FILE.test(baseOf(diff.path)) || LOG_FILE.test(baseOf(diff.path))) &&
  ((diff.status === 'tarball-only' && diff.tarball?.type === 'file') || (diff.status === 'changed' && diff.changes?.length === 1 && diff.changes[0] === 'content'));

export const logDerivedClassifier: Classifier = {
  id: 'log-derived',
  candidate,
  classify: (diff, ctx) => (admits(candidate, diff) ? decide(diff, ctx) : undefined),
};
