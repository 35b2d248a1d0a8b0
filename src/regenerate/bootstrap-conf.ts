/**
 * What a tracked bootstrap.conf tells about the gnulib-tool run the release's bootstrap made, read as data
 * (never sourced, never evaluated): plain top-level assignments, the `bootstrap_post_import_hook` function's
 * body as words, and the gnulib-tool command line the bootstrap builds from them.
 *
 * Two bootstraps are modelled, as they are written:
 *
 *   gnulib's build-aux/bootstrap   gnulib-tool --no-changelog --aux-dir=$build_aux --doc-base=$doc_base
 *                                  --lib=$gnulib_name --m4-base=$m4_base/ --source-base=$source_base/
 *                                  --tests-base=$tests_base --local-dir=… $gnulib_tool_option_extras
 *                                  [--libtool] --import $gnulib_modules
 *   gnulib-modules/bootstrap       gnulib-tool $gnulib_tool_options $gnulib_tool_option_extras
 *   (libtool's gl-mod/bootstrap)   [--aux-dir=AC_CONFIG_AUX_DIR] [--m4-base=AC_CONFIG_MACRO_DIRS]
 *                                  [--doc-base/--lib/--source-base only when bootstrap.conf sets them]
 *                                  --local-dir=… (local_gl_path) [--makefile-name=$gnulib_mk]
 *                                  [--tests-base=$tests_base --with-tests] --libtool|--no-libtool
 *                                  --import $gnulib_modules
 *
 * A value that needs the shell — a command substitution, an unknown variable — makes the value unknown:
 * the command line is then not built (the outputs stay unproved), never guessed. `--symlink` (bootstrap's
 * default) is left out: it changes how copies are made, not what gnulib-tool writes.
 */

/** One shell word as the tokenizer saw it: its text with variables expanded, or undefined when it needs the shell. */
type Word = string | undefined;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * Read shell words from `src` starting at `i` until an unquoted newline (or `;`, `|`, `&`), expanding
 * `$name` / `${name}` from `vars`. Returns the words and where it stopped.
 */
function readWords(src: string, i: number, vars: ReadonlyMap<string, string>, oneWord = false): { words: Word[]; end: number; op?: string } {
  const words: Word[] = [];
  let cur: string | undefined = '';
  let started = false;
  let bad = false;
  const push = () => {
    if (started) words.push(bad ? undefined : cur);
    cur = '';
    started = false;
    bad = false;
  };
  const expand = (j: number): number => {
    // at '$'
    const rest = src.slice(j + 1);
    if (rest.startsWith('{')) {
      const close = rest.indexOf('}');
      const name = close > 0 ? rest.slice(1, close) : '';
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        bad = true;
        return j + 2 + Math.max(close, 0);
      }
      const v = vars.get(name);
      if (v === undefined) bad = true;
      else cur += v;
      return j + 2 + close;
    }
    const m = NAME.exec(rest);
    if (!m) {
      bad = true; // $( … ), $?, $1 …
      return j + 1;
    }
    const v = vars.get(m[0]);
    if (v === undefined) bad = true;
    else cur += v;
    return j + 1 + m[0].length;
  };
  let op: string | undefined;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '\n' || c === ';' || c === '|' || c === '&') {
      op = c === '|' && src[i + 1] === '|' ? '||' : c === '&' && src[i + 1] === '&' ? '&&' : c;
      break;
    }
    if (c === ' ' || c === '\t') {
      push();
      if (oneWord && words.length) break;
      i++;
      continue;
    }
    if (c === '#' && !started) {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    started = true;
    if (c === "'") {
      const close = src.indexOf("'", i + 1);
      if (close < 0) {
        bad = true;
        i = src.length;
        break;
      }
      cur += src.slice(i + 1, close);
      i = close + 1;
      continue;
    }
    if (c === '"') {
      i++;
      while (i < src.length && src[i] !== '"') {
        const d = src[i]!;
        if (d === '\\' && i + 1 < src.length) {
          const n = src[i + 1]!;
          if (n === '\n') i += 2;
          else if ('$`"\\'.includes(n)) {
            cur += n;
            i += 2;
          } else {
            cur += d;
            i++;
          }
          continue;
        }
        if (d === '`') bad = true;
        if (d === '$') {
          i = expand(i);
          continue;
        }
        cur += d;
        i++;
      }
      i++;
      continue;
    }
    if (c === '`' || c === '(' || c === ')' || c === '<' || c === '>' || c === '*' || c === '?' || c === '[') bad = true;
    if (c === '\\') {
      cur += src[i + 1] ?? '';
      i += 2;
      continue;
    }
    if (c === '$') {
      i = expand(i);
      continue;
    }
    cur += c;
    i++;
  }
  push();
  return { words, end: i, ...(op ? { op } : {}) };
}

/** The lines of top-level code and the function bodies of a bootstrap.conf. */
function structure(conf: string): { top: string; functions: Map<string, string> } {
  const lines = conf.split('\n');
  const functions = new Map<string, string>();
  const top: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*\(\)\s*(\{)?\s*(.*)$/.exec(lines[i]!);
    if (!m) {
      top.push(lines[i]!);
      continue;
    }
    // name () { …one line… }
    if (m[2] && /\}\s*$/.test(m[3]!)) {
      functions.set(m[1]!, m[3]!.replace(/\}\s*$/, '').replace(/;\s*$/, ''));
      top.push('');
      continue;
    }
    let j = i + 1;
    if (!m[2]) {
      while (j < lines.length && lines[j]!.trim() === '') j++;
      if (lines[j]?.trim() !== '{') {
        top.push(lines[i]!);
        continue;
      }
      j++;
    }
    const body: string[] = [];
    while (j < lines.length && !/^\}/.test(lines[j]!)) body.push(lines[j++]!);
    functions.set(m[1]!, body.join('\n'));
    for (let k = i; k <= j; k++) top.push('');
    i = j;
  }
  return { top: top.join('\n'), functions };
}

/**
 * The plain assignments at the top level of a bootstrap.conf, in order, each expanded with the values known
 * at that point (`defaults` first). A value needing the shell is recorded as undefined (unknown).
 */
export function confAssignments(conf: string, defaults: ReadonlyMap<string, string> = new Map()): Map<string, string | undefined> {
  const { top } = structure(conf);
  const vars = new Map<string, string>(defaults);
  const out = new Map<string, string | undefined>();
  let i = 0;
  while (i < top.length) {
    // start of a line
    const m = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)=/.exec(top.slice(i, top.indexOf('\n', i) < 0 ? top.length : top.indexOf('\n', i)));
    if (!m) {
      const nl = top.indexOf('\n', i);
      i = nl < 0 ? top.length : nl + 1;
      continue;
    }
    const start = i + m[0].length;
    // the value: one word (no unquoted blank), quotes may span lines
    const r = src1Word(top, start, vars);
    out.set(m[1]!, r.value);
    if (r.value === undefined) vars.delete(m[1]!);
    else vars.set(m[1]!, r.value);
    const nl = top.indexOf('\n', r.end);
    i = nl < 0 ? top.length : nl + 1;
  }
  return out;
}

function src1Word(src: string, i: number, vars: ReadonlyMap<string, string>): { value: string | undefined; end: number } {
  if (i >= src.length || ' \t\n;'.includes(src[i]!)) return { value: '', end: i };
  const r = readWords(src, i, vars, true);
  return { value: r.words.length === 1 ? r.words[0] : r.words.length === 0 ? '' : undefined, end: r.end };
}

/** Split a value the way an unquoted `$var` splits: on blanks and newlines. */
export function fields(v: string | undefined): string[] {
  return (v ?? '').split(/\s+/).filter(Boolean);
}

/** One command of the post-import hook: a script run with literal arguments, or a line that is not run (and why). */
export type HookCommand = { run: true; argv: string[]; line: string } | { run: false; line: string; why: 'not-a-script' | 'needs-shell' | 'compound' };

/**
 * The commands of bootstrap.conf's `bootstrap_post_import_hook` (gnulib's bootstrap calls it right after
 * gnulib-tool --import). A line that is one simple command whose program is a relative path inside the
 * project (`build-aux/prefix-gnulib-mk --lib-name="$gnulib_name" "lib/$gnulib_mk"`) is a script to run, its
 * words expanded with `vars` (what bootstrap's variables held); every other line is listed, not run.
 * Undefined when bootstrap.conf defines no hook.
 */
export function postImportHook(conf: string, vars: ReadonlyMap<string, string>): HookCommand[] | undefined {
  const body = structure(conf).functions.get('bootstrap_post_import_hook');
  if (body === undefined) return undefined;
  const out: HookCommand[] = [];
  // logical lines (backslash-newline joined)
  for (const raw of body.replace(/\\\n/g, ' ').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line === ':') continue;
    const r = readWords(line, 0, vars);
    const rest = line.slice(r.end).trim();
    if (r.op && rest.replace(/^[;]/, '').trim() !== '') {
      out.push({ run: false, line, why: 'compound' });
      continue;
    }
    const words = r.words;
    const prog = words[0];
    if (prog === undefined || words.some((w) => w === undefined)) {
      out.push({ run: false, line, why: 'needs-shell' });
      continue;
    }
    const p = prog.replace(/^\.\//, '');
    if (!p.includes('/') || p.startsWith('/') || p.split('/').includes('..') || !/^[A-Za-z0-9_.+\/-]+$/.test(p)) {
      out.push({ run: false, line, why: 'not-a-script' });
      continue;
    }
    out.push({ run: true, argv: [p, ...(words.slice(1) as string[])], line });
  }
  return out;
}

/** Which bootstrap the tracked `bootstrap` script is (its text), as far as the command line it builds goes. */
export function bootstrapKind(script: string | undefined): 'gnulib' | 'gnulib-modules' | undefined {
  if (!script) return undefined;
  if (/func_require_gnulib_tool_base_options/.test(script) && /gnulib_tool_all_options/.test(script)) return 'gnulib-modules';
  if (/gnulib_tool_option_extras/.test(script) && /--import \$gnulib_modules/.test(script)) return 'gnulib';
  return undefined;
}

/** The first argument of an autoconf macro call in configure.ac (`AC_CONFIG_AUX_DIR([build-aux])`), literal only. */
function macroArg(configureAc: string, macro: string): string | undefined {
  const m = new RegExp(String.raw`^[ \t]*${macro}\(\[?([A-Za-z0-9_.\/ -]+?)\]?[,)]`, 'm').exec(configureAc);
  return m?.[1]?.trim();
}

/** AC_INIT's package name as gnulib's bootstrap derives it (its sed: strip GNU, lower case, other characters → '-'). */
function packageName(configureAc: string): string | undefined {
  const m = /^AC_INIT\(\[*([^\],]*)\]*,/m.exec(configureAc);
  if (!m) return undefined;
  return m[1]!.replace(/^GNU /, '').toLowerCase().replace(/[^a-z0-9_]/g, '-');
}

/**
 * `$package` as gnulib's bootstrap sets it (`package=$(sed -n "$extract_package_name" configure.ac)`), when the tracked
 * `bootstrap` says so: its sed on the first `AC_INIT(` line of the tracked configure.ac — with four arguments on that
 * line the last one (the tarname) without brackets and the closing parenthesis; otherwise the first without brackets,
 * "GNU " stripped, lower case, every other character than letters, digits and `_` turned to `-`. Undefined for any
 * other bootstrap, without such a line, or when the name comes out empty or other than plain letters, digits, `_ . + -`.
 */
export function bootstrapPackage(script: string | undefined, configureAc: string | undefined): string | undefined {
  if (!script || !configureAc || bootstrapKind(script) !== 'gnulib') return undefined;
  if (!/^package=\$\(sed -n "\$extract_package_name" configure\.ac\)/m.test(script)) return undefined;
  const line = configureAc.split('\n').find((l) => l.startsWith('AC_INIT('));
  if (line === undefined) return undefined;
  let name: string;
  if (/.*,.*,.*, */.test(line)) name = line.replace(/^.*,.*,.*, */, '').replace(/[[\]]/g, '').replace(/\)$/, '');
  else {
    name = line.replace(/AC_INIT\(\[*/, '').replace(/\]*,.*/, '').replace(/^GNU /, '').toLowerCase().replace(/[^A-Za-z0-9_]/g, '-');
  }
  return /^[A-Za-z0-9_.+-]+$/.test(name) ? name : undefined;
}

export interface BootstrapInvocation {
  /** gnulib-tool's arguments after --import would be given (options and modules), as bootstrap passes them. */
  args: string[];
  kind: 'gnulib' | 'gnulib-modules';
}

const add = (list: string[], a: string) => {
  if (!list.includes(a)) list.push(a);
};

/**
 * The gnulib-tool command line the release's bootstrap builds from the tag's bootstrap.conf (no gnulib-cache.m4
 * to read it from), or why not: undefined when the bootstrap is neither modelled one, when bootstrap.conf has no
 * literal gnulib_modules, or when a value it needs requires the shell.
 */
export function bootstrapInvocation(conf: string, script: string | undefined, configureAc: string): BootstrapInvocation | undefined {
  const kind = bootstrapKind(script);
  if (!kind) return undefined;
  const words = (v: string | undefined) => (v === undefined ? undefined : fields(v));
  if (kind === 'gnulib') {
    const pkg = packageName(configureAc);
    const defaults = new Map<string, string>([
      ['build_aux', 'build-aux'], ['source_base', 'lib'], ['m4_base', 'm4'], ['doc_base', 'doc'], ['tests_base', 'tests'], ['local_gl_dir', 'gl'],
      ['gnulib_tool_option_extras', ''], ['gnulib_modules', ''],
      ...(pkg ? [['package', pkg] as [string, string], ['gnulib_name', `lib${pkg}`] as [string, string]] : []),
    ]);
    const a = confAssignments(conf, defaults);
    const get = (n: string) => (a.has(n) ? a.get(n) : defaults.get(n));
    const modules = words(get('gnulib_modules'));
    const extras = words(get('gnulib_tool_option_extras'));
    const need = ['build_aux', 'doc_base', 'gnulib_name', 'm4_base', 'source_base', 'tests_base', 'local_gl_dir'].map(get);
    if (!modules?.length || !extras || need.some((v) => v === undefined)) return undefined;
    const [aux, doc, lib, m4, src, tests, local] = need as string[];
    const args = [`--aux-dir=${aux}`, `--doc-base=${doc}`, `--lib=${lib}`, `--m4-base=${m4}/`, `--source-base=${src}/`, `--tests-base=${tests}`, `--local-dir=${local}`, ...extras];
    if (/^\s*(?:AC_PROG_LIBTOOL|AM_PROG_LIBTOOL|LT_INIT)\b/m.test(configureAc) && !args.includes('--libtool')) args.push('--libtool');
    return { kind, args: [...args.filter((x) => x !== '--symlink' && x !== '--no-changelog'), ...modules] };
  }
  // gnulib-modules/bootstrap (libtool's gl-mod/bootstrap)
  const a = confAssignments(conf, new Map([['gnulib_tool_options', ''], ['gnulib_tool_option_extras', ''], ['gnulib_modules', '']]));
  const opts = words(a.get('gnulib_tool_options') ?? '');
  const extras = words(a.get('gnulib_tool_option_extras') ?? '');
  const modules = words(a.get('gnulib_modules'));
  if (!opts || !extras || !modules?.length) return undefined;
  const all = [...opts, ...extras];
  const set = (n: string) => (a.has(n) ? a.get(n) : '');
  const vars = ['build_aux', 'macro_dir', 'doc_base', 'gnulib_name', 'local_gl_path', 'source_base', 'gnulib_mk', 'tests_base', 'LIBTOOLIZE'].map(set);
  if (vars.some((v) => v === undefined)) return undefined;
  const [buildAux, macroDir, doc, lib, localPath, src, mk, tests, libtoolize] = vars as string[];
  const aux = buildAux || macroArg(configureAc, 'AC_CONFIG_AUX_DIR');
  const m4 = macroDir || fields(macroArg(configureAc, 'AC_CONFIG_MACRO_DIRS'))[0] || macroArg(configureAc, 'AC_CONFIG_MACRO_DIR');
  if (aux) add(all, `--aux-dir=${aux}`);
  if (m4) add(all, `--m4-base=${m4}`);
  if (doc) add(all, `--doc-base=${doc}`);
  if (lib) add(all, `--lib=${lib}`);
  for (const d of localPath.split(':').filter(Boolean)) add(all, `--local-dir=${d}`);
  if (src) add(all, `--source-base=${src}`);
  if (mk) add(all, `--makefile-name=${mk}`);
  if (tests) {
    add(all, `--tests-base=${tests}`);
    add(all, '--with-tests');
  }
  if (!all.includes('--libtool') && !all.includes('--no-libtool')) all.push(libtoolize === 'true' ? '--no-libtool' : '--libtool');
  return { kind, args: [...all.filter((x) => x !== '--symlink' && x !== '--no-changelog' && x !== '--copy'), ...modules] };
}

/** The variables bootstrap's post-import hook sees, from the gnulib-tool arguments bootstrap passed and bootstrap.conf. */
export function hookVariables(args: readonly string[], conf: string): Map<string, string> {
  const opt = (name: string) => {
    const a = args.find((x) => x.startsWith(`${name}=`));
    return a?.slice(name.length + 1).replace(/\/+$/, '');
  };
  const vars = new Map<string, string>();
  const set = (k: string, v: string | undefined) => {
    if (v !== undefined) vars.set(k, v);
  };
  // gnulib's bootstrap: gnulib_mk=gnulib.mk unless bootstrap.conf says otherwise; the rest is what it passed
  set('gnulib_mk', 'gnulib.mk');
  set('gnulib_name', opt('--lib'));
  set('source_base', opt('--source-base'));
  set('m4_base', opt('--m4-base'));
  set('doc_base', opt('--doc-base'));
  set('tests_base', opt('--tests-base'));
  set('build_aux', opt('--aux-dir'));
  const a = confAssignments(conf, vars);
  for (const k of ['gnulib_mk']) {
    if (!a.has(k)) continue;
    const v = a.get(k);
    if (v === undefined) vars.delete(k);
    else vars.set(k, v);
  }
  return vars;
}
