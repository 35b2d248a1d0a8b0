/**
 * Texinfo fragments rendered from the doc comments of tracked C sources (issue 11 d): GNU's gdoc (libidn2,
 * libtasn1, gnutls, libidn, shishi) turns a `/** FUNC: @param: … **\/` comment into `@subheading FUNC`,
 * `@anchor{FUNC}`, `@deftypefun {TYPE} {FUNC} (…)`, the parameter and body text with `@var{…}`/`@code{…}`, and
 * `@end deftypefun`; an enum's `/** TYPE: @VALUE: text … *\/` comment into `@c TYPE`, `@table @code`, one
 * `@item VALUE` (underscores broken with `@-`) and its text per value, `@end table`. Its outputs:
 *  - one file per function or per source file (libidn2's doc/texi/FUNC.texi, FILE.c.texi), or per API
 *    collection drawn from several sources (gnutls' doc/x509-api.texi, enums.texi);
 *  - the same blocks split one per file by the project's split-texi script with the `@subheading`/`@anchor`
 *    lines blanked (gnutls' doc/functions/FUNC, doc/enums/TYPE): then the file's name must be the block's name;
 *  - the one-line summary made from such a file's `@deftypefun` line (`@item @var{TYPE} @ref{FUNC} (…)`,
 *    doc/functions/FUNC.short): the file's name must be FUNC.short.
 *
 * The content check: the file is nothing but such blocks (blank lines between), every block names a function or
 * an enum that a tracked C, header (also X.h.in), yacc or lex file documents with a doc comment (`/** NAME:`,
 * `NAME;`, `NAME - text` or `NAME` alone on its line, or any name line above the declaration of NAME: gdoc picks a
 * comment by the declaration that follows it), every enum value it lists in that comment or the enum's declaration, at least
 * 95 % of the fragment's distinct words (three letters or more, texinfo's own commands and gdoc's
 * "undescribed" set aside) occur in those comments and declarations, and no line carries a suspicious construct
 * or a URL the comments lack. A paragraph from nowhere, a command, a value or function no tracked file documents,
 * a split file named after another block, leaves it unexplained.
 */
import { makeFinding } from '../core/severity.js';
import type { PathDiff } from '../core/types.js';
import { wordsOf } from './man-rendered.js';
import { baseOf } from './paths.js';
import { findConstructs } from './suspicious.js';
import { urlHosts } from './urls.js';
import type { Classifier, ClassifyContext } from './types.js';
import type { Finding } from '../core/findings.js';
import { admits } from './precheck.js';
import { oncePer } from '../util/memo.js';

const MAX_BYTES = 512 * 1024;
const MAX_SOURCE_BYTES = 2 * 1024 * 1024;
const MAX_SOURCES = 3000;
const MIN_SHARE = 0.95;
/** At most this many further sources are named in the evidence (`others`); `files` counts them all. */
const MAX_NAMED_SOURCES = 20;
/** The commands gdoc writes, which the comment does not have, and its word for a value the comment leaves out. */
const TEXINFO_WORDS = new Set(['subheading', 'anchor', 'deftypefun', 'deftypefunx', 'var', 'code', 'end', 'emph', 'strong', 'example', 'verbatim', 'table', 'item', 'itemize', 'enumerate', 'const', 'void', 'unsigned', 'char', 'int', 'long', 'size', 'ref', 'undescribed']);

interface DocComment {
  path: string;
  /** The comment's text and the declaration after it (up to `{` or `;`; an enum's up to its `;`). */
  text: string;
}

/** One block of gdoc output: a function (`@deftypefun`), an enum table, or a function's one-line summary. */
export interface GdocBlock {
  kind: 'function' | 'enum' | 'short';
  name: string;
  /** enum: its values, `@-` removed. */
  values?: string[];
}

const indexes = oncePer<ClassifyContext, Promise<Map<string, DocComment[]>>>();

/**
 * The name a declaration after a doc comment declares: a function's (the identifier before its first `(`), an
 * enum's (the typedef name after its `}`, else its tag). gdoc picks a comment by what follows it, so a comment whose
 * own name line is stale (gnutls: `gnutls_ext_deinit:` above gnutls_x509_ext_deinit) documents the declared name.
 */
export function declaredName(decl: string): string | undefined {
  if (/^\s*(?:typedef\s+)?enum\b/.test(decl)) return (/\}\s*([A-Za-z_]\w*)\s*$/.exec(decl) ?? /^\s*(?:typedef\s+)?enum\s+([A-Za-z_]\w*)/.exec(decl))?.[1];
  return /([A-Za-z_]\w*)\s*\(/.exec(decl)?.[1];
}

/**
 * The gdoc comments of the tracked C sources and headers: name → comments, under the comment's own name
 * (`NAME:`, `NAME - text` or `NAME` alone) and under the name the declaration after it declares.
 */
function docComments(ctx: ClassifyContext): Promise<Map<string, DocComment[]>> {
  return indexes(ctx, async () => {
    const out = new Map<string, DocComment[]>();
    const add = (name: string, c: DocComment) => {
      const list = out.get(name) ?? [];
      if (!list.includes(c)) list.push(c);
      out.set(name, list);
    };
    const sources = [...ctx.gitPaths].filter((q) => /\.(?:[chyl]|h\.in)$/.test(q)).sort().slice(0, MAX_SOURCES);
    for (const path of sources) {
      const b = await ctx.content.git(path);
      if (!b || b.length > MAX_SOURCE_BYTES || !b.includes('/**')) continue;
      const s = b.toString('utf8');
      for (const m of s.matchAll(/\/\*\*[ \t]*\n[ \t]*\*[ \t]*([A-Za-z_]\w*)(?:[:;][^\n]*| +- [^\n]*)?[ \t]*\n([\s\S]*?)\*\//g)) {
        const end = m.index + m[0].length;
        const after = s.slice(end, end + 8000);
        const decl = /^\s*(?:typedef\s+)?enum\b/.test(after) ? /^[^;]*/.exec(after)![0] : /^[^{;]*/.exec(after)![0];
        const c: DocComment = { path, text: `${m[0]}\n${decl}` };
        add(m[1]!, c);
        const declared = declaredName(decl);
        if (declared && declared !== m[1]) add(declared, c);
      }
    }
    return out;
  });
}

/** The blocks of a gdoc output, or undefined when the text is anything else. */
export function gdocBlocks(texi: string): GdocBlock[] | undefined {
  const lines = texi.split('\n');
  const blocks: GdocBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (!line.trim()) {
      i++;
      continue;
    }
    const short = /^@item @var\{[^{}\n]*\} @ref\{([A-Za-z_]\w*)\} \([^\n]*\)$/.exec(line);
    if (short) {
      blocks.push({ kind: 'short', name: short[1]! });
      i++;
      continue;
    }
    const en = /^@c ([A-Za-z_]\w*)$/.exec(line);
    if (en) {
      if (lines[i + 1] !== '@table @code') return undefined;
      const values: string[] = [];
      let j = i + 2;
      while (j < lines.length && lines[j] !== '@end table') {
        const l = lines[j]!;
        if (/^@(?:c|table|subheading|anchor|deftypefun)\b/.test(l)) return undefined;
        if (l.startsWith('@item')) {
          const v = /^@item ([A-Za-z_](?:[\w]|@-)*)$/.exec(l);
          if (!v) return undefined;
          values.push(v[1]!.replace(/@-/g, ''));
        }
        j++;
      }
      if (j >= lines.length || !values.length) return undefined;
      blocks.push({ kind: 'enum', name: en[1]!, values });
      i = j + 1;
      continue;
    }
    let name: string | undefined;
    const head = /^@subheading ([A-Za-z_]\w*)$/.exec(line);
    if (head) {
      if (lines[i + 1] !== `@anchor{${head[1]}}`) return undefined;
      name = head[1]!;
      i += 2;
    }
    const def = /^@deftypefun \{[^{}\n]*\} \{([A-Za-z_]\w*)\}/.exec(lines[i] ?? '');
    if (!def || (name !== undefined && def[1] !== name)) return undefined;
    let j = i + 1;
    while (j < lines.length && lines[j] !== '@end deftypefun') {
      if (/^@(?:subheading|anchor|deftypefun|c|table)\b/.test(lines[j]!)) return undefined;
      j++;
    }
    if (j >= lines.length) return undefined;
    blocks.push({ kind: 'function', name: def[1]! });
    i = j + 1;
  }
  return blocks.length ? blocks : undefined;
}

/** The function names of a gdoc function fragment (only `@deftypefun` blocks), or undefined when it is anything else. */
export function fragmentFunctions(texi: string): string[] | undefined {
  const blocks = gdocBlocks(texi);
  if (!blocks || blocks.some((b) => b.kind !== 'function')) return undefined;
  return blocks.map((b) => b.name);
}

/** A file not named X.texi is gdoc output only as split-texi's one block named after the file (FUNC, TYPE, FUNC.short). */
function namedAsSplit(base: string, blocks: GdocBlock[]): boolean {
  if (blocks.length !== 1) return false;
  const b = blocks[0]!;
  return b.kind === 'short' ? base === `${b.name}.short` : base === b.name;
}

/** A gdoc output's name: X.texi, or split-texi's FUNC / TYPE / FUNC.short. */
const SPLIT_NAME = /^[A-Za-z_]\w*(?:\.short)?$/;

async function decide(diff: PathDiff, ctx: ClassifyContext): Promise<Finding | undefined> {
  const base = baseOf(diff.path);
  const texiName = base.endsWith('.texi');
  const b = ctx.content.tarball(diff.path);
  if (!b || b.length > MAX_BYTES || b.includes(0)) return undefined;
  const texi = b.toString('utf8');
  const blocks = gdocBlocks(texi);
  if (!blocks) return undefined;
  if (texiName ? blocks.some((x) => x.kind === 'short') : !namedAsSplit(base, blocks)) return undefined;
  const comments = await docComments(ctx);
  // A name two tracked files document (gnutls' lib/pubkey.c and its openpgp_compat.c stub): their comments together.
  const found: DocComment[] = [];
  for (const block of blocks) {
    const list = comments.get(block.name);
    if (!list) return undefined;
    const c: DocComment = { path: list[0]!.path, text: list.map((x) => x.text).join('\n') };
    if (block.values?.some((v) => !new RegExp(`\\b${v}\\b`).test(c.text))) return undefined;
    found.push(c);
  }
  const perSource = new Map<string, number>();
  for (const c of found) perSource.set(c.path, (perSource.get(c.path) ?? 0) + 1);
  const sources = [...perSource].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([p]) => p);
  // The comments' ` * ` line leaders dropped, so that a word hyphenated across two comment lines joins as in the output.
  const known = wordsOf(`${blocks.map((x) => x.name).join(' ')}\n${found.map((c) => c.text).join('\n').replace(/^[ \t]*\*[ \t]?/gm, '')}`);
  const words = [...wordsOf(texi.replace(/@-/g, ''))].filter((w) => !TEXINFO_WORDS.has(w));
  const hits = words.filter((w) => known.has(w)).length;
  if (!words.length || hits < words.length * MIN_SHARE) return undefined;
  if (findConstructs(texi, diff.path).length) return undefined;
  const hosts = urlHosts(found.map((c) => c.text).join('\n'));
  for (const h of urlHosts(texi)) if (!hosts.has(h)) return undefined;
  const others = sources.slice(1);
  return makeFinding('GENERATED_FROM_SOURCE', diff.path, {
    how: 'rendered', source: sources[0]!, generator: 'gdoc', found: hits, total: words.length,
    ...(others.length ? { others: others.slice(0, MAX_NAMED_SOURCES), files: sources.length } : {}),
  });
}

/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => {
  if (diff.status !== 'tarball-only' || diff.tarball?.type !== 'file') return false;
  const base = baseOf(diff.path);
  return base.endsWith('.texi') || SPLIT_NAME.test(base);
};

export const docCommentClassifier: Classifier = {
  id: 'doc-comment',
  candidate,
  classify: (diff, ctx) => (admits(candidate, diff) ? decide(diff, ctx) : undefined),
};
