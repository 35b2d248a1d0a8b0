#!/usr/bin/env node
/**
 * Lists every version of gnulib's build-aux/declared.sh in a gnulib repository's history and checks that the
 * declared.sh model (src/classify/script-models.ts declaredSh) describes each: the versions the model was
 * written for are derived here, not guessed. Nothing from the repository is executed; git plumbing reads it.
 *
 * Usage (after `npm run build`): node scripts/declared-sh-versions.mjs [GNULIB_GIT_DIR]
 *   (default /work/.mirror/coreutils+gnulib/repo). Exit 1 when a version is not described.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const mod = join(root, 'dist/classify/script-models.js');
if (!existsSync(mod)) {
  console.error(`declared-sh-versions: ${mod} is missing; run \`npm run build\` first`);
  process.exit(2);
}
const { declaredSh } = await import(mod);
const dir = process.argv[2] ?? '/work/.mirror/coreutils+gnulib/repo';
const git = (...args) => execFileSync('git', ['--git-dir', dir, ...args], { encoding: 'latin1', maxBuffer: 1 << 26 });
const PROBE = 'extern int a;\nextern char *b (void);\n';
let bad = 0;
for (const line of git('log', '--format=%H %cs', '--', 'build-aux/declared.sh').trim().split('\n')) {
  const [commit, date] = line.split(' ');
  let text;
  try { text = git('show', `${commit}:build-aux/declared.sh`); } catch { continue; } // the commit that removed it
  const blob = git('rev-parse', `${commit}:build-aux/declared.sh`).trim();
  const out = declaredSh(text, PROBE);
  if (out === undefined) bad++;
  console.log(`${date} ${commit.slice(0, 10)} ${blob} ${out === undefined ? 'NOT DESCRIBED' : `described (${out.trim().split('\n').join(' ')})`}`);
}
process.exit(bad ? 1 : 0);
