/** Shared by the regeneration tests: a release built by `make dist` and tampered copies of it. */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTar } from '../helpers/archives.js';

/**
 * `tampered(edit)`: a copy of the unpacked release `distDir/top` with `edit` applied to its tree, re-packed
 * by GNU tar under `root` (top-level directory kept).
 */
export function releaseCopies(root: string, distDir: () => string, top: string): (edit: (dir: string) => void) => string {
  let n = 0;
  return (edit) => {
    const dir = join(root, `t${++n}`, top);
    mkdirSync(dir, { recursive: true });
    cpSync(join(distDir(), top), dir, { recursive: true });
    edit(dir);
    return makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, `${top}.tar.gz`) });
  };
}

/** Rewrite one file of a tree (latin1, so any bytes survive). */
export function editFile(dir: string, path: string, f: (s: string) => string): void {
  const p = join(dir, path);
  writeFileSync(p, f(readFileSync(p, 'latin1')), 'latin1');
}
