/**
 * The make-rule look-up shared by make-stamp, generator-model, program-help, help-text and cross-options
 * (src/classify/make-stamp.ts rulesFor / findWritingRule): the fragments of the file's directory and every one
 * above, listed once per directory and git path set; with no fragment on that chain the answer is empty at once.
 */
import { describe, expect, it } from 'vitest';
import { findWritingRule, rulesFor } from '../../src/classify/make-stamp.js';
import { makeCtx } from './ctx-helper.js';

const TOP = 'src/stamp-h1:\n\ttouch src/stamp-h1\n';
const SUB = 'version.txt:\n\techo 1.2.3 > $@\n';

describe('rulesFor / findWritingRule', () => {
  it('finds a rule in a fragment above the file, and one beside it, in directory order', async () => {
    const ctx = makeCtx({ git: { 'Makefile.am': TOP, 'src/Makefile.am': SUB, 'src/main.c': 'int main;\n' }, tarball: { 'src/stamp-h1': '', 'src/version.txt': '1.2.3\n' } });
    expect(await findWritingRule('src/stamp-h1', ctx)).toEqual([{ fragment: 'Makefile.am', command: 'touch src/stamp-h1', content: { kind: 'empty' } }]);
    expect((await rulesFor('src/version.txt', ctx)).map((r) => [r.fragment, r.dir, r.target, r.recipe])).toEqual([['src/Makefile.am', 'src', 'version.txt', ['echo 1.2.3 > $@']]]);
    expect(await findWritingRule('src/version.txt', ctx)).toEqual([{ fragment: 'src/Makefile.am', command: 'echo 1.2.3 > $@', content: { kind: 'word', word: '1.2.3' } }]);
  });

  it('answers nothing when no directory from the file up to the top holds a fragment (a sibling directory does not count)', async () => {
    const ctx = makeCtx({ git: { README: 'x\n', 'other/Makefile.am': '../src/stamp-h1:\n\ttouch ../src/stamp-h1\n' }, tarball: { 'src/stamp-h1': '' } });
    expect(await findWritingRule('src/stamp-h1', ctx)).toEqual([]);
    expect(await rulesFor('src/stamp-h1', ctx)).toEqual([]);
  });

  it('lists fragments per git path set: another set with a fragment on the chain is read anew', async () => {
    const without = makeCtx({ git: { README: 'x\n' }, tarball: { 'src/stamp-h1': '' } });
    const withTop = makeCtx({ git: { README: 'x\n', 'Makefile.am': TOP }, tarball: { 'src/stamp-h1': '' } });
    expect(await findWritingRule('src/stamp-h1', without)).toEqual([]);
    expect((await findWritingRule('src/stamp-h1', withTop)).map((r) => r.fragment)).toEqual(['Makefile.am']);
    expect(await findWritingRule('src/stamp-h1', without)).toEqual([]);
  });

  it("reads a tracked Makefile.in only when no Makefile.am is beside it (nettle's hand-written makefile, not automake's output)", async () => {
    const NETTLE = 'config.h.in: stamp-h.in\nstamp-h.in: configure.ac aclocal.m4\n\tcd $(srcdir) && $(AUTOHEADER)\n\techo timestamp > $(srcdir)/stamp-h.in\n';
    const own = makeCtx({ git: { 'Makefile.in': NETTLE, 'configure.ac': 'AC_INIT\n' }, tarball: { 'stamp-h.in': 'timestamp\n' } });
    expect(await findWritingRule('stamp-h.in', own)).toEqual([{ fragment: 'Makefile.in', command: 'echo timestamp > $(srcdir)/stamp-h.in', content: { kind: 'word', word: 'timestamp' } }]);
    const automake = makeCtx({ git: { 'Makefile.in': NETTLE, 'Makefile.am': 'SUBDIRS = .\n', 'configure.ac': 'AC_INIT\n' }, tarball: { 'stamp-h.in': 'timestamp\n' } });
    expect(await findWritingRule('stamp-h.in', automake)).toEqual([]);
  });
});
