/**
 * Models of tracked generator scripts that a tracked make rule runs (src/classify/generator-model.ts finds the
 * rule and compares the computed text with the shipped file byte for byte). Nothing is run: each model computes
 * what its script writes from the script's tracked inputs.
 *
 * A model describes one script, not a kind of script: it applies only when the script's code — every line
 * that is not blank or a `#` comment, whitespace collapsed outside quoted strings — is exactly the code the
 * model was written for (`code`: line for line; a RegExp line admits the spellings seen in the project's
 * history, a `repeat` line a run of parameter lines the model reads, such as coreutils' `override_single A B`
 * calls). A script with one changed, added or removed code line is no longer described: its output stays
 * unexplained rather than judged by an outdated model.
 *
 *   mkfuncs           less's mkfuncs.pl: each `\tpublic` K&R definition of the tracked .c files as a
 *                     `public TYPE NAME LESSPARAMS ((PARAMS));` prototype (funcs.h).
 *   single-binary     coreutils' build-aux/gen-single-binary.sh: the src_libsinglebin_* rules from src/local.mk's
 *                     src_*_{SOURCES,LDADD,CFLAGS,CPPFLAGS} assignments, as the script's `while read`, `echo $l |
 *                     cut` and `eval` compute them, over the program list of the sibling
 *                     gen-lists-of-programs.sh (itself matched to its modelled code).
 *   build-info        wget's build-aux/build_info.pl: the `__DATA__` prelude, then one #if/#else block per
 *                     feature line of the tracked `FILE.in`, sorted by name (choice blocks as #if/#elif).
 *   symbols-manpage   curl's docs/libcurl/mksymbolsmanpage.pl: its header here-document, then one `## SYMBOL`
 *                     entry per row of symbols-in-versions with the row's versions; the optional "See X(3)."
 *                     sentence is traced to the branch of the script's `nameref` chain the symbol falls in.
 *   declared-sh       gnulib's build-aux/declared.sh, a filter (FilterModel: header text on stdin): its three GNU sed
 *                     programs — comments removed (with the `n` quirk of an unclosed comment), multi-line `extern`
 *                     declarations joined, each declared name printed — for gnulib's exported-symbols rule
 *                     (generator-model.ts catFilterSorted: libtextstyle.sym.in, libunistring.sym).
 */
import { squashC } from './c-generators.js';

export type ReadInput = (p: string) => Promise<{ path: string; text: string } | undefined>;

export interface ScriptModel {
  id: string;
  /** Code lines the tracked script must carry for this model to describe it. */
  fingerprint: readonly string[];
  /**
   * The file the script itself writes in make's working directory (libseccomp's arch-gperf-generate writes
   * `syscalls.perf`), for a rule whose one command runs it with no redirection: the model applies only to a rule
   * whose target is exactly that name in the fragment's directory.
   */
  writes?: string;
  /**
   * What the script writes. `shipped` (the tarball's file) may only be used to choose between outputs the model
   * allows for one piece (curl's "See" sentence); the result is still compared with it byte for byte.
   */
  render(script: string, args: string[], name: string, input: ReadInput, scriptPath: string, shipped?: string): Promise<{ inputs: string[]; text: string } | undefined>;
}

/** A line of a model's code: exact, one of a few spellings, or a run of parameter lines (captured). */
export type CodeLine = string | RegExp | { repeat: RegExp };

/** A here-document opener at this point (`<<EOF`, `<<-EOF`, `<<'EOF'`, `<<\\EOF`, `<< "EOF"`): its terminator. */
const HEREDOC = /^<<-?(?:\s*(['"])([A-Za-z_]\w*)\1|\\?([A-Za-z_]\w*))/;

/** The terminator of a here-document a code line opens outside quotes, or undefined. */
function heredocOf(line: string): string | undefined {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) { if (c === '\\') i++; else if (c === quote) quote = undefined; continue; }
    if (c === '"' || c === "'") { quote = c; continue; }
    if (c === '<' && line[i + 1] === '<') {
      const h = HEREDOC.exec(line.slice(i));
      if (h) return h[2] ?? h[3];
      i++;
    }
  }
  return undefined;
}

/**
 * The code lines of a shell or Perl script: not blank, not a `#` comment (nor the `#!` line), squashed; a
 * here-document's lines kept exactly as they are (what it prints), its terminator line included; nothing after
 * Perl's `__DATA__`/`__END__` line (the data: see `perlData`).
 */
export function codeLines(script: string): string[] {
  const out: string[] = [];
  let until: string | undefined;
  for (const raw of script.split('\n')) {
    if (until !== undefined) {
      out.push(raw);
      if (raw === until) until = undefined;
      continue;
    }
    const l = squashC(raw);
    if (l === '__DATA__' || l === '__END__') break;
    if (l === '' || l.startsWith('#')) continue;
    out.push(l);
    until = heredocOf(l);
  }
  return out;
}

/** What a Perl script's `<DATA>` reads: everything after its `__DATA__` line. */
export function perlData(script: string): string | undefined {
  const m = /(?:^|\n)__DATA__\n/.exec(script);
  return m ? script.slice(m.index + m[0].length) : undefined;
}

/** Whether `lines` are exactly `code`; the captured parameter lines of each `repeat` entry, or undefined. */
export function matchCode(lines: readonly string[], code: readonly CodeLine[]): string[][] | undefined {
  const captured: string[][] = [];
  let i = 0;
  for (const c of code) {
    if (typeof c === 'string') { if (lines[i] !== c) return undefined; i++; continue; }
    if (c instanceof RegExp) { if (lines[i] === undefined || !c.test(lines[i]!)) return undefined; i++; continue; }
    const run: string[] = [];
    while (i < lines.length && c.repeat.test(lines[i]!)) run.push(lines[i++]!);
    captured.push(run);
  }
  return i === lines.length ? captured : undefined;
}

/** Lines as a reader gets them: each with its `\n`, the last one possibly without. */
const readLines = (text: string) => text.match(/[^\n]*\n|[^\n]+$/g) ?? [];

/** A shell variable assigned a quoted multi-line word list at the start of a line (`NAME='\n  a\n  b\n'`). */
export function shellList(script: string, name: string): string[] | undefined {
  const m = new RegExp(`^${name}='\\n([\\s\\S]*?)'$`, 'm').exec(script);
  return m ? m[1]!.split(/\s+/).filter(Boolean) : undefined;
}

// ---- less: mkfuncs.pl ----

const MKFUNCS_CODE: readonly CodeLine[] = [
  'use strict;', 'my $state = 0;', 'my $def;', 'my $params;', 'while (<>) {', 'if (/^\\tpublic\\s+(.*)/) {', '$def = "public $1";', '$state = 1;', '$params = 0;',
  '} elsif ($state == 1 and /(\\w+)\\s*\\(/) {', '$def .= " $1 LESSPARAMS ((";', '$state = 2;', '} elsif ($state == 2) {', 'if (/^{/) {', "$def .= 'VOID_PARAM' if not $params;",
  'print "$def));\\n";', '$state = 0;', '} elsif (/^\\s*([^;]*)/) {', "$def .= ', ' if substr($def,-1) ne '(';", '$def .= $1;', '$params = 1;', '}', '}', '}',
];

/** Perl's \s on a byte string (no Unicode semantics). */
const S = '[ \\t\\n\\r\\f\\v]';

/** What mkfuncs.pl prints for these files read in order by `<>` (its state carries from one file to the next). */
export function mkfuncs(texts: readonly string[]): string {
  const publicDef = new RegExp(`^\\tpublic${S}+(.*)`);
  const name = new RegExp(`(\\w+)${S}*\\(`);
  const param = new RegExp(`^${S}*([^;]*)`);
  let out = '';
  let state = 0;
  let def = '';
  let params = false;
  for (const text of texts)
    for (const line of readLines(text)) {
      const pub = publicDef.exec(line);
      if (pub) { def = `public ${pub[1]}`; state = 1; params = false; continue; }
      if (state === 1) {
        const n = name.exec(line);
        if (n) { def += ` ${n[1]} LESSPARAMS ((`; state = 2; }
      } else if (state === 2) {
        if (line.startsWith('{')) {
          if (!params) def += 'VOID_PARAM';
          out += `${def}));\n`;
          state = 0;
        } else {
          const p = param.exec(line)!;
          if (!def.endsWith('(')) def += ', ';
          def += p[1];
          params = true;
        }
      }
    }
  return out;
}

const mkfuncsModel: ScriptModel = {
  id: 'mkfuncs',
  fingerprint: MKFUNCS_CODE.filter((c): c is string => typeof c === 'string'),
  async render(script, args, _name, input) {
    if (!matchCode(codeLines(script), MKFUNCS_CODE) || args.length === 0 || args.some((a) => a.startsWith('-') || a === '<')) return undefined;
    const texts: string[] = [];
    const inputs: string[] = [];
    for (const a of args) {
      const src = await input(a);
      if (!src) return undefined;
      texts.push(src.text);
      inputs.push(src.path);
    }
    return { inputs, text: mkfuncs(texts) };
  },
};

// ---- coreutils: build-aux/gen-single-binary.sh ----

const SINGLE_BINARY_CODE: readonly CodeLine[] = [
  'if test "x$1" = "x"; then', 'echo "Usage: $0 path/to/src/local.mk" >&2', 'exit 1', 'fi', 'set -e', 'LOCAL_MK=$1', 'GEN_LISTS_OF_PROGRAMS="`dirname "$0"`/gen-lists-of-programs.sh"',
  'ALL_PROGRAMS=$($GEN_LISTS_OF_PROGRAMS --list-progs \\', '| grep -v -F -e coreutils -e libstdbuf.so \\', "| tr '[' '_')", 'for cmd in $ALL_PROGRAMS; do',
  'eval "src_${cmd}_SOURCES=src/${cmd}.c"', 'done', 'while read l; do',
  // GNU grep's \w is [_[:alnum:]]: the two spellings of coreutils 9.1 and 9.7 select the same lines.
  /^if echo "\$l" \| grep -E '\^src_(?:\\w|\[_\[:alnum:\]\])\+ \+\\\+\?=' > \/dev\/null; then$/,
  "var=$(echo $l | cut -f 1 -d ' ')", 'value=$(echo $l | cut -f 2- -d =)', 'if [ "$value" != " \\$(LDADD)" ]; then', 'oldvalue=""', "if echo $l | grep -F '+=' >/dev/null; then",
  'eval "oldvalue=\\${$var}"', 'fi', 'value=$(echo "$value" | sed "s/\'/\'\\"\'\\"\'/g")', 'eval "$var=\'$oldvalue "$value"\'"', 'fi', 'fi', 'done < $LOCAL_MK',
  "me=`echo \"$0\" | sed 's,.*/,,'`", 'echo "## Automatically generated by $me.  DO NOT EDIT BY HAND!"', 'override_single() {', 'from="$1"; to="$2";',
  'eval "src_${from}_SOURCES=\'src/coreutils-${from}.c\'"', 'eval "src_from_LDADD=\\$src_${from}_LDADD"', 'eval "src_${from}_LDADD=\'$src_from_LDADD src/libsinglebin_${to}.a\'"',
  'eval "src_libsinglebin_${from}_a_DEPENDENCIES=\'src/libsinglebin_${to}.a\'"', 'echo "src_libsinglebin_${from}_a_DEPENDENCIES = src/libsinglebin_${to}.a"', '}',
  { repeat: /^override_single [a-z0-9_]+ [a-z0-9_]+$/ },
  'for cmd in $ALL_PROGRAMS; do', 'echo "# Command $cmd"', 'echo noinst_LIBRARIES += src/libsinglebin_${cmd}.a', 'base="src_libsinglebin_${cmd}_a"', 'var=src_${cmd}_SOURCES', 'eval "value=\\$$var"',
  'echo "${base}_SOURCES = $value"', 'var=src_${cmd}_LDADD', 'eval "value=\\$$var"', 'if [ "x$value" != "x" ]; then', 'echo "${base}_ldadd = $value"', 'fi', 'var=src_libsinglebin_${cmd}_a_DEPENDENCIES',
  'eval "value=\\$$var"', 'if [ "x$value" = "x" ]; then', 'echo "$var = \\$(src_${cmd}_DEPENDENCIES)"', 'fi', 'echo "${base}_CFLAGS = \\"-Dmain=single_binary_main_${cmd} (int, char **);" \\',
  '" int single_binary_main_${cmd}\\" " \\', '"-Dusage=_usage_${cmd} \\$(src_coreutils_CFLAGS)"', 'var=src_${cmd}_CFLAGS', 'eval "value=\\$$var"', 'if [ "x$value" != "x" ]; then',
  'echo "${base}_CFLAGS += $value"', 'fi', 'var=src_${cmd}_CPPFLAGS', 'eval "value=\\$$var"', 'if [ "x$value" != "x" ]; then', 'echo "${base}_CPPFLAGS = $value"', 'fi', 'done', 'exit 0',
];

/** The code of gen-lists-of-programs.sh outside its three lists (their words are read by `shellList`). */
const LISTS_CODE_LIST_PROGS = ['1,--list-progs)', 'for p in $disabled_by_default_progs $build_if_possible_progs \\', '$normal_progs; do', 'echo $p', 'done', ';;'];

/**
 * `while read l` over a file (no -r): a backslash-newline joins lines, any other backslash escapes the next
 * character (and is removed); leading and trailing blanks are stripped; a last line without its newline is
 * not read. Returns the lines, each with whether a backslash escaped something in it.
 */
export function shellReadLines(text: string): { line: string; escaped: boolean }[] {
  const out: { line: string; escaped: boolean }[] = [];
  let cur = '';
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      if (text[i + 1] !== '\n') { cur += text[i + 1]; escaped = true; }
      i++;
    } else if (c === '\n') {
      out.push({ line: cur.replace(/^[ \t]+|[ \t]+$/g, ''), escaped });
      cur = '';
      escaped = false;
    } else cur += c;
  }
  return out;
}

const GLOB = /[*?[]/;
const IFS_WORDS = (s: string) => s.split(/[ \t\n]+/).filter(Boolean);

/** What gen-single-binary.sh writes for this local.mk, program list and override_single calls; undefined where the shell would do more than the model knows (globbing, echo escapes). */
export function singleBinaryMk(localMk: string, programs: readonly string[], overrides: readonly [string, string][], me: string): string | undefined {
  const vars = new Map<string, string>();
  const all = programs.filter((p) => !p.includes('coreutils') && !p.includes('libstdbuf.so')).map((p) => p.replace(/\[/g, '_'));
  if (all.some((p) => !/^\w+$/.test(p))) return undefined;
  for (const cmd of all) vars.set(`src_${cmd}_SOURCES`, `src/${cmd}.c`);
  for (const { line, escaped } of shellReadLines(localMk)) {
    if (!/^src_\w+ +\+?=/.test(line)) continue;
    const words = IFS_WORDS(line);
    if (escaped || line.includes('\\') || words.some((w) => GLOB.test(w))) return undefined;
    const echoed = words.join(' ');
    const name = echoed.split(' ')[0]!;
    const value = echoed.slice(echoed.indexOf('=') + 1);
    if (value === ' $(LDADD)') continue;
    const old = echoed.includes('+=') ? (vars.get(name) ?? '') : '';
    // eval "$var='$oldvalue "$value"'": the unquoted $value is split into words, which eval joins with one blank.
    const fields = IFS_WORDS(value);
    vars.set(name, `${old} ${fields.length && /^[ \t\n]/.test(value) ? ' ' : ''}${fields.join(' ')}`);
  }
  let out = `## Automatically generated by ${me}.  DO NOT EDIT BY HAND!\n`;
  for (const [from, to] of overrides) {
    const ldadd = vars.get(`src_${from}_LDADD`) ?? '';
    if (ldadd.includes("'")) return undefined;
    vars.set(`src_${from}_SOURCES`, `src/coreutils-${from}.c`);
    vars.set(`src_${from}_LDADD`, `${ldadd} src/libsinglebin_${to}.a`);
    vars.set(`src_libsinglebin_${from}_a_DEPENDENCIES`, `src/libsinglebin_${to}.a`);
    out += `src_libsinglebin_${from}_a_DEPENDENCIES = src/libsinglebin_${to}.a\n`;
  }
  const get = (n: string) => vars.get(n) ?? '';
  for (const cmd of all) {
    const base = `src_libsinglebin_${cmd}_a`;
    const echoes = [get(`src_${cmd}_SOURCES`), get(`src_${cmd}_LDADD`), get(`src_${cmd}_CFLAGS`), get(`src_${cmd}_CPPFLAGS`)];
    if (echoes.some((v) => v.includes('\\'))) return undefined; // dash's echo would interpret it
    out += `# Command ${cmd}\nnoinst_LIBRARIES += src/libsinglebin_${cmd}.a\n${base}_SOURCES = ${echoes[0]}\n`;
    if (echoes[1]) out += `${base}_ldadd = ${echoes[1]}\n`;
    if (!get(`src_libsinglebin_${cmd}_a_DEPENDENCIES`)) out += `src_libsinglebin_${cmd}_a_DEPENDENCIES = $(src_${cmd}_DEPENDENCIES)\n`;
    out += `${base}_CFLAGS = "-Dmain=single_binary_main_${cmd} (int, char **);  int single_binary_main_${cmd}"  -Dusage=_usage_${cmd} $(src_coreutils_CFLAGS)\n`;
    if (echoes[2]) out += `${base}_CFLAGS += ${echoes[2]}\n`;
    if (echoes[3]) out += `${base}_CPPFLAGS = ${echoes[3]}\n`;
  }
  return out;
}

const singleBinaryModel: ScriptModel = {
  id: 'single-binary',
  fingerprint: SINGLE_BINARY_CODE.filter((c): c is string => typeof c === 'string'),
  async render(script, args, name, input, scriptPath) {
    const params = matchCode(codeLines(script), SINGLE_BINARY_CODE);
    if (!params || args.length !== 1) return undefined;
    const overrides = params[0]!.map((l) => l.split(' ').slice(1) as [string, string]);
    const dir = scriptPath.includes('/') ? scriptPath.slice(0, scriptPath.lastIndexOf('/')) : '.';
    const lists = await input(`${dir}/gen-lists-of-programs.sh`);
    const local = await input(args[0]!);
    if (!lists || !local) return undefined;
    const code = codeLines(lists.text).join('\n');
    if (!code.includes(LISTS_CODE_LIST_PROGS.join('\n'))) return undefined;
    const [off, maybe, normal] = ['disabled_by_default_progs', 'build_if_possible_progs', 'normal_progs'].map((n) => shellList(lists.text, n));
    if (!off || !maybe || !normal) return undefined;
    const text = singleBinaryMk(local.text, [...off, ...maybe, ...normal], overrides, name);
    return text === undefined ? undefined : { inputs: [local.path, lists.path], text };
  },
};

// ---- wget: build-aux/build_info.pl ----

const BUILD_INFO_CODE: readonly CodeLine[] = [
  'use strict;', 'use warnings;', 'use Carp qw(croak);', 'my $file = shift @ARGV;', '{', 'my $data = parse_config();', 'output_code($data);', '}', 'sub parse_config', '{', 'my $features = [];',
  'my $choice_key;', 'my $choice = [];', 'my $list = $features;', `open(my $fh, '<', "$file.in") or die "Cannot open $file.in: $!";`, 'while (<$fh>) {', 'next if /^\\s*$/;', 'if ($list eq $choice) {',
  'unless (s/^\\s+//) {', '$list = $features;', 'push @$features, [$choice_key, $choice];', '$choice = [];', 'undef $choice_key;', '}', '} elsif (/^([A-Za-z0-9_-]+) \\s+ choice:\\s*$/x) {',
  '$choice_key = $1;', '$list = $choice;', 'next;', '}', 'if (/^([A-Za-z0-9_-]+) \\s+ (.*)$/x) {', 'push @$list, [$1, $2];', '} else {', `croak "Can't parse line: $_";`, '}', '}',
  'if ($list eq $choice) {', 'push @$features, [$choice_key, $choice];', '}', 'close($fh);', 'return $features;', '}', 'sub output_code', '{', 'my $features = shift;',
  `open(my $fh, '>', "$file") or die "Cannot open $file: $!";`, 'print $fh do { local $/; <DATA> }, "\\n";', 'print $fh <<EOC;', 'const char *compiled_features[] =', '{', '', 'EOC',
  'foreach my $feature (sort { $a->[0] cmp $b->[0] } @$features) {', 'my ($name, $check) = @$feature;', "if (ref $check eq 'ARRAY') {", 'my ($ch_name, $ch_check) = @{ shift @$check };',
  'print $fh <<EOC;', '#if $ch_check', '  "+$name/$ch_name",', 'EOC', 'foreach my $choice (@$check) {', '($ch_name, $ch_check) = @$choice;', 'print $fh <<EOC;', '#elif $ch_check',
  '  "+$name/$ch_name",', 'EOC', '}', 'print $fh <<EOC;', '#else', '  "-$name",', '#endif', '', 'EOC', '} else {', 'print $fh <<EOC;', '#if $check', '  "+$name",', '#else', '  "-$name",',
  '#endif', '', 'EOC', '}', '}', 'print $fh <<EOC;', '', '  /* sentinel value */', '  NULL', '};', '', '', 'EOC', '}',
];

type Feature = [string, string | [string, string][]];

/** build_info.pl's parse_config over FILE.in, or undefined where it would croak. */
export function parseBuildInfo(text: string): Feature[] | undefined {
  const features: Feature[] = [];
  let choiceKey: string | undefined;
  let choice: [string, string][] = [];
  let inChoice = false;
  for (let line of readLines(text)) {
    if (new RegExp(`^${S}*$`).test(line.replace(/\n$/, ''))) continue;
    if (inChoice) {
      const stripped = line.replace(new RegExp(`^${S}+`), '');
      if (stripped === line) { inChoice = false; features.push([choiceKey!, choice]); choice = []; choiceKey = undefined; }
      line = stripped;
    } else {
      const c = new RegExp(`^([A-Za-z0-9_-]+)${S}+choice:${S}*$`).exec(line.replace(/\n$/, ''));
      if (c) { choiceKey = c[1]; inChoice = true; continue; }
    }
    const m = new RegExp(`^([A-Za-z0-9_-]+)${S}+(.*)`).exec(line);
    if (!m) return undefined;
    (inChoice ? choice : (features as [string, string][])).push([m[1]!, m[2]!]);
  }
  if (inChoice) features.push([choiceKey!, choice]);
  return features;
}

/** What build_info.pl writes: the __DATA__ prelude, then one preprocessor block per feature (sorted by name). */
export function buildInfoC(data: string, features: readonly Feature[]): string | undefined {
  let out = `${data}\nconst char *compiled_features[] =\n{\n\n`;
  for (const [name, check] of [...features].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    if (typeof check === 'string') { out += `#if ${check}\n  "+${name}",\n#else\n  "-${name}",\n#endif\n\n`; continue; }
    if (!check.length) return undefined; // @{ shift @$check } on an empty list dies halfway through the file
    out += check.map(([c, cond], i) => `#${i ? 'elif' : 'if'} ${cond}\n  "+${name}/${c}",\n`).join('');
    out += `#else\n  "-${name}",\n#endif\n\n`;
  }
  return `${out}\n  /* sentinel value */\n  NULL\n};\n\n\n`;
}

const buildInfoModel: ScriptModel = {
  id: 'build-info',
  fingerprint: ['sub parse_config', 'sub output_code'],
  async render(script, args, _name, input) {
    if (!matchCode(codeLines(script), BUILD_INFO_CODE) || args.length !== 1) return undefined;
    const data = perlData(script);
    const conf = await input(`${args[0]}.in`);
    const features = conf && parseBuildInfo(conf.text);
    const text = data !== undefined && features ? buildInfoC(data, features) : undefined;
    return text === undefined ? undefined : { inputs: [conf!.path], text };
  },
};

// ---- curl: docs/libcurl/mksymbolsmanpage.pl ----

const SYMBOLS_PRE = [
  'use POSIX qw(strftime);', 'my @ts;', 'if (defined($ENV{SOURCE_DATE_EPOCH})) {', '@ts = localtime($ENV{SOURCE_DATE_EPOCH});', '} else {', '@ts = localtime;', '}',
  'my $date = strftime "%b %e, %Y", @ts;', 'my $year = strftime "%Y", @ts;', 'print <<HEADER',
];
const SYMBOLS_MAIN = [
  'while(<STDIN>) {', 'if($_ =~ /^(CURL[A-Z0-9_.]*) *(.*)/i) {', 'my ($symbol, $rest)=($1,$2);', 'my ($intro, $dep, $rem);', 'if($rest =~ s/^([0-9.]*) *//) {', '$intro = $1;', '}',
  'if($rest =~ s/^([0-9.]*) *//) {', '$dep = $1;', '}', 'if($rest =~ s/^- *([0-9.]*)//) {', '$rem = $1;', '}', 'print "\\n## $symbol\\nIntroduced in $intro.";', 'if($dep) {',
  'print " Deprecated since $dep.";', '}', 'if($rem) {', 'print " Last used in $rem.";', '}', 'my $see = $rem || $dep ? "" : nameref($symbol);', 'if($see) {', 'print " See $see.";', '}',
  'print "\\n";', '}', '}',
];

/** One `if/elsif($n =~ /^PREFIX/) { … }` branch of the nameref chain: the See sentences it can give a symbol. */
interface NamerefBranch { prefix: string; sees: (symbol: string) => string[]; exact: boolean }

const braces = (l: string) => { const t = l.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ''); return (t.match(/\{/g)?.length ?? 0) - (t.match(/\}/g)?.length ?? 0); };

/**
 * The nameref sub's chain. A branch whose body is one `return "…";` gives exactly that (with `$n` the symbol);
 * any other body may give nothing, a `return "…"` with `$n` the symbol or a literal it assigns to `$n`, or
 * such a literal itself (the value a sub falls off with).
 */
export function parseNameref(body: readonly string[]): NamerefBranch[] | undefined {
  if (body[0] !== 'my ($n)=@_;') return undefined;
  const branches: NamerefBranch[] = [];
  let depth = 0;
  let cur: { prefix: string; lines: string[] } | undefined;
  for (const line of body.slice(1)) {
    if (depth === 0) {
      const m = /^(?:\} ?)?(?:if|elsif) ?\(\$n =~ \/\^([A-Za-z0-9_]+)\/\) \{$/.exec(line);
      if (!m || (branches.length === 0) !== /^if/.test(line)) return undefined;
      cur = { prefix: m[1]!, lines: [] };
      depth = 1;
      continue;
    }
    depth += braces(line);
    if (depth < 0) return undefined;
    if (depth > 0) { cur!.lines.push(line); continue; }
    if (line !== '}') return undefined;
    const { prefix, lines } = cur!;
    const ret = lines.map((l) => /^return "([^"\\@]*)";$/.exec(l)?.[1]);
    const assigned = lines.map((l) => /^\$n = "([^"\\@$]*)";$/.exec(l)?.[1]).filter((x): x is string => x !== undefined);
    if (lines.some((l) => /\$(?!n\b)\w|@/.test(l.replace(/^my %infotypes = \($|^'CURLINFO_\w+' => 1,$|^\);$|^if\(\$infotypes\{\$n\}\) \{$/, '')))) return undefined;
    const exact = lines.length === 1 && ret[0] !== undefined;
    const rets = ret.filter((x): x is string => x !== undefined);
    branches.push({
      prefix,
      exact,
      sees: exact ? (sym) => [rets[0]!.replace(/\$n/g, sym)] : (sym) => [...new Set(['', ...assigned, ...rets.flatMap((r) => [sym, ...assigned].map((n) => r.replace(/\$n/g, n)))])],
    });
  }
  return depth === 0 ? branches : undefined;
}

/** The "See" sentence an entry may carry: every sentence the first branch whose prefix the symbol has allows, or none. */
function seesFor(branches: readonly NamerefBranch[], symbol: string): string[] {
  const b = branches.find((x) => symbol.startsWith(x.prefix));
  return b ? b.sees(symbol) : [''];
}

const symbolsModel: ScriptModel = {
  id: 'symbols-manpage',
  fingerprint: ['sub nameref {', 'while(<STDIN>) {'],
  async render(script, args, _name, input, _scriptPath, shipped) {
    const code = codeLines(script);
    if (args.length !== 2 || args[0] !== '<' || code.slice(0, SYMBOLS_PRE.length).join('\n') !== SYMBOLS_PRE.join('\n')) return undefined;
    const end = code.indexOf('HEADER', SYMBOLS_PRE.length);
    const sub = code.indexOf('sub nameref {', end);
    if (end < 0 || code[end + 1] !== ';' || sub !== end + 2 || code.slice(code.length - SYMBOLS_MAIN.length).join('\n') !== SYMBOLS_MAIN.join('\n')) return undefined;
    const body = code.slice(sub + 1, code.length - SYMBOLS_MAIN.length);
    if (body[body.length - 1] !== '}') return undefined;
    const branches = parseNameref(body.slice(0, -1));
    // The here-document interpolates: an array name (`@haxx` in an e-mail address) reads an empty array.
    const header = code.slice(SYMBOLS_PRE.length, end);
    const arrays = header.join('\n').match(/@[A-Za-z_]\w*/g) ?? [];
    if (!branches || header.some((l) => /[$\\]/.test(l)) || code.includes('use strict;') || arrays.some((a) => code.some((l) => !header.includes(l) && l.includes(a)))) return undefined;
    const rows = await input(args[1]!);
    if (!rows) return undefined;
    const shippedSees = [...(shipped ?? '').matchAll(/^## [^\n]*\n[^\n]*?(?: See ([^\n]*)\.)?$/gm)].map((m) => m[1] ?? '');
    let out = `${header.map((l) => l.replace(/@[A-Za-z_]\w*/g, '')).join('\n')}\n`;
    let n = 0;
    for (const line of readLines(rows.text)) {
      const m = /^(CURL[A-Z0-9_.]*) *(.*)/i.exec(line);
      if (!m) continue;
      let rest = m[2]!;
      const take = (re: RegExp) => { const t = re.exec(rest); if (!t) return undefined; rest = rest.slice(t[0].length); return t[1]!; };
      const intro = take(/^([0-9.]*) */)!;
      const dep = take(/^([0-9.]*) */)!;
      const rem = take(/^- *([0-9.]*)/);
      const truthy = (v: string | undefined) => v !== undefined && v !== '' && v !== '0';
      out += `\n## ${m[1]}\nIntroduced in ${intro}.`;
      if (truthy(dep)) out += ` Deprecated since ${dep}.`;
      if (truthy(rem)) out += ` Last used in ${rem}.`;
      if (!truthy(rem) && !truthy(dep)) {
        const allowed = seesFor(branches, m[1]!);
        const see = allowed.includes(shippedSees[n] ?? '\0') ? shippedSees[n]! : allowed[0]!;
        if (see) out += ` See ${see}.`;
      }
      out += '\n';
      n++;
    }
    return { inputs: [rows.path], text: out };
  },
};

export const MORE_SCRIPT_MODELS: readonly ScriptModel[] = [mkfuncsModel, singleBinaryModel, buildInfoModel, symbolsModel];

// ---- gnulib: build-aux/declared.sh (a filter: C header text on stdin, one declared symbol a line out) ----

/**
 * A tracked or shipped script a rule pipes text through (`… | SCRIPT > $@-t1`): `filter` computes what it writes
 * for that standard input, or undefined when its code is not the code the model stands for.
 */
export interface FilterModel {
  id: string;
  fingerprint: readonly string[];
  filter(script: string, stdin: string): string | undefined;
}

/** The code of the three sed programs declared.sh pipes its input through (the spellings differ by version). */
const SED_CODE = [
  'sed_remove_comments="', '/[/][/*]/{', 'ta', ':a',
  's,^\\\\(\\\\([^\\"\'/]\\\\|\\"\\\\([^\\\\\\"]\\\\|[\\\\].\\\\)*\\"\\\\|\'\\\\([^\\\\\']\\\\|[\\\\].\\\\)*\'\\\\|[/][^\\"\'/*]\\\\|[/]\\"\\\\([^\\\\\\"]\\\\|[\\\\].\\\\)*\\"\\\\|[/]\'\\\\([^\\\\\']\\\\|[\\\\].\\\\)*\'\\\\)*\\\\)//.*,\\\\1,',
  'te',
  's,^\\\\(\\\\([^\\"\'/]\\\\|\\"\\\\([^\\\\\\"]\\\\|[\\\\].\\\\)*\\"\\\\|\'\\\\([^\\\\\']\\\\|[\\\\].\\\\)*\'\\\\|[/][^\\"\'/*]\\\\|[/]\\"\\\\([^\\\\\\"]\\\\|[\\\\].\\\\)*\\"\\\\|[/]\'\\\\([^\\\\\']\\\\|[\\\\].\\\\)*\'\\\\)*\\\\)/[*]\\\\([^*]\\\\|[*][^/*]\\\\)*[*][*]*/,\\\\1 ,',
  'ta',
  '/^\\\\([^\\"\'/]\\\\|\\"\\\\([^\\\\\\"]\\\\|[\\\\].\\\\)*\\"\\\\|\'\\\\([^\\\\\']\\\\|[\\\\].\\\\)*\'\\\\|[/][^\\"\'/*]\\\\|[/]\\"\\\\([^\\\\\\"]\\\\|[\\\\].\\\\)*\\"\\\\|[/]\'\\\\([^\\\\\']\\\\|[\\\\].\\\\)*\'\\\\)*[/][*]/{',
  's,^\\\\(\\\\([^\\"\'/]\\\\|\\"\\\\([^\\\\\\"]\\\\|[\\\\].\\\\)*\\"\\\\|\'\\\\([^\\\\\']\\\\|[\\\\].\\\\)*\'\\\\|[/][^\\"\'/*]\\\\|[/]\\"\\\\([^\\\\\\"]\\\\|[\\\\].\\\\)*\\"\\\\|[/]\'\\\\([^\\\\\']\\\\|[\\\\].\\\\)*\'\\\\)*\\\\)/[*].*,\\\\1 ,',
  'tu', ':u', 'n', 's,^\\\\([^*]\\\\|[*][^/*]\\\\)*[*][*]*/,,', 'tv', 's,^.*\\$,,', 'bu', ':v', '}', ':e', '}"',
  "sed_test='s,^\\(\\(a\\|X\\)*\\)//.*,\\1,'", 'sed_result=`echo \'aaa//bcd\' | sed -e "$sed_test"`', 'test "$sed_result" = \'aaa\' \\',
  '|| func_fatal_error "The \'sed\' program is not GNU sed. Try installing GNU sed."',
  "sed_join_multiline_externs='",
  /^\/\^extern \[\^;"?\]\*\$\/\{$/, ':a', 'N', 's/\\n/ /g', /^\/\^extern \[\^;"?\]\*\$\/\{$/, 'ba', '}', "}'",
  /^sed_extract_extern_declared='s\/\^extern \[\^\(\)\]\*(?: |\[ \*\])\\\(\[A-Za-z_\]\[A-Za-z0-9_\]\*\\\) \*\[;\(\]\.\*\$\/\\1\/p'$/,
  'sed -e "$sed_remove_comments" \\', '| sed -e "$sed_join_multiline_externs" \\', '| sed -n -e "$sed_extract_extern_declared"',
];

/**
 * declared.sh's code in every version of gnulib's history (build-aux/declared.sh, 2019-02-03 to 2026-01-01: 21
 * commits; scripts/declared-sh-versions.mjs lists them and checks each): the usage, --version and option lines differ in the bug
 * address, the program's package, the copyright years and the "Written by" form; the sed programs in two places
 * (`[^;]` or `[^;"]` in the join, ` ` or `[ *]` before the name), which the model reads.
 */
function declaredCode(written: readonly string[]): readonly CodeLine[] {
  return [
    'func_usage ()', '{', 'echo "\\', 'Usage: declared.sh [OPTION]... < SOURCE.h', 'Extracts the declared global symbols of a C header file.', 'Options:',
    '--help print this help and exit', '--version print version information and exit',
    /^(?:Report bugs to <bruno@clisp\.org>\.|Send patches and bug reports to <bug-gnulib@gnu\.org>\.)"$/, '}',
    'func_version ()', '{', /^echo "declared\.sh \(GNU (?:gnulib|libunistring)\)"$/, /^echo "Copyright \(C\) (?:2006-)?20\d\d Free Software Foundation, Inc\.$/,
    'License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>', 'This is free software: you are free to change and redistribute it.',
    'There is NO WARRANTY, to the extent permitted by law."', ...written, '}',
    'func_fatal_error ()', '{', 'echo "declared.sh: *** $1" 1>&2', 'echo "declared.sh: *** Stop." 1>&2', 'exit 1', '}',
    'while test $# -gt 0; do', 'case "$1" in', '--help | --hel | --he | --h )', 'func_usage', 'exit 0 ;;', '--version | --versio | --versi | --vers | --ver | --ve | --v )',
    'func_version', 'exit 0 ;;', /^-- \) # Stop option pro?cessing$/, 'shift; break ;;', '-* )', /^func_fatal_error "unrecognized option: \$(?:1|option)"$/, ';;', '* )', 'break ;;', 'esac', 'done',
    'if test $# -gt 0; then', 'func_fatal_error "too many arguments"', 'fi',
    ...SED_CODE,
  ];
}
const DECLARED_CODES = [declaredCode(['echo "Written by" "Bruno Haible"']), declaredCode(['echo', 'printf \'Written by %s.\\n\' "Bruno Haible"'])];

// The sed programs' regular expressions. Each is deterministic (a C token is a string, a character literal, a
// slash not opening a comment, or any other character; a comment body ends at its first `*/`), so POSIX's
// leftmost-longest match and a backtracking match agree.
const C_TOKEN = `(?:[^"'/]|"(?:[^\\\\"]|\\\\[^])*"|'(?:[^\\\\']|\\\\[^])*'|/[^"'/*]|/"(?:[^\\\\"]|\\\\[^])*"|/'(?:[^\\\\']|\\\\[^])*')`;
const HAS_OPENER = /\/[/*]/;
const LINE_COMMENT = new RegExp(`^(${C_TOKEN}*)//[^]*$`);
const BLOCK_COMMENT = new RegExp(`^(${C_TOKEN}*)/\\*(?:[^*]|\\*[^/*])*\\*+/`);
const OPEN_COMMENT = new RegExp(`^(${C_TOKEN}*)/\\*[^]*$`);
const COMMENT_TAIL = /^(?:[^*]|\*[^/*])*\*+\//;

/**
 * sed_remove_comments as GNU sed runs it, line by line: `//` comments cut, closed `/* … *\/` comments replaced by a
 * blank until none is left; an unclosed one cut at its start, then (`n`: the line printed, the next read) each
 * following line blanked until one holds the comment's end, whose rest is kept unexamined. At the end of input
 * inside a comment `n` prints and quits.
 */
export function sedRemoveComments(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let ps = lines[i++]!;
    if (HAS_OPENER.test(ps))
      for (;;) {
        const line = LINE_COMMENT.exec(ps);
        if (line) { ps = line[1]!; break; }
        const block = BLOCK_COMMENT.exec(ps);
        if (block) { ps = `${block[1]} ${ps.slice(block[0].length)}`; continue; }
        const open = OPEN_COMMENT.exec(ps);
        if (open) {
          ps = `${open[1]} `;
          for (;;) {
            out.push(ps);
            if (i >= lines.length) return out;
            ps = lines[i++]!;
            const tail = COMMENT_TAIL.exec(ps);
            if (tail) { ps = ps.slice(tail[0].length); break; }
            ps = '';
          }
        }
        break;
      }
    out.push(ps);
  }
  return out;
}

/** What declared.sh writes for this standard input (one name a line), or undefined when the script is not a known version. */
export function declaredSh(script: string, stdin: string): string | undefined {
  const code = codeLines(script);
  if (!DECLARED_CODES.some((c) => matchCode(code, c))) return undefined;
  const quoteInJoin = code.includes('/^extern [^;"]*$/{');
  const starBeforeName = code.some((l) => l.startsWith("sed_extract_extern_declared='s/^extern [^()]*[ *]"));
  // sed reads lines; a last line without its newline is still a line.
  const input = stdin.endsWith('\n') ? stdin.slice(0, -1).split('\n') : stdin.split('\n');
  const uncommented = stdin === '' ? [] : sedRemoveComments(input);
  const open = quoteInJoin ? /^extern [^;"]*$/ : /^extern [^;]*$/;
  const joined: string[] = [];
  for (let i = 0; i < uncommented.length; i++) {
    let ps = uncommented[i]!;
    // `N` at the end of input prints the pattern space and quits (GNU sed).
    while (open.test(ps) && i + 1 < uncommented.length) ps = `${ps} ${uncommented[++i]}`;
    joined.push(ps);
  }
  const extract = starBeforeName ? /^extern [^()]*[ *]([A-Za-z_][A-Za-z0-9_]*) *[;(][^]*$/ : /^extern [^()]* ([A-Za-z_][A-Za-z0-9_]*) *[;(][^]*$/;
  return joined.map((l) => extract.exec(l)?.[1]).filter((n): n is string => n !== undefined).map((n) => `${n}\n`).join('');
}

export const declaredShModel: FilterModel = {
  id: 'declared-sh',
  fingerprint: ['sed_join_multiline_externs=', 'sed_extract_extern_declared='],
  filter: declaredSh,
};

export const FILTER_MODELS: readonly FilterModel[] = [declaredShModel];

/**
 * Whether every model line occurs as a whole line of `script`, in order, behind tabs only (`<<-` strips tabs, so a
 * line indented by spaces is not the modelled line): the guard of a byte-for-byte model of a tracked script (strace's
 * tests/gen_tests.sh, src/xlat/gen.sh) — any other version of the script is not modelled.
 */
export function scriptCarries(script: string, modelLines: readonly string[]): boolean {
  const lines = script.split('\n').map((l) => l.replace(/^\t*/, ''));
  let at = 0;
  for (const want of modelLines) {
    while (at < lines.length && lines[at] !== want) at++;
    if (at >= lines.length) return false;
    at++;
  }
  return true;
}
