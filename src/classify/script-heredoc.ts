/**
 * Files a tracked shell script writes with a here-document (mc 4.8.33's version.sh, run by its Makefile.am, autogen.sh
 * and configure.ac, writes `mc-version.h` as
 *     VERSION_FILE="${src_top_dir}/mc-version.h"
 *     cat >"${VERSION_FILE}" <<EOF
 *     #define MC_CURRENT_VERSION "${CURR_MC_VERSION}"
 *     EOF
 * ): the body is the template, its `${NAME}`/`$NAME` expansions the placeholders, judged as produced.ts judges a
 * configured file's values (the release's version, a date near the tag …). Read, never run. Listed only when:
 * `cat >TARGET <<WORD` (or `cat <<WORD >TARGET`) on one line, no `<<-`; the body ended by a line that is exactly WORD;
 * a quoted WORD's body verbatim, an unquoted one's only when its only expansions are plain `${NAME}`/`$NAME` (no
 * backquote, `$(`, `${NAME:-…}` or backslash); TARGET a literal relative path, or `$V`/`${V}` that the script assigns
 * exactly once, to a literal path or `${DIR}/PATH` (DIR one variable: the source directory the script is given); and
 * no other redirection in the script writing TARGET (a later edit or a second write). The script is read by the one
 * here-document reader (./heredoc.ts readShell), whose bodies are data: a `cat` line inside another here-document is none.
 */
import { readShell } from './heredoc.js';
import { normalisePath } from './paths.js';

export interface ScriptHeredoc {
  /** 1-based line of the `cat` command. */
  line: number;
  /** The written path as the script spells it, relative (to the top or the script's directory); a DIR variable stripped. */
  path: string;
  /** The here-document's body (every line with its newline). */
  body: string;
  /** Whether the body is expanded (an unquoted WORD): `${NAME}`/`$NAME` are then placeholders. */
  expands: boolean;
  /** The variable TARGET named, when it was one. */
  variable?: string;
}

/** A target this rule follows: a literal path, or one variable (`$V`, `${V}`), optionally double-quoted. */
const TARGET = /^("?)(\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*|[A-Za-z0-9_.+/-]+)\1$/;
/** A word this rule follows: a name, optionally quoted. */
const WORD = /^(['"]?)[A-Za-z_][A-Za-z0-9_]*\1$/;

/** A variable's one literal assignment in the script (`V="${X}/rel/path"`, `V=rel/path`): the relative path, DIR stripped. */
function assignedPath(script: string, name: string): string | undefined {
  const all = [...script.matchAll(new RegExp(String.raw`^[\t ]*${name}=(.*)$`, 'gm'))];
  if (all.length !== 1) return undefined;
  const v = all[0]![1]!.trim().replace(/^"(.*)"$/, '$1');
  const m = /^(?:\$\{[A-Za-z_][A-Za-z0-9_]*\}\/|\$[A-Za-z_][A-Za-z0-9_]*\/)?([A-Za-z0-9_.+/-]+)$/.exec(v);
  return m ? normalisePath(m[1]!) || undefined : undefined;
}

export function scriptHeredocs(script: string): ScriptHeredoc[] {
  const out: ScriptHeredoc[] = [];
  for (const h of readShell(script).heredocs) {
    const t = h.catTarget === undefined ? undefined : TARGET.exec(h.catTarget);
    if (!t || h.dash || !WORD.test(h.word)) continue;
    const target = t[2]!;
    const { body } = h;
    const expands = !h.quoted;
    if (expands && (/[`\\]/.test(body) || /\$(?![A-Za-z_])(?!\{[A-Za-z_][A-Za-z0-9_]*\})/.test(body))) continue;
    const variable = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(target)?.[1];
    const path = variable ? assignedPath(script, variable) : normalisePath(target.replace(/^(\.\/)+/, '')) || undefined;
    if (!path) continue;
    // no other write to the same target: `>` or `>>` naming it again
    const spelled = variable ? String.raw`"?\$(?:\{${variable}\}|${variable}(?![A-Za-z0-9_]))"?` : `"?${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?`;
    const writes = [...script.matchAll(new RegExp(String.raw`>>?\s*${spelled}`, 'g'))].length;
    if (writes !== 1) continue;
    out.push({ line: h.line, path, body, expands, ...(variable ? { variable } : {}) });
  }
  return out;
}
