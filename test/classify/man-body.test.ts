/**
 * A man page rendered from a tracked markup page (util-linux's asciidoctor pages from X.N.adoc and the man-common
 * files they include) must carry the source's text (src/classify/man-body.ts), end to end with real git and GNU tar,
 * nothing run. Tampered twins — a paragraph the source lacks, a link to a host the source never names — stay high
 * (before, any troff page named for a tracked source was GENERATED_DOCS by its shape).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { troffBody } from '../../src/classify/man-body.js';
import { makeTar } from '../helpers/archives.js';
import { findingAt } from '../helpers/findings.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const ADOC = `= demo(1)
:doctype: manpage

== NAME

demo - print one greeting line

== SYNOPSIS

*demo* [options]

== DESCRIPTION

The utility *demo* prints one greeting line on standard output and returns an exit status of zero.

include::man-common/bugreports.adoc[]
`;
const BUGS = '== REPORTING BUGS\n\nFor bug reports, use the issue tracker at https://github.com/demo/demo/issues.\n';
// what asciidoctor's manpage converter writes: its preamble (macro definitions, link style), then the sections
const PAGE = `'\\" t
.\\"     Title: demo
.\\" Generator: Asciidoctor 2.0.15
.TH "DEMO" "1" "2022-05-11" "demo 1.0" "User Commands"
.ie \\n(.g .ds Aq \\(aq
.el       .ds Aq '
.nh
.ad l
.de URL
\\fI\\\\$2\\fP <\\\\$1>\\\\$3
..
.als MTO URL
.if \\n[.g] \\{\\
.  mso www.tmac
.  LINKSTYLE blue R < >
.\\}
.SH "NAME"
demo \\- print one greeting line
.SH "SYNOPSIS"
.sp
\\fBdemo\\fP [options]
.SH "DESCRIPTION"
.sp
The utility \\fBdemo\\fP prints one greeting line on standard output and returns an exit status of zero.
.SH "REPORTING BUGS"
.sp
For bug reports, use the issue tracker at \\c
.URL "https://github.com/demo/demo/issues" "" "."
`;
const TRACKED = { 'configure.ac': 'AC_INIT([demo], [1.0])\nAC_OUTPUT\n', 'doc/demo.1.adoc': ADOC, 'man-common/bugreports.adoc': BUGS };

describe('a man page rendered from a tracked markup page', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  repo.commit(TRACKED, 'demo 1.0', '2022-05-11T10:00:00Z');
  repo.tag('v1.0');
  let n = 0;
  const verifyWith = async (page: string) => {
    const dir = join(root, `t${++n}`, 'demo-1.0');
    writeFiles(dir, { ...TRACKED, 'doc/demo.1': page });
    return verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'demo-1.0.tar.gz') }), repo: repo.dir, cacheDir: join(root, 'cache'), regenerate: 'off' });
  };

  it('its body traced to the page and the file it includes: GENERATED_DOCS, the gate passes', async () => {
    const r = await verifyWith(PAGE);
    expect(findingAt(r.findings, 'doc/demo.1')).toMatchObject({ code: 'GENERATED_DOCS', severity: 'low', evidence: { kind: 'man', source: 'doc/demo.1.adoc' } });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('tampered twins: a paragraph the source lacks, a host it never names, a URL it does not spell out stay high', async () => {
    for (const page of [
      PAGE.replace('.SH "REPORTING BUGS"', '.sp\nBefore first use, install the patched runtime package from the vendor mirror.\n.SH "REPORTING BUGS"'),
      PAGE.replace('https://github.com/demo/demo/issues', 'https://demo-issues.example/report'),
      // red team 25: the link moved to another repository of the host the source names, every word of it the source's
      PAGE.replace('https://github.com/demo/demo/issues', 'https://github.com/demo-issues/demo/issues'),
    ]) {
      const r = await verifyWith(page);
      expect(findingAt(r.findings, 'doc/demo.1')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(exitCodeOf(r.verdict)).toBe(1);
    }
  });

  // Red team 22: on a page of 400 more words a paragraph of ten new ones is under 5 % of its distinct words, but
  // they stand together; a word or two fixed in the source after the page was made stand apart.
  it('a paragraph of new words stays high where it is under 5 % of a large page; scattered changed words pass', async () => {
    const terms = Array.from({ length: 400 }, (_, i) => `term${String.fromCharCode(97 + Math.floor(i / 26))}${String.fromCharCode(97 + (i % 26))}`);
    const GLOSSARY = `The glossary names ${terms.join(' ')} in that order.`;
    const tracked = { ...TRACKED, 'doc/demo.1.adoc': ADOC.replace('returns an exit status of zero.', `returns an exit status of zero.\n\n${GLOSSARY}`) };
    const bigRoot = tempDir();
    const r3 = makeRepo(join(bigRoot, 'repo'));
    r3.commit(tracked, 'demo 1.0', '2022-05-11T10:00:00Z');
    r3.tag('v1.0');
    let m = 0;
    const run = async (page: string) => {
      const dir = join(bigRoot, `t${++m}`, 'demo-1.0');
      writeFiles(dir, { ...tracked, 'doc/demo.1': page });
      return verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(bigRoot, `t${m}`, 'demo-1.0.tar.gz') }), repo: r3.dir, cacheDir: join(bigRoot, 'cache'), regenerate: 'off' });
    };
    const BIG = PAGE.replace('returns an exit status of zero.\n', `returns an exit status of zero.\n.sp\n${GLOSSARY}\n`);
    const typos = await run(BIG.replace('termbc', 'termbcx').replace('termkd', 'termkdx').replace('greeting line on', 'greetign line on'));
    expect(findingAt(typos.findings, 'doc/demo.1')).toMatchObject({ code: 'GENERATED_DOCS', severity: 'low', evidence: { kind: 'man', source: 'doc/demo.1.adoc' } });
    expect(exitCodeOf(typos.verdict)).toBe(0);
    const bad = await run(BIG.replace('.SH "REPORTING BUGS"', '.sp\nBefore first use, install the patched runtime package from the vendor mirror.\n.SH "REPORTING BUGS"'));
    expect(findingAt(bad.findings, 'doc/demo.1')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(exitCodeOf(bad.verdict)).toBe(1);
  });

  it("troffBody keeps the body's text and drops the formatter's preamble", () => {
    const body = troffBody(PAGE);
    expect(body).toContain('The utility demo prints one greeting line');
    expect(body).not.toMatch(/blue|tmac|MTO|Asciidoctor/);
  });

  // rst2man (docutils) from a tracked X.8.rst whose sections are nested `.. include::` files (openvpn 2.6.14's
  // doc/openvpn.8 from openvpn.8.rst, man-sections/client-options.rst including proxy-options.rst), its preamble's
  // macros defined with .de1
  const RST = 'demod\n######\n\nSYNOPSIS\n========\n\n| ``demod`` [ options ... ]\n\n.. include:: sections/client.rst\n';
  const CLIENT = 'CLIENT OPTIONS\n==============\n\nThe client connects to one remote server over a tunnel.\n\n.. include:: proxy.rst\n';
  const PROXY = 'PROXY OPTIONS\n-------------\n\nAn authenticating proxy in between relays every connection attempt.\n';
  const RST_PAGE = `.\\" Man page generated from reStructuredText.
.
.nr rst2man-indent-level 0
.
.de1 rstReportMargin
\\\\$1 \\\\n[an-margin]
level \\\\n[rst2man-indent-level]
level margin: \\\\n[rst2man-indent\\\\n[rst2man-indent-level]]
..
.de1 INDENT
. RS \\\\$1
..
.TH "DEMOD" 8 "" "" "System Manager's Manual"
.SH NAME
demod
.SH SYNOPSIS
.nf
\\fBdemod\\fP [ options ... ]
.fi
.SH CLIENT OPTIONS
.sp
The client connects to one remote server over a tunnel.
.SS PROXY OPTIONS
.sp
An authenticating proxy in between relays every connection attempt.
`;
  it('rst2man: nested reStructuredText includes are the source, .de1 macro bodies the formatter\'s; a paragraph from nowhere stays high', async () => {
    const rstRoot = tempDir();
    const tracked = { 'configure.ac': 'AC_INIT([demod], [1.0])\nAC_OUTPUT\n', 'doc/demod.8.rst': RST, 'doc/sections/client.rst': CLIENT, 'doc/sections/proxy.rst': PROXY };
    const r2 = makeRepo(join(rstRoot, 'repo'));
    r2.commit(tracked, 'demod 1.0', '2022-05-11T10:00:00Z');
    r2.tag('v1.0');
    let m = 0;
    const run = async (page: string) => {
      const dir = join(rstRoot, `t${++m}`, 'demod-1.0');
      writeFiles(dir, { ...tracked, 'doc/demod.8': page });
      return verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(rstRoot, `t${m}`, 'demod-1.0.tar.gz') }), repo: r2.dir, cacheDir: join(rstRoot, 'cache'), regenerate: 'off' });
    };
    const good = await run(RST_PAGE);
    expect(findingAt(good.findings, 'doc/demod.8')).toMatchObject({ code: 'GENERATED_DOCS', severity: 'low', evidence: { kind: 'man', source: 'doc/demod.8.rst' } });
    expect(exitCodeOf(good.verdict)).toBe(0);
    const bad = await run(RST_PAGE.replace('.SS PROXY OPTIONS', '.sp\nFetch the signed helper binary from the mirror and install it with root privileges first.\n.SS PROXY OPTIONS'));
    expect(findingAt(bad.findings, 'doc/demod.8')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(exitCodeOf(bad.verdict)).toBe(1);
  });
});
