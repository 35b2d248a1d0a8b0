/**
 * The parsers profiles read their metadata with (package.json, PKG-INFO, Cargo.toml), and the archive's
 * top directory. Detection and metadata reading per profile live in the registry (registry.ts).
 */
import { detectPrefix } from '../compare/compare.js';
import { DistdiffError } from '../core/errors.js';
import type { TreeEntry } from '../core/types.js';

/** Content of an archive file by blob id (retained by the scan, or read from the repository). */
export type ReadBlob = (oid: string) => Promise<Buffer | undefined>;

/** Metadata files larger than this are not read. */
export const MAX_METADATA = 1024 * 1024;

/** The single top-level directory of the entries, '' when there is none (compare's rule, without git). */
export function topDir(entries: readonly TreeEntry[]): string {
  return detectPrefix(entries);
}

export { normaliseRepoUrl } from '../util/repo-url.js';

/** RFC 822-style headers of PKG-INFO / METADATA (first block only). */
export function parsePkgInfo(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    if (/^[ \t]/.test(line) && last) continue; // continuation lines (descriptions)
    const m = /^([A-Za-z0-9-]+):\s?(.*)$/.exec(line);
    if (!m) continue;
    last = m[1]!.toLowerCase();
    const list = out.get(last) ?? [];
    list.push(m[2]!.trim());
    out.set(last, list);
  }
  return out;
}

/** The source repository among PKG-INFO's Project-URL entries and Home-page. */
export function pkgInfoRepository(h: Map<string, string[]>): string | undefined {
  const urls = (h.get('project-url') ?? []).map((v) => {
    const i = v.indexOf(',');
    return i < 0 ? { label: '', url: v.trim() } : { label: v.slice(0, i).trim(), url: v.slice(i + 1).trim() };
  });
  const pick =
    urls.find((u) => /^(source|source code|repository|code|git|github|gitlab)$/i.test(u.label)) ??
    urls.find((u) => /github\.com|gitlab\.|codeberg\.org|bitbucket\.org|sr\.ht/i.test(u.url));
  if (pick) return pick.url;
  const home = h.get('home-page')?.[0];
  if (home && home !== 'UNKNOWN') return home;
  return urls[0]?.url;
}

/** `[package]` name and version of a Cargo.toml (plain `key = "value"` lines). */
export function cargoPackage(text: string): { name?: string; version?: string } {
  const out: { name?: string; version?: string } = {};
  let inPackage = false;
  for (const line of text.split(/\r?\n/)) {
    const sec = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (sec) {
      inPackage = sec[1]!.trim() === 'package';
      continue;
    }
    if (!inPackage) continue;
    const kv = /^\s*(name|version)\s*=\s*"([^"]*)"/.exec(line);
    if (kv) out[kv[1] as 'name' | 'version'] = kv[2]!;
  }
  return out;
}

export function parseJson(buf: Buffer | undefined, path: string): unknown {
  if (!buf) return undefined;
  try {
    return JSON.parse(buf.toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    throw new DistdiffError('archive', path, 'is not valid JSON', 'the package metadata is corrupt; pass --profile none to compare without it');
  }
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
