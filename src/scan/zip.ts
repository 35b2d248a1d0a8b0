/**
 * A zip reader that streams the file once from start to end (sha256 of the raw bytes on the way),
 * using the central directory for metadata and each local header for framing. Stored and deflate
 * entries; zip64 sizes and offsets.
 *
 * Decisions: a local header whose name, method or sizes disagree with the central directory, entries that
 * overlap, a CRC mismatch or data that does not inflate to the declared size make the archive corrupt
 * (DistdiffError): extractors disagree on which copy to believe, so no answer would be trustworthy.
 * Names are taken from the central directory (what unzip lists).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { crc32, createInflateRaw, inflateRawSync } from 'node:zlib';
import { DistdiffError } from '../core/errors.js';
import type { AnomalyEvidence, EntryType } from '../core/types.js';
import { checkDecodedLimits, EntryCollector, FileSink, type ScanOptions, type ScanResult } from './entries.js';

const CHUNK = 1 << 20;
/** Central directory: read this much at a time; one entry is a 46-byte header plus at most 3 × 64 KiB. */
const CD_CHUNK = 1 << 20;
const CD_HEADER = 46;
/** Compressed entries up to this size are inflated in one call. */
const SYNC_INFLATE_MAX = 8 * 1024 * 1024;

interface CdEntry {
  name: Buffer;
  method: number;
  flags: number;
  crc: number;
  csize: number;
  usize: number;
  offset: number;
  madeBy: number;
  external: number;
}

interface Outcome {
  oid?: string;
  linkTarget?: Buffer;
}

function corrupt(input: string, problem: string): DistdiffError {
  return new DistdiffError('archive', input, `zip is corrupt: ${problem}`, 'the archive is damaged; fetch it again or check its checksum');
}

/** Sequential reader over a file descriptor; every byte read passes through the sha256. */
class SeqReader {
  private buf = Buffer.allocUnsafe(CHUNK);
  private start = 0;
  private end = 0;
  /** File offset of buf[start]. */
  pos = 0;
  readonly sha: Hash = createHash('sha256');
  private eof = false;

  constructor(
    private readonly fh: FileHandle,
    readonly size: number,
  ) {}

  private async fill(): Promise<void> {
    if (this.start === this.end) {
      this.start = this.end = 0;
    }
    if (this.end === this.buf.length) {
      // compact
      this.buf.copy(this.buf, 0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    const { bytesRead } = await this.fh.read(this.buf, this.end, this.buf.length - this.end, this.pos + (this.end - this.start));
    if (bytesRead === 0) {
      this.eof = true;
      return;
    }
    this.sha.update(this.buf.subarray(this.end, this.end + bytesRead));
    this.end += bytesRead;
  }

  /** Deliver the next n bytes in pieces (views valid only during the callback). */
  async stream(n: number, cb: (piece: Buffer) => void | Promise<void>): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.start === this.end) {
        await this.fill();
        if (this.eof && this.start === this.end) throw new Error('unexpected end of file');
      }
      const take = Math.min(left, this.end - this.start);
      const piece = this.buf.subarray(this.start, this.start + take);
      this.start += take;
      this.pos += take;
      left -= take;
      await cb(piece);
    }
  }

  async read(n: number): Promise<Buffer> {
    const out = Buffer.allocUnsafe(n);
    let at = 0;
    await this.stream(n, (p) => {
      p.copy(out, at);
      at += p.length;
    });
    return out;
  }

  async skipTo(offset: number): Promise<void> {
    if (offset < this.pos) throw new Error(`overlapping entries at offset ${offset}`);
    await this.stream(offset - this.pos, () => {});
  }

  /** Read (and hash) the rest of the file. */
  async drain(): Promise<void> {
    await this.skipTo(this.size);
  }
}

async function readAt(fh: FileHandle, pos: number, len: number): Promise<Buffer> {
  const b = Buffer.alloc(len);
  const { bytesRead } = await fh.read(b, 0, len, pos);
  return b.subarray(0, bytesRead);
}

/** Extra field ids zip tools define (APPNOTE 4.5.2 and 4.6: PKWARE's and third parties'): the rest is no tool's. */
const KNOWN_EXTRA = new Set([
  0x0001, 0x0007, 0x0008, 0x0009, 0x000a, 0x000c, 0x000d, 0x000e, 0x000f, 0x0014, 0x0015, 0x0016, 0x0017, 0x0018, 0x0019, 0x0020, 0x0021, 0x0022, 0x0023,
  0x0065, 0x0066, 0x07c8, 0x2605, 0x2705, 0x2805, 0x334d, 0x4154, 0x4341, 0x4453, 0x4690, 0x4704, 0x470f, 0x4854, 0x4b46, 0x4c41, 0x4d49, 0x4d63, 0x4f4c,
  0x5356, 0x5455, 0x554e, 0x5855, 0x6375, 0x6542, 0x6854, 0x7075, 0x7441, 0x756e, 0x7855, 0x7875, 0x9901, 0x9902, 0xa11e, 0xa220, 0xcafe, 0xd935, 0xe57a, 0xfb4a, 0xfd4a,
]);

/** Bytes of extra fields (in `b`) whose ids no zip tool defines, and bytes past the last whole field. */
function unknownExtraBytes(b: Buffer, start: number, end: number): number {
  let n = 0;
  let x = start;
  while (x + 4 <= end) {
    const id = b.readUInt16LE(x);
    const len = b.readUInt16LE(x + 2);
    if (x + 4 + len > end) break;
    if (!KNOWN_EXTRA.has(id)) n += 4 + len;
    x += 4 + len;
  }
  return n + (end - x);
}

type Hidden = ZipHiddenData['regions'][number];
type ZipHiddenData = AnomalyEvidence['ZIP_HIDDEN_DATA'];

interface CentralDirectory {
  entries: CdEntry[];
  /** Entry comments and unknown extra fields of the central directory. */
  hidden: Hidden[];
  cdOffset: number;
  cdEnd: number;
  /** File offset of the end record, and of the byte after its comment. */
  eocdPos: number;
  eocdEnd: number;
  zip64: boolean;
  comment: Buffer;
}

async function readCentralDirectory(fh: FileHandle, size: number, input: string, maxEntries: number): Promise<CentralDirectory> {
  const tailLen = Math.min(size, 22 + 65535 + 20);
  const tailPos = size - tailLen;
  const tail = await readAt(fh, tailPos, tailLen);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail[i] === 0x50 && tail[i + 1] === 0x4b && tail[i + 2] === 5 && tail[i + 3] === 6) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw corrupt(input, 'no end of central directory record (truncated?)');
  const commentLen = Math.min(tail.readUInt16LE(eocd + 20), tail.length - eocd - 22);
  const comment = Buffer.from(tail.subarray(eocd + 22, eocd + 22 + commentLen));
  let zip64 = false;
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || tail.readUInt32LE(loc) !== 0x07064b50) throw corrupt(input, 'zip64 locator missing');
    const recPos = Number(tail.readBigUInt64LE(loc + 8));
    const rec = await readAt(fh, recPos, 56);
    if (rec.length < 56 || rec.readUInt32LE(0) !== 0x06064b50) throw corrupt(input, 'bad zip64 end of central directory record');
    zip64 = true;
    count = Number(rec.readBigUInt64LE(32));
    cdSize = Number(rec.readBigUInt64LE(40));
    cdOffset = Number(rec.readBigUInt64LE(48));
  }
  if (count > maxEntries) {
    throw new DistdiffError('limit', input, `more than ${maxEntries} entries`, 'raise --max-entries if you trust this archive');
  }
  if (cdOffset + cdSize > size) throw corrupt(input, 'central directory lies beyond the end of the file (truncated?)');
  if (count * CD_HEADER > cdSize) throw corrupt(input, `the end record claims ${count} entries in a ${cdSize}-byte central directory`);
  // Read in bounded chunks (never a buffer of the size the archive claims): one chunk, or one entry of at
  // most 46 bytes + 3 × 64 KiB, is held at a time; the entries kept are bounded by --max-entries.
  const end = cdOffset + cdSize;
  let cd: Buffer = Buffer.alloc(0);
  let cdPos = cdOffset; // file offset of cd[0]
  let p = 0;
  /** Makes cd[p, p + n) available; false when the central directory ends first. */
  const need = async (n: number): Promise<boolean> => {
    if (p + n <= cd.length) return true;
    const at = cdPos + p;
    if (at + n > end) return false;
    const got = await readAt(fh, at, Math.min(Math.max(n, CD_CHUNK), end - at));
    if (got.length < n) return false;
    cd = got;
    cdPos = at;
    p = 0;
    return true;
  };
  const out: CdEntry[] = [];
  const hidden: Hidden[] = [];
  for (let k = 0; k < count; k++) {
    if (!(await need(CD_HEADER)) || cd.readUInt32LE(p) !== 0x02014b50) throw corrupt(input, `bad central directory entry ${k}`);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    if (!(await need(CD_HEADER + nameLen + extraLen + commentLen))) throw corrupt(input, `central directory entry ${k} overruns`);
    const e: CdEntry = {
      madeBy: cd.readUInt16LE(p + 4),
      flags: cd.readUInt16LE(p + 8),
      method: cd.readUInt16LE(p + 10),
      crc: cd.readUInt32LE(p + 16),
      csize: cd.readUInt32LE(p + 20),
      usize: cd.readUInt32LE(p + 24),
      external: cd.readUInt32LE(p + 38),
      offset: cd.readUInt32LE(p + 42),
      name: Buffer.from(cd.subarray(p + 46, p + 46 + nameLen)),
    };
    // zip64 extended information extra field
    let x = p + 46 + nameLen;
    const xEnd = x + extraLen;
    while (x + 4 <= xEnd) {
      const id = cd.readUInt16LE(x);
      const len = cd.readUInt16LE(x + 2);
      if (x + 4 + len > xEnd) break; // a field that overruns the extra area is ignored, not read past it
      if (id === 0x0001) {
        let q = x + 4;
        const take = () => {
          const v = Number(cd.readBigUInt64LE(q));
          q += 8;
          return v;
        };
        if (e.usize === 0xffffffff && q + 8 <= x + 4 + len) e.usize = take();
        if (e.csize === 0xffffffff && q + 8 <= x + 4 + len) e.csize = take();
        if (e.offset === 0xffffffff && q + 8 <= x + 4 + len) e.offset = take();
      }
      x += 4 + len;
    }
    const unknown = unknownExtraBytes(cd, p + 46 + nameLen, xEnd);
    if (unknown) hidden.push({ kind: 'extra-field', bytes: unknown, path: e.name.toString('utf8') });
    if (commentLen) hidden.push({ kind: 'entry-comment', bytes: commentLen, path: e.name.toString('utf8') });
    out.push(e);
    p += 46 + nameLen + extraLen + commentLen;
  }
  const eocdPos = tailPos + eocd;
  return { entries: out, hidden, cdOffset, cdEnd: end, eocdPos, eocdEnd: eocdPos + 22 + comment.length, zip64, comment };
}

function entryType(e: CdEntry): { type: EntryType; mode: number } {
  const unix = e.madeBy >> 8 === 3;
  const mode = unix ? e.external >>> 16 : 0;
  const fmt = mode & 0o170000;
  if (fmt === 0o120000) return { type: 'symlink', mode };
  if (fmt === 0o040000 || e.name[e.name.length - 1] === 0x2f || (!unix && e.external & 0x10)) return { type: 'directory', mode };
  if (fmt === 0o010000) return { type: 'fifo', mode };
  if (fmt === 0o020000 || fmt === 0o060000) return { type: 'device', mode };
  return { type: 'file', mode };
}

export async function scanZip(path: string, size: number, opts: ScanOptions): Promise<ScanResult> {
  const col = new EntryCollector(path, opts);
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw new DistdiffError('archive', path, `cannot read the file: ${(e as Error).message}`, 'check the path and permissions');
  }
  try {
    const dir = await readCentralDirectory(fh, size, path, opts.limits.maxEntries);
    const cd = dir.entries;
    const hidden: Hidden[] = [...dir.hidden];
    /** Where the last entry's data ended, and how many bytes of data descriptor may follow it there. */
    let dataEnd = 0;
    let descriptor = 0;
    const gap = (to: number) => {
      const n = to - dataEnd - descriptor;
      if (n > 0) hidden.push({ kind: dataEnd === 0 ? 'prefix' : 'gap', bytes: n, offset: dataEnd + descriptor });
    };
    let declared = 0;
    for (const e of cd) declared += e.usize;
    checkDecodedLimits(path, opts.limits, declared, size);

    const order = cd.map((_, i) => i).sort((a, b) => cd[a]!.offset - cd[b]!.offset);
    const outcomes: Outcome[] = new Array(cd.length);
    const rd = new SeqReader(fh, size);
    for (const i of order) {
      const e = cd[i]!;
      const shown = e.name.toString('utf8');
      try {
        gap(e.offset);
        await rd.skipTo(e.offset);
        const lh = await rd.read(30);
        if (lh.readUInt32LE(0) !== 0x04034b50) throw corrupt(path, `no local header for ${JSON.stringify(shown)} at offset ${e.offset}`);
        const lflags = lh.readUInt16LE(6);
        const lmethod = lh.readUInt16LE(8);
        const lcsize = lh.readUInt32LE(18);
        const lusize = lh.readUInt32LE(22);
        const lname = await rd.read(lh.readUInt16LE(26));
        const lextra = await rd.read(lh.readUInt16LE(28));
        const unknownLocal = unknownExtraBytes(lextra, 0, lextra.length);
        if (unknownLocal) hidden.push({ kind: 'extra-field', bytes: unknownLocal, path: shown });
        if (!lname.equals(e.name)) {
          throw corrupt(path, `local header name ${JSON.stringify(lname.toString('utf8'))} differs from the central directory's ${JSON.stringify(shown)}`);
        }
        if (lmethod !== e.method) throw corrupt(path, `local header method differs from the central directory for ${JSON.stringify(shown)}`);
        if (!(lflags & 8) && lcsize !== 0xffffffff && (lcsize !== e.csize || lusize !== e.usize)) {
          throw corrupt(path, `local header sizes differ from the central directory for ${JSON.stringify(shown)}`);
        }
        const { type } = entryType(e);
        if (e.method !== 0 && e.method !== 8) {
          throw new DistdiffError('archive', path, `unsupported zip compression method ${e.method} for ${JSON.stringify(shown)}`, 'distdiff reads stored and deflated zip entries');
        }
        // a data descriptor (signature optional; 64-bit sizes for zip64) may follow the data
        dataEnd = e.offset + 30 + lname.length + lextra.length + e.csize;
        descriptor = lflags & 8 ? (e.csize >= 0xffffffff || e.usize >= 0xffffffff || lcsize === 0xffffffff ? 24 : 16) : 0;
        if (type === 'directory') {
          outcomes[i] = {};
          continue;
        }
        const sink = type === 'file' ? new FileSink(col, e.usize) : undefined;
        const link: Buffer[] = [];
        let linkLen = 0;
        let crc = 0;
        let produced = 0;
        const emit = (c: Buffer) => {
          produced += c.length;
          if (produced > e.usize) throw corrupt(path, `${JSON.stringify(shown)} inflates to more than its declared ${e.usize} bytes`);
          crc = crc32(c, crc);
          if (sink) sink.update(c);
          else if (linkLen < opts.limits.maxPathLength + 1) {
            link.push(Buffer.from(c));
            linkLen += c.length;
          }
        };
        if (e.method === 0) {
          if (e.csize !== e.usize) throw corrupt(path, `stored entry ${JSON.stringify(shown)} has different sizes`);
          await rd.stream(e.csize, emit);
        } else if (e.csize <= SYNC_INFLATE_MAX) {
          const comp = await rd.read(e.csize);
          let out: Buffer;
          try {
            out = inflateRawSync(comp, { maxOutputLength: Math.max(1, e.usize) + 1 });
          } catch (err) {
            throw corrupt(path, `cannot inflate ${JSON.stringify(shown)}: ${(err as Error).message}`);
          }
          emit(out);
        } else {
          const inf = createInflateRaw({ chunkSize: CHUNK });
          let failed: unknown;
          inf.on('data', (c: Buffer) => {
            try {
              emit(c);
            } catch (err) {
              failed = err;
              inf.destroy();
            }
          });
          const ended = new Promise<void>((resolve, reject) => {
            inf.on('end', resolve);
            inf.on('close', () => (failed ? reject(failed) : resolve()));
            inf.on('error', (err) => reject(failed ?? corrupt(path, `cannot inflate ${JSON.stringify(shown)}: ${err.message}`)));
          });
          ended.catch(() => {});
          await rd.stream(e.csize, async (piece) => {
            if (failed) return;
            if (!inf.write(Buffer.from(piece))) await once(inf, 'drain').catch(() => {});
          });
          inf.end();
          await ended;
          if (failed) throw failed;
        }
        if (produced !== e.usize) throw corrupt(path, `${JSON.stringify(shown)} holds ${produced} bytes, the header declares ${e.usize}`);
        if (crc >>> 0 !== e.crc >>> 0) throw corrupt(path, `CRC mismatch for ${JSON.stringify(shown)}`);
        outcomes[i] = sink ? { oid: sink.finish() } : { linkTarget: Buffer.concat(link) };
      } catch (err) {
        if (err instanceof DistdiffError) throw err;
        throw corrupt(path, `${(err as Error).message} (entry ${JSON.stringify(shown)})`);
      }
    }
    await rd.drain();
    if (cd.length) gap(dir.cdOffset);
    // between the central directory and the end record: the zip64 end record and its locator, nothing else
    if (!dir.zip64 && dir.eocdPos > dir.cdEnd) hidden.push({ kind: 'gap', bytes: dir.eocdPos - dir.cdEnd, offset: dir.cdEnd });
    if (dir.comment.length) hidden.push({ kind: 'archive-comment', bytes: dir.comment.length, offset: dir.eocdPos + 22 });
    if (size > dir.eocdEnd) hidden.push({ kind: 'trailing', bytes: size - dir.eocdEnd, offset: dir.eocdEnd });
    if (hidden.length) {
      const text = dir.comment.toString('utf8');
      const shown = dir.comment.length && dir.comment.length <= 256 && !text.includes('\ufffd') ? { comment: text } : {};
      col.anomaly('ZIP_HIDDEN_DATA', '', { bytes: hidden.reduce((a, r) => a + r.bytes, 0), regions: hidden.slice(0, 8), ...shown });
    }
    let total = 0;
    for (let i = 0; i < cd.length; i++) {
      const e = cd[i]!;
      const { type, mode } = entryType(e);
      const o = outcomes[i]!;
      if (type === 'file') {
        total += e.usize;
        col.add(e.name, 'file', { executable: (mode & 0o111) !== 0, size: e.usize, oid: o.oid, mode });
      } else if (type === 'symlink') col.add(e.name, 'symlink', { linkTarget: o.linkTarget ?? Buffer.alloc(0) });
      else col.add(e.name, type, type === 'directory' ? { mode } : {});
    }
    return col.result('zip', 'none', 'zip (zlib inflate)', total, size, rd.sha.digest('hex'));
  } finally {
    await fh.close();
  }
}
