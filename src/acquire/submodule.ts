/**
 * Submodules pinned by the compared revision (gnulib, usually): the commit the tag's tree records for each
 * gitlink, and that commit's tree from the submodule's own repository, so the tarball's copies of its files
 * can be compared with exactly the version the release was made from (src/classify/submodule-copy.ts).
 *
 * The repository comes from `--submodule NAME=REPO` (a path, bundle or URL, as for --repo) or from the URL
 * that .gitmodules records, and is opened exactly like the main repository (acquire/repo.ts: no
 * repository-configured commands, cache trust checks, clones only into the cache). A .gitmodules URL is
 * chosen by whoever controls the repository, so — like git's own protocol.file.allow=user for submodules —
 * a local path or file:// URL there is not followed; pass it with --submodule instead. A submodule that
 * cannot be had (offline, refused, the pinned commit absent) is a note, never an error: its copies are then
 * judged without it.
 */
import { DistdiffError } from '../core/errors.js';
import type { Note, SubmoduleMiss } from '../core/result.js';
import type { GitTree, TreeEntry } from '../core/types.js';
import { runGit } from '../git/run.js';
import { BlobReader } from '../scan/blob-reader.js';
import { redactUrls } from '../util/redact.js';
import { inferGnulibCommit, type GnulibInference } from './gnulib-infer.js';
import { classifyRepoInput, openRepo, type RepoHandle } from './repo.js';

/** `--submodule NAME=REPO`: NAME is the submodule's name in .gitmodules or its path. */
export interface SubmoduleRequest {
  name: string;
  repo: string;
}

/** A submodule whose pinned commit's tree could be read. */
export interface PinnedSubmodule {
  /** Name in .gitmodules (the path when .gitmodules does not name it). */
  name: string;
  /** Path of the gitlink in the compared tree. */
  path: string;
  /** The commit the revision pins. */
  commit: string;
  /** Where its repository came from, as given (URLs redacted). */
  repo: string;
  /** Files and symlinks of the pinned commit's tree: path → blob id. */
  files: ReadonlyMap<string, string>;
  /** Files of the pinned tree git records as executable (mode 100755): gnulib-tool is run from them. */
  executable?: ReadonlySet<string>;
  /** Content of a file of the pinned tree (undefined when absent or larger than the retain limit). */
  read(path: string): Promise<Buffer | undefined>;
}

export interface Submodules {
  pinned: PinnedSubmodule[];
  notes: Note[];
  close(): Promise<void>;
}

/** Parse one `--submodule NAME=REPO` value. */
export function parseSubmoduleOption(value: string): SubmoduleRequest {
  const eq = value.indexOf('=');
  const name = eq > 0 ? value.slice(0, eq).trim() : '';
  const repo = eq > 0 ? value.slice(eq + 1).trim() : '';
  if (!name || !repo) throw new DistdiffError('usage', `--submodule ${value}`, 'expected NAME=REPO', 'e.g. --submodule gnulib=/path/to/gnulib or --submodule gnulib=https://git.savannah.gnu.org/git/gnulib.git');
  return { name, repo };
}

interface GitmodulesEntry {
  name: string;
  path?: string;
  url?: string;
}

/** The submodule sections of the revision's .gitmodules, read by git from the blob (no work tree, no commands). */
export async function readGitmodules(gitDir: string, commit: string): Promise<GitmodulesEntry[]> {
  let out: string;
  try {
    out = (await runGit(gitDir, ['config', '--null', `--blob=${commit}:.gitmodules`, '--get-regexp', '^submodule\\..*\\.(path|url)$'])).toString('utf8');
  } catch {
    return []; // no .gitmodules (or nothing in it): gitlinks are then named by their path
  }
  const byName = new Map<string, GitmodulesEntry>();
  for (const rec of out.split('\0')) {
    const nl = rec.indexOf('\n');
    if (nl < 0) continue;
    const key = rec.slice(0, nl);
    const value = rec.slice(nl + 1);
    const m = /^submodule\.(.+)\.(path|url)$/.exec(key);
    if (!m) continue;
    const e = byName.get(m[1]!) ?? { name: m[1]! };
    e[m[2] as 'path' | 'url'] = value;
    byName.set(e.name, e);
  }
  return [...byName.values()];
}

/** gnulib's bootstrap clones this when bootstrap.conf names no GNULIB_URL. */
export const DEFAULT_GNULIB_URL = 'https://git.savannah.gnu.org/git/gnulib.git';

/** GNULIB_REVISION and GNULIB_URL as the revision's tracked bootstrap.conf sets them (plain assignments only). */
export async function bootstrapPin(gitDir: string, commit: string): Promise<{ revision?: string; url?: string } | undefined> {
  let conf: string;
  try {
    conf = (await runGit(gitDir, ['cat-file', 'blob', `${commit}:bootstrap.conf`])).toString('utf8');
  } catch {
    return undefined;
  }
  const value = (name: string) => new RegExp(`^\\s*${name}=["']?([^"'\\s#;$\`]+)["']?\\s*(?:#.*)?$`, 'm').exec(conf)?.[1];
  const revision = value('GNULIB_REVISION');
  const url = value('GNULIB_URL');
  return revision ? { revision, ...(url ? { url } : {}) } : undefined;
}

/**
 * The last commit of branch `name` in the gnulib repository `repo` not after the compared commit's committer
 * date: `{ commit, before }`, `{ missing: true }` when the repository has no such branch (local branch, or a
 * mirror's remote-tracking one), undefined when the repository cannot be opened (the loop below reports it).
 */
async function branchAt(repo: string, name: string, opts: { repo: RepoHandle; commit: string; cacheDir: string }): Promise<{ commit: string; before: string } | { missing: true } | undefined> {
  let handle: RepoHandle;
  try {
    handle = await openRepo(repo, { cacheDir: opts.cacheDir });
  } catch {
    return undefined;
  }
  const before = (await runGit(opts.repo.gitDir, ['log', '-1', '--format=%cI', opts.commit])).toString('utf8').trim();
  for (const ref of [`refs/heads/${name}`, `refs/remotes/origin/${name}`]) {
    try {
      const c = (await runGit(handle.gitDir, ['rev-list', '-1', `--before=${before}`, ref, '--'])).toString('utf8').trim();
      if (/^[0-9a-f]{40}$/.test(c)) return { commit: c, before };
    } catch {
      // no such ref
    }
  }
  return { missing: true };
}

/** A .gitmodules URL relative to the superproject's (`../gnulib.git`), resolved against a remote --repo URL. */
export function resolveRelativeUrl(url: string, mainRepo: string): string | undefined {
  if (!/^\.\.?\//.test(url)) return url;
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(mainRepo)) return undefined;
  const base = mainRepo.replace(/\/+$/, '').split('/');
  let rest = url;
  for (;;) {
    if (rest.startsWith('./')) rest = rest.slice(2);
    else if (rest.startsWith('../')) {
      if (base.length <= 3) return undefined; // never above the host
      base.pop();
      rest = rest.slice(3);
    } else break;
  }
  return `${base.join('/')}/${rest}`;
}

/** Why a .gitmodules URL is not followed, or undefined when it may be. */
function refusedUrl(url: string, shown: string): SubmoduleMiss | undefined {
  let kind;
  try {
    kind = classifyRepoInput(url);
  } catch (e) {
    return { kind: 'invalid-url', url: shown, error: e instanceof DistdiffError ? e.message : String(e) };
  }
  if (kind.kind !== 'remote' || /^file:/i.test(url)) return { kind: 'local-url', url: shown };
  return undefined;
}

/**
 * A tracked /bin/sh script that fetches a pinned commit's archive from GitHub and unpacks it into its own directory
 * (memcached's vendor/fetch.sh: `HASH="<40 hex>"`, `wget https://github.com/OWNER/NAME/archive/${HASH}.tar.gz`,
 * `tar -zxf ./${HASH}.tar.gz --strip-components=1`): the directory then holds that commit's tree, exactly as a
 * submodule pinned there would. Only the script's literal text counts: one 40-hex assignment, one archive URL of a
 * github.com repository naming it, one `tar -zxf`/`-xzf` of that archive with `--strip-components=1`; the script's
 * directory is where it unpacks (it is run from there).
 */
export function fetchScriptPin(script: string): { url: string; commit: string } | undefined {
  if (!/^#!\s*\/bin\/(?:ba)?sh\s*\n/.test(script)) return undefined;
  const assigns = [...script.matchAll(/^(\w+)=["']?([0-9a-f]{40})["']?\s*$/gm)];
  if (assigns.length !== 1) return undefined;
  const [, name, commit] = assigns[0]!;
  const v = `\\$(?:\\{${name}\\}|${name}\\b)`;
  const urls = [...script.matchAll(new RegExp(`https://github\\.com/([A-Za-z0-9][A-Za-z0-9_.-]*)/([A-Za-z0-9][A-Za-z0-9_.-]*)/archive/${v}\\.tar\\.gz`, 'g'))];
  if (urls.length !== 1) return undefined;
  if (!new RegExp(`^\\s*tar -(?:zxf|xzf) (?:\\./)?${v}\\.tar\\.gz --strip-components=1\\s*$`, 'm').test(script)) return undefined;
  return { url: `https://github.com/${urls[0]![1]}/${urls[0]![2]!.replace(/\.git$/, '')}`, commit: commit! };
}

/** The tracked scripts (top or one directory down, `*.sh`) that fetch a pinned archive into their directory. */
async function fetchScriptPins(repo: RepoHandle, git: GitTree): Promise<{ path: string; script: string; url: string; commit: string }[]> {
  const out: { path: string; script: string; url: string; commit: string }[] = [];
  const scripts: TreeEntry[] = [];
  for (const e of git.entries.values()) {
    if (scripts.length >= 64) break;
    if (e.type === 'file' && e.oid && e.size <= 16_384 && /^(?:[^/]+\/)?[^/]+\.sh$/.test(e.path)) scripts.push(e);
  }
  if (!scripts.length) return out;
  // One `git cat-file --batch` for every candidate (a spawn per script cost ~4 ms each from a large process: the
  // kernel's 64 candidates added ~240 ms of wall time to every run), read by the one batch parser (BlobReader).
  const reader = new BlobReader(repo);
  let texts: (Buffer | undefined)[];
  try {
    texts = await Promise.all(scripts.map((e) => reader.read(e.oid!)));
  } catch {
    return out;
  } finally {
    await reader.close().catch(() => {});
  }
  scripts.forEach((e, k) => {
    const b = texts[k];
    if (!b) return; // missing, or not a blob
    const pin = fetchScriptPin(b.toString('utf8'));
    const dir = e.path.includes('/') ? e.path.slice(0, e.path.lastIndexOf('/')) : '';
    if (pin && dir && !git.entries.has(dir)) out.push({ path: dir, script: e.path, ...pin });
  });
  return out;
}

async function pinnedTree(repo: RepoHandle, commit: string): Promise<{ files: Map<string, string>; executable: Set<string> }> {
  const out = await runGit(repo.gitDir, ['ls-tree', '-r', '-z', '--full-tree', commit], { label: repo.source });
  const files = new Map<string, string>();
  const executable = new Set<string>();
  for (const rec of out.toString('utf8').split('\0')) {
    const m = /^(\d{6}) (\w+) ([0-9a-f]+)\t(.+)$/s.exec(rec);
    if (m && m[2] === 'blob') {
      files.set(m[4]!, m[3]!);
      if (m[1] === '100755') executable.add(m[4]!);
    }
  }
  return { files, executable };
}

/**
 * Open the repositories of the submodules the compared tree pins and list each pinned commit's tree.
 * `git` is the compared tree (its gitlinks give paths and commits); `.gitmodules` is read from `commit`.
 */
export async function acquireSubmodules(opts: {
  repo: RepoHandle;
  /** The --repo input as given (relative .gitmodules URLs resolve against it). */
  mainRepo: string;
  commit: string;
  git: GitTree;
  /** The repository subdirectory compared ('' for the whole tree): .gitmodules paths are relative to the top. */
  pathInRepo?: string;
  requests: readonly SubmoduleRequest[];
  cacheDir: string;
  maxRetainFile: number;
  /**
   * The release's files (path after the prefix → blob id) and a reader of their text: when nothing pins gnulib
   * and a gnulib clone is given (--submodule gnulib=REPO), the commit is inferred from the gnulib copies they
   * hold (acquire/gnulib-infer.ts). Made only when that inference runs (an index of every archive path: 78,000 for
   * the Linux kernel).
   */
  shipped?: () => { files: ReadonlyMap<string, string>; read(path: string): string | undefined };
}): Promise<Submodules> {
  const gitlinks: { path: string; oid?: string; bootstrap?: true; script?: string }[] = [];
  for (const e of opts.git.entries.values()) if (e.type === 'submodule' && e.oid) gitlinks.push(e); // (no copy of every entry)
  const pinned: PinnedSubmodule[] = [];
  const notes: Note[] = [];
  const readers: BlobReader[] = [];
  const close = async () => {
    await Promise.all(readers.map((r) => r.close()));
  };
  const modules = gitlinks.length ? await readGitmodules(opts.repo.gitDir, opts.commit) : [];
  // No gnulib gitlink: bootstrap.conf may pin gnulib with GNULIB_REVISION (only a full commit id pins anything).
  // The whole repository's tree listed without a bootstrap.conf (not even an export-ignored one): nothing to
  // read, and no git process forked from this by now large one.
  const noBootstrap = !opts.pathInRepo && !opts.git.entries.has('bootstrap.conf') && !opts.git.exportIgnored.has('bootstrap.conf');
  const hasGnulib = gitlinks.some((l) => l.path === 'gnulib' || modules.some((m) => m.name === 'gnulib' && m.path === l.path));
  const boot = hasGnulib || noBootstrap ? undefined : await bootstrapPin(opts.repo.gitDir, opts.commit);
  const branches = new Map<string, { name: string; before: string }>();
  if (boot?.revision && /^[0-9a-f]{40}$/.test(boot.revision)) {
    gitlinks.push({ path: 'gnulib', oid: boot.revision, bootstrap: true });
    modules.push({ name: 'gnulib', path: 'gnulib', url: boot.url ?? DEFAULT_GNULIB_URL });
  } else if (boot?.revision) {
    // A branch name (make 4.4.1: GNULIB_REVISION=stable-202301): bootstrap checked out the branch as it was then.
    // With a gnulib clone given (--submodule gnulib=REPO), its last commit not after the tag's commit date is
    // the pin; without one, the note says what to pass.
    const request = opts.requests.find((r) => r.name === 'gnulib');
    const resolved = request && /^[A-Za-z0-9][A-Za-z0-9._\/-]*$/.test(boot.revision) && !boot.revision.includes('..') ? await branchAt(request.repo, boot.revision, opts) : undefined;
    if (resolved && 'commit' in resolved) {
      gitlinks.push({ path: 'gnulib', oid: resolved.commit, bootstrap: true });
      modules.push({ name: 'gnulib', path: 'gnulib', url: boot.url ?? DEFAULT_GNULIB_URL });
      branches.set(resolved.commit, { name: boot.revision, before: resolved.before });
    } else {
      notes.push({ code: 'SUBMODULE_UNAVAILABLE', name: 'gnulib', path: 'gnulib', commit: '', cause: { kind: 'pin-not-commit', revision: boot.revision, ...(request && resolved ? { missingIn: redactUrls(request.repo) } : {}) } });
    }
  }
  // A directory a tracked fetch script fills with a pinned commit's archive (fetchScriptPin) reads like a submodule there.
  for (const f of await fetchScriptPins(opts.repo, opts.git)) {
    if (gitlinks.some((l) => l.path === f.path)) continue;
    gitlinks.push({ path: f.path, oid: f.commit, script: f.script });
    modules.push({ name: f.path, path: opts.pathInRepo ? `${opts.pathInRepo}/${f.path}` : f.path, url: f.url });
  }
  const inferred = new Map<string, GnulibInference>();
  const gnulibRequest = opts.requests.find((r) => r.name === 'gnulib');
  // (not when any gitlink may be gnulib under another name — `.gnulib`, `gl/gnulib` —: that pin is read below)
  if (!hasGnulib && !boot?.revision && gnulibRequest && opts.shipped && !gitlinks.some((l) => /gnulib/i.test(l.path))) {
    // Nothing pins gnulib: the copies the release ships name the commit (the newest at which most are gnulib's bytes).
    let handle: RepoHandle | undefined;
    try {
      handle = await openRepo(gnulibRequest.repo, { cacheDir: opts.cacheDir });
    } catch {
      handle = undefined; // the loop below does not reach it either: the request's not-pinned note stands
    }
    if (handle) {
      const before = (await runGit(opts.repo.gitDir, ['log', '-1', '--format=%cI', opts.commit])).toString('utf8').trim();
      const shipped = opts.shipped();
      const found = await inferGnulibCommit({ gitDir: handle.gitDir, before, shipped: shipped.files, read: shipped.read });
      if (found) {
        gitlinks.push({ path: 'gnulib', oid: found.commit, bootstrap: true });
        modules.push({ name: 'gnulib', path: 'gnulib', url: DEFAULT_GNULIB_URL });
        inferred.set(found.commit, found);
      }
    }
  }
  const used = new Set<SubmoduleRequest>();
  for (const link of gitlinks) {
    const full = opts.pathInRepo && !link.bootstrap ? `${opts.pathInRepo}/${link.path}` : link.path;
    const entry = modules.find((m) => m.path === full);
    const name = entry?.name ?? link.path;
    const commit = link.oid!;
    const request = opts.requests.find((r) => r.name === name || r.name === link.path);
    if (request) used.add(request);
    const unavailable = (cause: SubmoduleMiss) => notes.push({ code: 'SUBMODULE_UNAVAILABLE', name, path: link.path, commit, cause });
    let source: string | undefined = request?.repo;
    if (!source) {
      if (!entry?.url) {
        unavailable({ kind: 'no-url' });
        continue;
      }
      source = resolveRelativeUrl(entry.url, opts.mainRepo);
      const refused = source === undefined ? { kind: 'relative-url' as const, url: redactUrls(entry.url) } : refusedUrl(source, redactUrls(entry.url));
      if (refused) {
        unavailable(refused);
        continue;
      }
    }
    let repo: RepoHandle;
    try {
      repo = await openRepo(source!, { cacheDir: opts.cacheDir });
    } catch (e) {
      if (request || !(e instanceof DistdiffError)) throw e; // the caller's own --submodule must work
      unavailable({ kind: 'unreachable', repo: redactUrls(source!), error: e.message });
      continue;
    }
    let files: Map<string, string>;
    let executable: Set<string>;
    try {
      ({ files, executable } = await pinnedTree(repo, commit));
    } catch (e) {
      const why = e instanceof DistdiffError ? e.message : String(e);
      if (request) throw new DistdiffError('git', `--submodule ${request.name}=${redactUrls(request.repo)}`, `pinned commit ${commit} not readable (${why})`, 'pass a clone of the submodule that has the commit the tag pins');
      unavailable({ kind: 'commit-missing', repo: redactUrls(source!), error: why });
      continue;
    }
    const reader = new BlobReader(repo);
    readers.push(reader);
    pinned.push({
      name,
      path: link.path,
      commit,
      repo: redactUrls(source!),
      files,
      executable,
      read: async (p) => {
        const oid = files.get(p);
        return oid ? reader.read(oid, opts.maxRetainFile) : undefined;
      },
    });
    const branch = link.bootstrap ? branches.get(commit) : undefined;
    const guess = link.bootstrap ? inferred.get(commit) : undefined;
    const pinnedBy = guess ? { pinnedBy: 'shipped-copies' as const, inferred: { matched: guess.matched, compared: guess.compared, from: guess.from, ref: guess.ref, before: guess.before } } : link.bootstrap ? { pinnedBy: 'bootstrap.conf' as const } : link.script ? { pinnedBy: 'fetch-script' as const, script: link.script } : {};
    notes.push({ code: 'SUBMODULE_PINNED', name, path: link.path, commit, repo: redactUrls(source!), files: files.size, ...pinnedBy, ...(branch ? { branch } : {}) });
  }
  for (const r of opts.requests) {
    if (!used.has(r)) notes.push({ code: 'SUBMODULE_UNAVAILABLE', name: r.name, path: r.name, commit: '', cause: { kind: 'not-pinned' } });
  }
  return { pinned, notes, close };
}
