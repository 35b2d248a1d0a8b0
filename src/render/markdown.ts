/**
 * Markdown report for CI job summaries and pull-request comments.
 *
 * Nothing from the input is written as Markdown: names go into `<code>` with every character that
 * Markdown or HTML could act on written as a character reference (`|`, backticks, `<`, `>`, `*`, `[` …),
 * and non-printing characters (`\r`, `\n`, ESC, bidi overrides …) as visible escapes. A name cannot end
 * the table row, open a heading, a link or a `<details>`.
 */
import { escapeNonPrinting } from '../compare/invisible.js';
import { codeDoc, DOCS_BASE, formatFinding as rawMessage } from '../core/codes.js';
import { lineProvenanceOf, type Finding, type FindingCode } from '../core/findings.js';
import type { VerifyResult } from '../core/result.js';
import { SEVERITIES, severityRank } from '../core/types.js';
import { boundFindings, inGroup } from '../core/group.js';
import { authenticityLine, noteText, severityReasonText, verdictLine } from '../core/wording.js';

const ICON = { critical: '🟥', high: '🟧', medium: '🟨', low: '🟦', info: '⬜' } as const;

/**
 * Input text as inert Markdown: visible escapes for non-printing characters, character references for
 * what Markdown or HTML acts on inside a paragraph or a table cell (code spans, emphasis, links, HTML,
 * entities, cell separators, backslash escapes, strikethrough).
 */
export function mdText(s: string): string {
  return escapeNonPrinting(s).replace(/[\\`*_[\]<>&|~]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Input text shown as code (names, sources, tags). */
export const mdCode = (s: string): string => `<code>${mdText(s)}</code>`;

/** Novel lines of an upstream copy, bounded: the first MAX_NOVEL_MD as code, then a count. */
const MAX_NOVEL_MD = 5;
function novelMd(f: Finding): string {
  const p = lineProvenanceOf(f);
  if (!p || p.novelLines === 0) return '';
  const shown = p.novel.slice(0, MAX_NOVEL_MD).map((n) => `line ${n.line}: ${mdCode(n.text)}`);
  return `<br>novel lines: ${shown.join('<br>')}${p.novelLines > shown.length ? `<br>… ${p.novelLines - shown.length} more` : ''}`;
}

export function renderMarkdown(r: VerifyResult, opts: { maxRows?: number } = {}): string {
  const max = opts.maxRows ?? 200;
  const out: string[] = [];
  const rev = r.inputs.revision;
  out.push(`### distdiff: ${verdictLine(r)}`);
  out.push('');
  out.push(`${mdCode(r.inputs.tarball.source)} vs ${mdCode(r.inputs.repo.source)} at ${rev.tag ? `${mdCode(rev.tag)} → ` : ''}${mdCode(rev.commit.slice(0, 12))}`);
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
    let rows = 0;
    for (const sev of SEVERITIES) {
      const group = review.filter((f) => f.severity === sev);
      if (!group.length) continue;
      const bounded = boundFindings(group);
      if (bounded.kind === 'all') {
        for (const f of bounded.findings) {
          if (rows++ >= max) break;
          const constructs = f.constructs?.length ? ` — ${f.constructs.length} suspicious construct(s), first at line ${f.constructs[0]!.line}` : '';
          const why = severityReasonText(f);
          out.push(`| ${ICON[f.severity]} | ${mdCode(f.path)} | [${f.code}](${DOCS_BASE}${codeDoc(f.code).docs}) | ${mdText(rawMessage(f) + constructs + (why ? ` — severity ${why}` : ''))}${novelMd(f)} |`);
        }
        continue;
      }
      // Many at one severity: one row per code and directory, as in the text report.
      for (const g of bounded.groups) {
        rows++;
        const names = g.findings.slice(0, 5).map((f) => mdCode(inGroup(g, f))).join(', ');
        const rest = g.findings.length > 5 ? `, … ${g.findings.length - 5} more` : '';
        out.push(`| ${ICON[sev]} | ${mdCode(g.dir)} (${g.findings.length}) | [${g.code}](${DOCS_BASE}${codeDoc(g.code).docs}) | ${g.findings.length === 1 ? mdText(rawMessage(g.findings[0]!)) : `${names}${rest}`} |`);
      }
      if (bounded.more > 0) out.push(`| ${ICON[sev]} | … | ${bounded.more} more groups | see the JSON report |`);
    }
    if (rows > max) out.push(`\n… ${review.length - max} more; see the JSON report.`);
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
      out.push(`| ${code} | ${list.length} | ${list.slice(0, 3).map((f) => mdCode(f.path)).join(', ')} |`);
    }
    out.push('');
    out.push('</details>');
    out.push('');
  }
  const sig = r.inputs.signature;
  if (sig) out.push(`Signature: ${sig.status} by ${mdCode(sig.fingerprint ?? sig.keyId ?? '?')}${sig.userId ? ` (${mdText(sig.userId)})` : ''}`);
  if (r.inputs.tagSignature) out.push(`Tag signature: ${r.inputs.tagSignature.status} by ${mdCode(r.inputs.tagSignature.fingerprint ?? r.inputs.tagSignature.keyId ?? '?')}`);
  if (sig || r.inputs.tagSignature) out.push('');
  // A check that did not run is said in every report (the text and HTML reports list all notes).
  const failed = r.notes.filter((n) => n.code === 'POST_PASS_FAILED' || n.code === 'SUBMODULE_UNAVAILABLE');
  for (const n of failed) out.push(`⚠️ ${mdText(noteText(n))}`);
  if (failed.length) out.push('');
  out.push(`<sub>${k.identical} identical · ${k.tarballOnly} tarball-only · ${k.gitOnly} git-only · ${k.changed} changed · sha256 ${mdCode(r.inputs.tarball.sha256 ?? 'n/a')} · ${mdText(authenticityLine(r))}</sub>`);
  return out.join('\n') + '\n';
}
