/**
 * `distdiff npm:NAME@VERSION`: the tarball of a published npm version, fetched through the registry's JSON
 * API with the project's own downloader. `<registry>/<name>` (the packument) gives
 * versions[VERSION].dist.tarball, dist.integrity (SRI, sha512) or dist.shasum (sha1), gitHead and repository.
 * The tarball is checked against the integrity value before anything reads it.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AcquiredArchive } from './archive-source.js';
import { download, type DownloadProgress } from './download.js';
import { DistdiffError } from '../core/errors.js';
import type { Limits } from '../core/limits.js';
import { normaliseRepoUrl } from '../util/repo-url.js';

export const DEFAULT_NPM_REGISTRY = 'https://registry.npmjs.org';

export interface NpmSpec {
  name: string;
  /** undefined: the `latest` dist-tag. */
  version?: string;
}

const NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/i;
const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+-]*$/;

export function isNpmSpec(input: string): boolean {
  return input.startsWith('npm:');
}

/** `npm:NAME@VERSION`, `npm:@scope/name@1.2.3`, `npm:NAME` (latest). */
export function parseNpmSpec(input: string): NpmSpec {
  const body = input.slice('npm:'.length);
  const at = body.lastIndexOf('@');
  const [name, version] = at > 0 ? [body.slice(0, at), body.slice(at + 1)] : [body, undefined];
  if (!NAME.test(name) || name.length > 214) {
    throw new DistdiffError('usage', input, 'not an npm package name', 'write npm:NAME@VERSION, e.g. npm:left-pad@1.3.0 or npm:@scope/pkg@2.0.0');
  }
  if (version !== undefined && !VERSION.test(version)) {
    throw new DistdiffError('usage', input, 'not an npm version', 'write npm:NAME@VERSION with an exact version, e.g. npm:left-pad@1.3.0');
  }
  return version === undefined ? { name } : { name, version };
}

export interface NpmRelease {
  name: string;
  version: string;
  tarball: string;
  integrity?: string;
  shasum?: string;
  gitHead?: string;
  repository?: string;
  directory?: string;
}

export interface NpmFetchOptions {
  registry?: string;
  cacheDir: string;
  limits: Pick<Limits, 'maxDownload' | 'timeoutMs'>;
  allowHttp?: boolean;
  progress?: (p: DownloadProgress) => void;
  ca?: string | Buffer | Array<string | Buffer>;
}

function packumentUrl(registry: string, name: string): string {
  const base = registry.replace(/\/+$/, '');
  const enc = name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name);
  return `${base}/${enc}`;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/** Read the packument and pick the version. */
export async function resolveNpmRelease(input: string, opts: NpmFetchOptions): Promise<NpmRelease> {
  const spec = parseNpmSpec(input);
  const url = packumentUrl(opts.registry ?? DEFAULT_NPM_REGISTRY, spec.name);
  const tmp = join(opts.cacheDir, 'downloads', `npm-packument-${process.pid}-${Date.now()}.json`);
  let doc: unknown;
  try {
    await download(url, tmp, { limits: opts.limits, allowHttp: opts.allowHttp, ca: opts.ca });
    try {
      doc = JSON.parse(await readFile(tmp, 'utf8'));
    } catch {
      throw new DistdiffError('download', url, 'the registry answer is not JSON', 'check --npm-registry');
    }
  } catch (e) {
    if (e instanceof DistdiffError && /HTTP 404/.test(e.message)) {
      throw new DistdiffError('not-found', input, `no package ${spec.name} in ${opts.registry ?? DEFAULT_NPM_REGISTRY}`, 'check the name and --npm-registry');
    }
    throw e;
  } finally {
    await rm(tmp, { force: true });
  }
  if (!isObj(doc) || !isObj(doc.versions)) throw new DistdiffError('download', url, 'the registry answer has no versions', 'check --npm-registry');
  const tags = isObj(doc['dist-tags']) ? doc['dist-tags'] : {};
  const version = spec.version ?? str(tags.latest);
  const v = version !== undefined ? doc.versions[version] : undefined;
  if (!version || !isObj(v)) {
    const known = Object.keys(doc.versions).slice(-8);
    throw new DistdiffError('not-found', input, `${spec.name} has no version ${version ?? '(latest)'}`, known.length ? `recent versions: ${known.join(', ')}` : 'the package has no versions');
  }
  const dist = isObj(v.dist) ? v.dist : {};
  const tarball = str(dist.tarball);
  if (!tarball || !/^https?:\/\//i.test(tarball)) throw new DistdiffError('download', url, `version ${version} has no tarball URL`, 'the registry metadata is incomplete');
  const rel: NpmRelease = { name: spec.name, version, tarball };
  if (str(dist.integrity)) rel.integrity = str(dist.integrity);
  if (str(dist.shasum)) rel.shasum = str(dist.shasum)!.toLowerCase();
  if (str(v.gitHead)) rel.gitHead = str(v.gitHead)!.toLowerCase();
  const repo = v.repository;
  if (typeof repo === 'string') rel.repository = normaliseRepoUrl(repo);
  else if (isObj(repo)) {
    if (str(repo.url)) rel.repository = normaliseRepoUrl(str(repo.url)!);
    if (str(repo.directory)) rel.directory = str(repo.directory);
  }
  return rel;
}

async function digestFile(path: string, algo: string): Promise<Buffer> {
  const h = createHash(algo);
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest();
}

/** Check a file against SRI integrity (`sha512-…`, several allowed) or a sha1 hex shasum. Returns what was verified. */
export async function checkIntegrity(path: string, integrity: string | undefined, shasum: string | undefined, input: string): Promise<string> {
  const sri = (integrity ?? '').split(/\s+/).map((s) => /^(sha512|sha384|sha256|sha1)-([A-Za-z0-9+/=]+)$/.exec(s)).filter((m): m is RegExpExecArray => m !== null);
  const rank = ['sha1', 'sha256', 'sha384', 'sha512'];
  sri.sort((a, b) => rank.indexOf(b[1]!) - rank.indexOf(a[1]!));
  if (sri.length > 0) {
    const algo = sri[0]![1]!;
    const got = (await digestFile(path, algo)).toString('base64');
    if (!sri.some((m) => m[1] === algo && m[2] === got)) {
      throw new DistdiffError('checksum', input, `${algo} integrity is ${algo}-${got}, the registry says ${sri.filter((m) => m[1] === algo).map((m) => m[0]).join(' ')}`, 'the tarball is not the published one; do not use it');
    }
    return `${algo}-${got}`;
  }
  if (shasum) {
    const got = (await digestFile(path, 'sha1')).toString('hex');
    if (got !== shasum) throw new DistdiffError('checksum', input, `sha1 is ${got}, the registry says ${shasum}`, 'the tarball is not the published one; do not use it');
    return `sha1 ${got}`;
  }
  throw new DistdiffError('download', input, 'the registry gives no integrity or shasum for this version', 'download the tarball yourself and pass --sha256');
}

export interface NpmAcquired {
  archive: AcquiredArchive;
  release: NpmRelease;
  /** The integrity value that was checked, e.g. `sha512-…`. */
  verified: string;
}

/** Resolve `npm:NAME@VERSION`, download its tarball into the cache and verify its integrity. */
export async function acquireNpm(input: string, opts: NpmFetchOptions): Promise<NpmAcquired> {
  const release = await resolveNpmRelease(input, opts);
  const key = createHash('sha256').update(release.tarball).digest('hex').slice(0, 16);
  const base = (new URL(release.tarball).pathname.split('/').pop() || 'package.tgz').replace(/[^A-Za-z0-9._-]+/g, '_');
  const dest = join(opts.cacheDir, 'downloads', `${key}-${base}`);
  const res = await download(release.tarball, dest, { limits: opts.limits, allowHttp: opts.allowHttp, progress: opts.progress, ca: opts.ca });
  let verified: string;
  try {
    verified = await checkIntegrity(dest, release.integrity, release.shasum, input);
  } catch (e) {
    await rm(dest, { force: true });
    throw e;
  }
  return {
    archive: { source: input, path: dest, isDirectory: false, downloaded: true, sha256: res.sha256, size: res.size, finalUrl: res.finalUrl },
    release,
    verified,
  };
}
