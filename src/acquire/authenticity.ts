/**
 * The authenticity steps of a verification, as verify.ts runs them:
 *
 *   checksums  --checksums FILE|URL → the sha256 pin for the archive (before acquisition, so a download
 *              is checked as it arrives and a cached copy can be reused)
 *   signature  --signature FILE|URL + --keyring → OpenPGP detached signature over the archive bytes
 *   tag        --verify-tag + --keyring → the annotated tag object's own signature
 *
 * A check that does not pass never yields a result: it throws a DistdiffError (exit 2) with one line
 * naming the signer or the missing entry. A passing check is reported in `inputs` of the result.
 */
import { DistdiffError } from '../core/errors.js';
import type { Limits } from '../core/limits.js';
import type { ChecksumsReport, SignatureReport } from '../core/result.js';
import { archiveName, parseChecksums, pickChecksum, readSideInput } from './checksums.js';
import { describeFailure, loadKeyring, verifyDetachedSignature, verifyTagSignature, type Keyring } from './signature.js';

export interface AuthOptions {
  tarball: string;
  sha256?: string;
  signature?: string;
  keyring?: string;
  verifyTag?: boolean;
  checksums?: string;
  allowHttp?: boolean;
  cacheDir: string;
}

/** Usage errors for option combinations that cannot work. */
export function checkAuthOptions(o: AuthOptions): void {
  if ((o.signature || o.verifyTag) && !o.keyring) {
    throw new DistdiffError('usage', o.signature ? `--signature ${o.signature}` : '--verify-tag', 'a signature check needs the signer keys', 'add --keyring FILE (made with gpg --export KEYID)');
  }
  if (o.keyring && !o.signature && !o.verifyTag) {
    throw new DistdiffError('usage', `--keyring ${o.keyring}`, 'nothing to verify with the keyring', 'add --signature FILE|URL and/or --verify-tag');
  }
}

export async function loadAuthKeyring(o: AuthOptions): Promise<Keyring | undefined> {
  return o.keyring ? loadKeyring(o.keyring) : undefined;
}

/** Reads --checksums and returns the entry for the archive; disagreement with --sha256 is an error. */
export async function checksumsPin(o: AuthOptions, limits: Limits): Promise<ChecksumsReport | undefined> {
  if (!o.checksums) return undefined;
  const bytes = await readSideInput(o.checksums, { cacheDir: o.cacheDir, limits, allowHttp: o.allowHttp, what: 'checksums file' });
  const entries = parseChecksums(bytes.toString('utf8'), o.checksums);
  const entry = pickChecksum(entries, [archiveName(o.tarball)], o.checksums);
  if (o.sha256 && o.sha256.toLowerCase() !== entry.sha256) {
    throw new DistdiffError('checksum', o.checksums, `lists sha256 ${entry.sha256} for ${entry.name}, --sha256 says ${o.sha256.toLowerCase()}`, 'the two pins disagree; find out which one is right');
  }
  return { source: o.checksums, name: entry.name, line: entry.line, sha256: entry.sha256 };
}

/** Verifies --signature over the acquired archive file; anything but 'valid' throws. */
export async function archiveSignature(o: AuthOptions, archivePath: string, isDirectory: boolean, keys: Keyring, limits: Limits): Promise<SignatureReport> {
  const source = o.signature!;
  if (isDirectory) {
    throw new DistdiffError('usage', `--signature ${source}`, 'a signature covers the bytes of an archive file, not an unpacked directory', 'pass the archive the signature was made for');
  }
  const sig = await readSideInput(source, { cacheDir: o.cacheDir, limits, allowHttp: o.allowHttp, what: 'signature' });
  const report = await verifyDetachedSignature(archivePath, sig, keys, { source, keyring: o.keyring! });
  if (report.status !== 'valid') throw signatureError(source, report, 'do not use this archive');
  return report;
}

/** Verifies the signature of the compared tag (--verify-tag); anything but 'valid' throws. */
export async function tagSignature(o: AuthOptions, gitDir: string, revision: { tag?: string; commit: string }, keys: Keyring): Promise<SignatureReport> {
  if (!revision.tag) {
    throw new DistdiffError('usage', '--verify-tag', 'no tag to verify: the revision was given as a commit', 'compare with --tag TAG (an annotated, signed tag)');
  }
  const report = await verifyTagSignature(gitDir, revision.tag, revision.commit, keys, o.keyring!);
  if (report.status !== 'valid') throw signatureError(`tag ${revision.tag}`, report, 'the tag is not vouched for by a key in the keyring');
  return report;
}

function signatureError(input: string, r: SignatureReport, hint: string): DistdiffError {
  const kind = r.status === 'malformed' ? 'usage' : 'checksum';
  const extra =
    r.status === 'unknown-key'
      ? 'add the signer key to --keyring only if you trust it'
      : r.status === 'weak-algorithm'
        ? 'ask the publisher for a SHA-256 (or stronger) signature'
        : hint;
  return new DistdiffError(kind, input, describeFailure(r), extra);
}
