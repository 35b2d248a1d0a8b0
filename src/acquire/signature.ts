/**
 * OpenPGP authenticity checks with the `openpgp` package (pure JavaScript, no system gpg):
 *
 * - `verifyDetachedSignature`: a detached `.sig` (binary) or `.asc` (armored) signature over a file's
 *   bytes, streamed (the file is read once more after acquisition; see README "Signatures and checksums");
 * - `verifyTagSignature`: the signature carried inline by an annotated tag object (`git cat-file tag`),
 *   checked over the tag's payload. `git verify-tag` is deliberately not used: it runs the program named
 *   by the repository's `gpg.program`, and nothing a repository names is ever executed.
 *
 * Both return a SignatureReport with any status; callers decide what a non-valid status means
 * (verify.ts stops with exit 2). Policy is openpgp 6's default: SHA-1/MD5/RIPEMD digests, DSA and
 * ElGamal keys, RSA below 2047 bits are refused ('weak-algorithm'). A key that expired after making
 * the signature is accepted, as gpgv does, and reported in `keyExpired`.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type * as openpgp from 'openpgp';

/** openpgp is loaded only when a signature is checked (it is most of distdiff's start-up time otherwise). */
const loadOpenpgp = () => import('openpgp');
import { DistdiffError } from '../core/errors.js';
import type { SignatureReport, SignatureStatus } from '../core/result.js';
import { GitCommandError, runGit, runGitText } from '../git/run.js';

export type Keyring = openpgp.PublicKey[];

const ARMOR_KEY = /-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----[\s\S]*?-----END PGP \1 KEY BLOCK-----/g;

/** Reads an OpenPGP keyring file: binary (`gpg --export`) or armored (`gpg --armor --export`), one or more keys. */
export async function loadKeyring(path: string): Promise<Keyring> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DistdiffError('not-found', path, code === 'ENOENT' ? 'no such keyring file' : `cannot read the keyring (${code ?? 'error'})`, 'pass a file made with gpg --export KEYID');
  }
  const hint = 'export the release keys with: gpg --export KEYID > keys.gpg (or --armor)';
  if (bytes.length >= 12 && bytes.subarray(8, 12).toString('latin1') === 'KBXf') {
    throw new DistdiffError('config', path, 'this is a GnuPG keybox (pubring.kbx), not an OpenPGP keyring', hint);
  }
  const keys: openpgp.Key[] = [];
  try {
    const text = bytes.toString('latin1');
    if (text.includes('-----BEGIN PGP ')) {
      const blocks = text.match(ARMOR_KEY) ?? [];
      if (blocks.length === 0) throw new Error('no armored key block');
      for (const b of blocks) keys.push(...(await (await loadOpenpgp()).readKeys({ armoredKeys: b })));
    } else {
      keys.push(...(await (await loadOpenpgp()).readKeys({ binaryKeys: bytes })));
    }
  } catch (e) {
    throw new DistdiffError('config', path, `not an OpenPGP keyring: ${oneLine(e)}`, hint);
  }
  if (keys.length === 0) throw new DistdiffError('config', path, 'the keyring holds no keys', hint);
  return keys.map((k) => k.toPublic());
}

/** Parses a detached signature: armored (`-----BEGIN PGP SIGNATURE-----`) or binary. */
export async function readSignature(bytes: Buffer, input: string): Promise<openpgp.Signature> {
  try {
    const text = bytes.subarray(0, 4096).toString('latin1');
    if (text.includes('-----BEGIN PGP SIGNATURE-----')) return await (await loadOpenpgp()).readSignature({ armoredSignature: bytes.toString('latin1') });
    return await (await loadOpenpgp()).readSignature({ binarySignature: bytes });
  } catch (e) {
    throw new DistdiffError('usage', input, `not an OpenPGP signature: ${oneLine(e)}`, 'pass the detached .sig or .asc file published with the archive');
  }
}

function oneLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0]!.replace(/^Error( [a-z]+)*: /i, '').slice(0, 200);
}

function statusFromError(message: string): SignatureStatus {
  const m = message.toLowerCase();
  if (m.includes('could not find signing key')) return 'unknown-key';
  if (m.includes('too weak') || m.includes('insecure') || m.includes('considered too weak') || m.includes('rejected') || m.includes('unsupported')) return 'weak-algorithm';
  if (m.includes('revoked')) return 'revoked-key';
  if (m.includes('expired')) return 'expired-key';
  return 'invalid';
}

type VerificationResult = Awaited<ReturnType<typeof openpgp.verify>>['signatures'][number];

/** RFC 9580 hash algorithm ids. */
const HASH_NAMES: Record<number, string> = { 1: 'MD5', 2: 'SHA1', 3: 'RIPEMD160', 8: 'SHA256', 9: 'SHA384', 10: 'SHA512', 11: 'SHA224', 12: 'SHA3-256', 14: 'SHA3-512' };

/** Worst-first preference when several signatures are present and none is valid. */
const FAILURE_RANK: SignatureStatus[] = ['invalid', 'revoked-key', 'expired-key', 'weak-algorithm', 'unknown-key'];

async function describe(
  verification: VerificationResult,
  sig: openpgp.Signature,
  keys: Keyring,
  base: { source: string; keyring: string },
): Promise<SignatureReport> {
  const keyId = verification.keyID.toHex().toUpperCase();
  const packet = sig.packets.find((p) => p.issuerKeyID.equals(verification.keyID)) ?? sig.packets[0];
  const created = packet?.created ? packet.created.toISOString() : undefined;
  const hashAlgorithm = packet && packet.hashAlgorithm !== null ? (HASH_NAMES[packet.hashAlgorithm] ?? `hash ${packet.hashAlgorithm}`) : undefined;
  const report: SignatureReport = { status: 'valid', ...base, keyId, ...(created ? { created } : {}), ...(hashAlgorithm ? { hashAlgorithm } : {}) };
  const key = keys.find((k) => k.getKeys(verification.keyID).length > 0);
  if (key) {
    report.fingerprint = key.getFingerprint().toUpperCase();
    const sub = key.getKeys(verification.keyID)[0]!;
    const subFpr = sub.getFingerprint().toUpperCase();
    if (subFpr !== report.fingerprint) report.signingKeyFingerprint = subFpr;
    try {
      const primary = await key.getPrimaryUser(packet?.created ?? undefined);
      const uid = primary.user.userID?.userID;
      if (uid) report.userId = uid;
    } catch {
      const uid = key.users.find((u) => u.userID)?.userID?.userID;
      if (uid) report.userId = uid;
    }
  }
  try {
    await verification.verified;
  } catch (e) {
    report.status = statusFromError(oneLine(e));
    report.reason = oneLine(e);
    return report;
  }
  if (key) {
    const exp = await key.getExpirationTime().catch(() => null);
    if (exp instanceof Date && exp.getTime() <= Date.now()) report.keyExpired = exp.toISOString();
  }
  return report;
}

async function verifyMessage(
  message: openpgp.Message<Uint8Array | ReadableStream<Uint8Array>>,
  sig: openpgp.Signature,
  keys: Keyring,
  base: { source: string; keyring: string },
  drain: boolean,
): Promise<SignatureReport> {
  let result;
  try {
    result = await (await loadOpenpgp()).verify({ message, signature: sig, verificationKeys: keys, format: 'binary' });
  } catch (e) {
    return { status: 'malformed', ...base, reason: oneLine(e) };
  }
  if (drain) {
    const reader = (result.data as unknown as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
  }
  const reports: SignatureReport[] = [];
  for (const v of result.signatures) reports.push(await describe(v, sig, keys, base));
  const valid = reports.find((r) => r.status === 'valid');
  if (valid) return valid;
  reports.sort((a, b) => FAILURE_RANK.indexOf(a.status) - FAILURE_RANK.indexOf(b.status));
  return reports[0] ?? { status: 'malformed', ...base, reason: 'the signature file holds no signature' };
}

/**
 * Verifies a detached signature over the bytes of `dataPath`, streaming the file. When the signature
 * file holds several signatures, the first valid one is reported (else the most serious failure).
 */
export async function verifyDetachedSignature(
  dataPath: string,
  signature: Buffer,
  keys: Keyring,
  base: { source: string; keyring: string },
): Promise<SignatureReport> {
  const sig = await readSignature(signature, base.source);
  const stream = Readable.toWeb(createReadStream(dataPath, { highWaterMark: 1 << 20 })) as unknown as ReadableStream<Uint8Array>;
  const message = await (await loadOpenpgp()).createMessage({ binary: stream });
  return verifyMessage(message, sig, keys, base, true);
}

const SIG_MARKERS: [string, 'pgp' | 'ssh' | 'x509'][] = [
  ['-----BEGIN PGP SIGNATURE-----', 'pgp'],
  ['-----BEGIN PGP MESSAGE-----', 'pgp'],
  ['-----BEGIN SSH SIGNATURE-----', 'ssh'],
  ['-----BEGIN SIGNED MESSAGE-----', 'x509'],
];

export interface SplitTag {
  /** The signed bytes: the tag object up to the signature. */
  payload: Buffer;
  signature?: string;
  format?: 'pgp' | 'ssh' | 'x509';
  headers: Map<string, string>;
}

/**
 * Splits a raw tag object (`git cat-file tag`) into payload and trailing signature, as git does: the
 * signature starts at the last line that begins with a signature marker.
 */
export function splitSignedTag(raw: Buffer): SplitTag {
  const headers = new Map<string, string>();
  const text = raw.toString('latin1');
  const headerEnd = text.indexOf('\n\n');
  for (const line of text.slice(0, headerEnd === -1 ? text.length : headerEnd).split('\n')) {
    const sp = line.indexOf(' ');
    if (sp > 0 && !headers.has(line.slice(0, sp))) headers.set(line.slice(0, sp), line.slice(sp + 1));
  }
  let start = -1;
  let format: SplitTag['format'];
  let pos = 0;
  while (pos < text.length) {
    const eol = text.indexOf('\n', pos);
    const next = eol === -1 ? text.length : eol + 1;
    for (const [marker, f] of SIG_MARKERS) {
      if (text.startsWith(marker, pos)) {
        start = pos;
        format = f;
      }
    }
    pos = next;
  }
  if (start === -1) return { payload: raw, headers };
  return { payload: raw.subarray(0, start), signature: text.slice(start), format, headers };
}

/**
 * Verifies the signature of annotated tag `tag` (refs/tags/<tag>) and checks that the signed object
 * names this tag and peels to `commit`.
 */
export async function verifyTagSignature(gitDir: string, tag: string, commit: string, keys: Keyring, keyring: string): Promise<SignatureReport> {
  const base = { source: `tag ${tag}`, keyring };
  const ref = `refs/tags/${tag}`;
  let type: string;
  try {
    type = (await runGitText(gitDir, ['cat-file', '-t', ref])).trim();
  } catch (e) {
    if (e instanceof GitCommandError) return { status: 'unsigned', ...base, reason: `no tag ${tag} in the repository` };
    throw e;
  }
  if (type !== 'tag') return { status: 'unsigned', ...base, reason: `${tag} is a lightweight tag (no tag object, nothing signed)` };
  const raw = await runGit(gitDir, ['cat-file', 'tag', ref]);
  const split = splitSignedTag(raw);
  if (!split.signature) return { status: 'unsigned', ...base, reason: `annotated tag ${tag} carries no signature` };
  if (split.format !== 'pgp') return { status: 'unsupported', ...base, reason: `${split.format === 'ssh' ? 'SSH' : 'X.509'} tag signatures are not supported; only OpenPGP` };
  const named = split.headers.get('tag');
  if (named !== tag) return { status: 'wrong-tag', ...base, reason: `the signed tag object is named ${JSON.stringify(named ?? '')}, not ${JSON.stringify(tag)}` };
  let peeled: string;
  try {
    peeled = (await runGitText(gitDir, ['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`])).trim();
  } catch {
    peeled = '';
  }
  if (peeled !== commit) return { status: 'wrong-tag', ...base, reason: `the signed tag points to ${peeled || split.headers.get('object') || '?'}, not ${commit}` };
  let sig: openpgp.Signature;
  try {
    sig = await (await loadOpenpgp()).readSignature({ armoredSignature: split.signature });
  } catch (e) {
    return { status: 'malformed', ...base, reason: `unreadable tag signature: ${oneLine(e)}` };
  }
  const message = await (await loadOpenpgp()).createMessage({ binary: new Uint8Array(split.payload) });
  return verifyMessage(message, sig, keys, base, false);
}

/** One line for a failed check, used in the exit-2 error. */
export function describeFailure(r: SignatureReport): string {
  const who = r.fingerprint ? `key ${r.fingerprint}${r.userId ? ` (${r.userId})` : ''}` : r.keyId ? `key id ${r.keyId}` : '';
  switch (r.status) {
    case 'invalid':
      return `BAD signature${who ? ` from ${who}` : ''}: the bytes are not what the key holder signed`;
    case 'unknown-key':
      return `signed by ${who || 'a key'} that is not in the keyring`;
    case 'weak-algorithm':
      return `signature refused as weak (${r.reason ?? r.hashAlgorithm ?? 'weak algorithm'})`;
    case 'revoked-key':
      return `signed by a revoked key${who ? ` (${who})` : ''}`;
    case 'expired-key':
      return `signed by ${who || 'a key'} after it expired`;
    case 'unsigned':
    case 'unsupported':
    case 'wrong-tag':
    case 'malformed':
      return r.reason ?? r.status;
    case 'valid':
      return 'valid';
  }
}
