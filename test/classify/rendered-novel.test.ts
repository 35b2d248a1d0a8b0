/**
 * Where a rendering's new words stand (red team 22's novelRun, ./man-rendered.ts) for the renderings that had the
 * word share alone: a preformatted man page (OpenSSH's `ssh.0`: `nroff -mdoc | cat -v`), a man page formatted to
 * text elsewhere in the tree (libarchive's doc/text/X.1.txt), a makeinfo HTML manual, and a DocBook text rendering
 * made by a tracked xsltproc rule (Linux-PAM's modules/X/README). Real git, GNU tar and the real formatters (nroff,
 * col, cat -v, makeinfo) make each page from a tracked source with a 400-word glossary, so ten new words are under
 * 5 % of a page's distinct words: a paragraph of them passed the share. Twins: the paragraph stays high on every
 * kind; three scattered changed words (a typo fixed in the source after the page was made) still pass; the words
 * mdoc's `.Ex -std` prints and `cat -v`'s `M-` notation of UTF-8 are the formatter's, not new.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mdocWords, novelRun, plainRendering, uncatV, wordsOf } from '../../src/classify/man-rendered.js';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { findingAt } from '../helpers/findings.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const terms = Array.from({ length: 400 }, (_, i) => `term${String.fromCharCode(97 + Math.floor(i / 26))}${String.fromCharCode(97 + (i % 26))}`);
const GLOSSARY = `The glossary names ${terms.join(' ')} in that order.`;
const MDOC = [
  '.Dd March 5, 2024', '.Dt PROJ 1', '.Os', '.Sh NAME', '.Nm proj', '.Nd compute \\(lqchecksums\\(rq of files',
  '.Sh DESCRIPTION', 'The', '.Nm', 'utility compares the digest of each file with the manifest kept next to the sources.',
  '.Pp', GLOSSARY, '.Sh EXIT STATUS', '.Ex -std', '.Sh SEE ALSO', '.Xr sha256sum 1', '',
].join('\n');
const TEXI = [
  '\\input texinfo', '@setfilename proj.info', '@settitle Proj utilities', '@node Top', '@top Proj',
  'Proj compares the digest of each file with the manifest kept next to the sources.', '', GLOSSARY, '', '@bye', '',
].join('\n');
const README_XML = `<?xml version="1.0" encoding='UTF-8'?>
<section id="pam_demo">
  <title>pam_demo modules</title>
  <para>The module compares the digest of each file with the manifest kept next to the sources.</para>
  <para>${GLOSSARY}</para>
</section>
`;
const README = `pam_demo modules

The module compares the digest of each file with the manifest kept next to the
sources.

${GLOSSARY.replace(/((?:\S+ ){10})/g, '$1\n')}
`;
const PARAGRAPH = 'Before first use, fetch the patched helper binary from the vendor mirror and install it as root quietly.';

describe('new words of a rendering stand apart (novelRun) on every word-share renderer', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  const tracked = {
    'proj.1': MDOC,
    'doc/proj.texi': TEXI,
    'src/main.c': 'int main(void){return 0;}\n',
    'Makefile.am': 'SUBDIRS = modules/pam_demo\n',
    'modules/pam_demo/Makefile.am': 'dist_noinst_DATA = README\nREADME: README.xml\n\t$(XSLTPROC) --path $(srcdir) --xinclude --stringparam generate.toc "none" $(top_srcdir)/doc/custom-html.xsl $< | $(BROWSER) > $@\n',
    'modules/pam_demo/README.xml': README_XML,
  };
  repo.commit(tracked, 'proj 1.0', '2024-03-05T10:00:00Z');
  repo.tag('v1.0');
  const cache = join(root, 'cache');
  writeFileSync(join(root, 'proj.1'), MDOC);
  writeFileSync(join(root, 'proj.texi'), TEXI);
  const run = (cmd: string) => execFileSync('sh', ['-c', cmd], { cwd: root, encoding: 'utf8' });
  // OpenSSH's .0 pages: the formatted page through cat -v (UTF-8 quotes and dashes as M- sequences)
  const CATV = run('nroff -mdoc -Tutf8 proj.1 | col -b | cat -v');
  const TEXT = run('nroff -mdoc proj.1 | col -b');
  const HTML = run('makeinfo --html --no-split -o - proj.texi');
  const PAGES = { 'proj.0': CATV, 'doc/text/proj.1.txt': TEXT, 'doc/proj.html': HTML, 'modules/pam_demo/README': README };
  let n = 0;
  const verifyWith = async (pages: Record<string, string>) => {
    const dir = join(root, `t${++n}`, 'proj-1.0');
    writeFiles(dir, { ...tracked, ...pages });
    return verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.0.tar.gz') }), repo: repo.dir, cacheDir: cache, regenerate: 'off' });
  };
  // the paragraph put into each page where its text is (after the manifest sentence's line)
  const withParagraph = (path: string, page: string) =>
    path.endsWith('.html') ? page.replace(/(manifest kept next to the sources\.)/, `$1</p>\n<p>${PARAGRAPH}`) : page.replace(/(next to the(?:\s+)sources\.)\n/, `$1\n     ${PARAGRAPH}\n`);

  it('each page traced: low, the gate passes (mdoc\'s .Ex words and cat -v\'s notation read as the formatter\'s)', async () => {
    expect(CATV).toContain('M-bM-^@M-^\\'); // “ in cat -v's notation
    expect(CATV).toMatch(/utility exits 0 on success/);
    const r = await verifyWith(PAGES);
    expect(findingAt(r.findings, 'proj.0')).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'rendered', source: 'proj.1' } });
    expect(findingAt(r.findings, 'doc/text/proj.1.txt')).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'rendered', source: 'proj.1' } });
    expect(findingAt(r.findings, 'doc/proj.html')).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'rendered', source: 'doc/proj.texi', generator: 'makeinfo' } });
    expect(findingAt(r.findings, 'modules/pam_demo/README')).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'rendered', source: 'modules/pam_demo/README.xml' } });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('three scattered changed words (a typo fixed later) still pass', async () => {
    const typos = (p: string) => p.replace('termbc', 'termbcx').replace('termkd', 'termkdx').replace('termoa', 'termoax');
    const r = await verifyWith(Object.fromEntries(Object.entries(PAGES).map(([k, v]) => [k, typos(v)])));
    for (const p of Object.keys(PAGES)) expect(findingAt(r.findings, p), p).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low' });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('a paragraph of new words stays high on each, though under 5 % of its distinct words', async () => {
    for (const [path, page] of Object.entries(PAGES)) {
      const tampered = withParagraph(path, page);
      expect(tampered, path).toContain(PARAGRAPH);
      const words = wordsOf(plainRendering(tampered));
      expect(words.size, path).toBeGreaterThan(400); // the paragraph's new words are under 5 % of them
      const r = await verifyWith({ ...PAGES, [path]: tampered });
      expect(findingAt(r.findings, path), path).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(exitCodeOf(r.verdict), path).toBe(1);
    }
  });

  // gnutls 3.7.9's doc/gnutls-guile.html: makeinfo's page of gnutls-guile.texi, which `@include`s core.c.texi, the
  // documentation the build snarfs from the tracked guile/src/core.c: that source's words are the fragment's
  it('a texinfo fragment named after a tracked source (`@include core.c.texi`) reads that source; one named after nothing does not', async () => {
    const CORE = '/* tracked guile bindings */\nSCM_DEFINE (scm_set_key, "set-key!", 2, 0, 0, (SCM session, SCM key),\n  "Install the passphrase encrypted key given as a string denoting its format.")\n';
    const FRAGMENT = '@deffn {Scheme Procedure} set-key! session key\nInstall the passphrase encrypted key given as a string denoting its format.\n@end deffn\n';
    const GUILE = TEXI.replace('@bye', '@include core.c.texi\n@bye').replace('@setfilename proj.info', '@setfilename guile.info');
    writeFileSync(join(root, 'guile.texi'), GUILE);
    writeFileSync(join(root, 'core.c.texi'), FRAGMENT);
    const page = run('makeinfo --html --no-split -o - guile.texi');
    expect(page).toContain('passphrase encrypted key');
    const withCore = { ...tracked, 'doc/guile.texi': GUILE, 'guile/src/core.c': CORE };
    const r2 = makeRepo(join(root, 'repo-guile'));
    r2.commit(withCore, 'proj 1.0', '2024-03-05T10:00:00Z');
    r2.tag('v1.0');
    const verifyGuile = async (files: Record<string, string>, include: string) => {
      const dir = join(root, `t${++n}`, 'proj-1.0');
      writeFiles(dir, { ...files, 'doc/core.c.texi': FRAGMENT, 'doc/guile.html': page.replaceAll('core.c.texi', include) });
      return verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.0.tar.gz') }), repo: r2.dir, cacheDir: cache, regenerate: 'off' });
    };
    const good = await verifyGuile(withCore, 'core.c.texi');
    expect(findingAt(good.findings, 'doc/guile.html')).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { source: 'doc/guile.texi' } });
    // twin: the manual includes a fragment no tracked source is named like — its words come from nowhere
    const other = { ...withCore, 'doc/guile.texi': GUILE.replace('@include core.c.texi', '@include hooks.c.texi') };
    const r3 = makeRepo(join(root, 'repo-guile2'));
    r3.commit(other, 'proj 1.0', '2024-03-05T10:00:00Z');
    r3.tag('v1.0');
    const dir = join(root, `t${++n}`, 'proj-1.0');
    writeFiles(dir, { ...other, 'doc/hooks.c.texi': FRAGMENT, 'doc/guile.html': page });
    const bad = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.0.tar.gz') }), repo: r3.dir, cacheDir: cache, regenerate: 'off' });
    expect(findingAt(bad.findings, 'doc/guile.html')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  });

  it('helpers: cat -v undone, mdoc words by the macros the source uses', () => {
    expect(uncatV('M-bM-^@M-^\\dsaM-bM-^@M-^], exitsM-BM- 0')).toBe('\u201cdsa\u201d, exits\u00a00');
    expect(uncatV('-M-x single')).toBe('-M-x single'); // one sequence is not UTF-8: left
    expect(uncatV('M-bM-b')).toBe('M-bM-b'); // not valid UTF-8: left
    expect(mdocWords('.Sh EXIT STATUS\n.Ex -std\n')).toContain('utility');
    expect(mdocWords('.Sh EXIT STATUS\nexits 0.\n')).toEqual([]);
    const known = new Set(['the', 'tool', 'reads', 'input']);
    expect(novelRun('the tool reads input and then fetch the patched helper from the vendor mirror', known)).toBeDefined();
    expect(novelRun('the tool reads input and the tool reads input x', known)).toBeUndefined();
  });
});
