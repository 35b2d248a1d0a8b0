/**
 * gtk-doc's Devhelp index (issue 11 d): `<dir>/<MODULE>.devhelp2` (or the older `.devhelp`), written by
 * gtkdoc-mkhtml next to the HTML pages it makes from the tracked sources, and shipped by `make dist` — the
 * index of the generated HTML tree (harfbuzz 6.0.0's docs/html/harfbuzz.devhelp2). Nothing is run; the
 * file is checked line by line against what is tracked in the documentation directory above it
 * (`<docdir>/<MODULE>-sections.txt`, gtk-doc's list of documented symbols per section, and the tracked
 * DocBook sources) and against the generated tree it indexes:
 *   - every line is one element of the Devhelp format: the XML declaration, `<book>` (its `name` the
 *     MODULE), `<chapters>`, `<sub name link>`, `<functions>`, `<keyword type name link [since]
 *     [deprecated] [stability]>` and their closing tags — anything else (another element, a script, a
 *     stray line) leaves the file to the other classifiers;
 *   - every link is a page of the same generated tree (a tarball-only `.html` file in the file's
 *     directory, no scheme, no `..`), with an optional anchor;
 *   - every keyword names a symbol the tracked sections file documents: a function, macro, struct, union,
 *     enum, typedef or variable listed in the section whose page (`<MODULE>-<FILE>.html`, or for a section a
 *     tracked `SECTION:FILE` doc comment or the sections file's own `<TITLE>` titles, `<MODULE>-<title as gtk-doc's id>.html`: p11-kit's
 *     `p11-kit-PIN-Callbacks.html` for `@title: PIN Callbacks`) the keyword links to; a constant or member is a word of the tracked headers (every `.h` of the directories that
 *     hold a section's `<FILE>.h` — a section may gather several headers — or that the tracked documentation
 *     Makefile.am's `DOC_SOURCE_DIR` names), a member's struct one the section
 *     it links to lists (gtk-doc spells both parts of a member with '-' for '_');
 *   - a GObject property or signal keyword (`The “X” property` linking `PAGE#TYPE--X`, `The “X” signal` linking
 *     `PAGE#TYPE-X`) names a TYPE the page's section lists and an X that is a string literal of the tracked C sources
 *     beside the section's header (`g_param_spec_object ("container", …)`);
 *   - every chapter title occurs in the tracked DocBook sources or the sections file (XML entities
 *     decoded), or is such a section title, except the pages gtk-doc writes itself (the annotation glossary,
 *     the indexes).
 * The finding is GENERATED_FROM_SOURCE how 'doc-index' (low), with the keywords and titles traced.
 */
import { makeFinding } from '../core/severity.js';
import { baseOf, dirOf, normalisePath, pathsBy } from './paths.js';
import type { Classifier } from './types.js';
import { admits } from './precheck.js';

const MAX_BYTES = 8 * 1024 * 1024;
const MAX_HEADERS = 4000;
const NAME = /^(?:.*\/)?([A-Za-z0-9][\w.+-]*)\.devhelp2?$/;

/** Page titles gtk-doc generates itself (not from the tracked sources). */
const GTKDOC_TITLES = [/^Annotation Glossary$/, /^Object Hierarchy$/, /^API Index$/, /^Index(?: of (?:all symbols|deprecated symbols|new symbols in .+))?$/];

const ATTR = String.raw`\s+([a-z]+)="([^"<>]*)"`;
const LINE = {
  decl: /^<\?xml version="1\.0" encoding="utf-8" standalone="no"\?>$/,
  book: new RegExp(`^<book xmlns="http://www\\.devhelp\\.net/book"((?:${ATTR})*)>$`),
  sub: new RegExp(`^<sub((?:${ATTR})*)(/?)>$`),
  keyword: new RegExp(`^<keyword((?:${ATTR})*)/>$`),
  close: /^<\/(?:book|chapters|sub|functions)>$/,
  open: /^<(?:chapters|functions)>$/,
};
const SECTION_TYPES = new Set(['function', 'macro', 'struct', 'union', 'enum', 'typedef', 'variable']);
const HEADER_TYPES = new Set(['constant', 'member']);
const KEYWORD_ATTRS = new Set(['type', 'name', 'link', 'since', 'deprecated', 'stability']);
const LINK = /^([\w.-]+\.html)(?:#[\w.:-]+)?$/;
const IDENT = /^[A-Za-z_]\w*$/;

function attrs(s: string): Map<string, string> | undefined {
  const out = new Map<string, string>();
  for (const m of s.matchAll(new RegExp(ATTR, 'g'))) {
    if (out.has(m[1]!)) return undefined;
    out.set(m[1]!, m[2]!);
  }
  return out;
}

const unescape = (s: string) =>
  s.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) =>
    e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'apos' ? "'" : e === 'amp' ? '&' : String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1))),
  );

/** gtk-doc's sections file: the symbols each `<FILE>` section lists. */
export function parseSections(text: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  let current: Set<string> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const file = /^<FILE>([\w.-]+)<\/FILE>$/.exec(line);
    if (file) {
      current = out.get(file[1]!) ?? new Set();
      out.set(file[1]!, current);
    } else if (line === '</SECTION>') current = undefined;
    else if (current && IDENT.test(line)) current.add(line);
  }
  return out;
}

/**
 * The `<TITLE>` a section of gtk-doc's sections file gives itself (libgsf's `<TITLE>Input from unstructured files</TITLE>`
 * with `<FILE>input</FILE>`): gtkdoc-mkdb names that section's page after the title too — title → FILE.
 */
export function sectionsFileTitles(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/<SECTION>([\s\S]*?)<\/SECTION>/g)) {
    const title = /^\s*<TITLE>([^<>\n]+)<\/TITLE>\s*$/m.exec(m[1]!)?.[1]?.trim();
    const file = /^\s*<FILE>([\w.-]+)<\/FILE>\s*$/m.exec(m[1]!)?.[1];
    if (title && file) out.set(title, file);
  }
  return out;
}

export interface DevhelpInputs {
  module: string;
  /** Names of the tarball-only files in the index's directory. */
  pages: ReadonlySet<string>;
  sections: Map<string, Set<string>>;
  /**
   * The words of the tracked headers: every `.h` of the directories holding a section's header (`FILE.h`);
   * a section may gather symbols of several headers (harfbuzz's hb-deprecated: hb-ot-deprecated.h too).
   */
  words: ReadonlySet<string>;
  /** The tracked DocBook sources and the sections file, concatenated. */
  docText: string;
  /**
   * The sections a tracked `SECTION:FILE` doc comment titles (`@title: PIN Callbacks`): gtkdoc-mkdb then names the
   * section's page after the title, `<MODULE>-PIN-Callbacks.html` (its CreateValidSGMLID: ' ' and '_' as '-', ',' and
   * ';' dropped) — title → FILE. A chapter title may be one of these titles too.
   */
  titled?: ReadonlyMap<string, string>;
  /** The string literals (`"word-or_name"`) of the tracked C sources beside the sections' headers: GObject property and signal names. */
  strings?: ReadonlySet<string>;
}

/** gtk-doc's id of a title (CreateValidSGMLID, as gtkdoc-mkdb makes a section's page name): ' ' and '_' → '-', ',' ';' dropped, leading '-' dropped, '::' → '-', ':' → '--'. */
export function sgmlId(title: string): string {
  return title.replace(/[_ ]/g, '-').replace(/[,;]/g, '').replace(/^-+/, '').replace(/::/g, '-').replace(/:/g, '--');
}

/** The `SECTION:FILE` doc comments of a C source and their `@title:` lines (gtk-doc's section documentation). */
export function sectionTitles(source: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of source.matchAll(/\/\*\*\s*\n\s*\*\s*SECTION:\s*([\w.-]+)\s*\n((?:\s*\*(?!\/).*\n){0,40})/g)) {
    const title = /^\s*\*\s*@title:\s*(.+?)\s*$/im.exec(m[2]!)?.[1];
    if (title) out.set(title, m[1]!);
  }
  return out;
}

export interface DevhelpCheck {
  keywords: number;
  titles: number;
  /** Distinct pages linked. */
  pages: number;
}

/** Checks an index line by line; undefined when anything is not traced. */
export function checkDevhelp(text: string, inp: DevhelpInputs): DevhelpCheck | undefined {
  const linked = new Set<string>();
  const page = (link: string | undefined) => {
    const m = link !== undefined ? LINK.exec(link) : null;
    if (!m || !inp.pages.has(m[1]!)) return undefined;
    linked.add(m[1]!);
    return m[1]!;
  };
  /** The section FILE a page belongs to: `<MODULE>-<FILE>.html`, or `<MODULE>-<id of its title>.html` for a titled section. */
  const byPage = new Map<string, string>();
  for (const [title, file] of inp.titled ?? []) byPage.set(`${inp.module}-${sgmlId(title)}.html`, file);
  const sectionOf = (p: string) => byPage.get(p) ?? (p.startsWith(`${inp.module}-`) ? p.slice(inp.module.length + 1, -'.html'.length) : undefined);
  let keywords = 0;
  let titles = 0;
  let book = false;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || LINE.decl.test(line) || LINE.open.test(line) || LINE.close.test(line)) continue;
    let m = LINE.book.exec(line);
    if (m) {
      const a = attrs(m[1]!);
      if (book || !a || a.get('name') !== inp.module || page(a.get('link')) === undefined) return undefined;
      book = true;
      continue;
    }
    m = LINE.sub.exec(line);
    if (m) {
      const a = attrs(m[1]!);
      const name = a?.get('name');
      if (!a || a.size !== 2 || name === undefined || page(a.get('link')) === undefined) return undefined;
      const title = unescape(name);
      if (!inp.docText.includes(title) && !inp.titled?.has(title) && !GTKDOC_TITLES.some((r) => r.test(title))) return undefined;
      titles++;
      continue;
    }
    m = LINE.keyword.exec(line);
    if (!m) return undefined;
    const a = attrs(m[1]!);
    if (!a || [...a.keys()].some((k) => !KEYWORD_ATTRS.has(k))) return undefined;
    const type = a.get('type') ?? '';
    const p = page(a.get('link'));
    const file = p && sectionOf(p);
    const listed = file !== undefined ? inp.sections.get(file) : undefined;
    if (!listed) return undefined;
    const name = unescape(a.get('name') ?? '');
    if (SECTION_TYPES.has(type)) {
      // gtkdoc-mkhtml writes a function's name with a no-break space before "()", a function-like macro's without.
      const symbol = name.replace(/[ \u00a0]?\(\)$/, '').replace(/^(?:struct|union|enum) /, '');
      if (!IDENT.test(symbol) || !listed.has(symbol)) return undefined;
    } else if (HEADER_TYPES.has(type)) {
      if (type === 'constant') {
        if (!IDENT.test(name) || !inp.words.has(name)) return undefined;
      } else {
        // gtk-doc writes both parts with '-' for '_' (hb-glyph-info-t.name-id for hb_glyph_info_t.name_id).
        // a struct that shares its name with a typedef has gtk-doc's id NAME-struct (libgsf's GsfTimestamp-struct.date)
        const [owner, member, ...rest] = name.split('.').map((part, i) => (i === 0 ? part.replace(/-struct$/, '') : part).replaceAll('-', '_'));
        if (rest.length || !owner || !member || !IDENT.test(member) || !listed.has(owner) || !inp.words.has(member)) return undefined;
      }
    } else if (type === 'property' || type === 'signal') {
      // a GObject property or signal, which gtkdoc-mkhtml indexes as `The “X” property` / `The “X” signal` linking
      // the section's page at `#TYPE--X` / `#TYPE-X` (libgsf 1.14.53's `The “container” property`,
      // gsf-Input-from-unstructured-files.html#GsfInput--container): TYPE a symbol the section lists, X a string
      // literal of the tracked C sources beside its header (`g_param_spec_object ("container", …)`, GObject spelling
      // '-' or '_')
      const pm = /^The \u201c([a-z][\w-]*)\u201d (property|signal)$/.exec(name);
      const am = /#([A-Za-z_]\w*)(--?)([a-z][\w-]*)$/.exec(a.get('link') ?? '');
      if (!pm || pm[2] !== type || !am || am[3] !== pm[1] || am[2] !== (type === 'property' ? '--' : '-') || !listed.has(am[1]!)) return undefined;
      if (!inp.strings?.has(pm[1]!) && !inp.strings?.has(pm[1]!.replaceAll('-', '_'))) return undefined;
    } else return undefined;
    keywords++;
  }
  if (!book || keywords + titles === 0) return undefined;
  return { keywords, titles, pages: linked.size };
}


/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && NAME.test(diff.path);

export const devhelpClassifier: Classifier = {
  id: 'devhelp',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const name = NAME.exec(diff.path);
    if (!name) return undefined;
    const module = name[1]!;
    const dir = dirOf(diff.path);
    const docdir = dirOf(dir);
    const sectionsPath = `${docdir ? `${docdir}/` : ''}${module}-sections.txt`;
    // the tracked sections file, or gtkdoc-scan's one the tarball ships (its own finding must explain it: tarballInputs)
    const shippedSections = !ctx.gitPaths.has(sectionsPath) && ctx.tarballPaths.has(sectionsPath);
    if (!dir || (!ctx.gitPaths.has(sectionsPath) && !shippedSections)) return undefined;
    const buf = ctx.content.tarball(diff.path);
    if (!buf || buf.length > MAX_BYTES || buf.includes(0)) return undefined;
    const sectionsText = (shippedSections ? ctx.content.tarball(sectionsPath) : await ctx.content.git(sectionsPath))?.toString('utf8');
    if (sectionsText === undefined) return undefined;
    const sections = parseSections(sectionsText);
    const pages = new Set((pathsBy('dir', ctx.tarballPaths).get(dir) ?? []).filter((p) => !ctx.gitPaths.has(p) && p.endsWith('.html')).map(baseOf));
    // Tracked DocBook sources of the documentation directory.
    let docText = sectionsText;
    for (const p of (pathsBy('dir', ctx.gitPaths).get(docdir) ?? []).filter((q) => /\.(?:xml|sgml)$/.test(q)).sort()) {
      docText += `\n${(await ctx.content.git(p))?.toString('utf8') ?? ''}`;
    }
    // The words of the tracked headers in the directories of the sections' headers (FILE.h).
    const byBase = pathsBy('base', ctx.gitPaths);
    const byDir = pathsBy('dir', ctx.gitPaths);
    const dirs = new Set([...sections.keys()].flatMap((file) => [...(byBase.get(`${file}.h`) ?? []), ...(byBase.get(`${file}.h.in`) ?? [])].map(dirOf)));
    // and the directories the tracked documentation makefile points gtk-doc at (`DOC_SOURCE_DIR=../gsf`: libgsf's
    // sections are named `input`, `output` …, its headers gsf/gsf-input.h …)
    const am = await ctx.content.git(`${docdir ? `${docdir}/` : ''}Makefile.am`);
    for (const m of am?.toString('utf8').matchAll(/^DOC_SOURCE_DIR\s*[+:]?=[ \t]*(.*)$/gm) ?? []) {
      for (const token of m[1]!.split(/\s+/).filter(Boolean)) {
        const rel = token.startsWith('$(top_srcdir)/') ? token.slice(14) : token.replace(/^\$\(srcdir\)\//, '');
        if (rel.includes('$')) continue;
        const d = token.startsWith('$(top_srcdir)/') ? normalisePath(rel) : normalisePath(docdir ? `${docdir}/${rel}` : rel);
        if (d !== undefined && byDir.get(d)?.length) dirs.add(d);
      }
    }
    const words = new Set<string>();
    const headers = [...dirs].flatMap((d) => (byDir.get(d) ?? []).filter((p) => p.endsWith('.h') || p.endsWith('.h.in'))).sort().slice(0, MAX_HEADERS);
    for (const h of headers) for (const w of (await ctx.content.git(h))?.toString('latin1').match(/[A-Za-z_]\w*/g) ?? []) words.add(w);
    // The sections' titles from the tracked SECTION:FILE doc comments of the C sources and header templates (.c, .h,
    // .h.in: libidn2's lib/idn2.h.in) beside those headers (a section the sections file lists only).
    const titled = sectionsFileTitles(sectionsText);
    const strings = new Set<string>();
    const sources = [...dirs].flatMap((d) => (byDir.get(d) ?? []).filter((p) => /\.(?:[ch]|h\.in)$/.test(p))).sort().slice(0, MAX_HEADERS);
    for (const c of sources) {
      const text = (await ctx.content.git(c))?.toString('utf8');
      // a SECTION comment's title is a chapter title of the index even when the sections file does not list its FILE
      // (libgsf's `SECTION:zip` / `@Title: Zip files`)
      if (text?.includes('SECTION:')) for (const [title, file] of sectionTitles(text)) if (sections.has(file)) titled.set(title, file);
      else docText += `\n${title}`;
      for (const m of text?.matchAll(/"([a-z][\w-]*)"/g) ?? []) strings.add(m[1]!);
    }
    const check = checkDevhelp(buf.toString('utf8'), { module, pages, sections, words, docText, titled, strings });
    if (!check) return undefined;
    return makeFinding('GENERATED_FROM_SOURCE', diff.path, {
      how: 'doc-index',
      source: sectionsPath,
      generator: 'gtkdoc-mkhtml',
      keywords: check.keywords,
      titles: check.titles,
      files: check.pages,
      ...(shippedSections ? { tarballInputs: [sectionsPath] } : {}),
    });
  },
};

const SECTIONS_NAME = /^(?:.*\/)?([A-Za-z0-9][\w.+-]*)-sections\.txt$/;
const SECTIONS_LINE = /^(?:<SECTION>|<\/SECTION>|<SUBSECTION(?: [A-Za-z]+)?>|<FILE>[\w.-]+<\/FILE>|[A-Za-z_]\w*|)$/;

/**
 * gtkdoc-scan's MODULE-sections.txt (written from the headers when the project tracks none, and shipped: libidn2,
 * libtasn1, gnutls): every line `<SECTION>`, `</SECTION>`, `<SUBSECTION …>`, `<FILE>NAME</FILE>`, blank, or a symbol;
 * every symbol a word of the tracked header its section names (a tracked NAME.h or NAME.h.in anywhere in the tree:
 * libidn2's idn2 section is lib/idn2.h, made from the tracked lib/idn2.h.in). Undefined when anything else is there.
 */
export async function checkSections(text: string, headerWords: (file: string) => Promise<Set<string> | undefined>): Promise<{ sections: number; symbols: number } | undefined> {
  let file: string | undefined;
  let words: Set<string> | undefined;
  let sections = 0;
  let symbols = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!SECTIONS_LINE.test(line)) return undefined;
    const f = /^<FILE>([\w.-]+)<\/FILE>$/.exec(line);
    if (f) {
      file = f[1]!;
      words = await headerWords(file);
      if (!words) return undefined;
      sections++;
    } else if (line === '<SECTION>' || line === '</SECTION>') {
      file = undefined;
      words = undefined;
    } else if (IDENT.test(line)) {
      if (!file || !words?.has(line)) return undefined;
      symbols++;
    }
  }
  return sections && symbols ? { sections, symbols } : undefined;
}

const sectionsCandidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && SECTIONS_NAME.test(diff.path);

export const gtkdocSectionsClassifier: Classifier = {
  id: 'gtkdoc-sections',
  candidate: sectionsCandidate,
  async classify(diff, ctx) {
    if (!admits(sectionsCandidate, diff)) return undefined;
    const buf = ctx.content.tarball(diff.path);
    if (!buf || buf.length > MAX_BYTES || buf.includes(0)) return undefined;
    const byBase = pathsBy('base', ctx.gitPaths);
    const headers = new Set<string>();
    const cache = new Map<string, Set<string> | undefined>();
    const headerWords = async (file: string) => {
      if (cache.has(file)) return cache.get(file);
      const paths = [...(byBase.get(`${file}.h`) ?? []), ...(byBase.get(`${file}.h.in`) ?? [])].sort().slice(0, 20);
      let out: Set<string> | undefined;
      for (const p of paths) {
        const t = (await ctx.content.git(p))?.toString('latin1');
        if (t === undefined) continue;
        out ??= new Set();
        for (const w of t.match(/[A-Za-z_]\w*/g) ?? []) out.add(w);
        headers.add(p);
      }
      cache.set(file, out);
      return out;
    };
    const check = await checkSections(buf.toString('utf8'), headerWords);
    if (!check) return undefined;
    return makeFinding('GENERATED_FROM_SOURCE', diff.path, {
      how: 'doc-sections',
      source: [...headers].sort()[0]!,
      generator: 'gtkdoc-scan',
      keywords: check.symbols,
      files: check.sections,
    });
  },
};
