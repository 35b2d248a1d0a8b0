/**
 * A tracked file whose git side is what `git archive` exports after an attribute conversion (`eol=crlf`,
 * `export-subst`, `ident`, `working-tree-encoding`) while the tarball ships the committed blob itself, byte for
 * byte: the release was not made by `git archive` (make dist, a packaging tool reading the checkout or the
 * blobs), so the attribute was not applied. Nothing but git's own bytes at the tag: explained (info). Only the
 * exact blob qualifies — any other content is left to the classifiers that follow (opus-tools 0.2's
 * win32/*.bat, *.sln, *.vcxproj under `text eol=crlf`, shipped with the committed LF endings).
 */
import { makeFinding } from '../core/severity.js';
import { contentOnlyChange } from './line-endings.js';
import type { Classifier } from './types.js';

export const committedBytesClassifier: Classifier = {
  id: 'committed-bytes',
  candidate: contentOnlyChange,
  async classify(diff, ctx) {
    const conv = ctx.converted?.(diff.path);
    if (!conv) return undefined;
    const tarballOid = diff.tarball?.oid;
    let same = tarballOid !== undefined && tarballOid === conv.rawOid;
    if (!same) {
      // blob ids of another object format than the scan's: compare the bytes (the git side reads the committed blob)
      const t = ctx.content.tarball(diff.path);
      const g = t ? await ctx.content.git(diff.path) : undefined;
      same = t !== undefined && g !== undefined && t.equals(g);
    }
    if (!same) return undefined;
    return makeFinding('ATTRIBUTE_NOT_APPLIED', diff.path, { attribute: conv.reason, blob: conv.rawOid });
  },
};
