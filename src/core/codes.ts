/**
 * The one registry of finding codes: title, default severity, description, docs anchor and a message
 * template. `satisfies` makes a code without an entry (or an entry for an unknown code) a type error.
 */
import type { EvidenceMap, Finding, FindingCode, GeneratorUnproved, GnulibLocal, MadeInput, PageUntraced, ParserUnproved, SubmoduleRewrite, UpstreamRef } from './findings.js';
import type { Severity } from './types.js';
import { failureText, flaggedInputText, proofCauseText, replayRefusalText, unprovedBuildOutputsText } from './wording.js';

export const DOCS_BASE = 'https://github.com/distdiff/distdiff#';

export interface CodeDoc<C extends FindingCode> {
  title: string;
  severity: Severity;
  /** Whether this code explains a difference as expected (true) or reports something to look at. */
  explained: boolean;
  description: string;
  /** Anchor in README.md's "Finding codes" section. */
  docs: string;
  message: (ev: EvidenceMap[C]) => string;
}

const anchor = (code: string) => `code-${code.toLowerCase().replace(/_/g, '-')}`;

export const CODES = {
  TARBALL_ONLY_UNEXPLAINED: {
    title: 'File only in the tarball, unexplained',
    severity: 'high',
    explained: false,
    description:
      'The tarball ships a file that the tag does not have and no classifier could explain it. Always high, so the default gate fails on it whatever its type (the xz-utils payload hid in a binary "test file"); the evidence says whether it affects the build (m4, shell, Makefile, CMake, setup.py, build.rs …), and names a tracked file of the same content (copyOf) when the copy does not keep that file\'s role (see COPY_OF_TRACKED). A generator\'s output whose banner names a tracked input but which nothing here made again says why (generatorProof for gperf, asn1Parser, gengetopt; parserProof for bison, flex, byacc: e.g. the version it names is neither the system\'s nor a cached toolchain\'s, with the `distdiff toolchain add --git` command that would prove it).',
    docs: anchor('TARBALL_ONLY_UNEXPLAINED'),
    message: (e) =>
      `not in git (${e.size} bytes)${e.buildAffecting ? ', affects the build' : ''}${e.copyOf ? `; same content as ${e.copyOf} in git, but where the build compiles or runs it` : ''}${e.notReplayed ? `; the rule of ${e.notReplayed.file}${e.notReplayed.line ? `:${e.notReplayed.line}` : ''} writes it but is not replayed: ${replayRefusalText(e.notReplayed.refusal)}` : ''}${e.generatorProof ? `; ${e.generatorProof.tool} output, not proved: ${generatorUnprovedWords(e.generatorProof)}` : ''}${e.parserProof ? `; ${e.parserProof.tool} output${e.parserProof.source ? ` of ${e.parserProof.source}` : ''}, not proved: ${parserUnprovedWords(e.parserProof)}` : ''}${e.untracedPage ? `; a man page of ${e.untracedPage.generator} (${e.untracedPage.rule}) whose line ${e.untracedPage.line} the tracked sources do not give (${pageUntracedWords(e.untracedPage.why)}): ${JSON.stringify(e.untracedPage.text.slice(0, 80))}` : ''}`,
  },
  GIT_ONLY: {
    title: 'File only in git',
    severity: 'low',
    explained: false,
    description: 'The tag has a file that the tarball lacks and no export-ignore attribute removes it.',
    docs: anchor('GIT_ONLY'),
    message: (e) => `in git (${e.type}), missing from the tarball`,
  },
  SOURCE_MODIFIED: {
    title: 'Tracked file modified',
    severity: 'high',
    explained: false,
    description:
      'A file that git tracks has different content in the tarball and no classifier explained the change. Critical when it affects the build.',
    docs: anchor('SOURCE_MODIFIED'),
    message: (e) => `content differs from git${e.buildAffecting ? ', affects the build' : ''}`,
  },
  MODE_CHANGED: {
    title: 'Executable bit changed',
    severity: 'medium',
    explained: false,
    description: 'The file content matches git but its executable bit does not.',
    docs: anchor('MODE_CHANGED'),
    message: (e) => `${e.git} in git, ${e.tarball} in the tarball`,
  },
  TYPE_CHANGED: {
    title: 'Entry type changed',
    severity: 'high',
    explained: false,
    description: "The path is a different kind of entry in the tarball than in git (file, symlink, submodule, directory). For a symlink into a submodule whose pinned commit was read, the evidence names the target's blob there (or its absence) and the tarball file's blob, which differ.",
    docs: anchor('TYPE_CHANGED'),
    message: (e) =>
      `${e.git} in git, ${e.tarball} in the tarball${e.compared ? `; the link's target ${e.compared.file} in submodule ${e.compared.submodule} at ${e.compared.commit.slice(0, 12)} is ${e.compared.blob ? `blob ${e.compared.blob.slice(0, 12)}` : 'absent'}, the tarball file is ${e.compared.tarball.slice(0, 12)}` : ''}`,
  },
  SYMLINK_TARGET_CHANGED: {
    title: 'Symlink target changed',
    severity: 'high',
    explained: false,
    description: 'A symbolic link points somewhere else in the tarball than in git.',
    docs: anchor('SYMLINK_TARGET_CHANGED'),
    message: (e) => `points to ${JSON.stringify(e.tarball)}, git has ${JSON.stringify(e.git)}`,
  },
  EXPORT_IGNORED: {
    title: 'Excluded by export-ignore',
    severity: 'info',
    explained: true,
    description: 'The path is marked export-ignore in .gitattributes, so `git archive` leaves it out too.',
    docs: anchor('EXPORT_IGNORED'),
    message: () => 'export-ignore in .gitattributes; git archive omits it too',
  },
  SUBMODULE: {
    title: 'Submodule',
    severity: 'info',
    explained: false,
    description:
      'Git records a submodule (gitlink) here. Its content lives in another repository and is not verified; medium when the tarball ships files under it.',
    docs: anchor('SUBMODULE'),
    message: (e) =>
      `submodule at ${e.commit?.slice(0, 12) ?? '?'}; tarball has ${e.tarball === 'content' ? `${e.files} unverified file(s)` : e.tarball === 'empty' ? 'an empty directory' : 'nothing'}`,
  },
  SUBMODULE_COPY: {
    title: "Identical to the pinned submodule's file",
    severity: 'info',
    explained: true,
    description:
      "The file is the copy of a file of a submodule at exactly the commit the tag pins (gnulib's lib/, m4/, build-aux/, tests/, top/ files as gnulib-tool copies them), byte for byte or after one of gnulib-tool's listed rewrites (the config-h `#if 1` line; the license notice paragraph before 2021-06; --lgpl=3orGPLv2's notice), and, when the tag's tracked `bootstrap` defines the old gnulib bootstrap's `cp_mark_as_generated` (it ran gnulib-tool into a temporary directory and copied each file into place), that function's two header lines (`-*- buffer-read-only: t -*- vi: set ro:` and `DO NOT EDIT! GENERATED AUTOMATICALLY!` in the comment syntax it picks by the destination's name: `/* … */` for .c/.h, `# ` for .m4 and Make*, `@c ` for .texi; other files copied as they are). A gnulib-tool copy a tracked import script (autogen.sh, bootstrap, bootstrap.conf …) then edits in place on one command line — `sed -e EXPR … < P > T && mv T P`, literal expressions of the sed subset (s, p, d, addresses), libunistring 1.0's autogen.sh on lib/unistr.in.h — is proved when that sed, run on the pinned file (after its rewrites and local patches), gives the shipped bytes (the script and line in the evidence as `edited`; a path two lines edit is not modelled). Also a file a tracked import script copies out of another pinned submodule (gnutls' lib/minitasn1/ from devel/libtasn1 by devel/import-minitasn1.sh): the same blob id as the pinned tree's file of that name, and a tracked script or makefile fragment naming both the submodule's path and the copy's directory; a copy placed at the top or renamed with a prefix (cpio's bootstrap.conf `copy_files ${PAXUTILS}/paxlib lib pax`: paxlib/error.c → lib/paxerror.c) only when one tracked line names, as whole words after the script's literal NAME=word assignments, the pinned file's directory in the submodule, the copy's directory ('.' for the top) and the prefix (that line in the evidence).",
    docs: anchor('SUBMODULE_COPY'),
    message: (e) =>
      `identical to ${copiedFrom(e)}${e.rewrites.length ? ` after ${e.rewrites.map(rewriteWords).join(' and ')}` : ''}${e.script ? ` (copied by the tracked ${e.script}${e.line ? `:${e.line}` : ''}${e.prefix ? `, its name prefixed with '${e.prefix}' as that line says` : ''})` : ''}`,
  },
  SUBMODULE_COPY_MODIFIED: {
    title: "Differs from the pinned submodule's file",
    severity: 'high',
    explained: false,
    description:
      "The file is where gnulib-tool (or the submodule's own layout) puts a file of the pinned submodule, but its content differs from that file beyond gnulib-tool's listed rewrites. The diff shows pinned → tarball; critical when the added lines carry suspicious constructs.",
    docs: anchor('SUBMODULE_COPY_MODIFIED'),
    message: (e) =>
      `differs from ${copiedFrom(e)} in ${e.differingLines} line(s)${e.buildAffecting ? ', affects the build' : ''}`,
  },
  REPO_METADATA_NOT_SHIPPED: {
    title: 'Repository metadata not shipped',
    severity: 'info',
    explained: true,
    description:
      'A git-only file that only serves the repository or its hosting (.gitignore, .gitattributes, .github/, CI configuration, editor and linter settings); release tarballs normally leave these out.',
    docs: anchor('REPO_METADATA_NOT_SHIPPED'),
    message: (e) => `${e.kind} metadata, normally not shipped in release archives`,
  },
  COPY_OF_TRACKED: {
    title: 'Copy of a tracked file',
    severity: 'low',
    explained: true,
    description:
      "A tarball-only file whose content is byte-identical to a file git tracks at another path, and that keeps the file's role: a copy that is not code or a build file (README.md → README), or a code or build file with the source's base name (or the source's minus an extension: Makefile.dist → Makefile) copied from code, not made executable, and not taken out of a test, fixture or example directory; or a TypeScript declaration file (.d.ts, .d.mts, .d.cts) copied from a tracked TypeScript file under any name, not executable and not out of a test, fixture or example directory (nothing runs a declaration: esbuild's lib/shared/types.ts shipped as lib/main.d.ts, prettier's src/document/public.d.ts as doc.d.ts). A tracked test file shipped again where the build compiles, links or runs it (testdata/hook.go.txt → hook.go) stays TARBALL_ONLY_UNEXPLAINED. Also X made from the tracked X.dist (code or not) by the release's own dist-hook, a tracked Makefile.am rule that removes every *.dist from the distribution and copies each tracked one to its name without .dist (curl's and c-ares' idiom: c-ares' include/ares_build.h), X.dist itself not shipped.",
    docs: anchor('COPY_OF_TRACKED'),
    message: (e) => `identical to ${e.source} in git${e.rule ? `, renamed to this name by the dist-hook of ${e.rule}` : ''}`,
  },

  CONFIGURED_FILE_SHIPPED: {
    title: 'File configure writes, shipped from a configured tree',
    severity: 'medium',
    explained: false,
    description:
      "A tarball-only file that the tracked configure.ac lists in AC_CONFIG_FILES (or the old AC_OUTPUT's first argument) unconditionally — the macro opening a line, in no shell if/case block and no AS_IF/AS_CASE/m4_if — so `./configure` writes it again before anything reads it, and whose shipped content is config.status's instantiation of its one input with the maintainer's configure values: as many lines as the template (the tracked X.in, or the shipped one such as automake's Makefile.in, then an input judged by its own finding and raising this one to high when it is not explained below high), each line the template's with every @NAME@ replaced by one single-line value, the same wherever NAME occurs, `@configure_input@` exactly `OUT.  Generated from IN by configure.`, a `VPATH = @srcdir@` line substituted or emptied; the file is no C/C++ header or source (in a VPATH build a quoted include finds the source directory's shipped copy first) no RPM spec (`rpmbuild -ta` reads the tarball's spec without running configure) and not the configure directory's own Makefile (`make` run without configure reads it); no value names a file the tarball ships (a program pointed at a shipped test file, as the xz backdoor ran one) or a path under a directory any local user writes (/tmp, /var/tmp, /dev/shm …; a TMP/TEMP setting may be that directory itself); no value carries a suspicious construct or anything that runs or chains a command (`;`, `|`, `&`, `<`, `>`, a backquote, `$(…)` or `${…}` other than a plain variable reference such as automake's `$${TAR-tar}`). The release shipped a build-tree file (memcached 1.6.18's doc/Makefile, openvpn 2.6.14's sample/sample-plugins/Makefile, gcal 4.1's misc/dst/dst with @ZDUMP@ = /usr/sbin/zdump): a sloppy release, worth a look, harmless to a build that runs configure. Medium, so the default gate does not fail on it; a conditional listing, a line no substitution gives or a value with a construct or a command leaves the file TARBALL_ONLY_UNEXPLAINED (high).",
    docs: anchor('CONFIGURED_FILE_SHIPPED'),
    message: (e) =>
      `config.status's output of ${e.template}${e.templateTracked ? '' : ' (shipped)'} with the maintainer's configure values (${e.placeholders} placeholder(s)${Object.keys(e.values).length ? `: ${Object.entries(e.values).slice(0, 4).map(([k, v]) => `${k}=${v.length > 40 ? `${v.slice(0, 40)}…` : v}`).join(', ')}${e.placeholders > 4 ? ', …' : ''}` : ''}); ./configure writes it again (${e.configure})`,
  },
  BOOTSTRAP_TREE_COPY: {
    title: 'Copy made by a tracked bootstrap loop',
    severity: 'low',
    explained: true,
    description:
      "A tarball-only file of a directory that a tracked bootstrap script (bootstrap, bootstrap.sh, autogen.sh at the top; read, never run) fills with copies of another directory's files, byte-identical to that file: an outer `for V in W…; do` loop of literal words with `DEST=PREFIX$V`, inside it `for F in SRC/*; do` with `ln -s ../\"$F\" $DEST/` or `cp \"$F\" $DEST/` (strace's tests-m32/ and tests-mx32/ from tests/). The source is tracked (same blob), or itself tarball-only with the same blob — then it is judged by its own finding. A file the source directory lacks, or other bytes (a per-personality sed edit), stays TARBALL_ONLY_UNEXPLAINED.",
    docs: anchor('BOOTSTRAP_TREE_COPY'),
    message: (e) => `identical to ${e.source}${e.sourceTracked ? ' in git' : ' (only in the tarball: judged by its own finding)'}, copied by the loop of ${e.script}:${e.line}`,
  },

  DUPLICATE_ENTRY: {
    title: 'Path appears more than once',
    severity: 'medium',
    explained: false,
    description:
      'The archive holds several entries for one path; GNU tar keeps the last one, which is what distdiff compares, but an extractor told not to overwrite (`--skip-old-files`, `-k`) keeps the first. High (severityReason duplicate-differs) when the entries differ in kind, content, link target or executable bit — what a user gets then depends on the extractor; medium when every entry is the same (npm\'s packer lists a file twice when `main` names it again), so nothing differs whichever one is kept.',
    docs: anchor('DUPLICATE_ENTRY'),
    message: (e) => `${e.count} entries (${e.types.join(', ')}), ${e.sameContent ? 'same content' : 'different content'}; the last one wins`,
  },
  UNSAFE_PATH: {
    title: 'Absolute or parent-directory path',
    severity: 'critical',
    explained: false,
    description: 'An entry name is absolute or climbs out of the tree with `..`; a naive extractor writes outside the target directory.',
    docs: anchor('UNSAFE_PATH'),
    message: (e) => `${e.reason === 'absolute' ? 'absolute' : '".." in'} path ${JSON.stringify(e.raw)}`,
  },
  HARDLINK_ENTRY: {
    title: 'Hard link entry',
    severity: 'low',
    explained: false,
    description: 'The archive stores a hard link; its content is that of the target entry.',
    docs: anchor('HARDLINK_ENTRY'),
    message: (e) => `hard link to ${JSON.stringify(e.target)}`,
  },
  SPECIAL_FILE: {
    title: 'Device or FIFO entry',
    severity: 'high',
    explained: false,
    description: 'Source archives have no reason to carry device nodes or FIFOs.',
    docs: anchor('SPECIAL_FILE'),
    message: (e) => `${e.type} entry`,
  },
  NON_UTF8_NAME: {
    title: 'Name is not UTF-8',
    severity: 'medium',
    explained: false,
    description: 'The entry name is not valid UTF-8; it is shown with \\xNN escapes and cannot match a git path exactly.',
    docs: anchor('NON_UTF8_NAME'),
    message: (e) => `raw name ${JSON.stringify(e.raw)}`,
  },
  SPECIAL_MODE_BITS: {
    title: 'Setuid, setgid or sticky bit',
    severity: 'high',
    explained: false,
    description:
      'A file in the archive carries the setuid, setgid or sticky bit. Git cannot record these bits, so no tag explains them; extracted as root, a setuid file runs with its owner\'s rights.',
    docs: anchor('SPECIAL_MODE_BITS'),
    message: (e) => `mode ${e.mode} (${e.bits.join(', ')}); git records no such bits`,
  },
  ZIP_HIDDEN_DATA: {
    title: 'Data a zip extractor does not write',
    severity: 'medium',
    explained: false,
    description:
      "Bytes of a zip archive that no file holds: the archive comment (one that is exactly the revision's commit id, which `git archive` writes, is not reported), entry comments, extra fields of ids no zip tool defines, data before the first entry, between entries (beyond a data descriptor) or after the end record. No extractor writes them to disk, so they cannot reach the build (like TRAILING_DATA); they are where a payload rides along unseen.",
    docs: anchor('ZIP_HIDDEN_DATA'),
    message: (e) => `${e.bytes} bytes no entry holds: ${e.regions.map((r) => `${r.kind}${r.path ? ` of ${r.path}` : ''} ${r.bytes}`).join(', ')}${e.comment !== undefined ? ` (comment ${JSON.stringify(e.comment.slice(0, 80))})` : ''}`,
  },
  MEMBERS_AFTER_END: {
    title: 'Tar members after the end of the archive',
    severity: 'high',
    explained: false,
    description:
      "The data after the end-of-archive marker holds a tar header: a second archive appended to the first. GNU tar stops at the marker, so distdiff compares only what comes before it, but `tar --ignore-zeros` (the way to read concatenated archives) and some other extractors go on and extract the hidden members over the verified files. No packaging tool writes this.",
    docs: anchor('MEMBERS_AFTER_END'),
    message: (e) => `a tar header at byte ${e.offset}, after the end-of-archive marker (${JSON.stringify(e.name)}): \`tar --ignore-zeros\` extracts it`,
  },
  UNKNOWN_ENTRY_TYPE: {
    title: 'Unknown tar entry type',
    severity: 'medium',
    explained: false,
    description:
      "A tar entry with a typeflag no tar format defines ('Z', '8', 'A' …). GNU tar extracts it as a regular file (with a warning), data included, so distdiff compares it as one; no tool writes such entries, and an extractor that skips them sees another tree.",
    docs: anchor('UNKNOWN_ENTRY_TYPE'),
    message: (e) => `typeflag ${JSON.stringify(e.typeflag)}: extracted by GNU tar as a regular file, compared as one`,
  },
  EXTENDED_ATTRIBUTES: {
    title: 'Extended attributes, ACLs or file flags',
    severity: 'high',
    explained: false,
    description:
      "A pax header gives an entry extended attributes, an ACL or file flags that an extractor restores: bsdtar (libarchive) run as root does so by default, GNU tar with --xattrs, --acls or --selinux. Git records none of them, so no tag explains them, and they are not content: a file capability (`security.capability`) gives a program root's powers as setuid does, an ACL grants write or execute access the mode bits do not show, a file flag makes a file immutable or append-only, a `security.selinux` label relabels it. The `user.*` namespace (anyone may set it, it grants nothing) and macOS's `com.apple.*` metadata (quarantine, provenance) are not reported. No release of the evaluation set carries any such record. A pax global header setting them is reported once for the archive (path empty).",
    docs: anchor('EXTENDED_ATTRIBUTES'),
    message: (e) => `${e.global ? 'pax global header sets, for every later member, ' : 'restored on extraction (bsdtar as root; GNU tar --xattrs/--acls): '}${e.attributes.join(', ')}; git records none of them`,
  },
  WORLD_WRITABLE: {
    title: 'World-writable entries',
    severity: 'medium',
    explained: false,
    description:
      "Files or directories in the archive that anyone may write (mode o+w: 0666, 0777). Git cannot record these bits; GNU tar run as root keeps an archive's permissions by default, so a packager who extracts as root gets sources another local user can edit between this check and the build. One finding per directory. Medium, below the default gate: the content itself is verified, the risk lies in how it is extracted, and legitimate releases packed under umask 000 carry it (libpipeline 1.5.7: 33 files at 0666). Extract with `tar --no-same-permissions`, or gate on it with `--fail-on medium`.",
    docs: anchor('WORLD_WRITABLE'),
    message: (e) =>
      `${[e.files ? `${e.files} file${e.files === 1 ? '' : 's'}` : '', e.directories ? `${e.directories} director${e.directories === 1 ? 'y' : 'ies'}` : ''].filter(Boolean).join(' and ')} anyone may write (mode ${e.modes.join(', ')}): ${e.names.join(', ')}${e.more ? ` and ${e.more} more` : ''}; git records no such bits`,
  },
  LINK_ESCAPES_TREE: {
    title: 'Link points outside the tree',
    severity: 'high',
    explained: false,
    description: 'A symlink or hard link target resolves outside the release tree.',
    docs: anchor('LINK_ESCAPES_TREE'),
    message: (e) => `${e.link} to ${JSON.stringify(e.target)} leaves the tree`,
  },
  FILE_DIR_CONFLICT: {
    title: 'File and directory with the same name',
    severity: 'high',
    explained: false,
    description: 'One path is used both as a file and as a directory; what a user gets depends on the extractor.',
    docs: anchor('FILE_DIR_CONFLICT'),
    message: (e) => `conflicts with ${JSON.stringify(e.other)}`,
  },
  CASE_COLLISION: {
    title: 'Names differ only in case',
    severity: 'medium',
    explained: false,
    description:
      'Two paths differ only in letter case and collide on case-insensitive file systems (macOS, Windows): the later entry replaces the earlier one there. High (severityReason collision-not-in-git) when git does not track both names — the tarball brings the collision, so a tracked file may extract with another content; medium when the repository itself tracks both.',
    docs: anchor('CASE_COLLISION'),
    message: (e) => `collides with ${JSON.stringify(e.other)} on case-insensitive file systems`,
  },
  UNICODE_COLLISION: {
    title: 'Unicode normalisation twins',
    severity: 'high',
    explained: false,
    description: 'Two paths are the same text in different Unicode normalisation forms (NFC/NFD).',
    docs: anchor('UNICODE_COLLISION'),
    message: (e) => `same name as ${JSON.stringify(e.other)} after Unicode normalisation`,
  },
  CONFUSABLE_NAME: {
    title: 'Look-alike of another name',
    severity: 'high',
    explained: false,
    description: 'The name uses characters (e.g. Cyrillic letters, invisible characters, a blank at the end of a component) that make it look like another path: a tracked one, or a plain name of the archive itself.',
    docs: anchor('CONFUSABLE_NAME'),
    message: (e) => `looks like ${JSON.stringify(e.lookalike)}`,
  },
  INVISIBLE_CHARACTER: {
    title: 'Invisible characters in name',
    severity: 'high',
    explained: false,
    description: 'The name contains zero-width, bidirectional-control or other invisible characters.',
    docs: anchor('INVISIBLE_CHARACTER'),
    message: (e) => `contains ${e.codepoints.join(', ')}`,
  },
  CONTROL_CHARACTER: {
    title: 'Control characters in name',
    severity: 'high',
    explained: false,
    description:
      'The name contains C0/C1 control characters, DEL or line/paragraph separators: printed raw they could move the cursor, clear the screen or break a table to forge a report. Reports show them escaped (\\x1b, \\u2028).',
    docs: anchor('CONTROL_CHARACTER'),
    message: (e) => `contains control characters ${e.codepoints.join(', ')}`,
  },
  SPARSE_FILE: {
    title: 'Sparse file entry',
    severity: 'medium',
    explained: false,
    description: 'A sparse archive entry; its real content is not streamed and cannot be verified.',
    docs: anchor('SPARSE_FILE'),
    message: (e) => `sparse entry of ${e.size} bytes`,
  },
  SIZE_MISMATCH: {
    title: 'Declared size differs from data',
    severity: 'high',
    explained: false,
    description: 'The header declares a size that the stored data does not match.',
    docs: anchor('SIZE_MISMATCH'),
    message: (e) => `header says ${e.declared} bytes, data has ${e.actual}`,
  },
  TRAILING_DATA: {
    title: 'Data after the end of the archive',
    severity: 'medium',
    explained: false,
    description: 'Bytes follow the end-of-archive marker (a concatenated archive or appended payload).',
    docs: anchor('TRAILING_DATA'),
    message: (e) => `${e.bytes} bytes after the end-of-archive marker`,
  },
  BACKSLASH_PATH: {
    title: 'Backslash in path',
    severity: 'medium',
    explained: false,
    description: 'The name contains a backslash, a directory separator on Windows.',
    docs: anchor('BACKSLASH_PATH'),
    message: (e) => `raw name ${JSON.stringify(e.raw)}`,
  },

  GENERATED_BY_AUTOTOOLS: {
    title: 'Generated by the autotools',
    severity: 'info',
    explained: true,
    description: 'A file that `make dist` generates (configure, Makefile.in, aclocal.m4, config.h.in, po infrastructure, aux scripts) from a source that is in git.',
    docs: anchor('GENERATED_BY_AUTOTOOLS'),
    message: (e) =>
      e.proof?.proved && e.proof.method === 'gnulib-tool'
        ? `reproduced byte for byte by gnulib-tool of ${e.proof.submodule} ${e.proof.commit.slice(0, 12)} (the pinned commit), run with the invocation ${/(^|\/)bootstrap\.conf$/.test(e.proof.invocation.source) ? `the tag's ${e.proof.invocation.source} builds` : `recorded in ${e.proof.invocation.source}`}${e.proof.hook ? `, then ${e.proof.hook.commands.map((c) => c[0]).join(', ')} (the post-import hook of the tag's ${e.proof.hook.source})` : ''}${e.proof.marked ? ", copied into place with the header of the tracked bootstrap's cp_mark_as_generated" : ''}`
        : e.proof?.proved
        ? `reproduced byte for byte by ${e.proof.step} (${e.proof.tool} ${e.proof.version}) from ${e.proof.inputs.length} explained input(s)`
        : `generated by ${e.tool}${e.source ? ` from ${e.source} (in git)` : ''}${e.proof ? `; not proved: ${proofCauseText(e.proof.cause, e.proof)}` : ''}`,
  },
  GENERATED_DOCS: {
    title: 'Generated documentation',
    severity: 'low',
    explained: true,
    description:
      "Documentation built for the release (man pages, PDFs, HTML, info) that git does not track, and whose bytes are what its name says: a PDF from `%PDF-` to `%%EOF` named for a tracked source, of one revision whose cross-reference section lists every object, images with their format's signature (a PNG of the specification's chunks only, CRCs valid, ending with IEND), HTML-tree text without NUL bytes and no page or script loading or naming a host its generator's tracked configuration does not name, a man page rendered from a tracked markup page (AsciiDoc, Markdown, reStructuredText …) with at least 95 % of its body's words in that page and the files it includes and no host or construct it lacks, a plain-text rendering of a tracked man page with that page's words and URLs, info text with no NUL but makeinfo's index markers, each of its nodes an @node of a tracked or shipped texinfo source (or a heading of the tracked Markdown page pandoc made it from), none twice, nothing after the tag table but makeinfo's Local Variables block. A binary riding on a documentation name stays unexplained.",
    docs: anchor('GENERATED_DOCS'),
    message: (e) => `generated ${e.kind} documentation${e.source ? ` from ${e.source}` : ''}`,
  },
  UPSTREAM_COPY: {
    title: 'Identical to a known upstream file',
    severity: 'info',
    explained: true,
    description: 'The file matches a historical version of an upstream project file (gnulib, gettext, autoconf, automake, libtool …), or a test file a Dist::Zilla plugin writes from its template (data/dzil-templates.json: the template of a plugin release, byte for byte, with only inert values in its slots: numbers, shipped names in quotes, pieces of the plugin\'s own code).',
    docs: anchor('UPSTREAM_COPY'),
    message: (e) =>
      `${e.match === 'exact' ? 'identical to' : 'matches (ignoring comments/whitespace)'} ${describeUpstream(e.upstream)}`,
  },
  UPSTREAM_COPY_VARIANT: {
    title: 'Known variant of an upstream file',
    severity: 'low',
    explained: true,
    description:
      'A well-known legitimate variant: a libtool snapshot, a distribution-patched copy (identical to a distribution\'s toolchain copy, or a known version plus distribution patch hunks each seen in the toolchain copies of at least 3 unrelated projects\' releases, the judged release\'s own project not counted: data/distro-hunks.json; or a libtool distribution build whose every line the nearest version, a distribution\'s published patch series — evidence.patches, data/distro-patches.json — or the other accounting of UPSTREAM_COPY_PATCHED explains), or a file with several upstreams.',
    docs: anchor('UPSTREAM_COPY_VARIANT'),
    message: (e) =>
      e.hunks?.length && e.nearest
        ? `${describeUpstream(e.nearest)} + distribution hunk(s) ${e.hunks.map((h) => `${h.key} (line ${h.at}: -${h.removed} +${h.added.length}, seen in ${h.projects} unrelated projects' releases${h.on ? ` on ${h.on}, here by its context` : ''})`).join(', ')}`
        : `${e.reason}${e.version ? ` ${e.version}` : ''}${e.nearest ? `; nearest ${describeUpstream(e.nearest)}` : ''}${e.patches?.length ? `; from ${e.patches.map((p) => p.source).join(', ')}` : ''}`,
  },
  UPSTREAM_COPY_PATCHED: {
    title: 'Upstream file except a few lines',
    severity: 'low',
    explained: true,
    description:
      'The file is a known upstream version except a few lines (shown), none of which carries a suspicious construct, each accounted for: a comment where it is inert (not in an m4 macro argument, a here-document or after a backslash: there a `#` line lands in the C program of a check or cuts a command), a line of another known version of the file standing where that version has it (the two lines on either side the same), a version line, a + line of the patch shipped beside it, a line a hunk of a distribution\'s published patch series adds, standing where that series puts it in the version (evidence.patches names the patch files: Debian\'s debian/patches of libtool and automake, the patch files Gentoo\'s libtool and gnuconfig ebuilds apply — a hunk tried as patch(1) tries it, with fuzz, or a replacement by its changed lines), or an empty make rule for a target the file lacks; a dropped line must be a deletion some known version (or that series) also has, and a comment standing in place of the version\'s lines is their deletion. A project or distribution patch, or a file appended to by a bootstrap script. One new code line keeps the file UPSTREAM_COPY_UNKNOWN_VERSION.',
    docs: anchor('UPSTREAM_COPY_PATCHED'),
    message: (e) =>
      `${describeUpstream(e.upstream)} except ${e.novelLines} line(s)${e.removedLines ? `, ${e.removedLines} of its line(s) missing` : ''}${e.patches?.length ? `; from ${e.patches.map((p) => p.source).join(', ')}` : ''}`,
  },
  UPSTREAM_COPY_UNKNOWN_VERSION: {
    title: 'Known upstream file name, unknown content',
    severity: 'high',
    explained: false,
    description:
      'The file carries the name of an upstream file but matches none of its historical versions, and its lines that the nearest version lacks are not all accounted for (evidence.unaccountedLines counts the new code lines and unexplained deletions).',
    docs: anchor('UPSTREAM_COPY_UNKNOWN_VERSION'),
    message: (e) =>
      `${e.name}${e.serial !== undefined ? ` serial ${e.serial}` : ''} matches no known upstream version${e.nearest ? `; nearest ${describeUpstream(e.nearest)}${e.novelLines !== undefined ? ` except ${e.novelLines} line(s)${e.removedLines ? `, ${e.removedLines} of its line(s) missing` : ''}` : e.changedLines !== undefined ? ` (${e.changedLines} lines differ)` : ''}` : ''}${e.unaccountedLines ? `; ${e.unaccountedLines} of them new code (not a comment, version, known or patch line)` : ''}`,
  },
  SERIAL_AHEAD_OF_UPSTREAM: {
    title: 'Serial number ahead of every upstream release',
    severity: 'critical',
    explained: false,
    description: 'The file claims a serial higher than any upstream version ever had, which makes aclocal prefer it over the real one (the xz-utils 2024 pattern).',
    docs: anchor('SERIAL_AHEAD_OF_UPSTREAM'),
    message: (e) =>
      `${e.name} claims serial ${e.serial}; ${e.project} never went past ${e.maxUpstream}${e.nearest && e.novelLines !== undefined ? `; nearest ${describeUpstream(e.nearest)} except ${e.novelLines} line(s)` : ''}`,
  },
  SUSPICIOUS_CONSTRUCTS: {
    title: 'Suspicious build constructs',
    severity: 'high',
    explained: false,
    description: 'Build code that greps binary files, swaps bytes with tr, pipes into a decompressor, slices bytes or evaluates into a shell.',
    docs: anchor('SUSPICIOUS_CONSTRUCTS'),
    message: (e) => `${e.constructs.length} suspicious construct(s): ${[...new Set(e.constructs.map((c) => c.kind))].join(', ')}`,
  },
  CARRIES_SUSPICIOUS_EXPANSION: {
    title: 'Carries the expansion of a suspicious macro',
    severity: 'high',
    explained: false,
    description: 'A generated file (configure, aclocal.m4) contains the expansion of an m4 macro that was itself flagged.',
    docs: anchor('CARRIES_SUSPICIOUS_EXPANSION'),
    message: (e) => `contains ${e.occurrences} occurrence(s) of ${e.markers.join(', ')} from ${e.macroFile}`,
  },
  REGENERATION_MISMATCH: {
    title: 'Generated file does not reproduce',
    severity: 'high',
    explained: false,
    description:
      'Regenerating the file with the same generator version from the tag and the tarball\'s own inputs (in the sandbox) gives different content: the shipped file is not what its inputs produce. Critical when the differing lines carry suspicious constructs. The diff is regenerated vs shipped. When the generator wrote nothing because its commands failed, the message names how and the line of their error output that says why (a replayed build program that does not compile from the tracked tree alone: `fatal error: PCSC/pcsclite.h: No such file or directory`, a header configure writes).',
    docs: anchor('REGENERATION_MISMATCH'),
    message: (e) =>
      e.produced
        ? `${e.step} (${e.tool} ${e.version}) regenerates different content: ${e.differingLines} line(s) differ from the shipped file`
        : `${e.step} (${e.tool} ${e.version}) did not produce this file from the tag's sources${e.failure ? `: its commands ${failureText(e.failure)}` : ''}`,
  },
  REPRODUCED_WITH_FLAGGED_INPUT: {
    title: 'Reproduces only with a flagged input',
    severity: 'high',
    explained: false,
    description:
      'The file reproduces byte for byte, but only from an input that is itself flagged (not in git and not a known upstream copy): it carries whatever that input adds, and inherits its severity.',
    docs: anchor('REPRODUCED_WITH_FLAGGED_INPUT'),
    message: (e) => `reproduces (${e.tool} ${e.version}) only with ${e.flagged.map((f) => `${flaggedInputText(f)}, which is flagged ${f.code} (${f.severity})`).join('; ')}`,
  },
  MAKE_RULE_REPLAYED: {
    title: 'Made again by its tracked make rule',
    severity: 'info',
    explained: true,
    description:
      "A file only the tarball has, written by a rule of the tag's own makefile (Makefile.am, a tracked GNUmakefile / Makefile / Makefile.in) whose recipe uses only shell built-ins and text tools (echo, printf, cat, tr, sed, awk, sort, cut, grep (also as egrep, fgrep), head, tail, test, cd, read-only git log/describe/rev-parse; mv, rm and touch of the target or a temporary name beside it): the rule was replayed in the sandbox on the tracked files alone and wrote exactly the shipped bytes. Its values are the makefile's own, make's built-ins and the text tools; when the regeneration reproduced the configure, also autoconf's default directories (prefix /usr/local, localstatedir ${prefix}/var …) and the names that configure assigns exactly once to a literal (cronie's ANACRON_SPOOL_DIR), and LN_S as `ln -s` when AC_PROG_LN_S's probe alone sets it (augeas' `$(LN_S) $< $@` test links, read through the link as make dist's `tar chof` packs them), a computed value never; a here-document with a quoted delimiter is data, not commands. The evidence names the rule (file:line), the commands and the tools' versions. A recipe line that only runs a tracked /bin/sh script without arguments stands for the script's text, checked the same way (qrencode's makeREADME.sh sed); GNU make's $(if …) and $(wildcard NAME) of a tracked name are evaluated. A tarball-only file no make rule names that a tracked /bin/sh script of its directory writes by name (memcached's version.sh: git describe | sed > version.m4) is replayed with that script's text, in a tree of its own; the evidence then names the script as the rule's file. A build program — a C program the makefile makes from tracked sources of its directory (automake NAME_SOURCES, else NAME.c: cyrus-sasl's makemd5, nettle's desdata) — is compiled in the sandbox by distdiff's own line (cc -o NAME -I. [FLAGS] SOURCES.c -lm, never the makefile's compile recipe; FLAGS only the -D/-U words with a literal value and the -I of a directory of the tree that the makefile's INCLUDES and NAME_CPPFLAGS, else AM_CPPFLAGS, give: libidn2's -DSRCDIR=\\\"$(srcdir)\\\") and may then be run by the recipe as ./NAME or built as make NAME; its sources are inputs. A tracked perl script — perl [-w] SCRIPT, or the script run by its path with a perl shebang (mosh's genbase64.pl, libidn2's gen-utc-test.pl), no other perl option — runs in the sandbox the same way; the script is an input, perl a tool. A rule with any other command (a compiler, another built program, a tracked script in any other form) is not replayed: the file stays TARBALL_ONLY_UNEXPLAINED and its evidence says why; a replay that writes other bytes is REGENERATION_MISMATCH. Nor is a rule whose file a recipe of the makefile writes again into `$(distdir)` (a redirection to, or `mv`/`cp` onto, `$(distdir)/NAME`: m4 1.4.18's `$(srcdir)/ChangeLog: @echo dummy > $@`, which only pacifies automake, under the dist-hook's `mv $(distdir)/cl-t $(distdir)/ChangeLog`) — the shipped file is that recipe's, so a replay that does not write it says nothing about it (refusal `dist-overwritten`, naming the recipe's line; a replay that does write it is kept; before stop 42 the replay wrote `dummy` and m4's ChangeLog was a 111-line REGENERATION_MISMATCH).",
    docs: anchor('MAKE_RULE_REPLAYED'),
    message: (e) => `made again byte for byte by the rule of ${e.file}${e.line ? `:${e.line}` : ''} (${e.tools.map((t) => t.name).join(', ')}) from ${e.inputs.filter((i) => i.path !== 'configure' && !i.path.endsWith('/configure')).length} tracked input(s)${e.inputs.some((i) => i.path === 'configure' || i.path.endsWith('/configure')) ? " and the reproduced configure's values" : ''}`,
  },
  UNPROVED_BUILD_OUTPUTS: {
    title: 'Build outputs not proved',
    severity: 'high',
    explained: false,
    description:
      "Generated build files of one release directory (configure, Makefile.in, aclocal.m4, the autoheader template, autotest suites and what they are made from) that were not regenerated, or reproduced only from such files, grouped by why: the stamped generator version is not available here, the sandbox is not available, --no-regenerate was given, regeneration failed, or nothing here regenerates them. Their GENERATED_BY_AUTOTOOLS labels rest on the files' own stamps, which a tamperer writes too, so the default gate fails on them. The message starts with what would prove them (the `distdiff toolchain add` command, installing bubblewrap …). `--accept-unproved` (or a policy allowance) accepts them after review; files proved otherwise (identical to git, an upstream copy, reproduced) are not listed.",
    docs: anchor('UNPROVED_BUILD_OUTPUTS'),
    message: (e) => unprovedBuildOutputsText(e),
  },
  PO_MSGMERGE_ONLY: {
    title: 'Translation refreshed by msgmerge',
    severity: 'info',
    explained: true,
    description:
      'Only header dates, `#:` reference lines, fuzzy flags msgmerge adds, obsolete moves or new msgids changed, as `make dist` does; a new msgid is untranslated or fuzzy (a translation that arrives active is PO_TRANSLATION_CHANGED).',
    docs: anchor('PO_MSGMERGE_ONLY'),
    message: (e) =>
      e.headerOnly ? 'only the header changed' : `msgmerge refresh: ${e.referenceLines} reference line(s), ${e.newMsgids} new msgid(s)`,
  },
  GENERATED_FROM_SOURCE: {
    title: 'Produced from a tracked source',
    severity: 'low',
    explained: true,
    description:
      "A tarball-only file made from a source that git tracks, with a content check: the tracked template (X.in, X.VER …) with each @VAR@ placeholder replaced by one short single-line value gives exactly this file (verified by substituting), each value one the release fills in (its version or tag, the version as a number or a named part of it, a date near the tag that is the whole value, a directory or prefix placeholder's absolute path, git describe of the revision, or a literal of the tracked configure.ac/CMakeLists.txt/meson.build; the template may also be the input AC_CONFIG_FILES or the old AC_OUTPUT names in an OUT:IN word of the tracked configure.ac/configure.in — the top one, else the shallowest in a subdirectory (pv's autoconf/configure.in), a `$VAR` in the word read from a tracked file the configuration assigns it from (`PACKAGE=`cat $srcdir/doc/PACKAGE``), a placeholder named after such a variable taking that file's content (evidence fromFiles) —, or the input a tracked bootstrap script's `sed … < IN > OUT` line writes the file from: freetype's builds/unix/configure.ac from configure.raw by autogen.sh; or the body of a `cat > PATH <<WORD` here-document in the tracked bootstrap.conf that gnulib's tracked bootstrap sources, `$0` read as ./bootstrap and no other expansion, nothing else naming PATH: findutils' gl/Makefile.am; or the body of a `cat >TARGET <<WORD` here-document in a tracked shell script (`*.sh`, autogen, bootstrap, buildconf; not under tests/), TARGET a literal path or a variable the script assigns once to a path under one directory variable, no other write to it in the script, the body's only expansions `${NAME}`/`$NAME`, each filled by one value the release fills in, as above: mc's mc-version.h by version.sh, `${CURR_MC_VERSION}` the version); a configure header the release ships (an AC_CONFIG_HEADERS output a Makefile.am installs, so `make dist` took it from the maintainer's configured tree: ppp's pppd/pppdconf.h) when it is config.status's instantiation of its template — config.status's `/* X.  Generated from X.in by configure.  */` first line, every other line the template's, each `#undef NAME` either `/* #undef NAME */` or `#define NAME VALUE` where the shipped configure writes that very line (configure is then an input judged by its own finding: a configure not explained below high raises the header to high) or VALUE is the release version for a NAME with a version word (how config-header); config.status's defines.awk also rewrites an object-like `#define NAME …` line of the template to `#define NAME VALUE` when configure defines NAME, and VALUE may be the literal a shell variable holds that configure's `#define NAME \\\"$VAR\\\"` line writes, VAR assigned that one literal everywhere in configure (AC_INIT's PACKAGE_NAME, PACKAGE_URL …, automake's PACKAGE: make's src/mkconfig.h), or, for a NAME with a version word and a REST, EXTRA or SUFFIX word, the version after its numbers (libqb's QB_VER_REST \"\" for 2.0.8); the header may also be one a tracked make rule has config.status write (`OUT: … config.status` with the recipe `./config.status --header=$@` or `--header=OUT:IN`, one target: make 4.4.1's maintMakefile, the rule named in the evidence); the generator's header (bison, flex, gperf) names a tracked source (the output is then made again by the generator of the version it names — a bison, flex or byacc output from its grammar with the build rules' options, becoming GENERATED_PARSER_PROVED or GENERATED_PARSER_MISMATCH; a gperf output with the command line it records, becoming GENERATED_TOOL_PROVED or GENERATED_TOOL_MISMATCH — or, not run, TARBALL_ONLY_UNEXPLAINED: never low by its banner alone); a free-form \"generated by TOOL from X\" / \"automatically generated from X\" banner only when the file is that tracked source embedded as a C character array and nothing else (comments, #include lines, one char array whose bytes are the source's, its sizeof size: less's help.c from less.hlp by mkhelp.pl) — a banner above any other code proves nothing; a texinfo version.texi/stamp-vti whose version is the release's and whose date is the last change of the tracked manual that includes it, or a day between that change and the release commit (mdate-sh prints the manual's modification time in the maintainer's checkout, which a later checkout moves); examples or test inputs extracted from a tracked source (a file whose first line names the manual's @example line equals that block exactly, texinfo escapes undone, its header printed by the tracked extraction script with values from the manual; otherwise all but a few lines occur in the source, the rest shown and scanned); a small file a tracked make rule writes (an echoed word — `echo $@ > $@` echoes the rule's own target —, an empty stamp, the number of commits the tag reaches); with no rule naming it, an empty file a tracked shell script of its directory or above creates by name (`touch PATH`, `test -f PATH || touch PATH`, `: > PATH`, literal paths only, outside comments and here-documents: msgpack-c's makedist.sh, xdg-dbus-proxy's autogen.sh; how script-touch; one byte of content and it stays unexplained); a file a tracked make rule writes by running a tracked generator on tracked inputs, computed by distdiff's model of that generator (never run; applied only while the script carries the modelled code) or of the rule's own commands when they are only echo, cat and sed (a POSIX subset: -n, -e, line/$/regex addresses and ranges, p, d, s) over tracked files, and identical byte for byte; or a preformatted man page at least 95 % of whose distinct words occur in its tracked troff source, no more than two it lacks in any twelve words in a row (cat -v's M- notation undone, the words of the mdoc macros the source uses the formatter's) (a page cut short, of fewer than 20 words: every token, letters, digits and ( ) ' . , - only, made of words of the source or the formatter's header); a tracked man page formatted into HTML, plain text or wiki pages elsewhere in the tree (X.N.html, X.N.txt, ManPageXN.wiki from the tracked X.N, by the tracked converter script beside the tree if there is one), the same 95 % word check, no more than two words the page lacks in any twelve in a row, and nothing active (no script, frame, handler, javascript: link, host the source or converter lacks, or construct the source lacks); a test index whose every line is blank, a comment, or a registration line MACRO(name) found verbatim in a tracked C source of its directory (libarchive's list.h); or an HTML page rendered from a tracked texinfo manual (texi2html, makeinfo, texi2any: STEM_N.html from STEM.texi and the files it @includes) or from the man page beside it (groff -Thtml), the formatter named in the page, at least 95 % of its distinct words in the source or the formatter's navigation words, no more than two it lacks in any twelve in a row, with no script, frame, event handler, javascript: link, link to a host the source lacks or suspicious construct the source lacks. For gnulib's generated files (gperf, bison), the named source may instead be where gnulib-tool puts a file of the pinned submodule (a shipped copy must be a SUBMODULE_COPY). Also a moopp output (gettext's libtextstyle: X.c, X.h, C.priv.h, C.vt.h from the tracked X.oo.c/X.oo.h): every line of the source in order (C::m rewritten to C__m; only the class declaration block left out) and every other line one of moopp's fixed template shapes with identifiers of the tracked class sources, or a field of the tracked fields: section. Also a header a tracked makefile beside it makes by grepping the tracked .c files (less's funcs.h): exactly the rule's keyword lines of those files, each with ';' added, each file's lines complete and in order. Also a table a C program writes that the release compiles from a tracked source (coreutils' src/primes.h by src/make-prime-list.c, run by a tracked make rule; gnulib's lib/crc-sliceby8.h by lib/crc-generate-table.c, run by the pinned gnulib module's own rule), computed exactly by distdiff's model of that program (never compiled or run; applied only while the source carries the modelled code lines, named with its blob id) and identical byte for byte. Also help text compiled into C by a tracked make rule and script (curl's src/tool_hugehelp.c by src/mkhelp.pl): the whole file computed by a model of the script from the text in its gzip array, and at least 95 % of that text's distinct words in the tracked manual sources, no more than two they lack in any twelve words in a row. Also a build file filled from the tracked template beside it (curl's VC*/lib/libcurl.vcxproj from libcurl.tmpl): every line the template's next line, or, for a placeholder line a tracked generator naming the template spells out in quotes, a run of <Tag Include=\"…\" /> elements the generator writes, each naming a tracked file (or a file only the tarball has, listed and judged by its own finding), one directory and extension per run, none twice. Also a Makefile a tracked shell script writes with echo lines in a loop over the tracked man pages (libarchive's doc/*/Makefile by doc/update.sh): the page list computed from the tracked tree, the script's section evaluated, identical byte for byte. Also an HTML page a tracked converter renders from a tracked Markdown page (rsync's rsync.1.html from rsync.1.md by md-convert, the rule of the page's directory naming both): every head line a line of the converter, every body line's text a run of the Markdown text (markup removed, @VERSION@ the release version), at most 3 footer lines of the converter's with a short value, only a Markdown renderer's tags, no active content. Also a file a tracked rule of its directory's makefile writes by running a tracked shell script of echo lines only (cyrus-sasl's plugins/X_init.c by plugins/makeinit.sh, `$(SHELL) $(srcdir)/makeinit.sh $@`): what the script writes for the target computed by an evaluator of assignments, for loops, `[ A = B ]` tests and echo to a file (any other command proves nothing), identical byte for byte. Also a release report a tracked release script prints (curl's docs/RELEASE-TOOLS.md by scripts/release-tools.sh, named by the tracked scripts/maketgz): its here-documents with the release version, the tag and a timestamp within two days of the tagged commit, and one Debian version string per package it names (the maintainer's machine's versions: only their form is checked). Also the output of a generator script a tracked make rule runs, computed by a model of that one script (less's funcs.h by mkfuncs.pl, coreutils' src/single-binary.mk by build-aux/gen-single-binary.sh, wget's src/build_info.c by build-aux/build_info.pl, curl's docs/libcurl/libcurl-symbols.md by mksymbolsmanpage.pl, whose optional 'See' sentence is traced to the script's branch for the symbol), applied only when the script's code lines are exactly those the model was written for, and identical byte for byte. An input only the tarball has (a generated file such as wget's src/css.c for src/css_.c) is named in the evidence (tarballInputs), and the file is raised to high (flagged-input) unless that input's own finding explains it below high. Also gtk-doc's Devhelp index (MODULE.devhelp2 beside the generated HTML, gtkdoc-mkhtml): every line an element of the Devhelp format, every link a generated page of the same tree, every keyword a symbol the tracked MODULE-sections.txt (or the shipped one gtkdoc-scan wrote, itself explained: each symbol a word of the tracked header its section names) lists in the section whose page it links to (a constant or member a word of that section's tracked header), every chapter title in the tracked DocBook sources. Also a program's --version/--help output saved by a tracked make rule whose recipe runs --help (bison's doc/bison.help): every line a line of a string literal of the C sources in the directories of the rule's prerequisites (printf conversions taking only configure.ac's AC_INIT/AC_SUBST/AC_DEFINE values, the release version or the program's name), or a usage-table line (keys of `{ \"KEY\", … }` initializers joined by ', ', then the documentation the sources pair with the first key); nothing is compiled or run. Also a texinfo fragment gdoc renders from the doc comments of tracked C files (libidn2's and libtasn1's doc/texi/FUNC.texi and FILE.c.texi, gnutls' doc/*-api.texi collections): nothing but `@subheading F`/`@anchor{F}`/`@deftypefun … {F} (…)` … `@end deftypefun` blocks, enum tables (`@c TYPE` `@table @code` `@item VALUE` … `@end table`) or `@item @var{TYPE} @ref{F} (…)` summaries, each F or TYPE one a tracked C, header (also X.h.in) or yacc/lex file documents with a `/** F: … */` comment (the colon optional), every enum value in that comment or declaration, at least 95 % of the fragment's distinct words (texinfo's commands set aside) in those comments and declarations, no suspicious construct and no URL host the comments lack; a file not named X.texi (split-texi's doc/functions/F, F.short, doc/enums/TYPE) only as one block named after the file. Also DocBook or SDF documentation a tracked make rule renders with a DocBook converter or sdf (docbook2html/docbook2txt, jade, xsltproc, xmlto, sdf …: fontconfig's doc/*.html, doc/*.txt and chunked doc/fontconfig-devel/ tree from doc/*.sgml, Linux-PAM's modules/X/README from README.xml, openldap's guide.html from guide.sdf): the rule named (an explicit target with the tracked source as prerequisite, a suffix or pattern rule, or a target naming the tree's directory), at least 95 % of the output's distinct words (no more than two it lacks in any twelve in a row) in the tracked document, the documents among the rule's prerequisites and the files they pull in (entities, XIncludes, SDF includes, a suffix rule's tracked input), an HTML page naming the converter in its generator meta with no active content, a text rendering with no host or construct the source lacks. Also a tracked latex2man man page made again by the release (libunwind's doc/*.man from the tracked doc/*.tex beside it): both copies latex2man's, differing only in its creation-date comment and the .TH date (near the tag's commit) and its \\input{F} marker comments (F \\input by the tracked .tex). Also the header autoconf-archive's AX_CREATE_STDINT_H writes when the system has <stdint.h> (fontconfig's src/fcstdint.h), computed from the tracked configure.ac call naming it and the tracked macro's echo lines: guard, \"PACKAGE VERSION\", the compiler comment (the only free text), #include <stdint.h>. Also man pages a tracked script writes from the doc comments of tracked headers (ldns' doc/man/man3/*.3 by doc/doxyparse.pl, named by a tracked makefile rule that runs it on the headers and names the page's directory): troff whose every request the script writes, whose NAME line lists the page's name, every word of every line a word of the sources, the script or its data, every text line a run of their word pairs with at most one break (after the script's label opening the line, one more), no suspicious construct or URL host they lack (a page of the script's that fails stays TARBALL_ONLY_UNEXPLAINED with the line); a symlink only the tarball has to a page whose NAME line lists the link's name; the list of pages the rule writes, each line a source word naming a shipped page. Also help files a tracked make rule's script cuts out of a formatted man page the release ships (zsh's Doc/help/* by Util/helpfiles from Doc/zshbuiltins.1): each file's text (blanks and line-end hyphens dropped) a concatenation of verbatim runs of the page's text, at most one plus one per alias the rule's list appends to it, each run at least 10 characters, no host or construct the page lacks; and that alias list, each line a shipped help file and an alias opening a line of it. Also man pages the DocBook XSL stylesheets write from a tracked refentry through `xmlto man` (libXcomposite's man/Xcomposite.man by a `.xml.man` suffix rule, libXtst's man/*.man by the x.stamp rule its pages depend on): the rule's recipe runs xmlto man, the page named after a refname of the source; a further refname's page exactly `.so FIRST.VOL` (how man-so); a full page naming the DocBook XSL generator, only the stylesheets' preamble and man requests, its NAME line opening with the refname, every word of its body and .TH line in the source or the stylesheets' headings, no host or construct the source lacks. Also a PNG figure a tracked rule draws with fig2dev from the tracked xfig drawing beside it (libgcrypt's doc/fips-fsm.png by `.fig.png:` running `fig2dev -L png $< $@`; or a rule of a makefile above naming both by their paths and running configure's $(FIG2DEV) behind a guard line: hwloc's doc/images/diagram.png), drawn again in the sandbox by the system's fig2dev from that drawing alone (the rule's options only -L png, -m, -b): identical, or both plain PNGs (no text or private chunk) of the same size with at most 0.1 % of the pixels differing, each on a stroke's edge, and no cluster of differing pixels over 6 pixels that one single one-pixel move of the other image does not explain (text rasterised by another Ghostscript; a 12-point digit 2 drawn as 3 stays high; how figure, the pixel counts in the evidence). Also HTML pages rst2html (Docutils, named in the page's generator meta) renders from a tracked reStructuredText page by a tracked rule of the page's directory (openvpn's doc/openvpn.8.html from openvpn.8.rst by `.8.rst.8.html :` running $(RST2HTML)): at least 95 % of the text's distinct words in the source and the files it includes (`.. include::`, nested) and no more than two of them the source lacks in any twelve words in a row, no active content. Also a list of tracked file names a tracked /bin/sh script writes (util-linux's, procps', attr's and acl's po/POTFILES.in by po/update-potfiles): the script's pipeline (git ls-files, find -name over one or more start directories, grep and sed filters, sed substitutions, xargs find, sort; a subshell `( … ) > LIST` of such pipelines and fixed echo lines, $0 the script's path) evaluated over the tag's tracked files, never run, in the C and the en_US.UTF-8 order (the locale named in the evidence), identical byte for byte — or, for names find prints unsorted, the same names in an order find's walk can print (its start points in argument order, each directory's names together; the file system's order within a directory is not known); or the list a tracked /bin/sh script's `xgettext --keyword=ID… --output=- \`find ROOT -name GLOB\` | sed -ne '/^#:/{…}' | grep -v '^$' | sort | uniq > LIST` writes (mc's po/POTFILES.in by autogen.sh, the script's line named): the C sources among find's tracked names from which a model of xgettext's C scanner (its default keywords and each --keyword=ID; a string literal directly in the keyword's parentheses, comments skipped, #define and #if 0 text scanned) extracts a message, each once, in the C or en_US.UTF-8 order — xgettext is never run, any other option or sed program proves nothing, and another line of the script naming the list may only touch it. Also strace's tests/NAME.gen.test, written by the tracked tests/gen_tests.sh (run by the tracked bootstrap) from the tracked gen_tests.in: computed by a model of the script's read loop, applied only while the script carries the modelled code lines, identical byte for byte. Also strace's src/xlat/NAME.h, written by the tracked src/xlat/gen.sh (run by the tracked bootstrap) from the tracked src/xlat/NAME.in: computed by a model of the script's two read passes (the tracked src/defs.h deciding the declaration block when it declares the table), applied only while the script carries the modelled code lines, identical byte for byte; with the same run's NAME.m4 of an #enum table, st_check_enums.m4 and Makemodule.am. Also an MkDocs site's sitemap.xml beside its generated index.html: only the sitemaps.org urlset of <url> entries, each loc None or a page the tree ships under a site_url a tracked mkdocs.yml spells, each lastmod within 60 days of the revision, no more entries than pages; its sitemap.xml.gz exactly one gzip member of that file, nothing after it.",
    docs: anchor('GENERATED_FROM_SOURCE'),
    message: (e) =>
      e.how === 'figure'
        ? `PNG drawn from ${e.source} by the rule at ${(e.inputs ?? []).join(', ')}, drawn again in the sandbox by ${e.generator}: ${e.pixels?.differing ? `${e.pixels.differing} of ${e.pixels.total} pixels differ, each on a stroke's edge (text rasterised otherwise)` : 'identical'}`
        : e.how === 'template'
        ? `${e.source} filled line by line (${e.generator}): ${e.files} placeholder(s) replaced by ${e.found} element(s), each naming a file of the tree${e.named?.length ? ` (${e.named.length} only in the tarball: ${e.named.slice(0, 3).join(', ')}${e.named.length > 3 ? ', …' : ''})` : ''}`
        : e.how === 'program-help'
        ? `output of ${e.generator} --version/--help saved by a rule of ${e.source}: each of its ${e.total} line(s) a string of ${(e.inputs ?? []).join(', ')} (printf values from configure.ac, the version, the program name) or a usage-table entry of them; nothing run`
        : e.how === 'doc-comment-man'
        ? `man page written by the tracked ${e.generator} (${(e.inputs ?? [])[0]}) from the doc comments of ${e.source}${(e.files ?? 1) > 1 ? ` and ${(e.files ?? 1) - 1} more tracked source(s)` : ''}: each of its ${e.total} line(s) a request the script writes or a run of the sources' words; nothing run`
        : e.how === 'man-alias'
        ? `alias link to the man page ${e.source}, whose NAME line lists it`
        : e.how === 'man-so'
        ? `the one-line .so page ${e.generator} writes for a further refname of ${e.source} (the rule at ${(e.inputs ?? []).join(', ')}): exactly the refentry's first refname and manvolnum; nothing run`
        : e.how === 'man-split'
        ? `section of the man page ${e.source} formatted as text, cut out by the tracked ${e.generator} (${(e.inputs ?? [])[0]}): ${e.found} verbatim run(s) of the page's text (at most ${e.total}: one, plus one per alias the rule's list appends); nothing run`
        : e.how === 'man-split-list'
        ? `alias list written by the tracked ${e.generator} (${(e.inputs ?? [])[0]}) while cutting ${e.source}: ${e.total} alias(es) of ${e.found} shipped help file(s), each opening a line of its file`
        : e.how === 'man-list'
        ? `list of the man pages written by ${e.generator} (${(e.inputs ?? [])[0]}): each of its ${e.total} line(s) a page the tarball ships and a word of the tracked sources`
        : e.how === 'markdown-html'
        ? `HTML rendered from ${e.source} by the tracked ${e.generator} (a rule of ${(e.inputs ?? []).join(', ')}): each of its ${e.found} text line(s) a run of the Markdown text${e.total !== e.found ? `, ${(e.total ?? 0) - (e.found ?? 0)} footer line(s) the converter's` : ''}, its head the converter's lines, no active content; nothing run`
        : e.how === 'sitemap'
        ? `sitemap written by ${e.generator} beside ${e.source}: ${e.found} entr${e.found === 1 ? 'y' : 'ies'} of the site's ${e.total} page(s), each a page of the tree (or None) with a date near the release, nothing else${(e.inputs ?? []).length ? ` (the gzip of ${(e.inputs ?? [])[0]})` : ''}`
        : e.how === 'doc-index'
        ? `documentation index written by ${e.generator}: its ${e.keywords} symbol(s) each documented in ${e.source}, its ${e.titles} title(s) in the tracked DocBook sources, its links to ${e.files} generated page(s) of the tree`
        : e.how === 'doc-sections'
        ? `gtk-doc sections list written by ${e.generator}: its ${e.keywords} symbol(s) in ${e.files} section(s), each a word of the tracked header its section names (${e.source}…)`
        : e.how === 'index'
        ? `test index: each of its ${e.total} ${e.generator}(…) line(s) is a line of ${e.source} (${e.files} tracked file(s))${e.missing ? `; ${e.missing} of theirs not listed` : ''}`
        : e.how === 'config-header'
        ? `config.status's instantiation of ${e.source} (the configure header the release shipped${e.script?.rule ? `, by the rule at ${e.script.script}:${e.script.line} running config.status --header` : ''}): ${Object.keys(e.substitutions ?? {}).length} #undef/#define line(s) defined as configure writes them (${Object.entries(e.substitutions ?? {}).slice(0, 6).map(([k, v]) => `${k}${v === '' ? '' : ` ${v}`}`).join(', ')}${Object.keys(e.substitutions ?? {}).length > 6 ? ', …' : ''}), ${(e.total ?? 0) - Object.keys(e.substitutions ?? {}).length} left undefined, every other line the template's`
        : e.how === 'substitution'
        ? `${e.source} with ${Object.entries(e.substitutions ?? {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')} substituted${e.fromFiles ? ` (${Object.entries(e.fromFiles).map(([k, f]) => `${k} read from ${f}`).join(', ')})` : ''}${e.script ? ` (the ${e.script.heredoc ? 'here-document at' : e.script.configFiles ? 'OUT:IN mapping at' : 'sed line'} ${e.script.script}:${e.script.line})` : ''}`
        : e.how === 'texinfo-stamp'
          ? e.released !== undefined
            ? `texinfo version stamp: version ${e.version}, updated ${e.date}: between the last change of ${e.source} (${(e.commit ?? '').slice(0, 12)}, ${e.changed}) and the release commit (${e.released}) — mdate-sh prints the manual's modification time in the maintainer's checkout`
            : `texinfo version stamp: version ${e.version}, updated ${e.date} = last change of ${e.source} (${(e.commit ?? '').slice(0, 12)})`
          : e.how === 'file-list'
            ? `list of ${e.total} tracked file name(s) the tracked ${e.source}${e.script ? ` (line ${e.script.line})` : ''} writes, its pipeline evaluated over the tag's tracked files (${(e.inputs ?? []).join(', ')}${e.locale ? `; sort in the ${e.locale} locale` : ''}${e.listOrder === 'find' ? "; unsorted: an order find's walk prints, its start points in argument order and each directory's names together" : ''}), never run: identical`
          : e.how === 'computed'
            ? `what the rule in ${e.source} writes (${e.generator}${e.inputs?.length ? ` on ${e.inputs.join(', ')}` : ''}), computed without running it${e.model ? ` (model ${e.model.id}, generator blob ${e.model.blob.slice(0, 12)})` : ''}: identical`
          : e.how === 'script-touch'
            ? `empty file the tracked script ${e.source} creates: \`${e.generator}\`${e.script ? ` (line ${e.script.line})` : ''}; nothing else written`
          : e.how === 'make-rule'
            ? `written by a rule of ${e.source}: \`${e.generator}\`${e.commits !== undefined ? ` (the tag reaches ${e.commits} commits)` : ''}`
          : e.how === 'extracted' && e.block !== undefined
            ? `the example block at ${e.source}:${e.block}, exact after texinfo unescaping (${e.total} lines${e.others?.length ? `; header lines printed by ${e.others.join(', ')}` : ''})`
          : e.how === 'extracted'
            ? `extracted from ${e.source}${e.others?.length ? ` (and ${e.others.join(', ')})` : ''}: ${e.found} of ${e.total} lines found${e.untraced?.length ? `; untraced: ${e.untraced.map((u) => `${u.line}: ${JSON.stringify(u.text.slice(0, 60))}`).join(', ')}` : ''}`
            : e.how === 'rendered'
              ? `formatted from ${e.source}${e.generator ? ` by ${e.generator}` : ''}${e.inputs?.length ? ` (the rule at ${e.inputs.join(', ')})` : ''}: ${e.found} of ${e.total} distinct words occur in the source${e.inputs?.length && e.others?.length ? ` and the ${e.files ?? e.others.length} file(s) it pulls in (${e.others.slice(0, 5).join(', ')}${(e.files ?? 0) > 5 ? ', …' : ''})` : ''}`
              : `${e.generator} output; its header names ${e.source} (${e.sourceCopy ? `where gnulib-tool puts ${e.sourceCopy.submodule} ${e.sourceCopy.commit.slice(0, 12)} ${e.sourceCopy.file}; a shipped copy must be identical to it` : 'tracked'})${e.embedded ? `; the file is ${e.source}'s bytes as a C character array, nothing else` : ''}${e.regenerated ? `; regenerated by the release (${e.added} line(s) differ from git's copy, no construct)` : ''}`,
  },
  GENERATED_PARSER_PROVED: {
    title: 'Generated parser reproduced',
    severity: 'info',
    explained: true,
    description:
      "A bison, flex or Berkeley yacc output (parser, its header, bison's .output report) made again in the bubblewrap sandbox by the generator of exactly the version its header names (bison: \"made by GNU Bison X\"; flex: YY_FLEX_*_VERSION; byacc: YYMAJOR.YYMINOR YYPATCH) — the system's, or a cached bison, flex or OpenBSD-yacc toolchain of that version built from the tool's own git tag or revision (`distdiff toolchain add --git REPO --version X`, OpenBSD's yacc 1.9 with `--rev COMMIT`; the evidence names it, its repository and commit) — from the tag's grammar, with the options the tag's tracked build rules give (YFLAGS/AM_YFLAGS/X_YFLAGS or LFLAGS, BISON_FLAGS, a recipe running the generator on that grammar, CMake's BISON_TARGET/FLEX_TARGET COMPILE_FLAGS; options naming files or skeletons dropped) plus those the shipped outputs imply (a header ships: -d; no #line: -l/-L; a report ships: -v; debugging instrumentation the grammar does not ask for — flex's yy_flex_debug = 1, bison's YYDEBUG 1 — -d/-t, only when a variable the rules pass to the generator is assigned exactly that option by a tracked configure.ac of the grammar's directory or above, named in debugFrom: gdbm's $(LFLAGS_DEBUG), LFLAGS_DEBUG=-d), with -o and the shipped name or without it (the generator's default names, which a rule may rename), from the directory and with the file spelling its #line directives show — and identical byte for byte. The only normalisations, listed when used: the file names inside #line directives set aside on both sides, when that spelling cannot be matched (a maintainer's absolute path, ylwrap's rename of lex.yy.c), or their line numbers, or both (flex builds differ by one in the output's self-references) — #line directives carry no code. A grammar that names its own output (flex's `%option outfile`, bison's `%output`) is read where it says. When the tracked rule writing the output runs the generator once and then edits the output with literal substitutions (`sed 's/A/B/g' $@ > T` + `mv T $@`, `perl -pi -e 's/A/B/g' FILE`: wget2's `s/fprintf/wget_fprintf/g`), those edits are applied to the run's output and listed (postEdits). When make ran the generator through automake's ylwrap — a tracked recipe for the output running `$(YLWRAP) $< FROM $@ … -- PROGRAM OPTIONS` (pcsc-lite's `-- \"$(LEX)\" -Ptp`), or automake's `.y.c`/`.l.c` suffix rule of the shipped Makefile.in of a directory whose tracked Makefile.am (or included .am fragment) lists the grammar, with `YLWRAP = $(top_srcdir)/X` naming a shipped script — that call is tried first: the program (YACC as AC_PROG_YACC sets it, `bison -y` or `bison -o y.tab.c`; LEX `flex`) in that directory on the grammar as make names it, its default outputs (y.tab.c, lex.yy.c, the recipe's FROM) renamed as ylwrap renames them (on `#` lines only: each FROM → its target, and their include guards), byte for byte with no normalisation (evidence: ylwrap, its script, rule and renames). A #line directive's file name is set aside only when the shipped one names the grammar or an output of the run: a #line rewritten to name any other file is a difference. An output no run reproduces whose tracked Makefile.am rule makes it by a cat/sed command (`CMD > TMP && mv TMP FILE`) reading exactly one other output of the run that is proved (gettext's po-gram-gen2.h: `$(SED) -e 's/yy/po_gram_/g' … po-gram-gen.h`) is proved when that command, evaluated (never run) on the shipped source output, gives it byte for byte (derivedFrom). The evidence names the tool, version, command, working directory and the rule files.",
    docs: anchor('GENERATED_PARSER_PROVED'),
    message: (e) =>
      `${e.derivedFrom ? `made from ${e.derivedFrom.file} by the rule of ${e.derivedFrom.rule}: \`${e.derivedFrom.command}\` (evaluated, not run, on the shipped ${e.derivedFrom.file}, byte for byte), which is ` : ''}reproduced by ${e.tool} ${e.version}${e.toolchain ? ` built from ${e.toolchain.repo} ${e.toolchain.commit.slice(0, 12)} (${e.toolchain.revision}; toolchain ${e.toolchain.name})` : ''}: \`${e.command.join(' ')}\`${e.cwd ? ` in ${e.cwd}/` : ''}${e.flagsFrom.length ? ` (options from ${e.flagsFrom.join(', ')}${e.implied.length ? `; ${e.implied.join(' ')} implied by the shipped outputs` : ''}${e.debugFrom ? `, ${e.debugFrom.option} by ${e.debugFrom.rule}'s $(${e.debugFrom.variable}), ${e.debugFrom.file}:${e.debugFrom.line}` : ''})` : e.implied.length ? ` (${e.implied.join(' ')} implied by the shipped outputs${e.debugFrom ? `, ${e.debugFrom.option} by ${e.debugFrom.rule}'s $(${e.debugFrom.variable}), ${e.debugFrom.file}:${e.debugFrom.line}` : ''})` : ''}${e.postEdits?.length ? `; then the rule's ${e.postEdits.map((c) => `\`${c}\``).join(', ')}` : ''}${e.ylwrap ? `; then ${e.ylwrap.script}'s rename ${e.ylwrap.renames.map(([f, t]) => `${f} → ${t}`).join(', ')} (the ${e.ylwrap.listedIn ? `automake rule of ${e.ylwrap.rule}; the grammar listed in ${e.ylwrap.listedIn}` : `rule of ${e.ylwrap.rule}`})` : ''}${e.normalisations.length ? `; #line ${e.normalisations.map((n) => (n === 'line-directive-names' ? 'file names' : 'numbers')).join(' and ')} set aside` : ', byte for byte'}${e.outputs.length > 1 ? `; ${e.outputs.length} outputs of the run identical` : ''}`,
  },
  GENERATED_PARSER_MISMATCH: {
    title: 'Generated parser does not reproduce',
    severity: 'high',
    explained: false,
    description:
      "A bison, flex or Berkeley yacc output whose named generator version, run in the sandbox on the tag's grammar with the build rules' options (each distinct option set tried, at most 6), does not give the shipped file: the shipped parser is not what its grammar produces (an edited generated parser passes no other check). The diff is regenerated → shipped, of the closest run; critical when the added lines carry suspicious constructs.",
    docs: anchor('GENERATED_PARSER_MISMATCH'),
    message: (e) =>
      e.produced
        ? `${e.tool} ${e.version}${e.toolchain ? ` (toolchain ${e.toolchain.name}, built from ${e.toolchain.repo} ${e.toolchain.commit.slice(0, 12)})` : ''} on ${e.source} (\`${e.command.join(' ')}\`${e.cwd ? ` in ${e.cwd}/` : ''}) gives different content: ${e.differingLines} line(s) of the shipped file differ (${e.tried} option set(s) tried)`
        : `${e.tool} ${e.version} on ${e.source} (\`${e.command.join(' ')}\`) does not produce this file`,
  },
  CYTHON_OUTPUT_PROVED: {
    title: 'Cython output reproduced',
    severity: 'info',
    explained: true,
    description:
      "A C file Cython wrote (its first line `/* Generated by Cython X */`, then cythonize's `BEGIN: Cython Metadata` block naming the extension module and its one tracked .pyx/.py source beside it) made again in the bubblewrap sandbox by Cython X — a cached Cython toolchain of exactly that version from Cython's own git tag (`distdiff toolchain add --git REPO --version X`; pure Python, run by the system's python3) — with cythonize on the tag's tracked sources (every tracked .py/.pyx/.pxd/.pxi/.h under the source's top directory), the extension as the metadata block records it (its name, sources, include_dirs and define_macros: data cythonize copies into that comment, no code), and the settings the tracked setup.py/setupinfo.py give (a literal `compiler_directives` dict, `Options.NAME = LITERAL` lines), then compared byte for byte — the C file and the API headers the same run writes (lxml's etree.h, etree_api.h). Nothing is normalised. The evidence names the version, source, module, settings, the files they came from, and the toolchain (repository, commit).",
    docs: anchor('CYTHON_OUTPUT_PROVED'),
    message: (e) =>
      `reproduced by Cython ${e.version} built from ${e.toolchain.repo} ${e.toolchain.commit.slice(0, 12)} (${e.toolchain.revision}; toolchain ${e.toolchain.name}): cythonize of ${e.source} as ${e.module}${e.settings.length ? ` with ${e.settings.join(', ')} (from ${e.flagsFrom.join(', ')})` : ''}; ${e.outputs.length} output(s) identical`,
  },
  CYTHON_OUTPUT_MISMATCH: {
    title: 'Cython output does not reproduce',
    severity: 'high',
    explained: false,
    description:
      "A C file naming `Generated by Cython X` and a tracked source in its metadata block that Cython X (the cached toolchain), run in the sandbox on the tag's sources with the tracked setup files' settings (and once without them), does not give: the shipped C is not what its source produces. The diff is regenerated → shipped; critical when the added lines carry suspicious constructs.",
    docs: anchor('CYTHON_OUTPUT_MISMATCH'),
    message: (e) =>
      e.produced
        ? `Cython ${e.version} (toolchain ${e.toolchain.name}) on ${e.source} as ${e.module} gives different content: ${e.differingLines} line(s) of the shipped file differ`
        : `Cython ${e.version} (toolchain ${e.toolchain.name}) on ${e.source} as ${e.module} does not produce this file`,
  },
  GENERATED_TOOL_PROVED: {
    title: 'Generated file reproduced by its generator tool',
    severity: 'info',
    explained: true,
    description:
      "A tarball-only file with the output shape of a registered generator tool (libtasn1's asn1Parser: `#include <libtasn1.h>` and a `const asn1_static_node NAME[]` table; GNU gengetopt: \"generated by GNU Gengetopt version X\"), written by a rule of a tracked makefile fragment in its directory or above (an explicit, pattern or suffix rule) with exactly one command running that tool on one tracked input (.asn, .ggo), made again in the bubblewrap sandbox by the system's packaged tool — never the project's own build of it, which the rule may name (`$(top_builddir)/src/asn1Parser`) — of exactly the version the file names (asn1Parser's output names none: then only byte equality counts, and the evidence says so), with the rule's arguments, in the rule's directory, with only the tracked input in the scratch tree; the recipe's literal `perl -pi -e 's/A/B/g'` / `sed 's/A/B/g' $@ > T` + `mv T $@` edits of the output applied after it — and identical byte for byte. The evidence names the tool, version, input, rule, command and the edits. Also GLib's glib-genmarshal (one tracked .list), gdbus-codegen (one tracked .xml) and glib-mkenums (the tracked headers and --template file a rule names; the text of --fhead/--vprod … options passed as one literal word each), from Debian's libglib2.0-dev-bin, whose version glib-genmarshal reports for all three and whose outputs name none (byte equality only): a tool variable ($(GLIB_MKENUMS) …) only when the tracked configure.ac sets it from pkg-config, glib.m4 or by name; a recipe `TOOL ARGS > $@.tmp && mv $@.tmp $@` runs as `TOOL ARGS --output=TARGET`, with an echoed first line, or in a subshell `( V=\`cd DIR && pwd\`; cd $(srcdir) && TOOL ARGS | sed 's/A/B/g' …)` (V unread, literal seds applied to the output in order: ibus' enum rule). Also a gperf output (\"code produced by gperf version X\", \"Command-line: gperf … NAME.gperf\"), run by the system's gperf X with the command line its banner records (only gperf's table/option flags, the input one relative path to the named .gperf, which is tracked or a shipped proved copy of the pinned gnulib file, and the output's own input: the file its tracked or pinned-gnulib rule runs gperf on, or with no such rule X.h/X.c beside X.gperf; fromBanner), a tracked rule's literal sed edit of gperf's output (optionally anchored at the line's start) applied, or its pipe through `perl -ne '/WORD/ and print \"TEXT\\n\"; print'` (a line TEXT before each line holding WORD, both literal: parted 3.5's `static` before `__GNUC_STDC_INLINE__`), the recipe's `rm -f` before gperf and `chmod` of its temporary file after it set aside; an argument the banner records in gperf's single quotes (`-k '*'`) read unquoted. gperf of exactly the version the file names runs: the system's, else each cached gperf toolchain of that version (`distdiff toolchain add --git REPO --version X [--rev REV]`: GNU gperf 3.2 from its repository, Apple's gperf 3.0.3 from Xcode's sources — one version number, other code; the evidence names the toolchain, its repository and commit). A banner recording absolute paths (`/Applications/…/usr/bin/gperf -m 10 /Users/…/lib/X.gperf`: a maintainer's machine) is replayed with the tree and gperf mounted at those paths inside the sandbox's empty root (never over a directory the sandbox or the system uses), so gperf writes them as it did (absolutePaths); a banner naming a packaged gperf's own path (`/usr/bin/gperf`, as configure's AC_PATH_PROG finds it) runs the system's gperf by that path, nothing mounted. When no gperf of that version is here, the system's is run all the same and the file is proved only when the output is identical but for that version number in its first line (bannerVersion); otherwise it is not proved (high). Also doxygen's output tree (HTML and LaTeX) made again by the system's packaged doxygen of the version the shipped pages name, from a tracked Doxyfile (or Doxyfile.in, filled only with AC_INIT's literal name and version and relative directories) whose OUTPUT_DIRECTORY holds the files, with the tracked sources it reads and nothing that runs another program (input filters, dot, bibliography, custom headers); the pages' footer date given as SOURCE_DATE_EPOCH; identical byte for byte (libtheora's doc/libtheora/). Also SWIG's outputs (a Python module or wrapper whose banner says \"automatically generated by SWIG\" / \"Version X\"), written by the one-line `swig` rule of the tracked Makefile.am in their directory on one tracked interface file, made again in the sandbox by SWIG X (the system's, else a cached toolchain built from SWIG's tag `rel-X`) from the tag's interface and header files, the rule's options as make expands them (variables nothing defines and configure's `-I@X@` left out: `dropped`; system headers the interface file names by absolute path read from this system: `systemFiles`; a prerequisite git lacks made first by a one-line `cat FILE | grep 'P' | grep -v 'Q' > TARGET` rule of the same Makefile.am, read as data and computed, never run, its source a tracked file or a system header under /usr/include whose path configure.ac's one literal default gives: `madeInputs`, with the header's sha256), identical byte for byte. Also the Vala compiler's outputs: the C files of a directory whose banner names valac V (\"X.c generated by valac V, the Vala compiler\" / \"generated from X.vala\"), with every file the same run writes that the tarball ships unexplained (the -H header, --vapi, --gir, the stamp), made again in the sandbox by valac V (the system's, else a cached toolchain built from Vala's tag V) from the tag's .vala/.vapi files, the run read from the tracked Makefile.am — automake's own rule for a NAME_SOURCES listing Vala files (`$(VALAC) $(AM_VALAFLAGS or NAME_VALAFLAGS) $(VALAFLAGS) -C SOURCES` and its NAME_vala.stamp), or a rule running `$(VALAC) … -C` whose other commands are only touch/rm -f/echo/mv of plain names, applied in memory —, configure's $(VALAFLAGS) from the tracked configure.ac's VALA_ADD_VALAFLAGS lines at the options' stated defaults (`configure`), a source only a bare `touch $@` rule makes written empty and a .vapi an earlier run of the release wrote made first (`madeInputs`), identical byte for byte.",
    docs: anchor('GENERATED_TOOL_PROVED'),
    message: (e) =>
      `reproduced by ${e.toolchain ? `${e.tool} ${e.version} built from ${e.toolchain.repo} ${e.toolchain.commit.slice(0, 12)} (${e.toolchain.revision}; toolchain ${e.toolchain.name})` : `the system's ${e.tool} ${e.version}`}${e.absolutePaths ? ' at the absolute paths its banner records' : ''}${e.namesNoVersion ? ' (the file names no version)' : ''}${e.bannerVersion ? ` (the file names ${e.bannerVersion}: identical but for that version number in its first line)` : ''} from ${e.source}${e.sources ? ` and ${e.sources.length - 1} more tracked input(s)` : ''}: \`${e.command.join(' ')}\`${e.cwd ? ` in ${e.cwd}/` : ''} (${e.fromBanner ? 'the command line its banner records' : `the rule of ${e.rule}: \`${e.ruleCommand}\``})${e.postEdits.length ? ` then the rule's ${e.postEdits.map((c) => `\`${c}\``).join(', ')}` : ''}, byte for byte${e.outputs.length > 1 ? `; ${e.outputs.length} outputs of the run identical` : ''}${e.systemFiles ? `; it read this system's ${e.systemFiles.join(', ')}` : ''}${e.madeInputs ? `; ${madeInputsWords(e.madeInputs)}` : ''}${e.configure ? `; configure's $(VALAFLAGS): ${e.configure.join(', ')}` : ''}${e.dropped ? `; not passed: ${e.dropped.join(' ')} (configure's values)` : ''}`,
  },
  GENERATED_TOOL_MISMATCH: {
    title: 'Generated file does not reproduce with its generator tool',
    severity: 'high',
    explained: false,
    description:
      "A tarball-only file with a registered generator tool's output shape (see GENERATED_TOOL_PROVED), whose tracked rule was run in the sandbox with the system's packaged tool of the version the file names (or, when the tool's output names no version, the system's), and which does not come out the same: the shipped file is not what its input produces (an edited generated file passes no other check). The diff is regenerated → shipped; critical when the differing lines carry suspicious constructs. When the output names no version, a different tool version is a possible cause, which the evidence says. For doxygen's output tree: a file only the tarball has that the run writes otherwise; and, when the run reproduced the tree (more than half of the shipped HTML pages it writes byte for byte), a file explained by its shape alone (GENERATED_DOCS) that it writes otherwise or does not write at all (notWritten: an added page or script).",
    docs: anchor('GENERATED_TOOL_MISMATCH'),
    message: (e) =>
      `${e.tool} ${e.version}${e.toolchain ? ` (toolchain ${e.toolchain.name})` : ''} on ${e.source} (\`${e.command.join(' ')}\`${e.cwd ? ` in ${e.cwd}/` : ''}, ${e.fromBanner ? 'as its banner records' : `the rule of ${e.rule}`}${e.postEdits.length ? `, with its ${e.postEdits.length} edit(s)` : ''}) gives different content: ${e.differingLines} line(s) of the shipped file differ${e.firstDifference ? ` (first at line ${e.firstDifference.line}: regenerated ${JSON.stringify(e.firstDifference.regenerated.slice(0, 80))}, shipped ${JSON.stringify(e.firstDifference.shipped.slice(0, 80))})` : ''}${e.namesNoVersion ? ` (the file names no ${e.tool} version: another version may write it otherwise)` : ''}${e.madeInputs ? `; ${madeInputsWords(e.madeInputs)}` : ''}`,
  },
  MAKEINFO_OUTPUT_PROVED: {
    title: 'makeinfo output reproduced',
    severity: 'info',
    explained: true,
    description:
      "A tarball-only file that a rule of a tracked makefile fragment (its directory or above) writes with makeinfo/texi2any from a tracked texinfo file (libtool's `$(MAKEINFO) -P doc --no-headers -o doc/notes.txt doc/notes.texi`), made again by the system's makeinfo in the bubblewrap sandbox from the tag's files of the source's directory and the -I/-P directories, with the rule's options (only --no-headers, --plaintext, --no-split, --no-number-sections, --enable/--disable-encoding, --fill-column, --paragraph-indent, --footnote-style, -I/-P; $(MAKEINFOFLAGS) empty as automake leaves it; any other word and nothing is run), from the fragment's directory — and identical byte for byte. The one normalisation, listed when used: makeinfo 7's Unicode punctuation for UTF-8 documents (‘ ’ “ ” •) read as makeinfo 6's ASCII (' \" *), nothing else differing.",
    docs: anchor('MAKEINFO_OUTPUT_PROVED'),
    message: (e) =>
      `reproduced by makeinfo ${e.version} from ${e.source} (the rule of ${e.rule}: \`${e.command.join(' ')}\`${e.cwd ? ` in ${e.cwd}/` : ''})${e.normalisations.length ? "; makeinfo 7's Unicode quotes and bullets read as ASCII" : ', byte for byte'}${e.releaseVersion && e.releaseVersion !== e.version ? ` (the release used makeinfo ${e.releaseVersion})` : ''}`,
  },
  MAKEINFO_OUTPUT_TRACED: {
    title: 'makeinfo output traced to its texinfo source',
    severity: 'low',
    explained: true,
    description:
      "A tarball-only file a tracked rule renders with makeinfo from a tracked texinfo file (as MAKEINFO_OUTPUT_PROVED) that could not be made again identically: the release used another makeinfo version than this machine's (a sibling Info file says \"produced by makeinfo version X\"; or it is unknown), or makeinfo could not run (no sandbox, regeneration off). A content check instead: every text line of the shipped file is a run of consecutive words of the texinfo source (its @-commands dropped) — makeinfo refills paragraphs but keeps the words in order — so no line says anything the source does not. Low: traced, not proved.",
    docs: anchor('MAKEINFO_OUTPUT_TRACED'),
    message: (e) =>
      `${e.lines} text line(s), each a run of consecutive words of ${e.source} (the rule of ${e.rule}: \`${e.command.join(' ')}\`); not proved: ${e.why === 'version-differs' ? `makeinfo ${e.version ?? '?'} here${e.releaseVersion ? `, ${e.releaseVersion} made the release` : ''}, and its output differs` : 'makeinfo was not run (no sandbox, no makeinfo, or regeneration off)'}`,
  },
  MAKEINFO_OUTPUT_MISMATCH: {
    title: 'makeinfo output does not reproduce',
    severity: 'high',
    explained: false,
    description:
      "A tarball-only file a tracked rule renders with makeinfo from a tracked texinfo file, which makeinfo of the release's version (or, the version unknown, this machine's, when not every text line traces to the source either) does not reproduce: the shipped text is not what its source gives. The diff is regenerated → shipped (the shipped text read in ASCII when it carries makeinfo 7's Unicode punctuation and ours does not: `normalisations` says so); critical when the added lines carry suspicious constructs.",
    docs: anchor('MAKEINFO_OUTPUT_MISMATCH'),
    message: (e) =>
      e.produced
        ? `makeinfo ${e.version} on ${e.source} (\`${e.command.join(' ')}\`) gives different text: ${e.differingLines} line(s) of the shipped file differ`
        : `makeinfo ${e.version} on ${e.source} (\`${e.command.join(' ')}\`) does not produce this file`,
  },
  SYMLINK_AS_TEXT: {
    title: "Symlink shipped as a file holding the link's text",
    severity: 'low',
    explained: true,
    description:
      "Git has a symbolic link; the tarball has a regular file whose bytes are exactly the link's own blob, its target path, and that is not executable (what git checks out where symlinks are not supported, core.symlinks=false: a Windows checkout — tabulate 0.9.0's README). Nothing but git's bytes, but the package does not have the link git has; low, so a reader sees it. Any other content, or that text in an executable file (run, it would run the path from the caller's directory), stays TYPE_CHANGED (high).",
    docs: anchor('SYMLINK_AS_TEXT'),
    message: (e) => `symlink to ${JSON.stringify(e.target)} in git; the tarball has a file holding that path (a checkout without symlinks, core.symlinks=false)`,
  },
  SYMLINK_AS_DIRECTORY: {
    title: 'Symlink to a directory shipped as a copy of it',
    severity: 'info',
    explained: true,
    description:
      "Git has a symbolic link to a tracked directory of the tree; the tarball has a directory in its place holding exactly that directory's files (make dist copies with cp -pR and tar -h follow links: vnstat 2.13's examples/init.d/centos -> redhat): the same relative names, each a regular file with the target file's blob and executable bit, nothing more or less, no symlink. Each copied file is still reported on its own (COPY_OF_TRACKED). Any extra, missing or different file, or a target outside the tree, stays TYPE_CHANGED (high).",
    docs: anchor('SYMLINK_AS_DIRECTORY'),
    message: (e) => `symlink to ${JSON.stringify(e.target)} in git; the tarball has a directory holding exactly the ${e.files} file(s) of ${e.resolved}`,
  },
  SYMLINK_AS_FILE: {
    title: 'Symlink shipped as the file it points to',
    severity: 'info',
    explained: true,
    description:
      "Git has a symbolic link; the tarball has a regular file with exactly the content of the link's target (cargo package and make dist dereference links). When the target lies in a submodule, the content must be the target's blob at the commit the tag pins (when the submodule's repository was read: --submodule or .gitmodules), else a known upstream version of exactly that path (the blob index).",
    docs: anchor('SYMLINK_AS_FILE'),
    message: (e) =>
      `symlink to ${JSON.stringify(e.target)} in git; the tarball has ${e.pinned ? `the target's blob ${e.pinned.blob.slice(0, 12)} at ${e.submodule}'s pinned commit ${e.pinned.commit.slice(0, 12)}` : e.via ? `${describeUpstream(e.via)} (submodule ${e.submodule})` : `the content of ${e.resolved}${e.outside ? ` (outside the package directory ${e.outside})` : ''}`}`,
  },
  PO_FETCHED_TRANSLATION: {
    title: 'Translation fetched at bootstrap',
    severity: 'low',
    explained: true,
    description:
      "A translation that the project keeps out of git and its tracked bootstrap script downloads from the Translation Project (gnulib's bootstrap: po/*.po, gnulib-po/, runtime-po/), every c-format translation with its msgid's printf directives (what msgfmt -c checks before the Translation Project accepts a catalog) and no active translation carrying a suspicious construct its msgid lacks (red team 27b: sed 4.9's fetched po/fr.po telling the user to run `curl … | sh`, its .gmo compiled again, was low), or what the script writes next to them: the compiled .gmo of a shipped .po holding exactly the messages msgfmt compiles from it (read from both files), LINGUAS naming only shipped .po files, a Makevars of plain variable assignments, a POTFILES.in naming only shipped files.",
    docs: anchor('PO_FETCHED_TRANSLATION'),
    message: (e) =>
      `${e.kind === 'po' ? `translation${e.project ? ` of ${e.project}` : ''}` : e.kind === 'gmo' ? 'compiled from the shipped .po' : e.kind} fetched or written by ${e.script} (translationproject.org)`,
  },
  PO_FROM_TRACKED_CATALOG: {
    title: 'Catalog made from tracked catalogs or sources',
    severity: 'low',
    explained: true,
    description:
      "A tarball-only translation catalog proved entry by entry: a LL.po every translated entry of which (msgctxt, msgid, msgid_plural, msgstr) is an entry of the tracked LL.po.in beside it (libidn 1.33: copied by its bootstrap, refreshed by msgmerge) or of a tracked LL.po elsewhere in the tree (gettext's per-example catalogs) — or is msgmerge's fuzzy match, marked fuzzy and carrying exactly a tracked entry's translation — only #: lines, comments, obsolete #~ entries, the header's dates/Project-Id-Version/X-Generator and a Language: field the tracked catalog lacks, equal to the file's LL, differing; a .pot (or an xgettext --omit-header output) with empty msgstrs each of whose msgids has all its words in a tracked source its #: lines reference, or without #: lines in the tracked prerequisites of the Makefile.am rule that makes it; a .pot traced as xgettext wrote it (a gnulib or runtime domain's template, or a tracked template the release refreshed with xgettext, judged by the shipped file alone; a template without any #: line — xgettext --no-location — when every msgid is a literal sequence of a source the tracked POTFILES.in beside it lists): every msgid the C string literal sequence that starts at the line each of its #: references names, in a file of the tree (a tarball-only gnulib copy is named and must be explained by its own finding, or this file is raised to high), msgid_plural and msgctxt literals within the next lines, every extracted #. comment in a referenced source, msgstrs empty, and the header only xgettext's fields, each of its form; a .pot itstool wrote from tracked XML documents (DocBook man pages; judged by the shipped file alone, so also a tracked template the release refreshed): every msgid the content of the element its #. (itstool) path names whose start tag ends at the line its #: reference names (in a tracked file, or X.out for a tracked X when a tracked makefile beside the template runs itstool on .out copies), blanks collapsed, each child element verbatim or itstool's <_:NAME-K/> placeholder, an entity reference verbatim or its value (a DocBook character entity, or a literal declaration of a referenced source or a tracked .xml.in/.ent beside it, @VERSION@ read as the release version and another @VAR@ as one token), msgstrs empty, every other #. comment in a referenced source, the header only gettext's fields; an en@quot.po/en@boldquot.po whose every msgstr is its msgid with only ASCII quotes made typographic (and bold escapes just inside them), its msgids those of the template beside it, its header's Language en@quot/en@boldquot (or a bare en when the Rules-quot beside it is gettext < 0.18's, which runs msginit -l $$ll with the modifier stripped: GnuPG 2.2); a .gmo whose message table is exactly the compiled form of such a .po.",
    docs: anchor('PO_FROM_TRACKED_CATALOG'),
    message: (e) =>
      e.kind === 'subset'
        ? `${e.entries} translated entr${e.entries === 1 ? 'y' : 'ies'}, each an entry of the tracked ${e.source}${e.untranslated ? ` (${e.untranslated} untranslated)` : ''}${e.obsolete ? ` (${e.obsolete} obsolete ignored)` : ''}`
        : e.kind === 'traced'
          ? `xgettext template: each of its ${e.entries} msgid(s) is the string literal at the line its #: references name (${e.sources} file(s)${e.tarballInputs?.length ? `, ${e.tarballInputs.length} only in the tarball, each judged by its own finding` : ''})`
        : e.kind === 'itstool'
          ? `itstool template: each of its ${e.entries} msgid(s) is the content of the XML element its #: reference and itstool path name (${e.sources} file(s))`
        : e.kind === 'template'
          ? `template of ${e.entries} msgid(s), each found in the tracked source(s) ${e.via === 'make-rule' ? `its ${e.source} rule names` : 'its #: lines reference'} (${e.sources} file(s))`
          : e.kind === 'quot'
            ? `${e.entries} msgstr(s) = msgid with the ${e.rule} quotation rule${e.source.endsWith('.pot') ? `; msgids from ${e.source}` : ''}${e.languageRule ? `; Language: en as ${e.languageRule} (gettext < 0.18's, msginit -l $$ll) writes it` : ''}`
            : `the compiled table of ${e.source} (${e.entries} messages; the .po proved as ${e.of})`,
  },
  PO_TRANSLATION_CHANGED: {
    title: 'Translation text changed',
    severity: 'medium',
    explained: false,
    description:
      "The catalog has translations git's does not: a msgstr that differs for a msgid git has, a new entry that arrives translated, or a fuzzy entry made active. msgmerge does none of that (it gives new msgids an empty or fuzzy msgstr and keeps fuzzy flags). High when a translation's printf directives differ from its msgid's (severityReason format-directives, the msgids in formatChanged), or when an active translation carries a suspicious construct its msgid lacks — a message telling the user to run a download (severityReason suspicious-constructs, the constructs shown), or when it names a URL host neither its msgid nor git's translation names (severityReason url-host, the hosts in newHosts).",
    docs: anchor('PO_TRANSLATION_CHANGED'),
    message: (e) =>
      `${e.msgids.length} translation(s) changed${e.added ? `, ${e.added} of them new` : ''}${e.formatChanged?.length ? `; other printf directives than the msgid in ${e.formatChanged.length}` : ''}${e.newHosts?.length ? `; URL host(s) no msgid names: ${e.newHosts.join(', ')}` : ''}`,
  },
  CHANGELOG_FROM_GIT: {
    title: 'ChangeLog generated from git log',
    severity: 'info',
    explained: true,
    description: "The ChangeLog was generated from the history, and its newest entry is the tag's commit.",
    docs: anchor('CHANGELOG_FROM_GIT'),
    message: (e) => `generated from git log; newest entry is ${e.commit.slice(0, 12)} (the tag's commit)`,
  },
  DOC_EDITED: {
    title: 'Documentation edited by the release',
    severity: 'medium',
    explained: false,
    description:
      'A tracked documentation file (README, CHANGELOG, NEWS, *.md, *.rst at the top or under doc/, *.txt under doc/) that nothing builds from differs from git: a release-process edit (a dist-hook trimming README.md, a release tool rewriting links). At most medium, so the default gate does not fail on it — unless an added line carries a suspicious construct or a URL whose host the tracked version lacks: then the file stays SOURCE_MODIFIED (high).',
    docs: anchor('DOC_EDITED'),
    message: (e) => `documentation edited: ${e.added} line(s) added, ${e.removed} removed; no construct, no new URL host`,
  },
  GETTEXTIZE_UPGRADE: {
    title: "gettextize's version upgrade",
    severity: 'low',
    explained: true,
    description:
      "The release ran gettextize (or autopoint's upgrade), which rewrites the tracked configure.ac's AM_GNU_GETTEXT_VERSION([OLD]) to the gettext version it installs and records that in po/ChangeLog: configure.ac differs from git in exactly that one line, to a newer version, and the tarball's po/ChangeLog opens with gettextize's entry (`DATE  gettextize  <bug-gnu-gettext@gnu.org>`) naming an upgrade to that version; po/ChangeLog itself is explained when it holds nothing but gettextize's entries. Every version named must be a gettext release that exists (its tag's commit is the evidence; the list, data/gettext-releases.json, is derived from gettext's git tags by scripts/derive-gettext-releases.mjs). Any other changed line, another version than the entry names, a gettext version that was never released, or any other line in po/ChangeLog leaves the file unexplained.",
    docs: anchor('GETTEXTIZE_UPGRADE'),
    message: (e) => (e.file === 'configure.ac' ? `AM_GNU_GETTEXT_VERSION ${e.from} → ${e.to}, as ${e.changelog}'s gettextize entry records` : `gettextize's entries only (upgrade to gettext ${e.to})`),
  },
  LOG_DERIVED: {
    title: 'Rendered from git log',
    severity: 'info',
    explained: true,
    description:
      "A THANKS/AUTHORS list or a ChangeLog/CHANGES/NEWS the release made from the history: each line traced to the tracked template (X.in, git's own version, a tracked X-* sibling), to an author of the history (also `NAME <user at host>`), in a names file to a translator a .po file's Last-Translator header names (a tracked catalog, or one only the tarball has — gnutls' fetched po/*.po — which must then be explained below high itself: tarballInputs), or to a line of a commit message (as it is, or as a tracked gitlog-to-changelog --amend file corrects it), or as part of a block that is a commit message re-wrapped (git2cl, Mercurial's changelog template: the block between blank lines and entries, less its `* FILES:` list and an hg `[NODE]` line, has exactly the characters other than blanks of one paragraph or of the whole of a commit message; rewrapped counts those lines), or in a `git log --name-status` log as a STATUS<TAB>PATH line (R/C with a score and two paths) whose every path a commit up to the revision added, modified or deleted (nameStatus counts them); the commits since the previous tag found in it (their authors or subjects). A `Date:` line counts as git log's only when it is a date git prints, a diffstat line only when the history touched every path it names, and a line traced by an author's email alone (its name nobody's) is checked as an untraced line. Explained only when at most 5 % of the lines (or 10) trace to nothing, those and the email-only lines carry no suspicious construct and no URL that the template and the history do not spell out whole, and at least 80 % of the commits since the previous tag are found (with no earlier tag — a repository snapshot without tags — the commits from a week before the log's oldest entry on, where its script started; so too after a previous tag when a tracked Makefile.am, GNUmakefile, cfg.mk or maint.mk runs gitlog-to-changelog with `--since`: m4 1.4.18's gen_start_date 2015-01-01 is after v1.4.17).",
    docs: anchor('LOG_DERIVED'),
    message: (e) =>
      `${e.kind === 'authors' ? 'authors list' : 'log'} rendered from git log: ${e.traced} of ${e.lines} lines traced (${e.fromTemplate} from ${e.templates?.length ? e.templates.join(', ') : 'no template'})` +
      (e.amended ? `; ${e.amended.lines} as ${e.amended.files.join(', ')} amends ${e.amended.commits} commit message(s)` : '') +
      (e.nameStatus ? `; ${e.nameStatus} \`git log --name-status\` line(s), each naming paths the history touched` : '') +
      (e.range ? `; ${e.range.found} of ${e.range.commits} commit ${e.range.what} ${e.range.from ? `since ${e.range.from}` : e.range.since ? `since the log's oldest entry (${e.range.since}; no earlier tag)` : 'in the history'} found` : '') +
      (e.untraced ? `; ${e.untraced} untraced: ${e.untracedLines.slice(0, 3).map((u) => `${u.line}: ${JSON.stringify(u.text.slice(0, 60))}`).join(', ')}${e.untraced > 3 ? ' …' : ''}` : ''),
  },
  CHANGELOG_OTHER_COMMIT: {
    title: 'ChangeLog built from a different commit',
    severity: 'high',
    explained: false,
    description: "The generated ChangeLog's newest entry is not the tag's commit: the tarball was built from another tree.",
    docs: anchor('CHANGELOG_OTHER_COMMIT'),
    message: (e) => `newest entry is ${e.commit.slice(0, 12)}, the tag is ${e.expected.slice(0, 12)}`,
  },
  VERSION_STAMP: {
    title: 'Version or date stamp only',
    severity: 'low',
    explained: true,
    description:
      "The only changed lines carry the release version or date: where git has an older version, a placeholder or variable whose name says version or date (@VERSION@, ${PROJECT_VERSION}, $(RELEASE_DATE)) or a date, the tarball has the release version, the tag or a date within 60 days of the tag's commit. Any other variable, or a date far from the release, is a change. An older version is one below the release's; a version above it counts only when it is git-version-gen's name of an earlier commit (T.N-ABBREV, `git describe` vT-N-gABBREV of a commit the release reaches, checked in the repository: util-linux 2.38.1's po/util-linux.pot, Project-Id-Version 2.38.73-eae294 → 2.38.1), named in the evidence (`earlier`). Also a tracked file whose dist copy a tracked make dist rule (dist-hook or a target it depends on) rewrites with `date`: the recipe read, never run (only rm -f, V=`date +FMT` and sed 'SCRIPT' $(srcdir)/X > $(distdir)/X), the tracked file through SCRIPT equal to the shipped one with every date hole one date of FMT's shape within 60 days of the tag's commit.",
    docs: anchor('VERSION_STAMP'),
    message: (e) =>
      e.rule
        ? `the release date ${e.date} written by the tracked make dist rule ${e.rule.target} (${e.rule.file}) over the tracked file, computed without running it: identical otherwise (line${e.lines.length === 1 ? '' : 's'} ${e.lines.slice(0, 8).join(', ')})`
        : `only version/date stamps changed (line${e.lines.length === 1 ? '' : 's'} ${e.lines.slice(0, 8).join(', ')})${e.earlier?.length ? `; git's ${e.earlier.map((x) => `${x.value} is commit ${x.commit.slice(0, 12)}, ${x.commits} after ${x.tag}`).join(', ')}, which the release reaches` : ''}`,
  },
  SVN_KEYWORD_EXPANDED: {
    title: 'Subversion keywords expanded',
    severity: 'low',
    explained: true,
    description:
      "A tracked file whose only changed lines are git's unexpanded Subversion keywords expanded, as `svn export` writes them (a release exported from Subversion whose git repository is a conversion: smartmontools 7.3's `$Id: ataprint.cpp 5336 2022-02-26 18:30:35Z dpgilbert $` where git has `$Id$`). Each changed line is git's line with every keyword replaced by its expansion and nothing else; $Id$ must name the file's own base name with a user name as author (letters, digits, . _ @ + -), and $HeadURL$, $URL$, $Header$ a URL ending in it without quotes, brackets, ; < > | & * backquotes or backslashes (an author that closes the quote of configure's echo of $Id$ and runs a command is no expansion); $Revision$, $Date$ and $Author$ count only in a file where such a naming keyword is expanded too. An expansion naming another file, or any other change on the line, stays SOURCE_MODIFIED.",
    docs: anchor('SVN_KEYWORD_EXPANDED'),
    message: (e) => `only Subversion keywords expanded (${e.keywords.map((k) => `$${k}$`).join(', ')}; line${e.lines.length === 1 ? '' : 's'} ${e.lines.slice(0, 8).join(', ')})`,
  },
  NESTED_ARCHIVE_KNOWN: {
    title: 'Tar archive of known files',
    severity: 'info',
    explained: true,
    description:
      "A tar archive shipped inside the release (gettext's misc/archive.dir.tar) whose every member is, by blob id, a blob the revision, a branch or a tag of the repository reaches (not a pull request's objects), a file of the upstream blob index or of a pinned submodule, or — at the same path — a member an earlier, independently published release of the project carried; its members are listed while the outer archive streams.",
    docs: anchor('NESTED_ARCHIVE_KNOWN'),
    message: (e) =>
      `all ${e.members} member(s) known: ${e.history} from the repository's history, ${e.upstream} upstream copies, ${e.submodule} from a pinned submodule${e.release ? `, ${e.release} as published in an earlier release (${e.releases.join(', ')})` : ''}`,
  },
  NESTED_ARCHIVE_UNKNOWN_MEMBERS: {
    title: 'Tar archive with unknown members',
    severity: 'high',
    explained: false,
    description: 'A tar archive shipped inside the release with members that are no blob of the repository, the upstream blob index or a pinned submodule, nor a member an earlier release published at that path (or that are not regular files): each is named.',
    docs: anchor('NESTED_ARCHIVE_UNKNOWN_MEMBERS'),
    message: (e) => `${e.unknown} of ${e.members} member(s) unknown: ${e.names.slice(0, 8).join(', ')}${e.unknown > 8 ? ', …' : ''}`,
  },
  VERSION_OF_EARLIER_COMMIT: {
    title: 'Version string of an earlier commit',
    severity: 'low',
    explained: true,
    description:
      "A tarball-only `.version` that is one line holding the version of a commit the release reaches, as gnulib's git-version-gen prints it: `T.N-ABBREV` where `git describe` of that commit is vT-N-gABBREV…, or the version of a tag the release reaches, or a GNU prerelease version `Ta` after a tag vT older than the release — written once by a rule without prerequisites and never refreshed.",
    docs: anchor('VERSION_OF_EARLIER_COMMIT'),
    message: (e) =>
      e.commit
        ? `"${e.value}" is git-version-gen's string for ${e.commit.slice(0, 12)}, ${e.commits} commit(s) after ${e.tag}, which the release descends from${e.dirty ? ' (built dirty)' : ''}`
        : e.prerelease
          ? `"${e.value}" is the prerelease version after ${e.tag}, a tag older than the release${e.dirty ? ' (built dirty)' : ''}`
          : `"${e.value}" is the version of ${e.tag}, which the release descends from${e.dirty ? ' (built dirty)' : ''}`,
  },
  ATTRIBUTE_NOT_APPLIED: {
    title: 'Committed bytes, archive attribute not applied',
    severity: 'info',
    explained: true,
    description:
      "A tracked file that git archive would export converted by a .gitattributes attribute (eol=crlf line endings, export-subst placeholders expanded) is shipped as the committed blob itself, byte for byte: the release was made from a checkout or the blobs (make dist, a packaging tool), not by git archive. Nothing but git's own bytes at the tag; any other content is judged as a change (opus-tools 0.2's win32/*.bat, *.sln, *.vcxproj under `text eol=crlf`).",
    docs: anchor('ATTRIBUTE_NOT_APPLIED'),
    message: (e) =>
      `the committed blob ${e.blob.slice(0, 12)} byte for byte; git archive would apply ${e.attribute === 'eol' ? 'the eol attribute (other line endings)' : 'export-subst (placeholders expanded)'}, so the release was not made by git archive`,
  },
  LINE_ENDINGS_ONLY: {
    title: 'Line endings only',
    severity: 'info',
    explained: true,
    description: 'The content is identical once line endings are normalised.',
    docs: anchor('LINE_ENDINGS_ONLY'),
    message: (e) => `only line endings differ (${e.from} in git, ${e.to} in the tarball)`,
  },
  REVISION_MISMATCH: {
    title: 'Archive metadata names another commit',
    severity: 'high',
    explained: false,
    description:
      'The archive says which commit it was made from (npm gitHead, .cargo_vcs_info.json, the pax header of git archive) and that commit is not the tag\'s, or is not in the repository: the tag moved or the archive was built from another tree.',
    docs: anchor('REVISION_MISMATCH'),
    message: (e) =>
      `${e.source} names ${e.claimed.slice(0, 12)}${e.inRepo ? '' : ' (not in the repository)'}, ${e.tag ? `tag ${e.tag} is` : 'the revision is'} ${e.commit.slice(0, 12)}`,
  },
  METADATA_COMMIT_UNKNOWN: {
    title: 'Archive metadata names a commit the repository lacks',
    severity: 'medium',
    explained: false,
    description:
      "The archive's metadata (a pax header from git archive, a ChangeLog, npm gitHead, .cargo_vcs_info.json) names a commit that is not in the repository — typically a distribution's repack made from its own import commit — while every file the tarball adds or changes against the chosen revision is explained. The claim cannot be checked, the content was: medium. When any content difference is unexplained, the same claim is REVISION_MISMATCH (high).",
    docs: anchor('METADATA_COMMIT_UNKNOWN'),
    message: (e) => `${e.source} names ${e.claimed.slice(0, 12)} (not in the repository); the content matches ${e.tag ?? e.commit.slice(0, 12)} with every difference explained`,
  },
  TAG_CONFLICTS_WITH_ARCHIVE: {
    title: 'Given tag conflicts with the archive',
    severity: 'high',
    explained: false,
    description:
      "The tag passed with --tag names another version than the archive's file name or top directory (xz-5.6.1.tar.gz verified against v5.6.0): the comparison is made with the given tag as asked, and the conflict is reported rather than only noted under Inputs. Versions are compared by their numbers: no conflict when the archive version's numbers occur as a run in the tag's or the other way round (2025.01.31 = 2025.1.31, json-c-0.16-20220414 names 0.16; a Debian +ds or +dfsg suffix is ignored); both sides must have at least two numbers.",
    docs: anchor('TAG_CONFLICTS_WITH_ARCHIVE'),
    message: (e) => `--tag ${e.tag} names version ${e.tagVersion}; the archive's name says ${e.archiveVersion}`,
  },
  TAG_MOVED: {
    title: 'Tag moved',
    severity: 'high',
    explained: false,
    description: 'The tag points to another commit than it did when the cached clone last saw it. Tags of releases should never move.',
    docs: anchor('TAG_MOVED'),
    message: (e) => `tag ${e.tag} was ${e.previous.slice(0, 12)}, now ${e.current.slice(0, 12)}`,
  },
  CRATE_DIRTY: {
    title: 'Crate packaged from a dirty work tree',
    severity: 'high',
    explained: false,
    description: '.cargo_vcs_info.json says `dirty: true`: the crate was packaged with uncommitted changes, so no commit reproduces it.',
    docs: anchor('CRATE_DIRTY'),
    message: (e) => `packaged with uncommitted changes${e.sha1 ? ` on top of ${e.sha1.slice(0, 12)}` : ''}`,
  },
  CRATE_MANIFEST_MISMATCH: {
    title: 'Cargo.toml.orig differs from git',
    severity: 'high',
    explained: false,
    description: "Cargo.toml.orig is the manifest as written by the author; it must equal git's Cargo.toml.",
    docs: anchor('CRATE_MANIFEST_MISMATCH'),
    message: (e) => `differs from git's ${e.gitPath}${e.gitOid ? '' : ' (absent in git)'}`,
  },
  PACKAGE_METADATA: {
    title: 'Packaging metadata',
    severity: 'info',
    explained: true,
    description:
      'A file the packaging tool writes: PKG-INFO, *.egg-info/ (the files setuptools writes, as text; entry points a tracked build file declares; every URL of PKG-INFO\'s headers and dependency_links.txt one a tracked build file, top-level file or README spells out, those of its description on a host a tracked file names, PKG-INFO\'s Version the release\'s, top_level.txt names the sdist ships), the [egg_info] section of setup.cfg, *.dist-info/, .cargo_vcs_info.json, Cargo.toml.orig, the normalised Cargo.toml (declaring nothing Cargo.toml.orig does not: dependencies, build script, [lib] path and kind, binaries\' paths, links, edition, features), a Cargo.lock cargo package could have written (crates.io sources with checksums); the MANIFEST of a CPAN distribution (listing exactly the shipped files), META.json/META.yml (every configure/build/test/runtime prerequisite declared by the tracked tree) README (the Dist::Zilla [Readme] template with Software::License\'s notice, its holder and abstract written in tracked files, or the text of a shipped module POD) Test::ReportPrereqs\' t/00-report-prereqs.dd (Data::Dumper\'s rendering of META.json\'s prereqs, byte for byte) and Dist::Zilla\'s cpanfile (its [CPANFile] rendering of META.json\'s prereqs, byte for byte); an sdist\'s setuptools_scm version file (the path a tracked pyproject.toml or setup.py names, setuptools_scm\'s own template filled with the sdist\'s version, byte for byte); a file an npm package\'s tracked shell script writes with a here-document, the script run by a script of the tracked package.json, byte for byte; a folder\'s module-type stub (DIR/package.json exactly {"type": "module"} or {"type": "commonjs"}) whose bytes are a string literal of a tracked bundler configuration that also names package.json and a path under DIR (rollup\'s emit-module-package-file pattern); a file a script of the tracked package.json writes itself with echo \'TEXT\' > PATH, byte for byte (TEXT and echo\'s newline, nothing touching the file after it).',
    docs: anchor('PACKAGE_METADATA'),
    message: (e) => `${e.kind} written by the ${e.ecosystem} packaging tool${e.source ? ` from ${e.source}` : ''}${e.script ? ` (script ${e.script})` : ''}`,
  },
  CPAN_MUNGED: {
    title: "Perl file munged by the release tool",
    severity: 'info',
    explained: true,
    description:
      "A tracked Perl file (.pm, .pl, .t, Makefile.PL) that a CPAN release tool (Dist::Zilla's plugins) changed only where perl does not read code: whole POD blocks commented out as `#pod` lines, POD added inside git's POD or after a module's `__END__`, the `# COPYRIGHT` comment expanded, ` # git description: …` after the package statement, an `our $VERSION = '<release>';` line, the generator banner as Makefile.PL's first line. Only POD may be added after a module's `__END__` (other lines there must be git's), and no added POD or comment line may carry a run of 48 or more base64 characters (an encoded payload). Any changed code line stays SOURCE_MODIFIED.",
    docs: anchor('CPAN_MUNGED'),
    message: (e) => `changed only by release munging: ${e.kinds.join(', ')}`,
  },
  NOT_PACKAGED: {
    title: 'Not part of the package',
    severity: 'info',
    explained: true,
    description: "A file git has that the package does not carry: npm packs only what `files` lists; a wheel carries only the importable package; cargo packs only what Cargo.toml's `include` matches, minus what its `exclude` matches.",
    docs: anchor('NOT_PACKAGED'),
    message: (e) =>
      e.reason === 'files-field' ? 'not listed in package.json "files"'
      : e.reason === 'outside-package' ? 'outside the packaged modules'
      : e.reason === 'include-field' ? 'not matched by Cargo.toml "include"'
      : e.reason === 'exclude-field' ? 'matched by Cargo.toml "exclude"'
      : 'not packed',
  },
  NPM_INSTALL_SCRIPT: {
    title: 'Install script added or changed',
    severity: 'high',
    explained: false,
    description: 'package.json in the tarball has a preinstall/install/postinstall script that git does not have (or a different one): it runs on every `npm install`.',
    docs: anchor('NPM_INSTALL_SCRIPT'),
    message: (e) => e.scripts.map((s) => `${s.name}: ${s.git === undefined ? 'added' : s.tarball === undefined ? 'removed' : 'changed'} ${JSON.stringify((s.tarball ?? '').slice(0, 80))}`).join('; '),
  },
  NPM_MANIFEST_CHANGED: {
    title: 'package.json changed',
    severity: 'high',
    explained: false,
    description: 'Fields of package.json differ from git in a way npm, pnpm and yarn do not produce (dependencies, scripts, entry points …).',
    docs: anchor('NPM_MANIFEST_CHANGED'),
    message: (e) => `changed field${e.fields.length === 1 ? '' : 's'}: ${e.fields.slice(0, 8).join(', ')}${e.fields.length > 8 ? ' …' : ''}`,
  },
  NPM_MANIFEST_REWRITE: {
    title: 'package.json rewritten by the package manager',
    severity: 'info',
    explained: true,
    description: 'pnpm/yarn replace `workspace:`/`catalog:` versions and apply `publishConfig`; semantic-release sets the version; the formatting may change; dual-publish/clean-publish (a tracked package.json using dual-publish) drop scripts, devDependencies and tool settings and rewrite the resolution fields, every path in them a shipped file git tracks or its .cjs/.d.cts copy; pnpm publish (a repository with pnpm-lock.yaml or `packageManager: pnpm@…`) drops the prepublishOnly/prepack/prepare/postpack/publish/postpublish scripts and the `pnpm` and `packageManager` fields.',
    docs: anchor('NPM_MANIFEST_REWRITE'),
    message: (e) => `rewritten: ${e.rewrites.slice(0, 6).map((r) => `${r.field} (${r.kind})`).join(', ')}${e.rewrites.length > 6 ? ' …' : ''}`,
  },
  NPM_BUILD_OUTPUT: {
    title: 'Build output proved from its source in git',
    severity: 'info',
    explained: true,
    description:
      "Output the package publishes (dist/, build/, lib/ …) that git does not have, proved from the tracked source: its JavaScript token stream (comments and whitespace aside) is the tracked script's (`proof: tokens`), or its source map (`//# sourceMappingURL=`, inline, or X.map beside it) embeds exactly git's content for every source it names and maps every code line of the output (`proof: source-map`; which source was compiled is proved, and a line added after the build has no mapping; an embedded source that is git's text with every line ending CRLF — a build on a checkout converting line endings, core.autocrlf — counts as git's and is named in `crlfSources`: nothing but the line endings may differ). A map proves the map file itself the same way. A tracked X.js published as an ES module (dual-publish) is proved when its tokens are git's but for the require/module.exports statements turned into import/export (`proof: esm-conversion`). A package built by bundt 1.1.0–1.1.2 (pinned, run as the script `bundt`): its byte-for-byte output modelled from the tracked entry (`modes`, `main`/`module`/`browser`; CommonJS by bundt's import/export rewrite; a mode's .d.ts copied) (`proof: bundt`). A minified bundle whose map names tracked sources: rebuilt in the sandbox by the esbuild version the tracked lockfile pins (`distdiff toolchain add npm:esbuild@V` caches it), `--bundle --minify` from a tracked source the map names, with only `process.env.NODE_ENV` defined as \"production\" and a `mangleProps` pattern of a tracked build configuration, and equal to its output byte for byte but the `sourceMappingURL` comment and tsup's `0&&(module.exports={…})` name list (`proof: rerun`). A JSON list of a tracked directory's files (dayjs's locale.json): canonical JSON of same-keyed one-line strings, one key's values exactly the directory's file stems, every other value text of that entry's file, written by a tracked script a package.json script runs with node that names the list and the directory (`proof: file-list`). Capabilities no tracked source uses (see NPM_BUILD_OUTPUT_UNPROVED) are still raised.",
    docs: anchor('NPM_BUILD_OUTPUT'),
    message: (e) =>
      (e.proof === 'tokens'
        ? `the tokens of ${e.source} (comments and whitespace aside)`
        : e.proof === 'esm-conversion'
          ? `git's CommonJS ${e.source} converted to an ES module (dual-publish): its tokens but for require/module.exports`
        : e.proof === 'bundt'
          ? `exactly what bundt writes from ${e.source} (git)`
        : e.proof === 'file-list' && e.fileList
          ? `a list of the ${e.fileList.entries} files of git's ${e.sources?.[0]} (${e.fileList.key}: each file's name once, every other value its file's text), written by ${e.source} (package.json script ${e.fileList.script})`
        : e.proof === 'rerun' && e.rerun
          ? `exactly what ${e.rerun.tool} ${e.rerun.version} (pinned by ${e.rerun.lockfile}) writes from git's ${e.rerun.entry}, rerun in the sandbox: ${e.rerun.argv.join(' ')}`
        : `built from ${e.source}: its source map (${e.map}) embeds git's ${e.sources?.join(', ')} and maps every code line`) +
      (e.crlfSources?.length ? ` (the map embeds ${e.crlfSources.join(', ')} with CRLF line endings, git's text otherwise: built on a checkout that converts line endings)` : ''),
  },
  NPM_BUILD_OUTPUT_UNPROVED: {
    title: 'Build output, not proved',
    severity: 'low',
    explained: true,
    description:
      "Output the package publishes (dist/, build/, lib/ …) with a tracked source of the same name (or, for a bundle, a tracked source directory), but nothing proves its content: a compiled TypeScript/Babel file without a source map, a map without the sources' content, a declaration file, tsc's declaration map (`X.d.ts.map`: only the fields tsc writes, `file` the `X.d.ts` beside it that names it — or, when the build renamed that file (tshy's dialect overrides: `X-cjs.d.cts` moved to `X.d.ts`), the one declaration file beside it that names it —, every source a tracked file — anything else keeps its finding) or a stylesheet. It is what a build would write, not checked line by line. High when the script can do what no tracked source does (`capabilities`: child_process, eval or new Function, base64 decoding, network access — fetch, http(s).request/get, net, dgram, WebSocket — or native code), the shape of an injected payload.",
    docs: anchor('NPM_BUILD_OUTPUT_UNPROVED'),
    message: (e) =>
      `${e.kind === 'declaration' ? 'declarations' : e.kind === 'map' ? 'a source map' : e.kind === 'style' ? 'a stylesheet' : 'a script'} built from ${e.source}, not proved (${NPM_UNPROVED_WORDS[e.why]}${e.map ? `: ${e.map}` : ''})${e.capabilities?.length ? `; uses ${e.capabilities.join(', ')}, which no tracked source does` : ''}`,
  },
  NPM_BUILD_OUTPUT_MISMATCH: {
    title: 'Build output contradicts its source map',
    severity: 'high',
    explained: false,
    description:
      "Output whose own source map contradicts the release: the content it embeds for a source differs from git's file at the tag (it was compiled from something else), or the output has code lines no mapping covers (added after the build). The unmapped lines are shown.",
    docs: anchor('NPM_BUILD_OUTPUT_MISMATCH'),
    message: (e) =>
      `source map ${e.map}: ${[e.differingSources.length ? `embeds another ${e.differingSources.join(', ')} than git's` : '', e.unmapped ? `${e.unmapped} code line(s) no mapping covers (${e.unmappedLines.slice(0, 3).map((l) => `${l.line}: ${JSON.stringify(l.text.slice(0, 80))}`).join(', ')})` : ''].filter(Boolean).join('; ')}${e.capabilities?.length ? `; uses ${e.capabilities.join(', ')}, which no tracked source does` : ''}`,
  },
  NPM_UNSOURCED_OUTPUT: {
    title: 'Published script with no source in git',
    severity: 'high',
    explained: false,
    description: 'A JavaScript file the package publishes that git does not have, with no source it could be built from (flatmap-stream hid its payload in such a minified file).',
    docs: anchor('NPM_UNSOURCED_OUTPUT'),
    message: (e) => `no source in git${e.minified ? ', minified' : ''}${e.listedInFiles ? ', listed in "files"' : ''}`,
  },
} satisfies { [C in FindingCode]: CodeDoc<C> };

const REWRITE_WORDS: Record<SubmoduleRewrite, string> = {
  'config-h': "gnulib-tool's config-h rewrite (#ifdef HAVE_CONFIG_H → #if 1)",
  'license-gpl': 'license-notice rewrite LGPLv2+→GPLv3+',
  'license-version': 'its "version 2" → "version 3" outside the notice',
  'license-names': 'its "Lesser General" → "General" outside the notice',
  'license-lgpl': 'license-notice rewrite GPL→LGPL',
  'license-lgpl2': 'license-notice rewrite GPL→LGPLv2.1+',
  'license-lgpl3orgpl2': 'license-notice rewrite to "LGPLv3+ or GPLv2+" (--lgpl=3orGPLv2)',
  'bootstrap-mark': "the tracked bootstrap's cp_mark_as_generated header (its two read-only / DO NOT EDIT lines)",
};
const rewriteWords = (r: SubmoduleRewrite) => REWRITE_WORDS[r];
/** What a submodule copy was made from: the pinned file, or the tracked local override, with the tracked patches. */
function copiedFrom(e: { submodule: string; commit: string; file: string; local?: GnulibLocal; edited?: { script: string; line: number; tool?: 'perl' } }): string {
  const base = e.local?.override ? `${e.local.override} (in git: gnulib-tool's local override of ${e.submodule} ${e.commit.slice(0, 12)} ${e.file})` : `${e.submodule} ${e.commit.slice(0, 12)} ${e.file}`;
  return `${base}${e.local?.patches.length ? ` with ${e.local.patches.join(', ')} (in git) applied` : ''}${e.edited ? `, then edited by the in-place ${e.edited.tool ?? 'sed'} of the tracked ${e.edited.script}:${e.edited.line}` : ''}`;
}

const NPM_UNPROVED_WORDS: Record<EvidenceMap['NPM_BUILD_OUTPUT_UNPROVED']['why'], string> = {
  compiled: 'compiled, no source map',
  directory: 'a bundle of the source directory',
  'map-without-sources': 'its source map embeds no tracked source',
  'map-partial': 'its source map embeds sources git does not have',
  'too-large': 'too large to read',
  'declaration-map': 'a declaration map of tracked sources, no code',
};

const PARSER_UNPROVED_WORDS: Record<ParserUnproved['why'], (p: ParserUnproved) => string> = {
  'version-unavailable': (p) => `${p.tool} ${p.wanted} is named, this machine has ${p.tool} ${p.available} and no ${p.tool} ${p.wanted} toolchain${parserRemedy(p)}`,
  'tool-missing': (p) => `${p.tool} ${p.wanted} is named, ${p.tool} is not installed and no ${p.tool} ${p.wanted} toolchain is cached${parserRemedy(p)}`,
  'no-version': (p) => `the output names no ${p.tool} version`,
  'regeneration-off': () => 'regeneration is off (--no-regenerate)',
  'not-attempted': () => 'regeneration was not attempted',
  'no-sandbox': () => 'the sandbox cannot start here',
  'grammar-unavailable': () => "the grammar's content was not available",
  'not-retained': () => "the output's content was not retained",
  failed: (p) => `${p.tool}${p.wanted ? ` ${p.wanted}` : ''} failed on the tag's grammar: ${p.error ?? '?'}`,
};
/** Why a man page line a tracked script writes does not trace (src/classify/header-man.ts). */
export const pageUntracedWords = (w: PageUntraced): string =>
  w.kind === 'request' ? `request .${w.request} the script does not write`
  : w.kind === 'not-request' ? 'not a request'
  : w.kind === 'word' ? `word ${w.word} in no source`
  : w.kind === 'construct' ? `suspicious construct ${w.construct}`
  : w.kind === 'host' ? `host ${w.host} in no source`
  : w.kind === 'url' ? `URL ${w.url} no source spells out`
  : 'not a run of the sources';

export const parserUnprovedWords = (p: ParserUnproved): string => PARSER_UNPROVED_WORDS[p.why](p);

/** The toolchain that would prove an output naming a version this machine lacks: bison, flex and OpenBSD's yacc build from their own repositories; Thomas Dickey's byacc (a YYPATCH date) has no toolchain kind. */
function parserRemedy(p: ParserUnproved): string {
  if (p.tool === 'byacc') return p.wanted && !p.wanted.includes(' ') ? ` (OpenBSD's yacc: add it: distdiff toolchain add --git https://github.com/ibara/yacc.git --version ${p.wanted} --rev COMMIT)` : ' (no toolchain kind builds Thomas Dickey\'s byacc)';
  return ` (add it: distdiff toolchain add --git ${p.tool === 'bison' ? 'https://git.savannah.gnu.org/git/bison.git' : 'https://github.com/westes/flex.git'} --version ${p.wanted}${p.tool === 'bison' ? ' [--submodule gnulib=REPO --submodule submodules/autoconf=REPO]' : ''})`;
}

const GENERATOR_UNPROVED_WORDS: Record<GeneratorUnproved['why'], (p: GeneratorUnproved) => string> = {
  'version-unavailable': (p) => `${p.tool} ${p.available} here, the file names ${p.wanted}${p.tool === 'gperf' ? ` (add it: distdiff toolchain add --git <gperf repository> --version ${p.wanted} [--rev REV])` : p.tool === 'swig' ? ` (add it: distdiff toolchain add --git https://github.com/swig/swig.git --version ${p.wanted})` : p.tool === 'valac' ? ` (add it: distdiff toolchain add --git https://gitlab.gnome.org/GNOME/vala.git --version ${p.wanted}; Debian's valac is 0.56.3 in bookworm, 0.56.18 in trixie)` : ''}`,
  'tool-missing': (p) => `${p.tool}${p.wanted ? ` ${p.wanted}` : ''} is not installed (Debian package ${p.package ?? '?'})`,
  'regeneration-off': () => 'regeneration is off (--no-regenerate)',
  'not-attempted': () => 'regeneration was not attempted',
  'no-sandbox': () => 'the sandbox cannot start here',
  'rule-unsupported': (p) => `the rule of ${p.fragment ?? '?'} has a command outside the forms read (\`${p.command ?? '?'}\`)`,
  'banner-unsupported': (p) => `the command line its banner records is not one that is run (\`${p.command ?? '?'}\`: the program must be \`gperf\`, the options gperf's table/option flags, the input one relative path to the named .gperf)`,
  'input-unavailable': (p) => (p.tool === 'swig' ? `the rule's prerequisite ${p.fragment ?? '?'} is not tracked (a file the build makes first)${p.error ? ` and not made here: ${p.error}` : ''}` : `its input ${p.fragment ?? '?'} is neither tracked nor a shipped proved copy of the pinned submodule's file`),
  'input-mismatch': (p) => `its banner names ${p.fragment ?? '?'}, which is not this file's input (${p.command ? `the rule writing it runs \`${p.command}\`` : 'no rule writes it, and it is not X.h/X.c beside X.gperf'})`,
  failed: (p) => `${p.tool} did not write it from the tag's input: ${p.error ?? '?'}`,
};
export const generatorUnprovedWords = (p: GeneratorUnproved): string => GENERATOR_UNPROVED_WORDS[p.why](p);
/** The prerequisites a SWIG run needed that the build makes first from grep rules (libcap-ng's caps.h), as the evidence says. */
export const madeInputsWords = (ms: readonly MadeInput[]): string =>
  ms
    .map((m) => `its input ${m.path} made first by the rule of ${m.rule}: \`${m.command}\`${m.empty ? ' (an empty file)' : m.regenerated ? ` (written from the tag's sources by that run, made here first)` : m.system ? ` from this system's ${m.source} (sha256 ${m.sha256}${m.configure ? `, the path ${m.configure.join(', ')}` : ''}; another header there gives other lines)` : ` from ${m.source}`}`)
    .join('; ');

export function describeUpstream(u: UpstreamRef): string {
  const parts = [`${u.project} ${u.file}`];
  if (u.serial !== undefined) parts.push(`serial ${u.serial}`);
  if (u.version) parts.push(u.version);
  if (u.commit) parts.push(`commit ${u.commit.slice(0, 12)}`);
  if (u.date) parts.push(u.date);
  if (u.source) parts.push(u.source);
  return parts.join(', ');
}

export function codeDoc<C extends FindingCode>(code: C): CodeDoc<C> {
  return (CODES as unknown as { [K in FindingCode]: CodeDoc<K> })[code];
}

export const ALL_CODES = Object.keys(CODES) as FindingCode[];

/** One line of English for a finding: its code's message template applied to its evidence (no path, no severity). */
export function formatFinding(f: Finding): string {
  return (codeDoc(f.code).message as (e: unknown) => string)(f.evidence);
}
