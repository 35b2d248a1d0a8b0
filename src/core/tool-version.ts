/**
 * The one answer to "can this tool version be obtained, and how?" (issue 11): every remedy, toolchain command
 * and `toolchain add` check asks toolVersionSource.
 *  - release: a GNU release tarball carries it — only numbers (2.71, 1.16.5, 0.19.8.1);
 *  - git: only a build from that revision of the tool's own repository — a test release (2.72a, 1.16d) or
 *    git-version-gen's form of `git describe` (autoconf 2.72.70-9ff9, libtool 2.4.7.4-1ec8f: release, commits
 *    since it, abbreviated commit id, `g` optional);
 *  - none: no exact source exists — a build from a modified work tree (`-dirty`: the commit plus edits nobody
 *    published) or a version of no form above; nothing distdiff can fetch or build reproduces it.
 */
export type ToolVersionSource = 'release' | 'git' | 'none';

/** A GNU release version: numbers only. */
export const RELEASE_VERSION = /^\d+(?:\.\d+)+$/;
/** A GNU test release: a release version and one letter. */
export const TEST_RELEASE_VERSION = /^\d+(?:\.\d+)+[a-z]$/;
/** git-version-gen's `git describe` form: BASE.N-HASH (BASE a release or test release; captured: base, commits, hash). */
export const DESCRIBE_VERSION = /^(\d+(?:\.\d+)+[a-z]?)\.(\d+)-g?([0-9a-f]{4,64})$/;

export function toolVersionSource(version: string): ToolVersionSource {
  if (RELEASE_VERSION.test(version)) return 'release';
  if (TEST_RELEASE_VERSION.test(version) || DESCRIBE_VERSION.test(version)) return 'git';
  return 'none';
}
