/**
 * A generated file that a tracked make rule edits in place after automake ran (libtool's $(stamp_mk) on
 * libltdl/Makefile.in), end to end: a project built here whose top Makefile.am has a rule looping over sub/'s
 * files and sed-ing every one outside a configure substitution out of sub/Makefile.in (`sed … > "$T" && mv -f
 * "$T" FILE`), released by the real `autoreconf -fi`, `make` (which runs the rule) and `make dist`. distdiff
 * regenerates sub/Makefile.in in the sandbox, computes the rule over automake's output (never running it) and
 * proves the shipped file, the rule listed as a normalisation. Tampered twins stay high.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalisationText } from '../../src/core/wording.js';
import { builtinVars, parseMakefileAm } from '../../src/util/makefile.js';
import { findPostEditRule, postEdit, shellTokens, substValues } from '../../src/regenerate/post-edit.js';
import { autotoolsRelease, byPath, editFile } from './release.js';

const TOP_AM = `SUBDIRS = sub
sub_in = $(srcdir)/sub/Makefile.in
stamp_sub = $(srcdir)/sub/stamp-sub
all-local: $(stamp_sub)

# Don't let files we do not ship leak into sub/Makefile.in.
$(stamp_sub): $(sub_in)
\t$(AM_V_at)T='$(srcdir)/sub/Makefile.tmp'; \\
\tfor p in $(srcdir)/sub/*; do \\
\t  test -f "$$p" || continue; \\
\t  f=\`echo "$$p" | $(SED) 's|^$(srcdir)/sub/||'\`; \\
\t  case " $(kept_files) Makefile Makefile.am Makefile.in " in \\
\t    *" $$f "*) ;; \\
\t    *) '$(SED)' \\
\t\t  -e 's| '"$$f"'$$||' \\
\t\t  -e 's| '"$$f"' | |' \\
\t\t'$(sub_in)' > "$$T" \\
\t\t  && mv -f "$$T" '$(sub_in)';; \\
\t  esac; \\
\tdone
\t$(AM_V_GEN)echo stamp > '$@'
`;

const fixture = autotoolsRelease({
  prefix: 'distdiff-post-edit-',
  name: 'pedemo',
  files: {
    'configure.ac': 'AC_INIT([pedemo], [1.0], [bugs@example.invalid])\nAC_CONFIG_AUX_DIR([build-aux])\nAM_INIT_AUTOMAKE([foreign])\nAC_PROG_SED\nkept_files="keep.txt"\nAC_SUBST([kept_files])\nAC_CONFIG_FILES([Makefile sub/Makefile])\nAC_OUTPUT\n',
    'Makefile.am': TOP_AM,
    'sub/Makefile.am': 'EXTRA_DIST = notes.txt old.txt keep.txt\n',
    'sub/keep.txt': 'kept\n',
    'sub/notes.txt': 'notes\n',
    'sub/old.txt': 'old\n',
  },
  build: 'autoreconf -fi && ./configure -q && make -s && make -s dist',
});

const { tampered, run } = fixture;

describe('a Makefile.in edited in place by a tracked make rule', () => {
  it('the fixture: the rule ran after automake and left only keep.txt in EXTRA_DIST', () => {
    const shipped = readFileSync(join(fixture.distDir, 'pedemo-1.0/sub/Makefile.in'), 'latin1');
    expect(shipped).toMatch(/^EXTRA_DIST = keep\.txt$/m);
  });

  it('automake regenerates it, the rule computed over its output gives the shipped file: proved, the rule listed', async () => {
    const r = await run(fixture.tarball);
    const f = byPath(r.findings)['sub/Makefile.in']!;
    if (f.code !== 'GENERATED_BY_AUTOTOOLS' || !f.evidence.proof?.proved || f.evidence.proof.method !== 'regenerated') throw new Error(`sub/Makefile.in: ${f.code} ${JSON.stringify(f.evidence)}`);
    expect(f.severity).toBe('info');
    const steps = f.evidence.proof.normalisationSteps;
    expect(steps.map((s) => s.kind)).toEqual(['make-rule-post-edit']);
    const step = steps[0]!;
    if (step.kind !== 'make-rule-post-edit') throw new Error('kind');
    expect(step.args.file).toBe('Makefile.am');
    expect(step.args.target).toBe('./sub/stamp-sub');
    expect(step.args.commands[0]).toContain(`case " keep.txt Makefile Makefile.am Makefile.in " in`);
    expect(step.args.commands[1]).toBe("echo stamp > './sub/stamp-sub'");
    expect(normalisationText(step)).toMatch(/^edited in place after the generator ran by the rule of Makefile\.am for \.\/sub\/stamp-sub, computed over the generator's output \(never run\): T='\.\/sub\/Makefile\.tmp'; /);
    expect(f.evidence.proof.inputs.map((i) => i.path)).toEqual(['Makefile.am', 'configure.ac', 'sub/Makefile.am']);
    expect(r.findings.filter((x) => x.severity === 'high' || x.severity === 'critical')).toEqual([]);
  }, 180_000);

  it('tampered twins stay high: a file the rule keeps removed too, a flag added (the rule kept: only the flag shows)', async () => {
    const twin = async (edit: (s: string) => string) => {
      const r = await run(tampered((d) => editFile(d, 'sub/Makefile.in', edit)));
      const f = byPath(r.findings)['sub/Makefile.in']!;
      expect(r.verdict).toBe('different');
      if (f.code !== 'REGENERATION_MISMATCH' || f.diff?.kind !== 'text') throw new Error(`sub/Makefile.in: ${f.code}`);
      expect(f.severity).toBe('high');
      return { evidence: f.evidence, unified: f.diff.unified ?? '' };
    };
    // Removing keep.txt as well: the rule's edit leaves as many lines differing, so automake's own output is shown.
    const removed = await twin((s) => s.replace(/^EXTRA_DIST = keep\.txt$/m, 'EXTRA_DIST ='));
    expect(removed.evidence.normalisationSteps).toEqual([]);
    expect(removed.unified).toContain('-EXTRA_DIST = notes.txt old.txt keep.txt');
    // A flag added: the rule's edit is kept (fewer lines differ) and listed, and the diff shows only the flag.
    const flag = await twin((s) => s.replace(/^(EXTRA_DIST = keep\.txt)$/m, '$1\nAM_CFLAGS = -fno-stack-protector'));
    expect(flag.evidence.normalisationSteps.map((n) => n.kind)).toEqual(['make-rule-post-edit']);
    expect(flag.evidence.differingLines).toBe(1);
    expect(flag.unified).toContain('+AM_CFLAGS = -fno-stack-protector');
    expect(flag.unified).not.toContain('notes.txt');
  }, 240_000);
});

describe('the rule evaluated (pure)', () => {
  const am = parseMakefileAm('Makefile.am', (p) => (p === 'Makefile.am' ? TOP_AM : undefined));
  const values = new Map([...builtinVars('.'), ['kept_files', 'keep.txt']]);
  const files = new Set(['Makefile.am', 'sub/Makefile.am', 'sub/Makefile.in', 'sub/keep.txt', 'sub/notes.txt', 'sub/old.txt']);
  const world = { files, tracked: () => undefined, target: 'sub/Makefile.in' };
  const made = 'A = 1\nEXTRA_DIST = notes.txt old.txt keep.txt\n';

  it('finds the rule by its prerequisite and computes the edit', () => {
    const rule = findPostEditRule(am, 'sub/Makefile.in', values)!;
    expect(rule.target).toBe('./sub/stamp-sub');
    expect(postEdit(rule, '', world, made)).toBe('A = 1\nEXTRA_DIST = keep.txt\n');
    expect(findPostEditRule(am, 'other/Makefile.in', values)).toBeUndefined();
  });

  it('a plain `< FILE` is sed\'s standard input: the edited file only; another file, another command or `<&` prove nothing', () => {
    const rule = findPostEditRule(am, 'sub/Makefile.in', values)!;
    const withCommand = (c: string) => ({ ...rule, commands: [c] });
    expect(postEdit(withCommand("sed -e 's|1|2|' < './sub/Makefile.in' > sub/t && mv -f sub/t './sub/Makefile.in'"), '', world, made)).toBe('A = 2\nEXTRA_DIST = notes.txt old.txt keep.txt\n');
    expect(postEdit(withCommand("sed -e 's|1|2|' < './sub/keep.txt' > sub/t && mv -f sub/t './sub/Makefile.in'"), '', world, made)).toBeUndefined();
    expect(postEdit(withCommand("echo x < './sub/Makefile.in' > sub/t && mv -f sub/t './sub/Makefile.in'"), '', world, made)).toBeUndefined();
    expect(postEdit(withCommand("sed -e 's|1|2|' <& 0 > sub/t && mv -f sub/t './sub/Makefile.in'"), '', world, made)).toBeUndefined();
  });

  it('anything outside the modelled shell proves nothing', () => {
    const rule = findPostEditRule(am, 'sub/Makefile.in', values)!;
    const withCommand = (c: string) => ({ ...rule, commands: [c] });
    expect(postEdit(withCommand("rm -f './sub/Makefile.in'"), '', world, made)).toBeUndefined();
    expect(postEdit(withCommand("sed -e 's|x||' './sub/Makefile.in' > ../outside"), '', world, made)).toBeUndefined();
    expect(postEdit(withCommand("sed -e 's|x||' './sub/Makefile.in' > './sub/Makefile.in'"), '', world, made)).toBeUndefined();
    expect(postEdit(withCommand('T=`cat /etc/passwd`'), '', world, made)).toBeUndefined();
    expect(postEdit(withCommand("eval 'echo hi'"), '', world, made)).toBeUndefined();
    expect(postEdit(withCommand("sed -i -e 's|x||' './sub/Makefile.in'"), '', world, made)).toBeUndefined();
    expect(postEdit(withCommand("T=t; sed -e 's|1|2|' './sub/Makefile.in' > \"$T\" && mv -f \"$T\" './sub/Makefile.in'"), 'sub', { ...world, files: new Set([...files, 'sub/t']) }, made)).toBeUndefined();
    expect(postEdit(withCommand("T=./sub/t; sed -e 's|1|2|' './sub/Makefile.in' > \"$T\" && mv -f \"$T\" './sub/Makefile.in'"), '', world, made)).toBe('A = 2\nEXTRA_DIST = notes.txt old.txt keep.txt\n');
    expect(shellTokens('a < b')).toHaveLength(3); // read: sed's input (above)
    expect(() => shellTokens('a & b')).toThrow();
    expect(() => shellTokens('a 0< b')).toThrow();
  });

  it('extract-trace of a tracked configure.ac: its macro\'s first argument', () => {
    const rule = {
      file: 'Makefile.am',
      target: 'x',
      commands: ["T=./t; d=`GREP='grep' ./build-aux/extract-trace AC_CONFIG_AUX_DIR ./sub/configure.ac`; sed -e \"s|$d/gone ||\" './sub/Makefile.in' > \"$T\" && mv -f \"$T\" './sub/Makefile.in'"],
    };
    const w = { files: new Set([...files, 'build-aux/extract-trace']), tracked: (p: string) => (p === 'sub/configure.ac' ? 'AC_INIT([x], [1])\nAC_CONFIG_AUX_DIR([../build-aux])\n' : undefined), target: 'sub/Makefile.in' };
    expect(postEdit(rule, '', w, 'DIST = ../build-aux/gone ../build-aux/kept\n')).toBe('DIST = ../build-aux/kept\n');
    expect(postEdit(rule, '', { ...w, tracked: () => undefined }, 'DIST = ../build-aux/gone\n')).toBeUndefined();
    expect(postEdit(rule, '', { ...w, files }, 'DIST = ../build-aux/gone\n')).toBeUndefined();
  });

  it("configure's values: traced AC_SUBST values, else configure.ac's one literal assignment", () => {
    const v = substValues('aux_dir=build-aux\nkept_files=\nSED=\nmulti=\n', 'kept_files="a b"\nmulti=x\nmulti=y\nSED=$ac_cv_path_SED\n');
    expect(Object.fromEntries(v)).toEqual({ aux_dir: 'build-aux', kept_files: 'a b' });
  });
});
