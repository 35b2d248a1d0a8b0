/**
 * Archive anomalies (found while streaming the archive or comparing names) as findings. Each anomaly
 * kind maps to exactly one code; evidence comes from the anomaly's `detail`, with the path itself as
 * the fallback where the detail lacks a field.
 */
import type { Finding } from '../core/findings.js';
import { makeFinding } from '../core/severity.js';
import type { AnomalyKind, ArchiveAnomaly, EntryType } from '../core/types.js';
import { controlCodepoints, invisibleCodepoints } from '../compare/invisible.js';

type Detail = NonNullable<ArchiveAnomaly['detail']>;

const str = (d: Detail, k: string, dflt = ''): string => (d[k] === undefined ? dflt : String(d[k]));
const num = (d: Detail, k: string, dflt = 0): number => {
  const v = d[k];
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : dflt;
};
const list = (d: Detail, k: string): string[] =>
  d[k] === undefined ? [] : String(d[k]).split(',').map((s) => s.trim()).filter(Boolean);

const ENTRY_TYPES: readonly EntryType[] = ['file', 'symlink', 'directory', 'submodule', 'hardlink', 'device', 'fifo', 'other'];
const entryType = (s: string, dflt: EntryType): EntryType => ((ENTRY_TYPES as readonly string[]).includes(s) ? (s as EntryType) : dflt);

export function anomalyFinding(a: ArchiveAnomaly): Finding {
  const d: Detail = a.detail ?? {};
  const p = a.path;
  const kind: AnomalyKind = a.kind;
  switch (kind) {
    case 'duplicate-path':
      return makeFinding('DUPLICATE_ENTRY', p, {
        count: num(d, 'count', 2),
        types: list(d, 'types').map((t) => entryType(t, 'other')),
        sameContent: d.sameContent === true,
      });
    case 'absolute-path':
      return makeFinding('UNSAFE_PATH', p, { raw: str(d, 'raw', p), reason: 'absolute' });
    case 'dotdot-path':
      return makeFinding('UNSAFE_PATH', p, { raw: str(d, 'raw', p), reason: 'dotdot' });
    case 'hardlink':
      return makeFinding('HARDLINK_ENTRY', p, { target: str(d, 'target') });
    case 'special-file':
      return makeFinding('SPECIAL_FILE', p, { type: entryType(str(d, 'type'), 'other') });
    case 'non-utf8-name':
      return makeFinding('NON_UTF8_NAME', p, { raw: str(d, 'raw', p) });
    case 'link-escapes-tree':
      return makeFinding('LINK_ESCAPES_TREE', p, {
        target: str(d, 'target'),
        link: str(d, 'link') === 'hardlink' ? 'hardlink' : 'symlink',
      });
    case 'file-dir-conflict':
      return makeFinding('FILE_DIR_CONFLICT', p, { other: str(d, 'other') });
    case 'case-collision':
      return makeFinding('CASE_COLLISION', p, { other: str(d, 'other') });
    case 'unicode-collision':
      return makeFinding('UNICODE_COLLISION', p, { other: str(d, 'other'), form: 'NFC/NFD' });
    case 'confusable-name':
      return makeFinding('CONFUSABLE_NAME', p, { lookalike: str(d, 'lookalike', str(d, 'other')) });
    case 'invisible-character': {
      const given = list(d, 'codepoints');
      return makeFinding('INVISIBLE_CHARACTER', p, {
        codepoints: given.length ? given : invisibleCodepoints(p),
      });
    }
    case 'control-character': {
      const given = list(d, 'codepoints');
      return makeFinding('CONTROL_CHARACTER', p, {
        codepoints: given.length ? given : controlCodepoints(p),
      });
    }
    case 'sparse-file':
      return makeFinding('SPARSE_FILE', p, { size: num(d, 'size') });
    case 'size-mismatch':
      return makeFinding('SIZE_MISMATCH', p, { declared: num(d, 'declared'), actual: num(d, 'actual') });
    case 'trailing-data':
      return makeFinding('TRAILING_DATA', p, { bytes: num(d, 'bytes') });
    case 'backslash-path':
      return makeFinding('BACKSLASH_PATH', p, { raw: str(d, 'raw', p) });
    case 'special-mode': {
      const mode = parseInt(str(d, 'mode', '0'), 8) || 0;
      const bits: Array<'setuid' | 'setgid' | 'sticky'> = [];
      if (mode & 0o4000) bits.push('setuid');
      if (mode & 0o2000) bits.push('setgid');
      if (mode & 0o1000) bits.push('sticky');
      return makeFinding('SPECIAL_MODE_BITS', p, { mode: str(d, 'mode', '0000'), bits });
    }
  }
}

/** One finding per anomaly, in the order given. */
export function anomalyFindings(anomalies: readonly ArchiveAnomaly[]): Finding[] {
  return anomalies.map(anomalyFinding);
}
