/**
 * gnulib-tool's rewrites of the files it copies, as a short explicit list (pure). A tarball copy is matched to
 * its pinned gnulib file only byte for byte or after these, each of which gnulib-tool itself performs with sed:
 *
 *   config-h       `#ifdef HAVE_CONFIG_H` (a whole line, blanks allowed) → `#if 1`, in lib/ files, when the
 *                  module list has config-h (gnulib-tool's sed_transform_lib_file).
 *   license-gpl    gnulib-tool before 2021-06-04 (commit f3553bdefc "Stop doing license notice replacements"),
 *                  without --lgpl, in lib/, tests=lib/ and build-aux/ files: GNU Lesser/Library General → GNU
 *                  General, "version 2(.1)" → "version 3".
 *   license-version  only with license-gpl: the same sed's "version 2(.1)" → "version 3" where it also hit
 *                  lines outside the notice (gnupload's --version text, comments); nothing but that token.
 *   license-names  only with license-gpl: the same sed's name substitutions (GNU Lesser/Library General →
 *                  GNU General) where they also hit lines outside the notice (gettext 0.21's
 *                  libtextstyle/lib/glib/gstrfuncs.c: a comment naming "the GNU Lesser General Public
 *                  License"); exactly those substitutions, every other byte equal.
 *   license-lgpl   the same era, --lgpl / --lgpl=3: General Public License → Lesser General Public License.
 *   license-lgpl2  --lgpl=2: license-lgpl plus "version 2/3" → "version 2.1".
 *   license-lgpl3orgpl2  --lgpl=3orGPLv2 (still done after 2021; gnutls 3.7.9's lib/unistring/): the notice's
 *                  paragraph from its "This program is free software" line to the next empty line replaced by
 *                  gnulib-tool's fixed "either: the GNU Lesser General Public License … or the GNU General
 *                  Public License … or both in parallel, as here." text (its sed `i\` and `/…/,/^$/d`).
 *
 * Narrower than gnulib-tool on purpose: the license substitutions are applied only inside the file's license
 * notice paragraph (from the first "is free software" line near the top to its "If not, see <…licenses/>" line),
 * so nothing else in a file can ever differ. A rewrite is offered only when the pinned gnulib-tool carries its
 * sed script (`availableRewrites`): the proof names a transformation that version of gnulib-tool performs.
 */
import type { SubmoduleRewrite } from '../core/findings.js';

type Sub = [RegExp, string];

interface Rule {
  /** lines: every line; notice: the license notice paragraph; replace-paragraph: `replacement` for the paragraph. */
  scope: 'lines' | 'notice' | 'replace-paragraph';
  subs: Sub[];
  /** Text the pinned gnulib-tool must contain for the rewrite to be offered. */
  signature: string[];
  /** gnulib path prefixes the rewrite applies to (gnulib-tool's `case "$of"`). */
  applies: RegExp;
  /** replace-paragraph: the lines put in place of the notice's first paragraph. */
  replacement?: string[];
}

/** gnulib-tool's --lgpl=3orGPLv2 notice (its sed `i\` text, `\/` unescaped). */
const LGPL3_OR_GPL2 = [
  '   This program is free software: you can redistribute it and/or',
  '   modify it under the terms of either:',
  '',
  '     * the GNU Lesser General Public License as published by the Free',
  '       Software Foundation; either version 3 of the License, or (at your',
  '       option) any later version.',
  '',
  '   or',
  '',
  '     * the GNU General Public License as published by the Free',
  '       Software Foundation; either version 2 of the License, or (at your',
  '       option) any later version.',
  '',
  '   or both in parallel, as here.',
];

const TO_LGPL: Sub[] = [
  [/GNU General/g, 'GNU Lesser General'],
  [/General Public License/g, 'Lesser General Public License'],
  [/Lesser Lesser General Public License/g, 'Lesser General Public License'],
];

/** gnulib-tool's LGPL/LGPL2 → GPL name substitutions (the license-gpl sed without its version line). */
const TO_GPL_NAMES: Sub[] = [
  [/GNU Lesser General/g, 'GNU General'],
  [/Lesser General Public License/g, 'General Public License'],
  [/GNU Library General/g, 'GNU General'],
  [/Library General Public License/g, 'General Public License'],
];

/** Rewrites by sed rules of gnulib-tool (bootstrap-mark is the tracked bootstrap's, see markHeader). */
export const REWRITES: Record<Exclude<SubmoduleRewrite, 'bootstrap-mark'>, Rule> = {
  'config-h': {
    scope: 'lines',
    subs: [[/^#ifdef[\t ]*HAVE_CONFIG_H[\t ]*$/, '#if 1']],
    signature: ['HAVE_CONFIG_H[', '/#if 1/'],
    applies: /^(?:lib|tests=lib)\//,
  },
  'license-gpl': {
    scope: 'notice',
    subs: [
      ...TO_GPL_NAMES,
      // sed's `version 2\(.1\)\{0,1\}\([ ,]\)`: its '.' is any character, as here
      [/version 2(.1)?([ ,])/g, 'version 3$2'],
    ],
    signature: ['s/GNU Lesser General/GNU General/g'],
    applies: /^(?:lib|tests=lib|build-aux)\//,
  },
  'license-version': {
    scope: 'lines',
    subs: [[/version 2(.1)?([ ,])/g, 'version 3$2']],
    signature: ['s/version 2\\(.1\\)\\{0,1\\}\\([ ,]\\)/version 3\\2/g'],
    applies: /^(?:lib|tests=lib|build-aux)\//,
  },
  'license-names': {
    scope: 'lines',
    subs: TO_GPL_NAMES,
    signature: ['s/GNU Lesser General/GNU General/g', 's/Lesser General Public License/General Public License/g'],
    applies: /^(?:lib|tests=lib|build-aux)\//,
  },
  'license-lgpl': {
    scope: 'notice',
    subs: TO_LGPL,
    signature: ['s/General Public License/Lesser General Public License/g'],
    applies: /^lib\//,
  },
  'license-lgpl2': {
    scope: 'notice',
    subs: [...TO_LGPL, [/version [23]([ ,])/g, 'version 2.1$1']],
    signature: ['s/version [23]\\([ ,]\\)/version 2.1\\1/g'],
    applies: /^lib\//,
  },
  'license-lgpl3orgpl2': {
    scope: 'replace-paragraph',
    subs: [],
    signature: ['3orGPLv2)', 'or both in parallel, as here.', '/^ *This program is free software/,/^$/d'],
    applies: /^lib\//,
    replacement: LGPL3_OR_GPL2,
  },
};

const LICENSES: SubmoduleRewrite[][] = [['license-gpl'], ['license-gpl', 'license-version'], ['license-gpl', 'license-names'], ['license-gpl', 'license-version', 'license-names'], ['license-lgpl'], ['license-lgpl2'], ['license-lgpl3orgpl2']];

/** The rewrites whose sed script the pinned gnulib-tool (gnulib-tool, gnulib-tool.sh, pygnulib …) contains. */
export function availableRewrites(toolText: string): Set<SubmoduleRewrite> {
  const out = new Set<SubmoduleRewrite>();
  for (const [id, r] of Object.entries(REWRITES) as [SubmoduleRewrite, Rule][]) if (r.signature.every((s) => toolText.includes(s))) out.add(id);
  return out;
}

/** The combinations worth trying for a file copied from `gnulibPath` ('tests=lib/x' for a tests-base lib file). */
export function rewriteCandidates(gnulibPath: string, available: ReadonlySet<SubmoduleRewrite>): SubmoduleRewrite[][] {
  const ok = (id: SubmoduleRewrite) => id !== 'bootstrap-mark' && available.has(id) && REWRITES[id].applies.test(gnulibPath);
  const configH = ok('config-h') ? [[], ['config-h' as const]] : [[]];
  const licenses: SubmoduleRewrite[][] = [[], ...LICENSES.filter((l) => l.every(ok))];
  const out: SubmoduleRewrite[][] = [];
  for (const c of configH) for (const l of licenses) if (c.length + l.length) out.push([...c, ...l]);
  return out;
}

/**
 * The license notice paragraph: from the first line (among the first 60) that says "is free software" to the
 * first following line (within 30) that ends the notice ("If not, see", "licenses/", "Boston, MA").
 */
export function noticeRange(lines: readonly string[]): [number, number] | undefined {
  const start = lines.slice(0, 60).findIndex((l) => /is free software/.test(l));
  if (start < 0) return undefined;
  for (let i = start; i < Math.min(lines.length, start + 30); i++) {
    if (/If not, see|licenses\/|Boston, MA/.test(lines[i]!)) return [start, i];
  }
  return undefined;
}

/**
 * The notice's first paragraph as gnulib-tool's `/^ *This program is free software/,/^$/d` deletes it: from that
 * line (among the first 60) to the next empty line (within 30), both included. Only the first: narrower than sed.
 */
export function noticeParagraph(lines: readonly string[]): [number, number] | undefined {
  const start = lines.slice(0, 60).findIndex((l) => /^ *This program is free software/.test(l));
  if (start < 0) return undefined;
  for (let i = start + 1; i < Math.min(lines.length, start + 30); i++) if (lines[i] === '') return [start, i];
  return undefined;
}

/** `text` (latin1, one char per byte) after the given rewrites, line by line as sed applies them. */
export function applyRewrites(text: string, ids: readonly SubmoduleRewrite[]): string {
  let lines = text.split('\n');
  const notice = noticeRange(lines);
  for (const id of ids) {
    if (id === 'bootstrap-mark') continue;
    const rule = REWRITES[id];
    if (rule.scope === 'replace-paragraph') {
      const para = noticeParagraph(lines);
      if (para) lines = [...lines.slice(0, para[0]), ...rule.replacement!, ...lines.slice(para[1] + 1)];
      continue;
    }
    const [from, to] = rule.scope === 'notice' ? (notice ?? [1, 0]) : [0, lines.length - 1];
    for (let i = from; i <= to; i++) {
      let l = lines[i]!; // as sed sees it: without the newline (a CR stays part of the line)
      for (const [re, rep] of rule.subs) l = l.replace(re, rep);
      lines[i] = l;
    }
  }
  return lines.join('\n');
}

/**
 * The old gnulib bootstrap's `cp_mark_as_generated` (gnulib's build-aux/bootstrap until 2011, still in the
 * bootstraps some projects keep: cflow 1.7's): it ran gnulib-tool into a temporary directory and copied each file
 * into place with two header lines in the comment syntax its `case $cp_dst in` picks by the destination's name.
 * Offered only when the tag's tracked bootstrap carries that function's exact lines (`bootstrapMarks`).
 */
const MARK_SIGNATURE = ['cp_mark_as_generated', `echo "$c1-*- buffer-read-only: t -*- vi: set ro:$c2"`, `echo "\${c1}DO NOT EDIT! GENERATED AUTOMATICALLY!$c2"`, `*.[ch])             c1='/* '; c2=' */';;`];

/** Whether a tracked bootstrap's text defines cp_mark_as_generated as the old gnulib bootstrap did. */
export function bootstrapMarks(bootstrapText: string): boolean {
  return MARK_SIGNATURE.every((s) => bootstrapText.includes(s));
}

/** The two lines cp_mark_as_generated puts before a file copied to `dest`, or '' for a name it copies as it is. */
export function markHeader(dest: string): string {
  const base = dest.slice(dest.lastIndexOf('/') + 1);
  const [c1, c2] = /\.[ch]$/.test(dest) ? ['/* ', ' */'] : /\.texi$/.test(dest) ? ['@c ', ''] : /\.m4$/.test(dest) || /\/Make[^/]*$/.test(dest) || /^Make/.test(base) ? ['# ', ''] : ['', ''];
  return c1 ? `${c1}-*- buffer-read-only: t -*- vi: set ro:${c2}\n${c1}DO NOT EDIT! GENERATED AUTOMATICALLY!${c2}\n` : '';
}
