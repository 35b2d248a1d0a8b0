/**
 * The options automake writes into a Makefile.in's own rebuild rule, and what they say about the automake run
 * that wrote the file.
 *
 * automake (bin/automake.in, handle_configure) writes `$(AUTOMAKE) --STRICTNESS[ --ignore-deps]` into every
 * Makefile.in's rebuild rule (lib/am/configure.am: the top directory's am--refresh `cd $(srcdir) &&
 * $(AUTOMAKE) OPTS`, and each file's `cd $(top_srcdir) && $(AUTOMAKE) OPTS sub/Makefile`). STRICTNESS is
 * the strictness in force for that Makefile.am: lib/Automake/Options.pm resets it before each file to the
 * default taken from the command line (`--gnu`, the default, `--gnits`, `--foreign`) and AM_INIT_AUTOMAKE's
 * options, and the file's own AUTOMAKE_OPTIONS override it. `--ignore-deps` follows when the global option
 * no-dependencies is set (command line `-i`, or AM_INIT_AUTOMAKE).
 *
 * So a sub-directory Makefile.am without a strictness of its own is written `--gnu` by a plain `automake`
 * (autoreconf) but `--foreign` by the top Makefile's rebuild rule `$(AUTOMAKE) --foreign` (the top
 * Makefile.am's `AUTOMAKE_OPTIONS = foreign`), which a release runs when configure.ac is newer than the
 * Makefile.in files (curl 7.88.1: seven sub-directory Makefile.in say `--foreign`). The regeneration then
 * runs the real automake again with the options the shipped rule names (./regenerate.ts) — never a text edit.
 */

/** Command-line options automake itself can write into a rebuild rule: one strictness, then `--ignore-deps`. */
const STRICTNESS = new Set(['--gnu', '--gnits', '--foreign']);

/**
 * The automake options of a Makefile.in's rebuild rule, as an argv: every `$(AUTOMAKE)` occurrence must
 * name the same options, and they must be ones automake writes there (a strictness, optionally followed by
 * `--ignore-deps`). Undefined when there is no such rule, the occurrences disagree, or an option is one no
 * automake run writes (`--cygnus`, removed in automake 1.13; anything else).
 */
export function rebuildRuleOptions(makefileIn: string): string[] | undefined {
  const seen = new Set<string>();
  for (const m of makefileIn.matchAll(/\$\(AUTOMAKE\)((?:[ \t]+-[^\s'\\;]*)*)/g)) seen.add(m[1]!.trim().split(/[ \t]+/).filter(Boolean).join(' '));
  if (seen.size !== 1) return undefined;
  const argv = [...seen][0]!.split(' ').filter(Boolean);
  if (argv.length < 1 || argv.length > 2 || !STRICTNESS.has(argv[0]!)) return undefined;
  if (argv.length === 2 && argv[1] !== '--ignore-deps') return undefined;
  return argv;
}
