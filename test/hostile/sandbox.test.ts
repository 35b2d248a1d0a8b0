/**
 * What distdiff touches while handling hostile inputs: the CLI runs with HOME, TMPDIR and XDG_CACHE_HOME under
 * one temp root, a PATH holding ONLY logging wrappers for git, xz, zstd and bzip2 (every other command name
 * distdiff could plausibly call — tar, unzip, gzip, sh, curl, make, … — is absent), and a fresh empty cwd.
 * Afterwards: the wrapper log names only those tools, no file appeared outside the cache directory, the cwd
 * is still empty, and none of the traps in the hostile repository left a marker.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compressFile, rawTarEntry } from '../helpers/archives.js';
import { git } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { makeFixtureRepo, runCli, writePkgTar, type CliRun } from './helpers.js';

const root = tempDir('distdiff-hostile-sandbox-');
const home = join(root, 'home');
const tmp = join(root, 'tmp');
const xdg = join(root, 'xdg-cache');
const bin = join(root, 'bin');
const cwd = join(root, 'cwd');
const inputs = join(root, 'inputs');
const markers = join(root, 'markers');
const log = join(root, 'spawn.log');
const ALLOWED = ['git', 'xz', 'zstd', 'bzip2'];

function listing(d: string): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    for (const e of readdirSync(p, { withFileTypes: true })) {
      const full = join(p, e.name);
      out.push(relative(root, full) + (e.isDirectory() ? '/' : ` ${statSync(full).size}`));
      if (e.isDirectory()) walk(full);
    }
  };
  walk(d);
  return out.sort();
}

function which(cmd: string): string {
  return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim();
}

let env: NodeJS.ProcessEnv;
let repoDir: string;
const files: Record<string, string> = {};

beforeAll(() => {
  for (const d of [home, tmp, xdg, bin, cwd, inputs, markers]) mkdirSync(d, { recursive: true });
  for (const tool of ALLOWED) {
    const real = which(tool);
    writeFileSync(join(bin, tool), `#!/bin/sh\necho "${tool} $*" >> '${log}'\nexec '${real}' "$@"\n`);
    chmodSync(join(bin, tool), 0o755);
  }
  writeFileSync(log, '');
  // A repository with armed traps (config set after the commit).
  const fx = makeFixtureRepo(join(inputs, 'repo'));
  repoDir = fx.repo.dir;
  for (const [k, v] of [
    ['core.fsmonitor', `touch ${markers}/fsmonitor`],
    ['core.pager', `touch ${markers}/pager`],
    ['diff.external', `touch ${markers}/diff`],
  ]) git(repoDir, ['config', k!, v!]);
  mkdirSync(join(repoDir, '.git', 'hooks'), { recursive: true });
  writeFileSync(join(repoDir, '.git', 'hooks', 'post-checkout'), `#!/bin/sh\ntouch ${markers}/hook\n`);
  chmodSync(join(repoDir, '.git', 'hooks', 'post-checkout'), 0o755);
  // Hostile archive entries that an extracting tool would write outside its directory.
  const extra = [
    rawTarEntry(`/${root}/escaped-absolute`, 'x\n'),
    rawTarEntry('hello-1.0/../../escaped-dotdot', 'x\n'),
    rawTarEntry('hello-1.0/link', '', { type: '2', linkname: root }),
    rawTarEntry('hello-1.0/link/escaped-through-link', 'x\n'),
  ];
  const tar = writePkgTar(join(inputs, 'hello-1.0.tar'), extra);
  files.tar = tar;
  files.xz = compressFile(tar, 'xz');
  files.zst = compressFile(tar, 'zstd');
  files.bz2 = compressFile(tar, 'bzip2');
  files.gz = compressFile(tar, 'gzip');
  env = {
    PATH: bin,
    HOME: home,
    TMPDIR: tmp,
    XDG_CACHE_HOME: xdg,
    NO_COLOR: '1',
    LANG: 'C',
  };
});

describe('sandbox: spawned tools and written files', () => {
  it('runs only git and the decompressors, writes only inside the cache, leaves cwd empty, runs no trap', async () => {
    const before = listing(root).filter((l) => !l.startsWith('spawn.log'));
    const runs: CliRun[] = [];
    for (const f of [files.tar!, files.xz!, files.zst!, files.bz2!, files.gz!]) {
      runs.push(await runCli([f, '--repo', repoDir, '--tag', 'v1.0'], { cwd, env }));
    }
    // a clone into the default cache ($XDG_CACHE_HOME/distdiff) over file://
    runs.push(await runCli([files.xz!, '--repo', `file://${repoDir}`, '--tag', 'v1.0'], { cwd, env }));
    for (const r of runs) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1); // critical UNSAFE_PATH findings
      expect(r.json!.findings.map((f) => f.code)).toContain('UNSAFE_PATH');
    }

    const used = new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => l.split(' ')[0]!));
    // The wrappers were really used (so this check can fail) and nothing else was found on PATH.
    expect([...used].sort()).toEqual(['bzip2', 'git', 'xz', 'zstd']);

    const after = listing(root).filter((l) => !l.startsWith('spawn.log'));
    const added = after.filter((l) => !before.includes(l));
    const outside = added.filter((l) => !l.startsWith('xdg-cache/distdiff'));
    expect(outside).toEqual([]);
    expect(added.some((l) => l.startsWith('xdg-cache/distdiff/'))).toBe(true); // the file:// clone
    expect(readdirSync(cwd)).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);
    expect(readdirSync(home)).toEqual([]);
    expect(readdirSync(markers)).toEqual([]);
    for (const name of ['escaped-absolute', 'escaped-dotdot', 'escaped-through-link']) {
      expect(existsSync(join(root, name))).toBe(false);
      expect(existsSync(join(root, '..', name))).toBe(false);
    }
  });
});
