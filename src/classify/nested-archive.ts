/**
 * A tar archive shipped inside the release (gettext's gettext-tools/misc/archive.dir.tar, the infrastructure
 * files of every earlier gettext version, for autopoint) is judged member by member. Its members were listed
 * while the outer archive streamed (src/scan/nested-tar.ts: names, sizes, blob ids; nothing buffered), and
 * each file member is looked up by its blob id, exactly:
 *
 *   history    a blob the revision, a branch or a tag reaches (any earlier version of the project's files,
 *              maintenance branches included) — not any object of the store: a pull request's objects (a
 *              forge mirror's refs/pull/*) are anyone's to push;
 *   upstream   the bundled upstream blob index (gnulib, gettext, libtool, automake, autoconf copies);
 *   submodule  a file of a submodule the revision pins;
 *   release    the same path with the same blob id in the nested archive of an earlier, independently published
 *              release (src/classify/release-members.ts: a different release, made on an earlier day than the
 *              revision's commit): the release did not change that member.
 *
 * Every member known: NESTED_ARCHIVE_KNOWN (explained). Otherwise NESTED_ARCHIVE_UNKNOWN_MEMBERS (high) naming
 * the members nothing has (and entries that are not regular files: symlinks, devices). A nested archive that
 * did not parse is left to the other classifiers.
 */
import { makeFinding } from '../core/severity.js';
import type { Classifier } from './types.js';
import { bundledReleaseMembers, type ReleaseMembers } from './release-members.js';
import { bundledBlobIndex, type BlobIndex } from './upstream-blobs.js';
import { admits } from './precheck.js';

/** Unknown member names kept in the evidence (the count says how many more). */
const MAX_NAMES = 40;


/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file';

export function createNestedArchiveClassifier(index: () => BlobIndex | null = bundledBlobIndex, releases: () => ReleaseMembers | null = bundledReleaseMembers): Classifier {
  return {
    id: 'nested-archive',
    candidate,
    async classify(diff, ctx) {
      if (!admits(candidate, diff)) return undefined;
      const listing = ctx.content.nested?.(diff.path);
      if (!listing || listing.error !== undefined) return undefined;
      const ids = [...new Set(listing.members.map((m) => m.oid))];
      const inHistory = ctx.history?.hasBlobs ? await ctx.history.hasBlobs(ids) : new Set<string>();
      const pinned = new Set<string>();
      for (const s of ctx.submodules ?? []) for (const oid of s.files.values()) pinned.add(oid);
      const idx = index();
      const counts = { history: 0, upstream: 0, submodule: 0, release: 0 };
      const labels = new Set<string>();
      const unknown: string[] = [];
      // An earlier release only counts against a known day of the revision.
      const before = ctx.revision.date?.slice(0, 10);
      const rel = before ? releases() : null;
      for (const m of listing.members) {
        if (inHistory.has(m.oid)) counts.history++;
        else if (idx?.lookup(m.oid)) counts.upstream++;
        else if (pinned.has(m.oid)) counts.submodule++;
        else {
          const src = rel?.publishedBefore(m.name, m.oid, before!, { release: ctx.revision.version });
          if (src) {
            counts.release++;
            labels.add(`${src.label} (${src.date})`);
          } else unknown.push(m.name);
        }
      }
      const releasesUsed = [...labels].sort();
      const others = listing.others;
      if (!unknown.length && !others.length) return makeFinding('NESTED_ARCHIVE_KNOWN', diff.path, { members: listing.members.length, ...counts, releases: releasesUsed });
      return makeFinding('NESTED_ARCHIVE_UNKNOWN_MEMBERS', diff.path, {
        members: listing.members.length + others.length,
        known: listing.members.length - unknown.length,
        unknown: unknown.length + others.length,
        names: [...unknown, ...others].slice(0, MAX_NAMES),
        ...(counts.release ? { release: counts.release, releases: releasesUsed } : {}),
      });
    },
  };
}

export const nestedArchiveClassifier: Classifier = createNestedArchiveClassifier();
