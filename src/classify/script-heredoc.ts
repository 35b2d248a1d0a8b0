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
 * no other redirection in the script writing TARGET (a later edit or a second write).
 */
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

const TARGET = String.raw`("?)(\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*|[A-Za-z0-9_.+/-]+)\1`;
const WORD = String.raw`(['"]?)([A-Za-z_][A-Za-z0-9_]*)\3`;
const CAT_TO = new RegExp(String.raw`^\s*cat\s*>\s*${TARGET}\s*<<\s*${WORD}\s*$`);
const CAT_FROM = new RegExp(String.raw`^\s*cat\s*<<\s*${WORD.replace('\\3', '\\1')}\s*>\s*${TARGET.replace('\\1', '\\3')}\s*$`);

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
  const lines = script.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const a = CAT_TO.exec(lines[i]!);
    const b = a ? undefined : CAT_FROM.exec(lines[i]!);
    if (!a && !b) continue;
    const target = a ? a[2]! : b![4]!;
    const quoted = a ? a[3]! : b![1]!;
    const word = a ? a[4]! : b![2]!;
    let j = i + 1;
    while (j < lines.length && lines[j] !== word) j++;
    if (j >= lines.length) break;
    const body = lines.slice(i + 1, j).join('\n') + (j > i + 1 ? '\n' : '');
    const at = i + 1;
    i = j;
    const expands = !quoted;
    if (expands && (/[`\\]/.test(body) || /\$(?![A-Za-z_])(?!\{[A-Za-z_][A-Za-z0-9_]*\})/.test(body))) continue;
    const variable = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(target)?.[1];
    const path = variable ? assignedPath(script, variable) : normalisePath(target.replace(/^(\.\/)+/, '')) || undefined;
    if (!path) continue;
    // no other write to the same target: `>` or `>>` naming it again
    const spelled = variable ? String.raw`"?\$(?:\{${variable}\}|${variable}(?![A-Za-z0-9_]))"?` : `"?${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?`;
    const writes = [...script.matchAll(new RegExp(String.raw`>>?\s*${spelled}`, 'g'))].length;
    if (writes !== 1) continue;
    out.push({ line: at, path, body, expands, ...(variable ? { variable } : {}) });
  }
  return out;
}
