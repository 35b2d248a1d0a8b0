/**
 * Stage 3 of verify(): the ecosystem profile (detected from the scanned content, or given) and the
 * revision chain (explicit revision, archive metadata, tag patterns, ChangeLog, neighbourhood search),
 * then the annotated tag's signature when asked for.
 */
import { tagSignature } from '../acquire/authenticity.js';
import { newestChangelogEntry } from '../classify/changelog.js';
import { makeFinding } from '../core/severity.js';
import type { SignatureReport } from '../core/result.js';
import { readProfile, resolveChain, type MetadataClaim, type ProfileInfo } from '../profiles/index.js';
import type { ChainResult } from '../profiles/chain.js';
import { BlobReader } from '../scan/blob-reader.js';
import type { ScanResult } from '../scan/archive.js';
import type { Inputs } from './acquire.js';
import type { Settings, VerifyOptions } from './options.js';

export interface ResolvedSource {
  profile: ProfileInfo;
  /** The chosen revision, each step of the chain, and the findings the chain raised (REVISION_MISMATCH …). */
  chain: ChainResult;
  tagSignature?: SignatureReport;
}

export async function resolveProfileAndRevision(opts: VerifyOptions, inputs: Inputs, scan: ScanResult, { limits }: Settings): Promise<ResolvedSource> {
  const { repo, npmRelease } = inputs;
  const metaReader = new BlobReader(repo);
  let profile: ProfileInfo;
  let chain: ChainResult;
  try {
    const readBlob = async (oid: string) => scan.content.get(oid) ?? (await metaReader.read(oid, limits.maxRetainFile));
    profile = await readProfile(scan, opts.profile ?? 'auto', readBlob);
    if (npmRelease) {
      profile.repository ??= npmRelease.repository;
      profile.directory ??= npmRelease.directory;
    }
    const claims: MetadataClaim[] = [];
    const gitHead = opts.gitHead ?? npmRelease?.gitHead;
    if (gitHead) claims.push({ source: 'npm-githead', commit: gitHead.toLowerCase(), path: 'package.json' });
    if (profile.commit && profile.commitSource && !(gitHead && profile.commitSource === 'npm-githead')) {
      claims.push({ source: profile.commitSource, commit: profile.commit, path: profile.commitPath ?? '' });
    }
    if (scan.paxCommit) claims.push({ source: 'pax-header', commit: scan.paxCommit.toLowerCase(), path: 'pax_global_header' });
    const pre = profile.prefix ? profile.prefix + '/' : '';
    const changelog = scan.entries.find((e) => e.type === 'file' && e.path === `${pre}ChangeLog` && e.oid);
    if (changelog) {
      const text = (await readBlob(changelog.oid!))?.subarray(0, 64 * 1024).toString('utf8');
      const v = text ? newestChangelogEntry(text) : undefined;
      if (v?.kind === 'commit') claims.push({ source: 'changelog', commit: v.newest.toLowerCase(), path: 'ChangeLog' });
    }
    // Built only if the neighbourhood search needs it (a path → id map of every file).
    const archiveFiles = () => {
      const m = new Map<string, string>();
      for (const e of scan.entries) {
        if (e.type !== 'file' || !e.oid || (pre && !e.path.startsWith(pre))) continue;
        m.set(e.path.slice(pre.length), e.oid);
      }
      return m;
    };
    chain = await resolveChain({
      repo,
      names: inputs.names,
      ...(opts.tag !== undefined ? { tag: opts.tag } : {}),
      ...(opts.commit !== undefined ? { commit: opts.commit } : {}),
      claims,
      ...(profile.version ? { version: profile.version } : {}),
      archiveFiles,
      ...(profile.directory ? { directory: profile.directory } : {}),
    });
  } finally {
    await metaReader.close();
  }
  if (profile.dirty) chain.findings.push(makeFinding('CRATE_DIRTY', profile.commitPath ?? '.cargo_vcs_info.json', profile.commit ? { sha1: profile.commit } : {}));
  const tagSig = opts.verifyTag && inputs.keys ? await tagSignature(opts, repo.gitDir, chain.revision, inputs.keys) : undefined;
  return { profile, chain, ...(tagSig ? { tagSignature: tagSig } : {}) };
}
