/**
 * A release report a tracked script prints at release time (issue 11 d): curl's docs/RELEASE-TOOLS.md, written by
 * scripts/maketgz as `./scripts/release-tools.sh "$timestamp" "$version" "$commit" > docs/RELEASE-TOOLS.md.dist`.
 * The script is read, not run (a model of its shape, applied only while it carries the modelled lines): its output
 * is its `cat <<NAME` here-documents with `$version`, `$tag` and `$timestamp` filled, and between them one
 * `- NAME: VERSION` line per `debian NAME` call. The slots are checked: the version is the release's, the tag is the
 * script's `tag=$(echo "PREFIX$version" | tr '.' '_')` (or the revision's tag), the timestamp is within two days of
 * the tagged commit, and each package version is a Debian version string — the maintainer's machine's, which
 * distdiff cannot check further (the evidence says so). Documentation only: a build-affecting path is never taken.
 */
import { makeFinding } from '../core/severity.js';
import { baseOf, dirOf } from './paths.js';
import type { Classifier, ClassifyContext } from './types.js';
import { admits } from './precheck.js';

const MAX_BYTES = 64 * 1024;
const TWO_DAYS = 2 * 86400;
const DEB_VERSION = /^(?:\d+:)?[0-9][A-Za-z0-9.+~-]*$/;

/** Lines the script must carry (trimmed) for this model to describe it. */
const FINGERPRINT = [
  'timestamp=${1:-unknown}', 'version=${2:-unknown}', 'debian() {', 'echo "- $1: $(dpkg -l "$1" | grep ^ii | awk \'{print $3}\')"', '}', 'if ! command -v dpkg >/dev/null; then',
];

/**
 * The script's output as a pattern: here-documents (slots filled from `vars`, the timestamp a capture group) and a
 * capture group per package version; undefined when the script holds any other output command.
 */
export function reportPattern(script: string, vars: { version: string; tag: string }): { re: RegExp; packages: string[] } | undefined {
  const lines = new Set(script.split('\n').map((l) => l.trim()));
  if (!FINGERPRINT.every((l) => lines.has(l))) return undefined;
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  let re = '';
  const packages: string[] = [];
  // Top-level (unindented) here-documents and debian calls, in order; no other command may print to stdout.
  const parts = script.split('\n');
  for (let i = 0; i < parts.length; i++) {
    const l = parts[i]!;
    const doc = /^cat <<(\w+)$/.exec(l);
    if (doc) {
      const end = parts.indexOf(doc[1]!, i + 1);
      if (end < 0) return undefined;
      for (const d of parts.slice(i + 1, end)) {
        if (/`|\$\(|\\/.test(d) || /\$/.test(d.replace(/\$(?:version|tag|timestamp)\b/g, ''))) return undefined;
        re += `${d.split(/(\$(?:version|tag|timestamp)\b)/).map((x) => (x === '$version' ? esc(vars.version) : x === '$tag' ? esc(vars.tag) : x === '$timestamp' ? '(\\d{9,11})' : esc(x))).join('')}\\n`;
      }
      i = end;
      continue;
    }
    const call = /^debian ([\w.+-]+)$/.exec(l);
    if (call) { packages.push(call[1]!); re += `- ${esc(call[1]!)}: (\\S+)\\n`; continue; }
    const t = l.trim();
    if (/^(?:echo|printf|cat|exec|eval|tee)\b/.test(t) && !/>&2$/.test(t) && t !== FINGERPRINT[3]) return undefined;
  }
  return packages.length ? { re: new RegExp(`^${re}$`), packages } : undefined;
}


/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && diff.tarball.size <= MAX_BYTES && /\.(?:md|txt)$/.test(diff.path);

export const releaseReportClassifier: Classifier = {
  id: 'release-report',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const version = ctx.revision.version;
    const tagDate = ctx.revision.date ? Date.parse(ctx.revision.date) / 1000 : NaN;
    if (!version || Number.isNaN(tagDate)) return undefined;
    const buf = ctx.content.tarball(diff.path);
    if (!buf) return undefined;
    const text = buf.toString('utf8');
    for (const w of await writers(ctx, diff.path)) {
      const script = (await ctx.content.git(w.script))?.toString('utf8');
      if (!script) continue;
      const prefix = /^tag=\$\(echo "([\w.-]*)\$version" \| tr '\.' '_'\)$/m.exec(script)?.[1];
      if (prefix === undefined) continue;
      for (const tag of new Set([`${prefix}${version}`.replace(/\./g, '_'), ...(ctx.revision.tag ? [ctx.revision.tag] : [])])) {
        const p = reportPattern(script, { version, tag });
        const m = p?.re.exec(text);
        if (!p || !m) continue;
        const slots = m.slice(1);
        // Capture groups in order of appearance: package versions and timestamps interleave as the script prints them.
        const order = [...p.re.source.matchAll(/\((\\d\{9,11\}|\\S\+)\)/g)].map((x) => (x[1]!.startsWith('\\d') ? 'time' : 'pkg'));
        const ok = order.every((kind, i) => (kind === 'time' ? Math.abs(Number(slots[i]) - tagDate) <= TWO_DAYS : DEB_VERSION.test(slots[i]!)));
        if (!ok) continue;
        return makeFinding('GENERATED_FROM_SOURCE', diff.path, { how: 'computed', source: w.writer, generator: w.script, inputs: [], version });
      }
    }
    return undefined;
  },
};

/** Tracked scripts (top level and scripts/) with a line `[./]SCRIPT ARGS > PATH[.dist]` writing this file. */
async function writers(ctx: ClassifyContext, path: string): Promise<{ writer: string; script: string }[]> {
  const out: { writer: string; script: string }[] = [];
  for (const p of [...ctx.gitPaths].filter((x) => (dirOf(x) === '' || baseOf(dirOf(x)) === 'scripts') && !/\.(?:md|txt|[ch]|in|am)$/.test(x)).sort()) {
    const b = await ctx.content.git(p);
    if (!b || b.length > 256 * 1024 || b.subarray(0, 8192).includes(0)) continue;
    for (const m of b.toString('utf8').matchAll(/^\s*(?:\.\/)?(\S+\.sh)\s+[^>\n]*>\s*(\S+)\s*$/gm)) {
      const dest = m[2]!.replace(/^\.\//, '').replace(/\.dist$/, '');
      if (dest === path && ctx.gitPaths.has(m[1]!)) out.push({ writer: p, script: m[1]! });
    }
  }
  return out;
}
