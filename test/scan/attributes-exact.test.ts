/**
 * src/scan/attributes.ts at its edges (mutation testing, issue #15): where the sandbox lives and how it goes
 * away, a repository without refs, git's check-attr answers read field by field (an 11-character value, an
 * empty path, every way the output can be cut short or run long), the argument batches of `git archive`,
 * names that are never pathspec magic, and a damaged tar. Ground truth is real git: the check-attr and
 * archive bytes below are what git printed for repositories built here.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRepo } from '../../src/acquire/repo.js';
import { DistdiffError } from '../../src/core/errors.js';
import {
  ARGV_BUDGET,
  archivedBlobIds,
  argvBatches,
  checkAttributes,
  openSandbox,
  parseCheckAttr,
  tarBlobIds,
  type AttrName,
} from '../../src/scan/attributes.js';
import { blobId } from '../../src/scan/blob-id.js';
import { gitEnv, makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-attrs-exact-');
const cacheDir = join(root, 'cache');

/** The fields of an error, to compare whole. */
const fields = (e: unknown) =>
  e instanceof DistdiffError ? { name: e.name, kind: e.kind, input: e.input, message: e.message, hint: e.hint } : { notADistdiffError: String(e) };

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return fields(e);
  }
  return 'returned';
}

/** What `git check-attr --cached --stdin -z <attrs>` prints for `paths` in the work tree `dir`. */
function checkAttrOutput(dir: string, paths: string[], attrs: readonly string[]): Buffer {
  return execFileSync('git', ['check-attr', '--cached', '--stdin', '-z', ...attrs], { cwd: dir, env: gitEnv(), input: `${paths.join('\0')}\0` });
}

const r = makeRepo(join(root, 'repo'));
const commit = r.commit({
  '.gitattributes': 'latin.txt working-tree-encoding=ISO-8859-15\nplain.txt -text\n',
  'latin.txt': 'l\n',
  'plain.txt': 'p\n',
  'other.txt': 'o\n',
});

describe('openSandbox: where the sandbox lives', () => {
  it('a distdiff-attr-XXXXXX directory in the temp directory, holding sandbox.git and the index; disposing twice is harmless', async () => {
    const repo = await openRepo(r.dir, { cacheDir });
    const sb = await openSandbox(repo, commit);
    try {
      expect(dirname(sb.dir)).toBe(resolve(tmpdir()));
      expect(basename(sb.dir)).toMatch(/^distdiff-attr-[A-Za-z0-9]{6}$/);
      expect(sb.gitDir).toBe(join(sb.dir, 'sandbox.git'));
      expect(sb.indexFile).toBe(join(sb.dir, 'index'));
      expect(readdirSync(sb.dir).sort()).toEqual(['index', 'sandbox.git']);
    } finally {
      sb.dispose();
    }
    expect(existsSync(sb.dir)).toBe(false);
    expect(() => sb.dispose()).not.toThrow();
  });

  it('a relative TMPDIR is read against the current directory (git runs elsewhere): the sandbox works and is removed', async () => {
    // Relative to the current directory, whatever it is (no chdir: Stryker's vitest runner uses worker threads).
    const rel = join(root, 'rel');
    mkdirSync(rel);
    const repo = await openRepo(r.dir, { cacheDir });
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = relative(process.cwd(), rel);
    expect(process.env.TMPDIR.startsWith('/')).toBe(false);
    try {
      const sb = await openSandbox(repo, commit);
      try {
        expect(dirname(sb.dir)).toBe(rel);
        expect(await checkAttributes(sb, ['plain.txt', 'other.txt'], ['text'])).toEqual([{ text: 'unset' }, undefined]);
      } finally {
        sb.dispose();
      }
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    expect(readdirSync(rel)).toEqual([]);
  });

  it('git missing when the sandbox is made: the error names the repository, and nothing is left behind', async () => {
    const repo = await openRepo(r.dir, { cacheDir });
    const tmp = join(root, 'tmp-nogit');
    mkdirSync(tmp);
    const saved = { path: process.env.PATH, tmp: process.env.TMPDIR };
    process.env.PATH = join(root, 'no-such-bin');
    process.env.TMPDIR = tmp;
    let err: unknown;
    try {
      await openSandbox(repo, commit);
    } catch (e) {
      err = e;
    } finally {
      process.env.PATH = saved.path;
      if (saved.tmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved.tmp;
    }
    expect(fields(err)).toEqual({
      name: 'DistdiffError',
      kind: 'git',
      input: r.dir,
      message: 'git is not installed or not on PATH',
      hint: 'install git 2.25 or newer',
    });
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('a repository without any ref: withRefs copies none, and $Format:%d$ is empty as in git archive', async () => {
    const n = makeRepo(join(root, 'norefs'));
    const c = n.commit({ '.gitattributes': 'refs.txt export-subst\n', 'refs.txt': 'refs:$Format:%d$\n' });
    n.git(['update-ref', '-d', 'refs/heads/main']);
    expect(n.git(['for-each-ref'])).toBe('');
    const tar = execFileSync('git', ['archive', '--format=tar', c, '--', 'refs.txt'], { cwd: n.dir, env: gitEnv() });
    expect(execFileSync('tar', ['-xOf', '-', 'refs.txt'], { input: tar }).toString()).toBe('refs:\n');
    const repo = await openRepo(n.dir, { cacheDir });
    const sb = await openSandbox(repo, c, true);
    try {
      expect(await archivedBlobIds(sb, ['refs.txt'])).toEqual(new Map([['refs.txt', { oid: blobId('sha1', 'refs:\n'), size: 6 }]]));
    } finally {
      sb.dispose();
    }
  });
});

describe('checkAttributes: values read exactly', () => {
  it('an 11-character value (as long as "unspecified") is a value; an empty path gets its answer too', async () => {
    const repo = await openRepo(r.dir, { cacheDir });
    const sb = await openSandbox(repo, commit);
    try {
      expect(await checkAttributes(sb, ['latin.txt', 'other.txt'], ['working-tree-encoding', 'text'])).toEqual([
        { 'working-tree-encoding': 'ISO-8859-15' },
        undefined,
      ]);
      expect(await checkAttributes(sb, ['', 'plain.txt'], ['text'])).toEqual([undefined, { text: 'unset' }]);
    } finally {
      sb.dispose();
    }
  });
});

describe('parseCheckAttr: git check-attr -z output, cut short or running long', () => {
  const truncated = { name: 'DistdiffError', kind: 'git', input: commit, message: 'unexpected git check-attr output', hint: '' };
  const cases: Array<[string, string[], AttrName[], unknown[]]> = [
    ['one path, one attribute', ['plain.txt'], ['text'], [{ text: 'unset' }]],
    [
      'three paths, two attributes',
      ['latin.txt', 'plain.txt', 'other.txt'],
      ['text', 'working-tree-encoding'],
      [{ 'working-tree-encoding': 'ISO-8859-15' }, { text: 'unset' }, undefined],
    ],
  ];
  it.each(cases)('%s: the whole output parses; every shorter prefix and any extra byte is an error', (_, paths, attrs, want) => {
    const out = checkAttrOutput(r.dir, paths, attrs);
    expect(parseCheckAttr(out, paths.length, attrs, commit)).toEqual(want);
    for (let len = 0; len < out.length; len++) {
      expect([len, thrown(() => parseCheckAttr(out.subarray(0, len), paths.length, attrs, commit))]).toEqual([len, truncated]);
    }
    expect(thrown(() => parseCheckAttr(Buffer.concat([out, Buffer.from('x')]), paths.length, attrs, commit))).toEqual(truncated);
    // One record more than asked for (git answering a path twice) is not silently dropped.
    const extra = Buffer.concat([out, checkAttrOutput(r.dir, [paths[0]!], [attrs[0]!])]);
    expect(thrown(() => parseCheckAttr(extra, paths.length, attrs, commit))).toEqual(truncated);
  });
});

describe('argvBatches: git archive arguments, at most ARGV_BUDGET characters a call', () => {
  it('the budget is 96 KiB of path characters, each path counted with one more', () => {
    const a = 'a'.repeat(32767);
    expect(ARGV_BUDGET).toBe(98304);
    expect(argvBatches([a, a, a])).toEqual([[a, a, a]]); // 3 × 32768 = 98304: exactly the budget
    expect(argvBatches([a, a, `${a}b`])).toEqual([[a, a], [`${a}b`]]); // one character over
  });

  it.each([
    [[], 6, []],
    [['ab', 'c', 'de', 'f'], 6, [['ab', 'c'], ['de', 'f']]],
    [['ab', 'c'], 5, [['ab', 'c']]],
    [['ab', 'c', 'd'], 5, [['ab', 'c'], ['d']]],
    [['abcdefg'], 5, [['abcdefg']]],
    [['x', 'abcdefg', 'y'], 5, [['x'], ['abcdefg'], ['y']]],
    [['a', 'b', 'c', 'd', 'e'], 4, [['a', 'b'], ['c', 'd'], ['e']]],
  ] as Array<[string[], number, string[][]]>)('%j within %i → %j', (paths, budget, want) => {
    expect(argvBatches(paths, budget)).toEqual(want);
  });
});

describe('archivedBlobIds: a name is a literal path, never a pathspec', () => {
  it('"*.txt" exports only the file named *.txt, not every .txt file', async () => {
    const g = makeRepo(join(root, 'literal'));
    const c = g.commit({ '*.txt': 'star\n', 'a.txt': 'a\n', 'sub/b.txt': 'b\n', ':(glob)**': 'magic\n' });
    const repo = await openRepo(g.dir, { cacheDir });
    const sb = await openSandbox(repo, c);
    try {
      expect(await archivedBlobIds(sb, ['*.txt'])).toEqual(new Map([['*.txt', { oid: blobId('sha1', 'star\n'), size: 5 }]]));
      expect(await archivedBlobIds(sb, [':(glob)**'])).toEqual(new Map([[':(glob)**', { oid: blobId('sha1', 'magic\n'), size: 6 }]]));
    } finally {
      sb.dispose();
    }
  });
});

describe('tarBlobIds: the tar git archive wrote', () => {
  const t = makeRepo(join(root, 'tar'));
  const c = t.commit({ 'a.txt': 'a\n', 'b.txt': 'hello world\n', 'dir/c.txt': '' });
  const tar = execFileSync('git', ['archive', '--format=tar', c], { cwd: t.dir, env: gitEnv() });
  /** Offset of the 512-byte header naming `name`. */
  const headerOf = (name: string) => {
    for (let off = 0; off + 512 <= tar.length; off += 512) if (tar.toString('latin1', off, off + 100).replace(/\0.*$/s, '') === name) return off;
    throw new Error(`no header for ${name}`);
  };

  it('regular files only, with their blob ids and sizes', async () => {
    const into = new Map<string, { oid: string; size: number }>();
    await tarBlobIds(tar, 'sha1', into);
    expect(into).toEqual(
      new Map([
        ['a.txt', { oid: blobId('sha1', 'a\n'), size: 2 }],
        ['b.txt', { oid: blobId('sha1', 'hello world\n'), size: 12 }],
        ['dir/c.txt', { oid: blobId('sha1', ''), size: 0 }],
      ]),
    );
  });

  it('a header whose checksum is wrong is an error, not a file left out', async () => {
    const bad = Buffer.from(tar);
    bad[headerOf('b.txt') + 148] ^= 1;
    let err: unknown;
    await tarBlobIds(bad, 'sha1', new Map()).catch((e: unknown) => (err = e));
    expect(fields(err)).toEqual({
      name: 'DistdiffError',
      kind: 'git',
      input: 'git archive',
      message: 'cannot parse git archive output: TAR_ENTRY_INVALID: checksum failure',
      hint: '',
    });
  });

  it('an archive cut inside a file is an error', async () => {
    let err: unknown;
    await tarBlobIds(tar.subarray(0, headerOf('b.txt') + 512 + 5), 'sha1', new Map()).catch((e: unknown) => (err = e));
    expect(fields(err)).toEqual({
      name: 'DistdiffError',
      kind: 'git',
      input: 'git archive',
      message: 'cannot parse git archive output: TAR_BAD_ARCHIVE: Truncated input (needed 512 more bytes, only 5 available)',
      hint: '',
    });
  });
});
