/**
 * gettext <= 0.19's installed macro set, as aclocal's system directory.
 *
 * gettext up to 0.19.8.1 installed its macro files (intl.m4, gettext.m4, po.m4, longlong.m4 …: gettext-tools/m4's
 * aclocal_DATA) into /usr/share/aclocal; later releases leave them to autopoint. A maintainer whose machine still
 * had them ran an aclocal that saw them: a project macro named by the shipped m4/gettext.m4 (AM_INTL_SUBDIR)
 * resolved to the system intl.m4, whose AC_REQUIREs (AC_TYPE_LONG_LONG_INT …) pulled in the project's OWN
 * m4/longlong.m4 and others, so the shipped aclocal.m4 m4_includes files an aclocal without that set does not
 * (make 4.4.1). The set is derived data (data/gettext-aclocal.json.gz, by scripts/derive-gettext-aclocal.mjs
 * from gettext's git tag: version, commit, each file's blob id and text); the regeneration gives it to aclocal
 * only when its own aclocal.m4 lacks m4_include lines the shipped one has, and keeps it only when aclocal then
 * writes the shipped aclocal.m4 byte for byte.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export interface GettextMacroFile {
  name: string;
  path: string;
  blob: string;
  text: string;
}

export interface GettextMacroSet {
  version: string;
  tag: string;
  commit: string;
  files: GettextMacroFile[];
  untracked: string[];
}

export const GETTEXT_ACLOCAL_URL = new URL('../../data/gettext-aclocal.json.gz', import.meta.url);

let cached: GettextMacroSet[] | undefined;

/** The derived sets, newest first (empty when the data file is unreadable). */
export function gettextMacroSets(url: URL = GETTEXT_ACLOCAL_URL): GettextMacroSet[] {
  if (url === GETTEXT_ACLOCAL_URL && cached) return cached;
  let sets: GettextMacroSet[] = [];
  try {
    sets = (JSON.parse(gunzipSync(readFileSync(url)).toString('latin1')) as { sets: GettextMacroSet[] }).sets;
  } catch {
    sets = [];
  }
  sets = [...sets].sort((a, b) => b.version.localeCompare(a.version, 'en', { numeric: true }));
  if (url === GETTEXT_ACLOCAL_URL) cached = sets;
  return sets;
}

/** The m4_include'd paths of an aclocal.m4, in order. */
function includes(aclocal: string): string[] {
  return [...aclocal.matchAll(/^m4_include\(\[([^\]\n]+)\]\)$/gm)].map((m) => m[1]!);
}

/**
 * Whether to try an installed gettext macro set: configure.ac uses gettext (AM_GNU_GETTEXT) and the shipped
 * aclocal.m4 m4_includes files the regenerated one does not.
 */
export function wantsGettextMacroSet(acText: string, shipped: string, regenerated: string): boolean {
  if (shipped === regenerated || !/\bAM_GNU_GETTEXT\b/.test(acText)) return false;
  const have = new Set(includes(regenerated));
  return includes(shipped).some((p) => !have.has(p));
}
