/**
 * Man pages the DocBook XSL stylesheets write from a tracked DocBook refentry, run by a tracked make rule as
 * `xmlto man` (the X.Org libraries' man/Makefile.am: libXcomposite's `.xml.man:` suffix rule,
 * `$(XMLTO) man $< && mv $*.__libmansuffix__ $@`; libXtst's multiple-outputs stamp, `x.stamp: $(libman_xml)` running
 * `$(XMLTO) man $^` and `$(libman_PRE): x.stamp`). Nothing is run (the pages name a DocBook XSL snapshot no
 * distribution ships); the evidence is the rule and a content trace:
 *  - the rule: ./docbook-rendered.ts's docbookRule finds it (a suffix rule from STEM.xml, an explicit target, or the
 *    stamp the page's target depends on) and its recipe runs `xmlto … man` (or `$(XMLTO) … man`);
 *  - the page's name: STEM.man or STEM.N, STEM a `<refname>` of the tracked source;
 *  - a refname after the first of its refentry gets the stylesheets' one-line `.so` page, which must be exactly
 *    `.so FIRST.VOL` (FIRST the refentry's first refname, VOL its `<manvolnum>`, as the source spells them);
 *  - the full page: its header names the generator (`.\" Generator: DocBook XSL Stylesheets …`); before the first
 *    `.SH` only comments, the `.TH` line and the stylesheets' fixed set-up requests (`.ie \n(.g .ds Aq \(aq`,
 *    `.el .ds Aq '`, `.nh`, `.ad l`); in the body only the man macros and formatting requests the stylesheets write
 *    (no `.so`, `.de`, `.ds`, `.nr`, no conditional other than the `\{` blocks of list bullets, no `\X`, `\!`, `\V`,
 *    `\Y` escapes); the NAME line opens with the page's refname;
 *  - every word (three letters or more) of the body and of the `.TH` line occurs in the tracked source (its text,
 *    tags dropped; the `.TH` line may also use the source's tag names, as the stylesheets copy `<pubdate>` verbatim),
 *    the files it pulls in, or the stylesheets' own headings (NAME, SYNOPSIS, AUTHOR …; `void` for `<void/>`); no URL
 *    host and no suspicious construct the source lacks, and every URL of the body one the source spells out whole
 *    (./urls.ts novelUrls; red team 27b).
 * Not caught: a line made only of words the source already has (the word trace's limit, as ./man-body.ts).
 */
import { makeFinding } from '../core/severity.js';
import { CONVERTER_WORDS, docbookRule, docbookWords, sourceText } from './docbook-rendered.js';
import { wordsOf } from './man-rendered.js';
import { troffBody } from './man-body.js';
import { baseOf } from './paths.js';
import { admits } from './precheck.js';
import { findConstructs } from './suspicious.js';
import type { Classifier } from './types.js';
import { docSourceUrls, novelUrls, renderedText, troffReading, urlHosts } from './urls.js';

const MAX_BYTES = 4 * 1024 * 1024;
const PAGE = /^(.+)\.(?:man|[1-9][a-z]*)$/;
const XMLTO_MAN = /(?:\bxmlto|\$[({]XMLTO[)}])(?:\s+(?!man\b)[^\s;|&]+)*\s+man(?=\s|$)/;
const GENERATOR = /^\.\\"\s+Generator:\s+(DocBook XSL(?:-NS)? Stylesheets[^<\n]*?)\s*(?:<[^>\n]*>)?\s*$/m;
/** The stylesheets' set-up requests before the first `.SH` (whitespace collapsed). */
const PREAMBLE = new Set(['.ie \\n(.g .ds Aq \\(aq', ".el .ds Aq '", '.nh', '.ad l']);
/** Requests the stylesheets write in a page's body. */
const BODY_REQUESTS = new Set(['SH', 'SS', 'PP', 'P', 'LP', 'RS', 'RE', 'HP', 'IP', 'TP', 'B', 'I', 'BI', 'IB', 'BR', 'RB', 'IR', 'RI', 'SM', 'SB', 'sp', 'ft', 'nf', 'fi', 'br', 'in', 'ti', 'na', 'ad', 'nh', 'hy', 'ne', 'PD', 'TS', 'TE', 'UR', 'UE', 'MT', 'ME', 'bp', 'ps', 'vs']);
const FORBIDDEN_ESCAPE = /\\[X!VY]/;

/** The refentries of a DocBook source: their refnames in order and manvolnum. */
function refentries(src: string): { names: string[]; vol?: string }[] {
  const out: { names: string[]; vol?: string }[] = [];
  for (const m of src.matchAll(/<refentry\b[\s\S]*?<\/refentry>/g)) {
    const names = [...m[0].matchAll(/<refname>\s*([^<]*?)\s*<\/refname>/g)].map((n) => n[1]!);
    const vol = /<manvolnum>\s*([^<]*?)\s*<\/manvolnum>/.exec(m[0])?.[1];
    if (names.length) out.push({ names, vol });
  }
  return out;
}

/** Why the page's troff is more than the stylesheets write; undefined when it is only that. */
function shapeProblem(page: string, name: string): string | undefined {
  const lines = page.split('\n');
  const sh = lines.findIndex((l) => /^\.SH\b/.test(l));
  if (sh < 0) return 'no .SH';
  let th = 0;
  for (const l of lines.slice(0, sh)) {
    if (/^[.']\\"/.test(l) || l === '') continue;
    if (/^\.TH\s/.test(l)) {
      th++;
      continue;
    }
    if (!PREAMBLE.has(l.replace(/\s+/g, ' ').trim())) return `preamble line ${JSON.stringify(l.slice(0, 60))}`;
  }
  if (th !== 1) return 'not one .TH';
  let nameLine: string | undefined;
  for (let i = sh; i < lines.length; i++) {
    const l = lines[i]!;
    if (FORBIDDEN_ESCAPE.test(l)) return `escape in line ${i + 1}`;
    if (/^[.']\\"/.test(l)) continue;
    if (nameLine === undefined && i > sh && lines[sh] === '.SH "NAME"' && !/^[.']/.test(l)) nameLine = l;
    if (!/^[.']/.test(l)) continue;
    if (/^\.\\}$/.test(l)) continue;
    const cond = /^\.(?:ie|el|if)\b\s*(.*)$/.exec(l);
    if (cond) {
      if (!/^(?:[nt]\s+)?\\\{\\$/.test(cond[1]!)) return `conditional in line ${i + 1}`;
      continue;
    }
    const req = /^\.([A-Za-z]+)(?:\s|$)/.exec(l);
    if (!req || !BODY_REQUESTS.has(req[1]!)) return `request in line ${i + 1}: ${JSON.stringify(l.slice(0, 40))}`;
  }
  if (nameLine === undefined || !(nameLine.startsWith(`${name} `) || nameLine.startsWith(`${name},`))) return 'NAME line does not open with the refname';
  return undefined;
}

const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && PAGE.test(baseOf(diff.path));

export const docbookManClassifier: Classifier = {
  id: 'docbook-man',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const stem = PAGE.exec(baseOf(diff.path))?.[1];
    if (stem === undefined) return undefined;
    const buf = ctx.content.tarball(diff.path);
    if (!buf || buf.length > MAX_BYTES || buf.includes(0)) return undefined;
    const page = buf.toString('utf8');
    const so = /^\.so ([^\s/\\]+)\n$/.exec(page);
    const generator = so ? undefined : GENERATOR.exec(page.slice(0, 4096))?.[1]?.trim();
    if (!so && !generator) return undefined;
    const found = await docbookRule(diff.path, ctx);
    if (!found || !XMLTO_MAN.test(found.recipe.replace(/\\\n/g, ' '))) return undefined;
    const src = await sourceText(found, ctx);
    const entries = refentries(src.text);
    if (so) {
      const entry = entries.find((e) => e.names.indexOf(stem) > 0);
      if (!entry || entry.vol === undefined || so[1] !== `${entry.names[0]}.${entry.vol}`) return undefined;
      return makeFinding('GENERATED_FROM_SOURCE', diff.path, { how: 'man-so', source: found.source, generator: 'DocBook XSL Stylesheets (xmlto man)', inputs: [found.rule], found: 1, total: 1 });
    }
    if (!entries.some((e) => e.names[0] === stem)) return undefined;
    if (shapeProblem(page, stem)) return undefined;
    const th = /^\.TH\s(.*)$/m.exec(page)![1]!;
    const voidWord = /<void\s*\/?>/.test(src.text) ? ['void'] : [];
    // an inline element glued to a word (`<structname>GC</structname>s`) renders as one word: the text with tags
    // dropped, not spaced, too
    const glued = docbookWords(src.text.replace(/<!--[\s\S]*?-->/g, ' ').replace(/<\/?(?:structname|function|parameter|type|literal|emphasis|replaceable|command|option|filename|constant|varname|code|symbol|classname|errorname|systemitem|userinput|computeroutput)\b[^>]*>/g, ''));
    const have = new Set([...docbookWords(src.text), ...glued, ...CONVERTER_WORDS, 'authors', 'notes', ...voidWord]);
    const raw = wordsOf(src.text);
    const body = troffBody(page);
    const words = wordsOf(body);
    for (const w of words) if (!have.has(w)) return undefined;
    for (const w of wordsOf(th)) if (!have.has(w) && !raw.has(w)) return undefined;
    const hosts = urlHosts(src.text);
    if ([...urlHosts(body)].some((h) => !hosts.has(h))) return undefined;
    // every URL of the page one the source spells out whole: the stylesheets copy a ulink's url (red team 27b: a URL
    // moved to another path of a host the source names, made of the source's words, passed the host and word checks)
    if (novelUrls(renderedText(troffReading(page.slice(page.search(/^\.SH\b/m)))), docSourceUrls(src.text)).length) return undefined;
    const kinds = new Set(findConstructs(src.text, found.source).map((c) => c.kind));
    if (findConstructs(body, diff.path).some((c) => !kinds.has(c.kind))) return undefined;
    return makeFinding('GENERATED_FROM_SOURCE', diff.path, {
      how: 'rendered',
      source: found.source,
      generator: `${generator} (xmlto man)`,
      found: words.size,
      total: words.size,
      inputs: [found.rule],
      ...(src.files.length > 1 ? { others: src.files.slice(1, 21), files: src.files.length - 1 } : {}),
    });
  },
};
