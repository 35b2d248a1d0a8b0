/**
 * Tables written by a C program the release compiles (issue 11 d), computed — never compiled or run:
 * coreutils' src/primes.h (src/make-prime-list.c, run by a tracked make rule) and gnulib's lib/crc-sliceby8.h
 * (lib/crc-generate-table.c, run by the pinned gnulib module's own rule). The models are anchored to the real
 * generators' output (lines copied from coreutils 9.7's shipped primes.h and crc-sliceby8.h); end to end with real
 * git and GNU tar, the generators being small C files written here that carry the modelled code lines. Every proof
 * has tampered twins (one changed table line, a changed generator) that stay high.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { carries, fprintfText, inverseMod2k, primesTable, renderProgram, sliceBy8Tables, squashC, wideUintLiteral } from '../../src/classify/c-generators.js';
import { compileAndRun, moduleSection } from '../../src/classify/module-rule.js';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

/** The first entry of coreutils 9.7's src/primes.h (limit 5000, 128-bit wide_uint). */
const REAL_FIRST = 'P (1, 26,\n   (((((uintmax_t) 0xaaaaU << 28 | 0xaaaaaaaU)\n      << 28 | 0xaaaaaaaU)\n     << 28 | 0xaaaaaaaU)\n    << 28 | 0xaaaaaabU),\n   UINTMAX_MAX / 3)\n';
/** Its last entries and trailer. */
const REAL_LAST = 'P (6, 255,\n   (((((uintmax_t) 0x0b44U << 28 | 0x292c4bfU)\n      << 28 | 0xef9cdb6U)\n     << 28 | 0x27a3009U)\n    << 28 | 0x0354237U),\n   UINTMAX_MAX / 4999)\n\n#undef FIRST_OMITTED_PRIME\n#define FIRST_OMITTED_PRIME 5003\n';

const PRIME_GEN = [
  '/* A generator written for this test: the code lines distdiff models. */', 'static wide_uint binvert (wide_uint a) {', '  wide_uint x = 0xf5397db1 >> (4 * ((a / 2) & 0x7));', '  for (;;) {',
  '      wide_uint y = 2 * x - x * x * a;', '      if (y == x) return x;', '      x = y; } }', 'static void process_prime (struct prime *info, unsigned p) {', '  wide_uint max = -1;', '  info->p = p;',
  '  info->pinv = binvert (p);', '  info->lim = max / p; }', 'static void print_wide_uint (wide_uint n, int nesting, unsigned wide_uint_bits) {', '  int hex_digits_per_literal = 7;',
  '  int bits_per_literal = hex_digits_per_literal * 4;', '  unsigned remainder = n & ((1 << bits_per_literal) - 1);', '  if (n != remainder) {',
  '      int needs_parentheses = n >> bits_per_literal >> bits_per_literal != 0;', '      if (needs_parentheses)', '        printf ("(");',
  '      print_wide_uint (n >> bits_per_literal, nesting + 1, wide_uint_bits);', '      if (needs_parentheses)', '        printf (")\\n%*s", nesting + 3, "");',
  '      printf (" << %d | ", bits_per_literal);', '  } else if (nesting) {', '      printf ("(uintmax_t) ");', '      hex_digits_per_literal', '        = ((wide_uint_bits - 1) % bits_per_literal) % 4 + 1;', '  }',
  '  printf ("0x%0*xU", hex_digits_per_literal, remainder); }', 'static void output_primes (const struct prime *primes, unsigned nprimes) {', '  puts ("/* Generated file -- DO NOT EDIT */\\n");',
  '  printf ("#define WIDE_UINT_BITS %u\\n", wide_uint_bits);', '  for (i = 0, p = 2; i < nprimes; i++) {', '      unsigned int d8 = i + 8 < nprimes ? primes[i + 8].p - primes[i].p : 0xff;',
  '      printf ("P (%u, %u,\\n   (", primes[i].p - p, d8);', '      print_wide_uint (primes[i].pinv, 0, wide_uint_bits);', '      printf ("),\\n   UINTMAX_MAX / %u)\\n", primes[i].p);', '      p = primes[i].p;', '  }',
  '  printf ("\\n#undef FIRST_OMITTED_PRIME\\n");', '  printf ("#define FIRST_OMITTED_PRIME %u\\n", p); }', 'int main (int argc, char **argv) {', '  limit = atoi (argv[1]);', '  if ( !(limit & 1))', '    limit--;',
  '  for (i = 0; i < size;) {', '      unsigned p = 3 + 2 * i;', '      for (j = (p * p - 3) / 2; j < size; j += p)', '        sieve[j] = 0; } }', '',
].join('\n');
const LOCAL_MK = [
  'BUILT_SOURCES += $(top_srcdir)/src/primes.h', '$(top_srcdir)/src/primes.h:', '\t$(AM_V_at)${MKDIR_P} src', '\t$(MAKE) src/make-prime-list$(EXEEXT)', '\t$(AM_V_GEN)rm -f $@ $@-t',
  '\t$(AM_V_at)src/make-prime-list$(EXEEXT) 30 > $@-t', '\t$(AM_V_at)chmod a-w $@-t', '\t$(AM_V_at)mv $@-t $@', '',
].join('\n');

const CRC_GEN = [
  '#include <stdio.h>', 'unsigned long crc_table[256];', 'static void make_crc_table (int bits) {', '  unsigned long c;', '  int n, k;', '  for (n = 0; n < 256; n++) {', '      c = (unsigned long) n;', '      for (k = 0; k < bits; k++) {',
  '          if (c & 1)', '            c = 0xedb88320L ^ (c >> 1);', '          else', '            c = c >> 1; }', '      crc_table[n] = c; } }', 'static void print_crc_table (FILE * stream, int bits) {', '  make_crc_table (bits);',
  '  fprintf (stream, "  {");', '  for (int i = 0; i < 256; i++) {', '      if ((i % 6) == 0)', '        fprintf (stream, "\\n   ");', '      if (i != 255)', '        fprintf (stream, " 0x%08lX,", crc_table[i]);', '      else',
  '        fprintf (stream, " 0x%08lX\\n", crc_table[i]); }', '  fprintf (stream, "  }"); }', 'static void print_header (FILE * stream) {', '  fprintf (stream, "/* Slice-by-8 lookup tables */\\n");',
  '  fprintf (stream, "static const uint32_t crc32_sliceby8_table[][256] = {\\n");', '  for (int i = 8; i <= 64; i += 8) {', '      print_crc_table (stream, i);', '      if (i < 64)', '        fprintf (stream, ",");', '      fprintf (stream, "\\n"); }',
  '  fprintf (stream, "};\\n"); }', '', 'static void', 'print_copyright_notice (FILE * stream)', '{', '  fprintf (stream, "/* DO NOT EDIT! GENERATED AUTOMATICALLY! */\\n");', '  fprintf (stream,', '           "/* crc.c -- \\"test\\" table */\\n\\n");', '}', '',
  'int main (int argc, char *argv[]) {', '  const char *filename = argv[1];', '  FILE *stream = fopen (filename, "w");', '  print_copyright_notice (stream);', '  print_header (stream);', '  return 0; }', '',
].join('\n');
const CRC_MODULE = [
  'Description:', 'Compute cyclic redundancy codes.', '', 'Files:', 'lib/crc.h', 'lib/crc.c', 'lib/crc-generate-table.c', '', 'Makefile.am:', 'lib_SOURCES += crc.c',
  '$(srcdir)/crc-sliceby8.h: $(srcdir)/crc-generate-table.c', "\t$(AM_V_GEN)if test -n '$(BUILD_CC)'; then \\", "\t  $(MKDIR_P) '%reldir%/crc-tmp' \\", '\t  && abs_srcdir=`cd $(srcdir)/. && pwd` \\',
  "\t  && (cd '%reldir%/crc-tmp' \\", '\t      && $(BUILD_CC) $(BUILD_CFLAGS) -o crc-generate-table $$abs_srcdir/crc-generate-table.c) \\', "\t  && '%reldir%/crc-tmp/crc-generate-table' $(srcdir)/crc-sliceby8.h-t \\",
  "\t  && rm -rf '%reldir%/crc-tmp' \\", '\t  && mv $(srcdir)/crc-sliceby8.h-t $(srcdir)/crc-sliceby8.h; \\', '\tfi', 'EXTRA_DIST += crc-sliceby8.h', '', 'Include:', '"crc.h"', '',
].join('\n');
const CRC_H = `/* DO NOT EDIT! GENERATED AUTOMATICALLY! */\n/* crc.c -- "test" table */\n\n${sliceBy8Tables()}`;
const GNULIB_MK = '## begin gnulib module crc\nlibgnu_a_SOURCES += crc.c\nBUILT_SOURCES += crc-sliceby8.h\n## end   gnulib module crc\n';

describe('models of compiled C generators', () => {
  it('prime list: matches coreutils 9.7 primes.h where the limits agree', () => {
    expect(inverseMod2k(3n, 128)).toBe(0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaabn);
    expect((inverseMod2k(4999n, 128) * 4999n) & ((1n << 128n) - 1n)).toBe(1n);
    expect(`P (1, 26,\n   (${wideUintLiteral(inverseMod2k(3n, 128), 0, 128)}),\n   UINTMAX_MAX / 3)\n`).toBe(REAL_FIRST);
    const t30 = primesTable(30, 128)!;
    // primes 3..29: the first entry's d8 (29 - 3) equals the real file's, the others have no eighth successor.
    expect(t30.startsWith(`/* Generated file -- DO NOT EDIT */\n\n#define WIDE_UINT_BITS 128\n${REAL_FIRST}P (2, 255,\n`)).toBe(true);
    expect(t30.match(/^P \(/gm)).toHaveLength(9);
    expect(t30.endsWith('UINTMAX_MAX / 29)\n\n#undef FIRST_OMITTED_PRIME\n#define FIRST_OMITTED_PRIME 31\n')).toBe(true);
    const t5000 = primesTable(5000, 128)!;
    expect(t5000.endsWith(REAL_LAST)).toBe(true);
    expect(t5000.length).toBe(104356); // the size of the real file
    // 64-bit wide_uint: the top literal has ((64 - 1) % 28) % 4 + 1 = 4 digits.
    expect(primesTable(30, 64)!.split('\n').slice(2, 7).join('\n')).toBe('#define WIDE_UINT_BITS 64\nP (1, 26,\n   (((uintmax_t) 0x00aaU << 28 | 0xaaaaaaaU)\n    << 28 | 0xaaaaaabU),\n   UINTMAX_MAX / 3)');
    expect(renderProgram(PRIME_GEN, ['30'])).toEqual({ model: 'prime-list', texts: [t30, primesTable(30, 64)] });
    expect(renderProgram(PRIME_GEN, ['30', '1'])).toBeUndefined();
    expect(renderProgram(PRIME_GEN.replace('= 7;', '= 8;'), ['30'])).toBeUndefined();
    // whitespace outside literals is free, inside a format string it is not
    expect(carries(PRIME_GEN.replace('int bits_per_literal = hex_digits_per_literal * 4;', 'int  bits_per_literal =\n  hex_digits_per_literal * 4;'), ['int bits_per_literal = hex_digits_per_literal * 4;'])).toBe(true);
    expect(renderProgram(PRIME_GEN.replace('"P (%u, %u,\\n   ("', '"P (%u, %u,\\n    ("'), ['30'])).toBeUndefined();
    expect(squashC('a  =  "x  y" ;\n b')).toBe('a = "x  y" ; b');
  });

  it('slice-by-8 CRC tables: the real table rows; the notice from the fprintf literals', () => {
    const t = sliceBy8Tables();
    expect(t.split('\n').slice(0, 4)).toEqual(['/* Slice-by-8 lookup tables */', 'static const uint32_t crc32_sliceby8_table[][256] = {', '  {', '    0x00000000, 0x77073096, 0xEE0E612C, 0x990951BA, 0x076DC419, 0x706AF48F,']);
    expect(t.endsWith('    0xA8C40105, 0x646E019B, 0xEAE10678, 0x264B06E6\n  }\n};\n')).toBe(true);
    expect(t.match(/^ {2}\{$/gm)).toHaveLength(8);
    expect(fprintfText('  fprintf (stream, "a\\n");\n  fprintf (stream,\n     "b \\"q\\"" "c\\n");')).toBe('a\nb "q"c\n');
    expect(fprintfText('  fprintf (stream, "%s\\n", x);')).toBeUndefined();
    expect(fprintfText('  fputs ("a", stream);')).toBeUndefined();
    expect(renderProgram(CRC_GEN, ['out.h-t'])).toEqual({ model: 'crc-slice-by-8', texts: [CRC_H] });
    expect(renderProgram(CRC_GEN.replace('0xedb88320L', '0x04c11db7L'), ['out.h-t'])).toBeUndefined();
  });

  it('module helpers', () => {
    expect(moduleSection(CRC_MODULE, 'Files')).toBe('lib/crc.h\nlib/crc.c\nlib/crc-generate-table.c\n');
    expect(compileAndRun("(cd t && cc -o gen $$d/gen.c) && 't/gen' ./x.h-t && mv ./x.h-t ./x.h", (w) => w === './x.h-t')).toEqual({ prog: 'gen', args: ['./x.h-t'] });
    expect(compileAndRun('cc -o gen gen.c && ./gen > ./x.h-t', (w) => w === './x.h-t')).toEqual({ prog: 'gen', args: [] });
    expect(compileAndRun('cc -o gen gen.c && ./gen ./other', (w) => w === './x.h-t')).toBeUndefined();
    expect(compileAndRun('./gen ./x.h-t', (w) => w === './x.h-t')).toBeUndefined();
  });
});

describe('tables a release compiles a generator for, end to end', () => {
  const root = tempDir();
  const gnulib = makeRepo(join(root, 'gnulib'));
  const pin = gnulib.commit({ 'gnulib-tool': '#!/bin/sh\n', 'modules/crc': CRC_MODULE, 'lib/crc-generate-table.c': CRC_GEN, 'lib/crc.h': '/* crc.h */\n', 'lib/crc.c': '/* crc.c */\n' }, 'gnulib', '2024-01-02T10:00:00Z');
  const project = (name: string, gen: string) => {
    const r = makeRepo(join(root, name));
    r.commit({ 'src/local.mk': LOCAL_MK, 'src/make-prime-list.c': gen, '.gitmodules': '[submodule "gnulib"]\n\tpath = gnulib\n\turl = https://example.invalid/gnulib.git\n' }, 'sources', '2024-03-05T10:00:00Z');
    r.git(['update-index', '--add', '--cacheinfo', `160000,${pin},gnulib`]);
    r.git(['commit', '-q', '-m', 'pin gnulib']);
    r.tag('v1.0');
    return r;
  };
  const good = project('repo', PRIME_GEN);
  let n = 0;
  const run = async (files: Record<string, string>, repo = good) => {
    const dir = join(root, `t${++n}`, 'proj-1.0');
    writeFiles(dir, { 'src/local.mk': LOCAL_MK, 'src/make-prime-list.c': repo === good ? PRIME_GEN : PRIME_GEN.replace('= 7;', '= 8;'), 'lib/gnulib.mk': GNULIB_MK, 'lib/crc-generate-table.c': CRC_GEN, 'lib/crc.h': '/* crc.h */\n', 'lib/crc.c': '/* crc.c */\n', ...files });
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'proj-1.0.tar.gz') }), repo: repo.dir, cacheDir: join(root, `c${n}`), submodules: [{ name: 'gnulib', repo: gnulib.dir }] });
    return { r, by: Object.fromEntries(r.findings.map((f) => [f.path, { code: f.code, severity: f.severity, evidence: f.evidence }])) };
  };

  it('computes primes.h (either integer width) and crc-sliceby8.h; the generator blobs are named', async () => {
    const genBlob = good.git(['rev-parse', 'v1.0:src/make-prime-list.c']);
    const crcBlob = gnulib.git(['rev-parse', 'HEAD:lib/crc-generate-table.c']);
    for (const bits of [128, 64]) {
      const { by } = await run({ 'src/primes.h': primesTable(30, bits)!, 'lib/crc-sliceby8.h': CRC_H });
      expect(by['src/primes.h']).toEqual({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'computed', source: 'src/local.mk', generator: 'src/make-prime-list.c', inputs: [], model: { id: 'prime-list', blob: genBlob } } });
      expect(by['lib/crc-sliceby8.h']).toEqual({
        code: 'GENERATED_FROM_SOURCE', severity: 'low',
        evidence: { how: 'computed', source: 'gnulib/modules/crc', generator: 'gnulib/lib/crc-generate-table.c', inputs: [], commit: pin, model: { id: 'crc-slice-by-8', blob: crcBlob } },
      });
    }
  });

  it('one changed table line stays high; so does a table from a changed generator', async () => {
    const { r, by } = await run({ 'src/primes.h': primesTable(30, 128)!.replace('UINTMAX_MAX / 29', 'UINTMAX_MAX / 27'), 'lib/crc-sliceby8.h': CRC_H.replace('0x77073096', '0x77073097') });
    expect(by['src/primes.h']).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(by['lib/crc-sliceby8.h']).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(exitCodeOf(r.verdict)).toBe(1);
    const changed = await run({ 'src/primes.h': primesTable(30, 128)! }, project('repo2', PRIME_GEN.replace('= 7;', '= 8;')));
    expect(changed.by['src/primes.h']).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  });
});
