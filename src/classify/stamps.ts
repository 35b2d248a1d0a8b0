/**
 * Version and date stamps: a tracked file whose changed lines differ from git only by the release
 * version or a date (man page `.TH` lines, `#define VERSION`, `@set UPDATED`, "Last updated" lines).
 *
 * Each changed line is paired with the git line it replaces. The tarball line must contain the release
 * version or a date; after masking, the two lines must be equal. On the git side any version-looking
 * token, date or `@PLACEHOLDER@` is masked; on the tarball side only the release version and dates, so a
 * number that changed next to a stamp still counts as a change.
 */
import { structuredPatch } from 'diff';
import { makeFinding } from '../core/findings.js';
import { changedContent } from './line-endings.js';
import type { Classifier } from './types.js';

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
const GENERIC_VERSION = /\bv?\d+(?:\.\d+)+(?:[-+~._]?(?:alpha|beta|rc|pre|dev|git|snapshot)\w*|[-+~][0-9A-Za-z.]+)?\b|@[A-Z_]+@/g;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function maskDates(line: string): string {
  let out = line;
  for (const re of DATE_RES) out = out.replace(re, MASK);
  return out;
}

function hasDate(line: string): boolean {
  return DATE_RES.some((re) => {
    re.lastIndex = 0;
    const hit = re.test(line);
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

/** Line numbers (tarball side) of the stamp-only changes, or undefined when anything else changed. */
export function stampOnlyChanges(gitText: string, tarballText: string, version?: string): StampCheck | undefined {
  const versionRe = version ? new RegExp(`(?<![0-9A-Za-z.])v?${escapeRe(version)}(?![0-9A-Za-z])`, 'g') : undefined;
  const patch = structuredPatch('git', 'tarball', gitText, tarballText, undefined, undefined, {
    context: 0,
    maxEditLength: 5000,
  });
  if (!patch || patch.hunks.length === 0) return undefined;
  const lines: number[] = [];
  let versionSeen = false;
  for (const h of patch.hunks) {
    const removed = h.lines.filter((l) => l.startsWith('-')).map((l) => l.slice(1));
    const added = h.lines.filter((l) => l.startsWith('+')).map((l) => l.slice(1));
    if (removed.length !== added.length || added.length === 0) return undefined;
    for (let k = 0; k < added.length; k++) {
      const t = added[k]!.replace(/\r$/, '');
      const g = removed[k]!.replace(/\r$/, '');
      const hasVersion = versionRe ? (versionRe.lastIndex = 0, versionRe.test(t)) : false;
      if (!hasVersion && !hasDate(t)) return undefined;
      versionSeen ||= hasVersion;
      const tm = squeeze(maskDates(versionRe ? t.replace(versionRe, MASK) : t));
      const gm = squeeze(maskDates(g).replace(GENERIC_VERSION, MASK));
      if (tm !== gm) return undefined;
      lines.push(h.newStart + k);
    }
  }
  return { lines, versionSeen };
}

export const stampsClassifier: Classifier = {
  id: 'version-stamps',
  async classify(diff, ctx) {
    const c = await changedContent(diff, ctx);
    if (!c || c.git.length > MAX_BYTES || c.tarball.length > MAX_BYTES) return undefined;
    if (c.git.includes(0) || c.tarball.includes(0)) return undefined;
    const r = stampOnlyChanges(c.git.toString('latin1'), c.tarball.toString('latin1'), ctx.revision.version);
    if (!r) return undefined;
    return makeFinding('VERSION_STAMP', diff.path, 'low', {
      ...(r.versionSeen && ctx.revision.version ? { version: ctx.revision.version } : {}),
      lines: r.lines,
    });
  },
};
