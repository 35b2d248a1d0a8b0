/**
 * The database of known upstream files (data/upstream-db.json.gz, built by scripts/build-upstream-db.mjs
 * from the git history of gnulib, gettext, autoconf, automake, libtool, autoconf-archive, pkgconf,
 * pkg-config and config): every historical version of their m4 files and aux scripts, as derived data.
 *
 * Lookups are by git blob id (SHA-1 — callers with a sha256 repository compute blobId('sha1', content)),
 * by normalised-content hash (src/classify/m4.ts), and by file base name. Copies installed on this
 * machine (/usr/share/aclocal*, automake, libtool, gettext) form an extra source, 'local-system', of lower
 * trust: they are matched by exact blob id only and reported as such.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DistdiffError } from '../core/errors.js';
import type { UpstreamRef } from '../core/findings.js';
import { blobId } from '../scan/blob-id.js';
import { aclocalForm, compareSerial, NORMALISATION_VERSION, normalisedHash, parseSerial, scriptStamp, serialParts } from './m4.js';
import { bundledLinesDb, LinesDb, LinesDbBuilder, type RawLinesDb } from './upstream-lines.js';

export const LOCAL_SYSTEM = 'local-system';

export interface UpstreamVersion {
  name: string;
  project: string;
  /** Git blob id (SHA-1) of the content. */
  blob: string;
  /** First 24 hex digits of normalisedHash(); undefined for local-system entries. */
  norm?: string;
  /** Abbreviated (12 hex) commit that first introduced this content; absent for local-system entries. */
  commit?: string;
  /** Date of that commit (YYYY-MM-DD). */
  date?: string;
  /** First release tag (oldest by commit date) whose tree holds this content. */
  tag?: string;
  /** Serial as written ("5", "3.1"). */
  serial?: string;
  /** Aux scripts: "timestamp=…" or "scriptversion=…". */
  stamp?: string;
  /** Local-system entries: the file it was read from. */
  localPath?: string;
  /**
   * Versions not read from a project's git history: where they come from ("libtool 2.4.7 release tarball",
   * "Debian bookworm libtool 2.4.7-7~deb12u1"), and whether that is the project's own release or a
   * distribution's patched copy.
   */
  source?: { label: string; kind: 'release' | 'distribution' };
  /**
   * m4 files with `##` lines: the blob id of the form aclocal copies into aclocal.m4 (those lines dropped,
   * m4.ts aclocalForm); the line data holds that form's lines under this id too.
   */
  aclocalBlob?: string;
  /** Index of this version within its name's list. */
  index: number;
}

export interface UpstreamDbHeader {
  schemaVersion: number;
  normalisation: number;
  generated: string;
  sources: { project: string; repo: string; head: string }[];
}

/** [blob, norm, projectIndex, commit, date, tag|0, serial|0, stamp|0, source label|0, source kind|0, aclocal-form blob|0] */
type RawVersion = [string, string, number, string, string, string | 0, string | 0, string | 0, (string | 0)?, ('release' | 'distribution' | 0)?, (string | 0)?];
interface RawFile {
  maxSerial: Record<string, string>;
  v: RawVersion[];
}
export interface RawUpstreamDb extends UpstreamDbHeader {
  files: Record<string, RawFile>;
  /** In-memory databases (rawDbFromContents) carry their line data; the bundled one has it in its own file. */
  lines?: RawLinesDb;
}

export class UpstreamDb {
  readonly header: UpstreamDbHeader;
  private readonly files: Record<string, RawFile>;
  private readonly blobIndex = new Map<string, UpstreamVersion[]>();
  private readonly normIndex = new Map<string, UpstreamVersion[]>();
  private readonly aclocalIndex = new Map<string, UpstreamVersion[]>();
  private readonly nameIndex = new Map<string, UpstreamVersion[]>();
  private readonly local = new Map<string, UpstreamVersion[]>();
  private linesDb: LinesDb | null | undefined;
  private readonly linesProvider: () => LinesDb | null;

  /**
   * `lines` supplies the line data (data/upstream-lines.json.gz for the bundled database), asked for only
   * when a file matches no version exactly; a raw database carrying its own `lines` uses those.
   */
  constructor(raw: RawUpstreamDb, localFiles: readonly { path: string; content: Buffer }[] = [], lines: () => LinesDb | null = () => null) {
    if (raw.schemaVersion !== 1 || typeof raw.files !== 'object')
      throw new DistdiffError('config', 'upstream database', `unsupported schema ${String(raw.schemaVersion)}`, 'rebuild it with scripts/build-upstream-db.mjs');
    this.header = { schemaVersion: raw.schemaVersion, normalisation: raw.normalisation, generated: raw.generated, sources: raw.sources };
    this.files = raw.files;
    const own = raw.lines;
    this.linesProvider = own ? () => new LinesDb(own) : lines;
    for (const [name, f] of Object.entries(raw.files)) {
      const list = f.v.map(
        (r, index): UpstreamVersion => ({
          name,
          blob: r[0],
          norm: r[1],
          project: raw.sources[r[2]]?.project ?? '?',
          commit: r[3],
          date: r[4],
          tag: r[5] || undefined,
          serial: r[6] || undefined,
          stamp: r[7] || undefined,
          ...(typeof r[8] === 'string' && r[8] ? { source: { label: r[8], kind: r[9] === 'distribution' ? ('distribution' as const) : ('release' as const) } } : {}),
          ...(typeof r[10] === 'string' && r[10] ? { aclocalBlob: r[10] } : {}),
          index,
        }),
      );
      this.nameIndex.set(name, list);
      for (const v of list) {
        push(this.blobIndex, v.blob, v);
        push(this.normIndex, v.norm!, v);
        if (v.aclocalBlob) push(this.aclocalIndex, v.aclocalBlob, v);
      }
    }
    for (const { path, content } of localFiles) {
      const name = path.slice(path.lastIndexOf('/') + 1);
      const v: UpstreamVersion = { name, project: LOCAL_SYSTEM, blob: blobId('sha1', content), localPath: path, index: -1 };
      push(this.local, v.blob, v);
    }
  }

  /** Versions (any name, any project) with this SHA-1 blob id; upstream history first, then local-system copies. */
  byBlob(oid: string): UpstreamVersion[] {
    return [...(this.blobIndex.get(oid) ?? []), ...(this.local.get(oid) ?? [])];
  }

  /**
   * Versions (any name, any project) whose aclocal form — the file as aclocal copies it into aclocal.m4, its
   * `##` lines dropped — has this SHA-1 blob id, for the files where that form differs from the file.
   */
  byAclocalForm(oid: string): UpstreamVersion[] {
    return this.aclocalIndex.get(oid) ?? [];
  }

  /** Versions whose normalised hash (normalisedHash(), compared on its first 24 hex digits) is this. */
  byNormalised(hash: string): UpstreamVersion[] {
    return this.normIndex.get(hash.slice(0, 24)) ?? [];
  }

  /** Every known version of a base name, oldest first. */
  byName(name: string): UpstreamVersion[] {
    return this.nameIndex.get(name) ?? [];
  }

  has(name: string): boolean {
    return this.nameIndex.has(name);
  }

  /** The greatest serial any upstream ever gave this name, with the project and version that had it. */
  maxSerial(name: string): { serial: string; parts: number[]; project: string; version?: UpstreamVersion } | undefined {
    const f = this.files[name];
    if (!f) return undefined;
    let best: { serial: string; parts: number[]; project: string } | undefined;
    for (const [project, serial] of Object.entries(f.maxSerial)) {
      const parts = serialParts(serial);
      if (parts && (!best || compareSerial(parts, best.parts) > 0)) best = { serial, parts, project };
    }
    if (!best) return undefined;
    const version = this.byName(name).find((v) => v.project === best.project && v.serial === best.serial);
    return { ...best, version };
  }

  /** The line data (loaded on first use); null when there is none. */
  lines(): LinesDb | null {
    if (this.linesDb === undefined) this.linesDb = this.linesProvider();
    return this.linesDb;
  }

  /** Whether some known version of `name` (any project, any date) has a line of this 32-bit hash. */
  knownLine(name: string, hash: number): boolean {
    return this.lines()?.knownLine(name, hash) ?? false;
  }

  /** Whether some known version of `name` has a line of hash `a` directly followed by one of hash `b`. */
  knownPair(name: string, a: number, b: number): boolean {
    return this.lines()?.knownPair(name, a, b) ?? false;
  }

  /** Which of the windows some known version of `name` has (src/classify/upstream-lines.ts LinesDb.knownWindows). */
  knownWindows(name: string, windows: Parameters<LinesDb['knownWindows']>[1]): Set<number> {
    return this.lines()?.knownWindows(name, windows) ?? new Set();
  }

  /**
   * The 32-bit line hashes of one version, in order (of its aclocal form with `form` 'aclocal'); undefined
   * when the line data lacks it.
   */
  versionLines(v: UpstreamVersion, form?: 'aclocal'): Uint32Array | undefined {
    if (v.project === LOCAL_SYSTEM) return undefined;
    return this.lines()?.lines(v.name, form === 'aclocal' ? (v.aclocalBlob ?? v.blob) : v.blob);
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** An UpstreamRef for evidence. */
export function toRef(v: UpstreamVersion): UpstreamRef {
  const serial = v.serial !== undefined ? Number(v.serial.split('.')[0]) : undefined;
  return {
    project: v.project,
    file: v.localPath ?? v.name,
    ...(serial !== undefined && Number.isFinite(serial) ? { serial } : {}),
    ...(v.tag ? { version: v.tag } : {}),
    ...(v.commit ? { commit: v.commit } : {}),
    ...(v.date ? { date: v.date } : {}),
    ...(v.source ? { source: v.source.label } : {}),
  };
}

export const DATA_URL = new URL('../../data/upstream-db.json.gz', import.meta.url);

/** Reads and parses a database file (.json.gz or .json). */
export function readUpstreamDb(file: string | URL = DATA_URL): RawUpstreamDb {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (err) {
    throw new DistdiffError('config', String(file), `cannot read the upstream database: ${(err as Error).message}`, 'reinstall distdiff or rebuild data/ with scripts/build-upstream-db.mjs');
  }
  try {
    const text = buf[0] === 0x1f && buf[1] === 0x8b ? gunzipSync(buf).toString('utf8') : buf.toString('utf8');
    return JSON.parse(text) as RawUpstreamDb;
  } catch (err) {
    throw new DistdiffError('config', String(file), `corrupt upstream database: ${(err as Error).message}`, 'rebuild it with scripts/build-upstream-db.mjs');
  }
}

/** Directories whose files are read as 'local-system' copies (exact matches only). */
export const LOCAL_DIRS = ['/usr/share/aclocal', '/usr/share/libtool/build-aux', '/usr/share/gettext', '/usr/share/gettext/po'];
const LOCAL_DIR_PATTERNS = [/^aclocal-\d/, /^automake-\d/];
const LOCAL_MAX_FILE = 1 << 20;

/** Reads local copies of upstream files (regular files up to 1 MiB, not recursing beyond one level). */
export function readLocalSystemFiles(dirs: readonly string[] = LOCAL_DIRS): { path: string; content: Buffer }[] {
  const all = new Set(dirs);
  try {
    for (const d of readdirSync('/usr/share')) if (LOCAL_DIR_PATTERNS.some((r) => r.test(d))) all.add(join('/usr/share', d));
  } catch {
    // No /usr/share: no local copies.
  }
  const out: { path: string; content: Buffer }[] = [];
  for (const dir of [...all].sort()) {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const n of names) {
      const p = join(dir, n);
      try {
        const st = statSync(p);
        if (st.isFile() && st.size <= LOCAL_MAX_FILE) out.push({ path: p, content: readFileSync(p) });
      } catch {
        // Unreadable: skipped.
      }
    }
  }
  return out;
}

/**
 * Supplementary versions derived by their own scripts, for files the main database's sources do not make:
 * X.org's xorg-macros.m4, which util-macros' configure writes from two templates
 * (scripts/derive-xorg-macros.mjs). Same schema as the main file, with its line data inside.
 */
export const EXTRA_URL = new URL('../../data/upstream-extra.json.gz', import.meta.url);

/**
 * Further supplements of the same schema, merged after EXTRA_URL in this order: distributions' patched toolchain
 * copies rebuilt by their own deriver (data/upstream-extra-pkgsrc.json.gz: pkgsrc's libtool ltmain.sh, GNU's release
 * with pkgsrc's patch applied, scripts/derive-pkgsrc-libtool.mjs).
 */
export const MORE_EXTRA_URLS: readonly URL[] = [new URL('../../data/upstream-extra-pkgsrc.json.gz', import.meta.url)];

/**
 * The main database with a supplementary one's versions added (their projects appended to the sources): new
 * names, and versions of names the main database has too (libassuan.m4: Debian's packages there, libassuan's
 * history here), each name's versions then ordered by date; a blob the main database has for that name is not
 * added twice. A project's maximum serial is the greater of the two. Returns the merged database (without line
 * data) and the supplement's line data (LinesDb.withFiles adds it).
 */
export function mergeRawDbs(base: RawUpstreamDb, extra: RawUpstreamDb): { raw: RawUpstreamDb; lines?: RawLinesDb } {
  if (extra.schemaVersion !== 1 || typeof extra.files !== 'object')
    throw new DistdiffError('config', 'supplementary upstream database', `unsupported schema ${String(extra.schemaVersion)}`, 'rederive it with its script (scripts/derive-xorg-macros.mjs)');
  const offset = base.sources.length;
  const files: Record<string, RawFile> = { ...base.files };
  for (const [name, f] of Object.entries(extra.files)) {
    const had = files[name];
    const known = new Set(had?.v.map((r) => r[0]));
    const added = f.v.filter((r) => !known.has(r[0])).map((r) => [r[0], r[1], r[2] + offset, ...r.slice(3)] as RawVersion);
    const maxSerial: Record<string, string> = { ...had?.maxSerial };
    for (const [project, serial] of Object.entries(f.maxSerial)) {
      const prev = maxSerial[project];
      if (prev === undefined || compareSerial(serialParts(serial) ?? [], serialParts(prev) ?? []) > 0) maxSerial[project] = serial;
    }
    const v = [...(had?.v ?? []), ...added];
    if (had) v.sort((a, b) => (a[4] < b[4] ? -1 : a[4] > b[4] ? 1 : 0));
    files[name] = { maxSerial, v };
  }
  const { lines: _baseLines, ...rest } = base;
  void _baseLines;
  return { raw: { ...rest, sources: [...base.sources, ...extra.sources], files }, ...(extra.lines ? { lines: extra.lines } : {}) };
}

let cached: UpstreamDb | undefined;

/** The bundled database (and its supplement, when present) plus this machine's local copies, loaded once on first use. */
export function upstreamDb(): UpstreamDb {
  if (cached) return cached;
  const extras = [EXTRA_URL, ...MORE_EXTRA_URLS].filter((u) => existsSync(u)).map((u) => readUpstreamDb(u));
  if (!extras.length) {
    cached = new UpstreamDb(readUpstreamDb(), readLocalSystemFiles(), bundledLinesDb);
    return cached;
  }
  let raw = readUpstreamDb();
  const lineSets: RawLinesDb[] = [];
  for (const extra of extras) {
    const m = mergeRawDbs(raw, extra);
    raw = m.raw;
    if (m.lines) lineSets.push(m.lines);
  }
  let merged: LinesDb | null | undefined;
  const provider = (): LinesDb | null => {
    if (merged !== undefined) return merged;
    let db = bundledLinesDb();
    for (const l of lineSets) db = db ? db.withFiles(l) : new LinesDb(l);
    merged = db;
    return merged;
  };
  cached = new UpstreamDb(raw, readLocalSystemFiles(), provider);
  return cached;
}

export interface UpstreamFileVersion {
  name: string;
  project: string;
  content: Buffer | string;
  commit: string;
  date: string;
  tag?: string;
  source?: { label: string; kind: 'release' | 'distribution' };
}

/**
 * Builds an in-memory database from file contents (custom databases and tests). Same derived fields as
 * the build script, with the line data of every version carried along.
 */
export function rawDbFromContents(files: readonly UpstreamFileVersion[], generated = '1970-01-01'): RawUpstreamDb {
  const projects = [...new Set(files.map((f) => f.project))].sort();
  const out: Record<string, RawFile> = {};
  const lines = new LinesDbBuilder();
  for (const f of files) {
    const entry = (out[f.name] ??= { maxSerial: {}, v: [] });
    const buf = typeof f.content === 'string' ? Buffer.from(f.content, 'latin1') : f.content;
    const serial = f.name.endsWith('.m4') ? parseSerial(buf) : undefined;
    const stamp = f.name.endsWith('.m4') ? undefined : scriptStamp(buf);
    const blob = blobId('sha1', buf);
    lines.add(f.name, blob, buf);
    const form = f.name.endsWith('.m4') ? aclocalForm(buf.toString('latin1')) : undefined;
    const formBlob = form !== undefined && form.length !== buf.length ? blobId('sha1', Buffer.from(form, 'latin1')) : undefined;
    if (formBlob) lines.add(f.name, formBlob, form!);
    if (serial) {
      const prev = entry.maxSerial[f.project];
      if (prev === undefined || compareSerial(serial.parts, serialParts(prev) ?? []) > 0) entry.maxSerial[f.project] = serial.text;
    }
    entry.v.push([
      blob,
      normalisedHash(buf).slice(0, 24),
      projects.indexOf(f.project),
      f.commit.slice(0, 12),
      f.date,
      f.tag ?? 0,
      serial?.text ?? 0,
      stamp ? `${stamp.kind}=${stamp.value}` : 0,
      f.source?.label ?? 0,
      f.source?.kind ?? 0,
      formBlob ?? 0,
    ]);
  }
  return {
    schemaVersion: 1,
    normalisation: NORMALISATION_VERSION,
    generated,
    sources: projects.map((p) => ({ project: p, repo: p, head: '0'.repeat(40) })),
    files: out,
    lines: lines.toJSON(generated),
  };
}
