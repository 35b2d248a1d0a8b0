/**
 * The scan's decoder starts while the revision resolves (src/pipeline/scan.ts). Which error a run reports must
 * not depend on which of the two finishes first: a revision error wins over an archive error (as when the
 * revision was resolved before the scan started), an archive error is reported when the revision is fine, and
 * a good archive with a good tag gives the same result whether or not the tag is given.
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DistdiffError } from '../../src/core/errors.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-scan-start-');
const cache = join(root, 'cache');
const FILES: Record<string, string> = { 'README': 'demo\n', 'src/main.c': 'int main(void) { return 0; }\n', 'configure.ac': 'AC_INIT([demo], [1.0])\n' };
let good = '';
let truncated = '';
let repo = '';

beforeAll(() => {
  repo = join(root, 'repo');
  const r = makeRepo(repo);
  r.commit(FILES);
  r.tag('v1.0', { message: 'demo 1.0' });
  const dir = join(root, 'rel', 'demo-1.0');
  for (const [p, c] of Object.entries(FILES)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  // Enough content that the xz stream has something to cut.
  writeFileSync(join(dir, 'data.bin'), Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251)));
  good = makeTar(dir, { compress: 'xz', out: join(root, 'demo-1.0.tar.xz') });
  const bytes = readFileSync(good);
  truncated = join(root, 'cut', 'demo-1.0.tar.xz');
  mkdirSync(join(root, 'cut'), { recursive: true });
  writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
}, 60_000);

async function failure(p: Promise<unknown>): Promise<DistdiffError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(DistdiffError);
  return e as DistdiffError;
}

describe('the scan starts while the revision resolves', () => {
  it('an unknown tag and a truncated archive: the tag error', async () => {
    const e = await failure(verify({ tarball: truncated, repo, tag: 'v9.9', cacheDir: cache, regenerate: 'off' }));
    expect([e.kind, e.input, e.message]).toEqual(['revision', 'v9.9', `no tag named "v9.9" in ${repo}`]);
  });

  it('an unknown tag and a good archive: the tag error', async () => {
    const e = await failure(verify({ tarball: good, repo, tag: 'v9.9', cacheDir: cache, regenerate: 'off' }));
    expect([e.kind, e.input]).toEqual(['revision', 'v9.9']);
  });

  it('a good tag and a truncated archive: the archive error', async () => {
    const e = await failure(verify({ tarball: truncated, repo, tag: 'v1.0', cacheDir: cache, regenerate: 'off' }));
    expect([e.kind, e.input]).toEqual(['archive', truncated]);
    expect(e.message).toMatch(/^xz data is corrupt or truncated/);
  });

  it('a good archive: the same findings with the tag given or inferred from the name', async () => {
    const given = await verify({ tarball: good, repo, tag: 'v1.0', cacheDir: cache, regenerate: 'off' });
    const inferred = await verify({ tarball: good, repo, cacheDir: cache, regenerate: 'off' });
    expect(given.findings.map((f) => [f.path, f.code])).toEqual([['data.bin', 'TARBALL_ONLY_UNEXPLAINED']]);
    expect(inferred.findings).toEqual(given.findings);
    expect(inferred.inputs.revision.commit).toBe(given.inputs.revision.commit);
    expect(inferred.inputs.revision.how).toBe('inferred');
  });
});
