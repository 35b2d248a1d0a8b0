/**
 * distdiff's pipeline, end to end — each stage a function in src/pipeline/ with typed input and output:
 *
 *   options   check what the caller passed (same errors for library callers and the CLI)   options.ts
 *   acquire   authenticity inputs, the archive (file, directory, URL, npm registry), its
 *             signature, the repository (local, bundle, or a clone in the cache)              acquire.ts
 *   scan      stream the archive once with a provisional revision (given or inferred from the
 *             name), git's tree listed alongside so only content git lacks is kept               scan.ts
 *   resolve   the ecosystem profile and the revision chain (metadata, tags, neighbourhood)     revision.ts
 *   git side  the revision as `git archive` exports it, restricted to the package's directory  git-side.ts
 *   pins      a non-empty archive whose bytes match the pinned sha256                          pins.ts
 *   explain   compare → classify (fallback last) → anomalies → policy → line diffs            explain.ts
 *   result    counts, verdict against the gate, notes; renderers turn it into text/JSON/…    result.ts
 *
 * This module does I/O only through those stages; it never touches `process`.
 */
import { releaseProjectNames } from './classify/distro-hunks.js';
import type { ArchiveScan, PathDiff } from './core/types.js';
import { detectPrefix } from './compare/compare.js';
import type { RegenerationReport } from './regenerate/types.js';
import { join } from 'node:path';
import { classifiersFor, profileOf } from './profiles/index.js';
import { BlobReader } from './scan/blob-reader.js';
import type { VerifyResult } from './core/result.js';
import { acquireInputs, type Inputs } from './pipeline/acquire.js';
import { explainTrees } from './pipeline/explain.js';
import { listGitSide } from './pipeline/git-side.js';
import { checkOptions, type Settings, type VerifyOptions } from './pipeline/options.js';
import { checkPins } from './pipeline/pins.js';
import { buildResult } from './pipeline/result.js';
import { resolveProfileAndRevision } from './pipeline/revision.js';
import { extractRelease } from './acquire/revision.js';
import { scanProvisional, type ProvisionalScan } from './pipeline/scan.js';
import { nothingToRegenerate } from './regenerate/applicable.js';
import { gitHistory } from './git/history.js';
import { acquireSubmodules } from './acquire/submodule.js';
import { reusable, startEarlyRegeneration, type EarlyRegeneration } from './pipeline/early-regen.js';
import { mark } from './util/timeline.js';

export { REPO_POLICY } from './pipeline/explain.js';
export type { VerifyOptions } from './pipeline/options.js';

/**
 * The generator code (./regenerate/regenerate.ts and the modules only it imports, ~180 KB), loaded when a run
 * has something to regenerate: an archive with no tarball-only `configure` (the Linux kernel) never loads it.
 */
const loadRegeneration = () => import('./regenerate/regenerate.js');

/** The stripPrefix option, when there is one (the caller's, else the profile's). */
const stripPrefix = (p: string | undefined) => (p !== undefined ? { stripPrefix: p } : {});

export async function verify(opts: VerifyOptions): Promise<VerifyResult> {
  mark('verify: start');
  const settings = checkOptions(opts);
  const inputs = await acquireInputs(opts, settings);
  mark('verify: inputs acquired');
  // The sandbox and tool-version probes overlap the scan, started by its first file named `configure`:
  // without one nothing can be regenerated early, and a later need probes then (the kernel: ~0.1 s CPU saved).
  const scanned = await scanProvisional(opts, inputs, settings, { onFileNamed: { base: 'configure', seen: () => void loadRegeneration().then((m) => m.prepareRegeneration(opts.regenerate ?? 'auto'), () => undefined) } });
  // The regeneration starts as the scan ends, on the provisional revision (./pipeline/early-regen.ts); explain
  // uses it only when it compares exactly the same inputs.
  mark('verify: scan done');
  const early = scanned.provisional
    ? startEarlyRegeneration({ mode: opts.regenerate ?? 'auto', cacheDir: opts.cacheDir, repo: inputs.repo, scan: scanned.scan, git: await scanned.trees.get(scanned.provisional.commit), commit: scanned.provisional.commit, ...givenCommitVersion(scanned.provisional.how, inputs.names), stripPrefix: opts.stripPrefix, maxRetainFile: settings.limits.maxRetainFile })
    : undefined;
  try {
    return await explainAndReport(opts, inputs, settings, scanned, early);
  } finally {
    await early?.done; // its generators have ended (used or not); its git reader is closed
  }
}

/** The archive's files under `prefix` (path → blob id) and their retained text: what a gnulib commit is inferred from. */
function shippedFiles(scan: ArchiveScan, prefix: string): { files: Map<string, string>; read(path: string): string | undefined } {
  const files = new Map<string, string>();
  const head = prefix ? `${prefix}/` : '';
  for (const e of scan.entries) if (e.type === 'file' && e.oid && e.path.startsWith(head)) files.set(e.path.slice(head.length), e.oid);
  return { files, read: (path) => {
    const oid = files.get(path);
    return oid ? scan.content.get(oid)?.toString('utf8') : undefined;
  } };
}

/** Whether a failed regeneration's cause names a path inside one of the pinned submodules. */
function failedInSubmodule(r: RegenerationReport, pinned: readonly { path: string }[]): boolean {
  const cause = JSON.stringify(r.cause ?? '');
  return pinned.some((s) => cause.includes(`${s.path}/`));
}

/**
 * The release version the archive's names give, for the regeneration's git checkout (a tagless snapshot gets the
 * tag git-version-gen looks for): only when the user gave the commit (--commit), the one resolution that is
 * certain without a tag; a tag, metadata or inference gives nothing here.
 */
function givenCommitVersion(how: string, names: string[]): { releaseVersion?: string } {
  const version = how === 'commit' ? extractRelease(names).version : undefined;
  return version !== undefined ? { releaseVersion: version } : {};
}

async function explainAndReport(opts: VerifyOptions, inputs: Inputs, settings: Settings, scanned: ProvisionalScan, early: EarlyRegeneration | undefined): Promise<VerifyResult> {
  const { profile, chain, tagSignature } = await resolveProfileAndRevision(opts, inputs, scanned.scan, settings);
  const revision = chain.revision;
  mark('verify: revision resolved');
  const { git, pathInRepo, whole, scan, subdirRoot } = await listGitSide(inputs, scanned, revision.commit, profile, settings.limits);
  mark('verify: git side listed');
  const pinned = checkPins(opts, inputs, scan);
  const notes = [...pinned.notes];
  if (scan.decoder.startsWith('fallback')) notes.push({ code: 'DECODER_FALLBACK', decoder: scan.decoder });

  // Submodules the revision pins (gnulib): their pinned trees, read from their own repositories.
  const submodules = await acquireSubmodules({
    repo: inputs.repo,
    mainRepo: opts.repo ?? '',
    commit: revision.commit,
    git,
    pathInRepo,
    requests: opts.submodules ?? [],
    cacheDir: opts.cacheDir,
    maxRetainFile: settings.limits.maxRetainFile,
    shipped: () => shippedFiles(scan, opts.stripPrefix ?? profileOf(profile.id).stripPrefix ?? detectPrefix(scan.entries, git)),
  });
  notes.push(...submodules.notes);
  mark('verify: submodules');
  const fresh = (diffs: readonly PathDiff[], tarball: (path: string) => Buffer | undefined, started: () => void): Promise<RegenerationReport> => {
    const mode = opts.regenerate ?? 'auto';
    const nothing = nothingToRegenerate(mode, diffs);
    if (nothing) return Promise.resolve(nothing);
    return loadRegeneration().then((m) =>
      m.regenerate({ mode, cacheDir: opts.cacheDir, algo: inputs.repo.objectFormat, git, diffs, checkout: { gitDir: inputs.repo.gitDir, commit: revision.commit, objectFormat: inputs.repo.objectFormat }, ...givenCommitVersion(revision.how, inputs.names), readGit: (oid) => reader.read(oid, settings.limits.maxRetainFile), tarball, started, submodules: submodules.pinned }),
    );
  };
  const reader = new BlobReader(inputs.repo);
  const strip = opts.stripPrefix ?? profileOf(profile.id).stripPrefix;
  const reuse = reusable(early, scan, git, strip);
  try {
    const explained = await explainTrees({
      archive: scan,
      git,
      // the release's own names (its archive's file name; explainTrees adds its top directory): leave-one-out for the distribution hunk corpus
      revision: { ...revision, project: releaseProjectNames(inputs.archive.finalUrl ?? inputs.archive.source) },
      readGitBlob: (oid) => reader.read(oid, settings.limits.maxRetainFile),
      classifiers: classifiersFor(profile),
      submodules: submodules.pinned,
      ...stripPrefix(strip),
      ...(reuse ? { compared: reuse.cmp } : {}),
      findings: chain.findings,
      history: gitHistory(inputs.repo.gitDir, revision.commit),
      ...(pathInRepo ? { repoTree: whole, pathInRepo } : {}),
      ...(opts.policy ? { policy: opts.policy } : {}),
      ...(opts.acceptUnproved ? { acceptUnproved: true } : {}),
      ...(opts.regenerate === 'off' ? { noGenerators: true } : {}),
      ...(opts.auditPrechecks ? { auditPrechecks: opts.auditPrechecks } : {}),
      gnulibToolCache: join(opts.cacheDir, 'gnulib-tool'),
      toolchainCache: opts.cacheDir,
      regenerate: reuse
        ? (diffs, tarball, started) => {
            void reuse.started.then(started);
            // The early run had no submodule trees (they resolve later): when it failed on a path inside a
            // pinned submodule (automake: `cannot open < subprojects/pkcs11-json/Makefile.am`), it runs again
            // with them (regenerate.ts submoduleTreesNeeded); any other outcome stands.
            return reuse.report.then((r) => (r.status === 'failed' && failedInSubmodule(r, submodules.pinned) ? fresh(diffs, tarball, () => {}) : r));
          }
        : fresh,
    });
    mark('verify: explained');
    return buildResult({
      archive: inputs.archive,
      scan,
      ...(pinned.sha256 ? { sha256: pinned.sha256 } : {}),
      repo: inputs.repo,
      revision,
      chain: chain.steps,
      pathInRepo,
      ...(subdirRoot ? { subdirRoot } : {}),
      profile,
      git,
      compare: explained.compare,
      findings: explained.findings,
      notes: [...notes, ...explained.notes],
      failOn: settings.failOn,
      ...(inputs.signature ? { signature: inputs.signature } : {}),
      ...(tagSignature ? { tagSignature } : {}),
      ...(inputs.checksums ? { checksums: inputs.checksums } : {}),
    });
  } finally {
    await reader.close();
    await submodules.close();
  }
}
