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
  // Measured (README "Limits"): the worst case, every entry a tarball-only file reported in JSON, peaked at
  // 4.5 GB for 2,000,000 entries when the default was 250,000; with compact storage, the streamed report
  // and the CLI's heap watch it is 1.04 GB for 2,000,000 and 0.62 GB for 1,000,000, the default.
  maxEntries: 1_000_000,
  maxPathLength: 4096,
  maxRetainFile: 8 * MiB,
  maxRetainTotal: 128 * MiB,
  timeoutMs: 30_000,
  minRate: 1024,
  decoderTimeoutMs: 120_000,
};
