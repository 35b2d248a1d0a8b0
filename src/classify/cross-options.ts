/**
 * bison's doc/cross-options.texi (issue 11 d): the manual's table of command-line options, written at release
 * time by the tracked rule of doc/local.mk
 *     $(PERL) $(CROSS_OPTIONS_PL) $(top_srcdir)/src/scan-gram.l <$(top_srcdir)/doc/bison.help >$@.tmp
 * from the program's saved --help output (doc/bison.help, itself traced line by line to the C sources by
 * ./program-help.ts) and the tracked scanner. Nothing is run: the file is computed by a model of the tracked
 * build-aux/cross-options.pl — its option regex, the directive lookup in the scanner's `"%…"` lines, the
 * @var rewriting, `sort keys`, and its Perl `format` picture (read from the script: field widths, values
 * truncated to them, trailing blanks dropped as `write` does) — and must be identical byte for byte. The
 * model applies only while the script carries the modelled code lines (FINGERPRINT), and only when the help
 * file it reads is traced.
 */
import { makeFinding } from '../core/severity.js';
import { blobId } from '../scan/blob-id.js';
import { rulesFor } from './make-stamp.js';
import { expandLoose } from '../util/makefile.js';
import { tracedHelp } from './program-help.js';
import type { Classifier } from './types.js';
import { admits } from './precheck.js';

const MAX_BYTES = 256 * 1024;
const MODEL = 'cross-options-pl';

/** Code lines of build-aux/cross-options.pl (bison 3.x) the model reproduces; each must be a line of the script. */
export const FINGERPRINT = [
  "my $scanner = `grep -i '\"%[a-z]' $ARGV[0]`;",
  '$scanner =~ s/"\\[-_\\]"/-/g;',
  'if (/^\\s*             # Initial spaces.',
  '(?:(-\\w),\\s+)?    # $1: $short: Possible short option.',
  '(--[-\\w]+)        # $2: $long:  Mandatory long option.',
  "(\\[?)             # $3: $opt:   '[' iff the argument is optional.",
  '(?:=(\\S+))?       # $4: $arg:   Possible argument name.',
  '\\s                # Spaces.',
  "$short = '' if ! defined $short;",
  "$short = '-d' if $long eq '--defines' && ! $short;",
  "my $dir = '%' . substr($long, 2);",
  'if (index ($scanner, "\\"$dir\\"") < 0)',
  "if ($long eq '--force-define') { $dir = '%define'; }",
  "else { $dir = ''; }",
  "if $opt eq '[';",
  '$arg = lc ($arg);',
  'my $dir_arg = $arg;',
  '$arg =~ s/(\\w+)/\\@var{$1}/g;',
  'my $long_arg = "=$arg";',
  "if ($opt eq '[') {",
  '$long_arg = "[$long_arg]";',
  '$arg = "[$arg]";',
  "if ($dir_arg eq 'name[=value]')",
  '$dir eq "%define"',
  "? '@var{name} [@var{value}]'",
  ": '@var{name} [\"@var{value}\"]';",
  '$dir_arg =~ s/(\\w+)/\\@var{"$1"}/g;',
  "$dir_arg = '[' . $dir_arg . ']'",
  '$long = "$long$long_arg";',
  "$short = \"$short $arg\" if $short && $short ne '-d';",
  '$dir = "$dir $dir_arg" if $dir;',
  '$option{$long} = $short;',
  '$directive{$long} = $dir;',
  'foreach my $long (sort keys %option)',
  "'@', '@option{' . $long . '}',",
  "'@', $option{$long} ? ('@option{' . $option{$long} . '}') : '',",
  "'@', $directive{$long} ? ('@code{' . $directive{$long} . '}') : ''",
  'write;',
];

/** The `format STDOUT =` picture line of the script: literal text and field widths, in order. */
function picture(script: string): (string | number)[] | undefined {
  const m = /\nformat STDOUT =\n([^\n]*)\n\{\n/.exec(script);
  if (!m) return undefined;
  const parts: (string | number)[] = [];
  for (const t of m[1]!.split(/(@<*)/)) {
    if (!t) continue;
    parts.push(t.startsWith('@') ? t.length : t);
  }
  return parts;
}

const OPTION = /^\s*(?:(-\w),\s+)?(--[-\w]+)(\[?)(?:=(\S+))?\s/;

/** What cross-options.pl prints for a help text and the scanner's source; undefined without its picture. */
export function crossOptions(script: string, help: string, scannerSource: string): string | undefined {
  const pic = picture(script);
  if (!pic || pic.filter((p) => typeof p === 'number').length !== 6) return undefined;
  const scanner = scannerSource
    .split('\n')
    .filter((l) => /"%[a-z]/i.test(l))
    .map((l) => `${l}\n`)
    .join('')
    .replaceAll('"[-_]"', '-');
  const option = new Map<string, string>();
  const directive = new Map<string, string>();
  for (const line of help.split(/(?<=\n)/)) {
    const m = OPTION.exec(line);
    if (!m) continue;
    let short = m[1] ?? '';
    let long = m[2]!;
    const opt = m[3]!;
    let arg = m[4];
    if (long === '--defines' && !short) short = '-d';
    let dir = `%${long.slice(2)}`;
    if (!scanner.includes(`"${dir}"`)) dir = long === '--force-define' ? '%define' : '';
    if (arg) {
      if (opt === '[') arg = arg.slice(0, -1);
      arg = arg.toLowerCase();
      let dirArg = arg;
      arg = arg.replace(/(\w+)/g, '@var{$1}');
      let longArg = `=${arg}`;
      if (opt === '[') {
        longArg = `[${longArg}]`;
        arg = `[${arg}]`;
      }
      if (dirArg === 'name[=value]') dirArg = dir === '%define' ? '@var{name} [@var{value}]' : '@var{name} ["@var{value}"]';
      else {
        dirArg = dirArg.replace(/(\w+)/g, '@var{"$1"}');
        if (opt === '[') dirArg = `[${dirArg}]`;
      }
      long = `${long}${longArg}`;
      if (short && short !== '-d') short = `${short} ${arg}`;
      if (dir) dir = `${dir} ${dirArg}`;
    }
    option.set(long, short);
    directive.set(long, dir);
  }
  let out = '';
  for (const long of [...option.keys()].sort()) {
    const values = ['@', `@option{${long}}`, '@', option.get(long) ? `@option{${option.get(long)}}` : '', '@', directive.get(long) ? `@code{${directive.get(long)}}` : ''];
    let v = 0;
    const line = pic.map((p) => (typeof p === 'number' ? values[v++]!.split('\n')[0]!.slice(0, p).padEnd(p) : p)).join('');
    out += `${line.replace(/ +$/, '')}\n`;
  }
  return out;
}


/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && diff.tarball.size <= MAX_BYTES && diff.path.endsWith('.texi');

export const crossOptionsClassifier: Classifier = {
  id: 'cross-options',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const buf = ctx.content.tarball(diff.path);
    if (!buf) return undefined;
    for (const rule of await rulesFor(diff.path, ctx)) {
      const cmd = rule.recipe
        .map((l) => expandLoose(l, rule.vars, rule.dir))
        .map((l) => /\$\(PERL\)\s+(\S+)\s+(\S+)\s+<\s*(\S+)\s+>\s*\$@(?:\.tmp)?\s*$/.exec(l.replace(/^\s*(?:[@-]|\$\(AM_V_[A-Za-z]+\))+\s*/, '')))
        .find(Boolean);
      if (!cmd) continue;
      const [script, scanner, help] = [cmd[1]!, cmd[2]!, cmd[3]!].map((p) => p.replace(/^(?:\$\(top_srcdir\)|\$\(srcdir\)|\.)\//, ''));
      if (!ctx.gitPaths.has(script!) || !ctx.gitPaths.has(scanner!) || ctx.gitPaths.has(help!)) continue;
      const scriptText = (await ctx.content.git(script!))?.toString('latin1');
      const scannerText = (await ctx.content.git(scanner!))?.toString('latin1');
      const helpBuf = ctx.content.tarball(help!);
      if (scriptText === undefined || scannerText === undefined || !helpBuf) continue;
      const lines = new Set(scriptText.split('\n').map((l) => l.trim()));
      if (!FINGERPRINT.every((l) => lines.has(l))) continue;
      // The help file it reads must itself be traced to the program's sources.
      if (!(await tracedHelp(help!, ctx))) continue;
      const expected = crossOptions(scriptText, helpBuf.toString('latin1'), scannerText);
      if (expected === undefined || expected !== buf.toString('latin1')) continue;
      return makeFinding('GENERATED_FROM_SOURCE', diff.path, {
        how: 'computed',
        source: rule.fragment,
        generator: script!,
        inputs: [scanner!, help!],
        model: { id: MODEL, blob: blobId(ctx.revision.commit.length === 64 ? 'sha256' : 'sha1', Buffer.from(scriptText, 'latin1')) },
      });
    }
    return undefined;
  },
};
