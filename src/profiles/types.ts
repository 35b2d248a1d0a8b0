/**
 * Ecosystem profiles: what kind of release archive this is (npm tarball, PyPI sdist or wheel, crate, forge
 * archive, autotools tarball), read from the archive's own content, and what its metadata says about the
 * repository and commit it came from.
 */
import { PROFILE_IDS, type ProfileId } from '../core/result.js';

export type { ProfileId } from '../core/result.js';

/** `--profile` values: a profile, or auto-detection. */
export type ProfileChoice = ProfileId | 'auto';

export const PROFILE_CHOICES: readonly ProfileChoice[] = ['auto', ...PROFILE_IDS];

/** npm's package.json, the fields distdiff reads (everything else is compared as opaque JSON). */
export interface NpmManifest {
  [key: string]: unknown;
}

export interface ProfileInfo {
  id: ProfileId;
  detected: boolean;
  /** Top-level directory of the archive's entries ('' when none). */
  prefix: string;
  name?: string;
  version?: string;
  repository?: string;
  /** Directory within the repository the package was made from. */
  directory?: string;
  /** Commit named by the metadata (npm gitHead, cargo sha1). */
  commit?: string;
  commitSource?: 'npm-githead' | 'cargo-vcs-info';
  /** Path (prefix-stripped) of the metadata file naming the commit. */
  commitPath?: string;
  dirty?: boolean;
  /** npm: the tarball's package.json, parsed. */
  manifest?: NpmManifest;
}
