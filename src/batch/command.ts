/**
 * The `batch`, `batch merge` and `report` subcommands. src/cli.ts hands them the arguments and its
 * process handles (this module does not touch `process`); the returned number is the exit code.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import yargs from 'yargs';
import { DistdiffError } from '../core/errors.js';
import { SEVERITIES, type Severity } from '../core/types.js';
import { defaultCacheDir } from '../util/args.js';
import { VERSION } from '../version.js';
import { DB_FILE, type DbOutcome } from './db.js';
import { atomicWrite } from './files.js';
import { mergeOutputs } from './merge.js';
import { collectStats, renderBatchHtml, renderBatchMarkdown } from './report.js';
import { formatBatchProgress } from './progress.js';
import { defaultJobs, runBatch } from './run.js';
import { parseShard, shardFromEnv, type Shard } from './shard.js';

export interface CommandIO {
  env: NodeJS.ProcessEnv;
  out: (s: string) => void;
  err: (s: string) => void;
  /** stderr is a terminal: draw the progress bar. */
  tty: boolean;
  columns?: number;
}

function parser(argv: string[]) {
  return yargs(argv)
    .scriptName('distdiff')
    .version(VERSION)
    .help()
    .alias('h', 'help')
    .strictOptions()
    .wrap(110)
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new DistdiffError('usage', 'command line', msg, "see 'distdiff batch --help'");
    });
}

export async function batchCommand(argv: string[], io: CommandIO): Promise<number> {
  if (argv[0] === 'report') return reportCommand(argv.slice(1), io);
  if (argv[1] === 'merge') {
    const args = await parser(argv.slice(2))
      .usage('$0 batch merge DIR… --out OUT')
      .epilog('Combines the output directories of batch shards into one and rebuilds the results database.')
      .option('out', { alias: 'o', type: 'string', demandOption: true, describe: 'merged output directory (may be one of the inputs)' })
      .parseAsync();
    if (args.help || args.version) return 0;
    const dirs = args._.map(String);
    const s = await mergeOutputs(dirs, args.out);
    io.err(`distdiff batch merge: ${s.rows} release(s) from ${s.inputs} director${s.inputs === 1 ? 'y' : 'ies'}${s.conflicts ? `, ${s.conflicts} duplicate(s) resolved` : ''} → ${s.out.root}\n`);
    io.err(dbLine(s.db));
    return s.exitCode;
  }
  const args = await parser(argv.slice(1))
    .usage('$0 batch MANIFEST --out DIR [--jobs N] [--shard I/N]')
    .option('out', { alias: 'o', type: 'string', demandOption: true, describe: 'output directory (results/, rows/, summary.jsonl)' })
    .option('jobs', { alias: 'j', type: 'number', describe: `worker processes (default ${defaultJobs()}: cores, fewer when memory is short)` })
    .option('shard', { type: 'string', describe: 'verify only shard I of N (0-based), e.g. 2/8' })
    .option('shard-count', { type: 'number', describe: 'number of shards for a Kubernetes Indexed Job (else DISTDIFF_SHARD_COUNT)' })
    .option('fail-on', { choices: SEVERITIES as Severity[], default: 'high' as Severity, describe: 'lowest severity that fails a release' })
    .option('config', { type: 'string', describe: 'policy file applied to every release' })
    .option('cache-dir', { type: 'string', describe: 'shared clone and download cache (default $XDG_CACHE_HOME/distdiff)' })
    .option('allow-http', { type: 'boolean', default: false, describe: 'allow plain http downloads from non-loopback hosts' })
    .option('npm-registry', { type: 'string', describe: 'registry for npm:NAME@VERSION inputs' })
    .epilog(
      'Verifies every release of a manifest (JSONL or CSV: tarball, repo, optional tag, commit, sha256, profile, id).\n' +
        'Resumable: a rerun skips releases already done. The shard comes from --shard or from a Slurm job array,\n' +
        'a Kubernetes Indexed Job (JOB_COMPLETION_INDEX + DISTDIFF_SHARD_COUNT) or a Cloud Run job environment.\n' +
        'Combine shards with: distdiff batch merge DIR... --out DIR\n\n' +
        'Exit codes: 0 every release passed, 1 some release failed its gate or errored (or a manifest line was bad),\n' +
        '2 batch error.',
    )
    .parseAsync();
  if (args.help || args.version) return 0;
  const manifest = args._[0];
  if (manifest === undefined || args._.length > 1) throw new DistdiffError('usage', 'distdiff batch', 'give one manifest file', "see 'distdiff batch --help'");
  if (args.jobs !== undefined && (!Number.isInteger(args.jobs) || args.jobs < 1)) throw new DistdiffError('usage', `--jobs ${args.jobs}`, 'not a positive integer', 'e.g. --jobs 4');
  const shard: Shard | undefined = args.shard !== undefined ? parseShard(args.shard) : shardFromEnv(io.env, args['shard-count'] !== undefined ? { count: args['shard-count'] } : {});
  const cacheDir = resolve(args['cache-dir'] ?? defaultCacheDir(io.env));
  mkdirSync(cacheDir, { recursive: true });

  let lastDraw = 0;
  const width = Math.min(100, io.columns || 80) - 1;
  const s = await runBatch(
    {
      manifest: String(manifest),
      out: args.out,
      ...(args.jobs !== undefined ? { jobs: args.jobs } : {}),
      ...(shard ? { shard } : {}),
      cacheDir,
      failOn: args['fail-on'] as Severity,
      ...(args.config ? { policyPath: args.config } : {}),
      allowHttp: args['allow-http'],
      ...(args['npm-registry'] ? { npmRegistry: args['npm-registry'] } : {}),
    },
    {
      badLine: (b, m) => io.err(`distdiff batch: ${m}:${b.line}: ${b.problem}; line skipped\n`),
      progress: io.tty
        ? (p) => {
            const now = Date.now();
            if (now - lastDraw < 200 && p.done + p.skipped < p.total) return;
            lastDraw = now;
            io.err('\r' + formatBatchProgress(p, width));
          }
        : undefined,
      row: io.tty ? undefined : (r) => io.err(`distdiff batch: ${r.id}: ${r.status === 'error' ? `ERROR ${r.error?.message ?? ''}` : r.verdict!.toUpperCase()}\n`),
    },
  );
  if (io.tty) io.err('\n');
  const where = shard ? ` (shard ${shard.index}/${shard.count} from ${shard.source === 'option' ? '--shard' : shard.source})` : '';
  io.err(
    `distdiff batch: ${s.total} release(s)${where}: ${s.passed} passed, ${s.failed} failed, ${s.errors} error(s), ${s.skipped} already done` +
      `${s.bad.length ? `; ${s.bad.length} bad manifest line(s)` : ''} → ${s.out.root}\n`,
  );
  io.err(dbLine(s.db));
  return s.exitCode;
}

function dbLine(db: DbOutcome): string {
  return db.written
    ? `distdiff batch: results database ${DB_FILE} (${db.releases} releases, ${db.findings} findings) and parquet/*.parquet written\n`
    : `distdiff batch: results database not written: ${db.reason}\n`;
}

async function reportCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = await parser(argv)
    .usage('$0 report DIR [--format html|markdown] [--output FILE]')
    .epilog(
      'A batch at a glance: verdicts, top finding codes, top unexplained paths, slowest releases, with a link to\n' +
        "each release's own HTML report (written to DIR/html/). html goes to DIR/report.html, markdown to stdout.",
    )
    .option('format', { alias: 'f', choices: ['html', 'markdown'] as const, default: 'html' as const, describe: 'report format' })
    .option('output', { alias: 'o', type: 'string', describe: 'write the report to FILE' })
    .option('top', { type: 'number', default: 15, describe: 'rows in each top list' })
    .parseAsync();
  if (args.help || args.version) return 0;
  if (args._.length !== 1) throw new DistdiffError('usage', 'distdiff report', 'give one batch output directory', "see 'distdiff report --help'");
  const dir = resolve(String(args._[0]));
  const stats = collectStats(dir, { top: args.top, htmlDir: 'html' });
  if (args.format === 'markdown') {
    const text = renderBatchMarkdown(stats);
    if (args.output) atomicWrite(args.output, text);
    else io.out(text);
  } else {
    const file = args.output ?? join(dir, 'report.html');
    atomicWrite(file, renderBatchHtml(stats));
    io.err(`distdiff report: ${stats.total} release(s) → ${file}\n`);
  }
  return 0;
}
