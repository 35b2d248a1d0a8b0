/**
 * Line-level provenance of a copy of a known upstream file (issue 11 b): which known version it is nearest
 * to, and which of its lines that version does not have (its novel lines), so that an unknown copy reads as
 * "upstream gettext Makefile.in.in 0.19 except these 4 lines" and the lines are shown.
 *
 * The nearest version: fewest changed lines (novel plus missing), among the versions dated no later than
 * the release (the tag's commit date plus RELEASE_GRACE_DAYS — a release cannot copy a later file), then
 * the file's own project (libtool for ltmain.sh, gettext for po/Makefile.in.in …; see OWNERS), then the
 * newest such version. Without a release date every version is a candidate.
 */
import { diffArrays } from 'diff';
import type { NovelLine } from '../core/findings.js';
import { LOCAL_SYSTEM, type UpstreamDb, type UpstreamVersion } from './upstream-db.js';
import { lineHashes32, splitFileLines } from './upstream-lines.js';

/** At most this many novel lines are kept in a finding's evidence (the count is always exact). */
export const MAX_NOVEL_EVIDENCE = 50;
const MAX_LINE_TEXT = 200;
/** How many candidates (by a cheap common-line estimate) get an exact line diff. */
const CANDIDATES = 8;
/** A release may ship a file dated up to this many days after its tag's commit (make dist runs later). */
export const RELEASE_GRACE_DAYS = 30;

/** The project a file name belongs to, where the first project to carry it is not its author. */
const OWNERS: Record<string, string> = {
  'ltmain.sh': 'libtool',
  'libtool.m4': 'libtool',
  'ltoptions.m4': 'libtool',
  'ltsugar.m4': 'libtool',
  'ltversion.m4': 'libtool',
  'lt~obsolete.m4': 'libtool',
  'Makefile.in.in': 'gettext',
  'Rules-quot': 'gettext',
  'remove-potcdate.sin': 'gettext',
  'quot.sed': 'gettext',
  'boldquot.sed': 'gettext',
  'en@quot.header': 'gettext',
  'en@boldquot.header': 'gettext',
  'insert-header.sin': 'gettext',
  'config.rpath': 'gettext',
  'config.guess': 'config',
  'config.sub': 'config',
  'install-sh': 'automake',
  depcomp: 'automake',
  missing: 'automake',
  compile: 'automake',
  'test-driver': 'automake',
  'ar-lib': 'automake',
  ylwrap: 'automake',
  'mdate-sh': 'automake',
  'py-compile': 'automake',
  'tap-driver.sh': 'automake',
  'elisp-comp': 'automake',
  'pkg.m4': 'pkg-config',
};

export interface Provenance {
  version: UpstreamVersion;
  /** The copy's lines that the version lacks, in file order (at most MAX_NOVEL_EVIDENCE). */
  novel: NovelLine[];
  novelLines: number;
  /** The version's lines the copy lacks. */
  removedLines: number;
  /**
   * The version's lines the copy drops without putting anything in their place (a change region with no
   * novel line): their hashes, and `at`, the copy's line (1-based) they would stand before. A pure deletion,
   * which src/classify/novel-lines.ts must account for.
   */
  deleted: { at: number; hashes: number[] }[];
  /**
   * The version's lines the copy replaces: `hashes` the removed lines, `from`..`to` (1-based, inclusive) the copy's
   * novel lines standing in their place (a change region with both).
   */
  replaced: { from: number; to: number; hashes: number[] }[];
  /** The version's line hashes. */
  versionLines: Uint32Array;
  /** Every novel line's number (1-based), the listed ones and the rest. */
  novelAt: number[];
  /** The project the file name belongs to. */
  owner: string;
}

/**
 * A version read from the release tarball of the very release being verified (same tag): it would explain
 * the tarball by itself, so it is not used (gettext 0.21's tarball is not evidence for gettext 0.21).
 */
export function ownRelease(v: UpstreamVersion, releaseTag: string | undefined): boolean {
  return releaseTag !== undefined && v.source?.kind === 'release' && v.tag === releaseTag;
}

/** The project a name belongs to: OWNERS, else the project of its oldest known version. */
export function ownerOf(db: UpstreamDb, name: string): string | undefined {
  if (OWNERS[name]) return OWNERS[name];
  let oldest: UpstreamVersion | undefined;
  for (const v of db.byName(name)) if (v.project !== LOCAL_SYSTEM && v.date && (!oldest || v.date < oldest.date!)) oldest = v;
  return oldest?.project;
}

function addDays(date: string, days: number): string {
  const t = Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(t) ? date : new Date(t + days * 86400000).toISOString().slice(0, 10);
}

/**
 * The nearest known version of `name` to `content`, with the content's novel lines; undefined when no
 * version of the name has line data. `releaseDate` (YYYY-MM-DD…) excludes versions dated after the release.
 * `form` 'aclocal' compares with each version's aclocal form (its `##` lines dropped, as copied into aclocal.m4).
 */
export function provenanceOf(db: UpstreamDb, name: string, content: Buffer, releaseDate?: string, releaseTag?: string, form?: 'aclocal'): Provenance | undefined {
  const all = db.byName(name).filter((v) => v.project !== LOCAL_SYSTEM && !ownRelease(v, releaseTag));
  const withLines: { v: UpstreamVersion; key: string; lines: Uint32Array }[] = [];
  const seenBlob = new Map<string, Uint32Array | undefined>();
  for (const v of all) {
    const key = form === 'aclocal' ? (v.aclocalBlob ?? v.blob) : v.blob;
    if (!seenBlob.has(key)) seenBlob.set(key, db.versionLines(v, form));
    const lines = seenBlob.get(key);
    if (lines) withLines.push({ v, key, lines });
  }
  if (withLines.length === 0) return undefined;
  const limit = releaseDate ? addDays(releaseDate, RELEASE_GRACE_DAYS) : undefined;
  const before = limit ? withLines.filter((c) => (c.v.date ?? '') <= limit) : withLines;
  const pool = before.length > 0 ? before : withLines;
  const owner = ownerOf(db, name) ?? pool[0]!.v.project;

  const text = splitFileLines(content);
  const mine = lineHashes32(content);
  const counts = new Map<number, number>();
  for (const h of mine) counts.set(h, (counts.get(h) ?? 0) + 1);
  // One estimate per distinct blob (the same content under several projects/dates costs one diff).
  const byBlob = new Map<string, { lines: Uint32Array; versions: UpstreamVersion[]; estimate: number }>();
  for (const c of pool) {
    const e = byBlob.get(c.key);
    if (e) {
      e.versions.push(c.v);
      continue;
    }
    const left = new Map(counts);
    let common = 0;
    for (const h of c.lines) {
      const k = left.get(h) ?? 0;
      if (k > 0) {
        common++;
        left.set(h, k - 1);
      }
    }
    byBlob.set(c.key, { lines: c.lines, versions: [c.v], estimate: mine.length + c.lines.length - 2 * common });
  }
  const ranked = [...byBlob.values()].sort((a, b) => a.estimate - b.estimate);
  const ownRanked = ranked.filter((r) => r.versions.some((v) => v.project === owner));
  const shortlist = [...new Set([...ranked.slice(0, CANDIDATES), ...ownRanked.slice(0, CANDIDATES)])];

  let best: { entry: (typeof ranked)[number]; changed: number; parts: NonNullable<ReturnType<typeof diffArrays<number>>> } | undefined;
  const better = (entry: (typeof ranked)[number], changed: number) => {
    if (!best) return true;
    if (changed !== best.changed) return changed < best.changed;
    const a = preferred(entry.versions, owner);
    const b = preferred(best.entry.versions, owner);
    if (a !== b) return a > b;
    return newest(entry.versions) > newest(best.entry.versions);
  };
  for (const entry of shortlist) {
    if (best && entry.estimate > best.changed) continue; // the estimate is a lower bound of the exact count
    const parts = diffArrays(Array.from(entry.lines), mine, { maxEditLength: best ? best.changed : entry.lines.length + mine.length });
    if (!parts) continue;
    let changed = 0;
    for (const p of parts) if (p.added || p.removed) changed += p.count ?? p.value.length;
    if (better(entry, changed)) best = { entry, changed, parts };
  }
  if (!best) return undefined;

  const novel: NovelLine[] = [];
  let novelLines = 0;
  let removedLines = 0;
  const deleted: { at: number; hashes: number[] }[] = [];
  const replaced: { from: number; to: number; hashes: number[] }[] = [];
  const novelAt: number[] = [];
  let at = 0;
  const parts = best.parts;
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k]!;
    const n = p.count ?? p.value.length;
    if (p.removed) {
      removedLines += n;
      // diffArrays puts a replacement's removed part next to its added part
      const before = parts[k - 1]?.added ? parts[k - 1]! : undefined;
      const after = parts[k + 1]?.added ? parts[k + 1]! : undefined;
      if (after) replaced.push({ from: at + 1, to: at + (after.count ?? after.value.length), hashes: p.value });
      else if (before) replaced.push({ from: at - (before.count ?? before.value.length) + 1, to: at, hashes: p.value });
      else deleted.push({ at: at + 1, hashes: p.value });
      continue;
    }
    if (p.added) {
      for (let i = 0; i < n; i++) {
        novelLines++;
        novelAt.push(at + i + 1);
        if (novel.length < MAX_NOVEL_EVIDENCE) {
          const t = text[at + i] ?? '';
          novel.push({ line: at + i + 1, text: t.length > MAX_LINE_TEXT ? `${t.slice(0, MAX_LINE_TEXT)}…` : t });
        }
      }
    }
    at += n;
  }
  return { version: pickVersion(best.entry.versions, owner), novel, novelLines, removedLines, deleted, replaced, versionLines: best.entry.lines, novelAt, owner };
}

/** Rank of a group of same-content versions: owned by the file's project first. */
function preferred(versions: readonly UpstreamVersion[], owner: string): number {
  return versions.some((v) => v.project === owner) ? 1 : 0;
}

function newest(versions: readonly UpstreamVersion[]): string {
  let d = '';
  for (const v of versions) if ((v.date ?? '') > d) d = v.date!;
  return d;
}

/** Among versions of the same content: the owner's, its own release before a distribution's copy, the oldest. */
function pickVersion(versions: readonly UpstreamVersion[], owner: string): UpstreamVersion {
  const rank = (v: UpstreamVersion) => (v.project === owner ? 0 : 2) + (v.source?.kind === 'distribution' ? 1 : 0);
  return [...versions].sort((a, b) => rank(a) - rank(b) || ((a.date ?? '9') < (b.date ?? '9') ? -1 : (a.date ?? '9') > (b.date ?? '9') ? 1 : 0))[0]!;
}
