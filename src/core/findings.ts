/**
 * Findings: a typed code, the path it concerns, a severity and typed evidence.
 * No prose lives here; titles, descriptions and message templates are in ./codes.ts.
 */
import type { CommandFailure, GeneratorStep, Normalisation, ProcedureStep, ProofCause, Remedy, ReplayRefusal, UnprovedReason } from './regeneration.js';
import type { AnomalyEvidence, ContentDiff, EntryType, Severity } from './types.js';

/** Why a line of a man page a tracked script writes does not trace (src/classify/header-man.ts); worded in core/codes.ts. */
export type PageUntraced =
  | { kind: 'request'; request: string }
  | { kind: 'not-request' }
  | { kind: 'word'; word: string }
  | { kind: 'not-a-run' }
  | { kind: 'construct'; construct: string }
  | { kind: 'host'; host: string }
  | { kind: 'url'; url: string };

export type { GeneratorStep } from './regeneration.js';

/** A suspicious shell/m4 construct found in a file, with its 1-based line number. */
/** A minified bundle rebuilt byte for byte (src/profiles/npm-minified.ts): the minifier at the version `lockfile` pins, run in the sandbox as `argv` on the tracked `entry`. */
export interface MinifierRerun {
  tool: 'esbuild';
  version: string;
  lockfile: string;
  entry: string;
  argv: string[];
}

export interface Construct {
  kind: ConstructKind;
  line: number;
  /** The matched line, trimmed and bounded to 200 characters. */
  text: string;
}

export type ConstructKind =
  | 'recursive-grep-srcdir'
  | 'binary-grep'
  | 'tr-byte-swap'
  | 'pipe-to-decompressor'
  | 'byte-slicing'
  | 'eval-pipe-shell'
  | 'test-fixture-reference'
  | 'base64-decode'
  | 'download-to-shell'
  | 'sed-read-as-cat'
  | 'stderr-silenced-shell';

/** Where a piece of upstream data came from. */
export interface UpstreamRef {
  project: string;
  file: string;
  serial?: number;
  version?: string;
  commit?: string;
  date?: string;
  /** A version not read from the project's git: its origin ("libtool 2.4.7 release tarball", "Debian bookworm libtool 2.4.7-7~deb12u1"). */
  source?: string;
}

/**
 * A known distribution patch hunk in a toolchain copy (src/classify/distro-hunks.ts): `key` the first 12 hex of its
 * corpus key; `at` the 1-based line of the upstream version where it applies, `removed` that version's lines it
 * replaces; `line` the copy's 1-based line where its `added` lines (shown) start; in how many projects' releases,
 * made by how many people, the corpus saw it, first/last seen, example releases.
 */
export interface DistroHunk {
  key: string;
  at: number;
  removed: number;
  line: number;
  added: string[];
  projects: number;
  people: number;
  first: string;
  last: string;
  examples: string[];
  /** The hunk as the corpus saw it on another version (its label), matched here by its context (distro-hunks.ts portedHunk). */
  on?: string;
}

/** A line of a copy of an upstream file that the nearest known version does not have (1-based line number). */
export interface NovelLine {
  line: number;
  text: string;
}

/** Line-level provenance in evidence: the copy's novel lines (at most 50 listed) and the counts. */
/** A distribution's patch file (its label) and the copy's lines (1-based) its hunks add. */
export interface DistroPatchUse {
  source: string;
  lines: number[];
}

export interface LineProvenance {
  novelLines: number;
  removedLines: number;
  novel: NovelLine[];
}

/** The replayed rule: its tracked makefile and the rule's line there, the target as make named it, the directory the commands ran in, the commands (expanded, as make runs them), each tool with the version the sandbox ran; `failure`: the run failed (the output then did not reproduce). */
export interface MakeReplayEvidence {
  file: string;
  line?: number;
  target: string;
  dir: string;
  commands: string[];
  tools: { name: string; version: string }[];
  failure?: { timedOut: boolean; exit: number | string; stderr: string };
}

/** Evidence carried by each finding code. The key set of this interface IS the set of codes. */
export interface EvidenceMap extends AnomalyEvidence {
  // ---- raw differences left unexplained (the fallback) ----
  /** copyOf: a tracked file with the same content that does not explain it (the copy lands where the build runs it). */
  /** notReplayed: a rule of a tracked makefile writes it, but its recipe is not one the sandbox replays (src/regenerate/make-replay.ts). */
  TARBALL_ONLY_UNEXPLAINED: { size: number; oid?: string; buildAffecting: boolean; copyOf?: string; notReplayed?: { file: string; line?: number; refusal: ReplayRefusal }; generatorProof?: GeneratorUnproved; /** a man page a tracked script writes from the sources' doc comments (src/classify/header-man.ts) with a line they do not give */ untracedPage?: { generator: string; rule: string; line: number; text: string; why: PageUntraced }; /** a bison/flex/byacc output naming a tracked grammar that no generator here reproduced (src/regenerate/parsers.ts) */ parserProof?: ParserUnproved };
  GIT_ONLY: { oid?: string; type: EntryType };
  SOURCE_MODIFIED: { gitOid?: string; tarballOid?: string; buildAffecting: boolean };
  MODE_CHANGED: { git: 'executable' | 'regular'; tarball: 'executable' | 'regular' };
  /** compared: a symlink into a pinned submodule whose target's blob (absent when the pinned tree lacks the path) is not the tarball file's. */
  TYPE_CHANGED: { git: EntryType; tarball: EntryType; compared?: { submodule: string; commit: string; file: string; blob?: string; tarball: string } };
  SYMLINK_TARGET_CHANGED: { git: string; tarball: string };
  EXPORT_IGNORED: { type: EntryType };
  SUBMODULE: { commit?: string; tarball: 'absent' | 'empty' | 'content'; files: number };
  /** A tarball file equal to the file it was copied from in a submodule's pinned tree (src/classify/submodule-copy.ts). */
  /** via script: a tracked import script naming the submodule's path and the copy's directory put it there (src/classify/submodule-script-copy.ts). */
  /** `edited`: after gnulib-tool placed it, the tracked import script's in-place sed on that line edited it (libunistring's autogen.sh); `tool: 'perl'` for a bootstrap.conf hook's `perl -pi -e` (cppi's README-release). */
  SUBMODULE_COPY: { submodule: string; commit: string; file: string; via: 'path' | 'gnulib-tool' | 'bootstrap' | 'script'; script?: string; line?: number; prefix?: string; rewrites: SubmoduleRewrite[]; local?: GnulibLocal; edited?: { script: string; line: number; tool?: 'perl' } };
  /** A tarball file that maps to a file of a submodule's pinned tree but differs from it beyond the listed rewrites. */
  SUBMODULE_COPY_MODIFIED: { submodule: string; commit: string; file: string; via: 'path' | 'gnulib-tool' | 'bootstrap'; differingLines: number; buildAffecting: boolean; local?: GnulibLocal; edited?: { script: string; line: number; tool?: 'perl' } };
  /** rule: the tracked makefile rule that put it there (`Makefile.am:31`, a dist-hook renaming X.dist to X: src/classify/dist-rename.ts). */
  COPY_OF_TRACKED: { source: string; rule?: string };
  /** A file configure writes again, shipped from a configured tree (src/classify/configured-output.ts): config.status's output of `template`
   *  (tracked, or shipped: then in tarballInputs) with `placeholders` values, up to 8 non-empty ones shown; `configure` the listing's line. */
  CONFIGURED_FILE_SHIPPED: { template: string; templateTracked: boolean; configure: string; placeholders: number; values: Record<string, string>; tarballInputs?: string[] };
  /** a copy a tracked bootstrap script's loop makes (src/classify/bootstrap-copy.ts): the source, the script and the line of its ln/cp; sourceTracked false: the source is itself tarball-only (judged by its own finding) */
  BOOTSTRAP_TREE_COPY: { source: string; script: string; line: number; sourceTracked: boolean };
  REPO_METADATA_NOT_SHIPPED: { kind: 'git' | 'ci' | 'editor' | 'lint' };

  // ---- archive anomalies: AnomalyEvidence (core/types.ts), the evidence as scan and compare produce it ----

  // ---- explained: generated by the build system ----
  GENERATED_BY_AUTOTOOLS: { tool: AutotoolsTool; source?: string; proof?: GenerationProof };
  GENERATED_DOCS: { kind: 'man' | 'pdf' | 'html' | 'info' | 'text' | 'other'; source?: string };

  // ---- explained or flagged: copies of known upstream files ----
  UPSTREAM_COPY: { match: 'exact' | 'normalised'; upstream: UpstreamRef; others: number };
  /** hunks: the copy is `nearest` plus these known distribution patch hunks (their added lines also listed as `novel`). */
  /** match 'exact': the copy is byte for byte a distribution's toolchain copy the database holds (`version` names it). */
  /** patches: distribution patch files (debian/patches) whose hunks, applied at their place, account for the copy's `lines` (src/classify/distro-patches.ts). */
  UPSTREAM_COPY_VARIANT: { reason: 'libtool-snapshot' | 'distribution-patched' | 'several-upstreams'; version?: string; nearest?: UpstreamRef; hunks?: DistroHunk[]; match?: 'exact'; patches?: DistroPatchUse[] } & Partial<LineProvenance>;
  UPSTREAM_COPY_PATCHED: { name: string; upstream: UpstreamRef; patches?: DistroPatchUse[] } & LineProvenance;
  UPSTREAM_COPY_UNKNOWN_VERSION: {
    name: string;
    serial?: number;
    nearest?: UpstreamRef;
    changedLines?: number;
    /** Novel or dropped lines nothing accounts for (src/classify/novel-lines.ts), when they were counted. */
    unaccountedLines?: number;
  } & Partial<LineProvenance>;
  SERIAL_AHEAD_OF_UPSTREAM: { name: string; serial: number; maxUpstream: number; project: string; maxUpstreamRef?: UpstreamRef; nearest?: UpstreamRef } & Partial<LineProvenance>;
  SUSPICIOUS_CONSTRUCTS: { constructs: Construct[]; origin?: string };
  CARRIES_SUSPICIOUS_EXPANSION: { macroFile: string; markers: string[]; occurrences: number };

  // ---- regeneration (src/regenerate): generated files proved by running their generators ----
  REGENERATION_MISMATCH: { step: GeneratorStep; tool: string; version: string; produced: boolean; differingLines: number; inputs: ProvenanceInput[]; procedureSteps: ProcedureStep[]; normalisationSteps: Normalisation[]; failure?: CommandFailure };
  REPRODUCED_WITH_FLAGGED_INPUT: { step: GeneratorStep; tool: string; version: string; flagged: FlaggedInput[]; inputs: ProvenanceInput[] };
  /**
   * Build outputs of one release directory (`dir`, the configure.ac's; '' the top) that nothing proved, for one
   * reason (src/regenerate/unproved.ts): `files` every one of them (their GENERATED_BY_AUTOTOOLS findings keep the
   * label and the per-file cause), `viaInputs` those that reproduced only from the others, `remedies` what would prove them.
   */
  UNPROVED_BUILD_OUTPUTS: { dir: string; reason: UnprovedReason; remedies: Remedy[]; files: string[]; viaInputs: string[] };
  /** A tarball-only file a tracked make rule writes with text tools, made again by that rule in the sandbox, byte for byte (src/regenerate/make-replay.ts). */
  MAKE_RULE_REPLAYED: MakeReplayEvidence & { inputs: ProvenanceInput[]; procedureSteps: ProcedureStep[] };

  // ---- explained: release-process rewrites of tracked files ----
  PO_MSGMERGE_ONLY: { headerOnly: boolean; referenceLines: number; newMsgids: number };
  /**
   * msgids: the translations the tarball changes or brings (at most MAX_LISTED_MSGIDS); added: how many of
   * them are entries git's catalog lacks (or has fuzzy/untranslated) given a translation; formatChanged: the
   * msgids whose translation's printf directives differ from the msgid's (then high).
   */
  PO_TRANSLATION_CHANGED: { msgids: string[]; added?: number; formatChanged?: string[]; newHosts?: string[] };
  GENERATED_FROM_SOURCE: {
    how: 'substitution' | 'config-header' | 'generator' | 'texinfo-stamp' | 'extracted' | 'rendered' | 'make-rule' | 'script-touch' | 'index' | 'computed' | 'template' | 'doc-index' | 'doc-sections' | 'program-help' | 'markdown-html' | 'doc-comment-man' | 'man-alias' | 'man-list' | 'man-split' | 'man-split-list' | 'man-so' | 'figure' | 'file-list' | 'sitemap';
    source: string;
    /** figure: pixels of the shipped PNG that differ from the sandbox's fig2dev rendering (each on a stroke's edge), of all (src/regenerate/fig2dev.ts). */
    pixels?: { differing: number; total: number };
    substitutions?: Record<string, string>;
    /** substitution: the template named by a tracked bootstrap script's `sed … < IN > OUT` line, not by its name; heredoc: the file is the here-document at that line of bootstrap.conf (source), `$0` = ./bootstrap; configFiles: the AC_CONFIG_FILES/AC_OUTPUT OUT:IN mapping at that line of the configure script (any depth); config-header with rule: the tracked make rule (makefile, line) whose recipe runs `config.status --header` for it, the header not named by AC_CONFIG_HEADERS. */
    script?: { script: string; line: number; heredoc?: boolean; rule?: boolean; configFiles?: boolean };
    /** substitution: placeholders whose value is the content of the tracked file the configuration reads its variable from (`PACKAGE=\`cat $srcdir/doc/PACKAGE\``): placeholder -> file. */
    fromFiles?: Record<string, string>;
    generator?: string;
    /** generator: a tracked generated file the release regenerated (both headers name the source); lines it added. */
    regenerated?: boolean;
    added?: number;
    /** texinfo-stamp: the last commit touching the manual, its date (= UPDATED), the release version. */
    commit?: string;
    date?: string;
    version?: string;
    /** texinfo-stamp, when UPDATED is later than the manual's last change: that change's date and the release commit's (UPDATED lies between). */
    changed?: string;
    released?: string;
    /** index: the sources' directory glob, `generator` the registration macro, `files` the sources the lines were found in, `missing` their registration lines it does not list. */
    files?: number;
    missing?: number;
    /** doc-index: keywords traced to the tracked sections file and headers, chapter titles to the tracked DocBook sources; `files` the generated pages linked. */
    keywords?: number;
    titles?: number;
    /** extracted / rendered / index: the output's non-blank lines (or words, or registration lines) found in the source(s). */
    found?: number;
    total?: number;
    /** file-list: the locale whose `sort` order gives the shipped list (C: byte order; en_US.UTF-8: glibc's ISO 14651 order, modelled). */
    locale?: 'C' | 'en_US.UTF-8';
    /** file-list: names printed by `find` and written unsorted, in an order find's walk can print them (its start points in argument order, each directory's names together; a directory's own order is its file system's). */
    listOrder?: 'find';
    /** computed: the tracked inputs the rule's generator (a modelled tracked script, or the rule's own sed/cat commands) reads; source is the makefile fragment holding the rule. */
    inputs?: string[];
    /** template: files the elements name that only the tarball has (each judged by its own finding). */
    named?: string[];
    /** computed by a model of a compiled C generator: the model and the blob id of the tracked C source it was fingerprinted on. */
    model?: { id: string; blob: string };
    /** computed: inputs only the tarball has (generated files), read from it; each must be explained by its own finding (src/classify/derived-inputs.ts). */
    tarballInputs?: string[];
    /** make-rule: the number of commits the tag reaches, when the command writes the commit count (generator: the command). */
    commits?: number;
    /** extracted: the `@example` line of the manual block the file equals exactly (its header printed by `others`). */
    block?: number;
    /** extracted: further tracked sources some lines came from; the lines found in none (up to 5 shown). rendered (gdoc): further sources of its blocks (up to 20; `files` counts all). */
    others?: string[];
    untraced?: { line: number; text: string }[];
    /** generator: the named source is gnulib-tool's copy of this pinned submodule file (src/classify/submodule-copy.ts). */
    sourceCopy?: { submodule: string; commit: string; file: string };
    /** generator named by a free-form banner: the file is the source's bytes as a C character array and nothing else (embeddedCopy). */
    embedded?: boolean;
  };
  /** A bison/flex/byacc output made again in the sandbox from the tracked grammar, identical (src/regenerate/parsers.ts). */
  GENERATED_PARSER_PROVED: ParserRun & { outputs: string[] };
  /** A bison/flex/byacc output the named generator version does not reproduce from the tracked grammar. */
  GENERATED_PARSER_MISMATCH: ParserRun & { produced: boolean; differingLines: number; tried: number };
  /** A Cython C output (and the API headers the same run writes) made again in the sandbox by the cached Cython toolchain of the version it names, from the tracked source, identical (src/regenerate/cython.ts). */
  CYTHON_OUTPUT_PROVED: CythonRun & { outputs: string[] };
  /** A Cython C output that Cython of the version it names does not reproduce from the tracked source. */
  CYTHON_OUTPUT_MISMATCH: CythonRun & { produced: boolean; differingLines: number };
  /** A file a tracked rule writes with a registered generator tool (asn1Parser, gengetopt), made again in the sandbox by the system's packaged tool from the tracked input, identical (src/regenerate/generators.ts). */
  GENERATED_TOOL_PROVED: GeneratorToolRun & { outputs: string[] };
  /** Such a file the system's tool (of the version the file names, or the file names none) does not reproduce. */
  /** notWritten: a file of doxygen's output directory the run (which reproduced the tree) does not write (src/regenerate/doxygen.ts). */
  GENERATED_TOOL_MISMATCH: GeneratorToolRun & { differingLines: number; notWritten?: boolean; /** valac: the first line the regenerated and the shipped file differ at (1-based), each side's text */ firstDifference?: { line: number; regenerated: string; shipped: string } };
  /** Text a tracked make rule renders with makeinfo from a tracked texinfo file, made again in the sandbox (src/regenerate/makeinfo.ts). */
  MAKEINFO_OUTPUT_PROVED: MakeinfoRun & { version: string; normalisations: MakeinfoNormalisation[] };
  /** Not run, or run with another makeinfo than the release's and different: every text line is a run of the source's words. */
  MAKEINFO_OUTPUT_TRACED: MakeinfoRun & { why: 'version-differs' | 'not-run'; version?: string; lines: number };
  /** makeinfo of the release's version (or of an unknown one, and no content trace) gives other text. */
  MAKEINFO_OUTPUT_MISMATCH: MakeinfoRun & { version: string; produced: boolean; differingLines: number; /** the diff is against the shipped text read in ASCII (listed) */ normalisations: MakeinfoNormalisation[] };
  /** A git symlink checked out without symlink support (git core.symlinks=false): a regular file holding the link's own text. */
  SYMLINK_AS_TEXT: { target: string };
  /** `files`: how many files the shipped directory holds, each the target directory's file of that name. */
  SYMLINK_AS_DIRECTORY: { target: string; resolved: string; files: number };
  SYMLINK_AS_FILE: { target: string; resolved: string; via?: UpstreamRef; submodule?: string; /** the submodule's pinned commit and the target's blob there (= the tarball file's) */ pinned?: { commit: string; blob: string }; /** the package's subdirectory, when the target lies outside it (resolved is then a repository path) */ outside?: string };
  /** A catalog proved from tracked catalogs or sources (src/classify/catalogs.ts). */
  PO_FROM_TRACKED_CATALOG: {
    /** traced: a .pot each of whose msgids is the C string literal sequence at the line its #: reference names (src/classify/pot-trace.ts);
     *  itstool: a .pot each of whose msgids is the content of the XML element its #: reference and itstool path name (src/classify/itstool-pot.ts). */
    kind: 'subset' | 'template' | 'quot' | 'compiled' | 'traced' | 'itstool';
    /** traced: referenced sources only the tarball has (gnulib copies), each judged by its own finding (src/classify/derived-inputs.ts). */
    tarballInputs?: string[];
    /** subset: the tracked catalog; template: the first referenced source (or the Makefile.am of the rule); quot: the template beside it (or the file itself); compiled: the .po. */
    source: string;
    /** Translated entries checked (template: msgids checked; compiled: messages in the table). */
    entries: number;
    untranslated?: number;
    obsolete?: number;
    /** template: tracked sources its msgids were found in; via the prerequisites of a Makefile.am rule. */
    sources?: number;
    via?: 'make-rule';
    rule?: 'quot' | 'boldquot';
    /** quot: the header says `Language: en` (not en@quot) because this Rules-quot beside it is gettext < 0.18's, which gives msginit `-l $$ll` (the modifier stripped). */
    languageRule?: string;
    /** compiled: how the .po itself was proved. */
    of?: 'subset' | 'template' | 'quot' | 'compiled' | 'traced' | 'itstool';
  };
  PO_FETCHED_TRANSLATION: { kind: 'po' | 'gmo' | 'LINGUAS' | 'Makevars' | 'POTFILES.in'; script: string; project?: string };
  CHANGELOG_FROM_GIT: { commit: string };
  CHANGELOG_OTHER_COMMIT: { commit: string; expected: string };
  DOC_EDITED: { added: number; removed: number };
  /** file: which of the two gettextize touched ('configure.ac' for configure.ac or configure.in); from/to the gettext versions; changelog: po/ChangeLog's path; release: the commit of gettext's tag of `to` (data/gettext-releases.json). */
  GETTEXTIZE_UPGRADE: { file: 'configure.ac' | 'po/ChangeLog'; from?: string; to: string; changelog: string; release: string };
  LOG_DERIVED: {
    kind: 'authors' | 'log';
    /** Non-blank lines; traced to the template or the history; of which from the template. */
    lines: number;
    traced: number;
    fromTemplate: number;
    templates?: string[];
    untraced: number;
    /** The first untraced lines (1-based line numbers). */
    untracedLines: { line: number; text: string }[];
    /** Lines traced to commit messages as tracked amend files (gitlog-to-changelog --amend=FILE) correct them: the files, the commits they amend, the lines. */
    amended?: { files: string[]; commits: number; lines: number };
    /** log: lines traced as blocks that are a commit message's paragraph (or whole message) re-wrapped — git2cl, Mercurial's changelog template — after a `* FILES:` list and before an hg `[NODE]` line. */
    rewrapped?: number;
    /** log: `git log --name-status` lines (STATUS<TAB>PATH[<TAB>PATH]), each naming only paths a commit up to the revision touched (desktop-file-utils' meson dist script). */
    nameStatus?: number;
    /** The commits since the previous tag found in the file (their authors, or their subjects). */
    range?: { from?: string; since?: string; commits: number; found: number; what: 'authors' | 'subjects' };
    /** authors: lines that are a translator a .po file's Last-Translator header names (the catalogs beside the sources). */
    translators?: number;
    /** The catalogs only the tarball has whose Last-Translator traced a line (gnutls' fetched po/*.po): the derived-inputs post pass keeps the explanation only while each is explained below high. */
    tarballInputs?: string[];
  };
  /** `rule`/`date`: the tracked make dist rule that wrote the date into the dist copy (src/classify/dist-date.ts), the date it wrote. */
  VERSION_STAMP: { version?: string; lines: number[]; rule?: { file: string; target: string }; date?: string; earlier?: { value: string; tag: string; commit: string; commits: number }[] };
  /** the tarball lines (1-based) where git's Subversion keywords are expanded, and which keywords (src/classify/svn-keywords.ts) */
  SVN_KEYWORD_EXPANDED: { lines: number[]; keywords: string[] };
  /** A tar inside the release whose every file member is a known blob (src/classify/nested-archive.ts). */
  NESTED_ARCHIVE_KNOWN: { members: number; history: number; upstream: number; submodule: number; release: number; releases: string[] };
  /** `release`/`releases`: members known as an earlier release published them (counted in `known`), when any. */
  NESTED_ARCHIVE_UNKNOWN_MEMBERS: { members: number; known: number; unknown: number; names: string[]; release?: number; releases?: string[] };
  /** The git-version-gen string of a commit the release reaches (src/classify/version-file.ts). */
  VERSION_OF_EARLIER_COMMIT: { value: string; tag: string; commit?: string; commits?: number; prerelease?: boolean; dirty: boolean };
  ATTRIBUTE_NOT_APPLIED: { attribute: 'eol' | 'export-subst'; blob: string };
  LINE_ENDINGS_ONLY: { from: 'lf' | 'crlf'; to: 'lf' | 'crlf' };

  // ---- ecosystem profiles and the revision chain (src/profiles) ----
  REVISION_MISMATCH: { source: MetadataSource; claimed: string; commit: string; tag?: string; inRepo: boolean };
  METADATA_COMMIT_UNKNOWN: { source: MetadataSource; claimed: string; commit: string; tag?: string };
  TAG_CONFLICTS_WITH_ARCHIVE: { tag: string; tagVersion: string; archiveVersion: string; source: 'archive-name' };
  TAG_MOVED: { tag: string; previous: string; current: string; source: 'cache' };
  CRATE_DIRTY: { sha1?: string };
  CRATE_MANIFEST_MISMATCH: { gitOid?: string; origOid?: string; gitPath: string };
  PACKAGE_METADATA: { ecosystem: 'npm' | 'pypi' | 'crate' | 'wheel' | 'cpan'; kind: PackageMetadataKind; source?: string; script?: string };
  /** A Perl file changed only as Dist::Zilla's munging plugins change one (src/profiles/cpan.ts). */
  CPAN_MUNGED: { kinds: CpanMungeKind[] };
  NOT_PACKAGED: { ecosystem: 'npm' | 'wheel' | 'crate'; reason: 'files-field' | 'not-listed' | 'outside-package' | 'include-field' | 'exclude-field' };
  NPM_INSTALL_SCRIPT: { scripts: { name: string; git?: string; tarball?: string }[] };
  NPM_MANIFEST_CHANGED: { fields: string[] };
  NPM_MANIFEST_REWRITE: { rewrites: { field: string; kind: NpmRewriteKind }[] };
  /** proof: 'rerun' — `rerun` (the lockfile-pinned esbuild, run in the sandbox on the tracked sources) writes exactly its bytes (src/profiles/npm-minified.ts); 'tokens' — the token stream of the tracked script `source`; 'source-map' — `map` embeds exactly the tracked `sources` and maps every code line; 'bundt' — exactly what bundt 1.1.0–1.1.2 writes from `source`; 'file-list' — a JSON list of the tracked directory `sources[0]`'s files (one key's values its file stems, every other value text of its file) that the tracked script `source`, run by the package.json script `fileList.script`, names with the directory (src/profiles/npm-file-list.ts). */
  NPM_BUILD_OUTPUT: { source: string; proof: 'tokens' | 'source-map' | 'esm-conversion' | 'bundt' | 'rerun' | 'file-list'; map?: string; sources?: string[]; rerun?: MinifierRerun; fileList?: { key: string; entries: number; script: string }; crlfSources?: string[] };
  /** Build output with a tracked source (a file, or the source directory of a bundle), not proved; capabilities no tracked source has raise it. */
  NPM_BUILD_OUTPUT_UNPROVED: {
    source: string;
    kind: 'script' | 'declaration' | 'map' | 'style';
    why: 'compiled' | 'directory' | 'map-without-sources' | 'map-partial' | 'too-large' | 'declaration-map';
    map?: string;
    capabilities?: NpmCapability[];
  };
  /** Build output whose source map contradicts git (an embedded source differs) or the output (code lines no mapping covers). */
  NPM_BUILD_OUTPUT_MISMATCH: { source: string; map: string; differingSources: string[]; unmapped: number; unmappedLines: { line: number; text: string }[]; capabilities?: NpmCapability[] };
  NPM_UNSOURCED_OUTPUT: { minified: boolean; listedInFiles: boolean };
}

/**
 * The narrow, listed rewrites gnulib-tool applies when it copies a file (see src/classify/gnulib-rewrite.ts): the
 * `#ifdef HAVE_CONFIG_H` → `#if 1` line of the config-h module, and — gnulib-tool before 2021-06 — the
 * license-notice paragraph rewritten to GPLv3+ (a GPL project; with the same sed's "version 2" → "version 3"
 * elsewhere in the file) or to LGPL (--lgpl, --lgpl=2).
 */
export type SubmoduleRewrite = 'config-h' | 'license-gpl' | 'license-version' | 'license-names' | 'license-lgpl' | 'license-lgpl2' | 'license-lgpl3orgpl2' | 'bootstrap-mark';

/**
 * gnulib-tool's --local-dir files used for a copy (tracked in git): the override that replaced the pinned file
 * (the first local dir holding it), and the `.diff` patches applied on top (every local dir's, in order).
 */
export interface GnulibLocal {
  override?: string;
  patches: string[];
}

/** Archive metadata that names the commit an archive was made from. */
export type MetadataSource = 'npm-githead' | 'cargo-vcs-info' | 'pax-header' | 'changelog';

export type PackageMetadataKind =
  | 'pkg-info'
  | 'egg-info'
  | 'setup-cfg-egg-info'
  | 'dist-info'
  | 'cargo-vcs-info'
  | 'cargo-toml-orig'
  | 'cargo-toml-normalised'
  | 'cargo-lock'
  | 'npm-directory-manifest'
  | 'tshy-dialect-manifest'
  | 'npm-config-literal'
  | 'npm-subpath-stub'
  | 'npm-script-heredoc'
  | 'npm-script-echo'
  | 'cpan-manifest'
  | 'cpan-meta'
  | 'cpan-readme'
  | 'cpan-readme-pod'
  | 'cpan-license'
  | 'cpan-prereqs-dump'
  | 'cpan-cpanfile'
  | 'scm-version-file';

/** How Dist::Zilla's plugins change a tracked Perl file (src/profiles/cpan.ts `perlMunging`). */
export type CpanMungeKind = 'pod-comment' | 'pod-woven' | 'generated-banner' | 'git-description' | 'copyright-comment' | 'version-line';

/** What a built script can do that no tracked source does (src/profiles/npm-dist.ts). */
export type NpmCapability = 'child-process' | 'eval' | 'base64-decode' | 'network' | 'native-code';

export type NpmRewriteKind = 'workspace-protocol' | 'catalog-protocol' | 'publish-config' | 'formatting' | 'npm-internal' | 'version' | 'dual-publish' | 'clean-publish' | 'pnpm-publish';

export type AutotoolsTool =
  | 'autoconf'
  | 'automake'
  | 'aclocal'
  | 'autoheader'
  | 'libtoolize'
  | 'gettextize'
  | 'msgfmt'
  | 'xgettext'
  | 'automake-aux'
  | 'po4a'
  | 'gnulib-tool'
  | 'autom4te'
  | 'make';

export type FindingCode = keyof EvidenceMap;

/** Generator tools other than the parser generators whose output is regenerated (src/regenerate/generators.ts). */
export type GeneratorToolId = 'asn1Parser' | 'gengetopt' | 'gperf' | 'doxygen' | 'swig' | 'glib-genmarshal' | 'gdbus-codegen' | 'glib-mkenums' | 'valac';

/** One literal substitution a rule's recipe applies to the tool's output (`perl -pi -e 's/A/B/g' FILE`, `sed 's/A/B/g' $@ > T; mv T $@`). */
export interface ToolPostEdit {
  command: string;
  file: string;
  from: string;
  to: string;
  global: boolean;
  /** The pattern is anchored at the line's start (`s/^A/B/`): only a line beginning with A is edited. */
  anchored?: boolean;
  /** gnulib's path-normalising sed (from = to = NAME): a directory prefix before NAME, between blanks or quotes,
   * dropped (the first on each line; src/regenerate/generators.ts gnulibPathStrip). */
  pathPrefix?: boolean;
  /** `perl -ne '/FROM/ and print "TO\n"; print'` in the pipe after the tool: a line TO before each line holding FROM. */
  insertBefore?: boolean;
}

/** How a generator tool run was made: the system's packaged tool and its version, the tracked input, the rule. */
export interface GeneratorToolRun {
  tool: GeneratorToolId;
  /** The system tool's version (equal to the one the output names, unless namesNoVersion). */
  version: string;
  /** The tool's output format names no version (asn1Parser): only byte equality counts. */
  namesNoVersion?: boolean;
  source: string;
  /** Every tracked input of a run reading several (glib-mkenums: the headers and the template), in argument order. */
  sources?: string[];
  /** The tracked makefile fragment holding the rule, and its command as written. */
  rule: string;
  ruleCommand: string;
  /** gperf: the version the file's first line names when the system's gperf is another one, whose output is identical
   * but for that version number. */
  bannerVersion?: string;
  /** gperf: the command line is the one the output's banner records ("Command-line: gperf …"), not a rule's. */
  fromBanner?: boolean;
  /** gperf: the cached toolchain that ran instead of the system's (`distdiff toolchain add --git`): its directory, repository, commit and revision. */
  toolchain?: { name: string; repo: string; commit: string; revision: string };
  /** gperf: a banner recording absolute paths (a maintainer's machine: `/Applications/…/gperf -m 10 /Users/…/lib/x.gperf`) was
   * replayed with gperf and the tree mounted at those paths inside the sandbox: the program's path and the tree's root. */
  absolutePaths?: { program?: string; root?: string };
  /** argv as run in the sandbox (the system's tool first), from cwd. */
  command: string[];
  cwd: string;
  /** The recipe's literal edits of this output applied after the tool (commands as written). */
  postEdits: string[];
  /** swig: files outside the tree the interface file names, read from this system (`%include "/usr/include/linux/audit.h"`). */
  systemFiles?: string[];
  /** swig: prerequisites git lacks, made first from their grep rules read as data (libcap-ng's caps.h, capng.h). */
  madeInputs?: MadeInput[];
  /** valac: configure's $(VALAFLAGS) as its tracked configure.ac gives it with no option passed (`configure.ac:25 VALAFLAGS += --target-glib=2.36`). */
  configure?: string[];
  /** swig: words of the rule not passed (an `-I@NAME@` configure fills, a variable nothing defines, e.g. `$(PYTHON3_INCLUDES)`). */
  dropped?: string[];
}

/**
 * A file the build makes before a generator runs, computed from its rule read as data (src/regenerate/text-steps.ts):
 * `cat SOURCE | grep 'P' | grep -v 'Q' > path`. A system header as source (`system`) is read from this machine: its
 * sha256 recorded, and `configure` names configure.ac's default that gave its path.
 */
export interface MadeInput {
  path: string;
  /** The tracked makefile fragment holding the rule, and its command as written. */
  rule: string;
  command: string;
  /** The file filtered: a tracked path, or an absolute system header. */
  source: string;
  system?: boolean;
  sha256?: string;
  /** `configure.ac:69 CAPABILITY_HEADER=/usr/include/linux/capability.h`: the configure defaults the rule used. */
  configure?: string[];
  /** valac: a source its rule makes with a bare `touch $@` (enchant's dummy.vala): an empty file, no source read. */
  empty?: boolean;
  /** valac: a .vapi an earlier valac run of the same release wrote from the tag's sources (libgee's gee-0.8.vapi, read by tests/ with --pkg). */
  regenerated?: boolean;
}

/** Why a tarball-only file a registered generator tool writes was not proved by running it. */
export interface GeneratorUnproved {
  why: 'version-unavailable' | 'tool-missing' | 'regeneration-off' | 'not-attempted' | 'no-sandbox' | 'rule-unsupported' | 'banner-unsupported' | 'input-unavailable' | 'input-mismatch' | 'failed';
  tool: GeneratorToolId;
  wanted?: string;
  available?: string;
  /** tool-missing: the Debian package that installs it. */
  package?: string;
  /** rule-unsupported: the fragment and the command outside the listed forms; banner-unsupported (gperf): the banner's command line. */
  fragment?: string;
  command?: string;
  error?: string;
}

/** Parser and scanner generators whose output is regenerated (src/regenerate/parsers.ts). */
export type ParserTool = 'bison' | 'flex' | 'byacc';

/** A makeinfo rule of a tracked makefile fragment: the texinfo source, the fragment, the command as run (from `cwd`), the release's makeinfo when a sibling Info file names it. */
export interface MakeinfoRun {
  source: string;
  rule: string;
  command: string[];
  cwd?: string;
  releaseVersion?: string;
}
/** unicode-punctuation: makeinfo 7's ‘ ’ “ ” • for UTF-8 documents read as makeinfo 6's ASCII ' " *. */
export type MakeinfoNormalisation = 'unicode-punctuation';

/** How one generator run was made: tool and version, the grammar, argv and working directory (below the scratch root). */
/** How a Cython output was made again (src/regenerate/cython.ts). */
export interface CythonRun {
  version: string;
  /** The tracked .pyx/.py its metadata block names. */
  source: string;
  /** The extension module (the metadata's distutils name). */
  module: string;
  /** cythonize's compiler directives (`binding=True`) and Cython.Compiler.Options settings (`Options.generate_cleanup_code=3`) read from the tracked setup files. */
  settings: string[];
  /** The tracked setup files they came from. */
  flagsFrom: string[];
  toolchain: { name: string; repo: string; commit: string; revision: string };
}

export interface ParserRun {
  tool: ParserTool;
  version: string;
  source: string;
  /** The grammar is gnulib-tool's copy of this pinned submodule file (read from the submodule's pinned tree). */
  sourceCopy?: { submodule: string; commit: string; file: string };
  command: string[];
  cwd: string;
  /** The tracked build-rule files the options came from (empty: none gave options). */
  flagsFrom: string[];
  /** Options the shipped outputs imply, added to the rules' ('-d', '-l', '-L', '-v'), or '#line' when the rules' no-lines option was dropped. */
  implied: string[];
  /** An implied debugging option (-d/-t) is given by a tracked configure through a variable the rules pass: the rule file, the variable, and the configure line assigning it the option. */
  debugFrom?: { rule: string; variable: string; file: string; line: number; option: string };
  normalisations: ParserNormalisation[];
  /** The rule's literal edits of this output after the generator (`sed 's/A/B/g' $@ > T; mv T $@`: src/regenerate/generators.ts), applied to the run's output. */
  postEdits?: string[];
  /** This file is made by a tracked rule's sed of `file`, another output of the run, proved (gettext's po-gram-gen2.h from po-gram-gen.h): the rule's fragment and command as written; the run described is `file`'s. */
  derivedFrom?: { file: string; rule: string; command: string };
  /** automake's ylwrap ran the generator (the rule of `rule` through the shipped `script`): its rename of the generator's default outputs, applied as ylwrap applies it (on `#` lines: each `from` → `to`, and their include guards). */
  ylwrap?: YlwrapRename;
  /** The generator was a cached toolchain built from the tool's own repository (`distdiff toolchain add --git`), not the system's. */
  toolchain?: { name: string; repo: string; commit: string; revision: string };
}

/** How ylwrap renamed a generator's outputs (src/regenerate/parsers.ts). */
export interface YlwrapRename {
  /** The shipped ylwrap script the rule runs (`YLWRAP = $(top_srcdir)/X` of the Makefile.in). */
  script: string;
  /** The rule: a tracked recipe running `$(YLWRAP)` (its file), or automake's `.y.c`/`.l.c` suffix rule of the shipped Makefile.in listing the grammar in a tracked Makefile.am's sources. */
  rule: string;
  /** The tracked file listing the grammar (automake's suffix rule). */
  listedIn?: string;
  renames: [string, string][];
}

/**
 * line-directive-names: the file names inside #line directives were set aside on both sides (the spelling the
 * generator was given could not be matched: a maintainer's absolute path, ylwrap's rename of lex.yy.c/y.tab.c);
 * line-directive-numbers: their line numbers too (flex builds differ by one in the output's self-references).
 * #line directives carry no code: only compiler diagnostics and debuggers read them.
 */
export type ParserNormalisation = 'line-directive-names' | 'line-directive-numbers';

/** Why a labelled parser was not proved by regeneration. */
export interface ParserUnproved {
  why: 'version-unavailable' | 'tool-missing' | 'no-version' | 'regeneration-off' | 'not-attempted' | 'no-sandbox' | 'grammar-unavailable' | 'not-retained' | 'failed';
  tool: ParserTool;
  /** The grammar the output's header names (tracked, or gnulib-tool's copy of a pinned submodule file). */
  source?: string;
  /** The version the output names, and the system's. */
  wanted?: string;
  available?: string;
  error?: string;
}

/**
 * What the comparison saw at a finding's path, independent of how it was explained: only in the tarball,
 * only in git (export-ignore included), content changed, only the executable bit changed, the entry type
 * changed (file ↔ symlink ↔ submodule ↔ directory), a symlink's target changed, or not a difference
 * between the trees at all (an archive anomaly, or the archive's metadata disagreeing with the revision).
 */
export type ChangeKind = 'tarball-only' | 'git-only' | 'changed' | 'mode' | 'type' | 'link' | 'anomaly';
export const CHANGE_KINDS: readonly ChangeKind[] = ['tarball-only', 'git-only', 'changed', 'mode', 'type', 'link', 'anomaly'];

/** An entry's mode in git's notation: 100644 file, 100755 executable, 120000 symlink, 160000 submodule, 040000 directory. */
export type GitMode = '100644' | '100755' | '120000' | '160000' | '040000';


/**
 * An input a reproduced file depends on that is itself flagged: its path, its finding's code and severity;
 * `copy`: a third-party macro file copied into that aclocal.m4 (its name and line), worded by core/wording.ts
 * ("aclocal.m4 (copy of gpgme.m4, line 535)" — the JSON report's `path`, as schema 1 had it).
 */
export interface FlaggedInput {
  path: string;
  copy?: { name: string; line: number };
  code: FindingCode;
  severity: Severity;
}

/** One input of a regenerated file: where it came from and what explains it. */
export interface ProvenanceInput {
  path: string;
  /** 'aclocal-copy': a third-party macro file copied into the shipped aclocal.m4 (`path` is aclocal.m4, `part` names the file). */
  origin: 'git' | 'tarball' | 'regenerated' | 'aclocal-copy';
  part?: string;
  /** The finding code that explains a tarball input (UPSTREAM_COPY …), 'git' for a tracked file, 'reproduced' for a regenerated one. */
  explainedBy?: FindingCode | 'git' | 'reproduced';
  /** 'aclocal-copy': the known version the copy is (explained) or is nearest to (flagged). */
  upstream?: UpstreamRef;
  /** 'aclocal-copy': the copy's lines that version lacks (shown) and how many of its lines the copy lacks. */
  lines?: LineProvenance;
  /**
   * 'aclocal-copy' explained as a distribution build (UPSTREAM_COPY_VARIANT): the distribution patch hunks of the
   * corpus (data/distro-hunks.json) that turn `upstream` into the copy, each numbered in the copy.
   */
  hunks?: DistroHunk[];
  /**
   * 'aclocal-copy' explained as a known version plus a distribution's published patch series (UPSTREAM_COPY_PATCHED):
   * the patch files whose hunks add the copy's novel lines, each with those lines (src/classify/distro-patches.ts).
   */
  patches?: DistroPatchUse[];
}

/**
 * How a generated file was explained: reproduced byte for byte by its generator (tool, version, inputs),
 * or only labelled by its name and stamp (proved: false, with the cause it was not proved). Typed, no prose:
 * `cause`, `procedureSteps` and `normalisationSteps` are kinds with arguments (src/core/regeneration.ts),
 * worded by src/core/wording.ts; the JSON report adds the English `reason`, `procedure` and
 * `normalisations` beside them for schema 1 readers.
 */
export type GenerationProof =
  | { proved: true; method: 'regenerated'; step: GeneratorStep; tool: string; version: string; toolOrigin: 'system' | 'cache'; inputs: ProvenanceInput[]; procedureSteps: ProcedureStep[]; normalisationSteps: Normalisation[] }
  | { proved: false; method: 'label'; cause: ProofCause }
  /**
   * gnulib-tool's output reproduced byte for byte by the gnulib-tool of the gnulib commit the revision pins
   * (`submodule`, `commit`), run in the sandbox with the invocation the release records (`invocation.source`:
   * the file it was read from — the tag's bootstrap.conf when the release records none; `args`: after --import)
   * on the revision's configure.ac and local dirs.
   */
  | {
      proved: true;
      method: 'gnulib-tool';
      submodule: string;
      commit: string;
      invocation: { source: string; args: string[] };
      /** The post-import hook's script commands run after gnulib-tool in the same sandbox (`source`: the tag's bootstrap.conf). */
      hook?: { source: string; commands: string[][] };
      /** After the two header lines of the tracked bootstrap's cp_mark_as_generated (the old gnulib bootstrap copied gnulib-tool's outputs into place with them). */
      marked?: boolean;
    }
  /** Reproduced byte for byte, but from an input that is itself only labelled (an autoconf-only run's aclocal.m4). */
  | { proved: false; method: 'regenerated'; cause: ProofCause; step: GeneratorStep; tool: string; version: string; toolOrigin: 'system' | 'cache'; inputs: ProvenanceInput[]; unproved: string[]; normalisationSteps: Normalisation[] };

/** A GenerationProof as `--format json` prints it: the English `reason`, `procedure` and `normalisations` beside the typed fields (schema 1). */
export type GenerationProofJson = GenerationProof & { reason?: string; procedure?: string[]; normalisations?: string[] };

/** REGENERATION_MISMATCH evidence as `--format json` prints it: `procedure` and `normalisations` worded beside the typed fields. */
export type RegenerationMismatchJson = EvidenceMap['REGENERATION_MISMATCH'] & { procedure: string[]; normalisations: string[] };

/**
 * Why a finding's severity differs from its code's registry default (src/core/severity.ts is the only
 * place that sets it): build-affecting — an unexplained change to a file the build runs; suspicious-
 * constructs — the file (or the lines that differ) carries suspicious build constructs; flagged-macro —
 * a generated file carries the expansion of an m4 file rated critical; flagged-input — it reproduces only
 * from an input flagged at that severity; unverified-content — a submodule path where the tarball ships
 * files no git side verifies; local-copy-only — the file equals only a copy found on this machine, not a
 * recorded upstream version; normalised-match — it equals an upstream version only after comments and
 * whitespace are normalised; directory-source — build output whose source is a tracked directory, with
 * no file-to-file evidence; new-capability — built output that can do what no tracked source does (spawn
 * processes, evaluate strings, decode base64, reach the network, load native code); format-directives — a
 * translation the tarball changes or brings has other printf directives than its msgid (%n, %s for %d); url-host — a
 * translation the tarball changes or brings names a URL host neither its msgid nor git's translation names.
 */
export type SeverityReason =
  | 'build-affecting'
  | 'suspicious-constructs'
  | 'flagged-macro'
  | 'flagged-input'
  | 'unverified-content'
  | 'local-copy-only'
  | 'normalised-match'
  | 'directory-source'
  | 'new-capability'
  | 'format-directives'
  | 'url-host'
  | 'collision-not-in-git'
  | 'duplicate-differs';
export const SEVERITY_REASONS: readonly SeverityReason[] = [
  'build-affecting',
  'suspicious-constructs',
  'flagged-macro',
  'flagged-input',
  'unverified-content',
  'local-copy-only',
  'normalised-match',
  'directory-source',
  'new-capability',
  'format-directives',
  'url-host',
  'collision-not-in-git',
  'duplicate-differs',
];

export interface FindingBase<C extends FindingCode> {
  code: C;
  path: string;
  /** The registry default of `code`, unless `severityReason` says why not. */
  severity: Severity;
  evidence: EvidenceMap[C];
  /** Set when a classifier moved the severity away from the registry default, and why. */
  severityReason?: { reason: SeverityReason; default: Severity };
  /** What the comparison saw (absent only for a finding no comparison produced). */
  change?: ChangeKind;
  /** Blob id (or submodule commit) on each side, where the path exists there. */
  gitOid?: string;
  tarballOid?: string;
  /** Mode on each side, where the path exists there and has one (devices, FIFOs and hard links have none). */
  gitMode?: GitMode;
  tarballMode?: GitMode;
  /** Suspicious constructs found in this file; their presence raised the severity. */
  constructs?: Construct[];
  /** Content diff between git and tarball, when both sides exist and differ. */
  diff?: ContentDiff;
  /** Set when a policy allowance matched: the finding stays in the report, at info. */
  allowed?: { reason: string; originalSeverity: Severity };
  /** A check that failed and degraded to a plain comparison (diffoscope-style). */
  degraded?: { check: string; error: string };
}

/** A finding: discriminated on `code`, so `evidence` is typed per code. */
export type Finding = { [C in FindingCode]: FindingBase<C> }[FindingCode];

/** The line-level provenance a finding carries (upstream copies: UPSTREAM_COPY_PATCHED and relatives), if any. */
export function lineProvenanceOf(f: Finding): LineProvenance | undefined {
  const e = f.evidence as Partial<LineProvenance>;
  return Array.isArray(e.novel) && typeof e.novelLines === 'number' ? { novel: e.novel, novelLines: e.novelLines, removedLines: e.removedLines ?? 0 } : undefined;
}

/** What a producer may give besides code, path and evidence (never the severity: see src/core/severity.ts). */
export type FindingExtra<C extends FindingCode> = Partial<Omit<FindingBase<C>, 'code' | 'path' | 'severity' | 'evidence' | 'severityReason'>>;
