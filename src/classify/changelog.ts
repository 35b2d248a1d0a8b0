/**
 * ChangeLog files generated from the history by the release process (`git log > ChangeLog`, or
 * gnulib's gitlog-to-changelog). The newest entry tells which commit the tarball was built from.
 *
 * - `commit <id>` lines (git log format): the first one is the newest. Equal to the revision's commit →
 *   CHANGELOG_FROM_GIT; another id → CHANGELOG_OTHER_COMMIT.
 * - gitlog-to-changelog format (`2024-03-09  Name  <email>` headings, no ids): the newest heading's date
 *   must equal the revision's commit date (in the committer's zone or UTC). Then CHANGELOG_FROM_GIT with
 *   the revision's commit as evidence — matched by date, not by id. Any other date: cannot decide.
 */
import type { Finding } from '../core/findings.js';
import { makeFinding } from '../core/severity.js';
import type { Classifier, ClassifyContext } from './types.js';
import type { PathDiff } from '../core/types.js';

const NAME = /(?:^|\/)ChangeLog(?:\.[^/]+)?$/;
/** A git log entry: the commit line followed by Merge:/Author: (what `git log` prints). */
const COMMIT_LINE = /^commit ([0-9a-f]{40}|[0-9a-f]{64})\b.*\r?\n(?:Merge: .*\r?\n)?Author: /m;
const G2CL_HEADING = /^(\d{4}-\d{2}-\d{2}) {2}\S.*<[^<>\s]+>\s*$/m;
/** How much of the file is inspected for the newest entry. */
const HEAD_BYTES = 64 * 1024;

/** The calendar dates a commit date may be written as: in its own zone, and in UTC. */
export function revisionDates(iso: string): string[] {
  const out = new Set<string>();
  const own = /^(\d{4}-\d{2}-\d{2})/.exec(iso);
  if (own) out.add(own[1]!);
  const t = Date.parse(iso);
  if (!Number.isNaN(t)) out.add(new Date(t).toISOString().slice(0, 10));
  return [...out];
}

export type ChangelogVerdict =
  | { kind: 'commit'; newest: string }
  | { kind: 'date'; newest: string }
  | undefined;

/** What the head of a ChangeLog says about where it came from. */
export function newestChangelogEntry(text: string): ChangelogVerdict {
  const head = text.slice(0, HEAD_BYTES);
  const c = COMMIT_LINE.exec(head);
  if (c) return { kind: 'commit', newest: c[1]! };
  const d = G2CL_HEADING.exec(head);
  // A heading must be the first non-blank line: a hand-written preamble means a hand-written file.
  if (d && head.slice(0, d.index).trim() === '') return { kind: 'date', newest: d[1]! };
  return undefined;
}

function decide(diff: PathDiff, ctx: ClassifyContext): Finding | undefined {
  if (!NAME.test(diff.path)) return undefined;
  const contentOnly = diff.status === 'changed' && (diff.changes ?? []).length === 1 && diff.changes![0] === 'content';
  if (diff.status !== 'tarball-only' && !contentOnly) return undefined;
  const buf = ctx.content.tarball(diff.path);
  if (!buf) return undefined;
  const v = newestChangelogEntry(buf.subarray(0, HEAD_BYTES).toString('utf8'));
  if (!v) return undefined;
  const expected = ctx.revision.commit.toLowerCase();
  if (v.kind === 'commit') {
    if (v.newest.toLowerCase() === expected) return makeFinding('CHANGELOG_FROM_GIT', diff.path, { commit: v.newest });
    return makeFinding('CHANGELOG_OTHER_COMMIT', diff.path, { commit: v.newest, expected: ctx.revision.commit });
  }
  if (!ctx.revision.date || !revisionDates(ctx.revision.date).includes(v.newest)) return undefined;
  // Matched by date: gitlog-to-changelog output carries no commit ids.
  return makeFinding('CHANGELOG_FROM_GIT', diff.path, { commit: ctx.revision.commit });
}

export const changelogClassifier: Classifier = {
  id: 'changelog',
  classify: decide,
};
