/**
 * Files a tracked import script copies out of a pinned submodule that is not gnulib (issue 11 a): gnutls 3.7.9's
 * devel/import-minitasn1.sh copies libtasn1's lib/coding.c … from the submodule devel/libtasn1 into
 * lib/minitasn1/. The proof, all of it required:
 *  - the tarball-only file's blob id equals the blob id of a file of the same name in the pinned submodule's tree
 *    (the commit the tag pins: the content is upstream's, byte for byte);
 *  - a tracked script or makefile fragment (a shell, Perl or Python script, *.mk, Makefile.am, bootstrap,
 *    autogen) names both the submodule's path and the copy's directory: the release's own process put it there.
 * A copy that differs in one byte, a file no pinned tree holds under that name, or a directory no tracked script
 * names stays what the other classifiers make of it (TARBALL_ONLY_UNEXPLAINED, high).
 */
import { makeFinding } from '../core/severity.js';
import type { Finding } from '../core/findings.js';
import type { PathDiff } from '../core/types.js';
import { baseOf, dirOf } from './paths.js';
import type { Classifier, ClassifyContext } from './types.js';

const MAX_SCRIPT_BYTES = 256 * 1024;
const SCRIPT = /(?:\.(?:sh|pl|py|mk|am)|^(?:bootstrap|autogen\.sh|GNUmakefile|Makefile))$/;

const scriptTexts = new WeakMap<ClassifyContext, Promise<{ path: string; text: string }[]>>();

/** The tracked scripts and makefile fragments that name a pinned submodule's path (read once per run). */
function scriptsNamingSubmodules(ctx: ClassifyContext): Promise<{ path: string; text: string }[]> {
  let p = scriptTexts.get(ctx);
  if (!p) {
    p = (async () => {
      const subs = (ctx.submodules ?? []).map((s) => s.path);
      const out: { path: string; text: string }[] = [];
      if (!subs.length) return out;
      for (const path of [...ctx.gitPaths].filter((q) => SCRIPT.test(baseOf(q))).sort()) {
        const b = await ctx.content.git(path);
        if (!b || b.length > MAX_SCRIPT_BYTES || b.subarray(0, 8192).includes(0)) continue;
        const text = b.toString('utf8');
        if (subs.some((s) => text.includes(s))) out.push({ path, text });
      }
      return out;
    })();
    scriptTexts.set(ctx, p);
  }
  return p;
}

/** Whether `text` names the directory `dir` as a path (not as part of a longer name). */
function namesDir(text: string, dir: string): boolean {
  const esc = dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?:^|[\\s"'=/])${esc}(?:$|[\\s"'/;])`, 'm').test(text);
}

async function decide(diff: PathDiff, ctx: ClassifyContext): Promise<Finding | undefined> {
  const oid = diff.tarball?.oid;
  if (diff.status !== 'tarball-only' || diff.tarball?.type !== 'file' || !oid || !ctx.submodules?.length) return undefined;
  const base = baseOf(diff.path);
  const dir = dirOf(diff.path);
  if (!dir) return undefined;
  for (const sub of ctx.submodules) {
    if (diff.path.startsWith(`${sub.path}/`)) continue; // under the submodule's own path: submodule-copy's case
    const file = [...sub.files].filter(([p, id]) => id === oid && baseOf(p) === base).map(([p]) => p).sort()[0];
    if (!file) continue;
    const script = (await scriptsNamingSubmodules(ctx)).find((s) => namesDir(s.text, sub.path) && namesDir(s.text, dir));
    if (!script) continue;
    return makeFinding('SUBMODULE_COPY', diff.path, { submodule: sub.name, commit: sub.commit, file, via: 'script', script: script.path, rewrites: [] });
  }
  return undefined;
}

export const submoduleScriptCopyClassifier: Classifier = {
  id: 'submodule-script-copy',
  classify: decide,
};
