/**
 * Distribution patches of a generator that change every output, undone in the shipped file before the
 * comparison — exactly, or not at all — and listed in the evidence's `normalisations`.
 *
 * Debian's autoconf 2.69 (2.69-11 and later; Fedora's too) carries the `--runstatedir` option backported
 * from autoconf 2.70: every configure it writes has 13 more lines than GNU autoconf 2.69's. The blocks
 * below are those lines as they appear in real releases (derived by diffing GNU autoconf 2.69's
 * regeneration against the shipped configure of libtool 2.4.7 and less 590, see docs/regeneration.md):
 * each must occur exactly once, in its context, or nothing is undone.
 */
import type { Normalisation } from '../core/regeneration.js';

const RUNSTATEDIR: readonly [string, string][] = [
  ['\nincludedir\nrunstatedir\nlocalstatedir\n', '\nincludedir\nlocalstatedir\n'],
  ["\nlocalstatedir='${prefix}/var'\nrunstatedir='${localstatedir}/run'\n", "\nlocalstatedir='${prefix}/var'\n"],
  [
    '\n  -runstatedir | --runstatedir | --runstatedi | --runstated \\\n' +
      '  | --runstate | --runstat | --runsta | --runst | --runs \\\n' +
      '  | --run | --ru | --r)\n' +
      '    ac_prev=runstatedir ;;\n' +
      '  -runstatedir=* | --runstatedir=* | --runstatedi=* | --runstated=* \\\n' +
      '  | --runstate=* | --runstat=* | --runsta=* | --runst=* | --runs=* \\\n' +
      '  | --run=* | --ru=* | --r=*)\n' +
      '    runstatedir=$ac_optarg ;;\n' +
      '\n',
    '\n',
  ],
  ['\n\t\tlibdir localedir mandir runstatedir\n', '\n\t\tlibdir localedir mandir\n'],
  ['\n  --runstatedir=DIR       modifiable per-process data [LOCALSTATEDIR/run]\n', '\n'],
];

/** Count of non-overlapping occurrences of `needle` in `s`. */
function occurrences(s: string, needle: string): number {
  let n = 0;
  for (let i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + needle.length)) n++;
  return n;
}

/**
 * The shipped configure with Debian's autoconf 2.69 `--runstatedir` lines removed, when every block occurs
 * exactly once; undefined otherwise.
 */
export function undoRunstatedir(shipped: string): { text: string; normalisation: Normalisation } | undefined {
  let text = shipped;
  for (const [patched, plain] of RUNSTATEDIR) {
    if (occurrences(text, patched) !== 1) return undefined;
    text = text.replace(patched, () => plain);
  }
  return { text, normalisation: { kind: 'debian-runstatedir', args: {} } };
}

/**
 * Debian's autoconf 2.69 also `AC_SUBST`s runstatedir, and automake writes every substituted variable of
 * configure.ac's trace into each Makefile.in: one more line, in its sorted place. Undone exactly once, or
 * not at all (a release made with Debian's 2.69 regenerated with GNU's).
 */
const RUNSTATEDIR_MAKEFILE: readonly [string, string] = ['\npsdir = @psdir@\nrunstatedir = @runstatedir@\nsbindir = @sbindir@\n', '\npsdir = @psdir@\nsbindir = @sbindir@\n'];

export function undoRunstatedirMakefile(shipped: string): { text: string; normalisation: Normalisation } | undefined {
  const [patched, plain] = RUNSTATEDIR_MAKEFILE;
  if (occurrences(shipped, patched) !== 1) return undefined;
  return { text: shipped.replace(patched, () => plain), normalisation: { kind: 'debian-runstatedir-makefile', args: {} } };
}
