/**
 * The one Makefile reader (src/util/makefile.ts), in both its readings: the classifiers' (one fragment,
 * recipes as joined lines, loose expansion) and the regeneration's (a Makefile.am with its includes, recipes
 * as make hands them to the shell, strict expansion). Same text, same rules.
 */
import { describe, expect, it } from 'vitest';
import { expandLoose, expandMake, MakeExpandError, parseMakefile, parseMakefileAm, recipeForShell, recipeJoined, resolveRule } from '../../src/util/makefile.js';

const AM = [
  '## an automake comment',
  'EXTRA_DIST = a.txt # a make comment',
  'STAMP ?= stamp',
  'STAMP ?= other',
  'FLAGS = -a',
  'FLAGS += -b',
  'if COND',
  'out.txt: in.txt ; cat in.txt > $@; echo done',
  'else',
  'endif',
  '$(srcdir)/gen.h: gen.sh Makefile.am',
  '\t$(AM_V_GEN)sh gen.sh \\',
  '\t  $(FLAGS) > $@-t && \\',
  '\tmv $@-t $@',
  'if COND',
  '\techo second branch',
  'endif',
  'include %D%/sub/local.mk',
  '\tthis tab line follows an include: no rule owns it',
  '',
].join('\n');
const LOCAL = 'SUB = %D%\n%D%/x.stamp:\n\techo stamp > $@\n';

describe('src/util/makefile.ts', () => {
  it('one fragment: variables, comments, conditionals read through, inline and continued recipes', () => {
    const mk = parseMakefile(AM, 'Makefile.am');
    expect(Object.fromEntries(mk.vars)).toEqual({ EXTRA_DIST: 'a.txt', STAMP: 'stamp', FLAGS: '-a -b' });
    expect(mk.rules.map((r) => [r.targets, r.prerequisites, r.recipe, r.file])).toEqual([
      [['out.txt'], ['in.txt'], ['cat in.txt > $@; echo done'], 'Makefile.am'],
      [['$(srcdir)/gen.h'], ['gen.sh', 'Makefile.am'], ['$(AM_V_GEN)sh gen.sh \\\n\t  $(FLAGS) > $@-t && \\\n\tmv $@-t $@', 'echo second branch'], 'Makefile.am'],
    ]);
    // The two readings of a continued recipe line.
    const line = mk.rules[1]!.recipe[0]!;
    expect(recipeForShell(line)).toBe('$(AM_V_GEN)sh gen.sh \\\n  $(FLAGS) > $@-t && \\\nmv $@-t $@');
    expect(recipeJoined(line)).toBe('$(AM_V_GEN)sh gen.sh  \t  $(FLAGS) > $@-t &&  \tmv $@-t $@');
  });

  it('the classifiers read the same rules, recipes joined', () => {
    const mk = parseMakefile(AM);
    expect(mk.rules.map((r) => r.recipe.map(recipeJoined))).toEqual([['cat in.txt > $@; echo done'], ['$(AM_V_GEN)sh gen.sh  \t  $(FLAGS) > $@-t &&  \tmv $@-t $@', 'echo second branch']]);
    expect(expandLoose('$(srcdir)/%D%/$(FLAGS) $(UNKNOWN) $$x', mk.vars, 'lib')).toBe('./lib/-a -b $(UNKNOWN) $$x');
  });

  it('a Makefile.am with its includes: %D% relative to the Makefile.am, and a rule resolved strictly for the shell', () => {
    const files: Record<string, string> = { 'pkg/Makefile.am': AM, 'pkg/sub/local.mk': LOCAL };
    const am = parseMakefileAm('pkg/Makefile.am', (p) => files[p]);
    expect(am.files).toEqual(['pkg/Makefile.am', 'pkg/sub/local.mk']);
    expect(am.vars.get('SUB')).toBe('sub');
    expect(am.rules.map((r) => `${r.file}: ${r.targets.join(' ')}`)).toEqual(['pkg/Makefile.am: out.txt', 'pkg/Makefile.am: $(srcdir)/gen.h', 'pkg/sub/local.mk: sub/x.stamp']);
    const values = new Map([['srcdir', '.'], ['AM_V_GEN', '']]);
    const gen = resolveRule(am, 'pkg/gen.h', values)!;
    expect(gen).toMatchObject({ target: './gen.h', prereqs: ['pkg/gen.sh', 'pkg/Makefile.am'], undefinedVars: [] });
    expect(gen.commands).toEqual(['sh gen.sh \\\n  -a -b > ./gen.h-t && \\\nmv ./gen.h-t ./gen.h', 'echo second branch']);
    expect(resolveRule(am, 'pkg/sub/x.stamp', values)?.commands).toEqual(['echo stamp > sub/x.stamp']);
    expect(resolveRule(am, 'pkg/none', values)).toBeUndefined();
  });

  // p11-kit 0.25.5's p11-kit/Makefile.am: `SUFFIXES += .h .gnu.c`, `.h.gnu.c:` and recipe-less `p11-kit/uri.gnu.c: p11-kit/uri.h`
  it('a suffix rule `.A.B:` makes X.B from X.A when no rule with a recipe names X.B (A and B among SUFFIXES)', () => {
    const AM_P11 =
      'SUFFIXES = .in\nSUFFIXES += .h .gnu.c\n\np11-kit/uri.gnu.c: p11-kit/uri.h\n\n.h.gnu.c:\n\t$(AM_V_GEN) src=$<; dst=$@; rm -f $@-t $@ && \\\n\t{ echo "/* x */"; cat $$src; sed -n -e \'s/^\\(p11_kit_[a-z_]*\\) *(.*/\\1,/p\' $<; } > $@-t && mv -f $@-t $@\n\nother.c: other.h\n\techo explicit > $@\n';
    const am = parseMakefileAm('Makefile.am', (p) => (p === 'Makefile.am' ? AM_P11 : undefined));
    const values = new Map([['srcdir', '.'], ['AM_V_GEN', '']]);
    const r = resolveRule(am, 'p11-kit/uri.gnu.c', values)!;
    expect(r).toMatchObject({ target: 'p11-kit/uri.gnu.c', prereqs: ['p11-kit/uri.h'], undefinedVars: [] });
    expect(r.commands[0]).toMatch(/^src=p11-kit\/uri\.h; dst=p11-kit\/uri\.gnu\.c; rm -f p11-kit\/uri\.gnu\.c-t p11-kit\/uri\.gnu\.c/);
    expect(r.commands[0]).toContain('cat $src;');
    // the same suffix without a recipe-less rule: still the suffix rule, the source only
    expect(resolveRule(am, 'lib/pin.gnu.c', values)).toMatchObject({ target: 'lib/pin.gnu.c', prereqs: ['lib/pin.h'] });
    // an explicit rule with a recipe wins; a suffix SUFFIXES does not list, or no suffix rule: nothing
    expect(resolveRule(am, 'other.c', values)?.commands).toEqual(['echo explicit > other.c']);
    expect(resolveRule(am, 'x.gnu.o', values)).toBeUndefined();
    const noSuffixes = parseMakefileAm('Makefile.am', (p) => (p === 'Makefile.am' ? AM_P11.replace(/SUFFIXES.*\n/g, '') : undefined));
    expect(resolveRule(noSuffixes, 'p11-kit/uri.gnu.c', values)).toBeUndefined();
  });

  it('GNU make conditionals, an assignment indented inside one, substitution references', () => {
    const mk = parseMakefile('ifeq ($(V),1)\n\tQ =\nelse\n\tQ = @\nendif\nSRCS = a.c b.c\nall: x\nifdef DEBUG\n\techo $(SRCS:.c=.o)\nendif\n');
    expect(Object.fromEntries(mk.vars)).toEqual({ Q: '@', SRCS: 'a.c b.c' });
    expect(mk.rules.map((r) => [r.targets, r.recipe])).toEqual([[['all'], ['echo $(SRCS:.c=.o)']]]);
    expect(expandLoose('$(SRCS:.c=.o) $(SRCS:%.c=obj/%.o) $(NONE:.c=.o)', mk.vars, '')).toBe('a.o b.o obj/a.o obj/b.o $(NONE:.c=.o)');
  });

  it('strict expansion refuses what make would compute and we do not', () => {
    expect(() => expandMake('$(shell date)', new Map(), new Map())).toThrow(MakeExpandError);
    expect(() => expandMake('$(NOWHERE)', new Map(), new Map())).toThrow('$(NOWHERE), which neither the Makefile.am nor configure');
    const undef = new Set<string>();
    expect(expandMake('a$(NOWHERE)b $(X:.c=.o)', new Map([['X', 'p.c q.c']]), new Map(), {}, undef)).toBe('ab p.o q.o');
    expect([...undef]).toEqual(['NOWHERE']);
  });
});
