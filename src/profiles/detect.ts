/**
 * Profile detection from the archive's own content (never from its file name):
 *
 *   crate      <top>/.cargo_vcs_info.json or <top>/Cargo.toml.orig
 *   npm        the only top-level directory is package/ and it holds package.json
 *   wheel      a top-level *.dist-info/WHEEL
 *   pypi       <top>/PKG-INFO next to setup.py, setup.cfg or pyproject.toml
 *   forge      a pax global header carrying a commit id (git archive, GitHub/GitLab source archives)
 *   autotools  <top>/configure next to configure.ac/configure.in
 *   none       anything else
 *
 * Then the profile's metadata file is read for the name, version, repository, directory and commit.
 */
import { detectPrefix } from '../compare/compare.js';
import { DistdiffError } from '../core/errors.js';
import type { ArchiveScan, TreeEntry } from '../core/types.js';
import type { NpmManifest, ProfileChoice, ProfileId, ProfileInfo } from './types.js';

/** Content of an archive file by blob id (retained by the scan, or read from the repository). */
export type ReadBlob = (oid: string) => Promise<Buffer | undefined>;

const MAX_METADATA = 1024 * 1024;

/** The single top-level directory of the entries, '' when there is none (compare's rule, without git). */
export function topDir(entries: readonly TreeEntry[]): string {
  return detectPrefix(entries);
}

function fileMap(entries: readonly TreeEntry[]): Map<string, TreeEntry> {
  const m = new Map<string, TreeEntry>();
  for (const e of entries) if (e.type === 'file') m.set(e.path, e);
  return m;
}

/** Names detection looks for directly under the top directory. */
const MARKERS = ['.cargo_vcs_info.json', 'Cargo.toml.orig', 'package.json', 'PKG-INFO', 'setup.py', 'setup.cfg', 'pyproject.toml', 'configure', 'configure.ac', 'configure.in'];

export function detectProfileId(scan: Pick<ArchiveScan, 'entries' | 'paxCommit'>): { id: ProfileId; prefix: string } {
  const prefix = topDir(scan.entries);
  // One pass over the regular files: which marker paths exist, and whether a top-level *.dist-info/WHEEL does.
  const markers = new Set(MARKERS.map((m) => (prefix ? `${prefix}/${m}` : m)));
  const present = new Set<string>();
  let wheel = false;
  for (const e of scan.entries) {
    if (e.type !== 'file') continue;
    if (markers.has(e.path)) present.add(e.path);
    if (!wheel && e.path.endsWith('.dist-info/WHEEL') && /^[^/]+\.dist-info\/WHEEL$/.test(e.path)) wheel = true;
  }
  const at = (p: string) => present.has(prefix ? `${prefix}/${p}` : p);
  if (prefix && (at('.cargo_vcs_info.json') || at('Cargo.toml.orig'))) return { id: 'crate', prefix };
  if (prefix === 'package' && at('package.json')) return { id: 'npm', prefix };
  if (wheel) return { id: 'wheel', prefix: '' };
  if (at('PKG-INFO') && (at('setup.py') || at('setup.cfg') || at('pyproject.toml'))) return { id: 'pypi', prefix };
  if (scan.paxCommit) return { id: 'forge', prefix };
  if (at('configure') && (at('configure.ac') || at('configure.in'))) return { id: 'autotools', prefix };
  return { id: 'none', prefix };
}

/** Repository URL as written in package.json / PKG-INFO, made usable: `github:a/b` and `a/b` shorthands, `git+https://`. */
export function normaliseRepoUrl(url: string): string {
  let u = url.trim();
  const short = /^(github|gitlab|bitbucket):([\w.-]+\/[\w.-]+)$/.exec(u);
  if (short) return `https://${short[1]}.${short[1] === 'bitbucket' ? 'org' : 'com'}/${short[2]}.git`;
  if (/^[\w.-]+\/[\w.-]+$/.test(u)) return `https://github.com/${u}.git`;
  u = u.replace(/^git\+/, '');
  return u;
}

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

function parseJson(buf: Buffer | undefined, path: string): unknown {
  if (!buf) return undefined;
  try {
    return JSON.parse(buf.toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    throw new DistdiffError('archive', path, 'is not valid JSON', 'the package metadata is corrupt; pass --profile none to compare without it');
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Detect (or take) the profile and read its metadata. `choice` 'auto' detects; any other value is used as
 * given (its metadata is still read when present).
 */
export async function readProfile(scan: Pick<ArchiveScan, 'entries' | 'paxCommit'>, choice: ProfileChoice, read: ReadBlob): Promise<ProfileInfo> {
  const d = detectProfileId(scan);
  const id = choice === 'auto' ? d.id : choice;
  const info: ProfileInfo = { id, detected: choice === 'auto', prefix: d.prefix };
  let files: Map<string, TreeEntry> | undefined; // built on first use: most profiles read no metadata file
  const fileAt = (rel: string) => (files ??= fileMap(scan.entries)).get(info.prefix ? `${info.prefix}/${rel}` : rel);
  const load = async (e: TreeEntry | undefined) => (e?.oid && e.size <= MAX_METADATA ? read(e.oid) : undefined);

  if (id === 'npm') {
    const e = fileAt('package.json');
    const m = parseJson(await load(e), e?.path ?? 'package.json');
    if (m && typeof m === 'object' && !Array.isArray(m)) {
      const man = m as NpmManifest;
      info.manifest = man;
      info.name = str(man.name);
      info.version = str(man.version);
      const repo = man.repository;
      if (typeof repo === 'string') info.repository = normaliseRepoUrl(repo);
      else if (repo && typeof repo === 'object') {
        const r = repo as Record<string, unknown>;
        if (str(r.url)) info.repository = normaliseRepoUrl(str(r.url)!);
        if (str(r.directory)) info.directory = str(r.directory);
      }
      if (str(man.gitHead)) {
        info.commit = str(man.gitHead)!.toLowerCase();
        info.commitSource = 'npm-githead';
        info.commitPath = 'package.json';
      }
    }
  } else if (id === 'crate') {
    const e = fileAt('.cargo_vcs_info.json');
    const v = parseJson(await load(e), e?.path ?? '.cargo_vcs_info.json') as Record<string, unknown> | undefined;
    if (v && typeof v === 'object') {
      const g = v.git as Record<string, unknown> | undefined;
      if (g && str(g.sha1)) {
        info.commit = str(g.sha1)!.toLowerCase();
        info.commitSource = 'cargo-vcs-info';
        info.commitPath = '.cargo_vcs_info.json';
      }
      if (g && g.dirty === true) info.dirty = true;
      if (str(v.path_in_vcs)) info.directory = str(v.path_in_vcs);
    }
    const toml = (await load(fileAt('Cargo.toml.orig') ?? fileAt('Cargo.toml')))?.toString('utf8');
    if (toml) Object.assign(info, cargoPackage(toml));
  } else if (id === 'pypi' || id === 'wheel') {
    const e = id === 'pypi' ? fileAt('PKG-INFO') : [...(files ??= fileMap(scan.entries)).values()].find((f) => /^[^/]+\.dist-info\/METADATA$/.test(f.path));
    const text = (await load(e))?.toString('utf8');
    if (text) {
      const h = parsePkgInfo(text);
      info.name = h.get('name')?.[0];
      info.version = h.get('version')?.[0];
      info.repository = pkgInfoRepository(h);
    }
  }
  return info;
}
