/**
 * The generic fallback, always last: turns a raw difference into an "unexplained" finding.
 */
import type { Finding } from '../core/findings.js';
import { escalate, makeFinding } from '../core/severity.js';
import type { PathDiff } from '../core/types.js';
import { isBuildAffecting, isCodePath } from './build-affecting.js';
import type { Classifier } from './types.js';

/** A directory whose files a build leaves alone: tests, test data, fixtures, examples. */
const INERT_DIR = /^(?:.*[-_])?(?:tests?|testdata|testing|testsuite|fixtures?|examples?|samples?|demos?|corpus)$/i;

/** Whether the build or a loader could run or read the file as code at this path. */
function active(path: string, executable: boolean): boolean {
  return executable || isBuildAffecting(path) || isCodePath(path);
}

function underInertDir(path: string): boolean {
  return path.split('/').slice(0, -1).some((seg) => INERT_DIR.test(seg));
}

/**
 * Whether a tarball-only copy of a tracked file keeps the file's role (issue 11, "tampering that passes"). A
 * copy explains nothing about where it lands: a payload committed as test data (as the xz-utils payload
 * was) and shipped as a copy at a path the build compiles or runs (`testdata/hook.go.txt` → `hook.go`: Go
 * compiles it; `tests/files/x.bin` → `build-aux/x.sh`) must stay unexplained. A copy that is not code or a
 * build file (README.md → README, NEWS → ChangeLog) keeps its role. One that is must have the source's base
 * name, or the source's base name minus an extension (gnulib's `gl/lib/X.c` → `lib/X.c`, `Makefile.dist` →
 * `Makefile`), be code too, not be executable where the source is not, and not come from a test, fixture or
 * example directory unless it lands in one too. A declaration file copied from TypeScript may take any name
 * (declarationCopy), the directory condition still applies.
 */
export function copyKeepsRole(path: string, source: string, executable: boolean, sourceExecutable: boolean): boolean {
  if (!active(path, executable)) return true;
  if (declarationCopy(path, source, executable)) return !underInertDir(source) || underInertDir(path);
  const base = path.slice(path.lastIndexOf('/') + 1);
  const srcBase = source.slice(source.lastIndexOf('/') + 1);
  if (srcBase !== base && !srcBase.startsWith(`${base}.`)) return false;
  if (!active(source, sourceExecutable) && !isBuildAffecting(`${source.slice(0, source.lastIndexOf('/') + 1)}${base}`)) return false;
  if (executable && !sourceExecutable) return false;
  return !underInertDir(source) || underInertDir(path);
}

/** A TypeScript declaration file: read by the type checker only, never loaded by a runtime or a bundler. */
const DECLARATION = /\.d\.[cm]?ts$/;
/** TypeScript sources: a declaration copied from one holds what the type checker already reads in git. */
const TS_SOURCE = /\.(?:d\.)?[cm]?ts$/;

/**
 * A declaration file copied from a tracked TypeScript file under another name (esbuild's build writes
 * lib/shared/types.ts as npm/esbuild/lib/main.d.ts, prettier's src/document/public.d.ts ships as doc.d.ts):
 * nothing runs a `.d.ts` — node, bundlers and tsc's emit never load it, the type checker reads its types — so
 * the new name gives the tracked bytes no role they could not have in git. Not executable, and from a
 * TypeScript file only (a script or data file copied to a `.d.ts` keeps the base-name rule).
 */
function declarationCopy(path: string, source: string, executable: boolean): boolean {
  return !executable && DECLARATION.test(path) && TS_SOURCE.test(source);
}

export function fallbackFinding(diff: PathDiff): Finding {
  const t = diff.tarball;
  const g = diff.git;
  switch (diff.status) {
    case 'tarball-only': {
      if (diff.copyOf && copyKeepsRole(diff.path, diff.copyOf, !!t?.executable, !!diff.copyOfExecutable))
        return makeFinding('COPY_OF_TRACKED', diff.path, { source: diff.copyOf });
      // High whatever the file type: an unexplained addition fails the default gate (issue 11).
      const build = isBuildAffecting(diff.path);
      return makeFinding('TARBALL_ONLY_UNEXPLAINED', diff.path, {
        size: t?.size ?? 0,
        oid: t?.oid,
        buildAffecting: build,
        ...(diff.copyOf ? { copyOf: diff.copyOf } : {}),
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
