/**
 * A file a tracked make rule writes by running a tracked shell script made only of echo lines (cyrus-sasl's
 * plugins/X_init.c: `${init_src}: $(srcdir)/makeinit.sh` / `$(SHELL) $(srcdir)/makeinit.sh $@`, the script a
 * `for mech in …; do if [ ${plugin_init} = "${mech}_init.c" ];then echo "TEMPLATE with $mech" > ${mech}_init.c`
 * loop). The script is read, never run: a small evaluator computes what it writes and the tarball's file must
 * be that, byte for byte. The evaluator reads (after the one tokenizer, src/util/shell-tokens.ts) only:
 *   - `NAME=WORD` assignments; `$1`…`$9` are the rule's arguments (`$@` of the recipe: the target);
 *   - `for NAME in WORDS; do … done` over literal words;
 *   - `if [ A = B ]; then … [else …] fi` (also `!=`), A and B plain strings after expansion;
 *   - `echo WORDS` with no redirection (the recipe's output, not a file) or `> FILE` / `>> FILE` (a file of the
 *     build directory, no `/`); no option, no backslash in what it prints (shells' echo differ there);
 *   - expansions `$NAME` / `${NAME}` of variables the script set (an unquoted one only when its value is one
 *     plain word: no field splitting or globbing to model); no command substitution.
 * Anything else — another command, a pipe, `&&`, a here-document, an unset variable — and the script proves
 * nothing. The recipe must be exactly `$(SHELL)`/`sh`/`/bin/sh` running the tracked script with `$@`, in the
 * makefile of the file's directory.
 */
import { makeFinding } from '../core/severity.js';
import { blobId } from '../scan/blob-id.js';
import { expandLoose, parseMakefile } from '../util/makefile.js';
import { tryShellTokens, type ShellSeg, type ShellToken } from '../util/shell-tokens.js';
import { baseOf, dirOf } from './paths.js';
import type { Classifier, ClassifyContext } from './types.js';
import { admits } from './precheck.js';
import { oncePerName } from '../util/memo.js';

const MAX_BYTES = 256 * 1024;
const MAX_SCRIPT_BYTES = 256 * 1024;
const MAX_OUTPUT = 4 * 1024 * 1024;
const FRAGMENTS = ['Makefile.am', 'Makefile.in', 'GNUmakefile', 'Makefile'];

type Cmd =
  | { kind: 'assign'; name: string; value: ShellSeg[] }
  | { kind: 'for'; name: string; words: ShellSeg[][]; body: Cmd[] }
  | { kind: 'if'; left: ShellSeg[]; op: '=' | '!='; right: ShellSeg[]; then: Cmd[]; else: Cmd[] }
  | { kind: 'echo'; args: ShellSeg[][]; redirect?: { append: boolean; file: ShellSeg[] } };

class Refused extends Error {}
const refuse = (why: string): never => {
  throw new Refused(why);
};

const isWord = (t: ShellToken | undefined): t is { word: ShellSeg[] } => t !== undefined && 'word' in t;
const plainWord = (t: ShellToken | undefined): string | undefined =>
  isWord(t) && t.word.every((s) => s.kind === 'text' && s.quote === '') ? t.word.map((s) => (s as { text: string }).text).join('') : undefined;
const isSep = (t: ShellToken | undefined) => t !== undefined && 'op' in t && (t.op === '\n' || t.op === ';');

function parse(toks: ShellToken[]): Cmd[] {
  let i = 0;
  const skipSeps = () => {
    while (isSep(toks[i])) i++;
  };
  const endCommand = () => {
    if (i < toks.length && !isSep(toks[i])) refuse('operator');
    skipSeps();
  };
  const list = (ends: readonly string[]): Cmd[] => {
    const out: Cmd[] = [];
    skipSeps();
    while (i < toks.length) {
      const head = plainWord(toks[i]);
      if (head !== undefined && ends.includes(head)) return out;
      out.push(command());
    }
    if (ends.length) refuse(`missing ${ends.join('/')}`);
    return out;
  };
  const expect = (w: string) => {
    skipSeps();
    if (plainWord(toks[i]) !== w) refuse(`expected ${w}`);
    i++;
  };
  const command = (): Cmd => {
    const t = toks[i];
    if (!isWord(t)) return refuse('operator at a command start');
    const head = plainWord(t);
    if (head === 'for') {
      i++;
      const name = plainWord(toks[i++]);
      if (!name || !/^[A-Za-z_]\w*$/.test(name) || plainWord(toks[i++]) !== 'in') refuse('for');
      const words: ShellSeg[][] = [];
      while (isWord(toks[i])) words.push((toks[i++] as { word: ShellSeg[] }).word);
      expect('do');
      const body = list(['done']);
      i++;
      endCommand();
      return { kind: 'for', name: name!, words, body };
    }
    if (head === 'if') {
      i++;
      const w = [];
      while (isWord(toks[i])) w.push(toks[i++] as { word: ShellSeg[] });
      const op = plainWord(w[2]);
      if (w.length !== 5 || plainWord(w[0]) !== '[' || plainWord(w[4]) !== ']' || (op !== '=' && op !== '!=')) refuse('if condition');
      expect('then');
      const then = list(['else', 'fi']);
      let els: Cmd[] = [];
      if (plainWord(toks[i]) === 'else') {
        i++;
        els = list(['fi']);
      }
      i++;
      endCommand();
      return { kind: 'if', left: w[1]!.word, op: op as '=' | '!=', right: w[3]!.word, then, else: els };
    }
    const first = t.word[0];
    const assign = first?.kind === 'text' && first.quote === '' ? /^([A-Za-z_]\w*)=([\s\S]*)$/.exec(first.text) : null;
    if (assign && !isWord(toks[i + 1])) {
      i++;
      endCommand();
      const value: ShellSeg[] = [...(assign[2] ? [{ kind: 'text' as const, text: assign[2], quote: '' as const }] : []), ...t.word.slice(1)];
      return { kind: 'assign', name: assign[1]!, value };
    }
    if (head === 'echo') {
      i++;
      const args: ShellSeg[][] = [];
      while (isWord(toks[i])) args.push((toks[i++] as { word: ShellSeg[] }).word);
      let redirect: { append: boolean; file: ShellSeg[] } | undefined;
      const r = toks[i];
      if (r && 'op' in r && (r.op === '>' || r.op === '>>') && r.fd === undefined) {
        i++;
        const f = toks[i++];
        if (!isWord(f)) refuse('redirection target');
        redirect = { append: r.op === '>>', file: (f as { word: ShellSeg[] }).word };
        while (isWord(toks[i])) args.push((toks[i++] as { word: ShellSeg[] }).word);
      }
      endCommand();
      return { kind: 'echo', args, ...(redirect ? { redirect } : {}) };
    }
    return refuse(`command ${head ?? '(expanded)'}`);
  };
  const out = list([]);
  return out;
}

/** What the script writes, file by file, run with these arguments; undefined when it does anything the evaluator does not read. */
export function evalEchoScript(script: string, args: readonly string[]): Map<string, string> | undefined {
  // $1…$9: the arguments, as variables of names no script uses.
  const toks = tryShellTokens(script.replace(/\$([1-9])/g, '${__distdiff_arg$1}'));
  if (!toks) return undefined;
  try {
    const cmds = parse(toks);
    const vars = new Map<string, string>();
    args.forEach((a, n) => vars.set(`__distdiff_arg${n + 1}`, a));
    const files = new Map<string, string>();
    let size = 0;
    const expand = (word: readonly ShellSeg[], mode: 'echo' | 'test' | 'file'): string => {
      let s = '';
      for (const seg of word) {
        if (seg.kind === 'sub') return refuse('command substitution');
        if (seg.kind === 'text') {
          if (seg.quote === '' && mode !== 'test' && /[*?[\]~]/.test(seg.text)) refuse('glob');
          s += seg.text;
          continue;
        }
        const v = vars.get(seg.name);
        if (v === undefined) refuse(`unset ${seg.name}`);
        if (!seg.quoted && (v === '' || /[\s*?[\]]/.test(v!))) refuse('unquoted expansion');
        s += v;
      }
      return s;
    };
    const run = (list: readonly Cmd[]) => {
      for (const c of list) {
        if (c.kind === 'assign') vars.set(c.name, expand(c.value, 'test'));
        else if (c.kind === 'for') {
          for (const w of c.words) {
            vars.set(c.name, expand(w, 'echo'));
            run(c.body);
          }
        } else if (c.kind === 'if') {
          const eq = expand(c.left, 'test') === expand(c.right, 'test');
          run((c.op === '=') === eq ? c.then : c.else);
        } else {
          const words = c.args.map((a) => expand(a, 'echo'));
          if (words[0]?.startsWith('-')) refuse('echo option');
          const text = `${words.join(' ')}\n`;
          if (text.includes('\\')) refuse('backslash in echo');
          if (!c.redirect) continue;
          const file = expand(c.redirect.file, 'file');
          if (!file || file.includes('/') || file === '.' || file === '..') refuse('redirection target');
          size += text.length;
          if (size > MAX_OUTPUT) refuse('too large');
          files.set(file, (c.redirect.append ? files.get(file) ?? '' : '') + text);
        }
      }
    };
    run(cmds);
    return files;
  } catch (e) {
    if (e instanceof Refused) return undefined;
    throw e;
  }
}

/** The recipe line's script, when it is exactly `$(SHELL)|sh|/bin/sh SCRIPT $@` with the script in the makefile's directory or the top. */
export function scriptOfRecipe(line: string, dir: string): string | undefined {
  const m = /^\s*(?:@|\$\(AM_V_GEN\)|\$\(AM_V_at\))*\s*(?:\$\(SHELL\)|\$\{SHELL\}|sh|\/bin\/sh)\s+(\S+)\s+\$@\s*$/.exec(line);
  if (!m) return undefined;
  const word = m[1]!;
  const top = /^\$[({]top_srcdir[)}]\//.exec(word);
  const rest = word.replace(/^\$[({](?:top_)?srcdir[)}]\//, '').replace(/^(?:\.\/)+/, '');
  if (!/^[\w.+-]+(?:\/[\w.+-]+)*$/.test(rest) || rest.split('/').some((s) => s === '..' || s === '.')) return undefined;
  return top || !dir ? rest : `${dir}/${rest}`;
}

const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && diff.tarball.size <= MAX_BYTES;

/**
 * The rules of a tracked makefile that run a script with `$@` (parsed once per git path set and makefile: every
 * tarball-only file of a directory asks for the same one); empty when the text has no such recipe at all.
 */
const parsed = oncePerName<ReadonlySet<string>, Promise<ReturnType<typeof parseMakefile> | undefined>>();
function scriptRules(frag: string, ctx: ClassifyContext): Promise<ReturnType<typeof parseMakefile> | undefined> {
  return parsed(ctx.gitPaths, frag, () =>
    ctx.content.git(frag).then((b) => {
      const text = b?.toString('utf8');
      return text !== undefined && /(?:\$[({]SHELL[)}]|\bsh)\s+\S+\s+\$@\s*$/m.test(text) ? parseMakefile(text, frag) : undefined;
    }),
  );
}

async function explain(path: string, ctx: ClassifyContext) {
  const buf = ctx.content.tarball(path);
  if (!buf || buf.includes(0)) return undefined;
  const dir = dirOf(path);
  const name = baseOf(path);
  for (const f of FRAGMENTS) {
    const frag = dir ? `${dir}/${f}` : f;
    if (!ctx.gitPaths.has(frag)) continue;
    const mk = await scriptRules(frag, ctx);
    if (!mk) continue;
    for (const rule of mk.rules) {
      const targets = rule.targets.flatMap((t) => expandLoose(t, mk.vars, dir).split(/\s+/)).filter(Boolean);
      if (!targets.includes(name) || rule.recipe.length !== 1) continue;
      const script = scriptOfRecipe(rule.recipe[0]!, dir);
      if (!script || !ctx.gitPaths.has(script)) continue;
      const sbuf = await ctx.content.git(script);
      if (!sbuf || sbuf.length > MAX_SCRIPT_BYTES || sbuf.includes(0)) continue;
      const out = evalEchoScript(sbuf.toString('latin1'), [name])?.get(name);
      if (out === undefined || out !== buf.toString('latin1')) continue;
      return makeFinding('GENERATED_FROM_SOURCE', path, {
        how: 'computed',
        source: frag,
        generator: script,
        inputs: [script],
        model: { id: 'sh-echo-subset', blob: blobId(ctx.revision.commit.length === 64 ? 'sha256' : 'sha1', sbuf) },
      });
    }
  }
  return undefined;
}

export const scriptEchoClassifier: Classifier = {
  id: 'script-echo',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    return explain(diff.path, ctx);
  },
};
