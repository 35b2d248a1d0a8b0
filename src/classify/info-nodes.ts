/**
 * Red team 16's open hole: an info file was explained by its shape (makeinfo's banner, text but for the index markers),
 * so a node appended to it (sed 4.9's doc/sed.info gaining a base64 node) stayed low. Every node of a generated info
 * file must now be a node of the manual's sources:
 *  - each node header (`\x1f` then `File: X.info,  Node: NAME, …`) names an `@node` of a texinfo file (tracked anywhere
 *    in the repository, or shipped by the tarball and judged by its own finding — gnulib's included manuals, texinfo a
 *    rule generates), a heading of a tracked Markdown page of the info file's directory (pandoc's `-t texinfo` makes
 *    wget2's manual from docs/wget2.md), `Top`, or `NAME-Footnotes` of such a node; texinfo markup (`@code{~}`) and
 *    the characters a node name cannot hold (`,` `:` parentheses, backquotes) set aside on both sides;
 *  - no node twice in one file;
 *  - after the tag table only makeinfo's `Local Variables:` / `coding:` / `End:` block.
 * Measured on the 63 generated info files of the evaluation set's releases: all pass. Not caught: text added inside
 * an existing node's body or the file's preamble (no word trace of the node bodies).
 */
import { baseOf, dirOf } from './paths.js';
import type { ClassifyContext } from './types.js';
import { oncePer } from '../util/memo.js';

const TEXI = /\.(?:texi|texinfo|txi)$/;
const MAX_FILES = 600;
const MAX_BYTES = 4 * 1024 * 1024;

/** A node name as compared: texinfo markup undone, the characters an info node name cannot hold dropped. */
export function nodeKey(name: string): string {
  let n = name;
  for (let i = 0; i < 4 && /@[A-Za-z]+\{[^{}]*\}/.test(n); i++) n = n.replace(/@[A-Za-z]+\{([^{}]*)\}/g, '$1');
  n = n.replace(/@@/g, '@').replace(/@([{}])/g, '$1');
  return n.replace(/[,:`()]/g, '').replace(/\s+/g, ' ').trim();
}

/** The `@node` names of a texinfo text. */
export function texiNodes(texi: string): string[] {
  return [...texi.matchAll(/^@node[ \t]+([^,\n]*)/gm)].map((m) => nodeKey(m[1]!)).filter(Boolean);
}

/** The headings of a Markdown text (ATX `#` headings, inline HTML and backslash escapes removed). */
export function markdownHeadings(md: string): string[] {
  return [...md.matchAll(/^#{1,6}[ \t]+(.*)$/gm)].map((m) => nodeKey(m[1]!.replace(/<[^>]*>/g, '').replace(/\\/g, '').replace(/\s*#+\s*$/, '')));
}

/** The node names of an info file's node headers, in order. */
export function infoNodeNames(info: string): string[] {
  return [...info.matchAll(/\x1f\r?\n(File:[^\n]*)/g)].map((m) => /Node:[ \t]*([^,\t\n]*)/.exec(m[1]!)?.[1]?.trim() ?? '');
}

const TAIL = /^\n*(?:\x1f\nLocal Variables:\ncoding: [\w-]+\nEnd:\n)?\n*$/;

const texiCache = oncePer<ClassifyContext, Promise<Set<string>>>();

async function texinfoNodes(ctx: ClassifyContext): Promise<Set<string>> {
  return texiCache(ctx, async () => {
    const out = new Set<string>();
    const tracked = [...ctx.gitPaths].filter((x) => TEXI.test(x)).slice(0, MAX_FILES);
    for (const f of tracked) {
      const b = await ctx.content.git(f);
      if (b && b.length <= MAX_BYTES) for (const n of texiNodes(b.toString('utf8'))) out.add(n);
    }
    const shipped = [...ctx.tarballPaths].filter((x) => TEXI.test(x) && !ctx.gitPaths.has(x)).slice(0, MAX_FILES);
    for (const f of shipped) {
      const b = ctx.content.tarball(f);
      if (b && b.length <= MAX_BYTES) for (const n of texiNodes(b.toString('utf8'))) out.add(n);
    }
    return out;
  });
}

/** Why an info file's nodes do not all come from the manual's sources; undefined when they do. */
export async function untracedInfoNode(ctx: ClassifyContext, path: string, info: Buffer): Promise<string | undefined> {
  const text = info.toString('latin1');
  const names = infoNodeNames(text);
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) return `node ${JSON.stringify(n)} twice`;
    seen.add(n);
  }
  const end = text.indexOf('\x1f\nEnd Tag Table\n');
  if (end !== -1 && !TAIL.test(text.slice(end + '\x1f\nEnd Tag Table\n'.length))) return 'text after the tag table';
  if (!names.length) return undefined;
  const known = new Set(await texinfoNodes(ctx));
  const dir = dirOf(path);
  for (const f of ctx.gitPaths) {
    if (dirOf(f) !== dir || !/\.md$/i.test(baseOf(f))) continue;
    const b = await ctx.content.git(f);
    if (b && b.length <= MAX_BYTES) for (const h of markdownHeadings(b.toString('utf8'))) known.add(h);
  }
  for (const n of names) {
    if (n === 'Top') continue;
    const k = nodeKey(n);
    if (known.has(k) || (k.endsWith('-Footnotes') && known.has(k.slice(0, -'-Footnotes'.length)))) continue;
    return `node ${JSON.stringify(n)} in no texinfo source`;
  }
  return undefined;
}
