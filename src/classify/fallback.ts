/**
 * The generic fallback, always last: turns a raw difference into an "unexplained" finding.
 */
import type { Finding } from '../core/findings.js';
import { escalate, makeFinding } from '../core/severity.js';
import type { PathDiff } from '../core/types.js';
import { isBuildAffecting } from './build-affecting.js';
import type { Classifier } from './types.js';

export function fallbackFinding(diff: PathDiff): Finding {
  const t = diff.tarball;
  const g = diff.git;
  switch (diff.status) {
    case 'tarball-only': {
      if (diff.copyOf) return makeFinding('COPY_OF_TRACKED', diff.path, { source: diff.copyOf });
      // High whatever the file type: an unexplained addition fails the default gate (issue 11).
      const build = isBuildAffecting(diff.path);
      return makeFinding('TARBALL_ONLY_UNEXPLAINED', diff.path, {
        size: t?.size ?? 0,
        oid: t?.oid,
        buildAffecting: build,
      });
    }
    case 'git-only':
      return makeFinding('GIT_ONLY', diff.path, { oid: g?.oid, type: g?.type ?? 'file' });
    case 'export-ignored':
      return makeFinding('EXPORT_IGNORED', diff.path, { type: g?.type ?? 'file' });
    case 'submodule': {
      const tarball = t === undefined ? 'absent' : (diff.tarball?.size ?? 0) > 0 ? 'content' : 'empty';
      const f = makeFinding('SUBMODULE', diff.path, { commit: g?.oid, tarball, files: t?.size ?? 0 });
      return tarball === 'content' ? escalate(f, 'medium', 'unverified-content') : f;
    }
    case 'changed': {
      const changes = diff.changes ?? [];
      if (changes.includes('type'))
        return makeFinding('TYPE_CHANGED', diff.path, { git: g?.type ?? 'file', tarball: t?.type ?? 'file' });
      if (changes.includes('link-target'))
        return makeFinding('SYMLINK_TARGET_CHANGED', diff.path, {
          git: g?.linkTarget ?? '',
          tarball: t?.linkTarget ?? '',
        });
      if (changes.includes('content')) {
        const build = isBuildAffecting(diff.path);
        const f = makeFinding('SOURCE_MODIFIED', diff.path, { gitOid: g?.oid, tarballOid: t?.oid, buildAffecting: build });
        return build ? escalate(f, 'critical', 'build-affecting') : f;
      }
      return makeFinding('MODE_CHANGED', diff.path, {
        git: g?.executable ? 'executable' : 'regular',
        tarball: t?.executable ? 'executable' : 'regular',
      });
    }
  }
}

export const fallbackClassifier: Classifier = {
  id: 'fallback',
  classify: (diff) => fallbackFinding(diff),
};
