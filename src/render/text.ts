/**
 * Text report for humans: the verdict first, then what needs reading (findings at medium or above with
 * their evidence and bounded diffs), then the expected differences summarised by code.
 *
 * Everything that came from the input (paths, link targets, tag names, messages built from evidence,
 * diff lines, signer ids, policy reasons) passes through `v` (escapeNonPrinting): a name cannot move the
 * cursor, clear the screen or start a line of its own to forge a verdict.
 */
import { escapeNonPrinting as v } from '../compare/invisible.js';
import { boundFindings, inGroup } from '../core/group.js';
import { codeDoc, formatFinding } from '../core/codes.js';
import { authenticityLine, chainStepText, noteText as rawNoteText, severityReasonText, verdictLine } from '../core/wording.js';
import { lineProvenanceOf, type Finding, type FindingCode } from '../core/findings.js';
import type { Note, SignatureReport, VerifyResult } from '../core/result.js';
import { SEVERITIES, severityRank, type Severity } from '../core/types.js';

export interface TextOptions {
  color?: boolean;
  /** List every finding, diffs in full (up to the JSON bound). */
  verbose?: boolean;
  /** Lines of unified diff shown per file (non-verbose). */
  maxDiffLines?: number;
}

type Paint = (s: string) => string;
const ansi = (code: string): Paint => (s) => `\u001b[${code}m${s}\u001b[0m`;
const none: Paint = (s) => s;


export function renderText(r: VerifyResult, opts: TextOptions = {}): string {
  const c = opts.color
    ? { bold: ansi('1'), dim: ansi('2'), red: ansi('31'), boldRed: ansi('1;31'), yellow: ansi('33'), green: ansi('32'), cyan: ansi('36'), magenta: ansi('35') }
    : { bold: none, dim: none, red: none, boldRed: none, yellow: none, green: none, cyan: none, magenta: none };
  const sevPaint: Record<Severity, Paint> = { critical: c.boldRed, high: c.red, medium: c.yellow, low: c.cyan, info: c.dim };
  const out: string[] = [];
  const t = r.inputs.tarball;
  const rev = r.inputs.revision;

  out.push(verdictLine(r, c));
  out.push(
    c.dim(
      `${v(t.source)} vs ${v(r.inputs.repo.source)} at ${rev.tag ? `tag ${v(rev.tag)}${rev.tagType ? ` (${rev.tagType})` : ''} → ` : ''}commit ${v(rev.commit)}${rev.how === 'inferred' ? ' (tag inferred from the archive name)' : ''}`,
    ),
  );
  out.push('');

  const failRank = severityRank(r.failOn);
  const attention = r.findings.filter((f) => severityRank(f.severity) >= severityRank('medium'));
  const below = r.findings.filter((f) => !attention.includes(f));
  // Minor but unexplained: listed one by one, since nothing vouches for them.
  const minor = below.filter((f) => !codeDoc(f.code).explained && !f.allowed);
  const rest = below.filter((f) => !minor.includes(f));

  if (attention.length > 0) {
    out.push(c.bold('Needs review'));
    for (const sev of SEVERITIES) {
      const group = attention.filter((f) => f.severity === sev);
      if (group.length === 0) continue;
      out.push(`  ${sevPaint[sev](sev.toUpperCase())} (${group.length})${severityRank(sev) >= failRank ? '' : c.dim(' — below --fail-on')}`);
      const bounded = boundFindings(group, opts.verbose);
      if (bounded.kind === 'all') {
        for (const f of group) out.push(...findingBlock(f, c, sevPaint, opts));
        continue;
      }
      // Long groups: one line per code and directory (largest first), bounded; --verbose lists every file.
      for (const g of bounded.groups) {
        const { code, dir, findings: list } = g;
        if (list.length === 1) {
          out.push(...findingBlock(list[0]!, c, sevPaint, { ...opts, verbose: false }));
          continue;
        }
        const names = list.slice(0, 5).map((f) => v(inGroup(g, f)));
        out.push(`    ${v(dir)} (${list.length})  ${code}  ${c.dim(codeDoc(code).title)}`);
        out.push(c.dim(`      ${names.join(', ')}${list.length > names.length ? `, … ${list.length - names.length} more` : ''}`));
      }
      if (bounded.more > 0) out.push(c.dim(`    … ${bounded.more} more groups (--verbose lists every file)`));
    }
    out.push('');
  }

  if (minor.length > 0) {
    out.push(c.bold(`Unexplained, minor (${minor.length})`));
    const shown = opts.verbose ? minor : minor.slice(0, 50);
    for (const f of shown) out.push(`  ${sevPaint[f.severity](pad(f.severity, 8))} ${v(f.path)}  ${f.code}  ${c.dim(message(f))}`);
    if (shown.length < minor.length) out.push(c.dim(`  … ${minor.length - shown.length} more (--verbose lists every file)`));
    out.push('');
  }

  if (rest.length > 0) {
    out.push(c.bold(`Expected (${rest.length})`) + (opts.verbose ? '' : c.dim('  — --verbose lists every file')));
    const byCode = new Map<FindingCode, Finding[]>();
    for (const f of rest) {
      const list = byCode.get(f.code) ?? [];
      list.push(f);
      byCode.set(f.code, list);
    }
    const codes = [...byCode.keys()].sort((a, b) => severityRank(codeDoc(b).severity) - severityRank(codeDoc(a).severity) || a.localeCompare(b));
    for (const code of codes) {
      const list = byCode.get(code)!;
      const sev = list[0]!.severity;
      out.push(`  ${sevPaint[sev](pad(sev, 8))} ${pad(code, 28)} ${String(list.length).padStart(5)}  ${c.dim(codeDoc(code).title)}`);
      if (opts.verbose) {
        for (const f of list) {
          out.push(`      ${v(f.path)}  ${c.dim(message(f))}`);
          // A distribution-patched copy: the lines its known hunks add, from the copy itself.
          if (f.code === 'UPSTREAM_COPY_VARIANT') for (const h of f.evidence.hunks ?? []) h.added.forEach((t, i) => out.push(c.dim(`        line ${h.line + i} + ${v(t)}`)));
        }
      } else {
        const shown = list.slice(0, 4).map((f) => v(f.path));
        out.push(c.dim(`      ${shown.join(', ')}${list.length > shown.length ? `, … ${list.length - shown.length} more` : ''}`));
      }
    }
    out.push('');
  }

  out.push(c.bold('Inputs'));
  out.push(`  tarball   ${v(t.source)}${/^https?:/i.test(t.source) ? `\n            cached at ${v(t.path)}` : ''}${t.sha256 ? `\n            sha256 ${v(t.sha256)}` : ''}`);
  out.push(`            ${t.container}${t.compression !== 'none' ? ` + ${t.compression}` : ''} via ${v(t.decoder)}, ${t.entries} entries${t.prefix ? `, prefix ${v(t.prefix)}/ stripped` : ''}`);
  out.push(`  repo      ${v(r.inputs.repo.source)} (${r.inputs.repo.objectFormat}${r.inputs.repo.cloned ? ', cloned' : r.inputs.repo.fetched ? ', fetched' : ''})`);
  out.push(`  revision  ${v(rev.tag ?? '(no tag)')} → ${v(rev.commit)}${rev.date ? ` (${v(rev.date)})` : ''}`);
  if (rev.pathInRepo) out.push(`            compared with ${v(rev.pathInRepo)}/ of the repository${rev.subdirRoot ? ` (found from the trees: ${rev.subdirRoot.present} of the tarball's ${rev.subdirRoot.files} files are tracked there, ${rev.subdirRoot.identical} byte-identical; at the top ${rev.subdirRoot.topPresent}, ${rev.subdirRoot.topIdentical})` : ''}`);
  for (const st of rev.chain ?? []) out.push(c.dim(`            ${st.step}: ${st.outcome} — ${v(chainStepText(st))}`));
  const pr = r.inputs.profile;
  if (pr) {
    const bits = [pr.name && pr.version ? `${pr.name} ${pr.version}` : pr.name, pr.repository, pr.directory ? `directory ${pr.directory}` : undefined, pr.dirty ? 'dirty' : undefined]
      .filter(Boolean)
      .map((b) => v(b!));
    out.push(`  profile   ${pr.id}${pr.detected ? ' (detected)' : ''}${bits.length ? `: ${bits.join(', ')}` : ''}`);
    if (pr.id === 'forge' && r.findings.length === 0) out.push(`            a forge archive identical to its commit: the expected outcome`);
  }
  const sig = r.inputs.signature;
  if (sig) out.push(`  signature ${signatureText(sig)}\n            from ${v(sig.source)}`);
  const tagSig = r.inputs.tagSignature;
  if (tagSig) out.push(`  tag sig   ${signatureText(tagSig)}`);
  const sums = r.inputs.checksums;
  if (sums) out.push(`  checksums ${v(sums.name)} listed in ${v(sums.source)} (line ${sums.line})`);
  const k = r.counts;
  out.push(
    `  counts    ${k.identical} identical, ${k.tarballOnly} tarball-only, ${k.gitOnly} git-only, ${k.changed} changed` +
      `${k.exportIgnored ? `, ${k.exportIgnored} export-ignored` : ''}${k.submodules ? `, ${k.submodules} submodule(s)` : ''}${k.anomalies ? `, ${k.anomalies} archive anomalies` : ''}`,
  );
  for (const n of r.notes) out.push(c.dim(`  note      ${noteText(n)}`));
  out.push('');
  out.push(c.dim(v(authenticityLine(r))));
  return out.join('\n') + '\n';
}

function findingBlock(
  f: Finding,
  c: { bold: Paint; dim: Paint; magenta: Paint },
  sevPaint: Record<Severity, Paint>,
  opts: TextOptions,
): string[] {
  const lines: string[] = [];
  lines.push(`    ${c.bold(v(f.path))}  ${sevPaint[f.severity](f.code)}`);
  lines.push(`      ${message(f)}`);
  const why = severityReasonText(f);
  if (why) lines.push(c.dim(`      severity ${why}`));
  if (f.allowed) lines.push(c.dim(`      allowed by policy (was ${f.allowed.originalSeverity}): ${v(f.allowed.reason)}`));
  if (f.degraded) lines.push(c.dim(`      note: check ${v(f.degraded.check)} failed (${v(f.degraded.error)}); compared bytes only`));
  if (f.constructs && f.constructs.length > 0) {
    lines.push(`      suspicious constructs:`);
    const shown = opts.verbose ? f.constructs : f.constructs.slice(0, 12);
    for (const k of shown) lines.push(`        ${c.magenta(`line ${k.line}`)} ${v(k.kind)}: ${v(k.text)}`);
    if (shown.length < f.constructs.length) lines.push(c.dim(`        … ${f.constructs.length - shown.length} more`));
  }
  const prov = lineProvenanceOf(f);
  if (prov && prov.novelLines > 0) {
    lines.push(`      novel lines (not in that upstream version):`);
    const shown = opts.verbose ? prov.novel : prov.novel.slice(0, 12);
    for (const k of shown) lines.push(`        ${c.magenta(`line ${k.line}`)} ${v(k.text)}`);
    if (shown.length < prov.novelLines) lines.push(c.dim(`        … ${prov.novelLines - shown.length} more${opts.verbose ? '' : ' (--verbose or --format json for more)'}`));
  }
  if (f.diff) {
    const d = f.diff;
    if (d.kind === 'text' && d.unified) {
      lines.push(c.dim(`      diff: +${d.added} -${d.removed}`));
      const body = d.unified.split('\n').filter((l) => l !== '' && !l.startsWith('====') && !l.startsWith('Index:'));
      const max = opts.verbose ? Infinity : (opts.maxDiffLines ?? 40);
      for (const l of body.slice(0, max)) lines.push(`        ${v(l)}`);
      if (body.length > max || d.truncated) lines.push(c.dim(`        … diff truncated (--verbose or --format json for more)`));
    } else if (d.kind === 'binary') {
      lines.push(c.dim(`      binary: git ${d.gitSize ?? '?'} bytes ${v(d.gitOid ?? '')} → tarball ${d.tarballSize ?? '?'} bytes ${v(d.tarballOid ?? '')}`));
    } else {
      lines.push(c.dim(`      content not compared line by line (${v(d.reason ?? 'unavailable')})`));
    }
  }
  return lines;
}

/** The finding's message, as printed: non-printing characters from the evidence escaped. */
export function message(f: Finding): string {
  return v(rawMessage(f));
}

/** The finding's message exactly as the evidence makes it (for structured output): formatFinding. */
export const rawMessage = formatFinding;

function signatureText(s: SignatureReport): string {
  const who = s.fingerprint ? `${s.fingerprint}${s.userId ? ` ${s.userId}` : ''}` : s.keyId ? `key id ${s.keyId}` : '';
  return v(`${s.status.toUpperCase()} by ${who}${s.created ? `, made ${s.created}` : ''}${s.keyExpired ? ` (key expired ${s.keyExpired})` : ''}`);
}

/** A note's line, as printed: non-printing characters from the input escaped. */
export function noteText(n: Note): string {
  return v(rawNoteText(n));
}

export { authenticityLine, verdictLine };

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}
