/**
 * Files a tracked script writes with a here-document (signal-exit 4.1.0: its `prepare` script runs
 * scripts/fixup.sh, whose `cat >dist/cjs/package.json <<!EOF` writes `{"type": "commonjs"}`; both stubs were
 * TARBALL_ONLY_UNEXPLAINED high, the whole exit 1). A tagged repository with that script, the build written untracked,
 * packed by the real npm pack. Twins: one byte changed, a script no package.json script runs, a later command that
 * rewrites the file, an expanding here-document.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verify } from '../../src/verify.js';
import { heredocWrites, scriptInvocations } from '../../src/profiles/npm-heredoc.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { npmPack as npmPackIn } from '../helpers/npm-pack.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-npm-heredoc-');
const cacheDir = join(root, 'cache');

const FIXUP = `#!/usr/bin/env bash

rm -rf dist
mv dist-tmp dist

cat >dist/cjs/package.json <<!EOF
{
  "type": "commonjs"
}
!EOF

cat >dist/mjs/package.json <<!EOF
{
  "type": "module"
}
!EOF
`;
const CJS = '{\n  "type": "commonjs"\n}\n';
const MJS = '{\n  "type": "module"\n}\n';

const pkg = (prepare: string) => ({
  name: 'exitlike',
  version: '4.1.0',
  main: './dist/cjs/index.js',
  files: ['dist'],
  scripts: { preprepare: 'rm -rf dist', prepare: prepare, test: 'tap' },
});

let n = 0;
async function release(script: string, prepare: string, built: Record<string, string>) {
  const dir = join(root, `pkg-${++n}`);
  const repo = makeRepo(dir);
  repo.commit({
    'package.json': JSON.stringify(pkg(prepare), null, 2) + '\n',
    'scripts/fixup.sh': script,
    'src/index.ts': 'export const x = 1;\n',
    '.gitignore': 'dist/\n',
  });
  repo.tag('v4.1.0');
  writeFiles(dir, built);
  const packs = join(root, `packs-${n}`);
  mkdirSync(packs);
  const r = await verify({ tarball: npmPackIn(dir, packs, join(root, 'npm-cache')), repo: dir, cacheDir });
  return { verdict: r.verdict, at: (path: string) => r.findings.find((f) => f.path === path)! };
}

const PREPARE = 'tsc -p tsconfig.json && tsc -p tsconfig-esm.json && bash ./scripts/fixup.sh';

describe('here-documents of a script package.json runs', () => {
  it('the exact bytes of the here-document for that path: PACKAGE_METADATA (npm-script-heredoc), info', async () => {
    const r = await release(FIXUP, PREPARE, { 'dist/cjs/package.json': CJS, 'dist/mjs/package.json': MJS });
    expect(r.at('dist/cjs/package.json')).toMatchObject({ code: 'PACKAGE_METADATA', severity: 'info', evidence: { ecosystem: 'npm', kind: 'npm-script-heredoc', source: 'scripts/fixup.sh' } });
    expect(r.at('dist/mjs/package.json')).toMatchObject({ code: 'PACKAGE_METADATA', severity: 'info', evidence: { kind: 'npm-script-heredoc' } });
    expect(r.verdict).toBe('explained');
  }, 60_000);

  it('twins stay high: one byte changed, the other path\'s content, a script no package.json script runs', async () => {
    const r = await release(FIXUP, PREPARE, { 'dist/cjs/package.json': CJS.replace('commonjs', 'commonJs'), 'dist/mjs/package.json': CJS });
    expect(r.at('dist/cjs/package.json')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(r.at('dist/mjs/package.json')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    const r2 = await release(FIXUP, 'tsc -p tsconfig.json', { 'dist/cjs/package.json': CJS });
    expect(r2.at('dist/cjs/package.json')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(r2.verdict).toBe('different');
  }, 120_000);

  it('twin: a later command of the script that may rewrite the file leaves it unexplained', async () => {
    const r = await release(`${FIXUP}sed -i s/module/commonjs/ dist/mjs/package.json\n`, PREPARE, { 'dist/cjs/package.json': CJS, 'dist/mjs/package.json': MJS });
    expect(r.at('dist/cjs/package.json')).toMatchObject({ code: 'PACKAGE_METADATA', evidence: { kind: 'npm-script-heredoc' } });
    expect(r.at('dist/mjs/package.json')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  }, 60_000);
});

describe('heredocWrites / scriptInvocations (pure)', () => {
  it('reads literal cat here-documents, quoted or not, <<- with tabs, either redirection order', () => {
    const w = heredocWrites(`cat <<'E' > a/x.json\n$HOME\nE\ncat > ./b.txt <<-END\n\thello\n\tEND\n`);
    expect([...w]).toEqual([['a/x.json', '$HOME\n'], ['b.txt', 'hello\n']]);
  });

  it('drops writes it cannot know: an expanding body, a variable path, a second write, a cd, a later glob or rm of the directory', () => {
    expect(heredocWrites('cat >a.json <<EOF\n{"v": "$(node -p 1)"}\nEOF\n').size).toBe(0);
    expect(heredocWrites('cat >$OUT/a.json <<EOF\n{}\nEOF\n').size).toBe(0);
    expect(heredocWrites('cat >a.json <<EOF\n{}\nEOF\ncat >a.json <<EOF\n[]\nEOF\n').size).toBe(0);
    expect(heredocWrites('cd build\ncat >a.json <<EOF\n{}\nEOF\n').size).toBe(0);
    expect(heredocWrites('cat >d/a.json <<EOF\n{}\nEOF\nfor f in d/*; do :; done\n').size).toBe(0);
    expect(heredocWrites('cat >d/a.json <<EOF\n{}\nEOF\nrm -rf d\n').size).toBe(0);
    expect(heredocWrites('cat >d/a.json <<EOF\n{}\n').size).toBe(0); // unterminated
    expect([...heredocWrites('cat >d/a.json <<EOF\n{}\nEOF\nchmod 755 bin/x\n')]).toEqual([['d/a.json', '{}\n']]);
  });

  it('finds the scripts a package.json script runs, never across a cd', () => {
    expect(scriptInvocations('tsc && bash ./scripts/fixup.sh')).toEqual(['scripts/fixup.sh']);
    expect(scriptInvocations('sh -e build.sh arg; ./tools/post.sh')).toEqual(['build.sh', 'tools/post.sh']);
    expect(scriptInvocations('cd sub && bash ../fix.sh')).toEqual([]);
    expect(scriptInvocations('bash ../outside.sh')).toEqual([]);
    expect(scriptInvocations('node build.js')).toEqual([]);
  });
});
