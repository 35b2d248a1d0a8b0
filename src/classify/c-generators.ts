/**
 * Tables a release writes with a small C program it compiles from a tracked source (issue 11 d): coreutils'
 * src/primes.h (src/make-prime-list.c: the odd primes up to the rule's limit, each with its inverse modulo
 * 2^WIDE_UINT_BITS) and gnulib's lib/crc-sliceby8.h (lib/crc-generate-table.c: the eight slice-by-8 CRC-32
 * tables). Nothing is compiled or run: distdiff computes the table exactly (BigInt arithmetic) and the whole file
 * is compared byte for byte.
 *
 * A model applies only to a generator source that carries the code lines it stands for (its fingerprint:
 * compared with whitespace collapsed outside string literals, so a changed format string or constant is a
 * changed generator). A changed generator proves nothing: the file stays unexplained.
 */

/** A C line with whitespace runs collapsed outside string and character literals (literals kept exactly). */
export function squashC(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < s.length && s[j] !== c) j += s[j] === '\\' ? 2 : 1;
      out += s.slice(i, j + 1);
      i = j + 1;
    } else if (/\s/.test(c)) {
      while (i < s.length && /\s/.test(s[i]!)) i++;
      if (out && !out.endsWith(' ')) out += ' ';
    } else {
      out += c;
      i++;
    }
  }
  return out.trim();
}

/** Whether the C source carries every fingerprint line (each compared with `squashC`). */
export function carries(source: string, lines: readonly string[]): boolean {
  const text = squashC(source);
  return lines.every((l) => text.includes(squashC(l)));
}

export interface ProgramModel {
  id: string;
  /** Code lines the tracked C source must carry for this model to describe it. */
  fingerprint: readonly string[];
  /** What the program writes for these arguments: one text per platform it may have run on (e.g. 64- or 128-bit integers). */
  render(source: string, args: readonly string[]): string[] | undefined;
}

// ---- src/make-prime-list.c ----

/** The inverse of odd `a` modulo 2^bits (Newton's iteration, as the generator's binvert converges to). */
export function inverseMod2k(a: bigint, bits: number): bigint {
  const mask = (1n << BigInt(bits)) - 1n;
  let x = a & mask; // correct to 3 bits for odd a
  for (let i = 0; i < 8; i++) x = (x * (2n - a * x)) & mask;
  return x;
}

/** print_wide_uint: the value as 28-bit hex literals joined by shifts, nested and indented. */
export function wideUintLiteral(n: bigint, nesting: number, bits: number): string {
  const bitsPerLiteral = 28;
  let digits = 7;
  const remainder = n & ((1n << 28n) - 1n);
  let out = '';
  if (n !== remainder) {
    const parens = n >> 56n !== 0n;
    if (parens) out += '(';
    out += wideUintLiteral(n >> 28n, nesting + 1, bits);
    if (parens) out += `)\n${' '.repeat(nesting + 3)}`;
    out += ` << ${bitsPerLiteral} | `;
  } else if (nesting) {
    out += '(uintmax_t) ';
    digits = ((bits - 1) % bitsPerLiteral) % 4 + 1;
  }
  return `${out}0x${remainder.toString(16).padStart(digits, '0')}U`;
}

/** The odd primes up to `limit` (made odd), by a sieve — what the generator's sieve lists. */
function oddPrimes(limit: number): number[] {
  const size = (limit - 1) >> 1;
  const composite = new Uint8Array(size);
  const out: number[] = [];
  for (let i = 0; i < size; i++) {
    if (composite[i]) continue;
    const p = 3 + 2 * i;
    out.push(p);
    for (let j = (p * p - 3) / 2; j < size; j += p) composite[j] = 1;
  }
  return out;
}

export function primesTable(limit: number, bits: number): string | undefined {
  if (!Number.isSafeInteger(limit) || limit < 3) return undefined;
  const primes = oddPrimes(limit & 1 ? limit : limit - 1);
  let out = `/* Generated file -- DO NOT EDIT */\n\n#define WIDE_UINT_BITS ${bits}\n`;
  let prev = 2;
  for (let i = 0; i < primes.length; i++) {
    const p = primes[i]!;
    const d8 = i + 8 < primes.length ? primes[i + 8]! - p : 0xff;
    if (d8 > 255) return undefined; // the generator aborts
    out += `P (${p - prev}, ${d8},\n   (${wideUintLiteral(inverseMod2k(BigInt(p), bits), 0, bits)}),\n   UINTMAX_MAX / ${p})\n`;
    prev = p;
  }
  out += '\n#undef FIRST_OMITTED_PRIME\n';
  let next = prev;
  const isPrime = (n: number) => { for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false; return true; };
  do next += 2; while (!isPrime(next));
  return `${out}#define FIRST_OMITTED_PRIME ${next}\n`;
}

const primeList: ProgramModel = {
  id: 'prime-list',
  fingerprint: [
    'wide_uint y = 2 * x - x * x * a;', 'info->pinv = binvert (p);', 'info->lim = max / p;',
    'int hex_digits_per_literal = 7;', 'int bits_per_literal = hex_digits_per_literal * 4;', 'unsigned remainder = n & ((1 << bits_per_literal) - 1);',
    'int needs_parentheses = n >> bits_per_literal >> bits_per_literal != 0;', 'printf ("(");', 'print_wide_uint (n >> bits_per_literal, nesting + 1, wide_uint_bits);',
    'printf (")\\n%*s", nesting + 3, "");', 'printf (" << %d | ", bits_per_literal);', 'printf ("(uintmax_t) ");', '= ((wide_uint_bits - 1) % bits_per_literal) % 4 + 1;',
    'printf ("0x%0*xU", hex_digits_per_literal, remainder);', 'puts ("/* Generated file -- DO NOT EDIT */\\n");', 'printf ("#define WIDE_UINT_BITS %u\\n", wide_uint_bits);',
    'for (i = 0, p = 2; i < nprimes; i++)', 'unsigned int d8 = i + 8 < nprimes ? primes[i + 8].p - primes[i].p : 0xff;', 'printf ("P (%u, %u,\\n   (", primes[i].p - p, d8);',
    'print_wide_uint (primes[i].pinv, 0, wide_uint_bits);', 'printf ("),\\n   UINTMAX_MAX / %u)\\n", primes[i].p);', 'p = primes[i].p;', 'printf ("\\n#undef FIRST_OMITTED_PRIME\\n");',
    'printf ("#define FIRST_OMITTED_PRIME %u\\n", p);', 'limit = atoi (argv[1]);', 'if ( !(limit & 1))', 'limit--;', 'unsigned p = 3 + 2 * i;', 'for (j = (p * p - 3) / 2; j < size; j += p)',
  ],
  render(_source, args) {
    if (args.length !== 1 || !/^[1-9]\d{0,5}$/.test(args[0]!)) return undefined;
    const limit = Number(args[0]);
    // wide_uint is unsigned __int128 where the compiler has it, else uintmax_t (64 bits).
    const out = [128, 64].map((bits) => primesTable(limit, bits));
    return out.every((t) => t !== undefined) ? (out as string[]) : undefined;
  },
};

// ---- gnulib's lib/crc-generate-table.c ----

/** The C string literals of `body`'s `fprintf (stream, "…" …);` calls, concatenated; undefined if it holds anything else. */
export function fprintfText(body: string): string | undefined {
  let text = '';
  const rest = body.replace(/fprintf\s*\(\s*stream\s*,((?:\s*"(?:[^"\\\n]|\\.)*")+)\s*\)\s*;/g, (_, lits: string) => {
    for (const m of lits.matchAll(/"((?:[^"\\\n]|\\.)*)"/g)) text += m[1]!;
    return '';
  });
  if (rest.trim() !== '' || /\\[^n"\\]|%/.test(text)) return undefined;
  return text.replace(/\\(n|"|\\)/g, (_, e: string) => (e === 'n' ? '\n' : e));
}

/** CRC-32 (reflected polynomial 0xEDB88320) of each byte value, `bits` shift steps. */
function crcTable(bits: number): number[] {
  const t: number[] = [];
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < bits; k++) c = c & 1 ? (0xedb88320 ^ (c >>> 1)) >>> 0 : c >>> 1;
    t.push(c >>> 0);
  }
  return t;
}

export function sliceBy8Tables(): string {
  let out = '/* Slice-by-8 lookup tables */\nstatic const uint32_t crc32_sliceby8_table[][256] = {\n';
  for (let bits = 8; bits <= 64; bits += 8) {
    const t = crcTable(bits);
    out += '  {';
    t.forEach((v, i) => {
      if (i % 6 === 0) out += '\n   ';
      out += ` 0x${v.toString(16).toUpperCase().padStart(8, '0')}${i !== 255 ? ',' : '\n'}`;
    });
    out += `  }${bits < 64 ? ',' : ''}\n`;
  }
  return `${out}};\n`;
}

const crcSliceBy8: ProgramModel = {
  id: 'crc-slice-by-8',
  fingerprint: [
    'for (n = 0; n < 256; n++)', 'c = (unsigned long) n;', 'for (k = 0; k < bits; k++)', 'if (c & 1)', 'c = 0xedb88320L ^ (c >> 1);', 'c = c >> 1;', 'crc_table[n] = c;',
    'make_crc_table (bits);', 'fprintf (stream, "  {");', 'for (int i = 0; i < 256; i++)', 'if ((i % 6) == 0)', 'fprintf (stream, "\\n   ");', 'if (i != 255)',
    'fprintf (stream, " 0x%08lX,", crc_table[i]);', 'fprintf (stream, " 0x%08lX\\n", crc_table[i]);', 'fprintf (stream, "  }");',
    'fprintf (stream, "/* Slice-by-8 lookup tables */\\n");', 'fprintf (stream, "static const uint32_t crc32_sliceby8_table[][256] = {\\n");', 'for (int i = 8; i <= 64; i += 8)',
    'print_crc_table (stream, i);', 'if (i < 64)', 'fprintf (stream, ",");', 'fprintf (stream, "\\n");', 'fprintf (stream, "};\\n");',
    'const char *filename = argv[1];', 'FILE *stream = fopen (filename, "w");', 'print_copyright_notice (stream);', 'print_header (stream);',
  ],
  render(source, args) {
    if (args.length !== 1) return undefined;
    const body = /\nprint_copyright_notice \(FILE \* ?stream\)\n\{\n([\s\S]*?)\n\}\n/.exec(source)?.[1];
    const notice = body === undefined ? undefined : fprintfText(body);
    return notice === undefined ? undefined : [notice + sliceBy8Tables()];
  },
};

export const PROGRAM_MODELS: readonly ProgramModel[] = [primeList, crcSliceBy8];

/** The texts the C `source` writes for `args`, by the first model whose fingerprint it carries. */
export function renderProgram(source: string, args: readonly string[]): { model: string; texts: string[] } | undefined {
  for (const m of PROGRAM_MODELS) {
    if (!carries(source, m.fingerprint)) continue;
    const texts = m.render(source, args);
    if (texts) return { model: m.id, texts };
  }
  return undefined;
}
