/**
 * Release-process edits to documentation (issue 11 g): a dist-hook trimming README.md, a release tool
 * blanking contributor links in CHANGELOG.md. A changed tracked documentation file that nothing builds
 * from is at most medium (DOC_EDITED, unexplained: a human may read it, the gate does not fail on it) — never an
 * executable file, one starting with `#!`, or a configuration/data/script format under a doc name —
 * unless the edit carries what a doc edit never needs: a suspicious construct in an added line, or a URL
 * whose host the tracked version does not have (a moved download). Those stay with the fallback (high).
 */
import { makeFinding } from '../core/severity.js';
import { isBuildAffecting, isCodePath } from './build-affecting.js';
import { changedContent } from './line-endings.js';
import { baseOf } from './paths.js';
import { findConstructs } from './suspicious.js';
import type { Classifier } from './types.js';
import { newHosts, urlHosts } from './urls.js';
import { admits } from './precheck.js';

const DOC_NAME = /^(?:README|CHANGES|CHANGELOG|HISTORY|NEWS|AUTHORS|CONTRIBUTING|CONTRIBUTORS|SECURITY|CODE_OF_CONDUCT|SUPPORT|FAQ|TODO|THANKS|INSTALL|MAINTAINERS|RELEASE[-_]NOTES|UPGRADING|MIGRATION)(?:[._-][A-Za-z0-9._-]*)?$/i;
const DOC_EXT = /\.(?:md|markdown|mdown|rst|adoc|asciidoc|rdoc)$/i;
const DOC_DIR = /(?:^|\/)(?:docs?|documentation|man)\//i;
const MAX_BYTES = 4 * 1024 * 1024;
/** Formats a program reads or runs, whatever the name before them (red team 13). */
const NOT_DOC_EXT = /\.(?:conf|cfg|cnf|ini|json|jsonc|json5|ya?ml|toml|xml|xsl|plist|properties|desktop|service|socket|timer|spec|pc|sql|reg|inf|vbs|vbe|js|mjs|cjs|jse|wsf|wsh|ps1|psm1|psd1|cmd|bat|com|exe|dll|so|dylib|jar|class|lock|gradle|env|am|ac|m4|sed|awk)$/i;

/** A documentation file by its name: a well-known doc name, a markup extension (md, rst, adoc) at the top or under a
 * doc directory, or a .txt under a doc directory — never a build file, a code file (`README.py`, `NEWS.c`: a doc name
 * does not make code inert) or a dependency list (`docs/requirements.txt`). */
export function isDocumentation(path: string): boolean {
  if (isBuildAffecting(path) || isCodePath(path)) return false;
  const base = baseOf(path);
  // a dependency list under docs/ is what a documentation build installs (Read the Docs' docs/requirements.txt)
  if (/^(?:requirements|constraints)\b[\w.-]*\.txt$/i.test(base)) return false;
  // a doc name on a configuration, data or script format (`security.conf`, `faq.json`, `readme.vbs`) is that format
  if (NOT_DOC_EXT.test(base)) return false;
  if (DOC_NAME.test(base)) return true;
  if (DOC_EXT.test(base)) return !path.includes('/') || DOC_DIR.test(path);
  // Plain text only under a documentation directory (a top-level or test .txt may be data).
  return /\.txt$/i.test(base) && DOC_DIR.test(path);
}

/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'changed' && isDocumentation(diff.path);

export const docEditClassifier: Classifier = {
  id: 'doc-edit',
  candidate,
  async classify(diff, ctx) {
    // The pre-check's test is this classifier's rule too (a changed documentation file), asked again so that
    // the pre-check stays an optimisation the audit can check (src/classify/precheck.ts).
    if (!admits(candidate, diff) || diff.status !== 'changed' || !isDocumentation(diff.path)) return undefined;
    // an executable file, or one that starts like a script (`#!`), is a program whatever its name (red team 13: a
    // tracked `install-deps` script was DOC_EDITED by its name alone)
    if (diff.git?.executable || diff.tarball?.executable) return undefined;
    const c = await changedContent(diff, ctx);
    if (!c || c.git.length > MAX_BYTES || c.tarball.length > MAX_BYTES || c.git.includes(0) || c.tarball.includes(0)) return undefined;
    if (c.git.subarray(0, 2).toString('latin1') === '#!' || c.tarball.subarray(0, 2).toString('latin1') === '#!') return undefined;
    const before = c.git.toString('utf8');
    const after = c.tarball.toString('utf8');
    const had = new Set(before.split('\n'));
    const added = after.split('\n').filter((l) => !had.has(l));
    const has = new Set(after.split('\n'));
    const removed = before.split('\n').filter((l) => !has.has(l)).length;
    if (findConstructs(added.join('\n'), diff.path).length) return undefined;
    if (newHosts(added.join('\n'), urlHosts(before)).length) return undefined;
    return makeFinding('DOC_EDITED', diff.path, { added: added.length, removed });
  },
};
