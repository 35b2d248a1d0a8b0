/**
 * A repack made with git archive from a commit the upstream repository lacks (Debian's +ds import commit):
 * real git, real git archive. Medium when every content difference is explained, REVISION_MISMATCH (high)
 * when one is not.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verify } from '../../src/verify.js';
import { git, makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

describe('archive metadata naming a commit the repository lacks', () => {
  const root = tempDir();
  const up = makeRepo(join(root, 'upstream'));
  up.commit({ 'src/a.c': 'int a;\n', 'doc/blob.pdf': '%PDF-1.4 non-free\n', 'README': 'proj\n' });
  up.tag('1.0');
  const cache = join(root, 'cache');
  function repack(name: string, change: Record<string, string | null>): string {
    const dir = join(root, name);
    git(root, ['clone', '-q', up.dir, dir]);
    const r = { dir };
    for (const [p, c] of Object.entries(change)) {
      if (c === null) git(r.dir, ['rm', '-q', p]);
      else { execFileSync('sh', ['-c', `printf '%s' "$1" > "$2"`, 'sh', c, join(r.dir, p)]); git(r.dir, ['add', p]); }
    }
    git(r.dir, ['commit', '-q', '-m', 'Import upstream version 1.0+ds']);
    const out = join(root, `${name}.tar.gz`);
    execFileSync('sh', ['-c', `git archive --format=tar --prefix=proj-1.0/ HEAD | gzip -n > "${out}"`], { cwd: r.dir });
    return out;
  }

  it('files removed, nothing added or changed: METADATA_COMMIT_UNKNOWN (medium), the gate passes', async () => {
    const r = await verify({ tarball: repack('ds', { 'doc/blob.pdf': null }), repo: up.dir, tag: '1.0', cacheDir: cache });
    const f = r.findings.find((x) => x.path === 'pax_global_header');
    expect(f).toMatchObject({ code: 'METADATA_COMMIT_UNKNOWN', severity: 'medium', evidence: { source: 'pax-header', tag: '1.0' } });
    expect(r.findings.some((x) => x.code === 'REVISION_MISMATCH')).toBe(false);
    expect(r.verdict).not.toBe('different');
  });

  it('a changed source file as well: REVISION_MISMATCH stays high', async () => {
    const r = await verify({ tarball: repack('changed', { 'doc/blob.pdf': null, 'src/a.c': 'int a = 1;\n' }), repo: up.dir, tag: '1.0', cacheDir: cache });
    expect(r.findings.find((x) => x.path === 'pax_global_header')).toMatchObject({ code: 'REVISION_MISMATCH', severity: 'high', evidence: { inRepo: false } });
    expect(r.verdict).toBe('different');
  });
});
