/**
 * An output regenerated from an input that an svn export shipped with its Subversion keywords expanded (smartmontools
 * 7.3: configure.ac's `smartmontools_cvs_tag=\`echo '$Id$'\`` is `$Id: configure.ac 5338 … $` in the tarball, and
 * configure copies that line; Makefile.am's `# $Id$` comment reaches Makefile.in). The run used git's unexpanded
 * input, so the output differs from the shipped one on exactly those lines.
 *
 *   inputs    the run's tracked inputs whose tarball copy differs from git only by keyword expansions naming the
 *             input itself (classify/svn-keywords.ts svnKeywordLines: the SVN_KEYWORD_EXPANDED rule)
 *   lines     the output and the shipped file have the same number of lines; each line that differs is the
 *             regenerated line with a keyword `$K$` replaced by an expansion `$K: … $` that one of those inputs
 *             carries, exactly; nothing else
 */
import type { Normalisation } from '../core/regeneration.js';
import { svnKeywordLines } from '../classify/svn-keywords.js';

const EXPANDED = /\$(Id|Header|HeadURL|URL|Revision|Rev|LastChangedRevision|Date|LastChangedDate|Author|LastChangedBy): [^$\n]* \$/g;

export function svnExpandedOutput(regenerated: string, shipped: string, inputs: readonly string[], git: (p: string) => string | undefined, tarball: (p: string) => string | undefined): Normalisation | undefined {
  const r = regenerated.split('\n');
  const s = shipped.split('\n');
  if (r.length !== s.length) return undefined;
  // the expansions the svn-expanded inputs carry, by keyword
  const expansions: { kw: string; text: string }[] = [];
  const used = new Set<string>();
  const from = new Map<string, string>();
  for (const p of inputs) {
    const t = tarball(p);
    const g = t === undefined ? undefined : git(p);
    if (t === undefined || g === undefined || t === g) continue;
    const k = svnKeywordLines(g, t, p.slice(p.lastIndexOf('/') + 1));
    if (!k) continue;
    const tl = t.split('\n');
    for (const n of k.lines) for (const m of tl[n - 1]!.matchAll(EXPANDED)) {
      expansions.push({ kw: m[1]!, text: m[0] });
      from.set(m[0], p);
    }
  }
  if (!expansions.length) return undefined;
  let lines = 0;
  for (let i = 0; i < r.length; i++) {
    if (r[i] === s[i]) continue;
    const e = expansions.find((x) => r[i]!.includes(`$${x.kw}$`) && r[i]!.replace(`$${x.kw}$`, () => x.text) === s[i]);
    if (!e) return undefined;
    used.add(from.get(e.text)!);
    lines++;
  }
  return lines ? { kind: 'svn-keywords', args: { lines, inputs: [...used].sort() } } : undefined;
}
