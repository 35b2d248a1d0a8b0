/**
 * PyPI profiles.
 *
 * sdist (setuptools, `python -m build --sdist`): `PKG-INFO`, `*.egg-info/*` and an `[egg_info]` section
 * written into setup.cfg are expected (PACKAGE_METADATA) — metadata naming a dependency no tracked build file
 * declares is not (undeclaredRequirements). A `.py` that git does not have is high (it is
 * importable code); a changed `.py` is already SOURCE_MODIFIED (high) from the fallback.
 *
 * wheel (a zip of the importable package plus `*.dist-info/`): compared with the directory of the repository
 * that holds the packages (`src/` layout or the root, see `wheelRoot`); `*.dist-info/*` is expected and
 * everything in git outside the packaged modules is NOT_PACKAGED.
 */
import type { Finding } from '../core/findings.js';
import { makeFinding } from '../core/severity.js';
import type { PathDiff, TreeEntry } from '../core/types.js';
import type { Classifier, ClassifyContext } from '../classify/types.js';
import { scmVersionFile } from './pypi-version-file.js';
import { sourceUrls, urlHosts, wholeUrls } from '../classify/urls.js';
import { baseOf } from '../classify/paths.js';

/**
 * The files of an `X.egg-info/` directory: only those setuptools' egg_info writers (and pbr's, and bdist_egg's zip-safe
 * flags) produce. Red team 15: any name there was PACKAGE_METADATA info — markupsafe 2.1.2 gaining
 * src/MarkupSafe.egg-info/payload.bin (the xz payload's shape) was exit 0.
 */
const EGG_INFO =
  /(?:^|\/)[^/]+\.egg-info\/(?:PKG-INFO|SOURCES\.txt|dependency_links\.txt|requires\.txt|top_level\.txt|entry_points\.txt|namespace_packages\.txt|eager_resources\.txt|native_libs\.txt|depends\.txt|not-zip-safe|zip-safe|pbr\.json)$/;
const DIST_INFO = /^[^/]+\.dist-info\/[^/]+$/;
const EGG_INFO_KEYS = new Set(['tag_build', 'tag_date', 'tag_svn_revision']);

/** A plain INI reading: section → key → value, comments and blank lines dropped, keys lower-cased. */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let cur: Map<string, string> | undefined;
  let lastKey: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*([#;]|$)/.test(raw)) continue;
    const sec = /^\[([^\]]+)\]\s*$/.exec(raw);
    if (sec) {
      cur = out.get(sec[1]!.trim()) ?? new Map();
      out.set(sec[1]!.trim(), cur);
      lastKey = undefined;
      continue;
    }
    if (/^\s/.test(raw) && cur && lastKey) {
      cur.set(lastKey, `${cur.get(lastKey)}\n${raw.trim()}`);
      continue;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw);
    if (kv && cur) {
      lastKey = kv[1]!.trim().toLowerCase();
      cur.set(lastKey, kv[2]!.trim());
    }
  }
  return out;
}

/** setup.cfg equal to git's apart from an added `[egg_info]` section (tag_build/tag_date only). */
export function onlyEggInfoAdded(gitText: string | undefined, tarText: string): boolean {
  const g = parseIni(gitText ?? '');
  const t = parseIni(tarText);
  const egg = t.get('egg_info');
  if (!egg || [...egg.keys()].some((k) => !EGG_INFO_KEYS.has(k))) return false;
  if (g.has('egg_info')) return false;
  const names = [...t.keys()].filter((k) => k !== 'egg_info');
  if (names.length !== g.size) return false;
  for (const n of names) {
    const a = g.get(n);
    const b = t.get(n)!;
    if (!a || a.size !== b.size) return false;
    for (const [k, v] of b) if (a.get(k) !== v) return false;
  }
  return true;
}

function untrackedPython(diff: PathDiff): Finding | undefined {
  if (diff.status !== 'tarball-only' || diff.tarball?.type !== 'file' || !/\.pyw?$/.test(diff.path)) return undefined;
  const t = diff.tarball;
  return makeFinding('TARBALL_ONLY_UNEXPLAINED', diff.path, { size: t.size, ...(t.oid ? { oid: t.oid } : {}), buildAffecting: /(^|\/)setup\.py$/.test(diff.path) });
}

/** A distribution name as PEP 503 compares them: lower case, runs of `-`, `_`, `.` as one `-`. */
const normName = (n: string) => n.toLowerCase().replace(/[-_.]+/g, '-');
/** The tracked files a package's dependencies are declared in. */
const DEP_SOURCES = /(?:^|\/)(?:pyproject\.toml|setup\.cfg|setup\.py|requirements[\w.-]*\.(?:txt|in)|Pipfile)$/;

/**
 * The dependency names a metadata file declares that no tracked pyproject.toml, setup.cfg, setup.py or requirements
 * file names (red team 13: a `Requires-Dist:` added to an sdist's PKG-INFO — which installers such as uv read instead
 * of building, PEP 643 — or a line added to egg-info's requires.txt was PACKAGE_METADATA info). `PKG-INFO`: its
 * Requires-Dist lines; `requires.txt`: its requirement lines (not `[extra]` headers).
 */
export async function undeclaredRequirements(path: string, text: string, ctx: ClassifyContext): Promise<string[]> {
  const names = /(?:^|\/)PKG-INFO$/.test(path)
    ? [...text.split(/\r?\n\r?\n/)[0]!.matchAll(/^Requires-Dist:\s*([A-Za-z0-9][A-Za-z0-9._-]*)/gim)].map((m) => m[1]!)
    : /(?:^|\/)requires\.txt$/.test(path)
      ? text.split(/\r?\n/).map((l) => /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(l)?.[1]).filter((n): n is string => !!n)
      : [];
  if (!names.length) return [];
  let declared = '';
  for (const p of ctx.gitPaths) if (DEP_SOURCES.test(p)) declared += `\n${(await ctx.content.git(p))?.toString('utf8') ?? ''}`;
  const words = new Set([...declared.matchAll(/[A-Za-z0-9][A-Za-z0-9._-]*/g)].map((m) => normName(m[0])));
  return [...new Set(names.filter((n) => !words.has(normName(n))))];
}

/** The tracked files of the repository that declare a package's build (DEP_SOURCES), as one text. */
async function declaredText(ctx: ClassifyContext): Promise<string> {
  let declared = '';
  for (const p of ctx.gitPaths) if (DEP_SOURCES.test(p)) declared += `\n${(await ctx.content.git(p))?.toString('utf8') ?? ''}`;
  return declared;
}

/**
 * The entry points of an egg-info entry_points.txt whose object reference (`module.sub:attr`) no tracked
 * pyproject.toml, setup.cfg or setup.py spells out (red team 15: an added `[console_scripts] pip = …` line was
 * PACKAGE_METADATA info; installers make a command of it). setuptools copies the reference as declared.
 */
export async function undeclaredEntryPoints(text: string, ctx: ClassifyContext): Promise<string[]> {
  const refs = text
    .split(/\r?\n/)
    .filter((l) => l.trim() && !/^\s*(?:\[.*\]|[#;].*)\s*$/.test(l))
    .map((l) => /=\s*([^\s[]+)/.exec(l)?.[1] ?? l.trim());
  if (!refs.length) return [];
  const declared = await declaredText(ctx);
  return [...new Set(refs.filter((r) => !declared.includes(r)))];
}

/** The whole URLs the tracked build files, top-level files and READMEs spell out (what a backend copies into metadata). */
async function trackedUrls(ctx: ClassifyContext): Promise<Set<string>> {
  const out = new Set<string>();
  for (const p of ctx.gitPaths) {
    if (!DEP_SOURCES.test(p) && p.includes('/') && !/^README/i.test(baseOf(p))) continue;
    for (const u of sourceUrls(await trackedText(p, ctx))) out.add(u);
  }
  return out;
}

/** A tracked file's text, '' when binary or over 1 MiB. */
async function trackedText(path: string, ctx: ClassifyContext): Promise<string> {
  const b = await ctx.content.git(path);
  return !b || b.length > 1 << 20 || b.includes(0) ? '' : b.toString('utf8');
}

/** The URL hosts of every tracked text file (a description's links a backend writes: frozenlist's :pep: roles). */
async function trackedHosts(ctx: ClassifyContext): Promise<Set<string>> {
  const out = new Set<string>();
  for (const p of ctx.gitPaths) for (const h of urlHosts(await trackedText(p, ctx))) out.add(h);
  return out;
}

/** A version as compared here: lower case, a leading v, leading zeros and every separator dropped (PEP 440's normal form). */
const versionKey = (v: string) => v.trim().toLowerCase().replace(/^v/, '').replace(/(^|\D)0+(?=\d)/g, '$1').replace(/[-_.+\s]/g, '');

/**
 * Why an sdist's metadata file says what no tracked file does (red team 30: PKG-INFO's description gaining an install
 * line from another index, or its Source Code URL moved to another owner, egg-info's dependency_links.txt gaining an
 * index, top_level.txt naming sitecustomize, PKG-INFO another Version: all PACKAGE_METADATA info, exit 0), or
 * undefined. A backend copies the metadata from the tracked files: every URL of PKG-INFO's headers and of
 * dependency_links.txt is one a tracked build file, top-level file or README spells out whole; every URL of PKG-INFO's
 * description (the README, with what a tracked backend hook adds: lxml's computed download links, frozenlist's
 * expanded :pep: roles) is on a host a tracked file names; PKG-INFO's Version is the release's (when known); a
 * top_level.txt name is a package, module or extension the sdist ships.
 */
export async function sdistMetadataProblem(path: string, text: string, ctx: ClassifyContext): Promise<string | undefined> {
  const base = baseOf(path);
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (base === 'PKG-INFO' || base === 'dependency_links.txt') {
    const [head, ...body] = base === 'PKG-INFO' ? text.split(/\r?\n\r?\n/) : [text];
    if (base === 'dependency_links.txt') for (const l of lines) if (!wholeUrls(l).size) return `line ${l}`;
    const urls = wholeUrls(head!);
    const described = [...wholeUrls(body.join('\n\n'))];
    if (urls.size || described.length) {
      const known = await trackedUrls(ctx);
      for (const u of urls) if (!known.has(u)) return `URL ${u}`;
      const unknown = described.filter((u) => !known.has(u));
      if (unknown.length) {
        const hosts = await trackedHosts(ctx);
        for (const u of unknown) if (![...urlHosts(u)].every((h) => hosts.has(h))) return `URL ${u}`;
      }
    }
  }
  if (base === 'PKG-INFO' && ctx.revision.version) {
    const v = /^Version:[ \t]*(\S+)/m.exec(text.split(/\r?\n\r?\n/)[0]!)?.[1];
    if (v !== undefined && versionKey(v) !== versionKey(ctx.revision.version)) return `Version ${v}`;
  }
  if (base === 'top_level.txt') {
    for (const name of lines) {
      const shipped = [...ctx.tarballPaths].some((p) => p.startsWith(`${name}/`) || p.includes(`/${name}/`) || new RegExp(`(?:^|/)${name.replace(/[^\w]/g, '\\$&')}\\.[\\w.-]+$`).test(p));
      if (!shipped) return `top-level name ${name}`;
    }
  }
  return undefined;
}

async function sdistFinding(diff: PathDiff, ctx: ClassifyContext): Promise<Finding | undefined> {
  if (diff.status === 'tarball-only' && (diff.path === 'PKG-INFO' || EGG_INFO.test(diff.path))) {
    const bytes = ctx.content.tarball(diff.path);
    // metadata is text; a NUL byte is no metadata
    if (bytes?.includes(0)) return undefined;
    const text = bytes?.toString('utf8');
    if (text !== undefined && (await undeclaredRequirements(diff.path, text, ctx)).length) return undefined;
    if (text !== undefined && /\/entry_points\.txt$/.test(diff.path) && (await undeclaredEntryPoints(text, ctx)).length) return undefined;
    if (text !== undefined && (await sdistMetadataProblem(diff.path, text, ctx)) !== undefined) return undefined;
    return makeFinding('PACKAGE_METADATA', diff.path, { ecosystem: 'pypi', kind: diff.path === 'PKG-INFO' ? 'pkg-info' : 'egg-info' });
  }
  if (diff.path === 'setup.cfg' && (diff.status === 'tarball-only' || (diff.status === 'changed' && diff.changes?.length === 1 && diff.changes[0] === 'content'))) {
    const tar = ctx.content.tarball(diff.path);
    if (!tar) return undefined;
    const git = diff.status === 'changed' ? await ctx.content.git(diff.path) : undefined;
    if (diff.status === 'changed' && !git) return undefined;
    if (onlyEggInfoAdded(git?.toString('utf8'), tar.toString('utf8'))) {
      return makeFinding('PACKAGE_METADATA', diff.path, { ecosystem: 'pypi', kind: 'setup-cfg-egg-info' });
    }
    return undefined;
  }
  return (await scmVersionFile(diff, ctx)) ?? untrackedPython(diff);
}

function wheelFinding(diff: PathDiff): Finding | undefined {
  if (diff.status === 'tarball-only' && DIST_INFO.test(diff.path)) return makeFinding('PACKAGE_METADATA', diff.path, { ecosystem: 'wheel', kind: 'dist-info' });
  if (diff.status === 'git-only') return makeFinding('NOT_PACKAGED', diff.path, { ecosystem: 'wheel', reason: 'outside-package' });
  return untrackedPython(diff);
}

export function sdistClassifiers(): Classifier[] {
  return [{ id: 'pypi-sdist', classify: sdistFinding }];
}

export function wheelClassifiers(): Classifier[] {
  return [{ id: 'pypi-wheel', classify: wheelFinding }];
}

/** The importable top-level names a wheel carries (packages and single modules), without metadata dirs. */
export function wheelTopLevel(entries: readonly TreeEntry[]): string[] {
  const tops = new Set<string>();
  for (const e of entries) {
    if (e.type !== 'file') continue;
    const [head, ...rest] = e.path.split('/');
    if (!head || /\.(dist-info|data)$/.test(head)) continue;
    if (rest.length === 0) {
      if (/\.pyw?$/.test(head)) tops.add(head);
    } else tops.add(head);
  }
  return [...tops].sort();
}

/**
 * The repository directory an sdist was built from, when it is not the top (a monorepo's backend/, python/, a
 * package of a workspace): the sdist's build definition — pyproject.toml, else setup.py — is kept byte for byte
 * by every backend (hatchling, flit, setuptools, poetry-core, maturin), so the one directory of the revision
 * holding a byte-identical copy (the same blob id) is where it was built. '' (the whole repository) when the top
 * has that file unchanged, when no directory or several directories hold it, or when the sdist has neither file.
 * `entries` are the archive's (under `prefix`); `gitOid` gives the revision's blob id of a path.
 */
export function sdistRoot(prefix: string, entries: readonly TreeEntry[], gitPaths: Iterable<string>, gitOid: (path: string) => string | undefined): string {
  const at = (name: string) => entries.find((e) => e.type === 'file' && e.path === (prefix ? `${prefix}/${name}` : name));
  const anchor = ['pyproject.toml', 'setup.py'].map((name) => ({ name, e: at(name) })).find((a) => a.e?.oid);
  if (!anchor) return '';
  const oid = anchor.e!.oid!;
  if (gitOid(anchor.name) === oid) return '';
  const dirs: string[] = [];
  for (const p of gitPaths) {
    if (!p.endsWith(`/${anchor.name}`) || gitOid(p) !== oid) continue;
    dirs.push(p.slice(0, -anchor.name.length - 1));
  }
  return dirs.length === 1 ? dirs[0]! : '';
}

/**
 * The repository directory a wheel's packages live in: '' (flat layout), 'src' (src layout) or any other
 * directory holding every top-level package; undefined when none does.
 */
export function wheelRoot(tops: readonly string[], gitPaths: Iterable<string>): string | undefined {
  if (tops.length === 0) return undefined;
  const counts = new Map<string, Set<string>>();
  for (const p of gitPaths) {
    for (const top of tops) {
      let base: string | undefined;
      if (p === top || p.endsWith(`/${top}`)) base = p.slice(0, p.length - top.length);
      else {
        const i = p.indexOf(`${top}/`);
        if (i === 0 || (i > 0 && p[i - 1] === '/')) base = p.slice(0, i);
      }
      if (base === undefined) continue;
      const dir = base.replace(/\/$/, '');
      const set = counts.get(dir) ?? new Set();
      set.add(top);
      counts.set(dir, set);
    }
  }
  const full = [...counts].filter(([, s]) => s.size === tops.length).map(([d]) => d);
  if (full.length === 0) return undefined;
  // The shallowest directory wins ('' before 'src' before 'a/b').
  full.sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a.split('/').length - b.split('/').length || a.localeCompare(b)));
  return full[0];
}
