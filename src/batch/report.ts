/**
 * `distdiff report DIR --format html|markdown`: a batch at a glance — verdict distribution, top finding
 * codes, the unexplained paths most releases share, the slowest releases — with each release linked to
 * its own HTML report (written to DIR/html/ID.html). Reads the batch's JSON (summary rows and reports),
 * so it needs no database. collectStats does the reading; the renderers are pure.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeDoc } from '../core/codes.js';
import { DistdiffError } from '../core/errors.js';
import type { FindingCode } from '../core/findings.js';
import type { VerifyResult } from '../core/result.js';
import { severityRank, type Severity } from '../core/types.js';
import { h, htmlPage, renderHtml, SEVERITY_COLOUR } from '../render/html.js';
import { mdCode, mdText } from '../render/markdown.js';
import { atomicWrite, outDirs, readRows } from './files.js';
import type { BatchRow } from './row.js';

export type Outcome = 'identical' | 'explained' | 'review' | 'different' | 'error';
export const OUTCOMES: readonly Outcome[] = ['identical', 'explained', 'review', 'different', 'error'];
const OUTCOME_COLOUR: Record<Outcome, string> = { identical: '#15803d', explained: '#4d7c0f', review: '#a16207', different: '#a4001d', error: '#6b7280' };

export interface BatchStats {
  total: number;
  outcomes: Record<Outcome, number>;
  codes: { code: string; severity: Severity; releases: number; findings: number }[];
  paths: { path: string; releases: number; codes: string[] }[];
  slowest: { id: string; durationMs: number; outcome: Outcome }[];
  releases: { id: string; outcome: Outcome; unexplained: number; high: number; critical: number; error?: string; html?: string }[];
}

const outcomeOf = (r: BatchRow): Outcome => (r.status === 'error' ? 'error' : (r.verdict ?? 'error'));

/** Read a batch directory's rows and reports. `htmlDir`: where per-release HTML reports are written (relative to DIR). */
export function collectStats(dir: string, opts: { top?: number; htmlDir?: string } = {}): BatchStats {
  const top = opts.top ?? 15;
  const d = outDirs(dir);
  if (!existsSync(d.rows)) throw new DistdiffError('not-found', dir, 'not a batch output directory (no rows/)', 'give a directory written by distdiff batch --out');
  const rows = readRows<BatchRow>(d.rows).rows.sort((a, b) => a.line - b.line || a.id.localeCompare(b.id));
  const outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  const codes = new Map<string, { releases: number; findings: number }>();
  const paths = new Map<string, { releases: Set<string>; codes: Set<string> }>();
  const releases: BatchStats['releases'] = [];
  if (opts.htmlDir) mkdirSync(join(dir, opts.htmlDir), { recursive: true });
  for (const r of rows) {
    const outcome = outcomeOf(r);
    outcomes[outcome]++;
    for (const [code, n] of Object.entries(r.codes ?? {})) {
      const c = codes.get(code) ?? { releases: 0, findings: 0 };
      c.releases++;
      c.findings += n;
      codes.set(code, c);
    }
    let html: string | undefined;
    if (r.report && existsSync(join(dir, r.report))) {
      const result = JSON.parse(readFileSync(join(dir, r.report), 'utf8')) as VerifyResult;
      for (const f of result.findings) {
        if (codeDoc(f.code as FindingCode).explained || f.allowed) continue;
        const p = paths.get(f.path) ?? { releases: new Set<string>(), codes: new Set<string>() };
        p.releases.add(r.id);
        p.codes.add(f.code);
        paths.set(f.path, p);
      }
      if (opts.htmlDir) {
        html = `${opts.htmlDir}/${r.id}.html`;
        atomicWrite(join(dir, html), renderHtml(result, { backLink: { href: '../report.html', label: 'batch report' } }));
      }
    }
    releases.push({
      id: r.id,
      outcome,
      unexplained: r.counts?.unexplained ?? 0,
      high: r.counts?.bySeverity.high ?? 0,
      critical: r.counts?.bySeverity.critical ?? 0,
      ...(r.error ? { error: r.error.message } : {}),
      ...(html ? { html } : {}),
    });
  }
  return {
    total: rows.length,
    outcomes,
    codes: [...codes]
      .map(([code, c]) => ({ code, severity: codeDoc(code as FindingCode)?.severity ?? 'info', ...c }))
      .sort((a, b) => b.releases - a.releases || severityRank(b.severity) - severityRank(a.severity) || a.code.localeCompare(b.code))
      .slice(0, top),
    paths: [...paths]
      .map(([path, p]) => ({ path, releases: p.releases.size, codes: [...p.codes].sort() }))
      .sort((a, b) => b.releases - a.releases || a.path.localeCompare(b.path))
      .slice(0, top),
    slowest: rows
      .map((r) => ({ id: r.id, durationMs: r.durationMs, outcome: outcomeOf(r) }))
      .sort((a, b) => b.durationMs - a.durationMs || a.id.localeCompare(b.id))
      .slice(0, Math.min(top, 10)),
    releases,
  };
}

/** A horizontal bar chart as inline SVG (labels escaped). Pure. */
export function barChart(items: { label: string; value: number; colour: string }[], opts: { title: string; unit?: string; width?: number }): string {
  const width = opts.width ?? 640;
  const labelW = 260;
  const barH = 18;
  const gap = 6;
  const max = Math.max(1, ...items.map((i) => i.value));
  const height = items.length * (barH + gap) + gap;
  const bars = items
    .map((it, i) => {
      const y = gap + i * (barH + gap);
      const w = Math.max(it.value > 0 ? 2 : 0, Math.round(((width - labelW - 70) * it.value) / max));
      const label = it.label.length > 38 ? it.label.slice(0, 37) + '…' : it.label;
      return (
        `<g><title>${h(it.label)}: ${it.value}${opts.unit ?? ''}</title>` +
        `<text x="${labelW - 6}" y="${y + 13}" text-anchor="end" font-size="12">${h(label)}</text>` +
        `<rect x="${labelW}" y="${y}" width="${w}" height="${barH}" fill="${h(it.colour)}"></rect>` +
        `<text x="${labelW + w + 4}" y="${y + 13}" font-size="12">${it.value}${h(opts.unit ?? '')}</text></g>`
      );
    })
    .join('');
  return `<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${h(opts.title)}" font-family="system-ui,sans-serif">${bars}</svg>`;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function renderBatchHtml(s: BatchStats, opts: { title?: string } = {}): string {
  const out: string[] = [];
  const failing = s.outcomes.different + s.outcomes.error;
  out.push(`<header class="verdict" style="background:${failing ? '#a4001d' : '#15803d'}"><h1 id="summary">${s.total} releases: ${OUTCOMES.filter((o) => s.outcomes[o] > 0).map((o) => `${s.outcomes[o]} ${o}`).join(', ')}</h1></header>`);
  out.push('<section id="verdicts"><h2>Verdicts</h2>');
  out.push(barChart(OUTCOMES.map((o) => ({ label: o, value: s.outcomes[o], colour: OUTCOME_COLOUR[o] })), { title: 'verdict distribution' }));
  out.push('</section>');
  if (s.codes.length > 0) {
    out.push('<section id="codes"><h2>Top finding codes (releases with the code)</h2>');
    out.push(barChart(s.codes.map((c) => ({ label: c.code, value: c.releases, colour: SEVERITY_COLOUR[c.severity] })), { title: 'top finding codes' }));
    out.push('</section>');
  }
  if (s.paths.length > 0) {
    out.push('<section id="paths"><h2>Top unexplained paths across releases</h2><table><tr><th>path</th><th>releases</th><th>codes</th></tr>');
    for (const p of s.paths) out.push(`<tr><td><code>${h(p.path)}</code></td><td>${p.releases}</td><td>${p.codes.map(h).join(', ')}</td></tr>`);
    out.push('</table></section>');
  }
  out.push('<section id="slowest"><h2>Slowest releases</h2>');
  out.push(barChart(s.slowest.map((r) => ({ label: r.id, value: Math.round(r.durationMs / 100) / 10, colour: OUTCOME_COLOUR[r.outcome] })), { title: 'slowest releases', unit: ' s' }));
  out.push('</section>');
  out.push('<section id="releases"><h2>Releases</h2><table><tr><th>release</th><th>verdict</th><th>critical</th><th>high</th><th>unexplained</th></tr>');
  for (const r of s.releases) {
    const name = r.html ? `<a href="${h(r.html)}">${h(r.id)}</a>` : h(r.id);
    out.push(
      `<tr class="release" data-outcome="${r.outcome}"><td>${name}</td><td><span class="sev" style="background:${OUTCOME_COLOUR[r.outcome]}">${r.outcome}</span>${r.error ? ` <span class="muted">${h(r.error)}</span>` : ''}</td><td>${r.critical}</td><td>${r.high}</td><td>${r.unexplained}</td></tr>`,
    );
  }
  out.push('</table></section>');
  return htmlPage(opts.title ?? `distdiff batch: ${s.total} releases`, out.join('\n'), '.verdict{padding:.8rem 1rem;border-radius:6px;color:#fff;margin:.5rem 0 1rem}.verdict h1{font-size:1.3rem}svg.chart{display:block;max-width:100%}');
}

export function renderBatchMarkdown(s: BatchStats): string {
  const out: string[] = [];
  out.push(`### distdiff batch: ${s.total} releases`);
  out.push('');
  out.push('| verdict | releases |');
  out.push('|---|---:|');
  for (const o of OUTCOMES) out.push(`| ${o} | ${s.outcomes[o]} |`);
  out.push('');
  if (s.codes.length > 0) {
    out.push('#### Top finding codes');
    out.push('');
    out.push('| code | severity | releases | findings |');
    out.push('|---|---|---:|---:|');
    for (const c of s.codes) out.push(`| ${c.code} | ${c.severity} | ${c.releases} | ${c.findings} |`);
    out.push('');
  }
  if (s.paths.length > 0) {
    out.push('#### Top unexplained paths across releases');
    out.push('');
    out.push('| path | releases | codes |');
    out.push('|---|---:|---|');
    for (const p of s.paths) out.push(`| ${mdCode(p.path)} | ${p.releases} | ${p.codes.join(', ')} |`);
    out.push('');
  }
  out.push('#### Slowest releases');
  out.push('');
  out.push('| release | time | verdict |');
  out.push('|---|---:|---|');
  for (const r of s.slowest) out.push(`| ${mdText(r.id)} | ${seconds(r.durationMs)} | ${r.outcome} |`);
  out.push('');
  const notPassed = s.releases.filter((r) => r.outcome === 'different' || r.outcome === 'error');
  if (notPassed.length > 0) {
    out.push('#### Releases that failed or errored');
    out.push('');
    for (const r of notPassed) out.push(`- ${r.html ? `[${mdText(r.id)}](${r.html})` : mdText(r.id)}: ${r.outcome}${r.error ? ` — ${mdText(r.error)}` : ''}`);
    out.push('');
  }
  return out.join('\n');
}
