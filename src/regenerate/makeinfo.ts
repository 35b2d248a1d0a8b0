/**
 * Plain text and Info that a tracked make rule renders with makeinfo from a tracked texinfo file (issue 11 d):
 * libtool's doc/notes.txt (`$(MAKEINFO) -P '$(srcdir)/doc' --no-headers $(MAKEINFOFLAGS) -o '$@' '$(notes_texi)'`).
 *
 *   rule      a rule of a tracked makefile fragment (the file's directory or above: Makefile.am, *.mk …) whose
 *             target names the tarball-only file, with one recipe command running `$(MAKEINFO)`, `makeinfo`
 *             or `texi2any` on one tracked .texi/.texinfo/.txi, `-o` the target. Options are read, never passed
 *             through: only --no-headers, --plaintext, --no-split, --no-number-sections, --enable-encoding,
 *             --disable-encoding, --fill-column, --paragraph-indent, --footnote-style, -I/-P DIR; anything else
 *             (another variable, a pipe, an unknown option) and nothing is run. $(MAKEINFOFLAGS), the user's
 *             variable, is empty as automake leaves it.
 *   run       the system's makeinfo in the bubblewrap sandbox (./sandbox.ts) on the tag's files of the source's
 *             directory and the -I/-P directories, from the fragment's directory, as make would.
 *   compare   byte for byte → MAKEINFO_OUTPUT_PROVED. Else, when the only differences are the Unicode
 *             punctuation makeinfo 7 writes for UTF-8 documents (‘ ’ “ ” •) where makeinfo 6 writes ASCII
 *             (' " *) → proved with that normalisation listed. Else, when the makeinfo that made the release
 *             is another version than ours (a sibling Info file says "produced by makeinfo version X"; or it is
 *             unknown), a content check: every text line of the shipped file is a run of consecutive words of
 *             the texinfo source (makeinfo refills paragraphs but keeps word order) → MAKEINFO_OUTPUT_TRACED,
 *             low, saying why it is not proved. Otherwise MAKEINFO_OUTPUT_MISMATCH, high, with the diff
 *             (critical when the added lines carry suspicious constructs).
 */
import { execFile } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { namesPath, rulesFor } from '../classify/make-stamp.js';
import { expandLoose } from '../util/makefile.js';
import { tryShellTokens } from '../util/shell-tokens.js';
import { baseOf, dirOf } from '../classify/paths.js';
import { findConstructs } from '../classify/suspicious.js';
import type { ClassifyContext, PostPass } from '../classify/types.js';
import { contentDiff } from '../compare/content-diff.js';
import type { Finding, MakeinfoNormalisation } from '../core/findings.js';
import { escalate, makeFinding } from '../core/severity.js';
import { addedLines } from './provenance.js';
import { repoPathIn } from '../util/makefile.js';
import { probeSandbox, runSandboxed } from './sandbox.js';

const MAX_BYTES = 4 * 1024 * 1024;
const MAX_INPUT_BYTES = 16 * 1024 * 1024;
const TEXI = /\.(?:texi|texinfo|txi)$/;
const SWITCHES = new Set(['--no-headers', '--plaintext', '--no-split', '--no-number-sections', '--enable-encoding', '--disable-encoding']);
const VALUED = new Set(['--fill-column', '--paragraph-indent', '--footnote-style']);

export interface MakeinfoInvocation {
  /** The options as read from the rule (-o and the source excluded). */
  options: string[];
  /** The texinfo source as a repository path. */
  source: string;
  /** The -I/-P directories as repository paths. */
  includeDirs: string[];
  /** The directory make runs the recipe in (the fragment's). */
  cwd: string;
  /** The source as the command names it (relative to cwd). */
  sourceArg: string;
  fragment: string;
}

/**
 * Shell words of a command (src/util/shell-tokens.ts, the one tokenizer) with only plain and single- or
 * double-quoted text: undefined for any operator, `$var`, command substitution, backslash, or an unquoted
 * glob or brace character (`* ? [ ] { }`).
 */
export function shellWords(cmd: string): string[] | undefined {
  const toks = tryShellTokens(cmd);
  if (!toks) return undefined;
  const out: string[] = [];
  for (const t of toks) {
    if ('op' in t) return undefined;
    let w = '';
    for (const g of t.word) {
      if (g.kind !== 'text' || g.quote === '\\' || (g.quote === '"' && g.text.includes('\\')) || (g.quote === '' && /[*?[\]{}]/.test(g.text))) return undefined;
      w += g.text;
    }
    out.push(w);
  }
  return out;
}

/**
 * The makeinfo invocation of one recipe command writing `path`; undefined when the command is not one this
 * module reads (see the header).
 */
export function readInvocation(command: string, path: string, target: string, vars: ReadonlyMap<string, string>, dir: string, fragment: string, gitPaths: ReadonlySet<string>): MakeinfoInvocation | undefined {
  let c = command.replace(/^(?:\s*(?:[@+-]|\$\(AM_V_[A-Za-z]+\)))+/, '');
  c = expandLoose(c.split('$@').join(target), vars, dir).replace(/\$\(MAKEINFOFLAGS\)|\$\{MAKEINFOFLAGS\}/g, ' ').replace(/^\s*(?:\$\(MAKEINFO\)|\$\{MAKEINFO\})(?=\s)/, 'makeinfo');
  const words = shellWords(c.trim());
  if (!words || !words.length || !['makeinfo', 'texi2any'].includes(words[0]!)) return undefined;
  const options: string[] = [];
  const includeDirs: string[] = [];
  let out: string | undefined;
  let source: string | undefined;
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (SWITCHES.has(w)) options.push(w);
    else if (VALUED.has(w.split('=')[0]!)) {
      if (w.includes('=')) options.push(w);
      else if (i + 1 < words.length) options.push(`${w}=${words[++i]}`);
      else return undefined;
      if (!/^--[a-z-]+=[\w-]+$/.test(options[options.length - 1]!)) return undefined;
    } else if (w === '-I' || w === '-P') {
      const d = words[++i];
      const rp = d === undefined ? undefined : repoPathIn(dir, d);
      if (rp === undefined) return undefined;
      includeDirs.push(rp);
      options.push(w, d!);
    } else if (w === '-o' || w === '--output') {
      out = words[++i];
    } else if (!w.startsWith('-') && TEXI.test(w) && source === undefined) {
      source = w;
    } else return undefined;
  }
  if (!out || !source || !(namesPath(dir, out, path) || namesPath('', out, path))) return undefined;
  const src = repoPathIn(dir, source);
  if (!src || !gitPaths.has(src)) return undefined;
  return { options, source: src, includeDirs, cwd: dir, sourceArg: source, fragment };
}

const UNICODE_PUNCTUATION: MakeinfoNormalisation = 'unicode-punctuation';

/** makeinfo 7's Unicode punctuation for UTF-8 documents, as makeinfo 6 writes it in ASCII. */
const PUNCTUATION: [RegExp, string][] = [
  [/[\u2018\u2019]/g, "'"],
  [/[\u201c\u201d]/g, '"'],
  [/\u2022/g, '*'],
];

/** `shipped` read with ASCII punctuation; undefined when that changes nothing. */
export function asciiPunctuation(shipped: string): string | undefined {
  let out = shipped;
  for (const [re, s] of PUNCTUATION) out = out.replace(re, s);
  return out === shipped ? undefined : out;
}

/** Words of a texinfo source with its @-commands dropped (their braces' content kept). */
function sourceWords(texi: string): string[] {
  return texi
    .replace(/^@c(?:omment)?\b.*$/gm, ' ')
    .replace(/@[a-zA-Z]+/g, ' ')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

const lineWords = (line: string) => line.split(/[^\p{L}\p{N}]+/u).filter(Boolean);

/**
 * Lines of `text` (with words) that are not a run of consecutive words of the texinfo source; makeinfo
 * refills paragraphs but keeps the words in order.
 */
export function untracedLines(text: string, texi: string): number[] {
  const words = sourceWords(texi);
  const at = new Map<string, number[]>();
  words.forEach((w, i) => {
    const l = at.get(w);
    if (l) l.push(i);
    else at.set(w, [i]);
  });
  const out: number[] = [];
  text.split('\n').forEach((line, n) => {
    const lw = lineWords(line);
    if (!lw.length) return;
    const found = (at.get(lw[0]!) ?? []).some((start) => lw.every((w, k) => words[start + k] === w));
    if (!found) out.push(n + 1);
  });
  return out;
}

/** The makeinfo that made the release, when a sibling Info file of the tarball says so. */
async function releaseMakeinfo(path: string, ctx: ClassifyContext): Promise<string | undefined> {
  const dir = dirOf(path);
  for (const p of [...ctx.tarballPaths].filter((x) => dirOf(x) === dir && /\.info(?:-\d+)?$/.test(x)).sort()) {
    const head = ctx.content.tarball(p)?.subarray(0, 512).toString('latin1');
    const v = head && /produced by makeinfo version (\d+(?:\.\d+)+)/.exec(head)?.[1];
    if (v) return v;
  }
  return undefined;
}

let systemVersion: Promise<string | undefined> | undefined;
/** The system's makeinfo version ("texi2any (GNU texinfo) 6.8"), or undefined. */
function systemMakeinfo(): Promise<string | undefined> {
  systemVersion ??= new Promise((resolve) => {
    execFile('makeinfo', ['--version'], { timeout: 10_000, env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' } }, (err, stdout) => {
      resolve(err ? undefined : /\(GNU texinfo\)\s+(\d+(?:\.\d+)+)/.exec(stdout)?.[1]);
    });
  });
  return systemVersion;
}

async function writeInputs(scratch: string, inv: MakeinfoInvocation, ctx: ClassifyContext): Promise<boolean> {
  const dirs = new Set([dirOf(inv.source), ...inv.includeDirs]);
  let total = 0;
  for (const p of ctx.gitPaths) {
    if (!dirs.has(dirOf(p))) continue;
    const b = await ctx.content.git(p);
    if (!b) continue;
    total += b.length;
    if (total > MAX_INPUT_BYTES) return false;
    mkdirSync(join(scratch, dirOf(p)), { recursive: true });
    writeFileSync(join(scratch, p), b);
  }
  mkdirSync(join(scratch, inv.cwd), { recursive: true });
  return true;
}

/** One tarball-only file rendered by makeinfo: the finding that replaces `f`, or undefined (f stays). */
async function proveOne(f: Finding, ctx: ClassifyContext): Promise<Finding | undefined> {
  const shipped = ctx.content.tarball(f.path);
  if (!shipped || shipped.length > MAX_BYTES || shipped.includes(0)) return undefined;
  let inv: MakeinfoInvocation | undefined;
  for (const rule of await rulesFor(f.path, ctx)) {
    const cmds = rule.recipe.filter((l) => /\$\(MAKEINFO\)|\bmakeinfo\b|\btexi2any\b/.test(l));
    if (cmds.length !== 1) continue;
    inv = readInvocation(cmds[0]!, f.path, rule.target, rule.vars, rule.dir, rule.fragment, ctx.gitPaths);
    if (inv) break;
  }
  if (!inv) return undefined;
  const version = await systemMakeinfo();
  const released = await releaseMakeinfo(f.path, ctx);
  const texi = (await ctx.content.git(inv.source))?.toString('utf8') ?? '';
  const command = ['makeinfo', ...inv.options, '-o', posix.relative(inv.cwd || '.', f.path), inv.sourceArg];
  const base = { source: inv.source, rule: inv.fragment, command, ...(inv.cwd ? { cwd: inv.cwd } : {}), ...(released ? { releaseVersion: released } : {}) };
  const traced = (why: 'version-differs' | 'not-run') => {
    const missing = untracedLines(shipped.toString('utf8'), texi);
    return missing.length ? undefined : makeFinding('MAKEINFO_OUTPUT_TRACED', f.path, { ...base, why, ...(version ? { version } : {}), lines: shipped.toString('utf8').split('\n').filter((l) => lineWords(l).length).length });
  };
  if (!ctx.regeneration || ctx.regeneration.status === 'off' || !version) return traced('not-run');
  const sandbox = await probeSandbox();
  if (!sandbox.ok) return traced('not-run');
  const scratch = mkdtempSync(join(tmpdir(), 'distdiff-makeinfo-'));
  let made: Buffer | undefined;
  try {
    if (!(await writeInputs(scratch, inv, ctx))) return traced('not-run');
    const r = await runSandboxed(sandbox.bwrap, { scratch, argv: command, ...(inv.cwd ? { cwd: inv.cwd } : {}), env: { LC_ALL: 'C.UTF-8' }, limits: { wallMs: 60_000, cpuSeconds: 60 } });
    const outPath = join(scratch, f.path);
    if (r.code === 0) {
      try {
        if (lstatSync(outPath).isFile()) made = readFileSync(outPath);
      } catch {
        made = undefined;
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (made?.equals(shipped)) return makeFinding('MAKEINFO_OUTPUT_PROVED', f.path, { ...base, version, normalisations: [] });
  const ascii = asciiPunctuation(shipped.toString('utf8'));
  if (made && ascii !== undefined && Buffer.from(ascii, 'utf8').equals(made)) return makeFinding('MAKEINFO_OUTPUT_PROVED', f.path, { ...base, version, normalisations: [UNICODE_PUNCTUATION] });
  if (released !== version) {
    const t = traced('version-differs');
    if (t) return t;
  }
  // Shipped with makeinfo 7's punctuation and made here in ASCII: the diff is taken against the shipped text read in
  // ASCII (listed), so that what differs beyond the punctuation stands out.
  const madeText = made?.toString('utf8') ?? '';
  const readAscii = ascii !== undefined && !!made && asciiPunctuation(madeText) === undefined;
  const against = readAscii ? Buffer.from(ascii, 'utf8') : shipped;
  const diff = contentDiff(f.path, made ?? Buffer.alloc(0), against, {}, { labels: ['regenerated', 'tarball'] });
  const added = made ? addedLines(madeText, against.toString('utf8')) : undefined;
  const constructs = findConstructs(shipped.toString('utf8'), f.path).filter((c) => !added || added.has(c.line));
  const differingLines = added?.size ?? 0;
  const mismatch = makeFinding('MAKEINFO_OUTPUT_MISMATCH', f.path, { ...base, version, produced: !!made, differingLines, normalisations: readAscii ? [UNICODE_PUNCTUATION] : [] }, { ...(constructs.length ? { constructs } : {}), diff });
  return constructs.length ? escalate(mismatch, 'critical', 'suspicious-constructs') : mismatch;
}

/** Tracked makefile fragments read at once (see makeinfoFindings). */
const READ_WINDOW = 64;

/** A makefile fragment's path (its base name GNUmakefile, Makefile, makefile, Makefile.am, or *.mk / *.am): one test of the whole path, no base name cut out of each of the tree's paths. */
const FRAGMENT_PATH = /(?:^|\/)(?:GNUmakefile|[Mm]akefile(?:\.am)?)$|\.(?:mk|am)$/;

/** Replaces the findings of tarball-only files a tracked rule renders with makeinfo. */
export async function makeinfoFindings(findings: Finding[], ctx: ClassifyContext): Promise<Finding[]> {
  // Tested per finding, not collected: no array of every tarball-only finding, and no linear search in it
  // per finding (quadratic with many tarball-only files).
  const candidate = (f: Finding) => f.code === 'TARBALL_ONLY_UNEXPLAINED' && !TEXI.test(f.path) && !/\.(?:html?|pdf|dvi|ps)$/.test(baseOf(f.path));
  if (!findings.some(candidate)) return findings;
  // Only files whose name a tracked makefile fragment running makeinfo mentions (one read of each fragment).
  // Read a window at a time: git cat-file answers a window of requests in one stream instead of one round
  // trip per fragment (the kernel has 2,792 makefiles: 0.23 s of waiting, one at a time).
  // A rule qualifies only when it runs makeinfo on a tracked texinfo source (readInvocation): a tree without
  // one has nothing to prove, and its fragments are not read (the Linux kernel: 2,792 makefiles, no .texi).
  const texts: string[] = [];
  const fragments: string[] = [];
  let texinfo = false;
  ctx.gitPaths.forEach((p) => {
    if (FRAGMENT_PATH.test(p)) fragments.push(p);
    else if (!texinfo && TEXI.test(p)) texinfo = true;
  });
  if (!texinfo) return findings;
  fragments.sort();
  for (let i = 0; i < fragments.length; i += READ_WINDOW) {
    const read = await Promise.all(fragments.slice(i, i + READ_WINDOW).map((p) => ctx.content.git(p)));
    for (const b of read) {
      if (!b || b.length > MAX_BYTES) continue;
      const t = b.toString('latin1');
      if (/\$\(MAKEINFO\)|\bmakeinfo\b|\btexi2any\b/.test(t)) texts.push(t);
    }
  }
  if (!texts.length) return findings;
  const out = [...findings];
  for (let i = 0; i < out.length; i++) {
    const f = out[i]!;
    if (!candidate(f) || !texts.some((t) => t.includes(baseOf(f.path)))) continue;
    const proved = await proveOne(f, ctx);
    if (proved) out[i] = proved;
  }
  return out;
}

export const makeinfoPostPass: PostPass = { id: 'makeinfo', run: makeinfoFindings };
