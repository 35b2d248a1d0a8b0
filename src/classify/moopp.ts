/**
 * Files made by moopp (gnulib's "mini object-oriented preprocessor", gettext's libtextstyle) from a tracked
 * class source: `X.c` from `X.oo.c`, `X.h` from `X.oo.h`, and the class layouts `C.priv.h` / `C.vt.h`
 * (C = X with '-' → '_'). Build-affecting C, so only a strict structural proof explains one:
 *
 *   - every line of the tracked source appears in the output, in order, either unchanged or with moopp's one
 *     rewrite (`C::method` → `C__method`); only the lines of the class declaration block
 *     (`struct C : struct P` … `};`, with its `fields:` / `methods:` sections) may be left out;
 *   - every other output line has one of moopp's fixed template shapes (MOOPP_SHAPES: the generated-file
 *     banner, `#line N "file"`, the typeinfo and vtable definitions, the dispatch functions, the C++ smart
 *     pointer class …) once each identifier derived from the tracked class sources is replaced by `W`
 *     (identifiers of the tracked *.oo.c / *.oo.h beside the source, alone or joined by `_`/`__`, with moopp's
 *     suffixes such as `_representation`, `_vtable`, `_SUPERCLASSES`), each number by `N` and each string by
 *     `"S"` when it names a class or a class file. A field line of `C.priv.h` must be a field of the tracked
 *     `fields:` section (its comment stripped).
 *
 * A line with any other word — a call, a string, an include of another file — stays unexplained.
 */
import { makeFinding } from '../core/severity.js';
import { baseOf, dirOf, pathsBy } from './paths.js';
import type { Classifier, ClassifyContext } from './types.js';
import { admits } from './precheck.js';
import { oncePerName } from '../util/memo.js';

const MAX_BYTES = 2 * 1024 * 1024;
const BANNER = '/* DO NOT EDIT! GENERATED AUTOMATICALLY! */';

/** moopp's template lines, identifiers as W, numbers as N, class/file strings as "S", blanks collapsed. */
export const MOOPP_SHAPES = new Set<string>([
  // return-type lines of the dispatch functions
  "bool",
  "size_t",
  "const W *",
  "char *",
  "",
  "# define W W",
  "#define THIS_ARG W first_arg",
  "#define W &W, NULL",
  "#define W &W, W",
  "#define W (N + N)",
  "#define W (N + W)",
  "#define W W",
  "#define super W",
  "#else",
  "#endif",
  "#if !HAVE_INLINE",
  "#if !IS_CPLUSPLUS",
  "#if HAVE_INLINE",
  "#if IS_CPLUSPLUS",
  "#ifdef __cplusplus",
  "#ifndef __GNUC__",
  "#include \"S\"",
  "#line N \"S\"",
  "#undef THIS_ARG",
  "((struct W *) (struct W *) first_arg)->vtable;",
  "M (W first_arg)",
  "M (W first_arg, P)",
  "M (first_arg);",
  "M (first_arg,A);",
  "M,",
  "W () : _pointer (NULL) {}",
  "W (*W) (THIS_ARG);",
  "W (*W) (THIS_ARG, P);",
  "W (W first_arg)",
  "W (W first_arg, P)",
  "W (struct W *pointer) : _pointer (pointer) {}",
  "W * (*W) (THIS_ARG);",
  "W *",
  "W",
  "W,",
  "abort ();",
  "bool (*W) (THIS_ARG);",
  "bool operator != (const void *p) { return _pointer != p; }",
  "bool operator == (const void *p) { return _pointer == p; }",
  "const char * (*W) (THIS_ARG);",
  "const char * M (W first_arg);",
  "const char *",
  "const struct W *vtable =",
  "const struct W *vtable;",
  "const struct W W =",
  "const typeinfo_t * const *superclasses;",
  "const typeinfo_t W = { \"S\" };",
  "const void *vtable;",
  "explicit W (W x) : _pointer ((struct W *) (void *) x) {}",
  "extern W * W (W first_arg);",
  "extern W W (W first_arg);",
  "extern W W (W first_arg, P);",
  "extern \"S\" {",
  "extern bool W (W first_arg);",
  "extern const char * W (W first_arg);",
  "extern const struct W W;",
  "extern const typeinfo_t W;",
  "extern int W (W first_arg);",
  "extern void W (W first_arg);",
  "extern void W (W first_arg, P);",
  "int (*W) (THIS_ARG);",
  "int",
  "operator W () { return (W) (struct W *) _pointer; }",
  "operator struct W * () { return (struct W *) _pointer; }",
  "operator struct W * () { return _pointer; }",
  "operator void * () { return _pointer; }",
  "private:",
  "public:",
  "return M (first_arg);",
  "return vtable->W (first_arg);",
  "return vtable->W (first_arg,A);",
  "size_t instance_size;",
  "size_t superclasses_length;",
  "sizeof (W) / sizeof (W[N]),",
  "sizeof (struct W),",
  "static const typeinfo_t * const W[] =",
  "static inline W *",
  "static inline W",
  "static inline bool",
  "static inline const char *",
  "static inline int",
  "static inline void",
  "struct W * operator -> () { return _pointer; }",
  "struct W *_pointer;",
  "struct W base;",
  "struct W",
  "struct W;",
  "super.W (first_arg);",
  "super.W (first_arg,A);",
  "typedef W W;",
  "typedef struct W * W;",
  "void (*W) (THIS_ARG);",
  "void (*W) (THIS_ARG, P);",
  "void M (W first_arg);",
  "void M (W first_arg, P);",
  "void",
  "vtable->W (first_arg);",
  "vtable->W (first_arg,A);",
  "{ W };",
  "{",
  "}",
  "};",
]);

/** moopp's template comments (class names as \w+), compared with blanks collapsed. */
const MOOPP_COMMENTS: RegExp[] = [
  /^\/\* DO NOT EDIT! GENERATED AUTOMATICALLY! \*\/$/,
  /^\/\* Field layout of (?:superclass|\w+ class)\. \*\/$/,
  /^\/\* Virtual function table layout of (?:superclass|\w+ class)\. \*\/$/,
  /^\/\* \w+ is defined as a pointer to struct \w+\.$/,
  /^In C\+\+ mode, we use a smart pointer class\.$/,
  /^In C mode, we have no other choice than a typedef to the root class type\. \*\/$/,
  /^\/\* Functions that invoke the methods\. \*\/$/,
  /^\/\* Type representing an implementation of \w+\. \*\/$/,
  /^\/\* Public portion of the object pointed to by a \w+\. \*\/$/,
  /^\/\* Define the functions that invoke the methods\. \*\/$/,
  /^\/\* Define the functions that invoke the methods as inline accesses to$/,
  /^the \w+\.$/,
  /^Use #define to avoid a warning because of extern vs\. static\. \*\/$/,
  /^\/\* Abstract \(unimplemented\) method called\. \*\/$/,
];

/** Words moopp's template writes itself (kept literally when shaping a line). */
const FIXED = new Set(
  ('DO NOT EDIT GENERATED AUTOMATICALLY if endif else define undef include line ifdef ifndef IS_CPLUSPLUS HAVE_INLINE THIS_ARG ' +
    '__cplusplus extern static inline const struct typedef void sizeof return operator private public explicit bool NULL first_arg ' +
    'vtable super typeinfo_t _pointer pointer p x base superclasses superclasses_length instance_size size_t C abort __GNUC__ char int unsigned').split(' '),
);
const SUFFIXES = ['_representation_header', '_representation', '_implementation', '_SUPERCLASSES_LENGTH', '_SUPERCLASSES', '_superclasses', '_typeinfo', '_vtable', '_inline', '_t'];

export interface Vocabulary {
  words: ReadonlySet<string>;
  /** Strings a template line may hold: class names and class file names. */
  strings: ReadonlySet<string>;
}

/** An identifier derived from the class sources: a word of theirs, or two joined by `_`/`__`, with a moopp suffix. */
export function derived(w: string, vocab: ReadonlySet<string>): boolean {
  if (vocab.has(w)) return true;
  let s = w.startsWith('any_') ? w.slice(4) : w;
  for (const suf of SUFFIXES) {
    if (s.endsWith(suf) && s.length > suf.length) {
      s = s.slice(0, -suf.length);
      break;
    }
  }
  if (vocab.has(s)) return true;
  for (let i = s.indexOf('_'); i > 0; i = s.indexOf('_', i + 1)) {
    const a = s.slice(0, i);
    const b = s.slice(s[i + 1] === '_' ? i + 2 : i + 1);
    if (vocab.has(a) && vocab.has(b)) return true;
  }
  return false;
}

/** A line's template shape, or undefined when it holds a string that names no class or class file. */
export function shapeOf(line: string, v: Vocabulary): string | undefined {
  let bad = false;
  let s = line.replace(/"([^"\\]*)"/g, (_m, str: string) => {
    if (!v.strings.has(str)) bad = true;
    return '"S"';
  });
  if (bad) return undefined;
  s = s.replace(/\b\d+\b/g, 'N').replace(/\b[A-Za-z_]\w*\b/g, (w) => (FIXED.has(w) ? w : derived(w, v.words) ? (w.includes('__') ? 'M' : 'W') : w));
  s = s.replace(/\s+/g, ' ').trim();
  // A method's parameter list (declared in the tracked class) and its argument list: one shape each.
  s = s.replace(/\b(first_arg|THIS_ARG), (?:(?:const|struct|void|size_t|char|int|unsigned|W) ?|\*+ ?|, )+\)/g, '$1, P)');
  return s.replace(/\(first_arg(?:,W)+\)/g, '(first_arg,A)');
}

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();
const rewrite = (s: string) => s.replace(/\b(\w+)::(\w+)\b/g, '$1__$2');

/** Indexes of the lines of class declaration blocks (`struct C : struct P` or `struct C` with fields:/methods:, to `};`). */
export function classBlocks(lines: readonly string[]): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i < lines.length; i++) {
    if (!/^struct \w+(?: : struct \w+)?\s*$/.test(lines[i]!) || lines[i + 1]?.trim() !== '{') continue;
    let j = i + 2;
    while (j < lines.length && lines[j]!.trim() === '') j++;
    if (!/^(?:fields|methods):\s*$/.test(lines[j] ?? '')) continue;
    let end = j;
    while (end < lines.length && !/^};\s*$/.test(lines[end]!)) end++;
    for (let k = i; k <= end && k < lines.length; k++) out.add(k);
    i = end;
  }
  return out;
}

/** Field lines of the `fields:` sections as moopp writes them into C.priv.h: comments removed, trailing blanks dropped. */
export function fieldLines(lines: readonly string[], blocks: ReadonlySet<number>): Set<string> {
  const out = new Set<string>();
  const sections: string[] = [];
  let cur: string[] | undefined;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (blocks.has(i) && /^fields:/.test(l)) cur = [];
    else if (!blocks.has(i) || /^methods:/.test(l) || /^};/.test(l)) {
      if (cur) sections.push(cur.join('\n'));
      cur = undefined;
    } else if (cur) cur.push(l);
  }
  for (const sec of sections) for (const l of sec.replace(/\/\*[\s\S]*?\*\//g, '').split('\n')) if (l.trim()) out.add(collapse(l));
  return out;
}

export interface MooppCheck {
  ok: boolean;
  /** Output lines taken from the source, lines of the template. */
  fromSource: number;
  template: number;
  /** The first output line that is neither (1-based), when not ok. */
  failure?: { line: number; text: string };
}

/**
 * Checks an output against its source: source lines in order (only class-block lines may be left out),
 * every other line a template shape or (priv.h) a field of the source.
 */
export function checkMoopp(output: string, source: string | undefined, v: Vocabulary, fields: ReadonlySet<string> = new Set(), shapes: ReadonlySet<string> = MOOPP_SHAPES): MooppCheck {
  const out = output.split('\n');
  if (out[out.length - 1] === '') out.pop();
  const src = source === undefined ? [] : source.split('\n');
  if (src[src.length - 1] === '') src.pop();
  const blocks = classBlocks(src);
  let p = 0;
  let fromSource = 0;
  let template = 0;
  for (let i = 0; i < out.length; i++) {
    const l = out[i]!;
    let q = p;
    while (q < src.length && rewrite(src[q]!) !== l && blocks.has(q)) q++;
    if (q < src.length && rewrite(src[q]!) === l) {
      p = q + 1;
      fromSource++;
      continue;
    }
    const shape = shapeOf(l, v);
    if ((shape !== undefined && shapes.has(shape)) || fields.has(collapse(l)) || MOOPP_COMMENTS.some((re) => re.test(collapse(l)))) {
      template++;
      continue;
    }
    return { ok: false, fromSource, template, failure: { line: i + 1, text: l.slice(0, 200) } };
  }
  while (p < src.length && blocks.has(p)) p++;
  if (p < src.length) return { ok: false, fromSource, template, failure: { line: out.length, text: `(source line ${p + 1} missing: ${src[p]!.slice(0, 160)})` } };
  return { ok: out[0] === BANNER, fromSource, template, ...(out[0] === BANNER ? {} : { failure: { line: 1, text: (out[0] ?? '').slice(0, 200) } }) };
}

const vocabCache = oncePerName<ClassifyContext, Promise<{ v: Vocabulary; texts: Map<string, string> }>>();

/** The identifiers and class file names of the tracked *.oo.c / *.oo.h in a directory. */
function vocabulary(dir: string, ctx: ClassifyContext) {
  return vocabCache(ctx, dir, async () => {
    const words = new Set<string>();
    const strings = new Set<string>();
    const texts = new Map<string, string>();
    for (const f of (pathsBy('dir', ctx.gitPaths).get(dir) ?? []).filter((g) => /\.oo\.[ch]$/.test(g))) {
      const b = await ctx.content.git(f);
      if (!b || b.length > MAX_BYTES) continue;
      const t = b.toString('utf8');
      texts.set(f, t);
      for (const w of t.match(/\b[A-Za-z_]\w*\b/g) ?? []) words.add(w);
      const base = baseOf(f);
      const stem = base.replace(/\.oo\.[ch]$/, '');
      const cls = stem.replace(/-/g, '_');
      for (const s of [base, base.replace('.oo.', '.'), `${cls}.priv.h`, `${cls}.vt.h`, cls, 'C']) strings.add(s);
    }
    return { v: { words, strings }, texts };
  });
}

/** The tracked class source of a moopp output name, nearest first. */
function sourceOf(path: string, ctx: ClassifyContext): { source: string; kind: 'c' | 'h' | 'priv' | 'vt' } | undefined {
  const base = baseOf(path);
  let name: string;
  let kind: 'c' | 'h' | 'priv' | 'vt';
  let m: RegExpExecArray | null;
  if ((m = /^(\w+)\.(priv|vt)\.h$/.exec(base))) {
    kind = m[2] as 'priv' | 'vt';
    name = `${m[1]!.replace(/_/g, '-')}.oo.${kind === 'priv' ? 'c' : 'h'}`;
  } else if ((m = /^([\w-]+)\.([ch])$/.exec(base))) {
    kind = m[2] as 'c' | 'h';
    name = `${m[1]}.oo.${kind}`;
  } else return undefined;
  const hits = (pathsBy('base', ctx.gitPaths).get(name) ?? []).sort((a, b) => {
    const shared = (x: string) => x.split('/').filter((s, i) => path.split('/')[i] === s).length;
    return shared(b) - shared(a) || a.localeCompare(b);
  });
  return hits[0] ? { source: hits[0], kind } : undefined;
}


/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && /\.[ch]$/.test(diff.path);

export const mooppClassifier: Classifier = {
  id: 'moopp',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const s = sourceOf(diff.path, ctx);
    if (!s) return undefined;
    const content = ctx.content.tarball(diff.path);
    if (!content || content.length > MAX_BYTES || !content.subarray(0, BANNER.length).equals(Buffer.from(BANNER))) return undefined;
    const { v, texts } = await vocabulary(dirOf(s.source), ctx);
    const srcText = texts.get(s.source);
    if (srcText === undefined) return undefined;
    const srcLines = srcText.split('\n');
    const fields = s.kind === 'priv' ? fieldLines(srcLines, classBlocks(srcLines)) : new Set<string>();
    const r = checkMoopp(content.toString('utf8'), s.kind === 'c' || s.kind === 'h' ? srcText : undefined, v, fields);
    if (!r.ok) return undefined;
    return makeFinding('GENERATED_FROM_SOURCE', diff.path, { how: 'generator', generator: 'moopp', source: s.source, found: r.fromSource, total: r.fromSource + r.template });
  },
};
