/**
 * The upstream classifier: a tarball-only or changed file whose base name is a known upstream file
 * (an m4 file in the database, an autotools aux script, gettext's po infrastructure) is compared with
 * every historical version of that file.
 *
 *   exact blob match                    → UPSTREAM_COPY (exact), info; low when only a local-system copy matched
 *   serial greater than any upstream's  → SERIAL_AHEAD_OF_UPSTREAM, critical (checked before the normalised
 *                                         match: serial lines are comments, which normalisation drops)
 *   normalised match                    → UPSTREAM_COPY (normalised), low: only comments/whitespace differ
 *   a version + known distribution hunks → UPSTREAM_COPY_VARIANT, low, the hunks listed (src/classify/distro-hunks.ts)
 *   libtool snapshot / distro build     → UPSTREAM_COPY_VARIANT, low (ltmain.sh, ltversion.m4, libtool.m4 …)
 *   anything else                       → UPSTREAM_COPY_UNKNOWN_VERSION, high, with the nearest version
 * An m4 file whose name the database does not know is left to other classifiers (undefined).
 */
import type { Finding, LineProvenance } from '../core/findings.js';
import { escalate, makeFinding } from '../core/severity.js';
import type { PathDiff } from '../core/types.js';
import { blobId } from '../scan/blob-id.js';
import { compareSerial, libtoolVersion, normalisedHash, parseSerial, scriptStamp } from './m4.js';
import { MAX_NOVEL_EVIDENCE, ownerOf, ownRelease, provenanceOf, type Provenance } from './provenance.js';
import { bundledHunkCorpus, matchDistroHunks, versionLabel, type HunkCorpus } from './distro-hunks.js';
import { accountNovelLines, directivesInPlace } from './novel-lines.js';
import { bundledPatchCorpus, type PatchCorpus } from './distro-patches.js';
import { findConstructs } from './suspicious.js';
import type { Classifier, ClassifyContext } from './types.js';
import { LOCAL_SYSTEM, toRef, upstreamDb, type UpstreamDb, type UpstreamVersion } from './upstream-db.js';
import { lineHash32 } from './upstream-lines.js';
import { admits } from './precheck.js';

/** Aux script and po-infrastructure names handled even when the database has no version of them. */
export const KNOWN_AUX_NAMES: ReadonlySet<string> = new Set([
  'config.guess', 'config.sub', 'install-sh', 'depcomp', 'missing', 'compile', 'test-driver', 'ar-lib', 'ylwrap',
  'config.rpath', 'ltmain.sh', 'mkinstalldirs', 'py-compile', 'tap-driver.sh', 'texinfo.tex', 'mdate-sh',
  'Makefile.in.in', 'Rules-quot', 'remove-potcdate.sin', 'quot.sed', 'boldquot.sed', 'en@quot.header',
  'en@boldquot.header', 'insert-header.sin', 'elisp-comp', 'gitlog-to-changelog',
]);

/**
 * Files other than m4 macros and aux scripts that a tool copies into projects and the database records
 * (gtkdocize's gtk-doc.make, from gtk-doc's history and Debian's gtk-doc-tools): judged only when the
 * database knows the name.
 */
export const COPIED_FILE_NAMES: ReadonlySet<string> = new Set(['gtk-doc.make']);

/** Whether a file could be in the database at all: decided without loading it (most differences are not). */
export function mayBeUpstreamFile(path: string): boolean {
  const name = baseName(path);
  return (name.endsWith('.m4') && name !== 'aclocal.m4') || KNOWN_AUX_NAMES.has(name) || COPIED_FILE_NAMES.has(name);
}

/** Files that carry a libtool version and are commonly shipped from snapshots or distribution builds. */
const LIBTOOL_FILES = new Set(['ltmain.sh', 'ltversion.m4', 'libtool.m4', 'ltoptions.m4', 'ltsugar.m4', 'lt~obsolete.m4']);

/**
 * A copy differing from its nearest upstream version in at most this many novel lines and this many missing
 * lines, with no suspicious construct anywhere in the file, is UPSTREAM_COPY_PATCHED (low); more stays
 * UPSTREAM_COPY_UNKNOWN_VERSION (high). A construct makes either critical.
 */
export const FEW_NOVEL_LINES = 10;
export const FEW_REMOVED_LINES = 25;

const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

export interface Nearest {
  version: UpstreamVersion;
  /** Lines added plus lines removed between that version and the file; undefined when not computed by lines. */
  changedLines?: number;
  /** Line-level provenance against that version, when the database has line data for the name. */
  provenance?: Provenance;
}

/**
 * The known version of `name` closest to `content`: by line data (src/classify/provenance.ts: fewest
 * changed lines, versions dated after the release excluded, the file's own project preferred); for names
 * without line data, the version with the same or the closest earlier version stamp.
 */
export function nearestVersion(db: UpstreamDb, name: string, content: Buffer, releaseDate?: string, releaseTag?: string, form?: 'aclocal'): Nearest | undefined {
  const versions = db.byName(name).filter((v) => v.project !== LOCAL_SYSTEM && !ownRelease(v, releaseTag));
  if (versions.length === 0) return undefined;
  const prov = provenanceOf(db, name, content, releaseDate, releaseTag, form);
  if (prov) return { version: prov.version, changedLines: prov.novelLines + prov.removedLines, provenance: prov };
  const stamp = scriptStamp(content);
  if (!stamp) return { version: versions[versions.length - 1]! };
  const value = `${stamp.kind}=${stamp.value}`;
  const same = versions.filter((v) => v.stamp === value);
  if (same.length > 0) return { version: same[same.length - 1]! };
  const earlier = versions.filter((v) => v.stamp !== undefined && v.stamp.startsWith(`${stamp.kind}=`) && v.stamp < value);
  earlier.sort((a, b) => (a.stamp! < b.stamp! ? -1 : a.stamp! > b.stamp! ? 1 : 0));
  return { version: earlier[earlier.length - 1] ?? versions[versions.length - 1]! };
}

/**
 * Primary version of a match: the file's own project's (libtool's ltmain.sh even where gettext's git also
 * has it), a project's release before a distribution's copy, then the oldest; the rest are counted as "others".
 */
function pick(list: UpstreamVersion[], owner?: string): UpstreamVersion {
  const rank = (v: UpstreamVersion) => (v.project === owner ? 0 : 2) + (v.source?.kind === 'distribution' ? 1 : 0);
  return [...list].sort((a, b) => rank(a) - rank(b) || ((a.date ?? '9') < (b.date ?? '9') ? -1 : (a.date ?? '9') > (b.date ?? '9') ? 1 : 0))[0]!;
}

/**
 * Classifies one file's content against the database; exported for tests and other callers. `form`
 * 'aclocal': the content is a copy inside aclocal.m4, compared with each version's aclocal form (its `##`
 * lines dropped) as well as the version itself.
 */
export function classifyUpstream(
  path: string,
  content: Buffer,
  db: UpstreamDb,
  opts: { releaseDate?: string; releaseTag?: string; form?: 'aclocal'; patch?: Buffer; hunks?: HunkCorpus | null; patches?: PatchCorpus | null; project?: readonly string[] } = {},
): Finding | undefined {
  const name = baseName(path);
  if (!db.has(name) && !KNOWN_AUX_NAMES.has(name)) return undefined;

  const oid = blobId('sha1', content);
  const exact = [...db.byBlob(oid), ...(opts.form === 'aclocal' ? db.byAclocalForm(oid) : [])].filter((v) => !ownRelease(v, opts.releaseTag));
  const upstreamExact = exact.filter((v) => v.project !== LOCAL_SYSTEM);
  if (upstreamExact.length > 0) {
    const sameName = upstreamExact.filter((v) => v.name === name);
    const main = pick(sameName.length > 0 ? sameName : upstreamExact, ownerOf(db, name));
    // Only a distribution's toolchain copy has this content: a labelled, patched variant.
    if (main.source?.kind === 'distribution')
      return makeFinding('UPSTREAM_COPY_VARIANT', path, { reason: 'distribution-patched', version: main.source.label, nearest: toRef(main), match: 'exact' });
    return makeFinding('UPSTREAM_COPY', path, { match: 'exact', upstream: toRef(main), others: upstreamExact.length - 1 });
  }
  if (exact.length > 0)
    return escalate(makeFinding('UPSTREAM_COPY', path, { match: 'exact', upstream: toRef(exact[0]!), others: exact.length - 1 }), 'low', 'local-copy-only');

  const serial = name.endsWith('.m4') ? parseSerial(content) : undefined;
  const max = db.maxSerial(name);
  if (serial && max && compareSerial(serial.parts, max.parts) > 0) {
    const prov = provenanceOf(db, name, content, opts.releaseDate, opts.releaseTag, opts.form);
    return withConstructs(
      makeFinding('SERIAL_AHEAD_OF_UPSTREAM', path, {
        name,
        serial: serial.parts[0]!,
        maxUpstream: max.parts[0]!,
        project: max.project,
        ...(max.version ? { maxUpstreamRef: toRef(max.version) } : {}),
        ...(prov ? { nearest: toRef(prov.version), ...lineEvidence(prov) } : {}),
      }),
      content,
    );
  }

  // Normalising drops every `#` line, a C preprocessor directive in a here-document included: such a line
  // (or a `#!` line) must be one a known version of the file has, in the same place (between the same lines).
  const normalised = db.byNormalised(normalisedHash(content)).filter((v) => v.name === name && !ownRelease(v, opts.releaseTag));
  if (normalised.length > 0 && directivesInPlace(db, name, content))
    return escalate(makeFinding('UPSTREAM_COPY', path, { match: 'normalised', upstream: toRef(pick(normalised, ownerOf(db, name))), others: normalised.length - 1 }), 'low', 'normalised-match');

  const nearest = nearestVersion(db, name, content, opts.releaseDate, opts.releaseTag, opts.form);
  const prov = nearest?.provenance;
  const constructs = findConstructs(content.toString('latin1'), path);
  // A known version plus distribution patch hunks only, each seen in the toolchain copies of several unrelated
  // projects' releases: the version and the hunks (their added lines shown) are the evidence.
  const distro = constructs.length === 0 ? matchDistroHunks(db, opts.hunks === undefined ? bundledHunkCorpus() : opts.hunks, name, content, opts.form, prov?.version.blob, opts.project) : undefined;
  if (distro) {
    const added = distro.hunks.flatMap((h) => h.added.map((text, i) => ({ line: h.line + i, text })));
    return makeFinding('UPSTREAM_COPY_VARIANT', path, {
      reason: 'distribution-patched',
      version: versionLabel(distro.version),
      nearest: toRef(distro.version),
      hunks: distro.hunks,
      novelLines: added.length,
      removedLines: distro.hunks.reduce((n, h) => n + h.removed, 0),
      novel: added.slice(0, MAX_NOVEL_EVIDENCE),
    });
  }
  // Every novel line must be accounted for (src/classify/novel-lines.ts: a comment, a line of another known
  // version, a version line, a shipped patch's line, an empty make rule): a few new code lines are a payload's shape.
  const accounted = prov && constructs.length === 0 ? accountNovelLines(db, path, name, content, prov, opts.patch, opts.patches === undefined ? bundledPatchCorpus() : opts.patches) : undefined;
  const clean = accounted !== undefined && accounted.unaccounted.length === 0 && accounted.unaccountedDeletions === 0;
  // the distribution patch files whose hunks account for lines: a labelled source, shown
  const patches = accounted?.patches.length ? { patches: accounted.patches } : {};
  // the lines a named patch file adds in place are that file's, not "novel": only the others count against the few
  // (openSUSE's test-driver patch adds 16 lines: findutils 4.9.0, irssi 1.4.5, libgphoto2 2.5.30)
  const patchLines = accounted?.patches.reduce((n, x) => n + x.lines.length, 0) ?? 0;
  if (prov && clean && prov.novelLines - patchLines <= FEW_NOVEL_LINES && prov.removedLines <= FEW_REMOVED_LINES) {
    return makeFinding('UPSTREAM_COPY_PATCHED', path, { name, upstream: toRef(prov.version), ...lineEvidence(prov), ...patches });
  }
  // A libtool snapshot or distribution build the database lacks: its version string says what it is, and every
  // line it adds to the nearest version must still be accounted for.
  if (LIBTOOL_FILES.has(name) && clean) {
    const lt = libtoolVersion(content);
    if (lt && lt.kind !== 'release') {
      return makeFinding('UPSTREAM_COPY_VARIANT', path, {
        reason: lt.kind === 'snapshot' ? 'libtool-snapshot' : 'distribution-patched',
        version: lt.version,
        ...(nearest ? { nearest: toRef(nearest.version) } : {}),
        ...(prov ? lineEvidence(prov) : {}),
        ...patches,
      });
    }
  }
  const unknown = makeFinding('UPSTREAM_COPY_UNKNOWN_VERSION', path, {
    name,
    ...(serial ? { serial: serial.parts[0]! } : {}),
    ...(nearest ? { nearest: toRef(nearest.version) } : {}),
    ...(nearest?.changedLines !== undefined ? { changedLines: nearest.changedLines } : {}),
    ...(prov ? lineEvidence(prov) : {}),
    ...(accounted ? { unaccountedLines: accounted.unaccounted.length + accounted.unaccountedDeletions } : {}),
  });
  return constructs.length > 0 ? escalate({ ...unknown, constructs }, 'critical', 'suspicious-constructs') : unknown;
}

function lineEvidence(p: Provenance): LineProvenance {
  return { novelLines: p.novelLines, removedLines: p.removedLines, novel: p.novel };
}

/** Suspicious constructs anywhere in the file are attached (upstream's own files carry none; see README). */
function withConstructs(f: Finding, content: Buffer): Finding {
  const constructs = findConstructs(content.toString('latin1'), f.path);
  return constructs.length > 0 ? { ...f, constructs } : f;
}

/**
 * The patch the tarball ships beside a file (NAME.diff or NAME.patch in the same directory: gettext's
 * test-driver.diff, which its autogen.sh applies to automake's test-driver). The patch is a file of the
 * release like any other, judged by its own finding, so a tampered patch fails the gate by itself.
 */
async function shippedPatch(path: string, ctx: ClassifyContext): Promise<Buffer | undefined> {
  for (const p of [`${path}.diff`, `${path}.patch`]) {
    if (!ctx.tarballPaths?.has(p)) continue;
    const b = ctx.content.tarball(p) ?? (ctx.gitPaths?.has(p) ? await ctx.content.git(p) : undefined);
    if (b) return b;
  }
  return undefined;
}

/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => (diff.status === 'changed' ? diff.changes?.includes('content') === true : diff.status === 'tarball-only') && diff.tarball?.type === 'file' && mayBeUpstreamFile(diff.path);

/** Builds the classifier over a given database (tests inject a small one); `upstreamClassifier` uses the bundled one. */
export function createUpstreamClassifier(db: () => UpstreamDb = upstreamDb): Classifier {
  return {
    id: 'upstream',
    candidate,
    async classify(diff: PathDiff, ctx: ClassifyContext) {
      if (!admits(candidate, diff)) return undefined;
      if (diff.status === 'changed') {
        if (!diff.changes?.includes('content') || diff.tarball?.type !== 'file') return undefined;
      } else if (diff.status !== 'tarball-only' || diff.tarball?.type !== 'file') return undefined;
      if (!mayBeUpstreamFile(diff.path)) return undefined;
      const content = ctx.content.tarball(diff.path);
      if (content === undefined) return undefined;
      const rev = ctx.revision;
      const patch = await shippedPatch(diff.path, ctx);
      return classifyUpstream(diff.path, content, db(), {
        ...(rev?.date ? { releaseDate: rev.date } : {}),
        ...(rev?.tag ? { releaseTag: rev.tag } : {}),
        ...(rev?.project?.length ? { project: rev.project } : {}),
        ...(patch ? { patch } : {}),
      });
    },
  };
}

export const upstreamClassifier: Classifier = createUpstreamClassifier();
