/**
 * Suspicious build constructs: the shell/m4 idioms the xz-utils 2024 backdoor used to find, decode and
 * run its payload (a recursive binary grep over $srcdir, a tr byte swap, a pipe into a decompressor,
 * byte slicing, `eval … | $SHELL 2>/dev/null`), plus the obvious relatives (base64 decoding,
 * download-and-run). The scanner is line based and deliberately narrow: `eval`, `tr` and `grep` alone are
 * everyday autoconf idioms and never fire by themselves.
 *
 * The post pass scans only build-affecting files that nothing explained, then follows a flagged m4
 * file's distinctive identifiers into the generated `configure` / `aclocal.m4`.
 */
import { makeFinding, type Construct, type ConstructKind, type Finding, type FindingCode } from '../core/findings.js';
import { severityRank, type Severity } from '../core/types.js';
import { isBuildAffecting } from './build-affecting.js';
import type { ClassifyContext, PostPass } from './types.js';

/** At most this many constructs are reported per file. */
export const MAX_CONSTRUCTS = 100;
const MAX_TEXT = 200;

// ---------------------------------------------------------------------------------------------
// Line scanner

const SRCDIR_REF = /\$\{?(?:ac_|ac_abs_|abs_|top_|ac_top_|abs_top_)?srcdir\b|\$\((?:abs_|top_|abs_top_)?srcdir\)|(?:^|[\s=])srcdir\b/;

/** Shell words that start a grep invocation. */
const GREP_CMD = /(?:^|[\s|;&(`'"{])(?:\$\{?(?:GREP|EGREP|FGREP)\}?|(?:\/usr)?(?:\/bin\/)?[ef]?grep)(?=[\s'"]|$)/g;
/** Short grep options that take an argument: the rest of a cluster is that argument. */
const GREP_ARG_OPTS = new Set(['e', 'f', 'm', 'A', 'B', 'C', 'd', 'D']);

interface GrepFlags {
  recursive: boolean;
  binary: boolean;
}

function grepFlags(line: string): GrepFlags {
  const flags: GrepFlags = { recursive: false, binary: false };
  GREP_CMD.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = GREP_CMD.exec(line)) !== null) {
    const tokens = shellWords(line.slice(m.index + m[0].length));
    for (let i = 0; i < tokens.length; i++) {
      const tok = tokens[i]!;
      if (tok === '--') break; // end of options
      if (tok === '--recursive' || tok === '--dereference-recursive' || tok === '--directories=recurse') flags.recursive = true;
      else if (tok === '--text' || tok === '--binary-files=text') flags.binary = true;
      else if (/^-[A-Za-z]+$/.test(tok)) {
        for (let j = 1; j < tok.length; j++) {
          const c = tok[j]!;
          if (c === 'r' || c === 'R') flags.recursive = true;
          else if (c === 'a') flags.binary = true;
          if (GREP_ARG_OPTS.has(c)) {
            const last = j + 1 >= tok.length;
            const arg = last ? (tokens[i + 1] ?? '') : tok.slice(j + 1);
            if (c === 'd' && arg.startsWith('recurse')) flags.recursive = true;
            if (last) i++; // the next word is this option's argument
            break;
          }
        }
      }
    }
  }
  return flags;
}

// ---- tr ----

/** Apply shell quoting rules to one word; returns the word as the command sees it. */
function shellWords(s: string): string[] {
  const words: string[] = [];
  let cur = '';
  let has = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      if (has) words.push(cur);
      cur = '';
      has = false;
      i++;
      continue;
    }
    if (c === '|' || c === ';' || c === '`' || c === ')' || c === '>' || c === '<' || c === '&') break;
    has = true;
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      cur += end === -1 ? s.slice(i + 1) : s.slice(i + 1, end);
      i = end === -1 ? s.length : end + 1;
    } else if (c === '"') {
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length && '\\"$`'.includes(s[i + 1]!)) {
          cur += s[i + 1];
          i += 2;
        } else cur += s[i++];
      }
      i++;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[i + 1];
      i += 2;
    } else {
      cur += c;
      i++;
    }
  }
  if (has) words.push(cur);
  return words;
}

/** Expand a tr SET (escapes, ranges, classes) into a list of elements; classes stay opaque. */
export function expandTrSet(set: string): string[] {
  // Atoms remember whether they were escaped: "\-" is a literal dash, never a range operator.
  const atoms: { ch: string; escaped: boolean }[] = [];
  let i = 0;
  while (i < set.length) {
    const cls = /^\[:(\w+):\]/.exec(set.slice(i));
    if (cls) {
      atoms.push({ ch: `[:${cls[1]}:]`, escaped: true });
      i += cls[0].length;
      continue;
    }
    const c = set[i]!;
    if (c === '\\' && i + 1 < set.length) {
      const oct = /^[0-7]{1,3}/.exec(set.slice(i + 1));
      if (oct) {
        atoms.push({ ch: String.fromCharCode(parseInt(oct[0], 8) & 0xff), escaped: true });
        i += 1 + oct[0].length;
        continue;
      }
      const e = set[i + 1]!;
      const map: Record<string, string> = { t: '\t', n: '\n', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v' };
      atoms.push({ ch: map[e] ?? e, escaped: true });
      i += 2;
      continue;
    }
    atoms.push({ ch: c, escaped: false });
    i++;
  }
  const out: string[] = [];
  for (let k = 0; k < atoms.length; k++) {
    const a = atoms[k]!;
    const dash = atoms[k + 1];
    const b = atoms[k + 2];
    if (dash && b && dash.ch === '-' && !dash.escaped && a.ch.length === 1 && b.ch.length === 1) {
      const lo = a.ch.charCodeAt(0);
      const hi = b.ch.charCodeAt(0);
      if (hi >= lo) {
        for (let x = lo; x <= hi && out.length < 4096; x++) out.push(String.fromCharCode(x));
        k += 2;
        continue;
      }
    }
    out.push(a.ch);
  }
  return out;
}

const TR_CMD = /(?:^|[\s|;&(`'"{=])(?:\$\{?TR\}?|(?:\/usr)?(?:\/bin\/)?tr)(?=\s)/g;

function isUnprintable(ch: string): boolean {
  const c = ch.length === 1 ? ch.charCodeAt(0) : 0x41;
  return c < 9 || (c > 13 && c < 32) || c >= 127;
}

function trSwap(line: string): boolean {
  TR_CMD.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TR_CMD.exec(line)) !== null) {
    const words = shellWords(line.slice(m.index + m[0].length));
    let k = 0;
    let deleteOrSqueezeOnly = false;
    while (k < words.length && /^-[cCdst]+$/.test(words[k]!)) {
      if (/[ds]/.test(words[k]!)) deleteOrSqueezeOnly = true;
      k++;
    }
    const set1 = words[k];
    const set2 = words[k + 1];
    if (set1 === undefined || set2 === undefined) continue;
    if (deleteOrSqueezeOnly && words[k]!.length === 0) continue;
    if (/[$`]/.test(set1) || /[$`]/.test(set2)) continue; // variables: cannot tell
    const a = expandTrSet(set1);
    const b = expandTrSet(set2);
    // Byte mapping: a set covering control or high bytes (e.g. '\000-\377').
    if (a.filter(isUnprintable).length >= 16) return true;
    // Character swap: SET2 is a reordering of SET1 (e.g. "\t \-_" -> " \t_\-", rot13).
    if (a.length >= 2 && a.length === b.length && a.join('') !== b.join('')) {
      const sa = [...a].sort().join('\u0001');
      const sb = [...b].sort().join('\u0001');
      if (sa === sb) return true;
    }
  }
  return false;
}

// ---- the rest: regular expressions over one logical line ----

const SHELL_TARGET = String.raw`(?:\$\{?(?:SHELL|CONFIG_SHELL|BASH|SH)\}?|(?:/usr)?(?:/bin/)?(?:ba|da|k|z)?sh)(?=[\s)'"\x60;]|2>|$)`;
const PIPE_TO_SHELL = new RegExp(String.raw`\|\s*(?:exec\s+|sudo\s+)?` + SHELL_TARGET);
const PIPE_TO_SHELL_SILENCED = new RegExp(String.raw`\|\s*(?:exec\s+|sudo\s+)?` + SHELL_TARGET + String.raw`[^|;&]*2>\s*/dev/null`);
const DOWNLOADER = /(?:^|[\s|;&(`'"$])(?:curl|wget|fetch|aria2c)\s/;
const SHELL_OF_DOWNLOAD = /\b(?:ba|z|da|k)?sh\s+(?:-c\s+)?["']?(?:\$\(|<\(|`)\s*(?:curl|wget|fetch)\b/;

const DECOMPRESSOR_NAMED = /\|\s*(?:[A-Za-z_]\w*=\S*\s+)*(?:\S*\/)?(?:xz|lzma|gzip|bzip2|zstd|lz4|lzip|lzop|brotli|pigz|pixz|pbzip2|compress)\b[^|;&]*?\s(?:-[a-zA-Z]*d[a-zA-Z]*\b|--decompress|--uncompress)/;
const DECOMPRESSOR_ALIAS = /\|\s*(?:[A-Za-z_]\w*=\S*\s+)*(?:\S*\/)?(?:unxz|unlzma|gunzip|zcat|gzcat|xzcat|lzcat|bzcat|bunzip2|unzstd|zstdcat|unlz4|lz4cat|uncompress)(?=[\s)'"`;|]|$)/;
/** `| $var -d`: a variable used as the decompressor (xz: the matched file's extension). */
const DECOMPRESSOR_VAR = /\|\s*\$\{?([\w[\]$]+?)\}?\s+(?:-[a-zA-Z]*d[a-zA-Z]*\b|--decompress)/;
/** Variables that commonly take -d for reasons other than decompression. */
const NOT_DECOMPRESSOR_VAR = /(?:tr|sed|awk|grep|cut|sort|uniq|mkdir_p|mkdir|rm|od|head|tail|xargs|find|echo|date|diff|cmp|wc|paste|join|expr|printf|ls|ln|cp|mv|install|gcc|cc|cxx|cpp|ld|ar|nm|ranlib|strip|objdump|perl|python|java|sdkmanager)(?:_?(?:cmd|prog|program|bin|path|exe))?$/i;

const HEAD_TAIL_BYTES = /(?:^|[\s|;&(`'"])(?:head|tail)\s+(?:-[a-zA-Z]*c\s*(\+?\d+)?|--bytes(?:[=\s]+(\+?\d+))?)/;
const DD_SKIP = /(?:^|[\s|;&(`'"])dd\s[^|;]*\b(?:skip|iseek)=|\bskip_bytes\b/;
/** Reads of random/zero devices and tiny header probes (gettext's ELF-class check reads one byte) are not slicing. */
const BENIGN_BYTES_SOURCE = /\/dev\/(?:u?random|zero)\b/;
const SMALL_PROBE = 16;

function byteSlicing(t: string): boolean {
  if (BENIGN_BYTES_SOURCE.test(t)) return false;
  const ht = HEAD_TAIL_BYTES.exec(t);
  if (ht) {
    const n = ht[1] ?? ht[2];
    if (n === undefined || Math.abs(parseInt(n, 10)) > SMALL_PROBE) return true;
  }
  if (DD_SKIP.test(t)) {
    const bs = /\bi?bs=(\d+)\b/.exec(t);
    const count = /\bcount=(\d+)\b/.exec(t);
    if (!(bs && count && parseInt(bs[1]!, 10) * parseInt(count[1]!, 10) <= SMALL_PROBE)) return true;
  }
  return false;
}
const BASE64 = /(?:^|[\s|;&(`'"])(?:base64\s+(?:[^|;&]*\s)?(?:-[a-zA-Z]*[dD]\b|--decode)|openssl\s+(?:enc|base64|aes-\S+|des\S*|bf\S*)\s[^|;&]*-(?:d|base64\s+-d)\b|uudecode\b|b64decode\b)/;
const SED_AS_CAT = /\bsed\s+(?:-[a-zA-Z]+\s+)*\\?["']\s*r\s*\\{1,2}n\s*\\?["']/;
const FIXTURE = /(?:^|[\s"'=/(\[])(?:tests?\/(?:files|data|fixtures|testdata)|testdata|test-data|test_data)\/[\w.\/+-]*\.(?:xz|lzma|lz|gz|bz2|zst|bin|dat|7z|z)(?![\w])/i;

/** Files that list test fixtures as a matter of course (EXTRA_DIST, install rules). */
function listsFixtures(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  return /^(?:gnu)?makefile(?:\.am|\.in)?$/.test(base) || /\.(?:mk|mak|cmake)$/.test(base) ||
    base === 'cmakelists.txt' || base === 'meson.build';
}

function bound(s: string): string {
  const t = s.trim();
  return t.length > MAX_TEXT ? `${t.slice(0, MAX_TEXT - 1)}…` : t;
}

interface LogicalLine {
  line: number;
  text: string;
}

function logicalLines(text: string): LogicalLine[] {
  const raw = text.split('\n');
  const out: LogicalLine[] = [];
  for (let i = 0; i < raw.length; i++) {
    const start = i;
    let t = raw[i]!.replace(/\r$/, '');
    while (t.endsWith('\\') && !t.endsWith('\\\\') && i + 1 < raw.length && out.length < 1e7) {
      i++;
      t = `${t.slice(0, -1)} ${raw[i]!.replace(/\r$/, '')}`;
    }
    out.push({ line: start + 1, text: t });
  }
  return out;
}

/** A `case` pattern list such as `arc | bfin | sh | sparc)`: `sh` is a CPU there, not a shell. */
const CASE_PATTERN = /^\s*\(?\s*[\w*?.[\]-]+(?:\s*\|\s*[\w*?.[\]-]+)+\s*\)/;

/** A cheap prefilter: lines without any of these substrings cannot match. */
const PREFILTER = /grep|GREP|tr|TR|\||head|tail|dd|base64|openssl|uudecode|sed|test|curl|wget|fetch/;

/**
 * Scan shell/m4/make text for suspicious constructs. Comment lines (`#`, `dnl`) are skipped: they are
 * not executed. Each kind is reported at most once per line; at most MAX_CONSTRUCTS in total.
 */
export function findConstructs(text: string, path: string): Construct[] {
  const out: Construct[] = [];
  const fixturesNormal = listsFixtures(path);
  for (const { line, text: t } of logicalLines(text)) {
    if (out.length >= MAX_CONSTRUCTS) break;
    const trimmed = t.trimStart();
    if (trimmed.startsWith('#') || /^dnl\b/.test(trimmed)) continue;
    if (!PREFILTER.test(t)) continue;
    const kinds: ConstructKind[] = [];
    const g = grepFlags(t);
    const srcdir = SRCDIR_REF.test(t);
    if (g.recursive && srcdir) kinds.push('recursive-grep-srcdir');
    if (g.binary && (srcdir || g.recursive)) kinds.push('binary-grep');
    if (trSwap(t)) kinds.push('tr-byte-swap');
    if (DECOMPRESSOR_NAMED.test(t) || DECOMPRESSOR_ALIAS.test(t)) kinds.push('pipe-to-decompressor');
    else {
      const v = DECOMPRESSOR_VAR.exec(t);
      if (v && !NOT_DECOMPRESSOR_VAR.test(v[1]!.replace(/[[\]$]/g, ''))) kinds.push('pipe-to-decompressor');
    }
    if (byteSlicing(t)) kinds.push('byte-slicing');
    const download = (DOWNLOADER.test(t) && PIPE_TO_SHELL.test(t)) || SHELL_OF_DOWNLOAD.test(t);
    if (download) kinds.push('download-to-shell');
    else if (PIPE_TO_SHELL.test(t) && !CASE_PATTERN.test(t)) kinds.push('eval-pipe-shell');
    if (PIPE_TO_SHELL_SILENCED.test(t) && !CASE_PATTERN.test(t)) kinds.push('stderr-silenced-shell');
    if (!fixturesNormal && FIXTURE.test(t)) kinds.push('test-fixture-reference');
    if (BASE64.test(t)) kinds.push('base64-decode');
    if (SED_AS_CAT.test(t)) kinds.push('sed-read-as-cat');
    for (const kind of kinds) {
      if (out.length >= MAX_CONSTRUCTS) break;
      out.push({ kind, line, text: bound(t) });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Post pass

const UNEXPLAINED: ReadonlySet<FindingCode> = new Set(['TARBALL_ONLY_UNEXPLAINED', 'SOURCE_MODIFIED']);
const UNKNOWN_UPSTREAM: ReadonlySet<FindingCode> = new Set(['UPSTREAM_COPY_UNKNOWN_VERSION', 'SERIAL_AHEAD_OF_UPSTREAM']);
const VARIANT: ReadonlySet<FindingCode> = new Set(['UPSTREAM_COPY_VARIANT']);

function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

function raised(f: Finding): Severity {
  if (UNKNOWN_UPSTREAM.has(f.code)) return 'critical';
  if (VARIANT.has(f.code)) return maxSeverity(f.severity, 'high');
  // Unexplained build-affecting files are high/critical already: one step up, at least high.
  const up: Record<Severity, Severity> = { info: 'high', low: 'high', medium: 'high', high: 'critical', critical: 'critical' };
  return up[f.severity];
}

function isText(buf: Buffer): boolean {
  return !buf.subarray(0, 8192).includes(0);
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/g;
const AUTOCONF_PREFIX = /^(?:ac_|as_|am_|lt_|_lt_|AC_|AM_|AS_|AH_|AU_|LT_|_LT_|_AC_|_AM_|_AS_|m4_|_m4_)/;
const STOP = new Set([
  'srcdir', 'top_srcdir', 'abs_srcdir', 'abs_top_srcdir', 'builddir', 'top_builddir', 'abs_builddir',
  'abs_top_builddir', 'exec_prefix', 'dev_null', 'bin_dir', 'with_gnu_ld', 'host_os', 'build_os',
  'target_os', 'host_cpu', 'build_cpu', 'cross_compiling', 'install_sh', 'dev_urandom',
]);

/** Identifiers worth following into configure: distinctive, lower-case shell names of the flagged lines. */
export function distinctiveIdentifiers(text: string, constructs: readonly Construct[]): string[] {
  const lines = text.split('\n');
  const ids = new Set<string>();
  const consider = (s: string, requireLower: boolean) => {
    for (const m of s.matchAll(IDENT)) {
      const id = m[0];
      if (id.length < 6 || !id.includes('_') || id.startsWith('_') || id.endsWith('_')) continue;
      if (requireLower && !/[a-z]/.test(id)) continue;
      if (AUTOCONF_PREFIX.test(id) || STOP.has(id)) continue;
      ids.add(id);
    }
  };
  for (const c of constructs) consider(lines[c.line - 1] ?? '', true);
  for (const m of text.matchAll(/AC_DEFUN(?:_ONCE)?\(\s*\[?([A-Za-z_][A-Za-z0-9_]*)/g)) consider(m[1]!, false);
  return [...ids].sort();
}

function countWord(haystack: string, word: string): number {
  const re = new RegExp(`(?<![A-Za-z0-9_])${word}(?![A-Za-z0-9_])`, 'g');
  let n = 0;
  while (re.exec(haystack) !== null) n++;
  return n;
}

/** Text of git's own macro sources (configure.ac/in, *.m4), bounded: identifiers found there are not distinctive. */
async function gitMacroCorpus(ctx: ClassifyContext): Promise<string> {
  const parts: string[] = [];
  let files = 0;
  let bytes = 0;
  for (const p of ctx.gitPaths) {
    if (!/(?:^|\/)configure\.(?:ac|in)$|\.m4$/.test(p)) continue;
    if (files >= 2000 || bytes >= 64 * 1024 * 1024) break;
    const b = await ctx.content.git(p);
    if (!b) continue;
    files++;
    bytes += b.length;
    parts.push(b.toString('latin1'));
  }
  return parts.join('\n');
}

const GENERATED_TARGET = /(?:^|\/)(?:configure|aclocal\.m4)$/;

export const suspiciousPostPass: PostPass = {
  id: 'suspicious-constructs',
  async run(findings, ctx) {
    const out = [...findings];
    const flaggedM4: { path: string; text: string; constructs: Construct[]; severity: Severity }[] = [];
    for (let i = 0; i < out.length; i++) {
      const f = out[i]!;
      if (!UNEXPLAINED.has(f.code) && !UNKNOWN_UPSTREAM.has(f.code) && !VARIANT.has(f.code)) continue;
      if (!isBuildAffecting(f.path)) continue;
      const buf = ctx.content.tarball(f.path);
      if (!buf || !isText(buf)) continue;
      const text = buf.toString('latin1');
      let constructs = findConstructs(text, f.path);
      if (constructs.length && f.code === 'SOURCE_MODIFIED') {
        // Only constructs the tarball added count: the same line in git is the project's own code.
        const g = await ctx.content.git(f.path);
        if (g) {
          const known = new Set(findConstructs(g.toString('latin1'), f.path).map((c) => `${c.kind}\0${c.text}`));
          constructs = constructs.filter((c) => !known.has(`${c.kind}\0${c.text}`));
        }
      }
      if (!constructs.length) continue;
      const severity = raised(f);
      out[i] = { ...f, severity, constructs } as Finding;
      if (/\.m4$/.test(f.path) && !/(?:^|\/)aclocal\.m4$/.test(f.path)) flaggedM4.push({ path: f.path, text, constructs, severity });
    }
    if (!flaggedM4.length) return out;

    // Cross-file: does a generated file carry the flagged macro's code?
    const corpus = await gitMacroCorpus(ctx);
    const markerSets = flaggedM4
      .map((m) => ({ ...m, markers: distinctiveIdentifiers(m.text, m.constructs).filter((id) => countWord(corpus, id) === 0) }))
      .filter((m) => m.markers.length > 0);
    for (let i = 0; i < out.length; i++) {
      const f = out[i]!;
      if (!GENERATED_TARGET.test(f.path) || f.code === 'CARRIES_SUSPICIOUS_EXPANSION') continue;
      const buf = ctx.content.tarball(f.path);
      if (!buf) continue;
      const text = buf.toString('latin1');
      let best: { macroFile: string; markers: string[]; occurrences: number; severity: Severity } | undefined;
      for (const m of markerSets) {
        if (m.path === f.path) continue;
        let occurrences = 0;
        const hit: string[] = [];
        for (const id of m.markers) {
          const n = countWord(text, id);
          if (n > 0) {
            hit.push(id);
            occurrences += n;
          }
        }
        if (occurrences > 0 && (!best || occurrences > best.occurrences))
          best = { macroFile: m.path, markers: hit, occurrences, severity: m.severity };
      }
      if (!best) continue;
      const severity = maxSeverity(maxSeverity(f.severity, 'high'), best.severity === 'critical' ? 'critical' : 'high');
      const lines = text.split('\n');
      const markerRe = new RegExp(`(?<![A-Za-z0-9_])(?:${best.markers.join('|')})(?![A-Za-z0-9_])`);
      const constructs = findConstructs(text, f.path).filter((c) => markerRe.test(lines[c.line - 1] ?? ''));
      out[i] = makeFinding(
        'CARRIES_SUSPICIOUS_EXPANSION',
        f.path,
        severity,
        { macroFile: best.macroFile, markers: best.markers, occurrences: best.occurrences },
        {
          ...(constructs.length ? { constructs } : {}),
          ...(f.diff ? { diff: f.diff } : {}),
          ...(f.degraded ? { degraded: f.degraded } : {}),
        },
      );
    }
    return out;
  },
};
