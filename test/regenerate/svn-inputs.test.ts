/**
 * Outputs regenerated from inputs an svn export shipped with their `$Id$` expanded (src/regenerate/svn-inputs.ts):
 * smartmontools 7.3's configure copies configure.ac's `smartmontools_cvs_tag=\`echo '$Id$'\`` line and Makefile.in
 * Makefile.am's `# $Id$` comment. The release is made the maintainer's way: the keywords expanded (as svn export
 * writes them), then the real autoreconf, configure and make dist. Twin: a configure whose line carries another
 * expansion than the input's stays REGENERATION_MISMATCH high.
 */
import { describe, expect, it } from 'vitest';
import { autotoolsRelease, byPath, editFile, MAKE_DIST } from './release.js';

const CONFIGURE_AC = "AC_INIT([demo], [1.0])\nAM_INIT_AUTOMAKE([foreign])\ndemo_cvs_tag=`echo '$Id$'`\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n";
const MAKEFILE_AM = '# $Id$\nEXTRA_DIST = demo.txt\n';
const AC_ID = '$Id: configure.ac 5338 2022-02-28 16:34:26Z chrfranke $';
const AM_ID = '$Id: Makefile.am 5318 2022-02-18 17:23:14Z chrfranke $';

const rel = autotoolsRelease({
  prefix: 'distdiff-svn-inputs-',
  name: 'demo',
  files: { 'configure.ac': CONFIGURE_AC, 'Makefile.am': MAKEFILE_AM, 'demo.txt': 'demo\n' },
  build: `sed -i 's/\\$Id\\$/${AC_ID.replace(/\$/g, '\\$')}/' configure.ac && sed -i 's/\\$Id\\$/${AM_ID.replace(/\$/g, '\\$')}/' Makefile.am && ${MAKE_DIST}`,
});

describe('outputs of svn-expanded inputs', () => {
  it("configure and Makefile.in reproduce with the inputs' own expansions (normalisation svn-keywords); the inputs are SVN_KEYWORD_EXPANDED", async () => {
    const r = await rel.run(rel.tarball);
    const f = byPath(r.findings);
    expect(f['configure.ac']).toMatchObject({ code: 'SVN_KEYWORD_EXPANDED', evidence: { lines: [3], keywords: ['Id'] } });
    expect(f['Makefile.am']).toMatchObject({ code: 'SVN_KEYWORD_EXPANDED', evidence: { lines: [1] } });
    expect(f.configure).toMatchObject({ code: 'GENERATED_BY_AUTOTOOLS', severity: 'info' });
    expect(JSON.stringify(f.configure)).toContain('"svn-keywords"');
    expect(f['Makefile.in']).toMatchObject({ code: 'GENERATED_BY_AUTOTOOLS', severity: 'info' });
    expect(r.findings.filter((x) => x.severity === 'high' || x.severity === 'critical')).toEqual([]);
  }, 300_000);

  it('twin: the configure line with another expansion than the input has stays REGENERATION_MISMATCH high', async () => {
    const r = await rel.run(rel.tampered((d) => editFile(d, 'configure', (s) => s.replace(AC_ID, AC_ID.replace('5338', '5339')))));
    expect(byPath(r.findings).configure).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
  }, 300_000);

  it("twin: an author field that closes configure.ac's quote and runs a command, in both the input and configure, stays critical/high", async () => {
    // `echo '$Id: configure.ac 5338 … chrfranke';sh<demo.txt;echo' $'`: the backquoted echo runs sh on a tracked file
    const evil = AC_ID.replace('chrfranke', "chrfranke';sh<demo.txt;echo'");
    const r = await rel.run(rel.tampered((d) => {
      editFile(d, 'configure.ac', (s) => s.replace(AC_ID, evil));
      editFile(d, 'configure', (s) => s.replace(AC_ID, evil));
    }));
    const f = byPath(r.findings);
    expect(f['configure.ac']).toMatchObject({ code: 'SOURCE_MODIFIED', severity: 'critical' });
    expect(f.configure).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
  }, 300_000);
});
