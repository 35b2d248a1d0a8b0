/**
 * A `.version` (or `.tarball-version`) that holds the version string of an EARLIER commit (issue 11 c).
 *
 * gnulib projects write `$(top_srcdir)/.version` with a rule that has no prerequisites
 * (`$(top_srcdir)/.version: echo $(VERSION) > $@-t && mv $@-t $@`, BUILT_SOURCES): it is made once, the first
 * time the maintainer's tree is built, and never refreshed — so a release ships the version the tree had
 * back then: gettext 0.21 ships `0.20.1.124-32cf` (git-version-gen's form of `git describe` for the commit
 * 124 commits after v0.20.1), gettext 0.23.1 ships `0.22.5a` (the prerelease version after v0.22.5). Such a
 * value is proved, not pattern-matched, against the repository:
 *
 *   T.N-ABBREV[-dirty]   git-version-gen's rewrite of `git describe` (vT-N-gABBREV): some commit the release
 *                        reaches starts with ABBREV and `git describe --match 'v*'` of it is exactly vT-N-g…
 *   T[a-z][-dirty]       a GNU prerelease version after the tag vT (alpha.gnu.org's 0.22.5a): vT is a tag of
 *                        the repository (a maintenance branch's, possibly) and T is older than the release
 *   T[-dirty]            the version of the tag vT, which the release reaches
 *
 * The file must be one line of exactly that (plus the newline): nothing else can hide in it. Anything else
 * — a commit the release does not reach, a tag it does not reach, a count that does not match — is left to
 * the other classifiers (an unexplained tarball-only file).
 */
import { makeFinding } from '../core/severity.js';
import type { HistoryAccess } from '../git/history.js';
import type { Classifier } from './types.js';
import { admits } from './precheck.js';

const NAMES = new Set(['.version', '.tarball-version']);
const DESCRIBED = /^(\d+(?:\.\d+)*)\.(\d+)-([0-9a-f]{4,40})(-dirty)?\n?$/;
const TAGGED = /^(\d+(?:\.\d+)*)([a-z])?(-dirty)?\n?$/;

/** Whether dotted version `a` is older than `b` (numeric fields; `b` may carry a suffix: 1.2 < 1.2.1 < 1.3rc1). */
export function olderVersion(a: string, b: string): boolean {
  const x = a.split('.').map(Number);
  const y = (/^\d+(?:\.\d+)*/.exec(b)?.[0] ?? '').split('.').filter(Boolean).map(Number);
  if (!y.length) return false;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i] ?? 0;
    const q = y[i] ?? 0;
    if (p !== q) return p < q;
  }
  return false;
}

/**
 * The commit git-version-gen's T.N-ABBREV names, proved: a commit the release reaches starts with ABBREV and
 * `git describe --match 'v*'` of it is exactly vT-N-g<that commit>. Undefined when none is (shared with
 * src/classify/stamps.ts, which proves such a value on git's side of a restamped line).
 */
export async function earlierCommitOf(history: HistoryAccess, version: string, count: string, abbrev: string): Promise<string | undefined> {
  if (!history.describeAncestors) return undefined;
  for (const c of await history.describeAncestors(abbrev)) if (c.describe === `v${version}-${count}-g${c.oid}`) return c.oid;
  return undefined;
}

/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && diff.tarball.size <= 64 && NAMES.has(diff.path.slice(diff.path.lastIndexOf('/') + 1));

export const versionFileClassifier: Classifier = {
  id: 'version-file',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const history = ctx.history;
    if (!history?.describeAncestors || !history.tagRelation) return undefined;
    const text = ctx.content.tarball(diff.path)?.toString('latin1');
    if (text === undefined) return undefined;
    const value = text.replace(/\n$/, '');
    const d = DESCRIBED.exec(text);
    if (d) {
      const [, version, count, abbrev, dirty] = d;
      const commit = await earlierCommitOf(history, version!, count!, abbrev!);
      return commit ? makeFinding('VERSION_OF_EARLIER_COMMIT', diff.path, { value, tag: `v${version}`, commit, commits: Number(count), dirty: !!dirty }) : undefined;
    }
    const t = TAGGED.exec(text);
    if (!t) return undefined;
    const [, version, letter, dirty] = t;
    const relation = await history.tagRelation(`v${version}`);
    if (relation === 'absent') return undefined;
    if (!letter && relation !== 'reached') return undefined;
    if (letter && !(ctx.revision.version && olderVersion(version!, ctx.revision.version))) return undefined;
    return makeFinding('VERSION_OF_EARLIER_COMMIT', diff.path, { value, tag: `v${version}`, ...(letter ? { prerelease: true } : {}), dirty: !!dirty });
  },
};
