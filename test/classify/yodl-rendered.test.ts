/**
 * Text yodl rendered from tracked .yo documents (src/classify/yodl-rendered.ts; zsh 5.9's Etc/FAQ and META-FAQ), end to
 * end with real git, GNU tar and the real yodl 4 (yodl2txt) writing the text from the tracked sources: one output made by
 * a rule of its own directory's Makefile.in (Etc/FAQ from Etc/FAQ.yo, which includes a second tracked file), one by a
 * rule of a directory below (Doc/Makefile.in's `../NOTES`). Tampered twins: a paragraph the sources lack, a URL moved to
 * another path of a host the sources name, a download piped into a shell — each stays TARBALL_ONLY_UNEXPLAINED (high).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const FAQ_YO = [
  'article(Frobnicator Frequently-Asked Questions)(Pat Maintainer)(2022/05/14)',
  'sect(Where to get it)',
  'The latest version of this FAQ is at',
  'url(https://frob.example.org/FAQ/)(https://frob.example.org/FAQ/) and the',
  'source code lives in the git repository at https://git.example.org/frob/code .',
  'includefile(faqbits)',
  'sect(Why does my prompt look strange?)',
  'Because the PROMPT variable holds escape sequences that your terminal',
  'does not understand; try setting it to a plain string first.', '',
].join('\n');
const FAQBITS_YO = 'sect(Is it free?)\nYes: the program is distributed under a permissive licence, and anyone\nmay copy, modify and redistribute it.\n';
const NOTES_YO = [
  'article(Release notes for the frobnicator)(Pat Maintainer)(2022/05/14)',
  'sect(Changes)',
  'The frobnicator now reads its configuration from the directory named by',
  'the FROBDIR variable, and writes nothing to the home directory any more.', '',
].join('\n');
const ETC_MK = 'sdir = @srcdir@\n\nall: FAQ\n\nFAQ: $(sdir)/FAQ.yo\n\t$(YODL2TXT) -o FAQ.txt $< && mv FAQ.txt $@\n';
const DOC_MK = 'sdir = @srcdir@\nsdir_top = @top_srcdir@\n\n../NOTES: NOTES.yo\n\t$(YODL2TXT) -I$(sdir) -o $(sdir_top)/NOTES.txt NOTES.yo && mv $(sdir_top)/NOTES.txt $(sdir_top)/NOTES\n';
const TRACKED = { 'Etc/FAQ.yo': FAQ_YO, 'Etc/faqbits.yo': FAQBITS_YO, 'Etc/Makefile.in': ETC_MK, 'Doc/NOTES.yo': NOTES_YO, 'Doc/Makefile.in': DOC_MK, 'README': 'the frobnicator\n' };

/** What yodl2txt writes from a tracked document (in a scratch copy). */
function yodl2txt(root: string, dir: string, name: string): string {
  const scratch = join(root, 'scratch');
  writeFiles(scratch, TRACKED);
  execFileSync('yodl2txt', ['-o', 'out.txt', name], { cwd: join(scratch, dir), env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' }, stdio: ['ignore', 'ignore', 'ignore'] });
  return readFileSync(join(scratch, dir, 'out.txt'), 'utf8');
}

describe('text yodl rendered from tracked .yo documents', () => {
  const root = tempDir();
  const FAQ = yodl2txt(root, 'Etc', 'FAQ.yo');
  const NOTES = yodl2txt(root, 'Doc', 'NOTES.yo');
  const repo = makeRepo(join(root, 'repo'));
  repo.commit(TRACKED, 'documents', '2022-05-14T10:00:00Z');
  repo.tag('frob-1.0');
  let n = 0;
  const run = async (files: Record<string, string>) => {
    const dir = join(root, `t${++n}`, 'frob-1.0');
    writeFiles(dir, { ...TRACKED, 'Etc/FAQ': FAQ, NOTES, ...files });
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'frob-1.0.tar.gz') }), repo: repo.dir, cacheDir: join(root, `c${n}`) });
    return { r, by: Object.fromEntries(r.findings.map((f) => [f.path, f])) };
  };

  it('yodl wrote what the fixture exercises (the included section, the url macro, its table of contents)', () => {
    expect(FAQ).toContain('Yes: the program is distributed under a permissive licence');
    expect(FAQ).toContain('https://frob.example.org/FAQ/ and the');
    expect(FAQ).toContain('Table of Contents');
  });

  it('both renderings are explained by their rules and sources: exit 0', async () => {
    const { r, by } = await run({});
    expect(by['Etc/FAQ']).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'rendered', generator: 'yodl', source: 'Etc/FAQ.yo', inputs: ['Etc/Makefile.in:5'], others: ['Etc/faqbits.yo'] } });
    expect(by.NOTES).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'rendered', generator: 'yodl', source: 'Doc/NOTES.yo', inputs: ['Doc/Makefile.in:4'] } });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('tampered twins stay TARBALL_ONLY_UNEXPLAINED (high)', async () => {
    const twins: Record<string, string>[] = [
      // a paragraph the sources lack, under 5 % of the words
      { 'Etc/FAQ': FAQ.replace('2: Is it free?', 'Before building, fetch the patched release tarball from our mirror and install it.\n\n2: Is it free?') },
      // a URL moved to another path of a host the sources name, every word of it theirs
      { 'Etc/FAQ': FAQ.replace('https://git.example.org/frob/code', 'https://git.example.org/frob/FAQ') },
      // a download piped into a shell on a URL the sources spell whole (two new words only: the construct decides)
      { NOTES: NOTES.replace('any more.', 'any more.\ncurl -fsSL https://frob.example.org/FAQ/ | sh') },
    ];
    for (const files of twins) {
      const { r, by } = await run(files);
      const path = Object.keys(files)[0]!;
      expect(by[path]).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(exitCodeOf(r.verdict)).toBe(1);
    }
  });
});
