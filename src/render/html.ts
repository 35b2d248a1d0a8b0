/**
 * HTML report for one release: one self-contained file (inline CSS, no script, no external resource; a
 * Content-Security-Policy forbids them anyway). The verdict first, then the findings grouped as in the
 * text report (needs review by severity, unexplained minor ones, expected ones by code), each with its
 * evidence and, where there is one, a side-by-side diff that expands on click (<details>, no script);
 * then the inputs and the revision chain.
 *
 * Everything that comes from the archive, the repository or a policy goes through `h`: non-printing
 * characters become visible escapes (the text report's escapeNonPrinting), then every character HTML acts
 * on becomes an entity. A file named `<script>…</script>` is shown as that text and never becomes markup.
 */
import { boundFindings, inGroup } from '../core/group.js';
import { escapeNonPrinting } from '../compare/invisible.js';
import { codeDoc, DOCS_BASE, formatFinding as rawMessage } from '../core/codes.js';
import { lineProvenanceOf, type Finding, type FindingCode } from '../core/findings.js';
import type { VerifyResult } from '../core/result.js';
import { SEVERITIES, severityRank, type ContentDiff, type Severity } from '../core/types.js';
import { authenticityLine, chainStepText, evidenceJson, noteText as rawNoteText, severityReasonText, verdictLine } from '../core/wording.js';

const noteText = (n: Parameters<typeof rawNoteText>[0]) => escapeNonPrinting(rawNoteText(n));

export interface HtmlOptions {
  /** Lines of side-by-side diff shown per file (default 400). */
  maxDiffLines?: number;
  /** A link back (e.g. to the batch report), shown above the verdict. */
  backLink?: { href: string; label: string };
}

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Input text as inert HTML (element content or a quoted attribute value). */
export function h(s: string | number | undefined | null): string {
  if (s === undefined || s === null) return '';
  return escapeNonPrinting(String(s)).replace(/[&<>"']/g, (c) => ENTITY[c]!);
}

export const SEVERITY_COLOUR: Record<Severity, string> = { critical: '#a4001d', high: '#c2410c', medium: '#a16207', low: '#1d4ed8', info: '#6b7280' };
const VERDICT_COLOUR = { identical: '#15803d', explained: '#15803d', review: '#a16207', different: '#a4001d' } as const;

/** The page frame shared by the release and batch reports. */
export function htmlPage(title: string, body: string, extraCss = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${h(title)}</title>
<style>
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1200px;padding:1rem 1.5rem;color:#111827;background:#fff}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.2rem;margin:1.6rem 0 .5rem;border-bottom:1px solid #e5e7eb}h3{font-size:1rem;margin:1rem 0 .3rem}
code,pre,.mono{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:.86em}
table{border-collapse:collapse}th,td{text-align:left;padding:.2rem .6rem;vertical-align:top;border-bottom:1px solid #f1f5f9}
.sev{display:inline-block;min-width:4.5em;padding:0 .4em;border-radius:3px;color:#fff;font-size:.8em;font-weight:600;text-align:center;text-transform:uppercase}
${SEVERITIES.map((s) => `.sev-${s}{background:${SEVERITY_COLOUR[s]}}.finding.sev-${s}{border-left:4px solid ${SEVERITY_COLOUR[s]}}`).join('')}
.muted{color:#6b7280}a{color:#1d4ed8}
details>summary{cursor:pointer}
${extraCss}
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

const CSS = `
.verdict{padding:.8rem 1rem;border-radius:6px;color:#fff;margin:.5rem 0 1rem}.verdict p{margin:.2rem 0 0}
.finding{background:#fafafa;margin:.5rem 0;padding:.4rem .8rem}.finding h4{margin:.1rem 0;font-size:.95rem;font-weight:600;word-break:break-all}
.finding .code{font-weight:600;font-size:.85em}.finding p{margin:.2rem 0}
dl.evidence{display:grid;grid-template-columns:max-content 1fr;gap:0 .8rem;margin:.3rem 0;font-size:.9em}dl.evidence dt{color:#6b7280}dl.evidence dd{margin:0;word-break:break-all}
table.sbs{width:100%;table-layout:fixed;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.8em;margin:.3rem 0}
table.sbs td{padding:0 .4rem;white-space:pre-wrap;word-break:break-all;border:0}table.sbs td.n{width:3.5em;color:#9ca3af;text-align:right}
table.sbs th{font-weight:600;background:#f3f4f6}table.constructs td:first-child{white-space:nowrap}
td.del{background:#fee2e2}td.add{background:#dcfce7}tr.hunk td{background:#eef2ff;color:#4338ca}
ul.paths{margin:.2rem 0 .6rem;columns:2}ul.chain{margin:.2rem 0}`;

/** The single-release HTML report. Pure. */
export function renderHtml(r: VerifyResult, opts: HtmlOptions = {}): string {
  const out: string[] = [];
  const rev = r.inputs.revision;
  const t = r.inputs.tarball;
  if (opts.backLink) out.push(`<p><a href="${h(opts.backLink.href)}">← ${h(opts.backLink.label)}</a></p>`);
  const [head, tail] = splitVerdict(verdictLine(r));
  out.push(`<header class="verdict" style="background:${VERDICT_COLOUR[r.verdict]}">`);
  out.push(`<h1 id="verdict">${h(r.verdict.toUpperCase())}</h1>`);
  out.push(`<p id="verdict-line">${h(head)}${tail ? ` — ${h(tail)}` : ''}</p>`);
  out.push(`<p class="mono">${h(t.source)} vs ${h(r.inputs.repo.source)} at ${rev.tag ? `${h(rev.tag)} → ` : ''}${h(rev.commit)}</p>`);
  out.push('</header>');

  const k = r.counts;
  out.push('<table id="severities"><tr>' + SEVERITIES.map((s) => `<th><span class="sev sev-${s}">${s}</span></th>`).join('') + '<th>explained</th><th>unexplained</th></tr>');
  out.push('<tr>' + SEVERITIES.map((s) => `<td>${k.bySeverity[s]}</td>`).join('') + `<td>${k.explained}</td><td>${k.unexplained}</td></tr></table>`);

  const attention = r.findings.filter((f) => severityRank(f.severity) >= severityRank('medium'));
  const below = r.findings.filter((f) => severityRank(f.severity) < severityRank('medium'));
  const minor = below.filter((f) => !codeDoc(f.code).explained && !f.allowed);
  const expected = below.filter((f) => codeDoc(f.code).explained || f.allowed);

  if (attention.length > 0) {
    out.push(`<section id="review"><h2>Needs review (${attention.length})</h2>`);
    for (const sev of SEVERITIES) {
      const group = attention.filter((f) => f.severity === sev);
      if (group.length === 0) continue;
      const gate = severityRank(sev) >= severityRank(r.failOn) ? '' : ' <span class="muted">— below --fail-on</span>';
      out.push(`<h3><span class="sev sev-${sev}">${sev}</span> ${group.length}${gate}</h3>`);
      const bounded = boundFindings(group);
      if (bounded.kind === 'all') for (const f of group) out.push(findingHtml(f, opts));
      else {
        // Many at one severity: one block per code and directory (largest first), as in the text report.
        for (const g of bounded.groups) {
          if (g.findings.length === 1) { out.push(findingHtml(g.findings[0]!, opts)); continue; }
          out.push(`<details class="dir-group" data-code="${h(g.code)}"><summary><code>${h(g.dir)}</code> (${g.findings.length}) <a href="${h(DOCS_BASE + codeDoc(g.code).docs)}">${h(g.code)}</a> — ${h(codeDoc(g.code).title)}</summary>`);
          out.push('<ul class="paths">' + g.findings.map((f) => `<li><code>${h(inGroup(g, f))}</code> <span class="muted">${h(rawMessage(f))}</span></li>`).join('') + '</ul></details>');
        }
        if (bounded.more > 0) out.push(`<p class="muted">… ${bounded.more} more groups; the JSON report lists every finding</p>`);
      }
    }
    out.push('</section>');
  }
  if (minor.length > 0) {
    out.push(`<section id="minor"><h2>Unexplained, minor (${minor.length})</h2>`);
    for (const f of minor) out.push(findingHtml(f, opts));
    out.push('</section>');
  }
  if (expected.length > 0) {
    out.push(`<section id="expected"><h2>Expected (${expected.length})</h2>`);
    const byCode = new Map<FindingCode, Finding[]>();
    for (const f of expected) byCode.set(f.code, [...(byCode.get(f.code) ?? []), f]);
    const codes = [...byCode.keys()].sort((a, b) => severityRank(codeDoc(b).severity) - severityRank(codeDoc(a).severity) || a.localeCompare(b));
    for (const code of codes) {
      const list = byCode.get(code)!;
      out.push(`<details class="code-group" data-code="${h(code)}"><summary><span class="sev sev-${list[0]!.severity}">${list[0]!.severity}</span> <a href="${h(DOCS_BASE + codeDoc(code).docs)}">${h(code)}</a> ${list.length} — ${h(codeDoc(code).title)}</summary>`);
      out.push('<ul class="paths">' + list.map((f) => `<li><code>${h(f.path)}</code> <span class="muted">${h(rawMessage(f))}</span></li>`).join('') + '</ul></details>');
    }
    out.push('</section>');
  }
  if (r.findings.length === 0) out.push(`<p id="no-findings">Every file of the archive matches git.</p>`);

  out.push('<section id="inputs"><h2>Inputs</h2><table>');
  const row = (name: string, value: string) => out.push(`<tr><th>${name}</th><td>${value}</td></tr>`);
  row('tarball', `<code>${h(t.source)}</code>${/^https?:/i.test(t.source) ? `<br><span class="muted">cached at</span> <code>${h(t.path)}</code>` : ''}`);
  if (t.sha256) row('sha256', `<code>${h(t.sha256)}</code>`);
  row('format', `${h(t.container)}${t.compression !== 'none' ? ` + ${h(t.compression)}` : ''} via ${h(t.decoder)}, ${t.entries} entries${t.prefix ? `, prefix <code>${h(t.prefix)}/</code> stripped` : ''}`);
  row('repository', `<code>${h(r.inputs.repo.source)}</code> (${h(r.inputs.repo.objectFormat)}${r.inputs.repo.cloned ? ', cloned' : r.inputs.repo.fetched ? ', fetched' : ''})`);
  row('revision', `${rev.tag ? `<code>${h(rev.tag)}</code>${rev.tagType ? ` (${h(rev.tagType)})` : ''} → ` : ''}<code>${h(rev.commit)}</code>${rev.date ? ` <span class="muted">${h(rev.date)}</span>` : ''} <span class="muted">chosen by ${h(rev.how)}</span>${rev.pathInRepo ? `, compared with <code>${h(rev.pathInRepo)}/</code>` : ''}`);
  if (rev.chain && rev.chain.length > 0) {
    row('revision chain', '<ol class="chain" id="chain">' + rev.chain.map((s) => `<li><b>${h(s.step)}</b>: ${h(s.outcome)} — ${h(chainStepText(s))}</li>`).join('') + '</ol>');
  }
  const pr = r.inputs.profile;
  if (pr) {
    const bits = [pr.name && pr.version ? `${pr.name} ${pr.version}` : pr.name, pr.repository, pr.directory ? `directory ${pr.directory}` : undefined, pr.dirty ? 'dirty' : undefined].filter(Boolean);
    row('profile', `${h(pr.id)}${pr.detected ? ' (detected)' : ''}${bits.length ? `: ${h(bits.join(', '))}` : ''}`);
  }
  for (const [name, s] of [['signature', r.inputs.signature], ['tag signature', r.inputs.tagSignature]] as const) {
    if (s) row(name, `${h(s.status)} by <code>${h(s.fingerprint ?? s.keyId ?? '?')}</code>${s.userId ? ` ${h(s.userId)}` : ''}${s.created ? `, made ${h(s.created)}` : ''}`);
  }
  if (r.inputs.checksums) row('checksums', `<code>${h(r.inputs.checksums.name)}</code> listed in <code>${h(r.inputs.checksums.source)}</code> (line ${r.inputs.checksums.line})`);
  row('counts', `${k.identical} identical, ${k.tarballOnly} tarball-only, ${k.gitOnly} git-only, ${k.changed} changed${k.exportIgnored ? `, ${k.exportIgnored} export-ignored` : ''}${k.anomalies ? `, ${k.anomalies} archive anomalies` : ''}`);
  for (const n of r.notes) row('note', h(noteText(n)));
  out.push('</table></section>');
  out.push(`<footer><p class="muted">${h(authenticityLine(r))}</p><p class="muted">distdiff ${h(r.tool.version)}, report schema ${r.schemaVersion}, fail-on ${h(r.failOn)}</p></footer>`);
  return htmlPage(`distdiff: ${r.verdict.toUpperCase()} — ${t.source}`, out.join('\n'), CSS);
}

function splitVerdict(line: string): [string, string | undefined] {
  const i = line.indexOf(' — ');
  return i < 0 ? [line, undefined] : [line.slice(0, i), line.slice(i + 3)];
}

function findingHtml(f: Finding, opts: HtmlOptions): string {
  const doc = codeDoc(f.code);
  const parts: string[] = [];
  parts.push(`<article class="finding sev-${f.severity}" data-code="${h(f.code)}" data-severity="${f.severity}">`);
  parts.push(`<h4><code class="path">${h(f.path)}</code> <span class="sev sev-${f.severity}">${f.severity}</span> <a class="code" href="${h(DOCS_BASE + doc.docs)}">${h(f.code)}</a>${f.change ? ` <span class="change muted">${h(f.change)}</span>` : ''}</h4>`);
  parts.push(`<p class="message">${h(rawMessage(f))}</p>`);
  const why = severityReasonText(f);
  if (why) parts.push(`<p class="muted">severity ${h(why)}</p>`);
  if (f.allowed) parts.push(`<p class="muted">allowed by policy (was ${h(f.allowed.originalSeverity)}): ${h(f.allowed.reason)}</p>`);
  if (f.degraded) parts.push(`<p class="muted">check ${h(f.degraded.check)} failed (${h(f.degraded.error)}); compared bytes only</p>`);
  const ev = Object.entries(evidenceJson(f, false) as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (ev.length > 0) {
    parts.push('<dl class="evidence">' + ev.map(([key, v]) => `<dt>${h(key)}</dt><dd>${h(typeof v === 'string' ? v : JSON.stringify(v))}</dd>`).join('') + '</dl>');
  }
  if (f.constructs && f.constructs.length > 0) {
    parts.push('<table class="constructs">' + f.constructs.map((c) => `<tr><td>line ${c.line}</td><td>${h(c.kind)}</td><td><code>${h(c.text)}</code></td></tr>`).join('') + '</table>');
  }
  const prov = lineProvenanceOf(f);
  if (prov && prov.novelLines > 0) {
    const more = prov.novelLines - prov.novel.length;
    parts.push(
      `<table class="constructs novel"><caption>novel lines (not in that upstream version)</caption>` +
        prov.novel.map((n) => `<tr><td>line ${n.line}</td><td><code>${h(n.text)}</code></td></tr>`).join('') +
        (more > 0 ? `<tr><td></td><td class="muted">… ${more} more</td></tr>` : '') +
        '</table>',
    );
  }
  if (f.diff) parts.push(diffHtml(f.diff, opts.maxDiffLines ?? 400));
  parts.push('</article>');
  return parts.join('');
}

interface SbsRow {
  kind: 'hunk' | 'same' | 'change';
  left?: { n: number; text: string };
  right?: { n: number; text: string };
  hunk?: string;
}

/** A unified diff as side-by-side rows: removals and additions of one run paired line by line. Pure. */
export function sideBySide(unified: string): SbsRow[] {
  const rows: SbsRow[] = [];
  let ln = 0;
  let rn = 0;
  let dels: string[] = [];
  let adds: string[] = [];
  const flush = () => {
    for (let i = 0; i < Math.max(dels.length, adds.length); i++) {
      rows.push({
        kind: 'change',
        ...(i < dels.length ? { left: { n: ln + i + 1, text: dels[i]! } } : {}),
        ...(i < adds.length ? { right: { n: rn + i + 1, text: adds[i]! } } : {}),
      });
    }
    ln += dels.length;
    rn += adds.length;
    dels = [];
    adds = [];
  };
  for (const line of unified.split('\n')) {
    if (line.startsWith('====') || line.startsWith('Index:') || line.startsWith('--- ') || line.startsWith('+++ ') || line === '\\ No newline at end of file') continue;
    const m = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (m) {
      flush();
      ln = Number(m[1]) - 1;
      rn = Number(m[2]) - 1;
      rows.push({ kind: 'hunk', hunk: line });
    } else if (line.startsWith('-')) dels.push(line.slice(1));
    else if (line.startsWith('+')) adds.push(line.slice(1));
    else if (line.startsWith(' ')) {
      flush();
      ln++;
      rn++;
      rows.push({ kind: 'same', left: { n: ln, text: line.slice(1) }, right: { n: rn, text: line.slice(1) } });
    }
  }
  flush();
  return rows;
}

function diffHtml(d: ContentDiff, max: number): string {
  if (d.kind === 'binary') return `<p class="muted">binary: git ${d.gitSize ?? '?'} bytes <code>${h(d.gitOid)}</code> → tarball ${d.tarballSize ?? '?'} bytes <code>${h(d.tarballOid)}</code></p>`;
  if (d.kind !== 'text' || !d.unified) return `<p class="muted">content not compared line by line (${h(d.reason ?? 'unavailable')})</p>`;
  const rows = sideBySide(d.unified);
  const shown = rows.slice(0, max);
  const cell = (side: { n: number; text: string } | undefined, cls: string) =>
    side ? `<td class="n">${side.n}</td><td class="${cls}">${h(side.text)}</td>` : '<td class="n"></td><td></td>';
  const body = shown
    .map((row) =>
      row.kind === 'hunk'
        ? `<tr class="hunk"><td colspan="4">${h(row.hunk)}</td></tr>`
        : `<tr class="${row.kind}">${cell(row.left, row.kind === 'change' && row.left ? 'del' : '')}${cell(row.right, row.kind === 'change' && row.right ? 'add' : '')}</tr>`,
    )
    .join('');
  const more = rows.length > shown.length || d.truncated ? `<p class="muted">… diff truncated; the JSON report has up to its bound</p>` : '';
  return (
    `<details class="diff"><summary>diff +${d.added ?? 0} −${d.removed ?? 0}</summary>` +
    `<table class="sbs"><colgroup><col style="width:3.5em"><col><col style="width:3.5em"><col></colgroup><tr><th colspan="2">git</th><th colspan="2">tarball</th></tr>${body}</table>${more}</details>`
  );
}
