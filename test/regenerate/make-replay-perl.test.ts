/**
 * make-replay of tracked perl scripts (src/regenerate/make-replay.ts, perlScript): a rule that writes a shipped file
 * by running a perl script of the tag — mosh 1.4.0's `base64_vector.cc: $(srcdir)/genbase64.pl` / `echo '#include
 * "base64_vector.h"' > base64_vector.cc || rm …` / `perl $(srcdir)/genbase64.pl >> base64_vector.cc || rm …`, and
 * libidn2 2.3.3's `$(IDNA_INC): $(IDNA_TXT) $(srcdir)/gen-utc-test.pl` / `$(srcdir)/gen-utc-test.pl < $< > $@` (the
 * script run by its path, a `#!/usr/bin/perl` shebang). The release is made by the real autotools (`make dist` runs
 * both rules); the replay runs them in the sandbox on the tracked files and compares byte for byte. Twins: an edited
 * output is REGENERATION_MISMATCH (high); a rule running `perl -e`, an untracked script or a script with another
 * shebang is not replayed.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import { checkRecipe, perlScript } from '../../src/regenerate/make-replay.js';
import { autotoolsRelease, editFile } from './release.js';

const GENVEC = `#!/usr/bin/perl
use strict;
use warnings;
use MIME::Base64;

my @vectors = ("\\x00\\x01\\x02", "\\xff\\xfe", "distdiff");
print "static const char *vectors[][2] = {\\n";
for my $v (@vectors) {
    printf "    { \\"%s\\", \\"%s\\" },\\n", join('', map { sprintf '\\\\x%02x', ord } split //, $v), encode_base64($v, '');
}
print "};\\n";
`;
const GENTAB = `#!/usr/bin/perl -w
# reads a table on stdin, writes C
my $n = 0;
while (<>) {
    chomp;
    next unless /^[A-Z]/;
    my ($k, $v) = split /;/;
    print "{ \\"$k\\", $v }, /* line $. */\\n";
    $n++;
}
print "/* $n entries */\\n";
`;
const MAKEFILE_AM = `EXTRA_DIST = genvec.pl gentab.pl table.txt vectors.inc table.inc
BUILT_SOURCES = vectors.inc table.inc

vectors.inc: $(srcdir)/genvec.pl
\t$(AM_V_GEN)echo '/* vectors.inc */' > vectors.inc || rm vectors.inc
\t$(AM_V_GEN)perl $(srcdir)/genvec.pl >> vectors.inc || rm vectors.inc

table.inc: table.txt $(srcdir)/gentab.pl
\t$(srcdir)/gentab.pl < $< > $@
`;

const rel = autotoolsRelease({
  prefix: 'distdiff-replay-perl-',
  name: 'perlgen',
  files: {
    'configure.ac': 'AC_INIT([perlgen], [1.0], [bugs@example.invalid])\nAM_INIT_AUTOMAKE([foreign])\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n',
    'Makefile.am': MAKEFILE_AM,
    'genvec.pl': { content: GENVEC, executable: true },
    'gentab.pl': { content: GENTAB, executable: true },
    'table.txt': '# name;value\nALPHA;1\nBETA;2\nlowercase;3\nGAMMA;5\n',
  },
});
const at = (fs: Finding[], path: string) => fs.find((f) => f.path === path)!;

describe('a rule running a tracked perl script, replayed in the sandbox', () => {
  it('both outputs are MAKE_RULE_REPLAYED: the script an input, perl a tool; the release is clean', async () => {
    const r = await rel.run(rel.tarball);
    const v = at(r.findings, 'vectors.inc');
    expect(v).toMatchObject({ code: 'MAKE_RULE_REPLAYED', severity: 'info' });
    if (v.code !== 'MAKE_RULE_REPLAYED') throw new Error('not replayed');
    expect(v.evidence.commands).toEqual(["echo '/* vectors.inc */' > vectors.inc || rm vectors.inc", 'perl ./genvec.pl >> vectors.inc || rm vectors.inc']);
    expect(v.evidence.inputs.map((i) => i.path)).toEqual(['Makefile.am', 'genvec.pl']);
    expect(v.evidence.tools.map((t) => t.name)).toEqual(['perl', 'sh']);
    expect(v.evidence.tools[0]!.version).toMatch(/^This is perl 5, version \d+/);
    const t = at(r.findings, 'table.inc');
    expect(t).toMatchObject({ code: 'MAKE_RULE_REPLAYED', severity: 'info' });
    if (t.code !== 'MAKE_RULE_REPLAYED') throw new Error('not replayed');
    expect(t.evidence.commands).toEqual(['./gentab.pl < table.txt > table.inc']);
    expect(t.evidence.inputs.map((i) => i.path)).toEqual(['Makefile.am', 'gentab.pl', 'table.txt']);
    expect(r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical')).toEqual([]);
  }, 300_000);

  it('an output the script did not write is REGENERATION_MISMATCH (high), the changed line shown', async () => {
    const r = await rel.run(rel.tampered((d) => editFile(d, 'table.inc', (s) => s.replace('{ "BETA", 2 }', '{ "BETA", 7 }'))));
    const f = at(r.findings, 'table.inc');
    expect(f).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
    if (f.diff?.kind !== 'text') throw new Error('no text diff');
    expect(f.diff.unified).toContain('+{ "BETA", 7 }, /* line 3 */');
    expect(at(r.findings, 'vectors.inc').code).toBe('MAKE_RULE_REPLAYED');
    const r2 = await rel.run(rel.tampered((d) => editFile(d, 'vectors.inc', (s) => `${s}system("id");\n`)));
    expect(at(r2.findings, 'vectors.inc').severity).toMatch(/^(high|critical)$/);
    expect(r2.verdict).toBe('different');
  }, 300_000);
});

describe('which perl scripts a recipe may run', () => {
  const files: Record<string, string> = { 'gen.pl': GENTAB, 'sub/gen.pl': GENVEC, 'gen.py': '#!/usr/bin/python3\nprint(1)\n', 'env.pl': '#!/usr/bin/env perl\n1;\n', 'flags.pl': '#!/usr/bin/perl -T\n1;\n' };
  const read = (p: string) => files[p.replace(/^\.\//, '')];
  it('perl [-w] SCRIPT, or a path whose shebang is perl; a tracked relative script only', () => {
    expect(perlScript('perl', ['./gen.pl', 'x'], read)).toBe('gen.pl');
    expect(perlScript('perl', ['-w', 'sub/gen.pl'], read)).toBe('sub/gen.pl');
    expect(perlScript('./gen.pl', [], read)).toBe('gen.pl');
    expect(perlScript('./env.pl', [], read)).toBe('env.pl');
    // another shebang, a perl shebang with other flags, a name with no path (a program of $PATH)
    expect(perlScript('./gen.py', [], read)).toBeUndefined();
    expect(perlScript('./flags.pl', [], read)).toBeUndefined();
    expect(perlScript('gen.pl', [], read)).toBeUndefined();
    // perl with a program text, an option, an untracked, absolute or escaping script
    expect(perlScript('perl', ['-e', 'print 1'], read)).toBeUndefined();
    expect(perlScript('perl', ['-Mstrict', 'gen.pl'], read)).toBeUndefined();
    expect(perlScript('perl', ['-n', 'gen.pl'], read)).toBeUndefined();
    expect(perlScript('perl', ['other.pl'], read)).toBeUndefined();
    expect(perlScript('perl', ['/usr/share/x.pl'], read)).toBeUndefined();
    expect(perlScript('perl', ['../gen.pl'], read)).toBeUndefined();
    expect(perlScript('perl', [], read)).toBeUndefined();
  });
  it('checkRecipe: perl is a tool, the script recorded; anything else stays refused', () => {
    const readProgram = (p: string) => read(p);
    expect(checkRecipe(['perl ./gen.pl < table.txt > t.inc'], 't.inc', readProgram)).toEqual({ tools: new Set(['perl']), asksGit: false, reads: new Set(['table.txt']), perlScripts: new Set(['gen.pl']) });
    expect(checkRecipe(['perl -e "print 1" > t.inc'], 't.inc', readProgram)).toEqual({ kind: 'command', args: { command: 'perl' } });
    expect(checkRecipe(['./gen.py > t.inc'], 't.inc', readProgram)).toEqual({ kind: 'command', args: { command: './gen.py' } });
    // the script's output still goes to the target only
    expect(checkRecipe(['perl gen.pl > ../elsewhere.inc'], 't.inc', readProgram)).toEqual({ kind: 'redirect', args: { target: '../elsewhere.inc' } });
  });
});
