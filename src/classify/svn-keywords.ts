/**
 * Subversion keyword expansion: a tracked file whose changed lines differ from git only where git has an unexpanded
 * keyword (`$Id$`) and the tarball its expansion (`$Id: ataprint.cpp 5336 2022-02-26 18:30:35Z dpgilbert $`) — a
 * release exported from Subversion (`svn export`; smartmontools 7.3, whose git repository is a conversion that keeps
 * the keywords unexpanded).
 *
 *   lines      git and the tarball have the same number of lines; every line that differs is git's line with each
 *              keyword replaced by its expansion, and nothing else changed on it
 *   own name   $Id$ must expand to `$Id: BASENAME REV DATE TIMEZ AUTHOR $` and $HeadURL$ / $URL$ / $Header$ to a URL
 *              ending in `/BASENAME`, BASENAME the file's own name; $Revision$ / $Rev$ / $LastChangedRevision$ (a
 *              number), $Date$ / $LastChangedDate$ (`2022-02-26 18:30:35 +0100 (Sat, 26 Feb 2022)`) and $Author$ /
 *              $LastChangedBy$ (one word) only in a file where one of those names it too
 *   fields     the free fields hold only what Subversion writes there: an author is a user name (letters, digits,
 *              `.`, `_`, `@`, `+`, `-`), a URL or a $Header$ path the characters of a URL without quotes, brackets,
 *              `;`, `<`, `>`, `|`, `&`, `*`, backquotes or backslashes. An author `x';sh<f;echo'` inside configure's
 *              ``echo '$Id$'`` closes the quote and runs a command; `x";int y=system("id");//` with C comments for the
 *              spaces, inside a C++ `"$Id$"` string, is code — no space needed, so `[^\s$]+` let both through
 *   not        an expansion naming another file, an expanded keyword git does not have, a field with any other
 *              character, or anything else on the line changed: the file stays as the fallback says (SOURCE_MODIFIED,
 *              high or critical)
 */
import { makeFinding } from '../core/severity.js';
import { changedContent, contentOnlyChange } from './line-endings.js';
import { admits } from './precheck.js';
import type { Classifier } from './types.js';

const MAX_BYTES = 4 * 1024 * 1024;
const KEYWORD = /\$(Id|Header|HeadURL|URL|Revision|Rev|LastChangedRevision|Date|LastChangedDate|Author|LastChangedBy)\$/g;
const NAMING = new Set(['Id', 'Header', 'HeadURL', 'URL']);
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A Subversion user name, and the characters of a URL or repository path (no quote, bracket, shell or C operator). */
const USER = String.raw`[A-Za-z0-9._@+-]+`;
const URLCH = String.raw`[A-Za-z0-9._~:/@%+-]`;

/** The pattern of a keyword's expansion in a file named `base`. */
function expansion(kw: string, base: string): string {
  const when = String.raw`\d+ \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z ${USER}`;
  switch (kw) {
    case 'Id':
      return String.raw`\$Id: ${esc(base)} ${when} \$`;
    case 'Header':
      return String.raw`\$Header: ${URLCH}*/${esc(base)} ${when} \$`;
    case 'HeadURL':
    case 'URL':
      return String.raw`\$${kw}: [a-z+]+://${URLCH}*/${esc(base)} \$`;
    case 'Revision':
    case 'Rev':
    case 'LastChangedRevision':
      return String.raw`\$${kw}: \d+ \$`;
    case 'Date':
    case 'LastChangedDate':
      return String.raw`\$${kw}: \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [+-]\d{4} \([A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4}\) \$`;
    default:
      return String.raw`\$${kw}: ${USER} \$`;
  }
}

/**
 * The lines (1-based, tarball side) where `tarball` has git's keywords expanded for a file named `base`, when that is
 * the only difference; undefined otherwise.
 */
export function svnKeywordLines(git: string, tarball: string, base: string): { lines: number[]; keywords: string[] } | undefined {
  const g = git.split('\n');
  const t = tarball.split('\n');
  if (g.length !== t.length) return undefined;
  const lines: number[] = [];
  const keywords = new Set<string>();
  let named = false;
  for (let i = 0; i < g.length; i++) {
    if (g[i] === t[i]) continue;
    const kws = [...g[i]!.matchAll(KEYWORD)].map((m) => m[1]!);
    if (!kws.length) return undefined;
    const re = new RegExp(`^${g[i]!.split(KEYWORD).map((part, j) => (j % 2 ? expansion(part, base) : esc(part))).join('')}$`);
    if (!re.test(t[i]!)) return undefined;
    for (const k of kws) keywords.add(k);
    if (kws.some((k) => NAMING.has(k))) named = true;
    lines.push(i + 1);
  }
  if (!lines.length || !named) return undefined;
  return { lines, keywords: [...keywords].sort() };
}

export const svnKeywordsClassifier: Classifier = {
  id: 'svn-keywords',
  candidate: contentOnlyChange,
  async classify(diff, ctx) {
    if (!admits(contentOnlyChange, diff)) return undefined;
    const c = await changedContent(diff, ctx);
    if (!c || c.git.length > MAX_BYTES || c.tarball.length > MAX_BYTES) return undefined;
    const git = c.git.toString('latin1');
    if (!/\$(?:Id|Header|HeadURL|URL)\$/.test(git)) return undefined;
    const r = svnKeywordLines(git, c.tarball.toString('latin1'), diff.path.slice(diff.path.lastIndexOf('/') + 1));
    return r ? makeFinding('SVN_KEYWORD_EXPANDED', diff.path, r) : undefined;
  },
};
