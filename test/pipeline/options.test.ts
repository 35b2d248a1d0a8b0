/**
 * Option checking lives in verify(): a library caller gets the same DistdiffError the CLI prints, before
 * anything is read, downloaded or cloned (the tarball and repository named here do not exist, so any
 * later stage would fail differently).
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verify, type VerifyOptions } from '../../src/verify.js';
import { failure } from '../helpers/errors.js';
import { tempDir } from '../helpers/tmp.js';

const root = resolve(__dirname, '../..');
const cache = tempDir();
const base: VerifyOptions = { tarball: join(cache, 'absent.tar.gz'), repo: join(cache, 'absent.git'), cacheDir: cache };

async function usage(opts: Partial<VerifyOptions>): Promise<string> {
  const e = await failure(verify({ ...base, ...opts } as VerifyOptions));
  expect(e.kind).toBe('usage');
  return e.oneLine();
}

describe('verify() checks its options', () => {
  it('a sha256 that is not 64 hex digits', async () => {
    expect(await usage({ sha256: 'xyz' })).toBe('--sha256 xyz: not a sha256 digest; give 64 hexadecimal digits');
  });
  it('a gitHead that is not a full commit id', async () => {
    expect(await usage({ gitHead: 'abc123' })).toBe('--git-head abc123: not a full commit id; give the 40 (or 64) hexadecimal digits of the commit');
  });
  it('a gate that is not a severity', async () => {
    expect(await usage({ failOn: 'severe' as never })).toBe('--fail-on severe: not a severity; use one of critical, high, medium, low, info');
  });
  it('a profile that does not exist', async () => {
    expect(await usage({ profile: 'maven' as never })).toBe('--profile maven: not a profile; use one of auto, autotools, npm, pypi, wheel, crate, cpan, forge, none');
  });
  it('limits that are not positive numbers (NaN would disable the guard)', async () => {
    expect(await usage({ limits: { maxRatio: Number.NaN } })).toBe('--max-ratio NaN: not a positive number; give a positive limit (see README "Limits")');
    expect(await usage({ limits: { maxEntries: 0 } })).toBe('--max-entries 0: not a positive number; give a positive limit (see README "Limits")');
    expect(await usage({ limits: { timeoutMs: -1000 } })).toBe('--timeout -1: not a positive number; give a positive limit (see README "Limits")');
    expect(await usage({ limits: { maxRetainTotal: -1 } })).toBe('maxRetainTotal -1: not a number ≥ 0; give a positive limit (see README "Limits")');
  });
  it('a keyring with nothing to verify, a signature without keys', async () => {
    expect(await usage({ keyring: 'k.gpg' })).toBe('--keyring k.gpg: nothing to verify with the keyring; add --signature FILE|URL and/or --verify-tag');
    expect(await usage({ signature: 's.asc' })).toBe('--signature s.asc: a signature check needs the signer keys; add --keyring FILE (made with gpg --export KEYID)');
  });
  it('valid options reach the next stage (the missing archive), which fails as not-found', async () => {
    const e = await failure(verify({ ...base, sha256: 'a'.repeat(64), failOn: 'low', limits: { maxRetainTotal: 0 } }));
    expect(e.kind).toBe('not-found');
  });
});

describe('the CLI prints the same lines', () => {
  const run = (args: string[]) => spawnSync(process.execPath, [join(root, 'dist/cli.js'), ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  it('--sha256 xyz → exit 2, one line', () => {
    const r = run([base.tarball, '--repo', base.repo!, '--cache-dir', cache, '--sha256', 'xyz']);
    expect([r.status, r.stdout, r.stderr]).toEqual([2, '', 'distdiff: --sha256 xyz: not a sha256 digest; give 64 hexadecimal digits\n']);
  });
  it('--max-ratio abc (yargs makes it NaN) → exit 2 instead of a disabled guard', () => {
    const r = run([base.tarball, '--repo', base.repo!, '--cache-dir', cache, '--max-ratio', 'abc']);
    expect([r.status, r.stdout, r.stderr]).toEqual([2, '', 'distdiff: --max-ratio NaN: not a positive number; give a positive limit (see README "Limits")\n']);
  });
});
