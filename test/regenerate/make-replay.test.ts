/**
 * Tarball-only files a tracked make rule writes with text tools, made again by replaying the rule in the sandbox
 * (src/regenerate/make-replay.ts), end to end: a real git repository whose Makefile.am has the rule shapes of
 * libgpg-error (`$(AWK) -f mkstrtable.awk … >$@`), gpgme's CamelCase headers (`echo -n … | tr … >> "$@"`) and its
 * doc/defsincdate (`git log -1 --format='%ct' -- …` when .git exists), and two rules that are not replayed (a
 * tracked script run as a program, a compiler). The release is made the maintainer's way: autoconf and the real
 * make running those rules in a checkout of the tag. Then tampered copies: what a tamperer would change is the
 * shipped output (a line of the awk table, a forwarding header's include), and those stay high.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import { awkProgramProblem, checkRecipe, ruleLine, sedProblem } from '../../src/regenerate/make-replay.js';
import { verify } from '../../src/verify.js';
import { makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { distRelease, editFile, releaseCopies } from './release.js';

const root = tempDir('distdiff-replay-');
const repoDir = join(root, 'demo');
const cache = join(root, 'cache');
let tarball = '';
let distDir = '';
let commit = '';

const MKSTR_AWK = `# Output a C table of the messages of a list.
BEGIN { n = 0; print "/* Output of mkstr.awk.  DO NOT EDIT.  */" }
/^#/ { next }
NF >= 2 { msg[n++] = $2 }
END {
  print "static const char *msgs[] = {"
  for (i = 0; i < n; i++) printf ("  \\"%s\\",\\n", msg[i])
  print "};"
}
`;
const CODES_IN = '# code text\n0 Success\n1 Failure\n2 Timeout\n';
const MAKEFILE_AM = `EXTRA_DIST = mkstr.awk codes.h.in codes.h $(camel) datestamp gen.sh gen.h mktab.c tab.h

camel = FooBar \\
	BazQux

$(srcdir)/codes.h: Makefile.am mkstr.awk codes.h.in
	$(AWK) -f $(srcdir)/mkstr.awk \\
		$(srcdir)/codes.h.in >$@

$(camel): Makefile.am
	echo -n "#include \\"demo/" > "$@"
	echo -n "$@" | tr '[:upper:]' '[:lower:]' >> "$@"
	echo ".h\\"" >> "$@"

datestamp: doc.texi
	: >datestamp ; \\
	if test -e $(top_srcdir)/.git; then \\
	  (cd $(srcdir) && git log -1 --format='%ct' -- doc.texi 2>/dev/null) >>datestamp; \\
	fi

gen.h: gen.sh
	./gen.sh > $@

tab.h: mktab.c
	$(CC) -o mktab $(srcdir)/mktab.c && ./mktab > $@

example-copy.c: $(top_srcdir)/examples/example.c
	cp $< $@

# check 0.15.2's README (holdout18): fgrep, the obsolescent name of grep -F that older Makefile.am files use
README:
	fgrep -v "Build Status]" $(top_srcdir)/README.md > $@

# p11-kit's suffix rule (automake's SUFFIXES; .SUFFIXES for the plain make that builds this release)
SUFFIXES = .h .gnu.c
.SUFFIXES: .h .gnu.c
api.gnu.c: api.h
.h.gnu.c:
	src=$<; rm -f $@-t $@ && { echo '/* DO NOT EDIT! */'; cat $$src; sed -n -e 's/^int \\(demo_[a-z_]*\\) *(.*/	\\1,/p' $<; } > $@-t && mv -f $@-t $@

include frag/Makefile.am
`;
/**
 * A fragment the top Makefile.am includes (automake's non-recursive layout, p11-kit's p11-kit/Makefile.am) with a
 * suffix rule whose output names $@: make runs it from the top, $@ = frag/names.gen.c.
 */
const FRAG_AM = `SUFFIXES += .txt .gen.c
.SUFFIXES: .txt .gen.c
frag/names.gen.c: frag/names.txt
.txt.gen.c:
	echo "const char *$@_names[] = {" | sed 's/[^][ *a-z0-9_={]/_/g' > $@-t && sed -e 's/.*/  "&",/' $< >> $@-t && echo '};' >> $@-t && mv -f $@-t $@
`;
const FILES = {
  // configure.ac asks git too (gpgme's): the regeneration's git view is in the tree the replay copies
  'configure.ac': 'AC_INIT([demo], [1.0], [bugs@example.invalid])\nAC_CONFIG_SRCDIR([demo.c])\nAC_SUBST([DEMO_REVISION], [m4_esyscmd_s([git rev-parse --short HEAD])])\nAC_OUTPUT\n',
  'Makefile.am': MAKEFILE_AM,
  'mkstr.awk': MKSTR_AWK,
  'codes.h.in': CODES_IN,
  'doc.texi': '\\input texinfo\n@settitle Demo\n@bye\n',
  'gen.sh': { content: '#!/bin/sh\necho "#define GENERATED 1"\n', executable: true },
  'mktab.c': '#include <stdio.h>\nint main(void) { puts("#define TAB 1"); return 0; }\n',
  'demo.c': '#include "codes.h"\nint demo(void) { return 42; }\n',
  // libidn2's doc/Makefile.am copies its examples with `cp $< $@`: a C file the rule writes, not a copy by content alone
  'examples/example.c': '#include <stdio.h>\nint main(void) { return puts("example") < 0; }\n',
  'api.h': 'int demo_open (const char *name);\nint demo_close (int fd);\n',
  'README.md': '# Demo\n[![Build Status](https://ci.example.invalid/demo.svg)]\nA demo.\n',
  'frag/Makefile.am': FRAG_AM,
  'frag/names.txt': 'alpha\nbeta\n',
  // A hand-written Makefile.in (no Makefile.am beside it): configure's @SED@ and @srcdir@ in its recipe.
  'lib/Makefile.in': 'srcdir = @srcdir@\n\nnames.h: $(srcdir)/names.txt\n\t@SED@ -e \'s/^\\([a-z]*\\) \\([0-9]*\\)$$/#define NAME_\\1 \\2/\' $(srcdir)/names.txt > $@-t && mv $@-t $@\n',
  'lib/names.txt': 'alpha 1\nbeta 2\n',
};
const SHIPPED = 'configure configure.ac Makefile.am mkstr.awk codes.h.in codes.h FooBar BazQux datestamp doc.texi gen.sh gen.h mktab.c tab.h demo.c lib examples example-copy.c api.h api.gnu.c frag README README.md';

beforeAll(() => {
  const repo = makeRepo(repoDir);
  // The manual's last change months before the release: the stamp is that commit's time, not the tag's date.
  repo.commit({ 'doc.texi': FILES['doc.texi'] }, 'manual', '2023-09-01T08:00:00+00:00');
  commit = repo.commit(FILES);
  repo.tag('v1.0', { message: 'demo 1.0' });
  // The maintainer's process: autoconf, then the real make running the Makefile.am's rules in the checkout.
  const make = "make -f Makefile.am srcdir=. top_srcdir=. AWK=awk CC=cc codes.h FooBar BazQux datestamp gen.h tab.h example-copy.c api.gnu.c frag/names.gen.c README && (cd lib && sed -e 's/@SED@/sed/g' -e 's/@srcdir@/./g' Makefile.in > Makefile.tmp && make -f Makefile.tmp names.h && rm Makefile.tmp)";
  ({ tarball, distDir } = distRelease(root, repoDir, 'demo-1.0', `autoconf && ${make} && mkdir demo-1.0 && cp -pR ${SHIPPED} demo-1.0/ && tar -czf demo-1.0.tar.gz demo-1.0`));
}, 120_000);

const tampered = releaseCopies(root, () => distDir, 'demo-1.0');
const run = (tar: string) => verify({ tarball: tar, repo: repoDir, tag: 'v1.0', cacheDir: cache });
const at = (fs: Finding[], path: string) => fs.find((f) => f.path === path)!;

describe('a tracked make rule replayed in the sandbox', () => {
  it('explains the awk table, the CamelCase headers and the git-log stamp, naming rule, line, commands and tools; the script and compiler rules are not replayed (high, and why)', async () => {
    const r = await run(tarball);
    const codes = at(r.findings, 'codes.h');
    expect(codes).toMatchObject({
      code: 'MAKE_RULE_REPLAYED',
      severity: 'info',
      evidence: {
        file: 'Makefile.am',
        line: 6,
        target: './codes.h',
        dir: '',
        commands: ['awk -f ./mkstr.awk \\\n\t./codes.h.in >./codes.h'],
        inputs: [
          { path: 'Makefile.am', origin: 'git' },
          { path: 'codes.h.in', origin: 'git' },
          // the fragment Makefile.am includes: part of the makefile make read
          { path: 'frag/Makefile.am', origin: 'git' },
          { path: 'mkstr.awk', origin: 'git' },
        ],
      },
    });
    if (codes.code !== 'MAKE_RULE_REPLAYED') throw new Error('not replayed');
    expect(codes.evidence.tools.map((t) => t.name)).toEqual(['awk', 'sh']);
    expect(codes.evidence.tools.every((t) => t.version !== 'unknown' && t.version.length > 0)).toBe(true);

    for (const h of ['FooBar', 'BazQux']) {
      const f = at(r.findings, h);
      expect(f, h).toMatchObject({ code: 'MAKE_RULE_REPLAYED', severity: 'info', evidence: { file: 'Makefile.am', line: 10, target: h } });
      if (f.code !== 'MAKE_RULE_REPLAYED') throw new Error('not replayed');
      expect(f.evidence.commands).toEqual([`echo -n "#include \\"demo/" > "${h}"`, `echo -n "${h}" | tr '[:upper:]' '[:lower:]' >> "${h}"`, 'echo ".h\\"" >> "' + h + '"']);
      expect(f.evidence.tools.map((t) => t.name)).toEqual(['sh', 'tr']);
    }

    expect(at(r.findings, 'lib/names.h')).toMatchObject({
      code: 'MAKE_RULE_REPLAYED',
      severity: 'info',
      evidence: { file: 'lib/Makefile.in', line: 3, target: 'names.h', dir: 'lib', inputs: [{ path: 'lib/Makefile.in', origin: 'git' }, { path: 'lib/names.txt', origin: 'git' }] },
    });
    const stamp = at(r.findings, 'datestamp');
    expect(stamp).toMatchObject({ code: 'MAKE_RULE_REPLAYED', severity: 'info', evidence: { file: 'Makefile.am', line: 15, procedureSteps: [{ kind: 'git-checkout', args: { commit, tags: 1 } }, { kind: 'make-rule' }] } });

    expect(at(r.findings, 'gen.h')).toMatchObject({
      code: 'TARBALL_ONLY_UNEXPLAINED',
      severity: 'high',
      evidence: { notReplayed: { file: 'Makefile.am', line: 21, refusal: { kind: 'command', args: { command: './gen.sh' } } } },
    });
    expect(at(r.findings, 'tab.h')).toMatchObject({
      code: 'TARBALL_ONLY_UNEXPLAINED',
      severity: 'high',
      evidence: { notReplayed: { file: 'Makefile.am', line: 24, refusal: { kind: 'variable', args: { detail: '$(CC)' } } } },
    });
    expect(r.verdict).toBe('different');
  }, 120_000);

  it('the same release without the two files of unreplayable rules passes the default gate', async () => {
    const r = await run(tampered((d) => ['gen.h', 'tab.h'].forEach((p) => rmSync(join(d, p)))));
    expect(r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical')).toEqual([]);
    expect(r.findings.filter((f) => f.code === 'MAKE_RULE_REPLAYED').map((f) => f.path).sort()).toEqual(['BazQux', 'FooBar', 'README', 'api.gnu.c', 'codes.h', 'datestamp', 'example-copy.c', 'frag/names.gen.c', 'lib/names.h']);
    // the fragment's suffix rule, run from the top as make ran it: $@ is frag/names.gen.c
    expect(at(r.findings, 'frag/names.gen.c')).toMatchObject({ code: 'MAKE_RULE_REPLAYED', severity: 'info', evidence: { file: 'frag/Makefile.am', dir: '', target: 'frag/names.gen.c' } });
    expect(at(r.findings, 'api.gnu.c')).toMatchObject({ code: 'MAKE_RULE_REPLAYED', severity: 'info', evidence: { file: 'Makefile.am', target: 'api.gnu.c', inputs: expect.arrayContaining([{ path: 'api.h', origin: 'git', explainedBy: 'git' }]) } });
    expect(at(r.findings, 'example-copy.c')).toMatchObject({ code: 'MAKE_RULE_REPLAYED', severity: 'info', evidence: { file: 'Makefile.am', line: 27, commands: ['cp ./examples/example.c example-copy.c'] } });
    expect(r.verdict).not.toBe('different');
  }, 120_000);

  it('a shipped output the rule does not write stays high (REGENERATION_MISMATCH, the line shown)', async () => {
    // What a tamperer would change: one entry of the generated table, one forwarding header's include, the stamp.
    const edits: [string, (s: string) => string, string][] = [
      ['codes.h', (s) => s.replace('"Timeout"', '"Timeout; see https://evil.example.invalid"'), '+  "Timeout; see https://evil.example.invalid",'],
      ['FooBar', () => '#include "demo/../../etc/evil.h"\n', '+#include "demo/../../etc/evil.h"'],
      ['datestamp', () => '1700000000\n', '+1700000000'],
      // the copied C file gaining a constructor: not what `cp` of the tracked example writes
      ['example-copy.c', (s) => `${s}__attribute__((constructor)) static void p(void) { system("id"); }\n`, '+__attribute__((constructor)) static void p(void) { system("id"); }'],
      // the suffix rule's output gaining an entry api.h does not declare
      ['api.gnu.c', (s) => s.replace('\tdemo_close,', '\tdemo_close,\n\tdemo_backdoor,'), '+\tdemo_backdoor,'],
      // the fragment's output with the name the rule would write had it run inside frag/
      ['frag/names.gen.c', (s) => s.replace('frag_names_gen_c_names', 'names_gen_c_names'), '+const char *names_gen_c_names[] = {'],
      // fgrep's output gaining a line README.md lacks
      ['README', (s) => `${s}Binaries: see the downloads page.\n`, '+Binaries: see the downloads page.'],
    ];
    for (const [path, edit, line] of edits) {
      const r = await run(tampered((d) => editFile(d, path, edit)));
      const f = at(r.findings, path);
      expect(f.code, path).toBe('REGENERATION_MISMATCH');
      expect(f.severity, path).toBe('high');
      if (f.diff?.kind !== 'text') throw new Error('no text diff');
      expect(f.diff.unified, path).toContain(line);
      expect(r.verdict).toBe('different');
    }
  }, 360_000);
});

describe('checkRecipe', () => {
  const read = (p: string) => ({ 'mk.awk': '{ print $1 }\n', 'bad.awk': '{ system("id") }\n' } as Record<string, string>)[p.replace(/^\.\//, '')];
  it('accepts text tools, built-ins, read-only git, and redirections to the target', () => {
    expect(checkRecipe(['awk -f ./mk.awk x.in >./x.h'], './x.h', read)).toEqual({ tools: new Set(['awk']), asksGit: false });
    expect(checkRecipe(["echo -n \"a\" | tr '[:upper:]' '[:lower:]' >> \"T\"", 'sed -e s/a/b/ x > T-t && mv -f T-t T'], 'T', read)).toEqual({ tools: new Set(['tr', 'sed']), asksGit: false });
    expect(checkRecipe([': >s ; if test -e ../.git; then (cd . && git log -1 --format=%ct -- a.texi 2>/dev/null) >>s; fi'], 's', read)).toEqual({ tools: new Set(['git']), asksGit: true });
    expect(checkRecipe(['fgrep -v "Build Status]" ./README.md > README', "egrep '^[a-z]' x.in > README-t && mv README-t README"], 'README', read)).toEqual({ tools: new Set(['fgrep', 'egrep']), asksGit: false });
  });
  it('refuses everything else, naming it', () => {
    expect(checkRecipe(['./gen.sh > x'], 'x', read)).toEqual({ kind: 'command', args: { command: './gen.sh' } });
    expect(checkRecipe(['cc -o t t.c && ./t > x'], 'x', read)).toEqual({ kind: 'command', args: { command: 'cc' } });
    expect(checkRecipe(['perl -pe 1 a > x'], 'x', read)).toEqual({ kind: 'command', args: { command: 'perl' } });
    expect(checkRecipe(['$CMD > x'], 'x', read)).toEqual({ kind: 'command', args: { command: '$CMD' } });
    expect(checkRecipe(['echo $(id) > x'], 'x', read)).toEqual({ kind: 'syntax', args: { construct: 'command-substitution' } });
    expect(checkRecipe(['echo `./gen.sh` > x'], 'x', read)).toEqual({ kind: 'command', args: { command: './gen.sh' } });
    expect(checkRecipe(['echo a > other'], 'x', read)).toEqual({ kind: 'redirect', args: { target: 'other' } });
    expect(checkRecipe(['git checkout -f'], 'x', read)).toEqual({ kind: 'git-subcommand', args: { subcommand: 'checkout' } });
    expect(checkRecipe(['git log --output=x'], 'x', read)).toEqual({ kind: 'git-subcommand', args: { subcommand: 'log --output=x' } });
    expect(checkRecipe(['awk -f ./bad.awk > x'], 'x', read)).toEqual({ kind: 'awk-program', args: { problem: 'system()' } });
    expect(checkRecipe(['awk -f ./none.awk > x'], 'x', read)).toEqual({ kind: 'awk-program', args: { problem: '-f ./none.awk is not a tracked file' } });
    // Every -f program is read, not only the first; options that add or run programs are refused.
    expect(checkRecipe(['awk -f ./mk.awk -f ./bad.awk > x'], 'x', read)).toEqual({ kind: 'awk-program', args: { problem: 'system()' } });
    expect(checkRecipe(["awk -e 'BEGIN{system(\"id\")}' > x"], 'x', read)).toEqual({ kind: 'awk-program', args: { problem: 'option -e' } });
    expect(checkRecipe(['awk -W exec ./bad.awk > x'], 'x', read)).toEqual({ kind: 'awk-program', args: { problem: 'option -W' } });
    expect(checkRecipe(["awk -F: -vN=1 '{ print $1 }' in > x"], 'x', read)).toEqual({ tools: new Set(['awk']), asksGit: false });
    expect(checkRecipe(["sed -i s/a/b/ Makefile.am"], 'x', read)).toEqual({ kind: 'sed-script', args: { problem: 'in-place' } });
    expect(checkRecipe(['rm -f Makefile.am'], 'x', read)).toEqual({ kind: 'command', args: { command: 'rm' } });
    // touch: the target (or a temporary name beside it) only, -c the only option
    expect(checkRecipe(['if test -f x; then touch x; else ./gen.sh > x.tmp; mv x.tmp x; fi'], 'x', read)).toEqual({ kind: 'command', args: { command: './gen.sh' } });
    expect(checkRecipe(['if test -f x; then touch x; else echo a > x.tmp; mv x.tmp x; fi'], 'x', read)).toEqual({ tools: new Set(['touch']), asksGit: false });
    expect(checkRecipe(['touch -c x'], 'x', read)).toEqual({ tools: new Set(['touch']), asksGit: false });
    expect(checkRecipe(['touch Makefile.am'], 'x', read)).toEqual({ kind: 'command', args: { command: 'touch' } });
    expect(checkRecipe(['touch -r Makefile.am x'], 'x', read)).toEqual({ kind: 'command', args: { command: 'touch' } });
    expect(checkRecipe(['touch -d 2020-01-01 x'], 'x', read)).toEqual({ kind: 'command', args: { command: 'touch' } });
    // a plain `< FILE` is an input operand (a relative path of the tree); `<&` and a path outside are not
    expect(checkRecipe(['cat a < b > x'], 'x', read)).toEqual({ tools: new Set(['cat']), asksGit: false, reads: new Set(['b']) });
    expect(checkRecipe(['cat a <& 3 > x'], 'x', read)).toEqual({ kind: 'redirect', args: { target: '&' } });
    expect(checkRecipe(['cat a < /etc/passwd > x'], 'x', read)).toEqual({ kind: 'redirect', args: { target: '< /etc/passwd' } });
    // cp: one relative source onto the target (libidn2's `cp $< $@`), nothing else
    expect(checkRecipe(['cp ../examples/example-toascii.c example-toascii.c'], 'example-toascii.c', read)).toEqual({ tools: new Set(['cp']), asksGit: false });
    expect(checkRecipe(['cp -p a.c x.tmp && mv x.tmp x'], 'x', read)).toEqual({ tools: new Set(['cp']), asksGit: false });
    expect(checkRecipe(['cp a.c other.c'], 'x', read)).toEqual({ kind: 'command', args: { command: 'cp' } });
    expect(checkRecipe(['cp /etc/passwd x'], 'x', read)).toEqual({ kind: 'command', args: { command: 'cp' } });
    expect(checkRecipe(['cp -r dir x'], 'x', read)).toEqual({ kind: 'command', args: { command: 'cp' } });
    expect(checkRecipe(['cp a.c b.c x'], 'x', read)).toEqual({ kind: 'command', args: { command: 'cp' } });
    expect(checkRecipe(['cp -t x a.c'], 'x', read)).toEqual({ kind: 'command', args: { command: 'cp' } });
  });
});

describe('awkProgramProblem and sedProblem', () => {
  it('an awk program that runs commands or writes files is named; strings and comparisons in parentheses are not', () => {
    expect(awkProgramProblem('{ print "  : ((code >= " start ") && (code <= " stop ")) ? x" }')).toBeUndefined();
    expect(awkProgramProblem('{ print (a > b) }')).toBeUndefined();
    expect(awkProgramProblem('# system("x") in a comment\n{ print $1 }')).toBeUndefined();
    expect(awkProgramProblem('{ system("sh") }')).toBe('system()');
    expect(awkProgramProblem('{ "id" | getline x }')).toBe('| getline');
    expect(awkProgramProblem('{ print $0 > "/build/Makefile.am" }')).toBe('print >');
    expect(awkProgramProblem('{ print $0 | "sh" }')).toBe('print |');
  });
  it('a sed that edits in place, reads a script file, or runs/writes is named', () => {
    expect(sedProblem(['-e', 's|@x@|1|g', '-e', '/^#/d'])).toBeUndefined();
    expect(sedProblem(['-n', '1,/RE/p'])).toBeUndefined();
    expect(sedProblem(['-i', 's/a/b/'])).toBe('in-place');
    expect(sedProblem(['-f', 'x.sed'])).toBe('script file');
    expect(sedProblem(['1e id'])).toBe('e/w/r command');
    expect(sedProblem(['w /build/out'])).toBe('e/w/r command');
    expect(sedProblem(['s/a/id/e'])).toBe('s flag e');
    expect(sedProblem(['s/a/b/w out'])).toBe('s flag w');
  });
});

describe('ruleLine', () => {
  it('is the line where the rule starts, not an assignment of the same name', () => {
    expect(ruleLine('x = 1\n\n$(srcdir)/a.h: a.in\n\tcat a.in >$@\n', '$(srcdir)/a.h')).toBe(3);
    expect(ruleLine('a.h = 1\n', 'a.h')).toBeUndefined();
  });
});
