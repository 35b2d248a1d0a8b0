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
import { missingObjectError, runGit } from '../git/run.js';
import { archivedBlobIds, checkAttributes, contentMayChange, openSandbox, type AttrName, type AttrValues } from './attributes.js';
import { BlobReader } from './blob-reader.js';
import { decodeNameBytes } from './paths.js';

interface RawEntry {
  entry: TreeEntry;
  /** The path's bytes are out[start, end) of the listing (offsets: no Buffer view per entry). */
  out: Buffer;
  start: number;
  end: number;
  utf8: boolean;
  /** raw as a latin1 string, computed when needed. */
  key?: string;
}

const MAX_SYMLINK_TARGET = 64 * 1024;
const MAX_ATTRIBUTES_FILE = 16 * 1024 * 1024;

/** The attributes whose presence can change what `git archive` exports (on a Linux host, no filters). */
const ARCHIVE_ATTRS: AttrName[] = ['export-ignore', 'export-subst', 'eol', 'ident', 'working-tree-encoding'];

/** Every attribute name mentioned in a .gitattributes text (a superset: pattern tokens are included too). */
export function attributeNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    for (const tok of t.split(/\s+/)) {
      const name = tok.replace(/^[-!]/, '').split('=')[0]!;
      if (name) names.add(name);
    }
  }
  return names;
}

/**
 * The separators of one `git ls-tree -r -z [-l]` record, `<mode> SP <type> SP <oid> [SP+ <size>] TAB <path> NUL`,
 * starting at `pos`: the first three spaces before the first TAB (sp3 = tab when there is no third: no -l), the
 * TAB, and the NUL ending the path (end of output when none). Returns false for a malformed record (no TAB
 * before the record ends, fewer than two spaces before it). One object filled for every record; the header
 * (about 60 bytes) is scanned byte by byte here and only the path's end is searched natively: one call into
 * Buffer#indexOf per record instead of five (the kernel's 78,662 records, listed twice, ~70 ms less).
 */
const REC = { sp1: 0, sp2: 0, sp3: 0, tab: 0, end: 0 };
function splitRecord(out: Buffer, pos: number): boolean {
  const n = out.length;
  let sp1 = -1;
  let sp2 = -1;
  let sp3 = -1;
  let i = pos;
  for (; i < n; i++) {
    const b = out[i]!;
    if (b === 0x09 || b === 0) break;
    if (b === 0x20) {
      if (sp1 < 0) sp1 = i;
      else if (sp2 < 0) sp2 = i;
      else if (sp3 < 0) sp3 = i;
    }
  }
  if (i >= n || out[i] !== 0x09 || sp2 < 0) return false;
  REC.sp1 = sp1;
  REC.sp2 = sp2;
  REC.sp3 = sp3 < 0 ? i : sp3;
  REC.tab = i;
  const end = out.indexOf(0, i + 1);
  REC.end = end < 0 ? n : end;
  return true;
}

/** The space-padded decimal size of `ls-tree -l` (-1 when not a number: '-', or 'BAD' for a missing blob). */
function sizeField(out: Buffer, start: number, end: number): number {
  while (start < end && out[start] === 0x20) start += 1;
  while (end > start && out[end - 1] === 0x20) end -= 1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = out[i]! - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Whether out[start, end) holds exactly the ASCII text `m` (a byte loop: Buffer#compare costs more per call). */
function fieldIs(out: Buffer, m: string, start: number, end: number): boolean {
  if (end - start !== m.length) return false;
  for (let i = 0; i < m.length; i++) if (out[start + i] !== m.charCodeAt(i)) return false;
  return true;
}

/** Whether out[start, end) is ASCII (nearly every path: its text is then read straight from the listing). */
function asciiAt(out: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (out[i]! >= 0x80) return false;
  return true;
}

/** `ids`: known id strings (oid → the same string); a listed id found there reuses that string instead of a copy. */
export function parseLsTree(out: Buffer, commit: string, ids?: ReadonlyMap<string, string>, input = commit): RawEntry[] {
  const entries: RawEntry[] = [];
  const bad = () => new DistdiffError('git', commit, 'unexpected git ls-tree output', '');
  let pos = 0;
  while (pos < out.length) {
    if (!splitRecord(out, pos)) throw bad();
    const { sp1, sp2, sp3, tab, end } = REC;
    // Fields compared as bytes: no throwaway strings per entry (this runs once per tracked file).
    // (no closure per entry either: what is allocated per tracked file decides how often the young generation is collected)
    const start = pos;
    const listed = out.toString('latin1', sp2 + 1, sp3);
    const oid = ids?.get(listed) ?? listed;
    const nameStart = tab + 1;
    const nameEnd = end;
    pos = end + 1;
    // An ASCII path (nearly every one) is read straight from the listing; anything else goes through
    // decodeNameBytes (invalid UTF-8 escaped). No Buffer view is made for an ASCII path.
    let text: string;
    let valid = true;
    if (asciiAt(out, nameStart, nameEnd)) text = out.toString('latin1', nameStart, nameEnd);
    else ({ text, valid } = decodeNameBytes(out.subarray(nameStart, nameEnd)));
    let entry: TreeEntry;
    if (fieldIs(out, 'commit', sp1 + 1, sp2) || fieldIs(out, '160000', start, sp1)) {
      entry = { path: text, type: 'submodule', executable: false, size: 0, oid };
    } else if (fieldIs(out, '120000', start, sp1)) {
      entry = { path: text, type: 'symlink', executable: false, size: 0, oid };
    } else if (fieldIs(out, 'blob', sp1 + 1, sp2)) {
      const size = sizeField(out, sp3, tab);
      if (size < 0) throw missingObjectError(input, oid, null, '', text); // ls-tree -l prints BAD for a blob it cannot read
      entry = { path: text, type: 'file', executable: fieldIs(out, '100755', start, sp1), size, oid };
    } else {
      entry = { path: text, type: 'other', executable: false, size: 0, oid };
    }
    entries.push({ entry, out, start: nameStart, end: nameEnd, utf8: valid });
  }
  return entries;
}

export interface GitTreeLoad {
  /**
   * The set of ids of every entry `git archive` exports (blobs, symlinks, submodules), as soon as it is known:
   * right after `ls-tree` when no attribute can change the export (the common case), otherwise once the
   * attributes are applied. Rejects when the tree cannot be read. Each id maps to itself: the one string the
   * tree's entries hold, for the scan to reuse (one copy of an id per distinct content, not one per side).
   */
  oids: Promise<ReadonlyMap<string, string>>;
  tree: Promise<GitTree>;
}

/** The ids of every entry of a tree. */
export function treeOids(t: GitTree): Set<string> {
  const set = new Set<string>();
  for (const e of t.entries.values()) if (e.oid) set.add(e.oid);
  return set;
}

/** The ids of every entry of a tree, each mapped to the string the entries hold. */
export function treeOidIndex(t: GitTree): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of t.entries.values()) if (e.oid) m.set(e.oid, e.oid);
  return m;
}

/** Start reading the tree; `oids` may settle well before `tree` (see GitTreeLoad). */
export function loadGitTree(repo: RepoHandle, commit: string): GitTreeLoad {
  let early: ((s: ReadonlyMap<string, string>) => void) | undefined;
  let sentEarly = false;
  const oidsEarly = new Promise<ReadonlyMap<string, string>>((resolve) => (early = resolve));
  const tree = readTree(repo, commit, (ids) => {
    sentEarly = true;
    early!(ids);
  });
  // The index of the final tree only when the early one was not sent (78,000 map insertions for the kernel).
  const oids = Promise.race([oidsEarly, tree.then((t) => (sentEarly ? oidsEarly : treeOidIndex(t)))]);
  // Whoever needs them awaits these; a failure is not unhandled when only one of them is awaited.
  oids.catch(() => {});
  tree.catch(() => {});
  return { oids, tree };
}

export async function readGitTree(repo: RepoHandle, commit: string): Promise<GitTree> {
  return readTree(repo, commit, () => {});
}

/**
 * `git ls-tree -r -z` without sizes (several times faster than with -l: no object headers are read): every
 * id, and the ids of the .gitattributes files, in listing order.
 */
export function quickIndex(out: Buffer, commit: string): { oids: Map<string, string>; attrOids: string[] } {
  const oids = new Map<string, string>();
  const attrOids: string[] = [];
  const NAME = '.gitattributes';
  let pos = 0;
  while (pos < out.length) {
    if (!splitRecord(out, pos)) throw new DistdiffError('git', commit, 'unexpected git ls-tree output', '');
    const { sp1, sp2, tab, end } = REC;
    const listed = out.toString('latin1', sp2 + 1, tab);
    const oid = oids.get(listed) ?? listed;
    oids.set(oid, oid);
    const nameStart = end - NAME.length;
    if (
      nameStart >= tab + 1 &&
      (nameStart === tab + 1 || out[nameStart - 1] === 0x2f) &&
      fieldIs(out, NAME, nameStart, end) &&
      fieldIs(out, 'blob', sp1 + 1, sp2) &&
      !fieldIs(out, '120000', pos, sp1)
    ) {
      attrOids.push(oid);
    }
    pos = end + 1;
  }
  return { oids, attrOids };
}

async function readTree(repo: RepoHandle, commit: string, onFinalOids: (oids: ReadonlyMap<string, string>) => void): Promise<GitTree> {
  if (!/^[0-9a-f]{40}$|^[0-9a-f]{64}$/.test(commit)) {
    throw new DistdiffError('internal', commit, 'readGitTree needs a full commit id', 'resolve the revision first');
  }
  // The full listing (with sizes) runs while the quick one decides whether the listed ids are final.
  const listing = runGit(repo.gitDir, ['ls-tree', '-r', '-z', '-l', '--full-tree', commit], { maxBuffer: 2 * 1024 ** 3 });
  listing.catch(() => {});
  const reader = new BlobReader(repo); // spawns git only when something is read
  try {
    const quick = quickIndex(await runGit(repo.gitDir, ['ls-tree', '-r', '-z', '--full-tree', commit], { maxBuffer: 2 * 1024 ** 3 }), commit);
    // Which of the attributes that matter to `git archive` are named anywhere (directly or in a macro)?
    // Nothing else can set them: the sandbox has no info/attributes and core.attributesFile is disabled.
    const attrTexts = await Promise.all(quick.attrOids.map((oid) => reader.read(oid, MAX_ATTRIBUTES_FILE)));
    const named = new Set<string>();
    for (const t of attrTexts) if (t) for (const n of attributeNames(t.toString('utf8'))) named.add(n);
    const wanted = ARCHIVE_ATTRS.filter((a) => named.has(a));
    if (wanted.length === 0) onFinalOids(quick.oids);

    const all = parseLsTree(await listing, commit, quick.oids, repo.source);
    const symlinks = all.filter((e) => e.entry.type === 'symlink');
    const linkTargets = await Promise.all(symlinks.map((e) => reader.read(e.entry.oid!, MAX_SYMLINK_TARGET)));
    symlinks.forEach((e, i) => {
      const t = linkTargets[i];
      if (t !== undefined) e.entry.linkTarget = decodeNameBytes(t).text;
    });
    return await applyAttributes(repo, commit, all, wanted);
  } finally {
    await reader.close();
  }
}

/** The tree from the listing, with the attributes `wanted` applied (export-ignore, converted content). */
async function applyAttributes(repo: RepoHandle, commit: string, all: RawEntry[], wanted: AttrName[]): Promise<GitTree> {
  const tree: GitTree = { algo: repo.objectFormat, commit, entries: new Map(), exportIgnored: new Set(), converted: new Map() };
  const attrFiles = all.filter((e) => e.entry.type === 'file' && (e.entry.path === '.gitattributes' || e.entry.path.endsWith('/.gitattributes')));
  if (wanted.length === 0) {
    for (const e of all) tree.entries.set(e.entry.path, e.entry);
    return tree;
  }

  // Only paths at or below a directory holding a .gitattributes can be affected. Paths are handled as
  // latin1 strings here (one char per byte), so raw bytes survive and string operations stay cheap.
  const keyOf = (e: RawEntry) => (e.key ??= e.out.toString('latin1', e.start, e.end));
  const scopes = attrFiles.map((e) => keyOf(e).slice(0, -'.gitattributes'.length));
  const everywhere = scopes.includes('');
  const inScope = (k: string) => everywhere || scopes.some((s) => k.length > s.length && k.startsWith(s));
  const scoped = everywhere ? all : all.filter((e) => inScope(keyOf(e)));

  const sandbox = await openSandbox(repo, commit, wanted.includes('export-subst'));
  try {
    // Directories (with '/', as git archive asks) only need export-ignore; leaves need everything.
    // A submodule is asked about with '/', as git archive does.
    const dirs: string[] = [];
    const dirIndex = new Map<string, number>();
    if (wanted.includes('export-ignore')) {
      for (const e of scoped) {
        const k = keyOf(e);
        for (let i = k.lastIndexOf('/'); i > 0; i = k.lastIndexOf('/', i - 1)) {
          const d = k.slice(0, i + 1);
          if (dirIndex.has(d)) break; // its parents are known too
          if (!inScope(d)) break;
          dirIndex.set(d, dirs.length);
          dirs.push(d);
        }
      }
    }
    const [dirAttrs, leafAttrs] = await Promise.all([
      checkAttributes(sandbox, dirs, ['export-ignore']),
      checkAttributes(
        sandbox,
        scoped.map((e) => (e.entry.type === 'submodule' ? `${keyOf(e)}/` : keyOf(e))),
        wanted,
      ),
    ]);
    // A directory is ignored when it or any parent directory is export-ignore (memoised).
    const dirIgnored = new Map<string, boolean>();
    const isDirIgnored = (d: string): boolean => {
      let v = dirIgnored.get(d);
      if (v === undefined) {
        const i = dirIndex.get(d);
        const parentEnd = d.lastIndexOf('/', d.length - 2);
        v = (i !== undefined && dirAttrs[i]?.['export-ignore'] === 'set') || (parentEnd > 0 && isDirIgnored(d.slice(0, parentEnd + 1)));
        dirIgnored.set(d, v);
      }
      return v;
    };
    const ignoredDir = (e: RawEntry) => {
      if (dirs.length === 0) return false;
      const k = keyOf(e);
      const i = k.lastIndexOf('/');
      return i > 0 && isDirIgnored(k.slice(0, i + 1));
    };
    const attrOf = new Map<RawEntry, AttrValues>();
    scoped.forEach((e, i) => {
      const a = leafAttrs[i];
      if (a) attrOf.set(e, a);
    });

    const toArchive: { e: RawEntry; reason: 'export-subst' | 'eol' }[] = [];
    for (const e of all) {
      const own = attrOf.get(e);
      if (own?.['export-ignore'] === 'set' || ignoredDir(e)) {
        tree.exportIgnored.add(e.entry.path);
        (tree.exportIgnoredEntries ??= new Map()).set(e.entry.path, e.entry);
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
