/**
 * The collector (src/scan/entries.ts) against its rules:
 * - FILE_DIR_CONFLICT (the parent-directory walk stops at the first directory it knows): checked against the
 *   rule itself (a non-directory path that is also some entry's parent directory, reported once, at its first
 *   non-directory entry, naming the first entry under it) for random sequences of up to 5 names over a small
 *   alphabet, in archive order;
 * - onFileNamed: fires once, on the first regular file with that base name, for tar archives made by tar and
 *   for the collector fed directly.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import type { EntryType } from '../../src/core/types.js';
import { scanArchive } from '../../src/scan/archive.js';
import { EntryCollector } from '../../src/scan/entries.js';
import { makeTar } from '../helpers/archives.js';
import { tempDir } from '../helpers/tmp.js';

const opts = () => ({ algo: 'sha1' as const, limits: DEFAULT_LIMITS });

/** FILE_DIR_CONFLICT as the rule states it, computed the slow way. */
function conflictsByRule(entries: { path: string; type: EntryType }[]): { path: string; other: string; index: number }[] {
  const out: { path: string; other: string; index: number }[] = [];
  const reported = new Set<string>();
  entries.forEach((e, i) => {
    if (e.type === 'directory' || reported.has(e.path)) return;
    const under = entries.find((x) => x.path.startsWith(`${e.path}/`));
    if (!under) return;
    reported.add(e.path);
    out.push({ path: e.path, other: under.path, index: i });
  });
  return out;
}

describe('EntryCollector: FILE_DIR_CONFLICT', () => {
  const NAMES = ['a', 'b', 'a/b', 'a/c', 'b/a', 'a/b/c', 'a/b/d', 'a/c/d', 'b/a/c', 'c'];
  const TYPES: EntryType[] = ['file', 'directory', 'symlink'];

  it('matches the rule for every sequence of up to 5 names (fast-check, 3,000 runs)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ path: fc.constantFrom(...NAMES), type: fc.constantFrom(...TYPES) }), { minLength: 1, maxLength: 5 }), (seq) => {
        const col = new EntryCollector('<test>', opts());
        for (const e of seq) col.add(e.path, e.type, e.type === 'symlink' ? { linkTarget: 'x' } : { size: 0 });
        col.finish();
        const got = col.anomalies.filter((a) => a.code === 'FILE_DIR_CONFLICT').map((a) => ({ path: a.path, other: (a.evidence as { other: string }).other, index: a.index }));
        expect(got).toEqual(conflictsByRule(seq));
      }),
      { numRuns: 3000, seed: 14 },
    );
  });

  it('a file named like a directory met again after other directories, and one sharing a prefix only', () => {
    const col = new EntryCollector('<test>', opts());
    for (const p of ['p/d/x', 'p/d/y', 'p/e/z', 'p/d', 'p/dd/w', 'p/dd', 'p/d/q']) col.add(p, 'file', { size: 0 });
    col.finish();
    expect(col.anomalies).toEqual([
      { code: 'FILE_DIR_CONFLICT', path: 'p/d', evidence: { other: 'p/d/x' }, index: 3 },
      { code: 'FILE_DIR_CONFLICT', path: 'p/dd', evidence: { other: 'p/dd/w' }, index: 5 },
    ]);
  });
});

describe('ScanOptions.onFileNamed', () => {
  it('fires once, on the first regular file with that base name, at any depth (collector fed directly)', () => {
    const seen: number[] = [];
    const col = new EntryCollector('<test>', { ...opts(), onFileNamed: { base: 'configure', seen: () => seen.push(col.entries.length) } });
    col.add('pkg/configure.ac', 'file', { size: 0 }); // another base name
    col.add('pkg/xconfigure', 'file', { size: 0 }); // ends with it, not the base name
    col.add('pkg/configure', 'directory'); // not a regular file
    col.add('pkg/configure', 'symlink', { linkTarget: 'x' });
    expect(seen).toEqual([]);
    col.add('pkg/sub/configure', 'file', { size: 0 });
    col.add('pkg/configure', 'file', { size: 0 });
    col.add('configure', 'file', { size: 0 });
    // Called before the entry is recorded: 4 entries were there.
    expect(seen).toEqual([4]);
  });

  it('a top-level name and a name in the archive made by tar; none for an archive without one', async () => {
    const root = tempDir('distdiff-watch-');
    const mk = (name: string, files: string[]) => {
      const d = join(root, name, 'pkg-1.0');
      for (const f of files) {
        mkdirSync(join(d, f, '..'), { recursive: true });
        writeFileSync(join(d, f), `${f}\n`);
      }
      return makeTar(d, { compress: 'gzip' });
    };
    const count = async (file: string, base: string) => {
      let n = 0;
      await scanArchive(file, { ...opts(), onFileNamed: { base, seen: () => (n += 1) } });
      return n;
    };
    const withOne = mk('one', ['configure.ac', 'src/configure', 'configure', 'README']);
    expect(await count(withOne, 'configure')).toBe(1);
    expect(await count(withOne, 'README')).toBe(1);
    expect(await count(mk('none', ['configure.ac', 'Makefile.am', 'src/main.c']), 'configure')).toBe(0);
  });
});
