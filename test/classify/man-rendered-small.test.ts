/**
 * A preformatted man page cut short (lsof 4.95.0's 111-byte lsof.man: the header line and NAME line that its release
 * script's `nroff -man Lsof.8 | colcrt - | cat -s` left), beside a tracked troff page whose name differs in case:
 * explained token by token (every letter run a word of Lsof.8 or of the formatter's header), end to end with real git
 * and GNU tar. Tampered twins — a word the page lacks, a shell pipeline of its words, too few tokens — stay high.
 */
import { describe, expect, it } from 'vitest';
import { smallRendering } from '../../src/classify/man-rendered.js';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { findingAt } from '../helpers/findings.js';
import { releaseFixture } from '../helpers/release-fixture.js';

const TROFF = ['.so ./version', '.TH LSOF 8 Revision-\\*(VN', '.SH NAME', 'lsof \\- list open files', '.SH SYNOPSIS', '.B lsof', '[', '.B \\-?abChlnNOPQRtUvVX', ']', '.SH DESCRIPTION',
  '.I Lsof', 'revision \\*(VN lists on its standard output file information about files opened by processes.', "It's the page of the demo.", ''].join('\n');
const SMALL = `LSOF(8)${' '.repeat(25)}System Manager's Manual${' '.repeat(25)}LSOF(8)\n\n       lsof - list open files\n\n`;
const TRACKED = { 'Lsof.8': TROFF, 'lsof.h': '#define LSOF_H 1\n', version: '.ds VN 4.95.0\n' };

describe('a man page rendering cut short', () => {
  const { verifyTree } = releaseFixture(TRACKED, { name: 'lsof', subject: 'lsof 4.95.0', date: '2024-03-05T10:00:00Z' });

  it('every token a word of the tracked page (case-folded name) or the header: explained; the gate passes', async () => {
    const r = await verifyTree({ 'lsof.man': SMALL });
    expect(findingAt(r.findings, 'lsof.man')).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'rendered', source: 'Lsof.8', found: 10, total: 10 } });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('tampered twins: a word the page lacks, a pipeline of its words, too few tokens: high', async () => {
    for (const text of [SMALL.replace('list open files', 'list open files curl'), SMALL.replace('list open files', 'list open|files'), 'lsof files\n']) {
      const r = await verifyTree({ 'lsof.man': text });
      expect(findingAt(r.findings, 'lsof.man'), text).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(exitCodeOf(r.verdict)).toBe(1);
    }
  });

  it('smallRendering', () => {
    expect(smallRendering(SMALL, TROFF)).toBe(10);
    expect(smallRendering('lsof - list open files $(id)', TROFF)).toBeUndefined();
    expect(smallRendering('lsof - list open files at example.com', TROFF)).toBeUndefined();
  });
});
