/**
 * Every finding states what the comparison saw (`change`), with the blob ids and modes of both sides,
 * whatever explained it: one case per change kind, over in-memory trees.
 */
import { describe, expect, it } from 'vitest';
import { parsePolicyText } from '../../src/classify/policy.js';
import { changeKind, modeOf, withChange, withChangeShaped } from '../../src/core/change.js';
import { fallbackFinding } from '../../src/classify/fallback.js';
import type { PathDiff, TreeEntry } from '../../src/core/types.js';
import { CHANGE_KINDS } from '../../src/core/findings.js';
import { explain, gitTreeFromFiles } from '../../src/pipeline/memory.js';
import { blobId } from '../../src/scan/blob-id.js';

const id = (s: string) => blobId('sha1', s);
const pick = (f: { path: string; code: string; change?: string; gitOid?: string; tarballOid?: string; gitMode?: string; tarballMode?: string }) => ({
  path: f.path,
  code: f.code,
  change: f.change,
  gitOid: f.gitOid,
  tarballOid: f.tarballOid,
  gitMode: f.gitMode,
  tarballMode: f.tarballMode,
});

describe('change kinds in findings', () => {
  it('tarball-only, git-only, changed, mode, type, link, anomaly', async () => {
    const r = await explain({
      tarball: {
        'r/added.txt': 'new\n',
        'r/edited.c': 'int x = 2;\n',
        'r/run.sh': { content: 'echo\n', executable: true },
        'r/was-file': { symlink: 'edited.c' },
        'r/link': { symlink: 'b' },
        'r/dup.txt': 'one\n',
        'r/dup.txt ': 'ignored\n',
      },
      git: { 'gone.txt': 'old\n', 'edited.c': 'int x = 1;\n', 'run.sh': 'echo\n', 'was-file': 'text\n', link: { symlink: 'a' }, 'dup.txt': 'one\n', 'dup.txt ': 'ignored\n' },
    });
    const byPath = Object.fromEntries(r.findings.map((f) => [f.path, pick(f)]));
    expect(byPath['added.txt']).toEqual({ path: 'added.txt', code: 'TARBALL_ONLY_UNEXPLAINED', change: 'tarball-only', gitOid: undefined, tarballOid: id('new\n'), gitMode: undefined, tarballMode: '100644' });
    expect(byPath['gone.txt']).toEqual({ path: 'gone.txt', code: 'GIT_ONLY', change: 'git-only', gitOid: id('old\n'), tarballOid: undefined, gitMode: '100644', tarballMode: undefined });
    expect(byPath['edited.c']).toEqual({ path: 'edited.c', code: 'SOURCE_MODIFIED', change: 'changed', gitOid: id('int x = 1;\n'), tarballOid: id('int x = 2;\n'), gitMode: '100644', tarballMode: '100644' });
    expect(byPath['run.sh']).toEqual({ path: 'run.sh', code: 'MODE_CHANGED', change: 'mode', gitOid: id('echo\n'), tarballOid: id('echo\n'), gitMode: '100644', tarballMode: '100755' });
    expect(byPath['was-file']).toEqual({ path: 'was-file', code: 'TYPE_CHANGED', change: 'type', gitOid: id('text\n'), tarballOid: id('edited.c'), gitMode: '100644', tarballMode: '120000' });
    expect(byPath['link']).toEqual({ path: 'link', code: 'SYMLINK_TARGET_CHANGED', change: 'link', gitOid: id('a'), tarballOid: id('b'), gitMode: '120000', tarballMode: '120000' });
    expect(r.findings.map((f) => f.change).sort()).toEqual(['changed', 'git-only', 'link', 'mode', 'tarball-only', 'type']);
  });

  it('an archive anomaly and a revision-chain finding are change "anomaly"; the tree difference keeps its own', async () => {
    const r = await explain({ tarball: { 'a.txt': 'x\n', './a.txt': 'y\n' }, git: { 'a.txt': 'x\n' } });
    expect(r.findings.map((f) => [f.code, f.change])).toEqual([
      ['DUPLICATE_ENTRY', 'anomaly'],
      ['SOURCE_MODIFIED', 'changed'],
    ]);
  });

  it('the explanation does not change the kind: explained by a classifier or a policy, the kind stays', async () => {
    const policy = parsePolicyText(JSON.stringify({ allow: [{ path: 'extra.bin', code: 'TARBALL_ONLY_UNEXPLAINED', reason: 'release artefact, see NEWS' }] }), 'p');
    const r = await explain({
      tarball: { 'p/version.h': '#define VERSION "1.0"\n', 'p/extra.bin': 'x', 'p/.gitignore': '*.o\n' },
      git: { 'version.h': '#define VERSION "0.9-dev"\n', '.gitignore': '*.o\n', 'ci.yml': 'x\n', '.github/workflows/ci.yml': 'on: push\n' },
      revision: { version: '1.0' },
      policy,
    });
    expect(r.findings.map((f) => [f.path, f.code, f.change, f.allowed ? 'allowed' : ''])).toEqual([
      ['.github/workflows/ci.yml', 'REPO_METADATA_NOT_SHIPPED', 'git-only', ''],
      ['ci.yml', 'GIT_ONLY', 'git-only', ''],
      ['extra.bin', 'TARBALL_ONLY_UNEXPLAINED', 'tarball-only', 'allowed'],
      ['version.h', 'VERSION_STAMP', 'changed', ''],
    ]);
  });

  it('export-ignore is git-only; a submodule is git-only when absent and type when the tarball has a directory there', async () => {
    const g = gitTreeFromFiles({ 'a.txt': 'x\n' });
    g.tree.exportIgnored.add('ci.yml');
    g.tree.entries.set('vendor/lib', { path: 'vendor/lib', type: 'submodule', executable: false, size: 0, oid: 'c'.repeat(40) });
    g.tree.entries.set('vendor/other', { path: 'vendor/other', type: 'submodule', executable: false, size: 0, oid: 'd'.repeat(40) });
    const r = await explain({ tarball: { 'a.txt': 'x\n', 'vendor/lib/x.c': 'int y;\n' }, git: g, stripPrefix: '' });
    expect(r.findings.map((f) => [f.path, f.code, f.change, f.gitMode, f.gitOid, f.tarballMode])).toEqual([
      ['ci.yml', 'EXPORT_IGNORED', 'git-only', undefined, undefined, undefined],
      ['vendor/lib', 'SUBMODULE', 'type', '160000', 'c'.repeat(40), '040000'],
      ['vendor/other', 'SUBMODULE', 'git-only', '160000', 'd'.repeat(40), undefined],
    ]);
  });

  it('modes in git notation; devices and hard links have none', () => {
    const e = (type: string, executable = false) => ({ path: 'p', type, executable, size: 0 }) as Parameters<typeof modeOf>[0];
    expect([e('file'), e('file', true), e('symlink'), e('submodule'), e('directory'), e('device'), e('hardlink')].map(modeOf)).toEqual(['100644', '100755', '120000', '160000', '040000', undefined, undefined]);
    expect(changeKind({ path: 'p', status: 'changed', changes: ['content', 'mode'] })).toBe('changed');
    expect(CHANGE_KINDS).toEqual(['tarball-only', 'git-only', 'changed', 'mode', 'type', 'link', 'anomaly']);
  });
});

describe('withChangeShaped: a tarball-only finding made with its change fields in place', () => {
  const file = (path: string, extra: Partial<TreeEntry> = {}): TreeEntry => ({ path: `r/${path}`, type: 'file', executable: false, size: 4, oid: id('new\n'), ...extra });
  const diffs: PathDiff[] = [
    { path: 'a.txt', status: 'tarball-only', tarball: file('a.txt') },
    { path: 'run.sh', status: 'tarball-only', tarball: file('run.sh', { executable: true }) },
    { path: 'link', status: 'tarball-only', tarball: { path: 'r/link', type: 'symlink', executable: false, size: 0, oid: id('a.txt'), linkTarget: 'a.txt' } },
    { path: 'copy', status: 'tarball-only', tarball: file('copy'), copyOf: 'orig' },
  ];
  it('the same fields, values and key order (JSON) as withChange gives the fallback finding', () => {
    for (const d of diffs) {
      const shaped = withChangeShaped(fallbackFinding(d), d);
      const plain = withChange(fallbackFinding(d), d);
      expect(shaped).toStrictEqual(plain);
      expect(JSON.stringify(withChange(shaped, d))).toBe(JSON.stringify(plain));
      expect(Object.keys(shaped)).toEqual(['code', 'path', 'severity', 'evidence', 'change', 'tarballOid', 'tarballMode']);
    }
  });
  it('leaves alone what it cannot shape: other statuses, extra fields, no blob id or no git mode', () => {
    const changed: PathDiff = { path: 'a.txt', status: 'changed', changes: ['content'], git: file('a.txt', { path: 'a.txt', oid: id('old\n') }), tarball: file('a.txt') };
    const hardlink: PathDiff = { path: 'h', status: 'tarball-only', tarball: { path: 'r/h', type: 'hardlink', executable: false, size: 0, linkTarget: 'r/a.txt' } };
    const noOid: PathDiff = { path: 'x', status: 'tarball-only', tarball: file('x', { oid: undefined }) };
    for (const d of [changed, hardlink, noOid]) {
      const f = fallbackFinding(d);
      expect(withChangeShaped(f, d)).toBe(f);
    }
    const withExtra = { ...fallbackFinding(diffs[0]!), constructs: [] };
    expect(withChangeShaped(withExtra, diffs[0]!)).toBe(withExtra);
  });
});
