/**
 * Release scripts replayed (src/regenerate/make-replay.ts, planScripts): memcached 1.6.18's version.m4, which no make
 * rule names, is written by the tracked version.sh — `git describe | sed s/-/_/g > version.num.tmp`, `mv`, then
 * `echo "m4_define([VERSION_NUMBER], [\`tr -d '\n' < version.num\`])" > version.m4` — and configure.ac m4_includes it.
 * The script's text passes the recipe allow-list (in a tree of its own it may write and read any relative path there)
 * and runs against the read-only git view of the tag; the file then explains the configure that reads it. The release
 * is made by the real tools (the script, autoreconf, make dist). Tampered twins: version.m4 with another version stays
 * REGENERATION_MISMATCH high; a script that runs `date` is refused, its file TARBALL_ONLY_UNEXPLAINED high.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import { checkRecipe } from '../../src/regenerate/make-replay.js';
import { autotoolsRelease, editFile, sh } from './release.js';

const VERSION_SH = `#!/bin/sh

if git describe | sed -e s/^v// -e s/-/_/g > version.num.tmp
then
    mv version.num.tmp version.num
    echo "m4_define([VERSION_NUMBER], [\`tr -d '\\n' < version.num\`])" \\
        > version.m4
else
    rm version.num.tmp
fi
`;

const rel = autotoolsRelease({
  prefix: 'distdiff-replay-relscript-',
  name: 'demo',
  files: {
    'configure.ac': 'm4_include([version.m4])\nAC_INIT([demo], [VERSION_NUMBER], [bugs@example.invalid])\nAM_INIT_AUTOMAKE([foreign])\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n',
    'Makefile.am': 'EXTRA_DIST = version.m4 version.sh stamp.txt stamp.sh\n',
    'version.sh': { content: VERSION_SH, executable: true },
    'stamp.sh': { content: '#!/bin/sh\ndate -u +%Y > stamp.txt\n', executable: true },
  },
  prepare: (repo) => sh(repo, './version.sh && ./stamp.sh'),
});
const at = (fs: Finding[], path: string) => fs.find((f) => f.path === path)!;

describe('a release script replayed', () => {
  it('version.m4 is MAKE_RULE_REPLAYED by version.sh at the tag; configure, which reads it, is proved; the date script stays high', async () => {
    const r = await rel.run(rel.tarball);
    const f = at(r.findings, 'version.m4');
    expect(f).toMatchObject({
      code: 'MAKE_RULE_REPLAYED',
      severity: 'info',
      evidence: { file: 'version.sh', line: 7, target: 'version.m4', inputs: [{ path: 'version.sh', origin: 'git' }] },
    });
    if (f.code !== 'MAKE_RULE_REPLAYED') throw new Error('not replayed');
    expect(f.evidence.commands).toEqual([VERSION_SH.replace(/\n+$/, '')]);
    expect(f.evidence.procedureSteps[0]).toMatchObject({ kind: 'git-checkout', args: { commit: rel.commit } });
    expect(at(r.findings, 'configure')).toMatchObject({ code: 'GENERATED_BY_AUTOTOOLS', evidence: { proof: { proved: true } } });
    expect(at(r.findings, 'stamp.txt')).toMatchObject({
      code: 'TARBALL_ONLY_UNEXPLAINED',
      severity: 'high',
      evidence: { notReplayed: { file: 'stamp.sh', line: 2, refusal: { kind: 'command', args: { command: 'date' } } } },
    });
  }, 300_000);

  it('version.m4 with another version stays high (REGENERATION_MISMATCH, the line shown)', async () => {
    const r = await rel.run(rel.tampered((d) => editFile(d, 'version.m4', (s) => s.replace('[1.0]', '[1.0.1]'))));
    const f = at(r.findings, 'version.m4');
    expect(f).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
    if (f.diff?.kind !== 'text') throw new Error('no text diff');
    expect(f.diff.unified).toContain('+m4_define([VERSION_NUMBER], [1.0.1])');
  }, 300_000);
});

describe('checkRecipe for a release script (inTree)', () => {
  it('any relative path of its own tree may be written and read; an absolute path, .. or a variable may not', () => {
    const ok = checkRecipe(['sed s/a/b/ < in/x.in > out/x; mv out/x out/y'], 'z', () => undefined, { inTree: true });
    expect(ok).toEqual({ tools: new Set(['sed']), asksGit: false, reads: new Set(['in/x.in']) });
    expect(checkRecipe(['sed s/a/b/ < in > out'], 'z', () => undefined)).toEqual({ kind: 'redirect', args: { target: 'out' } });
    expect(checkRecipe(['cat < /etc/passwd > z'], 'z', () => undefined, { inTree: true })).toEqual({ kind: 'redirect', args: { target: '< /etc/passwd' } });
    expect(checkRecipe(['cat a > ../z'], 'z', () => undefined, { inTree: true })).toEqual({ kind: 'redirect', args: { target: '../z' } });
    expect(checkRecipe(['cat a > "$HOME/z"'], 'z', () => undefined, { inTree: true })).toMatchObject({ kind: 'redirect' });
    expect(checkRecipe(['mv a /tmp/b'], 'z', () => undefined, { inTree: true })).toEqual({ kind: 'command', args: { command: 'mv' } });
  });
});

describe('checkRecipe: a plain `< FILE` in a make recipe (nano 5.4: `groff -t -mandoc -Thtml < $? > $@`)', () => {
  it('reads a relative path of the tree, named among the reads; <&, <>, <(…), <<<, an absolute path, .. or a variable are refused', () => {
    expect(checkRecipe(["sed 's/^#.*//' < ./codes.h.in > codes.h"], 'codes.h', () => undefined)).toEqual({ tools: new Set(['sed']), asksGit: false, reads: new Set(['codes.h.in']) });
    expect(checkRecipe(['tr a-z A-Z < sub/x.in > x.h.tmp && mv x.h.tmp x.h'], 'x.h', () => undefined)).toEqual({ tools: new Set(['tr']), asksGit: false, reads: new Set(['sub/x.in']) });
    // the command itself is still judged: groff is no text tool of the allow-list
    expect(checkRecipe(['groff -t -mandoc -Thtml < nano.1 > nano.1.html'], 'nano.1.html', () => undefined)).toEqual({ kind: 'command', args: { command: 'groff' } });
    const refused = (line: string) => checkRecipe([line], 'h', () => undefined);
    expect(refused('cat <&3 > h')).toEqual({ kind: 'redirect', args: { target: '&' } });
    expect(refused('cat <> x > h')).toEqual({ kind: 'redirect', args: { target: '>' } });
    expect(refused('cat < <(id) > h')).toEqual({ kind: 'redirect', args: { target: '<' } });
    expect(refused('cat <<< "$(id)" > h')).toMatchObject({ kind: 'syntax' });
    expect(refused('cat < /etc/passwd > h')).toEqual({ kind: 'redirect', args: { target: '< /etc/passwd' } });
    expect(refused('cat < ../../x > h')).toEqual({ kind: 'redirect', args: { target: '< ../../x' } });
    expect(refused('cat < "$IN" > h')).toEqual({ kind: 'redirect', args: { target: '< $' } });
    expect(refused('cat < a.in > other')).toEqual({ kind: 'redirect', args: { target: 'other' } });
  });
});
