/**
 * Batch manifest: one release per line, JSONL or CSV (with a header line). Pure: text in, rows and bad
 * lines out. A bad line is reported with its 1-based line number and skipped; it never stops the batch.
 *
 * Fields: tarball (path, URL or npm:NAME@VERSION), repo (path or URL), optional tag, commit, sha256,
 * profile, id. Relative paths are resolved against the manifest's directory, so a manifest can be run
 * from any working directory (a cluster node's, typically).
 */
import { createHash } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { PROFILE_CHOICES, type ProfileChoice } from '../profiles/types.js';

export interface ManifestRow {
  /** 1-based line number in the manifest. */
  line: number;
  /** Name of the release's files in the output directory: the manifest's `id`, or derived from the row. */
  id: string;
  /** sha256 of the row's identity (what is verified against what): shard assignment and duplicate check. */
  identity: string;
  /** Fields as written in the manifest. */
  tarball: string;
  repo: string;
  tag?: string;
  commit?: string;
  sha256?: string;
  profile?: ProfileChoice;
  /** Inputs with relative paths resolved against the manifest's directory. */
  resolved: { tarball: string; repo: string };
}

export interface BadLine {
  line: number;
  problem: string;
}

export interface Manifest {
  format: 'jsonl' | 'csv';
  rows: ManifestRow[];
  bad: BadLine[];
}

const FIELDS = ['tarball', 'repo', 'tag', 'commit', 'sha256', 'profile', 'id'] as const;
type Field = (typeof FIELDS)[number];

/** URL-like inputs (scheme://, npm:, scp-like user@host:path) are kept as written; anything else is a path. */
export function isPathInput(s: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s) || /^npm:/i.test(s)) return false;
  if (/^[^@/:]+@[^@/:]+:/.test(s)) return false;
  return true;
}

function resolveInput(s: string, baseDir: string): string {
  return isPathInput(s) && !isAbsolute(s) ? resolve(baseDir, s) : s;
}

/** A readable, file-name-safe id: the archive's base name plus a short hash of the identity. */
function derivedId(tarball: string, identity: string): string {
  const base = (tarball.replace(/[/\\]+$/, '').split(/[/\\:@]/).pop() ?? '')
    .replace(/\.(tar(\.[a-z0-9]+)?|tgz|zip|crate|whl)$/i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._-]+/, '')
    .slice(0, 60);
  return `${base || 'release'}-${identity.slice(0, 12)}`;
}

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function checkRecord(rec: Record<string, unknown>, line: number, baseDir: string): ManifestRow | string {
  for (const k of Object.keys(rec)) {
    if (!(FIELDS as readonly string[]).includes(k)) return `unknown field "${k}" (fields: ${FIELDS.join(', ')})`;
  }
  const v: Partial<Record<Field, string>> = {};
  for (const f of FIELDS) {
    const x = rec[f];
    if (x === undefined || x === null || x === '') continue;
    if (typeof x !== 'string') return `field "${f}" must be a string`;
    if (/[\u0000-\u001f\u007f]/.test(x)) return `field "${f}" contains a control character`;
    v[f] = x.trim();
  }
  if (!v.tarball) return 'missing field "tarball"';
  if (!v.repo) return 'missing field "repo"';
  if (v.tag && v.commit) return 'give "tag" or "commit", not both';
  if (v.commit && !/^([0-9a-f]{4,64})$/i.test(v.commit)) return `commit "${v.commit}" is not a hexadecimal commit id`;
  if (v.sha256 && !/^[0-9a-f]{64}$/i.test(v.sha256)) return `sha256 "${v.sha256}" is not 64 hexadecimal digits`;
  if (v.profile && !(PROFILE_CHOICES as readonly string[]).includes(v.profile)) return `profile "${v.profile}" is not one of ${PROFILE_CHOICES.join(', ')}`;
  if (v.id && !ID_RE.test(v.id)) return `id "${v.id}" must be 1-128 characters of A-Z a-z 0-9 . _ - (it names files)`;
  const tarball = resolveInput(v.tarball, baseDir);
  const repo = resolveInput(v.repo, baseDir);
  const identity = createHash('sha256')
    .update(JSON.stringify([tarball, repo, v.tag ?? null, v.commit?.toLowerCase() ?? null, v.sha256?.toLowerCase() ?? null, v.profile ?? null]))
    .digest('hex');
  return {
    line,
    id: v.id ?? derivedId(v.tarball, identity),
    identity,
    tarball: v.tarball,
    repo: v.repo,
    ...(v.tag ? { tag: v.tag } : {}),
    ...(v.commit ? { commit: v.commit.toLowerCase() } : {}),
    ...(v.sha256 ? { sha256: v.sha256.toLowerCase() } : {}),
    ...(v.profile ? { profile: v.profile as ProfileChoice } : {}),
    resolved: { tarball, repo },
  };
}

/** Split one CSV record (RFC 4180 quoting; a record never spans lines here). */
export function splitCsv(line: string): string[] | string {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let cell = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return 'unterminated quoted field';
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        cell += line[i++];
      }
      if (i < line.length && line[i] !== ',') return 'text after a closing quote';
    } else {
      const j = line.indexOf(',', i);
      cell = j < 0 ? line.slice(i) : line.slice(i, j);
      if (cell.includes('"')) return 'quote inside an unquoted field';
      i = j < 0 ? line.length : j;
    }
    out.push(cell);
    if (i >= line.length) return out;
    i++; // the comma
  }
}

/** Format from the name (.csv / .jsonl / .ndjson / .json), else from the first non-blank character. */
export function manifestFormat(name: string, text: string): 'jsonl' | 'csv' {
  if (/\.csv$/i.test(name)) return 'csv';
  if (/\.(jsonl|ndjson|json)$/i.test(name)) return 'jsonl';
  return text.trimStart().startsWith('{') ? 'jsonl' : 'csv';
}

export function parseManifest(text: string, opts: { name: string; baseDir: string }): Manifest {
  const format = manifestFormat(opts.name, text);
  const lines = text.split(/\r?\n/);
  const rows: ManifestRow[] = [];
  const bad: BadLine[] = [];
  const seenIds = new Map<string, number>();
  const seenIdentity = new Map<string, number>();
  let header: string[] | undefined;
  lines.forEach((raw, i) => {
    const line = i + 1;
    const s = raw.trim();
    if (s === '' || s.startsWith('#')) return;
    let rec: Record<string, unknown>;
    if (format === 'jsonl') {
      try {
        const parsed: unknown = JSON.parse(s);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          bad.push({ line, problem: 'not a JSON object' });
          return;
        }
        rec = parsed as Record<string, unknown>;
      } catch (e) {
        bad.push({ line, problem: `not valid JSON (${(e as Error).message.split('\n')[0]})` });
        return;
      }
    } else {
      const cells = splitCsv(raw);
      if (typeof cells === 'string') {
        bad.push({ line, problem: cells });
        return;
      }
      if (!header) {
        const h = cells.map((c) => c.trim().toLowerCase());
        const unknown = h.filter((c) => !(FIELDS as readonly string[]).includes(c));
        if (unknown.length > 0 || !h.includes('tarball') || !h.includes('repo')) {
          bad.push({ line, problem: `not a header line (a CSV manifest starts with column names from ${FIELDS.join(', ')}; tarball and repo are required)` });
          return;
        }
        header = h;
        return;
      }
      if (cells.length !== header.length) {
        bad.push({ line, problem: `${cells.length} fields, the header has ${header.length}` });
        return;
      }
      rec = Object.fromEntries(header.map((h, k) => [h, cells[k]]));
    }
    const row = checkRecord(rec, line, opts.baseDir);
    if (typeof row === 'string') {
      bad.push({ line, problem: row });
      return;
    }
    const dupId = seenIds.get(row.id);
    if (dupId !== undefined) {
      bad.push({ line, problem: `id "${row.id}" already used on line ${dupId}` });
      return;
    }
    const dup = seenIdentity.get(row.identity);
    if (dup !== undefined) {
      bad.push({ line, problem: `same release as line ${dup}` });
      return;
    }
    seenIds.set(row.id, line);
    seenIdentity.set(row.identity, line);
    rows.push(row);
  });
  return { format, rows, bad };
}
