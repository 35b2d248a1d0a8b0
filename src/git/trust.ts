/**
 * Repositories whose configuration git may read.
 *
 * git reads the configuration of the repository it runs in, and some keys name commands or transports
 * (remote.<name>.uploadpack/vcs/url of a promisor remote, core.gitProxy, core.alternateRefsCommand,
 * url.<base>.insteadOf, include.path …). Keys with a wildcard in their name cannot all be overridden with
 * `-c`, and some lists are first-match-wins. So distdiff lets git read only configurations it wrote itself:
 *
 * - a local repository (the user's or anyone's) is never the repository git runs in. distdiff keeps a
 *   "borrowing" bare repository in its cache (`<cache>/local/<name>-<hash>`): its own config, the local
 *   repository's objects through objects/info/alternates, and a copy of its refs, HEAD and shallow list,
 *   read as files. Only `git rev-parse` (discovery: git dir, common dir, object format) runs in the local
 *   repository itself, and it neither reads objects nor starts commands.
 * - a cache entry (a clone distdiff made) is used only when it still looks like one: owned by the current
 *   user and not writable by others, no objects/info/alternates, no commondir, and nothing in its config
 *   but the handful of core keys `git init`/`git clone --bare` write.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, existsSync, fstatSync, lstatSync, openSync, readdirSync, readSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { DistdiffError } from '../core/errors.js';
import type { HashAlgo } from '../core/types.js';
import { distrust, lexists, trustedDir, writeFileReplacing } from '../util/safe-fs.js';
import { runGit, runGitText } from './run.js';

/** The only config keys a cache entry may have (what `git init --bare` / `git clone --bare` write). */
const CACHE_CONFIG_KEYS = new Set([
  'core.repositoryformatversion',
  'core.filemode',
  'core.bare',
  'core.logallrefupdates',
  'core.ignorecase',
  'core.precomposeunicode',
  'core.symlinks',
  'extensions.objectformat',
]);

/** Files whose presence means a cache entry borrows from, or points at, another repository. */
const FOREIGN_POINTERS = ['objects/info/alternates', 'objects/info/http-alternates', 'commondir', 'gitdir'];

/**
 * Why the cache entry `dir` is not one distdiff made, or undefined. `ownAlternates` lists pointer files
 * distdiff itself writes there (the borrowing repository's alternates).
 */
export async function cacheEntryProblem(dir: string, ownAlternates = false): Promise<string | undefined> {
  for (const p of [dir, join(dir, 'config'), join(dir, 'objects'), join(dir, 'refs')]) {
    let st;
    try {
      st = lstatSync(p);
    } catch {
      return `${p.slice(dir.length + 1) || 'the directory'} is missing`;
    }
    if (st.isSymbolicLink()) return `${p.slice(dir.length + 1) || 'the directory'} is a symbolic link`;
    const why = distrust(st);
    if (why) return `${p.slice(dir.length + 1) || 'the directory'} is ${why}`;
  }
  for (const f of FOREIGN_POINTERS) {
    if (ownAlternates && f === 'objects/info/alternates') continue;
    if (lexists(join(dir, f))) return `it has ${f} (a cache entry never borrows from another repository)`;
  }
  const names = (await runGitText('', ['config', '--file', join(dir, 'config'), '--list', '--name-only', '-z'], { label: dir, cwd: '/' }))
    .split('\0')
    .map((n) => n.trim())
    .filter(Boolean);
  const foreign = names.filter((n) => !CACHE_CONFIG_KEYS.has(n.toLowerCase()));
  if (foreign.length) return `its config has ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ' …' : ''}, which distdiff never writes`;
  return undefined;
}

/** The exit-2 error for a cache entry that is not what distdiff made. */
export function untrustedEntry(dir: string, input: string, why: string): DistdiffError {
  return new DistdiffError('config', dir, `cache entry for ${input} was not made by distdiff: ${why}`, `delete ${dir} (distdiff makes it again) and check who can write to the cache directory`);
}

/** Refuse (exit 2) a cache entry that is not what distdiff made. */
export async function assertCacheEntry(dir: string, input: string, ownAlternates = false): Promise<void> {
  const why = await cacheEntryProblem(dir, ownAlternates);
  if (why) throw untrustedEntry(dir, input, why);
}

// ------------------------------------------------------------------ local repositories

export interface LocalLayout {
  /** The repository's git dir (a linked work tree's own dir for worktrees). */
  gitDir: string;
  /** Where objects, refs and packed-refs live (= gitDir except for linked work trees). */
  commonDir: string;
  objectFormat: HashAlgo;
}

const HEX = /^([0-9a-f]{40}|[0-9a-f]{64})$/;
const MAX_REF_FILES = 1_000_000;
const MAX_PACKED_REFS = 512 * 1024 * 1024;

/** Read at most `max` bytes of a regular file, not following a symbolic link; undefined when absent or not a file. */
function readSmall(path: string, max: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return undefined;
    if (st.size > max) throw new DistdiffError('limit', path, `larger than ${max} bytes`, 'the repository is unusually large or damaged');
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

function validRefName(name: string): boolean {
  return name.startsWith('refs/') && !/[\x00-\x20\x7f~^:?*[\\]/.test(name) && !name.includes('..') && !name.endsWith('/') && !name.endsWith('.lock');
}

/** The refs of `commonDir` as name → object id: packed-refs, then loose refs (which win), read as files. */
export function readRefFiles(commonDir: string, input: string): Map<string, string> {
  const refs = new Map<string, string>();
  const packed = readSmall(join(commonDir, 'packed-refs'), MAX_PACKED_REFS);
  if (packed) {
    for (const line of packed.toString('utf8').split('\n')) {
      if (line.startsWith('#') || line.startsWith('^')) continue;
      const sp = line.indexOf(' ');
      const oid = line.slice(0, sp);
      const name = line.slice(sp + 1).trim();
      if (sp > 0 && HEX.test(oid) && validRefName(name)) refs.set(name, oid);
    }
  }
  let files = 0;
  const walk = (dir: string, prefix: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (++files > MAX_REF_FILES) throw new DistdiffError('limit', input, `more than ${MAX_REF_FILES} loose refs`, 'run git pack-refs in the repository');
      const name = `${prefix}/${e.name}`;
      if (e.isDirectory()) walk(join(dir, e.name), name);
      else if (e.isFile() && validRefName(name)) {
        const v = readSmall(join(dir, e.name), 4096)?.toString('utf8').trim();
        if (v && HEX.test(v)) refs.set(name, v);
      }
    }
  };
  walk(join(commonDir, 'refs'), 'refs');
  return refs;
}

/** Where the local repository at `path` keeps its git dir, objects and refs (git's own discovery). */
export async function discoverLocal(input: string, path: string): Promise<LocalLayout> {
  // Discovery starts at `path` and may not climb above it: a subdirectory of some other work tree is refused.
  const out = await runGitText('', ['rev-parse', '--absolute-git-dir', '--git-common-dir', '--show-object-format'], {
    cwd: path,
    env: { GIT_CEILING_DIRECTORIES: resolve(path, '..') },
    label: input,
  });
  const [gitDir, common, format] = out.split('\n');
  if (!gitDir || !common || !format) throw new DistdiffError('git', input, 'git rev-parse gave no git directory', 'check the repository');
  const commonDir = resolve(path, common);
  if (/[\x00-\x1f\x7f]/.test(commonDir) || /[\x00-\x1f\x7f]/.test(gitDir)) {
    throw new DistdiffError('git', input, 'the repository path contains control characters', 'move or rename the repository');
  }
  return { gitDir, commonDir, objectFormat: format === 'sha256' ? 'sha256' : 'sha1' };
}

/**
 * The borrowing repository for a local repository (see the module comment), created or refreshed:
 * alternates, packed-refs, HEAD and shallow are rewritten on every run (each through a temp file and a
 * rename, so concurrent runs never see a half-written file). Returns its git dir.
 */
export async function borrowRepository(input: string, layout: LocalLayout, cacheDir: string): Promise<string> {
  const root = resolve(cacheDir);
  trustedDir(root, { root: true });
  const localDir = join(root, 'local');
  trustedDir(localDir);
  let real = layout.commonDir;
  try {
    real = realpathSync(layout.commonDir);
  } catch {
    /* keep the path git gave */
  }
  const name = basename(real.replace(/\/\.git$/, '')).replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._-]+/, '').slice(0, 40) || 'repo';
  const dir = join(localDir, `${name}-${createHash('sha256').update(`${layout.objectFormat}\0${real}`).digest('hex').slice(0, 12)}`);
  if (!existsSync(dir)) {
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    try {
      const fmt = layout.objectFormat === 'sha256' ? ['--object-format=sha256'] : [];
      await runGit('', ['init', '--bare', '--quiet', '--template=', ...fmt, tmp], { cwd: localDir, label: input });
      renameSync(tmp, dir);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      if (!existsSync(dir)) throw e; // else another run made it meanwhile
    }
  }
  await assertCacheEntry(dir, input, true);
  const objects = join(real, 'objects');
  writeFileReplacing(join(dir, 'objects', 'info', 'alternates'), `${objects}\n`);
  const refs = readRefFiles(layout.commonDir, input);
  writeFileReplacing(join(dir, 'packed-refs'), [...refs].map(([n, oid]) => `${oid} ${n}\n`).join(''));
  const head = readSmall(join(layout.gitDir, 'HEAD'), 4096)?.toString('utf8').trim() ?? '';
  const sym = /^ref: (refs\/\S+)$/.exec(head);
  writeFileReplacing(join(dir, 'HEAD'), HEX.test(head) ? `${head}\n` : sym && validRefName(sym[1]!) ? `ref: ${sym[1]}\n` : 'ref: refs/heads/main\n');
  const shallow = readSmall(join(layout.commonDir, 'shallow'), MAX_PACKED_REFS)?.toString('utf8');
  const shallowIds = shallow?.split('\n').filter((l) => HEX.test(l.trim()));
  if (shallowIds?.length) writeFileReplacing(join(dir, 'shallow'), shallowIds.map((l) => `${l.trim()}\n`).join(''));
  else rmSync(join(dir, 'shallow'), { force: true });
  return dir;
}
