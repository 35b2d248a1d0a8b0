/**
 * The compare stage at its edges (mutation testing of src/compare): prefix detection against git, the
 * submodule boundary, hard links, duplicate descriptions, copy sources, collisions, the look-alike table,
 * the invisible-character ranges and the bounded content diff. Every expectation is exact.
 */
import { describe, expect, it } from 'vitest';
import { cmp, compareTrees, detectPrefix, nameCollisions, NOT_IN_GIT_LIST } from '../../src/compare/compare.js';
import { confusableNames, skeleton } from '../../src/compare/confusables.js';
import { contentDiff, isBinary } from '../../src/compare/content-diff.js';
import { INVISIBLE_CHARS, invisibleCodepoints } from '../../src/compare/invisible.js';
import type { ArchiveScan, GitTree, TreeEntry } from '../../src/core/types.js';

const file = (path: string, oid: string, executable = false): TreeEntry => ({ path, type: 'file', executable, size: oid.length, oid });
const dir = (path: string): TreeEntry => ({ path, type: 'directory', executable: false, size: 0 });
const sub = (path: string): TreeEntry => ({ path, type: 'submodule', executable: false, size: 0, oid: 'f'.repeat(40) });
const link = (path: string, target: string, oid: string): TreeEntry => ({ path, type: 'symlink', executable: false, size: 0, linkTarget: target, oid });
const hard = (path: string, target: string): TreeEntry => ({ path, type: 'hardlink', executable: false, size: 0, linkTarget: target });

function scan(entries: TreeEntry[], anomalies: ArchiveScan['anomalies'] = []): ArchiveScan {
  return { container: 'tar', compression: 'none', decoder: 'none', entries, anomalies, uncompressedBytes: 0, content: { get: () => undefined, skipped: new Set() } };
}
function git(entries: TreeEntry[], exportIgnored: string[] = []): GitTree {
  return { algo: 'sha1', commit: 'c'.repeat(40), entries: new Map(entries.map((e) => [e.path, e])), exportIgnored: new Set(exportIgnored), converted: new Map() };
}
const brief = (r: ReturnType<typeof compareTrees>) => r.diffs.map((d) => [d.path, d.status, ...(d.changes ? [d.changes] : []), ...(d.copyOf ? [d.copyOf] : [])]);

describe('detectPrefix edges', () => {
  it('a sibling whose name extends the top directory is another top-level name', () => {
    expect(detectPrefix([dir('pkg'), file('pkg/a', '1'), file('pkgx/b', '2')])).toBe('');
    expect(detectPrefix([file('pkg/a', '1'), file('pkh', '2')])).toBe('');
    expect(detectPrefix([file('pkg/a', '1'), dir('pkg'), file('pkg/b/c', '2')])).toBe('pkg');
  });
  it('a file with the directory name, a lone directory, nothing at all: no prefix', () => {
    expect(detectPrefix([file('a/x', '1'), file('a', '2')])).toBe('');
    expect(detectPrefix([file('a', '2'), file('a/x', '1')])).toBe('');
    expect(detectPrefix([dir('p')])).toBe('');
    expect(detectPrefix([])).toBe('');
    expect(detectPrefix([file('p/x', '1')])).toBe('p');
  });
  it('against git: strip when that matches at least as many files; directories do not count', () => {
    // tie (1 each): strip
    expect(detectPrefix([file('p/a', '1'), file('p/b', '2')], git([file('a', '1'), file('p/b', '2')]))).toBe('p');
    // more under the head: keep
    expect(detectPrefix([file('p/a', '1'), file('p/b', '2'), file('p/c', '3')], git([file('a', '1'), file('p/b', '2'), file('p/c', '3')]))).toBe('');
    // a directory entry matching a stripped git path (a submodule) does not tip the balance
    expect(detectPrefix([dir('p/vendor'), file('p/x', '1')], git([sub('vendor'), file('p/x', '1')]))).toBe('');
    // git tracking the top name itself: strip without counting
    expect(detectPrefix([file('p/x', '1'), file('p/y', '2')], git([file('p', '9'), file('p/x', '1'), file('p/y', '2')]))).toBe('p');
  });
});

describe('compareTrees edges', () => {
  it('an explicit prefix (trailing slashes ignored); entries outside it keep their path', () => {
    const r = compareTrees(scan([file('p/a', '1'), file('other', '2'), file('p', '3')]), git([file('a', '1')]), { stripPrefix: 'p//' });
    expect(r.prefix).toBe('p');
    expect(brief(r)).toEqual([['other', 'tarball-only']]);
    expect(r.identical).toBe(1);
  });
  it('an explicit empty prefix strips nothing', () => {
    const r = compareTrees(scan([dir('p'), file('p/a', '1')]), git([file('a', '1')]), { stripPrefix: '' });
    expect(r.prefix).toBe('');
    expect(brief(r)).toEqual([
      ['a', 'git-only'],
      ['p/a', 'tarball-only', 'a'],
    ]);
  });
  it('the stripped path is the compared path in every difference; its tarball side is the archive\'s own entry', () => {
    const s = scan([dir('p'), file('p/a', '2'), file('p/new', '3')]);
    const r = compareTrees(s, git([file('a', '1')]));
    expect(r.diffs.map((d) => [d.path, d.tarball?.path])).toEqual([
      ['a', 'p/a'],
      ['new', 'p/new'],
    ]);
    // no copy per difference: the scan's entry objects themselves
    expect(r.diffs[0]!.tarball).toBe(s.entries[1]);
    expect(r.diffs[1]!.tarball).toBe(s.entries[2]);
  });
  it('submodule boundary: files under vendor/lib are the submodule\'s, vendor/lib-hook.sh and vendor/libx are not', () => {
    const r = compareTrees(
      scan([dir('p'), file('p/vendor/lib/a.c', '1'), file('p/vendor/lib/b/c.c', '2'), dir('p/vendor/lib/d'), file('p/vendor/lib-hook.sh', '3'), file('p/vendor/libx', '4')]),
      git([sub('vendor/lib')]),
    );
    expect(brief(r)).toEqual([
      ['vendor/lib', 'submodule'],
      ['vendor/lib-hook.sh', 'tarball-only'],
      ['vendor/libx', 'tarball-only'],
    ]);
    expect(r.diffs[0]).toEqual({ path: 'vendor/lib', status: 'submodule', git: sub('vendor/lib'), tarball: { path: 'vendor/lib', type: 'directory', executable: false, size: 2 } });
  });
  it('submodule: an empty directory in the archive, or nothing at all', () => {
    const empty = compareTrees(scan([dir('p'), dir('p/vendor'), dir('p/vendor/lib'), file('p/a', '1')]), git([sub('vendor/lib'), file('a', '1')]));
    expect(empty.diffs).toEqual([{ path: 'vendor/lib', status: 'submodule', git: sub('vendor/lib'), tarball: { ...dir('p/vendor/lib'), path: 'vendor/lib', size: 0 } }]);
    const absent = compareTrees(scan([dir('p'), file('p/a', '1')]), git([sub('vendor/lib'), file('a', '1')]));
    expect(absent.diffs).toEqual([{ path: 'vendor/lib', status: 'submodule', git: sub('vendor/lib') }]);
  });
  it('export-ignored paths the tarball has anyway are tarball-only, not export-ignored', () => {
    const r = compareTrees(scan([file('a', '1'), file('ci.yml', '2')]), git([file('a', '1')], ['ci.yml', 'gone.txt']));
    expect(brief(r)).toEqual([
      ['ci.yml', 'tarball-only'],
      ['gone.txt', 'export-ignored'],
    ]);
  });
  it('directories are not compared; a directory where git has a file is a type change', () => {
    const r = compareTrees(scan([dir('d'), dir('x'), file('d/f', '1')]), git([file('d/f', '1'), file('x', '2')]));
    expect(brief(r)).toEqual([['x', 'changed', ['type']]]);
  });
  it('hard links: through a ./-prefixed target; to a missing or non-file target they stay links', () => {
    const r = compareTrees(
      scan([dir('p'), file('p/a', 'x1', true), hard('p/b', './p/a'), hard('p/c', 'p/nope'), link('p/l', 'a', 'o9'), hard('p/d', 'p/l')]),
      git([file('a', 'x1', true), file('b', 'x1', true), file('c', 'x1'), link('l', 'a', 'o9'), file('d', 'o9')]),
    );
    expect(r.identical).toBe(3);
    expect(brief(r)).toEqual([
      ['c', 'changed', ['type']],
      ['d', 'changed', ['type']],
    ]);
  });
  it('a hard link takes the target file\'s mode and size', () => {
    const r = compareTrees(scan([dir('p'), file('p/a', 'x1', true), hard('p/b', 'p/a')]), git([file('a', 'x1', true), file('b', 'x1', false)]));
    expect(r.diffs).toEqual([
      { path: 'b', status: 'changed', changes: ['mode'], git: file('b', 'x1'), tarball: { path: 'p/b', type: 'file', executable: true, size: 2, oid: 'x1', linkTarget: 'p/a' } },
    ]);
  });
  it('aspects: symlink target (same blob = same target), content and mode together, mode only for files', () => {
    const r = compareTrees(
      scan([link('l1', 'x', 'o1'), link('l2', 'y', 'o2'), link('l3', 'z', 'o3'), file('f', 'b', true)]),
      git([link('l1', 'x2', 'o1'), link('l2', 'y', 'o5'), link('l3', 'z2', 'o4'), file('f', 'a')]),
    );
    // l1: same blob (a symlink's blob is its target); l2: same target text; only l3 differs in both.
    expect(brief(r)).toEqual([
      ['f', 'changed', ['content', 'mode']],
      ['l3', 'changed', ['link-target']],
    ]);
    expect(r.identical).toBe(2);
    const missing = compareTrees(scan([{ ...link('m', 'x', 'o1'), linkTarget: undefined }]), git([{ ...link('m', 'x', 'o2'), linkTarget: undefined }]));
    expect(missing.identical).toBe(1);
  });
  it('copyOf names the first git path in byte order with the same blob; only files with an oid', () => {
    const r = compareTrees(
      scan([file('z/copy', 'k1'), file('n', 'k9'), link('s', 't', 'k1'), { path: 'noid', type: 'file', executable: false, size: 1 }]),
      git([file('b', 'k1'), file('B', 'k1'), file('a/x', 'k1'), link('k', 't', 'k9')]),
    );
    expect(brief(r)).toEqual([
      ['B', 'git-only'],
      ['a/x', 'git-only'],
      ['b', 'git-only'],
      ['k', 'git-only'],
      ['n', 'tarball-only'],
      ['noid', 'tarball-only'],
      ['s', 'tarball-only'],
      ['z/copy', 'tarball-only', 'B'],
    ]);
  });
  it('anomaly paths are stripped, their evidence passed on as the scan made it', () => {
    const dupEvidence = { count: 2, types: ['file' as const, 'file' as const], sameContent: true };
    const same = compareTrees(scan([dir('p'), file('p/a', '1'), file('p/a', '1')], [{ code: 'DUPLICATE_ENTRY', path: 'p/a', evidence: dupEvidence, index: 2 }]), git([file('a', '1')]));
    expect(same.anomalies).toEqual([{ code: 'DUPLICATE_ENTRY', path: 'a', evidence: { count: 2, types: ['file', 'file'], sameContent: true }, index: 2 }]);
    expect(same.anomalies[0]!.evidence).toBe(dupEvidence);
    const mixed = compareTrees(
      scan([dir('p'), link('p/a', 'x', '1'), file('p/a', '1'), link('p/b', 'x', '2'), link('p/b', 'y', '2')], [
        { code: 'DUPLICATE_ENTRY', path: 'p/a', evidence: { count: 2, types: ['symlink', 'file'], sameContent: false } },
        { code: 'DUPLICATE_ENTRY', path: 'p/b', evidence: { count: 2, types: ['symlink', 'symlink'], sameContent: false } },
        { code: 'UNSAFE_PATH', path: 'p/c', evidence: { raw: '/p/c', reason: 'absolute' } },
        { code: 'UNSAFE_PATH', path: 'elsewhere', evidence: { raw: '../elsewhere', reason: 'dotdot' } },
        { code: 'UNSAFE_PATH', path: 'p', evidence: { raw: '/p', reason: 'absolute' } },
      ]),
      git([file('a', '1')]),
    );
    expect(mixed.anomalies).toEqual([
      { code: 'DUPLICATE_ENTRY', path: 'a', evidence: { count: 2, types: ['symlink', 'file'], sameContent: false } },
      { code: 'DUPLICATE_ENTRY', path: 'b', evidence: { count: 2, types: ['symlink', 'symlink'], sameContent: false } },
      { code: 'UNSAFE_PATH', path: 'c', evidence: { raw: '/p/c', reason: 'absolute' } },
      { code: 'UNSAFE_PATH', path: 'elsewhere', evidence: { raw: '../elsewhere', reason: 'dotdot' } },
      { code: 'UNSAFE_PATH', path: 'p', evidence: { raw: '/p', reason: 'absolute' } },
    ]);
  });
  it('collisions and look-alikes are computed on the compared (stripped) paths', () => {
    const r = compareTrees(scan([dir('p'), file('p/README', '1'), file('p/readme', '2'), file('p/c\u043enfigure', '3')]), git([file('README', '1'), file('configure', '4')]));
    expect(r.anomalies).toEqual([
      { code: 'CASE_COLLISION', path: 'readme', evidence: { other: 'README' } },
      { code: 'CONFUSABLE_NAME', path: 'c\u043enfigure', evidence: { lookalike: 'configure' } },
    ]);
  });
});

describe('cmp and nameCollisions', () => {
  it('cmp is byte order', () => {
    expect([cmp('a', 'b'), cmp('b', 'a'), cmp('a', 'a'), cmp('B', 'a'), cmp('a', 'ab')]).toEqual([-1, 1, 0, -1, -1]);
  });
  it('collisions are reported once per later twin, naming the first; three-way case collision', () => {
    expect(nameCollisions(['c', 'C', 'b/X', 'b/x'])).toEqual([
      { code: 'CASE_COLLISION', path: 'b/x', evidence: { other: 'b/X' } },
      { code: 'CASE_COLLISION', path: 'c', evidence: { other: 'C' } },
    ]);
    expect(nameCollisions(['Ab', 'aB', 'AB'])).toEqual([
      { code: 'CASE_COLLISION', path: 'Ab', evidence: { other: 'AB' } },
      { code: 'CASE_COLLISION', path: 'aB', evidence: { other: 'AB' } },
    ]);
  });
  it('non-ASCII: NFC/NFD twins, a case twin that differs in form too, invisible characters on unique names', () => {
    expect(nameCollisions(['\u00c9', 'e\u0301'])).toEqual([{ code: 'CASE_COLLISION', path: '\u00c9', evidence: { other: 'e\u0301' } }]);
    expect(nameCollisions(['\u00e9', 'e\u0301', '\u00e9x'])).toEqual([{ code: 'UNICODE_COLLISION', path: '\u00e9', evidence: { other: 'e\u0301', form: 'NFC/NFD' } }]);
    expect(nameCollisions(['a\u200db', 'x\ufeff\u200by\u200b'])).toEqual([
      { code: 'INVISIBLE_CHARACTER', path: 'a\u200db', evidence: { codepoints: ['U+200D'] } },
      { code: 'INVISIBLE_CHARACTER', path: 'x\ufeff\u200by\u200b', evidence: { codepoints: ['U+FEFF', 'U+200B'] } },
    ]);
  });
});

describe('look-alike skeletons', () => {
  const TABLE: Array<[string, string]> = [
    ['\u0430', 'a'], ['\u0441', 'c'], ['\u0501', 'd'], ['\u0435', 'e'], ['\u04bb', 'h'], ['\u0456', 'i'], ['\u0458', 'j'],
    ['\u04cf', 'l'], ['\u043e', 'o'], ['\u0440', 'p'], ['\u051b', 'q'], ['\u0455', 's'], ['\u051d', 'w'], ['\u0445', 'x'],
    ['\u0443', 'y'],
    ['\u0410', 'A'], ['\u0412', 'B'], ['\u0421', 'C'], ['\u0415', 'E'], ['\u041d', 'H'], ['\u0406', 'I'], ['\u0408', 'J'],
    ['\u041a', 'K'], ['\u041c', 'M'], ['\u041e', 'O'], ['\u0420', 'P'], ['\u0405', 'S'], ['\u0422', 'T'], ['\u0425', 'X'],
    ['\u04ae', 'Y'], ['\u0417', '3'], ['\u04c0', 'l'],
    ['\u03b1', 'a'], ['\u03b5', 'e'], ['\u03b9', 'i'], ['\u03ba', 'k'], ['\u03bd', 'v'], ['\u03bf', 'o'], ['\u03c1', 'p'],
    ['\u03c4', 't'], ['\u03c5', 'u'], ['\u03c7', 'x'], ['\u03b3', 'y'],
    ['\u0391', 'A'], ['\u0392', 'B'], ['\u0395', 'E'], ['\u0396', 'Z'], ['\u0397', 'H'], ['\u0399', 'I'], ['\u039a', 'K'],
    ['\u039c', 'M'], ['\u039d', 'N'], ['\u039f', 'O'], ['\u03a1', 'P'], ['\u03a4', 'T'], ['\u03a5', 'Y'], ['\u03a7', 'X'],
    ['\u0131', 'i'], ['\u0237', 'j'], ['\u1d00', 'A'], ['\u026a', 'I'], ['\u0251', 'a'], ['\u0261', 'g'],
  ];
  it.each(TABLE)('%s imitates %s', (ch, latin) => {
    expect(skeleton(`x${ch}y`)).toBe(`x${latin}y`);
  });
  it('NFKC folds full-width letters; invisible characters vanish; other characters stay', () => {
    expect(skeleton('\uff43onfigure')).toBe('configure');
    expect(skeleton('con\u200bfig\u00adure')).toBe('configure');
    expect(skeleton('caf\u00e9-\u4e2d')).toBe('caf\u00e9-\u4e2d');
  });
  it('confusableNames: the first tracked look-alike in order; tracked names, ASCII names and form twins are skipped', () => {
    const gitPaths = ['configure', 'Configure', 'c\u043enfigure.ac', 'caf\u00e9'];
    expect(confusableNames(['c\u043enfigure', 'configure', 'plain', 'c\u043enfigure.ac', 'cafe\u0301', 'C\u043enfigure', 'zz\u043e'], gitPaths)).toEqual([
      { code: 'CONFUSABLE_NAME', path: 'C\u043enfigure', evidence: { lookalike: 'Configure' } },
      { code: 'CONFUSABLE_NAME', path: 'c\u043enfigure', evidence: { lookalike: 'configure' } },
    ]);
    // A tracked look-alike name is compared through its own skeleton.
    expect(confusableNames(['c\u043enfigure'], new Set(['\u0441onfigure']))).toEqual([{ code: 'CONFUSABLE_NAME', path: 'c\u043enfigure', evidence: { lookalike: '\u0441onfigure' } }]);
    expect(confusableNames(['a', 'b'], ['a\u0301'])).toEqual([]);
    expect(confusableNames(['e\u0301'], ['\u00e9'])).toEqual([]);
    expect(confusableNames(['\u00e9'], ['e\u0301'])).toEqual([]);
    // Several tracked paths with one skeleton: the smallest in byte order, whatever the input order.
    expect(confusableNames(['\u0430'], ['a\u200b', 'a'])).toEqual([{ code: 'CONFUSABLE_NAME', path: '\u0430', evidence: { lookalike: 'a' } }]);
    expect(confusableNames(['\u0430'], ['a', 'a\u200b'])).toEqual([{ code: 'CONFUSABLE_NAME', path: '\u0430', evidence: { lookalike: 'a' } }]);
  });
  // Red team 32: a look-alike of a file only the tarball has (xz 5.4.1's gettextize copy m4/gettext.m4, its configure)
  // was TARBALL_ONLY_UNEXPLAINED alone, the trick in its name unsaid; a blank at a component's end was no look-alike
  it('confusableNames: a look-alike of a plain name of the archive, and a blank at either end of a component', () => {
    const shipped = ['m4/gettext.m4', 'm4/g\u0435ttext.m4', 'configure', 'configure ', 'src/xz/ma\u200bin.c', ' src/xz/main.c', 'doc /x'];
    expect(confusableNames(shipped, ['configure.ac', 'src/xz/main.c'])).toEqual([
      { code: 'CONFUSABLE_NAME', path: ' src/xz/main.c', evidence: { lookalike: 'src/xz/main.c' } },
      { code: 'CONFUSABLE_NAME', path: 'configure ', evidence: { lookalike: 'configure' } },
      { code: 'CONFUSABLE_NAME', path: 'm4/g\u0435ttext.m4', evidence: { lookalike: 'm4/gettext.m4' } },
      { code: 'CONFUSABLE_NAME', path: 'src/xz/ma\u200bin.c', evidence: { lookalike: 'src/xz/main.c' } },
    ]);
    // a tracked name differing by case or by more is no twin of it; names with no plain twin, blanks inside a name: nothing
    expect(confusableNames(['m4/g\u0435ttext.m4', 'm4/gettext.m4'], ['m4/g\u0435ttext.m4x', 'M4/gettext.m4'])).toEqual([
      { code: 'CONFUSABLE_NAME', path: 'm4/g\u0435ttext.m4', evidence: { lookalike: 'm4/gettext.m4' } },
    ]);
    expect(confusableNames(['g\u0435ttext.m4', 'my file.txt', 'doc /x'], ['gettext.m4'])).toEqual([{ code: 'CONFUSABLE_NAME', path: 'g\u0435ttext.m4', evidence: { lookalike: 'gettext.m4' } }]);
    expect(skeleton('a /b ')).toBe('a/b');
    expect(skeleton('my file')).toBe('my file');
  });
});

describe('invisible characters', () => {
  const IN = [0xad, 0x34f, 0x61c, 0x115f, 0x1160, 0x17b4, 0x17b5, 0x180b, 0x180f, 0x200b, 0x200f, 0x202a, 0x202e, 0x2060, 0x206f, 0x3164, 0xfe00, 0xfe0f, 0xfeff, 0xffa0, 0xfff0, 0xfff8];
  const OUT = [0xac, 0xae, 0x34e, 0x350, 0x61b, 0x61d, 0x115e, 0x1161, 0x17b3, 0x17b6, 0x180a, 0x1810, 0x200a, 0x2010, 0x2029, 0x202f, 0x205f, 0x2070, 0x3163, 0x3165, 0xfdff, 0xfe10, 0xfefe, 0xff00, 0xff9f, 0xffa1, 0xffef, 0xfff9];
  it.each(IN.map((c) => [c.toString(16)]))('U+%s is invisible', (hex) => {
    const c = String.fromCodePoint(parseInt(hex, 16));
    expect(invisibleCodepoints(`a${c}b`)).toEqual([`U+${hex.toUpperCase().padStart(4, '0')}`]);
    expect(`a${c}b`.replace(INVISIBLE_CHARS, '')).toBe('ab');
  });
  it.each(OUT.map((c) => [c.toString(16)]))('U+%s is not', (hex) => {
    expect(invisibleCodepoints(`a${String.fromCodePoint(parseInt(hex, 16))}b`)).toEqual([]);
  });
  it('distinct, in order of first appearance, four hex digits at least', () => {
    expect(invisibleCodepoints('\u200b\u00ad\u200b')).toEqual(['U+200B', 'U+00AD']);
    expect(invisibleCodepoints('plain')).toEqual([]);
  });
});

describe('contentDiff', () => {
  const ids = { gitOid: 'g1', tarballOid: 't1', gitSize: 100, tarballSize: 200 };
  it('unavailable when either side was not retained: sizes from the ids, or from the side that is there', () => {
    expect(contentDiff('f', undefined, Buffer.from('abc'), ids)).toEqual({ kind: 'unavailable', reason: 'too-large', gitOid: 'g1', tarballOid: 't1', gitSize: 100, tarballSize: 3 });
    expect(contentDiff('f', Buffer.from('ab'), undefined, ids)).toEqual({ kind: 'unavailable', reason: 'too-large', gitOid: 'g1', tarballOid: 't1', gitSize: 2, tarballSize: 200 });
  });
  it('binary: a NUL in the first 8000 bytes of either side', () => {
    const late = Buffer.concat([Buffer.alloc(8000, 0x61), Buffer.from([0])]);
    const early = Buffer.concat([Buffer.alloc(7999, 0x61), Buffer.from([0])]);
    expect(isBinary(late)).toBe(false);
    expect(isBinary(early)).toBe(true);
    expect(contentDiff('f', Buffer.from('a'), early, ids)).toEqual({ kind: 'binary', gitOid: 'g1', tarballOid: 't1', gitSize: 1, tarballSize: 8000 });
    expect(contentDiff('f', early, Buffer.from('a'), ids).kind).toBe('binary');
  });
  it('text: exact unified diff with git/tarball labels, counts of added and removed lines', () => {
    const d = contentDiff('src/x.c', Buffer.from('1\n2\n3\n4\n5\n6\n7\n8\n9\n'), Buffer.from('1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n'), {});
    expect(d).toEqual({
      kind: 'text',
      unified:
        '===================================================================\n--- a/src/x.c\tgit\n+++ b/src/x.c\ttarball\n' +
        '@@ -2,8 +2,9 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n 9\n+10\n',
      truncated: false,
      added: 2,
      removed: 1,
      gitOid: undefined,
      tarballOid: undefined,
      gitSize: 18,
      tarballSize: 24,
    });
  });
  it('truncated at a line end within maxBytes; exactly maxBytes is not truncated', () => {
    const a = Buffer.from('a\n');
    const b = Buffer.from('b\nc\nd\n');
    const full = contentDiff('f', a, b, {});
    expect(full.kind === 'text' && full.truncated).toBe(false);
    const len = full.unified!.length;
    expect(contentDiff('f', a, b, {}, { maxBytes: len })).toMatchObject({ unified: full.unified, truncated: false });
    const cut = contentDiff('f', a, b, {}, { maxBytes: len - 1 });
    expect(cut.truncated).toBe(true);
    expect(cut.unified).toBe(full.unified!.slice(0, full.unified!.lastIndexOf('\n', len - 2) + 1));
    expect(cut.unified!.endsWith('+c\n')).toBe(true);
  });
  it('gives up after the time budget: unavailable, diff-timeout', () => {
    const big = (k: number) => Buffer.from(Array.from({ length: 20000 }, (_, i) => `${(i * k) % 7919}`).join('\n'));
    expect(contentDiff('f', big(3), big(5), ids, { timeoutMs: 1 })).toEqual({ kind: 'unavailable', reason: 'diff-timeout', gitOid: 'g1', tarballOid: 't1', gitSize: big(3).length, tarballSize: big(5).length });
  });
});

// Survivors of the compare mutation run of 2026-11-29 (docs/mutation.md), each a behaviour no test pinned.
describe('compare edges found by mutation testing', () => {
  it('a top-level directory of the same length as the first name is another top-level name', () => {
    expect(detectPrefix([file('pkg/a', '1'), dir('pkh'), file('pkg/b', '2')])).toBe('');
  });
  it('an explicit nested prefix keeps its inner slash (only trailing slashes go)', () => {
    const r = compareTrees(scan([file('a/b/x', '1')]), git([file('x', '1')]), { stripPrefix: 'a/b/' });
    expect([r.prefix, r.identical, brief(r)]).toEqual(['a/b', 1, []]);
  });
  it('a directory in the archive where git has a file: the files under it are tarball-only, not hidden as a submodule\'s', () => {
    const r = compareTrees(scan([dir('p'), dir('p/tool'), file('p/tool/evil.sh', '9'), file('p/a', '1')]), git([file('tool', '2'), file('a', '1')]));
    expect(brief(r)).toEqual([
      ['tool', 'changed', ['type']],
      ['tool/evil.sh', 'tarball-only'],
    ]);
  });
  it('hard links present: a symbolic link to a file of the archive stays a link', () => {
    const r = compareTrees(scan([file('a', 'x1'), link('s', 'a', 'o1'), hard('h', 'a')]), git([file('a', 'x1'), link('s', 'a', 'o1'), file('h', 'x1')]));
    expect([r.identical, brief(r)]).toEqual([3, []]);
  });
  it('a hard link whose target has "./" inside its name (not leading) resolves to that very name', () => {
    const r = compareTrees(scan([file('v1./f', 'x1'), hard('g', 'v1./f')]), git([file('v1./f', 'x1'), file('g', 'x1')]));
    expect([r.identical, brief(r)]).toEqual([2, []]);
  });
  it('a tarball-only file without a copy in git has no copyOf property at all', () => {
    const r = compareTrees(scan([file('a', '1'), file('new', '2')]), git([file('a', '1')]));
    expect(r.diffs).toStrictEqual([{ path: 'new', status: 'tarball-only', tarball: file('new', '2') }]);
  });
  it('control characters are reported (CONTROL_CHARACTER), on ASCII names too', () => {
    expect(nameCollisions(['a\x01b', 'ok'])).toEqual([{ code: 'CONTROL_CHARACTER', path: 'a\x01b', evidence: { codepoints: ['U+0001'] } }]);
  });
  it('a unique name with no ASCII character at all is still checked for invisible characters', () => {
    expect(nameCollisions(['\u00e9\u200b', 'a'])).toEqual([{ code: 'INVISIBLE_CHARACTER', path: '\u00e9\u200b', evidence: { codepoints: ['U+200B'] } }]);
  });
  it('a name with no ASCII character whose NFC form is an ASCII name collides with it (Greek question mark, Kelvin sign)', () => {
    expect(nameCollisions([';', '\u037e'])).toEqual([{ code: 'UNICODE_COLLISION', path: '\u037e', evidence: { other: ';', form: 'NFC/NFD' } }]);
    // The Kelvin sign's NFC form is 'K': a case twin of 'k'.
    expect(nameCollisions(['k', '\u212a'])).toEqual([{ code: 'CASE_COLLISION', path: '\u212a', evidence: { other: 'k' } }]);
  });
  it('case collisions fold by lower case: straße is not STRASSE (no file system folds ß to SS)', () => {
    expect(nameCollisions(['STRASSE', 'strasse', 'stra\u00dfe'])).toEqual([{ code: 'CASE_COLLISION', path: 'strasse', evidence: { other: 'STRASSE' } }]);
  });
});

describe('tarball-only entries past the listed paths git lacks', () => {
  it('more tarball-only paths than compareTrees lists while building its map: the same diffs as a few (directories, duplicates, paths git has)', () => {
    // A few of each kind, then enough tarball-only files to pass NOT_IN_GIT_LIST, in archive order (not sorted).
    const build = (extra: number) => {
      const entries: TreeEntry[] = [dir('p'), file('p/kept', '1'), dir('p/d'), file('p/d/z-only', '2'), file('p/changed', '3'), file('p/d/z-only', '4')];
      for (let i = extra; i > 0; i--) entries.push(file(`p/d/x${i}`, '5'));
      entries.push(dir('p/e'), file('p/e/last', '6'));
      return compareTrees(scan(entries), git([file('kept', '1'), file('changed', '9'), file('gone', '7')]));
    };
    const few = build(3);
    expect(brief(few)).toEqual([
      ['changed', 'changed', ['content']],
      ['d/x1', 'tarball-only'],
      ['d/x2', 'tarball-only'],
      ['d/x3', 'tarball-only'],
      ['d/z-only', 'tarball-only'],
      ['e/last', 'tarball-only'],
      ['gone', 'git-only'],
    ]);
    expect(few.diffs.find((d) => d.path === 'd/z-only')!.tarball!.oid).toBe('4'); // the last of the two
    const many = build(NOT_IN_GIT_LIST + 5);
    const only = many.diffs.filter((d) => d.status === 'tarball-only');
    expect(only).toHaveLength(NOT_IN_GIT_LIST + 5 + 2);
    expect(many.diffs.filter((d) => d.status !== 'tarball-only').map((d) => [d.path, d.status])).toEqual([['changed', 'changed'], ['gone', 'git-only']]);
    expect(only.find((d) => d.path === 'd/z-only')!.tarball!.oid).toBe('4');
    expect(only.some((d) => d.path === 'e/last')).toBe(true);
    expect(only.some((d) => d.tarball!.type === 'directory')).toBe(false);
    expect(many.diffs.map((d) => d.path)).toEqual([...many.diffs.map((d) => d.path)].sort(cmp));
  });
});
