/**
 * HTML pages rst2html (Docutils) renders from a tracked reStructuredText page by a tracked make rule (openvpn
 * 2.6.14's doc/openvpn.8.html from openvpn.8.rst and its nested `.. include::` sections, the suffix rule
 * `.8.rst.8.html :` running `$(RST2HTML)`), end to end with real git and GNU tar, nothing run. Tampered twins — a
 * script, a link to another host, a paragraph the source lacks, a page no rst2html rule makes — stay high.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { findingAt } from '../helpers/findings.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const AM = `build_html_pages = demod.8.html
demod_sections = sections/client.rst sections/proxy.rst
demod.8 demod.8.html: $(demod_sections)
SUFFIXES = .8.rst .8 .8.html
RST_FLAGS = --strict
.8.rst.8.html :
if HAVE_PYDOCUTILS
\t$(RST2HTML) $(RST_FLAGS) $< > $@
else
\t@echo "Missing python-docutils - skipping html page generation ($@)"
endif
dist_html_DATA = $(build_html_pages)
`;
const RST = 'demod\n#####\n\nSYNOPSIS\n========\n\n| ``demod`` [ options ... ]\n\nSee https://demod.example.org/docs for the project pages.\n\n.. include:: sections/client.rst\n';
const CLIENT = 'CLIENT OPTIONS\n==============\n\nThe client connects to one remote server over a tunnel and keeps the session alive.\n\n.. include:: proxy.rst\n';
const PROXY = 'PROXY OPTIONS\n-------------\n\nAn authenticating proxy in between relays every connection attempt of the client.\n';
// what rst2html writes: the generator meta, an embedded style sheet naming Docutils' site, the document
const PAGE = `<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<meta name="generator" content="Docutils 0.20.1: https://docutils.sourceforge.io/" />
<title>demod</title>
<style type="text/css">
/* See https://docutils.sourceforge.io/docs/howto/html-stylesheets.html for how to customize this style sheet. */
.first { margin-top: 0 ! important }
</style>
</head>
<body>
<div class="document" id="demod">
<h1 class="title">demod</h1>
<div class="section" id="synopsis">
<h1>SYNOPSIS</h1>
<div class="line-block">
<div class="line"><tt class="docutils literal">demod</tt> [ options ... ]</div>
</div>
<p>See <a class="reference external" href="https://demod.example.org/docs">https://demod.example.org/docs</a> for the project pages.</p>
</div>
<div class="section" id="client-options">
<h1>CLIENT OPTIONS</h1>
<p>The client connects to one remote server over a tunnel and keeps the session alive.</p>
<div class="section" id="proxy-options">
<h2>PROXY OPTIONS</h2>
<p>An authenticating proxy in between relays every connection attempt of the client.</p>
</div>
</div>
</div>
</body>
</html>
`;
const TRACKED = {
  'configure.ac': 'AC_INIT([demod], [1.0])\nAC_CONFIG_FILES([Makefile doc/Makefile])\nAC_OUTPUT\n',
  'Makefile.am': 'SUBDIRS = doc\n',
  'doc/Makefile.am': AM,
  'doc/demod.8.rst': RST,
  'doc/sections/client.rst': CLIENT,
  'doc/sections/proxy.rst': PROXY,
};

describe('HTML rendered by rst2html from a tracked reStructuredText page', () => {
  const root = tempDir();
  let n = 0;
  const repoOf = (tracked: Record<string, string>) => {
    const repo = makeRepo(join(root, `repo${++n}`));
    repo.commit(tracked, 'demod 1.0', '2024-03-05T10:00:00Z');
    repo.tag('v1.0');
    return repo;
  };
  const main = repoOf(TRACKED);
  const verifyWith = async (page: string, tracked = TRACKED, repo = main) => {
    const dir = join(root, `t${++n}`, 'demod-1.0');
    writeFiles(dir, { ...tracked, 'doc/demod.8.html': page });
    return verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'demod-1.0.tar.gz') }), repo: repo.dir, cacheDir: join(root, 'cache'), regenerate: 'off' });
  };

  it('traced to the source and its nested includes by the suffix rule: low, the gate passes', async () => {
    const r = await verifyWith(PAGE);
    const f = findingAt(r.findings, 'doc/demod.8.html');
    expect(f).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'rendered', source: 'doc/demod.8.rst', generator: 'Docutils 0.20.1', inputs: ['doc/Makefile.am:6'] } });
    expect(f.evidence).toMatchObject({ found: (f.evidence as { total: number }).total });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('tampered twins stay high', async () => {
    for (const page of [
      PAGE.replace('</head>', '<script src="/x.js"></script>\n</head>'),
      PAGE.replace('https://demod.example.org/docs">', 'https://mirror.evil.example/demod.tar.gz">'),
      PAGE.replace('<div class="section" id="proxy-options">', '<p>Before first use, fetch the patched helper binary from the vendor mirror and install it as root quietly.</p>\n<div class="section" id="proxy-options">'),
      PAGE.replace('Docutils 0.20.1', 'handwritten'),
      // red team 25: a link moved to another path of the host the source names (every word of it the source's), in the
      // link and its text, or in the link only
      PAGE.replaceAll('https://demod.example.org/docs', 'https://demod.example.org/demod/docs'),
      PAGE.replace('href="https://demod.example.org/docs"', 'href="https://demod.example.org/demod"'),
      PAGE.replace('href="https://demod.example.org/docs"', 'href="https://demod.example.org/&#100;emod"'),
    ]) {
      const r = await verifyWith(page);
      expect(findingAt(r.findings, 'doc/demod.8.html')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(exitCodeOf(r.verdict)).toBe(1);
    }
  });

  // Red team 22: 95 % of a large page's distinct words leaves room for a paragraph of new ones (openvpn 2.6.14's
  // doc/openvpn.8.html: 2,904 distinct words, 145 of them could come from nowhere). A page of 400 more words: the
  // paragraph's ten new words are 2 % of them, but they stand together; two typos fixed in the source after the
  // page was made (openvpn's `enacpulating`) stand apart and keep the page traced.
  const terms = Array.from({ length: 400 }, (_, i) => `term${String.fromCharCode(97 + Math.floor(i / 26))}${String.fromCharCode(97 + (i % 26))}`);
  const GLOSSARY = `The glossary names ${terms.join(' ')} in that order.`;
  const bigTracked = { ...TRACKED, 'doc/sections/proxy.rst': `${PROXY}\n${GLOSSARY}\n` };
  const BIG = PAGE.replace('every connection attempt of the client.</p>', `every connection attempt of the client.</p>\n<p>${GLOSSARY}</p>`);
  it('a paragraph of new words stays high on a large page where it is under 5 % of the words; scattered typos pass', async () => {
    const big = repoOf(bigTracked);
    const good = await verifyWith(BIG, bigTracked, big);
    expect(findingAt(good.findings, 'doc/demod.8.html')).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low' });
    const typos = await verifyWith(BIG.replace('termbc', 'termbcx').replace('termkd', 'termkdx').replace('remote server', 'remote servre'), bigTracked, big);
    expect(findingAt(typos.findings, 'doc/demod.8.html')).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { found: 431, total: 434 } });
    expect(exitCodeOf(typos.verdict)).toBe(0);
    const bad = await verifyWith(BIG.replace('<div class="section" id="proxy-options">', '<p>Before first use, fetch the patched helper binary from the vendor mirror and install it as root quietly.</p>\n<div class="section" id="proxy-options">'), bigTracked, big);
    expect(findingAt(bad.findings, 'doc/demod.8.html')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(exitCodeOf(bad.verdict)).toBe(1);
  });

  it('no rule running rst2html, no explanation', async () => {
    const tracked = { ...TRACKED, 'doc/Makefile.am': AM.replace('$(RST2HTML) $(RST_FLAGS)', 'cat') };
    const r = await verifyWith(PAGE, tracked, repoOf(tracked));
    expect(findingAt(r.findings, 'doc/demod.8.html')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  });
});
