/**
 * Typed revision-chain steps (issue 10): every step of resolveChain is a kind with typed arguments and no
 * prose; core/wording.ts words it. Real git repositories; each case asserts the exact steps and the exact
 * line a report prints for them (the English the chain carried before steps were typed). The last test
 * checks that every kind of the wording registry was produced by some case here (the file runs in order).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRepo, type RepoHandle } from '../../src/acquire/repo.js';
import type { ChainStep, ChainStepKind } from '../../src/core/result.js';
import { CHAIN_STEP_WORDING, chainStepText } from '../../src/core/wording.js';
import { resolveChain, type MetadataClaim } from '../../src/profiles/chain.js';
import { renderJson } from '../../src/render/json.js';
import { makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-chain-steps-');
const cacheDir = join(root, 'cache');
const seen = new Set<ChainStepKind>();

/** The steps, each with the line the text and HTML reports print for it. */
function lines(steps: ChainStep[]): [ChainStep, string][] {
  for (const s of steps) seen.add(s.kind);
  return steps.map((s) => [s, chainStepText(s)]);
}

async function open(dir: string): Promise<RepoHandle> {
  return openRepo(dir, { cacheDir });
}

// v1.0 (annotated) on a, 1.0 (lightweight) on a too; v2.0 (annotated) on b; c untagged after it.
const repo = makeRepo(join(root, 'repo'));
const a = repo.commit({ 'x.txt': '1\n', 'y.txt': '1\n' });
repo.tag('1.0');
repo.tag('v1.0', { message: '1.0' });
const b = repo.commit({ 'x.txt': '2\n' });
repo.tag('v2.0', { message: '2.0' });
const c = repo.commit({ 'y.txt': '2\n' });
const missing = 'ab'.repeat(20);
const pax = (commit: string): MetadataClaim => ({ source: 'pax-header', commit, path: 'pax_global_header' });
const changelog = (commit: string): MetadataClaim => ({ source: 'changelog', commit, path: 'ChangeLog' });

describe('explicit --tag / --commit', () => {
  it('--tag decides; a pax header naming the same commit agrees', async () => {
    const r = await resolveChain({ repo: await open(repo.dir), names: ['p-2.0.tar.gz'], tag: 'v2.0', claims: [pax(b)] });
    expect(lines(r.steps)).toEqual([
      [{ step: 'explicit', outcome: 'chosen', kind: 'tag-given', args: { tag: 'v2.0', commit: b } }, `--tag v2.0 → ${b}`],
      [{ step: 'metadata', outcome: 'agrees', kind: 'metadata-names', args: { source: 'pax-header', commit: b, inRepo: true } }, `pax-header names ${b}`],
    ]);
    expect(r.findings).toEqual([]);
  });

  it('--commit decides; metadata naming another commit, or one the repository lacks, conflicts', async () => {
    const r = await resolveChain({ repo: await open(repo.dir), names: ['p.tar.gz'], commit: c, claims: [pax(a), { source: 'npm-githead', commit: missing, path: 'package.json' }] });
    expect(lines(r.steps)).toEqual([
      [{ step: 'explicit', outcome: 'chosen', kind: 'commit-given', args: { commit: c } }, `--commit ${c}`],
      [{ step: 'metadata', outcome: 'conflicts', kind: 'metadata-names', args: { source: 'pax-header', commit: a, inRepo: true } }, `pax-header names ${a}`],
      [{ step: 'metadata', outcome: 'conflicts', kind: 'metadata-names', args: { source: 'npm-githead', commit: missing, inRepo: false } }, `npm-githead names ${missing} (not in the repository)`],
    ]);
    expect(r.findings.map((f) => f.code)).toEqual(['REVISION_MISMATCH', 'REVISION_MISMATCH']);
  });

  it('--tag naming another version than the archive name', async () => {
    const r = await resolveChain({ repo: await open(repo.dir), names: ['p-2.0.tar.gz'], tag: 'v1.0', claims: [] });
    expect(lines(r.steps)).toEqual([
      [{ step: 'explicit', outcome: 'chosen', kind: 'tag-given', args: { tag: 'v1.0', commit: a } }, `--tag v1.0 → ${a}`],
      [
        { step: 'tag-pattern', outcome: 'conflicts', kind: 'tag-names-other-version', args: { tag: 'v1.0', tagVersion: '1.0', archiveVersion: '2.0' } },
        "--tag v1.0 names version 1.0, the archive's name 2.0",
      ],
    ]);
    expect(r.findings.map((f) => f.code)).toEqual(['TAG_CONFLICTS_WITH_ARCHIVE']);
  });
});

describe('tag patterns', () => {
  it('the tag of the version: an annotated tag is preferred over a lightweight one on the same commit', async () => {
    const r = await resolveChain({ repo: await open(repo.dir), names: ['p-1.0.tar.gz'], claims: [] });
    expect(r.revision).toMatchObject({ commit: a, tag: 'v1.0', tagType: 'annotated', how: 'inferred' });
    expect(lines(r.steps)).toEqual([[{ step: 'tag-pattern', outcome: 'chosen', kind: 'tag-found', args: { tag: 'v1.0', commit: a, also: ['1.0'] } }, `tag v1.0 → ${a} (also 1.0)`]]);
  });

  it('the version from package metadata maps to its tag when the archive name has none', async () => {
    const r = await resolveChain({ repo: await open(repo.dir), names: ['package.tgz'], version: '2.0', claims: [] });
    expect(lines(r.steps)).toEqual([[{ step: 'tag-pattern', outcome: 'chosen', kind: 'tag-found', args: { tag: 'v2.0', commit: b } }, `tag v2.0 → ${b}`]]);
  });

  it('metadata chooses the commit; the tag of the version agrees, or names another commit', async () => {
    const agree = await resolveChain({ repo: await open(repo.dir), names: ['p-2.0.tar.gz'], claims: [pax(b)] });
    expect(agree.revision).toMatchObject({ commit: b, tag: 'v2.0', how: 'metadata' });
    expect(lines(agree.steps)).toEqual([
      [{ step: 'metadata', outcome: 'chosen', kind: 'metadata-chosen', args: { sources: ['pax-header'], commit: b } }, `pax-header → ${b}`],
      [{ step: 'tag-pattern', outcome: 'agrees', kind: 'tag-found', args: { tag: 'v2.0', commit: b } }, `tag v2.0 → ${b}`],
    ]);
    const other = await resolveChain({ repo: await open(repo.dir), names: ['p-2.0.tar.gz'], claims: [pax(c), { source: 'npm-githead', commit: c, path: 'package.json' }] });
    expect(lines(other.steps)).toEqual([
      [{ step: 'metadata', outcome: 'chosen', kind: 'metadata-chosen', args: { sources: ['pax-header', 'npm-githead'], commit: c } }, `pax-header, npm-githead → ${c}`],
      [{ step: 'tag-pattern', outcome: 'conflicts', kind: 'tag-other-commit', args: { tag: 'v2.0', commit: b, archiveCommit: c } }, `tag v2.0 → ${b}, the archive names ${c}`],
    ]);
    expect(other.findings.map((f) => f.code)).toEqual(['REVISION_MISMATCH']);
  });

  it('metadata naming a commit the repository lacks is logged; the tag decides', async () => {
    const r = await resolveChain({ repo: await open(repo.dir), names: ['p-2.0.tar.gz'], claims: [pax(missing)] });
    expect(lines(r.steps)).toEqual([
      [{ step: 'metadata', outcome: 'not-found', kind: 'metadata-missing', args: { source: 'pax-header', commit: missing } }, `pax-header names ${missing}, which the repository does not have`],
      [{ step: 'tag-pattern', outcome: 'chosen', kind: 'tag-found', args: { tag: 'v2.0', commit: b } }, `tag v2.0 → ${b}`],
    ]);
  });

  it('metadata chooses an untagged commit: no tag matches its version', async () => {
    const r = await resolveChain({ repo: await open(repo.dir), names: ['p-2.1.tar.gz'], claims: [pax(c)] });
    expect(lines(r.steps)).toEqual([
      [{ step: 'metadata', outcome: 'chosen', kind: 'metadata-chosen', args: { sources: ['pax-header'], commit: c } }, `pax-header → ${c}`],
      [{ step: 'tag-pattern', outcome: 'not-found', kind: 'no-tag-matches', args: { version: '2.1', tags: 3, repo: repo.dir } }, `no tag matches version 2.1 (3 tag(s) in ${repo.dir})`],
    ]);
  });
});

describe('the ChangeLog and the neighbourhood', () => {
  it('a ChangeLog commit is chosen when no tag matches; a ChangeLog checked against a tag agrees or conflicts', async () => {
    const chosen = await resolveChain({ repo: await open(repo.dir), names: ['p-2.1.tar.gz'], claims: [changelog(missing), changelog(c)] });
    expect(chosen.revision).toMatchObject({ commit: c, how: 'metadata' });
    expect(lines(chosen.steps)).toEqual([
      [{ step: 'tag-pattern', outcome: 'not-found', kind: 'no-tag-matches', args: { version: '2.1', tags: 3, repo: repo.dir } }, `no tag matches version 2.1 (3 tag(s) in ${repo.dir})`],
      [{ step: 'metadata', outcome: 'not-found', kind: 'metadata-missing', args: { source: 'changelog', commit: missing } }, `changelog names ${missing}, which the repository does not have`],
      [{ step: 'metadata', outcome: 'chosen', kind: 'file-chosen', args: { source: 'changelog', path: 'ChangeLog', commit: c } }, `changelog (ChangeLog) → ${c}`],
    ]);
    const agrees = await resolveChain({ repo: await open(repo.dir), names: ['p-2.0.tar.gz'], claims: [changelog(b)] });
    expect(lines(agrees.steps).at(-1)).toEqual([
      { step: 'metadata', outcome: 'agrees', kind: 'file-names', args: { source: 'changelog', path: 'ChangeLog', commit: b } },
      `changelog (ChangeLog) names ${b}`,
    ]);
    const conflicts = await resolveChain({ repo: await open(repo.dir), names: ['p-2.0.tar.gz'], claims: [changelog(a)] });
    expect(lines(conflicts.steps).at(-1)).toEqual([
      { step: 'metadata', outcome: 'conflicts', kind: 'file-names', args: { source: 'changelog', path: 'ChangeLog', commit: a } },
      `changelog (ChangeLog) names ${a}`,
    ]);
  });

  it('no version and no metadata: the nearest commit, with where the search started', async () => {
    const files = new Map([
      ['x.txt', repo.git(['rev-parse', `${c}:x.txt`])],
      ['y.txt', repo.git(['rev-parse', `${c}:y.txt`])],
    ]);
    const r = await resolveChain({ repo: await open(repo.dir), names: ['snapshot.tar.gz'], claims: [], archiveFiles: files });
    expect(r.revision).toMatchObject({ commit: c, how: 'nearest', distance: 0 });
    expect(lines(r.steps)).toEqual([
      [{ step: 'tag-pattern', outcome: 'not-found', kind: 'no-version', args: {} }, 'cannot infer the release version from the archive name'],
      [{ step: 'neighbourhood', outcome: 'chosen', kind: 'nearest-commit', args: { commit: c, distance: 0, searched: 3, from: { heads: 1 } } }, `${c} differs in 0 path(s); best of 3 commit(s) from 1 branch head(s)`],
    ]);
    const near = await resolveChain({ repo: await open(repo.dir), names: ['p-1.5.tar.gz'], claims: [], archiveFiles: files });
    expect(lines(near.steps).at(-1)).toEqual([
      { step: 'neighbourhood', outcome: 'chosen', kind: 'nearest-commit', args: { commit: c, distance: 0, searched: 3, from: { higherTag: 'v2.0', lowerTag: '1.0', heads: 1 } } },
      `${c} differs in 0 path(s); best of 3 commit(s) from tag v2.0, after tag 1.0, 1 branch head(s)`,
    ]);
  });
});

describe('the cache', () => {
  it('a tag unchanged since the cached clone, and one that moved', async () => {
    const handle = await open(repo.dir);
    handle.previousTags = new Map([['v2.0', b]]);
    const same = await resolveChain({ repo: handle, names: ['p-2.0.tar.gz'], claims: [] });
    expect(lines(same.steps).at(-1)).toEqual([{ step: 'cache', outcome: 'agrees', kind: 'tag-unchanged', args: { tag: 'v2.0' } }, 'tag v2.0 unchanged since the cached clone']);
    handle.previousTags = new Map([['v2.0', a]]);
    const moved = await resolveChain({ repo: handle, names: ['p-2.0.tar.gz'], claims: [] });
    expect(lines(moved.steps).at(-1)).toEqual([{ step: 'cache', outcome: 'conflicts', kind: 'tag-moved', args: { tag: 'v2.0', previous: a } }, `tag v2.0 was ${a} in the cache`]);
    expect(moved.findings.map((f) => f.code)).toEqual(['TAG_MOVED']);
  });
});

describe('the JSON report', () => {
  it('carries kind and args, and detail worded at the edge for schema 1 readers; the result data has no detail', async () => {
    const r = await resolveChain({ repo: await open(repo.dir), names: ['p-2.0.tar.gz'], claims: [pax(b)] });
    expect(r.steps.every((s) => !('detail' in s))).toBe(true);
    const result = { schemaVersion: 1, inputs: { revision: { commit: b, how: 'metadata', chain: r.steps, distance: 0 } }, findings: [], notes: [] } as never;
    const json = JSON.parse(renderJson(result));
    expect(json.inputs.revision.chain).toEqual([
      { step: 'metadata', outcome: 'chosen', kind: 'metadata-chosen', args: { sources: ['pax-header'], commit: b }, detail: `pax-header → ${b}` },
      { step: 'tag-pattern', outcome: 'agrees', kind: 'tag-found', args: { tag: 'v2.0', commit: b }, detail: `tag v2.0 → ${b}` },
    ]);
    // The chain keeps its place among the revision's keys.
    expect(Object.keys(json.inputs.revision)).toEqual(['commit', 'how', 'chain', 'distance']);
  });

  it('a step read back from an older schema 1 report (detail only) keeps its detail', () => {
    expect(chainStepText({ step: 'tag-pattern', outcome: 'chosen', detail: 'tag v1 → 0123' } as never)).toBe('tag v1 → 0123');
  });
});

describe('coverage', () => {
  it("every kind is documented in the README's JSON output section, and nothing else is", () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const table = /<!-- chain-kinds:start -->\n([\s\S]*?)<!-- chain-kinds:end -->/.exec(readme)![1]!;
    const rows = table.split('\n').slice(2); // below the header and its rule
    const documented = rows.filter(Boolean).map((r) => /^\| `([a-z-]+)` \|/.exec(r)?.[1]);
    expect(documented.sort()).toEqual(Object.keys(CHAIN_STEP_WORDING).sort());
  });

  it('every kind of the wording registry was produced by a case above (a kind no case produces has no test)', () => {
    expect([...seen].sort()).toEqual(Object.keys(CHAIN_STEP_WORDING).sort());
  });
});
