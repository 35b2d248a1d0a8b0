/**
 * Hostile zip files, written byte by byte: central directory vs local header disagreements, duplicate names,
 * zip-slip paths, truncation.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { baseZipMembers, expectError, expectFindings, finding, handZip, makeFixtureRepo, PREFIX, runCli, type Fixture, type ZipMember } from './helpers.js';

const dir = tempDir('distdiff-hostile-zip-');
const cache = join(dir, 'cache');
let fx: Fixture;
let n = 0;

beforeAll(() => {
  fx = makeFixtureRepo(join(dir, 'repo'));
});

const P = (p: string) => `${PREFIX}/${p}`;

function write(bytes: Buffer): string {
  const file = join(dir, `case-${++n}.zip`);
  writeFileSync(file, bytes);
  return file;
}
function cli(file: string) {
  return runCli([file, '--repo', fx.repo.dir, '--tag', 'v1.0', '--cache-dir', cache]);
}
const zipOf = (extra: ZipMember[] = [], skip: string[] = []) => write(handZip([...baseZipMembers().filter((m) => !skip.includes(String(m.name))), ...extra]));

describe.concurrent('hostile zip files', () => {
  it('control: the hand-written zip of the release is identical', async () => {
    expectFindings(await cli(zipOf()), []);
  });

  it('central directory names NEWS, the local header names evil.sh → exit 2', async () => {
    const file = zipOf([{ name: P('evil.sh'), cdName: P('NEWS'), data: 'x\n' }]);
    expectError(await cli(file), file, /^zip is corrupt: /);
  });

  it('central directory size disagrees with the local header → exit 2', async () => {
    const file = zipOf([{ name: P('NEWS'), data: 'news\n', cdSize: 4096 }]);
    expectError(await cli(file), file, /^zip is corrupt: /);
  });

  it('duplicate names, evil copy last: DUPLICATE_ENTRY and the last copy compared', async () => {
    const r = await cli(zipOf([{ name: P('src/main.c'), data: 'int main(void) { return 9; }\n' }]));
    expectFindings(r, [
      ['DUPLICATE_ENTRY', 'high', 'src/main.c'],
      ['SOURCE_MODIFIED', 'high', 'src/main.c'],
    ]);
  });

  it('zip slip (hello-1.0/../../../tmp/pwned) is UNSAFE_PATH critical', async () => {
    const r = await cli(zipOf([{ name: P('../../../tmp/pwned'), data: 'x\n' }]));
    expectFindings(r, [
      ['UNSAFE_PATH', 'critical', '../../../tmp/pwned'],
      ['TARBALL_ONLY_UNEXPLAINED', 'high', '../../../tmp/pwned'],
    ]);
    expect(finding(r, 'UNSAFE_PATH', '../../../tmp/pwned').evidence).toMatchObject({ reason: 'dotdot' });
  });

  it('absolute zip member (/hello-1.0/evil) is UNSAFE_PATH critical', async () => {
    const r = await cli(zipOf([{ name: `/${P('evil')}`, data: 'x\n' }]));
    expectFindings(r, [
      ['UNSAFE_PATH', 'critical', 'evil'],
      ['TARBALL_ONLY_UNEXPLAINED', 'high', 'evil'],
    ]);
  });

  it('zip symlink member pointing at /etc/passwd is LINK_ESCAPES_TREE', async () => {
    const r = await cli(zipOf([{ name: P('passwd'), data: '/etc/passwd', mode: 0o120777 }]));
    expectFindings(r, [
      ['LINK_ESCAPES_TREE', 'high', 'passwd'],
      ['TARBALL_ONLY_UNEXPLAINED', 'high', 'passwd'],
    ]);
  });

  it('zip cut off before its central directory → exit 2', async () => {
    const whole = handZip(baseZipMembers());
    const file = write(whole.subarray(0, whole.length - 40));
    expectError(await cli(file), file, /^zip is corrupt: /);
  });
});
