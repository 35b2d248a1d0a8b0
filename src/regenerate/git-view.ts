/**
 * A read-only git checkout of the compared revision for the sandboxed generators. Some configure.ac files ask
 * git for the version while autoconf expands them: GnuPG's projects (gpgme, libgpg-error, libgcrypt, libassuan …)
 * run `m4_esyscmd([./autogen.sh --find-version PKG MAJOR MINOR MICRO])`, which calls `git describe --match
 * "PKG-X.Y.[0-9]*" --long` and `git rev-parse --short HEAD` when `.git` exists and otherwise prints
 * "X.Y.Z-unknown" and revision 0000000. The maintainer ran autoconf in a checkout of the tag; without one every
 * AC_INIT string of the regenerated configure says "-unknown" and its BUILD_REVISION lines hold zeros.
 *
 * The view is what a checkout of the tag shows git, and nothing else: a git directory of our own (HEAD = the
 * commit, detached; packed-refs = the repository's tags, peeled; objects borrowed read-only through
 * objects/info/alternates) that is the `.git` directory at the top of the scratch tree, as in a maintainer's
 * clone — a configure.ac may test for a directory (libnl 3.7.0: `[ -d ./.git/ ] && [ "$(readlink -f ./.git/)" =
 * "$(readlink -f "$(git rev-parse --git-dir)")" ] && git rev-parse --verify -q HEAD`; a `gitdir:` file fails that
 * test and left its LIBNL_GIT_SHA empty). The real git of this machine runs inside the bubblewrap sandbox, like the
 * generators, with the view (mounted read-only at its place in the tree, ./sandbox.ts) and the repository's object
 * directories mounted read-only. It is offered only when a configure.ac's esyscmd commands name `git` or run a tracked script
 * that calls `git describe`, `git rev-parse`, `git log` or `git rev-list`; every other release regenerates exactly
 * as before. Nothing is normalised: the output is compared byte for byte, so a configure whose version strings
 * or revision the tag's git does not give still differs. The view has the index of a clean checkout (the commit's
 * entries, each skip-worktree): xiph's update_version (opus, opusfile, libopusenc) runs `git describe --tags --match
 * 'v*' --dirty`, and without an index every tracked file read as deleted, so the regenerated configure said
 * "0.2.1-dirty" where the maintainer's clean checkout gave "0.2.1" (holdout19: libopusenc 0.2.1).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** The repository and the revision the scratch tree was written from. */
export interface GitCheckout {
  gitDir: string;
  commit: string;
  /** The repository's object format (a sha256 repository needs it in the view's config). */
  objectFormat?: 'sha1' | 'sha256';
  /**
   * Leave out the repository's tags that point at the commit (peeled or not): the view of the release commit before
   * it was tagged. Their names are returned (`untagged`).
   */
  beforeTag?: boolean;
  /**
   * An annotated tag the view adds at the commit (see releaseTagName), written only when no tag of the
   * repository points at the commit and none has that name: a tagless snapshot (gnu-mirror-unofficial's
   * mirrors) of a release whose commit the user gave.
   */
  releaseTag?: string;
}

/**
 * The tag a tracked gnulib `git-version-gen` would have found at the release commit: its tag prefix (the
 * command's `--prefix X`, else the script's own `prefix=X` default line) followed by the release version.
 * undefined unless an esyscmd command runs a tracked script named git-version-gen whose text calls
 * `git describe` with `--match="$prefix*"` — the version string configure then carries is the archive's own
 * version exactly when that tag is at HEAD (git-version-gen strips the prefix), and any other version stays a
 * difference.
 */
export function releaseTagName(commands: readonly string[], read: (path: string) => string | undefined, version: string): string | undefined {
  if (!/^[0-9][0-9A-Za-z.+~_-]*$/.test(version)) return undefined;
  for (const c of commands) {
    const words = c.split(/\s+/).filter(Boolean);
    const i = words.findIndex((w) => /(?:^|\/)git-version-gen$/.test(w));
    if (i < 0) continue;
    const text = read(words[i]!.replace(/^\.\//, ''));
    if (text === undefined || !/git describe[^\n]*--match="\$prefix\*"/.test(text)) continue;
    let prefix = /^prefix=([A-Za-z0-9._-]*)$/m.exec(text)?.[1];
    for (let j = i + 1; j < words.length; j++) {
      const w = words[j]!.replace(/^\[|\]$/g, '');
      if (w === '--prefix' && words[j + 1]) prefix = words[j + 1]!.replace(/^\[|\]$/g, '');
      else if (w.startsWith('--prefix=')) prefix = w.slice('--prefix='.length);
    }
    if (prefix === undefined || !/^[A-Za-z0-9._-]*$/.test(prefix)) return undefined;
    return `${prefix}${version}`;
  }
  return undefined;
}

/** git's read commands, also after `--git-dir DIR`, `-C DIR` or `--work-tree DIR` (mc 4.8.33's version.sh: `git --git-dir "${src_top_dir}/.git" describe`). */
const GIT_COMMAND = /\bgit\s+(?:(?:--git-dir|--work-tree|-C)[= ]\S+\s+)*(?:describe|rev-parse|log|rev-list|show)\b/;

/**
 * Whether the esyscmd commands of a configure.ac ask git: the commands themselves name `git`, or they run a
 * file (`read` returns its text when it is part of the tree) whose text calls one of git's read commands.
 */
export function esyscmdAsksGit(commands: readonly string[], read: (path: string) => string | undefined): boolean {
  for (const c of commands) {
    if (/(?:^|[\s;|&(`'"])git(?=[\s;|&)`'"]|$)/.test(c)) return true;
    for (const w of c.split(/[\s;|&<>()'"`]+/)) {
      if (!/^[\w.][\w./+-]*$/.test(w) || w.startsWith('-')) continue;
      const text = read(w.replace(/^\.\//, ''));
      if (text !== undefined && GIT_COMMAND.test(text)) return true;
    }
  }
  return false;
}

/** The object directories git reads for the repository: its own and those its alternates name (one level). */
function objectDirs(gitDir: string): string[] {
  const own = join(gitDir, 'objects');
  const dirs = [own];
  try {
    for (const l of readFileSync(join(own, 'info', 'alternates'), 'utf8').split('\n')) {
      const p = l.trim();
      if (p && !p.startsWith('#') && isAbsolute(p) && existsSync(p)) dirs.push(p);
    }
  } catch {
    // no alternates
  }
  return dirs;
}

/**
 * Writes the view as the `.git` directory at the top of `scratch`; returns the host paths the sandbox must mount
 * read-only — the object directories; the view itself is `viewMounts` of the tree a command runs in (a copy of
 * `scratch` carries its own copy) — and the number of tags, or undefined when the repository's tags cannot be
 * listed or the scratch tree already has a `.git` (a tarball-only file of that name is never replaced).
 */
export function writeGitView(checkout: GitCheckout, scratch: string): { mounts: string[]; tags: number; releaseTag?: string; untagged?: string[] } | undefined {
  const viewDir = join(scratch, '.git');
  if (existsSync(viewDir)) return undefined;
  let refs: string;
  try {
    refs = execFileSync('git', ['--git-dir', checkout.gitDir, 'for-each-ref', '--format=%(objectname) %(refname)%0a^%(*objectname)', 'refs/tags'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
  let packed = refs.split('\n').filter((l) => l && l !== '^');
  // before the tag: every tag whose object or peeled commit is the commit, and its peeled line, left out
  const untagged: string[] = [];
  if (checkout.beforeTag) {
    const kept: string[] = [];
    for (let i = 0; i < packed.length; i++) {
      const l = packed[i]!;
      if (l.startsWith('^')) continue;
      const peeled = packed[i + 1]?.startsWith('^') ? packed[i + 1]!.slice(1) : undefined;
      if (l.split(' ')[0] === checkout.commit || peeled === checkout.commit) {
        untagged.push(l.slice(l.indexOf(' refs/tags/') + ' refs/tags/'.length));
        continue;
      }
      kept.push(l);
      if (peeled !== undefined) kept.push(`^${peeled}`);
    }
    if (!untagged.length) return undefined;
    packed = kept;
  }
  // The release tag only where the repository has no tag at the commit (peeled or not) and none of that name.
  const atCommit = packed.some((l) => l.replace(/^\^/, '').split(' ')[0] === checkout.commit);
  const named = checkout.releaseTag !== undefined && packed.some((l) => l.endsWith(` refs/tags/${checkout.releaseTag}`));
  const releaseTag = checkout.releaseTag !== undefined && !atCommit && !named ? checkout.releaseTag : undefined;
  const tags = packed.filter((l) => !l.startsWith('^')).length;
  const objects = objectDirs(checkout.gitDir);
  mkdirSync(join(viewDir, 'objects', 'info'), { recursive: true });
  mkdirSync(join(viewDir, 'refs', 'heads'), { recursive: true });
  mkdirSync(join(viewDir, 'refs', 'tags'), { recursive: true });
  writeFileSync(join(viewDir, 'HEAD'), `${checkout.commit}\n`);
  const sha256 = checkout.objectFormat === 'sha256';
  writeFileSync(join(viewDir, 'config'), `[core]\n\trepositoryformatversion = ${sha256 ? 1 : 0}\n\tbare = false\n${sha256 ? '[extensions]\n\tobjectformat = sha256\n' : ''}`);
  writeFileSync(join(viewDir, 'objects', 'info', 'alternates'), objects.map((d) => `${d}\n`).join(''));
  // The release tag is annotated, as a release tag is (`git describe` without --tags sees annotated tags only): its
  // tag object goes into the view's own object directory (never the repository's), dated by the commit.
  const tagObject = releaseTag !== undefined ? writeTagObject(viewDir, checkout.commit, releaseTag) : undefined;
  if (releaseTag !== undefined && tagObject !== undefined) {
    // packed-refs says "sorted": the line goes before the first ref whose name sorts after it (byte order).
    const ref = `refs/tags/${releaseTag}`;
    const at = packed.findIndex((l) => !l.startsWith('^') && Buffer.compare(Buffer.from(l.slice(l.indexOf(' ') + 1)), Buffer.from(ref)) > 0);
    packed.splice(at < 0 ? packed.length : at, 0, `${tagObject} ${ref}`, `^${checkout.commit}`);
  }
  writeFileSync(join(viewDir, 'packed-refs'), ['# pack-refs with: peeled fully-peeled sorted ', ...packed].join('\n') + '\n');
  // The index of a clean checkout: every entry of the commit's tree, each marked skip-worktree, so that git takes
  // the files as they are in the commit — `git describe --dirty`, `git diff-index HEAD` and `git status` report a
  // clean checkout, as in the maintainer's (without an index every tracked file reads as deleted: "-dirty"). The
  // scratch tree holds the tarball's files, which may differ from the commit's: what the maintainer's checkout held
  // when the generators ran is the commit itself.
  // (Should git fail here, the view stays without an index, as before.)
  if (!writeCleanIndex(viewDir, scratch, checkout.commit)) rmSync(join(viewDir, 'index'), { force: true });
  return { mounts: objects, tags, ...(tagObject !== undefined ? { releaseTag } : {}), ...(untagged.length ? { untagged } : {}) };
}

/** The id of an annotated tag object `name` for `commit`, written into the view's own objects; undefined when git fails. */
function writeTagObject(viewDir: string, commit: string, name: string): string | undefined {
  const git = (args: string[], input?: string) =>
    execFileSync('git', ['--git-dir', viewDir, ...args], { encoding: 'utf8', stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'ignore'], ...(input === undefined ? {} : { input }) }).trim();
  try {
    const when = git(['log', '-1', '--format=%ct %cd', '--date=format:%z', commit]);
    return git(['hash-object', '-t', 'tag', '-w', '--stdin'], `object ${commit}\ntype commit\ntag ${name}\ntagger distdiff <distdiff@localhost> ${when}\n\nthe release tag this tagless repository lacks (distdiff's regeneration view)\n`);
  } catch {
    return undefined;
  }
}

/** Writes `viewDir`/index: the commit's tree, every entry skip-worktree (a clean checkout); false when git fails. */
function writeCleanIndex(viewDir: string, scratch: string, commit: string): boolean {
  const git = (args: string[], input?: Buffer) =>
    execFileSync('git', ['--git-dir', viewDir, '--work-tree', scratch, ...args], { maxBuffer: 256 * 1024 * 1024, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'ignore'], ...(input === undefined ? {} : { input }) });
  try {
    git(['read-tree', commit]);
    const paths = git(['ls-files', '-z']);
    if (paths.length) git(['update-index', '-z', '--skip-worktree', '--stdin'], paths);
    return true;
  } catch {
    return false;
  }
}

/** The read-only mounts for a sandboxed command run in `tree` (the scratch tree or a copy of it) that sees the view. */
export function viewMounts(view: { mounts: string[] }, tree: string): string[] {
  const own = join(tree, '.git');
  return [...(existsSync(own) && statSync(own).isDirectory() ? [own] : []), ...view.mounts];
}

/** The year of the checkout commit's committer date (in the committer's zone), or undefined when git cannot say. */
export function commitYear(checkout: GitCheckout): number | undefined {
  try {
    const y = execFileSync('git', ['--git-dir', checkout.gitDir, 'log', '-1', '--format=%cd', '--date=format:%Y', checkout.commit], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return /^\d{4}$/.test(y) ? Number(y) : undefined;
  } catch {
    return undefined;
  }
}
