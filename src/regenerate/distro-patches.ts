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
 * A line number where m4's `__oline__` puts one, N the line's own number in configure: `$as_me:N:` (gnulib's
 * threadlib.m4), `configure:N:` and `#line N "configure"` (hand-written AC_TRY_COMPILE-style checks: libxml2 2.9.14's
 * `echo configure:__oline__:` and `#line __oline__ "configure"`).
 */
const OLINE = /(\$as_me:|\bconfigure:|^#line )(\d+)(?=:|\s+"configure"$)/g;
const MARK = '\u0000oline\u0000';

/**
 * The shipped configure with Debian's autoconf 2.69 `--runstatedir` lines removed, when every block occurs
 * exactly once; undefined otherwise. The patch's 12 added lines also move every later line, so an `__oline__`
 * number (OLINE) whose N is that line's own number in the shipped file (libgpg-error 1.46's threadlib checks,
 * libxml2 2.9.14's conftest lines) is given its number in the unpatched file; any other number is left as it is.
 */
export function undoRunstatedir(shipped: string): { text: string; normalisation: Normalisation } | undefined {
  if (shipped.includes('\u0000')) return undefined;
  let renumbered = 0;
  let text = shipped
    .split('\n')
    .map((l, i) => l.replace(OLINE, (m, pre: string, n: string) => (Number(n) === i + 1 ? (renumbered++, `${pre}${MARK}`) : m)))
    .join('\n');
  for (const [patched, plain] of RUNSTATEDIR) {
    if (occurrences(text, patched) !== 1) return undefined;
    text = text.replace(patched, () => plain);
  }
  if (renumbered) text = text.split('\n').map((l, i) => l.split(MARK).join(String(i + 1))).join('\n');
  return { text, normalisation: { kind: 'debian-runstatedir', args: renumbered ? { renumbered } : {} } };
}

/**
 * Debian's autoconf 2.69 (since 2.69-6; Ubuntu's too) also carries upstream's AC_SYS_LARGEFILE fix from
 * autoconf 2.70: `((off_t) 1 << 31) << 31` in place of `(off_t) 1 << 62`, which is undefined when off_t is
 * 32 bits wide (debian/changelog: "lib/autoconf/specific.m4: Use ((off_t) 1 << 31) << 31 in place of
 * (off_t) 1 << 62"). Every `#define LARGE_OFF_T` line that AC_SYS_LARGEFILE expands to carries it; each
 * such line, exactly as the patched specific.m4 writes it, is put back in GNU 2.69's form. No other line
 * is touched, so anything else that differs still differs.
 */
const LARGE_OFF_T: readonly [string, string] = [
  '\n#define LARGE_OFF_T ((((off_t) 1 << 31) << 31) - 1 + (((off_t) 1 << 31) << 31))\n',
  '\n#define LARGE_OFF_T (((off_t) 1 << 62) - 1 + ((off_t) 1 << 62))\n',
];

export function undoLargefile(shipped: string): { text: string; normalisation: Normalisation } | undefined {
  const [patched, plain] = LARGE_OFF_T;
  const lines = occurrences(shipped, patched);
  if (lines === 0) return undefined;
  return { text: shipped.split(patched).join(plain), normalisation: { kind: 'debian-largefile', args: { lines } } };
}

/**
 * Debian's autoconf 2.69 patches undone in a shipped configure: the runstatedir block (all of it or none)
 * and the LARGE_OFF_T lines; undefined when neither is there.
 */
export function undoDebianAutoconf(shipped: string): { text: string; normalisations: Normalisation[] } | undefined {
  const normalisations: Normalisation[] = [];
  let text = shipped;
  for (const undo of [undoRunstatedir, undoLargefile]) {
    const r = undo(text);
    if (!r) continue;
    text = r.text;
    normalisations.push(r.normalisation);
  }
  return normalisations.length ? { text, normalisations } : undefined;
}

/**
 * Debian's autoconf 2.69 also `AC_SUBST`s runstatedir, and automake writes every substituted variable of
 * configure.ac's trace into each Makefile.in, sorted: one more line, in its sorted place — after psdir in most
 * projects, after pythondir where AM_PATH_PYTHON substitutes pyexecdir/pythondir (gpgme 1.18.0), before whatever
 * project variable sorts next. Removed only when it occurs exactly once, between two `NAME = @NAME@` lines whose
 * names sort before and after `runstatedir` (byte order, as automake sorts); not at all otherwise (a release made
 * with Debian's 2.69 regenerated with GNU's).
 */
const RUNSTATEDIR_LINE = '\nrunstatedir = @runstatedir@\n';
const SUBST_LINE = /^([A-Za-z_][A-Za-z0-9_]*) = @([A-Za-z_][A-Za-z0-9_]*)@$/;

export function undoRunstatedirMakefile(shipped: string): { text: string; normalisation: Normalisation } | undefined {
  if (occurrences(shipped, RUNSTATEDIR_LINE) !== 1) return undefined;
  const at = shipped.indexOf(RUNSTATEDIR_LINE);
  const before = shipped.slice(shipped.lastIndexOf('\n', at - 1) + 1, at);
  const afterStart = at + RUNSTATEDIR_LINE.length;
  const afterEnd = shipped.indexOf('\n', afterStart);
  const after = shipped.slice(afterStart, afterEnd < 0 ? shipped.length : afterEnd);
  const b = SUBST_LINE.exec(before);
  const a = SUBST_LINE.exec(after);
  if (!b || !a || b[1] !== b[2] || a[1] !== a[2] || !(b[1]! < 'runstatedir' && 'runstatedir' < a[1]!)) return undefined;
  return { text: shipped.slice(0, at) + shipped.slice(at + RUNSTATEDIR_LINE.length - 1), normalisation: { kind: 'debian-runstatedir-makefile', args: {} } };
}

/**
 * automake's default ARFLAGS became `cr` in 1.16.90 (upstream commit 8cdbdda5a, 2023-11-21, "make the ARFLAGS default
 * 'cr' instead of 'cru'": an `ar` built with --enable-deterministic-archives warns about `u`); distributions patched
 * their earlier automakes with that change (Fedora's — the commit's author maintains it there), so a release made
 * with one ships `ARFLAGS = cr` where the GNU release of its automake writes `ARFLAGS = cru` (libconfig 1.7.3's
 * tinytest/Makefile.in, automake 1.15). Put back — `made` (this automake's output) holding exactly one
 * `ARFLAGS = cru` line and the shipped file exactly one `ARFLAGS = cr` line and no `cru` one — or not at all; the
 * caller then compares the whole text, so the line must also stand in the same place.
 */
const ARFLAGS_CRU = '\nARFLAGS = cru\n';
const ARFLAGS_CR = '\nARFLAGS = cr\n';

export function undoArflagsCr(made: string, shipped: string): { text: string; normalisation: Normalisation } | undefined {
  if (occurrences(made, ARFLAGS_CRU) !== 1 || occurrences(shipped, ARFLAGS_CR) !== 1 || occurrences(shipped, ARFLAGS_CRU) !== 0) return undefined;
  return { text: shipped.replace(ARFLAGS_CR, () => ARFLAGS_CRU), normalisation: { kind: 'automake-arflags-cr', args: {} } };
}

/**
 * automake commit 749468ac6 (2016-03-28, "automake: port better to future gzip", released in 1.15.1) changed the
 * dist rules from `GZIP=$(GZIP_ENV) gzip` to `eval GZIP= gzip $(GZIP_ENV)` (gzip deprecates the GZIP variable);
 * a distribution's automake 1.15 carrying that change writes 1.15.1's lines under 1.15's stamp (gcal 4.1's
 * Makefile.in: four lines, dist-gzip, dist-shar and distcheck's two). Put back — `made` (this automake's output)
 * holding the old form and no `eval GZIP=`, the shipped file the new form as often as `made` has the old one and
 * no old form left — or not at all; the caller then compares the whole text, so every such line must also stand
 * in the same place, and nothing else may differ.
 */
const GZIP_OLD = 'GZIP=$(GZIP_ENV) gzip ';
const GZIP_NEW = 'eval GZIP= gzip $(GZIP_ENV) ';

export function undoGzipEval(made: string, shipped: string): { text: string; normalisation: Normalisation } | undefined {
  const lines = occurrences(made, GZIP_OLD);
  if (!lines || made.includes('eval GZIP=') || occurrences(shipped, GZIP_NEW) !== lines || occurrences(shipped, GZIP_OLD) !== 0) return undefined;
  return { text: shipped.split(GZIP_NEW).join(GZIP_OLD), normalisation: { kind: 'automake-gzip-eval', args: { lines } } };
}
