/**
 * `.gitattributes` as `git archive` applies them, computed by git itself in a sandbox:
 *
 * a temporary bare repository that borrows the real repository's objects (objects/info/alternates) and has
 * a config, hooks and info/attributes of its own (empty). `git check-attr --cached` reads the attributes from
 * a temporary index built from the commit (GIT_INDEX_FILE + read-tree), and `git archive` produces the
 * exported bytes of the few files whose content attributes change. Nothing of the real repository's
 * configuration (filter drivers, textconv, fsmonitor …) is in effect, and the user's own info/attributes
 * does not leak into what upstream's `git archive` would have produced.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ReadEntry } from 'tar';
import type { RepoHandle } from '../acquire/repo.js';
import { DistdiffError } from '../core/errors.js';
import type { HashAlgo } from '../core/types.js';
import { runGit, runGitText } from '../git/run.js';
import { createBlobHasher } from './blob-id.js';

export const ATTRS = ['export-ignore', 'export-subst', 'text', 'eol', 'crlf', 'ident', 'working-tree-encoding'] as const;
export type AttrName = (typeof ATTRS)[number];
/** 'set' | 'unset' | 'unspecified' | a value. */
export type AttrValues = Partial<Record<AttrName, string>>;

export interface Sandbox {
  /** The temporary directory, `distdiff-attr-XXXXXX` in the (absolute) temp directory; dispose() removes it. */
  dir: string;
  /** The bare repository, `<dir>/sandbox.git`. */
  gitDir: string;
  /** The index built from the commit, `<dir>/index` (outside the repository; every command names it). */
  indexFile: string;
  commit: string;
  algo: HashAlgo;
  dispose(): void;
}

/** Set up the sandbox repository and its index for `commit`. `withRefs` copies the refs (for $Format:%d$). */
export async function openSandbox(repo: RepoHandle, commit: string, withRefs = false): Promise<Sandbox> {
  // Absolute: git runs with cwd '/', so a relative TMPDIR would put the sandbox somewhere else for git.
  const dir = mkdtempSync(join(resolve(tmpdir()), 'distdiff-attr-'));
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  try {
    const gitDir = join(dir, 'sandbox.git');
    const fmt = repo.objectFormat === 'sha256' ? ['--object-format=sha256'] : [];
    await runGit('', ['init', '--bare', '--quiet', '--template=', ...fmt, gitDir], { label: repo.source });
    const objects = resolve('/', await runGitText(repo.gitDir, ['rev-parse', '--git-path', 'objects']));
    writeFileSync(join(gitDir, 'objects', 'info', 'alternates'), `${objects}\n`);
    if (withRefs) await copyRefs(repo, gitDir);
    const indexFile = join(dir, 'index');
    await runGit(gitDir, ['read-tree', commit], { env: { GIT_INDEX_FILE: indexFile } });
    return { dir, gitDir, indexFile, commit, algo: repo.objectFormat, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}

async function copyRefs(repo: RepoHandle, gitDir: string): Promise<void> {
  const refs = await runGitText(repo.gitDir, ['for-each-ref', '--format=%(objectname) %(refname)']);
  if (refs) writeFileSync(join(gitDir, 'packed-refs'), `${refs}\n`);
  try {
    const head = await runGitText(repo.gitDir, ['symbolic-ref', '-q', 'HEAD']);
    if (head.startsWith('refs/')) writeFileSync(join(gitDir, 'HEAD'), `ref: ${head}\n`);
  } catch {
    /* detached or unborn: keep the sandbox's own HEAD */
  }
}

/**
 * Attributes `attrs` of each path (raw bytes as latin1 strings, one char per byte; directories and submodules with a trailing '/', as `git archive`
 * asks for them). Returns one record per input path, in input order (undefined when every attribute is
 * unspecified): check-attr answers in input order with one line per requested attribute.
 */
export async function checkAttributes(sb: Sandbox, paths: string[], attrs: readonly AttrName[] = ATTRS): Promise<(AttrValues | undefined)[]> {
  if (paths.length === 0) return [];
  const input = Buffer.from(`${paths.join('\0')}\0`, 'latin1');
  const out = await runGit(sb.gitDir, ['check-attr', '--cached', '--stdin', '-z', ...attrs], {
    env: { GIT_INDEX_FILE: sb.indexFile },
    input,
    maxBuffer: 4 * 1024 ** 3,
  });
  return parseCheckAttr(out, paths.length, attrs, sb.commit);
}

/**
 * The answers of `git check-attr -z` for `count` paths and `attrs` (path, attribute, value, each NUL-ended, in
 * input order); an output cut short or longer than that is an error naming `commit`.
 */
export function parseCheckAttr(out: Buffer, count: number, attrs: readonly AttrName[], commit: string): (AttrValues | undefined)[] {
  const result: (AttrValues | undefined)[] = new Array(count).fill(undefined);
  const truncated = () => new DistdiffError('git', commit, 'unexpected git check-attr output', '');
  const UNSPECIFIED = Buffer.from('unspecified');
  let pos = 0;
  const skip = () => {
    const end = out.indexOf(0, pos);
    if (end < 0) throw truncated();
    pos = end + 1;
  };
  for (let i = 0; i < count; i++) {
    for (const attr of attrs) {
      skip(); // path
      skip(); // attribute name
      const end = out.indexOf(0, pos);
      if (end < 0) throw truncated();
      if (end - pos !== UNSPECIFIED.length || out.compare(UNSPECIFIED, 0, UNSPECIFIED.length, pos, end) !== 0) {
        (result[i] ??= {})[attr] = out.toString('utf8', pos, end);
      }
      pos = end + 1;
    }
  }
  if (pos !== out.length) throw truncated();
  return result;
}

/** Whether these attributes can make `git archive` bytes differ from the stored blob (on a Linux host). */
export function contentMayChange(a: AttrValues | undefined): 'export-subst' | 'eol' | undefined {
  if (!a) return undefined;
  if (a['export-subst'] === 'set') return 'export-subst';
  if (a.ident === 'set') return 'export-subst';
  if (a.eol === 'crlf') return 'eol';
  const wte = a['working-tree-encoding'];
  if (wte !== undefined && wte !== 'unspecified' && wte !== 'unset' && wte !== 'set') return 'eol';
  return undefined;
}

/** Characters of path arguments per `git archive` call (Linux allows 128 KiB per argument, 2 MiB in all). */
export const ARGV_BUDGET = 96 * 1024;

/**
 * `paths` in order, cut into argument lists of at most `budget` characters, each path counted with one more
 * (its NUL); a path longer than the budget goes alone.
 */
export function argvBatches(paths: readonly string[], budget = ARGV_BUDGET): string[][] {
  const batches: string[][] = [];
  let batch: string[] = [];
  let len = 0;
  for (const p of paths) {
    if (len + p.length + 1 > budget && batch.length > 0) {
      batches.push(batch);
      batch = [];
      len = 0;
    }
    batch.push(p);
    len += p.length + 1;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/** Blob ids and sizes of the bytes `git archive` exports for `paths` (UTF-8 paths of regular files). */
export async function archivedBlobIds(sb: Sandbox, paths: string[]): Promise<Map<string, { oid: string; size: number }>> {
  const result = new Map<string, { oid: string; size: number }>();
  for (const batch of argvBatches(paths)) {
    const tarBytes = await runGit(sb.gitDir, ['archive', '--format=tar', sb.commit, '--', ...batch], {
      globalArgs: ['--literal-pathspecs'],
      maxBuffer: 2 * 1024 ** 3,
    });
    await tarBlobIds(tarBytes, sb.algo, result);
  }
  return result;
}

/** Adds the blob id and size of each regular file of a tar made by `git archive` to `into`; a damaged tar is an error. */
export async function tarBlobIds(bytes: Buffer, algo: HashAlgo, into: Map<string, { oid: string; size: number }>): Promise<void> {
  const { Parser } = await import('tar'); // loaded only when needed
  return new Promise((resolvePromise, reject) => {
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        if (entry.type !== 'File' && entry.type !== 'OldFile') {
          entry.resume();
          return;
        }
        const size = entry.size ?? 0;
        const hasher = createBlobHasher(algo, size);
        entry.on('data', (c: Buffer) => hasher.update(c));
        entry.on('end', () => {
          try {
            into.set(entry.path, { oid: hasher.digest(), size });
          } catch (e) {
            reject(e);
          }
        });
      },
    });
    parser.on('error', (e: Error) => reject(new DistdiffError('git', 'git archive', `cannot parse git archive output: ${e.message}`, '')));
    parser.on('end', () => resolvePromise());
    parser.end(bytes);
  });
}
