/**
 * Red team 26: the word-share renderings (a preformatted man page, a man page formatted to text elsewhere in the
 * tree, makeinfo and groff HTML, a DocBook XSL page) checked a URL's host only, so a link moved to another path on a
 * host the source names — with words the source has — passed: less 668's less.man sending bug reports to
 * `https://github.com/less-gwsw/less/issues`, jemalloc 5.3.0's doc/jemalloc.html linking gperftools at
 * `http://code.google.com/p/gperftools-patched/`. Now every URL of the page must be one the source spells out whole,
 * read as its markup prints it (troff's `\-`, texinfo's `@@`, XML's `&amp;`; the formatter's U+2010 hyphens and line
 * breaks inside a long URL undone). Real git, GNU tar and the real formatters (nroff, col, makeinfo, groff -Thtml)
 * make each page; twins move one URL's path on the same host and stay high.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docSourceUrls, novelUrls, renderedText } from '../../src/classify/urls.js';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { findingAt } from '../helpers/findings.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const terms = Array.from({ length: 100 }, (_, i) => `term${String.fromCharCode(97 + Math.floor(i / 26))}${String.fromCharCode(97 + (i % 26))}`);
const WORDS = 'The glossary names ' + terms.join(' ') + ' in that order. The proj utility compares the digest of each file with the manifest kept next to the sources and prints every mismatch with the expected and the actual digest; the exit status tells whether all files matched.';
const MAN = [
  '.TH PROJ 1 "March 2024" "proj 1.0" "User Commands"', '.SH NAME', 'proj \\- compute checksums of files', '.SH DESCRIPTION', WORDS,
  '.PP', 'The manifest format follows', 'https://www.example.org/publications\\-and\\-standards/standards/ecma\\-48/',
  'closely.', '.SH BUGS', 'Report bugs at https://git.example.org/proj\\-tools/issues.', '',
].join('\n');
const TEXI = [
  '\\input texinfo', '@setfilename proj.info', '@settitle Proj utilities', '@node Top', '@top Proj', WORDS, '',
  'Report bugs at @uref{https://git.example.org/proj-tools/issues}; the mailing list is at',
  '@url{https://lists.example.org/mailman/listinfo/proj-users?lang=en&view=all}.', '@bye', '',
].join('\n');
const DOCBOOK = `<?xml version="1.0"?>\n<refentry>\n  <refnamediv><refname>proj</refname><refpurpose>compute checksums of files</refpurpose></refnamediv>\n  <refsect1><title>Description</title><para>${WORDS} Report bugs at <ulink url="https://git.example.org/proj-tools/issues?state=open&amp;sort=new">the tracker</ulink>.</para></refsect1>\n</refentry>\n`;
const DOCBOOK_HTML = `<?xml version="1.0" encoding="utf-8"?>\n<html><head><title>PROJ</title><meta name="generator" content="DocBook XSL Stylesheets Vsnapshot"/></head><body bgcolor="white"><div class="refentry"><a name="idm1"/><div class="refnamediv"><h2>Name</h2><p>proj \u2014 compute checksums of files</p></div><div class="refsect1"><a name="description"/><h2>Description</h2><p>${WORDS} Report bugs at <a class="ulink" href="https://git.example.org/proj-tools/issues?state=open&amp;sort=new" target="_top">the tracker</a>.</p></div></div></body></html>\n`;
/** The same host, words the source has: no word check can see it. */
const moved = (page: string) => page.replaceAll('proj-tools/issues', 'tools-proj/issues').replaceAll('proj\u2010tools/issues', 'tools\u2010proj/issues');

describe('every URL of a rendered page is one its source spells out whole (red team 26)', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  const tracked = { 'proj.1': MAN, 'doc/proj.texi': TEXI, 'ref/proj.xml.in': DOCBOOK, 'man/proj.1': MAN, 'src/main.c': 'int main(void){return 0;}\n' };
  repo.commit(tracked, 'proj 1.0', '2024-03-05T10:00:00Z');
  repo.tag('v1.0');
  const cache = join(root, 'cache');
  writeFileSync(join(root, 'proj.1'), MAN);
  writeFileSync(join(root, 'proj.texi'), TEXI);
  const run = (cmd: string) => execFileSync('sh', ['-c', cmd], { cwd: root, encoding: 'utf8' });
  const PAGES = {
    'proj.0': run('nroff -man -Tutf8 proj.1 | col -b'),
    'doc/text/proj.1.txt': run('nroff -man proj.1 | col -b'),
    'doc/proj.html': run('makeinfo --html --no-split -o - proj.texi'),
    'man/proj.1.html': run('groff -man -Thtml proj.1'),
    'ref/proj.html': DOCBOOK_HTML,
  };
  let n = 0;
  const verifyWith = async (pages: Record<string, string>) => {
    const dir = join(root, `t${++n}`, 'proj-1.0');
    writeFiles(dir, { ...tracked, ...pages });
    return verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.0.tar.gz') }), repo: repo.dir, cacheDir: cache, regenerate: 'off' });
  };

  it('each page, its URLs as the formatter prints them (hyphens, a long URL broken at a line end, &amp;): low, the gate passes', async () => {
    expect(PAGES['proj.0']).toMatch(/publica\u2010\n\s+tions-and-standards/); // nroff -Tutf8 breaks the long URL with a U+2010 hyphen
    const r = await verifyWith(PAGES);
    for (const p of Object.keys(PAGES)) expect(findingAt(r.findings, p), p).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'rendered' } });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('a URL moved to another path on the same host, with words the source has, stays high on each', async () => {
    for (const [path, page] of Object.entries(PAGES)) {
      const tampered = moved(page);
      expect(tampered, path).not.toBe(page);
      const r = await verifyWith({ ...PAGES, [path]: tampered });
      expect(findingAt(r.findings, path), path).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(exitCodeOf(r.verdict), path).toBe(1);
    }
  });

  it('helpers: the source read as troff, texinfo and XML print it; the rendering\'s hyphens', () => {
    const troff = docSourceUrls('see \\fBhttps://a.example.org/x\\-y/z\\:q\\fR and https://a.example.org/\\%long\\(hypath.');
    expect([...troff]).toEqual(expect.arrayContaining(['https://a.example.org/x-y/zq', 'https://a.example.org/long-path']));
    expect([...docSourceUrls('@uref{https://a.example.org/~u/@@me}')]).toContain('https://a.example.org/~u/@me');
    expect([...docSourceUrls('<ulink url="https://a.example.org/?a=1&amp;b=2">')]).toContain('https://a.example.org/?a=1&b=2');
    expect(renderedText('https://a.example.org/x\u2010y')).toBe('https://a.example.org/x-y');
    const known = docSourceUrls('Report bugs at https://a.example.org/proj\\-tools/issues.');
    expect(novelUrls(renderedText('Report bugs at https://a.example.org/proj\u2010\n       tools/issues.'), known)).toEqual([]);
    expect(novelUrls(renderedText('Report bugs at https://a.example.org/tools\u2010proj/issues.'), known)).toEqual(['https://a.example.org/tools-proj/issues']);
  });

  it("texinfo's @uref{URL,,TEXT} (gettext 0.23.1) and a URL a filled line breaks after its '/' (pam 1.5.2's README): known; a moved one is not", () => {
    // the link text after @uref's comma is not part of the URL the source spells
    const texi = docSourceUrls('See @uref{https://a.example.org/manual/,,the manual} and @url{https://b.example.org/x, B}.');
    expect([...texi]).toEqual(expect.arrayContaining(['https://a.example.org/manual/', 'https://b.example.org/x']));
    expect(novelUrls('the manual https://a.example.org/manual/ here', texi)).toEqual([]);
    expect(novelUrls('the manual https://a.example.org/manual2/ here', texi)).toEqual(['https://a.example.org/manual2/']);
    // the rendering breaks the source's whole URL after a '/': read as the URL going on
    const xml = docSourceUrls('the shared-subtree description at\n      http://lwn.net/Articles/159077 and http://lwn.net/Articles/159092.');
    expect(novelUrls('the shared-subtree description at http://lwn.net/Articles/\n159077 and http://lwn.net/Articles/159092.', xml)).toEqual([]);
    // … and the break cannot carry a URL elsewhere: neither reading is known
    expect(novelUrls('the shared-subtree description at http://lwn.net/Evil/\n159077 and http://lwn.net/Articles/159092.', xml)).toEqual(['http://lwn.net/Evil/159077']);
    // the source's own line break after a '/' inside a URL is joined too
    expect([...docSourceUrls('at http://lwn.net/Articles/\n   159077 today')]).toContain('http://lwn.net/Articles/159077');
  });
});
