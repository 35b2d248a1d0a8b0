import { describe, expect, it } from 'vitest';
import { docsClassifier } from '../../src/classify/docs.js';
import { diffOf, makeCtx, type Tree } from './ctx-helper.js';

const GIT: Tree = {
  'src/xz/xz.1': '.TH XZ 1\n',
  'doc/tool.1.in': '.TH TOOL 1 "@DATE@"\n',
  'doc/manual.texi': '\\input texinfo\n',
  'doxygen/Doxyfile': 'PROJECT_NAME = x\n',
  'docs/index.html': '<p>tracked</p>\n',
};
const TAR: Tree = {
  'doc/tool.1': '.\\" generated\n.TH TOOL 1 "2024-03-09"\n',
  'po4a/man/de/xz.1': '.\\" translated\n.TH XZ 1\n',
  'doc/orphan.8': '.TH ORPHAN 8\n',
  'doc/man/pdf-a4/xz-a4.pdf': '%PDF-1.4\n...',
  'doc/manual.info': 'This is manual.info, produced by makeinfo version 7.1 from manual.texi.\n',
  'doc/api/index.html': '<html></html>\n',
  'doc/api/search/search.js': 'var x;\n',
  'doc/api/doxygen.png': Buffer.from([0x89, 0x50, 0x4e, 0x47]),
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

  it('decides man pages by name when content is not retained', async () => {
    expect(await run({ 'doc/big.1': 'x' }, GIT, ['doc/big.1'])).toEqual({ 'doc/big.1': 'man<--' });
  });
});
