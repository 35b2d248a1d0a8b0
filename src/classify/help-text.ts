/**
 * Help text compiled into C from the manual (issue 11 d): curl's src/tool_hugehelp.c, written at make dist by a
 * tracked make rule that runs the tracked src/mkhelp.pl twice on the formatted manual — once as C string literals,
 * once (-c) as a gzip-compressed byte array — between echoed lines. Nothing is run. distdiff
 *  1. takes the help text T from the file's gzip array (decompressed),
 *  2. computes what the rule writes for T — the echoed lines, and mkhelp.pl's two outputs by a model of the script
 *     (its here-documents and logo lines read from the tracked script; the model applies only while the script
 *     carries the modelled code lines, see MODELS) — and compares the whole file byte for byte, so every C line
 *     is the tracked script's and the literals and the array say the same text;
 *  3. checks T against the tracked manual sources (the directory of the manual the rule formats): at least 95 %
 *     of T's distinct words occur there, no more than two it lacks in any twelve in a row, and every URL of T is one
 *     a manual source spells out whole (red team 25).
 */
import { gunzipSync } from 'node:zlib';
import { makeFinding } from '../core/severity.js';
import { blobId } from '../scan/blob-id.js';
import { rulesFor, type TargetRule } from './make-stamp.js';
import { expandLoose } from '../util/makefile.js';
import { wordsOf, novelRun } from './man-rendered.js';
import { dirOf } from './paths.js';
import { novelUrls, sourceUrls } from './urls.js';
import type { Classifier, ClassifyContext } from './types.js';
import { admits } from './precheck.js';

const MAX_BYTES = 4 * 1024 * 1024;
const MAX_SOURCE_BYTES = 16 * 1024 * 1024;
const MIN_WORDS = 50;
const MIN_SHARE = 0.95;

/** A Perl double-quoted string's value (`\\`, `\"`, `\n`, `\t`, `\$`, `\@`); undefined with any other escape or an interpolation. */
export function perlString(s: string, vars: Record<string, string> = {}): string | undefined {
  let bad = false;
  const out = s.replace(/\\(.)|\$(\w+)|@(\w+)/g, (m, esc: string | undefined, v: string | undefined) => {
    if (esc !== undefined) {
      if (esc === 'n') return '\n';
      if (esc === 't') return '\t';
      if ('\\"$@'.includes(esc)) return esc;
      bad = true;
      return m;
    }
    if (v !== undefined && v in vars) return vars[v]!;
    bad = true;
    return m;
  });
  return bad ? undefined : out;
}

/** The script's `print <<NAME` here-documents (bodies, unexpanded), in order. */
function heredocs(script: string): string[] {
  return [...script.matchAll(/print <<(\w+)\n([\s\S]*?\n)\1\n/g)].map((m) => m[2]!);
}

interface HelpModel {
  id: string;
  /** Lines the script must carry (each equal to a line of the script, leading/trailing blanks ignored). */
  fingerprint: readonly string[];
  plain(lines: readonly string[]): string;
  bytes(gz: Buffer): string;
  /** The here-document the plain branch prints after its loop (absent: `tail` of the model). */
  tail?: string;
}

const A: HelpModel = {
  id: 'mkhelp-fputs',
  fingerprint: [
    'my $content = join("", @out);', '$gzip = length($content);', '$gzipped = length($gzippedContent);', 'print " ";', 'for(split(//, $gzippedContent)) {', 'my $num=ord($_);',
    'printf(" 0x%02x,", 0+$num);', 'if(!(++$c % 12)) {', 'print "\\n ";', 'print "\\n};\\n";', 'foot();', 'exit;', 'for(@out) {', 'chop;', '$new = $_;',
    '$outsize += length($new)+1; # one for the newline', '$new =~ s/\\\\/\\\\\\\\/g;', '$new =~ s/\\"/\\\\\\"/g;', 'if($outsize > 500) {', 'print ", stdout);\\n fputs(\\n";',
    '$outsize=length($new)+1;', 'printf("\\"%s\\\\n\\"\\n", $new);', 'print ", stdout) ;\\n}\\n";',
  ],
  plain(lines) {
    let out = '';
    let size = 0;
    for (const line of lines) {
      size += line.length + 1;
      const esc = line.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
      if (size > 500) { out += ', stdout);\n fputs(\n'; size = esc.length + 1; }
      out += `"${esc}\\n"\n`;
    }
    return `${out}, stdout) ;\n}\n`;
  },
  bytes(gz) {
    let out = ' ';
    gz.forEach((b, i) => { out += ` 0x${b.toString(16).padStart(2, '0')},`; if ((i + 1) % 12 === 0) out += '\n '; });
    return `${out}\n};\n`;
  },
  tail: '',
};

const B: HelpModel = {
  id: 'mkhelp-curlman',
  fingerprint: [
    'while (<STDIN>) {', 'push @out, $line;', 'my $content = join("", @out);', '$gzip = length($content);', '$gzipped = length($gzippedContent);', 'for(split(//, $gzippedContent)) {',
    'my $num=ord($_);', 'if(!($c % 12)) {', 'print " ";', 'printf(" 0x%02x,", 0+$num);', 'if(!(++$c % 12)) {', 'print "\\n";', 'print "\\n};\\n";', 'foot();', 'exit;',
    'for my $n (@out) {', 'chomp $n;', '$n =~ s/\\\\/\\\\\\\\/g;', '$n =~ s/\\"/\\\\\\"/g;', '$n =~ s/\\t/\\\\t/g;', 'if(!$n) {', '$blank++;', '$n =~ s/        /\\\\t/g;',
    'printf("  \\"%s%s\\",\\n", $blank?"\\\\n":"", $n);', '$blank = 0;',
  ],
  plain(lines) {
    let out = '';
    let blank = 0;
    for (const line of lines) {
      let n = line.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\t/g, '\\t');
      if (n === '' || n === '0') { blank++; continue; } // Perl's false strings
      n = n.replace(/ {8}/g, '\\t');
      out += `  "${blank ? '\\n' : ''}${n}",\n`;
      blank = 0;
    }
    return out;
  },
  bytes(gz) {
    let out = '';
    gz.forEach((b, i) => { if (i % 12 === 0) out += ' '; out += ` 0x${b.toString(16).padStart(2, '0')},`; if ((i + 1) % 12 === 0) out += '\n'; });
    return `${out}\n};\n`;
  },
};

const MODELS: readonly HelpModel[] = [A, B];

/** What `perl SCRIPT` and `perl SCRIPT -c` print for help text `text` (gzip bytes `gz`), by the model the script carries. */
export function mkhelpOutputs(script: string, text: string, gz: Buffer): { model: string; plain: string; compressed: string } | undefined {
  const lines = new Set(script.split('\n').map((l) => l.trim()));
  const model = MODELS.find((m) => m.fingerprint.every((l) => lines.has(l)));
  if (!model) return undefined;
  const docs = heredocs(script);
  const gzAt = docs.findIndex((d) => d.includes('hugehelpgz[] = {'));
  const footBody = /sub foot \{\s*print <<(\w+)\n([\s\S]*?\n)\1\n/.exec(script)?.[2];
  // common head, [gzip head, gzip code], plain head, [plain tail]; the foot's here-document is the last.
  if (gzAt !== 1 || footBody === undefined || docs[docs.length - 1] !== footBody) return undefined;
  const plainTail = model.tail ?? docs[4];
  if (docs.length !== (model.tail === undefined ? 6 : 5) || plainTail === undefined) return undefined;
  const vars = { gzip: String(Buffer.byteLength(text, 'latin1')), gzipped: String(gz.length) };
  const [head, gzHead, gzCode, plainHead, foot] = [docs[0]!, docs[1]!, docs[2]!, docs[3]!, footBody].map((d) => perlString(d, d === docs[1] ? vars : {}));
  const tail = perlString(plainTail);
  if ([head, gzHead, gzCode, plainHead, foot, tail].some((x) => x === undefined)) return undefined;
  const elems = text.endsWith('\n') ? text.slice(0, -1).split('\n') : undefined;
  if (!elems) return undefined;
  return {
    model: model.id,
    plain: head! + plainHead! + model.plain(elems) + tail! + foot!,
    compressed: head! + gzHead! + model.bytes(gz) + gzCode! + foot!,
  };
}

/** The logo lines the script pushes before reading its input (`push @out, "…\n";`). */
function logo(script: string): string | undefined {
  let out = '';
  for (const m of script.matchAll(/^push @out, "((?:[^"\\]|\\.)*)";$/gm)) {
    const s = perlString(m[1]!);
    if (s === undefined) return undefined;
    out += s;
  }
  return out;
}

/** An expanded make path as a repository path: top-level directory variables are `.`; relative to the fragment when only that is tracked. */
function repoPath(expanded: string, dir: string, tracked: (p: string) => boolean): string {
  const p = expanded.replace(/\$\((?:abs_)?top_builddir\)/g, '.').replace(/^\.\//, '');
  return !tracked(p) && dir && tracked(`${dir}/${p}`) ? `${dir}/${p}` : p;
}

/** The rule's commands: echoed lines and mkhelp runs, in order; undefined for anything else. */
function ruleSteps(rule: TargetRule, path: string, tracked: (p: string) => boolean): { steps: ({ echo: string } | { compressed: boolean })[]; script: string; manual: string } | undefined {
  const vars = rule.vars;
  const recipe = rule.recipe.join(' ').replace(/\$\(HUGECMD\)|\$\(AM_V_\w+\)|^@/g, '');
  const m = /^\s*\(([\s\S]*)\)\s*$/.exec(recipe);
  if (!m) return undefined;
  const steps: ({ echo: string } | { compressed: boolean })[] = [];
  let script: string | undefined;
  let manual: string | undefined;
  const target = (w: string) => { const e = expandLoose(w, vars, rule.dir).replace(/^\.\//, ''); return e === path || `${rule.dir}/${e}` === path; };
  for (const raw of m[1]!.split(';')) {
    const cmd = raw.trim();
    if (!cmd) continue;
    const echo = /^echo\s+'([^'\\]*)'\s*>>?\s*(\S+)$/.exec(cmd);
    if (echo) { if (!target(echo[2]!)) return undefined; steps.push({ echo: `${echo[1]!}\n` }); continue; }
    const run = /^(?:(\$\(NROFF\))\s+(\S+)\s*\|\s*)?\$\(PERL\)\s+(\S+)(\s+-c)?\s*(?:<\s*(\S+)\s*)?>>\s*(\S+)$/.exec(cmd);
    if (!run || !target(run[6]!) || !!run[2] === !!run[5]) return undefined;
    const s = repoPath(expandLoose(run[3]!, vars, rule.dir), rule.dir, tracked);
    const man = repoPath(expandLoose((run[2] ?? run[5])!, vars, rule.dir), rule.dir, () => false);
    if ((script ?? s) !== s || (manual ?? man) !== man || /\$/.test(s + man)) return undefined;
    script = s;
    manual = man;
    steps.push({ compressed: !!run[4] });
  }
  return script && manual ? { steps, script, manual } : undefined;
}

async function manualWords(ctx: ClassifyContext, dir: string): Promise<{ words: Set<string>; urls: Set<string>; files: number } | undefined> {
  const words = new Set<string>();
  const urls = new Set<string>();
  let bytes = 0;
  let files = 0;
  for (const p of [...ctx.gitPaths].filter((p) => p.startsWith(`${dir}/`)).sort()) {
    const b = await ctx.content.git(p);
    if (!b || b.subarray(0, 8192).includes(0)) continue;
    if ((bytes += b.length) > MAX_SOURCE_BYTES) return undefined;
    files++;
    for (const w of wordsOf(b.toString('utf8').replace(/\\f[BIRP]|\\f\(..|\\[-&|^]|\\\(.{2}|\\e/g, ' '))) words.add(w);
    for (const u of sourceUrls(b.toString('utf8'))) urls.add(u);
  }
  return files ? { words, urls, files } : undefined;
}


/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && diff.tarball.size <= MAX_BYTES && diff.path.endsWith('.c');

export const helpTextClassifier: Classifier = {
  id: 'help-text',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const buf = ctx.content.tarball(diff.path);
    if (!buf) return undefined;
    const file = buf.toString('latin1');
    const array = /static const unsigned char (\w+)\[\] = \{\n(?: {2}\/\*[\s\S]*?\*\/\n)?([\s\dA-Fa-fx,]*)\};\n/.exec(file);
    if (!array) return undefined;
    const gz = Buffer.from((array[2]!.match(/0x[0-9a-f]{2}/g) ?? []).map((h) => parseInt(h, 16)));
    let text: string;
    try { text = gunzipSync(gz, { maxOutputLength: MAX_BYTES }).toString('latin1'); } catch { return undefined; }
    for (const rule of await rulesFor(diff.path, ctx)) {
      const r = ruleSteps(rule, diff.path, (p) => ctx.gitPaths.has(p));
      if (!r || !ctx.gitPaths.has(r.script)) continue;
      const script = (await ctx.content.git(r.script))?.toString('latin1');
      const out = script === undefined ? undefined : mkhelpOutputs(script, text, gz);
      const head = script === undefined ? undefined : logo(script);
      if (!out || !head || !text.startsWith(head)) continue;
      const expected = r.steps.map((s) => ('echo' in s ? s.echo : s.compressed ? out.compressed : out.plain)).join('');
      if (expected !== file) continue;
      const manualDir = dirOf(r.manual);
      const src = manualDir ? await manualWords(ctx, manualDir) : undefined;
      if (!src) continue;
      const words = wordsOf(text.slice(head.length));
      const found = [...words].filter((w) => src.words.has(w)).length;
      if (words.size < MIN_WORDS || found < words.size * MIN_SHARE) continue;
      // and the words the manual lacks stand apart, not as a paragraph (red team 22: ./man-rendered.ts novelRun)
      if (novelRun(text.slice(head.length), src.words)) continue;
      // and every URL of the text one the manual spells out whole (red team 25: curl 8.14.1's text sending the reader
      // to https://curl-se.net/docs/ssl-ciphers.html, every word of it the manual's, passed)
      if (novelUrls(text, src.urls).length) continue;
      return makeFinding('GENERATED_FROM_SOURCE', diff.path, {
        how: 'computed', source: rule.fragment, generator: r.script, inputs: [`${manualDir}/`], found, total: words.size,
        model: { id: out.model, blob: blobId(ctx.revision.commit.length === 64 ? 'sha256' : 'sha1', Buffer.from(script!, 'latin1')) },
      });
    }
    return undefined;
  },
};
