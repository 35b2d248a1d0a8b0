/**
 * libtool's build-time substitutions. ltmain.sh and ltversion.m4 are made when libtool itself is built:
 * its version (from git-version-gen: "2.5.4.1-baa1-dirty" for a maintainer's snapshot build), its package
 * revision, ltversion.m4's serial (a commit count) and the home-page URL configure chose are written into
 * them. A release made with a snapshot build of libtool therefore ships the files of the release it was
 * built from with those values changed, and nothing else. `applyLibtoolBuild` writes the shipped values
 * into libtoolize's output of that release — line by line, only on the lines that carry them — and says
 * what it replaced, so the comparison that follows is byte for byte on everything else and the
 * normalisations are listed in the evidence (typed: core/wording.ts words them). Only values of a version's, a
 * revision's or a URL's characters are written (VERSION_VALUE, URL_VALUE). Pure.
 */
import type { Normalisation, NormalisationArgs } from '../core/regeneration.js';

interface BuildValues {
  version?: string;
  revision?: string;
  url?: string;
  serial?: string;
}

/**
 * What a libtool build writes: a version (git-version-gen's `2.5.4.1-baa1-dirty`), a package revision (`2.5.4.1`, a
 * commit id), a URL. A shipped value of any other characters is not written into the output (red team 21: ltmain.sh's
 * unquoted `VERSION=2.4.7-dirty;sh<tests/files/x` runs a file each time libtool runs; a `$(…)` in the double-quoted
 * usage text that holds the home page does too): the lines then differ.
 */
const VERSION_VALUE = /^\d[\w.+~-]*$/;
const URL_VALUE = /^https?:\/\/[\w.~:\/%+-]+$/;

function valuesOf(text: string): BuildValues {
  const v: BuildValues = {};
  const version = /^VERSION=["']?([^\s"']+)/m.exec(text)?.[1] ?? /^\[macro_version='([^']+)'/m.exec(text)?.[1];
  const revision = /^package_revision=["']?([^\s"']+)/m.exec(text)?.[1] ?? /^macro_revision='([^']+)'/m.exec(text)?.[1];
  const url = /home page: <([^>\s]+)>/.exec(text)?.[1];
  const serial = /^# serial (\d+) ltversion\.m4$/m.exec(text)?.[1];
  if (version && VERSION_VALUE.test(version)) v.version = version;
  if (revision && /^[\w.+~-]+$/.test(revision)) v.revision = revision;
  if (url && URL_VALUE.test(url)) v.url = url;
  if (serial) v.serial = serial;
  return v;
}

/** The lines libtool's build writes its version into (2.4.x and 2.5.x). */
const VERSION_LINE = /\(GNU libtool\) |^VERSION=|^\[macro_version='|^m4_define\(\[LT_PACKAGE_VERSION\]/;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The regenerated text with the shipped file's build values written in, and the list of what changed
 * (version 2.5.4 → 2.5.4.1-baa1-dirty on 5 lines). Lines that carry none of the values are untouched.
 */
export function applyLibtoolBuild(regenerated: string, shipped: string): { text: string; normalisations: Normalisation[] } {
  const from = valuesOf(regenerated);
  const to = valuesOf(shipped);
  // Each value replaced, in the order first met, with the number of lines it was written on.
  const counts = new Map<NormalisationArgs['libtool-build']['value'], NormalisationArgs['libtool-build']>();
  const note = (value: NormalisationArgs['libtool-build']['value'], was: string, now: string) => {
    const c = counts.get(value);
    if (c) c.lines++;
    else counts.set(value, { value, from: was, to: now, lines: 1 });
  };
  const versionRe = from.version && to.version && from.version !== to.version ? new RegExp(`(?<![\\w.-])${escape(from.version)}(?![\\w.-]*\\w)`, 'g') : undefined;
  const lines = regenerated.split('\n').map((line) => {
    let out = line;
    if (from.revision && to.revision && from.revision !== to.revision && /^(?:package_revision=|macro_revision='|m4_define\(\[LT_PACKAGE_REVISION\])/.test(line)) {
      out = out.replace(from.revision, to.revision);
      if (out !== line) note('revision', from.revision, to.revision);
      return out;
    }
    if (versionRe && VERSION_LINE.test(line)) {
      const next = out.replace(versionRe, to.version!);
      if (next !== out) note('version', from.version!, to.version!);
      out = next;
    }
    if (from.url && to.url && from.url !== to.url && line.includes(`home page: <${from.url}>`)) {
      out = out.replace(`<${from.url}>`, `<${to.url}>`);
      note('url', from.url, to.url);
    }
    if (from.serial && to.serial && from.serial !== to.serial && line === `# serial ${from.serial} ltversion.m4`) {
      out = `# serial ${to.serial} ltversion.m4`;
      note('serial', from.serial, to.serial);
    }
    return out;
  });
  const normalisations: Normalisation[] = [...counts.values()].map((args) => ({ kind: 'libtool-build', args }));
  return { text: lines.join('\n'), normalisations };
}
