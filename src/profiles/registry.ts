/**
 * Ecosystem profiles as a registry: each profile says how it is recognised from the archive's own content
 * (never from its file name), what its metadata says (name, version, repository, directory, commit), which
 * classifiers it adds before the generic ones, and which part of the repository and of the archive are
 * compared. `satisfies Record<ProfileId, Profile>` makes a profile without an entry a type error.
 *
 * Detection, in DETECTION_ORDER (the first that claims the archive wins; `none` otherwise):
 *   crate      <top>/.cargo_vcs_info.json or <top>/Cargo.toml.orig
 *   npm        the only top-level directory is package/ and it holds package.json
 *   wheel      a top-level *.dist-info/WHEEL
 *   pypi       <top>/PKG-INFO next to setup.py, setup.cfg or pyproject.toml
 *   cpan       <top>/META.json or META.yml next to Makefile.PL or Build.PL
 *   forge      a pax global header carrying a commit id (git archive, GitHub/GitLab source archives)
 *   autotools  <top>/configure next to configure.ac/configure.in
 */
import type { Classifier } from '../classify/types.js';
import type { ArchiveScan, TreeEntry } from '../core/types.js';
import { normaliseRepoUrl } from '../util/repo-url.js';
import { cpanClassifiers, cpanRepository, parseMetaJson, parseMetaYaml } from './cpan.js';
import { crateClassifiers } from './crate.js';
import { cargoPackage, MAX_METADATA, parseJson, parsePkgInfo, pkgInfoRepository, str, topDir, type ReadBlob } from './detect.js';
import { npmClassifiers } from './npm.js';
import { sdistClassifiers, sdistRoot, wheelClassifiers, wheelRoot, wheelTopLevel } from './pypi.js';
import type { NpmManifest, ProfileChoice, ProfileId, ProfileInfo } from './types.js';

/** What detection sees: the top directory, which marker files exist under it, whether a wheel's WHEEL does. */
export interface DetectContext {
  prefix: string;
  /** Whether `<prefix>/<name>` is a regular file (only for the names in MARKERS). */
  at(name: string): boolean;
  wheel: boolean;
  paxCommit?: string;
}

/** Reading a profile's metadata: files under the archive's top directory, by relative path. */
export interface MetadataContext {
  fileAt(rel: string): TreeEntry | undefined;
  /** Every regular file (built on first use). */
  files(): Iterable<TreeEntry>;
  load(e: TreeEntry | undefined): Promise<Buffer | undefined>;
}

export interface Profile {
  /** Claims the archive (detection); `none` never claims, it is the fallback. */
  detect(ctx: DetectContext): boolean;
  /** The top directory to report when detected (a wheel has none). */
  prefix?: (ctx: DetectContext) => string;
  /** Fills name, version, repository, directory, commit … from the archive's metadata. */
  readMetadata?(info: ProfileInfo, ctx: MetadataContext): Promise<void>;
  /** Classifiers that run before the generic registry. */
  classifiers(info: ProfileInfo): Classifier[];
  /** The repository subdirectory compared ('' = the whole tree). */
  pathInRepo(info: ProfileInfo, entries: readonly TreeEntry[], gitPaths: () => Iterable<string>, gitOid?: (path: string) => string | undefined): string;
  /** Prefix stripping for the archive side (undefined: detect). */
  stripPrefix?: string;
}

const none = (): Classifier[] => [];
const wholeRepo = () => '';
const metadataDirectory = (info: ProfileInfo) => info.directory ?? '';

export const PROFILES = {
  crate: {
    detect: (c) => c.prefix !== '' && (c.at('.cargo_vcs_info.json') || c.at('Cargo.toml.orig')),
    async readMetadata(info, m) {
      const e = m.fileAt('.cargo_vcs_info.json');
      const v = parseJson(await m.load(e), e?.path ?? '.cargo_vcs_info.json') as Record<string, unknown> | undefined;
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
      const toml = (await m.load(m.fileAt('Cargo.toml.orig') ?? m.fileAt('Cargo.toml')))?.toString('utf8');
      if (toml) Object.assign(info, cargoPackage(toml));
    },
    classifiers: () => crateClassifiers(),
    pathInRepo: metadataDirectory,
  },
  npm: {
    detect: (c) => c.prefix === 'package' && c.at('package.json'),
    async readMetadata(info, m) {
      const e = m.fileAt('package.json');
      const man = parseJson(await m.load(e), e?.path ?? 'package.json');
      if (!man || typeof man !== 'object' || Array.isArray(man)) return;
      const manifest = man as NpmManifest;
      info.manifest = manifest;
      info.name = str(manifest.name);
      info.version = str(manifest.version);
      const repo = manifest.repository;
      if (typeof repo === 'string') info.repository = normaliseRepoUrl(repo);
      else if (repo && typeof repo === 'object') {
        const r = repo as Record<string, unknown>;
        if (str(r.url)) info.repository = normaliseRepoUrl(str(r.url)!);
        if (str(r.directory)) info.directory = str(r.directory);
      }
      if (str(manifest.gitHead)) {
        info.commit = str(manifest.gitHead)!.toLowerCase();
        info.commitSource = 'npm-githead';
        info.commitPath = 'package.json';
      }
    },
    classifiers: (info) => npmClassifiers(info),
    pathInRepo: metadataDirectory,
  },
  wheel: {
    detect: (c) => c.wheel,
    prefix: () => '',
    async readMetadata(info, m) {
      let meta: TreeEntry | undefined;
      for (const f of m.files()) if (/^[^/]+\.dist-info\/METADATA$/.test(f.path)) meta = meta ?? f;
      await readPkgInfo(info, await m.load(meta));
    },
    classifiers: () => wheelClassifiers(),
    pathInRepo: (_info, entries, gitPaths) => wheelRoot(wheelTopLevel(entries), gitPaths()) ?? '',
    stripPrefix: '',
  },
  pypi: {
    detect: (c) => c.at('PKG-INFO') && (c.at('setup.py') || c.at('setup.cfg') || c.at('pyproject.toml')),
    async readMetadata(info, m) {
      await readPkgInfo(info, await m.load(m.fileAt('PKG-INFO')));
    },
    classifiers: () => sdistClassifiers(),
    pathInRepo: (info, entries, gitPaths, gitOid) => (gitOid ? sdistRoot(info.prefix, entries, gitPaths(), gitOid) : ''),
  },
  cpan: {
    detect: (c) => (c.at('META.json') || c.at('META.yml')) && (c.at('Makefile.PL') || c.at('Build.PL')),
    async readMetadata(info, m) {
      const json = await m.load(m.fileAt('META.json'));
      const meta = json && !json.includes(0) ? parseMetaJson(json.toString('utf8')) : undefined;
      const yml = meta ? undefined : await m.load(m.fileAt('META.yml'));
      const got = meta ?? (yml && !yml.includes(0) ? parseMetaYaml(yml.toString('utf8')) : undefined);
      if (got?.name) info.name = got.name;
      if (got?.version) info.version = got.version;
      const repo = json ? cpanRepository(json.toString('utf8')) : undefined;
      if (repo) info.repository = normaliseRepoUrl(repo);
    },
    classifiers: (info) => cpanClassifiers(info),
    pathInRepo: wholeRepo,
  },
  forge: {
    detect: (c) => c.paxCommit !== undefined,
    classifiers: none,
    pathInRepo: wholeRepo,
  },
  autotools: {
    detect: (c) => c.at('configure') && (c.at('configure.ac') || c.at('configure.in')),
    classifiers: none,
    pathInRepo: wholeRepo,
  },
  none: {
    detect: () => false,
    classifiers: none,
    pathInRepo: wholeRepo,
  },
} satisfies Record<ProfileId, Profile>;

/** The order detection tries the profiles in (the first that claims the archive wins; `none` otherwise). */
export const DETECTION_ORDER = ['crate', 'npm', 'wheel', 'pypi', 'cpan', 'forge', 'autotools'] as const satisfies readonly ProfileId[];

/** The profile's registry entry. */
export function profileOf(id: ProfileId): Profile {
  return PROFILES[id];
}

async function readPkgInfo(info: ProfileInfo, buf: Buffer | undefined): Promise<void> {
  const text = buf?.toString('utf8');
  if (!text) return;
  const h = parsePkgInfo(text);
  info.name = h.get('name')?.[0];
  info.version = h.get('version')?.[0];
  info.repository = pkgInfoRepository(h);
}

/** Names detection looks for directly under the top directory. */
const MARKERS = ['.cargo_vcs_info.json', 'Cargo.toml.orig', 'package.json', 'PKG-INFO', 'setup.py', 'setup.cfg', 'pyproject.toml', 'META.json', 'META.yml', 'Makefile.PL', 'Build.PL', 'configure', 'configure.ac', 'configure.in'];

function detectContext(scan: Pick<ArchiveScan, 'entries' | 'paxCommit'>): DetectContext {
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
  return { prefix, at: (p) => present.has(prefix ? `${prefix}/${p}` : p), wheel, ...(scan.paxCommit ? { paxCommit: scan.paxCommit } : {}) };
}

export function detectProfileId(scan: Pick<ArchiveScan, 'entries' | 'paxCommit'>): { id: ProfileId; prefix: string } {
  const ctx = detectContext(scan);
  for (const id of DETECTION_ORDER) {
    const p: Profile = PROFILES[id];
    if (p.detect(ctx)) return { id, prefix: p.prefix ? p.prefix(ctx) : ctx.prefix };
  }
  return { id: 'none', prefix: ctx.prefix };
}

/**
 * Detect (or take) the profile and read its metadata. `choice` 'auto' detects; any other value is used as
 * given (its metadata is still read when present).
 */
export async function readProfile(scan: Pick<ArchiveScan, 'entries' | 'paxCommit'>, choice: ProfileChoice, read: ReadBlob): Promise<ProfileInfo> {
  const d = detectProfileId(scan);
  const id = choice === 'auto' ? d.id : choice;
  const info: ProfileInfo = { id, detected: choice === 'auto', prefix: d.prefix };
  let files: Map<string, TreeEntry> | undefined; // built on first use: most profiles read no metadata file
  const fileMap = () => {
    if (!files) {
      files = new Map();
      for (const e of scan.entries) if (e.type === 'file') files.set(e.path, e);
    }
    return files;
  };
  const p: Profile = PROFILES[id];
  await p.readMetadata?.(info, {
    fileAt: (rel) => fileMap().get(info.prefix ? `${info.prefix}/${rel}` : rel),
    files: () => fileMap().values(),
    load: async (e) => (e?.oid && e.size <= MAX_METADATA ? read(e.oid) : undefined),
  });
  return info;
}
