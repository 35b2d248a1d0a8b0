/**
 * What regeneration (src/regenerate) says about itself, as kinds with arguments and no prose: why it did
 * not run or failed, what it left out, why a generated file is not proved, how an output was made and
 * what was normalised before comparing. src/core/wording.ts words each kind (one entry per kind, checked
 * by `satisfies`); the JSON report adds those lines at its edge (render/json.ts) under the schema 1 names
 * (`reason`, `partial`, `skipped`, `tools`, `procedure`, `normalisations`). Types only.
 *
 * Arguments are data: paths, versions, counts, the commands a make rule runs (command lines, kept as
 * strings), and the words a failing command or a thrown error wrote (`stderr`, `error`), carried as they
 * came.
 */

/** A generator step of the autotools (src/regenerate). */
export type GeneratorStep = 'aclocal' | 'autoconf' | 'autoheader' | 'automake' | 'libtoolize' | 'msgfmt' | 'autotest' | 'make-rule' | 'make-replay' | 'gnulib-tool';

/** Why the pinned gnulib's gnulib-tool did not prove a gnulib-tool output (src/regenerate/gnulib-tool.ts). */
export type GnulibToolMiss =
  /** No gnulib pinned by the revision could be read (no submodule, no bootstrap.conf GNULIB_REVISION, its repository unavailable). */
  | { kind: 'no-pinned-gnulib' }
  | { kind: 'regeneration-off' }
  | { kind: 'sandbox-unavailable'; cause: Extract<RegenCause, { kind: 'bwrap-missing' | 'no-shell' | 'sandbox-refused' | 'bwrap-error' }> }
  /** The release records no gnulib-tool invocation (no gnulib-cache.m4, no "Reproduce by:" block). */
  | { kind: 'no-invocation' }
  /** The recorded invocation (in `source`) names an unknown option, a module the pinned gnulib lacks, a directory outside the project, or the project top as a local dir. */
  | { kind: 'invocation-refused'; source: string; arg: string; why: 'option' | 'module' | 'directory' | 'local-dir' | 'target' }
  /** gnulib-tool ran and failed. */
  | { kind: 'failed'; failure: CommandFailure }
  /** gnulib-tool ran and did not write this file. */
  | { kind: 'not-written'; source: string };

/** Why a tracked make rule that writes a tarball-only file is not replayed (src/regenerate/make-replay.ts); worded by core/wording.ts. */
export interface ReplayRefusalArgs {
  /** A command outside the allow-list (a compiler, a built program, a tracked script run as a program …), or a command named by a variable. */
  command: { command: string };
  /** git other than log / describe / rev-parse, or with an option that writes or runs (or no repository to ask). */
  'git-subcommand': { subcommand: string };
  /** An awk program that runs commands or writes files (system(), pipes, print redirection), or whose -f file is not tracked. */
  'awk-program': { problem: string };
  /** A sed invocation that edits in place, reads a script file, or runs / writes (e, w, r commands or flags). */
  'sed-script': { problem: string };
  /** A redirection to something other than the target, a temporary name beside it, or /dev/null. */
  redirect: { target: string };
  /** Shell the check does not read: `$(…)` substitution, backquotes nested too deep, an operator inside a `for` list, a word after a `( … )` group, or what the tokenizer refused (`text`: its message or the word). */
  syntax: { construct: 'command-substitution' | 'nested-substitution' | 'for-list' | 'word-after-group' | 'tokenizer'; text?: string };
  /** A make variable nothing here defines (a compiler $(CC), configure's $(CPP) …) or a make function. */
  variable: { detail: string };
  /** A prerequisite that is neither tracked nor made by a replayable rule (configure's Makefile …). */
  prerequisite: { path: string };
  /**
   * The file a rule writes is written again when the release is made: a recipe of the makefile (`file`, `line`)
   * writes it into the distribution directory (`mv … $(distdir)/ChangeLog` in m4 1.4.18's gen-ChangeLog, which its
   * dist-hook runs, over the `echo dummy > $@` rule that only pacifies automake), and the rule's replay did not
   * write the shipped file (one that does is kept).
   */
  'dist-overwritten': { file: string; line: number };
}
/** A rule of the tracked makefile `file` (at `line`) writes the tarball-only file `path` but is not replayed, and why (the file's finding carries it; not a skip of the note). */
export interface NotReplayed {
  path: string;
  file: string;
  line?: number;
  refusal: ReplayRefusal;
}
export type ReplayRefusalKind = keyof ReplayRefusalArgs;
export type ReplayRefusal = { [K in ReplayRefusalKind]: { kind: K; args: ReplayRefusalArgs[K] } }[ReplayRefusalKind];

/** A generator package that ran: name, version, and where it came from ('cache': a toolchain built by `distdiff toolchain add`). */
export interface ToolRef {
  name: 'autoconf' | 'automake' | 'libtool' | 'gettext';
  version: string;
  origin: 'system' | 'cache';
  /** A cached release built with these upstream commits applied (`toolchain add FILE --backport`), full ids in order. */
  backports?: string[];
  /** A cached distribution's binary package of the release (`toolchain add autoconf_2.69-14_all.deb`): its name and version. */
  package?: { name: string; version: string };
}

/** A sandboxed command that did not succeed: killed at its deadline, or its exit status (a signal name when killed), and the end of its stderr. */
export interface CommandFailure {
  timedOut: boolean;
  exit: number | string;
  stderr: string;
}

type None = Record<string, never>;

/** Why regeneration did not run, or failed, or (status done) what part of it failed. The key set IS the set of kinds. */
export interface RegenCauseArgs {
  /** --no-regenerate. */
  disabled: None;
  /** No tarball-only configure whose configure.ac is in git. */
  'no-configure': None;
  /** bubblewrap is not on PATH. */
  'bwrap-missing': None;
  'no-shell': None;
  /** bubblewrap is there but cannot start a sandbox (user namespaces disabled …): its stderr's last line, or its exit status. */
  'sandbox-refused': { stderr: string; exit: number | string };
  /** bubblewrap could not be spawned: the error's own message. */
  'bwrap-error': { error: string };
  'tree-too-large': { files: number; max: number };
  'no-autoconf-stamp': { configure: string };
  'no-automake-stamp': None;
  /** aclocal.m4 names another autoconf than configure. */
  'mixed-autoconf': { aclocalAutoconf: string; autoconf: string };
  /** The stamped automake is not installed nor cached (the run is then autoconf-only, or unavailable with --regenerate=require). */
  'automake-missing': { version: string };
  /** Tools of the stamped versions that are neither on the system nor cached. */
  'tools-missing': { tools: { name: ToolRef['name']; version: string }[] };
  /** Build inputs whose content was not kept in memory: the first three paths, and how many more. */
  'inputs-too-large': { paths: string[]; more: number };
  /** A generator command failed in the sandbox (the command line, the directory it ran in, how it failed). */
  'generator-failed': { command: string[]; dir: string; failure: CommandFailure };
  /** Regeneration stopped on an error of its own (the error's message). */
  error: { error: string };
  /** status done: msgfmt failed, so no .gmo catalog was compiled. */
  'msgfmt-failed': { failure: CommandFailure };
  /** status done: the catalogs could not be compiled (the error's message). */
  'catalogs-error': { error: string };
}
export type RegenCauseKind = keyof RegenCauseArgs;
export type RegenCause = { [K in RegenCauseKind]: { kind: K; args: RegenCauseArgs[K] } }[RegenCauseKind];

/** An autoconf-only run: why automake could not run, and how many Makefile.in (with a tracked Makefile.am) keep their label. */
export interface AutoconfOnly {
  why: Extract<RegenCause, { kind: 'no-automake-stamp' | 'mixed-autoconf' | 'automake-missing' }>;
  makefileIns: number;
}

/** An output that was planned but not made, and why. Every kind but `suites-failed` names the output (`path`). */
export interface RegenSkipArgs {
  /** A Makefile.in of an autoconf-only run whose Makefile.am the release made (not in git): nothing proves it. */
  'makefile-am-release-made': { path: string; why: AutoconfOnly['why']; am: string; gnulibTool: boolean };
  /** configure.ac's AC_INIT values could not be traced (`stderr`: the tracing's first meaningful error line; absent: it ran but printed no name/version). */
  'ac-init-untraced': { path: string; ac: string; stderr?: string };
  /** The make rule could not be expanded (the expander's message). */
  'rule-not-expandable': { path: string; am: string; error: string };
  'no-rule': { path: string };
  'rule-without-autom4te': { path: string; file: string };
  'autoconf-missing': { path: string; version: string };
  'rule-failed': { path: string; file: string; failure: CommandFailure };
  'undefined-vars': { path: string; vars: string[] };
  /** The autotest suites of a configure directory ('' = the top) were not attempted: the error's message. */
  'suites-failed': { dir: string; error: string };
  /**
   * An autoconf output (configure, the autoheader template) or aclocal.m4 of a run whose stamped autoconf is a test
   * release nobody can obtain (`stamped`, 2.72e) and that ran with its final release (`used`, 2.72) instead: that
   * autoconf's outputs carry its own version, so they are not compared and keep their label.
   */
  'autoconf-substitute': { path: string; stamped: string; used: string };
  /** The make-rule replays were not attempted: the error's message. */
  'make-replay-failed': { error: string };
}
export type RegenSkipKind = keyof RegenSkipArgs;
export type RegenSkip = { [K in RegenSkipKind]: { kind: K; args: RegenSkipArgs[K] } }[RegenSkipKind];

/** Why a generated file's explanation is not proved (GenerationProof with proved: false). */
export interface ProofCauseArgs {
  /** The generator (or the file) is outside what regeneration covers. */
  'not-covered': { tool: string };
  'not-attempted': None;
  /** The output was planned and skipped. */
  skipped: { skip: RegenSkip };
  /** aclocal.m4 or a Makefile.in of an autoconf-only run. */
  'autoconf-only': { autoconfOnly: AutoconfOnly };
  /** Regeneration ran, but this file is not among its outputs (the steps that ran). */
  'not-among-outputs': { steps: GeneratorStep[] };
  /** Regeneration found nothing to regenerate. */
  'not-applicable': { cause?: RegenCause };
  /** Regeneration did not run (off, unavailable, failed). */
  'not-regenerated': { status: string; cause?: RegenCause };
  /** Reproduced, but from inputs that are only labelled (`regenerated`: the input was itself reproduced only from such inputs). */
  'unproved-inputs': { normalised: boolean; step: GeneratorStep; tool: string; version: string; inputs: { path: string; regenerated: boolean }[]; autoconfOnly?: AutoconfOnly };
  /** gnulib-tool output placed by the layout of `layoutFrom`, not proved by running gnulib-tool (`miss`: why; absent in older reports). */
  'gnulib-tool-label': { layoutFrom: string; miss?: GnulibToolMiss };
}
export type ProofCauseKind = keyof ProofCauseArgs;
export type ProofCause = { [K in ProofCauseKind]: { kind: K; args: ProofCauseArgs[K] } }[ProofCauseKind];

/** How an output was made beyond its plain generator step (never silent). */
export interface ProcedureStepArgs {
  /** aclocal's system directory held only the third-party macro files copied into the shipped aclocal.m4. */
  /** `includeDir`: the copies written after automake's files, given to aclocal as an `-I` directory by absolute path. */
  'aclocal-copies': { aclocal: string; files: string[]; includeDir?: string[] };
  /** aclocal's system directory also held gettext `version`'s installed macro files (tag `tag`, commit `commit`; data/gettext-aclocal.json.gz): with them aclocal wrote the shipped aclocal.m4 byte for byte. */
  'gettext-system-macros': { version: string; tag: string; commit: string; files: string[] };
  /**
   * The `--add-missing --copy` automake run and the aux files it installed itself; `unlisted`: the aux files the
   * shipped top Makefile.in's DIST_COMMON lacks, which made this run go first (else it ran after a plain one).
   */
  'automake-add-missing': { installed: string[]; unlisted?: string[] };
  /** msgfmt -c compiled the shipped .po. */
  msgfmt: None;
  /** msgfmt -c compiled the shipped .po merged first with the shipped template `pot` by msgmerge `option`, as the .po.gmo rule of `rule` (po/Makefile.in.in) does. */
  'msgmerge-msgfmt': { pot: string; rule: string; option: string };
  /** A make rule of a tracked Makefile.am run in the sandbox; `commands` are its command lines (data, as make runs them). */
  'make-rule': { file: string; target: string; dir: string; commands: string[] };
  /** Variables the rule uses that nothing defines: empty, as make expands them. */
  'undefined-empty': { vars: string[] };
  /** configure.ac's AC_INIT values traced by autom4te (with or without aclocal.m4), in order. */
  /** `substs`: configure.ac's literal AC_SUBST values the rule used (src/regenerate/autotest.ts substLiterals). */
  'ac-init-traced': { ac: string; version: string; withAclocal: boolean; values: { name: string; value: string }[]; substs?: { name: string; value: string }[] };
  /** A suite beyond the content kept in memory: configure's autoconf used, compared by blob id. */
  'suite-by-blob-id': { version: string; algo: string };
  /** Tarball-only common files absent from the shipped DIST_COMMON, set aside while automake ran again. */
  'automake-late-files': { files: string[] };
  /** automake run again on this Makefile with the options its shipped rebuild rule names (./regenerate/automake-options.ts: the strictness of the release's run). */
  'automake-options': { options: string[] };
  /** automake's traces (or autotest) ran with autoconf `used` (a final release) for the stamped test release `stamped`. */
  'autoconf-substitute': { stamped: string; used: string };
  /** configure.ac's esyscmd asks git: the generators saw a read-only git checkout of `commit` with the repository's `tags` (./git-view.ts). */
  'git-checkout': { commit: string; tags: number; releaseTag?: string };
  /**
   * configure.ac's esyscmd asks git, and the generators reproduced the outputs in a checkout of `commit` whose view
   * lacks the `untagged` tags that point at it (the maintainer ran them in the release commit before tagging it: mc
   * 4.8.33's version.sh `git describe --abbrev=0` said 4.8.33-pre1), after the checkout of the tag did not.
   */
  'git-checkout-before-tag': { commit: string; tags: number; untagged: string[] };
  /** configure.ac's esyscmd asks git, and the generators reproduced the outputs in the tag's tree WITHOUT a `.git` (an
   *  exported tree: the script's no-git fallback, e.g. `cat VERSION`), after the git checkout did not (./regenerate.ts). */
  'exported-tree': { commit: string };
  /** aclocal and automake `used` (the nearest release of the same series) ran for the stamped automake `stamped`, which is not available. */
  'automake-substitute': { stamped: string; used: string };
  /** autoconf wrote configure under the name `output`, as the tracked make rule at `rule`:`line` does (`autoconf -o configure.sh`). */
  'autoconf-output-name': { output: string; rule: string; line: number };
}
export type ProcedureStepKind = keyof ProcedureStepArgs;
export type ProcedureStep = { [K in ProcedureStepKind]: { kind: K; args: ProcedureStepArgs[K] } }[ProcedureStepKind];

/** What was normalised before comparing (an output reproduced after normalisations says which). */
export interface NormalisationArgs {
  /** Debian's autoconf 2.69 --runstatedir patch undone in the shipped configure. */
  /** `renumbered`: `$as_me:N:` line numbers (m4's __oline__) given their place in the unpatched file. */
  'debian-runstatedir': { renumbered?: number };
  /** Debian's autoconf 2.69 AC_SYS_LARGEFILE patch undone on the shipped configure's `lines` LARGE_OFF_T lines. */
  'debian-largefile': { lines: number };
  /** The `runstatedir = @runstatedir@` line automake wrote from Debian 2.69's trace, removed from a shipped Makefile.in. */
  'debian-runstatedir-makefile': None;
  /** A shipped Makefile.in's `ARFLAGS = cr` (automake 1.16.90's default, upstream commit 8cdbdda5a, patched into earlier automakes by distributions) put back as `cru`, the GNU release's. */
  'automake-arflags-cr': None;
  /** A shipped Makefile.in's `lines` `eval GZIP= gzip $(GZIP_ENV)` dist lines (automake commit 749468ac6, released in 1.15.1, carried by a distribution's earlier automake) put back as `GZIP=$(GZIP_ENV) gzip`. */
  'automake-gzip-eval': { lines: number };
  /** automake's LIBOBJS dirstamp rules (or empty rules of a conditionally defined target) in perl's per-run hash order: `lines` lines in another order. */
  'automake-rule-order': { lines: number };
  /** .gmo catalogs compared as messages (msgunfmt of that version): same messages, another binary layout. */
  'catalog-messages': { version: string };
  /** A libtool snapshot build's value written into libtoolize's output, on `lines` lines. */
  'libtool-build': { value: 'version' | 'revision' | 'url' | 'serial'; from: string; to: string; lines: number };
  /** A tracked make rule (`file`, for `target`) that edits this file in place after its generator ran, computed over the generator's output (src/regenerate/post-edit.ts), never run; `commands` as make runs them. */
  'make-rule-post-edit': { file: string; target: string; commands: string[] };
  /** `GNU Autoconf <used>` written back as the stamped test release's `GNU Autoconf <stamped>` on `lines` line(s) (an autotest suite's header). */
  'autoconf-version-line': { stamped: string; used: string; lines: number };
  /**
   * A neighbour automake's output written back into the stamped release's form (src/regenerate/automake-stand-in.ts):
   * `stampLines` version/year stamp lines, each listed template change undone (`lines` lines), and automake's own
   * macro files in aclocal.m4 taken from the shipped file where they are the stamped release's by hash; `notStamped`:
   * the first of them that is not (the output then does not reproduce). `backported`: macro files that are, by hash,
   * the form a commit of automake's history gave them after the stamped release, up to the next release
   * (`release`) — an upstream change a distribution's build of the stamped release carries.
   */
  'automake-stand-in': {
    stamped: string;
    used: string;
    stampLines: number;
    templates: { change: AutomakeTemplateChange; lines: number }[];
    macroFiles: string[];
    notStamped?: string;
    backported?: { name: string; commit: string; date: string; release: string }[];
  };
  /** The output and the shipped file differ only in how many empty lines end them (`regenerated`, `shipped`): another m4 ends a diversion differently (OpenSSH 9.2p1's configure). */
  'trailing-blank-lines': { regenerated: number; shipped: number };
  /** `lines` line(s) differ only in the date(1) date a generator writes when it runs: this run's in the output, `shipped` (an earlier one) in the shipped file (src/regenerate/run-dates.ts). */
  'run-date': { lines: number; shipped: string };
  /** `lines` line(s) differ only in the year configure.ac's `m4_esyscmd([date +%Y])` wrote: `run` (this run's) in the output, `shipped` — the year of the compared `commit` — in the shipped file (src/regenerate/run-dates.ts runYearOnly). */
  'run-year': { lines: number; shipped: string; run: string; commit: string };
  /** `lines` line(s) where the output carries an input's Subversion keyword, shipped expanded exactly as that input is expanded in the tarball (an svn export: `inputs`, each SVN_KEYWORD_EXPANDED). */
  'svn-keywords': { lines: number; inputs: string[] };
  /**
   * aclocal.m4 made in a build directory by the tracked rule at `rule`:`line` (`aclocal -I $(srcdir)/m4`): `lines`
   * m4_include line(s) carry the build directory's way back to the source, `prefix` ("../"), every other byte the
   * same (src/regenerate/srcdir-includes.ts).
   */
  'srcdir-includes': { prefix: string; lines: number; rule: string; line: number };
}

/** A change of automake's Makefile.in templates or code between two releases of one series, undone for a stand-in. */
export type AutomakeTemplateChange = 'install-after-ltlibraries' | 'distcheck-dvi-target' | 'testsuite-summary-header' | 'install-exec-built-sources' | 'dejagnu-objdir-quotes' | 'dist-zstd' | 'tagged-files-space';
export type NormalisationKind = keyof NormalisationArgs;
export type Normalisation = { [K in NormalisationKind]: { kind: K; args: NormalisationArgs[K] } }[NormalisationKind];

/**
 * Why a group of build outputs (configure, Makefile.in, aclocal.m4, the autoheader template, autotest suites) is
 * not proved: UNPROVED_BUILD_OUTPUTS (src/regenerate/unproved.ts). One kind per remedy; worded by core/wording.ts.
 */
export interface UnprovedReasonArgs {
  /** The stamped version of a generator is neither on the system nor cached (`tools`: each name and stamped version). */
  'tool-unavailable': { tools: { name: ToolRef['name']; version: string }[] };
  /** The sandbox the generators run in is not available (bubblewrap missing, refused, no shell). */
  'sandbox-unavailable': { cause: Extract<RegenCause, { kind: 'bwrap-missing' | 'no-shell' | 'sandbox-refused' | 'bwrap-error' }> };
  /** --no-regenerate was given. */
  'regeneration-off': None;
  /** Regeneration ran and failed: the failing step (a generator command, a rule, an error). */
  'regeneration-failed': { cause?: RegenCause; skip?: RegenSkip };
  /** gnulib-tool's outputs, and no gnulib pinned by the revision could be read: `--submodule gnulib=REPO` proves them. */
  'gnulib-unavailable': None;
  /** Nothing available here regenerates them (no version stamp, mixed versions, an input the release made, not among the outputs …): the file's own cause. */
  'not-regenerable': { cause: ProofCause };
}
export type UnprovedReasonKind = keyof UnprovedReasonArgs;
export type UnprovedReason = { [K in UnprovedReasonKind]: { kind: K; args: UnprovedReasonArgs[K] } }[UnprovedReasonKind];

/** What would prove a group of unproved build outputs; worded (with the command to run) by core/wording.ts. */
export interface RemedyArgs {
  /** A GNU release: `distdiff toolchain add NAME-VERSION.tar.xz` (the tarball from ftp.gnu.org or a mirror). */
  'toolchain-release': { name: ToolRef['name']; version: string };
  /** A test release (2.72a, 1.16d) or a git-describe version (2.72.70-9ff9): built from the tool's own git repository. */
  'toolchain-git': { name: ToolRef['name']; version: string };
  /** No exact source exists (core/tool-version.ts 'none': a -dirty work-tree build, or no known version form): review and accept. */
  'toolchain-unobtainable': { name: ToolRef['name']; version: string };
  'install-bubblewrap': None;
  /** bubblewrap is there but cannot start a sandbox: unprivileged user namespaces. */
  'enable-user-namespaces': None;
  'drop-no-regenerate': None;
  /** Read the failing step; `--regenerate=require` makes the failure an error with its message. */
  'read-failure': None;
  /** A clone of gnulib holding the commit the revision pins: `--submodule gnulib=REPO`. */
  'submodule-gnulib': None;
  /** Nothing here proves them: read them, then accept them explicitly (--accept-unproved or a policy allowance with a reason). */
  review: None;
}
export type RemedyKind = keyof RemedyArgs;
export type Remedy = { [K in RemedyKind]: { kind: K; args: RemedyArgs[K] } }[RemedyKind];
