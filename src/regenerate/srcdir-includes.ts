/**
 * aclocal.m4 made in a build directory. A tracked make rule `aclocal.m4: … \n\taclocal -I $(srcdir)/m4` (rsync's
 * Makefile.in) run where the maintainer builds — rsync's prepare-source runs it in build/, with srcdir `..` —
 * writes every `m4_include` with that relative path: `m4_include([../m4/have_type.m4])` where aclocal run in the
 * source directory writes `m4_include([m4/have_type.m4])`. Both name the same files of the source tree.
 *
 * The regenerated aclocal.m4 counts as reproduced when the shipped one differs from it only there: every differing
 * line is an m4_include whose path is the regenerated line's path with one and the same prefix of `../` segments
 * (the build directory's way back to the source directory), each such path under a directory the rule passes as
 * `-I $(srcdir)/DIR`; the same number of lines, every other line byte for byte. Anything else still differs.
 */
import type { Normalisation } from '../core/regeneration.js';

export interface SrcdirAclocalRule {
  /** The tracked makefile and the 1-based line of the recipe. */
  rule: string;
  line: number;
  /** The directories the recipe passes as `-I $(srcdir)/DIR`. */
  dirs: string[];
}

const SRCDIR = /\$\(srcdir\)|\$\{srcdir\}|@srcdir@/g;

/**
 * The plain recipe lines of the rules for `target` in tracked makefiles, in file order: each line's makefile, its
 * 1-based line number and the command with the tab and `@`/`-`/`+` prefixes removed — only lines without a shell
 * operator, variable, quote or backslash (`[;&|\`$<>()\\'"]`), after `prepare` (e.g. $(srcdir) replaced by a marker).
 */
export function* plainRecipeLines(
  target: string,
  makefiles: readonly { path: string; text: string }[],
  prepare: (cmd: string) => string = (c) => c,
): Generator<{ path: string; line: number; words: string[] }> {
  for (const { path, text } of makefiles) {
    let targets: string[] = [];
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      if (!l.startsWith('\t')) {
        const m = /^([^\t#=:][^=:]*?)\s*::?(?!=)/.exec(l);
        if (m) targets = m[1]!.trim().split(/\s+/);
        else if (l.trim() !== '' && !l.startsWith('#')) targets = [];
        continue;
      }
      if (!targets.includes(target)) continue;
      const cmd = prepare(l.replace(/^\t[@+-]*\s*/, ''));
      if (/[;&|`$<>()\\'"]/.test(cmd)) continue;
      yield { path, line: i + 1, words: cmd.trim().split(/\s+/) };
    }
  }
}

/** The tracked rule for target aclocal.m4 whose recipe runs `aclocal` with `-I $(srcdir)/DIR` options; undefined without one. */
export function srcdirAclocalRule(makefiles: readonly { path: string; text: string }[]): SrcdirAclocalRule | undefined {
  for (const { path, line, words } of plainRecipeLines('aclocal.m4', makefiles, (c) => c.replace(SRCDIR, '\u0001'))) {
    if (words[0] !== 'aclocal') continue;
    const dirs: string[] = [];
    for (let k = 1; k < words.length; k++) {
      const w = words[k]!;
      const arg = w === '-I' ? words[++k] : w.startsWith('-I') ? w.slice(2) : undefined;
      const m = arg !== undefined ? /^\u0001\/([A-Za-z0-9_.-]+)\/?$/.exec(arg) : null;
      if (m && m[1] !== '..' && m[1] !== '.') dirs.push(m[1]!);
    }
    if (dirs.length) return { rule: path, line, dirs };
  }
  return undefined;
}

const INCLUDE = /^m4_include\(\[([^\]]+)\]\)$/;

/**
 * The normalisation when `shipped` is `regenerated` with the rule's build-directory prefix on its m4_include paths
 * and nothing else; undefined otherwise.
 */
export function srcdirIncludes(regenerated: string, shipped: string, rule: SrcdirAclocalRule): Normalisation | undefined {
  const mine = regenerated.split('\n');
  const theirs = shipped.split('\n');
  if (mine.length !== theirs.length) return undefined;
  let prefix: string | undefined;
  let lines = 0;
  for (let i = 0; i < mine.length; i++) {
    if (mine[i] === theirs[i]) continue;
    const a = INCLUDE.exec(mine[i]!);
    const b = INCLUDE.exec(theirs[i]!);
    if (!a || !b || !b[1]!.endsWith(`/${a[1]}`) || !rule.dirs.some((d) => a[1]!.startsWith(`${d}/`))) return undefined;
    const p = b[1]!.slice(0, b[1]!.length - a[1]!.length);
    if (!/^(?:\.\.\/)+$/.test(p) || (prefix !== undefined && p !== prefix)) return undefined;
    prefix = p;
    lines++;
  }
  if (!prefix) return undefined;
  return { kind: 'srcdir-includes', args: { prefix, lines, rule: rule.rule, line: rule.line } };
}
