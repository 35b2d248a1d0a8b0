/**
 * Open the repository a tarball is checked against: a local work tree or bare repository (read in place,
 * never written), a git URL or a bundle file (cloned bare into the cache once, then only fetched).
 */
import { createHash } from 'node:crypto';
import { existsSync, openSync, readSync, closeSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DistdiffError } from '../core/errors.js';
import type { HashAlgo } from '../core/types.js';
import { GitCommandError, labelGitDir, runGit, runGitText } from '../git/run.js';
import { borrowRepository, cacheEntryProblem, discoverLocal, untrustedEntry } from '../git/trust.js';
import { lexists, trustedDir } from '../util/safe-fs.js';

export interface RepoHandle {
  /** The input as given (URL, path). */
  source: string;
  /** Absolute git directory every command runs against. */
  gitDir: string;
  objectFormat: HashAlgo;
  /** A fresh clone was made into the cache during this run. */
  cloned: boolean;
  /** An existing cached clone was fetched during this run. */
  fetched: boolean;
  /** Tag → commit map recorded in the cache before this run's fetch (to detect tags that moved). */
  previousTags?: Map<string, string>;
}

export type RepoInput =
  | { kind: 'local'; path: string }
  | { kind: 'bundle'; path: string }
  | { kind: 'remote'; url: string };

const ALLOWED_SCHEMES = new Set(['https', 'http', 'ssh', 'git', 'file', 'git+ssh', 'ssh+git']);
const BUNDLE_SIGNATURES = ['# v2 git bundle\n', '# v3 git bundle\n'];
const HINT = 'give a local repository path, a bundle file, or an https://, ssh://, git://, file:// or user@host:path URL';

function usage(input: string, problem: string, hint = HINT): DistdiffError {
  return new DistdiffError('usage', input, problem, hint);
}

function isBundleFile(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    const head = buf.subarray(0, n).toString('latin1');
    return BUNDLE_SIGNATURES.some((s) => head.startsWith(s));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Decide what kind of repository input this is, refusing option injection, transport helpers (ext::, fd::)
 * and unknown URL schemes. Pure except for looking at the file system for local paths.
 */
export function classifyRepoInput(input: string): RepoInput {
  if (input.trim() === '') throw usage(input, 'empty repository');
  if (/[\x00-\x1f\x7f]/.test(input)) throw usage(JSON.stringify(input), 'control characters in the repository');
  if (input.startsWith('-')) throw usage(input, 'repository looks like a command-line option', 'refusing option injection; ' + HINT);
  if (/--(upload-pack|receive-pack|exec|config|template|separate-git-dir)\b/i.test(input) || /(^|\s)-u\s/.test(input)) {
    throw usage(input, 'repository contains a git option', 'refusing option injection; ' + HINT);
  }
  const helper = /^([A-Za-z][A-Za-z0-9+.-]*)::/.exec(input);
  if (helper) throw usage(input, `the ${helper[1]}:: transport is not allowed`, HINT);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(input);
  if (scheme) {
    const s = scheme[1]!.toLowerCase();
    if (!ALLOWED_SCHEMES.has(s)) throw usage(input, `unsupported URL scheme "${s}"`, HINT);
    if (s !== 'file') {
      const authority = input.slice(scheme[0].length).split('/')[0] ?? '';
      const host = authority.replace(/^[^@]*@/, '');
      if (host === '' || host.startsWith('-') || authority.startsWith('-')) throw usage(input, 'URL host looks like an option', 'refusing option injection');
    }
    return { kind: 'remote', url: input };
  }
  if (existsSync(input)) {
    const st = statSync(input);
    if (st.isDirectory()) return { kind: 'local', path: resolve(input) };
    if (st.isFile() && isBundleFile(input)) return { kind: 'bundle', path: resolve(input) };
    throw new DistdiffError('git', input, 'not a git repository or git bundle', HINT);
  }
  // scp-like user@host:path (no slash before the first colon)
  const scp = /^(?:([^@/:]+)@)?([^@/:]+):(.+)$/.exec(input);
  if (scp && !input.startsWith('/') && !input.startsWith('.')) {
    if (scp[2]!.startsWith('-') || (scp[1] ?? '').startsWith('-')) throw usage(input, 'host looks like an option', 'refusing option injection');
    return { kind: 'remote', url: input };
  }
  throw new DistdiffError('not-found', input, 'no such repository path', HINT);
}

/** Cache directory name for a remote or bundle: readable name plus a short hash of the source. */
export function cacheName(key: string): string {
  const tail = key.replace(/[/\\]+$/, '').split(/[/:\\]/).pop() ?? '';
  let name = tail.replace(/\.(git|bundle)$/i, '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._-]+/, '').slice(0, 40);
  if (!name) name = 'repo';
  const h = createHash('sha256').update(key).digest('hex').slice(0, 12);
  return `${name}-${h}`;
}

async function objectFormat(gitDir: string): Promise<HashAlgo> {
  try {
    const f = await runGitText(gitDir, ['rev-parse', '--show-object-format']);
    return f === 'sha256' ? 'sha256' : 'sha1';
  } catch {
    return 'sha1';
  }
}

/**
 * A local repository is read through a borrowing repository distdiff keeps in its cache (see git/trust.ts):
 * git never runs with the local repository's own configuration, which may name commands.
 */
async function openLocal(input: string, path: string, cacheDir: string): Promise<RepoHandle> {
  let layout;
  try {
    layout = await discoverLocal(input, path);
  } catch (e) {
    if (!(e instanceof GitCommandError)) throw e;
    const why = e.message.replace(/^git rev-parse failed: /, '');
    throw new DistdiffError('git', input, `not a git repository (${why})`, HINT);
  }
  const gitDir = await borrowRepository(input, layout, cacheDir);
  labelGitDir(gitDir, input);
  return { source: input, gitDir, objectFormat: layout.objectFormat, cloned: false, fetched: false };
}

/** Tag → peeled object id, as recorded in a repository. */
export async function readTagMap(gitDir: string): Promise<Map<string, string>> {
  const out = await runGitText(gitDir, ['for-each-ref', '--format=%(refname)%09%(objectname)%09%(*objectname)', 'refs/tags/']);
  const map = new Map<string, string>();
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [ref, oid, peeled] = line.split('\t');
    if (!ref || !oid) continue;
    map.set(ref.slice('refs/tags/'.length), peeled || oid);
  }
  return map;
}

const NET_ARGS = ['-c', 'http.lowSpeedLimit=1000', '-c', 'http.lowSpeedTime=60'];
const REFSPECS = ['+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'];

function remoteError(input: string, e: unknown, what: string): DistdiffError {
  if (!(e instanceof GitCommandError)) return e instanceof DistdiffError ? e : new DistdiffError('git', input, `${what} failed: ${String(e)}`);
  const err = e.stderr;
  const why = e.message.replace(/^git \S+ failed: /, '');
  if (/could not resolve host|connection refused|timed out|network is unreachable|unable to access|connection reset/i.test(err)) {
    return new DistdiffError('network', input, `${what} failed: ${why}`, 'check the URL and your network connection');
  }
  if (/not found|does not appear to be a git repository|does not exist|not a git repository|could not read from remote/i.test(err)) {
    return new DistdiffError('not-found', input, `${what} failed: ${why}`, 'check the repository URL and that it is readable without a password prompt');
  }
  return new DistdiffError('git', input, `${what} failed: ${why}`, 'check the repository URL');
}

async function isUsableBareRepo(dir: string): Promise<boolean> {
  if (!existsSync(join(dir, 'HEAD')) || !existsSync(join(dir, 'objects'))) return false;
  try {
    return (await runGitText(dir, ['rev-parse', '--is-bare-repository'])) === 'true';
  } catch {
    return false;
  }
}

async function openCached(input: string, from: string, cacheDir: string): Promise<RepoHandle> {
  const root = resolve(cacheDir);
  trustedDir(root, { root: true });
  const reposDir = join(root, 'repos');
  trustedDir(reposDir);
  const dest = join(reposDir, cacheName(from));
  // A cache entry is used only while it is what distdiff made (git/trust.ts); an entry that is merely
  // incomplete (an interrupted clone) is cloned again, anything else is refused.
  const problem = lexists(dest) ? await cacheEntryProblem(dest) : undefined;
  if (problem && !/ is missing$/.test(problem)) {
    throw untrustedEntry(dest, input, problem);
  }
  if (!problem && lexists(dest) && (await isUsableBareRepo(dest))) {
    const previousTags = await readTagMap(dest);
    try {
      await runGit(dest, [...NET_ARGS, 'fetch', '--quiet', '--prune', '--force', '--no-tags', '--update-head-ok', '--no-write-fetch-head', '--no-recurse-submodules', '--', from, ...REFSPECS], {
        label: input,
      });
    } catch (e) {
      throw remoteError(input, e, 'git fetch');
    }
    labelGitDir(dest, input);
    return { source: input, gitDir: dest, objectFormat: await objectFormat(dest), cloned: false, fetched: true, previousTags };
  }
  // Missing or broken cache entry: clone afresh into a temporary name, then move into place.
  rmSync(dest, { recursive: true, force: true });
  const tmp = `${dest}.tmp-${process.pid}-${Date.now()}`;
  try {
    await runGit('', [...NET_ARGS, 'clone', '--bare', '--quiet', '--no-recurse-submodules', '--template=', '--', from, tmp], {
      label: input,
      cwd: reposDir,
    });
    // Keep no URL (it may carry credentials) in the cache: later runs fetch from the URL they are given.
    await runGit(tmp, ['config', '--remove-section', 'remote.origin']).catch(() => undefined);
    try {
      renameSync(tmp, dest);
    } catch (e) {
      // Another run filled the cache entry meanwhile: use theirs.
      if (!(await isUsableBareRepo(dest))) throw e;
      rmSync(tmp, { recursive: true, force: true });
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw remoteError(input, e, 'git clone');
  }
  labelGitDir(dest, input);
  return { source: input, gitDir: dest, objectFormat: await objectFormat(dest), cloned: true, fetched: false };
}

/**
 * Open a repository. Local repositories are used in place (bare or with a work tree); URLs and bundles are
 * cloned bare into `<cacheDir>/repos/<name>-<hash>` and only fetched on later runs.
 */
export async function openRepo(input: string, opts: { cacheDir: string }): Promise<RepoHandle> {
  const kind = classifyRepoInput(input);
  switch (kind.kind) {
    case 'local':
      return openLocal(input, kind.path, opts.cacheDir);
    case 'bundle':
      return openCached(input, kind.path, opts.cacheDir);
    case 'remote':
      return openCached(input, kind.url, opts.cacheDir);
  }
}
