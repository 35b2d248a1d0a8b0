/**
 * The entry-collection toolkit shared by the three container drivers (tar.ts/tar-scan.ts, zip.ts,
 * directory.ts): scan options, the per-file sink that hashes content into its blob id and keeps what
 * may be retained, the collector that records entries and anomalies and enforces the entry/path limits,
 * and the decoded-size limits. It imports no driver, so no driver imports another.
 */
import { DistdiffError } from '../core/errors.js';
import type { Limits } from '../core/limits.js';
import { anomaly, type AnomalyCode, type AnomalyEvidence, type ArchiveAnomaly, type ArchiveScan, type Compression, type ContainerFormat, type EntryType, type HashAlgo, type TreeEntry } from '../core/types.js';
import { blobId, createBlobHasher, type BlobHasher } from './blob-id.js';
import { BoundedContentStore, HEAD_BYTES } from './content-store.js';
import { commonTopDir, decodeNameBytes, linkEscapesTree, normaliseEntryName } from './paths.js';

export interface ScanOptions {
  algo: HashAlgo;
  limits: Limits;
  /**
   * Called once a regular file is hashed; return true to keep its content in the ContentStore. Default: keep
   * (within the budget). May be a promise (e.g. of git's blob ids being listed): a compressed tar's decoder is
   * started before it is awaited, so decoding overlaps with whatever produces it; a promise of undefined is
   * the default.
   */
  retain?: RetainFn | Promise<RetainFn | undefined>;
  /**
   * Known blob ids, each mapped to itself (git's tree listing): an entry whose id is found there holds that
   * string rather than its own copy. May be a promise (of undefined: none known), settled with `retain`.
   */
  ids?: ReadonlyMap<string, string> | Promise<ReadonlyMap<string, string> | undefined>;
  /** false: never spawn xz/zstd/bzip2, decode with the pure-JS fallbacks. Default true. */
  systemDecoders?: boolean;
  /**
   * Called once, as soon as the first regular file with base name `base` (at any depth) is recorded. verify
   * starts the regeneration's tool probes on the first `configure`, so an archive without one never runs them.
   */
  onFileNamed?: { base: string; seen: () => void };
}

export type RetainFn = (oid: string, size: number) => boolean;

/** The options with `retain` settled to a function (or absent), and `ids` to a map (or absent). */
export async function settleRetain(opts: ScanOptions): Promise<ScanOptions & { retain?: RetainFn; ids?: ReadonlyMap<string, string> }> {
  const settled = (opts.retain === undefined || typeof opts.retain === 'function') && !(opts.ids instanceof Promise);
  if (settled) return opts as ScanOptions & { retain?: RetainFn; ids?: ReadonlyMap<string, string> };
  const [retain, ids] = await Promise.all([opts.retain, opts.ids]);
  const { retain: _r, ids: _i, ...rest } = opts;
  const out: ScanOptions & { retain?: RetainFn; ids?: ReadonlyMap<string, string> } = rest;
  if (retain !== undefined) out.retain = retain;
  if (ids !== undefined) out.ids = ids;
  return out;
}

export interface ScanResult extends ArchiveScan {
  /** sha256 of the raw input file bytes (not for directories). */
  sha256?: string;
  inputBytes: number;
}

/** Decoded bytes below which the ratio limit is not enforced (small legitimate files compress very well). */
export const RATIO_GRACE_BYTES = 64 * 1024 * 1024;

const LIMIT_HINT = 'raise --max-ratio/--max-uncompressed if you trust this archive';

/**
 * How long a chunk handed to FileSink.update stays valid: `true` (stable: the producer never reuses a chunk's
 * memory: zlib output, file reads), `false` (it may be reused at any time: each chunk is copied as it
 * arrives), or `'reused'` (a view of one read buffer that is overwritten after the delivery that carried it:
 * the child decoder's output, ./decode.ts; the driver calls FileSink.release() at the end of every delivery).
 */
export type ChunkLife = boolean | 'reused';

/**
 * Streams one file's content into its blob id, keeping it when it may be retained.
 *
 * With stable chunks the chunks are only referenced while the file streams and copied once, at the end,
 * when the content is really kept: most files are in git and are never copied. With reused chunks the same
 * holds within one delivery; at its end (release()) the views are copied into the collector's one scratch
 * buffer (reused from file to file), and a kept file is copied out of it at the end. Otherwise each chunk is
 * copied into a buffer of the declared size as it arrives.
 */
export class FileSink {
  private readonly hasher: BlobHasher;
  private buf: Buffer | undefined;
  private fill = 0;
  private readonly keep: boolean;
  private pieces: Buffer[] | undefined;
  private overflow = false;
  /** Reused chunks: bytes of this file already copied into the collector's scratch buffer. */
  private scratched = 0;
  /** A file over the per-file limit: its first bytes, copied as they arrive (the store's heads). */
  private head: Buffer | undefined;
  private headFill = 0;

  constructor(
    private readonly col: EntryCollector,
    readonly size: number,
    private readonly chunks: ChunkLife = false,
  ) {
    this.hasher = createBlobHasher(col.algo, size);
    this.keep = col.wantsBuffer(size);
    if (this.keep && chunks === false) this.buf = Buffer.allocUnsafe(size);
    else if (!this.keep && col.store.wantsHead(size, col.heldHeadBytes)) this.head = Buffer.allocUnsafe(Math.min(size, HEAD_BYTES));
  }

  update(chunk: Buffer): void {
    this.hasher.update(chunk);
    if (this.head !== undefined && this.headFill < this.head.length) this.headFill += chunk.copy(this.head, this.headFill, 0, Math.min(chunk.length, this.head.length - this.headFill));
    if (!this.keep || this.overflow) return;
    if (this.fill + chunk.length > this.size) {
      this.overflow = true;
      this.buf = undefined;
      this.pieces = undefined;
      return;
    }
    if (this.chunks !== false) (this.pieces ??= []).push(chunk);
    else chunk.copy(this.buf!, this.fill);
    this.fill += chunk.length;
  }

  /**
   * Reused chunks: the delivery is over and its buffer is about to be overwritten; the views of it this
   * file holds are copied into the scratch buffer.
   */
  release(): void {
    const pieces = this.pieces;
    if (pieces === undefined) return;
    this.pieces = undefined;
    if (this.overflow) return;
    const scratch = this.col.scratch(this.size);
    for (let k = 0; k < pieces.length; k++) {
      const p = pieces[k]!;
      p.copy(scratch, this.scratched);
      this.scratched += p.length;
    }
  }

  get received(): number {
    return this.hasher.received;
  }

  /** The content as a buffer of its own (stable or reused chunks; a piece may be a small view of a large chunk). */
  private owned(): Buffer {
    const pieces = this.pieces ?? [];
    if (this.scratched === 0) return pieces.length === 1 ? Buffer.from(pieces[0]!) : Buffer.concat(pieces, this.fill);
    const out = Buffer.allocUnsafe(this.fill);
    this.col.scratch(this.size).copy(out, 0, 0, this.scratched);
    let at = this.scratched;
    for (let k = 0; k < pieces.length; k++) {
      const p = pieces[k]!;
      p.copy(out, at);
      at += p.length;
    }
    return out;
  }

  /** The blob id; offers the content to the store. */
  finish(): string {
    const oid = this.hasher.digest();
    if (this.head !== undefined) {
      // not buffered (over the per-file limit): the head instead, judged with the same one retain() call
      this.col.offerHead(oid, this.size, this.headFill === this.head.length ? this.head : undefined);
      this.head = undefined;
      return oid;
    }
    const whole = this.keep && !this.overflow;
    if (this.col.retainPending) {
      // Whether to keep it is not known yet: the content (stable chunks as they are, or a copy) waits.
      const content = !whole ? undefined : this.chunks === true ? (this.pieces ?? []) : this.chunks === false ? this.buf! : this.owned();
      this.col.hold(oid, this.size, content, this.fill);
      this.buf = undefined;
      this.pieces = undefined;
      return oid;
    }
    let content: Buffer | undefined;
    let wanted: boolean | undefined;
    if (whole) {
      if (this.chunks === false) content = this.buf;
      else {
        wanted = this.col.mayRetain(oid, this.size);
        if (wanted) content = this.owned();
      }
    }
    this.col.offerContent(oid, this.size, content, wanted);
    this.buf = undefined;
    this.pieces = undefined;
    return oid;
  }
}

export interface EntryFields {
  executable?: boolean;
  size?: number;
  oid?: string;
  /** Link target as stored: raw bytes or text. */
  linkTarget?: Uint8Array | string;
  /**
   * Permission bits as stored (files and directories): a file's setuid/setgid/sticky bits become a
   * SPECIAL_MODE_BITS anomaly; o+w on a file or directory a WORLD_WRITABLE one (grouped per directory).
   */
  mode?: number;
}

/** Collects entries and anomalies for all three containers; enforces entry/path limits. */
export class EntryCollector {
  readonly entries: TreeEntry[] = [];
  readonly anomalies: ArchiveAnomaly[] = [];
  readonly store: BoundedContentStore;
  readonly algo: HashAlgo;
  private retain: RetainFn;
  private ids: ReadonlyMap<string, string> | undefined;
  /** Files hashed while `retain` was not known yet (deferRetain), in order, with their content. */
  private held: { oid: string; size: number; content: Buffer | Buffer[] | undefined; fill: number; head?: Buffer }[] | undefined;
  /** Bytes of content held so far. */
  heldBytes = 0;
  /** Bytes of heads (files over the per-file limit) held so far: they count in the heads budget. */
  heldHeadBytes = 0;
  /** Entries (files, directories) anyone may write, in archive order: grouped into WORLD_WRITABLE by finish(). */
  private worldWritable: { path: string; type: EntryType; mode: number; index: number }[] = [];
  /** opts.onFileNamed until it fired. */
  private watch: ScanOptions['onFileNamed'];

  /**
   * `deferRetain`: `retain` and `ids` may still be promises; files finished before settle() is called are
   * held (content included) and judged then, in order — the same outcome as if they had been known.
   */
  constructor(
    readonly input: string,
    readonly opts: ScanOptions,
    deferRetain = false,
  ) {
    this.algo = opts.algo;
    this.store = new BoundedContentStore(opts.limits.maxRetainFile, opts.limits.maxRetainTotal);
    this.watch = opts.onFileNamed;
    if (deferRetain) {
      this.retain = () => true;
      this.held = [];
      return;
    }
    if (opts.retain !== undefined && typeof opts.retain !== 'function') {
      throw new DistdiffError('internal', input, 'EntryCollector needs a settled retain function', 'call settleRetain first');
    }
    if (opts.ids instanceof Promise) {
      throw new DistdiffError('internal', input, 'EntryCollector needs settled ids', 'call settleRetain first');
    }
    this.retain = opts.retain ?? (() => true);
    this.ids = opts.ids;
  }

  /** FileSink's scratch buffer for reused chunks (one file streams at a time), grown to the largest kept size. */
  private scratchBuf: Buffer | undefined;

  scratch(size: number): Buffer {
    if (this.scratchBuf === undefined || this.scratchBuf.length < size) {
      this.scratchBuf = Buffer.allocUnsafeSlow(Math.max(size, this.scratchBuf ? Math.min(2 * this.scratchBuf.length, this.opts.limits.maxRetainFile) : 64 * 1024));
    }
    return this.scratchBuf;
  }

  /** Whether files are held until settle() (see the constructor). */
  get retainPending(): boolean {
    return this.held !== undefined;
  }

  hold(oid: string, size: number, content: Buffer | Buffer[] | undefined, fill: number): void {
    this.held!.push({ oid, size, content, fill });
    if (content !== undefined) this.heldBytes += fill;
  }

  /**
   * `retain` and `ids` are known: the entries recorded so far get the known id strings, and the held files
   * are offered to the store in the order they finished.
   */
  settle(retain: RetainFn | undefined, ids: ReadonlyMap<string, string> | undefined): void {
    const held = this.held;
    if (held === undefined) return;
    this.held = undefined;
    this.heldBytes = 0;
    this.heldHeadBytes = 0;
    this.retain = retain ?? (() => true);
    this.ids = ids;
    if (ids !== undefined) {
      for (const e of this.entries) {
        if (e.oid === undefined) continue;
        const known = ids.get(e.oid);
        if (known !== undefined) e.oid = known;
      }
    }
    for (const h of held) {
      if (this.store.has(h.oid)) continue;
      if (!this.retain(h.oid, h.size)) continue;
      if (h.head !== undefined) this.store.offerHead(h.oid, h.head);
      const c = h.content;
      // A copy of chunk pieces: a piece may be a small view of a large read chunk.
      const content = c === undefined || !Array.isArray(c) ? c : c.length === 1 ? Buffer.from(c[0]!) : Buffer.concat(c, h.fill);
      this.store.offer(h.oid, h.size, content);
    }
  }

  wantsBuffer(size: number): boolean {
    return this.store.wantsBuffer(size);
  }

  /**
   * A file over the per-file limit (FileSink): offered without content (wanted, it is listed as skipped), and its
   * head (undefined: none kept) kept when its content would be wanted.
   */
  offerHead(oid: string, size: number, head: Buffer | undefined): void {
    if (this.held !== undefined) {
      this.held.push(head === undefined ? { oid, size, content: undefined, fill: 0 } : { oid, size, content: undefined, fill: 0, head });
      if (head !== undefined) this.heldHeadBytes += head.length;
      return;
    }
    if (this.store.has(oid) || !this.retain(oid, size)) return;
    if (head !== undefined) this.store.offerHead(oid, head);
    this.store.offer(oid, size, undefined);
  }

  /** Whether offerContent would keep content with this id (it is not kept yet and the caller wants it). */
  mayRetain(oid: string, size: number): boolean {
    return !this.store.has(oid) && this.retain(oid, size);
  }

  /** `wanted`: the result of mayRetain when the caller already asked (retain() is asked once per file). */
  offerContent(oid: string, size: number, content: Buffer | undefined, wanted?: boolean): void {
    if (this.store.has(oid)) return;
    if (!(wanted ?? this.retain(oid, size))) return;
    this.store.offer(oid, size, content);
  }

  anomaly<C extends AnomalyCode>(code: C, path: string, evidence: AnomalyEvidence[C], index?: number): void {
    this.anomalies.push(anomaly(code, path, evidence, index));
  }

  /** Record one entry. Returns it, or undefined when it is the archive root directory itself. */
  add(rawName: Uint8Array | string, type: EntryType, f: EntryFields = {}): TreeEntry | undefined {
    const nameLen = typeof rawName === 'string' ? Buffer.byteLength(rawName) : rawName.length;
    if (nameLen > this.opts.limits.maxPathLength) {
      throw new DistdiffError('limit', this.input, `entry name longer than ${this.opts.limits.maxPathLength} bytes`, 'raise --max-path-length if you trust this archive');
    }
    const n = normaliseEntryName(rawName);
    if (n.path === '' && type === 'directory') return undefined;
    if (this.entries.length >= this.opts.limits.maxEntries) {
      throw new DistdiffError('limit', this.input, `more than ${this.opts.limits.maxEntries} entries`, 'raise --max-entries if you trust this archive');
    }
    const index = this.entries.length;
    if (type === 'file' && f.mode !== undefined && (f.mode & 0o7000) !== 0) {
      this.anomaly('SPECIAL_MODE_BITS', n.path, specialModeBits(f.mode), index);
    }
    if ((type === 'file' || type === 'directory') && f.mode !== undefined && (f.mode & 0o002) !== 0) {
      this.worldWritable.push({ path: n.path, type, mode: f.mode, index });
    }
    if (this.watch !== undefined && type === 'file') this.watchFor(n.path, this.watch);
    const executable = type === 'file' ? !!f.executable : false;
    const size = type === 'file' ? (f.size ?? 0) : 0;
    const oid = f.oid === undefined ? undefined : (this.ids?.get(f.oid) ?? f.oid);
    // The common entries are built whole, fields in the usual order: an object literal keeps its fields
    // in-object, while fields added later go to a separate property array (~40 bytes more per entry).
    if (f.linkTarget === undefined && n.rawPath === undefined) {
      const e: TreeEntry = oid !== undefined ? { path: n.path, type, executable, size, oid, index } : { path: n.path, type, executable, size, index };
      this.entries.push(e);
      this.entryIssues(e, n.issues, index);
      return e;
    }
    const e: TreeEntry = { path: n.path, type, executable, size };
    if (oid !== undefined) e.oid = oid;
    if (f.linkTarget !== undefined) {
      e.linkTarget = typeof f.linkTarget === 'string' ? f.linkTarget : decodeNameBytes(f.linkTarget).text;
      if (type === 'symlink' && e.oid === undefined) e.oid = blobId(this.algo, typeof f.linkTarget === 'string' ? Buffer.from(f.linkTarget) : f.linkTarget);
    }
    if (n.rawPath !== undefined) e.rawPath = n.rawPath;
    e.index = index;
    this.entries.push(e);
    this.entryIssues(e, n.issues, index);
    return e;
  }

  private watchFor(path: string, w: NonNullable<ScanOptions['onFileNamed']>): void {
    const b = w.base;
    if (path === b || (path.length > b.length && path.charCodeAt(path.length - b.length - 1) === 0x2f && path.endsWith(b))) {
      this.watch = undefined;
      w.seen();
    }
  }

  private entryIssues(e: TreeEntry, issues: ReturnType<typeof normaliseEntryName>['issues'], index: number): void {
    for (const issue of issues) this.anomalies.push(anomaly(issue.code, e.path, issue.evidence, index));
    if (e.type === 'hardlink') this.anomaly('HARDLINK_ENTRY', e.path, { target: e.linkTarget ?? '' }, index);
    if (e.type === 'device' || e.type === 'fifo') this.anomaly('SPECIAL_FILE', e.path, { type: e.type }, index);
  }

  /** Cross-entry checks: duplicates, file/directory conflicts, links leaving the tree, hardlink content. */
  finish(): void {
    const entries = this.entries;
    const last = new Map<string, number>();
    const counts = new Map<string, number>();
    const dirPrefix = new Map<string, string>();
    let hasLinks = false;
    // Indexed loops: no iterator result per entry (this runs once, mostly unoptimised, over every entry).
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (e.type === 'hardlink') {
        // Its content is that of the latest entry of the target path before it.
        hasLinks = true;
        const t = last.get(normaliseEntryName(e.linkTarget ?? '').path);
        const target = t === undefined ? undefined : entries[t];
        if (target && target.type === 'file') {
          if (target.oid !== undefined) e.oid = target.oid;
          e.size = target.size;
          e.executable = target.executable;
        }
      } else if (e.type === 'symlink') hasLinks = true;
      // One map operation per path: a path seen before leaves the map's size as it was (nearly every path is new).
      const seen = last.size;
      last.set(e.path, e.index!);
      if (last.size === seen) counts.set(e.path, (counts.get(e.path) ?? 1) + 1);
      // Every parent directory of the path, deepest first; once one is known, all above it are too.
      for (let slash = e.path.lastIndexOf('/'); slash > 0; slash = e.path.lastIndexOf('/', slash - 1)) {
        const dir = e.path.slice(0, slash);
        if (dirPrefix.has(dir)) break;
        dirPrefix.set(dir, e.path);
      }
    }
    // A path listed more than once matters unless every listing is a directory.
    const dupNonDir = new Set<string>();
    if (counts.size > 0) for (const e of entries) if (e.type !== 'directory' && counts.has(e.path)) dupNonDir.add(e.path);
    if (dupNonDir.size > 0) {
      // Which kinds of entries collided and whether their contents agree (hard links resolved above).
      const dups = new Map<string, TreeEntry[]>();
      for (const e of entries) if (dupNonDir.has(e.path)) dups.set(e.path, [...(dups.get(e.path) ?? []), e]);
      for (const [path, count] of counts) {
        const list = dups.get(path);
        if (!list) continue; // a directory listed twice changes nothing
        const first = list[0]!;
        const sameContent = list.every((e) => e.type === first.type && e.oid === first.oid && e.linkTarget === first.linkTarget && e.executable === first.executable);
        this.anomaly('DUPLICATE_ENTRY', path, { count, types: list.map((e) => e.type), sameContent }, last.get(path));
      }
    }
    const reported = new Set<string>();
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (e.type === 'directory' || reported.has(e.path)) continue;
      const child = dirPrefix.get(e.path);
      if (child !== undefined) {
        reported.add(e.path);
        this.anomaly('FILE_DIR_CONFLICT', e.path, { other: child }, e.index);
      }
    }
    for (const a of worldWritableGroups(this.worldWritable)) this.anomalies.push(a);
    if (hasLinks) {
      const top = commonTopDir(entries.map((e) => e.path));
      const root = top !== '' && dirPrefix.has(top) ? top : '';
      for (const e of entries) {
        if ((e.type === 'symlink' || e.type === 'hardlink') && e.linkTarget !== undefined) {
          if (linkEscapesTree(e.path, e.linkTarget, e.type, root)) {
            this.anomaly('LINK_ESCAPES_TREE', e.path, { target: e.linkTarget, link: e.type }, e.index);
          }
        }
      }
    }
  }

  result(container: ContainerFormat, compression: Compression, decoder: string, uncompressedBytes: number, inputBytes: number, sha256?: string): ScanResult {
    this.finish();
    const r: ScanResult = {
      container,
      compression,
      decoder,
      entries: this.entries,
      anomalies: this.anomalies,
      uncompressedBytes,
      content: this.store,
      inputBytes,
    };
    if (sha256 !== undefined) r.sha256 = sha256;
    return r;
  }
}

/** Throws the limit error when the decoded size passes maxUncompressed or (past the grace size) maxRatio. */
export function checkDecodedLimits(input: string, limits: Limits, decoded: number, inputSize: number): void {
  if (decoded > limits.maxUncompressed) {
    throw new DistdiffError('limit', input, `decompressed size exceeds --max-uncompressed (${limits.maxUncompressed} bytes)`, LIMIT_HINT);
  }
  if (decoded > RATIO_GRACE_BYTES && inputSize > 0 && decoded / inputSize > limits.maxRatio) {
    throw new DistdiffError('limit', input, `decompressed size exceeds --max-ratio (${limits.maxRatio}x the ${inputSize}-byte input)`, LIMIT_HINT);
  }
}


/** Names shown per WORLD_WRITABLE group; the rest are counted. */
const WORLD_WRITABLE_NAMES = 5;

/**
 * One WORLD_WRITABLE anomaly per directory holding entries anyone may write (a directory entry counts in its
 * parent), in the order of each directory's first such entry: path `dir/` ('./' at the archive root).
 */
export function worldWritableGroups(list: readonly { path: string; type: EntryType; mode: number; index: number }[]): ArchiveAnomaly[] {
  const groups = new Map<string, { index: number; files: number; directories: number; modes: Set<string>; names: string[] }>();
  for (const w of list) {
    const slash = w.path.lastIndexOf('/');
    const dir = slash < 0 ? '' : w.path.slice(0, slash);
    let g = groups.get(dir);
    if (g === undefined) groups.set(dir, (g = { index: w.index, files: 0, directories: 0, modes: new Set(), names: [] }));
    if (w.type === 'directory') g.directories++;
    else g.files++;
    g.modes.add((w.mode & 0o7777).toString(8).padStart(4, '0'));
    g.names.push(w.path.slice(slash + 1) + (w.type === 'directory' ? '/' : ''));
  }
  const out: ArchiveAnomaly[] = [];
  for (const [dir, g] of groups) {
    out.push(
      anomaly(
        'WORLD_WRITABLE',
        dir === '' ? './' : `${dir}/`,
        { files: g.files, directories: g.directories, modes: [...g.modes].sort(), names: g.names.slice(0, WORLD_WRITABLE_NAMES), more: Math.max(0, g.names.length - WORLD_WRITABLE_NAMES) },
        g.index,
      ),
    );
  }
  return out;
}

/** Evidence of a file's setuid/setgid/sticky bits: the permission bits in octal (4 digits) and their names. */
export function specialModeBits(mode: number): AnomalyEvidence['SPECIAL_MODE_BITS'] {
  const bits: AnomalyEvidence['SPECIAL_MODE_BITS']['bits'] = [];
  if (mode & 0o4000) bits.push('setuid');
  if (mode & 0o2000) bits.push('setgid');
  if (mode & 0o1000) bits.push('sticky');
  return { mode: (mode & 0o7777).toString(8).padStart(4, '0'), bits };
}
