/**
 * Third-party macro files copied into a shipped aclocal.m4 (split out of it by
 * src/regenerate/aclocal-copies.ts), judged like the same file shipped under m4/ (./upstream.ts), against
 * each known version's aclocal form: aclocal drops a macro file's `##` lines when it copies the file in
 * (m4.ts aclocalForm), so libtool's libtool.m4 and ltoptions.m4 — which have such lines — never equal any
 * version byte for byte inside aclocal.m4. The database records the blob id and line hashes of that form
 * (scripts/build-upstream-db.mjs), for upstream history, release tarballs and distributions' toolchain
 * copies alike.
 *
 *   the aclocal form of a known version         UPSTREAM_COPY (a distribution's copy: UPSTREAM_COPY_VARIANT)
 *   that form plus distribution patch hunks     UPSTREAM_COPY_VARIANT (distribution-patched), the hunks listed:
 *   of the version only                         each change block against the version, with the `##` lines
 *                                               aclocal dropped put back (distro-hunks.ts withDroppedLines),
 *                                               is a hunk of the corpus (data/distro-hunks.json) — the same
 *                                               rule as under m4/; no construct anywhere
 *   that form with only version lines changed   UPSTREAM_COPY_PATCHED, the novel lines listed: each novel
 *                                               line is, line for line, the version's line with a version
 *                                               token lengthened by a rebuild or patch mark (Ubuntu's
 *                                               "2.4.6-15build2" where Debian's line says "2.4.6-15"), proved
 *                                               by the line hashes; no construct anywhere
 *   that form with only a distribution's        UPSTREAM_COPY_PATCHED, evidence.patches naming the patch files:
 *   published patch lines added                 every novel line is one a hunk of a package version's published
 *                                               patch series adds, in its place (distro-patches.ts: Gentoo's
 *                                               libtool 2.4.7 patches in pixman 0.42.2's aclocal.m4) — the
 *                                               patch files say who patched it
 *   anything else of a known name               UPSTREAM_COPY_UNKNOWN_VERSION (high) with the nearest version
 *                                               and the novel lines — stricter than a file under m4/, where a
 *                                               few novel lines are a patch: nothing in aclocal.m4 says who
 *                                               patched it; a construct makes it critical
 *   a name no upstream has                      TARBALL_ONLY_UNEXPLAINED (high); SUSPICIOUS_CONSTRUCTS
 *                                               (critical) when it carries a construct
 * A copy is explained when its code is an explained one below high; otherwise the regenerated outputs that
 * include aclocal.m4 are REPRODUCED_WITH_FLAGGED_INPUT, naming it (src/regenerate/provenance.ts).
 */
import { diffArrays } from 'diff';
import { codeDoc } from '../core/codes.js';
import { lineProvenanceOf, type Construct, type DistroHunk, type DistroPatchUse, type Finding, type FindingCode, type LineProvenance, type UpstreamRef } from '../core/findings.js';
import { severityRank, type Severity } from '../core/types.js';
import { blobId } from '../scan/blob-id.js';
import { provenanceOf } from './provenance.js';
import type { HunkCorpus } from './distro-hunks.js';
import { patchLinesOnly, type PatchCorpus } from './distro-patches.js';
import { classifyUpstream } from './upstream.js';
import { lineHash32, lineHashes32, splitFileLines } from './upstream-lines.js';
import { LOCAL_SYSTEM, upstreamDb, type UpstreamDb, type UpstreamVersion } from './upstream-db.js';

/** What the splitter knows of one copy. */
export interface AclocalCopyInput {
  name: string;
  /** The copy's text (latin1), without the newline aclocal wrote after it. */
  content?: string;
  /** Set by the splitter when the copy is a known version byte for byte. */
  upstream?: { project: string };
  nameKnown?: boolean;
  constructs?: Construct[];
}

export interface CopyJudgement {
  /** The explained code (below high) that accounts for the copy. */
  explainedBy?: FindingCode;
  /** What the copy is flagged as when it is not explained. */
  flagged?: { code: FindingCode; severity: Severity };
  /** The version it is, or the nearest one. */
  upstream?: UpstreamRef;
  lines?: LineProvenance;
  /** Explained as a distribution build: the corpus hunks that make the copy from `upstream`. */
  hunks?: DistroHunk[];
  /** Explained as a known version plus a published patch series' lines: the patch files and the lines they add. */
  patches?: DistroPatchUse[];
}

/**
 * The known versions a piece of aclocal.m4 is byte for byte: a version itself (files without `##` lines) or
 * a version's aclocal form; upstream history and releases before this machine's local copies.
 */
export function aclocalCopyVersions(db: UpstreamDb, content: string): UpstreamVersion[] {
  const oid = blobId('sha1', Buffer.from(content, 'latin1'));
  const all = [...db.byBlob(oid), ...db.byAclocalForm(oid)];
  return [...all.filter((v) => v.project !== LOCAL_SYSTEM), ...all.filter((v) => v.project === LOCAL_SYSTEM)];
}

/**
 * The line with one version token shortened to a prefix that ends before a rebuild or patch mark:
 * "2.4.6-15build2" → "2.4.6-15", "2.4.6"; "1.16.5+ds" → "1.16.5".
 */
export function shortenedVersions(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/\d+(?:\.\d+)+[\w.~+-]*/g)) {
    const t = m[0];
    for (let k = 1; k < t.length; k++) {
      const cut = (/[-~+]/.test(t[k]!) && /\w/.test(t[k - 1]!)) || (/[A-Za-z]/.test(t[k]!) && /\d/.test(t[k - 1]!));
      if (cut) out.push(line.slice(0, m.index) + t.slice(0, k) + line.slice(m.index + t.length));
    }
  }
  return out;
}

/**
 * Whether the copy differs from the version's aclocal form only in version lines: every changed region
 * replaces as many lines as it adds, each added line being the replaced one with a version token lengthened.
 */
export function versionLinesOnly(theirs: Uint32Array, content: Buffer): boolean {
  const text = splitFileLines(content);
  const parts = diffArrays(Array.from(theirs), lineHashes32(content));
  let at = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (!p.added && !p.removed) {
      at += p.value.length;
      continue;
    }
    // A change region: removed then added (diff's order), equal lengths.
    const removed = p.removed ? p.value : [];
    const next = p.removed ? parts[i + 1] : undefined;
    const added = p.added ? p.value : next?.added ? next.value : [];
    if (next?.added) i++;
    if (removed.length !== added.length || added.length === 0) return false;
    for (let j = 0; j < added.length; j++) {
      if (!shortenedVersions(text[at + j] ?? '').some((l) => lineHash32(l) === removed[j])) return false;
    }
    at += added.length;
  }
  return true;
}

function refOf(f: Finding): UpstreamRef | undefined {
  const e = f.evidence as { upstream?: UpstreamRef; nearest?: UpstreamRef };
  return e.upstream ?? e.nearest;
}

/** The bundled database when it loads, else undefined (copies are then judged by name only). */
function bundledDb(): UpstreamDb | undefined {
  try {
    return upstreamDb();
  } catch {
    return undefined;
  }
}

/**
 * Judges one copy; `release` (the tag's date and name) bounds the versions it may be compared with; `hunks` the
 * distribution hunk corpus, `patches` the distributions' patch files (default: the bundled ones).
 */
export function judgeAclocalCopy(
  copy: AclocalCopyInput,
  release: { date?: string; tag?: string; project?: readonly string[] } = {},
  db: UpstreamDb | undefined = bundledDb(),
  hunks?: HunkCorpus | null,
  patches?: PatchCorpus | null,
): CopyJudgement {
  const f =
    copy.content !== undefined && db
      ? classifyUpstream(copy.name, Buffer.from(copy.content, 'latin1'), db, {
          form: 'aclocal',
          ...(release.date ? { releaseDate: release.date } : {}),
          ...(release.tag ? { releaseTag: release.tag } : {}),
          ...(release.project?.length ? { project: release.project } : {}),
          ...(hunks !== undefined ? { hunks } : {}),
          ...(patches !== undefined ? { patches } : {}),
        })
      : undefined;
  if (f) {
    const upstream = refOf(f);
    const lines = lineProvenanceOf(f);
    const distro = f.code === 'UPSTREAM_COPY_VARIANT' ? (f.evidence as { hunks?: DistroHunk[] }).hunks : undefined;
    const patches = f.code === 'UPSTREAM_COPY_PATCHED' ? (f.evidence as { patches?: DistroPatchUse[] }).patches : undefined;
    const evidence = { ...(upstream ? { upstream } : {}), ...(lines ? { lines } : {}), ...(distro?.length ? { hunks: distro } : {}), ...(patches?.length ? { patches } : {}) };
    if (f.code === 'UPSTREAM_COPY_PATCHED') {
      const content = Buffer.from(copy.content!, 'latin1');
      const prov = provenanceOf(db!, copy.name, content, release.date, release.tag, 'aclocal');
      const theirs = prov ? db!.versionLines(prov.version, 'aclocal') : undefined;
      if (!theirs || (!versionLinesOnly(theirs, content) && !patchLinesOnly(f))) return { flagged: { code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: codeDoc('UPSTREAM_COPY_UNKNOWN_VERSION').severity }, ...evidence };
    }
    if (codeDoc(f.code).explained && severityRank(f.severity) < severityRank('high')) return { explainedBy: f.code, ...evidence };
    return { flagged: { code: f.code, severity: f.severity }, ...evidence };
  }
  if (copy.upstream) return { explainedBy: 'UPSTREAM_COPY' };
  const code: FindingCode = copy.constructs?.length ? 'SUSPICIOUS_CONSTRUCTS' : copy.nameKnown ? 'UPSTREAM_COPY_UNKNOWN_VERSION' : 'TARBALL_ONLY_UNEXPLAINED';
  return { flagged: { code, severity: code === 'SUSPICIOUS_CONSTRUCTS' ? 'critical' : codeDoc(code).severity } };
}
