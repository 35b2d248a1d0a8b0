/** Resource limits, all overridable from the CLI. Defaults are documented in README "Security". */
export interface Limits {
  /** Largest download accepted, in bytes. */
  maxDownload: number;
  /** Largest total uncompressed size of the archive, in bytes. */
  maxUncompressed: number;
  /** Largest ratio uncompressed / compressed before the input is treated as a decompression bomb. */
  maxRatio: number;
  /** Most entries accepted in an archive. */
  maxEntries: number;
  /** Longest entry path accepted, in bytes. */
  maxPathLength: number;
  /** Largest single file whose content is kept in memory for diffs and classifiers. */
  maxRetainFile: number;
  /** Total budget of retained content, in bytes. */
  maxRetainTotal: number;
  /** Network timeout (no progress for this long), in milliseconds. */
  timeoutMs: number;
  /** Slowest download accepted, in bytes per second, measured over each `timeoutMs` window (0: no minimum). */
  minRate: number;
  /** A decompressor (xz, zstd, bzip2) that produces no output for this long is killed, in milliseconds. */
  decoderTimeoutMs: number;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export const DEFAULT_LIMITS: Limits = {
  maxDownload: 2 * GiB,
  maxUncompressed: 16 * GiB,
  maxRatio: 200,
  // Measured (README "Limits"): the worst case, every entry a tarball-only file reported in JSON, peaks at
  // 0.72-0.74 GB RSS for 250,000 entries; 300,000 reached 1.04 GB and 2,000,000 4.5 GB.
  maxEntries: 250_000,
  maxPathLength: 4096,
  maxRetainFile: 8 * MiB,
  maxRetainTotal: 128 * MiB,
  timeoutMs: 30_000,
  minRate: 1024,
  decoderTimeoutMs: 120_000,
};
