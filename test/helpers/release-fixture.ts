/**
 * The fixture most classifier tests share: a repository with `tracked` committed at a fixed date and tagged v1.0,
 * and `verifyTree`, which writes a release tree of NAME-1.0/ (the tracked files, then the release's own files, then
 * whatever `prepare` makes: a link, a rule's output), packs it with tar + gzip and verifies it against that tag.
 * Each call gets its own tree and archive; the distdiff cache is shared by the calls of one fixture.
 */
import { join } from 'node:path';
import type { VerifyOptions } from '../../src/verify.js';
import { verify } from '../../src/verify.js';
import { makeTar } from './archives.js';
import { type FileSpec, makeRepo, type RepoBuilder, writeFiles } from './git.js';
import { tempDir } from './tmp.js';

type Files = Record<string, FileSpec>;

export interface ReleaseFixture {
  root: string;
  repo: RepoBuilder;
  /** The release tree: `tracked` (the fixture's unless given), then `files`, then `prepare(dir)`; verified against v1.0. */
  verifyTree(files: Files, more?: { tracked?: Files; prepare?: (dir: string) => void; options?: Partial<VerifyOptions> }): ReturnType<typeof verify>;
}

export function releaseFixture(tracked: Files, opts: { name?: string; subject?: string; date?: string } = {}): ReleaseFixture {
  const name = opts.name ?? 'demo';
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  repo.commit(tracked, opts.subject ?? name, opts.date ?? '2024-03-05T10:00:00Z');
  repo.tag('v1.0');
  const cache = join(root, 'cache');
  let n = 0;
  return {
    root,
    repo,
    verifyTree(files, more = {}) {
      const dir = join(root, `t${++n}`, `${name}-1.0`);
      writeFiles(dir, more.tracked ?? tracked);
      writeFiles(dir, files);
      more.prepare?.(dir);
      return verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, `${name}-1.0.tar.gz`) }), repo: repo.dir, cacheDir: cache, ...more.options });
    },
  };
}
