/**
 * The blob index: files that releases copy wholesale from gnulib (lib/, m4/, build-aux/, tests/, top/ …),
 * gettext (po infrastructure, intl/, m4/ …), libtool (libltdl/), automake and autoconf. A tarball-only or
 * changed file whose git blob id is one that upstream file had at some point in its history — under the same
 * base name — is UPSTREAM_COPY (exact). No content is needed: the archive scan already hashed every file.
 *
 * data/upstream-blobs.json.gz is built by scripts/build-upstream-db.mjs (derived data only: 80-bit blob id
 * prefixes and upstream paths). 80 bits with the same-name requirement leaves a forger well over 2^70 work.
 */
import { lazyGzipJson } from '../util/bundled-data.js';
import { makeFinding } from '../core/severity.js';
import type { PathDiff } from '../core/types.js';
import type { Classifier } from './types.js';

export interface BlobIndexFile {
  schemaVersion: 1;
  generated: string;
  prefixBytes: number;
  sources: { project: string; repo: string; head: string; blobs: number }[];
  /** "project\tpath" */
  paths: string[];
  /** base64: sorted blob id prefixes, prefixBytes each */
  ids: string;
  /** base64: one little-endian uint32 index into paths per id */
  path: string;
}

export class BlobIndex {
  private readonly ids: Buffer;
  private readonly idx: Buffer;
  private readonly width: number;
  readonly size: number;
  constructor(private readonly raw: Pick<BlobIndexFile, 'prefixBytes' | 'paths' | 'ids' | 'path'>) {
    this.ids = Buffer.from(raw.ids, 'base64');
    this.idx = Buffer.from(raw.path, 'base64');
    this.width = raw.prefixBytes;
    this.size = this.ids.length / this.width;
  }

  /** The upstream (project, path) a blob id had, when the index holds it. */
  lookup(oid: string): { project: string; path: string } | undefined {
    if (!/^[0-9a-f]{40}$/.test(oid)) return undefined; // sha1 repositories only
    const key = Buffer.from(oid.slice(0, this.width * 2), 'hex');
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.ids.compare(key, 0, this.width, mid * this.width, (mid + 1) * this.width);
      if (c === 0) {
        const entry = this.raw.paths[this.idx.readUInt32LE(mid * 4)]!;
        const tab = entry.indexOf('\t');
        return { project: entry.slice(0, tab), path: entry.slice(tab + 1) };
      }
      if (c > 0) hi = mid - 1;
      else lo = mid + 1;
    }
    return undefined;
  }
}

/** Builds an index from (project, path, blob id) triples: what the builder does, for tests. */
export function blobIndexFrom(rows: readonly { project: string; path: string; oid: string }[], prefixBytes = 10): BlobIndex {
  const paths: string[] = [];
  const byKey = new Map<string, number>();
  const pairs = new Map<string, number>();
  for (const r of rows) {
    const k = `${r.project}\t${r.path}`;
    let i = byKey.get(k);
    if (i === undefined) {
      i = paths.length;
      paths.push(k);
      byKey.set(k, i);
    }
    const p = r.oid.slice(0, prefixBytes * 2);
    if (!pairs.has(p)) pairs.set(p, i);
  }
  const keys = [...pairs.keys()].sort();
  const ids = Buffer.alloc(keys.length * prefixBytes);
  const idx = Buffer.alloc(keys.length * 4);
  keys.forEach((k, n) => {
    ids.write(k, n * prefixBytes, 'hex');
    idx.writeUInt32LE(pairs.get(k)!, n * 4);
  });
  return new BlobIndex({ prefixBytes, paths, ids: ids.toString('base64'), path: idx.toString('base64') });
}

export const BLOB_INDEX_URL = new URL('../../data/upstream-blobs.json.gz', import.meta.url);
/** The bundled index, loaded on first use; null when the data file is missing (the check is then skipped). */
export const bundledBlobIndex: () => BlobIndex | null = lazyGzipJson(BLOB_INDEX_URL, (f: BlobIndexFile) => new BlobIndex(f));

const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

export function createBlobIndexClassifier(index: () => BlobIndex | null = bundledBlobIndex): Classifier {
  return {
    id: 'upstream-blobs',
    classify(diff: PathDiff) {
      const t = diff.tarball;
      if (t?.type !== 'file' || t.oid === undefined) return undefined;
      if (diff.status === 'changed' ? !diff.changes?.includes('content') : diff.status !== 'tarball-only') return undefined;
      const hit = index()?.lookup(t.oid);
      if (!hit || baseName(hit.path) !== baseName(diff.path)) return undefined;
      return makeFinding('UPSTREAM_COPY', diff.path, { match: 'exact', upstream: { project: hit.project, file: hit.path }, others: 0 });
    },
  };
}

export const blobIndexClassifier: Classifier = createBlobIndexClassifier();
