/**
 * Distributions' own patch files as a labelled source of novel lines (issue 11 b; patched31). A maintainer who runs
 * autoreconf on Debian ships Debian's libtool, whose `ltmain.sh` and `libtool.m4` carry the hunks of the package's
 * debian/patches (`0020-libtool-fix-GCC-clang-linking-with-fsanitize.patch`: `-specs=*|-fsanitize=*)`). The patch
 * files are published; their hunks are data (data/distro-patches.json, scripts/derive-distro-patches.mjs: per hunk
 * the file name it lands in, its patch file's label and each line's operation and 32-bit line hash — no text).
 *
 * A copy is compared with its nearest version patched as the package patches it: each package version's series is
 * applied in order, each hunk as patch(1) applies it — a published hunk with at least MIN_CONTEXT context lines on
 * each side, tried whole, then with patch(1)'s fuzz (up to MAX_FUZZ outer context lines of each side ignored, one
 * kept), then, for a replacement, by its changed lines alone (the same change in a patch refreshed for a newer
 * upstream file: hunkShapes) — its old side (context and `-` lines) standing exactly once in the file so far (a hunk
 * whose context could anchor it elsewhere is not applied). Only the hunk's own `+` lines are ever accounted for. The series that leaves the fewest changed lines is the
 * copy's patched version; the copy's lines a hunk added there are accounted for when the CONTEXT_LINES lines on each
 * side of them are the patched version's neighbours too, and what still differs is accounted for line by line
 * (src/classify/novel-lines.ts) as against any version. A hunk moved to another function is novel there and a
 * deletion where it belongs; one more line inside a hunk is a novel line between the hunk's own.
 */
import { lazyJson } from '../util/bundled-data.js';
import { diffArrays } from 'diff';
import { CONTEXT_LINES } from './upstream-lines.js';
import type { Finding } from '../core/findings.js';
import type { Provenance } from './provenance.js';

/** Context lines a hunk must have on each side of its change to be matched (Debian's patches have 3). */
export const MIN_CONTEXT = 2;

export interface RawPatchHunk {
  /** File name the hunk lands in (ltmain.sh for libtool's build-aux/ltmain.in and funclib.sh). */
  name: string;
  /** Index into the corpus's sources. */
  source: number;
  /** One character per line: ' ' context, '-' removed, '+' added. */
  ops: string;
  /** lineHash32 of each line's text (the patch's line without its operation character). */
  hashes: number[];
}

export interface RawPatchCorpus {
  schemaVersion: 1;
  generated: string;
  /**
   * One label per patch file: "Debian bookworm libtool 2.4.7-7~deb12u1 debian/patches/0020-….patch", "Gentoo libtool
   * 2.4.6-r6 (…) files/libtool-2.4.6-mint.patch" (seriesOf groups them by package version).
   */
  sources: string[];
  hunks: RawPatchHunk[];
}

export interface PatchAccounting {
  /**
   * The copy against the nearest version with the patch file series applied (the series that leaves the fewest
   * changed lines): its novel lines, deletions and replacements, as src/classify/novel-lines.ts accounts for them.
   */
  prov: Pick<Provenance, 'novelAt' | 'deleted' | 'replaced'>;
  /** Lines a hunk adds that the copy has, but not between the neighbours the patched version gives them (1-based). */
  misplaced: number[];
  /** The patch files whose hunks the copy carries in place, each with the copy's lines (1-based) it adds. */
  used: { source: string; lines: number[] }[];
}

/**
 * Whether every novel line of an UPSTREAM_COPY_PATCHED finding is a line a distribution's published patch series adds
 * in its place (evidence.patches, src/classify/distro-patches.ts), each novel line listed (a list cut short proves
 * nothing).
 */
export function patchLinesOnly(f: Pick<Finding, 'evidence'>): boolean {
  const e = f.evidence as { novelLines?: number; novel?: { line: number }[]; patches?: { lines: number[] }[] };
  if (!e.patches?.length || !e.novelLines || e.novel?.length !== e.novelLines) return false;
  const lines = new Set(e.patches.flatMap((x) => x.lines));
  return e.novel.every((n) => lines.has(n.line));
}

/**
 * The package version a patch file's label belongs to: its label up to " debian/patches/" (a Debian source package's
 * series) or " files/" (the patches a Gentoo ebuild's PATCHES lists, in its order); any other label is a series of
 * its own (gnulib's test-driver.diff, one openSUSE patch).
 */
export function seriesOf(label: string): string {
  return label.replace(/ (?:debian\/patches|files)\/[^ ]*$/, '');
}

export class PatchCorpus {
  private readonly byName = new Map<string, RawPatchHunk[]>();
  constructor(readonly raw: RawPatchCorpus) {
    if (raw.schemaVersion !== 1 || !Array.isArray(raw.hunks) || !Array.isArray(raw.sources)) throw new Error('not a schema-1 patch corpus');
    for (const h of raw.hunks) {
      if (h.ops.length !== h.hashes.length || !/^[ +-]+$/.test(h.ops) || raw.sources[h.source] === undefined) throw new Error(`malformed hunk of ${h.name}`);
      const list = this.byName.get(h.name) ?? [];
      list.push(h);
      this.byName.set(h.name, list);
    }
  }

  hunksOf(name: string): readonly RawPatchHunk[] {
    return this.byName.get(name) ?? [];
  }

  /**
   * The nearest version with each package's patch series applied (in series order, each hunk where its whole old
   * side stands once: see the header), compared with the copy; undefined when no series applies or none brings
   * the copy closer.
   */
  account(name: string, copy: readonly number[], prov: Pick<Provenance, 'versionLines' | 'novelLines' | 'removedLines'>): PatchAccounting | undefined {
    const hunks = this.hunksOf(name);
    if (hunks.length === 0) return undefined;
    // one series per package version: the sources' labels up to " debian/patches/" (Debian) or " files/" (Gentoo's
    // ebuild PATCHES, scripts/derive-distro-patches.mjs --series)
    const series = new Map<string, RawPatchHunk[]>();
    for (const h of hunks) {
      const pkg = seriesOf(this.raw.sources[h.source]!);
      series.set(pkg, [...(series.get(pkg) ?? []), h]);
    }
    let best: { changed: number; parts: ArrayDiff; patched: number[]; from: (number | undefined)[] } | undefined;
    const mine = new Map<number, number>();
    for (const h of copy) mine.set(h, (mine.get(h) ?? 0) + 1);
    for (const list of series.values()) {
      const start = Array.from(prov.versionLines);
      const have = new Map<number, number>();
      for (const h of start) have.set(h, (have.get(h) ?? 0) + 1);
      // the source (index into raw.sources) of each patched line a hunk added, undefined for the version's lines
      let base: State = { patched: start, from: start.map(() => undefined), have, gain: 0, applied: 0 };
      // hunks applied that bring nothing by themselves, kept while a later hunk may change their lines again (0020-…-
      // fsanitize changes the one line of 0001-…-specs the copy has): applied together they may bring the copy closer
      let pending: State[] = [];
      for (const h of list) {
        const lead = h.ops.length - h.ops.replace(/^ +/, '').length;
        const trail = h.ops.length - h.ops.replace(/ +$/, '').length;
        if (lead < MIN_CONTEXT || trail < MIN_CONTEXT || lead === h.ops.length) continue;
        const next = applyHunk(base, h, mine);
        if (next && next.gain > base.gain) {
          base = next;
          pending = pending.map((st) => applyHunk(st, h, mine) ?? st);
          continue;
        }
        const later = pending.map((st) => applyHunk(st, h, mine)).filter((st): st is State => st !== undefined && st.gain > base.gain);
        if (later.length > 0) {
          base = later.reduce((x, y) => (y.gain > x.gain ? y : x));
          pending = [];
          continue;
        }
        if (next) pending = [...pending, next].slice(-MAX_PENDING);
      }
      if (base.applied === 0) continue;
      const limit = best ? best.changed : prov.novelLines + prov.removedLines;
      const parts = diffArrays(base.patched, [...copy], { maxEditLength: limit });
      if (!parts) continue;
      let changed = 0;
      for (const p of parts) if (p.added || p.removed) changed += p.count ?? p.value.length;
      if (changed < limit) best = { changed, parts, patched: base.patched, from: base.from };
    }
    if (!best) return undefined;

    const novelAt: number[] = [];
    const deleted: { at: number; hashes: number[] }[] = [];
    const replaced: { from: number; to: number; hashes: number[] }[] = [];
    const toPatched = new Int32Array(copy.length).fill(-1);
    const parts = best.parts;
    let at = 0;
    let pat = 0;
    for (let k = 0; k < parts.length; k++) {
      const p = parts[k]!;
      const n = p.count ?? p.value.length;
      if (p.removed) {
        const before = parts[k - 1]?.added ? parts[k - 1]! : undefined;
        const after = parts[k + 1]?.added ? parts[k + 1]! : undefined;
        if (after) replaced.push({ from: at + 1, to: at + (after.count ?? after.value.length), hashes: p.value });
        else if (before) replaced.push({ from: at - (before.count ?? before.value.length) + 1, to: at, hashes: p.value });
        else deleted.push({ at: at + 1, hashes: p.value });
        pat += n;
        continue;
      }
      if (p.added) for (let i = 0; i < n; i++) novelAt.push(at + i + 1);
      else for (let i = 0; i < n; i++) toPatched[at + i] = pat + i;
      if (!p.added) pat += n;
      at += n;
    }
    // a line a hunk added, in the copy: in place when its CONTEXT_LINES neighbours on each side are the patched
    // version's neighbours of it (a hunk moved elsewhere, or cut apart, is not)
    const misplaced: number[] = [];
    const used = new Map<number, number[]>();
    for (let i = 0; i < copy.length; i++) {
      const j = toPatched[i]!;
      const src = j >= 0 ? best.from[j] : undefined;
      if (src === undefined) continue;
      let ok = true;
      for (let d = -CONTEXT_LINES; d <= CONTEXT_LINES && ok; d++) {
        const ci = i + d;
        const pj = j + d;
        if (ci < 0 || ci >= copy.length || pj < 0 || pj >= best.patched.length) ok = (ci < 0) === (pj < 0) && (ci >= copy.length) === (pj >= best.patched.length);
        else ok = toPatched[ci] === pj;
      }
      if (!ok) misplaced.push(i + 1);
      else used.set(src, [...(used.get(src) ?? []), i + 1]);
    }
    return {
      prov: { novelAt, deleted, replaced },
      misplaced,
      used: [...used].map(([s, lines]) => ({ source: this.raw.sources[s]!, lines })),
    };
  }
}

type ArrayDiff = NonNullable<ReturnType<typeof diffArrays<number>>>;

/** A file being patched: its lines, the source of each line a hunk added, its lines as a multiset, how much closer (in lines shared with the copy) than the version it is. */
interface State {
  patched: number[];
  from: (number | undefined)[];
  have: Map<number, number>;
  gain: number;
  applied: number;
}

/** States of pending hunks kept at once. */
const MAX_PENDING = 8;

/**
 * The state with the hunk applied where its old side stands exactly once (undefined: nowhere or in several places),
 * its gain counted against the copy's lines as multisets (a line the copy has once more shared, half a line for each
 * line the patched file grows).
 */
/** patch(1)'s default fuzz factor: up to this many outer context lines on each side may be ignored. */
export const MAX_FUZZ = 2;

/**
 * The shapes a hunk is tried in, in order, as patch(1) tries it and as a distribution refreshes it: whole; with the
 * outer 1, then MAX_FUZZ, context lines of each side ignored (patch(1)'s fuzz: Gentoo's eapply applies
 * libtool-2.4.3-use-linux-version-in-fbsd.patch to libtool 2.4.6, whose libtool.m4 no longer spells `${libname}`), at
 * least one context line kept on each side; and, for a hunk whose changed lines are one run with at least one `-`
 * line, that run alone (a refreshed patch: the same change, the context around it rewritten upstream since — config.sub's
 * os list re-wrapped in 2020 around Gentoo's `| its* | irx*` line). Each shape's old side must stand once in the file.
 */
function hunkShapes(h: RawPatchHunk): { ops: string; hashes: number[] }[] {
  const lead = h.ops.length - h.ops.replace(/^ +/, '').length;
  const trail = h.ops.length - h.ops.replace(/ +$/, '').length;
  const shapes: { ops: string; hashes: number[] }[] = [{ ops: h.ops, hashes: h.hashes }];
  for (let f = 1; f <= MAX_FUZZ; f++) {
    // outer context lines ignored on each side, one always kept
    const a = Math.max(0, Math.min(f, lead - 1));
    const b = Math.max(0, Math.min(f, trail - 1));
    const end = h.ops.length - b;
    // no line ignored, or no more than the shape before (a side already down to its one line)
    if (end - a === shapes[shapes.length - 1]!.ops.length) continue;
    shapes.push({ ops: h.ops.slice(a, end), hashes: h.hashes.slice(a, end) });
  }
  const change = h.ops.slice(lead, h.ops.length - trail);
  if (change.includes('-') && !change.includes(' ')) shapes.push({ ops: change, hashes: h.hashes.slice(lead, h.hashes.length - trail) });
  return shapes;
}

function applyHunk(st: State, hunk: RawPatchHunk, mine: ReadonlyMap<number, number>): State | undefined {
  let h: { ops: string; hashes: number[] } | undefined;
  let oldSide: number[] = [];
  let newSide: number[] = [];
  let at = -1;
  for (const shape of hunkShapes(hunk)) {
    oldSide = [];
    newSide = [];
    for (let k = 0; k < shape.ops.length; k++) {
      if (shape.ops[k] !== '+') oldSide.push(shape.hashes[k]!);
      if (shape.ops[k] !== '-') newSide.push(shape.hashes[k]!);
    }
    at = uniqueOccurrence(st.patched, oldSide);
    if (at >= 0) {
      h = shape;
      break;
    }
  }
  if (!h) return undefined;
  const delta = new Map<number, number>();
  for (let k = 0; k < h.ops.length; k++) if (h.ops[k] !== ' ') delta.set(h.hashes[k]!, (delta.get(h.hashes[k]!) ?? 0) + (h.ops[k] === '+' ? 1 : -1));
  let gain = st.gain;
  const have = new Map(st.have);
  for (const [x, d] of delta) {
    const had = have.get(x) ?? 0;
    const c = mine.get(x) ?? 0;
    gain += Math.min(had + d, c) - Math.min(had, c) - d / 2;
    have.set(x, had + d);
  }
  // context lines keep what they were (a line an earlier hunk added stays that hunk's)
  let o = 0;
  const keptFrom: (number | undefined)[] = [];
  for (let k = 0; k < h.ops.length; k++) {
    if (h.ops[k] === ' ') keptFrom.push(st.from[at + o]);
    else if (h.ops[k] === '+') keptFrom.push(hunk.source);
    if (h.ops[k] !== '+') o++;
  }
  return {
    patched: [...st.patched.slice(0, at), ...newSide, ...st.patched.slice(at + oldSide.length)],
    from: [...st.from.slice(0, at), ...keptFrom, ...st.from.slice(at + oldSide.length)],
    have,
    gain,
    applied: st.applied + 1,
  };
}

/** Where `run` occurs in `lines` when it occurs exactly once; -1 otherwise. */
function uniqueOccurrence(lines: readonly number[], run: readonly number[]): number {
  let found = -1;
  for (let i = 0; i + run.length <= lines.length; i++) {
    if (lines[i] !== run[0]) continue;
    let k = 1;
    while (k < run.length && lines[i + k] === run[k]) k++;
    if (k < run.length) continue;
    if (found >= 0) return -1;
    found = i;
  }
  return found;
}

export const PATCHES_URL = new URL('../../data/distro-patches.json', import.meta.url);
/** The bundled corpus (null when the data file is absent). */
export const bundledPatchCorpus = lazyJson(PATCHES_URL, (raw: RawPatchCorpus) => new PatchCorpus(raw), 'distribution patch corpus', 'rebuild it with scripts/derive-distro-patches.mjs');

/**
 * The hunks of a unified diff (a debian/patches file), each with the path it patches (the `+++` name, its first
 * component dropped as `patch -p1` does) — lines as latin1 text. A `\ No newline at end of file` line is skipped.
 */
export function parseUnifiedDiff(text: string): { path: string; ops: string; lines: string[] }[] {
  const out: { path: string; ops: string; lines: string[] }[] = [];
  const all = text.split('\n');
  let path: string | undefined;
  for (let i = 0; i < all.length; i++) {
    const l = all[i]!;
    if (l.startsWith('+++ ')) {
      path = l.slice(4).replace(/\t.*$/, '').trim().replace(/^[^/]*\//, '');
      continue;
    }
    const m = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(l);
    if (!m || !path) continue;
    let oldLeft = m[1] === undefined ? 1 : Number(m[1]);
    let newLeft = m[2] === undefined ? 1 : Number(m[2]);
    let ops = '';
    const lines: string[] = [];
    for (i++; i < all.length && (oldLeft > 0 || newLeft > 0); i++) {
      const t = all[i]!;
      if (t.startsWith('\\')) continue;
      const op = t === '' ? ' ' : t[0]!;
      if (op === ' ') {
        oldLeft--;
        newLeft--;
      } else if (op === '-') oldLeft--;
      else if (op === '+') newLeft--;
      else break;
      ops += op;
      lines.push(t.slice(1));
    }
    i--;
    if (oldLeft === 0 && newLeft === 0) out.push({ path, ops, lines });
  }
  return out;
}
