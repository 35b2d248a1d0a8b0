/**
 * Distribution patch hunks (issue 11 b): the corpus of changes distributions make to their toolchain's copies
 * of libtool.m4, ltmain.sh, config.sub … (Fedora's "Add ABI-specific directories to the system library path",
 * "Keeping compiler generated duplicates …"), derived by scripts/derive-distro-hunks.mjs from many real
 * upstream release tarballs (data/distro-hunks.json). Only derived data is kept: per hunk a SHA-256 key, line
 * counts and a label (the version it patches, how many projects and people shipped it, first/last seen,
 * example releases); never the projects' code.
 *
 * A hunk is one change block of a copy against the exact upstream version it patches (a known version of the
 * upstream database, by blob id): where in that version it starts, the version's lines it removes (their line
 * hashes: the version fixes them) and the copy's lines it adds (their exact text). Its key binds all of that:
 * the same lines added elsewhere, to another version, or with one more line are another key.
 *
 * A copy whose every change block against one version is a corpus hunk of that version is that version plus
 * known distribution hunks (UPSTREAM_COPY_VARIANT, reason 'distribution-patched', hunks listed); one block
 * that is not stays whatever the rest of the upstream classifier says.
 *
 * Leave-one-out: each hunk records the projects whose tarballs carried it (their supporters) and by whom; a
 * release of project P is judged on the supporters other than P only (HunkCorpus.support), so a release is
 * never its own evidence, even when the corpus was derived from tarballs that include it.
 */
import { createHash } from 'node:crypto';
import { diffArrays } from 'diff';
import { DistdiffError } from '../core/errors.js';
import { lazyJson } from '../util/bundled-data.js';
import type { DistroHunk } from '../core/findings.js';
import { blobId } from '../scan/blob-id.js';
import { provenanceOf } from './provenance.js';
import { LOCAL_SYSTEM, type UpstreamDb, type UpstreamVersion } from './upstream-db.js';
import { lineHashes32, splitFileLines } from './upstream-lines.js';

/**
 * Toolchain copies the corpus covers: the files a distribution's libtool, automake and config packages install
 * (automake's aux scripts too: a distribution's automake 1.15 shipped install-sh's /tmp race fix and mdate-sh's
 * TZ=UTC years before automake released them, and `automake --add-missing` copies them into every project).
 */
export const HUNK_FILES: ReadonlySet<string> = new Set([
  'ltmain.sh', 'libtool.m4', 'ltoptions.m4', 'ltsugar.m4', 'ltversion.m4', 'lt~obsolete.m4', 'config.sub', 'config.guess',
  'install-sh', 'mdate-sh', 'depcomp', 'missing', 'compile', 'test-driver', 'ar-lib', 'ylwrap', 'mkinstalldirs', 'py-compile', 'tap-driver.sh',
]);

/** A copy differing from a version in more lines than this is another version or a snapshot, not a patched copy. */
export const MAX_PATCHED_LINES = 200;

/** Default threshold: a hunk must occur in at least this many projects' releases, made by at least this many people. */
export const HUNK_THRESHOLD = 3;

/**
 * A project's name as the corpus and the judge compare it: lower case, a trailing version dropped
 * ("libXt-1.2.1" → "libxt", Debian's "libusb-1.0" → "libusb", "opus-tools_0.2" → "opus-tools").
 */
export function projectKey(name: string): string {
  const n = name.trim().toLowerCase();
  const m = /^(.+?)[-_]v?\d[\w.+~:-]*$/.exec(n);
  return m ? m[1]! : n;
}

/**
 * The names a judged release goes by (projectKey each): its archive's file name and its top directory
 * ("libXt-1.2.1.tar.xz", "libxt_1.2.1.orig.tar.gz", "libXt-1.2.1/"). Empty names are left out.
 */
export function releaseProjectNames(...names: (string | undefined)[]): string[] {
  const out = new Set<string>();
  for (const raw of names) {
    if (!raw) continue;
    const base = raw.replace(/[?#].*$/, '').replace(/\/+$/, '');
    const file = base.slice(base.lastIndexOf('/') + 1).replace(/\.orig(?=[.-])/, '').replace(/(?:\.(?:tar|tgz|txz|tbz2?|tzst|tlz|gz|xz|bz2|zst|zstd|lz|lzma|zip|z))+$/i, '');
    const k = projectKey(file);
    if (k) out.add(k);
  }
  return [...out];
}

/** One change block: `at` the 0-based line of the version where it starts, `removed` lines of it replaced by `added` lines of the copy from `from`. */
export interface ChangeBlock {
  at: number;
  removed: number;
  from: number;
  added: number;
}

export interface RawHunk {
  /** SHA-256 (hex) of the hunk's identity: hunkKey(). */
  key: string;
  name: string;
  /** Blob id of the upstream version it patches, and its label ("libtool 2.4.7"). */
  blob: string;
  version: string;
  /** 1-based line of that version where it applies; its line counts. */
  at: number;
  removed: number;
  added: number;
  /** In how many projects' releases, made by how many people, it was seen; first/last seen (copy dates). */
  projects: number;
  people: number;
  first: string;
  last: string;
  /** Up to three releases that ship it ("libnl3 3.7.0"). */
  examples: string[];
  /**
   * Every project whose tarballs carried it (leave-one-out: HunkCorpus.support): its names (projectKey: the
   * Debian source package's and the tarball's top directory's), `people` indices standing for who made its
   * tarballs (the same index is the same person within this hunk; never the owner's name), its releases and
   * their first/last dates.
   */
  supporters: HunkSupporter[];
}

export interface HunkSupporter {
  names: string[];
  people: number[];
  releases: string[];
  first: string;
  last: string;
}

/** A hunk's support once the judged project's own releases are left out. */
export interface HunkSupport {
  projects: number;
  people: number;
  first: string;
  last: string;
  examples: string[];
}

export interface RawHunkCorpus {
  schemaVersion: 2;
  generated: string;
  threshold: number;
  /** What the corpus was derived from (releases read, projects). */
  derivedFrom: { releases: number; projects: number; copies: number };
  /** Later derivations merged in for some names only (derive-distro-hunks.mjs --names … --merge): their hunks replace those names'. */
  supplements?: { generated: string; names: string[]; threshold: number; derivedFrom: { releases: number; projects: number; copies: number }; hunks: number }[];
  hunks: RawHunk[];
}

export class HunkCorpus {
  private readonly byKey = new Map<string, RawHunk>();
  private readonly blobsByName = new Map<string, string[]>();
  private readonly hunksByName = new Map<string, RawHunk[]>();
  constructor(readonly raw: RawHunkCorpus) {
    if (raw.schemaVersion !== 2 || !Array.isArray(raw.hunks) || raw.hunks.some((h) => !Array.isArray(h.supporters)))
      throw new DistdiffError('config', 'distribution hunk corpus', `unsupported schema ${String(raw.schemaVersion)}`, 'rebuild it with scripts/derive-distro-hunks.mjs');
    for (const h of raw.hunks) {
      this.byKey.set(h.key, h);
      const l = this.blobsByName.get(h.name) ?? [];
      if (!l.includes(h.blob)) l.push(h.blob);
      this.blobsByName.set(h.name, l);
      const n = this.hunksByName.get(h.name) ?? [];
      n.push(h);
      this.hunksByName.set(h.name, n);
    }
  }
  /** Every hunk of `name`, on any version. */
  hunksOf(name: string): readonly RawHunk[] {
    return this.hunksByName.get(name) ?? [];
  }
  hunk(key: string): RawHunk | undefined {
    return this.byKey.get(key);
  }
  /** The corpus's threshold (projects and people a hunk needs, the judged project left out). */
  get threshold(): number {
    return this.raw.threshold;
  }
  /**
   * The hunk's support without the releases of the projects named `exclude` (projectKey names of the judged
   * release): undefined when fewer than the threshold of other projects, or of other people, carried it — a
   * release is never evidence for itself.
   */
  support(h: RawHunk, exclude: readonly string[] = []): HunkSupport | undefined {
    const others = h.supporters.filter((s) => !s.names.some((n) => exclude.includes(n)));
    const people = new Set(others.flatMap((s) => s.people));
    if (others.length < this.raw.threshold || people.size < this.raw.threshold) return undefined;
    const first = others.map((s) => s.first).sort()[0]!;
    const last = others.map((s) => s.last).sort().at(-1)!;
    const examples = [...new Set(others.flatMap((s) => s.releases))].sort().slice(0, 3);
    return { projects: others.length, people: people.size, first, last, examples };
  }
  /** Blob ids of the versions of `name` that some hunk patches. */
  blobs(name: string): readonly string[] {
    return this.blobsByName.get(name) ?? [];
  }
}

export const HUNKS_URL = new URL('../../data/distro-hunks.json', import.meta.url);

/** The bundled corpus (data/distro-hunks.json), read once; null when the file is absent. */
export const bundledHunkCorpus = lazyJson(HUNKS_URL, (raw: RawHunkCorpus) => new HunkCorpus(raw), 'distribution hunk corpus', 'rebuild it with scripts/derive-distro-hunks.mjs');

/**
 * The change blocks turning `version` (line hashes) into `mine`, at most MAX_PATCHED_LINES changed lines
 * (undefined beyond). A pure insertion or deletion is moved to its first possible place (a block next to
 * equal lines can be placed several ways; the key must not depend on the diff's choice).
 */
export function changeBlocks(version: ArrayLike<number>, mine: readonly number[]): ChangeBlock[] | undefined {
  const parts = diffArrays(Array.from(version), [...mine], { maxEditLength: MAX_PATCHED_LINES });
  if (!parts) return undefined;
  const blocks: ChangeBlock[] = [];
  let at = 0;
  let from = 0;
  let cur: ChangeBlock | undefined;
  for (const p of parts) {
    const n = p.count ?? p.value.length;
    if (!p.added && !p.removed) {
      cur = undefined;
      at += n;
      from += n;
      continue;
    }
    if (!cur) blocks.push((cur = { at, removed: 0, from, added: 0 }));
    if (p.removed) {
      cur.removed += n;
      at += n;
    } else {
      cur.added += n;
      from += n;
    }
  }
  for (const b of blocks) {
    if (b.removed === 0) while (b.at > 0 && b.from > 0 && version[b.at - 1] === mine[b.from + b.added - 1]) (b.at--, b.from--);
    else if (b.added === 0) while (b.at > 0 && b.from > 0 && version[b.at - 1] === version[b.at + b.removed - 1]) (b.at--, b.from--);
  }
  return blocks;
}

/** The key of one block: the file name, the version's blob, the position, the removed lines' hashes, the added lines' text. */
export function hunkKey(name: string, blob: string, version: ArrayLike<number>, block: ChangeBlock, lines: readonly string[]): string {
  const removed = Array.from({ length: block.removed }, (_, i) => version[block.at + i]!);
  const added = lines.slice(block.from, block.from + block.added);
  return createHash('sha256').update(JSON.stringify([name, blob, block.at, removed, added])).digest('hex');
}

/** How a version is named in a hunk's label. */
export function versionLabel(v: UpstreamVersion): string {
  return v.source?.label ?? `${v.project} ${v.tag ?? v.commit ?? v.blob.slice(0, 12)}`;
}

export interface HunkMatch {
  version: UpstreamVersion;
  hunks: DistroHunk[];
}

/** Stands for a line aclocal dropped (put back by withDroppedLines): never the text of a real line. */
const DROPPED = '\u0000dropped';

/**
 * A copy inside aclocal.m4 (`mine`, `text`: its line hashes and lines) with the lines aclocal dropped from the
 * version (`##` lines: `form` is the version's aclocal form, `full` the version) put back where the version has
 * them, so that its change blocks are those of the file before aclocal copied it — the blocks the corpus was
 * derived from. `copyLine[i]` is the copy's own line index of line i (-1 for a line put back). Undefined when
 * `form` is not `full` with some lines left out, or the copy is too far from it.
 */
export function withDroppedLines(
  full: ArrayLike<number>,
  form: ArrayLike<number>,
  mine: readonly number[],
  text: readonly string[],
): { hashes: number[]; text: string[]; copyLine: number[] } | undefined {
  // where each line of the form is in the version (the form is the version minus the dropped lines)
  const at: number[] = [];
  let j = 0;
  for (let i = 0; i < form.length; i++) {
    while (j < full.length && full[j] !== form[i]) j++;
    if (j === full.length) return undefined;
    at.push(j++);
  }
  const parts = diffArrays(Array.from(form), [...mine], { maxEditLength: MAX_PATCHED_LINES });
  if (!parts) return undefined;
  const out = { hashes: [] as number[], text: [] as string[], copyLine: [] as number[] };
  let next = 0; // next line of the version not yet put out (a dropped one, or one of the form)
  const putBackUntil = (end: number) => {
    for (; next < end; next++) (out.hashes.push(full[next]!), out.text.push(DROPPED), out.copyLine.push(-1));
  };
  let f = 0;
  let m = 0;
  for (const p of parts) {
    const n = p.count ?? p.value.length;
    for (let k = 0; k < n; k++) {
      if (p.added) {
        out.hashes.push(mine[m]!), out.text.push(text[m]!), out.copyLine.push(m), m++;
        continue;
      }
      putBackUntil(at[f]!);
      next = at[f]! + 1;
      if (!p.removed) out.hashes.push(mine[m]!), out.text.push(text[m]!), out.copyLine.push(m), m++;
      f++;
    }
  }
  putBackUntil(full.length);
  return out;
}

/**
 * The version of `name` that `content` is, plus corpus hunks only; undefined when no version of the corpus
 * (or `nearest`, the copy's nearest version, whose blocks can be hunks the corpus saw on another version: portedHunk)
 * gives only known blocks. The shown lines are the copy's own (the added lines), numbered in the copy.
 * `form` 'aclocal': the content is a copy inside aclocal.m4, which lacks the version's `##` lines; they are
 * put back (withDroppedLines) before the blocks are keyed, so a hunk is the same hunk under m4/ and in aclocal.m4
 * and any other change (one more line, a line of its own, a `##` line removed or added) is a block the corpus lacks.
 */
export function matchDistroHunks(db: UpstreamDb, corpus: HunkCorpus | null, name: string, content: Buffer, form?: 'aclocal', nearest?: string, exclude: readonly string[] = []): HunkMatch | undefined {
  if (!corpus || !HUNK_FILES.has(name)) return undefined;
  // The versions the corpus has hunks on, then the copy's nearest version (its hunks can only be ported ones).
  const own = corpus.blobs(name);
  const candidates = nearest && !own.includes(nearest) && corpus.hunksOf(name).length ? [...own, nearest] : own;
  if (candidates.length === 0) return undefined;
  const copyText = splitFileLines(content);
  const copyHashes = lineHashes32(content);
  for (const blob of candidates) {
    const v = db.byBlob(blob).find((x) => x.name === name && x.project !== LOCAL_SYSTEM);
    const lines = v && db.versionLines(v);
    if (!v || !lines) continue;
    let text = copyText;
    let mine = copyHashes;
    let copyLine: number[] | undefined;
    if (form === 'aclocal' && v.aclocalBlob) {
      const aclocal = db.versionLines(v, 'aclocal');
      const put = aclocal && withDroppedLines(lines, aclocal, copyHashes, copyText);
      if (!put) continue;
      ({ text, hashes: mine, copyLine } = put);
    }
    const blocks = changeBlocks(lines, mine);
    if (!blocks || blocks.length === 0) continue;
    const hunks: DistroHunk[] = [];
    for (const b of blocks) {
      const found = corpus.hunk(hunkKey(name, blob, lines, b, text));
      const own = found && corpus.support(found, exclude) ? found : undefined;
      const ported = own ? undefined : portedHunk(db, corpus, name, lines, b, text, exclude);
      const h = own ?? ported;
      const support = h && corpus.support(h, exclude);
      if (!h || !support) break;
      // the block's first line in the copy's own numbering (the copy's lines before it, in aclocal.m4's form)
      const line = copyLine ? copyLine.slice(0, b.from).filter((c) => c >= 0).length : b.from;
      hunks.push({
        key: h.key.slice(0, 12),
        at: b.at + 1,
        removed: b.removed,
        line: line + 1,
        added: text.slice(b.from, b.from + b.added),
        projects: support.projects,
        people: support.people,
        first: support.first,
        last: support.last,
        examples: support.examples,
        ...(ported ? { on: ported.version } : {}),
      });
    }
    if (hunks.length === blocks.length) return { version: v, hunks };
  }
  return undefined;
}

/** Lines of context a ported hunk must have in common with the version the corpus saw it on, on either side (as patch(1)'s unified diffs). */
export const PORT_CONTEXT = 3;

/**
 * A corpus hunk of another version of the file that is this block: the same lines removed (by hash) and the same
 * lines added (by text, through the hunk's key), with PORT_CONTEXT lines of the version on either side equal to
 * the lines around the hunk in the version the corpus saw it on — the same distribution patch applied to a
 * neighbouring release, as patch(1) applies a hunk by its context (Fedora's "Keeping compiler generated
 * duplicates" ltmain.sh hunk, in the corpus on libtool 2.4.7 and 2.5.4, on a 2.4.6). A block elsewhere, with one
 * more line, or in other surroundings matches no hunk.
 */
export function portedHunk(db: UpstreamDb, corpus: HunkCorpus, name: string, lines: ArrayLike<number>, b: ChangeBlock, text: readonly string[], exclude: readonly string[] = []): RawHunk | undefined {
  for (const h of corpus.hunksOf(name)) {
    if (h.removed !== b.removed || h.added !== b.added || !corpus.support(h, exclude)) continue;
    const v = db.byBlob(h.blob).find((x) => x.name === name && x.project !== LOCAL_SYSTEM);
    const theirs = v && db.versionLines(v);
    if (!theirs) continue;
    const p = h.at - 1;
    const from = b.at - PORT_CONTEXT;
    const to = b.at + b.removed + PORT_CONTEXT;
    if (from < 0 || to > lines.length || p - PORT_CONTEXT < 0 || p + b.removed + PORT_CONTEXT > theirs.length) continue;
    let same = true;
    for (let i = -PORT_CONTEXT; i < b.removed + PORT_CONTEXT && same; i++) same = lines[b.at + i] === theirs[p + i];
    if (same && hunkKey(name, h.blob, theirs, { ...b, at: p }, text) === h.key) return h;
  }
  return undefined;
}

/** One toolchain copy read from a release tarball, for the corpus. */
export interface ReleaseCopy {
  /** The project (Debian source package) and the release ("libnl3 3.7.0"). */
  project: string;
  /** Other names of the project: the tarball's top directory ("libnl-3.7.0"); projectKey'd with `project` for leave-one-out. */
  aka?: string[];
  release: string;
  /** The tarball member's owner ("alanc/staff", "1000/1000"). */
  owner: string;
  /** The member's date (YYYY-MM-DD). */
  date: string;
  name: string;
  content: Buffer;
}

/** Owner fields that say nothing about who made the tarball: each project with one counts as its own person. */
const GENERIC_OWNER = /^(?:0|root|1000|users?|staff|wheel|\d+)?\/(?:0|root|1000|users?|staff|wheel|\d+)?$/;

/**
 * Derives the corpus: every change block of every copy against the version it is nearest to (the upstream
 * database's line data; copies identical to a known version have none), kept when it occurs identically in at
 * least `threshold` projects' releases made by at least `threshold` people. People: a named owner
 * ("alanc/staff") is one person across projects; a numeric or generic owner counts once per project.
 */
export function deriveHunkCorpus(db: UpstreamDb, copies: readonly ReleaseCopy[], opts: { threshold?: number; generated: string }): RawHunkCorpus {
  const threshold = opts.threshold ?? HUNK_THRESHOLD;
  const seen = new Map<string, { name: string; v: UpstreamVersion; at: number; removed: number; added: number; copies: ReleaseCopy[] }>();
  for (const c of copies) {
    if (!HUNK_FILES.has(c.name)) continue;
    const known = db.byBlob(blobId('sha1', c.content));
    if (known.some((v) => v.name === c.name)) continue;
    const prov = provenanceOf(db, c.name, c.content);
    if (!prov || prov.novelLines + prov.removedLines > MAX_PATCHED_LINES) continue;
    const lines = db.versionLines(prov.version);
    if (!lines) continue;
    const text = splitFileLines(c.content);
    const blocks = changeBlocks(lines, lineHashes32(c.content));
    for (const b of blocks ?? []) {
      const key = hunkKey(c.name, prov.version.blob, lines, b, text);
      const e = seen.get(key) ?? { name: c.name, v: prov.version, at: b.at + 1, removed: b.removed, added: b.added, copies: [] };
      e.copies.push(c);
      seen.set(key, e);
    }
  }
  const hunks: RawHunk[] = [];
  for (const [key, e] of seen) {
    const personOf = (c: ReleaseCopy) => (GENERIC_OWNER.test(c.owner) ? `${c.owner}@${c.project}` : c.owner);
    const projects = new Set(e.copies.map((c) => c.project));
    const people = new Set(e.copies.map(personOf));
    if (projects.size < threshold || people.size < threshold) continue;
    const dates = e.copies.map((c) => c.date).sort();
    const examples = [...new Set(e.copies.map((c) => c.release))].sort().slice(0, 3);
    // One supporter per project: its names, its releases, who made them (an index, consistent within the hunk).
    const personIndex = new Map<string, number>();
    const supporters: HunkSupporter[] = [];
    for (const project of [...projects].sort()) {
      const mine = e.copies.filter((c) => c.project === project);
      const who = [...new Set(mine.map(personOf))].sort();
      for (const p of who) if (!personIndex.has(p)) personIndex.set(p, personIndex.size);
      const d = mine.map((c) => c.date).sort();
      supporters.push({
        names: [...new Set([project, ...mine.flatMap((c) => c.aka ?? [])].map(projectKey))].sort(),
        people: who.map((p) => personIndex.get(p)!),
        releases: [...new Set(mine.map((c) => c.release))].sort(),
        first: d[0]!,
        last: d[d.length - 1]!,
      });
    }
    hunks.push({ key, name: e.name, blob: e.v.blob, version: versionLabel(e.v), at: e.at, removed: e.removed, added: e.added, projects: projects.size, people: people.size, first: dates[0]!, last: dates[dates.length - 1]!, examples, supporters });
  }
  hunks.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : a.at - b.at || (a.key < b.key ? -1 : 1)));
  const releases = new Set(copies.map((c) => c.release));
  return { schemaVersion: 2, generated: opts.generated, threshold, derivedFrom: { releases: releases.size, projects: new Set(copies.map((c) => c.project)).size, copies: copies.length }, hunks };
}
