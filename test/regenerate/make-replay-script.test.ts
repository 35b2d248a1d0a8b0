/**
 * make-replay of a recipe line that runs a tracked shell script (src/regenerate/make-replay.ts, inlineScripts) and of
 * GNU make's $(if …) / $(wildcard …) (src/util/makefile.ts, MakeFunctions): qrencode 4.1.1's top Makefile.am writes
 * README with `README_markdown_optional := $(wildcard README.md)` / `README: $(README_markdown_optional)` /
 * `$(if $(README_markdown_optional), ./makeREADME.sh)`, the script one sed (a `1 { … }` block) of README.md. The
 * script's text stands for the line and passes the same allow-list. The fixture is made by the real autotools
 * (`make dist` runs the script). Tampered twins: a README with an added line stays REGENERATION_MISMATCH high; a
 * script that runs anything else (`date`) or reads its arguments is refused and its output stays high.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import { inlineScripts } from '../../src/regenerate/make-replay.js';
import { expandMake, MakeExpandError } from '../../src/util/makefile.js';
import { autotoolsRelease, editFile } from './release.js';

const MAKEFILE_AM = `EXTRA_DIST = README STAMP

# qrencode's Makefile.am
README_markdown_optional := $(wildcard README.md)
README: $(README_markdown_optional)
	    $(if $(README_markdown_optional), ./makeREADME.sh)

# a script that runs something else than text tools
STAMP: stamp.sh
	./stamp.sh
`;
const MAKE_README = `#!/bin/sh

sed '/^\`\`\`$/d
/^\\*\\*Attention/d
s/DWITH\\\\_TESTS/DWITH_TESTS/
1 {
	s/^# //
	s/encoding library.*/encoding library/
}
' README.md > README
`;
const README_MD = `# demo - a QR Code encoding library [![build](https://ci.example.invalid/badge.svg)]

**Attention:** this is the development tree.

Configure with \`cmake -DWITH\\_TESTS=ON\`:

\`\`\`
cmake .
\`\`\`
`;

const rel = autotoolsRelease({
  prefix: 'distdiff-replay-script-',
  name: 'demo',
  files: {
    'configure.ac': 'AC_INIT([demo], [1.0], [bugs@example.invalid])\nAM_INIT_AUTOMAKE([foreign -Wno-portability])\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n',
    'Makefile.am': MAKEFILE_AM,
    'README.md': README_MD,
    'makeREADME.sh': { content: MAKE_README, executable: true },
    'stamp.sh': { content: '#!/bin/sh\ndate -u +%Y > STAMP\n', executable: true },
  },
});
const at = (fs: Finding[], path: string) => fs.find((f) => f.path === path)!;

describe('a tracked script run by a make rule, replayed as its text', () => {
  it('README is MAKE_RULE_REPLAYED with the script and README.md its inputs; the script running date stays high', async () => {
    const r = await rel.run(rel.tarball);
    const f = at(r.findings, 'README');
    expect(f).toMatchObject({
      code: 'MAKE_RULE_REPLAYED',
      severity: 'info',
      evidence: {
        file: 'Makefile.am',
        line: 5,
        target: 'README',
        inputs: [
          { path: 'Makefile.am', origin: 'git' },
          { path: 'README.md', origin: 'git' },
          { path: 'makeREADME.sh', origin: 'git' },
        ],
      },
    });
    if (f.code !== 'MAKE_RULE_REPLAYED') throw new Error('not replayed');
    expect(f.evidence.commands).toEqual([MAKE_README.replace(/\n+$/, '')]);
    expect(at(r.findings, 'STAMP')).toMatchObject({
      code: 'TARBALL_ONLY_UNEXPLAINED',
      severity: 'high',
      evidence: { notReplayed: { file: 'Makefile.am', refusal: { kind: 'command', args: { command: 'date' } } } },
    });
  }, 300_000);

  it('a README with a line the sed does not write stays high (REGENERATION_MISMATCH, the line shown)', async () => {
    const r = await rel.run(rel.tampered((d) => editFile(d, 'README', (s) => s.replace('cmake .\n', 'cmake .\nmake install-everything\n'))));
    const f = at(r.findings, 'README');
    expect(f).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
    if (f.diff?.kind !== 'text') throw new Error('no text diff');
    expect(f.diff.unified).toContain('+make install-everything');
  }, 300_000);
});

describe('inlineScripts', () => {
  const files: Record<string, string> = {
    'gen.sh': "#!/bin/sh\nsed 's/a/b/' in > out\n",
    'args.sh': '#!/bin/sh\nsed "s/a/$1/" in > out\n',
    'bash.sh': "#!/bin/bash\nsed 's/a/b/' in > out\n",
    'dollar-quoted.sh': "#!/bin/sh\nsed 's/x$/y/;s/$1//' in > out\n",
  };
  // as the replay answers: the path relative to the makefile's directory, a tracked file's repository path and text
  const read = (w: string) => {
    const p = w.replace(/^\.\//, '');
    return p in files ? { path: p, text: files[p]! } : undefined;
  };
  it('a line that only runs a tracked /bin/sh script becomes its text; arguments, other shells, untracked scripts stay as written', () => {
    expect(inlineScripts(['./gen.sh'], read)).toEqual({ commands: ["#!/bin/sh\nsed 's/a/b/' in > out"], scripts: ['gen.sh'] });
    expect(inlineScripts(['sh gen.sh', '/bin/sh ./gen.sh'], read)).toMatchObject({ scripts: ['gen.sh', 'gen.sh'] });
    expect(inlineScripts(['./args.sh'], read)).toEqual({ kind: 'command', args: { command: './args.sh (reads its arguments)' } });
    expect(inlineScripts(['./bash.sh'], read)).toEqual({ kind: 'command', args: { command: './bash.sh (/bin/bash script)' } });
    expect(inlineScripts(['./dollar-quoted.sh'], read)).toMatchObject({ scripts: ['dollar-quoted.sh'] });
    // with arguments, or not tracked: left as written (checkRecipe then refuses the command)
    expect(inlineScripts(['./gen.sh x'], read)).toEqual({ commands: ['./gen.sh x'], scripts: [] });
    expect(inlineScripts(['./other.sh'], read)).toEqual({ commands: ['./other.sh'], scripts: [] });
  });
});

describe('make functions in a replayed rule', () => {
  const fns = { wildcard: (w: string) => (w === 'README.md' ? w : w === 'gone.md' ? '' : undefined) };
  it('$(if …) and $(wildcard NAME) only when the caller answers; a pattern or an unknown name is refused', () => {
    const vars = new Map([['opt', '$(wildcard README.md)'], ['none', '$(wildcard gone.md)']]);
    expect(expandMake('$(if $(opt), ./makeREADME.sh)', vars, new Map(), {}, undefined, 0, fns)).toBe(' ./makeREADME.sh');
    expect(expandMake('$(if $(none),yes,no)', vars, new Map(), {}, undefined, 0, fns)).toBe('no');
    expect(() => expandMake('$(wildcard *.md)', vars, new Map(), {}, undefined, 0, fns)).toThrow(MakeExpandError);
    expect(() => expandMake('$(wildcard secret.md)', vars, new Map(), {}, undefined, 0, fns)).toThrow(/secret\.md/);
    expect(() => expandMake('$(if $(opt),x)', vars, new Map())).toThrow(/make function \$\(if/);
    expect(() => expandMake('$(shell id)', vars, new Map(), {}, undefined, 0, fns)).toThrow(/make function \$\(shell/);
  });
});
