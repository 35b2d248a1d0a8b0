/**
 * DocBook (and SDF) documentation rendered at release by a tracked make rule (issue 11 d): openldap's
 * doc/guide/admin/guide.html (`sdf -2html guide.sdf` from the tracked .sdf chapters), fontconfig's doc/fontconfig-user.html,
 * doc/fontconfig-devel.txt and the chunked tree doc/fontconfig-devel/*.html (docbook2html / docbook2txt — jade with
 * the Modular DocBook stylesheets — from the tracked doc/*.sgml), Linux-PAM's modules/X/README (xsltproc with the
 * DocBook XSL stylesheets, piped through a text browser, from the tracked modules/X/README.xml). Nothing is run; the
 * evidence is the rule and the text:
 *   - the rule: a rule of the tracked Makefile.am of the output's directory (or of the tree's parent directory; read by
 *     ./makefile-rules.ts, shared with src/regenerate/fig2dev.ts), or of
 *     a tracked fragment it includes (`-include $(top_srcdir)/Make.xml.rules`, read from the tracked `.in` when only
 *     that is tracked), whose recipe runs a DocBook converter (docbook2html/txt, jw, jade, openjade, xsltproc, xmlto,
 *     sdf, or the `$(DOC2HTML)`-style variable naming one) and which makes the output from the source: an explicit target
 *     naming the output with the tracked source among its prerequisites (`README: README.xml`), a suffix or pattern
 *     rule from the source's extension to the output's (`.sgml.txt:`, `%.html: %.xml`) with STEM.EXT tracked beside
 *     the output, or, for a page of a chunked tree, a target naming the tree's directory (`$(HTML_DIR)`, its value
 *     `fontconfig-devel`) whose prerequisite is the tracked source or a link a rule makes to it
 *     (`local-fontconfig-devel.sgml: $(srcdir)/fontconfig-devel.sgml` by `$(LN_S)`);
 *   - the source's text: the tracked document, the tracked documents among the rule's prerequisites (and those of a
 *     recipe-less prerequisite target: openldap's `sdf-src:` list), and every file they pull in (`<!ENTITY x SYSTEM
 *     "f">`, `<xi:include href="f">`, SDF's `!include "f"`): tracked beside it, its tracked `f.in` template, or — a file a suffix rule of the same makefile
 *     makes (`.fncs.sgml:`) — the tracked STEM.X input and the tracked files of the output's kind that rule's recipe
 *     names (`$(srcdir)/func.sgml`);
 *   - at least 95 % of the output's distinct words (three letters or more; an HTML page's text with tags, comments
 *     and style sheets removed) occur in that text or are the converter's own words (Name, Synopsis, Prev, Next …),
 *     every word when fewer than 20, and no more than two words the source lacks in any twelve in a row (./man-rendered.ts
 *     novelRun);
 *   - nothing more than rendered text: an HTML page has no active content (./html-rendered.ts activeContent: script,
 *     frame, handler, refresh, javascript: link, a host the source never names, a suspicious construct the source
 *     lacks); a text rendering names no host the source lacks and holds no construct of a kind the source lacks.
 */
import { makeFinding } from '../core/severity.js';
import { expandLoose } from '../util/makefile.js';
import { activeContent, FORMATTER_HOSTS, htmlText, renderedNovelUrls } from './html-rendered.js';
import { baseOf, dirOf, normalisePath } from './paths.js';
import { makefilesOf, type MakeRule, type Makefiles } from './makefile-rules.js';
import { admits } from './precheck.js';
import { novelRun } from './man-rendered.js';
import { findConstructs } from './suspicious.js';
import type { Classifier, ClassifyContext } from './types.js';
import { docSourceUrls, novelUrls, renderedText, urlHosts } from './urls.js';

const MAX_BYTES = 4 * 1024 * 1024;
const MIN_WORDS = 20;
const MIN_SHARE = 0.95;
const MAX_SOURCES = 200;

/** Outputs judged here: HTML pages, text renderings (`X.txt`, an extensionless `README`). */
const OUTPUT = /\.(?:html?|txt)$|^[A-Za-z][\w-]*$/;
const DOCBOOK_EXT = /\.(?:sgml|sgm|xml|docbook|dbk|sdf)(?:\.in)?$/;

/** A DocBook converter in a recipe (expanded), or the variable a configure script sets to one. */
const CONVERTER = /(?:^|[\s;|&(`'"/])(?:docbook2(?:html|txt|man|pdf|ps|rtf|texi)|jw|openjade|jade|xsltproc|xmlto|dblatex|sdf)(?=\s|$)|\$[({](?:XSLTPROC|XMLTO|DOC2[A-Z]+|DOCBOOK2[A-Z]+|DB2[A-Z]+|JW|OPENJADE|JADE|DBLATEX)[)}]/;

/** HTML generators of DocBook: jade/openjade's Modular DocBook HTML stylesheet (DSSSL), the DocBook XSL stylesheets. */
const HTML_GENERATOR = /<meta\s+name="generator"\s+content="((?:Modular DocBook HTML Stylesheet|DocBook XSL(?:-NS)? Stylesheets)[^"]*)"|<!-- This file was generated using (SDF \d+(?:\.\d+)*) by\b/i;

/** Words the converters write themselves: the refentry headings, navigation, tables of contents. */
export const CONVERTER_WORDS = new Set([
  'name', 'synopsis', 'description', 'table', 'contents', 'prev', 'previous', 'next', 'home', 'top', 'list', 'tables',
  'figures', 'examples', 'example', 'figure', 'chapter', 'section', 'appendix', 'index', 'see', 'also', 'note', 'warning',
  'tip', 'caution', 'important', 'title', 'abstract', 'copyright', 'revision', 'history', 'author', 'authors',
  // the date a converter stamps on the page (SDF's doc-modified line)
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
]);

async function textOf(ctx: ClassifyContext, p: string): Promise<string | undefined> {
  const b = await ctx.content.git(p);
  return b && b.length <= MAX_BYTES && !b.subarray(0, 8192).includes(0) ? b.toString('utf8') : undefined;
}

const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

/** Resolve a path a makefile or document names to a tracked path (normalised, relative to `dir`); undefined when outside the tree. */
function resolve(dir: string, name: string): string | undefined {
  return normalisePath(dir ? `${dir}/${name}` : name);
}

/** A make word expanded (the makefiles' variables, `$(srcdir)`-like directories as `.`), quotes dropped. */
const expand = (w: string, mk: Makefiles, dir: string) => expandLoose(w, mk.vars, dir).replace(/^['"]|['"]$/g, '');
const runsConverter = (r: MakeRule, mk: Makefiles, dir: string) => CONVERTER.test(` ${expand(r.recipe, mk, dir)}`) || CONVERTER.test(` ${r.recipe}`);

/** A prerequisite resolved to a tracked DocBook source: tracked itself, or a link or copy one rule makes of a tracked file. */
function trackedSource(word: string, mk: Makefiles, dir: string, ctx: ClassifyContext): string | undefined {
  const p = resolve(dir, expand(word, mk, dir));
  if (p === undefined || !DOCBOOK_EXT.test(p)) return undefined;
  if (ctx.gitPaths.has(p)) return p;
  for (const r of mk.rules) {
    if (!r.targets.some((t) => resolve(dir, expand(t, mk, dir)) === p)) continue;
    if (!/(?:\$[({]LN_S[)}]|\bln\s+-s|\bcp\b)/.test(r.recipe)) continue;
    for (const q of r.prerequisites) {
      const s = resolve(dir, expand(q, mk, dir));
      if (s !== undefined && DOCBOOK_EXT.test(s) && ctx.gitPaths.has(s)) return s;
    }
  }
  return undefined;
}

/**
 * The tracked documents among the rule's prerequisites and, one level down, those of a prerequisite that is itself a
 * rule's target with no recipe (openldap's `guide.html: guide.sdf sdf-src sdf-img`, `sdf-src:` listing every chapter).
 */
function sourcePrerequisites(rule: MakeRule, mk: Makefiles, dir: string, ctx: ClassifyContext): string[] {
  const out: string[] = [];
  const take = (w: string) => {
    const p = resolve(dir, expand(w, mk, dir));
    if (p !== undefined && DOCBOOK_EXT.test(p) && ctx.gitPaths.has(p) && !out.includes(p)) out.push(p);
  };
  for (const q of rule.prerequisites) {
    take(q);
    for (const r of mk.rules) if (r.recipe.trim() === '' && r.targets.includes(q)) r.prerequisites.forEach(take);
  }
  return out;
}

export interface Found { source: string; rule: string; mk: Makefiles; dir: string; prerequisites: string[]; recipe: string }

/** The tracked rule making `path` with a DocBook converter, and its tracked source (see the module comment). */
export async function docbookRule(path: string, ctx: ClassifyContext): Promise<Found | undefined> {
  const dir = dirOf(path);
  const base = baseOf(path);
  const outExt = /\.([^.]+)$/.exec(base)?.[1];
  const stem = outExt ? base.slice(0, -outExt.length - 1) : base;
  const mk = await makefilesOf(dir, ctx);
  if (mk) {
    for (const r of mk.rules) {
      if (!runsConverter(r, mk, dir)) continue;
      const at = `${r.file}:${r.line}`;
      // an explicit target naming the output, the tracked source among its prerequisites
      if (r.targets.some((t) => resolve(dir, expand(t, mk, dir)) === path)) {
        for (const q of r.prerequisites) {
          const s = trackedSource(q, mk, dir, ctx);
          if (s) return { source: s, rule: at, mk, dir, prerequisites: sourcePrerequisites(r, mk, dir, ctx), recipe: r.recipe };
        }
      }
      if (!outExt) continue;
      // a suffix rule `.sgml.txt:` or a pattern rule `%.txt: %.sgml`, STEM.EXT tracked beside the output
      const suffix = r.targets.length === 1 ? /^\.([\w]+)\.([\w]+)$/.exec(r.targets[0]!) : null;
      const pattern = r.targets.length === 1 && r.targets[0] === `%.${outExt}` ? /^%\.([\w.]+)$/.exec(r.prerequisites[0] ?? '') : null;
      const srcExt = suffix && suffix[2] === outExt ? suffix[1]! : pattern ? pattern[1]! : undefined;
      if (srcExt) {
        const s = join(dir, `${stem}.${srcExt}`);
        if (DOCBOOK_EXT.test(s) && ctx.gitPaths.has(s)) return { source: s, rule: at, mk, dir, prerequisites: sourcePrerequisites(r, mk, dir, ctx), recipe: r.recipe };
      }
    }
    // automake's multiple-outputs idiom (libXtst's man/Makefile.am): `$(libman_PRE): x.stamp`, the outputs' rule
    // naming a stamp whose own rule runs the converter on the tracked source (`x.stamp: $(libman_xml)`, `$(XMLTO) man $^`)
    const names = (t: string) => expand(t, mk, dir).split(/\s+/).some((w) => resolve(dir, w) === path);
    for (const r of mk.rules) {
      if (!r.targets.some(names)) continue;
      for (const q of r.prerequisites) {
        const stamp = resolve(dir, expand(q, mk, dir));
        if (stamp === undefined) continue;
        for (const c of mk.rules) {
          if (c === r || !runsConverter(c, mk, dir) || !c.targets.some((t) => resolve(dir, expand(t, mk, dir)) === stamp)) continue;
          for (const p of c.prerequisites) {
            const s = trackedSource(p, mk, dir, ctx);
            if (s) return { source: s, rule: `${c.file}:${c.line}`, mk, dir, prerequisites: sourcePrerequisites(c, mk, dir, ctx), recipe: c.recipe };
          }
        }
      }
    }
  }
  // a page of a chunked tree: a rule of the parent directory whose target is the tree's directory
  if (dir && /\.html?$/.test(base)) {
    const parent = dirOf(dir);
    const pmk = await makefilesOf(parent, ctx);
    if (pmk) {
      for (const r of pmk.rules) {
        if (!r.targets.some((t) => resolve(parent, expand(t, pmk, parent)) === dir) || !runsConverter(r, pmk, parent)) continue;
        for (const q of r.prerequisites) {
          const s = trackedSource(q, pmk, parent, ctx);
          if (s) return { source: s, rule: `${r.file}:${r.line}`, mk: pmk, dir: parent, prerequisites: sourcePrerequisites(r, pmk, parent, ctx), recipe: r.recipe };
        }
      }
    }
  }
  return undefined;
}

/**
 * The text of the source and of every file it pulls in (entities, XIncludes), resolved to tracked files: the file
 * itself, its `.in` template, or the tracked input of the suffix rule that makes it and the tracked files of its kind
 * that rule's recipe names.
 */
export async function sourceText(f: Found, ctx: ClassifyContext): Promise<{ text: string; files: string[] }> {
  const files: string[] = [];
  const texts: string[] = [];
  const queue = [f.source, ...f.prerequisites.filter((p) => p !== f.source)].slice(0, MAX_SOURCES);
  const seen = new Set(queue);
  const add = (p: string) => {
    if (!seen.has(p) && seen.size < MAX_SOURCES) {
      seen.add(p);
      queue.push(p);
    }
  };
  while (queue.length) {
    const p = queue.shift()!;
    const t = await textOf(ctx, p);
    if (t === undefined) continue;
    files.push(p);
    texts.push(t);
    if (!DOCBOOK_EXT.test(p)) continue;
    const names = [
      ...[...t.matchAll(/<!ENTITY\s+%?\s*[\w.-]+\s+(?:SYSTEM|PUBLIC\s+"[^"]*")\s+["']([^"']+)["']/g)].map((m) => m[1]!),
      ...[...t.matchAll(/<xi:include\b[^>]*?\bhref\s*=\s*["']([^"']+)["']/g)].map((m) => m[1]!),
      // SDF's `!include "master.sdf"`
      ...[...t.matchAll(/^!include\s+"([^"]+)"/gm)].map((m) => m[1]!),
    ];
    for (const name of names) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(name)) continue; // a URL, not a file of the tree
      const r = resolve(dirOf(p), name);
      if (r === undefined) continue;
      if (ctx.gitPaths.has(r)) add(r);
      else if (ctx.gitPaths.has(`${r}.in`)) add(`${r}.in`);
      else {
        // made by a suffix rule of the makefile (`.fncs.sgml:`): its tracked input, and the tracked files of the
        // output's kind the rule's recipe names (`$(srcdir)/func.sgml`, the template edit-sgml.py fills)
        const ext = /\.([^./]+)$/.exec(r)?.[1];
        if (!ext) continue;
        for (const rule of f.mk.rules) {
          const m = rule.targets.length === 1 ? /^\.([\w]+)\.([\w]+)$/.exec(rule.targets[0]!) : null;
          if (!m || m[2] !== ext) continue;
          const input = `${r.slice(0, -ext.length)}${m[1]}`;
          if (!ctx.gitPaths.has(input)) continue;
          add(input);
          for (const w of expand(rule.recipe, f.mk, f.dir).matchAll(/\.\/([\w.-]+)/g)) {
            const named = resolve(f.dir, w[1]!);
            if (named !== undefined && named.endsWith(`.${ext}`) && ctx.gitPaths.has(named)) add(named);
          }
        }
      }
    }
  }
  return { text: texts.join('\n'), files };
}

const wordsOf = (s: string): Set<string> => new Set((s.replace(/([A-Za-z])[-\u2010\u00ad]\n\s*([a-z])/g, '$1$2').match(/[A-Za-z]{3,}/g) ?? []).map((w) => w.toLowerCase()));

/**
 * What the converter made of the source's markup: text only, tags and entity references dropped. A tag opens with a
 * name (`<para>`, `</x>`, `<!ENTITY …>`, `<?xml …>`) and holds no `<`: a `<` in an SDF chapter's text (`a < b`) is
 * text, not the start of a tag running to the next `>` (openldap 2.5.13's guide.html: read the old way, a sentence of
 * install.sdf — "desire for the latest features versus demonstrated stability" — was words its sources lack).
 */
export const docbookWords = (t: string) => wordsOf(t.replace(/<!--[\s\S]*?-->/g, ' ').replace(/<[/!?]?[A-Za-z][^<>]*>/g, ' ').replace(/&[\w.-]+;/g, ' '));

const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && OUTPUT.test(baseOf(diff.path));

export const docbookRenderedClassifier: Classifier = {
  id: 'docbook-rendered',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const base = baseOf(diff.path);
    if (!OUTPUT.test(base)) return undefined;
    const buf = ctx.content.tarball(diff.path);
    if (!buf || buf.length > MAX_BYTES || buf.includes(0)) return undefined;
    const html = /\.html?$/i.test(base);
    const body = buf.toString('utf8');
    const gm = html ? HTML_GENERATOR.exec(body.slice(0, 8192)) : null;
    const generator = gm ? (gm[1] ?? gm[2]) : undefined;
    if (html && !generator) return undefined;
    const found = await docbookRule(diff.path, ctx);
    if (!found) return undefined;
    const src = await sourceText(found, ctx);
    if (html) {
      // hosts the source names under any scheme (openldap's `ldap://provider.example.com:389` examples), which the
      // page's links and text may name too
      const named = [...src.text.matchAll(/\b[a-z][a-z0-9+.-]*:\/\/(?:[^\s/@'"<>()]*@)?([A-Za-z0-9.-]+)/gi)].map((m) => m[1]!.toLowerCase().replace(/\.$/, ''));
      if (activeContent(body, src.text, diff.path, named)) return undefined;
      if (renderedNovelUrls(body, src.text, FORMATTER_HOSTS).length) return undefined;
    } else {
      const known = urlHosts(src.text);
      if ([...urlHosts(body)].some((h) => !known.has(h))) return undefined;
      // every URL spelled out whole in the sources (red team 26: a moved path on a known host passed)
      if (novelUrls(renderedText(body), docSourceUrls(src.text)).length) return undefined;
      const kinds = new Set(findConstructs(src.text, diff.path).map((c) => c.kind));
      if (findConstructs(body, diff.path).some((c) => !kinds.has(c.kind))) return undefined;
    }
    const have = docbookWords(src.text);
    const words = wordsOf(html ? htmlText(body) : body);
    if (words.size === 0) return undefined;
    const traced = [...words].filter((w) => have.has(w) || CONVERTER_WORDS.has(w)).length;
    if (traced < (words.size < MIN_WORDS ? words.size : Math.ceil(words.size * MIN_SHARE))) return undefined;
    // where new words stand (./man-rendered.ts novelRun): against the source's words, its markup's too — an SDF
    // chapter's `<what>` in a syntax line is text the page prints, not a tag
    const run = novelRun(html ? htmlText(body) : body, new Set([...have, ...wordsOf(src.text), ...CONVERTER_WORDS]));
    if (run) return undefined;
    return makeFinding('GENERATED_FROM_SOURCE', diff.path, {
      how: 'rendered',
      source: found.source,
      generator: generator ?? 'a DocBook converter',
      found: traced,
      total: words.size,
      inputs: [found.rule],
      ...(src.files.length > 1 ? { others: src.files.slice(1, 21), files: src.files.length - 1 } : {}),
    });
  },
};
