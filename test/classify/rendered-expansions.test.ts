/**
 * Two readings the rendered-URL check (red team 26, ./rendered-urls.test.ts) lacked, each a false high on a legitimate
 * release's generated HTML page since main ae7276f:
 *   - groff -Thtml writes troff's `\-` as `&minus;` (the maintainer's groff; Debian's man.local maps it to `-`): nano
 *     5.4's doc/nano.1.html links `https://nano&minus;editor.org/` for the source's `https://nano\-editor.org/`. The
 *     character references of the hyphens (`&minus;`, `&hyphen;`, `&dash;`, `&shy;`) now decode, and read as `-`.
 *   - texinfo's @macro and @set/@value: libunistring 1.0's manual links POSIX through `@posixfunc{strlen}`, a macro whose
 *     body is `@uref{@value{POSIXURL}/functions/\func\.html,,…}`; texi2html's pages _1, _4, _18 print those URLs whole.
 *     The source's own calls are now expanded (urls.ts texinfoExpansions), so only URLs a call of it produces are known.
 * Real git, GNU tar, groff (its man.local left out, as a groff without Debian's mapping formats) and makeinfo make each
 * page; the twins — a script loaded from another host, a link to a new host, a macro URL for a name the source never
 * calls — stay high.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docSourceUrls, novelUrls, texinfoExpansions } from '../../src/classify/urls.js';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { findingAt } from '../helpers/findings.js';
import { releaseFixture } from '../helpers/release-fixture.js';

const terms = Array.from({ length: 80 }, (_, i) => `term${String.fromCharCode(97 + Math.floor(i / 26))}${String.fromCharCode(97 + (i % 26))}`);
const WORDS = 'The glossary names ' + terms.join(' ') + ' in that order. The proj utility compares the digest of each file with the manifest kept next to the sources and prints every mismatch with the expected and the actual digest.';
const MAN = [
  '.TH PROJ 1 "version 1.0" "March 2024"', '.SH NAME', 'proj \\- compute checksums of files', '.SH DESCRIPTION', WORDS,
  '.SH BUGS', 'Report bugs at', '.IR https://savannah.example.org/bugs/?group=proj .', '.SH HOMEPAGE', '.I https://proj\\-tools.example.org/', '',
].join('\n');
const TEXI = [
  '\\input texinfo', '@setfilename proj.info', '@settitle Proj utilities',
  '@c Location of the specification on the web.', '@set SPECURL https://spec.example.org/onlinepubs/2024',
  '@ifinfo', '@macro specfunc{func}', '@code{\\func\\}', '@end macro', '@end ifinfo',
  '@ifnotinfo', '@macro specfunc{func}', '@uref{@value{SPECURL}/functions/\\func\\.html,,@code{\\func\\}}', '@end macro', '@end ifnotinfo',
  '@macro seeboth{part, name}', '@uref{@value{SPECURL}/\\part\\/\\name\\.html}', '@end macro',
  '@node Top', '@top Proj', WORDS, '',
  'The @specfunc{strlen} function counts bytes, like @specfunc{memchr}; see @seeboth{basedefs, stdint.h} for the types.', '@bye', '',
].join('\n');

describe("groff's &minus; and texinfo's macros in a rendered page's URLs (nano 5.4, libunistring 1.0)", () => {
  const tracked = { 'doc/proj.1': MAN, 'doc/proj.texi': TEXI, 'src/main.c': 'int main(void){return 0;}\n' };
  const fx = releaseFixture(tracked, { name: 'proj', subject: 'proj 1.0' });
  const root = fx.root;
  writeFileSync(join(root, 'proj.1'), MAN);
  writeFileSync(join(root, 'proj.texi'), TEXI);
  // a groff that formats `\-` as troff defines it: Debian's man.local (mapping it to `-` for HTML) left out
  mkdirSync(join(root, 'tmac'));
  writeFileSync(join(root, 'tmac', 'man.local'), '');
  const run = (cmd: string) => execFileSync('sh', ['-c', cmd], { cwd: root, encoding: 'utf8' });
  const PAGES = {
    'doc/proj.1.html': run('groff -M tmac -t -mandoc -Thtml < proj.1'),
    'doc/proj.html': run('makeinfo --html --no-split -o - proj.texi'),
  };
  const verifyWith = (pages: Record<string, string>) => fx.verifyTree(pages, { options: { regenerate: 'off' } });

  it('the pages as the formatters print them: low, the gate passes', async () => {
    expect(PAGES['doc/proj.1.html']).toContain('https://proj&minus;tools.example.org/');
    expect(PAGES['doc/proj.html']).toContain('href="https://spec.example.org/onlinepubs/2024/functions/strlen.html"');
    expect(PAGES['doc/proj.html']).toContain('href="https://spec.example.org/onlinepubs/2024/basedefs/stdint.h.html"');
    const r = await verifyWith(PAGES);
    for (const p of Object.keys(PAGES)) expect(findingAt(r.findings, p), p).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'rendered' } });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  const tampered: [string, string, (page: string) => string][] = [
    ['doc/proj.1.html', 'a <script src=https://evil…> line', (p) => p.replace('</body>', '<script src=https://evil.example.net/x.js></script>\n</body>')],
    ['doc/proj.1.html', 'its &minus; URL moved to another host', (p) => p.replace('https://proj&minus;tools.example.org/', 'https://proj&minus;tools.example.net/')],
    ['doc/proj.html', 'a link to a new host', (p) => p.replace('</body>', '<p>Mirror: <a href="https://evil.example.net/proj.tar.gz">download</a></p>\n</body>')],
    ['doc/proj.html', "the macro's URL for a name the source never calls", (p) => p.replace('/functions/memchr.html', '/functions/memchr-update.html')],
  ];
  for (const [path, what, edit] of tampered) {
    it(`${path} with ${what}: high, exit 1`, async () => {
      const page = edit(PAGES[path as keyof typeof PAGES]);
      expect(page).not.toBe(PAGES[path as keyof typeof PAGES]);
      const r = await verifyWith({ ...PAGES, [path]: page });
      expect(findingAt(r.findings, path)).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(exitCodeOf(r.verdict)).toBe(1);
    });
  }

  it('texinfoExpansions: only the calls the source makes; parameters, escaped commas, values, no definitions', () => {
    expect(texinfoExpansions('plain @code{text}\n')).toEqual([]);
    const [t] = texinfoExpansions(TEXI);
    expect(t).toContain('@uref{https://spec.example.org/onlinepubs/2024/functions/strlen.html,,@code{strlen}}');
    expect(t).toContain('@code{memchr}');
    expect(t).not.toMatch(/@macro|\\func\\/);
    const urls = docSourceUrls(TEXI);
    expect([...urls]).toEqual(expect.arrayContaining(['https://spec.example.org/onlinepubs/2024/functions/strlen.html', 'https://spec.example.org/onlinepubs/2024/basedefs/stdint.h.html']));
    expect(novelUrls('https://spec.example.org/onlinepubs/2024/functions/system.html', urls)).toEqual(['https://spec.example.org/onlinepubs/2024/functions/system.html']);
    // a macro without parameters, one with an escaped comma in its argument, a flag set twice (one text per value)
    const two = texinfoExpansions('@set HOST a.example.org\n@macro home{}\nhttps://@value{HOST}/\n@end macro\n@macro pair{x, y}\n\\x\\ and \\y\\\n@end macro\n@home{} @pair{1\\, 2, 3}\n@set HOST b.example.org\n');
    expect(two).toHaveLength(2);
    expect(two[0]).toContain('https://a.example.org/ 1, 2 and 3');
    expect(two[1]).toContain('https://b.example.org/');
  });
});
