/**
 * Provenance: turns the regeneration report into findings. Runs after the suspicious-construct pass, so
 * the findings of the inputs carry their final severities.
 *
 *   reproduced, every input explained   GENERATED_BY_AUTOTOOLS with proof { proved: true, tool, version,
 *                                       inputs (each with what explains it), procedure, normalisations }
 *   reproduced, an input flagged        REPRODUCED_WITH_FLAGGED_INPUT, inheriting the worst input severity
 *                                       and naming the inputs ("configure reproduces only with
 *                                       m4/build-to-host.m4, which is flagged")
 *   not reproduced                      REGENERATION_MISMATCH, high, critical when the shipped file's
 *                                       differing lines carry suspicious constructs; diff regenerated → shipped
 *   not regenerated                     GENERATED_BY_AUTOTOOLS keeps its label, with proof { proved: false,
 *                                       cause } (typed, worded by core/wording.ts)
 */
import { structuredPatch } from 'diff';
import { judgeAclocalCopy } from '../classify/aclocal-copy.js';
import { patchLinesOnly } from '../classify/distro-patches.js';
import { findConstructs } from '../classify/suspicious.js';
import type { ClassifyContext, PostPass } from '../classify/types.js';
import { contentDiff } from '../compare/content-diff.js';
import { codeDoc } from '../core/codes.js';
import type { AutotoolsTool, EvidenceMap, FlaggedInput, Finding, ProvenanceInput } from '../core/findings.js';
import type { ProofCause } from '../core/regeneration.js';
import { escalate, makeFinding } from '../core/severity.js';
import { severityRank, type Severity } from '../core/types.js';
import type { RegeneratedOutput, RegenerationReport } from './types.js';

const STEP_TOOL: Record<RegeneratedOutput['step'], AutotoolsTool> = { aclocal: 'aclocal', autoconf: 'autoconf', autoheader: 'autoheader', automake: 'automake', libtoolize: 'libtoolize', msgfmt: 'msgfmt', autotest: 'autom4te', 'make-rule': 'make', 'make-replay': 'make', 'gnulib-tool': 'gnulib-tool' };

/** 1-based line numbers of `b` that are added relative to `a`. */
export function addedLines(a: string, b: string): Set<number> | undefined {
  const patch = structuredPatch('a', 'b', a, b, '', '', { context: 0, timeout: 5000 });
  if (!patch) return undefined;
  const out = new Set<number>();
  for (const h of patch.hunks) {
    let n = h.newStart;
    for (const l of h.lines) {
      if (l.startsWith('+')) out.add(n++);
      else if (l.startsWith(' ')) n++;
    }
  }
  return out;
}

const REGENERATED_TOOLS: ReadonlySet<AutotoolsTool> = new Set(['autoconf', 'aclocal', 'autoheader', 'automake', 'msgfmt', 'autom4te']);

/** Why a label-only autotools explanation is not proved (typed; core/wording.ts words it). */
export function unprovedCause(report: RegenerationReport | undefined, tool: AutotoolsTool, path: string): ProofCause {
  if (!REGENERATED_TOOLS.has(tool) || /\.texi$|(?:^|\/)stamp-[\w.-]*vti$/.test(path)) return { kind: 'not-covered', args: { tool } };
  if (!report) return { kind: 'not-attempted', args: {} };
  const skip = report.skips?.find((s) => 'path' in s.args && s.args.path === path);
  if (skip) return { kind: 'skipped', args: { skip } };
  if (report.status === 'done' && report.autoconfOnly && (tool === 'aclocal' || tool === 'automake')) return { kind: 'autoconf-only', args: { autoconfOnly: report.autoconfOnly } };
  if (report.status === 'done') return { kind: 'not-among-outputs', args: { steps: [...new Set([...report.outputs.values()].map((o) => o.step))] } };
  if (report.status === 'not-applicable') return { kind: 'not-applicable', args: report.cause ? { cause: report.cause } : {} };
  return { kind: 'not-regenerated', args: { status: report.status, ...(report.cause ? { cause: report.cause } : {}) } };
}

function inputProvenance(
  inputs: RegeneratedOutput['inputs'],
  report: RegenerationReport,
  byPath: Map<string, Finding>,
  release: { date?: string; tag?: string; project?: readonly string[] } = {},
): { inputs: ProvenanceInput[]; flagged: FlaggedInput[]; unproved: string[] } {
  const out: ProvenanceInput[] = [];
  const flagged: FlaggedInput[] = [];
  // Inputs explained only by a generated-file label (an autoconf-only run's aclocal.m4, or an output
  // that itself reproduced only from such an input): not flagged, but the output is then not proved.
  const unproved: string[] = [];
  const labelOnly = (f: Finding | undefined) => f?.code === 'GENERATED_BY_AUTOTOOLS' && !(f.evidence.proof && f.evidence.proof.proved);
  for (const i of inputs) {
    if (i.origin === 'aclocal-copy' && i.copy) {
      // Judged like the same file shipped under m4/, against the aclocal form of every known version.
      const { flagged: flag, ...judged } = judgeAclocalCopy(i.copy, release);
      out.push({ path: i.path, origin: i.origin, part: i.copy.name, ...judged });
      if (flag) flagged.push({ path: i.path, copy: { name: i.copy.name, line: i.copy.line }, ...flag });
      continue;
    }
    if (i.origin === 'git') {
      out.push({ ...i, explainedBy: 'git' });
      continue;
    }
    if (i.origin === 'regenerated') {
      const o = report.outputs.get(i.path);
      const kept = byPath.get(i.path);
      if (o?.step === 'libtoolize' && o.status !== 'reproduced' && kept && keptLibtoolizeCopy(kept)) {
        // libtoolize wrote other bytes, but the shipped copy is explained as an upstream copy (see below): an input explained by that.
        out.push({ ...i, explainedBy: kept.code });
      } else if (o?.status === 'reproduced' && labelOnly(byPath.get(i.path))) {
        out.push({ ...i, explainedBy: 'GENERATED_BY_AUTOTOOLS' });
        unproved.push(i.path);
      } else if (o?.status === 'reproduced') out.push({ ...i, explainedBy: 'reproduced' });
      else {
        out.push({ ...i });
        flagged.push({ path: i.path, code: 'REGENERATION_MISMATCH', severity: codeDoc('REGENERATION_MISMATCH').severity });
      }
      continue;
    }
    const f = byPath.get(i.path);
    if (labelOnly(f) && severityRank(f!.severity) < severityRank('high')) {
      out.push({ ...i, explainedBy: f!.code });
      unproved.push(i.path);
    } else if (f && (codeDoc(f.code).explained || f.allowed) && severityRank(f.severity) < severityRank('high')) out.push({ ...i, explainedBy: f.code });
    else {
      out.push({ ...i });
      flagged.push({ path: i.path, code: f?.code ?? 'TARBALL_ONLY_UNEXPLAINED', severity: f?.severity ?? codeDoc('TARBALL_ONLY_UNEXPLAINED').severity });
    }
  }
  return { inputs: out, flagged, unproved };
}

/**
 * A libtoolize output whose shipped copy the upstream classifier explained: identical to a known libtool file
 * (UPSTREAM_COPY), a known version plus known distribution patch hunks (UPSTREAM_COPY_VARIANT with hunks) or hunks of a
 * distribution's published patch series (with patches, src/classify/distro-patches.ts), or byte
 * for byte a distribution's libtool file the database holds (UPSTREAM_COPY_VARIANT, match 'exact': MSYS2's libtool
 * 2.4.7, whose VERSION is GNU's "2.4.7", so the regeneration's libtoolize runs GNU's and writes other bytes), or a
 * known version whose every novel line a published patch series adds in place (UPSTREAM_COPY_PATCHED, patchLinesOnly).
 */
function keptLibtoolizeCopy(f: Finding): boolean {
  if (severityRank(f.severity) >= severityRank('high')) return f.code === 'UPSTREAM_COPY';
  if (f.code === 'UPSTREAM_COPY') return true;
  if (f.code === 'UPSTREAM_COPY_VARIANT') return (f.evidence.hunks?.length ?? 0) > 0 || (f.evidence.patches?.length ?? 0) > 0 || f.evidence.match === 'exact';
  // a GNU release's copy whose every novel line a distribution's published patch series adds in place (Gentoo's libtool
  // 2.4.7-r1 in acl 2.3.2): libtoolize of GNU libtool cannot write those lines; the patch files are the evidence
  return f.code === 'UPSTREAM_COPY_PATCHED' && patchLinesOnly(f);
}

function worst(severities: Severity[]): Severity {
  return severities.reduce<Severity>((a, b) => (severityRank(b) > severityRank(a) ? b : a), 'info');
}

/**
 * REGENERATION_MISMATCH for a generated file whose generator wrote other bytes (`regenerated`; undefined: it
 * wrote nothing): the differing lines counted, critical when the shipped file's added lines carry suspicious
 * constructs, the diff regenerated → tarball. `prev` is the finding it replaces (its constructs and degradation kept).
 */
export function mismatchFinding(path: string, regenerated: Buffer | undefined, shipped: Buffer | undefined, ev: Omit<EvidenceMap['REGENERATION_MISMATCH'], 'differingLines'>, prev?: Finding): Finding {
  let constructs = prev?.constructs ?? [];
  let differingLines = 0;
  if (shipped && regenerated) {
    const text = shipped.toString('latin1');
    const added = addedLines(regenerated.toString('latin1'), text);
    differingLines = added?.size ?? 0;
    constructs = added ? findConstructs(text, path).filter((c) => added.has(c.line)) : findConstructs(text, path);
  }
  const diff = contentDiff(path, regenerated ?? Buffer.alloc(0), shipped, { tarballOid: undefined }, { labels: ['regenerated', 'tarball'] });
  const mismatch = makeFinding('REGENERATION_MISMATCH', path, { ...ev, differingLines }, { ...(constructs.length ? { constructs } : {}), diff, ...(prev?.degraded ? { degraded: prev.degraded } : {}) });
  return constructs.length ? escalate(mismatch, 'critical', 'suspicious-constructs') : mismatch;
}

export function provenanceFindings(findings: Finding[], ctx: ClassifyContext): Finding[] {
  const report = ctx.regeneration;
  const release = { ...(ctx.revision?.date ? { date: ctx.revision.date } : {}), ...(ctx.revision?.tag ? { tag: ctx.revision.tag } : {}), ...(ctx.revision?.project?.length ? { project: ctx.revision.project } : {}) };
  // Copied only when a finding is replaced: without a regeneration report most runs replace none (with
  // millions of findings a copy is 8 bytes a finding, at the explain stage's peak).
  let out = findings;
  if (report?.status === 'done') {
    out = [...findings];
    // Per-path maps only when there are outputs to place (with millions of findings each costs ~50 bytes a finding).
    const byPath = new Map<string, Finding>();
    for (const f of findings) if (!byPath.has(f.path) || f.code !== 'DUPLICATE_ENTRY') byPath.set(f.path, f);
    const indexOf = new Map<string, number>();
    out.forEach((f, i) => indexOf.set(f.path, indexOf.get(f.path) ?? i));

    // libtoolize's files, then aclocal.m4, then the rest: later outputs' provenance depends on earlier ones.
    // A replay that does not rest on configure's values (all its inputs tracked: a release script's version.m4 that
    // configure.ac includes) comes first, so the autotools outputs that read it see its finding.
    const early = (o: RegeneratedOutput) => o.step === 'make-replay' && o.inputs.every((i) => i.origin === 'git');
    const rank = (o: RegeneratedOutput) => (early(o) ? -1 : o.step === 'libtoolize' ? 0 : o.step === 'aclocal' ? 1 : o.step === 'make-rule' || o.step === 'make-replay' ? 3 : o.step === 'autotest' ? 4 : 2);
    const order = [...report.outputs.values()].sort((a, b) => rank(a) - rank(b));
    for (const o of order) {
      const i = indexOf.get(o.path);
      if (i === undefined) continue;
      const prev = out[i]!;
      const extra = {
        ...(prev.constructs?.length ? { constructs: prev.constructs } : {}),
        ...(prev.degraded ? { degraded: prev.degraded } : {}),
      };
      // A replayed make rule (./make-replay.ts) speaks only for a file nothing else explains: an explained
      // finding keeps its explanation whatever the replay wrote.
      if (o.step === 'make-replay' && codeDoc(prev.code).explained && severityRank(prev.severity) < severityRank('high')) continue;
      // A replay that wrote other bytes replaces only a finding that already fails the gate (high or above): the
      // tracked rule then says what the file should have been, and the diff shows what differs.
      if (o.step === 'make-replay' && o.status !== 'reproduced' && severityRank(prev.severity) < severityRank('high')) continue;
      if (o.status === 'reproduced') {
        const { inputs, flagged, unproved } = inputProvenance(o.inputs, report, byPath, release);
        if (o.replay && !flagged.length && !unproved.length) {
          out[i] = makeFinding('MAKE_RULE_REPLAYED', o.path, { ...o.replay, inputs, procedureSteps: o.procedureSteps });
          byPath.set(o.path, out[i]!);
          continue;
        }
        if (!flagged.length && unproved.length) {
          out[i] = makeFinding('GENERATED_BY_AUTOTOOLS', o.path, {
            tool: prev.code === 'GENERATED_BY_AUTOTOOLS' ? prev.evidence.tool : STEP_TOOL[o.step],
            ...(prev.code === 'GENERATED_BY_AUTOTOOLS' && prev.evidence.source ? { source: prev.evidence.source } : {}),
            proof: {
              proved: false,
              method: 'regenerated',
              cause: {
                kind: 'unproved-inputs',
                args: {
                  normalised: o.normalisationSteps.length > 0,
                  step: o.step,
                  tool: o.tool,
                  version: o.version,
                  inputs: inputs.filter((x) => unproved.includes(x.path)).map((x) => ({ path: x.path, regenerated: x.origin === 'regenerated' })),
                  ...(report.autoconfOnly ? { autoconfOnly: report.autoconfOnly } : {}),
                },
              },
              step: o.step,
              tool: o.tool,
              version: o.version,
              toolOrigin: o.toolOrigin,
              inputs,
              unproved,
              normalisationSteps: o.normalisationSteps,
            },
          });
        } else if (!flagged.length) {
          out[i] = makeFinding('GENERATED_BY_AUTOTOOLS', o.path, {
            tool: prev.code === 'GENERATED_BY_AUTOTOOLS' ? prev.evidence.tool : STEP_TOOL[o.step],
            ...(prev.code === 'GENERATED_BY_AUTOTOOLS' && prev.evidence.source ? { source: prev.evidence.source } : {}),
            proof: { proved: true, method: 'regenerated', step: o.step, tool: o.tool, version: o.version, toolOrigin: o.toolOrigin, inputs, procedureSteps: o.procedureSteps, normalisationSteps: o.normalisationSteps },
          });
        } else {
          out[i] = escalate(makeFinding('REPRODUCED_WITH_FLAGGED_INPUT', o.path, { step: o.step, tool: o.tool, version: o.version, flagged, inputs }, extra), worst([codeDoc('REPRODUCED_WITH_FLAGGED_INPUT').severity, ...flagged.map((f) => f.severity)]), 'flagged-input');
        }
        byPath.set(o.path, out[i]!);
        continue;
      }
      // libtoolize's files from a libtool that is not the one the maintainer ran (a release vs their
      // snapshot build, or a distribution's patched libtool): a file the upstream database already matched (a
      // libtool file of some revision, comments aside, or a version plus known distribution patch hunks,
      // src/classify/distro-hunks.ts) keeps that explanation; anything else that differs is a mismatch.
      if (o.step === 'libtoolize' && keptLibtoolizeCopy(prev)) continue;
      const { inputs } = inputProvenance(o.inputs, report, byPath, release);
      out[i] = mismatchFinding(o.path, o.regenerated, ctx.content.tarball(o.path), { step: o.step, tool: o.tool, version: o.version, produced: o.status === 'differs', inputs, procedureSteps: o.procedureSteps, normalisationSteps: o.normalisationSteps, ...(o.replay?.failure ? { failure: o.replay.failure } : {}) }, prev);
      byPath.set(o.path, out[i]!);
    }
  }
  // A tarball-only file a tracked rule writes but that rule is not replayed: its finding says which rule, and why.
  const notReplayed = report?.notReplayed ?? [];
  if (notReplayed.length) {
    const byPath = new Map(notReplayed.map((s) => [s.path, s]));
    for (let i = 0; i < out.length; i++) {
      const f = out[i]!;
      const s = f.code === 'TARBALL_ONLY_UNEXPLAINED' ? byPath.get(f.path) : undefined;
      if (!s || f.code !== 'TARBALL_ONLY_UNEXPLAINED') continue;
      if (out === findings) out = [...findings];
      out[i] = { ...f, evidence: { ...f.evidence, notReplayed: { file: s.file, ...(s.line ? { line: s.line } : {}), refusal: s.refusal } } };
    }
  }
  // Every other autotools label says it is not proved, and why.
  for (let i = 0; i < out.length; i++) {
    const f = out[i]!;
    if (f.code !== 'GENERATED_BY_AUTOTOOLS' || f.evidence.proof) continue;
    if (out === findings) out = [...findings];
    out[i] = { ...f, evidence: { ...f.evidence, proof: { proved: false, method: 'label', cause: unprovedCause(report, f.evidence.tool, f.path) } } };
  }
  return out;
}

export const provenancePostPass: PostPass = {
  id: 'provenance',
  run: provenanceFindings,
};
