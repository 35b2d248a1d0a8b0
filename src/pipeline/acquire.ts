/**
 * Stage 1 of verify(): the inputs. Authenticity inputs first (keyring, checksums pin: before anything is
 * downloaded), then the archive (file, directory, URL or npm registry), its detached signature, and the
 * repository (local, bundle, or a clone in the cache).
 */
import { basename } from 'node:path';
import { acquireArchive, type AcquiredArchive } from '../acquire/archive-source.js';
import { archiveSignature, checksumsPin, loadAuthKeyring } from '../acquire/authenticity.js';
import { openRepo, type RepoHandle } from '../acquire/repo.js';
import type { Keyring } from '../acquire/signature.js';
import { DistdiffError } from '../core/errors.js';
import type { ChecksumsReport, SignatureReport } from '../core/result.js';
import { acquireNpm, isNpmSpec, type NpmRelease } from '../acquire/npm-registry.js';
import type { Settings, VerifyOptions } from './options.js';

export interface Inputs {
  archive: AcquiredArchive;
  /** `npm:NAME@VERSION` inputs: what the registry says about the release. */
  npmRelease?: NpmRelease;
  repo: RepoHandle;
  /** Names the release goes by (file name, URL name, npm name-version), distinct, for tag inference. */
  names: string[];
  /** OpenPGP keys from --keyring (for the tag signature later). */
  keys?: Keyring;
  checksums?: ChecksumsReport;
  /** The sha256 the archive must have (--sha256 or the checksums file), if any. */
  pin?: string;
  signature?: SignatureReport;
}

export async function acquireInputs(opts: VerifyOptions, { limits }: Settings): Promise<Inputs> {
  const keys = await loadAuthKeyring(opts);
  const checksums = await checksumsPin(opts, limits);
  const pin = opts.sha256 ?? checksums?.sha256;

  let npmRelease: NpmRelease | undefined;
  let archive: AcquiredArchive;
  if (isNpmSpec(opts.tarball)) {
    const got = await acquireNpm(opts.tarball, {
      registry: opts.npmRegistry,
      cacheDir: opts.cacheDir,
      limits,
      allowHttp: opts.allowHttp,
      progress: opts.progress,
      ...(opts.npmCa !== undefined ? { ca: opts.npmCa } : {}),
    });
    archive = got.archive;
    npmRelease = got.release;
  } else {
    archive = await acquireArchive(opts.tarball, {
      cacheDir: opts.cacheDir,
      limits,
      allowHttp: opts.allowHttp,
      expectedSha256: pin,
      progress: opts.progress,
    });
  }
  // Checked before the repository is opened and the archive parsed: fail fast, and the bytes are then
  // in the page cache for the scan (the cost of this second read is the hashing; see README).
  const signature = opts.signature && keys ? await archiveSignature(opts, archive.path, archive.isDirectory, keys, limits) : undefined;
  if (!opts.repo) {
    const named = npmRelease?.repository;
    throw new DistdiffError(
      'usage',
      opts.tarball,
      'no repository to compare with',
      named
        ? `pass --repo; the package's own metadata names ${named} (chosen by whoever published it: check it is the project's)`
        : 'pass --repo with the project repository (path, bundle or URL)',
    );
  }
  const repo = await openRepo(opts.repo, { cacheDir: opts.cacheDir });
  const names = npmRelease
    ? [`${npmRelease.name.replace(/^@[^/]+\//, '')}-${npmRelease.version}`]
    : [basename(archive.finalUrl ? new URL(archive.finalUrl).pathname : archive.path), basename(archive.source)];
  return {
    archive,
    repo,
    names: [...new Set(names)],
    ...(npmRelease ? { npmRelease } : {}),
    ...(keys ? { keys } : {}),
    ...(checksums ? { checksums } : {}),
    ...(pin ? { pin } : {}),
    ...(signature ? { signature } : {}),
  };
}
