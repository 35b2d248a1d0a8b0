/**
 * Files a tracked import script copies out of a pinned submodule that is not gnulib (issue 11 a): gnutls 3.7.9's
 * devel/import-minitasn1.sh copies libtasn1's lib/coding.c … from the submodule devel/libtasn1 into
 * lib/minitasn1/. The proof, all of it required:
 *  - the tarball-only file's blob id equals the blob id of a file of the same name in the pinned submodule's tree
 *    (the commit the tag pins: the content is upstream's, byte for byte);
 *  - a tracked script or makefile fragment (a shell, Perl or Python script, *.mk, Makefile.am, bootstrap,
 *    autogen) names both the submodule's path and the copy's directory: the release's own process put it there.
 * A copy bootstrap renames or puts at the top (cpio 2.13's bootstrap.conf: `copy_files ${PAXUTILS}/paxlib lib pax`
 * copies paxutils' paxlib/error.c to lib/paxerror.c, `copy_files ${PAXUTILS} .` its Make.rules to the top) needs
 * more: one line of one tracked script names, as whole shell words once the script's literal `NAME=word`
 * assignments are expanded, the pinned file's directory inside the submodule, the copy's directory ('.' for the
 * top) and, for a renamed copy, the prefix its name gains; the evidence names that line.
 * A copy that differs in one byte, a file no pinned tree holds under that name, or a directory no tracked script
 * names stays what the other classifiers make of it (TARBALL_ONLY_UNEXPLAINED, high).
 */
import { makeFinding } from '../core/severity.js';
import type { Finding } from '../core/findings.js';
import type { PathDiff } from '../core/types.js';
import { baseOf, dirOf } from './paths.js';
import type { Classifier, ClassifyContext } from './types.js';
import { oncePer } from '../util/memo.js';

const MAX_SCRIPT_BYTES = 256 * 1024;
const SCRIPT = /(?:\.(?:sh|pl|py|mk|am)|^(?:bootstrap|bootstrap\.conf|autogen\.sh|GNUmakefile|Makefile))$/;

const scriptTexts = oncePer<ClassifyContext, Promise<{ path: string; text: string }[]>>();

/** The tracked scripts and makefile fragments that name a pinned submodule's path (read once per run). */
function scriptsNamingSubmodules(ctx: ClassifyContext): Promise<{ path: string; text: string }[]> {
  return scriptTexts(ctx, async () => {
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
  });
}

const blobIndex = new WeakMap<ReadonlyMap<string, string>, Map<string, string[]>>();
/** A pinned tree's paths by blob id (sorted), built once per tree: asked for every tarball-only file. */
function pathsByBlob(files: ReadonlyMap<string, string>): Map<string, string[]> {
  let index = blobIndex.get(files);
  if (!index) {
    index = new Map();
    for (const [path, id] of files) {
      const list = index.get(id);
      if (list) list.push(path);
      else index.set(id, [path]);
    }
    for (const list of index.values()) list.sort();
    blobIndex.set(files, index);
  }
  return index;
}

/** Whether `text` names the directory `dir` as a path (not as part of a longer name). */
function namesDir(text: string, dir: string): boolean {
  const esc = dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?:^|[\\s"'=/])${esc}(?:$|[\\s"'/;])`, 'm').test(text);
}

const ASSIGN = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(?:'([^'$`\\]*)'|"([^"$`\\]*)"|([^\s'"$`\\;|&<>()#]*))\s*(?:#.*)?$/;

/**
 * A script's lines as sets of shell words, its literal `NAME=word` assignments expanded ($NAME, ${NAME}); a name
 * assigned more than once, or from anything but a literal, is left unexpanded (the word then names nothing).
 */
export function scriptLineWords(text: string): { line: number; words: Set<string> }[] {
  const lines = text.split('\n');
  const values = new Map<string, string | undefined>();
  for (const l of lines) {
    const m = ASSIGN.exec(l);
    if (m) {
      const v = m[2] ?? m[3] ?? m[4] ?? '';
      values.set(m[1]!, values.has(m[1]!) && values.get(m[1]!) !== v ? undefined : v);
    } else {
      const other = /^\s*(?:export\s+|local\s+|readonly\s+)?([A-Za-z_][A-Za-z0-9_]*)=/.exec(l);
      if (other) values.set(other[1]!, undefined);
    }
  }
  const out: { line: number; words: Set<string> }[] = [];
  lines.forEach((l, i) => {
    const body = l.replace(/(^|\s)#.*$/, '$1');
    if (!body.trim()) return;
    const expanded = body.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, a?: string, b?: string) => values.get((a ?? b)!) ?? all);
    const words = new Set<string>();
    for (const w of expanded.split(/[\s;|&<>()`]+/)) {
      const t = w.replace(/^["']+|["']+$/g, '');
      if (!t) continue;
      words.add(t === './' ? '.' : t.length > 1 ? t.replace(/\/+$/, '') : t);
    }
    out.push({ line: i + 1, words });
  });
  return out;
}

const lineWordsOf = new WeakMap<object, { line: number; words: Set<string> }[]>();

/**
 * The tracked script line that copies the pinned `file` of `sub` to `path`: it names the file's directory in the
 * submodule, the copy's directory ('.' for the top) and, when the copy's name is the file's with a prefix, that
 * prefix, each as a whole word.
 */
function copyLine(scripts: { path: string; text: string }[], sub: { path: string }, file: string, path: string): { script: string; line: number; prefix?: string } | undefined {
  const b = baseOf(file);
  const base = baseOf(path);
  if (base !== b && !(base.length > b.length && base.endsWith(b))) return undefined;
  const prefix = base === b ? undefined : base.slice(0, base.length - b.length);
  const src = dirOf(file) ? `${sub.path}/${dirOf(file)}` : sub.path;
  const dst = dirOf(path) || '.';
  for (const s of scripts) {
    let words = lineWordsOf.get(s);
    if (!words) lineWordsOf.set(s, (words = scriptLineWords(s.text)));
    const hit = words.find((l) => l.words.has(src) && l.words.has(dst) && src !== dst && (prefix === undefined || (l.words.has(prefix) && prefix !== dst && prefix !== src)));
    if (hit) return { script: s.path, line: hit.line, ...(prefix !== undefined ? { prefix } : {}) };
  }
  return undefined;
}

async function decide(diff: PathDiff, ctx: ClassifyContext): Promise<Finding | undefined> {
  const oid = diff.tarball?.oid;
  if (diff.status !== 'tarball-only' || diff.tarball?.type !== 'file' || !oid || !ctx.submodules?.length) return undefined;
  const base = baseOf(diff.path);
  const dir = dirOf(diff.path);
  for (const sub of ctx.submodules) {
    if (diff.path.startsWith(`${sub.path}/`)) continue; // under the submodule's own path: submodule-copy's case
    const same = pathsByBlob(sub.files).get(oid) ?? [];
    if (!same.length) continue;
    const scripts = await scriptsNamingSubmodules(ctx);
    const file = dir ? same.find((p) => baseOf(p) === base) : undefined;
    if (file) {
      const script = scripts.find((s) => namesDir(s.text, sub.path) && namesDir(s.text, dir));
      if (script) return makeFinding('SUBMODULE_COPY', diff.path, { submodule: sub.name, commit: sub.commit, file, via: 'script', script: script.path, rewrites: [] });
    }
    for (const f of same) {
      const hit = copyLine(scripts, sub, f, diff.path);
      if (hit) return makeFinding('SUBMODULE_COPY', diff.path, { submodule: sub.name, commit: sub.commit, file: f, via: 'script', script: hit.script, line: hit.line, ...(hit.prefix !== undefined ? { prefix: hit.prefix } : {}), rewrites: [] });
    }
  }
  return undefined;
}

export const submoduleScriptCopyClassifier: Classifier = {
  id: 'submodule-script-copy',
  classify: decide,
};
