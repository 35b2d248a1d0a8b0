/**
 * Shared English for whole results, beside the code registry (codes.ts holds each finding code's title,
 * description and message, and imports the regeneration wording below): the verdict line, a note's line,
 * a revision-chain step's line, regeneration's causes, skips, procedures and normalisations, the closing
 * authenticity line. Every renderer words results through these and formatFinding (core/codes.ts), so no
 * renderer imports another. Output is raw: each renderer escapes what came from the input for its own
 * medium. The result data itself carries no prose: every kind below is worded here, one entry per kind
 * (`satisfies`: a kind without wording is a type error).
 */
import type { EvidenceMap, Finding, FlaggedInput, GenerationProof, GenerationProofJson, RegenerationMismatchJson, SeverityReason } from './findings.js';
import type { AutoconfOnly, AutomakeTemplateChange, CommandFailure, GnulibToolMiss, Normalisation, NormalisationArgs, NormalisationKind, ProcedureStep, ProcedureStepArgs, ProcedureStepKind, ProofCause, ProofCauseArgs, ProofCauseKind, RegenCause, RegenCauseArgs, RegenCauseKind, RegenSkip, RegenSkipArgs, RegenSkipKind, ReplayRefusal, ReplayRefusalArgs, ReplayRefusalKind, Remedy, RemedyArgs, RemedyKind, ToolRef, UnprovedReason, UnprovedReasonArgs, UnprovedReasonKind } from './regeneration.js';
import type { ChainStep, ChainStepArgs, ChainStepJson, ChainStepKind, NeighbourhoodStart, Note, NoteJson, RegenerationNote, RegenerationNoteJson, SubmoduleMiss, VerifyResult } from './result.js';
import { toolVersionSource } from './tool-version.js';
import { SEVERITIES } from './types.js';

type Paint = (s: string) => string;
const none: Paint = (s) => s;

/** How the revision was chosen, when it is not a plain matching tag: shown at the end of the verdict line. */
export function revisionHow(r: VerifyResult): string {
  const rev = r.inputs.revision;
  switch (rev.how) {
    case 'metadata':
      return rev.tag ? '' : " (untagged: commit from the archive's metadata)";
    case 'nearest':
      return ` (guessed: nearest commit${rev.distance !== undefined ? `, ${rev.distance} differing paths` : ''})`;
    case 'commit':
      return ' (commit given, no tag)';
    default:
      return '';
  }
}

/** The first line of every report: verdict, difference counts, severities, how the revision was chosen. `c` colours it (text renderer). */
export function verdictLine(r: VerifyResult, c: { bold: Paint; boldRed: Paint; green: Paint; yellow: Paint } = { bold: none, boldRed: none, green: none, yellow: none }): string {
  return verdictOnly(r, c) + revisionHow(r);
}

function verdictOnly(r: VerifyResult, c: { bold: Paint; boldRed: Paint; green: Paint; yellow: Paint }): string {
  const k = r.counts;
  const parts = [`${k.tarballOnly} tarball-only`, `${k.gitOnly} git-only`, `${k.changed} changed`];
  if (k.anomalies) parts.push(`${k.anomalies} archive anomalies`);
  const sev = SEVERITIES.filter((s) => s !== 'info' && k.bySeverity[s] > 0).map((s) => `${k.bySeverity[s]} ${s}`);
  switch (r.verdict) {
    case 'identical':
      return c.green(c.bold(`IDENTICAL: all ${k.identical} files match git`));
    case 'explained':
      return c.green(c.bold(`EXPLAINED: ${parts.join(', ')}`)) + ` — every difference explained${sev.length ? ` (${sev.join(', ')})` : ''}`;
    case 'review':
      return (
        c.yellow(c.bold(`REVIEW: ${parts.join(', ')}`)) +
        ` — ${k.unexplained} unexplained, none at or above ${r.failOn}${sev.length ? ` (${sev.join(', ')})` : ''}`
      );
    case 'different':
      return c.boldRed(`DIFFERENT: ${parts.join(', ')}`) + ` — ${sev.join(', ')}`;
  }
}

/** The closing line: what the authenticity checks that ran do and do not prove. */
export function authenticityLine(r: VerifyResult): string {
  const s = r.inputs.signature;
  const t = r.inputs.tagSignature;
  if (s) {
    const who = s.userId ?? s.fingerprint ?? 'the key holder';
    return `The signature proves that ${who} released these exact bytes, not that they match git (xz 5.6.1 was validly signed); this report compares the content.`;
  }
  if (t) return `The tag signature proves who tagged commit ${r.inputs.revision.commit.slice(0, 12)}, not that the archive matches it; this report compares the content.`;
  if (r.inputs.checksums) return 'The checksum proves the archive is the file the checksums file lists, not who made it nor that it matches git; this report compares the content.';
  return 'A valid signature or checksum proves who published the archive, not that it matches git; this report compares the content.';
}

/** A note's line (raw: escape what came from the input). */
export function noteText(n: Note): string {
  switch (n.code) {
    case 'PREFIX_STRIPPED':
      return `top-level directory ${n.prefix}/ stripped`;
    case 'DECODER_FALLBACK':
      return `decoded with ${n.decoder}; install the system tool for speed`;
    case 'EXPORT_IGNORED_SHIPPED':
      return `${n.files} export-ignored file(s) shipped all the same (the archive was not made by git archive): compared with git as tracked files (${n.examples.join(', ')}${n.files > n.examples.length ? ', …' : ''})`;
    case 'CONTENT_NOT_RETAINED':
      return `${n.files} changed file(s) too large to keep in memory: compared by hash only`;
    case 'PAX_COMMIT':
      return `archive header names commit ${n.commit}${n.matches ? ' (matches)' : ' (does NOT match the revision)'}`;
    case 'SHA256_VERIFIED':
      return `sha256 matches the pinned value`;
    case 'POLICY_LOADED':
      return `policy ${n.path}: ${n.allowances} allowance(s)`;
    case 'POST_PASS_FAILED':
      return `check ${n.pass} failed (${n.error}): the findings are reported without it — read the files it covers yourself`;
    case 'REGENERATION': {
      const w = regenerationLines(n);
      return n.status === 'done'
        ? `regenerated ${n.outputs} autotools output(s) in the sandbox with ${w.tools.join(', ')}: ${n.reproduced} reproduced byte for byte (${n.seconds} s)${w.partial ? `; ${w.partial}` : ''}${w.skipped?.length ? `; ${w.skipped.join('; ')}` : ''}`
        : n.status === 'off'
          ? 'regeneration off (--no-regenerate): generated files are labelled, not proved'
          : `regeneration ${n.status}: ${w.reason ?? 'unknown reason'}; generated files are labelled, not proved`;
    }
    case 'SUBMODULE_PINNED':
      if (n.pinnedBy === 'shipped-copies' && n.inferred)
        return `${n.name} pinned by nothing: commit ${n.commit.slice(0, 12)} inferred from the release's copies (${n.inferred.matched} of the ${n.inferred.compared} shipped files ${n.inferred.from.join(', ')} lists are byte-identical to gnulib's there, the most at any commit of ${n.inferred.ref} not after the tag's date ${n.inferred.before}; the newest such commit): ${n.files} files read from ${n.repo}; the tarball's copies are compared with that tree`;
      if (n.pinnedBy === 'fetch-script')
        return `${n.path}/ filled by the tracked ${n.script ?? 'script'} with the GitHub archive of commit ${n.commit.slice(0, 12)}: ${n.files} files read from ${n.repo}; the tarball's copies are compared with that tree`;
      return `${n.pinnedBy ? `${n.name} pinned by bootstrap.conf's GNULIB_REVISION${n.branch ? `=${n.branch.name} (a branch: its last commit not after the tag's date ${n.branch.before})` : ''}` : `submodule ${n.name} (${n.path}/) pinned`} at ${n.commit.slice(0, 12)}: ${n.files} files read from ${n.repo}; the tarball's copies are compared with that tree`;
    case 'SUBMODULE_UNAVAILABLE': {
      const reason = submoduleMissText(n);
      return n.commit ? `submodule ${n.name} (${n.path}/) pinned at ${n.commit.slice(0, 12)} not available: ${reason}; its copies are judged without it` : `--submodule ${n.name}: ${reason}`;
    }
  }
}

const SEVERITY_REASON_TEXT: Record<SeverityReason, string> = {
  'build-affecting': 'the file affects the build',
  'suspicious-constructs': 'it carries suspicious build constructs',
  'flagged-macro': 'it carries the expansion of an m4 file rated critical',
  'flagged-input': 'it reproduces only from an input flagged at this severity',
  'unverified-content': 'the tarball ships files here that no git side verifies',
  'local-copy-only': 'it equals only a copy on this machine, no recorded upstream version',
  'normalised-match': 'it equals upstream only after comments and whitespace are normalised',
  'directory-source': 'only its source directory is tracked: no file-to-file evidence',
  'new-capability': 'it can do what no tracked source does',
  'format-directives': "a translation's printf directives differ from its msgid's (the program passes it to printf)",
  'url-host': "a translation names a URL host neither its msgid nor git's translation names (a link moved to another server)",
  'collision-not-in-git': 'git does not track both names: the tarball brings the collision, and on a case-insensitive file system one file replaces the other',
  'duplicate-differs': 'the entries of the path differ (kind, content, link target or executable bit): which one a file system ends up with depends on the extractor',
};

/** Why a finding is not at its code's default severity (raw), or undefined when it is. */
export function severityReasonText(f: Finding): string | undefined {
  const r = f.severityReason;
  if (!r) return undefined;
  return `${f.allowed ? f.allowed.originalSeverity : f.severity}, not the default ${r.default}: ${r.reason} (${SEVERITY_REASON_TEXT[r.reason]})`;
}

const neighbourhoodStart = (f: NeighbourhoodStart): string =>
  [f.higherTag !== undefined ? `tag ${f.higherTag}` : '', f.lowerTag !== undefined ? `after tag ${f.lowerTag}` : '', f.heads ? `${f.heads} branch head(s)` : '']
    .filter(Boolean)
    .join(', ');

/** Each kind of revision-chain step, worded from its arguments; `satisfies`: a kind without wording is a type error. */
export const CHAIN_STEP_WORDING = {
  'tag-given': (a) => `--tag ${a.tag} → ${a.commit}`,
  'commit-given': (a) => `--commit ${a.commit}`,
  'tag-names-other-version': (a) => `--tag ${a.tag} names version ${a.tagVersion}, the archive's name ${a.archiveVersion}`,
  'metadata-names': (a) => `${a.source} names ${a.commit}${a.inRepo ? '' : ' (not in the repository)'}`,
  'metadata-missing': (a) => `${a.source} names ${a.commit}, which the repository does not have`,
  'metadata-chosen': (a) => `${a.sources.join(', ')} → ${a.commit}`,
  'file-chosen': (a) => `${a.source} (${a.path}) → ${a.commit}`,
  'file-names': (a) => `${a.source} (${a.path}) names ${a.commit}`,
  'tag-found': (a) => `tag ${a.tag} → ${a.commit}${a.also ? ` (also ${a.also.join(', ')})` : ''}`,
  'tag-other-commit': (a) => `tag ${a.tag} → ${a.commit}, the archive names ${a.archiveCommit}`,
  'no-version': () => 'cannot infer the release version from the archive name',
  'no-tag-matches': (a) => `no tag matches version ${a.version} (${a.tags} tag(s) in ${a.repo})`,
  'nearest-commit': (a) => `${a.commit} differs in ${a.distance} path(s); best of ${a.searched} commit(s) from ${neighbourhoodStart(a.from)}`,
  'tag-moved': (a) => `tag ${a.tag} was ${a.previous} in the cache`,
  'tag-unchanged': (a) => `tag ${a.tag} unchanged since the cached clone`,
} satisfies { [K in ChainStepKind]: (args: ChainStepArgs[K]) => string };

/**
 * A revision-chain step's line (raw: escape what came from the input). A step read back from a report
 * written before steps were typed (schema 1 JSON with only `detail`) keeps its detail.
 */
export function chainStepText(s: ChainStep): string {
  const word = (CHAIN_STEP_WORDING as Record<string, ((a: unknown) => string) | undefined>)[s.kind];
  return word ? word(s.args) : String((s as Partial<ChainStepJson>).detail ?? '');
}

/** A chain step for the JSON report: kind and arguments, and `detail` worded here (schema 1 readers expect it). */
export function chainStepJson(s: ChainStep): ChainStepJson {
  return { ...s, detail: chainStepText(s) };
}

type SubmoduleNote = Extract<Note, { code: 'SUBMODULE_UNAVAILABLE' }>;

/** Why a submodule was not read, each cause worded from its arguments; `satisfies`: a cause without wording is a type error. */
const SUBMODULE_MISS_WORDING = {
  'pin-not-commit': (c) =>
    c.missingIn
      ? `bootstrap.conf's GNULIB_REVISION=${c.revision} is not a full commit id, and ${c.missingIn} has no branch ${c.revision}; pass a gnulib clone that has it`
      : `bootstrap.conf's GNULIB_REVISION=${c.revision} is not a full commit id, so it pins no gnulib version by itself; pass --submodule gnulib=REPO with a gnulib clone that has the branch ${c.revision} (its last commit not after the tag's date is used)`,
  'no-url': () => '.gitmodules names no URL for it; pass --submodule',
  'relative-url': (c, n) => `${c.url}: relative URL ${c.url} and --repo is not a URL; pass --submodule ${n.name}=REPO`,
  'local-url': (c, n) => `${c.url}: a local path in .gitmodules is not followed; pass --submodule ${n.name}=REPO`,
  'invalid-url': (c, n) => `${c.url}: ${c.error}; pass --submodule ${n.name}=REPO`,
  unreachable: (c) => `${c.repo}: ${c.error}`,
  'commit-missing': (c, n) => `${c.repo} lacks commit ${n.commit.slice(0, 12)} (${c.error})`,
  'not-pinned': () => 'the compared revision pins no such submodule',
} satisfies { [K in SubmoduleMiss['kind']]: (cause: Extract<SubmoduleMiss, { kind: K }>, note: SubmoduleNote) => string };

/** The reason line of a SUBMODULE_UNAVAILABLE note (raw). A note read back from an older report (only `reason`) keeps it. */
export function submoduleMissText(n: SubmoduleNote): string {
  const word = n.cause ? (SUBMODULE_MISS_WORDING as Record<string, ((c: unknown, n: SubmoduleNote) => string) | undefined>)[n.cause.kind] : undefined;
  return word ? word(n.cause, n) : String((n as { reason?: unknown }).reason ?? '');
}

/**
 * A note for the JSON report: SUBMODULE_UNAVAILABLE gets its `reason` line, REGENERATION its `reason`,
 * `partial`, `skipped` and `tools` lines, each before the typed field it words (schema 1 readers expect them).
 */
export function noteJson(n: Note): NoteJson {
  if (n.code === 'SUBMODULE_UNAVAILABLE') return { ...n, reason: submoduleMissText(n) };
  if (n.code === 'REGENERATION') return regenerationNoteJson(n);
  return n;
}

// ---- regeneration (src/regenerate; the kinds are in core/regeneration.ts) ----

/**
 * The line of a failed command's stderr a reader needs: the first that says error (a compiler's `fatal error: X.h: No
 * such file or directory`, not its closing `compilation terminated.`), else the last; at most 200 characters.
 */
export function failureLine(stderr: string): string {
  // (commandFailure joins the lines it keeps with ' | ')
  const lines = stderr.split(/\n| \| /).map((l) => l.trim()).filter(Boolean);
  const line = lines.find((l) => /\berror\b/i.test(l)) ?? lines[lines.length - 1] ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

const failed = (f: CommandFailure) => (f.timedOut ? 'timed out' : `failed (exit ${f.exit})`);
/** A failed command in one clause: how it failed, then the line of its stderr that says why (failureLine), if any. */
export function failureText(f: CommandFailure): string {
  const line = failureLine(f.stderr);
  return `${failed(f)}${line ? ` — ${line}` : ''}`;
}
/** Make variables as `$(NAME)`; a configure substitution left in a recipe is already written `@NAME@`. */
const makeVars = (vars: string[]) => vars.map((v) => (v.startsWith('@') ? v : `$(${v})`)).join(', ');

/** Why no source exists for a version toolVersionSource calls 'none': a modified work tree (-dirty) or an unknown form. */
function noSourceText(name: string, version: string): string {
  return /-dirty$/.test(version)
    ? `no exact source exists for ${name} ${version}: it was built from a modified work tree (-dirty), edits nobody published`
    : `no exact source exists for ${name} ${version}: not a release, test release or git-describe version`;
}

/**
 * How to add missing tools, toolVersionSource deciding for each: "add with: " the release tarballs in one command,
 * each --git build in its own ("; " between); a version no source exists for is said so instead.
 */
export function toolchainAddText(tools: { name: string; version: string }[]): string {
  const tarballs = tools.filter((t) => toolVersionSource(t.version) === 'release').map((t) => `${t.name}-${t.version}.tar.xz`);
  const git = tools.filter((t) => toolVersionSource(t.version) === 'git').map((t) => `distdiff toolchain add --git <${t.name} repository> --version ${t.version}`);
  const none = tools.filter((t) => toolVersionSource(t.version) === 'none').map((t) => noSourceText(t.name, t.version));
  const commands = [...(tarballs.length ? [`distdiff toolchain add ${tarballs.join(' ')}`] : []), ...git];
  return [...(commands.length ? [`add with: ${commands.join('; ')}`] : []), ...none].join('; ');
}

/** Why regeneration did not run or failed, each kind worded from its arguments; `satisfies`: a kind without wording is a type error. */
export const REGEN_CAUSE_WORDING = {
  disabled: () => 'disabled with --no-regenerate',
  'no-configure': () => 'no generated configure with its configure.ac in git',
  'bwrap-missing': () => 'bubblewrap (bwrap) is not installed or not on PATH (Debian package bubblewrap)',
  'no-shell': () => 'no /bin/sh for the sandbox',
  'sandbox-refused': (a) => `bubblewrap cannot start a sandbox here (${a.stderr || `exit ${a.exit}`}); user namespaces may be disabled`,
  'bwrap-error': (a) => `bubblewrap could not be run: ${a.error}`,
  'tree-too-large': (a) => `the tree has ${a.files} files (more than ${a.max})`,
  'no-autoconf-stamp': (a) => `${a.configure} carries no "Generated by GNU Autoconf X" stamp`,
  'no-automake-stamp': () => 'no automake version stamp in aclocal.m4 or Makefile.in',
  'mixed-autoconf': (a) => `aclocal.m4 was generated for autoconf ${a.aclocalAutoconf} but configure by ${a.autoconf}`,
  'automake-missing': (a) => `automake ${a.version} not available (${toolchainAddText([{ name: 'automake', version: a.version }])})`,
  'tools-missing': (a) =>
    `${a.tools.map((t) => `${t.name} ${t.version}`).join(' and ')} not available (system has other versions; ${toolchainAddText(a.tools)})`,
  'inputs-too-large': (a) => `build input(s) too large to keep in memory: ${a.paths.join(', ')}${a.more ? ` and ${a.more} more` : ''}`,
  'generator-failed': (a) => `${a.command.join(' ')} in ${a.dir || '.'} ${failed(a.failure)}: ${a.failure.stderr}`,
  error: (a) => a.error,
  'msgfmt-failed': (a) => `message catalogs not compiled: msgfmt ${failed(a.failure)}: ${a.failure.stderr}`,
  'catalogs-error': (a) => `message catalogs not compiled: ${a.error}`,
} satisfies { [K in RegenCauseKind]: (args: RegenCauseArgs[K]) => string };

/** Why regeneration did not run or failed (raw). */
export function regenCauseText(c: RegenCause): string {
  return (REGEN_CAUSE_WORDING[c.kind] as (a: unknown) => string)(c.args);
}

/** An autoconf-only run: why, and what keeps its label (raw). */
export function autoconfOnlyText(a: AutoconfOnly): string {
  return `${regenCauseText(a.why)}: autoconf-only run, from the shipped aclocal.m4; aclocal.m4 and ${a.makefileIns} Makefile.in keep their label`;
}

/**
 * Why a planned output was not made, worded from its arguments: what follows "PATH: not regenerated: "
 * (`suites-failed`, which names no output, is the whole line). `satisfies`: a kind without wording is a type error.
 */
export const REGEN_SKIP_WORDING = {
  'makefile-am-release-made': (a) =>
    `${regenCauseText(a.why)}; and its input ${a.am} is not in git — the release made it${a.gnulibTool ? ' (gnulib-tool output, by its header)' : ''}, so it is not proved either`,
  'ac-init-untraced': (a) => `AC_INIT's values could not be traced from ${a.ac} (${a.stderr ?? 'no AC_PACKAGE_NAME/VERSION'})`,
  'rule-not-expandable': (a) => `its rule in ${a.am} cannot be expanded here: ${a.error}`,
  'no-rule': () => 'no rule of a tracked Makefile.am (or a fragment it includes) makes it',
  'rule-without-autom4te': (a) => `its rule in ${a.file} does not run autom4te`,
  'autoconf-missing': (a) => `autoconf ${a.version} (its stamp) is not available`,
  'rule-failed': (a) => `its rule (${a.file}) ${failed(a.failure)}: ${a.failure.stderr}`,
  'undefined-vars': (a) => `its rule uses ${makeVars(a.vars)}, which nothing here defines`,
  'suites-failed': (a) => `autotest suites of ${a.dir || 'the top directory'} not regenerated: ${a.error}`,
  'autoconf-substitute': (a) => `autoconf ${a.stamped} (its stamp, a test release) is not available; automake ran with autoconf ${a.used}, whose own output would carry its version, so this file keeps its label`,
  'make-replay-failed': (a) => `tracked make rules not replayed: ${a.error}`,
} satisfies { [K in RegenSkipKind]: (args: RegenSkipArgs[K]) => string };

const SYNTAX_WORDING: Record<ReplayRefusalArgs['syntax']['construct'], string> = {
  'command-substitution': '$(…) command substitution',
  'nested-substitution': 'backquotes nested too deep',
  'for-list': 'an operator in a for list',
  'word-after-group': 'a word after a ( … ) group',
  tokenizer: 'the shell tokenizer stopped',
};

/** Why a make rule is not replayed (src/regenerate/make-replay.ts). `satisfies`: a kind without wording is a type error. */
export const REPLAY_REFUSAL_WORDING = {
  command: (a) => `it runs ${a.command}, which is not a shell built-in or text tool of the allow-list`,
  'git-subcommand': (a) => `it runs git ${a.subcommand}, not a read-only git log / describe / rev-parse`,
  'awk-program': (a) => `its awk program uses ${a.problem}`,
  'sed-script': (a) => `its sed uses ${a.problem}`,
  redirect: (a) => `it writes to ${a.target || 'nothing'}, not the target`,
  syntax: (a) => `its shell is not read here: ${SYNTAX_WORDING[a.construct]}${a.text ? ` (${a.text})` : ''}`,
  variable: (a) => `it uses ${a.detail}, which nothing here defines`,
  prerequisite: (a) => `its prerequisite ${a.path} is neither tracked nor made by a replayable rule`,
  'dist-overwritten': (a) => `the release writes the file again: a recipe of ${a.file}:${a.line} writes it into $(distdir) when the tarball is made, so this rule's output is not what was shipped`,
} satisfies { [K in ReplayRefusalKind]: (args: ReplayRefusalArgs[K]) => string };

export function replayRefusalText(r: ReplayRefusal): string {
  return (REPLAY_REFUSAL_WORDING[r.kind] as (a: unknown) => string)(r.args);
}

/** The output a skip names, if any. */
export function skippedPath(s: RegenSkip): string | undefined {
  return 'path' in s.args ? s.args.path : undefined;
}

/** Why a skipped output was not made: "not regenerated: …" (raw). */
function skipWhy(s: RegenSkip): string {
  return (REGEN_SKIP_WORDING[s.kind] as (a: unknown) => string)(s.args);
}

/** A skip's line, as the note lists it: "PATH: not regenerated: …" (raw). */
export function regenSkipText(s: RegenSkip): string {
  const path = skippedPath(s);
  return path === undefined ? skipWhy(s) : `${path}: not regenerated: ${skipWhy(s)}`;
}

/** Why a generated file is not proved, each kind worded from its arguments; `satisfies`: a kind without wording is a type error. */
export const PROOF_CAUSE_WORDING = {
  'not-covered': (a) => `${a.tool} output: regeneration covers only aclocal.m4, configure, the autoheader template, Makefile.in, libtool's files, .gmo catalogs and autotest suites`,
  'not-attempted': () => 'regeneration was not attempted',
  skipped: (a) => (skippedPath(a.skip) === undefined ? skipWhy(a.skip) : `not regenerated: ${skipWhy(a.skip)}`),
  'autoconf-only': (a) => `not regenerated: ${autoconfOnlyText(a.autoconfOnly)}`,
  'not-among-outputs': (a) => `not among the regenerated outputs of ${a.steps.join(', ') || 'this run'}`,
  'not-applicable': (a) => (a.cause ? regenCauseText(a.cause) : 'nothing to regenerate'),
  'not-regenerated': (a) => `not regenerated: ${a.cause ? regenCauseText(a.cause) : a.status}`,
  'unproved-inputs': (a) =>
    `reproduced ${a.normalised ? 'after the listed normalisations' : 'byte for byte'} by ${a.step} (${a.tool} ${a.version}), but from ${a.inputs
      .map((x) => `${x.path} (${x.regenerated ? 'itself reproduced only from unproved inputs' : 'as shipped'})`)
      .join(', ')}, not proved${a.autoconfOnly ? `: ${autoconfOnlyText(a.autoconfOnly)}` : ''}`,
  'gnulib-tool-label': (a) => `gnulib-tool output (its generated-file header, its place in the layout of ${a.layoutFrom}); ${a.miss ? gnulibToolMissText(a.miss) : 'gnulib-tool is not run'}, so its content is not proved`,
} satisfies { [K in ProofCauseKind]: (args: ProofCauseArgs[K]) => string };

/** Why running the pinned gnulib's gnulib-tool did not prove an output (raw). */
export function gnulibToolMissText(m: GnulibToolMiss): string {
  switch (m.kind) {
    case 'no-pinned-gnulib':
      return 'no gnulib pinned by the revision could be read (pass a clone of gnulib with --submodule gnulib=REPO)';
    case 'regeneration-off':
      return 'gnulib-tool not run: regeneration disabled with --no-regenerate';
    case 'sandbox-unavailable':
      return `gnulib-tool not run: no sandbox (${regenCauseText(m.cause)})`;
    case 'no-invocation':
      return 'the release records no gnulib-tool invocation (no gnulib-cache.m4, no "Reproduce by:" block) to run it with';
    case 'invocation-refused':
      return `the gnulib-tool invocation recorded in ${m.source} is refused: ${m.arg} (${m.why === 'option' ? 'not a gnulib-tool layout option' : m.why === 'module' ? 'not a module of the pinned gnulib or of a tracked local dir' : m.why === 'directory' ? 'a directory outside the project' : m.why === 'target' ? 'not the directory its outputs are in' : 'the project top as a local dir'})`;
    case 'failed':
      return `gnulib-tool failed (${typeof m.failure.exit === 'number' ? `exit ${m.failure.exit}` : m.failure.exit}${m.failure.timedOut ? ', timed out' : ''}: ${m.failure.stderr})`;
    case 'not-written':
      return `gnulib-tool, run with the invocation recorded in ${m.source}, did not write it`;
  }
}

/** Why a generated file is not proved (raw). A proof read back from an older report (only `reason`) keeps it. */
export function proofCauseText(c: ProofCause | undefined, old?: object): string {
  return c ? (PROOF_CAUSE_WORDING[c.kind] as (a: unknown) => string)(c.args) : String((old as { reason?: unknown } | undefined)?.reason ?? '');
}

/** Why a group of build outputs is not proved (UNPROVED_BUILD_OUTPUTS); `satisfies`: a kind without wording is a type error. */
export const UNPROVED_REASON_WORDING = {
  'tool-unavailable': (a) => `${a.tools.map((t) => `${t.name} ${t.version}`).join(' and ')} (the version${a.tools.length > 1 ? 's' : ''} the files are stamped with) not available here`,
  'sandbox-unavailable': (a) => `no sandbox to regenerate them in: ${regenCauseText(a.cause)}`,
  'regeneration-off': () => 'regeneration disabled with --no-regenerate',
  'regeneration-failed': (a) => `regeneration failed: ${a.cause ? regenCauseText(a.cause) : a.skip ? regenSkipText(a.skip) : 'no cause recorded'}`,
  'not-regenerable': (a) => proofCauseText(a.cause),
  'gnulib-unavailable': () => 'gnulib-tool outputs, and no gnulib pinned by the revision could be read to run its gnulib-tool',
} satisfies { [K in UnprovedReasonKind]: (args: UnprovedReasonArgs[K]) => string };

export function unprovedReasonText(r: UnprovedReason): string {
  return (UNPROVED_REASON_WORDING[r.kind] as (a: unknown) => string)(r.args);
}

/** What would prove unproved build outputs: the command first; `satisfies`: a kind without wording is a type error. */
export const REMEDY_WORDING = {
  'toolchain-release': (a) => `distdiff toolchain add ${a.name}-${a.version}.tar.xz (the GNU release tarball, from ftp.gnu.org or a mirror)`,
  'toolchain-git': (a) => `distdiff toolchain add --git <${a.name} repository> --version ${a.version} (a test release or git snapshot: built from that revision of ${a.name}'s own repository)`,
  'toolchain-unobtainable': (a) => `${noSourceText(a.name, a.version)}; nothing distdiff can fetch or build reproduces it — review the files, then accept them explicitly with --accept-unproved or a policy allowance with your reason`,
  'install-bubblewrap': () => 'install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap) and run again',
  'enable-user-namespaces': () => 'let bubblewrap start a sandbox (allow unprivileged user namespaces: sysctl kernel.unprivileged_userns_clone=1, or run on a host that allows them) and run again',
  'drop-no-regenerate': () => 'run again without --no-regenerate',
  'read-failure': () => 'fix the failing step named below (--regenerate=require stops on it with its message) and run again',
  'submodule-gnulib': () => "distdiff verify … --submodule gnulib=REPO (a clone of gnulib holding the commit the revision pins, or the branch bootstrap.conf's GNULIB_REVISION names; when nothing pins gnulib, a clone of its master: the commit is inferred from the copies the release ships)",
  review: () => 'review them, then accept them explicitly with --accept-unproved or a policy allowance with your reason',
} satisfies { [K in RemedyKind]: (args: RemedyArgs[K]) => string };

export function remedyText(r: Remedy): string {
  return (REMEDY_WORDING[r.kind] as (a: unknown) => string)(r.args);
}

/** "7 Makefile.in, aclocal.m4, configure": how many files of each name a group holds, most first. */
export function fileNamesSummary(files: readonly string[]): string {
  const byName = new Map<string, number>();
  for (const f of files) {
    const base = f.slice(f.lastIndexOf('/') + 1);
    byName.set(base, (byName.get(base) ?? 0) + 1);
  }
  return [...byName.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([name, n]) => (n > 1 ? `${n} ${name}` : name))
    .join(', ');
}

/** UNPROVED_BUILD_OUTPUTS's message: the remedy first ("to prove: …", or "nothing here can prove them: review …"), then what is not proved and why, then the files (at most 8 named). */
export function unprovedBuildOutputsText(e: EvidenceMap['UNPROVED_BUILD_OUTPUTS']): string {
  const shown = e.files.slice(0, 8);
  return (
    `${e.remedies.every((r) => r.kind === 'review') ? 'nothing here can prove them' : 'to prove'}: ${e.remedies.map(remedyText).join('; ')} — ` +
    `${fileNamesSummary(e.files)}${e.dir ? ` of ${e.dir}/` : ''} not proved: ${unprovedReasonText(e.reason)}` +
    `${e.viaInputs.length ? ` (${e.viaInputs.length} of them reproduced, but only from the others)` : ''}` +
    ` [${shown.join(', ')}${e.files.length > shown.length ? `, … ${e.files.length - shown.length} more` : ''}]`
  );
}

/** How an output was made beyond its plain step, each kind worded; `satisfies`: a kind without wording is a type error. */
export const PROCEDURE_WORDING = {
  'aclocal-copies': (a) =>
    a.includeDir?.length
      ? `aclocal's system directory and an -I directory named by absolute path (whose copies aclocal writes after automake's own: ${a.includeDir.join(', ')}) held only the ${a.files.length} third-party macro file(s) copied into the shipped ${a.aclocal} (${a.files.join(', ')})`
      : `aclocal's system directory held only the ${a.files.length} third-party macro file(s) copied into the shipped ${a.aclocal} (${a.files.join(', ')})`,
  'gettext-system-macros': (a) =>
    `aclocal's system directory also held gettext ${a.version}'s ${a.files.length} installed macro files (gettext <= 0.19 installs them; tag ${a.tag}, commit ${a.commit.slice(0, 12)}), as the maintainer's did: with them aclocal wrote the shipped aclocal.m4 byte for byte`,
  'automake-add-missing': (a) =>
    `automake --add-missing --copy installed ${a.installed.join(', ') || 'nothing'} (the tarball's copies were set aside)` +
    (a.unlisted?.length ? `; run first: the shipped DIST_COMMON lacks ${a.unlisted.join(', ')}, installed after automake passed that Makefile.am` : ''),
  msgfmt: () => 'msgfmt -c -o X.gmo X.po (the shipped .po)',
  'msgmerge-msgfmt': (a) => `msgmerge ${a.option} -o X.1po X.po ${a.pot} && msgfmt -c -o X.gmo X.1po (the .po.gmo rule of the shipped ${a.rule}: the shipped .po merged with the shipped template first)`,
  'make-rule': (a) => `the rule of ${a.file} for ${a.target}, run in the sandbox in ${a.dir || 'the top directory'}: ${a.commands.join(' && ').slice(0, 600)}`,
  'undefined-empty': (a) => `${makeVars(a.vars)} defined nowhere: empty, as make expands it`,
  'ac-init-traced': (a) =>
    `AC_INIT's values traced from ${a.ac} by autom4te ${a.version} ${a.withAclocal ? 'with' : 'without'} aclocal.m4: ${a.values.map((v) => `${v.name}=${v.value}`).join(', ')}` +
    (a.substs?.length ? `; its literal AC_SUBST values, substituted for @NAME@ as config.status does: ${a.substs.map((v) => `${v.name}=${v.value}`).join(', ')}` : ''),
  'automake-late-files': (a) => `set aside while automake ran: ${a.files.join(', ')} (tarball-only, absent from the shipped DIST_COMMON: made by the release after automake ran)`,
  'automake-options': (a) => `automake ${a.options.join(' ')} on this Makefile, the options its shipped rebuild rule names (the strictness the release's automake ran with: a Makefile rebuild rule passes its own, e.g. the top Makefile's \`$(AUTOMAKE) --foreign\`)`,
  'autoconf-substitute': (a) => `autoconf ${a.used} (a final release of its series) stood in for the stamped test release ${a.stamped}, which is not available`,
  'git-checkout': (a) =>
    `configure.ac's esyscmd asks git: the generators saw a read-only git checkout of ${a.commit.slice(0, 12)} with the repository's ${a.tags} tag(s)${a.releaseTag !== undefined ? ` and an annotated tag ${a.releaseTag} at it (no tag of the repository is at the commit given for the release: git-version-gen's tag prefix and the archive's version)` : ''}, as in the maintainer's checkout of the tag`,
  'git-checkout-before-tag': (a) =>
    `configure.ac's esyscmd asks git: the generators saw a read-only git checkout of ${a.commit.slice(0, 12)} with the repository's ${a.tags} tag(s) but not ${a.untagged.join(', ')}, the tag${a.untagged.length === 1 ? '' : 's'} at that commit — as in the maintainer's checkout of the release commit before it was tagged (run after a checkout of the tag did not reproduce the outputs)`,
  'exported-tree': (a) => `configure.ac's esyscmd asks git, but the outputs are those of ${a.commit.slice(0, 12)}'s tree without .git (an exported tree: the script's fallback without git), which the generators ran in after a git checkout of the tag did not reproduce them`,
  'automake-substitute': (a) => `stand-in automake ${a.used} for ${a.stamped}: aclocal and automake ${a.used}, the nearest release of the same series, ran (${a.stamped} is not available)`,
  'autoconf-output-name': (a) => `autoconf -o ${a.output}, as the tracked rule at ${a.rule}:${a.line} runs it`,
  'suite-by-blob-id': (a) => `the shipped suite is larger than the content kept in memory: its stamp was not read (autoconf ${a.version}, configure's, was used) and it is compared by its ${a.algo} blob id`,
} satisfies { [K in ProcedureStepKind]: (args: ProcedureStepArgs[K]) => string };

export function procedureText(p: ProcedureStep): string {
  return (PROCEDURE_WORDING[p.kind] as (a: unknown) => string)(p.args);
}

const LIBTOOL_VALUE: Record<NormalisationArgs['libtool-build']['value'], string> = { version: 'version', revision: 'package revision', url: 'home page URL', serial: 'serial' };

/** What was normalised before comparing, each kind worded; `satisfies`: a kind without wording is a type error. */
/** What each undone automake template change was (src/regenerate/automake-stand-in.ts). */
const AUTOMAKE_CHANGE: Record<AutomakeTemplateChange, string> = {
  'install-after-ltlibraries': "1.16.5's install rules ordered after the libtool libraries undone",
  'distcheck-dvi-target': "1.16.3's AM_DISTCHECK_DVI_TARGET in distcheck undone",
  'testsuite-summary-header': "1.16.3's AM_TESTSUITE_SUMMARY_HEADER undone",
  'install-exec-built-sources': "1.16.3's install-exec: $(BUILT_SOURCES) undone",
  'dejagnu-objdir-quotes': "1.16.3's quoted objdir in site.exp undone",
  'dist-zstd': "1.16.2's dist-zstd target and distcheck's .tar.zst case undone",
  'tagged-files-space': "1.16.2's space after $(LISP) in am__tagged_files undone",
};

export const NORMALISATION_WORDING = {
  'debian-runstatedir': (a) =>
    `Debian's autoconf 2.69 --runstatedir patch (backported from 2.70): its 13 configure lines, each in its place, removed from the shipped file before comparing with GNU autoconf 2.69's output${a.renumbered ? `; ${a.renumbered} line number(s) written by m4's __oline__ (\`$as_me:N:\`, \`configure:N:\`, \`#line N\`) given their place without those lines` : ''}`,
  'debian-largefile': (a) =>
    `Debian's autoconf 2.69 AC_SYS_LARGEFILE patch (backported from 2.70): ${a.lines} \`#define LARGE_OFF_T\` line${a.lines === 1 ? '' : 's'} written with \`((off_t) 1 << 31) << 31\`, put back in GNU autoconf 2.69's \`(off_t) 1 << 62\` form before comparing`,
  'debian-runstatedir-makefile': () =>
    "Debian's autoconf 2.69 --runstatedir patch: the `runstatedir = @runstatedir@` line automake wrote from its trace, removed from the shipped file before comparing with the output made with GNU autoconf 2.69",
  'automake-arflags-cr': () =>
    "`ARFLAGS = cr` in the shipped file put back as `ARFLAGS = cru`, the GNU release's default: automake made `cr` its default in 1.16.90 (upstream commit 8cdbdda5a, 2023), and distributions patched earlier automakes with that change (Fedora's); nothing else differs",
  'automake-gzip-eval': (a) =>
    `${a.lines} dist line${a.lines === 1 ? '' : 's'} \`eval GZIP= gzip $(GZIP_ENV)\` in the shipped file put back as \`GZIP=$(GZIP_ENV) gzip\`, the stamped GNU release's form: automake changed it in 1.15.1 (upstream commit 749468ac6, 2016: gzip deprecates the GZIP variable), and a distribution's earlier automake carried that change; nothing else differs`,
  'automake-rule-order': (a) => `automake's prerequisite-only rules (LIBOBJS dirstamp rules, empty rules of conditionally defined targets) in perl's per-run hash order: ${a.lines} line(s) in another order than automake wrote them here (the same lines, prerequisite-only rules)`,
  'catalog-messages': (a) => `compared as message catalogs (msgunfmt ${a.version}): the messages are identical, the binary layout differs (another msgfmt build)`,
  'libtool-build': (a) => `libtool snapshot build: ${LIBTOOL_VALUE[a.value]} ${a.from} → ${a.to} (${a.lines} line${a.lines === 1 ? '' : 's'})`,
  'make-rule-post-edit': (a) => `edited in place after the generator ran by the rule of ${a.file} for ${a.target}, computed over the generator's output (never run): ${a.commands.join(' && ').slice(0, 600)}`,
  'automake-stand-in': (a) =>
    `stand-in automake ${a.used} for ${a.stamped}: written back as ${a.stamped} writes it — ${a.stampLines} version stamp line${a.stampLines === 1 ? '' : 's'}${a.templates.map((t) => `, ${AUTOMAKE_CHANGE[t.change]} (${t.lines} line${t.lines === 1 ? '' : 's'})`).join('')}${a.macroFiles.length ? `, automake's own macro file${a.macroFiles.length === 1 ? '' : 's'} ${a.macroFiles.join(', ')} as ${a.stamped}'s (byte count and sha256 from automake's history)` : ''}${(a.backported ?? []).map((b) => `, ${b.name} as automake commit ${b.commit} (${b.date}) made it, a change after ${a.stamped} and before ${b.release} (byte count and sha256 from automake's history): a distribution's ${a.stamped} carrying that upstream change`).join('')}${a.notStamped ? `; but ${a.notStamped} in the shipped file is not ${a.stamped}'s (byte count and sha256), so it does not reproduce` : ''}`,
  'autoconf-version-line': (a) => `the generator's version: "GNU Autoconf ${a.used}" read as the stamped "GNU Autoconf ${a.stamped}" on ${a.lines} line${a.lines === 1 ? '' : 's'} (nothing else differs)`,
  'trailing-blank-lines': (a) => `only the end of the file differs: ${a.regenerated} empty line${a.regenerated === 1 ? '' : 's'} after the last line of the output, ${a.shipped} in the shipped file (another m4 ends the output differently); every line is the same`,
  'srcdir-includes': (a) => `${a.lines} m4_include line(s) carry the prefix ${a.prefix}: aclocal ran in a build directory, as the tracked rule at ${a.rule}:${a.line} (aclocal -I $(srcdir)/…) runs it there; every other byte is the same`,
  'run-year': (a) => `${a.lines} line(s) differ only in the year configure.ac's m4_esyscmd([date +%Y]) writes when autoconf runs: ${a.run} (this run) in the output, ${a.shipped} (the year of ${a.commit.slice(0, 12)}, the compared commit) in the shipped file; every other byte is the same`,
  'run-date': (a) => `${a.lines} line(s) differ only in the date the generator writes when it runs (date(1) output): this run's date in the output, ${a.shipped} in the shipped file; every other byte is the same`,
  'svn-keywords': (a) => `${a.lines} line(s) differ only by a Subversion keyword the output copies from ${a.inputs.join(', ')}, shipped expanded as svn export expanded it in that input (the run used git's unexpanded input); every other byte is the same`,
} satisfies { [K in NormalisationKind]: (args: NormalisationArgs[K]) => string };

export function normalisationText(n: Normalisation): string {
  return (NORMALISATION_WORDING[n.kind] as (a: unknown) => string)(n.args);
}

/** A generator that ran: "autoconf 2.71", "(cached toolchain)" after a cached one, the backported upstream commits of one built with them. */
export function toolText(t: ToolRef): string {
  return `${t.name} ${t.version}${t.backports?.length ? ` with upstream commits ${t.backports.map((c) => c.slice(0, 8)).join(', ')}` : ''}${t.package ? ` (Debian package ${t.package.name} ${t.package.version})` : ''}${t.origin === 'cache' ? ' (cached toolchain)' : ''}`;
}

/**
 * The REGENERATION note's lines under their schema 1 names. A note read back from an older report (the
 * lines only, no typed fields) keeps its lines.
 */
export function regenerationLines(n: RegenerationNote): { reason?: string; partial?: string; skipped?: string[]; tools: string[] } {
  const old = n as Partial<RegenerationNoteJson>;
  const reason = n.cause ? regenCauseText(n.cause) : old.reason;
  const partial = n.autoconfOnly ? autoconfOnlyText(n.autoconfOnly) : old.partial;
  const skipped = n.skips ? n.skips.map(regenSkipText) : old.skipped;
  return { ...(reason !== undefined ? { reason } : {}), ...(partial !== undefined ? { partial } : {}), ...(skipped ? { skipped } : {}), tools: n.toolchain ? n.toolchain.map(toolText) : (old.tools ?? []) };
}

function regenerationNoteJson(n: RegenerationNote): RegenerationNoteJson {
  const w = regenerationLines(n);
  return {
    code: n.code,
    status: n.status,
    ...(w.reason !== undefined ? { reason: w.reason } : {}),
    ...(n.cause ? { cause: n.cause } : {}),
    ...(w.partial !== undefined ? { partial: w.partial } : {}),
    ...(n.autoconfOnly ? { autoconfOnly: n.autoconfOnly } : {}),
    ...(w.skipped ? { skipped: w.skipped } : {}),
    ...(n.skips ? { skips: n.skips } : {}),
    ...(n.stamped ? { stamped: n.stamped } : {}),
    tools: w.tools,
    toolchain: n.toolchain ?? [],
    outputs: n.outputs,
    reproduced: n.reproduced,
    ...(n.seconds !== undefined ? { seconds: n.seconds } : {}),
  };
}

/**
 * `obj` with the English line(s) of each typed field under its schema 1 name, placed just before it
 * (keys keep their order); with `typed` false the typed fields are left out (the evidence exactly as
 * schema 1 had it: the HTML report's evidence list).
 */
function worded<T extends object>(obj: T, lines: Record<string, [string, unknown]>, typed: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const line = lines[k];
    if (line) out[line[0]] = line[1];
    if (!line || typed) out[k] = v;
  }
  return out;
}

/** A flagged input of a reproduced file: its path, "(copy of NAME, line N)" after a copy inside aclocal.m4 (raw). */
export function flaggedInputText(f: FlaggedInput): string {
  return f.copy ? `${f.path} (copy of ${f.copy.name}, line ${f.copy.line})` : f.path;
}

/** A generation proof with its `reason`, `procedure` and `normalisations` lines (raw). */
export function proofJson(p: GenerationProof, typed = true): GenerationProofJson {
  const lines: Record<string, [string, unknown]> = {};
  if ('cause' in p || 'reason' in p) lines.cause = ['reason', proofCauseText((p as { cause?: ProofCause }).cause, p)];
  if ('procedureSteps' in p) lines.procedureSteps = ['procedure', p.procedureSteps.map(procedureText)];
  if ('normalisationSteps' in p) lines.normalisationSteps = ['normalisations', p.normalisationSteps.map(normalisationText)];
  return worded(p, lines, typed) as GenerationProofJson;
}

/**
 * A finding's evidence for structured output: a GENERATED_BY_AUTOTOOLS proof and REGENERATION_MISMATCH
 * evidence get their English lines beside the typed fields (`typed` false: instead of them); any other
 * evidence is returned as it is.
 */
export function evidenceJson(f: Finding, typed = true): Finding['evidence'] {
  if (f.code === 'GENERATED_BY_AUTOTOOLS' && f.evidence.proof) return { ...f.evidence, proof: proofJson(f.evidence.proof, typed) };
  if (f.code === 'REPRODUCED_WITH_FLAGGED_INPUT' && f.evidence.flagged.some((x) => x.copy)) {
    // schema 1's `path` named the copy; `typed` false: as schema 1 had it (no `copy`).
    return { ...f.evidence, flagged: f.evidence.flagged.map(({ copy, ...x }) => (copy ? { ...x, path: flaggedInputText({ ...x, copy }), ...(typed ? { copy } : {}) } : x)) };
  }
  if (f.code === 'REGENERATION_MISMATCH') {
    const e = f.evidence;
    return worded(e, { procedureSteps: ['procedure', e.procedureSteps.map(procedureText)], normalisationSteps: ['normalisations', e.normalisationSteps.map(normalisationText)] }, typed) as RegenerationMismatchJson;
  }
  return f.evidence;
}

/** Whether evidenceJson changes the finding's evidence. */
export function hasWordedEvidence(f: Finding): boolean {
  return (f.code === 'GENERATED_BY_AUTOTOOLS' && f.evidence.proof !== undefined) || f.code === 'REGENERATION_MISMATCH' || (f.code === 'REPRODUCED_WITH_FLAGGED_INPUT' && f.evidence.flagged.some((x) => x.copy));
}

/** A finding for the JSON report and SARIF properties: its evidence with the English lines beside the kinds. */
export function findingJson(f: Finding): Finding {
  return hasWordedEvidence(f) ? ({ ...f, evidence: evidenceJson(f) } as Finding) : f;
}
