/**
 * Git-only files that exist for the repository or its hosting, not for the software: ignore files,
 * attributes, CI configuration, editor and linter settings. Release tarballs normally leave them out,
 * so their absence is explained (info). Anything else missing from the tarball stays GIT_ONLY.
 */
import { makeFinding } from '../core/severity.js';
import type { Classifier } from './types.js';

type Kind = 'git' | 'ci' | 'editor' | 'lint';

const GIT_FILES = new Set(['.gitignore', '.gitattributes', '.gitmodules', '.mailmap', '.git-blame-ignore-revs', '.gitreview', '.keep', '.gitkeep']);
const CI_FILES = new Set([
  '.travis.yml', '.cirrus.yml', '.appveyor.yml', 'appveyor.yml', '.gitlab-ci.yml', '.drone.yml', 'azure-pipelines.yml',
  'codecov.yml', '.codecov.yml', '.readthedocs.yml', '.readthedocs.yaml', 'renovate.json', '.renovaterc', '.mergify.yml',
  '.packit.yaml', '.coveralls.yml',
]);
const CI_DIRS = /^(?:\.github|\.gitlab|\.circleci|\.azure-pipelines|\.buildkite|\.builds|\.ci|\.woodpecker|\.forgejo|\.gitea)\//;
const EDITOR_FILES = new Set(['.editorconfig', '.dir-locals.el', '.vimrc', '.exrc', '.kateconfig']);
const EDITOR_DIRS = /^(?:\.vscode|\.idea|\.devcontainer)\//;
const LINT_FILES = new Set([
  '.clang-format', '.clang-tidy', '.codespellrc', '.pre-commit-config.yaml', '.pylintrc', '.flake8', '.yamllint',
  '.shellcheckrc', '.markdownlint.json', '.prettierrc', '.eslintrc', '.eslintrc.json', '.stylelintrc', '.cmake-format.yaml',
  '.typos.toml', '_typos.toml', '.lgtm.yml',
]);

export function repoMetadataKind(path: string): Kind | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (GIT_FILES.has(base)) return 'git';
  if (CI_DIRS.test(path) || (!path.includes('/') && CI_FILES.has(base))) return 'ci';
  if (EDITOR_DIRS.test(path) || (!path.includes('/') && EDITOR_FILES.has(base))) return 'editor';
  if (!path.includes('/') && LINT_FILES.has(base)) return 'lint';
  return undefined;
}

export const repoMetadataClassifier: Classifier = {
  id: 'repo-metadata',
  classify(diff) {
    if (diff.status !== 'git-only') return undefined;
    const kind = repoMetadataKind(diff.path);
    return kind ? makeFinding('REPO_METADATA_NOT_SHIPPED', diff.path, { kind }) : undefined;
  },
};
