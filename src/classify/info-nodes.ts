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
 * Measured on the 63 generated info files of the evaluation set's releases: all pass.
 *
 * Red team 31: a node's body was not read, so sed 4.9's doc/sed.info gaining a paragraph of the manual's own words and
 * one download URL on a host it names (`https://www.gnu.org/software/sed/sed-4.9-fix.tar.xz`) was GENERATED_DOCS low,
 * exit 0 (variant `info-url`). The body is now held to what makeinfo copies from its sources (untracedInfoBody): every
 * URL one the texinfo sources spell out whole (read as makeinfo prints them: `@uref{URL,TEXT}`, `@@`, `@value{…}` of an
 * `@set` and `@macro` calls expanded — ./urls.ts docSourceUrls), no URL host they lack, no suspicious construct of a kind
 * they lack, and no line of encoded data they lack. Not caught: prose made of words the sources have and no URL (no
 * word trace of the node bodies). The sources are the texinfo files and what they `@include` under another name (a
 * chapter `.inc`, whose nodes count too) or `@verbatiminclude` (an example program, found beside the including file or,
 * as makeinfo's `-I` directory, anywhere in the tree by its name). Measured on the 55 generated info files of the 28
 * releases of the set whose archive and repository this machine had (sed, gettext 0.21/0.23.1, findutils, gnutls,
 * automake, autoconf, libmicrohttpd, libidn, aspell, wget2 …): all pass (before the `@var`, typographic-quote and
 * include readings, 9 of them did not).
 */
import { baseOf, dirOf, normalisePath } from './paths.js';
import { encodedRuns, findConstructs } from './suspicious.js';
import type { ClassifyContext } from './types.js';
import { oncePer } from '../util/memo.js';
import { docSourceUrls, novelUrls, urlHosts } from './urls.js';

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

const texiCache = oncePer<ClassifyContext, Promise<{ nodes: Set<string>; texts: string[] }>>();

/** The texinfo sources (tracked anywhere, then those only the tarball ships): their `@node` names and their texts. */
async function texinfoSources(ctx: ClassifyContext): Promise<{ nodes: Set<string>; texts: string[] }> {
  return texiCache(ctx, async () => {
    const nodes = new Set<string>();
    const files: [string, string][] = [];
    const tracked = [...ctx.gitPaths].filter((x) => TEXI.test(x)).slice(0, MAX_FILES);
    for (const f of tracked) {
      const b = await ctx.content.git(f);
      if (b && b.length <= MAX_BYTES) files.push([f, b.toString('utf8')]);
    }
    const shipped = [...ctx.tarballPaths].filter((x) => TEXI.test(x) && !ctx.gitPaths.has(x)).slice(0, MAX_FILES);
    for (const f of shipped) {
      const b = ctx.content.tarball(f);
      if (b && b.length <= MAX_BYTES) files.push([f, b.toString('utf8')]);
    }
    // the files a manual includes under another name (`@include chapters/hellobrowser.inc`, libmicrohttpd's tutorial) or
    // prints verbatim (`@verbatiminclude ../examples/example.c`, libidn's): relative to the including file, tracked or shipped
    const seen = new Set(files.map(([f]) => f));
    const byBase = new Map<string, string[]>();
    if (files.some(([, t]) => /^@(?:verbatim)?include[ \t]/m.test(t))) {
      for (const x of new Set([...ctx.gitPaths, ...ctx.tarballPaths])) {
        const list = byBase.get(baseOf(x));
        if (list) list.push(x);
        else byBase.set(baseOf(x), [x]);
      }
    }
    for (let i = 0; i < files.length && seen.size < 2 * MAX_FILES; i++) {
      const [file, t] = files[i]!;
      for (const m of t.matchAll(/^@(?:verbatim)?include[ \t]+(\S+)[ \t]*$/gm)) {
        const rel = m[1]!;
        if (rel.startsWith('/')) continue;
        const p = normalisePath(dirOf(file) ? `${dirOf(file)}/${rel}` : rel);
        if (!p || p.startsWith('..')) continue;
        // not beside the including file: a directory of makeinfo's `-I` path (libidn's `-I $(top_srcdir)/examples`),
        // any tracked or shipped file of that name
        const where = ctx.gitPaths.has(p) || ctx.tarballPaths.has(p) ? [p] : (byBase.get(baseOf(rel)) ?? []).filter((x) => x.endsWith(`/${rel}`)).slice(0, 4);
        for (const w of where) {
          if (seen.has(w)) continue;
          seen.add(w);
          const b = ctx.gitPaths.has(w) ? await ctx.content.git(w) : ctx.content.tarball(w);
          if (b && b.length <= MAX_BYTES) files.push([w, b.toString('utf8')]);
        }
      }
    }
    for (const [, t] of files) for (const n of texiNodes(t)) nodes.add(n);
    return { nodes, texts: files.map(([, t]) => t) };
  });
}

const texiKnown = oncePer<ClassifyContext, Promise<{ urls: Set<string>; hosts: Set<string>; kinds: Set<string>; text: string }>>();

/**
 * What the texinfo sources let an info file say, read once per run: their whole URLs as makeinfo prints them (one text:
 * an `@set` in version.texi serves an `@value` of the manual), their URL hosts, the kinds of suspicious construct they
 * hold (read as written and with texinfo's `@{` `@}` `@@` and `@cmd{` markup undone) and their text.
 */
async function texinfoKnown(ctx: ClassifyContext): Promise<{ urls: Set<string>; hosts: Set<string>; kinds: Set<string>; text: string }> {
  return texiKnown(ctx, async () => {
    const text = (await texinfoSources(ctx)).texts.join('\n');
    // makeinfo prints `@var{tarname}` in upper case inside a URL (autoconf's `https://www.gnu.org/software/TARNAME/`,
    // aspell's `ftp://ftp.gnu.org/gnu/aspell/aspell-LANG-VERSION.tar.bz2`) and the other font and markup commands as
    // their text
    let printed = text;
    for (let i = 0; i < 4 && /@(?!u?ref\{|url\{)[A-Za-z]+\{[^{}]*\}/.test(printed); i++) {
      printed = printed.replace(/@var\{([^{}]*)\}/g, (_, v: string) => v.toUpperCase()).replace(/@(?!uref\{|url\{)[A-Za-z]+\{([^{}]*)\}/g, '$1');
    }
    const urls = new Set([...docSourceUrls(text), ...docSourceUrls(printed)]);
    const hosts = new Set([...urlHosts(text), ...[...urls].flatMap((u) => [...urlHosts(u)])]);
    const read = text.replace(/@[A-Za-z]+\{/g, '').replace(/@([@{}])/g, '$1');
    const kinds = new Set([...findConstructs(text, 'manual.texi'), ...findConstructs(read, 'manual.texi')].map((c) => c.kind));
    return { urls, hosts, kinds, text: `${text}\n${read}` };
  });
}

/**
 * Why the body of an info file says what its texinfo sources (and `extra`: the Markdown pages a pandoc manual comes
 * from) do not; undefined when it does not. See the module comment (red team 31).
 */
export async function untracedInfoBody(ctx: ClassifyContext, path: string, info: Buffer, extra = ''): Promise<string | undefined> {
  const k = await texinfoKnown(ctx);
  // makeinfo quotes `@samp{…}`/`@code{…}` in typographic quotes (‘https://savannah.gnu.org/’ in gettext's manual): not
  // part of a URL
  const text = info.toString('utf8').replace(/[\u2018\u2019\u201c\u201d\u00ab\u00bb]/g, ' ');
  const hosts = extra ? new Set([...k.hosts, ...urlHosts(extra)]) : k.hosts;
  for (const h of urlHosts(text)) if (!hosts.has(h)) return `URL host ${h} in no texinfo source`;
  const urls = extra ? new Set([...k.urls, ...docSourceUrls(extra)]) : k.urls;
  const url = novelUrls(text, urls)[0];
  if (url !== undefined) return `URL ${url} in no texinfo source`;
  const kinds = extra ? new Set([...k.kinds, ...findConstructs(extra, 'page.md').map((c) => c.kind)]) : k.kinds;
  const c = findConstructs(text, path).find((x) => !kinds.has(x.kind));
  if (c) return `${c.kind} at line ${c.line}, in no texinfo source`;
  // run by run, not line by line: makeinfo refills paragraphs, so coreutils 9.7's line spelling Z85's alphabet
  // (`0123…xyzABC…STU VWXYZ…`) is not a line of coreutils.texi, though its run is
  for (const l of text.split('\n')) {
    if (encodedRuns(l).some((r) => !k.text.includes(r) && !extra.includes(r))) return 'a line of encoded data no texinfo source has';
  }
  return undefined;
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
  if (!names.length) return untracedInfoBody(ctx, path, info);
  const known = new Set((await texinfoSources(ctx)).nodes);
  const dir = dirOf(path);
  const markdown: string[] = [];
  for (const f of ctx.gitPaths) {
    if (dirOf(f) !== dir || !/\.md$/i.test(baseOf(f))) continue;
    const b = await ctx.content.git(f);
    if (b && b.length <= MAX_BYTES) {
      markdown.push(b.toString('utf8'));
      for (const h of markdownHeadings(b.toString('utf8'))) known.add(h);
    }
  }
  for (const n of names) {
    if (n === 'Top') continue;
    const k = nodeKey(n);
    if (known.has(k) || (k.endsWith('-Footnotes') && known.has(k.slice(0, -'-Footnotes'.length)))) continue;
    return `node ${JSON.stringify(n)} in no texinfo source`;
  }
  return untracedInfoBody(ctx, path, info, markdown.join('\n'));
}
