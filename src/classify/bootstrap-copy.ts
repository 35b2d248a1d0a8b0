/**
 * A directory a tracked bootstrap script fills with copies of a tracked directory's files: strace's bootstrap writes
 * tests-m32/ and tests-mx32/ as `ln -s ../"$f" $tests/` of every tests/* (make dist ships the links' targets):
 *
 *   for m in m32 mx32; do
 *     tests=tests-$m
 *     …
 *     for f in tests/*; do
 *       …
 *       ln -s ../"$f" $tests/
 *     done
 *   done
 *
 *   script     a tracked `bootstrap`, `bootstrap.sh` or `autogen.sh` at the top (read, never run)
 *   loop       an outer `for V in W1 W2 …; do` of literal words, inside it an assignment `DEST=PREFIX$V` (or
 *              `${V}`, text around it literal), and inside that loop a `for F in SRC/*; do` whose body has
 *              `ln -s ../"$F" $DEST/` or `cp [-p] "$F" $DEST/` (quotes optional): each DEST (PREFIX+Wi) gets SRC's
 *              entries under their own names (`ln -s` of a directory: its whole tree)
 *   explained  a tarball-only DEST/X byte-identical to SRC/X, SRC/X tracked (by blob id) or itself tarball-only with
 *              the same blob (a generated file the same script's run made: then judged by its own finding, which a
 *              copy never lowers). Anything else in DEST — a file SRC lacks, other bytes (the per-personality sed
 *              edits of strace's Makefile.am and *--secontext.c) — stays as the fallback says.
 */
import { makeFinding } from '../core/severity.js';
import type { PathDiff } from '../core/types.js';
import { admits } from './precheck.js';
import type { Classifier, ClassifyContext } from './types.js';
import { oncePer } from '../util/memo.js';

const SCRIPTS = ['bootstrap', 'bootstrap.sh', 'autogen.sh'];

export interface TreeCopy {
  /** The source directory (repository path) and each destination directory the loop fills. */
  source: string;
  dests: string[];
  /** The copying command: `ln -s` copies directories too, `cp` only files. */
  recursive: boolean;
  script: string;
  line: number;
}

const ref = (v: string) => String.raw`(?:\$${v}\b|\$\{${v}\})`;

/** The tree copies a bootstrap script's loops make (see the header). */
export function bootstrapTreeCopies(text: string, script: string): TreeCopy[] {
  const lines = text.split('\n');
  const out: TreeCopy[] = [];
  for (let i = 0; i < lines.length; i++) {
    const outer = /^\s*for\s+([A-Za-z_]\w*)\s+in\s+([A-Za-z0-9_.+-]+(?:\s+[A-Za-z0-9_.+-]+)*)\s*(?:;\s*do\s*)?$/.exec(lines[i]!);
    if (!outer) continue;
    const v = outer[1]!;
    const words = outer[2]!.split(/\s+/);
    // the loop's body: to its `done` (nested do/done counted)
    let depth = 0;
    let end = -1;
    for (let j = i; j < lines.length; j++) {
      const l = lines[j]!.replace(/#.*$/, '');
      depth += (l.match(/(?:^|[;\s])do(?:\s|;|$)/g) ?? []).length;
      depth -= (l.match(/(?:^|[;\s])done(?:\s|;|$)/g) ?? []).length;
      if (j > i && depth <= 0) { end = j; break; }
      if (j === i && !/\bdo\b/.test(l)) depth = 0;
    }
    if (end < 0) continue;
    const body = lines.slice(i + 1, end);
    const dests = new Map<string, string[]>();
    for (const l of body) {
      const a = new RegExp(String.raw`^\s*([A-Za-z_]\w*)=([A-Za-z0-9_./+-]*)${ref(v)}([A-Za-z0-9_./+-]*)\s*$`).exec(l);
      if (a) dests.set(a[1]!, words.map((w) => `${a[2]}${w}${a[3]}`));
    }
    for (let k = 0; k < body.length; k++) {
      const inner = /^\s*for\s+([A-Za-z_]\w*)\s+in\s+([A-Za-z0-9_.+-]+(?:\/[A-Za-z0-9_.+-]+)*)\/\*\s*(?:;\s*do\s*)?$/.exec(body[k]!);
      if (!inner) continue;
      const f = inner[1]!;
      for (let m = k + 1; m < body.length && !/^\s*done\b/.test(body[m]!); m++) {
        for (const [dest, dirs] of dests) {
          const q = '"?';
          const ln = new RegExp(String.raw`^\s*ln\s+-sf?\s+(?:\.\./${q}${ref(f)}${q}|"\.\./${ref(f)}")\s+${q}${ref(dest)}${q}/?\s*$`).exec(body[m]!);
          const cp = new RegExp(String.raw`^\s*cp(?:\s+-[pf]+)?\s+${q}${ref(f)}${q}\s+${q}${ref(dest)}${q}/?\s*$`).exec(body[m]!);
          if (ln || cp) out.push({ source: inner[2]!, dests: dirs.filter((d) => !d.startsWith('/') && !d.split('/').includes('..')), recursive: !!ln, script, line: i + 2 + m });
        }
      }
    }
  }
  return out;
}

interface Index {
  copies: TreeCopy[];
  /** Tarball-only paths by path: their blob id. */
  tarballOnly: Map<string, string | undefined>;
}
const cache = oncePer<readonly PathDiff[], Promise<Index>>();

function indexOf(ctx: ClassifyContext): Promise<Index> {
  return cache(ctx.diffs, async () => {
    const copies: TreeCopy[] = [];
    for (const s of SCRIPTS) {
      // tracked, or export-ignored (strace's `/* export-ignore`): the revision's file either way
      const b = await ctx.content.git(s);
      if (b && b.length < 256 * 1024 && !b.includes(0)) copies.push(...bootstrapTreeCopies(b.toString('latin1'), s));
    }
    const tarballOnly = new Map<string, string | undefined>();
    if (copies.length) for (const d of ctx.diffs) if (d.status === 'tarball-only' && d.tarball?.type === 'file') tarballOnly.set(d.path, d.tarball.oid);
    return { copies, tarballOnly };
  });
}

const candidate = (diff: PathDiff): boolean => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && !!diff.tarball.oid && diff.path.includes('/');

export const bootstrapCopyClassifier: Classifier = {
  id: 'bootstrap-tree-copy',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff) || diff.status !== 'tarball-only' || !diff.tarball?.oid) return undefined;
    const idx = await indexOf(ctx);
    for (const c of idx.copies) {
      for (const dest of c.dests) {
        if (!diff.path.startsWith(`${dest}/`)) continue;
        const rest = diff.path.slice(dest.length + 1);
        if (!c.recursive && rest.includes('/')) continue;
        const source = `${c.source}/${rest}`;
        if (source === diff.path) continue;
        const tracked = diff.copyOf === source;
        const generated = !tracked && idx.tarballOnly.get(source) === diff.tarball!.oid;
        if (!tracked && !generated) continue;
        return makeFinding('BOOTSTRAP_TREE_COPY', diff.path, { source, script: c.script, line: c.line, sourceTracked: tracked });
      }
    }
    return undefined;
  },
};
