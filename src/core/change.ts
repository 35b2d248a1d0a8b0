/**
 * The comparison's own account of a difference, for findings (see ChangeKind): which kind of change, and
 * the blob ids and modes on each side. Pure: derived from the raw PathDiff, never from the explanation.
 */
import type { ChangeKind, Finding, GitMode } from './findings.js';
import type { PathDiff, TreeEntry } from './types.js';

export function modeOf(e: TreeEntry): GitMode | undefined {
  switch (e.type) {
    case 'file':
      return e.executable ? '100755' : '100644';
    case 'symlink':
      return '120000';
    case 'submodule':
      return '160000';
    case 'directory':
      return '040000';
    default:
      return undefined;
  }
}

export function changeKind(d: PathDiff): ChangeKind {
  switch (d.status) {
    case 'tarball-only':
      return 'tarball-only';
    case 'git-only':
    case 'export-ignored':
      return 'git-only';
    case 'submodule':
      // A gitlink in git; in the tarball nothing (git-only) or a directory or file in its place.
      return d.tarball ? 'type' : 'git-only';
    case 'changed': {
      const c = d.changes ?? [];
      if (c.includes('type')) return 'type';
      if (c.includes('link-target')) return 'link';
      if (c.includes('content')) return 'changed';
      return 'mode';
    }
  }
}

/**
 * Sets `change`, the blob ids and the modes of the finding's difference; 'anomaly' for a finding that is not
 * a difference between the trees; undefined leaves the finding as it is.
 */
export function withChange<F extends Finding>(f: F, d: PathDiff | 'anomaly' | undefined): F {
  if (d === undefined) return f;
  if (d === 'anomaly') {
    f.change = 'anomaly';
    return f;
  }
  f.change = changeKind(d);
  if (d.git?.oid !== undefined) f.gitOid = d.git.oid;
  const gm = d.git && modeOf(d.git);
  if (gm) f.gitMode = gm;
  const t = d.tarball;
  if (t?.oid !== undefined) f.tarballOid = t.oid;
  const tm = t && modeOf(t);
  if (tm) f.tarballMode = tm;
  return f;
}

/**
 * What withChange(f, d) makes of a tarball-only finding that has only its four base fields (code, path,
 * severity, evidence — every fallback finding), as one new object literal: the change fields are then in
 * the object itself, and explain's withChange later only sets them again instead of adding properties
 * (V8 keeps added ones in a separate array: ~24 bytes more per finding, 48 MB for 2,000,000 tarball-only
 * files). The same fields in the same order as withChange's; any other finding is returned as it is.
 */
export function withChangeShaped<F extends Finding>(f: F, d: PathDiff): F {
  if (d.status !== 'tarball-only' || Object.keys(f).length !== 4) return f;
  const t = d.tarball;
  const oid = t?.oid;
  const mode = t && modeOf(t);
  if (oid === undefined || mode === undefined) return f;
  return { code: f.code, path: f.path, severity: f.severity, evidence: f.evidence, change: 'tarball-only', tarballOid: oid, tarballMode: mode } as F;
}
