/**
 * An already-unpacked source directory: walked with fast-glob (dot files included, symlinks recorded
 * with their target and never followed), files stream-hashed.
 */
import { createReadStream } from 'node:fs';
import { readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type fg from 'fast-glob';
import { DistdiffError } from '../core/errors.js';
import type { EntryType } from '../core/types.js';
import { EntryCollector, FileSink, type ScanOptions, type ScanResult } from './entries.js';

async function hashFile(col: EntryCollector, full: string, size: number): Promise<{ oid: string; size: number }> {
  const sink = new FileSink(col, size, true); // read-stream chunks are fresh buffers
  const stream = createReadStream(full, { highWaterMark: 1 << 20 });
  for await (const chunk of stream) {
    if (sink.received + (chunk as Buffer).length > size) {
      throw new DistdiffError('archive', full, 'file changed while it was being read', 'scan a directory that is not being modified');
    }
    sink.update(chunk as Buffer);
  }
  if (sink.received !== size) throw new DistdiffError('archive', full, 'file changed while it was being read', 'scan a directory that is not being modified');
  return { oid: sink.finish(), size };
}

export async function scanDirectory(root: string, opts: ScanOptions): Promise<ScanResult> {
  const col = new EntryCollector(root, opts);
  let items: fg.Entry[];
  try {
    const { default: glob } = await import('fast-glob'); // loaded only for directories
    items = await glob('**', {
      cwd: root,
      dot: true,
      followSymbolicLinks: false,
      onlyFiles: false,
      stats: true,
      unique: true,
      suppressErrors: false,
      // A checkout's repository data is not part of the source tree.
      ignore: ['.git', '.git/**'],
    });
  } catch (e) {
    throw new DistdiffError('archive', root, `cannot walk the directory: ${(e as Error).message}`, 'check permissions');
  }
  // Archive order has no meaning for a directory: sort by path (byte order) for stable output.
  items.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  let total = 0;
  for (const it of items) {
    const st = it.stats!;
    const full = join(root, it.path);
    let type: EntryType;
    if (st.isSymbolicLink()) {
      const target = await readlink(full, { encoding: 'buffer' });
      col.add(it.path, 'symlink', { linkTarget: target });
      continue;
    }
    if (st.isDirectory()) type = 'directory';
    else if (st.isFile()) type = 'file';
    else if (st.isFIFO()) type = 'fifo';
    else if (st.isCharacterDevice() || st.isBlockDevice()) type = 'device';
    else type = 'other';
    if (type === 'file') {
      total += st.size;
      if (total > opts.limits.maxUncompressed) {
        throw new DistdiffError('limit', root, `total file size exceeds --max-uncompressed (${opts.limits.maxUncompressed} bytes)`, 'raise --max-uncompressed if you trust this directory');
      }
      const { oid, size } = await hashFile(col, full, st.size);
      col.add(it.path, 'file', { executable: (st.mode & 0o111) !== 0, size, oid, mode: st.mode });
    } else col.add(it.path, type, type === 'directory' ? { mode: st.mode } : {});
  }
  return col.result('directory', 'none', 'directory', total, 0);
}
