/**
 * Line-level data of known upstream files (data/upstream-lines.json.gz, issue 11 b): per file name, every
 * distinct line of every known version as a 32-bit hash, and per version (keyed by the first 12 hex digits
 * of its git blob id) the sequence of its lines as an edit script against the version before it. No upstream text
 * is stored; a copy of an upstream file is compared with a version line by line through these hashes, and
 * the lines the copy has that the version lacks — its novel lines — are shown from the copy itself.
 *
 * The file is loaded only when a copy matches no known version exactly (most releases never need it).
 * scripts/build-upstream-db.mjs writes it with LinesDbBuilder (the compiled copy of this module), and tests
 * build small ones with the same class, so the database and the classifier hash lines identically.
 *
 * A 32-bit collision can only make a changed line look unchanged (hiding it from the list shown); the
 * suspicious-construct scan covers the whole file regardless.
 */
import { diffArrays } from 'diff';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/**
 * How many of the copy's lines on either side of a line taken from a known version must stand there too (novel-lines.ts;
 * distro-patches.ts reads it here, not from novel-lines.ts, which imports its PatchCorpus type: no import cycle).
 */
export const CONTEXT_LINES = 2;

export interface RawLinesDb {
  schemaVersion: 2;
  generated: string;
  /** Line hash definition: FNV-1a over the line's latin1 bytes (CR kept), 32 bits. */
  hash: 'fnv1a32';
  /** Per name: dict = base64 of uint32le line hashes; v = "blobkey:base64 varint edit script" in order. */
  files: Record<string, { dict: string; v: string[] }>;
}

/** How many hex digits of a version's blob id key its line data. */
export const BLOB_KEY_HEX = 12;

/** 32-bit FNV-1a of one raw line (CR kept). */
export function lineHash32(line: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < line.length; i++) {
    h ^= line.charCodeAt(i) & 0xff;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The lines of a file as the line data sees them: split on LF, no extra line for a final newline. */
export function splitFileLines(content: Buffer | string): string[] {
  const text = typeof content === 'string' ? content : content.toString('latin1');
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function lineHashes32(content: Buffer | string): number[] {
  return splitFileLines(content).map(lineHash32);
}

function putVarint(out: number[], n: number): void {
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

function readVarints(buf: Buffer): number[] {
  const out: number[] = [];
  let n = 0;
  let mul = 1;
  for (const b of buf) {
    n += (b & 0x7f) * mul;
    if (b & 0x80) mul *= 128;
    else {
      out.push(n);
      n = 0;
      mul = 1;
    }
  }
  return out;
}

/**
 * Accumulates versions and writes the compact form. Per name: a dictionary of the distinct line hashes,
 * and the versions in order (by date: `add`'s `order`), each an edit script against the version before it
 * — copy c lines of it, skip s, insert n lines given as dictionary indexes — so a history of small edits
 * costs a few bytes per version. One instance per database.
 */
export class LinesDbBuilder {
  private readonly files = new Map<string, Map<string, { order: string; lines: Uint32Array }>>();

  /** Adds one version of a file; a blob already added under this name is skipped. `order` sorts versions (a date). */
  add(name: string, blob: string, content: Buffer | string, order = ''): void {
    let f = this.files.get(name);
    if (!f) {
      f = new Map();
      this.files.set(name, f);
    }
    const key = blob.slice(0, BLOB_KEY_HEX);
    if (f.has(key)) return;
    f.set(key, { order, lines: Uint32Array.from(lineHashes32(content)) });
  }

  get versions(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.size;
    return n;
  }

  toJSON(generated: string): RawLinesDb {
    const files: RawLinesDb['files'] = {};
    for (const name of [...this.files.keys()].sort()) {
      const versions = [...this.files.get(name)!.entries()].sort(([ka, a], [kb, b]) => (a.order < b.order ? -1 : a.order > b.order ? 1 : ka < kb ? -1 : 1));
      const dictIndex = new Map<number, number>();
      const dict: number[] = [];
      const idx = (h: number) => {
        let i = dictIndex.get(h);
        if (i === undefined) {
          i = dict.length;
          dictIndex.set(h, i);
          dict.push(h);
        }
        return i;
      };
      const v: string[] = [];
      let prev: number[] = [];
      for (const [key, { lines }] of versions) {
        const mine = Array.from(lines);
        const out: number[] = [];
        const parts = prev.length > 0 ? diffArrays(prev, mine, { maxEditLength: Math.max(64, Math.min(4000, mine.length)) }) : undefined;
        // ops: copy c, skip s, insert n + n dictionary indexes; an unrelated version is all inserts.
        let copy = 0;
        let skip = 0;
        let ins: number[] = [];
        const flush = () => {
          putVarint(out, copy);
          putVarint(out, skip);
          putVarint(out, ins.length);
          for (const h of ins) putVarint(out, idx(h));
          copy = 0;
          skip = 0;
          ins = [];
        };
        for (const p of parts ?? [{ added: true, removed: false, value: mine, count: mine.length }]) {
          const n = p.count ?? p.value.length;
          if (p.added) ins.push(...p.value);
          else if (p.removed) {
            if (ins.length) flush();
            skip += n;
          } else {
            if (skip || ins.length) flush();
            copy += n;
          }
        }
        if (copy || skip || ins.length) flush();
        v.push(`${key}:${Buffer.from(out).toString('base64')}`);
        prev = mine;
      }
      const d = Buffer.alloc(dict.length * 4);
      dict.forEach((h, i) => d.writeUInt32LE(h, i * 4));
      files[name] = { dict: d.toString('base64'), v };
    }
    return { schemaVersion: 2, generated, hash: 'fnv1a32', files };
  }
}

/** Decodes one name's versions (their edit scripts against the version before) into `m`. */
function decodeInto(f: RawLinesDb['files'][string], m: Map<string, Uint32Array>): void {
  const dict = Buffer.from(f.dict, 'base64');
  let prev = new Uint32Array(0);
  for (const entry of f.v) {
    const colon = entry.indexOf(':');
    const ops = readVarints(Buffer.from(entry.slice(colon + 1), 'base64'));
    const lines: number[] = [];
    let at = 0;
    for (let i = 0; i + 2 < ops.length; ) {
      const copy = ops[i++]!;
      const skip = ops[i++]!;
      const n = ops[i++]!;
      for (let j = 0; j < copy; j++) lines.push(prev[at + j]!);
      at += copy + skip;
      for (let j = 0; j < n; j++) lines.push(dict.readUInt32LE(ops[i++]! * 4));
    }
    prev = Uint32Array.from(lines);
    m.set(entry.slice(0, colon), prev);
  }
}

/** Read side: decodes one name's versions on first use. */
export class LinesDb {
  private readonly decoded = new Map<string, Map<string, Uint32Array>>();
  /** `extras`: supplementary line data (a supplementary database's, upstream-db.ts mergeRawDbs) whose versions of a name join this data's. */
  constructor(
    private readonly raw: RawLinesDb,
    private readonly extras: readonly RawLinesDb[] = [],
  ) {
    for (const r of [raw, ...extras]) if (r.schemaVersion !== 2 || r.hash !== 'fnv1a32') throw new Error(`unsupported line data (schema ${String(r.schemaVersion)}, hash ${String(r.hash)})`);
  }

  private versionsOf(name: string): Map<string, Uint32Array> | undefined {
    let m = this.decoded.get(name);
    if (m) return m;
    const files = [this.raw, ...this.extras].map((r) => r.files[name]).filter((f): f is RawLinesDb['files'][string] => f !== undefined);
    if (files.length === 0) return undefined;
    m = new Map();
    for (const f of files) decodeInto(f, m);
    this.decoded.set(name, m);
    return m;
  }

  /** This line data with another's versions added (a supplementary database's, data/upstream-extra.json.gz). */
  withFiles(extra: RawLinesDb): LinesDb {
    return new LinesDb(this.raw, [...this.extras, extra]);
  }

  has(name: string, blob: string): boolean {
    return this.versionsOf(name)?.has(blob.slice(0, BLOB_KEY_HEX)) ?? false;
  }

  private readonly dicts = new Map<string, Set<number>>();
  /** Whether some known version of `name` has a line of this hash (the name's dictionary of distinct lines). */
  knownLine(name: string, hash: number): boolean {
    let d = this.dicts.get(name);
    if (!d) {
      const f = this.raw.files[name];
      const b = f ? Buffer.from(f.dict, 'base64') : Buffer.alloc(0);
      d = new Set();
      for (let i = 0; i + 4 <= b.length; i += 4) d.add(b.readUInt32LE(i));
      this.dicts.set(name, d);
    }
    return d.has(hash);
  }

  private readonly pairs = new Map<string, Set<string>>();
  /** Whether some known version of `name` has a line of hash `a` directly followed by one of hash `b`. */
  knownPair(name: string, a: number, b: number): boolean {
    let set = this.pairs.get(name);
    if (!set) {
      set = new Set();
      for (const lines of this.versionsOf(name)?.values() ?? []) for (let i = 0; i + 1 < lines.length; i++) set.add(`${lines[i]}:${lines[i + 1]}`);
      this.pairs.set(name, set);
    }
    return set.has(`${a}:${b}`);
  }

  /**
   * Which of the windows some known version of `name` has, their lines one after another: each window is its
   * positions (each one of the hashes given for it), `center` the index of the position looked up first, and
   * `atStart`/`atEnd` whether it must begin/end that version (a copy's first or last lines). One pass over the
   * versions answers all windows; returns the indexes of the windows found.
   */
  knownWindows(name: string, windows: readonly { lines: readonly (readonly number[])[]; center: number; atStart: boolean; atEnd: boolean }[]): Set<number> {
    const found = new Set<number>();
    const byHash = new Map<number, number[]>();
    windows.forEach((w, k) => {
      for (const h of w.lines[w.center] ?? []) {
        const l = byHash.get(h);
        if (l) l.push(k);
        else byHash.set(h, [k]);
      }
    });
    if (byHash.size === 0) return found;
    for (const lines of this.versionsOf(name)?.values() ?? []) {
      for (let i = 0; i < lines.length; i++) {
        const ks = byHash.get(lines[i]!);
        if (!ks) continue;
        for (const k of ks) {
          if (found.has(k)) continue;
          const w = windows[k]!;
          const start = i - w.center;
          const end = start + w.lines.length;
          if (start < 0 || end > lines.length || (w.atStart && start !== 0) || (w.atEnd && end !== lines.length)) continue;
          let j = 0;
          while (j < w.lines.length && w.lines[j]!.includes(lines[start + j]!)) j++;
          if (j === w.lines.length) found.add(k);
        }
      }
      if (found.size === windows.length) break;
    }
    return found;
  }

  /** The line hashes of one version, in order; undefined when the data holds no such version. */
  lines(name: string, blob: string): Uint32Array | undefined {
    return this.versionsOf(name)?.get(blob.slice(0, BLOB_KEY_HEX));
  }
}

export const LINES_URL = new URL('../../data/upstream-lines.json.gz', import.meta.url);

/** Reads a line data file (.json.gz or .json); null when it is missing or unreadable (line provenance is then skipped). */
export function readLinesDb(file: string | URL = LINES_URL): LinesDb | null {
  try {
    const buf = readFileSync(file);
    const text = buf[0] === 0x1f && buf[1] === 0x8b ? gunzipSync(buf).toString('utf8') : buf.toString('utf8');
    return new LinesDb(JSON.parse(text) as RawLinesDb);
  } catch {
    return null;
  }
}

let bundled: LinesDb | null | undefined;
/** The bundled line data, loaded on first use. */
export function bundledLinesDb(): LinesDb | null {
  if (bundled === undefined) bundled = readLinesDb();
  return bundled;
}
