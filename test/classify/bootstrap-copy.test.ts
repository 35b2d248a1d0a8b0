/**
 * Copies a tracked bootstrap script's loop makes (src/classify/bootstrap-copy.ts): strace 6.1's bootstrap fills
 * tests-m32/ and tests-mx32/ with `ln -s ../"$f" $tests/` of every tests/* (make dist ships the targets' bytes), and
 * edits Makefile.am and *--secontext.c per personality with sed. Through the in-memory core (compare → classify).
 * Twins: a copy with other bytes, a file tests/ lacks, a copy into a directory the loop does not name stay high.
 */
import { describe, expect, it } from 'vitest';
import { bootstrapTreeCopies } from '../../src/classify/bootstrap-copy.js';
import { explain, gitTreeFromFiles } from '../../src/pipeline/memory.js';

// strace 6.1's bootstrap loop (the sed expressions shortened)
const BOOTSTRAP = `#!/bin/sh -eu
./tests/gen_tests.sh

for m in m32 mx32; do
	m_upper=$(echo $m|tr '[a-z]' '[A-Z]')
	tests=tests-$m
	rm -rf $tests
	mkdir $tests
	sed "s/@arch@/@arch_$m@/" \\
		tests/Makefile.am > $tests/Makefile.am
	for f in tests/*; do
		fname="\${f##*/}"
		case "$fname" in
		Makefile*) continue;;
		*--secontext.c)
			sed "s/HAVE_SELINUX_RUNTIME/HAVE_\${m_upper}_SELINUX_RUNTIME/" \\
			    "$f" > $tests/"$fname"
			continue;;
		esac
		ln -s ../"$f" $tests/
	done
done

autoreconf -f -i "$@"
`;
const GIT = {
  bootstrap: BOOTSTRAP,
  'tests/Makefile.am': 'check_PROGRAMS = a\nARCH = @arch@\n',
  'tests/a.c': 'int main(void) { return 0; }\n',
  'tests/run.sh': '#!/bin/sh\n./a\n',
  'tests/gen_tests.sh': '#!/bin/sh\necho generated\n',
  'src/util.c': 'int util(void) { return 1; }\n',
};
const GEN = '#!/bin/sh\n. "${srcdir=.}/init.sh"\nrun_prog\n';
const revision = { tag: 'v6.1', version: '6.1', date: '2022-12-12T00:00:00Z' };
async function run(extra: Record<string, string>) {
  const tarball: Record<string, string> = {};
  for (const [p, c] of Object.entries({ ...GIT, 'tests/a.gen.test': GEN, ...extra })) tarball[`strace-6.1/${p}`] = c;
  const r = await explain({ tarball, git: GIT, revision });
  return Object.fromEntries(r.findings.map((f) => [f.path, f]));
}

describe('copies a tracked bootstrap loop makes', () => {
  it('reads the loop: source, destinations, the ln line', () => {
    expect(bootstrapTreeCopies(BOOTSTRAP, 'bootstrap')).toEqual([{ source: 'tests', dests: ['tests-m32', 'tests-mx32'], recursive: true, script: 'bootstrap', line: 20 }]);
    // a copy into a directory named by a command, or a loop over a computed list, is not read
    expect(bootstrapTreeCopies(BOOTSTRAP.replace('tests=tests-$m', 'tests=$(pwd)/$m'), 'bootstrap')).toEqual([]);
    expect(bootstrapTreeCopies(BOOTSTRAP.replace('for m in m32 mx32', 'for m in $(ls)'), 'bootstrap')).toEqual([]);
  });

  it("tests-m32/ and tests-mx32/ copies of tests/ files are BOOTSTRAP_TREE_COPY; a copy of a generated tests/ file names it; the sed'ed Makefile.am stays high", async () => {
    const f = await run({
      'tests-m32/a.c': GIT['tests/a.c'],
      'tests-mx32/run.sh': GIT['tests/run.sh'],
      'tests-m32/a.gen.test': GEN,
      'tests-m32/Makefile.am': 'check_PROGRAMS = a\nARCH = @arch_m32@\n',
    });
    expect(f['tests-m32/a.c']).toMatchObject({ code: 'BOOTSTRAP_TREE_COPY', severity: 'low', evidence: { source: 'tests/a.c', script: 'bootstrap', line: 20, sourceTracked: true } });
    expect(f['tests-mx32/run.sh']).toMatchObject({ code: 'BOOTSTRAP_TREE_COPY', evidence: { source: 'tests/run.sh', sourceTracked: true } });
    expect(f['tests-m32/a.gen.test']).toMatchObject({ code: 'BOOTSTRAP_TREE_COPY', evidence: { source: 'tests/a.gen.test', sourceTracked: false } });
    // the generated source keeps its own finding
    expect(f['tests/a.gen.test']).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(f['tests-m32/Makefile.am']).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  });

  it("a bootstrap under strace's `/* export-ignore` (not in git archive's export) is read all the same", async () => {
    const g = gitTreeFromFiles(GIT);
    const e = g.tree.entries.get('bootstrap')!;
    g.tree.entries.delete('bootstrap');
    g.tree.exportIgnored.add('bootstrap');
    g.tree.exportIgnoredEntries = new Map([['bootstrap', e]]);
    const tarball: Record<string, string> = {};
    for (const [p, c] of Object.entries({ ...GIT, 'tests-m32/a.c': GIT['tests/a.c'] })) if (p !== 'bootstrap') tarball[`strace-6.1/${p}`] = c;
    const r = await explain({ tarball, git: g, revision });
    expect(r.findings.find((f) => f.path === 'tests-m32/a.c')).toMatchObject({ code: 'BOOTSTRAP_TREE_COPY', evidence: { source: 'tests/a.c', script: 'bootstrap' } });
  });

  it('twins: other bytes, a file tests/ lacks, a directory the loop does not name stay high', async () => {
    const f = await run({
      'tests-m32/a.c': '__attribute__((constructor)) static void p(void) { system("id"); }\nint main(void) { return 0; }\n',
      'tests-mx32/payload.bin': 'MZ\u0000\u0001',
      'tests-x86/a.c': GIT['tests/a.c'],
    });
    for (const p of ['tests-m32/a.c', 'tests-mx32/payload.bin', 'tests-x86/a.c']) expect(f[p], p).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  });
});
