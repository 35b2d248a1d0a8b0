/**
 * What accounts for the novel lines of a copy of an upstream file (issue 11, "tampering that passes"):
 * "upstream X except N lines" explains a copy only when each of those lines is something other than new
 * code. A line is accounted for when it is
 *
 *   blank                    nothing
 *   a comment                `#` then a blank, `#` or the end (not a C preprocessor directive such as
 *                            `# define`, which a here-document turns into code), or m4's `dnl` in a file m4
 *                            reads (elsewhere `dnl || cmd` is a command: red team 27)
 *   a known line             a line some known version of the same file has (a backport, a distribution's
 *                            patch taken from upstream: libtool.m4's darwin lines in Debian 2.4.6-15)
 *   a version line           a known line with its version tokens replaced by other versions: a token
 *                            shortened to a prefix ending before a rebuild or patch mark ("2.4.7-dirty" →
 *                            "2.4.7") or the version of another known copy of the file ("2.4.6-14" →
 *                            "2.4.6-15" of Debian's libtool) — ltmain.sh's `VERSION="2.4.7 Debian-2.4.7-5"`
 *   a patch's added line     a `+` line of the patch the tarball ships beside the file (NAME.diff,
 *                            NAME.patch: gettext's libtextstyle/build-aux/test-driver.diff, applied by its
 *                            autogen.sh), the patch itself judged as any other file
 *   an empty make rule       in a makefile, `TARGET…:;` for targets the file defines nowhere else (a
 *                            bootstrap script's `install-dvi:;` appended to po/Makefile.in.in) — plain names only:
 *                            no special target (`.IGNORE`, `.SILENT`, `.DEFAULT` …), pattern or variable
 *   a distribution's patch   a line a hunk of a distribution's published patch series adds (Debian's debian/patches
 *                            of libtool), standing where the nearest version patched by that series has it
 *                            (src/classify/distro-patches.ts: the copy is then compared with the patched version)
 *   a moved interpreter      the first line, `#!` naming the interpreter a known version's first line names
 *                            in the other of /bin and /usr/bin, same arguments (a distribution's packaging
 *                            rewrote it: `#! /bin/sh` → `#!/usr/bin/sh`)
 *
 * and a run of the version's lines the copy drops without putting anything in their place (a pure deletion)
 * is accounted for when its lines are blank or `-` lines of that patch, or when some known version has the
 * copy's lines around the run — CONTEXT_LINES on each side — one after another (the same deletion made upstream or
 * by a distribution: Debian's libtool patches), that last only when a version line of the copy says it is another
 * version than the nearest one (under the nearest version's own stamp a dropped hunk is a revert). Everything else — an added flag, a changed command, an
 * extra library, a deleted check — is unaccounted, and a copy with any unaccounted line is not explained
 * (src/classify/upstream.ts keeps it UPSTREAM_COPY_UNKNOWN_VERSION, high).
 */
import type { Provenance } from './provenance.js';
import type { UpstreamDb } from './upstream-db.js';
import { CONTEXT_LINES, lineHash32, splitFileLines } from './upstream-lines.js';
import { readByM4 } from './m4.js';
import type { PatchCorpus } from './distro-patches.js';

export interface Accounting {
  /** Novel lines nothing accounts for (1-based line numbers of the copy). */
  unaccounted: number[];
  /** Lines the copy drops outright that nothing accounts for. */
  unaccountedDeletions: number;
  /** Distribution patch files whose hunks account for lines (src/classify/distro-patches.ts), with the lines they add. */
  patches: { source: string; lines: number[] }[];
}

const COMMENT = /^\s*(?:#(?:[\s#]|$)|dnl(?:\s|$))/;
/** m4's `dnl` line: a comment only where m4 reads the file (readByM4); a command in a shell script or makefile. */
const DNL = /^\s*dnl(?:\s|$)/;
/** `#` lines a C compiler reads: a here-document in a script or macro writes them into C code. */
const DIRECTIVE = /^\s*#\s*(?:include|include_next|import|define|undef|if|ifdef|ifndef|elif|elifdef|elifndef|else|endif|pragma|error|warning|line|ident|sccs|assert|unassert|embed)\b/;
const VERSION_TOKEN = /\d+(?:\.\d+)+(?:[-~+][\w.~+-]*)?/g;
/** C and C++ sources and headers (and their templates, lex/yacc inputs). */
const C_NAME = /\.(?:c|h|cc|cpp|cxx|hh|hpp|hxx|y|l)(?:\.in)?$/;
const MAKE_NAME = /(?:^|\/)(?:GNUmakefile|[Mm]akefile[^/]*|[^/]*\.(?:mk|make|am))$/;
const EMPTY_RULE = /^([^\s:#=;]+(?:[ \t]+[^\s:#=;]+)*)[ \t]*:[ \t]*;[ \t]*$/;
const MAX_COMBINATIONS = 4096;

/** A `#!` line naming /bin/X or /usr/bin/X, and its arguments. */
const SHEBANG = /^#!\s*\/(?:usr\/)?bin\/([\w.+-]+)(\s.*)?$/;

/**
 * The forms the first line of a known version may have had when the copy's first line is the same interpreter
 * in the other of /bin and /usr/bin (a distribution's packaging rewrote it: Fedora's brp-mangle-shebangs makes
 * `#! /bin/sh` `#!/usr/bin/sh` in the config.guess and config.sub it installs — util-linux 2.38.1's copies).
 */
function shebangForms(line: string): string[] {
  const m = SHEBANG.exec(line.replace(/\r$/, ''));
  if (!m) return [];
  const args = (m[2] ?? '').trimEnd();
  return ['/bin/', '/usr/bin/'].flatMap((d) => [`#! ${d}${m[1]}${args}`, `#!${d}${m[1]}${args}`]).filter((f) => f !== line);
}

function isComment(line: string, name: string): boolean {
  // in C every `#` line is a directive to the preprocessor (`# x` an invalid one: the file stops compiling)
  return COMMENT.test(line) && !DIRECTIVE.test(line) && (readByM4(name) || !DNL.test(line)) && !(C_NAME.test(name) && /^\s*#/.test(line));
}

/**
 * Lines of a copy where a `#`/`dnl` line is not inert (red team 20), 1-based:
 *  - the body of a here-document (`cat > conftest.c <<EOF`, config.guess's `cat <<-EOF > "$dummy.c"`): its lines are
 *    the content of the file written, a C program there: `# x` is an invalid preprocessing directive, so the check
 *    fails to compile and configure turns the feature off — xz 5.6's landlock check was sabotaged with one character;
 *  - in an m4 file, every line inside a macro's quoted argument (m4 quote depth 1 or more, or after a changequote
 *    that leaves the quotes unknown): m4 copies a quoted `#` or `dnl` line into configure as it is, and an argument of
 *    AC_LANG_PROGRAM/AC_LANG_SOURCE is the C program of a check — only the file's own top-level comments are inert;
 *  - the line after one ending in a backslash: a comment line swallows the rest of the continued command (so does a
 *    blank line, which ends it there) (`$CC -o conftest \` + `# x` + `  -fstack-protector …` runs two commands);
 *  - in a makefile or a C source, a line that itself ends in a backslash: make and the C preprocessor continue a
 *    comment over the next line, so `# note \` hides the known line after it (a makefile's `LIBS = …`) without
 *    changing it (red team 27; the shell and m4 end a comment at the newline).
 */
export function activeLines(path: string, lines: readonly string[]): Set<number> {
  const out = new Set<number>();
  const continuesComments = MAKE_NAME.test(path) || C_NAME.test(path);
  for (let i = 1; i <= lines.length; i++) {
    if (!/\\\r?$/.test(lines[i - 1]!)) continue;
    if (continuesComments) out.add(i);
    if (i < lines.length) out.add(i + 1);
  }
  for (let i = 0; i < lines.length; i++) {
    const m = /<<(-?)\s*\\?(['"]?)([A-Za-z_]\w*)\2/.exec(lines[i]!.replace(/^\s*#.*$/, ''));
    if (!m) continue;
    const strip = m[1] === '-';
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j]!.replace(/\r$/, '');
      if ((strip ? l.replace(/^\t+/, '') : l).trim() === m[3]) break;
      out.add(j + 1);
    }
    i = j;
  }
  if (/\.m4$/i.test(path)) {
    let depth = 0;
    let quotes = true;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      if (depth > 0 || !quotes) out.add(i + 1);
      for (let k = 0; k < l.length; k++) {
        const rest = l.slice(k);
        const cq = /^changequote\(([^)]*)\)/.exec(rest);
        if (cq && (k === 0 || !/\w/.test(l[k - 1]!))) {
          quotes = /^\s*\[\s*,\s*\]\s*$/.test(cq[1]!);
          k += cq[0].length - 1;
          continue;
        }
        if (!quotes) continue;
        const ch = l[k]!;
        if (depth === 0 && (ch === '#' || (/^dnl\b/.test(rest) && (k === 0 || !/\w/.test(l[k - 1]!))))) break;
        if (ch === '[') depth++;
        else if (ch === ']' && depth > 0) depth--;
      }
    }
  }
  return out;
}

/**
 * Whether each of the copy's `#` lines that are not comments to every reader (C preprocessor directives, `#!`
 * lines, comment lines where they are not inert), `dnl` lines outside m4 input and lines whose trailing blanks follow a
 * backslash (all of which normalising drops or trims) stands where a known version has it (inPlace: the same line between the same neighbours).
 */
export function directivesInPlace(db: UpstreamDb, name: string, content: Buffer): boolean {
  const lines = splitFileLines(content);
  const ats: number[] = [];
  // … and the comment lines that are not inert where they stand (activeLines: a here-document's body, an m4
  // macro's quoted argument, after a backslash), which normalising drops as well (red team 20)
  let active: Set<number> | undefined;
  lines.forEach((l, i) => {
    if (DIRECTIVE.test(l) || /^#!/.test(l) || (C_NAME.test(name) && /^\s*#/.test(l))) ats.push(i + 1);
    // a `dnl` line outside m4 input is a command, which normalising drops as if it were m4's comment (red team 27)
    else if (DNL.test(l) && !readByM4(name)) ats.push(i + 1);
    // normalising trims trailing blanks, but after a backslash they are the command: `test -n "$x" && \ ` ends the
    // command at the newline (the backslash quotes a blank), so the next line runs whatever the test said (red team 27)
    else if (/\\[ \t\f\v]+\r?$/.test(l)) ats.push(i + 1);
    else if (COMMENT.test(l) && (active ??= activeLines(name, lines)).has(i + 1)) ats.push(i + 1);
    else if (l.trim() === '' && i > 0 && /\\\r?$/.test(lines[i - 1]!)) ats.push(i + 1);
  });
  return ats.length === 0 || inPlace(db, name, lines, ats).size === ats.length;
}

/**
 * A version token's prefixes that end before a component, a rebuild or patch mark or a snapshot suffix:
 * "2.4.7.4-1ec8f-dirty" → "2.4.7.4-1ec8f", "2.4.7.4-1", "2.4.7.4", "2.4.7", "2.4".
 */
function prefixesOf(token: string): string[] {
  const out: string[] = [];
  for (let k = 1; k < token.length; k++) {
    if ((/[-~+.]/.test(token[k]!) && /\w/.test(token[k - 1]!)) || (/[A-Za-z]/.test(token[k]!) && /\d/.test(token[k - 1]!))) out.push(token.slice(0, k));
  }
  return out;
}

/** Versions the known copies of a name carry in their labels and tags, and their prefixes (2.4.6-15, 2.4.6, 2.4.7). */
function knownVersionTokens(db: UpstreamDb, name: string): string[] {
  const out = new Set<string>();
  for (const v of db.byName(name)) {
    for (const s of [v.tag, v.source?.label]) for (const m of (s ?? '').matchAll(VERSION_TOKEN)) for (const t of [m[0], ...prefixesOf(m[0])]) out.add(t);
  }
  return [...out];
}

/**
 * The known lines of `name` the line becomes once its version tokens are replaced by other versions (their
 * hashes; empty when none: not a version line).
 */
function versionLine(db: UpstreamDb, name: string, line: string, known: () => string[]): number[] {
  const tokens = [...line.matchAll(VERSION_TOKEN)];
  if (tokens.length === 0 || tokens.length > 4) return [];
  const choices = tokens.map((t) => [...new Set([t[0], ...prefixesOf(t[0]), ...known()])]);
  let combos = 1;
  for (const c of choices) combos *= c.length;
  if (combos > MAX_COMBINATIONS) return [];
  const found = new Set<number>();
  const pick = new Array<number>(tokens.length).fill(0);
  for (let n = 0; n < combos; n++) {
    let rest = n;
    for (let i = 0; i < tokens.length; i++) {
      pick[i] = rest % choices[i]!.length;
      rest = Math.floor(rest / choices[i]!.length);
    }
    if (pick.every((p) => p === 0)) continue;
    let out = '';
    let from = 0;
    tokens.forEach((t, i) => {
      out += line.slice(from, t.index) + choices[i]![pick[i]!];
      from = t.index! + t[0].length;
    });
    out += line.slice(from);
    const h = lineHash32(out);
    if (db.knownLine(name, h)) found.add(h);
  }
  return [...found];
}


/**
 * Which of the copy's lines `ats` (1-based) stand where a known version of `name` has them: the line and the
 * CONTEXT_LINES lines on either side of it (fewer at the file's edges, which must then be the version's edges
 * too) occur one after another in one known version. `alt` gives the hashes a line may stand for (a version
 * line: the known lines it becomes); every other line is compared as it is.
 */
export function inPlace(db: UpstreamDb, name: string, lines: readonly string[], ats: readonly number[], alt: ReadonlyMap<number, readonly number[]> = new Map()): Set<number> {
  const windows = ats.map((at) => {
    const lo = Math.max(1, at - CONTEXT_LINES);
    const hi = Math.min(lines.length, at + CONTEXT_LINES);
    const w: (readonly number[])[] = [];
    for (let k = lo; k <= hi; k++) w.push(alt.get(k) ?? [lineHash32(lines[k - 1]!)]);
    return { lines: w, center: at - lo, atStart: lo === 1, atEnd: hi === lines.length };
  });
  const found = db.knownWindows(name, windows);
  return new Set(ats.filter((_, k) => found.has(k)));
}

/** The `+` and `-` lines of a unified diff (the `+++`/`---` file headers left out). */
export function patchLines(patch: Buffer | undefined): { added: Set<string>; removed: Set<number> } {
  const added = new Set<string>();
  const removed = new Set<number>();
  if (!patch) return { added, removed };
  for (const l of splitFileLines(patch)) {
    if (l.startsWith('+') && !l.startsWith('+++ ')) added.add(l.slice(1));
    else if (l.startsWith('-') && !l.startsWith('--- ')) removed.add(lineHash32(l.slice(1)));
  }
  return { added, removed };
}

/** Whether each of the copy's targets in `line` is defined by no other line of the copy. */
function newEmptyRule(path: string, line: string, lines: readonly string[], at: number): boolean {
  if (!MAKE_NAME.test(path)) return false;
  const m = EMPTY_RULE.exec(line);
  if (!m) return false;
  const targets = m[1]!.split(/[ \t]+/);
  // make's special targets (.IGNORE, .SILENT, .DEFAULT, .SUFFIXES, .ONESHELL …) change how every rule runs; a pattern
  // (`%.gmo:;`) or a variable's expansion names files the line does not show: only plain target names
  if (targets.some((t) => /^\.|[%$*?[]/.test(t))) return false;
  return lines.every((other, i) => {
    if (i === at - 1 || /^\t/.test(other)) return true;
    const head = /^([^:#=]+?)[ \t]*::?(?!=)/.exec(other);
    return !head || !head[1]!.split(/[ \t]+/).some((t) => targets.includes(t));
  });
}

/** Which novel and dropped lines of a copy nothing accounts for (see the header). */
export function accountNovelLines(db: UpstreamDb, path: string, name: string, content: Buffer, prov: Provenance, patch?: Buffer, corpus?: PatchCorpus | null): Accounting {
  const lines = splitFileLines(content);
  const p = patchLines(patch);
  // against the version as a distribution's patch series leaves it, when one applies and brings the copy closer
  const dp = corpus ? corpus.account(name, lines.map(lineHash32), prov) : undefined;
  const diff = dp?.prov ?? prov;
  let known: string[] | undefined;
  const knownTokens = () => (known ??= knownVersionTokens(db, name));
  const unaccounted: number[] = [];
  let active: Set<number> | undefined;
  // a blank line is inert but after a backslash (C, a here-document and m4 skip blank lines); a comment line also
  // only where every reader takes it as one
  const inert = (at: number, bare: string) => (bare.trim() === '' ? !/\\\r?$/.test(lines[at - 2] ?? '') : !(active ??= activeLines(name, lines)).has(at));
  // Lines taken from a known version (as they are, or with other versions in them): accounted for only where
  // a known version has them, between the same neighbours — a known `exit 0` or `LIBS=` line moved into
  // another place of the file is new code there.
  const taken: number[] = [];
  const alt = new Map<number, number[]>();
  // lines accounted for only by what they are (a comment, a blank line, an empty make rule): inert, but where they
  // stand in place of the version's lines they are a deletion of those lines (below)
  const inertAt = new Set<number>();
  // whether a novel line is a version line (scriptversion=, timestamp=, VERSION=, serial …) of another value: the copy
  // says it is some other version than the nearest one (a snapshot between releases, a distribution's build)
  let otherVersion = false;
  for (const at of diff.novelAt) {
    const line = lines[at - 1] ?? '';
    const bare = line.replace(/\r$/, '');
    if (p.added.has(line)) continue;
    if (((bare.trim() === '' || isComment(bare, name)) && inert(at, bare)) || newEmptyRule(path, bare, lines, at)) {
      inertAt.add(at);
      continue;
    }
    if (db.knownLine(name, lineHash32(line))) {
      taken.push(at);
      continue;
    }
    // a version line, or a first line naming the same interpreter in another directory: the known lines it becomes
    const asVersion = versionLine(db, name, line, knownTokens);
    if (asVersion.length > 0) otherVersion = true;
    const asKnown = [...asVersion, ...(at === 1 ? shebangForms(line).map(lineHash32).filter((h) => db.knownLine(name, h)) : [])];
    if (asKnown.length > 0) {
      alt.set(at, [lineHash32(line), ...asKnown]);
      taken.push(at);
    } else unaccounted.push(at);
  }
  // Under the nearest version's own version lines the copy says it is that version: a line of another known version
  // in place of the nearest one's is that hunk taken back (or forward) to the other version's text, as a dropped run
  // is below (red team 32: install-sh's help line reverted to 1.16.1's under 1.16.3's scriptversion was low). Only a
  // copy whose version line names another version (a snapshot, a distribution's build) may mix versions' lines.
  const placed = inPlace(db, name, lines, otherVersion ? taken : taken.filter((at) => alt.has(at)), alt);
  for (const at of taken) if (!placed.has(at)) unaccounted.push(at);
  unaccounted.push(...(dp?.misplaced ?? []));
  unaccounted.sort((a, b) => a - b);
  const blank = lineHash32('');
  // A comment put in place of the version's lines is those lines deleted: `# chmodcmd=$chmodprog` for install-sh's
  // `chmodcmd=$chmodprog` leaves chmodcmd to the environment (red team 27's install-sh-drop, commented out instead of
  // cut; patched31). The removed lines (their text unknown: the line data keeps hashes) are accounted for only when
  // blank, the shipped patch's `-` lines, or when each inert line of the region is itself a known line (or a version
  // line) standing where a known version has it — a comment some version has there, the version's own rewording.
  let unaccountedDeletions = 0;
  const regions = diff.replaced
    .map((r) => ({ r, rest: r.hashes.filter((h) => h !== blank && !p.removed.has(h)), inert: [...inertAt].filter((at) => at >= r.from && at <= r.to) }))
    .filter((x) => x.rest.length > 0 && x.inert.length > 0);
  if (regions.length > 0) {
    const retry = regions.flatMap((x) => x.inert);
    const retryAlt = new Map<number, number[]>();
    for (const at of retry) {
      const line = lines[at - 1] ?? '';
      const asKnown = versionLine(db, name, line, knownTokens);
      if (asKnown.length > 0) retryAlt.set(at, [lineHash32(line), ...asKnown]);
    }
    const known = retry.filter((at) => retryAlt.has(at) || db.knownLine(name, lineHash32(lines[at - 1] ?? '')));
    const ok = inPlace(db, name, lines, known, new Map([...alt, ...retryAlt]));
    for (const x of regions) if (!x.inert.every((at) => ok.has(at))) unaccountedDeletions += x.rest.length;
  }
  // A dropped run is accounted for when its lines are blank or the patch's `-` lines, or when a known version has
  // the copy's lines around it next to each other — CONTEXT_LINES on each side, as a taken line's window (upstream
  // or a distribution made the same deletion). Red team 27: the one line on either side was not enough — two
  // blank lines, or `fi` and `fi`, stand next to each other somewhere in every long script, so install-sh without its
  // `dsttmp=`/`rmtmp=` assignments (taken from the environment then) or its directory chmod was "upstream except
  // N lines", low.
  const cuts: { d: (typeof diff.deleted)[number]; rest: number[] }[] = [];
  for (const d of diff.deleted) {
    const rest = d.hashes.filter((h) => h !== blank && !p.removed.has(h));
    if (rest.length > 0) cuts.push({ d, rest });
  }
  const windows = cuts.map(({ d }) => {
    // the copy's lines d.at-1 (before the cut) and d.at (after it), 1-based, with CONTEXT_LINES - 1 more on each side
    const lo = Math.max(1, d.at - CONTEXT_LINES);
    const hi = Math.min(lines.length, d.at - 1 + CONTEXT_LINES);
    const w: (readonly number[])[] = [];
    for (let k = lo; k <= hi; k++) w.push(alt.get(k) ?? [lineHash32(lines[k - 1]!)]);
    return { lines: w, center: Math.max(0, d.at - 1 - lo), atStart: lo === 1, atEnd: hi === lines.length };
  });
  // A copy whose version lines are all the nearest version's says it is that version: a run it drops is then
  // accounted for by the patch's or the distribution series' `-` lines only, never by another known version lacking
  // the run — that is one hunk of the file taken back to an older (or newer) version's text under this version's
  // stamp. Red team 32: automake 1.16.3's install-sh without its four `Don't chown directories that already exist`
  // lines (1.16.1 has the lines around them next to each other), scriptversion 2020-11-14.01 kept, was
  // UPSTREAM_COPY_PATCHED low.
  const found = windows.length && otherVersion ? db.knownWindows(name, windows) : new Set<number>();
  cuts.forEach(({ d, rest }, k) => {
    const inside = d.at - 1 >= 1 && d.at <= lines.length;
    if (!inside || !found.has(k)) unaccountedDeletions += rest.length;
  });
  return { unaccounted, unaccountedDeletions, patches: dp?.used ?? [] };
}
