/**
 * Stage 5 of verify(): what must hold before anything is compared. An archive with no files is an error
 * (every tracked file would be a low "git-only" finding, which must not pass as a clean result); a pinned
 * sha256 (--sha256 or --checksums) must match the bytes read.
 */
import { DistdiffError } from '../core/errors.js';
import type { Note } from '../core/result.js';
import type { ScanResult } from '../scan/archive.js';
import type { Inputs } from './acquire.js';
import type { VerifyOptions } from './options.js';

export interface Pinned {
  /** sha256 of the archive bytes (not for directories). */
  sha256?: string;
  notes: Note[];
}

export function checkPins(opts: Pick<VerifyOptions, 'tarball' | 'sha256'>, inputs: Inputs, scan: ScanResult): Pinned {
  if (!scan.entries.some((e) => e.type !== 'directory')) {
    throw new DistdiffError('archive', opts.tarball, 'the archive contains no files', 'nothing to compare; check that this is the release archive');
  }
  const notes: Note[] = [];
  const sha256 = inputs.archive.sha256 ?? scan.sha256;
  const { pin, checksums } = inputs;
  if (pin) {
    if (!sha256 || sha256.toLowerCase() !== pin.toLowerCase()) {
      throw new DistdiffError(
        'checksum',
        opts.tarball,
        `sha256 is ${sha256 ?? 'unknown'}, expected ${pin.toLowerCase()}${!opts.sha256 && checksums ? ` (${checksums.source} line ${checksums.line})` : ''}`,
        'the file is not the one you pinned; do not use it',
      );
    }
    notes.push({ code: 'SHA256_VERIFIED', sha256 });
  }
  return { ...(sha256 ? { sha256 } : {}), notes };
}
