/**
 * Files a tracked make rule writes by running a tracked generator on tracked inputs (issue 11 d) — coreutils'
 * src/fs.h and src/fs-is-local.h (src/extract-magic over src/stat.c), src/dircolors.h (src/dcgen over
 * src/dircolors.hin), m4/cu-progs.m4 and src/cu-progs.mk (build-aux/gen-lists-of-programs.sh), doc/constants.texi
 * (`sed -n -e 's/RE/REPL/p' FILE` over src/tail.c, src/shred.c), THANKS-to-translators (`cat TEMPLATE; for x in
 * \`cat LIST\`; do echo …$$x…; done`). Nothing from the repository is run: distdiff computes what the generator
 * writes and compares the whole file byte for byte, so every line is accounted for and nothing else is there.
 *
 * The rule is found in a tracked makefile fragment (src/classify/make-stamp.ts: its target names the file, the
 * recipe writes `$@` or a temporary moved onto it). A script's model applies only while the tracked script still
 * carries the code lines the model stands for (its fingerprint, compared with whitespace collapsed): a changed
 * generator leaves the file unexplained rather than judged by an outdated model. Inputs must be tracked, except
 * a list file the classification explains otherwise (po/LINGUAS fetched at bootstrap), whose words must be
 * language codes.
 */
import { makeFinding } from '../core/severity.js';
import { breToRegExp } from './bre.js';
import { movesTmp, namesPath, patternRuleFor, rulesFor, type TargetRule } from './make-stamp.js';
import { expandLoose } from '../util/makefile.js';
import { evaluateRecipe } from './shell-subset.js';
import { renderProgram } from './c-generators.js';
import { FILTER_MODELS, MORE_SCRIPT_MODELS, type ReadInput, type ScriptModel } from './script-models.js';
import { syscallsPerfModel } from './syscalls-table.js';
import { blobId } from '../scan/blob-id.js';
import type { Classifier, ClassifyContext } from './types.js';
import { admits } from './precheck.js';
import { baseOf } from './paths.js';

const MAX_BYTES = 2 * 1024 * 1024;
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
const has = (script: string, lines: readonly string[]) => { const t = squash(script); return lines.every((l) => t.includes(squash(l))); };

/** A make path (expanded: `$(srcdir)` is `.`) as a repository path; undefined when it leaves the tree or keeps a variable. */
function repoPath(dir: string, p: string): string | undefined {
  const clean = p.replace(/^['"]|['"]$/g, '');
  if (!clean || clean.startsWith('/') || /[$%*?`]/.test(clean)) return undefined;
  const parts = dir ? dir.split('/') : [];
  for (const seg of clean.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') { if (!parts.length) return undefined; parts.pop(); } else parts.push(seg);
  }
  return parts.join('/');
}

async function tracked(ctx: ClassifyContext, path: string | undefined): Promise<string | undefined> {
  if (path === undefined || !ctx.gitPaths.has(path)) return undefined;
  const b = await ctx.content.git(path);
  return b && b.length <= MAX_BYTES && !b.subarray(0, 8192).includes(0) ? b.toString('latin1') : undefined;
}

/**
 * One recipe, continuation lines joined, make's silencing prefixes dropped: automake's `$(AM_V_GEN)` and a
 * fragment's own silent-rules variable (`CD2 = $(CD2_$(V))`, whose values only echo or stay empty).
 */
const recipeText = (rule: TargetRule) =>
  rule.recipe.map((l) => l.replace(/\$\(AM_V_[A-Za-z]+\)/g, '').replace(/\$\((\w+)\)/g, (m, v: string) => (rule.vars.get(v) === `$(${v}_$(V))` ? '' : m))).join('\n');

/**
 * The command writing the target (or a temporary moved onto it), as words after expansion: a `> $@`
 * redirection, one naming the target's path (`>${srcdir}/funcs.h`), or — with no redirection to the target —
 * a command whose last word names it (a script writing the file it is given).
 */
function scriptCommand(rule: TargetRule, path: string): string[] | undefined {
  const moved = movesTmp(rule.recipe);
  const names = (w: string) => { const e = expandLoose(w, rule.vars, rule.dir).replace(/^['"]|['"]$/g, ''); return namesPath(rule.dir, e, path) || namesPath('', e, path); };
  const cmds = recipeText(rule).split(/;|&&|\n/);
  for (const cmd of cmds) {
    const m = /^\s*(.*?)\s*>\s*(\S+)\s*$/.exec(cmd);
    if (!m || m[1]!.endsWith('>')) continue;
    const dest = m[2]!.replace(/^['"]|['"]$/g, '');
    if (dest !== '$@' && !(moved && /^\$@(?:[.-]?t(?:mp)?|T)$/.test(dest)) && !names(dest)) continue;
    return expandLoose(m[1]!, rule.vars, rule.dir).split(/\s+/).filter(Boolean);
  }
  if (cmds.some((c) => />/.test(c))) return undefined;
  for (const cmd of cmds) {
    const words = expandLoose(cmd, rule.vars, rule.dir).split(/\s+/).filter(Boolean);
    if (words.length > 1 && names(words[words.length - 1]!)) return words.map((w) => w.replace(/^(['"])(.*)\1$/, '$2'));
  }
  return undefined;
}

/**
 * A recipe of one command with no redirection (a script that writes its own output file, named in the script:
 * libseccomp's `${srcdir}/arch-gperf-generate ${srcdir}/syscalls.csv ${srcdir}/syscalls.perf.template`), as words,
 * when the rule's target is a plain file name: make runs the recipe in the fragment's directory, where the script's
 * relative output name lands.
 */
function ownOutputCommand(rule: TargetRule, path: string): string[] | undefined {
  const cmds = recipeText(rule).replace(/\$\{AM_V_[A-Za-z]+\}/g, '').split(/\n/).map((c) => c.trim()).filter(Boolean);
  if (cmds.length !== 1 || /[;&|<>`]/.test(cmds[0]!) || !/^[\w.+-]+$/.test(rule.target) || repoPath(rule.dir, rule.target) !== path) return undefined;
  const words = expandLoose(cmds[0]!, rule.vars, rule.dir).split(/\s+/).filter(Boolean);
  return words.some((w) => /[$'"\\]/.test(w)) ? undefined : words;
}

/**
 * Variables the fragment does not define (AC_SUBST values such as `$(ltdl_dir)`), bound to the path segment
 * they stand for in the target that names `path`.
 */
function bindings(rule: TargetRule, path: string): Map<string, string> {
  const segs = rule.target.split('/').filter((x) => x && x !== '.');
  const want = path.split('/');
  const out = new Map<string, string>();
  if (segs.length === want.length) segs.forEach((s, i) => { const m = /^\$\(([\w.]+)\)$/.exec(s); if (m) out.set(m[1]!, want[i]!); });
  return out;
}

/**
 * A rule whose recipe is one command of echo/cat/sed over tracked files writing `> $@` (src/classify/shell-subset.ts),
 * besides `rm -f`/`chmod` lines: evaluated.
 */
async function shellRule(rule: TargetRule, path: string, input: ReadInput): Promise<Computed | undefined> {
  const vars = new Map([...rule.vars, ...bindings(rule, path)]);
  // make's automatic `$<` (the first prerequisite) and a pattern rule's `$*` (its stem), as make puts them in
  const auto = (l: string) => l.replace(/(?<!\$)\$(?:<|\{<\}|\(<\))/g, rule.prerequisites[0] ?? '$<').replace(/(?<!\$)\$\*/g, rule.stem ?? '$*');
  let lines = rule.recipe.map((l) => auto(l.replace(/\$\(AM_V_[A-Za-z]+\)/g, '').trim())).filter(Boolean);
  // A temporary moved onto the target as the last command (`… > $@-t`, `chmod a=r $@-t`, `mv $@-t $@`): the text
  // written to the temporary is the target's. Only removing or chmod-ing the names may happen besides.
  const mv = /^mv\s+(?:-f\s+)?(\$@(?:[.-]?t(?:mp)?|T))\s+\$@$/.exec(lines[lines.length - 1] ?? '');
  if (mv) {
    const tmp = mv[1]!;
    const esc = tmp.replace(/[$.]/g, '\\$&');
    const names = `(?:\\$@|${esc})(?:\\s+(?:\\$@|${esc}))*`;
    const side = new RegExp(`^(?:rm -f|chmod (?:a-w|a=r|a\\+r|-w|444|0444))\\s+${names}$`);
    const body = lines.slice(0, -1);
    const first = body.findIndex((l) => !side.test(l));
    if (first < 0 || body.some((l) => !side.test(l) && !new RegExp(`>\\s*${esc}\\s*$`).test(l))) return undefined;
    // nothing removes the temporary once written
    if (body.slice(first).some((l) => l.startsWith('rm '))) return undefined;
    lines = body.filter((l) => !side.test(l)).map((l) => l.replace(new RegExp(`>\\s*${esc}\\s*$`), '> $@')).concat(body.filter((l) => side.test(l)));
  }
  const writing = lines.filter((l) => />/.test(l));
  if (writing.length === 0 || lines.some((l) => !writing.includes(l) && !/^(?:rm -f|chmod a-w)\s+(?:'\$@'|\$@)(?:\s+\$@[.-]?t(?:mp)?)?$/.test(l) && !(mv && /^(?:rm -f|chmod \S+)\s/.test(l)))) return undefined;
  // One command writing `> $@`, then possibly commands appending `>> $@` (wget's css_.c: echo a line, then cat css.c).
  const APPEND = />>(\s*(?:'\$@'|\$@)\s*)$/;
  if (APPEND.test(writing[0]!) || writing.slice(1).some((l) => !APPEND.test(l))) return undefined;
  const inputs: string[] = [];
  let text = '';
  let perl = false;
  for (const w of writing) {
    const cmd = expandLoose(w.replace(APPEND, '>$1'), vars, rule.dir).replace(/\$\$/g, '$').replace(/>\s*\$@\s*$/, "> '$@'");
    const r = await evaluateRecipe(cmd, async (f) => { const t = await input(f); if (t) inputs.push(t.path); return t?.text; });
    if (!r) return undefined;
    text += r.text;
    perl ||= r.perl === true;
  }
  const where = rule.pattern ? `${rule.fragment}, pattern rule ${rule.pattern}` : rule.fragment;
  return { generator: `${perl ? 'perl -p s///' : 'echo/cat/sed'} (${where})`, inputs: [...new Set(inputs)], text };
}

export interface Computed {
  generator: string;
  inputs: string[];
  text: string;
  /** Further texts the generator may write (a C program's output per platform integer width); text is the first. */
  texts?: string[];
  /** A compiled generator's model and the blob id of the tracked source it was fingerprinted on. */
  model?: { id: string; blob: string };
  /** Inputs only the tarball has, read from it (each must be explained by its own finding: src/classify/derived-inputs.ts). */
  tarballInputs?: string[];
}


/** `static char const NAME[] = { 'c','h','a','r',0, … };`: each non-blank line of the input (blank runs squeezed) as characters. */
const charTable: ScriptModel = {
  id: 'char-table',
  fingerprint: ['s/[[:blank:]]+/ /g;', '$_ and push @line, $_;', 'print "static char const G_line[] =\\n{\\n";', "s/./'$&',/g;", "s/'\\\\'/'\\\\\\\\'/g;", "s/'''/'\\\\''/g;", 'print "$indent${_}0,\\n";', 'print "};\\n";'],
  async render(script, args, _name, input) {
    const [file, ...rest] = args.filter((a) => a !== '-w' && a !== '--');
    if (rest.length || !file) return undefined;
    const src = await input(file);
    if (!src) return undefined;
    const lines = src.text.replace(/\n$/, '').split('\n').map((l) => l.replace(/[ \t]+/g, ' ')).filter((l) => l !== '' && l !== '0');
    const row = (l: string) => [...l].map((c) => (c === '\\' ? "'\\\\'," : c === "'" ? "'\\''," : `'${c}',`)).join('');
    return { inputs: [src.path], text: `static char const G_line[] =\n{\n${lines.map((l) => `  ${row(l)}0,\n`).join('')}};\n` };
  },
};

/** `case S_MAGIC_X: /* 0xNN local|remote *\/` lines of the input as `# define` lines, or (--local) an is_local_fs_type switch. */
const magicNumbers: ScriptModel = {
  id: 'magic-numbers',
  fingerprint: [
    '$line =~ /^[ \\t]+case S_MAGIC_/', 'm!^[ \\t]+case (S_MAGIC_\\w+): /\\* (0x[0-9A-Fa-f]+) (local|remote) \\*/!', "my $local = $3 eq 'local' ? 1 : 0;",
    'print $emit_magic ? $magic_comment : $map_comment;', 'and print "\\n#if defined __linux__ || defined __ANDROID__\\n";',
    'or print "static inline int\\n" . "is_local_fs_type (unsigned long int magic)\\n" . "{\\n switch (magic)\\n {\\n";',
    '? "# define $name $magic\\n" : " case $name: return $local;\\n";', 'and print <<\\EOF;', 'or printf " default: return -1;\\n }\\n}\\n";',
  ],
  async render(script, args, _name, input) {
    const local = args[0] === '--local';
    const [file, ...rest] = local ? args.slice(1) : args;
    if (rest.length || !file) return undefined;
    const src = await input(file);
    if (!src) return undefined;
    const heredoc = (name: string) => new RegExp(`my \\$${name} = <<EOF;\\n([\\s\\S]*?\\n)EOF\\n`).exec(script)?.[1];
    const trailer = /and print <<\\EOF;\n([\s\S]*?\n)EOF\n/.exec(script)?.[1];
    const magic = heredoc('magic_comment');
    const map = heredoc('map_comment');
    if (!magic || !map || trailer === undefined || /\$(?!file\b)\w|\\(?!@)/.test(magic + map)) return undefined;
    const interp = (t: string) => t.replace(/\\@/g, '@').replace(/\$file\b/g, file);
    let out = local ? `${interp(map)}static inline int\nis_local_fs_type (unsigned long int magic)\n{\n  switch (magic)\n    {\n` : `${interp(magic)}\n#if defined __linux__ || defined __ANDROID__\n`;
    for (const line of src.text.split('\n')) {
      if (!/^[ \t]+case S_MAGIC_/.test(line)) continue;
      const m = /^[ \t]+case (S_MAGIC_\w+): \/\* (0x[0-9A-Fa-f]+) (local|remote) \*\//.exec(line);
      if (!m) return undefined; // the script would fail (exit 1): no output to compare
      out += local ? `      case ${m[1]}: return ${m[3] === 'local' ? 1 : 0};\n` : `# define ${m[1]} ${m[2]}\n`;
    }
    out += local ? '      default: return -1;\n    }\n}\n' : trailer;
    return { inputs: [src.path], text: out };
  },
};

/** The three program lists of the script itself, written as m4 (`--autoconf`) or make (`--automake`) assignments. */
const programLists: ScriptModel = {
  id: 'program-lists',
  fingerprint: [
    "me=`echo \"$0\" | sed 's,.*/,,'`", 'msg="Automatically generated by $me. DO NOT EDIT BY HAND!"', 'echo "dnl $msg"', 'for p in $normal_progs; do',
    "test x\"$p\" = x\"[\" && p='@<:@'", 'echo "gl_ADD_PROG([optional_bin_progs], [$p])"', "echo \"no_install_progs_default='`echo $disabled_by_default_progs`'\"",
    "sed 's/^ *//' <<END", 'echo "## $msg"', 'progsdir=src', 'echo no_install__progs =', 'for p in $disabled_by_default_progs; do', 'echo no_install__progs += $progsdir/$p',
    'echo build_if_possible__progs =', 'for p in $build_if_possible_progs; do', 'echo build_if_possible__progs += $progsdir/$p', 'echo default__progs =', 'echo default__progs += $progsdir/$p',
  ],
  async render(script, args, name) {
    if (args.length !== 1) return undefined;
    const list = (name: string) => { const m = new RegExp(`^${name}='\\n([\\s\\S]*?)'$`, 'm').exec(script); return m ? m[1]!.split(/\s+/).filter(Boolean) : undefined; };
    const [off, maybe, normal] = [list('disabled_by_default_progs'), list('build_if_possible_progs'), list('normal_progs')];
    if (!off || !maybe || !normal || [...off, ...maybe, ...normal].some((p) => !/^[\w.[+-]+$/.test(p))) return undefined;
    const msg = `Automatically generated by ${name}.  DO NOT EDIT BY HAND!`;
    if (args[0] === '--automake' || args[0] === '--for-automake') {
      const block = (v: string, ps: string[]) => [`${v} =`, ...ps.map((p) => `${v} += src/${p}`)];
      return { inputs: [], text: [`## ${msg}`, ...block('no_install__progs', off), ...block('build_if_possible__progs', maybe), ...block('default__progs', normal), ''].join('\n') };
    }
    if (args[0] !== '--autoconf' && args[0] !== '--for-autoconf') return undefined;
    const doc = /sed 's\/\^ \*\/\/' <<END\n([\s\S]*?)\nEND\n/.exec(script)?.[1];
    if (doc === undefined) return undefined;
    // The here-document: continuation lines joined, leading blanks removed, its one command substitution done.
    const subst = '`echo $disabled_by_default_progs | sed \'s/ /,/g\'`';
    const joined = doc.replace(/\\\n\s*/g, '').replace(/`[^`]*`/g, (c) => (squash(c) === subst ? off.join(',') : '\0'));
    if (joined.includes('\0') || /[`$\\]/.test(joined)) return undefined;
    const body = joined.split('\n').map((l) => l.replace(/^ */, ''));
    return { inputs: [], text: [`dnl ${msg}`, ...normal.map((p) => `gl_ADD_PROG([optional_bin_progs], [${p === '[' ? '@<:@' : p}])`), `no_install_progs_default='${off.join(' ')}'`, ...body, ''].join('\n') };
  },
};

const SCRIPT_MODELS: readonly ScriptModel[] = [charTable, magicNumbers, programLists, ...MORE_SCRIPT_MODELS, syscallsPerfModel];

/** A recipe `{ sed -n -e 's/RE/REPL/p' FILE && … ; } > $@-t`: each sed's printed lines, in order (POSIX BRE, C locale). */
export function sedPrint(recipe: string): { expr: string; file: string }[] | undefined {
  const m = /\{([^{}]*)\}\s*>\s*\$@-t\b/.exec(recipe.replace(/\n/g, ' '));
  if (!m) return undefined;
  const seds: { expr: string; file: string }[] = [];
  const rest = m[1]!.replace(/sed\s+-n\s+-e\s+'(s\/(?:[^'\\/]|\\.)*\/(?:[^'\\/]|\\.)*\/p)'\s*([^\s;&|]+)/g, (_, expr: string, file: string) => { seds.push({ expr, file }); return ''; });
  return seds.length && /^[\s;&]*$/.test(rest) ? seds : undefined;
}

function sedApply(expr: string, text: string): string | undefined {
  const m = /^s\/((?:[^\\/]|\\.)*)\/((?:[^\\/]|\\.)*)\/p$/.exec(expr);
  const re = m && breToRegExp(m[1]!);
  if (!m || !re || /\\[^1-9&\\/]/.test(m[2]!)) return undefined;
  const repl = m[2]!;
  let out = '';
  for (const line of text.replace(/\n$/, '').split('\n')) {
    const hit = re.exec(line);
    if (!hit) continue;
    const r = repl.replace(/\\([1-9&\\/])|&/g, (t, e: string | undefined) => (e === undefined ? hit[0] : e === '&' || e === '\\' || e === '/' ? e : hit[Number(e)] ?? ''));
    out += `${line.slice(0, hit.index)}${r}${line.slice(hit.index + hit[0].length)}\n`;
  }
  return out;
}

/**
 * gnulib's exported-symbols rule (libunistring's libunistring.sym, gettext's libtextstyle.sym.in):
 * `if for f in LIST; do if test -f $$f; then cat $$f; else cat $(srcdir)/$$f; fi; done | SCRIPT > $@-t1; then
 * LC_ALL=C sort < $@-t1 | LC_ALL=C uniq > $@-t2 && mv $@-t2 $@; else …keep an existing file or fail…; fi`: the
 * listed files concatenated, piped through the script, sorted bytewise, repeated lines dropped. The `else` branch
 * writes nothing (it only echoes or exits).
 */
export function catFilterSorted(recipe: string): { files: string[]; script: string } | undefined {
  const m = /^if for (\w+) in ([^;`$|&<>]*); do (?:if test -f \$\$\1; then cat \$\$\1; else cat ([^\s;`$|&<>]+)\/\$\$\1; fi|cat \$\$\1); done \| (\S+) > \$@-t1; then LC_ALL=C sort < \$@-t1 \| LC_ALL=C uniq > \$@-t2 && mv \$@-t2 \$@;(?: else if test -f \$@; then echo "[^"`$\\]*"; else exit 1; fi;)? fi$/.exec(squash(recipe));
  if (!m || (m[3] !== undefined && m[3] !== '.')) return undefined;
  const files = m[2]!.split(' ').filter(Boolean);
  return files.length ? { files, script: m[4]! } : undefined;
}

/** LC_ALL=C sort | LC_ALL=C uniq over lines (a last line without its newline gains one). */
export function sortUniq(text: string): string {
  const lines = (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
  if (text === '') return '';
  const sorted = lines.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.filter((l, i) => i === 0 || l !== sorted[i - 1]).map((l) => `${l}\n`).join('');
}

/** `( cat T; for v in \`cat L\`; do echo TEXT; done; ) > $@-tmp`: T, then TEXT for each word of L. */
export function catAndList(recipe: string): { template: string; list: string; variable: string; echo: string } | undefined {
  const m = /^\s*\(\s*cat\s+(\S+);\s*for\s+(\w+)\s+in\s+`cat\s+(\S+)`;\s*do\s+echo\s+([^;`$]*\$\$\2[^;`$]*);\s*done;?\s*\)\s*>\s*\$@(?:-tmp|-t|\.tmp)\s*&&\s*mv\s+\$@(?:-tmp|-t|\.tmp)\s+\$@\s*$/.exec(recipe.replace(/\n/g, ' '));
  return m ? { template: m[1]!, variable: m[2]!, list: m[3]!, echo: m[4]!.trim() } : undefined;
}

/**
 * `DIR/PROG$(EXEEXT) ARGS > $@-t` where DIR/PROG.c is tracked and PROG is not: a C program the release compiles,
 * computed by its model (src/classify/c-generators.ts); `texts` holds one output per platform it may have run on.
 */
async function compiledProgram(words: string[], ctx: ClassifyContext): Promise<Computed | undefined> {
  const exe = /^(.+?)(?:\$\(EXEEXT\))?$/.exec(words[0]!)![1]!;
  const prog = repoPath('', exe);
  if (prog === undefined || ctx.gitPaths.has(prog) || !ctx.gitPaths.has(`${prog}.c`)) return undefined;
  const source = await tracked(ctx, `${prog}.c`);
  const r = source === undefined ? undefined : renderProgram(source, words.slice(1));
  if (!r) return undefined;
  return { generator: `${prog}.c`, inputs: [], text: r.texts[0]!, texts: r.texts, model: { id: r.model, blob: blobId(ctx.revision.commit.length === 64 ? 'sha256' : 'sha1', Buffer.from(source!, 'latin1')) } };
}

/** gnulib's gen-header definitions (modules/gen-header): the first line replaced by the do-not-edit comment, then kept. */
const GEN_HEADER_LINES = [
  'SED_HEADER_NOEDIT = s,.*,/* DO NOT EDIT! GENERATED AUTOMATICALLY! */,',
  "SED_HEADER_STDOUT = sed -e 1h -e '1$(SED_HEADER_NOEDIT)' -e 1G",
  "SED_HEADER_TO_AT_t = $(SED_HEADER_STDOUT) -n -e 'w $@-t'",
];
const NOEDIT = '/* DO NOT EDIT! GENERATED AUTOMATICALLY! */';

/**
 * The header `X.h` a module of a pinned gnulib builds from `X.in.h` with nothing but gen-header's copy: the module
 * (modules/X or modules/X/base of the pinned commit) has the rule `X.h: X.in.h` whose recipe is exactly
 * `$(gl_V_at)$(SED_HEADER_TO_AT_t) $(srcdir)/X.in.h` and `$(AM_V_at)mv $@-t $@` (after gnulib-tool's `@NMD@` mkdir
 * line), and modules/gen-header defines SED_HEADER_TO_AT_t as above: the do-not-edit comment line, then X.in.h.
 */
export async function gnulibBuiltHeader(ctx: ClassifyContext, header: string, template: string): Promise<string | undefined> {
  const base = header.slice(header.lastIndexOf('/') + 1);
  const stem = base.slice(0, -2);
  if (!/^[\w-]+$/.test(stem)) return undefined;
  for (const sub of ctx.submodules ?? []) {
    const gen = (await sub.read('modules/gen-header'))?.toString('latin1');
    if (!gen || !GEN_HEADER_LINES.every((l) => gen.split('\n').includes(l))) continue;
    for (const m of [`modules/${stem}`, `modules/${stem}/base`]) {
      const text = (await sub.read(m))?.toString('latin1');
      if (!text) continue;
      const rule = new RegExp(`^${base.replace('.', '\\.')}: ${stem}\\.in\\.h\n(?:@NMD@\t\\$\\(AM_V_GEN\\)\\$\\(MKDIR_P\\) '%reldir%'\n)?\t\\$\\(gl_V_at\\)\\$\\(SED_HEADER_TO_AT_t\\) \\$\\(srcdir\\)/${stem}\\.in\\.h\n\t\\$\\(AM_V_at\\)mv \\$@-t \\$@\n`, 'm');
      if (rule.test(text)) return `${NOEDIT}\n${template}`;
    }
  }
  return undefined;
}

/** What the rule writes, computed from the tracked generator and inputs; undefined when no model describes the rule. */
export async function computeRule(rule: TargetRule, path: string, ctx: ClassifyContext): Promise<Computed | undefined> {
  const recipe = recipeText(rule);
  // A make path is read from the top of the tree (`$(srcdir)` of a top-level fragment) or from the fragment's directory.
  const candidates = (p: string) => [...new Set([repoPath('', p), repoPath(rule.dir, p)].filter((x): x is string => x !== undefined))];
  const fromTarball = new Set<string>();
  const input = async (p: string) => {
    const paths = candidates(p);
    for (const q of paths) {
      const text = await tracked(ctx, q);
      if (text !== undefined) return { path: q, text };
    }
    // A file only the tarball has (itself a generated file: wget's css.c, less's help.c) is read from the tarball and
    // named in the evidence; the derived-inputs post pass flags this file unless that input's own finding explains it.
    for (const q of paths) {
      if (q === path || ctx.gitPaths.has(q) || !ctx.tarballPaths.has(q)) continue;
      const b = ctx.content.tarball(q);
      if (!b || b.length > MAX_BYTES || b.subarray(0, 8192).includes(0)) continue;
      fromTarball.add(q);
      return { path: q, text: b.toString('latin1') };
    }
    // A header gnulib's module builds from its X.in.h (`$(SED_HEADER_TO_AT_t) $(srcdir)/X.in.h`: libunistring's
    // unistr.h …): read as the build writes it, from X.in.h (tracked, or a tarball file its own finding explains).
    for (const q of paths) {
      if (q === path || ctx.gitPaths.has(q) || ctx.tarballPaths.has(q) || !q.endsWith('.h')) continue;
      const template = q.replace(/\.h$/, '.in.h');
      let text = await tracked(ctx, template);
      if (text === undefined && ctx.tarballPaths.has(template) && !ctx.gitPaths.has(template)) {
        const b = ctx.content.tarball(template);
        if (!b || b.length > MAX_BYTES || b.subarray(0, 8192).includes(0)) continue;
        text = b.toString('latin1');
        fromTarball.add(template);
      }
      if (text === undefined) continue;
      const made = await gnulibBuiltHeader(ctx, q, text);
      if (made === undefined) continue;
      return { path: template, text: made };
    }
    return undefined;
  };
  const withTarball = (c: Computed | undefined): Computed | undefined => (c && fromTarball.size ? { ...c, tarballInputs: [...fromTarball].sort() } : c);
  return withTarball(await computeWith(rule, path, ctx, recipe, candidates, input));
}

async function computeWith(rule: TargetRule, path: string, ctx: ClassifyContext, recipe: string, candidates: (p: string) => string[], input: ReadInput): Promise<Computed | undefined> {
  const seds = sedPrint(expandLoose(recipe, rule.vars, rule.dir));
  if (seds && movesTmp(rule.recipe)) {
    let text = '';
    for (const s of seds) {
      const src = await input(s.file);
      const out = src && sedApply(s.expr, src.text);
      if (out === undefined) return undefined;
      text += out;
    }
    return { generator: `sed -n (${rule.fragment})`, inputs: seds.map((s) => repoPath('', s.file)!), text };
  }
  const piped = catFilterSorted(expandLoose(recipe, rule.vars, rule.dir));
  if (piped) {
    // The script may be one only the tarball has (gnulib-tool --copy-file at bootstrap): read from the tarball, it is
    // a tarball input its own finding must explain; its code must still be a version a filter model stands for.
    const script = await input(piped.script);
    const model = script && FILTER_MODELS.find((f) => has(script.text, f.fingerprint));
    if (!script || !model) return undefined;
    let stdin = '';
    const inputs: string[] = [];
    for (const f of piped.files) {
      const src = await input(f);
      if (!src) return undefined;
      stdin += src.text;
      inputs.push(src.path);
    }
    const out = model.filter(script.text, stdin);
    return out === undefined ? undefined : { generator: script.path, inputs, text: sortUniq(out) };
  }
  const cl = catAndList(expandLoose(recipe, rule.vars, rule.dir));
  if (cl) {
    const template = await input(cl.template);
    const listPath = repoPath('', cl.list) ?? repoPath(rule.dir, cl.list);
    const list = listPath ? (await ctx.content.git(listPath)) ?? ctx.content.tarball(listPath) : undefined;
    if (!template || !list || list.length > 64 * 1024) return undefined;
    const words = list.toString('latin1').split(/\s+/).filter(Boolean);
    if (words.some((w) => !/^[a-z]{2,3}(?:_[A-Z]{2})?(?:@[a-z]+)?$/.test(w))) return undefined;
    return { generator: `cat + echo (${rule.fragment})`, inputs: [template.path, listPath!], text: template.text + words.map((w) => `${cl.echo.split(`$$${cl.variable}`).join(w)}\n`).join('') };
  }
  const shell = await shellRule(rule, path, input);
  if (shell) return shell;
  const own = ownOutputCommand(rule, path);
  const words = scriptCommand(rule, path) ?? own;
  if (!words) return undefined;
  const program = await compiledProgram(words, ctx);
  if (program) return program;
  const trackedScript = (w: string) => (/(?:^|\/)[\w.-]+$/.test(w) && !/\.(?:c|h|in|hin|mk|am)$/.test(w) ? candidates(w).find((q) => ctx.gitPaths.has(q)) : undefined);
  const at = words.findIndex((w) => trackedScript(w) !== undefined);
  if (at < 0 || words.slice(0, at).some((w) => !/^(?:\$\((?:PERL|SHELL)\)|perl|sh|-w|--)$/.test(w))) return undefined;
  const scriptPath = trackedScript(words[at]!)!;
  const script = await tracked(ctx, scriptPath);
  if (!script) return undefined;
  for (const model of SCRIPT_MODELS) {
    // a script writing its own output file runs from a rule with no redirection (own), and only such a rule runs it
    if ((model.writes !== undefined) !== (words === own) || (model.writes !== undefined && baseOf(path) !== model.writes)) continue;
    if (!has(script, model.fingerprint)) continue;
    const r = await model.render(script, words.slice(at + 1), scriptPath.slice(scriptPath.lastIndexOf('/') + 1), input, scriptPath, ctx.content.tarball(path)?.toString('latin1'));
    if (r) return { generator: scriptPath, inputs: r.inputs, text: r.text };
  }
  return undefined;
}


/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && diff.tarball.size <= MAX_BYTES;

export const generatorModelClassifier: Classifier = {
  id: 'generator-model',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    // a file identical to a tracked blob (a rule that changed nothing: a header with no attribute to replace) is
    // not kept by the compare stage: its content is that blob's
    const buf = ctx.content.tarball(diff.path) ?? (diff.copyOf !== undefined ? await ctx.content.git(diff.copyOf) : undefined);
    if (!buf) return undefined;
    const text = buf.toString('latin1');
    // the explicit rules naming the file, else the pattern rule make would use for it (`%.h: %.in.h`)
    const explicit = await rulesFor(diff.path, ctx);
    const pattern = await patternRuleFor(diff.path, ctx, explicit);
    for (const rule of [...explicit, ...(pattern ? [pattern] : [])]) {
      const c = await computeRule(rule, diff.path, ctx);
      if (c && (c.texts ?? [c.text]).includes(text))
        return makeFinding('GENERATED_FROM_SOURCE', diff.path, { how: 'computed', source: rule.fragment, generator: c.generator, inputs: c.inputs, ...(c.model ? { model: c.model } : {}), ...(c.tarballInputs ? { tarballInputs: c.tarballInputs } : {}) });
    }
    return undefined;
  },
};
