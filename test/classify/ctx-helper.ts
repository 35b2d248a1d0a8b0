/**
 * Builds classification inputs from plain data: two trees as path → content maps, the PathDiffs
 * between them computed the way compare does (blob ids), and a ClassifyContext serving the content.
 */
import { createHash } from 'node:crypto';
import type { ArchiveAnomaly, PathDiff, TreeEntry } from '../../src/core/types.js';
import type { ClassifyContext, RevisionInfo } from '../../src/classify/types.js';

export type Tree = Record<string, string | Buffer>;

export const REV = '1111111111111111111111111111111111111111';

function buf(c: string | Buffer): Buffer {
  return typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
}

export function blobId(c: string | Buffer): string {
  const b = buf(c);
  return createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');
}

function entry(path: string, c: string | Buffer): TreeEntry {
  const b = buf(c);
  return { path, type: 'file', executable: false, size: b.length, oid: blobId(b) };
}

export function computeDiffs(git: Tree, tarball: Tree): PathDiff[] {
  const diffs: PathDiff[] = [];
  for (const [path, c] of Object.entries(tarball)) {
    const g = git[path];
    if (g === undefined) diffs.push({ path, status: 'tarball-only', tarball: entry(path, c) });
    else if (blobId(g) !== blobId(c))
      diffs.push({ path, status: 'changed', changes: ['content'], git: entry(path, g), tarball: entry(path, c) });
  }
  for (const [path, c] of Object.entries(git)) {
    if (tarball[path] === undefined) diffs.push({ path, status: 'git-only', git: entry(path, c) });
  }
  return diffs;
}

export interface CtxOptions {
  git: Tree;
  tarball: Tree;
  revision?: Partial<RevisionInfo>;
  anomalies?: ArchiveAnomaly[];
  /** Tarball paths whose content is "not retained". */
  withheld?: string[];
}

export function makeCtx(o: CtxOptions): ClassifyContext {
  const withheld = new Set(o.withheld ?? []);
  return {
    diffs: computeDiffs(o.git, o.tarball),
    anomalies: o.anomalies ?? [],
    revision: { commit: REV, ...o.revision },
    gitPaths: new Set(Object.keys(o.git)),
    tarballPaths: new Set(Object.keys(o.tarball)),
    content: {
      tarball: (p) => (withheld.has(p) || o.tarball[p] === undefined ? undefined : buf(o.tarball[p]!)),
      git: async (p) => (o.git[p] === undefined ? undefined : buf(o.git[p]!)),
    },
  };
}

export function diffOf(ctx: ClassifyContext, path: string): PathDiff {
  const d = ctx.diffs.find((x) => x.path === path);
  if (!d) throw new Error(`no diff for ${path}`);
  return d;
}
