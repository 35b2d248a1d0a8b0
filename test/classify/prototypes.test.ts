/**
 * A prototype header made by a tracked make rule from the tracked C files (less's funcs.h), end to end with
 * real git and GNU tar; a novel prototype or a line from nowhere stays high.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { provePrototypes, ruleKeyword } from '../../src/classify/prototypes.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const MAKEFILE = "SRC = main.c util.c\nall: funcs.h\nfuncs.h: ${SRC:%=${srcdir}/%}\n\t-mv -f ${srcdir}/funcs.h ${srcdir}/funcs.h.old\n\tgrep -h '^public [^;]*$$' ${SRC:%=${srcdir}/%} | sed 's/$$/;/' >${srcdir}/funcs.h\n";
const MAIN_C = '#include "less.h"\npublic int main(int argc, char **argv)\n{\n\treturn 0;\n}\npublic void quit(int status)\n{\n}\nstatic void helper(void);\n';
const UTIL_C = '#include "less.h"\npublic char * save(constant char *s)\n{\n\treturn 0;\n}\n';
const FUNCS_H = 'public int main(int argc, char **argv);\npublic void quit(int status);\npublic char * save(constant char *s);\n';

describe('prototype header from a tracked make rule', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  const tracked = { 'Makefile.aut': MAKEFILE, 'main.c': MAIN_C, 'util.c': UTIL_C };
  repo.commit(tracked, 'sources', '2024-02-20T10:00:00Z');
  repo.tag('v1');
  const cache = join(root, 'cache');
  let n = 0;
  const finding = async (funcs: string) => {
    const dir = join(root, `t${++n}`, 'p-1');
    writeFiles(dir, { ...tracked, 'funcs.h': funcs });
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'p-1.tar.gz') }), repo: repo.dir, cacheDir: cache });
    const f = r.findings.find((x) => x.path === 'funcs.h');
    return { code: f?.code, severity: f?.severity, evidence: f?.evidence, verdict: r.verdict };
  };

  it('explains funcs.h by the rule and the sources', async () => {
    expect(await finding(FUNCS_H)).toMatchObject({
      code: 'GENERATED_FROM_SOURCE', severity: 'low',
      evidence: { how: 'extracted', generator: "Makefile.aut rule: grep '^public '", source: 'main.c', found: 3, total: 3, others: ['util.c'] },
    });
  });

  it('a novel prototype or a dropped one stays high', async () => {
    expect(await finding(FUNCS_H + 'public int system(const char *cmd);\n')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', verdict: 'different' });
    expect(await finding(FUNCS_H.replace('public void quit(int status);\n', ''))).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  });

  it('helpers', () => {
    expect(ruleKeyword(MAKEFILE, 'funcs.h')).toBe('public');
    expect(ruleKeyword(MAKEFILE, 'other.h')).toBeUndefined();
    const src = new Map([['main.c', MAIN_C], ['util.c', UTIL_C]]);
    expect(provePrototypes(FUNCS_H, src, 'public')).toEqual(['main.c', 'util.c']);
    expect(provePrototypes('#define x 1\n' + FUNCS_H, src, 'public')).toBeUndefined();
  });
});
