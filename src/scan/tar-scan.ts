/**
 * The tar driver: decodes a (compressed) tar stream and feeds TarReader's entries to the collector,
 * hashing each file's data as it streams; the pax global header's commit comment is kept.
 */
import { isNestedTarName, NestedTarLister, type NestedListing } from './nested-tar.js';
import { DistdiffError } from '../core/errors.js';
import type { Compression, EntryType } from '../core/types.js';
import { openDecoded, type DecodedStream } from './decode.js';
import { checkDecodedLimits, EntryCollector, FileSink, settleRetain, type ChunkLife, type ScanOptions, type ScanResult } from './entries.js';
import { TarReader, unknownTypeflag, type TarEntryHeader } from './tar.js';
import { mark } from '../util/timeline.js';

/**
 * Content held while git's ids are still being listed (see scanDecodedTar); past it (or past the retention
 * budget, limits.maxRetainTotal, when that is smaller) the decoder waits.
 */
const HOLD_BYTES = 96 * 1024 * 1024;

function tarType(h: TarEntryHeader): EntryType {
  return h.kind;
}

export async function scanTar(path: string, compression: Compression, inputSize: number, opts: ScanOptions): Promise<ScanResult> {
  // The decoder starts first; `retain` may still be in the making (git listing its tree).
  const dec = await openDecoded(path, compression, { systemDecoders: opts.systemDecoders, stallMs: opts.limits.decoderTimeoutMs });
  mark('scan: decoder started');
  return scanDecodedTar(path, dec, compression, () => inputSize, opts);
}

/**
 * Scans a tar byte stream from a started decoder. `inputSize` is the raw input's size for the ratio limit
 * (a file's size; for a stream, the raw bytes read so far).
 */
export async function scanDecodedTar(path: string, dec: DecodedStream, compression: Compression, inputSize: () => number, opts: ScanOptions): Promise<ScanResult> {
  const chunks: ChunkLife = dec.stableChunks ? true : dec.reusedChunks ? 'reused' : false;
  const reused = chunks === 'reused';
  // Decoding and hashing start at once, while `retain` may still be in the making (git listing its
  // tree): files finished before it is known are held by the collector and judged when it is. Past
  // HOLD_BYTES of held content the decoder is paused until then.
  const col = new EntryCollector(path, opts, true);
  const holdBytes = Math.min(HOLD_BYTES, opts.limits.maxRetainTotal);
  let retainError: { e: unknown } | undefined;
  let paused = false;
  const settled = settleRetain(opts).then(
    (s) => {
      mark("scan: git's blob ids known");
      col.settle(s.retain, s.ids);
      if (paused) dec.consume.resume?.();
    },
    (e: unknown) => {
      retainError = { e };
      dec.abort();
    },
  );
  let paxCommit: string | undefined;
  let sink: FileSink | undefined;
  // A tar shipped inside the release: its members listed while it streams (./nested-tar.ts).
  let nestedTar: NestedTarLister | undefined;
  let nested: Map<string, NestedListing> | undefined;
  let current: TarEntryHeader | undefined;
  const reader = new TarReader(
    {
      entry(h) {
        current = h;
        if (h.kind === 'file' && h.sparseSize === undefined) sink = new FileSink(col, h.size, chunks);
        else sink = undefined;
        nestedTar = sink && isNestedTarName(h.name) ? new NestedTarLister(opts.algo, `${path}: ${h.name.toString('utf8')}`, opts.limits.maxPathLength) : undefined;
      },
      data(chunk) {
        sink?.update(chunk);
        nestedTar?.write(chunk);
      },
      end() {
        const h = current!;
        current = undefined;
        const type = tarType(h);
        const executable = (h.mode & 0o111) !== 0;
        let added: ReturnType<typeof col.add>;
        if (sink) {
          const oid = sink.finish();
          sink = undefined;
          if (nestedTar) (nested ??= new Map()).set(oid, nestedTar.finish());
          nestedTar = undefined;
          const e = col.add(h.name, type, { executable, size: h.size, oid, mode: h.mode });
          if (e && unknownTypeflag(h.typeflag)) col.anomaly('UNKNOWN_ENTRY_TYPE', e.path, { typeflag: h.typeflag }, e.index);
          added = e;
        } else if (h.sparseSize !== undefined) {
          const e = col.add(h.name, 'file', { executable, size: h.sparseSize });
          if (e) col.anomaly('SPARSE_FILE', e.path, { size: h.sparseSize }, e.index);
          added = e;
        } else if (type === 'symlink' || type === 'hardlink') {
          added = col.add(h.name, type, { linkTarget: h.linkname });
        } else {
          const e = col.add(h.name, type, type === 'directory' ? { mode: h.mode } : {});
          if (e && type === 'other') e.linkTarget = undefined;
          added = e;
        }
        if (h.attributes && added) col.anomaly('EXTENDED_ATTRIBUTES', added.path, { attributes: h.attributes }, added.index);
      },
      globalAttributes(attributes) {
        col.anomaly('EXTENDED_ATTRIBUTES', '', { attributes, global: true });
      },
      globalComment(c) {
        const m = /^\s*([0-9a-f]{40}(?:[0-9a-f]{24})?)\s*$/.exec(c);
        if (m) paxCommit = m[1];
      },
    },
    { input: path, maxPathLength: opts.limits.maxPathLength },
  );

  let decoded = 0;
  let parseError: unknown;
  try {
    let first = true;
    const consuming = dec.consume((chunk) => {
      if (retainError) return;
      if (first) {
        first = false;
        mark('scan: first decoded chunk');
      }
      decoded += chunk.length;
      if (compression !== 'none') checkDecodedLimits(path, opts.limits, decoded, inputSize());
      if (parseError === undefined) {
        try {
          reader.write(chunk);
          // The chunk's memory is reused after this call: the file still streaming copies what it holds of it.
          if (reused) sink?.release();
        } catch (e) {
          // Keep draining: a decoder failure (corrupt xz block, truncation) is the better explanation.
          parseError = e;
        }
      }
      if (!paused && col.heldBytes > holdBytes && dec.consume.pause) {
        paused = true;
        dec.consume.pause();
      }
    });
    consuming.catch(() => {});
    // A git failure ends the scan even when the aborted stream never settles `consuming`.
    const gitFailed = settled.then(() => (retainError ? Promise.reject(retainError.e) : new Promise<never>(() => {})));
    gitFailed.catch(() => {});
    await Promise.race([consuming, gitFailed]);
    mark('scan: last decoded chunk');
  } catch (e) {
    await settled;
    if (retainError) {
      await dec.done.catch(() => {});
      throw retainError.e;
    }
    dec.abort();
    if (e instanceof DistdiffError && e.kind === 'limit') throw e;
    await dec.done.catch(() => {});
    throw e;
  }
  await settled;
  if (retainError) {
    await dec.done.catch(() => {});
    throw retainError.e;
  }
  await dec.done;
  if (parseError !== undefined) throw parseError;
  mark('scan: decoder done');
  const tail = reader.end();
  if (tail.trailingBytes > 0) {
    col.anomaly('TRAILING_DATA', '', { bytes: tail.trailingBytes, offset: tail.firstNonZero });
  }
  if (tail.member) col.anomaly('MEMBERS_AFTER_END', '', tail.member);
  const r = col.result('tar', compression, dec.decoder, reader.bytes, dec.inputBytes, dec.sha256());
  if (paxCommit !== undefined) r.paxCommit = paxCommit;
  if (nested !== undefined) r.nested = nested;
  mark('scan: entries collected');
  return r;
}

