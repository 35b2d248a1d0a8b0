import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadKeyring, splitSignedTag, verifyDetachedSignature, verifyTagSignature, type Keyring } from '../../src/acquire/signature.js';
import { DistdiffError } from '../../src/core/errors.js';
import { git, makeRepo } from '../helpers/git.js';
import { makeGpgHome, signedTag, type GpgHome } from '../helpers/gpg.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('distdiff-sig-');
let gpg: GpgHome;
let alice: string; // ed25519, no expiry
let mallory: string; // ed25519, not in the keyring
let rsa: string; // rsa2048, for the SHA-1 case
let old: string; // created 2020, expired 2021
const data = join(dir, 'hello-1.0.tar.gz');
let keyring: string;
let keys: Keyring;

beforeAll(() => {
  gpg = makeGpgHome(dir);
  alice = gpg.genKey('Alice Release <alice@example.org>');
  mallory = gpg.genKey('Mallory <mallory@example.org>');
  rsa = gpg.genKey('Rsa Signer <rsa@example.org>', 'rsa2048');
  old = gpg.genKey('Old Key <old@example.org>', 'ed25519', '1y', '20200101T000000');
  writeFileSync(data, Buffer.concat([Buffer.from('release bytes\n'), Buffer.alloc(300_000, 7)]));
  keyring = gpg.exportKeys(join(dir, 'keys.gpg'), [alice, rsa, old]);
});

const base = () => ({ source: 'sig', keyring });

describe('loadKeyring', () => {
  it('reads binary and armored exports, several keys', async () => {
    keys = await loadKeyring(keyring);
    expect(keys.map((k) => k.getFingerprint().toUpperCase()).sort()).toEqual([alice, rsa, old].sort());
    const armored = gpg.exportKeys(join(dir, 'keys.asc'), [alice, mallory], true);
    expect((await loadKeyring(armored)).map((k) => k.getFingerprint().toUpperCase()).sort()).toEqual([alice, mallory].sort());
  });

  it('accepts two concatenated armored exports', async () => {
    const a = gpg.run(['--armor', '--export', alice]);
    const b = gpg.run(['--armor', '--export', rsa]);
    const f = join(dir, 'two.asc');
    writeFileSync(f, Buffer.concat([a, b]));
    expect((await loadKeyring(f)).length).toBe(2);
  });

  it('refuses a missing file, garbage and a keybox with one-line errors', async () => {
    await expect(loadKeyring(join(dir, 'nope.gpg'))).rejects.toMatchObject({ kind: 'not-found', message: 'no such keyring file' });
    const junk = join(dir, 'junk.gpg');
    writeFileSync(junk, 'hello, not a key\n');
    await expect(loadKeyring(junk)).rejects.toMatchObject({ kind: 'config' });
    await expect(loadKeyring(junk)).rejects.toThrow(/^not an OpenPGP keyring/);
    const kbx = join(dir, 'pubring.kbx');
    writeFileSync(kbx, Buffer.concat([Buffer.from([0, 0, 0, 32, 1, 1, 0, 0]), Buffer.from('KBXf'), Buffer.alloc(20)]));
    await expect(loadKeyring(kbx)).rejects.toThrow('this is a GnuPG keybox (pubring.kbx), not an OpenPGP keyring');
  });
});

describe('verifyDetachedSignature', () => {
  it('binary .sig by a key in the keyring: valid, with fingerprint, user id, creation time and digest', async () => {
    const sig = gpg.sign(data, alice, join(dir, 'a.sig'));
    const r = await verifyDetachedSignature(data, readFileSync(sig), keys, base());
    expect(r).toMatchObject({ status: 'valid', fingerprint: alice, keyId: alice.slice(-16), userId: 'Alice Release <alice@example.org>', hashAlgorithm: 'SHA256' });
    expect(r.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    expect(r.keyExpired).toBeUndefined();
    expect(r.reason).toBeUndefined();
  });

  it('armored .asc: valid', async () => {
    const sig = gpg.sign(data, alice, join(dir, 'a.asc'), { armor: true });
    expect(readFileSync(sig, 'latin1')).toContain('-----BEGIN PGP SIGNATURE-----');
    const r = await verifyDetachedSignature(data, readFileSync(sig), keys, base());
    expect(r.status).toBe('valid');
    expect(r.fingerprint).toBe(alice);
  });

  it('a tampered archive (one byte changed) is invalid, still naming the key', async () => {
    const sig = readFileSync(join(dir, 'a.sig'));
    const bad = join(dir, 'tampered.tar.gz');
    const bytes = readFileSync(data);
    bytes[200_000] ^= 1;
    writeFileSync(bad, bytes);
    const r = await verifyDetachedSignature(bad, sig, keys, base());
    expect(r.status).toBe('invalid');
    expect(r.fingerprint).toBe(alice);
    expect(r.reason).toMatch(/digest did not match/i);
  });

  it('a signature by a key outside the keyring is unknown-key, with the issuer key id only', async () => {
    const sig = gpg.sign(data, mallory, join(dir, 'm.sig'));
    const r = await verifyDetachedSignature(data, readFileSync(sig), keys, base());
    expect(r.status).toBe('unknown-key');
    expect(r.keyId).toBe(mallory.slice(-16));
    expect(r.fingerprint).toBeUndefined();
  });

  it('a SHA-1 signature (RSA key) is refused as weak', async () => {
    const sig = gpg.sign(data, rsa, join(dir, 'r1.sig'), { digest: 'SHA1' });
    const r = await verifyDetachedSignature(data, readFileSync(sig), keys, base());
    expect(r).toMatchObject({ status: 'weak-algorithm', hashAlgorithm: 'SHA1', fingerprint: rsa });
    expect(r.reason).toBe('Insecure message hash algorithm: SHA1');
    const ok = gpg.sign(data, rsa, join(dir, 'r256.sig'), { digest: 'SHA256' });
    expect((await verifyDetachedSignature(data, readFileSync(ok), keys, base())).status).toBe('valid');
  });

  it('a key that expired after signing: valid (as gpgv), expiry reported', async () => {
    const sig = gpg.sign(data, old, join(dir, 'old.sig'), { fakedTime: '20200601T000000' });
    const r = await verifyDetachedSignature(data, readFileSync(sig), keys, base());
    expect(r.status).toBe('valid');
    expect(r.created).toBe('2020-06-01T00:00:00.000Z');
    // The key's own expiry as gpg records it (field 7 of the pub line: seconds since the epoch), to the second.
    const pub = gpg.run(['--with-colons', '--list-keys', old]).toString().split('\n').find((l) => l.startsWith('pub:'))!.split(':');
    expect(Number(pub[6]) - Number(pub[5])).toBe(365 * 86400);
    expect(r.keyExpired).toBe(new Date(Number(pub[6]) * 1000).toISOString());
  });

  it('two signatures in one file: the valid one is reported', async () => {
    const both = Buffer.concat([readFileSync(join(dir, 'm.sig')), readFileSync(join(dir, 'a.sig'))]);
    const r = await verifyDetachedSignature(data, both, keys, base());
    expect(r.status).toBe('valid');
    expect(r.fingerprint).toBe(alice);
  });

  it('a file that is not a signature is a usage error', async () => {
    await expect(verifyDetachedSignature(data, Buffer.from('not a signature'), keys, base())).rejects.toBeInstanceOf(DistdiffError);
    await expect(verifyDetachedSignature(data, Buffer.from('not a signature'), keys, base())).rejects.toThrow(/^not an OpenPGP signature/);
  });
});

describe('splitSignedTag', () => {
  it('splits payload and signature at the last marker line and reads the headers', () => {
    const raw = Buffer.from(
      'object 0123\ntype commit\ntag v1\ntagger A <a@b> 1 +0000\n\nmessage\n-----BEGIN PGP SIGNATURE-----\nquoted\n-----END PGP SIGNATURE-----\n-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n',
    );
    const s = splitSignedTag(raw);
    expect(s.format).toBe('pgp');
    expect(s.headers.get('tag')).toBe('v1');
    expect(s.headers.get('object')).toBe('0123');
    expect(s.signature).toBe('-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n');
    expect(s.payload.toString()).toBe(
      'object 0123\ntype commit\ntag v1\ntagger A <a@b> 1 +0000\n\nmessage\n-----BEGIN PGP SIGNATURE-----\nquoted\n-----END PGP SIGNATURE-----\n',
    );
    expect(splitSignedTag(Buffer.from('object 1\ntag v\n\nno sig\n')).signature).toBeUndefined();
    expect(splitSignedTag(Buffer.from('object 1\ntag v\n\nm\n-----BEGIN SSH SIGNATURE-----\nx\n')).format).toBe('ssh');
  });
});

describe('verifyTagSignature', () => {
  let repoDir: string;
  let gitDir: string;
  let commit: string;
  beforeAll(() => {
    const r = makeRepo(join(dir, 'repo'));
    repoDir = r.dir;
    gitDir = join(repoDir, '.git');
    commit = r.commit({ 'hello.c': 'int main(void) { return 0; }\n' });
    signedTag(repoDir, gpg, alice, 'v1.0');
    signedTag(repoDir, gpg, mallory, 'v1.0-m');
    r.tag('v1.0-plain', { message: 'annotated, unsigned' });
    r.tag('v1.0-light');
    // v2.0: a signed tag object whose message was edited afterwards (signature kept).
    signedTag(repoDir, gpg, alice, 'v2.0');
    const raw = git(repoDir, ['cat-file', 'tag', 'v2.0']) + '\n';
    const forged = raw.replace('release v2.0', 'release v2.0 (fixed)');
    const oid = execFileSync('git', ['hash-object', '-t', 'tag', '-w', '--stdin'], { cwd: repoDir, input: forged }).toString().trim();
    git(repoDir, ['update-ref', 'refs/tags/v2.0', oid]);
    // v3.0: the ref points at the validly signed tag object of v1.0 (a renamed tag).
    git(repoDir, ['update-ref', 'refs/tags/v3.0', git(repoDir, ['rev-parse', 'refs/tags/v1.0'])]);
  });

  it('valid signed tag', async () => {
    const r = await verifyTagSignature(gitDir, 'v1.0', commit, keys, keyring);
    expect(r).toMatchObject({ status: 'valid', source: 'tag v1.0', fingerprint: alice, userId: 'Alice Release <alice@example.org>' });
  });

  it('edited tag message: invalid', async () => {
    const r = await verifyTagSignature(gitDir, 'v2.0', commit, keys, keyring);
    expect(r.status).toBe('invalid');
    expect(r.fingerprint).toBe(alice);
  });

  it('signed by a key outside the keyring: unknown-key', async () => {
    expect((await verifyTagSignature(gitDir, 'v1.0-m', commit, keys, keyring)).status).toBe('unknown-key');
  });

  it('unsigned annotated and lightweight tags: unsigned, saying which', async () => {
    expect(await verifyTagSignature(gitDir, 'v1.0-plain', commit, keys, keyring)).toMatchObject({ status: 'unsigned', reason: 'annotated tag v1.0-plain carries no signature' });
    expect(await verifyTagSignature(gitDir, 'v1.0-light', commit, keys, keyring)).toMatchObject({
      status: 'unsigned',
      reason: 'v1.0-light is a lightweight tag (no tag object, nothing signed)',
    });
  });

  it('a signed tag object under another ref name, or for another commit: wrong-tag', async () => {
    expect(await verifyTagSignature(gitDir, 'v3.0', commit, keys, keyring)).toMatchObject({
      status: 'wrong-tag',
      reason: 'the signed tag object is named "v1.0", not "v3.0"',
    });
    const other = '0'.repeat(40);
    expect((await verifyTagSignature(gitDir, 'v1.0', other, keys, keyring)).status).toBe('wrong-tag');
  });
});
