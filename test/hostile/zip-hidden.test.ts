/**
 * Red team 17: bytes of a zip that no entry holds — the archive comment, an entry comment, a stub before the first
 * entry (a self-extractor's shape), junk after the end record — were not reported at all (a 4 KB base64 comment in
 * an otherwise identical release zip: exit 0, nothing said). They are ZIP_HIDDEN_DATA (medium: no extractor writes
 * them, like TRAILING_DATA). The comment `git archive --format=zip` writes — the archived commit's id — is not.
 * Every zip here is made by git archive and Info-ZIP's zip (-z comment, -c entry comment, -A offset adjustment).
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { expectFindings, finding, makeFixtureRepo, PREFIX, runCli, type Fixture } from './helpers.js';

const dir = tempDir('distdiff-hostile-zip-hidden-');
const cache = join(dir, 'cache');
let fx: Fixture;
let n = 0;
const B64 = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 251)).toString('base64');

beforeAll(() => {
  fx = makeFixtureRepo(join(dir, 'repo'));
});

/** `git archive --format=zip` of v1.0 (its comment: the commit id), then `edit` on the copy. */
function zipped(edit: (file: string) => void = () => {}): string {
  const file = join(dir, `case-${++n}.zip`);
  execFileSync('git', ['-C', fx.repo.dir, 'archive', '--format=zip', `--prefix=${PREFIX}/`, '-o', file, 'v1.0']);
  edit(file);
  return file;
}
const zip = (args: string[], input?: string) => execFileSync('zip', args, { input, stdio: ['pipe', 'ignore', 'pipe'] });
const cli = (file: string) => runCli([file, '--repo', fx.repo.dir, '--tag', 'v1.0', '--cache-dir', cache]);

describe.concurrent('zip bytes no entry holds', () => {
  it("control: git archive's zip, whose comment is the commit id, is identical", async () => {
    const file = zipped();
    expect(execFileSync('unzip', ['-z', file]).toString()).toContain(fx.commit);
    expectFindings(await cli(file), []);
  });

  it('a 4 KB base64 archive comment (zip -z) is ZIP_HIDDEN_DATA, the comment shown', async () => {
    const r = await cli(zipped((f) => zip(['-z', f], B64)));
    expectFindings(r, [['ZIP_HIDDEN_DATA', 'medium', '']]);
    const e = finding(r, 'ZIP_HIDDEN_DATA', '').evidence as { bytes: number; regions: Array<{ kind: string; bytes: number }>; comment?: string };
    expect(e.regions).toEqual([expect.objectContaining({ kind: 'archive-comment' })]);
    expect(e.bytes).toBeGreaterThanOrEqual(B64.length); // zip -z breaks the comment into lines
    expect(e.comment).toBeUndefined(); // longer than 256 bytes: not quoted, only counted
  });

  it("another commit's id as the comment is reported, quoted", async () => {
    const other = 'f'.repeat(40);
    const r = await cli(zipped((f) => zip(['-z', f], `${other}\n`)));
    expectFindings(r, [['ZIP_HIDDEN_DATA', 'medium', '']]);
    expect(finding(r, 'ZIP_HIDDEN_DATA', '').evidence).toMatchObject({ regions: [{ kind: 'archive-comment' }], comment: other });
  });

  it('an entry comment (zip -c) is reported with its entry', async () => {
    const r = await cli(zipped((f) => zip(['-c', f, `${PREFIX}/README`], 'ZXZpbA==\n')));
    expectFindings(r, [['ZIP_HIDDEN_DATA', 'medium', '']]);
    expect((finding(r, 'ZIP_HIDDEN_DATA', '').evidence as { regions: unknown[] }).regions).toContainEqual(expect.objectContaining({ kind: 'entry-comment', path: `${PREFIX}/README` }));
  });

  it('junk after the end record is reported; a stub before the first entry (a self-extractor) is no zip distdiff reads', async () => {
    const r = await cli(zipped((f) => appendFileSync(f, Buffer.from('PAYLOAD'.repeat(8)))));
    expectFindings(r, [['ZIP_HIDDEN_DATA', 'medium', '']]);
    // git archive's comment is named beside the junk (only the comment alone is git archive's own)
    expect(finding(r, 'ZIP_HIDDEN_DATA', '').evidence).toMatchObject({ bytes: 96, regions: [{ kind: 'archive-comment', bytes: 40 }, { kind: 'trailing', bytes: 56 }], comment: fx.commit });
    // zip -A fixes the offsets of a zip behind a shell stub: unzip reads it, distdiff stops (exit 2, unknown format)
    const sfx = await cli(
      zipped((f) => {
        writeFileSync(f, Buffer.concat([Buffer.from('#!/bin/sh\nexit 0\n'), readFileSync(f)]));
        zip(['-A', f]);
      }),
    );
    expect(sfx.code).toBe(2);
    expect(sfx.stderr).toMatch(/unknown archive format/);
  });
});
