import { describe, expect, it } from 'vitest';
import { blobIndexFrom, bundledBlobIndex, createBlobIndexClassifier } from '../../src/classify/upstream-blobs.js';
import { blobId, computeDiffs, makeCtx } from './ctx-helper.js';

const initSh = '#!/bin/sh\n# init.sh -- test framework (a stand-in for gnulib tests/init.sh)\nfail_() { echo "$@"; exit 1; }\n';
const index = blobIndexFrom([
  { project: 'gnulib', path: 'tests/init.sh', oid: blobId(initSh) },
  { project: 'gnulib', path: 'lib/xalloc.h', oid: blobId('/* xalloc.h v1 */\n') },
  { project: 'gnulib', path: 'lib/xalloc.h', oid: blobId('/* xalloc.h v2 */\n') },
]);
const classifier = createBlobIndexClassifier(() => index);

describe('blob index classifier (gnulib/gettext/libtool files copied wholesale)', () => {
  it('explains a tarball-only copy of any historical version under the same name, wherever the project put it', async () => {
    const tarball = { 'gnulib-tests/init.sh': initSh, 'lib/xalloc.h': '/* xalloc.h v1 */\n' };
    const ctx = makeCtx({ git: {}, tarball });
    const found = await Promise.all(ctx.diffs.map((d) => classifier.classify(d, ctx)));
    expect(found).toEqual([
      { code: 'UPSTREAM_COPY', path: 'gnulib-tests/init.sh', severity: 'info', evidence: { match: 'exact', upstream: { project: 'gnulib', file: 'tests/init.sh' }, others: 0 } },
      { code: 'UPSTREAM_COPY', path: 'lib/xalloc.h', severity: 'info', evidence: { match: 'exact', upstream: { project: 'gnulib', file: 'lib/xalloc.h' }, others: 0 } },
    ]);
  });

  it('needs the same base name, the same bytes, and leaves git-only files alone', async () => {
    const ctx = makeCtx({ git: { 'lib/gone.h': 'x\n' }, tarball: { 'tests/payload.bin': initSh, 'lib/xalloc.h': '/* xalloc.h v3 */\n' } });
    for (const d of ctx.diffs) expect(await classifier.classify(d, ctx)).toBeUndefined();
  });

  it('explains a tracked file the tarball replaced by an upstream version (content change)', async () => {
    const [d] = computeDiffs({ 'lib/xalloc.h': '/* local */\n' }, { 'lib/xalloc.h': '/* xalloc.h v2 */\n' });
    expect(await classifier.classify(d!, makeCtx({ git: {}, tarball: {} }))).toMatchObject({ code: 'UPSTREAM_COPY', path: 'lib/xalloc.h' });
  });

  it('the bundled index is built from gnulib, gettext, libtool, automake and autoconf', () => {
    const idx = bundledBlobIndex();
    expect(idx).not.toBeNull();
    expect(idx!.size).toBeGreaterThan(100_000);
    expect(idx!.lookup('0'.repeat(40))).toBeUndefined();
    expect(idx!.lookup('not an id')).toBeUndefined();
  });
});
