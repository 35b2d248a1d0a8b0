/**
 * Files whose content is identical once CRLF line endings are normalised to LF (an eol attribute, a
 * release made on Windows, or a converter in the release scripts) — converted as a whole (every line, no
 * mix), and a build script or makefile only from CRLF to LF (CRLF is a change for sh and make: a `\r`
 * ends up in values and words); Windows files (.bat, .vcxproj …) may go either way.
 */
import { makeFinding } from '../core/severity.js';
import type { PathDiff } from '../core/types.js';
import { isBuildAffecting } from './build-affecting.js';
import type { Classifier, ClassifyContext } from './types.js';

/** A tracked file whose only difference is content, a file on both sides (what changedContent reads). */
export function contentOnlyChange(diff: PathDiff): boolean {
  const changes = diff.changes ?? [];
  return diff.status === 'changed' && changes.length === 1 && changes[0] === 'content' && diff.git?.type === 'file' && diff.tarball?.type === 'file';
}

/**
 * Both sides of a tracked file whose only difference is content (no mode, type or link change), or
 * undefined when either side's content is not available.
 */
export async function changedContent(diff: PathDiff, ctx: ClassifyContext): Promise<{ git: Buffer; tarball: Buffer } | undefined> {
  if (!contentOnlyChange(diff)) return undefined;
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

function countLf(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(0x0a); i !== -1; i = b.indexOf(0x0a, i + 1)) n++;
  return n;
}

/** Files Windows tools read, where CRLF is their native line ending. */
const WINDOWS_FILE = /\.(?:bat|cmd|ps1|psm1|vcxproj|vcproj|filters|sln|dsp|dsw|rc|def|props|targets|nsi)$/i;

export const lineEndingsClassifier: Classifier = {
  id: 'line-endings',
  candidate: contentOnlyChange,
  async classify(diff, ctx) {
    const c = await changedContent(diff, ctx);
    if (!c || c.git.equals(c.tarball)) return undefined;
    const g = countCrlf(c.git);
    const t = countCrlf(c.tarball);
    if (g === t || toLf(c.git) !== toLf(c.tarball)) return undefined;
    // A converter (an eol attribute, unix2dos, dos2unix, a Windows checkout) converts every line. CR added to
    // some lines only is an edit: in a shell script `ENABLE_SANDBOX=yes\r` no longer equals "yes". And a shell
    // script or makefile given CRLF is not what any Unix tool reads the same way: only Windows files may gain it.
    if (g > t ? t !== 0 : t !== countLf(c.tarball)) return undefined;
    if (t > g && isBuildAffecting(diff.path) && !WINDOWS_FILE.test(diff.path)) return undefined;
    return makeFinding('LINE_ENDINGS_ONLY', diff.path, {
      from: g > t ? 'crlf' : 'lf',
      to: g > t ? 'lf' : 'crlf',
    });
  },
};
