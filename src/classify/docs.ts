/**
 * Documentation generated for the release and not tracked in git: man pages, PDFs, Doxygen/Sphinx
 * HTML trees, info manuals and plain-text man renderings. When content is retained it must look like
 * what it claims to be (troff, %PDF, makeinfo output); the source in git is named when found.
 */
import type { Finding } from '../core/findings.js';
import { makeFinding } from '../core/severity.js';
import type { PathDiff } from '../core/types.js';
import type { Classifier, ClassifyContext } from './types.js';
import { baseOf, dirOf, pathsBy } from './paths.js';

type DocKind = 'man' | 'pdf' | 'html' | 'info' | 'text' | 'other';



/** Git paths by basename. */
function byBase(git: ReadonlySet<string>): Map<string, string[]> {
  return pathsBy('base', git);
}

/** Among candidate basenames, the git path closest to `near` (same directory first). */
function findSource(git: ReadonlySet<string>, near: string, names: string[]): string | undefined {
  const idx = byBase(git);
  const dir = dirOf(near);
  let best: string | undefined;
  let bestScore = -1;
  for (const name of names) {
    for (const p of idx.get(name) ?? []) {
      if (p === near) continue;
      const d = dirOf(p);
      // Score: shared leading directory segments, same directory wins outright.
      const a = dir.split('/');
      const b = d.split('/');
      let shared = 0;
      while (shared < a.length && shared < b.length && a[shared] === b[shared]) shared++;
      const score = d === dir ? 1000 : shared;
      if (score > bestScore) {
        best = p;
        bestScore = score;
      }
    }
    if (best && bestScore === 1000) return best;
  }
  return best;
}

const MAN_EXT = /^(.+)\.([1-9])([a-z]*)$/;
const MAN_SOURCE_SUFFIXES = (stem: string, sec: string) => [
  `${stem}.${sec}.in`, `${stem}.${sec}.pod`, `${stem}.pod`, `${stem}.${sec}.xml`, `${stem}.xml`, `${stem}.${sec}.md`,
  `${stem}.md`, `${stem}.${sec}.ronn`, `${stem}.${sec}.adoc`, `${stem}.adoc`, `${stem}.${sec}.txt`, `${stem}.${sec}.rst`,
  `${stem}.rst`, `${stem}.${sec}.scd`, `${stem}.h2m`, `${stem}.x`, `${stem}.${sec}.in.in`,
];
const TEXI = (stem: string) => [`${stem}.texi`, `${stem}.texinfo`, `${stem}.txi`, `${stem}.texi.in`];

function text(ctx: ClassifyContext, path: string, bytes = 2048): string | undefined {
  const b = ctx.content.tarball(path);
  return b ? b.subarray(0, bytes).toString('latin1') : undefined;
}

const isTroff = (h: string) => /^(?:\.\\"|'\\"|\.TH\s|\.Dd\s|\.so\s|\.ig\b|\.de\s|\.\s*$)/m.test(h.slice(0, 2048)) && !h.includes('\0');
const HTML_EXT = /\.(?:html?|xhtml|css|js|mjs|map|png|svg|gif|jpe?g|webp|ico|woff2?|ttf|eot|md5|json|txt|inv|pickle|doctree|buildinfo)$/i;
const DOC_SEGMENT = /^(?:docs?|doc[-_].+|documentation|manual|api-docs?)$/i;

function docsFinding(path: string, kind: DocKind, source?: string): Finding {
  return makeFinding('GENERATED_DOCS', path, source ? { kind, source } : { kind });
}

/** The generated HTML tree root holding `path`: the deepest ancestor under a doc* segment with a tarball-only index.html. */
function htmlTreeRoot(path: string, ctx: ClassifyContext): string | undefined {
  const segs = path.split('/');
  const docAt = segs.findIndex((s, i) => i < segs.length - 1 && DOC_SEGMENT.test(s));
  if (docAt === -1) return undefined;
  for (let i = segs.length - 1; i > docAt; i--) {
    const root = segs.slice(0, i).join('/');
    const index = `${root}/index.html`;
    if (ctx.tarballPaths.has(index) && !ctx.gitPaths.has(index)) return root;
  }
  return undefined;
}

function htmlSource(git: ReadonlySet<string>, path: string): string | undefined {
  return findSource(git, path, ['Doxyfile', 'Doxyfile.in', 'doxygen.cfg', 'conf.py', 'mkdocs.yml']);
}

function decide(diff: PathDiff, ctx: ClassifyContext): Finding | undefined {
  if (diff.status !== 'tarball-only' || (diff.tarball && diff.tarball.type !== 'file')) return undefined;
  const path = diff.path;
  const base = baseOf(path);
  const git = ctx.gitPaths;

  const man = MAN_EXT.exec(base);
  if (man) {
    const [, stem, sec] = man as unknown as [string, string, string];
    const h = text(ctx, path);
    if (h !== undefined && !isTroff(h)) return undefined;
    // A translated or copied page (po4a) has the same name as its source page.
    const source = findSource(git, path, [...MAN_SOURCE_SUFFIXES(stem, sec), base]);
    return docsFinding(path, 'man', source);
  }
  if (/\.pdf$/i.test(base)) {
    const b = ctx.content.tarball(path);
    if (b && !b.subarray(0, 1024).includes('%PDF-')) return undefined;
    const stem = base.slice(0, -4).replace(/[-_.](?:a4|letter)$/i, '');
    const source = findSource(git, path, [
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((s) => `${stem}.${s}`),
      ...TEXI(stem), `${stem}.tex`, `${stem}.md`, `${stem}.rst`, `${stem}.xml`, `${stem}.adoc`,
    ]);
    return docsFinding(path, 'pdf', source);
  }
  const info = /^(.+)\.info(?:-\d+)?$/.exec(base);
  if (info) {
    const h = text(ctx, path);
    if (h !== undefined && !/produced by (?:makeinfo|texi2any)|^\u001f?\s*File: /im.test(h)) return undefined;
    return docsFinding(path, 'info', findSource(git, path, TEXI(info[1]!)));
  }
  if (HTML_EXT.test(base)) {
    const root = htmlTreeRoot(path, ctx);
    if (root) return docsFinding(path, 'html', htmlSource(git, path));
  }
  const txt = /^(.+)\.txt$/.exec(base);
  if (txt && /(?:^|\/)(?:docs?|man|doc[-_][^/]*)(?:\/|$)/i.test(dirOf(path))) {
    // A plain-text rendering of a man page that git has.
    const source = findSource(git, path, [1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((s) => [`${txt[1]}.${s}`, `${txt[1]}.${s}.in`]));
    if (source) return docsFinding(path, 'text', source);
    return undefined;
  }
  if (/\.(?:ps|dvi|epub|chm)$/i.test(base)) {
    const stem = base.replace(/\.[^.]+$/, '');
    const source = findSource(git, path, [...TEXI(stem), `${stem}.tex`, `${stem}.xml`, `${stem}.rst`, `${stem}.md`]);
    if (source) return docsFinding(path, 'other', source);
  }
  return undefined;
}

export const docsClassifier: Classifier = {
  id: 'generated-docs',
  classify: decide,
};
