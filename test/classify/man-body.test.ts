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

  it('tampered twins: a paragraph the source lacks, a host it never names stay high', async () => {
    for (const page of [
      PAGE.replace('.SH "REPORTING BUGS"', '.sp\nBefore first use, install the patched runtime package from the vendor mirror.\n.SH "REPORTING BUGS"'),
      PAGE.replace('https://github.com/demo/demo/issues', 'https://demo-issues.example/report'),
    ]) {
      const r = await verifyWith(page);
      expect(findingAt(r.findings, 'doc/demo.1')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(exitCodeOf(r.verdict)).toBe(1);
    }
  });

  it("troffBody keeps the body's text and drops the formatter's preamble", () => {
    const body = troffBody(PAGE);
    expect(body).toContain('The utility demo prints one greeting line');
    expect(body).not.toMatch(/blue|tmac|MTO|Asciidoctor/);
  });
});
