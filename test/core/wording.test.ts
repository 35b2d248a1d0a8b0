/**
 * Typed notes worded in one place (core/wording.ts): every cause of SUBMODULE_UNAVAILABLE, its exact line in
 * the reports, and the `reason` the JSON report adds for schema 1 readers (the result data has none).
 */
import { describe, expect, it } from 'vitest';
import type { Note, SubmoduleMiss } from '../../src/core/result.js';
import { failureLine, noteJson, noteText, submoduleMissText } from '../../src/core/wording.js';
import { commandFailure } from '../../src/regenerate/sandbox.js';

const commit = '0123456789abcdef0123456789abcdef01234567';
const note = (cause: SubmoduleMiss, pinned = commit): Extract<Note, { code: 'SUBMODULE_UNAVAILABLE' }> => ({ code: 'SUBMODULE_UNAVAILABLE', name: 'gnulib', path: 'gnulib', commit: pinned, cause });

describe('SUBMODULE_UNAVAILABLE causes', () => {
  const cases: [SubmoduleMiss, string][] = [
    [{ kind: 'pin-not-commit', revision: 'stable-202401' }, "bootstrap.conf's GNULIB_REVISION=stable-202401 is not a full commit id, so it pins no gnulib version by itself; pass --submodule gnulib=REPO with a gnulib clone that has the branch stable-202401 (its last commit not after the tag's date is used)"],
    [{ kind: 'no-url' }, '.gitmodules names no URL for it; pass --submodule'],
    [{ kind: 'relative-url', url: '../gnulib.git' }, '../gnulib.git: relative URL ../gnulib.git and --repo is not a URL; pass --submodule gnulib=REPO'],
    [{ kind: 'local-url', url: '/srv/gnulib' }, '/srv/gnulib: a local path in .gitmodules is not followed; pass --submodule gnulib=REPO'],
    [{ kind: 'invalid-url', url: 'x::y', error: 'not a repository' }, 'x::y: not a repository; pass --submodule gnulib=REPO'],
    [{ kind: 'unreachable', repo: 'git://127.0.0.1:1/gnulib.git', error: 'cannot clone' }, 'git://127.0.0.1:1/gnulib.git: cannot clone'],
    [{ kind: 'commit-missing', repo: 'https://example.invalid/gnulib.git', error: 'no such commit' }, `https://example.invalid/gnulib.git lacks commit ${commit.slice(0, 12)} (no such commit)`],
    [{ kind: 'not-pinned' }, 'the compared revision pins no such submodule'],
  ];

  it('each cause has its line (every kind of the union listed here)', () => {
    for (const [cause, line] of cases) expect(submoduleMissText(note(cause)), cause.kind).toBe(line);
    expect(new Set(cases.map(([c]) => c.kind)).size).toBe(8);
  });

  it('the report line: pinned at a commit, or a --submodule that named nothing', () => {
    expect(noteText(note({ kind: 'no-url' }))).toBe(`submodule gnulib (gnulib/) pinned at ${commit.slice(0, 12)} not available: .gitmodules names no URL for it; pass --submodule; its copies are judged without it`);
    expect(noteText(note({ kind: 'not-pinned' }, ''))).toBe('--submodule gnulib: the compared revision pins no such submodule');
  });

  it('the JSON report adds reason after cause; other notes pass unchanged; an old report (reason only) keeps its reason', () => {
    const j = noteJson(note({ kind: 'not-pinned' }, ''));
    expect(j).toEqual({ code: 'SUBMODULE_UNAVAILABLE', name: 'gnulib', path: 'gnulib', commit: '', cause: { kind: 'not-pinned' }, reason: 'the compared revision pins no such submodule' });
    expect(Object.keys(j)).toEqual(['code', 'name', 'path', 'commit', 'cause', 'reason']);
    const other: Note = { code: 'PREFIX_STRIPPED', prefix: 'x-1.0' };
    expect(noteJson(other)).toBe(other);
    expect(submoduleMissText({ code: 'SUBMODULE_UNAVAILABLE', name: 'g', path: 'g', commit: '', reason: 'offline' } as never)).toBe('offline');
  });
});

describe('a failed command, in one line', () => {
  const run = (stderr: string) => ({ code: 1, signal: null, timedOut: false, stdout: '', stderr }) as unknown as Parameters<typeof commandFailure>[0];
  it("keeps the tail and, when the tail says no error, the first line that does (a compiler's, above `compilation terminated.`)", () => {
    const cc = "In file included from gen.c:3:\ngen.c:37:10: fatal error: PCSC/pcsclite.h: No such file or directory\n   37 | #include \"PCSC/pcsclite.h\"\n      |          ^~~~~\ncompilation terminated.\n";
    const f = commandFailure(run(cc));
    expect(f).toEqual({ timedOut: false, exit: 1, stderr: 'gen.c:37:10: fatal error: PCSC/pcsclite.h: No such file or directory |       |          ^~~~~ | compilation terminated.' });
    expect(failureLine(f.stderr)).toBe('gen.c:37:10: fatal error: PCSC/pcsclite.h: No such file or directory');
    // an error line already in the tail is not repeated; without one, the last line speaks
    expect(commandFailure(run('a\nb\nmake: *** [x] Error 2\n')).stderr).toBe('b | make: *** [x] Error 2');
    expect(failureLine('one\ntwo\nthree')).toBe('three');
    expect(failureLine('')).toBe('');
    expect(failureLine(`error: ${'x'.repeat(300)}`)).toHaveLength(200);
  });
});
