/**
 * Files whose content is identical once CRLF line endings are normalised to LF (an eol attribute, a
 * release made on Windows, or a converter in the release scripts).
 */
import { makeFinding } from '../core/severity.js';
import type { PathDiff } from '../core/types.js';
import type { Classifier, ClassifyContext } from './types.js';

/**
 * Both sides of a tracked file whose only difference is content (no mode, type or link change), or
 * undefined when either side's content is not available.
 */
export async function changedContent(diff: PathDiff, ctx: ClassifyContext): Promise<{ git: Buffer; tarball: Buffer } | undefined> {
  if (diff.status !== 'changed') return undefined;
  const changes = diff.changes ?? [];
  if (changes.length !== 1 || changes[0] !== 'content') return undefined;
  if (diff.git?.type !== 'file' || diff.tarball?.type !== 'file') return undefined;
  const tarball = ctx.content.tarball(diff.path);
  if (!tarball) return undefined;
  const git = await ctx.content.git(diff.path);
  if (!git) return undefined;
  return { git, tarball };
}

function countCrlf(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(0x0d); i !== -1 && i + 1 < b.length; i = b.indexOf(0x0d, i + 1)) if (b[i + 1] === 0x0a) n++;
  return n;
}

const toLf = (b: Buffer) => b.toString('latin1').replace(/\r\n/g, '\n');

export const lineEndingsClassifier: Classifier = {
  id: 'line-endings',
  async classify(diff, ctx) {
    const c = await changedContent(diff, ctx);
    if (!c || c.git.equals(c.tarball)) return undefined;
    const g = countCrlf(c.git);
    const t = countCrlf(c.tarball);
    if (g === t || toLf(c.git) !== toLf(c.tarball)) return undefined;
    return makeFinding('LINE_ENDINGS_ONLY', diff.path, {
      from: g > t ? 'crlf' : 'lf',
      to: g > t ? 'lf' : 'crlf',
    });
  },
};
