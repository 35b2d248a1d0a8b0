/**
 * Texinfo fragments rendered from the doc comments of tracked C sources (issue 11 d): GNU's gdoc (libidn2,
 * libtasn1, gnutls, libidn, shishi: doc/texi/FUNC.texi for each function, doc/texi/FILE.c.texi for each file) turns
 * a `/** FUNC: @param: … **\/` comment into `@subheading FUNC`, `@anchor{FUNC}`, `@deftypefun {TYPE} {FUNC} (…)`,
 * the parameter and body text with `@var{…}`/`@code{…}`, and `@end deftypefun`.
 *
 * The content check: the file is nothing but such blocks (blank lines between), every block names a function
 * that a tracked C, yacc or lex file documents with a doc comment (`/** FUNC:` or `/** FUNC` alone on
 * its line; all of them the same file), at least 95 % of the
 * fragment's distinct words (three letters or more, texinfo's own commands set aside) occur in those comments
 * and the functions' declarations, and no line carries a suspicious construct or a URL the comments lack. A
 * paragraph from nowhere, a command, a function no tracked file documents, leaves it unexplained.
 */
import { makeFinding } from '../core/severity.js';
import type { PathDiff } from '../core/types.js';
import { wordsOf } from './man-rendered.js';
import { baseOf } from './paths.js';
import { findConstructs } from './suspicious.js';
import { urlHosts } from './urls.js';
import type { Classifier, ClassifyContext } from './types.js';
import type { Finding } from '../core/findings.js';

const MAX_BYTES = 512 * 1024;
const MAX_SOURCE_BYTES = 2 * 1024 * 1024;
const MAX_SOURCES = 3000;
const MIN_SHARE = 0.95;
/** The commands gdoc writes, which the comment does not have. */
const TEXINFO_WORDS = new Set(['subheading', 'anchor', 'deftypefun', 'deftypefunx', 'var', 'code', 'end', 'emph', 'strong', 'example', 'verbatim', 'table', 'item', 'itemize', 'enumerate', 'const', 'void', 'unsigned', 'char', 'int', 'long', 'size']);

interface DocComment {
  path: string;
  /** The comment's text and the declaration after it (up to `{` or `;`). */
  text: string;
}

const indexes = new WeakMap<ClassifyContext, Promise<Map<string, DocComment>>>();

/** The gdoc comments of the tracked C sources: function name → comment (first one wins). */
function docComments(ctx: ClassifyContext): Promise<Map<string, DocComment>> {
  let p = indexes.get(ctx);
  if (!p) {
    p = (async () => {
      const out = new Map<string, DocComment>();
      const sources = [...ctx.gitPaths].filter((q) => /\.(?:[chyl])$/.test(q)).sort().slice(0, MAX_SOURCES);
      for (const path of sources) {
        const b = await ctx.content.git(path);
        if (!b || b.length > MAX_SOURCE_BYTES || !b.includes('/**')) continue;
        const s = b.toString('utf8');
        for (const m of s.matchAll(/\/\*\*[ \t]*\n[ \t]*\*[ \t]*([A-Za-z_]\w*)(?::[^\n]*)?[ \t]*\n([\s\S]*?)\*\//g)) {
          const end = m.index + m[0].length;
          const decl = /^[^{;]*/.exec(s.slice(end, end + 2000))![0];
          if (!out.has(m[1]!)) out.set(m[1]!, { path, text: `${m[0]}\n${decl}` });
        }
      }
      return out;
    })();
    indexes.set(ctx, p);
  }
  return p;
}

/** The function names of a gdoc fragment, or undefined when it is anything else. */
export function fragmentFunctions(texi: string): string[] | undefined {
  const lines = texi.split('\n');
  const names: string[] = [];
  let i = 0;
  while (i < lines.length) {
    if (!lines[i]!.trim()) {
      i++;
      continue;
    }
    const head = /^@subheading ([A-Za-z_]\w*)$/.exec(lines[i]!);
    if (!head || lines[i + 1] !== `@anchor{${head[1]}}`) return undefined;
    const def = lines[i + 2] ?? '';
    if (!def.startsWith('@deftypefun ') || !def.includes(`{${head[1]}}`)) return undefined;
    let j = i + 3;
    while (j < lines.length && lines[j] !== '@end deftypefun') {
      if (/^@(?:subheading|anchor|deftypefun)\b/.test(lines[j]!)) return undefined;
      j++;
    }
    if (j >= lines.length) return undefined;
    names.push(head[1]!);
    i = j + 1;
  }
  return names.length ? names : undefined;
}

async function decide(diff: PathDiff, ctx: ClassifyContext): Promise<Finding | undefined> {
  if (diff.status !== 'tarball-only' || diff.tarball?.type !== 'file' || !baseOf(diff.path).endsWith('.texi')) return undefined;
  const b = ctx.content.tarball(diff.path);
  if (!b || b.length > MAX_BYTES || b.includes(0)) return undefined;
  const texi = b.toString('utf8');
  const names = fragmentFunctions(texi);
  if (!names) return undefined;
  const comments = await docComments(ctx);
  const found = names.map((n) => comments.get(n));
  if (found.some((c) => !c)) return undefined;
  const sources = new Set(found.map((c) => c!.path));
  if (sources.size !== 1) return undefined;
  const source = [...sources][0]!;
  const known = wordsOf(`${names.join(' ')}\n${found.map((c) => c!.text).join('\n')}`);
  const words = [...wordsOf(texi)].filter((w) => !TEXINFO_WORDS.has(w));
  const hits = words.filter((w) => known.has(w)).length;
  if (!words.length || hits < words.length * MIN_SHARE) return undefined;
  if (findConstructs(texi, diff.path).length) return undefined;
  const hosts = urlHosts(found.map((c) => c!.text).join('\n'));
  for (const h of urlHosts(texi)) if (!hosts.has(h)) return undefined;
  return makeFinding('GENERATED_FROM_SOURCE', diff.path, { how: 'rendered', source, generator: 'gdoc', found: hits, total: words.length });
}

export const docCommentClassifier: Classifier = {
  id: 'doc-comment',
  classify: decide,
};
