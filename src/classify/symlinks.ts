/**
 * Symlinks shipped as regular files (cargo package, make dist, tar -h): git has a link, the tarball has a
 * file. Explained when the file's blob is the blob of the link's target at the tag (links to links are
 * followed, at most 8 hops). When the target lies inside a submodule (gnulib's build-aux/compile behind
 * ../gnulib/build-aux/compile), the content must be the target's blob at the commit the tag pins when that
 * submodule's repository was read (src/acquire/submodule.ts: bison's data/m4sugar/m4sugar.m4 ->
 * ../../submodules/autoconf/lib/m4sugar/m4sugar.m4); otherwise a known upstream version of exactly that path in
 * the blob index. A pinned target that is absent or differs stays TYPE_CHANGED, with what was compared. For a package in a subdirectory (a crate's path_in_vcs), a target outside it is read from the
 * whole repository at the tag (serde/LICENSE-MIT -> ../LICENSE-MIT). A file holding exactly the link's own text (its
 * blob: what git checks out with core.symlinks=false, a non-executable file) is SYMLINK_AS_TEXT (low). A different content,
 * or that text in an executable file, stays TYPE_CHANGED (high). A link to a tracked directory shipped as a copy of that
 * directory is SYMLINK_AS_DIRECTORY (directoryCopy).
 */
import type { Finding } from '../core/findings.js';
import { makeFinding } from '../core/severity.js';
import type { PathDiff } from '../core/types.js';
import { blobId } from '../scan/blob-id.js';
import { dirOf } from './paths.js';
import type { Classifier, ClassifyContext } from './types.js';
import { bundledBlobIndex, type BlobIndex } from './upstream-blobs.js';
import { admits } from './precheck.js';

/** `target` resolved against the directory of `link`; undefined when it leaves the tree. */
export function resolveLink(link: string, target: string): string | undefined {
  if (target.startsWith('/')) return undefined;
  const parts = dirOf(link) ? dirOf(link).split('/') : [];
  for (const seg of target.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.join('/');
}

function submodules(ctx: ClassifyContext): string[] {
  return ctx.diffs.filter((d) => d.status === 'submodule').map((d) => d.path);
}


/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) =>
  diff.status === 'changed' && diff.changes?.includes('type') === true && diff.git?.type === 'symlink' && ((diff.tarball?.type === 'file' && !!diff.tarball.oid) || diff.tarball?.type === 'directory');

/**
 * A git symlink to a tracked directory of the tree shipped as a directory (make dist's `cp -pR` / `tar -h` follow it:
 * vnstat 2.13's examples/init.d/centos -> redhat): explained only when the shipped directory holds exactly the
 * target's files — the same relative names, every one a tarball-only regular file whose blob is the target file's and
 * whose executable bit is git's (the comparison's copyOf names that very file) — and nothing else (no symlink, no
 * extra or missing file). Anything else stays TYPE_CHANGED (high), and an extra file is its own finding besides.
 */
async function directoryCopy(diff: PathDiff, target: string, ctx: ClassifyContext): Promise<Finding | undefined> {
  const resolved = resolveLink(diff.path, target);
  if (!resolved || resolved === diff.path || resolved.startsWith(`${diff.path}/`) || diff.path.startsWith(`${resolved}/`)) return undefined;
  const from = `${resolved}/`;
  const wanted = [...ctx.gitPaths].filter((p) => p.startsWith(from)).map((p) => p.slice(from.length)).sort();
  if (!wanted.length) return undefined;
  const under = `${diff.path}/`;
  const shipped = [...ctx.tarballPaths].filter((p) => p.startsWith(under)).map((p) => p.slice(under.length)).sort();
  if (shipped.length !== wanted.length || shipped.some((p, i) => p !== wanted[i])) return undefined;
  const byPath = new Map(ctx.diffs.filter((d) => d.path.startsWith(under)).map((d) => [d.path, d]));
  for (const rel of wanted) {
    const d = byPath.get(under + rel);
    const t = d?.tarball;
    if (!d || d.status !== 'tarball-only' || t?.type !== 'file' || !t.oid || d.copyOf !== from + rel || !!d.copyOfExecutable !== t.executable) return undefined;
    const content = await ctx.content.git(from + rel);
    if (!content || blobId(t.oid.length === 64 ? 'sha256' : 'sha1', content) !== t.oid) return undefined;
  }
  return makeFinding('SYMLINK_AS_DIRECTORY', diff.path, { target, resolved, files: wanted.length });
}

export function createSymlinkClassifier(index: () => BlobIndex | null = bundledBlobIndex): Classifier {
  return {
    id: 'symlinks',
    candidate,
    async classify(diff, ctx) {
      if (!admits(candidate, diff) || diff.git?.type !== 'symlink') return undefined;
      if (diff.tarball?.type === 'directory') {
        const to = diff.git.linkTarget ?? (await ctx.content.git(diff.path))?.toString('utf8');
        return to ? directoryCopy(diff, to, ctx) : undefined;
      }
      if (!diff.tarball?.oid) return undefined;
      const want = diff.tarball.oid;
      const algo = want.length === 64 ? 'sha256' : 'sha1';
      const target = diff.git.linkTarget ?? (await ctx.content.git(diff.path))?.toString('utf8');
      if (!target) return undefined;
      // git without symlink support (core.symlinks=false, a Windows checkout) writes the link's own blob as a file
      // (a plain file: run as a program, an executable holding a path runs that path from the caller's directory —
      // red team 19: not a checkout's file)
      if (blobId(algo, Buffer.from(target, 'utf8')) === want && !diff.tarball.executable) return makeFinding('SYMLINK_AS_TEXT', diff.path, { target });
      let link = diff.path;
      let to = target;
      for (let hop = 0; hop < 8; hop++) {
        const resolved = resolveLink(link, to);
        if (resolved === undefined) {
          // A package in a subdirectory (a crate's path_in_vcs): the target may lie elsewhere in the repository.
          const inRepo = ctx.pathInRepo && ctx.content.repo ? resolveLink(`${ctx.pathInRepo}/${link}`, to) : undefined;
          if (inRepo === undefined) return undefined;
          const content = await ctx.content.repo!(inRepo);
          if (content && blobId(algo, content) === want) return makeFinding('SYMLINK_AS_FILE', diff.path, { target, resolved: inRepo, outside: ctx.pathInRepo! });
          return undefined;
        }
        if (ctx.gitPaths.has(resolved)) {
          const content = await ctx.content.git(resolved);
          if (!content) return undefined;
          if (blobId(algo, content) === want) return makeFinding('SYMLINK_AS_FILE', diff.path, { target, resolved });
          // a link to a link: git archive exports the inner link's target text as its content
          const next = content.toString('utf8');
          if (content.length > 4096 || next.includes('\n') || next.includes('\0')) return undefined;
          link = resolved;
          to = next;
          continue;
        }
        const sub = submodules(ctx).find((s) => resolved.startsWith(`${s}/`));
        if (!sub) return undefined;
        const inner = resolved.slice(sub.length + 1);
        // The submodule's pinned commit, when its repository could be read: the target's blob there decides.
        const pinned = ctx.submodules?.find((m) => m.path === sub);
        if (pinned) {
          const blob = pinned.files.get(inner);
          const at = { submodule: sub, commit: pinned.commit, file: inner };
          if (blob && blob === want) return makeFinding('SYMLINK_AS_FILE', diff.path, { target, resolved, submodule: sub, pinned: { commit: pinned.commit, blob } });
          return makeFinding('TYPE_CHANGED', diff.path, { git: 'symlink', tarball: 'file', compared: { ...at, ...(blob ? { blob } : {}), tarball: want } });
        }
        const hit = index()?.lookup(want);
        if (hit && hit.path === inner) return makeFinding('SYMLINK_AS_FILE', diff.path, { target, resolved, via: { project: hit.project, file: hit.path }, submodule: sub });
        return undefined;
      }
      return undefined;
    },
  };
}

export const symlinkClassifier: Classifier = createSymlinkClassifier();
