/**
 * The results database: built by a real batch (the bundled samples, including the xz-shaped release, and a
 * repository whose tag is moved between two runs), queried with the README's own SQL; Parquet read back;
 * without the optional DuckDB package the batch says so and the JSON stays complete.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { git, makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { readSummary, root, runCli } from './helpers.js';

/** The README's SQL blocks, by their `-- q:NAME` marker. */
function readmeQueries(): Map<string, string> {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const out = new Map<string, string>();
  for (const m of readme.matchAll(/```sql\n-- q:([a-z0-9-]+)[^\n]*\n([\s\S]*?)```/g)) out.set(m[1]!, m[2]!);
  return out;
}

async function query(db: string, sql: string): Promise<unknown[][]> {
  const inst = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  const con = await inst.connect();
  try {
    const r = await con.runAndReadAll(sql);
    return r.getRowsJson() as unknown[][];
  } finally {
    con.closeSync();
    inst.closeSync();
  }
}

describe('results database', () => {
  const tmp = tempDir('distdiff-db-');
  const policy = join(tmp, 'policy.json');
  const cache = join(tmp, 'cache');
  let manifest: string;
  let first: string;
  let moved: { old: string; now: string };

  beforeAll(() => {
    const repo = makeRepo(join(tmp, 'proj'));
    const old = repo.commit({ 'a.c': 'int a;\n' });
    repo.tag('v1.0');
    const bundle = join(tmp, 'proj.bundle');
    git(repo.dir, ['bundle', 'create', bundle, '--all']);
    const tarball = join(tmp, 'proj-1.0.tar.gz');
    git(repo.dir, ['archive', '--format=tar.gz', '--prefix=proj-1.0/', '-o', tarball, 'v1.0']);
    manifest = join(tmp, 'm.jsonl');
    // The sample's generated files are hand-written stand-ins nothing reproduces (UNPROVED_BUILD_OUTPUTS): accepted by a policy, as a batch would.
    writeFileSync(policy, JSON.stringify({ allow: [{ path: '**', code: 'UNPROVED_BUILD_OUTPUTS', reason: 'sample stand-ins' }] }));
    writeFileSync(
      manifest,
      [
        { id: 'hello', tarball: join(root, 'samples/hello-1.0.tar.gz'), repo: join(root, 'samples/hello.bundle') },
        { id: 'xz', tarball: join(root, 'samples/xzlike/hello-1.0.tar.gz'), repo: join(root, 'samples/hello.bundle') },
        { id: 'moved', tarball, repo: bundle, tag: 'v1.0' },
        { id: 'broken', tarball, repo: bundle, tag: 'v2.0' },
      ]
        .map((x) => JSON.stringify(x))
        .join('\n'),
    );
    first = join(tmp, 'first');
    expect(runCli(['batch', manifest, '--out', first, '--jobs', '2', '--config', policy, '--cache-dir', cache]).code).toBe(1);
    // The project moves its tag to another commit; the next run (same cache) sees it.
    const now = repo.commit({ 'a.c': 'int a;\n', 'b.c': 'int b;\n' });
    repo.git(['tag', '-f', 'v1.0', now]);
    git(repo.dir, ['bundle', 'create', bundle, '--all']);
    moved = { old, now };
  });

  it('the README queries answer on a real batch', async () => {
    const out = join(tmp, 'second');
    const r = runCli(['batch', manifest, '--out', out, '--jobs', '2', '--config', policy, '--cache-dir', cache]);
    expect(r.code).toBe(1);
    const db = join(out, 'results.duckdb');
    const findings = readSummary(out).reduce((n, row) => n + (row.report ? JSON.parse(readFileSync(join(out, row.report), 'utf8')).findings.length : 0), 0);
    expect(r.stderr).toContain(`distdiff batch: results database results.duckdb (4 releases, ${findings} findings) and parquet/*.parquet written\n`);
    const q = readmeQueries();
    expect([...q.keys()]).toEqual(['unknown-m4', 'unexplained-paths', 'moved-tags', 'verdicts']);
    expect(await query(db, q.get('unknown-m4')!)).toEqual([['xz', 'm4/build-to-host.m4', 'SERIAL_AHEAD_OF_UPSTREAM', 'critical']]);
    expect(await query(db, q.get('moved-tags')!)).toEqual([['moved', 'v1.0', moved.old, moved.now]]);
    expect(await query(db, q.get('verdicts')!)).toEqual([
      ['different', '2'],
      ['error: revision', '1'],
      ['explained', '1'],
    ]);
    const paths = await query(db, q.get('unexplained-paths')!);
    expect(paths).toEqual([
      ['.', '2', 'UNPROVED_BUILD_OUTPUTS'],
      ['b.c', '1', 'GIT_ONLY'],
      ['configure', '1', 'CARRIES_SUSPICIOUS_EXPANSION'],
      ['m4/build-to-host.m4', '1', 'SERIAL_AHEAD_OF_UPSTREAM'],
      ['pax_global_header', '1', 'REVISION_MISMATCH'],
      ['refs/tags/v1.0', '1', 'TAG_MOVED'],
    ]);
    expect(await query(db, "select change, count(*) from findings where release_id = 'xz' group by change order by change")).toEqual([
      ['changed', '3'],
      ['git-only', '3'],
      ['tarball-only', '9'],
      [null, '1'], // UNPROVED_BUILD_OUTPUTS: a group of files, no one path's change
    ]);
    // Parquet holds the same rows.
    expect(await query(db, `select count(*) from read_parquet('${join(out, 'parquet', 'findings.parquet')}')`)).toEqual([[String(findings)]]);
    expect(await query(db, `select id, status from read_parquet('${join(out, 'parquet', 'releases.parquet')}') order by line`)).toEqual([
      ['hello', 'passed'],
      ['xz', 'failed'],
      ['moved', 'failed'],
      ['broken', 'error'],
    ]);
    expect(readdirSync(out).filter((n) => n.includes('.tmp-') || n.endsWith('.wal'))).toEqual([]);
  });

  it('batch merge rebuilds the database from the merged rows', async () => {
    const out = join(tmp, 'merged');
    const m = runCli(['batch', 'merge', first, '--out', out]);
    expect(m.code).toBe(1);
    expect(await query(join(out, 'results.duckdb'), 'select id, verdict from releases order by line')).toEqual([
      ['hello', 'explained'],
      ['xz', 'different'],
      ['moved', 'identical'],
      ['broken', null],
    ]);
  });

  it('without the optional package: a clear line, exit status unchanged, JSON complete', () => {
    // A copy of the built tool whose node_modules lacks @duckdb (every other package linked).
    const app = join(tmp, 'app');
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    cpSync(join(root, 'dist'), join(app, 'dist'), { recursive: true });
    cpSync(join(root, 'package.json'), join(app, 'package.json'));
    cpSync(join(root, 'data'), join(app, 'data'), { recursive: true });
    for (const name of readdirSync(join(root, 'node_modules'))) {
      if (name !== '@duckdb' && name !== '.bin') symlinkSync(join(root, 'node_modules', name), join(app, 'node_modules', name));
    }
    const out = join(tmp, 'noduck');
    const r = runCli(['batch', manifest, '--out', out, '--jobs', '2', '--config', policy, '--cache-dir', join(tmp, 'cache2')], { DISTDIFF_CLI: join(app, 'dist', 'cli.js') });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'distdiff batch: results database not written: the optional dependency @duckdb/node-api is not installed (npm install @duckdb/node-api); the JSON rows and reports are complete\n',
    );
    expect(existsSync(join(out, 'results.duckdb'))).toBe(false);
    // 'moved' fails here too: its archive is of the old commit, the tag names the new one.
    expect(readSummary(out).map((x) => x.status)).toEqual(['passed', 'failed', 'failed', 'error']);
  });
});
