/**
 * The sitemap MkDocs writes beside a generated site (issue 11 d): freetype 2.12.1's docs/reference/sitemap.xml and its
 * sitemap.xml.gz, written by `mkdocs build` of the API reference. The file says which pages the site has and when it
 * was built, nothing else, and is checked as exactly that:
 *   - the directory holds the site's shipped `index.html`, marked by MkDocs (mkdocs-material's `<meta name="generator"
 *     content="mkdocs-…">`, or the default themes' `<!-- MkDocs version : X -->`; the page is judged by its own finding);
 *   - `sitemap.xml` is the sitemaps.org `<urlset>` and nothing but `<url>` entries, each a `<loc>` (MkDocs' `None`
 *     when the configuration sets no site_url, or a URL of the site: a prefix spelled whole in a tracked mkdocs.yml /
 *     mkdocs.yaml, then a page the tree ships — `P.html`, `P/` for `P/index.html`, or the site's root), an optional
 *     `<lastmod>` date within 60 days of the revision's commit and an optional `<changefreq>` of the protocol's seven
 *     words, blanks only between them; no more entries than the tree has pages;
 *   - `sitemap.xml.gz` is one gzip member and nothing after it (its header naming no file or `sitemap.xml`, no extra
 *     field or comment: nothing for a payload to hide in) that decompresses, with its CRC and length, to exactly the
 *     shipped `sitemap.xml` beside it, which passes the check above.
 * Anything else in the file (a comment, another element, a URL the site does not have, a date far from the release)
 * leaves it to the next classifier.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { makeFinding } from '../core/severity.js';
import { baseOf, dirOf } from './paths.js';
import { admits } from './precheck.js';
import type { Classifier, ClassifyContext } from './types.js';
import { wholeUrls } from './urls.js';

const MAX_BYTES = 1024 * 1024;
const MAX_DAYS = 60;
/** MkDocs' mark on the site's home page: mkdocs-material's generator meta, or the default themes' closing comment. */
const GENERATOR = /<meta\s+name="generator"\s+content="(mkdocs-[^"]*)"|<!--\s*MkDocs version : (\d+(?:\.\d+)*)\s/;
const HEAD = /^\s*(?:<\?xml version="1\.0" encoding="UTF-8"\?>\s*)?<urlset xmlns="https?:\/\/www\.sitemaps\.org\/schemas\/sitemap\/0\.9">/;
const ENTRY = /^\s*<url>\s*<loc>([^<>\s]+)<\/loc>\s*(?:<lastmod>(\d{4}-\d\d-\d\d)<\/lastmod>\s*)?(?:<changefreq>(?:always|hourly|daily|weekly|monthly|yearly|never)<\/changefreq>\s*)?<\/url>/;
const TAIL = /^\s*<\/urlset>\s*$/;

const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

/** The tracked MkDocs configurations' site_url values (whole URLs), read once per classification run. */
const siteUrlCache = new WeakMap<ClassifyContext, Promise<Set<string>>>();
function siteUrls(ctx: ClassifyContext): Promise<Set<string>> {
  let got = siteUrlCache.get(ctx);
  if (!got) {
    got = (async () => {
      const out = new Set<string>();
      for (const p of [...ctx.gitPaths].filter((q) => /^mkdocs\.ya?ml$/.test(baseOf(q))).sort().slice(0, 20)) {
        const b = await ctx.content.git(p);
        if (!b || b.length > MAX_BYTES) continue;
        for (const m of b.toString('utf8').matchAll(/^site_url:\s*['"]?([^'"\s#]+)/gm)) for (const u of wholeUrls(m[1]!)) out.add(u.replace(/\/?$/, '/'));
      }
      return out;
    })();
    siteUrlCache.set(ctx, got);
  }
  return got;
}

/** The content of `buf` when it is exactly one gzip member (header: no flag but FNAME, naming `name`) and nothing else. */
export function gzipExactly(buf: Buffer, name: string): Buffer | undefined {
  if (buf.length < 18 || buf[0] !== 0x1f || buf[1] !== 0x8b || buf[2] !== 8 || (buf[3]! & ~0x08) !== 0) return undefined;
  let off = 10;
  if (buf[3]! & 0x08) {
    const end = buf.indexOf(0, off);
    if (end < 0 || buf.toString('latin1', off, end) !== name) return undefined;
    off = end + 1;
  }
  let out: { buffer: Buffer; engine: { bytesWritten: number } };
  try { out = inflateRawSync(buf.subarray(off), { info: true, maxOutputLength: MAX_BYTES }) as unknown as typeof out; } catch { return undefined; }
  const end = off + out.engine.bytesWritten;
  if (end + 8 !== buf.length) return undefined;
  if (buf.readUInt32LE(end) !== crc32(out.buffer) || buf.readUInt32LE(end + 4) !== out.buffer.length) return undefined;
  return out.buffer;
}

/** The entries of a sitemap as MkDocs writes it, or undefined (see the module comment). */
export function sitemapEntries(text: string): { loc: string; lastmod?: string }[] | undefined {
  const head = HEAD.exec(text);
  if (!head) return undefined;
  let rest = text.slice(head[0].length);
  const out: { loc: string; lastmod?: string }[] = [];
  for (let m = ENTRY.exec(rest); m; m = ENTRY.exec(rest)) {
    out.push({ loc: m[1]!, ...(m[2] ? { lastmod: m[2] } : {}) });
    rest = rest.slice(m[0].length);
  }
  return TAIL.test(rest) ? out : undefined;
}

async function check(ctx: ClassifyContext, path: string, text: string): Promise<{ generator: string; entries: number; pages: number } | undefined> {
  const dir = dirOf(path);
  const index = ctx.content.tarball(join(dir, 'index.html'));
  const m = index && index.length <= 4 * MAX_BYTES ? GENERATOR.exec(index.toString('utf8')) : null;
  const generator = m ? (m[1] ?? `mkdocs-${m[2]}`) : undefined;
  if (!generator) return undefined;
  const entries = sitemapEntries(text);
  if (!entries) return undefined;
  const prefix = dir ? `${dir}/` : '';
  const pages = [...ctx.tarballPaths].filter((p) => p.startsWith(prefix) && /\.html$/.test(p));
  if (entries.length > pages.length) return undefined;
  const released = ctx.revision.date ? Date.parse(ctx.revision.date) : NaN;
  const sites = await siteUrls(ctx);
  for (const e of entries) {
    if (e.lastmod !== undefined && !(Math.abs(Date.parse(`${e.lastmod}T00:00:00Z`) - released) <= MAX_DAYS * 86400_000)) return undefined;
    if (e.loc === 'None') continue;
    const site = [...sites].find((s) => e.loc.startsWith(s));
    if (site === undefined) return undefined;
    const page = e.loc.slice(site.length);
    if (!/^(?:[\w.~-]+\/)*(?:[\w.~-]+\.html)?$/.test(page)) return undefined;
    const file = join(dir, page === '' || page.endsWith('/') ? `${page}index.html` : page);
    if (!ctx.tarballPaths.has(file)) return undefined;
  }
  return { generator, entries: entries.length, pages: pages.length };
}

const candidate: NonNullable<Classifier['candidate']> = (diff) =>
  diff.status === 'tarball-only' && diff.tarball?.type === 'file' && /^sitemap\.xml(?:\.gz)?$/.test(baseOf(diff.path)) && diff.tarball.size <= MAX_BYTES;

export const mkdocsSitemapClassifier: Classifier = {
  id: 'mkdocs-sitemap',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const buf = ctx.content.tarball(diff.path);
    if (!buf) return undefined;
    let text: string;
    let source = diff.path;
    if (diff.path.endsWith('.gz')) {
      const plain = diff.path.slice(0, -3);
      const beside = ctx.content.tarball(plain);
      if (!beside) return undefined;
      const inflated = gzipExactly(buf, baseOf(plain));
      if (!inflated?.equals(beside)) return undefined;
      text = beside.toString('utf8');
      source = plain;
    } else text = buf.toString('utf8');
    const ok = await check(ctx, source, text);
    if (!ok) return undefined;
    return makeFinding('GENERATED_FROM_SOURCE', diff.path, {
      how: 'sitemap',
      source: join(dirOf(diff.path), 'index.html'),
      generator: ok.generator,
      found: ok.entries,
      total: ok.pages,
      ...(source !== diff.path ? { inputs: [source] } : {}),
    });
  },
};
