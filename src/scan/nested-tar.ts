/**
 * Member listing of a tar archive shipped inside the release (gettext's gettext-tools/misc/archive.dir.tar:
 * 31 MB, ~3,800 files of its earlier versions), made while the outer archive streams: its bytes go through a
 * second TarReader and each member is hashed as a git blob. Nothing is buffered beyond one tar block; the
 * listing holds names, sizes and ids only (at most MAX_MEMBERS). A nested archive that does not parse keeps
 * the reason instead (the classifier then leaves it to the others).
 */
import type { HashAlgo } from '../core/types.js';
import { createBlobHasher, type BlobHasher } from './blob-id.js';
import { TarReader } from './tar.js';

export interface NestedMember {
  name: string;
  oid: string;
  size: number;
}

export interface NestedListing {
  /** Regular files of the nested archive, in its order. */
  members: NestedMember[];
  /** Entries that are neither files nor directories (symlinks, devices …), by name. */
  others: string[];
  /** Why the listing is incomplete (a parse error, too many members); absent when it is whole. */
  error?: string;
}

export const MAX_MEMBERS = 100_000;

/** Names of files whose content is listed as a nested tar (plain tar only). */
export const isNestedTarName = (name: Uint8Array | string): boolean => {
  // Raw name bytes are tested as they are (no string made per entry): '.tar' is ASCII.
  if (typeof name === 'string') return name.endsWith('.tar');
  const n = name.length;
  return n >= 4 && name[n - 4] === 0x2e && name[n - 3] === 0x74 && name[n - 2] === 0x61 && name[n - 1] === 0x72;
};

export class NestedTarLister {
  private readonly listing: NestedListing = { members: [], others: [] };
  private readonly reader: TarReader;
  private hasher: BlobHasher | undefined;
  private current: { name: string; size: number } | undefined;
  private failed = false;

  constructor(algo: HashAlgo, input: string, maxPathLength: number) {
    this.reader = new TarReader(
      {
        entry: (h) => {
          const name = h.name.toString('utf8');
          if (h.kind === 'file' && h.sparseSize === undefined) {
            this.hasher = createBlobHasher(algo, h.size);
            this.current = { name, size: h.size };
          } else {
            this.hasher = undefined;
            this.current = undefined;
            if (h.kind !== 'directory') this.listing.others.push(name);
          }
        },
        data: (chunk) => this.hasher?.update(chunk),
        end: () => {
          if (this.hasher && this.current) {
            if (this.listing.members.length >= MAX_MEMBERS) throw new Error(`more than ${MAX_MEMBERS} members`);
            this.listing.members.push({ name: this.current.name, oid: this.hasher.digest(), size: this.current.size });
          }
          this.hasher = undefined;
          this.current = undefined;
        },
      },
      { input, maxPathLength },
    );
  }

  write(chunk: Buffer): void {
    if (this.failed) return;
    try {
      this.reader.write(chunk);
    } catch (e) {
      this.fail(e);
    }
  }

  finish(): NestedListing {
    if (!this.failed) {
      try {
        this.reader.end();
      } catch (e) {
        this.fail(e);
      }
    }
    return this.listing;
  }

  private fail(e: unknown): void {
    this.failed = true;
    this.listing.error = e instanceof Error ? e.message : String(e);
  }
}
