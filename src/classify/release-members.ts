/**
 * Members of the nested archives that earlier releases published (gettext's gettext-tools/misc/archive.dir.tar):
 * data/release-members.json.gz, built by scripts/build-release-members.mjs from release tarballs (derived data
 * only: member paths, git blob ids, the release, the day its archive was made, the tarball's sha256). A member
 * of a release's nested archive that an earlier release published at the same path with the same blob id is
 * known by provenance: the release did not change it. "Earlier" is strict — a different release, made on an
 * earlier day than the verified revision's commit — so a release never vouches for itself.
 */
import { lazyGzipJson } from '../util/bundled-data.js';

export interface ReleaseSource {
  project: string;
  release: string;
  /** YYYY-MM-DD: the day the release's nested archive was made. */
  date: string;
  archive: string;
  label: string;
  tarball?: string;
  sha256?: string;
  suites?: string[];
  members?: number;
}

export interface ReleaseMembersFile {
  schemaVersion: 1;
  generated: string;
  sources: ReleaseSource[];
  /** member path → [blob id, index into sources] (the earliest release that published that blob there) */
  members: Record<string, [string, number][]>;
}

/** A member name as the listing gives it, without a leading `./`. */
const memberPath = (name: string) => name.replace(/^(?:\.\/)+/, '');

export class ReleaseMembers {
  constructor(private readonly file: Pick<ReleaseMembersFile, 'sources' | 'members'>) {}

  /**
   * The release that published this member (path and blob id) before `before` (YYYY-MM-DD, exclusive), other than
   * release `self` of the same project; undefined when none did.
   */
  publishedBefore(name: string, oid: string, before: string, self?: { project?: string; release?: string }): ReleaseSource | undefined {
    for (const [blob, i] of this.file.members[memberPath(name)] ?? []) {
      if (blob !== oid) continue;
      const s = this.file.sources[i];
      if (!s || !(s.date < before) || (self?.release !== undefined && s.release === self.release && (self.project === undefined || s.project === self.project))) continue;
      return s;
    }
    return undefined;
  }
}

/** An index from rows (what the builder writes), for tests. */
export function releaseMembersFrom(sources: ReleaseSource[], rows: readonly { path: string; oid: string; source: number }[]): ReleaseMembers {
  const members: Record<string, [string, number][]> = {};
  for (const r of rows) (members[r.path] ??= []).push([r.oid, r.source]);
  return new ReleaseMembers({ sources, members });
}

export const RELEASE_MEMBERS_URL = new URL('../../data/release-members.json.gz', import.meta.url);
/** The bundled index, loaded on first use; null when the data file is missing. */
export const bundledReleaseMembers: () => ReleaseMembers | null = lazyGzipJson(RELEASE_MEMBERS_URL, (f: ReleaseMembersFile) => new ReleaseMembers(f));
