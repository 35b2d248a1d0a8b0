/**
 * HTML pages Docutils' rst2html renders from a tracked reStructuredText page by a tracked make rule (openvpn 2.6.14's
 * doc/openvpn.8.html and openvpn-examples.5.html from openvpn.8.rst and openvpn-examples.5.rst, the suffix rules
 * `.8.rst.8.html .5.rst.5.html :` running `$(RST2HTML) $(RST_FLAGS) $< > $@`). Nothing is run; the evidence is:
 *  - the rule: a rule of the tracked Makefile.am (else Makefile/GNUmakefile/Makefile.in) of the page's directory whose
 *    recipe runs rst2html (`rst2html`, `rst2html5`, `rst2html.py`, `$(RST2HTML)`), with a target naming the page and
 *    the tracked source among its prerequisites, or a suffix rule `.A.rst.A.html` (`.rst.html`) from the tracked
 *    STEM.A.rst beside the page to it;
 *  - the page names Docutils in its generator meta;
 *  - its text (tags, comments and the embedded style sheet dropped): at least 95 % of its distinct words (three
 *    letters or more) in the source and the files it includes (`.. include:: F`, nested: ./man-body.ts sourceText),
 *    and no more than two words the source lacks in any twelve in a row (./man-rendered.ts novelRun, red team 22);
 *  - nothing active (./html-rendered.ts activeContent): no script, frame, handler, refresh, `javascript:` link, host
 *    the source never names (Docutils' own docutils.sourceforge.io, which its meta and style sheet name, aside), no
 *    suspicious construct the source lacks;
 *  - every URL of the page (links and text) is a URL the source spells out whole (./urls.ts novelUrls, red team 25: a
 *    link moved to another path of a host the source names passed the host check).
 * Not caught: a paragraph of words the source already has (the word trace's limit, as for the other renderings).
 */
import { makeFinding } from '../core/severity.js';
import { expandLoose, parseMakefile, recipeJoined, repoPathIn, topRelOf } from '../util/makefile.js';
import { activeContent, FORMATTER_HOSTS, htmlText } from './html-rendered.js';
import { sourceText } from './man-body.js';
import { includedFromTop, trackedMakefile } from './page-rules.js';
import { novelRun, wordsOf } from './man-rendered.js';
import { baseOf, dirOf } from './paths.js';
import { decodeRefs, novelUrls, sourceUrls } from './urls.js';
import { admits } from './precheck.js';
import type { Classifier, ClassifyContext } from './types.js';

const MAX_BYTES = 4 * 1024 * 1024;
const MIN_SHARE = 0.95;
const GENERATOR = /<meta\s+name="generator"\s+content="(Docutils [\d.]+)[^"]*"/i;
const RST2HTML = /(?:^|[\s;|&(`'"/])rst2html(?:5)?(?:\.py)?(?=\s|$)|\$[({]RST2HTML5?[)}]/;
const DOCUTILS_HOST = 'docutils.sourceforge.io';
/** Docutils' site before it moved (Docutils 0.6's generator meta: `http://docutils.sourceforge.net/`). */
const DOCUTILS_OLD_HOST = 'docutils.sourceforge.net';

const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

/** The tracked rst2html rule making `path` and its tracked source, `FILE:LINE` and the source's path. */
async function rstRule(path: string, ctx: ClassifyContext): Promise<{ rule: string; source: string; stylesheets?: string[] } | undefined> {
  const dir = dirOf(path);
  const base = baseOf(path);
  const file = trackedMakefile(dir, ctx);
  if (!file) return undefined;
  const b = await ctx.content.git(file);
  if (!b || b.length > MAX_BYTES) return undefined;
  const text = b.toString('utf8');
  const mk = parseMakefile(text, file);
  const lines = text.split('\n');
  // A makefile the top one includes runs from the top: its paths are the top's (libxmp 4.5.0's docs/Makefile, `include
  // docs/Makefile` in Makefile.in: `docs/libxmp.html: docs/libxmp.rst`). Read once, for every rule below.
  const from = dir && (await includedFromTop(file, ctx)) ? '' : dir;
  for (const r of mk.rules) {
    const recipe = r.recipe.map(recipeJoined).join('\n');
    if (!RST2HTML.test(` ${recipe}`) && !RST2HTML.test(` ${expandLoose(recipe, mk.vars, dir)}`)) continue;
    const line = lines.findIndex((l) => l.startsWith(r.targets[0]!) && l.includes(':')) + 1;
    for (const t of r.targets) {
      // a suffix rule `.8.rst.8.html` / `.rst.html`: STEM + the first suffix is the tracked source
      const suffix = /^(\.(?:[\w]+\.)?rst)(\.(?:[\w]+\.)?html?)$/.exec(t);
      if (suffix && base.endsWith(suffix[2]!) && base.length > suffix[2]!.length) {
        const source = join(dir, `${base.slice(0, -suffix[2]!.length)}${suffix[1]}`);
        if (ctx.gitPaths.has(source)) return { rule: `${file}:${line}`, source };
      }
      // an explicit target naming the page: the source is the prerequisite the recipe hands rst2html as its operand
      // (any name: geany's `$(RST2HTML) -stg … $(srcdir)/geany.txt $@`), else a tracked .rst prerequisite
      const words = expandLoose(t, mk.vars, from).split(/\s+/);
      if ((from === dir && words.includes(base)) || words.some((w) => repoPathIn(from, w) === path)) {
        const top = topRelOf(from, ctx.gitPaths);
        const resolve = (q: string) => repoPathIn(from, expandLoose(q.replace(/\$[({]top_srcdir[)}]/g, top), mk.vars, from));
        // the tracked style sheets the recipe hands rst2html (`--stylesheet docs/style.css`): Docutils embeds them in the page
        const sheets = (rec: string) => {
          const named = [...rec.matchAll(/--stylesheet(?:-path)?[= ](\S+)/g)].flatMap((m) => m[1]!.split(',')).map(resolve).filter((q): q is string => q !== undefined && ctx.gitPaths.has(q));
          return named.length ? { stylesheets: named } : {};
        };
        const prereqs = r.prerequisites.map(resolve);
        const operand = rstOperand(expandLoose(recipe.replace(/\$[({]top_srcdir[)}]/g, top), mk.vars, dir), r.prerequisites[0]);
        if (operand !== undefined) {
          const source = resolve(operand);
          if (source !== undefined && prereqs.includes(source) && ctx.gitPaths.has(source)) return { rule: `${file}:${line}`, source, ...sheets(recipe) };
          continue;
        }
        for (const source of prereqs) if (source !== undefined && /\.rst$/.test(source) && ctx.gitPaths.has(source)) return { rule: `${file}:${line}`, source, ...sheets(recipe) };
      }
    }
  }
  return undefined;
}

/**
 * The input operand of the recipe's rst2html command (`rst2html [OPTIONS] SOURCE [DEST]`): the first word after the
 * command that is not an option, `$<` as the rule's first prerequisite; the destination, when given, must be `$@`.
 * Undefined when the recipe has no such command or hands it something else (a pipe, a second input, a variable make
 * left unexpanded beside it).
 */
export function rstOperand(recipe: string, firstPrereq: string | undefined): string | undefined {
  for (const cmd of recipe.split(/\n|;|&&|\|\|/)) {
    const m = RST2HTML.exec(` ${cmd}`);
    if (!m) continue;
    const rest = ` ${cmd}`.slice(m.index + m[0].length).trim();
    const redirect = /^(.*?)\s*>\s*(\S+)$/.exec(rest);
    const words = (redirect ? redirect[1]! : rest).split(/\s+/).filter(Boolean);
    if (redirect && redirect[2] !== '$@') return undefined;
    const operands = words.filter((w) => !w.startsWith('-'));
    // a word that is a whole variable make left unexpanded (an AC_SUBST of flags?) may be anything: not read
    if (operands.some((w) => /^\$[({][\w.]+[)}]$/.test(w))) return undefined;
    if (operands.length === 0 || operands.length > (redirect ? 1 : 2) || (operands.length === 2 && operands[1] !== '$@')) return undefined;
    if (/^\$(?:<|\{<\}|\(<\))$/.test(operands[0]!)) return firstPrereq;
    return /[|<`]/.test(operands[0]!) ? undefined : operands[0];
  }
  return undefined;
}

/**
 * The footer Docutils writes for `--source-link`, `--date`/`--time` and `--generator` (`-stg`: geany's manual), exactly
 * its shape at the end of the page, the source link a relative path to a file of the source's name: its words are
 * Docutils' own (View document source, Generated on, Generated by Docutils from reStructuredText source), taken out of
 * the word trace as a formatter's navigation words are. Anything else in the footer leaves it in the trace.
 */
const DOCUTILS_FOOTER = new RegExp(
  '<div class="footer">\\n<hr class="footer" />\\n' +
    '(?:<a class="reference external" href="((?:\\.\\./)*(?:[\\w.+-]+/)*[\\w.+-]+)">View document source</a>\\.\\n)?' +
    '(?:Generated on: \\d{4}-\\d{2}-\\d{2}(?: \\d{2}:\\d{2}(?::\\d{2})? UTC)?\\.\\n)?' +
    '(?:Generated by <a class="reference external" href="https://docutils\\.sourceforge\\.io/">Docutils</a> from <a class="reference external" href="https://docutils\\.sourceforge\\.io/rst\\.html">reStructuredText</a> source\\.\\n)?' +
    '\\n</div>\\n</body>\\n</html>\\n?$',
);

/** The page without Docutils' footer (DOCUTILS_FOOTER) when it has exactly that footer, its source link naming `source`'s file. */
export function withoutDocutilsFooter(page: string, source: string): string {
  const m = DOCUTILS_FOOTER.exec(page);
  if (!m || (m[1] !== undefined && baseOf(m[1]) !== baseOf(source))) return page;
  return `${page.slice(0, m.index)}</body>\n</html>\n`;
}

const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && /\.html?$/i.test(baseOf(diff.path));

export const rstHtmlClassifier: Classifier = {
  id: 'rst-html',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const buf = ctx.content.tarball(diff.path);
    if (!buf || buf.length > MAX_BYTES || buf.includes(0)) return undefined;
    const page = buf.toString('utf8');
    const generator = GENERATOR.exec(page.slice(0, 8192))?.[1];
    if (!generator) return undefined;
    const found = await rstRule(diff.path, ctx);
    if (!found) return undefined;
    const src = await sourceText(ctx, found.source);
    if (src === undefined) return undefined;
    // the style sheets the rule embeds count as sources of the page's hosts and URLs (libxmp 4.5.0's docs/style.css
    // imports its fonts from fonts.googleapis.com), not of its words
    let withSheets = src;
    for (const css of found.stylesheets ?? []) {
      const b = await ctx.content.git(css);
      if (!b || b.length > MAX_BYTES) return undefined;
      withSheets += `\n${b.toString('utf8')}`;
    }
    if (activeContent(page, withSheets, diff.path, [DOCUTILS_HOST, DOCUTILS_OLD_HOST])) return undefined;
    // every URL of the page (its links and its text, character references decoded) one the source spells out whole
    if (novelUrls(decodeRefs(page.replace(/<!--[\s\S]*?-->/g, ' ')), sourceUrls(withSheets), [DOCUTILS_HOST, DOCUTILS_OLD_HOST, ...FORMATTER_HOSTS]).length) return undefined;
    const known = wordsOf(src);
    const text = htmlText(withoutDocutilsFooter(page, found.source));
    const words = [...wordsOf(text)];
    if (!words.length) return undefined;
    const traced = words.filter((w) => known.has(w)).length;
    if (traced < Math.ceil(words.length * MIN_SHARE)) return undefined;
    if (novelRun(text, known)) return undefined;
    return makeFinding('GENERATED_FROM_SOURCE', diff.path, { how: 'rendered', source: found.source, generator, found: traced, total: words.length, inputs: [found.rule, ...(found.stylesheets ?? [])] });
  },
};
