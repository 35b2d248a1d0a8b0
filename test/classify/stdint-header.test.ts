/**
 * AX_CREATE_STDINT_H's short-circuit header shipped by the release (fontconfig 2.14.1's src/fcstdint.h), end to end
 * with real git and GNU tar, nothing run: computed from the tracked configure.ac and macro. Tampered twins — an added
 * typedef, another package string, code in the compiler comment, a changed macro — stay high.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { findingAt } from '../helpers/findings.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const MACRO = `AC_DEFUN([AX_CREATE_STDINT_H],
[ac_stdint_h=\`echo ifelse($1, , _stdint.h, $1)\`
AC_CONFIG_COMMANDS([$ac_stdint_h],[
ac_stdint=$tmp/_stdint.h
echo "#ifndef" $_ac_stdint_h >$ac_stdint
echo "#define" $_ac_stdint_h "1" >>$ac_stdint
echo "#ifndef" _GENERATED_STDINT_H >>$ac_stdint
echo "#define" _GENERATED_STDINT_H '"'$PACKAGE $VERSION'"' >>$ac_stdint
echo "/* generated $ac_cv_stdint_message */" >>$ac_stdint
if test "_$ac_cv_header_stdint_t" != "_" ; then
echo "#define _STDINT_HAVE_STDINT_H" "1" >>$ac_stdint
echo "#include <stdint.h>" >>$ac_stdint
echo "#endif" >>$ac_stdint
echo "#endif" >>$ac_stdint
fi
],[PACKAGE="$PACKAGE"
_ac_stdint_h=AS_TR_CPP(_$PACKAGE-$ac_stdint_h)
])
])
`;
const TRACKED = {
  'configure.ac': 'AC_INIT([demo], [1.0], [https://bugs.example.org/demo])\nAX_CREATE_STDINT_H([src/demostdint.h])\nAC_OUTPUT\n',
  'm4/ax_create_stdint_h.m4': MACRO,
  'src/demo.c': '#include "demostdint.h"\n',
};
const HEADER = `#ifndef _DEMO_SRC_DEMOSTDINT_H
#define _DEMO_SRC_DEMOSTDINT_H 1
#ifndef _GENERATED_STDINT_H
#define _GENERATED_STDINT_H "demo 1.0"
/* generated using gnu compiler gcc (GCC) 12.2.1 20220819 (Red Hat 12.2.1-2) */
#define _STDINT_HAVE_STDINT_H 1
#include <stdint.h>
#endif
#endif
`;

describe("AX_CREATE_STDINT_H's header shipped by the release", () => {
  const root = tempDir();
  const cache = join(root, 'cache');
  let n = 0;
  const run = async (header: string, tracked: Record<string, string> = TRACKED) => {
    const repo = makeRepo(join(root, `repo${++n}`));
    repo.commit(tracked, 'demo', '2024-03-05T10:00:00Z');
    repo.tag('v1.0');
    const dir = join(root, `t${n}`, 'demo-1.0');
    writeFiles(dir, { ...tracked, 'src/demostdint.h': header });
    return verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'demo-1.0.tar.gz') }), repo: repo.dir, cacheDir: cache });
  };

  it('the short-circuit form, computed: explained, the gate passes', async () => {
    const r = await run(HEADER);
    expect(findingAt(r.findings, 'src/demostdint.h')).toMatchObject({
      code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'computed', source: 'configure.ac', generator: 'AX_CREATE_STDINT_H', inputs: ['m4/ax_create_stdint_h.m4'] },
    });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('tampered twins stay high', async () => {
    const cases: [string, Record<string, string>?][] = [
      [HEADER.replace('#include <stdint.h>\n', '#include <stdint.h>\ntypedef int uint32_t;\n')],
      [HEADER.replace('"demo 1.0"', '"demo 0.9"')],
      [HEADER.replace('(Red Hat 12.2.1-2) */', '*/ #define free(p) /* */')],
      [HEADER, { ...TRACKED, 'm4/ax_create_stdint_h.m4': MACRO.replace('echo "#include <stdint.h>" >>$ac_stdint', 'echo "#include <stdint.h>" >>$ac_stdint; echo "#define X 1" >>$ac_stdint') }],
    ];
    for (const [header, tracked] of cases) {
      const r = await run(header, tracked);
      expect(findingAt(r.findings, 'src/demostdint.h')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(exitCodeOf(r.verdict)).toBe(1);
    }
  });
});
