/**
 * The header autoconf-archive's AX_CREATE_STDINT_H writes at configure time when the system has <stdint.h>, shipped
 * by the release (fontconfig 2.14.1's src/fcstdint.h, `AX_CREATE_STDINT_H([src/fcstdint.h])` in configure.ac). Nothing
 * is run; the file is computed from the tracked macro and configure.ac and must be identical:
 *   - the tracked configure.ac calls AX_CREATE_STDINT_H naming exactly this path;
 *   - the tracked macro file (m4/ax_create_stdint_h.m4 or any tracked .m4 defining it) carries the nine echo lines of
 *     the short-circuit form this model stands for (a changed macro proves nothing);
 *   - the header is those nine lines: the guard `_PACKAGE-PATH` as AS_TR_CPP spells it, `_GENERATED_STDINT_H` as
 *     "PACKAGE VERSION" (AC_INIT's package or tarname, the release version), the comment the macro fills with the
 *     maintainer's compiler (`/* generated using gnu compiler … *\/`: printable text, no `*\/` inside, at most 200
 *     characters — the only free text), `_STDINT_HAVE_STDINT_H 1`, `#include <stdint.h>` and the two `#endif`.
 * The configured form (no <stdint.h> on the maintainer's machine: typedefs the macro computes) is not modelled.
 */
import { makeFinding } from '../core/severity.js';
import { baseOf } from './paths.js';
import { admits } from './precheck.js';
import type { Classifier } from './types.js';

const MAX_BYTES = 1024;
/** The macro's code lines the model stands for (ax_create_stdint_h.m4, serial 20 and earlier). */
const MACRO_LINES = [
  'echo "#ifndef" $_ac_stdint_h >$ac_stdint',
  'echo "#define" $_ac_stdint_h "1" >>$ac_stdint',
  'echo "#ifndef" _GENERATED_STDINT_H >>$ac_stdint',
  `echo "#define" _GENERATED_STDINT_H '"'$PACKAGE $VERSION'"' >>$ac_stdint`,
  'echo "/* generated $ac_cv_stdint_message */" >>$ac_stdint',
  'echo "#define _STDINT_HAVE_STDINT_H" "1" >>$ac_stdint',
  'echo "#include <stdint.h>" >>$ac_stdint',
  '_ac_stdint_h=AS_TR_CPP(_$PACKAGE-$ac_stdint_h)',
];

/** autoconf's AS_TR_CPP: upper case, every character but letters, digits and `_` as `_`. */
const trCpp = (s: string) => s.toUpperCase().replace(/[^A-Z0-9_]/g, '_');

const candidate: NonNullable<Classifier['candidate']> = (diff) =>
  diff.status === 'tarball-only' && diff.tarball?.type === 'file' && diff.tarball.size <= MAX_BYTES && /\.h$/.test(baseOf(diff.path));

export const stdintHeaderClassifier: Classifier = {
  id: 'ax-create-stdint-h',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    if (!/\.h$/.test(baseOf(diff.path)) || !ctx.revision.version) return undefined;
    const b = ctx.content.tarball(diff.path);
    if (!b || b.length > MAX_BYTES || b.includes(0)) return undefined;
    const ac = ['configure.ac', 'configure.in'].find((p) => ctx.gitPaths.has(p));
    if (!ac) return undefined;
    const conf = (await ctx.content.git(ac))?.toString('utf8') ?? '';
    const calls = [...conf.matchAll(/^\s*AX_CREATE_STDINT_H\(\s*\[?([^\],)\s]+)\]?\s*[,)]/gm)].map((m) => m[1]!);
    if (!calls.includes(diff.path)) return undefined;
    let macro: string | undefined;
    for (const p of [...ctx.gitPaths].filter((x) => x.endsWith('.m4')).sort((a, c) => Number(!a.endsWith('ax_create_stdint_h.m4')) - Number(!c.endsWith('ax_create_stdint_h.m4')))) {
      const t = (await ctx.content.git(p))?.toString('utf8');
      if (!t || !/AC_DEFUN\(\s*\[?AX_CREATE_STDINT_H\b/.test(t)) continue;
      const lines = new Set(t.split('\n').map((l) => l.trim()));
      if (MACRO_LINES.every((l) => lines.has(l))) macro = p;
      break;
    }
    if (!macro) return undefined;
    const init = /AC_INIT\(\s*\[?([^\],]+?)\]?\s*,\s*\[?[^\],]*\]?\s*(?:,\s*\[?[^\],]*\]?\s*(?:,\s*\[?([^\],]+?)\]?\s*)?)?[,)]/.exec(conf);
    if (!init) return undefined;
    const packages = [init[1]!.trim(), init[2]?.trim(), init[1]!.trim().toLowerCase().replace(/^gnu\s+/, '').replace(/\s+/g, '-')].filter((x): x is string => !!x);
    const lines = b.toString('utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    if (lines.length !== 9) return undefined;
    const comment = /^\/\* generated ([ -~]{1,200}) \*\/$/.exec(lines[4]!);
    if (!comment || comment[1]!.includes('*/') || comment[1]!.includes('/*')) return undefined;
    for (const pkg of new Set(packages)) {
      const guard = trCpp(`_${pkg}-${diff.path}`);
      const want = [`#ifndef ${guard}`, `#define ${guard} 1`, '#ifndef _GENERATED_STDINT_H', `#define _GENERATED_STDINT_H "${pkg} ${ctx.revision.version}"`, lines[4]!, '#define _STDINT_HAVE_STDINT_H 1', '#include <stdint.h>', '#endif', '#endif'];
      if (want.every((l, i) => l === lines[i]))
        return makeFinding('GENERATED_FROM_SOURCE', diff.path, { how: 'computed', source: ac, generator: 'AX_CREATE_STDINT_H', inputs: [macro] });
    }
    return undefined;
  },
};
