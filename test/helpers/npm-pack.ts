/** The real `npm pack` (scripts never run) into `dest`, with its own npm cache; returns the tarball path. */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { makeTar } from './archives.js';
import { join } from 'node:path';
import type { Finding } from '../../src/core/findings.js';
import { verify } from '../../src/verify.js';
import { makeRepo, writeFiles } from './git.js';

export function npmPack(dir: string, dest: string, npmCache: string): string {
  mkdirSync(dest, { recursive: true });
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dest, '--json'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, npm_config_cache: npmCache, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
  });
  return join(dest, (JSON.parse(out) as { filename: string }[])[0]!.filename);
}

/** A packed npm tarball re-packed (GNU tar, package/ prefix) as `work/name` with `edit` applied to its unpacked tree (tampered twins). */
export function repackNpm(tgz: string, work: string, name: string, edit: (dir: string) => void): string {
  mkdirSync(work, { recursive: true });
  execFileSync('tar', ['-xzf', tgz, '-C', work]);
  edit(join(work, 'package'));
  return makeTar(join(work, 'package'), { compress: 'gzip', out: join(work, name) });
}

/**
 * A maker of npm releases built outside the repository (tests of bundler outputs): each call commits `tracked` in a
 * fresh real git repository, tags it, writes the `built` files into the work tree — each through `edit` (identity by
 * default; a tampered twin changes one) —, packs the tree with the real `npm pack` and verifies the tarball against the
 * repository; it returns the finding of a path.
 */
export function npmReleaseMaker(root: string, tracked: Record<string, string>, tag: string, built: Record<string, string>) {
  const cacheDir = join(root, 'cache');
  let n = 0;
  return async (edit: (path: string, text: string) => string = (_p, t) => t): Promise<(path: string) => Finding> => {
    const dir = join(root, `pkg-${++n}`);
    const repo = makeRepo(dir);
    repo.commit(tracked);
    repo.tag(tag);
    writeFiles(dir, Object.fromEntries(Object.entries(built).map(([p, t]) => [p, edit(p, t)])));
    const r = await verify({ tarball: npmPack(dir, join(root, `packs-${n}`), join(root, 'npm-cache')), repo: dir, cacheDir });
    return (path: string) => r.findings.find((f) => f.path === path)!;
  };
}

/** An edit for npmReleaseMaker: in `file` only, the first `from` replaced by `to` (a fixture lacking `from` throws). */
export const editIn = (file: string, from: string, to: string) => (p: string, t: string) => {
  if (p !== file) return t;
  if (!t.includes(from)) throw new Error(`fixture lacks ${from}`);
  return t.replace(from, to);
};
