/**
 * gettextize's upgrade (issue 11 d/g): a release that runs gettextize (or `autopoint --force` after it) gets
 * configure.ac's AM_GNU_GETTEXT_VERSION([OLD]) rewritten to the gettext version installed, and a po/ChangeLog entry
 * `DATE  gettextize  <bug-gnu-gettext@gnu.org>` with `* Makefile.in.in: Upgrade to gettext-NEW.` (wget2 2.2.0:
 * 0.21 → 0.22.5). configure.ac is build-affecting, so the proof is strict: exactly one line differs, that line is
 * the macro on both sides, the version only grows, and the tarball's po/ChangeLog beside it opens with gettextize's
 * entry naming exactly that version. po/ChangeLog itself is explained when it is nothing but gettextize's entries.
 * Every version named must be a gettext release that exists (data/gettext-releases.json, derived from gettext's tags by
 * scripts/derive-gettext-releases.mjs): a forged entry upgrading to gettext-0.99 explains nothing.
 */
import { readFileSync } from 'node:fs';
import type { Finding } from '../core/findings.js';
import { makeFinding } from '../core/severity.js';
import type { PathDiff } from '../core/types.js';
import { baseOf, dirOf } from './paths.js';
import type { Classifier, ClassifyContext } from './types.js';
import { admits } from './precheck.js';

const MACRO = /^\s*AM_GNU_GETTEXT_VERSION\(\[?([0-9]+(?:\.[0-9]+)*)\]?\)\s*$/;
const HEADING = /^\d{4}-\d{2}-\d{2}\s+gettextize\s+<bug-gnu-gettext@gnu\.org>$/;
const ENTRY_LINE = /^\t\* [\w./-]+(?:, [\w./-]+)*: (?:Upgrade to gettext-([0-9][0-9.]*[0-9])\.|New file, from gettext-([0-9][0-9.]*[0-9])\.)$/;

let releases: Record<string, { tag: string; commit: string }> | undefined;
/** gettext's release of this version (its tag's commit), or undefined when gettext never released it. */
export function gettextRelease(version: string): { tag: string; commit: string } | undefined {
  releases ??= (JSON.parse(readFileSync(new URL('../../data/gettext-releases.json', import.meta.url), 'utf8')) as { releases: Record<string, { tag: string; commit: string }> }).releases;
  return Object.prototype.hasOwnProperty.call(releases, version) ? releases[version] : undefined;
}

/** gettextize's entries of a po/ChangeLog: the versions they name, newest entry first; undefined when any line is not theirs. */
export function gettextizeEntries(text: string): string[][] | undefined {
  const entries: string[][] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    if (HEADING.test(line)) {
      entries.push([]);
      continue;
    }
    const m = ENTRY_LINE.exec(line);
    if (!m || !entries.length) return undefined;
    entries[entries.length - 1]!.push(m[1] ?? m[2]!);
  }
  return entries.length && entries.every((e) => e.length) ? entries : undefined;
}

const newer = (a: string, b: string) => {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  return false;
};

async function decide(diff: PathDiff, ctx: ClassifyContext): Promise<Finding | undefined> {
  const base = baseOf(diff.path);
  if (base === 'ChangeLog' && baseOf(dirOf(diff.path)) === 'po' && diff.status === 'tarball-only' && diff.tarball?.type === 'file') {
    const entries = gettextizeEntries(ctx.content.tarball(diff.path)?.toString('utf8') ?? '');
    if (!entries || !entries.flat().every((v) => gettextRelease(v))) return undefined;
    return makeFinding('GETTEXTIZE_UPGRADE', diff.path, { file: 'po/ChangeLog', to: entries[0]![0]!, changelog: diff.path, release: gettextRelease(entries[0]![0]!)!.commit });
  }
  if ((base !== 'configure.ac' && base !== 'configure.in') || diff.status !== 'changed' || diff.changes?.length !== 1 || diff.changes[0] !== 'content') return undefined;
  const shipped = ctx.content.tarball(diff.path)?.toString('utf8');
  const tracked = (await ctx.content.git(diff.path))?.toString('utf8');
  if (shipped === undefined || tracked === undefined) return undefined;
  const a = tracked.split('\n');
  const b = shipped.split('\n');
  if (a.length !== b.length) return undefined;
  const differing = a.map((l, i) => i).filter((i) => a[i] !== b[i]);
  if (differing.length !== 1) return undefined;
  const from = MACRO.exec(a[differing[0]!]!)?.[1];
  const to = MACRO.exec(b[differing[0]!]!)?.[1];
  const release = to === undefined ? undefined : gettextRelease(to);
  if (!from || !to || !release || !newer(to, from)) return undefined;
  const changelog = `${dirOf(diff.path) ? `${dirOf(diff.path)}/` : ''}po/ChangeLog`;
  const log = ctx.content.tarball(changelog)?.toString('utf8');
  const first = log === undefined ? undefined : gettextizeEntries(log.split(/\n(?=\d{4}-\d{2}-\d{2}\s)/)[0]!)?.[0];
  if (!first || !first.every((v) => v === to)) return undefined;
  return makeFinding('GETTEXTIZE_UPGRADE', diff.path, { file: 'configure.ac', from, to, changelog, release: release.commit });
}

/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => {
  const base = baseOf(diff.path);
  if (base === 'ChangeLog') return baseOf(dirOf(diff.path)) === 'po' && diff.status === 'tarball-only' && diff.tarball?.type === 'file';
  return (base === 'configure.ac' || base === 'configure.in') && diff.status === 'changed' && diff.changes?.length === 1 && diff.changes[0] === 'content';
};

export const gettextizeClassifier: Classifier = {
  id: 'gettextize',
  candidate,
  classify: (diff, ctx) => (admits(candidate, diff) ? decide(diff, ctx) : undefined),
};
