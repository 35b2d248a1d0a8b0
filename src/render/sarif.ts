/**
 * SARIF 2.1.0: one rule per finding code (title, description, help, default level), one result per
 * finding. Paths are relative to the release tree (uriBaseId RELEASEROOT).
 *
 * Message texts are shown to people (code-scanning UIs, terminals): non-printing characters from the input
 * are escaped there as in the text report. Structured fields (evidence, properties) keep the exact values;
 * JSON escaping holds them.
 */
import { ALL_CODES, DOCS_BASE, codeDoc, formatFinding } from '../core/codes.js';
import type { VerifyResult } from '../core/result.js';
import type { Severity } from '../core/types.js';
import { escapeNonPrinting } from '../compare/invisible.js';
import { evidenceJson } from '../core/wording.js';
import { blocks, jsonChunks, LazyJsonArray } from '../util/json-stream.js';

const message = (f: Parameters<typeof formatFinding>[0]) => escapeNonPrinting(formatFinding(f));

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub code scanning reads `security-severity` (0–10) for ordering. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.0', low: '2.0', info: '0.0' };

export function renderSarif(r: VerifyResult): string {
  return JSON.stringify(sarifLog(r), null, 2) + '\n';
}

/** The same bytes as renderSarif, in blocks; each result object is made only when it is written. */
export function* streamSarif(r: VerifyResult): Generator<string> {
  yield* blocks(jsonChunks(sarifLog(r), 4));
  yield '\n';
}

function sarifLog(r: VerifyResult) {
  const rules = ALL_CODES.map((code) => {
    const d = codeDoc(code);
    return {
      id: code,
      name: code
        .toLowerCase()
        .split('_')
        .map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1)))
        .join(''),
      shortDescription: { text: d.title },
      fullDescription: { text: d.description },
      helpUri: DOCS_BASE + d.docs,
      help: { text: d.description, markdown: `**${d.title}** — ${d.description}` },
      defaultConfiguration: { level: LEVEL[d.severity] },
      properties: { 'security-severity': SECURITY_SEVERITY[d.severity], explained: d.explained, tags: ['supply-chain', 'release-integrity'] },
    };
  });
  const ruleIndex = new Map(ALL_CODES.map((c, i) => [c, i]));
  const result = (f: VerifyResult['findings'][number]) => ({
    ruleId: f.code,
    ruleIndex: ruleIndex.get(f.code),
    level: LEVEL[f.severity],
    message: { text: `${escapeNonPrinting(f.path)}: ${message(f)}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: encodeURI(f.path), uriBaseId: 'RELEASEROOT' },
          ...(f.constructs && f.constructs.length > 0 ? { region: { startLine: f.constructs[0]!.line } } : {}),
        },
      },
    ],
    properties: { severity: f.severity, evidence: evidenceJson(f), ...(f.severityReason ? { severityReason: f.severityReason } : {}), ...(f.allowed ? { allowed: f.allowed } : {}) },
  });
  const results = new LazyJsonArray(r.findings.length, (i) => result(r.findings[i]!));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'distdiff',
            version: r.tool.version,
            informationUri: DOCS_BASE.replace(/#$/, ''),
            rules,
          },
        },
        originalUriBaseIds: { RELEASEROOT: { description: { text: `Root of the release tree (${escapeNonPrinting(r.inputs.tarball.source)})` } } },
        results,
        properties: {
          verdict: r.verdict,
          tarball: r.inputs.tarball.source,
          sha256: r.inputs.tarball.sha256,
          revision: r.inputs.revision,
        },
      },
    ],
  };
}
