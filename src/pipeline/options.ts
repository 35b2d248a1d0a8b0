/**
 * Stage 0 of verify(): the options a caller passes, checked before anything is read or downloaded.
 * Library callers get the same DistdiffErrors (exit 2 in the CLI) as the command line; errors name the
 * option by its command-line spelling, which the README documents.
 */
import type { RegenerateMode } from '../regenerate/types.js';
import type { SubmoduleRequest } from '../acquire/submodule.js';
import { checkAuthOptions } from '../acquire/authenticity.js';
import type { DownloadProgress } from '../acquire/download.js';
import type { Policy } from '../classify/policy.js';
import type { PrecheckAudit } from '../classify/index.js';
import { DistdiffError } from '../core/errors.js';
import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import { SEVERITIES, type Severity } from '../core/types.js';
import { PROFILE_CHOICES, type ProfileChoice } from '../profiles/types.js';

export interface VerifyOptions {
  /** Path, directory or http(s) URL of the release archive, or `npm:NAME@VERSION`. */
  tarball: string;
  /**
   * Path, bundle or URL of the git repository. Required: a repository named by the archive's own metadata
   * (npm `repository`, PyPI Project-URL) is chosen by whoever published the archive, so it is only suggested.
   */
  repo?: string;
  tag?: string;
  commit?: string;
  /** Prefix to strip ('' = none); undefined = detect. */
  stripPrefix?: string;
  /** Expected sha256 of the archive bytes. */
  sha256?: string;
  allowHttp?: boolean;
  /** Detached OpenPGP signature (.sig/.asc) of the archive: path or URL. Needs `keyring`. */
  signature?: string;
  /** OpenPGP public keys (binary or armored export) for `signature` and `verifyTag`. */
  keyring?: string;
  /** Verify the compared annotated tag's signature with `keyring`. */
  verifyTag?: boolean;
  /** SHA256SUMS-style file (path or URL) holding the archive's sha256. */
  checksums?: string;
  /** Where clones and downloads are cached (must exist or be creatable by the caller). */
  cacheDir: string;
  limits?: Partial<Limits>;
  policy?: Policy;
  /** Lowest severity that makes the verdict `different` (default: the policy's failOn, else high). */
  failOn?: Severity;
  progress?: (p: DownloadProgress) => void;
  /** Ecosystem profile; 'auto' (default) detects it from the archive's content. */
  profile?: ProfileChoice;
  /** npm: the commit the package was published from (overrides package.json / registry gitHead). */
  gitHead?: string;
  /** Registry base for `npm:NAME@VERSION` inputs (default https://registry.npmjs.org). */
  npmRegistry?: string;
  /** Extra trusted CA certificate(s) (PEM) for https downloads of npm: inputs (tests, private registries). */
  npmCa?: string | Buffer | Array<string | Buffer>;
  /** Regenerate autotools outputs in the sandbox: 'auto' (default: when the sandbox and tool versions are available), 'off', 'require' (absence is an error). */
  regenerate?: RegenerateMode;
  /** Accept unproved build outputs (UNPROVED_BUILD_OUTPUTS): kept in the report at info, `allowed` by '--accept-unproved' (README "What is proved"). */
  acceptUnproved?: boolean;
  /**
   * Repositories of submodules the revision pins (`--submodule NAME=REPO`; NAME as in .gitmodules, or the path).
   * Without one, the URL .gitmodules records is cloned into the cache (remote URLs only).
   */
  submodules?: SubmoduleRequest[];
  /**
   * A debugging check (README "Performance", the pre-check audit): classify() also runs where a classifier's
   * pre-check says no, and every such call that decides or throws is recorded here (`newPrecheckAudit()`). The
   * result is that of a normal run; the run costs more (every classifier on every difference).
   */
  auditPrechecks?: PrecheckAudit;
}

/** The options after checking: every limit set, the gate decided. */
export interface Settings {
  limits: Limits;
  failOn: Severity;
}

/** Command-line spelling of each limit, for error messages. */
const LIMIT_FLAGS: Record<keyof Limits, string> = {
  maxDownload: '--max-download',
  maxUncompressed: '--max-uncompressed',
  maxRatio: '--max-ratio',
  maxEntries: '--max-entries',
  maxPathLength: '--max-path-length',
  maxRetainFile: 'maxRetainFile',
  maxRetainTotal: 'maxRetainTotal',
  timeoutMs: '--timeout',
  minRate: '--min-rate',
  decoderTimeoutMs: '--decoder-timeout',
};

const usage = (input: string, problem: string, hint: string) => new DistdiffError('usage', input, problem, hint);

/** Throws a usage DistdiffError for an option no run could use; returns the settled limits and gate. */
export function checkOptions(opts: VerifyOptions): Settings {
  if (typeof opts.tarball !== 'string' || opts.tarball === '') throw usage('tarball', 'no release archive given', 'pass the archive path, directory, URL or npm:NAME@VERSION');
  if (typeof opts.cacheDir !== 'string' || opts.cacheDir === '') throw usage('cacheDir', 'no cache directory given', 'pass a directory for clones and downloads');
  if (opts.sha256 !== undefined && !/^[0-9a-f]{64}$/i.test(opts.sha256)) {
    throw usage(`--sha256 ${opts.sha256}`, 'not a sha256 digest', 'give 64 hexadecimal digits');
  }
  if (opts.gitHead !== undefined && !/^([0-9a-f]{40}|[0-9a-f]{64})$/i.test(opts.gitHead)) {
    throw usage(`--git-head ${opts.gitHead}`, 'not a full commit id', 'give the 40 (or 64) hexadecimal digits of the commit');
  }
  if (opts.failOn !== undefined && !SEVERITIES.includes(opts.failOn)) {
    throw usage(`--fail-on ${String(opts.failOn)}`, 'not a severity', `use one of ${SEVERITIES.join(', ')}`);
  }
  if (opts.profile !== undefined && !PROFILE_CHOICES.includes(opts.profile)) {
    throw usage(`--profile ${String(opts.profile)}`, 'not a profile', `use one of ${PROFILE_CHOICES.join(', ')}`);
  }
  const limits: Limits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(opts.limits ?? {}) as [keyof Limits, number | undefined][]) {
    if (value === undefined) continue;
    if (!(key in LIMIT_FLAGS)) throw usage(`limits.${key}`, 'not a limit', `use one of ${Object.keys(LIMIT_FLAGS).join(', ')}`);
    // Keeping no content at all is a valid choice (diffs become hash-only); every other limit must let something through.
    // (--min-rate 0: no minimum download rate.)
    const min = key === 'maxRetainFile' || key === 'maxRetainTotal' || key === 'minRate' ? 0 : Number.MIN_VALUE;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
      throw usage(`${LIMIT_FLAGS[key]} ${String((key === 'timeoutMs' || key === 'decoderTimeoutMs') && typeof value === 'number' ? value / 1000 : value)}`, min === 0 ? 'not a number ≥ 0' : 'not a positive number', 'give a positive limit (see README "Limits")');
    }
    limits[key] = value;
  }
  checkAuthOptions(opts);
  return { limits, failOn: opts.failOn ?? opts.policy?.failOn ?? 'high' };
}
