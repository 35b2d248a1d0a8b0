/**
 * Tracked corrections to old commit messages (issue 11 e): gnulib's gitlog-to-changelog `--amend=FILE` reads a
 * file of entries, each a full commit id followed by Perl substitutions (`s,fixing Savannah bug,applying
 * Savannah patch,`) that it applies to that commit's message before writing the ChangeLog (GNU projects keep
 * it as build-aux/git-log-fix: findutils, coreutils, grep …). A ChangeLog line that only the amended message has
 * is then traced to the commit and the tracked amendment, not left unexplained.
 *
 * The file must be tracked (the tarball cannot bring its own), it is found by gnulib's conventional name or
 * as the `--amend=PATH` of a tracked script or Makefile, and each entry must parse completely as substitutions
 * this reader understands (`s` with any punctuation delimiter, flags g/m/s/i, `$N` and `\n`/`\t` in the
 * replacement); an entry with anything else is skipped, so its commit's amended lines stay untraced. The
 * amended commit must be in the revision's history.
 */
import { baseOf, dirOf } from './paths.js';
import type { ClassifyContext } from './types.js';

export interface Amendment {
  oid: string;
  substitutions: { re: RegExp; replacement: string }[];
}

const OID = /^[0-9a-f]{40}$/;
/** gnulib's name for the file (maint.mk's gl_git_log_fix). */
const CONVENTIONAL = 'build-aux/git-log-fix';
/** Tracked files that may invoke gitlog-to-changelog: Makefile.am, cfg.mk, *.mk, shell scripts, GNUmakefile. */
const INVOKERS = /^(?:Makefile\.am|GNUmakefile|cfg\.mk|[\w.-]+\.mk|[\w.-]+\.sh|gen-?changelog[\w.-]*)$/;
const MAX_BYTES = 256 * 1024;

/** One `s<d>PATTERN<d>REPLACEMENT<d>FLAGS`, or undefined when it is not one this reader takes. */
function parseSubstitution(code: string, at: number): { sub: Amendment['substitutions'][number]; end: number } | undefined {
  if (code[at] !== 's') return undefined;
  const d = code[at + 1];
  if (!d || /[\w\s({[<]/.test(d)) return undefined;
  const parts: string[] = [];
  let i = at + 2;
  for (let k = 0; k < 2; k++) {
    let part = '';
    for (; i < code.length && code[i] !== d; i++) {
      if (code[i] === '\\' && i + 1 < code.length) {
        // An escaped delimiter is the delimiter itself; any other escape is kept for the regex / replacement.
        part += code[i + 1] === d ? d : code[i]! + code[i + 1]!;
        i++;
      } else part += code[i];
    }
    if (code[i] !== d) return undefined;
    parts.push(part);
    i++;
  }
  const flags = /^[a-z]*/.exec(code.slice(i))![0];
  if (/[^gmsi]/.test(flags)) return undefined;
  const [pattern, replacement] = parts as [string, string];
  // Perl-only regex syntax is refused rather than guessed.
  if (/\\[AZzGQEKpPX]|\(\?[<#]|\(\?[a-z]+[:)]/.test(pattern)) return undefined;
  if (/\\[lLuUEQ]/.test(replacement)) return undefined;
  try {
    return { sub: { re: new RegExp(pattern, flags), replacement }, end: i + flags.length };
  } catch {
    return undefined;
  }
}

/** The amendments of an amend file, or undefined when it has none. */
export function parseAmendFile(text: string): Amendment[] | undefined {
  const out: Amendment[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const oid = lines[i]!.trim();
    if (!OID.test(oid)) continue;
    let code = '';
    for (i++; i < lines.length && lines[i]!.trim() && !lines[i]!.trimStart().startsWith('#'); i++) code += `${lines[i]}\n`;
    i--;
    const substitutions: Amendment['substitutions'] = [];
    let ok = true;
    for (let at = 0; ; ) {
      while (at < code.length && /[\s;]/.test(code[at]!)) at++;
      if (at >= code.length) break;
      const s = parseSubstitution(code, at);
      if (!s) {
        ok = false;
        break;
      }
      substitutions.push(s.sub);
      at = s.end;
    }
    if (ok && substitutions.length) out.push({ oid, substitutions });
  }
  return out.length ? out : undefined;
}

/** Perl's replacement text: `$N`/`${N}` groups, `$&`, `\n` `\t` and other backslash escapes. */
function expand(replacement: string, match: string, groups: (string | undefined)[]): string {
  return replacement.replace(/\\(.)|\$(?:(\d+)|\{(\d+)\}|(&))/g, (_, esc: string | undefined, n1?: string, n2?: string, amp?: string) => {
    if (esc !== undefined) return esc === 'n' ? '\n' : esc === 't' ? '\t' : esc;
    if (amp) return match;
    return groups[Number(n1 ?? n2) - 1] ?? '';
  });
}

/** A commit message with an amendment's substitutions applied in order. */
export function applyAmendment(message: string, a: Amendment): string {
  let text = message;
  for (const { re, replacement } of a.substitutions) {
    text = text.replace(re, (match: string, ...rest: unknown[]) => {
      const groups = rest.slice(0, -2).filter((g) => typeof g === 'string' || g === undefined) as (string | undefined)[];
      return expand(replacement, match, groups);
    });
  }
  return text;
}

/** `--amend=PATH` words of a text, as tracked paths (a leading `$(top_srcdir)/`, `${srcdir}/`, `"$x"/` dropped). */
export function amendPaths(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/--amend[= ]["']?([^\s"';|&]+)/g)) {
    const p = m[1]!.replace(/^(?:(?:\$\([\w]+\)|\$\{[\w]+\}|\$[\w]+)["']?\/)+/, '').replace(/^\.\//, '');
    if (p && !p.includes('$') && !p.startsWith('/') && !p.split('/').includes('..')) out.push(p);
  }
  return out;
}

/** The tracked amend files of the revision and their amendments (gnulib's conventional path, or named by `--amend=`). */
export async function trackedAmendments(ctx: ClassifyContext): Promise<{ file: string; amendments: Amendment[] }[]> {
  const candidates = new Set<string>();
  if (ctx.gitPaths.has(CONVENTIONAL)) candidates.add(CONVENTIONAL);
  for (const p of ctx.gitPaths) {
    const dir = dirOf(p);
    if ((dir === '' || dir === 'build-aux') && INVOKERS.test(baseOf(p))) {
      const b = await ctx.content.git(p);
      if (!b || b.length > MAX_BYTES || !b.includes('--amend')) continue;
      for (const a of amendPaths(b.toString('utf8'))) if (ctx.gitPaths.has(a)) candidates.add(a);
    }
  }
  const out: { file: string; amendments: Amendment[] }[] = [];
  for (const file of [...candidates].sort()) {
    const b = await ctx.content.git(file);
    if (!b || b.length > MAX_BYTES) continue;
    const amendments = parseAmendFile(b.toString('utf8'));
    if (amendments) out.push({ file, amendments });
  }
  return out;
}
