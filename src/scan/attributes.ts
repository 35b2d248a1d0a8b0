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
  dir: string;
  gitDir: string;
  indexFile: string;
  commit: string;
  algo: HashAlgo;
  dispose(): void;
}

/** Set up the sandbox repository and its index for `commit`. `withRefs` copies the refs (for $Format:%d$). */
export async function openSandbox(repo: RepoHandle, commit: string, withRefs = false): Promise<Sandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'distdiff-attr-'));
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  try {
    const gitDir = join(dir, 'sandbox.git');
    const fmt = repo.objectFormat === 'sha256' ? ['--object-format=sha256'] : [];
    await runGit('', ['init', '--bare', '--quiet', '--template=', ...fmt, gitDir], { cwd: dir });
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
  const result: (AttrValues | undefined)[] = new Array(paths.length).fill(undefined);
  if (paths.length === 0) return result;
  const input = Buffer.from(`${paths.join('\0')}\0`, 'latin1');
  const out = await runGit(sb.gitDir, ['check-attr', '--cached', '--stdin', '-z', ...attrs], {
    env: { GIT_INDEX_FILE: sb.indexFile },
    input,
    maxBuffer: 4 * 1024 ** 3,
  });
  const truncated = () => new DistdiffError('git', sb.commit, 'unexpected git check-attr output', '');
  const UNSPECIFIED = Buffer.from('unspecified');
  let pos = 0;
  const skip = () => {
    const end = out.indexOf(0, pos);
    if (end < 0) throw truncated();
    pos = end + 1;
  };
  for (let i = 0; i < paths.length; i++) {
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

/** Blob ids and sizes of the bytes `git archive` exports for `paths` (UTF-8 paths of regular files). */
export async function archivedBlobIds(sb: Sandbox, paths: string[]): Promise<Map<string, { oid: string; size: number }>> {
  const result = new Map<string, { oid: string; size: number }>();
  const ARGV_BUDGET = 96 * 1024;
  let batch: string[] = [];
  let len = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const tarBytes = await runGit(sb.gitDir, ['archive', '--format=tar', sb.commit, '--', ...batch], {
      globalArgs: ['--literal-pathspecs'],
      maxBuffer: 2 * 1024 ** 3,
    });
    await parseTar(tarBytes, sb.algo, result, (await import('tar')).Parser); // loaded only when needed
    batch = [];
    len = 0;
  };
  for (const p of paths) {
    if (len + p.length + 1 > ARGV_BUDGET) await flush();
    batch.push(p);
    len += p.length + 1;
  }
  await flush();
  return result;
}

function parseTar(bytes: Buffer, algo: HashAlgo, into: Map<string, { oid: string; size: number }>, Parser: typeof import('tar').Parser): Promise<void> {
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
