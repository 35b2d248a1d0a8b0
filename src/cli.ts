#!/usr/bin/env node
/**
 * The command line: the only module that touches `process` (argv, env, stdout/stderr, exit code).
 * Exit codes: 0 nothing at or above --fail-on, 1 findings at or above --fail-on, 2 operational error.
 */
import { resolve } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { loadPolicy } from './classify/policy.js';
import { newPrecheckAudit } from './classify/index.js';
import { escapeNonPrinting } from './compare/invisible.js';
import { DistdiffError } from './core/errors.js';
import { DEFAULT_LIMITS, type Limits } from './core/limits.js';
import { SEVERITIES, type Severity } from './core/types.js';
import { FORMATS, streamReport, type Format } from './render/formats.js';
import { formatProgress } from './render/progress.js';
import { exitCodeOf } from './pipeline/result.js';
import { verify } from './verify.js';
import { PROFILE_CHOICES, type ProfileChoice } from './profiles/types.js';
import { DEFAULT_NPM_REGISTRY } from './acquire/npm-registry.js';
import { VERSION } from './version.js';
import { REGENERATE_MODES, type RegenerateMode } from './regenerate/types.js';
import { parseSubmoduleOption } from './acquire/submodule.js';
import { removeGnulibScratch } from './regenerate/gnulib-tool.js';
import { defaultCacheDir, parseSize } from './util/args.js';
import { trustedDir, writeFileReplacing } from './util/safe-fs.js';
import { redactUrls } from './util/redact.js';
import { requestedFormat, unknownOptionMessage } from './util/suggest.js';
import { SCHEMA_VERSION } from './core/result.js';
import { HEAP_TIGHT_BYTES, HEAP_TIGHT_PERCENT, tightenHeapGrowthPast } from './util/heap.js';
import { enableTimeline, formatTimeline, mark, timelineMarks } from './util/timeline.js';

const EXAMPLES: [string, string][] = [
  ['$0 xz-5.6.1.tar.gz --repo xz.git', 'tag inferred from the name (v5.6.1, 5.6.1, xz-5.6.1 …)'],
  ['$0 URL --sha256 HEX --repo URL --tag v1.2', 'download with a pinned digest, clone into the cache'],
  ['$0 npm:left-pad@1.3.0 --repo URL', 'npm registry tarball (integrity checked) vs its gitHead'],
  ['$0 foo-1.2.tar.gz -r . -f sarif -o out.sarif', 'CI: SARIF; exit 1 on high or critical findings'],
  ['$0 foo-1.2.tar.gz -r . -f markdown', 'CI job summary / pull-request comment'],
  ['$0 batch releases.jsonl --out audit/', 'many releases: parallel, resumable, sharded (distdiff batch --help)'],
]

async function main(argv: string[]): Promise<number> {
  const env = process.env;
  if (env.DISTDIFF_TIMELINE) {
    enableTimeline(() => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    });
    mark('cli: modules loaded');
  }
  if (argv[0] === 'batch' || argv[0] === 'report') {
    const { batchCommand } = await import('./batch/command.js');
    return batchCommand(argv, { env, out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), tty: Boolean(process.stderr.isTTY), columns: process.stderr.columns });
  }
  const parser = yargs(argv)
    .scriptName('distdiff')
    .usage('$0 [verify] <tarball> --repo <git> [--tag <tag> | --commit <sha>]')
    .command(['verify <tarball>', '$0 <tarball>'], 'compare a release archive with a git revision', (y) =>
      y.positional('tarball', { type: 'string', describe: 'archive path, unpacked directory, http(s) URL, or npm:NAME@VERSION', demandOption: true }),
    )
    .command('toolchain <action> [source]', 'add a generator toolchain (GNU autoconf/automake/libtool release tarball, Debian\'s automake .deb, or --git REPO --version V: autoconf, automake, gperf, bison, flex or OpenBSD\'s yacc; or npm:esbuild@V, the registry\'s binary for minified-bundle reruns) to the cache, or list them', (y) =>
      y
        .positional('action', { choices: ['add', 'list'] as const, describe: 'add FILE|URL, add --git REPO --version V, or list' })
        .positional('source', { type: 'string', describe: 'GNU release tarball (file or URL), e.g. autoconf-2.72.tar.xz' })
        .option('git', { type: 'string', describe: "build from a git revision of the tool's own repository (autoconf, automake, gperf, bison, flex or OpenBSD's yacc; path or URL): the tag vV, the commit setting a test release's version, a git-describe version's commit, or --rev" })
        .version(false)
        .option('version', { type: 'string', describe: 'with --git: the version to build (2.72a, 1.16d, 2.72.70-9ff9)' })
        .option('before', { type: 'string', describe: "with --git: the newest commit at or before DATE whose configure.ac has that version (automake's version names a range of commits)" })
        .option('rev', { type: 'string', describe: 'with --git: the tag or commit to build (a repository without release tags, e.g. a vendor\'s gperf); its tree must state --version' })
        .option('backport', { type: 'string', describe: "with an autoconf release tarball: REPO:C1,C2,… — apply these commits of autoconf's repository (a local clone; their lib/ part, in order) before building: a distribution's backport" }),
    )
    .option('regenerate', { type: 'string', describe: 'prove autotools outputs by regenerating them in a sandbox: auto (default) or require (absence is an error); --no-regenerate skips it' })
    .option('repo', { alias: 'r', type: 'string', describe: 'git repository: local path, bundle file, or URL (https, ssh, git, file); required' })
    .option('submodule', { type: 'string', array: true, describe: "repository of a submodule the tag pins, NAME=REPO (path, bundle or URL; default: .gitmodules' URL)" })
    .option('tag', { alias: 't', type: 'string', describe: 'tag to compare with (default: inferred from the archive name)' })
    .option('commit', { alias: 'c', type: 'string', describe: 'commit to compare with instead of a tag' })
    .option('format', { alias: 'f', choices: FORMATS as Format[], default: 'text' as Format, describe: 'output format' })
    .option('output', { alias: 'o', type: 'string', describe: 'write the report to FILE instead of stdout' })
    .option('also', { type: 'string', array: true, describe: 'also write the report as FORMAT to FILE, FORMAT=FILE (repeatable), from the same run: e.g. --also sarif=distdiff.sarif --also json=distdiff.json' })
    .option('accept-unproved', { type: 'boolean', default: false, describe: 'accept build outputs nothing proved (UNPROVED_BUILD_OUTPUTS: reported at info instead of failing the gate)' })
    .option('fail-on', { choices: SEVERITIES as Severity[], describe: 'lowest severity that makes the exit code 1 (default high)' })
    .option('config', { type: 'string', describe: 'policy file (allowances with reasons, severity overrides)' })
    .option('sha256', { type: 'string', describe: 'expected sha256 of the archive; a mismatch stops with exit 2' })
    .option('checksums', { type: 'string', describe: "SHA256SUMS-style file or URL listing the archive's sha256; no entry or a mismatch stops with exit 2" })
    .option('signature', { type: 'string', describe: 'detached OpenPGP signature (.sig/.asc) of the archive, file or URL; needs --keyring; not valid → exit 2' })
    .option('keyring', { type: 'string', describe: 'OpenPGP public keys trusted to sign (gpg --export [--armor] KEYID > FILE)' })
    .option('verify-tag', { type: 'boolean', default: false, describe: "verify the annotated tag's OpenPGP signature with --keyring; not valid → exit 2" })
    .option('profile', { choices: PROFILE_CHOICES as ProfileChoice[], default: 'auto' as ProfileChoice, describe: 'ecosystem profile (default: detected from the archive content)' })
    .option('git-head', { type: 'string', describe: 'npm: the commit the package was published from (registry gitHead)' })
    .option('npm-registry', { type: 'string', default: DEFAULT_NPM_REGISTRY, describe: 'registry for npm:NAME@VERSION inputs' })
    .option('strip-prefix', { type: 'string', describe: "top-level directory to strip ('' for none; default: detected)" })
    .option('allow-http', { type: 'boolean', default: false, describe: 'allow plain http downloads from non-loopback hosts' })
    .option('cache-dir', { type: 'string', describe: 'where clones and downloads are cached (default $XDG_CACHE_HOME/distdiff)' })
    .option('max-download', { type: 'string', default: '2G', describe: 'largest download accepted' })
    .option('max-uncompressed', { type: 'string', default: '16G', describe: 'largest total decompressed size' })
    .option('max-ratio', { type: 'number', default: DEFAULT_LIMITS.maxRatio, describe: 'largest decompression ratio (bomb guard)' })
    .option('max-entries', { type: 'number', default: DEFAULT_LIMITS.maxEntries, describe: 'most archive entries accepted' })
    .option('max-path-length', { type: 'number', default: DEFAULT_LIMITS.maxPathLength, describe: 'longest entry name accepted, in bytes' })
    .option('timeout', { type: 'number', default: DEFAULT_LIMITS.timeoutMs / 1000, describe: 'network stall timeout in seconds' })
    .option('min-rate', { type: 'string', default: '1K', describe: 'slowest download accepted, bytes per second over each --timeout window (0: none)' })
    .option('decoder-timeout', { type: 'number', default: DEFAULT_LIMITS.decoderTimeoutMs / 1000, describe: 'seconds a decompressor may go without output' })
    .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'list every finding and full diffs' })
    .option('color', { type: 'boolean', describe: 'colour the text report (default: when stdout is a TTY and NO_COLOR is unset)' })
    .conflicts('tag', 'commit')
    .example(EXAMPLES)
    .epilog('Verifies a release archive against the git revision it claims to come from and explains every difference.\n\nExit codes: 0 nothing at or above --fail-on, 1 findings at or above --fail-on, 2 error (bad input, unreachable, tag not found, corrupt archive).')
    .version(VERSION)
    .help()
    .alias('h', 'help')
    .strict()
    .wrap(Math.max(100, Math.min(120, process.stdout.columns || 120)))
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      const opts = (parser as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions();
      const known = Object.keys(opts.key).filter((k) => k.length > 1 && !/[A-Z_$]/.test(k));
      const typo = msg ? unknownOptionMessage(msg, known) : undefined;
      throw new DistdiffError('usage', 'command line', typo ?? msg, "see 'distdiff --help'");
    });

  const args = await parser.parseAsync();
  if (args.help) return 0;
  // `toolchain add --git REPO --version V`: there --version is the tool's version, not distdiff's.
  if (args._[0] === 'toolchain') return toolchainCommand(args as unknown as ToolchainArgs, env);
  if (args.version) return 0;
  if (!args.tarball) return 0;
  const regen = args.regenerate as unknown;
  const regenerateMode: RegenerateMode | undefined =
    regen === undefined ? undefined : regen === false ? 'off' : regen === '' || regen === true ? 'auto' : (REGENERATE_MODES as readonly unknown[]).includes(regen) ? (regen as RegenerateMode) : undefined;
  if (regen !== undefined && regenerateMode === undefined) {
    throw new DistdiffError('usage', `--regenerate=${String(regen)}`, 'unknown regeneration mode', 'use --regenerate=auto, --regenerate=require or --no-regenerate');
  }

  // Checked before the run: a mistyped --also must not cost a verification.
  const also = parseAlsoOptions((args.also ?? []).map(String), args.output);

  const limits: Partial<Limits> = {
    maxDownload: parseSize(args['max-download'], 'max-download'),
    maxUncompressed: parseSize(args['max-uncompressed'], 'max-uncompressed'),
    maxRatio: args['max-ratio'],
    maxEntries: args['max-entries'],
    maxPathLength: args['max-path-length'],
    timeoutMs: Math.round(args.timeout * 1000),
    minRate: parseSize(args['min-rate'], 'min-rate'),
    decoderTimeoutMs: Math.round(args['decoder-timeout'] * 1000),
  };
  // Option values (digests, commit ids, limits) are checked by verify() itself: one place for the CLI and library callers.
  const cacheDir = resolve(args['cache-dir'] ?? defaultCacheDir(env));
  trustedDir(cacheDir, { root: true });
  const policy = args.config ? loadPolicy(args.config) : undefined;
  const failOn: Severity = (args['fail-on'] as Severity | undefined) ?? policy?.failOn ?? 'high';

  const tty = Boolean(process.stderr.isTTY);
  let lastDraw = 0;
  // Millions of entries: past HEAP_TIGHT_BYTES of heap, V8 grows the heap by at most HEAP_TIGHT_PERCENT between full collections.
  const stopHeapWatch = tightenHeapGrowthPast(HEAP_TIGHT_BYTES, HEAP_TIGHT_PERCENT);
  // A debugging check (README "Performance"): every classifier also runs where its pre-check says no.
  const audit = env.DISTDIFF_AUDIT_PRECHECKS ? newPrecheckAudit() : undefined;
  const result = await verify({
    tarball: args.tarball as string,
    repo: args.repo,
    tag: args.tag,
    commit: args.commit,
    stripPrefix: args['strip-prefix'],
    profile: args.profile as ProfileChoice,
    ...(args['git-head'] !== undefined ? { gitHead: args['git-head'] } : {}),
    npmRegistry: args['npm-registry'],
    sha256: args.sha256,
    checksums: args.checksums,
    signature: args.signature,
    keyring: args.keyring,
    verifyTag: args['verify-tag'],
    allowHttp: args['allow-http'],
    cacheDir,
    limits,
    policy,
    failOn,
    ...(regenerateMode ? { regenerate: regenerateMode } : {}),
    ...(args['accept-unproved'] ? { acceptUnproved: true } : {}),
    ...(args.submodule?.length ? { submodules: args.submodule.map((s) => parseSubmoduleOption(String(s))) } : {}),
    ...(audit ? { auditPrechecks: audit } : {}),
    progress: tty
      ? (p) => {
          const now = Date.now();
          if (now - lastDraw < 100 && p.bytes !== p.total) return;
          lastDraw = now;
          process.stderr.write('\r' + formatProgress(p, Math.min(100, process.stderr.columns || 80) - 1));
          if (p.total !== undefined && p.bytes >= p.total) process.stderr.write('\n');
        }
      : undefined,
  });

  if (audit) {
    const v = audit.violations;
    for (const x of v) process.stderr.write(`distdiff: pre-check audit: ${x.classifier} said no to ${x.status} ${escapeNonPrinting(x.path)}, and classify() without it decides ${x.code}${x.decisive ? '' : ' (after another classifier decided)'}\n`);
    // A wrong pre-check is a defect of distdiff: no verdict (exit 2), the report not written.
    if (v.length > 0) throw new Error(`pre-check audit: ${v.length} difference(s) a pre-check rejected are decided by classify() without it (listed above)`);
    process.stderr.write(`distdiff: pre-check audit: ${audit.calls} classify() call(s) where a pre-check said no, none decided (${audit.threw} threw)\n`);
  }
  const color = args.color ?? (Boolean(process.stdout.isTTY) && !args.output && env.NO_COLOR === undefined);
  // JSON and SARIF come in pieces (renderStream): a report of millions of findings is never one string. Only the
  // format's own renderer is loaded.
  const text = await streamReport(result, args.format as Format, { color, verbose: args.verbose });
  if (args.output) {
    // Through a temp file and a rename: a symbolic link planted at the destination is refused, never followed.
    writeFileReplacing(args.output, text, { links: 'refuse', mode: 0o666 });
    // Keep the verdict visible in CI logs.
    process.stderr.write(`distdiff: ${result.verdict.toUpperCase()} — report written to ${escapeNonPrinting(args.output)}\n`);
  } else {
    for (const piece of text) process.stdout.write(piece);
  }
  // The same result in other formats (files: never coloured).
  for (const a of also) {
    writeFileReplacing(a.file, await streamReport(result, a.format, { color: false, verbose: args.verbose }), { links: 'refuse', mode: 0o666 });
    process.stderr.write(`distdiff: ${a.format} report written to ${escapeNonPrinting(a.file)}\n`);
  }
  stopHeapWatch();
  if (env.DISTDIFF_TIMELINE) {
    mark('cli: report written');
    for (const line of formatTimeline(timelineMarks())) process.stderr.write(`distdiff: timeline ${line}\n`);
  }
  return exitCodeOf(result.verdict);
}

/** `--also FORMAT=FILE` values: a known format, a file named once (not the --output file, not twice). */
function parseAlsoOptions(values: readonly string[], output?: string): { format: Format; file: string }[] {
  const seen = new Set<string>(output ? [resolve(output)] : []);
  return values.map((v) => {
    const eq = v.indexOf('=');
    const format = v.slice(0, Math.max(eq, 0)).trim();
    const file = eq > 0 ? v.slice(eq + 1) : '';
    if (!(FORMATS as readonly string[]).includes(format) || !file) {
      throw new DistdiffError('usage', `--also ${v}`, 'expected FORMAT=FILE', `FORMAT is one of ${FORMATS.join(', ')}, e.g. --also sarif=distdiff.sarif`);
    }
    const where = resolve(file);
    if (seen.has(where)) throw new DistdiffError('usage', `--also ${v}`, 'this file already receives a report', 'give each report its own file');
    seen.add(where);
    return { format: format as Format, file };
  });
}

// ---- the exit contract: 0 / 1 only from a finished report; every failure is exit 2 with one line ----

let failed = false;
let finished = false;

/** Prints the one `distdiff:` line for a failure (only the first one) and sets exit code 2. */
function fail(err: unknown): void {
  process.exitCode = 2;
  if (failed) return;
  failed = true;
  if (requestedFormat(hideBin(process.argv)) === 'json') {
    // --format json: a JSON error object on stdout too, so a pipeline reading the report gets one.
    const e = err instanceof DistdiffError ? err : undefined;
    const message = err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err);
    // Credentials in URLs redacted as in the stderr line (oneLine).
    const error = { kind: e?.kind ?? 'internal', input: redactUrls(e?.input ?? ''), message: redactUrls(message), hint: redactUrls(e?.hint ?? '') };
    process.stdout.write(`${JSON.stringify({ schemaVersion: SCHEMA_VERSION, tool: { name: 'distdiff', version: VERSION }, verdict: 'error', error }, null, 2)}\n`);
  }
  if (err instanceof DistdiffError) {
    process.stderr.write(`distdiff: ${escapeNonPrinting(err.oneLine())}\n`);
  } else {
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(`distdiff: internal error: ${escapeNonPrinting(msg.split('\n')[0] ?? '')}; please report this with the command you ran\n`);
    if (process.env.DISTDIFF_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  }
}

// A rejection nobody handled or an exception thrown from a callback: the run's state is unknown, so it
// ends here, as an error (node's default would print a stack trace and exit 1, which means DIFFERENT).
process.on('unhandledRejection', (err) => {
  fail(err);
  process.exit(2);
});
process.on('uncaughtException', (err) => {
  fail(err);
  process.exit(2);
});
// Node exits when nothing is left to wait for, even if main() never settled (a promise that can no longer
// settle): that must not pass as success with no output.
process.on('exit', () => {
  if (!finished && !failed) fail(new Error('stopped before the report was complete'));
});
// A signal (Ctrl-C, a batch runner's kill) ends the run as an error (128 + the signal number, as a shell reports
// it) after removing the scratch trees of the gnulib-tool runs in progress (the sandbox dies with us); a run
// killed harder leaves them to the next run's sweep (src/regenerate/gnulib-tool.ts).
for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
  process.once(sig, () => {
    removeGnulibScratch();
    finished = true; // no report, and not "stopped before the report was complete": stopped by the signal
    process.stderr.write(`distdiff: stopped by ${sig}; no report\n`);
    process.exit(code);
  });
}
interface ToolchainArgs {
  action: 'add' | 'list';
  source?: string;
  signature?: string;
  keyring?: string;
  'allow-http'?: boolean;
  'cache-dir'?: string;
  git?: string;
  version?: string | boolean;
  before?: string;
  rev?: string;
  submodule?: (string | number)[];
  backport?: string;
  'npm-registry'?: string;
}

/** `--backport REPO:C1,C2,…`: the repository (the part before the last colon) and the commits, in order. */
function parseBackportOption(v: string): { repo: string; commits: string[] } {
  const i = v.lastIndexOf(':');
  const commits = i > 0 ? v.slice(i + 1).split(',').filter(Boolean) : [];
  if (i <= 0 || !commits.length || commits.some((c) => !/^[0-9a-f]{4,40}$/i.test(c))) throw new DistdiffError('usage', '--backport', `expected REPO:COMMIT[,COMMIT…], got ${v}`, 'pass e.g. --backport ./autoconf:b27bc3e2,8b5e2016');
  return { repo: v.slice(0, i), commits };
}

async function toolchainCommand(args: ToolchainArgs, env: NodeJS.ProcessEnv): Promise<number> {
  const cacheDir = resolve(args['cache-dir'] ?? defaultCacheDir(env));
  // Loaded for this command only: a verify run does not load the toolchain builder.
  const [{ addGitToolchain, addToolchain, listToolchains }, { describeRevision, skippedText }] = await Promise.all([import('./regenerate/toolchain.js'), import('./regenerate/toolchain-git.js')]);
  if (args.action === 'list') {
    for (const t of listToolchains(cacheDir)) {
      const sig = t.manifest.git ? `git ${t.manifest.git.commit} (${describeRevision(t.manifest.git.found)}) of ${t.manifest.git.repo}` : t.manifest.package ? `Debian package ${t.manifest.package.name} ${t.manifest.package.version}` : t.manifest.signature.status === 'valid' ? `signature valid (${t.manifest.signature.fingerprint ?? 'key in keyring'})` : 'no signature checked';
      process.stdout.write(`${t.manifest.name} ${t.manifest.version}  ${t.prefix}  sha256 ${t.manifest.sha256}  ${sig}\n`);
    }
    return 0;
  }
  if (args.source?.startsWith('npm:')) {
    trustedDir(cacheDir, { root: true });
    const { addNpmTool } = await import('./regenerate/npm-tool.js');
    const r = await addNpmTool(args.source, { cacheDir, registry: args['npm-registry'], allowHttp: args['allow-http'] });
    process.stdout.write(`${r.reused ? 'already installed' : 'installed'}: esbuild ${r.version} in ${r.prefix} (${r.package}@${r.version} from the registry${r.integrity ? `, ${r.integrity.split('-')[0]} integrity checked` : ''})\n`);
    return 0;
  }
  if (args.git !== undefined || typeof args.version === 'string') {
    if (!args.git || typeof args.version !== 'string' || !args.version) throw new DistdiffError('usage', 'toolchain add', args.git ? '--git needs --version' : '--version needs --git', 'pass --git REPO --version V, e.g. --git ./automake --version 1.16d');
    if (args.source) throw new DistdiffError('usage', 'toolchain add', `both a release tarball (${args.source}) and --git given`, 'pass one of them');
    if (args.backport !== undefined) throw new DistdiffError('usage', 'toolchain add', '--backport applies commits to a release tarball, not to --git', 'pass an autoconf release tarball with --backport');
    trustedDir(cacheDir, { root: true });
    // --submodule PATH=REPO: where a submodule the tool's revision pins comes from (bison's gnulib, submodules/autoconf)
    const submodules = new Map((args.submodule ?? []).map((s) => parseSubmoduleOption(String(s))).map((s) => [s.name, s.repo] as const));
    const r = await addGitToolchain(args.git, args.version, { cacheDir, signature: args.signature, keyring: args.keyring, ...(args.before ? { before: args.before } : {}), ...(args.rev ? { rev: args.rev } : {}), ...(submodules.size ? { submodules } : {}) });
    const g = r.manifest.git!;
    process.stdout.write(
      `${r.reused ? 'already built' : 'built'}: ${r.manifest.name} ${r.manifest.version} in ${r.prefix} from ${g.repo} ${g.commit} (${describeRevision(g.found)}; tree sha256 ${r.manifest.sha256})${g.submodules?.length ? `; submodules ${g.submodules.map((m) => `${m.path} ${m.commit.slice(0, 12)} from ${m.repo}${m.omitted.length ? ` (without ${m.omitted.join(', ')}: not in that repository)` : ''}`).join(', ')}` : ''}${g.skipped.length ? `; not built: ${g.skipped.map(skippedText).join(', ')}` : ''}\n`,
    );
    return 0;
  }
  if (!args.source) throw new DistdiffError('usage', 'toolchain add', 'no release tarball given', 'pass a GNU autoconf/automake release tarball, file or URL, or --git REPO --version V');
  trustedDir(cacheDir, { root: true });
  const backport = args.backport !== undefined ? parseBackportOption(String(args.backport)) : undefined;
  const r = await addToolchain(args.source, { cacheDir, signature: args.signature, keyring: args.keyring, allowHttp: args['allow-http'], ...(backport ? { backport } : {}) });
  const m = r.manifest;
  process.stdout.write(
    `${r.reused ? 'already built' : 'built'}: ${m.name} ${m.version}${m.backports ? ` with upstream commits ${m.backports.commits.map((c) => c.slice(0, 12)).join(', ')} of ${m.backports.repo}` : ''} in ${r.prefix} (sha256 ${m.sha256}; ${m.package ? `Debian package ${m.package.name} ${m.package.version}, authenticated by apt` : m.signature.status === 'valid' ? `signature valid${m.signature.userId ? ` from ${m.signature.userId}` : ''}` : 'no signature checked: pass --signature and --keyring'})\n`,
  );
  return 0;
}

main(hideBin(process.argv)).then(
  (code) => {
    finished = true;
    if (!failed) process.exitCode = code;
  },
  (err: unknown) => {
    finished = true;
    fail(err);
  },
);
