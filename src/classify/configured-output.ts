/**
 * A file `./configure` writes, shipped from the maintainer's configured tree (issue 11): memcached 1.6.18's
 * doc/Makefile ("doc/Makefile.  Generated from Makefile.in by configure."), openvpn 2.6.14's
 * sample/sample-plugins/Makefile, gcal 4.1's misc/dst/dst (its tracked dst.in with @ZDUMP@ = /usr/sbin/zdump).
 * `make dist` took them because a Makefile.am names them (EXTRA_DIST, a dist-hook) or the maintainer's tree had
 * them; their values are that machine's (CC = gcc, prefix = /usr/local, a program's path), so no release value
 * proves them (src/classify/produced.ts accepts only those).
 *
 * What is proved instead is that the shipped copy is dead: the tracked configure.ac lists the file in
 * AC_CONFIG_FILES (or the old AC_OUTPUT's first argument) unconditionally — the macro at the start of a line, in no
 * shell `if`/`case` block and no AS_IF/AS_CASE/m4_if — so config.status writes it again, whatever is there, before
 * anything reads it; and the shipped copy is config.status's instantiation of its one input (the tracked template, or
 * the shipped one, e.g. automake's Makefile.in, which is then an input judged by its own finding: `tarballInputs`):
 * as many lines, every line the template's with each @NAME@ replaced by one value, the same value wherever NAME
 * occurs, `@configure_input@` exactly `OUT.  Generated from IN by configure.`, and a `VPATH = @srcdir@` line either
 * substituted or emptied (config.status drops it when configure runs in the source tree). No value may carry a
 * suspicious construct or anything that runs or chains a command (plainValue). A C/C++ header or source and an RPM
 * spec are never taken: their shipped copy is read even where configure writes its own (READ_BEFORE_CONFIGURE); nor is
 * the configure directory's own Makefile (`make` run without configure reads it), nor a file one of whose values names
 * a file the tarball ships (a program pointed at a shipped test file: namesShippedFile). The finding is CONFIGURED_FILE_SHIPPED: medium, shown, not failing the default gate. Anything
 * else (a line no substitution gives, a conditional listing, a value with a construct) falls through to the fallback.
 */
import { posix } from 'node:path';
import type { Finding } from '../core/findings.js';
import { makeFinding } from '../core/severity.js';
import type { PathDiff } from '../core/types.js';
import { findConstructs } from './suspicious.js';
import { firstArgEnd } from './autotools.js';
import { SHARED_WRITABLE } from './produced.js';
import { baseOf, dirOf, pathsBy } from './paths.js';
import type { Classifier, ClassifyContext } from './types.js';
import { admits } from './precheck.js';

const MAX_BYTES = 4 * 1024 * 1024;
/** Values shown in the evidence (the count says how many there were). */
const SHOWN_VALUES = 8;
const PLACEHOLDER = /@([A-Za-z_][A-Za-z0-9_]*)@/g;
const VPATH_LINE = /^[\t ]*VPATH[\t ]*=/;
/** Passes that take only lines of one unknown name before the splitting pass. */
const SINGLE_PASSES = 4;
/** A line of several unknown names is split only with at most this many, on an output line at most this long. */
const MAX_SPLIT_NAMES = 6;
const MAX_SPLIT_LINE = 4096;

/** One unconditional listing of config files: output (relative to the configure directory) → its inputs and line. */
export interface ConfigFileListing {
  inputs: string[];
  line: number;
}

/** Spans [start, end) of the m4 conditionals AS_IF(…), AS_CASE(…), m4_if(…), ifelse(…) in a configure.ac text. */
function conditionalSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  for (const m of text.matchAll(/(?<![A-Za-z0-9_])(?:AS_IF|AS_CASE|m4_if|m4_ifset|m4_ifdef|ifelse|AM_COND_IF)\(/g)) {
    let depth = 0;
    let quote = 0;
    let i = m.index + m[0].length;
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (c === '[') quote++;
      else if (c === ']') quote = Math.max(0, quote - 1);
      else if (quote === 0 && c === '(') depth++;
      else if (quote === 0 && c === ')') {
        if (depth === 0) break;
        depth--;
      }
    }
    spans.push([m.index, i]);
  }
  return spans;
}

/**
 * The shell `if`/`case` depth at the start of each line (comments and `dnl` lines skipped; a one-line `if … fi` nets zero).
 * C in a test program's body is not shell: `if (` and a `case` with no `in` open nothing.
 */
function shellDepths(lines: readonly string[]): number[] {
  const out: number[] = [];
  let depth = 0;
  for (const raw of lines) {
    out.push(depth);
    const l = raw.replace(/^\s*dnl\b.*$/, '').replace(/(^|\s)#.*$/, '');
    const opens = [...l.matchAll(/(?:^\s*|[;&|({]\s*|\bthen\s+|\belse\s+|\bdo\s+)(?:if\s+(?!\()|case\s+\S+\s+in\b)/g)].length;
    const closes = [...l.matchAll(/(?:^|[;&|\s])(?:fi|esac)\b(?!\s*=)/g)].length;
    depth = Math.max(0, depth + opens - closes);
  }
  return out;
}

/**
 * The config files a configure.ac lists unconditionally: each word of an AC_CONFIG_FILES (or AC_OUTPUT) first argument
 * whose macro opens a line, outside any shell if/case block and any m4 conditional. `OUT:IN1:IN2` gives its inputs;
 * `OUT` alone reads `OUT.in`. Words holding a shell variable are left out (their output is not known).
 */
export function unconditionalConfigFiles(text: string): Map<string, ConfigFileListing> {
  const out = new Map<string, ConfigFileListing>();
  const lines = text.split('\n');
  const depths = shellDepths(lines);
  const spans = conditionalSpans(text);
  const starts: number[] = [];
  for (let i = 0, at = 0; i < lines.length; at += lines[i]!.length + 1, i++) starts.push(at);
  const re = /^(AC_CONFIG_FILES|AC_OUTPUT)\(\s*(\[?)/gm;
  for (const m of text.matchAll(re)) {
    const pos = m.index;
    if (spans.some(([s, e]) => s < pos && pos < e)) continue;
    const lineNo = upperBound(starts, pos);
    if (depths[lineNo - 1] !== 0) continue;
    const start = pos + m[0].length;
    const arg = text.slice(start, firstArgEnd(text, start, !!m[2])).replace(/[[\]]/g, ' ');
    for (const w of arg.split(/\s+/).filter((x) => x && x !== '\\' && !x.startsWith('dnl') && !/[$`]/.test(x))) {
      const [file, ...inputs] = w.split(':').map((p) => p.replace(/^\.\//, ''));
      if (file && !out.has(file)) out.set(file, { inputs: inputs.length ? inputs : [`${file}.in`], line: lineNo });
    }
  }
  return out;
}

/** The 1-based line of offset `pos`, given the line start offsets. */
function upperBound(starts: readonly number[], pos: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A template line with known values put in; the placeholders still unknown are left as they are. */
function fill(line: string, values: ReadonlyMap<string, string>): string {
  return line.replace(PLACEHOLDER, (whole, name: string) => values.get(name) ?? whole);
}

/**
 * The values config.status put in: `template` instantiated gives `output` line for line (see the top of this file).
 * `configureInput` is the `@configure_input@` value config.status writes for this output. Undefined when no
 * assignment of single-line values does.
 */
export function instantiationValues(template: string, output: string, configureInput: string): Map<string, string> | undefined {
  const t = template.split('\n');
  const o = output.split('\n');
  if (t.length !== o.length) return undefined;
  const values = new Map<string, string>([['configure_input', configureInput]]);
  let pending: number[] = [];
  for (let i = 0; i < t.length; i++) {
    if (!t[i]!.includes('@')) {
      if (t[i] !== o[i]) return undefined;
    } else pending.push(i);
  }
  if (!pending.length) return undefined;
  // Lines with one unknown name first (a definite value), a few passes (each pass uses the values the lines before
  // it found); then one pass over the rest taking each line's first split. Bounded: at most SINGLE_PASSES + 1 passes
  // over the lines, and a line of several unknown names only when it is short and has few (no runaway backtracking
  // of `(.*?)(.*?)…` on a line a tamperer wrote).
  for (let pass = 0; pending.length && pass <= SINGLE_PASSES; pass++) {
    const forced = pass === SINGLE_PASSES;
    const next: number[] = [];
    let progress = false;
    for (const i of pending) {
      const filled = fill(t[i]!, values);
      const unknown = [...new Set([...filled.matchAll(PLACEHOLDER)].map((m) => m[1]!))].filter((n) => !values.has(n));
      if (!unknown.length) continue;
      if (unknown.length > 1 && !forced) {
        next.push(i);
        continue;
      }
      if (unknown.length === 1) {
        // one name, k times: its value's length follows from the line's length, so no search (linear in the line)
        const parts = filled.split(PLACEHOLDER);
        const k = parts.filter((p, j) => j % 2 === 1 && p === unknown[0]).length;
        const literal = parts.reduce((n, p, j) => n + (j % 2 === 0 ? p.length : p === unknown[0] ? 0 : p.length + 2), 0);
        const len = (o[i]!.length - literal) / k;
        let at = 0;
        for (let j = 0; !(j % 2 === 1 && parts[j] === unknown[0]); j++) at += j % 2 === 0 ? parts[j]!.length : parts[j]!.length + 2;
        const value = Number.isInteger(len) && len >= 0 ? o[i]!.slice(at, at + len) : undefined;
        if (value === undefined || value.includes('\n') || fill(filled, new Map([[unknown[0]!, value]])) !== o[i]) {
          if (VPATH_LINE.test(t[i]!) && o[i] === '') continue;
          return undefined;
        }
        values.set(unknown[0]!, value);
        progress = true;
        continue;
      }
      if (unknown.length > MAX_SPLIT_NAMES || (unknown.length > 1 && o[i]!.length > MAX_SPLIT_LINE)) return undefined;
      const group = new Map<string, number>();
      const pattern = filled
        .split(PLACEHOLDER)
        .map((part, k) => {
          if (k % 2 === 0) return escapeRe(part);
          if (values.has(part)) return escapeRe(`@${part}@`); // a value that is itself `@X@` (config.status keeps an undefined one)
          const seen = group.get(part);
          if (seen !== undefined) return `\\${seen}`;
          group.set(part, group.size + 1);
          return '(.*?)';
        })
        .join('');
      const m = new RegExp(`^${pattern}$`).exec(o[i]!);
      if (!m) {
        if (VPATH_LINE.test(t[i]!) && o[i] === '') continue;
        return undefined;
      }
      for (const [name, k] of group) values.set(name, m[k]!);
      progress = true;
    }
    pending = next;
    // nothing new this pass: the next one splits the lines of several names
    if (!progress && pass < SINGLE_PASSES) pass = SINGLE_PASSES - 1;
  }
  // the whole instantiation, with the values found, must be the shipped file
  for (let i = 0; i < t.length; i++) {
    if (!t[i]!.includes('@')) continue;
    const filled = fill(t[i]!, values);
    if (filled !== o[i] && !(VPATH_LINE.test(t[i]!) && o[i] === '')) return undefined;
  }
  values.delete('configure_input');
  return values;
}

/**
 * Whether a value is one configure could have found, not a command: once the plain references are set aside —
 * `${NAME}`, `${NAME-WORD}`, `${NAME:-WORD}`, `$NAME`, and in a makefile make's `$(NAME)` and `$$` read as the
 * shell's `$` (automake's own `AMTAR = $${TAR-tar}`) — nothing is left that runs or chains a command in a shell or a
 * makefile: no `;`, `|`, `&`, `<`, `>`, backquote, `$(…)` or `${…}`. In a script `$(NAME)` is a command
 * substitution, and in a makefile so is `$$(…)`. A configured script's "value" `1.0; rm -rf ~` is not a configure value,
 * nor is a path under a directory any local user writes (/tmp, /var/tmp, /dev/shm …: produced.ts SHARED_WRITABLE) — but
 * for a temporary-directory setting (`name` with TMP/TEMP) that is exactly one of those directories.
 */
export function plainValue(v: string, makefile = true, name = ''): boolean {
  if (makefile && /\$\$\(/.test(v)) return false;
  const rest = (makefile ? v.replace(/\$\$/g, '$').replace(/\$\([A-Za-z_][A-Za-z0-9_]*\)/g, '') : v).replace(
    /\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-[\w./+-]*)?\}|\$[A-Za-z_][A-Za-z0-9_]*/g,
    '',
  );
  if (/[;|&<>`]|\$[({]/.test(rest)) return false;
  // a path under a directory any local user writes (red team 14: `packagedatamiscdir=/tmp/gcal`, variant status-srcdir)
  // …except a temporary-directory setting that is one of those directories itself (keepalived's KA_TMP_DIR = /tmp)
  if (/te?mp/i.test(name) && SHARED_WRITABLE.includes(v.replace(/\/+$/, ''))) return true;
  return !SHARED_PATH.test(v);
}

/** A path under a shared writable directory anywhere in a value (`/tmp/gcal`, `-I/var/tmp/x` after an option, `DIR=/dev/shm`). */
const SHARED_PATH = new RegExp(`(?:^|[^\\w./-]|-\\w+)(?:${SHARED_WRITABLE.map((d) => d.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})(?![\\w.-])`);

/** A makefile template (automake's Makefile.in, a GNUmakefile.in, X.mk.in): make reads `$(NAME)` there. */
const MAKEFILE_TEMPLATE = /(?:^|\/)(?:[Mm]akefile|GNUmakefile)[^/]*\.in$|\.mk\.in$/;

/**
 * Outputs whose shipped copy is read even where configure writes its own: a C/C++ header or source (in a VPATH build
 * `#include "X.h"` from a source of the same directory finds the source directory's shipped copy before the build
 * directory's), and an RPM spec (`rpmbuild -ta` reads the tarball's spec and never runs configure first). Never taken.
 */
const READ_BEFORE_CONFIGURE = /\.(?:h|hh|hpp|hxx|h\+\+|c|cc|cpp|cxx|c\+\+|inc|def|ipp|tcc|spec)$/i;

const candidate: NonNullable<Classifier['candidate']> = (diff) =>
  diff.status === 'tarball-only' && diff.tarball?.type === 'file' && diff.tarball.size <= MAX_BYTES && !READ_BEFORE_CONFIGURE.test(diff.path);

/** The tracked configure.ac (or configure.in) directories from `path`'s directory up, nearest first. */
function configureDirs(path: string, ctx: ClassifyContext): { dir: string; file: string }[] {
  const out: { dir: string; file: string }[] = [];
  for (let d = dirOf(path); ; d = dirOf(d)) {
    for (const name of ['configure.ac', 'configure.in']) {
      const file = d ? `${d}/${name}` : name;
      if (ctx.gitPaths.has(file)) {
        out.push({ dir: d, file });
        break;
      }
    }
    if (!d) return out;
  }
}

/** Each tracked configure.ac's unconditional listing, read and parsed once per run (every candidate file asks). */
const listings = new WeakMap<ClassifyContext, Map<string, Promise<Map<string, ConfigFileListing> | undefined>>>();
function listingOf(ctx: ClassifyContext, file: string): Promise<Map<string, ConfigFileListing> | undefined> {
  let byFile = listings.get(ctx);
  if (!byFile) listings.set(ctx, (byFile = new Map()));
  let got = byFile.get(file);
  if (!got) {
    got = ctx.content.git(file).then((ac) => (!ac || ac.length > MAX_BYTES ? undefined : unconditionalConfigFiles(ac.toString('latin1'))));
    byFile.set(file, got);
  }
  return got;
}

/**
 * A value naming a file the tarball ships, relative to the output's directory or the configure directory
 * (`SHELL = ../tests/files/x`, `Zdump=../../tests/payload`): the xz backdoor ran a shipped test file, and a value may
 * point a program at one. Tokens are the value's words (split at blanks, `=`, `:`, quotes); a token holding `$` is a
 * reference, not a path; an absolute path is the maintainer's machine's (`install_sh = ${SHELL} /home/…/install-sh`).
 */
export function namesShippedFile(value: string, outDir: string, configureDir: string, tarballPaths: ReadonlySet<string>): string | undefined {
  // a directory of the tarball has paths under it (paths.ts's shared index of the path set, not another one)
  const byDir = pathsBy('dir', tarballPaths);
  for (const token of value.split(/[\s='":]+/)) {
    if (!token || token.includes('$') || token.startsWith('/') || token === '.' || token === '..') continue;
    for (const base of [outDir, configureDir]) {
      const p = posix.normalize(base ? `${base}/${token}` : token).replace(/^\.\//, '');
      if (!p.startsWith('..') && tarballPaths.has(p) && !byDir.get(p)) return p;
    }
  }
  return undefined;
}

export const configuredOutputClassifier: Classifier = {
  id: 'configured-output',
  candidate,
  async classify(diff: PathDiff, ctx: ClassifyContext): Promise<Finding | undefined> {
    if (!admits(candidate, diff)) return undefined;
    const dirs = configureDirs(diff.path, ctx);
    if (!dirs.length) return undefined;
    const shipped = ctx.content.tarball(diff.path);
    if (!shipped || shipped.includes(0)) return undefined;
    for (const { dir, file } of dirs) {
      const rel = dir ? diff.path.slice(dir.length + 1) : diff.path;
      // the configure directory's own makefile is what `make` reads when nobody ran configure: not dead
      if (/^(?:[Mm]akefile|GNUmakefile)$/.test(rel)) return undefined;
      const listing = (await listingOf(ctx, file))?.get(rel);
      if (!listing) continue;
      if (listing.inputs.length !== 1) return undefined;
      const template = dir ? `${dir}/${listing.inputs[0]!}` : listing.inputs[0]!;
      if (template === diff.path) return undefined;
      const tracked = ctx.gitPaths.has(template);
      const text = tracked ? await ctx.content.git(template) : ctx.tarballPaths.has(template) ? ctx.content.tarball(template) : undefined;
      if (!text || text.length > MAX_BYTES || text.includes(0)) return undefined;
      const values = instantiationValues(text.toString('latin1'), shipped.toString('latin1'), `${rel}.  Generated from ${baseOf(listing.inputs[0]!)} by configure.`);
      if (!values || !values.size) return undefined;
      // a value config.status put in carries no construct (they are the maintainer's machine's: shown, not trusted)
      const valueText = [...values].map(([k, v]) => `${k} = ${v}`).join('\n');
      if (![...values].every(([name, v]) => plainValue(v, MAKEFILE_TEMPLATE.test(template), name)) || findConstructs(valueText, diff.path).length) return undefined;
      // no value pointing a program at a file the tarball ships
      if ([...values.values()].some((v) => namesShippedFile(v, dirOf(diff.path), dir, ctx.tarballPaths) !== undefined)) return undefined;
      const shown = Object.fromEntries([...values].filter(([, v]) => v !== '').slice(0, SHOWN_VALUES));
      return makeFinding('CONFIGURED_FILE_SHIPPED', diff.path, {
        template,
        templateTracked: tracked,
        configure: `${file}:${listing.line}`,
        placeholders: values.size,
        values: shown,
        ...(tracked ? {} : { tarballInputs: [template] }),
      });
    }
    return undefined;
  },
};
