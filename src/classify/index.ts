/**
 * Classification: an ordered registry of classifiers, one file each, the generic fallback last.
 * The first classifier that returns a finding decides a difference. A classifier that throws is
 * skipped and the finding records the degraded check (diffoscope-style), so one broken check never
 * aborts a run. Post passes then see every finding (cross-file evidence such as configure carrying
 * a flagged macro's expansion).
 */
import type { Finding } from '../core/findings.js';
import { autotoolsClassifier } from './autotools.js';
import { changelogClassifier } from './changelog.js';
import { docEditClassifier } from './doc-edit.js';
import { logDerivedClassifier } from './log-derived.js';
import { docsClassifier } from './docs.js';
import { headerManClassifier } from './header-man.js';
import { manSplitClassifier } from './man-split.js';
import { fallbackClassifier, fallbackFinding } from './fallback.js';
import { withChangeShaped } from '../core/change.js';
import { gettextClassifier } from './gettext.js';
import { lineEndingsClassifier } from './line-endings.js';
import { committedBytesClassifier } from './committed-bytes.js';
import { repoMetadataClassifier } from './repo-metadata.js';
import { stampsClassifier } from './stamps.js';
import { distDateClassifier } from './dist-date.js';
import { svnKeywordsClassifier } from './svn-keywords.js';
import { bootstrapCopyClassifier } from './bootstrap-copy.js';
import { versionFileClassifier } from './version-file.js';
import { nestedArchiveClassifier } from './nested-archive.js';
import { suspiciousPostPass } from './suspicious.js';
import type { Classifier, ClassifyContext, PostPass } from './types.js';
import type { PathDiff } from '../core/types.js';
import { ungated } from './precheck.js';
import { upstreamClassifier } from './upstream.js';
import { blobIndexClassifier } from './upstream-blobs.js';
import { provenancePostPass } from '../regenerate/provenance.js';
import { parserPostPass } from '../regenerate/parsers.js';
import { generatorPostPass } from '../regenerate/generators.js';
import { doxygenPostPass } from '../regenerate/doxygen.js';
import { fig2devPostPass } from '../regenerate/fig2dev.js';
import { cythonPostPass } from '../regenerate/cython.js';
import { swigPostPass } from '../regenerate/swig.js';
import { valaPostPass } from '../regenerate/vala.js';
import { makeinfoPostPass } from '../regenerate/makeinfo.js';
import { unprovedPostPass } from '../regenerate/unproved.js';
import { translationsClassifier } from './translations.js';
import { catalogsClassifier } from './catalogs.js';
import { symlinkClassifier } from './symlinks.js';
import { producedClassifier } from './produced.js';
import { submoduleCopyClassifier } from './submodule-copy.js';
import { submoduleScriptCopyClassifier } from './submodule-script-copy.js';
import { texinfoStampClassifier } from './texinfo.js';
import { extractedClassifier } from './extracted.js';
import { makeStampClassifier } from './make-stamp.js';
import { generatorModelClassifier } from './generator-model.js';
import { moduleRuleClassifier } from './module-rule.js';
import { helpTextClassifier } from './help-text.js';
import { templateFillClassifier } from './template-fill.js';
import { echoScriptClassifier } from './echo-script.js';
import { fileListClassifier } from './file-list.js';
import { genTestsClassifier } from './gen-tests.js';
import { xlatGenClassifier } from './xlat-gen.js';
import { scriptEchoClassifier } from './script-echo.js';
import { releaseReportClassifier } from './release-report.js';
import { manRenderedClassifier } from './man-rendered.js';
import { docCommentClassifier } from './doc-comment.js';
import { gettextizeClassifier } from './gettextize.js';
import { htmlRenderedClassifier } from './html-rendered.js';
import { docbookRenderedClassifier } from './docbook-rendered.js';
import { docbookManClassifier } from './docbook-man.js';
import { rstHtmlClassifier } from './rst-html.js';
import { latex2manClassifier } from './latex2man.js';
import { stdintHeaderClassifier } from './stdint-header.js';
import { markdownHtmlClassifier } from './markdown-html.js';
import { docFormatsClassifier } from './doc-formats.js';
import { testIndexClassifier } from './test-index.js';
import { devhelpClassifier, gtkdocSectionsClassifier } from './devhelp.js';
import { programHelpClassifier } from './program-help.js';
import { crossOptionsClassifier } from './cross-options.js';
import { mooppClassifier } from './moopp.js';
import { prototypesClassifier } from './prototypes.js';
import { derivedInputsPostPass } from './derived-inputs.js';
import { potTraceClassifier } from './pot-trace.js';
import { itstoolPotClassifier } from './itstool-pot.js';
import { yodlRenderedClassifier } from './yodl-rendered.js';
import { mkdocsSitemapClassifier } from './mkdocs-sitemap.js';
import { distRenameClassifier } from './dist-rename.js';
import { configuredOutputClassifier } from './configured-output.js';

/**
 * Ordered; the fallback is appended by `classify` and never listed here.
 *
 * 00. committed-bytes — a tracked file whose git side is git archive's attribute conversion (eol=crlf,
 *                  export-subst) shipped as the committed blob itself, byte for byte (a release not made by git archive).
 * 0. submodule-copy — copies of a pinned submodule's files (gnulib through gnulib-tool's layout), compared
 *                  with the exact pinned commit; gnulib-tool's generated files labelled.
 * 0b. submodule-script-copy — a file a tracked import script copies out of another pinned submodule (same blob
 *                  id as the pinned file of that name; the script names the submodule's path and the directory).
 * 1. upstream     — content matches against known upstream files (m4, aux scripts); decides m4 files.
 * 1b. upstream-blobs — the blob index: any version of a file copied wholesale from gnulib, gettext,
 *                  libtool, automake or autoconf (lib/, tests/, build-aux/, top/ …), by blob id and name.
 * 2. autotools    — tarball-only outputs of autoconf/automake/gettext whose source is in git.
 * 2b. translations — .po files fetched from the Translation Project by the tracked bootstrap, and
 *                  the .gmo/LINGUAS/Makevars/POTFILES.in written next to them.
 * 2c. catalogs   — tarball-only catalogs proved from tracked ones: a LL.po made of a tracked LL.po's entries, a
 *                  .pot whose msgids are in the tracked sources it references, en@quot/en@boldquot by the
 *                  quotation rule, a .gmo compiled from such a .po.
 * 2e. header-man  — man pages a tracked script writes from tracked headers' doc comments (traced line by line),
 *                  their alias links and the script's page list; before docs, which accepts a man page by shape.
 * 2e'. man-split  — help files a tracked script cuts out of a formatted man page the release ships (zsh's
 *                  Doc/help/*: verbatim runs of the page's text) and the alias list it writes; before docs.
 * 3. docs         — tarball-only generated documentation.
 * 3b. symlinks    — a git symlink shipped as a file holding its target's content.
 * 3c. produced    — tarball-only files made from a tracked template (@VAR@ substitution, verified) or by
 *                  a generator whose header names a tracked source (bison, flex, gperf …).
 * 3c'. moopp     — libtextstyle's X.c/X.h/C.priv.h/C.vt.h from the tracked X.oo.c/X.oo.h: every source line in
 *                  order (C::m → C__m), every other line one of moopp's template shapes.
 * 3c''. prototypes — a header of the KEYWORD lines of the tracked .c files beside it, made by a tracked make rule
 *                  that greps them (less's funcs.h): each contributing file's lines complete and in order.
 * 3d. texinfo-stamp — version.texi/stamp-vti: the release version, dated the last change of the manual.
 * 3e. man-rendered — preformatted man pages whose words occur in the tracked troff source.
 * 3e00. gettextize — configure.ac's AM_GNU_GETTEXT_VERSION bumped by gettextize as its po/ChangeLog entry records.
 * 3e0. doc-comment — gdoc's texinfo output of tracked C doc comments (doc/texi/FUNC.texi, API collections,
 *                  split-texi's FUNC / FUNC.short / enum files): nothing but @deftypefun blocks, enum tables or
 *                  summaries of documented functions and enums, 95 % of the words in those comments.
 * 3e'. html-rendered — texinfo HTML (texi2html, makeinfo) and groff -Thtml man pages: generator named in the
 *                  page, 95 % of its words in the tracked manual / the man page beside it, no active content.
 * 3e'. doc-formats — a tracked man page formatted into HTML, plain text or wiki pages elsewhere in the tree
 *                  (doc/html/X.N.html): the same word check, and nothing active (scripts, foreign hosts).
 * 3e''. test-index — a list of tests grepped out of the tracked sources beside it (list.h: DEFINE_TEST(x)
 *                  lines), every line traced verbatim.
 * 3e'''. devhelp — gtk-doc's Devhelp index of a generated HTML tree: every keyword a symbol the tracked
 *                  MODULE-sections.txt lists, every title in the tracked DocBook sources, every link a page.
 * 3e''''. program-help — a program's --version/--help output saved by a tracked rule: every line a string of
 *                  the C sources of the rule's prerequisites, or a usage-table entry of them.
 * 3e'''''. cross-options — bison's cross-options.texi computed by a model of the tracked cross-options.pl from
 *                  the traced help file and the tracked scanner, identical byte for byte.
 * 3f. extracted   — examples/test inputs extracted from a tracked source (texinfo manual …): all but a few
 *                  lines occur in it; the rest shown and scanned. A file whose first line names the manual's
 *                  `@example` line must equal that block exactly (texinfo unescaped, header from the script).
 * 3g. make-stamp  — a small file a tracked make rule writes: an echoed word, nothing (touch), the commit count.
 * 3h. generator-model — a file a tracked make rule writes with a tracked generator on tracked inputs, computed
 *                  by a model of that generator (applied only while the script carries the modelled code) and
 *                  compared whole. A C program the rule compiles from a tracked PROG.c (coreutils' make-prime-list) is
 *                  computed by its fingerprinted model (c-generators.ts: exact BigInt arithmetic), never compiled.
 * 3h'. module-rule — a table a pinned gnulib module's own rule writes with a C program the module ships
 *                  (crc-sliceby8.h by crc-generate-table.c): rule and program read from the pinned submodule, computed.
 * 3h''. help-text — help text compiled into C by a tracked make rule and script (curl's tool_hugehelp.c by mkhelp.pl):
 *                  the text taken from its gzip array, the whole file computed by a model of the script, the text's
 *                  words found in the tracked manual sources.
 * 3h'''. template-fill — a build file filled from the tracked X.tmpl beside it (curl's .vcxproj): template lines
 *                  verbatim, placeholder lines (quoted by a tracked generator naming the template) as elements
 *                  naming tracked files.
 * 3h''''. echo-script — a Makefile a tracked shell script writes with echo lines in a loop over the tracked man
 *                  pages (libarchive's doc/{man,text,html,pdf,wiki}/Makefile by doc/update.sh), evaluated and compared whole.
 * 3h'''''''. gen-tests — strace's tests/NAME.gen.test, written by the tracked tests/gen_tests.sh (run by bootstrap)
 *                  from the tracked gen_tests.in: computed by a model of its read loop, compared whole.
 * 3h''''''. file-list — a list of tracked file names a tracked /bin/sh script writes (util-linux's, procps', attr's and
 *                  acl's po/POTFILES.in by po/update-potfiles): its pipeline (git ls-files, find -name, sed/grep filters,
 *                  sort) evaluated over the tracked files in the C and en_US.UTF-8 orders, compared whole; an unsorted
 *                  find's names as a set in an order find's walk can print.
 * 3h'''''. release-report — a report a tracked release script prints (curl's docs/RELEASE-TOOLS.md by
 *                  scripts/release-tools.sh): its here-documents with the version, tag and timestamp checked, and
 *                  Debian version strings for the packages it names.
 * 3i. dist-rename — X shipped as the tracked X.dist, renamed by the tracked dist-hook that removes every *.dist from
 *                  the distribution and copies each to its name without .dist (curl's, c-ares' Makefile.am).
 * 4. line-endings — tracked files equal after CRLF→LF (exact, so before the heuristics below).
 * 5. log-derived  — THANKS/AUTHORS/ChangeLog/CHANGES/NEWS rendered from git log: lines traced to the
 *                  template and the history, the commits since the previous tag found in the file;
 *                  decides (explained or not) whenever the history can be read.
 * 5b. changelog   — ChangeLog generated from git log, without the history (checks the commit it was
 *                  built from; a git-log ChangeLog naming another commit is always this one's).
 * 6. gettext      — msgmerge'd .po/.pot files.
 * 6b. dist-date  — a tracked file whose dist copy a tracked make dist rule seds the date into (gdbm's
 *                  src/version.c by set-dist-date): the rule read, never run, its output computed, the date near.
 * 7. stamps       — the most generic: changed lines carry only the version or a date.
 * 7b. doc-edit   — a changed tracked documentation file: DOC_EDITED (medium) unless an added line carries a
 *                  construct or a new URL host.
 * 8. repo-metadata — git-only ignore files, CI and editor settings that releases leave out.
 * 9. configured-output — a file the tracked configure.ac lists unconditionally in AC_CONFIG_FILES, shipped as
 *                  config.status's instantiation of its input with the maintainer's values (configure writes it again):
 *                  CONFIGURED_FILE_SHIPPED, medium. Last: only what nothing else explains.
 *
 * Anomalies are not classified here: verify turns them into findings with `anomalyFindings`.
 */
export const CLASSIFIERS: Classifier[] = [
  committedBytesClassifier,
  submoduleCopyClassifier,
  submoduleScriptCopyClassifier,
  upstreamClassifier,
  blobIndexClassifier,
  autotoolsClassifier,
  translationsClassifier,
  catalogsClassifier,
  potTraceClassifier,
  itstoolPotClassifier,
  headerManClassifier,
  manSplitClassifier,
  docsClassifier,
  symlinkClassifier,
  producedClassifier,
  mooppClassifier,
  prototypesClassifier,
  texinfoStampClassifier,
  manRenderedClassifier,
  docCommentClassifier,
  gettextizeClassifier,
  htmlRenderedClassifier,
  docbookRenderedClassifier,
  yodlRenderedClassifier,
  mkdocsSitemapClassifier,
  docbookManClassifier,
  rstHtmlClassifier,
  latex2manClassifier,
  stdintHeaderClassifier,
  markdownHtmlClassifier,
  docFormatsClassifier,
  testIndexClassifier,
  devhelpClassifier,
  gtkdocSectionsClassifier,
  programHelpClassifier,
  crossOptionsClassifier,
  extractedClassifier,
  makeStampClassifier,
  generatorModelClassifier,
  moduleRuleClassifier,
  helpTextClassifier,
  templateFillClassifier,
  echoScriptClassifier,
  fileListClassifier,
  genTestsClassifier,
  xlatGenClassifier,
  scriptEchoClassifier,
  releaseReportClassifier,
  distRenameClassifier,
  bootstrapCopyClassifier,
  lineEndingsClassifier,
  // before the ChangeLog/doc-edit readers: an svn export's expanded $Id$ is all that changed (svn-keywords.ts)
  svnKeywordsClassifier,
  logDerivedClassifier,
  changelogClassifier,
  gettextClassifier,
  distDateClassifier,
  stampsClassifier,
  versionFileClassifier,
  nestedArchiveClassifier,
  docEditClassifier,
  repoMetadataClassifier,
  // last: it takes only what nothing else explains (a file configure writes again, at medium)
  configuredOutputClassifier,
];

/**
 * Suspicious constructs: scans unexplained, unknown-upstream and label-only build files, then follows flagged
 * macros into configure. Provenance (src/regenerate) then turns the regeneration report into findings.
 */
export const POST_PASSES: PostPass[] = [suspiciousPostPass, provenancePostPass, parserPostPass, derivedInputsPostPass, makeinfoPostPass, generatorPostPass, doxygenPostPass, fig2devPostPass, cythonPostPass, swigPostPass, valaPostPass, unprovedPostPass];

const isThenable = <T>(v: T | PromiseLike<T>): v is PromiseLike<T> => typeof (v as { then?: unknown } | undefined)?.then === 'function';

export async function classify(
  ctx: ClassifyContext,
  classifiers: readonly Classifier[] = CLASSIFIERS,
  postPasses: readonly PostPass[] = POST_PASSES,
  /** Told when a post pass throws (the findings stay as they were; the caller reports it as a note). */
  onPassFailed: (pass: string, error: string) => void = () => {},
): Promise<Finding[]> {
  return runPostPasses(await classifyEach(ctx, classifiers), ctx, postPasses, onPassFailed);
}

/** Milliseconds of classification between two turns of the event loop (see classifyEach). */
const YIELD_MS = 10;

/**
 * The classifiers on every difference (no post pass). Every ~10 ms (checked every 32 differences) it lets the event loop turn, so that
 * work running beside it — the regeneration's generator processes, started before classification and
 * awaited only by the post passes — is not held up by classifiers that never wait on I/O.
 */
export async function classifyEach(ctx: ClassifyContext, classifiers: readonly Classifier[] = CLASSIFIERS, audit?: PrecheckAudit): Promise<Finding[]> {
  const findings: Finding[] = [];
  const chain = [...classifiers, fallbackClassifier];
  let turned = Date.now();
  let n = 0;
  for (const diff of ctx.diffs) {
    let found: Finding | undefined;
    let degraded: Finding['degraded'];
    for (const c of chain) {
      if (c.candidate !== undefined && !c.candidate(diff)) {
        if (audit) await auditSkipped(c, diff, ctx, audit, found === undefined);
        continue;
      }
      if (found) continue; // only when auditing: the classifiers after the deciding one are audited, not run
      try {
        // Awaited only when the answer is a promise (the synchronous classifiers and the fallback cost
        // no microtask turn per difference).
        const r = c.classify(diff, ctx);
        found = isThenable(r) ? await r : r;
      } catch (err) {
        degraded ??= { check: c.id, error: err instanceof Error ? err.message : String(err) };
        found = undefined;
      }
      if (found && !audit) break;
    }
    const f = found ?? fallbackFinding(diff);
    findings.push(degraded ? { ...f, degraded } : withChangeShaped(f, diff));
    if ((++n & 31) === 0 && Date.now() - turned >= YIELD_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      turned = Date.now();
    }
  }
  return findings;
}

/**
 * A classifier whose pre-check (Classifier.candidate) said no for a difference, and whose classify() — run without
 * that pre-check, src/classify/precheck.ts — decided it anyway (`code`): the pre-check is wrong. `decisive`: no
 * classifier before it had decided the difference, so the pre-check changed the finding.
 */
export interface PrecheckViolation {
  classifier: string;
  path: string;
  status: PathDiff['status'];
  code: string;
  decisive: boolean;
}

/**
 * The pre-check audit (`DISTDIFF_AUDIT_PRECHECKS=1`, README "Performance"): classifyEach also runs classify()
 * without its pre-check wherever the pre-check says no — for every classifier of the chain, before and after the
 * one that decides — and records each call that decides. The findings are those of the normal run (the audited
 * calls' answers are only recorded). A call that throws is counted, not a violation: the code after a pre-check
 * may rely on it (a tarball side present …), and the normal run never makes that call.
 */
export interface PrecheckAudit {
  /** classify() calls made only because of the audit (the pre-check said no). */
  calls: number;
  /** Of those, the calls that threw (the first few in `thrown`). */
  threw: number;
  thrown: { classifier: string; path: string; error: string }[];
  violations: PrecheckViolation[];
}

export function newPrecheckAudit(): PrecheckAudit {
  return { calls: 0, threw: 0, thrown: [], violations: [] };
}

async function auditSkipped(c: Classifier, diff: PathDiff, ctx: ClassifyContext, audit: PrecheckAudit, decisive: boolean): Promise<void> {
  audit.calls++;
  try {
    const r = ungated(() => c.classify(diff, ctx));
    const f = isThenable(r) ? await r : r;
    if (f !== undefined) audit.violations.push({ classifier: c.id, path: diff.path, status: diff.status, code: f.code, decisive });
  } catch (err) {
    if (audit.threw++ < 10) audit.thrown.push({ classifier: c.id, path: diff.path, error: err instanceof Error ? err.message : String(err) });
  }
}

/** The cross-file post passes over every finding, in order. */
export async function runPostPasses(
  findings: Finding[],
  ctx: ClassifyContext,
  postPasses: readonly PostPass[] = POST_PASSES,
  onPassFailed: (pass: string, error: string) => void = () => {},
): Promise<Finding[]> {
  let out = findings;
  for (const p of postPasses) {
    try {
      out = await p.run(out, ctx);
    } catch (err) {
      // A failed post pass leaves the findings as they were, and never silently: the caller notes it.
      onPassFailed(p.id, err instanceof Error ? err.message : String(err));
    }
  }
  return out;
}
