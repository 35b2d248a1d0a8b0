/**
 * The git side of the comparison: the tree of a commit as `git archive <commit>` would export it.
 *
 * `git ls-tree -r -z -l --full-tree` gives every blob, symlink and submodule with its id and size. Only when
 * the tree has a `.gitattributes` file do attributes get computed (by git itself, see ./attributes.ts):
 * export-ignore removes paths (a directory marked export-ignore removes everything under it) and the few
 * files whose exported bytes differ (export-subst, ident, eol=crlf, working-tree-encoding) get the blob id of
 * the bytes `git archive` produces, with the raw id kept in `converted`.
 */
import type { RepoHandle } from '../acquire/repo.js';
import { DistdiffError } from '../core/errors.js';
import type { GitTree, TreeEntry } from '../core/types.js';
import { runGit } from '../git/run.js';
import { archivedBlobIds, checkAttributes, contentMayChange, openSandbox } from './attributes.js';
import { BlobReader } from './blob-reader.js';
import { decodeNameBytes } from './paths.js';

interface RawEntry {
  entry: TreeEntry;
  raw: Buffer;
  utf8: boolean;
}

const MAX_SYMLINK_TARGET = 64 * 1024;

/** Parse `git ls-tree -r -z -l` output. */
function parseLsTree(out: Buffer, commit: string): RawEntry[] {
  const entries: RawEntry[] = [];
  let pos = 0;
  while (pos < out.length) {
    let end = out.indexOf(0, pos);
    if (end < 0) end = out.length;
    const tab = out.indexOf(0x09, pos);
    if (tab < 0 || tab > end) throw new DistdiffError('git', commit, 'unexpected git ls-tree output', '');
    const [mode, type, oid, size] = out.toString('latin1', pos, tab).trim().split(/ +/) as [string, string, string, string];
    const raw = Buffer.from(out.subarray(tab + 1, end));
    pos = end + 1;
    const { text, valid } = decodeNameBytes(raw);
    let entry: TreeEntry;
    if (type === 'commit' || mode === '160000') {
      entry = { path: text, type: 'submodule', executable: false, size: 0, oid };
    } else if (mode === '120000') {
      entry = { path: text, type: 'symlink', executable: false, size: 0, oid };
    } else if (type === 'blob') {
      entry = { path: text, type: 'file', executable: mode === '100755', size: Number(size) || 0, oid };
    } else {
      entry = { path: text, type: 'other', executable: false, size: 0, oid };
    }
    entries.push({ entry, raw, utf8: valid });
  }
  return entries;
}

/** Directory prefixes of a raw path, each with a trailing '/': a/b/c → a/, a/b/. */
function parentDirs(raw: Buffer): Buffer[] {
  const dirs: Buffer[] = [];
  for (let i = raw.indexOf(0x2f); i >= 0; i = raw.indexOf(0x2f, i + 1)) dirs.push(raw.subarray(0, i + 1));
  return dirs;
}

export async function readGitTree(repo: RepoHandle, commit: string): Promise<GitTree> {
  if (!/^[0-9a-f]{40}$|^[0-9a-f]{64}$/.test(commit)) {
    throw new DistdiffError('internal', commit, 'readGitTree needs a full commit id', 'resolve the revision first');
  }
  const out = await runGit(repo.gitDir, ['ls-tree', '-r', '-z', '-l', '--full-tree', commit], { maxBuffer: 2 * 1024 ** 3 });
  const all = parseLsTree(out, commit);

  // Symlink targets through one cat-file process.
  const symlinks = all.filter((e) => e.entry.type === 'symlink');
  if (symlinks.length > 0) {
    const reader = new BlobReader(repo);
    try {
      const targets = await Promise.all(symlinks.map((e) => reader.read(e.entry.oid!, MAX_SYMLINK_TARGET)));
      symlinks.forEach((e, i) => {
        const t = targets[i];
        if (t !== undefined) e.entry.linkTarget = decodeNameBytes(t).text;
      });
    } finally {
      await reader.close();
    }
  }

  const tree: GitTree = { algo: repo.objectFormat, commit, entries: new Map(), exportIgnored: new Set(), converted: new Map() };
  const hasAttributes = all.some((e) => e.entry.path === '.gitattributes' || e.entry.path.endsWith('/.gitattributes'));
  if (!hasAttributes) {
    for (const e of all) tree.entries.set(e.entry.path, e.entry);
    return tree;
  }

  const sandbox = await openSandbox(repo, commit, true);
  try {
    // Ask about every leaf (submodules with '/' as git archive does) and every directory.
    const queries: Buffer[] = [];
    const seenDirs = new Set<string>();
    const slash = Buffer.from('/');
    for (const e of all) {
      for (const d of parentDirs(e.raw)) {
        const k = d.toString('latin1');
        if (!seenDirs.has(k)) {
          seenDirs.add(k);
          queries.push(d);
        }
      }
      queries.push(e.entry.type === 'submodule' ? Buffer.concat([e.raw, slash]) : e.raw);
    }
    const attrs = await checkAttributes(sandbox, queries);
    const ignoredDir = (raw: Buffer) => parentDirs(raw).some((d) => attrs.get(d.toString('latin1'))?.['export-ignore'] === 'set');

    const toArchive: { e: RawEntry; reason: 'export-subst' | 'eol' }[] = [];
    for (const e of all) {
      const own = attrs.get((e.entry.type === 'submodule' ? Buffer.concat([e.raw, slash]) : e.raw).toString('latin1'));
      if (own?.['export-ignore'] === 'set' || ignoredDir(e.raw)) {
        tree.exportIgnored.add(e.entry.path);
        continue;
      }
      tree.entries.set(e.entry.path, e.entry);
      if (e.entry.type === 'file' && e.utf8) {
        const reason = contentMayChange(own);
        if (reason) toArchive.push({ e, reason });
      }
    }
    if (toArchive.length > 0) {
      const exported = await archivedBlobIds(
        sandbox,
        toArchive.map((t) => t.e.entry.path),
      );
      for (const { e, reason } of toArchive) {
        const x = exported.get(e.entry.path);
        if (!x || x.oid === e.entry.oid) continue;
        tree.converted.set(e.entry.path, { rawOid: e.entry.oid!, reason });
        e.entry.oid = x.oid;
        e.entry.size = x.size;
      }
    }
  } finally {
    sandbox.dispose();
  }
  return tree;
}
