/**
 * Names that look like a tracked file but are not it: Cyrillic/Greek letters that render like Latin
 * ones (`cоnfigure` with U+043E), and invisible characters slipped into a name (`con\u200Bfigure`).
 *
 * A "skeleton" maps every look-alike code point to the Latin letter it imitates and drops invisible
 * characters; two different names with the same skeleton look the same to a reviewer. The map is small
 * and deliberate (letters that are indistinguishable in common monospace fonts), not a full UTS #39 table.
 * Pure: no I/O.
 */
import { anomaly, type ArchiveAnomaly } from '../core/types.js';
import { INVISIBLE_CHARS } from './invisible.js';

/** Look-alike → Latin letter it imitates. */
const LOOKALIKES: Record<string, string> = {
  // Cyrillic lower case
  '\u0430': 'a', '\u0441': 'c', '\u0501': 'd', '\u0435': 'e', '\u04bb': 'h', '\u0456': 'i', '\u0458': 'j',
  '\u04cf': 'l', '\u043e': 'o', '\u0440': 'p', '\u051b': 'q', '\u0455': 's', '\u051d': 'w', '\u0445': 'x',
  '\u0443': 'y',
  // Cyrillic upper case
  '\u0410': 'A', '\u0412': 'B', '\u0421': 'C', '\u0415': 'E', '\u041d': 'H', '\u0406': 'I', '\u0408': 'J',
  '\u041a': 'K', '\u041c': 'M', '\u041e': 'O', '\u0420': 'P', '\u0405': 'S', '\u0422': 'T', '\u0425': 'X',
  '\u04ae': 'Y', '\u0417': '3', '\u04c0': 'l',
  // Greek lower case
  '\u03b1': 'a', '\u03b5': 'e', '\u03b9': 'i', '\u03ba': 'k', '\u03bd': 'v', '\u03bf': 'o', '\u03c1': 'p',
  '\u03c4': 't', '\u03c5': 'u', '\u03c7': 'x', '\u03b3': 'y',
  // Greek upper case
  '\u0391': 'A', '\u0392': 'B', '\u0395': 'E', '\u0396': 'Z', '\u0397': 'H', '\u0399': 'I', '\u039a': 'K',
  '\u039c': 'M', '\u039d': 'N', '\u039f': 'O', '\u03a1': 'P', '\u03a4': 'T', '\u03a5': 'Y', '\u03a7': 'X',
  // Latin look-alikes outside ASCII
  '\u0131': 'i', '\u0237': 'j', '\u1d00': 'A', '\u026a': 'I', '\u0251': 'a', '\u0261': 'g',
  // Full-width ASCII is folded by NFKC below.
};

/** Blanks at the start or end of a path component (EDGE_BLANK: whether a name has any). */
const EDGE_BLANKS = /[ \t]+(?=\/|$)|(?<=^|\/)[ \t]+/g;
const EDGE_BLANK = /[ \t](?:\/|$)|(?:^|\/)[ \t]/;

/** The skeleton of a name: NFKC, invisible characters removed, look-alikes mapped to Latin, blanks at either end of a
 * component dropped (`configure ` and `configure` look the same in a listing). */
export function skeleton(name: string): string {
  let out = '';
  for (const ch of name.normalize('NFKC').replace(INVISIBLE_CHARS, '')) out += LOOKALIKES[ch] ?? ch;
  return out.replace(EDGE_BLANKS, '');
}

/** Whether the name has anything the skeleton changes (cheap pre-filter: ASCII without an edge blank never does). */
function mayBeConfusable(name: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(name) || EDGE_BLANK.test(name);
}

/**
 * Archive paths that are not tracked by git but look like a tracked path, or like a plain (ASCII, no edge blank)
 * path of the archive itself: one `confusable-name` anomaly per such path, with `lookalike` the path it imitates
 * (a tracked one first). Red team 32: a look-alike of a file only the tarball has — `m4/gеttext.m4` (U+0435) beside
 * xz's gettextize copy `m4/gettext.m4`, `configure ` beside `configure` — was only TARBALL_ONLY_UNEXPLAINED, its
 * name's trick unsaid. Exact twins that differ only by NFC/NFD form or by case are left to the collision checks.
 */
/** A set, or a read-only view of one (util/path-set KeySet): used as it is, not copied. */
const isSet = (x: Iterable<string>): x is ReadonlySet<string> => x instanceof Set || typeof (x as Partial<ReadonlySet<string>>).has === 'function';

export function confusableNames(archivePaths: Iterable<string>, gitPaths: Iterable<string>): ArchiveAnomaly[] {
  // Nearly every name is ASCII: no suspect, and then git's paths are not even looked at (no set is built).
  const nonAscii: string[] = [];
  const plain: string[] = [];
  for (const p of archivePaths) (mayBeConfusable(p) ? nonAscii : plain).push(p);
  if (nonAscii.length === 0) return [];
  const tracked: ReadonlySet<string> = isSet(gitPaths) ? gitPaths : new Set(gitPaths);
  const suspects = nonAscii.filter((p) => !tracked.has(p));
  if (suspects.length === 0) return [];
  // Only the skeletons of suspects matter: for each, the first tracked path (sort order) with that skeleton.
  // An ASCII name is its own skeleton (NFKC, the invisible characters and the look-alikes leave ASCII alone).
  const wanted = new Set(suspects.map(skeleton));
  const bySkeleton = new Map<string, string>();
  for (const g of tracked) {
    const s = mayBeConfusable(g) ? skeleton(g) : g;
    if (!wanted.has(s)) continue;
    const prev = bySkeleton.get(s);
    if (prev === undefined || g < prev) bySkeleton.set(s, g);
  }
  // then the archive's own plain names (their skeleton is the name) for a skeleton no tracked path has
  const shipped = new Map<string, string>();
  for (const a of plain) if (wanted.has(a) && !bySkeleton.has(a)) shipped.set(a, a);
  const out: ArchiveAnomaly[] = [];
  for (const p of suspects.sort()) {
    if (tracked.has(p.normalize('NFC')) || tracked.has(p.normalize('NFD'))) continue;
    const g = bySkeleton.get(skeleton(p)) ?? shipped.get(skeleton(p));
    if (g !== undefined && g !== p) out.push(anomaly('CONFUSABLE_NAME', p, { lookalike: g }));
  }
  return out;
}
