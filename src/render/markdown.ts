/** Markdown report for CI job summaries and pull-request comments. */
import { codeDoc, DOCS_BASE } from '../core/codes.js';
import type { Finding, FindingCode } from '../core/findings.js';
import type { VerifyResult } from '../core/result.js';
import { SEVERITIES, severityRank } from '../core/types.js';
import { authenticityLine, message, verdictLine } from './text.js';

const ICON = { critical: '🟥', high: '🟧', medium: '🟨', low: '🟦', info: '⬜' } as const;

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderMarkdown(r: VerifyResult, opts: { maxRows?: number } = {}): string {
  const max = opts.maxRows ?? 200;
  const out: string[] = [];
  const rev = r.inputs.revision;
  out.push(`### distdiff: ${verdictLine(r)}`);
  out.push('');
  out.push(`\`${cell(r.inputs.tarball.source)}\` vs \`${cell(r.inputs.repo.source)}\` at ${rev.tag ? `\`${rev.tag}\` → ` : ''}\`${rev.commit.slice(0, 12)}\``);
  out.push('');
  const k = r.counts;
  out.push('| severity | findings |');
  out.push('|---|---:|');
  for (const s of SEVERITIES) out.push(`| ${ICON[s]} ${s} | ${k.bySeverity[s]} |`);
  out.push('');
  const review = r.findings.filter((f) => severityRank(f.severity) >= severityRank('medium'));
  if (review.length > 0) {
    out.push('#### Needs review');
    out.push('');
    out.push('| | path | code | evidence |');
    out.push('|---|---|---|---|');
    for (const f of review.slice(0, max)) {
      const constructs = f.constructs?.length ? ` — ${f.constructs.length} suspicious construct(s), first at line ${f.constructs[0]!.line}` : '';
      out.push(`| ${ICON[f.severity]} | \`${cell(f.path)}\` | [${f.code}](${DOCS_BASE}${codeDoc(f.code).docs}) | ${cell(message(f) + constructs)} |`);
    }
    if (review.length > max) out.push(`\n… ${review.length - max} more; see the JSON report.`);
    out.push('');
  }
  const rest = r.findings.filter((f) => severityRank(f.severity) < severityRank('medium'));
  if (rest.length > 0) {
    const byCode = new Map<FindingCode, Finding[]>();
    for (const f of rest) byCode.set(f.code, [...(byCode.get(f.code) ?? []), f]);
    out.push('<details><summary>Expected or minor differences (' + rest.length + ')</summary>');
    out.push('');
    out.push('| code | count | examples |');
    out.push('|---|---:|---|');
    for (const [code, list] of [...byCode].sort((a, b) => b[1].length - a[1].length)) {
      out.push(`| ${code} | ${list.length} | ${cell(list.slice(0, 3).map((f) => '`' + f.path + '`').join(', '))} |`);
    }
    out.push('');
    out.push('</details>');
    out.push('');
  }
  const sig = r.inputs.signature;
  if (sig) out.push(`Signature: ${sig.status} by \`${sig.fingerprint ?? sig.keyId ?? '?'}\`${sig.userId ? ` (${cell(sig.userId)})` : ''}`);
  if (r.inputs.tagSignature) out.push(`Tag signature: ${r.inputs.tagSignature.status} by \`${r.inputs.tagSignature.fingerprint ?? r.inputs.tagSignature.keyId ?? '?'}\``);
  if (sig || r.inputs.tagSignature) out.push('');
  out.push(`<sub>${k.identical} identical · ${k.tarballOnly} tarball-only · ${k.gitOnly} git-only · ${k.changed} changed · sha256 \`${r.inputs.tarball.sha256 ?? 'n/a'}\` · ${cell(authenticityLine(r))}</sub>`);
  return out.join('\n') + '\n';
}
