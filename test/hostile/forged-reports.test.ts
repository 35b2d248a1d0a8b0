/**
 * Reports cannot be forged with names (issue #9 class 3). Archives made by real GNU tar from files whose
 * names hold escape sequences, carriage returns, newlines, backticks, pipes and HTML; the built CLI's
 * reports are then read as a reader sees them: the text report through a terminal emulator
 * (@xterm/headless), the Markdown through a CommonMark renderer (markdown-it).
 *
 * A second part feeds every renderer a result in which every string that can come from the input carries
 * control characters, and checks that none reaches the output raw (this finds a field a renderer forgot).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import xterm from '@xterm/headless';
import MarkdownIt from 'markdown-it';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import { makeFinding } from '../../src/core/severity.js';
import type { VerifyResult } from '../../src/core/result.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderSarif } from '../../src/render/sarif.js';
import { renderText } from '../../src/render/text.js';
import { tempDir } from '../helpers/tmp.js';
import { FILES, makeFixtureRepo, PREFIX, runCli, type CliRun } from './helpers.js';

const ESC = '\u001b';
/** Clears the screen, homes the cursor, draws a clean verdict, then conceals whatever follows. */
const TERMINAL_FORGERY = `x${ESC}[2J${ESC}[3J${ESC}[HIDENTICAL: all 4 files match git${ESC}[8m`;
/** Ends the table row and the code span, injects a heading and folds what follows into a <details>. */
const MARKDOWN_FORGERY = 'y`\r\n\r\n## distdiff: IDENTICAL: all 4 files match git\r\n\r\n<details><summary>ok\r\n\r\n| a | b |';
/** C1 CSI (U+009B), DEL, a right-to-left override and a line separator. */
const OTHER_CONTROLS = 'z\u009b2J\u007f\u202egpj.exe\u2028tail';

const dir = tempDir('distdiff-forge-');
let repoDir = '';
let tarPath = '';

beforeAll(() => {
  const { repo } = makeFixtureRepo(join(dir, 'repo'));
  repoDir = repo.dir;
  // The release tree on disk, with the hostile names as real file names, archived by GNU tar.
  const tree = join(dir, 'tree', PREFIX);
  for (const [p, [content, exe]] of Object.entries(FILES)) {
    mkdirSync(join(tree, p, '..'), { recursive: true });
    writeFileSync(join(tree, p), content, { mode: exe ? 0o755 : 0o644 });
  }
  for (const name of [TERMINAL_FORGERY, MARKDOWN_FORGERY, OTHER_CONTROLS]) writeFileSync(join(tree, name), 'payload\n');
  tarPath = join(dir, `${PREFIX}.tar`);
  execFileSync('tar', ['--format=gnu', '--sort=name', '--mtime=@1700000000', '--owner=0', '--group=0', '-cf', tarPath, '-C', join(dir, 'tree'), PREFIX]);
  // The names really are in the archive, byte for byte.
  const listed = execFileSync('tar', ['--quoting-style=literal', '-tf', tarPath], { encoding: 'utf8' });
  expect(listed).toContain(`${PREFIX}/${TERMINAL_FORGERY}`);
});

function cli(format: string, extra: string[] = []): Promise<CliRun> {
  return runCli([tarPath, '--repo', repoDir, '--tag', 'v1.0', '--format', format, '--cache-dir', join(dir, 'cache'), ...extra], { json: false });
}

/** What a terminal shows after printing `text`: logical lines (soft-wrapped rows joined). */
async function onScreen(text: string): Promise<string[]> {
  const term = new xterm.Terminal({ cols: 120, rows: 300, scrollback: 1000, convertEol: true, allowProposedApi: true });
  await new Promise<void>((r) => term.write(text, r));
  const buf = term.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < buf.length; i++) {
    const line = buf.getLine(i)!;
    const s = line.translateToString(true);
    if (line.isWrapped && lines.length > 0) lines[lines.length - 1] += s;
    else lines.push(s);
  }
  term.dispose();
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const VERDICT = /^(IDENTICAL|EXPLAINED|REVIEW|DIFFERENT):/;

describe('hostile names, rendered as a reader sees them', () => {
  it('JSON: the names are exact, and each is a CONTROL_CHARACTER finding at high', async () => {
    const r = await cli('json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { verdict: string; findings: Array<{ code: string; path: string; severity: string; evidence: { codepoints?: string[] } }> };
    expect(report.verdict).toBe('different');
    const control = report.findings.filter((f) => f.code === 'CONTROL_CHARACTER');
    expect(control.map((f) => [f.path, f.severity, f.evidence.codepoints])).toEqual([
      [TERMINAL_FORGERY, 'high', ['U+001B']],
      [MARKDOWN_FORGERY, 'high', ['U+000D', 'U+000A']],
      [OTHER_CONTROLS, 'high', ['U+009B', 'U+007F', 'U+2028']],
    ]);
    // The right-to-left override is invisible, not a control: the existing code reports it.
    expect(report.findings.find((f) => f.code === 'INVISIBLE_CHARACTER')?.evidence.codepoints).toEqual(['U+202E']);
  });

  for (const color of [false, true]) {
    it(`text${color ? ' (colour)' : ''} through a terminal: the real verdict on the first line, no forged one, names escaped`, async () => {
      const r = await cli('text', color ? ['--color'] : []);
      expect(r.code).toBe(1);
      const screen = await onScreen(r.stdout);
      expect(screen[0]).toBe('DIFFERENT: 3 tarball-only, 0 git-only, 0 changed, 4 archive anomalies — 7 high');
      expect(screen.filter((l) => VERDICT.test(l.trim()))).toEqual([screen[0]]);
      // Every line of the report is on screen: nothing was cleared or concealed.
      expect(screen.length).toBe(r.stdout.trimEnd().split('\n').length);
      const joined = screen.join('\n');
      expect(screen).toContain('    x\\x1b[2J\\x1b[3J\\x1b[HIDENTICAL: all 4 files match git\\x1b[8m  CONTROL_CHARACTER');
      expect(screen).toContain('      contains control characters U+001B');
      expect(screen).toContain('    y`\\x0d\\x0a\\x0d\\x0a## distdiff: IDENTICAL: all 4 files match git\\x0d\\x0a\\x0d\\x0a<details><summary>ok\\x0d\\x0a\\x0d\\x0a| a | b |  CONTROL_CHARACTER');
      expect(screen).toContain('    z\\x9b2J\\x7f\\u202egpj.exe\\u2028tail  CONTROL_CHARACTER');
      expect(screen).toContain('      contains control characters U+009B, U+007F, U+2028');
      if (color) expect(r.stdout).toContain(`${ESC}[1;31mDIFFERENT`);
    });
  }

  it('Markdown through markdown-it: one heading with the real verdict, the table intact, no injected heading or details', async () => {
    const r = await cli('markdown');
    expect(r.code).toBe(1);
    const md = new MarkdownIt({ html: true });
    const tokens = md.parse(r.stdout, {});
    const headings = tokens.flatMap((t, i) => (t.type === 'heading_open' ? [`${t.tag} ${tokens[i + 1]!.content}`] : []));
    expect(headings).toEqual(['h3 distdiff: DIFFERENT: 3 tarball-only, 0 git-only, 0 changed, 4 archive anomalies — 7 high', 'h4 Needs review']);
    // The "Needs review" table: one row per finding at medium or above, four cells each.
    const json = JSON.parse((await cli('json')).stdout) as { findings: Array<{ severity: string }> };
    const review = json.findings.filter((f) => f.severity !== 'low' && f.severity !== 'info').length;
    const tables = tokens.filter((t) => t.type === 'table_open').length;
    const rows: number[] = [];
    let cells = -1;
    let inBody = false;
    for (const t of tokens) {
      if (t.type === 'tbody_open') inBody = true;
      if (t.type === 'tbody_close') inBody = false;
      if (t.type === 'tr_open') cells = 0;
      if (t.type === 'td_open' || t.type === 'th_open') cells += 1;
      if (t.type === 'tr_close' && inBody) rows.push(cells);
    }
    expect(tables).toBe(2); // severities, needs review (nothing is below medium here)
    expect(rows).toEqual([...Array(5).fill(2), ...Array(review).fill(4)]);
    const html = md.render(r.stdout);
    expect(html).not.toMatch(/<details/);
    expect(html).not.toMatch(/<h[1-2]/);
    // The names are shown, escaped, inside <code>.
    expect(html).toContain('<code>y`\\x0d\\x0a\\x0d\\x0a## distdiff: IDENTICAL: all 4 files match git\\x0d\\x0a\\x0d\\x0a&lt;details&gt;&lt;summary&gt;ok\\x0d\\x0a\\x0d\\x0a| a | b |</code>');
    expect(html).toContain('<code>x\\x1b[2J\\x1b[3J\\x1b[HIDENTICAL: all 4 files match git\\x1b[8m</code>');
  });

  it('SARIF message texts are escaped; the structured fields keep the exact names', async () => {
    const r = await cli('sarif');
    const log = JSON.parse(r.stdout) as { runs: Array<{ results: Array<{ message: { text: string }; properties: { evidence: unknown } }> }> };
    const texts = log.runs[0]!.results.map((x) => x.message.text);
    for (const t of texts) expect(t).not.toMatch(/[\p{Cc}\u2028\u2029\u202e]/u);
    expect(texts).toContain('x\\x1b[2J\\x1b[3J\\x1b[HIDENTICAL: all 4 files match git\\x1b[8m: contains control characters U+001B');
  });

  it('errors: a name with control characters in an error line is escaped (one line, no escape sequence)', async () => {
    const bad = join(dir, `missing${ESC}[2J\r\nIDENTICAL.tar`);
    const r = await runCli([bad, '--repo', repoDir, '--tag', 'v1.0', '--cache-dir', join(dir, 'cache')], { json: false });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/[\u001b\r]/);
    // (line breaks in an error become a space, the rest is escaped)
    expect(r.stderr).toContain('missing\\x1b[2J IDENTICAL.tar: no such file');
  });
});

// ---------------------------------------------------------------- every field, every renderer

/** Keys whose values are enumerations chosen by distdiff, not text from the input. */
const ENUM_KEYS = new Set(['verdict', 'failOn', 'severity', 'code', 'originalSeverity', 'type', 'status', 'how', 'tagType', 'container', 'compression', 'objectFormat', 'id', 'step', 'outcome', 'kind', 'name', 'version']);
const HOSTILE = `${ESC}[2J\r\n\u009b\u202e\u2028\u200b`;

function hostile<T>(v: T, key = ''): T {
  if (typeof v === 'string') return (ENUM_KEYS.has(key) ? v : v + HOSTILE) as T;
  if (Array.isArray(v)) return v.map((x) => hostile(x, key)) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, hostile(x, k)])) as T;
  return v;
}

/** The real report of the hostile archive, with every optional field the renderers print filled in. */
let realReport = '';
function fullResult(): VerifyResult {
  const r = JSON.parse(realReport) as VerifyResult;
  r.findings.push(
    makeFinding('SERIAL_AHEAD_OF_UPSTREAM', 'm4/build-to-host.m4', { name: 'build-to-host.m4', serial: 30, maxUpstream: 5, project: 'gnulib' }, {
      constructs: [{ kind: 'tr-byte-swap', line: 11, text: `gl_path_map='tr "\\t \\-_" " \\t_\\-"'` }],
    }),
    makeFinding('SOURCE_MODIFIED', 'src/a b.c', { buildAffecting: false }),
    makeFinding('CONFUSABLE_NAME', 'c\u043enfigure', { lookalike: 'configure' }, { allowed: { reason: 'policy says so', originalSeverity: 'high' } as never }),
    { ...makeFinding('TARBALL_ONLY_UNEXPLAINED', 'extra.sh', { size: 3, buildAffecting: false }), severity: 'low' } as Finding,
  );
  const changed = r.findings.find((f) => f.code === 'SOURCE_MODIFIED')!;
  changed.diff = { kind: 'text', added: 1, removed: 1, unified: '--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n' } as never;
  changed.degraded = { check: 'm4-serial', error: 'unreadable' } as never;
  r.inputs.tarball.source = 'https://example.invalid/x-1.0.tar.gz';
  r.inputs.revision.pathInRepo = 'pkg';
  r.inputs.revision.chain = [
    { step: 'tag-pattern', outcome: 'chosen', kind: 'tag-found', args: { tag: 'v1.0', commit: 'c'.repeat(40), also: ['1.0'] } },
    { step: 'metadata', outcome: 'conflicts', kind: 'file-names', args: { source: 'changelog', path: 'ChangeLog', commit: 'c'.repeat(40) } },
  ];
  r.inputs.profile = { id: 'npm', detected: true, name: 'pkg', version: '1.0', repository: 'https://example.invalid/r.git', directory: 'pkg', commit: 'c'.repeat(40) };
  r.inputs.signature = { status: 'valid', source: 'x.sig', keyring: 'k.asc', fingerprint: 'F'.repeat(40), userId: 'Jia Tan <jt@example.invalid>', created: '2024-01-01T00:00:00Z' } as never;
  r.inputs.tagSignature = { status: 'valid', source: 'tag v1.0', keyring: 'k.asc', keyId: 'A'.repeat(16) } as never;
  r.inputs.checksums = { source: 'SHA256SUMS', name: 'x-1.0.tar.gz', line: 3, sha256: 'a'.repeat(64) } as never;
  r.notes = [
    { code: 'PREFIX_STRIPPED', prefix: 'x-1.0' },
    { code: 'DECODER_FALLBACK', decoder: 'fallback: fzstd' },
    { code: 'PAX_COMMIT', commit: 'c'.repeat(40), matches: false },
    { code: 'SHA256_VERIFIED', sha256: 'a'.repeat(64) },
    { code: 'POLICY_LOADED', path: 'distdiff.config.json', allowances: 1 },
  ];
  return r;
}

describe('every input-derived field is escaped by every renderer', () => {
  let r: VerifyResult;
  beforeAll(async () => {
    realReport = (await cli('json')).stdout;
    r = hostile(fullResult());
    // Sanity: the hostile text really is in the result (in a path, the source, a signer id, a note).
    expect(r.findings.at(-1)!.path).toContain(ESC);
    expect(r.inputs.signature!.userId).toContain('\r');
  });

  for (const verbose of [false, true]) {
    for (const color of [false, true]) {
      it(`text (verbose ${verbose}, colour ${color}): no control character but line ends and our own SGR colours`, () => {
        const out = renderText(r, { verbose, color });
        const ours = color ? out.replace(/\u001b\[[0-9;]*m/g, '') : out;
        const raw = ours.match(/[\p{Cc}\p{Cf}\u2028\u2029]/gu)?.filter((c) => c !== '\n') ?? [];
        expect(raw).toEqual([]);
        // Escaped, not dropped: the reader sees that something was there.
        expect(out).toContain('\\x1b[2J\\x0d\\x0a\\x9b\\u202e\\u2028\\u200b');
      });
    }
  }

  it('Markdown: the hostile fields change no structure (same headings, tables and rows as the clean report)', () => {
    const md = new MarkdownIt({ html: true });
    const shape = (src: string) =>
      md
        .parse(src, {})
        .filter((t) => t.type.endsWith('_open') || t.type === 'html_block')
        .map((t) => (t.type === 'html_block' ? t.content.trim() : t.type));
    const clean = renderMarkdown(fullResult());
    const dirty = renderMarkdown(r);
    expect(shape(dirty)).toEqual(shape(clean));
    expect(dirty.match(/[\p{Cc}\p{Cf}\u2028\u2029]/gu)?.filter((c) => c !== '\n') ?? []).toEqual([]);
  });

  it('SARIF: message and description texts escaped', () => {
    const log = JSON.parse(renderSarif(r));
    const texts: string[] = [...log.runs[0].results.map((x: { message: { text: string } }) => x.message.text), log.runs[0].originalUriBaseIds.RELEASEROOT.description.text];
    for (const t of texts) expect(t.match(/[\p{Cc}\p{Cf}\u2028\u2029]/gu) ?? []).toEqual([]);
    // Structured evidence stays exact (JSON escaping carries it).
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toContain('%1B');
  });
});
