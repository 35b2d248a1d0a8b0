/**
 * CPAN distributions (ExtUtils::MakeMaker's `make dist`, Dist::Zilla, Module::Build): the files the release
 * tool writes, each explained only with evidence from the archive and the tracked tree.
 *
 *   MANIFEST        its list of files equals, as a set, the archive's files (every file listed is shipped,
 *                   every shipped file is listed: ExtUtils::Manifest's format, `#` comment lines and
 *                   trailing comments aside).
 *   META.json/.yml  the CPAN::Meta file installers read prerequisites from: valid (JSON / the YAML subset
 *                   CPAN::Meta::YAML writes), no NUL, its name and version the archive's (`Name-Version/`
 *                   top directory), and every prerequisite of the configure/build/test/runtime phases
 *                   declared: a required one named in a tracked Makefile.PL, Build.PL, dist.ini, cpanfile or
 *                   maint/ file, or on a `use`/`require`/`no` line of a Perl file (tracked, or shipped and
 *                   reported on its own: Dist::Zilla's AutoPrereqs reads those); a recommended/suggested one
 *                   (installed only on request) mentioned by such a file. `develop` and `x_*` phases (the
 *                   author's plugins) are not installed by installers and not checked.
 *   README          Dist::Zilla's [Readme] template filled with the META file's name, version and abstract (written in
 *                   the tracked main module) and Software::License's notice (holder and year as for LICENSE);
 *                   or the POD of a shipped module rendered as text (`pod2text`): its words, in order, are
 *                   the POD's text words.
 *   munged Perl     a shipped .pm/.pl/.t/.PL changed from git only as Dist::Zilla's munging plugins change
 *                   one (CPAN_MUNGED): whole POD blocks commented out as `#pod` lines (PodWeaver's
 *                   replace_with_comment), POD lines added inside git's own POD or after git's `__END__`
 *                   (a module's, never a script's: a script reads what follows __END__ as DATA), woven POD
 *                   appended to a module after an added `__END__`, the `# COPYRIGHT` comment expanded into
 *                   comment lines (InsertCopyright), ` # git description: …` after the `package` line
 *                   (Git::Describe), an `our $VERSION = '<release>';` line after a `package` line or for a
 *                   `# VERSION` comment (OurPkgVersion/PkgVersion), and the MakeMaker/ModuleBuild plugins'
 *                   "automatically generated" banner as Makefile.PL's / Build.PL's first line. Any other
 *                   changed line — code — is not explained (SOURCE_MODIFIED stays).
 *
 * Not explained (they stay high): files a Dist::Zilla plugin writes from its own template (Makefile.PL when
 * git has none, t/00-report-prereqs.t, xt/author/*.t: code installers run), LICENSE (Software::License text:
 * no copy of those texts is kept here).
 */
import { dzilTemplate } from './cpan-templates.js';
import { allowedHolders, allowedYear, matchLicense, matchNotice, metaLicenseAuthors } from './cpan-license.js';
import { diffArrays } from 'diff';
import type { Finding, CpanMungeKind } from '../core/findings.js';
import { makeFinding } from '../core/severity.js';
import type { PathDiff } from '../core/types.js';
import type { Classifier, ClassifyContext } from '../classify/types.js';
import type { ProfileInfo } from './types.js';

/** ExtUtils::Manifest's reading of a MANIFEST: the listed paths (quoted names with `\\` escapes; comments dropped). */
export function manifestPaths(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+$/, '');
    if (!line || /^\s*#/.test(line)) continue;
    if (line.startsWith("'")) {
      const m = /^'((?:\\.|[^'\\])*)'/.exec(line);
      if (m) {
        out.push(m[1]!.replace(/\\(.)/g, '$1'));
        continue;
      }
    }
    out.push(/^(\S+)/.exec(line)![1]!);
  }
  return out;
}

/** Whether MANIFEST lists exactly the archive's files (regular files and links; directories are never listed). */
export function manifestMatches(text: string, shipped: ReadonlySet<string>): boolean {
  const listed = new Set(manifestPaths(text));
  if (!listed.size || listed.size !== shipped.size) return false;
  for (const p of listed) if (!shipped.has(p)) return false;
  return true;
}

export interface CpanMeta {
  name?: string;
  version?: string;
  abstract?: string;
  /** Module names of the configure/build/test/runtime prerequisites an installer installs (requires). */
  prereqs: string[];
  /** … and those it installs only when asked (recommends, suggests). */
  optional: string[];
}

const PHASES = new Set(['configure', 'build', 'test', 'runtime']);
const RELATIONS = new Set(['requires', 'recommends', 'suggests']);

/** The JSON text's top-level object; undefined when it is not JSON or not an object (META.json, read three ways below). */
function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** META.json (CPAN::Meta spec 2); undefined when it is not a JSON object. */
export function parseMetaJson(text: string): CpanMeta | undefined {
  const o = jsonObject(text);
  if (!o) return undefined;
  const s = (x: unknown) => (typeof x === 'string' ? x : typeof x === 'number' ? String(x) : undefined);
  const prereqs: string[] = [];
  const optional: string[] = [];
  const p = o.prereqs;
  if (p !== undefined && (typeof p !== 'object' || p === null || Array.isArray(p))) return undefined;
  for (const [phase, rels] of Object.entries((p ?? {}) as Record<string, unknown>)) {
    if (!PHASES.has(phase)) continue;
    if (!rels || typeof rels !== 'object') return undefined;
    for (const [rel, mods] of Object.entries(rels as Record<string, unknown>)) {
      if (!RELATIONS.has(rel)) continue;
      if (!mods || typeof mods !== 'object') return undefined;
      (rel === 'requires' ? prereqs : optional).push(...Object.keys(mods as Record<string, unknown>));
    }
  }
  return { name: s(o.name), version: s(o.version), abstract: s(o.abstract), prereqs, optional };
}

/** META.json's resources.repository (url or web), for the report. */
export function cpanRepository(text: string): string | undefined {
  try {
    const r = (JSON.parse(text) as { resources?: { repository?: { url?: unknown; web?: unknown } } }).resources?.repository;
    const u = typeof r?.url === 'string' ? r.url : typeof r?.web === 'string' ? r.web : undefined;
    return u || undefined;
  } catch {
    return undefined;
  }
}

const YAML_PREREQ_KEYS = new Set(['requires', 'build_requires', 'configure_requires', 'test_requires', 'recommends']);
const unquote = (v: string) => v.replace(/^'(.*)'$/, (_m, x: string) => x.replace(/''/g, "'")).replace(/^"(.*)"$/, '$1');

/**
 * META.yml (spec 1.4, as CPAN::Meta::YAML writes it: `---`, top-level `key: value` lines, two-space nested maps
 * and `  - item` lists). Undefined when a line is outside that shape.
 */
export function parseMetaYaml(text: string): CpanMeta | undefined {
  const lines = text.split(/\r?\n/);
  if (lines[0] !== '---') return undefined;
  const out: CpanMeta = { prereqs: [], optional: [] };
  let section: string | undefined;
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const top = /^([A-Za-z_][\w-]*):(?: (.*))?$/.exec(line);
    if (top) {
      section = top[1]!;
      const val = top[2] === undefined ? undefined : unquote(top[2]);
      if (section === 'name') out.name = val;
      else if (section === 'version') out.version = val;
      else if (section === 'abstract') out.abstract = val;
      continue;
    }
    if (!/^ {2,}\S/.test(line) || section === undefined) return undefined;
    if (!YAML_PREREQ_KEYS.has(section)) continue;
    const nested = /^ {2}('[^']*'|"[^"]*"|[^\s'"]\S*?):(?: .*)?$/.exec(line);
    if (!nested) return undefined;
    (section === 'recommends' ? out.optional : out.prereqs).push(unquote(nested[1]!));
  }
  return out;
}

/** Tracked files that declare a distribution's prerequisites as a whole. */
const DECLARATION = /^(?:Makefile\.PL|Build\.PL|dist\.ini|cpanfile|META\.(?:json|yml)|maint\/.+|inc\/.+\.pm|weaver\.ini)$/;
const PERL_SOURCE = /\.(?:pm|pl|t|PL|pod)$/;
const MODULE = /[A-Za-z_]\w*(?:::\w+)*/g;

/** Module names a Perl file loads (every name on its `use`/`require`/`no` lines), and every name it mentions. */
function usedModules(text: string, names: Set<string>, mentioned: Set<string>): void {
  for (const line of text.split('\n')) {
    const use = /^\s*(?:use|require|no)\s/.test(line);
    for (const m of line.matchAll(MODULE)) {
      mentioned.add(m[0]);
      if (use) names.add(m[0]);
    }
  }
}

/**
 * Module names the distribution declares (see the module comment): the tracked declaration files, the `use` lines of
 * tracked Perl files, and the `use` lines of the shipped Perl files git lacks or has changed — each of those is a
 * finding of its own (a generated t/00-report-prereqs.t stays high), so a prerequisite that only such a file loads
 * is in front of the reviewer with it.
 */
export async function declaredModules(ctx: ClassifyContext): Promise<{ declared: Set<string>; mentioned: Set<string> }> {
  const names = new Set<string>();
  const mentioned = new Set<string>();
  for (const p of ctx.gitPaths) {
    const whole = DECLARATION.test(p);
    if (!whole && !PERL_SOURCE.test(p)) continue;
    const text = (await ctx.content.git(p))?.toString('utf8');
    if (!text) continue;
    if (whole) for (const m of text.matchAll(MODULE)) names.add(m[0]);
    else usedModules(text, names, mentioned);
  }
  for (const d of ctx.diffs) {
    if (d.status === 'git-only' || !PERL_SOURCE.test(d.path)) continue;
    const text = ctx.content.tarball(d.path)?.toString('utf8');
    if (text) usedModules(text, names, mentioned);
  }
  for (const n of names) mentioned.add(n);
  return { declared: names, mentioned };
}

/**
 * The prerequisites of `meta` the distribution does not declare ('perl' is the interpreter's version, not a module):
 * a required one no declaration file names and no Perl file loads; an optional one (recommends, suggests: installed
 * only on request) no Perl file even mentions (Dist::Zilla's test plugins add the modules their generated tests try).
 */
export function undeclaredPrereqs(meta: CpanMeta, d: { declared: ReadonlySet<string>; mentioned: ReadonlySet<string> }): string[] {
  return [...new Set([...meta.prereqs.filter((m) => m !== 'perl' && !d.declared.has(m)), ...meta.optional.filter((m) => m !== 'perl' && !d.mentioned.has(m))])];
}

/** Dist::Zilla::Plugin::Readme's template, filled. */
export function dzilReadme(text: string, meta: CpanMeta): { abstract: string; notice: string } | undefined {
  const m = /^This archive contains the distribution (\S+),\nversion (\S+):\n\n {2}(.*)\n\n(This software is [Cc]opyright \(c\) [\s\S]+\n)\n\nThis README file was generated by Dist::Zilla::Plugin::Readme v[\d._]+\.\n$/.exec(
    text.replace(/\r\n/g, '\n'),
  );
  return m && m[1] === meta.name && m[2] === meta.version && (meta.abstract === undefined || m[3] === meta.abstract) ? { abstract: m[3]!, notice: m[4]! } : undefined;
}

const POD_COMMANDS = new Set(['pod', 'head1', 'head2', 'head3', 'head4', 'over', 'item', 'back', 'encoding', 'cut', 'for', 'begin', 'end']);

/** The POD paragraphs of a Perl file (command and text lines), `=begin`/`=for` blocks for other formatters dropped. */
function podText(text: string): string {
  const out: string[] = [];
  let inPod = false;
  let skip = false;
  let skipPara = false;
  for (const line of text.split(/\r?\n/)) {
    const cmd = /^=([a-zA-Z]\w*)\s*(.*)$/.exec(line);
    if (!inPod) {
      if (!cmd) continue;
      inPod = true;
    }
    if (cmd?.[1] === 'cut') {
      inPod = false;
      continue;
    }
    if (cmd?.[1] === 'begin' && !/^text\b/.test(cmd[2]!)) skip = true;
    if (cmd?.[1] === 'end') {
      skip = false;
      continue;
    }
    if (cmd?.[1] === 'for' && !/^text\b/.test(cmd[2]!)) skipPara = true;
    if (skipPara && line.trim() === '') skipPara = false;
    if (skip || skipPara) continue;
    out.push(cmd ? (/^(?:head\d|item)$/.test(cmd[1]!) ? cmd[2]! : POD_COMMANDS.has(cmd[1]!) ? '' : line) : line);
  }
  return out.join('\n');
}

/** Words of a text: letters and digits runs. */
const words = (t: string) => t.match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * Whether README is a shipped module's POD as text: its words are, in order, the POD's words once the formatting
 * codes' letters (`C<`, `L<`, `E<gt>` …) and an `L<text|target>`'s target are dropped, allowing pod2text's own
 * words (`in` of `"section" in Module`) and its rendering of E<> escapes.
 */
export function readmeIsPod(readme: string, perl: string): boolean {
  const pod = podText(perl)
    .replace(/E<(\w+)>/g, (_m, e: string) => ({ gt: '>', lt: '<', verbar: '|', sol: '/' })[e] ?? ' ')
    // L<text|target> is shown as its text (and a URL target after it); L<Module/section> as `"section" in Module`.
    .replace(/L<<+\s(.*?)\s>>+|L<([^<>]*)>/g, (_m, a?: string, b?: string) => {
      const link = a ?? b ?? '';
      const bar = link.indexOf('|');
      const url = (t: string) => /^[a-z][\w+.-]*:\/\//i.test(t);
      if (bar >= 0) return url(link.slice(bar + 1)) ? `${link.slice(0, bar)} ${link.slice(bar + 1)}` : link.slice(0, bar);
      const slash = link.indexOf('/');
      return slash > 0 && !url(link) ? `${link.slice(slash + 1)} in ${link.slice(0, slash)}` : link;
    })
    .replace(/[A-Z]<+\s?/g, ' ');
  const a = words(readme);
  const b = words(pod);
  if (a.length < 10) return false;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
    } else if (a[i] === 'in') i++;
    else return false;
  }
  return i === a.length && j === b.length;
}

/** Lines of POD per git's file: true for a line inside a POD block (its `=…` start to its `=cut`), or after `__END__`. */
function podMask(lines: readonly string[]): { pod: boolean[]; end: boolean[] } {
  const pod: boolean[] = [];
  const end: boolean[] = [];
  let inPod = false;
  let ended = false;
  for (const l of lines) {
    if (ended) {
      pod.push(false);
      end.push(true);
      continue;
    }
    if (!inPod && /^=[a-zA-Z]/.test(l)) inPod = true;
    pod.push(inPod);
    end.push(false);
    if (inPod && /^=cut\b/.test(l)) inPod = false;
    else if (!inPod && /^__END__\s*$/.test(l)) ended = true;
  }
  return { pod, end };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The munging kinds that turn git's Perl file into the archive's, or undefined when a difference is anything
 * else (see the module comment). `version` is the release's version (for `$VERSION` lines).
 */
/**
 * The lines perl reads as code, in order (`lines`), and for each whether a POD block (or a run of `#pod` comment
 * lines, PodWeaver's commented POD) sits right before it (`podBefore`; index `lines.length`: after the last one).
 * A module's text after `__END__` is not read; a script's is (its DATA), so it stays in `lines`.
 */
function codeProjection(text: string, isModule: boolean): { lines: string[]; podBefore: boolean[]; ended: boolean } {
  const all = text.split('\n');
  const { pod, end } = podMask(all);
  const lines: string[] = [];
  const podBefore: boolean[] = [false];
  let ended = false;
  for (let i = 0; i < all.length; i++) {
    if (pod[i] || (isModule && end[i]) || /^#pod(?: |$)/.test(all[i]!)) {
      podBefore[lines.length] = true;
      continue;
    }
    if (isModule && /^__END__\s*$/.test(all[i]!)) {
      ended = true; // the marker itself: what follows is not read either way
      continue;
    }
    if (i === all.length - 1 && all[i] === '') continue; // the final newline
    lines.push(all[i]!);
    podBefore[lines.length] = false;
  }
  // Blank lines after the last code line are nothing perl reads.
  while (lines.length && lines[lines.length - 1]!.trim() === '') {
    const after = podBefore[lines.length]!;
    lines.pop();
    podBefore.length = lines.length + 1;
    podBefore[lines.length] = podBefore[lines.length]! || after;
  }
  return { lines, podBefore, ended };
}

/**
 * The lines after a module's `__END__` that are not POD (nor blank): perl does not read them when the module is
 * loaded, but anything may read the file (a build script extracting a payload), so Dist::Zilla's munging adds none.
 */
export function dataAfterEnd(text: string): string[] {
  const all = text.split('\n');
  const { end } = podMask(all);
  const out: string[] = [];
  let inPod = false;
  for (let i = 0; i < all.length; i++) {
    if (!end[i]) continue;
    const l = all[i]!;
    if (!inPod && /^=[a-zA-Z]/.test(l)) inPod = true;
    if (inPod) {
      if (/^=cut\b/.test(l)) inPod = false;
      continue;
    }
    if (l.trim() !== '') out.push(l);
  }
  return out;
}

const sameLines = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((l, i) => l === b[i]);

/**
 * A run of 48 or more base64 (or hex) characters: an encoded payload, not words. The longest run in an added line
 * of the set's munged files is 23 (Try-Tiny's contributor e-mail addresses); a sha1 (40) still passes.
 */
export const ENCODED_RUN = /[A-Za-z0-9+/]{48,}/;

const PACKAGE = /^package [\w:]+;\s*$/;
const statementEnd = (l: string | undefined) => l === undefined || /[;{}]\s*(?:#.*)?$/.test(l);

/**
 * The munging kinds that turn git's Perl file into the archive's, or undefined when the archive's differs in
 * anything else (see the module comment). The two files' code projections (codeProjection) must be equal but for:
 * ` # git description: …` after a `package` line, an added `$VERSION = '<version>'` line after a `package` line or
 * for a `# VERSION` comment, git's `# COPYRIGHT` line as comment lines, the generator banner as the first line of
 * Makefile.PL/Build.PL. POD may differ freely, but the archive's POD (or `#pod` run) may stand only where git's
 * POD stands, after the last code line, or after a module's `__END__`: only there is it sure that perl, which
 * takes a `=word` line for POD only where a statement may start, reads it as POD too.
 */
export function perlMunging(path: string, gitText: string, tarText: string, version: string | undefined): CpanMungeKind[] | undefined {
  if (gitText === tarText) return undefined;
  const isModule = /\.pm$/.test(path);
  const G = codeProjection(gitText, isModule);
  const T = codeProjection(tarText, isModule);
  const kinds = new Set<CpanMungeKind>();
  const versionLine = version
    ? new RegExp(`^\\s*(?:our\\s+\\$VERSION|\\$(?:\\w+::)*VERSION|BEGIN\\s*\\{\\s*\\$(?:\\w+::)*VERSION)\\s*=\\s*'${escapeRe(version)}';(?:\\s*\\})?(?:\\s*# (?:TRIAL|VERSION))?\\s*$`)
    : undefined;
  let i = 0;
  let j = 0;
  // POD of the archive before T.lines[j] is fine where git has POD before G.lines[i].
  const podOk = () => !T.podBefore[j] || G.podBefore[i] === true;
  while (j < T.lines.length) {
    const t = T.lines[j]!;
    const g = G.lines[i];
    if (j === 0 && /^(?:Makefile|Build)\.PL$/.test(path) && /^# This file was automatically generated by Dist::Zilla::Plugin::(?:MakeMaker|ModuleBuild)\S* v[\d._]+\.$/.test(t) && !T.podBefore[0]) {
      kinds.add('generated-banner');
      j++;
      continue;
    }
    if (g !== undefined && t === g) {
      if (!podOk()) return undefined;
      i++;
      j++;
      continue;
    }
    if (g !== undefined && PACKAGE.test(g) && t.startsWith(`${g.trimEnd()} # git description: `) && /^[\w.+-]+$/.test(t.slice(g.trimEnd().length + 20))) {
      if (!podOk()) return undefined;
      kinds.add('git-description');
      i++;
      j++;
      continue;
    }
    if (versionLine?.test(t) && !T.podBefore[j]) {
      if (g !== undefined && /^\s*# VERSION\s*$/.test(g)) i++;
      else if (!(j > 0 && PACKAGE.test(T.lines[j - 1]!.replace(/ # git description: \S+$/, '')))) return undefined;
      kinds.add('version-line');
      j++;
      continue;
    }
    if (g !== undefined && /^# COPYRIGHT\s*$/.test(g) && /^#/.test(t)) {
      if (!podOk()) return undefined;
      i++;
      j++;
      while (j < T.lines.length && /^#/.test(T.lines[j]!) && T.lines[j] !== G.lines[i] && !T.podBefore[j]) j++;
      kinds.add('copyright-comment');
      continue;
    }
    return undefined;
  }
  if (i !== G.lines.length) return undefined;
  // POD after the last code line: where git has some, or after a line that ends a statement.
  const lastCode = [...T.lines].reverse().find((l) => l.trim() !== '' && !/^\s*#/.test(l));
  if (T.podBefore[j] && !G.podBefore[i] && !T.ended && !statementEnd(lastCode)) return undefined;
  // What follows a module's __END__ is not read as code, but it is still content: only POD may be added there.
  if (isModule && !sameLines(dataAfterEnd(tarText), dataAfterEnd(gitText))) return undefined;
  // Comment and POD lines are free text, not a store: an added line carrying an encoded run is no munging.
  const gitLines = new Set(gitText.split('\n'));
  if (tarText.split('\n').some((l) => !gitLines.has(l) && !gitLines.has(l.replace(/^#pod ?/, '')) && ENCODED_RUN.test(l))) return undefined;
  const podComment = /^#pod(?: |$)/m;
  if (podComment.test(tarText) && !podComment.test(gitText)) kinds.add('pod-comment');
  if (!kinds.size || podText(tarText) !== podText(gitText)) kinds.add('pod-woven');
  return [...kinds].sort();
}

/**
 * Test::ReportPrereqs' t/00-report-prereqs.dd as its plugin writes it from the prerequisites (`"do { my " .
 * Data::Dumper->new([$prereqs], ['x'])->Purity(1)->Sortkeys(1)->Terse(0)->Dump . '  $x;' . "\n }"`), rendered here
 * from META.json's `prereqs` (the same CPAN::Meta prerequisites Dist::Zilla writes there): phase → relationship →
 * module → version string, Data::Dumper's default Indent(2) layout (each level aligned after its key), every key and
 * value single-quoted. undefined unless every leaf is a string: the file is Perl `do` runs, so only this exact
 * data rendering is explained.
 */
export function reportPrereqsDump(metaJson: string): string | undefined {
  const prereqs = jsonObject(metaJson)?.prereqs;
  const q = (s: string) => `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
  const render = (x: unknown, col: number, depth: number): string | undefined => {
    if (typeof x === 'string') return depth === 3 ? q(x) : undefined;
    if (!x || typeof x !== 'object' || Array.isArray(x) || depth >= 3) return undefined;
    const keys = Object.keys(x).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (!keys.length) return '{}';
    const lines: string[] = [];
    for (const k of keys) {
      const head = `${q(k)} => `;
      const body = render((x as Record<string, unknown>)[k], col + 2 + head.length, depth + 1);
      if (body === undefined) return undefined;
      lines.push(`${' '.repeat(col + 2)}${head}${body}`);
    }
    return `{\n${lines.join(',\n')}\n${' '.repeat(col)}}`;
  };
  const body = render(prereqs, '$x = '.length, 0);
  return body === undefined ? undefined : `do { my $x = ${body};\n  $x;\n }`;
}

/**
 * The cpanfile Dist::Zilla's [CPANFile] writes from the prerequisites, rendered from META.json's `prereqs`: for each
 * phase (runtime, build, test, configure, develop) and relationship (requires, recommends, suggests, conflicts) with
 * modules, `TYPE "Module" => "version";` lines sorted by module name, outside a block for runtime and inside
 * `on 'PHASE' => sub {` … `};` (indented two spaces) for the others; since Dist::Zilla 6.014 after its two `# ` header
 * lines naming the plugin's version, which must be the Dist::Zilla version META.json's generated_by names (older
 * releases wrote no header). Every name and version must be plain (no quote, backslash, $ or @: the file is Perl
 * cpanm evaluates). undefined when META.json cannot give one.
 */
export function dzilCpanfile(metaJson: string): string | undefined {
  const o = jsonObject(metaJson);
  if (!o) return undefined;
  const gen = typeof o.generated_by === 'string' ? /^Dist::Zilla version (\d+\.\d+)\b/.exec(o.generated_by) : null;
  const prereqs = o.prereqs;
  if (!gen || !prereqs || typeof prereqs !== 'object' || Array.isArray(prereqs)) return undefined;
  const dz = gen[1]!;
  let str = Number(dz) >= 6.014 ? `# This file is generated by Dist::Zilla::Plugin::CPANFile v${dz}\n# Do not edit this file directly. To change prereqs, edit the \`dist.ini\` file.\n\n` : '';
  const P = prereqs as Record<string, Record<string, Record<string, unknown>> | undefined>;
  for (const phase of ['runtime', 'build', 'test', 'configure', 'develop']) {
    for (const type of ['requires', 'recommends', 'suggests', 'conflicts']) {
      const mods = P[phase]?.[type];
      if (!mods || typeof mods !== 'object' || !Object.keys(mods).length) continue;
      const lines: string[] = [];
      for (const m of Object.keys(mods).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
        const ver = mods[m];
        if (typeof ver !== 'string' || !/^[\w:.]+$/.test(m) || /["\\$@]/.test(ver)) return undefined;
        lines.push(`${phase === 'runtime' ? '' : '  '}${type} "${m}" => "${ver}";\n`);
      }
      str += phase === 'runtime' ? lines.join('') : `\non '${phase}' => sub {\n${lines.join('')}};\n`;
    }
  }
  return str;
}

const META_FILE = /^META\.(?:json|yml)$/;


/** Tarball-only files a release tool renders from the shipped META.json alone: explained when byte-equal to the rendering. */
const RENDERED_FROM_META = new Map<string, { render: (metaJson: string) => string | undefined; kind: 'cpan-cpanfile' | 'cpan-prereqs-dump' }>([
  ['cpanfile', { render: dzilCpanfile, kind: 'cpan-cpanfile' }],
  ['t/00-report-prereqs.dd', { render: reportPrereqsDump, kind: 'cpan-prereqs-dump' }],
]);
async function readMeta(ctx: ClassifyContext, path: string): Promise<CpanMeta | undefined> {
  const buf = ctx.content.tarball(path);
  if (!buf || buf.includes(0)) return undefined;
  const text = buf.toString('utf8');
  return path.endsWith('.json') ? parseMetaJson(text) : parseMetaYaml(text);
}

/**
 * Is `holder` (a LICENSE or README holder, a README's abstract) written in a tracked file the release's metadata is
 * made from: dist.ini, Makefile.PL, Build.PL, a tracked `*.PL.include` (Distar's maint/Makefile.PL.include), or the
 * main module (lib/NAME.pm, .pod: its POD, Dist::Zilla's `# ABSTRACT:`)? The META files are the tarball's, so what
 * they say proves nothing alone.
 */
async function holderTracked(holder: string, ctx: ClassifyContext, name: string | undefined): Promise<boolean> {
  const main = name && /^[\w-]+$/.test(name) ? `lib/${name.replace(/-/g, '/')}` : undefined;
  const files = ['dist.ini', 'Makefile.PL', 'Build.PL', ...(main ? [`${main}.pm`, `${main}.pod`] : [])];
  for (const p of ctx.gitPaths) if (p.endsWith('.PL.include') && files.length < 32) files.push(p);
  for (const p of files) {
    if (!ctx.gitPaths.has(p)) continue;
    const b = await ctx.content.git(p);
    if (b && b.length <= 4 << 20 && b.toString('utf8').includes(holder)) return true;
  }
  return false;
}

/** name/version agree with the archive's top directory (`Name-Version`) when it has that shape, and with the other META file. */
function metaAgrees(meta: CpanMeta, info: ProfileInfo, other: CpanMeta | undefined): boolean {
  if (!meta.name || !meta.version) return false;
  if (info.prefix && /-v?\d/.test(info.prefix) && info.prefix !== `${meta.name}-${meta.version}`) return false;
  if (other && (other.name !== meta.name || other.version !== meta.version)) return false;
  return true;
}

async function cpanFinding(diff: PathDiff, ctx: ClassifyContext, info: ProfileInfo): Promise<Finding | undefined> {
  const onlyTar = diff.status === 'tarball-only' && diff.tarball?.type === 'file';
  if (onlyTar && diff.path === 'MANIFEST') {
    const buf = ctx.content.tarball(diff.path);
    if (!buf || buf.includes(0)) return undefined;
    return manifestMatches(buf.toString('utf8'), ctx.tarballPaths) ? makeFinding('PACKAGE_METADATA', diff.path, { ecosystem: 'cpan', kind: 'cpan-manifest' }) : undefined;
  }
  if (onlyTar && META_FILE.test(diff.path)) {
    const meta = await readMeta(ctx, diff.path);
    if (!meta) return undefined;
    const otherPath = diff.path === 'META.json' ? 'META.yml' : 'META.json';
    const other = ctx.tarballPaths.has(otherPath) && !ctx.gitPaths.has(otherPath) ? await readMeta(ctx, otherPath) : undefined;
    if (!metaAgrees(meta, info, other)) return undefined;
    if (undeclaredPrereqs(meta, await declaredModules(ctx)).length) return undefined;
    return makeFinding('PACKAGE_METADATA', diff.path, { ecosystem: 'cpan', kind: 'cpan-meta' });
  }
  if (onlyTar && diff.path === 'README') {
    const buf = ctx.content.tarball(diff.path);
    if (!buf || buf.includes(0)) return undefined;
    const text = buf.toString('utf8');
    const meta = (await readMeta(ctx, 'META.json')) ?? (await readMeta(ctx, 'META.yml'));
    // the notice is Software::License's for a license META names, its holder and year as a LICENSE's must be
    // (written in a tracked file), and the abstract the tracked main module's (red team 19: the copyright and
    // license lines were any text, and META's abstract is the tarball's own)
    const readme = meta ? dzilReadme(text, meta) : undefined;
    if (readme && meta) {
      const metaPath = ['META.json', 'META.yml'].find((p) => ctx.tarballPaths.has(p) && !ctx.gitPaths.has(p));
      const metaBuf = metaPath ? ctx.content.tarball(metaPath) : undefined;
      const la = metaBuf ? metaLicenseAuthors(metaBuf.toString('utf8'), metaPath!.endsWith('.json')) : undefined;
      const n = la ? matchNotice(readme.notice, la.licenses) : undefined;
      const distIni = (await ctx.content.git('dist.ini'))?.toString('utf8');
      if (
        n && la && allowedHolders(la.authors, distIni).has(n.holder) && allowedYear(n.year, ctx.revision.date, distIni) &&
        (await holderTracked(n.holder, ctx, meta.name)) && (await holderTracked(readme.abstract, ctx, meta.name))
      )
        return makeFinding('PACKAGE_METADATA', diff.path, { ecosystem: 'cpan', kind: 'cpan-readme' });
    }
    const main = meta?.name ? `lib/${meta.name.replace(/-/g, '/')}.pm` : undefined;
    for (const p of [main, main?.replace(/\.pm$/, '.pod')]) {
      const pm = p ? ctx.content.tarball(p) ?? (await ctx.content.git(p)) : undefined;
      if (pm && readmeIsPod(text, pm.toString('utf8'))) return makeFinding('PACKAGE_METADATA', diff.path, { ecosystem: 'cpan', kind: 'cpan-readme-pod', source: p! });
    }
    return undefined;
  }
  if (onlyTar && /^x?t\/.+\.t$/.test(diff.path)) {
    const buf = ctx.content.tarball(diff.path);
    const t = buf && buf.length <= 262144 ? dzilTemplate(buf, (p) => (p.endsWith('/') ? [...ctx.tarballPaths].some((x) => x.startsWith(p)) : ctx.tarballPaths.has(p)), diff.path) : undefined;
    return t ? makeFinding('UPSTREAM_COPY', diff.path, { match: 'exact', ...t }) : undefined;
  }
  const fromMeta = onlyTar ? RENDERED_FROM_META.get(diff.path) : undefined;
  if (fromMeta) {
    const buf = ctx.content.tarball(diff.path);
    const meta = ctx.tarballPaths.has('META.json') ? ctx.content.tarball('META.json') : undefined;
    if (!buf || !meta || buf.length > 1 << 20) return undefined;
    const want = fromMeta.render(meta.toString('utf8'));
    return want !== undefined && buf.equals(Buffer.from(want, 'utf8')) ? makeFinding('PACKAGE_METADATA', diff.path, { ecosystem: 'cpan', kind: fromMeta.kind, source: 'META.json' }) : undefined;
  }
  if (onlyTar && diff.path === 'LICENSE') {
    const buf = ctx.content.tarball(diff.path);
    if (!buf || buf.includes(0) || buf.length > 262144) return undefined;
    const metaPath = ['META.json', 'META.yml'].find((p) => ctx.tarballPaths.has(p) && !ctx.gitPaths.has(p));
    const metaBuf = metaPath ? ctx.content.tarball(metaPath) : undefined;
    if (!metaPath || !metaBuf) return undefined;
    const meta = metaLicenseAuthors(metaBuf.toString('utf8'), metaPath.endsWith('.json'));
    const m = matchLicense(buf.toString('utf8'), meta.licenses);
    if (!m) return undefined;
    const distIni = (await ctx.content.git('dist.ini'))?.toString('utf8');
    if (!allowedHolders(meta.authors, distIni).has(m.holder) || !allowedYear(m.year, ctx.revision.date, distIni)) return undefined;
    // META is the tarball's own: the holder must also be written in a tracked file it comes from (red team 19: META's
    // author and LICENSE's holder changed together were explained)
    if (!(await holderTracked(m.holder, ctx, (await readMeta(ctx, metaPath))?.name))) return undefined;
    return makeFinding('PACKAGE_METADATA', diff.path, { ecosystem: 'cpan', kind: 'cpan-license', source: `Software::License::${m.license} ${m.softwareLicense} ${m.form}` });
  }
  if (diff.status === 'changed' && diff.changes?.length === 1 && diff.changes[0] === 'content' && /\.(?:pm|pl|t|PL)$/.test(diff.path)) {
    const tar = ctx.content.tarball(diff.path);
    const git = await ctx.content.git(diff.path);
    if (!tar || !git || tar.includes(0) || git.includes(0)) return undefined;
    const kinds = perlMunging(diff.path, git.toString('utf8'), tar.toString('utf8'), info.version);
    return kinds ? makeFinding('CPAN_MUNGED', diff.path, { kinds }) : undefined;
  }
  return undefined;
}

const CANDIDATE = /^(?:MANIFEST|META\.(?:json|yml)|README|LICENSE|cpanfile|t\/00-report-prereqs\.dd)$|\.(?:pm|pl|t|PL)$/;

export function cpanClassifiers(info: ProfileInfo): Classifier[] {
  return [{ id: 'cpan', candidate: (d) => CANDIDATE.test(d.path) && d.status !== 'git-only', classify: (d, ctx) => cpanFinding(d, ctx, info) }];
}
