/**
 * distdiff's pipeline, end to end:
 *
 *   acquire   the tarball (local file, directory or download) and the repository (local, bundle or
 *             clone into the cache); resolve the revision (--tag, --commit, or inferred from the name)
 *   scan      list the git tree as `git archive` would export it, then stream the archive once,
 *             hashing every file as a git blob and keeping only content git does not have
 *   compare   pair paths (prefix stripped, last entry wins) → raw differences
 *   classify  ordered classifiers explain each difference with evidence, fallback last → findings
 *   (policy)  allowances with written reasons, severity overrides
 *   result    counts, verdict against --fail-on, notes; renderers turn it into text/JSON/SARIF/Markdown
 *
 * This module does I/O only through the acquire/scan modules; it never touches `process`.
 */
import { basename } from 'node:path';
import { acquireArchive, type AcquiredArchive } from './acquire/archive-source.js';
import { archiveSignature, checkAuthOptions, checksumsPin, loadAuthKeyring, tagSignature } from './acquire/authenticity.js';
import type { DownloadProgress } from './acquire/download.js';
import { openRepo } from './acquire/repo.js';
import { resolveRevision } from './acquire/revision.js';
import { anomalyFindings } from './classify/anomalies.js';
import { classify } from './classify/index.js';
import { applyPolicy, parsePolicyText, type Policy } from './classify/policy.js';
import type { ContentAccess } from './classify/types.js';
import { compareTrees } from './compare/compare.js';
import { contentDiff } from './compare/content-diff.js';
import { codeDoc } from './core/codes.js';
import { DistdiffError } from './core/errors.js';
import { makeFinding, type Finding } from './core/findings.js';
import { DEFAULT_LIMITS, type Limits } from './core/limits.js';
import { SCHEMA_VERSION, type Note, type VerifyResult } from './core/result.js';
import { SEVERITIES, severityRank, type Severity, type TreeEntry } from './core/types.js';
import { scanArchive } from './scan/archive.js';
import { BlobReader } from './scan/blob-reader.js';
import { loadGitTree, readGitTree, treeOids } from './scan/git-tree.js';
import { VERSION } from './version.js';
import { classifiersFor, readProfile, resolveChain, subtree, type MetadataClaim, type ProfileChoice, type ProfileInfo } from './profiles/index.js';
import { acquireNpm, isNpmSpec, type NpmRelease } from './profiles/npm-registry.js';
import { wheelRoot, wheelTopLevel } from './profiles/pypi.js';
import { newestChangelogEntry } from './classify/changelog.js';
import type { ChainStep, ProfileReport } from './core/result.js';
import type { ResolvedRevision } from './acquire/revision.js';
import type { GitTree } from './core/types.js';

/** A policy file at the top of the compared revision: the project's own (see README "Policy file"). */
export const REPO_POLICY = 'distdiff.config.json';

export interface VerifyOptions {
  /** Path, directory or http(s) URL of the release archive. */
  tarball: string;
  /**
   * Path, bundle or URL of the git repository. Required: a repository named by the archive's own metadata
   * (npm `repository`, PyPI Project-URL) is chosen by whoever published the archive, so it is only suggested.
   */
  repo?: string;
  tag?: string;
  commit?: string;
  /** Prefix to strip ('' = none); undefined = detect. */
  stripPrefix?: string;
  /** Expected sha256 of the archive bytes. */
  sha256?: string;
  allowHttp?: boolean;
  /** Detached OpenPGP signature (.sig/.asc) of the archive: path or URL. Needs `keyring`. */
  signature?: string;
  /** OpenPGP public keys (binary or armored export) for `signature` and `verifyTag`. */
  keyring?: string;
  /** Verify the compared annotated tag's signature with `keyring`. */
  verifyTag?: boolean;
  /** SHA256SUMS-style file (path or URL) holding the archive's sha256. */
  checksums?: string;
  cacheDir: string;
  limits?: Partial<Limits>;
  policy?: Policy;
  failOn?: Severity;
  progress?: (p: DownloadProgress) => void;
  /** Ecosystem profile; 'auto' (default) detects it from the archive's content. */
  profile?: ProfileChoice;
  /** npm: the commit the package was published from (overrides package.json / registry gitHead). */
  gitHead?: string;
  /** Registry base for `npm:NAME@VERSION` inputs (default https://registry.npmjs.org). */
  npmRegistry?: string;
  /** Extra trusted CA certificate(s) (PEM) for https downloads of npm: inputs (tests, private registries). */
  npmCa?: string | Buffer | Array<string | Buffer>;
}

export async function verify(opts: VerifyOptions): Promise<VerifyResult> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const failOn = opts.failOn ?? 'high';
  const notes: Note[] = [];

  // ---- authenticity inputs (before anything is downloaded) ----
  checkAuthOptions(opts);
  const keys = await loadAuthKeyring(opts);
  const checksums = await checksumsPin(opts, limits);
  const pin = opts.sha256 ?? checksums?.sha256;

  // ---- acquire ----
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

  // ---- provisional revision, then one scan ----
  // The archive's metadata (gitHead, .cargo_vcs_info.json, pax header) is only known after the scan, while the
  // scan wants git's blob ids to keep only content git lacks. An explicit or name-inferred revision gives those
  // ids up front; without one every file is kept (within the retention budget). A second pass happens only
  // when the final revision differs and content it needs was not kept.
  const explicit = opts.tag !== undefined || opts.commit !== undefined;
  let provisional: ResolvedRevision | undefined;
  if (explicit) provisional = await resolveRevision(repo, { tag: opts.tag, commit: opts.commit, names: [...new Set(names)] });
  else provisional = await resolveRevision(repo, { names: [...new Set(names)] }).catch(() => undefined);
  const oidsOf = treeOids;
  const fullTrees = new Map<string, Promise<GitTree>>();
  const fullTree = (commit: string): Promise<GitTree> => {
    let t = fullTrees.get(commit);
    if (!t) {
      t = readGitTree(repo, commit);
      fullTrees.set(commit, t);
    }
    return t;
  };
  // The tree is read while the archive decodes: the scan only waits for git's blob ids (right after
  // ls-tree unless attributes change the export), not for the rest of the tree.
  let load = provisional ? loadGitTree(repo, provisional.commit) : undefined;
  if (load && provisional) fullTrees.set(provisional.commit, load.tree);
  let retain = load?.oids.then((ids) => (oid: string) => !ids.has(oid));
  let ids = load?.oids;
  let scan = await scanArchive(archive.path, { algo: repo.objectFormat, limits, ...(retain ? { retain } : {}), ...(ids ? { ids } : {}) }).catch(async (e: unknown) => {
    if (load) await load.tree; // a git failure is reported first, as when the tree was read before the scan
    throw e;
  });
  if (load) await load.tree;
  // git's id set (a string and a set slot per tracked file) was only for the scan: let it be collected.
  load = undefined;
  retain = undefined;
  ids = undefined;

  // ---- profile and revision chain (src/profiles) ----
  const metaReader = new BlobReader(repo);
  let profile: ProfileInfo;
  let chain: Awaited<ReturnType<typeof resolveChain>>;
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
      names: [...new Set(names)],
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
  const revision = chain.revision;
  if (profile.dirty) chain.findings.push(makeFinding('CRATE_DIRTY', profile.commitPath ?? '.cargo_vcs_info.json', 'high', profile.commit ? { sha1: profile.commit } : {}));
  const tagSig = opts.verifyTag && keys ? await tagSignature(opts, repo.gitDir, revision, keys) : undefined;

  // ---- the git side, restricted to the package's directory ----
  const whole = await fullTree(revision.commit);
  let pathInRepo = profile.id === 'npm' || profile.id === 'crate' ? (profile.directory ?? '') : '';
  if (profile.id === 'wheel') pathInRepo = wheelRoot(wheelTopLevel(scan.entries), whole.entries.keys()) ?? '';
  const git = pathInRepo ? subtree(whole, pathInRepo) : whole;
  if (!provisional || provisional.commit !== revision.commit) {
    const gitOids = oidsOf(git);
    const missing = scan.entries.some((e) => e.type === 'file' && e.oid && !gitOids.has(e.oid) && e.size <= limits.maxRetainFile && !scan.content.get(e.oid));
    if (missing) scan = await scanArchive(archive.path, { algo: repo.objectFormat, limits, retain: (oid) => !gitOids.has(oid) });
  }
  if (!scan.entries.some((e) => e.type !== 'directory')) {
    // Nothing to compare: every tracked file would be "git-only" (low), which must not pass as a clean result.
    throw new DistdiffError('archive', opts.tarball, 'the archive contains no files', 'nothing to compare; check that this is the release archive');
  }
  const sha256 = archive.sha256 ?? scan.sha256;
  if (pin) {
    if (!sha256 || sha256.toLowerCase() !== pin.toLowerCase()) {
      throw new DistdiffError(
        'checksum',
        opts.tarball,
        `sha256 is ${sha256 ?? 'unknown'}, expected ${pin.toLowerCase()}${!opts.sha256 && checksums ? ` (${checksums.source} line ${checksums.line})` : ''}`,
        'the file is not the one you pinned; do not use it',
      );
    }
    notes.push({ code: 'SHA256_VERIFIED', sha256 });
  }
  if (scan.decoder.startsWith('fallback')) notes.push({ code: 'DECODER_FALLBACK', decoder: scan.decoder });

  // ---- compare ----
  const cmp = compareTrees(scan, git, { stripPrefix: opts.stripPrefix ?? (profile.id === 'wheel' ? '' : undefined) });
  if (cmp.prefix) notes.push({ code: 'PREFIX_STRIPPED', prefix: cmp.prefix });
  if (scan.paxCommit) notes.push({ code: 'PAX_COMMIT', commit: scan.paxCommit, matches: scan.paxCommit === revision.commit });

  // ---- classify ----
  const tarballByPath = new Map<string, TreeEntry>();
  for (const d of cmp.diffs) if (d.tarball) tarballByPath.set(d.path, d.tarball);
  const reader = new BlobReader(repo);
  try {
    const rawOid = (path: string): string | undefined => git.converted.get(path)?.rawOid ?? git.entries.get(path)?.oid;
    const gitCache = new Map<string, Promise<Buffer | undefined>>();
    const content: ContentAccess = {
      tarball: (path) => {
        const e = tarballByPath.get(path);
        return e?.oid ? scan.content.get(e.oid) : undefined;
      },
      git: (path) => {
        const cached = gitCache.get(path);
        if (cached) return cached;
        const oid = rawOid(path);
        const p: Promise<Buffer | undefined> = oid ? reader.read(oid, limits.maxRetainFile) : Promise.resolve(undefined);
        gitCache.set(path, p);
        return p;
      },
    };
    const tarballPaths = new Set<string>();
    for (const e of scan.entries) {
      if (e.type === 'directory') continue;
      let p = cmp.prefix && e.path.startsWith(cmp.prefix + '/') ? e.path.slice(cmp.prefix.length + 1) : e.path;
      const g = p === e.path ? undefined : git.entries.get(p);
      if (g !== undefined && g.path === p) p = g.path; // git's string: no second copy of the path kept
      tarballPaths.add(p);
    }
    const ctx = {
      diffs: cmp.diffs,
      anomalies: cmp.anomalies,
      revision: { commit: revision.commit, tag: revision.tag, version: revision.version, date: revision.date },
      gitPaths: new Set<string>(git.entries.keys()),
      tarballPaths,
      content,
    };
    let findings = await classify(ctx, classifiersFor(profile));
    findings.push(...anomalyFindings(cmp.anomalies));
    findings.push(...chain.findings);
    if (opts.policy) {
      findings = applyPolicy(findings, opts.policy);
      notes.push({ code: 'POLICY_LOADED', path: opts.policy.source ?? '--config', allowances: opts.policy.allow.length });
    } else if (git.entries.get(REPO_POLICY)?.type === 'file') {
      // The project's own policy, from the compared revision. Whoever controls the repository controls it,
      // so it may accept only findings below high: high and critical need the packager's own --config.
      const text = await content.git(REPO_POLICY);
      if (text) {
        const repoPolicy = parsePolicyText(text.toString('utf8'), `${REPO_POLICY} at ${revision.commit.slice(0, 12)}`, 'fix it in the repository or pass your own --config');
        const high = severityRank('high');
        const protectedFindings = findings.filter((f) => severityRank(f.severity) >= high);
        findings = [...applyPolicy(findings.filter((f) => severityRank(f.severity) < high), repoPolicy), ...protectedFindings];
        notes.push({ code: 'POLICY_LOADED', path: repoPolicy.source ?? REPO_POLICY, allowances: repoPolicy.allow.length });
      }
    }

    // Line diffs for changed files (content from the archive's retained bytes and git's object store).
    let notRetained = 0;
    const changedByPath = new Map(cmp.diffs.filter((d) => d.status === 'changed' && d.changes?.includes('content')).map((d) => [d.path, d]));
    for (const f of findings) {
      const d = changedByPath.get(f.path);
      if (!d || f.diff) continue;
      const t = d.tarball?.oid ? scan.content.get(d.tarball.oid) : undefined;
      if (!t) notRetained += 1;
      const g = t ? await content.git(d.path) : undefined;
      f.diff = contentDiff(d.path, g, t, { gitOid: d.git?.oid, tarballOid: d.tarball?.oid, gitSize: d.git?.size, tarballSize: d.tarball?.size });
    }
    if (notRetained > 0) notes.push({ code: 'CONTENT_NOT_RETAINED', files: notRetained });

    findings.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    const revisionReport = {
      chain: chain.steps,
      ...(pathInRepo ? { pathInRepo } : {}),
      ...(revision.distance !== undefined ? { distance: revision.distance } : {}),
    };
    const profileReport: ProfileReport = {
      id: profile.id,
      detected: profile.detected,
      ...(profile.name ? { name: profile.name } : {}),
      ...(profile.version ? { version: profile.version } : {}),
      ...(profile.repository ? { repository: profile.repository } : {}),
      ...(profile.directory ? { directory: profile.directory } : {}),
      ...(profile.commit ? { commit: profile.commit } : {}),
      ...(profile.dirty ? { dirty: true } : {}),
    };
    const result = buildResult({ opts, archive, scanInfo: scan, sha256, prefix: cmp.prefix, repoInfo: repo, revision, revisionReport, profileReport, git, cmp, findings, notes, failOn });
    if (signature) result.inputs.signature = signature;
    if (tagSig) result.inputs.tagSignature = tagSig;
    if (checksums) result.inputs.checksums = checksums;
    return result;
  } finally {
    await reader.close();
  }
}

function buildResult(x: {
  opts: VerifyOptions;
  archive: AcquiredArchive;
  scanInfo: Awaited<ReturnType<typeof scanArchive>>;
  sha256?: string;
  prefix: string;
  repoInfo: Awaited<ReturnType<typeof openRepo>>;
  revision: Awaited<ReturnType<typeof resolveChain>>['revision'];
  revisionReport: { chain: ChainStep[]; pathInRepo?: string; distance?: number };
  profileReport: ProfileReport;
  git: Awaited<ReturnType<typeof readGitTree>>;
  cmp: ReturnType<typeof compareTrees>;
  findings: Finding[];
  notes: Note[];
  failOn: Severity;
}): VerifyResult {
  const { cmp, findings } = x;
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byCode: VerifyResult['counts']['byCode'] = {};
  let explained = 0;
  for (const f of findings) {
    bySeverity[f.severity] += 1;
    byCode[f.code] = (byCode[f.code] ?? 0) + 1;
    if (codeDoc(f.code).explained || f.allowed) explained += 1;
  }
  const count = (s: string) => cmp.diffs.filter((d) => d.status === s).length;
  const failing = findings.some((f) => severityRank(f.severity) >= severityRank(x.failOn));
  const verdict = findings.length === 0 ? 'identical' : failing ? 'different' : explained < findings.length ? 'review' : 'explained';
  const scan = x.scanInfo;
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'distdiff', version: VERSION },
    verdict,
    failOn: x.failOn,
    inputs: {
      tarball: {
        source: x.archive.source,
        path: x.archive.path,
        ...(x.sha256 ? { sha256: x.sha256 } : {}),
        size: x.archive.size,
        container: scan.container,
        compression: scan.compression,
        decoder: scan.decoder,
        prefix: x.prefix,
        entries: scan.entries.length,
      },
      repo: { source: x.repoInfo.source, objectFormat: x.repoInfo.objectFormat, cloned: x.repoInfo.cloned, fetched: x.repoInfo.fetched },
      revision: {
        commit: x.revision.commit,
        ...(x.revision.tag ? { tag: x.revision.tag } : {}),
        ...(x.revision.tagType ? { tagType: x.revision.tagType } : {}),
        how: x.revision.how,
        ...(x.revision.version ? { version: x.revision.version } : {}),
        ...(x.revision.date ? { date: x.revision.date } : {}),
        ...x.revisionReport,
      },
      profile: x.profileReport,
    },
    counts: {
      tarballFiles: scan.entries.filter((e) => e.type !== 'directory').length,
      gitFiles: x.git.entries.size,
      identical: cmp.identical,
      tarballOnly: count('tarball-only'),
      gitOnly: count('git-only'),
      changed: count('changed'),
      exportIgnored: count('export-ignored'),
      submodules: count('submodule'),
      anomalies: cmp.anomalies.length,
      bySeverity,
      byCode,
      explained,
      unexplained: findings.length - explained,
    },
    findings,
    notes: x.notes,
  };
}
