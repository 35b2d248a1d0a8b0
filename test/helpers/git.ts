/**
 * Real git repositories built by code with fixed dates and identities, so object ids are reproducible.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const FIXED_DATE = '2024-02-24T12:00:00+00:00';

export const gitEnv = (date = FIXED_DATE): NodeJS.ProcessEnv => ({
  ...process.env,
  GIT_AUTHOR_NAME: 'Test Author',
  GIT_AUTHOR_EMAIL: 'author@example.invalid',
  GIT_COMMITTER_NAME: 'Test Author',
  GIT_COMMITTER_EMAIL: 'author@example.invalid',
  GIT_AUTHOR_DATE: date,
  GIT_COMMITTER_DATE: date,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
});

export function git(cwd: string, args: string[], date?: string): string {
  return execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'core.autocrlf=false', ...args], {
    cwd,
    env: gitEnv(date),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
  }).trim();
}

/** File spec: string/Buffer content, or an object for executables and symlinks. null deletes. */
export type FileSpec =
  | string
  | Buffer
  | { content: string | Buffer; executable?: boolean }
  | { symlink: string }
  | null;

export function writeFiles(root: string, files: Record<string, FileSpec>): void {
  for (const [path, spec] of Object.entries(files)) {
    const full = join(root, path);
    rmSync(full, { force: true, recursive: true });
    if (spec === null) continue;
    mkdirSync(dirname(full), { recursive: true });
    if (typeof spec === 'string' || Buffer.isBuffer(spec)) {
      writeFileSync(full, spec);
    } else if ('symlink' in spec) {
      symlinkSync(spec.symlink, full);
    } else {
      writeFileSync(full, spec.content);
      chmodSync(full, spec.executable ? 0o755 : 0o644);
    }
  }
}

export interface RepoBuilder {
  dir: string;
  /** Write files, `git add -A`, commit; returns the commit id. */
  commit(files: Record<string, FileSpec>, message?: string, date?: string): string;
  /** Lightweight tag by default; annotated when `message` is given. */
  tag(name: string, opts?: { message?: string; target?: string }): void;
  git(args: string[]): string;
}

/** `git init` a work tree at `dir` (must not exist or be empty). */
export function makeRepo(dir: string, opts: { objectFormat?: 'sha1' | 'sha256' } = {}): RepoBuilder {
  mkdirSync(dir, { recursive: true });
  git(dir, ['init', '-q', ...(opts.objectFormat === 'sha256' ? ['--object-format=sha256'] : [])]);
  let n = 0;
  return {
    dir,
    commit(files, message, date) {
      writeFiles(dir, files);
      git(dir, ['add', '-A']);
      n += 1;
      const d = date ?? new Date(Date.parse(FIXED_DATE) + n * 60_000).toISOString();
      git(dir, ['commit', '-q', '--allow-empty', '-m', message ?? `commit ${n}`], d);
      return git(dir, ['rev-parse', 'HEAD']);
    },
    tag(name, o = {}) {
      const args = o.message ? ['tag', '-a', '-m', o.message, name] : ['tag', name];
      if (o.target) args.push(o.target);
      git(dir, args);
    },
    git: (args) => git(dir, args),
  };
}

/** A repository at `dir` holding a copy of the directory `src` (a system package's tree, say), committed once with the fixed date. */
export function repoOfTree(dir: string, src: string): { repo: RepoBuilder; commit: string } {
  const repo = makeRepo(dir);
  cpSync(src, repo.dir, { recursive: true });
  git(repo.dir, ['add', '-A']);
  git(repo.dir, ['commit', '-q', '-m', 'tree']);
  return { repo, commit: git(repo.dir, ['rev-parse', 'HEAD']) };
}
