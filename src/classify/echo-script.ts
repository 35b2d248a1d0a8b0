/**
 * Makefiles a tracked shell script writes with echo lines in a loop over the tracked man pages (issue 11 d):
 * libarchive's doc/{man,text,pdf,html,wiki}/Makefile, written by doc/update.sh. The script is read, not run:
 * its page list (`MANPAGES=\`for d in DIRS;do ls ../../$d/*.[135];done | grep -v '\.so\.'\``) is computed from the
 * tracked tree (each directory's pages in C-locale order, as ls sorts them), and each `cd SUB … cd ..` section that
 * writes `Makefile` — `echo > Makefile`, `echo "TEXT" >>Makefile`, `echo >>Makefile`, a `for f in $MANPAGES` loop
 * whose `outname=` is the page's basename plus a suffix (or the ManPage<Words><N> name of the wiki section's awk
 * line) and whose echo lines take `$f` and `$outname`, then `echo $all` — is evaluated into the file it writes,
 * compared byte for byte. Any other command in a section proves nothing.
 */
import { makeFinding } from '../core/severity.js';
import { baseOf, dirOf } from './paths.js';
import type { Classifier, ClassifyContext } from './types.js';
import { admits } from './precheck.js';

const MAX_BYTES = 256 * 1024;
const WIKI_NAME = `outname="\`basename $f | awk '{ac=split($0,a,"[_.-]");o="ManPage";for(w=0;w<=ac;++w){o=o toupper(substr(a[w],1,1)) substr(a[w],2)};print o}'\`.wiki"`;

/** The wiki section's name for a page: ManPage + each part of the basename split at `_ . -`, capitalised. */
export const wikiName = (base: string) => `ManPage${base.split(/[_.-]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')}.wiki`;

/** `echo` arguments as the shell prints them: a double-quoted word kept (with $f/$outname filled), bare words joined by one space. */
function echoText(args: string, vars: Record<string, string>): string | undefined {
  const fill = (s: string) => s.replace(/\$(f|outname|all)\b/g, (_, v: string) => vars[v] ?? '\0');
  const q = /^"([^"\\`$]*(?:\$(?:f|outname)\b[^"\\`$]*)*)"$/.exec(args);
  const text = q ? fill(q[1]!) : /^[^"'\\`|;&<>(){}*?[\]]*$/.test(args) ? fill(args).split(/\s+/).filter(Boolean).join(' ') : undefined;
  return text === undefined || text.includes('\0') ? undefined : text;
}

/** What the section `cd sub` of the script writes to its Makefile for these pages; undefined if it does anything else. */
export function sectionMakefile(script: string, sub: string, pages: readonly string[]): string | undefined {
  const sections = [...script.matchAll(new RegExp(`\\ncd ${sub.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n([\\s\\S]*?)\\ncd \\.\\.\\n`, 'g'))].filter((x) => /\bMakefile\b/.test(x[1]!));
  if (sections.length !== 1) return undefined;
  const m = sections[0]!;
  const body = m[1]!.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  let out = '';
  let inLoop = false;
  const loop: string[] = [];
  let all: string | undefined;
  for (const line of body) {
    if (/^(?:chmod \+w \.|rm -f [\w*.[\]]+ Makefile)$/.test(line)) continue;
    if (/^all="all:"$/.test(line)) { all = 'all:'; continue; }
    if (line === 'for f in $MANPAGES; do') { inLoop = true; continue; }
    if (line === 'done') {
      inLoop = false;
      const outs: string[] = [];
      for (const f of pages) {
        const base = f.slice(f.lastIndexOf('/') + 1);
        let outname: string | undefined;
        for (const l of loop) {
          const suffix = /^outname="`basename \$f`([\w.]*)"$/.exec(l);
          if (suffix) { outname = base + suffix[1]!; continue; }
          if (l === WIKI_NAME) { outname = wikiName(base); continue; }
          if (l === 'all="$all $outname"') { if (outname === undefined || all === undefined) return undefined; outs.push(outname); continue; }
          const echo = /^echo(?:\s+(.*?))?\s*>>\s*Makefile$/.exec(l);
          const text = echo && (echo[1] === undefined ? '' : echoText(echo[1], { f, outname: outname ?? '\0' }));
          if (text === undefined || text === null) return undefined;
          out += `${text}\n`;
        }
      }
      all = ['all:', ...outs].join(' ');
      continue;
    }
    if (inLoop) { loop.push(line); continue; }
    if (line === 'echo $all >>Makefile') { if (all === undefined) return undefined; out += `${all}\n`; continue; }
    const echo = /^echo(?:\s+(.*?))?\s*>>?\s*Makefile$/.exec(line);
    const text = echo && (echo[1] === undefined ? '' : echoText(echo[1], {}));
    if (text === undefined || text === null) return undefined;
    out += `${text}\n`;
  }
  return inLoop ? undefined : out;
}

/** The page list: `for d in DIRS;do ls ../../$d/*.[135];done | grep -v '\.so\.'` over the tracked tree (C-locale order per directory). */
function manPages(script: string, scriptDir: string, ctx: ClassifyContext): string[] | undefined {
  const m = /^MANPAGES=`for d in ([\w -]+);do ls \.\.\/\.\.\/\$d\/\*\.\[135\];done \| grep -v '\\\.so\\\.'`$/m.exec(script);
  if (!m) return undefined;
  // The script runs in SUB (one below its own directory): ../../DIR is DIR beside the script's parent.
  const top = dirOf(scriptDir);
  const out: string[] = [];
  for (const d of m[1]!.trim().split(/\s+/)) {
    const dir = top ? `${top}/${d}` : d;
    const names = [...ctx.gitPaths].filter((p) => dirOf(p) === dir && /\.[135]$/.test(p) && !baseOf(p).includes('.so.')).map(baseOf);
    names.sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1));
    out.push(...names.map((n) => `../../${d}/${n}`));
  }
  return out;
}


/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && diff.tarball.size <= MAX_BYTES && baseOf(diff.path) === 'Makefile';

export const echoScriptClassifier: Classifier = {
  id: 'echo-script',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const sub = dirOf(diff.path);
    if (!sub) return undefined;
    const parent = dirOf(sub);
    const buf = ctx.content.tarball(diff.path);
    if (!buf) return undefined;
    const text = buf.toString('latin1');
    for (const p of [...ctx.gitPaths].filter((x) => dirOf(x) === parent && x.endsWith('.sh')).sort()) {
      const script = (await ctx.content.git(p))?.toString('latin1');
      if (!script || script.length > MAX_BYTES) continue;
      const pages = manPages(script, parent, ctx);
      if (!pages || sectionMakefile(script, baseOf(sub), pages) !== text) continue;
      const top = dirOf(parent);
      const dirs = [...new Set(pages.map((x) => `${top ? `${top}/` : ''}${dirOf(x.slice(6))}/*.[135]`))];
      return makeFinding('GENERATED_FROM_SOURCE', diff.path, { how: 'computed', source: p, generator: p, inputs: dirs });
    }
    return undefined;
  },
};
