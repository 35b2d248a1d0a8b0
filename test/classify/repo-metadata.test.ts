import { describe, expect, it } from 'vitest';
import { repoMetadataClassifier, repoMetadataKind } from '../../src/classify/repo-metadata.js';
import type { ClassifyContext } from '../../src/classify/types.js';
import type { PathDiff } from '../../src/core/types.js';

const ctx = {} as ClassifyContext;
const gitOnly = (path: string): PathDiff => ({ path, status: 'git-only', git: { path, type: 'file', executable: false, size: 1, oid: 'a' } });

describe('repo-metadata classifier', () => {
  it.each([
    ['.gitignore', 'git'],
    ['po/.gitignore', 'git'],
    ['.gitattributes', 'git'],
    ['.github/workflows/ci.yml', 'ci'],
    ['.travis.yml', 'ci'],
    ['.editorconfig', 'editor'],
    ['.codespellrc', 'lint'],
  ])('%s is %s metadata', (path, kind) => {
    expect(repoMetadataKind(path)).toBe(kind);
    expect(repoMetadataClassifier.classify(gitOnly(path), ctx)).toEqual({
      code: 'REPO_METADATA_NOT_SHIPPED',
      path,
      severity: 'info',
      evidence: { kind },
    });
  });
  it.each(['tests/code_coverage.sh', 'doc/examples/11_file_info.c', 'sub/.travis.yml', 'src/.editorconfig.c', 'build-aux/ci_build.sh'])(
    '%s stays unexplained',
    (path) => {
      expect(repoMetadataKind(path)).toBeUndefined();
      expect(repoMetadataClassifier.classify(gitOnly(path), ctx)).toBeUndefined();
    },
  );
  it('only explains files missing from the tarball', () => {
    const d: PathDiff = { path: '.gitignore', status: 'tarball-only', tarball: { path: '.gitignore', type: 'file', executable: false, size: 1 } };
    expect(repoMetadataClassifier.classify(d, ctx)).toBeUndefined();
  });
});
